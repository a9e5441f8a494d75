#!/usr/bin/env bash
# Benchmark: `lyrebird up` from exec to ready (/health answers 200 with NATS connected), and
# the idle resident memory of the lyrebird process: the platform alone (no plugins) and with
# every plugin next to the binary. RSS counts the pages of shared libraries too (libcrypto
# through cnats, gnutls through libmicrohttpd), so the private part (RssAnon) is shown beside
# it. Baseline in the same run: nats-server alone from exec to accepting connections. Five
# runs each, medians.
source "$LB_SRC/tests/harness/lib.sh"
export LB_LOOPBACK_ONLY=1 LB_DATA_DIR=$LBT_TMP/data
ms() { date +%s%N | cut -c1-13; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
mkdir -p "$LBT_TMP/noplugins"

# run_up PLUGIN_DIR: starts up, waits for ready; prints "ms rss_kB anon_kB"
run_up() {
  local http nats t0 host took
  http=$(lbt_free_port); nats=$(lbt_free_port)
  t0=$(ms)
  LB_PLUGIN_DIR=$1 LB_HTTP_PORT=$http LB_NATS_PORT=$nats LB_WS_PORT=$(lbt_free_port) \
    LB_COAP_PORT=$(lbt_free_port) LB_MQTT_PORT=$(lbt_free_port) LB_MQTT_WS_PORT=0 \
    LB_LORA_UDP_PORT=$(lbt_free_port) LB_INFLUX_PORT=$(lbt_free_port) \
    LB_INFLUX_RPC_PORT=$(lbt_free_port) "$LB_BIN/lyrebird" up 2>/dev/null &
  host=$!
  LBT_PIDS+=("$host")
  until curl -s "http://127.0.0.1:$http/health" 2>/dev/null | grep -q '"status":"ok"'; do sleep 0.002; done
  took=$(( $(ms) - t0 ))
  sleep 1
  echo "$took $(awk '/VmRSS/ {r=$2} /RssAnon/ {a=$2} END {print r, a}' /proc/$host/status)"
  kill -TERM "$host"; wait "$host" || true
}

bases=() ups=() rss=() anon=() full_rss=() full_anon=() full_ups=()
for run in 1 2 3 4 5; do
  port=$(lbt_free_port)
  t0=$(ms)
  nats-server -a 127.0.0.1 -p "$port" >/dev/null 2>&1 &
  pid=$!
  lbt_wait_port "$port" 10
  bases+=($(( $(ms) - t0 )))
  kill "$pid"; wait "$pid" 2>/dev/null || true
  read -r t r a < <(run_up "$LBT_TMP/noplugins"); ups+=("$t"); rss+=("$r"); anon+=("$a")
  read -r t r a < <(run_up "$LB_BIN"); full_ups+=("$t"); full_rss+=("$r"); full_anon+=("$a")
done
m() { printf '%s\n' "$@" | median; }
echo "runs: up ${ups[*]} ms (all plugins ${full_ups[*]} ms); nats-server alone ${bases[*]} ms"
echo "lyrebird_up_ready: $(m "${ups[@]}") ms, with every plugin $(m "${full_ups[@]}") ms (nats-server alone: $(m "${bases[@]}") ms; target < 1000 ms)"
echo "lyrebird_idle_rss: $(m "${rss[@]}") kB, of it private $(m "${anon[@]}") kB (platform alone; target < 10240 kB)"
echo "lyrebird_idle_rss_all_plugins: $(m "${full_rss[@]}") kB, of it private $(m "${full_anon[@]}") kB (things, http, ws, coap)"
