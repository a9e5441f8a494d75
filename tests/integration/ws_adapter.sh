#!/usr/bin/env bash
# The WebSocket adapter end to end: `lyrebird run things ws` on a real nats-server, provisioned
# with curl, driven with lbt_ws (tests/harness/ws_client.c). Publishing over WS reaches the
# other subscribers exactly once and never the sender; subtopics and wildcards; every refusal
# status; payload errors answered in-band; revoked keys; oversized messages; slow consumers
# closed with 1008 while the server's memory stays bounded.
source "$LB_SRC/tests/harness/lib.sh"
lbt_start_nats
export LB_ADMIN_EMAIL=admin@example.com LB_ADMIN_PASSWORD=admin-secret-1
LB_WS_PORT=$(lbt_free_port)
export LB_WS_PORT
lbt_start_host things ws
lbt_wait_port "$LB_WS_PORT" 10 || { echo "ws adapter did not listen"; cat "$LBT_TMP/host.log"; exit 1; }
WS="ws://127.0.0.1:$LB_WS_PORT"
SANITIZED=0
grep -q 'LB_SANITIZE:BOOL=ON' "$LB_BUILD/CMakeCache.txt" 2>/dev/null && SANITIZED=1

# --- provisioning: things A, B, D connected to CH; C connected nowhere; A and B also on CH2
lbt_http POST /tokens '{"email":"admin@example.com","password":"admin-secret-1"}'
AUTH=(-H "Authorization: Bearer $(jq -r .token <<<"$LBT_BODY")")
thing() {
  lbt_http POST /things "{\"name\":\"$1\"}" "${AUTH[@]}"
  [ "$LBT_STATUS" = 201 ] || { echo "cannot create thing: $LBT_STATUS $LBT_BODY"; exit 1; }
}
thing a; TA=$(jq -r .id <<<"$LBT_BODY"); KA=$(jq -r .key <<<"$LBT_BODY")
thing b; TB=$(jq -r .id <<<"$LBT_BODY"); KB=$(jq -r .key <<<"$LBT_BODY")
thing c; KC=$(jq -r .key <<<"$LBT_BODY")
thing d; TD=$(jq -r .id <<<"$LBT_BODY"); KD=$(jq -r .key <<<"$LBT_BODY")
lbt_http POST /channels '{"name":"ch"}' "${AUTH[@]}"; CH=$(jq -r .id <<<"$LBT_BODY")
lbt_http POST /channels '{"name":"flood"}' "${AUTH[@]}"; CH2=$(jq -r .id <<<"$LBT_BODY")
lbt_http POST /connect "{\"channel_ids\":[\"$CH\",\"$CH2\"],\"thing_ids\":[\"$TA\",\"$TB\"]}" "${AUTH[@]}"
[ "$LBT_STATUS" = 200 ] || [ "$LBT_STATUS" = 201 ] || { echo "connect failed: $LBT_STATUS $LBT_BODY"; exit 1; }
lbt_http PUT "/channels/$CH/things/$TD" "" "${AUTH[@]}"
M="$WS/channels/$CH/messages"

# ws_bg NAME ARGS...: lbt_ws in the background (NAME.out / NAME.err / NAME.rc), once it is open.
# The client's own pid goes to LBT_PIDS, so the cleanup ends it with the test.
ws_bg() {
  local name=$1 i
  shift
  (
    "$LB_BIN/lbt_ws" --ready "$LBT_TMP/$name.ready" "$@" >"$LBT_TMP/$name.out" \
      2>"$LBT_TMP/$name.err" &
    echo $! >"$LBT_TMP/$name.pid"
    rc=0
    wait $! || rc=$?
    echo $rc >"$LBT_TMP/$name.rc"
  ) &
  LBT_PIDS+=("$!")
  for ((i = 0; i < 500; i++)); do
    [ -s "$LBT_TMP/$name.pid" ] && [ -e "$LBT_TMP/$name.ready" ] && break
    [ -e "$LBT_TMP/$name.rc" ] && break
    sleep 0.01
  done
  [ -s "$LBT_TMP/$name.pid" ] && LBT_PIDS+=("$(cat "$LBT_TMP/$name.pid")")
  [ -e "$LBT_TMP/$name.ready" ] && return 0
  echo "lbt_ws $name did not connect: $(cat "$LBT_TMP/$name.err")"
  return 1
}
# ws_wait NAME: waits for a background lbt_ws to end; prints its exit code.
ws_wait() {
  local i
  for ((i = 0; i < 3000; i++)); do
    [ -s "$LBT_TMP/$1.rc" ] && { cat "$LBT_TMP/$1.rc"; return 0; }
    sleep 0.01
  done
  echo timeout
}
ws_out() { cat "$LBT_TMP/$1.out"; }
# refused "what" STATUS ARGS...: lbt_ws must exit 3 and report the status.
refused() {
  local what=$1 status=$2 rc=0 err
  shift 2
  err=$("$LB_BIN/lbt_ws" --timeout 2000 "$@" 2>&1 >/dev/null) || rc=$?
  lbt_eq "$what" "3 handshake refused: $status" "$rc $err"
}
pub() { "$LB_BIN/lbt_ws" --linger 200 --timeout 3000 "$@"; }
metric() { curl -s "$LBT_HTTP/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$LBT_HOST_PID/status"; }

# --- publish: every other subscriber gets each message once, the sender none
ws_bg sub_b --header "Authorization: Thing $KB" --timeout 2000 "$M"
ws_bg sub_q --timeout 2000 "$M?authorization=$KB"
out=$(pub --header "Authorization: $KA" --send '[{"n":"temp","v":21.5}]' --send '[{"n":"temp","v":22}]' "$M")
lbt_eq "the sender does not get its own messages back" "" "$out"
ws_wait sub_b >/dev/null; ws_wait sub_q >/dev/null
lbt_eq "a subscriber (Authorization: Thing) gets each message exactly once, in order" \
  '[{"n":"temp","v":21.5}]|[{"n":"temp","v":22}]' "$(ws_out sub_b | paste -sd'|')"
lbt_eq "a subscriber (?authorization=) gets them too" \
  '[{"n":"temp","v":21.5}]|[{"n":"temp","v":22}]' "$(ws_out sub_q | paste -sd'|')"

# --- subtopics and wildcards
ws_bg s_all --header "Authorization: Thing $KB" --timeout 2500 "$M"
ws_bg s_exact --header "Authorization: Thing $KB" --timeout 2500 "$M/room/1"
ws_bg s_star --header "Authorization: Thing $KB" --timeout 2500 "$M/room/*"
ws_bg s_gt --header "Authorization: Thing $KB" --timeout 2500 "$M/room/>"
ws_bg s_hall --header "Authorization: Thing $KB" --timeout 2500 "$M//hall/"
pub --header "Authorization: Thing $KA" --send '[{"n":"r1","v":1}]' "$M/room/1" >/dev/null
pub --header "Authorization: Thing $KA" --send '[{"n":"r2x","v":2}]' "$M/room/2/x" >/dev/null
pub --header "Authorization: Thing $KA" --send '[{"n":"top","v":0}]' "$M" >/dev/null
pub --header "Authorization: Thing $KA" --send '[{"n":"hall","v":3}]' "$M/hall" >/dev/null
for s in s_all s_exact s_star s_gt s_hall; do ws_wait $s >/dev/null; done
names() { ws_out "$1" | jq -r '.[0].n' | paste -sd' '; }
lbt_eq "no subtopic subscribes to every message of the channel" "r1 r2x top hall" "$(names s_all)"
lbt_eq "an exact subtopic gets only its messages" "r1" "$(names s_exact)"
lbt_eq "'*' matches one part" "r1" "$(names s_star)"
lbt_eq "'>' matches the rest" "r1 r2x" "$(names s_gt)"
lbt_eq "empty subtopic parts are dropped (//hall/ is hall)" "hall" "$(names s_hall)"
out=$(pub --header "Authorization: Thing $KA" --send '[{"n":"x","v":1}]' "$M/room/*")
lbt_check "publishing on a wildcard subtopic is answered with an error" \
  grep -q '^{"error": "cannot publish on a subtopic with wildcards' <<<"$out"

# --- refusals: the client sees the HTTP status of the handshake
refused "an unknown key is 401" 401 --header "Authorization: Thing not-a-key" "$M"
refused "a missing key is 401" 401 "$M"
refused "a thing not connected to the channel is 403" 403 --header "Authorization: Thing $KC" "$M"
refused "an unknown channel is 404" 404 --header "Authorization: Thing $KA" \
  "$WS/channels/6f2c1b8e-0000-4000-8000-000000000000/messages"
refused "a bad subtopic is 400" 400 --header "Authorization: Thing $KA" "$M/a*b"
refused "'>' not last is 400" 400 --header "Authorization: Thing $KA" "$M/>/a"
refused "a path that is not /channels/<id>/messages is 400" 400 \
  --header "Authorization: Thing $KA" "$WS/channels/$CH/other"
refused "an unsupported content type is 415" 415 --header "Authorization: Thing $KA" \
  --header "Content-Type: image/png" "$M"
hs=(-H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13'
  -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==')
body=$(curl -s --max-time 3 "${hs[@]}" -H "Authorization: Thing $KC" \
  "http://127.0.0.1:$LB_WS_PORT/channels/$CH/messages" || true)
lbt_eq "a refusal carries a JSON reason" '"thing is not connected to the channel"' \
  "$(jq -c .error <<<"$body" 2>/dev/null)"
status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$LB_WS_PORT/")
lbt_eq "plain HTTP on the WebSocket port is 426" 426 "$status"

# --- payload checks: an error frame names the problem, the connection stays usable
ws_bg s_pay --header "Authorization: Thing $KB" --timeout 2000 "$M"
out=$(pub --header "Authorization: Thing $KA" --send '[{"n":"ok","v":1},{"n":"bad","v":"x"}]' \
  --send 'not json' --send '[{"n":"after","v":3}]' "$M")
lbt_eq "each bad SenML message gets one error frame" 2 "$(grep -c '^{"error": ' <<<"$out")"
lbt_check "the error names the record" grep -q "^{\"error\": \"record [0-9]: 'v' must be a number" <<<"$out"
ws_wait s_pay >/dev/null
lbt_eq "only the good message was published, after the bad ones" "after" "$(names s_pay)"
ws_bg s_bin --header "Authorization: Thing $KB" --timeout 1500 "$M"
pub --header "Authorization: Thing $KA" --binary --send 'abc' "$M?content-type=application/octet-stream" >/dev/null
out=$(pub --header "Authorization: Thing $KA" --header "Content-Type: application/json" \
  --send '{"temp":1}' --send '[1' "$M")
lbt_check "application/json: a malformed document is refused" grep -q '"error": "not valid JSON' <<<"$out"
ws_wait s_bin >/dev/null
lbt_eq "octet-stream goes out as a binary frame, JSON as text" 'bin:616263|{"temp":1}' \
  "$(ws_out s_bin | paste -sd'|')"

# --- a message over 64 KiB closes the connection with 1009
big=$(head -c 70000 /dev/zero | tr '\0' 'x')
rc=0
err=$("$LB_BIN/lbt_ws" --header "Authorization: Thing $KA" --header "Content-Type: text/plain" \
  --send "$big" --timeout 3000 "$M" 2>&1 >/dev/null) || rc=$?
lbt_eq "a message over 64 KiB is closed with 1009" "4 closed: 1009 message over 65536 bytes" "$rc $err"

# --- revocation: deleting a thing refuses its key within 1 s and closes its sessions
ws_bg s_d --header "Authorization: Thing $KD" --timeout 10000 "$M"
lbt_http DELETE "/things/$TD" "" "${AUTH[@]}"
t0=$(date +%s%N)
refused_in=none
while [ $(($(date +%s%N) - t0)) -lt 1000000000 ]; do
  rc=0
  "$LB_BIN/lbt_ws" --timeout 100 --header "Authorization: Thing $KD" "$M" 2>/dev/null || rc=$?
  if [ "$rc" = 3 ]; then refused_in=$((($(date +%s%N) - t0) / 1000000)); break; fi
  sleep 0.05
done
lbt_check "a removed thing's key is refused within 1 s (after ${refused_in} ms)" [ "$refused_in" != none ]
lbt_eq "its open session is closed with 1008" 4 "$(ws_wait s_d)"
lbt_check "the close says why" grep -q '^closed: 1008 access revoked' "$LBT_TMP/s_d.err"

# --- slow consumers: bounded queue, then 1008; memory stays bounded
F="$WS/channels/$CH2/messages"
payload="[{\"n\":\"flood\",\"vs\":\"$(head -c 1000 /dev/zero | tr '\0' 'y')\"}]"
ws_bg slow_never --header "Authorization: Thing $KB" --pause 60000 --timeout 60000 --quiet "$F"
ws_bg slow_pause --header "Authorization: Thing $KB" --pause 3000 --timeout 20000 --quiet "$F"
rss0=$(rss_kb)
rc=0
pub --header "Authorization: Thing $KA" --send "$payload" --repeat 30000 --timeout 60000 "$F" \
  >/dev/null 2>"$LBT_TMP/flood.err" || rc=$?
rss1=$(rss_kb)
lbt_eq "the flooding publisher itself is not closed (it gets none of its own messages)" \
  "0 " "$rc $(cat "$LBT_TMP/flood.err")"
lbt_eq "a consumer that pauses is closed with 1008 once it reads again" 4 "$(ws_wait slow_pause)"
lbt_check "the close says why" grep -q '^closed: 1008 slow consumer' "$LBT_TMP/slow_pause.err"
for ((i = 0; i < 100; i++)); do
  [ "$(metric 'lb_ws_closed_total{reason="slow_consumer"}')" = 2 ] && break
  sleep 0.1
done
lbt_eq "a consumer that never reads is dropped too" 2 \
  "$(metric 'lb_ws_closed_total{reason="slow_consumer"}')"
grow=$(((rss1 - rss0) / 1024))
limit=40
[ "$SANITIZED" = 1 ] && limit=400 # ASan keeps freed memory in quarantine
lbt_check "30 MB through two stalled consumers grew the server by ${grow} MB (< ${limit} MB)" \
  [ "$grow" -lt "$limit" ]
ws_bg after_flood --header "Authorization: Thing $KB" --count 1 --timeout 3000 "$F"
pub --header "Authorization: Thing $KA" --send '[{"n":"still","v":1}]' "$F" >/dev/null
lbt_eq "the adapter still delivers after the flood" 0 "$(ws_wait after_flood)"

# --- metrics
lbt_check "messages in are counted" [ "$(metric 'lb_ws_messages_total{direction="in"}')" -gt 30000 ]
lbt_check "messages out are counted" [ "$(metric 'lb_ws_messages_total{direction="out"}')" -gt 10 ]
lbt_check "401 refusals are counted" [ "$(metric 'lb_ws_handshakes_refused_total{code="401"}')" -ge 3 ]
lbt_check "open connections are a gauge" [ -n "$(metric lb_ws_connections)" ]

# --- the things service unreachable: a second host with only `ws`, on a bus of its own
HOST1_PID=$LBT_HOST_PID
NATS2_PORT=$(lbt_free_port)
nats-server -a 127.0.0.1 -p "$NATS2_PORT" >"$LBT_TMP/nats2.log" 2>&1 &
LBT_PIDS+=("$!")
lbt_wait_port "$NATS2_PORT" 10 || { echo "second nats-server did not start"; exit 1; }
WS2_PORT=$(lbt_free_port)
LBT_NATS_URL="nats://127.0.0.1:$NATS2_PORT" LB_WS_PORT=$WS2_PORT LB_DATA_DIR="$LBT_TMP/data2" \
  lbt_start_host ws
lbt_wait_port "$WS2_PORT" 10 || { echo "second ws adapter did not listen"; exit 1; }
refused "no things service answering is 503" 503 --header "Authorization: Thing $KA" \
  "ws://127.0.0.1:$WS2_PORT/channels/$CH/messages"

# --- stopping: each host stops promptly, the first with a consumer still connected that
# reads nothing
ws_bg last --header "Authorization: Thing $KB" --pause 60000 --timeout 60000 "$M"
stop_ms() { # PID: sends SIGTERM, prints how long the process took to go
  local t0 i
  t0=$(date +%s%N)
  kill -TERM "$1"
  for ((i = 0; i < 500; i++)); do kill -0 "$1" 2>/dev/null || break; sleep 0.01; done
  echo $((($(date +%s%N) - t0) / 1000000))
}
ms=$(stop_ms "$HOST1_PID")
lbt_check "the host stops within 2 s with connections open (${ms} ms)" [ "$ms" -lt 2000 ]
ms=$(stop_ms "$LBT_HOST_PID")
lbt_check "the ws-only host stops within 2 s (${ms} ms)" [ "$ms" -lt 2000 ]
lbt_eq "the ws plugin logged both stops" 2 "$(grep -c 'plugin=ws msg="stopped"' "$LBT_TMP/host.log")"

lbt_done
