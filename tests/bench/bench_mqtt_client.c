/* bench_mqtt_client: a small MQTT 3.1.1 client on raw sockets for the MQTT adapter's tests and
 * benchmarks: the same code drives plain mosquitto and mosquitto with the Lyrebird plugin, so
 * their figures compare. It speaks MQTT over TCP, or over WebSocket (--ws, subprotocol "mqtt"),
 * which mosquitto_pub/sub cannot. Options come before the mode:
 *   sub TOPIC      print "topic payload" per message; exit 0 once --count arrived
 *   pub TOPIC TEXT publish TEXT (--repeat N times)
 *   flood TOPIC    --pubs N connections publish QoS 0 as fast as TCP lets them for --seconds;
 *                  a subscriber (--sub-user/--sub-pass) counts: "flood: ... X msgs/s"
 *   storm FILE     one connection per line "user pass" of FILE, all at once; held --hold ms,
 *                  then each pinged: "storm: N connected in T s ...", "storm: A of N alive"
 *   latency TOPIC  [{"n":"ts","v":<Unix us>}] at --rate msgs/s for --seconds to a subscriber:
 *                  "latency: N of M received p50 X ms p99 Y ms max Z ms" (sub --stamped too)
 * Options: --host H (127.0.0.1) --port P --ws --user U --pass K --id CLIENT_ID --qos 0|1
 *   --retain --count N --timeout MS (5000) --ready FILE --repeat N --pubs N --seconds S
 *   --rate R --hold MS --sub-user U --sub-pass K --stamped
 * Exit codes: 0 done, 1 fewer messages than --count, 2 usage or network error, 3 CONNACK
 * refused ("connack: <code>" on stderr), 4 SUBACK refused ("suback: 128") or closed. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUF_MAX (1 << 20)

static struct {
    const char *host, *user, *pass, *id, *ready, *sub_user, *sub_pass;
    int port, ws, qos, retain, stamped;
    long count, timeout_ms, repeat, pubs, seconds, rate, hold_ms;
} opt = {.host = "127.0.0.1",
         .port = 1883,
         .timeout_ms = 5000,
         .repeat = 1,
         .pubs = 1,
         .seconds = 5,
         .rate = 1000,
         .hold_ms = 2000};

typedef struct conn {
    int fd;
    int ws;
    unsigned char *in; /* bytes read, raw (WebSocket frames when ws) */
    size_t in_len;
    unsigned char *mq; /* MQTT bytes (ws: frames' payloads) */
    size_t mq_len;
} conn;

static long long now_us(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_mqtt_client: %s: %s\n", what, strerror(errno));
    exit(2);
}

/* ---- wire: MQTT packets, WebSocket frames ---- */

static size_t put_varint(unsigned char *p, size_t n)
{
    size_t i = 0;
    do {
        unsigned char b = n % 128;
        n /= 128;
        p[i++] = b | (n ? 0x80 : 0);
    } while (n);
    return i;
}

static size_t put_str(unsigned char *p, const char *s, size_t n)
{
    p[0] = (unsigned char)(n >> 8);
    p[1] = (unsigned char)n;
    memcpy(p + 2, s, n);
    return n + 2;
}

/* Writes a packet with fixed header byte h and body into out; returns its length. */
static size_t packet(unsigned char *out, unsigned char h, const unsigned char *body, size_t n)
{
    out[0] = h;
    size_t k = 1 + put_varint(out + 1, n);
    memcpy(out + k, body, n);
    return k + n;
}

static size_t connect_packet(unsigned char *out, const char *id, const char *user, const char *pass,
                             int keepalive)
{
    unsigned char body[1024];
    size_t n = put_str(body, "MQTT", 4);
    body[n++] = 4; /* 3.1.1 */
    body[n++] = 0x02 | (user ? 0x80 : 0) | (pass ? 0x40 : 0);
    body[n++] = (unsigned char)(keepalive >> 8);
    body[n++] = (unsigned char)keepalive;
    n += put_str(body + n, id, strlen(id));
    if (user)
        n += put_str(body + n, user, strlen(user));
    if (pass)
        n += put_str(body + n, pass, strlen(pass));
    return packet(out, 0x10, body, n);
}

static size_t publish_packet(unsigned char *out, const char *topic, const void *payload, size_t len,
                             int qos, int retain, int mid)
{
    unsigned char hdr[600];
    size_t n = put_str(hdr, topic, strlen(topic));
    if (qos) {
        hdr[n++] = (unsigned char)(mid >> 8);
        hdr[n++] = (unsigned char)mid;
    }
    out[0] = 0x30 | (qos << 1) | (retain ? 1 : 0);
    size_t k = 1 + put_varint(out + 1, n + len);
    memcpy(out + k, hdr, n);
    memcpy(out + k + n, payload, len);
    return k + n + len;
}

static void write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            die("write");
        p += w;
        len -= (size_t)w;
    }
}

static void conn_send(conn *c, const unsigned char *buf, size_t len)
{
    if (!c->ws) {
        write_all(c->fd, buf, len);
        return;
    }
    unsigned char *f = malloc(len + 14);
    size_t k = 0;
    f[k++] = 0x82; /* final, binary */
    if (len < 126) {
        f[k++] = 0x80 | (unsigned char)len;
    } else if (len < 65536) {
        f[k++] = 0x80 | 126;
        f[k++] = (unsigned char)(len >> 8);
        f[k++] = (unsigned char)len;
    } else {
        f[k++] = 0x80 | 127;
        for (int i = 7; i >= 0; i--)
            f[k++] = (unsigned char)((uint64_t)len >> (8 * i));
    }
    unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
    memcpy(f + k, mask, 4);
    k += 4;
    for (size_t i = 0; i < len; i++)
        f[k + i] = buf[i] ^ mask[i % 4];
    write_all(c->fd, f, k + len);
    free(f);
}

/* Moves complete WebSocket frames' payloads from c->in to c->mq. */
static void ws_unframe(conn *c)
{
    size_t at = 0;
    for (;;) {
        unsigned char *p = c->in + at;
        size_t avail = c->in_len - at, hl = 2, len;
        if (avail < 2)
            break;
        len = p[1] & 0x7f;
        if (len == 126) {
            if (avail < 4)
                break;
            len = (size_t)p[2] << 8 | p[3];
            hl = 4;
        } else if (len == 127) {
            if (avail < 10)
                break;
            len = 0;
            for (int i = 0; i < 8; i++)
                len = len << 8 | p[2 + i];
            hl = 10;
        }
        if (avail < hl + len)
            break;
        if ((p[0] & 0x0f) == 0x8) { /* close */
            fprintf(stderr, "closed: websocket\n");
            exit(4);
        }
        if ((p[0] & 0x0f) <= 2 && c->mq_len + len <= BUF_MAX) {
            memcpy(c->mq + c->mq_len, p + hl, len);
            c->mq_len += len;
        }
        at += hl + len;
    }
    memmove(c->in, c->in + at, c->in_len - at);
    c->in_len -= at;
}

/* Reads what the socket has (blocking up to timeout_ms; -1 forever). 0 on data, -1 timeout,
 * -2 closed. */
static int conn_read(conn *c, int timeout_ms)
{
    struct pollfd p = {.fd = c->fd, .events = POLLIN};
    int r = poll(&p, 1, timeout_ms);
    if (r == 0)
        return -1;
    unsigned char *dst = c->ws ? c->in : c->mq;
    size_t *len = c->ws ? &c->in_len : &c->mq_len;
    ssize_t n = read(c->fd, dst + *len, BUF_MAX - *len);
    if (n <= 0)
        return -2;
    *len += (size_t)n;
    if (c->ws)
        ws_unframe(c);
    return 0;
}

/* The next complete packet in c->mq: its first byte, body and length; 0 if none yet. The
 * caller consumes it with conn_consume(c, total). */
static int conn_packet(conn *c, unsigned char *type, unsigned char **body, size_t *len,
                       size_t *total)
{
    size_t n = 0, mult = 1, i = 1;
    for (;; i++) {
        if (i >= c->mq_len || i > 4)
            return 0;
        n += (c->mq[i] & 0x7f) * mult;
        mult *= 128;
        if (!(c->mq[i] & 0x80))
            break;
    }
    if (c->mq_len < i + 1 + n)
        return 0;
    *type = c->mq[0];
    *body = c->mq + i + 1;
    *len = n;
    *total = i + 1 + n;
    return 1;
}

static void conn_consume(conn *c, size_t total)
{
    memmove(c->mq, c->mq + total, c->mq_len - total);
    c->mq_len -= total;
}

/* Waits for a packet of type (high nibble); returns its first body byte pair in *code. */
static int wait_packet(conn *c, unsigned char want, unsigned char *b0, unsigned char *b1,
                       int timeout_ms)
{
    long long end = now_us(CLOCK_MONOTONIC) + timeout_ms * 1000LL;
    for (;;) {
        unsigned char type, *body;
        size_t len, total;
        while (conn_packet(c, &type, &body, &len, &total)) {
            int hit = (type >> 4) == want;
            if (hit) {
                *b0 = len > 0 ? body[0] : 0;
                *b1 = len > 1 ? body[1] : 0;
                if (want == 9 && len > 2) /* SUBACK: the return code */
                    *b1 = body[2];
            }
            conn_consume(c, total);
            if (hit)
                return 0;
        }
        long long left = (end - now_us(CLOCK_MONOTONIC)) / 1000;
        if (left <= 0 || conn_read(c, (int)left) != 0)
            return -1;
    }
}

static int tcp_connect(int nonblock)
{
    int fd = socket(AF_INET, SOCK_STREAM | (nonblock ? SOCK_NONBLOCK : 0), 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port)};
    int one = 1;
    if (fd < 0)
        return -1;
    inet_pton(AF_INET, opt.host, &a.sin_addr);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    return fd;
}

static void ws_handshake(conn *c)
{
    char req[512], resp[4096];
    int n = snprintf(req, sizeof req,
                     "GET /mqtt HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n",
                     opt.host, opt.port);
    write_all(c->fd, req, (size_t)n);
    size_t got = 0;
    while (got < sizeof resp - 1) {
        ssize_t r = read(c->fd, resp + got, sizeof resp - 1 - got);
        if (r <= 0)
            die("websocket handshake");
        got += (size_t)r;
        resp[got] = 0;
        char *end = strstr(resp, "\r\n\r\n");
        if (end) {
            if (strncmp(resp, "HTTP/1.1 101", 12) != 0) {
                fprintf(stderr, "websocket handshake refused: %.40s\n", resp);
                exit(2);
            }
            size_t rest = got - (size_t)(end + 4 - resp);
            memcpy(c->in, end + 4, rest);
            c->in_len = rest;
            ws_unframe(c);
            return;
        }
    }
    die("websocket handshake");
}

static conn *conn_open(const char *user, const char *pass, const char *id)
{
    conn *c = calloc(1, sizeof *c);
    unsigned char pkt[1200], b0, b1;
    char auto_id[64];
    c->in = malloc(BUF_MAX);
    c->mq = malloc(BUF_MAX);
    c->ws = opt.ws;
    if ((c->fd = tcp_connect(0)) < 0)
        die("connect");
    if (c->ws)
        ws_handshake(c);
    if (!id) {
        snprintf(auto_id, sizeof auto_id, "bench-%d-%ld", (int)getpid(), random());
        id = auto_id;
    }
    conn_send(c, pkt, connect_packet(pkt, id, user, pass, 600));
    if (wait_packet(c, 2, &b0, &b1, (int)opt.timeout_ms) != 0)
        die("no CONNACK");
    if (b1 != 0) {
        fprintf(stderr, "connack: %d\n", b1);
        exit(3);
    }
    return c;
}

static void conn_subscribe(conn *c, const char *topic, int qos)
{
    unsigned char body[600], pkt[700], b0, b1;
    size_t n = 0;
    body[n++] = 0;
    body[n++] = 1; /* message id */
    n += put_str(body + n, topic, strlen(topic));
    body[n++] = (unsigned char)qos;
    conn_send(c, pkt, packet(pkt, 0x82, body, n));
    if (wait_packet(c, 9, &b0, &b1, (int)opt.timeout_ms) != 0)
        die("no SUBACK");
    if (b1 == 0x80) {
        fprintf(stderr, "suback: 128\n");
        exit(4);
    }
}

/* A received PUBLISH: its topic and payload (pointers into body). */
static void parse_publish(unsigned char type, unsigned char *body, size_t len, char *topic,
                          size_t tmax, unsigned char **payload, size_t *plen, int *mid)
{
    size_t tl = (size_t)body[0] << 8 | body[1], off = 2 + tl;
    snprintf(topic, tmax, "%.*s", (int)tl, (char *)body + 2);
    *mid = 0;
    if ((type >> 1) & 3) {
        *mid = body[off] << 8 | body[off + 1];
        off += 2;
    }
    *payload = body + off;
    *plen = len - off;
}

/* The stamp of [{"n":"ts","v":<us>}], or -1. */
static long long stamp_of(const unsigned char *p, size_t n)
{
    char tmp[128];
    snprintf(tmp, sizeof tmp, "%.*s", (int)(n < 127 ? n : 127), (const char *)p);
    char *v = strstr(tmp, "\"v\":");
    return v ? atoll(v + 4) : -1;
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

static void report_latency(const char *what, long long *lat, long n, long expected)
{
    if (n == 0) {
        printf("%s: 0 of %ld received\n", what, expected);
        return;
    }
    qsort(lat, (size_t)n, sizeof *lat, cmp_ll);
    printf("%s: %ld of %ld received p50 %.3f ms p99 %.3f ms max %.3f ms\n", what, n, expected,
           lat[n / 2] / 1000.0, lat[(n * 99) / 100] / 1000.0, lat[n - 1] / 1000.0);
}

/* ---- modes ---- */

static int do_sub(const char *topic)
{
    conn *c = conn_open(opt.user, opt.pass, opt.id);
    conn_subscribe(c, topic, opt.qos);
    if (opt.ready)
        fclose(fopen(opt.ready, "w"));
    long got = 0, nlat = 0;
    long long *lat = calloc((size_t)(opt.count > 0 ? opt.count : 1000000), sizeof *lat);
    long long end = now_us(CLOCK_MONOTONIC) + opt.timeout_ms * 1000LL;
    while ((opt.count <= 0 || got < opt.count) && now_us(CLOCK_MONOTONIC) < end) {
        unsigned char type, *body, *payload, ack[4];
        size_t len, total, plen;
        char t[600];
        int mid;
        while (conn_packet(c, &type, &body, &len, &total)) {
            if ((type >> 4) == 3) {
                parse_publish(type, body, len, t, sizeof t, &payload, &plen, &mid);
                long long st = opt.stamped ? stamp_of(payload, plen) : -1;
                if (st > 0 && nlat < (opt.count > 0 ? opt.count : 1000000))
                    lat[nlat++] = now_us(CLOCK_REALTIME) - st;
                else if (!opt.stamped)
                    printf("%s %.*s%s\n", t, (int)plen, payload, type & 1 ? " (retained)" : "");
                fflush(stdout);
                if (mid) {
                    ack[0] = 0x40, ack[1] = 2, ack[2] = (unsigned char)(mid >> 8);
                    ack[3] = (unsigned char)mid;
                    conn_send(c, ack, 4);
                }
                got++;
            }
            conn_consume(c, total);
        }
        long long left = (end - now_us(CLOCK_MONOTONIC)) / 1000;
        if (left > 0 && conn_read(c, (int)left) == -2) {
            fprintf(stderr, "closed: by the broker\n");
            return 4;
        }
    }
    if (opt.stamped)
        report_latency("latency", lat, nlat, opt.count);
    return opt.count > 0 && got < opt.count ? 1 : 0;
}

static int do_pub(const char *topic, const char *text)
{
    conn *c = conn_open(opt.user, opt.pass, opt.id);
    unsigned char *pkt = malloc(strlen(text) + 700), b0, b1;
    for (long i = 0; i < opt.repeat; i++) {
        conn_send(c, pkt,
                  publish_packet(pkt, topic, text, strlen(text), opt.qos, opt.retain,
                                 (int)(i % 65535) + 1));
        if (opt.qos && wait_packet(c, 4, &b0, &b1, (int)opt.timeout_ms) != 0)
            die("no PUBACK");
    }
    pkt[0] = 0xe0, pkt[1] = 0;
    conn_send(c, pkt, 2); /* DISCONNECT */
    usleep(50000);
    return 0;
}

static atomic_long received;
static atomic_int stop_flag;

static void *flood_sub(void *arg)
{
    conn *c = arg;
    while (!atomic_load(&stop_flag)) {
        unsigned char type, *body;
        size_t len, total;
        long n = 0;
        while (conn_packet(c, &type, &body, &len, &total)) {
            n += (type >> 4) == 3;
            conn_consume(c, total);
        }
        atomic_fetch_add(&received, n);
        if (conn_read(c, 100) == -2)
            break;
    }
    return NULL;
}

typedef struct flood_pub {
    conn *c;
    const char *topic;
    long sent;
    pthread_t th;
} flood_pub;

static void *flood_send(void *arg)
{
    flood_pub *p = arg;
    static const char payload[] = "[{\"n\":\"temperature\",\"u\":\"Cel\",\"v\":21.5}]";
    enum { BATCH = 64 };
    unsigned char *buf = malloc(BATCH * 700);
    size_t one = publish_packet(buf, p->topic, payload, sizeof payload - 1, 0, 0, 0);
    for (int i = 1; i < BATCH; i++)
        memcpy(buf + i * one, buf, one);
    while (!atomic_load(&stop_flag)) {
        size_t left = BATCH * one;
        for (const unsigned char *b = buf; left;) {
            ssize_t w = write(p->c->fd, b, left);
            if (w <= 0 && errno != EINTR)
                goto out;
            b += w > 0 ? w : 0;
            left -= w > 0 ? (size_t)w : 0;
        }
        p->sent += BATCH;
    }
out:
    free(buf);
    return NULL;
}

static int do_flood(const char *topic)
{
    conn *sub = conn_open(opt.sub_user, opt.sub_pass, NULL);
    conn_subscribe(sub, topic, 0);
    flood_pub *pubs = calloc((size_t)opt.pubs, sizeof *pubs);
    for (long i = 0; i < opt.pubs; i++) {
        pubs[i].c = conn_open(opt.user, opt.pass, NULL);
        pubs[i].topic = topic;
    }
    pthread_t st;
    pthread_create(&st, NULL, flood_sub, sub);
    for (long i = 0; i < opt.pubs; i++)
        pthread_create(&pubs[i].th, NULL, flood_send, &pubs[i]);
    usleep(1000000); /* warm up */
    long r0 = atomic_load(&received);
    long long t0 = now_us(CLOCK_MONOTONIC);
    usleep((useconds_t)(opt.seconds * 1000000));
    long r1 = atomic_load(&received);
    double secs = (now_us(CLOCK_MONOTONIC) - t0) / 1e6;
    atomic_store(&stop_flag, 1);
    long sent = 0;
    for (long i = 0; i < opt.pubs; i++) {
        shutdown(pubs[i].c->fd, SHUT_RDWR); /* a writer blocked on a full socket */
        pthread_join(pubs[i].th, NULL);
        sent += pubs[i].sent;
    }
    pthread_join(st, NULL);
    printf("flood: sent %ld received %ld in %.2f s: %.0f msgs/s\n", sent, r1 - r0, secs,
           (r1 - r0) / secs);
    return 0;
}

/* A storm connection: just enough state for CONNECT/CONNACK and PINGREQ/PINGRESP. */
typedef struct light {
    int fd, state; /* 0 connecting, 1 CONNECT sent, 2 connected, 3 refused/failed, 4 ponged */
    unsigned char rx[8];
    int rx_len;
} light;

static int do_storm(const char *file)
{
    enum { IN_FLIGHT = 256 };
    FILE *f = fopen(file, "r");
    if (!f)
        die(file);
    char user[128], pass[128];
    size_t cap = 1024, n = 0;
    char(*creds)[2][128] = malloc(cap * sizeof *creds);
    while (fscanf(f, "%127s %127s", user, pass) == 2) {
        if (n == cap)
            creds = realloc(creds, (cap *= 2) * sizeof *creds);
        strcpy(creds[n][0], user);
        strcpy(creds[n][1], pass);
        n++;
    }
    fclose(f);
    light *l = calloc(n, sizeof *l);
    int ep = epoll_create1(0);
    size_t next = 0, done = 0, ok = 0, refused = 0, pending = 0;
    long long t0 = now_us(CLOCK_MONOTONIC), end = t0 + opt.timeout_ms * 1000LL;
    struct epoll_event evs[512];
    while (done < n && now_us(CLOCK_MONOTONIC) < end) {
        while (next < n && pending < IN_FLIGHT) {
            light *c = &l[next];
            c->fd = tcp_connect(1);
            struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN, .data.u64 = next};
            if (c->fd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) != 0) {
                fprintf(stderr, "storm: connection %zu: %s\n", next, strerror(errno));
                c->state = 3;
                done++;
            } else {
                pending++;
            }
            next++;
        }
        int k = epoll_wait(ep, evs, 512, 100);
        for (int i = 0; i < k; i++) {
            size_t id = evs[i].data.u64;
            light *c = &l[id];
            if (c->state == 0 && (evs[i].events & EPOLLOUT)) {
                unsigned char pkt[600];
                char cid[48];
                snprintf(cid, sizeof cid, "storm-%zu", id);
                size_t len = connect_packet(pkt, cid, creds[id][0], creds[id][1], 600);
                if (write(c->fd, pkt, len) != (ssize_t)len)
                    c->state = 3;
                else
                    c->state = 1;
                struct epoll_event ev = {.events = EPOLLIN, .data.u64 = id};
                epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
            } else if (c->state == 1 && (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))) {
                ssize_t r = read(c->fd, c->rx + c->rx_len, sizeof c->rx - (size_t)c->rx_len);
                if (r > 0)
                    c->rx_len += (int)r;
                if (c->rx_len >= 4 || r <= 0) {
                    c->state = r > 0 && c->rx[0] == 0x20 && c->rx[3] == 0 ? 2 : 3;
                    ok += c->state == 2;
                    refused += c->state == 3;
                    done++;
                    pending--;
                    c->rx_len = 0;
                    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                }
            }
        }
    }
    double secs = (now_us(CLOCK_MONOTONIC) - t0) / 1e6;
    printf("storm: %zu connected in %.2f s (refused %zu, of %zu)\n", ok, secs, refused, n);
    fflush(stdout);
    if (opt.ready)
        fclose(fopen(opt.ready, "w"));
    usleep((useconds_t)opt.hold_ms * 1000);
    /* every connection still open answers a PINGREQ */
    unsigned char ping[2] = {0xc0, 0};
    size_t alive = 0;
    for (size_t i = 0; i < n; i++) {
        if (l[i].state != 2)
            continue;
        struct epoll_event ev = {.events = EPOLLIN, .data.u64 = i};
        if (write(l[i].fd, ping, 2) == 2)
            epoll_ctl(ep, EPOLL_CTL_ADD, l[i].fd, &ev);
    }
    end = now_us(CLOCK_MONOTONIC) + 10000000LL;
    while (alive < ok && now_us(CLOCK_MONOTONIC) < end) {
        int k = epoll_wait(ep, evs, 512, 100);
        for (int i = 0; i < k; i++) {
            light *c = &l[evs[i].data.u64];
            ssize_t r = read(c->fd, c->rx, sizeof c->rx);
            if (r >= 2 && c->rx[0] == 0xd0 && c->state == 2) {
                c->state = 4;
                alive++;
            }
            epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
        }
    }
    printf("storm: %zu of %zu alive after %ld ms\n", alive, ok, opt.hold_ms);
    for (size_t i = 0; i < n; i++)
        if (l[i].fd > 0)
            close(l[i].fd);
    return ok == n && alive == ok ? 0 : 1;
}

typedef struct lat_sub {
    conn *c;
    long long *lat;
    long n, cap;
} lat_sub;

static void *latency_sub(void *arg)
{
    lat_sub *s = arg;
    while (!atomic_load(&stop_flag)) {
        unsigned char type, *body, *payload;
        size_t len, total, plen;
        char t[600];
        int mid;
        while (conn_packet(s->c, &type, &body, &len, &total)) {
            if ((type >> 4) == 3) {
                parse_publish(type, body, len, t, sizeof t, &payload, &plen, &mid);
                long long st = stamp_of(payload, plen);
                if (st > 0 && s->n < s->cap)
                    s->lat[s->n++] = now_us(CLOCK_REALTIME) - st;
            }
            conn_consume(s->c, total);
        }
        if (conn_read(s->c, 100) == -2)
            break;
    }
    return NULL;
}

static int do_latency(const char *topic)
{
    lat_sub s = {.cap = opt.rate * opt.seconds + 16};
    s.lat = calloc((size_t)s.cap, sizeof *s.lat);
    s.c = conn_open(opt.sub_user, opt.sub_pass, NULL);
    conn_subscribe(s.c, topic, opt.qos);
    conn *p = conn_open(opt.user, opt.pass, NULL);
    pthread_t th;
    pthread_create(&th, NULL, latency_sub, &s);
    long total = opt.rate * opt.seconds;
    long long t0 = now_us(CLOCK_MONOTONIC);
    unsigned char pkt[800], b0, b1;
    for (long i = 0; i < total; i++) {
        long long due = t0 + i * 1000000LL / opt.rate, wait = due - now_us(CLOCK_MONOTONIC);
        if (wait > 0)
            usleep((useconds_t)wait);
        char payload[64];
        int n = snprintf(payload, sizeof payload, "[{\"n\":\"ts\",\"v\":%lld}]",
                         now_us(CLOCK_REALTIME));
        conn_send(p, pkt,
                  publish_packet(pkt, topic, payload, (size_t)n, opt.qos, 0, (int)(i % 65535) + 1));
        if (opt.qos)
            wait_packet(p, 4, &b0, &b1, 1000);
    }
    usleep(500000);
    atomic_store(&stop_flag, 1);
    pthread_join(th, NULL);
    report_latency("latency", s.lat, s.n, total);
    return s.n == total ? 0 : 1;
}

/* The options, as data: flags set an int to 1, the others take the next argument. */
static const struct {
    const char *name;
    char kind; /* 'f' flag, 's' string, 'i' int, 'l' long */
    void *to;
} options[] = {
    /* clang-format off */
    {"ws", 'f', &opt.ws},             {"retain", 'f', &opt.retain},
    {"stamped", 'f', &opt.stamped},   {"host", 's', &opt.host},
    {"user", 's', &opt.user},         {"pass", 's', &opt.pass},
    {"id", 's', &opt.id},             {"ready", 's', &opt.ready},
    {"sub-user", 's', &opt.sub_user}, {"sub-pass", 's', &opt.sub_pass},
    {"port", 'i', &opt.port},         {"qos", 'i', &opt.qos},
    {"count", 'l', &opt.count},       {"timeout", 'l', &opt.timeout_ms},
    {"repeat", 'l', &opt.repeat},     {"pubs", 'l', &opt.pubs},
    {"seconds", 'l', &opt.seconds},   {"rate", 'l', &opt.rate},
    {"hold", 'l', &opt.hold_ms},
    /* clang-format on */
};

int main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        size_t k = 0, n = sizeof options / sizeof options[0];
        while (k < n && strcmp(options[k].name, argv[i] + 2) != 0)
            k++;
        if (k == n || (options[k].kind != 'f' && i + 1 >= argc))
            goto usage;
        const char *v = options[k].kind == 'f' ? NULL : argv[++i];
        if (options[k].kind == 'f')
            *(int *)options[k].to = 1;
        else if (options[k].kind == 's')
            *(const char **)options[k].to = v;
        else if (options[k].kind == 'i')
            *(int *)options[k].to = atoi(v);
        else
            *(long *)options[k].to = atol(v);
    }
    srandom((unsigned)now_us(CLOCK_REALTIME));
    signal(SIGPIPE, SIG_IGN); /* a closed connection is an error code, not the end */
    if (i + 1 < argc && !strcmp(argv[i], "sub"))
        return do_sub(argv[i + 1]);
    if (i + 2 < argc && !strcmp(argv[i], "pub"))
        return do_pub(argv[i + 1], argv[i + 2]);
    if (i + 1 < argc && !strcmp(argv[i], "flood"))
        return do_flood(argv[i + 1]);
    if (i + 1 < argc && !strcmp(argv[i], "storm"))
        return do_storm(argv[i + 1]);
    if (i + 1 < argc && !strcmp(argv[i], "latency"))
        return do_latency(argv[i + 1]);
usage:
    fprintf(stderr, "usage: bench_mqtt_client [options] sub|pub|flood|storm|latency ARGS "
                    "(see the comment at the top of bench_mqtt_client.c)\n");
    return 2;
}
