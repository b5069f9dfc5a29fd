#!/usr/bin/env bash
# Builds Kuzot's libFuzzer targets (tests/fuzz/targets.h) with clang,
# AddressSanitizer and UBSan in build-fuzz/, and runs each for SECONDS
# (default 60) starting from the committed seed corpus. Prints executions,
# corpus size and crashes per target; a crashing input is kept in
# build-fuzz/findings/<target>/ (copy it to tests/fuzz/regressions/<target>/
# once fixed, so that `make test` replays it for ever).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     e.g. scripts/fuzz.sh 300 json_body bundle
#
# Not part of `make test` (which replays the corpus with the normal build).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
build=${FUZZ_BUILD:-build-fuzz}
jobs=${JOBS:-2}
all=(json_body fuzzy_dates query_strings search_query bundle sealed http_request tabular)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ is missing (scripts/install-deps.sh)"; exit 1; }
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DKUZOT_FUZZ=ON -DKUZOT_BUILD_WEB=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target $(printf 'fuzz_%s ' "${targets[@]}")

scratch="$build/tmp"
mkdir -p "$scratch"
printf '%-14s %12s %10s %8s %8s\n' target executions exec/s corpus crashes
status=0
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  findings="$build/findings/$t"
  log="$build/logs/$t.log"
  mkdir -p "$corpus" "$findings" "$(dirname "$log")"
  # Findings of earlier runs stay for reading; only this run's are counted.
  touch "$log.start"
  # Seeds plus what earlier runs found; -max_len lets bundles and XLSX grow.
  TMPDIR="$scratch" ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    "./$build/fuzz/fuzz_$t" "$corpus" "tests/fuzz/corpus/$t" \
    -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 -max_len=131072 \
    -print_final_stats=1 -artifact_prefix="$findings/" >"$log" 2>&1 || true
  execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log" | tail -1)
  rate=$(awk '/stat::average_exec_per_sec/ {print $2}' "$log" | tail -1)
  size=$(find "$corpus" -type f | wc -l)
  crashes=$(find "$findings" -type f -newer "$log.start" \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  printf '%-14s %12s %10s %8s %8s\n' "$t" "${execs:-?}" "${rate:-?}" "$size" "$crashes"
  [ "$crashes" -eq 0 ] || status=1
done
rm -rf "$scratch"
exit $status
