#!/usr/bin/env bash
# LoRa payload codecs end to end: devices with a JavaScript decoder (ES2015, transpiled when
# saved) and with CayenneLPP send uplinks through the simulator; their values arrive as SenML
# on the channel (one record per leaf, bn urn:dev:deveui:<DevEUI>:, units from the codec) and
# the lora/up event carries the decoded payload. A runaway decoder fails only its own
# decode. Codecs are attached, read and removed over REST, tried with /lora/codecs/test, and
# a downlink's decoded_payload is encoded by the device's codec.
source "$LB_SRC/tests/harness/lib.sh"

export LB_ADMIN_EMAIL=admin@example.com LB_ADMIN_PASSWORD=admin-secret-1
export LB_LORA_UDP_PORT=$(lbt_free_port) LB_LORA_DEDUP_MS=100 LB_LORA_OPEN_GATEWAYS=true
SIM=("$LB_BIN/lyrebird-sim" --server "127.0.0.1:$LB_LORA_UDP_PORT" --json --mode abp)
lbt_start_nats
lbt_start_host things http lora
lbt_provision
AUTH=(-H "Authorization: Bearer $TOKEN")

JS='function decodeUplink(input) {
  const t = ((input.bytes[0] << 8) | input.bytes[1]) / 10;
  const [, , level] = input.bytes;
  return { data: { temperature: t, battery: { level, ok: level > 100 } },
           warnings: input.fPort === 10 ? [] : [`port ${input.fPort}`] };
}
function encodeDownlink(input) {
  return { bytes: [input.data.interval >> 8, input.data.interval & 255], fPort: 5 };
}'
LOOP='function decodeUplink(input) { while (true) {} }'
NORM='function decodeUplink(i) { return { data: { t: i.bytes[0] } }; }
function normalizeUplink(i) { return { data: { air: { temperature: i.data.t } } }; }'

# register BASE CODEC_JSON: one ABP device with that codec; prints its DevEUI.
register() {
  local body
  body=$("${SIM[@]}" --print-devices --devices 1 --dev-eui-base "$1" --channel "$C1" |
    jq -c --argjson codec "$2" '. + {codec: $codec}')
  lbt_http POST /lora/devices "$body" "${AUTH[@]}"
  [ "$LBT_STATUS" = 201 ] || echo "registration of $1 failed: $LBT_STATUS $LBT_BODY" >&2
}
register 00800000000E0000 "$(jq -n --arg s "$JS" '{type: "javascript", script: $s}')"
lbt_expect "a device with a JavaScript codec (ES2015) registered" 201
register 00800000000E0001 '{"type":"cayennelpp"}'
lbt_expect "a device with CayenneLPP registered" 201
register 00800000000E0002 "$(jq -n --arg s "$LOOP" '{type: "javascript", script: $s}')"
lbt_expect "a device with a runaway decoder registered" 201
register 00800000000E0005 "$(jq -n --arg s "$NORM" '{type: "javascript", script: $s}')"
lbt_expect "a device whose codec normalizes registered" 201
lbt_http POST /lora/devices "$("${SIM[@]}" --print-devices --devices 1 --dev-eui-base 00800000000E0003 \
  --channel "$C1" | jq -c '. + {codec: {type: "javascript", script: "function decodeUplink( {"}}')" "${AUTH[@]}"
lbt_expect "a codec that does not compile is refused with its error" 400 '.error | test("codec")'
lbt_http POST /lora/devices "$("${SIM[@]}" --print-devices --devices 1 --dev-eui-base 00800000000E0003 \
  --channel "$C1" | jq -c '. + {codec: {type: "nonesuch"}}')" "${AUTH[@]}"
lbt_expect "an unknown codec type is refused" 400 '.error | test("nonesuch")'

lbt_http POST /lora/profiles '{"name":"lpp sensors","region":"EU868","mac_version":"1.0.3","codec":{"type":"cayennelpp"}}' "${AUTH[@]}"
lbt_expect "a device profile with a codec" 201
PROFILE=$(jq -r .id <<<"$LBT_BODY")
lbt_http POST /lora/devices "$("${SIM[@]}" --print-devices --devices 1 --dev-eui-base 00800000000E0004 \
  --channel "$C1" | jq -c --arg p "$PROFILE" '. + {profile_id: $p} | del(.region)')" "${AUTH[@]}"
lbt_expect "a device registered with the profile" 201
lbt_http GET /lora/devices/00800000000E0004/codec "" "${AUTH[@]}"
lbt_expect "takes the profile's codec" 200 '.type == "cayennelpp"'

# ---- uplinks: SenML on the channel, decoded payload in the event ----
lbt_sub_start "channels.$C1" 3 8000 "$LBT_TMP/senml.jsonl"
"$LB_BIN/lbt_sub" "$LBT_NATS_URL" "channels.$C1.lora.up" 4 8000 >"$LBT_TMP/up.jsonl" 2>/dev/null &
UP_PID=$!
LBT_PIDS+=("$UP_PID")
sleep 0.3
"${SIM[@]}" --devices 1 --dev-eui-base 00800000000E0002 --payload 01 >/dev/null 2>&1 # runaway first
"${SIM[@]}" --devices 1 --dev-eui-base 00800000000E0000 --payload 0110FF --state "$LBT_TMP/e0" >/dev/null 2>&1
"${SIM[@]}" --devices 1 --dev-eui-base 00800000000E0001 --payload 03670110 >/dev/null 2>&1
"${SIM[@]}" --devices 1 --dev-eui-base 00800000000E0005 --payload 15 >/dev/null 2>&1
wait "$LBT_SUB_PID" || true
wait "$UP_PID" || true
js_pack=$(jq -c 'select(.content_type == "application/senml+json") | .payload | fromjson |
  select(.[0].bn == "urn:dev:deveui:00800000000E0000:")' "$LBT_TMP/senml.jsonl")
lbt_check "JS decoder's leaves as SenML records named by key path" \
  jq -e 'map({(.n): (.v // .vb)}) | add == {"temperature": 27.2, "battery.level": 255, "battery.ok": true}' <<<"$js_pack"
lbt_check "SenML base time is the reception time" jq -e '.[0].bt > 1700000000' <<<"$js_pack"

# event DEVEUI FILTER: the jq FILTER holds for the lora/up event of DEVEUI.
event() { jq -se --arg e "$1" "map(.payload | fromjson | select(.dev_eui == \$e)) | length == 1 and (.[0] | $2)" "$LBT_TMP/up.jsonl"; }
lbt_check "CayenneLPP values with their SenML unit" \
  jq -se 'map(select(.content_type == "application/senml+json") | .payload | fromjson |
              select(.[0].bn == "urn:dev:deveui:00800000000E0001:")) | length == 1 and
          (.[0][0] | .n == "temperature_3" and .v == 27.2 and .u == "Cel")' "$LBT_TMP/senml.jsonl"
lbt_check "a normalized payload gives SenML with the schema's units" \
  jq -se 'map(select(.content_type == "application/senml+json") | .payload | fromjson |
              select(.[0].bn == "urn:dev:deveui:00800000000E0005:")) | length == 1 and
          .[0] == [.[0][0]] and (.[0][0] | .n == "air.temperature" and .v == 21 and .u == "Cel")' "$LBT_TMP/senml.jsonl"
lbt_check "the lora/up event carries the decoded payload" \
  event 00800000000E0000 '.decoded_payload.temperature == 27.2 and .errors == []'
lbt_check "a runaway decoder fails its own decode with a clear error" \
  event 00800000000E0002 '(.errors | length == 1) and (.errors[0] | test("limit")) and .decoded_payload == null'
lbt_check "and publishes no SenML" \
  test "$(grep -c 'urn:dev:deveui:00800000000E0002' "$LBT_TMP/senml.jsonl")" = 0

# ---- REST: get, test, replace, remove ----
lbt_http GET /lora/devices/00800000000E0001/codec "" "${AUTH[@]}"
lbt_expect "a device's codec can be read" 200 '.type == "cayennelpp"'
lbt_http POST /lora/codecs/test "$(jq -n --arg s "$JS" '{type: "javascript", script: $s, f_port: 3, bytes: "AQIz"}')" "${AUTH[@]}"
lbt_expect "/lora/codecs/test runs a decoder on given bytes" 200 \
  '.data.temperature == 25.8 and .data.battery.level == 51 and .warnings == ["port 3"] and .time_us >= 0'
lbt_http POST /lora/codecs/test '{"type":"javascript","script":"function decodeUplink(i) { throw 5; }","f_port":1,"bytes":"AA=="}' "${AUTH[@]}"
lbt_expect "a throwing decoder reports an error, not a crash" 200 '.errors | length == 1'
lbt_http POST /lora/codecs/test '{"type":"javascript","script":"x = ;","f_port":1,"bytes":"AA=="}' "${AUTH[@]}"
lbt_expect "a syntax error is a 400 naming it" 400 '.error | test("codec")'
lbt_http DELETE /lora/devices/00800000000E0001/codec "" "${AUTH[@]}"
lbt_expect "a codec can be removed" 204
lbt_http GET /lora/devices/00800000000E0001/codec "" "${AUTH[@]}"
lbt_expect "and is gone" 404

# ---- downlink from decoded values through encodeDownlink ----
curl -s -o /dev/null -X POST -H "Authorization: Thing $K1" -H 'Content-Type: application/json' \
  --data '{"f_port":1,"decoded_payload":{"interval":600}}' \
  "$LBT_HTTP/http/channels/$C1/messages/lora/down/00800000000E0000"
sleep 0.3
"${SIM[@]}" --devices 1 --dev-eui-base 00800000000E0000 --payload 0110FF --state "$LBT_TMP/e0" --log-downlinks \
  --wait-downlink 1500 >"$LBT_TMP/down.out" 2>/dev/null
lbt_check "decoded_payload is encoded by the device's encodeDownlink (FPort it chose)" \
  jq -se 'map(select(.fport? == 5)) | length == 1 and .[0].payload == "0258"' "$LBT_TMP/down.out"
grep -q 'level=error' "$LBT_TMP/host.log" && lbt_fail "errors in the host log: $(grep level=error "$LBT_TMP/host.log" | head -3)" || lbt_pass "no errors logged"
lbt_done
