#!/usr/bin/env bash
# Run submission: wrk POSTs /api/v1/runs for DURATION, ROUNDS times (the JIT needs a few rounds), and after each
# round prints runs/s, p50/p99 and the CPU that job-service and PostgreSQL spent per run created (from /proc).
#
#   TOKEN=... JOB_PID=<job-service pid> bench/runs/submission.sh [echo|admission]
#
# echo       system/echo runs: each is admitted and also executes (started, an output line, finished) — the
#            figure of docs/benchmarks.md's summary table. Runs are admitted faster than they execute, so a
#            backlog drains behind the benchmark.
# admission  runs of bench/wait (registered here: a command job that sleeps ten minutes): four start, the rest
#            stay pending, so the figures are admission alone. Restart the stack afterwards (the pending runs
#            would hold the executor's four places for hours).
#
# Environment: BASE_URL (http://localhost:8082; the gateway is 8080), ROUNDS (6), DURATION (20s),
# CONNECTIONS (32). Needs wrk and a running stack (deploy/local/up) with the gateway's rate limits raised when
# going through it.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODE=${1:-echo}
BASE_URL=${BASE_URL:-http://localhost:8082}
ROUNDS=${ROUNDS:-6}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
: "${TOKEN:?TOKEN must hold an access token}"
: "${JOB_PID:?JOB_PID must hold the process id of job-service}"

if [[ $MODE == admission ]]; then
  curl -sf -o /dev/null -X POST "$BASE_URL/api/v1/jobs" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d '{"id":"bench/wait","command":["sleep","600"]}' || true
  export JOB_ID=bench/wait ARGS='{}'
else
  export JOB_ID=system/echo ARGS='{"message":"bench"}'
fi
export TOKEN

# CPU ticks (utime + stime) of job-service and of every postgres process
ticks() {
  local job=0 pg=0 fields
  for dir in /proc/[0-9]*; do
    local comm; comm=$(cat "$dir/comm" 2>/dev/null) || continue
    [[ ${dir#/proc/} == "$JOB_PID" || $comm == postgres ]] || continue
    read -r -a fields < <(sed 's/.*) //' "$dir/stat" 2>/dev/null) || continue
    if [[ ${dir#/proc/} == "$JOB_PID" ]]; then job=$((job + fields[11] + fields[12])); else pg=$((pg + fields[11] + fields[12])); fi
  done
  echo "$job $pg"
}

hz=$(getconf CLK_TCK)
for round in $(seq "$ROUNDS"); do
  read -r job0 pg0 < <(ticks)
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$HERE/submit.lua" "$BASE_URL")
  read -r job1 pg1 < <(ticks)
  rate=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  total=$(awk '/requests in/ {print $1}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  failed=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  awk -v r="$round" -v m="$MODE" -v rate="$rate" -v n="$total" -v p50="$p50" -v p99="$p99" -v f="${failed:-0}" \
      -v j=$((job1 - job0)) -v p=$((pg1 - pg0)) -v hz="$hz" 'BEGIN {
    printf "round %d %-9s %8.1f runs/s  p50 %-9s p99 %-9s failed %s  CPU per run: job-service %.2f ms, PostgreSQL %.2f ms\n",
      r, m, rate, p50, p99, f, (n > 0 ? 1000 * j / hz / n : 0), (n > 0 ? 1000 * p / hz / n : 0) }'
done
