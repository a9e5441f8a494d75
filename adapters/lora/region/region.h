/* LoRaWAN Regional Parameters (RP002-1.0.x) as data: data-rate tables, RX1 data-rate offset
 * tables, RX1 frequency rules, RX2 defaults, downlink power, maximum payload sizes and the
 * CFList a join-accept carries. EU868 and US915 now; a region is one table in region.c.
 * Pure data and pure functions, thread-safe. */
#ifndef LYREBIRD_LORA_REGION_H
#define LYREBIRD_LORA_REGION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LW_MAX_DR 16

/* One data rate: LoRa (sf, bw) or FSK (50 kbit/s); valid false for RFU or LR-FHSS rates.
 * max_macpayload is M, the largest MACPayload (RP002, devices without a repeater). */
typedef struct lw_dr {
    bool valid;
    bool fsk;
    uint8_t sf;       /* 7..12 */
    uint16_t bw_khz;  /* 125, 250, 500 */
    uint8_t max_macpayload; /* M */
} lw_dr;

typedef struct lw_region {
    const char *name;   /* "EU868" */
    lw_dr up_dr[LW_MAX_DR];   /* data rates as the uplink table gives them */
    lw_dr down_dr[LW_MAX_DR]; /* (US915: DR8..13 are downlink-only; same table otherwise) */
    uint8_t rx1_dr_table[LW_MAX_DR][8]; /* [uplink DR][RX1DROffset] -> downlink DR, 0xFF none */
    uint8_t max_rx1_dr_offset;          /* largest valid RX1DROffset */
    uint32_t rx2_freq_hz;
    uint8_t rx2_dr;
    int8_t rx1_power_dbm; /* downlink EIRP/TX power used for RX1 */
    int8_t rx2_power_dbm;
    uint32_t receive_delay1_s;     /* 1 */
    uint32_t join_accept_delay1_s; /* 5 */
    uint32_t max_fcnt_gap;         /* 16384 (MAX_FCNT_GAP of LoRaWAN 1.0.x) */
    bool us_channel_plan;          /* RX1 frequency from the uplink channel (US915-like) */
    uint32_t up125_base_hz, up125_step_hz;     /* US915: 902.3 MHz + 200 kHz * n, n 0..63 */
    uint32_t up500_base_hz, up500_step_hz;     /* US915: 903.0 MHz + 1.6 MHz * n, n 64..71 */
    uint32_t down_base_hz, down_step_hz, n_down; /* US915: 923.3 MHz + 600 kHz * (ch % 8) */
    uint32_t default_freqs_hz[3]; /* EU868: 868.1, 868.3, 868.5 MHz */
    /* ADR: the highest uplink DR the network moves a device to, the highest TXPower index
     * (each index is 2 dB below max EIRP), and LinkADRReq's ChMask for the channels a joined
     * device has (0: the region's ADR needs a channel-mask sequence, not done here). */
    uint8_t adr_max_dr;
    uint8_t adr_max_tx_power;
    uint16_t adr_ch_mask;
} lw_region;

/* The region named name ("EU868", "US915", case-insensitive), or NULL. */
const lw_region *lw_region_find(const char *name);
/* The names of every region, NULL-terminated (for error messages: "one of EU868, US915"). */
const char *const *lw_region_names(void);

/* The data rate of an uplink from its LoRa datr string ("SF7BW125") or FSK; -1 if none. */
int lw_region_dr_up(const lw_region *r, const char *datr);
/* The datr string of downlink data rate dr ("SF12BW500") into out; 0, or -1 if none. */
int lw_region_datr_down(const lw_region *r, int dr, char *out, size_t cap);

/* RX1 downlink data rate for an uplink on up_dr with RX1DROffset offset; -1 if invalid. */
int lw_region_rx1_dr(const lw_region *r, int up_dr, int offset);
/* RX1 downlink frequency for an uplink at up_freq_hz; 0 if the frequency is not on the plan. */
uint32_t lw_region_rx1_freq(const lw_region *r, uint32_t up_freq_hz);
/* The uplink channel index of up_freq_hz (US915: 0..71; EU868: 0..2 for the defaults, else
 * -1). */
int lw_region_up_channel(const lw_region *r, uint32_t up_freq_hz);

/* The largest FRMPayload a downlink at dr can carry with fopts_len bytes of FOpts (M - 8 -
 * FHDR overhead), or -1 for an invalid dr. */
int lw_region_max_payload(const lw_region *r, int dr, size_t fopts_len);

/* Fills cflist[16] for a join-accept: EU868 a type-0 list of extra frequencies (here: the
 * five channels 867.1..867.9 MHz most networks add); US915 a type-1 channel mask enabling
 * sub-band `sub_band` (1..8, 0 = all 72 channels). Returns true when the region has one. */
bool lw_region_cflist(const lw_region *r, int sub_band, uint8_t cflist[16]);

#endif
