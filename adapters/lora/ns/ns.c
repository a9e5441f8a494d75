/* The network server's uplink path (loop thread). For each deduplicated data frame: find the
 * device among those sharing its DevAddr by checking the MIC with each candidate's keys and
 * 32-bit FCnt (DevAddr collisions are normal), apply the FCnt rules (a counter not above
 * the last is a replay, a jump above the gap limit is refused), read MAC commands, note an
 * ACK or a confirmed frame, run ADR, decrypt, and build the answer downlink.
 *
 * Accepted frames wait in a batch; lora_ns_flush stores the batch's counters in one
 * transaction and only then publishes the frames and sends their downlinks, so a restart
 * can never accept a frame twice nor reuse a downlink counter. */
#include "../lora.h"

#include <lyrebird/error.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_MAX 256

typedef struct batch_item {
    lora_counters counters;
    lora_up_event ev;
    lora_uplink up;
    bool has_tx;
    lora_tx tx;
} batch_item;

struct lora_batch {
    size_t n;
    batch_item items[BATCH_MAX];
};

static float best_snr(const lora_uplink *up)
{
    float best = -100;
    for (size_t i = 0; i < up->n_rx; i++)
        best = fmaxf(best, up->rx[i].snr);
    return best;
}

/* Appends a MAC answer to d's next downlink if it fits. */
static void mac_answer(lora_dev *d, const uint8_t *cmd, size_t len)
{
    if (d->mac_len + len <= sizeof d->mac) {
        memcpy(d->mac + d->mac_len, cmd, len);
        d->mac_len = (uint8_t)(d->mac_len + len);
    }
}

/* Answers the MAC commands of an uplink (LoRaWAN 1.0.4 §5): LinkCheckReq with the margin
 * over the demodulation floor and the gateway count, DeviceTimeReq with GPS time. Answers
 * to our own requests (LinkADRAns, DevStatusAns, ...) need no reply. */
static void mac_commands(lora *l, lora_dev *d, const lora_uplink *up, const uint8_t *buf,
                         size_t len)
{
    lw_mac_cmd cmds[16];
    char err[LW_ERRLEN];
    int n = lw_mac_parse_up(buf, len, cmds, 16, err, sizeof err);
    for (int i = 0; i < n; i++) {
        if (cmds[i].cid == LW_CID_LINK_CHECK) {
            float margin = best_snr(up) - lora_snr_floor(up->sf);
            uint8_t ans[3] = {LW_CID_LINK_CHECK, (uint8_t)(margin < 0 ? 0 : fminf(margin, 254)),
                              (uint8_t)up->n_rx};
            mac_answer(d, ans, sizeof ans);
        } else if (cmds[i].cid == LW_CID_LINK_ADR && cmds[i].len == 1) {
            lora_adr_answer(d, cmds[i].payload[0]);
        } else if (cmds[i].cid == LW_CID_DEVICE_TIME) {
            /* GPS epoch 1980-01-06 is Unix 315964800; GPS is ahead of UTC by 18 leap s */
            int64_t gps_ms = up->rx_ns / 1000000 - 315964800000LL + 18000;
            uint32_t s = (uint32_t)(gps_ms / 1000);
            uint8_t ans[6] = {LW_CID_DEVICE_TIME, (uint8_t)s, (uint8_t)(s >> 8),
                              (uint8_t)(s >> 16), (uint8_t)(s >> 24),
                              (uint8_t)(gps_ms % 1000 * 256 / 1000)};
            mac_answer(d, ans, sizeof ans);
        }
    }
    if (n < 0)
        l->host->log(l->host, LB_LOG_DEBUG, "unreadable MAC commands", "error=\"%s\"", err);
}

/* The device that sent f (MIC match), with its 32-bit FCnt; NULL when none. *seen tells
 * whether any device had the address. lock held. */
static lora_dev *find_device(lora *l, const lora_uplink *up, const lw_frame *f, uint32_t *fcnt,
                             int *dr_out, bool *seen)
{
    *seen = false;
    for (lora_dev *d = lora_registry_by_addr(l->reg, f->dev_addr, NULL); d;
         d = lora_registry_by_addr(l->reg, f->dev_addr, d)) {
        *seen = true;
        int dr = lora_uplink_dr(d->region, up);
        int ch = lw_region_up_channel(d->region, up->freq_hz);
        uint32_t full = lw_fcnt_full(d->fcnt_up, d->has_fcnt_up, f->fcnt16);
        uint32_t conf = f->ack ? d->conf_down_fcnt : 0;
        if (lw_data_mic_ok(&d->s, f, full, conf, (uint8_t)(dr < 0 ? 0 : dr),
                           (uint8_t)(ch < 0 ? 0 : ch))) {
            *fcnt = full;
            *dr_out = dr;
            return d;
        }
    }
    return NULL;
}

/* FCnt rules; true when fcnt may be accepted from d. */
static bool fcnt_ok(lora *l, const lora_dev *d, uint32_t fcnt)
{
    if (!d->has_fcnt_up)
        return true;
    if (fcnt <= d->fcnt_up) {
        l->host->counter_add(l->fcnt_replay, 1);
        return false;
    }
    if (fcnt - d->fcnt_up > (uint32_t)l->max_fcnt_gap) {
        l->host->counter_add(l->fcnt_gap, 1);
        return false;
    }
    return true;
}

/* Accepts frame f from d (lock held): counters, MAC commands, ACKs, plaintext, answer. */
static void accept_frame(lora *l, lora_dev *d, const lora_uplink *up, const lw_frame *f,
                   uint32_t fcnt, int dr, batch_item *it)
{
    d->fcnt_up = fcnt;
    d->has_fcnt_up = true;
    d->last_seen_ns = up->rx_ns;
    const lora_rx *best = lora_downlink_best(l, up);
    d->last_gw = best ? best->gw_eui : up->rx[0].gw_eui;
    if (f->ack && d->queue && d->queue->confirmed && d->queue->attempts > 0)
        lora_queue_pop(l, d, true);
    bool confirmed = f->mtype == LW_CONFIRMED_UP;
    d->ack_due = confirmed;
    d->conf_fcnt = fcnt;

    uint8_t fopts[LW_MAX_FOPTS];
    if (f->fopts_len) {
        if (d->s.v11)
            lw_fopts_crypt(d->s.nwk_s_enc, LW_UP, false, d->s.dev_addr, fcnt, f->fopts,
                           f->fopts_len, fopts);
        else
            memcpy(fopts, f->fopts, f->fopts_len);
        mac_commands(l, d, up, fopts, f->fopts_len);
    }
    lora_up_event *ev = &it->ev;
    *ev = (lora_up_event){.dev_eui = d->dev_eui, .dev_addr = d->s.dev_addr, .fcnt = fcnt,
                          .fport = f->fport, .confirmed = confirmed, .adr = f->adr, .dr = dr};
    ev->codec = d->codec;
    memcpy(ev->channel, d->channel, sizeof ev->channel);
    memcpy(ev->thing, d->thing, sizeof ev->thing);
    if (f->fport == 0) {
        uint8_t cmds[LW_MAX_PHY];
        lw_frm_crypt(d->s.nwk_s_enc, LW_UP, d->s.dev_addr, fcnt, f->frm_payload, f->frm_len,
                     cmds);
        mac_commands(l, d, up, cmds, f->frm_len);
    } else if (f->fport > 0) {
        lw_frm_crypt(d->s.app_s, LW_UP, d->s.dev_addr, fcnt, f->frm_payload, f->frm_len,
                     ev->plain);
        ev->plain_len = f->frm_len;
    }
    lora_adr_uplink(l, d, up, dr, f->adr);
    it->has_tx = lora_downlink_build(l, d, up, confirmed || f->adr_ack_req, &it->tx);
    it->counters = (lora_counters){d->dev_eui, d->fcnt_up, d->nfcnt_down, d->afcnt_down};
}

void lora_ns_uplink(lora *l, lora_uplink *up)
{
    lw_frame f;
    char err[LW_ERRLEN];
    if (lw_frame_decode(up->phy, up->len, &f, err, sizeof err) != 0) {
        l->host->counter_add(l->bad_frames, 1);
        return;
    }
    if (f.mtype == LW_JOIN_REQUEST) {
        lora_js_join(l, up, &f);
        return;
    }
    if (f.mtype != LW_UNCONFIRMED_UP && f.mtype != LW_CONFIRMED_UP) {
        l->host->counter_add(l->bad_frames, 1); /* downlinks, rejoins, proprietary */
        return;
    }
    if (l->batch->n == BATCH_MAX)
        lora_ns_flush(l);
    batch_item *it = &l->batch->items[l->batch->n];
    uint32_t fcnt = 0;
    int dr = -1;
    bool seen;
    pthread_mutex_lock(&l->lock);
    lora_dev *d = find_device(l, up, &f, &fcnt, &dr, &seen);
    bool ok = d && fcnt_ok(l, d, fcnt);
    if (ok)
        accept_frame(l, d, up, &f, fcnt, dr, it);
    pthread_mutex_unlock(&l->lock);
    if (!d)
        l->host->counter_add(seen ? l->mic_failed : l->unknown_addr, 1);
    if (!ok)
        return;
    memcpy(&it->up, up, offsetof(lora_uplink, rx) + up->n_rx * sizeof(lora_rx));
    l->batch->n++;
}

void lora_ns_flush(lora *l)
{
    lora_batch *b = l->batch;
    if (b->n == 0)
        return;
    lora_counters c[BATCH_MAX];
    for (size_t i = 0; i < b->n; i++)
        c[i] = b->items[i].counters;
    if (lora_store_counters_save(l->store, c, b->n) != 0) {
        /* not stored, so not delivered: the device's next frames are still accepted */
        l->host->counter_add(l->store_errors, b->n);
        l->host->log(l->host, LB_LOG_ERROR, "cannot store frame counters; frames dropped",
                     "frames=%zu", b->n);
        b->n = 0;
        return;
    }
    for (size_t i = 0; i < b->n; i++) {
        batch_item *it = &b->items[i];
        if (it->has_tx)
            lora_downlink_send(l, &it->tx);
        if (!it->ev.codec || it->ev.fport <= 0) {
            lora_as_uplink(l, &it->ev, &it->up, NULL);
        } else if (!lora_codec_decode(l->codecs, it->ev.codec, &it->ev, &it->up)) {
            l->host->counter_add(l->decode_dropped, 1); /* workers behind: raw event only */
            lora_as_uplink(l, &it->ev, &it->up, ",\"errors\":[\"not decoded: codec queue full\"]");
        }
        int64_t window_end = it->up.mono_ns + (int64_t)l->dedup_ms * 1000000;
        l->host->histogram_observe(l->proc_seconds,
                                   (double)(lora_mono_ns() - window_end) / 1e9);
    }
    l->host->counter_add(l->uplinks, b->n);
    b->n = 0;
}

lora_batch *lora_batch_new(void)
{
    return calloc(1, sizeof(lora_batch));
}
