/* --state FILE: what each device must remember between runs, as JSON keyed by DevEUI, so a
 * second run goes on where the first stopped:
 *
 *   {"version":1,"devices":{"0080000000000000":{
 *      "mode":"otaa","mac_version":"1.0.3",
 *      "session":{"dev_addr":"..","f_nwk_s_int_key":"..","s_nwk_s_int_key":"..",
 *                 "nwk_s_enc_key":"..","app_s_key":"..","v11":false,"rx1_dr_offset":0,
 *                 "rx2_dr":0,"rx2_freq":869525000,"rx_delay":1},
 *      "fcnt_up":12,"n_fcnt_down":3,"a_fcnt_down":1,"last_dev_nonce":7,"dev_nonces":[..]}}}
 *
 * A device takes its saved session and counters only when the mode and MAC version are the
 * same (and, for ABP, the session is the one --key-seed/--addr-base give now); DevNonces
 * are always taken, so no nonce is ever used twice. Devices not in this run are kept. */
#include "sim.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct key_field {
    const char *name;
    size_t off;
} key_fields[] = {
    {"f_nwk_s_int_key", offsetof(lw_session, f_nwk_s_int)},
    {"s_nwk_s_int_key", offsetof(lw_session, s_nwk_s_int)},
    {"nwk_s_enc_key", offsetof(lw_session, nwk_s_enc)},
    {"app_s_key", offsetof(lw_session, app_s)},
};

static json_t *hex_json(const uint8_t *b, size_t n)
{
    char hex[2 * LW_KEY_LEN + 1];
    sim_hex(b, n, hex);
    return json_string(hex);
}

static json_t *session_json(const sim_device *d)
{
    char addr[9];
    snprintf(addr, sizeof addr, "%08X", d->s.dev_addr);
    json_t *s = json_pack("{s:s, s:b, s:i, s:i, s:I, s:i}", "dev_addr", addr, "v11", d->s.v11,
                          "rx1_dr_offset", d->rx1_dr_offset, "rx2_dr", d->rx2_dr, "rx2_freq",
                          (json_int_t)d->rx2_freq_hz, "rx_delay", d->rx_delay);
    for (size_t k = 0; s && k < sizeof key_fields / sizeof key_fields[0]; k++)
        json_object_set_new(s, key_fields[k].name,
                            hex_json((const uint8_t *)&d->s + key_fields[k].off, LW_KEY_LEN));
    return s;
}

/* Reads a saved session into s (and the windows into d); -1 when malformed. */
static int session_read(json_t *j, sim_device *d, lw_session *s)
{
    const char *addr = NULL;
    int v11 = 0, off = 0, rx2_dr = 0, delay = 1;
    json_int_t rx2_freq = 0;
    uint64_t a;
    if (json_unpack(j, "{s:s, s:b, s:i, s:i, s:I, s:i}", "dev_addr", &addr, "v11", &v11,
                    "rx1_dr_offset", &off, "rx2_dr", &rx2_dr, "rx2_freq", &rx2_freq, "rx_delay",
                    &delay) < 0 ||
        sim_hex_u64(addr, 8, &a) < 0)
        return -1;
    memset(s, 0, sizeof *s);
    s->dev_addr = (uint32_t)a;
    s->v11 = v11;
    for (size_t k = 0; k < sizeof key_fields / sizeof key_fields[0]; k++) {
        const char *hex = json_string_value(json_object_get(j, key_fields[k].name));
        if (!hex || sim_unhex(hex, (uint8_t *)s + key_fields[k].off, LW_KEY_LEN) < 0)
            return -1;
    }
    d->rx1_dr_offset = (uint8_t)(off & 7);
    d->rx2_dr = (uint8_t)(rx2_dr & 15);
    d->rx2_freq_hz = (uint32_t)rx2_freq;
    d->rx_delay = (uint8_t)(delay >= 1 && delay <= 15 ? delay : 1);
    return 0;
}

static void nonces_read(json_t *e, sim_device *d)
{
    json_t *last = json_object_get(e, "last_dev_nonce"), *list = json_object_get(e, "dev_nonces");
    size_t k;
    json_t *v;
    if (json_is_integer(last)) {
        d->has_last_nonce = true;
        d->last_nonce = (uint16_t)json_integer_value(last);
    }
    d->n_nonces = 0;
    json_array_foreach(list, k, v)
    {
        if (!json_is_integer(v))
            continue;
        if (d->n_nonces == d->cap_nonces) {
            uint32_t cap = d->cap_nonces ? 2 * d->cap_nonces : 4;
            uint16_t *p = realloc(d->nonces, cap * sizeof *p);
            if (!p)
                return;
            d->nonces = p;
            d->cap_nonces = cap;
        }
        d->nonces[d->n_nonces++] = (uint16_t)json_integer_value(v);
    }
}

static void counter_read(json_t *e, const char *name, bool *has, uint32_t *v)
{
    json_t *j = json_object_get(e, name);
    *has = json_is_integer(j);
    *v = *has ? (uint32_t)json_integer_value(j) : 0;
}

static bool same_session(const lw_session *a, const lw_session *b)
{
    return a->dev_addr == b->dev_addr && a->v11 == b->v11 &&
           !memcmp(a->f_nwk_s_int, b->f_nwk_s_int, LW_KEY_LEN) &&
           !memcmp(a->s_nwk_s_int, b->s_nwk_s_int, LW_KEY_LEN) &&
           !memcmp(a->nwk_s_enc, b->nwk_s_enc, LW_KEY_LEN) &&
           !memcmp(a->app_s, b->app_s, LW_KEY_LEN);
}

/* Takes device d's entry e. */
static void device_read(json_t *e, sim_device *d, const sim_opts *o)
{
    const char *mode = json_string_value(json_object_get(e, "mode"));
    const char *mac = json_string_value(json_object_get(e, "mac_version"));
    json_t *js = json_object_get(e, "session");
    lw_session s;
    nonces_read(e, d);
    if (!mode || !mac || strcmp(mode, o->otaa ? "otaa" : "abp") != 0 ||
        sim_mac_parse(mac) != o->mac || !js)
        return;
    sim_device saved = *d;
    if (session_read(js, d, &s) < 0 ||
        (!o->otaa && !same_session(&s, &d->s))) { /* another ABP identity now */
        *d = saved;
        return;
    }
    d->s = s;
    d->has_session = true;
    d->reset_pending = false; /* it goes on, it was not reset */
    d->state = SIM_DEV_ACTIVE;
    d->fcnt_up = (uint32_t)json_integer_value(json_object_get(e, "fcnt_up"));
    counter_read(e, "n_fcnt_down", &d->has_nfcnt_down, &d->nfcnt_down);
    counter_read(e, "a_fcnt_down", &d->has_afcnt_down, &d->afcnt_down);
}

int sim_state_load(const char *path, sim_device *devs, uint32_t n, const sim_opts *o, char *err,
                   size_t errlen)
{
    json_error_t je;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    json_t *root = json_loadf(f, 0, &je);
    fclose(f);
    json_t *all = json_object_get(root, "devices");
    if (!json_is_object(all)) {
        snprintf(err, errlen, "%s: not a simulator state file (%s)", path,
                 root ? "no \"devices\" object" : je.text);
        json_decref(root);
        return -1;
    }
    for (uint32_t i = 0; i < n; i++) {
        char eui[17];
        snprintf(eui, sizeof eui, "%016llX", (unsigned long long)devs[i].dev_eui);
        json_t *e = json_object_get(all, eui);
        if (json_is_object(e))
            device_read(e, &devs[i], o);
    }
    json_decref(root);
    return 0;
}

static json_t *device_json(const sim_device *d, const sim_opts *o)
{
    json_t *e = json_pack("{s:s, s:s, s:I}", "mode", o->otaa ? "otaa" : "abp", "mac_version",
                          sim_mac_name(o->mac), "fcnt_up", (json_int_t)d->fcnt_up);
    json_t *list = json_array();
    if (!e || !list) {
        json_decref(e);
        json_decref(list);
        return NULL;
    }
    if (d->has_session)
        json_object_set_new(e, "session", session_json(d));
    if (d->has_nfcnt_down)
        json_object_set_new(e, "n_fcnt_down", json_integer(d->nfcnt_down));
    if (d->has_afcnt_down)
        json_object_set_new(e, "a_fcnt_down", json_integer(d->afcnt_down));
    if (d->has_last_nonce)
        json_object_set_new(e, "last_dev_nonce", json_integer(d->last_nonce));
    for (uint32_t k = 0; k < d->n_nonces; k++)
        json_array_append_new(list, json_integer(d->nonces[k]));
    json_object_set_new(e, "dev_nonces", list);
    return e;
}

int sim_state_save(const char *path, const sim_device *devs, uint32_t n, const sim_opts *o,
                   char *err, size_t errlen)
{
    char tmp[4096];
    int rc = -1;
    json_t *root = json_load_file(path, 0, NULL);
    if (!json_is_object(json_object_get(root, "devices"))) {
        json_decref(root);
        root = json_pack("{s:i, s:{}}", "version", 1, "devices");
    }
    json_t *all = json_object_get(root, "devices");
    for (uint32_t i = 0; i < n && all; i++) {
        char eui[17];
        snprintf(eui, sizeof eui, "%016llX", (unsigned long long)devs[i].dev_eui);
        json_object_set_new(all, eui, device_json(&devs[i], o));
    }
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (!all || json_dump_file(root, tmp, JSON_COMPACT) < 0) {
        snprintf(err, errlen, "cannot write %s", tmp);
        goto out;
    }
    if (rename(tmp, path) < 0) {
        snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    json_decref(root);
    return rc;
}
