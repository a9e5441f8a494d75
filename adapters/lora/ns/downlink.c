/* Downlink scheduling for class A (and class C): the answer to an uplink goes out through
 * the gateway that heard it best, timed for RX1 (the uplink's tmst + RECEIVE_DELAY1, on the
 * region's RX1 frequency and the uplink DR lowered by RX1DROffset) or, when RX1 can no
 * longer be reached or the gateway refuses it, for RX2 one second later on the RX2 frequency
 * and data rate (LoRaWAN 1.0.4 §3.3, RP002 for the tables). Join-accepts use
 * JOIN_ACCEPT_DELAY1/2. What a downlink carries: the head of the device's queue, the ACK of
 * a confirmed uplink, MAC answers in FOpts. */
#include "../lora.h"

#include <lyrebird/error.h>

#include <string.h>

#define S 1000000000LL

const lora_rx *lora_downlink_best(lora *l, const lora_uplink *up)
{
    const lora_rx *best = NULL;
    pthread_mutex_lock(&l->gw_lock);
    for (size_t i = 0; i < up->n_rx; i++) {
        const lora_rx *rx = &up->rx[i];
        bool can = false;
        for (size_t g = 0; g < l->n_gws && !can; g++)
            can = l->gws[g].eui == rx->gw_eui && l->gws[g].has_pull_addr;
        if (can && (!best || rx->snr > best->snr || (rx->snr == best->snr && rx->rssi > best->rssi)))
            best = rx;
    }
    pthread_mutex_unlock(&l->gw_lock);
    return best;
}

int lora_uplink_dr(const lw_region *r, const lora_uplink *up)
{
    for (int dr = 0; dr < LW_MAX_DR; dr++)
        if (r->up_dr[dr].valid && !r->up_dr[dr].fsk && r->up_dr[dr].sf == up->sf &&
            r->up_dr[dr].bw_khz == up->bw_khz)
            return dr;
    return -1;
}

/* The windows for an answer to up after delay_s seconds. */
static bool windows(lora *l, const lw_region *r, const lora_uplink *up, int delay_s,
                    int rx1_offset, int rx2_dr, lora_tx *tx)
{
    const lora_rx *best = lora_downlink_best(l, up);
    if (!best)
        return false;
    int dr = lora_uplink_dr(r, up);
    tx->gw_eui = best->gw_eui;
    tx->region = r;
    tx->tmst1 = best->tmst + (uint32_t)delay_s * 1000000u;
    tx->open1_mono_ns = up->mono_ns + delay_s * S;
    tx->freq1 = lw_region_rx1_freq(r, up->freq_hz);
    tx->dr1 = dr < 0 || tx->freq1 == 0 ? -1 : lw_region_rx1_dr(r, dr, rx1_offset);
    tx->freq2 = r->rx2_freq_hz;
    tx->dr2 = rx2_dr;
    tx->imme = false;
    return true;
}

/* Drops from the phy length the windows whose data rate cannot carry it. */
static bool fits(lora_tx *tx, size_t macpayload)
{
    const lw_region *r = tx->region;
    if (tx->dr1 >= 0 && macpayload > r->down_dr[tx->dr1].max_macpayload)
        tx->dr1 = -1;
    if (tx->dr2 >= 0 && macpayload > r->down_dr[tx->dr2].max_macpayload)
        tx->dr2 = -1;
    return tx->dr1 >= 0 || tx->dr2 >= 0;
}

/* Builds the data frame of d: queue head if any, ACK, MAC answers. lock held. */
static bool build_frame(lora *l, lora_dev *d, bool must, lora_tx *tx)
{
    lora_dl *q = d->queue;
    if (q && q->confirmed && q->attempts >= l->confirmed_retries) {
        lora_queue_pop(l, d, false); /* never acknowledged: give up on it */
        q = d->queue;
    }
    if (!q && !must && !d->ack_due && d->mac_len == 0)
        return false;
    lw_data dl = {.mtype = q && q->confirmed ? LW_CONFIRMED_DOWN : LW_UNCONFIRMED_DOWN,
                  .ack = d->ack_due,
                  .fpending = q && q->next,
                  .fopts = d->mac,
                  .fopts_len = d->mac_len,
                  .fport = q ? q->fport : -1,
                  .payload = q ? q->payload : NULL,
                  .len = q ? q->len : 0,
                  .conf_fcnt = d->conf_fcnt};
    bool app = q && q->fport > 0;
    dl.fcnt = app && d->s.v11 ? d->afcnt_down : d->nfcnt_down;
    int n = lw_data_build(&d->s, &dl, tx->phy, sizeof tx->phy);
    if (n < 0 || !fits(tx, (size_t)n - 5)) { /* MACPayload = PHYPayload - MHDR - MIC */
        l->host->counter_add(l->down_refused, 1);
        if (q && !q->confirmed)
            lora_queue_pop(l, d, false);
        return false;
    }
    tx->len = (size_t)n;
    if (app && d->s.v11)
        d->afcnt_down++;
    else
        d->nfcnt_down++;
    d->ack_due = false;
    d->mac_len = 0;
    if (q && q->confirmed) {
        q->attempts++;
        d->conf_down_fcnt = dl.fcnt;
    }
    else if (q)
        lora_queue_pop(l, d, false); /* unconfirmed: sent once */
    return true;
}

bool lora_downlink_build(lora *l, lora_dev *d, const lora_uplink *up, bool must, lora_tx *tx)
{
    if (!d->queue && !must && !d->ack_due && d->mac_len == 0)
        return false;
    int delay = d->rx_delay ? d->rx_delay : 1;
    if (!windows(l, d->region, up, delay, d->rx1_dr_offset, d->rx2_dr, tx))
        return false;
    return build_frame(l, d, must, tx);
}

bool lora_downlink_build_c(lora *l, lora_dev *d, lora_tx *tx)
{
    *tx = (lora_tx){.gw_eui = d->last_gw, .region = d->region, .dr1 = -1,
                    .freq2 = d->region->rx2_freq_hz, .dr2 = d->rx2_dr, .imme = true};
    return d->last_gw != 0 && build_frame(l, d, false, tx);
}

bool lora_downlink_join(lora *l, const lw_region *r, const lora_uplink *up, const uint8_t *phy,
                        size_t len, lora_tx *tx)
{
    if (!windows(l, r, up, (int)r->join_accept_delay1_s, 0, r->rx2_dr, tx) ||
        len > sizeof tx->phy)
        return false;
    memcpy(tx->phy, phy, len);
    tx->len = len;
    return fits(tx, len - 5);
}

/* The txpk for window dr/freq of tx. */
static sm_txpk txpk(lora *l, const lora_tx *tx, int dr, uint32_t freq, uint32_t tmst, bool rx2)
{
    const lw_dr *d = &tx->region->down_dr[dr];
    return (sm_txpk){.imme = tx->imme, .tmst = tmst, .freq_hz = freq, .rfch = 0,
                     .powe = rx2 ? tx->region->rx2_power_dbm : tx->region->rx1_power_dbm,
                     .lora = !d->fsk, .sf = d->sf, .bw_khz = d->bw_khz, .fsk_bitrate = 50000,
                     .codr = "4/5", .ipol = true, .ncrc = true, .data = tx->phy,
                     .size = (uint16_t)tx->len};
}

bool lora_downlink_send(lora *l, const lora_tx *tx)
{
    int64_t now = lora_mono_ns(), margin = (int64_t)l->rx_margin_ms * 1000000;
    sm_txpk rx1, rx2;
    bool has2 = tx->dr2 >= 0;
    if (has2)
        rx2 = txpk(l, tx, tx->dr2, tx->freq2, tx->tmst1 + 1000000u, true);
    int rc;
    if (tx->imme) {
        rc = lora_gw_send(l, tx->gw_eui, &rx2, NULL);
    } else if (tx->dr1 >= 0 && now < tx->open1_mono_ns - margin) {
        rx1 = txpk(l, tx, tx->dr1, tx->freq1, tx->tmst1, false);
        rc = lora_gw_send(l, tx->gw_eui, &rx1, has2 ? &rx2 : NULL);
    } else if (has2 && now < tx->open1_mono_ns + S - margin) {
        rc = lora_gw_send(l, tx->gw_eui, &rx2, NULL);
        if (rc == 0)
            l->host->counter_add(l->downlinks_rx2, 1);
    } else {
        l->host->counter_add(l->late, 1);
        return false;
    }
    if (rc == 0)
        l->host->counter_add(l->downlinks, 1);
    return rc == 0;
}
