#!/usr/bin/env bash
# CPU of a JVM's threads over a window, grouped by thread name (numbers dropped), user and kernel apart —
# where job-service's time goes during a fan-out run (event loops, the fan-out thread, the collector):
#
#   bench/sse/threads.sh <pid> [seconds=15]
#
# e.g. start bench/sse/FanOut.java in the background and call this once its subscribers are open.
set -euo pipefail
PID=${1:?the process id}
SECONDS_WINDOW=${2:-15}

snapshot() {
  local task fields name
  for task in /proc/"$PID"/task/*; do
    name=$(sed -E 's/[-#]*[0-9]+$//' "$task/comm" 2>/dev/null) || continue
    read -r -a fields < <(sed 's/.*) //' "$task/stat" 2>/dev/null) || continue
    echo "${task##*/} ${name// /_} ${fields[11]} ${fields[12]}"
  done | sort
}

before=$(mktemp); after=$(mktemp); trap 'rm -f "$before" "$after"' EXIT
snapshot >"$before"; sleep "$SECONDS_WINDOW"; snapshot >"$after"
hz=$(getconf CLK_TCK)
echo "CPU over $SECONDS_WINDOW s by thread group (user / kernel seconds):"
join "$before" "$after" | awk -v hz="$hz" '
  { user[$2] += $6 - $3; sys[$2] += $7 - $4 }
  END { for (g in user) if (user[g] + sys[g] > 0) printf "  %-36s %7.2f %7.2f\n", g, user[g] / hz, sys[g] / hz }' |
  sort -k2 -rn
