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

"$KUZOT" serve --data "$OUT/data" --port "$PORT" >"$OUT/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf "localhost:$PORT/api/v1/health" >/dev/null && break
  sleep 0.2
done
login=$(curl -sf -c "$OUT/jar" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$KUZOT_ADMIN_PASSWORD\"}" "localhost:$PORT/api/v1/auth/login")
csrf=$(echo "$login" | sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')
token=$(curl -sf -b "$OUT/jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
  -d '{"name":"bench"}' "localhost:$PORT/api/v1/tokens" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "could not get an API token"; exit 1; }
auth="Authorization: Bearer $token"

run() {  # name, then wrk arguments after the URL
  local name=$1
  shift
  for i in $(seq 1 "$REPEATS"); do
    line=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -H "$auth" -s "$LUA" "$@" | grep '^RESULT')
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
rss=$(awk '/VmRSS/{print int($2/1024)}' "/proc/$server/status")
hwm=$(awk '/VmHWM/{print int($2/1024)}' "/proc/$server/status")
echo "server resident memory: $rss MB now, $hwm MB at most"

echo "--- medians of $REPEATS runs ($CONNECTIONS connections, $DURATION each)"
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
for name in health get_person list_acts search; do
  line="$name"
  for key in requests/s p50_ms p95_ms p99_ms errors; do
    value=$(grep "^$name " "$OUT/results.txt" | tr ' ' '\n' | sed -n "s#^$key=##p" | median)
    line="$line $key=$value"
  done
  echo "$line"
done
