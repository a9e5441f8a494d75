/* The Semtech UDP packet forwarder protocol, version 2 (Semtech's packet_forwarder
 * PROTOCOL.md): datagram parsing and building, no sockets. Used by the gateway bridge (gw.c)
 * and by the simulator, which speaks the gateway's side.
 *
 *   PUSH_DATA 0x00  gw -> server: token, gateway EUI, JSON {"rxpk":[...], "stat":{...}}
 *   PUSH_ACK  0x01  server -> gw: token
 *   PULL_DATA 0x02  gw -> server: token, gateway EUI (keep-alive, opens the downlink path)
 *   PULL_RESP 0x03  server -> gw: token, JSON {"txpk":{...}}
 *   PULL_ACK  0x04  server -> gw: token
 *   TX_ACK    0x05  gw -> server: token, gateway EUI, optional JSON {"txpk_ack":{"error":...}}
 *
 * Every parse function treats its input as hostile: it returns -1 with a sentence in err
 * for anything malformed and never reads past len. Thread-safe, no globals. */
#ifndef LYREBIRD_LORA_SEMTECH_H
#define LYREBIRD_LORA_SEMTECH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SM_VERSION 2
#define SM_MAX_RXPK 32     /* rxpk objects read from one PUSH_DATA; more are an error */
#define SM_MAX_DATA 255    /* largest PHYPayload */
#define SM_ERRLEN 160

enum sm_type {
    SM_PUSH_DATA = 0,
    SM_PUSH_ACK = 1,
    SM_PULL_DATA = 2,
    SM_PULL_RESP = 3,
    SM_PULL_ACK = 4,
    SM_TX_ACK = 5,
};

/* One received packet (an rxpk object). */
typedef struct sm_rxpk {
    uint32_t tmst;       /* concentrator counter, µs */
    bool has_time;
    int64_t time_unix_ns; /* "time" (ISO 8601 UTC) when has_time */
    uint32_t freq_hz;    /* "freq" MHz -> Hz */
    uint8_t chan, rfch;
    int8_t stat;         /* CRC: 1 OK, -1 bad, 0 none */
    bool lora;           /* modu "LORA" (else "FSK") */
    uint8_t sf;          /* from datr "SF7BW125" */
    uint16_t bw_khz;
    uint32_t fsk_bitrate; /* FSK datr is a number */
    char codr[8];        /* "4/5" */
    int16_t rssi;        /* dBm */
    float lsnr;          /* dB */
    uint16_t size;       /* "size", checked against the decoded data */
    uint8_t data[SM_MAX_DATA];
} sm_rxpk;

/* Gateway status (a stat object). Members absent in the JSON are zero; has_location tells
 * whether lati/long were given. */
typedef struct sm_stat {
    bool has_location;
    double lat, lon;
    int32_t alt;
    uint32_t rxnb, rxok, rxfw, dwnb, txnb;
    double ackr;
} sm_stat;

/* What to send (a txpk object). */
typedef struct sm_txpk {
    bool imme;        /* send at once (class C); else at tmst */
    uint32_t tmst;
    uint32_t freq_hz;
    uint8_t rfch;
    int8_t powe;      /* dBm */
    bool lora;        /* LORA or FSK */
    uint8_t sf;
    uint16_t bw_khz;
    uint32_t fsk_bitrate;
    const char *codr; /* "4/5" */
    bool ipol;        /* true for LoRaWAN downlinks */
    bool ncrc;        /* true: no CRC (LoRaWAN downlinks) */
    const uint8_t *data;
    uint16_t size;
} sm_txpk;

/* A parsed datagram. For PUSH_DATA, rxpk[0..n_rxpk) and stat; for PULL_RESP, txpk with
 * txpk_data holding its bytes; for TX_ACK, tx_error ("NONE" or empty for success, else
 * TOO_LATE, TOO_EARLY, COLLISION_PACKET, COLLISION_BEACON, TX_FREQ, TX_POWER, GPS_UNLOCKED). */
typedef struct sm_packet {
    uint8_t version;
    uint16_t token;   /* bytes 1-2, little-endian (as ChirpStack); builders write it alike */
    uint8_t type;     /* enum sm_type */
    uint64_t gw_eui;  /* PUSH_DATA, PULL_DATA, TX_ACK */
    size_t n_rxpk;
    sm_rxpk rxpk[SM_MAX_RXPK];
    bool has_stat;
    sm_stat stat;
    sm_txpk txpk;
    uint8_t txpk_data[SM_MAX_DATA];
    char tx_error[24];
} sm_packet;

/* Parses one datagram of any type. rxpk objects that fail (bad base64, size mismatch, missing
 * tmst/freq/datr) make the whole PUSH_DATA fail: gateways send well-formed ones. 0 or -1.
 * Keeps no pointer into buf. Works in about 8 KB of its own stack and allocates nothing for
 * a usual datagram (one with escaped strings or deep nesting may take heap memory, freed
 * before it returns). */
int sm_parse(const uint8_t *buf, size_t len, sm_packet *p, char *err, size_t errlen);

/* Writes a 4-byte PUSH_ACK or PULL_ACK (type) for token into out. Returns 4. */
size_t sm_ack(uint8_t type, uint16_t token, uint8_t out[4]);

/* Builds a PULL_RESP for token carrying tx into out (cap bytes); the length, or -1. */
int sm_pull_resp(uint16_t token, const sm_txpk *tx, uint8_t *out, size_t cap);

/* The gateway's side (for the simulator and tests). */
/* PUSH_DATA with n rxpk (data/size used as given) and an optional stat; length or -1. */
int sm_push_data(uint16_t token, uint64_t gw_eui, const sm_rxpk *rx, size_t n,
                 const sm_stat *stat, uint8_t *out, size_t cap);
/* PULL_DATA (12 bytes). */
int sm_pull_data(uint16_t token, uint64_t gw_eui, uint8_t *out, size_t cap);
/* TX_ACK with error (NULL or "NONE": success); length or -1. */
int sm_tx_ack(uint16_t token, uint64_t gw_eui, const char *error, uint8_t *out, size_t cap);

#endif
