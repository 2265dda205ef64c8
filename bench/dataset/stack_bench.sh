#!/usr/bin/env bash
# The whole dataset benchmark against the local stack, under the stack lock: starts the stack (services at
# -Xmx256m unless RUNSTREAM_SERVICE_JAVA_OPTS says otherwise), logs in as admin, runs bench.sh for each size
# and stats_bench.sh, and always brings the stack down.
#   bench/dataset/stack_bench.sh [SIZES (default "100 1024")] [STATS_ROWS (default 10000000, 0 = skip)]
# Env: JFR_DIR=folder to record the service with JFR during each upload (dataset-SIZE.jfr).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
sizes=${1:-100 1024}; stats_rows=${2:-10000000}
exec flock -w 2400 /tmp/runstream-stack.lock bash -c '
  set -uo pipefail
  cd "$1"
  trap "deploy/local/down" EXIT
  deploy/local/up --detach || exit 1
  export BASE=http://localhost:8083
  export TOKEN=$(curl -s http://localhost:8080/api/v1/login/access-token -d username=admin \
    --data-urlencode "password=$(cat deploy/local/data/admin-password)" | sed -E "s/.*\"access_token\":\"([^\"]+)\".*/\1/")
  echo "service JVM: $(tr "\0" " " < /proc/$(ss -ltnpH "sport = :8083" | grep -o "pid=[0-9]*" | head -1 | cut -d= -f2)/cmdline | cut -c1-200)"
  for size in $2; do JFR=${JFR_DIR:+$JFR_DIR/dataset-$size.jfr} PANDAS=0 bench/dataset/bench.sh "$size"; echo; done
  [ "$3" = 0 ] || bench/dataset/stats_bench.sh "$3"
' _ "$root" "$sizes" "$stats_rows"
