#!/usr/bin/env bash
# The gateway overhead benchmark with nginx as the proxy instead of the gateway, on the same box, the same service
# and the same token: what a plain C reverse proxy adds here, measured the same way as the gateway
# (bench/gateway/overhead.sh), so that the gateway's figures can be read against it (docs/benchmarks.md).
#
#   TOKEN=... DIRECT=http://localhost:8082 bench/gateway/nginx/run.sh
#
# Needs nginx (Debian: apt-get install nginx-light) and what overhead.sh needs. Starts a private nginx on
# NGINX_PORT (9091) proxying to DIRECT with NGINX_WORKERS workers (1) and NGINX_KEEPALIVE idle connections to the
# service kept open (64; 0 = nginx's default, a connection per request), runs overhead.sh with it as the gateway,
# stops it. nginx checks no token: the service behind it does, as it does behind the gateway.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIRECT=${DIRECT:-http://localhost:8082}
NGINX_PORT=${NGINX_PORT:-9091}
upstream=${DIRECT#http://}; upstream=${upstream%%/*}
keepalive="keepalive ${NGINX_KEEPALIVE:-64};"; [[ "${NGINX_KEEPALIVE:-64}" == 0 ]] && keepalive=""
PREFIX=$(mktemp -d /tmp/nginx-proxy-bench.XXXXXX)
sed -e "s#PREFIX#$PREFIX#g" -e "s#WORKERS#${NGINX_WORKERS:-1}#" -e "s#UPSTREAM#$upstream#" -e "s#LISTEN#$NGINX_PORT#" \
    -e "s#KEEPALIVE#$keepalive#" \
    "$HERE/nginx.conf" >"$PREFIX/nginx.conf"
nginx -c "$PREFIX/nginx.conf" -p "$PREFIX"
trap 'nginx -c "$PREFIX/nginx.conf" -p "$PREFIX" -s stop; rm -rf "$PREFIX"' EXIT
sleep 1
echo "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///') as a reverse proxy, ${NGINX_WORKERS:-1} worker(s)," \
     "${NGINX_KEEPALIVE:-64} kept-alive connections, :$NGINX_PORT -> $upstream"
GATEWAY=http://localhost:$NGINX_PORT DIRECT=$DIRECT "$HERE/../overhead.sh"
