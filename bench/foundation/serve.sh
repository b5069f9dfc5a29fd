# Sourced by run.sh and get_cpu.sh: starts `$KUZOT serve` on $OUT/data at
# $PORT (log in $OUT/LOG_NAME), stops it on exit, waits for it, signs in
# as admin and makes an API token. Sets `server` (its pid) and `token`.
# SERVE_ARGS: more options of `kuzot serve` (e.g. --threads 4).
"$KUZOT" serve --data "$OUT/data" --port "$PORT" ${SERVE_ARGS:-} >"$OUT/${LOG_NAME:-serve.log}" 2>&1 &
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
