#!/usr/bin/env bash
# Runs bench/gateway/overhead.sh against a fresh local stack, under the machine-wide stack lock, with the
# gateway's rate limits raised so that the benchmark measures forwarding, not 429s (the buckets are still
# taken on every request). Extra environment (e.g. RUNSTREAM_SERVICE_JAVA_OPTS) reaches the services.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export RUNSTREAM_GATEWAY_RATELIMIT_PRINCIPAL_CAPACITY=${RUNSTREAM_GATEWAY_RATELIMIT_PRINCIPAL_CAPACITY:-100000000}
export RUNSTREAM_GATEWAY_RATELIMIT_TENANT_CAPACITY=${RUNSTREAM_GATEWAY_RATELIMIT_TENANT_CAPACITY:-100000000}
exec flock -w 2400 /tmp/runstream-stack.lock bash -c \
  'trap "deploy/local/down" EXIT; deploy/local/up --detach && bench/gateway/overhead.sh'
