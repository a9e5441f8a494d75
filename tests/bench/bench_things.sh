#!/usr/bin/env bash
# Benchmark: the things API under wrk (keep-alive). POST /things sustained creates/s on
# SQLite, then GET /things?limit=100 latency with 100,000 things stored (random offsets).
# Baseline in the same run: GET /health on the same listener (the HTTP front alone).
# Also: the plugin's resident memory before and after the 100k things.
source "$LB_SRC/tests/harness/lib.sh"
SECS=${BENCH_SECONDS:-10}
lbt_start_nats
export LB_ADMIN_EMAIL=bench@example.com LB_ADMIN_PASSWORD=bench-secret-1
lbt_start_host things
lbt_http POST /tokens '{"email":"bench@example.com","password":"bench-secret-1"}'
TOKEN=$(jq -r .token <<<"$LBT_BODY")
rss() { awk '/VmRSS/ {print $2}' /proc/$LBT_HOST_PID/status; }
rss0=$(rss)

cat >"$LBT_TMP/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.body = '{"name":"bench","metadata":{"site":"lab"}}'
LUA
cat >"$LBT_TMP/deep.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
request = function()
  return wrk.format("GET", "/things?limit=100&offset=" .. math.random(0, 99900))
end
LUA
rate() { awk '/Requests\/sec/ {printf "%d", $2}'; }
p() { awk -v q="$1" '$1 == q {print $2}'; }

health=$(wrk -t2 -c16 -d"${SECS}s" "$LBT_HTTP/health" | rate)
out=$(wrk -t2 -c16 -d"${SECS}s" -s "$LBT_TMP/post.lua" --latency "$LBT_HTTP/things")
creates=$(rate <<<"$out")
lbt_http GET '/things?limit=1' "" -H "Authorization: Bearer $TOKEN"
stored=$(jq .total <<<"$LBT_BODY")
echo "things_create: $creates creates/s (GET /health on the same listener: $health req/s; target >= 5000/s); $stored stored, p99 $(p 99% <<<"$out")"
non2xx=$(grep -c 'Non-2xx' <<<"$out" || true)
[ "$non2xx" = 0 ] || { echo "some creates failed:"; echo "$out"; exit 1; }

# top up to 100,000 things with bulk requests of 1,000
need=$((100000 - stored))
FILL=${BENCH_THINGS:-100000} # then, after the list figures, on to this many
body=$(jq -nc '[range(1000) | {name: ("t" + tostring)}]')
while [ "$need" -gt 0 ]; do
  lbt_http POST /things/bulk "$body" -H "Authorization: Bearer $TOKEN"
  [ "$LBT_STATUS" = 201 ] || { echo "bulk failed: $LBT_STATUS $LBT_BODY"; exit 1; }
  need=$((need - 1000))
done
lbt_http GET '/things?limit=1' "" -H "Authorization: Bearer $TOKEN"
stored=$(jq .total <<<"$LBT_BODY")
rss1=$(rss)
out=$(wrk -t2 -c8 -d"${SECS}s" -H "Authorization: Bearer $TOKEN" --latency "$LBT_HTTP/things?limit=100")
echo "things_list_100: p50 $(p 50% <<<"$out") p99 $(p 99% <<<"$out") with $stored things, first page and total ($(rate <<<"$out") req/s; target p99 < 10 ms)"
out=$(wrk -t2 -c8 -d"${SECS}s" -s "$LBT_TMP/deep.lua" --latency "$LBT_HTTP/things")
echo "things_list_100_deep: p50 $(p 50% <<<"$out") p99 $(p 99% <<<"$out") at random offsets up to 99,900 ($(rate <<<"$out") req/s)"
# memory must not grow with the number of things: fill on to $FILL, sampling RSS
samples="$stored:$rss1"
while [ "$stored" -lt "$FILL" ]; do
  lbt_http POST /things/bulk "$body" -H "Authorization: Bearer $TOKEN"
  [ "$LBT_STATUS" = 201 ] || { echo "bulk failed: $LBT_STATUS $LBT_BODY"; exit 1; }
  stored=$((stored + 1000))
  [ $((stored % 250000)) -lt 1000 ] && samples="$samples $stored:$(rss)"
done
echo "things_rss: ${rss0} kB at start; things:kB $samples $stored:$(rss)"
