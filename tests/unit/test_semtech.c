/* Unit tests of the Semtech UDP packet forwarder protocol library (adapters/lora/gw/semtech.h).
 *
 * Real datagrams first: the examples of Semtech's packet_forwarder PROTOCOL.md (two of which
 * carry malformed base64, which must be refused), datagrams captured from sx1302 gateways
 * (raw bytes including the header, from a LoRaWAN key-leak scanner's test data), "JSON up" /
 * "JSON down" log lines from lora_pkt_fwd quoted in ChirpStack's gateway-bridge docs and in
 * gateway write-ups (EU868, US915, CN470, a Dragino gateway's PULL_RESP), and a MultiTech
 * gateway's hex dump. Then round trips build -> parse for every packet type, the exact text
 * sm_pull_resp writes, and a table of bad datagrams, each of which must fail with a sentence
 * that names the field. Expected times were computed independently with Python's calendar
 * module, expected payload sizes with its base64 module. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "semtech.h"

#define EUI   0xAA555ADCDBA823BEull
#define TOKEN 0x1234

static sm_packet P, Q; /* 10 KB each: kept off the stack */

static int near(double a, double b, double tol)
{
    double d = a > b ? a - b : b - a;
    return d <= tol;
}

#define assert_near(a, b, tol)                                                                     \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        if (!near(a_, b_, (tol)))                                                                  \
            fail_msg("%s is %.9g, expected %.9g", #a, a_, b_);                                     \
    } while (0)

/* A datagram of type with the test token (and EUI where the type has one), then json. */
static size_t dgram(uint8_t *out, size_t cap, uint8_t type, const char *json)
{
    size_t n = 0;
    out[n++] = SM_VERSION;
    out[n++] = TOKEN & 0xff;
    out[n++] = TOKEN >> 8;
    out[n++] = type;
    if (type == SM_PUSH_DATA || type == SM_PULL_DATA || type == SM_TX_ACK)
        for (int i = 0; i < 8; i++)
            out[n++] = (uint8_t)(EUI >> (56 - 8 * i));
    size_t j = json ? strlen(json) : 0;
    assert_true(n + j <= cap);
    if (j > 0)
        memcpy(out + n, json, j);
    return n + j;
}

static void parse_ok(const uint8_t *buf, size_t len, sm_packet *p)
{
    char err[SM_ERRLEN];
    if (sm_parse(buf, len, p, err, sizeof err) != 0)
        fail_msg("parse of %.*s failed: %s", (int)len, (const char *)buf, err);
}

static void parse_json_ok(uint8_t type, const char *json, sm_packet *p)
{
    static uint8_t buf[65536];
    parse_ok(buf, dgram(buf, sizeof buf, type, json), p);
}

/* The datagram must fail with an error containing want; label names it in a failure. */
static void expect_error_as(const uint8_t *buf, size_t len, const char *label, const char *want)
{
    char err[SM_ERRLEN];
    memset(err, 'x', sizeof err);
    int rc = sm_parse(buf, len, &P, err, sizeof err);
    if (rc != -1)
        fail_msg("parse of %s returned %d, expected -1 (%s)", label, rc, want);
    if (!memchr(err, '\0', sizeof err) || !strstr(err, want))
        fail_msg("error for %s is \"%.*s\", expected it to contain \"%s\"", label, (int)sizeof err,
                 err, want);
    assert_int_equal(P.n_rxpk, 0);
    assert_false(P.has_stat);
}

static void expect_error(const uint8_t *buf, size_t len, const char *want)
{
    char label[32];
    snprintf(label, sizeof label, "a datagram of %zu bytes", len);
    expect_error_as(buf, len, label, want);
}

static void expect_json_error(uint8_t type, const char *json, const char *want)
{
    static uint8_t buf[65536];
    expect_error_as(buf, dgram(buf, sizeof buf, type, json), json, want);
}

static void assert_bytes(const uint8_t *got, size_t n, const char *b64)
{
    static uint8_t want[SM_MAX_DATA];
    size_t len = strlen(b64), w = 0;
    /* a tiny independent decoder, so the check does not rest on libsodium */
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned acc = 0, bits = 0;
    for (size_t i = 0; i < len && b64[i] != '='; i++) {
        const char *c = strchr(abc, b64[i]);
        assert_non_null(c);
        acc = acc << 6 | (unsigned)(c - abc);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            want[w++] = (uint8_t)(acc >> bits);
        }
    }
    assert_int_equal(n, w);
    assert_memory_equal(got, want, n);
}

/* ---- real datagrams ---- */

/* PROTOCOL.md section 4, the second and third rxpk of its example (FSK, then LoRa with
 * unpadded base64). */
static void test_protocol_md_fsk_and_lora_examples(void **state)
{
    (void)state;
    parse_json_ok(SM_PUSH_DATA,
                  "{\"rxpk\":[{\"time\":\"2013-03-31T16:21:17.530974Z\",\"tmst\":3512348514,"
                  "\"chan\":9,\"rfch\":1,\"freq\":869.1,\"stat\":1,\"modu\":\"FSK\","
                  "\"datr\":50000,\"rssi\":-75,\"size\":16,\"data\":\"VEVTVF9QQUNLRVRfMTIzNA==\"},"
                  "{\"time\":\"2013-03-31T16:21:17.532038Z\",\"tmst\":3316387610,\"chan\":0,"
                  "\"rfch\":0,\"freq\":863.00981,\"stat\":1,\"modu\":\"LORA\","
                  "\"datr\":\"SF10BW125\",\"codr\":\"4/7\",\"rssi\":-38,\"lsnr\":5.5,\"size\":32,"
                  "\"data\":\"ysgRl452xNLep9S1NTIg2lomKDxUgn3DJ7DE+b00Ass\"}]}",
                  &P);
    assert_int_equal(P.type, SM_PUSH_DATA);
    assert_int_equal(P.n_rxpk, 2);
    assert_false(P.has_stat);
    const sm_rxpk *a = &P.rxpk[0], *b = &P.rxpk[1];
    assert_true(a->has_time);
    assert_int_equal(a->time_unix_ns, 1364746877530974000LL);
    assert_int_equal(a->tmst, 3512348514u);
    assert_int_equal(a->chan, 9);
    assert_int_equal(a->rfch, 1);
    assert_int_equal(a->freq_hz, 869100000);
    assert_int_equal(a->stat, 1);
    assert_false(a->lora);
    assert_int_equal(a->fsk_bitrate, 50000);
    assert_string_equal(a->codr, "");
    assert_int_equal(a->rssi, -75);
    assert_int_equal(a->size, 16);
    assert_memory_equal(a->data, "TEST_PACKET_1234", 16);

    assert_int_equal(b->time_unix_ns, 1364746877532038000LL);
    assert_int_equal(b->tmst, 3316387610u);
    assert_int_equal(b->freq_hz, 863009810);
    assert_true(b->lora);
    assert_int_equal(b->sf, 10);
    assert_int_equal(b->bw_khz, 125);
    assert_string_equal(b->codr, "4/7");
    assert_int_equal(b->rssi, -38);
    assert_near(b->lsnr, 5.5, 1e-6);
    assert_int_equal(b->size, 32);
    assert_bytes(b->data, b->size, "ysgRl452xNLep9S1NTIg2lomKDxUgn3DJ7DE+b00Ass");
}

/* The first rxpk of PROTOCOL.md's example carries "-DS4...", which is not base64 (a '-' among
 * '+'): a gateway never sends it, and it must be refused, not half-decoded. */
static void test_protocol_md_first_example_data_is_not_base64(void **state)
{
    (void)state;
    expect_json_error(SM_PUSH_DATA,
                      "{\"rxpk\":[{\"time\":\"2013-03-31T16:21:17.528002Z\",\"tmst\":3512348611,"
                      "\"chan\":2,\"rfch\":0,\"freq\":866.349812,\"stat\":1,\"modu\":\"LORA\","
                      "\"datr\":\"SF7BW125\",\"codr\":\"4/6\",\"rssi\":-35,\"lsnr\":5.1,"
                      "\"size\":32,\"data\":\"-DS4CGaDCdG+48eJNM3Vai-zDpsR71Pn9CPA9uCON84\"}]}",
                      "rxpk[0].data is not base64");
}

static void test_protocol_md_stat_example(void **state)
{
    (void)state;
    parse_json_ok(SM_PUSH_DATA,
                  "{\"stat\":{\"time\":\"2014-01-12 08:59:28 GMT\",\"lati\":46.24000,"
                  "\"long\":3.25230,\"alti\":145,\"rxnb\":2,\"rxok\":2,\"rxfw\":2,"
                  "\"ackr\":100.0,\"dwnb\":2,\"txnb\":2,\"temp\": 23.2}}",
                  &P);
    assert_int_equal(P.n_rxpk, 0);
    assert_true(P.has_stat);
    assert_true(P.stat.has_location);
    assert_near(P.stat.lat, 46.24, 1e-9);
    assert_near(P.stat.lon, 3.2523, 1e-9);
    assert_int_equal(P.stat.alt, 145);
    assert_int_equal(P.stat.rxnb, 2);
    assert_int_equal(P.stat.rxok, 2);
    assert_int_equal(P.stat.rxfw, 2);
    assert_near(P.stat.ackr, 100.0, 1e-9);
    assert_int_equal(P.stat.dwnb, 2);
    assert_int_equal(P.stat.txnb, 2);
}

/* A stat without GPS (aeq-web.com's capture of a forwarder without a fix). */
static void test_stat_without_location(void **state)
{
    (void)state;
    parse_json_ok(SM_PUSH_DATA,
                  "{\"stat\":{\"ackr\":0.000000,\"dwnb\":0,\"rxfw\":0,\"rxnb\":0,\"rxok\":0,"
                  "\"time\":\"2024-11-15 10:45:54 GMT\",\"txnb\":0}}",
                  &P);
    assert_true(P.has_stat);
    assert_false(P.stat.has_location);
    assert_near(P.stat.lat, 0, 0);
    assert_int_equal(P.stat.rxnb, 0);
}

/* sx1302 US915 gateway, raw datagram with its header: token bytes 86 7e, gateway
 * AA555ADCDBA823BE, two rxpk (one CRC OK, one CRC bad), sx1302 extras jver/mid/rssis/foff/crc. */
static const char sx1302_us915_2[] =
    "\x02\x86~\x00\xaaUZ\xdc\xdb\xa8#\xbe"
    "{\"rxpk\":[{\"jver\":1,\"tmst\":4189133344,\"chan\":5,\"rfch\":1,\"freq\":904.900000,"
    "\"mid\": 9,\"stat\":1,\"crc\":\"0x03a2\",\"crc_calc\":\"0x03a2\",\"crc_match\":1,"
    "\"modu\":\"LORA\",\"datr\":\"SF10BW125\",\"codr\":\"4/5\",\"rssis\":-51,\"lsnr\":15.2,"
    "\"foff\":134,\"rssi\":-51,\"size\":23,\"data\":\"AAkAAAAAAACAAABQMiHx9yw9YyfFWg0=\"},"
    "{\"jver\":1,\"tmst\":4189133351,\"chan\":7,\"rfch\":1,\"freq\":905.300000,\"mid\": 8,"
    "\"stat\":-1,\"crc\":\"0x0b28\",\"crc_calc\":\"0x0e5c\",\"crc_match\":0,\"modu\":\"LORA\","
    "\"datr\":\"SF10BW125\",\"codr\":\"4/5\",\"rssis\":-113,\"lsnr\":-13.5,\"foff\":25133,"
    "\"rssi\":-101,\"size\":23,\"data\":\"AAljgAQAMFoACABgUrHx9yw94CfFWlw=\"}]}";

static void test_sx1302_us915_real_datagram_two_rxpk(void **state)
{
    (void)state;
    parse_ok((const uint8_t *)sx1302_us915_2, sizeof sx1302_us915_2 - 1, &P);
    assert_int_equal(P.version, 2);
    assert_int_equal(P.token, 0x7e86);
    assert_int_equal(P.type, SM_PUSH_DATA);
    assert_true(P.gw_eui == 0xAA555ADCDBA823BEull);
    assert_int_equal(P.n_rxpk, 2);
    const sm_rxpk *a = &P.rxpk[0], *b = &P.rxpk[1];
    assert_false(a->has_time);
    assert_int_equal(a->tmst, 4189133344u);
    assert_int_equal(a->chan, 5);
    assert_int_equal(a->rfch, 1);
    assert_int_equal(a->freq_hz, 904900000);
    assert_int_equal(a->stat, 1);
    assert_int_equal(a->sf, 10);
    assert_int_equal(a->bw_khz, 125);
    assert_string_equal(a->codr, "4/5");
    assert_int_equal(a->rssi, -51);
    assert_near(a->lsnr, 15.2, 1e-5);
    assert_int_equal(a->size, 23);
    assert_bytes(a->data, a->size, "AAkAAAAAAACAAABQMiHx9yw9YyfFWg0=");
    assert_int_equal(a->data[0], 0x00); /* a join-request */
    assert_int_equal(b->stat, -1);
    assert_int_equal(b->freq_hz, 905300000);
    assert_int_equal(b->rssi, -101);
    assert_near(b->lsnr, -13.5, 1e-5);
    assert_bytes(b->data, b->size, "AAljgAQAMFoACABgUrHx9yw94CfFWlw=");
}

static const char sx1302_us915_3[] =
    "\x02\x9d}\x00\xaaUZ\xdc\xdb\xa8#\xbe"
    "{\"rxpk\":[{\"jver\":1,\"tmst\":4069131864,\"chan\":3,\"rfch\":0,\"freq\":904.500000,"
    "\"mid\":10,\"stat\":-1,\"crc\":\"0x0b28\",\"crc_calc\":\"0x04ec\",\"crc_match\":0,"
    "\"modu\":\"LORA\",\"datr\":\"SF10BW125\",\"codr\":\"4/5\",\"rssis\":-113,\"lsnr\":-13.2,"
    "\"foff\":-24881,\"rssi\":-101,\"size\":23,\"data\":\"wAkAxQgAAGMWEABQUuHx9yw94CfFWl0=\"},"
    "{\"jver\":1,\"tmst\":4069131887,\"chan\":5,\"rfch\":1,\"freq\":904.900000,\"mid\": 8,"
    "\"stat\":1,\"crc\":\"0x03a2\",\"crc_calc\":\"0x03a2\",\"crc_match\":1,\"modu\":\"LORA\","
    "\"datr\":\"SF10BW125\",\"codr\":\"4/5\",\"rssis\":-51,\"lsnr\":15.0,\"foff\":117,"
    "\"rssi\":-51,\"size\":23,\"data\":\"AAkAAAAAAACAAABQMiHx9yw9YyfFWg0=\"},{\"jver\":1,"
    "\"tmst\":4069131902,\"chan\":7,\"rfch\":1,\"freq\":905.300000,\"mid\": 9,\"stat\":-1,"
    "\"crc\":\"0x034e\",\"crc_calc\":\"0x9909\",\"crc_match\":0,\"modu\":\"LORA\","
    "\"datr\":\"SF10BW125\",\"codr\":\"4/5\",\"rssis\":-112,\"lsnr\":-12.0,\"foff\":25238,"
    "\"rssi\":-101,\"size\":23,\"data\":\"AAEzAIQAADMsCABQMT319zw9byPFygo=\"}]}";

static void test_sx1302_us915_real_datagram_three_rxpk(void **state)
{
    (void)state;
    parse_ok((const uint8_t *)sx1302_us915_3, sizeof sx1302_us915_3 - 1, &P);
    assert_int_equal(P.token, 0x7d9d);
    assert_int_equal(P.n_rxpk, 3);
    assert_int_equal(P.rxpk[0].freq_hz, 904500000);
    assert_int_equal(P.rxpk[0].stat, -1);
    assert_near(P.rxpk[0].lsnr, -13.2, 1e-5);
    assert_int_equal(P.rxpk[1].tmst, 4069131887u);
    assert_int_equal(P.rxpk[2].tmst, 4069131902u);
    assert_bytes(P.rxpk[2].data, P.rxpk[2].size, "AAEzAIQAADMsCABQMT319zw9byPFygo=");
}

/* "JSON up" from ChirpStack gateway-bridge's troubleshooting docs: time and tmms. */
static void test_chirpstack_docs_uplink_with_time_and_tmms(void **state)
{
    (void)state;
    parse_json_ok(SM_PUSH_DATA,
                  "{\"rxpk\":[{\"tmst\":661201908,\"time\":\"2020-10-06T13:25:02.523074Z\","
                  "\"tmms\":1286025921523,\"chan\":1,\"rfch\":1,\"freq\":868.300000,\"stat\":1,"
                  "\"modu\":\"LORA\",\"datr\":\"SF11BW125\",\"codr\":\"4/5\",\"lsnr\":8.0,"
                  "\"rssi\":-42,\"size\":23,\"data\":\"AAEAAAAAAAAAAQEBAQEBAQGheWrMbQo=\"}]}",
                  &P);
    const sm_rxpk *r = &P.rxpk[0];
    assert_true(r->has_time);
    assert_int_equal(r->time_unix_ns, 1601990702523074000LL);
    assert_int_equal(r->tmst, 661201908);
    assert_int_equal(r->freq_hz, 868300000);
    assert_int_equal(r->sf, 11);
    assert_near(r->lsnr, 8.0, 0);
    assert_int_equal(r->rssi, -42);
    assert_bytes(r->data, r->size, "AAEAAAAAAAAAAQEBAQEBAQGheWrMbQo=");
}

/* A MultiTech gateway's hex dump (EU868): the header 02 69 73 00 0000 6cc3 743e ed46, then the
 * JSON as logged. */
static void test_multitech_dump_eu868(void **state)
{
    (void)state;
    static const char dump[] =
        "\x02\x69\x73\x00\x00\x00\x6c\xc3\x74\x3e\xed\x46"
        "{\"rxpk\":[{\"tmst\":10344403,\"time\":\"2021-02-24T21:16:42.906774Z\","
        "\"tmms\":1298236621906,\"chan\":3,\"rfch\":0,\"freq\":867.100000,\"stat\":1,"
        "\"modu\":\"LORA\",\"datr\":\"SF7BW125\",\"codr\":\"4/5\",\"lsnr\":6.2,\"rssi\":-108,"
        "\"size\":53,\"data\":\"QAQBAAKAKQAC5YIGfMeKtU5JpTiu6UQx1aQkiwHWChl71bQxxvMlO2qilnIEbvG74"
        "hIRj2Y=\"}]}";
    parse_ok((const uint8_t *)dump, sizeof dump - 1, &P);
    assert_int_equal(P.token, 0x7369);
    assert_true(P.gw_eui == 0x00006cc3743eed46ull);
    assert_int_equal(P.rxpk[0].time_unix_ns, 1614201402906774000LL);
    assert_int_equal(P.rxpk[0].freq_hz, 867100000);
    assert_int_equal(P.rxpk[0].size, 53);
    assert_int_equal(P.rxpk[0].data[0], 0x40); /* unconfirmed data up */
}

/* The same gateway's PULL_DATA, 0251ff0200006cc3743eed46. */
static void test_real_pull_data_datagram(void **state)
{
    (void)state;
    static const uint8_t pull[] = {0x02, 0x51, 0xff, 0x02, 0x00, 0x00,
                                   0x6c, 0xc3, 0x74, 0x3e, 0xed, 0x46};
    parse_ok(pull, sizeof pull, &P);
    assert_int_equal(P.type, SM_PULL_DATA);
    assert_int_equal(P.token, 0xff51);
    assert_true(P.gw_eui == 0x00006cc3743eed46ull);
}

/* sx1302 on CN470 (a lora_pkt_fwd log quoted in a gateway write-up): 476.4 MHz. */
static void test_cn470_uplink_sx1302_log(void **state)
{
    (void)state;
    parse_json_ok(SM_PUSH_DATA,
                  "{\"rxpk\":[{\"jver\":1,\"tmst\":29446526,\"chan\":5,\"rfch\":1,"
                  "\"freq\":476.400000,\"mid\": 1,\"stat\":1,\"modu\":\"LORA\","
                  "\"datr\":\"SF12BW125\",\"codr\":\"4/5\",\"rssis\":-86,\"lsnr\":-1.2,"
                  "\"foff\":-124,\"rssi\":-83,\"size\":20,"
                  "\"data\":\"QQwgUBMAAgACAEExQjJDM0Q0RTU=\"}]}",
                  &P);
    assert_int_equal(P.rxpk[0].freq_hz, 476400000);
    assert_int_equal(P.rxpk[0].sf, 12);
    assert_int_equal(P.rxpk[0].rssi, -83); /* "rssi", not "rssis" */
    assert_near(P.rxpk[0].lsnr, -1.2, 1e-5);
}

/* Multi-antenna gateways send rsig (fields as ChirpStack's gateway bridge reads them): the
 * strongest antenna's rssic and lsnr are kept. */
static void test_rsig_takes_strongest_antenna(void **state)
{
    (void)state;
    parse_json_ok(SM_PUSH_DATA,
                  "{\"rxpk\":[{\"tmst\":1000000,\"freq\":868.3,\"brd\":2,\"aesk\":7,\"chan\":1,"
                  "\"rfch\":3,\"stat\":1,\"modu\":\"LORA\",\"datr\":\"SF12BW125\",\"codr\":\"4/5\","
                  "\"size\":5,\"data\":\"AQIDBAU=\",\"rsig\":[{\"ant\":8,\"chan\":9,\"lsnr\":6.6,"
                  "\"etime\":\"AgMEBQ==\",\"rssic\":-80},{\"ant\":9,\"chan\":10,\"lsnr\":7.7,"
                  "\"rssic\":-70}]}]}",
                  &P);
    assert_int_equal(P.rxpk[0].rssi, -70);
    assert_near(P.rxpk[0].lsnr, 7.7, 1e-5);
}

/* "JSON down" of a Dragino gateway's lora_pkt_fwd log: a class A downlink at tmst, with the
 * gateway-specific brd/ant the parser ignores. */
static void test_dragino_pull_resp_log(void **state)
{
    (void)state;
    parse_json_ok(SM_PULL_RESP,
                  "{\"txpk\":{\"imme\":false,\"tmst\":223809339,\"freq\":868.1,\"rfch\":0,"
                  "\"powe\":14,\"modu\":\"LORA\",\"datr\":\"SF7BW125\",\"codr\":\"4/5\","
                  "\"ipol\":true,\"size\":17,\"data\":\"YF03DAaFAwADVwcAAZCWkmo=\",\"brd\":0,"
                  "\"ant\":0}}",
                  &P);
    const sm_txpk *t = &P.txpk;
    assert_int_equal(P.type, SM_PULL_RESP);
    assert_int_equal(P.token, TOKEN);
    assert_false(t->imme);
    assert_int_equal(t->tmst, 223809339);
    assert_int_equal(t->freq_hz, 868100000);
    assert_int_equal(t->rfch, 0);
    assert_int_equal(t->powe, 14);
    assert_true(t->lora);
    assert_int_equal(t->sf, 7);
    assert_int_equal(t->bw_khz, 125);
    assert_string_equal(t->codr, "4/5");
    assert_true(t->ipol);
    assert_false(t->ncrc);
    assert_ptr_equal(t->data, P.txpk_data);
    assert_bytes(t->data, t->size, "YF03DAaFAwADVwcAAZCWkmo=");
}

/* PROTOCOL.md's txpk examples end their unpadded data in 'v', whose low bits are not zero: not
 * canonical base64, refused like any other garbage. */
static void test_protocol_md_txpk_example_data_is_not_canonical(void **state)
{
    (void)state;
    expect_json_error(SM_PULL_RESP,
                      "{\"txpk\":{\"imme\":true,\"freq\":864.123456,\"rfch\":0,\"powe\":14,"
                      "\"modu\":\"LORA\",\"datr\":\"SF11BW125\",\"codr\":\"4/6\",\"ipol\":false,"
                      "\"size\":32,\"data\":\"H3P3N2i9qc4yt7rK7ldqoeCVJGBybzPY5h1Dd7P7p8v\"}}",
                      "txpk.data is not base64");
}

/* PROTOCOL.md's FSK txpk (with canonical data): fdev is read and ignored. */
static void test_pull_resp_fsk_example(void **state)
{
    (void)state;
    parse_json_ok(SM_PULL_RESP,
                  "{\"txpk\":{\"imme\":true,\"freq\":861.3,\"rfch\":0,\"powe\":12,"
                  "\"modu\":\"FSK\",\"datr\":50000,\"fdev\":3000,\"size\":16,"
                  "\"data\":\"VEVTVF9QQUNLRVRfMTIzNA==\"}}",
                  &P);
    assert_true(P.txpk.imme);
    assert_int_equal(P.txpk.freq_hz, 861300000);
    assert_false(P.txpk.lora);
    assert_int_equal(P.txpk.fsk_bitrate, 50000);
    assert_null(P.txpk.codr);
    assert_int_equal(P.txpk.powe, 12);
    assert_memory_equal(P.txpk.data, "TEST_PACKET_1234", 16);
}

/* ---- TX_ACK and the short packets ---- */

static void test_tx_ack_without_json_is_success(void **state)
{
    (void)state;
    uint8_t buf[64];
    parse_ok(buf, dgram(buf, sizeof buf, SM_TX_ACK, NULL), &P);
    assert_int_equal(P.type, SM_TX_ACK);
    assert_true(P.gw_eui == EUI);
    assert_string_equal(P.tx_error, "");
}

static void test_tx_ack_with_error(void **state)
{
    (void)state;
    parse_json_ok(SM_TX_ACK, "{\"txpk_ack\":{\n\t\"error\":\"COLLISION_PACKET\"\n}}", &P);
    assert_string_equal(P.tx_error, "COLLISION_PACKET");
    parse_json_ok(SM_TX_ACK, "{\"txpk_ack\":{\"error\":\"TOO_LATE\"}}", &P);
    assert_string_equal(P.tx_error, "TOO_LATE");
}

/* "NONE" (older forwarders say it on success), sx1302's TX_POWER warning, an empty object or
 * an empty txpk_ack: all success. */
static void test_tx_ack_none_and_warning_are_success(void **state)
{
    (void)state;
    parse_json_ok(SM_TX_ACK, "{\"txpk_ack\":{\"error\":\"NONE\"}}", &P);
    assert_string_equal(P.tx_error, "NONE");
    parse_json_ok(SM_TX_ACK, "{\"txpk_ack\":{\"warn\":\"TX_POWER\",\"value\":20}}", &P);
    assert_string_equal(P.tx_error, "");
    parse_json_ok(SM_TX_ACK, "{\"txpk_ack\":{}}", &P);
    assert_string_equal(P.tx_error, "");
    parse_json_ok(SM_TX_ACK, "{}", &P);
    assert_string_equal(P.tx_error, "");
}

/* A forwarder that sends its C string's terminator, or whitespace, has sent no JSON. */
static void test_tx_ack_trailing_nul_or_space_is_success(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t n = dgram(buf, sizeof buf, SM_TX_ACK, NULL);
    buf[n] = '\0';
    parse_ok(buf, n + 1, &P);
    assert_string_equal(P.tx_error, "");
    parse_json_ok(SM_TX_ACK, " \r\n", &P);
    assert_string_equal(P.tx_error, "");
}

static void test_acks_parse(void **state)
{
    (void)state;
    static const uint8_t push_ack[] = {2, 0x86, 0x7e, 1}, pull_ack[] = {2, 0x51, 0xff, 4};
    parse_ok(push_ack, sizeof push_ack, &P);
    assert_int_equal(P.type, SM_PUSH_ACK);
    assert_int_equal(P.token, 0x7e86);
    assert_true(P.gw_eui == 0);
    parse_ok(pull_ack, sizeof pull_ack, &P);
    assert_int_equal(P.type, SM_PULL_ACK);
    assert_int_equal(P.token, 0xff51);
}

/* The token goes out in the bytes it came in (little-endian, as ChirpStack reads it), the EUI
 * as printed (big-endian). */
static void test_token_little_endian_eui_big_endian(void **state)
{
    (void)state;
    uint8_t out[12];
    assert_int_equal(sm_ack(SM_PUSH_ACK, 0x7e86, out), 4);
    static const uint8_t want_ack[] = {2, 0x86, 0x7e, 1};
    assert_memory_equal(out, want_ack, 4);
    assert_int_equal(sm_pull_data(0xff51, 0x00006cc3743eed46ull, out, sizeof out), 12);
    static const uint8_t want_pull[] = {0x02, 0x51, 0xff, 0x02, 0x00, 0x00,
                                        0x6c, 0xc3, 0x74, 0x3e, 0xed, 0x46};
    assert_memory_equal(out, want_pull, 12);
}

/* ---- fields ---- */

static void test_base64_padded_and_unpadded(void **state)
{
    (void)state;
    static const char *const forms[][2] = {
        {"AQI=", "AQI"}, {"AQ==", "AQ"}, {"AQID", "AQID"}, {"AQIDBAU=", "AQIDBAU"}};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        for (int k = 0; k < 2; k++) {
            char json[256];
            size_t want = strlen(forms[i][1]) * 3 / 4;
            snprintf(json, sizeof json,
                     "{\"rxpk\":[{\"tmst\":1,\"freq\":868.1,\"modu\":\"LORA\","
                     "\"datr\":\"SF7BW125\",\"size\":%zu,\"data\":\"%s\"}]}",
                     want, forms[i][k]);
            parse_json_ok(SM_PUSH_DATA, json, &P);
            assert_int_equal(P.rxpk[0].size, want);
            assert_int_equal(P.rxpk[0].data[0], 1);
        }
}

/* An empty payload is allowed (size 0, data ""). */
static void test_empty_payload(void **state)
{
    (void)state;
    parse_json_ok(SM_PUSH_DATA,
                  "{\"rxpk\":[{\"tmst\":1,\"freq\":868.1,\"modu\":\"LORA\",\"datr\":\"SF7BW125\","
                  "\"size\":0,\"data\":\"\"}]}",
                  &P);
    assert_int_equal(P.rxpk[0].size, 0);
}

static int64_t parse_time(const char *t)
{
    char json[256];
    snprintf(json, sizeof json,
             "{\"rxpk\":[{\"time\":\"%s\",\"tmst\":1,\"freq\":868.1,\"modu\":\"LORA\","
             "\"datr\":\"SF7BW125\",\"size\":1,\"data\":\"AQ==\"}]}",
             t);
    parse_json_ok(SM_PUSH_DATA, json, &P);
    assert_true(P.rxpk[0].has_time);
    return P.rxpk[0].time_unix_ns;
}

/* ISO 8601 UTC as forwarders write it: 6 fraction digits (Semtech), 7 (a .NET stack), none,
 * a +HH:MM/-HH:MM offset, leap days, the epoch. */
static void test_time_formats(void **state)
{
    (void)state;
    assert_int_equal(parse_time("2016-07-24T00:55:08.864752Z"), 1469321708864752000LL);
    assert_int_equal(parse_time("2018-03-27T14:15:00.1849262Z"), 1522160100184926200LL);
    assert_int_equal(parse_time("2018-03-27T14:15:00Z"), 1522160100000000000LL);
    assert_int_equal(parse_time("2018-03-27T14:15:00.123456789123Z"), 1522160100123456789LL);
    assert_int_equal(parse_time("2018-03-27T16:15:00.5+02:00"), 1522160100500000000LL);
    assert_int_equal(parse_time("2018-03-27T09:45:00-04:30"), 1522160100000000000LL);
    assert_int_equal(parse_time("2024-02-29T00:00:00Z"), 1709164800000000000LL);
    assert_int_equal(parse_time("2000-02-29T12:00:00Z"), 951825600000000000LL);
    assert_int_equal(parse_time("1970-01-01T00:00:00Z"), 0);
}

/* The limits: 32 rxpk of 255 bytes each. */
static void test_max_rxpk_and_max_data_accepted(void **state)
{
    (void)state;
    static char json[32 * 512 + 64], b64[400];
    static uint8_t data[SM_MAX_DATA];
    for (int i = 0; i < SM_MAX_DATA; i++)
        data[i] = (uint8_t)(i * 7);
    /* 255 bytes = 85 groups of 3 */
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t k = 0;
    for (int i = 0; i < SM_MAX_DATA; i += 3) {
        unsigned v = (unsigned)data[i] << 16 | (unsigned)data[i + 1] << 8 | data[i + 2];
        for (int s = 18; s >= 0; s -= 6)
            b64[k++] = abc[(v >> s) & 63];
    }
    b64[k] = '\0';
    size_t o = (size_t)snprintf(json, sizeof json, "{\"rxpk\":[");
    for (int i = 0; i < SM_MAX_RXPK; i++)
        o += (size_t)snprintf(json + o, sizeof json - o,
                              "%s{\"tmst\":%d,\"freq\":868.1,\"modu\":\"LORA\","
                              "\"datr\":\"SF7BW125\",\"size\":255,\"data\":\"%s\"}",
                              i ? "," : "", i, b64);
    snprintf(json + o, sizeof json - o, "]}");
    parse_json_ok(SM_PUSH_DATA, json, &P);
    assert_int_equal(P.n_rxpk, SM_MAX_RXPK);
    assert_int_equal(P.rxpk[31].tmst, 31);
    assert_int_equal(P.rxpk[31].size, 255);
    assert_memory_equal(P.rxpk[31].data, data, 255);
}

static void test_too_many_rxpk_refused(void **state)
{
    (void)state;
    static char json[33 * 128 + 64];
    size_t o = (size_t)snprintf(json, sizeof json, "{\"rxpk\":[");
    for (int i = 0; i <= SM_MAX_RXPK; i++)
        o += (size_t)snprintf(json + o, sizeof json - o,
                              "%s{\"tmst\":%d,\"freq\":868.1,\"modu\":\"LORA\","
                              "\"datr\":\"SF7BW125\",\"size\":1,\"data\":\"AQ==\"}",
                              i ? "," : "", i);
    snprintf(json + o, sizeof json - o, "]}");
    expect_json_error(SM_PUSH_DATA, json, "rxpk has 33 packets, more than 32");
}

static void test_data_longer_than_255_refused(void **state)
{
    (void)state;
    char json[1024], b64[400];
    memset(b64, 'A', 344); /* 258 bytes */
    b64[344] = '\0';
    snprintf(json, sizeof json,
             "{\"rxpk\":[{\"tmst\":1,\"freq\":868.1,\"modu\":\"LORA\",\"datr\":\"SF7BW125\","
             "\"size\":255,\"data\":\"%s\"}]}",
             b64);
    expect_json_error(SM_PUSH_DATA, json, "rxpk[0].data is longer than 255 bytes");
}

/* ---- bad datagrams ---- */

#define OK_RX      "\"tmst\":1,\"freq\":868.1,\"modu\":\"LORA\",\"datr\":\"SF7BW125\""
#define OK_DATA    "\"size\":3,\"data\":\"AQID\""
#define RX(fields) "{\"rxpk\":[{" fields "}]}"
#define TX(fields) "{\"txpk\":{" fields "}}"
#define OK_TX                                                                                      \
    "\"imme\":true,\"freq\":869.525,\"rfch\":0,"                                                   \
    "\"modu\":\"LORA\",\"datr\":\"SF9BW125\""

static const struct bad {
    uint8_t type;
    const char *json;
    const char *want;
} bad_json[] = {
    /* JSON shape */
    {SM_PUSH_DATA, "{", "PUSH_DATA JSON is invalid at byte 13"},
    {SM_PUSH_DATA, "{\"rxpk\":[]}x", "PUSH_DATA JSON is invalid"},
    {SM_PUSH_DATA, "[]", "PUSH_DATA JSON is not an object"},
    {SM_PUSH_DATA, "\"rxpk\"", "PUSH_DATA JSON is invalid at byte 18: '[' or '{' expected"},
    {SM_PUSH_DATA, "{\"rxpk\":{}}", "rxpk is not an array"},
    {SM_PUSH_DATA, "{\"rxpk\":[1]}", "rxpk[0] is not an object"},
    {SM_PUSH_DATA, "{\"rxpk\":[{" OK_RX "," OK_DATA "},null]}", "rxpk[1] is not an object"},
    /* timestamps */
    {SM_PUSH_DATA, RX("\"freq\":868.1,\"modu\":\"LORA\",\"datr\":\"SF7BW125\"," OK_DATA),
     "rxpk[0].tmst is missing"},
    {SM_PUSH_DATA, RX("\"tmst\":\"1\",\"freq\":868.1"), "rxpk[0].tmst is not an integer"},
    {SM_PUSH_DATA, RX("\"tmst\":4294967296"), "rxpk[0].tmst is not an integer in 0..4294967295"},
    {SM_PUSH_DATA, RX("\"tmst\":-1"), "rxpk[0].tmst is not an integer"},
    {SM_PUSH_DATA, RX("\"tmst\":1.5"), "rxpk[0].tmst is not an integer"},
    {SM_PUSH_DATA, RX(OK_RX ",\"time\":\"2013-02-29T16:21:17.528002Z\"," OK_DATA),
     "rxpk[0].time \"2013-02-29T16:21:17.528002Z\" is not an ISO 8601 UTC time"},
    {SM_PUSH_DATA, RX(OK_RX ",\"time\":\"2013-03-31T16:21:17.528002\"," OK_DATA),
     "rxpk[0].time \"2013-03-31T16:21:17.528002\" is not an ISO 8601"},
    {SM_PUSH_DATA, RX(OK_RX ",\"time\":\"2013-03-31T24:00:00Z\"," OK_DATA),
     "rxpk[0].time \"2013-03-31T24:00:00Z\" is not"},
    {SM_PUSH_DATA, RX(OK_RX ",\"time\":\"2014-01-12 08:59:28 GMT\"," OK_DATA),
     "rxpk[0].time \"2014-01-12 08:59:28 GMT\" is not"},
    {SM_PUSH_DATA, RX(OK_RX ",\"time\":\"yesterday\"," OK_DATA),
     "rxpk[0].time \"yesterday\" is not"},
    {SM_PUSH_DATA, RX(OK_RX ",\"time\":\"1969-12-31T23:59:59Z\"," OK_DATA), "rxpk[0].time"},
    {SM_PUSH_DATA, RX(OK_RX ",\"time\":\"2013-03-31T16:21:17.Z\"," OK_DATA), "rxpk[0].time"},
    {SM_PUSH_DATA, RX(OK_RX ",\"time\":1364746877," OK_DATA), "rxpk[0].time is not a string"},
    /* radio */
    {SM_PUSH_DATA, RX("\"tmst\":1,\"modu\":\"LORA\",\"datr\":\"SF7BW125\"," OK_DATA),
     "rxpk[0].freq is missing"},
    {SM_PUSH_DATA, RX("\"tmst\":1,\"freq\":\"868.1\""), "rxpk[0].freq is not a number (MHz)"},
    {SM_PUSH_DATA, RX("\"tmst\":1,\"freq\":2400"),
     "rxpk[0].freq 2400.000000 MHz is out of range (137..1020 MHz)"},
    {SM_PUSH_DATA, RX("\"tmst\":1,\"freq\":0"), "rxpk[0].freq 0.000000 MHz is out of range"},
    {SM_PUSH_DATA, RX("\"tmst\":1,\"freq\":-868.1"), "rxpk[0].freq -868.100000 MHz is out"},
    {SM_PUSH_DATA, RX("\"tmst\":1,\"freq\":868.1,\"chan\":256"),
     "rxpk[0].chan is not an integer in 0..255"},
    {SM_PUSH_DATA, RX("\"tmst\":1,\"freq\":868.1,\"rfch\":-1"), "rxpk[0].rfch is not an integer"},
    {SM_PUSH_DATA, RX("\"tmst\":1,\"freq\":868.1,\"stat\":2"),
     "rxpk[0].stat is not 1 (CRC OK), -1 (CRC bad) or 0 (no CRC)"},
    {SM_PUSH_DATA, RX("\"tmst\":1,\"freq\":868.1,\"stat\":\"OK\""), "rxpk[0].stat is not 1"},
    {SM_PUSH_DATA, RX("\"tmst\":1,\"freq\":868.1,\"datr\":\"SF7BW125\"," OK_DATA),
     "rxpk[0].modu is missing"},
    {SM_PUSH_DATA, RX("\"tmst\":1,\"freq\":868.1,\"modu\":\"LORA2\",\"datr\":\"SF7BW125\""),
     "rxpk[0].modu \"LORA2\" is neither \"LORA\" nor \"FSK\""},
    {SM_PUSH_DATA, RX("\"tmst\":1,\"freq\":868.1,\"modu\":\"LORA\"," OK_DATA),
     "rxpk[0].datr is missing"},
    {SM_PUSH_DATA,
     "{\"rxpk\":[{" OK_RX "," OK_DATA "},{" OK_RX "," OK_DATA "},{\"tmst\":1,\"freq\":868.1,"
     "\"modu\":\"LORA\",\"datr\":\"SF99BW125\"," OK_DATA "}]}",
     "rxpk[2].datr \"SF99BW125\" is not SF7..SF12 with BW125/250/500"},
    {SM_PUSH_DATA, RX("\"tmst\":1,\"freq\":868.1,\"modu\":\"LORA\",\"datr\":\"SF6BW125\""),
     "rxpk[0].datr \"SF6BW125\" is not SF7..SF12"},
    {SM_PUSH_DATA, RX("\"tmst\":1,\"freq\":868.1,\"modu\":\"LORA\",\"datr\":\"SF7BW126\""),
     "rxpk[0].datr \"SF7BW126\" is not"},
    {SM_PUSH_DATA, RX("\"tmst\":1,\"freq\":868.1,\"modu\":\"LORA\",\"datr\":\"SF7BW125 \""),
     "rxpk[0].datr \"SF7BW125 \" is not"},
    {SM_PUSH_DATA, RX("\"tmst\":1,\"freq\":868.1,\"modu\":\"LORA\",\"datr\":\"sf7bw125\""),
     "rxpk[0].datr \"sf7bw125\" is not"},
    {SM_PUSH_DATA, RX("\"tmst\":1,\"freq\":868.1,\"modu\":\"LORA\",\"datr\":\"SF7\\nBW125\""),
     "rxpk[0].datr \"SF7?BW125\" is not"},
    {SM_PUSH_DATA, RX("\"tmst\":1,\"freq\":868.1,\"modu\":\"LORA\",\"datr\":50000"),
     "rxpk[0].datr is not a string like \"SF7BW125\" (modu is LORA)"},
    {SM_PUSH_DATA, RX("\"tmst\":1,\"freq\":868.1,\"modu\":\"FSK\",\"datr\":\"50000\""),
     "rxpk[0].datr is not an FSK bit rate in 500..250000 bit/s (modu is FSK)"},
    {SM_PUSH_DATA, RX("\"tmst\":1,\"freq\":868.1,\"modu\":\"FSK\",\"datr\":0"),
     "rxpk[0].datr is not an FSK bit rate"},
    {SM_PUSH_DATA, RX(OK_RX ",\"codr\":\"4/9\""),
     "rxpk[0].codr \"4/9\" is not 4/5, 4/6, 4/7, 4/8 or OFF"},
    {SM_PUSH_DATA, RX(OK_RX ",\"codr\":45"), "rxpk[0].codr is not a string"},
    /* signal */
    {SM_PUSH_DATA, RX(OK_RX ",\"rssi\":\"-35\""), "rxpk[0].rssi is not a number"},
    {SM_PUSH_DATA, RX(OK_RX ",\"rssi\":500"), "rxpk[0].rssi 500 is out of range (-250..50)"},
    {SM_PUSH_DATA, RX(OK_RX ",\"rssi\":-35,\"lsnr\":[5.1]"), "rxpk[0].lsnr is not a number"},
    {SM_PUSH_DATA, RX(OK_RX ",\"rsig\":[]"), "rxpk[0].rsig is not a non-empty array"},
    {SM_PUSH_DATA, RX(OK_RX ",\"rsig\":[{\"rssic\":-70},{\"lsnr\":1}]"),
     "rxpk[0].rsig[1] has no rssic"},
    /* payload */
    {SM_PUSH_DATA, RX(OK_RX ",\"data\":\"AQID\""), "rxpk[0].size is missing"},
    {SM_PUSH_DATA, RX(OK_RX ",\"size\":3"), "rxpk[0].data is missing"},
    {SM_PUSH_DATA, RX(OK_RX ",\"size\":3,\"data\":null"), "rxpk[0].data is not a string"},
    {SM_PUSH_DATA, RX(OK_RX ",\"size\":3,\"data\":\"!!!!\""), "rxpk[0].data is not base64"},
    {SM_PUSH_DATA, RX(OK_RX ",\"size\":3,\"data\":\"AQ ID\""), "rxpk[0].data is not base64"},
    {SM_PUSH_DATA, RX(OK_RX ",\"size\":3,\"data\":\"AQID=\""), "rxpk[0].data is not base64"},
    {SM_PUSH_DATA, RX(OK_RX ",\"size\":1,\"data\":\"A\""), "rxpk[0].data is not base64"},
    {SM_PUSH_DATA, RX(OK_RX ",\"size\":3,\"data\":\"AQ_D\""), "rxpk[0].data is not base64"},
    {SM_PUSH_DATA, RX(OK_RX ",\"size\":5,\"data\":\"AQID\""),
     "rxpk[0].size 5 does not match the 3 bytes of data"},
    {SM_PUSH_DATA, RX(OK_RX ",\"size\":256,\"data\":\"AQID\""),
     "rxpk[0].size 256 is more than 255 bytes"},
    {SM_PUSH_DATA, RX(OK_RX ",\"size\":-3,\"data\":\"AQID\""), "rxpk[0].size is not an integer"},
    /* stat */
    {SM_PUSH_DATA, "{\"stat\":[]}", "stat is not an object"},
    {SM_PUSH_DATA, "{\"stat\":{\"lati\":91,\"long\":3}}", "stat.lati 91 is out of range"},
    {SM_PUSH_DATA, "{\"stat\":{\"lati\":46.2,\"long\":\"3.2\"}}", "stat.long is not a number"},
    {SM_PUSH_DATA, "{\"stat\":{\"rxnb\":-1}}", "stat.rxnb is not an integer in 0..4294967295"},
    {SM_PUSH_DATA, "{\"stat\":{\"txnb\":1.5}}", "stat.txnb is not an integer"},
    {SM_PUSH_DATA, "{\"stat\":{\"ackr\":101}}", "stat.ackr 101 is out of range (0..100)"},
    {SM_PUSH_DATA, "{\"rxpk\":[{" OK_RX "," OK_DATA "}],\"stat\":1}", "stat is not an object"},
    /* PULL_RESP */
    {SM_PULL_RESP, "{}", "PULL_RESP has no \"txpk\" object"},
    {SM_PULL_RESP, "{\"txpk\":[]}", "txpk is not an object"},
    {SM_PULL_RESP, TX("\"freq\":869.525"), "txpk.tmst is missing and \"imme\" is not true"},
    {SM_PULL_RESP, TX("\"imme\":\"yes\""), "txpk.imme is not true or false"},
    {SM_PULL_RESP, TX("\"imme\":true,\"rfch\":0"), "txpk.freq is missing"},
    {SM_PULL_RESP, TX("\"imme\":true,\"freq\":869.525"), "txpk.rfch is missing"},
    {SM_PULL_RESP, TX(OK_TX ",\"powe\":14.5,\"codr\":\"4/5\"," OK_DATA),
     "txpk.powe 14.5 is not a whole number of dBm"},
    {SM_PULL_RESP, TX(OK_TX ",\"powe\":100"), "txpk.powe 100 is out of range (-20..40)"},
    {SM_PULL_RESP, TX(OK_TX "," OK_DATA), "txpk.codr is missing (modu is LORA)"},
    {SM_PULL_RESP, TX(OK_TX ",\"codr\":\"4/5\",\"ipol\":1," OK_DATA),
     "txpk.ipol is not true or false"},
    {SM_PULL_RESP, TX(OK_TX ",\"codr\":\"4/5\",\"ncrc\":\"true\"," OK_DATA),
     "txpk.ncrc is not true or false"},
    {SM_PULL_RESP, TX(OK_TX ",\"codr\":\"4/5\",\"size\":2,\"data\":\"AQID\""),
     "txpk.size 2 does not match the 3 bytes of data"},
    /* TX_ACK */
    {SM_TX_ACK, "{\"txpk_ack\":\"TOO_LATE\"}", "txpk_ack is not an object"},
    {SM_TX_ACK, "{\"txpk_ack\":{\"error\":5}}", "txpk_ack.error is not a string"},
    {SM_TX_ACK, "{\"txpk_ack\":{\"error\":\"too late!\"}}",
     "txpk_ack.error \"too late!\" is not an error name like TOO_LATE"},
    {SM_TX_ACK, "{\"txpk_ack\":{\"error\":\"A_VERY_LONG_ERROR_NAME_XX\"}}",
     "txpk_ack.error \"A_VERY_LONG_ERROR_NAME_X"},
    {SM_TX_ACK, "{\"txpk_ack\":", "TX_ACK JSON is invalid at byte 24"},
    {SM_TX_ACK, "[\"TOO_LATE\"]", "TX_ACK JSON is not an object"},
    /* JSON rules jansson kept that the streaming parser must keep too, in unknown keys as well */
    {SM_PUSH_DATA, "{\"x\":9223372036854775808}", "PUSH_DATA JSON is invalid at byte 36: too big"},
    {SM_PUSH_DATA, "{\"x\":-1e309}", "PUSH_DATA JSON is invalid at byte 23: real number overflow"},
    {SM_PUSH_DATA, "{\"x\":\"a\\u0000\"}", "\\u0000 is not allowed"},
    {SM_PUSH_DATA, "{\"x\":\"\\ud800\"}", "invalid Unicode '\\uD800'"},
    {SM_PUSH_DATA, "{\"x\":\"\xc0\x80\"}",
     "PUSH_DATA JSON is invalid at byte 18: unable to decode"},
    {SM_PUSH_DATA, "{\"rxpk\":[]\v}", "PUSH_DATA JSON is invalid at byte 23"},
    {SM_PUSH_DATA, "{} \"x", "PUSH_DATA JSON is invalid"},
};

static void test_bad_json_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_json / sizeof bad_json[0]; i++) {
        /* a good parse first, so a failure must clear what it leaves behind */
        parse_ok((const uint8_t *)sx1302_us915_2, sizeof sx1302_us915_2 - 1, &P);
        expect_json_error(bad_json[i].type, bad_json[i].json, bad_json[i].want);
    }
}

/* A key that comes twice counts with its last value (as in jansson's objects), whether the
 * first was good or bad; strings written with escapes are decoded, even where the parser keeps
 * them until the object closes; a value too big for the parser's stack arena still parses. */
static void test_duplicate_keys_and_escapes(void **state)
{
    (void)state;
    parse_json_ok(
        SM_PUSH_DATA,
        "{\"rxpk\":[1],\"rxpk\":[{\"tmst\":1,\"freq\":868.1,\"datr\":5,\"modu\":\"L\\u004fRA\","
        "\"datr\":\"\\u0053F9BW125\",\"size\":3,\"data\":\"AQ\\u0049D\",\"tmst\":7}]}",
        &P);
    assert_int_equal(P.n_rxpk, 1);
    assert_int_equal(P.rxpk[0].tmst, 7);
    assert_int_equal(P.rxpk[0].sf, 9);
    assert_bytes(P.rxpk[0].data, P.rxpk[0].size, "AQID");
    expect_json_error(SM_PUSH_DATA, RX(OK_RX ",\"datr\":\"SF9BW125\",\"datr\":5"),
                      "rxpk[0].datr is not a string");

    static char json[70000];
    size_t n = (size_t)snprintf(json, sizeof json, "{\"tmms\":\"");
    for (int i = 0; i < 10000; i++)
        n += (size_t)snprintf(json + n, sizeof json - n, "\\u00e9");
    snprintf(json + n, sizeof json - n, "\",\"rxpk\":[{" OK_RX "," OK_DATA "}]}");
    parse_json_ok(SM_PUSH_DATA, json, &P);
    assert_int_equal(P.n_rxpk, 1);
}

/* jansson's nesting limit, 2048 levels counting the value itself, holds inside ignored keys. */
static void test_nesting_limit(void **state)
{
    (void)state;
    static char json[8192];
    for (int depth = 2048; depth <= 2049; depth++) {
        size_t n = (size_t)snprintf(json, sizeof json, "{\"rxpk\":[],\"x\":");
        for (int i = 0; i < depth - 2; i++)
            json[n++] = '[';
        json[n++] = '1';
        for (int i = 0; i < depth - 2; i++)
            json[n++] = ']';
        snprintf(json + n, sizeof json - n, "}");
        if (depth == 2048)
            parse_json_ok(SM_PUSH_DATA, json, &P);
        else
            expect_json_error(SM_PUSH_DATA, json, "maximum parsing depth reached");
    }
}

/* Headers: versions, types, lengths. */
static void test_bad_headers(void **state)
{
    (void)state;
    uint8_t b[64] = {0};
    expect_error(b, 0, "datagram of 0 bytes is shorter than the 4-byte header");
    memcpy(b, "\x02\x01\x02", 3);
    expect_error(b, 3, "datagram of 3 bytes is shorter than the 4-byte header");
    memcpy(b, "\x01\x01\x02\x00", 4);
    expect_error(b, 4, "protocol version 1 is not supported (only version 2)");
    memcpy(b, "\x03\x01\x02\x01", 4);
    expect_error(b, 4, "protocol version 3 is not supported");
    memcpy(b, "\x02\x01\x02\x06", 4);
    expect_error(b, 4, "packet type 0x06 is unknown (0x00..0x05)");
    memcpy(b, "\x02\x01\x02\xff", 4);
    expect_error(b, 4, "packet type 0xff is unknown");
    size_t n = dgram(b, sizeof b, SM_PUSH_DATA, NULL);
    expect_error(b, 11, "PUSH_DATA of 11 bytes is shorter than its 12-byte header");
    expect_error(b, n, "PUSH_DATA has no JSON object after its 12-byte header");
    n = dgram(b, sizeof b, SM_PULL_DATA, NULL);
    expect_error(b, 4, "PULL_DATA of 4 bytes is shorter than its 12-byte header");
    b[n] = 0;
    expect_error(b, n + 1, "PULL_DATA of 13 bytes is longer than its 12 bytes");
    n = dgram(b, sizeof b, SM_PUSH_ACK, NULL);
    expect_error(b, n + 1, "PUSH_ACK of 5 bytes is longer than its 4 bytes");
    n = dgram(b, sizeof b, SM_PULL_ACK, "{}");
    expect_error(b, n, "PULL_ACK of 6 bytes is longer");
    n = dgram(b, sizeof b, SM_TX_ACK, NULL);
    expect_error(b, 8, "TX_ACK of 8 bytes is shorter than its 12-byte header");
    n = dgram(b, sizeof b, SM_PULL_RESP, NULL);
    expect_error(b, n, "PULL_RESP has no JSON object after its 4-byte header");
}

/* err may be NULL, or too small for the sentence: the parse still fails, nothing overflows. */
static void test_error_buffer_may_be_null_or_tiny(void **state)
{
    (void)state;
    uint8_t b[64];
    size_t n = dgram(b, sizeof b, SM_PUSH_DATA, "{\"rxpk\":{}}");
    assert_int_equal(sm_parse(b, n, &P, NULL, 0), -1);
    char err[8];
    memset(err, 'x', sizeof err);
    assert_int_equal(sm_parse(b, n, &P, err, 5), -1);
    assert_string_equal(err, "rxpk");
    assert_int_equal(err[5], 'x');
    n = dgram(b, sizeof b, SM_PUSH_DATA, RX("\"tmst\":-1"));
    assert_int_equal(sm_parse(b, n, &P, err, sizeof err), -1);
    assert_string_equal(err, "rxpk[0]");
    assert_int_equal(sm_parse(NULL, 4, &P, NULL, 0), -1);
}

/* ---- round trips ---- */

static sm_rxpk lora_rxpk(void)
{
    sm_rxpk r = {
        .tmst = 3512348611u,
        .has_time = true,
        .time_unix_ns = 1364746877528002000LL,
        .freq_hz = 866349812,
        .chan = 2,
        .rfch = 0,
        .stat = 1,
        .lora = true,
        .sf = 7,
        .bw_khz = 125,
        .codr = "4/6",
        .rssi = -35,
        .lsnr = 5.1f,
        .size = 5,
        .data = {0x40, 0x01, 0x02, 0x03, 0x04},
    };
    return r;
}

static void assert_rxpk_equal(const sm_rxpk *a, const sm_rxpk *b)
{
    assert_int_equal(a->tmst, b->tmst);
    assert_int_equal(a->has_time, b->has_time);
    if (a->has_time)
        assert_int_equal(a->time_unix_ns, b->time_unix_ns);
    assert_int_equal(a->freq_hz, b->freq_hz);
    assert_int_equal(a->chan, b->chan);
    assert_int_equal(a->rfch, b->rfch);
    assert_int_equal(a->stat, b->stat);
    assert_int_equal(a->lora, b->lora);
    assert_int_equal(a->sf, b->sf);
    assert_int_equal(a->bw_khz, b->bw_khz);
    assert_int_equal(a->fsk_bitrate, b->fsk_bitrate);
    assert_string_equal(a->codr, b->codr);
    assert_int_equal(a->rssi, b->rssi);
    assert_near(a->lsnr, b->lsnr, 1e-6);
    assert_int_equal(a->size, b->size);
    assert_memory_equal(a->data, b->data, a->size);
}

static void test_round_trip_push_data(void **state)
{
    (void)state;
    sm_rxpk rx[3] = {lora_rxpk(), lora_rxpk(), lora_rxpk()};
    rx[1] = (sm_rxpk){.tmst = 7,
                      .freq_hz = 869100000,
                      .chan = 9,
                      .rfch = 1,
                      .stat = -1,
                      .lora = false,
                      .fsk_bitrate = 50000,
                      .rssi = -75,
                      .size = 16};
    memcpy(rx[1].data, "TEST_PACKET_1234", 16);
    rx[2].sf = 12;
    rx[2].bw_khz = 500;
    rx[2].freq_hz = 923300000;
    rx[2].codr[0] = '\0'; /* no codr: none written, none read */
    rx[2].has_time = false;
    rx[2].size = SM_MAX_DATA;
    for (int i = 0; i < SM_MAX_DATA; i++)
        rx[2].data[i] = (uint8_t)(255 - i);
    sm_stat st = {.has_location = true,
                  .lat = 46.24,
                  .lon = -3.2523,
                  .alt = -12,
                  .rxnb = 10,
                  .rxok = 9,
                  .rxfw = 8,
                  .ackr = 87.5,
                  .dwnb = 4294967295u,
                  .txnb = 2};
    uint8_t buf[4096];
    int n = sm_push_data(0xbeef, EUI, rx, 3, &st, buf, sizeof buf);
    assert_true(n > 12);
    parse_ok(buf, (size_t)n, &Q);
    assert_int_equal(Q.type, SM_PUSH_DATA);
    assert_int_equal(Q.token, 0xbeef);
    assert_true(Q.gw_eui == EUI);
    assert_int_equal(Q.n_rxpk, 3);
    for (int i = 0; i < 3; i++)
        assert_rxpk_equal(&Q.rxpk[i], &rx[i]);
    assert_true(Q.has_stat);
    assert_true(Q.stat.has_location);
    assert_near(Q.stat.lat, st.lat, 1e-9);
    assert_near(Q.stat.lon, st.lon, 1e-9);
    assert_int_equal(Q.stat.alt, st.alt);
    assert_int_equal(Q.stat.rxnb, 10);
    assert_int_equal(Q.stat.rxok, 9);
    assert_int_equal(Q.stat.rxfw, 8);
    assert_near(Q.stat.ackr, 87.5, 1e-9);
    assert_int_equal(Q.stat.dwnb, 4294967295u);
    assert_int_equal(Q.stat.txnb, 2);
}

/* The forwarder's own shape: what sm_push_data writes reads like lora_pkt_fwd's output. */
static void test_push_data_text(void **state)
{
    (void)state;
    sm_rxpk rx = lora_rxpk();
    uint8_t buf[1024];
    int n = sm_push_data(1, EUI, &rx, 1, NULL, buf, sizeof buf - 1);
    assert_true(n > 12);
    buf[n] = '\0';
    assert_string_equal((const char *)buf + 12,
                        "{\"rxpk\":[{\"tmst\":3512348611,\"time\":\"2013-03-31T16:21:17.528002Z\","
                        "\"chan\":2,\"rfch\":0,\"freq\":866.349812,\"stat\":1,\"modu\":\"LORA\","
                        "\"datr\":\"SF7BW125\",\"codr\":\"4/6\",\"lsnr\":5.1,\"rssi\":-35,"
                        "\"size\":5,\"data\":\"QAECAwQ=\"}]}");
}

static void test_round_trip_stat_only_and_empty(void **state)
{
    (void)state;
    uint8_t buf[512];
    sm_stat st = {.rxnb = 1, .ackr = 100};
    int n = sm_push_data(2, EUI, NULL, 0, &st, buf, sizeof buf);
    assert_true(n > 12);
    parse_ok(buf, (size_t)n, &Q);
    assert_int_equal(Q.n_rxpk, 0);
    assert_true(Q.has_stat);
    assert_false(Q.stat.has_location);
    assert_int_equal(Q.stat.rxnb, 1);
    n = sm_push_data(3, EUI, NULL, 0, NULL, buf, sizeof buf);
    assert_int_equal(n, 14); /* header + "{}" */
    parse_ok(buf, (size_t)n, &Q);
    assert_int_equal(Q.n_rxpk, 0);
    assert_false(Q.has_stat);
}

static void assert_txpk_round_trip(const sm_txpk *tx)
{
    uint8_t buf[1024];
    int n = sm_pull_resp(0x4242, tx, buf, sizeof buf);
    assert_true(n > 4);
    parse_ok(buf, (size_t)n, &Q);
    const sm_txpk *t = &Q.txpk;
    assert_int_equal(Q.type, SM_PULL_RESP);
    assert_int_equal(Q.token, 0x4242);
    assert_int_equal(t->imme, tx->imme);
    assert_int_equal(t->tmst, tx->imme ? 0 : tx->tmst);
    assert_int_equal(t->freq_hz, tx->freq_hz);
    assert_int_equal(t->rfch, tx->rfch);
    assert_int_equal(t->powe, tx->powe);
    assert_int_equal(t->lora, tx->lora);
    assert_int_equal(t->sf, tx->sf);
    assert_int_equal(t->bw_khz, tx->bw_khz);
    assert_int_equal(t->fsk_bitrate, tx->fsk_bitrate);
    if (tx->lora)
        assert_string_equal(t->codr, tx->codr ? tx->codr : "4/5");
    assert_int_equal(t->ipol, tx->ipol);
    assert_int_equal(t->ncrc, tx->ncrc);
    assert_int_equal(t->size, tx->size);
    assert_memory_equal(t->data, tx->data, tx->size);
}

static void test_round_trip_pull_resp(void **state)
{
    (void)state;
    static const uint8_t join_accept[33] = {0x20, 1,  2,  3,  4,  5,  6,  7,  8,  9,  10,
                                            11,   12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
                                            22,   23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
    sm_txpk a = {.tmst = 4294967295u,
                 .freq_hz = 868300000,
                 .rfch = 0,
                 .powe = 14,
                 .lora = true,
                 .sf = 7,
                 .bw_khz = 125,
                 .codr = "4/5",
                 .ipol = true,
                 .ncrc = true,
                 .data = join_accept,
                 .size = sizeof join_accept};
    assert_txpk_round_trip(&a);
    sm_txpk b = a;
    b.imme = true; /* class C */
    b.freq_hz = 869525000;
    b.powe = 27;
    b.sf = 12;
    b.codr = NULL; /* defaults to 4/5 */
    b.ncrc = false;
    assert_txpk_round_trip(&b);
    sm_txpk c = {.tmst = 1,
                 .freq_hz = 868800000,
                 .rfch = 1,
                 .powe = 0,
                 .lora = false,
                 .fsk_bitrate = 50000,
                 .data = join_accept,
                 .size = 0};
    assert_txpk_round_trip(&c);
    sm_txpk d = a;
    d.sf = 8;
    d.bw_khz = 500;
    d.freq_hz = 927500000;
    d.powe = -3;
    d.codr = "4/8";
    d.size = 0;
    assert_txpk_round_trip(&d);
}

/* What the gateway reads: freq with six decimals, datr "SF9BW125", imme or tmst, base64. */
static void test_pull_resp_text(void **state)
{
    (void)state;
    static const uint8_t data[] = {0x60, 0x5d, 0x37, 0x0c};
    sm_txpk tx = {.imme = false,
                  .tmst = 223809339,
                  .freq_hz = 868100000,
                  .rfch = 0,
                  .powe = 14,
                  .lora = true,
                  .sf = 9,
                  .bw_khz = 125,
                  .codr = "4/5",
                  .ipol = true,
                  .data = data,
                  .size = sizeof data};
    uint8_t buf[512];
    int n = sm_pull_resp(0x3553, &tx, buf, sizeof buf - 1);
    assert_true(n > 4);
    buf[n] = '\0';
    static const uint8_t head[] = {2, 0x53, 0x35, 3};
    assert_memory_equal(buf, head, 4);
    assert_string_equal((const char *)buf + 4,
                        "{\"txpk\":{\"tmst\":223809339,\"freq\":868.100000,\"rfch\":0,\"powe\":14,"
                        "\"modu\":\"LORA\",\"datr\":\"SF9BW125\",\"codr\":\"4/5\",\"ipol\":true,"
                        "\"size\":4,\"data\":\"YF03DA==\"}}");
    tx.imme = true;
    tx.ncrc = true;
    tx.freq_hz = 923300001;
    n = sm_pull_resp(0x3553, &tx, buf, sizeof buf - 1);
    buf[n] = '\0';
    assert_non_null(strstr((const char *)buf + 4, "{\"txpk\":{\"imme\":true,\"freq\":923.300001,"));
    assert_null(strstr((const char *)buf + 4, "tmst"));
    assert_non_null(strstr((const char *)buf + 4, ",\"ncrc\":true}}"));
    sm_txpk fsk = {.imme = true,
                   .freq_hz = 868800000,
                   .lora = false,
                   .fsk_bitrate = 50000,
                   .data = data,
                   .size = sizeof data,
                   .powe = 14};
    n = sm_pull_resp(1, &fsk, buf, sizeof buf - 1);
    buf[n] = '\0';
    assert_non_null(
        strstr((const char *)buf + 4, "\"modu\":\"FSK\",\"datr\":50000,\"fdev\":25000,"));
}

static void test_round_trip_pull_data_tx_ack_and_acks(void **state)
{
    (void)state;
    uint8_t buf[128];
    assert_int_equal(sm_pull_data(0x0102, EUI, buf, sizeof buf), 12);
    parse_ok(buf, 12, &Q);
    assert_int_equal(Q.type, SM_PULL_DATA);
    assert_int_equal(Q.token, 0x0102);
    assert_true(Q.gw_eui == EUI);

    assert_int_equal(sm_tx_ack(7, EUI, NULL, buf, sizeof buf), 12);
    parse_ok(buf, 12, &Q);
    assert_int_equal(Q.type, SM_TX_ACK);
    assert_int_equal(Q.token, 7);
    assert_string_equal(Q.tx_error, "");
    static const char *const errors[] = {
        "NONE",    "TOO_LATE", "TOO_EARLY",   "COLLISION_PACKET", "COLLISION_BEACON",
        "TX_FREQ", "TX_POWER", "GPS_UNLOCKED"};
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        int n = sm_tx_ack(8, EUI, errors[i], buf, sizeof buf);
        assert_true(n > 12);
        parse_ok(buf, (size_t)n, &Q);
        assert_string_equal(Q.tx_error, errors[i]);
    }

    for (uint8_t type = SM_PUSH_ACK; type <= SM_PULL_ACK; type += 3) {
        assert_int_equal(sm_ack(type, 0xabcd, buf), 4);
        parse_ok(buf, 4, &Q);
        assert_int_equal(Q.type, type);
        assert_int_equal(Q.token, 0xabcd);
    }
}

/* ---- builders refuse what they cannot write correctly ---- */

static void test_builders_refuse_bad_input(void **state)
{
    (void)state;
    uint8_t buf[2048];
    static const uint8_t d[4] = {1, 2, 3, 4};
    sm_txpk ok = {.imme = true,
                  .freq_hz = 869525000,
                  .powe = 27,
                  .lora = true,
                  .sf = 9,
                  .bw_khz = 125,
                  .codr = "4/5",
                  .ipol = true,
                  .data = d,
                  .size = 4};
    assert_true(sm_pull_resp(1, &ok, buf, sizeof buf) > 0);
    sm_txpk t = ok;
    t.sf = 6;
    assert_int_equal(sm_pull_resp(1, &t, buf, sizeof buf), -1);
    t = ok;
    t.bw_khz = 200;
    assert_int_equal(sm_pull_resp(1, &t, buf, sizeof buf), -1);
    t = ok;
    t.freq_hz = 2400000000u;
    assert_int_equal(sm_pull_resp(1, &t, buf, sizeof buf), -1);
    t = ok;
    t.codr = "4/9\"";
    assert_int_equal(sm_pull_resp(1, &t, buf, sizeof buf), -1);
    t = ok;
    t.size = 256;
    assert_int_equal(sm_pull_resp(1, &t, buf, sizeof buf), -1);
    t = ok;
    t.data = NULL;
    assert_int_equal(sm_pull_resp(1, &t, buf, sizeof buf), -1);
    t = ok;
    t.powe = 41;
    assert_int_equal(sm_pull_resp(1, &t, buf, sizeof buf), -1);
    t = ok;
    t.lora = false;
    t.fsk_bitrate = 0;
    assert_int_equal(sm_pull_resp(1, &t, buf, sizeof buf), -1);
    assert_int_equal(sm_pull_resp(1, NULL, buf, sizeof buf), -1);

    sm_rxpk rx = lora_rxpk();
    strcpy(rx.codr, "4/\"");
    assert_int_equal(sm_push_data(1, EUI, &rx, 1, NULL, buf, sizeof buf), -1);
    rx = lora_rxpk();
    rx.stat = 2;
    assert_int_equal(sm_push_data(1, EUI, &rx, 1, NULL, buf, sizeof buf), -1);
    rx = lora_rxpk();
    rx.size = 256;
    assert_int_equal(sm_push_data(1, EUI, &rx, 1, NULL, buf, sizeof buf), -1);
    rx = lora_rxpk();
    assert_int_equal(sm_push_data(1, EUI, &rx, SM_MAX_RXPK + 1, NULL, buf, sizeof buf), -1);
    assert_int_equal(sm_push_data(1, EUI, NULL, 1, NULL, buf, sizeof buf), -1);
    sm_stat st = {.has_location = true, .lat = 91};
    assert_int_equal(sm_push_data(1, EUI, NULL, 0, &st, buf, sizeof buf), -1);

    assert_int_equal(sm_tx_ack(1, EUI, "too late", buf, sizeof buf), -1);
    assert_int_equal(sm_tx_ack(1, EUI, "", buf, sizeof buf), -1);
    assert_int_equal(sm_tx_ack(1, EUI, "\"},\"x\":{\"", buf, sizeof buf), -1);
}

/* Every capacity short of the datagram fails cleanly; none writes past cap. */
static void test_builders_refuse_small_buffers(void **state)
{
    (void)state;
    static uint8_t buf[1100];
    sm_rxpk rx = lora_rxpk();
    sm_stat st = {.has_location = true, .lat = 1, .lon = 2};
    int full = sm_push_data(1, EUI, &rx, 1, &st, buf, sizeof buf);
    assert_true(full > 12);
    for (int cap = 0; cap <= full; cap++) {
        memset(buf, 0xEE, sizeof buf);
        assert_int_equal(sm_push_data(1, EUI, &rx, 1, &st, buf, (size_t)cap), -1);
        assert_int_equal(buf[cap], 0xEE);
    }
    assert_int_equal(sm_push_data(1, EUI, &rx, 1, &st, buf, (size_t)full + 1), full);

    static const uint8_t d[200] = {0};
    sm_txpk tx = {.tmst = 1,
                  .freq_hz = 869525000,
                  .lora = true,
                  .sf = 9,
                  .bw_khz = 125,
                  .codr = "4/5",
                  .data = d,
                  .size = sizeof d};
    full = sm_pull_resp(1, &tx, buf, sizeof buf);
    assert_true(full > 4);
    for (int cap = 0; cap <= full; cap++) {
        memset(buf, 0xEE, sizeof buf);
        assert_int_equal(sm_pull_resp(1, &tx, buf, (size_t)cap), -1);
        assert_int_equal(buf[cap], 0xEE);
    }
    assert_int_equal(sm_pull_data(1, EUI, buf, 11), -1);
    assert_int_equal(sm_tx_ack(1, EUI, NULL, buf, 11), -1);
    assert_int_equal(sm_tx_ack(1, EUI, "TOO_LATE", buf, 20), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_protocol_md_fsk_and_lora_examples),
        cmocka_unit_test(test_protocol_md_first_example_data_is_not_base64),
        cmocka_unit_test(test_protocol_md_stat_example),
        cmocka_unit_test(test_stat_without_location),
        cmocka_unit_test(test_sx1302_us915_real_datagram_two_rxpk),
        cmocka_unit_test(test_sx1302_us915_real_datagram_three_rxpk),
        cmocka_unit_test(test_chirpstack_docs_uplink_with_time_and_tmms),
        cmocka_unit_test(test_multitech_dump_eu868),
        cmocka_unit_test(test_real_pull_data_datagram),
        cmocka_unit_test(test_cn470_uplink_sx1302_log),
        cmocka_unit_test(test_rsig_takes_strongest_antenna),
        cmocka_unit_test(test_dragino_pull_resp_log),
        cmocka_unit_test(test_protocol_md_txpk_example_data_is_not_canonical),
        cmocka_unit_test(test_pull_resp_fsk_example),
        cmocka_unit_test(test_tx_ack_without_json_is_success),
        cmocka_unit_test(test_tx_ack_with_error),
        cmocka_unit_test(test_tx_ack_none_and_warning_are_success),
        cmocka_unit_test(test_tx_ack_trailing_nul_or_space_is_success),
        cmocka_unit_test(test_acks_parse),
        cmocka_unit_test(test_token_little_endian_eui_big_endian),
        cmocka_unit_test(test_base64_padded_and_unpadded),
        cmocka_unit_test(test_empty_payload),
        cmocka_unit_test(test_time_formats),
        cmocka_unit_test(test_max_rxpk_and_max_data_accepted),
        cmocka_unit_test(test_too_many_rxpk_refused),
        cmocka_unit_test(test_data_longer_than_255_refused),
        cmocka_unit_test(test_bad_json_table),
        cmocka_unit_test(test_duplicate_keys_and_escapes),
        cmocka_unit_test(test_nesting_limit),
        cmocka_unit_test(test_bad_headers),
        cmocka_unit_test(test_error_buffer_may_be_null_or_tiny),
        cmocka_unit_test(test_round_trip_push_data),
        cmocka_unit_test(test_push_data_text),
        cmocka_unit_test(test_round_trip_stat_only_and_empty),
        cmocka_unit_test(test_round_trip_pull_resp),
        cmocka_unit_test(test_pull_resp_text),
        cmocka_unit_test(test_round_trip_pull_data_tx_ack_and_acks),
        cmocka_unit_test(test_builders_refuse_bad_input),
        cmocka_unit_test(test_builders_refuse_small_buffers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
