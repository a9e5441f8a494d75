/* Unit tests of the JavaScript codec (plugins/js): the three APIs (The Things Stack, TTN v2,
 * ChirpStack), ES2015+ sources, polyfills, every limit (time, memory, recursion), hostile
 * throws and return values, isolation between instances, compile errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>
#include <lyrebird/codec.h>
#include <lyrebird/error.h>

#include "js_engine.h"

static const lb_codec_plugin *P;

static lb_codec *compile_limits(const char *src, uint32_t ms, size_t mem, char *err)
{
    lb_codec_limits lim = {ms, mem};
    return P->compile(src, strlen(src), &lim, err, LB_ERRLEN);
}

static lb_codec *compile_ok(const char *src)
{
    char err[LB_ERRLEN] = "";
    lb_codec *c = P->compile(src, strlen(src), NULL, err, sizeof err);
    if (!c)
        fail_msg("compile: %s", err);
    return c;
}

static lb_codec_instance *instance(lb_codec *c)
{
    char err[LB_ERRLEN] = "";
    lb_codec_instance *i = P->instance_new(c, err, sizeof err);
    if (!i)
        fail_msg("instance_new: %s", err);
    return i;
}

static json_t *parse(char *s)
{
    json_error_t je;
    json_t *j = json_loads(s, 0, &je);
    if (!j)
        fail_msg("bad JSON %s: %s", s, je.text);
    free(s);
    return j;
}

static json_t *decode_vars(lb_codec_instance *i, const uint8_t *b, size_t n, int port,
                           const char *vars)
{
    lb_codec_input in = {b, n, port, 1700000000123456789LL, vars};
    char *out = NULL;
    assert_int_equal(P->decode_uplink(i, &in, &out), 0);
    assert_non_null(out);
    return parse(out);
}

static json_t *decode(lb_codec_instance *i, const uint8_t *b, size_t n, int port)
{
    return decode_vars(i, b, n, port, NULL);
}

static json_t *encode(lb_codec_instance *i, const char *data_json)
{
    char *out = NULL;
    assert_int_equal(P->encode_downlink(i, data_json, &out), 0);
    assert_non_null(out);
    return parse(out);
}

static double num(json_t *j, const char *path)
{
    json_t *v = json_object_get(json_object_get(j, "data"), path);
    if (!json_is_number(v))
        fail_msg("data.%s is not a number in %s", path, json_dumps(j, 0));
    return json_number_value(v);
}

static const char *str(json_t *j, const char *path)
{
    json_t *v = json_object_get(json_object_get(j, "data"), path);
    if (!json_is_string(v))
        fail_msg("data.%s is not a string", path);
    return json_string_value(v);
}

static size_t n_errors(json_t *j)
{
    return json_array_size(json_object_get(j, "errors"));
}

static const char *error0(json_t *j)
{
    json_t *e = json_array_get(json_object_get(j, "errors"), 0);
    if (!json_is_string(e))
        fail_msg("no error in %s", json_dumps(j, 0));
    return json_string_value(e);
}

static void assert_error_has(json_t *j, const char *part)
{
    const char *e = error0(j);
    if (!strstr(e, part))
        fail_msg("error \"%s\" does not contain \"%s\"", e, part);
}

static void assert_no_errors(json_t *j)
{
    if (n_errors(j))
        fail_msg("unexpected errors: %s", error0(j));
}

static double ms_since(struct timespec t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
}

static const uint8_t TEN[] = {0x09, 0xc4, 0x50, 0x0e, 0x10, 1, 2, 3, 4, 5};

/* Compiles src, makes an instance, decodes TEN on port 1; the caller frees the json. */
static json_t *run_once(const char *src)
{
    lb_codec *c = compile_ok(src);
    lb_codec_instance *i = instance(c);
    json_t *j = decode(i, TEN, sizeof TEN, 1);
    P->instance_free(i);
    P->codec_free(c);
    return j;
}

/* Decodes with src on instance i, expecting an error containing part, then checks the instance
 * still answers a good call (src must decode fPort 2 fine). */
static void assert_fails_then_recovers(const char *src, int bad_port, const char *part)
{
    lb_codec *c = compile_ok(src);
    lb_codec_instance *i = instance(c);
    json_t *j = decode(i, TEN, sizeof TEN, bad_port);
    assert_error_has(j, part);
    json_decref(j);
    j = decode(i, TEN, sizeof TEN, 2);
    assert_no_errors(j);
    assert_int_equal(num(j, "ok"), 1);
    json_decref(j);
    P->instance_free(i);
    P->codec_free(c);
}

/* --- The Things Stack --- */

static const char TTS[] =
    "function decodeUplink(input) {\n"
    "  var b = input.bytes;\n"
    "  if (input.fPort !== 1) return {errors: ['unknown port ' + input.fPort]};\n"
    "  var t = (b[0] << 8 | b[1]); if (t & 0x8000) t -= 0x10000;\n"
    "  return {data: {temperature: t / 100, humidity: b[2] / 2, battery: (b[3] << 8 | b[4]) / "
    "1000,\n"
    "          isArray: Array.isArray(b), len: b.length,\n"
    "          year: input.recvTime.getUTCFullYear(), ms: input.recvTime.getTime(),\n"
    "          isDate: input.recvTime instanceof Date},\n"
    "          warnings: b[5] === 1 ? ['first extra byte is 1'] : []};\n"
    "}\n"
    "function normalizeUplink(input) {\n"
    "  return {data: {air: {temperature: input.data.temperature}}};\n"
    "}\n"
    "function encodeDownlink(input) {\n"
    "  return {bytes: [input.data.led ? 1 : 0, input.data.level], fPort: 5};\n"
    "}\n"
    "function decodeDownlink(input) {\n"
    "  return {data: {led: input.bytes[0] === 1, level: input.bytes[1], port: input.fPort}};\n"
    "}\n";

static void test_tts_decode_uplink(void **state)
{
    json_t *j = run_once(TTS);
    assert_no_errors(j);
    assert_true(num(j, "temperature") == 25.0);
    assert_true(num(j, "humidity") == 40.0);
    assert_true(num(j, "battery") == 3.6);
    assert_true(json_is_true(json_object_get(json_object_get(j, "data"), "isArray")));
    assert_true(num(j, "len") == 10);
    assert_true(num(j, "year") == 2023);
    assert_true(num(j, "ms") == 1700000000123.0);
    assert_true(json_is_true(json_object_get(json_object_get(j, "data"), "isDate")));
    assert_string_equal(json_string_value(json_array_get(json_object_get(j, "warnings"), 0)),
                        "first extra byte is 1");
    json_decref(j);
}

static void test_tts_normalize_uplink(void **state)
{
    json_t *j = run_once(TTS);
    json_t *n = json_object_get(j, "normalized");
    assert_true(json_number_value(json_object_get(json_object_get(n, "air"), "temperature")) ==
                25.0);
    json_decref(j);
}

static void test_tts_errors_returned(void **state)
{
    lb_codec *c = compile_ok(TTS);
    lb_codec_instance *i = instance(c);
    json_t *j = decode(i, TEN, sizeof TEN, 9);
    assert_string_equal(error0(j), "unknown port 9");
    assert_null(json_object_get(j, "normalized"));
    json_decref(j);
    P->instance_free(i);
    P->codec_free(c);
}

static void test_tts_encode_downlink_round_trip(void **state)
{
    lb_codec *c = compile_ok(TTS);
    lb_codec_instance *i = instance(c);
    json_t *e = encode(i, "{\"data\": {\"led\": true, \"level\": 200}, \"f_port\": 3}");
    assert_no_errors(e);
    json_t *bytes = json_object_get(e, "bytes");
    assert_int_equal(json_array_size(bytes), 2);
    assert_int_equal(json_integer_value(json_object_get(e, "f_port")), 5);
    uint8_t b[2] = {(uint8_t)json_integer_value(json_array_get(bytes, 0)),
                    (uint8_t)json_integer_value(json_array_get(bytes, 1))};
    lb_codec_input in = {b, 2, 5, 0, NULL};
    char *out = NULL;
    assert_int_equal(P->decode_downlink(i, &in, &out), 0);
    json_t *d = parse(out);
    assert_no_errors(d);
    assert_true(json_is_true(json_object_get(json_object_get(d, "data"), "led")));
    assert_true(num(d, "level") == 200);
    assert_true(num(d, "port") == 5);
    json_decref(e);
    json_decref(d);
    P->instance_free(i);
    P->codec_free(c);
}

static void test_encode_rejects_bad_bytes_and_json(void **state)
{
    lb_codec *c = compile_ok("function encodeDownlink(i) { return {bytes: i.data.b}; }");
    lb_codec_instance *i = instance(c);
    json_t *e = encode(i, "{\"data\": {\"b\": [1, 256]}, \"f_port\": 1}");
    assert_error_has(e, "bytes[1]");
    json_decref(e);
    e = encode(i, "{\"data\": {\"b\": \"nope\"}}");
    assert_error_has(e, "not an array");
    json_decref(e);
    e = encode(i, "{\"data\": {\"b\": [0, 255]}, \"f_port\": 7}");
    assert_no_errors(e);
    assert_int_equal(json_integer_value(json_object_get(e, "f_port")), 7);
    json_decref(e);
    char *out = NULL;
    assert_int_equal(P->encode_downlink(i, "{not json", &out), LB_EINVAL);
    assert_null(out);
    P->instance_free(i);
    P->codec_free(c);
}

/* --- TTN v2 --- */

static const char TTN_V2[] =
    "function Decoder(bytes, port) { return {t: bytes[0], port: port, n: bytes.length}; }\n"
    "function Converter(decoded, port) { decoded.converted = true; return decoded; }\n"
    "function Validator(converted, port) { return converted.t !== 0xff; }\n"
    "function Encoder(object, port) { return [object.a, port]; }\n";

static void test_ttn_v2_decoder_converter_validator(void **state)
{
    lb_codec *c = compile_ok(TTN_V2);
    lb_codec_instance *i = instance(c);
    json_t *j = decode(i, TEN, sizeof TEN, 4);
    assert_no_errors(j);
    assert_true(num(j, "t") == 9 && num(j, "port") == 4 && num(j, "n") == 10);
    assert_true(json_is_true(json_object_get(json_object_get(j, "data"), "converted")));
    json_decref(j);
    const uint8_t bad[] = {0xff};
    j = decode(i, bad, 1, 4);
    assert_error_has(j, "Validator rejected");
    assert_null(json_object_get(j, "data"));
    json_decref(j);
    j = encode(i, "{\"data\": {\"a\": 42}, \"f_port\": 2}");
    assert_no_errors(j);
    assert_int_equal(json_integer_value(json_array_get(json_object_get(j, "bytes"), 0)), 42);
    assert_int_equal(json_integer_value(json_array_get(json_object_get(j, "bytes"), 1)), 2);
    json_decref(j);
    P->instance_free(i);
    P->codec_free(c);
}

/* --- ChirpStack v4 --- */

static void test_chirpstack_variables(void **state)
{
    lb_codec *c =
        compile_ok("function decodeUplink(input) {\n"
                   "  return {data: {scaled: input.bytes[0] * Number(input.variables.scale),\n"
                   "                 hasVars: typeof input.variables === 'object'}};\n"
                   "}\n"
                   "function encodeDownlink(input) { return {bytes: [input.data.x]}; }\n");
    lb_codec_instance *i = instance(c);
    json_t *j = decode_vars(i, TEN, sizeof TEN, 1, "{\"scale\": \"10\"}");
    assert_no_errors(j);
    assert_true(num(j, "scaled") == 90);
    json_decref(j);
    j = decode(i, TEN, sizeof TEN, 1); /* no variables: an empty object */
    assert_true(json_is_true(json_object_get(json_object_get(j, "data"), "hasVars")));
    json_decref(j);
    j = encode(i, "{\"data\": {\"x\": 3}, \"f_port\": 10}");
    assert_no_errors(j);
    assert_int_equal(json_integer_value(json_object_get(j, "f_port")), 10);
    json_decref(j);
    lb_codec_input in = {TEN, sizeof TEN, 1, 0, "{bad"};
    char *out = NULL;
    assert_int_equal(P->decode_uplink(i, &in, &out), LB_EINVAL);
    P->instance_free(i);
    P->codec_free(c);
}

/* --- ES2015+ and polyfills --- */

static void test_es2015_syntax_runs(void **state)
{
    json_t *j = run_once(
        "const toHex = (b) => b.map(x => x.toString(16).padStart(2, '0')).join('');\n"
        "class Reader {\n"
        "  constructor(bytes) { this.bytes = bytes; this.pos = 0; }\n"
        "  u8() { return this.bytes[this.pos++]; }\n"
        "  u16() { const v = (this.bytes[this.pos] << 8) | this.bytes[this.pos + 1];\n"
        "          this.pos += 2; return v; }\n"
        "}\n"
        "function decodeUplink({bytes, fPort}) {\n"
        "  const r = new Reader(bytes);\n"
        "  let temp = r.u16() / 100;\n"
        "  const [a, b, ...rest] = bytes;\n"
        "  let sum = 0;\n"
        "  for (const x of rest) sum += x;\n"
        "  const f = (x, y = 2) => x ** y;\n"
        "  const extra = {...{k: 1}, j: 2};\n"
        "  return {data: {temp, hex: `${toHex([a, b])}!`, sum, sq: f(3), k: extra.k + extra.j,\n"
        "                 arr: [...rest].length, port: fPort}};\n"
        "}\n");
    assert_no_errors(j);
    assert_true(num(j, "temp") == 25);
    assert_string_equal(str(j, "hex"), "09c4!");
    assert_true(num(j, "sum") == 0x50 + 0x0e + 0x10 + 1 + 2 + 3 + 4 + 5);
    assert_true(num(j, "sq") == 9);
    assert_true(num(j, "k") == 3);
    assert_true(num(j, "arr") == 8);
    json_decref(j);
}

static void test_polyfills(void **state)
{
    json_t *j =
        run_once("function decodeUplink(input) {\n"
                 "  var b = input.bytes, m = new Map(); m.set('a', 1); m.set(b, 2);\n"
                 "  var s = new Set([1, 2, 2, 3]);\n"
                 "  return {data: {\n"
                 "    pad: '7'.padStart(3, '0') + 'x'.padEnd(2, '-'),\n"
                 "    entries: Object.entries({a: 1, b: 2}).length + Object.values({c: 3})[0],\n"
                 "    from: Array.from('abc').join('|'),\n"
                 "    inc: [1, 2, NaN].includes(NaN) && 'abc'.includes('b'),\n"
                 "    find: b.find(function (x) { return x > 0x40; }),\n"
                 "    idx: b.findIndex(function (x) { return x === 0x0e; }),\n"
                 "    fill: new Array(3).fill(7).join(''),\n"
                 "    trunc: Math.trunc(-4.7), sign: Math.sign(-3),\n"
                 "    isInt: Number.isInteger(5) && !Number.isInteger(5.5),\n"
                 "    starts: 'hello'.startsWith('he') && 'hello'.endsWith('lo'),\n"
                 "    rep: 'ab'.repeat(3), assign: Object.assign({}, {x: 1}, {y: 2}).y,\n"
                 "    map: m.get('a') + m.get(b) + m.size, set: s.size,\n"
                 "    u8: new Uint8Array([1, 2, 3, 4]).slice(1, 3).join(','),\n"
                 "    flat: [1, [2, [3]]].flat(2).length, b64: btoa('hi') + atob('aGk=')\n"
                 "  }};\n"
                 "}\n");
    assert_no_errors(j);
    assert_string_equal(str(j, "pad"), "007x-");
    assert_true(num(j, "entries") == 5);
    assert_string_equal(str(j, "from"), "a|b|c");
    assert_true(json_is_true(json_object_get(json_object_get(j, "data"), "inc")));
    assert_true(num(j, "find") == 0xc4);
    assert_true(num(j, "idx") == 3);
    assert_string_equal(str(j, "fill"), "777");
    assert_true(num(j, "trunc") == -4 && num(j, "sign") == -1);
    assert_true(json_is_true(json_object_get(json_object_get(j, "data"), "isInt")));
    assert_true(json_is_true(json_object_get(json_object_get(j, "data"), "starts")));
    assert_string_equal(str(j, "rep"), "ababab");
    assert_true(num(j, "assign") == 2);
    assert_true(num(j, "map") == 5);
    assert_true(num(j, "set") == 3);
    assert_string_equal(str(j, "u8"), "2,3");
    assert_true(num(j, "flat") == 3);
    assert_string_equal(str(j, "b64"), "aGk=hi");
    json_decref(j);
}

/* --- limits --- */

/* fPort 2 answers {ok: 1}; fPort 1 misbehaves as the test's body says */
#define HOSTILE(body)                                                                              \
    "function decodeUplink(input) {\n"                                                             \
    "  if (input.fPort === 2) return {data: {ok: 1}};\n" body "\n}\n"

static void test_busy_loop_stopped_near_limit(void **state)
{
    lb_codec *c = compile_ok(HOSTILE("  var t = Date.now(); while (Date.now() - t < 1000) {}\n"
                                     "  return {data: {ok: 2}};"));
    lb_codec_instance *i = instance(c);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    json_t *j = decode(i, TEN, sizeof TEN, 1);
    double ms = ms_since(t0);
    assert_error_has(j, "longer than the limit of 100 ms");
    assert_null(json_object_get(j, "data"));
    printf("    busy loop of 1 s stopped after %.1f ms\n", ms);
    assert_true(ms >= 95 && ms < 300);
    json_decref(j);
    j = decode(i, TEN, sizeof TEN, 2);
    assert_no_errors(j);
    json_decref(j);
    P->instance_free(i);
    P->codec_free(c);
}

static void test_infinite_loop_with_catch_stopped(void **state)
{
    assert_fails_then_recovers(HOSTILE("  for (;;) { try { while (true) {} } catch (e) {} }"), 1,
                               "longer than the limit");
}

static void test_time_limit_from_limits(void **state)
{
    char err[LB_ERRLEN];
    lb_codec *c = compile_limits(HOSTILE("  while (true) {}"), 20, 0, err);
    assert_non_null(c);
    lb_codec_instance *i = instance(c);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    json_t *j = decode(i, TEN, sizeof TEN, 1);
    assert_error_has(j, "limit of 20 ms");
    assert_true(ms_since(t0) < 150);
    json_decref(j);
    P->instance_free(i);
    P->codec_free(c);
}

static void test_huge_allocation_refused(void **state)
{
    assert_fails_then_recovers(HOSTILE("  var a = new ArrayBuffer(1024 * 1024 * 1024);"), 1,
                               "more memory than the limit of 16 MB");
    assert_fails_then_recovers(HOSTILE("  var s = 'x'; while (true) s += s;"), 1,
                               "more memory than the limit");
    assert_fails_then_recovers(HOSTILE("  var a = []; while (true) a.push({i: a.length});"), 1,
                               "limit");
}

static void test_memory_kept_in_globals_rebuilds_instance(void **state)
{
    lb_codec *c = compile_ok(
        HOSTILE("  if (!this.keep) this.keep = [];\n"
                "  while (true) keep.push('abcdefghijklmnopqrstuvwxyz' + keep.length);"));
    lb_codec_instance *i = instance(c);
    for (int k = 0; k < 3; k++) {
        json_t *j = decode(i, TEN, sizeof TEN, 1);
        assert_error_has(j, "limit"); /* memory, or time when near the cap GC runs often */
        json_decref(j);
        j = decode(i, TEN, sizeof TEN, 2);
        assert_no_errors(j);
        json_decref(j);
    }
    P->instance_free(i);
    P->codec_free(c);
}

static void test_memory_cap_from_limits(void **state)
{
    char err[LB_ERRLEN];
    lb_codec *c =
        compile_limits(HOSTILE("  var a = new Array(1000000).fill(1.5);"), 0, 2 * 1024 * 1024, err);
    assert_non_null(c);
    lb_codec_instance *i = instance(c);
    json_t *j = decode(i, TEN, sizeof TEN, 1);
    assert_error_has(j, "limit of 2 MB");
    json_decref(j);
    P->instance_free(i);
    P->codec_free(c);
}

static void test_deep_recursion(void **state)
{
    assert_fails_then_recovers(HOSTILE("  function f(n) { return f(n + 1) + 1; } return f(0);"), 1,
                               "RangeError");
    assert_fails_then_recovers(
        HOSTILE("  var o = {}; for (var k = 0; k < 100000; k++) o = {o: o};\n"
                "  return {data: o};"),
        1, "decodeUplink");
}

static void test_throw_non_objects(void **state)
{
    assert_fails_then_recovers(HOSTILE("  throw 5;"), 1, "decodeUplink: threw 5");
    assert_fails_then_recovers(HOSTILE("  throw null;"), 1, "threw null");
    assert_fails_then_recovers(HOSTILE("  throw undefined;"), 1, "threw undefined");
    assert_fails_then_recovers(HOSTILE("  throw 'bad payload';"), 1, "decodeUplink: bad payload");
    assert_fails_then_recovers(HOSTILE("  throw new TypeError('boom');"), 1,
                               "TypeError: boom (line 3)");
    assert_fails_then_recovers(
        HOSTILE("  throw {toString: function () { throw new Error('again'); }};"), 1,
        "decodeUplink");
    assert_fails_then_recovers(HOSTILE("  Object.defineProperty(Error.prototype, 'lineNumber',\n"
                                       "    {get: function () { throw 1; }, configurable: true});\n"
                                       "  throw new Error('x');"),
                               1, "decodeUplink");
}

static void test_bad_return_values(void **state)
{
    assert_fails_then_recovers(HOSTILE("  return undefined;"), 1, "returned undefined");
    assert_fails_then_recovers(HOSTILE("  return 42;"), 1, "returned a number");
    assert_fails_then_recovers(HOSTILE("  return {data: function () {}};"), 1,
                               "data that is a function");
    assert_fails_then_recovers(HOSTILE("  return {data: [1, 2]};"), 1, "data that is an array");
    assert_fails_then_recovers(HOSTILE("  return {warnings: ['w']};"), 1, "returned data");
    assert_fails_then_recovers(HOSTILE("  var o = {}; o.self = o; return {data: o};"), 1,
                               "not JSON");
    assert_fails_then_recovers(
        HOSTILE("  return {data: {toJSON: function () { while (true) {} }}};"), 1,
        "longer than the limit");

    /* non-finite numbers become null; functions inside data are left out */
    json_t *j = run_once(HOSTILE("  return {data: {n: NaN, i: -Infinity, f: function () {}, "
                                 "u: undefined, ok: 1}, warnings: [1, null, {}]};"));
    assert_no_errors(j);
    json_t *d = json_object_get(j, "data");
    assert_true(json_is_null(json_object_get(d, "n")));
    assert_true(json_is_null(json_object_get(d, "i")));
    assert_null(json_object_get(d, "f"));
    assert_string_equal(json_string_value(json_array_get(json_object_get(j, "warnings"), 1)),
                        "null");
    json_decref(j);
}

static void test_modified_builtins(void **state)
{
    /* a script that breaks the built-ins we could have used still gets its result out */
    assert_fails_then_recovers(
        "Array.prototype.push = null; JSON.stringify = null; JSON = null;\n"
        "Object.prototype.toJSON = undefined; Date = function () { return 1; };\n"
        "function decodeUplink(input) {\n"
        "  if (input.fPort === 2) return {data: {ok: input.recvTime.getTime() > 0 ? 1 : 0}};\n"
        "  Object = null; String = null; throw 'after breaking Object';\n"
        "}\n",
        1, "after breaking Object");
}

/* --- isolation, compile --- */

static void test_instances_are_isolated(void **state)
{
    lb_codec *c = compile_ok("var count = 0;\n"
                             "function decodeUplink(input) {\n"
                             "  count++; if (input.fPort === 1) leaked = 'yes';\n"
                             "  Array.prototype.evil = 1;\n"
                             "  return {data: {count: count, leaked: typeof leaked}};\n"
                             "}\n");
    lb_codec_instance *a = instance(c), *b = instance(c);
    json_t *j = decode(a, TEN, sizeof TEN, 1);
    assert_true(num(j, "count") == 1);
    json_decref(j);
    j = decode(a, TEN, sizeof TEN, 2);
    assert_true(num(j, "count") == 2);
    assert_string_equal(str(j, "leaked"), "string");
    json_decref(j);
    j = decode(b, TEN, sizeof TEN, 2);
    assert_true(num(j, "count") == 1);
    assert_string_equal(str(j, "leaked"), "undefined");
    json_decref(j);
    P->instance_free(a);
    P->instance_free(b);
    P->codec_free(c);
}

static void assert_compile_error(const char *src, const char *part)
{
    char err[LB_ERRLEN] = "";
    lb_codec *c = P->compile(src, strlen(src), NULL, err, sizeof err);
    if (c)
        fail_msg("compiled: %s", src);
    if (!strstr(err, part))
        fail_msg("compile error \"%s\" does not contain \"%s\"", err, part);
}

static void test_compile_errors_name_the_line(void **state)
{
    assert_compile_error("function decodeUplink(input) {\n  var x = 1;\n  return {data: {x: x}}}\n"
                         "  x = 2;\n}\n",
                         "line 5");
    assert_compile_error("const f = () => 1;\nfunction decodeUplink(input) {\n"
                         "  let x = ;\n  return {data: {}};\n}\n",
                         "line 3");
    assert_compile_error("function notAnEntry() {}\n", "no decodeUplink");
    assert_compile_error("var x = 1;\nthrow new Error('top level');\n"
                         "function decodeUplink() {}\n",
                         "top level (line 2)");
    char err[LB_ERRLEN];
    assert_null(compile_limits("while (true) {}\nfunction decodeUplink() {}\n", 20, 0, err));
    assert_non_null(strstr(err, "limit of 20 ms"));
}

static void test_missing_functions(void **state)
{
    lb_codec *c = compile_ok("function decodeUplink(i) { return {data: {}}; }");
    lb_codec_instance *i = instance(c);
    json_t *j = encode(i, "{\"data\": {}}");
    assert_error_has(j, "no encodeDownlink");
    json_decref(j);
    lb_codec_input in = {TEN, 2, 1, 0, NULL};
    char *out = NULL;
    assert_int_equal(P->decode_downlink(i, &in, &out), 0);
    j = parse(out);
    assert_error_has(j, "no decodeDownlink");
    json_decref(j);
    P->instance_free(i);
    P->codec_free(c);
}

/* --- behaviours the decoder corpus (tests/codecs) relies on --- */

/* Local-time getters and dates parsed without a zone are UTC whatever the host's TZ. */
static void test_dates_are_utc_whatever_tz(void **state)
{
    const char *old = getenv("TZ");
    char *saved = old ? strdup(old) : NULL;
    setenv("TZ", "America/New_York", 1);
    tzset();
    json_t *j = run_once("function decodeUplink(input) {\n"
                         "  var d = new Date(1500000000 * 1000);\n"
                         "  return {data: {h: d.getHours(), off: d.getTimezoneOffset(),\n"
                         "    parsed: new Date('2020-01-02T03:04:05').getTime(),\n"
                         "    made: new Date(2020, 0, 2, 3, 4, 5).getTime()}};\n"
                         "}\n");
    if (saved)
        setenv("TZ", saved, 1);
    else
        unsetenv("TZ");
    tzset();
    free(saved);
    assert_no_errors(j);
    assert_true(num(j, "h") == 2);
    assert_true(num(j, "off") == 0);
    assert_true(num(j, "parsed") == 1577934245000.0);
    assert_true(num(j, "made") == 1577934245000.0);
    json_decref(j);
}

/* recvTime is a Date whose ISO text (and JSON) keeps the nanoseconds of the receive time. */
static void test_recv_time_keeps_nanoseconds(void **state)
{
    json_t *j = run_once("function decodeUplink(input) {\n"
                         "  var t = input.recvTime;\n"
                         "  return {data: {copy: t, iso: t.toISOString(), ms: t.getTime(),\n"
                         "    plain: new Date(t).toISOString(), keys: Object.keys(t).length,\n"
                         "    other: t.toISOString.call(new Date(0))}};\n"
                         "}\n");
    assert_no_errors(j);
    assert_string_equal(str(j, "copy"), "2023-11-14T22:13:20.123456789Z");
    assert_string_equal(str(j, "iso"), "2023-11-14T22:13:20.123456789Z");
    assert_true(num(j, "ms") == 1700000000123.0);
    assert_string_equal(str(j, "plain"), "2023-11-14T22:13:20.123Z");
    assert_true(num(j, "keys") == 0);
    assert_string_equal(str(j, "other"), "1970-01-01T00:00:00.000Z");
    json_decref(j);
    /* whole milliseconds: the standard Date */
    lb_codec *c = compile_ok("function decodeUplink(i) { return {data: {t: i.recvTime}}; }");
    lb_codec_instance *i = instance(c);
    lb_codec_input in = {TEN, 1, 1, 1700000000123000000LL, NULL};
    char *out = NULL;
    assert_int_equal(P->decode_uplink(i, &in, &out), 0);
    j = parse(out);
    assert_string_equal(str(j, "t"), "2023-11-14T22:13:20.123Z");
    json_decref(j);
    P->instance_free(i);
    P->codec_free(c);
}

/* Date's text forms read as V8's (in UTC, en-US for the locale forms) but new Date(date) still
 * copies a date; String.raw exists. */
static void test_date_text_like_v8(void **state)
{
    json_t *j = run_once("function decodeUplink(input) {\n"
                         "  var d = new Date(Date.UTC(2023, 6, 19, 0, 5, 5));\n"
                         "  var e = new Date(Date.UTC(2023, 6, 19, 13, 5, 5));\n"
                         "  return {data: {copy: new Date(d).getTime(), ds: d.toDateString(),\n"
                         "    ts: d.toTimeString(),\n"
                         "    ls: d.toLocaleString(), lts: e.toLocaleTimeString(),\n"
                         "    lds: d.toLocaleDateString(), bad: new Date(NaN).toString(),\n"
                         "    utc: d.toUTCString(), raw: String.raw({raw: ['a', 'c']}, 'b')}};\n"
                         "}\n");
    assert_no_errors(j);
    assert_true(num(j, "copy") == 1689725105000.0);
    assert_string_equal(str(j, "ds"), "Wed Jul 19 2023");
    assert_string_equal(str(j, "ts"), "00:05:05 GMT+0000 (Coordinated Universal Time)");
    assert_string_equal(str(j, "ls"), "7/19/2023, 12:05:05 AM");
    assert_string_equal(str(j, "lts"), "1:05:05 PM");
    assert_string_equal(str(j, "lds"), "7/19/2023");
    assert_string_equal(str(j, "bad"), "Invalid Date");
    assert_string_equal(str(j, "utc"), "Wed, 19 Jul 2023 00:05:05 GMT");
    assert_string_equal(str(j, "raw"), "abc");
    json_decref(j);
}

/* A normalizeUplink that throws or reports errors keeps the decoded data: its failure is a
 * warning, and "normalized" is left out. */
static void test_normalize_failure_keeps_data(void **state)
{
    json_t *j = run_once("function decodeUplink(input) { return {data: {x: 1}}; }\n"
                         "function normalizeUplink(input) {\n"
                         "  return {data: {door: input.data.door.toUpperCase()}};\n"
                         "}\n");
    assert_no_errors(j);
    assert_true(num(j, "x") == 1);
    assert_null(json_object_get(j, "normalized"));
    const char *w = json_string_value(json_array_get(json_object_get(j, "warnings"), 0));
    assert_non_null(w);
    assert_non_null(strstr(w, "normalizeUplink"));
    assert_non_null(strstr(w, "TypeError"));
    json_decref(j);
    j = run_once("function decodeUplink(input) { return {data: {x: 1}, warnings: ['w']}; }\n"
                 "function normalizeUplink(input) { return {errors: ['no unit']}; }\n");
    assert_no_errors(j);
    json_t *ws = json_object_get(j, "warnings");
    assert_int_equal(json_array_size(ws), 2);
    assert_string_equal(json_string_value(json_array_get(ws, 1)), "normalizeUplink: no unit");
    assert_null(json_object_get(j, "normalized"));
    json_decref(j);
}

/* Sloppy-mode code as published decoders write it: top-level this is the global object,
 * labelled statements, function declarations in blocks, implicit globals, methods added to
 * Object.prototype and called on the byte array, V8's number formatting. */
static void test_sloppy_mode_idioms(void **state)
{
    json_t *j =
        run_once("var G = this;\n"
                 "this.helper = function (x) { return x + 1; };\n"
                 "Object.prototype.readU16 = function (o) { return this[o] << 8 | this[o + 1]; };\n"
                 "function decodeUplink(input) {\n"
                 "  var found = -1;\n"
                 "  outer: for (var a = 0; a < 3; a++) {\n"
                 "    for (var b = 0; b < 3; b++) { if (a * b === 2) { found = a * 10 + b; break "
                 "outer; } }\n"
                 "  }\n"
                 "  try { function inTry(x) { return x * 2; } } catch (e) {}\n"
                 "  switch (input.fPort) { case 1: function inCase() { return 'c'; } }\n"
                 "  for (k = 0; k < 2; k++) {}\n"
                 "  return {data: {global: G === helper.constructor('return this')(),\n"
                 "    helper: helper(1), found: found, t: inTry(2), c: inCase(), k: k,\n"
                 "    u16: input.bytes.readU16(0), f: 0.1 + 0.2, s: String(115020.68221552655),\n"
                 "    fixed: (1.005).toFixed(2), small: String(0.0019605699999999393)}};\n"
                 "}\n");
    assert_no_errors(j);
    assert_true(json_is_true(json_object_get(json_object_get(j, "data"), "global")));
    assert_true(num(j, "helper") == 2);
    assert_true(num(j, "found") == 12);
    assert_true(num(j, "t") == 4);
    assert_string_equal(str(j, "c"), "c");
    assert_true(num(j, "k") == 2);
    assert_true(num(j, "u16") == 0x09c4);
    assert_true(num(j, "f") == 0.30000000000000004);
    assert_string_equal(str(j, "s"), "115020.68221552655");
    assert_string_equal(str(j, "fixed"), "1.00");
    assert_string_equal(str(j, "small"), "0.0019605699999999393");
    json_decref(j);
}

static int teardown_all(void **state)
{
    lb_js_transpile_shutdown();
    return 0;
}

int main(void)
{
    P = lb_codec_entry();
    assert_int_equal(P->abi, LB_CODEC_ABI);
    assert_string_equal(P->type, "javascript");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tts_decode_uplink),
        cmocka_unit_test(test_tts_normalize_uplink),
        cmocka_unit_test(test_tts_errors_returned),
        cmocka_unit_test(test_tts_encode_downlink_round_trip),
        cmocka_unit_test(test_encode_rejects_bad_bytes_and_json),
        cmocka_unit_test(test_ttn_v2_decoder_converter_validator),
        cmocka_unit_test(test_chirpstack_variables),
        cmocka_unit_test(test_es2015_syntax_runs),
        cmocka_unit_test(test_polyfills),
        cmocka_unit_test(test_busy_loop_stopped_near_limit),
        cmocka_unit_test(test_infinite_loop_with_catch_stopped),
        cmocka_unit_test(test_time_limit_from_limits),
        cmocka_unit_test(test_huge_allocation_refused),
        cmocka_unit_test(test_memory_kept_in_globals_rebuilds_instance),
        cmocka_unit_test(test_memory_cap_from_limits),
        cmocka_unit_test(test_deep_recursion),
        cmocka_unit_test(test_throw_non_objects),
        cmocka_unit_test(test_bad_return_values),
        cmocka_unit_test(test_modified_builtins),
        cmocka_unit_test(test_instances_are_isolated),
        cmocka_unit_test(test_compile_errors_name_the_line),
        cmocka_unit_test(test_missing_functions),
        cmocka_unit_test(test_dates_are_utc_whatever_tz),
        cmocka_unit_test(test_recv_time_keeps_nanoseconds),
        cmocka_unit_test(test_date_text_like_v8),
        cmocka_unit_test(test_normalize_failure_keeps_data),
        cmocka_unit_test(test_sloppy_mode_idioms),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
