/* The simulator's event loop, one thread: a ready queue of devices that may transmit, paced
 * by --rate and by a window of PUSH_DATA awaiting PUSH_ACK; a device that expects an answer
 * (a join-request, a confirmed uplink) leaves the queue until the answer or the end of its
 * RX2 window; --replay frames wait in a FIFO for 400 ms; ppoll over the gateway sockets
 * brings PUSH_ACK/PULL_ACK and PULL_RESP, which sim_rx.c turns into TX_ACKs and device
 * downlinks. No allocation per frame: every buffer is sized at start (the replay FIFO grows
 * by doubling). */
#define _GNU_SOURCE
#include "sim_loop.h"

#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUND_FRAMES    64      /* frames per send round between two looks at the sockets */
#define STALL_US        250000  /* no PUSH_ACK for this long with the window full: forget them */
#define SCAN_US         50000   /* how often waits are checked for their end */
#define GRACE_US        200000  /* a wait ends this long after the last window opens */
#define REPLAY_DELAY_US 400000  /* --replay: how much later the copy goes */
#define START_WAIT_US   200000  /* at start, wait this long at most for every PULL_ACK */
#define ACK_WAIT_US     500000  /* at the end, wait this long at most for the last PUSH_ACKs */
#define PROGRESS_US     5000000 /* a progress line on stderr this often */

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

uint64_t sim_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* ---- a u32 -> index map (open addressing, no deletion) ---- */

static int map_init(sim_map *m, uint32_t n)
{
    uint32_t bits = 4;
    while ((1u << bits) < 2 * (uint64_t)n + 16)
        bits++;
    m->shift = 32 - bits;
    m->mask = (1u << bits) - 1;
    m->keys = calloc((size_t)m->mask + 1, sizeof *m->keys);
    m->vals = malloc(((size_t)m->mask + 1) * sizeof *m->vals);
    if (!m->keys || !m->vals)
        return -1;
    memset(m->vals, 0xFF, ((size_t)m->mask + 1) * sizeof *m->vals); /* all -1: empty */
    return 0;
}

static void map_free(sim_map *m)
{
    free(m->keys);
    free(m->vals);
}

static uint32_t map_find(const sim_map *m, uint32_t key)
{
    uint32_t h = (uint32_t)(key * 2654435761u) >> m->shift;
    while (m->vals[h] >= 0 && m->keys[h] != key)
        h = (h + 1) & m->mask;
    return h;
}

int64_t sim_map_get(const sim_map *m, uint32_t key)
{
    return m->vals[map_find(m, key)];
}

void sim_map_put(sim_map *m, uint32_t key, int64_t val)
{
    uint32_t h = map_find(m, key);
    m->keys[h] = key;
    m->vals[h] = val;
}

/* Makes device i reachable by its DevAddr (several devices may share one). */
void sim_loop_add_addr(sim_loop *L, uint32_t i)
{
    sim_device *d = &L->dev[i];
    d->next_same_addr = sim_map_get(&L->addr, d->s.dev_addr);
    sim_map_put(&L->addr, d->s.dev_addr, i);
}

/* ---- the ready queue and waits ---- */

static void ready_push(sim_loop *L, uint32_t i)
{
    if (L->dev[i].queued)
        return;
    L->dev[i].queued = true;
    L->ready[(L->ready_head + L->ready_len) % L->n] = i;
    L->ready_len++;
}

static uint32_t ready_pop(sim_loop *L)
{
    uint32_t i = L->ready[L->ready_head];
    L->ready_head = (L->ready_head + 1) % L->n;
    L->ready_len--;
    L->dev[i].queued = false;
    return i;
}

/* Back in the queue when it has a join or uplinks left to send. */
static void requeue(sim_loop *L, uint32_t i)
{
    const sim_device *d = &L->dev[i];
    if (L->sending_done)
        return;
    if (d->state == SIM_DEV_IDLE ||
        (d->state == SIM_DEV_ACTIVE && (L->o->uplinks == 0 || d->sent_this_run < L->o->uplinks)))
        ready_push(L, i);
}

static void wait_start(sim_loop *L, sim_device *d, uint64_t until_us)
{
    d->waiting = true;
    d->wait_until_us = until_us;
    L->n_waiting++;
}

void sim_loop_wait_end(sim_loop *L, uint32_t i)
{
    sim_device *d = &L->dev[i];
    if (!d->waiting)
        return;
    d->waiting = false;
    L->n_waiting--;
    requeue(L, i);
}

/* Ends the waits whose time is up: a join without an accept fails the device (no retry, so
 * a refused join stays refused); a confirmed uplink without an answer lets it go on. */
static void scan_waits(sim_loop *L, uint64_t now)
{
    if (L->n_waiting == 0 || now < L->next_scan_us)
        return;
    L->next_scan_us = now + SCAN_US;
    for (uint32_t i = 0; i < L->n && L->n_waiting; i++) {
        sim_device *d = &L->dev[i];
        if (!d->waiting || d->wait_until_us > now)
            continue;
        if (d->state == SIM_DEV_JOINING) {
            d->state = SIM_DEV_FAILED;
            L->st->joins_failed++;
        }
        sim_loop_wait_end(L, i);
    }
}

/* ---- sending ---- */

/* The instant a frame is "received": now, but never the same µs twice, so a (gateway, tmst)
 * names one frame. */
static uint64_t next_t(sim_loop *L, uint64_t now)
{
    L->last_t_us = now > L->last_t_us ? now : L->last_t_us + 1;
    return L->last_t_us;
}

/* One frame through every gateway that hears it: the K best by rank from --best. */
static void transmit(sim_loop *L, const uint8_t *phy, size_t len, const sim_radio *radio,
                     uint64_t t_us)
{
    sm_rxpk *rx = &L->tmpl;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    rx->time_unix_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    rx->freq_hz = radio->freq_hz;
    rx->chan = radio->ch % 8;
    rx->sf = radio->sf;
    rx->bw_khz = radio->bw_khz;
    rx->size = (uint16_t)len;
    memcpy(rx->data, phy, len);
    for (uint32_t r = 0; r < L->o->hear; r++) {
        sim_gw *g = &L->gw[(L->o->best + r) % L->n_gw];
        rx->tmst = sim_gw_tmst(g, t_us);
        rx->rssi = (int16_t)(-60 - 10 * (int)r);
        rx->lsnr = 9.5f - 3.0f * (float)r;
        L->outstanding += sim_gw_push(g, rx, L->st);
    }
    L->t_last_send = sim_now_us();
}

static int replay_grow(sim_loop *L)
{
    uint32_t cap = L->rp_cap ? 2 * L->rp_cap : 1024;
    sim_replay *p = malloc((size_t)cap * sizeof *p);
    if (!p)
        return -1;
    for (uint32_t k = 0; k < L->rp_len; k++)
        p[k] = L->rp[(L->rp_head + k) % L->rp_cap];
    free(L->rp);
    L->rp = p;
    L->rp_cap = cap;
    L->rp_head = 0;
    return 0;
}

static void replay_push(sim_loop *L, const uint8_t *phy, size_t len, const sim_radio *radio,
                        uint64_t due)
{
    if (L->rp_len == L->rp_cap && replay_grow(L) < 0)
        return;
    sim_replay *r = &L->rp[(L->rp_head + L->rp_len) % L->rp_cap];
    r->due_us = due;
    r->radio = *radio;
    r->len = (uint16_t)len;
    memcpy(r->phy, phy, len);
    L->rp_len++;
}

/* How many frames the PUSH_ACK window lets out now (each goes to --hear gateways, --batch
 * rxpk per PUSH_DATA). */
static uint64_t window_frames(const sim_loop *L)
{
    const sim_opts *o = L->o;
    if (!o->window)
        return UINT64_MAX;
    uint64_t room = L->outstanding < o->window ? o->window - L->outstanding : 0;
    uint64_t frames = room * o->batch / o->hear;
    if (frames == 0 && L->outstanding == 0)
        frames = 1; /* a window smaller than --hear still moves */
    return frames;
}

static bool window_full(const sim_loop *L)
{
    return window_frames(L) == 0;
}

static void send_replays(sim_loop *L, uint64_t now)
{
    while (L->rp_len && L->rp[L->rp_head].due_us <= now && !window_full(L)) {
        const sim_replay *r = &L->rp[L->rp_head];
        transmit(L, r->phy, r->len, &r->radio, next_t(L, now));
        L->st->replays_sent++;
        L->rp_head = (L->rp_head + 1) % L->rp_cap;
        L->rp_len--;
    }
}

/* Device i's next frame: a join-request while it has no session, else an uplink. */
static void device_send(sim_loop *L, uint32_t i, uint64_t now)
{
    const sim_opts *o = L->o;
    sim_device *d = &L->dev[i];
    uint8_t phy[LW_MAX_PHY];
    sim_radio radio;
    uint64_t t = next_t(L, now);
    int len;
    if (d->state == SIM_DEV_IDLE) {
        len = sim_join_build(d, o, t, phy, &radio);
        if (len < 0) { /* no DevNonce left */
            d->state = SIM_DEV_FAILED;
            L->st->joins_failed++;
            return;
        }
        sim_map_put(&L->join, (uint32_t)t, i);
        L->st->joins_sent++;
        wait_start(L, d, t + (o->region->join_accept_delay1_s + 1) * 1000000ull + GRACE_US);
    } else {
        len = sim_uplink_build(d, o, t, phy, &radio);
        if (len < 0) {
            L->st->send_errors++;
            return;
        }
        L->st->uplinks_sent++;
        d->sent_this_run++;
        if (!L->t_first_up)
            L->t_first_up = sim_now_us();
        if (o->confirmed) {
            L->st->confirmed_sent++;
            wait_start(L, d, t + (d->rx_delay + 1) * 1000000ull + GRACE_US);
        } else {
            requeue(L, i);
        }
        if (o->replay)
            replay_push(L, phy, (size_t)len, &radio, now + REPLAY_DELAY_US);
    }
    transmit(L, phy, (size_t)len, &radio, t);
    if (d->state == SIM_DEV_ACTIVE)
        L->t_last_up = L->t_last_send;
    L->paced++;
}

/* How many frames the window and --rate allow now. */
static uint64_t budget(const sim_loop *L, uint64_t now)
{
    const sim_opts *o = L->o;
    uint64_t n = ROUND_FRAMES;
    if (o->rate > 0) {
        uint64_t due = (uint64_t)((double)(now - L->t_rate0) * o->rate / 1e6) + 1;
        n = due > L->paced ? (due - L->paced < n ? due - L->paced : n) : 0;
    }
    uint64_t frames = window_frames(L);
    return frames < n ? frames : n;
}

static void send_round(sim_loop *L, uint64_t now)
{
    for (uint64_t n = budget(L, now); n > 0 && L->ready_len; n--)
        device_send(L, ready_pop(L), now);
}

static void flush_all(sim_loop *L)
{
    for (uint32_t g = 0; g < L->n_gw; g++)
        L->outstanding += sim_gw_flush(&L->gw[g], L->st);
}

/* ---- timers ---- */

static void pulls(sim_loop *L, uint64_t now)
{
    for (uint32_t g = 0; g < L->n_gw; g++) {
        if (now < L->gw[g].next_pull_us)
            continue;
        sim_gw_pull(&L->gw[g], L->st);
        L->gw[g].next_pull_us = now + (uint64_t)(L->o->pull_interval_s * 1e6);
    }
}

/* Long runs say how they are doing, on stderr. */
static void progress(sim_loop *L, uint64_t now)
{
    if (now < L->next_progress_us)
        return;
    if (L->next_progress_us) {
        const sim_stats *st = L->st;
        double s = (double)(now - L->t0) / 1e6;
        fprintf(stderr,
                "lyrebird-sim: %.0f s: %" PRIu64 " uplinks (%.0f/s), %" PRIu64 " PUSH_ACK, %" PRIu64
                " joins accepted, %" PRIu64 " downlinks\n",
                s, st->uplinks_sent, (double)st->uplinks_sent / s, st->push_acks,
                st->joins_accepted, st->downlinks);
    }
    L->next_progress_us = now + PROGRESS_US;
}

/* With the window full and no PUSH_ACK for STALL_US (a server that does not answer), the
 * outstanding ones are counted as timed out and forgotten. */
static void stall_check(sim_loop *L, uint64_t now)
{
    if (!window_full(L)) {
        L->stall_since = 0;
        return;
    }
    if (!L->stall_since) {
        L->stall_since = now;
    } else if (now - L->stall_since >= STALL_US) {
        L->st->push_ack_timeouts += L->outstanding;
        L->outstanding = 0;
        L->stall_since = 0;
    }
}

static void check_done(sim_loop *L, uint64_t now)
{
    if (L->sending_done)
        return;
    if (stop_flag || (L->o->duration_s > 0 && now >= L->t0 + L->o->duration_s * 1e6) ||
        (L->ready_len == 0 && L->n_waiting == 0)) {
        L->sending_done = true;
        L->ready_len = 0;
    }
}

/* When a run whose sending is done ends: --wait-downlink after the last frame, and not before
 * the last PUSH_ACKs came (or ACK_WAIT_US passed). */
static uint64_t end_time(const sim_loop *L)
{
    uint64_t wait = (uint64_t)sim_opts_wait_ms(L->o) * 1000;
    if (L->outstanding && wait < ACK_WAIT_US)
        wait = ACK_WAIT_US;
    return L->t_last_send + wait;
}

static bool finished(const sim_loop *L, uint64_t now)
{
    if (stop_flag)
        return true;
    return L->sending_done && L->rp_len == 0 && now >= end_time(L);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* When the next frames are due under --rate: as soon as one is due below 1000/s, else when a
 * millisecond's worth is (at most 64), so a high rate goes out in small bursts rather than
 * one wake-up per frame. */
static uint64_t rate_due(const sim_loop *L)
{
    double q = L->o->rate / 1000;
    q = q < 1 ? 1 : q > ROUND_FRAMES ? ROUND_FRAMES : floor(q);
    return L->t_rate0 + (uint64_t)(((double)L->paced + q - 1) * 1e6 / L->o->rate);
}

/* When the loop next has something to do without input. */
static uint64_t next_wakeup(const sim_loop *L, uint64_t now)
{
    const sim_opts *o = L->o;
    uint64_t t = now + 1000000;
    if (!L->sending_done && L->ready_len && !window_full(L))
        t = o->rate > 0 ? min_u64(t, rate_due(L)) : now;
    if (L->rp_len)
        t = min_u64(t, L->rp[L->rp_head].due_us);
    if (L->n_waiting)
        t = min_u64(t, L->next_scan_us);
    for (uint32_t g = 0; g < L->n_gw; g++)
        t = min_u64(t, L->gw[g].next_pull_us);
    if (L->stall_since)
        t = min_u64(t, L->stall_since + STALL_US);
    if (L->sending_done)
        t = min_u64(t, end_time(L));
    else if (o->duration_s > 0)
        t = min_u64(t, L->t0 + (uint64_t)(o->duration_s * 1e6));
    return t > now ? t : now;
}

/* Waits up to timeout_us for datagrams and handles every one that came. */
static void wait_io(sim_loop *L, uint64_t timeout_us)
{
    struct timespec ts = {(time_t)(timeout_us / 1000000), (long)(timeout_us % 1000000) * 1000};
    int n = ppoll(L->pfd, L->n_gw, &ts, NULL);
    if (n <= 0)
        return;
    for (uint32_t g = 0; g < L->n_gw; g++)
        if (L->pfd[g].revents & (POLLIN | POLLERR))
            sim_gw_recv(&L->gw[g], L->rb, sim_rx_datagram, L);
}

/* ---- setup and the loop ---- */

static int loop_init(sim_loop *L, const sim_opts *o, sim_device *devs, uint32_t n, sim_stats *st)
{
    char err[256];
    memset(L, 0, sizeof *L);
    L->o = o;
    L->dev = devs;
    L->n = n;
    L->st = st;
    L->n_gw = o->gateways;
    L->gw = calloc(L->n_gw, sizeof *L->gw);
    L->pfd = calloc(L->n_gw, sizeof *L->pfd);
    L->ready = malloc((size_t)n * sizeof *L->ready);
    L->rb = sim_rxbuf_new();
    L->pkt = malloc(sizeof *L->pkt);
    if (!L->gw || !L->pfd || !L->ready || !L->rb || !L->pkt || map_init(&L->addr, n) < 0 ||
        map_init(&L->join, n) < 0) {
        fprintf(stderr, "lyrebird-sim: out of memory\n");
        return -1;
    }
    for (uint32_t g = 0; g < L->n_gw; g++)
        L->gw[g].fd = -1;
    for (uint32_t g = 0; g < L->n_gw; g++) {
        if (sim_gw_open(&L->gw[g], o, g, err, sizeof err) < 0) {
            fprintf(stderr, "lyrebird-sim: %s\n", err);
            return -1;
        }
        L->pfd[g] = (struct pollfd){.fd = L->gw[g].fd, .events = POLLIN};
    }
    L->tmpl = (sm_rxpk){.has_time = true, .stat = 1, .lora = true, .codr = "4/5"};
    return 0;
}

static void loop_free(sim_loop *L)
{
    for (uint32_t g = 0; L->gw && g < L->n_gw; g++)
        sim_gw_close(&L->gw[g]);
    free(L->gw);
    free(L->pfd);
    free(L->ready);
    free(L->pkt);
    free(L->rp);
    sim_rxbuf_free(L->rb);
    map_free(&L->addr);
    map_free(&L->join);
}

/* Every device that can go goes in the queue; those with a session are reachable by DevAddr.
 * An OTAA device joins unless its saved session is kept (no --rejoin). */
static void queue_devices(sim_loop *L)
{
    for (uint32_t i = 0; i < L->n; i++) {
        sim_device *d = &L->dev[i];
        if (L->o->otaa && (!d->has_session || L->o->rejoin))
            d->state = SIM_DEV_IDLE;
        if (d->state == SIM_DEV_ACTIVE)
            sim_loop_add_addr(L, i);
        requeue(L, i);
    }
}

/* PULL_DATA from every gateway, then a short wait for their PULL_ACKs, so the server knows
 * where to send downlinks before the first uplink. */
static void start_gateways(sim_loop *L)
{
    uint64_t now = sim_now_us();
    pulls(L, now);
    while (L->st->pull_acks < L->n_gw && sim_now_us() < now + START_WAIT_US && !stop_flag)
        wait_io(L, 10000);
}

int sim_run(const sim_opts *o, sim_device *devs, uint32_t n, sim_stats *st)
{
    sim_loop L;
    int rc = -1;
    uint64_t start = sim_now_us();
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    memset(st, 0, sizeof *st);
    if (loop_init(&L, o, devs, n, st) < 0)
        goto out;
    start_gateways(&L);
    queue_devices(&L);
    L.t0 = L.t_rate0 = L.t_last_send = sim_now_us();
    for (;;) {
        uint64_t now = sim_now_us();
        check_done(&L, now);
        send_replays(&L, now);
        if (!L.sending_done)
            send_round(&L, now);
        flush_all(&L);
        now = sim_now_us();
        pulls(&L, now);
        scan_waits(&L, now);
        stall_check(&L, now);
        progress(&L, now);
        check_done(&L, now);
        if (finished(&L, now))
            break;
        wait_io(&L, next_wakeup(&L, now) - now);
    }
    st->elapsed_s = (double)(sim_now_us() - start) / 1e6;
    st->send_s = (double)(L.t_last_up - L.t_first_up) / 1e6;
    rc = 0;
out:
    loop_free(&L);
    return rc;
}
