/* The LoRa network server's ADR (adapters/lora/ns/adr.c): the decision follows Semtech's
 * recommended algorithm (3 dB of margin above the demodulation floor and the installation
 * margin per step: data rate first, then power), and a LinkADRReq is queued only with the ADR
 * bit, a full SNR history and a changed decision, and adopted on a LinkADRAns with all ACKs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "lora.h"

static void decide(const char *region, int dr, int power, float snr, int *ndr, int *npow)
{
    lora_adr_decide(lw_region_find(region), dr, power, snr, 10, ndr, npow);
}

static void strong_signal_moves_to_fastest_rate_then_lowers_power(void **state)
{
    int dr, pw;
    /* DR0 = SF12: floor -20 dB; SNR 10 - (-20) - 10 = 20 dB = 6 steps: DR0 -> DR5, 1 power */
    decide("EU868", 0, 0, 10.0f, &dr, &pw);
    assert_int_equal(dr, 5);
    assert_int_equal(pw, 1);
    /* at DR5 (SF7, floor -7.5): 10 + 7.5 - 10 = 7.5 dB = 2 steps: power 0 -> 2 */
    decide("EU868", 5, 0, 10.0f, &dr, &pw);
    assert_int_equal(dr, 5);
    assert_int_equal(pw, 2);
    /* a huge margin stops at the region's highest power index */
    decide("EU868", 5, 0, 60.0f, &dr, &pw);
    assert_int_equal(pw, 7);
}

static void weak_signal_raises_power_and_keeps_rate(void **state)
{
    int dr, pw;
    /* at DR5, SNR -7: -7 + 7.5 - 10 = -9.5 dB = -4 steps: power 3 -> 0 */
    decide("EU868", 5, 3, -7.0f, &dr, &pw);
    assert_int_equal(dr, 5);
    assert_int_equal(pw, 0);
    /* within a step of the margin: no change */
    decide("EU868", 2, 0, -5.0f, &dr, &pw); /* SF10: -5 + 15 - 10 = 0 */
    assert_int_equal(dr, 2);
    assert_int_equal(pw, 0);
}

static lora_uplink uplink(float snr)
{
    lora_uplink up = {.n_rx = 2, .sf = 12, .bw_khz = 125};
    up.rx[0].snr = snr - 3;
    up.rx[1].snr = snr;
    return up;
}

static void link_adr_req_after_a_full_history_with_the_adr_bit(void **state)
{
    lora l = {.adr_margin_db = 10};
    lora_dev d = {.region = lw_region_find("EU868")};
    lora_uplink up = uplink(10.0f);
    for (int i = 0; i < LORA_ADR_HISTORY - 1; i++)
        lora_adr_uplink(&l, &d, &up, 0, true);
    assert_int_equal(d.mac_len, 0); /* history not full yet */
    lora_adr_uplink(&l, &d, &up, 0, false);
    assert_int_equal(d.mac_len, 0); /* full, but no ADR bit */
    lora_adr_uplink(&l, &d, &up, 0, true);
    assert_int_equal(d.mac_len, 5);
    const uint8_t want[5] = {LW_CID_LINK_ADR, 5 << 4 | 1, 0xFF, 0x00, 0x01};
    assert_memory_equal(d.mac, want, 5);
    lora_adr_uplink(&l, &d, &up, 0, true);
    assert_int_equal(d.mac_len, 5); /* one request at a time */
    lora_adr_answer(&d, 0x07);
    assert_int_equal(d.tx_power, 1);
    assert_false(d.adr_asked);
}

static void refused_link_adr_keeps_the_old_settings(void **state)
{
    lora l = {.adr_margin_db = 10};
    lora_dev d = {.region = lw_region_find("EU868")};
    lora_uplink up = uplink(10.0f);
    for (int i = 0; i < LORA_ADR_HISTORY; i++)
        lora_adr_uplink(&l, &d, &up, 0, true);
    assert_true(d.adr_asked);
    lora_adr_answer(&d, 0x06); /* channel mask refused */
    assert_int_equal(d.tx_power, 0);
    assert_false(d.adr_asked);
}

static void us915_is_left_alone(void **state)
{
    lora l = {.adr_margin_db = 10};
    lora_dev d = {.region = lw_region_find("US915")};
    lora_uplink up = uplink(10.0f);
    up.sf = 10;
    for (int i = 0; i < LORA_ADR_HISTORY + 1; i++)
        lora_adr_uplink(&l, &d, &up, 0, true);
    assert_int_equal(d.mac_len, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(strong_signal_moves_to_fastest_rate_then_lowers_power),
        cmocka_unit_test(weak_signal_raises_power_and_keeps_rate),
        cmocka_unit_test(link_adr_req_after_a_full_history_with_the_adr_bit),
        cmocka_unit_test(refused_link_adr_keeps_the_old_settings),
        cmocka_unit_test(us915_is_left_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
