#!/usr/bin/env bash
# The MQTT adapter end to end: `lyrebird run things http ws mqtt` on a real nats-server starts
# Debian's mosquitto with mosquitto-lyrebird.so; driven with mosquitto_pub/mosquitto_sub,
# curl, lbt_ws, lbt_sub and bench_mqtt_client (MQTT over WebSocket). Things log in with id and
# key; refusals carry the right CONNACK/SUBACK/PUBACK codes; messages cross MQTT, HTTP,
# WebSocket and the bus exactly once; QoS 1 and retained messages; revoked keys are cut off
# within 1 s; a killed broker is restarted by the host; connections show on things.status.
source "$LB_SRC/tests/harness/lib.sh"
lbt_start_nats
export LB_ADMIN_EMAIL=admin@example.com LB_ADMIN_PASSWORD=admin-secret-1
LB_MQTT_PORT=$(lbt_free_port)
LB_MQTT_WS_PORT=$(lbt_free_port)
LB_WS_PORT=$(lbt_free_port)
export LB_MQTT_PORT LB_MQTT_WS_PORT LB_WS_PORT

# things.status, read with NATS' text protocol before anything connects
STATUS="$LBT_TMP/status.out"
exec 3<>"/dev/tcp/127.0.0.1/$LBT_NATS_PORT"
printf 'CONNECT {"verbose":false}\r\nSUB things.status 1\r\nPING\r\n' >&3
cat <&3 >"$STATUS" &
LBT_PIDS+=("$!")

lbt_start_host things http ws mqtt
lbt_wait_port "$LB_MQTT_PORT" 20 || { echo "mosquitto did not start"; cat "$LBT_TMP/host.log"; exit 1; }
lbt_provision
AUTH=(-H "Authorization: Bearer $TOKEN")
lbt_http POST /things '{"name":"t3"}' "${AUTH[@]}"
T3=$(jq -r .id <<<"$LBT_BODY"); K3=$(jq -r .key <<<"$LBT_BODY")
lbt_http PUT "/channels/$C1/things/$T3" "" "${AUTH[@]}"
TOPIC="channels/$C1/messages"
MQ=(-h 127.0.0.1 -p "$LB_MQTT_PORT")
SENML='[{"n":"temp","u":"Cel","v":21.5}]'

# mq_sub NAME ARGS...: mosquitto_sub -v -d in the background (NAME.out), once subscribed.
mq_sub() {
  local name=$1 i
  shift
  stdbuf -oL mosquitto_sub "${MQ[@]}" -v -d "$@" >"$LBT_TMP/$name.out" 2>&1 &
  LBT_PIDS+=("$!")
  eval "PID_$name=$!"
  for ((i = 0; i < 500; i++)); do
    grep -q 'received SUBACK' "$LBT_TMP/$name.out" 2>/dev/null && return 0
    sleep 0.01
  done
  echo "mosquitto_sub $name did not subscribe: $(cat "$LBT_TMP/$name.out")"
  return 1
}
# mq_msgs NAME: the messages NAME received ("topic payload"), without the debug lines.
mq_msgs() { grep -v -e '^Client ' -e '^Subscribed' -e '^Timed out' "$LBT_TMP/$1.out" || true; }
# rc COMMAND...: prints the exit code and the first error line.
rc() {
  local out code=0
  out=$("$@" 2>&1) || code=$?
  echo "$code $(grep -m1 -iE 'error|warning|refused|denied|suback' <<<"$out" || true)"
}
metric() { curl -s "$LBT_HTTP/metrics" | awk -v m="$1" '$1 == m {print $2}'; }

# --- logging in
lbt_eq "a thing logs in with its id and key" 0 \
  "$(rc mosquitto_pub "${MQ[@]}" -u "$T1" -P "$K1" -t "$TOPIC" -m "$SENML" | cut -d' ' -f1)"
lbt_eq "a wrong key is refused: MQTT 3.1.1 CONNACK 5" \
  "5 Connection error: Connection Refused: not authorised." \
  "$(rc mosquitto_pub "${MQ[@]}" -u "$T1" -P not-the-key -t "$TOPIC" -m "$SENML")"
lbt_eq "a wrong key is refused: MQTT 5 CONNACK 0x87" "135 Connection error: Not authorized" \
  "$(rc mosquitto_pub "${MQ[@]}" -V 5 -u "$T1" -P not-the-key -t "$TOPIC" -m "$SENML")"
lbt_eq "another thing's key is refused (username is not the key's thing)" \
  "5 Connection error: Connection Refused: not authorised." \
  "$(rc mosquitto_pub "${MQ[@]}" -u "$T2" -P "$K1" -t "$TOPIC" -m "$SENML")"
lbt_eq "no username and password is refused" \
  "5 Connection error: Connection Refused: not authorised." \
  "$(rc mosquitto_pub "${MQ[@]}" -t "$TOPIC" -m "$SENML")"

# --- subscriptions: the SUBACK says 0x80 for what the thing may not read
B="$LB_BIN/bench_mqtt_client"
suback() { rc "$B" --port "$LB_MQTT_PORT" --user "$T1" --pass "$K1" --timeout 300 sub "$1"; }
lbt_eq "subscribing to a channel the thing is not connected to: SUBACK 0x80" "4 suback: 128" \
  "$(suback "channels/$C2/messages")"
lbt_eq "a wildcard as the channel id: SUBACK 0x80" "4 suback: 128" "$(suback 'channels/+/messages')"
lbt_eq "'#' on everything: SUBACK 0x80" "4 suback: 128" "$(suback '#')"
lbt_eq "a topic outside channels/<id>/messages: SUBACK 0x80" "4 suback: 128" \
  "$(suback "channels/$C1/other")"
lbt_eq "wildcards within the subtopic are fine" "0 " "$(suback "channels/$C1/messages/+/x/#")"
lbt_eq "MQTT 5: a publish on a channel not connected: PUBACK 0x87" \
  "0 Warning: Publish 1 failed: Not authorized." \
  "$(rc mosquitto_pub "${MQ[@]}" -V 5 -q 1 -u "$T1" -P "$K1" -t "channels/$C2/messages" -m "$SENML")"

# --- MQTT -> MQTT (another thing), exactly once; bad SenML refused
mq_sub m2m -u "$T2" -P "$K2" -t "$TOPIC/#" -W 3
mosquitto_pub "${MQ[@]}" -u "$T1" -P "$K1" -t "$TOPIC/room/1" -m "$SENML"
lbt_eq "MQTT 5: bad SenML is refused with PUBACK 0x87" "0 Warning: Publish 1 failed: Not authorized." \
  "$(rc mosquitto_pub "${MQ[@]}" -V 5 -q 1 -u "$T1" -P "$K1" -t "$TOPIC" -m '[{"n":"x","v":"nan"}]')"
mosquitto_pub "${MQ[@]}" -u "$T1" -P "$K1" -t "$TOPIC" -m 'not json'
mosquitto_pub "${MQ[@]}" -V 5 -u "$T1" -P "$K1" -t "$TOPIC/json" -D publish content-type \
  application/json -m '{"temp":1}'
wait "$PID_m2m" || true
lbt_eq "MQTT -> MQTT of another thing: each message exactly once, bad SenML dropped" \
  "$TOPIC/room/1 $SENML|$TOPIC/json {\"temp\":1}" "$(mq_msgs m2m | paste -sd'|')"

# --- MQTT -> bus: the envelope
lbt_sub_start "channels.$C1.>" 2 5000 "$LBT_TMP/env.out"
sub_pid=$LBT_SUB_PID
mosquitto_pub "${MQ[@]}" -u "$T1" -P "$K1" -t "$TOPIC/a/b" -m "$SENML"
mosquitto_pub "${MQ[@]}" -V 5 -u "$T1" -P "$K1" -t "$TOPIC/c" -D publish content-type \
  'application/octet-stream' -m 'raw bytes'
wait "$sub_pid" || true
env1=$(sed -n 1p "$LBT_TMP/env.out")
lbt_eq "MQTT -> bus: subject, channel, subtopic, publisher, protocol, content type, payload" \
  "channels.$C1.a.b|$C1|a.b|$T1|mqtt|application/senml+json|$SENML" \
  "$(jq -r '[.subject, .channel, .subtopic, .publisher, .protocol, .content_type, .payload] | join("|")' <<<"$env1")"
age=$(jq -r "(.created / 1e9 - $(date +%s)) | fabs | floor" <<<"$env1")
lbt_check "MQTT -> bus: created is Unix nanoseconds of now (${age} s off)" [ "$age" -lt 60 ]
lbt_eq "MQTT 5: the content-type property becomes the envelope's content type" \
  "application/octet-stream|raw bytes" \
  "$(sed -n 2p "$LBT_TMP/env.out" | jq -r '[.content_type, .payload] | join("|")')"

# --- HTTP -> MQTT (QoS 1 subscriber), MQTT -> WebSocket, once each
mq_sub h2m -u "$T1" -P "$K1" -t "$TOPIC/#" -q 1 -W 3
"$LB_BIN/lbt_ws" --header "Authorization: Thing $K2" --timeout 3000 \
  "ws://127.0.0.1:$LB_WS_PORT/channels/$C1/messages" >"$LBT_TMP/ws.out" 2>&1 &
ws_pid=$!
LBT_PIDS+=("$ws_pid")
sleep 0.5
lbt_http POST "/http/channels/$C1/messages/kitchen" '[{"n":"hum","v":40}]' -H "Authorization: Thing $K2"
lbt_eq "HTTP publish accepted" 202 "$LBT_STATUS"
mosquitto_pub "${MQ[@]}" -u "$T3" -P "$K3" -t "$TOPIC/hall" -m '[{"n":"door","vb":true}]'
wait "$PID_h2m" || true
wait "$ws_pid" || true
lbt_eq "HTTP -> MQTT and MQTT -> MQTT reach a QoS 1 subscriber once each" \
  "$TOPIC/kitchen [{\"n\":\"hum\",\"v\":40}]|$TOPIC/hall [{\"n\":\"door\",\"vb\":true}]" \
  "$(mq_msgs h2m | paste -sd'|')"
lbt_eq "MQTT -> WebSocket subscriber, once (and the HTTP message)" \
  '[{"n":"hum","v":40}]|[{"n":"door","vb":true}]' "$(grep -v '^closed' "$LBT_TMP/ws.out" | paste -sd'|')"

# --- QoS 1 and retained messages
lbt_eq "a QoS 1 retained publish is acknowledged" 0 \
  "$(rc mosquitto_pub "${MQ[@]}" -q 1 -r -u "$T1" -P "$K1" -t "$TOPIC/state" -m "$SENML" | cut -d' ' -f1)"
out=$(mosquitto_sub "${MQ[@]}" -q 1 -u "$T2" -P "$K2" -t "$TOPIC/state" -C 1 -W 3 -v || true)
lbt_eq "a later subscriber gets the retained message" "$TOPIC/state $SENML" "$out"
mosquitto_pub "${MQ[@]}" -q 1 -r -n -u "$T1" -P "$K1" -t "$TOPIC/state"
out=$(mosquitto_sub "${MQ[@]}" -u "$T2" -P "$K2" -t "$TOPIC/state" -C 1 -W 1 -v 2>&1 || true)
lbt_eq "an empty retained publish clears it" "Timed out" "$out"

# --- MQTT over WebSocket
"$B" --ws --port "$LB_MQTT_WS_PORT" --user "$T2" --pass "$K2" --count 1 --timeout 3000 \
  --ready "$LBT_TMP/mqws.ready" sub "$TOPIC/#" >"$LBT_TMP/mqws.out" 2>&1 &
mqws=$!
for ((i = 0; i < 300; i++)); do [ -e "$LBT_TMP/mqws.ready" ] && break; sleep 0.01; done
lbt_http POST "/http/channels/$C1/messages/ws" "$SENML" -H "Authorization: Thing $K1"
wait "$mqws" || true
lbt_eq "MQTT over WebSocket (LB_MQTT_WS_PORT) gets an HTTP message" "$TOPIC/ws $SENML" \
  "$(cat "$LBT_TMP/mqws.out")"

# --- revocation: deleting a thing cuts its open connection within 1 s
mq_sub rev -u "$T3" -P "$K3" -t "$TOPIC" -W 10
conns() { ss -tnpH state established "( dport = :$LB_MQTT_PORT )" | grep -c "pid=$1," || true; }
lbt_eq "the thing's subscriber is connected" 1 "$(conns "$PID_rev")"
lbt_http DELETE "/things/$T3" "" "${AUTH[@]}"
t0=$(date +%s%N)
cut_ms=none
while [ $(($(date +%s%N) - t0)) -lt 1000000000 ]; do
  if [ "$(conns "$PID_rev")" = 0 ]; then cut_ms=$((($(date +%s%N) - t0) / 1000000)); break; fi
  sleep 0.01
done
lbt_check "a removed thing's connection is cut within 1 s (after ${cut_ms} ms)" [ "$cut_ms" != none ]
lbt_eq "its key is refused afterwards" "5 Connection error: Connection Refused: not authorised." \
  "$(rc mosquitto_pub "${MQ[@]}" -u "$T3" -P "$K3" -t "$TOPIC" -m "$SENML")"
for ((i = 0; i < 150; i++)); do [ "$(metric lb_mqtt_kicked_total)" = 1 ] && break; sleep 0.02; done
lbt_eq "the kick is counted" 1 "$(metric lb_mqtt_kicked_total)"

# --- connection events on things.status
for ((i = 0; i < 100; i++)); do grep -q "\"thing_id\":\"$T3\"" "$STATUS" && break; sleep 0.02; done
events=$(grep '^{' "$STATUS" | jq -c 'select(.thing_id == "'"$T3"'") | [.event, .protocol, (.time > 0)]' | sort -u | paste -sd' ')
lbt_eq "things.status carries connected and disconnected events of a thing" \
  '["connected","mqtt",true] ["disconnected","mqtt",true]' "$events"

# --- the broker killed mid-test is restarted, and clients reconnect
mq_sub keep -u "$T2" -P "$K2" -t "$TOPIC/after" -W 20
old=$(pgrep -P "$LBT_HOST_PID" -x mosquitto)
kill -9 "$old"
new=""
for ((i = 0; i < 500; i++)); do
  new=$(pgrep -P "$LBT_HOST_PID" -x mosquitto || true)
  [ -n "$new" ] && [ "$new" != "$old" ] && lbt_wait_port "$LB_MQTT_PORT" 1 && break
  sleep 0.02
done
lbt_check "the host restarts a killed mosquitto ($old -> $new)" [ -n "$new" -a "$new" != "$old" ]
for ((i = 0; i < 500; i++)); do
  [ "$(grep -c 'received SUBACK' "$LBT_TMP/keep.out")" -ge 2 ] && break
  sleep 0.02
done
lbt_http POST "/http/channels/$C1/messages/after" "$SENML" -H "Authorization: Thing $K1"
out=$(mosquitto_sub "${MQ[@]}" -u "$T1" -P "$K1" -t "$TOPIC/x" -C 1 -W 1 2>&1 || true)
lbt_eq "a new client logs in to the restarted broker" "Timed out" "$out"
for ((i = 0; i < 200; i++)); do mq_msgs keep | grep -q after && break; sleep 0.02; done
lbt_eq "mosquitto_sub reconnected by itself and gets messages again" "$TOPIC/after $SENML" \
  "$(mq_msgs keep)"
kill "$PID_keep" 2>/dev/null || true

# --- metrics (the broker plugin's counters, mirrored by lyrebird-mqtt.so every second)
for ((i = 0; i < 150; i++)); do [ -n "$(metric 'lb_mqtt_messages_total{direction="out"}')" ] && break; sleep 0.02; done
lbt_check "refused CONNECTs are counted" [ "$(metric 'lb_mqtt_connects_total{result="refused"}')" -ge 4 ]
lbt_check "bad payloads are counted" [ "$(metric 'lb_mqtt_refused_total{what="payload"}')" -ge 2 ]
lbt_check "bus messages into MQTT are counted" [ "$(metric 'lb_mqtt_messages_total{direction="out"}')" -ge 1 ]
lbt_check "the broker's log has no per-message lines (log_type all is off)" \
  bash -c "! grep -q 'Received PUBLISH' '$LBT_TMP/data/logs/mosquitto.log'"
lbt_done
