#!/usr/bin/env bash
# Reader benchmark: 1M points in one channel, then the channel's last 100 messages (GET
# /reader/channels/<id>/messages?limit=100, by thing key) under wrk (2 threads, 4
# connections), through
#   cached     `lyrebird run things influxdb` as `up` runs it: its own influxd (the plugin's
#              config), the page cache on (the default);
#   uncached   a second host on the same influxd with LB_INFLUX_READER_CACHE_SECONDS=0, so
#              every request is an InfluxDB query (reported, not checked: it is influxd's
#              figure on this machine);
#   influxd    the page statement itself, straight to influxd's /query with wrk (the baseline).
# The points are written with curl in 5,000-line batches, and measured once influxd settled.
# Fails when the cached p99 is not under 50 ms. BENCH_POINTS and BENCH_SECONDS scale it.
source "$LB_SRC/tests/harness/lib.sh"
POINTS=${BENCH_POINTS:-1000000}
SECONDS_RUN=${BENCH_SECONDS:-10}

lbt_start_nats
export LB_ADMIN_EMAIL=admin@example.com LB_ADMIN_PASSWORD=admin-secret-1
INFLUX_PORT=$(lbt_free_port)
LB_INFLUX_PORT=$INFLUX_PORT LB_INFLUX_RPC_PORT=$(lbt_free_port) lbt_start_host things influxdb
lbt_provision
INFLUX_URL="http://127.0.0.1:$INFLUX_PORT"

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
echo "written in $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}') s"

# The stored state a dashboard meets: influxd has moved the points from its in-memory cache
# to TSM files (the plugin's config snapshots a cache 10 s after its last write) and is not
# compacting (three idle looks at /debug/vars in a row); queries meanwhile are slower.
idle=0
for ((i = 0; i < 240 && idle < 3; i++)); do
  sleep 0.5
  busy=$(curl -s "$INFLUX_URL/debug/vars" | jq '[to_entries[] |
    select(.key | startswith("tsm1_cache:")) | .value.values.memBytes] +
    [to_entries[] | select(.key | startswith("tsm1_engine:")) | .value.values |
     to_entries[] | select(.key | endswith("CompactionsActive")) | .value] | add // 0')
  if [ "$busy" = 0 ]; then idle=$((idle + 1)); else idle=0; fi
done
echo "influxd settled after $(awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s"

lbt_http GET "/reader/channels/$C1/messages?limit=100" "" -H "Authorization: Thing $K1"
lbt_expect "last 100 of $POINTS" 200 ".total == $POINTS and (.messages | length) == 100"

# p99_of NAME URL [wrk args...]: runs wrk (after a second's warm-up), prints its figures, sets
# P99 (ms)
p99_of() {
  local name=$1 url=$2
  shift 2
  echo "--- $name"
  wrk -t2 -c4 -d1s "$@" "$url" >/dev/null # warm-up: connections, the first count, the caches
  wrk -t2 -c4 -d"${SECONDS_RUN}s" --latency "$@" "$url" | tee "$LBT_TMP/wrk.$name"
  P99=$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
    print v }' "$LBT_TMP/wrk.$name")
}

CACHED_HTTP=$LBT_HTTP
LB_INFLUX_URL=$INFLUX_URL LB_INFLUX_READER_CACHE_SECONDS=0 LB_DATA_DIR=$LBT_TMP/data.uncached \
  lbt_start_host influxdb

p99_of cached "$CACHED_HTTP/reader/channels/$C1/messages?limit=100" -H "Authorization: Thing $K1"
cached=$P99
p99_of uncached "$LBT_HTTP/reader/channels/$C1/messages?limit=100" -H "Authorization: Thing $K1"
uncached=$P99
Q="SELECT * FROM \"messages\" WHERE \"channel\" = '$C1' ORDER BY time DESC LIMIT 100 OFFSET 0"
p99_of influxd "$INFLUX_URL/query?db=lyrebird&epoch=ns&q=$(jq -rn --arg q "$Q" '$q | @uri')"
direct=$P99
hits=$(curl -s "$CACHED_HTTP/metrics" | awk '$1 == "lb_reader_page_cache_total{result=\"hit\"}" {print $2}')
misses=$(curl -s "$CACHED_HTTP/metrics" | awk '$1 == "lb_reader_page_cache_total{result=\"miss\"}" {print $2}')

echo "reader last-100 p99 of $POINTS points: cached ${cached} ms (target < 50 ms; page cache" \
  "$hits hits, $misses misses), uncached ${uncached} ms, influxd's own /query ${direct} ms"
lbt_check "cached p99 under 50 ms" awk -v v="$cached" 'BEGIN { exit !(v != "" && v < 50) }'
lbt_check "the cache answered (hits > misses)" test "${hits:-0}" -gt "${misses:-0}"
lbt_done
