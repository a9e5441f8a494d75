/* The bus over cnats. Two connections per bus: `nc` batches writes for publish throughput,
 * `fast` sends at once (natsOptions_SetSendAsap) for request/reply latency; see bus.h.
 * Both reconnect forever and log their state changes.
 *
 * Prompt publishes (lb_bus_publish_now) go on `nc` too, then wake our flusher thread, which
 * flushes `nc` at once (a PING the server answers) instead of after cnats' own ~1 ms pause.
 * Whatever is published while one flush is on its way goes out with the next: a group
 * commit: a device's message waits at most one round trip to nats-server plus a 200 us
 * gathering pause, and a busy adapter still sends large writes (one send per message, or a
 * flush per few messages, cost the HTTP adapter half its throughput). */
#include "lyrebird/bus.h"
#include "lyrebird/error.h"
#include "lyrebird/log.h"
#include "lyrebird/message.h"

#include <nats/nats.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RECONNECT_WAIT_MS   250
#define RECONNECT_BUF_BYTES (8 * 1024 * 1024)
#define PENDING_MSGS        (512 * 1024)
#define PENDING_BYTES       (256 * 1024 * 1024)
#define FLUSH_GATHER_NS     (200 * 1000)

struct lb_bus {
    natsConnection *nc;
    natsConnection *fast;
    atomic_int closing; /* no "disconnected" warnings for a close we asked for */
    pthread_t flusher;
    int flusher_started;
    pthread_mutex_t flush_lock; /* also guards closed below */
    pthread_cond_t flush_cond;
    atomic_int flush_wanted;
    int opened; /* connections made, and of them */
    int closed; /* those cnats reported closed: its last callback for a connection */
};

/* Delivered messages are destroyed in groups of up to SPENT_MAX (and SPENT_BYTES), the rest
 * when the subscription completes: cnats hands each destroyed message to its collector
 * thread and wakes it when it sleeps, which under a fast stream is a wake-up per message
 * (about 10 % of the InfluxDB writer's CPU, measured with perf). */
#define SPENT_MAX   32
#define SPENT_BYTES (256 * 1024)

struct lb_bus_sub {
    natsSubscription *sub;
    lb_bus_handler cb;
    void *arg;
    pthread_mutex_t lock;
    pthread_cond_t done_cond;
    int done;
    natsMsg *spent[SPENT_MAX]; /* the delivery thread's: delivered, not destroyed yet */
    size_t nspent, spent_bytes;
};

static int from_nats(natsStatus s)
{
    switch (s) {
    case NATS_OK:
        return 0;
    case NATS_TIMEOUT:
        return LB_ETIMEDOUT;
    case NATS_NO_RESPONDERS:
        return LB_ENOTFOUND;
    case NATS_NO_MEMORY:
        return LB_ENOMEM;
    case NATS_INVALID_ARG:
    case NATS_INVALID_SUBJECT:
        return LB_EINVAL;
    case NATS_MAX_PAYLOAD:
        return LB_ETOOBIG;
    case NATS_CONNECTION_CLOSED:
    case NATS_CONNECTION_DISCONNECTED:
    case NATS_NO_SERVER:
        return LB_ENOTCONN;
    default:
        return LB_EIO;
    }
}

static const char *conn_label(lb_bus *bus, natsConnection *nc)
{
    return nc == bus->fast ? "fast" : "bulk";
}

static void on_disconnected(natsConnection *nc, void *closure)
{
    lb_bus *bus = closure;
    if (!atomic_load(&bus->closing))
        lb_log(LB_LOG_WARN, "bus", "disconnected from NATS, reconnecting", "conn=%s",
               conn_label(bus, nc));
}

static void on_reconnected(natsConnection *nc, void *closure)
{
    char url[256] = "";
    natsConnection_GetConnectedUrl(nc, url, sizeof url);
    lb_log(LB_LOG_INFO, "bus", "reconnected to NATS", "conn=%s url=%s", conn_label(closure, nc),
           url);
}

/* cnats calls this on its callback thread after the connection's other callbacks; the bus
 * may be freed only after both connections reported it. */
static void on_closed(natsConnection *nc, void *closure)
{
    lb_bus *bus = closure;
    pthread_mutex_lock(&bus->flush_lock);
    bus->closed++;
    pthread_cond_broadcast(&bus->flush_cond);
    pthread_mutex_unlock(&bus->flush_lock);
}

static natsStatus connect_one(lb_bus *bus, const char *url, const char *name, int asap,
                              int timeout_ms, natsConnection **out)
{
    natsOptions *opts = NULL;
    natsStatus s = natsOptions_Create(&opts);
    if (s == NATS_OK)
        s = natsOptions_SetURL(opts, url);
    if (s == NATS_OK)
        s = natsOptions_SetName(opts, name ? name : "lyrebird");
    if (s == NATS_OK)
        s = natsOptions_SetMaxReconnect(opts, -1);
    if (s == NATS_OK)
        s = natsOptions_SetReconnectWait(opts, RECONNECT_WAIT_MS);
    if (s == NATS_OK)
        s = natsOptions_SetReconnectBufSize(opts, RECONNECT_BUF_BYTES);
    if (s == NATS_OK)
        s = natsOptions_SetTimeout(opts, timeout_ms > 0 ? timeout_ms : 2000);
    if (s == NATS_OK)
        s = natsOptions_SetSendAsap(opts, asap ? true : false);
    if (s == NATS_OK)
        s = natsOptions_SetDisconnectedCB(opts, on_disconnected, bus);
    if (s == NATS_OK)
        s = natsOptions_SetReconnectedCB(opts, on_reconnected, bus);
    if (s == NATS_OK)
        s = natsOptions_SetClosedCB(opts, on_closed, bus);
    /* The first connection is retried until timeout_ms by the caller. */
    if (s == NATS_OK)
        s = natsConnection_Connect(out, opts);
    natsOptions_Destroy(opts);
    if (s == NATS_OK) {
        pthread_mutex_lock(&bus->flush_lock);
        bus->opened++;
        pthread_mutex_unlock(&bus->flush_lock);
    }
    return s;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *flusher_main(void *arg)
{
    lb_bus *bus = arg;
    for (;;) {
        pthread_mutex_lock(&bus->flush_lock);
        while (!atomic_load(&bus->flush_wanted) && !atomic_load(&bus->closing))
            pthread_cond_wait(&bus->flush_cond, &bus->flush_lock);
        pthread_mutex_unlock(&bus->flush_lock);
        if (atomic_load(&bus->closing))
            return NULL;
        atomic_store(&bus->flush_wanted, 0);
        natsConnection_FlushTimeout(bus->nc, 1000);
        /* Let the next batch gather: under load this bounds flushes to a few thousand a
         * second; a message arriving while idle still goes out at once. */
        struct timespec pause = {0, FLUSH_GATHER_NS};
        nanosleep(&pause, NULL);
    }
}

/* Asks the flusher for a flush; cheap when one is already asked for. */
static void want_flush(lb_bus *bus)
{
    if (atomic_exchange(&bus->flush_wanted, 1))
        return;
    pthread_mutex_lock(&bus->flush_lock);
    pthread_cond_signal(&bus->flush_cond);
    pthread_mutex_unlock(&bus->flush_lock);
}

lb_bus *lb_bus_connect(const char *url, const char *name, int timeout_ms, char *err, size_t errlen)
{
    lb_bus *bus = calloc(1, sizeof *bus);
    if (!bus) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&bus->flush_lock, NULL);
    pthread_cond_init(&bus->flush_cond, NULL);
    long long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    natsStatus s;
    for (;;) {
        s = connect_one(bus, url, name, 0, timeout_ms, &bus->nc);
        if (s == NATS_OK)
            s = connect_one(bus, url, name, 1, timeout_ms, &bus->fast);
        if (s == NATS_OK || now_ms() >= deadline)
            break;
        natsConnection_Destroy(bus->nc);
        bus->nc = NULL;
        struct timespec pause = {0, 10 * 1000000};
        nanosleep(&pause, NULL);
    }
    if (s == NATS_OK) {
        bus->flusher_started = pthread_create(&bus->flusher, NULL, flusher_main, bus) == 0;
        if (!bus->flusher_started)
            s = NATS_NO_MEMORY;
    }
    if (s != NATS_OK) {
        snprintf(err, errlen, "cannot connect to NATS at %s: %s", url, natsStatus_GetText(s));
        lb_bus_close(bus);
        return NULL;
    }
    return bus;
}

void lb_bus_close(lb_bus *bus)
{
    if (!bus)
        return;
    atomic_store(&bus->closing, 1);
    if (bus->flusher_started) {
        pthread_mutex_lock(&bus->flush_lock);
        pthread_cond_signal(&bus->flush_cond);
        pthread_mutex_unlock(&bus->flush_lock);
        pthread_join(bus->flusher, NULL);
    }
    /* Close, then wait (2 s at most) for cnats' closed callbacks: until then its callback
     * thread may still run on_disconnected with this bus. */
    natsConnection_Close(bus->nc);
    natsConnection_Close(bus->fast);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 2;
    pthread_mutex_lock(&bus->flush_lock);
    while (bus->closed < bus->opened &&
           pthread_cond_timedwait(&bus->flush_cond, &bus->flush_lock, &until) == 0)
        ;
    pthread_mutex_unlock(&bus->flush_lock);
    natsConnection_Destroy(bus->nc);
    natsConnection_Destroy(bus->fast);
    pthread_mutex_destroy(&bus->flush_lock);
    pthread_cond_destroy(&bus->flush_cond);
    free(bus);
}

int lb_bus_connected(lb_bus *bus)
{
    return bus && natsConnection_Status(bus->nc) == NATS_CONN_STATUS_CONNECTED;
}

static int publish_on(natsConnection *nc, const char *subject, const void *data, size_t len)
{
    int64_t max = natsConnection_GetMaxPayload(nc);
    if (max > 0 && len > (size_t)max)
        return LB_ETOOBIG;
    return from_nats(natsConnection_Publish(nc, subject, data, (int)len));
}

int lb_bus_publish(lb_bus *bus, const char *subject, const void *data, size_t len)
{
    return publish_on(bus->nc, subject, data, len);
}

int lb_bus_publish_now(lb_bus *bus, const char *subject, const void *data, size_t len)
{
    int rc = publish_on(bus->nc, subject, data, len);
    if (rc == 0)
        want_flush(bus);
    return rc;
}

/* Encodes m into its envelope and publishes it on nc. */
static int publish_message_on(natsConnection *nc, const lb_message *m, char *err, size_t errlen)
{
    char subject[LB_SUBJECT_MAX];
    int rc = lb_subject_build(m->channel, m->subtopic, 0, subject, sizeof subject, err, errlen);
    if (rc != 0)
        return rc;
    uint8_t stack[2048];
    size_t need = lb_message_packed_size(m);
    uint8_t *buf = need <= sizeof stack ? stack : malloc(need);
    if (!buf)
        return LB_ENOMEM;
    lb_message_pack(m, buf);
    rc = publish_on(nc, subject, buf, need);
    if (buf != stack)
        free(buf);
    if (rc != 0)
        snprintf(err, errlen, "cannot publish to the bus: %s", lb_strerror(rc));
    return rc;
}

int lb_bus_publish_message(lb_bus *bus, const lb_message *m, char *err, size_t errlen)
{
    return publish_message_on(bus->nc, m, err, errlen);
}

int lb_bus_publish_message_now(lb_bus *bus, const lb_message *m, char *err, size_t errlen)
{
    int rc = publish_message_on(bus->nc, m, err, errlen);
    if (rc == 0)
        want_flush(bus);
    return rc;
}

static void destroy_spent(lb_bus_sub *sub)
{
    for (size_t i = 0; i < sub->nspent; i++)
        natsMsg_Destroy(sub->spent[i]);
    sub->nspent = 0;
    sub->spent_bytes = 0;
}

static void on_msg(natsConnection *nc, natsSubscription *ns, natsMsg *nm, void *closure)
{
    lb_bus_sub *sub = closure;
    lb_bus_msg msg = {
        .subject = natsMsg_GetSubject(nm),
        .reply = natsMsg_GetReply(nm),
        .data = natsMsg_GetData(nm),
        .len = (size_t)natsMsg_GetDataLength(nm),
    };
    sub->cb(&msg, sub->arg);
    sub->spent[sub->nspent++] = nm;
    sub->spent_bytes += msg.len;
    if (sub->nspent == SPENT_MAX || sub->spent_bytes >= SPENT_BYTES)
        destroy_spent(sub);
}

static void on_complete(void *closure)
{
    lb_bus_sub *sub = closure;
    destroy_spent(sub); /* the last callback has returned */
    pthread_mutex_lock(&sub->lock);
    sub->done = 1;
    pthread_cond_broadcast(&sub->done_cond);
    pthread_mutex_unlock(&sub->lock);
}

int lb_bus_subscribe(lb_bus *bus, const char *subject, const char *queue, lb_bus_handler cb,
                     void *arg, lb_bus_sub **out)
{
    lb_bus_sub *sub = calloc(1, sizeof *sub);
    if (!sub)
        return LB_ENOMEM;
    sub->cb = cb;
    sub->arg = arg;
    pthread_mutex_init(&sub->lock, NULL);
    pthread_cond_init(&sub->done_cond, NULL);
    natsStatus s =
        queue ? natsConnection_QueueSubscribe(&sub->sub, bus->nc, subject, queue, on_msg, sub)
              : natsConnection_Subscribe(&sub->sub, bus->nc, subject, on_msg, sub);
    if (s == NATS_OK)
        s = natsSubscription_SetPendingLimits(sub->sub, PENDING_MSGS, PENDING_BYTES);
    if (s == NATS_OK)
        s = natsSubscription_SetOnCompleteCB(sub->sub, on_complete, sub);
    if (s != NATS_OK) {
        natsSubscription_Destroy(sub->sub);
        pthread_mutex_destroy(&sub->lock);
        pthread_cond_destroy(&sub->done_cond);
        free(sub);
        return from_nats(s);
    }
    *out = sub;
    return 0;
}

void lb_bus_unsubscribe(lb_bus_sub *sub)
{
    if (!sub)
        return;
    int done = 1;
    if (natsSubscription_Unsubscribe(sub->sub) == NATS_OK) {
        /* Wait until the delivery thread is done with this subscription's callback. */
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 5;
        pthread_mutex_lock(&sub->lock);
        while (!sub->done && pthread_cond_timedwait(&sub->done_cond, &sub->lock, &until) == 0)
            ;
        done = sub->done;
        pthread_mutex_unlock(&sub->lock);
    }
    natsSubscription_Destroy(sub->sub);
    if (!done) {
        /* a callback still runs: it and on_complete use sub after this, so sub is left to
         * them (a small leak) rather than freed under them */
        lb_log(LB_LOG_WARN, "bus", "a subscription's callback did not return in 5 s", NULL);
        return;
    }
    destroy_spent(sub); /* when the unsubscription failed, on_complete never comes */
    pthread_mutex_destroy(&sub->lock);
    pthread_cond_destroy(&sub->done_cond);
    free(sub);
}

int lb_bus_request(lb_bus *bus, const char *subject, const void *data, size_t len, int timeout_ms,
                   char **reply, size_t *reply_len)
{
    natsMsg *nm = NULL;
    natsStatus s = natsConnection_Request(&nm, bus->fast, subject, data, (int)len, timeout_ms);
    if (s != NATS_OK)
        return from_nats(s);
    size_t n = (size_t)natsMsg_GetDataLength(nm);
    char *copy = malloc(n + 1);
    if (!copy) {
        natsMsg_Destroy(nm);
        return LB_ENOMEM;
    }
    memcpy(copy, natsMsg_GetData(nm), n);
    copy[n] = 0;
    natsMsg_Destroy(nm);
    *reply = copy;
    if (reply_len)
        *reply_len = n;
    return 0;
}

int lb_bus_respond(lb_bus *bus, const lb_bus_msg *msg, const void *data, size_t len)
{
    if (!msg->reply || !*msg->reply)
        return LB_EINVAL;
    return from_nats(natsConnection_Publish(bus->fast, msg->reply, data, (int)len));
}

int lb_bus_flush(lb_bus *bus, int timeout_ms)
{
    natsStatus s = natsConnection_FlushTimeout(bus->nc, timeout_ms);
    if (s == NATS_OK)
        s = natsConnection_FlushTimeout(bus->fast, timeout_ms);
    return from_nats(s);
}
