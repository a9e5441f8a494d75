#!/usr/bin/env bash
# Benchmark: end-to-end latency from an HTTP POST to two WebSocket subscribers at 1,000 msg/s
# (stamp in the payload, wall clock on both ends, same machine). Targets: p50 < 1 ms,
# p99 < 5 ms. The same publisher on the bus alone is not comparable (it has no HTTP leg);
# the figure is absolute.
source "$LB_SRC/tests/harness/lib.sh"
RATE=${BENCH_RATE:-1000}
COUNT=${BENCH_COUNT:-10000}
lbt_start_nats
export LB_ADMIN_EMAIL=bench@example.com LB_ADMIN_PASSWORD=bench-secret-1
export LB_WS_PORT=$(lbt_free_port)
lbt_start_host things http ws
lbt_provision
"$LB_BIN/lbt_ws" --conns 2 --quiet --count "$COUNT" --timeout $((COUNT * 1000 / RATE + 10000)) \
  --ready "$LBT_TMP/ready" --header "Authorization: Thing $K2" \
  "ws://127.0.0.1:$LB_WS_PORT/channels/$C1/messages" >"$LBT_TMP/ws.out" 2>"$LBT_TMP/ws.err" &
sub=$!
LBT_PIDS+=("$sub")
for _ in $(seq 1 500); do [ -e "$LBT_TMP/ready" ] && break; sleep 0.01; done
"$LB_BIN/http_pace" "$LBT_HTTP/http/channels/$C1/messages" "$K1" "$RATE" "$COUNT"
wait "$sub" || true
summary=$(tail -1 "$LBT_TMP/ws.out")
echo "http_to_ws_latency at $RATE msg/s: $summary (targets p50 < 1 ms, p99 < 5 ms)"
grep -q "received $((2 * COUNT)) of $((2 * COUNT))" <<<"$summary" || { echo "messages were lost"; exit 1; }
