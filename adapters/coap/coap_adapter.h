/* The CoAP adapter's private header: the state every file of the plugin shares, and the
 * functions each file offers the others.
 *
 *   plugin.c    the plugin descriptor, settings and metrics (init/start/stop/destroy)
 *   loop.c      the libcoap context and the one I/O thread that alone touches it; the inbox
 *               through which bus threads hand deliveries to that thread
 *   request.c   what a request asks: path, subtopic, auth key, content format; answers
 *               with a diagnostic payload; POST (publish)
 *   observe.c   GET with Observe: observers, their bus subscriptions and notifications
 *
 * Threads: everything here runs on the I/O thread except coap_inbox_push (bus threads) and
 * the plugin hooks (the host's thread, before start and after stop). */
#ifndef LB_COAP_ADAPTER_H
#define LB_COAP_ADAPTER_H

#include <coap3/coap.h>
#include <lyrebird/authz.h>
#include <lyrebird/deliver.h>
#include <lyrebird/plugin.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define COAP_PLUGIN       "coap"
#define COAP_KEY_MAX      256 /* longest auth key accepted */
#define COAP_CHANNEL_MAX  128 /* longest channel id accepted */
#define COAP_SUBTOPIC_MAX 256 /* longest dotted subtopic */
#define COAP_DIAG_MAX     256 /* longest diagnostic payload */

typedef struct observer observer;

/* Why an answer was a refusal; indexes coap_adapter.refusals (table in request.c). */
typedef enum {
    REFUSE_400,
    REFUSE_401,
    REFUSE_403,
    REFUSE_404,
    REFUSE_405,
    REFUSE_415,
    REFUSE_500,
    REFUSE_503,
    REFUSE_COUNT
} refusal;

/* Why an observer went away; indexes coap_adapter.removed (table in observe.c). */
typedef enum {
    GONE_CANCEL,  /* GET with Observe: 1 */
    GONE_RST,     /* the client answered a notification with RST */
    GONE_TIMEOUT, /* a confirmable notification was never acknowledged */
    GONE_REVOKED, /* the key no longer opens the channel */
    GONE_SESSION, /* libcoap deleted the session */
    GONE_STOP,    /* the plugin stopped */
    GONE_COUNT
} gone_reason;

/* One delivery waiting for the I/O thread, for one observer. */
typedef struct inbox_item {
    observer *obs;
    const lb_delivery *d; /* one reference held */
} inbox_item;

typedef struct inbox {
    pthread_mutex_t lock;
    inbox_item *items;
    size_t n, cap;
    int wake_fd; /* eventfd the I/O thread polls; written when the inbox stops being empty */
} inbox;

typedef struct coap_adapter {
    const lb_host *host;
    int port, loopback_only;
    int con_every; /* every n-th notification is confirmable (dead observers are noticed) */
    int ack_timeout_ms, max_retransmit; /* for confirmable notifications (RFC 7252 4.8) */
    size_t max_observers;

    lb_authz *authz;
    lb_deliver *deliver;

    coap_context_t *ctx; /* I/O thread only, once started */
    pthread_t thread;
    pthread_mutex_t start_lock; /* start() waits for the thread to have bound the port */
    pthread_cond_t start_cond;
    int start_done, start_rc;
    int running;
    atomic_int stopping;
    inbox in;

    observer *observers; /* every live observer (doubly linked) */
    observer *graveyard; /* removed, freed once no inbox item points at them */
    size_t nobservers;
    uint64_t next_observer_id;

    lb_counter *posts, *notifications, *dropped, *observes;
    lb_counter *refusals[REFUSE_COUNT];
    lb_counter *removed[GONE_COUNT];
    lb_gauge *observers_gauge;
} coap_adapter;

/* loop.c: creates the context and endpoint and starts the I/O thread; 0 or an LB_E* code
 * with the reason logged. */
int coap_loop_start(coap_adapter *a);
/* Stops the thread (it removes every observer first) and frees the context. */
void coap_loop_stop(coap_adapter *a);
/* Any thread: queues d (taking a reference) for obs and wakes the I/O thread. */
void coap_inbox_push(coap_adapter *a, observer *obs, const lb_delivery *d);
/* I/O thread: drops every queued item of an observer marked gone, then frees the graveyard. */
void coap_inbox_bury(coap_adapter *a);

/* request.c */
/* What a request to channels/<id>/messages[/<subtopic>]?auth=<key> names. */
typedef struct coap_target {
    char channel[COAP_CHANNEL_MAX];
    char subtopic[COAP_SUBTOPIC_MAX]; /* dotted; "" for none */
    char key[COAP_KEY_MAX];
} coap_target;

/* Reads the Uri-Path and Uri-Query options of pdu into t; wildcards allows '*' and '>' in
 * the subtopic (subscriptions). Returns 0, or the refusal to answer with diag filled. */
int coap_target_parse(const coap_pdu_t *pdu, int wildcards, coap_target *t, char *diag,
                      size_t diaglen, refusal *why);
/* Authorizes t->key on t->channel; 0 with thing filled, or the refusal with diag filled. */
int coap_target_authorize(coap_adapter *a, const coap_target *t, char thing[LB_THING_ID_MAX],
                          char *diag, size_t diaglen, refusal *why);
/* Sets response to the refusal's code with diag as payload, and counts it. */
void coap_refuse(coap_adapter *a, coap_pdu_t *response, refusal why, const char *diag);
/* The label a refusal is counted under ("4.01"). */
const char *coap_refusal_label(refusal why);
/* The refusal for an authz error code (LB_EUNAUTH -> 4.01, ...). */
refusal coap_refusal_of(int rc);
/* The CoAP Content-Format number for a content type we publish, or -1 for none we know. */
int coap_format_of(const char *content_type);
/* The deliverer's connection id for a thing: the same for every request of that thing, so
 * its own messages are never echoed to its observers. Never 0. */
uint64_t coap_conn_of(const char *thing);
/* The POST handler (registered on the unknown resource). */
void coap_handle_post(coap_resource_t *r, coap_session_t *s, const coap_pdu_t *req,
                      const coap_string_t *query, coap_pdu_t *resp);

/* observe.c */
/* The GET handler: Observe 0 registers (or refreshes), Observe 1 deregisters. */
void coap_handle_get(coap_resource_t *r, coap_session_t *s, const coap_pdu_t *req,
                     const coap_string_t *query, coap_pdu_t *resp);
/* I/O thread: sends d to obs as one notification. */
void coap_observer_notify(coap_adapter *a, observer *obs, const lb_delivery *d);
/* The label an observer's removal is counted under ("cancel"). */
const char *coap_gone_label(gone_reason why);
/* 1 when obs was removed (its queued items are to be dropped). */
int coap_observer_gone(const observer *obs);
/* libcoap callbacks: a confirmable notification failed; a session went away. */
void coap_observe_nack(coap_session_t *s, const coap_pdu_t *sent, coap_nack_reason_t reason,
                       coap_mid_t mid);
int coap_observe_event(coap_session_t *s, coap_event_t event);
/* Removes every observer (the plugin stops), each ends with a 5.03 notification. */
void coap_observe_remove_all(coap_adapter *a);
/* Frees an observer taken from the graveyard. */
void coap_observer_free(observer *obs);
observer *coap_observer_next_buried(observer *obs);

#endif
