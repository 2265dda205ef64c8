#!/usr/bin/env bash
# inference-service on the local stack: real-time latency through the gateway (and directly, for the
# gateway's share) with wrk, and batch prediction throughput over ROWS rows. Needs a running stack
# started with raised gateway rate limits, e.g. (ALWAYS inside the shared lock):
#   flock -w 2400 /tmp/runstream-stack.lock bash -c 'RUNSTREAM_GATEWAY_RATELIMIT_PRINCIPAL_CAPACITY=100000000 \
#     RUNSTREAM_GATEWAY_RATELIMIT_TENANT_CAPACITY=100000000 deploy/local/up --detach && bench/inference/stack.sh; deploy/local/down'
# Steps: log in as admin; upload a 20 000-row churn sample (usage t) and train a gbtree Classification on
# it; upload a ROWS-row file (usage p); wrk POST /api/v1/inference/ at 1 connection (light) and
# CONNECTIONS connections (load), through the gateway and directly; then batchPrediction over the big
# dataset, timed from submission to `completed` (dataset download, predict, result CSV, upload).
# Env: TRAIN_ID and PREPROCESS_ID (a trained churn model: skips the training), GATEWAY (http://localhost:8080), DIRECT (http://localhost:8085), ROWS (1000000), DURATION (20s),
#      CONNECTIONS (8), WORK (/tmp/runstream-inference-bench), SKIP_BATCH (set to skip the batch part).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$ROOT/bench/inference"
GATEWAY=${GATEWAY:-http://localhost:8080}
DIRECT=${DIRECT:-http://localhost:8085}
ROWS=${ROWS:-1000000}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-8}
WORK=${WORK:-/tmp/runstream-inference-bench}
mkdir -p "$WORK"
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

password=$(cat "$ROOT/deploy/local/data/admin-password")
TOKEN=$(curl -sf -d "grant_type=password&username=admin&password=$password" "$GATEWAY/api/v1/login/access-token" \
  | json 'd["access_token"]')
export TOKEN
auth=(-H "Authorization: Bearer $TOKEN")

upload() { # file usage -> dataset id, once its file is validated
  local answer id file status
  answer=$(curl -sf "${auth[@]}" -F "files=@$1;type=text/csv" \
    "$GATEWAY/api/v1/dataset/upload?dataset_name=inference-bench-$2-$RANDOM$RANDOM&usage=$2")
  id=$(echo "$answer" | json 'd["dataset_id"]')
  file=$(echo "$answer" | json 'd["files"][0]["id"]')
  while :; do
    status=$(curl -sf "${auth[@]}" "$GATEWAY/api/v1/files/get_file_by_id/?file_id=$file" | json 'd["validation_status"]')
    [[ $status == validated || $status == failed ]] && break
    sleep 1
  done
  [[ $status == validated ]] || { echo "upload of $1 $status" >&2; exit 1; }
  echo "$id"
}

[[ -f $WORK/sample.csv ]] || python3 "$HERE/gen_churn.py" 20000 "$WORK/sample.csv" 1
[[ -f $WORK/big-$ROWS.csv ]] || python3 "$HERE/gen_churn.py" "$ROWS" "$WORK/big-$ROWS.csv" 2
if [[ -z ${TRAIN_ID:-} ]]; then
t0=$(date +%s.%N)
sample=$(upload "$WORK/sample.csv" t)
echo "sample dataset $sample uploaded and validated in $(echo "$(date +%s.%N) - $t0" | bc) s"

train=$(curl -sf "${auth[@]}" -H 'Content-Type: application/json' "$GATEWAY/api/v1/train/" -d '{
  "dataset_id": '"$sample"', "predictor_name": "inference-bench-'"$RANDOM$RANDOM"'", "domain": "Churn",
  "problem_type": "Classification", "algorithm": "gbtree", "shap_enabled": false,
  "columns": [{"column_name": "CustomerID", "data_type": "String", "attribute_name": "Id"},
              {"column_name": "Churn", "data_type": "Boolean", "attribute_name": "Target"}]}' | json 'd["id"]')
while :; do
  item=$(curl -sf "${auth[@]}" "$GATEWAY/api/v1/train/list" | json "[i for i in d['data'] if i['id'] == $train][0]")
  status=$(python3 -c "import ast,sys; print(ast.literal_eval(sys.argv[1])['training_status'])" "$item")
  status=${status,,}
  [[ $status == completed || $status == failed || $status == cancelled ]] && break
  sleep 1
done
[[ $status == completed ]] || { echo "training $train $status" >&2; exit 1; }
export TRAIN_ID=$train
PREPROCESS_ID=$(python3 -c "import ast,sys; print(ast.literal_eval(sys.argv[1])['preprocess_id'])" "$item")
export PREPROCESS_ID
echo "trained model $TRAIN_ID (preprocess $PREPROCESS_ID)"
fi

if [[ -z ${SKIP_BATCH:-} ]]; then
  t0=$(date +%s.%N)
  big=$(upload "$WORK/big-$ROWS.csv" p)
  echo "big dataset $big ($ROWS rows) uploaded and validated in $(echo "$(date +%s.%N) - $t0" | bc) s"
fi

echo "load before real-time: $(uptime)"
body='{"train_id":'"$TRAIN_ID"',"preprocess_id":'"$PREPROCESS_ID"',"target":"Churn","features":{"Tenure":3,"MonthlyCharges":80,"Plan":"basic"}}'
curl -sf "${auth[@]}" -H 'Content-Type: application/json' "$GATEWAY/api/v1/inference/" -d "$body"; echo
for target in "gateway $GATEWAY" "direct $DIRECT"; do
  set -- $target
  wrk -t1 -c4 -d10s -s "$HERE/predict.lua" "$2/api/v1/inference/" > /dev/null   # warm-up (JIT, pools, model)
  for conns in 1 "$CONNECTIONS"; do
    threads=$(( conns < 2 ? 1 : 2 ))
    echo "== $1, $conns connection(s), $DURATION, load $(cut -d' ' -f1-3 /proc/loadavg)"
    wrk -t"$threads" -c"$conns" -d"$DURATION" --latency -s "$HERE/predict.lua" "$2/api/v1/inference/" \
      | grep -E 'Requests/sec|Latency  |50%|90%|99%|requests in|Non-2xx|Socket errors'
  done
done
echo "prediction-log metrics (inference-service):"
curl -s "$DIRECT/actuator/prometheus" | grep -E '^runstream_inference_prediction_log' || echo "(not readable)"
# The in-service latency of every logged real-time prediction of the model: the log is read page by page
# (at most 1000 rows each, following next_cursor), directly from inference-service.
BASE="$DIRECT" python3 - <<'PY'
import json, os, time, urllib.request
base, token, train = os.environ["BASE"], os.environ["TOKEN"], os.environ["TRAIN_ID"]
lat, cursor, pages, total, t0 = [], None, 0, None, time.time()
while True:
    url = "%s/api/v1/inference/predictions?train_id=%s&prediction_type=realtime&limit=1000%s" % (
        base, train, "" if cursor is None else "&cursor=" + cursor)
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req, timeout=60) as answer:
        page = json.load(answer)
    pages += 1
    total = page["total"] if total is None else total
    lat.extend(i["latency_ms"] for i in page["data"] if i["latency_ms"] is not None)
    cursor = page.get("next_cursor")
    if cursor is None:
        break
lat.sort()
print("logged real-time predictions: %d (total %d, %d pages read in %.1f s); in-service latency_ms (model lookup, "
      "checks, encode, XGBoost) p50 %.3f p99 %.3f"
      % (len(lat), total, pages, time.time() - t0, lat[len(lat) // 2], lat[int(len(lat) * 0.99)]))
PY

if [[ -z ${SKIP_BATCH:-} ]]; then
  echo "load before batch: $(uptime)"
  t0=$(date +%s.%N)
  prediction=$(curl -sf "${auth[@]}" -H 'Content-Type: application/json' "$GATEWAY/api/v1/inference/batchPrediction" \
    -d '{"train_id": '"$TRAIN_ID"', "dataset_id": '"$big"'}' | json 'd["prediction_id"]')
  while :; do
    result=$(curl -sf "${auth[@]}" "$GATEWAY/api/v1/inference/result?prediction_id=$prediction")
    status=$(echo "$result" | json 'd["status"]')
    [[ $status == completed || $status == failed ]] && break
    sleep 1
  done
  seconds=$(echo "$(date +%s.%N) - $t0" | bc)
  echo "batch: $result"
  printf 'inference-batch: %s rows %s in %.1f s, %.0f rows/s (submit to completed), load %s\n' "$ROWS" "$status" \
    "$seconds" "$(echo "$ROWS / $seconds" | bc -l)" "$(cut -d' ' -f1-3 /proc/loadavg)"
fi
