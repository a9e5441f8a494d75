#!/usr/bin/env bash
# Benchmark: the WebSocket adapter's fan-out and its memory per idle connection.
#   ws_fanout_5000  5,000 subscribers on one channel (one lbt_ws process), one publisher
#                   sending stamped SenML ([{"n":"ts","v":<send time, us>}]) every
#                   BENCH_WS_INTERVAL ms; latency = receive time - stamp, over every frame
#                   of every subscriber; target p99 < 100 ms
#   ws_fanout_100   the same with 100 subscribers: the baseline, run alternately with it
#   ws_idle_conn    the host's RSS growth with 5,000 idle subscribers open, per connection;
#                   target < 20 KB
# Rounds alternate baseline and full size (BENCH_WS_ROUNDS, default 3); medians are quoted.
source "$LB_SRC/tests/harness/lib.sh"
ROUNDS=${BENCH_WS_ROUNDS:-3}
SUBS=${BENCH_WS_SUBSCRIBERS:-5000}
BASE=100
MSGS=${BENCH_WS_MESSAGES:-20}
INTERVAL=${BENCH_WS_INTERVAL:-50}
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
lbt_http POST /things '{"name":"publisher"}' "${AUTH[@]}"; TP=$(jq -r .id <<<"$LBT_BODY"); KP=$(jq -r .key <<<"$LBT_BODY")
lbt_http POST /things '{"name":"subscriber"}' "${AUTH[@]}"; TS=$(jq -r .id <<<"$LBT_BODY"); KS=$(jq -r .key <<<"$LBT_BODY")
lbt_http POST /channels '{"name":"fanout"}' "${AUTH[@]}"; CH=$(jq -r .id <<<"$LBT_BODY")
lbt_http POST /connect "{\"channel_ids\":[\"$CH\"],\"thing_ids\":[\"$TP\",\"$TS\"]}" "${AUTH[@]}"
URL="ws://127.0.0.1:$LB_WS_PORT/channels/$CH/messages"
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$LBT_HOST_PID/status"; }
# wait_file FILE SECONDS
wait_file() {
  local i
  for ((i = 0; i < $2 * 100; i++)); do [ -e "$1" ] && return 0; sleep 0.01; done
  return 1
}
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# round N: N subscribers, then the publisher; prints the subscribers' summary line. With
# MEASURE_IDLE=1 also appends "idle <bytes per connection>" to $LBT_TMP/idle.
round() {
  local n=$1 ready="$LBT_TMP/ready.$RANDOM" out="$LBT_TMP/subs.out" rss0 rss1 pid
  rss0=$(rss_kb)
  "$LB_BIN/lbt_ws" --conns "$n" --count "$MSGS" --timeout 60000 --ready "$ready" \
    --header "Authorization: Thing $KS" "$URL" >"$out" 2>"$LBT_TMP/subs.err" &
  pid=$!
  LBT_PIDS+=("$pid")
  wait_file "$ready" 60 || { echo "subscribers did not connect:"; cat "$LBT_TMP/subs.err"; exit 1; }
  sleep 1 # let the host settle before reading its RSS
  rss1=$(rss_kb)
  [ "${MEASURE_IDLE:-0}" = 1 ] && echo "$(((rss1 - rss0) * 1024 / n)) $((rss1 - rss0))" >>"$LBT_TMP/idle"
  "$LB_BIN/lbt_ws" --stamp --repeat "$MSGS" --interval "$INTERVAL" --linger 200 \
    --timeout 60000 --header "Authorization: Thing $KP" "$URL" >/dev/null
  wait "$pid" || true
  tail -n 1 "$out"
}
field() { awk -v k="$1" '{for (i = 1; i < NF; i++) if ($i == k) print $(i + 1)}'; }

# warm-up: the first connections grow lws's tables and the allocator's arenas
round "$BASE" >/dev/null
: >"$LBT_TMP/idle"
for ((r = 0; r < ROUNDS; r++)); do
  round "$BASE" >>"$LBT_TMP/base"
  MEASURE_IDLE=1 round "$SUBS" >>"$LBT_TMP/full"
done
for f in base full; do
  echo "# $f rounds:"
  sed 's/^/#   /' "$LBT_TMP/$f"
done
b99=$(field p99 <"$LBT_TMP/base" | median)
f50=$(field p50 <"$LBT_TMP/full" | median)
f99=$(field p99 <"$LBT_TMP/full" | median)
fmax=$(field max <"$LBT_TMP/full" | median)
got=$(awk '{s += $2; e += $4} END {print s "/" e}' "$LBT_TMP/full")
echo "ws_fanout_$SUBS: p99 $f99 ms (p50 $f50 ms, max $fmax ms, medians of $ROUNDS rounds; $got frames received; $MSGS messages ${INTERVAL} ms apart; target p99 < 100 ms; baseline ws_fanout_$BASE p99 $b99 ms)"
idle=$(awk '{print $1}' "$LBT_TMP/idle" | median)
kb=$(awk '{print $2}' "$LBT_TMP/idle" | median)
echo "ws_idle_conn: $idle bytes each (host RSS +$kb kB with $SUBS idle subscribers, median of $ROUNDS; target < 20480)"
