-- wrk script: POST /api/v1/runs as fast as the connections allow. wrk's "Non-2xx or 3xx responses" line counts
-- failures (a created run answers 201). JOB_ID (default system/echo, which also executes at once) and ARGS (a
-- JSON object) choose the run; bench/runs/submission.sh uses a job whose runs only wait, to measure admission.
--   TOKEN=... wrk -t2 -c32 -d20s --latency -s bench/runs/submit.lua http://localhost:8082
local job = os.getenv("JOB_ID") or "system/echo"
local args = os.getenv("ARGS") or '{"message":"bench"}'
wrk.method = "POST"
wrk.path = "/api/v1/runs"
wrk.body = '{"job_id":"' .. job .. '","args":' .. args .. '}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
