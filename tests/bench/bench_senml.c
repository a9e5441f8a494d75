/* Benchmark of lb_senml_parse on a typical 10-record pack (the first record carries bn, bt and
 * bu; every record has n, v and t), on one thread. It also times plain jansson (json_loadb +
 * json_decref) on the same text in the same run, so the ratio shows what validation and
 * normalisation cost on top of the JSON parse. The target is 150,000 packs/s on one core.
 *
 * Usage: bench_senml [seconds per measurement, default 2]. Prints the figures and exits 0;
 * exits 1 only if a result is wrong (a parse fails, or the pack is not what was sent), since
 * timings on a shared machine are not a pass/fail test. */
#include "lyrebird/error.h"
#include "lyrebird/senml.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RECORDS 10
#define NOW     1700000000.0
#define BT      1320067464.0

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

/* Packs per second through lb_senml_parse for about `seconds`; -1 if a parse goes wrong. */
static double run_senml(const char *json, size_t len, double seconds)
{
    struct timespec t0;
    long n = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        for (int k = 0; k < 256; k++, n++) {
            lb_senml_pack *pack;
            if (lb_senml_parse(json, len, NOW, &pack, NULL, 0) != 0 || pack->count != RECORDS)
                return -1;
            lb_senml_pack_free(pack);
        }
        double t = elapsed(&t0);
        if (t >= seconds)
            return (double)n / t;
    }
}

/* Documents per second through json_loadb + json_decref alone; -1 if a parse fails. */
static double run_jansson(const char *json, size_t len, double seconds)
{
    struct timespec t0;
    long n = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        for (int k = 0; k < 256; k++, n++) {
            json_t *root = json_loadb(
                json, len, JSON_DECODE_INT_AS_REAL | JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
                NULL);
            if (!root || json_array_size(root) != RECORDS)
                return -1;
            json_decref(root);
        }
        double t = elapsed(&t0);
        if (t >= seconds)
            return (double)n / t;
    }
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

    double jansson = run_jansson(json, len, seconds / 4); /* warm-up */
    double senml = run_senml(json, len, seconds);
    jansson = run_jansson(json, len, seconds);
    if (senml < 0 || jansson < 0) {
        fprintf(stderr, "bench_senml: a parse failed during the run\n");
        return 1;
    }
    printf("pack: %d records, %zu bytes\n", RECORDS, len);
    printf("senml_parse_10rec: %.0f packs/s, %.2f us/pack (jansson parse alone: %.0f/s, ratio "
           "%.2f)\n",
           senml, 1e6 / senml, jansson, senml / jansson);
    return 0;
}
