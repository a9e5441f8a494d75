#!/usr/bin/env bash
# The CoAP adapter end to end: `lyrebird run things coap` on a real nats-server, provisioned
# with curl, driven with libcoap's own coap-client-notls. POST publishes (2.04) or is refused
# with a diagnostic payload (4.00 / 4.01 / 4.03 / 4.04 / 4.05 / 4.15 / 5.03); GET with
# Observe delivers every channel message once, never the observer's own thing's; observers
# go away on deregistration and when a confirmable notification goes unanswered; a revoked
# key is refused within 1 s.
source "$LB_SRC/tests/harness/lib.sh"
lbt_start_nats
export LB_ADMIN_EMAIL=admin@example.com LB_ADMIN_PASSWORD=admin-secret-1
export LB_COAP_PORT=$(lbt_free_port)
# Every notification confirmable, sent twice 1-1.5 s apart: a vanished observer is noticed
# within 4.5 s.
export LB_COAP_CON_EVERY=1 LB_COAP_ACK_TIMEOUT_MS=1000 LB_COAP_MAX_RETRANSMIT=1
lbt_start_host things coap
COAP="coap://127.0.0.1:$LB_COAP_PORT"

# coap_req OUT ARGS...: runs coap-client, sets CODE (the answer's code) and DIAG (its payload).
coap_req() {
  local out
  out=$(coap-client-notls -v 6 -B 3 "$@" 2>&1 || true)
  CODE=$(grep -o 't:ACK c:[0-9]\.[0-9][0-9]' <<<"$out" | head -1 | cut -d: -f3 || true)
  DIAG=$(grep -o "t:ACK c:.* :: '.*'" <<<"$out" | head -1 | sed "s/.* :: '\(.*\)'/\1/" || true)
}
# post KEY PATH BODY [coap-client args]: publishes, sets CODE and DIAG.
post() {
  local key=$1 path=$2 body=$3
  shift 3
  coap_req -m post -e "$body" "$@" "$COAP/$path?auth=$key"
}
metric() { curl -s "$LBT_HTTP/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
# count FILE WORD: how many times "n":"WORD" occurs in an observer's output.
count() { { grep -o "\"n\":\"$2\"" "$1" || true; } | wc -l; }

# --- provisioning
lbt_http POST /tokens '{"email":"admin@example.com","password":"admin-secret-1"}'
A=(-H "Authorization: Bearer $(jq -r .token <<<"$LBT_BODY")")
lbt_http POST /things '{"name":"one","key":"coap-key-one"}' "${A[@]}"; T1=$(jq -r .id <<<"$LBT_BODY")
lbt_http POST /things '{"name":"two","key":"coap-key-two"}' "${A[@]}"; T2=$(jq -r .id <<<"$LBT_BODY")
lbt_http POST /things '{"name":"three","key":"coap-key-three"}' "${A[@]}"; T3=$(jq -r .id <<<"$LBT_BODY")
lbt_http POST /channels '{"name":"coap"}' "${A[@]}"; C=$(jq -r .id <<<"$LBT_BODY")
lbt_http POST /connect "{\"channel_ids\":[\"$C\"],\"thing_ids\":[\"$T1\",\"$T2\"]}" "${A[@]}"
lbt_expect "provisioned two things on a channel" 200
M="channels/$C/messages"

# --- publishing
post coap-key-one "$M" '[{"n":"temp","v":21.5}]'
lbt_eq "POST SenML (no Content-Format) is 2.04" 2.04 "$CODE"
post coap-key-one "$M/room/a" '[{"n":"temp","v":21.5}]' -t 110
lbt_eq "POST SenML with a subtopic is 2.04" 2.04 "$CODE"
post coap-key-one "$M" '{"temp":21.5}' -t 50
lbt_eq "POST JSON (50) is 2.04" 2.04 "$CODE"
post coap-key-one "$M" 'raw bytes' -t 42
lbt_eq "POST octet-stream (42) is 2.04" 2.04 "$CODE"
post coap-key-one "$M" 'hello' -t 0
lbt_eq "POST text/plain (0) is 2.04" 2.04 "$CODE"
lbt_eq "posts are counted" 5 "$(metric lb_coap_posts_total)"

# --- refusals, each with a diagnostic payload
post no-such-key "$M" '[{"n":"t","v":1}]'
lbt_eq "unknown key is 4.01" "4.01 unknown thing key" "$CODE $DIAG"
coap_req -m post -e '[{"n":"t","v":1}]' "$COAP/$M"
lbt_check "missing key is 4.01 naming auth=" [ "$CODE" = 4.01 -a -n "$(grep -o 'auth=' <<<"$DIAG")" ]
post coap-key-three "$M" '[{"n":"t","v":1}]'
lbt_eq "a thing not connected is 4.03" "4.03 thing is not connected to the channel" "$CODE $DIAG"
post coap-key-one "channels/no-such-channel/messages" '[{"n":"t","v":1}]'
lbt_eq "unknown channel is 4.04" "4.04 channel not found" "$CODE $DIAG"
post coap-key-one "things/$C" '[{"n":"t","v":1}]'
lbt_check "a path that is not a channel is 4.04 showing the form" \
  [ "$CODE" = 4.04 -a -n "$(grep -o 'channels/<channel id>/messages' <<<"$DIAG")" ]
post coap-key-one "$M/a*b" '[{"n":"t","v":1}]'
lbt_check "a bad subtopic is 4.00 naming it ($DIAG)" [ "$CODE" = 4.00 -a -n "$(grep -o "bad subtopic.*a\*b" <<<"$DIAG")" ]
post coap-key-one "$M/>" '[{"n":"t","v":1}]'
lbt_eq "a wildcard subtopic is not for publishing" 4.00 "$CODE"
post coap-key-one "$M" '[{"n":"ok","v":1},{"n":"bad","v":"x"}]'
lbt_check "bad SenML is 4.00 naming the record ($DIAG)" [ "$CODE" = 4.00 -a -n "$(grep -o 'record 1' <<<"$DIAG")" ]
post coap-key-one "$M" '{"unclosed":' -t 50
lbt_check "bad JSON is 4.00 ($DIAG)" [ "$CODE" = 4.00 -a -n "$DIAG" ]
post coap-key-one "$M" 'x' -t 60
lbt_check "CBOR (60) is 4.15 listing the formats" [ "$CODE" = 4.15 -a -n "$(grep -o '110' <<<"$DIAG")" ]
coap_req -m get "$COAP/$M?auth=coap-key-one"
lbt_eq "GET without Observe is 4.05" 4.05 "$CODE"
lbt_eq "refusals are counted by code" 2 "$(metric 'lb_coap_refusals_total{code="4.01"}')"

# --- observing: every message once, never the observer's own thing's
OBS="$LBT_TMP/obs"
coap-client-notls -m get -s 6 -B 7 "$COAP/$M?auth=coap-key-one" >"$OBS.one" 2>&1 &
LBT_PIDS+=($!); P1=$!
coap-client-notls -m get -s 6 -B 7 "$COAP/$M?auth=coap-key-two" >"$OBS.two" 2>&1 &
LBT_PIDS+=($!); P2=$!
coap-client-notls -m get -s 6 -B 7 "$COAP/$M/room/*?auth=coap-key-two" >"$OBS.room" 2>&1 &
LBT_PIDS+=($!); P3=$!
for _ in $(seq 50); do [ "$(metric lb_coap_observers)" = 3 ] && break; sleep 0.1; done
lbt_eq "three observers registered" 3 "$(metric lb_coap_observers)"
post coap-key-two "$M" '[{"n":"m1","v":1}]'
post coap-key-two "$M/room/a" '[{"n":"m2","v":2}]'
post coap-key-one "$M" '[{"n":"m3","v":3}]'
post coap-key-one "$M/room/b" '[{"n":"m4","v":4}]'
for i in $(seq 10 29); do post coap-key-two "$M" "[{\"n\":\"b$i\",\"v\":$i}]" & done
wait_for_burst() { for _ in $(seq 50); do [ "$(grep -o '"n":"b[0-9]*"' "$OBS.one" | wc -l)" -ge 20 ] && return; sleep 0.1; done; }
wait_for_burst
wait $P1 $P2 $P3 || true
lbt_eq "observer one gets thing two's messages once" "1 1" "$(count "$OBS.one" m1) $(count "$OBS.one" m2)"
lbt_eq "observer one never gets its own thing's" "0 0" "$(count "$OBS.one" m3) $(count "$OBS.one" m4)"
lbt_eq "observer two gets thing one's messages once" "1 1" "$(count "$OBS.two" m3) $(count "$OBS.two" m4)"
lbt_eq "observer two never gets its own thing's" "0 0" "$(count "$OBS.two" m1) $(count "$OBS.two" m2)"
lbt_eq "a subtopic pattern gets only its subtopics" "0 0 1" \
  "$(count "$OBS.room" m2) $(count "$OBS.room" m3) $(count "$OBS.room" m4)"
burst=$(grep -o '"n":"b[0-9]*"' "$OBS.one" | sort | uniq -c | awk '$1 == 1' | wc -l)
lbt_eq "a burst of 20 concurrent POSTs: 20 notifications, each once" "20 20" \
  "$burst $(grep -o '"n":"b[0-9]*"' "$OBS.one" | wc -l)"
lbt_eq "deregistration (Observe 1) removes every observer" 0 "$(metric lb_coap_observers)"
lbt_eq "... counted as cancel" 3 "$(metric 'lb_coap_observers_removed_total{reason="cancel"}')"
lbt_check "... and logged" grep -q 'msg="observer removed".*reason=cancel' "$LBT_TMP/host.log"

# --- an observer that vanishes is dropped when its confirmable notification goes unanswered
coap-client-notls -m get -s 30 -B 30 "$COAP/$M?auth=coap-key-one" >/dev/null 2>&1 &
P4=$!
LBT_PIDS+=($P4)
for _ in $(seq 50); do [ "$(metric lb_coap_observers)" = 1 ] && break; sleep 0.1; done
{ kill -9 $P4 && wait $P4; } 2>/dev/null || true
post coap-key-two "$M" '[{"n":"lost","v":1}]'
for _ in $(seq 80); do [ "$(metric lb_coap_observers)" = 0 ] && break; sleep 0.1; done
lbt_eq "an unanswered notification removes the observer" 0 "$(metric lb_coap_observers)"
lbt_eq "... counted as timeout" 1 "$(metric 'lb_coap_observers_removed_total{reason="timeout"}')"

# --- revocation: a changed key is refused within 1 s, and ends its observations
coap-client-notls -m get -s 30 -B 30 "$COAP/$M?auth=coap-key-two" >"$OBS.revoked" 2>&1 &
P5=$!
LBT_PIDS+=($P5)
for _ in $(seq 50); do [ "$(metric lb_coap_observers)" = 1 ] && break; sleep 0.1; done
head -c 3000 /dev/zero | tr '\0' x >"$LBT_TMP/big"
coap_req -m post -t 42 -f "$LBT_TMP/big" "$COAP/$M?auth=coap-key-one"
lbt_eq "a 3000-byte POST is published (Block1)" 2.04 "$CODE"
for _ in $(seq 30); do [ "$(metric lb_coap_dropped_total)" = 1 ] && break; sleep 0.1; done
lbt_eq "... but too large for a notification: dropped and counted" "1 1" \
  "$(metric lb_coap_dropped_total) $(metric lb_coap_observers)"
post coap-key-two "$M" '[{"n":"before","v":1}]'
lbt_eq "the key works before it changes" 2.04 "$CODE"
lbt_http PATCH "/things/$T2/key" '{"key":"coap-key-two-new"}' "${A[@]}"
start=$(date +%s%N)
while :; do
  post coap-key-two "$M" '[{"n":"after","v":1}]'
  [ "$CODE" = 4.01 ] && break
  [ $(( ($(date +%s%N) - start) / 1000000 )) -gt 3000 ] && break
done
ms=$(( ($(date +%s%N) - start) / 1000000 ))
lbt_check "the old key is refused within 1 s (${ms} ms, $CODE)" [ "$CODE" = 4.01 -a "$ms" -lt 1000 ]
post coap-key-two-new "$M" '[{"n":"renewed","v":1}]'
lbt_eq "the new key works" 2.04 "$CODE"
post coap-key-one "$M" '[{"n":"wake","v":1}]'
for _ in $(seq 50); do [ "$(metric lb_coap_observers)" = 0 ] && break; sleep 0.1; done
lbt_eq "an observer whose key changed is ended" 1 "$(metric 'lb_coap_observers_removed_total{reason="revoked"}')"
sleep 0.3
lbt_check "... with a final 4.01" grep -q '4.01' "$OBS.revoked"
kill $P5 2>/dev/null || true

# --- disconnecting a thing is 4.03 within 1 s
lbt_http DELETE "/channels/$C/things/$T1" "" "${A[@]}"
for _ in $(seq 20); do
  post coap-key-one "$M" '[{"n":"t","v":1}]'
  [ "$CODE" = 4.03 ] && break
  sleep 0.05
done
lbt_eq "a disconnected thing is 4.03" 4.03 "$CODE"

# --- stopping ends every observation with a final 5.03
coap-client-notls -m get -s 30 -B 30 "$COAP/$M?auth=coap-key-two-new" >"$OBS.stop" 2>&1 &
P6=$!
LBT_PIDS+=($P6)
for _ in $(seq 50); do [ "$(metric lb_coap_observers)" = 1 ] && break; sleep 0.1; done
kill "$LBT_HOST_PID"
wait "$LBT_HOST_PID" 2>/dev/null || true
sleep 0.3
lbt_check "stopping sends observers a final 5.03" grep -q '5.03' "$OBS.stop"
kill $P6 2>/dev/null || true

# --- no things service answering: 5.03
export LB_COAP_PORT=$(lbt_free_port)
COAP="coap://127.0.0.1:$LB_COAP_PORT"
LB_DATA_DIR=$LBT_TMP/data2 lbt_start_host coap
post coap-key-one "$M" '[{"n":"t","v":1}]'
lbt_check "no things service is 5.03 ($DIAG)" [ "$CODE" = 5.03 -a -n "$DIAG" ]
lbt_check "the plugin stopped cleanly before" grep -q 'plugin=coap msg="stopped"' "$LBT_TMP/host.log"

lbt_done
