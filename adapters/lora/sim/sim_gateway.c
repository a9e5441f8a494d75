/* The simulated gateways: each one a Semtech UDP packet forwarder with its own socket (so its
 * own source port), its own concentrator clock (tmst: the simulator's µs clock plus a fixed
 * per-gateway offset, wrapping at 2^32 as a real SX1301 counter does), a batch of rxpk that
 * becomes one PUSH_DATA, and a queue of PUSH_DATA datagrams sent with one sendmmsg.
 * Datagrams are built and parsed by lb_semtech (gw/semtech.h). */
#define _GNU_SOURCE
#include "sim.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define OUT_QUEUE 64   /* PUSH_DATA datagrams per sendmmsg */
#define RX_BATCH  64   /* datagrams per recvmmsg */
#define RX_SLOT   2048 /* a PULL_RESP with 255 bytes of data is ~700 */
#define SOCK_BUF  (4 << 20)

struct sim_rxbuf {
    struct mmsghdr msgs[RX_BATCH];
    struct iovec iov[RX_BATCH];
    uint8_t data[RX_BATCH][RX_SLOT];
};

sim_rxbuf *sim_rxbuf_new(void)
{
    sim_rxbuf *rb = calloc(1, sizeof *rb);
    if (!rb)
        return NULL;
    for (int i = 0; i < RX_BATCH; i++) {
        rb->iov[i] = (struct iovec){rb->data[i], RX_SLOT};
        rb->msgs[i].msg_hdr.msg_iov = &rb->iov[i];
        rb->msgs[i].msg_hdr.msg_iovlen = 1;
    }
    return rb;
}

void sim_rxbuf_free(sim_rxbuf *rb)
{
    free(rb);
}

static int sock_open(sim_gw *g, const sim_opts *o, char *err, size_t errlen)
{
    int buf = SOCK_BUF;
    g->fd = socket(o->server.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (g->fd < 0) {
        snprintf(err, errlen, "gateway %u: socket: %s", g->index, strerror(errno));
        return -1;
    }
    /* best effort: the kernel caps these at net.core.[rw]mem_max */
    setsockopt(g->fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
    setsockopt(g->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    if (connect(g->fd, (const struct sockaddr *)&o->server, o->server_len) < 0) {
        snprintf(err, errlen, "gateway %u: cannot reach %s: %s", g->index, o->server_name,
                 strerror(errno));
        return -1;
    }
    return 0;
}

int sim_gw_open(sim_gw *g, const sim_opts *o, uint32_t index, char *err, size_t errlen)
{
    memset(g, 0, sizeof *g);
    g->fd = -1;
    g->index = index;
    g->eui = o->gw_eui_base + index;
    g->tmst_offset = 0x9E3779B9u * (index + 1); /* spread, fixed, one per gateway */
    g->token = (uint16_t)(index * 7919u);
    g->batch_cap = o->batch;
    g->out_cap = OUT_QUEUE;
    g->slot_cap = 128 + (size_t)o->batch * 720; /* an rxpk with 255 bytes of data is < 700 */
    g->batch = calloc(g->batch_cap, sizeof *g->batch);
    g->out = malloc(g->out_cap * g->slot_cap);
    g->msgs = calloc(g->out_cap, sizeof *g->msgs);
    g->iov = calloc(g->out_cap, sizeof *g->iov);
    if (!g->batch || !g->out || !g->msgs || !g->iov) {
        snprintf(err, errlen, "gateway %u: out of memory", index);
        return -1;
    }
    for (uint32_t i = 0; i < g->out_cap; i++) {
        g->msgs[i].msg_hdr.msg_iov = &g->iov[i];
        g->msgs[i].msg_hdr.msg_iovlen = 1;
    }
    return sock_open(g, o, err, errlen);
}

void sim_gw_close(sim_gw *g)
{
    if (g->fd >= 0)
        close(g->fd);
    g->fd = -1;
    free(g->batch);
    free(g->out);
    free(g->msgs);
    free(g->iov);
    g->batch = NULL;
    g->out = NULL;
    g->msgs = NULL;
    g->iov = NULL;
}

uint32_t sim_gw_tmst(const sim_gw *g, uint64_t t_us)
{
    return (uint32_t)(t_us + g->tmst_offset);
}

/* Sends the queued datagrams; one that fails (ECONNREFUSED while nobody listens) is counted
 * and skipped. Returns how many went out. */
static uint32_t send_queued(sim_gw *g, sim_stats *st)
{
    uint32_t done = 0, sent = 0;
    while (done < g->n_out) {
        int r = sendmmsg(g->fd, g->msgs + done, g->n_out - done, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            st->send_errors++;
            done++;
            continue;
        }
        done += (uint32_t)r;
        sent += (uint32_t)r;
    }
    g->n_out = 0;
    st->push_data_sent += sent;
    return sent;
}

/* Turns the batch into a PUSH_DATA in the queue, sending the queue when it is full. */
static uint32_t encode(sim_gw *g, sim_stats *st)
{
    uint32_t sent = 0;
    if (g->n_batch == 0)
        return 0;
    if (g->n_out == g->out_cap)
        sent = send_queued(g, st);
    uint8_t *slot = g->out + g->n_out * g->slot_cap;
    int n = sm_push_data(g->token++, g->eui, g->batch, g->n_batch, NULL, slot, g->slot_cap);
    g->n_batch = 0;
    if (n < 0) {
        st->send_errors++;
        return sent;
    }
    g->iov[g->n_out] = (struct iovec){slot, (size_t)n};
    g->n_out++;
    if (g->n_out == g->out_cap)
        sent += send_queued(g, st);
    return sent;
}

uint32_t sim_gw_push(sim_gw *g, const sm_rxpk *rx, sim_stats *st)
{
    g->batch[g->n_batch++] = *rx;
    return g->n_batch == g->batch_cap ? encode(g, st) : 0;
}

uint32_t sim_gw_flush(sim_gw *g, sim_stats *st)
{
    uint32_t sent = encode(g, st);
    return sent + (g->n_out ? send_queued(g, st) : 0);
}

static int send_one(sim_gw *g, const uint8_t *buf, int n, sim_stats *st)
{
    if (n < 0 || send(g->fd, buf, (size_t)n, 0) != n) {
        st->send_errors++;
        return -1;
    }
    return 0;
}

int sim_gw_pull(sim_gw *g, sim_stats *st)
{
    uint8_t buf[12];
    if (send_one(g, buf, sm_pull_data(g->token++, g->eui, buf, sizeof buf), st) < 0)
        return -1;
    st->pull_data_sent++;
    return 0;
}

int sim_gw_tx_ack(sim_gw *g, uint16_t token, const char *error, sim_stats *st)
{
    uint8_t buf[128];
    int n = sm_tx_ack(token, g->eui, error ? error : "NONE", buf, sizeof buf);
    if (send_one(g, buf, n, st) < 0)
        return -1;
    st->tx_acks_sent++;
    return 0;
}

uint32_t sim_gw_recv(sim_gw *g, sim_rxbuf *rb, sim_gw_datagram_fn fn, void *ctx)
{
    uint32_t total = 0;
    for (;;) {
        int n = recvmmsg(g->fd, rb->msgs, RX_BATCH, MSG_DONTWAIT, NULL);
        if (n < 0 && (errno == EINTR || errno == ECONNREFUSED))
            continue; /* ECONNREFUSED: an ICMP error from an earlier send, reported once */
        if (n <= 0)
            break;
        for (int i = 0; i < n; i++)
            fn(ctx, g, rb->data[i], rb->msgs[i].msg_len);
        total += (uint32_t)n;
        if (n < RX_BATCH)
            break;
    }
    return total;
}
