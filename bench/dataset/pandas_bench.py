"""pandas read_csv plus type coercion of the bench file (the comparison for the validator).
usage: python3 pandas_bench.py FILE.csv   (Debian: apt-get install python3-pandas; run with /usr/bin/python3)"""
import os
import resource
import sys
import time

import pandas as pd

path = sys.argv[1]
wall = time.time()
cpu = time.process_time()
df = pd.read_csv(path)
for c in ["id", "qty"]:
    df[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
for c in ["amount", "score"]:
    df[c] = pd.to_numeric(df[c], errors="coerce")
df["active"] = df["active"].astype(str).str.lower().map({"true": True, "false": False})
df["day"] = pd.to_datetime(df["day"], errors="coerce", format="%Y-%m-%d")
df["at"] = pd.to_datetime(df["at"], errors="coerce", utc=True)
valid = int(df.notna().all(axis=1).sum())
wall = time.time() - wall
cpu = time.process_time() - cpu
mb = os.path.getsize(path) / 1048576
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"pandas {pd.__version__}: {len(df):,} rows ({valid:,} valid) of {mb:.0f} MB in {wall:.2f} s wall "
      f"({mb / wall:.1f} MB/s), {cpu:.2f} s CPU ({mb / cpu:.1f} MB/s per core); peak RSS {rss:.0f} MB")
