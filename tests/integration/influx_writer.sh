#!/usr/bin/env bash
# The InfluxDB writer end to end: `lyrebird run things http influxdb` on a real nats-server.
#  1. the plugin runs its own influxd (LB_INFLUX_URL unset) on loopback only, creates the
#     database, and SenML / JSON published over HTTP land as points with every tag and field,
#     readable through the reader with each of its filters; a pack of 3 records with one name
#     and one time gives 3 points;
#  2. with LB_INFLUX_URL on an influxd the test controls: a stream of 10,000 messages during
#     which influxd is down for LBT_INFLUX_OUTAGE seconds (30) is stored completely, once
#     (count and distinct values), through the spill file;
#  3. a point whose field type conflicts is dropped and logged, the rest of its batch stored;
#  4. a writer stopped with InfluxDB down leaves a spill file that the next start resumes.
source "$LB_SRC/tests/harness/lib.sh"
source "$LB_SRC/tests/harness/influx.sh"
OUTAGE=${LBT_INFLUX_OUTAGE:-30}
STREAM=${LBT_INFLUX_STREAM:-10000}
export LB_ADMIN_EMAIL=admin@example.com LB_ADMIN_PASSWORD=admin-secret-1
export LB_DATA_DIR=$LBT_TMP/data LB_INFLUX_DB=lbtest LB_INFLUX_FLUSH_MS=200
lbt_start_nats

# q QUERY: the first value of the first series (or "none")
q() {
  lbt_influx_query "$URL" lbtest "$1" |
    jq -r '.results[0].series[0].values[0][1] // "none" | tostring'
}
# wait_for QUERY EXPECTED SECONDS: polls until q gives EXPECTED; prints the last answer
wait_for() {
  local got i
  for ((i = 0; i < $3 * 10; i++)); do
    got=$(q "$1"); [ "$got" = "$2" ] && break; sleep 0.1
  done
  echo "$got"
}
post() { # post SUBTOPIC CONTENT_TYPE BODY
  lbt_http POST "/http/channels/$C1/messages$1" "" -H "Authorization: Thing $K1" \
    -H "Content-Type: $2" --data-binary "$3"
}
metric() { curl -s "$LBT_HTTP/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
stop_host() {
  kill -TERM "$LBT_HOST_PID"
  wait "$LBT_HOST_PID" 2>/dev/null || true
}

# ---- 1. influxd as the plugin's child ----
export LB_INFLUX_PORT=$(lbt_free_port) LB_INFLUX_RPC_PORT=$(lbt_free_port)
URL=http://127.0.0.1:$LB_INFLUX_PORT
lbt_start_host things http influxdb
lbt_provision
child=$(pgrep -P "$LBT_HOST_PID" -x influxd || true)
lbt_check "influxd runs as a child of the host" test -n "$child"
listen=$(ss -Hltnp 2>/dev/null | grep "pid=$child," | awk '{print $4}' | sort | tr '\n' ' ')
want=$(printf '127.0.0.1:%s\n' "$LB_INFLUX_PORT" "$LB_INFLUX_RPC_PORT" | sort | tr '\n' ' ')
lbt_eq "influxd listens on the HTTP and RPC loopback ports only" "$want" "$listen"
lbt_check "the database was created" grep -q lbtest \
  <(lbt_influx_query "$URL" lbtest 'SHOW DATABASES')

post /room/1 application/senml+json '[{"bn":"dev1:","bt":1700000000,"bu":"Cel","n":"temp","v":21.5,"s":3},
 {"n":"label","vs":"a, b=\"c\"","t":1},{"n":"on","vb":true,"u":"/"},{"n":"raw","vd":"aGk"}]'
lbt_expect "a SenML pack is accepted" 202
post "" application/senml+json '[{"bt":1700000100,"n":"same","v":1},{"n":"same","v":2},{"n":"same","v":3}]'
lbt_expect "a pack of 3 records with one name and time is accepted" 202
post "" application/json '{"a":{"b":1.5},"s":"x y","ok":true}'
lbt_eq "3 records with one name and time are 3 points" 3 \
  "$(wait_for "SELECT COUNT(value) FROM messages WHERE \"name\"='same'" 3 10)"
lbt_eq "their values are all there" "1 2 3" "$(lbt_influx_query "$URL" lbtest \
  "SELECT value FROM messages WHERE \"name\"='same'" | jq -r '[.results[0].series[0].values[][1]] | sort | map(tostring) | join(" ")')"
rows=$(lbt_influx_query "$URL" lbtest \
  "SELECT * FROM messages WHERE publisher='$T1' AND subtopic='room.1' GROUP BY *" |
  jq -c '[.results[0].series[] | {tags, row: (.columns as $c | .values[0] | [$c, .] | transpose
          | map(select(.[1] != null)) | map({(.[0]): .[1]}) | add)}] | sort_by(.tags.name)')
lbt_eq "four SenML points" 4 "$(jq length <<<"$rows")"
exp=$(jq -nc --arg c "$C1" --arg p "$T1" '
  def t(n): {channel: $c, name: n, publisher: $p, subtopic: "room.1"};
  [{tags: t("dev1:label"), row: {time: 1700000001000000000, stringValue: "a, b=\"c\"", unit: "Cel", protocol: "http"}},
   {tags: t("dev1:on"), row: {time: 1700000000000000000, boolValue: true, unit: "/", protocol: "http"}},
   {tags: t("dev1:raw"), row: {time: 1700000000000000000, dataValue: "aGk", unit: "Cel", protocol: "http"}},
   {tags: t("dev1:temp"), row: {time: 1700000000000000000, value: 21.5, sum: 3, unit: "Cel", protocol: "http"}}]')
lbt_eq "every SenML record, tag and field" "$(jq -S . <<<"$exp")" "$(jq -S . <<<"$rows")"
json=$(lbt_influx_query "$URL" lbtest "SELECT * FROM json" | jq -c '.results[0].series[0] |
  [.columns, .values[0]] | transpose | map(select(.[0] != "time")) | map({(.[0]): .[1]}) | add')
lbt_eq "JSON is flattened into measurement json" \
  "$(jq -Sc . <<<"{\"a.b\":1.5,\"channel\":\"$C1\",\"ok\":true,\"publisher\":\"$T1\",\"s\":\"x y\"}")" \
  "$(jq -Sc . <<<"$json")"
lbt_check "metrics: points written" test "$(metric lb_influx_points_written_total)" -ge 8
# what was published over HTTP, read back through the reader, with its filters
rd() { lbt_http GET "/reader/channels/$C1/messages?$1" "" -H "Authorization: Thing $K1"; }
rd "subtopic=room.1"
lbt_expect "the reader gives the HTTP-published pack back" 200 \
  '.total == 4 and ([.messages[].name] | sort) == ["dev1:label", "dev1:on", "dev1:raw", "dev1:temp"]
   and ([.messages[] | select(.name == "dev1:temp")][0] | .value == 21.5 and .sum == 3 and
   .unit == "Cel" and .protocol == "http" and .subtopic == "room.1" and
   .publisher == "'"$T1"'" and .time == 1700000000)'
rd "name=dev1:temp&v=21.5"
lbt_expect "reader: name and v" 200 '.total == 1 and .messages[0].value == 21.5'
rd "vs=a,%20b%3D%22c%22"
lbt_expect "reader: vs" 200 '.total == 1 and .messages[0].string_value == "a, b=\"c\""'
rd "vb=true"
lbt_expect "reader: vb" 200 '.total == 1 and .messages[0].name == "dev1:on"'
rd "vd=aGk"
lbt_expect "reader: vd" 200 '.total == 1 and .messages[0].name == "dev1:raw"'
rd "name=same&v=2&comparator=ge"
lbt_expect "reader: v with a comparator" 200 '.total == 2 and ([.messages[].value] | sort) == [2, 3]'
rd "publisher=$T1&from=1700000000.5&to=1700000001.5"
lbt_expect "reader: publisher, from and to" 200 '.total == 1 and .messages[0].name == "dev1:label"'
rd "offset=1&limit=2"
lbt_expect "reader: offset and limit over every point of the channel" 200 \
  '.total == 7 and .offset == 1 and .limit == 2 and (.messages | length) == 2'
stop_host
lbt_check "influxd stopped with the host" bash -c "! kill -0 $child 2>/dev/null"

# ---- 2. a stream through an outage, against an influxd the test controls ----
XPORT=$(lbt_free_port)
URL=http://127.0.0.1:$XPORT
lbt_influxd_start "$LBT_TMP/influx" "$XPORT"
# small batches and memory so that the outage goes through the spill file
export LB_INFLUX_URL=$URL LB_INFLUX_BATCH=200 LB_INFLUX_QUEUE=600
lbt_start_host things http influxdb
rate=$((STREAM / (OUTAGE + 10)))
"$LB_BIN/http_pace" "$LBT_HTTP/http/channels/$C1/messages/stream" "$K1" "$rate" "$STREAM" \
  >"$LBT_TMP/pace.out" 2>&1 &
pace=$!
LBT_PIDS+=("$pace")
sleep 4
lbt_influxd_stop
echo "# influxd down for ${OUTAGE}s"
sleep "$OUTAGE"
lbt_check "the writer spilled during the outage" test "$(metric lb_influx_spilled_points_total)" -gt 0
lbt_influxd_start "$LBT_TMP/influx" "$XPORT"
wait "$pace"; lbt_eq "the publisher's messages were all accepted" "accepted $STREAM of $STREAM" \
  "$(cat "$LBT_TMP/pace.out")"
lbt_eq "all $STREAM messages stored" "$STREAM" \
  "$(wait_for "SELECT COUNT(value) FROM messages WHERE subtopic='stream'" "$STREAM" 30)"
lbt_eq "none twice: $STREAM distinct values" "$STREAM" \
  "$(q "SELECT COUNT(DISTINCT(value)) FROM messages WHERE subtopic='stream'")"
lbt_check "retries were counted" test "$(metric lb_influx_retries_total)" -gt 0
lbt_check "the outage was logged" grep -q 'cannot write to InfluxDB, retrying' "$LBT_TMP/host.log"
lbt_eq "the spill file is empty again" 0 "$(stat -c %s "$LB_DATA_DIR/influxdb-writer/spill.dat")"
lbt_check "its draining was logged to the end" grep -q 'the spill file is drained" written=' \
  "$LBT_TMP/host.log"

# ---- 3. a bad point among good ones ----
post "" application/json '{"kind":1}'
wait_for "SELECT COUNT(kind) FROM json" 1 10 >/dev/null
# both in one batch (LB_INFLUX_FLUSH_MS): InfluxDB answers "partial write"
curl -s -o /dev/null -H "Authorization: Thing $K1" -H 'Content-Type: application/json' \
  --data '{"kind":"text"}' "$LBT_HTTP/http/channels/$C1/messages" &
bad=$!
post "" application/senml+json '[{"bt":1700000200,"n":"good","v":7}]'
wait "$bad"
lbt_eq "the good point is stored" 7 "$(wait_for "SELECT value FROM messages WHERE \"name\"='good'" 7 10)"
for _ in $(seq 50); do grep -q 'InfluxDB refused' "$LBT_TMP/host.log" && break; sleep 0.1; done
lbt_check "the refused point is logged with the reason" \
  grep -q 'InfluxDB refused.*field type conflict' "$LBT_TMP/host.log"
lbt_check "and counted as dropped" test "$(metric lb_influx_dropped_points_total)" -ge 1
lbt_eq "the conflicting point is not stored" 1 "$(q "SELECT COUNT(kind) FROM json")"

# ---- 4. a restart with a non-empty spill file ----
lbt_influxd_stop
"$LB_BIN/http_pace" "$LBT_HTTP/http/channels/$C1/messages/restart" "$K1" 1000 500 >/dev/null
sleep 0.5
stop_host
lbt_check "the stopped writer left a spill file" test -s "$LB_DATA_DIR/influxdb-writer/spill.dat"
lbt_influxd_start "$LBT_TMP/influx" "$XPORT"
lbt_start_host things http influxdb
lbt_eq "the restarted writer stored the spilled points" 500 \
  "$(wait_for "SELECT COUNT(value) FROM messages WHERE subtopic='restart'" 500 20)"
lbt_check "it said it resumed the spill" grep -q 'resuming the spill file' "$LBT_TMP/host.log"
lbt_check "metrics: queue depth gauge" grep -q '^lb_influx_queue_points ' <(curl -s "$LBT_HTTP/metrics")
stop_host
lbt_check "no sanitizer reports" bash -c "! grep -E 'AddressSanitizer|LeakSanitizer|runtime error' '$LBT_TMP/host.log'"
lbt_done
