-- wrk script: POST a real-time prediction; TRAIN_ID, PREPROCESS_ID and TOKEN come from the environment.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.headers["X-Workload-Id"] = "bench"
local train, pre = os.getenv("TRAIN_ID"), os.getenv("PREPROCESS_ID")
local plans = {"basic", "plus", "premium"}
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"train_id":%s,"preprocess_id":%s,"target":"Churn","features":'
      .. '{"Tenure":%d,"MonthlyCharges":%.2f,"Plan":"%s"},"client_id":"wrk"}',
      train, pre, n % 72, 20 + (n % 100), plans[n % 3 + 1])
  return wrk.format(nil, nil, nil, body)
end
local errors = 0
response = function(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
    if errors <= 3 then io.stderr:write("status " .. status .. ": " .. body .. "\n") end
  end
end
