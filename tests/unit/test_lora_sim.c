/* Unit tests of the simulator's device side (adapters/lora/sim/sim_device.c) and options
 * (sim_opts.c), checked against lb_lorawan and lb_lora_region: the uplinks it builds decode
 * and carry the right MIC (1.0 and 1.1), it takes join-accepts built by the library and
 * derives the library's session keys, it decrypts downlinks, it names RX windows right, and
 * the --key-seed formula gives fixed vectors (computed with `openssl enc -aes-128-ecb`). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sim.h"

#define T_UP 5000000ull /* the instant the tests' frames are "received", µs */

static void opts(sim_opts *o, const char *mac, bool otaa)
{
    sim_opts_defaults(o);
    o->mac = sim_mac_parse(mac);
    o->otaa = otaa;
    assert_non_null(o->region);
    assert_true(o->mac >= 0);
}

static void unhex(const char *hex, uint8_t *out, size_t n)
{
    assert_int_equal(sim_unhex(hex, out, n), 0);
}

static void assert_key(const uint8_t *key, const char *hex)
{
    char got[2 * LW_KEY_LEN + 1];
    sim_hex(key, LW_KEY_LEN, got);
    assert_string_equal(got, hex);
}

/* ---- the key formula ---- */

static void test_key_formula_is_stable(void **state)
{
    sim_keys k;
    uint8_t seed[LW_KEY_LEN];
    sim_opts o;
    opts(&o, "1.0.3", false);
    assert_int_equal(sim_keys_derive(o.key_seed, 0x0080000000000000ULL, &k), 0);
    assert_key(k.app_key, "2EE9433E4864D51798C81F2A11E1C0BB");
    assert_key(k.nwk_key, "62C8AD3B311E376C66957FA6A91CD15C");
    assert_key(k.f_nwk_s_int, "56DB357ACD8DE8941D925194AC8586C2");
    assert_key(k.app_s, "7EBFAC5BE34FF2B978736638382A7E38");
    assert_int_equal(sim_keys_derive(o.key_seed, 0x0080000000000005ULL, &k), 0);
    assert_key(k.s_nwk_s_int, "73E5C6BFA68727FF6777B3E78C7810A1");
    assert_key(k.nwk_s_enc, "1E11D757040A2F9E80F9C356CD3B6785");
    unhex("000102030405060708090A0B0C0D0E0F", seed, sizeof seed);
    assert_int_equal(sim_keys_derive(seed, 0x0080000000000005ULL, &k), 0);
    assert_key(k.app_key, "5AD8DA768A5F5A7C8B52EECC42011A69");
    assert_key(k.f_nwk_s_int, "D23E2D2E179A19B7CF451EC2BA5DF215");
    assert_key(k.app_s, "FF15C21444976F99FE3EF9B4B9AACF31");
}

static void test_abp_device_uses_formula_keys(void **state)
{
    sim_opts o;
    sim_device d;
    opts(&o, "1.0.3", false);
    assert_int_equal(sim_device_init(&d, &o, 0), 0);
    assert_int_equal(d.dev_eui, 0x0080000000000000ULL);
    assert_int_equal(d.s.dev_addr, 0x26000000);
    assert_false(d.s.v11);
    assert_key(d.s.f_nwk_s_int, "56DB357ACD8DE8941D925194AC8586C2");
    assert_key(d.s.s_nwk_s_int, "56DB357ACD8DE8941D925194AC8586C2"); /* 1.0: one NwkSKey */
    assert_key(d.s.nwk_s_enc, "56DB357ACD8DE8941D925194AC8586C2");
    assert_key(d.s.app_s, "7EBFAC5BE34FF2B978736638382A7E38");
    opts(&o, "1.1", false);
    assert_int_equal(sim_device_init(&d, &o, 5), 0);
    assert_true(d.s.v11);
    assert_int_equal(d.s.dev_addr, 0x26000005);
    assert_key(d.s.s_nwk_s_int, "73E5C6BFA68727FF6777B3E78C7810A1");
    assert_key(d.s.nwk_s_enc, "1E11D757040A2F9E80F9C356CD3B6785");
}

/* ---- uplinks ---- */

/* Builds d's next uplink and decodes it into f (buf must outlive f). */
static int uplink(sim_device *d, const sim_opts *o, uint8_t *buf, lw_frame *f, sim_radio *radio)
{
    char err[LW_ERRLEN];
    int n = sim_uplink_build(d, o, T_UP, buf, radio);
    assert_true(n > 0);
    assert_int_equal(lw_frame_decode(buf, (size_t)n, f, err, sizeof err), 0);
    return n;
}

static void test_uplink_10_decodes_with_mic_and_counter(void **state)
{
    sim_opts o;
    sim_device d;
    uint8_t buf[LW_MAX_PHY], plain[4];
    lw_frame f;
    sim_radio radio;
    opts(&o, "1.0.3", false);
    assert_int_equal(sim_device_init(&d, &o, 3), 0);
    for (uint32_t fcnt = 0; fcnt < 3; fcnt++) {
        uplink(&d, &o, buf, &f, &radio);
        assert_int_equal(f.mtype, LW_UNCONFIRMED_UP);
        assert_int_equal(f.dev_addr, 0x26000003);
        assert_int_equal(f.fcnt16, fcnt);
        assert_int_equal(f.fport, 10);
        assert_false(f.ack);
        assert_true(lw_data_mic_ok(&d.s, &f, fcnt, 0, 0, 0));
        assert_false(lw_data_mic_ok(&d.s, &f, fcnt + 1, 0, 0, 0));
        assert_int_equal(f.frm_len, 4); /* the default payload: FCnt, big-endian */
        lw_frm_crypt(d.s.app_s, LW_UP, f.dev_addr, fcnt, f.frm_payload, 4, plain);
        assert_memory_equal(plain, ((uint8_t[]){0, 0, 0, (uint8_t)fcnt}), 4);
        /* EU868: 868.1, 868.3, 868.5 MHz in turn, DR5 = SF7BW125 */
        assert_int_equal(radio.ch, fcnt % 3);
        assert_int_equal(radio.freq_hz, o.region->default_freqs_hz[fcnt % 3]);
        assert_int_equal(radio.dr, 5);
        assert_int_equal(radio.sf, 7);
        assert_int_equal(radio.bw_khz, 125);
    }
}

static void test_uplink_options_fcnt_payload_confirmed_bad_mic(void **state)
{
    sim_opts o;
    sim_device d;
    uint8_t buf[LW_MAX_PHY], plain[3];
    lw_frame f;
    sim_radio radio;
    opts(&o, "1.0.3", false);
    o.fcnt = 70000;
    o.confirmed = true;
    o.fport = 42;
    o.has_payload = true;
    o.payload_len = 3;
    memcpy(o.payload, "\x01\x02\x03", 3);
    assert_int_equal(sim_device_init(&d, &o, 0), 0);
    uplink(&d, &o, buf, &f, &radio);
    assert_int_equal(f.mtype, LW_CONFIRMED_UP);
    assert_int_equal(f.fport, 42);
    assert_int_equal(f.fcnt16, 70000 & 0xFFFF);
    assert_true(lw_data_mic_ok(&d.s, &f, 70000, 0, 0, 0));
    lw_frm_crypt(d.s.app_s, LW_UP, f.dev_addr, 70000, f.frm_payload, 3, plain);
    assert_memory_equal(plain, "\x01\x02\x03", 3);
    o.bad_mic = true;
    uplink(&d, &o, buf, &f, &radio);
    assert_false(lw_data_mic_ok(&d.s, &f, 70001, 0, 0, 0));
}

static void test_uplink_11_mic_has_both_halves(void **state)
{
    sim_opts o;
    sim_device d;
    uint8_t buf[LW_MAX_PHY];
    lw_frame f;
    sim_radio radio;
    opts(&o, "1.1", false);
    assert_int_equal(sim_device_init(&d, &o, 5), 0);
    for (uint32_t fcnt = 0; fcnt < 4; fcnt++) {
        uplink(&d, &o, buf, &f, &radio);
        assert_true(lw_data_mic_ok(&d.s, &f, fcnt, 0, radio.dr, radio.ch));
        /* the SNwkSIntKey half covers TxDr and TxCh as sent */
        assert_false(lw_data_mic_ok(&d.s, &f, fcnt, 0, radio.dr, (uint8_t)(radio.ch + 1)));
        assert_false(lw_data_mic_ok(&d.s, &f, fcnt, 0, 0, radio.ch));
    }
}

static void test_uplink_us915_sub_band_2(void **state)
{
    sim_opts o;
    sim_device d;
    uint8_t buf[LW_MAX_PHY];
    lw_frame f;
    sim_radio radio;
    opts(&o, "1.0.3", false);
    o.region = lw_region_find("US915");
    assert_non_null(o.region);
    assert_int_equal(sim_device_init(&d, &o, 0), 0);
    for (uint32_t fcnt = 0; fcnt < 9; fcnt++) {
        uplink(&d, &o, buf, &f, &radio);
        assert_int_equal(radio.ch, 8 + fcnt % 8);
        assert_int_equal(radio.freq_hz, 903900000 + 200000 * (fcnt % 8));
        assert_int_equal(radio.dr, 3);
        assert_int_equal(radio.sf, 7);
        assert_int_equal(radio.bw_khz, 125);
    }
}

/* ---- downlinks ---- */

static int downlink(const lw_session *s, uint8_t mtype, uint32_t fcnt, int fport,
                    const char *payload, const uint8_t *fopts, uint8_t fopts_len, bool ack,
                    uint32_t conf_fcnt, uint8_t *buf, lw_frame *f)
{
    char err[LW_ERRLEN];
    lw_data dl = {.mtype = mtype,
                  .fcnt = fcnt,
                  .fport = fport,
                  .payload = (const uint8_t *)payload,
                  .len = payload ? strlen(payload) : 0,
                  .fopts = fopts,
                  .fopts_len = fopts_len,
                  .ack = ack,
                  .conf_fcnt = conf_fcnt};
    int n = lw_data_build(s, &dl, buf, LW_MAX_PHY);
    assert_true(n > 0);
    assert_int_equal(lw_frame_decode(buf, (size_t)n, f, err, sizeof err), 0);
    return n;
}

static void test_downlink_10_decrypts_and_counts(void **state)
{
    sim_opts o;
    sim_device d, other;
    uint8_t buf[LW_MAX_PHY], old[LW_MAX_PHY], up[LW_MAX_PHY];
    lw_frame f, of, uf;
    sim_dl dl;
    sim_radio radio;
    opts(&o, "1.0.3", false);
    assert_int_equal(sim_device_init(&d, &o, 1), 0);
    assert_int_equal(sim_device_init(&other, &o, 2), 0);
    downlink(&d.s, LW_UNCONFIRMED_DOWN, 3, 1, "hello", NULL, 0, false, 0, old, &of);
    downlink(&d.s, LW_UNCONFIRMED_DOWN, 3, 1, "hello", NULL, 0, false, 0, buf, &f);
    assert_int_equal(sim_downlink(&other, &f, &dl), -1); /* not its DevAddr */
    other.s.dev_addr = d.s.dev_addr;
    assert_int_equal(sim_downlink(&other, &f, &dl), -1); /* its keys give another MIC */
    assert_int_equal(sim_downlink(&d, &f, &dl), 0);
    assert_int_equal(dl.fcnt, 3);
    assert_int_equal(dl.fport, 1);
    assert_int_equal(dl.len, 5);
    assert_memory_equal(dl.payload, "hello", 5);
    assert_false(dl.replayed);
    assert_int_equal(sim_downlink(&d, &f, &dl), 0); /* the same again: a replay */
    assert_true(dl.replayed);
    /* a confirmed downlink past 16 bits: the next uplink ACKs it, the one after does not */
    downlink(&d.s, LW_CONFIRMED_DOWN, 65537, 2, "x", NULL, 0, false, 0, buf, &f);
    assert_int_equal(sim_downlink(&d, &f, &dl), 0);
    assert_int_equal(dl.fcnt, 65537);
    assert_true(dl.confirmed);
    uplink(&d, &o, up, &uf, &radio);
    assert_true(uf.ack);
    uplink(&d, &o, up, &uf, &radio);
    assert_false(uf.ack);
    /* an older counter again: a replay, not acted on */
    assert_int_equal(sim_downlink(&d, &of, &dl), 0);
    assert_true(dl.replayed);
    assert_int_equal(dl.fcnt, 3);
    assert_int_equal(d.nfcnt_down, 65537);
}

static void test_downlink_11_counters_fopts_and_conf_fcnt(void **state)
{
    sim_opts o;
    sim_device d;
    uint8_t buf[LW_MAX_PHY], up[LW_MAX_PHY], fopts[LW_MAX_FOPTS];
    const uint8_t dev_status_req[] = {LW_CID_DEV_STATUS};
    lw_frame f, uf;
    sim_dl dl;
    sim_radio radio;
    opts(&o, "1.1", false);
    o.confirmed = true;
    o.fcnt = 3;
    assert_int_equal(sim_device_init(&d, &o, 7), 0);
    uplink(&d, &o, up, &uf, &radio); /* FCntUp 3, confirmed */
    /* its ACK (ConfFCnt 3 in the MIC), FPort 1 (AFCntDown 5), DevStatusReq in FOpts */
    downlink(&d.s, LW_CONFIRMED_DOWN, 5, 1, "abc", dev_status_req, 1, true, 3, buf, &f);
    assert_int_equal(sim_downlink(&d, &f, &dl), 0);
    assert_true(dl.ack);
    assert_int_equal(dl.mac_len, 1);
    assert_int_equal(dl.mac[0], LW_CID_DEV_STATUS);
    assert_memory_equal(dl.payload, "abc", 3);
    assert_true(d.has_afcnt_down);
    assert_int_equal(d.afcnt_down, 5);
    assert_false(d.has_nfcnt_down);
    /* the next uplink ACKs it (ConfFCnt = 5 in the MIC) and answers DevStatusAns in FOpts,
     * after the ResetInd a 1.1 ABP device sends until ResetConf */
    uplink(&d, &o, up, &uf, &radio);
    assert_true(uf.ack);
    assert_true(lw_data_mic_ok(&d.s, &uf, 4, 5, radio.dr, radio.ch));
    assert_false(lw_data_mic_ok(&d.s, &uf, 4, 0, radio.dr, radio.ch));
    assert_int_equal(uf.fopts_len, 5);
    lw_fopts_crypt(d.s.nwk_s_enc, LW_UP, false, uf.dev_addr, 4, uf.fopts, 5, fopts);
    assert_memory_equal(fopts, ((uint8_t[]){LW_CID_RESET, 1, LW_CID_DEV_STATUS, 255, 10}), 5);
    /* a network downlink on FPort 0 counts in NFCntDown: ResetConf, RXTimingSetupReq Del 2 */
    downlink(&d.s, LW_UNCONFIRMED_DOWN, 0, 0, "\x01\x01\x08\x02", NULL, 0, false, 0, buf, &f);
    assert_int_equal(sim_downlink(&d, &f, &dl), 0);
    assert_true(d.has_nfcnt_down);
    assert_int_equal(d.rx_delay, 2);
    uplink(&d, &o, up, &uf, &radio); /* no ResetInd any more; RXTimingSetupAns */
    assert_int_equal(uf.fopts_len, 1);
    lw_fopts_crypt(d.s.nwk_s_enc, LW_UP, false, uf.dev_addr, 5, uf.fopts, 1, fopts);
    assert_int_equal(fopts[0], LW_CID_RX_TIMING_SETUP);
}

/* ---- joins ---- */

/* Sends d's join-request and returns its DevNonce (checking the request on the way). */
static uint16_t join_request(sim_device *d, const sim_opts *o)
{
    uint8_t req[23];
    lw_frame f;
    sim_radio radio;
    char err[LW_ERRLEN];
    assert_int_equal(sim_join_build(d, o, T_UP, req, &radio), 23);
    assert_int_equal(lw_frame_decode(req, sizeof req, &f, err, sizeof err), 0);
    assert_int_equal(f.mtype, LW_JOIN_REQUEST);
    assert_int_equal(f.dev_eui, d->dev_eui);
    assert_int_equal(f.join_eui, o->join_eui);
    assert_true(lw_join_request_mic_ok(d->nwk_key, &f));
    assert_int_equal(d->state, SIM_DEV_JOINING);
    return f.dev_nonce;
}

static void assert_same_session(const lw_session *a, const lw_session *b)
{
    assert_int_equal(a->dev_addr, b->dev_addr);
    assert_memory_equal(a->f_nwk_s_int, b->f_nwk_s_int, LW_KEY_LEN);
    assert_memory_equal(a->s_nwk_s_int, b->s_nwk_s_int, LW_KEY_LEN);
    assert_memory_equal(a->nwk_s_enc, b->nwk_s_enc, LW_KEY_LEN);
    assert_memory_equal(a->app_s, b->app_s, LW_KEY_LEN);
}

static void test_join_accept_10_gives_library_session(void **state)
{
    sim_opts o;
    sim_device d;
    uint8_t ja[33];
    lw_session want;
    char err[LW_ERRLEN];
    opts(&o, "1.0.3", true);
    assert_int_equal(sim_device_init(&d, &o, 9), 0);
    uint16_t nonce = join_request(&d, &o);
    lw_join_accept acc = {.join_nonce = 0x123456,
                          .net_id = 0x13,
                          .dev_addr = 0x26ABCDEF,
                          .dl_settings = 0x12,
                          .rx_delay = 3};
    acc.has_cflist = lw_region_cflist(o.region, 0, acc.cflist);
    int n =
        lw_join_accept_build(d.app_key, d.app_key, 0xFF, o.join_eui, nonce, &acc, ja, sizeof ja);
    assert_int_equal(n, 33);
    ja[5] ^= 1; /* tampered: refused, still joining */
    assert_int_equal(sim_join_accept(&d, &o, ja, (size_t)n, err, sizeof err), -1);
    assert_int_equal(d.state, SIM_DEV_JOINING);
    ja[5] ^= 1;
    assert_int_equal(sim_join_accept(&d, &o, ja, (size_t)n, err, sizeof err), 0);
    assert_int_equal(lw_session_derive_10(d.app_key, 0x123456, 0x13, nonce, 0x26ABCDEF, &want), 0);
    assert_same_session(&d.s, &want);
    assert_false(d.s.v11);
    assert_int_equal(d.state, SIM_DEV_ACTIVE);
    assert_int_equal(d.rx1_dr_offset, 1);
    assert_int_equal(d.rx2_dr, 2);
    assert_int_equal(d.rx_delay, 3);
    assert_true(d.has_cflist);
    assert_memory_equal(d.cflist, acc.cflist, 16);
    /* a second accept finds the device no longer joining */
    assert_int_equal(sim_join_accept(&d, &o, ja, (size_t)n, err, sizeof err), -1);
    sim_device_free(&d);
}

static void test_join_accept_11_gives_library_session_and_rekey(void **state)
{
    sim_opts o;
    sim_device d;
    uint8_t ja[33], js_int[LW_KEY_LEN], js_enc[LW_KEY_LEN], buf[LW_MAX_PHY], fopts[2];
    lw_session want;
    lw_frame f;
    sim_radio radio;
    char err[LW_ERRLEN];
    opts(&o, "1.1", true);
    assert_int_equal(sim_device_init(&d, &o, 4), 0);
    assert_memory_not_equal(d.app_key, d.nwk_key, LW_KEY_LEN);
    uint16_t nonce = join_request(&d, &o);
    assert_int_equal(nonce, 0); /* 1.1: a counter from 0 */
    assert_int_equal(lw_js_keys_derive(d.nwk_key, d.dev_eui, js_int, js_enc), 0);
    lw_join_accept acc = {.join_nonce = 77,
                          .net_id = 0x13,
                          .dev_addr = 0x26000444,
                          .dl_settings = 0x80,
                          .rx_delay = 1};
    int n = lw_join_accept_build(d.nwk_key, js_int, 0xFF, o.join_eui, nonce, &acc, ja, sizeof ja);
    assert_int_equal(n, 17);
    assert_int_equal(sim_join_accept(&d, &o, ja, (size_t)n, err, sizeof err), 0);
    assert_int_equal(
        lw_session_derive_11(d.nwk_key, d.app_key, 77, o.join_eui, nonce, 0x26000444, &want), 0);
    assert_same_session(&d.s, &want);
    assert_true(d.s.v11);
    /* until RekeyConf, uplinks carry RekeyInd (1.1) in FOpts */
    uplink(&d, &o, buf, &f, &radio);
    assert_int_equal(f.fopts_len, 2);
    lw_fopts_crypt(d.s.nwk_s_enc, LW_UP, false, f.dev_addr, 0, f.fopts, 2, fopts);
    assert_memory_equal(fopts, ((uint8_t[]){LW_CID_REKEY, 1}), 2);
    /* a 1.1 device told OptNeg = 0 falls back to 1.0 keys from NwkKey */
    nonce = join_request(&d, &o);
    assert_int_equal(nonce, 1);
    acc.dl_settings = 0;
    n = lw_join_accept_build(d.nwk_key, js_int, 0xFF, o.join_eui, nonce, &acc, ja, sizeof ja);
    assert_int_equal(sim_join_accept(&d, &o, ja, (size_t)n, err, sizeof err), 0);
    assert_int_equal(lw_session_derive_10(d.nwk_key, 77, 0x13, nonce, 0x26000444, &want), 0);
    assert_same_session(&d.s, &want);
    assert_false(d.s.v11);
    sim_device_free(&d);
}

static void test_dev_nonce_rules(void **state)
{
    sim_opts o;
    sim_device d;
    opts(&o, "1.0.4", true);
    assert_int_equal(sim_device_init(&d, &o, 0), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(join_request(&d, &o), i);
    o.dev_nonce = 1; /* --dev-nonce: used as given, the counter stays at its highest */
    assert_int_equal(join_request(&d, &o), 1);
    o.dev_nonce = -1;
    assert_int_equal(join_request(&d, &o), 3);
    sim_device_free(&d);
    opts(&o, "1.0.3", true); /* random, never twice */
    assert_int_equal(sim_device_init(&d, &o, 0), 0);
    for (int i = 0; i < 200; i++)
        join_request(&d, &o);
    assert_int_equal(d.n_nonces, 200);
    for (uint32_t i = 0; i < d.n_nonces; i++)
        for (uint32_t j = i + 1; j < d.n_nonces; j++)
            assert_int_not_equal(d.nonces[i], d.nonces[j]);
    sim_device_free(&d);
}

/* ---- receive windows ---- */

static void test_window_classification(void **state)
{
    sim_opts o;
    sim_device d;
    uint8_t buf[LW_MAX_PHY];
    lw_frame f;
    sim_radio radio;
    bool ok;
    const sim_uplink *u;
    const lw_region *r;
    opts(&o, "1.0.3", false);
    r = o.region;
    assert_int_equal(sim_device_init(&d, &o, 0), 0);
    uplink(&d, &o, buf, &f, &radio);
    uint32_t off = 0xFFFFFFFFu - 1500000; /* this gateway's clock wraps between the windows */
    uint32_t at = (uint32_t)(T_UP + off);
    uint32_t rx1 = at + 1000000, rx2 = at + 2000000;
    assert_int_equal(sim_window_classify(&d, r, off, rx1, radio.freq_hz, 7, 125, &ok, &u),
                     SIM_WIN_RX1);
    assert_true(ok);
    assert_ptr_equal(u, &d.up[0]);
    assert_int_equal(sim_window_classify(&d, r, off, rx1, 869525000, 7, 125, &ok, &u), SIM_WIN_RX1);
    assert_false(ok); /* RX1 timing on the RX2 frequency */
    assert_int_equal(sim_window_classify(&d, r, off, rx2, 869525000, 12, 125, &ok, &u),
                     SIM_WIN_RX2);
    assert_true(ok); /* EU868 RX2: 869.525 MHz DR0 */
    assert_int_equal(sim_window_classify(&d, r, off, rx2, 869525000, 9, 125, &ok, &u), SIM_WIN_RX2);
    assert_false(ok);
    assert_int_equal(sim_window_classify(&d, r, off, rx1 + 1, radio.freq_hz, 7, 125, &ok, &u),
                     SIM_WIN_NONE);
    assert_int_equal(sim_window_classify(&d, r, off + 1, rx1, radio.freq_hz, 7, 125, &ok, &u),
                     SIM_WIN_NONE); /* another gateway's clock */
    /* an RX1DROffset from the join moves the RX1 data rate: DR5 - 2 = DR3 (SF9) */
    d.rx1_dr_offset = 2;
    assert_int_equal(sim_window_classify(&d, r, off, rx1, radio.freq_hz, 9, 125, &ok, &u),
                     SIM_WIN_RX1);
    assert_true(ok);
    /* the answer to an older uplink still counts */
    assert_true(sim_uplink_build(&d, &o, T_UP + 300000, buf, &radio) > 0);
    assert_int_equal(sim_window_classify(&d, r, off, rx2, 869525000, 12, 125, &ok, &u),
                     SIM_WIN_RX2);
}

static void test_window_join_and_us915(void **state)
{
    sim_opts o;
    sim_device d;
    uint8_t buf[LW_MAX_PHY];
    lw_frame f;
    sim_radio radio;
    bool ok;
    const sim_uplink *u;
    opts(&o, "1.0.3", true);
    o.region = lw_region_find("US915");
    assert_int_equal(sim_device_init(&d, &o, 0), 0);
    uint16_t nonce = join_request(&d, &o);
    sim_radio_for(o.region, nonce, &radio);
    uint32_t at = (uint32_t)T_UP + 1234;
    /* JOIN_ACCEPT_DELAY1/2 = 5/6 s; US915 RX1: 923.3 + 0.6 (ch % 8) MHz at DR10+ (SF7BW500
     * for DR3, offset 0); RX2: 923.3 MHz DR8 (SF12BW500) */
    uint32_t rx1_freq = 923300000 + 600000 * (radio.ch % 8);
    assert_int_equal(
        sim_window_classify(&d, o.region, 1234, at + 5000000, rx1_freq, 7, 500, &ok, &u),
        SIM_WIN_RX1);
    assert_true(ok);
    assert_true(u->join);
    assert_int_equal(
        sim_window_classify(&d, o.region, 1234, at + 6000000, 923300000, 12, 500, &ok, &u),
        SIM_WIN_RX2);
    assert_true(ok);
    assert_int_equal(
        sim_window_classify(&d, o.region, 1234, at + 1000000, rx1_freq, 7, 500, &ok, &u),
        SIM_WIN_NONE);
    (void)buf;
    (void)f;
    sim_device_free(&d);
}

static void test_tx_lead_verdict(void **state)
{
    assert_null(sim_tx_verdict(30000, 30));
    assert_null(sim_tx_verdict(900000, 30));
    assert_string_equal(sim_tx_verdict(29999, 30), "TOO_LATE");
    assert_string_equal(sim_tx_verdict(-5000, 30), "TOO_LATE");
    assert_null(sim_tx_verdict(0, 0));
}

/* ---- options ---- */

static int parse(sim_opts *o, char *err, size_t errlen, ...)
{
    char *argv[32] = {"lyrebird-sim"};
    int argc = 1;
    va_list ap;
    va_start(ap, errlen);
    for (char *a; argc < 31 && (a = va_arg(ap, char *)) != NULL;)
        argv[argc++] = a;
    va_end(ap);
    return sim_opts_parse(argc, argv, o, err, errlen);
}

static void test_options(void **state)
{
    sim_opts o;
    char err[256];
    assert_int_equal(parse(&o, err, sizeof err, NULL), 0);
    assert_int_equal(o.gateways, 1);
    assert_int_equal(o.hear, 1);
    assert_int_equal(o.tx_lead_ms, 30);
    assert_int_equal(sim_opts_wait_ms(&o), 500);
    assert_int_equal(parse(&o, err, sizeof err, "--gateways", "3", "--mode", "otaa", "--mac", "1.1",
                           "--region", "US915", "--dev-nonce", "9", "--addr-base", "01ff",
                           "--key-seed", "000102030405060708090a0b0c0d0e0f", NULL),
                     0);
    assert_int_equal(o.hear, 3); /* defaults to --gateways */
    assert_true(o.otaa);
    assert_int_equal(o.mac, LW_V1_1);
    assert_string_equal(o.region->name, "US915");
    assert_true(o.rejoin);
    assert_int_equal(o.addr_base, 0x1FF);
    assert_int_equal(o.key_seed[15], 0x0F);
    assert_int_equal(sim_opts_wait_ms(&o), 3000);
    assert_int_equal(parse(&o, err, sizeof err, "--gateways", "2", "--hear", "3", NULL), -1);
    assert_non_null(strstr(err, "--hear"));
    assert_int_equal(parse(&o, err, sizeof err, "--mac", "1.2", NULL), -1);
    assert_non_null(strstr(err, "--mac"));
    assert_int_equal(parse(&o, err, sizeof err, "--fport", "256", NULL), -1);
    assert_non_null(strstr(err, "--fport"));
    assert_int_equal(parse(&o, err, sizeof err, "--payload", "abc", NULL), -1);
    assert_int_equal(parse(&o, err, sizeof err, "--server", "nohost", NULL), -1);
    assert_int_equal(parse(&o, err, sizeof err, "--register", "http://x", NULL), -1);
    assert_non_null(strstr(err, "--token"));
    assert_int_equal(parse(&o, err, sizeof err, "--nope", NULL), -1);
    assert_non_null(strstr(err, "--nope"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_formula_is_stable),
        cmocka_unit_test(test_abp_device_uses_formula_keys),
        cmocka_unit_test(test_uplink_10_decodes_with_mic_and_counter),
        cmocka_unit_test(test_uplink_options_fcnt_payload_confirmed_bad_mic),
        cmocka_unit_test(test_uplink_11_mic_has_both_halves),
        cmocka_unit_test(test_uplink_us915_sub_band_2),
        cmocka_unit_test(test_downlink_10_decrypts_and_counts),
        cmocka_unit_test(test_downlink_11_counters_fopts_and_conf_fcnt),
        cmocka_unit_test(test_join_accept_10_gives_library_session),
        cmocka_unit_test(test_join_accept_11_gives_library_session_and_rekey),
        cmocka_unit_test(test_dev_nonce_rules),
        cmocka_unit_test(test_window_classification),
        cmocka_unit_test(test_window_join_and_us915),
        cmocka_unit_test(test_tx_lead_verdict),
        cmocka_unit_test(test_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
