/* sm_parse (semtech.h): the datagram's header, then its JSON body read in one pass from the
 * events of semtech_json.c, with no document tree.
 *
 * The reader follows where each value sits: the root object, its rxpk array and the rxpk
 * objects in it, an rxpk's rsig array and the objects in that, stat, txpk, txpk_ack. Values of
 * the fields it knows are kept in an obj (a duplicate key replaces the value before, as in
 * jansson's objects); anything else, and anything inside it, is read through and forgotten.
 * When an rxpk closes it is checked and converted into the sm_packet at once (semtech_fields.c);
 * an rsig element is folded into its rxpk's strongest antenna. stat, txpk and txpk_ack are
 * checked at the end.
 *
 * Verdicts and sentences are those of the jansson version, which loaded the whole JSON before
 * looking at any field: a JSON error anywhere wins (so a fault found in an rxpk does not stop
 * the read), then rxpk is checked (its type, its count, then each element in order, fields in
 * a fixed order), then stat. sm_parse never clears the whole sm_packet (about 10 KB), only
 * what it fills. */
#include "semtech_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef int (*body_parser)(reader *r);
static int parse_push_data(reader *r);
static int parse_pull_resp(reader *r);
static int parse_tx_ack(reader *r);

/* A key an object knows: its text (4 to 8 characters), and the field or root member it is. */
struct key {
    char name[9];
    uint8_t len, id;
};

static const struct key root_push[] = {{"rxpk", 4, S_RXPK}, {"stat", 4, S_STAT}};
static const struct key root_pull[] = {{"txpk", 4, S_TXPK}};
static const struct key root_ack[] = {{"txpk_ack", 8, S_ACK}};

static const struct key rxpk_keys[] = {
    {"tmst", 4, F_TMST}, {"freq", 4, F_FREQ}, {"datr", 4, F_DATR}, {"modu", 4, F_MODU},
    {"data", 4, F_DATA}, {"size", 4, F_SIZE}, {"rssi", 4, F_RSSI}, {"lsnr", 4, F_LSNR},
    {"codr", 4, F_CODR}, {"chan", 4, F_CHAN}, {"rfch", 4, F_RFCH}, {"stat", 4, F_STAT},
    {"time", 4, F_TIME}, {"rsig", 4, F_RSIG},
};
static const struct key rsig_keys[] = {{"rssic", 5, F_RSSIC}, {"lsnr", 4, F_LSNR}};
static const struct key stat_keys[] = {
    {"rxnb", 4, F_RXNB}, {"rxok", 4, F_RXOK}, {"rxfw", 4, F_RXFW},
    {"ackr", 4, F_ACKR}, {"dwnb", 4, F_DWNB}, {"txnb", 4, F_TXNB},
    {"lati", 4, F_LATI}, {"long", 4, F_LONG}, {"alti", 4, F_ALTI},
};
static const struct key txpk_keys[] = {
    {"imme", 4, F_IMME}, {"tmst", 4, F_TMST}, {"freq", 4, F_FREQ}, {"rfch", 4, F_RFCH},
    {"powe", 4, F_POWE}, {"modu", 4, F_MODU}, {"datr", 4, F_DATR}, {"codr", 4, F_CODR},
    {"ipol", 4, F_IPOL}, {"size", 4, F_SIZE}, {"data", 4, F_DATA}, {"ncrc", 4, F_NCRC},
};
static const struct key ack_keys[] = {{"error", 5, F_ERROR}};

/* Each packet type: its name, its header length (with or without the EUI), whether a JSON
 * body may follow, what reads that body and the members of its root object. */
static const struct kind {
    const char *name;
    size_t header;
    bool body;
    body_parser parse;
    const struct key *root;
    size_t n_root;
} kinds[] = {
    [SM_PUSH_DATA] = {"PUSH_DATA", HDR_LONG, true, parse_push_data, root_push, COUNT(root_push)},
    [SM_PUSH_ACK] = {"PUSH_ACK", HDR_SHORT, false, NULL, NULL, 0},
    [SM_PULL_DATA] = {"PULL_DATA", HDR_LONG, false, NULL, NULL, 0},
    [SM_PULL_RESP] = {"PULL_RESP", HDR_SHORT, true, parse_pull_resp, root_pull, COUNT(root_pull)},
    [SM_PULL_ACK] = {"PULL_ACK", HDR_SHORT, false, NULL, NULL, 0},
    [SM_TX_ACK] = {"TX_ACK", HDR_LONG, true, parse_tx_ack, root_ack, COUNT(root_ack)},
};

static int errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int errf(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* ---- the JSON's events ---- */

/* keys[0..n) holds s[0..len)? Its id, else F_NONE. Known keys have 4 to 8 characters, so
 * their first four are compared as one word. */
static int lookup(const struct key *keys, size_t n, const char *s, size_t len)
{
    uint32_t head, k;
    if (len < 4 || len > 8)
        return F_NONE;
    memcpy(&head, s, 4);
    for (size_t i = 0; i < n; i++) {
        memcpy(&k, keys[i].name, 4);
        if (k == head && keys[i].len == len &&
            (len == 4 || memcmp(keys[i].name + 4, s + 4, len - 4) == 0))
            return keys[i].id;
    }
    return F_NONE;
}

void sm_on_key(reader *r, const char *s, size_t n)
{
    if (r->skip > 0)
        return;
    switch (r->role) {
    case R_ROOT: {
        const struct kind *k = &kinds[r->p->type];
        r->field = lookup(k->root, k->n_root, s, n);
        break;
    }
    case R_RXPK:
        r->field = lookup(rxpk_keys, COUNT(rxpk_keys), s, n);
        break;
    case R_RSIG:
        r->field = lookup(rsig_keys, COUNT(rsig_keys), s, n);
        break;
    case R_STAT:
        r->field = lookup(stat_keys, COUNT(stat_keys), s, n);
        break;
    case R_TXPK:
        r->field = lookup(txpk_keys, COUNT(txpk_keys), s, n);
        break;
    case R_ACK:
        r->field = lookup(ack_keys, COUNT(ack_keys), s, n);
        break;
    default:
        r->field = F_NONE;
    }
}

static void keep(obj *o, int f, const jval *v)
{
    if (f == F_NONE)
        return;
    o->seen |= (uint32_t)1 << f;
    o->v[f] = *v;
}

/* Opens the object v (if it is one) in role, its fields cleared; false if v is not an object. */
static bool open_object(reader *r, const jval *v, obj *o, uint8_t role)
{
    if (v->type != J_OBJECT)
        return false;
    o->seen = 0;
    r->role = role;
    return true;
}

/* A member of the root: rxpk, stat, txpk or txpk_ack (the last one counts). */
static bool root_member(reader *r, const jval *v)
{
    if (r->field == F_NONE)
        return false;
    r->section[r->field] = v->type;
    switch (r->field) {
    case S_RXPK:
        r->n_rxpk = 0;
        r->rxpk_failed = false;
        if (v->type != J_ARRAY)
            return false;
        r->role = R_RXPKS;
        return true;
    case S_STAT:
        return open_object(r, v, &r->stat, R_STAT);
    case S_TXPK:
        return open_object(r, v, &r->pk, R_TXPK);
    default:
        return open_object(r, v, &r->pk, R_ACK);
    }
}

/* An element of rxpk: the first SM_MAX_RXPK are read, until one fails. */
static bool rxpk_element(reader *r, const jval *v)
{
    size_t i = r->n_rxpk++;
    if (i >= SM_MAX_RXPK || r->rxpk_failed)
        return false;
    if (open_object(r, v, &r->pk, R_RXPK)) {
        r->sig.type = 0;
        return true;
    }
    where w = {"rxpk", (int)i, r->err, r->errlen};
    sm_fail(&w, NULL, "is not an object");
    r->rxpk_failed = true;
    return false;
}

/* An element of rsig: read until one is at fault. */
static bool rsig_element(reader *r, const jval *v)
{
    size_t i = r->sig.n++;
    if (r->sig.fault != RSIG_OK)
        return false;
    if (open_object(r, v, &r->ant, R_RSIG))
        return true;
    r->sig.fault = RSIG_NOT_OBJECT;
    r->sig.fault_at = i;
    return false;
}

void sm_on_value(reader *r, const jval *v)
{
    bool opened = false; /* v opened an object or array the reader follows */
    if (r->skip > 0) {
        r->skip += v->type == J_OBJECT || v->type == J_ARRAY;
        return;
    }
    switch (r->role) {
    case R_TOP:
        r->top_array = v->type == J_ARRAY;
        opened = !r->top_array;
        r->role = R_ROOT;
        break;
    case R_ROOT:
        opened = root_member(r, v);
        break;
    case R_RXPKS:
        opened = rxpk_element(r, v);
        break;
    case R_RXPK:
        if (r->field == F_RSIG) {
            sm_rsig_start(&r->sig, v->type);
            opened = v->type == J_ARRAY;
            r->role = opened ? R_RSIGS : R_RXPK;
        } else {
            keep(&r->pk, r->field, v);
        }
        break;
    case R_RSIGS:
        opened = rsig_element(r, v);
        break;
    case R_RSIG:
        keep(&r->ant, r->field, v);
        break;
    case R_STAT:
        keep(&r->stat, r->field, v);
        break;
    case R_TXPK:
    case R_ACK:
        keep(&r->pk, r->field, v);
        break;
    }
    if (!opened && (v->type == J_OBJECT || v->type == J_ARRAY))
        r->skip = 1;
}

void sm_on_end(reader *r)
{
    if (r->skip > 0) {
        r->skip--;
        return;
    }
    switch (r->role) {
    case R_RXPK: {
        size_t i = r->n_rxpk - 1;
        if (sm_rxpk_check(r, i, &r->p->rxpk[i]) != 0)
            r->rxpk_failed = true;
        r->role = R_RXPKS;
        break;
    }
    case R_RSIG:
        sm_rsig_element(r);
        r->role = R_RSIGS;
        break;
    case R_RSIGS:
        r->role = R_RXPK;
        break;
    case R_ROOT:
        r->role = R_DONE;
        break;
    default: /* rxpk, stat, txpk, txpk_ack */
        r->role = R_ROOT;
    }
}

/* ---- datagram bodies ---- */

/* Reads the JSON after the header with the protocol's checks along the way; 0, or -1 with
 * err set when the JSON is invalid or not an object. */
static int read_body(reader *r, const struct kind *k, const uint8_t *json, size_t n)
{
    if (n == 0)
        return errf(r->err, r->errlen, "%s has no JSON object after its %zu-byte header", k->name,
                    k->header);
    r->json = (const char *)json;
    r->len = n;
    r->what = k->name;
    r->header = k->header;
    r->role = R_TOP;
    r->field = F_NONE;
    r->skip = 0;
    r->top_array = false;
    memset(r->section, 0, sizeof r->section);
    r->n_rxpk = 0;
    r->rxpk_failed = false;
    if (sm_json_read(r) != 0)
        return -1;
    if (r->top_array)
        return errf(r->err, r->errlen, "%s JSON is not an object", k->name);
    return 0;
}

static int parse_push_data(reader *r)
{
    sm_packet *p = r->p;
    if (r->section[S_RXPK]) {
        if (r->section[S_RXPK] != J_ARRAY)
            return errf(r->err, r->errlen, "rxpk is not an array");
        if (r->n_rxpk > SM_MAX_RXPK)
            return errf(r->err, r->errlen, "rxpk has %zu packets, more than %d", r->n_rxpk,
                        SM_MAX_RXPK);
        if (r->rxpk_failed)
            return -1; /* the first to fail said why */
    }
    if (r->section[S_STAT] && sm_stat_check(r, &p->stat) != 0)
        return -1;
    p->n_rxpk = r->n_rxpk;
    p->has_stat = r->section[S_STAT] != 0;
    return 0;
}

static int parse_pull_resp(reader *r)
{
    if (!r->section[S_TXPK])
        return errf(r->err, r->errlen, "PULL_RESP has no \"txpk\" object");
    return sm_txpk_check(r);
}

/* TX_ACK: no JSON (or only whitespace, or a C string's terminator) is success, as is a
 * txpk_ack without "error" (sx1302 sends {"warn":"TX_POWER","value":20} for a packet it
 * accepted at a lower power). */
static bool no_json(const uint8_t *json, size_t n)
{
    size_t k = 0;
    while (k < n && (json[k] == '\0' || json[k] == ' ' || json[k] == '\t' || json[k] == '\n' ||
                     json[k] == '\r'))
        k++;
    return k == n;
}

static int parse_tx_ack(reader *r)
{
    return sm_txpk_ack_check(r);
}

static uint64_t get_be64(const uint8_t *b)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | b[i];
    return v;
}

int sm_parse(const uint8_t *buf, size_t len, sm_packet *p, char *err, size_t errlen)
{
    if (err && errlen > 0)
        err[0] = '\0';
    if (!p)
        return errf(err, errlen, "no packet to parse into");
    p->n_rxpk = 0; /* whatever fails below, p holds no packets */
    p->has_stat = false;
    if (!buf)
        return errf(err, errlen, "no datagram to parse");
    if (len < HDR_SHORT)
        return errf(err, errlen, "datagram of %zu bytes is shorter than the %d-byte header", len,
                    HDR_SHORT);
    if (buf[0] != SM_VERSION)
        return errf(err, errlen, "protocol version %u is not supported (only version %d)", buf[0],
                    SM_VERSION);
    if (buf[3] >= COUNT(kinds))
        return errf(err, errlen, "packet type 0x%02x is unknown (0x00..0x05)", buf[3]);
    const struct kind *k = &kinds[buf[3]];
    if (len < k->header)
        return errf(err, errlen, "%s of %zu bytes is shorter than its %zu-byte header", k->name,
                    len, k->header);
    if (!k->body && len > k->header)
        return errf(err, errlen, "%s of %zu bytes is longer than its %zu bytes", k->name, len,
                    k->header);
    p->version = buf[0];
    p->token = (uint16_t)(buf[1] | buf[2] << 8);
    p->type = buf[3];
    p->gw_eui = k->header == HDR_LONG ? get_be64(buf + 4) : 0;
    memset(&p->stat, 0, sizeof p->stat);
    memset(&p->txpk, 0, sizeof p->txpk);
    p->tx_error[0] = '\0';
    if (!k->parse || (p->type == SM_TX_ACK && no_json(buf + k->header, len - k->header)))
        return 0;

    reader r; /* not cleared: about 8 KB, of which read_body sets what is read */
    r.p = p;
    r.err = err;
    r.errlen = errlen;
    sm_json_init(&r);
    int rc = read_body(&r, k, buf + k->header, len - k->header);
    if (rc == 0)
        rc = k->parse(&r);
    sm_json_done(&r);
    if (rc != 0) {
        p->n_rxpk = 0;
        p->has_stat = false;
    } else if (err && errlen > 0) {
        err[0] = '\0'; /* an rxpk that failed before a later "rxpk" replaced it said so */
    }
    return rc;
}
