/* Unit tests of the Cayenne LPP codec plugin (plugins/cayennelpp): published example
 * payloads, one record of every type (value, exact number text and SenML units), that no
 * other type byte is accepted, encode -> decode and decode -> encode round trips, tables of
 * malformed payloads and bad downlinks that must answer with errors naming the problem, and
 * the exact decimal text of every value a 16-bit field can hold.
 *
 * Where an expected value comes from a published source, the test says which:
 *  [LPP] myDevices cayenne-docs docs/LORA.md, "Examples";
 *  [TTS] TheThingsNetwork/lorawan-stack pkg/messageprocessors/cayennelpp/cayennelpp_test.go
 *        (TestDecode) and The Things Stack docs, integrations/payload-formatters/cayenne;
 *  [PY]  smlng/pycayennelpp cayennelpp/tests/test_lpp_type_load.py (-5.432 kg). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hex.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lyrebird/codec.h"
#include "lyrebird/error.h"

const lb_codec_plugin *lb_codec_entry(void);

static const lb_codec_plugin *plugin;
static lb_codec *codec;
static lb_codec_instance *inst;

static int setup(void **state)
{
    (void)state;
    char err[LB_ERRLEN];
    plugin = lb_codec_entry();
    codec = plugin->compile(NULL, 0, NULL, err, sizeof err);
    inst = codec ? plugin->instance_new(codec, err, sizeof err) : NULL;
    return inst ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    plugin->instance_free(inst);
    plugin->codec_free(codec);
    return 0;
}

/* Decodes hex (uplink) and returns the JSON text, which the caller frees. */
static char *decode_text(const char *hex)
{
    uint8_t b[256];
    lb_codec_input in = {.bytes = b, .len = test_hex(hex, b, sizeof b), .fport = 1};
    char *out = NULL;
    int rc = plugin->decode_uplink(inst, &in, &out);
    if (rc != 0 || !out)
        fail_msg("decode of %s returned %d", hex, rc);
    return out;
}

static json_t *parse(const char *text)
{
    json_error_t jerr;
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    if (!j)
        fail_msg("result is not JSON (%s): %s", jerr.text, text);
    return j;
}

/* Decodes hex and checks the result's shape: data and units objects, warnings and errors
 * arrays of strings. */
static json_t *decode(const char *hex)
{
    char *text = decode_text(hex);
    json_t *r = parse(text);
    free(text);
    assert_true(json_is_object(json_object_get(r, "data")));
    assert_true(json_is_object(json_object_get(r, "units")));
    assert_true(json_is_array(json_object_get(r, "warnings")));
    assert_true(json_is_array(json_object_get(r, "errors")));
    return r;
}

static size_t count(json_t *r, const char *member)
{
    json_t *m = json_object_get(r, member);
    return json_is_array(m) ? json_array_size(m) : json_object_size(m);
}

static const char *message(json_t *r, const char *member, size_t i)
{
    return json_string_value(json_array_get(json_object_get(r, member), i));
}

static double num(json_t *r, const char *key)
{
    json_t *v = json_object_get(json_object_get(r, "data"), key);
    if (!json_is_number(v))
        fail_msg("data.%s is not a number", key);
    return json_number_value(v);
}

static double field(json_t *r, const char *key, const char *name)
{
    json_t *v = json_object_get(json_object_get(json_object_get(r, "data"), key), name);
    if (!json_is_number(v))
        fail_msg("data.%s.%s is not a number", key, name);
    return json_number_value(v);
}

static const char *unit(json_t *r, const char *path)
{
    return json_string_value(json_object_get(json_object_get(r, "units"), path));
}

/* The text of data.<key> in the dumped result, e.g. "27.2" or {"x":1.234,...}. */
static void expect_value_text(const char *text, const char *key, const char *want)
{
    char needle[128];
    snprintf(needle, sizeof needle, "\"%s\":%s", key, want);
    char *p = strstr(text, needle);
    size_t n = strlen(needle);
    if (!p || (p[n] != ',' && p[n] != '}'))
        fail_msg("expected %s in %s", needle, text);
}

/* Encodes a downlink; returns the parsed result. */
static json_t *encode(const char *json)
{
    char *out = NULL;
    int rc = plugin->encode_downlink(inst, json, &out);
    if (rc != 0 || !out)
        fail_msg("encode of %s returned %d", json, rc);
    json_t *r = parse(out);
    free(out);
    assert_true(json_is_array(json_object_get(r, "bytes")));
    assert_true(json_is_integer(json_object_get(r, "f_port")));
    assert_true(json_is_array(json_object_get(r, "warnings")));
    assert_true(json_is_array(json_object_get(r, "errors")));
    return r;
}

/* The result's bytes as hex ("01 67 01 10"), into buf. */
static const char *bytes_hex(json_t *r, char *buf, size_t len)
{
    json_t *bytes = json_object_get(r, "bytes");
    size_t i, off = 0;
    json_t *b;
    buf[0] = '\0';
    json_array_foreach(bytes, i, b)
    {
        json_int_t v = json_integer_value(b);
        assert_true(json_is_integer(b) && v >= 0 && v <= 255);
        off += (size_t)snprintf(buf + off, len - off, "%s%02X", i ? " " : "", (unsigned)v);
        assert_true(off < len);
    }
    return buf;
}

static void expect_bytes(const char *json, const char *want_hex)
{
    char hex[1024];
    json_t *r = encode(json);
    if (count(r, "errors") != 0)
        fail_msg("encode of %s failed: %s", json, message(r, "errors", 0));
    assert_string_equal(bytes_hex(r, hex, sizeof hex), want_hex);
    json_decref(r);
}

/* ---- the plugin descriptor ---- */

static void test_descriptor(void **state)
{
    (void)state;
    assert_int_equal(plugin->abi, LB_CODEC_ABI);
    assert_string_equal(plugin->type, "cayennelpp");
    assert_non_null(plugin->version);
    assert_non_null(plugin->compile);
    assert_non_null(plugin->decode_uplink);
    assert_non_null(plugin->encode_downlink);
    assert_non_null(plugin->decode_downlink);
    for (int i = 0; i < 4; i++)
        assert_null(plugin->reserved[i]);
}

static void test_compile_ignores_source(void **state)
{
    (void)state;
    char err[LB_ERRLEN] = "";
    lb_codec *c = plugin->compile("function decodeUplink() {", 25, NULL, err, sizeof err);
    assert_non_null(c);
    lb_codec_instance *a = plugin->instance_new(c, err, sizeof err);
    lb_codec_instance *b = plugin->instance_new(c, err, sizeof err);
    assert_non_null(a);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    plugin->instance_free(a);
    plugin->instance_free(b);
    plugin->codec_free(c);
}

static void test_bad_arguments_refused(void **state)
{
    (void)state;
    char *out = (char *)"untouched";
    uint8_t b[1] = {0};
    lb_codec_input in = {.bytes = NULL, .len = 3};
    assert_int_equal(plugin->decode_uplink(inst, &in, &out), LB_EINVAL);
    assert_int_equal(plugin->decode_uplink(NULL, &in, &out), LB_EINVAL);
    in.bytes = b;
    assert_int_equal(plugin->decode_uplink(inst, NULL, &out), LB_EINVAL);
    assert_int_equal(plugin->decode_uplink(inst, &in, NULL), LB_EINVAL);
    assert_int_equal(plugin->encode_downlink(inst, NULL, &out), LB_EINVAL);
    assert_int_equal(plugin->encode_downlink(inst, "{}", NULL), LB_EINVAL);
    char err[LB_ERRLEN] = "";
    assert_null(plugin->instance_new(NULL, err, sizeof err));
    assert_true(err[0] != '\0');
}

/* ---- published examples ---- */

/* [LPP] "Device with 2 temperature sensors"; also the example in The Things Stack's docs,
 * where Go's float32 gives 27.200000762939453: we give the value the resolution means. */
static void test_lpp_two_temperature_sensors(void **state)
{
    (void)state;
    char *text = decode_text("03 67 01 10 05 67 00 FF");
    assert_string_equal(text, "{\"data\":{\"temperature_3\":27.2,\"temperature_5\":25.5},"
                              "\"units\":{\"temperature_3\":\"Cel\",\"temperature_5\":\"Cel\"},"
                              "\"warnings\":[],\"errors\":[]}");
    free(text);
}

/* [LPP] "Device with temperature and acceleration sensors", frames N and N+1 */
static void test_lpp_negative_temperature(void **state)
{
    (void)state;
    char *text = decode_text("01 67 FF D7");
    expect_value_text(text, "temperature_1", "-4.1");
    free(text);
}

static void test_lpp_accelerometer(void **state)
{
    (void)state;
    char *text = decode_text("06 71 04 D2 FB 2E 00 00");
    expect_value_text(text, "accelerometer_6", "{\"x\":1.234,\"y\":-1.234,\"z\":0}");
    json_t *r = parse(text);
    assert_int_equal(count(r, "errors"), 0);
    json_decref(r);
    free(text);
}

/* [LPP] "Device with GPS" */
static void test_lpp_gps(void **state)
{
    (void)state;
    char *text = decode_text("01 88 06 76 5f f2 96 0a 00 03 e8");
    expect_value_text(text, "gps_1",
                      "{\"latitude\":42.3519,\"longitude\":-87.9094,\"altitude\":10}");
    json_t *r = parse(text);
    assert_string_equal(unit(r, "gps_1.latitude"), "lat");
    assert_string_equal(unit(r, "gps_1.longitude"), "lon");
    assert_string_equal(unit(r, "gps_1.altitude"), "m");
    json_decref(r);
    free(text);
}

/* [TTS] cayennelpp_test.go TestDecode: one record of each v1 type, The Things Stack's keys */
static void test_tts_decode_vector(void **state)
{
    (void)state;
    json_t *r = decode("01 00 FF 02 01 64 03 02 15 4A 04 03 EA B6 05 65 01 F4 06 66 32 07 67 FF 64"
                       " 08 68 63 09 71 FE 58 00 0F 06 82 0A 73 29 EF 0B 86 01 63 02 31 FE 66"
                       " 0C 88 07 FD 87 00 BE F5 00 08 6A");
    assert_int_equal(count(r, "errors"), 0);
    assert_int_equal(count(r, "data"), 12);
    assert_true(num(r, "digital_in_1") == 255);
    assert_true(num(r, "digital_out_2") == 100);
    assert_true(num(r, "analog_in_3") == 54.5);
    assert_true(num(r, "analog_out_4") == -54.5);
    assert_true(num(r, "luminosity_5") == 500);
    assert_true(num(r, "presence_6") == 50);
    assert_true(num(r, "temperature_7") == -15.6);
    assert_true(num(r, "relative_humidity_8") == 49.5);
    assert_true(field(r, "accelerometer_9", "x") == -0.424);
    assert_true(field(r, "accelerometer_9", "y") == 0.015);
    assert_true(field(r, "accelerometer_9", "z") == 1.666);
    assert_true(num(r, "barometric_pressure_10") == 1073.5);
    assert_true(field(r, "gyrometer_11", "x") == 3.55);
    assert_true(field(r, "gyrometer_11", "y") == 5.61);
    assert_true(field(r, "gyrometer_11", "z") == -4.1);
    assert_true(field(r, "gps_12", "latitude") == 52.3655);
    assert_true(field(r, "gps_12", "longitude") == 4.8885);
    assert_true(field(r, "gps_12", "altitude") == 21.54);
    json_decref(r);
}

/* [TTS] docs: frm_payload "AHMnvwBnAN4=" */
static void test_tts_docs_pressure_and_temperature(void **state)
{
    (void)state;
    char *text = decode_text("00 73 27 BF 00 67 00 DE");
    expect_value_text(text, "barometric_pressure_0", "1017.5");
    expect_value_text(text, "temperature_0", "22.2");
    free(text);
}

/* ---- every type ---- */

typedef struct type_case {
    const char *hex;
    const char *key;
    const char *value;       /* exact JSON text */
    const char *units[3][2]; /* {path, unit}; path NULL ends */
} type_case;

static const type_case type_cases[] = {
    {"01 00 01", "digital_in_1", "1", {{NULL}}},
    {"02 01 00", "digital_out_2", "0", {{NULL}}},
    {"03 02 01 4A", "analog_in_3", "3.3", {{NULL}}},
    {"04 03 FF 85", "analog_out_4", "-1.23", {{NULL}}},
    {"05 64 FF FF FF FF", "generic_sensor_5", "4294967295", {{NULL}}},
    {"07 65 01 2C", "luminosity_7", "300", {{"luminosity_7", "lx"}}},
    {"08 66 01", "presence_8", "1", {{NULL}}},
    {"09 67 FF D7", "temperature_9", "-4.1", {{"temperature_9", "Cel"}}},
    {"0A 68 67", "relative_humidity_10", "51.5", {{"relative_humidity_10", "%RH"}}},
    {"0B 71 04 D2 FB 2E 00 00", "accelerometer_11", "{\"x\":1.234,\"y\":-1.234,\"z\":0}", {{NULL}}},
    {"0C 73 27 94", "barometric_pressure_12", "1013.2", {{"barometric_pressure_12", "hPa"}}},
    {"0D 74 FF FF", "voltage_13", "655.35", {{"voltage_13", "V"}}},
    {"0E 75 04 D2", "current_14", "1.234", {{"current_14", "A"}}},
    {"0F 76 00 00 C3 50", "frequency_15", "50000", {{"frequency_15", "Hz"}}},
    {"10 78 64", "percentage_16", "100", {{"percentage_16", "/100"}}},
    {"11 79 FF 38", "altitude_17", "-200", {{"altitude_17", "m"}}},
    {"12 7A FF EA C8", "load_18", "-5.432", {{"load_18", "kg"}}}, /* [PY] */
    {"13 7D 01 90", "concentration_19", "400", {{"concentration_19", "ppm"}}},
    {"14 80 05 DC", "power_20", "1500", {{"power_20", "W"}}},
    {"15 82 00 00 30 39", "distance_21", "12.345", {{"distance_21", "m"}}},
    {"16 83 00 01 E2 40", "energy_22", "123.456", {{"energy_22", "kWh"}}},
    {"17 84 01 68", "direction_23", "360", {{"direction_23", "deg"}}},
    {"18 85 65 53 F1 00", "unixtime_24", "1700000000", {{NULL}}},
    {"19 86 01 63 02 31 FE 66", "gyrometer_25", "{\"x\":3.55,\"y\":5.61,\"z\":-4.1}", {{NULL}}},
    {"1A 87 FF 80 00", "colour_26", "{\"r\":255,\"g\":128,\"b\":0}", {{NULL}}},
    {"1B 88 06 76 5F F2 96 0A 00 03 E8",
     "gps_27",
     "{\"latitude\":42.3519,\"longitude\":-87.9094,\"altitude\":10}",
     {{"gps_27.latitude", "lat"}, {"gps_27.longitude", "lon"}, {"gps_27.altitude", "m"}}},
    {"1C 8E 01", "switch_28", "1", {{NULL}}},
};

#define NCASES (sizeof type_cases / sizeof type_cases[0])

static void test_every_type_decodes(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCASES; i++) {
        const type_case *c = &type_cases[i];
        char *text = decode_text(c->hex);
        expect_value_text(text, c->key, c->value);
        json_t *r = parse(text);
        if (count(r, "errors") != 0 || count(r, "warnings") != 0 || count(r, "data") != 1)
            fail_msg("%s: unexpected result %s", c->hex, text);
        json_decref(r);
        free(text);
    }
}

static void test_every_type_has_its_units(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCASES; i++) {
        const type_case *c = &type_cases[i];
        json_t *r = decode(c->hex);
        size_t n = 0;
        for (; n < 3 && c->units[n][0]; n++) {
            const char *u = unit(r, c->units[n][0]);
            if (!u || strcmp(u, c->units[n][1]) != 0)
                fail_msg("%s: units.%s is %s, expected %s", c->key, c->units[n][0],
                         u ? u : "missing", c->units[n][1]);
        }
        if (count(r, "units") != n)
            fail_msg("%s: %zu units, expected %zu", c->key, count(r, "units"), n);
        json_decref(r);
    }
}

/* The 27 types above are all there is: every other type byte is refused by name. */
static void test_only_the_known_types_decode(void **state)
{
    (void)state;
    int known = 0;
    for (unsigned id = 0; id < 256; id++) {
        char hex[64];
        snprintf(hex, sizeof hex, "01 %02X 00 00 00 00 00 00 00 00 00", id);
        json_t *r = decode(hex);
        /* nine value bytes cover the largest type; a known type's first record decodes
         * (the zeros after it may not) */
        const char *err = message(r, "errors", 0);
        if (!err || strncmp(err, "offset 0:", 9) != 0) {
            known++;
        } else {
            char want[64];
            snprintf(want, sizeof want, "offset 0: unknown type %u on channel 1", id);
            assert_string_equal(err, want);
        }
        json_decref(r);
    }
    assert_int_equal(known, (int)NCASES);
}

static void test_all_types_in_one_frame(void **state)
{
    (void)state;
    char hex[1024] = "";
    for (size_t i = 0; i < NCASES; i++) {
        strcat(hex, type_cases[i].hex);
        strcat(hex, " ");
    }
    char *text = decode_text(hex);
    for (size_t i = 0; i < NCASES; i++)
        expect_value_text(text, type_cases[i].key, type_cases[i].value);
    json_t *r = parse(text);
    assert_int_equal(count(r, "data"), NCASES);
    assert_int_equal(count(r, "errors"), 0);
    json_decref(r);
    free(text);
}

static void test_decode_downlink_is_decode_uplink(void **state)
{
    (void)state;
    uint8_t b[64];
    lb_codec_input in = {.bytes = b, .len = test_hex("03 67 01 10 05 67 00 FF 06 71 04 D2", b, 64)};
    char *up = NULL, *down = NULL;
    assert_int_equal(plugin->decode_uplink(inst, &in, &up), 0);
    assert_int_equal(plugin->decode_downlink(inst, &in, &down), 0);
    assert_string_equal(up, down);
    free(up);
    free(down);
}

static void test_empty_payload(void **state)
{
    (void)state;
    char *text = decode_text("");
    assert_string_equal(text, "{\"data\":{},\"units\":{},\"warnings\":[],\"errors\":[]}");
    free(text);
}

/* Like The Things Stack (a map), a repeated key keeps the last value; we also say so. */
static void test_repeated_key_keeps_last_value(void **state)
{
    (void)state;
    json_t *r = decode("01 67 00 0A 01 67 00 14");
    assert_true(num(r, "temperature_1") == 2);
    assert_int_equal(count(r, "errors"), 0);
    assert_non_null(strstr(message(r, "warnings", 0), "temperature_1 appears more than once"));
    json_decref(r);
}

/* ---- exact numbers ---- */

/* The decimal text of raw / 10^decimals with trailing zeros dropped, by integer arithmetic. */
static void exact(char *buf, size_t len, long long raw, int decimals)
{
    long long p = 1;
    for (int i = 0; i < decimals; i++)
        p *= 10;
    unsigned long long m = raw < 0 ? (unsigned long long)-raw : (unsigned long long)raw;
    unsigned long long frac = m % (unsigned long long)p;
    int d = decimals;
    while (d > 0 && frac % 10 == 0) {
        frac /= 10;
        d--;
    }
    if (d == 0)
        snprintf(buf, len, "%s%llu", raw < 0 ? "-" : "", m / (unsigned long long)p);
    else
        snprintf(buf, len, "%s%llu.%0*llu", raw < 0 ? "-" : "", m / (unsigned long long)p, d, frac);
}

/* Every value of a 16-bit signed field at 0.1 and 0.01, and samples of the 24- and 32-bit
 * fields at 0.0001 and 0.001, come out as their exact decimal text. */
static void test_every_16bit_value_is_exact(void **state)
{
    (void)state;
    static const struct {
        uint8_t type;
        const char *key;
        int decimals;
    } fields[] = {{103, "temperature_1", 1}, {2, "analog_in_1", 2}, {117, "current_1", 3}};
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
        for (long raw = 0; raw < 65536; raw++) {
            uint8_t b[4] = {1, fields[f].type, (uint8_t)(raw >> 8), (uint8_t)raw};
            lb_codec_input in = {.bytes = b, .len = 4};
            char *out = NULL;
            assert_int_equal(plugin->decode_uplink(inst, &in, &out), 0);
            long long v = fields[f].type == 117 ? raw : (raw >= 32768 ? raw - 65536 : raw);
            char want[32];
            exact(want, sizeof want, v, fields[f].decimals);
            expect_value_text(out, fields[f].key, want);
            free(out);
        }
    }
}

static void test_wide_values_are_exact(void **state)
{
    (void)state;
    static const uint32_t samples[] = {0,          1,          9,          10,
                                       99999,      123456789,  4294967295, 4294967294,
                                       1000000001, 2147483647, 2147483648, 3000000003};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        uint32_t v = samples[i];
        char hex[128], want[32];
        /* distance, 4 bytes at 0.001 */
        snprintf(hex, sizeof hex, "01 82 %02X %02X %02X %02X", v >> 24, (v >> 16) & 0xff,
                 (v >> 8) & 0xff, v & 0xff);
        char *text = decode_text(hex);
        exact(want, sizeof want, v, 3);
        expect_value_text(text, "distance_1", want);
        free(text);
        /* gps latitude, 3 signed bytes at 0.0001 */
        uint32_t u = v & 0xffffff;
        long long s = u >= 0x800000 ? (long long)u - 0x1000000 : u;
        snprintf(hex, sizeof hex, "01 88 %02X %02X %02X 00 00 00 00 00 00", u >> 16,
                 (u >> 8) & 0xff, u & 0xff);
        text = decode_text(hex);
        exact(want, sizeof want, s, 4);
        char obj[96];
        snprintf(obj, sizeof obj, "{\"latitude\":%s,\"longitude\":0,\"altitude\":0}", want);
        expect_value_text(text, "gps_1", obj);
        free(text);
    }
}

/* ---- malformed payloads ---- */

typedef struct bad_case {
    const char *hex;
    const char *error;   /* substring of errors[0] */
    size_t kept;         /* records decoded before the bad one */
    const char *skipped; /* substring of the last warning */
} bad_case;

static const bad_case bad_cases[] = {
    {"01", "offset 0: channel 1 has no type byte", 0, "(1 byte from offset 0)"},
    {"01 67", "offset 0: temperature (type 103) on channel 1 needs 2 bytes, only 0 left", 0,
     "(2 bytes from offset 0)"},
    {"01 67 01", "offset 0: temperature (type 103) on channel 1 needs 2 bytes, only 1 left", 0,
     "(3 bytes from offset 0)"},
    {"01 C8 00 00", "offset 0: unknown type 200 on channel 1", 0, "(4 bytes from offset 0)"},
    {"03 67 01 10 05 67 00", "offset 4: temperature (type 103) on channel 5 needs 2 bytes", 1,
     "(3 bytes from offset 4)"},
    {"03 67 01 10 05", "offset 4: channel 5 has no type byte", 1, "(1 byte from offset 4)"},
    {"01 88 06 76 5f f2 96 0a 00 03", "gps (type 136) on channel 1 needs 9 bytes, only 8 left", 0,
     "from offset 0"},
    {"06 71 04 D2 FB 2E 00", "accelerometer (type 113) on channel 6 needs 6 bytes, only 5 left", 0,
     "from offset 0"},
    {"01 04 00 00", "unknown type 4 on channel 1", 0, "from offset 0"},
    {"01 FF", "offset 0: unknown type 255 on channel 1", 0, "(2 bytes from offset 0)"},
    {"01 00 01 02 05 00", "offset 3: unknown type 5 on channel 2", 1, "(3 bytes from offset 3)"},
    {"00 00", "digital_in (type 0) on channel 0 needs 1 byte, only 0 left", 0, "from offset 0"},
    {"01 64 00 00 00", "generic_sensor (type 100) on channel 1 needs 4 bytes, only 3 left", 0,
     "from offset 0"},
    {"01 87 FF 00", "colour (type 135) on channel 1 needs 3 bytes, only 2 left", 0,
     "from offset 0"},
    {"01 7A 00 00", "load (type 122) on channel 1 needs 3 bytes, only 2 left", 0, "from offset 0"},
    {"01 67 00 0A 02 68 64 03 71 00",
     "offset 7: accelerometer (type 113) on channel 3 needs 6 bytes, only 1 left", 2,
     "(3 bytes from offset 7)"},
    {"01 67 00 0A 02 99 00 00 03 67 00 0A", "offset 4: unknown type 153 on channel 2", 1,
     "(8 bytes from offset 4)"},
    {"01 85 00 00 00", "unixtime (type 133) on channel 1 needs 4 bytes, only 3 left", 0,
     "from offset 0"},
    {"01 86 00 00 00 00 00", "gyrometer (type 134) on channel 1 needs 6 bytes, only 5 left", 0,
     "from offset 0"},
};

static void test_malformed_payloads(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const bad_case *c = &bad_cases[i];
        json_t *r = decode(c->hex);
        const char *err = message(r, "errors", 0);
        size_t nw = count(r, "warnings");
        const char *warn = nw ? message(r, "warnings", nw - 1) : NULL;
        if (count(r, "errors") != 1 || !strstr(err, c->error))
            fail_msg("%s: error \"%s\" does not contain \"%s\"", c->hex, err ? err : "(none)",
                     c->error);
        if (count(r, "data") != c->kept)
            fail_msg("%s: %zu records kept, expected %zu", c->hex, count(r, "data"), c->kept);
        if (!warn || !strstr(warn, "was skipped") || !strstr(warn, c->skipped))
            fail_msg("%s: warning \"%s\" does not say \"%s\" was skipped", c->hex,
                     warn ? warn : "(none)", c->skipped);
        json_decref(r);
    }
}

/* What decoded before the bad record keeps its value and units. */
static void test_malformed_keeps_earlier_values(void **state)
{
    (void)state;
    json_t *r = decode("03 67 01 10 05 67 00");
    assert_true(num(r, "temperature_3") == 27.2);
    assert_string_equal(unit(r, "temperature_3"), "Cel");
    assert_null(json_object_get(json_object_get(r, "data"), "temperature_5"));
    json_decref(r);
}

/* The decoder reads only the bytes it is given: a payload cut from a longer buffer decodes
 * the same as a copy of exactly those bytes (ASan would catch a read past the copy). */
static void test_reads_only_given_bytes(void **state)
{
    (void)state;
    uint8_t full[] = {0x03, 0x67, 0x01, 0x10, 0x05, 0x67, 0x00, 0xFF};
    for (size_t n = 0; n <= sizeof full; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, full, n);
        lb_codec_input in = {.bytes = copy, .len = n};
        char *out = NULL;
        assert_int_equal(plugin->decode_uplink(inst, &in, &out), 0);
        json_decref(parse(out));
        free(out);
        free(copy);
    }
}

/* ---- encoding ---- */

static void test_encode_brief_example(void **state)
{
    (void)state;
    expect_bytes("{\"data\": {\"digital_out_1\": 1, \"analog_out_2\": 3.5}}",
                 "01 01 01 02 03 01 5E");
}

/* [LPP] the GPS and temperature examples, encoded back to their published bytes */
static void test_encode_published_examples(void **state)
{
    (void)state;
    expect_bytes("{\"data\":{\"gps_1\":{\"latitude\":42.3519,\"longitude\":-87.9094,"
                 "\"altitude\":10}}}",
                 "01 88 06 76 5F F2 96 0A 00 03 E8");
    expect_bytes("{\"data\":{\"temperature_3\":27.2,\"temperature_5\":25.5}}",
                 "03 67 01 10 05 67 00 FF");
    expect_bytes("{\"data\":{\"temperature_1\":-4.1}}", "01 67 FF D7");
    expect_bytes("{\"data\":{\"accelerometer_6\":{\"x\":1.234,\"y\":-1.234,\"z\":0}}}",
                 "06 71 04 D2 FB 2E 00 00");
}

static void test_encode_booleans_as_0_and_1(void **state)
{
    (void)state;
    expect_bytes("{\"data\":{\"digital_out_1\":true,\"switch_2\":false}}", "01 01 01 02 8E 00");
}

static void test_encode_f_port(void **state)
{
    (void)state;
    json_t *r = encode("{\"data\":{\"digital_out_1\":1}}");
    assert_int_equal(json_integer_value(json_object_get(r, "f_port")), 1);
    json_decref(r);
    r = encode("{\"data\":{\"digital_out_1\":1},\"f_port\":99}");
    assert_int_equal(json_integer_value(json_object_get(r, "f_port")), 99);
    json_decref(r);
}

static void test_encode_rounds_to_resolution_with_warning(void **state)
{
    (void)state;
    json_t *r = encode("{\"data\":{\"temperature_1\":27.25}}");
    char hex[64];
    assert_string_equal(bytes_hex(r, hex, sizeof hex), "01 67 01 11");
    assert_int_equal(count(r, "errors"), 0);
    assert_non_null(strstr(message(r, "warnings", 0), "27.25 rounded to 27.3"));
    json_decref(r);
    /* on a step: no warning, even where binary floating point is not exact */
    r = encode("{\"data\":{\"analog_out_1\":3.3,\"current_2\":1.001,\"gps_3\":"
               "{\"latitude\":-0.0001,\"longitude\":179.9999,\"altitude\":-0.01}}}");
    assert_int_equal(count(r, "warnings"), 0);
    assert_int_equal(count(r, "errors"), 0);
    assert_string_equal(bytes_hex(r, hex, sizeof hex),
                        "01 03 01 4A 02 75 03 E9 03 88 FF FF FF 1B 77 3F FF FF FF");
    json_decref(r);
}

/* decode(bytes) -> encode(data) gives the same bytes back, for every type */
static void test_round_trip_decode_encode(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCASES; i++) {
        const type_case *c = &type_cases[i];
        json_t *r = decode(c->hex);
        json_t *req = json_pack("{s:O}", "data", json_object_get(r, "data"));
        char *text = json_dumps(req, JSON_REAL_PRECISION(17));
        json_t *e = encode(text);
        char hex[256], want[256];
        uint8_t b[64];
        size_t n = test_hex(c->hex, b, sizeof b);
        for (size_t k = 0, off = 0; k < n; k++)
            off += (size_t)snprintf(want + off, sizeof want - off, "%s%02X", k ? " " : "", b[k]);
        if (count(e, "errors") != 0 || strcmp(bytes_hex(e, hex, sizeof hex), want) != 0)
            fail_msg("%s: round trip gave %s (%s)", c->key, hex,
                     count(e, "errors") ? message(e, "errors", 0) : "no error");
        json_decref(e);
        free(text);
        json_decref(req);
        json_decref(r);
    }
}

/* encode(values) -> decode(bytes) gives the values back */
static void test_round_trip_encode_decode(void **state)
{
    (void)state;
    const char *in = "{\"data\":{\"digital_out_1\":1,\"analog_out_2\":-3.5,\"temperature_3\":"
                     "-40,\"relative_humidity_4\":99.5,\"barometric_pressure_5\":1013.2,"
                     "\"gps_6\":{\"latitude\":-33.8688,\"longitude\":151.2093,\"altitude\":"
                     "-12.34},\"load_7\":160.987,\"energy_8\":4294967.295,\"colour_9\":"
                     "{\"r\":1,\"g\":2,\"b\":3},\"altitude_10\":-32768,\"unixtime_11\":0}}";
    json_t *e = encode(in);
    assert_int_equal(count(e, "errors"), 0);
    char hex[512];
    bytes_hex(e, hex, sizeof hex);
    json_t *r = decode(hex);
    json_t *want = parse(in);
    if (!json_equal(json_object_get(r, "data"), json_object_get(want, "data"))) {
        char *got = json_dumps(json_object_get(r, "data"), 0);
        fail_msg("round trip gave %s", got);
    }
    json_decref(want);
    json_decref(r);
    json_decref(e);
}

typedef struct encode_bad {
    const char *json;
    const char *error;
} encode_bad;

static const encode_bad encode_bad_cases[] = {
    {"{\"data\":{\"foo_1\":1}}", "unknown key \"foo_1\""},
    {"{\"data\":{\"temperature\":1}}", "unknown key \"temperature\""},
    {"{\"data\":{\"humidity_1\":50}}", "unknown key \"humidity_1\""},
    {"{\"data\":{\"temperature_256\":1}}", "temperature_256: the channel after the last '_' must "
                                           "be a number 0-255"},
    {"{\"data\":{\"temperature_x\":1}}", "temperature_x: the channel"},
    {"{\"data\":{\"temperature_\":1}}", "temperature_: the channel"},
    {"{\"data\":{\"temperature_1\":\"hot\"}}", "temperature_1: the value must be a number"},
    {"{\"data\":{\"analog_out_1\":null}}", "analog_out_1: the value must be a number"},
    {"{\"data\":{\"temperature_1\":3276.8}}",
     "temperature_1: 3276.8 is out of range (-3276.8 to 3276.7)"},
    {"{\"data\":{\"digital_out_1\":256}}", "digital_out_1: 256 is out of range (0 to 255)"},
    {"{\"data\":{\"digital_out_1\":-1}}", "digital_out_1: -1 is out of range (0 to 255)"},
    {"{\"data\":{\"relative_humidity_1\":128}}", "is out of range (0 to 127.5)"},
    {"{\"data\":{\"generic_sensor_1\":4294967296}}", "is out of range (0 to 4294967295)"},
    {"{\"data\":{\"load_1\":-8388.609}}", "is out of range (-8388.608 to 8388.607)"},
    {"{\"data\":{\"analog_out_1\":1e308}}", "analog_out_1: 1e+308 is out of range"},
    {"{\"data\":{\"gps_1\":{\"latitude\":1,\"longitude\":2}}}",
     "gps_1: the object must have exactly latitude, longitude and altitude"},
    {"{\"data\":{\"gps_1\":{\"latitude\":1,\"longitude\":2,\"alt\":3}}}", "gps_1.altitude is "
                                                                          "missing"},
    {"{\"data\":{\"gps_1\":[1,2,3]}}",
     "gps_1: the value must be an object with latitude, longitude and altitude"},
    {"{\"data\":{\"gps_1\":{\"latitude\":900,\"longitude\":0,\"altitude\":0}}}",
     "gps_1.latitude: 900 is out of range (-838.8608 to 838.8607)"},
    {"{\"data\":{\"colour_1\":{\"r\":256,\"g\":0,\"b\":0}}}", "colour_1.r: 256 is out of range"},
    {"{\"data\":{\"accelerometer_1\":{\"x\":\"1\",\"y\":0,\"z\":0}}}",
     "accelerometer_1.x: the value must be a number"},
    {"{\"data\":[]}", "\"data\" must be an object"},
    {"{}", "\"data\" must be an object"},
    {"not json", "the downlink is not valid JSON"},
    {"[1]", "the downlink must be a JSON object"},
    {"{\"data\":{\"digital_out_1\":1,\"digital_out_1\":2}}", "not valid JSON: duplicate object "
                                                             "key"},
    {"{\"data\":{\"digital_out_1\":1},\"f_port\":0}", "f_port must be an integer from 1 to 223"},
    {"{\"data\":{\"digital_out_1\":1},\"f_port\":\"1\"}", "f_port must be an integer"},
};

static void test_encode_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof encode_bad_cases / sizeof encode_bad_cases[0]; i++) {
        const encode_bad *c = &encode_bad_cases[i];
        json_t *r = encode(c->json);
        const char *err = message(r, "errors", 0);
        if (!err || !strstr(err, c->error))
            fail_msg("%s: error \"%s\" does not contain \"%s\"", c->json, err ? err : "(none)",
                     c->error);
        if (count(r, "bytes") != 0)
            fail_msg("%s: bytes given despite the error", c->json);
        json_decref(r);
    }
}

/* One bad key spoils the downlink, but every problem is reported at once. */
static void test_encode_reports_every_error_and_sends_nothing(void **state)
{
    (void)state;
    json_t *r = encode("{\"data\":{\"digital_out_1\":1,\"foo_2\":1,\"analog_out_3\":400}}");
    assert_int_equal(count(r, "errors"), 2);
    assert_non_null(strstr(message(r, "errors", 0), "foo_2"));
    assert_non_null(strstr(message(r, "errors", 1), "analog_out_3"));
    assert_int_equal(count(r, "bytes"), 0);
    json_decref(r);
}

/* A long key of multi-byte characters is quoted in the error, cut at a character boundary */
static void test_encode_error_cuts_long_key_safely(void **state)
{
    (void)state;
    char json[2048] = "{\"data\":{\"";
    for (int i = 0; i < 300; i++)
        strcat(json, "\xc3\xa9"); /* é */
    strcat(json, "_1\":1}}");
    for (size_t pad = 0; pad < 3; pad++) { /* move the cut across the character */
        json_t *r = encode(json);
        const char *err = message(r, "errors", 0);
        assert_non_null(err);
        assert_non_null(strstr(err, "unknown key"));
        assert_true(strlen(err) < LB_ERRLEN);
        json_decref(r);
        memmove(json + 11, json + 10, strlen(json + 10) + 1);
        json[10] = 'a';
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptor),
        cmocka_unit_test(test_compile_ignores_source),
        cmocka_unit_test(test_bad_arguments_refused),
        cmocka_unit_test(test_lpp_two_temperature_sensors),
        cmocka_unit_test(test_lpp_negative_temperature),
        cmocka_unit_test(test_lpp_accelerometer),
        cmocka_unit_test(test_lpp_gps),
        cmocka_unit_test(test_tts_decode_vector),
        cmocka_unit_test(test_tts_docs_pressure_and_temperature),
        cmocka_unit_test(test_every_type_decodes),
        cmocka_unit_test(test_every_type_has_its_units),
        cmocka_unit_test(test_only_the_known_types_decode),
        cmocka_unit_test(test_all_types_in_one_frame),
        cmocka_unit_test(test_decode_downlink_is_decode_uplink),
        cmocka_unit_test(test_empty_payload),
        cmocka_unit_test(test_repeated_key_keeps_last_value),
        cmocka_unit_test(test_every_16bit_value_is_exact),
        cmocka_unit_test(test_wide_values_are_exact),
        cmocka_unit_test(test_malformed_payloads),
        cmocka_unit_test(test_malformed_keeps_earlier_values),
        cmocka_unit_test(test_reads_only_given_bytes),
        cmocka_unit_test(test_encode_brief_example),
        cmocka_unit_test(test_encode_published_examples),
        cmocka_unit_test(test_encode_booleans_as_0_and_1),
        cmocka_unit_test(test_encode_f_port),
        cmocka_unit_test(test_encode_rounds_to_resolution_with_warning),
        cmocka_unit_test(test_round_trip_decode_encode),
        cmocka_unit_test(test_round_trip_encode_decode),
        cmocka_unit_test(test_encode_errors),
        cmocka_unit_test(test_encode_reports_every_error_and_sends_nothing),
        cmocka_unit_test(test_encode_error_cuts_long_key_safely),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
