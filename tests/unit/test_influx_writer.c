/* Unit tests of the InfluxDB writer's delivery rules (writers/influxdb/writer.h) and of
 * influx_create_db (http.c), against a fake InfluxDB in this process: a thread serving
 * HTTP/1.1 on a loopback port (keep-alive, Content-Length bodies, gzip'd ones inflated) that
 * records every request and answers by a rule each test picks. A fake lb_host keeps the
 * writer's bus callback, so the tests deliver envelopes themselves, and its metrics.
 * Each test starts a writer with its spill file in a fresh mkdtemp folder. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "writer.h"

#include <lyrebird/error.h>
#include <lyrebird/message.h>
#include <lyrebird/payload.h>

#define DB           "x"
#define MAX_REQUESTS 256
#define MAX_CONNS    8
#define WAIT_MS      3000
#define AT_STOP      60000 /* flush_ms: one batch, sent when the writer stops */
#define SOON         20    /* flush_ms: batches go out while the test waits */

/* ---- the fake host ---- */

/* a counter, or a gauge (whose value the tests do not check) */
typedef struct metric {
    char name[64];
    uint64_t count;
} metric;

static struct {
    lb_host h;
    pthread_mutex_t lock; /* metrics being registered */
    metric metrics[16];
    size_t nmetrics;
    lb_bus_handler cb; /* the writer's subscription */
    void *cb_arg;
    char subject[64], queue[64];
    char notices[256]; /* INFLUX_WRITTEN payloads, each followed by '|' */
    size_t nnotices;
} fake;

static void fake_log(const lb_host *h, lb_log_level level, const char *msg, const char *kv_fmt, ...)
{
    if (!getenv("LB_TEST_VERBOSE"))
        return;
    fprintf(stderr, "[writer %d] %s", (int)level, msg);
    if (kv_fmt) {
        va_list ap;
        va_start(ap, kv_fmt);
        fputc(' ', stderr);
        vfprintf(stderr, kv_fmt, ap);
        va_end(ap);
    }
    fputc('\n', stderr);
}

static metric *metric_named(const char *name)
{
    pthread_mutex_lock(&fake.lock);
    metric *m = NULL;
    for (size_t i = 0; i < fake.nmetrics && !m; i++)
        if (strcmp(fake.metrics[i].name, name) == 0)
            m = &fake.metrics[i];
    if (!m && fake.nmetrics < sizeof fake.metrics / sizeof fake.metrics[0]) {
        m = &fake.metrics[fake.nmetrics++];
        snprintf(m->name, sizeof m->name, "%s", name);
    }
    pthread_mutex_unlock(&fake.lock);
    return m;
}

static lb_counter *fake_counter(const lb_host *h, const char *name, const char *help)
{
    return (lb_counter *)metric_named(name);
}

static lb_gauge *fake_gauge(const lb_host *h, const char *name, const char *help)
{
    return (lb_gauge *)metric_named(name);
}

static void fake_counter_add(lb_counter *c, uint64_t n)
{
    __atomic_add_fetch(&((metric *)c)->count, n, __ATOMIC_SEQ_CST);
}

static void fake_gauge_set(lb_gauge *g, double v) {}

static uint64_t counter(const char *name)
{
    return __atomic_load_n(&metric_named(name)->count, __ATOMIC_SEQ_CST);
}

static int fake_subscribe(const lb_host *h, const char *subject, const char *queue,
                          lb_bus_handler cb, void *arg, lb_bus_sub **out)
{
    snprintf(fake.subject, sizeof fake.subject, "%s", subject);
    snprintf(fake.queue, sizeof fake.queue, "%s", queue ? queue : "");
    fake.cb = cb;
    fake.cb_arg = arg;
    *out = (lb_bus_sub *)&fake; /* any non-NULL handle */
    return 0;
}

static void fake_unsubscribe(const lb_host *h, lb_bus_sub *sub)
{
    fake.cb = NULL;
}

/* the writer's notices to the readers (INFLUX_WRITTEN), kept for notices_name_the_channels */
static int fake_publish(const lb_host *h, const char *subject, const void *data, size_t len)
{
    size_t used = strlen(fake.notices);
    assert_string_equal(subject, INFLUX_WRITTEN);
    pthread_mutex_lock(&fake.lock);
    snprintf(fake.notices + used, sizeof fake.notices - used, "%.*s|", (int)len,
             (const char *)data);
    fake.nnotices++;
    pthread_mutex_unlock(&fake.lock);
    return 0;
}

static void fake_reset(void)
{
    memset(&fake, 0, sizeof fake);
    pthread_mutex_init(&fake.lock, NULL);
    /* only what writer.c uses: a NULL member it starts to call shows as a crash */
    fake.h = (lb_host){.abi = LB_PLUGIN_ABI,
                       .size = sizeof(lb_host),
                       .plugin = "influxdb",
                       .log = fake_log,
                       .publish = fake_publish,
                       .subscribe = fake_subscribe,
                       .unsubscribe = fake_unsubscribe,
                       .counter = fake_counter,
                       .gauge = fake_gauge,
                       .counter_add = fake_counter_add,
                       .gauge_set = fake_gauge_set};
}

/* Delivers a bus message to the writer as the bus would: an envelope on channel whose
 * payload is SenML. */
static void deliver_on(const char *channel, const char *payload)
{
    lb_message m = {.channel = channel,
                    .publisher = "t-1",
                    .payload = (const uint8_t *)payload,
                    .payload_len = strlen(payload),
                    .created = lb_now_ns(),
                    .content_type = LB_CT_SENML};
    size_t n = lb_message_packed_size(&m);
    uint8_t *buf = malloc(n);
    assert_non_null(buf);
    lb_message_pack(&m, buf);
    assert_non_null(fake.cb);
    fake.cb(&(lb_bus_msg){.subject = "channels.x", .data = buf, .len = n}, fake.cb_arg);
    free(buf);
}

/* A message on channel c-1 whose SenML record is named name, with value i at time
 * 1700000000 + i s. */
static void deliver(int i, const char *name)
{
    char payload[128];
    snprintf(payload, sizeof payload, "[{\"n\":\"%s\",\"v\":%d,\"t\":%d}]", name, i,
             1700000000 + i);
    deliver_on("c-1", payload);
}

/* ---- the fake InfluxDB ---- */

typedef struct request {
    char method[8];
    char target[256];
    int gzip;   /* the body came gzip'd (kept inflated) */
    char *body; /* NUL-terminated */
    size_t len;
    int status; /* the answer */
} request;

typedef struct fake_influx fake_influx;
/* The answer to r, decided with the server's lock held: returns the status, sets *body. */
typedef int (*rule_fn)(fake_influx *s, const request *r, const char **body);

struct fake_influx {
    int fd, port, stop;
    rule_fn rule;
    pthread_t thread;
    pthread_mutex_t lock; /* what follows */
    request req[MAX_REQUESTS];
    size_t nreq;
    size_t writes; /* /write requests answered */
    int db_created;
};

typedef struct conn {
    int fd;
    char *buf;
    size_t len, cap;
    int continued; /* "100 Continue" sent for the request in buf */
} conn;

/* A check on the server's thread, where cmocka's asserts (a longjmp) cannot be used. */
static void must(int ok)
{
    if (!ok)
        abort();
}

static int is_write(const request *r)
{
    return strncmp(r->target, "/write?", 7) == 0;
}

static int is_query(const request *r)
{
    return strcmp(r->method, "POST") == 0 && strncmp(r->target, "/query", 6) == 0;
}

static void send_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n <= 0)
            return;
        p += n;
        len -= (size_t)n;
    }
}

/* Inflates a gzip body into *out (NUL-terminated). Returns 0 or -1. */
static int gunzip(const char *in, size_t len, char **out, size_t *outlen)
{
    z_stream z = {0};
    if (inflateInit2(&z, 15 + 16) != Z_OK)
        return -1;
    size_t cap = len * 4 + 64;
    char *o = malloc(cap);
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)len;
    int rc = Z_OK;
    while (o && rc == Z_OK) {
        if (z.total_out + 1 >= cap) {
            char *g = realloc(o, cap *= 2);
            if (!g)
                break;
            o = g;
        }
        z.next_out = (Bytef *)o + z.total_out;
        z.avail_out = (uInt)(cap - z.total_out - 1);
        rc = inflate(&z, Z_NO_FLUSH);
    }
    inflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(o);
        return -1;
    }
    o[z.total_out] = '\0';
    *out = o;
    *outlen = z.total_out;
    return 0;
}

/* Reads the request line and the headers this server cares about. */
static void parse_head(const char *buf, size_t len, request *r, size_t *clen, int *expect)
{
    char *head = strndup(buf, len);
    must(head != NULL);
    sscanf(head, "%7s %255s", r->method, r->target);
    char *save = NULL;
    for (char *l = strtok_r(head, "\r\n", &save); l; l = strtok_r(NULL, "\r\n", &save)) {
        if (strncasecmp(l, "Content-Length:", 15) == 0)
            *clen = strtoul(l + 15, NULL, 10);
        else if (strncasecmp(l, "Content-Encoding:", 17) == 0)
            r->gzip = strstr(l + 17, "gzip") != NULL;
        else if (strncasecmp(l, "Expect:", 7) == 0)
            *expect = strstr(l + 7, "100-continue") != NULL;
    }
    free(head);
}

/* Records r, answers it by the rule. Takes r->body. */
static void answer(fake_influx *s, int fd, request *r)
{
    const char *body = "";
    pthread_mutex_lock(&s->lock);
    r->status = s->rule(s, r, &body);
    s->writes += is_write(r);
    if (s->nreq < MAX_REQUESTS)
        s->req[s->nreq++] = *r;
    else
        free(r->body);
    pthread_mutex_unlock(&s->lock);
    char head[256];
    int n = r->status == 204 ? snprintf(head, sizeof head, "HTTP/1.1 204 No Content\r\n\r\n")
                             : snprintf(head, sizeof head,
                                        "HTTP/1.1 %d Fake\r\nContent-Type: application/json\r\n"
                                        "Content-Length: %zu\r\n\r\n",
                                        r->status, strlen(body));
    send_all(fd, head, (size_t)n);
    send_all(fd, body, r->status == 204 ? 0 : strlen(body));
}

/* Answers the first request in c's buffer once it is whole. Returns 1 when it answered one. */
static int serve_one(fake_influx *s, conn *c)
{
    char *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
    if (!end)
        return 0;
    size_t head = (size_t)(end + 4 - c->buf), clen = 0;
    int expect = 0;
    request r = {0};
    parse_head(c->buf, head, &r, &clen, &expect);
    if (c->len < head + clen) {
        /* curl waits for this before sending a large body */
        if (expect && !c->continued)
            send_all(c->fd, "HTTP/1.1 100 Continue\r\n\r\n", 25);
        c->continued = 1;
        return 0;
    }
    if (r.gzip) {
        if (gunzip(c->buf + head, clen, &r.body, &r.len) != 0)
            r.body = strdup("(not gzip)");
    } else {
        r.body = strndup(c->buf + head, clen);
        r.len = clen;
    }
    must(r.body != NULL);
    answer(s, c->fd, &r);
    c->len -= head + clen;
    memmove(c->buf, c->buf + head + clen, c->len);
    c->continued = 0;
    return 1;
}

static void close_conn(conn *c)
{
    close(c->fd);
    free(c->buf);
    *c = (conn){.fd = -1};
}

static void read_conn(fake_influx *s, conn *c)
{
    if (c->cap - c->len < 65536) {
        char *b = realloc(c->buf, c->cap + 65536);
        must(b != NULL);
        c->buf = b;
        c->cap += 65536;
    }
    ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
    if (n <= 0) {
        close_conn(c);
        return;
    }
    c->len += (size_t)n;
    while (serve_one(s, c))
        ;
}

static void *serve(void *arg)
{
    fake_influx *s = arg;
    conn conns[MAX_CONNS];
    for (int i = 0; i < MAX_CONNS; i++)
        conns[i] = (conn){.fd = -1};
    while (!__atomic_load_n(&s->stop, __ATOMIC_SEQ_CST)) {
        struct pollfd pfd[MAX_CONNS + 1] = {{.fd = s->fd, .events = POLLIN}};
        for (int i = 0; i < MAX_CONNS; i++)
            pfd[i + 1] = (struct pollfd){.fd = conns[i].fd, .events = POLLIN};
        if (poll(pfd, MAX_CONNS + 1, 20) <= 0)
            continue;
        for (int i = 0; i < MAX_CONNS; i++)
            if (pfd[i + 1].revents)
                read_conn(s, &conns[i]);
        if (pfd[0].revents & POLLIN) {
            int fd = accept(s->fd, NULL, NULL);
            for (int i = 0; i < MAX_CONNS && fd >= 0; i++)
                if (conns[i].fd < 0) {
                    conns[i].fd = fd;
                    fd = -1;
                }
            if (fd >= 0)
                close(fd); /* more connections than a writer ever opens */
        }
    }
    for (int i = 0; i < MAX_CONNS; i++)
        if (conns[i].fd >= 0)
            close_conn(&conns[i]);
    return NULL;
}

static void server_start(fake_influx *s, rule_fn rule)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
    s->rule = rule;
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s->fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(s->fd, 16), 0);
    assert_int_equal(getsockname(s->fd, (struct sockaddr *)&a, &alen), 0);
    s->port = ntohs(a.sin_port);
    assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
}

static void server_stop(fake_influx *s)
{
    __atomic_store_n(&s->stop, 1, __ATOMIC_SEQ_CST);
    pthread_join(s->thread, NULL);
    close(s->fd);
    for (size_t i = 0; i < s->nreq; i++)
        free(s->req[i].body);
    pthread_mutex_destroy(&s->lock);
}

/* ---- rules ---- */

static const char *const query_ok = "{\"results\":[{\"statement_id\":0}]}";

static int rule_ok(fake_influx *s, const request *r, const char **body)
{
    *body = is_write(r) ? "" : query_ok;
    return is_write(r) ? 204 : 200;
}

/* InfluxDB refuses a whole batch that holds a line it cannot parse (no "partial write") */
static int rule_poison(fake_influx *s, const request *r, const char **body)
{
    if (is_write(r) && strstr(r->body, "poison")) {
        *body = "{\"error\":\"unable to parse 'messages,name=poison v=': missing field value\"}";
        return 400;
    }
    return rule_ok(s, r, body);
}

static int rule_partial(fake_influx *s, const request *r, const char **body)
{
    if (is_write(r) && s->writes == 0) {
        *body = "{\"error\":\"partial write: field type conflict: input field \\\"value\\\" on "
                "measurement \\\"messages\\\" is type float, already exists as type string "
                "dropped=2\"}";
        return 400;
    }
    return rule_ok(s, r, body);
}

static int rule_flaky(fake_influx *s, const request *r, const char **body)
{
    if (is_write(r) && s->writes < 2) {
        *body = "{\"error\":\"timeout\"}";
        return 500;
    }
    return rule_ok(s, r, body);
}

static int rule_no_db(fake_influx *s, const request *r, const char **body)
{
    if (is_query(r) && strstr(r->body, "CREATE"))
        s->db_created = 1;
    if (is_write(r) && !s->db_created) {
        *body = "{\"error\":\"database not found: \\\"" DB "\\\"\"}";
        return 404;
    }
    return rule_ok(s, r, body);
}

static int rule_create_denied(fake_influx *s, const request *r, const char **body)
{
    *body = "{\"results\":[{\"statement_id\":0,\"error\":\"error authorizing query: alice not "
            "authorized to execute statement 'CREATE DATABASE x', requires admin privilege\"}]}";
    return 200;
}

static int rule_create_error(fake_influx *s, const request *r, const char **body)
{
    *body = "{\"error\":\"error parsing query: found \\\"\\\", expected identifier\"}";
    return 200;
}

static int rule_create_not_json(fake_influx *s, const request *r, const char **body)
{
    *body = "<html>a proxy</html>";
    return 200;
}

/* ---- what the server saw ---- */

/* Occurrences of needle in the /write bodies the server answered with a status in
 * [lo, hi]. */
static size_t seen(fake_influx *s, const char *needle, int lo, int hi)
{
    size_t n = 0;
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < s->nreq; i++) {
        if (!is_write(&s->req[i]) || s->req[i].status < lo || s->req[i].status > hi)
            continue;
        for (const char *p = s->req[i].body; (p = strstr(p, needle)); p++)
            n++;
    }
    pthread_mutex_unlock(&s->lock);
    return n;
}

static size_t stored(fake_influx *s, const char *needle)
{
    return seen(s, needle, 200, 299);
}

/* The /write requests that came gzip'd. */
static size_t gzipped(fake_influx *s)
{
    size_t n = 0;
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < s->nreq; i++)
        n += is_write(&s->req[i]) && s->req[i].gzip;
    pthread_mutex_unlock(&s->lock);
    return n;
}

/* Waits until the server has stored want points. Returns 1, or 0 after WAIT_MS. */
static int wait_stored(fake_influx *s, size_t want)
{
    for (int ms = 0; ms < WAIT_MS; ms += 5) {
        if (stored(s, "\n") >= want)
            return 1;
        nanosleep(&(struct timespec){0, 5 * 1000000L}, NULL);
    }
    return 0;
}

/* ---- fixture ---- */

typedef struct fixture {
    char dir[64], spill[128], url[64];
    fake_influx server;
    influx_writer *w;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/lb-influx-writer-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->spill, sizeof f->spill, "%s/spill.dat", f->dir);
    fake_reset();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    influx_writer_free(f->w);
    if (f->url[0])
        server_stop(&f->server);
    DIR *d = opendir(f->dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        char path[sizeof f->dir + sizeof e->d_name + 1];
        snprintf(path, sizeof path, "%s/%s", f->dir, e->d_name);
        if (e->d_name[0] != '.')
            unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Starts the fake InfluxDB with rule, then a writer subscribed to the fake host. */
static void start(fixture *f, rule_fn rule, int gzip, long flush_ms)
{
    char err[LB_ERRLEN] = "";
    server_start(&f->server, rule);
    snprintf(f->url, sizeof f->url, "http://127.0.0.1:%d", f->server.port);
    influx_writer_cfg cfg = {.url = f->url,
                             .db = DB,
                             .spill_path = f->spill,
                             .batch_points = 1000,
                             .flush_ms = flush_ms,
                             .queue_points = 10000,
                             .timeout_ms = 2000,
                             .gzip = gzip};
    f->w = influx_writer_new(&fake.h, &cfg, err, sizeof err);
    assert_non_null(f->w);
    assert_int_equal(influx_writer_start(f->w), 0);
    assert_string_equal(fake.subject, "channels.>");
    assert_string_equal(fake.queue, "influxdb");
}

static void deliver_points(int n, int poisoned)
{
    for (int i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof name, "m%d", i);
        deliver(i, i == poisoned ? "poison" : name);
    }
}

/* Every point but the poisoned one (-1: none) was stored exactly once. */
static void assert_stored_once(fake_influx *s, int n, int poisoned)
{
    for (int i = 0; i < n; i++) {
        char needle[32];
        snprintf(needle, sizeof needle, ",name=m%d ", i);
        assert_int_equal(stored(s, i == poisoned ? ",name=poison " : needle), i != poisoned);
    }
    assert_int_equal(stored(s, "\n"), n - (poisoned >= 0));
}

/* ---- delivery ---- */

static void every_point_is_written_once(void **state)
{
    fixture *f = *state;
    start(f, rule_ok, 0, AT_STOP);
    deliver_points(50, -1);
    influx_writer_stop(f->w);
    assert_stored_once(&f->server, 50, -1);
    assert_int_equal(gzipped(&f->server), 0);
    assert_int_equal(counter("lb_influx_points_written_total"), 50);
    assert_int_equal(counter("lb_influx_dropped_points_total"), 0);
    assert_int_equal(counter("lb_influx_retries_total"), 0);
    assert_int_equal(counter("lb_influx_spilled_points_total"), 0);
}

static void gzip_bodies_carry_every_point_once(void **state)
{
    fixture *f = *state;
    start(f, rule_ok, 1, AT_STOP);
    deliver_points(50, -1);
    influx_writer_stop(f->w);
    assert_stored_once(&f->server, 50, -1);
    assert_true(f->server.writes > 0);
    assert_int_equal(gzipped(&f->server), f->server.writes);
    assert_int_equal(counter("lb_influx_points_written_total"), 50);
}

static void bad_line_is_bisected_out_and_dropped_alone(void **state)
{
    fixture *f = *state;
    start(f, rule_poison, 0, AT_STOP);
    deliver_points(20, 13);
    influx_writer_stop(f->w);
    assert_stored_once(&f->server, 20, 13);
    assert_true(f->server.writes > 2); /* it took halves to find the line */
    assert_int_equal(counter("lb_influx_dropped_points_total"), 1);
    assert_int_equal(counter("lb_influx_points_written_total"), 19);
    assert_int_equal(counter("lb_influx_retries_total"), 0);
}

/* A string value may hold newlines (line.h): halving a batch cuts between points, never inside
 * one. */
static void bisection_cuts_between_points_not_inside_strings(void **state)
{
    fixture *f = *state;
    start(f, rule_poison, 0, AT_STOP);
    for (int i = 0; i < 20; i++) {
        char payload[160];
        if (i == 13)
            snprintf(payload, sizeof payload, "[{\"n\":\"poison\",\"v\":1,\"t\":%d}]",
                     1700000000 + i);
        else
            snprintf(payload, sizeof payload,
                     "[{\"n\":\"m%d\",\"vs\":\"a\\nb\\n\\nc\\\"d\\n\",\"t\":%d}]", i,
                     1700000000 + i);
        deliver_on("c-1", payload);
    }
    influx_writer_stop(f->w);
    for (int i = 0; i < 20; i++) {
        char needle[64];
        snprintf(needle, sizeof needle, ",name=m%d stringValue=\"a\nb\n\nc\\\"d\n\"", i);
        assert_int_equal(stored(&f->server, i == 13 ? ",name=poison " : needle), i != 13);
    }
    assert_int_equal(counter("lb_influx_dropped_points_total"), 1);
    assert_int_equal(counter("lb_influx_points_written_total"), 19);
}

/* After each acknowledged batch the readers hear which channels have new points. */
static void notices_name_the_channels(void **state)
{
    fixture *f = *state;
    start(f, rule_ok, 0, AT_STOP);
    deliver_on("c-b", "[{\"n\":\"x\",\"v\":1}]");
    deliver_on("c-a", "[{\"n\":\"x\",\"v\":2}]");
    deliver_on("c-b", "[{\"n\":\"x\",\"v\":3}]");
    influx_writer_stop(f->w);
    assert_int_equal(stored(&f->server, "\n"), 3);
    assert_string_equal(fake.notices, "c-a\nc-b\n|"); /* one batch: its channels, sorted, once */
}

/* A channel id no notice line can carry (anyone may publish an envelope) makes the notice
 * say "any channel", once. */
static void notice_for_a_huge_channel_id_says_any(void **state)
{
    fixture *f = *state;
    char channel[70 * 1024];
    memset(channel, 'x', sizeof channel - 1);
    channel[sizeof channel - 1] = '\0';
    start(f, rule_ok, 0, AT_STOP);
    deliver_on(channel, "[{\"n\":\"x\",\"v\":1}]");
    deliver_on("c-a", "[{\"n\":\"x\",\"v\":2}]");
    influx_writer_stop(f->w);
    assert_int_equal(stored(&f->server, "\n"), 2);
    assert_string_equal(fake.notices, "|");
    assert_int_equal(fake.nnotices, 1);
}

static void partial_write_counts_the_dropped_and_is_not_retried(void **state)
{
    fixture *f = *state;
    start(f, rule_partial, 0, AT_STOP);
    deliver_points(10, -1);
    influx_writer_stop(f->w);
    /* every point went out once, whatever InfluxDB answered */
    assert_int_equal(seen(&f->server, "\n", 0, 999), 10);
    for (int i = 0; i < 10; i++) {
        char needle[16];
        snprintf(needle, sizeof needle, ",name=m%d ", i);
        assert_int_equal(seen(&f->server, needle, 0, 999), 1);
    }
    assert_int_equal(counter("lb_influx_dropped_points_total"), 2);
    assert_int_equal(counter("lb_influx_points_written_total"), 8);
    assert_int_equal(counter("lb_influx_retries_total"), 0);
}

static void server_errors_retry_the_same_batch(void **state)
{
    fixture *f = *state;
    start(f, rule_flaky, 0, SOON);
    deliver_points(10, -1);
    assert_true(wait_stored(&f->server, 10));
    influx_writer_stop(f->w);
    fake_influx *s = &f->server;
    assert_true(s->nreq >= 3);
    for (size_t i = 0; i < 3; i++)
        assert_true(is_write(&s->req[i]));
    assert_int_equal(s->req[0].status, 500);
    assert_int_equal(s->req[1].status, 500);
    assert_int_equal(s->req[2].status, 204);
    /* byte for byte: a retried line is the same point, so a lost answer stores nothing twice */
    assert_int_equal(s->req[1].len, s->req[0].len);
    assert_int_equal(s->req[2].len, s->req[0].len);
    assert_memory_equal(s->req[1].body, s->req[0].body, s->req[0].len);
    assert_memory_equal(s->req[2].body, s->req[0].body, s->req[0].len);
    assert_stored_once(s, 10, -1);
    assert_int_equal(counter("lb_influx_retries_total"), 2);
    assert_int_equal(counter("lb_influx_points_written_total"), 10);
}

/* Decodes an application/x-www-form-urlencoded value in place. */
static void form_decode(char *s)
{
    char *o = s;
    for (char *p = s; *p; p++) {
        unsigned v;
        if (*p == '+') {
            *o++ = ' ';
        } else if (*p == '%' && sscanf(p + 1, "%2x", &v) == 1) {
            *o++ = (char)v;
            p += 2;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
}

static void missing_database_is_created_then_written(void **state)
{
    fixture *f = *state;
    start(f, rule_no_db, 0, SOON);
    deliver_points(5, -1);
    assert_true(wait_stored(&f->server, 5));
    influx_writer_stop(f->w);
    fake_influx *s = &f->server;
    /* a /write refused, CREATE DATABASE, the /write again */
    assert_true(s->nreq >= 3);
    assert_true(is_write(&s->req[0]));
    assert_int_equal(s->req[0].status, 404);
    assert_true(is_query(&s->req[1]));
    form_decode(s->req[1].body);
    assert_string_equal(s->req[1].body, "q=CREATE DATABASE \"" DB "\"");
    assert_true(is_write(&s->req[2]));
    assert_int_equal(s->req[2].status, 204);
    assert_stored_once(s, 5, -1);
    assert_int_equal(counter("lb_influx_retries_total"), 1);
    assert_int_equal(counter("lb_influx_points_written_total"), 5);
}

/* ---- CREATE DATABASE ---- */

static int create_db_against(fixture *f, rule_fn rule, char *err, size_t errlen)
{
    server_start(&f->server, rule);
    snprintf(f->url, sizeof f->url, "http://127.0.0.1:%d", f->server.port);
    return influx_create_db(f->url, DB, err, errlen);
}

static void create_db_succeeds_on_a_clean_200(void **state)
{
    char err[LB_ERRLEN] = "";
    assert_int_equal(create_db_against(*state, rule_ok, err, sizeof err), 0);
}

static void create_db_fails_on_a_statement_error(void **state)
{
    char err[LB_ERRLEN] = "";
    assert_int_equal(create_db_against(*state, rule_create_denied, err, sizeof err), LB_EIO);
    assert_string_equal(err, "CREATE DATABASE failed: error authorizing query: alice not "
                             "authorized to execute statement 'CREATE DATABASE x', requires "
                             "admin privilege");
}

static void create_db_fails_on_a_top_level_error(void **state)
{
    char err[LB_ERRLEN] = "";
    assert_int_equal(create_db_against(*state, rule_create_error, err, sizeof err), LB_EIO);
    assert_string_equal(
        err, "CREATE DATABASE failed: error parsing query: found \"\", expected identifier");
}

static void create_db_fails_when_not_influxdb_answers(void **state)
{
    char err[LB_ERRLEN] = "";
    assert_int_equal(create_db_against(*state, rule_create_not_json, err, sizeof err), LB_EIO);
    assert_non_null(strstr(err, "CREATE DATABASE failed: "));
    assert_non_null(strstr(err, "<html>a proxy</html>"));
}

#define TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        TEST(every_point_is_written_once),
        TEST(gzip_bodies_carry_every_point_once),
        TEST(bad_line_is_bisected_out_and_dropped_alone),
        TEST(bisection_cuts_between_points_not_inside_strings),
        TEST(notices_name_the_channels),
        TEST(notice_for_a_huge_channel_id_says_any),
        TEST(partial_write_counts_the_dropped_and_is_not_retried),
        TEST(server_errors_retry_the_same_batch),
        TEST(missing_database_is_created_then_written),
        TEST(create_db_succeeds_on_a_clean_200),
        TEST(create_db_fails_on_a_statement_error),
        TEST(create_db_fails_on_a_top_level_error),
        TEST(create_db_fails_when_not_influxdb_answers),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return failed;
}
