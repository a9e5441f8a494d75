/* The host: reads LB_* settings, starts and supervises nats-server (`up`, unless LB_NATS_URL
 * is set), connects the bus, serves the HTTP front (with /health and /metrics), loads
 * plugins with dlopen and runs their lifecycle, then waits for SIGINT/SIGTERM in the main
 * thread and stops everything in reverse order. See host.h. */
#define _GNU_SOURCE
#include "host.h"
#include "supervisor.h"

#include "lyrebird/config.h"
#include "lyrebird/metrics.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HOST "host"

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* mkdir -p */
static int make_dirs(const char *path)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(buf, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

static int load_config(lb_hostd *hd, lb_mode mode)
{
    char err[LB_ERRLEN];
    lb_log_level level;
    const char *lv = lb_config_get("LB_LOG_LEVEL");
    if (lv && lb_log_parse_level(lv, &level) != 0) {
        fprintf(stderr, "lyrebird: LB_LOG_LEVEL: '%s' is not debug, info, warn or error\n", lv);
        return -1;
    }
    if (lv)
        lb_log_set_level(level);
    int nats_port;
    if (lb_config_port("LB_HTTP_PORT", 8080, &hd->http_port, err, sizeof err) != 0 ||
        lb_config_port("LB_NATS_PORT", 4222, &nats_port, err, sizeof err) != 0 ||
        lb_config_bool("LB_LOOPBACK_ONLY", 0, &hd->loopback_only, err, sizeof err) != 0) {
        fprintf(stderr, "lyrebird: %s\n", err);
        return -1;
    }
    const char *dir = lb_config_str("LB_DATA_DIR", "./data");
    char real[PATH_MAX];
    if (make_dirs(dir) != 0 || !realpath(dir, real)) {
        fprintf(stderr, "lyrebird: LB_DATA_DIR: cannot create '%s': %s\n", dir, strerror(errno));
        return -1;
    }
    hd->data_dir = strdup(real);
    snprintf(real, sizeof real, "%s/logs", hd->data_dir);
    make_dirs(real);

    const char *url = lb_config_get("LB_NATS_URL");
    char local[64];
    snprintf(local, sizeof local, "nats://127.0.0.1:%d", nats_port);
    hd->nats_url = strdup(url ? url : local);

    const char *pdir = lb_config_get("LB_PLUGIN_DIR");
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    hd->plugin_dir = strdup(pdir ? pdir : dirname(exe));
    (void)mode;
    return hd->data_dir && hd->nats_url && hd->plugin_dir ? 0 : -1;
}

static int start_nats(lb_hostd *hd)
{
    char port[16], log_path[PATH_MAX], err[LB_ERRLEN];
    int nats_port;
    lb_config_port("LB_NATS_PORT", 4222, &nats_port, err, sizeof err);
    snprintf(port, sizeof port, "%d", nats_port);
    snprintf(log_path, sizeof log_path, "%s/logs/nats-server.log", hd->data_dir);
    const char *argv[] = {"nats-server", "-a", "127.0.0.1", "-p", port, NULL};
    lb_child_spec spec = {.name = "nats-server",
                          .argv = argv,
                          .log_path = log_path,
                          .ready_port = nats_port,
                          .ready_timeout_ms = 10000};
    hd->nats = lb_child_start(&spec, hd->metrics, err, sizeof err);
    if (!hd->nats) {
        lb_log(LB_LOG_ERROR, HOST, "cannot start nats-server", "error=\"%s\"", err);
        return -1;
    }
    return 0;
}

/* GET /health: 200 when every plugin started and the bus is connected, else 503. */
static int health(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    lb_hostd *hd = arg;
    int bus = lb_bus_connected(hd->bus);
    int ready = atomic_load(&hd->ready);
    json_t *plugins = json_array();
    for (int i = 0; i < hd->nplugins; i++)
        json_array_append_new(plugins, json_string(hd->plugins[i].desc->name));
    json_t *body = json_pack("{s:s, s:s, s:s, s:o, s:I}", "status",
                             !ready ? "starting" : bus ? "ok" : "degraded", "version", LB_VERSION,
                             "nats", bus ? "connected" : "disconnected", "plugins", plugins,
                             "uptime_s", (json_int_t)((now_ms() - hd->started_ms) / 1000));
    lb_http_resp_take(resp, ready && bus ? 200 : 503, json_dumps(body, JSON_COMPACT));
    json_decref(body);
    return 0;
}

static double resident_bytes(void)
{
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
            rss = 0;
        fclose(f);
    }
    return (double)rss * (double)sysconf(_SC_PAGESIZE);
}

/* GET /metrics: the registry in Prometheus text format. */
static int metrics(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    lb_hostd *hd = arg;
    lb_gauge_set(hd->g_rss, resident_bytes());
    lb_gauge_set(hd->g_uptime, (double)(now_ms() - hd->started_ms) / 1000.0);
    lb_gauge_set(hd->g_bus, lb_bus_connected(hd->bus));
    size_t len = 0;
    char *text = lb_metrics_render(hd->metrics, &len);
    if (!text) {
        lb_http_resp_error(resp, 500, "out of memory");
        return 0;
    }
    resp->status = 200;
    resp->body = text;
    resp->body_len = len;
    resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
    return 0;
}

static int start_http(lb_hostd *hd)
{
    char err[LB_ERRLEN];
    hd->http = lb_http_server_new(hd->http_port, !hd->loopback_only, 0, hd->metrics);
    if (!hd->http || lb_http_route(hd->http, "GET", "/health", 0, health, hd) != 0 ||
        lb_http_route(hd->http, "GET", "/metrics", 0, metrics, hd) != 0)
        return -1;
    if (lb_http_server_start(hd->http, err, sizeof err) != 0) {
        lb_log(LB_LOG_ERROR, HOST, "cannot start the HTTP listener", "port=%d error=\"%s\"",
               hd->http_port, err);
        return -1;
    }
    lb_log(LB_LOG_INFO, HOST, "HTTP listening", "port=%d", lb_http_server_port(hd->http));
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every lyrebird-<name>.so in the plugin folder, sorted; *n set. Caller frees. Payload
 * codecs (lyrebird-codec-<type>.so, lyrebird/codec.h) live there too but are loaded by the
 * adapters that use them, not by the host. */
static char **discover(const char *dir, int *n)
{
    char **names = calloc(LB_MAX_PLUGINS, sizeof *names);
    DIR *d = opendir(dir);
    struct dirent *e;
    *n = 0;
    while (names && d && (e = readdir(d)) && *n < LB_MAX_PLUGINS) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, "lyrebird-", 9) == 0 && len > 12 &&
            strcmp(e->d_name + len - 3, ".so") == 0 &&
            strncmp(e->d_name, "lyrebird-codec-", 15) != 0)
            names[(*n)++] = strndup(e->d_name + 9, len - 12);
    }
    if (d)
        closedir(d);
    if (names)
        qsort(names, (size_t)*n, sizeof *names, by_name);
    return names;
}

static int load_plugin(lb_hostd *hd, const char *name)
{
    char path[PATH_MAX];
    if (strchr(name, '/') || strstr(name, ".so"))
        snprintf(path, sizeof path, "%s", name);
    else
        snprintf(path, sizeof path, "%s/lyrebird-%s.so", hd->plugin_dir, name);
    if (hd->nplugins == LB_MAX_PLUGINS) {
        lb_log(LB_LOG_ERROR, HOST, "too many plugins", "max=%d", LB_MAX_PLUGINS);
        return -1;
    }
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        lb_log(LB_LOG_ERROR, HOST, "cannot load plugin", "plugin=%s error=\"%s\"", name, dlerror());
        return -1;
    }
    lb_plugin_entry_fn entry = (lb_plugin_entry_fn)dlsym(dl, LB_PLUGIN_ENTRY);
    const lb_plugin *desc = entry ? entry() : NULL;
    if (!desc || !desc->name || !*desc->name) {
        lb_log(LB_LOG_ERROR, HOST, "not a lyrebird plugin (no " LB_PLUGIN_ENTRY " or no name)",
               "path=%s", path);
        dlclose(dl);
        return -1;
    }
    if (desc->abi != LB_PLUGIN_ABI) {
        lb_log(LB_LOG_ERROR, HOST, "plugin built for another ABI", "plugin=%s abi=%u host_abi=%d",
               desc->name, desc->abi, LB_PLUGIN_ABI);
        dlclose(dl);
        return -1;
    }
    for (int i = 0; i < hd->nplugins; i++) {
        if (strcmp(hd->plugins[i].desc->name, desc->name) == 0) {
            lb_log(LB_LOG_ERROR, HOST, "plugin loaded twice", "plugin=%s", desc->name);
            dlclose(dl);
            return -1;
        }
    }
    lb_loaded *p = &hd->plugins[hd->nplugins++];
    p->dl = dl;
    p->desc = desc;
    p->path = strdup(path);
    lb_services_fill(&p->table, hd, desc->name);
    return 0;
}

static int init_and_start(lb_hostd *hd)
{
    for (int i = 0; i < hd->nplugins; i++) {
        lb_loaded *p = &hd->plugins[i];
        int rc = p->desc->init ? p->desc->init(&p->table, &p->state) : 0;
        if (rc != 0) {
            lb_log(LB_LOG_ERROR, HOST, "plugin init failed", "plugin=%s error=\"%s\"",
                   p->desc->name, lb_strerror(rc));
            return -1;
        }
    }
    for (int i = 0; i < hd->nplugins; i++) {
        lb_loaded *p = &hd->plugins[i];
        int rc = p->desc->start ? p->desc->start(p->state) : 0;
        if (rc != 0) {
            lb_log(LB_LOG_ERROR, HOST, "plugin start failed", "plugin=%s error=\"%s\"",
                   p->desc->name, lb_strerror(rc));
            return -1;
        }
        p->started = 1;
        lb_log(LB_LOG_INFO, HOST, "plugin started", "plugin=%s version=%s", p->desc->name,
               p->desc->version ? p->desc->version : "-");
    }
    return 0;
}

/* Stops started plugins in reverse order, destroys all, unloads. */
static void unload_all(lb_hostd *hd)
{
    for (int i = hd->nplugins - 1; i >= 0; i--) {
        lb_loaded *p = &hd->plugins[i];
        if (p->started && p->desc->stop) {
            lb_log(LB_LOG_INFO, HOST, "stopping plugin", "plugin=%s", p->desc->name);
            p->desc->stop(p->state);
        }
        p->started = 0;
    }
    for (int i = hd->nplugins - 1; i >= 0; i--) {
        lb_loaded *p = &hd->plugins[i];
        if (p->desc->destroy)
            p->desc->destroy(p->state);
        dlclose(p->dl);
        free(p->path);
    }
    hd->nplugins = 0;
}

static void reap_children(lb_hostd *hd)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        lb_child_reaped(hd->nats, pid, status);
        for (int i = 0; i < hd->nchildren; i++)
            lb_child_reaped(hd->children[i], pid, status);
    }
}

/* Waits for SIGINT/SIGTERM, reaping and restarting children meanwhile. */
static void wait_for_stop(lb_hostd *hd, const sigset_t *set)
{
    for (;;) {
        struct timespec tick = {0, 100 * 1000000};
        int sig = sigtimedwait(set, NULL, &tick);
        if (sig == SIGINT || sig == SIGTERM) {
            lb_log(LB_LOG_INFO, HOST, "stopping", "signal=%s", sig == SIGINT ? "SIGINT" : "SIGTERM");
            return;
        }
        if (sig == SIGCHLD || sig < 0)
            reap_children(hd);
        lb_child_tick(hd->nats);
        for (int i = 0; i < hd->nchildren; i++)
            lb_child_tick(hd->children[i]);
    }
}

int lb_host_main(lb_mode mode, char **names, int nnames)
{
    long long t0 = now_ms();
    lb_hostd hd = {.started_ms = t0};
    int code = 1;
    char **found = NULL;
    int nfound = 0;
    char err[LB_ERRLEN];

    /* Signals are taken by sigtimedwait in this thread only: block them before any thread
     * (cnats, libmicrohttpd) starts, so those threads inherit the mask. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (load_config(&hd, mode) != 0) {
        code = 2;
        goto out;
    }
    hd.metrics = lb_metrics_new();
    if (!hd.metrics)
        goto out;
    hd.g_bus = lb_metrics_gauge(hd.metrics, "lb_bus_connected", "1 while the NATS bus is connected");
    hd.g_plugins = lb_metrics_gauge(hd.metrics, "lb_plugins_running", "Plugins started");
    hd.g_rss = lb_metrics_gauge(hd.metrics, "process_resident_memory_bytes", "Resident memory");
    hd.g_uptime = lb_metrics_gauge(hd.metrics, "lb_uptime_seconds", "Seconds since the host started");

    if (mode == LB_MODE_UP && !lb_config_get("LB_NATS_URL") && start_nats(&hd) != 0)
        goto out;
    hd.bus = lb_bus_connect(hd.nats_url, "lyrebird", 5000, err, sizeof err);
    if (!hd.bus) {
        lb_log(LB_LOG_ERROR, HOST, "cannot connect to NATS", "error=\"%s\"", err);
        goto out;
    }
    if (start_http(&hd) != 0)
        goto out;

    if (mode == LB_MODE_UP && nnames == 0) {
        found = discover(hd.plugin_dir, &nfound);
        names = found;
        nnames = nfound;
    }
    for (int i = 0; i < nnames; i++)
        if (load_plugin(&hd, names[i]) != 0)
            goto out;
    if (init_and_start(&hd) != 0)
        goto out;
    lb_gauge_set(hd.g_plugins, hd.nplugins);
    atomic_store(&hd.ready, 1);
    lb_log(LB_LOG_INFO, HOST, "lyrebird ready", "mode=%s plugins=%d http_port=%d nats=%s ms=%lld",
           mode == LB_MODE_UP ? "up" : "run", hd.nplugins, lb_http_server_port(hd.http),
           hd.nats_url, now_ms() - t0);

    wait_for_stop(&hd, &set);
    code = 0;

out:
    atomic_store(&hd.ready, 0);
    if (hd.http)
        lb_http_server_stop(hd.http); /* no request reaches a plugin being stopped */
    unload_all(&hd);
    for (int i = hd.nchildren - 1; i >= 0; i--)
        lb_child_stop(hd.children[i]);
    lb_http_server_free(hd.http);
    lb_bus_close(hd.bus);
    lb_child_stop(hd.nats);
    lb_metrics_free(hd.metrics);
    for (int i = 0; i < nfound; i++)
        free(found[i]);
    free(found);
    free(hd.data_dir);
    free(hd.plugin_dir);
    free(hd.nats_url);
    lb_log(LB_LOG_INFO, HOST, "stopped", "code=%d", code);
    return code;
}
