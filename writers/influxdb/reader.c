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
 * each reuse a connection. Handlers are thread-safe. A page's two statements go as two
 * requests in parallel; pages and totals are cached until a writer reports new points for
 * their channel (reader_cache.h; README.md, "Reader"), totals refreshed in the background;
 * requests that ask exactly what is already in flight share its answer (fetch_shared). */
#define _GNU_SOURCE
#include "influx.h"
#include "reader_cache.h"
#include "writer.h"

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

typedef struct flight flight;

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
    pthread_mutex_t flights_lock; /* guards flights */
    pthread_cond_t flights_done;
    flight *flights; /* queries in flight (fetch_shared) */
    influx_cache *cache;
    lb_bus_sub *written; /* INFLUX_WRITTEN */
    lb_counter *page_hits, *page_misses;
    pthread_mutex_t refreshers_lock;
    int refreshers; /* detached count_refresh threads running */
    pthread_cond_t refreshers_done;
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

/* Answers with text (JSON, malloc'd, taken), counted by route and status. */
static int answer_text(influx_reader *r, int route, lb_http_resp *resp, int status, char *text)
{
    for (size_t i = 0; i < NCODES; i++)
        if (CODES[i] == status && r->requests[route][i])
            r->host->counter_add(r->requests[route][i], 1);
    lb_http_resp_take(resp, status, text);
    return 0;
}

static int answer(influx_reader *r, int route, lb_http_resp *resp, int status, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(17));
    json_decref(body);
    if (!text) {
        lb_http_resp_error(resp, 500, "out of memory");
        return 0;
    }
    return answer_text(r, route, resp, status, text);
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

/* Sends q to InfluxDB: its body (malloc'd, may be NULL when empty) with *code the HTTP
 * status; or NULL with *code 0, *status 500 or 503 and err set. */
static char *fetch(influx_reader *r, const char *q, long *code, int *status, char *err,
                   size_t errlen)
{
    CURL *c = take_handle(r);
    char *eq = NULL, *url = NULL;
    buf b = {0};
    *code = 0;
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
        free(b.s);
        b.s = NULL;
        goto out;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, code);
out:
    free(url);
    curl_free(eq);
    if (c)
        give_handle(r, c);
    return b.s;
}

/* One query in flight, shared by the requests that ask the same while it runs. */
struct flight {
    flight *next;
    char *q;
    int refs; /* the leader and its waiters; the last one frees */
    int done;
    char *body;
    long code;
    int status;
    char err[LB_ERRLEN];
};

static void flight_release(flight *f)
{
    if (--f->refs > 0)
        return;
    free(f->q);
    free(f->body);
    free(f);
}

/* fetch(), but a request that asks exactly what is already in flight waits for that answer
 * instead of sending its own (so the answer may predate the request by at most one query's
 * time). Returns the body as fetch() does, a copy for each caller. With ticket (and the
 * channel the statement is about), the request that sent the query gets the cache ticket it
 * took before sending (*ticket; NULL for the others, whose answer may predate their start). */
static char *fetch_shared(influx_reader *r, const char *q, const char *channel,
                          influx_ticket **ticket, long *code, int *status, char *err, size_t errlen)
{
    char *body = NULL;
    if (ticket)
        *ticket = NULL;
    pthread_mutex_lock(&r->flights_lock);
    flight *f = r->flights;
    while (f && strcmp(f->q, q) != 0)
        f = f->next;
    if (f) {
        f->refs++;
        while (!f->done)
            pthread_cond_wait(&r->flights_done, &r->flights_lock);
    } else if ((f = calloc(1, sizeof *f)) != NULL && (f->q = strdup(q)) != NULL) {
        f->refs = 1;
        f->next = r->flights;
        r->flights = f;
        pthread_mutex_unlock(&r->flights_lock);
        if (ticket)
            *ticket = influx_cache_ticket(r->cache, channel);
        f->body = fetch(r, q, &f->code, &f->status, f->err, sizeof f->err);
        pthread_mutex_lock(&r->flights_lock);
        for (flight **pp = &r->flights; *pp; pp = &(*pp)->next)
            if (*pp == f) {
                *pp = f->next;
                break;
            }
        f->done = 1;
        pthread_cond_broadcast(&r->flights_done);
    } else {
        free(f);
        pthread_mutex_unlock(&r->flights_lock);
        return fetch(r, q, code, status, err, errlen); /* out of memory: alone */
    }
    *code = f->code;
    *status = f->status;
    snprintf(err, errlen, "%s", f->err);
    if (f->body && (body = strdup(f->body)) == NULL) {
        *code = 0;
        *status = 500;
        snprintf(err, errlen, "out of memory");
    }
    flight_release(f);
    pthread_mutex_unlock(&r->flights_lock);
    return body;
}

/* Runs q and returns InfluxDB's "results" array (caller decrefs), or NULL with *status (502,
 * 503, 500) and err set. channel and ticket as fetch_shared (*ticket is NULL on failure). */
static json_t *run_query(influx_reader *r, const char *q, const char *channel,
                         influx_ticket **ticket, int *status, char *err, size_t errlen)
{
    long code = 0;
    char *body = fetch_shared(r, q, channel, ticket, &code, status, err, errlen);
    json_t *root = NULL, *results = NULL;
    if (code == 0)
        goto out;
    *status = 500;
    root = body ? json_loads(body, 0, NULL) : NULL;
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
    free(body);
    if (!results && ticket) {
        influx_cache_drop(r->cache, *ticket);
        *ticket = NULL;
    }
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

/* Cuts text at its first ';' outside a quoted literal (reader_query.c writes only \\ and \'
 * escapes inside one) and returns the second statement, or "" when there is none. */
static char *split_statements(char *text)
{
    int in = 0;
    for (char *p = text; *p; p++) {
        if (in && *p == '\\' && p[1])
            p++;
        else if (*p == '\'')
            in = !in;
        else if (!in && *p == ';') {
            *p = '\0';
            return p[1] == ' ' ? p + 2 : p + 1;
        }
    }
    return text + strlen(text);
}

/* The count statement run on its own thread, beside the page (or detached, a refresh). */
typedef struct count_job {
    influx_reader *r;
    char *text;            /* the count statement */
    char *channel;         /* what it counts (both owned by a refresh, else the request's) */
    influx_ticket *ticket; /* from fetch_shared when this job sent the query, else NULL */
    json_t *results;       /* NULL on failure, with status and err */
    int status;
    char err[LB_ERRLEN];
} count_job;

static void *count_run(void *arg)
{
    count_job *j = arg;
    j->results =
        run_query(j->r, j->text, j->channel, &j->ticket, &j->status, j->err, sizeof j->err);
    return NULL;
}

/* A detached refresh of a stale total: counts, stores, frees the job. */
static void *count_refresh(void *arg)
{
    count_job *j = arg;
    influx_reader *r = j->r;
    count_run(j);
    influx_cache_total_put(r->cache, j->ticket, j->channel, j->text,
                           j->results ? total_of(series_of(j->results, 0)) : 0, j->results != NULL);
    json_decref(j->results);
    free(j->text);
    free(j->channel);
    free(j);
    pthread_mutex_lock(&r->refreshers_lock);
    if (--r->refreshers == 0)
        pthread_cond_broadcast(&r->refreshers_done);
    pthread_mutex_unlock(&r->refreshers_lock);
    return NULL;
}

/* Starts count_refresh for count (about channel); gives the refresh up when it cannot. */
static void refresh_total(influx_reader *r, const char *channel, const char *count)
{
    count_job *j = calloc(1, sizeof *j);
    pthread_t th;
    pthread_attr_t attr;
    int started = 0;
    if (j && (j->text = strdup(count)) != NULL && (j->channel = strdup(channel)) != NULL) {
        j->r = r;
        pthread_mutex_lock(&r->refreshers_lock);
        r->refreshers++;
        pthread_mutex_unlock(&r->refreshers_lock);
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        started = pthread_create(&th, &attr, count_refresh, j) == 0;
        pthread_attr_destroy(&attr);
        if (!started) {
            pthread_mutex_lock(&r->refreshers_lock);
            r->refreshers--;
            pthread_mutex_unlock(&r->refreshers_lock);
        }
    }
    if (!started) {
        if (j) {
            free(j->text);
            free(j->channel);
        }
        free(j);
        influx_cache_total_put(r->cache, NULL, channel, count, 0, 0);
    }
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

/* The page statement q's messages, rendered (malloc'd) and offered to the page cache; or NULL
 * with status and err set. */
static char *fetch_page(influx_reader *r, const char *channel, const char *q, int *status,
                        char *err, size_t errlen)
{
    influx_ticket *t = NULL;
    json_t *results = run_query(r, q, channel, &t, status, err, errlen);
    if (!results)
        return NULL;
    json_t *msgs = json_array();
    json_t *page = series_of(results, 0);
    json_t *columns = json_object_get(page, "columns");
    json_t *rows = json_object_get(page, "values");
    for (size_t i = 0; msgs && i < json_array_size(rows); i++)
        json_array_append_new(msgs, message_of(columns, json_array_get(rows, i)));
    char *text = msgs ? json_dumps(msgs, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
    json_decref(msgs);
    json_decref(results);
    if (!text) {
        influx_cache_drop(r->cache, t);
        *status = 500;
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    influx_cache_page_put(r->cache, t, q, text);
    return text;
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
    char *count = split_statements(q.text);
    json_int_t total = 0;
    int state = influx_cache_total_get(r->cache, count, &total), threaded = 0;
    count_job job = {.r = r, .text = count, .channel = (char *)channel, .status = 500};
    pthread_t th;
    if (state == INFLUX_TOTAL_REFRESH)
        refresh_total(r, channel, count); /* this answer carries the stale total */
    if (state == INFLUX_TOTAL_MISS) {
        threaded = pthread_create(&th, NULL, count_run, &job) == 0;
        if (!threaded)
            count_run(&job);
    }
    char *msgs = influx_cache_page_get(r->cache, q.text);
    r->host->counter_add(msgs ? r->page_hits : r->page_misses, 1);
    if (!msgs)
        msgs = fetch_page(r, channel, q.text, &status, err, sizeof err);
    if (threaded)
        pthread_join(th, NULL);
    if (state == INFLUX_TOTAL_MISS) {
        if (job.results)
            total = total_of(series_of(job.results, 0));
        influx_cache_total_put(r->cache, job.ticket, channel, count, total, job.results != NULL);
        if (!job.results && msgs) {
            free(msgs);
            msgs = NULL;
            status = job.status;
            snprintf(err, sizeof err, "%s", job.err);
        }
    }
    char *text = NULL;
    if (msgs && asprintf(&text,
                         "{\"offset\":%ld,\"limit\":%ld,\"total\":%" JSON_INTEGER_FORMAT
                         ",\"messages\":%s}",
                         q.offset, q.limit, total, msgs) < 0) {
        text = NULL;
        status = 500;
        snprintf(err, sizeof err, "out of memory");
    }
    free(msgs);
    json_decref(job.results);
    influx_messages_query_clear(&q);
    if (!text)
        return fail(r, ROUTE_MESSAGES, resp, status, err);
    return answer_text(r, ROUTE_MESSAGES, resp, 200, text);
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
    json_t *results = run_query(r, q.text, NULL, NULL, &status, err, sizeof err);
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

static void on_written(const lb_bus_msg *msg, void *arg)
{
    influx_reader *r = arg;
    influx_cache_written(r->cache, msg->data, msg->len);
}

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
    pthread_mutex_init(&r->refreshers_lock, NULL);
    pthread_cond_init(&r->refreshers_done, NULL);
    pthread_mutex_init(&r->flights_lock, NULL);
    pthread_cond_init(&r->flights_done, NULL);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    r->url = strdup(t->url);
    r->db = strdup(t->db);
    r->authz = lb_authz_new(host->bus, 0, 0);
    r->cache = influx_cache_new(t->cache_seconds);
    r->query_seconds = host->histogram(host, "lb_reader_influx_query_seconds",
                                       "InfluxDB query time of the reader", NULL, 0);
    for (int i = 0; i < NROUTES; i++)
        for (size_t k = 0; k < NCODES; k++) {
            char name[128];
            snprintf(name, sizeof name, "lb_reader_requests_total{route=\"%s\",code=\"%d\"}",
                     ROUTE_NAMES[i], CODES[k]);
            r->requests[i][k] = host->counter(host, name, "Reader requests by route and status");
        }
    r->page_hits = host->counter(host, "lb_reader_page_cache_total{result=\"hit\"}",
                                 "Reader pages answered from the cache, or fetched");
    r->page_misses = host->counter(host, "lb_reader_page_cache_total{result=\"miss\"}",
                                   "Reader pages answered from the cache, or fetched");
    if (!r->url || !r->db || !r->authz || !r->cache) {
        host->log(host, LB_LOG_ERROR, "reader not started", "reason=%s", "out of memory or no bus");
        goto fail;
    }
    int rc = host->subscribe(host, INFLUX_WRITTEN, NULL, on_written, r, &r->written);
    if (rc != 0) {
        host->log(host, LB_LOG_ERROR, "reader: cannot subscribe", "subject=%s error=%s",
                  INFLUX_WRITTEN, lb_strerror(rc));
        goto fail;
    }
    for (int i = 0; i < NROUTES; i++) {
        rc = host->http_route(host, "GET", ROUTES[i].pattern, 0, ROUTES[i].handler, r);
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
    if (r->written)
        r->host->unsubscribe(r->host, r->written);
    pthread_mutex_lock(&r->refreshers_lock); /* a refresh uses r until it ends */
    while (r->refreshers > 0)
        pthread_cond_wait(&r->refreshers_done, &r->refreshers_lock);
    pthread_mutex_unlock(&r->refreshers_lock);
    for (size_t i = 0; i < r->npool; i++)
        curl_easy_cleanup(r->pool[i]);
    lb_authz_free(r->authz);
    influx_cache_free(r->cache);
    pthread_mutex_destroy(&r->lock);
    pthread_mutex_destroy(&r->refreshers_lock);
    pthread_cond_destroy(&r->refreshers_done);
    pthread_mutex_destroy(&r->flights_lock);
    pthread_cond_destroy(&r->flights_done);
    free(r->url);
    free(r->db);
    free(r);
    curl_global_cleanup();
}
