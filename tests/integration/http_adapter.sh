#!/usr/bin/env bash
# The HTTP adapter with the things service on a real nats-server: what curl publishes lands
# on the bus in the right envelope, and every refusal has its status and reason.
source "$LB_SRC/tests/harness/lib.sh"
lbt_start_nats
export LB_ADMIN_EMAIL=admin@example.com LB_ADMIN_PASSWORD=admin-secret-1 LB_HTTP_MESSAGE_MAX=4096
lbt_start_host things http
lbt_provision
SENML='[{"bn":"room1:","n":"temp","u":"Cel","v":21.5},{"n":"hum","v":40}]'
post() { # post PATH BODY CONTENT_TYPE AUTH
  lbt_http POST "$1" "" -H "Content-Type: $3" ${4:+-H "Authorization: $4"} --data-binary "$2"
}

lbt_sub_start 'channels.>' 4 10000 "$LBT_TMP/bus"
post "/http/channels/$C1/messages" "$SENML" application/senml+json "Thing $K1"
lbt_expect "SenML with 'Thing <key>' is accepted" 202
post "/http/channels/$C1/messages/room/1" '{"temp":21.5}' application/json "$K2"
lbt_expect "JSON with a bare key and a subtopic is accepted" 202
post "/http/channels/$C1/messages" 'raw bytes' application/octet-stream "Thing $K1"
lbt_expect "binary is accepted" 202
post "/http/channels/$C1/messages" "$SENML" "" "Thing $K1"
lbt_expect "no content type means SenML" 202
wait "$LBT_SUB_PID" || true
lbt_eq "four envelopes reached the bus" 4 "$(wc -l <"$LBT_TMP/bus")"
first=$(sed -n 1p "$LBT_TMP/bus")
lbt_eq "envelope: subject" "channels.$C1" "$(jq -r .subject <<<"$first")"
lbt_eq "envelope: publisher is the thing" "$T1" "$(jq -r .publisher <<<"$first")"
lbt_eq "envelope: protocol" http "$(jq -r .protocol <<<"$first")"
lbt_eq "envelope: content type" application/senml+json "$(jq -r .content_type <<<"$first")"
lbt_eq "envelope: payload as sent" "$SENML" "$(jq -r .payload <<<"$first")"
second=$(sed -n 2p "$LBT_TMP/bus")
lbt_eq "envelope: subtopic a/b becomes a.b" "channels.$C1.room.1" "$(jq -r .subject <<<"$second")"
lbt_eq "envelope: second publisher" "$T2" "$(jq -r .publisher <<<"$second")"
created=$(jq -r .created <<<"$first"); now=$(date +%s%N)
lbt_check "envelope: created is Unix nanoseconds of now" test $((now - created)) -lt 60000000000

post "/http/channels/$C1/messages" '[{"n":"temp","v":"hot"}]' application/senml+json "Thing $K1"
lbt_expect "bad SenML is 400 naming the record" 400 '.error == "record 0: '"'"'v'"'"' must be a number"'
post "/http/channels/$C1/messages" '[1,2' application/json "Thing $K1"
lbt_expect "bad JSON is 400" 400 '.error | startswith("not valid JSON")'
post "/http/channels/$C1/messages" '<x/>' application/xml "Thing $K1"
lbt_expect "another content type is 415" 415
post "/http/channels/$C1/messages" "$SENML" application/senml+json ""
lbt_expect "no key is 401" 401
post "/http/channels/$C1/messages" "$SENML" application/senml+json "Thing nope"
lbt_expect "unknown key is 401" 401 '.error == "unknown thing key"'
post "/http/channels/$C2/messages" "$SENML" application/senml+json "Thing $K1"
lbt_expect "not connected is 403" 403 '.error | contains("not connected")'
post "/http/channels/no-such-channel/messages" "$SENML" application/senml+json "Thing $K1"
lbt_expect "unknown channel is 404" 404
post "/http/channels/$C1/messages/a/*" "$SENML" application/senml+json "Thing $K1"
lbt_expect "a wildcard subtopic is 400" 400 '.error | contains("only for subscribing")'
post "/http/channels/$C1/messages" "$(head -c 5000 /dev/zero | tr '\0' x)" application/octet-stream "Thing $K1"
lbt_expect "a body over LB_HTTP_MESSAGE_MAX is 413" 413

# revocation: a deleted thing is refused within 1 s (its cached grant dropped by the event)
lbt_http DELETE "/things/$T2" "" -H "Authorization: Bearer $TOKEN"
for _ in $(seq 20); do
  post "/http/channels/$C1/messages" "$SENML" application/senml+json "Thing $K2"
  [ "$LBT_STATUS" = 401 ] && break
  sleep 0.05
done
lbt_expect "a deleted thing's key is refused" 401
m=$(curl -s "$LBT_HTTP/metrics")
lbt_check "metrics: accepted messages counted" grep -qE '^lb_http_messages_total [45]$' <<<"$m"
lbt_check "metrics: refusals counted by code" grep -q '^lb_http_messages_refused_total{code="401"} 3$' <<<"$m"
lbt_done
