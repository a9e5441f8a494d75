/* Private to the Semtech UDP library (semtech.h): what its files share.
 *
 *   semtech_parse.c   sm_parse: the header, then the protocol's objects as the JSON's events
 *                     arrive (which object a value is in, which field it is), keeping the
 *                     values of the known fields in an obj
 *   semtech_json.c    runs yajl's event parser over the JSON, holding it to the rules of
 *                     jansson (the library the parser had before), and hands each value over
 *   semtech_fields.c  checks and converts the kept fields of an rxpk, rsig, stat, txpk or
 *                     txpk_ack object; every sentence of a field's error is there
 *   semtech_build.c   the builders (sm_ack, sm_pull_resp, sm_push_data, ...)
 *
 * One sm_parse is one reader (about 8 KB, on its stack); nothing is shared between calls. */
#ifndef LYREBIRD_LORA_SEMTECH_INTERNAL_H
#define LYREBIRD_LORA_SEMTECH_INTERNAL_H

#include "semtech.h"

#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_parse.h>

#define HDR_SHORT 4  /* version, token, type */
#define HDR_LONG  12 /* ... and the gateway EUI */

/* Sub-GHz concentrator radios tune 137..1020 MHz (SX1257 862-1020, SX1255 400-510, SX1250
 * 150-960); anything else is not a frequency a packet was heard or can be sent on. */
#define FREQ_MIN_HZ 137000000u
#define FREQ_MAX_HZ 1020000000u
#define FSK_MIN_BPS 500 /* SX1301 FSK modem: 500 bit/s .. 250 kbit/s */
#define FSK_MAX_BPS 250000
#define POWE_MIN    -20 /* dBm */
#define POWE_MAX    40
#define QUOTE_MAX   40 /* characters of a bad value quoted in an error */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* LoRa coding rates a forwarder reports; sx1302's lora_pkt_fwd says "OFF" for CR 0 (false
 * syncs). A parsed txpk points its codr at these strings. */
extern const char *const sm_codr_names[5];

/* A hostile string made safe to quote: at most QUOTE_MAX printable ASCII characters, others
 * (and quotes) shown as '?', "..." when cut. Returns out. */
const char *sm_quote(const char *s, size_t n, char out[QUOTE_MAX + 4]);

/* An error name as TX_ACK carries it: 1..23 of A-Z, 0-9, '_'. */
bool sm_is_name(const char *s, size_t n);

/* ---- JSON values ---- */

/* JSON's types as jansson told them apart: an integer is a number written without '.', 'e'
 * or 'E' (json_int_t, 64 bits), any other number is a real. */
enum jtype { J_NULL = 1, J_FALSE, J_TRUE, J_INT, J_REAL, J_STRING, J_ARRAY, J_OBJECT };

/* One value, as semtech_json.c hands it over. A container comes as its type alone, when it
 * opens; what it holds follows as values of their own. s stays valid for the whole parse (it
 * points into the datagram, or into the reader's arena when the JSON wrote it with escapes). */
typedef struct jval {
    uint8_t type;  /* enum jtype */
    int64_t i;     /* J_INT */
    double d;      /* J_INT (converted) and J_REAL */
    const char *s; /* J_STRING, decoded */
    size_t n;
} jval;

/* The fields the parser knows, of every object (sm_field_names has their keys). */
enum field {
    /* rxpk (txpk has tmst, freq, rfch, modu, datr, codr, size and data too) */
    F_TMST,
    F_TIME,
    F_FREQ,
    F_CHAN,
    F_RFCH,
    F_STAT,
    F_MODU,
    F_DATR,
    F_CODR,
    F_RSSI,
    F_LSNR,
    F_RSIG,
    F_SIZE,
    F_DATA,
    /* txpk */
    F_IMME,
    F_POWE,
    F_IPOL,
    F_NCRC,
    /* stat */
    F_LATI,
    F_LONG,
    F_ALTI,
    F_ACKR,
    F_RXNB,
    F_RXOK,
    F_RXFW,
    F_DWNB,
    F_TXNB,
    /* an rsig element, then txpk_ack */
    F_RSSIC,
    F_ERROR,
    F_COUNT,
    F_NONE = F_COUNT /* a key the object does not know: its value is read through */
};
extern const char *const sm_field_names[F_COUNT];

/* The known fields of one object as they came: a bit in seen for each whose key has come. A
 * key that comes again replaces the value before, as in jansson's objects. */
typedef struct obj {
    uint32_t seen;
    jval v[F_COUNT];
} obj;

/* The value of field f, or NULL when its key has not come (as json_object_get). */
static inline const jval *obj_get(const obj *o, int f)
{
    return o->seen >> f & 1 ? &o->v[f] : NULL;
}

/* ---- the reader ---- */

/* Memory for yajl and for the strings and numbers the parse keeps. A usual datagram takes
 * about 2.5 KiB of it (2 KiB being the buffer yajl's lexer takes at the end of the text); one
 * with a string written with escapes also needs yajl's 2 KiB decoding buffer, which comes from
 * the heap, as does anything past ARENA_BYTES. sm_json_done frees it. */
#define ARENA_BYTES 4096
typedef struct arena {
    size_t used;
    struct block *heap; /* blocks from malloc, in a list */
    alignas(max_align_t) unsigned char buf[ARENA_BYTES];
} arena;

/* Which object the values at hand are in. */
enum role { R_TOP, R_ROOT, R_RXPKS, R_RXPK, R_RSIGS, R_RSIG, R_STAT, R_TXPK, R_ACK, R_DONE };

/* The rsig array of the rxpk being read, as far as it has come: the strongest antenna, or the
 * first element at fault (get_rsig's order: not an object, no good rssic, a bad lsnr). */
enum rsig_fault { RSIG_OK, RSIG_NOT_OBJECT, RSIG_NO_RSSIC, RSIG_BAD_LSNR };
typedef struct rsig {
    uint8_t type; /* of "rsig", 0 when absent */
    size_t n;     /* elements so far */
    uint8_t fault;
    size_t fault_at;
    double best_rssi, best_lsnr;
} rsig;

typedef struct reader {
    /* the datagram */
    const char *json; /* its JSON, after the header */
    size_t len;       /* of json */
    const char *what; /* "PUSH_DATA", ... */
    size_t header;    /* bytes before json, so that errors count from the datagram's start */
    sm_packet *p;
    char *err;
    size_t errlen;

    /* semtech_json.c */
    yajl_handle yajl;
    size_t yajl_len;  /* the bytes given to yajl: json up to its first \v or \f */
    bool finishing;   /* inside yajl_complete_parse, which reads none of them */
    bool plain;       /* no backslash and no byte above 0x7F: no string needs checking */
    bool json_failed; /* a JSON error is in err */
    size_t depth;     /* containers open around the value at hand */
    size_t end;       /* where the top-level value ended */
    arena mem;

    /* semtech_parse.c */
    uint8_t role;       /* enum role */
    int field;          /* the known field (or root member) whose value comes next, or F_NONE */
    size_t skip;        /* containers open inside a value that is only read through */
    bool top_array;     /* the JSON is an array, not an object */
    uint8_t section[4]; /* type of the root's rxpk, stat, txpk and txpk_ack; 0 when absent */
    size_t n_rxpk;      /* rxpk elements so far */
    bool rxpk_failed;   /* one of them failed, and said so in err */
    rsig sig;
    obj pk;   /* the rxpk, txpk or txpk_ack being read */
    obj ant;  /* the rsig element being read */
    obj stat; /* the stat object */
} reader;

/* Members of the root object (indices of reader.section). */
enum { S_RXPK, S_STAT, S_TXPK, S_ACK };

/* In semtech_parse.c: each JSON value (containers when they open), each key, the end of each
 * container. Problems with the protocol never stop the parse (a JSON error later in the text
 * wins over them, as when jansson read it all first); they are kept for sm_parse's end. */
void sm_on_value(reader *r, const jval *v);
void sm_on_key(reader *r, const char *s, size_t n);
void sm_on_end(reader *r);

/* In semtech_json.c. */

/* Readies r's arena; first, before anything can be kept in it. */
void sm_json_init(reader *r);
/* Runs yajl over r->json[0..len) (what, header, err and errlen set too), calling the sm_on_*
 * functions. 0 when the JSON is valid (even if they found fault with the protocol), -1 with
 * "<what> JSON is invalid at byte N: ..." in r->err. */
int sm_json_read(reader *r);
/* Frees what the arena took from the heap. Strings of the parse are gone after it. */
void sm_json_done(reader *r);

/* In semtech_fields.c. */

/* Where a field sits, so an error can name it: rxpk[2].datr, stat.rxnb, txpk.freq. */
typedef struct where {
    const char *obj; /* "rxpk", "stat", "txpk", "txpk_ack" */
    int idx;         /* index in the rxpk array, or -1 */
    char *err;
    size_t errlen;
} where;

/* Writes "<obj>[<idx>].<key> <fmt...>" to w->err (key may be NULL). Returns -1. */
int sm_fail(const where *w, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Starts an rxpk's rsig (of JSON type type) afresh. */
void sm_rsig_start(rsig *g, uint8_t type);
/* Folds the rsig element just read (r->ant) into r->sig. */
void sm_rsig_element(reader *r);
/* Checks the rxpk just read (r->pk, r->sig) and fills rx: 0, or -1 with a sentence in r->err. */
int sm_rxpk_check(reader *r, size_t idx, sm_rxpk *rx);
/* The same for the stat object (type: r->section[S_STAT]), the txpk and the txpk_ack. */
int sm_stat_check(reader *r, sm_stat *st);
int sm_txpk_check(reader *r);
int sm_txpk_ack_check(reader *r);

#endif
