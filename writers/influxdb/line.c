/* Line protocol: escaping and the conversion of bus messages into points (see line.h for the
 * schema and the rules). */
#define _GNU_SOURCE
#include "line.h"

#include <lyrebird/error.h>
#include <lyrebird/payload.h>
#include <lyrebird/senml.h>

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- buffer ---- */

static int grow(influx_buf *b, size_t need)
{
    if (b->oom)
        return -1;
    if (b->len + need + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + need + 1)
        cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d) {
        b->oom = 1;
        return -1;
    }
    b->data = d;
    b->cap = cap;
    return 0;
}

void influx_buf_add(influx_buf *b, const void *p, size_t n)
{
    if (grow(b, n) != 0)
        return;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void influx_buf_adds(influx_buf *b, const char *s)
{
    influx_buf_add(b, s, strlen(s));
}

void influx_buf_addf(influx_buf *b, const char *fmt, ...)
{
    char small[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        influx_buf_add(b, small, (size_t)n);
        return;
    }
    if (grow(b, (size_t)n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void influx_buf_reset(influx_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void influx_buf_free(influx_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

/* ---- escaping ---- */

/* stop: special, '\\' and the white space, what needs a look */
static void esc(influx_buf *b, const char *s, const char *special, const char *stop)
{
    for (const char *p = s; *p; p++) {
        size_t run = strcspn(p, stop); /* most names need nothing: copied whole */
        influx_buf_add(b, p, run);
        p += run;
        if (!*p)
            break;
        char c = *p;
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
        if (c == '\\' && (p[1] == '\0' || strchr(special, p[1]) || strchr("\n\r\t", p[1])))
            c = '/'; /* InfluxDB 1.x reads it as escaping what follows and cannot store it */
        if (strchr(special, c))
            influx_buf_add(b, "\\", 1);
        influx_buf_add(b, &c, 1);
    }
}

void influx_esc_measurement(influx_buf *b, const char *s)
{
    esc(b, s, ", ", ", \\\n\r\t");
}

void influx_esc_key(influx_buf *b, const char *s)
{
    esc(b, s, ",= ", ",= \\\n\r\t");
}

void influx_esc_string(influx_buf *b, const char *s)
{
    influx_buf_add(b, "\"", 1);
    for (const char *p = s; *p; p++) {
        size_t run = strcspn(p, "\"\\");
        influx_buf_add(b, p, run);
        p += run;
        if (!*p)
            break;
        influx_buf_add(b, "\\", 1);
        influx_buf_add(b, p, 1);
    }
    influx_buf_add(b, "\"", 1);
}

/* Appends n in decimal (what %lld prints, without its cost: this runs for every point). */
static void add_int(influx_buf *b, int64_t n)
{
    char s[24], *e = s + sizeof s, *p = e;
    uint64_t u = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (n < 0)
        *--p = '-';
    influx_buf_add(b, p, (size_t)(e - p));
}

void influx_fmt_float(influx_buf *b, double v)
{
    char s[40];
    if (fabs(v) < 1e15 && v == (double)(int64_t)v && !(v == 0 && signbit(v))) {
        add_int(b, (int64_t)v); /* integers, most sensor values: as %.15g prints them */
        return;
    }
    snprintf(s, sizeof s, "%.15g", v);
    if (strtod(s, NULL) != v)
        snprintf(s, sizeof s, "%.17g", v);
    influx_buf_adds(b, s);
}

/* ---- points ---- */

/* One point under construction: fields are separated by ',' after the first. */
typedef struct point {
    influx_buf *b;
    int nfields;
} point;

static void tag(influx_buf *b, const char *k, const char *v)
{
    if (!v || !*v)
        return;
    influx_buf_add(b, ",", 1);
    influx_esc_key(b, k);
    influx_buf_add(b, "=", 1);
    influx_esc_key(b, v);
}

static void head(point *pt, const char *measurement, const lb_message *m)
{
    influx_esc_measurement(pt->b, measurement);
    tag(pt->b, "channel", m->channel);
    tag(pt->b, "subtopic", m->subtopic);
    tag(pt->b, "publisher", m->publisher);
    pt->nfields = 0;
}

static void field_key(point *pt, const char *k)
{
    influx_buf_add(pt->b, pt->nfields++ ? "," : " ", 1);
    influx_esc_key(pt->b, k);
    influx_buf_add(pt->b, "=", 1);
}

static void field_float(point *pt, const char *k, double v)
{
    field_key(pt, k);
    influx_fmt_float(pt->b, v);
}

static void field_string(point *pt, const char *k, const char *v)
{
    field_key(pt, k);
    influx_esc_string(pt->b, v);
}

static void field_bool(point *pt, const char *k, int v)
{
    field_key(pt, k);
    influx_buf_adds(pt->b, v ? "true" : "false");
}

static void end(point *pt, int64_t ns)
{
    influx_buf_add(pt->b, " ", 1);
    add_int(pt->b, ns);
    influx_buf_add(pt->b, "\n", 1);
}

/* InfluxDB 1.x refuses a point outside [MinNanoTime, MaxNanoTime] = [-2^63 + 2, 2^63 - 2] ns
 * (years 1677 to 2262) */
#define MAX_NS     (INT64_MAX - 1)
#define RANGE_TEXT "outside the years InfluxDB can store (1677 to 2262)"

/* The message's time: created, or now when it has none. Returns 0, or LB_EINVAL with err
 * filled when InfluxDB cannot store that time. */
static int created_ns(const lb_message *m, int64_t *ns, char *err, size_t errlen)
{
    *ns = m->created > 0 ? m->created : lb_now_ns();
    if (*ns > MAX_NS) {
        snprintf(err, errlen, "the message's created time is " RANGE_TEXT);
        return LB_EINVAL;
    }
    return 0;
}

/* seconds in ns. Returns -1 when InfluxDB cannot store that time (llround would not even
 * give a number for most of them). */
static int to_ns(double seconds, int64_t *ns)
{
    double v = seconds * 1e9;
    /* doubles this large are multiples of 1024: the first ones out of range are +-2^63 */
    if (!(v > -0x1p63 && v < 0x1p63))
        return -1;
    *ns = (int64_t)llround(v);
    return 0;
}

/* A small open-addressing set of (name, time) used by the records of one pack. */
typedef struct stamp_set {
    const char **names;
    int64_t *times;
    size_t cap;
} stamp_set;

static size_t stamp_hash(const char *name, int64_t t, size_t cap)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)t;
    for (const char *p = name; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

/* Returns 1 when (name, t) was already in the set, else adds it and returns 0. */
static int stamp_seen(stamp_set *s, const char *name, int64_t t)
{
    for (size_t i = stamp_hash(name, t, s->cap);; i = (i + 1) & (s->cap - 1)) {
        if (!s->names[i]) {
            s->names[i] = name;
            s->times[i] = t;
            return 0;
        }
        if (s->times[i] == t && strcmp(s->names[i], name) == 0)
            return 1;
    }
}

/* The time of record r in ns, moved on by 1 ns while r's name already has a point at that
 * time in this pack. Returns -1 when the time is one InfluxDB cannot store. */
static int record_ns(stamp_set *set, const lb_senml_record *r, int64_t *ns)
{
    int64_t t;
    if (to_ns(r->time, &t) != 0)
        return -1;
    while (stamp_seen(set, r->name, t)) {
        if (t >= MAX_NS)
            return -1;
        t++;
    }
    *ns = t;
    return 0;
}

static void record_line(const lb_message *m, const lb_senml_record *r, int64_t t, influx_buf *out)
{
    point pt = {.b = out};
    head(&pt, "messages", m);
    tag(out, "name", r->name);
    switch (r->kind) {
    case LB_SENML_FLOAT:
        field_float(&pt, "value", r->value);
        break;
    case LB_SENML_STRING:
        field_string(&pt, "stringValue", r->string ? r->string : "");
        break;
    case LB_SENML_BOOL:
        field_bool(&pt, "boolValue", r->boolean);
        break;
    case LB_SENML_DATA:
        field_string(&pt, "dataValue", r->string ? r->string : "");
        break;
    case LB_SENML_NONE:
        break;
    }
    if (r->has_sum)
        field_float(&pt, "sum", r->sum);
    if (r->unit && *r->unit)
        field_string(&pt, "unit", r->unit);
    if (r->has_update_time)
        field_float(&pt, "updateTime", r->update_time);
    if (m->protocol && *m->protocol)
        field_string(&pt, "protocol", m->protocol);
    end(&pt, t);
}

static int senml_lines(const lb_message *m, influx_buf *out, size_t *points, char *err,
                       size_t errlen)
{
    lb_senml_pack *pack = NULL;
    int64_t created;
    int rc = created_ns(m, &created, err, errlen);
    if (rc != 0)
        return rc;
    rc = lb_senml_parse((const char *)m->payload, m->payload_len, (double)created / 1e9, &pack, err,
                        errlen);
    if (rc != 0)
        return rc;
    stamp_set set = {0};
    set.cap = 16;
    while (set.cap < pack->count * 2)
        set.cap *= 2;
    set.names = calloc(set.cap, sizeof *set.names);
    set.times = calloc(set.cap, sizeof *set.times);
    if (!set.names || !set.times) {
        rc = LB_ENOMEM;
        goto out;
    }
    size_t start = out->len;
    for (size_t i = 0; i < pack->count && rc == 0; i++) {
        int64_t t;
        if (record_ns(&set, &pack->records[i], &t) != 0) {
            snprintf(err, errlen, "record %zu: time is " RANGE_TEXT, i);
            rc = LB_EINVAL;
        } else {
            record_line(m, &pack->records[i], t, out);
        }
    }
    if (rc == 0 && out->oom)
        rc = LB_ENOMEM;
    if (rc != 0) {
        out->len = start; /* nothing of a refused pack is stored */
        if (out->data)
            out->data[start] = '\0';
        goto out;
    }
    *points += pack->count;
out:
    free(set.names);
    free(set.times);
    lb_senml_pack_free(pack);
    return rc;
}

/* ---- JSON, flattened ---- */

static void json_leaves(point *pt, influx_buf *path, json_t *v)
{
    size_t keep = path->len;
    if (json_is_object(v)) {
        const char *k;
        json_t *child;
        json_object_foreach(v, k, child)
        {
            if (keep)
                influx_buf_add(path, ".", 1);
            influx_buf_adds(path, k);
            json_leaves(pt, path, child);
            path->len = keep;
            if (path->data)
                path->data[keep] = '\0';
        }
        return;
    }
    if (json_is_array(v)) {
        size_t i;
        json_t *child;
        json_array_foreach(v, i, child)
        {
            influx_buf_addf(path, keep ? ".%zu" : "%zu", i);
            json_leaves(pt, path, child);
            path->len = keep;
            if (path->data)
                path->data[keep] = '\0';
        }
        return;
    }
    const char *k = path->len ? path->data : "value";
    if (json_is_number(v))
        field_float(pt, k, json_number_value(v));
    else if (json_is_string(v))
        field_string(pt, k, json_string_value(v));
    else if (json_is_boolean(v))
        field_bool(pt, k, json_is_true(v));
}

static int json_lines(const lb_message *m, influx_buf *out, size_t *points, char *err,
                      size_t errlen)
{
    json_error_t jerr;
    json_t *root = json_loadb((const char *)m->payload, m->payload_len, JSON_DECODE_ANY, &jerr);
    if (!root) {
        snprintf(err, errlen, "not valid JSON: %s", jerr.text);
        return LB_EINVAL;
    }
    int64_t t;
    int rc = created_ns(m, &t, err, errlen);
    size_t start = out->len;
    influx_buf path = {0};
    if (rc != 0)
        goto out;
    point pt = {.b = out};
    head(&pt, "json", m);
    json_leaves(&pt, &path, root);
    if (pt.nfields == 0) {
        out->len = start; /* no leaves: nothing to store */
        if (out->data)
            out->data[start] = '\0';
        goto out;
    }
    end(&pt, t);
    if (out->oom || path.oom) {
        out->len = start;
        rc = LB_ENOMEM;
        goto out;
    }
    *points += 1;
out:
    influx_buf_free(&path);
    json_decref(root);
    return rc;
}

/* ---- raw payloads ---- */

static void base64(influx_buf *b, const uint8_t *p, size_t n)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        char q[4] = {abc[(v >> 18) & 63], abc[(v >> 12) & 63], i + 1 < n ? abc[(v >> 6) & 63] : '=',
                     i + 2 < n ? abc[v & 63] : '='};
        influx_buf_add(b, q, 4);
    }
}

static int raw_lines(const lb_message *m, int text, influx_buf *out, size_t *points, char *err,
                     size_t errlen)
{
    int64_t t;
    int rc = created_ns(m, &t, err, errlen);
    if (rc != 0)
        return rc;
    size_t start = out->len;
    influx_buf val = {0};
    if (text)
        influx_buf_add(&val, m->payload, m->payload_len);
    else
        base64(&val, m->payload, m->payload_len);
    point pt = {.b = out};
    head(&pt, "messages", m);
    field_string(&pt, text ? "stringValue" : "dataValue", val.data ? val.data : "");
    if (m->protocol && *m->protocol)
        field_string(&pt, "protocol", m->protocol);
    end(&pt, t);
    int oom = out->oom || val.oom;
    influx_buf_free(&val);
    if (oom) {
        out->len = start;
        return LB_ENOMEM;
    }
    *points += 1;
    return 0;
}

static int lines_by_type(const lb_message *m, influx_buf *out, size_t *points, char *err,
                         size_t errlen)
{
    const char *ct = lb_payload_type(m->content_type, LB_CT_SENML);
    if (!ct) {
        snprintf(err, errlen, "content type '%.100s' is not stored", m->content_type);
        return LB_EINVAL;
    }
    if (strcmp(ct, LB_CT_SENML) == 0)
        return senml_lines(m, out, points, err, errlen);
    if (strcmp(ct, LB_CT_JSON) == 0)
        return json_lines(m, out, points, err, errlen);
    if (m->payload_len && memchr(m->payload, '\0', m->payload_len) && strcmp(ct, "text/plain") == 0)
        return raw_lines(m, 0, out, points, err, errlen);
    return raw_lines(m, strcmp(ct, "text/plain") == 0, out, points, err, errlen);
}

int influx_lines_message(const lb_message *m, influx_buf *out, size_t *points, char *err,
                         size_t errlen)
{
    int rc = lines_by_type(m, out, points, err, errlen);
    if (rc == LB_ENOMEM) /* callers log err whatever the failure */
        snprintf(err, errlen, "out of memory");
    return rc;
}
