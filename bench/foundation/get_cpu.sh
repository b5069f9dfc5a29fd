#!/usr/bin/env bash
# Server CPU per request for health and GET of one person, to compare two
# binaries on a loaded machine (CPU time per request moves less with the
# load than requests/s). Uses the data of an earlier run.sh (OUT).
#
#   bash bench/foundation/get_cpu.sh LABEL KUZOT_BINARY [PORT]
#   OUT=bench/out/foundation-100000-100000 DURATION=8s (defaults)
#
# Prints one line per route: wrk's RESULT, the server's user+system CPU per
# request in microseconds (from /proc/PID/stat) and the load average.
set -euo pipefail
cd "$(dirname "$0")/../.."
LABEL=$1
KUZOT=$2
PORT=${3:-18183}
OUT=${OUT:-bench/out/foundation-100000-100000}
DURATION=${DURATION:-8s}
LUA=bench/foundation/load.lua
export KUZOT_KEY_FILE=${KUZOT_KEY_FILE:-$PWD/$OUT/key}
export KUZOT_ADMIN_PASSWORD=bench-admin-passphrase
LOG_NAME=get_cpu.log
source bench/foundation/serve.sh
ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
hz=$(getconf CLK_TCK)
one() {  # name, connections, then wrk's URL and arguments
  local name=$1 connections=$2
  shift 2
  local before after line rps
  before=$(ticks)
  line=$(wrk -t2 -c"$connections" -d"$DURATION" -H "Authorization: Bearer $token" -s "$LUA" "$@" |
    grep '^RESULT')
  after=$(ticks)
  rps=$(echo "$line" | sed -n 's#.*requests/s=\([0-9]*\).*#\1#p')
  echo "$LABEL $name ${line#RESULT } cpu_us_per_request=$(awk "BEGIN{printf \"%.1f\", \
($after - $before) * 1e6 / $hz / ($rps * ${DURATION%s})}") load=$(cut -d' ' -f1 /proc/loadavg)"
}
base="http://localhost:$PORT"
one health 64 "$base/api/v1/health"
one get_person 64 "$base/" -- "$OUT/ids/person_ids.txt" /api/v1/persons/
one get_person_low 4 "$base/" -- "$OUT/ids/person_ids.txt" /api/v1/persons/
