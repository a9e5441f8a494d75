/* The plugin's channel connection to NATS: MQTT clients' messages go out on it and the
 * channels MQTT clients follow come in on it, with the server's no-echo option set.
 *
 * Why not lb_bus/lb_deliver: a message this broker publishes on channels.<id> would come back
 * to its own subscription of that channel (the broker follows every channel an MQTT client
 * subscribed to), and nats-server sending it, cnats parsing it and lb_deliver decoding it only
 * to drop it cost ~3-4 us of CPU per message besides the broker thread (measured, 2 cores:
 * QoS 0 throughput 0.58-0.75 of plain mosquitto with the echo, 0.79 without). NATS' no-echo
 * connection option stops it at the server, and bus.h offers no way to set it. Without the
 * echo, a message of protocol "mqtt" that arrives is another broker's (cluster mode) and is
 * delivered like any other.
 *
 * Subscriptions share cnats' global delivery pool (one thread), not a thread each, so
 * thousands of followed channels cost no threads. The connection reconnects forever and
 * buffers publishes while disconnected (8 MiB), as lb_bus does. */
#include "broker.h"

#include <lyrebird/error.h>
#include <lyrebird/message.h>

#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mqb_follow {
    mqb *st;
    natsSubscription *exact, *tree;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int done; /* subscriptions whose last callback has returned */
};

static void on_msg(natsConnection *nc, natsSubscription *sub, natsMsg *nm, void *closure)
{
    mqb_follow *f = closure;
    (void)nc;
    (void)sub;
    lb_message *m = lb_message_unpack(natsMsg_GetData(nm), (size_t)natsMsg_GetDataLength(nm));
    natsMsg_Destroy(nm);
    if (m)
        mqb_bridge_incoming(f->st, m);
}

static void on_complete(void *closure)
{
    mqb_follow *f = closure;
    pthread_mutex_lock(&f->lock);
    f->done++;
    pthread_cond_broadcast(&f->cond);
    pthread_mutex_unlock(&f->lock);
}

int mqb_nats_connect(mqb *st, const char *url, char *err, size_t errlen)
{
    natsOptions *opts = NULL;
    natsStatus s = natsOptions_Create(&opts);
    if (s == NATS_OK)
        s = natsOptions_SetURL(opts, url);
    if (s == NATS_OK)
        s = natsOptions_SetName(opts, "lyrebird-mosquitto-channels");
    if (s == NATS_OK)
        s = natsOptions_SetNoEcho(opts, true);
    if (s == NATS_OK)
        s = natsOptions_SetMaxReconnect(opts, -1);
    if (s == NATS_OK)
        s = natsOptions_SetReconnectWait(opts, 250);
    if (s == NATS_OK)
        s = natsOptions_SetReconnectBufSize(opts, 8 * 1024 * 1024);
    if (s == NATS_OK)
        s = natsOptions_UseGlobalMessageDelivery(opts, true);
    if (s == NATS_OK)
        s = natsOptions_SetMaxPendingMsgs(opts, 512 * 1024);
    if (s == NATS_OK)
        s = natsConnection_Connect(&st->nc, opts);
    natsOptions_Destroy(opts);
    if (s != NATS_OK) {
        snprintf(err, errlen, "cannot connect to NATS at %s: %s", url, natsStatus_GetText(s));
        st->nc = NULL;
        return LB_ENOTCONN;
    }
    return 0;
}

void mqb_nats_close(mqb *st)
{
    if (!st->nc)
        return;
    natsConnection_FlushTimeout(st->nc, 1000);
    natsConnection_Close(st->nc);
    natsConnection_Destroy(st->nc);
    st->nc = NULL;
}

int mqb_nats_publish(mqb *st, const char *subject, const void *data, size_t len)
{
    natsStatus s = natsConnection_Publish(st->nc, subject, data, (int)len);
    return s == NATS_OK ? 0 : s == NATS_NO_MEMORY ? LB_ENOMEM : LB_EIO;
}

void mqb_nats_flush(mqb *st)
{
    natsConnection_FlushTimeout(st->nc, 1000);
}

int mqb_nats_follow(mqb *st, const char *channel, mqb_follow **out)
{
    char subject[LB_SUBJECT_MAX], tree[LB_SUBJECT_MAX + 2], err[LB_ERRLEN];
    mqb_follow *f = calloc(1, sizeof *f);
    int rc = f ? lb_subject_build(channel, NULL, 0, subject, sizeof subject, err, sizeof err)
               : LB_ENOMEM;
    if (rc != 0) {
        free(f);
        return rc;
    }
    f->st = st;
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->cond, NULL);
    snprintf(tree, sizeof tree, "%s.>", subject);
    natsStatus s = natsConnection_Subscribe(&f->exact, st->nc, subject, on_msg, f);
    if (s == NATS_OK)
        s = natsSubscription_SetOnCompleteCB(f->exact, on_complete, f);
    if (s == NATS_OK)
        s = natsConnection_Subscribe(&f->tree, st->nc, tree, on_msg, f);
    if (s == NATS_OK)
        s = natsSubscription_SetOnCompleteCB(f->tree, on_complete, f);
    if (s == NATS_OK)
        s = natsSubscription_SetPendingLimits(f->exact, -1, -1);
    if (s == NATS_OK)
        s = natsSubscription_SetPendingLimits(f->tree, -1, -1);
    /* the server knows the subscriptions before a client's SUBACK goes out */
    if (s == NATS_OK)
        s = natsConnection_FlushTimeout(st->nc, 1000);
    if (s != NATS_OK) {
        mqb_nats_unfollow(f);
        return LB_EIO;
    }
    *out = f;
    return 0;
}

void mqb_nats_unfollow(mqb_follow *f)
{
    if (!f)
        return;
    int subs = 0;
    natsSubscription *all[2] = {f->exact, f->tree};
    for (int i = 0; i < 2; i++)
        if (all[i] && natsSubscription_Unsubscribe(all[i]) == NATS_OK)
            subs++;
    /* wait (2 s at most) until no callback of these subscriptions runs any more */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 2;
    pthread_mutex_lock(&f->lock);
    while (f->done < subs && pthread_cond_timedwait(&f->cond, &f->lock, &until) == 0)
        ;
    pthread_mutex_unlock(&f->lock);
    natsSubscription_Destroy(f->exact);
    natsSubscription_Destroy(f->tree);
    pthread_cond_destroy(&f->cond);
    pthread_mutex_destroy(&f->lock);
    free(f);
}
