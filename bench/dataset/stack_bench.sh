#!/usr/bin/env bash
# The whole dataset benchmark against the local stack, under the stack lock: starts the stack (services at
# -Xmx256m unless RUNSTREAM_SERVICE_JAVA_OPTS says otherwise), logs in as admin, runs bench.sh for each size
# and stats_bench.sh, and always brings the stack down.
#   bench/dataset/stack_bench.sh [SIZES (default "100 1024")] [STATS_ROWS (default 10000000, 0 = skip)]
# Env: JFR_DIR=folder to record the service with JFR during each upload (dataset-SIZE.jfr);
#      WARMUP=MB to upload (and validate) a file of that size first, unmeasured, so that the measured runs see
#      compiled code (default 0: the first size includes the JIT's warm-up);
#      a private stack: RUNSTREAM_BASE_PORT, RUNSTREAM_POSTGRES_PORT, RUNSTREAM_KAFKA_PORT, RUNSTREAM_DATA_DIR
#      (the lock is then one of that stack's own, so that stacks on other ports are not waited for).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
sizes=${1:-100 1024}; stats_rows=${2:-10000000}
base_port=${RUNSTREAM_BASE_PORT:-8080}
lock=/tmp/runstream-stack.lock
[ "$base_port" = 8080 ] || lock=/tmp/runstream-stack-$base_port.lock
exec flock -w 2400 "$lock" bash -c '
  set -uo pipefail
  cd "$1"
  data=${RUNSTREAM_DATA_DIR:-deploy/local/data}
  trap "deploy/local/down --data-dir=$data" EXIT
  deploy/local/up --detach || exit 1
  export BASE=http://localhost:$(($5 + 3))
  export TOKEN=$(curl -s http://localhost:$5/api/v1/login/access-token -d username=admin \
    --data-urlencode "password=$(cat "$data/admin-password")" | sed -E "s/.*\"access_token\":\"([^\"]+)\".*/\1/")
  echo "service JVM: $(tr "\0" " " < /proc/$(ss -ltnpH "sport = :$(($5 + 3))" | grep -o "pid=[0-9]*" | head -1 | cut -d= -f2)/cmdline | cut -c1-200)"
  if [ "${WARMUP:-0}" != 0 ]; then
    echo "warm-up: $WARMUP MB (not measured)"; PANDAS=0 bench/dataset/bench.sh "$WARMUP" > /dev/null; echo
  fi
  for size in $2; do JFR=${JFR_DIR:+$JFR_DIR/dataset-$size.jfr} PANDAS=0 bench/dataset/bench.sh "$size"; echo; done
  [ "$3" = 0 ] || bench/dataset/stats_bench.sh "$3"
' _ "$root" "$sizes" "$stats_rows" "$lock" "$base_port"
