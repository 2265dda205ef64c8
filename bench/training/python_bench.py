#!/usr/bin/env python3
"""Python XGBoost and scikit-learn HistGradientBoosting on the benchmark data (Debian packages
python3-xgboost, python3-sklearn), same parameters as the Java run: 200 rounds, depth 6, eta 0.1,
hist trees, BENCH_THREADS threads (default 1)."""
import os
import sys
import time

import numpy as np
import xgboost as xgb
from sklearn.ensemble import HistGradientBoostingClassifier

folder = sys.argv[1] if len(sys.argv) > 1 else "."
threads = int(os.environ.get("BENCH_THREADS", "1"))
train = np.loadtxt(f"{folder}/train.csv", delimiter=",", skiprows=1)
test = np.loadtxt(f"{folder}/test.csv", delimiter=",", skiprows=1)
X, y, Xt, yt = train[:, :-1], train[:, -1], test[:, :-1], test[:, -1]

dtrain = xgb.DMatrix(X, label=y, nthread=threads)
dtest = xgb.DMatrix(Xt, nthread=threads)
params = {"objective": "binary:logistic", "max_depth": 6, "eta": 0.1, "tree_method": "hist", "nthread": threads, "seed": 42}
start = time.perf_counter()
booster = xgb.train(params, dtrain, num_boost_round=200)
fit = time.perf_counter() - start
acc = float(((booster.predict(dtest) > 0.5) == yt).mean())
print(f"python-xgboost {xgb.__version__} ({threads} threads): fit {fit:.2f} s, accuracy {acc:.4f}")

start = time.perf_counter()
hgb = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.1, max_depth=6, early_stopping=False,
                                     random_state=42).fit(X, y)  # threads: OMP_NUM_THREADS
fit = time.perf_counter() - start
print(f"sklearn-hist-gb: fit {fit:.2f} s, accuracy {float((hgb.predict(Xt) == yt).mean()):.4f}")
