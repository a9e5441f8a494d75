/* Over-the-air activation: the join-request and its MIC, the join-accept (MIC, the "encrypt
 * with AES decrypt" of the server and the decrypt of the device), and the keys that follow:
 * 1.0.x NwkSKey and AppSKey, 1.1 FNwkSIntKey, SNwkSIntKey, NwkSEncKey and AppSKey, and the
 * 1.1 join server's JSIntKey and JSEncKey.
 *
 * References: LoRaWAN 1.0.4 §6.2.4 (join-request), §6.2.5 (join-accept, session keys);
 * LoRaWAN 1.1 §6.2.2 (JSIntKey, JSEncKey), §6.2.3 (join-accept MIC with JoinReqType,
 * JoinEUI and DevNonce when OptNeg is set), §6.2.4 (rejoin-request MIC). */
#include "lw_internal.h"

#include <string.h>

#define MIC_LEN   4
#define JR_LEN    23
#define JA_LEN    17 /* without CFList */
#define CFLIST_SZ 16
#define OPT_NEG   0x80

int lw_join_request_build(const uint8_t nwk_key[LW_KEY_LEN], uint64_t join_eui, uint64_t dev_eui,
                          uint16_t dev_nonce, uint8_t out[23])
{
    if (!nwk_key || !out)
        return -1;
    /* MHDR | JoinEUI | DevEUI | DevNonce | MIC; cmac = aes128_cmac(NwkKey, MHDR | ...) */
    out[0] = LW_JOIN_REQUEST << 5;
    lw_put_le64(out + 1, join_eui);
    lw_put_le64(out + 9, dev_eui);
    lw_put_le16(out + 17, dev_nonce);
    uint8_t tag[LW_BLOCK];
    if (lw_cmac(nwk_key, out, JR_LEN - MIC_LEN, tag) != 0)
        return -1;
    memcpy(out + JR_LEN - MIC_LEN, tag, MIC_LEN);
    return 0;
}

bool lw_join_request_mic_ok(const uint8_t nwk_key[LW_KEY_LEN], const lw_frame *f)
{
    /* a rejoin-request's MIC is the same CMAC over the whole message (1.1 §6.2.4) */
    if (!nwk_key || !f || !f->raw || f->raw_len <= MIC_LEN ||
        (f->mtype != LW_JOIN_REQUEST && f->mtype != LW_REJOIN_REQUEST))
        return false;
    uint8_t tag[LW_BLOCK];
    return lw_cmac(nwk_key, f->raw, f->raw_len - MIC_LEN, tag) == 0 &&
           lw_equal(tag, f->mic, MIC_LEN);
}

/* The join-accept MIC over msg (MHDR .. CFList). 1.0 (§6.2.5): aes128_cmac(NwkKey, msg);
 * 1.1 with OptNeg (§6.2.3): aes128_cmac(JSIntKey, JoinReqType | JoinEUI | DevNonce | msg). */
static int join_accept_mic(const uint8_t key[LW_KEY_LEN], bool opt_neg, uint8_t join_req_type,
                           uint64_t join_eui, uint16_t dev_nonce, const uint8_t *msg, size_t len,
                           uint8_t mic[MIC_LEN])
{
    lw_cmac_state c;
    uint8_t tag[LW_BLOCK];
    int rc = lw_cmac_init(&c, key);
    if (rc == 0 && opt_neg) {
        uint8_t pre[11];
        pre[0] = join_req_type;
        lw_put_le64(pre + 1, join_eui);
        lw_put_le16(pre + 9, dev_nonce);
        rc = lw_cmac_update(&c, pre, sizeof pre);
    }
    if (rc == 0)
        rc = lw_cmac_update(&c, msg, len);
    if (rc == 0)
        rc = lw_cmac_final(&c, tag);
    if (rc != 0) {
        lw_wipe(&c, sizeof c);
        return -1;
    }
    memcpy(mic, tag, MIC_LEN);
    return 0;
}

int lw_join_accept_build(const uint8_t nwk_key[LW_KEY_LEN], const uint8_t js_int_key[LW_KEY_LEN],
                         uint8_t join_req_type, uint64_t join_eui, uint16_t dev_nonce,
                         const lw_join_accept *ja, uint8_t *out, size_t cap)
{
    if (!nwk_key || !ja || !out)
        return -1;
    bool opt_neg = ja->dl_settings & OPT_NEG;
    size_t total = JA_LEN + (ja->has_cflist ? CFLIST_SZ : 0);
    if (total > cap || (opt_neg && !js_int_key))
        return -1;
    /* MHDR | JoinNonce 3 | NetID 3 | DevAddr 4 | DLSettings | RxDelay | [CFList] | MIC */
    uint8_t p[JA_LEN + CFLIST_SZ];
    p[0] = LW_JOIN_ACCEPT << 5;
    lw_put_le24(p + 1, ja->join_nonce);
    lw_put_le24(p + 4, ja->net_id);
    lw_put_le32(p + 7, ja->dev_addr);
    p[11] = ja->dl_settings;
    p[12] = ja->rx_delay;
    if (ja->has_cflist)
        memcpy(p + 13, ja->cflist, CFLIST_SZ);
    int rc = join_accept_mic(opt_neg ? js_int_key : nwk_key, opt_neg, join_req_type, join_eui,
                             dev_nonce, p, total - MIC_LEN, p + total - MIC_LEN);
    /* §6.2.5: the server encrypts with aes128_decrypt so the device only needs AES encrypt */
    out[0] = p[0];
    if (rc == 0)
        rc = lw_aes_ecb(nwk_key, true, p + 1, out + 1, total - 1);
    lw_wipe(p, sizeof p);
    return rc == 0 ? (int)total : -1;
}

int lw_join_accept_decrypt(const uint8_t key[LW_KEY_LEN], const uint8_t *in, size_t len,
                           uint8_t *out)
{
    if (!key || !in || !out || (len != JA_LEN && len != JA_LEN + CFLIST_SZ))
        return -1;
    out[0] = in[0];
    return lw_aes_ecb(key, false, in + 1, out + 1, len - 1);
}

bool lw_join_accept_mic_ok(const uint8_t key[LW_KEY_LEN], bool opt_neg, uint8_t join_req_type,
                           uint64_t join_eui, uint16_t dev_nonce, const uint8_t *plain, size_t len)
{
    if (!key || !plain || (len != JA_LEN && len != JA_LEN + CFLIST_SZ))
        return false;
    uint8_t mic[MIC_LEN];
    return join_accept_mic(key, opt_neg, join_req_type, join_eui, dev_nonce, plain, len - MIC_LEN,
                           mic) == 0 &&
           lw_equal(mic, plain + len - MIC_LEN, MIC_LEN);
}

/* ---- key derivation ---- */

/* aes128_encrypt(root, block) into out, wiping the block. */
static int derive(const uint8_t root[LW_KEY_LEN], uint8_t block[LW_BLOCK], uint8_t out[LW_KEY_LEN])
{
    int rc = lw_aes_ecb(root, false, block, out, LW_BLOCK);
    lw_wipe(block, LW_BLOCK);
    return rc;
}

/* 1.0.4 §6.2.5: aes128_encrypt(AppKey, tag | AppNonce | NetID | DevNonce | pad16) */
static int derive_10(const uint8_t app_key[LW_KEY_LEN], uint8_t tag, uint32_t join_nonce,
                     uint32_t net_id, uint16_t dev_nonce, uint8_t out[LW_KEY_LEN])
{
    uint8_t b[LW_BLOCK] = {tag};
    lw_put_le24(b + 1, join_nonce);
    lw_put_le24(b + 4, net_id);
    lw_put_le16(b + 7, dev_nonce);
    return derive(app_key, b, out);
}

/* 1.1 §6.2.2: aes128_encrypt(root, tag | JoinNonce | JoinEUI | DevNonce | pad16) */
static int derive_11(const uint8_t root[LW_KEY_LEN], uint8_t tag, uint32_t join_nonce,
                     uint64_t join_eui, uint16_t dev_nonce, uint8_t out[LW_KEY_LEN])
{
    uint8_t b[LW_BLOCK] = {tag};
    lw_put_le24(b + 1, join_nonce);
    lw_put_le64(b + 4, join_eui);
    lw_put_le16(b + 12, dev_nonce);
    return derive(root, b, out);
}

int lw_session_derive_10(const uint8_t app_key[LW_KEY_LEN], uint32_t join_nonce, uint32_t net_id,
                         uint16_t dev_nonce, uint32_t dev_addr, lw_session *s)
{
    if (!app_key || !s)
        return -1;
    memset(s, 0, sizeof *s);
    s->dev_addr = dev_addr;
    if (derive_10(app_key, 0x01, join_nonce, net_id, dev_nonce, s->f_nwk_s_int) != 0 ||
        derive_10(app_key, 0x02, join_nonce, net_id, dev_nonce, s->app_s) != 0) {
        lw_wipe(s, sizeof *s);
        return -1;
    }
    memcpy(s->s_nwk_s_int, s->f_nwk_s_int, LW_KEY_LEN);
    memcpy(s->nwk_s_enc, s->f_nwk_s_int, LW_KEY_LEN);
    return 0;
}

int lw_session_derive_11(const uint8_t nwk_key[LW_KEY_LEN], const uint8_t app_key[LW_KEY_LEN],
                         uint32_t join_nonce, uint64_t join_eui, uint16_t dev_nonce,
                         uint32_t dev_addr, lw_session *s)
{
    if (!nwk_key || !app_key || !s)
        return -1;
    memset(s, 0, sizeof *s);
    s->dev_addr = dev_addr;
    s->v11 = true;
    if (derive_11(nwk_key, 0x01, join_nonce, join_eui, dev_nonce, s->f_nwk_s_int) != 0 ||
        derive_11(nwk_key, 0x03, join_nonce, join_eui, dev_nonce, s->s_nwk_s_int) != 0 ||
        derive_11(nwk_key, 0x04, join_nonce, join_eui, dev_nonce, s->nwk_s_enc) != 0 ||
        derive_11(app_key, 0x02, join_nonce, join_eui, dev_nonce, s->app_s) != 0) {
        lw_wipe(s, sizeof *s);
        return -1;
    }
    return 0;
}

int lw_js_keys_derive(const uint8_t nwk_key[LW_KEY_LEN], uint64_t dev_eui,
                      uint8_t js_int_key[LW_KEY_LEN], uint8_t js_enc_key[LW_KEY_LEN])
{
    if (!nwk_key || !js_int_key || !js_enc_key)
        return -1;
    /* 1.1 §6.2.2: aes128_encrypt(NwkKey, 0x06 / 0x05 | DevEUI | pad16) */
    uint8_t b[LW_BLOCK] = {0x06};
    lw_put_le64(b + 1, dev_eui);
    if (derive(nwk_key, b, js_int_key) != 0)
        return -1;
    b[0] = 0x05;
    lw_put_le64(b + 1, dev_eui);
    return derive(nwk_key, b, js_enc_key);
}
