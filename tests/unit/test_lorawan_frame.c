/* Unit tests of the PHYPayload decoder, the uplink MAC command parser and MAC version names
 * (adapters/lora/lorawan/frame.c): published frames decoded field by field, build -> decode
 * round trips for every MType, and rejection of truncated, oversized and malformed frames
 * with an error a person can act on. */
#include "lorawan.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hex.h"

#include <stdio.h>
#include <string.h>

/* ---- published frames ---- */

/* chirpstack/chirpstack lrwn/src/phy_payload.rs test_non_proprietary: a join-request. */
static void test_decode_join_request_chirpstack(void **state)
{
    uint8_t b[23];
    lw_frame f;
    test_hex("00 0807060504030201 0102030405060708 0004 01020304", b, sizeof b);
    assert_int_equal(lw_frame_decode(b, sizeof b, &f, NULL, 0), 0);
    assert_int_equal(f.mtype, LW_JOIN_REQUEST);
    assert_int_equal(f.major, 0);
    assert_true(f.join_eui == 0x0102030405060708);
    assert_true(f.dev_eui == 0x0807060504030201);
    assert_int_equal(f.dev_nonce, 1024);
    assert_memory_equal(f.mic, ((uint8_t[]){1, 2, 3, 4}), 4);
}

/* anthonykirby/lora-packet __tests__/packet_test.ts "should parse packet #1" (from its
 * issue #18): FOpts 091103 = TxParamSetupAns and PingSlotChannelAns(0x03). */
static void test_decode_uplink_with_fopts_lora_packet(void **state)
{
    uint8_t b[20];
    char err[LW_ERRLEN];
    lw_frame f;
    test_hex("4084412505A3010009110308B33750F504D4B86A", b, sizeof b);
    assert_int_equal(lw_frame_decode(b, sizeof b, &f, err, sizeof err), 0);
    assert_int_equal(f.mtype, LW_UNCONFIRMED_UP);
    assert_int_equal(f.dev_addr, 0x05254184);
    assert_true(f.adr && f.ack && !f.adr_ack_req && !f.fpending);
    assert_int_equal(f.fcnt16, 1);
    assert_int_equal(f.fopts_len, 3);
    assert_memory_equal(f.fopts, ((uint8_t[]){0x09, 0x11, 0x03}), 3);
    assert_int_equal(f.fport, 8);
    assert_int_equal(f.frm_len, 4);
    assert_ptr_equal(f.frm_payload, b + 12);
    assert_memory_equal(f.mic, ((uint8_t[]){0x04, 0xD4, 0xB8, 0x6A}), 4);

    lw_mac_cmd cmds[4];
    assert_int_equal(lw_mac_parse_up(f.fopts, f.fopts_len, cmds, 4, err, sizeof err), 2);
    assert_int_equal(cmds[0].cid, LW_CID_TX_PARAM_SETUP);
    assert_int_equal(cmds[0].len, 0);
    assert_int_equal(cmds[1].cid, 0x11);
    assert_int_equal(cmds[1].len, 1);
    assert_int_equal(cmds[1].payload[0], 0x03);
}

/* brocaar/lorawan phypayload_test.go TestPHYPayloadRejoinRequest02 and ..RejoinRequest1:
 * rejoin types 2 and 1, MICs under the all-zero key. */
static void test_decode_rejoin_brocaar(void **state)
{
    uint8_t k[16] = {0}, b[24];
    lw_frame f;
    size_t n = test_hex("c0020302010807060504030201db003c8642ae", b, sizeof b);
    assert_int_equal(lw_frame_decode(b, n, &f, NULL, 0), 0);
    assert_int_equal(f.mtype, LW_REJOIN_REQUEST);
    assert_int_equal(f.rejoin_type, 2);
    assert_int_equal(f.net_id, 0x010203);
    assert_true(f.dev_eui == 0x0102030405060708);
    assert_int_equal(f.rj_count, 219);
    assert_true(lw_join_request_mic_ok(k, &f));

    n = test_hex("c0010807060504030201100f0e0d0c0b0a09db00eac31072", b, sizeof b);
    assert_int_equal(lw_frame_decode(b, n, &f, NULL, 0), 0);
    assert_int_equal(f.rejoin_type, 1);
    assert_true(f.join_eui == 0x0102030405060708);
    assert_true(f.dev_eui == 0x090A0B0C0D0E0F10);
    assert_int_equal(f.rj_count, 219);
    assert_true(lw_join_request_mic_ok(k, &f));
}

/* chirpstack/chirpstack lrwn/src/phy_payload.rs test_proprietary (e0, e0010203) and
 * brocaar/lorawan ExamplePHYPayload_proprietaryDecode (e0 05060708090a 01020304). */
static void test_decode_proprietary(void **state)
{
    uint8_t b[16];
    lw_frame f;
    b[0] = 0xe0;
    assert_int_equal(lw_frame_decode(b, 1, &f, NULL, 0), 0);
    assert_int_equal(f.mtype, LW_PROPRIETARY);
    assert_ptr_equal(f.raw, b);
    assert_int_equal(f.raw_len, 1);
    size_t n = test_hex("e0010203", b, sizeof b);
    assert_int_equal(lw_frame_decode(b, n, &f, NULL, 0), 0);
    assert_int_equal(f.raw_len, 4);
    n = test_hex("e005060708090a01020304", b, sizeof b);
    assert_int_equal(lw_frame_decode(b, n, &f, NULL, 0), 0);
    assert_memory_equal(f.mic, ((uint8_t[]){1, 2, 3, 4}), 4);
}

/* ---- round trips: build, decode, compare ---- */

static void test_round_trip_join_request(void **state)
{
    uint8_t k[16] = {7}, b[23];
    lw_frame f;
    assert_int_equal(lw_join_request_build(k, 0x70B3D57ED0000001, 0x0004A30B001C0530, 0xBEEF, b),
                     0);
    assert_int_equal(lw_frame_decode(b, sizeof b, &f, NULL, 0), 0);
    assert_int_equal(f.mtype, LW_JOIN_REQUEST);
    assert_true(f.join_eui == 0x70B3D57ED0000001);
    assert_true(f.dev_eui == 0x0004A30B001C0530);
    assert_int_equal(f.dev_nonce, 0xBEEF);
    assert_true(lw_join_request_mic_ok(k, &f));
}

static void test_round_trip_join_accept(void **state)
{
    uint8_t k[16] = {9}, out[33], plain[33];
    for (int cf = 0; cf < 2; cf++) {
        lw_join_accept ja = {.join_nonce = 0xABCDEF,
                             .net_id = 0x000013,
                             .dev_addr = 0x26012E43,
                             .dl_settings = 0x12,
                             .rx_delay = 5,
                             .has_cflist = cf};
        memset(ja.cflist, 0x5A, sizeof ja.cflist);
        int n = lw_join_accept_build(k, NULL, 0xFF, 0, 0, &ja, out, sizeof out);
        assert_int_equal(n, cf ? 33 : 17);
        assert_int_equal(lw_join_accept_decrypt(k, out, (size_t)n, plain), 0);
        lw_frame f;
        assert_int_equal(lw_frame_decode(plain, (size_t)n, &f, NULL, 0), 0);
        assert_int_equal(f.mtype, LW_JOIN_ACCEPT);
        assert_int_equal(f.join_nonce, 0xABCDEF);
        assert_int_equal(f.net_id, 0x000013);
        assert_int_equal(f.dev_addr, 0x26012E43);
        assert_int_equal(f.dl_settings, 0x12);
        assert_int_equal(f.rx_delay, 5);
        assert_int_equal(f.has_cflist, cf);
        if (cf)
            assert_memory_equal(f.cflist, ja.cflist, 16);
    }
}

/* Every data MType, with and without FOpts, FPort and FRMPayload, every FCtrl flag, in 1.0
 * and 1.1 sessions: decode gives back what was built, the MIC checks, and the payload and
 * FOpts decrypt to what went in. */
static void round_trip_data(const lw_session *s, uint8_t mtype, int flags, int fport)
{
    static const uint8_t fopts[] = {0x02, 0x06, 0xFF, 0x0A};
    static const uint8_t payload[] = "a payload of some length, over one block";
    bool up = mtype == LW_UNCONFIRMED_UP || mtype == LW_CONFIRMED_UP;
    lw_data d = {.mtype = mtype,
                 .adr = flags & 1,
                 .adr_ack_req = flags & 2,
                 .ack = flags & 4,
                 .fpending = flags & 8,
                 .fcnt = 0x00031234,
                 .fopts = fopts,
                 .fopts_len = fport == 0 ? 0 : sizeof fopts,
                 .fport = fport,
                 .payload = fport >= 0 ? payload : NULL,
                 .len = fport >= 0 ? sizeof payload : 0,
                 .conf_fcnt = 77,
                 .tx_dr = 5,
                 .tx_ch = 2};
    uint8_t b[LW_MAX_PHY], plain[LW_MAX_PHY];
    char err[LW_ERRLEN];
    int n = lw_data_build(s, &d, b, sizeof b);
    assert_true(n > 0);
    lw_frame f;
    assert_int_equal(lw_frame_decode(b, (size_t)n, &f, err, sizeof err), 0);
    assert_int_equal(f.mtype, mtype);
    assert_int_equal(f.dev_addr, s->dev_addr);
    assert_int_equal(f.adr, d.adr);
    assert_int_equal(f.adr_ack_req, up && d.adr_ack_req);
    assert_int_equal(f.ack, d.ack);
    assert_int_equal(f.fpending, d.fpending);
    assert_int_equal(f.fcnt16, 0x1234);
    assert_int_equal(f.fport, fport);
    assert_int_equal(f.fopts_len, d.fopts_len);
    assert_int_equal(f.frm_len, d.len);
    assert_true(lw_data_mic_ok(s, &f, 0x00031234, 77, 5, 2));
    assert_false(lw_data_mic_ok(s, &f, 0x00041234, 77, 5, 2));
    if (d.fopts_len) {
        if (s->v11)
            assert_int_equal(lw_fopts_crypt(s->nwk_s_enc, up ? LW_UP : LW_DOWN, fport > 0,
                                            f.dev_addr, 0x00031234, f.fopts, f.fopts_len, plain),
                             0);
        else
            memcpy(plain, f.fopts, f.fopts_len);
        assert_memory_equal(plain, fopts, sizeof fopts);
    }
    if (d.len) {
        const uint8_t *k = fport == 0 ? s->nwk_s_enc : s->app_s;
        assert_int_equal(lw_frm_crypt(k, up ? LW_UP : LW_DOWN, f.dev_addr, 0x00031234,
                                      f.frm_payload, f.frm_len, plain),
                         0);
        assert_memory_equal(plain, payload, sizeof payload);
    }
}

static void test_round_trip_data_every_mtype(void **state)
{
    lw_session s10 = {.dev_addr = 0x26011234}, s11 = {.dev_addr = 0x01ABCDEF, .v11 = true};
    memset(s10.f_nwk_s_int, 0x11, 16);
    memcpy(s10.s_nwk_s_int, s10.f_nwk_s_int, 16);
    memcpy(s10.nwk_s_enc, s10.f_nwk_s_int, 16);
    memset(s10.app_s, 0x22, 16);
    memset(s11.f_nwk_s_int, 0x31, 16);
    memset(s11.s_nwk_s_int, 0x32, 16);
    memset(s11.nwk_s_enc, 0x33, 16);
    memset(s11.app_s, 0x34, 16);
    for (uint8_t m = LW_UNCONFIRMED_UP; m <= LW_CONFIRMED_DOWN; m++)
        for (int flags = 0; flags < 16; flags++)
            for (int fport = -1; fport <= 1; fport++) {
                round_trip_data(&s10, m, flags, fport);
                round_trip_data(&s11, m, flags, fport == 1 ? 224 : fport);
            }
}

/* ---- rejection, with a reason ---- */

static void expect_error(const char *frame_hex, size_t len_override, const char *words)
{
    uint8_t b[300] = {0};
    size_t n = frame_hex ? test_hex(frame_hex, b, sizeof b) : len_override;
    char err[LW_ERRLEN];
    lw_frame f;
    assert_int_equal(lw_frame_decode(b, n, &f, err, sizeof err), -1);
    if (!strstr(err, words))
        fail_msg("error \"%s\" does not mention \"%s\"", err, words);
}

static void test_decode_rejects_malformed(void **state)
{
    expect_error(NULL, 0, "empty");
    expect_error(NULL, 256, "longer than the 255 bytes");
    expect_error(NULL, 300, "longer than the 255 bytes");
    expect_error("41 04030201 00 0100 01 aabbccdd", 0, "major version 1");
    expect_error("43 04030201 00 0100 01 aabbccdd", 0, "major version 3");
    /* truncated */
    expect_error("40 04030201 00 01 aabbccdd", 0, "at least 12 bytes");
    expect_error("40 0403", 0, "no room for MHDR and MIC");
    expect_error("00 0807060504030201 0102030405060708 00 01020304", 0,
                 "join-request is 23 bytes, this one has 22");
    expect_error("20 010203 040506 0708090a 00 00 0102", 0, "join-accept is 17 bytes");
    expect_error("c0 00 030201 0807060504030201 0201 11da47", 0, "type 0 is 19 bytes");
    expect_error("c0 01 0807060504030201 0807060504030201 11da47bd", 0, "type 1 is 24 bytes");
    expect_error("c0 03 030201 0807060504030201 0201 11da47bd", 0, "rejoin type 3");
    /* FOptsLen runs past the MIC */
    expect_error("40 04030201 0f 0100 020305 aabbccdd", 0, "FOptsLen 15 needs");
    expect_error("40 04030201 04 0100 020305 aabbccdd", 0, "FOptsLen 4");
    /* MAC commands in both places */
    expect_error("40 04030201 01 0100 02 00 aa aabbccdd", 0, "FOpts must be empty");
}

static void test_decode_error_buffer_edge_cases(void **state)
{
    uint8_t b[8] = {0x41, 0, 0, 0, 0, 0, 0, 0};
    char small[8];
    lw_frame f;
    memset(small, 'x', sizeof small);
    assert_int_equal(lw_frame_decode(b, sizeof b, &f, small, sizeof small), -1);
    assert_non_null(memchr(small, '\0', sizeof small)); /* truncated, still terminated */
    assert_int_equal(lw_frame_decode(b, sizeof b, &f, NULL, 0), -1);
    assert_int_equal(lw_frame_decode(NULL, 5, &f, NULL, 0), -1);
    assert_int_equal(lw_frame_decode(b, sizeof b, NULL, NULL, 0), -1);
    /* a good frame clears a stale message */
    char err[LW_ERRLEN] = "stale";
    b[0] = 0xe0;
    assert_int_equal(lw_frame_decode(b, sizeof b, &f, err, sizeof err), 0);
    assert_string_equal(err, "");
}

/* ---- uplink MAC commands, LoRaWAN 1.0.4 §5 ---- */

static void test_mac_parse_up_commands(void **state)
{
    /* LinkCheckReq | LinkADRAns(0x07) | DevStatusAns(battery 0xFF, margin 0x0A) |
     * DeviceTimeReq | RXParamSetupAns(0x07) | DutyCycleAns */
    uint8_t b[16];
    size_t n = test_hex("02 0307 06ff0a 0d 0507 04", b, sizeof b);
    lw_mac_cmd c[8];
    char err[LW_ERRLEN];
    assert_int_equal(lw_mac_parse_up(b, n, c, 8, err, sizeof err), 6);
    assert_int_equal(c[0].cid, LW_CID_LINK_CHECK);
    assert_int_equal(c[0].len, 0);
    assert_null(c[0].payload);
    assert_int_equal(c[1].cid, LW_CID_LINK_ADR);
    assert_int_equal(c[1].len, 1);
    assert_int_equal(c[1].payload[0], 0x07);
    assert_int_equal(c[2].cid, LW_CID_DEV_STATUS);
    assert_int_equal(c[2].len, 2);
    assert_memory_equal(c[2].payload, ((uint8_t[]){0xFF, 0x0A}), 2);
    assert_int_equal(c[3].cid, LW_CID_DEVICE_TIME);
    assert_int_equal(c[4].cid, LW_CID_RX_PARAM_SETUP);
    assert_int_equal(c[5].cid, LW_CID_DUTY_CYCLE);
    assert_int_equal(lw_mac_parse_up(b, 0, c, 8, err, sizeof err), 0);
}

static void test_mac_parse_up_rejects_unreadable(void **state)
{
    uint8_t b[8];
    lw_mac_cmd c[8];
    char err[LW_ERRLEN];
    size_t n = test_hex("02 06ff", b, sizeof b);
    assert_int_equal(lw_mac_parse_up(b, n, c, 8, err, sizeof err), -1);
    assert_non_null(strstr(err, "DevStatusAns (CID 0x06) at byte 1 needs 2 payload bytes"));
    n = test_hex("02 80 0102", b, sizeof b);
    assert_int_equal(lw_mac_parse_up(b, n, c, 8, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown uplink MAC command CID 0x80 at byte 1"));
    n = test_hex("0e", b, sizeof b); /* ForceRejoinReq only travels downlink */
    assert_int_equal(lw_mac_parse_up(b, n, c, 8, err, sizeof err), -1);
    n = test_hex("02 02 02", b, sizeof b);
    assert_int_equal(lw_mac_parse_up(b, n, c, 2, err, sizeof err), -1);
    assert_non_null(strstr(err, "more than 2"));
}

/* ---- versions ---- */

static void test_versions(void **state)
{
    static const char *const names[] = {"1.0.0", "1.0.1", "1.0.2", "1.0.3", "1.0.4", "1.1"};
    for (int v = LW_V1_0_0; v <= LW_V1_1; v++) {
        assert_string_equal(lw_version_name(v), names[v]);
        assert_int_equal(lw_version_parse(names[v]), v);
    }
    assert_int_equal(lw_version_parse("1.1.0"), LW_V1_1);
    assert_int_equal(lw_version_parse("1.0"), LW_V1_0_0);
    assert_int_equal(lw_version_parse("1.2"), -1);
    assert_int_equal(lw_version_parse(""), -1);
    assert_int_equal(lw_version_parse(NULL), -1);
    assert_null(lw_version_name(-1));
    assert_null(lw_version_name(LW_V1_1 + 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_join_request_chirpstack),
        cmocka_unit_test(test_decode_uplink_with_fopts_lora_packet),
        cmocka_unit_test(test_decode_rejoin_brocaar),
        cmocka_unit_test(test_decode_proprietary),
        cmocka_unit_test(test_round_trip_join_request),
        cmocka_unit_test(test_round_trip_join_accept),
        cmocka_unit_test(test_round_trip_data_every_mtype),
        cmocka_unit_test(test_decode_rejects_malformed),
        cmocka_unit_test(test_decode_error_buffer_edge_cases),
        cmocka_unit_test(test_mac_parse_up_commands),
        cmocka_unit_test(test_mac_parse_up_rejects_unreadable),
        cmocka_unit_test(test_versions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
