#!/usr/bin/env python3
"""Writes a churn-like CSV with a known signal: CustomerID,Tenure,MonthlyCharges,Plan,Churn.
Usage: gen_churn.py ROWS OUT.csv [SEED]"""
import random
import sys

rows, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
plans = ("basic", "plus", "premium")
with open(out, "w") as f:
    f.write("CustomerID,Tenure,MonthlyCharges,Plan,Churn\n")
    for i in range(rows):
        tenure = rng.randrange(72)
        charges = 20 + rng.random() * 100
        plan = plans[rng.randrange(3)]
        churn = (tenure < 24 and charges > 60) or (plan == "basic" and tenure < 6)
        if rng.random() < 0.05:  # label noise
            churn = not churn
        f.write(f"C{i},{tenure},{charges:.2f},{plan},{'true' if churn else 'false'}\n")
