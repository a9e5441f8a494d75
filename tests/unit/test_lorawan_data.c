/* Unit tests of data frames (adapters/lora/lorawan/data.c): whole uplinks and downlinks built
 * and decoded byte for byte against frames published by other LoRaWAN stacks (cited where
 * used), 1.0 and 1.1 MICs, FRMPayload and 1.1 FOpts encryption, and 32-bit FCnt
 * reconstruction. */
#include "lorawan.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hex.h"

#include <stdio.h>
#include <string.h>

static void key(const char *s, uint8_t k[LW_KEY_LEN])
{
    assert_int_equal(test_hex(s, k, LW_KEY_LEN), LW_KEY_LEN);
}

/* A 1.0 session: one network key for all three roles. */
static lw_session session_10(uint32_t dev_addr, const char *nwk_s_key, const char *app_s_key)
{
    lw_session s = {.dev_addr = dev_addr};
    key(nwk_s_key, s.f_nwk_s_int);
    key(nwk_s_key, s.s_nwk_s_int);
    key(nwk_s_key, s.nwk_s_enc);
    key(app_s_key, s.app_s);
    return s;
}

/* Builds d under s and checks it equals the published frame want_hex. */
static void check_build(const lw_session *s, const lw_data *d, const char *want_hex)
{
    uint8_t want[LW_MAX_PHY], out[LW_MAX_PHY];
    size_t n = test_hex(want_hex, want, sizeof want);
    assert_int_equal(lw_data_build(s, d, out, sizeof out), (int)n);
    assert_memory_equal(out, want, n);
}

/* Decodes the published frame into f (b must outlive f). */
static size_t decode(const char *frame_hex, uint8_t *b, size_t cap, lw_frame *f)
{
    char err[LW_ERRLEN];
    size_t n = test_hex(frame_hex, b, cap);
    assert_int_equal(lw_frame_decode(b, n, f, err, sizeof err), 0);
    return n;
}

/* ---- LoRaWAN 1.0 ---- */

/* anthonykirby/lora-packet __tests__/decrypt_test.ts and mic_test.ts: an uplink from DevAddr
 * 49BE7DF1 whose FRMPayload is "test"; packet_test.ts "should calculate MIC if keys provided"
 * builds the same bytes. */
static void test_10_uplink_decode_mic_decrypt_lora_packet(void **state)
{
    static const char *const frame = "40F17DBE4900020001954378762B11FF0D";
    lw_session s = session_10(0x49BE7DF1, "44024241ed4ce9a68c6a8bc055233fd3",
                              "ec925802ae430ca77fd3dd73cb2cc588");
    uint8_t b[64], plain[16];
    lw_frame f;
    decode(frame, b, sizeof b, &f);
    assert_int_equal(f.mtype, LW_UNCONFIRMED_UP);
    assert_int_equal(f.dev_addr, 0x49BE7DF1);
    assert_int_equal(f.fcnt16, 2);
    assert_int_equal(f.fport, 1);
    assert_int_equal(f.frm_len, 4);
    assert_true(lw_data_mic_ok(&s, &f, 2, 0, 0, 0));
    assert_true(lw_data_mic_f_ok(&s, &f, 2));
    assert_false(lw_data_mic_ok(&s, &f, 0x10002, 0, 0, 0)); /* another 32-bit counter */
    assert_int_equal(lw_frm_crypt(s.app_s, LW_UP, f.dev_addr, 2, f.frm_payload, f.frm_len, plain),
                     0);
    assert_memory_equal(plain, "test", 4);

    lw_data d = {.mtype = LW_UNCONFIRMED_UP,
                 .fcnt = 2,
                 .fport = 1,
                 .payload = (const uint8_t *)"test",
                 .len = 4};
    check_build(&s, &d, frame);
}

/* anthonykirby/lora-packet __tests__/mic_test.ts: FCnt 3 with FPort and no FRMPayload, and the
 * same frame with a bodged MIC; decrypt_test.ts "should decrypt large payload" (3 blocks). */
static void test_10_uplink_more_lora_packet(void **state)
{
    lw_session s = session_10(0x49BE7DF1, "44024241ed4ce9a68c6a8bc055233fd3",
                              "ec925802ae430ca77fd3dd73cb2cc588");
    uint8_t b[128], plain[64];
    lw_frame f;
    decode("40F17DBE49000300012A3518AF", b, sizeof b, &f);
    assert_int_equal(f.fport, 1);
    assert_int_equal(f.frm_len, 0);
    assert_true(lw_data_mic_ok(&s, &f, 3, 0, 0, 0));
    decode("40F17DBE49000300012A3518AA", b, sizeof b, &f);
    assert_false(lw_data_mic_ok(&s, &f, 3, 0, 0, 0));

    static const char fox[] = "The quick brown fox jumps over the lazy dog.";
    decode("40f17dbe490004000155332de41a11adc072553544429ce7787707d1c316e027e7e5e334263376affb8a"
           "a17ad30075293f28dea8a20af3c5e7",
           b, sizeof b, &f);
    assert_int_equal(f.frm_len, sizeof fox - 1);
    assert_int_equal(lw_frm_crypt(s.app_s, LW_UP, f.dev_addr, 4, f.frm_payload, f.frm_len, plain),
                     0);
    assert_memory_equal(plain, fox, sizeof fox - 1);
}

/* anthonykirby/lora-packet __tests__/mic_test.ts "correct data packet MIC for ACK": an
 * unconfirmed downlink that ACKs, FCnt 2, FPort 1 and no FRMPayload, built byte for byte. */
static void test_10_downlink_build_lora_packet(void **state)
{
    static const char *const frame = "60f17dbe4920020001f9d65d27";
    lw_session s = session_10(0x49BE7DF1, "44024241ed4ce9a68c6a8bc055233fd3",
                              "ec925802ae430ca77fd3dd73cb2cc588");
    lw_data d = {.mtype = LW_UNCONFIRMED_DOWN, .ack = true, .fcnt = 2, .fport = 1};
    check_build(&s, &d, frame);
    uint8_t b[32];
    lw_frame f;
    decode(frame, b, sizeof b, &f);
    assert_true(f.ack);
    assert_true(lw_data_mic_ok(&s, &f, 2, 0, 0, 0));
}

/* brocaar/lorawan phypayload_test.go TestPHYPayloadMACPayloadLoRaWAN10, its three frames:
 * FRMPayload "hello" with ADR; MAC commands (LinkCheckReq, LinkADRAns 0x05) in FOpts; the
 * same commands in FRMPayload with FPort 0 (encrypted with the network key). */
static void test_10_uplinks_brocaar(void **state)
{
    uint8_t b[64], plain[16];
    lw_frame f;
    lw_session s = session_10(0x01020304, "02020202020202020202020202020202",
                              "01010101010101010101010101010101");
    lw_data d = {.mtype = LW_UNCONFIRMED_UP,
                 .adr = true,
                 .fcnt = 1,
                 .fport = 1,
                 .payload = (const uint8_t *)"hello",
                 .len = 5};
    check_build(&s, &d, "400403020180010001a694642615d6c3b582");
    decode("400403020180010001a694642615d6c3b582", b, sizeof b, &f);
    assert_true(f.adr);
    assert_true(lw_data_mic_ok(&s, &f, 1, 0, 0, 0));

    static const uint8_t macs[] = {0x02, 0x03, 0x05};
    s = session_10(0x01020304, "01010101010101010101010101010101",
                   "01010101010101010101010101010101");
    d = (lw_data){.mtype = LW_UNCONFIRMED_UP,
                  .fopts = macs,
                  .fopts_len = 3,
                  .fport = 1,
                  .payload = (const uint8_t[]){1, 2, 3, 4},
                  .len = 4};
    check_build(&s, &d, "4004030201030000020305016a3798f5b64dc039");
    decode("4004030201030000020305016a3798f5b64dc039", b, sizeof b, &f);
    assert_int_equal(f.fopts_len, 3);
    assert_memory_equal(f.fopts, macs, 3);
    assert_true(lw_data_mic_ok(&s, &f, 0, 0, 0, 0));

    d = (lw_data){.mtype = LW_UNCONFIRMED_UP, .fport = 0, .payload = macs, .len = 3};
    check_build(&s, &d, "40040302010000000069369eee6aa508");
    decode("40040302010000000069369eee6aa508", b, sizeof b, &f);
    assert_int_equal(f.fport, 0);
    assert_int_equal(
        lw_frm_crypt(s.nwk_s_enc, LW_UP, f.dev_addr, 0, f.frm_payload, f.frm_len, plain), 0);
    assert_memory_equal(plain, macs, 3);
}

/* chirpstack/chirpstack lrwn/src/phy_payload.rs "LoRaWAN 1.0.x confirmed uplink example"
 * (also brocaar/lorawan ExamplePHYPayload_lorawan10Encode): DevStatusAns in FOpts, FPort 10. */
static void test_10_confirmed_uplink_chirpstack(void **state)
{
    lw_session s = session_10(0x01020304, "0102030405060708090a0b0c0d0e0f10",
                              "100f0e0d0c0b0a090807060504030201");
    lw_data d = {.mtype = LW_CONFIRMED_UP,
                 .fopts = (const uint8_t[]){0x06, 0x73, 0x07},
                 .fopts_len = 3,
                 .fport = 10,
                 .payload = (const uint8_t[]){1, 2, 3, 4},
                 .len = 4};
    check_build(&s, &d, "80040302010300000673070ae264d4f7e117d2c0");
}

/* TheThingsNetwork/lorawan-stack pkg/crypto/data_messages_test.go: TestUplinkDownlinkEncryption
 * (FRMPayload 01020304, key 01..01, DevAddr 01020304, FCnt 1) and TestUplinkDownlinkMIC
 * (legacy uplink MIC 3b073182; 1.1 uplink MIC with every key 01..01: 3b073b07). */
static void test_encryption_and_mic_tts(void **state)
{
    uint8_t k[16], out[4], want[4];
    memset(k, 0x01, sizeof k);
    static const uint8_t pt[] = {1, 2, 3, 4};
    assert_int_equal(lw_frm_crypt(k, LW_UP, 0x01020304, 1, pt, 4, out), 0);
    test_hex("CFF30B4E", want, sizeof want);
    assert_memory_equal(out, want, 4);
    assert_int_equal(lw_frm_crypt(k, LW_DOWN, 0x01020304, 1, pt, 4, out), 0);
    test_hex("4E75F440", want, sizeof want);
    assert_memory_equal(out, want, 4);

    uint8_t b[32], mic[4];
    lw_frame f;
    decode("40 04030201 00 0100 01 01020304 00000000", b, sizeof b, &f);
    lw_session s = session_10(0x01020304, "01010101010101010101010101010101",
                              "01010101010101010101010101010101");
    assert_int_equal(lw_data_mic(&s, &f, 1, 0, 0, 0, mic), 0);
    test_hex("3B073182", want, sizeof want);
    assert_memory_equal(mic, want, 4);
    s.v11 = true;
    assert_int_equal(lw_data_mic(&s, &f, 1, 0, 0, 0, mic), 0);
    test_hex("3B073B07", want, sizeof want);
    assert_memory_equal(mic, want, 4);
}

/* ---- LoRaWAN 1.1 ---- */

/* The keys of brocaar/lorawan TestPHYPayloadMACPayloadLoRaWAN11 (and lora-packet
 * __tests__/packet_test.ts "Lorawan11" cases, which reuse them). */
static lw_session session_11_brocaar(void)
{
    lw_session s = {.dev_addr = 0x01020304, .v11 = true};
    key("02020202020202020202020202020202", s.s_nwk_s_int);
    key("02020202020202020202020202020203", s.f_nwk_s_int);
    key("02020202020202020202020202020204", s.nwk_s_enc);
    key("01010101010101010101010101010101", s.app_s);
    return s;
}

/* brocaar/lorawan TestPHYPayloadMACPayloadLoRaWAN11 "FRMPayload data" and "FRMPayload data
 * with ACK": ConfFCnt 1, TxDr 2, TxCh 3; ConfFCnt only counts when ACK is set. */
static void test_11_uplink_mic_both_halves_brocaar(void **state)
{
    lw_session s = session_11_brocaar();
    lw_data d = {.mtype = LW_UNCONFIRMED_UP,
                 .adr = true,
                 .fcnt = 1,
                 .fport = 1,
                 .payload = (const uint8_t *)"hello",
                 .len = 5,
                 .conf_fcnt = 1,
                 .tx_dr = 2,
                 .tx_ch = 3};
    check_build(&s, &d, "400403020180010001a6946426157612366a");
    d.ack = true;
    check_build(&s, &d, "4004030201a0010001a694642615f842c4b9");

    uint8_t b[32];
    lw_frame f;
    decode("4004030201a0010001a694642615f842c4b9", b, sizeof b, &f);
    assert_true(lw_data_mic_ok(&s, &f, 1, 1, 2, 3));
    assert_false(lw_data_mic_ok(&s, &f, 1, 0, 2, 3)); /* ConfFCnt is in B1 */
    assert_false(lw_data_mic_ok(&s, &f, 1, 1, 3, 3)); /* so is TxDr */
    assert_false(lw_data_mic_ok(&s, &f, 1, 1, 2, 4)); /* and TxCh */
    /* the FNwkSIntKey half needs none of them, but does need FNwkSIntKey */
    assert_true(lw_data_mic_f_ok(&s, &f, 1));
    s.f_nwk_s_int[0] ^= 1;
    assert_false(lw_data_mic_f_ok(&s, &f, 1));
}

/* anthonykirby/lora-packet __tests__/packet_test.ts "Lorawan11 (5. Mac-commands in
 * FRMPayload)" (brocaar/lorawan issue #64): FPort 0 is encrypted with NwkSEncKey in 1.1. */
static void test_11_uplink_fport0_lora_packet(void **state)
{
    lw_session s = session_11_brocaar();
    static const uint8_t macs[] = {0x02, 0x03, 0x05};
    lw_data d = {
        .mtype = LW_UNCONFIRMED_UP, .fport = 0, .payload = macs, .len = 3, .tx_dr = 2, .tx_ch = 3};
    check_build(&s, &d, "400403020100000000f7ded3cc995ea7");
}

/* chirpstack/chirpstack lrwn/src/phy_payload.rs "LoRaWAN 1.1.x downlink with encrypted f_opts
 * example" (also brocaar/lorawan ExamplePHYPayload_lorawan11EncryptedFoptsEncode and
 * lora-packet __tests__/fopts_test.ts): LinkCheckAns in FOpts of a downlink with FPort 1, so
 * FOpts are encrypted with the AFCntDown flavour of block A (1.1 errata). */
static void test_11_fopts_afcntdown_chirpstack(void **state)
{
    static const char *const frame = "600403020103000022ac0a01f0b468ddaa5ed13a";
    lw_session s = {.dev_addr = 0x01020304, .v11 = true};
    key("01010101010101010101010101010100", s.s_nwk_s_int);
    key("01010101010101010101010101010200", s.nwk_s_enc);
    key("100f0e0d0c0b0a090807060504030201", s.app_s);
    static const uint8_t link_check_ans[] = {0x02, 0x07, 0x01};
    lw_data d = {.mtype = LW_UNCONFIRMED_DOWN,
                 .fopts = link_check_ans,
                 .fopts_len = 3,
                 .fport = 1,
                 .payload = (const uint8_t[]){1, 2, 3, 4},
                 .len = 4};
    check_build(&s, &d, frame);

    uint8_t b[32], plain[16];
    lw_frame f;
    decode(frame, b, sizeof b, &f);
    assert_true(lw_data_mic_ok(&s, &f, 0, 0, 0, 0));
    assert_int_equal(
        lw_fopts_crypt(s.nwk_s_enc, LW_DOWN, true, f.dev_addr, 0, f.fopts, f.fopts_len, plain), 0);
    assert_memory_equal(plain, link_check_ans, 3);
    /* the NFCntDown flavour gives other bytes */
    assert_int_equal(
        lw_fopts_crypt(s.nwk_s_enc, LW_DOWN, false, f.dev_addr, 0, f.fopts, f.fopts_len, plain), 0);
    assert_memory_not_equal(plain, link_check_ans, 3);
}

/* brocaar/lorawan TestPHYPayloadMACPayloadLoRaWAN11 "Mac-commands in FOpts (encrypted, using
 * NFCntDown)" (also lora-packet packet_test.ts "Lorawan11 (3. ...)"): no FPort. */
static void test_11_fopts_nfcntdown_brocaar(void **state)
{
    lw_session s = session_11_brocaar();
    lw_data d = {.mtype = LW_UNCONFIRMED_DOWN,
                 .fopts = (const uint8_t[]){0x02, 0x07, 0x01},
                 .fopts_len = 3,
                 .fport = -1,
                 .conf_fcnt = 1};
    check_build(&s, &d, "6004030201030000dfb4f1e24f1f9f");
}

/* 1.1 downlink with ConfFCnt. No stack publishes such a frame, so the expected MIC is made
 * here from LoRaWAN 1.1 §4.4.1 directly: aes128_cmac(SNwkSIntKey, B0 | msg)[0..3] with
 * B0 = 0x49 | ConfFCnt (2, LE) | 0x0000 | Dir 1 | DevAddr | AFCntDown | 0x00 | len(msg),
 * using lw_cmac (checked against RFC 4493). */
static void test_11_downlink_conf_fcnt(void **state)
{
    lw_session s = session_11_brocaar();
    lw_data d = {.mtype = LW_CONFIRMED_DOWN,
                 .ack = true,
                 .fcnt = 0x00020007,
                 .fport = 2,
                 .payload = (const uint8_t *)"hi",
                 .len = 2,
                 .conf_fcnt = 0x00012345};
    uint8_t out[64], block[64], tag[16];
    int n = lw_data_build(&s, &d, out, sizeof out);
    assert_int_equal(n, 1 + 7 + 1 + 2 + 4);
    uint8_t b0[16] = {0x49, 0x45, 0x23, 0,    0,    0x01, 0x04, 0x03,
                      0x02, 0x01, 0x07, 0x00, 0x02, 0x00, 0x00, (uint8_t)(n - 4)};
    memcpy(block, b0, 16);
    memcpy(block + 16, out, (size_t)n - 4);
    assert_int_equal(lw_cmac(s.s_nwk_s_int, block, 16 + (size_t)n - 4, tag), 0);
    assert_memory_equal(out + n - 4, tag, 4);

    lw_frame f;
    assert_int_equal(lw_frame_decode(out, (size_t)n, &f, NULL, 0), 0);
    assert_true(lw_data_mic_ok(&s, &f, 0x00020007, 0x00012345, 0, 0));
    assert_true(lw_data_mic_ok(&s, &f, 0x00020007, 0x00002345, 0, 0)); /* only 16 bits count */
    assert_false(lw_data_mic_ok(&s, &f, 0x00020007, 0x00002346, 0, 0));

    /* without ACK, or in 1.0, B0 carries no ConfFCnt (1.0.4 §4.4) */
    d.ack = false;
    n = lw_data_build(&s, &d, out, sizeof out);
    assert_int_equal(lw_frame_decode(out, (size_t)n, &f, NULL, 0), 0);
    assert_true(lw_data_mic_ok(&s, &f, 0x00020007, 0x9999, 0, 0));
    s.v11 = false;
    d.ack = true;
    n = lw_data_build(&s, &d, out, sizeof out);
    assert_int_equal(lw_frame_decode(out, (size_t)n, &f, NULL, 0), 0);
    assert_true(lw_data_mic_ok(&s, &f, 0x00020007, 0, 0, 0));
}

/* ---- FRMPayload encryption against LoRaWAN 1.0.4 §4.3.3, and argument checks ---- */

/* A reference for §4.3.3 built one block at a time from lw_aes_encrypt: S = aes128_encrypt(K,
 * A_1) | ... | aes128_encrypt(K, A_k), A_i = 0x01 | 0x00 x4 | Dir | DevAddr | FCnt | 0x00 | i. */
static void frm_reference(const uint8_t k[16], uint8_t dir, uint32_t addr, uint32_t fcnt,
                          const uint8_t *in, size_t len, uint8_t *out)
{
    for (size_t i = 0; i * 16 < len; i++) {
        uint8_t a[16] = {0x01, 0, 0, 0, 0, dir}, s[16];
        for (int j = 0; j < 4; j++) {
            a[6 + j] = (uint8_t)(addr >> (8 * j));
            a[10 + j] = (uint8_t)(fcnt >> (8 * j));
        }
        a[15] = (uint8_t)(i + 1);
        assert_int_equal(lw_aes_encrypt(k, a, s), 0);
        for (size_t j = 0; j < 16 && i * 16 + j < len; j++)
            out[i * 16 + j] = in[i * 16 + j] ^ s[j];
    }
}

static void test_frm_crypt_long_and_in_place(void **state)
{
    uint8_t k[16], in[1000], want[1000], buf[1000];
    for (size_t i = 0; i < sizeof in; i++)
        in[i] = (uint8_t)(i * 7 + 3);
    memset(k, 0x5a, sizeof k);
    frm_reference(k, LW_DOWN, 0x26011234, 0x00012345, in, sizeof in, want);
    memcpy(buf, in, sizeof buf);
    assert_int_equal(lw_frm_crypt(k, LW_DOWN, 0x26011234, 0x00012345, buf, sizeof buf, buf), 0);
    assert_memory_equal(buf, want, sizeof want);
    assert_int_equal(lw_frm_crypt(k, LW_DOWN, 0x26011234, 0x00012345, buf, sizeof buf, buf), 0);
    assert_memory_equal(buf, in, sizeof in);

    assert_int_equal(lw_frm_crypt(k, LW_UP, 1, 1, NULL, 0, NULL), 0);
    assert_int_equal(lw_frm_crypt(k, LW_UP, 1, 1, NULL, 4, buf), -1);
    assert_int_equal(lw_frm_crypt(k, LW_UP, 1, 1, buf, 255 * 16 + 1, buf), -1);
    assert_int_equal(lw_fopts_crypt(k, LW_UP, false, 1, 1, buf, 16, buf), -1);
}

static void test_data_build_rejects_bad_frames(void **state)
{
    lw_session s = session_11_brocaar();
    uint8_t out[LW_MAX_PHY], big[300] = {0};
    static const uint8_t mac[] = {0x02};
    lw_data d = {.mtype = LW_UNCONFIRMED_UP,
                 .fopts = mac,
                 .fopts_len = 1,
                 .fport = 0,
                 .payload = mac,
                 .len = 1};
    assert_int_equal(lw_data_build(&s, &d, out, sizeof out), -1); /* FOpts and FPort 0 */
    d = (lw_data){.mtype = LW_UNCONFIRMED_UP, .fport = -1, .payload = mac, .len = 1};
    assert_int_equal(lw_data_build(&s, &d, out, sizeof out), -1); /* payload, no FPort */
    d = (lw_data){.mtype = LW_UNCONFIRMED_UP, .fopts = big, .fopts_len = 16, .fport = -1};
    assert_int_equal(lw_data_build(&s, &d, out, sizeof out), -1); /* FOpts > 15 */
    d = (lw_data){.mtype = LW_JOIN_REQUEST, .fport = -1};
    assert_int_equal(lw_data_build(&s, &d, out, sizeof out), -1); /* not a data MType */
    d = (lw_data){.mtype = LW_UNCONFIRMED_UP, .fport = 1, .payload = big, .len = 243};
    assert_int_equal(lw_data_build(&s, &d, out, sizeof out), -1); /* 256 bytes */
    d.len = 242;
    assert_int_equal(lw_data_build(&s, &d, out, sizeof out), LW_MAX_PHY);
    assert_int_equal(lw_data_build(&s, &d, out, LW_MAX_PHY - 1), -1); /* cap */
    d = (lw_data){.mtype = LW_UNCONFIRMED_UP, .fport = 256};
    assert_int_equal(lw_data_build(&s, &d, out, sizeof out), -1);
}

/* ---- 32-bit frame counters, LoRaWAN 1.0.4 §4.3.1.5 ---- */

static void test_fcnt_full_rollover(void **state)
{
    assert_int_equal(lw_fcnt_full(0, false, 7), 7);           /* first frame */
    assert_int_equal(lw_fcnt_full(5, true, 6), 6);            /* next */
    assert_int_equal(lw_fcnt_full(5, true, 5), 5);            /* retransmission */
    assert_int_equal(lw_fcnt_full(5, true, 4), 0x10004);      /* behind: the next epoch */
    assert_int_equal(lw_fcnt_full(0xFFFF, true, 0), 0x10000); /* 16-bit rollover */
    assert_int_equal(lw_fcnt_full(0xFFF0, true, 0x0002), 0x10002);
    assert_int_equal(lw_fcnt_full(0x1FFFE, true, 0x0001), 0x20001);
    assert_int_equal(lw_fcnt_full(0x10005, true, 0x0100), 0x10100);
    assert_int_equal(lw_fcnt_full(0x12345678, true, 0x5678), 0x12345678);
    assert_int_equal(lw_fcnt_full(0xFFFFFFF0u, true, 0xFFF5), 0xFFFFFFF5u);
    assert_int_equal(lw_fcnt_full(0xFFFFFFF0u, true, 0x0001), 0x00000001); /* 32-bit wrap */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_10_uplink_decode_mic_decrypt_lora_packet),
        cmocka_unit_test(test_10_uplink_more_lora_packet),
        cmocka_unit_test(test_10_downlink_build_lora_packet),
        cmocka_unit_test(test_10_uplinks_brocaar),
        cmocka_unit_test(test_10_confirmed_uplink_chirpstack),
        cmocka_unit_test(test_encryption_and_mic_tts),
        cmocka_unit_test(test_11_uplink_mic_both_halves_brocaar),
        cmocka_unit_test(test_11_uplink_fport0_lora_packet),
        cmocka_unit_test(test_11_fopts_afcntdown_chirpstack),
        cmocka_unit_test(test_11_fopts_nfcntdown_brocaar),
        cmocka_unit_test(test_11_downlink_conf_fcnt),
        cmocka_unit_test(test_frm_crypt_long_and_in_place),
        cmocka_unit_test(test_data_build_rejects_bad_frames),
        cmocka_unit_test(test_fcnt_full_rollover),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
