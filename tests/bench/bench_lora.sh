#!/usr/bin/env bash
# Benchmark: the LoRa adapter (`lyrebird run lora` over a real nats-server) driven by the
# simulator on the same 2 cores.
#   lora_uplinks_1gw     ABP uplinks/s accepted and published (gateway bridge, dedup, MIC,
#                        FCnt, counters stored, AS event on the bus), 10,000 devices, 1 gateway,
#                        the simulator sending as fast as it can; target >= 20,000/s. The
#                        baseline in the same run is the simulator against a UDP sink that
#                        only acknowledges (lbt_udp_sink): the ratio says how much of the
#                        offered load the server keeps.
#   lora_uplinks_3gw     the same with every frame heard by 3 gateways; target >= 10,000/s
#   lora_latency         PUSH_DATA received -> bus publish, without the dedup window, from the
#                        adapter's histogram at 2,000 uplinks/s; target p99 < 2 ms
#   lora_confirmed       confirmed uplinks whose ACK left in time for RX1; target 100 %
#   lora_codec_isolation uplinks decoded/s by a JavaScript codec (BENCH_LORA_CODEC_DEVICES
#                        devices, 1000), then again while one device's decoder runs into its
#                        100 ms limit on every uplink, sent once a second (about the most a
#                        device may send at SF7 under EU868's 1 % duty cycle;
#                        BENCH_LORA_HOSTILE_RATE); target: the others' throughput drops < 10 %
#   lora_million         (BENCH_LORA_MILLION=1) 1,000,000 registered devices: load time,
#                        RSS (target < 1 GB) and uplinks/s against the 10,000-device figure
#                        (lookup cost independent of the count: ratio near 1)
# Settings: BENCH_LORA_DEVICES (10000), BENCH_LORA_UPLINKS per device per round (6),
# BENCH_LORA_CODEC_DEVICES (1000), BENCH_LORA_CODEC_UPLINKS (30),
# BENCH_LORA_ROUNDS (3), BENCH_LORA_MILLION (0).
source "$LB_SRC/tests/harness/lib.sh"
DEVICES=${BENCH_LORA_DEVICES:-10000}
UPLINKS=${BENCH_LORA_UPLINKS:-6}
ROUNDS=${BENCH_LORA_ROUNDS:-3}
export LB_KEK=000102030405060708090A0B0C0D0E0F LB_LORA_OPEN_GATEWAYS=true
export LB_LORA_UDP_PORT=$(lbt_free_port) LB_DATA_DIR=$LBT_TMP/data
mkdir -p "$LB_DATA_DIR"
SIM=("$LB_BIN/lyrebird-sim" --json --mode abp)
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
metric() { curl -s "$LBT_HTTP/metrics" | awk -v n="$1" '$1 == n {print $2}'; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

fill() { # fill COUNT: registers COUNT devices straight into the store
  "${SIM[@]}" --print-devices --devices "$1" --channel bench-channel |
    "$LB_BIN/bench_lora_fill" "$LB_DATA_DIR" >&2
}

# run_uplinks GATEWAYS: one round; prints accepted uplinks/s (published, measured on the
# server from the first datagram to the last publish).
run_uplinks() {
  local before after want t0 t1 i
  before=$(metric lb_lora_uplinks_total)
  want=$((${before%.*} + DEVICES * UPLINKS))
  t0=$(date +%s.%N)
  "${SIM[@]}" --server "127.0.0.1:$LB_LORA_UDP_PORT" --devices "$DEVICES" --uplinks "$UPLINKS" \
    --gateways "$1" --state "$LBT_TMP/state" --wait-downlink 0 >"$LBT_TMP/sim.json" 2>/dev/null
  for ((i = 0; i < 200; i++)); do
    after=$(metric lb_lora_uplinks_total)
    [ "${after%.*}" -ge "$want" ] && break
    sleep 0.05
  done
  t1=$(date +%s.%N)
  # the last 0.2 s are the dedup window of the last frames, not processing
  awk -v n="$((${after%.*} - ${before%.*}))" -v t0="$t0" -v t1="$t1" -v w=0.2 \
    'BEGIN {printf "%d\n", n / (t1 - t0 - w)}'
}

# p QUANTILE BEFORE_FILE AFTER_FILE: the histogram's bucket bound holding that quantile of
# the observations made between the two /metrics snapshots.
p() {
  paste <(grep '^lb_lora_uplink_processing_seconds_bucket' "$2") \
        <(grep '^lb_lora_uplink_processing_seconds_bucket' "$3") |
    awk -v q="$1" '{ le = $1; sub(/.*le="/, "", le); sub(/".*/, "", le); b[NR] = le; c[NR] = $4 - $2 }
      END { for (i = 1; i <= NR; i++) if (c[i] >= q * c[NR]) { print (b[i] == "+Inf" ? "inf" : b[i] * 1000); exit } }'
}

# ---- baseline: the simulator against a sink that only acknowledges
SINK_PORT=$(lbt_free_port)
"$LB_BIN/lbt_udp_sink" --port "$SINK_PORT" >/dev/null 2>&1 &
LBT_PIDS+=("$!")
sleep 0.2
for ((r = 1; r <= ROUNDS; r++)); do
  "${SIM[@]}" --server "127.0.0.1:$SINK_PORT" --devices "$DEVICES" --uplinks "$UPLINKS" \
    --wait-downlink 0 2>/dev/null | jq .uplinks_per_s >>"$LBT_TMP/sink.rounds"
done
SINK=$(median <"$LBT_TMP/sink.rounds")

# ---- the adapter
fill "$DEVICES"
lbt_start_nats
lbt_start_host lora
for gw in 1 3; do
  for ((r = 1; r <= ROUNDS; r++)); do
    run_uplinks "$gw" | tee -a "$LBT_TMP/gw$gw.rounds" | sed "s/^/  $gw gateway(s): /"
  done
done
GW1=$(median <"$LBT_TMP/gw1.rounds")
GW3=$(median <"$LBT_TMP/gw3.rounds")
echo "lora_uplinks_1gw: $GW1 uplinks/s (sink baseline $SINK/s, ratio $(awk -v a="$GW1" -v b="$SINK" 'BEGIN {printf "%.2f", a / b}'); target 20000)"
echo "lora_uplinks_3gw: $GW3 uplinks/s, 3 gateways per frame (target 10000)"
lbt_check "no frame refused (all MICs and counters good)" \
  test "$(metric lb_lora_mic_failed_total)" = 0 -a "$(metric lb_lora_fcnt_replays_total)" = 0

# ---- latency at a steady 2,000 uplinks/s
curl -s "$LBT_HTTP/metrics" >"$LBT_TMP/m0"
"${SIM[@]}" --server "127.0.0.1:$LB_LORA_UDP_PORT" --devices "$DEVICES" --uplinks 0 --duration 5 \
  --rate 2000 --state "$LBT_TMP/state" --wait-downlink 0 >/dev/null 2>&1
sleep 0.5
curl -s "$LBT_HTTP/metrics" >"$LBT_TMP/m1"
echo "lora_latency: p50 <= $(p 0.5 "$LBT_TMP/m0" "$LBT_TMP/m1") ms, p99 <= $(p 0.99 "$LBT_TMP/m0" "$LBT_TMP/m1") ms at 2000 uplinks/s, PUSH_DATA to publish without the dedup window (target p99 < 2 ms)"

# ---- confirmed uplinks: ACKs in time for RX1
"${SIM[@]}" --server "127.0.0.1:$LB_LORA_UDP_PORT" --devices 1000 --uplinks 3 --rate 500 \
  --confirmed --state "$LBT_TMP/state" >"$LBT_TMP/conf.json" 2>/dev/null
jq -r '"lora_confirmed: \(.acks_received) of \(.confirmed_sent) confirmed uplinks ACKed, \(.downlinks_rx1) in RX1, \(.downlinks_late) late, min lead \(.min_lead_ms) ms (target 100 % in RX1)"' "$LBT_TMP/conf.json"
lbt_eq "every confirmed uplink ACKed in RX1" "$(jq .confirmed_sent "$LBT_TMP/conf.json")" \
  "$(jq .downlinks_rx1 "$LBT_TMP/conf.json")"

# ---- codecs: decoded uplinks/s, and with a runaway decoder beside them
CODEC_DEVICES=${BENCH_LORA_CODEC_DEVICES:-1000}
CODEC_UPLINKS=${BENCH_LORA_CODEC_UPLINKS:-30} # per device and round: 30,000 decodes
kill "$LBT_HOST_PID"; wait "$LBT_HOST_PID" 2>/dev/null || true
rm -rf "$LB_DATA_DIR" "$LBT_TMP/state"; mkdir -p "$LB_DATA_DIR"
DEC='function decodeUplink(input) {
  var b = input.bytes, n = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  return { data: { counter: n, even: n % 2 === 0, half: n / 2 } };
}'
"${SIM[@]}" --print-devices --devices "$CODEC_DEVICES" --channel bench-channel |
  jq -c --arg s "$DEC" '. + {codec: {type: "javascript", script: $s}}' |
  "$LB_BIN/bench_lora_fill" "$LB_DATA_DIR" >&2
"${SIM[@]}" --print-devices --devices 1 --dev-eui-base 00F0000000000000 --addr-base 27F00000 \
  --channel bench-channel | jq -c '. + {codec: {type: "javascript", script: "function decodeUplink(i) { for (;;) {} }"}}' |
  "$LB_BIN/bench_lora_fill" "$LB_DATA_DIR" >&2
lbt_start_host lora
decode_round() { # prints decoded uplinks/s of the well-behaved devices
  local before want after t0 t1 i
  before=$(metric lb_lora_decoded_total); before=${before%.*}
  want=$((before + CODEC_DEVICES * CODEC_UPLINKS))
  t0=$(date +%s.%N)
  "${SIM[@]}" --server "127.0.0.1:$LB_LORA_UDP_PORT" --devices "$CODEC_DEVICES" \
    --uplinks "$CODEC_UPLINKS" --state "$LBT_TMP/state" --wait-downlink 0 >/dev/null 2>&1
  for ((i = 0; i < 400; i++)); do
    after=$(metric lb_lora_decoded_total); after=${after%.*}
    [ "$after" -ge "$want" ] && break
    sleep 0.05
  done
  t1=$(date +%s.%N)
  awk -v n="$((after - before))" -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%d\n", n / (t1 - t0)}'
}
decode_round >/dev/null # warm-up: every device's codec instance is made (~1 ms each)
for ((r = 1; r <= ROUNDS; r++)); do
  decode_round >>"$LBT_TMP/codec_alone.rounds"
  "${SIM[@]}" --server "127.0.0.1:$LB_LORA_UDP_PORT" --devices 1 --dev-eui-base 00F0000000000000 \
    --addr-base 27F00000 --uplinks 0 --duration 60 --rate "${BENCH_LORA_HOSTILE_RATE:-1}" --state "$LBT_TMP/hostile" \
    --wait-downlink 0 >/dev/null 2>&1 &
  HOSTILE=$!
  sleep 1
  decode_round >>"$LBT_TMP/codec_hostile.rounds"
  kill "$HOSTILE" 2>/dev/null; wait "$HOSTILE" 2>/dev/null || true
done
A=$(median <"$LBT_TMP/codec_alone.rounds")
B=$(median <"$LBT_TMP/codec_hostile.rounds")
echo "lora_codec_isolation: $A decoded uplinks/s alone, $B beside a decoder hitting its limit ${BENCH_LORA_HOSTILE_RATE:-1} time(s)/s (ratio $(awk -v a="$B" -v b="$A" 'BEGIN {printf "%.2f", a / b}'); $(metric lb_lora_decode_failed_total) runaway decodes stopped; target ratio >= 0.9)"

# ---- a million devices
if [ "${BENCH_LORA_MILLION:-0}" = 1 ]; then
  kill "$LBT_HOST_PID"; wait "$LBT_HOST_PID" 2>/dev/null || true
  rm -rf "$LB_DATA_DIR"; mkdir -p "$LB_DATA_DIR"
  fill 1000000
  t0=$(date +%s.%N)
  lbt_start_host lora
  t1=$(date +%s.%N)
  echo "lora_million: loaded in $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}') s, RSS $(rss_mb "$LBT_HOST_PID") MB with 1,000,000 devices (target < 1024)"
  rm -f "$LBT_TMP/state"
  for ((r = 1; r <= ROUNDS; r++)); do run_uplinks 1 >>"$LBT_TMP/million.rounds"; done
  M=$(median <"$LBT_TMP/million.rounds")
  echo "lora_million: $M uplinks/s with 1,000,000 registered vs $GW1 with $DEVICES (ratio $(awk -v a="$M" -v b="$GW1" 'BEGIN {printf "%.2f", a / b}')), RSS $(rss_mb "$LBT_HOST_PID") MB after"
fi
lbt_done
