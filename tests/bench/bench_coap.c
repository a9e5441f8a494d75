/* Benchmark of the CoAP adapter: confirmable POSTs per second from many concurrent clients.
 *
 * The load generator is one thread with CLIENTS connected UDP sockets (each one CoAP
 * client, so one libcoap session on the server), each keeping WINDOW confirmable POSTs in
 * flight: a response (piggybacked ACK) releases the next request. It counts 2.04 answers;
 * any other answer is an error, and a socket with no answer for 500 ms is refilled (the
 * requests counted lost). Packets are built by hand from a template (the message id and
 * token are patched per request) and moved with sendmmsg/recvmmsg.
 *
 * Targets, alternating, ROUNDS times each, medians quoted:
 *   adapter   `lyrebird run things coap` (started with the test harness against a real
 *             nats-server) with a thing connected to a channel: POST
 *             channels/<id>/messages?auth=<key> with a SenML body, so every request is
 *             authorized (cache hit), checked as SenML and published on the bus
 *   baseline  a trivial libcoap server in this process, one thread, whose POST handler
 *             answers 2.04 and does nothing else, built as the adapter builds its context
 *
 * Prints `coap_post: NNNNN posts/s (...)`. Usage: bench_coap [seconds per round]. Exits 1
 * when setting up failed or a round saw errors. */
#define _GNU_SOURCE
#include <coap3/coap.h>
#include <curl/curl.h>
#include <jansson.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

#define CLIENTS 32
#define WINDOW  16
#define ROUNDS  3
#define BATCH   64
#define PKT_MAX 512
#define BODY    "[{\"bn\":\"urn:dev:bench:\",\"n\":\"temp\",\"u\":\"Cel\",\"v\":21.5}]"

typedef struct client {
    int fd;
    uint16_t mid;
    int inflight;
    long long last_ns; /* last answer (or refill) */
} client;

typedef struct result {
    long ok, errors, lost;
    double secs;
} result;

/* ---- packets ---- */

/* Appends option number num (after prev) with value v[0..len) at p; returns the new end. */
static uint8_t *put_option(uint8_t *p, unsigned prev, unsigned num, const void *v, size_t len)
{
    unsigned delta = num - prev;
    uint8_t *h = p++;
    *h = 0;
    unsigned parts[2] = {delta, (unsigned)len};
    for (int i = 0; i < 2; i++) {
        unsigned x = parts[i], nib = x;
        if (x >= 269) {
            nib = 14;
            *p++ = (uint8_t)((x - 269) >> 8);
            *p++ = (uint8_t)(x - 269);
        } else if (x >= 13) {
            nib = 13;
            *p++ = (uint8_t)(x - 13);
        }
        *h |= (uint8_t)(i == 0 ? nib << 4 : nib);
    }
    memcpy(p, v, len);
    return p + len;
}

/* A CON POST to channels/<channel>/messages?auth=<key> with a 2-byte token; its length. */
static size_t build_post(uint8_t *pkt, const char *channel, const char *key)
{
    uint8_t *p = pkt;
    char q[256];
    *p++ = 0x42; /* version 1, CON, token length 2 */
    *p++ = 0x02; /* POST */
    p += 4;      /* message id and token, patched per request */
    p = put_option(p, 0, 11, "channels", 8);
    p = put_option(p, 11, 11, channel, strlen(channel));
    p = put_option(p, 11, 11, "messages", 8);
    snprintf(q, sizeof q, "auth=%s", key);
    p = put_option(p, 11, 15, q, strlen(q));
    *p++ = 0xFF;
    memcpy(p, BODY, sizeof BODY - 1);
    return (size_t)(p - pkt) + sizeof BODY - 1;
}

/* ---- the load generator ---- */

static int client_open(client *c, int port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    c->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    int buf = 1 << 20;
    setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    c->mid = (uint16_t)rand();
    return c->fd >= 0 && connect(c->fd, (struct sockaddr *)&sa, sizeof sa) == 0 ? 0 : -1;
}

/* Sends n requests on c from the template. */
static void client_send(client *c, const uint8_t *tmpl, size_t len, int n)
{
    static uint8_t pkts[BATCH][PKT_MAX];
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    while (n > 0) {
        int k = n < BATCH ? n : BATCH;
        for (int i = 0; i < k; i++) {
            memcpy(pkts[i], tmpl, len);
            uint16_t mid = c->mid++;
            pkts[i][2] = pkts[i][4] = (uint8_t)(mid >> 8);
            pkts[i][3] = pkts[i][5] = (uint8_t)mid;
            iov[i] = (struct iovec){pkts[i], len};
            msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
        }
        int sent = sendmmsg(c->fd, msgs, (unsigned)k, 0);
        if (sent <= 0)
            return; /* counted lost by the refill */
        c->inflight += sent;
        n -= sent;
    }
}

/* Reads every answer waiting on c; returns how many arrived. */
static int client_recv(client *c, result *r)
{
    static uint8_t bufs[BATCH][PKT_MAX];
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    int total = 0, got;
    do {
        for (int i = 0; i < BATCH; i++) {
            iov[i] = (struct iovec){bufs[i], PKT_MAX};
            msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
        }
        got = recvmmsg(c->fd, msgs, BATCH, MSG_DONTWAIT, NULL);
        for (int i = 0; i < got; i++) {
            if (msgs[i].msg_len < 4)
                continue;
            if (bufs[i][1] == 0x44) /* 2.04 */
                r->ok++;
            else
                r->errors++;
            total++;
        }
    } while (got == BATCH);
    if (total) {
        c->inflight -= total < c->inflight ? total : c->inflight;
        c->last_ns = lbt_now_ns();
    }
    return total;
}

/* Keeps CLIENTS x WINDOW POSTs in flight against port for secs; counts the answers. */
static result load(int port, const char *channel, const char *key, double secs)
{
    client cs[CLIENTS];
    struct pollfd pfd[CLIENTS];
    uint8_t tmpl[PKT_MAX];
    size_t len = build_post(tmpl, channel, key);
    result r = {0};
    for (int i = 0; i < CLIENTS; i++) {
        if (client_open(&cs[i], port) != 0) {
            r.errors = -1;
            return r;
        }
        cs[i].inflight = 0;
        cs[i].last_ns = lbt_now_ns();
        pfd[i] = (struct pollfd){.fd = cs[i].fd, .events = POLLIN};
        client_send(&cs[i], tmpl, len, 1); /* the loop ramps up to WINDOW */
    }
    long long start = lbt_now_ns(), end = start + (long long)(secs * 1e9);
    while (lbt_now_ns() < end) {
        if (poll(pfd, CLIENTS, 50) < 0 && errno != EINTR)
            break;
        long long now = lbt_now_ns();
        for (int i = 0; i < CLIENTS; i++) {
            client *c = &cs[i];
            if (pfd[i].revents & POLLIN)
                client_recv(c, &r);
            if (now - c->last_ns > 500000000LL) { /* answers lost: refill the window */
                r.lost += c->inflight;
                c->inflight = 0;
                c->last_ns = now;
            }
            if (c->inflight < WINDOW) /* at most 4 more at a time: no burst at the start */
                client_send(c, tmpl, len, WINDOW - c->inflight < 4 ? WINDOW - c->inflight : 4);
        }
    }
    r.secs = (double)(lbt_now_ns() - start) / 1e9;
    for (int i = 0; i < CLIENTS; i++)
        close(cs[i].fd);
    return r;
}

/* ---- the baseline: a trivial libcoap server ---- */

typedef struct baseline {
    coap_context_t *ctx;
    pthread_t thread;
    atomic_int stop;
    int port;
} baseline;

static void answer_changed(coap_resource_t *r, coap_session_t *s, const coap_pdu_t *req,
                           const coap_string_t *q, coap_pdu_t *resp)
{
    (void)r, (void)s, (void)req, (void)q;
    coap_pdu_set_code(resp, COAP_RESPONSE_CODE_CHANGED);
}

static void *baseline_run(void *arg)
{
    baseline *b = arg;
    while (!atomic_load(&b->stop))
        coap_io_process(b->ctx, 100);
    return NULL;
}

static int baseline_start(baseline *b)
{
    coap_address_t addr;
    b->port = lbt_free_port();
    b->ctx = coap_new_context(NULL);
    if (!b->ctx)
        return -1;
    coap_context_set_block_mode(b->ctx, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
    coap_address_init(&addr);
    addr.addr.sin.sin_family = AF_INET;
    addr.addr.sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.addr.sin.sin_port = htons((uint16_t)b->port);
    addr.size = sizeof addr.addr.sin;
    if (!coap_new_endpoint(b->ctx, &addr, COAP_PROTO_UDP))
        return -1;
    coap_resource_t *r = coap_resource_unknown_init2(NULL, 0);
    coap_register_request_handler(r, COAP_REQUEST_POST, answer_changed);
    coap_add_resource(b->ctx, r);
    atomic_store(&b->stop, 0);
    return pthread_create(&b->thread, NULL, baseline_run, b) == 0 ? 0 : -1;
}

static void baseline_stop(baseline *b)
{
    atomic_store(&b->stop, 1);
    pthread_join(b->thread, NULL);
    coap_free_context(b->ctx);
}

/* ---- provisioning over the REST API ---- */

typedef struct buf {
    char data[4096];
    size_t len;
} buf;

static size_t collect(char *p, size_t size, size_t n, void *arg)
{
    buf *b = arg;
    size_t len = size * n, room = sizeof b->data - 1 - b->len;
    memcpy(b->data + b->len, p, len < room ? len : room);
    b->len += len < room ? len : room;
    b->data[b->len] = 0;
    return len;
}

/* POSTs body to base+path; returns the answer's field (static copy) or NULL. */
static const char *api(const char *base, const char *path, const char *token, const char *body,
                       const char *field)
{
    static char value[2048];
    char url[256], auth[2100];
    buf b = {.len = 0};
    CURL *c = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    snprintf(url, sizeof url, "%s%s", base, path);
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        h = curl_slist_append(h, auth);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    json_t *j = rc == CURLE_OK ? json_loads(b.data, 0, NULL) : NULL;
    const char *v = json_string_value(json_object_get(j, field ? field : ""));
    snprintf(value, sizeof value, "%s", v ? v : "");
    json_decref(j);
    if (rc != CURLE_OK || (field && !v)) {
        fprintf(stderr, "bench_coap: POST %s: %s\n", path, rc ? curl_easy_strerror(rc) : b.data);
        return NULL;
    }
    return value;
}

/* Makes a thing with key and a channel, connects them; 0 with channel filled, or -1. */
static int provision(const char *base, const char *key, char *channel, size_t len)
{
    char token[2048], body[512];
    const char *v =
        api(base, "/tokens", NULL,
            "{\"email\":\"bench@example.com\",\"password\":\"bench-secret-1\"}", "token");
    if (!v)
        return -1;
    snprintf(token, sizeof token, "%s", v);
    snprintf(body, sizeof body, "{\"name\":\"bench\",\"key\":\"%s\"}", key);
    char thing[128];
    if (!(v = api(base, "/things", token, body, "id")))
        return -1;
    snprintf(thing, sizeof thing, "%s", v);
    if (!(v = api(base, "/channels", token, "{\"name\":\"bench\"}", "id")))
        return -1;
    snprintf(channel, len, "%s", v);
    snprintf(body, sizeof body, "{\"channel_ids\":[\"%s\"],\"thing_ids\":[\"%s\"]}", channel,
             thing);
    return api(base, "/connect", token, body, NULL) ? 0 : -1;
}

/* ---- main ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double rate(result r)
{
    return r.secs > 0 ? (double)r.ok / r.secs : 0;
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 5;
    const char *key = "bench-coap-key-1";
    char channel[128], port_env[64];
    lbt_nats nats;
    lbt_host host;
    baseline base;
    int coap_port = lbt_free_port(), failed = 0;
    snprintf(port_env, sizeof port_env, "LB_COAP_PORT=%d", coap_port);
    const char *env[] = {port_env, "LB_ADMIN_EMAIL=bench@example.com",
                         "LB_ADMIN_PASSWORD=bench-secret-1", "LB_LOG_LEVEL=warn", NULL};
    const char *plugins[] = {"things", "coap", NULL};
    curl_global_init(CURL_GLOBAL_DEFAULT);
    coap_startup();
    coap_set_log_level(LOG_ERR);
    const char *step = "nats-server";
    if (lbt_nats_start(&nats) != 0 || (step = "lyrebird", 0) ||
        lbt_host_start(&host, nats.url, plugins, env) != 0 || (step = "provisioning", 0) ||
        provision(host.base, key, channel, sizeof channel) != 0 ||
        (step = "the baseline server", 0) || baseline_start(&base) != 0) {
        fprintf(stderr, "bench_coap: starting %s failed\n", step);
        return 1;
    }
    load(coap_port, channel, key, 1); /* warm the authorization cache and the bus */
    double adapter[ROUNDS], trivial[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
        result b = load(base.port, channel, key, secs);
        result a = load(coap_port, channel, key, secs);
        trivial[i] = rate(b);
        adapter[i] = rate(a);
        failed |= a.errors != 0 || b.errors != 0 || a.ok == 0;
        printf("round %d: adapter %.0f posts/s (%ld errors, %ld lost), baseline %.0f posts/s "
               "(%ld errors, %ld lost)\n",
               i + 1, adapter[i], a.errors, a.lost, trivial[i], b.errors, b.lost);
    }
    qsort(adapter, ROUNDS, sizeof adapter[0], cmp_double);
    qsort(trivial, ROUNDS, sizeof trivial[0], cmp_double);
    double am = adapter[ROUNDS / 2], bm = trivial[ROUNDS / 2];
    printf("coap_post: %.0f posts/s (trivial libcoap server answering 2.04: %.0f posts/s, ratio "
           "%.2f; %d clients x %d CON in flight, SenML body, medians of %d rounds of %.0f s; "
           "target >= 20000/s)\n",
           am, bm, bm > 0 ? am / bm : 0, CLIENTS, WINDOW, ROUNDS, secs);
    baseline_stop(&base);
    lbt_host_stop(&host);
    lbt_nats_stop(&nats);
    coap_cleanup();
    curl_global_cleanup();
    return failed;
}
