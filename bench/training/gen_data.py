#!/usr/bin/env python3
"""Writes the benchmark data set: binary classification, N rows x 20 numeric features, a known
nonlinear signal plus label noise; train.csv (80%) and test.csv (20%), the same files for every
contender."""
import csv
import random
import sys

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
out = sys.argv[2] if len(sys.argv) > 2 else "."
rng = random.Random(42)
header = [f"f{i}" for i in range(20)] + ["label"]
with open(f"{out}/train.csv", "w", newline="") as train, open(f"{out}/test.csv", "w", newline="") as test:
    tw, sw = csv.writer(train), csv.writer(test)
    tw.writerow(header)
    sw.writerow(header)
    for r in range(rows):
        x = [rng.gauss(0, 1) for _ in range(20)]
        score = 1.5 * x[0] - 2.0 * x[1] * (x[2] > 0) + x[3] * x[4] + 0.8 * abs(x[5]) - 0.5 * x[6] ** 2 + 0.3 * x[7]
        label = 1 if score + rng.gauss(0, 0.7) > 0 else 0
        (tw if r % 5 else sw).writerow([f"{v:.5f}" for v in x] + [label])
