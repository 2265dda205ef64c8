#!/usr/bin/env bash
# The SSE fan-out benchmark against nginx's nchan module on the same box and the same client, for comparison with
# job-service (docs/benchmarks.md):
#
#   bench/sse/nchan/run.sh [subscribers=10000] [runs per second=2.5] [seconds=30]
#
# Needs nginx and libnginx-mod-nchan (Debian: apt-get install nginx-light libnginx-mod-nchan). Starts a private
# nginx on port 9090 (NCHAN_WORKERS workers, default 1), runs bench/sse/FanOut.java against it, stops it.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PREFIX=$(mktemp -d /tmp/nchan-bench.XXXXXX)
sed -e "s#PREFIX#$PREFIX#g" -e "s#WORKERS#${NCHAN_WORKERS:-1}#" "$HERE/nginx.conf" >"$PREFIX/nginx.conf"
nginx -c "$PREFIX/nginx.conf" -p "$PREFIX"
trap 'nginx -c "$PREFIX/nginx.conf" -p "$PREFIX" -s stop; rm -rf "$PREFIX"' EXIT
sleep 1
master=$(cat "$PREFIX/nginx.pid")
worker=$(pgrep -P "$master" | head -n 1)
echo "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), nchan, ${NCHAN_WORKERS:-1} worker(s); measured worker: $worker"
NCHAN=http://localhost:9090 JOB_PID=$worker java -Xmx640m "$HERE/../FanOut.java" "${1:-10000}" "${2:-2.5}" "${3:-30}"
