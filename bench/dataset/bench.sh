#!/usr/bin/env bash
# Upload + validate throughput and peak heap of a running dataset-service, and pandas on the same file.
#
# Needs a running service (the local stack: deploy/local/up runs services with -Xmx256m) and a token with
# datasets:write + templates:write; stack_bench.sh does all of it under the stack lock. By hand:
#   TOKEN=... bench/dataset/bench.sh 100      # 100 MB
#   TOKEN=... bench/dataset/bench.sh 1024     # 1 GB
# Env: BASE (default http://localhost:8083), PID (service pid; default: the process listening on BASE's port),
#      WORK (default /tmp/runstream-bench), PANDAS=0 to skip pandas, JFR=FILE to record the service with JFR meanwhile.
set -euo pipefail
size_mb=${1:-100}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
csv="$WORK/bench_${size_mb}mb.csv"
[ -f "$csv" ] || "$here/gen_csv.sh" "$size_mb" "$csv"
bytes=$(stat -c %s "$csv")

PID=${PID:-$(service_pid)}
heap_log="$WORK/heap.log"; : > "$heap_log"
# used heap (KiB) = S0U + S1U + EU + OU, sampled every 100 ms; capacity = max heap from jcmd
# jstat itself is the background job (awk behind a process substitution), so killing $sampler stops the sampling
# and releases the script's stdout and stderr (a pipe held by an orphaned jstat keeps `bench.sh | grep` waiting)
jstat -gc "$PID" 100 > >(awk 'NR > 1 { print $3 + $4 + $6 + $8; fflush() }' > "$heap_log") 2>/dev/null &
sampler=$!
trap 'kill $sampler 2>/dev/null || true' EXIT
max_heap=$(jcmd "$PID" VM.flags 2>/dev/null | grep -o 'MaxHeapSize=[0-9]*' | head -1 | cut -d= -f2)

template=$(create_template)
[ -z "${JFR:-}" ] || jcmd "$PID" JFR.start name=bench settings=profile > /dev/null
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
cpu_before=$(cpu_seconds "$PID")
upload_and_wait "$csv" "$template"
cpu_after=$(cpu_seconds "$PID")
sleep 0.3; kill $sampler 2>/dev/null || true
[ -z "${JFR:-}" ] || jcmd "$PID" JFR.stop name=bench filename="$JFR" > /dev/null

mb=$(echo "$bytes / 1048576" | bc -l)
report=$(curl -sf "${auth[@]}" "$BASE/api/v1/files/get_file_by_id/?file_id=$file_id")
printf 'file: %s (%.0f MB, %s records, %s valid), status %s\n' "$csv" "$mb" \
  "$(echo "$report" | json 'd["total_records"]')" "$(echo "$report" | json 'd["valid_records"]')" "$status"
printf 'load average before: %s, after: %s\n' "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'upload (stored):      %6.2f s  %7.1f MB/s\n' "$(echo "$t_stored - $t_start" | bc)" "$(echo "$mb / ($t_stored - $t_start)" | bc -l)"
printf 'upload + validate:    %6.2f s  %7.1f MB/s\n' "$(echo "$t_done - $t_start" | bc)" "$(echo "$mb / ($t_done - $t_start)" | bc -l)"
printf 'service CPU:          %6.2f s  %7.1f MB per CPU-second\n' "$(echo "$cpu_after - $cpu_before" | bc)" \
  "$(echo "$mb / ($cpu_after - $cpu_before)" | bc -l)"
printf 'peak used heap:       %6.1f MB (max heap %s MB)\n' "$(sort -n "$heap_log" | tail -1 | awk '{print $1 / 1024}')" \
  "$(( ${max_heap:-0} / 1048576 ))"

if [ "${PANDAS:-1}" = 1 ]; then
  if /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
    /usr/bin/python3 "$here/pandas_bench.py" "$csv"
  else
    echo "pandas not installed (apt-get install python3-pandas) — skipped"
  fi
fi
