#!/usr/bin/env bash
# Benchmark: the InfluxDB writer's throughput from the bus into influxd, against curl posting
# the same points to the same influxd.
#   influx_writer  `lyrebird run influxdb` (LB_INFLUX_URL on an influxd this script starts)
#                  while lbt_bus_flood publishes N SenML envelopes straight on the bus as fast
#                  as it can; timed from the first publish until the writer's
#                  lb_influx_points_written_total reaches N (counted after InfluxDB's 2xx);
#   curl batches   the same N points as line protocol, pre-built into 5,000-line files and
#                  posted by one curl per batch, sequentially, uncompressed, timed until the
#                  last 204.
# The writer runs with its defaults: LB_INFLUX_GZIP=auto, so no gzip on loopback, as curl;
# one more writer round with LB_INFLUX_GZIP=on is reported (not checked).
# Each round writes into a fresh database (the writer is restarted with a new LB_INFLUX_DB);
# rounds alternate; medians; target ratio >= 0.8.
# Settings: BENCH_INFLUX_POINTS (200000), BENCH_INFLUX_ROUNDS (3).
source "$LB_SRC/tests/harness/lib.sh"
source "$LB_SRC/tests/harness/influx.sh"
POINTS=${BENCH_INFLUX_POINTS:-200000}
ROUNDS=${BENCH_INFLUX_ROUNDS:-3}
CH=0b8bd1f4-7c4e-4d5a-9d0e-5a1c0d6f0001 # a channel and a publisher id: the writer does
PUB=6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0 # not check them
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
now() { date +%s.%N; }
metric() { curl -s "$LBT_HTTP/metrics" | awk -v m="$1" '$1 == m {print $2}'; }

lbt_start_nats
INFLUX_PORT=$(lbt_free_port)
URL=http://127.0.0.1:$INFLUX_PORT
lbt_influxd_start "$LBT_TMP/influx" "$INFLUX_PORT"

# The baseline's points: what the writer makes of lbt_bus_flood's messages (line.c), in
# 5,000-line files.
mkdir -p "$LBT_TMP/batches"
awk -v n="$POINTS" -v c="$CH" -v p="$PUB" -v dir="$LBT_TMP/batches" 'BEGIN {
  for (i = 0; i < n; i++) {
    if (i % 5000 == 0) { if (i) close(file); file = sprintf("%s/b.%06d", dir, i / 5000) }
    printf "messages,channel=%s,subtopic=bench,publisher=%s,name=dev:temp%d value=%d,protocol=\"bench\" %d%03d000000\n", \
      c, p, i % 10, i % 1000, 1700000000 + int(i / 1000), i % 1000 > file
  }
}'

curl_round() { # curl_round DB: sets RATE (points/s)
  curl -sf -XPOST "$URL/query" --data-urlencode "q=CREATE DATABASE $1" >/dev/null
  local t0 t1 f code
  t0=$(now)
  for f in "$LBT_TMP"/batches/b.*; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -XPOST "$URL/write?db=$1&precision=ns" \
      --data-binary @"$f")
    [ "$code" = 204 ] || { echo "curl write failed: $code"; exit 1; }
  done
  t1=$(now)
  RATE=$(awk -v n="$POINTS" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f\n", n / (b - a)}')
}

writer_round() { # writer_round DB: sets RATE (points/s)
  LB_INFLUX_URL=$URL LB_INFLUX_DB=$1 LB_DATA_DIR=$LBT_TMP/data.$1 lbt_start_host influxdb
  local t0 t1 got i
  t0=$(now)
  "$LB_BIN/lbt_bus_flood" "$LBT_NATS_URL" "$CH" "$PUB" "$POINTS" >"$LBT_TMP/flood.$1" ||
    { echo "flood failed"; exit 1; }
  for ((i = 0; i < 12000; i++)); do # up to 120 s
    got=$(metric lb_influx_points_written_total)
    [ "${got:-0}" -ge "$POINTS" ] && break
    sleep 0.01
  done
  t1=$(now)
  [ "${got:-0}" -ge "$POINTS" ] ||
    { echo "the writer stored ${got:-0} of $POINTS points"; curl -s "$LBT_HTTP/metrics" | grep lb_influx; exit 1; }
  echo "    $(cat "$LBT_TMP/flood.$1"); $(curl -s "$LBT_HTTP/metrics" |
    grep -E '^lb_influx_(batches|retries|spilled_points|dropped_points)_total' | tr '\n' ' ')"
  kill -TERM "$LBT_HOST_PID"
  wait "$LBT_HOST_PID" 2>/dev/null || true
  RATE=$(awk -v n="$POINTS" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f\n", n / (b - a)}')
}

for ((r = 1; r <= ROUNDS; r++)); do
  if ((r % 2)); then order="curl writer"; else order="writer curl"; fi
  for side in $order; do
    if [ "$side" = curl ]; then
      curl_round "curl_r$r"; echo "$RATE" >>"$LBT_TMP/curl.rounds"
      echo "  round $r curl:   $RATE points/s"
    else
      writer_round "writer_r$r"; echo "$RATE" >>"$LBT_TMP/writer.rounds"
      echo "  round $r writer: $RATE points/s"
    fi
  done
done
# Every round's points are in influxd, once.
for ((r = 1; r <= ROUNDS; r++)); do
  for db in "curl_r$r" "writer_r$r"; do
    n=$(lbt_influx_query "$URL" "$db" 'SELECT COUNT(value) FROM messages' |
      jq -r '.results[0].series[0].values[0][1] // 0')
    lbt_eq "$db holds the $POINTS points" "$POINTS" "$n"
  done
done

LB_INFLUX_GZIP=on writer_round writer_gzip
gzip_rate=$RATE
echo "  gzip'd writer:  $RATE points/s"
curl_rate=$(median <"$LBT_TMP/curl.rounds")
writer_rate=$(median <"$LBT_TMP/writer.rounds")
ratio=$(awk -v a="$writer_rate" -v b="$curl_rate" 'BEGIN {printf "%.2f", b ? a / b : 0}')
echo "influx_writer: $writer_rate points/s vs curl batches $curl_rate points/s, ratio $ratio (target 0.8; medians of $ROUNDS rounds, $POINTS points); gzip'd $gzip_rate points/s"
lbt_check "the writer's throughput is at least 0.8 of curl's ($ratio)" \
  awk -v r="$ratio" 'BEGIN {exit !(r >= 0.8)}'
lbt_done
