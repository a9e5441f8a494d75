/* The deduplication window: every gateway in reach reports the same frame, and the network
 * server must handle it once, with every gateway's reception (for the downlink path and the
 * uplink event). The first copy opens a window of window_ms; copies arriving in it (the same
 * PHYPayload bytes) add their gateway's metadata; when it ends the frame is handed on.
 *
 * The window is the same for every frame, so frames end in the order they began: pending
 * frames sit in a ring in arrival order, and a chained hash over their bytes finds the entry
 * a copy belongs to. Loop thread only. */
#include "../lora.h"

#include <lyrebird/error.h>
#include <lyrebird/message.h>

#include <stddef.h>

#include <stdlib.h>
#include <string.h>

#define RING 16384 /* frames pending at once: 80,000 frames/s with the default window */
#define BUCKETS (RING * 2)

typedef struct entry {
    lora_uplink up;
    uint64_t hash;
    int64_t deadline;
    int next; /* bucket chain, -1 ends */
} entry;

struct lora_dedup {
    int64_t window_ns;
    entry *ring;
    size_t head, count; /* oldest at head */
    int buckets[BUCKETS];
};

/* FNV-1a over the frame. */
static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

lora_dedup *lora_dedup_new(int window_ms)
{
    lora_dedup *d = calloc(1, sizeof *d);
    if (!d || !(d->ring = calloc(RING, sizeof *d->ring))) {
        free(d);
        return NULL;
    }
    d->window_ns = (int64_t)window_ms * 1000000;
    for (size_t i = 0; i < BUCKETS; i++)
        d->buckets[i] = -1;
    return d;
}

void lora_dedup_free(lora_dedup *d)
{
    if (d)
        free(d->ring);
    free(d);
}

static void fill_rx(lora_rx *r, const sm_rxpk *rx, uint64_t gw_eui)
{
    *r = (lora_rx){.gw_eui = gw_eui, .tmst = rx->tmst, .has_time = rx->has_time,
                   .time_ns = rx->time_unix_ns, .rssi = rx->rssi, .snr = rx->lsnr,
                   .chan = rx->chan, .rfch = rx->rfch};
}

int lora_dedup_add(lora_dedup *d, const sm_rxpk *rx, uint64_t gw_eui, int64_t mono_ns)
{
    uint64_t h = hash_bytes(rx->data, rx->size);
    int *bucket = &d->buckets[h % BUCKETS];
    for (int i = *bucket; i >= 0; i = d->ring[i].next) {
        entry *e = &d->ring[i];
        if (e->hash != h || e->up.len != rx->size || memcmp(e->up.phy, rx->data, rx->size))
            continue;
        for (size_t k = 0; k < e->up.n_rx; k++)
            if (e->up.rx[k].gw_eui == gw_eui)
                return 0; /* the same gateway twice (a forwarder bug): keep the first */
        if (e->up.n_rx < LORA_MAX_RX)
            fill_rx(&e->up.rx[e->up.n_rx++], rx, gw_eui);
        return 0;
    }
    if (d->count == RING)
        return LB_ENOMEM;
    int slot = (int)((d->head + d->count++) % RING);
    entry *e = &d->ring[slot];
    e->hash = h;
    e->deadline = mono_ns + d->window_ns;
    e->next = *bucket;
    *bucket = slot;
    memcpy(e->up.phy, rx->data, rx->size);
    e->up.len = rx->size;
    e->up.freq_hz = rx->freq_hz;
    e->up.sf = rx->sf;
    e->up.bw_khz = rx->bw_khz;
    e->up.rx_ns = lb_now_ns();
    e->up.mono_ns = mono_ns;
    e->up.n_rx = 1;
    fill_rx(&e->up.rx[0], rx, gw_eui);
    return 1;
}

bool lora_dedup_pop(lora_dedup *d, int64_t now_mono_ns, lora_uplink *out)
{
    if (d->count == 0 || d->ring[d->head].deadline > now_mono_ns)
        return false;
    entry *e = &d->ring[d->head];
    for (int *p = &d->buckets[e->hash % BUCKETS]; *p >= 0; p = &d->ring[*p].next)
        if (*p == (int)d->head) {
            *p = e->next;
            break;
        }
    memcpy(out, &e->up, offsetof(lora_uplink, rx) + e->up.n_rx * sizeof(lora_rx));
    d->head = (d->head + 1) % RING;
    d->count--;
    return true;
}

int64_t lora_dedup_next_ns(lora_dedup *d, int64_t now_mono_ns)
{
    if (d->count == 0)
        return -1;
    int64_t left = d->ring[d->head].deadline - now_mono_ns;
    return left < 0 ? 0 : left;
}
