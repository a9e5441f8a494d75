/* Small helpers of the LoRa adapter: hex EUIs, DevAddrs and keys as the REST API writes
 * them, base64, clocks and RFC 3339 times. */
#include "lora.h"

#include <lyrebird/error.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Exactly 2 * n hex digits into out (libsodium's decoder; it stops at the first non-hex). */
static int hex_bytes(const char *s, uint8_t *out, size_t n)
{
    size_t got = 0;
    if (!s || strlen(s) != 2 * n ||
        sodium_hex2bin(out, n, s, 2 * n, NULL, &got, NULL) != 0 || got != n)
        return LB_EINVAL;
    return 0;
}

/* n hex bytes, big-endian, into *out. */
static int hex_uint(const char *s, size_t n, uint64_t *out)
{
    uint8_t b[8];
    if (hex_bytes(s, b, n) != 0)
        return LB_EINVAL;
    *out = 0;
    for (size_t i = 0; i < n; i++)
        *out = *out << 8 | b[i];
    return 0;
}

int lora_eui_parse(const char *s, uint64_t *out)
{
    return hex_uint(s, 8, out);
}

void lora_eui_format(uint64_t eui, char out[17])
{
    snprintf(out, 17, "%016llX", (unsigned long long)eui);
}

int lora_addr_parse(const char *s, uint32_t *out)
{
    uint64_t v;
    int rc = hex_uint(s, 4, &v);
    if (rc == 0)
        *out = (uint32_t)v;
    return rc;
}

int lora_key_parse(const char *s, uint8_t out[LW_KEY_LEN])
{
    return hex_bytes(s, out, LW_KEY_LEN);
}

int64_t lora_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void lora_time_format(int64_t unix_ns, char out[40])
{
    time_t s = (time_t)(unix_ns / 1000000000);
    struct tm tm;
    gmtime_r(&s, &tm);
    char date[24];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 40, "%s.%06ldZ", date, (long)(unix_ns % 1000000000 / 1000));
}

char *lora_base64(const uint8_t *data, size_t n)
{
    size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *out = malloc(cap);
    if (out)
        sodium_bin2base64(out, cap, data, n, sodium_base64_VARIANT_ORIGINAL);
    return out;
}
