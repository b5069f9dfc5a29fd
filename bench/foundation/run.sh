#!/usr/bin/env bash
# The foundation's speed (issue 2): bulk import, then GET of one record, a
# filtered list page and search under wrk, against a database of PERSONS
# persons and ACTS acts, and the server's resident memory.
#
#   bash bench/foundation/run.sh            # 1,000,000 persons and 1,000,000 acts
#   PERSONS=100000 ACTS=100000 bash bench/foundation/run.sh
#
# Prints one line per measurement and a summary with the medians of REPEATS
# wrk runs each. Figures are recorded in bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
PERSONS=${PERSONS:-1000000}
ACTS=${ACTS:-1000000}
OUT=${OUT:-bench/out/foundation-$PERSONS-$ACTS}
PORT=${PORT:-18181}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
REPEATS=${REPEATS:-3}
# Latency at 64 connections is mostly queueing (Little's law: 64 requests in
# flight over N requests/s wait 64/N s on average); the same routes are also
# measured with LOW_CONNECTIONS in flight (0 skips it).
LOW_CONNECTIONS=${LOW_CONNECTIONS:-4}
KUZOT=$BUILD/kuzot
LUA=bench/foundation/load.lua
mkdir -p "$OUT/ids"
# The key that opens the data, kept outside the data directory.
export KUZOT_KEY_FILE=${KUZOT_KEY_FILE:-$PWD/$OUT/key}
export KUZOT_ADMIN_PASSWORD=bench-admin-passphrase

if [ ! -f "$OUT/bundle.json" ]; then
  "$BUILD/bench/gen_bundle" --persons "$PERSONS" --acts "$ACTS" --out "$OUT/bundle.json" --ids "$OUT/ids"
fi

rm -rf "$OUT/data"
/usr/bin/time -f "%e %M" -o "$OUT/import.time" "$KUZOT" import --data "$OUT/data" "$OUT/bundle.json" >"$OUT/import.log"
read -r seconds peak_kb <"$OUT/import.time"
records=$(sed -n 's/^imported \([0-9]*\) records.*/\1/p' "$OUT/import.log")
echo "import: $records records in $seconds s = $(awk "BEGIN{printf \"%.0f\", $records/$seconds}") records/s, peak RSS $((peak_kb / 1024)) MB"

source bench/foundation/serve.sh
auth="Authorization: Bearer $token"

run() {  # name, then wrk arguments after the URL
  local name=$1
  shift
  local connections=$CONNECTIONS
  case $name in *_low) connections=$LOW_CONNECTIONS ;; esac
  for i in $(seq 1 "$REPEATS"); do
    line=$(wrk -t2 -c"$connections" -d"$DURATION" -H "$auth" -s "$LUA" "$@" | grep '^RESULT')
    echo "$name run $i: ${line#RESULT }"
    echo "$name ${line#RESULT }" >>"$OUT/results.txt"
  done
}
: >"$OUT/results.txt"
base="http://localhost:$PORT"
run health "$base/api/v1/health"
run get_person "$base/" -- "$OUT/ids/person_ids.txt" /api/v1/persons/
run list_acts "$base/" -- "$OUT/ids/event_ids.txt" "/api/v1/acts?type=killing&limit=50&sort=-date&event_id="
run search "$base/" -- "$OUT/ids/names.txt" "/api/v1/search?limit=20&q="
names="health get_person list_acts search"
if [ "$LOW_CONNECTIONS" -gt 0 ]; then
  # The trivial route's own tail at this load: the floor under GET's p99.
  run health_low "$base/api/v1/health"
  run get_person_low "$base/" -- "$OUT/ids/person_ids.txt" /api/v1/persons/
  run list_acts_low "$base/" -- "$OUT/ids/event_ids.txt" "/api/v1/acts?type=killing&limit=50&sort=-date&event_id="
  run search_low "$base/" -- "$OUT/ids/names.txt" "/api/v1/search?limit=20&q="
  names="$names health_low get_person_low list_acts_low search_low"
fi
rss=$(awk '/VmRSS/{print int($2/1024)}' "/proc/$server/status")
hwm=$(awk '/VmHWM/{print int($2/1024)}' "/proc/$server/status")
anon=$(awk '/RssAnon/{print int($2/1024)}' "/proc/$server/status")
file=$(awk '/RssFile/{print int($2/1024)}' "/proc/$server/status")
# RssFile is the mapped database file (page cache the kernel may drop).
echo "server resident memory: $rss MB now ($anon MB heap, $file MB mapped file), $hwm MB at most"

echo "--- medians of $REPEATS runs ($CONNECTIONS connections, *_low: $LOW_CONNECTIONS; $DURATION each)"
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
for name in $names; do
  line="$name"
  for key in requests/s p50_ms p95_ms p99_ms errors; do
    value=$(grep "^$name " "$OUT/results.txt" | tr ' ' '\n' | sed -n "s#^$key=##p" | median)
    line="$line $key=$value"
  done
  echo "$line"
done
rps() { grep "^$1 " "$OUT/results.txt" | tr ' ' '\n' | sed -n 's#^requests/s=##p' | median; }
echo "get_person / health requests/s: $(awk "BEGIN{printf \"%.2f\", $(rps get_person) / $(rps health)}") (target >= 0.50)"
