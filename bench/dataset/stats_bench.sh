#!/usr/bin/env bash
# Statistics over ROWS (default 10 M) rows: generates the CSV, uploads it against a template, waits for the
# validation, then times a dataset/statistics run (POST generate_statistics → GET statistics completed).
#   TOKEN=... bench/dataset/stats_bench.sh [ROWS]          (stack_bench.sh runs it under the stack lock)
set -euo pipefail
rows=${1:-10000000}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
csv="$WORK/bench_${rows}rows.csv"
[ -f "$csv" ] || "$here/gen_csv.sh" 0 "$csv" "$rows"
PID=${PID:-$(service_pid)}

upload_and_wait "$csv" "$(create_template)"
echo "uploaded and validated $(stat -c %s "$csv") bytes in $(echo "$t_done - $t_start" | bc) s (status $status)"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
cpu_before=$(cpu_seconds "$PID")
start=$(date +%s.%N)
curl -sf "${auth[@]}" -X POST "$BASE/api/v1/dataset/generate_statistics?dataset_id=$dataset_id" > /dev/null
while :; do
  stats=$(curl -s "${auth[@]}" "$BASE/api/v1/dataset/statistics?dataset_id=$dataset_id")
  state=$(echo "$stats" | json 'd.get("status")' 2>/dev/null || echo none)
  [ "$state" = completed ] || [ "$state" = failed ] && break
  sleep 0.2
done
end=$(date +%s.%N)
cpu_after=$(cpu_seconds "$PID")
total=$(echo "$stats" | json 'd["total_rows"]')
wall=$(echo "$end - $start" | bc)
printf 'statistics: status %s, %s rows, %d columns\n' "$state" "$total" "$(echo "$stats" | json 'len(d["columns"])')"
printf 'load average before: %s, after: %s\n' "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'wall %.2f s (%.0f rows/s), service CPU %.2f s (%.0f rows per CPU-second)\n' "$wall" "$(echo "$total / $wall" | bc -l)" \
  "$(echo "$cpu_after - $cpu_before" | bc)" "$(echo "$total / ($cpu_after - $cpu_before)" | bc -l)"
