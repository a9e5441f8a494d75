/* Delivery of channel messages to an adapter's subscribers (deliver.h).
 *
 * A deliverer keeps a table of the channels its subscribers follow. Each channel holds two
 * bus subscriptions ("channels.<id>" and "channels.<id>.>") and an array of subscribers
 * behind a mutex. A bus message is decoded once into a reference-counted delivery, and
 * every matching subscriber is called with it under the channel's mutex (so unsubscribing
 * waits for a callback in progress).
 *
 * No echo: publish stamps each message with a `created` time unique within the deliverer
 * and remembers created -> connection in a direct-mapped table; a delivery of this
 * protocol whose created is in the table skips that connection only. An entry is
 * overwritten by a later publish hashing to its slot, by then long delivered. */
#include "lyrebird/deliver.h"
#include "lyrebird/bus.h"
#include "lyrebird/error.h"
#include "lyrebird/log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ECHO_SLOTS 65536 /* power of two */
#define CHANNEL_BUCKETS 1024
#define PATTERN_MAX 256

typedef struct echo_slot {
    _Atomic int64_t created;
    _Atomic uint64_t conn;
} echo_slot;

typedef struct channel channel;

struct lb_deliver_sub {
    channel *ch;
    char pattern[PATTERN_MAX]; /* dotted, "" for every message */
    uint64_t conn;
    lb_deliver_fn fn;
    void *arg;
};

struct channel {
    lb_deliver *d;
    char *id;
    lb_bus_sub *exact, *tree;
    pthread_mutex_t lock; /* subs, and calls into them */
    lb_deliver_sub **subs;
    size_t nsubs, cap;
    channel *next; /* in its bucket */
};

struct lb_deliver {
    lb_bus *bus;
    char *protocol;
    pthread_mutex_t lock; /* the channel table */
    channel *buckets[CHANNEL_BUCKETS];
    _Atomic int64_t last_created;
    echo_slot echo[ECHO_SLOTS];
};

typedef struct delivery {
    lb_delivery pub; /* first: the public part */
    atomic_int refs;
    lb_message *msg;
    char *subject;
    uint8_t *raw;
} delivery;

static size_t hash(const char *s)
{
    size_t h = 5381;
    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h;
}

static size_t echo_slot_of(int64_t created)
{
    uint64_t x = (uint64_t)created * 0x9E3779B97F4A7C15ULL;
    return (size_t)(x >> 48) & (ECHO_SLOTS - 1);
}

lb_deliver *lb_deliver_new(lb_bus *bus, const char *protocol)
{
    lb_deliver *d = calloc(1, sizeof *d);
    if (!d || !(d->protocol = strdup(protocol))) {
        free(d);
        return NULL;
    }
    d->bus = bus;
    pthread_mutex_init(&d->lock, NULL);
    return d;
}

void lb_deliver_free(lb_deliver *d)
{
    if (!d)
        return;
    pthread_mutex_destroy(&d->lock);
    free(d->protocol);
    free(d);
}

int lb_deliver_publish(lb_deliver *d, uint64_t conn, lb_message *m, char *err, size_t errlen)
{
    int64_t now = lb_now_ns(), last = atomic_load(&d->last_created);
    while (!atomic_compare_exchange_weak(&d->last_created, &last, now > last ? now : last + 1))
        ;
    m->created = now > last ? now : last + 1;
    m->protocol = d->protocol;
    echo_slot *slot = &d->echo[echo_slot_of(m->created)];
    atomic_store(&slot->conn, conn);
    atomic_store(&slot->created, m->created);
    return lb_bus_publish_message_now(d->bus, m, err, errlen);
}

/* Does the dotted subtopic match the dotted pattern (NATS rules; "" matches all)? */
static int matches(const char *pattern, const char *subtopic)
{
    if (!*pattern)
        return 1;
    const char *p = pattern, *s = subtopic;
    while (*p) {
        size_t pn = strcspn(p, "."), sn = strcspn(s, ".");
        if (pn == 1 && *p == '>')
            return *s != 0;
        if (!*s)
            return 0;
        if (!(pn == 1 && *p == '*') && (pn != sn || memcmp(p, s, pn) != 0))
            return 0;
        p += pn + (p[pn] == '.');
        s += sn + (s[sn] == '.');
    }
    return *s == 0;
}

const lb_delivery *lb_delivery_ref(const lb_delivery *pub)
{
    atomic_fetch_add(&((delivery *)pub)->refs, 1);
    return pub;
}

void lb_delivery_unref(const lb_delivery *pub)
{
    delivery *dv = (delivery *)pub;
    if (!dv || atomic_fetch_sub(&dv->refs, 1) != 1)
        return;
    lb_message_free(dv->msg);
    free(dv->subject);
    free(dv->raw);
    free(dv);
}

/* Decodes a bus message into a delivery with one reference, or NULL. */
static delivery *delivery_new(const lb_bus_msg *bm)
{
    delivery *dv = calloc(1, sizeof *dv);
    if (!dv)
        return NULL;
    atomic_init(&dv->refs, 1);
    dv->msg = lb_message_unpack(bm->data, bm->len);
    dv->subject = strdup(bm->subject);
    dv->raw = malloc(bm->len ? bm->len : 1);
    if (!dv->msg || !dv->subject || !dv->raw) {
        lb_delivery_unref(&dv->pub);
        return NULL;
    }
    memcpy(dv->raw, bm->data, bm->len);
    dv->pub = (lb_delivery){dv->msg, dv->subject, dv->raw, bm->len};
    return dv;
}

static void on_bus(const lb_bus_msg *bm, void *arg)
{
    channel *ch = arg;
    lb_deliver *d = ch->d;
    delivery *dv = delivery_new(bm);
    if (!dv) {
        lb_log(LB_LOG_WARN, "deliver", "dropped a message that is not an envelope", "subject=%s",
               bm->subject);
        return;
    }
    const lb_message *m = dv->msg;
    uint64_t echo_conn = 0;
    if (strcmp(m->protocol, d->protocol) == 0) {
        echo_slot *slot = &d->echo[echo_slot_of(m->created)];
        if (atomic_load(&slot->created) == m->created)
            echo_conn = atomic_load(&slot->conn);
    }
    pthread_mutex_lock(&ch->lock);
    for (size_t i = 0; i < ch->nsubs; i++) {
        lb_deliver_sub *s = ch->subs[i];
        if (s->conn != echo_conn && matches(s->pattern, m->subtopic))
            s->fn(&dv->pub, s->arg);
    }
    pthread_mutex_unlock(&ch->lock);
    lb_delivery_unref(&dv->pub);
}

/* The channel's entry, made (with its bus subscriptions) when missing; d->lock held. */
static channel *channel_get(lb_deliver *d, const char *id, int *rc)
{
    size_t b = hash(id) % CHANNEL_BUCKETS;
    for (channel *ch = d->buckets[b]; ch; ch = ch->next)
        if (strcmp(ch->id, id) == 0)
            return ch;
    char subject[LB_SUBJECT_MAX], tree[LB_SUBJECT_MAX + 2], err[LB_ERRLEN];
    channel *ch = calloc(1, sizeof *ch);
    *rc = LB_ENOMEM;
    if (!ch || !(ch->id = strdup(id)))
        goto fail;
    ch->d = d;
    pthread_mutex_init(&ch->lock, NULL);
    *rc = lb_subject_build(id, NULL, 0, subject, sizeof subject, err, sizeof err);
    snprintf(tree, sizeof tree, "%s.>", subject);
    if (*rc == 0)
        *rc = lb_bus_subscribe(d->bus, subject, NULL, on_bus, ch, &ch->exact);
    if (*rc == 0)
        *rc = lb_bus_subscribe(d->bus, tree, NULL, on_bus, ch, &ch->tree);
    if (*rc != 0)
        goto fail;
    lb_bus_flush(d->bus, 1000); /* the server knows the subscriptions before we return */
    ch->next = d->buckets[b];
    d->buckets[b] = ch;
    return ch;
fail:
    if (ch) {
        lb_bus_unsubscribe(ch->exact);
        free(ch->id);
        free(ch);
    }
    return NULL;
}

int lb_deliver_subscribe(lb_deliver *d, const char *channel_id, const char *pattern,
                         uint64_t conn, lb_deliver_fn fn, void *arg, lb_deliver_sub **out,
                         char *err, size_t errlen)
{
    char subject[LB_SUBJECT_MAX];
    int rc = lb_subject_build(channel_id, NULL, 0, subject, sizeof subject, err, errlen);
    lb_deliver_sub *s = rc == 0 ? calloc(1, sizeof *s) : NULL;
    if (rc != 0)
        return rc;
    if (!s)
        return LB_ENOMEM;
    rc = lb_subtopic_normalize(pattern, 1, s->pattern, sizeof s->pattern, err, errlen);
    if (rc != 0) {
        free(s);
        return rc;
    }
    s->conn = conn;
    s->fn = fn;
    s->arg = arg;
    pthread_mutex_lock(&d->lock);
    channel *ch = channel_get(d, channel_id, &rc);
    if (ch) {
        pthread_mutex_lock(&ch->lock);
        if (ch->nsubs == ch->cap) {
            size_t cap = ch->cap ? ch->cap * 2 : 8;
            lb_deliver_sub **grown = realloc(ch->subs, cap * sizeof *grown);
            if (grown) {
                ch->subs = grown;
                ch->cap = cap;
            }
        }
        if (ch->nsubs < ch->cap) {
            s->ch = ch;
            ch->subs[ch->nsubs++] = s;
        }
        pthread_mutex_unlock(&ch->lock);
    }
    pthread_mutex_unlock(&d->lock);
    if (!s->ch) {
        snprintf(err, errlen, "cannot subscribe to channel %s: %s", channel_id,
                 lb_strerror(rc ? rc : LB_ENOMEM));
        free(s);
        return rc ? rc : LB_ENOMEM;
    }
    *out = s;
    return 0;
}

void lb_deliver_unsubscribe(lb_deliver_sub *s)
{
    if (!s)
        return;
    channel *ch = s->ch;
    lb_deliver *d = ch->d;
    int last = 0;
    pthread_mutex_lock(&d->lock);
    pthread_mutex_lock(&ch->lock);
    for (size_t i = 0; i < ch->nsubs; i++) {
        if (ch->subs[i] == s) {
            ch->subs[i] = ch->subs[--ch->nsubs];
            break;
        }
    }
    if (ch->nsubs == 0) {
        last = 1;
        channel **p = &d->buckets[hash(ch->id) % CHANNEL_BUCKETS];
        while (*p != ch)
            p = &(*p)->next;
        *p = ch->next;
    }
    pthread_mutex_unlock(&ch->lock);
    pthread_mutex_unlock(&d->lock);
    free(s);
    if (!last)
        return;
    /* No subscriber is left to call; wait for callbacks in flight, then free. */
    lb_bus_unsubscribe(ch->exact);
    lb_bus_unsubscribe(ch->tree);
    pthread_mutex_destroy(&ch->lock);
    free(ch->subs);
    free(ch->id);
    free(ch);
}
