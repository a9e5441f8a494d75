/* The HTTP front on libmicrohttpd: one listener, a route table, body accumulation, JSON
 * errors and per-request metrics.
 *
 * MHD runs a pool of threads, each with its own epoll set; a connection stays on one
 * thread, and the access handler below runs there. MHD calls it at least twice per request:
 * once when the headers are in (*con_cls is NULL), once per piece of body, and a final time
 * with no data. The first call matches the route and checks Content-Length; the final call
 * runs the handler. Requests with no body are answered on the final call as well: queueing a
 * response on the first call of a POST makes MHD close the connection.
 *
 * Per-request state lives in a struct allocated once per connection (MHD's connection
 * notification) and reused by every request kept alive on it, so a request costs no heap
 * allocation beyond its body buffer (kept across requests when small) and its MHD response.
 * Route matching walks the pattern's segments over the path without copying; captures are
 * copied into the connection's scratch buffer only once a route has won.
 *
 * Routes live in an array of pointers behind a rwlock: readers match under the read lock;
 * routes are never removed while the server lives, so a matched route stays valid after the
 * lock is released. */
#define _GNU_SOURCE /* strchrnul */
#include <lyrebird/http.h>

#include <lyrebird/error.h>
#include <lyrebird/log.h>
#include <lyrebird/metrics.h>

#include "http_internal.h"

#include <stdint.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define COMPONENT            "http"
#define DEFAULT_MAX_BODY     ((size_t)1 << 20)
#define KEEP_BODY_CAP        ((size_t)8 << 10) /* a connection keeps a body buffer up to this */
#define PREALLOC_CAP         ((size_t)1 << 20) /* at most this much is reserved from Content-Length */
#define DISCARD_LIMIT        ((size_t)4 << 20) /* body dropped before closing the connection */
#define MAX_METHOD           16
#define CONNECTION_TIMEOUT_S 60u
#define CONNECTION_LIMIT     10000u
#define CONNECTION_MEMORY    ((size_t)16 << 10) /* MHD's pool per connection: headers, buffers */

typedef enum { SEG_LITERAL, SEG_PARAM, SEG_REST } seg_kind;

typedef struct segment {
    seg_kind kind;
    const char *text; /* literal text, in the route's pattern copy (not NUL-terminated) */
    size_t len;
} segment;

typedef struct route {
    char *method;
    char *pattern;
    segment *segs;
    size_t nsegs;
    size_t max_body;
    lb_http_handler handler;
    void *arg;
} route;

struct lb_http_server {
    int port, bind_all, threads;
    atomic_int bound_port;

    pthread_rwlock_t routes_lock;
    route **routes;
    size_t nroutes, cap;

    pthread_mutex_t run_lock; /* start / stop */
    struct MHD_Daemon *daemon;

    pthread_mutex_t log_lock; /* MHD's last message, kept while starting */
    bool capture;
    char last_error[LB_ERRLEN];

    lb_counter *by_class[5]; /* 1xx .. 5xx; NULL without a registry */
    lb_histogram *duration;
};

/* The state of the request in progress on one connection. */
typedef struct conn {
    const route *route;
    size_t caps[LB_HTTP_MAX_PARAMS][2]; /* offset into the path, length */
    int ncaps;
    bool too_big;      /* the body went over the limit: 413 at the end */
    bool answered;     /* a response is queued; ignore the rest */
    bool other_method; /* no route: the path matched under other methods (405) */
    char allow[128];   /* ... which are these */
    struct timespec start;
    size_t discarded; /* body bytes dropped */
    char *body;
    size_t body_len, body_cap;
    char *scratch; /* the captures, NUL-terminated one after another */
    size_t scratch_cap;
} conn;

/* ---- requests ---- */

const char *lb_http_header(const lb_http_req *req, const char *name)
{
    if (!req || !req->priv || !name)
        return NULL;
    return MHD_lookup_connection_value(req->priv, MHD_HEADER_KIND, name);
}

const char *lb_http_query(const lb_http_req *req, const char *name)
{
    const char *value = NULL;
    size_t len;
    if (!req || !req->priv || !name)
        return NULL;
    if (MHD_lookup_connection_value_n(req->priv, MHD_GET_ARGUMENT_KIND, name, strlen(name), &value,
                                      &len) != MHD_YES)
        return NULL;
    return value ? value : ""; /* "?flag" is present, with an empty value */
}

/* ---- routes ---- */

static void route_free(route *r)
{
    if (!r)
        return;
    free(r->method);
    free(r->pattern);
    free(r->segs);
    free(r);
}

static bool valid_method(const char *m)
{
    size_t n = 0;
    for (; m[n]; n++)
        if (m[n] < 'A' || m[n] > 'Z')
            return false;
    return n > 0 && n <= MAX_METHOD;
}

/* Splits r->pattern into segments. Returns 0 or LB_EINVAL. */
static int parse_pattern(route *r)
{
    const char *p = r->pattern;
    size_t nsegs = 0, nparams = 0;

    if (p[0] != '/')
        return LB_EINVAL;
    for (const char *q = p; *q; q++) {
        if ((unsigned char)*q <= ' ' || *q == '?' || *q == '#')
            return LB_EINVAL;
        nsegs += *q == '/';
    }
    if (!strcmp(p, "/"))
        return 0; /* the root: no segments */
    if (!(r->segs = calloc(nsegs, sizeof *r->segs)))
        return LB_ENOMEM;
    for (size_t i = 0; i < nsegs; i++) {
        segment *s = &r->segs[i];
        const char *start = ++p, *end = strchrnul(start, '/');
        s->text = start;
        s->len = (size_t)(end - start);
        p = end;
        if (s->len == 0)
            return LB_EINVAL; /* "//" or a trailing slash */
        if (s->len == 1 && *start == '*') {
            if (i != nsegs - 1)
                return LB_EINVAL;
            s->kind = SEG_REST;
            nparams++;
        } else if (*start == ':') {
            if (s->len == 1)
                return LB_EINVAL;
            s->kind = SEG_PARAM;
            nparams++;
        } else if (memchr(start, '*', s->len)) {
            return LB_EINVAL;
        }
    }
    r->nsegs = nsegs;
    return nparams <= LB_HTTP_MAX_PARAMS ? 0 : LB_EINVAL;
}

/* Same method and same shape (capture names do not count). */
static bool route_same(const route *a, const route *b)
{
    if (strcmp(a->method, b->method) || a->nsegs != b->nsegs)
        return false;
    for (size_t i = 0; i < a->nsegs; i++) {
        const segment *x = &a->segs[i], *y = &b->segs[i];
        if (x->kind != y->kind ||
            (x->kind == SEG_LITERAL && (x->len != y->len || memcmp(x->text, y->text, x->len))))
            return false;
    }
    return true;
}

int lb_http_route(lb_http_server *s, const char *method, const char *pattern, size_t max_body,
                  lb_http_handler handler, void *arg)
{
    int rc = LB_EINVAL;
    route *r = NULL;

    if (!s || !method || !pattern || !handler || !valid_method(method))
        goto out;
    rc = LB_ENOMEM;
    if (!(r = calloc(1, sizeof *r)) || !(r->method = strdup(method)) ||
        !(r->pattern = strdup(pattern)))
        goto out;
    if ((rc = parse_pattern(r)) != 0)
        goto out;
    r->max_body = max_body ? max_body : DEFAULT_MAX_BODY;
    r->handler = handler;
    r->arg = arg;

    pthread_rwlock_wrlock(&s->routes_lock);
    rc = 0;
    for (size_t i = 0; i < s->nroutes && !rc; i++)
        if (route_same(s->routes[i], r))
            rc = LB_EEXIST;
    if (!rc && s->nroutes == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        route **routes = realloc(s->routes, cap * sizeof *routes);
        if (routes) {
            s->routes = routes;
            s->cap = cap;
        } else {
            rc = LB_ENOMEM;
        }
    }
    if (!rc) {
        s->routes[s->nroutes++] = r;
        r = NULL;
    }
    pthread_rwlock_unlock(&s->routes_lock);
out:
    route_free(r);
    return rc;
}

/* Matches path against r; on success fills caps (offset, length) and *ncaps. */
static bool path_match(const route *r, const char *path, size_t caps[][2], int *ncaps)
{
    const char *p = path;
    int n = 0;

    if (p[0] == '/' && p[1] == '\0')
        p++; /* "/" is the empty path: it matches the patterns "/" and "/" + "*" */
    for (size_t i = 0; i < r->nsegs; i++) {
        const segment *s = &r->segs[i];
        if (s->kind == SEG_REST) {
            const char *rest = *p == '/' ? p + 1 : p;
            caps[n][0] = (size_t)(rest - path);
            caps[n][1] = strlen(rest);
            *ncaps = n + 1;
            return true;
        }
        if (*p != '/')
            return false;
        const char *start = p + 1, *end = strchrnul(start, '/');
        size_t len = (size_t)(end - start);
        if (s->kind == SEG_LITERAL) {
            if (len != s->len || memcmp(start, s->text, len))
                return false;
        } else {
            if (len == 0)
                return false;
            caps[n][0] = (size_t)(start - path);
            caps[n][1] = len;
            n++;
        }
        p = end;
    }
    if (*p != '\0')
        return false;
    *ncaps = n;
    return true;
}

/* True when method is in list, a ", "-separated list of methods. */
static bool listed(const char *list, const char *method)
{
    size_t n = strlen(method);
    for (const char *p = list; (p = strstr(p, method)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
            return true;
    return false;
}

/* Finds the first route for method and path (HEAD falls back to GET) and its captures. On
 * no match, sets c->other_method when the path matched under other methods, listed in
 * c->allow. */
static const route *match(lb_http_server *s, const char *method, const char *path, conn *c)
{
    bool *other_method = &c->other_method;
    char *allow = c->allow;
    size_t allowlen = sizeof c->allow;
    const route *found = NULL;
    size_t caps[LB_HTTP_MAX_PARAMS][2];
    int ncaps;

    *other_method = false;
    pthread_rwlock_rdlock(&s->routes_lock);
    for (int pass = 0; pass < 2 && !found; pass++) {
        for (size_t i = 0; i < s->nroutes; i++) {
            const route *r = s->routes[i];
            if (!path_match(r, path, c->caps, &c->ncaps))
                continue;
            if (!strcmp(r->method, method)) {
                found = r;
                break;
            }
            *other_method = true;
        }
        if (found || strcmp(method, "HEAD"))
            break;
        method = "GET";
    }
    if (!found && *other_method) {
        size_t at = 0;
        allow[0] = '\0';
        for (size_t i = 0; i < s->nroutes; i++) {
            const route *r = s->routes[i];
            if (!path_match(r, path, caps, &ncaps) || listed(allow, r->method))
                continue;
            int n = snprintf(allow + at, allowlen - at, "%s%s", at ? ", " : "", r->method);
            if (n < 0 || (size_t)n >= allowlen - at) {
                allow[at] = '\0';
                break;
            }
            at += (size_t)n;
        }
    }
    pthread_rwlock_unlock(&s->routes_lock);
    return found;
}

/* ---- the request path ---- */

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Writes s as a quoted logfmt value into out (truncated to fit). */
static void quote(char *out, size_t outlen, const char *s)
{
    size_t at = 0;
    out[at++] = '"';
    for (; *s && at + 5 < outlen; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            out[at++] = '\\', out[at++] = (char)ch;
        else
            out[at++] = ch < 0x20 || ch == 0x7F ? '?' : (char)ch;
    }
    out[at++] = '"';
    out[at] = '\0';
}

static void account(lb_http_server *s, conn *c, const char *method, const char *path, int status)
{
    double secs = seconds_since(&c->start);
    if (s->duration) {
        lb_counter_add(s->by_class[status / 100 - 1], 1);
        lb_histogram_observe(s->duration, secs);
    }
    if (lb_log_get_level() <= LB_LOG_DEBUG) {
        char qpath[256];
        quote(qpath, sizeof qpath, path);
        lb_log(LB_LOG_DEBUG, COMPONENT, "request", "method=%s path=%s status=%d us=%.0f", method,
               qpath, status, secs * 1e6);
    }
}

/* Queues resp and frees what it holds. allow: an Allow header value or NULL. */
static enum MHD_Result send_resp(lb_http_server *s, conn *c, struct MHD_Connection *mc,
                                 const char *method, const char *path, lb_http_resp *resp,
                                 const char *allow)
{
    struct MHD_Response *r;
    enum MHD_Result ret = MHD_NO;

    if (resp->status < 200 || resp->status > 599) {
        int bad = resp->status;
        lb_http_resp_clear(resp);
        if (bad == 0)
            lb_http_resp_error(resp, 500, "the handler for %s %s gave no response", method, path);
        else
            lb_http_resp_error(resp, 500, "the handler for %s %s gave status %d", method, path,
                               bad);
    }
    if (resp->body && resp->body_len > 0) {
        r = MHD_create_response_from_buffer_with_free_callback(resp->body_len, resp->body, free);
        if (r)
            resp->body = NULL; /* MHD frees it */
    } else {
        r = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    }
    if (!r)
        goto out;
    if (resp->body_len > 0 || resp->content_type)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                                resp->content_type ? resp->content_type : "application/json");
    for (int i = 0; i < resp->nheaders; i++)
        if (MHD_add_response_header(r, resp->header_names[i], resp->header_values[i]) != MHD_YES)
            lb_log(LB_LOG_WARN, COMPONENT, "response header refused", "name=%s",
                   resp->header_names[i]);
    if (allow)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
    ret = MHD_queue_response(mc, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    if (ret == MHD_YES) {
        c->answered = true;
        account(s, c, method, path, resp->status);
    }
out:
    lb_http_resp_clear(resp);
    if (c->body_cap > KEEP_BODY_CAP) { /* idle connections hold little */
        free(c->body);
        c->body = NULL;
        c->body_cap = 0;
    }
    return ret;
}

static enum MHD_Result send_error(lb_http_server *s, conn *c, struct MHD_Connection *mc,
                                  const char *method, const char *path, int status,
                                  const char *allow, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

static enum MHD_Result send_error(lb_http_server *s, conn *c, struct MHD_Connection *mc,
                                  const char *method, const char *path, int status,
                                  const char *allow, const char *fmt, ...)
{
    lb_http_resp resp = {0};
    va_list ap;
    va_start(ap, fmt);
    lb_http_resp_verror(&resp, status, fmt, ap);
    va_end(ap);
    return send_resp(s, c, mc, method, path, &resp, allow);
}

static enum MHD_Result send_no_route(lb_http_server *s, conn *c, struct MHD_Connection *mc,
                                     const char *method, const char *path)
{
    if (c->other_method)
        return send_error(s, c, mc, method, path, 405, c->allow, "method %s is not allowed on %s",
                          method, path);
    return send_error(s, c, mc, method, path, 404, NULL, "no route for %s %s", method, path);
}

static enum MHD_Result send_too_big(lb_http_server *s, conn *c, struct MHD_Connection *mc,
                                    const char *method, const char *path)
{
    return send_error(s, c, mc, method, path, 413, NULL, "request body is larger than %zu bytes",
                      c->route->max_body);
}

/* Makes room for n more body bytes and the terminating NUL. */
static bool body_reserve(conn *c, size_t n)
{
    if (c->body_len + n + 1 <= c->body_cap)
        return true;
    size_t cap = c->body_cap ? c->body_cap : 4096;
    while (cap < c->body_len + n + 1)
        cap *= 2;
    char *p = realloc(c->body, cap);
    if (!p)
        return false;
    c->body = p;
    c->body_cap = cap;
    return true;
}

/* First call: headers are in. Matches the route and refuses what can be refused now. */
static enum MHD_Result begin(lb_http_server *s, struct MHD_Connection *mc, const char *method,
                             const char *path, void **con_cls)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    conn *c = ci ? ci->socket_context : NULL;
    if (!c)
        return MHD_NO; /* the connection's state could not be allocated: close */
    *con_cls = c;
    clock_gettime(CLOCK_MONOTONIC, &c->start);
    c->route = NULL;
    c->too_big = c->answered = false;
    c->body_len = 0;
    c->discarded = 0;

    const char *cl = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Length");
    const char *te = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Transfer-Encoding");
    unsigned long long length = cl ? strtoull(cl, NULL, 10) : 0;
    bool has_body = te || length > 0;

    c->route = match(s, method, path, c);
    if (!c->route) /* without a body, answered on the final call: keeps the connection */
        return has_body ? send_no_route(s, c, mc, method, path) : MHD_YES;
    if (length > c->route->max_body)
        return send_too_big(s, c, mc, method, path);
    if (length > 0 && !body_reserve(c, length < PREALLOC_CAP ? (size_t)length : PREALLOC_CAP))
        return MHD_NO;
    return MHD_YES;
}

/* A piece of body. MHD 0.9.75 refuses a response while the body is still coming, so a body
 * that goes over the limit (only a chunked one can: Content-Length is checked first) is
 * read and dropped, and 413 goes out when it ends; past DISCARD_LIMIT the connection is
 * closed instead. The same holds for the body of a request already refused. */
static enum MHD_Result upload(conn *c, const char *data, size_t n)
{
    if (!c->answered && !c->too_big && c->route && n > c->route->max_body - c->body_len)
        c->too_big = true;
    if (c->answered || c->too_big || !c->route) {
        c->discarded += n;
        return c->discarded <= DISCARD_LIMIT ? MHD_YES : MHD_NO;
    }
    if (!body_reserve(c, n))
        return MHD_NO;
    memcpy(c->body + c->body_len, data, n);
    c->body_len += n;
    c->body[c->body_len] = '\0';
    return MHD_YES;
}

/* Final call: runs the handler. */
static enum MHD_Result finish(lb_http_server *s, conn *c, struct MHD_Connection *mc,
                              const char *method, const char *path)
{
    lb_http_req req = {.method = method, .path = path, .priv = mc};
    lb_http_resp resp = {0};

    if (c->answered)
        return MHD_YES;
    if (!c->route)
        return send_no_route(s, c, mc, method, path);
    if (c->too_big)
        return send_too_big(s, c, mc, method, path);

    size_t need = 0;
    for (int i = 0; i < c->ncaps; i++)
        need += c->caps[i][1] + 1;
    if (need > c->scratch_cap) {
        char *p = realloc(c->scratch, need);
        if (!p)
            return MHD_NO;
        c->scratch = p;
        c->scratch_cap = need;
    }
    char *at = c->scratch;
    for (int i = 0; i < c->ncaps; i++) {
        memcpy(at, path + c->caps[i][0], c->caps[i][1]);
        at[c->caps[i][1]] = '\0';
        req.params[i] = at;
        at += c->caps[i][1] + 1;
    }
    req.nparams = c->ncaps;
    if (c->body_len > 0) {
        req.body = c->body;
        req.body_len = c->body_len;
    }

    c->route->handler(&req, &resp, c->route->arg);
    return send_resp(s, c, mc, method, path, &resp, NULL);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *data_size, void **con_cls)
{
    lb_http_server *s = cls;
    conn *c = *con_cls;

    if (!c)
        return begin(s, mc, method, url, con_cls);
    if (*data_size) {
        size_t n = *data_size;
        *data_size = 0;
        return upload(c, data, n);
    }
    return finish(s, c, mc, method, url);
}

static void on_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        *socket_context = calloc(1, sizeof(conn));
        return;
    }
    conn *c = *socket_context;
    if (c) {
        free(c->body);
        free(c->scratch);
        free(c);
    }
    *socket_context = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    lb_http_server *s = cls;
    char msg[LB_ERRLEN];
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\r\n")] = '\0';
    pthread_mutex_lock(&s->log_lock);
    if (s->capture)
        snprintf(s->last_error, sizeof s->last_error, "%s", msg);
    pthread_mutex_unlock(&s->log_lock);
    lb_log(LB_LOG_INFO, COMPONENT, msg, NULL);
}

/* ---- the server ---- */

lb_http_server *lb_http_server_new(int port, int bind_all, int threads, lb_metrics *metrics)
{
    static const char *const classes[] = {
        "lb_http_requests_total{code=\"1xx\"}", "lb_http_requests_total{code=\"2xx\"}",
        "lb_http_requests_total{code=\"3xx\"}", "lb_http_requests_total{code=\"4xx\"}",
        "lb_http_requests_total{code=\"5xx\"}"};
    lb_http_server *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->port = port;
    s->bind_all = bind_all;
    s->threads = threads;
    pthread_rwlock_init(&s->routes_lock, NULL);
    pthread_mutex_init(&s->run_lock, NULL);
    pthread_mutex_init(&s->log_lock, NULL);
    if (metrics) {
        for (int i = 0; i < 5; i++)
            if (!(s->by_class[i] = lb_metrics_counter(metrics, classes[i],
                                                      "HTTP requests answered, by status class.")))
                goto fail;
        s->duration =
            lb_metrics_histogram(metrics, "lb_http_request_duration_seconds",
                                 "Time from request headers to response queued.", NULL, 0);
        if (!s->duration)
            goto fail;
    }
    return s;
fail:
    lb_http_server_free(s);
    return NULL;
}

/* Starts MHD bound as asked; bind_all tries IPv4+IPv6 first, then IPv4 alone. */
static struct MHD_Daemon *start_daemon(lb_http_server *s, bool dual_stack)
{
    unsigned threads = s->threads > 0 ? (unsigned)s->threads : 0;
    if (threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (unsigned)n : 1;
    }
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
    sa.sin_addr.s_addr = htonl(s->bind_all ? INADDR_ANY : INADDR_LOOPBACK);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO |
                     MHD_USE_ERROR_LOG | (dual_stack ? MHD_USE_DUAL_STACK : 0);
    struct MHD_OptionItem opts[] = {
        {MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_mhd_log, s}, /* first, to catch all */
        {MHD_OPTION_CONNECTION_TIMEOUT, CONNECTION_TIMEOUT_S, NULL},
        {MHD_OPTION_CONNECTION_LIMIT, CONNECTION_LIMIT, NULL},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)CONNECTION_MEMORY, NULL},
        {MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, s},
        {MHD_OPTION_END, 0, NULL}, /* room for the two below */
        {MHD_OPTION_END, 0, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    size_t n = 5;
    if (threads > 1) /* MHD warns about a pool of one */
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, threads, NULL};
    if (!dual_stack)
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &sa};
    return MHD_start_daemon(flags, (uint16_t)s->port, NULL, NULL, on_request, s, MHD_OPTION_ARRAY,
                            opts, MHD_OPTION_END);
}

int lb_http_server_start(lb_http_server *s, char *err, size_t errlen)
{
    int rc = 0;
    pthread_mutex_lock(&s->run_lock);
    if (s->daemon)
        goto out;
    if (s->port < 0 || s->port > 65535) {
        rc = LB_EINVAL;
        if (err && errlen)
            snprintf(err, errlen, "port %d is not between 0 and 65535", s->port);
        goto out;
    }
    pthread_mutex_lock(&s->log_lock);
    s->capture = true;
    s->last_error[0] = '\0';
    pthread_mutex_unlock(&s->log_lock);

    s->daemon = start_daemon(s, s->bind_all);
    if (!s->daemon && s->bind_all)
        s->daemon = start_daemon(s, false); /* no IPv6 here */

    pthread_mutex_lock(&s->log_lock);
    s->capture = false;
    if (!s->daemon) {
        rc = LB_EIO;
        if (err && errlen)
            snprintf(err, errlen, "cannot listen on %s port %d: %s",
                     s->bind_all ? "all addresses," : "127.0.0.1", s->port,
                     s->last_error[0] ? s->last_error : "the HTTP server did not start");
    }
    pthread_mutex_unlock(&s->log_lock);
    if (s->daemon) {
        const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
        atomic_store(&s->bound_port, di ? di->port : s->port);
        lb_log(LB_LOG_INFO, COMPONENT, "listening", "port=%d", atomic_load(&s->bound_port));
    }
out:
    pthread_mutex_unlock(&s->run_lock);
    return rc;
}

int lb_http_server_port(const lb_http_server *s)
{
    int port = atomic_load(&((lb_http_server *)s)->bound_port);
    return port ? port : s->port;
}

void lb_http_server_stop(lb_http_server *s)
{
    pthread_mutex_lock(&s->run_lock);
    if (s->daemon) {
        MHD_stop_daemon(s->daemon);
        s->daemon = NULL;
    }
    pthread_mutex_unlock(&s->run_lock);
}

void lb_http_server_free(lb_http_server *s)
{
    if (!s)
        return;
    lb_http_server_stop(s);
    for (size_t i = 0; i < s->nroutes; i++)
        route_free(s->routes[i]);
    free(s->routes);
    pthread_rwlock_destroy(&s->routes_lock);
    pthread_mutex_destroy(&s->run_lock);
    pthread_mutex_destroy(&s->log_lock);
    free(s);
}
