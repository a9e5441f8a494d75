#!/usr/bin/env bash
# lyrebird-sim against lbt_udp_sink, a stand-in network server that acknowledges every
# datagram and answers joins and uplinks in RX1 or RX2 with the simulator's own key formula:
# the gateway side (PUSH_DATA per hearing gateway, PULL_DATA, TX_ACK NONE/TOO_LATE), OTAA
# joins per MAC version, downlinks by window, confirmed uplinks and their ACKs, --replay,
# --bad-mic, --state across runs, --rate, and the send rate without a limit.
source "$LB_SRC/tests/harness/lib.sh"
sim=$LB_BIN/lyrebird-sim

# start_sink [sink options]: sets SINK (its port) and SINK_PID; its lines go to $LBT_TMP/sink
start_sink() {
  "$LB_BIN/lbt_udp_sink" "$@" >"$LBT_TMP/sink" 2>>"$LBT_TMP/sink.err" &
  SINK_PID=$!
  LBT_PIDS+=("$SINK_PID")
  for _ in $(seq 100); do
    SINK=$(head -1 "$LBT_TMP/sink" 2>/dev/null | jq -r '.port // empty' 2>/dev/null)
    [ -n "$SINK" ] && return 0
    sleep 0.05
  done
  echo "lbt_udp_sink did not start"
  exit 1
}
# stop_sink: its counts (one JSON line) in $LBT_TMP/counts
stop_sink() {
  kill "$SINK_PID"
  wait "$SINK_PID" || lbt_fail "lbt_udp_sink exited $?"
  tail -1 "$LBT_TMP/sink" >"$LBT_TMP/counts"
}
# run NAME [sim options]: the summary in $LBT_TMP/NAME.json, downlink lines in NAME.log
run() {
  local name=$1
  shift
  local rc=0
  "$sim" --server "127.0.0.1:$SINK" --json --log-downlinks "$@" >"$LBT_TMP/$name.out" 2>"$LBT_TMP/$name.err" ||
    rc=$?
  [ "$rc" = 0 ] || { lbt_fail "$name: lyrebird-sim exited $rc"; cat "$LBT_TMP/$name.err"; }
  grep -v '"dev_eui"' "$LBT_TMP/$name.out" >"$LBT_TMP/$name.json" || true
  grep '"dev_eui"' "$LBT_TMP/$name.out" >"$LBT_TMP/$name.log" || true
}
field() { jq -r ".$2" "$LBT_TMP/$1.json"; }
fields() { jq -r "[$2]|join(\" \")" "$LBT_TMP/$1.json"; }
jqt() { jq -e "$1" "$LBT_TMP/$2.json" >/dev/null; } # jqt EXPR NAME: EXPR holds for NAME.json

# ABP, confirmed: every uplink acknowledged in RX1, with the sink's payload
start_sink --reply rx1
run abp --devices 5 --uplinks 3 --confirmed --wait-downlink 1500
lbt_eq "ABP confirmed: sent, PUSH_ACKed, answered in RX1, ACKed" "15 15 15 15 15 0 0" \
  "$(fields abp '.uplinks_sent,.push_acks,.confirmed_sent,.downlinks_rx1,.acks_received,.downlinks_bad_mic,.downlinks_no_window')"
lbt_check "the server had more than 800 ms of lead" jqt '.min_lead_ms > 800' abp
lbt_eq "each downlink decrypted: payload CAFE|FCnt, FPort 1, radio as RX1 wants" \
  "CAFE00 CAFE01 CAFE02 1 true true" \
  "$(jq -rs '[(map(select(.dev_eui=="0080000000000004"))|map(.payload)|join(" ")), (map(.fport)|unique|join(",")), (map(.radio_ok)|all), (map(.ack)|all)]|join(" ")' "$LBT_TMP/abp.log")"
stop_sink
lbt_eq "the sink got one PUSH_DATA per uplink and a TX_ACK NONE per downlink" "15 15 0" \
  "$(jq -r '[.rxpk,.tx_ack_ok,.tx_ack_too_late]|join(" ")' "$LBT_TMP/counts")"

# three gateways, two hear each frame, gateway 1 best; answers in RX2
start_sink --reply rx2
run gw3 --gateways 3 --hear 2 --best 1 --devices 4 --uplinks 2 --wait-downlink 2500
lbt_eq "two PUSH_DATA per frame, all answered in RX2" "8 16 3 8 0" \
  "$(fields gw3 '.uplinks_sent,.push_acks,.pull_acks,.downlinks_rx2,.downlinks_rx1')"
lbt_eq "the downlinks went through the best gateway (1)" "AA555A0000000001" \
  "$(jq -rs 'map(.gateway)|unique|join(",")' "$LBT_TMP/gw3.log")"
lbt_eq "RX2: 869.525 MHz SF12BW125" "869.525 SF12BW125 true" \
  "$(jq -rs '[(map(.freq)|unique|join(",")), (map(.datr)|unique|join(",")), (map(.radio_ok)|all)]|join(" ")' "$LBT_TMP/gw3.log")"
stop_sink

# a server too slow for the gateway: TX_ACK TOO_LATE below --tx-lead-ms
start_sink --reply rx1 --reply-delay-ms 980
run late --devices 3 --wait-downlink 1500
lbt_eq "answers 20 ms before their time are TOO_LATE" "3 3 0" \
  "$(fields late '.downlinks,.downlinks_late,.downlinks_rx1')"
run lead1 --devices 3 --wait-downlink 1500 --tx-lead-ms 1
lbt_eq "... and sent with --tx-lead-ms 1" "3 0 3" "$(fields lead1 '.downlinks,.downlinks_late,.downlinks_rx1')"
stop_sink
lbt_eq "the sink was told TOO_LATE 3 times, NONE 3 times" "3 3" \
  "$(jq -r '[.tx_ack_too_late,.tx_ack_ok]|join(" ")' "$LBT_TMP/counts")"

# OTAA joins, each MAC version: join-accept decrypted, MIC checked, keys derived, then the
# session's downlinks decrypt
for mac in 1.0.3 1.0.4 1.1; do
  start_sink --reply rx1 --mac "${mac%.[34]}"
  run "otaa$mac" --mode otaa --mac "$mac" --devices 4 --uplinks 2 --wait-downlink 1500
  lbt_eq "OTAA $mac: joined, uplinks answered in RX1" "4 4 0 8 12" \
    "$(fields "otaa$mac" '.joins_sent,.joins_accepted,.joins_failed,.uplinks_sent,.downlinks_rx1')"
  lbt_eq "OTAA $mac: join-accepts 5 s after the request, with the CFList" "4 true" \
    "$(jq -rs '[(map(select(.join_accept and .window=="rx1" and .lead_ms > 4900))|length), (map(select(.join_accept))|map(.cflist|length==32)|all)]|join(" ")' "$LBT_TMP/otaa$mac.log")"
  stop_sink
done

# --replay sends each uplink twice; --bad-mic ones are refused by the sink
start_sink --reply rx1
run replay --devices 2 --uplinks 2 --replay --wait-downlink 1500
lbt_eq "--replay: each uplink again 400 ms later" "4 4 8" "$(fields replay '.uplinks_sent,.replays_sent,.push_acks')"
lbt_eq "--replay: the answers to the copies reuse a counter and are dropped" "4 4" \
  "$(fields replay '.downlinks_rx1,.downlinks_replayed')"
run badmic --devices 2 --uplinks 2 --bad-mic --wait-downlink 1200
lbt_eq "--bad-mic: no answers" "4 0" "$(fields badmic '.uplinks_sent,.downlinks')"
stop_sink

# --state: a second run goes on with FCntUp and DevNonce
start_sink --reply rx1 --mac 1.0
run st1 --devices 2 --uplinks 2 --state "$LBT_TMP/state.json" --wait-downlink 1200
run st2 --devices 2 --uplinks 2 --state "$LBT_TMP/state.json" --wait-downlink 1200
lbt_eq "ABP with --state: the second run starts at FCnt 2" "2,3" \
  "$(jq -rs 'map(select(.dev_eui=="0080000000000000"))|map(.fcnt)|join(",")' "$LBT_TMP/st2.log")"
lbt_eq "the state holds FCntUp and the FCntDown seen" "4 3" \
  "$(jq -r '.devices["0080000000000001"]|[.fcnt_up,.n_fcnt_down]|join(" ")' "$LBT_TMP/state.json")"
run o1 --mode otaa --mac 1.0.4 --devices 1 --state "$LBT_TMP/ostate.json" --wait-downlink 1200
run o2 --mode otaa --mac 1.0.4 --devices 1 --state "$LBT_TMP/ostate.json" --wait-downlink 1200
lbt_eq "OTAA with --state keeps the session: no second join" "1 0 1" \
  "$(echo "$(field o1 joins_accepted) $(field o2 joins_sent) $(field o2 downlinks_rx1)")"
run o3 --mode otaa --mac 1.0.4 --devices 1 --state "$LBT_TMP/ostate.json" --rejoin --wait-downlink 1200
lbt_eq "--rejoin joins again with the next DevNonce" "1 1" \
  "$(echo "$(field o3 joins_accepted) $(jq -r '.devices[].last_dev_nonce' "$LBT_TMP/ostate.json")")"
stop_sink

# pacing and speed (no answers, so no waiting)
start_sink --fast
run rate --devices 100 --uplinks 0 --duration 1 --rate 2000 --wait-downlink 0
lbt_check "--rate 2000 for 1 s sends 2000 (never over +10 %; a loaded machine may lag)" jqt '.uplinks_sent > 1500 and .uplinks_sent < 2200' rate
run fast --devices 2000 --uplinks 10 --wait-downlink 0
lbt_eq "as fast as the window allows: every uplink PUSH_ACKed" "20000 20000 0" \
  "$(fields fast '.uplinks_sent,.push_acks,.push_ack_timeouts')"
echo "# send rate: $(field fast uplinks_per_s) uplinks/s (1 gateway)"
run fast3 --devices 2000 --uplinks 5 --gateways 3 --batch 4 --wait-downlink 0
lbt_eq "3 gateways, up to 4 rxpk per PUSH_DATA: all PUSH_ACKed" "10000 true" \
  "$(fields fast3 '.uplinks_sent, (.push_acks == .push_data_sent and .push_data_sent >= 7500 and .push_data_sent < 15000)')"
echo "# send rate: $(field fast3 uplinks_per_s) uplinks/s (3 gateways, batch 4)"
stop_sink

lbt_done
