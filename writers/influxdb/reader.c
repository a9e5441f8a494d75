/* The InfluxDB reader: HTTP routes on the host's front that answer a channel's history from
 * InfluxDB 1.x, in Mainflux 0.12's reader shapes.
 *
 *   GET /reader/channels/<id>/messages  ?offset&limit&subtopic&publisher&protocol&name
 *                                       &v&comparator&vs&vb&vd&from&to
 *       -> {"offset": 0, "limit": 10, "total": 42, "messages": [{"channel", "subtopic",
 *           "publisher", "protocol", "name", "unit", "time" (Unix seconds, float),
 *           "value" | "string_value" | "bool_value" | "data_value", "sum"}, ...]}
 *          newest first; absent or empty members are left out (as Mainflux's omitempty).
 *   GET /reader/channels/<id>/series    ?name&agg=mean|min|max|count&every=1m&from&to
 *       -> {"name": "...", "agg": "mean", "every": "1m", "points": [[time, value], ...]}
 *
 * Authorization: "Thing <key>" (or a bare key) of a thing connected to the channel, through
 * the lb_authz cache; or "Bearer <user token>" of the channel's owner (or an admin), asked of
 * the things service (things.provision, op channel_access) on every request.
 *
 * Queries are built by reader_query.c (pure and strict) and sent to InfluxDB's /query (GET,
 * epoch=ns) on keep-alive libcurl handles from a small pool, so the front's worker threads
 * each reuse a connection. Handlers are thread-safe. */
#include "influx.h"

#include <lyrebird/authz.h>
#include <lyrebird/error.h>

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define POOL_MAX             16
#define QUERY_TIMEOUT_MS     10000L
#define ANSWER_MAX           (64L << 20)
#define PROVISION_TIMEOUT_MS 2000

enum { ROUTE_MESSAGES, ROUTE_SERIES, NROUTES };
static const char *const ROUTE_NAMES[NROUTES] = {"messages", "series"};
static const int CODES[] = {200, 400, 401, 403, 404, 500, 502, 503};
#define NCODES (sizeof CODES / sizeof *CODES)

struct influx_reader {
    const lb_host *host;
    char *url;
    char *db;
    lb_authz *authz;
    pthread_mutex_t lock; /* guards pool */
    CURL *pool[POOL_MAX];
    size_t npool;
    lb_counter *requests[NROUTES][NCODES];
    lb_histogram *query_seconds;
};

/* InfluxDB column -> member of a message in the answer. */
static const struct {
    const char *column;
    const char *member;
    int number; /* a float field: integers InfluxDB prints as 21 become 21.0 */
} COLUMNS[] = {
    {"channel", "channel", 0},
    {"subtopic", "subtopic", 0},
    {"publisher", "publisher", 0},
    {"protocol", "protocol", 0},
    {"name", "name", 0},
    {"unit", "unit", 0},
    {"value", "value", 1},
    {"stringValue", "string_value", 0},
    {"boolValue", "bool_value", 0},
    {"dataValue", "data_value", 0},
    {"sum", "sum", 1},
};

/* ---- answering ---- */

static int answer(influx_reader *r, int route, lb_http_resp *resp, int status, json_t *body)
{
    for (size_t i = 0; i < NCODES; i++)
        if (CODES[i] == status && r->requests[route][i])
            r->host->counter_add(r->requests[route][i], 1);
    char *text = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(17));
    json_decref(body);
    if (!text) {
        lb_http_resp_error(resp, 500, "out of memory");
        return 0;
    }
    lb_http_resp_take(resp, status, text);
    return 0;
}

static int fail(influx_reader *r, int route, lb_http_resp *resp, int status, const char *msg)
{
    return answer(r, route, resp, status, json_pack("{s:s}", "error", msg));
}

/* ---- authorization ---- */

/* Asks the things service whether the token's user owns channel: an HTTP status, err set
 * when not 200. */
static int user_access(influx_reader *r, const char *token, const char *channel, char *err,
                       size_t errlen)
{
    json_t *req =
        json_pack("{s:s, s:s, s:s}", "op", "channel_access", "token", token, "channel_id", channel);
    char *data = req ? json_dumps(req, JSON_COMPACT) : NULL;
    char *reply = NULL;
    size_t reply_len = 0;
    json_t *ans = NULL;
    int status = 500;
    json_decref(req);
    if (!data) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    int rc = r->host->request(r->host, "things.provision", data, strlen(data), PROVISION_TIMEOUT_MS,
                              &reply, &reply_len);
    if (rc != 0) {
        snprintf(err, errlen, "the things service did not answer (%s)", lb_strerror(rc));
        status = 503;
        goto out;
    }
    ans = json_loadb(reply, reply_len, 0, NULL);
    if (!json_is_object(ans)) {
        snprintf(err, errlen, "the things service answered nonsense");
        status = 502;
        goto out;
    }
    const char *e = json_string_value(json_object_get(ans, "error"));
    if (e) {
        json_int_t s = json_integer_value(json_object_get(ans, "status"));
        status = s >= 400 && s <= 599 ? (int)s : 500;
        snprintf(err, errlen, "%s", e);
        goto out;
    }
    status = 200;
out:
    json_decref(ans);
    free(reply);
    free(data);
    return status;
}

/* Who may read channel: an HTTP status, err set when not 200. */
static int authorize(influx_reader *r, const lb_http_req *req, const char *channel, char *err,
                     size_t errlen)
{
    const char *auth = r->host->http_header(req, "Authorization");
    if (!auth || !*auth) {
        snprintf(err, errlen, "missing Authorization header (Bearer <token> or Thing <key>)");
        return 401;
    }
    if (strncasecmp(auth, "Bearer ", 7) == 0)
        return auth[7] ? user_access(r, auth + 7, channel, err, errlen)
                       : (snprintf(err, errlen, "empty token"), 401);
    if (strncasecmp(auth, "Thing ", 6) == 0)
        auth += 6;
    char thing[LB_THING_ID_MAX];
    int rc = lb_authz_key(r->authz, auth, channel, thing, err, errlen);
    return lb_authz_status(rc);
}

/* ---- InfluxDB ---- */

typedef struct buf {
    char *s;
    size_t len;
} buf;

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
    buf *b = arg;
    size_t add = size * n;
    if (b->len + add > (size_t)ANSWER_MAX)
        return 0;
    char *p = realloc(b->s, b->len + add + 1);
    if (!p)
        return 0;
    memcpy(p + b->len, data, add);
    b->len += add;
    p[b->len] = '\0';
    b->s = p;
    return add;
}

static CURL *take_handle(influx_reader *r)
{
    CURL *c = NULL;
    pthread_mutex_lock(&r->lock);
    if (r->npool > 0)
        c = r->pool[--r->npool];
    pthread_mutex_unlock(&r->lock);
    return c ? c : curl_easy_init();
}

static void give_handle(influx_reader *r, CURL *c)
{
    pthread_mutex_lock(&r->lock);
    if (r->npool < POOL_MAX) {
        r->pool[r->npool++] = c;
        c = NULL;
    }
    pthread_mutex_unlock(&r->lock);
    if (c)
        curl_easy_cleanup(c);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs q and returns InfluxDB's "results" array (caller decrefs), or NULL with *status (502,
 * 503, 500) and err set. */
static json_t *run_query(influx_reader *r, const char *q, int *status, char *err, size_t errlen)
{
    CURL *c = take_handle(r);
    char *eq = NULL, *url = NULL;
    buf b = {0};
    json_t *root = NULL, *results = NULL;
    *status = 500;
    if (!c) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    eq = curl_easy_escape(c, q, 0);
    char *edb = curl_easy_escape(c, r->db, 0);
    if (eq && edb) {
        size_t n = strlen(r->url) + strlen(edb) + strlen(eq) + 32;
        if ((url = malloc(n)) != NULL)
            snprintf(url, n, "%s/query?db=%s&epoch=ns&q=%s", r->url, edb, eq);
    }
    curl_free(edb);
    if (!url) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, QUERY_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    double t0 = now_seconds();
    CURLcode cc = curl_easy_perform(c);
    r->host->histogram_observe(r->query_seconds, now_seconds() - t0);
    if (cc != CURLE_OK) {
        snprintf(err, errlen, "InfluxDB did not answer: %s", curl_easy_strerror(cc));
        *status = 503;
        goto out;
    }
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    root = b.s ? json_loadb(b.s, b.len, 0, NULL) : NULL;
    const char *ierr = json_string_value(json_object_get(root, "error"));
    results = json_object_get(root, "results");
    if (code != 200 || !json_is_array(results)) {
        snprintf(err, errlen, "InfluxDB answered %ld: %.200s", code, ierr ? ierr : "no results");
        results = NULL;
        *status = 502;
        goto out;
    }
    for (size_t i = 0; i < json_array_size(results); i++) {
        ierr = json_string_value(json_object_get(json_array_get(results, i), "error"));
        if (ierr) {
            snprintf(err, errlen, "InfluxDB: %.200s", ierr);
            results = NULL;
            *status = 502;
            goto out;
        }
    }
    json_incref(results);
out:
    json_decref(root);
    free(b.s);
    free(url);
    curl_free(eq);
    if (c)
        give_handle(r, c);
    return results;
}

/* The first series of results[i], or NULL. */
static json_t *series_of(json_t *results, size_t i)
{
    return json_array_get(json_object_get(json_array_get(results, i), "series"), 0);
}

/* One InfluxDB row -> a message object. */
static json_t *message_of(json_t *columns, json_t *row)
{
    json_t *m = json_object();
    for (size_t i = 0; m && i < json_array_size(columns); i++) {
        const char *col = json_string_value(json_array_get(columns, i));
        json_t *v = json_array_get(row, i);
        if (!col || !v || json_is_null(v))
            continue;
        if (strcmp(col, "time") == 0) {
            json_object_set_new(m, "time", json_real(json_number_value(v) / 1e9));
            continue;
        }
        for (size_t k = 0; k < sizeof COLUMNS / sizeof *COLUMNS; k++) {
            if (strcmp(col, COLUMNS[k].column) != 0)
                continue;
            if (json_is_string(v) && json_string_length(v) == 0)
                break;
            if (COLUMNS[k].number && json_is_integer(v))
                json_object_set_new(m, COLUMNS[k].member, json_real(json_number_value(v)));
            else
                json_object_set(m, COLUMNS[k].member, v);
            break;
        }
    }
    return m;
}

/* The number of points a COUNT(*) series counted: the larger of count_protocol (the writer
 * sets protocol whenever the message had one) and the sum of the value kinds' counts (a point
 * holds at most one), so a point missing either is still counted. */
static json_int_t total_of(json_t *count)
{
    static const char *const KINDS[] = {"count_value", "count_stringValue", "count_boolValue",
                                        "count_dataValue"};
    json_t *columns = json_object_get(count, "columns");
    json_t *row = json_array_get(json_object_get(count, "values"), 0);
    json_int_t protocol = 0, kinds = 0;
    for (size_t i = 0; i < json_array_size(columns); i++) {
        const char *col = json_string_value(json_array_get(columns, i));
        json_int_t n = (json_int_t)json_number_value(json_array_get(row, i));
        if (!col)
            continue;
        if (strcmp(col, "count_protocol") == 0)
            protocol = n;
        for (size_t k = 0; k < sizeof KINDS / sizeof *KINDS; k++)
            if (strcmp(col, KINDS[k]) == 0)
                kinds += n;
    }
    return protocol > kinds ? protocol : kinds;
}

/* ---- routes ---- */

typedef struct params {
    const lb_host *host;
    const lb_http_req *req;
} params;

static const char *param(void *arg, const char *name)
{
    params *p = arg;
    return p->host->http_query(p->req, name);
}

static int get_messages(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    influx_reader *r = arg;
    const char *channel = req->params[0];
    char err[LB_ERRLEN];
    params p = {r->host, req};
    influx_messages_query q;
    int status = authorize(r, req, channel, err, sizeof err);
    if (status != 200)
        return fail(r, ROUTE_MESSAGES, resp, status, err);
    int rc = influx_query_messages(channel, param, &p, &q, err, sizeof err);
    if (rc != 0)
        return fail(r, ROUTE_MESSAGES, resp, rc == LB_EINVAL ? 400 : 500,
                    rc == LB_EINVAL ? err : "out of memory");
    json_t *results = run_query(r, q.text, &status, err, sizeof err);
    json_t *out = NULL;
    if (!results)
        goto out;
    json_t *msgs = json_array();
    json_t *page = series_of(results, 0);
    json_t *columns = json_object_get(page, "columns");
    json_t *rows = json_object_get(page, "values");
    for (size_t i = 0; msgs && i < json_array_size(rows); i++)
        json_array_append_new(msgs, message_of(columns, json_array_get(rows, i)));
    json_t *count = series_of(results, 1);
    out = json_pack("{s:I, s:I, s:I, s:o*}", "offset", (json_int_t)q.offset, "limit",
                    (json_int_t)q.limit, "total", total_of(count), "messages", msgs);
out:
    json_decref(results);
    influx_messages_query_clear(&q);
    if (!out)
        return fail(r, ROUTE_MESSAGES, resp, results ? 500 : status,
                    results ? "out of memory" : err);
    return answer(r, ROUTE_MESSAGES, resp, 200, out);
}

static int get_series(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    influx_reader *r = arg;
    const char *channel = req->params[0];
    char err[LB_ERRLEN];
    params p = {r->host, req};
    influx_series_query q;
    int status = authorize(r, req, channel, err, sizeof err);
    if (status != 200)
        return fail(r, ROUTE_SERIES, resp, status, err);
    int rc = influx_query_series(channel, param, &p, now_seconds(), &q, err, sizeof err);
    if (rc != 0)
        return fail(r, ROUTE_SERIES, resp, rc == LB_EINVAL ? 400 : 500,
                    rc == LB_EINVAL ? err : "out of memory");
    json_t *results = run_query(r, q.text, &status, err, sizeof err);
    json_t *out = NULL;
    if (!results)
        goto out;
    json_t *points = json_array();
    json_t *rows = json_object_get(series_of(results, 0), "values");
    for (size_t i = 0; points && i < json_array_size(rows); i++) {
        json_t *row = json_array_get(rows, i);
        json_t *v = json_array_get(row, 1);
        if (!json_is_number(v))
            continue;
        json_array_append_new(points,
                              json_pack("[f, f]", json_number_value(json_array_get(row, 0)) / 1e9,
                                        json_number_value(v)));
    }
    out = json_pack("{s:s, s:s, s:s, s:o*}", "name", q.name, "agg", q.agg, "every", q.every,
                    "points", points);
out:
    json_decref(results);
    influx_series_query_clear(&q);
    if (!out)
        return fail(r, ROUTE_SERIES, resp, results ? 500 : status, results ? "out of memory" : err);
    return answer(r, ROUTE_SERIES, resp, 200, out);
}

/* ---- lifecycle ---- */

static const struct {
    const char *pattern;
    lb_http_handler handler;
} ROUTES[NROUTES] = {
    {"/reader/channels/:id/messages", get_messages},
    {"/reader/channels/:id/series", get_series},
};

influx_reader *influx_reader_new(const lb_host *host, const influx_target *t)
{
    influx_reader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->host = host;
    pthread_mutex_init(&r->lock, NULL);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    r->url = strdup(t->url);
    r->db = strdup(t->db);
    r->authz = lb_authz_new(host->bus, 0, 0);
    r->query_seconds = host->histogram(host, "lb_reader_influx_query_seconds",
                                       "InfluxDB query time of the reader", NULL, 0);
    for (int i = 0; i < NROUTES; i++)
        for (size_t k = 0; k < NCODES; k++) {
            char name[128];
            snprintf(name, sizeof name, "lb_reader_requests_total{route=\"%s\",code=\"%d\"}",
                     ROUTE_NAMES[i], CODES[k]);
            r->requests[i][k] = host->counter(host, name, "Reader requests by route and status");
        }
    if (!r->url || !r->db || !r->authz) {
        host->log(host, LB_LOG_ERROR, "reader not started", "reason=%s", "out of memory or no bus");
        goto fail;
    }
    for (int i = 0; i < NROUTES; i++) {
        int rc = host->http_route(host, "GET", ROUTES[i].pattern, 0, ROUTES[i].handler, r);
        if (rc != 0) {
            host->log(host, LB_LOG_ERROR, "reader: route not added", "route=%s error=%s",
                      ROUTES[i].pattern, lb_strerror(rc));
            goto fail;
        }
    }
    return r;
fail:
    influx_reader_free(r);
    return NULL;
}

void influx_reader_free(influx_reader *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->npool; i++)
        curl_easy_cleanup(r->pool[i]);
    lb_authz_free(r->authz);
    pthread_mutex_destroy(&r->lock);
    free(r->url);
    free(r->db);
    free(r);
    curl_global_cleanup();
}
