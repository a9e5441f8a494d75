/* The Cayenne Low Power Payload codec (codec type "cayennelpp"): a native codec plugin
 * (codec.h) that decodes LPP frames into The Things Stack's decoded_payload shape, with
 * SenML units, and encodes that shape back into LPP bytes for downlinks.
 *
 * An LPP frame is a run of records, each [channel, type, value...]; the value's size,
 * resolution and signedness depend on the type alone, so every type is one row of
 * lpp_types[] below (data over code): decoding and encoding are the same loop over a row's
 * fields. A record decodes to "<key>_<channel>": a number, or an object of the row's
 * fields ({"x","y","z"}, {"latitude","longitude","altitude"}, {"r","g","b"}).
 *
 * Sources (facts only; the code here is our own):
 *  [LPP]  myDevices, cayenne-docs, docs/LORA.md, "Data Types" table and its examples: the
 *         original LPP v1 types, their sizes, resolutions and signedness.
 *  [TTS]  TheThingsNetwork/lorawan-stack, pkg/messageprocessors/cayennelpp/keys.go: the key
 *         names of the v1 types (digital_in, luminosity, relative_humidity, ...). The
 *         Things Stack's documentation (integrations/payload-formatters/cayenne) says the
 *         keys are "formed from the lowercase sensor constant and channel"; the extended
 *         types' keys follow that rule (LPP_GENERIC_SENSOR -> generic_sensor, LPP_UNIXTIME
 *         -> unixtime, LPP_COLOUR -> colour).
 *  [EC]   ElectronicCats/CayenneLPP, src/CayenneLPP.h (LPP_*, LPP_*_SIZE, LPP_*_MULT,
 *         getTypeSigned) and src/CayenneLPP.cpp (colour decodes to r, g, b): the extended
 *         types. Where other libraries disagree (TTN's go-cayenne-lib reads current as 0.01
 *         signed and frequency as 2 bytes), we follow ElectronicCats, the most used encoder.
 *  [PY]   smlng/pycayennelpp, cayennelpp/lpp_type.py: Load (122), 3 bytes, 0.001, signed
 *         (IPSO object 3322, kilograms). ElectronicCats does not define it.
 *  [RS]   Octoate/CayenneLPP-rs, src/constants.rs: Concentration 2 bytes 1 ppm unsigned,
 *         Colour 1 byte per RGB colour (agreeing with [EC]).
 *  [SenML] IANA "SenML Units" (RFC 8428) and "Secondary Units" (RFC 8798) registries.
 *         Quantities the registries have no unit for (acceleration in standard gravity,
 *         angular velocity in degrees per second, raw analog values, counts, states, colour
 *         components, timestamps) get no unit rather than a wrong one: in SenML "g" is
 *         the gram, not g-force.
 *
 * Results are built with jansson. Every value is an integer count of its resolution step,
 * so a value is emitted as a JSON integer when it is whole and as a real otherwise, and
 * the result is dumped with 15 significant digits: 0x0110 at 0.1 becomes 27.2, never
 * 27.200000000000003 (no LPP value has more than 10 significant digits). */
#include "lyrebird/codec.h"
#include "lyrebird/error.h"

#include <jansson.h>

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LPP_VERSION      "1.0.0"
#define LPP_MAX_FIELDS   3
#define LPP_DEFAULT_PORT 1
#define LPP_JSON_FLAGS   (JSON_COMPACT | JSON_REAL_PRECISION(15))

/* One value of a record: its name in the decoded object (NULL for a scalar record), the
 * divisor that turns the stored integer into the quantity, and its SenML unit (or NULL). */
typedef struct lpp_field {
    const char *name;
    uint32_t divisor;
    const char *unit;
} lpp_field;

/* One LPP data type. Every field of a type has the same width and signedness. */
typedef struct lpp_type {
    uint8_t id;      /* LPP type byte (IPSO object id - 3200) */
    const char *key; /* key stem in the decoded object */
    uint8_t width;   /* bytes per field, big-endian */
    bool is_signed;  /* two's complement */
    uint8_t nfields; /* 1: a scalar record; more: an object */
    lpp_field fields[LPP_MAX_FIELDS];
} lpp_type;

/* id, key, width (bytes per field), signed, number of fields, fields {name, divisor, unit}.
 * Sources in the file comment. Accelerometer (0.001 G) and gyrometer (0.01 deg/s) have no
 * SenML unit; unixtime is seconds since 1970, a time rather than a duration, so none. */
/* clang-format off */
static const lpp_type lpp_types[] = {
    /* LPP v1 [LPP], keys [TTS] */
    {0,   "digital_in",          1, false, 1, {{NULL, 1, NULL}}},
    {1,   "digital_out",         1, false, 1, {{NULL, 1, NULL}}},
    {2,   "analog_in",           2, true,  1, {{NULL, 100, NULL}}},
    {3,   "analog_out",          2, true,  1, {{NULL, 100, NULL}}},
    {101, "luminosity",          2, false, 1, {{NULL, 1, "lx"}}},
    {102, "presence",            1, false, 1, {{NULL, 1, NULL}}},
    {103, "temperature",         2, true,  1, {{NULL, 10, "Cel"}}},
    {104, "relative_humidity",   1, false, 1, {{NULL, 2, "%RH"}}},
    {113, "accelerometer",       2, true,  3, {{"x", 1000, NULL}, {"y", 1000, NULL},
                                                {"z", 1000, NULL}}},
    {115, "barometric_pressure", 2, false, 1, {{NULL, 10, "hPa"}}},
    {134, "gyrometer",           2, true,  3, {{"x", 100, NULL}, {"y", 100, NULL},
                                                {"z", 100, NULL}}},
    {136, "gps",                 3, true,  3, {{"latitude", 10000, "lat"},
                                                {"longitude", 10000, "lon"},
                                                {"altitude", 100, "m"}}},
    /* extended types [EC], keys [TTS]'s rule, unless noted */
    {100, "generic_sensor",      4, false, 1, {{NULL, 1, NULL}}},
    {116, "voltage",             2, false, 1, {{NULL, 100, "V"}}},
    {117, "current",             2, false, 1, {{NULL, 1000, "A"}}},
    {118, "frequency",           4, false, 1, {{NULL, 1, "Hz"}}},
    {120, "percentage",          1, false, 1, {{NULL, 1, "/100"}}},
    {121, "altitude",            2, true,  1, {{NULL, 1, "m"}}},
    {122, "load",                3, true,  1, {{NULL, 1000, "kg"}}},  /* [PY] */
    {125, "concentration",       2, false, 1, {{NULL, 1, "ppm"}}},    /* [EC], [RS] */
    {128, "power",               2, false, 1, {{NULL, 1, "W"}}},
    {130, "distance",            4, false, 1, {{NULL, 1000, "m"}}},
    {131, "energy",              4, false, 1, {{NULL, 1000, "kWh"}}},
    {132, "direction",           2, false, 1, {{NULL, 1, "deg"}}},
    {133, "unixtime",            4, false, 1, {{NULL, 1, NULL}}},
    {135, "colour",              1, false, 3, {{"r", 1, NULL}, {"g", 1, NULL}, {"b", 1, NULL}}},
    {142, "switch",              1, false, 1, {{NULL, 1, NULL}}},
};
/* clang-format on */

#define LPP_NTYPES (sizeof lpp_types / sizeof lpp_types[0])

struct lb_codec {
    int unused;
};

struct lb_codec_instance {
    lb_codec *codec;
};

static const lpp_type *type_by_id(uint8_t id)
{
    for (size_t i = 0; i < LPP_NTYPES; i++)
        if (lpp_types[i].id == id)
            return &lpp_types[i];
    return NULL;
}

static const lpp_type *type_by_key(const char *key, size_t len)
{
    for (size_t i = 0; i < LPP_NTYPES; i++)
        if (strlen(lpp_types[i].key) == len && memcmp(lpp_types[i].key, key, len) == 0)
            return &lpp_types[i];
    return NULL;
}

static size_t record_size(const lpp_type *t)
{
    return (size_t)t->width * t->nfields;
}

/* The smallest and largest stored integers of a field of t. */
static int64_t raw_min(const lpp_type *t)
{
    return t->is_signed ? -((int64_t)1 << (8 * t->width - 1)) : 0;
}

static int64_t raw_max(const lpp_type *t)
{
    return t->is_signed ? ((int64_t)1 << (8 * t->width - 1)) - 1
                        : ((int64_t)1 << (8 * t->width)) - 1;
}

/* Writes raw / divisor as an exact decimal ("27.2", "-4.1", "1013", "49.5"). */
static void format_scaled(char *buf, size_t len, int64_t raw, uint32_t divisor)
{
    uint64_t mag = raw < 0 ? (uint64_t)(-raw) : (uint64_t)raw;
    const char *sign = raw < 0 ? "-" : "";
    if (divisor == 2) { /* humidity: half steps */
        snprintf(buf, len, "%s%llu%s", sign, (unsigned long long)(mag / 2), mag % 2 ? ".5" : "");
        return;
    }
    int decimals = 0;
    for (uint32_t d = divisor; d > 1; d /= 10)
        decimals++;
    uint64_t frac = mag % divisor;
    if (frac == 0) {
        snprintf(buf, len, "%s%llu", sign, (unsigned long long)(mag / divisor));
        return;
    }
    while (frac % 10 == 0) { /* 3.30 -> 3.3 */
        frac /= 10;
        decimals--;
    }
    snprintf(buf, len, "%s%llu.%0*llu", sign, (unsigned long long)(mag / divisor), decimals,
             (unsigned long long)frac);
}

/* Writes v as the shortest of %.15g and %.17g that reads back as v ("3276.8", "1e+308"). */
static void format_double(char *buf, size_t len, double v)
{
    snprintf(buf, len, "%.15g", v);
    if (strtod(buf, NULL) != v)
        snprintf(buf, len, "%.17g", v);
}

/* A JSON number for raw / divisor: an integer when whole, else the nearest double (which
 * dumps back to the exact decimal with 15 significant digits). */
static json_t *scaled_json(int64_t raw, uint32_t divisor)
{
    if (raw % (int64_t)divisor == 0)
        return json_integer(raw / (int64_t)divisor);
    return json_real((double)raw / (double)divisor);
}

/* The length of s[0..len) without a UTF-8 sequence cut short at its end. */
static size_t utf8_whole(const char *s, size_t len)
{
    size_t lead = len;
    while (lead > 0 && ((unsigned char)s[lead - 1] & 0xc0) == 0x80)
        lead--;
    if (lead == 0)
        return len;
    unsigned char c = (unsigned char)s[lead - 1];
    size_t want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return len - (lead - 1) < want ? lead - 1 : len;
}

/* Appends a formatted sentence to arr, cut to LB_ERRLEN bytes at a character boundary (a
 * long key from the user must not leave half a UTF-8 sequence). A sentence that quotes
 * invalid UTF-8 (jansson's parse errors quote the input near the fault) has its non-ASCII
 * bytes shown as '?'. 0 or -1 (out of memory). */
static int add_message(json_t *arr, const char *fmt, ...)
{
    char msg[LB_ERRLEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t n = utf8_whole(msg, strlen(msg));
    json_t *text = json_stringn(msg, n);
    if (!text) {
        for (size_t k = 0; k < n; k++)
            if ((unsigned char)msg[k] >= 0x80)
                msg[k] = '?';
        text = json_stringn(msg, n);
    }
    return json_array_append_new(arr, text);
}

/* Reads one big-endian field of t at p (width bytes, which the caller has checked). */
static int64_t read_raw(const lpp_type *t, const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < t->width; i++)
        v = (v << 8) | p[i];
    if (t->is_signed && (v >> (8 * t->width - 1)) & 1)
        return (int64_t)v - ((int64_t)1 << (8 * t->width));
    return (int64_t)v;
}

/* Decodes the record of t at p into data[name] and its units. 0 or -1 (out of memory). */
static int decode_record(const lpp_type *t, const uint8_t *p, const char *name, json_t *data,
                         json_t *units)
{
    if (t->nfields == 1) {
        const lpp_field *f = &t->fields[0];
        if (json_object_set_new(data, name, scaled_json(read_raw(t, p), f->divisor)) != 0)
            return -1;
        return f->unit ? json_object_set_new(units, name, json_string(f->unit)) : 0;
    }
    json_t *obj = json_object();
    if (!obj || json_object_set_new(data, name, obj) != 0)
        return -1;
    for (unsigned i = 0; i < t->nfields; i++) {
        const lpp_field *f = &t->fields[i];
        if (json_object_set_new(obj, f->name,
                                scaled_json(read_raw(t, p + i * t->width), f->divisor)) != 0)
            return -1;
        if (f->unit) {
            char path[64];
            snprintf(path, sizeof path, "%s.%s", name, f->name);
            if (json_object_set_new(units, path, json_string(f->unit)) != 0)
                return -1;
        }
    }
    return 0;
}

/* Decodes an LPP frame into result's data, units, warnings and errors. Decoding stops at
 * the first bad record (unknown type, value cut short); what came before stays in data.
 * Returns 0 or -1 (out of memory). */
static int decode_frame(const uint8_t *b, size_t len, json_t *data, json_t *units, json_t *warnings,
                        json_t *errors)
{
    size_t off = 0;
    while (off < len) {
        uint8_t channel = b[off];
        if (len - off < 2) {
            if (add_message(errors, "offset %zu: channel %u has no type byte (the payload ends)",
                            off, channel) != 0)
                return -1;
            break;
        }
        uint8_t id = b[off + 1];
        const lpp_type *t = type_by_id(id);
        if (!t) {
            if (add_message(errors, "offset %zu: unknown type %u on channel %u", off, id,
                            channel) != 0)
                return -1;
            break;
        }
        size_t need = record_size(t);
        if (len - off - 2 < need) {
            if (add_message(errors,
                            "offset %zu: %s (type %u) on channel %u needs %zu byte%s, "
                            "only %zu left",
                            off, t->key, id, channel, need, need == 1 ? "" : "s",
                            len - off - 2) != 0)
                return -1;
            break;
        }
        char name[48];
        snprintf(name, sizeof name, "%s_%u", t->key, channel);
        if (json_object_get(data, name) &&
            add_message(warnings, "%s appears more than once; the last value is kept", name) != 0)
            return -1;
        if (decode_record(t, b + off + 2, name, data, units) != 0)
            return -1;
        off += 2 + need;
    }
    if (off < len && add_message(warnings,
                                 "the rest of the payload (%zu byte%s from offset %zu) "
                                 "was skipped",
                                 len - off, len - off == 1 ? "" : "s", off) != 0)
        return -1;
    return 0;
}

/* Dumps root into *out (caller frees) and releases root. 0 or LB_ENOMEM. */
static int finish(json_t *root, int failed, char **out)
{
    int rc = LB_ENOMEM;
    if (!root || failed)
        goto out;
    *out = json_dumps(root, LPP_JSON_FLAGS);
    if (*out)
        rc = 0;
out:
    json_decref(root);
    return rc;
}

static int decode_payload(lb_codec_instance *i, const lb_codec_input *in, char **out_json)
{
    if (!i || !in || !out_json || (!in->bytes && in->len > 0))
        return LB_EINVAL;
    *out_json = NULL;
    json_t *root = json_object(), *data = json_object(), *units = json_object();
    json_t *warnings = json_array(), *errors = json_array();
    /* json_object_set_new takes the value even when it fails, so nothing leaks */
    int failed = json_object_set_new(root, "data", data) |
                 json_object_set_new(root, "units", units) |
                 json_object_set_new(root, "warnings", warnings) |
                 json_object_set_new(root, "errors", errors);
    if (!failed)
        failed = decode_frame(in->bytes, in->len, data, units, warnings, errors);
    return finish(root, failed, out_json);
}

/* ---- encoding ---- */

/* Splits "<key>_<channel>" into its type and channel. NULL with err filled if it is not a
 * known type followed by a channel 0-255. */
static const lpp_type *parse_name(const char *name, unsigned *channel, char *err, size_t errlen)
{
    const char *us = strrchr(name, '_');
    const lpp_type *t = us ? type_by_key(name, (size_t)(us - name)) : NULL;
    if (!t) {
        snprintf(err, errlen,
                 "unknown key \"%s\": expected <type>_<channel> with a Cayenne LPP type name, "
                 "e.g. digital_out_1",
                 name);
        return NULL;
    }
    const char *d = us + 1;
    size_t n = strlen(d);
    unsigned v = 0;
    bool ok = n >= 1 && n <= 3;
    for (size_t k = 0; ok && k < n; k++) {
        ok = d[k] >= '0' && d[k] <= '9';
        v = v * 10 + (unsigned)(d[k] - '0');
    }
    if (!ok || v > 255) {
        snprintf(err, errlen, "%s: the channel after the last '_' must be a number 0-255", name);
        return NULL;
    }
    *channel = v;
    return t;
}

/* Scales value by f's divisor to the nearest stored integer of t. Returns 0, or -1 with err
 * filled (not a number, out of range); *rounded says the value was not on a step. */
static int scale_value(const lpp_type *t, const lpp_field *f, const char *path, json_t *value,
                       int64_t *raw, bool *rounded, char *err, size_t errlen)
{
    double v;
    if (json_is_boolean(value))
        v = json_is_true(value) ? 1 : 0;
    else if (json_is_number(value))
        v = json_number_value(value);
    else {
        snprintf(err, errlen, "%s: the value must be a number", path);
        return -1;
    }
    double scaled = v * f->divisor;
    double r = round(scaled); /* half away from zero */
    if (!isfinite(scaled) || r < (double)raw_min(t) || r > (double)raw_max(t)) {
        char lo[32], hi[32], given[32];
        format_scaled(lo, sizeof lo, raw_min(t), f->divisor);
        format_scaled(hi, sizeof hi, raw_max(t), f->divisor);
        format_double(given, sizeof given, v);
        snprintf(err, errlen, "%s: %s is out of range (%s to %s)", path, given, lo, hi);
        return -1;
    }
    *raw = (int64_t)r;
    *rounded = fabs(scaled - r) > 1e-6 * (fabs(scaled) > 1 ? fabs(scaled) : 1);
    return 0;
}

/* Appends one record of t to bytes. Returns 0, 1 (a user error, added to errors) or -1. */
static int encode_record(const lpp_type *t, unsigned channel, const char *name, json_t *value,
                         json_t *bytes, json_t *warnings, json_t *errors)
{
    char err[LB_ERRLEN];
    int64_t raws[LPP_MAX_FIELDS];
    if (t->nfields > 1 && !json_is_object(value)) {
        snprintf(err, sizeof err, "%s: the value must be an object with %s, %s and %s", name,
                 t->fields[0].name, t->fields[1].name, t->fields[2].name);
        goto user_error;
    }
    if (t->nfields > 1 && json_object_size(value) != t->nfields) {
        snprintf(err, sizeof err, "%s: the object must have exactly %s, %s and %s", name,
                 t->fields[0].name, t->fields[1].name, t->fields[2].name);
        goto user_error;
    }
    for (unsigned k = 0; k < t->nfields; k++) {
        const lpp_field *f = &t->fields[k];
        char path[96];
        json_t *v = value;
        snprintf(path, sizeof path, "%s%s%s", name, f->name ? "." : "", f->name ? f->name : "");
        if (f->name && !(v = json_object_get(value, f->name))) {
            snprintf(err, sizeof err, "%s is missing", path);
            goto user_error;
        }
        bool rounded = false;
        if (scale_value(t, f, path, v, &raws[k], &rounded, err, sizeof err) != 0)
            goto user_error;
        if (rounded) {
            char step[32], got[32], given[32];
            format_scaled(step, sizeof step, 1, f->divisor);
            format_scaled(got, sizeof got, raws[k], f->divisor);
            format_double(given, sizeof given, json_number_value(v));
            if (add_message(warnings, "%s: %s rounded to %s (the resolution is %s)", path, given,
                            got, step) != 0)
                return -1;
        }
    }
    if (json_array_append_new(bytes, json_integer(channel)) != 0 ||
        json_array_append_new(bytes, json_integer(t->id)) != 0)
        return -1;
    for (unsigned k = 0; k < t->nfields; k++) {
        uint64_t u = (uint64_t)raws[k];
        for (int s = t->width - 1; s >= 0; s--)
            if (json_array_append_new(bytes, json_integer((u >> (8 * s)) & 0xff)) != 0)
                return -1;
    }
    return 0;
user_error:
    return add_message(errors, "%s", err) != 0 ? -1 : 1;
}

/* Reads "f_port" of in (absent: the default) into *port. 0, 1 (user error) or -1. */
static int encode_port(json_t *in, json_int_t *port, json_t *errors)
{
    json_t *p = json_object_get(in, "f_port");
    *port = LPP_DEFAULT_PORT;
    if (!p || json_is_null(p))
        return 0;
    if (!json_is_integer(p) || json_integer_value(p) < 1 || json_integer_value(p) > 223) {
        return add_message(errors, "f_port must be an integer from 1 to 223") != 0 ? -1 : 1;
    }
    *port = json_integer_value(p);
    return 0;
}

/* Encodes in ({"data": {...}, "f_port"?}) into bytes. Returns 0 or -1 (out of memory);
 * user errors land in errors and leave bytes empty. */
static int encode_all(json_t *in, json_t *bytes, json_int_t *port, json_t *warnings, json_t *errors)
{
    int rc = encode_port(in, port, errors);
    if (rc < 0)
        return -1;
    json_t *data = json_object_get(in, "data");
    if (!json_is_object(data))
        return add_message(errors, "\"data\" must be an object of <type>_<channel> values");
    const char *name;
    json_t *value;
    int bad = rc;
    json_object_foreach(data, name, value)
    {
        char err[LB_ERRLEN];
        unsigned channel;
        const lpp_type *t = parse_name(name, &channel, err, sizeof err);
        if (!t) {
            if (add_message(errors, "%s", err) != 0)
                return -1;
            bad = 1;
            continue;
        }
        rc = encode_record(t, channel, name, value, bytes, warnings, errors);
        if (rc < 0)
            return -1;
        bad |= rc;
    }
    if (bad)
        json_array_clear(bytes); /* nothing half-encoded goes out */
    return 0;
}

static int encode_downlink(lb_codec_instance *i, const char *data_json, char **out_json)
{
    if (!i || !data_json || !out_json)
        return LB_EINVAL;
    *out_json = NULL;
    json_int_t port = LPP_DEFAULT_PORT;
    json_t *root = json_object(), *bytes = json_array();
    json_t *warnings = json_array(), *errors = json_array();
    int failed = json_object_set_new(root, "bytes", bytes) |
                 json_object_set_new(root, "f_port", json_integer(port)) |
                 json_object_set_new(root, "warnings", warnings) |
                 json_object_set_new(root, "errors", errors);
    if (failed)
        return finish(root, failed, out_json);
    json_error_t jerr;
    json_t *in = json_loads(data_json, JSON_REJECT_DUPLICATES, &jerr);
    if (!in)
        failed = add_message(errors, "the downlink is not valid JSON: %s (line %d, column %d)",
                             jerr.text, jerr.line, jerr.column);
    else if (!json_is_object(in))
        failed = add_message(errors, "the downlink must be a JSON object with \"data\"");
    else
        failed = encode_all(in, bytes, &port, warnings, errors);
    json_decref(in);
    if (!failed)
        failed = json_object_set_new(root, "f_port", json_integer(port));
    return finish(root, failed, out_json);
}

/* ---- the plugin ---- */

static lb_codec *codec_compile(const char *source, size_t len, const lb_codec_limits *limits,
                               char *err, size_t errlen)
{
    lb_codec *c = calloc(1, sizeof *c);
    if (!c && err && errlen)
        snprintf(err, errlen, "out of memory");
    return c;
}

static void codec_free(lb_codec *c)
{
    free(c);
}

static lb_codec_instance *instance_new(lb_codec *c, char *err, size_t errlen)
{
    lb_codec_instance *i = NULL;
    if (!c) {
        if (err && errlen)
            snprintf(err, errlen, "no codec given");
        return NULL;
    }
    i = calloc(1, sizeof *i);
    if (!i) {
        if (err && errlen)
            snprintf(err, errlen, "out of memory");
        return NULL;
    }
    i->codec = c;
    return i;
}

static void instance_free(lb_codec_instance *i)
{
    free(i);
}

static const lb_codec_plugin lpp_plugin = {
    .abi = LB_CODEC_ABI,
    .type = "cayennelpp",
    .version = LPP_VERSION,
    .compile = codec_compile,
    .codec_free = codec_free,
    .instance_new = instance_new,
    .instance_free = instance_free,
    .decode_uplink = decode_payload,
    .encode_downlink = encode_downlink,
    .decode_downlink = decode_payload,
};

LB_CODEC_EXPORT const lb_codec_plugin *lb_codec_entry(void)
{
    return &lpp_plugin;
}
