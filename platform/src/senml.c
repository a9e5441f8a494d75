/* SenML (RFC 8428) JSON: parses a pack with jansson, checks every record against the RFC and
 * resolves the base fields (§4.6) into a self-contained lb_senml_pack.
 *
 * The work is two passes over the jansson document. The first checks each record, resolves
 * its numbers (time, value, sum) into a scratch array and adds up the bytes its strings will
 * need. The second copies the records and their strings into a single allocation, so a pack
 * is one malloc and lb_senml_pack_free() one free. Nothing in the pack points into the
 * caller's buffer or the jansson document, which is released before returning. Errors are
 * written as sentences that name the record (0-based) and the problem. */
#include "lyrebird/senml.h"
#include "lyrebird/error.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SENML_VERSION  10          /* the highest bver this reader understands */
#define RELATIVE_LIMIT 268435456.0 /* 2^28: resolved times below it are relative to now */
#define STACK_RECORDS  16          /* packs up to this size need no scratch allocation */
#define QUOTE_MAX      48          /* bytes of a name or key quoted in an error message */

/* jansson flags: every number as a double (SenML numbers are all doubles, and integers too
 * large for json_int_t still parse); any top-level value, so that a non-array gets our own
 * message; a repeated key in a record is ambiguous, so refused. */
#define PARSE_FLAGS (JSON_DECODE_INT_AS_REAL | JSON_DECODE_ANY | JSON_REJECT_DUPLICATES)

enum field {
    F_BN,
    F_BT,
    F_BU,
    F_BV,
    F_BS,
    F_BVER,
    F_N,
    F_U,
    F_V,
    F_VS,
    F_VB,
    F_VD,
    F_S,
    F_T,
    F_UT,
    F_COUNT
};

enum jtype { T_STRING, T_NUMBER, T_BOOL };

/* The registered JSON labels of RFC 8428 §12.2 and their types. Ordered so that the fields of
 * a typical record (n, v, t, u) are found first. */
static const struct {
    enum field id;
    const char *name;
    size_t len;
    enum jtype type;
} fields[F_COUNT] = {
    {F_N, "n", 1, T_STRING},   {F_V, "v", 1, T_NUMBER},   {F_T, "t", 1, T_NUMBER},
    {F_U, "u", 1, T_STRING},   {F_S, "s", 1, T_NUMBER},   {F_VS, "vs", 2, T_STRING},
    {F_VB, "vb", 2, T_BOOL},   {F_VD, "vd", 2, T_STRING}, {F_UT, "ut", 2, T_NUMBER},
    {F_BN, "bn", 2, T_STRING}, {F_BT, "bt", 2, T_NUMBER}, {F_BU, "bu", 2, T_STRING},
    {F_BV, "bv", 2, T_NUMBER}, {F_BS, "bs", 2, T_NUMBER}, {F_BVER, "bver", 4, T_NUMBER},
};

static const char *const type_text[] = {
    [T_STRING] = "a string",
    [T_NUMBER] = "a number",
    [T_BOOL] = "true or false",
};

/* The base fields in effect; each carries to later records until a record redefines it. */
struct base {
    const char *bn, *bu;
    size_t bn_len, bu_len;
    double bt, bv, bs;
};

/* A checked record: numbers resolved, strings still pointing into the jansson document. */
struct pending {
    lb_senml_record rec;
    const char *bn, *n, *unit, *str;
    size_t bn_len, n_len, unit_len, str_len;
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

static int field_lookup(const char *key, size_t len)
{
    for (size_t i = 0; i < F_COUNT; i++)
        if (fields[i].len == len && memcmp(fields[i].name, key, len) == 0)
            return (int)i;
    return -1;
}

static int is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* RFC 8428 §4.5.1: a name uses only A-Z a-z 0-9 - : . / _ */
static int is_name_char(unsigned char c)
{
    return is_alnum(c) || c == '-' || c == ':' || c == '.' || c == '/' || c == '_';
}

static int is_base64url_char(unsigned char c)
{
    return is_alnum(c) || c == '-' || c == '_';
}

/* Index of the first byte of s[0..len) that fails ok(), or len. */
static size_t first_bad(const char *s, size_t len, int (*ok)(unsigned char))
{
    size_t i = 0;
    while (i < len && ok((unsigned char)s[i]))
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
static int check_name(const struct pending *p, size_t i, char *err, size_t errlen)
{
    char q[QUOTE_MAX + 4];
    if (p->bn_len + p->n_len == 0)
        return fail(err, errlen, LB_EINVAL,
                    "record %zu: no name ('bn' and 'n' are absent or empty)", i);
    unsigned char first = (unsigned char)(p->bn_len ? p->bn[0] : p->n[0]);
    if (!is_alnum(first)) {
        quote(q, p->bn, p->bn_len, p->n, p->n_len);
        return fail(err, errlen, LB_EINVAL,
                    "record %zu: name '%s' must start with a letter or a digit", i, q);
    }
    size_t bad = first_bad(p->n, p->n_len, is_name_char);
    if (bad < p->n_len) {
        quote(q, p->bn, p->bn_len, p->n, p->n_len);
        return fail(err, errlen, LB_EINVAL,
                    "record %zu: name '%s' has a character not allowed (position %zu)", i, q,
                    p->bn_len + bad);
    }
    return 0;
}

static int has_type(json_t *value, enum jtype t)
{
    switch (t) {
    case T_STRING:
        return json_is_string(value);
    case T_NUMBER:
        return json_is_number(value);
    case T_BOOL:
        return json_is_boolean(value);
    }
    return 0;
}

/* Collects the record's known fields into f[], checking their JSON types and refusing
 * must-understand fields (names ending in '_', §4.4); other unknown fields are ignored. */
static int collect_fields(json_t *obj, size_t i, json_t *f[F_COUNT], char *err, size_t errlen)
{
    for (void *it = json_object_iter(obj); it; it = json_object_iter_next(obj, it)) {
        const char *key = json_object_iter_key(it);
        size_t key_len = json_object_iter_key_len(it);
        int k = field_lookup(key, key_len);
        if (k < 0) {
            if (key_len > 0 && key[key_len - 1] == '_') {
                char q[QUOTE_MAX + 4];
                quote(q, key, key_len, NULL, 0);
                return fail(err, errlen, LB_EINVAL,
                            "record %zu: field '%s' must be understood, and this reader does "
                            "not know it",
                            i, q);
            }
            continue;
        }
        json_t *value = json_object_iter_value(it);
        if (!has_type(value, fields[k].type))
            return fail(err, errlen, LB_EINVAL, "record %zu: '%s' must be %s", i, fields[k].name,
                        type_text[fields[k].type]);
        f[fields[k].id] = value;
    }
    return 0;
}

/* Applies the base fields this record defines (bver, bn, bt, bu, bv, bs) to b. */
static int update_base(json_t *f[F_COUNT], size_t i, struct base *b, char *err, size_t errlen)
{
    if (f[F_BVER]) {
        double ver = json_number_value(f[F_BVER]);
        if (!(ver >= 1 && ver == floor(ver)))
            return fail(err, errlen, LB_EINVAL, "record %zu: 'bver' must be a positive integer", i);
        if (ver > SENML_VERSION)
            return fail(err, errlen, LB_EINVAL,
                        "record %zu: 'bver' %g is newer than this reader understands (%d)", i, ver,
                        SENML_VERSION);
    }
    if (f[F_BN]) {
        b->bn = json_string_value(f[F_BN]);
        b->bn_len = json_string_length(f[F_BN]);
        size_t bad = first_bad(b->bn, b->bn_len, is_name_char);
        if (bad < b->bn_len) {
            char q[QUOTE_MAX + 4];
            quote(q, b->bn, b->bn_len, NULL, 0);
            return fail(err, errlen, LB_EINVAL,
                        "record %zu: base name '%s' has a character not allowed (position %zu)", i,
                        q, bad);
        }
    }
    if (f[F_BU]) {
        b->bu = json_string_value(f[F_BU]);
        b->bu_len = json_string_length(f[F_BU]);
    }
    if (f[F_BT])
        b->bt = json_number_value(f[F_BT]);
    if (f[F_BV])
        b->bv = json_number_value(f[F_BV]);
    if (f[F_BS])
        b->bs = json_number_value(f[F_BS]);
    return 0;
}

/* Sets the record's value from the one value field it has (§4.2: at most one of v, vs, vb,
 * vd, and a value or a sum). */
static int resolve_value(json_t *f[F_COUNT], size_t i, const struct base *b, struct pending *p,
                         char *err, size_t errlen)
{
    static const enum field value_fields[] = {F_V, F_VS, F_VB, F_VD};
    static const char *const value_names[] = {"v", "vs", "vb", "vd"};
    char present[sizeof " (v, vs, vb, vd)"] = "";
    int n = 0;

    for (size_t k = 0; k < 4; k++) {
        if (!f[value_fields[k]])
            continue;
        strcat(present, n++ ? ", " : "");
        strcat(present, value_names[k]);
    }
    if (n > 1)
        return fail(err, errlen, LB_EINVAL, "record %zu: more than one value field (%s)", i,
                    present);
    if (n == 0 && !f[F_S])
        return fail(err, errlen, LB_EINVAL, "record %zu: no value and no sum", i);

    lb_senml_record *r = &p->rec;
    if (f[F_V]) {
        r->kind = LB_SENML_FLOAT;
        r->value = json_number_value(f[F_V]) + b->bv;
        if (!isfinite(r->value))
            return fail(err, errlen, LB_EINVAL, "record %zu: 'v' plus 'bv' is out of range", i);
    } else if (f[F_VB]) {
        r->kind = LB_SENML_BOOL;
        r->boolean = json_is_true(f[F_VB]);
    } else if (f[F_VS]) {
        r->kind = LB_SENML_STRING;
        p->str = json_string_value(f[F_VS]);
        p->str_len = json_string_length(f[F_VS]);
    } else if (f[F_VD]) {
        r->kind = LB_SENML_DATA;
        p->str = json_string_value(f[F_VD]);
        p->str_len = json_string_length(f[F_VD]);
        size_t bad = first_bad(p->str, p->str_len, is_base64url_char);
        if (bad < p->str_len)
            return fail(err, errlen, LB_EINVAL,
                        "record %zu: 'vd' has a character not allowed in base64url without "
                        "padding (position %zu)",
                        i, bad);
        if (p->str_len % 4 == 1)
            return fail(err, errlen, LB_EINVAL,
                        "record %zu: 'vd' is not base64url (a length of %zu is impossible)", i,
                        p->str_len);
    }
    return 0;
}

/* Checks record i and resolves it against the base fields, which it may update. */
static int resolve_record(json_t *obj, size_t i, struct base *b, double now, struct pending *p,
                          char *err, size_t errlen)
{
    json_t *f[F_COUNT] = {0};
    lb_senml_record *r = &p->rec;
    int rc;

    if (!json_is_object(obj))
        return fail(err, errlen, LB_EINVAL, "record %zu: not a JSON object", i);
    if ((rc = collect_fields(obj, i, f, err, errlen)) != 0)
        return rc;
    if ((rc = update_base(f, i, b, err, errlen)) != 0)
        return rc;

    memset(p, 0, sizeof *p);
    p->bn = b->bn;
    p->bn_len = b->bn_len;
    if (f[F_N]) {
        p->n = json_string_value(f[F_N]);
        p->n_len = json_string_length(f[F_N]);
    }
    if ((rc = check_name(p, i, err, errlen)) != 0)
        return rc;
    if ((rc = resolve_value(f, i, b, p, err, errlen)) != 0)
        return rc;

    if (f[F_U]) {
        p->unit = json_string_value(f[F_U]);
        p->unit_len = json_string_length(f[F_U]);
    } else if (b->bu) {
        p->unit = b->bu;
        p->unit_len = b->bu_len;
    }
    if (f[F_S]) {
        r->has_sum = 1;
        r->sum = json_number_value(f[F_S]) + b->bs;
        if (!isfinite(r->sum))
            return fail(err, errlen, LB_EINVAL, "record %zu: 's' plus 'bs' is out of range", i);
    }
    /* §4.5.3: a resolved time below 2^28 is relative to now (so no time at all means now) */
    r->time = b->bt + (f[F_T] ? json_number_value(f[F_T]) : 0.0);
    if (r->time < RELATIVE_LIMIT)
        r->time += now;
    if (!isfinite(r->time))
        return fail(err, errlen, LB_EINVAL, "record %zu: time is out of range", i);
    if (f[F_UT]) {
        r->has_update_time = 1;
        r->update_time = json_number_value(f[F_UT]);
    }
    return 0;
}

/* Adds the bytes of record p's strings (each with its NUL) to *total; -1 on overflow. */
static int add_string_bytes(const struct pending *p, size_t *total)
{
    size_t need[] = {p->bn_len, p->n_len, 1, p->unit ? p->unit_len + 1 : 0,
                     p->str ? p->str_len + 1 : 0};
    for (size_t k = 0; k < sizeof need / sizeof need[0]; k++) {
        if (need[k] > SIZE_MAX - *total)
            return -1;
        *total += need[k];
    }
    return 0;
}

/* Copies a[0..alen) then b[0..blen) and a NUL to *dst, and moves *dst past them. An absent
 * piece (bn or n) is NULL with length 0. */
static char *copy_string(char **dst, const char *a, size_t alen, const char *b, size_t blen)
{
    char *s = *dst;
    if (alen)
        memcpy(s, a, alen);
    if (blen)
        memcpy(s + alen, b, blen);
    s[alen + blen] = '\0';
    *dst = s + alen + blen + 1;
    return s;
}

/* One allocation: the pack, then the records, then their strings. */
static lb_senml_pack *build_pack(const struct pending *pend, size_t count, size_t string_bytes)
{
    size_t align = _Alignof(lb_senml_record);
    size_t head = (sizeof(lb_senml_pack) + align - 1) / align * align;
    if (count > (SIZE_MAX - head) / sizeof(lb_senml_record) ||
        string_bytes > SIZE_MAX - head - count * sizeof(lb_senml_record))
        return NULL;
    char *mem = malloc(head + count * sizeof(lb_senml_record) + string_bytes);
    if (!mem)
        return NULL;

    lb_senml_pack *pack = (lb_senml_pack *)mem;
    pack->records = (lb_senml_record *)(mem + head);
    pack->count = count;
    char *s = mem + head + count * sizeof(lb_senml_record);
    for (size_t i = 0; i < count; i++) {
        const struct pending *p = &pend[i];
        lb_senml_record *r = &pack->records[i];
        *r = p->rec;
        r->name = copy_string(&s, p->bn, p->bn_len, p->n, p->n_len);
        r->unit = p->unit ? copy_string(&s, p->unit, p->unit_len, "", 0) : NULL;
        r->string = p->str ? copy_string(&s, p->str, p->str_len, "", 0) : NULL;
    }
    return pack;
}

/* Whether json[0..len) is only JSON whitespace (or nothing). */
static int is_blank(const char *json, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (json[i] != ' ' && json[i] != '\t' && json[i] != '\n' && json[i] != '\r')
            return 0;
    return 1;
}

int lb_senml_parse(const char *json, size_t len, double now, lb_senml_pack **out, char *err,
                   size_t errlen)
{
    struct pending stack[STACK_RECORDS];
    struct pending *pend = stack;
    struct base base = {0};
    json_error_t jerr;
    json_t *root = NULL;
    size_t count, string_bytes = 0;
    int rc;

    if (err && errlen > 0)
        err[0] = '\0';
    if (!out)
        return fail(err, errlen, LB_EINVAL, "no place to store the pack");
    *out = NULL;
    if (!json && len > 0)
        return fail(err, errlen, LB_EINVAL, "no input");

    if (is_blank(json, len))
        return fail(err, errlen, LB_EINVAL, "invalid JSON: the input is empty");
    root = json_loadb(json, len, PARSE_FLAGS, &jerr);
    if (!root) {
        switch (json_error_code(&jerr)) {
        case json_error_out_of_memory:
            return fail(err, errlen, LB_ENOMEM, "out of memory while parsing JSON");
        case json_error_null_character: /* jansson's text names a flag, not the problem */
            return fail(err, errlen, LB_EINVAL,
                        "invalid JSON at line %d column %d: \\u0000 is not allowed in a string",
                        jerr.line, jerr.column);
        default:
            return fail(err, errlen, LB_EINVAL, "invalid JSON at line %d column %d: %s", jerr.line,
                        jerr.column, jerr.text);
        }
    }
    if (!json_is_array(root)) {
        rc = fail(err, errlen, LB_EINVAL, "not a JSON array (a SenML pack is an array of records)");
        goto out;
    }
    count = json_array_size(root);
    if (count == 0) {
        rc = fail(err, errlen, LB_EINVAL, "the pack is empty (an array with no records)");
        goto out;
    }
    if (count > STACK_RECORDS) {
        pend = count <= SIZE_MAX / sizeof *pend ? malloc(count * sizeof *pend) : NULL;
        if (!pend) {
            rc = fail(err, errlen, LB_ENOMEM, "out of memory for %zu records", count);
            goto out;
        }
    }

    for (size_t i = 0; i < count; i++) {
        rc = resolve_record(json_array_get(root, i), i, &base, now, &pend[i], err, errlen);
        if (rc != 0)
            goto out;
        if (add_string_bytes(&pend[i], &string_bytes) != 0) {
            rc = fail(err, errlen, LB_ENOMEM, "the pack's strings are too large");
            goto out;
        }
    }

    *out = build_pack(pend, count, string_bytes);
    rc = *out ? 0 : fail(err, errlen, LB_ENOMEM, "out of memory for a pack of %zu records", count);
out:
    if (pend != stack)
        free(pend);
    json_decref(root);
    return rc;
}

void lb_senml_pack_free(lb_senml_pack *pack)
{
    free(pack);
}
