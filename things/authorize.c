/* The things service on the bus: answers things.authorize (protocol in
 * include/lyrebird/authz.h) and publishes things.events. Several subscriptions share the
 * queue group "things", so each gets its own cnats delivery thread: a slow database answer
 * holds up only its own worker, and instances in a cluster share the load. */
#include "things.h"

#include <lyrebird/authz.h>
#include <lyrebird/error.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decides a request; returns the reply's JSON. */
static json_t *decide(things *t, json_t *req)
{
    const char *key = json_string_value(json_object_get(req, "key"));
    const char *thing = json_string_value(json_object_get(req, "thing_id"));
    const char *channel = json_string_value(json_object_get(req, "channel_id"));
    char id[TS_ID_MAX];
    json_t *ch = NULL;
    if ((!key == !thing) || (thing && !channel))
        return json_pack("{s:s, s:i}", "error",
                         "a request needs \"key\" or \"thing_id\", and \"channel_id\"", "status",
                         400);
    if (key) {
        int rc = ts_thing_by_key(t->store, key, id);
        if (rc == LB_ENOTFOUND)
            return json_pack("{s:s, s:i}", "error", "unknown thing key", "status", 401);
        if (rc != 0)
            return json_pack("{s:s, s:i}", "error", "storage failed", "status", 500);
        if (!channel)
            return json_pack("{s:s}", "thing_id", id);
        thing = id;
    }
    int rc = ts_is_connected(t->store, channel, thing);
    if (rc == 1)
        return json_pack("{s:s}", "thing_id", thing);
    if (rc == 0 && ts_channel_get(t->store, NULL, channel, &ch) == LB_ENOTFOUND)
        return json_pack("{s:s, s:i}", "error", "channel not found", "status", 404);
    json_decref(ch);
    if (rc == 0)
        return json_pack("{s:s, s:i}", "error", "thing is not connected to the channel", "status",
                         403);
    return json_pack("{s:s, s:i}", "error", "storage failed", "status", 500);
}

static void on_authorize(const lb_bus_msg *msg, void *arg)
{
    things *t = arg;
    json_t *req = json_loadb(msg->data, msg->len, 0, NULL);
    json_t *reply = json_is_object(req) ? decide(t, req)
                                        : json_pack("{s:s, s:i}", "error",
                                                    "request is not a JSON object", "status", 400);
    char *text = reply ? json_dumps(reply, JSON_COMPACT) : NULL;
    if (text) {
        t->host->respond(t->host, msg, text, strlen(text));
        t->host->counter_add(
            json_object_get(reply, "thing_id") ? t->authz_granted : t->authz_denied, 1);
    }
    free(text);
    json_decref(reply);
    json_decref(req);
}

int things_authz_start(things *t)
{
    for (int i = 0; i < t->authz_workers; i++) {
        int rc = t->host->subscribe(t->host, LB_AUTHZ_SUBJECT, "things", on_authorize, t,
                                    &t->authz_subs[i]);
        if (rc != 0)
            return rc;
    }
    return 0;
}

void things_authz_stop(things *t)
{
    for (int i = 0; i < t->authz_workers; i++) {
        t->host->unsubscribe(t->host, t->authz_subs[i]);
        t->authz_subs[i] = NULL;
    }
}

void things_event(things *t, const char *name, const char *thing_id, const char *channel_id,
                  const char *key)
{
    json_t *ev = json_pack("{s:s}", "event", name);
    if (thing_id)
        json_object_set_new(ev, "thing_id", json_string(thing_id));
    if (channel_id)
        json_object_set_new(ev, "channel_id", json_string(channel_id));
    if (key)
        json_object_set_new(ev, "key", json_string(key));
    char *text = ev ? json_dumps(ev, JSON_COMPACT) : NULL;
    /* sent promptly: adapters drop cached grants when it arrives */
    if (!text || lb_bus_publish_now(t->host->bus, LB_AUTHZ_EVENTS, text, strlen(text)) != 0)
        t->host->log(t->host, LB_LOG_ERROR, "cannot publish event", "event=%s", name);
    free(text);
    json_decref(ev);
}
