/* Payload codecs in the application server. Codec plugins (lyrebird-codec-<type>.so, the
 * interface in lyrebird/codec.h) are loaded from this plugin's own folder on first use; each
 * distinct codec (type and script) is compiled once and shared by every device that uses
 * it; each device gets its own instance (its own globals), made on its first uplink and kept
 * in a bounded LRU, since a JavaScript instance costs ~200 KB.
 *
 * Decoding runs on worker threads fed by a queue, never on the loop thread: a decoder that
 * runs to its time limit delays only the jobs behind it on that worker. The worker turns
 * the decoded values into SenML on the device's channel (one record per leaf, name = key
 * path, bn = urn:dev:deveui:<DevEUI>:, bt = reception time, units where the codec gives
 * them; from normalizeUplink's payload, with the units of its schema, when there is one) and
 * publishes the lora/up event with the decoded payload, warnings and errors. */
#define _GNU_SOURCE /* dladdr */
#include "../lora.h"

#include <lyrebird/codec.h>
#include <lyrebird/error.h>
#include <lyrebird/message.h>

#include <dlfcn.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TYPES 8
#define QUEUE_MAX 65536

struct lora_codec {
    struct lora_codec *next;
    const lb_codec_plugin *plugin;
    lb_codec *compiled;
    unsigned char hash[crypto_generichash_BYTES];
    json_t *spec; /* {"type", "script"?} as given */
    unsigned refs;
};

typedef struct instance {
    struct instance *next, *lru_prev, *lru_next;
    uint64_t dev_eui;
    lora_codec *codec; /* referenced */
    lb_codec_instance *inst;
    bool busy;
} instance;

typedef struct job {
    struct job *next;
    lora_codec *codec; /* referenced */
    lora_up_event ev;
    lora_uplink up;
} job;

struct lora_codecs {
    lora *l;
    pthread_mutex_t lock; /* everything below */
    pthread_cond_t more, freed;
    struct {
        char type[32];
        void *dl;
        const lb_codec_plugin *p;
    } types[MAX_TYPES];
    size_t n_types;
    lora_codec *codecs;
    instance **buckets; /* by DevEUI, chained through next */
    size_t n_buckets;
    instance *lru_head, *lru_tail; /* head: most recent */
    size_t n_instances, max_instances;
    job *head, *tail;
    size_t queued;
    bool stopping;
    int n_workers;
    pthread_t workers[8];
};

/* The codec plugin for type, loaded on first use; NULL with err. lock held. */
static const lb_codec_plugin *plugin_for(lora_codecs *cs, const char *type, char *err,
                                         size_t errlen)
{
    for (size_t i = 0; i < cs->n_types; i++)
        if (strcmp(cs->types[i].type, type) == 0)
            return cs->types[i].p;
    size_t n = strlen(type);
    if (n == 0 || n >= sizeof cs->types[0].type || strspn(type, "abcdefghijklmnopqrstuvwxyz0123456789") != n) {
        snprintf(err, errlen, "codec type \"%s\" is not a name of lowercase letters and digits", type);
        return NULL;
    }
    Dl_info info;
    char self[4096], path[4200];
    if (cs->n_types == MAX_TYPES || !dladdr((void *)plugin_for, &info) || !info.dli_fname) {
        snprintf(err, errlen, "cannot load codec type \"%s\"", type);
        return NULL;
    }
    snprintf(self, sizeof self, "%s", info.dli_fname);
    snprintf(path, sizeof path, "%s/lyrebird-codec-%s.so", dirname(self), type);
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    lb_codec_entry_fn entry = dl ? (lb_codec_entry_fn)dlsym(dl, LB_CODEC_ENTRY) : NULL;
    const lb_codec_plugin *p = entry ? entry() : NULL;
    if (!p || p->abi != LB_CODEC_ABI) {
        snprintf(err, errlen, "unknown codec type \"%s\" (no usable %s)", type, path);
        if (dl)
            dlclose(dl);
        return NULL;
    }
    snprintf(cs->types[cs->n_types].type, sizeof cs->types[0].type, "%s", type);
    cs->types[cs->n_types].dl = dl;
    cs->types[cs->n_types++].p = p;
    return p;
}

lora_codec *lora_codec_get(lora_codecs *cs, const json_t *spec, char *err, size_t errlen)
{
    const char *type = json_string_value(json_object_get(spec, "type"));
    const char *script = json_string_value(json_object_get(spec, "script"));
    if (!type) {
        snprintf(err, errlen, "\"codec.type\" is required");
        return NULL;
    }
    unsigned char hash[crypto_generichash_BYTES];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof hash);
    crypto_generichash_update(&st, (const unsigned char *)type, strlen(type) + 1);
    if (script)
        crypto_generichash_update(&st, (const unsigned char *)script, strlen(script));
    crypto_generichash_final(&st, hash, sizeof hash);
    pthread_mutex_lock(&cs->lock);
    lora_codec *c;
    for (c = cs->codecs; c; c = c->next)
        if (memcmp(c->hash, hash, sizeof hash) == 0)
            break;
    const lb_codec_plugin *p = c ? NULL : plugin_for(cs, type, err, errlen);
    if (!c && p) {
        lb_codec *compiled = p->compile(script, script ? strlen(script) : 0, NULL, err, errlen);
        if (compiled && (c = calloc(1, sizeof *c))) {
            c->plugin = p;
            c->compiled = compiled;
            memcpy(c->hash, hash, sizeof hash);
            c->spec = json_deep_copy(spec);
            c->next = cs->codecs;
            cs->codecs = c;
        } else if (compiled) {
            p->codec_free(compiled);
        }
    }
    if (c)
        c->refs++;
    pthread_mutex_unlock(&cs->lock);
    return c;
}

const json_t *lora_codec_spec(const lora_codec *c)
{
    return c->spec;
}

void lora_codec_put(lora_codecs *cs, lora_codec *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&cs->lock);
    c->refs--; /* kept compiled: another device may name it again soon */
    pthread_mutex_unlock(&cs->lock);
}

/* ---- per-device instances ---- */

static void lru_unlink(lora_codecs *cs, instance *i)
{
    *(i->lru_prev ? &i->lru_prev->lru_next : &cs->lru_head) = i->lru_next;
    *(i->lru_next ? &i->lru_next->lru_prev : &cs->lru_tail) = i->lru_prev;
    i->lru_prev = i->lru_next = NULL;
}

static void lru_front(lora_codecs *cs, instance *i)
{
    i->lru_next = cs->lru_head;
    i->lru_prev = NULL;
    *(cs->lru_head ? &cs->lru_head->lru_prev : &cs->lru_tail) = i;
    cs->lru_head = i;
}

static instance **bucket(lora_codecs *cs, uint64_t dev_eui)
{
    uint64_t h = dev_eui * 0x9E3779B97F4A7C15ULL;
    return &cs->buckets[(h >> 32) % cs->n_buckets];
}

static void instance_drop(lora_codecs *cs, instance *i)
{
    for (instance **p = bucket(cs, i->dev_eui); *p; p = &(*p)->next)
        if (*p == i) {
            *p = i->next;
            break;
        }
    lru_unlink(cs, i);
    if (i->inst)
        i->codec->plugin->instance_free(i->inst);
    i->codec->refs--;
    cs->n_instances--;
    free(i);
}

/* The device's instance of codec c, marked busy; NULL with err. lock held; waits while
 * another worker decodes the same device's previous uplink. A device whose codec changed
 * gets a new instance. */
static instance *instance_take(lora_codecs *cs, uint64_t dev_eui, lora_codec *c, char *err,
                               size_t errlen)
{
    instance *i;
    for (;;) {
        for (i = *bucket(cs, dev_eui); i; i = i->next)
            if (i->dev_eui == dev_eui)
                break;
        if (!i || !i->busy)
            break;
        pthread_cond_wait(&cs->freed, &cs->lock);
    }
    if (i && i->codec != c) {
        instance_drop(cs, i);
        i = NULL;
    }
    if (!i) {
        while (cs->n_instances >= cs->max_instances && cs->lru_tail && !cs->lru_tail->busy)
            instance_drop(cs, cs->lru_tail);
        if (!(i = calloc(1, sizeof *i)))
            return NULL;
        /* made outside the lock (it takes ~1 ms for JavaScript): the entry is busy meanwhile */
        instance **b = bucket(cs, dev_eui);
        *i = (instance){.next = *b, .dev_eui = dev_eui, .codec = c, .busy = true};
        *b = i;
        c->refs++;
        cs->n_instances++;
        lru_front(cs, i);
        pthread_mutex_unlock(&cs->lock);
        lb_codec_instance *inst = c->plugin->instance_new(c->compiled, err, errlen);
        pthread_mutex_lock(&cs->lock);
        i->inst = inst;
        if (!inst) {
            instance_drop(cs, i);
            pthread_cond_broadcast(&cs->freed);
            return NULL;
        }
        return i;
    }
    lru_unlink(cs, i);
    lru_front(cs, i);
    i->busy = true;
    return i;
}

/* ---- SenML ---- */

/* Units of The Things Stack's normalized payload fields (the lorawan-devices repository's
 * normalized-payload schema), by field name, as SenML units (RFC 8428 §12.1 and the
 * secondary registry of RFC 8798). */
static const struct {
    const char *field, *unit;
} normalized_units[] = {
    {"temperature", "Cel"}, {"relativeHumidity", "%RH"}, {"pressure", "hPa"},
    {"co2", "ppm"},         {"lightIntensity", "lx"},    {"speed", "m/s"},
    {"direction", "deg"},   {"moisture", "%"},           {"voltage", "V"},
    {"current", "A"},       {"power", "W"},              {"energy", "kWh"},
    {"latitude", "lat"},    {"longitude", "lon"},        {"altitude", "m"},
    {"battery", "V"},
};

/* The unit of path: from the codec's units map, else (normalized payloads) the schema's. */
static const char *unit_of(json_t *units, bool normalized, const char *path)
{
    const char *unit = json_string_value(json_object_get(units, path));
    if (unit || !normalized)
        return unit;
    const char *leaf = strrchr(path, '.');
    leaf = leaf ? leaf + 1 : path;
    for (size_t i = 0; i < sizeof normalized_units / sizeof *normalized_units; i++)
        if (strcmp(leaf, normalized_units[i].field) == 0)
            return normalized_units[i].unit;
    return NULL;
}

/* Appends a record for every leaf under v, named by its key path. */
static void leaves(json_t *pack, json_t *units, bool normalized, const char *path, json_t *v)
{
    char sub[512];
    if (json_is_object(v) || json_is_array(v)) {
        const char *k;
        json_t *child;
        size_t idx;
        if (json_is_object(v)) {
            json_object_foreach(v, k, child) {
                snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", k);
                leaves(pack, units, normalized, sub, child);
            }
        } else {
            json_array_foreach(v, idx, child) {
                snprintf(sub, sizeof sub, "%s%s%zu", path, *path ? "." : "", idx);
                leaves(pack, units, normalized, sub, child);
            }
        }
        return;
    }
    json_t *rec = json_pack("{s:s}", "n", path);
    if (json_is_number(v))
        json_object_set_new(rec, "v", json_real(json_number_value(v)));
    else if (json_is_string(v))
        json_object_set(rec, "vs", v);
    else if (json_is_boolean(v))
        json_object_set(rec, "vb", v);
    else {
        json_decref(rec); /* null: no value to record */
        return;
    }
    const char *unit = unit_of(units, normalized, path);
    if (unit)
        json_object_set_new(rec, "u", json_string(unit));
    json_array_append_new(pack, rec);
}

/* Publishes values of the device's frame as SenML on its channel: the normalized payload
 * when the codec gave one (its fields have known units), else the decoded data. */
static void publish_senml(lora *l, const lora_up_event *ev, const lora_uplink *up, json_t *res)
{
    json_t *norm = json_object_get(res, "normalized"), *pack = json_array();
    leaves(pack, json_object_get(res, "units"), norm != NULL, "",
           norm ? norm : json_object_get(res, "data"));
    if (json_array_size(pack) == 0) {
        json_decref(pack);
        return;
    }
    char eui[17], bn[64];
    lora_eui_format(ev->dev_eui, eui);
    snprintf(bn, sizeof bn, "urn:dev:deveui:%s:", eui);
    json_t *first = json_array_get(pack, 0);
    json_object_set_new(first, "bn", json_string(bn));
    json_object_set_new(first, "bt", json_real((double)up->rx_ns / 1e9));
    char *text = json_dumps(pack, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(pack);
    if (!text)
        return;
    char err[LB_ERRLEN];
    lb_message m = {.channel = ev->channel, .subtopic = "", .publisher = ev->thing,
                    .protocol = "lora", .payload = (const uint8_t *)text,
                    .payload_len = strlen(text), .created = up->rx_ns,
                    .content_type = "application/senml+json"};
    if (l->host->publish_message(l->host, &m, err, sizeof err) != 0)
        l->host->log(l->host, LB_LOG_ERROR, "cannot publish", "channel=%s error=\"%s\"",
                     ev->channel, err);
    free(text);
}

/* Decodes one job: SenML on the channel, and the event with what the codec said. */
static void run_job(lora_codecs *cs, job *j)
{
    lora *l = cs->l;
    char err[256] = "", *out = NULL;
    pthread_mutex_lock(&cs->lock);
    instance *i = instance_take(cs, j->ev.dev_eui, j->codec, err, sizeof err);
    pthread_mutex_unlock(&cs->lock);
    json_t *res = NULL;
    if (i) {
        lb_codec_input in = {.bytes = j->ev.plain, .len = j->ev.plain_len, .fport = j->ev.fport,
                             .recv_time_ns = j->up.rx_ns};
        int rc = i->codec->plugin->decode_uplink(i->inst, &in, &out);
        pthread_mutex_lock(&cs->lock);
        i->busy = false;
        pthread_cond_broadcast(&cs->freed);
        pthread_mutex_unlock(&cs->lock);
        res = rc == 0 && out ? json_loads(out, 0, NULL) : NULL;
        if (!res)
            snprintf(err, sizeof err, "the codec failed: %s", lb_strerror(rc));
        free(out);
    }
    if (!json_is_object(res)) {
        json_decref(res);
        res = json_pack("{s:[s]}", "errors", err[0] ? err : "the codec gave no result");
    }
    json_t *data = json_object_get(res, "data");
    if (data && !json_array_size(json_object_get(res, "errors")))
        publish_senml(l, &j->ev, &j->up, res);
    l->host->counter_add(json_array_size(json_object_get(res, "errors")) ? l->decode_failed
                                                                          : l->decoded,
                         1);
    json_t *extra = json_object();
    if (data)
        json_object_set(extra, "decoded_payload", data);
    json_object_set(extra, "warnings", json_object_get(res, "warnings") ? json_object_get(res, "warnings") : json_array());
    json_object_set(extra, "errors", json_object_get(res, "errors") ? json_object_get(res, "errors") : json_array());
    char *text = json_dumps(extra, JSON_COMPACT | JSON_REAL_PRECISION(15));
    /* {"decoded_payload":...} -> ,"decoded_payload":... spliced into the event */
    if (text && strlen(text) > 2) {
        text[strlen(text) - 1] = 0;
        text[0] = ',';
    }
    lora_as_uplink(l, &j->ev, &j->up, text);
    free(text);
    json_decref(extra);
    json_decref(res);
}

static void *worker(void *arg)
{
    lora_codecs *cs = arg;
    pthread_mutex_lock(&cs->lock);
    for (;;) {
        while (!cs->head && !cs->stopping)
            pthread_cond_wait(&cs->more, &cs->lock);
        job *j = cs->head;
        if (!j)
            break;
        cs->head = j->next;
        if (!cs->head)
            cs->tail = NULL;
        cs->queued--;
        pthread_mutex_unlock(&cs->lock);
        run_job(cs, j);
        pthread_mutex_lock(&cs->lock);
        j->codec->refs--;
        free(j);
    }
    pthread_mutex_unlock(&cs->lock);
    return NULL;
}

bool lora_codec_decode(lora_codecs *cs, lora_codec *c, const lora_up_event *ev,
                       const lora_uplink *up)
{
    job *j = malloc(offsetof(job, up) + offsetof(lora_uplink, rx) + up->n_rx * sizeof(lora_rx));
    if (!j)
        return false;
    j->next = NULL;
    j->codec = c;
    j->ev = *ev;
    memcpy(&j->up, up, offsetof(lora_uplink, rx) + up->n_rx * sizeof(lora_rx));
    pthread_mutex_lock(&cs->lock);
    bool ok = cs->queued < QUEUE_MAX && !cs->stopping;
    if (ok) {
        c->refs++;
        *(cs->tail ? &cs->tail->next : &cs->head) = j;
        cs->tail = j;
        cs->queued++;
        pthread_cond_signal(&cs->more);
    }
    pthread_mutex_unlock(&cs->lock);
    if (!ok)
        free(j);
    return ok;
}

lora_codecs *lora_codecs_new(lora *l, int workers, size_t max_instances)
{
    lora_codecs *cs = calloc(1, sizeof *cs);
    if (!cs)
        return NULL;
    cs->l = l;
    cs->max_instances = max_instances;
    cs->n_buckets = max_instances < 1024 ? 1024 : max_instances;
    if (!(cs->buckets = calloc(cs->n_buckets, sizeof *cs->buckets))) {
        free(cs);
        return NULL;
    }
    pthread_mutex_init(&cs->lock, NULL);
    pthread_cond_init(&cs->more, NULL);
    pthread_cond_init(&cs->freed, NULL);
    for (int i = 0; i < workers && i < 8; i++)
        if (pthread_create(&cs->workers[cs->n_workers], NULL, worker, cs) == 0)
            cs->n_workers++;
    return cs;
}

void lora_codecs_free(lora_codecs *cs)
{
    if (!cs)
        return;
    pthread_mutex_lock(&cs->lock);
    cs->stopping = true; /* queued jobs are still decoded: nothing accepted is lost */
    pthread_cond_broadcast(&cs->more);
    pthread_mutex_unlock(&cs->lock);
    for (int i = 0; i < cs->n_workers; i++)
        pthread_join(cs->workers[i], NULL);
    while (cs->lru_head)
        instance_drop(cs, cs->lru_head);
    free(cs->buckets);
    for (lora_codec *c = cs->codecs, *next; c; c = next) {
        next = c->next;
        c->plugin->codec_free(c->compiled);
        json_decref(c->spec);
        free(c);
    }
    for (size_t i = 0; i < cs->n_types; i++)
        dlclose(cs->types[i].dl);
    pthread_mutex_destroy(&cs->lock);
    pthread_cond_destroy(&cs->more);
    pthread_cond_destroy(&cs->freed);
    free(cs);
}

json_t *lora_codec_test(lora_codecs *cs, const json_t *spec, int fport, const uint8_t *bytes,
                        size_t len, char *err, size_t errlen)
{
    lora_codec *c = lora_codec_get(cs, spec, err, errlen);
    if (!c)
        return NULL;
    lb_codec_instance *inst = c->plugin->instance_new(c->compiled, err, errlen);
    json_t *res = NULL;
    if (inst) {
        char *out = NULL;
        lb_codec_input in = {.bytes = bytes, .len = len, .fport = fport,
                             .recv_time_ns = lb_now_ns()};
        int64_t t0 = lora_mono_ns();
        int rc = c->plugin->decode_uplink(inst, &in, &out);
        int64_t us = (lora_mono_ns() - t0) / 1000;
        res = rc == 0 && out ? json_loads(out, 0, NULL) : NULL;
        if (json_is_object(res))
            json_object_set_new(res, "time_us", json_integer(us));
        else
            snprintf(err, errlen, "the codec failed: %s", lb_strerror(rc));
        free(out);
        c->plugin->instance_free(inst);
    }
    lora_codec_put(cs, c);
    return res;
}

int lora_codec_encode(lora_codecs *cs, lora_codec *c, json_t *data, int *fport, uint8_t *out,
                      size_t cap, size_t *len, char *err, size_t errlen)
{
    if (!c->plugin->encode_downlink) {
        snprintf(err, errlen, "the device's codec cannot encode downlinks");
        return -1;
    }
    lb_codec_instance *inst = c->plugin->instance_new(c->compiled, err, errlen);
    if (!inst)
        return -1;
    json_t *in = json_pack("{s:O, s:i}", "data", data, "f_port", *fport);
    char *text = in ? json_dumps(in, JSON_COMPACT) : NULL, *res_text = NULL;
    int rc = text ? c->plugin->encode_downlink(inst, text, &res_text) : LB_ENOMEM;
    json_t *res = rc == 0 && res_text ? json_loads(res_text, 0, NULL) : NULL;
    json_t *bytes = json_object_get(res, "bytes"), *errors = json_object_get(res, "errors");
    int ok = -1;
    if (!res)
        snprintf(err, errlen, "the codec failed: %s", lb_strerror(rc));
    else if (json_array_size(errors))
        snprintf(err, errlen, "encodeDownlink: %s",
                 json_string_value(json_array_get(errors, 0)) ? json_string_value(json_array_get(errors, 0)) : "error");
    else if (!json_is_array(bytes) || json_array_size(bytes) > cap)
        snprintf(err, errlen, "encodeDownlink gave no \"bytes\" of at most %zu", cap);
    else {
        ok = 0;
        *len = json_array_size(bytes);
        for (size_t i = 0; i < *len && ok == 0; i++) {
            json_int_t b = json_integer_value(json_array_get(bytes, i));
            if (!json_is_integer(json_array_get(bytes, i)) || b < 0 || b > 255) {
                snprintf(err, errlen, "encodeDownlink: bytes[%zu] is not 0..255", i);
                ok = -1;
            }
            out[i] = (uint8_t)b;
        }
        json_t *port = json_object_get(res, "f_port");
        if (!port)
            port = json_object_get(res, "fPort");
        if (json_is_integer(port))
            *fport = (int)json_integer_value(port);
    }
    json_decref(res);
    json_decref(in);
    free(text);
    free(res_text);
    c->plugin->instance_free(inst);
    return ok;
}
