#!/usr/bin/env python3
"""SSE fan-out benchmark: N subscribers on GET /api/v1/events/runs while runs are created at R/s.

Usage: BASE_URL=http://localhost:8082 TOKEN=<token> bench/sse/fanout.py [subscribers] [runs_per_second] [seconds]
Each subscriber checks that the event ids it receives are increasing without duplicates, and that it
received every event id subscriber 0 received (gaps). Latency is measured from the event's
"timestamp" (set when the executor/job-service produced it) to arrival. Streams are per user limited:
run job-service with runstream.job.stream.max-streams-per-user and max-streams above the subscriber count.
Prints p50/p99 latency, gaps, duplicates and job-service RSS when JOB_PID is set.
"""
import asyncio
import datetime
import json
import os
import sys
import time
import urllib.parse

base = urllib.parse.urlparse(os.environ.get("BASE_URL", "http://localhost:8082"))
token = os.environ["TOKEN"]
subscribers = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
rate = float(sys.argv[2]) if len(sys.argv) > 2 else 10
seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 30
received = [[] for _ in range(subscribers)]
latencies = []
duplicates = [0]


async def subscribe(index, ready):
    reader, writer = await asyncio.open_connection(base.hostname, base.port or 80)
    writer.write((f"GET /api/v1/events/runs?job_id=system/echo HTTP/1.1\r\nHost: {base.hostname}\r\n"
                  f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n").encode())
    await writer.drain()
    ready.set()
    event_id, data = None, None
    while True:
        line = await reader.readline()
        if not line:
            return
        line = line.decode().rstrip("\r\n")
        if line.startswith("id:"):
            event_id = int(line[3:].strip())
        elif line.startswith("data:"):
            data = line[5:].strip()
        elif line == "" and event_id is not None:
            ids = received[index]
            if ids and event_id <= ids[-1]:
                duplicates[0] += 1
            ids.append(event_id)
            try:
                stamp = json.loads(data).get("timestamp")
                if stamp:
                    sent = datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
                    latencies.append(time.time() - sent)
            except ValueError:
                pass
            event_id, data = None, None


async def create_runs():
    reader, writer = await asyncio.open_connection(base.hostname, base.port or 80)
    body = json.dumps({"job_id": "system/echo", "args": {"message": "fan-out"}})
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        writer.write((f"POST /api/v1/runs HTTP/1.1\r\nHost: {base.hostname}\r\nAuthorization: Bearer {token}\r\n"
                      f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n{body}").encode())
        await writer.drain()
        headers = b""
        while not headers.endswith(b"\r\n\r\n"):
            headers += await reader.read(1)
        length = int([h for h in headers.decode().split("\r\n") if h.lower().startswith("content-length")][0].split(":")[1])
        await reader.readexactly(length)
        await asyncio.sleep(1 / rate)


async def main():
    readies = [asyncio.Event() for _ in range(subscribers)]
    tasks = [asyncio.create_task(subscribe(i, readies[i])) for i in range(subscribers)]
    await asyncio.gather(*(r.wait() for r in readies))
    await asyncio.sleep(2)
    await create_runs()
    await asyncio.sleep(3)
    for task in tasks:
        task.cancel()
    reference = set(received[0])
    gaps = sum(len(reference - set(ids)) for ids in received)
    latencies.sort()
    pct = lambda p: latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else float("nan")
    print(f"subscribers {subscribers}, events per subscriber {len(received[0])}, deliveries {len(latencies)}")
    print(f"latency ms p50 {pct(0.5):.1f} p99 {pct(0.99):.1f}; gaps {gaps}; duplicates {duplicates[0]}")
    pid = os.environ.get("JOB_PID")
    if pid:
        with open(f"/proc/{pid}/status") as status:
            print([l.strip() for l in status if l.startswith("VmRSS")][0])


asyncio.run(main())
