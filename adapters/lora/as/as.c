/* The application server's uplink side: each accepted frame becomes an event on its
 * device's channel, subtopic lora/up — DevEUI, DevAddr, FCnt, FPort, the decrypted payload
 * in base64, data rate, frequency and every gateway's reception — and each join an event on
 * lora/join. Published as the device's thing, protocol "lora", content type
 * application/json. (Codecs, which turn the payload into SenML on the channel itself, come
 * with the payload-codec plugins.) */
#include "../lora.h"

#include <lyrebird/message.h>

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lora_as_event(lora *l, const char *channel, const char *thing, const char *subtopic,
                   json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!text)
        return;
    char err[LB_ERRLEN];
    lb_message m = {.channel = channel, .subtopic = subtopic, .publisher = thing,
                    .protocol = "lora", .payload = (const uint8_t *)text,
                    .payload_len = strlen(text), .created = lb_now_ns(),
                    .content_type = "application/json"};
    if (l->host->publish_message(l->host, &m, err, sizeof err) != 0)
        l->host->log(l->host, LB_LOG_ERROR, "cannot publish", "channel=%s subtopic=%s error=\"%s\"",
                     channel, subtopic, err);
    free(text);
}

/* The uplink event is written by hand rather than through jansson: at 20,000 uplinks/s the
 * DOM and its allocations cost more than everything else the AS does. Every value written
 * is a number, a hex or base64 string, or a timestamp, so nothing needs escaping. */
typedef struct jw {
    char *p;
    size_t len, cap;
} jw;

static void put(jw *w, const char *s, size_t n)
{
    if (w->len + n < w->cap) {
        memcpy(w->p + w->len, s, n);
        w->len += n;
    } else {
        w->len = w->cap; /* overflow: lora_as_uplink drops the event */
    }
}

static void put_s(jw *w, const char *s)
{
    put(w, s, strlen(s));
}

static void put_i(jw *w, int64_t v)
{
    char tmp[24], *e = tmp + sizeof tmp, *q = e;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do
        *--q = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--q = '-';
    put(w, q, (size_t)(e - q));
}

/* A number with one decimal (SNR is reported in tenths of a dB). */
static void put_f1(jw *w, float v)
{
    long tenths = lroundf(v * 10);
    if (tenths < 0) {
        put(w, "-", 1);
        tenths = -tenths;
    }
    put_i(w, tenths / 10);
    char d[2] = {'.', (char)('0' + tenths % 10)};
    put(w, d, 2);
}

/* "<key>":"<RFC 3339 time>", with the date part cached per second. */
static void put_time(jw *w, const char *key, int64_t unix_ns)
{
    static __thread int64_t cached_s = -1;
    static __thread char date[24];
    int64_t s = unix_ns / 1000000000;
    if (s != cached_s) {
        char full[40];
        lora_time_format(unix_ns, full);
        memcpy(date, full, 19);
        date[19] = 0;
        cached_s = s;
    }
    char frac[9] = {'.'};
    int64_t us = unix_ns % 1000000000 / 1000;
    for (int i = 6; i >= 1; i--, us /= 10)
        frac[i] = (char)('0' + us % 10);
    frac[7] = 'Z';
    put_s(w, ",\"");
    put_s(w, key);
    put_s(w, "\":\"");
    put(w, date, 19);
    put(w, frac, 8);
    put(w, "\"", 1);
}

static void put_eui(jw *w, const char *key, uint64_t eui)
{
    char hex[17];
    lora_eui_format(eui, hex);
    put_s(w, key);
    put(w, hex, 16);
    put(w, "\"", 1);
}

static void put_rx(jw *w, const lora_uplink *up)
{
    put_s(w, ",\"rx\":[");
    for (size_t i = 0; i < up->n_rx; i++) {
        const lora_rx *rx = &up->rx[i];
        put_eui(w, i ? ",{\"gateway_eui\":\"" : "{\"gateway_eui\":\"", rx->gw_eui);
        put_s(w, ",\"rssi\":");
        put_i(w, rx->rssi);
        put_s(w, ",\"snr\":");
        put_f1(w, rx->snr);
        put_s(w, ",\"tmst\":");
        put_i(w, rx->tmst);
        put_s(w, ",\"channel\":");
        put_i(w, rx->chan);
        if (rx->has_time)
            put_time(w, "time", rx->time_ns);
        put(w, "}", 1);
    }
    put(w, "]", 1);
}

void lora_as_uplink(lora *l, const lora_up_event *ev, const lora_uplink *up, const char *extra)
{
    char buf[16384], addr[9];
    jw w = {buf, 0, sizeof buf};
    snprintf(addr, sizeof addr, "%08X", ev->dev_addr);
    put_eui(&w, "{\"dev_eui\":\"", ev->dev_eui);
    put_s(&w, ",\"dev_addr\":\"");
    put(&w, addr, 8);
    put_s(&w, "\",\"f_cnt\":");
    put_i(&w, ev->fcnt);
    if (ev->fport >= 0) {
        char b64[LW_MAX_PHY * 4 / 3 + 4];
        sodium_bin2base64(b64, sizeof b64, ev->plain, ev->plain_len,
                          sodium_base64_VARIANT_ORIGINAL);
        put_s(&w, ",\"f_port\":");
        put_i(&w, ev->fport);
        put_s(&w, ",\"frm_payload\":\"");
        put_s(&w, b64);
        put(&w, "\"", 1);
    }
    put_s(&w, ev->confirmed ? ",\"confirmed\":true" : ",\"confirmed\":false");
    put_s(&w, ev->adr ? ",\"adr\":true" : ",\"adr\":false");
    put_s(&w, ",\"dr\":");
    put_i(&w, ev->dr);
    put_s(&w, ",\"sf\":");
    put_i(&w, up->sf);
    put_s(&w, ",\"bw\":");
    put_i(&w, up->bw_khz);
    put_s(&w, ",\"frequency\":");
    put_i(&w, up->freq_hz);
    put_time(&w, "received_at", up->rx_ns);
    put_rx(&w, up);
    if (extra)
        put_s(&w, extra);
    put(&w, "}", 1);
    if (w.len >= w.cap) {
        if (extra) /* a codec's output too large: the event without it */
            lora_as_uplink(l, ev, up, ",\"errors\":[\"decoded payload too large for the event\"]");
        return;
    }
    char err[LB_ERRLEN];
    lb_message m = {.channel = ev->channel, .subtopic = "lora.up", .publisher = ev->thing,
                    .protocol = "lora", .payload = (const uint8_t *)buf, .payload_len = w.len,
                    .created = up->rx_ns, .content_type = "application/json"};
    if (l->host->publish_message(l->host, &m, err, sizeof err) != 0)
        l->host->log(l->host, LB_LOG_ERROR, "cannot publish", "channel=%s error=\"%s\"",
                     ev->channel, err);
}

/* The receptions of up as a JSON array (joins: jansson is fast enough for them). */
static json_t *rx_json(const lora_uplink *up)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < up->n_rx; i++) {
        const lora_rx *rx = &up->rx[i];
        char eui[17];
        lora_eui_format(rx->gw_eui, eui);
        json_t *o = json_pack("{s:s, s:i, s:f, s:I, s:i}", "gateway_eui", eui, "rssi", rx->rssi,
                              "snr", (double)rx->snr, "tmst", (json_int_t)rx->tmst, "channel",
                              rx->chan);
        if (o && rx->has_time) {
            char when[40];
            lora_time_format(rx->time_ns, when);
            json_object_set_new(o, "time", json_string(when));
        }
        json_array_append_new(arr, o);
    }
    return arr;
}

void lora_as_join(lora *l, const lora_dev *d, const lora_uplink *up)
{
    char eui[17], addr[9], when[40];
    lora_eui_format(d->dev_eui, eui);
    snprintf(addr, sizeof addr, "%08X", d->s.dev_addr);
    lora_time_format(up->rx_ns, when);
    json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:i, s:i, s:o}", "dev_eui", eui, "dev_addr",
                          addr, "received_at", when, "frequency", (json_int_t)up->freq_hz, "sf",
                          up->sf, "bw", up->bw_khz, "rx", rx_json(up));
    if (!o)
        return;
    char join[17];
    lora_eui_format(d->join_eui, join);
    json_object_set_new(o, "join_eui", json_string(join));
    json_object_set_new(o, "mac_version", json_string(lw_version_name(d->version)));
    lora_as_event(l, d->channel, d->thing, "lora.join", o);
}
