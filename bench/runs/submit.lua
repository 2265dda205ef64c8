-- wrk script: POST /api/v1/runs of system/echo as fast as the connections allow. wrk's
-- "Non-2xx or 3xx responses" line counts failures (a created run answers 201).
--   TOKEN=... wrk -t2 -c32 -d20s --latency -s bench/runs/submit.lua http://localhost:8082
wrk.method = "POST"
wrk.path = "/api/v1/runs"
wrk.body = '{"job_id":"system/echo","args":{"message":"bench"}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
