/* The WebSocket adapter (plugin `ws`): devices and applications connect to
 *   ws://host:LB_WS_PORT/channels/<id>/messages[/<subtopic>]
 * with the thing key in `Authorization` (`Thing <key>` or the bare key) or `?authorization=`.
 * Every text or binary message they send is checked by content type (`Content-Type` of the
 * handshake or `?content-type=`, default SenML) and published on the channel; every message
 * on the channel whose subtopic matches (wildcards allowed) is pushed to them, except their
 * own. See README.md in this folder for the statuses, close codes and settings.
 *
 * This file is the plugin (descriptor, settings, metrics), the one lws context with its own
 * service thread (created in start, destroyed when the thread ends in stop), the bridge from
 * lws's log to the host's, and the protocol callback that dispatches lws events to the other
 * files. */
#include "ws.h"

#include <lyrebird/config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const int ws_refusal_codes[WS_REFUSAL_CODES] = {400, 401, 403, 404, 415, 503};

/* lws logs through one process-wide function: the plugin that set it. */
static const lb_host *log_host;

static void lws_log_line(int level, const char *line)
{
    char text[256];
    size_t n = 0;
    if (!log_host)
        return;
    for (; line[n] && line[n] != '\n' && line[n] != '\r' && n < sizeof text - 1; n++)
        text[n] = line[n] == '"' ? '\'' : line[n]; /* keeps the logfmt value quoted */
    text[n] = '\0';
    /* lws warns about every refused handshake; those are logged (and counted) by us */
    lb_log_level lv = level == LLL_ERR ? LB_LOG_ERROR : LB_LOG_DEBUG;
    log_host->log(log_host, lv, "libwebsockets", "line=\"%s\"", text);
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len)
{
    struct lws_context *ctx = wsi ? lws_get_context(wsi) : NULL;
    ws_server *srv = ctx ? lws_context_user(ctx) : NULL;
    ws_conn *conn = user;
    switch (reason) {
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        return ws_handshake(srv, conn, wsi);
    case LWS_CALLBACK_ESTABLISHED:
        return ws_conn_established(srv, conn, wsi);
    case LWS_CALLBACK_RECEIVE:
        return ws_rx(conn, in, len);
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return ws_conn_writeable(conn);
    case LWS_CALLBACK_CLOSED:
        ws_conn_closed(conn);
        return 0;
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
        if (srv)
            ws_conn_service_ready(srv);
        return 0;
    case LWS_CALLBACK_HTTP:
        return ws_http_plain(srv, wsi);
    default:
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}

static const struct lws_protocols protocols[] = {
    {.name = "lyrebird",
     .callback = callback,
     .per_session_data_size = sizeof(ws_conn),
     .rx_buffer_size = WS_RX_BUFFER},
    {0},
};

/* ---- settings and metrics ---- */

static int read_settings(ws_server *srv, char *err, size_t errlen)
{
    long limit, bytes;
    int rc = lb_config_port("LB_WS_PORT", 8186, &srv->port, err, errlen);
    if (rc == 0)
        rc = lb_config_bool("LB_LOOPBACK_ONLY", 0, &srv->loopback, err, errlen);
    if (rc == 0)
        rc = lb_config_int("LB_WS_QUEUE_LIMIT", WS_QUEUE_LIMIT, 1, 1000000, &limit, err, errlen);
    if (rc == 0)
        rc = lb_config_int("LB_WS_QUEUE_BYTES", WS_QUEUE_BYTES, WS_MESSAGE_MAX, 1L << 30, &bytes,
                           err, errlen);
    if (rc == 0) {
        srv->queue_limit = (size_t)limit;
        srv->queue_bytes = (size_t)bytes;
    }
    return rc;
}

static void register_metrics(ws_server *srv)
{
    const lb_host *h = srv->host;
    ws_metrics *m = &srv->m;
    m->open = h->gauge(h, "lb_ws_connections", "Open WebSocket connections");
    m->in = h->counter(h, "lb_ws_messages_total{direction=\"in\"}",
                       "WebSocket messages published (in) and pushed to sockets (out)");
    m->out = h->counter(h, "lb_ws_messages_total{direction=\"out\"}",
                        "WebSocket messages published (in) and pushed to sockets (out)");
    m->rejected = h->counter(h, "lb_ws_messages_rejected_total",
                             "WebSocket messages answered with an error and not published");
    m->slow = h->counter(h, "lb_ws_closed_total{reason=\"slow_consumer\"}",
                         "WebSocket connections closed by the adapter");
    m->revoked = h->counter(h, "lb_ws_closed_total{reason=\"revoked\"}",
                            "WebSocket connections closed by the adapter");
    m->too_big = h->counter(h, "lb_ws_closed_total{reason=\"too_big\"}",
                            "WebSocket connections closed by the adapter");
    for (int i = 0; i < WS_REFUSAL_CODES; i++) {
        char name[96];
        snprintf(name, sizeof name, "lb_ws_handshakes_refused_total{code=\"%d\"}",
                 ws_refusal_codes[i]);
        m->refused[i] = h->counter(h, name, "WebSocket handshakes refused, by HTTP status");
    }
}

/* ---- plugin hooks ---- */

static void ws_destroy(void *state);

static int ws_init(const lb_host *host, void **state)
{
    char err[LB_ERRLEN];
    ws_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        return LB_ENOMEM;
    srv->host = host;
    pthread_mutex_init(&srv->lock, NULL);
    int rc = read_settings(srv, err, sizeof err);
    if (rc != 0) {
        host->log(host, LB_LOG_ERROR, "bad setting", "error=\"%s\"", err);
        goto out;
    }
    srv->authz = lb_authz_new(host->bus, 0, 0);
    srv->deliver = lb_deliver_new(host->bus, WS_NAME);
    rc = srv->authz && srv->deliver ? 0 : LB_ENOMEM;
    if (rc == 0)
        register_metrics(srv);
out:
    if (rc != 0)
        ws_destroy(srv);
    else
        *state = srv;
    return rc;
}

static void *service_thread(void *arg)
{
    ws_server *srv = arg;
    while (!atomic_load(&srv->stopping))
        if (lws_service(srv->ctx, 0) < 0) {
            srv->host->log(srv->host, LB_LOG_ERROR, "service loop failed", NULL);
            break;
        }
    /* no delivery may arrive while lws frees the connections */
    ws_conn_unsubscribe_all(srv);
    pthread_mutex_lock(&srv->lock);
    srv->wake_ok = 0;
    pthread_mutex_unlock(&srv->lock);
    lws_context_destroy(srv->ctx);
    srv->ctx = NULL;
    return NULL;
}

static struct lws_context *create_context(ws_server *srv)
{
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = srv->port;
    info.iface = srv->loopback ? "127.0.0.1" : NULL;
    info.protocols = protocols;
    info.user = srv;
    info.options = LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND | LWS_SERVER_OPTION_VALIDATE_UTF8;
    if (srv->loopback)
        info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
    info.server_string = "lyrebird";
    info.pt_serv_buf_size = 8192;
    info.timeout_secs = 10; /* for a handshake to complete */
    return lws_create_context(&info);
}

static int ws_start(void *state)
{
    ws_server *srv = state;
    log_host = srv->host;
    lws_set_log_level(LLL_ERR | LLL_WARN, lws_log_line);
    srv->ctx = create_context(srv);
    if (!srv->ctx) {
        srv->host->log(srv->host, LB_LOG_ERROR, "cannot listen", "port=%d", srv->port);
        return LB_EIO;
    }
    srv->wake_ok = 1;
    int rc = ws_revoke_start(srv);
    if (rc == 0 && pthread_create(&srv->thread, NULL, service_thread, srv) != 0)
        rc = LB_EIO;
    if (rc != 0) {
        ws_revoke_stop(srv);
        srv->wake_ok = 0;
        lws_context_destroy(srv->ctx);
        srv->ctx = NULL;
        return rc;
    }
    srv->thread_started = 1;
    srv->host->log(srv->host, LB_LOG_INFO, "listening", "port=%d address=%s", srv->port,
                   srv->loopback ? "127.0.0.1" : "*");
    return 0;
}

static int ws_stop(void *state)
{
    ws_server *srv = state;
    ws_revoke_stop(srv);
    if (srv->thread_started) {
        atomic_store(&srv->stopping, 1);
        ws_server_wake(srv);
        pthread_join(srv->thread, NULL);
        srv->thread_started = 0;
    }
    srv->host->log(srv->host, LB_LOG_INFO, "stopped", NULL);
    return 0;
}

static void ws_destroy(void *state)
{
    ws_server *srv = state;
    if (!srv)
        return;
    lb_deliver_free(srv->deliver);
    lb_authz_free(srv->authz);
    free(srv->tx);
    pthread_mutex_destroy(&srv->lock);
    if (log_host == srv->host) {
        lws_set_log_level(LLL_ERR, NULL);
        log_host = NULL;
    }
    free(srv);
}

static const lb_plugin descriptor = {
    .abi = LB_PLUGIN_ABI,
    .name = WS_NAME,
    .version = "1.0.0",
    .init = ws_init,
    .start = ws_start,
    .stop = ws_stop,
    .destroy = ws_destroy,
};

LB_PLUGIN_EXPORT const lb_plugin *lb_plugin_entry(void)
{
    return &descriptor;
}
