/* LoRaWAN frames and crypto, with no I/O: PHYPayload decode/encode for every MType, MICs,
 * FRMPayload and FOpts encryption, join-request / join-accept, session-key derivation for
 * LoRaWAN 1.0.x and 1.1, RFC 3394 key wrap and 32-bit FCnt reconstruction. AES comes from
 * OpenSSL (CMAC is built on it). Every function is pure and thread-safe; none allocates for
 * the caller (each thread keeps a cached OpenSSL AES context, made on its first call and
 * freed when the thread exits).
 *
 * Byte order: EUIs and DevAddr are held as integers in the order they are written in hex
 * ("0004A30B001C0530" == 0x0004A30B001C0530); on air they are little-endian, which these
 * functions handle. Keys are 16 bytes in the order they are written in hex.
 *
 * Naming: 1.0.x has NwkSKey and AppSKey; 1.1 has FNwkSIntKey, SNwkSIntKey, NwkSEncKey and
 * AppSKey. A 1.0.x session is held in the 1.1 shape with all three network keys = NwkSKey. */
#ifndef LYREBIRD_LORAWAN_H
#define LYREBIRD_LORAWAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LW_KEY_LEN   16
#define LW_MAX_PHY   255 /* the largest PHYPayload any region allows */
#define LW_MAX_FOPTS 15
#define LW_ERRLEN    128

enum lw_mtype {
    LW_JOIN_REQUEST = 0,
    LW_JOIN_ACCEPT = 1,
    LW_UNCONFIRMED_UP = 2,
    LW_UNCONFIRMED_DOWN = 3,
    LW_CONFIRMED_UP = 4,
    LW_CONFIRMED_DOWN = 5,
    LW_REJOIN_REQUEST = 6,
    LW_PROPRIETARY = 7,
};

enum lw_dir { LW_UP = 0, LW_DOWN = 1 };

/* The MAC versions this library speaks. */
enum lw_version { LW_V1_0_0, LW_V1_0_1, LW_V1_0_2, LW_V1_0_3, LW_V1_0_4, LW_V1_1 };

/* "1.0.3" -> LW_V1_0_3; -1 when unknown. lw_version_name is the reverse (NULL when unknown). */
int lw_version_parse(const char *s);
const char *lw_version_name(int v);

/* The keys of one session. For 1.0.x, f_nwk_s_int = s_nwk_s_int = nwk_s_enc = NwkSKey. */
typedef struct lw_session {
    uint32_t dev_addr;
    uint8_t f_nwk_s_int[LW_KEY_LEN];
    uint8_t s_nwk_s_int[LW_KEY_LEN];
    uint8_t nwk_s_enc[LW_KEY_LEN];
    uint8_t app_s[LW_KEY_LEN];
    bool v11; /* LoRaWAN 1.1 session (1.1 MICs and FOpts encryption) */
} lw_session;

/* A decoded PHYPayload. Pointers point into the buffer given to lw_frame_decode, which must
 * outlive the frame. Which members are set depends on mtype. */
typedef struct lw_frame {
    uint8_t mtype; /* enum lw_mtype */
    uint8_t major; /* 0 = LoRaWAN R1 */
    uint8_t mic[4];

    /* data frames (mtype 2..5) */
    uint32_t dev_addr;
    bool adr, adr_ack_req, ack, fpending; /* fpending is ClassB on uplinks */
    uint16_t fcnt16;
    uint8_t fopts_len;
    const uint8_t *fopts; /* fopts_len bytes, still encrypted in 1.1 */
    int fport;            /* -1 when absent */
    const uint8_t *frm_payload;
    size_t frm_len;

    /* join-request (0) and rejoin-request (6) */
    uint64_t join_eui, dev_eui;
    uint16_t dev_nonce;
    uint8_t rejoin_type; /* 0, 1 or 2 */
    uint32_t net_id;     /* rejoin 0/2 */
    uint16_t rj_count;

    /* join-accept (1): only after lw_join_accept_decrypt */
    uint32_t join_nonce; /* 24 bits (AppNonce in 1.0) */
    uint8_t dl_settings; /* bit 7 OptNeg, bits 6..4 RX1DROffset, 3..0 RX2DataRate */
    uint8_t rx_delay;
    bool has_cflist;
    uint8_t cflist[16];

    /* proprietary (7): the bytes between MHDR and MIC */
    const uint8_t *raw; /* the whole PHYPayload */
    size_t raw_len;
} lw_frame;

/* Decodes a PHYPayload. A join-accept must be given decrypted (lw_join_accept_decrypt).
 * Returns 0, or -1 with err (LW_ERRLEN) saying what is wrong (length, MType, major, FOpts
 * length, ...). Checks no MIC. */
int lw_frame_decode(const uint8_t *buf, size_t len, lw_frame *f, char *err, size_t errlen);

/* ---- crypto primitives ---- */

/* AES-CMAC (RFC 4493) of data under key into out[16]. 0 or -1. */
int lw_cmac(const uint8_t key[LW_KEY_LEN], const uint8_t *data, size_t len, uint8_t out[16]);
/* AES-128 ECB of one block. 0 or -1. */
int lw_aes_encrypt(const uint8_t key[LW_KEY_LEN], const uint8_t in[16], uint8_t out[16]);
int lw_aes_decrypt(const uint8_t key[LW_KEY_LEN], const uint8_t in[16], uint8_t out[16]);

/* RFC 3394 AES key wrap of a 16-byte key under a KEK of kek_len 16, 24 or 32 bytes:
 * out gets 24 bytes. unwrap checks the integrity value. 0 or -1. */
int lw_key_wrap(const uint8_t *kek, size_t kek_len, const uint8_t key[LW_KEY_LEN], uint8_t out[24]);
int lw_key_unwrap(const uint8_t *kek, size_t kek_len, const uint8_t in[24],
                  uint8_t key[LW_KEY_LEN]);

/* ---- data frames ---- */

/* What to put in a data frame (lw_data_build). fcnt is the full 32-bit counter. */
typedef struct lw_data {
    uint8_t mtype; /* LW_UNCONFIRMED_UP/DOWN or LW_CONFIRMED_UP/DOWN */
    bool adr, adr_ack_req, ack, fpending;
    uint32_t fcnt;
    const uint8_t *fopts; /* plaintext MAC commands, at most 15 bytes */
    uint8_t fopts_len;
    int fport;              /* -1: no FPort and no FRMPayload */
    const uint8_t *payload; /* plaintext FRMPayload (for FPort 0: MAC commands) */
    size_t len;
    /* 1.1 only: */
    uint32_t conf_fcnt;   /* with ack set: uplink: AFCntDown/NFCntDown of the confirmed
                             downlink this ACKs; downlink: FCntUp of the confirmed uplink */
    uint8_t tx_dr, tx_ch; /* uplink: data rate and channel index it is sent on */
} lw_data;

/* Builds a whole data PHYPayload: encrypts FRMPayload (AppSKey, or NwkSEncKey for FPort 0),
 * in 1.1 encrypts FOpts (NwkSEncKey), computes the MIC (1.0: NwkSKey; 1.1 uplink: the two
 * halves from SNwkSIntKey and FNwkSIntKey; 1.1 downlink: SNwkSIntKey with ConfFCnt).
 * In 1.1 a downlink uses the AFCntDown/NFCntDown given in fcnt as is. Writes at most cap
 * bytes into out and returns the length, or -1 (too long, fopts with FPort 0, ...). */
int lw_data_build(const lw_session *s, const lw_data *d, uint8_t *out, size_t cap);

/* MIC of a decoded data frame f for the 32-bit counter fcnt, computed as lw_data_build would
 * (dir from f->mtype; conf_fcnt, tx_dr and tx_ch as in lw_data, 1.1 only). 0 or -1. */
int lw_data_mic(const lw_session *s, const lw_frame *f, uint32_t fcnt, uint32_t conf_fcnt,
                uint8_t tx_dr, uint8_t tx_ch, uint8_t mic[4]);

/* True when f's MIC matches lw_data_mic (constant-time compare): all four bytes. */
bool lw_data_mic_ok(const lw_session *s, const lw_frame *f, uint32_t fcnt, uint32_t conf_fcnt,
                    uint8_t tx_dr, uint8_t tx_ch);

/* For a 1.1 uplink, true when the FNwkSIntKey half of f's MIC (bytes 2..3) matches: what a NS
 * can check before knowing ConfFCnt, TxDr and TxCh. For other frames it is lw_data_mic_ok
 * with conf_fcnt, tx_dr and tx_ch 0. */
bool lw_data_mic_f_ok(const lw_session *s, const lw_frame *f, uint32_t fcnt);

/* Decrypts (or encrypts: the same operation) FRMPayload in → out (may be the same buffer)
 * with key for dev_addr, direction and 32-bit fcnt (LoRaWAN 1.0.4 §4.3.3). 0 or -1. */
int lw_frm_crypt(const uint8_t key[LW_KEY_LEN], enum lw_dir dir, uint32_t dev_addr, uint32_t fcnt,
                 const uint8_t *in, size_t len, uint8_t *out);

/* 1.1 FOpts decryption/encryption with NwkSEncKey (LoRaWAN 1.1 §4.3.1.6 and its errata:
 * byte 4 of block A is 0x01 for uplinks and NFCntDown, 0x02 for AFCntDown, and byte 15 is
 * 0x01). afcnt_down is ignored for uplinks. len <= 15. */
int lw_fopts_crypt(const uint8_t nwk_s_enc[LW_KEY_LEN], enum lw_dir dir, bool afcnt_down,
                   uint32_t dev_addr, uint32_t fcnt, const uint8_t *in, size_t len, uint8_t *out);

/* The 32-bit counter nearest at or above `last` whose low 16 bits are fcnt16: the value a
 * frame with FCnt fcnt16 has after the last accepted counter `last` (LoRaWAN 1.0.4 §4.3.1.5);
 * `last` itself for a retransmission. With has_last false (no frame yet) it is fcnt16. */
uint32_t lw_fcnt_full(uint32_t last, bool has_last, uint16_t fcnt16);

/* ---- joins ---- */

/* Builds a join-request (23 bytes into out) with its MIC under nwk_key (AppKey in 1.0).
 * 0 or -1. */
int lw_join_request_build(const uint8_t nwk_key[LW_KEY_LEN], uint64_t join_eui, uint64_t dev_eui,
                          uint16_t dev_nonce, uint8_t out[23]);

/* MIC check of a decoded join-request under nwk_key (AppKey in 1.0). A decoded
 * rejoin-request is checked the same way (SNwkSIntKey for types 0 and 2, JSIntKey for 1). */
bool lw_join_request_mic_ok(const uint8_t nwk_key[LW_KEY_LEN], const lw_frame *f);

/* What goes in a join-accept. */
typedef struct lw_join_accept {
    uint32_t join_nonce; /* 24 bits */
    uint32_t net_id;     /* 24 bits */
    uint32_t dev_addr;
    uint8_t dl_settings; /* OptNeg (bit 7) is set for a 1.1 device answering a 1.1 request */
    uint8_t rx_delay;    /* 0 means 1 s */
    bool has_cflist;
    uint8_t cflist[16];
} lw_join_accept;

/* Builds the encrypted join-accept PHYPayload (17 or 33 bytes) into out and returns its
 * length, or -1. 1.0 (OptNeg clear): MIC under NwkKey (= AppKey), encrypted under it.
 * 1.1 (OptNeg set): MIC under JSIntKey over JoinReqType|JoinEUI|DevNonce|MHDR|...,
 * encrypted under NwkKey (join_req_type 0xFF for a join-request). */
int lw_join_accept_build(const uint8_t nwk_key[LW_KEY_LEN], const uint8_t js_int_key[LW_KEY_LEN],
                         uint8_t join_req_type, uint64_t join_eui, uint16_t dev_nonce,
                         const lw_join_accept *ja, uint8_t *out, size_t cap);

/* Decrypts a received join-accept PHYPayload (as a device does) under key (NwkKey), into
 * out (same length), so lw_frame_decode can read it. 0 or -1. */
int lw_join_accept_decrypt(const uint8_t key[LW_KEY_LEN], const uint8_t *in, size_t len,
                           uint8_t *out);

/* Checks a decrypted join-accept's MIC as a device would (1.0: key = NwkKey; 1.1 with
 * OptNeg: key = JSIntKey with join_req_type, join_eui and dev_nonce). */
bool lw_join_accept_mic_ok(const uint8_t key[LW_KEY_LEN], bool opt_neg, uint8_t join_req_type,
                           uint64_t join_eui, uint16_t dev_nonce, const uint8_t *plain, size_t len);

/* Session keys after a join. 1.0.x (LoRaWAN 1.0.4 §6.2.5): NwkSKey and AppSKey from AppKey,
 * AppNonce (join_nonce), NetID and DevNonce. 1.1 (§6.2.2, OptNeg set): FNwkSIntKey,
 * SNwkSIntKey, NwkSEncKey from NwkKey and AppSKey from AppKey with JoinNonce, JoinEUI and
 * DevNonce. dev_addr is copied into s. 0 or -1. */
int lw_session_derive_10(const uint8_t app_key[LW_KEY_LEN], uint32_t join_nonce, uint32_t net_id,
                         uint16_t dev_nonce, uint32_t dev_addr, lw_session *s);
int lw_session_derive_11(const uint8_t nwk_key[LW_KEY_LEN], const uint8_t app_key[LW_KEY_LEN],
                         uint32_t join_nonce, uint64_t join_eui, uint16_t dev_nonce,
                         uint32_t dev_addr, lw_session *s);

/* 1.1 JSIntKey and JSEncKey from NwkKey and DevEUI (§6.2.2). 0 or -1. */
int lw_js_keys_derive(const uint8_t nwk_key[LW_KEY_LEN], uint64_t dev_eui,
                      uint8_t js_int_key[LW_KEY_LEN], uint8_t js_enc_key[LW_KEY_LEN]);

/* ---- MAC commands (FOpts / FPort 0) ---- */

/* CIDs the network server answers or sends (LoRaWAN 1.0.4 §5). */
enum lw_cid {
    LW_CID_RESET = 0x01,
    LW_CID_LINK_CHECK = 0x02,
    LW_CID_LINK_ADR = 0x03,
    LW_CID_DUTY_CYCLE = 0x04,
    LW_CID_RX_PARAM_SETUP = 0x05,
    LW_CID_DEV_STATUS = 0x06,
    LW_CID_NEW_CHANNEL = 0x07,
    LW_CID_RX_TIMING_SETUP = 0x08,
    LW_CID_TX_PARAM_SETUP = 0x09,
    LW_CID_DL_CHANNEL = 0x0A,
    LW_CID_REKEY = 0x0B,
    LW_CID_ADR_PARAM_SETUP = 0x0C,
    LW_CID_DEVICE_TIME = 0x0D,
    LW_CID_FORCE_REJOIN = 0x0E,
    LW_CID_REJOIN_PARAM_SETUP = 0x0F,
};

/* One MAC command found in uplink FOpts/FRMPayload: cid and its payload bytes. */
typedef struct lw_mac_cmd {
    uint8_t cid;
    uint8_t len;
    const uint8_t *payload;
} lw_mac_cmd;

/* Splits uplink MAC commands (device → network) into cmds (at most max); returns how many,
 * or -1 with err when an unknown CID or a truncated command makes the rest unreadable. */
int lw_mac_parse_up(const uint8_t *buf, size_t len, lw_mac_cmd *cmds, size_t max, char *err,
                    size_t errlen);

#endif
