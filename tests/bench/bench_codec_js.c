/* Benchmark of the JavaScript codec (plugins/js): a typical 15-line decoder (temperature,
 * humidity, battery and a status byte from 10 bytes), decoded over and over on one instance;
 * prints µs per decode including marshalling the input and the result's JSON, decodes per
 * second on one core, and what an instance and a compile cost. Fails above 20 µs/decode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <lyrebird/codec.h>

#include "js_codec.h"

static const char DECODER[] =
    "function decodeUplink(input) {\n"
    "  var b = input.bytes;\n"
    "  if (b.length < 10) return {errors: ['expected 10 bytes']};\n"
    "  var t = (b[0] << 8) | b[1];\n"
    "  if (t & 0x8000) t -= 0x10000;\n"
    "  var data = {\n"
    "    temperature: t / 100,\n"
    "    humidity: b[2] / 2,\n"
    "    battery: ((b[3] << 8) | b[4]) / 1000,\n"
    "    status: b[5] & 0x01 ? 'alarm' : 'ok',\n"
    "    counter: (b[6] << 24 >>> 0) + (b[7] << 16) + (b[8] << 8) + b[9]\n"
    "  };\n"
    "  var warnings = data.battery < 3.0 ? ['low battery'] : [];\n"
    "  return {data: data, warnings: warnings};\n"
    "}\n";

static const char DECODER_ES2015[] =
    "const s16 = (hi, lo) => { const v = (hi << 8) | lo; return v & 0x8000 ? v - 0x10000 : v; };\n"
    "function decodeUplink({bytes: b}) {\n"
    "  if (b.length < 10) return {errors: [`expected 10 bytes, got ${b.length}`]};\n"
    "  const [, , h, b1, b2, st] = b;\n"
    "  const data = {temperature: s16(b[0], b[1]) / 100, humidity: h / 2,\n"
    "    battery: ((b1 << 8) | b2) / 1000, status: st & 1 ? 'alarm' : 'ok',\n"
    "    counter: (b[6] << 24 >>> 0) + (b[7] << 16) + (b[8] << 8) + b[9]};\n"
    "  return {data, warnings: data.battery < 3.0 ? ['low battery'] : []};\n"
    "}\n";

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static double bench_decodes(const lb_codec_plugin *p, lb_codec_instance *i, int n)
{
    uint8_t b[10] = {0x09, 0xc4, 0x50, 0x0e, 0x10, 0x00, 0x00, 0x01, 0x02, 0x03};
    lb_codec_input in = {b, sizeof b, 1, 1700000000000000000LL, NULL};
    double t0 = now_us();
    for (int k = 0; k < n; k++) {
        b[9] = (uint8_t)k;
        char *out = NULL;
        if (p->decode_uplink(i, &in, &out) != 0 || !out || strstr(out, "\"errors\":[\""))
            fail_msg("decode failed: %s", out ? out : "(null)");
        free(out);
    }
    return (now_us() - t0) / n;
}

static void bench(const char *name, const char *src, double *us_per_decode)
{
    const lb_codec_plugin *p = lb_codec_entry();
    char err[256];
    double t0 = now_us();
    lb_codec *c = p->compile(src, strlen(src), NULL, err, sizeof err);
    double compile_us = now_us() - t0;
    if (!c)
        fail_msg("compile: %s", err);
    t0 = now_us();
    lb_codec_instance *i = p->instance_new(c, err, sizeof err);
    double instance_us = now_us() - t0;
    assert_non_null(i);
    size_t heap_bytes = i->heap->used;
    bench_decodes(p, i, 2000); /* warm up */
    double us = bench_decodes(p, i, 100000);
    printf("codec_js %-7s compile %8.0f us, instance_new %6.0f us (heap %zu KB), "
           "decode %.2f us = %.0f decodes/s\n",
           name, compile_us, instance_us, heap_bytes / 1024, us, 1e6 / us);
    p->instance_free(i);
    p->codec_free(c);
    *us_per_decode = us;
}

static void test_decode_speed(void **state)
{
    double es5, es2015;
    bench("es5", DECODER, &es5);
    bench("es2015", DECODER_ES2015, &es2015); /* the first ES2015 compile loads buble */
    bench("es2015", DECODER_ES2015, &es2015);
#if !defined(__SANITIZE_ADDRESS__) && !defined(LB_SANITIZE)
    assert_true(es5 <= 20.0);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_decode_speed)};
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    lb_js_transpile_shutdown();
    return rc;
}
