/* The join server (loop thread): over-the-air activation. A join-request is checked against
 * the device's root key (AppKey in 1.0.x, NwkKey in 1.1), its DevNonce against the rules of
 * the device's MAC version — random and never reused before 1.0.4 (every nonce a device
 * used is stored), a counter that must grow from 1.0.4 and 1.1 on (LoRaWAN 1.0.4 §6.2.5,
 * 1.1 §6.2.4) — then a new JoinNonce and DevAddr are chosen, the session keys derived, the
 * session stored and only then the join-accept sent (JOIN_ACCEPT_DELAY1, RX2 as fallback). */
#include "../lora.h"

#include <lyrebird/error.h>

#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* A random DevAddr in our NetID's range: for a type 0 NetID the 6-bit NwkID is the top of
 * the address after the 1-bit type prefix 0 (LoRaWAN Backend Interfaces 1.0 §13). */
static uint32_t new_dev_addr(uint32_t net_id)
{
    uint32_t nwk_id = net_id & 0x3F;
    return nwk_id << 25 | (randombytes_random() & 0x1FFFFFF);
}

/* Checks the DevNonce; NULL when it may be used, else why not. lock held. */
static const char *dev_nonce_refused(lora *l, lora_dev *d, uint16_t nonce)
{
    if (d->version >= LW_V1_0_4) {
        if (d->has_dev_nonce && nonce <= d->dev_nonce)
            return "DevNonce is not above the last one (a replayed join-request)";
        return NULL;
    }
    int rc = lora_store_dev_nonce_use(l->store, d->dev_eui, nonce);
    if (rc == 1)
        return "DevNonce was used before (a replayed join-request)";
    return rc == 0 ? NULL : "cannot record the DevNonce";
}

/* Makes the new session of d and the join-accept; lock held. 0 or -1 (why in *why). */
static int accept_join(lora *l, lora_dev *d, const lw_frame *f, uint8_t *phy, size_t cap,
                       int *len)
{
    bool v11 = d->version == LW_V1_1;
    uint32_t join_nonce = d->join_nonce & 0xFFFFFF;
    uint32_t addr = new_dev_addr(l->net_id);
    uint8_t js_int[LW_KEY_LEN] = {0}, js_enc[LW_KEY_LEN];
    lw_session s;
    int rc = v11 ? lw_js_keys_derive(d->nwk_key, d->dev_eui, js_int, js_enc) |
                       lw_session_derive_11(d->nwk_key, d->app_key, join_nonce, f->join_eui,
                                            f->dev_nonce, addr, &s)
                 : lw_session_derive_10(d->app_key, join_nonce, l->net_id, f->dev_nonce, addr,
                                        &s);
    if (rc != 0)
        return -1;
    uint8_t rx1_offset = 0, rx2_dr = d->region->rx2_dr;
    lw_join_accept ja = {.join_nonce = join_nonce, .net_id = l->net_id, .dev_addr = addr,
                         .dl_settings = (uint8_t)((v11 ? 0x80 : 0) | rx1_offset << 4 | rx2_dr),
                         .rx_delay = 1};
    ja.has_cflist = lw_region_cflist(d->region, l->us915_sub_band, ja.cflist);
    *len = lw_join_accept_build(d->nwk_key, js_int, 0xFF, f->join_eui, f->dev_nonce, &ja, phy,
                                cap);
    if (*len < 0)
        return -1;
    s.v11 = v11;
    lora_registry_readdr(l->reg, d, addr);
    d->s = s;
    d->has_fcnt_up = false;
    d->fcnt_up = d->nfcnt_down = d->afcnt_down = 0;
    d->has_dev_nonce = true;
    d->dev_nonce = f->dev_nonce;
    d->join_nonce = join_nonce + 1;
    d->rx1_dr_offset = rx1_offset;
    d->rx2_dr = rx2_dr;
    d->rx_delay = 1;
    d->ack_due = false;
    d->mac_len = 0;
    return lora_store_session_save(l->store, d) == 0 ? 0 : -1;
}

static void refuse(lora *l, uint64_t dev_eui, const char *why)
{
    char eui[17];
    lora_eui_format(dev_eui, eui);
    l->host->counter_add(l->joins_refused, 1);
    l->host->log(l->host, LB_LOG_WARN, "join refused", "dev_eui=%s reason=\"%s\"", eui, why);
}

void lora_js_join(lora *l, lora_uplink *up, const lw_frame *f)
{
    uint8_t phy[64];
    int len = 0;
    lora_tx tx;
    const char *why = NULL;
    lora_dev copy;
    pthread_mutex_lock(&l->lock);
    lora_dev *d = lora_registry_get(l->reg, f->dev_eui);
    if (!d || !d->otaa || d->join_eui != f->join_eui)
        why = !d ? "unknown DevEUI" : !d->otaa ? "an ABP device" : "JoinEUI does not match";
    else if (!lw_join_request_mic_ok(d->nwk_key, f))
        why = "MIC does not match the device's root key";
    else
        why = dev_nonce_refused(l, d, f->dev_nonce);
    if (!why && accept_join(l, d, f, phy, sizeof phy, &len) != 0)
        why = "cannot make or store the session";
    if (!why && !lora_downlink_join(l, d->region, up, phy, (size_t)len, &tx))
        why = "no gateway can send the join-accept";
    if (!why)
        copy = *d;
    pthread_mutex_unlock(&l->lock);
    if (why) {
        if (d && strstr(why, "MIC"))
            l->host->counter_add(l->mic_failed, 1);
        refuse(l, f->dev_eui, why);
        return;
    }
    lora_downlink_send(l, &tx);
    l->host->counter_add(l->joins, 1);
    lora_as_join(l, &copy, up);
}
