# Shell test harness: source it from an integration test. It gives free loopback ports,
# a scratch folder cleaned on exit, process bookkeeping so nothing outlives the test, and
# small assertion helpers that fail the test with a message. LBT_KEEP=1 keeps the scratch
# folder (logs, data) for a look after the test.
set -euo pipefail

LBT_TMP=$(mktemp -d /tmp/lbtest.XXXXXX)
LBT_PIDS=()
LBT_FAILS=0
LBT_PASSES=0

lbt_cleanup() {
  local p
  for p in "${LBT_PIDS[@]:-}"; do
    [ -n "$p" ] && kill "$p" 2>/dev/null || true
  done
  sleep 0.2
  for p in "${LBT_PIDS[@]:-}"; do
    [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true
  done
  [ -n "${LBT_KEEP:-}" ] || rm -rf "$LBT_TMP"
}
trap lbt_cleanup EXIT

# A TCP port on 127.0.0.1 that was free a moment ago.
lbt_free_port() { "$LB_BIN/lbt_free_port"; }

# Waits until 127.0.0.1:$1 accepts TCP connections, up to $2 seconds (default 10).
lbt_wait_port() {
  local port=$1 limit=${2:-10} i
  for ((i = 0; i < limit * 100; i++)); do
    (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return 0
    sleep 0.01
  done
  return 1
}

# Starts nats-server on a free port; sets LBT_NATS_PORT, LBT_NATS_URL, LBT_NATS_PID.
lbt_start_nats() {
  LBT_NATS_PORT=$(lbt_free_port)
  nats-server -a 127.0.0.1 -p "$LBT_NATS_PORT" >"$LBT_TMP/nats.log" 2>&1 &
  LBT_NATS_PID=$!
  LBT_PIDS+=("$LBT_NATS_PID")
  LBT_NATS_URL="nats://127.0.0.1:$LBT_NATS_PORT"
  lbt_wait_port "$LBT_NATS_PORT" 10 || { echo "nats-server did not start"; exit 1; }
}

# Waits until curl gets HTTP 200 from $1, up to $2 seconds (default 10).
lbt_wait_http() {
  local url=$1 limit=${2:-10} i
  for ((i = 0; i < limit * 50; i++)); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url" 2>/dev/null)" = 200 ] && return 0
    sleep 0.02
  done
  return 1
}

lbt_pass() { LBT_PASSES=$((LBT_PASSES + 1)); echo "ok - $1"; }
lbt_fail() { LBT_FAILS=$((LBT_FAILS + 1)); echo "FAIL - $1"; }
# lbt_check "what" <command...>: passes when the command succeeds.
lbt_check() { local what=$1; shift; if "$@"; then lbt_pass "$what"; else lbt_fail "$what"; fi; }
# lbt_eq "what" expected actual
lbt_eq() {
  if [ "$2" = "$3" ]; then lbt_pass "$1"; else lbt_fail "$1: expected '$2', got '$3'"; fi
}
# Prints the summary line and exits non-zero when anything failed.
lbt_done() {
  echo "$LBT_PASSES passed, $LBT_FAILS failed"
  [ "$LBT_FAILS" -eq 0 ]
}

# Starts `lyrebird run <plugins...>` against $LBT_NATS_URL (start it first) on a free HTTP
# port with its data under $LBT_TMP/data; sets LBT_HTTP (base URL) and LBT_HOST_PID; its log
# goes to $LBT_TMP/host.log. Extra settings come from the environment.
lbt_start_host() {
  local port
  port=$(lbt_free_port)
  LB_NATS_URL=$LBT_NATS_URL LB_HTTP_PORT=$port LB_LOOPBACK_ONLY=1 \
    LB_DATA_DIR=${LB_DATA_DIR:-$LBT_TMP/data} "$LB_BIN/lyrebird" run "$@" 2>>"$LBT_TMP/host.log" &
  LBT_HOST_PID=$!
  LBT_PIDS+=("$LBT_HOST_PID")
  LBT_HTTP="http://127.0.0.1:$port"
  lbt_wait_http "$LBT_HTTP/health" 20 || { echo "host did not start:"; cat "$LBT_TMP/host.log"; exit 1; }
}

# lbt_http METHOD PATH [BODY] [extra curl args...]: sets LBT_STATUS and LBT_BODY.
lbt_http() {
  local method=$1 path=$2 body=${3:-}
  shift $(($# < 3 ? $# : 3))
  local args=(-s -o "$LBT_TMP/body" -w '%{http_code}' -X "$method" "$@")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  LBT_STATUS=$(curl "${args[@]}" "$LBT_HTTP$path")
  LBT_BODY=$(cat "$LBT_TMP/body")
}

# lbt_expect "what" STATUS [jq filter that must be true]: checks the last lbt_http answer.
lbt_expect() {
  local what=$1 status=$2 filter=${3:-}
  if [ "$LBT_STATUS" != "$status" ]; then
    lbt_fail "$what: status $LBT_STATUS (want $status): $LBT_BODY"
  elif [ -n "$filter" ] && [ "$(jq -r "$filter" <<<"$LBT_BODY" 2>/dev/null)" != true ]; then
    lbt_fail "$what: body fails '$filter': $LBT_BODY"
  else
    lbt_pass "$what"
  fi
}

# lbt_provision: logs in as the admin (LB_ADMIN_EMAIL/LB_ADMIN_PASSWORD), creates things
# T1, T2 and channel C1 with T1 and T2 connected, and channel C2 with nobody. Sets TOKEN,
# T1 K1 T2 K2 C1 C2.
lbt_provision() {
  lbt_http POST /tokens "{\"email\":\"$LB_ADMIN_EMAIL\",\"password\":\"$LB_ADMIN_PASSWORD\"}"
  TOKEN=$(jq -r .token <<<"$LBT_BODY")
  local auth=(-H "Authorization: Bearer $TOKEN")
  lbt_http POST /things/bulk '[{"name":"t1"},{"name":"t2"}]' "${auth[@]}"
  T1=$(jq -r '.things[0].id' <<<"$LBT_BODY"); K1=$(jq -r '.things[0].key' <<<"$LBT_BODY")
  T2=$(jq -r '.things[1].id' <<<"$LBT_BODY"); K2=$(jq -r '.things[1].key' <<<"$LBT_BODY")
  lbt_http POST /channels/bulk '[{"name":"c1"},{"name":"c2"}]' "${auth[@]}"
  C1=$(jq -r '.channels[0].id' <<<"$LBT_BODY"); C2=$(jq -r '.channels[1].id' <<<"$LBT_BODY")
  lbt_http POST /connect "{\"channel_ids\":[\"$C1\"],\"thing_ids\":[\"$T1\",\"$T2\"]}" "${auth[@]}"
  [ "$LBT_STATUS" = 200 ] || { echo "provisioning failed: $LBT_BODY"; exit 1; }
}

# lbt_sub_start SUBJECT COUNT TIMEOUT_MS OUTFILE: a bus subscriber in the background, ready
# when this returns; sets LBT_SUB_PID.
lbt_sub_start() {
  "$LB_BIN/lbt_sub" "$LBT_NATS_URL" "$1" "$2" "$3" >"$4" 2>"$4.err" &
  LBT_SUB_PID=$!
  LBT_PIDS+=("$LBT_SUB_PID")
  local i
  for ((i = 0; i < 500; i++)); do grep -q ready "$4.err" 2>/dev/null && return 0; sleep 0.01; done
  echo "lbt_sub did not start"; cat "$4.err"; exit 1
}
