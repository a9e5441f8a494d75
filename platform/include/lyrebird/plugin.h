/* The plugin ABI. A plugin is a shared object that exports one symbol,
 *
 *     LB_PLUGIN_EXPORT const lb_plugin *lb_plugin_entry(void);
 *
 * returning a descriptor that lives as long as the object is loaded. The host checks
 * descriptor->abi == LB_PLUGIN_ABI, then calls, in order:
 *
 *   init(host, &state)  set up with the services of `host` (kept by the plugin: the table
 *                       outlives the plugin); register HTTP routes and metrics here
 *   start(state)        start serving (subscribe, open ports)
 *   stop(state)         stop serving; after it returns no callback of the plugin runs
 *   destroy(state)      free everything
 *
 * Each returns 0 or a negative LB_E* code; when init or start fails, the host logs it, calls
 * destroy (for a failed start, stop first) and does not start later plugins. A hook may be
 * NULL. Plugins never call each other: they meet on the bus and on their own ports.
 *
 * A third-party plugin needs only this header: every host service is a function in the
 * lb_host table. Build with -fvisibility=hidden so only the entry symbol is exported.
 *
 * Versioning (as SQLite's method tables): LB_PLUGIN_ABI changes only on incompatible change;
 * new lb_host members are appended and host->size tells which exist, so check
 * LB_HOST_HAS(host, member) before using a member newer than the plugin's header. */
#ifndef LYREBIRD_PLUGIN_H
#define LYREBIRD_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "error.h"
#include "http.h"
#include "log.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LB_PLUGIN_ABI 1
#define LB_PLUGIN_EXPORT __attribute__((visibility("default")))
#define LB_PLUGIN_ENTRY "lb_plugin_entry"

typedef struct lb_host lb_host;
typedef struct lb_metrics lb_metrics;
typedef struct lb_counter lb_counter;
typedef struct lb_gauge lb_gauge;
typedef struct lb_histogram lb_histogram;

/* Host services handed to one plugin. Each plugin gets its own table (plugin names the
 * plugin, so log lines carry it); the functions are thread-safe unless noted. */
struct lb_host {
    uint32_t abi;  /* LB_PLUGIN_ABI of the host */
    uint32_t size; /* sizeof(lb_host) in the host: members past it do not exist */
    const char *plugin;   /* this plugin's name */
    const char *data_dir; /* LB_DATA_DIR, created; the plugin may make files under it */
    const char *version;  /* the host's version string */

    /* log: a structured line with this plugin's name; kv_fmt as lb_log. */
    void (*log)(const lb_host *h, lb_log_level level, const char *msg, const char *kv_fmt, ...)
        __attribute__((format(printf, 4, 5)));
    /* config: the value of an LB_* setting (flag, then environment), or NULL. */
    const char *(*config)(const lb_host *h, const char *name);

    /* bus: as lb_bus_* in bus.h, on the host's shared connection. */
    lb_bus *bus;
    int (*publish)(const lb_host *h, const char *subject, const void *data, size_t len);
    int (*publish_message)(const lb_host *h, const lb_message *m, char *err, size_t errlen);
    int (*subscribe)(const lb_host *h, const char *subject, const char *queue, lb_bus_handler cb,
                     void *arg, lb_bus_sub **out);
    void (*unsubscribe)(const lb_host *h, lb_bus_sub *sub);
    int (*request)(const lb_host *h, const char *subject, const void *data, size_t len,
                   int timeout_ms, char **reply, size_t *reply_len);
    int (*respond)(const lb_host *h, const lb_bus_msg *msg, const void *data, size_t len);

    /* metrics: as lb_metrics_* in metrics.h, in the host's registry (shown at /metrics). */
    lb_counter *(*counter)(const lb_host *h, const char *name, const char *help);
    lb_gauge *(*gauge)(const lb_host *h, const char *name, const char *help);
    lb_histogram *(*histogram)(const lb_host *h, const char *name, const char *help,
                               const double *bounds, size_t n);
    void (*counter_add)(lb_counter *c, uint64_t n);
    void (*gauge_set)(lb_gauge *g, double v);
    void (*histogram_observe)(lb_histogram *hg, double v);

    /* HTTP: routes on the host's one listener (LB_HTTP_PORT), as lb_http_* in http.h. */
    int (*http_route)(const lb_host *h, const char *method, const char *pattern, size_t max_body,
                      lb_http_handler handler, void *arg);
    const char *(*http_header)(const lb_http_req *req, const char *name);
    const char *(*http_query)(const lb_http_req *req, const char *name);
    void (*http_error)(lb_http_resp *resp, int status, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
    void (*http_body)(lb_http_resp *resp, int status, const char *content_type, const void *body,
                      size_t len);
    int (*http_header_set)(lb_http_resp *resp, const char *name, const char *value);

    void *host_private; /* the host's; plugins leave it alone */

    /* Appended members (check LB_HOST_HAS before use). */

    /* child_start: runs a server the plugin needs as a child process that the host
     * supervises like nats-server: own process group, output appended to
     * <data>/logs/<name>.log, restarted with backoff when it dies, stopped after every plugin
     * stopped. argv[0] is looked up in PATH and /usr/sbin. Waits until 127.0.0.1:ready_port
     * accepts TCP (0: not at all) for up to ready_timeout_ms. Call from init or start only
     * (the host's main thread). Returns 0, or an LB_E* code with err filled. */
    int (*child_start)(const lb_host *h, const char *name, const char *const *argv,
                       int ready_port, int ready_timeout_ms, char *err, size_t errlen);
};

/* True when the host's table has member m. */
#define LB_HOST_HAS(h, m) ((h)->size >= offsetof(lb_host, m) + sizeof((h)->m))

typedef struct lb_plugin {
    uint32_t abi;        /* LB_PLUGIN_ABI the plugin was built with */
    const char *name;    /* short name: "things", "http", ... */
    const char *version; /* the plugin's version */
    int (*init)(const lb_host *host, void **state);
    int (*start)(void *state);
    int (*stop)(void *state);
    void (*destroy)(void *state);
    void *reserved[4]; /* zero */
} lb_plugin;

typedef const lb_plugin *(*lb_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif
#endif
