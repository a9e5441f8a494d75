/* Data frames (MType 2..5): building a whole PHYPayload, the MIC for LoRaWAN 1.0.x and 1.1,
 * FRMPayload and FOpts encryption, and 32-bit frame counter reconstruction.
 *
 * References: LoRaWAN 1.0.4 §4.3.1.5 (FCnt), §4.3.3 (FRMPayload encryption, blocks A_i),
 * §4.4 (MIC, block B0); LoRaWAN 1.1 §4.3.1.6 (FOpts encryption) with the "FOpts encryption,
 * usage of FCntDwn" errata (block A byte 4 = 0x01 for FCntUp/NFCntDown, 0x02 for AFCntDown;
 * byte 15 = 0x01), §4.4.1 (downlink MIC, B0 with ConfFCnt) and §4.4.2 (uplink MIC, B0 and B1,
 * MIC = cmacS[0..1] | cmacF[0..1]). */
#include "lw_internal.h"

#include <string.h>

#define MIC_LEN     4
#define FHDR_MIN    7
#define MAX_BLOCKS  16                       /* blocks of keystream made per AES call */
#define MAX_FRM_LEN ((size_t)255 * LW_BLOCK) /* the block counter A_i[15] is one byte */

static bool mtype_is_data(uint8_t mtype)
{
    return mtype >= LW_UNCONFIRMED_UP && mtype <= LW_CONFIRMED_DOWN;
}

static bool mtype_is_down(uint8_t mtype)
{
    return mtype == LW_UNCONFIRMED_DOWN || mtype == LW_CONFIRMED_DOWN;
}

/* ---- payload encryption ---- */

/* Block A_i / B_0 shape shared by §4.3.3 and §4.4: tag | 4 bytes | Dir | DevAddr | FCnt |
 * 0x00 | last. */
static void fill_block(uint8_t b[LW_BLOCK], uint8_t tag, const uint8_t four[4], uint8_t dir,
                       uint32_t dev_addr, uint32_t fcnt, uint8_t last)
{
    b[0] = tag;
    memcpy(b + 1, four, 4);
    b[5] = dir;
    lw_put_le32(b + 6, dev_addr);
    lw_put_le32(b + 10, fcnt);
    b[14] = 0x00;
    b[15] = last;
}

int lw_frm_crypt(const uint8_t key[LW_KEY_LEN], enum lw_dir dir, uint32_t dev_addr, uint32_t fcnt,
                 const uint8_t *in, size_t len, uint8_t *out)
{
    if (len == 0)
        return key ? 0 : -1;
    if (!key || !in || !out || len > MAX_FRM_LEN)
        return -1;
    static const uint8_t zero4[4] = {0};
    uint8_t a[MAX_BLOCKS * LW_BLOCK], s[MAX_BLOCKS * LW_BLOCK];
    size_t done = 0, i = 1; /* §4.3.3: i = 1..k */
    int rc = 0;
    while (done < len && rc == 0) {
        size_t n = len - done < sizeof a ? len - done : sizeof a;
        size_t blocks = (n + LW_BLOCK - 1) / LW_BLOCK;
        for (size_t j = 0; j < blocks; j++)
            fill_block(a + j * LW_BLOCK, 0x01, zero4, (uint8_t)dir, dev_addr, fcnt,
                       (uint8_t)(i + j));
        rc = lw_aes_ecb(key, false, a, s, blocks * LW_BLOCK);
        for (size_t j = 0; rc == 0 && j < n; j++)
            out[done + j] = in[done + j] ^ s[j];
        done += n;
        i += blocks;
    }
    lw_wipe(s, sizeof s);
    return rc;
}

int lw_fopts_crypt(const uint8_t nwk_s_enc[LW_KEY_LEN], enum lw_dir dir, bool afcnt_down,
                   uint32_t dev_addr, uint32_t fcnt, const uint8_t *in, size_t len, uint8_t *out)
{
    if (!nwk_s_enc || len > LW_MAX_FOPTS || (len > 0 && (!in || !out)))
        return -1;
    if (len == 0)
        return 0;
    /* LoRaWAN 1.1 §4.3.1.6 + errata: A = 0x01 | 0x00 0x00 0x00 | 0x01 or 0x02 | Dir |
     * DevAddr | FCnt | 0x00 | 0x01 */
    const uint8_t four[4] = {0, 0, 0, dir == LW_DOWN && afcnt_down ? 0x02 : 0x01};
    uint8_t a[LW_BLOCK], s[LW_BLOCK];
    fill_block(a, 0x01, four, (uint8_t)dir, dev_addr, fcnt, 0x01);
    int rc = lw_aes_ecb(nwk_s_enc, false, a, s, LW_BLOCK);
    for (size_t j = 0; rc == 0 && j < len; j++)
        out[j] = in[j] ^ s[j];
    lw_wipe(s, sizeof s);
    return rc;
}

/* ---- MIC ---- */

/* The first 4 bytes of aes128_cmac(key, block | msg). */
static int cmac_block_msg(const uint8_t key[LW_KEY_LEN], const uint8_t block[LW_BLOCK],
                          const uint8_t *msg, size_t len, uint8_t out[MIC_LEN])
{
    lw_cmac_state c;
    uint8_t tag[LW_BLOCK];
    if (lw_cmac_init(&c, key) != 0 || lw_cmac_update(&c, block, LW_BLOCK) != 0 ||
        lw_cmac_update(&c, msg, len) != 0 || lw_cmac_final(&c, tag) != 0) {
        lw_wipe(&c, sizeof c);
        return -1;
    }
    memcpy(out, tag, MIC_LEN);
    return 0;
}

/* What a data MIC is computed from: msg = MHDR | FHDR | FPort | FRMPayload. */
typedef struct mic_input {
    uint8_t mtype;
    bool ack;
    uint32_t dev_addr, fcnt, conf_fcnt;
    uint8_t tx_dr, tx_ch;
    const uint8_t *msg;
    size_t len;
} mic_input;

/* cmacF: B0 (no ConfFCnt, TxDr, TxCh) under FNwkSIntKey (1.0: NwkSKey) — §4.4.2. */
static int mic_uplink_f(const lw_session *s, const mic_input *in, uint8_t cmac_f[MIC_LEN])
{
    static const uint8_t zero4[4] = {0};
    uint8_t b0[LW_BLOCK];
    fill_block(b0, 0x49, zero4, LW_UP, in->dev_addr, in->fcnt, (uint8_t)in->len);
    return cmac_block_msg(s->f_nwk_s_int, b0, in->msg, in->len, cmac_f);
}

/* The full MIC of a data frame, as lw_data_build writes it. */
static int data_mic(const lw_session *s, const mic_input *in, uint8_t mic[MIC_LEN])
{
    if (!mtype_is_data(in->mtype) || in->len > LW_MAX_PHY - MIC_LEN)
        return -1;
    /* ConfFCnt is only meaningful (and only non-zero) in 1.1 frames that ACK something */
    uint16_t conf = s->v11 && in->ack ? (uint16_t)in->conf_fcnt : 0;
    uint8_t b[LW_BLOCK];
    if (mtype_is_down(in->mtype)) {
        /* 1.0.4 §4.4 / 1.1 §4.4.1: B0 = 0x49 | ConfFCnt 2 | 0x0000 | Dir 1 | ... */
        const uint8_t four[4] = {(uint8_t)conf, (uint8_t)(conf >> 8), 0, 0};
        fill_block(b, 0x49, four, LW_DOWN, in->dev_addr, in->fcnt, (uint8_t)in->len);
        return cmac_block_msg(s->s_nwk_s_int, b, in->msg, in->len, mic);
    }
    uint8_t cmac_f[MIC_LEN];
    if (mic_uplink_f(s, in, cmac_f) != 0)
        return -1;
    if (!s->v11) {
        memcpy(mic, cmac_f, MIC_LEN);
        return 0;
    }
    /* 1.1 §4.4.2: B1 = 0x49 | ConfFCnt 2 | TxDr | TxCh | Dir 0 | ...; MIC = cmacS[0..1] |
     * cmacF[0..1] */
    const uint8_t four[4] = {(uint8_t)conf, (uint8_t)(conf >> 8), in->tx_dr, in->tx_ch};
    uint8_t cmac_s[MIC_LEN];
    fill_block(b, 0x49, four, LW_UP, in->dev_addr, in->fcnt, (uint8_t)in->len);
    if (cmac_block_msg(s->s_nwk_s_int, b, in->msg, in->len, cmac_s) != 0)
        return -1;
    memcpy(mic, cmac_s, 2);
    memcpy(mic + 2, cmac_f, 2);
    return 0;
}

static bool frame_mic_input(const lw_frame *f, uint32_t fcnt, mic_input *in)
{
    if (!f || !mtype_is_data(f->mtype) || !f->raw || f->raw_len < 1 + FHDR_MIN + MIC_LEN)
        return false;
    *in = (mic_input){.mtype = f->mtype,
                      .ack = f->ack,
                      .dev_addr = f->dev_addr,
                      .fcnt = fcnt,
                      .msg = f->raw,
                      .len = f->raw_len - MIC_LEN};
    return true;
}

int lw_data_mic(const lw_session *s, const lw_frame *f, uint32_t fcnt, uint32_t conf_fcnt,
                uint8_t tx_dr, uint8_t tx_ch, uint8_t mic[4])
{
    mic_input in;
    if (!s || !mic || !frame_mic_input(f, fcnt, &in))
        return -1;
    in.conf_fcnt = conf_fcnt;
    in.tx_dr = tx_dr;
    in.tx_ch = tx_ch;
    return data_mic(s, &in, mic);
}

bool lw_data_mic_ok(const lw_session *s, const lw_frame *f, uint32_t fcnt, uint32_t conf_fcnt,
                    uint8_t tx_dr, uint8_t tx_ch)
{
    uint8_t mic[MIC_LEN];
    return lw_data_mic(s, f, fcnt, conf_fcnt, tx_dr, tx_ch, mic) == 0 &&
           lw_equal(mic, f->mic, MIC_LEN);
}

bool lw_data_mic_f_ok(const lw_session *s, const lw_frame *f, uint32_t fcnt)
{
    mic_input in;
    if (!s || !frame_mic_input(f, fcnt, &in))
        return false;
    if (!s->v11 || mtype_is_down(f->mtype))
        return lw_data_mic_ok(s, f, fcnt, 0, 0, 0);
    uint8_t cmac_f[MIC_LEN];
    return mic_uplink_f(s, &in, cmac_f) == 0 && lw_equal(cmac_f, f->mic + 2, 2);
}

/* ---- building ---- */

/* FHDR (§4.3.1): DevAddr | FCtrl | FCnt | FOpts (1.1: encrypted). Returns bytes written. */
static int write_fhdr(const lw_session *s, const lw_data *d, bool down, uint8_t *p)
{
    uint8_t fctrl = (uint8_t)((d->adr ? 0x80 : 0) | (!down && d->adr_ack_req ? 0x40 : 0) |
                              (d->ack ? 0x20 : 0) | (d->fpending ? 0x10 : 0) | d->fopts_len);
    lw_put_le32(p, s->dev_addr);
    p[4] = fctrl;
    lw_put_le16(p + 5, (uint16_t)d->fcnt);
    if (d->fopts_len == 0)
        return FHDR_MIN;
    if (!s->v11) {
        memcpy(p + FHDR_MIN, d->fopts, d->fopts_len);
        return FHDR_MIN + d->fopts_len;
    }
    /* a 1.1 downlink with FPort > 0 counts with AFCntDown, otherwise NFCntDown */
    bool afcnt = down && d->fport > 0;
    if (lw_fopts_crypt(s->nwk_s_enc, down ? LW_DOWN : LW_UP, afcnt, s->dev_addr, d->fcnt, d->fopts,
                       d->fopts_len, p + FHDR_MIN) != 0)
        return -1;
    return FHDR_MIN + d->fopts_len;
}

static bool data_valid(const lw_data *d)
{
    if (!mtype_is_data(d->mtype) || d->fopts_len > LW_MAX_FOPTS || d->fport < -1 || d->fport > 255)
        return false;
    if ((d->fopts_len > 0 && !d->fopts) || (d->len > 0 && !d->payload))
        return false;
    if (d->fport == -1 && d->len > 0) /* FRMPayload needs an FPort */
        return false;
    return !(d->fport == 0 && d->fopts_len > 0); /* §4.3.1.6: not both */
}

int lw_data_build(const lw_session *s, const lw_data *d, uint8_t *out, size_t cap)
{
    if (!s || !d || !out || !data_valid(d))
        return -1;
    bool down = mtype_is_down(d->mtype);
    size_t total = 1 + FHDR_MIN + d->fopts_len + (d->fport >= 0 ? 1 + d->len : 0) + MIC_LEN;
    if (total > cap || total > LW_MAX_PHY)
        return -1;
    out[0] = (uint8_t)(d->mtype << 5); /* Major 0 = LoRaWAN R1 */
    int n = write_fhdr(s, d, down, out + 1);
    if (n < 0)
        return -1;
    size_t o = 1 + (size_t)n;
    if (d->fport >= 0) {
        out[o++] = (uint8_t)d->fport;
        const uint8_t *key = d->fport == 0 ? s->nwk_s_enc : s->app_s;
        if (lw_frm_crypt(key, down ? LW_DOWN : LW_UP, s->dev_addr, d->fcnt, d->payload, d->len,
                         out + o) != 0)
            return -1;
        o += d->len;
    }
    mic_input in = {.mtype = d->mtype,
                    .ack = d->ack,
                    .dev_addr = s->dev_addr,
                    .fcnt = d->fcnt,
                    .conf_fcnt = d->conf_fcnt,
                    .tx_dr = d->tx_dr,
                    .tx_ch = d->tx_ch,
                    .msg = out,
                    .len = o};
    if (data_mic(s, &in, out + o) != 0)
        return -1;
    return (int)(o + MIC_LEN);
}

/* ---- frame counters ---- */

uint32_t lw_fcnt_full(uint32_t last, bool has_last, uint16_t fcnt16)
{
    if (!has_last)
        return fcnt16;
    /* §4.3.1.5: only the low 16 bits travel; take the smallest value >= last that ends in
     * them (last itself for a retransmission, wrapping past 2^32 like the counter would) */
    uint32_t full = (last & 0xFFFF0000u) | fcnt16;
    if (full < last)
        full += 0x10000u;
    return full;
}
