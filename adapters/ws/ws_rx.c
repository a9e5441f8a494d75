/* Messages from a device over its WebSocket: lws hands them over in pieces of up to
 * WS_RX_BUFFER bytes (and a message may come in several frames); a message that arrives in
 * one piece is published straight from lws's buffer, others are gathered in a buffer that
 * exists only while the message is incomplete. A message over WS_MESSAGE_MAX bytes closes the
 * connection with 1009 and a reason (from the writeable callback; see ws.h).
 *
 * A complete message is checked for the connection's content type (lb_payload_check) and
 * published on its channel and subtopic with the thing as publisher. A message that cannot be
 * published (bad payload, a wildcard subtopic, a bus failure) is answered with one text frame
 * {"error": "<reason>"}, in order, and the connection stays open; at most WS_ERRS_MAX answers
 * wait for a peer that does not read. Service thread only. */
#include "ws.h"

#include <lyrebird/payload.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ws_rx_error(ws_conn *c, const char *reason)
{
    if (c->n_errs >= WS_ERRS_MAX)
        return; /* a peer that sends bad messages and reads nothing */
    json_t *obj = json_pack("{s:s}", "error", reason);
    char *text = obj ? json_dumps(obj, 0) : NULL;
    json_decref(obj);
    size_t len = text ? strlen(text) : 0;
    ws_err *e = text ? malloc(sizeof *e + len + 1) : NULL;
    if (e) {
        e->next = NULL;
        e->len = len;
        memcpy(e->text, text, len + 1);
        if (c->errs_tail)
            c->errs_tail->next = e;
        else
            c->errs = e;
        c->errs_tail = e;
        c->n_errs++;
        lws_callback_on_writable(c->wsi);
    }
    free(text);
}

ws_err *ws_rx_error_pop(ws_conn *c)
{
    ws_err *e = c->errs;
    if (e) {
        c->errs = e->next;
        if (!c->errs)
            c->errs_tail = NULL;
        c->n_errs--;
    }
    return e;
}

void ws_rx_free(ws_conn *c)
{
    free(c->rx);
    c->rx = NULL;
    c->rx_len = 0;
    ws_err *e;
    while ((e = ws_rx_error_pop(c)) != NULL)
        free(e);
}

static int reject(ws_conn *c, const char *reason)
{
    c->srv->host->counter_add(c->srv->m.rejected, 1);
    ws_rx_error(c, reason);
    return 0;
}

static int publish(ws_conn *c, const void *data, size_t len)
{
    ws_server *srv = c->srv;
    char err[LB_ERRLEN];
    if (c->wildcard)
        return reject(c, "cannot publish on a subtopic with wildcards: this connection only "
                         "subscribes");
    if (lb_payload_check(c->ct, data, len, err, sizeof err) != 0)
        return reject(c, err);
    lb_message m = {.channel = c->channel,
                    .subtopic = c->subtopic,
                    .publisher = c->thing,
                    .payload = data,
                    .payload_len = len,
                    .content_type = c->ct};
    if (lb_deliver_publish(srv->deliver, c->id, &m, err, sizeof err) != 0) {
        srv->host->log(srv->host, LB_LOG_WARN, "cannot publish", "channel=%s error=\"%s\"",
                       c->channel, err);
        return reject(c, err);
    }
    srv->host->counter_add(srv->m.in, 1);
    return 0;
}

static void drop_partial(ws_conn *c)
{
    free(c->rx);
    c->rx = NULL;
    c->rx_len = 0;
}

static int too_big(ws_conn *c)
{
    drop_partial(c);
    c->rx_discard = 1;
    pthread_mutex_lock(&c->lock);
    if (c->why == WS_KEEP)
        c->why = WS_CLOSE_TOO_BIG; /* and deliveries stop */
    ws_close_why why = c->why;
    pthread_mutex_unlock(&c->lock);
    ws_conn_close_soon(c, why);
    return 0;
}

int ws_rx(ws_conn *c, const void *in, size_t len)
{
    if (c->rx_discard)
        return 0;
    size_t remaining = lws_remaining_packet_payload(c->wsi);
    int done = lws_is_final_fragment(c->wsi) && remaining == 0;
    if (c->rx_len == 0 && done)
        return publish(c, in, len); /* the common case: no copy */
    if (c->rx_len + len + remaining > WS_MESSAGE_MAX)
        return too_big(c);
    unsigned char *rx = realloc(c->rx, c->rx_len + len + remaining + 1);
    if (!rx)
        return too_big(c);
    c->rx = rx;
    if (len)
        memcpy(c->rx + c->rx_len, in, len);
    c->rx_len += len;
    if (!done)
        return 0;
    int rc = publish(c, c->rx, c->rx_len);
    drop_partial(c);
    return rc;
}
