/* The reader's query builder: request parameters -> InfluxQL text, or a 400 naming the bad
 * parameter. Pure (no I/O, no globals), so the tests and the fuzzer call it directly.
 *
 * Safety rules: identifiers (measurement, tags, fields, functions) are constants of this
 * file, never taken from a request; every string from a request becomes a single-quoted
 * InfluxQL literal with backslash and single quote escaped, after refusing control
 * characters (InfluxQL rejects a raw newline in a literal), invalid UTF-8 and overlong
 * values; numbers go through strtod with full consumption and a finite result and are
 * printed back by us in plain decimal; booleans are only "true"/"false"; durations match
 * <1-6 digits><s|m|h|d>. So no parameter can change the structure of a statement.
 *
 * Schema (Mainflux 0.12, as the writer stores it): measurement "messages"; tags channel,
 * subtopic, publisher, name; fields value, stringValue, boolValue, dataValue, sum, unit,
 * protocol; time in ns. The messages query is two statements separated by "; " (the one ';'
 * outside a literal: the reader splits there and sends them as two requests in parallel): the page,
 * and a count of the value kinds and protocol (one COUNT per field, aliased count_<field>): the
 * reader takes the larger of count_protocol and the sum of the four value kinds' counts (see
 * reader.c), exact whenever each point has a protocol or a value of one kind. */
#include "influx.h"

#include <lyrebird/error.h>

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The count statement's select list: only the fields total_of() in reader.c reads, named as
 * COUNT(*) would name them. Cheaper than COUNT(*), which also counts unit, sum, updateTime. */
#define COUNT_SELECT                                                                               \
    "SELECT COUNT(\"value\") AS \"count_value\", COUNT(\"stringValue\") AS "                       \
    "\"count_stringValue\", COUNT(\"boolValue\") AS \"count_boolValue\", COUNT(\"dataValue\") "    \
    "AS \"count_dataValue\", COUNT(\"protocol\") AS \"count_protocol\" FROM \"messages\""

/* Largest |seconds| whose nanoseconds fit in an int64. */
#define MAX_SECONDS 9.2e9

typedef struct sbuf {
    char *s;
    size_t len, cap;
    int oom;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static void sb_fmt(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_fmt(sbuf *b, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        b->oom = 1; /* only short numbers are formatted here */
        return;
    }
    sb_add(b, tmp, (size_t)n);
}

/* Appends s as a quoted literal: ' and \ escaped with a backslash. */
static void sb_quote(sbuf *b, const char *s)
{
    sb_add(b, "'", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '\'' || *p == '\\')
            sb_add(b, "\\", 1);
        sb_add(b, p, 1);
    }
    sb_add(b, "'", 1);
}

int influx_quote(char *dst, size_t dstlen, const char *s)
{
    sbuf b = {0};
    sb_quote(&b, s);
    int rc = -1;
    if (!b.oom && b.len < dstlen) {
        memcpy(dst, b.s, b.len + 1);
        rc = (int)b.len;
    }
    free(b.s);
    return rc;
}

static int bad(char *err, size_t errlen, const char *name, const char *why)
{
    snprintf(err, errlen, "invalid \"%s\": %s", name, why);
    return LB_EINVAL;
}

/* Length of the UTF-8 sequence at p (1..4), or 0 when it is not well-formed. */
static size_t utf8_len(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    size_t n;
    unsigned min;
    unsigned cp;
    if ((p[0] & 0xe0) == 0xc0) {
        n = 2, min = 0x80, cp = p[0] & 0x1f;
    } else if ((p[0] & 0xf0) == 0xe0) {
        n = 3, min = 0x800, cp = p[0] & 0x0f;
    } else if ((p[0] & 0xf8) == 0xf0) {
        n = 4, min = 0x10000, cp = p[0] & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

/* A string parameter that may go into a literal: 0, or LB_EINVAL with err set. */
static int check_string(const char *name, const char *v, char *err, size_t errlen)
{
    size_t len = strlen(v);
    if (len == 0)
        return bad(err, errlen, name, "must not be empty");
    if (len > INFLUX_PARAM_MAX)
        return bad(err, errlen, name, "longer than 1024 bytes");
    for (const unsigned char *p = (const unsigned char *)v; *p;) {
        if (*p < 0x20 || *p == 0x7f)
            return bad(err, errlen, name, "must not contain control characters");
        size_t n = utf8_len(p);
        if (n == 0)
            return bad(err, errlen, name, "is not valid UTF-8");
        p += n;
    }
    return 0;
}

/* A strict decimal number: all of v consumed, finite, no leading space. */
static int parse_number(const char *name, const char *v, double *out, char *err, size_t errlen)
{
    if (v[0] == '\0' || isspace((unsigned char)v[0]))
        return bad(err, errlen, name, "must be a number");
    char *end = NULL;
    double d = strtod(v, &end);
    if (end == v || *end != '\0' || !isfinite(d))
        return bad(err, errlen, name, "must be a finite number");
    *out = d;
    return 0;
}

/* A strict non-negative integer in [min, max]. */
static int parse_long(const char *name, const char *v, long min, long max, long *out, char *err,
                      size_t errlen)
{
    char why[64];
    snprintf(why, sizeof why, "must be an integer from %ld to %ld", min, max);
    if (v[0] == '\0' || strlen(v) > 10)
        return bad(err, errlen, name, why);
    long n = 0;
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9')
            return bad(err, errlen, name, why);
        n = n * 10 + (*p - '0');
    }
    if (n < min || n > max)
        return bad(err, errlen, name, why);
    *out = n;
    return 0;
}

/* Unix seconds (float allowed) -> ns. */
static int parse_time(const char *name, const char *v, long long *ns, char *err, size_t errlen)
{
    double s;
    int rc = parse_number(name, v, &s, err, errlen);
    if (rc)
        return rc;
    if (s < -MAX_SECONDS || s > MAX_SECONDS)
        return bad(err, errlen, name, "is out of range (Unix seconds)");
    *ns = llround(s * 1e9);
    return 0;
}

/* Prints d as a plain decimal InfluxQL number (no exponent, which InfluxQL does not read). */
static void sb_number(sbuf *b, double d)
{
    char tmp[400];
    snprintf(tmp, sizeof tmp, "%.17g", d);
    if (strchr(tmp, 'e') || strchr(tmp, 'E')) {
        if (fabs(d) >= 1) {
            snprintf(tmp, sizeof tmp, "%.0f", d);
        } else {
            const char *e = strpbrk(tmp, "eE");
            int exp10 = atoi(e + 1); /* negative here: 17 significant digits need 16 - exp10 */
            snprintf(tmp, sizeof tmp, "%.*f", 16 - exp10, d);
            size_t n = strlen(tmp);
            while (n > 0 && tmp[n - 1] == '0')
                tmp[--n] = '\0';
            if (n > 0 && tmp[n - 1] == '.')
                tmp[n++] = '0', tmp[n] = '\0';
        }
    }
    sb_str(b, tmp);
}

/* A string-literal filter: parameter -> identifier. */
typedef struct str_filter {
    const char *param;
    const char *ident;
} str_filter;

static const str_filter STRING_FILTERS[] = {
    {"subtopic", "\"subtopic\""}, {"publisher", "\"publisher\""}, {"protocol", "\"protocol\""},
    {"name", "\"name\""},         {"vs", "\"stringValue\""},      {"vd", "\"dataValue\""},
};

static const struct {
    const char *name;
    const char *op;
} COMPARATORS[] = {{"eq", "="}, {"lt", "<"}, {"le", "<="}, {"gt", ">"}, {"ge", ">="}};

/* WHERE ... for channel with the string filters; v, comparator and vb unless series. */
static int where(sbuf *b, const char *channel, influx_param_fn get, void *arg, int series,
                 char *err, size_t errlen)
{
    int rc = check_string("channel", channel, err, errlen);
    if (rc)
        return rc;
    sb_str(b, " WHERE \"channel\" = ");
    sb_quote(b, channel);
    for (size_t i = 0; i < sizeof STRING_FILTERS / sizeof *STRING_FILTERS; i++) {
        const str_filter *f = &STRING_FILTERS[i];
        const char *v = get(arg, f->param);
        if (!v)
            continue;
        if ((rc = check_string(f->param, v, err, errlen)) != 0)
            return rc;
        sb_str(b, " AND ");
        sb_str(b, f->ident);
        sb_str(b, " = ");
        sb_quote(b, v);
    }
    if (!series) {
        const char *v = get(arg, "v");
        const char *cmp = get(arg, "comparator");
        const char *op = NULL;
        if (cmp) {
            for (size_t i = 0; i < sizeof COMPARATORS / sizeof *COMPARATORS; i++)
                if (strcmp(cmp, COMPARATORS[i].name) == 0)
                    op = COMPARATORS[i].op;
            if (!op)
                return bad(err, errlen, "comparator", "must be eq, lt, le, gt or ge");
        }
        if (v) {
            double d;
            if ((rc = parse_number("v", v, &d, err, errlen)) != 0)
                return rc;
            sb_str(b, " AND \"value\" ");
            sb_str(b, op ? op : "=");
            sb_str(b, " ");
            sb_number(b, d);
        }
        const char *vb = get(arg, "vb");
        if (vb) {
            if (strcmp(vb, "true") != 0 && strcmp(vb, "false") != 0)
                return bad(err, errlen, "vb", "must be true or false");
            sb_str(b, " AND \"boolValue\" = ");
            sb_str(b, vb[0] == 't' ? "true" : "false");
        }
    }
    return 0;
}

/* The time range: from/to as given, else the values in from and to when has_default, else
 * unbounded. */
static int range(sbuf *b, influx_param_fn get, void *arg, long long *from, long long *to,
                 int has_default, char *err, size_t errlen)
{
    const char *f = get(arg, "from"), *t = get(arg, "to");
    int rc;
    int has_from = has_default, has_to = has_default;
    if (f) {
        if ((rc = parse_time("from", f, from, err, errlen)) != 0)
            return rc;
        has_from = 1;
    }
    if (t) {
        if ((rc = parse_time("to", t, to, err, errlen)) != 0)
            return rc;
        has_to = 1;
    }
    if (has_from && has_to && *from >= *to)
        return bad(err, errlen, "to", "must be after \"from\"");
    if (has_from)
        sb_fmt(b, " AND time >= %lld", *from);
    if (has_to)
        sb_fmt(b, " AND time < %lld", *to);
    return 0;
}

int influx_query_messages(const char *channel, influx_param_fn get, void *arg,
                          influx_messages_query *out, char *err, size_t errlen)
{
    sbuf w = {0}, q = {0};
    long long from = 0, to = 0;
    long offset = 0, limit = INFLUX_LIMIT_DEFAULT;
    const char *v;
    int rc;

    memset(out, 0, sizeof *out);
    if (err && errlen)
        err[0] = '\0';
    if ((v = get(arg, "offset")) != NULL &&
        (rc = parse_long("offset", v, 0, 1000000000L, &offset, err, errlen)) != 0)
        goto out;
    if ((v = get(arg, "limit")) != NULL &&
        (rc = parse_long("limit", v, 1, INFLUX_LIMIT_MAX, &limit, err, errlen)) != 0)
        goto out;
    if ((rc = where(&w, channel, get, arg, 0, err, errlen)) != 0)
        goto out;
    if ((rc = range(&w, get, arg, &from, &to, 0, err, errlen)) != 0)
        goto out;
    if (w.oom) {
        rc = LB_ENOMEM;
        goto out;
    }
    sb_str(&q, "SELECT * FROM \"messages\"");
    sb_str(&q, w.s);
    sb_fmt(&q, " ORDER BY time DESC LIMIT %ld OFFSET %ld; ", limit, offset);
    sb_str(&q, COUNT_SELECT);
    sb_str(&q, w.s);
    if (q.oom) {
        rc = LB_ENOMEM;
        goto out;
    }
    out->text = q.s;
    q.s = NULL;
    out->offset = offset;
    out->limit = limit;
    rc = 0;
out:
    free(w.s);
    free(q.s);
    return rc;
}

void influx_messages_query_clear(influx_messages_query *q)
{
    if (!q)
        return;
    free(q->text);
    q->text = NULL;
}

/* "<1-6 digits><s|m|h|d>" -> seconds; 0 when it does not match. */
static long long parse_every(const char *v)
{
    size_t n = strlen(v);
    if (n < 2 || n > 7 || v[0] == '0')
        return 0;
    long long x = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return 0;
        x = x * 10 + (v[i] - '0');
    }
    switch (v[n - 1]) {
    case 's':
        return x;
    case 'm':
        return x * 60;
    case 'h':
        return x * 3600;
    case 'd':
        return x * 86400;
    default:
        return 0;
    }
}

static const char *const AGGS[] = {"mean", "min", "max", "count"};

int influx_query_series(const char *channel, influx_param_fn get, void *arg, double now,
                        influx_series_query *out, char *err, size_t errlen)
{
    sbuf w = {0}, q = {0};
    const char *name = get(arg, "name");
    const char *agg = get(arg, "agg");
    const char *every = get(arg, "every");
    long long to = llround(now * 1e9), from = to - 3600LL * 1000000000LL;
    long long step;
    int rc;

    memset(out, 0, sizeof *out);
    if (err && errlen)
        err[0] = '\0';
    if (!name) {
        rc = bad(err, errlen, "name", "is required");
        goto out;
    }
    if (!agg)
        agg = "mean";
    size_t i;
    for (i = 0; i < sizeof AGGS / sizeof *AGGS; i++)
        if (strcmp(agg, AGGS[i]) == 0)
            break;
    if (i == sizeof AGGS / sizeof *AGGS) {
        rc = bad(err, errlen, "agg", "must be mean, min, max or count");
        goto out;
    }
    if (!every)
        every = "1m";
    step = parse_every(every);
    if (step <= 0) {
        rc = bad(err, errlen, "every", "must be a duration like 10s, 1m, 1h or 1d");
        goto out;
    }
    if ((rc = where(&w, channel, get, arg, 1, err, errlen)) != 0)
        goto out;
    /* the default range is the hour before now; "to" alone moves it, "from" alone ends now */
    {
        const char *f = get(arg, "from"), *t = get(arg, "to");
        if (t && !f) {
            if ((rc = parse_time("to", t, &to, err, errlen)) != 0)
                goto out;
            from = to - 3600LL * 1000000000LL;
        }
    }
    if ((rc = range(&w, get, arg, &from, &to, 1, err, errlen)) != 0)
        goto out;
    /* in doubles: to - from can exceed int64 (both may be up to MAX_SECONDS either side) */
    if (((double)to - (double)from) / 1e9 / (double)step > INFLUX_SERIES_MAX_BUCKETS) {
        rc = bad(err, errlen, "every", "gives more than 10000 buckets in the range");
        goto out;
    }
    if (w.oom) {
        rc = LB_ENOMEM;
        goto out;
    }
    sb_fmt(&q, "SELECT %s(\"value\") FROM \"messages\"", AGGS[i]);
    sb_str(&q, w.s);
    sb_fmt(&q, " GROUP BY time(%s) fill(none)", every);
    out->name = strdup(name);
    if (q.oom || !out->name) {
        free(out->name);
        out->name = NULL;
        rc = LB_ENOMEM;
        goto out;
    }
    out->text = q.s;
    q.s = NULL;
    snprintf(out->agg, sizeof out->agg, "%s", AGGS[i]);
    snprintf(out->every, sizeof out->every, "%s", every);
    rc = 0;
out:
    free(w.s);
    free(q.s);
    return rc;
}

void influx_series_query_clear(influx_series_query *q)
{
    if (!q)
        return;
    free(q->text);
    free(q->name);
    q->text = NULL;
    q->name = NULL;
}
