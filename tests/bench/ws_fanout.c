/* ws_fanout: the subscriber side of bench_ws.sh. Opens many WebSocket connections from one
 * process with epoll and a minimal RFC 6455 client (handshake, unmasked server frames), so
 * that the client costs O(ready connections) per wakeup and the latency measured is the
 * server's. (lbt_ws is built on libwebsockets, whose poll() loop costs O(connections) per
 * wakeup: with 5,000 connections the client, not the server, would set the latency.)
 *
 *   ws_fanout --conns N --count M [--timeout MS] [--ready FILE] [--header 'N: v']... URL
 *
 * Each frame's payload carries its send time ("v":<Unix us>, as lbt_ws --stamp writes it);
 * the latency of a frame is its arrival time minus that. Once every connection got M frames
 * (or at the timeout) it prints
 *   received R of E frames on C connections: p50 X ms p99 Y ms max Z ms
 * and exits 0; 2 on a usage or connection error, 3 when a handshake is refused. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define IN_FLIGHT 256
#define BUF_SIZE  1024
#define MAX_HDRS  8

typedef struct conn {
    int fd, state; /* 0 connecting, 1 handshake sent, 2 open, 3 done */
    int frames;
    size_t len;
    unsigned char buf[BUF_SIZE];
} conn;

static struct {
    long conns, count, timeout_ms;
    const char *ready, *headers[MAX_HDRS];
    int nheaders;
    char host[256], path[1024], port[16];
} opt = {.timeout_ms = 60000};

static struct {
    conn *c;
    int ep;
    long started, open, settled, done;
    double *lat;
    size_t nlat, cap;
    int code;
} st;

static long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void usage(void)
{
    fprintf(stderr, "usage: ws_fanout --conns N --count M [--timeout MS] [--ready FILE] "
                    "[--header 'N: v']... ws://host:port/path\n");
    exit(2);
}

static void parse_args(int argc, char **argv)
{
    const char *url = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strncmp(a, "--", 2) != 0) {
            url = a;
            continue;
        }
        if (!v)
            usage();
        if (!strcmp(a, "--conns"))
            opt.conns = atol(v);
        else if (!strcmp(a, "--count"))
            opt.count = atol(v);
        else if (!strcmp(a, "--timeout"))
            opt.timeout_ms = atol(v);
        else if (!strcmp(a, "--ready"))
            opt.ready = v;
        else if (!strcmp(a, "--header") && opt.nheaders < MAX_HDRS)
            opt.headers[opt.nheaders++] = v;
        else
            usage();
        i++;
    }
    if (!url || opt.conns < 1 || opt.count < 1 ||
        sscanf(url, "ws://%255[^:/]:%15[0-9]%1023s", opt.host, opt.port, opt.path) != 3)
        usage();
}

static void add_latency(const unsigned char *p, size_t len)
{
    char tmp[128];
    size_t n = len < sizeof tmp - 1 ? len : sizeof tmp - 1;
    memcpy(tmp, p, n);
    tmp[n] = '\0';
    const char *v = strstr(tmp, "\"v\":");
    if (!v)
        return;
    if (st.nlat == st.cap) {
        st.cap = st.cap ? st.cap * 2 : 65536;
        st.lat = realloc(st.lat, st.cap * sizeof *st.lat);
        if (!st.lat)
            exit(2);
    }
    st.lat[st.nlat++] = (double)(now_us() - atoll(v + 4)) / 1000.0;
}

static void finish(conn *c)
{
    if (c->state == 3)
        return;
    if (c->state < 2)
        st.settled++;
    c->state = 3;
    epoll_ctl(st.ep, EPOLL_CTL_DEL, c->fd, NULL);
    st.done++;
}

static void start_more(struct addrinfo *ai)
{
    while (st.started < opt.conns && st.started - st.settled < IN_FLIGHT) {
        conn *c = &st.c[st.started++];
        c->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (c->fd < 0 ||
            (connect(c->fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS)) {
            perror("ws_fanout: connect");
            exit(2);
        }
        struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = c};
        epoll_ctl(st.ep, EPOLL_CTL_ADD, c->fd, &ev);
    }
}

static void send_handshake(conn *c)
{
    char req[2048];
    int n = snprintf(req, sizeof req,
                     "GET %s HTTP/1.1\r\nHost: %s:%s\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     "Sec-WebSocket-Version: 13\r\n",
                     opt.path, opt.host, opt.port);
    for (int i = 0; i < opt.nheaders; i++)
        n += snprintf(req + n, sizeof req - (size_t)n, "%s\r\n", opt.headers[i]);
    n += snprintf(req + n, sizeof req - (size_t)n, "\r\n");
    if (write(c->fd, req, (size_t)n) != n) {
        perror("ws_fanout: handshake");
        exit(2);
    }
    c->state = 1;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    epoll_ctl(st.ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* The 101 response; moves what follows it to the front of the buffer. */
static int handshake_done(conn *c)
{
    unsigned char *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
    if (!end)
        return c->len < BUF_SIZE ? 0 : -1;
    int status = 0;
    sscanf((const char *)c->buf, "HTTP/1.%*d %d", &status);
    if (status != 101) {
        if (st.code == 0)
            fprintf(stderr, "handshake refused: %d\n", status);
        st.code = 3;
        return -1;
    }
    size_t used = (size_t)(end + 4 - c->buf);
    memmove(c->buf, c->buf + used, c->len - used);
    c->len -= used;
    c->state = 2;
    st.settled++;
    if (++st.open == opt.conns && opt.ready) {
        FILE *f = fopen(opt.ready, "w");
        if (f)
            fclose(f);
    }
    return 1;
}

/* Consumes the complete frames in c->buf. */
static int frames(conn *c)
{
    for (;;) {
        if (c->len < 2)
            return 0;
        size_t hdr = 2, plen = c->buf[1] & 0x7f;
        if (plen == 126) {
            hdr = 4;
            plen = c->len < 4 ? 0 : ((size_t)c->buf[2] << 8) | c->buf[3];
        } else if (plen == 127) {
            return -1; /* never this big in the bench */
        }
        if (hdr + plen > BUF_SIZE)
            return -1;
        if (c->len < hdr + plen)
            return 0;
        int op = c->buf[0] & 0x0f;
        if (op == 1 || op == 2) {
            add_latency(c->buf + hdr, plen);
            if (++c->frames >= opt.count)
                finish(c);
        } else if (op == 8) {
            return -1;
        }
        memmove(c->buf, c->buf + hdr + plen, c->len - hdr - plen);
        c->len -= hdr + plen;
    }
}

static void on_readable(conn *c)
{
    ssize_t n = read(c->fd, c->buf + c->len, BUF_SIZE - c->len);
    if (n <= 0) {
        if (n < 0 && errno == EAGAIN)
            return;
        finish(c);
        return;
    }
    c->len += (size_t)n;
    int rc = c->state == 1 ? handshake_done(c) : 1;
    if (rc > 0 && c->state == 2)
        rc = frames(c);
    if (rc < 0)
        finish(c);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    parse_args(argc, argv);
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai;
    if (getaddrinfo(opt.host, opt.port, &hints, &ai) != 0)
        usage();
    st.c = calloc((size_t)opt.conns, sizeof *st.c);
    st.ep = epoll_create1(0);
    if (!st.c || st.ep < 0)
        return 2;
    long long deadline = now_us() + opt.timeout_ms * 1000;
    struct epoll_event evs[256];
    while (st.done < opt.conns && now_us() < deadline) {
        start_more(ai);
        int n = epoll_wait(st.ep, evs, 256, 10);
        for (int i = 0; i < n; i++) {
            conn *c = evs[i].data.ptr;
            if (c->state == 0)
                send_handshake(c);
            else if (c->state != 3)
                on_readable(c);
        }
    }
    double p50 = 0, p99 = 0, max = 0;
    if (st.nlat) {
        qsort(st.lat, st.nlat, sizeof *st.lat, cmp);
        p50 = st.lat[st.nlat / 2];
        p99 = st.lat[(size_t)((double)(st.nlat - 1) * 0.99)];
        max = st.lat[st.nlat - 1];
    }
    printf("received %zu of %ld frames on %ld connections: p50 %.2f ms p99 %.2f ms max %.2f ms\n",
           st.nlat, opt.conns * opt.count, st.open, p50, p99, max);
    freeaddrinfo(ai);
    return st.code;
}
