#!/usr/bin/env bash
# Evidence upload/download throughput on loopback: a file of SIZE_MB (default
# 1024) streamed through `kuzot serve` (SHA-256 + secretstream encryption +
# content-addressed store) with curl, RUNS times (default 5); prints each
# run and the medians, and the server's resident-memory growth (the largest
# VmRSS sampled every 20 ms during the runs minus VmRSS before them; VmHWM
# is not used because start-up already peaks above the idle size).
# Usage: bash bench/evidence/run.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
kuzot=$(realpath "$build/kuzot")
size_mb=${SIZE_MB:-1024}
runs=${RUNS:-5}
work=$(mktemp -d /tmp/kuzot-bench-evidence.XXXXXX)
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT

mkdir -p "$work/keys"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/keys/data.key"
chmod 600 "$work/keys/data.key"
head -c $((size_mb << 20)) /dev/urandom > "$work/file.bin"
expected=$(sha256sum "$work/file.bin" | cut -c1-64)

KUZOT_ADMIN_PASSWORD=bench-password-123 "$kuzot" serve --data "$work/data" --port 0 \
  --key-file "$work/keys/data.key" > "$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q listening "$work/serve.log" && break; sleep 0.1; done
port=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' "$work/serve.log" | head -1)
base="http://127.0.0.1:$port/api/v1"
curl -s -c "$work/jar" -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"bench-password-123"}' "$base/auth/login" > "$work/login.json"
csrf=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' "$work/login.json")
token=$(curl -s -b "$work/jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
  -d '{"name":"bench"}' "$base/tokens" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
auth=(-H "Authorization: Bearer $token")

rss_kb() { awk '/^VmRSS/ {print $2}' /proc/$pid/status; }
# The server's CPU seconds (user + system) so far: on a machine shared with
# other jobs, MB per server CPU-second says what the code costs.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.3f", ($14 + $15) / hz}' /proc/$pid/stat; }
before=$(rss_kb)
( peak=0; while kill -0 $pid 2>/dev/null; do
    r=$(rss_kb 2>/dev/null || echo 0); [ "${r:-0}" -gt "$peak" ] && peak=$r && echo "$peak" > "$work/peak"
    sleep 0.02; done ) &
sampler=$!
ups=(); downs=(); cpu_ups=(); cpu_downs=(); id=""
for run in $(seq "$runs"); do
  # Single-request upload streamed from the file (curl -T reads it in pieces).
  c0=$(cpu_s)
  out=$(curl -s -X POST -T "$work/file.bin" "${auth[@]}" \
    -H 'Content-Type: application/octet-stream' -w '\n%{time_total}' \
    "$base/evidence/files?title=bench-$run&filename=file.bin")
  t=$(tail -1 <<<"$out")
  id=$(head -1 <<<"$out" | sed -n 's/^{"id":"\([^"]*\)".*/\1/p')
  grep -q "$expected" <<<"$out" || { echo "upload $run: wrong hash: $out" >&2; exit 1; }
  up=$(awk -v s="$size_mb" -v t="$t" 'BEGIN {printf "%.0f", s * 1.048576 / t}')
  c1=$(cpu_s)
  # Download, decrypting on the fly.
  d=$(curl -s "${auth[@]}" -o /dev/null -w '%{time_total}' "$base/evidence/$id/file")
  down=$(awk -v s="$size_mb" -v t="$d" 'BEGIN {printf "%.0f", s * 1.048576 / t}')
  c2=$(cpu_s)
  cu=$(awk -v s="$size_mb" -v a="$c0" -v b="$c1" 'BEGIN {printf "%.0f", s * 1.048576 / (b - a)}')
  cd_=$(awk -v s="$size_mb" -v a="$c1" -v b="$c2" 'BEGIN {printf "%.0f", s * 1.048576 / (b - a)}')
  echo "run $run: upload ${up} MB/s (${t}s; ${cu} MB per server CPU-s), download ${down} MB/s (${d}s; ${cd_} MB per server CPU-s)"
  ups+=("$up"); downs+=("$down"); cpu_ups+=("$cu"); cpu_downs+=("$cd_")
done
kill $sampler 2>/dev/null || true
peak=$(cat "$work/peak")
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "file: ${size_mb} MiB; runs: $runs"
echo "median upload:   $(median "${ups[@]}") MB/s (hash + encrypt + store); $(median "${cpu_ups[@]}") MB per server CPU-second"
echo "median download: $(median "${downs[@]}") MB/s (decrypt + send); $(median "${cpu_downs[@]}") MB per server CPU-second"
echo "server RSS before: $((before / 1024)) MiB; peak during runs: $((peak / 1024)) MiB; growth: $(((peak - before) / 1024)) MiB"
# The download must be the upload, byte for byte.
got=$(curl -s "${auth[@]}" "$base/evidence/$id/file" | sha256sum | cut -c1-64)
[ "$got" = "$expected" ] && echo "download sha256 matches" || { echo "download differs" >&2; exit 1; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (other jobs share the machine)"
