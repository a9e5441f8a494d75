/* Connections between things and channels:
 *   PUT    /channels/<ch>/things/<th>                      200  connect
 *   DELETE /channels/<ch>/things/<th>                      204  disconnect
 *   POST   /connect {"channel_ids": [...], "thing_ids": [...]}  200  every pair, all or nothing
 *   GET    /channels/<ch>/things?connected=true|false|all&offset&limit...  the channel's things
 *   GET    /things/<th>/channels?connected=...                            the thing's channels
 * Each item of a list carries "connected". connected defaults to true (as Mainflux). */
#include "things.h"

#include <lyrebird/error.h>

#include <stdlib.h>
#include <string.h>

#define CONNECT_MAX 1000

static int connect_one(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    things *t = arg;
    caller c;
    if (things_authenticate(t, req, resp, &c) != 0)
        return 0;
    const char *ch = req->params[0], *th = req->params[1];
    int rc = ts_connect(t->store, things_owner(&c), &ch, 1, &th, 1);
    if (rc != 0) {
        things_store_error(resp, rc, "channel or thing");
        return 0;
    }
    things_event(t, "thing.connected", th, ch, NULL);
    things_reply(resp, 200, json_object());
    return 0;
}

static int disconnect_one(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    things *t = arg;
    caller c;
    if (things_authenticate(t, req, resp, &c) != 0)
        return 0;
    const char *ch = req->params[0], *th = req->params[1];
    int rc = ts_disconnect(t->store, things_owner(&c), ch, th);
    if (rc != 0) {
        things_store_error(resp, rc, "connection");
        return 0;
    }
    things_event(t, "thing.disconnected", th, ch, NULL);
    resp->status = 204;
    return 0;
}

/* The strings of a JSON array field, as a new C array (the strings stay in body). */
static const char **id_list(json_t *body, const char *field, size_t *n, lb_http_resp *resp)
{
    json_t *arr = json_object_get(body, field);
    *n = json_array_size(arr);
    if (!json_is_array(arr) || *n == 0 || *n > CONNECT_MAX) {
        lb_http_resp_error(resp, 400, "%s must be an array of 1 to %d ids", field, CONNECT_MAX);
        return NULL;
    }
    const char **ids = calloc(*n, sizeof *ids);
    for (size_t i = 0; ids && i < *n; i++) {
        ids[i] = json_string_value(json_array_get(arr, i));
        if (!ids[i] || !*ids[i]) {
            lb_http_resp_error(resp, 400, "%s[%zu] must be a non-empty string", field, i);
            free(ids);
            return NULL;
        }
    }
    return ids;
}

static int connect_bulk(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    things *t = arg;
    caller c;
    if (things_authenticate(t, req, resp, &c) != 0)
        return 0;
    json_t *body = things_json_body(req, resp);
    if (!body)
        return 0;
    size_t nch = 0, nth = 0;
    const char **chs = json_is_object(body) ? id_list(body, "channel_ids", &nch, resp) : NULL;
    const char **ths = chs ? id_list(body, "thing_ids", &nth, resp) : NULL;
    if (!json_is_object(body))
        lb_http_resp_error(resp, 400, "expected {\"channel_ids\": [...], \"thing_ids\": [...]}");
    if (chs && ths) {
        int rc = ts_connect(t->store, things_owner(&c), chs, nch, ths, nth);
        if (rc != 0) {
            things_store_error(resp, rc, "one of the channels or things");
        } else {
            for (size_t i = 0; i < nch; i++)
                for (size_t j = 0; j < nth; j++)
                    things_event(t, "thing.connected", ths[j], chs[i], NULL);
            things_reply(resp, 200, json_object());
        }
    }
    free(chs);
    free(ths);
    json_decref(body);
    return 0;
}

static int connected_filter(const lb_http_req *req, lb_http_resp *resp, ts_conn_filter *f)
{
    const char *v = lb_http_query(req, "connected");
    if (!v || strcmp(v, "true") == 0)
        *f = TS_CONNECTED;
    else if (strcmp(v, "false") == 0)
        *f = TS_NOT_CONNECTED;
    else if (strcmp(v, "all") == 0)
        *f = TS_ALL;
    else {
        lb_http_resp_error(resp, 400, "query parameter connected must be true, false or all");
        return LB_EINVAL;
    }
    return 0;
}

/* Lists the other side of a connection: things of a channel (of_channel) or channels of a
 * thing. */
static void list_side(things *t, const lb_http_req *req, lb_http_resp *resp, int of_channel)
{
    caller c;
    ts_page page;
    ts_conn_filter f;
    json_t *meta = NULL, *items = NULL;
    long total = 0;
    if (things_authenticate(t, req, resp, &c) != 0 || things_page(req, resp, &page, &meta) != 0 ||
        connected_filter(req, resp, &f) != 0)
        goto out;
    int rc = (of_channel ? ts_channel_things : ts_thing_channels)(
        t->store, things_owner(&c), req->params[0], f, &page, &items, &total);
    if (rc != 0) {
        things_store_error(resp, rc, of_channel ? "channel" : "thing");
        goto out;
    }
    things_reply(resp, 200,
                 json_pack("{s:I, s:I, s:I, s:o}", "total", (json_int_t)total, "offset",
                           (json_int_t)page.offset, "limit", (json_int_t)page.limit,
                           of_channel ? "things" : "channels", items));
out:
    json_decref(meta);
}

static int channel_things(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    list_side(arg, req, resp, 1);
    return 0;
}

static int thing_channels(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    list_side(arg, req, resp, 0);
    return 0;
}

int things_api_connect(things *t)
{
    static const struct {
        const char *method, *pattern;
        lb_http_handler handler;
    } routes[] = {
        {"PUT", "/channels/:ch/things/:th", connect_one},
        {"DELETE", "/channels/:ch/things/:th", disconnect_one},
        {"POST", "/connect", connect_bulk},
        {"GET", "/channels/:ch/things", channel_things},
        {"GET", "/things/:th/channels", thing_channels},
    };
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        int rc = t->host->http_route(t->host, routes[i].method, routes[i].pattern, 256 << 10,
                                     routes[i].handler, t);
        if (rc != 0)
            return rc;
    }
    return 0;
}
