/* The HTTP adapter (plugin `http`): devices publish with
 *   POST /http/channels/<id>/messages[/<subtopic>]
 *   Authorization: Thing <key>   (or the bare key)
 *   Content-Type: application/senml+json (the default) | application/json |
 *                 application/octet-stream | text/plain
 * answering 202, or 400 (bad SenML/JSON or subtopic, with the reason), 401 (no or unknown
 * key), 403 (not connected), 404 (no such channel), 413 (over LB_HTTP_MESSAGE_MAX bytes,
 * default 256 KiB), 415 (other types), 503 (the things service did not answer). Accepted
 * messages go on the bus with publisher = the thing, protocol "http". Handlers run on the
 * HTTP front's worker threads; authorization answers come from the lb_authz cache. */
#include <lyrebird/authz.h>
#include <lyrebird/bus.h>
#include <lyrebird/config.h>
#include <lyrebird/deliver.h>
#include <lyrebird/payload.h>
#include <lyrebird/plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NAME "http"
#define CONN_HTTP 1 /* HTTP has no subscribers: one connection id for every request */

typedef struct adapter {
    const lb_host *host;
    lb_authz *authz;
    lb_deliver *deliver;
    lb_counter *published, *refused[6]; /* 400 401 403 404 415 503 */
} adapter;

static const int refusal_codes[6] = {400, 401, 403, 404, 415, 503};

static int refuse(adapter *a, lb_http_resp *resp, int status, const char *what)
{
    for (int i = 0; i < 6; i++)
        if (refusal_codes[i] == status)
            a->host->counter_add(a->refused[i], 1);
    lb_http_resp_error(resp, status, "%s", what);
    return 0;
}

/* The thing key of a request: "Thing <key>" or a bare key. */
static const char *thing_key(const lb_http_req *req)
{
    const char *auth = lb_http_header(req, "Authorization");
    if (auth && strncasecmp(auth, "Thing ", 6) == 0)
        auth += 6;
    return auth && *auth ? auth : NULL;
}

static int publish(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    adapter *a = arg;
    char err[LB_ERRLEN], thing[LB_THING_ID_MAX], subtopic[LB_SUBJECT_MAX];
    const char *channel = req->params[0];
    const char *key = thing_key(req);
    if (!key)
        return refuse(a, resp, 401, "missing Authorization header (Thing <key>)");
    const char *ct = lb_payload_type(lb_http_header(req, "Content-Type"), LB_CT_SENML);
    if (!ct)
        return refuse(a, resp, 415,
                      "Content-Type must be application/senml+json, application/json, "
                      "application/octet-stream or text/plain");
    if (lb_subtopic_normalize(req->params[1], 0, subtopic, sizeof subtopic, err, sizeof err))
        return refuse(a, resp, 400, err);
    int rc = lb_authz_key(a->authz, key, channel, thing, err, sizeof err);
    if (rc != 0)
        return refuse(a, resp, lb_authz_status(rc), err);
    if (lb_payload_check(ct, req->body, req->body_len, err, sizeof err) != 0)
        return refuse(a, resp, 400, err);
    lb_message m = {.channel = channel,
                    .subtopic = subtopic,
                    .publisher = thing,
                    .payload = (const uint8_t *)req->body,
                    .payload_len = req->body_len,
                    .content_type = ct};
    rc = lb_deliver_publish(a->deliver, CONN_HTTP, &m, err, sizeof err);
    if (rc != 0)
        return refuse(a, resp, rc == LB_EINVAL ? 400 : 503, err);
    a->host->counter_add(a->published, 1);
    resp->status = 202;
    return 0;
}

static int http_init(const lb_host *host, void **state)
{
    char err[LB_ERRLEN];
    long max;
    if (lb_config_int("LB_HTTP_MESSAGE_MAX", 256 * 1024, 1, 64L << 20, &max, err, sizeof err)) {
        host->log(host, LB_LOG_ERROR, "bad setting", "error=\"%s\"", err);
        return LB_EINVAL;
    }
    adapter *a = calloc(1, sizeof *a);
    if (!a)
        return LB_ENOMEM;
    a->host = host;
    a->authz = lb_authz_new(host->bus, 0, 0);
    a->deliver = lb_deliver_new(host->bus, NAME);
    a->published = host->counter(host, "lb_http_messages_total", "Messages published over HTTP");
    for (int i = 0; i < 6; i++) {
        char name[96];
        snprintf(name, sizeof name, "lb_http_messages_refused_total{code=\"%d\"}",
                 refusal_codes[i]);
        a->refused[i] = host->counter(host, name, "Messages refused over HTTP");
    }
    int rc = a->authz && a->deliver ? 0 : LB_ENOMEM;
    if (rc == 0)
        rc = host->http_route(host, "POST", "/http/channels/:id/messages/*", (size_t)max, publish,
                              a);
    if (rc != 0) {
        lb_authz_free(a->authz);
        lb_deliver_free(a->deliver);
        free(a);
        return rc;
    }
    *state = a;
    return 0;
}

static void http_destroy(void *state)
{
    adapter *a = state;
    lb_authz_free(a->authz);
    lb_deliver_free(a->deliver);
    free(a);
}

static const lb_plugin descriptor = {
    .abi = LB_PLUGIN_ABI,
    .name = NAME,
    .version = "0.1.0",
    .init = http_init,
    .destroy = http_destroy,
};

LB_PLUGIN_EXPORT const lb_plugin *lb_plugin_entry(void)
{
    return &descriptor;
}
