/* The LoRa adapter plugin's private header: the state its parts share.
 *
 *   plugin.c        lifecycle, settings, metrics
 *   util.c          hex, EUIs, keys, base64, times
 *   store.c         SQLite: devices, sessions and counters, DevNonces, gateways, profiles;
 *                   keys wrapped (RFC 3394) under the key-encryption key
 *   registry.c      devices in memory, indexed by DevEUI and by DevAddr
 *   api.c           REST under /lora (devices), api_gw.c (gateways and profiles)
 *   gw/gw.c         the gateway bridge: Semtech UDP socket, gateway table, the loop thread
 *   ns/dedup.c      the deduplication window
 *   ns/ns.c         uplinks: DevAddr lookup with MIC per candidate, FCnt rules, MAC commands
 *   ns/downlink.c   RX1/RX2 scheduling on the best gateway, TX_ACK handling
 *   js/join.c       joins: MIC, DevNonce rules, JoinNonce, join-accept, session keys
 *   as/as.c         decrypt, publish uplink and join events on the channel
 *   as/queue.c      downlinks from channels.<id>.lora.down.<DevEUI>, queued per device
 *   as/codec.c      payload codecs: plugins loaded on use, decoding on worker threads, SenML
 *   ns/adr.c        adaptive data rate
 *
 * Threads: the loop thread (gw.c) receives datagrams, runs the dedup window, the NS, JS and
 * AS, and sends downlinks. REST handlers run on the HTTP server's threads, downlink requests
 * on a bus thread, codecs on their workers. Devices (the registry and every lora_dev in it)
 * are guarded by lora->lock; the store and the codecs have their own locks. */
#ifndef LB_LORA_H
#define LB_LORA_H

#include <lyrebird/plugin.h>

#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "lorawan.h"
#include "region.h"
#include "semtech.h"

#define LORA_PLUGIN "lora"
#define LORA_MAX_RX 8      /* gateways' receptions kept per frame */
#define LORA_MAX_DL 242    /* largest FRMPayload queued */
#define LORA_MAX_QUEUE 32  /* downlinks queued per device */
#define LORA_ID_MAX 64
#define LORA_ADR_HISTORY 20 /* uplinks the ADR decision looks at */

/* One gateway's reception of a frame. */
typedef struct lora_rx {
    uint64_t gw_eui;
    uint32_t tmst;
    bool has_time;
    int64_t time_ns;
    int16_t rssi;
    float snr;
    uint8_t chan, rfch;
} lora_rx;

/* A frame after the deduplication window: every gateway that heard it. */
typedef struct lora_uplink {
    uint8_t phy[LW_MAX_PHY];
    size_t len;
    uint32_t freq_hz;
    uint8_t sf;
    uint16_t bw_khz;
    int64_t rx_ns;   /* wall clock at the first copy */
    int64_t mono_ns; /* monotonic clock at the first copy */
    size_t n_rx;
    lora_rx rx[LORA_MAX_RX];
} lora_uplink;

/* A downlink waiting in a device's queue. */
typedef struct lora_dl {
    struct lora_dl *next;
    int fport;
    bool confirmed;
    uint8_t attempts; /* sent so many times without an ACK */
    uint8_t len;
    uint8_t payload[LORA_MAX_DL];
} lora_dl;

/* A device in memory. Keys are held unwrapped here only. */
typedef struct lora_dev {
    struct lora_dev *next_eui, *next_addr; /* registry chains */
    uint64_t dev_eui, join_eui;
    char channel[LORA_ID_MAX], thing[LORA_ID_MAX];
    int version; /* enum lw_version */
    char cls;    /* 'A' or 'C' */
    const lw_region *region;
    bool otaa;
    uint8_t app_key[LW_KEY_LEN], nwk_key[LW_KEY_LEN];
    bool has_session;
    lw_session s;
    bool has_fcnt_up;
    uint32_t fcnt_up;                /* last accepted */
    uint32_t nfcnt_down, afcnt_down; /* next to send (1.0: one counter, nfcnt_down) */
    bool has_dev_nonce;
    uint16_t dev_nonce; /* last accepted (1.0.4 and 1.1 count up) */
    uint32_t join_nonce; /* next to send */
    uint8_t rx1_dr_offset, rx2_dr, rx_delay;
    bool ack_due;        /* the last uplink was confirmed: ACK it */
    uint32_t conf_fcnt;  /* its FCnt (1.1 downlink MIC) */
    uint32_t conf_down_fcnt; /* FCnt of our last confirmed downlink (1.1 uplink MIC of its ACK) */
    uint8_t mac[LW_MAX_FOPTS]; /* MAC answers for the next downlink */
    uint8_t mac_len;
    lora_dl *queue;      /* head is next; a confirmed head stays until ACKed */
    unsigned queue_len;
    uint64_t last_gw;    /* class C: the gateway that heard it last */
    struct lora_codec *codec; /* its payload codec, or NULL (compiled codecs live as long as
                                 the plugin) */
    int8_t adr_snr[LORA_ADR_HISTORY]; /* best SNR of recent uplinks, quarter dB */
    uint8_t adr_n, adr_next;
    uint8_t tx_power;               /* TXPower index the device has (0: max EIRP) */
    bool adr_asked;                 /* a LinkADRReq went out, its answer is due */
    uint8_t adr_dr, adr_tx_power;   /* what it asked for */
    int64_t last_seen_ns;
} lora_dev;

typedef struct lora_registry lora_registry;
typedef struct lora_store lora_store;
typedef struct lora_dedup lora_dedup;
typedef struct lora_batch lora_batch;
typedef struct lora_codec lora_codec;
typedef struct lora_codecs lora_codecs;

/* A gateway the bridge has heard from. */
typedef struct lora_gw {
    uint64_t eui;
    bool registered;
    bool has_pull_addr;
    struct sockaddr_storage pull_addr; /* where PULL_RESPs go (from its PULL_DATA) */
    socklen_t pull_addr_len;
    int64_t last_seen_ns;
    int64_t stat_saved_ns;
} lora_gw;

/* A downlink sent and not yet answered by TX_ACK: on an error it may move to RX2. */
typedef struct lora_pending_tx {
    uint16_t token;
    bool used;
    bool rx2_possible;
    uint64_t gw_eui;
    int64_t sent_mono_ns;
    sm_txpk rx2;
    uint8_t data[LW_MAX_PHY];
} lora_pending_tx;

#define LORA_PENDING_TX 1024

typedef struct lora {
    const lb_host *host;
    /* settings */
    int udp_port;
    int loopback_only;
    int dedup_ms;
    uint32_t net_id;
    int open_gateways;
    int max_fcnt_gap;
    int rx_margin_ms; /* a window that opens sooner than this is missed */
    int confirmed_retries;
    int us915_sub_band; /* the sub-band a US915 join-accept enables (0: all) */
    double adr_margin_db; /* ADR installation margin */

    pthread_mutex_t lock; /* devices */
    lora_registry *reg;
    lora_store *store;
    lora_dedup *dedup;
    lora_batch *batch; /* frames accepted, waiting for their counters to be stored */
    lora_codecs *codecs;
    long codec_workers, codec_instances;

    /* gateway bridge (loop thread only, except gw_lock'd table reads by REST) */
    int sock;
    int wake[2]; /* a pipe: wakes the loop (stop, class C downlinks) */
    pthread_t thread;
    bool running;
    pthread_mutex_t gw_lock;
    lora_gw *gws;
    size_t n_gws, cap_gws;
    uint16_t next_token;
    lora_pending_tx pending[LORA_PENDING_TX];

    lb_bus_sub *down_sub;

    /* metrics */
    lb_counter *datagrams, *bad_datagrams, *unknown_gw, *rxpk, *crc_bad, *bad_frames;
    lb_counter *uplinks, *duplicates, *mic_failed, *unknown_addr, *fcnt_replay, *fcnt_gap;
    lb_counter *joins, *joins_refused, *downlinks, *downlinks_rx2, *tx_errors, *late;
    lb_counter *down_requests, *down_refused, *acks, *nacks, *store_errors;
    lb_counter *decoded, *decode_failed, *decode_dropped;
    lb_gauge *devices_gauge, *gateways_gauge;
    lb_histogram *proc_seconds;
} lora;

/* util.c */
int lora_eui_parse(const char *s, uint64_t *out);           /* 16 hex digits */
void lora_eui_format(uint64_t eui, char out[17]);
int lora_addr_parse(const char *s, uint32_t *out);          /* 8 hex digits */
int lora_key_parse(const char *s, uint8_t out[LW_KEY_LEN]); /* 32 hex digits */
int64_t lora_mono_ns(void);
/* RFC 3339 UTC with microseconds into out (32 bytes). */
void lora_time_format(int64_t unix_ns, char out[40]);
/* Base64 (padded) of n bytes, malloc'd; NULL when out of memory. */
char *lora_base64(const uint8_t *data, size_t n);

/* registry.c: owns the devices added to it. */
lora_registry *lora_registry_new(void);
void lora_registry_free(lora_registry *r);
int lora_registry_add(lora_registry *r, lora_dev *d); /* LB_EEXIST when the DevEUI is taken */
lora_dev *lora_registry_get(lora_registry *r, uint64_t dev_eui);
/* The first device with DevAddr addr after prev (NULL: the first), or NULL. */
lora_dev *lora_registry_by_addr(lora_registry *r, uint32_t addr, lora_dev *prev);
/* Moves d (in r) to DevAddr addr after a join. */
void lora_registry_readdr(lora_registry *r, lora_dev *d, uint32_t addr);
void lora_registry_remove(lora_registry *r, uint64_t dev_eui);
size_t lora_registry_count(const lora_registry *r);
void lora_dev_free(lora_dev *d);

/* store.c (thread-safe) */
lora_store *lora_store_open(const char *path, const uint8_t *kek, size_t kek_len, char *err,
                            size_t errlen);
void lora_store_close(lora_store *s);
/* Calls cb for every device, its keys unwrapped, with its codec's JSON (or NULL); cb takes
 * ownership of the device. */
int lora_store_load(lora_store *s, int (*cb)(lora_dev *d, const char *codec, void *arg),
                    void *arg);
/* Sets (codec NULL: removes) a device's codec. LB_ENOTFOUND when not the owner's. */
int lora_store_device_set_codec(lora_store *s, const char *owner, uint64_t dev_eui,
                                const json_t *codec);
/* Inserts a registered device: owner, name, profile and codec as given (codec: JSON or
 * NULL). LB_EEXIST when the DevEUI is taken. */
int lora_store_device_add(lora_store *s, const lora_dev *d, const char *owner, const char *name,
                          const char *profile_id, const json_t *codec);
/* The public shape of a device (no keys), or of a page of them (owner NULL: every owner). */
int lora_store_device_get(lora_store *s, const char *owner, uint64_t dev_eui, json_t **out);
int lora_store_device_list(lora_store *s, const char *owner, long offset, long limit,
                           json_t **items, long *total);
/* Renames / sets the class of a device. LB_ENOTFOUND when not the owner's. */
int lora_store_device_update(lora_store *s, const char *owner, uint64_t dev_eui,
                             const char *name, char cls);
int lora_store_device_delete(lora_store *s, const char *owner, uint64_t dev_eui);
/* Writes a device's session (after a join): DevAddr, keys, counters, nonces. */
int lora_store_session_save(lora_store *s, const lora_dev *d);
/* A device's counters as they must be stored before its frame is delivered. */
typedef struct lora_counters {
    uint64_t dev_eui;
    uint32_t fcnt_up, nfcnt_down, afcnt_down;
} lora_counters;
/* Counters of n devices in one transaction. */
int lora_store_counters_save(lora_store *s, const lora_counters *c, size_t n);
/* 1 when DevNonce was used by the device, 0 when not (and now recorded), or an LB_E* code. */
int lora_store_dev_nonce_use(lora_store *s, uint64_t dev_eui, uint16_t nonce);
/* Gateways. */
int lora_store_gateway_add(lora_store *s, const char *owner, uint64_t eui, const char *name,
                           const char *region);
int lora_store_gateway_get(lora_store *s, const char *owner, uint64_t eui, json_t **out);
int lora_store_gateway_list(lora_store *s, const char *owner, json_t **items);
int lora_store_gateway_delete(lora_store *s, const char *owner, uint64_t eui);
int lora_store_gateway_seen(lora_store *s, uint64_t eui, int64_t now_ns, const sm_stat *st);
/* Calls cb(eui) for every registered gateway. */
int lora_store_gateway_each(lora_store *s, void (*cb)(uint64_t eui, void *arg), void *arg);
/* Profiles: defaults for devices (a JSON object: region, mac_version, class, rx settings). */
int lora_store_profile_add(lora_store *s, const char *owner, const char *id, json_t *profile);
int lora_store_profile_get(lora_store *s, const char *owner, const char *id, json_t **out);
int lora_store_profile_list(lora_store *s, const char *owner, json_t **items);
int lora_store_profile_delete(lora_store *s, const char *owner, const char *id);

/* api.c / api_gw.c */
typedef struct lora_route {
    const char *method, *path;
    lb_http_handler fn;
} lora_route;
extern const lora_route lora_gw_routes[]; /* gateways and profiles; ends with NULLs */
/* Registers every /lora route. */
int lora_api_register(lora *l);
/* The caller of a REST request from its Bearer token, asked of the things service; fills
 * resp (401/503) and returns an LB_E* code when there is none. user_id: LORA_ID_MAX. */
int lora_api_caller(lora *l, const lb_http_req *req, lb_http_resp *resp, char *user_id,
                    bool *admin, char **token_out);
/* The body as a JSON object, or NULL with a 400 in resp. */
json_t *lora_api_body(lora *l, const lb_http_req *req, lb_http_resp *resp);
/* Replies with status and body (stolen). */
void lora_api_reply(lb_http_resp *resp, int status, json_t *body);
/* 404 "<what> <id> not found", 409 "... already exists", or 500. */
void lora_api_store_error(lora *l, lb_http_resp *resp, int rc, const char *what, const char *id);

/* gw/gw.c */
int lora_gw_start(lora *l);
void lora_gw_stop(lora *l);
void lora_gw_register(lora *l, uint64_t eui, bool registered); /* REST added / removed one */
/* Sends tx through gateway eui; 0, or LB_ENOTFOUND when it has not pulled yet. */
int lora_gw_send(lora *l, uint64_t gw_eui, const sm_txpk *tx, const sm_txpk *rx2_fallback);
void lora_gw_tx_ack(lora *l, const sm_packet *p);

/* ns/dedup.c: frames wait window_ms for other gateways' copies. */
lora_dedup *lora_dedup_new(int window_ms);
void lora_dedup_free(lora_dedup *d);
/* Adds a copy; returns 1 for the first copy, 0 for a merged duplicate, LB_ENOMEM. */
int lora_dedup_add(lora_dedup *d, const sm_rxpk *rx, uint64_t gw_eui, int64_t mono_ns);
/* Pops the oldest frame whose window ended by now into out; false when none is due. */
bool lora_dedup_pop(lora_dedup *d, int64_t now_mono_ns, lora_uplink *out);
/* Nanoseconds until the next window ends (-1: none pending). */
int64_t lora_dedup_next_ns(lora_dedup *d, int64_t now_mono_ns);

/* ns/ns.c: handles one deduplicated frame (loop thread). */
void lora_ns_uplink(lora *l, lora_uplink *up);
/* Persists counters of the frames accepted since the last call, then publishes them. */
void lora_ns_flush(lora *l);
lora_batch *lora_batch_new(void); /* free() it */

/* ns/downlink.c */
/* A downlink ready to go: the PHYPayload and both receive windows on one gateway. */
typedef struct lora_tx {
    uint64_t gw_eui;
    uint8_t phy[LW_MAX_PHY];
    size_t len;
    uint32_t tmst1;         /* RX1 opens at this tmst; RX2 one second later */
    uint32_t freq1, freq2;  /* Hz */
    int dr1, dr2;           /* -1: that window cannot carry this frame */
    const lw_region *region;
    int64_t open1_mono_ns;  /* when RX1 opens on our clock */
    bool imme;              /* class C: send at once on RX2's settings */
} lora_tx;
/* The gateway to answer through: the best SNR among those that pulled; NULL if none. */
const lora_rx *lora_downlink_best(lora *l, const lora_uplink *up);
/* The uplink data rate of up in region r (from its SF and bandwidth), or -1. */
int lora_uplink_dr(const lw_region *r, const lora_uplink *up);
/* Builds d's answer to up into tx (l->lock held): the queue head, the ACK of a confirmed
 * uplink, MAC answers; only when there is something to send or must. Advances d's downlink
 * counter. Returns true when tx holds a frame. */
bool lora_downlink_build(lora *l, lora_dev *d, const lora_uplink *up, bool must, lora_tx *tx);
/* Builds a class C downlink of d's queue head to go at once (l->lock held). */
bool lora_downlink_build_c(lora *l, lora_dev *d, lora_tx *tx);
/* The windows of a join-accept (JOIN_ACCEPT_DELAY1/2) for up into tx, phy copied. */
bool lora_downlink_join(lora *l, const lw_region *r, const lora_uplink *up, const uint8_t *phy,
                        size_t len, lora_tx *tx);
/* Sends tx in RX1 if there is still time, else RX2 (RX2 stays the fallback on a TX_ACK
 * error). false (counted as late) when both windows have passed. */
bool lora_downlink_send(lora *l, const lora_tx *tx);

/* ns/adr.c: adaptive data rate, the network's side. */
/* Demodulation floor of a spreading factor, dB. */
float lora_snr_floor(int sf);
/* Semtech's ADR decision: with snr_max the best SNR of recent uplinks at dr, margin_db the
 * installation margin, the data rate and TXPower index the device should use. Pure. */
void lora_adr_decide(const lw_region *r, int dr, int tx_power, float snr_max, float margin_db,
                     int *new_dr, int *new_power);
/* Notes up's SNR and, when the ADR bit is set and enough uplinks were seen, puts a
 * LinkADRReq in d's MAC answers if the decision differs from what d uses. lock held. */
void lora_adr_uplink(lora *l, lora_dev *d, const lora_uplink *up, int dr, bool adr_bit);
/* A LinkADRAns status byte from d: all three ACK bits adopt what was asked. */
void lora_adr_answer(lora_dev *d, uint8_t status);

/* js/join.c: a join-request (loop thread). */
void lora_js_join(lora *l, lora_uplink *up, const lw_frame *f);

/* as/as.c */
/* Publishes the uplink event (and, later, decoded SenML) of d for frame f whose FRMPayload
 * is plain (decrypted). Copies what it needs; call without l->lock. */
typedef struct lora_up_event {
    char channel[LORA_ID_MAX], thing[LORA_ID_MAX];
    uint64_t dev_eui;
    uint32_t dev_addr, fcnt;
    int fport;
    bool confirmed, adr;
    int dr;
    uint8_t plain[LW_MAX_PHY];
    size_t plain_len;
    struct lora_codec *codec; /* the device's codec, or NULL */
} lora_up_event;
/* extra: more members for the event (",\"k\":v..."), or NULL. */
void lora_as_uplink(lora *l, const lora_up_event *ev, const lora_uplink *up, const char *extra);
void lora_as_join(lora *l, const lora_dev *d, const lora_uplink *up);
/* Publishes an event on the device's channel under subtopic (e.g. "lora.error"). */
void lora_as_event(lora *l, const char *channel, const char *thing, const char *subtopic,
                   json_t *body);

/* as/codec.c: payload codecs (thread-safe). */
lora_codecs *lora_codecs_new(lora *l, int workers, size_t max_instances);
/* Stops the workers after the queued jobs are done, frees everything. */
void lora_codecs_free(lora_codecs *cs);
/* The compiled codec of spec ({"type", "script"?}), compiled on first use and shared; NULL
 * with err (unknown type, compile error) for the user. */
lora_codec *lora_codec_get(lora_codecs *cs, const json_t *spec, char *err, size_t errlen);
void lora_codec_put(lora_codecs *cs, lora_codec *c);
/* The spec a codec was made from (owned by the codec). */
const json_t *lora_codec_spec(const lora_codec *c);
/* Queues ev's payload for decoding with c; false when the queue is full. */
bool lora_codec_decode(lora_codecs *cs, lora_codec *c, const lora_up_event *ev,
                       const lora_uplink *up);
/* Runs spec on bytes once (the console's decoder editor): {"data", "warnings", "errors",
 * "time_us"}, or NULL with err. */
json_t *lora_codec_test(lora_codecs *cs, const json_t *spec, int fport, const uint8_t *bytes,
                        size_t len, char *err, size_t errlen);
/* Encodes {"data": ...} for a downlink with c: bytes into out, *fport set when the codec
 * chose one. 0, or -1 with err. */
int lora_codec_encode(lora_codecs *cs, lora_codec *c, json_t *data, int *fport, uint8_t *out,
                      size_t cap, size_t *len, char *err, size_t errlen);

/* as/queue.c */
int lora_queue_start(lora *l);
void lora_queue_stop(lora *l);
/* Drops d's queue head after an ACK (ack true) or a last failed attempt. */
void lora_queue_pop(lora *l, lora_dev *d, bool ack);

#endif
