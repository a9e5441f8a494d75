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
 * SenML error the parse reads on, checking only the JSON. jansson's rules that yajl lacks are
 * kept here: no duplicate key in any object, at most 2048 levels of nesting, no number beyond a
 * double, no \u0000, strict UTF-8, surrogate escapes in pairs, and only space, tab, LF and CR
 * as whitespace. JSON errors read "invalid JSON at line L column C: ...", with jansson's line
 * and column (the column counts characters); the words after it are yajl's for yajl's errors. */
#include "lyrebird/senml.h"
#include "lyrebird/error.h"

#include <float.h>
#include <locale.h>
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
#define NEAR_MAX       20          /* as jansson, a JSON error quotes its token if this short */
#define NUMBER_STACK   64          /* numbers shorter than this are copied on the stack */
#define NO_STRING      SIZE_MAX    /* the offset of an absent string */

/* The registered JSON labels of RFC 8428 §12.2, those of a typical record first. */
enum { F_N, F_V, F_T, F_U, F_S, F_VS, F_VB, F_VD, F_UT, F_BN, F_BT, F_BU, F_BV, F_BS, F_BVER };
#define F_COUNT (F_BVER + 1)

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

/* A string in the parse's arena. Offsets, not pointers: the arena moves as it grows. */
struct span {
    size_t off, len;
};

static const struct span no_string = {NO_STRING, 0};

/* The known fields of the record being read: a bit in seen for each whose key has come. */
struct record_in {
    unsigned seen;
    double num[F_COUNT];
    struct span str[F_COUNT];
    int vb;
};

#define HAS(f, id) ((f)->seen & (1u << (id)))

/* The base fields in effect; each carries to later records until a record redefines it. */
struct base {
    struct span bn, bu;
    double bt, bv, bs;
};

/* A checked record: numbers resolved, strings still in the arena. */
struct pending {
    lb_senml_record rec;
    struct span bn, n, unit, str;
};

/* A growable byte array that starts in a caller's (stack) buffer. */
struct vec {
    char *data, *stack;
    size_t len, cap;
};

/* Keys other than a record's known fields, to refuse duplicates as jansson did: open addressing
 * on (object number, key bytes), the bytes kept in the arena. map 0 marks an empty slot. */
struct key {
    size_t map, hash, off, len;
};

struct parser {
    yajl_handle yajl;
    const char *json;
    size_t len;    /* the bytes given to yajl */
    int finishing; /* inside yajl_complete_parse, which reads none of them */
    int escapes;   /* the input has a backslash: strings are also checked as written */
    int plain;     /* no backslash and no byte above 0x7F: no string needs check_string() */
    double now;
    char *err;
    size_t errlen;
    int rc;      /* the first error; once set, no more records are built */
    size_t nest; /* containers open around the current value: 1 in the pack, 2 in a record */
    size_t end;  /* where the top-level value has ended so far */
    size_t maps; /* objects opened so far, which numbers them for the key set */
    int field;   /* the known field whose value comes next in a record, or -1 */
    struct record_in cur;
    struct base base;
    size_t string_bytes; /* what the pack's strings will need */
    struct vec records, arena, open_maps;
    struct key *keys;
    size_t keys_cap, keys_used;
};

static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
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
        p->rc = fail(p->err, p->errlen, LB_EINVAL, "%s", what);
    }
    return LB_EINVAL;
}

/* Where yajl is in the input: just past the token it has read. */
static size_t here(const struct parser *p)
{
    return p->finishing ? p->len : yajl_get_bytes_consumed(p->yajl);
}

static int json_error(struct parser *p, size_t at, const char *tok, size_t toklen, const char *fmt,
                      ...) __attribute__((format(printf, 5, 6), cold));

/* Stops the parse with a JSON error after json[0..at): "invalid JSON at line L column C: what
 * near 'token'", the token quoted only if short. Returns 0, which cancels yajl. */
static int json_error(struct parser *p, size_t at, const char *tok, size_t toklen, const char *fmt,
                      ...)
{
    char what[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    size_t line = 1, column = 0;
    for (size_t i = 0; i < at; i++) {
        if (p->json[i] == '\n')
            line++, column = 0;
        else if (((unsigned char)p->json[i] & 0xC0) != 0x80)
            column++;
    }
    int near = toklen > 0 && toklen <= NEAR_MAX;
    p->rc = fail(p->err, p->errlen, LB_EINVAL, "invalid JSON at line %zu column %zu: %s%s%.*s%s",
                 line, column, what, near ? " near '" : "", near ? (int)toklen : 0, near ? tok : "",
                 near ? "'" : "");
    return 0;
}

static int out_of_memory(struct parser *p)
{
    p->rc = fail(p->err, p->errlen, LB_ENOMEM, "out of memory while parsing JSON");
    return 0;
}

/* Makes room for n more bytes in v; -1 when out of memory. */
static int vec_grow(struct vec *v, size_t n)
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

/* Appends n bytes to v and returns them, or NULL when out of memory. */
static inline void *vec_push(struct vec *v, size_t n)
{
    if (n > v->cap - v->len && vec_grow(v, n) != 0)
        return NULL;
    v->len += n;
    return v->data + v->len - n;
}

/* Copies s[0..len) to the arena; -1 when out of memory. */
static int keep(struct parser *p, const void *s, size_t len, struct span *out)
{
    char *copy = vec_push(&p->arena, len);
    if (!copy)
        return -1;
    memcpy(copy, s, len);
    *out = (struct span){(size_t)(copy - p->arena.data), len};
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

/* The string token just read as written, quotes included: stores its start, returns its
 * length. It ends where yajl is, and starts at the first quote before that not escaped. */
static size_t raw_string(const struct parser *p, const char **start)
{
    size_t end = here(p), i = end - 1;
    while (i > 0) {
        if (p->json[--i] != '"')
            continue;
        size_t slashes = 0;
        while (slashes < i && p->json[i - 1 - slashes] == '\\')
            slashes++;
        if (slashes % 2 == 0)
            break;
    }
    *start = p->json + i;
    return end - i;
}

/* Index of the first byte of s[0..n) that does not start a valid UTF-8 character (RFC 3629:
 * shortest form, no surrogates, at most U+10FFFF), or n. yajl checks only a sequence's shape. */
static size_t utf8_bad(const unsigned char *s, size_t n)
{
    for (size_t i = 0, len; i < n; i += len) {
        uint32_t c = s[i];
        len = c < 0x80 ? 1 : c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
        if (len == 0 || len > n - i)
            return i;
        c &= 0x7F >> len;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
            c = c << 6 | (s[i + k] & 0x3F);
        }
        if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) || c > 0x10FFFF ||
            (c >= 0xD800 && c <= 0xDFFF))
            return i;
    }
    return n;
}

static unsigned hex4(const char *s)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++)
        v = v << 4 | (unsigned)(s[i] <= '9' ? s[i] - '0' : (s[i] | 0x20) - 'a' + 10);
    return v;
}

/* Checks the \u escapes of string token t[0..n), quotes included, whose syntax yajl checked: a
 * high surrogate must be followed by a low one, which must not come alone (yajl would decode
 * either to '?' or to a wrong character). */
static int check_escapes(struct parser *p, const char *t, size_t n)
{
    for (size_t i = 1; i + 1 < n; i++) {
        if (t[i] != '\\' || t[++i] != 'u')
            continue;
        unsigned v = hex4(t + i + 1), w;
        i += 4;
        if (v >= 0xDC00 && v <= 0xDFFF)
            return json_error(p, here(p), t, n, "invalid Unicode '\\u%04X'", v);
        if (v < 0xD800 || v > 0xDBFF)
            continue;
        if (t[i + 1] != '\\' || t[i + 2] != 'u')
            return json_error(p, here(p), t, n, "invalid Unicode '\\u%04X'", v);
        if ((w = hex4(t + i + 3)) < 0xDC00 || w > 0xDFFF)
            return json_error(p, here(p), t, n, "invalid Unicode '\\u%04X\\u%04X'", v, w);
        i += 6;
    }
    return 1;
}

/* jansson's rules for a string (value or key) that yajl lacks: strict UTF-8, then surrogate
 * escapes in pairs. s[0..len) is yajl's decoded text, which is the token if it has no escape. */
static int check_string(struct parser *p, const unsigned char *s, size_t len)
{
    if (!p->escapes && utf8_bad(s, len) == len)
        return 1;
    const char *raw = p->json + here(p) - len - 2; /* the token, when it has no escape */
    size_t rlen = p->escapes ? raw_string(p, &raw) : len + 2, bad;
    if ((bad = utf8_bad((const unsigned char *)raw, rlen)) < rlen)
        return json_error(p, (size_t)(raw - p->json) + bad, raw, bad, "unable to decode byte 0x%x",
                          (unsigned char)raw[bad]);
    return p->escapes ? check_escapes(p, raw, rlen) : 1;
}

/* Stops the parse with a JSON error about the key just read. */
static int key_error(struct parser *p, const char *what)
{
    const char *tok;
    size_t toklen = raw_string(p, &tok);
    return json_error(p, here(p), tok, toklen, "%s", what);
}

/* Doubles the key set; -1 when out of memory. */
static int keys_grow(struct parser *p)
{
    size_t cap = p->keys_cap ? p->keys_cap * 2 : 64;
    struct key *slot = cap <= SIZE_MAX / sizeof *slot ? calloc(cap, sizeof *slot) : NULL;
    if (!slot)
        return -1;
    for (size_t i = 0; i < p->keys_cap; i++) {
        size_t j = p->keys[i].hash & (cap - 1);
        while (p->keys[i].map != 0 && slot[j].map != 0)
            j = (j + 1) & (cap - 1);
        if (p->keys[i].map != 0)
            slot[j] = p->keys[i];
    }
    free(p->keys);
    p->keys = slot;
    p->keys_cap = cap;
    return 0;
}

/* Adds key s[0..len) of the innermost open object: 1 if new, 0 if a duplicate, -1 when out of
 * memory. The hash (FNV-1a) is seeded with the stack's address, against flooding. */
static int key_add(struct parser *p, const unsigned char *s, size_t len)
{
    size_t map = *(size_t *)(p->open_maps.data + p->open_maps.len - sizeof(size_t));
    uint64_t h = 0xcbf29ce484222325u ^ (uintptr_t)p ^ map * 0x9E3779B97F4A7C15u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ s[i]) * 0x100000001b3u;
    size_t hash = (size_t)(h ^ h >> 29);
    if (2 * (p->keys_used + 1) > p->keys_cap && keys_grow(p) != 0)
        return -1;
    for (size_t i = hash & (p->keys_cap - 1);; i = (i + 1) & (p->keys_cap - 1)) {
        struct key *k = &p->keys[i];
        struct span copy;
        if (k->map == 0) {
            if (keep(p, s, len, &copy) != 0)
                return -1;
            *k = (struct key){map, hash, copy.off, len};
            p->keys_used++;
            return 1;
        }
        if (k->map == map && k->hash == hash && k->len == len &&
            memcmp(p->arena.data + k->off, s, len) == 0)
            return 0;
    }
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
        return out_of_memory(p);
    if (resolve_record(p, record_count(p) - 1, q) != 0)
        return 1; /* a SenML error: read on, checking the JSON */
    size_t need[] = {q->bn.len, q->n.len, 1, q->unit.off != NO_STRING ? q->unit.len + 1 : 0,
                     q->str.off != NO_STRING ? q->str.len + 1 : 0};
    for (size_t k = 0; k < sizeof need / sizeof need[0]; k++) {
        if (need[k] > SIZE_MAX - p->string_bytes) {
            p->rc = fail(p->err, p->errlen, LB_ENOMEM, "the pack's strings are too large");
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
            toklen = raw_string(p, &tok);
        return json_error(p, here(p), tok, toklen, "maximum parsing depth reached");
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

/* Clinger's fast path, for the short numbers of most packs: when the digits make an integer m
 * below 2^53 and the decimal exponent e is within 22, m and 10^|e| are exact doubles, and one
 * multiplication or division rounds m * 10^e correctly, as strtod does. 0 if it does not apply.
 * s[0..len) follows JSON's number grammar. */
static int exact_double(const char *s, size_t len, double *out)
{
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    uint64_t m = 0;
    long e = 0, x = 0, sign = 1;
    size_t i = s[0] == '-';
    for (int frac = 0; i < len && (s[i] == '.' || (s[i] >= '0' && s[i] <= '9')); i++) {
        if (s[i] == '.' && (frac = 1))
            continue;
        if ((m = m * 10 + (uint64_t)(s[i] - '0')) >= (uint64_t)1 << 53)
            return 0;
        e -= frac;
    }
    if (i < len && (s[i++] | 0x20) == 'e') {
        if (s[i] == '+' || s[i] == '-')
            sign = s[i++] == '-' ? -1 : 1;
        for (; i < len && x < 1000; i++)
            x = x * 10 + (s[i] - '0');
        if (i < len)
            return 0;
        e += sign * x;
    }
    if (e < -22 || e > 22)
        return 0;
    *out = e < 0 ? (double)m / pow10[-e] : (double)m * pow10[e];
    *out = s[0] == '-' ? -*out : *out;
    return 1;
}

/* Converts number text s[0..len) as jansson did: strtod on a NUL-terminated copy, with the
 * locale's decimal point for '.' if the locale has another. Short numbers take the fast path
 * (not where x87 registers would round twice). 0 when out of memory. */
static int to_double(const char *s, size_t len, double *out)
{
    char small[NUMBER_STACK], *end, *dot;
    if (FLT_EVAL_METHOD == 0 && exact_double(s, len, out))
        return 1;
    char *copy = len < sizeof small ? small : malloc(len + 1);
    if (!copy)
        return 0;
    memcpy(copy, s, len);
    copy[len] = '\0';
    *out = strtod(copy, &end);
    if (end != copy + len && (dot = strchr(copy, '.')) != NULL) {
        *dot = *localeconv()->decimal_point;
        *out = strtod(copy, &end);
    }
    if (copy != small)
        free(copy);
    return 1;
}

static int on_number(void *ctx, const char *s, size_t len)
{
    struct parser *p = ctx;
    double d;
    if (!to_double(s, len, &d))
        return out_of_memory(p);
    if (isinf(d)) { /* jansson read the character after the number first: was it UTF-8? */
        size_t at = here(p), rest = p->finishing ? 0 : p->len - at;
        if (rest > 0 && utf8_bad((const unsigned char *)p->json + at, rest) == 0)
            return json_error(p, at, s, len, "unable to decode byte 0x%x",
                              (unsigned char)p->json[at]);
        return json_error(p, at, s, len, "real number overflow");
    }
    int place = begin_value(p, T_NUMBER, s, len);
    if (place == KEEP)
        p->cur.num[p->field] = d;
    return place != STOP;
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
    struct parser *p = ctx;
    int place = p->plain || check_string(p, s, len) ? begin_value(p, T_STRING, NULL, 0) : STOP;
    if (place != STOP && p->escapes && memchr(s, '\0', len))
        return json_error(p, here(p), NULL, 0, "\\u0000 is not allowed in a string");
    if (place == KEEP && keep(p, s, len, &p->cur.str[p->field]) != 0)
        return out_of_memory(p);
    return place != STOP;
}

static int on_start_map(void *ctx)
{
    struct parser *p = ctx;
    if (begin_value(p, T_MAP, "{", 1) == STOP)
        return 0;
    size_t *id = vec_push(&p->open_maps, sizeof *id);
    if (!id)
        return out_of_memory(p);
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
    if (!p->plain && !check_string(p, key, len))
        return 0;
    if (p->escapes && memchr(key, '\0', len))
        return key_error(p, "NUL byte in object key not supported");
    int k = -1;
    for (int i = 0; p->nest == 2 && i < F_COUNT && k < 0; i++)
        if (fields[i].len == len && fields[i].name[0] == key[0] &&
            (len == 1 || fields[i].name[1] == key[1]) &&
            (len <= 2 || memcmp(fields[i].name, key, len) == 0))
            k = i;
    int fresh = k >= 0 ? !HAS(&p->cur, k) : key_add(p, key, len);
    if (fresh <= 0)
        return fresh < 0 ? out_of_memory(p) : key_error(p, "duplicate object key");
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

/* Reports yajl's own error: "parse error: premature EOF\n" as "premature EOF". */
static void yajl_failed(struct parser *p)
{
    unsigned char *msg = yajl_get_error(p->yajl, 0, NULL, 0);
    const char *what = msg ? (const char *)msg : "syntax error";
    const char *colon = strstr(what, ": ");
    what = colon ? colon + 2 : what;
    int n = (int)strcspn(what, "\n");
    json_error(p, here(p), NULL, 0, "%.*s", n > 0 && what[n - 1] == '.' ? n - 1 : n, what);
    if (msg)
        yajl_free_error(p->yajl, msg);
}

/* Whether json[0..len) is only JSON whitespace (or nothing). */
static int is_blank(const char *json, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (json[i] != ' ' && json[i] != '\t' && json[i] != '\n' && json[i] != '\r')
            return 0;
    return 1;
}

static int is_ascii(const char *s, size_t n)
{
    uint64_t any = 0, word;
    size_t i = 0;
    for (; i + sizeof word <= n; i += sizeof word) {
        memcpy(&word, s + i, sizeof word);
        any |= word;
    }
    while (i < n)
        any |= (unsigned char)s[i++];
    return (any & 0x8080808080808080u) == 0;
}

/* Runs yajl over json[0..len); p->rc then holds the first error, if any. yajl would skip \v and
 * \f as whitespace, so it reads only up to the first of them, where the error is. */
static void run_yajl(struct parser *p, size_t len)
{
    const char *vt = memchr(p->json, '\v', len), *ff = memchr(p->json, '\f', len);
    const char *cut = vt && (!ff || vt < ff) ? vt : ff;
    p->len = cut ? (size_t)(cut - p->json) : len;
    p->escapes = memchr(p->json, '\\', p->len) != NULL;
    p->plain = !p->escapes && is_ascii(p->json, p->len);
    if (!(p->yajl = yajl_alloc(&callbacks, NULL, p))) {
        out_of_memory(p);
        return;
    }
    yajl_config(p->yajl, yajl_dont_validate_strings, 0); /* check UTF-8 */
    yajl_config(p->yajl, yajl_allow_multiple_values, 0); /* one pack, then only whitespace */
    yajl_status status = yajl_parse(p->yajl, (const unsigned char *)p->json, p->len);
    if (status == yajl_status_ok && cut) {
        json_error(p, p->len + 1, NULL, 0, "invalid token near '%s'", cut == vt ? "\\v" : "\\f");
    } else if (status == yajl_status_ok) {
        p->finishing = 1;
        status = yajl_complete_parse(p->yajl); /* a number at the end, or a truncated pack */
    }
    if (status == yajl_status_error)
        yajl_failed(p);
    else if (status == yajl_status_ok && !is_blank(p->json + p->end, p->len - p->end))
        json_error(p, p->len, NULL, 0, "trailing garbage"); /* a token cut short: yajl misses it */
    yajl_free(p->yajl);
}

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
        return fail(err, errlen, LB_EINVAL, "no place to store the pack");
    *out = NULL;
    if (!json && len > 0)
        return fail(err, errlen, LB_EINVAL, "no input");
    if (is_blank(json, len))
        return fail(err, errlen, LB_EINVAL, "invalid JSON: the input is empty");

    run_yajl(&p, len);
    if (p.rc == 0 && !(*out = build_pack(&p)))
        p.rc = fail(err, errlen, LB_ENOMEM, "out of memory for a pack of %zu records",
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
