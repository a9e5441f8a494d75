#!/usr/bin/env bash
# Benchmark: `lyrebird up` from exec to ready (/health answers 200 with NATS connected), and
# the idle resident memory of the lyrebird process. Baseline in the same run: nats-server
# alone from exec to accepting connections. Five runs each, medians.
source "$LB_SRC/tests/harness/lib.sh"
export LB_LOOPBACK_ONLY=1 LB_DATA_DIR=$LBT_TMP/data LB_PLUGIN_DIR=${LB_PLUGIN_DIR:-$LB_BIN}
ms() { date +%s%N | cut -c1-13; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ups=() bases=() rss=()
for run in 1 2 3 4 5; do
  port=$(lbt_free_port)
  t0=$(ms)
  nats-server -a 127.0.0.1 -p "$port" >/dev/null 2>&1 &
  pid=$!
  lbt_wait_port "$port" 10
  bases+=($(( $(ms) - t0 )))
  kill "$pid"; wait "$pid" 2>/dev/null || true

  http=$(lbt_free_port); nats=$(lbt_free_port)
  t0=$(ms)
  LB_HTTP_PORT=$http LB_NATS_PORT=$nats "$LB_BIN/lyrebird" up 2>/dev/null &
  host=$!
  LBT_PIDS+=("$host")
  until curl -s "http://127.0.0.1:$http/health" 2>/dev/null | grep -q '"nats":"connected"'; do sleep 0.002; done
  ups+=($(( $(ms) - t0 )))
  sleep 1
  rss+=($(awk '/VmRSS/ {print $2}' /proc/$host/status))
  kill -TERM "$host"; wait "$host" || true
done
up=$(printf '%s\n' "${ups[@]}" | median)
base=$(printf '%s\n' "${bases[@]}" | median)
mem=$(printf '%s\n' "${rss[@]}" | median)
echo "runs: up ${ups[*]} ms; nats-server alone ${bases[*]} ms; rss ${rss[*]} kB"
echo "lyrebird_up_ready: ${up} ms (nats-server alone: ${base} ms; target < 1000 ms)"
echo "lyrebird_idle_rss: ${mem} kB (target < 10240 kB)"
