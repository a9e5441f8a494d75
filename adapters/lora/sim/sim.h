/* The LoRaWAN gateway and device simulator `lyrebird-sim`: its private types and the functions
 * its files share. It plays N Semtech UDP packet-forwarder gateways and M class A devices
 * against a network server, in one thread:
 *
 *   sim.c          main: options in, run, summary out
 *   sim_opts.c     the option table, parsing, --help, hex helpers
 *   sim_device.c   the device side, with no I/O and no clock of its own: keys, join-request,
 *                  join-accept, uplinks, downlink MIC/decryption, RX window classification
 *   sim_state.c    --state: per-device session and counters, loaded at start, saved at exit
 *   sim_gateway.c  the gateway side: one UDP socket each, PUSH_DATA/PULL_DATA/TX_ACK, tmst
 *   sim_run.c      the event loop: pacing, the PUSH_ACK window, waits, replays
 *   sim_rx.c       what the server sends: acks, PULL_RESP -> TX_ACK -> the device's downlink
 *                  (sim_loop.h holds the run's state these two share)
 *   sim_register.c --print-devices and --register (POST /lora/devices with libcurl)
 *
 * Nothing here is thread-safe; everything runs on the main thread. */
#ifndef LYREBIRD_SIM_H
#define LYREBIRD_SIM_H

#include "gw/semtech.h"
#include "lorawan/lorawan.h"
#include "region/region.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#define SIM_MAX_GATEWAYS 256
#define SIM_MAX_DEVICES  10000000
#define SIM_MAX_PAYLOAD  242
#define SIM_UP_HISTORY   4 /* uplinks a device remembers to match late downlinks */

/* Everything the command line sets; sim_opts_defaults fills the defaults. */
typedef struct sim_opts {
    struct sockaddr_storage server;
    socklen_t server_len;
    char server_name[272];
    uint32_t gateways, hear, best, devices;
    bool otaa;
    int mac; /* enum lw_version */
    const lw_region *region;
    uint64_t uplinks;  /* per device; 0 = until --duration */
    double duration_s; /* 0 = none */
    double rate;       /* total uplinks/s, 0 = as fast as the window allows */
    bool confirmed;
    bool adr; /* ADR bit in uplinks */
    int fport;
    uint8_t payload[SIM_MAX_PAYLOAD];
    size_t payload_len;
    bool has_payload; /* else a 4-byte counter */
    uint64_t gw_eui_base, dev_eui_base, join_eui;
    uint32_t addr_base;
    uint8_t key_seed[LW_KEY_LEN];
    const char *state_path;
    int wait_downlink_ms; /* -1: 3000 with --confirmed or OTAA, else 500 */
    uint32_t batch;
    double pull_interval_s;
    int tx_lead_ms;
    uint32_t window; /* PUSH_DATA awaiting PUSH_ACK; 0 = no limit */
    bool json, log_downlinks;
    bool replay, bad_mic, rejoin;
    int dev_nonce; /* -1: the next one */
    int64_t fcnt;  /* -1: from the state, else 0 */
    bool print_devices;
    const char *register_url, *token, *channel;
} sim_opts;

/* Fills o with every default. */
void sim_opts_defaults(sim_opts *o);

/* Parses argv into o (defaults first). Returns 0 to run, 1 after printing --help, or -1 with
 * err (a sentence naming the option) on a bad option. Keeps pointers into argv. */
int sim_opts_parse(int argc, char **argv, sim_opts *o, char *err, size_t errlen);

/* "1.0.3", "1.0.4", "1.1" <-> enum lw_version; "?" / -1 for others. */
const char *sim_mac_name(int mac);
int sim_mac_parse(const char *name);

/* The wait after the last uplink, in ms, with the default resolved. */
int sim_opts_wait_ms(const sim_opts *o);

/* Hex helpers: n bytes into 2n+1 chars of out (upper case); a hex string of exactly n bytes
 * into out (0 or -1); a hex integer of at most `digits` digits (0 or -1). */
void sim_hex(const uint8_t *b, size_t n, char *out);
int sim_unhex(const char *s, uint8_t *out, size_t n);
int sim_hex_u64(const char *s, int digits, uint64_t *out);

/* ---- the device side (sim_device.c) ---- */

/* The keys --key-seed gives one device (see sim_device.c for the formula). */
typedef struct sim_keys {
    uint8_t app_key[LW_KEY_LEN];
    uint8_t nwk_key[LW_KEY_LEN];     /* 1.1; for 1.0 devices it is not used */
    uint8_t f_nwk_s_int[LW_KEY_LEN]; /* ABP: NwkSKey in 1.0 */
    uint8_t s_nwk_s_int[LW_KEY_LEN];
    uint8_t nwk_s_enc[LW_KEY_LEN];
    uint8_t app_s[LW_KEY_LEN];
} sim_keys;

/* Derives k from seed and dev_eui. 0 or -1 (OpenSSL failed). */
int sim_keys_derive(const uint8_t seed[LW_KEY_LEN], uint64_t dev_eui, sim_keys *k);

/* Where and how a frame goes on air. */
typedef struct sim_radio {
    uint32_t freq_hz;
    uint8_t dr, ch, sf;
    uint16_t bw_khz;
} sim_radio;

/* One transmission a device remembers, to match the downlink answering it. */
typedef struct sim_uplink {
    uint64_t t_us; /* the simulator's clock when it was "received"; 0 = none */
    sim_radio radio;
    uint32_t fcnt;
    bool join, confirmed;
} sim_uplink;

enum sim_dev_state { SIM_DEV_IDLE, SIM_DEV_JOINING, SIM_DEV_ACTIVE, SIM_DEV_FAILED };

typedef struct sim_device {
    uint64_t dev_eui;
    uint8_t app_key[LW_KEY_LEN]; /* root keys (OTAA) */
    uint8_t nwk_key[LW_KEY_LEN]; /* = app_key for 1.0.x */
    lw_session s;
    bool has_session;
    uint32_t fcnt_up; /* the next FCntUp */
    bool has_nfcnt_down, has_afcnt_down;
    uint32_t nfcnt_down, afcnt_down; /* the last seen (1.0: FCntDown is nfcnt_down) */
    bool ack_pending;                /* a confirmed downlink awaits our ACK */
    uint32_t ack_conf_fcnt;          /* its counter (1.1 ConfFCnt of the next uplink) */
    uint32_t conf_up_fcnt;           /* FCntUp of our last confirmed uplink (1.1 downlink MIC) */
    uint8_t rx1_dr_offset, rx2_dr, rx_delay;
    uint8_t tx_power; /* TXPower index from the last LinkADRReq */
    uint32_t rx2_freq_hz;
    bool rekey_pending; /* 1.1 after a join: RekeyInd in each uplink until RekeyConf */
    bool reset_pending; /* 1.1 ABP after a reset: ResetInd in each uplink until ResetConf */
    uint8_t mac_out[LW_MAX_FOPTS]; /* MAC answers for the next uplink's FOpts */
    uint8_t mac_out_len;
    bool has_cflist;
    uint8_t cflist[16];
    uint16_t join_nonce_dev; /* DevNonce of the pending join-request */
    bool has_last_nonce;
    uint16_t last_nonce;
    uint16_t *nonces; /* DevNonces used (random ones, 1.0.0-1.0.3), owned */
    uint32_t n_nonces, cap_nonces;
    sim_uplink up[SIM_UP_HISTORY];
    uint8_t up_next;
    uint8_t state; /* enum sim_dev_state */
    bool waiting;  /* for a join-accept or the answer to a confirmed uplink */
    bool queued;
    uint64_t wait_until_us;
    uint64_t sent_this_run;
    int64_t next_same_addr; /* DevAddr chain in sim_run.c; -1 = end */
} sim_device;

/* Sets up device number i: DevEUI, root keys, and for ABP its session (DevAddr = base + i).
 * Call it before sim_state_load, which may put a saved session and counters on top. 0 or -1.
 */
int sim_device_init(sim_device *d, const sim_opts *o, uint32_t i);
/* Frees what the device owns (the DevNonce list). */
void sim_device_free(sim_device *d);

/* The radio settings of the device's next frame: a channel by frame number, the region's
 * simulator data rate (DR5 in EU868, DR3 in US915). */
void sim_radio_for(const lw_region *r, uint32_t frame_no, sim_radio *out);

/* Builds the next uplink into out (LW_MAX_PHY) and records it as sent at t_us: FCntUp,
 * ACK of a pending confirmed downlink, FOpts (RekeyInd/ResetInd in 1.1, MAC answers),
 * payload (--payload or a 4-byte counter), MIC (flipped with --bad-mic). Returns the length,
 * or -1. */
int sim_uplink_build(sim_device *d, const sim_opts *o, uint64_t t_us, uint8_t *out,
                     sim_radio *radio);

/* Builds a join-request into out[23] with the next DevNonce (random and unused for
 * 1.0.0-1.0.3, last + 1 for 1.0.4/1.1, or --dev-nonce) and records it as sent at t_us.
 * Returns 23, or -1. */
int sim_join_build(sim_device *d, const sim_opts *o, uint64_t t_us, uint8_t *out, sim_radio *radio);

/* What a device learnt from a downlink. */
typedef struct sim_dl {
    bool join_accept;
    uint32_t fcnt; /* 32-bit */
    bool confirmed, ack, replayed;
    int fport;
    uint8_t payload[LW_MAX_PHY];
    size_t len;
    uint8_t mac[LW_MAX_PHY]; /* FOpts, or FRMPayload on FPort 0, in plaintext */
    size_t mac_len;
} sim_dl;

/* Takes an encrypted join-accept for a device in SIM_DEV_JOINING: decrypts it, checks its MIC
 * (1.0, or 1.1 with OptNeg), derives the session and notes DLSettings/RxDelay/CFList.
 * 0, or -1 with err (bad MIC, malformed) leaving the device as it was. */
int sim_join_accept(sim_device *d, const sim_opts *o, const uint8_t *phy, size_t len, char *err,
                    size_t errlen);

/* Checks a decoded data downlink f against the device: rebuilds the 32-bit counter
 * (NFCntDown/AFCntDown in 1.1; the last counter again, or an older one, is a replay) and checks
 * the MIC.
 * Returns 0 when it is the device's, -1 when the MIC does not match (nothing changed). On 0 it
 * decrypts FRMPayload and FOpts into out, and (unless replayed) moves the counter, notes a
 * confirmed downlink for the next uplink's ACK and acts on the MAC commands (RekeyConf and
 * ResetConf end RekeyInd/ResetInd; RXParamSetupReq and RXTimingSetupReq move the windows;
 * their answers, DevStatusAns and DutyCycleAns go in the next uplink's FOpts). Classify the window
 * (sim_window_classify) before: it can change. */
int sim_downlink(sim_device *d, const lw_frame *f, sim_dl *out);

/* RX windows. */
enum sim_window { SIM_WIN_NONE, SIM_WIN_RX1, SIM_WIN_RX2 };
const char *sim_window_name(int w);

/* Which receive window of which remembered uplink a downlink at tx_tmst (on a gateway whose
 * tmst = t_us + gw_offset) falls in: RX1 at +RxDelay s (JOIN_ACCEPT_DELAY1 for a join) or RX2
 * one second later. *radio_ok tells whether its frequency and data rate are the ones the
 * region's RX1 rules (or RX2 settings) give. *which gets the uplink (NULL when none). */
int sim_window_classify(const sim_device *d, const lw_region *r, uint32_t gw_offset,
                        uint32_t tx_tmst, uint32_t freq_hz, uint8_t sf, uint16_t bw_khz,
                        bool *radio_ok, const sim_uplink **which);

/* The TX_ACK error a gateway gives a class A downlink lead_us before its tmst: NULL (none,
 * sent) or "TOO_LATE" below tx_lead_ms. */
const char *sim_tx_verdict(int64_t lead_us, int tx_lead_ms);

/* ---- counters (filled by sim_run and sim_gateway.c) ---- */

typedef struct sim_stats {
    uint64_t uplinks_sent, confirmed_sent, replays_sent, push_data_sent, push_acks;
    uint64_t pull_data_sent, pull_acks, tx_acks_sent, send_errors, push_ack_timeouts;
    uint64_t joins_sent, joins_accepted, joins_failed;
    uint64_t acks_received, downlinks, downlinks_rx1, downlinks_rx2, downlinks_late;
    uint64_t downlinks_bad_mic, downlinks_unknown, downlinks_no_window, downlinks_bad_radio;
    uint64_t downlinks_replayed; /* a counter not above the last: dropped by the device */
    uint64_t datagrams_bad;      /* from the server, unreadable */
    int64_t min_lead_us;
    bool has_lead;
    double elapsed_s, send_s;
} sim_stats;

/* ---- gateways (sim_gateway.c) ---- */

/* One simulated packet forwarder: a UDP socket connected to the server, a clock, the rxpk
 * waiting for the next PUSH_DATA and the PUSH_DATA datagrams waiting for sendmmsg. */
typedef struct sim_gw {
    int fd;
    uint32_t index;
    uint64_t eui;
    uint32_t tmst_offset; /* tmst = (uint32_t)(simulator µs + tmst_offset) */
    uint16_t token;
    sm_rxpk *batch; /* batch_cap rxpk */
    uint32_t n_batch, batch_cap;
    uint8_t *out; /* out_cap slots of slot_cap bytes */
    size_t slot_cap;
    uint32_t n_out, out_cap;
    struct mmsghdr *msgs;
    struct iovec *iov;
    uint64_t next_pull_us;
} sim_gw;

/* Opens gateway index of o: its socket, connected to --server, and its buffers. 0, or -1
 * with err. sim_gw_close frees it (also after a failed open). */
int sim_gw_open(sim_gw *g, const sim_opts *o, uint32_t index, char *err, size_t errlen);
void sim_gw_close(sim_gw *g);

/* The gateway's concentrator counter at simulator time t_us. */
uint32_t sim_gw_tmst(const sim_gw *g, uint64_t t_us);

/* Queues one rxpk (copied). A full batch becomes a PUSH_DATA; a full queue is sent. Returns
 * the PUSH_DATA datagrams sent now (0 mostly), adding errors to st. */
uint32_t sim_gw_push(sim_gw *g, const sm_rxpk *rx, sim_stats *st);
/* Turns a partial batch into a PUSH_DATA and sends every queued datagram (sendmmsg). Returns
 * how many PUSH_DATA went out. */
uint32_t sim_gw_flush(sim_gw *g, sim_stats *st);
/* Sends a PULL_DATA now. 0 or -1. */
int sim_gw_pull(sim_gw *g, sim_stats *st);
/* Sends a TX_ACK for token with error (NULL = NONE). 0 or -1. */
int sim_gw_tx_ack(sim_gw *g, uint16_t token, const char *error, sim_stats *st);

/* Receive buffers for sim_gw_recv, shared by every gateway: NULL when out of memory; the
 * caller frees it with sim_rxbuf_free. */
typedef struct sim_rxbuf sim_rxbuf;
sim_rxbuf *sim_rxbuf_new(void);
void sim_rxbuf_free(sim_rxbuf *rb);

/* Reads every datagram waiting on g's socket (non-blocking) and hands each to fn. Returns
 * how many were read. */
typedef void (*sim_gw_datagram_fn)(void *ctx, sim_gw *g, const uint8_t *buf, size_t len);
uint32_t sim_gw_recv(sim_gw *g, sim_rxbuf *rb, sim_gw_datagram_fn fn, void *ctx);

/* ---- state (sim_state.c) ---- */

/* Loads what path holds for these devices (initialised by sim_device_init): a device keeps
 * its saved session only when the mode and MAC version match. A missing file is no error.
 * 0, or -1 with err. */
int sim_state_load(const char *path, sim_device *devs, uint32_t n, const sim_opts *o, char *err,
                   size_t errlen);
/* Writes every device's state to path (keeping other devices already there), atomically
 * (a temporary file renamed). 0 or -1 with err. */
int sim_state_save(const char *path, const sim_device *devs, uint32_t n, const sim_opts *o,
                   char *err, size_t errlen);

/* ---- registration (sim_register.c) ---- */

/* Prints one POST /lora/devices body per device on out. 0 or -1. */
int sim_print_devices(const sim_opts *o, FILE *out);
/* POSTs every body to <--register>/lora/devices. 0 when each got 201 or 409, else -1. */
int sim_register(const sim_opts *o);

/* ---- the run (sim_run.c) ---- */

/* Runs the simulation on devs (initialised, state loaded) until every device has sent its
 * uplinks (or --duration) plus the downlink wait, or SIGINT/SIGTERM. Fills st. 0, or -1 after
 * printing why (sockets). */
int sim_run(const sim_opts *o, sim_device *devs, uint32_t n, sim_stats *st);

#endif
