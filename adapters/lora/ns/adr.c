/* Adaptive data rate, the network's side (LoRaWAN 1.0.4 §4.3.1.1 and §5.3 LinkADRReq). When a
 * device sets the ADR bit, the network looks at the best SNR (over every gateway) of its
 * last LORA_ADR_HISTORY uplinks and moves it to the fastest data rate, then the lowest
 * power, that still leaves the installation margin — Semtech's algorithm as described in
 * its "LoRaWAN – simple rate adaptation recommended algorithm" note: each 3 dB of margin
 * above the demodulation floor buys one step. */
#include "../lora.h"

#include <math.h>
#include <string.h>

/* Demodulation floor per spreading factor, dB (Semtech SX1276 datasheet, table 13). */
float lora_snr_floor(int sf)
{
    static const float floor_db[13] = {[7] = -7.5f, [8] = -10.0f, [9] = -12.5f,
                                       [10] = -15.0f, [11] = -17.5f, [12] = -20.0f};
    return sf >= 7 && sf <= 12 ? floor_db[sf] : 0;
}

void lora_adr_decide(const lw_region *r, int dr, int tx_power, float snr_max, float margin_db,
                     int *new_dr, int *new_power)
{
    float margin = snr_max - lora_snr_floor(r->up_dr[dr].sf) - margin_db;
    int steps = (int)floorf(margin / 3);
    *new_dr = dr;
    *new_power = tx_power;
    for (; steps > 0 && *new_dr < r->adr_max_dr; steps--)
        (*new_dr)++;
    for (; steps > 0 && *new_power < r->adr_max_tx_power; steps--)
        (*new_power)++;
    for (; steps < 0 && *new_power > 0; steps++)
        (*new_power)--; /* too little margin: more power (the device lowers DR by itself) */
}

void lora_adr_uplink(lora *l, lora_dev *d, const lora_uplink *up, int dr, bool adr_bit)
{
    float best = -128;
    for (size_t i = 0; i < up->n_rx; i++)
        best = fmaxf(best, up->rx[i].snr);
    d->adr_snr[d->adr_next] = (int8_t)fmaxf(-128, fminf(127, best * 4));
    d->adr_next = (uint8_t)((d->adr_next + 1) % LORA_ADR_HISTORY);
    if (d->adr_n < LORA_ADR_HISTORY)
        d->adr_n++;
    const lw_region *r = d->region;
    if (!adr_bit || d->adr_n < LORA_ADR_HISTORY || dr < 0 || dr > r->adr_max_dr ||
        r->adr_ch_mask == 0 || d->adr_asked)
        return;
    float snr_max = -128;
    for (int i = 0; i < LORA_ADR_HISTORY; i++)
        snr_max = fmaxf(snr_max, d->adr_snr[i] / 4.0f);
    int new_dr, new_power;
    lora_adr_decide(r, dr, d->tx_power, snr_max, (float)l->adr_margin_db, &new_dr, &new_power);
    if (new_dr == dr && new_power == d->tx_power)
        return;
    /* LinkADRReq: DataRate_TXPower, ChMask (little-endian), Redundancy (ChMaskCntl 0,
     * NbTrans 1) */
    uint8_t req[5] = {LW_CID_LINK_ADR, (uint8_t)(new_dr << 4 | new_power),
                      (uint8_t)(r->adr_ch_mask & 0xFF), (uint8_t)(r->adr_ch_mask >> 8), 0x01};
    if (d->mac_len + sizeof req > sizeof d->mac)
        return;
    memcpy(d->mac + d->mac_len, req, sizeof req);
    d->mac_len = (uint8_t)(d->mac_len + sizeof req);
    d->adr_asked = true;
    d->adr_dr = (uint8_t)new_dr;
    d->adr_tx_power = (uint8_t)new_power;
}

void lora_adr_answer(lora_dev *d, uint8_t status)
{
    if (d->adr_asked && (status & 0x07) == 0x07) {
        d->tx_power = d->adr_tx_power;
        d->adr_n = 0; /* SNRs at the old rate say nothing about the new one */
    }
    d->adr_asked = false;
}
