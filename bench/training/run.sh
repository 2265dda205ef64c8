#!/usr/bin/env bash
# Training benchmark: Runstream's TrainingEngine (XGBoost4J) vs Python XGBoost and scikit-learn.
# Needs: python3-xgboost python3-sklearn (Debian), the repo's Maven wrapper. Usage: bench/training/run.sh [rows]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DATA="${BENCH_DATA:-$(mktemp -d)}"
ROWS="${1:-100000}"
# OpenMP spins while it waits: with more threads than free cores (a shared host) XGBoost slows down
# by an order of magnitude, so the default is 1 thread for every contender
export BENCH_THREADS="${BENCH_THREADS:-1}" OMP_NUM_THREADS="${BENCH_THREADS:-1}"
PY="${PYTHON:-/usr/bin/python3}"  # Debian's interpreter, where python3-xgboost lives
"$PY" "$ROOT/bench/training/gen_data.py" "$ROWS" "$DATA"
"$PY" "$ROOT/bench/training/python_bench.py" "$DATA"
cd "$ROOT"
./mvnw -q -B -o -pl training-service test -Dtest=TrainingBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.data="$DATA" -Dbench.threads="$BENCH_THREADS" > /dev/null 2>&1 || true
grep -h "^java-engine" "$ROOT"/training-service/target/surefire-reports/*TrainingBenchmark-output.txt
