#!/usr/bin/env bash
# Generates a CSV of about SIZE_MB megabytes: 10 columns of mixed types (Integer, Float, Boolean, Date,
# Timestamp, String), ~0.5 % of rows with a wrong-typed value so validation has work to report.
# usage: gen_csv.sh SIZE_MB OUT.csv [ROWS]   (with ROWS: exactly that many data rows, SIZE_MB ignored)
set -euo pipefail
size_mb=${1:?size in MB}; out=${2:?output file}; rows=${3:-0}
target=$((size_mb * 1024 * 1024)); [ "$rows" -gt 0 ] && target=$((1 << 62))
awk -v target="$target" -v rows="$rows" 'BEGIN {
  srand(42);
  header = "id,amount,qty,active,day,at,city,score,code,note";
  print header; bytes = length(header) + 1;
  split("Lyon,Oslo,Lima,Pune,Kyiv,Quito,Accra,Hanoi", cities, ",");
  for (i = 1; bytes < target && (rows == 0 || i <= rows); i++) {
    qty = (i % 200 == 0) ? "many" : int(rand() * 1000);
    line = sprintf("%d,%.2f,%s,%s,2025-%02d-%02d,2025-%02d-%02dT%02d:%02d:%02dZ,%s,%.5f,C%06d,\"note, %d\"",
      i, rand() * 10000 - 5000, qty, (rand() < 0.5 ? "true" : "false"), 1 + int(rand() * 12), 1 + int(rand() * 28),
      1 + int(rand() * 12), 1 + int(rand() * 28), int(rand() * 24), int(rand() * 60), int(rand() * 60),
      cities[1 + int(rand() * 8)], rand(), int(rand() * 1000000), i);
    print line; bytes += length(line) + 1;
  }
}' > "$out"
ls -l "$out"
