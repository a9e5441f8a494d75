#!/usr/bin/env bash
# The InfluxDB reader end to end: our own influxd (1.6, minimal config, free loopback ports)
# with points written directly to /write in the writer's schema, then `lyrebird run things
# influxdb` with LB_INFLUX_URL pointing at it, driven with curl: every filter, total,
# paging, newest first, the series endpoint with each aggregate, authorization by thing key
# and by user token, and injection attempts (each 400 or an empty answer).
source "$LB_SRC/tests/harness/lib.sh"
source "$LB_SRC/tests/harness/influx.sh"

# --- influxd
INFLUX_PORT=$(lbt_free_port)
INFLUX_URL="http://127.0.0.1:$INFLUX_PORT"
lbt_influxd_start "$LBT_TMP/influx" "$INFLUX_PORT"
curl -sf -XPOST "$INFLUX_URL/query" --data-urlencode "q=CREATE DATABASE lyrebird" >/dev/null
lbt_start_nats
export LB_ADMIN_EMAIL=admin@example.com LB_ADMIN_PASSWORD=admin-secret-1
LB_INFLUX_URL=$INFLUX_URL LB_INFLUX_DB=lyrebird lbt_start_host things influxdb
lbt_provision
AUTH=(-H "Authorization: Bearer $TOKEN")

# --- points in the writer's schema (T = 1700000000 s); two records share each of T+2, T+4
T=1700000000
ns() { echo "$((T + $1))000000000"; }
cat >"$LBT_TMP/points" <<EOF
messages,channel=$C1,name=temp,publisher=$T1,subtopic=room.a value=20,unit="C",protocol="http" $(ns 0)
messages,channel=$C1,name=temp,publisher=$T1,subtopic=room.b value=21.5,unit="C",protocol="mqtt" $(ns 1)
messages,channel=$C1,name=temp,publisher=$T2,subtopic=room.a value=23,unit="C",protocol="coap" $(ns 2)
messages,channel=$C1,name=state,publisher=$T1,subtopic=room.a stringValue="on",protocol="http" $(ns 2)
messages,channel=$C1,name=ok,publisher=$T1 boolValue=true,protocol="http" $(ns 3)
messages,channel=$C1,name=blob,publisher=$T1 dataValue="aGk=",protocol="http" $(ns 4)
messages,channel=$C1,name=energy,publisher=$T2 value=5,sum=100,unit="kWh",protocol="ws" $(ns 4)
messages,channel=$C1,name=it's,publisher=$T1 stringValue="x' OR 1=1",protocol="http" $(ns 5)
messages,channel=$C2,name=temp,publisher=$T1 value=99,protocol="http" $(ns 0)
messages,channel=$C2,name=temp,publisher=$T1 value=98 $(ns 1)
EOF
code=$(curl -s -o "$LBT_TMP/w" -w '%{http_code}' -XPOST "$INFLUX_URL/write?db=lyrebird&precision=ns" \
  --data-binary @"$LBT_TMP/points")
lbt_eq "points written" 204 "$code"

R=/reader/channels/$C1
get() { lbt_http GET "$1" "" "${AUTH[@]}"; }

# --- every filter
get "$R/messages"
lbt_expect "all of the channel, newest first" 200 \
  '.total == 8 and .offset == 0 and .limit == 10 and (.messages | length) == 8 and
   ([.messages[].time] | . == (sort | reverse)) and .messages[0].name == "it'"'"'s" and
   .messages[-1].value == 20 and .messages[-1].unit == "C" and .messages[-1].time == 1700000000 and
   .messages[-1].channel == "'"$C1"'" and .messages[-1].publisher == "'"$T1"'" and
   .messages[-1].subtopic == "room.a" and .messages[-1].protocol == "http"'
get "$R/messages?publisher=$T2"
lbt_expect "publisher" 200 '.total == 2 and ([.messages[].publisher] | unique) == ["'"$T2"'"]'
get "$R/messages?subtopic=room.a"
lbt_expect "subtopic" 200 '.total == 3 and ([.messages[].subtopic] | unique) == ["room.a"]'
get "$R/messages?protocol=mqtt"
lbt_expect "protocol" 200 '.total == 1 and .messages[0].value == 21.5'
get "$R/messages?name=temp"
lbt_expect "name" 200 '.total == 3 and ([.messages[].value] == [23, 21.5, 20])'
get "$R/messages?name=temp&v=21.5"
lbt_expect "v (eq by default)" 200 '.total == 1 and .messages[0].value == 21.5'
for c in "eq 1" "lt 1" "le 2" "gt 2" "ge 3"; do
  set -- $c
  get "$R/messages?v=20&comparator=$1"
  lbt_expect "comparator $1" 200 ".total == $2"
done
get "$R/messages?vs=on"
lbt_expect "vs" 200 '.total == 1 and .messages[0].string_value == "on" and .messages[0].name == "state"'
get "$R/messages?vb=true"
lbt_expect "vb" 200 '.total == 1 and .messages[0].bool_value == true'
get "$R/messages?vb=false"
lbt_expect "vb false matches nothing" 200 '.total == 0 and .messages == []'
get "$R/messages?vd=aGk%3D"
lbt_expect "vd" 200 '.total == 1 and .messages[0].data_value == "aGk="'
get "$R/messages?name=energy"
lbt_expect "sum and unit" 200 '.messages[0].sum == 100 and .messages[0].value == 5 and .messages[0].unit == "kWh"'
get "$R/messages?from=$((T + 1))&to=$((T + 3))"
lbt_expect "from and to (to excluded)" 200 '.total == 3'
get "$R/messages?from=$T.5"
lbt_expect "from as a float" 200 '.total == 7'
get "$R/messages?name=temp&subtopic=room.a&publisher=$T1"
lbt_expect "filters combine" 200 '.total == 1 and .messages[0].value == 20'
get "/reader/channels/$C2/messages"
lbt_expect "another channel's points stay there (one without protocol counted)" 200 \
  '.total == 2 and [.messages[].value] == [98, 99]'

# --- paging
get "$R/messages?limit=3"
p1=$(jq -c '[.messages[].time, .messages[].name]' <<<"$LBT_BODY")
lbt_expect "limit" 200 '.total == 8 and .limit == 3 and (.messages | length) == 3'
get "$R/messages?limit=3&offset=3"
lbt_expect "offset" 200 '.total == 8 and .offset == 3 and (.messages | length) == 3'
p2=$(jq -c '[.messages[].time, .messages[].name]' <<<"$LBT_BODY")
get "$R/messages?limit=6"
all=$(jq -c '[.messages[:3][].time, .messages[:3][].name]' <<<"$LBT_BODY")
lbt_eq "pages follow each other" "$all" "$p1"
all=$(jq -c '[.messages[3:][].time, .messages[3:][].name]' <<<"$LBT_BODY")
lbt_eq "second page continues" "$all" "$p2"
get "$R/messages?offset=6"
lbt_expect "last page" 200 '.total == 8 and (.messages | length) == 2'
get "$R/messages?limit=1001"
lbt_expect "limit over 1000 is 400" 400 '.error | contains("\"limit\"")'

# --- series
S="$R/series?name=temp&from=$T&to=$((T + 10))"
get "$S&every=1s"
lbt_expect "series, mean by default" 200 \
  '.name == "temp" and .agg == "mean" and .every == "1s" and .points == [[1700000000,20],[1700000001,21.5],[1700000002,23]]'
get "$S&agg=max&every=10s"
lbt_expect "series max" 200 '.points == [[1700000000,23]]'
get "$S&agg=min&every=10s"
lbt_expect "series min" 200 '.points == [[1700000000,20]]'
get "$S&agg=count&every=10s"
lbt_expect "series count" 200 '.points == [[1700000000,3]]'
get "$S&agg=mean&every=1m"
lbt_expect "series mean over 1m" 200 '.points | length == 1 and (.[0][1] * 1000 | round) == 21500'
get "$R/series?from=$T&to=$((T + 10))"
lbt_expect "series needs name" 400 '.error | contains("\"name\"")'
get "$R/series?name=temp&from=0&to=$T&every=1m"
lbt_expect "too many buckets is 400" 400 '.error | contains("\"every\"")'

# --- authorization
lbt_http GET "$R/messages" "" -H "Authorization: Thing $K1"
lbt_expect "connected thing key" 200 '.total == 8'
lbt_http GET "$R/messages" "" -H "Authorization: $K2"
lbt_expect "bare key of a connected thing" 200 '.total == 8'
lbt_http GET "/reader/channels/$C2/messages" "" -H "Authorization: Thing $K1"
lbt_expect "thing not connected is 403" 403
lbt_http GET "$R/messages" "" -H "Authorization: Thing 00000000-0000-0000-0000-000000000000"
lbt_expect "unknown key is 401" 401
lbt_http GET "$R/messages"
lbt_expect "no Authorization is 401" 401
lbt_http GET "$R/series?name=temp" "" -H "Authorization: Thing $K1"
lbt_expect "series by thing key" 200
lbt_http POST /users '{"email":"bob@example.com","password":"bob-pass-123"}' "${AUTH[@]}"
lbt_http POST /tokens '{"email":"bob@example.com","password":"bob-pass-123"}'
BOB=$(jq -r .token <<<"$LBT_BODY")
lbt_http GET "$R/messages" "" -H "Authorization: Bearer $BOB"
lbt_expect "another user's token is 404" 404
lbt_http GET "$R/messages" "" -H "Authorization: Bearer not-a-token"
lbt_expect "bad token is 401" 401

# --- escaping and injection: each 400, or an empty answer
get "$R/messages?name=it's"
lbt_expect "a quote in a value is a literal" 200 '.total == 1 and .messages[0].string_value == "x'"'"' OR 1=1"'
get "$R/messages?vs=x'%20OR%201%3D1"
lbt_expect "an injection-looking value is matched literally" 200 '.total == 1'
for v in "temp'%20OR%201%3D1%20--" "temp'%20OR%20''%3D'" "'%3B%20DROP%20DATABASE%20lyrebird" \
  "temp%5C" "temp%5C'%20OR%20name%3D'temp" "%22%20OR%20%22%22%3D%22" "%2F.*%2F" \
  "temp'%20AND%20time%20%3E%200%20GROUP%20BY%20*" "%E2%80%99%20OR%201%3D1" "%EF%BC%87" \
  "temp')%20LIMIT%201%20--"; do
  for p in name subtopic publisher protocol vs vd; do
    get "$R/messages?$p=$v"
    lbt_expect "$p=$v matches nothing" 200 '.total == 0 and .messages == []'
  done
done
for q in "name=a%0Ab" "name=a%0Db" "name=%C0%A7" "name=%FF" "name=" "v=1%20OR%201%3D1" "v=1%3B" \
  "v=nan" "vb=1" "vb=true%20OR%201%3D1" "comparator=ne" "comparator=%3D" "from=now()" \
  "to=1e11" "offset=-1" "limit=10%3B" "subtopic=%09"; do
  get "$R/messages?$q"
  lbt_expect "$q is 400 naming it" 400 '.error | contains("\"'"${q%%=*}"'\"")'
done
for q in "every=1m)%20fill(0" "every=1w" "agg=sum" "agg=mean(value)" "every=1m%3B"; do
  get "$R/series?name=temp&$q"
  lbt_expect "series $q is 400 naming it" 400 '.error | contains("\"'"${q%%=*}"'\"")'
done
get "$R/messages"
lbt_expect "the data is all still there" 200 '.total == 8'
code=$(curl -s -o /dev/null -w '%{http_code}' "$INFLUX_URL/query?db=lyrebird" --data-urlencode "q=SHOW MEASUREMENTS")
lbt_eq "the database is still there" 200 "$code"

# --- the page cache: a page is asked of InfluxDB once, then answered from the cache until
# the writer reports new points for the channel
metric() { curl -s "$LBT_HTTP/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
HIT='lb_reader_page_cache_total{result="hit"}'
get "$R/messages?limit=9"
lbt_expect "a page" 200 '(.messages | length) == 8'
hits=$(metric "$HIT")
get "$R/messages?limit=9"
lbt_expect "the same page again" 200 '(.messages | length) == 8'
lbt_eq "answered from the cache" "$((hits + 1))" "$(metric "$HIT")"
"$LB_BIN/lbt_bus_flood" "$LBT_NATS_URL" "$C1" "$T2" 1 >/dev/null
for ((i = 0; i < 500; i++)); do
  [ "$(metric lb_influx_points_written_total)" = 1 ] && break
  sleep 0.01
done
lbt_eq "the writer stored a message for the channel" 1 "$(metric lb_influx_points_written_total)"
sleep 0.2 # its notice crosses the bus
get "$R/messages?limit=9"
lbt_expect "the page has the new point: the writer's notice dropped the cached one" 200 \
  '(.messages | length) == 9 and any(.messages[]; .name == "dev:temp0" and .protocol == "bench")'

# --- metrics
m=$(curl -s "$LBT_HTTP/metrics")
lbt_check "requests counted by route and status" \
  grep -q 'lb_reader_requests_total{route="messages",code="400"} [1-9]' <<<"$m"
lbt_check "series counted" grep -q 'lb_reader_requests_total{route="series",code="200"} [1-9]' <<<"$m"
lbt_check "query time histogram" grep -q 'lb_reader_influx_query_seconds_count [1-9]' <<<"$m"

# --- InfluxDB gone: 503
lbt_influxd_stop
get "$R/messages?limit=9"
lbt_expect "InfluxDB down: a cached page is still answered" 200 '(.messages | length) == 9'
get "$R/messages?limit=8"
lbt_expect "InfluxDB down: any other page is 503" 503
lbt_done
