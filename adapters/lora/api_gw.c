/* REST for LoRa gateways and device profiles:
 *
 *   POST   /lora/gateways           {"gateway_eui", "name", "region"} -> 201
 *   GET    /lora/gateways           {"gateways": [...]} with last_seen and location
 *   GET    /lora/gateways/<EUI>     one gateway
 *   DELETE /lora/gateways/<EUI>     its traffic is dropped from then on
 *   POST   /lora/profiles           {"name", "region", "mac_version", "class", "codec"} -> 201
 *                                   {"id"}: defaults for the devices that name it
 *   GET    /lora/profiles[/<id>], DELETE /lora/profiles/<id>
 *
 * The bridge takes traffic only from registered gateways (LB_LORA_OPEN_GATEWAYS=true takes
 * any). Authentication as api.c. */
#include "lora.h"

#include <lyrebird/error.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int gateways_create(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    lora *l = arg;
    char user[LORA_ID_MAX];
    bool admin;
    uint64_t eui;
    json_t *o;
    if (lora_api_caller(l, req, resp, user, &admin, NULL) != 0 || !(o = lora_api_body(l, req, resp)))
        return 0;
    const char *text = json_string_value(json_object_get(o, "gateway_eui"));
    const char *region = json_string_value(json_object_get(o, "region"));
    json_t *name = json_object_get(o, "name");
    const lw_region *r = region ? lw_region_find(region) : NULL;
    if (lora_eui_parse(text, &eui) != 0)
        l->host->http_error(resp, 400, "\"gateway_eui\" must be 16 hex digits");
    else if (!r)
        l->host->http_error(resp, 400, "\"region\" must be one of EU868, US915");
    else if (name && !json_is_string(name))
        l->host->http_error(resp, 400, "\"name\" must be a string");
    else {
        char id[17];
        lora_eui_format(eui, id);
        int rc = lora_store_gateway_add(l->store, user, eui, json_string_value(name), r->name);
        if (rc != 0) {
            lora_api_store_error(l, resp, rc, "gateway", id);
        } else {
            lora_gw_register(l, eui, true);
            lora_api_reply(resp, 201, json_pack("{s:s}", "gateway_eui", id));
        }
    }
    json_decref(o);
    return 0;
}

/* GET of a list: {what: [the caller's items, or everyone's for an admin]}. */
static int reply_list(lora *l, const lb_http_req *req, lb_http_resp *resp, const char *what,
                      int (*list)(lora_store *, const char *, json_t **))
{
    char user[LORA_ID_MAX];
    bool admin;
    json_t *items;
    if (lora_api_caller(l, req, resp, user, &admin, NULL) != 0)
        return 0;
    if (list(l->store, admin ? NULL : user, &items) != 0) {
        json_decref(items);
        lora_api_store_error(l, resp, LB_EIO, what, "");
        return 0;
    }
    lora_api_reply(resp, 200, json_pack("{s:o}", what, items));
    return 0;
}

static int gateways_list(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    return reply_list(arg, req, resp, "gateways", lora_store_gateway_list);
}

static int gateways_one(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    lora *l = arg;
    char user[LORA_ID_MAX];
    bool admin, del = strcmp(req->method, "DELETE") == 0;
    uint64_t eui;
    json_t *o = NULL;
    if (lora_api_caller(l, req, resp, user, &admin, NULL) != 0)
        return 0;
    if (lora_eui_parse(req->params[0], &eui) != 0) {
        l->host->http_error(resp, 400, "the gateway EUI in the path must be 16 hex digits");
        return 0;
    }
    int rc = del ? lora_store_gateway_delete(l->store, admin ? NULL : user, eui)
                 : lora_store_gateway_get(l->store, admin ? NULL : user, eui, &o);
    if (rc != 0)
        lora_api_store_error(l, resp, rc, "gateway", req->params[0]);
    else if (del) {
        lora_gw_register(l, eui, false);
        resp->status = 204;
    } else
        lora_api_reply(resp, 200, o);
    return 0;
}

static int profiles_create(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    lora *l = arg;
    char user[LORA_ID_MAX];
    bool admin;
    json_t *o;
    if (lora_api_caller(l, req, resp, user, &admin, NULL) != 0 || !(o = lora_api_body(l, req, resp)))
        return 0;
    const char *region = json_string_value(json_object_get(o, "region"));
    const char *version = json_string_value(json_object_get(o, "mac_version"));
    const char *cls = json_string_value(json_object_get(o, "class"));
    json_t *codec = json_object_get(o, "codec");
    if (region && !lw_region_find(region))
        l->host->http_error(resp, 400, "\"region\" must be one of EU868, US915");
    else if (version && lw_version_parse(version) < 0)
        l->host->http_error(resp, 400, "\"mac_version\" must be one of 1.0.0 ... 1.0.4, 1.1");
    else if (cls && strcmp(cls, "A") && strcmp(cls, "C"))
        l->host->http_error(resp, 400, "\"class\" must be \"A\" or \"C\"");
    else if (codec && !json_is_object(codec))
        l->host->http_error(resp, 400, "\"codec\" must be an object");
    else {
        unsigned char raw[16];
        char id[33];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2hex(id, sizeof id, raw, sizeof raw);
        json_object_set_new(o, "id", json_string(id));
        int rc = lora_store_profile_add(l->store, user, id, o);
        if (rc != 0)
            lora_api_store_error(l, resp, rc, "profile", id);
        else
            lora_api_reply(resp, 201, json_pack("{s:s}", "id", id));
    }
    json_decref(o);
    return 0;
}

static int profiles_list(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    return reply_list(arg, req, resp, "profiles", lora_store_profile_list);
}

static int profiles_one(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    lora *l = arg;
    char user[LORA_ID_MAX];
    bool admin, del = strcmp(req->method, "DELETE") == 0;
    json_t *o = NULL;
    if (lora_api_caller(l, req, resp, user, &admin, NULL) != 0)
        return 0;
    const char *owner = admin ? NULL : user;
    int rc = del ? lora_store_profile_delete(l->store, owner, req->params[0])
                 : lora_store_profile_get(l->store, owner, req->params[0], &o);
    if (rc != 0)
        lora_api_store_error(l, resp, rc, "profile", req->params[0]);
    else if (del)
        resp->status = 204;
    else
        lora_api_reply(resp, 200, o);
    return 0;
}

const lora_route lora_gw_routes[] = {
    {"POST", "/lora/gateways", gateways_create},
    {"GET", "/lora/gateways", gateways_list},
    {"GET", "/lora/gateways/:eui", gateways_one},
    {"DELETE", "/lora/gateways/:eui", gateways_one},
    {"POST", "/lora/profiles", profiles_create},
    {"GET", "/lora/profiles", profiles_list},
    {"GET", "/lora/profiles/:id", profiles_one},
    {"DELETE", "/lora/profiles/:id", profiles_one},
    {NULL, NULL, NULL},
};
