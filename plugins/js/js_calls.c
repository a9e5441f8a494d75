/* One codec call, marshalled: the input (bytes as a plain Array, fPort, recvTime as a Date,
 * variables) is built with duktape's C API (no script-visible built-ins are looked up, so a
 * script that replaced Array or JSON cannot interfere), the entry function of whichever API
 * the script speaks is called, its answer is checked, and the result object is turned into
 * JSON text by duktape's encoder (NaN and Infinity become null; cycles are an error). All of
 * it runs in one protected call under the instance's deadline and memory cap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <lyrebird/error.h>

#include "js_codec.h"

#define MSG_LEN 512

struct call_args {
    lb_js_heap *h;
    enum lb_js_call kind;
    const lb_codec_input *in;
    const char *data_json;
    int rc; /* LB_EINVAL: the caller's JSON was bad */
};

static bool global_function(duk_context *ctx, const char *name)
{
    duk_get_global_string(ctx, name);
    if (duk_is_function(ctx, -1))
        return true;
    duk_pop(ctx);
    return false;
}

static void push_message(duk_context *ctx, duk_idx_t r, const char *list, const char *msg)
{
    duk_get_prop_string(ctx, r, list);
    duk_push_string(ctx, msg);
    duk_put_prop_index(ctx, -2, (duk_uarridx_t)duk_get_length(ctx, -2));
    duk_pop(ctx);
}

static void add_error(duk_context *ctx, duk_idx_t r, const char *fmt, const char *a, const char *b)
{
    char msg[MSG_LEN];
    snprintf(msg, sizeof msg, fmt, a, b);
    push_message(ctx, r, "errors", msg);
}

static void add_thrown(struct call_args *a, duk_idx_t r, const char *fn)
{
    char msg[MSG_LEN];
    lb_js_describe_thrown(a->h, -1, fn, msg, sizeof msg);
    push_message(a->h->ctx, r, "errors", msg);
}

static bool has_errors(duk_context *ctx, duk_idx_t r)
{
    duk_get_prop_string(ctx, r, "errors");
    bool any = duk_get_length(ctx, -1) > 0;
    duk_pop(ctx);
    return any;
}

static const char *type_name(duk_context *ctx, duk_idx_t idx)
{
    switch (duk_get_type(ctx, idx)) {
    case DUK_TYPE_UNDEFINED:
        return "undefined";
    case DUK_TYPE_NULL:
        return "null";
    case DUK_TYPE_BOOLEAN:
        return "a boolean";
    case DUK_TYPE_NUMBER:
        return "a number";
    case DUK_TYPE_STRING:
        return "a string";
    case DUK_TYPE_OBJECT:
        if (duk_is_array(ctx, idx))
            return "an array";
        if (duk_is_function(ctx, idx))
            return "a function";
        return "an object";
    default:
        return "a value of another type";
    }
}

static bool plain_object(duk_context *ctx, duk_idx_t idx)
{
    return duk_is_object(ctx, idx) && !duk_is_array(ctx, idx) && !duk_is_function(ctx, idx);
}

/* Appends the strings of ret[prop] (an array, or one value) to r[prop]. */
static void copy_messages(duk_context *ctx, duk_idx_t ret, duk_idx_t r, const char *prop)
{
    duk_get_prop_string(ctx, ret, prop);
    duk_idx_t v = duk_get_top_index(ctx);
    if (duk_is_array(ctx, v)) {
        duk_size_t n = duk_get_length(ctx, v);
        for (duk_size_t k = 0; k < n; k++) {
            duk_get_prop_index(ctx, v, (duk_uarridx_t)k);
            push_message(ctx, r, prop, duk_safe_to_string(ctx, -1));
            duk_pop(ctx);
        }
    } else if (!duk_is_null_or_undefined(ctx, v)) {
        push_message(ctx, r, prop, duk_safe_to_string(ctx, v));
    }
    duk_pop(ctx);
}

static void push_bytes(duk_context *ctx, const uint8_t *b, size_t n)
{
    duk_push_array(ctx);
    for (size_t k = 0; k < n; k++) {
        duk_push_uint(ctx, b[k]);
        duk_put_prop_index(ctx, -2, (duk_uarridx_t)k);
    }
}

static duk_ret_t json_decode_top(duk_context *ctx, void *udata)
{
    duk_json_decode(ctx, -1);
    return 1;
}

/* Pushes the parsed JSON text s; false (nothing pushed, a->rc set) if it is not JSON. */
static bool push_json(struct call_args *a, const char *s)
{
    duk_push_string(a->h->ctx, s);
    if (duk_safe_call(a->h->ctx, json_decode_top, NULL, 1, 1) != DUK_EXEC_SUCCESS) {
        duk_pop(a->h->ctx);
        a->rc = LB_EINVAL;
        return false;
    }
    return true;
}

/* recvTime.toISOString() (and so JSON.stringify) with the nanoseconds: the hidden property
 * holds the RFC 3339 text made when the Date was pushed. */
static duk_ret_t recv_time_iso(duk_context *ctx)
{
    duk_push_this(ctx);
    if (duk_get_prop_string(ctx, -1, DUK_HIDDEN_SYMBOL("rfc3339")) && duk_is_string(ctx, -1))
        return 1;
    /* moved to another object: the standard one */
    duk_push_heap_stash(ctx);
    duk_get_prop_string(ctx, -1, "Date");
    duk_get_prop_string(ctx, -1, "prototype");
    duk_get_prop_string(ctx, -1, "toISOString");
    duk_dup(ctx, 0);
    duk_call_method(ctx, 0);
    return 1;
}

/* Pushes recvTime: a Date (the pristine constructor from the stash) of the millisecond;
 * when ns carries more than milliseconds, its own toISOString gives all nine digits
 * ("2023-07-19T07:51:25.508306410Z", as The Things Stack serialises it), so a decoder that
 * copies recvTime into its output keeps the exact time. */
static void push_recv_time(duk_context *ctx, int64_t ns)
{
    int64_t ms = ns / 1000000 - (ns % 1000000 < 0);
    int64_t sub = ns - ms * 1000000; /* 0..999999 ns past the millisecond */
    duk_push_heap_stash(ctx);
    duk_get_prop_string(ctx, -1, "Date");
    duk_push_number(ctx, (double)ms);
    duk_new(ctx, 1);
    duk_remove(ctx, -2);
    if (sub == 0)
        return;
    time_t secs = (time_t)(ms / 1000 - (ms % 1000 < 0));
    int64_t frac = ns - (int64_t)secs * 1000000000; /* 0..999999999 */
    struct tm tm;
    char text[64];
    if (!gmtime_r(&secs, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999)
        return;
    snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long long)frac);
    duk_push_string(ctx, text);
    duk_put_prop_string(ctx, -2, DUK_HIDDEN_SYMBOL("rfc3339"));
    duk_push_string(ctx, "toISOString");
    duk_push_c_function(ctx, recv_time_iso, 0);
    duk_def_prop(ctx, -3,
                 DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE | DUK_DEFPROP_CLEAR_ENUMERABLE |
                     DUK_DEFPROP_SET_CONFIGURABLE);
}

/* {bytes, fPort, recvTime, variables}: TTS's input, plus ChirpStack's variables */
static bool push_input(struct call_args *a, bool uplink)
{
    duk_context *ctx = a->h->ctx;
    const lb_codec_input *in = a->in;
    duk_push_object(ctx);
    push_bytes(ctx, in->bytes, in->len);
    duk_put_prop_string(ctx, -2, "bytes");
    duk_push_int(ctx, in->fport);
    duk_put_prop_string(ctx, -2, "fPort");
    if (uplink) {
        push_recv_time(ctx, in->recv_time_ns);
        duk_put_prop_string(ctx, -2, "recvTime");
    }
    if (in->variables) {
        if (!push_json(a, in->variables))
            return false;
    } else {
        duk_push_object(ctx);
    }
    duk_put_prop_string(ctx, -2, "variables");
    return true;
}

/* Checks the {data, warnings, errors} at ret and moves them into r. */
static void take_decoded(duk_context *ctx, duk_idx_t ret, duk_idx_t r, const char *fn,
                         const char *into)
{
    if (!plain_object(ctx, ret)) {
        add_error(ctx, r, "%s returned %s, not an object {data, warnings, errors}", fn,
                  type_name(ctx, ret));
        return;
    }
    copy_messages(ctx, ret, r, "warnings");
    copy_messages(ctx, ret, r, "errors");
    duk_get_prop_string(ctx, ret, "data");
    if (plain_object(ctx, -1) || (duk_is_array(ctx, -1) && strcmp(into, "normalized") == 0)) {
        duk_put_prop_string(ctx, r, into);
        return;
    }
    if (!duk_is_undefined(ctx, -1) || !has_errors(ctx, r))
        add_error(ctx, r, "%s returned data that is %s, not an object", fn, type_name(ctx, -1));
    duk_pop(ctx);
}

/* TTN v2: Decoder(bytes, port), then Converter(decoded, port), Validator(converted, port) */
static void decode_ttn_v2(struct call_args *a, duk_idx_t r)
{
    duk_context *ctx = a->h->ctx;
    push_bytes(ctx, a->in->bytes, a->in->len);
    duk_push_int(ctx, a->in->fport);
    if (duk_pcall(ctx, 2) != DUK_EXEC_SUCCESS) {
        add_thrown(a, r, "Decoder");
        return;
    }
    if (global_function(ctx, "Converter")) {
        duk_dup(ctx, -2);
        duk_push_int(ctx, a->in->fport);
        if (duk_pcall(ctx, 2) != DUK_EXEC_SUCCESS) {
            add_thrown(a, r, "Converter");
            return;
        }
    }
    if (!plain_object(ctx, -1)) {
        add_error(ctx, r, "%s returned %s, not an object", "Decoder", type_name(ctx, -1));
        return;
    }
    if (global_function(ctx, "Validator")) {
        duk_dup(ctx, -2);
        duk_push_int(ctx, a->in->fport);
        if (duk_pcall(ctx, 2) != DUK_EXEC_SUCCESS) {
            add_thrown(a, r, "Validator");
            return;
        }
        bool valid = duk_to_boolean(ctx, -1);
        duk_pop(ctx);
        if (!valid) {
            add_error(ctx, r, "%s rejected the decoded payload%s", "Validator", "");
            return;
        }
    }
    duk_put_prop_string(ctx, r, "data");
}

/* Moves the messages of t[list] into r's warnings, each prefixed "normalizeUplink: ". */
static void warn_normalize(duk_context *ctx, duk_idx_t t, const char *list, duk_idx_t r)
{
    duk_get_prop_string(ctx, t, list);
    duk_size_t n = duk_get_length(ctx, -1);
    for (duk_size_t k = 0; k < n; k++) {
        duk_get_prop_index(ctx, -1, (duk_uarridx_t)k);
        const char *msg = duk_safe_to_string(ctx, -1);
        char buf[MSG_LEN];
        snprintf(buf, sizeof buf, "%s%s",
                 strncmp(msg, "normalizeUplink", 15) ? "normalizeUplink: " : "", msg);
        push_message(ctx, r, "warnings", buf);
        duk_pop(ctx);
    }
    duk_pop(ctx);
}

/* normalizeUplink(data) when the decode gave data and no errors. Normalising is a second,
 * optional step over a decode that succeeded: when it throws or reports errors, the decoded
 * data stays, "normalized" is left out and its errors become warnings. */
static void normalize(struct call_args *a, duk_idx_t r)
{
    duk_context *ctx = a->h->ctx;
    if (has_errors(ctx, r) || !duk_has_prop_string(ctx, r, "data") ||
        !global_function(ctx, "normalizeUplink"))
        return;
    duk_push_object(ctx);
    duk_idx_t t = duk_get_top_index(ctx);
    duk_push_array(ctx);
    duk_put_prop_string(ctx, t, "warnings");
    duk_push_array(ctx);
    duk_put_prop_string(ctx, t, "errors");
    duk_swap_top(ctx, -2); /* [t fn] */
    t = duk_get_top_index(ctx) - 1;
    duk_push_object(ctx);
    duk_get_prop_string(ctx, r, "data");
    duk_put_prop_string(ctx, -2, "data");
    if (duk_pcall(ctx, 1) != DUK_EXEC_SUCCESS)
        add_thrown(a, t, "normalizeUplink");
    else
        take_decoded(ctx, duk_get_top_index(ctx), t, "normalizeUplink", "normalized");
    warn_normalize(ctx, t, "warnings", r);
    warn_normalize(ctx, t, "errors", r);
    if (!has_errors(ctx, t) && duk_get_prop_string(ctx, t, "normalized"))
        duk_put_prop_string(ctx, r, "normalized");
}

static void decode(struct call_args *a, duk_idx_t r)
{
    duk_context *ctx = a->h->ctx;
    bool uplink = a->kind == LB_JS_DECODE_UPLINK;
    const char *fn = uplink ? "decodeUplink" : "decodeDownlink";
    if (global_function(ctx, fn)) {
        if (!push_input(a, uplink))
            return;
        if (duk_pcall(ctx, 1) != DUK_EXEC_SUCCESS)
            add_thrown(a, r, fn);
        else
            take_decoded(ctx, duk_get_top_index(ctx), r, fn, "data");
    } else if (uplink && global_function(ctx, "Decoder")) {
        decode_ttn_v2(a, r);
    } else if (uplink && global_function(ctx, "Decode")) {
        /* ChirpStack v3: Decode(fPort, bytes, variables) */
        duk_push_int(ctx, a->in->fport);
        push_bytes(ctx, a->in->bytes, a->in->len);
        if (!a->in->variables)
            duk_push_object(ctx);
        else if (!push_json(a, a->in->variables))
            return;
        if (duk_pcall(ctx, 3) != DUK_EXEC_SUCCESS)
            add_thrown(a, r, "Decode");
        else if (!plain_object(ctx, -1))
            add_error(ctx, r, "%s returned %s, not an object", "Decode", type_name(ctx, -1));
        else
            duk_put_prop_string(ctx, r, "data");
    } else {
        add_error(ctx, r, "the script has no %s function%s", fn,
                  uplink ? " (nor TTN v2's Decoder)" : "");
    }
    if (uplink)
        normalize(a, r);
}

/* Copies the bytes at idx (an array or typed array of integers 0-255) into r.bytes. */
static void take_bytes(duk_context *ctx, duk_idx_t idx, duk_idx_t r, const char *fn)
{
    idx = duk_normalize_index(ctx, idx);
    if (!duk_is_array(ctx, idx) && !duk_is_buffer_data(ctx, idx)) {
        add_error(ctx, r, "%s returned bytes that are %s, not an array", fn, type_name(ctx, idx));
        return;
    }
    duk_size_t n = duk_get_length(ctx, idx);
    if (n > 65535) {
        add_error(ctx, r, "%s returned more than 65535 bytes%s", fn, "");
        return;
    }
    duk_push_array(ctx);
    for (duk_size_t k = 0; k < n; k++) {
        duk_get_prop_index(ctx, idx, (duk_uarridx_t)k);
        double v = duk_is_number(ctx, -1) ? duk_get_number(ctx, -1) : -1;
        if (!(v >= 0 && v <= 255 && v == (double)(int)v)) {
            char at[48];
            snprintf(at, sizeof at, "%zu", (size_t)k);
            add_error(ctx, r, "%s returned bytes[%s] that is not an integer 0-255", fn, at);
            duk_pop_2(ctx);
            return;
        }
        duk_put_prop_index(ctx, -2, (duk_uarridx_t)k);
    }
    duk_put_prop_string(ctx, r, "bytes");
}

static void take_fport(duk_context *ctx, duk_idx_t idx, duk_idx_t r, const char *fn)
{
    idx = duk_normalize_index(ctx, idx);
    if (duk_is_null_or_undefined(ctx, idx))
        return;
    double v = duk_is_number(ctx, idx) ? duk_get_number(ctx, idx) : -1;
    if (!(v >= 0 && v <= 255 && v == (double)(int)v)) {
        add_error(ctx, r, "%s returned an fPort that is not an integer 0-255%s", fn, "");
        return;
    }
    duk_push_int(ctx, (int)v);
    duk_put_prop_string(ctx, r, "f_port");
}

static void encode(struct call_args *a, duk_idx_t r)
{
    duk_context *ctx = a->h->ctx;
    if (!push_json(a, a->data_json))
        return;
    duk_idx_t req = duk_get_top_index(ctx);
    if (!plain_object(ctx, req)) {
        a->rc = LB_EINVAL;
        return;
    }
    duk_get_prop_string(ctx, req, "data");
    duk_idx_t data = duk_get_top_index(ctx);
    duk_get_prop_string(ctx, req, "f_port");
    duk_idx_t fport = duk_get_top_index(ctx);
    take_fport(ctx, fport, r, "the request");
    if (global_function(ctx, "encodeDownlink")) {
        duk_push_object(ctx);
        duk_dup(ctx, data);
        duk_put_prop_string(ctx, -2, "data");
        duk_dup(ctx, fport);
        duk_put_prop_string(ctx, -2, "fPort");
        if (duk_pcall(ctx, 1) != DUK_EXEC_SUCCESS) {
            add_thrown(a, r, "encodeDownlink");
            return;
        }
        duk_idx_t ret = duk_get_top_index(ctx);
        if (!plain_object(ctx, ret)) {
            add_error(ctx, r, "%s returned %s, not an object {bytes, fPort, warnings, errors}",
                      "encodeDownlink", type_name(ctx, ret));
            return;
        }
        copy_messages(ctx, ret, r, "warnings");
        copy_messages(ctx, ret, r, "errors");
        if (has_errors(ctx, r))
            return;
        duk_get_prop_string(ctx, ret, "bytes");
        take_bytes(ctx, -1, r, "encodeDownlink");
        duk_get_prop_string(ctx, ret, "fPort");
        take_fport(ctx, -1, r, "encodeDownlink");
    } else if (global_function(ctx, "Encoder")) {
        duk_dup(ctx, data);
        duk_dup(ctx, fport);
        if (duk_pcall(ctx, 2) != DUK_EXEC_SUCCESS)
            add_thrown(a, r, "Encoder");
        else
            take_bytes(ctx, -1, r, "Encoder");
    } else if (global_function(ctx, "Encode")) {
        duk_dup(ctx, fport);
        duk_dup(ctx, data);
        duk_push_object(ctx);
        if (duk_pcall(ctx, 3) != DUK_EXEC_SUCCESS)
            add_thrown(a, r, "Encode");
        else
            take_bytes(ctx, -1, r, "Encode");
    } else {
        add_error(ctx, r, "the script has no %s function%s", "encodeDownlink",
                  " (nor TTN v2's Encoder)");
    }
}

static duk_ret_t json_encode_top(duk_context *ctx, void *udata)
{
    duk_json_encode(ctx, -1);
    return 1;
}

static duk_ret_t run_call(duk_context *ctx, void *udata)
{
    struct call_args *a = udata;
    duk_push_object(ctx);
    duk_idx_t r = duk_get_top_index(ctx);
    duk_push_array(ctx);
    duk_put_prop_string(ctx, r, "warnings");
    duk_push_array(ctx);
    duk_put_prop_string(ctx, r, "errors");
    if (a->kind == LB_JS_ENCODE_DOWNLINK)
        encode(a, r);
    else
        decode(a, r);
    if (a->rc)
        return 0;
    duk_set_top(ctx, r + 1);
    duk_dup(ctx, r);
    if (duk_safe_call(ctx, json_encode_top, NULL, 1, 1) == DUK_EXEC_SUCCESS)
        return 1;
    /* data a script made that is not JSON (a cycle, a throwing toJSON): drop it, say why */
    const char *fn = a->kind == LB_JS_ENCODE_DOWNLINK ? "encodeDownlink"
                     : a->kind == LB_JS_DECODE_UPLINK ? "decodeUplink"
                                                      : "decodeDownlink";
    char what[64];
    snprintf(what, sizeof what, "%s returned data that is not JSON", fn);
    add_thrown(a, r, what);
    duk_del_prop_string(ctx, r, "data");
    duk_del_prop_string(ctx, r, "normalized");
    duk_set_top(ctx, r + 1);
    duk_json_encode(ctx, r);
    return 1;
}

/* {"warnings": [], "errors": [msg]} without the heap (which just failed us). */
static char *error_json(const char *msg)
{
    json_t *j = json_pack("{s:[],s:[s]}", "warnings", "errors", msg);
    char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    return s;
}

/* After the memory cap was hit: collect, and start over if the script still holds most of
 * its cap (its globals grew), so the next call has room. */
static void recover(lb_codec_instance *i)
{
    duk_gc(i->heap->ctx, 0);
    duk_gc(i->heap->ctx, 0);
    if (i->heap->used > i->heap->cap / 4 * 3) {
        char err[LB_ERRLEN];
        lb_js_instance_reload(i, err, sizeof err);
    }
}

int lb_js_call(lb_codec_instance *i, enum lb_js_call kind, const lb_codec_input *in,
               const char *data_json, char **out_json)
{
    if (!i || !out_json || (kind == LB_JS_ENCODE_DOWNLINK ? !data_json : !in) ||
        (in && !in->bytes && in->len))
        return LB_EINVAL;
    *out_json = NULL;
    lb_js_heap *h = i->heap;
    duk_context *ctx = h->ctx;
    struct call_args a = {h, kind, in, data_json, 0};
    int rc = 0;
    lb_js_heap_arm(h);
    if (duk_safe_call(ctx, run_call, &a, 0, 1) == DUK_EXEC_SUCCESS) {
        if (a.rc) {
            rc = a.rc;
        } else {
            duk_size_t n;
            const char *s = duk_get_lstring(ctx, -1, &n);
            *out_json = malloc(n + 1);
            if (*out_json) {
                memcpy(*out_json, s, n);
                (*out_json)[n] = '\0';
            }
        }
    } else {
        char msg[MSG_LEN];
        const char *fn = kind == LB_JS_ENCODE_DOWNLINK ? "encodeDownlink" : "decoding";
        lb_js_describe_thrown(h, -1, fn, msg, sizeof msg);
        *out_json = error_json(msg);
    }
    duk_pop(ctx);
    lb_js_heap_disarm(h);
    bool refused = h->refused;
    if (refused)
        recover(i);
    if (!rc && !*out_json)
        rc = LB_ENOMEM;
    return rc;
}
