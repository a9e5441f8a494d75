/* REST for LoRa devices (DESIGN.md "LoRa REST shapes"), on the host's HTTP front:
 *
 *   POST   /lora/devices            register: validates every field, creates the device's
 *                                   thing in the things service (connected to its channel)
 *                                   and stores the device with its keys wrapped -> 201
 *   GET    /lora/devices            page: ?offset=&limit= -> {"total", "offset", "limit",
 *                                   "devices": [...]}
 *   GET    /lora/devices/<DevEUI>   one device (keys are never returned)
 *   PUT    /lora/devices/<DevEUI>   rename, change class
 *   DELETE /lora/devices/<DevEUI>   removes the device and its thing
 *   PUT/GET/DELETE /lora/devices/<DevEUI>/codec   its payload codec {"type", "script"?}
 *   POST   /lora/codecs/test        runs a codec on given bytes (the decoder editor)
 *
 * Callers authenticate with "Authorization: Bearer <user token>", checked by the things
 * service over the bus (things.provision), which also creates and removes the things, so
 * this works the same when the things service runs in another process. */
#include "lora.h"

#include <lyrebird/error.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROVISION "things.provision"
#define PROVISION_TIMEOUT_MS 3000

/* Asks the things service; the reply object, or NULL with resp filled (503). */
static json_t *provision(lora *l, json_t *req, lb_http_resp *resp)
{
    char *text = json_dumps(req, JSON_COMPACT), *reply = NULL;
    size_t len = 0;
    json_decref(req);
    int rc = text ? l->host->request(l->host, PROVISION, text, strlen(text),
                                     PROVISION_TIMEOUT_MS, &reply, &len)
                  : LB_ENOMEM;
    free(text);
    json_t *o = rc == 0 ? json_loadb(reply, len, 0, NULL) : NULL;
    free(reply);
    if (!json_is_object(o)) {
        json_decref(o);
        l->host->http_error(resp, 503, "the things service did not answer");
        return NULL;
    }
    return o;
}

/* Fills resp from an error reply of the things service; true when it was one. */
static bool provision_failed(lora *l, json_t *o, lb_http_resp *resp)
{
    const char *err = json_string_value(json_object_get(o, "error"));
    if (!err)
        return false;
    int status = (int)json_integer_value(json_object_get(o, "status"));
    l->host->http_error(resp, status >= 400 && status < 600 ? status : 500, "%s", err);
    return true;
}

int lora_api_caller(lora *l, const lb_http_req *req, lb_http_resp *resp, char *user_id,
                    bool *admin, char **token_out)
{
    const char *auth = l->host->http_header(req, "Authorization");
    if (!auth || strncmp(auth, "Bearer ", 7) != 0 || !auth[7]) {
        l->host->http_error(resp, 401, "missing \"Authorization: Bearer <token>\"");
        return LB_EUNAUTH;
    }
    json_t *o = provision(l, json_pack("{s:s, s:s}", "op", "identify", "token", auth + 7), resp);
    if (!o)
        return LB_ETIMEDOUT;
    int rc = 0;
    const char *id = json_string_value(json_object_get(o, "user_id"));
    if (provision_failed(l, o, resp) || !id) {
        rc = LB_EUNAUTH;
    } else {
        snprintf(user_id, LORA_ID_MAX, "%s", id);
        *admin = json_is_true(json_object_get(o, "admin"));
        if (token_out)
            *token_out = strdup(auth + 7);
    }
    json_decref(o);
    return rc;
}

json_t *lora_api_body(lora *l, const lb_http_req *req, lb_http_resp *resp)
{
    json_error_t e;
    json_t *o = json_loadb(req->body ? req->body : "", req->body_len, 0, &e);
    if (!o)
        l->host->http_error(resp, 400, "malformed JSON at line %d column %d: %s", e.line,
                            e.column, e.text);
    else if (!json_is_object(o)) {
        json_decref(o);
        o = NULL;
        l->host->http_error(resp, 400, "the body must be a JSON object");
    }
    return o;
}

/* A string member of o, or of the profile, or dflt. */
static const char *field(json_t *o, json_t *profile, const char *name, const char *dflt)
{
    const char *v = json_string_value(json_object_get(o, name));
    if (!v)
        v = json_string_value(json_object_get(profile, name));
    return v ? v : dflt;
}

/* Reads a key member into out; false with why filled. */
static bool key_field(json_t *keys, const char *section, const char *name, uint8_t *out,
                      char *why, size_t whylen)
{
    if (lora_key_parse(json_string_value(json_object_get(keys, name)), out) == 0)
        return true;
    snprintf(why, whylen, "\"%s.%s\" must be 32 hex digits", section, name);
    return false;
}

/* Session keys of an ABP device. */
static bool abp_fields(json_t *abp, lora_dev *d, char *why, size_t n)
{
    if (lora_addr_parse(json_string_value(json_object_get(abp, "dev_addr")), &d->s.dev_addr)) {
        snprintf(why, n, "\"abp.dev_addr\" must be 8 hex digits");
        return false;
    }
    d->has_session = true;
    d->s.v11 = d->version == LW_V1_1;
    if (!d->s.v11) {
        if (!key_field(abp, "abp", "nwk_s_key", d->s.f_nwk_s_int, why, n))
            return false;
        memcpy(d->s.s_nwk_s_int, d->s.f_nwk_s_int, LW_KEY_LEN);
        memcpy(d->s.nwk_s_enc, d->s.f_nwk_s_int, LW_KEY_LEN);
    } else if (!key_field(abp, "abp", "f_nwk_s_int_key", d->s.f_nwk_s_int, why, n) ||
               !key_field(abp, "abp", "s_nwk_s_int_key", d->s.s_nwk_s_int, why, n) ||
               !key_field(abp, "abp", "nwk_s_enc_key", d->s.nwk_s_enc, why, n)) {
        return false;
    }
    return key_field(abp, "abp", "app_s_key", d->s.app_s, why, n);
}

/* Validates a registration body into d; false with why (naming the field) filled. */
static bool device_fields(lora *l, json_t *o, json_t *profile, lora_dev *d, char *why, size_t n)
{
    const char *region = field(o, profile, "region", NULL);
    const char *cls = field(o, profile, "class", "A");
    const char *version = field(o, profile, "mac_version", "1.0.3");
    const char *channel = json_string_value(json_object_get(o, "channel_id"));
    json_t *otaa = json_object_get(o, "otaa"), *abp = json_object_get(o, "abp");
    json_t *name = json_object_get(o, "name"), *codec = json_object_get(o, "codec");
    d->rx_delay = 1;
    if (lora_eui_parse(json_string_value(json_object_get(o, "dev_eui")), &d->dev_eui) != 0)
        snprintf(why, n, "\"dev_eui\" must be 16 hex digits");
    else if (!channel || !*channel || strlen(channel) >= LORA_ID_MAX)
        snprintf(why, n, "\"channel_id\" is required");
    else if (name && !json_is_string(name))
        snprintf(why, n, "\"name\" must be a string");
    else if (!region || !(d->region = lw_region_find(region)))
        snprintf(why, n, "\"region\" must be one of EU868, US915");
    else if ((d->version = lw_version_parse(version)) < 0)
        snprintf(why, n, "\"mac_version\" must be one of 1.0.0, 1.0.1, 1.0.2, 1.0.3, 1.0.4, 1.1");
    else if (strcmp(cls, "A") != 0 && strcmp(cls, "C") != 0)
        snprintf(why, n, "\"class\" must be \"A\" or \"C\"");
    else if (!otaa == !abp || (otaa && !json_is_object(otaa)) || (abp && !json_is_object(abp)))
        snprintf(why, n, "give exactly one of \"otaa\" (root keys) or \"abp\" (session keys)");
    else if (codec && (!json_is_object(codec) ||
                       !json_is_string(json_object_get(codec, "type"))))
        snprintf(why, n, "\"codec\" must be an object with a \"type\"");
    else
        why[0] = 0;
    if (why[0])
        return false;
    snprintf(d->channel, sizeof d->channel, "%s", channel);
    d->cls = cls[0];
    d->rx2_dr = d->region->rx2_dr;
    if (abp)
        return abp_fields(abp, d, why, n);
    d->otaa = true;
    if (lora_eui_parse(json_string_value(json_object_get(o, "join_eui")), &d->join_eui) != 0) {
        snprintf(why, n, "\"join_eui\" must be 16 hex digits");
        return false;
    }
    if (!key_field(otaa, "otaa", "app_key", d->app_key, why, n))
        return false;
    if (d->version != LW_V1_1) {
        memcpy(d->nwk_key, d->app_key, LW_KEY_LEN);
        return true;
    }
    return key_field(otaa, "otaa", "nwk_key", d->nwk_key, why, n);
}

/* The profile named in the body, or NULL (with a 404/400 in resp when named and missing). */
static bool load_profile(lora *l, json_t *o, const char *owner, json_t **profile,
                         lb_http_resp *resp)
{
    json_t *id = json_object_get(o, "profile_id");
    *profile = NULL;
    if (!id)
        return true;
    if (!json_is_string(id)) {
        l->host->http_error(resp, 400, "\"profile_id\" must be a string");
        return false;
    }
    if (lora_store_profile_get(l->store, owner, json_string_value(id), profile) != 0) {
        l->host->http_error(resp, 404, "profile %s not found", json_string_value(id));
        return false;
    }
    return true;
}

void lora_api_reply(lb_http_resp *resp, int status, json_t *body)
{
    resp->body = body ? json_dumps(body, JSON_COMPACT) : NULL;
    resp->body_len = resp->body ? strlen(resp->body) : 0;
    resp->status = resp->body ? status : 500;
    json_decref(body);
}

/* Removes a thing made for a device (best effort: a failure is logged). */
static void remove_thing(lora *l, const char *token, const char *thing)
{
    lb_http_resp scratch = {0};
    json_t *o = provision(l, json_pack("{s:s, s:s, s:s}", "op", "remove_thing", "token", token,
                                       "thing_id", thing),
                          &scratch);
    if (!o || json_object_get(o, "error"))
        l->host->log(l->host, LB_LOG_WARN, "cannot remove thing", "thing_id=%s", thing);
    json_decref(o);
    free(scratch.body);
}

/* Creates the thing, stores the device, adds it to the registry. */
static void device_register(lora *l, lora_dev *d, json_t *o, json_t *profile, const char *owner,
                            const char *token, lb_http_resp *resp)
{
    char eui[17];
    lora_eui_format(d->dev_eui, eui);
    const char *name = json_string_value(json_object_get(o, "name"));
    json_t *codec = json_object_get(o, "codec");
    if (!codec)
        codec = json_object_get(profile, "codec");
    json_t *reply = provision(
        l,
        json_pack("{s:s, s:s, s:s, s:s, s:{s:{s:s}}}", "op", "create_thing", "token", token,
                  "name", name ? name : eui, "channel_id", d->channel, "metadata", "lora",
                  "dev_eui", eui),
        resp);
    if (!reply || provision_failed(l, reply, resp)) {
        json_decref(reply);
        return;
    }
    snprintf(d->thing, sizeof d->thing, "%s", json_string_value(json_object_get(reply, "thing_id")));
    json_decref(reply);
    int rc = lora_store_device_add(l->store, d, owner, name ? name : eui,
                                   json_string_value(json_object_get(o, "profile_id")), codec);
    bool stored = rc == 0;
    if (stored) {
        pthread_mutex_lock(&l->lock);
        rc = lora_registry_add(l->reg, d);
        size_t count = lora_registry_count(l->reg);
        pthread_mutex_unlock(&l->lock);
        l->host->gauge_set(l->devices_gauge, (double)count);
    }
    if (rc != 0) {
        if (stored)
            lora_store_device_delete(l->store, NULL, d->dev_eui);
        remove_thing(l, token, d->thing);
        if (rc == LB_EEXIST)
            l->host->http_error(resp, 409, "device %s already exists", eui);
        else
            l->host->http_error(resp, 500, "cannot store device %s", eui);
        return;
    }
    lora_api_reply(resp, 201, json_pack("{s:s, s:s}", "dev_eui", eui, "thing_id", d->thing));
}

static int devices_create(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    lora *l = arg;
    char user[LORA_ID_MAX], why[160];
    bool admin;
    char *token = NULL;
    json_t *o = NULL, *profile = NULL;
    lora_dev *d = calloc(1, sizeof *d);
    if (!d || lora_api_caller(l, req, resp, user, &admin, &token) != 0)
        goto out;
    if (!(o = lora_api_body(l, req, resp)) || !load_profile(l, o, admin ? NULL : user, &profile, resp))
        goto out;
    if (!device_fields(l, o, profile, d, why, sizeof why)) {
        l->host->http_error(resp, 400, "%s", why);
        goto out;
    }
    json_t *codec = json_object_get(o, "codec");
    if (!codec)
        codec = json_object_get(profile, "codec");
    if (codec && !(d->codec = lora_codec_get(l->codecs, codec, why, sizeof why))) {
        l->host->http_error(resp, 400, "codec: %s", why);
        goto out;
    }
    pthread_mutex_lock(&l->lock);
    bool taken = lora_registry_get(l->reg, d->dev_eui) != NULL;
    pthread_mutex_unlock(&l->lock);
    if (taken) {
        char eui[17];
        lora_eui_format(d->dev_eui, eui);
        l->host->http_error(resp, 409, "device %s already exists", eui);
        goto out;
    }
    device_register(l, d, o, profile, user, token, resp);
    if (resp->status == 201)
        d = NULL; /* the registry has it */
out:
    free(d);
    free(token);
    json_decref(o);
    json_decref(profile);
    return 0;
}

void lora_api_store_error(lora *l, lb_http_resp *resp, int rc, const char *what, const char *id)
{
    if (rc == LB_ENOTFOUND)
        l->host->http_error(resp, 404, "%s %s not found", what, id);
    else if (rc == LB_EEXIST)
        l->host->http_error(resp, 409, "%s %s already exists", what, id);
    else
        l->host->http_error(resp, 500, "storage failed");
}

/* The DevEUI of the path, or false with a 400. */
static bool path_eui(lora *l, const lb_http_req *req, lb_http_resp *resp, uint64_t *eui)
{
    if (lora_eui_parse(req->params[0], eui) == 0)
        return true;
    l->host->http_error(resp, 400, "the DevEUI in the path must be 16 hex digits");
    return false;
}

static long query_long(lora *l, const lb_http_req *req, const char *name, long dflt, long max,
                       bool *ok)
{
    const char *v = l->host->http_query(req, name);
    if (!v)
        return dflt;
    char *end;
    long n = strtol(v, &end, 10);
    if (*v == 0 || *end || n < 0 || n > max)
        *ok = false;
    return n;
}

static int devices_list(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    lora *l = arg;
    char user[LORA_ID_MAX];
    bool admin, ok = true;
    if (lora_api_caller(l, req, resp, user, &admin, NULL) != 0)
        return 0;
    long offset = query_long(l, req, "offset", 0, 1L << 40, &ok);
    long limit = query_long(l, req, "limit", 10, 100, &ok);
    if (!ok || limit < 1) {
        l->host->http_error(resp, 400, "\"offset\" must be >= 0 and \"limit\" 1..100");
        return 0;
    }
    json_t *items;
    long total;
    int rc = lora_store_device_list(l->store, admin ? NULL : user, offset, limit, &items, &total);
    if (rc != 0) {
        json_decref(items);
        lora_api_store_error(l, resp, rc, "devices", "");
        return 0;
    }
    lora_api_reply(resp, 200, json_pack("{s:I, s:I, s:I, s:o}", "total", (json_int_t)total, "offset",
                               (json_int_t)offset, "limit", (json_int_t)limit, "devices", items));
    return 0;
}

static int devices_get(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    lora *l = arg;
    char user[LORA_ID_MAX];
    bool admin;
    uint64_t eui;
    json_t *o;
    if (lora_api_caller(l, req, resp, user, &admin, NULL) != 0 || !path_eui(l, req, resp, &eui))
        return 0;
    int rc = lora_store_device_get(l->store, admin ? NULL : user, eui, &o);
    if (rc != 0)
        lora_api_store_error(l, resp, rc, "device", req->params[0]);
    else
        lora_api_reply(resp, 200, o);
    return 0;
}

static int devices_update(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    lora *l = arg;
    char user[LORA_ID_MAX];
    bool admin;
    uint64_t eui;
    json_t *o = NULL, *out;
    if (lora_api_caller(l, req, resp, user, &admin, NULL) != 0 || !path_eui(l, req, resp, &eui) ||
        !(o = lora_api_body(l, req, resp)))
        return 0;
    json_t *name = json_object_get(o, "name");
    const char *cls = json_string_value(json_object_get(o, "class"));
    if ((name && !json_is_string(name)) || (cls && strcmp(cls, "A") && strcmp(cls, "C")) ||
        (json_object_get(o, "class") && !cls)) {
        l->host->http_error(resp, 400, "\"name\" must be a string and \"class\" \"A\" or \"C\"");
        json_decref(o);
        return 0;
    }
    int rc = lora_store_device_update(l->store, admin ? NULL : user, eui, json_string_value(name),
                                      cls ? cls[0] : 0);
    if (rc == 0 && cls) {
        pthread_mutex_lock(&l->lock);
        lora_dev *d = lora_registry_get(l->reg, eui);
        if (d)
            d->cls = cls[0];
        pthread_mutex_unlock(&l->lock);
    }
    if (rc == 0)
        rc = lora_store_device_get(l->store, NULL, eui, &out);
    if (rc != 0)
        lora_api_store_error(l, resp, rc, "device", req->params[0]);
    else
        lora_api_reply(resp, 200, out);
    json_decref(o);
    return 0;
}

static int devices_delete(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    lora *l = arg;
    char user[LORA_ID_MAX], thing[LORA_ID_MAX] = "";
    bool admin;
    uint64_t eui;
    char *token = NULL;
    if (lora_api_caller(l, req, resp, user, &admin, &token) != 0 || !path_eui(l, req, resp, &eui))
        goto out;
    json_t *o;
    int rc = lora_store_device_get(l->store, admin ? NULL : user, eui, &o);
    if (rc == 0) {
        snprintf(thing, sizeof thing, "%s", json_string_value(json_object_get(o, "thing_id")));
        json_decref(o);
        rc = lora_store_device_delete(l->store, admin ? NULL : user, eui);
    }
    if (rc != 0) {
        lora_api_store_error(l, resp, rc, "device", req->params[0]);
        goto out;
    }
    pthread_mutex_lock(&l->lock);
    lora_registry_remove(l->reg, eui);
    size_t count = lora_registry_count(l->reg);
    pthread_mutex_unlock(&l->lock);
    l->host->gauge_set(l->devices_gauge, (double)count);
    remove_thing(l, token, thing);
    resp->status = 204;
out:
    free(token);
    return 0;
}

/* PUT (attach or replace), GET, DELETE /lora/devices/<DevEUI>/codec. */
static int devices_codec(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    lora *l = arg;
    char user[LORA_ID_MAX], why[256];
    bool admin;
    uint64_t eui;
    json_t *o = NULL, *dev = NULL;
    lora_codec *c = NULL;
    if (lora_api_caller(l, req, resp, user, &admin, NULL) != 0 || !path_eui(l, req, resp, &eui))
        return 0;
    const char *owner = admin ? NULL : user;
    int rc = lora_store_device_get(l->store, owner, eui, &dev);
    if (rc == 0 && strcmp(req->method, "GET") == 0) {
        json_t *codec = json_object_get(dev, "codec");
        if (codec)
            lora_api_reply(resp, 200, json_incref(codec));
        else
            l->host->http_error(resp, 404, "device %s has no codec", req->params[0]);
        json_decref(dev);
        return 0;
    }
    json_decref(dev);
    if (rc == 0 && strcmp(req->method, "PUT") == 0) {
        if (!(o = lora_api_body(l, req, resp)))
            return 0;
        if (!(c = lora_codec_get(l->codecs, o, why, sizeof why))) {
            l->host->http_error(resp, 400, "codec: %s", why);
            json_decref(o);
            return 0;
        }
    }
    if (rc == 0)
        rc = lora_store_device_set_codec(l->store, owner, eui, o);
    if (rc == 0) {
        pthread_mutex_lock(&l->lock);
        lora_dev *d = lora_registry_get(l->reg, eui);
        if (d)
            d->codec = c;
        pthread_mutex_unlock(&l->lock);
    }
    if (rc != 0)
        lora_api_store_error(l, resp, rc, "device", req->params[0]);
    else if (o)
        lora_api_reply(resp, 200, json_incref(o));
    else
        resp->status = 204;
    json_decref(o);
    return 0;
}

/* POST /lora/codecs/test {"type", "script", "f_port", "bytes": "<base64>"}: runs a codec once
 * -> {"data", "warnings", "errors", "time_us"} (the console's decoder editor). */
static int codecs_test(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    lora *l = arg;
    char user[LORA_ID_MAX], why[256];
    bool admin;
    json_t *o;
    uint8_t bytes[LW_MAX_PHY];
    size_t len = 0;
    if (lora_api_caller(l, req, resp, user, &admin, NULL) != 0 || !(o = lora_api_body(l, req, resp)))
        return 0;
    json_t *port = json_object_get(o, "f_port");
    const char *b64 = json_string_value(json_object_get(o, "bytes"));
    if (!json_is_integer(port) || json_integer_value(port) < 0 || json_integer_value(port) > 255)
        l->host->http_error(resp, 400, "\"f_port\" must be an integer from 0 to 255");
    else if (!b64 || sodium_base642bin(bytes, sizeof bytes, b64, strlen(b64), NULL, &len, NULL,
                                       sodium_base64_VARIANT_ORIGINAL) != 0)
        l->host->http_error(resp, 400, "\"bytes\" must be base64 of at most 255 bytes");
    else {
        json_t *res = lora_codec_test(l->codecs, o, (int)json_integer_value(port), bytes, len,
                                      why, sizeof why);
        if (res)
            lora_api_reply(resp, 200, res);
        else
            l->host->http_error(resp, 400, "codec: %s", why);
    }
    json_decref(o);
    return 0;
}

static const lora_route device_routes[] = {
    {"POST", "/lora/devices", devices_create},
    {"GET", "/lora/devices", devices_list},
    {"GET", "/lora/devices/:eui", devices_get},
    {"PUT", "/lora/devices/:eui", devices_update},
    {"DELETE", "/lora/devices/:eui", devices_delete},
    {"GET", "/lora/devices/:eui/codec", devices_codec},
    {"PUT", "/lora/devices/:eui/codec", devices_codec},
    {"DELETE", "/lora/devices/:eui/codec", devices_codec},
    {"POST", "/lora/codecs/test", codecs_test},
    {NULL, NULL, NULL},
};

int lora_api_register(lora *l)
{
    const lora_route *tables[] = {device_routes, lora_gw_routes};
    for (size_t t = 0; t < sizeof tables / sizeof *tables; t++)
        for (const lora_route *r = tables[t]; r->method; r++) {
            int rc = l->host->http_route(l->host, r->method, r->path, 64 * 1024, r->fn, l);
            if (rc != 0)
                return rc;
        }
    return 0;
}
