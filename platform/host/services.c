/* The lb_host service table handed to each plugin: thin wrappers that route a plugin's
 * calls to the host's shared bus, metrics registry and HTTP server, tagging logs with the
 * plugin's name. See include/lyrebird/plugin.h for the contract. */
#include "host.h"
#include "supervisor.h"

#include "lyrebird/config.h"
#include "lyrebird/metrics.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static lb_hostd *hostd(const lb_host *h)
{
    return h->host_private;
}

static void svc_log(const lb_host *h, lb_log_level level, const char *msg, const char *kv_fmt, ...)
{
    va_list ap;
    va_start(ap, kv_fmt);
    lb_logv(level, h->plugin, msg, kv_fmt, ap);
    va_end(ap);
}

static const char *svc_config(const lb_host *h, const char *name)
{
    return lb_config_get(name);
}

static int svc_publish(const lb_host *h, const char *subject, const void *data, size_t len)
{
    return lb_bus_publish(hostd(h)->bus, subject, data, len);
}

static int svc_publish_message(const lb_host *h, const lb_message *m, char *err, size_t errlen)
{
    return lb_bus_publish_message(hostd(h)->bus, m, err, errlen);
}

static int svc_subscribe(const lb_host *h, const char *subject, const char *queue,
                         lb_bus_handler cb, void *arg, lb_bus_sub **out)
{
    return lb_bus_subscribe(hostd(h)->bus, subject, queue, cb, arg, out);
}

static void svc_unsubscribe(const lb_host *h, lb_bus_sub *sub)
{
    lb_bus_unsubscribe(sub);
}

static int svc_request(const lb_host *h, const char *subject, const void *data, size_t len,
                       int timeout_ms, char **reply, size_t *reply_len)
{
    return lb_bus_request(hostd(h)->bus, subject, data, len, timeout_ms, reply, reply_len);
}

static int svc_respond(const lb_host *h, const lb_bus_msg *msg, const void *data, size_t len)
{
    return lb_bus_respond(hostd(h)->bus, msg, data, len);
}

static lb_counter *svc_counter(const lb_host *h, const char *name, const char *help)
{
    return lb_metrics_counter(hostd(h)->metrics, name, help);
}

static lb_gauge *svc_gauge(const lb_host *h, const char *name, const char *help)
{
    return lb_metrics_gauge(hostd(h)->metrics, name, help);
}

static lb_histogram *svc_histogram(const lb_host *h, const char *name, const char *help,
                                   const double *bounds, size_t n)
{
    return lb_metrics_histogram(hostd(h)->metrics, name, help, bounds, n);
}

static int svc_http_route(const lb_host *h, const char *method, const char *pattern,
                          size_t max_body, lb_http_handler handler, void *arg)
{
    int rc = lb_http_route(hostd(h)->http, method, pattern, max_body, handler, arg);
    if (rc == 0)
        lb_log(LB_LOG_DEBUG, h->plugin, "route registered", "method=%s pattern=%s", method,
               pattern);
    return rc;
}

static void svc_http_error(lb_http_resp *resp, int status, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    lb_http_resp_error(resp, status, "%s", msg);
}

static int svc_child_start(const lb_host *h, const char *name, const char *const *argv,
                           int ready_port, int ready_timeout_ms, char *err, size_t errlen)
{
    lb_hostd *hd = hostd(h);
    char log_path[4200];
    if (hd->nchildren == LB_MAX_CHILDREN) {
        snprintf(err, errlen, "too many child servers (at most %d)", LB_MAX_CHILDREN);
        return LB_ETOOBIG;
    }
    snprintf(log_path, sizeof log_path, "%s/logs/%s.log", hd->data_dir, name);
    lb_child_spec spec = {.name = name,
                          .argv = argv,
                          .log_path = log_path,
                          .ready_port = ready_port,
                          .ready_timeout_ms = ready_timeout_ms};
    lb_child *c = lb_child_start(&spec, hd->metrics, err, errlen);
    if (!c)
        return LB_EIO;
    hd->children[hd->nchildren++] = c;
    return 0;
}

void lb_services_fill(lb_host *t, lb_hostd *hd, const char *name)
{
    memset(t, 0, sizeof *t);
    t->abi = LB_PLUGIN_ABI;
    t->size = sizeof *t;
    t->plugin = name;
    t->data_dir = hd->data_dir;
    t->version = LB_VERSION;
    t->log = svc_log;
    t->config = svc_config;
    t->bus = hd->bus;
    t->publish = svc_publish;
    t->publish_message = svc_publish_message;
    t->subscribe = svc_subscribe;
    t->unsubscribe = svc_unsubscribe;
    t->request = svc_request;
    t->respond = svc_respond;
    t->counter = svc_counter;
    t->gauge = svc_gauge;
    t->histogram = svc_histogram;
    t->counter_add = lb_counter_add;
    t->gauge_set = lb_gauge_set;
    t->histogram_observe = lb_histogram_observe;
    t->http_route = svc_http_route;
    t->http_header = lb_http_header;
    t->http_query = lb_http_query;
    t->http_error = svc_http_error;
    t->http_body = lb_http_resp_body;
    t->http_header_set = lb_http_resp_header;
    t->host_private = hd;
    t->child_start = svc_child_start;
}
