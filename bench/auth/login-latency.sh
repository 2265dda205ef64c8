#!/usr/bin/env bash
# Login latency of auth-service with the production Argon2id parameters, against a real PostgreSQL
# (the platform-test embedded server). Writes bench/auth/results/login-latency-<timestamp>.md.
#   bench/auth/login-latency.sh            (from the repository root; the platform snapshot must be installed)
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B -o -pl auth-service test -Dtest=LoginLatencyBench -Dsurefire.failIfNoSpecifiedTests=false
mkdir -p bench/auth/results
out="bench/auth/results/login-latency-$(date -u +%Y%m%dT%H%M%SZ).md"
cp auth-service/target/login-latency.md "$out"
cat "$out"
echo "written to $out"
