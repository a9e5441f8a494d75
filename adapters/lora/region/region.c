/* LoRaWAN Regional Parameters (RP002-1.0.x) for EU868 and US915, as static tables: a region
 * is one region_def below, and the functions only look things up in it.
 *
 * Where the numbers come from (read for the numbers only; the code is ours):
 *  - RP002-1.0.3/1.0.4, "EU863-870" and "US902-928" chapters: data rates, RX1DROffset
 *    tables, maximum payload sizes (M, devices without a repeater), RX2 defaults, channel
 *    plans, CFList formats; common timing (RECEIVE_DELAY1 1 s, JOIN_ACCEPT_DELAY1 5 s) and
 *    MAX_FCNT_GAP 16384 from LoRaWAN 1.0.x.
 *  - ChirpStack lrwn/src/region/eu868.rs and us915.rs (the RP002 "Latest" revision tables,
 *    repeater_compatible = false), lrwn/src/cflist.rs (CFList byte layout and its test bytes
 *    18 4f 84 e8 56 84 b8 5e 84 88 66 84 58 6e 84 00 for 867.1..867.9 MHz).
 *  - The Things Stack pkg/band/eu_863_870.go and us_902_928.go (channel plans, RX1 rules,
 *    RX2 defaults, sub-band power limits).
 * LR-FHSS rates (EU868 DR8..11, US915 DR5..6) are marked invalid: the Semtech UDP protocol
 * this adapter speaks cannot carry them. */
#include "region.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define NO 0xFF /* no RX1 data rate for this uplink rate and offset */
#define NO_ROW                                                                                     \
    {                                                                                              \
        NO, NO, NO, NO, NO, NO, NO, NO                                                             \
    }
#define FOPTS_MAX  15
#define FHDR_FPORT 8       /* DevAddr 4 + FCtrl 1 + FCnt 2 + FPort 1 */
#define FSK_DATR   "50000" /* LoRaWAN's one FSK rate, 50 kbit/s, as the forwarder writes it */
#define CFLIST_LEN 16

#define LORA(sf_, bw_, m_)                                                                         \
    {                                                                                              \
        .valid = true, .sf = (sf_), .bw_khz = (bw_), .max_macpayload = (m_)                        \
    }
#define FSK(m_)                                                                                    \
    {                                                                                              \
        .valid = true, .fsk = true, .max_macpayload = (m_)                                         \
    }

enum cflist_kind {
    CFLIST_NONE,
    CFLIST_FREQS, /* CFListType 0: five frequencies, each freq/100 as 24 bits little-endian */
    CFLIST_MASKS, /* CFListType 1: ChMask0..4 (channels 0..79), 16 bits little-endian each */
};

/* What callers see (lw_region, first so that pointers convert both ways) and what only this
 * file needs. */
typedef struct region_def {
    lw_region pub;
    uint32_t band_min_hz, band_max_hz; /* where an uplink (and so an RX1 on it) may be */
    enum cflist_kind cflist;
    uint32_t cflist_freqs_hz[5];
} region_def;

/* EU868. Downlink power: "powe" is what the gateway's radio puts out. 14 dBm in RX1 because
 * RX1 uses the uplink channel, and the default channels (868.1/.3/.5) and the usual CFList
 * ones (867.1..867.9) sit in ETSI EN 300 220 sub-bands limited to 25 mW ERP (14 dBm); 27 dBm
 * in RX2 because 869.525 MHz is in the 869.4-869.65 MHz sub-band allowed 500 mW ERP. The
 * Things Stack uses the same limits (14 and 27 dBm + 2.15 dB as EIRP) and ChirpStack 16 and
 * 29 dBm EIRP; TTN's v2 network sent 14 and 27. Gateways with antenna gain should lower it. */
static const region_def eu868 = {
    .pub =
        {
            .name = "EU868",
            .up_dr =
                {
                    LORA(12, 125, 59),
                    LORA(11, 125, 59),
                    LORA(10, 125, 59),
                    LORA(9, 125, 123),
                    LORA(8, 125, 250),
                    LORA(7, 125, 250),
                    LORA(7, 250, 250),
                    FSK(250),
                },
            .down_dr =
                {
                    LORA(12, 125, 59),
                    LORA(11, 125, 59),
                    LORA(10, 125, 59),
                    LORA(9, 125, 123),
                    LORA(8, 125, 250),
                    LORA(7, 125, 250),
                    LORA(7, 250, 250),
                    FSK(250),
                },
            /* RX1 DR = max(0, uplink DR - offset), offsets 0..5 */
            .rx1_dr_table =
                {
                    {0, 0, 0, 0, 0, 0, NO, NO},
                    {1, 0, 0, 0, 0, 0, NO, NO},
                    {2, 1, 0, 0, 0, 0, NO, NO},
                    {3, 2, 1, 0, 0, 0, NO, NO},
                    {4, 3, 2, 1, 0, 0, NO, NO},
                    {5, 4, 3, 2, 1, 0, NO, NO},
                    {6, 5, 4, 3, 2, 1, NO, NO},
                    {7, 6, 5, 4, 3, 2, NO, NO},
                    NO_ROW,
                    NO_ROW,
                    NO_ROW,
                    NO_ROW,
                    NO_ROW,
                    NO_ROW,
                    NO_ROW,
                    NO_ROW,
                },
            .max_rx1_dr_offset = 5,
            .rx2_freq_hz = 869525000,
            .rx2_dr = 0,
            .rx1_power_dbm = 14,
            .rx2_power_dbm = 27,
            .receive_delay1_s = 1,
            .join_accept_delay1_s = 5,
            .max_fcnt_gap = 16384,
            .us_channel_plan = false,
            .default_freqs_hz = {868100000, 868300000, 868500000},
            /* RP002 §5.1.3: TXPower 0..7 = MaxEIRP - 2 dB * n; DR5 is SF7BW125, the fastest
             * rate every device has; the 3 default channels and the CFList's 5: 0x00FF */
            .adr_max_dr = 5,
            .adr_max_tx_power = 7,
            .adr_ch_mask = 0x00FF,
        },
    .band_min_hz = 863000000,
    .band_max_hz = 870000000,
    .cflist = CFLIST_FREQS,
    .cflist_freqs_hz = {867100000, 867300000, 867500000, 867700000, 867900000},
};

/* US915. 64 uplink channels of 125 kHz from 902.3 MHz every 200 kHz, 8 of 500 kHz from
 * 903.0 MHz every 1.6 MHz, 8 downlink channels of 500 kHz from 923.3 MHz every 600 kHz; RX1
 * on downlink channel (uplink channel % 8). Downlink power 20 dBm in both windows: well inside
 * FCC 15.247 (30 dBm conducted with up to 6 dBi antennas), what TTN's v2 network used, and
 * what ChirpStack's 21 dBm EIRP default amounts to with a typical 1-2 dBi antenna. */
static const region_def us915 = {
    .pub =
        {
            .name = "US915",
            .up_dr =
                {
                    LORA(10, 125, 19),
                    LORA(9, 125, 61),
                    LORA(8, 125, 133),
                    LORA(7, 125, 250),
                    LORA(8, 500, 250),
                },
            .down_dr =
                {
                    [8] = LORA(12, 500, 61),
                    [9] = LORA(11, 500, 137),
                    [10] = LORA(10, 500, 250),
                    [11] = LORA(9, 500, 250),
                    [12] = LORA(8, 500, 250),
                    [13] = LORA(7, 500, 250),
                },
            /* offsets 0..3; 4..7 are RFU in US915 */
            .rx1_dr_table =
                {
                    {10, 9, 8, 8, NO, NO, NO, NO},
                    {11, 10, 9, 8, NO, NO, NO, NO},
                    {12, 11, 10, 9, NO, NO, NO, NO},
                    {13, 12, 11, 10, NO, NO, NO, NO},
                    {13, 13, 12, 11, NO, NO, NO, NO},
                    NO_ROW,
                    NO_ROW,
                    NO_ROW,
                    NO_ROW,
                    NO_ROW,
                    NO_ROW,
                    NO_ROW,
                    NO_ROW,
                    NO_ROW,
                    NO_ROW,
                    NO_ROW,
                },
            .max_rx1_dr_offset = 3,
            .rx2_freq_hz = 923300000,
            .rx2_dr = 8,
            .rx1_power_dbm = 20,
            .rx2_power_dbm = 20,
            .receive_delay1_s = 1,
            .join_accept_delay1_s = 5,
            .max_fcnt_gap = 16384,
            .us_channel_plan = true,
            /* RP002 §5.2.3: TXPower 0..14; ChMask needs ChMaskCntl 7 + a block: not done */
            .adr_max_dr = 3,
            .adr_max_tx_power = 14,
            .adr_ch_mask = 0,
            .up125_base_hz = 902300000,
            .up125_step_hz = 200000,
            .up500_base_hz = 903000000,
            .up500_step_hz = 1600000,
            .down_base_hz = 923300000,
            .down_step_hz = 600000,
            .n_down = 8,
        },
    .band_min_hz = 902000000,
    .band_max_hz = 928000000,
    .cflist = CFLIST_MASKS,
};

/* Every region, with the other names it is known by (The Things Stack's band IDs). */
static const struct {
    const region_def *def;
    const char *alias;
} regions[] = {
    {&eu868, "EU_863_870"},
    {&us915, "US_902_928"},
};

static const char *const region_names[] = {"EU868", "US915", NULL};

#define N_REGIONS (sizeof regions / sizeof regions[0])

/* r is always one of ours (from lw_region_find), so it is the first member of a region_def */
static const region_def *def_of(const lw_region *r)
{
    return (const region_def *)r;
}

const lw_region *lw_region_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < N_REGIONS; i++)
        if (strcasecmp(name, regions[i].def->pub.name) == 0 ||
            strcasecmp(name, regions[i].alias) == 0)
            return &regions[i].def->pub;
    return NULL;
}

const char *const *lw_region_names(void)
{
    return region_names;
}

/* Reads 1..4 decimal digits at *s into *v, moving *s past them. */
static int digits(const char **s, unsigned *v)
{
    unsigned x = 0, k = 0;
    for (; k < 4 && **s >= '0' && **s <= '9'; k++, (*s)++)
        x = x * 10 + (unsigned)(**s - '0');
    *v = x;
    return k > 0 ? 0 : -1;
}

int lw_region_dr_up(const lw_region *r, const char *datr)
{
    unsigned sf = 0, bw = 0;
    bool fsk = false;
    if (!r || !datr)
        return -1;
    if (strcmp(datr, "FSK") == 0 || strcmp(datr, FSK_DATR) == 0) {
        fsk = true;
    } else {
        const char *s = datr;
        if (strncmp(s, "SF", 2) != 0)
            return -1;
        s += 2;
        if (digits(&s, &sf) != 0 || strncmp(s, "BW", 2) != 0)
            return -1;
        s += 2;
        if (digits(&s, &bw) != 0 || *s != '\0')
            return -1;
    }
    for (int dr = 0; dr < LW_MAX_DR; dr++) {
        const lw_dr *d = &r->up_dr[dr];
        if (d->valid && d->fsk == fsk && (fsk || (d->sf == sf && d->bw_khz == bw)))
            return dr;
    }
    return -1;
}

int lw_region_datr_down(const lw_region *r, int dr, char *out, size_t cap)
{
    if (!r || !out || dr < 0 || dr >= LW_MAX_DR || !r->down_dr[dr].valid)
        return -1;
    const lw_dr *d = &r->down_dr[dr];
    int n = d->fsk ? snprintf(out, cap, "%s", FSK_DATR)
                   : snprintf(out, cap, "SF%uBW%u", d->sf, d->bw_khz);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

int lw_region_rx1_dr(const lw_region *r, int up_dr, int offset)
{
    if (!r || up_dr < 0 || up_dr >= LW_MAX_DR || offset < 0 || offset > r->max_rx1_dr_offset ||
        !r->up_dr[up_dr].valid)
        return -1;
    uint8_t dr = r->rx1_dr_table[up_dr][offset];
    return dr == NO ? -1 : dr;
}

int lw_region_up_channel(const lw_region *r, uint32_t up_freq_hz)
{
    if (!r)
        return -1;
    if (!r->us_channel_plan) {
        for (int i = 0; i < 3; i++)
            if (r->default_freqs_hz[i] == up_freq_hz)
                return i;
        return -1;
    }
    if (up_freq_hz >= r->up125_base_hz && (up_freq_hz - r->up125_base_hz) % r->up125_step_hz == 0) {
        uint32_t n = (up_freq_hz - r->up125_base_hz) / r->up125_step_hz;
        if (n < 64)
            return (int)n;
    }
    if (up_freq_hz >= r->up500_base_hz && (up_freq_hz - r->up500_base_hz) % r->up500_step_hz == 0) {
        uint32_t n = (up_freq_hz - r->up500_base_hz) / r->up500_step_hz;
        if (n < 8)
            return 64 + (int)n;
    }
    return -1;
}

uint32_t lw_region_rx1_freq(const lw_region *r, uint32_t up_freq_hz)
{
    if (!r)
        return 0;
    if (r->us_channel_plan) {
        int ch = lw_region_up_channel(r, up_freq_hz);
        return ch < 0 ? 0 : r->down_base_hz + ((uint32_t)ch % r->n_down) * r->down_step_hz;
    }
    const region_def *d = def_of(r);
    return up_freq_hz >= d->band_min_hz && up_freq_hz <= d->band_max_hz ? up_freq_hz : 0;
}

int lw_region_max_payload(const lw_region *r, int dr, size_t fopts_len)
{
    if (!r || dr < 0 || dr >= LW_MAX_DR || !r->down_dr[dr].valid || fopts_len > FOPTS_MAX)
        return -1;
    return (int)r->down_dr[dr].max_macpayload - FHDR_FPORT - (int)fopts_len;
}

/* US915 sub-band s (1..8) is 125 kHz channels 8(s-1)..8(s-1)+7 and 500 kHz channel 63+s,
 * as The Things Stack's FSB plans enable them; 0 is all 72. Each channel is one bit:
 * channel c is bit c % 8 of byte c / 8 (ChMask0 holds channels 0..15, little-endian). */
static bool channel_in(int ch, int sub_band)
{
    if (sub_band == 0)
        return true;
    return ch < 64 ? ch / 8 == sub_band - 1 : ch - 64 == sub_band - 1;
}

bool lw_region_cflist(const lw_region *r, int sub_band, uint8_t cflist[16])
{
    if (!r || !cflist)
        return false;
    const region_def *d = def_of(r);
    switch (d->cflist) {
    case CFLIST_FREQS:
        memset(cflist, 0, CFLIST_LEN);
        for (int i = 0; i < 5; i++) {
            uint32_t f = d->cflist_freqs_hz[i] / 100;
            cflist[3 * i] = (uint8_t)f;
            cflist[3 * i + 1] = (uint8_t)(f >> 8);
            cflist[3 * i + 2] = (uint8_t)(f >> 16);
        }
        cflist[15] = 0; /* CFListType 0 */
        return true;
    case CFLIST_MASKS:
        if (sub_band < 0 || sub_band > 8)
            return false;
        memset(cflist, 0, CFLIST_LEN);
        for (int ch = 0; ch < 72; ch++)
            if (channel_in(ch, sub_band))
                cflist[ch / 8] |= (uint8_t)(1u << (ch % 8));
        cflist[15] = 1; /* CFListType 1 */
        return true;
    case CFLIST_NONE:
        break;
    }
    return false;
}
