#!/usr/bin/env bash
# Benchmark: the HTTP adapter (authorization from the cache, SenML validation, envelope,
# bus publish) under wrk with keep-alive and a 100-byte SenML body, against nginx answering
# `return 202;` on the same machine in the same run. Rounds alternate; medians compared.
source "$LB_SRC/tests/harness/lib.sh"
SECS=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-3}
lbt_start_nats
export LB_ADMIN_EMAIL=bench@example.com LB_ADMIN_PASSWORD=bench-secret-1
lbt_start_host things http
lbt_provision

nginx_port=$(lbt_free_port)
mkdir -p "$LBT_TMP/nginx"
cat >"$LBT_TMP/nginx/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $LBT_TMP/nginx/nginx.pid;
error_log $LBT_TMP/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $LBT_TMP/nginx;
  server { listen 127.0.0.1:$nginx_port; location / { return 202; } }
}
CONF
nginx -c "$LBT_TMP/nginx/nginx.conf" -p "$LBT_TMP/nginx" &
LBT_PIDS+=("$!")
lbt_wait_port "$nginx_port" 10

body='[{"bn":"urn:dev:deveui:0004A30B001C0530:","n":"temperature","u":"Cel","v":21.5}]      '
body=${body:0:100}
cat >"$LBT_TMP/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/senml+json"
wrk.headers["Authorization"] = "Thing $K1"
wrk.body = '$body'
LUA
rate() { awk '/Requests\/sec/ {printf "%d", $2}'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
ours=() theirs=()
for ((r = 0; r < ROUNDS; r++)); do
  theirs+=("$(wrk -t2 -c64 -d"${SECS}s" -s "$LBT_TMP/post.lua" "http://127.0.0.1:$nginx_port/http/channels/$C1/messages" | rate)")
  out=$(wrk -t2 -c64 -d"${SECS}s" -s "$LBT_TMP/post.lua" "$LBT_HTTP/http/channels/$C1/messages")
  grep -q 'Non-2xx' <<<"$out" && { echo "the adapter refused requests:"; echo "$out"; exit 1; }
  ours+=("$(rate <<<"$out")")
  echo "round $r: nginx ${theirs[-1]} req/s, http adapter ${ours[-1]} req/s"
done
o=$(printf '%s\n' "${ours[@]}" | median); t=$(printf '%s\n' "${theirs[@]}" | median)
echo "http_adapter_publish: $o req/s (nginx return 202: $t req/s, ratio $(awk -v a="$o" -v b="$t" 'BEGIN {printf "%.2f", a/b}'); target >= 0.6)"
