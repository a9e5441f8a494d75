#!/usr/bin/env bash
# The plugin ABI as a third party meets it: build tests/plugins/example against the
# *installed* headers alone with plain cc, check it exports only its entry symbol and links
# nothing of Lyrebird's, then load two copies into `lyrebird run` and use every service the
# example touches (config, log, HTTP routes, metrics, bus request/reply); stop order is the
# reverse of start order; a wrong ABI and a missing file are refused clearly.
source "$LB_SRC/tests/harness/lib.sh"

prefix=$LBT_TMP/prefix
cmake --install "$LB_BUILD" --prefix "$prefix" >/dev/null
src=$LB_SRC/tests/plugins/example/example.c
build() { cc -std=c11 -shared -fPIC -fvisibility=hidden -Wall -Wextra -Werror -I"$prefix/include" "$@"; }
build -DEXAMPLE_NAME='"alpha"' "$src" -o "$LBT_TMP/alpha.so"
build -DEXAMPLE_NAME='"beta"' "$src" -o "$LBT_TMP/beta.so"
build -DEXAMPLE_ABI=999 "$src" -o "$LBT_TMP/wrongabi.so"
lbt_pass "example plugin builds with cc against the installed headers only"

exported=$(nm -D --defined-only "$LBT_TMP/alpha.so" | awk '$2 ~ /^[TDBR]$/ {print $3}' | sort | tr '\n' ' ')
lbt_eq "only the entry symbol is exported" "lb_plugin_entry " "$exported"
lbt_check "the plugin needs no Lyrebird library" bash -c "! readelf -d '$LBT_TMP/alpha.so' | grep -q lyrebird"

lbt_start_nats
http=$(lbt_free_port)
export LB_NATS_URL=$LBT_NATS_URL LB_HTTP_PORT=$http LB_LOOPBACK_ONLY=1 LB_DATA_DIR=$LBT_TMP/data
LB_EXAMPLE_GREETING=hi "$LB_BIN/lyrebird" run "$LBT_TMP/alpha.so" "$LBT_TMP/beta.so" 2>"$LBT_TMP/run.log" &
host=$!
LBT_PIDS+=("$host")
lbt_check "host with two plugins becomes healthy" lbt_wait_http "http://127.0.0.1:$http/health" 10
health=$(curl -s "http://127.0.0.1:$http/health")
lbt_check "health lists both plugins in load order" grep -q '"plugins":\["alpha","beta"\]' <<<"$health"
lbt_eq "route with config and query" '{"plugin":"alpha","greeting":"hi","who":"bob"}' \
  "$(curl -s "http://127.0.0.1:$http/alpha/hello?who=bob")"
lbt_eq "bus request/reply through the host table" '{"reply":"pong from beta"}' \
  "$(curl -s "http://127.0.0.1:$http/beta/ping")"
lbt_check "plugin metric is exported" grep -q '^alpha_hellos_total 1$' <(curl -s "http://127.0.0.1:$http/metrics")
lbt_check "plugin log lines carry the plugin name" grep -q 'plugin=alpha msg="initialised" data_dir=' "$LBT_TMP/run.log"

kill -TERM "$host"
wait "$host"; rc=$?
lbt_eq "SIGTERM stops the host cleanly" 0 "$rc"
order=$(grep -oE 'plugin=(alpha|beta) msg="stopped"' "$LBT_TMP/run.log" | cut -d' ' -f1 | tr '\n' ' ')
lbt_eq "plugins stop in reverse order" "plugin=beta plugin=alpha " "$order"

set +e
"$LB_BIN/lyrebird" run "$LBT_TMP/wrongabi.so" 2>"$LBT_TMP/abi.log"; rc=$?
set -e
lbt_eq "a plugin of another ABI is refused" 1 "$rc"
lbt_check "the refusal says why" grep -q 'plugin built for another ABI.*abi=999' "$LBT_TMP/abi.log"

set +e
"$LB_BIN/lyrebird" run no-such-plugin 2>"$LBT_TMP/missing.log"; rc=$?
set -e
lbt_eq "a missing plugin is refused" 1 "$rc"
lbt_check "the refusal names the plugin" grep -q 'cannot load plugin.*plugin=no-such-plugin' "$LBT_TMP/missing.log"
lbt_done
