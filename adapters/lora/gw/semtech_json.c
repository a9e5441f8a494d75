/* The JSON layer of the Semtech parser: runs yajl's event parser over a datagram's JSON and
 * hands each value, key and container end to semtech_parse.c, holding yajl to the rules of
 * jansson, which parsed datagrams before (json_loadb with no flags), so that what jansson
 * refused is still refused. platform/src/senml_json.c does the same for SenML, and the token
 * checks both need are lyrebird/jsontok.h's; the rules:
 *
 *   - the top level is an object or an array ("'[' or '{' expected"), and only whitespace
 *     follows it (yajl misses a token cut short after it: `{} "abc`);
 *   - whitespace is space, tab, LF and CR (yajl also skips \v and \f, so it reads only up to
 *     the first of them, where the error is);
 *   - at most 2048 levels of nesting (JSON_PARSER_MAX_DEPTH), counted as jansson counted them;
 *   - integers fit in 64 bits ("too big integer") and reals in a double ("real number
 *     overflow"), wherever they are;
 *   - strings and keys are strict UTF-8 (checked here, not by yajl, which checks only a
 *     sequence's shape), \u escapes of surrogates come in pairs, and no \u0000;
 *   - a key that comes twice is allowed, the later value counting (no JSON_REJECT_DUPLICATES):
 *     semtech_parse.c keeps the last.
 *
 * One difference, on purpose: jansson let a NUL byte through right after a number or a literal
 * ({"tmst":1\0}: its stream buffer takes NUL for "empty" after reading one byte ahead). JSON has
 * no NUL outside strings, and yajl refuses it.
 *
 * Errors read "PUSH_DATA JSON is invalid at byte N: what", N counted from the datagram's first
 * byte and, as jansson's position, just past the token at fault.
 *
 * Speed, which is why this is not jansson (whose json_loadb, with its mallocs and strtod, was
 * most of sm_parse's time): no document tree, and no malloc for a usual datagram. yajl's
 * memory, strings written with escapes and long numbers' copies come from an arena in the
 * reader (on sm_parse's stack), and from the heap only past its 4 KiB. Numbers are converted
 * without strtod where Clinger's fast path is exact, which covers everything a packet
 * forwarder writes ("868.300000", "-13.5"); the rest go to strtod. */
#include "semtech_internal.h"

#include <lyrebird/jsontok.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 2048 /* jansson's JSON_PARSER_MAX_DEPTH */
#define NEAR_MAX  20   /* as jansson, an error quotes the token at fault if this short */

/* ---- the arena ---- */

/* Every block starts with its size (realloc copies that much); blocks from the heap are also
 * linked, to be freed together. */
struct block {
    struct block *next;
    size_t size;
};

#define ALIGNED(n) (((n) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1))
#define HEAD       ALIGNED(sizeof(struct block))

static bool in_buf(const arena *a, const void *p)
{
    return (uintptr_t)p - (uintptr_t)a->buf < ARENA_BYTES;
}

static void *arena_malloc(void *ctx, size_t size)
{
    arena *a = ctx;
    struct block *b;
    if (size > SIZE_MAX / 2)
        return NULL;
    size_t need = HEAD + ALIGNED(size);
    if (need <= ARENA_BYTES - a->used) {
        b = (struct block *)(void *)(a->buf + a->used);
        a->used += need;
    } else {
        if (!(b = malloc(need)))
            return NULL;
        b->next = a->heap;
        a->heap = b;
    }
    b->size = size;
    return (unsigned char *)b + HEAD;
}

/* The arena's last block grows where it is; any other moves (what it leaves is freed at the
 * end). yajl grows its buffers only. */
static void *arena_realloc(void *ctx, void *ptr, size_t size)
{
    arena *a = ctx;
    if (!ptr)
        return arena_malloc(ctx, size);
    struct block *b = (struct block *)(void *)((unsigned char *)ptr - HEAD);
    if (size <= b->size)
        return ptr;
    size_t at = in_buf(a, ptr) ? (size_t)((unsigned char *)ptr - a->buf) : ARENA_BYTES;
    if (at + ALIGNED(b->size) == a->used && size <= SIZE_MAX / 2 &&
        ALIGNED(size) <= ARENA_BYTES - at) {
        a->used = at + ALIGNED(size);
        b->size = size;
        return ptr;
    }
    void *copy = arena_malloc(ctx, size);
    if (copy)
        memcpy(copy, ptr, b->size);
    return copy;
}

static void arena_free(void *ctx, void *ptr)
{
    (void)ctx; /* all of it goes in sm_json_done */
    (void)ptr;
}

void sm_json_init(reader *r)
{
    r->mem.used = 0;
    r->mem.heap = NULL;
}

void sm_json_done(reader *r)
{
    for (struct block *b = r->mem.heap, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    r->mem.heap = NULL;
}

/* ---- errors ---- */

/* Where yajl is in the input: just past the token it has read. */
static size_t here(const reader *r)
{
    return r->finishing ? r->yajl_len : yajl_get_bytes_consumed(r->yajl);
}

/* Stops the parse with "<what> JSON is invalid at byte N: <fmt...> near '<tok>'", the token
 * quoted only if short, and made printable. Returns 0, which cancels yajl. */
static int json_error(reader *r, size_t at, const char *tok, size_t toklen, const char *fmt, ...)
    __attribute__((format(printf, 5, 6), cold));
static int json_error(reader *r, size_t at, const char *tok, size_t toklen, const char *fmt, ...)
{
    char what[96], near[NEAR_MAX + 1] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    bool quoted = tok && toklen > 0 && toklen <= NEAR_MAX;
    for (size_t i = 0; quoted && i < toklen; i++)
        near[i] = (unsigned char)tok[i] >= 0x20 && (unsigned char)tok[i] < 0x7f ? tok[i] : '?';
    if (quoted)
        near[toklen] = '\0';
    if (r->err && r->errlen > 0)
        snprintf(r->err, r->errlen, "%s JSON is invalid at byte %zu: %s%s%s%s", r->what,
                 r->header + at, what, quoted ? " near '" : "", near, quoted ? "'" : "");
    r->json_failed = true;
    return 0;
}

static int out_of_memory(reader *r)
{
    return json_error(r, here(r), NULL, 0, "out of memory");
}

/* ---- strings ---- */

/* The string token just read as written, quotes included: stores its start, returns its
 * length. */
static size_t raw_string(const reader *r, const char **start)
{
    size_t end = here(r), i = lb_jsontok_string_start(r->json, end);
    *start = r->json + i;
    return end - i;
}

/* jansson's rules for the string (a value or, if key, a key) yajl just read into s[0..n):
 * strict UTF-8, surrogates in pairs, no NUL. A string with escapes yajl decoded into a buffer
 * of its own (s is not in the input); the others are the token itself. 1 if it passes. */
static int check_string(reader *r, const unsigned char *s, size_t n, bool key)
{
    if (r->plain)
        return 1;
    const char *raw = (const char *)s - 1;
    bool decoded = (uintptr_t)s - (uintptr_t)r->json >= r->yajl_len;
    size_t rlen = decoded ? raw_string(r, &raw) : n + 2;
    size_t bad = lb_jsontok_utf8_bad((const unsigned char *)raw, rlen);
    if (bad < rlen)
        return json_error(r, (size_t)(raw - r->json) + bad, NULL, 0, "unable to decode byte 0x%x",
                          (unsigned char)raw[bad]);
    unsigned v = 0, w = 0;
    switch (decoded ? lb_jsontok_bad_escape(raw, rlen, &v, &w) : 0) {
    case 1:
        return json_error(r, here(r), raw, rlen, "invalid Unicode '\\u%04X'", v);
    case 2:
        return json_error(r, here(r), raw, rlen, "invalid Unicode '\\u%04X\\u%04X'", v, w);
    }
    if (decoded && memchr(s, '\0', n))
        return json_error(r, here(r), raw, rlen, "%s",
                          key ? "NUL byte in object key not supported"
                              : "\\u0000 is not allowed without JSON_ALLOW_NUL");
    return 1;
}

/* ---- numbers ---- */

/* Integer text s[0..n) (-?[0-9]+) to *out; false if it is beyond 64 bits. */
static bool to_int64(const char *s, size_t n, int64_t *out)
{
    bool neg = s[0] == '-';
    uint64_t m = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (size_t i = neg; i < n; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (i - neg >= 18 && m > (lim - d) / 10) /* 18 digits always fit */
            return false;
        m = m * 10 + d;
    }
    *out = neg ? (m == 0 ? 0 : -(int64_t)(m - 1) - 1) : (int64_t)m;
    return true;
}

/* ---- yajl's callbacks ---- */

/* What every value goes through: jansson's depth limit and its top level, then the protocol.
 * tok[0..toklen) is the value's token, for a message (NULL for a string: found if needed). */
static int value(reader *r, const jval *v, const char *tok, size_t toklen)
{
    bool container = v->type == J_OBJECT || v->type == J_ARRAY;
    if ((r->depth == 0 && !container) || r->depth >= MAX_DEPTH) {
        if (!tok)
            toklen = raw_string(r, &tok);
        return json_error(r, here(r), tok, toklen, "%s",
                          r->depth == 0 ? "'[' or '{' expected" : "maximum parsing depth reached");
    }
    sm_on_value(r, v);
    if (container)
        r->depth++;
    return 1;
}

static int on_null(void *ctx)
{
    jval v = {.type = J_NULL};
    return value(ctx, &v, "null", 4);
}

static int on_boolean(void *ctx, int b)
{
    jval v = {.type = b ? J_TRUE : J_FALSE};
    return value(ctx, &v, b ? "true" : "false", b ? 4 : 5);
}

static int on_number(void *ctx, const char *s, size_t n)
{
    reader *r = ctx;
    jval v = {.type = J_INT};
    size_t i = s[0] == '-';
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == n) {
        if (!to_int64(s, n, &v.i))
            return json_error(r, here(r), s, n, "%s",
                              s[0] == '-' ? "too big negative integer" : "too big integer");
        v.d = (double)v.i;
    } else {
        v.type = J_REAL;
        if (!lb_jsontok_to_double(s, n, &v.d))
            return out_of_memory(r);
        if (isinf(v.d))
            return json_error(r, here(r), s, n, "real number overflow");
    }
    return value(r, &v, s, n);
}

static int on_string(void *ctx, const unsigned char *s, size_t n)
{
    reader *r = ctx;
    jval v = {.type = J_STRING, .s = (const char *)s, .n = n};
    if (!check_string(r, s, n, false))
        return 0;
    if ((uintptr_t)s - (uintptr_t)r->json >= r->yajl_len) { /* in yajl's buffer: keep a copy */
        char *copy = arena_malloc(&r->mem, n);
        if (!copy)
            return out_of_memory(r);
        v.s = memcpy(copy, s, n);
    }
    return value(r, &v, NULL, 0);
}

static int on_map_key(void *ctx, const unsigned char *s, size_t n)
{
    reader *r = ctx;
    if (!check_string(r, s, n, true))
        return 0;
    sm_on_key(r, (const char *)s, n);
    return 1;
}

static int on_start_map(void *ctx)
{
    jval v = {.type = J_OBJECT};
    return value(ctx, &v, "{", 1);
}

static int on_start_array(void *ctx)
{
    jval v = {.type = J_ARRAY};
    return value(ctx, &v, "[", 1);
}

static int on_end(void *ctx)
{
    reader *r = ctx;
    if (--r->depth == 0)
        r->end = here(r);
    sm_on_end(r);
    return 1;
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_boolean,
    .yajl_number = on_number, /* every number as text: converted and range-checked here */
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_map_key,
    .yajl_end_map = on_end,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end,
};

/* ---- the run ---- */

/* Reports yajl's own error, "parse error: premature EOF\n", as "premature end of input":
 * yajl's words, or jansson's where they mean the same. A byte outside a string that is not
 * UTF-8 gets jansson's words and position (at the byte; yajl is one past it). */
static void yajl_failed(reader *r)
{
    size_t at = here(r);
    const unsigned char *u = (const unsigned char *)r->json;
    if (!r->finishing && at > 0 && u[at - 1] >= 0x80 &&
        lb_jsontok_utf8_bad(u + at - 1, r->yajl_len - at + 1) == 0) {
        json_error(r, at - 1, NULL, 0, "unable to decode byte 0x%x", u[at - 1]);
        return;
    }
    static const char *const jansson_words[][2] = {
        {"premature EOF", "premature end of input"},
        {"trailing garbage", "end of file expected"},
    };
    unsigned char *msg = yajl_get_error(r->yajl, 0, NULL, 0);
    const char *what = msg ? (const char *)msg : "syntax error";
    const char *colon = strstr(what, ": ");
    what = colon ? colon + 2 : what;
    int n = (int)strcspn(what, "\n");
    n = n > 0 && what[n - 1] == '.' ? n - 1 : n;
    for (size_t i = 0; i < COUNT(jansson_words); i++)
        if (strlen(jansson_words[i][0]) == (size_t)n &&
            memcmp(what, jansson_words[i][0], (size_t)n) == 0) {
            what = jansson_words[i][1];
            n = (int)strlen(what);
        }
    json_error(r, here(r), NULL, 0, "%.*s", n, what);
    if (msg)
        yajl_free_error(r->yajl, msg);
}

int sm_json_read(reader *r)
{
    const char *vt = memchr(r->json, '\v', r->len), *ff = memchr(r->json, '\f', r->len);
    const char *cut = vt && (!ff || vt < ff) ? vt : ff;
    r->yajl_len = cut ? (size_t)(cut - r->json) : r->len;
    r->plain = !memchr(r->json, '\\', r->yajl_len) && lb_jsontok_ascii(r->json, r->yajl_len);
    r->finishing = false;
    r->json_failed = false;
    r->depth = 0;
    r->end = 0;
    yajl_alloc_funcs funcs = {arena_malloc, arena_realloc, arena_free, &r->mem};
    if (!(r->yajl = yajl_alloc(&callbacks, &funcs, r))) {
        json_error(r, 0, NULL, 0, "out of memory");
        return -1;
    }
    yajl_config(r->yajl, yajl_dont_validate_strings, 1); /* check_string() does, strictly */
    yajl_status status = yajl_parse(r->yajl, (const unsigned char *)r->json, r->yajl_len);
    if (status == yajl_status_ok && cut) {
        json_error(r, r->yajl_len + 1, NULL, 0, "invalid token near '%s'",
                   cut == vt ? "\\v" : "\\f");
    } else if (status == yajl_status_ok) {
        r->finishing = true;
        status = yajl_complete_parse(r->yajl); /* a truncated text ends here */
        if (status == yajl_status_ok && !lb_jsontok_blank(r->json + r->end, r->yajl_len - r->end))
            json_error(r, r->yajl_len, NULL, 0, "end of file expected"); /* yajl missed it */
    }
    if (status == yajl_status_error)
        yajl_failed(r);
    yajl_free(r->yajl);
    return r->json_failed ? -1 : 0;
}
