#!/usr/bin/env bash
# Benchmark: the MQTT adapter (mosquitto + mosquitto-lyrebird.so) against plain mosquitto.
#   mqtt_qos0           QoS 0 messages/s reaching one subscriber while BENCH_MQTT_PUBS
#                       connections publish SenML as fast as TCP lets them, through mosquitto
#                       with the plugin (authorization, payload checks, every message to the
#                       bus) and through plain mosquitto (no plugin, anonymous, its own config)
#                       on the same machine with the same client (bench_mqtt_client), rounds
#                       alternating; medians; target ratio >= 0.8
#   mqtt_connect_storm  10,000 things connect at once (one connection each, one process),
#                       target < 10 s; the connections are then held and each must answer a
#                       PINGREQ
#   mqtt_e2e_latency    MQTT publish -> MQTT subscriber of another thing, 1,000 msgs/s for
#                       BENCH_MQTT_SECONDS; target p99 < 5 ms
#   mqtt_bridge_latency WebSocket adapter publish -> bus -> MQTT subscriber, 200 msgs/s (the
#                       plugin's queue to the broker thread and its wake-up), for information
# Settings: BENCH_MQTT_ROUNDS (5), BENCH_MQTT_PUBS (2), BENCH_MQTT_SECONDS (5),
# BENCH_MQTT_CONNS (10000).
source "$LB_SRC/tests/harness/lib.sh"
ROUNDS=${BENCH_MQTT_ROUNDS:-5}
PUBS=${BENCH_MQTT_PUBS:-2}
SECONDS_EACH=${BENCH_MQTT_SECONDS:-5}
CONNS=${BENCH_MQTT_CONNS:-10000}
B="$LB_BIN/bench_mqtt_client"
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -gt $((CONNS + 500)) ] || { echo "ulimit -n $(ulimit -n) is too low for $CONNS connections"; exit 1; }
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
rate() { awk '/^flood:/ {printf "%d\n", $(NF - 1)}'; }

lbt_start_nats
export LB_ADMIN_EMAIL=bench@example.com LB_ADMIN_PASSWORD=bench-secret-1
LB_MQTT_PORT=$(lbt_free_port)
LB_MQTT_WS_PORT=${LB_MQTT_WS_PORT:-$(lbt_free_port)}
LB_WS_PORT=$(lbt_free_port)
export LB_MQTT_PORT LB_MQTT_WS_PORT LB_WS_PORT
lbt_start_host things ws mqtt
lbt_wait_port "$LB_MQTT_PORT" 20 || { echo "mosquitto did not start"; cat "$LBT_TMP/host.log"; exit 1; }
lbt_provision
TOPIC="channels/$C1/messages"

# Plain mosquitto: the same binary and socket settings, no plugin.
PLAIN_PORT=$(lbt_free_port)
cat >"$LBT_TMP/plain.conf" <<EOF
listener $PLAIN_PORT 127.0.0.1
allow_anonymous true
persistence false
set_tcp_nodelay true
log_dest stderr
log_type error
EOF
mosquitto -c "$LBT_TMP/plain.conf" 2>"$LBT_TMP/plain.log" &
LBT_PIDS+=("$!")
lbt_wait_port "$PLAIN_PORT" 10 || { echo "plain mosquitto did not start"; exit 1; }

# --- (a) QoS 0 throughput, alternating rounds
for ((r = 1; r <= ROUNDS; r++)); do
  "$B" --port "$PLAIN_PORT" --pubs "$PUBS" --seconds "$SECONDS_EACH" flood "$TOPIC" |
    tee -a "$LBT_TMP/plain.rounds" | sed 's/^/  plain:  /'
  sleep 1 # the broker drains what the clients left in its sockets
  "$B" --port "$LB_MQTT_PORT" --user "$T1" --pass "$K1" --sub-user "$T2" --sub-pass "$K2" \
    --pubs "$PUBS" --seconds "$SECONDS_EACH" flood "$TOPIC" |
    tee -a "$LBT_TMP/plugin.rounds" | sed 's/^/  plugin: /'
  sleep 1
done
plain=$(rate <"$LBT_TMP/plain.rounds" | median)
plugin=$(rate <"$LBT_TMP/plugin.rounds" | median)
ratio=$(awk -v a="$plugin" -v b="$plain" 'BEGIN {printf "%.2f", b ? a / b : 0}')
echo "mqtt_qos0: $plugin msgs/s received by a subscriber (plain mosquitto $plain msgs/s, ratio $ratio; medians of $ROUNDS rounds, $PUBS publishers)"
lbt_check "QoS 0 throughput with the plugin is at least 0.8 of plain mosquitto's ($ratio)" \
  awk -v r="$ratio" 'BEGIN {exit !(r >= 0.8)}'
curl -s "$LBT_HTTP/metrics" | grep -E '^lb_mqtt_(messages|dropped|bus_errors)' | sed 's/^/  /'

# --- (c) end-to-end latency, MQTT -> MQTT of another thing
sleep 1
out=$("$B" --port "$LB_MQTT_PORT" --user "$T1" --pass "$K1" --sub-user "$T2" --sub-pass "$K2" \
  --rate 1000 --seconds "$SECONDS_EACH" latency "$TOPIC")
p99=$(awk '{for (i = 1; i < NF; i++) if ($i == "p99") print $(i + 1)}' <<<"$out")
echo "mqtt_e2e_latency: $out (1000 msgs/s, MQTT -> MQTT)"
lbt_check "MQTT -> MQTT p99 at 1,000 msgs/s is under 5 ms ($p99 ms)" \
  awk -v p="$p99" 'BEGIN {exit !(p != "" && p < 5)}'

# --- bridge latency, WebSocket -> bus -> MQTT
"$B" --port "$LB_MQTT_PORT" --user "$T2" --pass "$K2" --count 1000 --timeout 20000 --stamped \
  --ready "$LBT_TMP/bridge.ready" sub "$TOPIC" >"$LBT_TMP/bridge.out" &
bridge=$!
for ((i = 0; i < 500; i++)); do [ -e "$LBT_TMP/bridge.ready" ] && break; sleep 0.01; done
"$LB_BIN/lbt_ws" --stamp --repeat 1000 --interval 5 --linger 300 --timeout 20000 \
  --header "Authorization: Thing $K1" "ws://127.0.0.1:$LB_WS_PORT/channels/$C1/messages" >/dev/null
wait "$bridge" || true
echo "mqtt_bridge_latency: $(cat "$LBT_TMP/bridge.out") (200 msgs/s, WebSocket -> bus -> MQTT)"

# --- (b) connect storm: CONNS things, one connection each
echo "provisioning $CONNS things..."
: >"$LBT_TMP/creds"
AUTH=(-H "Authorization: Bearer $TOKEN")
for ((left = CONNS; left > 0; left -= 1000)); do
  n=$((left < 1000 ? left : 1000))
  body=$(jq -cn --argjson n "$n" '[range($n) | {name: "storm-\(.)"}]')
  lbt_http POST /things/bulk "$body" "${AUTH[@]}"
  [ "$LBT_STATUS" = 201 ] || { echo "bulk provisioning failed: $LBT_STATUS $LBT_BODY"; exit 1; }
  jq -r '.things[] | "\(.id) \(.key)"' <<<"$LBT_BODY" >>"$LBT_TMP/creds"
done
out=$("$B" --port "$LB_MQTT_PORT" --timeout 60000 --hold 3000 storm "$LBT_TMP/creds") || true
echo "$out" | sed 's/^/  /'
secs=$(awk '/connected in/ {print $5}' <<<"$out" | head -1)
connected=$(awk '/connected in/ {print $2}' <<<"$out" | head -1)
alive=$(awk '/alive after/ {print $2}' <<<"$out")
echo "mqtt_connect_storm: $connected of $CONNS authenticated connections in $secs s, $alive still open after 3 s"
lbt_eq "every connection of the storm is accepted" "$CONNS" "$connected"
lbt_check "the storm completes in under 10 s ($secs s)" awk -v s="$secs" 'BEGIN {exit !(s != "" && s < 10)}'
lbt_eq "all $CONNS connections are held" "$CONNS" "$alive"
lbt_done
