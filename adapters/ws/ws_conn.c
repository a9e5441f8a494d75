/* An established WebSocket connection: its subscription through lb_deliver, its bounded
 * outgoing queue, and the ready list that hands work from bus threads to the service thread.
 *
 * A delivery arrives on a bus thread: it takes a reference and pushes it on the connection's
 * queue under the connection's lock. When the queue was empty it also puts the connection on
 * the server's ready list, and when that list was empty it wakes the service thread with
 * lws_cancel_service(): a message fanned out to thousands of connections wakes the loop once.
 * The service thread empties the ready list (LWS_CALLBACK_EVENT_WAIT_CANCELLED), asks lws for
 * a writeable callback per connection, and writes one frame per callback, asking again while
 * the queue is not empty.
 *
 * Slow consumers: a queue holds at most LB_WS_QUEUE_LIMIT messages and LB_WS_QUEUE_BYTES
 * payload bytes. The delivery that would pass either limit marks the connection instead; from
 * then on nothing more is queued, and the service thread closes it with 1008 and a reason as
 * soon as the socket takes the close frame, or drops it after WS_CLOSE_WAIT_SEC when the peer
 * reads nothing at all. Queued deliveries are shared with every other subscriber (references),
 * so the memory a connection can hold is bounded by its limits. */
#include "ws.h"

#include <lyrebird/payload.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUEUE_KEEP     16 /* an emptied queue keeps its array up to this many slots */
#define READY_BATCH    64
#define CLOSE_TEXT_MAX 120 /* a close reason fits in a control frame (125 bytes) */

/* ---- lists (the server's lock held) ---- */

static void ready_unlink_locked(ws_server *srv, ws_conn *c)
{
    if (!c->in_ready)
        return;
    if (c->ready_prev)
        c->ready_prev->ready_next = c->ready_next;
    else
        srv->ready = c->ready_next;
    if (c->ready_next)
        c->ready_next->ready_prev = c->ready_prev;
    c->ready_prev = c->ready_next = NULL;
    c->in_ready = 0;
}

/* Puts c on the ready list; wakes the service thread when the list was empty (an earlier
 * wake is still pending otherwise). */
static void ready_add_locked(ws_server *srv, ws_conn *c)
{
    if (c->in_ready)
        return;
    int was_empty = srv->ready == NULL;
    c->ready_prev = NULL;
    c->ready_next = srv->ready;
    if (srv->ready)
        srv->ready->ready_prev = c;
    srv->ready = c;
    c->in_ready = 1;
    if (was_empty && srv->wake_ok)
        lws_cancel_service(srv->ctx);
}

static void live_link_locked(ws_server *srv, ws_conn *c)
{
    c->live_prev = NULL;
    c->live_next = srv->live;
    if (srv->live)
        srv->live->live_prev = c;
    srv->live = c;
}

static void live_unlink_locked(ws_server *srv, ws_conn *c)
{
    if (c->live_prev)
        c->live_prev->live_next = c->live_next;
    else
        srv->live = c->live_next;
    if (c->live_next)
        c->live_next->live_prev = c->live_prev;
    c->live_prev = c->live_next = NULL;
}

void ws_server_wake(ws_server *srv)
{
    pthread_mutex_lock(&srv->lock);
    if (srv->wake_ok)
        lws_cancel_service(srv->ctx);
    pthread_mutex_unlock(&srv->lock);
}

void ws_conn_mark_locked(ws_server *srv, ws_conn *c, ws_close_why why)
{
    pthread_mutex_lock(&c->lock);
    if (c->why == WS_KEEP)
        c->why = why;
    pthread_mutex_unlock(&c->lock);
    ready_add_locked(srv, c);
}

/* ---- the queue (the connection's lock held) ---- */

static int queue_push(ws_conn *c, const lb_delivery *d, size_t limit)
{
    if (c->q_len == c->q_cap) {
        size_t cap = c->q_cap ? c->q_cap * 2 : 4;
        if (cap > limit)
            cap = limit;
        const lb_delivery **q = malloc(cap * sizeof *q);
        if (!q)
            return -1;
        for (size_t i = 0; i < c->q_len; i++)
            q[i] = c->q[(c->q_head + i) % c->q_cap];
        free(c->q);
        c->q = q;
        c->q_cap = cap;
        c->q_head = 0;
    }
    c->q[(c->q_head + c->q_len) % c->q_cap] = d;
    c->q_len++;
    c->q_bytes += d->msg->payload_len;
    return 0;
}

static const lb_delivery *queue_pop(ws_conn *c)
{
    if (c->q_len == 0)
        return NULL;
    const lb_delivery *d = c->q[c->q_head];
    c->q_head = (c->q_head + 1) % c->q_cap;
    c->q_len--;
    c->q_bytes -= d->msg->payload_len;
    if (c->q_len == 0 && c->q_cap > QUEUE_KEEP) {
        free(c->q);
        c->q = NULL;
        c->q_cap = c->q_head = 0;
    }
    return d;
}

/* A bus thread: one message for c. Never blocks beyond two short locks. */
static void on_delivery(const lb_delivery *d, void *arg)
{
    ws_conn *c = arg;
    ws_server *srv = c->srv;
    size_t len = d->msg->payload_len;
    int wake = 0;
    pthread_mutex_lock(&c->lock);
    if (c->why != WS_KEEP) {
        /* closing: dropped */
    } else if (c->q_len < srv->queue_limit && c->q_bytes + len <= srv->queue_bytes &&
               queue_push(c, d, srv->queue_limit) == 0) {
        lb_delivery_ref(d);
        wake = c->q_len == 1; /* else the service thread is already draining the queue */
    } else {
        c->why = WS_CLOSE_SLOW;
        wake = 1;
    }
    pthread_mutex_unlock(&c->lock);
    if (wake) {
        pthread_mutex_lock(&srv->lock);
        ready_add_locked(srv, c);
        pthread_mutex_unlock(&srv->lock);
    }
}

/* ---- the service thread ---- */

int ws_conn_established(ws_server *srv, ws_conn *c, struct lws *wsi)
{
    char err[LB_ERRLEN];
    c->srv = srv;
    c->wsi = wsi;
    c->id = ++srv->next_id;
    pthread_mutex_init(&c->lock, NULL);
    int rc = lb_deliver_subscribe(srv->deliver, c->channel, c->subtopic, c->id, on_delivery, c,
                                  &c->sub, err, sizeof err);
    if (rc != 0) {
        srv->host->log(srv->host, LB_LOG_ERROR, "cannot subscribe", "channel=%s error=\"%s\"",
                       c->channel, err);
        static const char why[] = "cannot subscribe to the channel";
        lws_close_reason(wsi, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION, (unsigned char *)why,
                         sizeof why - 1);
        pthread_mutex_destroy(&c->lock);
        c->id = 0;
        return -1;
    }
    pthread_mutex_lock(&srv->lock);
    live_link_locked(srv, c);
    pthread_mutex_unlock(&srv->lock);
    srv->host->gauge_set(srv->m.open, (double)++srv->open);
    srv->host->log(srv->host, LB_LOG_DEBUG, "connected",
                   "conn=%llu thing=%s channel=%s subtopic=\"%s\"", (unsigned long long)c->id,
                   c->thing, c->channel, c->subtopic);
    return 0;
}

/* 1 when payload is valid UTF-8 (RFC 3629: no overlongs, surrogates or values past U+10FFFF). */
static int utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char b = s[i];
        size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
        if (len == 0 || i + len > n || (len == 2 && b < 0xc2))
            return 0;
        for (size_t k = 1; k < len; k++)
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
        if (len == 3) {
            unsigned cp = ((b & 0x0fu) << 12) | ((s[i + 1] & 0x3fu) << 6);
            if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        }
        if (len == 4) {
            unsigned cp = ((b & 0x07u) << 18) | ((s[i + 1] & 0x3fu) << 12);
            if (cp < 0x10000 || cp > 0x10ffff)
                return 0;
        }
        i += len;
    }
    return 1;
}

/* Text frames for text payloads, binary for octet-stream and anything that is not UTF-8. */
static enum lws_write_protocol frame_type(const lb_message *m)
{
    const char *ct = lb_payload_type(m->content_type, NULL);
    if (ct && strcmp(ct, LB_CT_BINARY) == 0)
        return LWS_WRITE_BINARY;
    return utf8_valid(m->payload, m->payload_len) ? LWS_WRITE_TEXT : LWS_WRITE_BINARY;
}

static int write_frame(ws_conn *c, const void *data, size_t len, enum lws_write_protocol type)
{
    ws_server *srv = c->srv;
    if (srv->tx_cap < LWS_PRE + len) {
        unsigned char *tx = realloc(srv->tx, LWS_PRE + len);
        if (!tx)
            return -1;
        srv->tx = tx;
        srv->tx_cap = LWS_PRE + len;
    }
    if (len)
        memcpy(srv->tx + LWS_PRE, data, len);
    return lws_write(c->wsi, srv->tx + LWS_PRE, len, type) < (int)len ? -1 : 0;
}

static const struct {
    enum lws_close_status code;
    const char *text; /* a format taking the queue limits */
} close_reasons[] = {
    [WS_CLOSE_SLOW] = {LWS_CLOSE_STATUS_POLICY_VIOLATION,
                       "slow consumer: more than %zu messages or %zu bytes waiting"},
    [WS_CLOSE_REVOKED] = {LWS_CLOSE_STATUS_POLICY_VIOLATION,
                          "access revoked: the thing was removed, re-keyed or disconnected"},
    [WS_CLOSE_TOO_BIG] = {LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "message over %d bytes"},
};

static void close_text(const ws_server *srv, ws_close_why why, char *text, size_t len)
{
    if (why == WS_CLOSE_TOO_BIG)
        snprintf(text, len, close_reasons[why].text, WS_MESSAGE_MAX);
    else
        snprintf(text, len, close_reasons[why].text, srv->queue_limit, srv->queue_bytes);
}

void ws_conn_close_soon(ws_conn *c, ws_close_why why)
{
    ws_server *srv = c->srv;
    char text[CLOSE_TEXT_MAX];
    if (c->close_armed)
        return;
    c->close_armed = 1;
    close_text(srv, why, text, sizeof text);
    srv->host->counter_add(why == WS_CLOSE_SLOW      ? srv->m.slow
                           : why == WS_CLOSE_REVOKED ? srv->m.revoked
                                                     : srv->m.too_big,
                           1);
    srv->host->log(srv->host, LB_LOG_INFO, "closing connection",
                   "conn=%llu thing=%s channel=%s reason=\"%s\"", (unsigned long long)c->id,
                   c->thing, c->channel, text);
    lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, WS_CLOSE_WAIT_SEC);
    lws_callback_on_writable(c->wsi);
}

/* The writeable callback of a connection being closed: the close frame goes out. */
static int close_now(ws_conn *c, ws_close_why why)
{
    char text[CLOSE_TEXT_MAX];
    c->closing = 1;
    close_text(c->srv, why, text, sizeof text);
    lws_close_reason(c->wsi, close_reasons[why].code, (unsigned char *)text, strlen(text));
    return -1;
}

int ws_conn_writeable(ws_conn *c)
{
    if (c->closing)
        return 0;
    ws_err *e = ws_rx_error_pop(c);
    if (e) {
        int rc = write_frame(c, e->text, e->len, LWS_WRITE_TEXT);
        free(e);
        lws_callback_on_writable(c->wsi); /* more errors or messages may wait */
        return rc;
    }
    pthread_mutex_lock(&c->lock);
    ws_close_why why = c->why;
    const lb_delivery *d = why == WS_KEEP ? queue_pop(c) : NULL;
    int more = c->q_len > 0;
    pthread_mutex_unlock(&c->lock);
    if (why != WS_KEEP) {
        ws_conn_close_soon(c, why); /* counted once, even when this callback came first */
        return close_now(c, why);
    }
    if (!d)
        return 0;
    int rc = write_frame(c, d->msg->payload, d->msg->payload_len, frame_type(d->msg));
    lb_delivery_unref(d);
    if (rc != 0)
        return -1;
    c->srv->host->counter_add(c->srv->m.out, 1);
    if (more)
        lws_callback_on_writable(c->wsi);
    return 0;
}

/* A connection from the ready list: write what it has, or start closing it. */
static void poke(ws_conn *c)
{
    pthread_mutex_lock(&c->lock);
    ws_close_why why = c->why;
    pthread_mutex_unlock(&c->lock);
    if (why != WS_KEEP)
        ws_conn_close_soon(c, why);
    else
        lws_callback_on_writable(c->wsi);
}

void ws_conn_service_ready(ws_server *srv)
{
    for (;;) {
        ws_conn *batch[READY_BATCH];
        size_t n = 0;
        pthread_mutex_lock(&srv->lock);
        while (srv->ready && n < READY_BATCH) {
            batch[n++] = srv->ready;
            ready_unlink_locked(srv, srv->ready);
        }
        pthread_mutex_unlock(&srv->lock);
        if (n == 0)
            return;
        /* only this thread frees connections, so the batch stays valid */
        for (size_t i = 0; i < n; i++)
            poke(batch[i]);
    }
}

void ws_conn_closed(ws_conn *c)
{
    if (!c || c->id == 0)
        return; /* never established */
    ws_server *srv = c->srv;
    lb_deliver_unsubscribe(c->sub); /* after it, no bus thread touches c */
    c->sub = NULL;
    pthread_mutex_lock(&srv->lock);
    live_unlink_locked(srv, c);
    ready_unlink_locked(srv, c);
    pthread_mutex_unlock(&srv->lock);
    const lb_delivery *d;
    while ((d = queue_pop(c)) != NULL)
        lb_delivery_unref(d);
    free(c->q);
    c->q = NULL;
    ws_rx_free(c);
    pthread_mutex_destroy(&c->lock);
    srv->host->gauge_set(srv->m.open, (double)--srv->open);
    srv->host->log(srv->host, LB_LOG_DEBUG, "disconnected", "conn=%llu", (unsigned long long)c->id);
    c->id = 0;
}

void ws_conn_unsubscribe_all(ws_server *srv)
{
    /* the live list changes only on this thread, so it can be walked without the lock; the
     * lock must not be held here, as a delivery in progress may be waiting for it */
    for (ws_conn *c = srv->live; c; c = c->live_next) {
        lb_deliver_unsubscribe(c->sub);
        c->sub = NULL;
    }
}
