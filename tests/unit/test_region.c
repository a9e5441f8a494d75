/* Unit tests of the LoRaWAN Regional Parameters tables (adapters/lora/region/region.h).
 *
 * Expected values are written out here from RP002-1.0.3 (EU863-870 and US902-928 chapters),
 * not computed from region.c's tables: data rates per DR, the RX1DROffset tables, RX2
 * defaults, the US915 channel plan (uplink 902.3 MHz + 200 kHz * n and 903.0 MHz + 1.6 MHz *
 * n, RX1 at 923.3 MHz + 600 kHz * (n % 8); ChirpStack's us915.rs tests pin 914.9 -> 927.5 and
 * 903.0 -> 923.3 MHz), maximum MACPayload M per DR without a repeater, and the CFLists byte
 * for byte (EU868's five extra channels as ChirpStack's cflist.rs test bytes; US915 sub-band
 * masks derived by hand from the ChMask layout). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "region.h"

#define NO -1

static const lw_region *eu(void)
{
    const lw_region *r = lw_region_find("EU868");
    assert_non_null(r);
    return r;
}

static const lw_region *us(void)
{
    const lw_region *r = lw_region_find("US915");
    assert_non_null(r);
    return r;
}

static void test_find_by_name_and_alias(void **state)
{
    (void)state;
    assert_ptr_equal(lw_region_find("eu868"), eu());
    assert_ptr_equal(lw_region_find("Us915"), us());
    assert_ptr_equal(lw_region_find("EU_863_870"), eu());
    assert_ptr_equal(lw_region_find("US_902_928"), us());
    assert_string_equal(eu()->name, "EU868");
    assert_null(lw_region_find("AS923"));
    assert_null(lw_region_find(""));
    assert_null(lw_region_find(NULL));
    const char *const *names = lw_region_names();
    assert_string_equal(names[0], "EU868");
    assert_string_equal(names[1], "US915");
    assert_null(names[2]);
}

static void test_eu868_uplink_data_rates(void **state)
{
    (void)state;
    static const struct {
        const char *datr;
        int dr;
    } t[] = {
        {"SF12BW125", 0},  {"SF11BW125", 1}, {"SF10BW125", 2},  {"SF9BW125", 3},
        {"SF8BW125", 4},   {"SF7BW125", 5},  {"SF7BW250", 6},   {"FSK", 7},
        {"50000", 7},      {"SF7BW500", NO}, {"SF12BW250", NO}, {"SF13BW125", NO},
        {"SF7BW125x", NO}, {"SF7", NO},      {"", NO},          {"BW125SF7", NO},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (lw_region_dr_up(eu(), t[i].datr) != t[i].dr)
            fail_msg("EU868 %s is DR%d, expected %d", t[i].datr, lw_region_dr_up(eu(), t[i].datr),
                     t[i].dr);
    assert_int_equal(lw_region_dr_up(eu(), NULL), NO);
    assert_int_equal(lw_region_dr_up(NULL, "SF7BW125"), NO);
}

static void test_us915_uplink_data_rates(void **state)
{
    (void)state;
    assert_int_equal(lw_region_dr_up(us(), "SF10BW125"), 0);
    assert_int_equal(lw_region_dr_up(us(), "SF9BW125"), 1);
    assert_int_equal(lw_region_dr_up(us(), "SF8BW125"), 2);
    assert_int_equal(lw_region_dr_up(us(), "SF7BW125"), 3);
    assert_int_equal(lw_region_dr_up(us(), "SF8BW500"), 4);
    assert_int_equal(lw_region_dr_up(us(), "SF12BW125"), NO);
    assert_int_equal(lw_region_dr_up(us(), "SF12BW500"), NO); /* DR8: downlink only */
    assert_int_equal(lw_region_dr_up(us(), "SF7BW500"), NO);
    assert_int_equal(lw_region_dr_up(us(), "FSK"), NO);
}

static void expect_datr(const lw_region *r, int dr, const char *want)
{
    char out[16] = "unchanged";
    int rc = lw_region_datr_down(r, dr, out, sizeof out);
    if (!want) {
        assert_int_equal(rc, -1);
        return;
    }
    assert_int_equal(rc, 0);
    assert_string_equal(out, want);
}

static void test_downlink_data_rates(void **state)
{
    (void)state;
    static const char *const eu_want[16] = {"SF12BW125", "SF11BW125", "SF10BW125", "SF9BW125",
                                            "SF8BW125",  "SF7BW125",  "SF7BW250",  "50000"};
    static const char *const us_want[16] = {
        [8] = "SF12BW500", [9] = "SF11BW500", [10] = "SF10BW500",
        [11] = "SF9BW500", [12] = "SF8BW500", [13] = "SF7BW500"};
    for (int dr = 0; dr < LW_MAX_DR; dr++) {
        expect_datr(eu(), dr, eu_want[dr]);
        expect_datr(us(), dr, us_want[dr]);
    }
    expect_datr(eu(), -1, NULL);
    expect_datr(eu(), 16, NULL);
    char small[9];
    assert_int_equal(lw_region_datr_down(eu(), 0, small, sizeof small), -1); /* SF12BW125 */
    assert_int_equal(lw_region_datr_down(eu(), 3, small, sizeof small), 0);  /* SF9BW125 */
    assert_true(eu()->down_dr[7].fsk);
    assert_false(us()->up_dr[4].fsk);
    assert_int_equal(us()->up_dr[4].sf, 8);
    assert_int_equal(us()->up_dr[4].bw_khz, 500);
    assert_false(eu()->up_dr[8].valid); /* LR-FHSS: not on Semtech UDP */
    assert_false(us()->up_dr[5].valid);
}

/* RP002-1.0.3, EU863-870 RX1 data rate table (DR = max(0, uplink DR - offset)), offsets 0..5. */
static void test_eu868_rx1_dr_table(void **state)
{
    (void)state;
    static const int want[8][6] = {
        {0, 0, 0, 0, 0, 0}, {1, 0, 0, 0, 0, 0}, {2, 1, 0, 0, 0, 0}, {3, 2, 1, 0, 0, 0},
        {4, 3, 2, 1, 0, 0}, {5, 4, 3, 2, 1, 0}, {6, 5, 4, 3, 2, 1}, {7, 6, 5, 4, 3, 2},
    };
    for (int dr = 0; dr < 8; dr++)
        for (int off = 0; off < 6; off++)
            assert_int_equal(lw_region_rx1_dr(eu(), dr, off), want[dr][off]);
    assert_int_equal(eu()->max_rx1_dr_offset, 5);
    assert_int_equal(lw_region_rx1_dr(eu(), 5, 6), NO);
    assert_int_equal(lw_region_rx1_dr(eu(), 5, -1), NO);
    assert_int_equal(lw_region_rx1_dr(eu(), 8, 0), NO);
    assert_int_equal(lw_region_rx1_dr(eu(), -1, 0), NO);
    assert_int_equal(lw_region_rx1_dr(eu(), 16, 0), NO);
}

/* RP002-1.0.3 US902-928 RX1 data rate table, offsets 0..3 (4..7 RFU). */
static void test_us915_rx1_dr_table(void **state)
{
    (void)state;
    static const int want[5][4] = {
        {10, 9, 8, 8}, {11, 10, 9, 8}, {12, 11, 10, 9}, {13, 12, 11, 10}, {13, 13, 12, 11},
    };
    for (int dr = 0; dr < 5; dr++)
        for (int off = 0; off < 4; off++)
            assert_int_equal(lw_region_rx1_dr(us(), dr, off), want[dr][off]);
    assert_int_equal(us()->max_rx1_dr_offset, 3);
    assert_int_equal(lw_region_rx1_dr(us(), 0, 4), NO);
    assert_int_equal(lw_region_rx1_dr(us(), 5, 0), NO); /* LR-FHSS */
    assert_int_equal(lw_region_rx1_dr(us(), 8, 0), NO); /* not an uplink rate */
}

static void test_us915_channels_and_rx1_frequency(void **state)
{
    (void)state;
    static const struct {
        uint32_t up;
        int ch;
        uint32_t rx1;
    } t[] = {
        {902300000, 0, 923300000},  {902500000, 1, 923900000},  {903700000, 7, 927500000},
        {903900000, 8, 923300000},  {904500000, 11, 925100000}, {904900000, 13, 926300000},
        {905300000, 15, 927500000}, {914900000, 63, 927500000}, {903000000, 64, 923300000},
        {904600000, 65, 923900000}, {914200000, 71, 927500000}, {902400000, NO, 0},
        {915100000, NO, 0},         {902100000, NO, 0},         {868100000, NO, 0},
        {915800000, NO, 0},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        if (lw_region_up_channel(us(), t[i].up) != t[i].ch)
            fail_msg("%u Hz is channel %d, expected %d", t[i].up,
                     lw_region_up_channel(us(), t[i].up), t[i].ch);
        if (lw_region_rx1_freq(us(), t[i].up) != t[i].rx1)
            fail_msg("RX1 for %u Hz is %u, expected %u", t[i].up, lw_region_rx1_freq(us(), t[i].up),
                     t[i].rx1);
    }
    assert_true(us()->us_channel_plan);
    assert_int_equal(us()->n_down, 8);
}

/* EU868: RX1 on the uplink frequency anywhere in 863-870 MHz (CFList channels too). */
static void test_eu868_channels_and_rx1_frequency(void **state)
{
    (void)state;
    assert_int_equal(lw_region_up_channel(eu(), 868100000), 0);
    assert_int_equal(lw_region_up_channel(eu(), 868300000), 1);
    assert_int_equal(lw_region_up_channel(eu(), 868500000), 2);
    assert_int_equal(lw_region_up_channel(eu(), 867100000), NO);
    assert_int_equal(lw_region_rx1_freq(eu(), 868100000), 868100000);
    assert_int_equal(lw_region_rx1_freq(eu(), 867500000), 867500000);
    assert_int_equal(lw_region_rx1_freq(eu(), 863000000), 863000000);
    assert_int_equal(lw_region_rx1_freq(eu(), 862900000), 0);
    assert_int_equal(lw_region_rx1_freq(eu(), 902300000), 0);
    assert_false(eu()->us_channel_plan);
}

static void test_defaults(void **state)
{
    (void)state;
    assert_int_equal(eu()->rx2_freq_hz, 869525000);
    assert_int_equal(eu()->rx2_dr, 0);
    assert_int_equal(us()->rx2_freq_hz, 923300000);
    assert_int_equal(us()->rx2_dr, 8);
    for (int i = 0; i < 2; i++) {
        const lw_region *r = i ? us() : eu();
        assert_int_equal(r->receive_delay1_s, 1);
        assert_int_equal(r->join_accept_delay1_s, 5);
        assert_int_equal(r->max_fcnt_gap, 16384);
    }
    assert_int_equal(eu()->rx1_power_dbm, 14);
    assert_int_equal(eu()->rx2_power_dbm, 27);
    assert_int_equal(us()->rx1_power_dbm, 20);
    static const uint32_t eu_freqs[3] = {868100000, 868300000, 868500000};
    assert_memory_equal(eu()->default_freqs_hz, eu_freqs, sizeof eu_freqs);
}

/* M per DR (RP002-1.0.3, no repeater) and the FRMPayload left: M - 8 - FOpts. */
static void test_max_payload(void **state)
{
    (void)state;
    static const int eu_m[8] = {59, 59, 59, 123, 250, 250, 250, 250};
    for (int dr = 0; dr < 8; dr++) {
        assert_int_equal(eu()->down_dr[dr].max_macpayload, eu_m[dr]);
        assert_int_equal(eu()->up_dr[dr].max_macpayload, eu_m[dr]);
        assert_int_equal(lw_region_max_payload(eu(), dr, 0), eu_m[dr] - 8);
    }
    assert_int_equal(lw_region_max_payload(eu(), 0, 0), 51);
    assert_int_equal(lw_region_max_payload(eu(), 3, 0), 115);
    assert_int_equal(lw_region_max_payload(eu(), 5, 0), 242);
    assert_int_equal(lw_region_max_payload(eu(), 0, 15), 36);
    assert_int_equal(lw_region_max_payload(eu(), 0, 16), NO);
    assert_int_equal(lw_region_max_payload(eu(), 8, 0), NO);
    assert_int_equal(lw_region_max_payload(eu(), -1, 0), NO);

    static const int us_up_m[5] = {19, 61, 133, 250, 250};
    for (int dr = 0; dr < 5; dr++)
        assert_int_equal(us()->up_dr[dr].max_macpayload, us_up_m[dr]);
    static const int us_down_m[LW_MAX_DR] = {
        [8] = 61, [9] = 137, [10] = 250, [11] = 250, [12] = 250, [13] = 250};
    for (int dr = 0; dr < LW_MAX_DR; dr++) {
        assert_int_equal(us()->down_dr[dr].valid, us_down_m[dr] != 0);
        assert_int_equal(lw_region_max_payload(us(), dr, 0),
                         us_down_m[dr] ? us_down_m[dr] - 8 : NO);
    }
    assert_int_equal(lw_region_max_payload(us(), 8, 0), 53);
    assert_int_equal(lw_region_max_payload(us(), 9, 0), 129);
    assert_int_equal(lw_region_max_payload(us(), 10, 0), 242);
    assert_int_equal(lw_region_max_payload(us(), 13, 3), 239);
    assert_int_equal(lw_region_max_payload(us(), 0, 0), NO); /* DR0 is uplink only */
    assert_int_equal(lw_region_max_payload(us(), 14, 0), NO);
}

/* 867.1 MHz / 100 = 8671000 = 0x844F18 -> 18 4F 84, and so on; CFListType 0. */
static void test_eu868_cflist(void **state)
{
    (void)state;
    static const uint8_t want[16] = {0x18, 0x4f, 0x84, 0xe8, 0x56, 0x84, 0xb8, 0x5e,
                                     0x84, 0x88, 0x66, 0x84, 0x58, 0x6e, 0x84, 0x00};
    uint8_t got[16];
    memset(got, 0xAA, sizeof got);
    assert_true(lw_region_cflist(eu(), 0, got));
    assert_memory_equal(got, want, 16);
    memset(got, 0xAA, sizeof got);
    assert_true(lw_region_cflist(eu(), 2, got)); /* sub_band means nothing in EU868 */
    assert_memory_equal(got, want, 16);
}

/* ChMask0..ChMask4 (channels 0..79, bit c of the 80) then RFU, CFListType 1. */
static void test_us915_cflist(void **state)
{
    (void)state;
    static const struct {
        int sub_band;
        uint8_t want[16];
    } t[] = {
        {1, {0xff, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0x01}},
        {2, {0, 0xff, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0x01}},
        {5, {0, 0, 0, 0, 0xff, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0x01}},
        {8, {0, 0, 0, 0, 0, 0, 0, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0x01}},
        {0, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0x01}},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        uint8_t got[16];
        memset(got, 0xAA, sizeof got);
        assert_true(lw_region_cflist(us(), t[i].sub_band, got));
        assert_memory_equal(got, t[i].want, 16);
    }
    uint8_t got[16];
    assert_false(lw_region_cflist(us(), 9, got));
    assert_false(lw_region_cflist(us(), -1, got));
    assert_false(lw_region_cflist(NULL, 1, got));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find_by_name_and_alias),
        cmocka_unit_test(test_eu868_uplink_data_rates),
        cmocka_unit_test(test_us915_uplink_data_rates),
        cmocka_unit_test(test_downlink_data_rates),
        cmocka_unit_test(test_eu868_rx1_dr_table),
        cmocka_unit_test(test_us915_rx1_dr_table),
        cmocka_unit_test(test_us915_channels_and_rx1_frequency),
        cmocka_unit_test(test_eu868_channels_and_rx1_frequency),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_max_payload),
        cmocka_unit_test(test_eu868_cflist),
        cmocka_unit_test(test_us915_cflist),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
