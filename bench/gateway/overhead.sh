#!/usr/bin/env bash
# Gateway overhead: the same cheap authenticated GET directly on a service and through the gateway.
#  1. saturation: wrk (closed loop, CONNECTIONS requests in flight) on both -> requests/s and the ratio;
#  2. half of saturation: OpenLoad.java (open loop, a fixed RATE of requests/s, latency counted from each
#     request's scheduled start) on both at the same rate -> added p50/p99. wrk has no rate option and wrk2
#     is not packaged in Debian; RATE defaults to half of the saturated direct throughput.
# Needs wrk, a JDK (17+) and a running stack (deploy/local/up) whose gateway rate limits are raised
# (bench/gateway/with-stack.sh does all of that under the stack lock).
#
# Environment: TOKEN (default: log in as admin with deploy/local/data/admin-password), GATEWAY
# (http://localhost:8080), DIRECT (http://localhost:8082), PATH_UNDER_TEST (/api/v1/jobs), THREADS (2),
# CONNECTIONS (32), DURATION (20s, wrk), OPEN_SECONDS (30), RATE (empty = half of saturated direct).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
GATEWAY=${GATEWAY:-http://localhost:8080}
DIRECT=${DIRECT:-http://localhost:8082}
PATH_UNDER_TEST=${PATH_UNDER_TEST:-/api/v1/jobs}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-20s}
OPEN_SECONDS=${OPEN_SECONDS:-30}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
if [[ -z "${TOKEN:-}" ]]; then
  TOKEN=$(curl -s "$GATEWAY/api/v1/login/access-token" -d username=admin \
          --data-urlencode "password=$(cat deploy/local/data/admin-password)" \
          | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
fi
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$GATEWAY$PATH_UNDER_TEST")
[[ "$status" == 200 ]] || { echo "GET $GATEWAY$PATH_UNDER_TEST answered $status, not 200" >&2; exit 1; }

# wrk --latency output -> "requests/s p50_ms p99_ms non2xx"
summary() {
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec:/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx/ { non2xx = $NF }
    END { printf "%s %.2f %.2f %d\n", rps, p50, p99, non2xx }'
}

# CPU seconds (user + system) used so far by the local process listening on a port; 0 when it cannot be found
port_pid() { ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true; }
cpu_seconds() {
  local pid; pid=$(port_pid "$1")
  if [[ -n "$pid" ]]; then awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$pid/stat"; else echo 0; fi
}
gateway_port=${GATEWAY##*:}; gateway_port=${gateway_port%%/*}
direct_port=${DIRECT##*:}; direct_port=${direct_port%%/*}

# -> "requests/s p50_ms p99_ms non2xx gateway_cpu_ms_per_request service_cpu_ms_per_request"
saturate() {
  wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -H "Authorization: Bearer $TOKEN" "$1$PATH_UNDER_TEST" >/dev/null  # warm-up
  local g0 s0 out requests
  g0=$(cpu_seconds "$gateway_port"); s0=$(cpu_seconds "$direct_port")
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" "$1$PATH_UNDER_TEST")
  echo "$out" >&2
  requests=$(grep -o '[0-9]* requests in' <<<"$out" | cut -d' ' -f1)
  echo "$(summary <<<"$out") $(awk -v g0="$g0" -v g1="$(cpu_seconds "$gateway_port")" -v s0="$s0" \
      -v s1="$(cpu_seconds "$direct_port")" -v n="$requests" 'BEGIN { printf "%.2f %.2f", (g1 - g0) * 1000 / n, (s1 - s0) * 1000 / n }')"
}

echo "load before: $(uptime)"
read -r d_rps d_p50 d_p99 d_err _ d_svc_cpu < <(saturate "$DIRECT")
read -r g_rps g_p50 g_p99 g_err g_gw_cpu g_svc_cpu < <(saturate "$GATEWAY")
echo "load after saturation: $(uptime)"
RATE=${RATE:-$(awk -v r="$d_rps" 'BEGIN { printf "%d", r / 2 }')}

open_loop() {
  java bench/gateway/OpenLoad.java "$1$PATH_UNDER_TEST" "$RATE" 5 "Authorization: Bearer $TOKEN" >/dev/null  # warm-up
  java bench/gateway/OpenLoad.java "$1$PATH_UNDER_TEST" "$RATE" "$OPEN_SECONDS" "Authorization: Bearer $TOKEN"
}
direct_open=$(open_loop "$DIRECT")
gateway_open=$(open_loop "$GATEWAY")
echo "load after open loop: $(uptime)"
# when the gateway path saturates below the direct rate, half of *its* saturation shows the added latency at a
# rate both paths sustain
LOW_RATE=$(awk -v r="$g_rps" 'BEGIN { printf "%d", r / 2 }')
if (( LOW_RATE < RATE )); then
  full_rate=$RATE; RATE=$LOW_RATE
  direct_low=$(open_loop "$DIRECT")
  gateway_low=$(open_loop "$GATEWAY")
  RATE=$full_rate
  echo "load after second open loop: $(uptime)"
fi
field() { sed -E "s/.* $1=([0-9.]+).*/\1/" <<<"$2"; }

echo
echo "== saturation (wrk -t$THREADS -c$CONNECTIONS -d$DURATION)"
printf 'direct  %8.1f req/s  p50 %7.2f ms  p99 %7.2f ms  non-2xx %s\n' "$d_rps" "$d_p50" "$d_p99" "$d_err"
printf 'gateway %8.1f req/s  p50 %7.2f ms  p99 %7.2f ms  non-2xx %s\n' "$g_rps" "$g_p50" "$g_p99" "$g_err"
awk -v g="$g_rps" -v d="$d_rps" 'BEGIN { printf "throughput ratio gateway/direct: %.2fx (target >= 0.6x)\n", g / d }'
echo "CPU per request: gateway $g_gw_cpu ms; service $d_svc_cpu ms direct, $g_svc_cpu ms behind the gateway"
# open_loop_report TITLE DIRECT_LINE GATEWAY_LINE
open_loop_report() {
  echo "== $1"
  echo "direct  $2"
  echo "gateway $3"
  awk -v g50="$(field p50 "$3")" -v d50="$(field p50 "$2")" -v g99="$(field p99 "$3")" -v d99="$(field p99 "$2")" \
      'BEGIN { printf "added latency: p50 %+.2f ms, p99 %+.2f ms (target p99 <= +2 ms)\n", g50 - d50, g99 - d99 }'
}
open_loop_report "open loop at $RATE req/s (half of the direct saturation) for ${OPEN_SECONDS}s (OpenLoad.java)" \
  "$direct_open" "$gateway_open"
if [[ -n "${gateway_low:-}" ]]; then
  open_loop_report "open loop at $LOW_RATE req/s (half of the gateway's saturation) for ${OPEN_SECONDS}s" \
    "$direct_low" "$gateway_low"
fi
