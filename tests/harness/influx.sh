# InfluxDB helpers for integration tests; source after lib.sh.
#
# lbt_influxd_start DIR PORT: starts influxd 1.x with its data under DIR, HTTP on
# 127.0.0.1:PORT, RPC on a free port, nothing else listening; waits for /ping; sets
# LBT_INFLUXD_PID. Calling it again with the same DIR restarts on the same data.
lbt_influxd_start() {
  local dir=$1 port=$2 i
  mkdir -p "$dir"
  if [ ! -f "$dir/influxdb.conf" ]; then
    cat >"$dir/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$(lbt_free_port)"
[meta]
  dir = "$dir/meta"
[data]
  dir = "$dir/data"
  wal-dir = "$dir/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:$port"
  log-enabled = false
CONF
  fi
  influxd -config "$dir/influxdb.conf" >>"$dir/influxd.log" 2>&1 &
  LBT_INFLUXD_PID=$!
  LBT_PIDS+=("$LBT_INFLUXD_PID")
  for ((i = 0; i < 1500; i++)); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/ping")" = 204 ] && return 0
    sleep 0.02
  done
  echo "influxd did not start:"; tail -20 "$dir/influxd.log"; exit 1
}

# lbt_influxd_stop: stops the influxd of lbt_influxd_start and waits for it to exit.
lbt_influxd_stop() {
  kill "$LBT_INFLUXD_PID" 2>/dev/null || true
  local i
  for ((i = 0; i < 500; i++)); do kill -0 "$LBT_INFLUXD_PID" 2>/dev/null || return 0; sleep 0.02; done
  kill -9 "$LBT_INFLUXD_PID" 2>/dev/null || true
}

# lbt_influx_query URL DB QUERY: prints the JSON answer of /query (epoch=ns).
lbt_influx_query() {
  curl -s -G "$1/query" --data-urlencode "db=$2" --data-urlencode "epoch=ns" \
    --data-urlencode "q=$3"
}
