#define _GNU_SOURCE /* recvmmsg, ppoll, pipe2 */
/* The gateway bridge: the Semtech UDP socket (LB_LORA_UDP_PORT) and the loop thread that
 * drives the whole adapter. It acknowledges PUSH_DATA and PULL_DATA, keeps a table of the
 * gateways it heard (where their PULL_RESPs go, when they were last seen, their location from
 * `stat`), hands each received frame to the deduplication window and, when a window ends, to
 * the network server. Bad datagrams are counted and logged (rate-limited), never fatal.
 *
 * Downlinks may be sent from any thread (class C downlinks leave from the bus thread): the
 * gateway table and the pending-TX table are guarded by gw_lock. */
#include "../lora.h"

#include <lyrebird/error.h>
#include <lyrebird/message.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define DGRAM_MAX 65536
#define STAT_SAVE_NS (10LL * 1000000000) /* last_seen written at most this often */

/* The table entry of eui, added when missing; NULL when out of memory. gw_lock held. */
static lora_gw *gw_find(lora *l, uint64_t eui, bool add)
{
    for (size_t i = 0; i < l->n_gws; i++)
        if (l->gws[i].eui == eui)
            return &l->gws[i];
    if (!add)
        return NULL;
    if (l->n_gws == l->cap_gws) {
        size_t cap = l->cap_gws ? l->cap_gws * 2 : 16;
        lora_gw *g = realloc(l->gws, cap * sizeof *g);
        if (!g)
            return NULL;
        l->gws = g;
        l->cap_gws = cap;
    }
    lora_gw *g = &l->gws[l->n_gws++];
    memset(g, 0, sizeof *g);
    g->eui = eui;
    l->host->gauge_set(l->gateways_gauge, (double)l->n_gws);
    return g;
}

void lora_gw_register(lora *l, uint64_t eui, bool registered)
{
    pthread_mutex_lock(&l->gw_lock);
    lora_gw *g = gw_find(l, eui, registered);
    if (g)
        g->registered = registered;
    pthread_mutex_unlock(&l->gw_lock);
}

static void gw_register_cb(uint64_t eui, void *arg)
{
    lora_gw_register(arg, eui, true);
}

/* Logs a bad datagram: the first 20, then one in 1000, so a flood cannot fill the log. */
static void bad_datagram(lora *l, const struct sockaddr_storage *from, const char *why)
{
    static unsigned long seen; /* loop thread only */
    l->host->counter_add(l->bad_datagrams, 1);
    if (seen++ >= 20 && seen % 1000 != 0)
        return;
    char addr[INET6_ADDRSTRLEN] = "?";
    if (from->ss_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)from)->sin_addr, addr, sizeof addr);
    l->host->log(l->host, LB_LOG_WARN, "bad datagram", "from=%s error=\"%s\" seen=%lu", addr,
                 why, seen);
}

/* Frames of one PUSH_DATA into the dedup window. */
static void push_data(lora *l, const sm_packet *p, int64_t now)
{
    pthread_mutex_lock(&l->gw_lock);
    lora_gw *g = gw_find(l, p->gw_eui, true);
    bool known = g && (g->registered || l->open_gateways);
    bool save = g && known && (p->has_stat || now - g->stat_saved_ns > STAT_SAVE_NS);
    if (g) {
        g->last_seen_ns = now;
        if (save)
            g->stat_saved_ns = now;
    }
    pthread_mutex_unlock(&l->gw_lock);
    if (!known) {
        l->host->counter_add(l->unknown_gw, 1);
        return;
    }
    if (save)
        lora_store_gateway_seen(l->store, p->gw_eui, lb_now_ns(), p->has_stat ? &p->stat : NULL);
    for (size_t i = 0; i < p->n_rxpk; i++) {
        const sm_rxpk *rx = &p->rxpk[i];
        l->host->counter_add(l->rxpk, 1);
        if (rx->stat == -1 || !rx->lora) {
            l->host->counter_add(l->crc_bad, 1);
            continue;
        }
        int rc = lora_dedup_add(l->dedup, rx, p->gw_eui, now);
        if (rc == LB_ENOMEM) { /* the window is full: end the oldest one early */
            lora_uplink up;
            if (lora_dedup_pop(l->dedup, INT64_MAX, &up))
                lora_ns_uplink(l, &up);
            rc = lora_dedup_add(l->dedup, rx, p->gw_eui, now);
        }
        if (rc == 0)
            l->host->counter_add(l->duplicates, 1);
    }
}

static void pull_data(lora *l, const sm_packet *p, const struct sockaddr_storage *from,
                      socklen_t fromlen, int64_t now)
{
    pthread_mutex_lock(&l->gw_lock);
    lora_gw *g = gw_find(l, p->gw_eui, true);
    if (g) {
        g->has_pull_addr = true;
        g->pull_addr = *from;
        g->pull_addr_len = fromlen;
        g->last_seen_ns = now;
    }
    pthread_mutex_unlock(&l->gw_lock);
}

static void datagram(lora *l, sm_packet *p, const uint8_t *buf, size_t len,
                     const struct sockaddr_storage *from, socklen_t fromlen)
{
    char err[SM_ERRLEN];
    uint8_t ack[4];
    int64_t now = lora_mono_ns();
    l->host->counter_add(l->datagrams, 1);
    if (sm_parse(buf, len, p, err, sizeof err) != 0) {
        bad_datagram(l, from, err);
        return;
    }
    switch (p->type) {
    case SM_PUSH_DATA:
        sendto(l->sock, ack, sm_ack(SM_PUSH_ACK, p->token, ack), 0,
               (const struct sockaddr *)from, fromlen);
        push_data(l, p, now);
        break;
    case SM_PULL_DATA:
        sendto(l->sock, ack, sm_ack(SM_PULL_ACK, p->token, ack), 0,
               (const struct sockaddr *)from, fromlen);
        pull_data(l, p, from, fromlen, now);
        break;
    case SM_TX_ACK:
        lora_gw_tx_ack(l, p);
        break;
    default:
        bad_datagram(l, from, "a server-to-gateway message type sent to the server");
    }
}

/* Ends every window that is due and persists and publishes what they held. */
static void windows_due(lora *l)
{
    lora_uplink up;
    while (lora_dedup_pop(l->dedup, lora_mono_ns(), &up))
        lora_ns_uplink(l, &up);
    lora_ns_flush(l);
}

static void *loop(void *arg)
{
    lora *l = arg;
    sm_packet *p = malloc(sizeof *p);
    uint8_t(*bufs)[DGRAM_MAX] = malloc((size_t)BATCH * DGRAM_MAX);
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    struct sockaddr_storage from[BATCH];
    if (!p || !bufs) {
        l->host->log(l->host, LB_LOG_ERROR, "out of memory", NULL);
        goto out;
    }
    while (__atomic_load_n(&l->running, __ATOMIC_ACQUIRE)) {
        struct pollfd fds[2] = {{l->sock, POLLIN, 0}, {l->wake[0], POLLIN, 0}};
        int64_t wait = lora_dedup_next_ns(l->dedup, lora_mono_ns());
        struct timespec ts = {(time_t)(wait / 1000000000), (long)(wait % 1000000000)};
        ppoll(fds, 2, wait < 0 ? NULL : &ts, NULL);
        if (fds[1].revents) {
            char drain[64];
            while (read(l->wake[0], drain, sizeof drain) > 0)
                ;
        }
        for (int n = BATCH; n == BATCH;) {
            for (int i = 0; i < BATCH; i++) {
                iov[i] = (struct iovec){bufs[i], DGRAM_MAX};
                msgs[i].msg_hdr = (struct msghdr){.msg_name = &from[i],
                                                  .msg_namelen = sizeof from[i],
                                                  .msg_iov = &iov[i],
                                                  .msg_iovlen = 1};
            }
            n = recvmmsg(l->sock, msgs, BATCH, MSG_DONTWAIT, NULL);
            for (int i = 0; i < n; i++)
                datagram(l, p, bufs[i], msgs[i].msg_len, &from[i], msgs[i].msg_hdr.msg_namelen);
            windows_due(l);
        }
    }
    /* frames still in their window are handled now rather than lost */
    lora_uplink up;
    while (lora_dedup_pop(l->dedup, INT64_MAX, &up))
        lora_ns_uplink(l, &up);
    lora_ns_flush(l);
out:
    free(p);
    free(bufs);
    return NULL;
}

int lora_gw_start(lora *l)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)l->udp_port)};
    addr.sin_addr.s_addr = htonl(l->loopback_only ? INADDR_LOOPBACK : INADDR_ANY);
    int size = 8 << 20;
    l->sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (l->sock < 0 || pipe2(l->wake, O_CLOEXEC | O_NONBLOCK) != 0)
        return LB_EIO;
    setsockopt(l->sock, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    if (bind(l->sock, (struct sockaddr *)&addr, sizeof addr) != 0) {
        l->host->log(l->host, LB_LOG_ERROR, "cannot bind", "port=%d udp=1 error=\"%s\"",
                     l->udp_port, strerror(errno));
        return LB_EIO;
    }
    lora_store_gateway_each(l->store, gw_register_cb, l);
    l->running = true;
    if (pthread_create(&l->thread, NULL, loop, l) != 0) {
        l->running = false;
        return LB_ENOMEM;
    }
    return 0;
}

void lora_gw_stop(lora *l)
{
    if (__atomic_exchange_n(&l->running, false, __ATOMIC_ACQ_REL)) {
        if (write(l->wake[1], "x", 1) < 0)
            l->host->log(l->host, LB_LOG_WARN, "cannot wake the loop", NULL);
        pthread_join(l->thread, NULL);
    }
    if (l->sock >= 0)
        close(l->sock);
    for (int i = 0; i < 2; i++)
        if (l->wake[i] >= 0)
            close(l->wake[i]);
    l->sock = l->wake[0] = l->wake[1] = -1;
}

/* Builds and sends a PULL_RESP; gw_lock held. */
static int send_txpk(lora *l, const lora_gw *g, uint16_t token, const sm_txpk *tx)
{
    uint8_t buf[1024];
    int n = sm_pull_resp(token, tx, buf, sizeof buf);
    if (n < 0)
        return LB_EINVAL;
    if (sendto(l->sock, buf, (size_t)n, 0, (const struct sockaddr *)&g->pull_addr,
               g->pull_addr_len) != n)
        return LB_EIO;
    return 0;
}

int lora_gw_send(lora *l, uint64_t gw_eui, const sm_txpk *tx, const sm_txpk *rx2)
{
    pthread_mutex_lock(&l->gw_lock);
    lora_gw *g = gw_find(l, gw_eui, false);
    int rc = LB_ENOTFOUND;
    if (g && g->has_pull_addr) {
        uint16_t token = l->next_token++;
        rc = send_txpk(l, g, token, tx);
        lora_pending_tx *pt = &l->pending[token % LORA_PENDING_TX];
        *pt = (lora_pending_tx){.token = token, .used = rc == 0, .gw_eui = gw_eui,
                                .rx2_possible = rx2 != NULL, .sent_mono_ns = lora_mono_ns()};
        if (rx2 && rc == 0) {
            pt->rx2 = *rx2;
            memcpy(pt->data, rx2->data, rx2->size);
            pt->rx2.data = pt->data;
        }
    }
    pthread_mutex_unlock(&l->gw_lock);
    return rc;
}

void lora_gw_tx_ack(lora *l, const sm_packet *p)
{
    bool ok = p->tx_error[0] == 0 || strcmp(p->tx_error, "NONE") == 0;
    pthread_mutex_lock(&l->gw_lock);
    lora_pending_tx *pt = &l->pending[p->token % LORA_PENDING_TX];
    bool ours = pt->used && pt->token == p->token && pt->gw_eui == p->gw_eui;
    bool retry = ours && !ok && pt->rx2_possible &&
                 lora_mono_ns() - pt->sent_mono_ns < 500000000LL; /* RX2 is 1 s after RX1 */
    if (ours)
        pt->used = false;
    int rc = -1;
    if (retry) {
        lora_gw *g = gw_find(l, pt->gw_eui, false);
        rc = g && g->has_pull_addr ? send_txpk(l, g, (uint16_t)(p->token + 0x8000), &pt->rx2) : -1;
    }
    pthread_mutex_unlock(&l->gw_lock);
    if (ok)
        return;
    char eui[17];
    lora_eui_format(p->gw_eui, eui);
    l->host->counter_add(l->tx_errors, 1);
    if (rc == 0)
        l->host->counter_add(l->downlinks_rx2, 1);
    l->host->log(l->host, LB_LOG_WARN, "gateway refused a downlink",
                 "gateway=%s error=%s retried_rx2=%d", eui, p->tx_error, rc == 0);
}
