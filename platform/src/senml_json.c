/* The JSON layer of the SenML parser: runs yajl over a pack's text for senml.c and holds it to
 * the rules of jansson, the library that parsed packs before, so that the parser refuses what
 * jansson refused and says so in jansson's words.
 *
 * Why it exists: yajl is the faster parser for packs (senml.c says by how much), but it accepts
 * JSON that jansson refuses, and a pack that was an error must stay one. yajl lacks these rules,
 * added here: no duplicate key in any object, no number beyond a double, no \u0000, strict
 * UTF-8, surrogate escapes in pairs, and only space, tab, LF and CR as whitespace (jansson's
 * depth limit, 2048 levels, is checked by senml.c's begin_value, which every value passes).
 * Numbers convert as jansson converted them (lb_jsontok_to_double, whose fast path for short
 * ones inlines into the number callback). The checks themselves are in jsontok.c, shared with
 * the LoRa adapter's Semtech parser. JSON errors read "invalid JSON
 * at line L column C: ...", with jansson's line and column (the column counts characters); the
 * words after it are yajl's for yajl's errors.
 *
 * Strings are checked only when they can break a rule: in an input with no backslash and no
 * byte above 0x7F (p->plain), senml.c skips senml_check_string() altogether. */
#include "senml_internal.h"
#include "lyrebird/error.h"
#include "lyrebird/jsontok.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#define NEAR_MAX 20 /* as jansson, a JSON error quotes its token if this short */

/* Stops the parse with a JSON error after json[0..at): "invalid JSON at line L column C: what
 * near 'token'", the token quoted only if short. Returns 0, which cancels yajl. */
int senml_json_error(struct parser *p, size_t at, const char *tok, size_t toklen, const char *fmt,
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
    p->rc =
        senml_fail(p->err, p->errlen, LB_EINVAL, "invalid JSON at line %zu column %zu: %s%s%.*s%s",
                   line, column, what, near ? " near '" : "", near ? (int)toklen : 0,
                   near ? tok : "", near ? "'" : "");
    return 0;
}

/* The string token just read as written, quotes included: stores its start, returns its
 * length. It ends where yajl is, and starts at the first quote before that not escaped. */
size_t senml_raw_string(const struct parser *p, const char **start)
{
    size_t end = here(p), i = lb_jsontok_string_start(p->json, end);
    *start = p->json + i;
    return end - i;
}

/* jansson's rules for a string (value or key) that yajl lacks: strict UTF-8, then surrogate
 * escapes in pairs. s[0..len) is yajl's decoded text, which is the token if it has no escape. */
int senml_check_string(struct parser *p, const unsigned char *s, size_t len)
{
    if (!p->escapes && lb_jsontok_utf8_bad(s, len) == len)
        return 1;
    const char *raw = p->json + here(p) - len - 2; /* the token, when it has no escape */
    size_t rlen = p->escapes ? senml_raw_string(p, &raw) : len + 2, bad;
    if ((bad = lb_jsontok_utf8_bad((const unsigned char *)raw, rlen)) < rlen)
        return senml_json_error(p, (size_t)(raw - p->json) + bad, raw, bad,
                                "unable to decode byte 0x%x", (unsigned char)raw[bad]);
    unsigned v = 0, w = 0;
    switch (p->escapes ? lb_jsontok_bad_escape(raw, rlen, &v, &w) : 0) {
    case 1:
        return senml_json_error(p, here(p), raw, rlen, "invalid Unicode '\\u%04X'", v);
    case 2:
        return senml_json_error(p, here(p), raw, rlen, "invalid Unicode '\\u%04X\\u%04X'", v, w);
    }
    return 1;
}

/* Stops the parse with a JSON error about the key just read. */
int senml_key_error(struct parser *p, const char *what)
{
    const char *tok;
    size_t toklen = senml_raw_string(p, &tok);
    return senml_json_error(p, here(p), tok, toklen, "%s", what);
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
int senml_key_add(struct parser *p, const unsigned char *s, size_t len)
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

/* jansson read the character after the number first: was it UTF-8? */
int senml_overflow_error(struct parser *p, const char *s, size_t len)
{
    size_t at = here(p), rest = p->finishing ? 0 : p->len - at;
    if (rest > 0 && lb_jsontok_utf8_bad((const unsigned char *)p->json + at, rest) == 0)
        return senml_json_error(p, at, s, len, "unable to decode byte 0x%x",
                                (unsigned char)p->json[at]);
    return senml_json_error(p, at, s, len, "real number overflow");
}

/* Reports yajl's own error: "parse error: premature EOF\n" as "premature EOF". */
static void yajl_failed(struct parser *p)
{
    unsigned char *msg = yajl_get_error(p->yajl, 0, NULL, 0);
    const char *what = msg ? (const char *)msg : "syntax error";
    const char *colon = strstr(what, ": ");
    what = colon ? colon + 2 : what;
    int n = (int)strcspn(what, "\n");
    senml_json_error(p, here(p), NULL, 0, "%.*s", n > 0 && what[n - 1] == '.' ? n - 1 : n, what);
    if (msg)
        yajl_free_error(p->yajl, msg);
}

/* Runs yajl with senml.c's callbacks over json[0..len); p->rc then holds the first error, if
 * any. yajl would skip \v and \f as whitespace, so it reads only up to the first of them, where
 * the error is. */
void senml_run_yajl(struct parser *p, size_t len, const yajl_callbacks *callbacks)
{
    const char *vt = memchr(p->json, '\v', len), *ff = memchr(p->json, '\f', len);
    const char *cut = vt && (!ff || vt < ff) ? vt : ff;
    p->len = cut ? (size_t)(cut - p->json) : len;
    p->escapes = memchr(p->json, '\\', p->len) != NULL;
    p->plain = !p->escapes && lb_jsontok_ascii(p->json, p->len);
    if (!(p->yajl = yajl_alloc(callbacks, NULL, p))) {
        senml_out_of_memory(p);
        return;
    }
    yajl_config(p->yajl, yajl_dont_validate_strings, 0); /* check UTF-8 */
    yajl_config(p->yajl, yajl_allow_multiple_values, 0); /* one pack, then only whitespace */
    yajl_status status = yajl_parse(p->yajl, (const unsigned char *)p->json, p->len);
    if (status == yajl_status_ok && cut) {
        senml_json_error(p, p->len + 1, NULL, 0, "invalid token near '%s'",
                         cut == vt ? "\\v" : "\\f");
    } else if (status == yajl_status_ok) {
        p->finishing = 1;
        status = yajl_complete_parse(p->yajl); /* a number at the end, or a truncated pack */
    }
    if (status == yajl_status_error)
        yajl_failed(p);
    else if (status == yajl_status_ok && !lb_jsontok_blank(p->json + p->end, p->len - p->end))
        senml_json_error(p, p->len, NULL, 0,
                         "trailing garbage"); /* a token cut short: yajl misses it */
    yajl_free(p->yajl);
}
