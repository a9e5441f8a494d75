/* lbt_udp_sink: a stand-in network server on the Semtech UDP protocol, for testing and
 * measuring the LoRaWAN simulator (lyrebird-sim) without the real one. It answers PUSH_DATA
 * with PUSH_ACK and PULL_DATA with PULL_ACK and counts TX_ACKs by error. With --reply it
 * answers what the best gateway (rssi -60) heard, in RX1 or RX2, using the simulator's
 * --key-seed formula (key = AES128(seed, P | DevEUI | 0..): 01 AppKey, 02 NwkKey, 03 NwkSKey,
 * 06 AppSKey; DevEUI = dev-eui-base + DevAddr - addr-base):
 *   - a join-request with a join-accept: DevAddr addr-base + device number, JoinNonce
 *     counting up, NetID 000013, RX1DROffset 0, RX2 DR0, RxDelay 1, the EU868 CFList; OptNeg
 *     set with --mac 1.1 (then MICs and keys are 1.1's);
 *   - a data uplink with a downlink: FPort 1, payload CAFE | FCnt low byte, ACK set for a
 *     confirmed uplink, FCntDown = the uplink's FCnt, in the session of the join (else ABP).
 *
 * usage: lbt_udp_sink [--port P] [--duration S] [--fast] [--reply rx1|rx2]
 *                     [--reply-delay-ms D] [--key-seed HEX32] [--dev-eui-base HEX]
 *                     [--addr-base HEX] [--mac 1.0|1.1]
 * --fast acknowledges without parsing (for throughput runs). Prints {"port":P} first, then
 * one JSON line of counts when it ends (SIGTERM, SIGINT or --duration). */
#define _GNU_SOURCE
#include "gw/semtech.h"
#include "lorawan/lorawan.h"
#include "region/region.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH       64
#define SLOT        65536
#define MAX_PENDING 65536
#define MAX_DEVICES 65536 /* sessions kept for joined devices */

typedef struct pending {
    uint64_t due_us;
    struct sockaddr_storage to;
    socklen_t to_len;
    uint32_t tmst, freq_hz;
    uint8_t sf;
    uint8_t len;
    uint8_t phy[LW_MAX_PHY];
} pending;

static struct {
    int port, window; /* window: 0 none, 1 rx1, 2 rx2 */
    double duration;
    bool fast;
    int delay_ms;
    uint8_t seed[16];
    uint64_t dev_eui_base;
    uint32_t addr_base;
    bool v11;
} cfg = {.dev_eui_base = 0x0080000000000000ULL,
         .addr_base = 0x26000000,
         .seed = {0x2B, 0x7E, 0x15, 0x16, 0x28, 0xAE, 0xD2, 0xA6, 0xAB, 0xF7, 0x15, 0x88, 0x09,
                  0xCF, 0x4F, 0x3C}};

static struct {
    uint64_t push_data, rxpk, pull_data, tx_ack_ok, tx_ack_too_late, tx_ack_other;
    uint64_t replies, bad;
} cnt;

static lw_session *sessions; /* by device number; dev_addr 0 = not joined */
static uint32_t join_nonce;
static pending *queue; /* ring */
static uint32_t q_head, q_len;
static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int unhex(const char *s, uint8_t *out, size_t n)
{
    if (strlen(s) != 2 * n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (uint8_t)v;
    }
    return 0;
}

static void key_of(uint64_t dev_eui, uint8_t prefix, uint8_t key[16])
{
    uint8_t block[16] = {prefix};
    for (int b = 0; b < 8; b++)
        block[1 + b] = (uint8_t)(dev_eui >> (56 - 8 * b));
    lw_aes_encrypt(cfg.seed, block, key);
}

/* A join-accept for join-request f into p->phy; its length or -1. */
static int join_accept(const lw_frame *f, pending *p)
{
    uint64_t num = f->dev_eui - cfg.dev_eui_base;
    uint8_t app_key[16], nwk_key[16], js_int[16], js_enc[16];
    if (num >= MAX_DEVICES)
        return -1;
    key_of(f->dev_eui, 0x01, app_key);
    key_of(f->dev_eui, cfg.v11 ? 0x02 : 0x01, nwk_key);
    if (!lw_join_request_mic_ok(nwk_key, f))
        return -1;
    lw_join_accept ja = {.join_nonce = ++join_nonce,
                         .net_id = 0x13,
                         .dev_addr = cfg.addr_base + (uint32_t)num,
                         .dl_settings = cfg.v11 ? 0x80 : 0,
                         .rx_delay = 1};
    ja.has_cflist = lw_region_cflist(lw_region_find("EU868"), 0, ja.cflist);
    lw_js_keys_derive(nwk_key, f->dev_eui, js_int, js_enc);
    lw_session *s = &sessions[num];
    if (cfg.v11)
        lw_session_derive_11(nwk_key, app_key, ja.join_nonce, f->join_eui, f->dev_nonce,
                             ja.dev_addr, s);
    else
        lw_session_derive_10(app_key, ja.join_nonce, ja.net_id, f->dev_nonce, ja.dev_addr, s);
    s->v11 = cfg.v11;
    return lw_join_accept_build(nwk_key, js_int, 0xFF, f->join_eui, f->dev_nonce, &ja, p->phy,
                                sizeof p->phy);
}

/* A downlink answering data uplink f into p->phy; its length or -1. */
static int data_down(const lw_frame *f, pending *p)
{
    uint32_t num = f->dev_addr - cfg.addr_base;
    uint64_t dev_eui = cfg.dev_eui_base + num;
    lw_session s = {.dev_addr = f->dev_addr};
    if (num < MAX_DEVICES && sessions[num].dev_addr == f->dev_addr) {
        s = sessions[num];
    } else {
        key_of(dev_eui, 0x03, s.f_nwk_s_int);
        memcpy(s.s_nwk_s_int, s.f_nwk_s_int, 16);
        memcpy(s.nwk_s_enc, s.f_nwk_s_int, 16);
        key_of(dev_eui, 0x06, s.app_s);
    }
    if (!lw_data_mic_f_ok(&s, f, f->fcnt16))
        return -1;
    uint8_t payload[3] = {0xCA, 0xFE, (uint8_t)f->fcnt16};
    lw_data d = {.mtype = LW_UNCONFIRMED_DOWN,
                 .ack = f->mtype == LW_CONFIRMED_UP,
                 .fcnt = f->fcnt16,
                 .fport = 1,
                 .payload = payload,
                 .len = sizeof payload,
                 .conf_fcnt = f->fcnt16};
    return lw_data_build(&s, &d, p->phy, sizeof p->phy);
}

/* Queues the answer to rx, for its time: false when rx is not the simulator's. */
static bool plan_reply(const sm_rxpk *rx, const struct sockaddr_storage *from, socklen_t len)
{
    lw_frame f;
    char err[LW_ERRLEN];
    pending *p = &queue[(q_head + q_len) % MAX_PENDING];
    if (rx->rssi != -60 || q_len == MAX_PENDING ||
        lw_frame_decode(rx->data, rx->size, &f, err, sizeof err) < 0)
        return false;
    bool join = f.mtype == LW_JOIN_REQUEST;
    int n = join                                                         ? join_accept(&f, p)
            : f.mtype == LW_UNCONFIRMED_UP || f.mtype == LW_CONFIRMED_UP ? data_down(&f, p)
                                                                         : -1;
    if (n < 0)
        return false;
    p->len = (uint8_t)n;
    p->due_us = now_us() + (uint64_t)cfg.delay_ms * 1000;
    p->to = *from;
    p->to_len = len;
    p->tmst = rx->tmst + (uint32_t)(cfg.window + (join ? 4 : 0)) * 1000000u;
    p->freq_hz = cfg.window == 1 ? rx->freq_hz : 869525000;
    p->sf = cfg.window == 1 ? rx->sf : 12;
    q_len++;
    return true;
}

static void send_due(int fd)
{
    uint8_t out[1024];
    uint64_t now = now_us();
    static uint16_t token;
    while (q_len && queue[q_head].due_us <= now) {
        const pending *p = &queue[q_head];
        sm_txpk tx = {.tmst = p->tmst,
                      .freq_hz = p->freq_hz,
                      .powe = 14,
                      .lora = true,
                      .sf = p->sf,
                      .bw_khz = 125,
                      .codr = "4/5",
                      .ipol = true,
                      .ncrc = true,
                      .data = p->phy,
                      .size = p->len};
        int n = sm_pull_resp(token++, &tx, out, sizeof out);
        if (n > 0 && sendto(fd, out, (size_t)n, 0, (const struct sockaddr *)&p->to, p->to_len) == n)
            cnt.replies++;
        q_head = (q_head + 1) % MAX_PENDING;
        q_len--;
    }
}

static void count_tx_ack(const sm_packet *p)
{
    if (!p->tx_error[0] || strcmp(p->tx_error, "NONE") == 0)
        cnt.tx_ack_ok++;
    else if (strcmp(p->tx_error, "TOO_LATE") == 0)
        cnt.tx_ack_too_late++;
    else
        cnt.tx_ack_other++;
}

/* One datagram: the ack to send back (into ack, 4 bytes) or 0. */
static size_t handle(const uint8_t *buf, size_t len, const struct sockaddr_storage *from,
                     socklen_t from_len, sm_packet *p, uint8_t ack[4])
{
    char err[SM_ERRLEN];
    if (len < 4 || buf[0] != SM_VERSION) {
        cnt.bad++;
        return 0;
    }
    uint16_t token = (uint16_t)(buf[1] | buf[2] << 8); /* little-endian, as sm_parse */
    if (cfg.fast && (buf[3] == SM_PUSH_DATA || buf[3] == SM_PULL_DATA)) {
        cnt.push_data += buf[3] == SM_PUSH_DATA;
        cnt.pull_data += buf[3] == SM_PULL_DATA;
        return sm_ack(buf[3] == SM_PUSH_DATA ? SM_PUSH_ACK : SM_PULL_ACK, token, ack);
    }
    if (sm_parse(buf, len, p, err, sizeof err) < 0) {
        cnt.bad++;
        fprintf(stderr, "lbt_udp_sink: %s\n", err);
        return 0;
    }
    if (p->type == SM_TX_ACK) {
        count_tx_ack(p);
        return 0;
    }
    if (p->type == SM_PULL_DATA) {
        cnt.pull_data++;
        return sm_ack(SM_PULL_ACK, p->token, ack);
    }
    if (p->type != SM_PUSH_DATA)
        return 0;
    cnt.push_data++;
    cnt.rxpk += p->n_rxpk;
    for (size_t i = 0; cfg.window && i < p->n_rxpk; i++)
        plan_reply(&p->rxpk[i], from, from_len);
    return sm_ack(SM_PUSH_ACK, p->token, ack);
}

static int parse_args(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--fast") == 0) {
            cfg.fast = true;
            continue;
        }
        if (!v)
            return -1;
        i++;
        if (strcmp(a, "--port") == 0)
            cfg.port = atoi(v);
        else if (strcmp(a, "--duration") == 0)
            cfg.duration = atof(v);
        else if (strcmp(a, "--reply") == 0)
            cfg.window = strcmp(v, "rx1") == 0 ? 1 : strcmp(v, "rx2") == 0 ? 2 : -1;
        else if (strcmp(a, "--reply-delay-ms") == 0)
            cfg.delay_ms = atoi(v);
        else if (strcmp(a, "--key-seed") == 0 && unhex(v, cfg.seed, 16) == 0)
            continue;
        else if (strcmp(a, "--dev-eui-base") == 0)
            cfg.dev_eui_base = strtoull(v, NULL, 16);
        else if (strcmp(a, "--addr-base") == 0)
            cfg.addr_base = (uint32_t)strtoul(v, NULL, 16);
        else if (strcmp(a, "--mac") == 0)
            cfg.v11 = strcmp(v, "1.1") == 0;
        else
            return -1;
        if (cfg.window < 0)
            return -1;
    }
    return 0;
}

static int open_socket(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0), buf = 8 << 20;
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)cfg.port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &alen) < 0) {
        close(fd);
        return -1;
    }
    printf("{\"port\":%u}\n", ntohs(a.sin_port));
    fflush(stdout);
    return fd;
}

static void serve(int fd)
{
    static uint8_t data[BATCH][SLOT], acks[BATCH][4];
    static struct sockaddr_storage from[BATCH];
    struct mmsghdr in[BATCH], out[BATCH];
    struct iovec iov[BATCH], aiov[BATCH];
    sm_packet *p = malloc(sizeof *p);
    uint64_t end = cfg.duration > 0 ? now_us() + (uint64_t)(cfg.duration * 1e6) : 0;
    while (p && !stop_flag && (!end || now_us() < end)) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int timeout =
            q_len ? (int)((queue[q_head].due_us > now_us() ? queue[q_head].due_us - now_us() : 0) /
                          1000)
                  : 100;
        send_due(fd);
        if (poll(&pfd, 1, timeout) <= 0)
            continue;
        for (int i = 0; i < BATCH; i++) {
            iov[i] = (struct iovec){data[i], SLOT};
            in[i] = (struct mmsghdr){.msg_hdr = {.msg_name = &from[i],
                                                 .msg_namelen = sizeof from[i],
                                                 .msg_iov = &iov[i],
                                                 .msg_iovlen = 1}};
        }
        int n = recvmmsg(fd, in, BATCH, MSG_DONTWAIT, NULL), k = 0;
        for (int i = 0; i < n; i++) {
            size_t a =
                handle(data[i], in[i].msg_len, &from[i], in[i].msg_hdr.msg_namelen, p, acks[k]);
            if (!a)
                continue;
            aiov[k] = (struct iovec){acks[k], a};
            out[k] = (struct mmsghdr){.msg_hdr = {.msg_name = &from[i],
                                                  .msg_namelen = in[i].msg_hdr.msg_namelen,
                                                  .msg_iov = &aiov[k],
                                                  .msg_iovlen = 1}};
            k++;
        }
        for (int done = 0; done < k;) {
            int r = sendmmsg(fd, out + done, (unsigned)(k - done), 0);
            done += r > 0 ? r : 1;
        }
    }
    free(p);
}

int main(int argc, char **argv)
{
    struct sigaction sa = {.sa_handler = on_signal};
    if (parse_args(argc, argv) < 0) {
        fprintf(stderr, "usage: lbt_udp_sink [--port P] [--duration S] [--fast] "
                        "[--reply rx1|rx2] [--reply-delay-ms D] [--key-seed HEX32] "
                        "[--dev-eui-base HEX] [--addr-base HEX] [--mac 1.0|1.1]\n");
        return 2;
    }
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    queue = calloc(MAX_PENDING, sizeof *queue);
    sessions = calloc(MAX_DEVICES, sizeof *sessions);
    int fd = open_socket();
    if (fd < 0 || !queue || !sessions) {
        fprintf(stderr, "lbt_udp_sink: cannot listen on 127.0.0.1:%d: %s\n", cfg.port,
                strerror(errno));
        return 1;
    }
    serve(fd);
    printf("{\"push_data\":%" PRIu64 ",\"rxpk\":%" PRIu64 ",\"pull_data\":%" PRIu64
           ",\"tx_ack_ok\":%" PRIu64 ",\"tx_ack_too_late\":%" PRIu64 ",\"tx_ack_other\":%" PRIu64
           ",\"replies\":%" PRIu64 ",\"bad\":%" PRIu64 "}\n",
           cnt.push_data, cnt.rxpk, cnt.pull_data, cnt.tx_ack_ok, cnt.tx_ack_too_late,
           cnt.tx_ack_other, cnt.replies, cnt.bad);
    close(fd);
    free(queue);
    free(sessions);
    return 0;
}
