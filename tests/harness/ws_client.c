/* lbt_ws: a small WebSocket client for the tests and benchmarks, built on libwebsockets.
 *
 *   lbt_ws [options] ws://host:port/path[?query]
 *     --header 'Name: value'  extra handshake header (repeatable)
 *     --send TEXT             a frame to send after the handshake (repeatable, in order)
 *     --binary                send the frames as binary (default text)
 *     --repeat N              send the --send list N times (default 1)
 *     --delay MS              wait MS after the handshake before sending
 *     --interval MS           wait MS between two frames sent
 *     --stamp                 send [{"n":"ts","v":<send time, Unix us>}] as each frame
 *     --count N               stop after N frames received (per connection)
 *     --timeout MS            stop after MS (default 5000)
 *     --pause MS              read nothing for MS after the handshake (a slow consumer)
 *     --ready FILE            create FILE once every connection is open
 *     --conns N               open N connections to the URL (default 1); frames are not
 *                             printed, latencies of stamped frames are summed up instead
 *     --linger MS             stop MS after the last frame was sent (default: at the timeout)
 *     --quiet                 print no frames
 *
 * Prints each received frame on its own line (binary ones as "bin:<hex>"). Exit codes:
 *   0  N frames received (every connection), or the timeout passed
 *   2  usage, or no TCP connection
 *   3  handshake refused: "handshake refused: <status>" on stderr
 *   4  the server closed the connection: "closed: <code> <reason>" on stderr
 * With --conns the last stdout line is "received R of E frames on C connections: p50 X ms
 * p99 Y ms max Z ms" (E = N x --count). */
#include <libwebsockets.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_HEADERS 16
#define MAX_SENDS   64
#define IN_FLIGHT   128 /* handshakes under way at once */
#define TICK_US     2000
#define FRAME_MAX   (1 << 20)

typedef struct conn {
    struct lws *wsi;
    int open, done, frames;
    long long pause_until_us, next_send_us;
    long sent;         /* frames sent */
    unsigned char *rx; /* a frame arriving in pieces */
    size_t rx_len;
} conn;

static struct {
    const char *headers[MAX_HEADERS];
    int nheaders;
    const char *sends[MAX_SENDS];
    int nsends;
    int binary, stamp, quiet;
    long repeat, delay_ms, interval_ms, count, timeout_ms, pause_ms, conns, linger_ms;
    const char *ready_file, *url;
    char host[256], path[1024];
    int port;
} opt = {.repeat = 1, .timeout_ms = 5000, .conns = 1, .linger_ms = -1};

static struct {
    struct lws_context *ctx;
    lws_sorted_usec_list_t tick;
    conn *conns;
    long started, opened, finished;
    long settled; /* handshakes that ended: opened or failed */
    long long deadline_us;
    int exit_code, stop, ready_done;
    double *lat; /* ms */
    size_t nlat, caplat;
} st;

static long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void usage(void)
{
    fprintf(stderr, "usage: lbt_ws [--header 'N: v']... [--send TEXT]... [--binary] [--repeat N]\n"
                    "  [--delay MS] [--interval MS] [--stamp] [--count N] [--timeout MS]\n"
                    "  [--pause MS] [--ready FILE] [--conns N] [--linger MS] [--quiet]\n"
                    "  ws://host:port/path\n");
    exit(2);
}

static int parse_args(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int used = 1;
        if (!strcmp(a, "--binary"))
            opt.binary = 1, used = 0;
        else if (!strcmp(a, "--stamp"))
            opt.stamp = 1, used = 0;
        else if (!strcmp(a, "--quiet"))
            opt.quiet = 1, used = 0;
        else if (a[0] != '-' || a[1] != '-') {
            opt.url = a;
            continue;
        } else if (!v)
            usage();
        else if (!strcmp(a, "--header") && opt.nheaders < MAX_HEADERS)
            opt.headers[opt.nheaders++] = v;
        else if (!strcmp(a, "--send") && opt.nsends < MAX_SENDS)
            opt.sends[opt.nsends++] = v;
        else if (!strcmp(a, "--repeat"))
            opt.repeat = atol(v);
        else if (!strcmp(a, "--delay"))
            opt.delay_ms = atol(v);
        else if (!strcmp(a, "--interval"))
            opt.interval_ms = atol(v);
        else if (!strcmp(a, "--count"))
            opt.count = atol(v);
        else if (!strcmp(a, "--timeout"))
            opt.timeout_ms = atol(v);
        else if (!strcmp(a, "--pause"))
            opt.pause_ms = atol(v);
        else if (!strcmp(a, "--ready"))
            opt.ready_file = v;
        else if (!strcmp(a, "--linger"))
            opt.linger_ms = atol(v);
        else if (!strcmp(a, "--conns"))
            opt.conns = atol(v);
        else
            usage();
        i += used;
    }
    if (!opt.url || opt.conns < 1)
        usage();
    if (opt.stamp && opt.nsends == 0)
        opt.sends[opt.nsends++] = "";
    return 0;
}

static int parse_url(void)
{
    char buf[2048];
    const char *prot, *addr, *path;
    snprintf(buf, sizeof buf, "%s", opt.url);
    if (lws_parse_uri(buf, &prot, &addr, &opt.port, &path) || strcmp(prot, "ws") != 0) {
        fprintf(stderr, "lbt_ws: not a ws:// URL: %s\n", opt.url);
        return -1;
    }
    snprintf(opt.host, sizeof opt.host, "%s", addr);
    snprintf(opt.path, sizeof opt.path, "/%s", path);
    return 0;
}

/* ---- results ---- */

static void add_latency(const unsigned char *p, size_t len)
{
    char buf[128];
    size_t n = len < sizeof buf - 1 ? len : sizeof buf - 1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    const char *v = strstr(buf, "\"v\":");
    if (!v)
        return;
    double ms = (double)(now_us() - atoll(v + 4)) / 1000.0;
    if (st.nlat == st.caplat) {
        st.caplat = st.caplat ? st.caplat * 2 : 4096;
        st.lat = realloc(st.lat, st.caplat * sizeof *st.lat);
        if (!st.lat)
            exit(2);
    }
    st.lat[st.nlat++] = ms;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void print_summary(void)
{
    double p50 = 0, p99 = 0, max = 0;
    if (st.nlat) {
        qsort(st.lat, st.nlat, sizeof *st.lat, cmp_double);
        p50 = st.lat[st.nlat / 2];
        p99 = st.lat[(size_t)((double)(st.nlat - 1) * 0.99)];
        max = st.lat[st.nlat - 1];
    }
    printf("received %zu of %ld frames on %ld connections: p50 %.2f ms p99 %.2f ms max %.2f ms\n",
           st.nlat, opt.conns * opt.count, st.opened, p50, p99, max);
}

static void print_frame(const unsigned char *p, size_t len, int binary)
{
    if (!binary) {
        printf("%.*s\n", (int)len, (const char *)p);
        return;
    }
    fputs("bin:", stdout);
    for (size_t i = 0; i < len; i++)
        printf("%02x", p[i]);
    putchar('\n');
}

/* ---- connections ---- */

static void finish(conn *c)
{
    if (c->done)
        return;
    c->done = 1;
    free(c->rx);
    c->rx = NULL;
    if (++st.finished == opt.conns)
        st.stop = 1;
}

static void start_more(void)
{
    while (st.started < opt.conns && st.started - st.settled < IN_FLIGHT) {
        conn *c = &st.conns[st.started++];
        struct lws_client_connect_info ci;
        memset(&ci, 0, sizeof ci);
        ci.context = st.ctx;
        ci.address = opt.host;
        ci.port = opt.port;
        ci.path = opt.path;
        ci.host = opt.host;
        ci.origin = opt.host;
        ci.protocol = NULL;
        ci.userdata = c;
        ci.pwsi = &c->wsi;
        if (!lws_client_connect_via_info(&ci)) {
            fprintf(stderr, "lbt_ws: cannot connect to %s:%d\n", opt.host, opt.port);
            st.exit_code = 2;
            st.settled++;
            finish(c);
        }
    }
}

static void on_open(conn *c)
{
    c->open = 1;
    st.opened++;
    st.settled++;
    long long now = now_us();
    if (opt.pause_ms > 0) {
        c->pause_until_us = now + opt.pause_ms * 1000;
        lws_rx_flow_control(c->wsi, 0);
    }
    c->next_send_us = now + opt.delay_ms * 1000;
    if (opt.ready_file && !st.ready_done && st.opened == opt.conns) {
        FILE *f = fopen(opt.ready_file, "w");
        if (f)
            fclose(f);
        st.ready_done = 1;
    }
}

static int send_next(conn *c)
{
    long total = opt.nsends * opt.repeat;
    if (c->sent >= total || now_us() < c->next_send_us)
        return 0;
    const char *text = opt.sends[c->sent % opt.nsends];
    size_t len = opt.stamp ? 64 : strlen(text);
    unsigned char *buf = malloc(LWS_PRE + len + 1);
    if (!buf)
        return -1;
    if (opt.stamp)
        len = (size_t)snprintf((char *)buf + LWS_PRE, len + 1, "[{\"n\":\"ts\",\"v\":%lld}]",
                               now_us());
    else
        memcpy(buf + LWS_PRE, text, len);
    int n = lws_write(c->wsi, buf + LWS_PRE, len, opt.binary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT);
    free(buf);
    if (n < (int)len)
        return -1;
    c->sent++;
    c->next_send_us = now_us() + opt.interval_ms * 1000;
    if (c->sent == total && opt.linger_ms >= 0) {
        long long end = now_us() + opt.linger_ms * 1000;
        if (end < st.deadline_us)
            st.deadline_us = end;
    }
    if (c->sent < total && opt.interval_ms == 0)
        lws_callback_on_writable(c->wsi);
    return 0;
}

static int on_frame(conn *c, const void *in, size_t len, struct lws *wsi)
{
    const unsigned char *p = in;
    size_t total = len;
    if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi) || c->rx_len) {
        if (c->rx_len + len > FRAME_MAX)
            return -1;
        unsigned char *rx = realloc(c->rx, c->rx_len + len + 1);
        if (!rx)
            return -1;
        memcpy(rx + c->rx_len, in, len);
        c->rx = rx;
        c->rx_len += len;
        if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi))
            return 0;
        p = c->rx;
        total = c->rx_len;
    }
    if (opt.conns > 1)
        add_latency(p, total);
    else if (!opt.quiet)
        print_frame(p, total, lws_frame_is_binary(wsi));
    c->rx_len = 0;
    c->frames++;
    if (opt.count && c->frames >= opt.count)
        finish(c);
    return 0;
}

static void on_close_frame(conn *c, const unsigned char *in, size_t len)
{
    int code = len >= 2 ? (in[0] << 8) | in[1] : 1005;
    if (opt.conns == 1 || st.exit_code == 0)
        fprintf(stderr, "closed: %d %.*s\n", code, len > 2 ? (int)(len - 2) : 0,
                len > 2 ? (const char *)in + 2 : "");
    if (!(opt.count && c->frames >= opt.count))
        st.exit_code = 4;
}

static void on_error(conn *c, struct lws *wsi, const char *why)
{
    int status = wsi ? (int)lws_http_client_http_response(wsi) : 0;
    if (status > 0 && status != 101) {
        if (st.exit_code == 0 || opt.conns == 1)
            fprintf(stderr, "handshake refused: %d\n", status);
        st.exit_code = 3;
    } else {
        fprintf(stderr, "lbt_ws: connection failed: %s\n", why ? why : "unknown error");
        if (st.exit_code == 0)
            st.exit_code = 2;
    }
    if (c && !c->open)
        st.settled++;
    if (c)
        finish(c);
}

static int add_headers(struct lws *wsi, unsigned char **p, unsigned char *end)
{
    for (int i = 0; i < opt.nheaders; i++) {
        char name[128];
        const char *colon = strchr(opt.headers[i], ':');
        if (!colon || (size_t)(colon - opt.headers[i]) >= sizeof name - 1)
            return -1;
        size_t n = (size_t)(colon - opt.headers[i]);
        memcpy(name, opt.headers[i], n);
        memcpy(name + n, ":", 2);
        const char *v = colon + 1;
        while (*v == ' ')
            v++;
        if (lws_add_http_header_by_name(wsi, (unsigned char *)name, (unsigned char *)v,
                                        (int)strlen(v), p, end))
            return -1;
    }
    return 0;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len)
{
    conn *c = user;
    switch (reason) {
    case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
        return add_headers(wsi, (unsigned char **)in, *(unsigned char **)in + len);
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        on_open(c);
        lws_callback_on_writable(wsi);
        return 0;
    case LWS_CALLBACK_CLIENT_WRITEABLE:
        return send_next(c);
    case LWS_CALLBACK_CLIENT_RECEIVE:
        return on_frame(c, in, len, wsi);
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
        on_close_frame(c, in, len);
        return 0;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        on_error(c, wsi, in);
        return 0;
    case LWS_CALLBACK_CLIENT_CLOSED:
        if (c && !c->done && !st.stop && st.exit_code == 0)
            st.exit_code = 4;
        if (c)
            finish(c);
        return 0;
    default:
        return 0;
    }
}

static const struct lws_protocols protocols[] = {
    {.name = "lbt", .callback = callback, .rx_buffer_size = 65536},
    {0},
};

/* Every TICK_US: the timeout, pauses ending, paced sends, more handshakes. */
static void tick(lws_sorted_usec_list_t *sul)
{
    long long now = now_us();
    if (now >= st.deadline_us)
        st.stop = 1;
    for (long i = 0; (opt.pause_ms || opt.nsends) && i < st.started; i++) {
        conn *c = &st.conns[i];
        if (!c->open || c->done)
            continue;
        if (c->pause_until_us && now >= c->pause_until_us) {
            c->pause_until_us = 0;
            lws_rx_flow_control(c->wsi, 1);
        }
        if (c->sent < opt.nsends * opt.repeat && now >= c->next_send_us)
            lws_callback_on_writable(c->wsi);
    }
    start_more();
    lws_sul_schedule(st.ctx, 0, sul, tick, TICK_US);
}

int main(int argc, char **argv)
{
    parse_args(argc, argv);
    if (parse_url() != 0)
        return 2;
    setvbuf(stdout, NULL, _IOLBF, 0);
    lws_set_log_level(LLL_ERR, NULL);
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = protocols;
    info.timeout_secs = 10;
    st.ctx = lws_create_context(&info);
    st.conns = calloc((size_t)opt.conns, sizeof *st.conns);
    if (!st.ctx || !st.conns)
        return 2;
    st.deadline_us = now_us() + opt.timeout_ms * 1000;
    start_more();
    lws_sul_schedule(st.ctx, 0, &st.tick, tick, TICK_US);
    while (!st.stop && lws_service(st.ctx, 0) >= 0)
        ;
    if (opt.conns > 1)
        print_summary();
    fflush(stdout);
    lws_context_destroy(st.ctx);
    free(st.conns);
    free(st.lat);
    return st.exit_code;
}
