#!/usr/bin/env bash
# Training benchmark: Runstream's TrainingEngine (XGBoost4J) vs Python XGBoost and scikit-learn.
# Needs: python3-xgboost python3-sklearn python3-pandas (Debian), the repo's Maven wrapper.
# Usage: bench/training/run.sh [rows] — BENCH_REPEAT (default 3) alternating runs of each contender,
# each in a fresh process (a cold JVM for Java, a fresh interpreter for Python).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DATA="${BENCH_DATA:-$(mktemp -d)}"
ROWS="${1:-100000}"
REPEAT="${BENCH_REPEAT:-3}"
# OpenMP spins while it waits: with more threads than free cores (a shared host) XGBoost slows down
# by an order of magnitude, so the default is 1 thread for every contender
export BENCH_THREADS="${BENCH_THREADS:-1}" OMP_NUM_THREADS="${BENCH_THREADS:-1}"
PY="${PYTHON:-/usr/bin/python3}"  # Debian's interpreter, where python3-xgboost lives
[ -f "$DATA/train.csv" ] || "$PY" "$ROOT/bench/training/gen_data.py" "$ROWS" "$DATA"
cd "$ROOT"
for i in $(seq "$REPEAT"); do
  echo "# run $i, load: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$PY" "$ROOT/bench/training/python_bench.py" "$DATA"
  # the test phase of both modules, so that model-runtime comes from this worktree, not from ~/.m2
  # BlockHound (a test-only agent platform-test installs in every test JVM) is off: the service runs without it,
  # and it cost the cold JVM ~0.2 s of reading and ~1 s of process CPU
  ./mvnw -q -B -o -pl model-runtime,training-service test -Dtest=TrainingBenchmark -Drunstream.test.blockhound.disabled=true \
    -Dsurefire.failIfNoSpecifiedTests=false -Dbench.data="$DATA" -Dbench.threads="$BENCH_THREADS" > /dev/null 2>&1 || true
  grep -h "^java-engine" "$ROOT"/training-service/target/surefire-reports/*TrainingBenchmark-output.txt
done
