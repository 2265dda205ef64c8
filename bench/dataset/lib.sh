# Shared by bench.sh and stats_bench.sh (source it): template creation, upload, waiting for validation.
# Env: TOKEN (required), BASE (default http://localhost:8083), WORK (default /tmp/runstream-bench).
BASE=${BASE:-http://localhost:8083}
WORK=${WORK:-/tmp/runstream-bench}
: "${TOKEN:?set TOKEN to a bearer token with datasets:write and templates:write}"
mkdir -p "$WORK"
auth=(-H "Authorization: Bearer $TOKEN" --max-time 900)

json() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {"d": d}))' "$1"; }

# the service's pid: whoever listens on BASE's port
service_pid() {
  local port=${BASE##*:}; port=${port%%/*}
  ss -ltnpH "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2
}

# CPU seconds (user + system) the process has used so far
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"; }

# prints the id of a new template matching gen_csv.sh's columns
create_template() {
  curl -sf "${auth[@]}" -H 'Content-Type: application/json' "$BASE/api/v1/template/" -d '{
    "template_name": "bench-'"$RANDOM$RANDOM"'", "template_schema": [
     {"column_name":"id","data_type":"Integer"},{"column_name":"amount","data_type":"Float"},
     {"column_name":"qty","data_type":"Integer"},{"column_name":"active","data_type":"Boolean"},
     {"column_name":"day","data_type":"Date"},{"column_name":"at","data_type":"Timestamp"},
     {"column_name":"city","data_type":"String"},{"column_name":"score","data_type":"Float"},
     {"column_name":"code","data_type":"String"},{"column_name":"note","data_type":"String"}]}' | json 'd["id"]'
}

# upload_and_wait CSV TEMPLATE_ID: uploads, waits until the file validated; sets dataset_id, file_id, status,
# t_start, t_stored, t_done (epoch seconds)
upload_and_wait() {
  local answer
  t_start=$(date +%s.%N)
  answer=$(curl -sf "${auth[@]}" -F "files=@$1;type=text/csv" \
    "$BASE/api/v1/dataset/upload?dataset_name=bench-$RANDOM$RANDOM&usage=t&template_id=$2")
  t_stored=$(date +%s.%N)
  # read with the shell alone, like the polls below: two Python starts here took 60-100 ms of a 100 MB figure
  dataset_id=$(echo "$answer" | grep -o '^{"dataset_id":[0-9]*' | cut -d: -f2)
  file_id=$(echo "$answer" | grep -o '"files":\[{"dataset_id":[0-9]*,"id":[0-9]*' | cut -d: -f4)
  [ -n "$dataset_id" ] && [ -n "$file_id" ] || { echo "unexpected upload answer: $answer" >&2; return 1; }
  # polled every 20 ms with curl and grep alone: a Python start and a 0.2 s sleep per poll added up to half a
  # second to a 100 MB measurement
  while :; do
    status=$(curl -sf "${auth[@]}" "$BASE/api/v1/files/get_file_by_id/?file_id=$file_id" \
      | grep -o '"validation_status":"[a-z_]*"' | cut -d'"' -f4)
    [ "$status" = validated ] || [ "$status" = failed ] && break
    sleep 0.02
  done
  t_done=$(date +%s.%N)
}
