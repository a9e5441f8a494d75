#!/usr/bin/env bash
# `lyrebird` as a user runs it: the CLI, `up` starting and supervising nats-server, health
# and metrics, restart of a killed nats-server, clean stop leaving no child behind, and
# clear errors for bad settings.
source "$LB_SRC/tests/harness/lib.sh"
lb=$LB_BIN/lyrebird
export LB_LOOPBACK_ONLY=1

lbt_check "version prints the version" grep -q '^lyrebird [0-9]' <("$lb" version)
lbt_check "help lists the commands" grep -q 'run <plugin>' <("$lb" help)
set +e
"$lb" frobnicate 2>"$LBT_TMP/err"; rc=$?
lbt_eq "unknown command exits 2" 2 "$rc"
LB_HTTP_PORT=abc "$lb" up 2>"$LBT_TMP/err"; rc=$?
lbt_eq "bad LB_HTTP_PORT exits 2" 2 "$rc"
lbt_check "the error names the variable" grep -q "LB_HTTP_PORT: 'abc' is not a port number" "$LBT_TMP/err"
"$lb" --nats-port 0 up 2>"$LBT_TMP/err"; rc=$?
lbt_eq "a bad flag value exits 2" 2 "$rc"
lbt_check "the error names the setting of the flag" grep -q "LB_NATS_PORT: '0'" "$LBT_TMP/err"
set -e

# up: starts nats-server and gets healthy
http=$(lbt_free_port); nats=$(lbt_free_port)
export LB_HTTP_PORT=$http LB_NATS_PORT=$nats LB_DATA_DIR=$LBT_TMP/data
# every plugin in the folder starts: give each of their servers a free port
export LB_WS_PORT=$(lbt_free_port) LB_COAP_PORT=$(lbt_free_port) LB_MQTT_PORT=$(lbt_free_port)
export LB_MQTT_WS_PORT=0 LB_LORA_UDP_PORT=$(lbt_free_port) LB_INFLUX_PORT=$(lbt_free_port)
export LB_INFLUX_RPC_PORT=$(lbt_free_port)
"$lb" up 2>"$LBT_TMP/up.log" &
host=$!
LBT_PIDS+=("$host")
lbt_check "up answers /health with 200" lbt_wait_http "http://127.0.0.1:$http/health" 10
health=$(curl -s "http://127.0.0.1:$http/health")
lbt_check "health says NATS is connected" grep -q '"nats":"connected"' <<<"$health"
child=$(pgrep -P "$host" -x nats-server || true)
lbt_check "nats-server runs as a child of the host" test -n "$child"
lbt_check "nats-server listens on LB_NATS_PORT" lbt_wait_port "$nats" 1
lbt_check "nats-server's output goes to the data dir" test -f "$LBT_TMP/data/logs/nats-server.log"
metrics=$(curl -s "http://127.0.0.1:$http/metrics")
lbt_check "metrics: bus gauge" grep -q '^lb_bus_connected 1' <<<"$metrics"
lbt_check "metrics: TYPE lines" grep -q '^# TYPE lb_bus_connected gauge' <<<"$metrics"
lbt_check "metrics: HTTP requests counted" grep -q '^lb_http_requests_total' <<<"$metrics"

# supervision: a killed nats-server comes back and the bus reconnects
kill -9 "$child"
new=""
for _ in $(seq 1 100); do
  new=$(pgrep -P "$host" -x nats-server || true)
  [ -n "$new" ] && [ "$new" != "$child" ] && break
  sleep 0.05
done
lbt_check "killed nats-server is restarted" test -n "$new" -a "$new" != "$child"
ok=no
for _ in $(seq 1 100); do
  curl -s "http://127.0.0.1:$http/health" | grep -q '"status":"ok"' && { ok=yes; break; }
  sleep 0.05
done
lbt_eq "bus reconnects and health is ok again" yes "$ok"
lbt_check "the restart is counted" grep -q '^lb_child_restarts_total{child="nats-server"} 1' \
  <(curl -s "http://127.0.0.1:$http/metrics")
lbt_check "the restart is logged" grep -q 'msg="child exited, restarting" child=nats-server' "$LBT_TMP/up.log"

# SIGTERM: plugins, bus, then children stop; nothing is left behind
kill -TERM "$host"
set +e; wait "$host"; rc=$?; set -e
lbt_eq "SIGTERM exits 0" 0 "$rc"
lbt_check "no nats-server left behind after SIGTERM" bash -c "! kill -0 $new 2>/dev/null"

# SIGINT works the same
"$lb" up 2>"$LBT_TMP/up2.log" &
host=$!
LBT_PIDS+=("$host")
lbt_wait_http "http://127.0.0.1:$http/health" 10
child=$(pgrep -P "$host" -x nats-server || true)
kill -INT "$host"
set +e; wait "$host"; rc=$?; set -e
lbt_eq "SIGINT exits 0" 0 "$rc"
lbt_check "no nats-server left behind after SIGINT" bash -c "! kill -0 $child 2>/dev/null"

# even a host killed with SIGKILL takes its child with it
"$lb" up 2>"$LBT_TMP/up3.log" &
host=$!
lbt_wait_http "http://127.0.0.1:$http/health" 10
child=$(pgrep -P "$host" -x nats-server || true)
kill -9 "$host"
gone=no
for _ in $(seq 1 100); do kill -0 "$child" 2>/dev/null || { gone=yes; break; }; sleep 0.02; done
lbt_eq "no nats-server left behind after SIGKILL of the host" yes "$gone"

# with LB_NATS_URL, up uses that server and starts none
lbt_start_nats
LB_NATS_URL=$LBT_NATS_URL "$lb" up 2>"$LBT_TMP/up4.log" &
host=$!
LBT_PIDS+=("$host")
lbt_check "up with LB_NATS_URL gets healthy" lbt_wait_http "http://127.0.0.1:$http/health" 10
lbt_eq "up with LB_NATS_URL starts no nats-server" "" "$(pgrep -P "$host" -x nats-server || true)"

# the HTTP port taken: a clear error, exit 1, no child left
set +e
LB_NATS_PORT=$(lbt_free_port) "$lb" up 2>"$LBT_TMP/up5.log"; rc=$?
set -e
lbt_eq "HTTP port in use exits 1" 1 "$rc"
lbt_check "the error says the listener failed" grep -q 'cannot start the HTTP listener' "$LBT_TMP/up5.log"
kill -TERM "$host"; wait "$host" || true
lbt_done
