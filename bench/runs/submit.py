#!/usr/bin/env python3
"""Run submission benchmark: POST /api/v1/runs of system/echo as fast as N workers can, for D seconds.

Usage: BASE_URL=http://localhost:8080 TOKEN=<access token> bench/runs/submit.py [workers] [seconds]
Prints runs/s and latency p50/p99/max. Point BASE_URL at the gateway (8080) or job-service (8082).
"""
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

base = urllib.parse.urlparse(os.environ.get("BASE_URL", "http://localhost:8080"))
token = os.environ["TOKEN"]
workers = int(sys.argv[1]) if len(sys.argv) > 1 else 16
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 20
body = json.dumps({"job_id": "system/echo", "args": {"message": "bench"}})
latencies, errors, lock = [], [0], threading.Lock()
deadline = time.monotonic() + seconds


def worker():
    conn = http.client.HTTPConnection(base.hostname, base.port or 80, timeout=30)
    mine = []
    while time.monotonic() < deadline:
        start = time.monotonic()
        try:
            conn.request("POST", "/api/v1/runs", body, {"Authorization": "Bearer " + token,
                                                       "Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            if response.status != 201:
                with lock:
                    errors[0] += 1
                continue
        except Exception:
            with lock:
                errors[0] += 1
            conn = http.client.HTTPConnection(base.hostname, base.port or 80, timeout=30)
            continue
        mine.append(time.monotonic() - start)
    with lock:
        latencies.extend(mine)


threads = [threading.Thread(target=worker) for _ in range(workers)]
began = time.monotonic()
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.monotonic() - began
latencies.sort()


def pct(p):
    return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else float("nan")


print(f"runs created: {len(latencies)} in {elapsed:.1f} s with {workers} workers -> {len(latencies) / elapsed:.0f} runs/s")
print(f"latency ms: p50 {pct(0.50):.1f}  p99 {pct(0.99):.1f}  max {pct(1.0):.1f}  errors {errors[0]}")
