/* An example third-party plugin: it includes only <lyrebird/plugin.h> and reaches every host
 * service through the lb_host table, so it builds against the installed headers alone and
 * links nothing of Lyrebird's. The plugin_abi integration test builds it with plain `cc`
 * and loads it into `lyrebird run`.
 *
 * GET /<name>/hello?who=x  answers {"plugin": "<name>", "greeting": "<LB_EXAMPLE_GREETING>",
 *                          "who": "x"} and counts <name>_hellos_total
 * GET /<name>/ping         asks "<name>.ping" on the bus; the plugin's own subscriber answers,
 *                          so the route answers {"reply": "pong from <name>"} */
#include <lyrebird/plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef EXAMPLE_NAME
#define EXAMPLE_NAME "example"
#endif
#ifndef EXAMPLE_ABI
#define EXAMPLE_ABI LB_PLUGIN_ABI
#endif

typedef struct example {
    const lb_host *host;
    lb_bus_sub *sub;
    lb_counter *hellos;
    const char *greeting;
} example;

static int hello(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    example *ex = arg;
    const char *who = ex->host->http_query(req, "who");
    char body[256];
    /* a test plugin: names in the test are plain words, so no JSON escaping is needed */
    int n = snprintf(body, sizeof body, "{\"plugin\":\"%s\",\"greeting\":\"%s\",\"who\":\"%s\"}",
                     EXAMPLE_NAME, ex->greeting, who ? who : "");
    ex->host->counter_add(ex->hellos, 1);
    ex->host->http_body(resp, 200, "application/json", body, (size_t)n);
    return 0;
}

static int ping(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    example *ex = arg;
    (void)req;
    char *reply = NULL;
    size_t len = 0;
    int rc = ex->host->request(ex->host, EXAMPLE_NAME ".ping", "ping", 4, 1000, &reply, &len);
    if (rc != 0) {
        ex->host->http_error(resp, 502, "bus request failed: %d", rc);
        return 0;
    }
    char body[256];
    int n = snprintf(body, sizeof body, "{\"reply\":\"%.*s\"}", (int)len, reply);
    free(reply);
    ex->host->http_body(resp, 200, "application/json", body, (size_t)n);
    return 0;
}

static void on_ping(const lb_bus_msg *msg, void *arg)
{
    example *ex = arg;
    const char pong[] = "pong from " EXAMPLE_NAME;
    ex->host->respond(ex->host, msg, pong, sizeof pong - 1);
}

static int ex_init(const lb_host *host, void **state)
{
    example *ex = calloc(1, sizeof *ex);
    if (!ex)
        return LB_ENOMEM;
    ex->host = host;
    ex->greeting = host->config(host, "LB_EXAMPLE_GREETING");
    if (!ex->greeting)
        ex->greeting = "hello";
    ex->hellos = host->counter(host, EXAMPLE_NAME "_hellos_total", "Hello requests answered");
    int rc = host->http_route(host, "GET", "/" EXAMPLE_NAME "/hello", 0, hello, ex);
    if (rc == 0)
        rc = host->http_route(host, "GET", "/" EXAMPLE_NAME "/ping", 0, ping, ex);
    if (rc != 0) {
        free(ex);
        return rc;
    }
    host->log(host, LB_LOG_INFO, "initialised", "data_dir=%s host_version=%s", host->data_dir,
              host->version);
    *state = ex;
    return 0;
}

static int ex_start(void *state)
{
    example *ex = state;
    int rc = ex->host->subscribe(ex->host, EXAMPLE_NAME ".ping", NULL, on_ping, ex, &ex->sub);
    ex->host->log(ex->host, LB_LOG_INFO, "started", NULL);
    return rc;
}

static int ex_stop(void *state)
{
    example *ex = state;
    ex->host->unsubscribe(ex->host, ex->sub);
    ex->sub = NULL;
    ex->host->log(ex->host, LB_LOG_INFO, "stopped", NULL);
    return 0;
}

static void ex_destroy(void *state)
{
    free(state);
}

static const lb_plugin descriptor = {
    .abi = EXAMPLE_ABI,
    .name = EXAMPLE_NAME,
    .version = "1.0.0",
    .init = ex_init,
    .start = ex_start,
    .stop = ex_stop,
    .destroy = ex_destroy,
};

LB_PLUGIN_EXPORT const lb_plugin *lb_plugin_entry(void)
{
    return &descriptor;
}
