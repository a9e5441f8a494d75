/* Device registration: --print-devices prints the body of POST /lora/devices for every
 * simulated device (one JSON line each), --register POSTs them to a Lyrebird over one
 * keep-alive libcurl connection before the run. 201 (created) and 409 (already there) both
 * count as registered. */
#include "sim.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <jansson.h>
#include <string.h>

static void set_hex(json_t *obj, const char *name, const uint8_t *b, size_t n)
{
    char hex[2 * LW_KEY_LEN + 1];
    sim_hex(b, n, hex);
    json_object_set_new(obj, name, json_string(hex));
}

/* The keys of the "otaa" or "abp" object, by MAC version. */
static json_t *keys_json(const sim_opts *o, const sim_device *d)
{
    json_t *k = json_object();
    if (!k)
        return NULL;
    if (o->otaa) {
        set_hex(k, "app_key", d->app_key, LW_KEY_LEN);
        if (o->mac == LW_V1_1)
            set_hex(k, "nwk_key", d->nwk_key, LW_KEY_LEN);
        return k;
    }
    char addr[9];
    snprintf(addr, sizeof addr, "%08" PRIX32, d->s.dev_addr);
    json_object_set_new(k, "dev_addr", json_string(addr));
    if (o->mac == LW_V1_1) {
        set_hex(k, "f_nwk_s_int_key", d->s.f_nwk_s_int, LW_KEY_LEN);
        set_hex(k, "s_nwk_s_int_key", d->s.s_nwk_s_int, LW_KEY_LEN);
        set_hex(k, "nwk_s_enc_key", d->s.nwk_s_enc, LW_KEY_LEN);
    } else {
        set_hex(k, "nwk_s_key", d->s.f_nwk_s_int, LW_KEY_LEN);
    }
    set_hex(k, "app_s_key", d->s.app_s, LW_KEY_LEN);
    return k;
}

/* The POST /lora/devices body of device i; NULL when out of memory. The caller frees it. */
static json_t *device_body(const sim_opts *o, uint32_t i)
{
    sim_device d;
    char eui[17], join[17], name[24];
    if (sim_device_init(&d, o, i) < 0)
        return NULL;
    snprintf(eui, sizeof eui, "%016" PRIX64, d.dev_eui);
    snprintf(join, sizeof join, "%016" PRIX64, o->join_eui);
    snprintf(name, sizeof name, "sim-%" PRIu32, i);
    json_t *b = json_pack("{s:s, s:s, s:s}", "dev_eui", eui, "join_eui", join, "name", name);
    if (b && o->channel)
        json_object_set_new(b, "channel_id", json_string(o->channel));
    if (b) {
        json_object_set_new(b, "mac_version", json_string(sim_mac_name(o->mac)));
        json_object_set_new(b, "region", json_string(o->region->name));
        json_object_set_new(b, "class", json_string("A"));
        json_object_set_new(b, o->otaa ? "otaa" : "abp", keys_json(o, &d));
    }
    sim_device_free(&d);
    return b;
}

int sim_print_devices(const sim_opts *o, FILE *out)
{
    for (uint32_t i = 0; i < o->devices; i++) {
        json_t *b = device_body(o, i);
        int rc = b ? json_dumpf(b, out, JSON_COMPACT) : -1;
        json_decref(b);
        if (rc < 0 || fputc('\n', out) == EOF)
            return -1;
    }
    return fflush(out) == 0 ? 0 : -1;
}

/* Keeps the start of a response body, for error messages. */
typedef struct reply {
    char text[256];
    size_t len;
} reply;

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
    reply *r = ctx;
    size_t take = size * n;
    if (take > sizeof r->text - 1 - r->len)
        take = sizeof r->text - 1 - r->len;
    memcpy(r->text + r->len, data, take);
    r->len += take;
    r->text[r->len] = 0;
    return size * n;
}

/* POSTs device i; returns the HTTP status, or -1 after printing a transport error. */
static long post_one(CURL *c, const sim_opts *o, uint32_t i, reply *r)
{
    json_t *b = device_body(o, i);
    char *body = b ? json_dumps(b, JSON_COMPACT) : NULL;
    long code = -1;
    json_decref(b);
    if (!body)
        return -1;
    r->len = 0;
    r->text[0] = 0;
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK)
        fprintf(stderr, "lyrebird-sim: register: %s\n", curl_easy_strerror(rc));
    else
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    free(body);
    return code;
}

int sim_register(const sim_opts *o)
{
    char url[2048], auth[1024];
    uint32_t created = 0, existed = 0, failed = 0;
    reply r;
    CURL *c = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", o->token);
    struct curl_slist *h2 = h ? curl_slist_append(h, auth) : NULL;
    int rc = -1;
    if (!c || !h2) {
        fprintf(stderr, "lyrebird-sim: register: out of memory\n");
        goto out;
    }
    h = h2;
    size_t ul = strlen(o->register_url);
    snprintf(url, sizeof url, "%.*s/lora/devices",
             (int)(ul && o->register_url[ul - 1] == '/' ? ul - 1 : ul), o->register_url);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    for (uint32_t i = 0; i < o->devices; i++) {
        long code = post_one(c, o, i, &r);
        if (code < 0)
            goto out; /* the server is not there: no point going on */
        if (code == 201)
            created++;
        else if (code == 409)
            existed++;
        else if (++failed <= 3)
            fprintf(stderr, "lyrebird-sim: register sim-%" PRIu32 ": HTTP %ld %s\n", i, code,
                    r.text);
        if ((i + 1) % 1000 == 0)
            fprintf(stderr, "lyrebird-sim: registered %" PRIu32 "/%" PRIu32 "\n", i + 1,
                    o->devices);
    }
    fprintf(stderr,
            "lyrebird-sim: register: %" PRIu32 " created (201), %" PRIu32
            " already there (409), %" PRIu32 " failed\n",
            created, existed, failed);
    rc = failed ? -1 : 0;
out:
    curl_slist_free_all(h);
    if (c)
        curl_easy_cleanup(c);
    return rc;
}
