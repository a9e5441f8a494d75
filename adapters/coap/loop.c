/* The CoAP adapter's I/O thread and its inbox.
 *
 * libcoap is not thread-safe, so one thread owns the context: it creates it (binding the
 * UDP endpoint, then telling start() whether that worked), runs it, and frees it. Requests
 * are handled inside coap_io_process on this thread.
 *
 * Bus threads never touch the context. A delivery for an observer is pushed, with a
 * reference, onto the inbox (an array under a mutex); the push that makes the inbox
 * non-empty writes the eventfd. The thread polls libcoap's epoll fd and the eventfd,
 * runs coap_io_process without waiting, then swaps the inbox for its spare array and sends
 * one notification per item, in order. Observers removed meanwhile sit in a graveyard until
 * the inbox holds nothing of theirs (coap_inbox_bury). */
#define _GNU_SOURCE
#include "coap_adapter.h"

#include <lyrebird/error.h>

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define INBOX_MAX (1u << 20) /* deliveries waiting; past it they are dropped and counted */
#define POLL_MS   1000       /* libcoap's own timers wake its epoll fd; this is a safety net */

static const lb_host *log_host; /* libcoap's log handler takes no argument */

static void on_coap_log(coap_log_t level, const char *message)
{
    size_t n = strlen(message);
    while (n && message[n - 1] == '\n')
        n--;
    if (log_host)
        log_host->log(log_host, level <= LOG_WARNING ? LB_LOG_WARN : LB_LOG_DEBUG, "libcoap",
                      "detail=\"%.*s\"", (int)n, message);
}

void coap_inbox_push(coap_adapter *a, observer *obs, const lb_delivery *d)
{
    inbox *in = &a->in;
    int wake = 0, dropped = 0;
    pthread_mutex_lock(&in->lock);
    if (in->n == in->cap && in->cap < INBOX_MAX) {
        size_t cap = in->cap ? in->cap * 2 : 256;
        inbox_item *grown = realloc(in->items, cap * sizeof *grown);
        if (grown) {
            in->items = grown;
            in->cap = cap;
        }
    }
    if (in->n < in->cap) {
        wake = in->n == 0;
        in->items[in->n++] = (inbox_item){obs, lb_delivery_ref(d)};
    } else {
        dropped = 1;
    }
    pthread_mutex_unlock(&in->lock);
    if (dropped)
        a->host->counter_add(a->dropped, 1);
    uint64_t one = 1;
    if (wake && write(in->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
        a->host->log(a->host, LB_LOG_WARN, "cannot wake the CoAP thread", "error=\"%s\"",
                     strerror(errno));
}

/* Sends what the inbox holds: one notification per item. */
static void drain(coap_adapter *a, inbox_item **spare, size_t *spare_cap)
{
    inbox *in = &a->in;
    uint64_t count;
    if (read(in->wake_fd, &count, sizeof count) < 0 && errno != EAGAIN)
        return;
    pthread_mutex_lock(&in->lock);
    inbox_item *batch = in->items;
    size_t n = in->n, cap = in->cap;
    in->items = *spare;
    in->cap = *spare_cap;
    in->n = 0;
    pthread_mutex_unlock(&in->lock);
    for (size_t i = 0; i < n; i++) {
        if (!coap_observer_gone(batch[i].obs))
            coap_observer_notify(a, batch[i].obs, batch[i].d);
        lb_delivery_unref(batch[i].d);
    }
    *spare = batch;
    *spare_cap = cap;
}

void coap_inbox_bury(coap_adapter *a)
{
    if (!a->graveyard)
        return;
    inbox *in = &a->in;
    pthread_mutex_lock(&in->lock);
    size_t kept = 0;
    for (size_t i = 0; i < in->n; i++) {
        if (coap_observer_gone(in->items[i].obs))
            lb_delivery_unref(in->items[i].d);
        else
            in->items[kept++] = in->items[i];
    }
    in->n = kept;
    pthread_mutex_unlock(&in->lock);
    while (a->graveyard) {
        observer *obs = a->graveyard;
        a->graveyard = coap_observer_next_buried(obs);
        coap_observer_free(obs);
    }
}

/* The context with its UDP endpoint and handlers, or NULL (logged). */
static coap_context_t *context_new(coap_adapter *a)
{
    coap_context_t *ctx = coap_new_context(NULL);
    coap_address_t addr;
    if (!ctx)
        return NULL;
    coap_set_app_data(ctx, a);
    coap_context_set_block_mode(ctx, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
    coap_address_init(&addr);
    addr.addr.sin.sin_family = AF_INET;
    addr.addr.sin.sin_addr.s_addr = htonl(a->loopback_only ? INADDR_LOOPBACK : INADDR_ANY);
    addr.addr.sin.sin_port = htons((uint16_t)a->port);
    addr.size = sizeof addr.addr.sin;
    coap_resource_t *r =
        coap_new_endpoint(ctx, &addr, COAP_PROTO_UDP) ? coap_resource_unknown_init2(NULL, 0) : NULL;
    if (!r) {
        a->host->log(a->host, LB_LOG_ERROR, "cannot listen for CoAP", "port=%d udp=1", a->port);
        coap_free_context(ctx);
        return NULL;
    }
    coap_register_request_handler(r, COAP_REQUEST_POST, coap_handle_post);
    coap_register_request_handler(r, COAP_REQUEST_GET, coap_handle_get);
    coap_add_resource(ctx, r);
    coap_register_nack_handler(ctx, coap_observe_nack);
    coap_register_event_handler(ctx, coap_observe_event);
    return ctx;
}

/* Tells start() how binding went. */
static void started(coap_adapter *a, int rc)
{
    pthread_mutex_lock(&a->start_lock);
    a->start_rc = rc;
    a->start_done = 1;
    pthread_cond_signal(&a->start_cond);
    pthread_mutex_unlock(&a->start_lock);
}

static void *run(void *arg)
{
    coap_adapter *a = arg;
    inbox_item *spare = NULL;
    size_t spare_cap = 0;
    coap_context_t *ctx = context_new(a);
    started(a, ctx ? 0 : LB_EIO);
    if (!ctx)
        return NULL;
    int cfd = coap_context_get_coap_fd(ctx);
    while (!atomic_load(&a->stopping)) {
        struct pollfd p[2] = {{.fd = a->in.wake_fd, .events = POLLIN},
                              {.fd = cfd, .events = POLLIN}};
        if (cfd >= 0 && poll(p, 2, POLL_MS) < 0 && errno != EINTR)
            break;
        coap_io_process(ctx, cfd >= 0 ? COAP_IO_NO_WAIT : 20);
        drain(a, &spare, &spare_cap);
        coap_inbox_bury(a);
    }
    coap_observe_remove_all(a);
    coap_io_process(ctx, COAP_IO_NO_WAIT);
    coap_inbox_bury(a);
    coap_free_context(ctx);
    free(spare);
    return NULL;
}

int coap_loop_start(coap_adapter *a)
{
    a->in.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (a->in.wake_fd < 0)
        return LB_EIO;
    log_host = a->host;
    coap_set_log_handler(on_coap_log);
    coap_set_log_level(LOG_WARNING);
    atomic_store(&a->stopping, 0);
    a->start_done = 0;
    if (pthread_create(&a->thread, NULL, run, a) != 0) {
        close(a->in.wake_fd);
        return LB_EIO;
    }
    pthread_mutex_lock(&a->start_lock);
    while (!a->start_done)
        pthread_cond_wait(&a->start_cond, &a->start_lock);
    pthread_mutex_unlock(&a->start_lock);
    if (a->start_rc != 0) {
        pthread_join(a->thread, NULL);
        close(a->in.wake_fd);
        return a->start_rc;
    }
    a->running = 1;
    return 0;
}

void coap_loop_stop(coap_adapter *a)
{
    uint64_t one = 1;
    if (!a->running)
        return;
    atomic_store(&a->stopping, 1);
    if (write(a->in.wake_fd, &one, sizeof one) < 0)
        a->host->log(a->host, LB_LOG_WARN, "cannot wake the CoAP thread", NULL);
    pthread_join(a->thread, NULL);
    a->running = 0;
    for (size_t i = 0; i < a->in.n; i++) /* nothing should be left: every observer is gone */
        lb_delivery_unref(a->in.items[i].d);
    free(a->in.items);
    a->in.items = NULL;
    a->in.n = a->in.cap = 0;
    close(a->in.wake_fd);
}
