#!/usr/bin/env bash
# The envelope is what protoc says it is: our bytes decode with protoc against our .proto and
# against Mainflux's, and bytes protoc encodes decode with ours.
# Usage: envelope_protoc.sh <unit_message binary> <platform/proto/message.proto>
set -euo pipefail
tool=$1 proto=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
check() { if grep -qF -- "$2" "$3"; then passes=$((passes+1)); else echo "FAIL: $1: no '$2' in:"; cat "$3"; fails=$((fails+1)); fi; }

"$tool" --emit "$tmp/ours.bin"
protoc --decode=messaging.Message -I"$(dirname "$proto")" "$(basename "$proto")" <"$tmp/ours.bin" >"$tmp/ours.txt"
check "our proto: channel" 'channel: "5d9b6b4b-1e7e-4b3c-9a0b-8a0d1e2f3a4b"' "$tmp/ours.txt"
check "our proto: subtopic" 'subtopic: "room.1"' "$tmp/ours.txt"
check "our proto: publisher" 'publisher: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"' "$tmp/ours.txt"
check "our proto: protocol" 'protocol: "http"' "$tmp/ours.txt"
check "our proto: payload" 'payload: "[{\"n\":\"temp\",\"v\":21.5}]"' "$tmp/ours.txt"
check "our proto: created" 'created: 1763716800123456789' "$tmp/ours.txt"
check "our proto: content_type" 'content_type: "application/senml+json"' "$tmp/ours.txt"

protoc --decode=messaging.Message -I"$here" mainflux_message.proto <"$tmp/ours.bin" >"$tmp/mf.txt"
check "mainflux proto: channel" 'channel: "5d9b6b4b-1e7e-4b3c-9a0b-8a0d1e2f3a4b"' "$tmp/mf.txt"
check "mainflux proto: payload" 'payload: "[{\"n\":\"temp\",\"v\":21.5}]"' "$tmp/mf.txt"
check "mainflux proto: created" 'created: 1763716800123456789' "$tmp/mf.txt"
check "mainflux proto: field 7 unknown, skipped" '7: "application/senml+json"' "$tmp/mf.txt"

printf 'channel: "ch"\nsubtopic: "a.b"\npublisher: "th"\nprotocol: "mqtt"\npayload: "\\001\\002"\ncreated: 42\ncontent_type: "application/octet-stream"\n' |
  protoc --encode=messaging.Message -I"$(dirname "$proto")" "$(basename "$proto")" >"$tmp/theirs.bin"
"$tool" --print "$tmp/theirs.bin" >"$tmp/theirs.txt"
check "protoc bytes: channel" 'channel=ch' "$tmp/theirs.txt"
check "protoc bytes: subtopic" 'subtopic=a.b' "$tmp/theirs.txt"
check "protoc bytes: created" 'created=42' "$tmp/theirs.txt"
check "protoc bytes: content type" 'content_type=application/octet-stream' "$tmp/theirs.txt"
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
