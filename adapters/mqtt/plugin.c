/* The MQTT adapter plugin `mqtt` (lyrebird-mqtt.so). MQTT itself is served by mosquitto with
 * the mosquitto-lyrebird.so plugin (broker*.c) loaded into it; this host plugin
 *   - writes <data>/mosquitto/mosquitto.conf: a listener on LB_MQTT_PORT (1883), an
 *     MQTT-over-WebSocket listener on LB_MQTT_WS_PORT (9001; 0: none), both on 127.0.0.1 with
 *     LB_LOOPBACK_ONLY, no anonymous clients, the broker plugin (found next to this file) with
 *     the bus URL, no persistence, log to stderr without per-message lines;
 *   - runs mosquitto as a child the host supervises (host->child_start), ready when the MQTT
 *     port accepts; with LB_MQTT_EXTERNAL=1 it starts nothing (an operator runs mosquitto with
 *     the lines of README.md);
 *   - mirrors the broker plugin's counters, which it publishes on mqtt.stats, into /metrics.
 * See README.md in this folder for topics, refusals and limits. */
#define _GNU_SOURCE
#include <lyrebird/config.h>
#include <lyrebird/plugin.h>

#include <dlfcn.h>
#include <errno.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef LB_MQTT_BROKER_PLUGIN
#define LB_MQTT_BROKER_PLUGIN "mosquitto-lyrebird.so"
#endif
#define MQTT_NAME      "mqtt"
#define STATS_SUBJECT  "mqtt.stats"
#define READY_MS       15000
#define MAX_INSTANCES  16
#define INSTANCE_TTL_S 10

/* The broker plugin's counters (names in mqtt.stats) and their metrics. */
static const struct {
    const char *stat, *metric, *help;
} counters[] = {
    {"auth_ok", "lb_mqtt_connects_total{result=\"ok\"}", "MQTT CONNECTs, by result"},
    {"auth_refused", "lb_mqtt_connects_total{result=\"refused\"}", "MQTT CONNECTs, by result"},
    {"subscribe_refused", "lb_mqtt_refused_total{what=\"subscribe\"}",
     "MQTT subscriptions and publishes refused"},
    {"publish_refused", "lb_mqtt_refused_total{what=\"publish\"}",
     "MQTT subscriptions and publishes refused"},
    {"publish_bad_payload", "lb_mqtt_refused_total{what=\"payload\"}",
     "MQTT subscriptions and publishes refused"},
    {"to_bus", "lb_mqtt_messages_total{direction=\"in\"}",
     "Messages from MQTT clients to the bus (in) and from the bus into MQTT (out)"},
    {"from_bus", "lb_mqtt_messages_total{direction=\"out\"}",
     "Messages from MQTT clients to the bus (in) and from the bus into MQTT (out)"},
    {"to_bus_failed", "lb_mqtt_bus_errors_total", "MQTT messages the bus refused"},
    {"queue_dropped", "lb_mqtt_dropped_total", "Bus messages dropped before reaching mosquitto"},
    {"kicked", "lb_mqtt_kicked_total", "MQTT clients disconnected on revocation"},
    {"wakes", "lb_mqtt_wakes_total", "Times the broker loop was woken for bus messages"},
};
#define NCOUNTERS (sizeof counters / sizeof counters[0])

typedef struct instance {
    char name[96];
    long long last[NCOUNTERS];
    long long connections, queued;
    time_t seen;
} instance;

typedef struct mqtt {
    const lb_host *host;
    int port, external, loopback;
    long ws_port;
    char nats_url[512];
    char conf[PATH_MAX], broker_plugin[PATH_MAX];
    lb_bus_sub *stats;
    lb_counter *c[NCOUNTERS];
    lb_gauge *connections, *queued;
    pthread_mutex_t lock; /* instances */
    instance inst[MAX_INSTANCES];
    int ninst;
} mqtt;

/* ---- settings ---- */

static int read_settings(mqtt *m, char *err, size_t errlen)
{
    int nats_port;
    int rc = lb_config_port("LB_MQTT_PORT", 1883, &m->port, err, errlen);
    if (rc == 0)
        rc = lb_config_int("LB_MQTT_WS_PORT", 9001, 0, 65535, &m->ws_port, err, errlen);
    if (rc == 0)
        rc = lb_config_bool("LB_MQTT_EXTERNAL", 0, &m->external, err, errlen);
    if (rc == 0)
        rc = lb_config_bool("LB_LOOPBACK_ONLY", 0, &m->loopback, err, errlen);
    if (rc == 0)
        rc = lb_config_port("LB_NATS_PORT", 4222, &nats_port, err, errlen);
    if (rc != 0)
        return rc;
    const char *url = m->host->config(m->host, "LB_NATS_URL");
    if (url)
        snprintf(m->nats_url, sizeof m->nats_url, "%s", url);
    else
        snprintf(m->nats_url, sizeof m->nats_url, "nats://127.0.0.1:%d", nats_port);
    return 0;
}

/* The broker plugin's path: next to this plugin's own file (the host's plugin folder). */
static int find_broker_plugin(mqtt *m, char *err, size_t errlen)
{
    Dl_info info;
    char self[PATH_MAX];
    if (!dladdr((void *)find_broker_plugin, &info) || !info.dli_fname ||
        !realpath(info.dli_fname, self)) {
        snprintf(err, errlen, "cannot tell where lyrebird-mqtt.so is");
        return LB_EIO;
    }
    if (snprintf(m->broker_plugin, sizeof m->broker_plugin, "%s/%s", dirname(self),
                 LB_MQTT_BROKER_PLUGIN) >= (int)sizeof m->broker_plugin) {
        snprintf(err, errlen, "the plugin folder's path is too long");
        return LB_ETOOBIG;
    }
    if (access(m->broker_plugin, R_OK) != 0) {
        snprintf(err, errlen, "%.200s: %s", m->broker_plugin, strerror(errno));
        return LB_ENOTFOUND;
    }
    return 0;
}

/* ---- mosquitto.conf ---- */

static int write_config(mqtt *m, char *err, size_t errlen)
{
    char dir[PATH_MAX], tmp[PATH_MAX + 8];
    const char *bind = m->loopback ? " 127.0.0.1" : "";
    struct passwd *pw = getpwuid(geteuid());
    snprintf(dir, sizeof dir, "%s/mosquitto", m->host->data_dir);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %.200s: %s", dir, strerror(errno));
        return LB_EIO;
    }
    if (snprintf(m->conf, sizeof m->conf, "%s/mosquitto.conf", dir) >= (int)sizeof m->conf ||
        snprintf(tmp, sizeof tmp, "%s.new", m->conf) >= (int)sizeof tmp) {
        snprintf(err, errlen, "the data folder's path is too long");
        return LB_ETOOBIG;
    }
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %.200s: %s", tmp, strerror(errno));
        return LB_EIO;
    }
    fprintf(f, "# Written by lyrebird-mqtt at every start: edit the LB_MQTT_* settings instead.\n");
    /* as root, mosquitto would switch to the `mosquitto` user, who cannot read our files */
    fprintf(f, "user %s\n", pw ? pw->pw_name : "root");
    fprintf(f, "per_listener_settings false\nallow_anonymous false\n");
    fprintf(f, "listener %d%s\n", m->port, bind);
    if (m->ws_port > 0)
        fprintf(f, "listener %ld%s\nprotocol websockets\n", m->ws_port, bind);
    fprintf(f, "plugin %s\n", m->broker_plugin);
    fprintf(f, "plugin_opt_nats_url %s\n", m->nats_url);
    fprintf(f, "plugin_opt_instance lyrebird-%d\n", (int)getpid());
    fprintf(f, "persistence false\nset_tcp_nodelay true\n");
    /* log_type all (or debug) writes a line per message and halves the throughput */
    fprintf(f, "log_dest stderr\nlog_type error\nlog_type warning\nlog_type notice\n"
               "log_type information\nlog_timestamp_format %%Y-%%m-%%dT%%H:%%M:%%S\n");
    int bad = ferror(f);
    if (fclose(f) != 0 || bad || rename(tmp, m->conf) != 0) {
        snprintf(err, errlen, "cannot write %.200s: %s", m->conf, strerror(errno));
        unlink(tmp);
        return LB_EIO;
    }
    return 0;
}

/* mosquitto holds a descriptor per client and inherits the host's limit: raise the soft limit
 * to the hard one. */
static void raise_fd_limit(mqtt *m)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= rl.rlim_max)
        return;
    rlim_t was = rl.rlim_cur;
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
        m->host->log(m->host, LB_LOG_INFO, "raised the open file limit", "from=%llu to=%llu",
                     (unsigned long long)was, (unsigned long long)rl.rlim_max);
}

/* ---- mqtt.stats -> /metrics ---- */

static instance *instance_of(mqtt *m, const char *name)
{
    time_t now = time(NULL);
    for (int i = 0; i < m->ninst; i++)
        if (strcmp(m->inst[i].name, name) == 0)
            return &m->inst[i];
    int slot = m->ninst < MAX_INSTANCES ? m->ninst++ : -1;
    for (int i = 0; slot < 0 && i < m->ninst; i++) /* reuse one not heard from */
        if (now - m->inst[i].seen > INSTANCE_TTL_S)
            slot = i;
    if (slot < 0)
        return NULL;
    memset(&m->inst[slot], 0, sizeof m->inst[slot]);
    snprintf(m->inst[slot].name, sizeof m->inst[slot].name, "%s", name);
    return &m->inst[slot];
}

static void on_stats(const lb_bus_msg *msg, void *arg)
{
    mqtt *m = arg;
    json_t *root = json_loadb(msg->data, msg->len, 0, NULL);
    const char *name = json_string_value(json_object_get(root, "instance"));
    json_t *values = json_object_get(root, "counters");
    if (!name || !json_is_object(values))
        goto out;
    pthread_mutex_lock(&m->lock);
    instance *in = instance_of(m, name);
    if (in) {
        in->seen = time(NULL);
        for (size_t i = 0; i < NCOUNTERS; i++) {
            long long v = json_integer_value(json_object_get(values, counters[i].stat));
            /* a restarted broker counts from zero again */
            long long delta = v >= in->last[i] ? v - in->last[i] : v;
            if (delta > 0)
                m->host->counter_add(m->c[i], (uint64_t)delta);
            in->last[i] = v;
        }
        in->connections = json_integer_value(json_object_get(root, "connections"));
        in->queued = json_integer_value(json_object_get(root, "queued"));
        long long conns = 0, queued = 0;
        for (int i = 0; i < m->ninst; i++)
            if (in->seen - m->inst[i].seen <= INSTANCE_TTL_S) {
                conns += m->inst[i].connections;
                queued += m->inst[i].queued;
            }
        m->host->gauge_set(m->connections, (double)conns);
        m->host->gauge_set(m->queued, (double)queued);
    }
    pthread_mutex_unlock(&m->lock);
out:
    json_decref(root);
}

/* ---- plugin hooks ---- */

static void mqtt_destroy(void *state)
{
    mqtt *m = state;
    if (!m)
        return;
    pthread_mutex_destroy(&m->lock);
    free(m);
}

static int mqtt_init(const lb_host *host, void **state)
{
    char err[LB_ERRLEN];
    mqtt *m = calloc(1, sizeof *m);
    if (!m)
        return LB_ENOMEM;
    m->host = host;
    pthread_mutex_init(&m->lock, NULL);
    int rc = read_settings(m, err, sizeof err);
    if (rc == 0 && !m->external)
        rc = find_broker_plugin(m, err, sizeof err);
    if (rc == 0 && !m->external && !LB_HOST_HAS(host, child_start)) {
        snprintf(err, sizeof err,
                 "the host cannot run child servers (it is older than the "
                 "plugin): set LB_MQTT_EXTERNAL=1 and run mosquitto yourself");
        rc = LB_EABI;
    }
    if (rc != 0) {
        host->log(host, LB_LOG_ERROR, "cannot set up", "error=\"%s\"", err);
        mqtt_destroy(m);
        return rc;
    }
    for (size_t i = 0; i < NCOUNTERS; i++)
        m->c[i] = host->counter(host, counters[i].metric, counters[i].help);
    m->connections = host->gauge(host, "lb_mqtt_connections", "Authenticated MQTT connections");
    m->queued = host->gauge(host, "lb_mqtt_queued", "Bus messages waiting for mosquitto");
    *state = m;
    return 0;
}

static int mqtt_start(void *state)
{
    mqtt *m = state;
    const lb_host *h = m->host;
    char err[LB_ERRLEN];
    int rc = h->subscribe(h, STATS_SUBJECT, NULL, on_stats, m, &m->stats);
    if (rc != 0) {
        h->log(h, LB_LOG_ERROR, "cannot subscribe", "subject=%s", STATS_SUBJECT);
        return rc;
    }
    if (m->external) {
        h->log(h, LB_LOG_INFO, "using an external mosquitto (LB_MQTT_EXTERNAL)", NULL);
        return 0;
    }
    rc = write_config(m, err, sizeof err);
    if (rc == 0) {
        raise_fd_limit(m);
        const char *argv[] = {"mosquitto", "-c", m->conf, NULL};
        rc = h->child_start(h, "mosquitto", argv, m->port, READY_MS, err, sizeof err);
    }
    if (rc != 0) {
        h->log(h, LB_LOG_ERROR, "cannot start mosquitto", "error=\"%s\" log=%s/logs/mosquitto.log",
               err, h->data_dir);
        h->unsubscribe(h, m->stats);
        m->stats = NULL;
        return rc;
    }
    h->log(h, LB_LOG_INFO, "listening", "port=%d ws_port=%ld address=%s config=%s", m->port,
           m->ws_port, m->loopback ? "127.0.0.1" : "*", m->conf);
    return 0;
}

static int mqtt_stop(void *state)
{
    mqtt *m = state;
    /* mosquitto is a child of the host: the host stops it after every plugin stopped */
    m->host->unsubscribe(m->host, m->stats);
    m->stats = NULL;
    return 0;
}

static const lb_plugin descriptor = {
    .abi = LB_PLUGIN_ABI,
    .name = MQTT_NAME,
    .version = "1.0.0",
    .init = mqtt_init,
    .start = mqtt_start,
    .stop = mqtt_stop,
    .destroy = mqtt_destroy,
};

LB_PLUGIN_EXPORT const lb_plugin *lb_plugin_entry(void)
{
    return &descriptor;
}
