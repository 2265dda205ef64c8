#!/usr/bin/env bash
# Gateway overhead: the same cheap authenticated GET directly on a service and through the gateway.
# Needs wrk (apt-get install wrk) and a running stack (deploy/local/up). Prints requests/s and latency
# percentiles for both, so the throughput ratio and the added p50/p99 can be read off.
#
#   TOKEN=$(curl -s -d 'grant_type=password&username=admin&password=...' \
#           localhost:8080/api/v1/login/access-token | jq -r .access_token) bench/gateway/overhead.sh
#
# Environment: TOKEN (required), GATEWAY (http://localhost:8080), DIRECT (http://localhost:8082),
# PATH_UNDER_TEST (/api/v1/jobs), THREADS (2), CONNECTIONS (32), DURATION (30s), RATE (empty = saturate;
# set it to half of the saturated direct throughput for the "half of saturation" figure; needs wrk2).
set -euo pipefail
: "${TOKEN:?set TOKEN to an access token}"
GATEWAY=${GATEWAY:-http://localhost:8080}
DIRECT=${DIRECT:-http://localhost:8082}
PATH_UNDER_TEST=${PATH_UNDER_TEST:-/api/v1/jobs}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-30s}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
rate=()
if [[ -n "${RATE:-}" ]]; then rate=(-R "$RATE"); fi

run() {
  echo "== $1 $2$PATH_UNDER_TEST"
  # warm up JIT and connection pools first
  wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -H "Authorization: Bearer $TOKEN" "$2$PATH_UNDER_TEST" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "${rate[@]}" --latency -H "Authorization: Bearer $TOKEN" "$2$PATH_UNDER_TEST"
}
run direct "$DIRECT"
run gateway "$GATEWAY"
