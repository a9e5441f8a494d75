/* The simulated device: everything a LoRaWAN class A end device does, with no sockets and no
 * clock of its own (times come in as arguments), so unit tests can drive it directly.
 *
 * Keys come from --key-seed, deterministically, so the simulator and a registration script
 * agree without exchanging anything:
 *
 *     key(P) = AES128-encrypt(seed, P | DevEUI (8 bytes, big-endian) | 00 * 7)
 *
 *     P = 0x01 AppKey        (1.0.x: also the NwkKey the join uses)
 *         0x02 NwkKey        (1.1)
 *         0x03 NwkSKey       (1.0 ABP) = FNwkSIntKey (1.1 ABP)
 *         0x04 SNwkSIntKey   (1.1 ABP)
 *         0x05 NwkSEncKey    (1.1 ABP)
 *         0x06 AppSKey       (ABP)
 *
 * A 1.0 session holds NwkSKey in all three 1.1 network-key slots (lorawan.h). */
#include "sim.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* The channels and data rate the simulator uses per region (RP002): EU868's three default
 * channels at DR5 (SF7BW125); US915's sub-band 2 (channels 8-15, 903.9-905.3 MHz) at DR3
 * (SF7BW125). */
static const struct plan {
    const char *region;
    uint8_t dr, first_ch, n_ch;
} plans[] = {
    {"EU868", 5, 0, 3},
    {"US915", 3, 8, 8},
};

int sim_keys_derive(const uint8_t seed[LW_KEY_LEN], uint64_t dev_eui, sim_keys *k)
{
    struct {
        uint8_t prefix;
        uint8_t *key;
    } rows[] = {
        {0x01, k->app_key},     {0x02, k->nwk_key},   {0x03, k->f_nwk_s_int},
        {0x04, k->s_nwk_s_int}, {0x05, k->nwk_s_enc}, {0x06, k->app_s},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        uint8_t block[16] = {rows[i].prefix};
        for (int b = 0; b < 8; b++)
            block[1 + b] = (uint8_t)(dev_eui >> (56 - 8 * b));
        if (lw_aes_encrypt(seed, block, rows[i].key) < 0)
            return -1;
    }
    return 0;
}

int sim_device_init(sim_device *d, const sim_opts *o, uint32_t i)
{
    sim_keys k;
    memset(d, 0, sizeof *d);
    d->dev_eui = o->dev_eui_base + i;
    d->next_same_addr = -1;
    if (sim_keys_derive(o->key_seed, d->dev_eui, &k) < 0)
        return -1;
    memcpy(d->app_key, k.app_key, LW_KEY_LEN);
    memcpy(d->nwk_key, o->mac == LW_V1_1 ? k.nwk_key : k.app_key, LW_KEY_LEN);
    d->rx_delay = (uint8_t)o->region->receive_delay1_s;
    d->rx2_dr = o->region->rx2_dr;
    d->rx2_freq_hz = o->region->rx2_freq_hz;
    d->fcnt_up = o->fcnt >= 0 ? (uint32_t)o->fcnt : 0;
    if (o->otaa) {
        d->state = SIM_DEV_IDLE;
        return 0;
    }
    d->s.dev_addr = o->addr_base + i;
    d->s.v11 = o->mac == LW_V1_1;
    memcpy(d->s.f_nwk_s_int, k.f_nwk_s_int, LW_KEY_LEN);
    memcpy(d->s.s_nwk_s_int, d->s.v11 ? k.s_nwk_s_int : k.f_nwk_s_int, LW_KEY_LEN);
    memcpy(d->s.nwk_s_enc, d->s.v11 ? k.nwk_s_enc : k.f_nwk_s_int, LW_KEY_LEN);
    memcpy(d->s.app_s, k.app_s, LW_KEY_LEN);
    d->has_session = true;
    d->reset_pending = d->s.v11; /* a 1.1 ABP device starts as after a reset */
    d->state = SIM_DEV_ACTIVE;
    return 0;
}

void sim_device_free(sim_device *d)
{
    free(d->nonces);
    d->nonces = NULL;
    d->n_nonces = d->cap_nonces = 0;
}

void sim_radio_for(const lw_region *r, uint32_t frame_no, sim_radio *out)
{
    const struct plan *p = &plans[0];
    for (size_t i = 0; i < sizeof plans / sizeof plans[0]; i++)
        if (strcmp(plans[i].region, r->name) == 0)
            p = &plans[i];
    out->ch = (uint8_t)(p->first_ch + frame_no % p->n_ch);
    out->dr = p->dr;
    out->freq_hz = r->us_channel_plan ? r->up125_base_hz + out->ch * r->up125_step_hz
                                      : r->default_freqs_hz[out->ch];
    out->sf = r->up_dr[p->dr].sf;
    out->bw_khz = r->up_dr[p->dr].bw_khz;
}

static void remember(sim_device *d, uint64_t t_us, const sim_radio *radio, uint32_t fcnt, bool join,
                     bool confirmed)
{
    sim_uplink *u = &d->up[d->up_next];
    d->up_next = (uint8_t)((d->up_next + 1) % SIM_UP_HISTORY);
    *u = (sim_uplink){
        .t_us = t_us, .radio = *radio, .fcnt = fcnt, .join = join, .confirmed = confirmed};
}

/* The FOpts of the next uplink: RekeyInd (1.1 after a join) or ResetInd (1.1 ABP after a
 * reset), then the MAC answers due. */
static uint8_t uplink_fopts(const sim_device *d, const sim_opts *o, uint8_t *out)
{
    uint8_t n = 0;
    if (o->fport == 0) /* MAC commands may not be in FOpts and FRMPayload at once */
        return 0;
    if (d->rekey_pending || d->reset_pending) {
        out[n++] = d->rekey_pending ? LW_CID_REKEY : LW_CID_RESET;
        out[n++] = 1; /* LoRaWAN 1.1 */
    }
    if (n + d->mac_out_len <= LW_MAX_FOPTS) {
        memcpy(out + n, d->mac_out, d->mac_out_len);
        n += d->mac_out_len;
    }
    return n;
}

int sim_uplink_build(sim_device *d, const sim_opts *o, uint64_t t_us, uint8_t *out,
                     sim_radio *radio)
{
    uint32_t fcnt = d->fcnt_up;
    uint8_t counter[4] = {(uint8_t)(fcnt >> 24), (uint8_t)(fcnt >> 16), (uint8_t)(fcnt >> 8),
                          (uint8_t)fcnt};
    uint8_t fopts[LW_MAX_FOPTS];
    if (!d->has_session)
        return -1;
    sim_radio_for(o->region, fcnt, radio);
    lw_data up = {
        .mtype = o->confirmed ? LW_CONFIRMED_UP : LW_UNCONFIRMED_UP,
        .ack = d->ack_pending,
        .adr = o->adr,
        .fcnt = fcnt,
        .fopts = fopts,
        .fopts_len = uplink_fopts(d, o, fopts),
        .fport = o->fport,
        .payload = o->has_payload ? o->payload : counter,
        .len = o->has_payload ? o->payload_len : sizeof counter,
        .conf_fcnt = d->ack_pending ? d->ack_conf_fcnt : 0,
        .tx_dr = radio->dr,
        .tx_ch = radio->ch,
    };
    int n = lw_data_build(&d->s, &up, out, LW_MAX_PHY);
    if (n < 4)
        return -1;
    if (o->bad_mic)
        out[n - 1] ^= 0x01;
    d->ack_pending = false;
    d->mac_out_len = 0;
    d->fcnt_up = fcnt + 1;
    if (o->confirmed)
        d->conf_up_fcnt = fcnt;
    remember(d, t_us, radio, fcnt, false, o->confirmed);
    return n;
}

static bool nonce_used(const sim_device *d, uint16_t nonce)
{
    for (uint32_t i = 0; i < d->n_nonces; i++)
        if (d->nonces[i] == nonce)
            return true;
    return false;
}

/* Notes a DevNonce as used. 0, or -1 when out of memory. */
static int nonce_add(sim_device *d, uint16_t nonce)
{
    if (nonce_used(d, nonce))
        return 0;
    if (d->n_nonces == d->cap_nonces) {
        uint32_t cap = d->cap_nonces ? 2 * d->cap_nonces : 4;
        uint16_t *p = realloc(d->nonces, cap * sizeof *p);
        if (!p)
            return -1;
        d->nonces = p;
        d->cap_nonces = cap;
    }
    d->nonces[d->n_nonces++] = nonce;
    return 0;
}

/* The DevNonce of the next join-request: --dev-nonce, a counter (1.0.4, 1.1: last + 1, from
 * 0), or random and never used before by this device (1.0.0-1.0.3). -1 when none is left. */
static int32_t next_nonce(const sim_device *d, const sim_opts *o)
{
    if (o->dev_nonce >= 0)
        return o->dev_nonce;
    if (o->mac >= LW_V1_0_4) {
        if (!d->has_last_nonce)
            return 0;
        return d->last_nonce == 0xFFFF ? -1 : d->last_nonce + 1;
    }
    if (d->n_nonces >= 0x10000)
        return -1;
    for (;;) {
        uint16_t r;
        if (getrandom(&r, sizeof r, 0) != sizeof r)
            return -1;
        if (!nonce_used(d, r))
            return r;
    }
}

int sim_join_build(sim_device *d, const sim_opts *o, uint64_t t_us, uint8_t *out, sim_radio *radio)
{
    int32_t nonce = next_nonce(d, o);
    if (nonce < 0 || (o->mac < LW_V1_0_4 && nonce_add(d, (uint16_t)nonce) < 0))
        return -1;
    if (lw_join_request_build(d->nwk_key, o->join_eui, d->dev_eui, (uint16_t)nonce, out) < 0)
        return -1;
    if (!d->has_last_nonce || o->mac < LW_V1_0_4 || nonce > d->last_nonce)
        d->last_nonce = (uint16_t)nonce;
    d->has_last_nonce = true;
    d->join_nonce_dev = (uint16_t)nonce;
    d->state = SIM_DEV_JOINING;
    sim_radio_for(o->region, (uint32_t)nonce, radio);
    remember(d, t_us, radio, 0, true, false);
    return 23;
}

static uint32_t le(const uint8_t *p, int n)
{
    uint32_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

int sim_join_accept(sim_device *d, const sim_opts *o, const uint8_t *phy, size_t len, char *err,
                    size_t errlen)
{
    uint8_t plain[33], js_int[LW_KEY_LEN], js_enc[LW_KEY_LEN];
    lw_frame f;
    lw_session s;
    if (d->state != SIM_DEV_JOINING || (len != 17 && len != 33) ||
        lw_join_accept_decrypt(d->nwk_key, phy, len, plain) < 0 ||
        lw_frame_decode(plain, len, &f, err, errlen) < 0 || f.mtype != LW_JOIN_ACCEPT) {
        snprintf(err, errlen, "not a join-accept this device awaits");
        return -1;
    }
    /* JoinNonce(3) NetID(3) DevAddr(4) DLSettings RxDelay [CFList] after MHDR */
    uint32_t join_nonce = le(plain + 1, 3), net_id = le(plain + 4, 3);
    uint32_t dev_addr = le(plain + 7, 4);
    bool opt_neg = o->mac == LW_V1_1 && (plain[11] & 0x80);
    bool mic_ok;
    if (opt_neg) {
        lw_js_keys_derive(d->nwk_key, d->dev_eui, js_int, js_enc);
        mic_ok =
            lw_join_accept_mic_ok(js_int, true, 0xFF, o->join_eui, d->join_nonce_dev, plain, len);
    } else {
        mic_ok = lw_join_accept_mic_ok(d->nwk_key, false, 0, 0, 0, plain, len);
    }
    if (!mic_ok) {
        snprintf(err, errlen, "join-accept MIC does not match");
        return -1;
    }
    /* 1.0.x, and a 1.1 device told OptNeg = 0, derive 1.0 keys from NwkKey (= AppKey). */
    int rc = opt_neg ? lw_session_derive_11(d->nwk_key, d->app_key, join_nonce, o->join_eui,
                                            d->join_nonce_dev, dev_addr, &s)
                     : lw_session_derive_10(d->nwk_key, join_nonce, net_id, d->join_nonce_dev,
                                            dev_addr, &s);
    if (rc < 0) {
        snprintf(err, errlen, "session key derivation failed");
        return -1;
    }
    s.v11 = opt_neg;
    s.dev_addr = dev_addr;
    d->s = s;
    d->has_session = true;
    d->state = SIM_DEV_ACTIVE;
    d->fcnt_up = o->fcnt >= 0 ? (uint32_t)o->fcnt : 0;
    d->has_nfcnt_down = d->has_afcnt_down = d->ack_pending = false;
    d->rekey_pending = opt_neg;
    d->mac_out_len = 0;
    d->rx1_dr_offset = (plain[11] >> 4) & 7;
    d->rx2_dr = plain[11] & 15;
    d->rx2_freq_hz = o->region->rx2_freq_hz;
    d->rx_delay = (plain[12] & 15) ? (plain[12] & 15) : 1;
    d->has_cflist = len == 33;
    if (d->has_cflist)
        memcpy(d->cflist, plain + 13, 16);
    return 0;
}

/* Decrypts f's FRMPayload and FOpts for counter fcnt into out. */
static void decrypt(const sim_device *d, const lw_frame *f, uint32_t fcnt, sim_dl *out)
{
    const uint8_t *key = f->fport == 0 ? d->s.nwk_s_enc : d->s.app_s;
    out->len = f->fport >= 0 ? f->frm_len : 0;
    if (out->len)
        lw_frm_crypt(key, LW_DOWN, f->dev_addr, fcnt, f->frm_payload, out->len, out->payload);
    out->mac_len = f->fopts_len;
    if (d->s.v11 && f->fopts_len)
        lw_fopts_crypt(d->s.nwk_s_enc, LW_DOWN, f->fport > 0, f->dev_addr, fcnt, f->fopts,
                       f->fopts_len, out->mac);
    else if (f->fopts_len)
        memcpy(out->mac, f->fopts, f->fopts_len);
    if (f->fport == 0) {
        memcpy(out->mac, out->payload, out->len);
        out->mac_len = out->len;
    }
}

/* Payload lengths of the MAC commands a network sends, by CID (LoRaWAN 1.1 §5); -1 unknown. */
static const int8_t mac_down_len[16] = {-1, 1, 2, 4, 1, 4, 0, 5, 1, 1, 4, 1, 1, 5, 2, 1};

static void mac_answer(sim_device *d, const uint8_t *ans, uint8_t n)
{
    if (d->mac_out_len + n <= LW_MAX_FOPTS) {
        memcpy(d->mac_out + d->mac_out_len, ans, n);
        d->mac_out_len = (uint8_t)(d->mac_out_len + n);
    }
}

/* Acts on a downlink's MAC commands: RekeyConf ends RekeyInd; RXParamSetupReq and
 * RXTimingSetupReq move the receive windows (accepted); DevStatusReq, DutyCycleReq and
 * LinkADRReq (its TXPower noted; the data rate stays the simulator's) are answered; the
 * rest are read over. Stops at the first unknown CID. */
static void mac_apply(sim_device *d, const uint8_t *m, size_t len)
{
    for (size_t i = 0; i < len;) {
        int n = m[i] < 16 ? mac_down_len[m[i]] : -1;
        if (n < 0 || i + 1 + (size_t)n > len)
            return;
        const uint8_t *p = m + i + 1;
        switch (m[i]) {
        case LW_CID_REKEY:
            d->rekey_pending = false;
            break;
        case LW_CID_RESET:
            d->reset_pending = false;
            break;
        case LW_CID_RX_PARAM_SETUP:
            d->rx1_dr_offset = (p[0] >> 4) & 7;
            d->rx2_dr = p[0] & 15;
            d->rx2_freq_hz = le(p + 1, 3) * 100;
            mac_answer(d, (const uint8_t[]){LW_CID_RX_PARAM_SETUP, 0x07}, 2);
            break;
        case LW_CID_RX_TIMING_SETUP:
            d->rx_delay = (p[0] & 15) ? (p[0] & 15) : 1;
            mac_answer(d, (const uint8_t[]){LW_CID_RX_TIMING_SETUP}, 1);
            break;
        case LW_CID_DEV_STATUS: /* battery: cannot measure; SNR margin 10 dB */
            mac_answer(d, (const uint8_t[]){LW_CID_DEV_STATUS, 255, 10}, 3);
            break;
        case LW_CID_DUTY_CYCLE:
            mac_answer(d, (const uint8_t[]){LW_CID_DUTY_CYCLE}, 1);
            break;
        case LW_CID_LINK_ADR: /* power, data rate and channel mask all accepted */
            d->tx_power = p[0] & 15;
            mac_answer(d, (const uint8_t[]){LW_CID_LINK_ADR, 0x07}, 2);
            break;
        }
        i += 1 + (size_t)n;
    }
}

int sim_downlink(sim_device *d, const lw_frame *f, sim_dl *out)
{
    if (!d->has_session || f->dev_addr != d->s.dev_addr ||
        (f->mtype != LW_UNCONFIRMED_DOWN && f->mtype != LW_CONFIRMED_DOWN))
        return -1;
    /* 1.1 counts application downlinks (FPort > 0) in AFCntDown, the rest in NFCntDown. */
    bool app = d->s.v11 && f->fport > 0;
    uint32_t *last = app ? &d->afcnt_down : &d->nfcnt_down;
    bool *has = app ? &d->has_afcnt_down : &d->has_nfcnt_down;
    uint32_t conf = f->ack ? d->conf_up_fcnt : 0;
    /* the smallest counter >= the last one; the last one again, or an older one whose MIC
     * matches, is a replayed downlink: reported, not acted on */
    uint32_t fcnt = lw_fcnt_full(*last, *has, f->fcnt16);
    bool replayed = *has && fcnt == *last;
    if (!lw_data_mic_ok(&d->s, f, fcnt, conf, 0, 0)) {
        fcnt = (*last & 0xFFFF0000u) | f->fcnt16; /* the nearest at or below the last */
        if (fcnt > *last)
            fcnt -= 0x10000u;
        if (!*has || fcnt > *last || !lw_data_mic_ok(&d->s, f, fcnt, conf, 0, 0))
            return -1;
        replayed = true;
    }
    memset(out, 0, sizeof *out);
    out->fcnt = fcnt;
    out->replayed = replayed;
    out->fport = f->fport;
    out->ack = f->ack;
    out->confirmed = f->mtype == LW_CONFIRMED_DOWN;
    decrypt(d, f, fcnt, out);
    if (!replayed) {
        *last = fcnt;
        *has = true;
        mac_apply(d, out->mac, out->mac_len);
    }
    if (out->confirmed && !replayed) {
        d->ack_pending = true;
        d->ack_conf_fcnt = fcnt;
    }
    return 0;
}

const char *sim_window_name(int w)
{
    static const char *const names[] = {"none", "rx1", "rx2"};
    return w >= 0 && w <= SIM_WIN_RX2 ? names[w] : "none";
}

/* Whether a downlink on freq/sf/bw is at the expected frequency and data rate. */
static bool radio_is(const lw_region *r, uint32_t want_freq, int want_dr, uint32_t freq, uint8_t sf,
                     uint16_t bw)
{
    if (want_dr < 0 || want_dr >= LW_MAX_DR || !r->down_dr[want_dr].valid)
        return false;
    return freq == want_freq && r->down_dr[want_dr].sf == sf && r->down_dr[want_dr].bw_khz == bw;
}

int sim_window_classify(const sim_device *d, const lw_region *r, uint32_t gw_offset,
                        uint32_t tx_tmst, uint32_t freq_hz, uint8_t sf, uint16_t bw_khz,
                        bool *radio_ok, const sim_uplink **which)
{
    *radio_ok = false;
    *which = NULL;
    for (int k = 1; k <= SIM_UP_HISTORY; k++) { /* newest first */
        const sim_uplink *u = &d->up[(d->up_next + SIM_UP_HISTORY - k) % SIM_UP_HISTORY];
        if (!u->t_us)
            continue;
        uint32_t delay = u->join ? r->join_accept_delay1_s : d->rx_delay;
        uint32_t at = (uint32_t)(u->t_us + gw_offset);
        int win = SIM_WIN_NONE;
        if (tx_tmst == at + delay * 1000000u)
            win = SIM_WIN_RX1;
        else if (tx_tmst == at + (delay + 1) * 1000000u)
            win = SIM_WIN_RX2;
        if (win == SIM_WIN_NONE)
            continue;
        if (win == SIM_WIN_RX1)
            *radio_ok = radio_is(r, lw_region_rx1_freq(r, u->radio.freq_hz),
                                 lw_region_rx1_dr(r, u->radio.dr, u->join ? 0 : d->rx1_dr_offset),
                                 freq_hz, sf, bw_khz);
        else
            *radio_ok = radio_is(r, u->join ? r->rx2_freq_hz : d->rx2_freq_hz,
                                 u->join ? r->rx2_dr : d->rx2_dr, freq_hz, sf, bw_khz);
        *which = u;
        return win;
    }
    return SIM_WIN_NONE;
}

/* Semtech's packet forwarders refuse a timestamped downlink that comes too close to its
 * tmst (jit_enqueue, JIT_ERROR_TOO_LATE). lora_pkt_fwd of the SX1301 packet_forwarder
 * refuses below TX_START_DELAY + TX_MARGIN_DELAY = 1.5 + 1 ms, but its JIT thread, which wakes
 * every 10 ms, hands a packet to the concentrator only TX_JIT_DELAY = 30 ms ahead of its
 * tmst; sx1302_hal's lora_pkt_fwd adds TX_JIT_DELAY (50 ms there) to the refusal bound:
 * 52.5 ms. The default --tx-lead-ms 30 is the SX1301 forwarder's programming lead. */
const char *sim_tx_verdict(int64_t lead_us, int tx_lead_ms)
{
    return lead_us < (int64_t)tx_lead_ms * 1000 ? "TOO_LATE" : NULL;
}
