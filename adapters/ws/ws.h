/* The WebSocket adapter's private interface, shared by its files:
 *   ws.c            the plugin (descriptor, settings, metrics), the lws context and its
 *                   service thread, and the lws protocol callback that dispatches to:
 *   ws_handshake.c  the upgrade request: path, key, content type, authorization, refusals
 *   ws_conn.c       an established connection: its bus subscription, its bounded outgoing
 *                   queue, the ready list that wakes the loop, writing and closing
 *   ws_rx.c         frames from the device: reassembly, payload check, publish, error replies
 *   ws_revoke.c     things.events: closes the sessions of removed or disconnected things
 *
 * Threads. One lws service thread owns every struct lws and runs every lws callback; only it
 * writes, closes and frees connections. Bus threads (deliveries, things.events) touch a
 * connection only under its lock (its queue and pending close) and the server's lock (the
 * ready and live lists), then wake the service thread with lws_cancel_service(). Lock order:
 * server lock, then a connection's lock; nobody holds a lock while calling lb_deliver_*. */
#ifndef LB_WS_H
#define LB_WS_H

#include <lyrebird/authz.h>
#include <lyrebird/deliver.h>
#include <lyrebird/plugin.h>

#include <libwebsockets.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define WS_NAME           "ws"
#define WS_RX_BUFFER      4096        /* lws receive buffer per connection */
#define WS_MESSAGE_MAX    (64 * 1024) /* largest message a device may send */
#define WS_CHANNEL_MAX    64          /* longest channel id in a path */
#define WS_SUBTOPIC_MAX   256         /* longest subtopic (dotted) in a path */
#define WS_QUEUE_LIMIT    1024        /* default LB_WS_QUEUE_LIMIT: messages waiting */
#define WS_QUEUE_BYTES    (1 << 20)   /* default LB_WS_QUEUE_BYTES: payload bytes waiting */
#define WS_CLOSE_WAIT_SEC 5           /* a close frame waits this long for a peer not reading */
#define WS_ERRS_MAX       16          /* error replies waiting per connection; more are dropped */

typedef struct ws_server ws_server;
typedef struct ws_conn ws_conn;

/* An error reply waiting to be written. */
typedef struct ws_err {
    struct ws_err *next;
    size_t len;
    char text[];
} ws_err;

/* Why the service thread must close a connection (set by bus threads, or by ws_rx). */
typedef enum { WS_KEEP = 0, WS_CLOSE_SLOW, WS_CLOSE_REVOKED, WS_CLOSE_TOO_BIG } ws_close_why;

#define WS_REFUSAL_CODES 6

typedef struct ws_metrics {
    lb_gauge *open;
    lb_counter *in, *out, *rejected, *slow, *revoked, *too_big;
    lb_counter *refused[WS_REFUSAL_CODES]; /* by ws_refusal_codes */
} ws_metrics;

/* The HTTP statuses a handshake may be refused with (and counted under). */
extern const int ws_refusal_codes[WS_REFUSAL_CODES];

struct ws_server {
    const lb_host *host;
    lb_authz *authz;
    lb_deliver *deliver;
    lb_bus_sub *events;
    struct lws_context *ctx;
    pthread_t thread;
    int thread_started;
    atomic_int stopping;
    int port, loopback;
    size_t queue_limit, queue_bytes;
    ws_metrics m;

    pthread_mutex_t lock; /* guards the lists, in_ready and wake_ok */
    ws_conn *ready;       /* connections the service thread must look at */
    ws_conn *live;        /* every established connection */
    int wake_ok;          /* 0 once the context is going away */

    /* service thread only */
    uint64_t next_id;
    long open;
    unsigned char *tx; /* LWS_PRE + the frame being written */
    size_t tx_cap;
};

/* A connection's state: lws's per-session data, zeroed by lws before the handshake. */
struct ws_conn {
    ws_server *srv;
    struct lws *wsi;
    uint64_t id; /* for lb_deliver; 0 until established */
    lb_deliver_sub *sub;

    pthread_mutex_t lock; /* guards the queue and why */
    const lb_delivery **q;
    size_t q_cap, q_head, q_len, q_bytes;
    ws_close_why why;

    /* guarded by the server's lock */
    ws_conn *ready_prev, *ready_next;
    int in_ready;
    ws_conn *live_prev, *live_next;

    /* service thread only */
    int close_armed; /* ws_conn_close_soon ran */
    int closing;     /* the close frame is on its way: nothing more to write */
    int rx_discard;  /* the message was too big: the rest is dropped until the close */
    struct ws_err *errs, *errs_tail; /* {"error": ...} replies not yet written, oldest first */
    unsigned n_errs;
    unsigned char *rx; /* a message arriving in pieces */
    size_t rx_len;
    const char *ct; /* canonical content type of what the device sends */
    int wildcard;   /* the subtopic has wildcards: the connection only subscribes */
    char channel[WS_CHANNEL_MAX + 1];
    char subtopic[WS_SUBTOPIC_MAX + 1]; /* dotted, "" for none */
    char thing[LB_THING_ID_MAX];
};

/* ws_handshake.c: checks the upgrade request of conn (in FILTER_PROTOCOL_CONNECTION). Returns
 * 0 with conn's channel, subtopic, thing and content type set, or -1 after answering the
 * client with an HTTP status and a JSON reason. */
int ws_handshake(ws_server *srv, ws_conn *conn, struct lws *wsi);
/* Answers a plain HTTP request (no upgrade) on the WebSocket port: 426. Returns as the lws
 * callback must. */
int ws_http_plain(ws_server *srv, struct lws *wsi);

/* ws_conn.c, on the service thread */
int ws_conn_established(ws_server *srv, ws_conn *conn, struct lws *wsi);
int ws_conn_writeable(ws_conn *conn);
void ws_conn_closed(ws_conn *conn);
/* Looks at every connection on the ready list: asks for a writeable callback, or closes
 * those a bus thread marked. */
void ws_conn_service_ready(ws_server *srv);
/* Starts closing conn for why, once: counts and logs it, asks for the writeable callback that
 * sends the close frame (code and reason by why), and drops the connection after
 * WS_CLOSE_WAIT_SEC if the peer reads nothing, so that frame never fits. */
void ws_conn_close_soon(ws_conn *conn, ws_close_why why);
/* Unsubscribes every live connection (before the context is destroyed). */
void ws_conn_unsubscribe_all(ws_server *srv);
/* Marks conn for closing with why and puts it on the ready list (any thread, the server's
 * lock held). */
void ws_conn_mark_locked(ws_server *srv, ws_conn *conn, ws_close_why why);
/* Wakes the service thread (any thread; the server's lock not held). */
void ws_server_wake(ws_server *srv);

/* ws_rx.c, on the service thread: a piece of a message. Returns as the lws callback must. A
 * message over WS_MESSAGE_MAX marks the connection WS_CLOSE_TOO_BIG and drops what follows, so
 * lws keeps reading and the peer gets the close frame (closing from the receive callback would
 * reset the connection under the peer's feet). */
int ws_rx(ws_conn *conn, const void *in, size_t len);
/* Queues a text frame {"error": "<reason>"} for conn (dropped when WS_ERRS_MAX are waiting). */
void ws_rx_error(ws_conn *conn, const char *reason);
/* Takes the oldest waiting error reply (the caller frees it), or NULL. */
ws_err *ws_rx_error_pop(ws_conn *conn);
/* Frees what conn's receiving holds: a partial message and waiting error replies. */
void ws_rx_free(ws_conn *conn);

/* ws_revoke.c: follows things.events. Returns 0 or an LB_E* code. */
int ws_revoke_start(ws_server *srv);
void ws_revoke_stop(ws_server *srv);

#endif
