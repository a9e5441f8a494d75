#!/usr/bin/env bash
# Reader benchmark: 1M points in one channel (written to our own influxd with curl in
# 5,000-line batches), then the channel's last 100 messages (GET
# /reader/channels/<id>/messages?limit=100, by thing key) under wrk: prints the latency
# percentiles and fails when p99 is not under 50 ms. BENCH_POINTS and BENCH_SECONDS scale it.
source "$LB_SRC/tests/harness/lib.sh"
POINTS=${BENCH_POINTS:-1000000}
SECONDS_RUN=${BENCH_SECONDS:-10}

INFLUX_PORT=$(lbt_free_port)
RPC=$(lbt_free_port)
mkdir -p "$LBT_TMP/influx"
cat >"$LBT_TMP/influx/influxdb.conf" <<EOF
reporting-disabled = true
bind-address = "127.0.0.1:$RPC"
[meta]
  dir = "$LBT_TMP/influx/meta"
[data]
  dir = "$LBT_TMP/influx/data"
  wal-dir = "$LBT_TMP/influx/wal"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:$INFLUX_PORT"
  log-enabled = false
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
EOF
influxd -config "$LBT_TMP/influx/influxdb.conf" >"$LBT_TMP/influxd.log" 2>&1 &
LBT_PIDS+=("$!")
INFLUX_URL="http://127.0.0.1:$INFLUX_PORT"
for ((i = 0; i < 300; i++)); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$INFLUX_URL/ping")" = 204 ] && break
  sleep 0.05
done
curl -sf -XPOST "$INFLUX_URL/query" --data-urlencode "q=CREATE DATABASE lyrebird" >/dev/null

lbt_start_nats
export LB_ADMIN_EMAIL=admin@example.com LB_ADMIN_PASSWORD=admin-secret-1
LB_INFLUX_URL=$INFLUX_URL lbt_start_host things influxdb
lbt_provision

echo "writing $POINTS points in 5,000-line batches"
t0=$(date +%s.%N)
awk -v n="$POINTS" -v c="$C1" -v p="$T1" -v dir="$LBT_TMP" 'BEGIN {
  t = 1700000000000000000; f = 0
  for (i = 0; i < n; i++) {
    if (i % 5000 == 0) { if (i) close(file); f++; file = sprintf("%s/batch.%05d", dir, f) }
    printf "messages,channel=%s,name=temp%d,publisher=%s,subtopic=s%d value=%d,unit=\"C\",protocol=\"http\" %.0f\n", \
      c, i % 10, p, i % 4, i % 1000, t + i * 1000000 > file
  }
}'
for f in "$LBT_TMP"/batch.*; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -XPOST "$INFLUX_URL/write?db=lyrebird&precision=ns" \
    --data-binary @"$f")
  [ "$code" = 204 ] || { echo "write failed: $code"; exit 1; }
  rm -f "$f"
done
t1=$(date +%s.%N)
echo "written in $(echo "$t1 - $t0" | bc) s"

URL="$LBT_HTTP/reader/channels/$C1/messages?limit=100"
lbt_http GET "/reader/channels/$C1/messages?limit=100" "" -H "Authorization: Thing $K1"
lbt_expect "last 100 of $POINTS" 200 ".total == $POINTS and (.messages | length) == 100"

wrk -t2 -c4 -d"${SECONDS_RUN}s" --latency -H "Authorization: Thing $K1" "$URL" | tee "$LBT_TMP/wrk"
p99=$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
  else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
  print v }' "$LBT_TMP/wrk")
echo "p99 ${p99} ms (target < 50 ms)"
lbt_check "p99 under 50 ms" awk -v v="$p99" 'BEGIN { exit !(v != "" && v < 50) }'
lbt_done
