#!/usr/bin/env bash
# Record linkage (issue 6): accuracy on Febrl 1-3 and on the generated
# Central Asian lists, then `kuzot reconcile` end to end (reading the CSV,
# normalising, blocking, EM, scoring, clustering, writing pairs.csv and
# clusters.csv) on two generated lists of 5,000 rows each (REPEATS runs,
# median) and on one list of ROWS rows deduplicated (wall time and peak
# resident memory from /usr/bin/time).
#
#   bash bench/linkage/run.sh                  # ROWS=1000000 REPEATS=5
#   ROWS=200000 bash bench/linkage/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
ROWS=${ROWS:-1000000}
REPEATS=${REPEATS:-5}
OUT=${OUT:-bench/out/linkage}
SHARED=${KUZOT_SHARED_DIR:-/work/shared}
KUZOT=$BUILD/kuzot
mkdir -p "$OUT"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "--- accuracy: Febrl 1-3 (pairwise and cluster F1)"
"$BUILD/bench/linkage/linkage_eval_febrl" "$SHARED"/data/linkage/febrl{1,2,3}.csv | grep -E "csv:|pairs |clusters "
echo "--- accuracy: generated victim lists (2,000 persons, 5 sources)"
"$BUILD/bench/linkage/linkage_eval_victims" | grep -E "records from|pairs |clusters "

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "--- two lists of 5,000 rows linked (kuzot reconcile, $REPEATS runs)"
two=$OUT/two-lists
if [ ! -f "$two/map.txt" ]; then
  "$BUILD/bench/linkage/linkage_gen_victims" --out "$two" --persons 12300 --sources 2 \
    --max-rows 5000 >/dev/null
fi
mapfile -t args < "$two/map.txt"
inputs=()
# In the generator's order: its maps name the inputs by number (1:, 2:).
for f in "$two"/monitors.csv "$two"/hospital.csv; do inputs+=(--input "$f"); done
wc -l "$two"/*.csv | grep -v total
times=()
for i in $(seq "$REPEATS"); do
  s=$(date +%s.%N)
  "$KUZOT" reconcile "${inputs[@]}" "${args[@]}" --output "$two/out" >/dev/null 2>&1
  e=$(date +%s.%N)
  times+=("$(echo "$e - $s" | bc)")
done
echo "runs (s): ${times[*]}"
echo "median (s): $(printf '%s\n' "${times[@]}" | median)"

echo "--- $ROWS rows deduplicated (kuzot reconcile, one run)"
big=$OUT/dedup-$ROWS
if [ ! -f "$big/map.txt" ]; then
  "$BUILD/bench/linkage/linkage_gen_victims" --out "$big" --persons $((ROWS * 10 / 21)) \
    --single >/dev/null
fi
mapfile -t args < "$big/map.txt"
wc -l "$big/victims.csv"
/usr/bin/time -v "$KUZOT" reconcile --input "$big/victims.csv" "${args[@]}" --output "$big/out" \
  2> "$big/time.txt" | tail -25
grep -E "Elapsed|Maximum resident" "$big/time.txt"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
