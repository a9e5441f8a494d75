/* mosquitto-lyrebird.so: the mosquitto 2.0 plugin (API v5) that makes a mosquitto broker
 * Lyrebird's MQTT adapter. Clients log in as things (username = thing id, password = thing
 * key), may use only channels/<id>/messages[/<subtopic>] of channels their thing is connected
 * to, and every message crosses the NATS bus both ways. See README.md in this folder for the
 * configuration lines and broker.h for the files and threads.
 *
 * This file: the three entry points mosquitto looks up, the plugin options, the tick callback
 * (drain the queue, publish statistics) and the counters.
 *
 * Options (plugin_opt_<name> in mosquitto.conf):
 *   nats_url      the bus, "nats://127.0.0.1:4222" by default (several: comma-separated)
 *   instance      this broker's name in mqtt.stats (default: host name and pid)
 *   bridge_qos    QoS of bus messages published into mosquitto, 0 or 1 (default 1)
 *   queue_limit   bus messages waiting for the broker thread before new ones are dropped
 *                 (default 100000)
 *   wake_signal   real-time signal that wakes the broker loop when bus messages wait: a
 *                 number, "0" for none (then they wait for the next 100 ms tick), default
 *                 SIGRTMIN+7
 *   stats_ms      how often counters are published on mqtt.stats (default 1000; 0: never) */
#define _GNU_SOURCE
#include "broker.h"

#include <lyrebird/error.h>
#include <lyrebird/log.h>

#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define VISIBLE __attribute__((visibility("default")))

const char *const mqb_stat_names[MQB_STAT_COUNT] = {
    [MQB_AUTH_OK] = "auth_ok",
    [MQB_AUTH_REFUSED] = "auth_refused",
    [MQB_SUB_REFUSED] = "subscribe_refused",
    [MQB_PUB_REFUSED] = "publish_refused",
    [MQB_PUB_BAD_PAYLOAD] = "publish_bad_payload",
    [MQB_TO_BUS] = "to_bus",
    [MQB_TO_BUS_FAILED] = "to_bus_failed",
    [MQB_FROM_BUS] = "from_bus",
    [MQB_QUEUE_DROPPED] = "queue_dropped",
    [MQB_KICKED] = "kicked",
    [MQB_WAKES] = "wakes",
};

#define WARNINGS_PER_SECOND 10

void mqb_count(mqb *st, enum mqb_stat s, unsigned long long n)
{
    atomic_fetch_add_explicit(&st->stats[s], n, memory_order_relaxed);
}

long long mqb_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void mqb_warn(mqb *st, const char *fmt, ...)
{
    long long now = mqb_now_ms();
    if (now - st->log_window_ms >= 1000) {
        st->log_window_ms = now;
        st->log_in_window = 0;
    }
    if (st->log_in_window++ >= WARNINGS_PER_SECOND)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    mosquitto_log_printf(MOSQ_LOG_WARNING, "lyrebird: %s", line);
}

/* ---- statistics ---- */

static void publish_stats(mqb *st)
{
    json_t *counters = json_object();
    for (int i = 0; i < MQB_STAT_COUNT; i++)
        json_object_set_new(counters, mqb_stat_names[i],
                            json_integer((json_int_t)atomic_load(&st->stats[i])));
    json_t *o = json_pack("{s:s, s:I, s:I, s:o}", "instance", st->instance, "connections",
                          (json_int_t)mqb_session_count(st), "queued",
                          (json_int_t)atomic_load(&st->qlen), "counters", counters);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    if (text)
        lb_bus_publish(st->bus, MQB_STATS_SUBJECT, text, strlen(text));
    free(text);
    json_decref(o);
}

/* MOSQ_EVT_TICK: after every pass of the broker loop (at least every 100 ms). */
static int on_tick(int event, void *event_data, void *userdata)
{
    mqb *st = userdata;
    (void)event;
    (void)event_data; /* mosquitto 2.0.11 leaves its fields zero */
    mqb_wake_ticked(st);
    if (atomic_load_explicit(&st->qlen, memory_order_acquire) > 0)
        mqb_bridge_drain(st);
    if (st->stats_ms > 0) {
        long long now = mqb_now_ms();
        if (now >= st->next_stats_ms) {
            st->next_stats_ms = now + st->stats_ms;
            publish_stats(st);
        }
    }
    return MOSQ_ERR_SUCCESS;
}

/* ---- options ---- */

static const char *option(struct mosquitto_opt *opts, int n, const char *key, const char *def)
{
    for (int i = 0; i < n; i++)
        if (opts[i].key && strcmp(opts[i].key, key) == 0 && opts[i].value && *opts[i].value)
            return opts[i].value;
    return def;
}

static int number(struct mosquitto_opt *opts, int n, const char *key, long def, long min, long max,
                  long *out)
{
    const char *v = option(opts, n, key, NULL);
    char *end;
    if (!v) {
        *out = def;
        return 0;
    }
    long x = strtol(v, &end, 10);
    if (*end || x < min || x > max) {
        mosquitto_log_printf(MOSQ_LOG_ERR,
                             "lyrebird: plugin_opt_%s: '%s' is not a number in %ld..%ld", key, v,
                             min, max);
        return -1;
    }
    *out = x;
    return 0;
}

static int read_options(mqb *st, struct mosquitto_opt *opts, int n)
{
    long qos, sig;
    char host[64] = "mosquitto";
    gethostname(host, sizeof host - 1);
    snprintf(st->instance, sizeof st->instance, "%s", option(opts, n, "instance", ""));
    if (!*st->instance)
        snprintf(st->instance, sizeof st->instance, "%s:%d", host, (int)getpid());
    if (number(opts, n, "bridge_qos", 1, 0, 1, &qos) ||
        number(opts, n, "queue_limit", 100000, 1, 100000000, &st->queue_limit) ||
        number(opts, n, "wake_signal", SIGRTMIN + 7, 0, SIGRTMAX, &sig) ||
        number(opts, n, "stats_ms", 1000, 0, 3600000, &st->stats_ms))
        return -1;
    if (sig != 0 && sig < SIGRTMIN) {
        mosquitto_log_printf(MOSQ_LOG_ERR,
                             "lyrebird: plugin_opt_wake_signal: %ld is not a "
                             "real-time signal (%d..%d)",
                             sig, SIGRTMIN, SIGRTMAX);
        return -1;
    }
    st->bridge_qos = (int)qos;
    st->wake.signo = (int)sig;
    return 0;
}

/* ---- entry points ---- */

static void teardown(mqb *st)
{
    if (!st)
        return;
    mosquitto_callback_unregister(st->pid, MOSQ_EVT_TICK, on_tick, NULL);
    mqb_auth_unregister(st);
    mqb_session_unregister(st);
    mqb_bridge_stop(st);  /* no MOSQ_EVT_MESSAGE, no things.events from here on */
    mqb_outbox_stop(st);  /* what clients sent is on the bus */
    mqb_session_free(st); /* unfollows every channel: nothing more comes in */
    mqb_wake_stop(st);    /* nothing signals the broker thread any more */
    mqb_bridge_clear(st); /* what was still queued */
    mqb_nats_close(st);
    lb_authz_free(st->authz);
    if (st->bus)
        lb_bus_flush(st->bus, 1000);
    lb_bus_close(st->bus);
    pthread_mutex_destroy(&st->qlock);
    free(st);
}

VISIBLE int mosquitto_plugin_version(int supported_version_count, const int *supported_versions)
{
    for (int i = 0; i < supported_version_count; i++)
        if (supported_versions[i] == 5)
            return 5;
    return -1;
}

VISIBLE int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **userdata,
                                  struct mosquitto_opt *options, int option_count)
{
    char err[LB_ERRLEN];
    mqb *st = calloc(1, sizeof *st);
    if (!st)
        return MOSQ_ERR_NOMEM;
    st->pid = identifier;
    pthread_mutex_init(&st->qlock, NULL);
    if (read_options(st, options, option_count) != 0 || mqb_session_init(st) != 0)
        goto fail;
    const char *url = option(options, option_count, "nats_url", "nats://127.0.0.1:4222");
    st->bus = lb_bus_connect(url, "lyrebird-mosquitto", 5000, err, sizeof err);
    if (!st->bus) {
        mosquitto_log_printf(MOSQ_LOG_ERR, "lyrebird: cannot reach the bus at %s: %s", url, err);
        goto fail;
    }
    if (mqb_nats_connect(st, url, err, sizeof err) != 0) {
        mosquitto_log_printf(MOSQ_LOG_ERR, "lyrebird: %s", err);
        goto fail;
    }
    st->authz = lb_authz_new(st->bus, 0, 0);
    if (!st->authz || mqb_outbox_start(st) != 0 || mqb_bridge_start(st) != 0 ||
        mqb_wake_start(st) != 0 || mqb_auth_register(st) != 0 || mqb_session_register(st) != 0 ||
        mosquitto_callback_register(identifier, MOSQ_EVT_TICK, on_tick, NULL, st) != 0) {
        mosquitto_log_printf(MOSQ_LOG_ERR, "lyrebird: cannot set up the plugin");
        goto fail;
    }
    mosquitto_log_printf(MOSQ_LOG_INFO,
                         "lyrebird: plugin ready, bus %s, instance %s, wake signal %d", url,
                         st->instance, st->wake.signo);
    *userdata = st;
    return MOSQ_ERR_SUCCESS;
fail:
    teardown(st);
    return MOSQ_ERR_UNKNOWN;
}

VISIBLE int mosquitto_plugin_cleanup(void *userdata, struct mosquitto_opt *options,
                                     int option_count)
{
    (void)options;
    (void)option_count;
    teardown(userdata);
    return MOSQ_ERR_SUCCESS;
}
