/* Things and channels, one implementation for both (a channel is a thing without a key):
 *   POST   /things            {"name"?, "key"?, "metadata"?}   201 + Location, the thing
 *   POST   /things/bulk       [{...}, ...] (1..1000)            201 {"things": [...]}
 *   GET    /things/<id>                                        200 the thing
 *   GET    /things?offset&limit&name&metadata&order&dir        200 {"total", ..., "things"}
 *   PUT    /things/<id>       {"name"?, "metadata"?}            200 the thing
 *   PATCH  /things/<id>/key   {"key"}                           200 the thing
 *   DELETE /things/<id>                                        204
 * and the same under /channels (no key). Another user's id answers 404; an admin sees all. */
#include "things.h"

#include <lyrebird/error.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_LEN 1024
#define BULK_MAX     1000

typedef struct kind {
    const char *one;  /* "thing" */
    const char *many; /* "things" */
    int has_key;
    int (*get)(ts_store *, const char *, const char *, json_t **);
    int (*list)(ts_store *, const char *, const ts_page *, json_t **, long *);
    int (*update)(ts_store *, const char *, const char *, const char *, const json_t *);
    int (*remove)(ts_store *, const char *, const char *);
} kind;

static const kind thing_kind = {"thing",         "things",       1, ts_thing_get, ts_thing_list,
                                ts_thing_update, ts_thing_delete};
static const kind channel_kind = {"channel",        "channels",      0,
                                  ts_channel_get,   ts_channel_list, ts_channel_update,
                                  ts_channel_delete};

typedef struct route_arg {
    things *t;
    const kind *k;
} route_arg;

static int valid_key(const char *key)
{
    size_t n = strlen(key);
    if (n == 0 || n >= TS_KEY_MAX)
        return 0;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        if (*p <= 0x20 || *p == 0x7f)
            return 0;
    return 1;
}

/* Reads one entity object into e (strings point into obj); key and id are buffers for the
 * generated values. where: "" or "item 3: " for error messages. */
static int parse_entity(const kind *k, json_t *obj, ts_thing *e, char *id, char *key,
                        const char *where, lb_http_resp *resp)
{
    if (!json_is_object(obj)) {
        lb_http_resp_error(resp, 400, "%sa %s must be a JSON object", where, k->one);
        return LB_EINVAL;
    }
    const char *field;
    json_t *v;
    json_object_foreach(obj, field, v)
    {
        if (strcmp(field, "name") && strcmp(field, "metadata") &&
            (!k->has_key || strcmp(field, "key"))) {
            lb_http_resp_error(resp, 400, "%sunknown field '%s' in a %s", where, field, k->one);
            return LB_EINVAL;
        }
    }
    json_t *name = json_object_get(obj, "name"), *meta = json_object_get(obj, "metadata");
    json_t *k_json = json_object_get(obj, "key");
    if (name && (!json_is_string(name) || json_string_length(name) > NAME_MAX_LEN)) {
        lb_http_resp_error(resp, 400, "%sname must be a string of at most %d bytes", where,
                           NAME_MAX_LEN);
        return LB_EINVAL;
    }
    if (meta && !json_is_object(meta)) {
        lb_http_resp_error(resp, 400, "%smetadata must be a JSON object", where);
        return LB_EINVAL;
    }
    if (k_json && (!json_is_string(k_json) || !valid_key(json_string_value(k_json)))) {
        lb_http_resp_error(resp, 400, "%skey must be a string of 1 to %d characters without spaces",
                           where, TS_KEY_MAX - 1);
        return LB_EINVAL;
    }
    things_uuid(id);
    e->id = id;
    e->name = name ? json_string_value(name) : "";
    e->metadata = meta;
    if (k->has_key) {
        if (k_json)
            snprintf(key, TS_KEY_MAX, "%s", json_string_value(k_json));
        else
            things_new_key(key);
        e->key = key;
    }
    return 0;
}

/* The API shape of a stored entity, from what was stored (no second read). */
static json_t *entity_json(const kind *k, const ts_thing *e)
{
    json_t *meta = e->metadata ? json_deep_copy(e->metadata) : json_object();
    json_t *item = json_pack("{s:s, s:s, s:o}", "id", e->id, "name", e->name, "metadata", meta);
    if (k->has_key)
        json_object_set_new(item, "key", json_string(e->key));
    return item;
}

/* Stores n parsed entities of kind k for owner. */
static int store_create(things *t, const kind *k, ts_thing *e, size_t n)
{
    if (k->has_key)
        return ts_things_create(t->store, e, n);
    ts_channel *ch = calloc(n, sizeof *ch);
    if (!ch)
        return LB_ENOMEM;
    for (size_t i = 0; i < n; i++)
        ch[i] = (ts_channel){e[i].id, e[i].owner, e[i].name, e[i].metadata};
    int rc = ts_channels_create(t->store, ch, n);
    free(ch);
    return rc;
}

static void created_event(things *t, const kind *k, const ts_thing *e)
{
    char name[32];
    snprintf(name, sizeof name, "%s.created", k->one);
    things_event(t, name, k->has_key ? e->id : NULL, k->has_key ? NULL : e->id, e->key);
}

/* Creates entities from body: one object (bulk 0) or an array of them. */
static void create(route_arg *ra, const lb_http_req *req, lb_http_resp *resp, int bulk)
{
    things *t = ra->t;
    const kind *k = ra->k;
    caller c;
    if (things_authenticate(t, req, resp, &c) != 0)
        return;
    json_t *body = things_json_body(req, resp);
    if (!body)
        return;
    size_t n = bulk ? json_array_size(body) : 1;
    ts_thing *e = calloc(n ? n : 1, sizeof *e);
    char(*ids)[TS_ID_MAX] = calloc(n ? n : 1, TS_ID_MAX);
    char(*keys)[TS_KEY_MAX] = calloc(n ? n : 1, TS_KEY_MAX);
    json_t *out = NULL;
    if (!e || !ids || !keys) {
        lb_http_resp_error(resp, 500, "out of memory");
        goto out;
    }
    if (bulk && (!json_is_array(body) || n == 0 || n > BULK_MAX)) {
        lb_http_resp_error(resp, 400, "expected a JSON array of 1 to %d %s", BULK_MAX, k->many);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        char where[32] = "";
        if (bulk)
            snprintf(where, sizeof where, "item %zu: ", i);
        if (parse_entity(k, bulk ? json_array_get(body, i) : body, &e[i], ids[i], keys[i], where,
                         resp) != 0)
            goto out;
        e[i].owner = c.id;
    }
    int rc = store_create(t, k, e, n);
    if (rc != 0) {
        things_store_error(resp, rc, k->has_key ? "a thing with this key" : "a channel");
        goto out;
    }
    out = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(out, entity_json(k, &e[i]));
        created_event(t, k, &e[i]);
    }
    if (bulk) {
        things_reply(resp, 201, json_pack("{s:o}", k->many, out));
    } else {
        char location[TS_ID_MAX + 16];
        snprintf(location, sizeof location, "/%s/%s", k->many, e[0].id);
        things_reply(resp, 201, json_incref(json_array_get(out, 0)));
        json_decref(out);
        lb_http_resp_header(resp, "Location", location);
    }
out:
    free(e);
    free(ids);
    free(keys);
    json_decref(body);
}

static int create_one(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    create(arg, req, resp, 0);
    return 0;
}

static int create_bulk(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    create(arg, req, resp, 1);
    return 0;
}

static int get_one(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    route_arg *ra = arg;
    caller c;
    json_t *item;
    if (things_authenticate(ra->t, req, resp, &c) != 0)
        return 0;
    int rc = ra->k->get(ra->t->store, things_owner(&c), req->params[0], &item);
    if (rc != 0)
        things_store_error(resp, rc, ra->k->one);
    else
        things_reply(resp, 200, item);
    return 0;
}

static int list(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    route_arg *ra = arg;
    caller c;
    ts_page page;
    json_t *meta = NULL, *items = NULL;
    long total = 0;
    if (things_authenticate(ra->t, req, resp, &c) != 0 || things_page(req, resp, &page, &meta) != 0)
        goto out;
    int rc = ra->k->list(ra->t->store, things_owner(&c), &page, &items, &total);
    if (rc != 0) {
        things_store_error(resp, rc, ra->k->many);
        goto out;
    }
    things_reply(resp, 200,
                 json_pack("{s:I, s:I, s:I, s:s, s:s, s:o}", "total", (json_int_t)total, "offset",
                           (json_int_t)page.offset, "limit", (json_int_t)page.limit, "order",
                           page.order_by_name ? "name" : "id", "direction",
                           page.descending ? "desc" : "asc", ra->k->many, items));
out:
    json_decref(meta);
    return 0;
}

static int update(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    route_arg *ra = arg;
    caller c;
    ts_thing e = {0};
    char id[TS_ID_MAX], key[TS_KEY_MAX];
    if (things_authenticate(ra->t, req, resp, &c) != 0)
        return 0;
    json_t *body = things_json_body(req, resp), *item = NULL;
    if (!body)
        return 0;
    if (json_object_get(body, "key")) {
        lb_http_resp_error(resp, 400, "change a key with PATCH /things/<id>/key");
    } else if (parse_entity(ra->k, body, &e, id, key, "", resp) == 0) {
        const char *owner = things_owner(&c);
        int rc = ra->k->update(ra->t->store, owner, req->params[0], e.name, e.metadata);
        if (rc == 0)
            rc = ra->k->get(ra->t->store, owner, req->params[0], &item);
        if (rc != 0) {
            things_store_error(resp, rc, ra->k->one);
        } else {
            char name[32];
            snprintf(name, sizeof name, "%s.updated", ra->k->one);
            things_event(ra->t, name, ra->k->has_key ? req->params[0] : NULL,
                         ra->k->has_key ? NULL : req->params[0], NULL);
            things_reply(resp, 200, item);
        }
    }
    json_decref(body);
    return 0;
}

static int remove_one(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    route_arg *ra = arg;
    caller c;
    json_t *item = NULL;
    if (things_authenticate(ra->t, req, resp, &c) != 0)
        return 0;
    const char *owner = things_owner(&c), *id = req->params[0];
    int rc = ra->k->get(ra->t->store, owner, id, &item); /* for the key in the event */
    if (rc == 0)
        rc = ra->k->remove(ra->t->store, owner, id);
    if (rc != 0) {
        things_store_error(resp, rc, ra->k->one);
    } else {
        if (ra->k->has_key)
            things_event(ra->t, "thing.removed", id, NULL,
                         json_string_value(json_object_get(item, "key")));
        else
            things_event(ra->t, "channel.removed", NULL, id, NULL);
        resp->status = 204;
    }
    json_decref(item);
    return 0;
}

static int change_key(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    route_arg *ra = arg;
    caller c;
    const char *key = NULL;
    json_t *old = NULL, *item = NULL;
    if (things_authenticate(ra->t, req, resp, &c) != 0)
        return 0;
    json_t *body = things_json_body(req, resp);
    if (!body)
        return 0;
    const char *owner = things_owner(&c), *id = req->params[0];
    if (json_unpack(body, "{s:s}", "key", &key) != 0 || !valid_key(key)) {
        lb_http_resp_error(resp, 400,
                           "expected {\"key\": string of 1 to %d characters without "
                           "spaces}",
                           TS_KEY_MAX - 1);
    } else {
        int rc = ts_thing_get(ra->t->store, owner, id, &old);
        if (rc == 0)
            rc = ts_thing_set_key(ra->t->store, owner, id, key);
        if (rc == 0)
            rc = ts_thing_get(ra->t->store, owner, id, &item);
        if (rc != 0) {
            things_store_error(resp, rc, rc == LB_EEXIST ? "a thing with this key" : "thing");
        } else {
            things_event(ra->t, "thing.key_changed", id, NULL,
                         json_string_value(json_object_get(old, "key")));
            things_reply(resp, 200, item);
        }
    }
    json_decref(old);
    json_decref(body);
    return 0;
}

static int register_kind(things *t, route_arg *ra)
{
    char path[64];
    const char *m = ra->k->many;
    struct {
        const char *method, *suffix;
        lb_http_handler h;
        size_t max_body;
    } routes[] = {
        {"POST", "", create_one, 64 << 10},
        {"POST", "/bulk", create_bulk, 4 << 20},
        {"GET", "", list, 0},
        {"GET", "/:id", get_one, 0},
        {"PUT", "/:id", update, 64 << 10},
        {"DELETE", "/:id", remove_one, 0},
        {"PATCH", "/:id/key", change_key, 4096},
    };
    size_t n = sizeof routes / sizeof routes[0] - (ra->k->has_key ? 0 : 1);
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "/%s%s", m, routes[i].suffix);
        int rc = t->host->http_route(t->host, routes[i].method, path, routes[i].max_body,
                                     routes[i].h, ra);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int things_api_entities(things *t)
{
    static route_arg args[2]; /* one things plugin per process */
    args[0] = (route_arg){t, &thing_kind};
    args[1] = (route_arg){t, &channel_kind};
    int rc = register_kind(t, &args[0]);
    return rc ? rc : register_kind(t, &args[1]);
}
