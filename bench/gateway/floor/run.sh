#!/usr/bin/env bash
# The gateway overhead benchmark with a bare Reactor Netty proxy (BareProxy.java) as the gateway: the same
# transport as the gateway and none of its features, on the same box, service and token, measured the same way
# (bench/gateway/overhead.sh). The floor a JVM proxy starts from here; docs/benchmarks.md reads the gateway
# against it and against nginx (bench/gateway/nginx/run.sh).
#
#   TOKEN=... DIRECT=http://localhost:8082 bench/gateway/floor/run.sh
#
# Needs a built tree (./mvnw install -DskipTests, for the gateway's Reactor Netty jars) and what overhead.sh
# needs. Starts the proxy on FLOOR_PORT (9092) in front of DIRECT, runs overhead.sh with it, stops it.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$HERE/../../.."
DIRECT=${DIRECT:-http://localhost:8082}
FLOOR_PORT=${FLOOR_PORT:-9092}
classpath=$(mktemp)
trap 'rm -f "$classpath"' EXIT
# the gateway's own versions of Reactor Netty, Reactor and Netty
(cd "$ROOT" && ./mvnw -q -B -pl gateway dependency:build-classpath -Dmdep.outputFile="$classpath" >/dev/null)
java -Xmx256m -XX:+UseSerialGC -XX:+IgnoreUnrecognizedVMOptions --enable-native-access=ALL-UNNAMED \
     -cp "$(cat "$classpath")" "$HERE/BareProxy.java" "$FLOOR_PORT" "$DIRECT" &
proxy=$!
trap 'kill $proxy 2>/dev/null; rm -f "$classpath"' EXIT
for _ in $(seq 60); do curl -s -o /dev/null "http://localhost:$FLOOR_PORT/" && break; sleep 1; done
GATEWAY=http://localhost:$FLOOR_PORT DIRECT=$DIRECT "$ROOT/bench/gateway/overhead.sh"
