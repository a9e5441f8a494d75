/* The CoAP adapter plugin `coap`: devices publish with POST and subscribe with GET + Observe
 * on coap://host/channels/<id>/messages[/<subtopic>]?auth=<thing key> over UDP.
 *
 * Settings:
 *   LB_COAP_PORT             UDP port (5683)
 *   LB_LOOPBACK_ONLY         listen on 127.0.0.1 only (false: every IPv4 address)
 *   LB_COAP_MAX_OBSERVERS    observers at once (100000)
 *   LB_COAP_CON_EVERY        every n-th notification is confirmable (5, as libcoap)
 *   LB_COAP_ACK_TIMEOUT_MS   first wait for the ACK of a confirmable notification (2000)
 *   LB_COAP_MAX_RETRANSMIT   resends before an unacknowledged observer is dropped (4)
 *
 * Metrics: lb_coap_posts_total, lb_coap_notifications_total, lb_coap_observes_total,
 * lb_coap_refusals_total{code}, lb_coap_observers_removed_total{reason}, lb_coap_observers,
 * lb_coap_dropped_total (notifications that could not be queued or sent).
 *
 * init reads settings and registers metrics; start makes the authorization client and the
 * deliverer and starts the I/O thread (loop.c); stop ends the thread (every observer gets a
 * final 5.03) and frees both. DTLS is not offered: see adapters/coap/README.md. */
#include "coap_adapter.h"

#include <lyrebird/config.h>
#include <lyrebird/error.h>

#include <stdio.h>
#include <stdlib.h>

/* Reads the settings; 0, or LB_EINVAL with the reason logged. */
static int configure(coap_adapter *a)
{
    char err[LB_ERRLEN];
    long max_obs, con_every, ack_ms, retransmit;
    if (lb_config_port("LB_COAP_PORT", 5683, &a->port, err, sizeof err) != 0 ||
        lb_config_bool("LB_LOOPBACK_ONLY", 0, &a->loopback_only, err, sizeof err) != 0 ||
        lb_config_int("LB_COAP_MAX_OBSERVERS", 100000, 1, 10000000, &max_obs, err, sizeof err) ||
        lb_config_int("LB_COAP_CON_EVERY", 5, 1, 1000, &con_every, err, sizeof err) != 0 ||
        lb_config_int("LB_COAP_ACK_TIMEOUT_MS", 2000, 1000, 60000, &ack_ms, err, sizeof err) ||
        lb_config_int("LB_COAP_MAX_RETRANSMIT", 4, 1, 20, &retransmit, err, sizeof err) != 0) {
        a->host->log(a->host, LB_LOG_ERROR, "bad setting", "error=\"%s\"", err);
        return LB_EINVAL;
    }
    a->max_observers = (size_t)max_obs;
    a->con_every = (int)con_every;
    a->ack_timeout_ms = (int)ack_ms;
    a->max_retransmit = (int)retransmit;
    return 0;
}

/* Registers every metric; 0 or LB_ENOMEM. */
static int metrics_register(coap_adapter *a)
{
    const lb_host *h = a->host;
    char name[128];
    a->posts = h->counter(h, "lb_coap_posts_total", "CoAP POSTs published");
    a->notifications = h->counter(h, "lb_coap_notifications_total", "CoAP notifications sent");
    a->observes = h->counter(h, "lb_coap_observes_total", "CoAP observations registered");
    a->dropped = h->counter(h, "lb_coap_dropped_total",
                            "CoAP notifications dropped (inbox full or send failed)");
    a->observers_gauge = h->gauge(h, "lb_coap_observers", "CoAP observers now");
    int ok = a->posts && a->notifications && a->observes && a->dropped && a->observers_gauge;
    for (int i = 0; ok && i < REFUSE_COUNT; i++) {
        snprintf(name, sizeof name, "lb_coap_refusals_total{code=\"%s\"}", coap_refusal_label(i));
        ok = (a->refusals[i] = h->counter(h, name, "CoAP requests refused, by response code")) != 0;
    }
    for (int i = 0; ok && i < GONE_COUNT; i++) {
        snprintf(name, sizeof name, "lb_coap_observers_removed_total{reason=\"%s\"}",
                 coap_gone_label(i));
        ok = (a->removed[i] = h->counter(h, name, "CoAP observers removed, by reason")) != 0;
    }
    return ok ? 0 : LB_ENOMEM;
}

static int coap_init(const lb_host *host, void **state)
{
    coap_adapter *a = calloc(1, sizeof *a);
    if (!a)
        return LB_ENOMEM;
    a->host = host;
    int rc = configure(a);
    if (rc == 0)
        rc = metrics_register(a);
    if (rc != 0) {
        free(a);
        return rc;
    }
    pthread_mutex_init(&a->in.lock, NULL);
    pthread_mutex_init(&a->start_lock, NULL);
    pthread_cond_init(&a->start_cond, NULL);
    coap_startup();
    *state = a;
    return 0;
}

static int coap_start(void *state)
{
    coap_adapter *a = state;
    int rc = LB_ENOMEM;
    a->authz = lb_authz_new(a->host->bus, 0, 0);
    a->deliver = lb_deliver_new(a->host->bus, COAP_PLUGIN);
    if (a->authz && a->deliver)
        rc = coap_loop_start(a);
    if (rc != 0)
        return rc; /* the host calls stop, which frees what was made */
    a->host->log(a->host, LB_LOG_INFO, "listening", "port=%d udp=1 address=%s", a->port,
                 a->loopback_only ? "127.0.0.1" : "0.0.0.0");
    return 0;
}

static int coap_stop(void *state)
{
    coap_adapter *a = state;
    coap_loop_stop(a);
    lb_deliver_free(a->deliver);
    a->deliver = NULL;
    lb_authz_free(a->authz);
    a->authz = NULL;
    a->host->log(a->host, LB_LOG_INFO, "stopped", NULL);
    return 0;
}

static void coap_destroy(void *state)
{
    coap_adapter *a = state;
    if (!a)
        return;
    pthread_mutex_destroy(&a->in.lock);
    pthread_mutex_destroy(&a->start_lock);
    pthread_cond_destroy(&a->start_cond);
    coap_cleanup();
    free(a);
}

static const lb_plugin descriptor = {
    .abi = LB_PLUGIN_ABI,
    .name = COAP_PLUGIN,
    .version = "0.1.0",
    .init = coap_init,
    .start = coap_start,
    .stop = coap_stop,
    .destroy = coap_destroy,
};

LB_PLUGIN_EXPORT const lb_plugin *lb_plugin_entry(void)
{
    return &descriptor;
}
