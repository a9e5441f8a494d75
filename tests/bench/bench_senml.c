/* Benchmark of lb_senml_parse on a typical 10-record pack (the first record carries bn, bt and
 * bu; every record has n, v and t), on one thread. In the same run, in alternating slices, it
 * times two baselines on the same text: yajl's parse alone with callbacks that do nothing (the
 * floor for lb_senml_parse, which is built on yajl's callbacks), so the ratio shows what
 * validation and normalisation cost on top of the JSON parse; and jansson's json_loadb +
 * json_decref with the flags the earlier, jansson-based lb_senml_parse used (what the DOM parse
 * alone cost it). The target is 150,000 packs/s on one core.
 *
 * Usage: bench_senml [seconds for each of the three loops, default 2]. Prints the figures and
 * exits 0; exits 1 only if a result is wrong (a parse fails, or the pack is not what was
 * sent), since timings on a shared machine are not a pass/fail test. */
#include "lyrebird/error.h"
#include "lyrebird/senml.h"

#include <jansson.h>
#include <yajl/yajl_parse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RECORDS 10
#define NOW     1700000000.0
#define BT      1320067464.0

/* the flags the jansson version of lb_senml_parse used, so the baseline parses the same way */
#define JANSSON_FLAGS (JSON_DECODE_INT_AS_REAL | JSON_DECODE_ANY | JSON_REJECT_DUPLICATES)

static const char *const names[RECORDS] = {
    "temperature", "humidity", "pressure", "co2",    "voc",
    "pm2_5",       "pm10",     "battery",  "rssi/0", "light",
};
static const char *const units[RECORDS] = {"Cel", NULL, "Pa", "ppm", NULL,
                                           NULL,  NULL, "V",  "dBW", "lx"};

static double elapsed(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static double value_of(int i)
{
    return 20.5 + i * 1.25;
}

/* The pack: one unit per record where it differs from bu ("Cel"), times relative to bt. */
static size_t make_pack(char *buf, size_t cap)
{
    size_t o = (size_t)snprintf(buf, cap, "[");
    for (int i = 0; i < RECORDS; i++) {
        const char *base = i == 0
                               ? "\"bn\":\"urn:dev:ow:10e2073a01080063:\",\"bt\":1.320067464e+09,"
                                 "\"bu\":\"Cel\","
                               : "";
        char unit[32] = "";
        if (i > 0 && units[i])
            snprintf(unit, sizeof unit, ",\"u\":\"%s\"", units[i]);
        o += (size_t)snprintf(buf + o, cap - o, "%s{%s\"n\":\"%s\",\"v\":%g,\"t\":%d%s}",
                              i ? "," : "", base, names[i], value_of(i), i * 10, unit);
    }
    o += (size_t)snprintf(buf + o, cap - o, "]");
    return o;
}

/* Checks one parse against what make_pack() wrote. */
static int check_pack(const char *json, size_t len)
{
    char err[LB_ERRLEN];
    lb_senml_pack *pack = NULL;
    int rc = lb_senml_parse(json, len, NOW, &pack, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "bench_senml: parse failed (%s): %s\n", lb_strerror(rc), err);
        return -1;
    }
    int bad = pack->count != RECORDS;
    for (size_t i = 0; !bad && i < RECORDS; i++) {
        const lb_senml_record *r = &pack->records[i];
        char name[64];
        snprintf(name, sizeof name, "urn:dev:ow:10e2073a01080063:%s", names[i]);
        const char *unit = units[i] ? units[i] : "Cel";
        bad = strcmp(r->name, name) != 0 || !r->unit || strcmp(r->unit, unit) != 0 ||
              r->kind != LB_SENML_FLOAT || r->value != value_of((int)i) ||
              r->time != BT + 10.0 * (double)i;
        if (bad)
            fprintf(stderr, "bench_senml: record %zu is wrong: %s %s %g at %f\n", i, r->name,
                    r->unit ? r->unit : "(none)", r->value, r->time);
    }
    if (pack->count != RECORDS)
        fprintf(stderr, "bench_senml: %zu records, expected %d\n", pack->count, RECORDS);
    lb_senml_pack_free(pack);
    return bad ? -1 : 0;
}

/* The floor: yajl with callbacks that do nothing, all numbers passed as text (as
 * lb_senml_parse asks for them) so that yajl converts none. */
static int yajl_null_cb(void *ctx)
{
    (void)ctx;
    return 1;
}
static int yajl_bool_cb(void *ctx, int v)
{
    (void)ctx, (void)v;
    return 1;
}
static int yajl_text_cb(void *ctx, const char *s, size_t n)
{
    (void)ctx, (void)s, (void)n;
    return 1;
}
static int yajl_string_cb(void *ctx, const unsigned char *s, size_t n)
{
    (void)ctx, (void)s, (void)n;
    return 1;
}

static const yajl_callbacks empty_callbacks = {
    .yajl_null = yajl_null_cb,
    .yajl_boolean = yajl_bool_cb,
    .yajl_number = yajl_text_cb,
    .yajl_string = yajl_string_cb,
    .yajl_start_map = yajl_null_cb,
    .yajl_map_key = yajl_string_cb,
    .yajl_end_map = yajl_null_cb,
    .yajl_start_array = yajl_null_cb,
    .yajl_end_array = yajl_null_cb,
};

enum loop { LOOP_SENML, LOOP_YAJL, LOOP_JANSSON, LOOPS };

/* Parses the pack once: through lb_senml_parse, with yajl alone (empty callbacks, the floor of
 * a streaming parse) or with jansson alone (json_loadb with the flags the jansson version of
 * lb_senml_parse used, then json_decref: what a pack cost before). -1 if it goes wrong. */
static int parse_once(const char *json, size_t len, enum loop which)
{
    if (which == LOOP_SENML) {
        lb_senml_pack *pack;
        if (lb_senml_parse(json, len, NOW, &pack, NULL, 0) != 0 || pack->count != RECORDS)
            return -1;
        lb_senml_pack_free(pack);
    } else if (which == LOOP_YAJL) {
        yajl_handle h = yajl_alloc(&empty_callbacks, NULL, NULL);
        int ok = h && yajl_parse(h, (const unsigned char *)json, len) == yajl_status_ok &&
                 yajl_complete_parse(h) == yajl_status_ok;
        if (h)
            yajl_free(h);
        if (!ok)
            return -1;
    } else {
        json_t *root = json_loadb(json, len, JANSSON_FLAGS, NULL);
        if (!root || json_array_size(root) != RECORDS)
            return -1;
        json_decref(root);
    }
    return 0;
}

/* Runs the loops in alternating slices for `seconds` each, so that a change of load on a
 * shared machine affects them alike; stores parses per second of each in rate[]. */
static int measure(const char *json, size_t len, double seconds, double rate[LOOPS])
{
    const int slices = 10;
    double busy[LOOPS] = {0};
    long done[LOOPS] = {0};
    for (int s = 0; s < slices; s++) {
        for (int which = 0; which < LOOPS; which++) {
            struct timespec t0;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            double t;
            do {
                for (int k = 0; k < 256; k++)
                    if (parse_once(json, len, (enum loop)which) != 0)
                        return -1;
                done[which] += 256;
            } while ((t = elapsed(&t0)) < seconds / slices);
            busy[which] += t;
        }
    }
    for (int which = 0; which < LOOPS; which++)
        rate[which] = (double)done[which] / busy[which];
    return 0;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 2.0;
    if (!(seconds > 0)) {
        fprintf(stderr, "usage: %s [seconds]\n", argv[0]);
        return 2;
    }
    char json[2048];
    size_t len = make_pack(json, sizeof json);
    if (check_pack(json, len) != 0)
        return 1;

    double rate[LOOPS];
    if (measure(json, len, seconds / 4, rate) != 0 || /* warm-up */
        measure(json, len, seconds, rate) != 0) {
        fprintf(stderr, "bench_senml: a parse failed during the run\n");
        return 1;
    }
    printf("senml_parse_10rec: %.0f packs/s (yajl parse alone: %.0f/s, ratio %.2f; "
           "jansson DOM alone: %.0f/s)\n",
           rate[LOOP_SENML], rate[LOOP_YAJL], rate[LOOP_SENML] / rate[LOOP_YAJL],
           rate[LOOP_JANSSON]);
    printf("  pack of %d records, %zu bytes; %.2f us per pack, %.2f us of it the yajl parse, "
           "%.2f us for jansson's DOM; %.1f s each, alternating\n",
           RECORDS, len, 1e6 / rate[LOOP_SENML], 1e6 / rate[LOOP_YAJL], 1e6 / rate[LOOP_JANSSON],
           seconds);
    return 0;
}
