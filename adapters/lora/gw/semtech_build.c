/* The builders of the Semtech UDP protocol (semtech.h): the gateway's datagrams (PUSH_DATA,
 * PULL_DATA, TX_ACK) for the simulator and tests, and the server's (PUSH_ACK, PULL_ACK,
 * PULL_RESP). The JSON is written with snprintf in the order and number formats Semtech's
 * lora_pkt_fwd uses, and base64 with libsodium; each builder refuses values it cannot write
 * correctly, and any datagram that does not fit cap. */
#include "semtech_internal.h"

#include <sodium.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Text appended to a datagram; `full` once something did not fit (vsnprintf needs room for
 * its terminator, so the last byte of cap is never used). */
typedef struct out {
    char *buf;
    size_t cap, len;
    bool full;
} out;

static void put(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(out *o, const char *fmt, ...)
{
    if (o->full)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= o->cap - o->len)
        o->full = true;
    else
        o->len += (size_t)n;
}

static void put_base64(out *o, const uint8_t *data, size_t n)
{
    size_t need = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    if (o->full || o->cap - o->len < need) {
        o->full = true;
        return;
    }
    sodium_bin2base64(o->buf + o->len, need, data, n, sodium_base64_VARIANT_ORIGINAL);
    o->len += need - 1;
}

static size_t put_header(uint8_t *b, uint8_t type, uint16_t token, const uint64_t *eui)
{
    b[0] = SM_VERSION;
    b[1] = (uint8_t)(token & 0xff);
    b[2] = (uint8_t)(token >> 8);
    b[3] = type;
    if (!eui)
        return HDR_SHORT;
    for (int i = 0; i < 8; i++)
        b[4 + i] = (uint8_t)(*eui >> (56 - 8 * i));
    return HDR_LONG;
}

static bool codr_ok(const char *codr)
{
    for (size_t i = 0; i < COUNT(sm_codr_names); i++)
        if (strcmp(codr, sm_codr_names[i]) == 0)
            return true;
    return false;
}

/* A radio setting we can put on the air (or that a gateway can have heard). */
static bool radio_ok(uint32_t freq_hz, bool lora, uint8_t sf, uint16_t bw, uint32_t bps)
{
    if (freq_hz < FREQ_MIN_HZ || freq_hz > FREQ_MAX_HZ)
        return false;
    if (!lora)
        return bps >= FSK_MIN_BPS && bps <= FSK_MAX_BPS;
    return sf >= 7 && sf <= 12 && (bw == 125 || bw == 250 || bw == 500);
}

static void put_datr(out *o, bool lora, uint8_t sf, uint16_t bw, uint32_t bps)
{
    if (lora)
        put(o, ",\"modu\":\"LORA\",\"datr\":\"SF%uBW%u\"", sf, bw);
    else
        put(o, ",\"modu\":\"FSK\",\"datr\":%" PRIu32, bps);
}

/* "time" to the microsecond, as Semtech's forwarder writes it. */
static void put_time(out *o, int64_t ns)
{
    struct tm tm;
    time_t secs = (time_t)(ns / 1000000000);
    gmtime_r(&secs, &tm);
    put(o, ",\"time\":\"%04d-%02d-%02dT%02d:%02d:%02d.%06dZ\"", tm.tm_year + 1900, tm.tm_mon + 1,
        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ns % 1000000000 / 1000));
}

/* One rxpk object, in the order Semtech's forwarder writes them. */
static int put_rxpk(out *o, const sm_rxpk *rx, bool first)
{
    if (rx->size > SM_MAX_DATA || (rx->has_time && rx->time_unix_ns < 0) ||
        !radio_ok(rx->freq_hz, rx->lora, rx->sf, rx->bw_khz, rx->fsk_bitrate) ||
        memchr(rx->codr, '\0', sizeof rx->codr) == NULL ||
        (rx->lora && rx->codr[0] && !codr_ok(rx->codr)) || rx->stat < -1 || rx->stat > 1)
        return -1;
    put(o, "%s{\"tmst\":%" PRIu32, first ? "" : ",", rx->tmst);
    if (rx->has_time)
        put_time(o, rx->time_unix_ns);
    put(o, ",\"chan\":%u,\"rfch\":%u,\"freq\":%" PRIu32 ".%06" PRIu32 ",\"stat\":%d", rx->chan,
        rx->rfch, rx->freq_hz / 1000000, rx->freq_hz % 1000000, rx->stat);
    put_datr(o, rx->lora, rx->sf, rx->bw_khz, rx->fsk_bitrate);
    if (rx->lora && rx->codr[0])
        put(o, ",\"codr\":\"%s\"", rx->codr);
    if (rx->lora)
        put(o, ",\"lsnr\":%.1f", (double)rx->lsnr);
    put(o, ",\"rssi\":%d,\"size\":%u,\"data\":\"", rx->rssi, rx->size);
    put_base64(o, rx->data, rx->size);
    put(o, "\"}");
    return 0;
}

static int put_stat(out *o, const sm_stat *st)
{
    if (st->has_location && !(st->lat >= -90 && st->lat <= 90 && st->lon >= -180 && st->lon <= 180))
        return -1;
    if (!(st->ackr >= 0 && st->ackr <= 100))
        return -1;
    put(o, "\"stat\":{");
    if (st->has_location)
        put(o, "\"lati\":%.5f,\"long\":%.5f,\"alti\":%" PRId32 ",", st->lat, st->lon, st->alt);
    put(o,
        "\"rxnb\":%" PRIu32 ",\"rxok\":%" PRIu32 ",\"rxfw\":%" PRIu32 ",\"ackr\":%.1f,"
        "\"dwnb\":%" PRIu32 ",\"txnb\":%" PRIu32 "}",
        st->rxnb, st->rxok, st->rxfw, st->ackr, st->dwnb, st->txnb);
    return 0;
}

size_t sm_ack(uint8_t type, uint16_t token, uint8_t out[4])
{
    return put_header(out, type, token, NULL);
}

int sm_pull_resp(uint16_t token, const sm_txpk *tx, uint8_t *buf, size_t cap)
{
    if (!tx || !buf || cap < HDR_SHORT || tx->size > SM_MAX_DATA || (tx->size && !tx->data) ||
        !radio_ok(tx->freq_hz, tx->lora, tx->sf, tx->bw_khz, tx->fsk_bitrate) ||
        (tx->codr && !codr_ok(tx->codr)) || tx->powe < POWE_MIN || tx->powe > POWE_MAX)
        return -1;
    out o = {(char *)buf, cap, put_header(buf, SM_PULL_RESP, token, NULL), false};
    if (tx->imme)
        put(&o, "{\"txpk\":{\"imme\":true");
    else
        put(&o, "{\"txpk\":{\"tmst\":%" PRIu32, tx->tmst);
    put(&o, ",\"freq\":%" PRIu32 ".%06" PRIu32 ",\"rfch\":%u,\"powe\":%d", tx->freq_hz / 1000000,
        tx->freq_hz % 1000000, tx->rfch, tx->powe);
    put_datr(&o, tx->lora, tx->sf, tx->bw_khz, tx->fsk_bitrate);
    if (tx->lora)
        put(&o, ",\"codr\":\"%s\"", tx->codr ? tx->codr : "4/5");
    else /* LoRaWAN's FSK rate (50 kbit/s) uses a 25 kHz deviation: half the bit rate */
        put(&o, ",\"fdev\":%" PRIu32, tx->fsk_bitrate / 2);
    put(&o, ",\"ipol\":%s,\"size\":%u,\"data\":\"", tx->ipol ? "true" : "false", tx->size);
    put_base64(&o, tx->data, tx->size);
    put(&o, "\"%s}}", tx->ncrc ? ",\"ncrc\":true" : "");
    return o.full ? -1 : (int)o.len;
}

int sm_push_data(uint16_t token, uint64_t gw_eui, const sm_rxpk *rx, size_t n, const sm_stat *stat,
                 uint8_t *buf, size_t cap)
{
    if (!buf || cap < HDR_LONG || n > SM_MAX_RXPK || (n > 0 && !rx))
        return -1;
    out o = {(char *)buf, cap, put_header(buf, SM_PUSH_DATA, token, &gw_eui), false};
    put(&o, "{");
    if (n > 0) {
        put(&o, "\"rxpk\":[");
        for (size_t i = 0; i < n; i++)
            if (put_rxpk(&o, &rx[i], i == 0) != 0)
                return -1;
        put(&o, "]%s", stat ? "," : "");
    }
    if (stat && put_stat(&o, stat) != 0)
        return -1;
    put(&o, "}");
    return o.full ? -1 : (int)o.len;
}

int sm_pull_data(uint16_t token, uint64_t gw_eui, uint8_t *buf, size_t cap)
{
    if (!buf || cap < HDR_LONG)
        return -1;
    return (int)put_header(buf, SM_PULL_DATA, token, &gw_eui);
}

int sm_tx_ack(uint16_t token, uint64_t gw_eui, const char *error, uint8_t *buf, size_t cap)
{
    if (!buf || cap < HDR_LONG || (error && !sm_is_name(error, strlen(error))))
        return -1;
    out o = {(char *)buf, cap, put_header(buf, SM_TX_ACK, token, &gw_eui), false};
    if (error)
        put(&o, "{\"txpk_ack\":{\"error\":\"%s\"}}", error);
    return o.full ? -1 : (int)o.len;
}
