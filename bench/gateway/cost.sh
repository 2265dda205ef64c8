#!/usr/bin/env bash
# What one proxied request costs the gateway, in figures machine load distorts little:
#  - CPU milliseconds per request (user + system time of the gateway's threads from /proc over a wrk run, the JIT
#    compiler threads left out);
#  - kilobytes allocated per request (exact, from JFR's per-thread allocation counters over a second wrk run),
#    and where the allocation and the CPU go (JFR allocation and execution samples, bench/gateway/JfrSummary.java).
# Needs wrk, a JDK (jcmd) and a running gateway (deploy/local/up, or bench/gateway/with-stack.sh) whose rate limits
# are raised so that every request is forwarded.
#
# What the idle gateway spends in the same time (timers, metrics) is measured first and subtracted, and the
# JIT must be warm: WARMUP should cover some 20,000 requests (at 100 req/s on a busy machine, 200 s); the
# report shows how much compiling happened during the measured run.
#
# Environment: GATEWAY (http://localhost:8080), PATH_UNDER_TEST (/api/v1/jobs), TOKEN (default: log in as admin
# with $RUNSTREAM_DATA_DIR/admin-password or deploy/local/data/admin-password), CONNECTIONS (16),
# WARMUP (60s), IDLE (10s), DURATION (30s), TOP (25 lines per table; 0 = figures only),
# JFR_OUT (where the loaded recording is kept; default a temporary file).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
GATEWAY=${GATEWAY:-http://localhost:8080}
PATH_UNDER_TEST=${PATH_UNDER_TEST:-/api/v1/jobs}
CONNECTIONS=${CONNECTIONS:-16}
WARMUP=${WARMUP:-60s}
IDLE=${IDLE:-10}
DURATION=${DURATION:-30s}
TOP=${TOP:-25}
JFR_OUT=${JFR_OUT:-$(mktemp --suffix=.jfr)}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
if [[ -z "${TOKEN:-}" ]]; then
  password_file=${RUNSTREAM_DATA_DIR:-deploy/local/data}/admin-password
  TOKEN=$(curl -s "$GATEWAY/api/v1/login/access-token" -d username=admin --data-urlencode "password=$(cat "$password_file")" \
          | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
fi
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$GATEWAY$PATH_UNDER_TEST")
[[ "$status" == 200 ]] || { echo "GET $GATEWAY$PATH_UNDER_TEST answered $status, not 200" >&2; exit 1; }

port=${GATEWAY##*:}; port=${port%%/*}
pid=$(ss -ltnpH "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
[[ -n "$pid" ]] || { echo "no local process listens on port $port" >&2; exit 1; }
# CPU seconds (user + system) of the gateway's threads, JIT compiler threads left out (on a busy machine C2 needs
# minutes to settle, and its compiling is no cost of a request); jit_seconds is theirs
thread_cpu() {
  local hz; hz=$(getconf CLK_TCK)
  for task in /proc/"$pid"/task/*; do
    comm=$(cat "$task/comm" 2>/dev/null) || continue
    case "$comm" in C1\ CompilerThre*|C2\ CompilerThre*) [[ "$1" == jit ]] || continue ;; *) [[ "$1" == jit ]] && continue ;; esac
    cat "$task/stat" 2>/dev/null || true
  done | awk -v hz="$hz" '{ sub(/^.*\) /, ""); total += $12 + $13 } END { printf "%.3f\n", total / hz }'
}
cpu_seconds() { thread_cpu work; }
jit_seconds() { thread_cpu jit; }
load() { wrk -t1 -c"$CONNECTIONS" -d"$1" -H "Authorization: Bearer $TOKEN" "$GATEWAY$PATH_UNDER_TEST"; }
requests() { grep -o '[0-9]* requests in' | cut -d' ' -f1; }
non2xx() { grep -o 'Non-2xx or 3xx responses: [0-9]*' | grep -o '[0-9]*$' || echo 0; }

# profile.jfc with every JIT compilation recorded (not only those over 100 ms)
jfc=$(mktemp --suffix=.jfc)
java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
sed '/<event name="jdk.Compilation">/,/<\/event>/ s/[0-9]* ms</0 ms</' "$java_home/lib/jfr/profile.jfc" > "$jfc"
idle_jfr=$(mktemp --suffix=.jfr)
figure() { sed -E "s/.*$1=([0-9.]+).*/\1/" <<<"$2"; }

echo "load before: $(uptime)"
load "$WARMUP" >/dev/null   # JIT warm-up
sleep 2
c0=$(cpu_seconds); sleep "$IDLE"; c1=$(cpu_seconds)
idle_cpu_per_s=$(awk -v a="$c0" -v b="$c1" -v s="$IDLE" 'BEGIN { printf "%.5f", (b - a) / s }')
jcmd "$pid" JFR.start name=gateway-idle settings="$jfc" >/dev/null
sleep "$IDLE"
jcmd "$pid" JFR.stop name=gateway-idle filename="$idle_jfr" >/dev/null
idle=$(java bench/gateway/JfrSummary.java "$idle_jfr" 0 0)
idle_bytes_per_s=$(awk -v b="$(figure allocated_bytes "$idle")" -v s="$(figure seconds "$idle")" 'BEGIN { printf "%.0f", b / s }')

s0=$(date +%s.%N); c0=$(cpu_seconds); j0=$(jit_seconds)
out=$(load "$DURATION")
c1=$(cpu_seconds); j1=$(jit_seconds); s1=$(date +%s.%N)
n=$(requests <<<"$out")
rate=$(grep -o 'Requests/sec: *[0-9.]*' <<<"$out" | grep -o '[0-9.]*$')
cpu=$(awk -v a="$c0" -v b="$c1" -v n="$n" -v idle="$idle_cpu_per_s" -v t="$(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }')" \
      'BEGIN { printf "%.3f", (b - a - idle * t) * 1000 / n }')
cpu_raw=$(awk -v a="$c0" -v b="$c1" -v n="$n" 'BEGIN { printf "%.3f", (b - a) * 1000 / n }')
errors=$(non2xx <<<"$out")

jcmd "$pid" JFR.start name=gateway-cost settings="$jfc" >/dev/null
out=$(load "$DURATION")
jcmd "$pid" JFR.stop name=gateway-cost filename="$JFR_OUT" >/dev/null
n_jfr=$(requests <<<"$out")
echo "load after: $(uptime)"
loaded=$(java bench/gateway/JfrSummary.java "$JFR_OUT" "$n_jfr" 0)
kb=$(awk -v b="$(figure allocated_bytes "$loaded")" -v s="$(figure seconds "$loaded")" -v idle="$idle_bytes_per_s" -v n="$n_jfr" \
     'BEGIN { printf "%.1f", (b - idle * s) / 1000 / n }')
if [[ "$TOP" != 0 ]]; then
  echo
  java bench/gateway/JfrSummary.java "$JFR_OUT" "$n_jfr" "$TOP"
fi
echo
echo "== $GATEWAY$PATH_UNDER_TEST, wrk -t1 -c$CONNECTIONS -d$DURATION after $WARMUP of warm-up"
echo "CPU per request: $cpu ms ($cpu_raw ms before subtracting the idle $(awk -v c="$idle_cpu_per_s" 'BEGIN { printf "%.1f", c * 1000 }') ms/s; $n requests at $rate req/s, non-2xx $errors; JIT compiler threads, not counted: $(awk -v a="$j0" -v b="$j1" 'BEGIN { printf "%.0f", (b - a) * 1000 }') ms)"
echo "allocated per request: $kb KB (idle: $(awk -v b="$idle_bytes_per_s" 'BEGIN { printf "%.0f", b / 1000 }') KB/s subtracted; $n_jfr requests; JIT compilation during the run: $(figure compile_ms "$loaded") ms)"
echo "recording: $JFR_OUT"
rm -f "$jfc" "$idle_jfr"
