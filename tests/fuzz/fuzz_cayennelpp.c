/* libFuzzer target for the Cayenne LPP codec plugin (plugins/cayennelpp). Any bytes decode
 * to a result that parses back with jansson into the documented shape (data and units
 * objects, warnings and errors arrays of strings); a payload that decodes cleanly encodes
 * back to the same bytes; and the same bytes, read as downlink JSON, encode to a result of
 * the documented shape whose bytes, if any, decode without errors. Everything is freed, so
 * leaks and out-of-bounds reads show under ASan. */
#include "lyrebird/codec.h"

#include <jansson.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const lb_codec_plugin *lb_codec_entry(void);

static const lb_codec_plugin *plugin;
static lb_codec_instance *inst;

static void init(void)
{
    char err[256];
    plugin = lb_codec_entry();
    lb_codec *c = plugin->compile(NULL, 0, NULL, err, sizeof err);
    inst = c ? plugin->instance_new(c, err, sizeof err) : NULL;
    if (!inst)
        abort(); /* the codec and instance live for the whole run */
}

static int all_strings(json_t *arr)
{
    size_t i;
    json_t *v;
    if (!json_is_array(arr))
        return 0;
    json_array_foreach(arr, i, v) if (!json_is_string(v)) return 0;
    return 1;
}

/* Parses a decode result; aborts unless it has the documented shape. */
static json_t *check_decoded(const char *text)
{
    json_t *r = text ? json_loads(text, JSON_REJECT_DUPLICATES, NULL) : NULL;
    if (!r || !json_is_object(json_object_get(r, "data")) ||
        !json_is_object(json_object_get(r, "units")) ||
        !all_strings(json_object_get(r, "warnings")) || !all_strings(json_object_get(r, "errors")))
        abort();
    return r;
}

/* Encodes {"data": data} and checks that the bytes are the original payload. */
static void check_round_trip(json_t *data, const uint8_t *payload, size_t len)
{
    json_t *req = json_pack("{s:O}", "data", data);
    char *text = req ? json_dumps(req, JSON_REAL_PRECISION(17)) : NULL;
    char *out = NULL;
    if (!text || plugin->encode_downlink(inst, text, &out) != 0)
        abort();
    json_t *r = json_loads(out, 0, NULL);
    json_t *bytes = json_object_get(r, "bytes");
    if (!r || json_array_size(json_object_get(r, "errors")) != 0 || json_array_size(bytes) != len)
        abort();
    for (size_t i = 0; i < len; i++)
        if (json_integer_value(json_array_get(bytes, i)) != payload[i])
            abort();
    json_decref(r);
    free(out);
    free(text);
    json_decref(req);
}

static void fuzz_decode(const uint8_t *data, size_t size)
{
    lb_codec_input in = {.bytes = data, .len = size};
    char *out = NULL;
    if (plugin->decode_uplink(inst, &in, &out) != 0)
        abort();
    json_t *r = check_decoded(out);
    /* a clean decode (no errors, no repeated keys) must encode back to the same bytes */
    if (json_array_size(json_object_get(r, "errors")) == 0 &&
        json_array_size(json_object_get(r, "warnings")) == 0)
        check_round_trip(json_object_get(r, "data"), data, size);
    json_decref(r);
    free(out);
}

static void fuzz_encode(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return;
    memcpy(text, data, size);
    text[size] = '\0';
    char *out = NULL;
    if (plugin->encode_downlink(inst, text, &out) != 0)
        abort();
    json_t *r = json_loads(out, JSON_REJECT_DUPLICATES, NULL);
    json_t *bytes = json_object_get(r, "bytes");
    if (!r || !json_is_array(bytes) || !json_is_integer(json_object_get(r, "f_port")) ||
        !all_strings(json_object_get(r, "warnings")) || !all_strings(json_object_get(r, "errors")))
        abort();
    /* what it encodes decodes without errors */
    size_t n = json_array_size(bytes);
    uint8_t *buf = malloc(n ? n : 1);
    for (size_t i = 0; buf && i < n; i++) {
        json_int_t v = json_integer_value(json_array_get(bytes, i));
        if (v < 0 || v > 255)
            abort();
        buf[i] = (uint8_t)v;
    }
    if (buf && n) {
        lb_codec_input in = {.bytes = buf, .len = n};
        char *dec = NULL;
        if (plugin->decode_downlink(inst, &in, &dec) != 0)
            abort();
        json_t *d = check_decoded(dec);
        if (json_array_size(json_object_get(d, "errors")) != 0)
            abort();
        json_decref(d);
        free(dec);
    }
    free(buf);
    json_decref(r);
    free(out);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!plugin)
        init();
    fuzz_decode(data, size);
    fuzz_encode(data, size);
    return 0;
}
