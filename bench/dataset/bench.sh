#!/usr/bin/env bash
# Upload + validate throughput and peak heap of a running dataset-service, and pandas on the same file.
#
# Start the service with a capped heap first (the local stack's PostgreSQL/Kafka/auth must be up), e.g.
#   java -Xmx256m -jar dataset-service/target/dataset-service-0.1.0-SNAPSHOT.jar &
# and get a token with datasets:write + templates:write (auth-service login), then:
#   TOKEN=... bench/dataset/bench.sh 100      # 100 MB
#   TOKEN=... bench/dataset/bench.sh 1024     # 1 GB
# Env: BASE (default http://localhost:8083), PID (service pid for jstat; found with pgrep -f when unset),
#      WORK (default /tmp/runstream-bench).
set -euo pipefail
size_mb=${1:-100}
BASE=${BASE:-http://localhost:8083}
WORK=${WORK:-/tmp/runstream-bench}
: "${TOKEN:?set TOKEN to a bearer token with datasets:write and templates:write}"
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$WORK"
csv="$WORK/bench_${size_mb}mb.csv"
[ -f "$csv" ] || "$here/gen_csv.sh" "$size_mb" "$csv"
bytes=$(stat -c %s "$csv")
auth=(-H "Authorization: Bearer $TOKEN")

PID=${PID:-$(pgrep -f 'dataset-service.*\.jar' | head -1 || true)}
heap_log="$WORK/heap.log"; : > "$heap_log"
if [ -n "$PID" ] && command -v jstat >/dev/null; then
  # used heap (KiB) = S0U + S1U + EU + OU, sampled every 200 ms
  (jstat -gc "$PID" 200 | awk 'NR > 1 { print $3 + $4 + $6 + $8; fflush() }' > "$heap_log") &
  sampler=$!
fi

template=$(curl -sf "${auth[@]}" -H 'Content-Type: application/json' "$BASE/api/v1/template/" -d '{
  "template_name": "bench-'"$RANDOM$RANDOM"'", "template_schema": [
   {"column_name":"id","data_type":"Integer"},{"column_name":"amount","data_type":"Float"},
   {"column_name":"qty","data_type":"Integer"},{"column_name":"active","data_type":"Boolean"},
   {"column_name":"day","data_type":"Date"},{"column_name":"at","data_type":"Timestamp"},
   {"column_name":"city","data_type":"String"},{"column_name":"score","data_type":"Float"},
   {"column_name":"code","data_type":"String"},{"column_name":"note","data_type":"String"}]}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

start=$(date +%s.%N)
answer=$(curl -sf "${auth[@]}" -F "files=@$csv;type=text/csv" \
  "$BASE/api/v1/dataset/upload?dataset_name=bench-$RANDOM$RANDOM&usage=t&template_id=$template")
stored=$(date +%s.%N)
file_id=$(echo "$answer" | python3 -c 'import json,sys; print(json.load(sys.stdin)["files"][0]["id"])')
while :; do
  status=$(curl -sf "${auth[@]}" "$BASE/api/v1/files/get_file_by_id/?file_id=$file_id" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["validation_status"])')
  [ "$status" = validated ] || [ "$status" = failed ] && break
  sleep 0.5
done
done_at=$(date +%s.%N)
[ -n "${sampler:-}" ] && kill "$sampler" 2>/dev/null || true

mb=$(echo "$bytes / 1048576" | bc -l)
printf 'file: %s (%.0f MB), status %s\n' "$csv" "$mb" "$status"
printf 'upload (stored):      %6.2f s  %7.1f MB/s\n' "$(echo "$stored - $start" | bc)" "$(echo "$mb / ($stored - $start)" | bc -l)"
printf 'upload + validate:    %6.2f s  %7.1f MB/s\n' "$(echo "$done_at - $start" | bc)" "$(echo "$mb / ($done_at - $start)" | bc -l)"
if [ -s "$heap_log" ]; then
  printf 'peak used heap:       %6.1f MB\n' "$(sort -n "$heap_log" | tail -1 | awk '{print $1 / 1024}')"
fi

PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
if "$PY" -c 'import pandas' 2>/dev/null; then
  "$PY" "$here/pandas_bench.py" "$csv"
else
  echo "pandas not installed (apt-get install python3-pandas) — skipped"
fi
