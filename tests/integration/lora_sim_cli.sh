#!/usr/bin/env bash
# lyrebird-sim's command line: `lyrebird sim` runs it, --help lists the options, bad options
# exit 2 naming the option, --print-devices prints POST /lora/devices bodies of the right
# shape with keys from the documented --key-seed formula (checked with the openssl CLI), and
# --register POSTs them (against a small recording HTTP server).
source "$LB_SRC/tests/harness/lib.sh"
sim=$LB_BIN/lyrebird-sim

lbt_check "lyrebird help lists sim" grep -q '^  sim ' <("$LB_BIN/lyrebird" help)
lbt_check "lyrebird sim --help runs the simulator" grep -q -- '--key-seed' <("$LB_BIN/lyrebird" sim --help)
lbt_check "--help documents the key formula" grep -q 'P | DevEUI' <("$sim" --help)

set +e
for bad in "--gateways 0" "--mode foo" "--mac 1.2" "--region XX915" "--payload 0g" \
    "--gateways 2 --hear 3" "--key-seed 00" "--server nowhere" "--frobnicate" "--devices"; do
  # shellcheck disable=SC2086
  "$sim" $bad >/dev/null 2>"$LBT_TMP/err"
  rc=$?
  opt=${bad%% *}
  [ "$bad" = "--gateways 2 --hear 3" ] && opt=--hear
  lbt_eq "$bad exits 2" 2 "$rc"
  lbt_check "$bad: the message names $opt" grep -q -- "$opt" "$LBT_TMP/err"
done
"$LB_BIN/lyrebird" sim --mac 9 2>/dev/null
lbt_eq "lyrebird sim passes the exit status on" 2 "$?"
set -e

# The key formula, computed here independently: AES128(seed, P | DevEUI | 0 * 7).
key() { # prefix dev_eui [seed]
  printf '%s%s00000000000000' "$1" "$2" | xxd -r -p |
    openssl enc -aes-128-ecb -nopad -K "${3:-2B7E151628AED2A6ABF7158809CF4F3C}" | xxd -p -u
}

"$sim" --print-devices --devices 3 >"$LBT_TMP/abp"
lbt_eq "one line per device" 3 "$(wc -l <"$LBT_TMP/abp")"
lbt_eq "ABP 1.0.3 body shape" \
  'abp,class,dev_eui,join_eui,mac_version,name,region|app_s_key,dev_addr,nwk_s_key' \
  "$(head -1 "$LBT_TMP/abp" | jq -r '[(keys|join(",")), (.abp|keys|join(","))]|join("|")')"
lbt_eq "names, EUIs and addresses count up" \
  'sim-2 0080000000000002 26000002 70B3D57ED0000000 1.0.3 EU868 A' \
  "$(sed -n 3p "$LBT_TMP/abp" | jq -r '[.name,.dev_eui,.abp.dev_addr,.join_eui,.mac_version,.region,.class]|join(" ")')"
lbt_eq "NwkSKey = key(03)" "$(key 03 0080000000000001)" "$(sed -n 2p "$LBT_TMP/abp" | jq -r .abp.nwk_s_key)"
lbt_eq "AppSKey = key(06)" "$(key 06 0080000000000001)" "$(sed -n 2p "$LBT_TMP/abp" | jq -r .abp.app_s_key)"

"$sim" --print-devices --mode otaa --dev-eui-base 0004A30B001C0000 --join-eui 0101010101010101 \
  --key-seed 000102030405060708090A0B0C0D0E0F --channel chan-1 >"$LBT_TMP/otaa"
lbt_eq "OTAA 1.0.3 body shape" 'channel_id,class,dev_eui,join_eui,mac_version,name,otaa,region|app_key' \
  "$(jq -r '[(keys|join(",")), (.otaa|keys|join(","))]|join("|")' "$LBT_TMP/otaa")"
lbt_eq "--channel, --join-eui, --dev-eui-base" 'chan-1 0101010101010101 0004A30B001C0000' \
  "$(jq -r '[.channel_id,.join_eui,.dev_eui]|join(" ")' "$LBT_TMP/otaa")"
lbt_eq "AppKey = key(01) under --key-seed" "$(key 01 0004A30B001C0000 000102030405060708090A0B0C0D0E0F)" \
  "$(jq -r .otaa.app_key "$LBT_TMP/otaa")"

"$sim" --print-devices --mode otaa --mac 1.1 >"$LBT_TMP/otaa11"
lbt_eq "OTAA 1.1 has app_key and nwk_key" 'app_key,nwk_key 1.1' \
  "$(jq -r '[(.otaa|keys|join(",")), .mac_version]|join(" ")' "$LBT_TMP/otaa11")"
lbt_eq "NwkKey = key(02)" "$(key 02 0080000000000000)" "$(jq -r .otaa.nwk_key "$LBT_TMP/otaa11")"

"$sim" --print-devices --mac 1.1 --addr-base 01ABCDEF >"$LBT_TMP/abp11"
lbt_eq "ABP 1.1 has the four session keys" \
  'app_s_key,dev_addr,f_nwk_s_int_key,nwk_s_enc_key,s_nwk_s_int_key 01ABCDEF' \
  "$(jq -r '[(.abp|keys|join(",")), .abp.dev_addr]|join(" ")' "$LBT_TMP/abp11")"
lbt_eq "SNwkSIntKey = key(04), NwkSEncKey = key(05)" \
  "$(key 04 0080000000000000) $(key 05 0080000000000000)" \
  "$(jq -r '[.abp.s_nwk_s_int_key,.abp.nwk_s_enc_key]|join(" ")' "$LBT_TMP/abp11")"

# --register: POSTs to URL/lora/devices with the token; 201 and 409 both count as registered.
if command -v python3 >/dev/null; then
  port=$(lbt_free_port)
  cat >"$LBT_TMP/regsrv.py" <<'EOF'
import http.server, json, sys
seen = set()
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        ok = self.path == "/lora/devices" and self.headers["Authorization"] == "Bearer tok"
        code = 401 if not ok else 409 if body["dev_eui"] in seen else 201
        seen.add(body["dev_eui"])
        with open(sys.argv[2], "a") as f:
            f.write(json.dumps({"code": code, "body": body}) + "\n")
        self.send_response(code)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
  python3 "$LBT_TMP/regsrv.py" "$port" "$LBT_TMP/posts" &
  LBT_PIDS+=("$!")
  lbt_wait_port "$port" 10
  # --uplinks 1 against a closed UDP port: the run itself is quick and harmless
  udp=$(lbt_free_port)
  "$sim" --register "http://127.0.0.1:$port/" --token tok --channel c9 --devices 3 --server "127.0.0.1:$udp" \
    --wait-downlink 0 2>"$LBT_TMP/reg1"
  lbt_eq "three devices posted" 3 "$(wc -l <"$LBT_TMP/posts")"
  lbt_eq "the posted body is the printed one" "$(sed -n 1p "$LBT_TMP/abp" | jq -c '. + {channel_id: "c9"} | to_entries | sort_by(.key)')" \
    "$(sed -n 1p "$LBT_TMP/posts" | jq -c '.body | to_entries | sort_by(.key)')"
  "$sim" --register "http://127.0.0.1:$port" --token tok --devices 4 --server "127.0.0.1:$udp" \
    --wait-downlink 0 2>"$LBT_TMP/reg2"
  lbt_check "a second run counts 409 as already there" grep -q '1 created (201), 3 already there (409), 0 failed' "$LBT_TMP/reg2"
  set +e
  "$sim" --register "http://127.0.0.1:$port" --token wrong --devices 1 2>"$LBT_TMP/reg3"
  rc=$?
  set -e
  lbt_eq "a refused registration exits 1" 1 "$rc"
  lbt_check "and says what the server answered" grep -q 'HTTP 401' "$LBT_TMP/reg3"
else
  echo "skip - --register (no python3)"
fi

lbt_done
