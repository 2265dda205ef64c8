#!/usr/bin/env bash
# inference-service benchmark: real-time latency and batch throughput, in-process (see README.md).
# Usage: bench/inference/run.sh [batch-rows] [requests]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
./mvnw -q -B -o -pl inference-service test -Dtest=PredictionBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.inference=true -Dbench.batch-rows="${1:-100000}" -Dbench.requests="${2:-2000}" > /dev/null 2>&1 || true
grep -h "^inference-" "$ROOT"/inference-service/target/surefire-reports/*PredictionBenchmark-output.txt
