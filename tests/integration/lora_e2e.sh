#!/usr/bin/env bash
# LoRaWAN end to end: the real `lyrebird run things http lora` over a real nats-server,
# driven by the simulator (`lyrebird-sim`, which plays Semtech UDP gateways and LoRaWAN
# devices), REST with curl, and the bus with lbt_sub. Checks registration and its refusals,
# ABP uplinks heard by 3 gateways delivered exactly once, replays and wrong MICs dropped,
# OTAA joins, DevNonce reuse refused, a downlink published over HTTP arriving decrypted in
# RX1 at the right tmst, confirmed uplinks ACKed, and a restart that keeps sessions and
# counters.
source "$LB_SRC/tests/harness/lib.sh"

export LB_ADMIN_EMAIL=admin@example.com LB_ADMIN_PASSWORD=admin-secret-1
export LB_LORA_UDP_PORT=$(lbt_free_port) LB_LORA_DEDUP_MS=200
SIM=("$LB_BIN/lyrebird-sim" --server "127.0.0.1:$LB_LORA_UDP_PORT" --json)
ABP_BASE=00800000000A0000
OTAA_BASE=00800000000B0000
GW_BASE=AA555A0000000000

lbt_start_nats
lbt_start_host things http lora
lbt_provision
AUTH=(-H "Authorization: Bearer $TOKEN")

# metric NAME: the value of an lb_lora_* counter.
metric() { curl -s "$LBT_HTTP/metrics" | awk -v n="$1" '$1 == n {print $2}'; }

# ---- REST: gateways and device registration ----
for g in 0 1 2; do
  lbt_http POST /lora/gateways "{\"gateway_eui\":\"AA555A000000000$g\",\"name\":\"gw$g\",\"region\":\"EU868\"}" "${AUTH[@]}"
  lbt_expect "gateway $g registered" 201
done
lbt_http POST /lora/gateways '{"gateway_eui":"XYZ","region":"EU868"}' "${AUTH[@]}"
lbt_expect "bad gateway EUI refused" 400 '.error | test("gateway_eui")'

good='"dev_eui":"0004A30B001C0530","join_eui":"70B3D57ED0000000","region":"EU868","mac_version":"1.0.3"'
lbt_http POST /lora/devices "{$good,\"channel_id\":\"$C1\",\"otaa\":{\"app_key\":\"00112233445566778899AABBCCDDEEFF\"}}"
lbt_expect "registration without a token refused" 401
lbt_http POST /lora/devices "{\"dev_eui\":\"0004A30B001C05\",\"channel_id\":\"$C1\",\"region\":\"EU868\",\"otaa\":{\"app_key\":\"00112233445566778899AABBCCDDEEFF\"}}" "${AUTH[@]}"
lbt_expect "short DevEUI refused, naming dev_eui" 400 '.error | test("dev_eui")'
lbt_http POST /lora/devices "{$good,\"channel_id\":\"$C1\",\"otaa\":{\"app_key\":\"0011\"}}" "${AUTH[@]}"
lbt_expect "short AppKey refused, naming otaa.app_key" 400 '.error | test("otaa.app_key")'
lbt_http POST /lora/devices "{$good,\"channel_id\":\"$C1\",\"region\":\"XX999\",\"otaa\":{\"app_key\":\"00112233445566778899AABBCCDDEEFF\"}}" "${AUTH[@]}"
lbt_expect "unknown region refused, naming region" 400 '.error | test("region")'
lbt_http POST /lora/devices "{$good,\"channel_id\":\"$C1\"}" "${AUTH[@]}"
lbt_expect "device without keys refused" 400 '.error | test("otaa")'
lbt_http POST /lora/devices "{$good,\"channel_id\":\"no-such-channel\",\"otaa\":{\"app_key\":\"00112233445566778899AABBCCDDEEFF\"}}" "${AUTH[@]}"
lbt_expect "unknown channel refused" 404

# register DEVICES_JSON_LINES: POSTs each line, counts the 201s.
register() {
  local n=0 line
  while read -r line; do
    lbt_http POST /lora/devices "$line" "${AUTH[@]}"
    [ "$LBT_STATUS" = 201 ] && n=$((n + 1)) || echo "registration: $LBT_STATUS $LBT_BODY" >&2
  done
  echo "$n"
}
n=$("${SIM[@]}" --print-devices --mode abp --devices 2 --dev-eui-base $ABP_BASE --channel "$C1" | register)
lbt_eq "two ABP devices registered" 2 "$n"
n=$("${SIM[@]}" --print-devices --mode otaa --devices 1 --dev-eui-base $OTAA_BASE --channel "$C1" | register)
lbt_eq "one OTAA device registered" 1 "$n"
n=$("${SIM[@]}" --print-devices --mode otaa --devices 1 --dev-eui-base $OTAA_BASE --channel "$C1" | register)
lbt_eq "the same DevEUI again is refused" 0 "$n"
lbt_http GET /lora/devices "" "${AUTH[@]}"
lbt_expect "devices listed" 200 '.total == 3'
lbt_http GET /lora/devices/00800000000A0000 "" "${AUTH[@]}"
lbt_expect "a device has its thing and never shows keys" 200 \
  '(.thing_id | length > 0) and (tostring | test("_key|nwk_s|app_s") | not)'
ABP_THING=$(jq -r .thing_id <<<"$LBT_BODY")
lbt_http GET "/things/$ABP_THING" "" "${AUTH[@]}"
lbt_expect "the device's thing is in /things" 200 '.metadata.lora.dev_eui == "00800000000A0000"'

# ---- ABP uplinks through 3 gateways: each delivered exactly once ----
STATE=$LBT_TMP/abp.state
lbt_sub_start "channels.$C1.lora.up" 7 4000 "$LBT_TMP/up.jsonl"
"${SIM[@]}" --mode abp --devices 2 --dev-eui-base $ABP_BASE --gateways 3 --uplinks 3 \
  --state "$STATE" >"$LBT_TMP/sim1.json"
wait "$LBT_SUB_PID" || true
lbt_eq "6 uplinks heard by 3 gateways give 6 events" 6 "$(wc -l <"$LBT_TMP/up.jsonl")"
lbt_eq "every event names 3 gateways" 6 \
  "$(jq -c '.payload | fromjson | select((.rx | length) == 3)' "$LBT_TMP/up.jsonl" | wc -l)"
lbt_eq "distinct (device, FCnt) pairs" 6 \
  "$(jq -r '.payload | fromjson | "\(.dev_eui) \(.f_cnt)"' "$LBT_TMP/up.jsonl" | sort -u | wc -l)"
lbt_eq "events come from the device's thing over lora" "lora $ABP_THING" \
  "$(jq -r 'select((.payload | fromjson).dev_eui == "00800000000A0000") | "\(.protocol) \(.publisher)"' "$LBT_TMP/up.jsonl" | sort -u)"
lbt_check "payload is decrypted (4 bytes)" \
  test "$(jq -r '.payload | fromjson | .frm_payload | @base64d | length' "$LBT_TMP/up.jsonl" | sort -u)" = 4

# ---- gateway status from `stat`, bad datagrams counted ----
bad=$(metric lb_lora_bad_datagrams_total)
printf '\x02\x12\x34\x00\xAA\x55\x5A\x00\x00\x00\x00\x02{"stat":{"time":"2026-11-21 12:00:00 GMT","lati":52.37012,"long":4.89012,"alti":11,"rxnb":3,"rxok":3,"rxfw":3,"ackr":100.0,"dwnb":0,"txnb":0}}' \
  >/dev/udp/127.0.0.1/$LB_LORA_UDP_PORT
printf '\x02\x12\x34\x00\xAA\x55\x5A\x00\x00\x00\x00\x02{"rxpk":[{"tmst":1,"freq":"x"}]}' \
  >/dev/udp/127.0.0.1/$LB_LORA_UDP_PORT
printf 'not a datagram' >/dev/udp/127.0.0.1/$LB_LORA_UDP_PORT
sleep 0.3
lbt_http GET /lora/gateways/AA555A0000000002 "" "${AUTH[@]}"
lbt_expect "a gateway's location comes from its stat" 200 \
  '.location.latitude == 52.37012 and .location.altitude == 11 and (.last_seen | length > 0)'
lbt_check "bad datagrams are counted, and the bridge goes on" \
  test "$(metric lb_lora_bad_datagrams_total)" -ge $((${bad:-0} + 2))

# ---- replay and wrong MIC ----
replays=$(metric lb_lora_fcnt_replays_total)
lbt_sub_start "channels.$C1.lora.up" 3 2500 "$LBT_TMP/replay.jsonl"
"${SIM[@]}" --mode abp --devices 1 --dev-eui-base $ABP_BASE --uplinks 1 --replay \
  --state "$STATE" >/dev/null
wait "$LBT_SUB_PID" || true
lbt_eq "a replayed frame is not delivered again" 1 "$(wc -l <"$LBT_TMP/replay.jsonl")"
lbt_check "the replay is counted" test "$(metric lb_lora_fcnt_replays_total)" -gt "${replays:-0}"
mic=$(metric lb_lora_mic_failed_total)
lbt_sub_start "channels.$C1.lora.up" 1 1500 "$LBT_TMP/badmic.jsonl"
"${SIM[@]}" --mode abp --devices 1 --dev-eui-base $ABP_BASE --uplinks 2 --bad-mic \
  --state "$STATE.bad" --fcnt 100 >/dev/null
wait "$LBT_SUB_PID" || true
lbt_eq "frames with a wrong MIC are dropped" 0 "$(wc -l <"$LBT_TMP/badmic.jsonl")"
lbt_check "wrong MICs are counted" test "$(metric lb_lora_mic_failed_total)" -ge $((${mic:-0} + 2))

# ---- OTAA join, DevNonce reuse ----
OSTATE=$LBT_TMP/otaa.state
lbt_sub_start "channels.$C1.lora.join" 1 5000 "$LBT_TMP/join.jsonl"
"${SIM[@]}" --mode otaa --devices 1 --dev-eui-base $OTAA_BASE --uplinks 1 --dev-nonce 7 \
  --state "$OSTATE" >"$LBT_TMP/join.json"
wait "$LBT_SUB_PID" || true
lbt_eq "the OTAA device joined" 1 "$(jq .joins_accepted "$LBT_TMP/join.json")"
lbt_check "a join event was published" jq -e '.payload | fromjson | .dev_eui == "00800000000B0000"' "$LBT_TMP/join.jsonl"
refused=$(metric lb_lora_joins_refused_total)
"${SIM[@]}" --mode otaa --devices 1 --dev-eui-base $OTAA_BASE --uplinks 0 --duration 1 \
  --dev-nonce 7 --state "$LBT_TMP/otaa-reuse.state" --wait-downlink 1500 >"$LBT_TMP/reuse.json"
lbt_eq "a reused DevNonce gets no join-accept" 0 "$(jq .joins_accepted "$LBT_TMP/reuse.json")"
lbt_check "the reuse is refused and counted" test "$(metric lb_lora_joins_refused_total)" -gt "${refused:-0}"

# ---- downlink published over HTTP, received in RX1 ----
curl -s -o /dev/null -X POST -H "Authorization: Thing $K1" -H 'Content-Type: application/json' \
  --data '{"f_port":7,"frm_payload":"AQIDBA=="}' \
  "$LBT_HTTP/http/channels/$C1/messages/lora/down/00800000000A0000"
sleep 0.3
"${SIM[@]}" --mode abp --devices 1 --dev-eui-base $ABP_BASE --uplinks 1 --state "$STATE" \
  --log-downlinks --wait-downlink 1500 >"$LBT_TMP/down.out"
lbt_check "the downlink arrives decrypted in RX1 at uplink tmst + 1 s" \
  jq -se 'map(select(.dev_eui? == "00800000000A0000" and .fport? == 7)) | length == 1 and
          .[0].payload == "01020304" and .[0].window == "rx1"' "$LBT_TMP/down.out"
lbt_eq "no downlink missed its window" 0 "$(tail -1 "$LBT_TMP/down.out" | jq .downlinks_late)"
lbt_sub_start "channels.$C1.lora.error" 1 3000 "$LBT_TMP/err.jsonl"
curl -s -o /dev/null -X POST -H "Authorization: Thing $K1" -H 'Content-Type: application/json' \
  --data '{"f_port":300,"frm_payload":"AQ=="}' \
  "$LBT_HTTP/http/channels/$C1/messages/lora/down/00800000000A0000"
wait "$LBT_SUB_PID" || true
lbt_check "a bad downlink request is refused with the reason on lora/error" \
  jq -e '.payload | fromjson | .error | test("f_port")' "$LBT_TMP/err.jsonl"

# ---- LoRaWAN 1.1 in US915: join, confirmed uplinks ACKed in RX1 on 923.3 + 0.6 * (ch % 8) ----
n=$("${SIM[@]}" --print-devices --mode otaa --mac 1.1 --region US915 --devices 1 \
  --dev-eui-base 00800000000C0000 --channel "$C1" | register)
lbt_eq "a 1.1 US915 device registered" 1 "$n"
"${SIM[@]}" --mode otaa --mac 1.1 --region US915 --devices 1 --dev-eui-base 00800000000C0000 \
  --uplinks 2 --confirmed --state "$LBT_TMP/us.state" >"$LBT_TMP/us.json"
lbt_eq "the 1.1 device joined (1.1 join-accept, OptNeg)" 1 "$(jq .joins_accepted "$LBT_TMP/us.json")"
lbt_eq "the join-accept and both ACKs came in RX1 on the right frequency and DR" \
  "2 3 0" "$(jq -r '"\(.acks_received) \(.downlinks_rx1) \(.downlinks_bad_radio)"' "$LBT_TMP/us.json")"

# ---- ADR: after 20 uplinks with the ADR bit, a LinkADRReq for the margin left ----
n=$("${SIM[@]}" --print-devices --mode abp --devices 1 --dev-eui-base 00800000000D0000 \
  --addr-base 27000000 --channel "$C1" | register)
"${SIM[@]}" --mode abp --devices 1 --dev-eui-base 00800000000D0000 --addr-base 27000000 \
  --adr --uplinks 22 --rate 3 --log-downlinks --wait-downlink 1500 >"$LBT_TMP/adr.out"
# SNR 9.5 dB at DR5 (SF7, floor -7.5 dB), 10 dB margin: 7 dB = 2 steps of power:
# LinkADRReq DR5 TXPower 2, ChMask 0x00FF, NbTrans 1
lbt_check "LinkADRReq(DR5, TXPower 2, 8 channels) sent once, in RX1" \
  jq -se 'map(select(.mac? and (.mac | ascii_downcase | startswith("0352ff0001")))) |
          length == 1 and .[0].window == "rx1"' "$LBT_TMP/adr.out"

# ---- confirmed uplinks are acknowledged ----
"${SIM[@]}" --mode abp --devices 2 --dev-eui-base $ABP_BASE --uplinks 2 --confirmed \
  --state "$STATE" >"$LBT_TMP/conf.json"
lbt_eq "every confirmed uplink got its ACK" "$(jq .confirmed_sent "$LBT_TMP/conf.json")" \
  "$(jq .acks_received "$LBT_TMP/conf.json")"
lbt_eq "the ACKs came in RX1" "$(jq .acks_received "$LBT_TMP/conf.json")" \
  "$(jq .downlinks_rx1 "$LBT_TMP/conf.json")"

# ---- restart in the middle: sessions and counters survive ----
kill "$LBT_HOST_PID"
wait "$LBT_HOST_PID" 2>/dev/null || true
lbt_start_host things http lora
lbt_sub_start "channels.$C1.lora.up" 4 4000 "$LBT_TMP/after.jsonl"
"${SIM[@]}" --mode abp --devices 2 --dev-eui-base $ABP_BASE --uplinks 1 --state "$STATE" >/dev/null
"${SIM[@]}" --mode otaa --devices 1 --dev-eui-base $OTAA_BASE --uplinks 1 --state "$OSTATE" \
  >"$LBT_TMP/otaa2.json"
wait "$LBT_SUB_PID" || true
lbt_eq "after a restart ABP and joined OTAA devices go on" 3 "$(wc -l <"$LBT_TMP/after.jsonl")"
lbt_eq "the OTAA device did not need to join again" 0 "$(jq .joins_sent "$LBT_TMP/otaa2.json")"
lbt_sub_start "channels.$C1.lora.up" 1 1500 "$LBT_TMP/old.jsonl"
"${SIM[@]}" --mode abp --devices 1 --dev-eui-base $ABP_BASE --uplinks 1 --fcnt 1 \
  --state "$LBT_TMP/rewind.state" >/dev/null
wait "$LBT_SUB_PID" || true
lbt_eq "an old FCnt is still refused after the restart" 0 "$(wc -l <"$LBT_TMP/old.jsonl")"

# ---- class C: a downlink leaves at once, through the gateway that heard the device last ----
lbt_http PUT /lora/devices/00800000000A0001 '{"class":"C"}' "${AUTH[@]}"
lbt_expect "a device switched to class C" 200 '.class == "C"'
"${SIM[@]}" --mode abp --devices 2 --dev-eui-base $ABP_BASE --uplinks 1 --state "$STATE" \
  --log-downlinks --wait-downlink 3000 >"$LBT_TMP/classc.out" &
SIM_PID=$!
sleep 1.5 # the uplink's receive windows are over
curl -s -o /dev/null -X POST -H "Authorization: Thing $K1" -H 'Content-Type: application/json' \
  --data '{"f_port":9,"frm_payload":"CQk="}' \
  "$LBT_HTTP/http/channels/$C1/messages/lora/down/00800000000A0001"
wait "$SIM_PID" || true
lbt_check "the class C downlink came at once (imme), decrypted" \
  jq -se 'map(select(.dev_eui? == "00800000000A0001" and .fport? == 9)) | length == 1 and
          .[0].payload == "0909"' "$LBT_TMP/classc.out"

# ---- delete ----
lbt_http DELETE /lora/devices/00800000000A0001 "" "${AUTH[@]}"
lbt_expect "device deleted" 204
lbt_http GET /lora/devices "" "${AUTH[@]}"
lbt_expect "and gone from the list" 200 '.total == 4'
grep -q 'level=error' "$LBT_TMP/host.log" && lbt_fail "errors in the host log: $(grep level=error "$LBT_TMP/host.log" | head -3)" || lbt_pass "no errors logged"
lbt_done
