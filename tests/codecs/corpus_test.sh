#!/usr/bin/env bash
# integration.codec_corpus: runs the LoRaWAN decoder corpus under Node.js (the reference,
# node_reference.js) and under Lyrebird's duktape codec (codec_corpus), compares them example
# by example and fails when duktape passes fewer than 98 % of the examples Node.js passes.
# Env: LB_CODEC_CORPUS (the codec_corpus binary), LB_SRC (the source tree); set by ctest.
set -euo pipefail

src=${LB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
runner=${LB_CODEC_CORPUS:?LB_CODEC_CORPUS: path of the codec_corpus binary}
min_percent=${LB_CODEC_MIN_PERCENT:-98}

if ! command -v node >/dev/null; then
    echo "codec_corpus: node is not on PATH (scripts/install-deps.sh installs nodejs)" >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

node "$src/tests/codecs/node_reference.js" --quiet --json-results "$tmp/node.json" \
    >"$tmp/node.out"
echo "node: $(tail -n 1 "$tmp/node.out")"

# codec_corpus prints its FAIL lines, its summary and the comparison line; its exit status
# is the verdict (1: below the threshold, 2: the corpus could not be read).
status=0
"$runner" --quiet --json-results "$tmp/duktape.json" --reference "$tmp/node.json" \
    --min-percent "$min_percent" || status=$?
exit $status
