#!/usr/bin/env bash
# Cross-protocol delivery: one channel, publishers on HTTP (curl), WebSocket (lbt_ws), CoAP
# (coap-client-notls) and MQTT (mosquitto_pub), receivers on WebSocket and CoAP observe. Every receiver gets
# every message exactly once, and no connection gets its own message back. Unauthorized,
# unconnected and bad SenML are refused on every protocol.
source "$LB_SRC/tests/harness/lib.sh"
lbt_start_nats
export LB_ADMIN_EMAIL=admin@example.com LB_ADMIN_PASSWORD=admin-secret-1
export LB_WS_PORT=$(lbt_free_port) LB_COAP_PORT=$(lbt_free_port) LB_MQTT_PORT=$(lbt_free_port)
export LB_MQTT_WS_PORT=0
lbt_start_host things http ws coap mqtt
lbt_provision
WS="ws://127.0.0.1:$LB_WS_PORT/channels/$C1/messages"
COAP="coap://127.0.0.1:$LB_COAP_PORT/channels/$C1/messages"
msg() { printf '[{"n":"from","vs":"%s"}]' "$1"; }

# receivers (thing 2): a WS subscriber and a CoAP observer; thing 1 also listens on WS while
# it publishes there, to show it does not get its own message back
"$LB_BIN/lbt_ws" --header "Authorization: Thing $K2" --count 4 --timeout 8000 \
  --ready "$LBT_TMP/ws2.ready" "$WS" >"$LBT_TMP/ws2.out" 2>"$LBT_TMP/ws2.err" &
ws2=$!
coap-client-notls -m get -s 8 -B 9 "$COAP?auth=$K2" >"$LBT_TMP/coap2.out" 2>&1 &
coap2=$!
LBT_PIDS+=("$ws2" "$coap2")
for _ in $(seq 1 300); do [ -e "$LBT_TMP/ws2.ready" ] && break; sleep 0.01; done
sleep 0.5 # the observer's registration

# publishers (thing 1), one message each; the WS one is connected before any is sent
"$LB_BIN/lbt_ws" --header "Authorization: Thing $K1" --send "$(msg ws-1)" --delay 500 \
  --timeout 3000 --ready "$LBT_TMP/ws1.ready" "$WS" >"$LBT_TMP/ws1.out" 2>"$LBT_TMP/ws1.err" &
ws1=$!
for _ in $(seq 1 300); do [ -e "$LBT_TMP/ws1.ready" ] && break; sleep 0.01; done
lbt_http POST "/http/channels/$C1/messages" "" -H "Authorization: Thing $K1" \
  -H 'Content-Type: application/senml+json' --data-binary "$(msg http-1)"
lbt_expect "HTTP publish" 202
sleep 1
coap-client-notls -m post -t 110 -e "$(msg coap-1)" "$COAP?auth=$K1" >/dev/null 2>&1
lbt_check "CoAP publish" test $? -eq 0
mosquitto_pub -p "$LB_MQTT_PORT" -i matrix-pub -u "$T1" -P "$K1" -t "channels/$C1/messages" -m "$(msg mqtt-1)"
lbt_check "MQTT publish" test $? -eq 0
wait "$ws2" || true
wait "$ws1" || true
wait "$coap2" || true

for src in http-1 ws-1 coap-1 mqtt-1; do
  lbt_eq "WS receiver got $src once" 1 "$(grep -c "\"$src\"" "$LBT_TMP/ws2.out")"
  lbt_eq "CoAP observer got $src once" 1 "$(grep -c "\"$src\"" "$LBT_TMP/coap2.out")"
done
lbt_eq "the WS publisher did not get its own message" 0 "$(grep -c '"ws-1"' "$LBT_TMP/ws1.out")"
lbt_eq "the WS publisher got the others' (HTTP, CoAP, MQTT)" 3 "$(grep -cE '"(http-1|coap-1|mqtt-1)"' "$LBT_TMP/ws1.out")"

# refusals on every protocol: unknown key, not connected, bad SenML
code() { coap-client-notls -v 6 -B 3 "$@" 2>&1 | grep -oE '\b[245]\.[0-9]{2}\b' | head -1; }
lbt_http POST "/http/channels/$C1/messages" "$(msg x)" -H "Authorization: Thing nope"
lbt_expect "HTTP: unknown key" 401
lbt_http POST "/http/channels/$C2/messages" "$(msg x)" -H "Authorization: Thing $K1"
lbt_expect "HTTP: not connected" 403
lbt_http POST "/http/channels/$C1/messages" "" -H "Authorization: Thing $K1" \
  -H 'Content-Type: application/senml+json' --data-binary '[{"n":"x","v":"bad"}]'
lbt_expect "HTTP: bad SenML" 400 '.error | startswith("record 0")'
rc=0; err=$("$LB_BIN/lbt_ws" --header "Authorization: Thing nope" --timeout 2000 "$WS" 2>&1 >/dev/null) || rc=$?
lbt_check "WS: unknown key refused with 401" grep -q 'handshake refused: 401' <<<"$err"
rc=0; err=$("$LB_BIN/lbt_ws" --header "Authorization: Thing $K1" --timeout 2000 \
  "ws://127.0.0.1:$LB_WS_PORT/channels/$C2/messages" 2>&1 >/dev/null) || rc=$?
lbt_check "WS: not connected refused with 403" grep -q 'handshake refused: 403' <<<"$err"
out=$("$LB_BIN/lbt_ws" --header "Authorization: Thing $K1" --send '[{"n":"x","v":"bad"}]' \
  --count 1 --timeout 3000 "$WS" 2>/dev/null || true)
lbt_check "WS: bad SenML answered with the record's error" grep -q '"error".*record 0' <<<"$out"
lbt_eq "CoAP: unknown key" 4.01 "$(code -m post -t 110 -e "$(msg x)" "$COAP?auth=nope")"
lbt_eq "CoAP: not connected" 4.03 "$(code -m post -t 110 -e "$(msg x)" \
  "coap://127.0.0.1:$LB_COAP_PORT/channels/$C2/messages?auth=$K1")"
lbt_eq "CoAP: bad SenML" 4.00 "$(code -m post -t 110 -e '[{"n":"x","v":"bad"}]' "$COAP?auth=$K1")"
lbt_done
