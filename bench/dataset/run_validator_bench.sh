#!/usr/bin/env bash
# Validation core throughput with the heap capped at 256 MB (no HTTP, no database): the floor of what
# upload + validate can reach. usage: run_validator_bench.sh [SIZE_MB]   (needs ./mvnw -pl dataset-service compile)
set -euo pipefail
size_mb=${1:-100}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${WORK:-/tmp/runstream-bench}; mkdir -p "$work"
csv="$work/bench_${size_mb}mb.csv"
[ -f "$csv" ] || "$root/bench/dataset/gen_csv.sh" "$size_mb" "$csv"
fastcsv=$(ls ~/.m2/repository/de/siegmar/fastcsv/*/fastcsv-*.jar | sort | tail -1)
java -Xmx256m -cp "$root/dataset-service/target/classes:$fastcsv" "$root/bench/dataset/ValidatorBench.java" "$csv"
