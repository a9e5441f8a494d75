/* The outbox: messages from MQTT clients on their way to the bus, off the broker thread.
 *
 * Publishing into cnats from the broker thread costs it the connection's lock (which cnats'
 * own threads hold while they write) and, for a prompt publish, a wake-up of the bus's flusher
 * per message: measured, that cut the broker's QoS 0 throughput to ~0.55 of plain mosquitto.
 * So the broker thread only encodes each envelope (protobuf) and appends subject and bytes to
 * the outbox's fill buffer under a short lock, waking the publisher thread only when it sleeps.
 * The publisher thread swaps the buffers, publishes everything it took on the no-echo
 * connection (broker_nats.c) and flushes it at the end of the batch, at most once a
 * millisecond: one message alone goes out at once, a flood in large writes (a group commit). After
 * a batch it lingers LINGER_US for the next one before it sleeps on the condition variable, so a
 * steady stream never makes the broker thread pay a wake-up (that futex call per message cost 8 %
 * of the broker thread); a message that arrives during the linger waits for it (<= 100 us).
 *
 * The fill buffer is bounded (OUTBOX_MAX bytes): beyond it (a bus that does not keep up)
 * messages are dropped and counted as to_bus_failed. */
#define _GNU_SOURCE
#include "broker.h"

#include <lyrebird/error.h>
#include <lyrebird/message.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define OUTBOX_MAX   (64u << 20)
#define SPARE_KEEP   (1u << 20)
#define LINGER_US    100
#define FLUSH_GAP_NS 1000000LL

/* An entry: uint32 subject length, uint32 envelope length, subject (no NUL), envelope. */
typedef struct {
    uint32_t subject_len, data_len;
} entry_head;

static int reserve(mqb_buf *b, size_t more)
{
    if (b->len + more <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64 * 1024;
    while (cap < b->len + more)
        cap *= 2;
    uint8_t *grown = realloc(b->data, cap);
    if (!grown)
        return LB_ENOMEM;
    b->data = grown;
    b->cap = cap;
    return 0;
}

int mqb_outbox_put(mqb *st, const lb_message *m)
{
    mqb_outbox *o = &st->outbox;
    char subject[LB_SUBJECT_MAX];
    int rc = 0;
    /* channel and subtopic passed mqtt_topic_parse: the subject needs no more checks */
    size_t cn = strlen(m->channel), tn = strlen(m->subtopic), sn = 9 + cn + (tn ? 1 + tn : 0);
    if (sn >= sizeof subject)
        return LB_ETOOBIG;
    memcpy(subject, "channels.", 9);
    memcpy(subject + 9, m->channel, cn);
    if (tn) {
        subject[9 + cn] = '.';
        memcpy(subject + 10 + cn, m->subtopic, tn);
    }
    entry_head h = {(uint32_t)sn, (uint32_t)lb_message_packed_size(m)};
    size_t need = sizeof h + h.subject_len + h.data_len;
    int wake = 0;
    pthread_mutex_lock(&o->lock);
    if (o->fill.len + need > OUTBOX_MAX)
        rc = LB_EAGAIN;
    else
        rc = reserve(&o->fill, need);
    if (rc == 0) {
        uint8_t *p = o->fill.data + o->fill.len;
        memcpy(p, &h, sizeof h);
        memcpy(p + sizeof h, subject, h.subject_len);
        lb_message_pack(m, p + sizeof h + h.subject_len);
        o->fill.len += need;
        o->fill.count++;
        wake = o->idle;
        o->idle = 0;
    }
    pthread_mutex_unlock(&o->lock);
    if (wake)
        pthread_cond_signal(&o->cond);
    return rc;
}

static void publish_all(mqb *st, const mqb_buf *b)
{
    size_t at = 0;
    while (at < b->len) {
        entry_head h;
        char subject[LB_SUBJECT_MAX];
        memcpy(&h, b->data + at, sizeof h);
        memcpy(subject, b->data + at + sizeof h, h.subject_len);
        subject[h.subject_len] = 0;
        const uint8_t *data = b->data + at + sizeof h + h.subject_len;
        int rc = mqb_nats_publish(st, subject, data, h.data_len);
        mqb_count(st, rc == 0 ? MQB_TO_BUS : MQB_TO_BUS_FAILED, 1);
        at += sizeof h + h.subject_len + h.data_len;
    }
    /* A flush is a round trip to nats-server. A batch goes out at once unless one did less
     * than FLUSH_GAP_NS ago: under a flood cnats' own flusher sends the batches in between
     * (within ~1 ms), and the round trips stay under a thousand a second. */
    long long now = lb_now_ns();
    if (now - st->outbox.last_flush_ns >= FLUSH_GAP_NS) {
        mqb_nats_flush(st);
        st->outbox.last_flush_ns = lb_now_ns();
    }
}

static void *publisher(void *arg)
{
    mqb *st = arg;
    mqb_outbox *o = &st->outbox;
    const struct timespec linger = {0, LINGER_US * 1000L};
    int lingered = 0;
    pthread_setname_np(pthread_self(), "lb-outbox");
    pthread_mutex_lock(&o->lock);
    for (;;) {
        if (o->fill.len == 0 && !o->stop) {
            if (!lingered) { /* more is likely on its way: gather it without being woken */
                pthread_mutex_unlock(&o->lock);
                nanosleep(&linger, NULL);
                pthread_mutex_lock(&o->lock);
                lingered = 1;
                continue;
            }
            o->idle = 1;
            pthread_cond_wait(&o->cond, &o->lock);
            continue;
        }
        if (o->fill.len == 0)
            break; /* stopping, and everything is out */
        lingered = 0;
        mqb_buf taken = o->fill;
        o->fill = o->spare;
        o->fill.len = o->fill.count = 0;
        pthread_mutex_unlock(&o->lock);
        publish_all(st, &taken);
        pthread_mutex_lock(&o->lock);
        o->spare = taken;
        if (o->spare.cap > SPARE_KEEP) { /* give a flood's memory back */
            free(o->spare.data);
            memset(&o->spare, 0, sizeof o->spare);
        }
    }
    pthread_mutex_unlock(&o->lock);
    return NULL;
}

int mqb_outbox_start(mqb *st)
{
    mqb_outbox *o = &st->outbox;
    pthread_mutex_init(&o->lock, NULL);
    pthread_cond_init(&o->cond, NULL);
    o->inited = 1;
    if (pthread_create(&o->thread, NULL, publisher, st) != 0)
        return LB_EIO;
    o->started = 1;
    return 0;
}

void mqb_outbox_stop(mqb *st)
{
    mqb_outbox *o = &st->outbox;
    if (!o->inited)
        return;
    if (o->started) { /* publishes what is left, then ends */
        pthread_mutex_lock(&o->lock);
        o->stop = 1;
        pthread_mutex_unlock(&o->lock);
        pthread_cond_signal(&o->cond);
        pthread_join(o->thread, NULL);
    }
    free(o->fill.data);
    free(o->spare.data);
    pthread_cond_destroy(&o->cond);
    pthread_mutex_destroy(&o->lock);
    memset(o, 0, sizeof *o);
}
