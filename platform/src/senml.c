/* SenML (RFC 8428) JSON: parses a pack with yajl's event parser, checks every record against the
 * RFC and resolves the base fields (§4.6) into a self-contained lb_senml_pack, in one pass.
 *
 * Why yajl and not jansson, Lyrebird's usual JSON library: a pack is read once, front to back,
 * and turned into records, so a document tree is pure overhead. On a 10-record pack (~420
 * bytes) jansson's json_loadb alone took 17-20 us; yajl's callback parser reads the same text
 * in about 3 us (measured ~6x faster), and the records are built from its events directly.
 *
 * The callbacks type-check each known field of a record as its value arrives and keep it; when
 * the record's object closes it is checked and resolved into a scratch array of records, its
 * strings kept in a scratch arena (both start on the stack, and move to the heap if outgrown).
 * The pack is then copied out in two allocations. Errors are sentences that name the record
 * (0-based) and the problem.
 *
 * Verdicts and messages are those of the earlier jansson version, which parsed the whole text
 * before looking at a record: a JSON error anywhere wins over a SenML error, so after the first
 * SenML error the parse reads on, checking only the JSON. jansson's JSON rules that yajl lacks
 * (duplicate keys, strict UTF-8, number range and the like) are kept in senml_json.c, which
 * also runs yajl; this file keeps only the depth limit, which every value passes through. */
#include "lyrebird/senml.h"
#include "lyrebird/error.h"
#include "lyrebird/jsontok.h"
#include "senml_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#define SENML_VERSION  10          /* the highest bver this reader understands */
#define RELATIVE_LIMIT 268435456.0 /* 2^28: resolved times below it are relative to now */
#define STACK_RECORDS  16          /* records kept on the stack before moving to the heap */
#define STACK_ARENA    1024        /* bytes of strings, likewise */
#define STACK_MAPS     32          /* open objects, likewise */
#define QUOTE_MAX      48          /* bytes of a name or key quoted in an error message */
#define MAX_DEPTH      2048        /* jansson's JSON_PARSER_MAX_DEPTH: deeper values are refused */
#define NO_STRING      SIZE_MAX    /* the offset of an absent string */

enum jtype { T_STRING, T_NUMBER, T_BOOL, T_NULL, T_MAP, T_ARRAY };

static const struct {
    const char *name;
    size_t len;
    enum jtype type;
} fields[F_COUNT] = {
    [F_N] = {"n", 1, T_STRING},   [F_V] = {"v", 1, T_NUMBER},   [F_T] = {"t", 1, T_NUMBER},
    [F_U] = {"u", 1, T_STRING},   [F_S] = {"s", 1, T_NUMBER},   [F_VS] = {"vs", 2, T_STRING},
    [F_VB] = {"vb", 2, T_BOOL},   [F_VD] = {"vd", 2, T_STRING}, [F_UT] = {"ut", 2, T_NUMBER},
    [F_BN] = {"bn", 2, T_STRING}, [F_BT] = {"bt", 2, T_NUMBER}, [F_BU] = {"bu", 2, T_STRING},
    [F_BV] = {"bv", 2, T_NUMBER}, [F_BS] = {"bs", 2, T_NUMBER}, [F_BVER] = {"bver", 4, T_NUMBER},
};

static const char *const type_text[] = {
    [T_STRING] = "a string",
    [T_NUMBER] = "a number",
    [T_BOOL] = "true or false",
};

/* Character classes: letters and digits; a name's characters (§4.5.1: A-Z a-z 0-9 - : . / _);
 * base64url's. */
enum { ALNUM = 1, NAME = 2, B64 = 4 };
static const unsigned char char_class[256] = {
    ['0' ... '9'] = ALNUM | NAME | B64,
    ['A' ... 'Z'] = ALNUM | NAME | B64,
    ['a' ... 'z'] = ALNUM | NAME | B64,
    ['-'] = NAME | B64,
    ['_'] = NAME | B64,
    [':'] = NAME,
    ['.'] = NAME,
    ['/'] = NAME,
};

static const struct span no_string = {NO_STRING, 0};

/* A checked record: numbers resolved, strings still in the arena. */
struct pending {
    lb_senml_record rec;
    struct span bn, n, unit, str;
};

/* The functions shared with senml_json.c say what they do in senml_internal.h. */

int senml_fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
    if (err && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

static int senml_error(struct parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), cold));

/* Records a SenML error unless an error came first, and returns LB_EINVAL. The parse reads on,
 * checking the JSON, since a JSON error later in the text is the one to report. */
static int senml_error(struct parser *p, const char *fmt, ...)
{
    if (p->rc == 0) {
        char what[LB_ERRLEN];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof what, fmt, ap);
        va_end(ap);
        p->rc = senml_fail(p->err, p->errlen, LB_EINVAL, "%s", what);
    }
    return LB_EINVAL;
}

int senml_out_of_memory(struct parser *p)
{
    p->rc = senml_fail(p->err, p->errlen, LB_ENOMEM, "out of memory while parsing JSON");
    return 0;
}

/* Makes room for n more bytes in v; -1 when out of memory. */
int senml_vec_grow(struct vec *v, size_t n)
{
    size_t cap = v->cap;
    while (n > cap - v->len) {
        if (cap > SIZE_MAX / 2)
            return -1;
        cap *= 2;
    }
    char *data = v->data == v->stack ? malloc(cap) : realloc(v->data, cap);
    if (!data)
        return -1;
    if (v->data == v->stack)
        memcpy(data, v->stack, v->len);
    v->data = data;
    v->cap = cap;
    return 0;
}

static const char *text(const struct parser *p, struct span s)
{
    return s.off == NO_STRING ? "" : p->arena.data + s.off;
}

static size_t record_count(const struct parser *p)
{
    return p->records.len / sizeof(struct pending);
}

/* Index of the first byte of s[0..len) not in class c, or len. */
static size_t first_bad(const char *s, size_t len, unsigned c)
{
    size_t i = 0;
    while (i < len && (char_class[(unsigned char)s[i]] & c))
        i++;
    return i;
}

/* Writes a[0..alen) followed by b[0..blen) into buf (QUOTE_MAX + 4 bytes) for an error
 * message: control characters shown as '?', and a long text cut at a UTF-8 character
 * boundary and ended with "...". */
static void quote(char *buf, const char *a, size_t alen, const char *b, size_t blen)
{
    size_t o = 0;
    for (size_t i = 0; i < alen + blen; i++) {
        unsigned char c = (unsigned char)(i < alen ? a[i] : b[i - alen]);
        if (o == QUOTE_MAX) {
            if ((c & 0xC0) == 0x80) { /* inside a character: drop its first bytes too */
                while (o > 0 && ((unsigned char)buf[o - 1] & 0xC0) == 0x80)
                    o--;
                if (o > 0 && (unsigned char)buf[o - 1] >= 0xC0)
                    o--;
            }
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        buf[o++] = (char)(c < 0x20 || c == 0x7F ? '?' : c);
    }
    buf[o] = '\0';
}

/* Checks the resolved name bn + n (§4.5.1). bn's characters were checked where it was
 * defined, so only the first character and n's characters are left. */
static int check_name(struct parser *p, const struct pending *q, size_t i)
{
    const char *bn = text(p, q->bn), *n = text(p, q->n);
    size_t bn_len = q->bn.len, n_len = q->n.len, bad;
    char quoted[QUOTE_MAX + 4];
    if (bn_len + n_len == 0)
        return senml_error(p, "record %zu: no name ('bn' and 'n' are absent or empty)", i);
    int alnum_first = char_class[(unsigned char)(bn_len ? bn[0] : n[0])] & ALNUM;
    if (alnum_first && (bad = first_bad(n, n_len, NAME)) == n_len)
        return 0;
    quote(quoted, bn, bn_len, n, n_len);
    if (!alnum_first)
        return senml_error(p, "record %zu: name '%s' must start with a letter or a digit", i,
                           quoted);
    return senml_error(p, "record %zu: name '%s' has a character not allowed (position %zu)", i,
                       quoted, bn_len + bad);
}

/* Applies the base fields record i defines (bver, bn, bt, bu, bv, bs). */
static int update_base(struct parser *p, size_t i)
{
    const struct record_in *f = &p->cur;
    struct base *b = &p->base;
    double ver = f->num[F_BVER];
    if (HAS(f, F_BVER) && !(ver >= 1 && ver == floor(ver)))
        return senml_error(p, "record %zu: 'bver' must be a positive integer", i);
    if (HAS(f, F_BVER) && ver > SENML_VERSION)
        return senml_error(p, "record %zu: 'bver' %g is newer than this reader understands (%d)", i,
                           ver, SENML_VERSION);
    if (HAS(f, F_BN)) {
        b->bn = f->str[F_BN];
        size_t bad = first_bad(text(p, b->bn), b->bn.len, NAME);
        char quoted[QUOTE_MAX + 4];
        if (bad < b->bn.len) {
            quote(quoted, text(p, b->bn), b->bn.len, NULL, 0);
            return senml_error(
                p, "record %zu: base name '%s' has a character not allowed (position %zu)", i,
                quoted, bad);
        }
    }
    b->bu = HAS(f, F_BU) ? f->str[F_BU] : b->bu;
    b->bt = HAS(f, F_BT) ? f->num[F_BT] : b->bt;
    b->bv = HAS(f, F_BV) ? f->num[F_BV] : b->bv;
    b->bs = HAS(f, F_BS) ? f->num[F_BS] : b->bs;
    return 0;
}

/* Sets the record's value from the one value field it has (§4.2: at most one of v, vs, vb,
 * vd, and a value or a sum). */
static int resolve_value(struct parser *p, size_t i, struct pending *q)
{
    static const int value_fields[] = {F_V, F_VS, F_VB, F_VD};
    const struct record_in *f = &p->cur;
    unsigned values = f->seen & (1u << F_V | 1u << F_VS | 1u << F_VB | 1u << F_VD);
    if (values & (values - 1)) {
        char present[sizeof "v, vs, vb, vd"] = "";
        for (size_t k = 0, n = 0; k < 4; k++) {
            if (HAS(f, value_fields[k]))
                strcat(strcat(present, n++ ? ", " : ""), fields[value_fields[k]].name);
        }
        return senml_error(p, "record %zu: more than one value field (%s)", i, present);
    }
    if (!values && !HAS(f, F_S))
        return senml_error(p, "record %zu: no value and no sum", i);

    lb_senml_record *r = &q->rec;
    if (HAS(f, F_V)) {
        r->kind = LB_SENML_FLOAT;
        r->value = f->num[F_V] + p->base.bv;
        if (!isfinite(r->value))
            return senml_error(p, "record %zu: 'v' plus 'bv' is out of range", i);
    } else if (HAS(f, F_VB)) {
        r->kind = LB_SENML_BOOL;
        r->boolean = f->vb;
    } else if (HAS(f, F_VS) || HAS(f, F_VD)) {
        r->kind = HAS(f, F_VS) ? LB_SENML_STRING : LB_SENML_DATA;
        q->str = f->str[HAS(f, F_VS) ? F_VS : F_VD];
    }
    if (r->kind != LB_SENML_DATA)
        return 0;
    size_t bad = first_bad(text(p, q->str), q->str.len, B64);
    if (bad < q->str.len)
        return senml_error(p,
                           "record %zu: 'vd' has a character not allowed in base64url without "
                           "padding (position %zu)",
                           i, bad);
    if (q->str.len % 4 == 1)
        return senml_error(p, "record %zu: 'vd' is not base64url (a length of %zu is impossible)",
                           i, q->str.len);
    return 0;
}

/* Checks record i, whose fields are in p->cur, and resolves it against the base fields, which
 * it may update. */
static int resolve_record(struct parser *p, size_t i, struct pending *q)
{
    const struct record_in *f = &p->cur;
    const struct base *b = &p->base;
    lb_senml_record *r = &q->rec;
    int rc;
    if ((rc = update_base(p, i)) != 0)
        return rc;
    memset(q, 0, sizeof *q);
    q->bn = b->bn;
    q->n = HAS(f, F_N) ? f->str[F_N] : no_string;
    q->unit = HAS(f, F_U) ? f->str[F_U] : b->bu;
    q->str = no_string;
    if ((rc = check_name(p, q, i)) != 0 || (rc = resolve_value(p, i, q)) != 0)
        return rc;
    if (HAS(f, F_S)) {
        r->has_sum = 1;
        r->sum = f->num[F_S] + b->bs;
        if (!isfinite(r->sum))
            return senml_error(p, "record %zu: 's' plus 'bs' is out of range", i);
    }
    /* §4.5.3: a resolved time below 2^28 is relative to now (so no time at all means now) */
    r->time = b->bt + (HAS(f, F_T) ? f->num[F_T] : 0.0);
    if (r->time < RELATIVE_LIMIT)
        r->time += p->now;
    if (!isfinite(r->time))
        return senml_error(p, "record %zu: time is out of range", i);
    r->has_update_time = HAS(f, F_UT) != 0;
    r->update_time = HAS(f, F_UT) ? f->num[F_UT] : 0.0;
    return 0;
}

/* A record's object has closed: checks, resolves and keeps it, counting its strings' bytes
 * (each with its NUL) for the pack. */
static int finish_record(struct parser *p)
{
    struct pending *q = vec_push(&p->records, sizeof *q);
    if (!q)
        return senml_out_of_memory(p);
    if (resolve_record(p, record_count(p) - 1, q) != 0)
        return 1; /* a SenML error: read on, checking the JSON */
    size_t need[] = {q->bn.len, q->n.len, 1, q->unit.off != NO_STRING ? q->unit.len + 1 : 0,
                     q->str.off != NO_STRING ? q->str.len + 1 : 0};
    for (size_t k = 0; k < sizeof need / sizeof need[0]; k++) {
        if (need[k] > SIZE_MAX - p->string_bytes) {
            p->rc = senml_fail(p->err, p->errlen, LB_ENOMEM, "the pack's strings are too large");
            return 0;
        }
        p->string_bytes += need[k];
    }
    return 1;
}

enum { STOP, SKIP, KEEP }; /* what begin_value() says to do with a value */

/* What every value goes through first: jansson's depth limit, then its place in the pack: the
 * pack itself (nest 0), a record (1) or the value of a record's field (2); deeper values are
 * only read through. tok[0..toklen) is the value's first token, for a message (NULL for a
 * string, found in the input if needed). Returns STOP after a JSON error, KEEP for the value of
 * a record's known field of the right type, else SKIP. */
static inline int begin_value(struct parser *p, enum jtype t, const char *tok, size_t toklen)
{
    if (p->nest == 2 && p->field >= 0 && t == fields[p->field].type)
        return p->rc == 0 ? KEEP : SKIP;
    if (p->nest >= MAX_DEPTH) {
        if (!tok)
            toklen = senml_raw_string(p, &tok);
        return senml_json_error(p, here(p), tok, toklen, "maximum parsing depth reached");
    }
    if (p->nest == 0)
        p->end = here(p);
    if (p->rc != 0)
        return SKIP;
    if (p->nest == 0 && t != T_ARRAY)
        senml_error(p, "not a JSON array (a SenML pack is an array of records)");
    else if (p->nest == 1 && t != T_MAP)
        senml_error(p, "record %zu: not a JSON object", record_count(p));
    else if (p->nest == 2 && p->field >= 0)
        senml_error(p, "record %zu: '%s' must be %s", record_count(p), fields[p->field].name,
                    type_text[fields[p->field].type]);
    return SKIP;
}

static int on_null(void *ctx)
{
    return begin_value(ctx, T_NULL, "null", 4);
}

static int on_boolean(void *ctx, int value)
{
    struct parser *p = ctx;
    int place = begin_value(p, T_BOOL, value ? "true" : "false", value ? 4 : 5);
    if (place == KEEP)
        p->cur.vb = value;
    return place != STOP;
}

static int on_number(void *ctx, const char *s, size_t len)
{
    struct parser *p = ctx;
    double d;
    if (!lb_jsontok_to_double(s, len, &d))
        return senml_out_of_memory(p);
    if (isinf(d))
        return senml_overflow_error(p, s, len);
    int place = begin_value(p, T_NUMBER, s, len);
    if (place == KEEP)
        p->cur.num[p->field] = d;
    return place != STOP;
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
    struct parser *p = ctx;
    int place =
        p->plain || senml_check_string(p, s, len) ? begin_value(p, T_STRING, NULL, 0) : STOP;
    if (place != STOP && p->escapes && memchr(s, '\0', len))
        return senml_json_error(p, here(p), NULL, 0, "\\u0000 is not allowed in a string");
    if (place == KEEP && keep(p, s, len, &p->cur.str[p->field]) != 0)
        return senml_out_of_memory(p);
    return place != STOP;
}

static int on_start_map(void *ctx)
{
    struct parser *p = ctx;
    if (begin_value(p, T_MAP, "{", 1) == STOP)
        return 0;
    size_t *id = vec_push(&p->open_maps, sizeof *id);
    if (!id)
        return senml_out_of_memory(p);
    *id = ++p->maps;
    if (p->nest++ == 1) { /* a record */
        p->cur.seen = 0;
        p->field = -1;
    }
    return 1;
}

/* A key: a duplicate refused (a record's known fields by their bits, other keys in the key
 * set); in a record, its field noted, and a must-understand field (§4.4) refused. */
static int on_map_key(void *ctx, const unsigned char *key, size_t len)
{
    struct parser *p = ctx;
    if (!p->plain && !senml_check_string(p, key, len))
        return 0;
    if (p->escapes && memchr(key, '\0', len))
        return senml_key_error(p, "NUL byte in object key not supported");
    int k = -1;
    for (int i = 0; p->nest == 2 && i < F_COUNT && k < 0; i++)
        if (fields[i].len == len && fields[i].name[0] == key[0] &&
            (len == 1 || fields[i].name[1] == key[1]) &&
            (len <= 2 || memcmp(fields[i].name, key, len) == 0))
            k = i;
    int fresh = k >= 0 ? !HAS(&p->cur, k) : senml_key_add(p, key, len);
    if (fresh <= 0)
        return fresh < 0 ? senml_out_of_memory(p) : senml_key_error(p, "duplicate object key");
    p->cur.seen |= k >= 0 ? 1u << k : 0;
    p->field = k;
    if (p->nest == 2 && k < 0 && len > 0 && key[len - 1] == '_') {
        char quoted[QUOTE_MAX + 4];
        quote(quoted, (const char *)key, len, NULL, 0);
        senml_error(p,
                    "record %zu: field '%s' must be understood, and this reader does not know it",
                    record_count(p), quoted);
    }
    return 1;
}

static int on_end_map(void *ctx)
{
    struct parser *p = ctx;
    p->open_maps.len -= sizeof(size_t);
    if (--p->nest == 0)
        p->end = here(p);
    return p->nest == 1 && p->rc == 0 ? finish_record(p) : 1;
}

static int on_start_array(void *ctx)
{
    struct parser *p = ctx;
    if (begin_value(p, T_ARRAY, "[", 1) == STOP)
        return 0;
    p->nest++;
    return 1;
}

static int on_end_array(void *ctx)
{
    struct parser *p = ctx;
    if (--p->nest == 0) {
        p->end = here(p);
        if (record_count(p) == 0)
            senml_error(p, "the pack is empty (an array with no records)");
    }
    return 1;
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_boolean,
    .yajl_number = on_number, /* every number as text: none is refused for its size */
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_map_key,
    .yajl_end_map = on_end_map,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end_array,
};

/* Copies a[0..alen) then b[0..blen) and a NUL to *dst, and moves *dst past them. a and b are
 * never NULL (an absent string is ""). */
static char *copy_string(char **dst, const char *a, size_t alen, const char *b, size_t blen)
{
    char *s = *dst;
    memcpy(s, a, alen);
    memcpy(s + alen, b, blen);
    s[alen + blen] = '\0';
    *dst = s + alen + blen + 1;
    return s;
}

/* A pack as allocated: the public part first, so that an lb_senml_pack * is one of these. */
struct pack_mem {
    lb_senml_pack pub;
    char *strings;
    lb_senml_record records[];
};

/* Two allocations, the pack with its records and the strings, whatever the pack's size. Two
 * rather than one: a 10-record pack in one block passes 1 KiB, where glibc's malloc
 * consolidates its free lists (with jansson's many small frees before it, two blocks were
 * worth 15% more packs/s). NULL when out of memory. */
static lb_senml_pack *build_pack(const struct parser *p)
{
    const struct pending *pend = (const struct pending *)p->records.data;
    size_t count = record_count(p);
    if (count > (SIZE_MAX - sizeof(struct pack_mem)) / sizeof(lb_senml_record))
        return NULL;
    struct pack_mem *mem = malloc(sizeof *mem + count * sizeof(lb_senml_record));
    char *s = malloc(p->string_bytes);
    if (!mem || !s) {
        free(mem);
        free(s);
        return NULL;
    }
    mem->pub.records = mem->records;
    mem->pub.count = count;
    mem->strings = s;
    for (size_t i = 0; i < count; i++) {
        const struct pending *q = &pend[i];
        lb_senml_record *r = &mem->records[i];
        *r = q->rec;
        r->name = copy_string(&s, text(p, q->bn), q->bn.len, text(p, q->n), q->n.len);
        r->unit =
            q->unit.off != NO_STRING ? copy_string(&s, text(p, q->unit), q->unit.len, "", 0) : NULL;
        r->string =
            q->str.off != NO_STRING ? copy_string(&s, text(p, q->str), q->str.len, "", 0) : NULL;
    }
    return &mem->pub;
}

int lb_senml_parse(const char *json, size_t len, double now, lb_senml_pack **out, char *err,
                   size_t errlen)
{
    struct pending record_stack[STACK_RECORDS];
    char arena_stack[STACK_ARENA];
    size_t map_stack[STACK_MAPS];
    struct parser p = {
        .json = json,
        .now = now,
        .err = err,
        .errlen = errlen,
        .field = -1,
        .base = {.bn = no_string, .bu = no_string},
        .records = {(char *)record_stack, (char *)record_stack, 0, sizeof record_stack},
        .arena = {arena_stack, arena_stack, 0, sizeof arena_stack},
        .open_maps = {(char *)map_stack, (char *)map_stack, 0, sizeof map_stack},
    };

    if (err && errlen > 0)
        err[0] = '\0';
    if (!out)
        return senml_fail(err, errlen, LB_EINVAL, "no place to store the pack");
    *out = NULL;
    if (!json && len > 0)
        return senml_fail(err, errlen, LB_EINVAL, "no input");
    if (lb_jsontok_blank(json, len))
        return senml_fail(err, errlen, LB_EINVAL, "invalid JSON: the input is empty");

    senml_run_yajl(&p, len, &callbacks);
    if (p.rc == 0 && !(*out = build_pack(&p)))
        p.rc = senml_fail(err, errlen, LB_ENOMEM, "out of memory for a pack of %zu records",
                          record_count(&p));
    if (p.records.data != p.records.stack)
        free(p.records.data);
    if (p.arena.data != p.arena.stack)
        free(p.arena.data);
    if (p.open_maps.data != p.open_maps.stack)
        free(p.open_maps.data);
    free(p.keys);
    return p.rc;
}

void lb_senml_pack_free(lb_senml_pack *pack)
{
    if (!pack)
        return;
    struct pack_mem *mem = (struct pack_mem *)pack;
    free(mem->strings);
    free(mem);
}
