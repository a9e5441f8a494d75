/* The things service's provisioning API on the bus, for plugins that register devices on a
 * user's behalf (the LoRa adapter creates a thing per device). Plugins never call each other,
 * so this goes over NATS request/reply and works the same in one process or a cluster.
 *
 *   things.provision  {"op": "identify", "token": "<user token>"}
 *                       -> {"user_id": "...", "email": "...", "admin": false}
 *                     {"op": "create_thing", "token": "...", "name": "...",
 *                      "metadata": {...}, "channel_id": "..."}
 *                       -> {"thing_id": "...", "key": "..."}  (created and connected)
 *                     {"op": "remove_thing", "token": "...", "thing_id": "..."} -> {}
 *                     {"op": "channel_access", "token": "...", "channel_id": "..."} -> {}
 *                       (the token's user owns the channel, or is an admin; else 404)
 *   errors            {"error": "<reason>", "status": 400|401|404|500}
 *
 * Every call carries the user's token, so a plugin can do nothing the user could not do over
 * REST: the thing belongs to the token's user and the channel must be theirs. */
#include "things.h"

#include <lyrebird/error.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *fail(int status, const char *error)
{
    return json_pack("{s:s, s:i}", "error", error, "status", status);
}

static json_t *store_fail(int rc, const char *what)
{
    char msg[128];
    if (rc == LB_ENOTFOUND) {
        snprintf(msg, sizeof msg, "%s not found", what);
        return fail(404, msg);
    }
    if (rc == LB_EEXIST)
        return fail(409, "thing already exists");
    return fail(500, "storage failed");
}

/* Creates a thing owned by c and connects it to channel_id; on a failed connect the thing is
 * removed again, so a caller never sees half a registration. */
static json_t *create_thing(things *t, const caller *c, json_t *req)
{
    const char *name = json_string_value(json_object_get(req, "name"));
    const char *channel = json_string_value(json_object_get(req, "channel_id"));
    json_t *meta = json_object_get(req, "metadata");
    if (!channel)
        return fail(400, "\"channel_id\" is required");
    if (meta && !json_is_object(meta))
        return fail(400, "\"metadata\" must be an object");
    char id[37], key[33];
    things_uuid(id);
    things_new_key(key);
    ts_thing th = {.id = id, .owner = c->id, .name = name ? name : "", .key = key,
                   .metadata = meta};
    int rc = ts_things_create(t->store, &th, 1);
    if (rc != 0)
        return store_fail(rc, "thing");
    const char *ids[1] = {id}, *chs[1] = {channel};
    rc = ts_connect(t->store, things_owner(c), chs, 1, ids, 1);
    if (rc != 0) {
        ts_thing_delete(t->store, NULL, id);
        return store_fail(rc, "channel");
    }
    things_event(t, "thing.created", id, NULL, key);
    things_event(t, "thing.connected", id, channel, NULL);
    return json_pack("{s:s, s:s}", "thing_id", id, "key", key);
}

static json_t *remove_thing(things *t, const caller *c, json_t *req)
{
    const char *id = json_string_value(json_object_get(req, "thing_id"));
    if (!id)
        return fail(400, "\"thing_id\" is required");
    int rc = ts_thing_delete(t->store, things_owner(c), id);
    if (rc != 0)
        return store_fail(rc, "thing");
    things_event(t, "thing.removed", id, NULL, NULL);
    return json_object();
}

static json_t *channel_access(things *t, const caller *c, json_t *req)
{
    const char *id = json_string_value(json_object_get(req, "channel_id"));
    json_t *ch = NULL;
    if (!id)
        return fail(400, "\"channel_id\" is required");
    int rc = ts_channel_get(t->store, things_owner(c), id, &ch);
    json_decref(ch);
    return rc == 0 ? json_object() : store_fail(rc, "channel");
}

static json_t *decide(things *t, json_t *req)
{
    const char *op = json_string_value(json_object_get(req, "op"));
    const char *token = json_string_value(json_object_get(req, "token"));
    char err[LB_ERRLEN];
    caller c;
    if (!op)
        return fail(400, "\"op\" is required");
    if (!token)
        return fail(401, "\"token\" is required");
    if (things_token_verify(t, token, &c, err, sizeof err) != 0)
        return fail(401, err);
    if (strcmp(op, "identify") == 0)
        return json_pack("{s:s, s:s, s:b}", "user_id", c.id, "email", c.email, "admin",
                         c.admin);
    if (strcmp(op, "create_thing") == 0)
        return create_thing(t, &c, req);
    if (strcmp(op, "remove_thing") == 0)
        return remove_thing(t, &c, req);
    if (strcmp(op, "channel_access") == 0)
        return channel_access(t, &c, req);
    return fail(400, "\"op\" must be identify, create_thing, remove_thing or channel_access");
}

static void on_provision(const lb_bus_msg *msg, void *arg)
{
    things *t = arg;
    json_t *req = json_loadb(msg->data, msg->len, 0, NULL);
    json_t *reply = json_is_object(req) ? decide(t, req) : fail(400, "request is not a JSON object");
    char *text = reply ? json_dumps(reply, JSON_COMPACT) : NULL;
    if (text)
        t->host->respond(t->host, msg, text, strlen(text));
    free(text);
    json_decref(reply);
    json_decref(req);
}

int things_provision_start(things *t)
{
    return t->host->subscribe(t->host, THINGS_PROVISION_SUBJECT, "things", on_provision, t,
                              &t->provision_sub);
}

void things_provision_stop(things *t)
{
    if (t->provision_sub)
        t->host->unsubscribe(t->host, t->provision_sub);
    t->provision_sub = NULL;
}
