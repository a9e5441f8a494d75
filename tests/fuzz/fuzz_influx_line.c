/* libFuzzer target for the InfluxDB writer's line protocol (writers/influxdb/line.c): the
 * first input byte picks the content type, the second the envelope (tags, protocol, created,
 * from a table of ordinary and awkward ones), the rest is the payload. influx_lines_message
 * must either fail with LB_EINVAL/LB_ENOMEM, a sentence in err and nothing appended, or
 * append exactly as many lines as it counts points, each one that InfluxDB 1.x reads as one
 * point in the shape line.h promises:
 *   messages|json [,tag=value]... field=value[,field=value]... <ns>\n
 * with InfluxDB's own scanning (a backslash takes the next byte, a newline is allowed only
 * inside a quoted string field value), known tag keys with non-empty values, float, boolean
 * or string field values, a timestamp InfluxDB can store, and no two points of a message on
 * the same series and time (they would overwrite each other). abort() on a violation. */
#include "line.h"

#include <lyrebird/error.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* InfluxDB 1.x's time range (models.MinNanoTime, models.MaxNanoTime) */
#define MIN_NS     (INT64_MIN + 2)
#define MAX_NS     (INT64_MAX - 1)
#define PREFIX     "prefix 1\n" /* what out held before: it must stay as it was */
#define MAX_POINTS 4096         /* series-and-time pairs checked for uniqueness */

static const char *const content_types[] = {
    "application/senml+json",
    "application/json",
    "application/octet-stream",
    "",
    "text/plain",
    "application/senml+json; charset=utf-8",
    "image/png",
    "APPLICATION/JSON",
};

static const lb_message envelopes[] = {
    {"c-1", "room.1", "t-1", "http", NULL, 0, 1700000005000000000LL, NULL},
    {"c-1", NULL, NULL, NULL, NULL, 0, 0, NULL},
    {NULL, NULL, NULL, NULL, NULL, 0, 1700000005000000000LL, NULL},
    {"ch an,n=el\\", "a\\", "p\n\"q\"\\,", "mq\"tt\\", NULL, 0, -1, NULL},
    {"c-1", "x.y", "t", "coap", NULL, 0, INT64_MAX, NULL},
    {"c-1", "", "", "", NULL, 0, INT64_MIN, NULL},
    {"c-1", "s", "p", "lora", NULL, 0, 1, NULL},
    {"\\", "\\\\", "=", " ", NULL, 0, 1700000005000000000LL, NULL},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void check(int ok)
{
    if (!ok)
        abort();
}

/* c is one of set's characters (never NUL, which strchr would find) */
static int is_in(char c, const char *set)
{
    return c != '\0' && strchr(set, c) != NULL;
}

/* Scans a measurement, tag key, tag value or field key as InfluxDB does (a backslash takes
 * the next byte) up to an unescaped byte of stop; an unescaped delimiter not in stop, a
 * newline, CR or tab (line.c makes them spaces) or the end of the line is a violation.
 * Returns the end (not empty). */
static const char *scan_name(const char *p, const char *end, const char *stop)
{
    const char *start = p;
    for (; p < end && !is_in(*p, stop); p++) {
        check(!is_in(*p, ",= \n\r\t"));
        if (*p == '\\') {
            p++;
            check(p < end && !is_in(*p, "\n\r\t"));
        }
    }
    check(p > start && p < end);
    return p;
}

/* Scans a quoted string field value: only \" and \\ are escapes line.c writes; a newline is
 * legal inside. Returns the byte after the closing quote. */
static const char *scan_string(const char *p, const char *end)
{
    for (p++; p < end && *p != '"'; p++) {
        if (*p == '\\') {
            p++;
            check(p < end && (*p == '"' || *p == '\\'));
        }
    }
    check(p < end);
    return p + 1;
}

/* Scans an unquoted field value: true, false or a finite float in plain notation. */
static const char *scan_number(const char *p, const char *end)
{
    const char *v = p;
    while (p < end && *p != ',' && *p != ' ')
        p++;
    size_t n = (size_t)(p - v);
    if ((n == 4 && memcmp(v, "true", 4) == 0) || (n == 5 && memcmp(v, "false", 5) == 0))
        return p;
    check(n > 0 && n < 64);
    char s[64];
    memcpy(s, v, n);
    s[n] = '\0';
    check(strspn(s, "0123456789.eE+-") == n);
    char *e;
    double d = strtod(s, &e);
    check(*e == '\0' && isfinite(d));
    return p;
}

static int key_is(const char *k, const char *kend, const char *name)
{
    return (size_t)(kend - k) == strlen(name) && memcmp(k, name, (size_t)(kend - k)) == 0;
}

static int key_in(const char *k, const char *kend, const char *const *names)
{
    for (; *names; names++)
        if (key_is(k, kend, *names))
            return 1;
    return 0;
}

static const char *const tag_keys[] = {"channel", "subtopic", "publisher", "name", NULL};
static const char *const message_values[] = {"value", "stringValue", "boolValue", "dataValue",
                                             NULL};
static const char *const message_fields[] = {"value",      "stringValue", "boolValue",
                                             "dataValue",  "sum",         "unit",
                                             "updateTime", "protocol",    NULL};

/* One point of a message: its series (measurement and tags, as written) and time. */
typedef struct stamp {
    const char *series;
    size_t len;
    int64_t ns;
} stamp;

/* Checks the line at p (ending before end); returns the byte after its '\n'. */
static const char *check_line(const char *p, const char *end, stamp *st)
{
    const char *m = p;
    p = scan_name(p, end, ", ");
    int json = key_is(m, p, "json");
    check(json || key_is(m, p, "messages"));
    while (*p == ',') {
        const char *k = p + 1;
        p = scan_name(k, end, "=");
        check(key_in(k, p, tag_keys) && !(json && key_is(k, p, "name")));
        p = scan_name(p + 1, end, ", ");
    }
    st->series = m;
    st->len = (size_t)(p - m);
    check(*p == ' ');
    int values = 0, fields = 0, sum = 0;
    do {
        const char *k = ++p;
        p = scan_name(k, end, "=");
        check(json || key_in(k, p, message_fields));
        values += !json && key_in(k, p, message_values);
        sum |= !json && key_is(k, p, "sum");
        fields++;
        p++;
        p = p < end && *p == '"' ? scan_string(p, end) : scan_number(p, end);
        check(p < end);
    } while (*p == ',');
    /* a SenML record carries at most one value, and a value or a sum */
    check(*p == ' ' && fields > 0 && values <= 1 && (json || values == 1 || sum));
    const char *t = ++p;
    while (p < end && *p != '\n')
        p++;
    check(p < end && p > t && p - t <= 20);
    check(strspn(t + (*t == '-'), "0123456789") == (size_t)(p - t - (*t == '-')));
    errno = 0;
    long long ns = strtoll(t, NULL, 10);
    check(errno == 0 && ns >= MIN_NS && ns <= MAX_NS);
    st->ns = ns;
    return p + 1;
}

static int by_series_and_time(const void *a, const void *b)
{
    const stamp *x = a, *y = b;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    int c = memcmp(x->series, y->series, x->len);
    if (c)
        return c;
    return (x->ns > y->ns) - (x->ns < y->ns);
}

/* Checks the appended lines: as many as points, each well formed, no series and time twice. */
static void check_lines(const char *p, const char *end, size_t points)
{
    static stamp st[MAX_POINTS];
    size_t n = 0;
    while (p < end) {
        check(n < points);
        p = check_line(p, end, &st[n < MAX_POINTS ? n : MAX_POINTS - 1]);
        n++;
    }
    check(n == points);
    if (n > MAX_POINTS)
        return;
    qsort(st, n, sizeof *st, by_series_and_time);
    for (size_t i = 1; i < n; i++)
        check(by_series_and_time(&st[i - 1], &st[i]) != 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lb_message m = envelopes[0];
    m.content_type = content_types[0];
    if (size >= 2) {
        m = envelopes[data[1] % COUNT(envelopes)];
        m.content_type = content_types[data[0] % COUNT(content_types)];
        data += 2;
        size -= 2;
    }
    m.payload = data;
    m.payload_len = size;

    influx_buf out = {0};
    influx_buf_adds(&out, PREFIX);
    size_t points = 7, start = out.len;
    char err[LB_ERRLEN];
    memset(err, 'x', sizeof err);
    int rc = influx_lines_message(&m, &out, &points, err, sizeof err);
    check(!out.oom && out.len >= start && memcmp(out.data, PREFIX, start) == 0);
    if (rc != 0) {
        /* a failure explains itself and leaves out and points as they were */
        check(rc == LB_EINVAL || rc == LB_ENOMEM);
        check(memchr(err, '\0', sizeof err) != NULL && err[0] != '\0');
        check(out.len == start && points == 7);
    } else {
        check(points >= 7 && out.data[out.len] == '\0');
        check_lines(out.data + start, out.data + out.len, points - 7);
    }
    influx_buf_free(&out);
    return 0;
}
