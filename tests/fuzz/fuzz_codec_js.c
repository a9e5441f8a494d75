/* Fuzzes the JavaScript codec (plugins/js). The first byte picks the mode:
 *   even: a fixed decoder (all three entry points) decodes the rest as the payload, with the
 *         second byte as fPort, and encodes the rest as downlink JSON;
 *   odd:  the rest is a script, compiled with a 10 ms / 4 MB limit and, when it compiles, run
 *         once on a fixed payload.
 * Nothing may crash, leak or hang; every call answers JSON or a negative code. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lyrebird/codec.h>

#include "js_engine.h"

static const char DECODER[] =
    "function decodeUplink(input) {\n"
    "  var b = input.bytes, d = {}, w = [];\n"
    "  if (b.length < 2) return {errors: ['too short']};\n"
    "  for (var i = 0; i + 1 < b.length; i += 2) {\n"
    "    var v = (b[i + 1] << 8 | b[i]);\n"
    "    switch (b[i] & 7) {\n"
    "    case 0: d['t' + i] = (v > 0x7fff ? v - 0x10000 : v) / 10; break;\n"
    "    case 1: d['h' + i] = b[i + 1] / 2; break;\n"
    "    case 2: d['s' + i] = String.fromCharCode(b[i + 1]).padStart(2, '0'); break;\n"
    "    case 3: w.push('odd byte ' + b[i + 1]); break;\n"
    "    case 4: d['f' + i] = new DataView(new Uint8Array(b.slice(i, i + 4)).buffer)\n"
    "                           .getFloat32(0, true); break;\n"
    "    case 5: if (b[i + 1] === 0xde) throw new Error('bad ' + i); break;\n"
    "    default: d['r' + i] = b[i + 1] / (b[i] - 6);\n"
    "    }\n"
    "  }\n"
    "  return {data: d, warnings: w};\n"
    "}\n"
    "function encodeDownlink(input) {\n"
    "  var out = [], s = JSON.stringify(input.data);\n"
    "  for (var i = 0; i < s.length && i < 64; i++) out.push(s.charCodeAt(i) & 255);\n"
    "  return {bytes: out, fPort: input.fPort};\n"
    "}\n"
    "function decodeDownlink(input) { return {data: {n: input.bytes.length}}; }\n";

static const lb_codec_plugin *P;
static lb_codec *fixed;
static lb_codec_instance *fixed_i;

static void fixed_decoder(const uint8_t *data, size_t size)
{
    char err[256];
    if (!fixed) {
        fixed = P->compile(DECODER, strlen(DECODER), NULL, err, sizeof err);
        fixed_i = fixed ? P->instance_new(fixed, err, sizeof err) : NULL;
        if (!fixed_i)
            abort();
    }
    int port = size ? data[0] : 0;
    lb_codec_input in = {size > 1 ? data + 1 : NULL, size > 1 ? size - 1 : 0, port, 0, NULL};
    char *out = NULL;
    if (P->decode_uplink(fixed_i, &in, &out) == 0 && !out)
        abort();
    free(out);
    out = NULL;
    P->decode_downlink(fixed_i, &in, &out);
    free(out);
    char *json = malloc(size + 1);
    if (!json)
        return;
    memcpy(json, data, size);
    json[size] = '\0';
    out = NULL;
    P->encode_downlink(fixed_i, json, &out);
    free(out);
    free(json);
}

static void any_script(const uint8_t *data, size_t size)
{
    char err[256];
    lb_codec_limits lim = {10, 4 * 1024 * 1024};
    lb_codec *c = P->compile((const char *)data, size, &lim, err, sizeof err);
    if (!c)
        return;
    lb_codec_instance *i = P->instance_new(c, err, sizeof err);
    if (i) {
        static const uint8_t payload[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        lb_codec_input in = {payload, sizeof payload, 1, 1700000000000000000LL, "{\"k\":1}"};
        char *out = NULL;
        P->decode_uplink(i, &in, &out);
        free(out);
        out = NULL;
        P->encode_downlink(i, "{\"data\":{\"a\":1},\"f_port\":2}", &out);
        free(out);
        P->instance_free(i);
    }
    P->codec_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!P)
        P = lb_codec_entry();
    if (size == 0)
        return 0;
    if (data[0] & 1)
        any_script(data + 1, size - 1);
    else
        fixed_decoder(data + 1, size - 1);
    return 0;
}
