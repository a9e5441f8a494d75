/* The InfluxDB writer plugin `influxdb` (lyrebird-influxdb.so):
 *   - without LB_INFLUX_URL it writes <data>/influxdb/influxdb.conf (meta, data and wal under
 *     <data>/influxdb, HTTP on 127.0.0.1:LB_INFLUX_PORT, the RPC service on
 *     127.0.0.1:LB_INFLUX_RPC_PORT (LB_INFLUX_PORT + 1), reporting, the _internal store and
 *     every other listener off, a cold cache written to TSM after 10 s: README.md) and runs
 *     influxd as a child the host supervises;
 *   - waits for /ping, creates LB_INFLUX_DB (lyrebird) and hands the server to the reader
 *     (reader*.c);
 *   - runs the writer (writer.h) on channels.> in queue group "influxdb", spilling to
 *     <data>/influxdb-writer/spill.dat; LB_INFLUX_GZIP picks whether batches are gzip'd. */
#define _GNU_SOURCE
#include "influx.h"
#include "writer.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <lyrebird/config.h>
#include <lyrebird/plugin.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define READY_MS 30000

typedef struct plugin {
    const lb_host *host;
    char url[512], db[128];
    char conf[PATH_MAX], spill[PATH_MAX];
    int port, rpc_port, spawn, gzip;
    long batch, flush_ms, queue, timeout_ms, cache_seconds;
    influx_writer *writer;
    influx_reader *reader;
} plugin;

/* Whether url names this machine (127.0.0.0/8, ::1, localhost). */
static int loopback(const char *url)
{
    CURLU *u = curl_url();
    char *host = NULL;
    struct in_addr a;
    int yes = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
              ((inet_pton(AF_INET, host, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127) ||
               strcmp(host, "[::1]") == 0 || strcasecmp(host, "localhost") == 0);
    curl_free(host);
    curl_url_cleanup(u);
    return yes;
}

/* LB_INFLUX_GZIP: on, off, or auto (on unless InfluxDB is on this machine, where compressing
 * costs both ends CPU and saves no network: 13 % of the writer's throughput, README). */
static int read_gzip(plugin *p, char *err, size_t errlen)
{
    const char *v = p->host->config(p->host, "LB_INFLUX_GZIP");
    if (!v || !*v || strcmp(v, "auto") == 0)
        p->gzip = !loopback(p->url);
    else if (strcmp(v, "on") == 0 || strcmp(v, "off") == 0)
        p->gzip = strcmp(v, "on") == 0;
    else {
        snprintf(err, errlen, "LB_INFLUX_GZIP must be auto, on or off, not \"%.40s\"", v);
        return LB_EINVAL;
    }
    return 0;
}

static int read_settings(plugin *p, char *err, size_t errlen)
{
    long rpc = 0;
    int rc = lb_config_port("LB_INFLUX_PORT", 8086, &p->port, err, errlen);
    if (rc == 0)
        rc = lb_config_int("LB_INFLUX_RPC_PORT", p->port < 65535 ? p->port + 1 : 8088, 1, 65535,
                           &rpc, err, errlen);
    if (rc == 0)
        rc = lb_config_int("LB_INFLUX_BATCH", 5000, 1, 1000000, &p->batch, err, errlen);
    if (rc == 0)
        rc = lb_config_int("LB_INFLUX_FLUSH_MS", 100, 1, 60000, &p->flush_ms, err, errlen);
    if (rc == 0)
        rc = lb_config_int("LB_INFLUX_QUEUE", 100000, 2, 100000000, &p->queue, err, errlen);
    if (rc == 0)
        rc = lb_config_int("LB_INFLUX_TIMEOUT_MS", 10000, 100, 600000, &p->timeout_ms, err, errlen);
    if (rc == 0)
        rc = lb_config_int("LB_INFLUX_READER_CACHE_SECONDS", 10, 0, 300, &p->cache_seconds, err,
                           errlen);
    if (rc != 0)
        return rc;
    p->rpc_port = (int)rpc;
    const char *db = p->host->config(p->host, "LB_INFLUX_DB");
    snprintf(p->db, sizeof p->db, "%s", db && *db ? db : "lyrebird");
    const char *url = p->host->config(p->host, "LB_INFLUX_URL");
    p->spawn = !url || !*url;
    if (p->spawn)
        snprintf(p->url, sizeof p->url, "http://127.0.0.1:%d", p->port);
    else
        snprintf(p->url, sizeof p->url, "%s", url);
    size_t n = strlen(p->url);
    while (n > 0 && p->url[n - 1] == '/')
        p->url[--n] = '\0';
    return read_gzip(p, err, errlen);
}

static int make_dir(const char *path, char *err, size_t errlen)
{
    if (mkdir(path, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %.200s: %s", path, strerror(errno));
        return LB_EIO;
    }
    return 0;
}

static int write_config(plugin *p, char *err, size_t errlen)
{
    char dir[PATH_MAX - 32], tmp[PATH_MAX + 8];
    snprintf(dir, sizeof dir, "%s/influxdb", p->host->data_dir);
    int rc = make_dir(dir, err, errlen);
    if (rc != 0)
        return rc;
    if (snprintf(p->conf, sizeof p->conf, "%s/influxdb.conf", dir) >= (int)sizeof p->conf ||
        snprintf(tmp, sizeof tmp, "%s.new", p->conf) >= (int)sizeof tmp) {
        snprintf(err, errlen, "the data folder's path is too long");
        return LB_EINVAL;
    }
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %.200s: %s", tmp, strerror(errno));
        return LB_EIO;
    }
    fprintf(f,
            "# Written by the lyrebird influxdb plugin at every start: edits are lost.\n"
            "reporting-disabled = true\n"
            "bind-address = \"127.0.0.1:%d\"\n"
            "[meta]\n  dir = \"%s/meta\"\n  logging-enabled = false\n"
            "[data]\n  dir = \"%s/data\"\n  wal-dir = \"%s/wal\"\n"
            "  query-log-enabled = false\n  cache-snapshot-write-cold-duration = \"10s\"\n"
            "[monitor]\n  store-enabled = false\n"
            "[http]\n  enabled = true\n  bind-address = \"127.0.0.1:%d\"\n"
            "  log-enabled = false\n  max-body-size = 0\n"
            "[[graphite]]\n  enabled = false\n"
            "[[collectd]]\n  enabled = false\n"
            "[[opentsdb]]\n  enabled = false\n"
            "[[udp]]\n  enabled = false\n"
            "[continuous_queries]\n  log-enabled = false\n",
            p->rpc_port, dir, dir, dir, p->port);
    if (fclose(f) != 0 || rename(tmp, p->conf) != 0) {
        snprintf(err, errlen, "cannot write %.200s: %s", p->conf, strerror(errno));
        return LB_EIO;
    }
    return 0;
}

static int start_influxd(plugin *p, char *err, size_t errlen)
{
    const lb_host *h = p->host;
    if (!LB_HOST_HAS(h, child_start)) {
        snprintf(err, errlen,
                 "the host cannot run child servers (it is older than the "
                 "plugin): set LB_INFLUX_URL to an InfluxDB you run");
        return LB_EABI;
    }
    int rc = write_config(p, err, errlen);
    if (rc != 0)
        return rc;
    const char *argv[] = {"influxd", "-config", p->conf, NULL};
    return h->child_start(h, "influxd", argv, p->port, READY_MS, err, errlen);
}

static void influx_destroy(void *state)
{
    plugin *p = state;
    if (!p)
        return;
    influx_writer_free(p->writer);
    if (p->reader)
        influx_reader_free(p->reader);
    free(p);
}

static int influx_init(const lb_host *host, void **state)
{
    char err[LB_ERRLEN] = "", dir[PATH_MAX - 32];
    plugin *p = calloc(1, sizeof *p);
    if (!p)
        return LB_ENOMEM;
    p->host = host;
    int rc = read_settings(p, err, sizeof err);
    if (rc == 0 && p->spawn)
        rc = start_influxd(p, err, sizeof err);
    if (rc == 0) {
        snprintf(dir, sizeof dir, "%s/influxdb-writer", host->data_dir);
        rc = make_dir(dir, err, sizeof err);
        if (rc == 0 &&
            snprintf(p->spill, sizeof p->spill, "%s/spill.dat", dir) >= (int)sizeof p->spill) {
            snprintf(err, sizeof err, "the data folder's path is too long");
            rc = LB_EINVAL;
        }
    }
    if (rc != 0) {
        host->log(host, LB_LOG_ERROR, "cannot set up", "error=\"%s\" log=%s/logs/influxd.log", err,
                  host->data_dir);
        influx_destroy(p);
        return rc;
    }
    /* an external server may be down now: the writer spills and creates the database later */
    if (influx_ping_wait(p->url, p->spawn ? READY_MS : 5000) != 0)
        host->log(host, LB_LOG_WARN, "InfluxDB does not answer /ping yet", "url=%s", p->url);
    else if (influx_create_db(p->url, p->db, err, sizeof err) != 0)
        host->log(host, LB_LOG_WARN, "cannot create the database", "db=%s error=\"%s\"", p->db,
                  err);
    influx_writer_cfg cfg = {.url = p->url,
                             .db = p->db,
                             .spill_path = p->spill,
                             .batch_points = (size_t)p->batch,
                             .flush_ms = p->flush_ms,
                             .queue_points = (size_t)p->queue,
                             .timeout_ms = p->timeout_ms,
                             .gzip = p->gzip};
    p->writer = influx_writer_new(host, &cfg, err, sizeof err);
    if (!p->writer) {
        host->log(host, LB_LOG_ERROR, "cannot set up the writer", "error=\"%s\"", err);
        influx_destroy(p);
        return LB_EIO;
    }
    influx_target t = {.url = p->url, .db = p->db, .cache_seconds = (double)p->cache_seconds};
    p->reader = influx_reader_new(host, &t);
    if (!p->reader) {
        influx_destroy(p);
        return LB_ENOMEM;
    }
    *state = p;
    return 0;
}

static int influx_start(void *state)
{
    plugin *p = state;
    int rc = influx_writer_start(p->writer);
    if (rc == 0)
        p->host->log(p->host, LB_LOG_INFO, "writing",
                     "url=%s db=%s batch=%ld flush_ms=%ld gzip=%s%s", p->url, p->db, p->batch,
                     p->flush_ms, p->gzip ? "on" : "off", p->spawn ? " influxd=child" : "");
    return rc;
}

static int influx_stop(void *state)
{
    plugin *p = state;
    /* influxd is a child of the host: the host stops it after every plugin stopped */
    influx_writer_stop(p->writer);
    return 0;
}

static const lb_plugin descriptor = {
    .abi = LB_PLUGIN_ABI,
    .name = "influxdb",
    .version = "1.0.0",
    .init = influx_init,
    .start = influx_start,
    .stop = influx_stop,
    .destroy = influx_destroy,
};

LB_PLUGIN_EXPORT const lb_plugin *lb_plugin_entry(void)
{
    return &descriptor;
}
