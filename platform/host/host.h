/* The host process behind `lyrebird up` and `lyrebird run`: configuration, child servers,
 * the bus connection, the HTTP front, and the plugins' lifecycle. Private to the binary. */
#ifndef LB_HOST_H
#define LB_HOST_H

#include <stdatomic.h>

#include "lyrebird/plugin.h"

#define LB_MAX_PLUGINS 32
#define LB_MAX_CHILDREN 8

typedef struct lb_child lb_child;

typedef struct lb_loaded {
    void *dl;
    const lb_plugin *desc;
    void *state;
    lb_host table; /* this plugin's view of the host */
    int started;
    char *path;
} lb_loaded;

typedef struct lb_hostd {
    char *data_dir;
    char *plugin_dir;
    char *nats_url;
    int http_port;
    int loopback_only;
    lb_bus *bus;
    lb_metrics *metrics;
    lb_http_server *http;
    lb_child *nats;
    lb_child *children[LB_MAX_CHILDREN]; /* started by plugins (child_start) */
    int nchildren;
    lb_loaded plugins[LB_MAX_PLUGINS];
    int nplugins;
    atomic_int ready;
    long long started_ms;
    lb_gauge *g_bus, *g_plugins, *g_rss, *g_uptime;
} lb_hostd;

typedef enum { LB_MODE_UP, LB_MODE_RUN } lb_mode;

/* Runs the host until SIGINT/SIGTERM. names: plugins to load (names or .so paths); with
 * mode UP and no names, every plugin next to the binary. Returns the process exit code. */
int lb_host_main(lb_mode mode, char **names, int nnames);

/* Fills table with the host's services for plugin `name` (services.c). */
void lb_services_fill(lb_host *table, lb_hostd *hd, const char *name);

#endif
