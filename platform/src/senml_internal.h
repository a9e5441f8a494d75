/* Private to senml.c and senml_json.c: the state of one lb_senml_parse(), which both work on,
 * and the functions each calls in the other. senml.c is the SenML side (records, base fields,
 * the pack); senml_json.c holds yajl to the JSON rules jansson had. */
#ifndef LB_SENML_INTERNAL_H
#define LB_SENML_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <yajl/yajl_parse.h>

/* The registered JSON labels of RFC 8428 §12.2, those of a typical record first. */
enum { F_N, F_V, F_T, F_U, F_S, F_VS, F_VB, F_VD, F_UT, F_BN, F_BT, F_BU, F_BV, F_BS, F_BVER };
#define F_COUNT (F_BVER + 1)

/* A string in the parse's arena. Offsets, not pointers: the arena moves as it grows. */
struct span {
    size_t off, len;
};

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
    int plain;     /* no backslash and no byte above 0x7F: no string needs senml_check_string() */
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

/* Hidden: these are liblyrebird's own, not its ABI, and calls to them skip the PLT. */
#pragma GCC visibility push(hidden)

/* In senml.c. */

/* Formats an error into err[0..errlen) (if err is not NULL and errlen > 0); returns code. */
int senml_fail(char *err, size_t errlen, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Stops the parse with LB_ENOMEM ("out of memory while parsing JSON"). Returns 0, which
 * cancels yajl. */
int senml_out_of_memory(struct parser *p);
/* Makes room for n more bytes in v; -1 when out of memory. */
int senml_vec_grow(struct vec *v, size_t n);

/* In senml_json.c. */

/* Stops the parse with a JSON error after json[0..at): "invalid JSON at line L column C: what
 * near 'token'", the token quoted only if short. Returns 0, which cancels yajl. */
int senml_json_error(struct parser *p, size_t at, const char *tok, size_t toklen, const char *fmt,
                     ...) __attribute__((format(printf, 5, 6), cold));
/* The string token just read as written, quotes included: stores its start, returns its
 * length. */
size_t senml_raw_string(const struct parser *p, const char **start);
/* jansson's rules for the string (value or key) just read: strict UTF-8, surrogate escapes in
 * pairs. s[0..len) is yajl's decoded text. 1 if it passes, else 0 after a JSON error. */
int senml_check_string(struct parser *p, const unsigned char *s, size_t len);
/* Stops the parse with a JSON error about the key just read. Returns 0. */
int senml_key_error(struct parser *p, const char *what);
/* Adds key s[0..len) of the innermost open object to the key set: 1 if new, 0 if a duplicate,
 * -1 when out of memory. */
int senml_key_add(struct parser *p, const unsigned char *s, size_t len);
/* Stops the parse with jansson's error for number s[0..len), which is beyond a double.
 * Returns 0. */
int senml_overflow_error(struct parser *p, const char *s, size_t len) __attribute__((cold));
/* Runs yajl with callbacks (their context p) over p->json[0..len), holding it to jansson's
 * rules; p->rc then holds the first error, if any. */
void senml_run_yajl(struct parser *p, size_t len, const yajl_callbacks *callbacks);

#pragma GCC visibility pop

/* Where yajl is in the input: just past the token it has read. */
static inline size_t here(const struct parser *p)
{
    return p->finishing ? p->len : yajl_get_bytes_consumed(p->yajl);
}

/* Appends n bytes to v and returns them, or NULL when out of memory. */
static inline void *vec_push(struct vec *v, size_t n)
{
    if (n > v->cap - v->len && senml_vec_grow(v, n) != 0)
        return NULL;
    v->len += n;
    return v->data + v->len - n;
}

/* Copies s[0..len) to the arena; -1 when out of memory. */
static inline int keep(struct parser *p, const void *s, size_t len, struct span *out)
{
    char *copy = vec_push(&p->arena, len);
    if (!copy)
        return -1;
    memcpy(copy, s, len);
    *out = (struct span){(size_t)(copy - p->arena.data), len};
    return 0;
}

#endif
