#!/usr/bin/env bash
# Benchmark: the WebSocket adapter's fan-out latency and its memory per idle connection.
#   ws_idle_conn    growth of the host's RSS with 5,000 idle subscribers open (lbt_ws
#                   --conns), per connection; target < 20 KB
#   ws_fanout_5000  5,000 subscribers on one channel (lbt_ws_fanout, an epoll client, so the
#                   client is not the bottleneck), one publisher (lbt_ws --stamp) sending
#                   [{"n":"ts","v":<send time, us>}] every BENCH_WS_INTERVAL ms; latency =
#                   arrival - stamp over every frame of every subscriber; target p99 < 100 ms
#   ws_fanout_100   the same with 100 subscribers: the baseline, alternated with the above
# BENCH_WS_ROUNDS rounds of each (default 3); medians are quoted. The machine is shared:
# read the figures against the baseline of the same run.
source "$LB_SRC/tests/harness/lib.sh"
ROUNDS=${BENCH_WS_ROUNDS:-3}
SUBS=${BENCH_WS_SUBSCRIBERS:-5000}
BASE=100
MSGS=${BENCH_WS_MESSAGES:-20}
INTERVAL=${BENCH_WS_INTERVAL:-250}
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -gt $((SUBS + 200)) ] || { echo "ulimit -n $(ulimit -n) is too low for $SUBS connections"; exit 1; }

lbt_start_nats
export LB_ADMIN_EMAIL=bench@example.com LB_ADMIN_PASSWORD=bench-secret-1
LB_WS_PORT=$(lbt_free_port)
export LB_WS_PORT
lbt_start_host things ws
lbt_wait_port "$LB_WS_PORT" 10 || { echo "ws adapter did not listen"; exit 1; }
lbt_http POST /tokens '{"email":"bench@example.com","password":"bench-secret-1"}'
AUTH=(-H "Authorization: Bearer $(jq -r .token <<<"$LBT_BODY")")
lbt_http POST /things '{"name":"publisher"}' "${AUTH[@]}"
TP=$(jq -r .id <<<"$LBT_BODY") KP=$(jq -r .key <<<"$LBT_BODY")
lbt_http POST /things '{"name":"subscriber"}' "${AUTH[@]}"
TS=$(jq -r .id <<<"$LBT_BODY") KS=$(jq -r .key <<<"$LBT_BODY")
lbt_http POST /channels '{"name":"fanout"}' "${AUTH[@]}"
CH=$(jq -r .id <<<"$LBT_BODY")
lbt_http POST /connect "{\"channel_ids\":[\"$CH\"],\"thing_ids\":[\"$TP\",\"$TS\"]}" "${AUTH[@]}"
URL="ws://127.0.0.1:$LB_WS_PORT/channels/$CH/messages"
SUB=(--header "Authorization: Thing $KS")
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$LBT_HOST_PID/status"; }
wait_file() { # FILE SECONDS
  local i
  for ((i = 0; i < $2 * 100; i++)); do [ -e "$1" ] && return 0; sleep 0.01; done
  return 1
}
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
field() { awk -v k="$1" '{for (i = 1; i < NF; i++) if ($i == k) print $(i + 1)}'; }

# --- idle connections: RSS growth per connection (after a warm-up that grows lws's tables)
"$LB_BIN/lbt_ws" --conns "$BASE" --timeout 1000 "${SUB[@]}" "$URL" >/dev/null
sleep 0.5
rss0=$(rss_kb)
"$LB_BIN/lbt_ws" --conns "$SUBS" --timeout 120000 --ready "$LBT_TMP/idle" "${SUB[@]}" "$URL" \
  >/dev/null 2>"$LBT_TMP/idle.err" &
idle_pid=$!
LBT_PIDS+=("$idle_pid")
wait_file "$LBT_TMP/idle" 60 || { echo "idle connections failed:"; cat "$LBT_TMP/idle.err"; exit 1; }
sleep 1
rss1=$(rss_kb)
kill "$idle_pid"
wait "$idle_pid" 2>/dev/null || true

# --- fan-out rounds: N subscribers, then the publisher; appends the subscribers' summary
round() { # N FILE
  local ready="$LBT_TMP/ready.$RANDOM" pid
  "$LB_BIN/lbt_ws_fanout" --conns "$1" --count "$MSGS" --timeout 60000 --ready "$ready" \
    "${SUB[@]}" "$URL" >>"$2" 2>"$LBT_TMP/subs.err" &
  pid=$!
  LBT_PIDS+=("$pid")
  wait_file "$ready" 60 || { echo "subscribers did not connect:"; cat "$LBT_TMP/subs.err"; exit 1; }
  sleep 0.5
  "$LB_BIN/lbt_ws" --stamp --repeat "$MSGS" --interval "$INTERVAL" --linger 300 \
    --timeout $((MSGS * INTERVAL + 30000)) --header "Authorization: Thing $KP" "$URL" >/dev/null
  wait "$pid" || true
}
for ((r = 0; r < ROUNDS; r++)); do
  round "$BASE" "$LBT_TMP/base"
  round "$SUBS" "$LBT_TMP/full"
done
for f in base full; do
  echo "# $f rounds:"
  sed 's/^/#   /' "$LBT_TMP/$f"
done
b50=$(field p50 <"$LBT_TMP/base" | median)
b99=$(field p99 <"$LBT_TMP/base" | median)
f50=$(field p50 <"$LBT_TMP/full" | median)
f99=$(field p99 <"$LBT_TMP/full" | median)
fmax=$(field max <"$LBT_TMP/full" | median)
got=$(awk '{s += $2; e += $4} END {print s "/" e}' "$LBT_TMP/full")
echo "ws_fanout_$SUBS: p99 $f99 ms (p50 $f50 ms, max $fmax ms; medians of $ROUNDS rounds, $got frames received; $MSGS messages ${INTERVAL} ms apart; target p99 < 100 ms)"
echo "ws_fanout_$BASE: p99 $b99 ms (p50 $b50 ms; baseline, same run)"
echo "ws_idle_conn: $(((rss1 - rss0) * 1024 / SUBS)) bytes each (host RSS $rss0 kB -> $rss1 kB with $SUBS idle subscribers; target < 20480)"
# the figures are read, not asserted (the machine is shared); losing frames is a failure
awk '$2 != $4 {bad = 1} END {exit bad}' "$LBT_TMP/base" "$LBT_TMP/full" ||
  { echo "frames were lost"; exit 1; }
