/* Metrics registry: counters, gauges and histograms rendered in the Prometheus text
 * exposition format 0.0.4.
 *
 * Metrics are grouped in families by base name (the part before any '{'): a family has one
 * type and one help text, and is rendered once with its "# HELP" / "# TYPE" header followed
 * by every member, in registration order, whatever order the members were registered in.
 * A member is identified by its base name and its label set (the order of the labels does
 * not matter); its labels are rendered in the order first given, with values re-escaped.
 *
 * Updates are lock-free: counters and histogram buckets are atomic uint64 counts; gauges
 * and histogram sums are doubles kept as their bit patterns in atomic uint64s, updated
 * with compare-and-swap. A histogram keeps one count per bucket (not cumulative) so an
 * observation is one increment; rendering sums them, and derives _count from the buckets
 * so that _count always equals the +Inf bucket. The registry mutex covers registration
 * and rendering only. Registration searches linearly: it happens at start-up. */
#include <lyrebird/metrics.h>

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BOUNDS 32

enum kind { KIND_COUNTER, KIND_GAUGE, KIND_HISTOGRAM };

static const char *const kind_names[] = {"counter", "gauge", "histogram"};

struct lb_counter {
    _Atomic uint64_t value;
};

struct lb_gauge {
    _Atomic uint64_t bits; /* a double */
};

struct lb_histogram {
    size_t n; /* finite bounds; buckets has n + 1 entries, the last one +Inf */
    double bounds[MAX_BOUNDS];
    _Atomic uint64_t buckets[MAX_BOUNDS + 1];
    _Atomic uint64_t sum_bits; /* a double */
};

/* One member of a family. The handles given out point into u. */
typedef struct metric {
    char *labels; /* rendered label set without braces, as given: a="1",b="2"; "" if none */
    char *key;    /* the same, labels sorted by name: the member's identity */
    union {
        struct lb_counter counter;
        struct lb_gauge gauge;
        struct lb_histogram histogram;
    } u;
} metric;

typedef struct family {
    char *base;
    char *help; /* NULL: no HELP line */
    enum kind kind;
    metric **members;
    size_t n, cap;
} family;

struct lb_metrics {
    pthread_mutex_t mu;
    family **fams;
    size_t n, cap;
};

static const double default_bounds[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                        0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};

/* ---- doubles in atomic words ---- */

static uint64_t dbits(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return u;
}

static double bitsd(uint64_t u)
{
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

static void atomic_add_double(_Atomic uint64_t *bits, double delta)
{
    uint64_t old = atomic_load_explicit(bits, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(bits, &old, dbits(bitsd(old) + delta),
                                                  memory_order_relaxed, memory_order_relaxed))
        ;
}

/* ---- a growable output buffer; after a failed allocation every call is a no-op ---- */

typedef struct buf {
    char *p;
    size_t len, cap;
    bool oom;
} buf;

static bool buf_reserve(buf *b, size_t more)
{
    if (b->oom)
        return false;
    if (b->len + more + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

static void buf_put(buf *b, const char *s, size_t n)
{
    if (!buf_reserve(b, n))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_puts(buf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

static void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* A double as Prometheus reads it: the shortest %g form that reads back the same value. */
static void fmt_double(char *out, size_t outlen, double v)
{
    if (isnan(v)) {
        snprintf(out, outlen, "NaN");
        return;
    }
    if (isinf(v)) {
        snprintf(out, outlen, v > 0 ? "+Inf" : "-Inf");
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, outlen, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

/* ---- name parsing ---- */

static bool is_name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9');
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t len;
    uint32_t cp, min;
    if (s[0] < 0x80)
        return 1;
    if ((s[0] & 0xE0) == 0xC0) {
        len = 2, cp = s[0] & 0x1F, min = 0x80;
    } else if ((s[0] & 0xF0) == 0xE0) {
        len = 3, cp = s[0] & 0x0F, min = 0x800;
    } else if ((s[0] & 0xF8) == 0xF0) {
        len = 4, cp = s[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

typedef struct label {
    const char *name; /* into the registered name, not NUL-terminated */
    size_t name_len;
    const char *value; /* the quoted value as written, between the quotes */
    size_t value_len;
} label;

#define MAX_LABELS 16

/* Splits name into its base and labels. Returns the base's length, or 0 when name is not
 * a valid metric name. Label values are checked (escapes, UTF-8) but not unescaped. */
static size_t parse_name(const char *name, label *labels, size_t *nlabels)
{
    const char *p = name;
    *nlabels = 0;
    if (!is_name_start(*p) && *p != ':')
        return 0;
    while (is_name_char(*p) || *p == ':')
        p++;
    size_t base_len = (size_t)(p - name);
    if (*p == '\0')
        return base_len;
    if (*p++ != '{')
        return 0;
    while (*p != '}') {
        label *l = &labels[*nlabels];
        if (*nlabels == MAX_LABELS || !is_name_start(*p))
            return 0;
        l->name = p;
        while (is_name_char(*p))
            p++;
        l->name_len = (size_t)(p - l->name);
        if ((l->name_len >= 2 && l->name[0] == '_' && l->name[1] == '_') || *p++ != '=' ||
            *p++ != '"')
            return 0; /* "__" names are reserved to Prometheus */
        l->value = p;
        while (*p != '"') {
            size_t n;
            if (*p == '\0')
                return 0;
            if (*p == '\\') {
                if (p[1] != '\\' && p[1] != '"' && p[1] != 'n')
                    return 0;
                p += 2;
            } else if ((n = utf8_len((const unsigned char *)p, strlen(p))) == 0) {
                return 0;
            } else {
                p += n;
            }
        }
        l->value_len = (size_t)(p - l->value);
        p++;
        for (size_t i = 0; i < *nlabels; i++)
            if (labels[i].name_len == l->name_len && !memcmp(labels[i].name, l->name, l->name_len))
                return 0;
        ++*nlabels;
        if (*p == ',')
            p++; /* a trailing comma is allowed, as in the exposition format */
        else if (*p != '}')
            return 0;
    }
    return p[1] == '\0' ? base_len : 0;
}

/* Appends a label as name="value", the value re-escaped (a raw newline becomes \n). */
static void put_label(buf *b, const label *l)
{
    buf_put(b, l->name, l->name_len);
    buf_put(b, "=\"", 2);
    for (size_t i = 0; i < l->value_len; i++) {
        char c = l->value[i];
        if (c == '\\') {
            buf_put(b, l->value + i, 2); /* an escape, already valid */
            i++;
        } else if (c == '\n') {
            buf_put(b, "\\n", 2);
        } else {
            buf_put(b, &c, 1);
        }
    }
    buf_put(b, "\"", 1);
}

static int label_cmp(const void *a, const void *b)
{
    const label *x = a, *y = b;
    size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
    int c = memcmp(x->name, y->name, n);
    if (c)
        return c;
    return x->name_len < y->name_len ? -1 : x->name_len > y->name_len;
}

/* Renders labels in order into a malloc'd string ("" when there are none), or NULL. */
static char *render_labels(const label *labels, size_t n)
{
    buf b = {0};
    buf_reserve(&b, 0);
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_put(&b, ",", 1);
        put_label(&b, &labels[i]);
    }
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    b.p[b.len] = '\0';
    return b.p;
}

/* ---- registry ---- */

lb_metrics *lb_metrics_new(void)
{
    lb_metrics *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    if (pthread_mutex_init(&m->mu, NULL) != 0) {
        free(m);
        return NULL;
    }
    return m;
}

static void metric_free(metric *x)
{
    if (!x)
        return;
    free(x->labels);
    free(x->key);
    free(x);
}

void lb_metrics_free(lb_metrics *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++) {
        family *f = m->fams[i];
        for (size_t j = 0; j < f->n; j++)
            metric_free(f->members[j]);
        free(f->members);
        free(f->base);
        free(f->help);
        free(f);
    }
    free(m->fams);
    pthread_mutex_destroy(&m->mu);
    free(m);
}

static family *find_family(lb_metrics *m, const char *base, size_t len)
{
    for (size_t i = 0; i < m->n; i++)
        if (strlen(m->fams[i]->base) == len && !memcmp(m->fams[i]->base, base, len))
            return m->fams[i];
    return NULL;
}

/* True when family f is named base followed by suffix. */
static bool named_with_suffix(const family *f, const char *base, size_t len, const char *suffix)
{
    size_t sl = strlen(suffix);
    return strlen(f->base) == len + sl && !memcmp(f->base, base, len) &&
           !strcmp(f->base + len, suffix);
}

/* True when base would collide with a histogram's series (base_bucket, _sum, _count), or,
 * for a histogram, when one of its series names is already a family. */
static bool series_clash(lb_metrics *m, const char *base, size_t len, enum kind kind)
{
    static const char *const suffixes[] = {"_bucket", "_sum", "_count"};
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        size_t sl = strlen(suffixes[i]);
        if (kind == KIND_HISTOGRAM) {
            for (size_t j = 0; j < m->n; j++)
                if (named_with_suffix(m->fams[j], base, len, suffixes[i]))
                    return true;
        } else if (len > sl && !memcmp(base + len - sl, suffixes[i], sl)) {
            family *f = find_family(m, base, len - sl);
            if (f && f->kind == KIND_HISTOGRAM)
                return true;
        }
    }
    return false;
}

static family *add_family(lb_metrics *m, const char *base, size_t len, const char *help,
                          enum kind kind)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        family **fams = realloc(m->fams, cap * sizeof *fams);
        if (!fams)
            return NULL;
        m->fams = fams;
        m->cap = cap;
    }
    family *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->kind = kind;
    f->base = strndup(base, len);
    f->help = help && *help ? strdup(help) : NULL;
    if (!f->base || (help && *help && !f->help)) {
        free(f->base);
        free(f->help);
        free(f);
        return NULL;
    }
    m->fams[m->n++] = f;
    return f;
}

static bool histogram_init(struct lb_histogram *h, const double *bounds, size_t n)
{
    if (!bounds) {
        bounds = default_bounds;
        n = sizeof default_bounds / sizeof *default_bounds;
    }
    if (n > 0 && isinf(bounds[n - 1]) && bounds[n - 1] > 0)
        n--; /* an explicit +Inf: it is implied anyway */
    if (n > MAX_BOUNDS)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1]))
            return false;
    h->n = n;
    memcpy(h->bounds, bounds, n * sizeof *bounds);
    return true;
}

/* Finds or registers name as kind. Returns the member or NULL. */
static metric *lookup(lb_metrics *m, const char *name, const char *help, enum kind kind,
                      const double *bounds, size_t nbounds)
{
    label labels[MAX_LABELS];
    size_t nlabels;
    metric *x = NULL, *found = NULL;
    family *f;

    if (!m || !name)
        return NULL;
    size_t base_len = parse_name(name, labels, &nlabels);
    if (base_len == 0)
        return NULL;
    if (kind == KIND_HISTOGRAM)
        for (size_t i = 0; i < nlabels; i++)
            if (labels[i].name_len == 2 && !memcmp(labels[i].name, "le", 2))
                return NULL; /* le is the bucket label */

    x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->labels = render_labels(labels, nlabels);
    qsort(labels, nlabels, sizeof *labels, label_cmp);
    x->key = render_labels(labels, nlabels);
    if (!x->labels || !x->key ||
        (kind == KIND_HISTOGRAM && !histogram_init(&x->u.histogram, bounds, nbounds)))
        goto fail;

    pthread_mutex_lock(&m->mu);
    f = find_family(m, name, base_len);
    if (f && f->kind != kind) {
        f = NULL;
        goto unlock;
    }
    if (f) {
        for (size_t i = 0; i < f->n && !found; i++)
            if (!strcmp(f->members[i]->key, x->key))
                found = f->members[i];
        if (found)
            goto unlock;
    } else if (series_clash(m, name, base_len, kind) ||
               !(f = add_family(m, name, base_len, help, kind))) {
        goto unlock;
    }
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 4;
        metric **members = realloc(f->members, cap * sizeof *members);
        if (!members)
            goto unlock; /* an empty family stays: it renders as a header only */
        f->members = members;
        f->cap = cap;
    }
    f->members[f->n++] = x;
    found = x;
    x = NULL;
unlock:
    pthread_mutex_unlock(&m->mu);
fail:
    metric_free(x);
    return found;
}

lb_counter *lb_metrics_counter(lb_metrics *m, const char *name, const char *help)
{
    metric *x = lookup(m, name, help, KIND_COUNTER, NULL, 0);
    return x ? &x->u.counter : NULL;
}

lb_gauge *lb_metrics_gauge(lb_metrics *m, const char *name, const char *help)
{
    metric *x = lookup(m, name, help, KIND_GAUGE, NULL, 0);
    return x ? &x->u.gauge : NULL;
}

lb_histogram *lb_metrics_histogram(lb_metrics *m, const char *name, const char *help,
                                   const double *bounds, size_t n)
{
    metric *x = lookup(m, name, help, KIND_HISTOGRAM, bounds, n);
    return x ? &x->u.histogram : NULL;
}

/* ---- updates ---- */

void lb_counter_add(lb_counter *c, uint64_t n)
{
    atomic_fetch_add_explicit(&c->value, n, memory_order_relaxed);
}

uint64_t lb_counter_value(const lb_counter *c)
{
    return atomic_load_explicit(&((lb_counter *)c)->value, memory_order_relaxed);
}

void lb_gauge_set(lb_gauge *g, double v)
{
    atomic_store_explicit(&g->bits, dbits(v), memory_order_relaxed);
}

void lb_gauge_add(lb_gauge *g, double delta)
{
    atomic_add_double(&g->bits, delta);
}

double lb_gauge_value(const lb_gauge *g)
{
    return bitsd(atomic_load_explicit(&((lb_gauge *)g)->bits, memory_order_relaxed));
}

void lb_histogram_observe(lb_histogram *h, double v)
{
    size_t lo = 0, hi = h->n; /* the first bucket whose bound is >= v; NaN lands in +Inf */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v <= h->bounds[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    if (isnan(v))
        lo = h->n;
    atomic_fetch_add_explicit(&h->buckets[lo], 1, memory_order_relaxed);
    atomic_add_double(&h->sum_bits, v);
}

uint64_t lb_histogram_count(const lb_histogram *h)
{
    lb_histogram *w = (lb_histogram *)h;
    uint64_t n = 0;
    for (size_t i = 0; i <= h->n; i++)
        n += atomic_load_explicit(&w->buckets[i], memory_order_relaxed);
    return n;
}

/* ---- rendering ---- */

/* name{labels} or name{labels,extra} or name{extra} or name, then a space. */
static void put_series(buf *b, const char *base, const char *suffix, const char *labels,
                       const char *extra)
{
    buf_puts(b, base);
    buf_puts(b, suffix);
    if (*labels || extra) {
        buf_put(b, "{", 1);
        buf_puts(b, labels);
        if (*labels && extra)
            buf_put(b, ",", 1);
        if (extra)
            buf_puts(b, extra);
        buf_put(b, "}", 1);
    }
    buf_put(b, " ", 1);
}

static void render_histogram(buf *b, const family *f, const metric *x)
{
    struct lb_histogram *h = (struct lb_histogram *)&x->u.histogram;
    char num[64], le[80];
    uint64_t cum = 0;
    for (size_t i = 0; i <= h->n; i++) {
        cum += atomic_load_explicit(&h->buckets[i], memory_order_relaxed);
        if (i < h->n)
            fmt_double(num, sizeof num, h->bounds[i]);
        else
            snprintf(num, sizeof num, "+Inf");
        snprintf(le, sizeof le, "le=\"%s\"", num);
        put_series(b, f->base, "_bucket", x->labels, le);
        buf_printf(b, "%" PRIu64 "\n", cum);
    }
    fmt_double(num, sizeof num, bitsd(atomic_load_explicit(&h->sum_bits, memory_order_relaxed)));
    put_series(b, f->base, "_sum", x->labels, NULL);
    buf_printf(b, "%s\n", num);
    put_series(b, f->base, "_count", x->labels, NULL);
    buf_printf(b, "%" PRIu64 "\n", cum);
}

static void render_family(buf *b, const family *f)
{
    char num[64];
    if (f->help) {
        buf_printf(b, "# HELP %s ", f->base);
        for (const char *p = f->help; *p; p++) {
            if (*p == '\\')
                buf_put(b, "\\\\", 2);
            else if (*p == '\n')
                buf_put(b, "\\n", 2);
            else
                buf_put(b, p, 1);
        }
        buf_put(b, "\n", 1);
    }
    buf_printf(b, "# TYPE %s %s\n", f->base, kind_names[f->kind]);
    for (size_t i = 0; i < f->n; i++) {
        metric *x = f->members[i];
        switch (f->kind) {
        case KIND_COUNTER:
            put_series(b, f->base, "", x->labels, NULL);
            buf_printf(b, "%" PRIu64 "\n", lb_counter_value(&x->u.counter));
            break;
        case KIND_GAUGE:
            fmt_double(num, sizeof num, lb_gauge_value(&x->u.gauge));
            put_series(b, f->base, "", x->labels, NULL);
            buf_printf(b, "%s\n", num);
            break;
        case KIND_HISTOGRAM:
            render_histogram(b, f, x);
            break;
        }
    }
}

char *lb_metrics_render(lb_metrics *m, size_t *len)
{
    buf b = {0};
    buf_reserve(&b, 0); /* an empty registry renders as "" */
    pthread_mutex_lock(&m->mu);
    for (size_t i = 0; i < m->n; i++)
        render_family(&b, m->fams[i]);
    pthread_mutex_unlock(&m->mu);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    b.p[b.len] = '\0';
    if (len)
        *len = b.len;
    return b.p;
}
