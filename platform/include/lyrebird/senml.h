/* SenML (RFC 8428) in JSON: parse, validate and normalise a pack in one call.
 *
 * Validation follows RFC 8428: the pack is a JSON array of objects; every field has its
 * registered JSON type; each record carries at most one of v, vs, vb, vd and at least a
 * value or a sum; the resolved name (bn + n) is non-empty, starts with a letter or digit and
 * uses only a-z A-Z 0-9 - : . / _; bver is a positive integer no greater than 10; a field
 * whose name ends in '_' (must-understand, §4.4) is refused, other unknown fields ignored.
 *
 * Normalisation resolves base fields as §4.6: name = bn + n, time = bt + t (relative times,
 * below 2^28, are taken from now), unit = u or bu, value = v + bv, sum = s + bs, and base
 * fields carry to later records until redefined. The result has no base fields left. */
#ifndef LYREBIRD_SENML_H
#define LYREBIRD_SENML_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    LB_SENML_NONE = 0, /* sum only */
    LB_SENML_FLOAT,
    LB_SENML_STRING,
    LB_SENML_BOOL,
    LB_SENML_DATA, /* vd: base64url text, kept as given */
} lb_senml_kind;

/* One resolved record. Strings point into the pack's own memory. */
typedef struct lb_senml_record {
    const char *name;
    const char *unit;  /* NULL when none */
    lb_senml_kind kind;
    double value;      /* LB_SENML_FLOAT */
    const char *string;/* LB_SENML_STRING and LB_SENML_DATA */
    int boolean;       /* LB_SENML_BOOL */
    int has_sum;
    double sum;
    double time;       /* absolute, seconds since the Unix epoch */
    int has_update_time;
    double update_time;
} lb_senml_record;

typedef struct lb_senml_pack {
    lb_senml_record *records;
    size_t count;
} lb_senml_pack;

/* Parses, validates and normalises the SenML JSON in json[0..len). now is the current time
 * in seconds since the epoch, used for relative times. On success stores a pack the caller
 * frees with lb_senml_pack_free() and returns 0. On failure returns LB_EINVAL (or
 * LB_ENOMEM) and writes to err a sentence naming the record index and the problem, e.g.
 * "record 2: 'v' must be a number". json need not be NUL-terminated. */
int lb_senml_parse(const char *json, size_t len, double now, lb_senml_pack **out, char *err,
                   size_t errlen);

/* Frees a pack. NULL is a no-op. */
void lb_senml_pack_free(lb_senml_pack *pack);

#ifdef __cplusplus
}
#endif
#endif
