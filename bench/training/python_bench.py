#!/usr/bin/env python3
"""Python XGBoost and scikit-learn HistGradientBoosting on the benchmark data (Debian packages
python3-xgboost, python3-sklearn), same parameters as the Java run: 200 rounds, depth 6, eta 0.1,
hist trees, BENCH_THREADS threads (default 1).

Two figures per contender: "fit" is the boosting call alone; "whole" also includes reading
train.csv with pandas' C parser (the fastest ordinary way in Python) and building the DMatrix,
i.e. what the Java side's whole train() covers."""
import os
import sys
import time

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.ensemble import HistGradientBoostingClassifier

folder = sys.argv[1] if len(sys.argv) > 1 else "."
threads = int(os.environ.get("BENCH_THREADS", "1"))
test = pd.read_csv(f"{folder}/test.csv")
Xt, yt = test.drop(columns="label").to_numpy(np.float32), test["label"].to_numpy()
params = {"objective": "binary:logistic", "max_depth": 6, "eta": 0.1, "tree_method": "hist", "nthread": threads, "seed": 42}

start, cpu = time.perf_counter(), time.process_time()
train = pd.read_csv(f"{folder}/train.csv")
X, y = train.drop(columns="label").to_numpy(np.float32), train["label"].to_numpy()
dtrain = xgb.DMatrix(X, label=y, nthread=threads)
fit_start = time.perf_counter()
booster = xgb.train(params, dtrain, num_boost_round=200)
end, cpu = time.perf_counter(), time.process_time() - cpu
acc = float(((booster.predict(xgb.DMatrix(Xt, nthread=threads)) > 0.5) == yt).mean())
print(f"python-xgboost {xgb.__version__} ({threads} threads): fit {end - fit_start:.2f} s, whole {end - start:.2f} s "
      f"(read {fit_start - start:.2f} s; process CPU {cpu:.2f} s), accuracy {acc:.4f}")

start, cpu = time.perf_counter(), time.process_time()
train = pd.read_csv(f"{folder}/train.csv")
X, y = train.drop(columns="label").to_numpy(np.float32), train["label"].to_numpy()
fit_start = time.perf_counter()
hgb = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.1, max_depth=6, early_stopping=False,
                                     random_state=42).fit(X, y)  # threads: OMP_NUM_THREADS
end, cpu = time.perf_counter(), time.process_time() - cpu
print(f"sklearn-hist-gb: fit {end - fit_start:.2f} s, whole {end - start:.2f} s (process CPU {cpu:.2f} s), "
      f"accuracy {float((hgb.predict(Xt) == yt).mean()):.4f}")
