#!/usr/bin/env bash
# The things service's REST API end to end: `lyrebird run things` on a real nats-server,
# driven with curl. Every endpoint and its error paths: users, tokens, things, channels,
# connections, isolation between users, paging and filters.
source "$LB_SRC/tests/harness/lib.sh"
lbt_start_nats
export LB_ADMIN_EMAIL=admin@example.com LB_ADMIN_PASSWORD=admin-secret-1
lbt_start_host things

# --- users and tokens
lbt_http POST /tokens '{"email":"admin@example.com","password":"admin-secret-1"}'
lbt_expect "admin from LB_ADMIN_* logs in" 201 '.token | length > 20'
ADMIN=$(jq -r .token <<<"$LBT_BODY")
A=(-H "Authorization: Bearer $ADMIN")
lbt_http POST /tokens '{"email":"admin@example.com","password":"wrong-password"}'
lbt_expect "wrong password is refused" 401 '.error == "wrong email or password"'
lbt_http POST /tokens '{"email":"nobody@example.com","password":"whatever-1"}'
lbt_expect "unknown email is refused alike" 401 '.error == "wrong email or password"'
lbt_http POST /tokens '{"email":'
lbt_expect "malformed JSON names the place" 400 '.error | startswith("malformed JSON at line 1")'
lbt_http POST /tokens '' -H 'Content-Type: text/plain' --data-binary 'x'
lbt_expect "wrong content type is 415" 415 '.error | contains("application/json")'
lbt_http POST /tokens '{"email":"admin@example.com"}'
lbt_expect "missing password is 400" 400 '.error | contains("password")'

lbt_http POST /users '{"email":"alice@example.com","password":"alice-pass-1"}'
lbt_expect "creating a user needs a token" 401
lbt_http POST /users '{"email":"alice@example.com","password":"alice-pass-1"}' "${A[@]}"
lbt_expect "admin creates a user" 201 '.email == "alice@example.com" and .admin == false'
ALICE_ID=$(jq -r .id <<<"$LBT_BODY")
loc=$(curl -s -D - -o /dev/null -X POST "${A[@]}" -H 'Content-Type: application/json' \
  --data '{"email":"bob@example.com","password":"bob-pass-12"}' "$LBT_HTTP/users" | tr -d '\r' | awk -F': ' 'tolower($1)=="location"{print $2}')
lbt_check "user creation answers a Location" grep -q '^/users/[0-9a-f-]\{36\}$' <<<"$loc"
lbt_http POST /users '{"email":"ALICE@example.com","password":"another-pass"}' "${A[@]}"
lbt_expect "duplicate email (any case) is 409" 409
lbt_http POST /users '{"email":"not-an-email","password":"long-enough"}' "${A[@]}"
lbt_expect "bad email is 400" 400 '.error | contains("not an email")'
lbt_http POST /users '{"email":"carol@example.com","password":"short"}' "${A[@]}"
lbt_expect "short password is 400" 400 '.error | contains("8 to")'

lbt_http POST /tokens '{"email":"alice@example.com","password":"alice-pass-1"}'
ALICE=$(jq -r .token <<<"$LBT_BODY")
AL=(-H "Authorization: Bearer $ALICE")
lbt_http POST /tokens '{"email":"bob@example.com","password":"bob-pass-12"}'
BOB=$(jq -r .token <<<"$LBT_BODY")
BO=(-H "Authorization: Bearer $BOB")
lbt_http POST /users '{"email":"dave@example.com","password":"dave-pass-1"}' "${AL[@]}"
lbt_expect "a non-admin cannot create users" 403
lbt_http GET /users/profile "" "${AL[@]}"
lbt_expect "profile shows the caller" 200 ".id == \"$ALICE_ID\" and .email == \"alice@example.com\""
lbt_http GET /users/profile
lbt_expect "profile without token is 401" 401 '.error | contains("Authorization")'
sig=$(cut -d. -f3 <<<"$ALICE")
forged="$(cut -d. -f1,2 <<<"$ALICE").$( [ "${sig:0:1}" = A ] && echo B || echo A)${sig:1}"
lbt_http GET /users/profile "" -H "Authorization: Bearer $forged"
lbt_expect "a forged signature is 401" 401 '.error == "invalid token signature"'
none_hdr=$(printf '{"alg":"none","typ":"JWT"}' | base64 -w0 | tr '+/' '-_' | tr -d '=')
payload=$(cut -d. -f2 <<<"$ALICE")
lbt_http GET /users/profile "" -H "Authorization: Bearer $none_hdr.$payload."
lbt_expect "alg none is 401" 401
lbt_http GET /users/profile "" -H "Authorization: Bearer garbage"
lbt_expect "garbage token is 401" 401 '.error == "malformed token"'
lbt_http PATCH /password '{"old_password":"nope-nope-1","password":"alice-pass-2"}' "${AL[@]}"
lbt_expect "password change with a wrong old one is 403" 403
lbt_http PATCH /password '{"old_password":"alice-pass-1","password":"alice-pass-2"}' "${AL[@]}"
lbt_expect "password change" 200
lbt_http POST /tokens '{"email":"alice@example.com","password":"alice-pass-1"}'
lbt_expect "the old password no longer works" 401
lbt_http POST /tokens '{"email":"alice@example.com","password":"alice-pass-2"}'
lbt_expect "the new password works" 201

# --- things
lbt_http POST /things '{"name":"Boiler","metadata":{"room":"cellar","floor":-1}}' "${AL[@]}"
lbt_expect "create a thing" 201 '.name == "Boiler" and (.key | test("^[0-9a-f]{32}$")) and .metadata.room == "cellar"'
T1=$(jq -r .id <<<"$LBT_BODY"); K1=$(jq -r .key <<<"$LBT_BODY")
lbt_http POST /things '{"name":"Meter","key":"my-own-key-1"}' "${AL[@]}"
lbt_expect "create a thing with its own key" 201 '.key == "my-own-key-1" and .metadata == {}'
T2=$(jq -r .id <<<"$LBT_BODY")
lbt_http POST /things '{"name":"Clone","key":"my-own-key-1"}' "${BO[@]}"
lbt_expect "a key already used is 409" 409
lbt_http POST /things '{"nmae":"typo"}' "${AL[@]}"
lbt_expect "unknown field is 400" 400 '.error | contains("nmae")'
lbt_http POST /things '{"metadata":[1]}' "${AL[@]}"
lbt_expect "metadata must be an object" 400
lbt_http POST /things '{"key":"has space"}' "${AL[@]}"
lbt_expect "a key with a space is 400" 400
big=$(head -c 70000 /dev/zero | tr '\0' a)
lbt_http POST /things "{\"name\":\"$big\"}" "${AL[@]}"
lbt_expect "a body over the limit is 413" 413
lbt_http POST /things/bulk '[{"name":"b1"},{"name":"b2","key":"bulk-key-2"},{"name":"b3"}]' "${AL[@]}"
lbt_expect "bulk create" 201 '.things | length == 3 and .[1].key == "bulk-key-2"'
lbt_http POST /things/bulk '[{"name":"c1"},{"name":"c2","key":"my-own-key-1"},{"name":"c3"}]' "${AL[@]}"
lbt_expect "bulk with a used key is 409" 409
lbt_http GET '/things?limit=100' "" "${AL[@]}"
lbt_expect "... and creates none of them" 200 '.total == 5'
lbt_http POST /things/bulk '[{"name":"ok"},{"name":7}]' "${AL[@]}"
lbt_expect "bulk item errors name the item" 400 '.error | startswith("item 1:")'
lbt_http POST /things/bulk '{}' "${AL[@]}"
lbt_expect "bulk needs an array" 400

lbt_http GET "/things/$T1" "" "${AL[@]}"
lbt_expect "get a thing" 200 ".id == \"$T1\" and .key == \"$K1\""
lbt_http GET "/things/$T1" "" "${BO[@]}"
lbt_expect "another user's thing is 404" 404
lbt_http GET "/things/$T1" "" "${A[@]}"
lbt_expect "an admin sees any thing" 200
lbt_http GET "/things/no-such-id" "" "${AL[@]}"
lbt_expect "unknown id is 404" 404 '.error == "thing not found"'

lbt_http GET '/things?offset=1&limit=2' "" "${AL[@]}"
lbt_expect "paging: total, offset, limit" 200 '.total == 5 and .offset == 1 and .limit == 2 and (.things | length) == 2'
lbt_http GET '/things?name=BOIL' "" "${AL[@]}"
lbt_expect "name filter is a case-insensitive substring" 200 '.total == 1 and .things[0].name == "Boiler"'
lbt_http GET '/things?metadata=%7B%22room%22%3A%22cellar%22%7D' "" "${AL[@]}"
lbt_expect "metadata filter" 200 ".total == 1 and .things[0].id == \"$T1\""
lbt_http GET '/things?order=name&dir=desc&limit=100' "" "${AL[@]}"
lbt_expect "order by name, descending" 200 '[.things[].name] == ([.things[].name] | sort | reverse)'
lbt_http GET '/things?limit=101' "" "${AL[@]}"
lbt_expect "limit over 100 is 400" 400 '.error | contains("limit")'
lbt_http GET '/things?offset=-1' "" "${AL[@]}"
lbt_expect "negative offset is 400" 400
lbt_http GET '/things?metadata=nope' "" "${AL[@]}"
lbt_expect "bad metadata filter is 400" 400
lbt_http GET '/things?order=color' "" "${AL[@]}"
lbt_expect "bad order is 400" 400
lbt_http GET '/things' "" "${BO[@]}"
lbt_expect "bob sees none of alice's things" 200 '.total == 0'

lbt_http PUT "/things/$T1" '{"name":"Boiler 2","metadata":{"room":"attic"}}' "${AL[@]}"
lbt_expect "update a thing" 200 '.name == "Boiler 2" and .metadata.room == "attic"'
lbt_http PUT "/things/$T1" '{"name":"x"}' "${BO[@]}"
lbt_expect "updating another user's thing is 404" 404
lbt_http PUT "/things/$T1" '{"key":"sneaky"}' "${AL[@]}"
lbt_expect "update cannot change the key" 400
lbt_http PATCH "/things/$T1/key" '{"key":"rotated-key-1"}' "${AL[@]}"
lbt_expect "change a key" 200 '.key == "rotated-key-1"'
lbt_http PATCH "/things/$T1/key" '{"key":"bulk-key-2"}' "${AL[@]}"
lbt_expect "changing to a used key is 409" 409

# --- channels
lbt_http POST /channels '{"name":"Sensors","metadata":{"site":"north"}}' "${AL[@]}"
lbt_expect "create a channel" 201 '.name == "Sensors" and (has("key") | not)'
C1=$(jq -r .id <<<"$LBT_BODY")
lbt_http POST /channels/bulk '[{"name":"Alarms"},{"name":"Logs"}]' "${AL[@]}"
lbt_expect "bulk channels" 201 '.channels | length == 2'
C2=$(jq -r '.channels[0].id' <<<"$LBT_BODY")
lbt_http POST /channels '{"key":"x"}' "${AL[@]}"
lbt_expect "a channel has no key" 400
lbt_http GET '/channels?name=alarm' "" "${AL[@]}"
lbt_expect "list channels with a filter" 200 '.total == 1 and .channels[0].name == "Alarms"'
lbt_http PUT "/channels/$C2" '{"name":"Alerts"}' "${AL[@]}"
lbt_expect "update a channel" 200 '.name == "Alerts"'
lbt_http GET "/channels/$C1" "" "${BO[@]}"
lbt_expect "another user's channel is 404" 404
lbt_http POST /channels '{"name":"Bob channel"}' "${BO[@]}"
CB=$(jq -r .id <<<"$LBT_BODY")

# --- connections
lbt_http PUT "/channels/$C1/things/$T1" "" "${AL[@]}"
lbt_expect "connect" 200
lbt_http PUT "/channels/$CB/things/$T1" "" "${AL[@]}"
lbt_expect "connecting to another user's channel is 404" 404
lbt_http PUT "/channels/$C1/things/$T1" "" "${BO[@]}"
lbt_expect "bob cannot connect alice's pair" 404
lbt_http POST /connect "{\"channel_ids\":[\"$C1\",\"$C2\"],\"thing_ids\":[\"$T2\"]}" "${AL[@]}"
lbt_expect "bulk connect" 200
lbt_http POST /connect "{\"channel_ids\":[\"$C1\",\"$CB\"],\"thing_ids\":[\"$T1\"]}" "${AL[@]}"
lbt_expect "bulk connect with a foreign channel is 404" 404
lbt_http GET "/things/$T1/channels?connected=all&limit=100" "" "${AL[@]}"
lbt_expect "... and connects nothing" 200 '[.channels[] | select(.connected)] | length == 1'
lbt_http POST /connect '{"channel_ids":[],"thing_ids":["x"]}' "${AL[@]}"
lbt_expect "bulk connect needs ids" 400
lbt_http GET "/channels/$C1/things" "" "${AL[@]}"
lbt_expect "a channel's connected things" 200 '.total == 2 and all(.things[]; .connected)'
lbt_http GET "/channels/$C1/things?connected=false&limit=100" "" "${AL[@]}"
lbt_expect "a channel's unconnected things" 200 '.total == 3 and all(.things[]; .connected | not)'
lbt_http GET "/things/$T2/channels" "" "${AL[@]}"
lbt_expect "a thing's channels" 200 '.total == 2'
lbt_http GET "/channels/$C1/things?connected=maybe" "" "${AL[@]}"
lbt_expect "bad connected value is 400" 400
lbt_http DELETE "/channels/$C1/things/$T2" "" "${AL[@]}"
lbt_expect "disconnect" 204
lbt_http DELETE "/channels/$C1/things/$T2" "" "${AL[@]}"
lbt_expect "disconnecting again is 404" 404

# --- deletion
lbt_http DELETE "/things/$T1" "" "${BO[@]}"
lbt_expect "deleting another user's thing is 404" 404
lbt_http DELETE "/things/$T1" "" "${AL[@]}"
lbt_expect "delete a thing" 204
lbt_http GET "/things/$T1" "" "${AL[@]}"
lbt_expect "a deleted thing is gone" 404
lbt_http GET "/channels/$C1/things" "" "${AL[@]}"
lbt_expect "its connections are gone" 200 '.total == 0'
lbt_http DELETE "/channels/$C2" "" "${AL[@]}"
lbt_expect "delete a channel" 204
lbt_http GET "/things/$T2/channels" "" "${AL[@]}"
lbt_expect "the channel's connections are gone" 200 '.total == 0'
lbt_http PATCH /channels "" "${AL[@]}"
lbt_expect "a wrong method is 405" 405
# --- the provisioning CLI against the same service
lb() { LB_URL=$LBT_HTTP "$LB_BIN/lyrebird" "$@"; }
tok=$(lb users token bob@example.com bob-pass-12)
lbt_check "cli: users token prints a token" test "$(cut -d. -f1 <<<"$tok")" = "$(cut -d. -f1 <<<"$BOB")"
export LB_TOKEN=$tok
lbt_check "cli: users profile" grep -q 'bob@example.com' <(lb users profile)
tid=$(lb things create cli-thing | awk '$1 == "id" {print $2}')
lbt_check "cli: things create prints the id" grep -qE '^[0-9a-f-]{36}$' <<<"$tid"
lbt_check "cli: things list is a table" grep -qE "^$tid +cli-thing +[0-9a-f]{32}$" <(lb things list)
lbt_eq "cli: --json gives the API's JSON" 1 "$(lb --json things list | jq .total)"
cid=$(lb --json channels create cli-channel | jq -r .id)
lbt_check "cli: connect" lb connect "$tid" "$cid"
lbt_check "cli: channels things" grep -q "$tid" <(lb channels things "$cid")
lbt_check "cli: disconnect" lb disconnect "$tid" "$cid"
lbt_check "cli: things delete" lb things delete "$tid"
set +e
out=$(lb things get "$tid" 2>&1); rc=$?
set -e
lbt_eq "cli: an API refusal exits 1" 1 "$rc"
lbt_check "cli: ... and prints the API's error" grep -q '404: thing not found' <<<"$out"
set +e
LB_TOKEN=bad lb things list 2>/dev/null; rc=$?
lb things get 2>/dev/null; rc2=$?
set -e
lbt_eq "cli: a bad token exits 1" 1 "$rc"
lbt_eq "cli: missing arguments exit 2" 2 "$rc2"
unset LB_TOKEN

lbt_check "the host logged requests without errors" bash -c "! grep -q 'level=error' '$LBT_TMP/host.log'"
lbt_done
