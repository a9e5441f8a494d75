/* The "javascript" codec plugin (lyrebird-codec-javascript.so): compile checks a decoder's
 * syntax (transpiling ES2015+ when duktape cannot compile it as it is), runs its top level
 * once to find the entry functions, and keeps the program as duktape bytecode; every instance
 * is its own duktape heap (own globals, own memory cap) into which that bytecode is loaded and
 * run once. Decodes call the entry functions in that heap (js_calls.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lyrebird/error.h>

#include "js_codec.h"

/* Entry functions, by API: The Things Stack / ChirpStack v4, TTN v2, ChirpStack v3. */
static const char *const entry_names[] = {
    "decodeUplink", "encodeDownlink", "decodeDownlink", "Decoder", "Encoder", "Decode", "Encode",
};

struct compile_args {
    lb_js_heap *h;
    const char *src;
    size_t len;
    char *err;
    size_t errlen;
    void *bytecode; /* out, malloc'd */
    size_t bytecode_len;
};

static duk_ret_t compile_program(duk_context *ctx, void *udata)
{
    struct compile_args *a = udata;
    if (lb_js_compile_program(a->h, a->src, a->len, a->err, a->errlen) != 0)
        return 0;
    lb_js_heap_arm(a->h); /* a transpile may have used the time; the top level gets its own */
    duk_dup(ctx, -1);
    duk_dump_function(ctx);
    /* run the top level once: it must not throw, and must define an entry function */
    duk_dup(ctx, -2);
    if (duk_pcall(ctx, 0) != DUK_EXEC_SUCCESS) {
        lb_js_describe_thrown(a->h, -1, "the script fails when loaded", a->err, a->errlen);
        return 0;
    }
    bool found = false;
    for (size_t k = 0; k < sizeof entry_names / sizeof entry_names[0]; k++) {
        duk_get_global_string(ctx, entry_names[k]);
        found = found || duk_is_function(ctx, -1);
        duk_pop(ctx);
    }
    if (!found) {
        snprintf(a->err, a->errlen,
                 "the script defines no decodeUplink, encodeDownlink or decodeDownlink function "
                 "(nor TTN v2's Decoder or Encoder)");
        return 0;
    }
    duk_size_t n;
    void *p = duk_get_buffer_data(ctx, -2, &n);
    a->bytecode = malloc(n);
    if (!a->bytecode) {
        snprintf(a->err, a->errlen, "out of memory");
        return 0;
    }
    memcpy(a->bytecode, p, n);
    a->bytecode_len = n;
    return 0;
}

static lb_codec *js_compile(const char *source, size_t len, const lb_codec_limits *limits,
                            char *err, size_t errlen)
{
    lb_codec *c = NULL;
    lb_js_heap h = {0};
    struct compile_args a = {&h, source, len, err, errlen, NULL, 0};
    if (errlen)
        err[0] = '\0';
    if (!source) {
        snprintf(err, errlen, "a JavaScript codec needs a script");
        return NULL;
    }
    c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->time_ms = limits && limits->time_ms ? limits->time_ms : LB_JS_DEFAULT_TIME_MS;
    c->memory = limits && limits->memory_bytes ? limits->memory_bytes : LB_JS_DEFAULT_MEMORY;
    if (lb_js_heap_open(&h, c->memory, c->time_ms, err, errlen) != 0)
        goto fail;
    lb_js_heap_arm(&h);
    if (duk_safe_call(h.ctx, compile_program, &a, 0, 1) != DUK_EXEC_SUCCESS)
        lb_js_describe_thrown(&h, -1, "the script does not compile", err, errlen);
    lb_js_heap_disarm(&h);
    lb_js_heap_close(&h);
    if (!a.bytecode)
        goto fail;
    c->bytecode = a.bytecode;
    c->bytecode_len = a.bytecode_len;
    return c;
fail:
    free(c);
    return NULL;
}

static void js_codec_free(lb_codec *c)
{
    if (!c)
        return;
    free(c->bytecode);
    free(c);
}

struct load_args {
    const lb_codec *c;
};

static duk_ret_t load_program(duk_context *ctx, void *udata)
{
    struct load_args *a = udata;
    duk_push_external_buffer(ctx);
    duk_config_buffer(ctx, -1, a->c->bytecode, a->c->bytecode_len);
    duk_load_function(ctx);
    duk_call(ctx, 0);
    return 0;
}

/* A heap with the polyfills and c's program loaded and run: NULL with err filled. */
static lb_js_heap *heap_with_program(const lb_codec *c, char *err, size_t errlen)
{
    lb_js_heap *h = malloc(sizeof *h);
    if (!h) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (lb_js_heap_open(h, c->memory, c->time_ms, err, errlen) != 0) {
        free(h);
        return NULL;
    }
    struct load_args a = {c};
    lb_js_heap_arm(h);
    int rc = duk_safe_call(h->ctx, load_program, &a, 0, 1);
    if (rc != DUK_EXEC_SUCCESS)
        lb_js_describe_thrown(h, -1, "the script fails when loaded", err, errlen);
    lb_js_heap_disarm(h);
    duk_pop(h->ctx);
    if (rc != DUK_EXEC_SUCCESS) {
        lb_js_heap_close(h);
        free(h);
        return NULL;
    }
    /* the polyfills' and the program's top-level garbage holds cycles (fn.prototype) */
    duk_gc(h->ctx, 0);
    return h;
}

static lb_codec_instance *js_instance_new(lb_codec *c, char *err, size_t errlen)
{
    if (!c) {
        snprintf(err, errlen, "no codec");
        return NULL;
    }
    lb_codec_instance *i = calloc(1, sizeof *i);
    if (!i) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    i->codec = c;
    i->heap = heap_with_program(c, err, errlen);
    if (!i->heap) {
        free(i);
        return NULL;
    }
    return i;
}

int lb_js_instance_reload(lb_codec_instance *i, char *err, size_t errlen)
{
    lb_js_heap *h = heap_with_program(i->codec, err, errlen);
    if (!h)
        return LB_ENOMEM;
    lb_js_heap_close(i->heap);
    free(i->heap);
    i->heap = h;
    return 0;
}

static void js_instance_free(lb_codec_instance *i)
{
    if (!i)
        return;
    if (i->heap) {
        lb_js_heap_close(i->heap);
        free(i->heap);
    }
    free(i);
}

static int js_decode_uplink(lb_codec_instance *i, const lb_codec_input *in, char **out_json)
{
    return lb_js_call(i, LB_JS_DECODE_UPLINK, in, NULL, out_json);
}

static int js_encode_downlink(lb_codec_instance *i, const char *data_json, char **out_json)
{
    return lb_js_call(i, LB_JS_ENCODE_DOWNLINK, NULL, data_json, out_json);
}

static int js_decode_downlink(lb_codec_instance *i, const lb_codec_input *in, char **out_json)
{
    return lb_js_call(i, LB_JS_DECODE_DOWNLINK, in, NULL, out_json);
}

static const lb_codec_plugin plugin = {
    .abi = LB_CODEC_ABI,
    .type = "javascript",
    .version = "1.0.0 (duktape " DUK_GIT_DESCRIBE ")",
    .compile = js_compile,
    .codec_free = js_codec_free,
    .instance_new = js_instance_new,
    .instance_free = js_instance_free,
    .decode_uplink = js_decode_uplink,
    .encode_downlink = js_encode_downlink,
    .decode_downlink = js_decode_downlink,
};

LB_CODEC_EXPORT const lb_codec_plugin *lb_codec_entry(void)
{
    return &plugin;
}
