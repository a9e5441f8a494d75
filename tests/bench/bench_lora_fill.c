/* bench_lora_fill DATA_DIR: fills <DATA_DIR>/lora.db with the devices whose registration
 * bodies (as `lyrebird-sim --print-devices` prints them, one JSON line each) arrive on stdin,
 * straight through the adapter's store (keys wrapped under LB_KEK, hex), without REST or the
 * things service: the benchmark of a million devices needs them faster than a million REST
 * calls. Each device gets a made-up thing id. Prints progress every 100,000 and the rate. */
#include "lora.h"

#include <lyrebird/error.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The device of one registration line, as api.c would store it (ABP or OTAA 1.0.x). */
static int parse(json_t *o, long i, lora_dev *d)
{
    json_t *abp = json_object_get(o, "abp"), *otaa = json_object_get(o, "otaa");
    memset(d, 0, sizeof *d);
    d->region = lw_region_find(json_string_value(json_object_get(o, "region")));
    d->version = lw_version_parse(json_string_value(json_object_get(o, "mac_version")));
    d->cls = 'A';
    d->rx_delay = 1;
    snprintf(d->channel, sizeof d->channel, "%s",
             json_string_value(json_object_get(o, "channel_id")));
    snprintf(d->thing, sizeof d->thing, "bench-thing-%ld", i);
    if (!d->region || d->version < 0 ||
        lora_eui_parse(json_string_value(json_object_get(o, "dev_eui")), &d->dev_eui))
        return -1;
    d->rx2_dr = d->region->rx2_dr;
    if (otaa) {
        d->otaa = true;
        lora_eui_parse(json_string_value(json_object_get(o, "join_eui")), &d->join_eui);
        if (lora_key_parse(json_string_value(json_object_get(otaa, "app_key")), d->app_key))
            return -1;
        memcpy(d->nwk_key, d->app_key, LW_KEY_LEN);
        return 0;
    }
    d->has_session = true;
    if (lora_addr_parse(json_string_value(json_object_get(abp, "dev_addr")), &d->s.dev_addr) ||
        lora_key_parse(json_string_value(json_object_get(abp, "nwk_s_key")), d->s.f_nwk_s_int) ||
        lora_key_parse(json_string_value(json_object_get(abp, "app_s_key")), d->s.app_s))
        return -1;
    memcpy(d->s.s_nwk_s_int, d->s.f_nwk_s_int, LW_KEY_LEN);
    memcpy(d->s.nwk_s_enc, d->s.f_nwk_s_int, LW_KEY_LEN);
    return 0;
}

int main(int argc, char **argv)
{
    uint8_t kek[32];
    size_t kek_len = 0;
    const char *hex = getenv("LB_KEK");
    char path[4096], err[256], line[4096];
    if (argc != 2 || !hex ||
        sodium_hex2bin(kek, sizeof kek, hex, strlen(hex), NULL, &kek_len, NULL) != 0) {
        fprintf(stderr, "usage: LB_KEK=<hex> bench_lora_fill DATA_DIR < devices.jsonl\n");
        return 2;
    }
    snprintf(path, sizeof path, "%s/lora.db", argv[1]);
    lora_store *s = lora_store_open(path, kek, kek_len, err, sizeof err);
    if (!s) {
        fprintf(stderr, "bench_lora_fill: %s\n", err);
        return 1;
    }
    double t0 = now_s();
    long n = 0, bad = 0;
    lora_dev d;
    while (fgets(line, sizeof line, stdin)) {
        json_t *o = json_loads(line, 0, NULL);
        if (!o || parse(o, n, &d) != 0 ||
            lora_store_device_add(s, &d, "bench", "bench", NULL, json_object_get(o, "codec")) != 0)
            bad++;
        else if (++n % 100000 == 0)
            fprintf(stderr, "bench_lora_fill: %ld devices, %.0f/s\n", n, n / (now_s() - t0));
        json_decref(o);
    }
    lora_store_close(s);
    printf("filled %ld devices in %.1f s (%ld refused)\n", n, now_s() - t0, bad);
    return bad ? 1 : 0;
}
