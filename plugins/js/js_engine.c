/* Duktape heaps for the JavaScript codec: each heap counts the bytes it holds and refuses an
 * allocation past its cap (duktape then collects garbage, retries, and throws a RangeError
 * that leaves the heap usable); each call runs under a deadline that duktape's bytecode
 * executor checks every 256k instructions through lb_js_timeout_check (compiled in by the
 * generated duk_config.h, see CMakeLists.txt). Every heap gets the ES5 polyfills before any
 * user code, and keeps the pristine Date constructor in its stash for marshalling. */
#include "js_engine.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lyrebird/error.h>

/* Each block carries its size in front, kept 16-byte aligned like malloc's. */
#define HDR 16

uint64_t lb_js_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *heap_alloc(void *udata, duk_size_t size)
{
    lb_js_heap *h = udata;
    if (size > h->cap - h->used) {
        h->refused = true;
        return NULL;
    }
    unsigned char *p = malloc(HDR + size);
    if (!p)
        return NULL;
    memcpy(p, &size, sizeof size);
    h->used += size;
    return p + HDR;
}

static void heap_free(void *udata, void *ptr)
{
    lb_js_heap *h = udata;
    if (!ptr)
        return;
    unsigned char *p = (unsigned char *)ptr - HDR;
    size_t size;
    memcpy(&size, p, sizeof size);
    h->used -= size;
    free(p);
}

static void *heap_realloc(void *udata, void *ptr, duk_size_t size)
{
    lb_js_heap *h = udata;
    if (!ptr)
        return heap_alloc(udata, size);
    if (size == 0) {
        heap_free(udata, ptr);
        return NULL;
    }
    unsigned char *p = (unsigned char *)ptr - HDR;
    size_t old;
    memcpy(&old, p, sizeof old);
    if (size > old && size - old > h->cap - h->used) {
        h->refused = true;
        return NULL;
    }
    unsigned char *q = realloc(p, HDR + size);
    if (!q)
        return NULL;
    memcpy(q, &size, sizeof size);
    h->used = h->used - old + size;
    return q + HDR;
}

/* Duktape calls this only for an error thrown outside any protected call, which the codec
 * never makes (every entry into duktape is a duk_safe_call): a bug, not a script's doing. */
static void heap_fatal(void *udata, const char *msg)
{
    fprintf(stderr, "lyrebird-codec-javascript: fatal duktape error: %s\n", msg ? msg : "(none)");
    abort();
}

duk_bool_t lb_js_timeout_check(void *udata)
{
    lb_js_heap *h = udata;
    if (!h || !h->deadline_ns)
        return 0;
    if (h->timed_out)
        return 1;
    if (lb_js_now_ns() < h->deadline_ns)
        return 0;
    h->timed_out = true;
    return 1;
}

void lb_js_heap_arm(lb_js_heap *h)
{
    h->refused = false;
    h->timed_out = false;
    h->deadline_ns = lb_js_now_ns() + (uint64_t)h->time_ms * 1000000u;
}

void lb_js_heap_disarm(lb_js_heap *h)
{
    h->deadline_ns = 0;
}

/* The polyfills as bytecode, compiled once per process (in a heap of their own) so that a new
 * instance loads them instead of parsing them: about 4x faster instance_new. */
static pthread_once_t polyfills_once = PTHREAD_ONCE_INIT;
static void *polyfills_bc;
static size_t polyfills_bc_len;

static duk_ret_t dump_polyfills(duk_context *ctx, void *udata)
{
    duk_push_lstring(ctx, lb_js_polyfills, lb_js_polyfills_len);
    duk_push_string(ctx, "polyfills.js");
    duk_compile(ctx, 0);
    duk_dump_function(ctx);
    duk_size_t n;
    void *p = duk_get_buffer_data(ctx, -1, &n);
    polyfills_bc = malloc(n);
    if (polyfills_bc) {
        memcpy(polyfills_bc, p, n);
        polyfills_bc_len = n;
    }
    return 0;
}

static void compile_polyfills(void)
{
    duk_context *ctx = duk_create_heap(NULL, NULL, NULL, NULL, heap_fatal);
    if (!ctx)
        return;
    duk_safe_call(ctx, dump_polyfills, NULL, 0, 1);
    duk_destroy_heap(ctx);
}

static duk_ret_t install_polyfills(duk_context *ctx, void *udata)
{
    duk_push_heap_stash(ctx);
    duk_get_global_string(ctx, "Date");
    duk_put_prop_string(ctx, -2, "Date");
    duk_pop(ctx);
    if (polyfills_bc) {
        duk_push_external_buffer(ctx);
        duk_config_buffer(ctx, -1, polyfills_bc, polyfills_bc_len);
        duk_load_function(ctx);
    } else {
        duk_push_lstring(ctx, lb_js_polyfills, lb_js_polyfills_len);
        duk_push_string(ctx, "polyfills.js");
        duk_compile(ctx, 0);
    }
    duk_call(ctx, 0);
    return 1;
}

int lb_js_heap_open(lb_js_heap *h, size_t cap, uint32_t time_ms, char *err, size_t errlen)
{
    pthread_once(&polyfills_once, compile_polyfills);
    memset(h, 0, sizeof *h);
    h->cap = cap;
    h->time_ms = time_ms;
    h->ctx = duk_create_heap(heap_alloc, heap_realloc, heap_free, h, heap_fatal);
    if (!h->ctx) {
        snprintf(err, errlen, "a JavaScript heap does not fit in the memory limit of %zu bytes",
                 cap);
        return LB_ENOMEM;
    }
    lb_js_heap_arm(h);
    int rc = duk_safe_call(h->ctx, install_polyfills, NULL, 0, 1);
    if (rc != DUK_EXEC_SUCCESS)
        lb_js_describe_thrown(h, -1, "installing the polyfills", err, errlen);
    lb_js_heap_disarm(h);
    duk_pop(h->ctx);
    if (rc != DUK_EXEC_SUCCESS) {
        lb_js_heap_close(h);
        return LB_ENOMEM;
    }
    return 0;
}

void lb_js_heap_close(lb_js_heap *h)
{
    if (h->ctx)
        duk_destroy_heap(h->ctx);
    h->ctx = NULL;
}

static void format_size(size_t n, char *buf, size_t len)
{
    if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
        snprintf(buf, len, "%zu MB", n / (1024 * 1024));
    else if (n >= 1024 && n % 1024 == 0)
        snprintf(buf, len, "%zu KB", n / 1024);
    else
        snprintf(buf, len, "%zu bytes", n);
}

struct describe_args {
    lb_js_heap *h;
    const char *what;
    char *buf;
    size_t len;
};

/* The value to describe is the only argument, at -1. */
static duk_ret_t describe(duk_context *ctx, void *udata)
{
    struct describe_args *a = udata;
    lb_js_heap *h = a->h;
    duk_idx_t idx = duk_normalize_index(ctx, -1);
    if (h->timed_out) {
        snprintf(a->buf, a->len, "%s: the script ran longer than the limit of %u ms", a->what,
                 (unsigned)h->time_ms);
    } else if (h->refused && duk_is_error(ctx, idx)) {
        /* duktape's "alloc failed" after our allocator said no */
        char sz[32];
        format_size(h->cap, sz, sizeof sz);
        snprintf(a->buf, a->len, "%s: the script needs more memory than the limit of %s", a->what,
                 sz);
    } else if (duk_is_error(ctx, idx)) {
        /* lineNumber is an inherited accessor a script may have replaced: hence the safe call */
        duk_get_prop_string(ctx, idx, "lineNumber");
        int line = duk_is_number(ctx, -1) ? duk_get_int(ctx, -1) : 0;
        duk_pop(ctx);
        duk_dup(ctx, idx);
        const char *msg = duk_safe_to_string(ctx, -1);
        if (line > 0 && !strstr(msg, "(line "))
            snprintf(a->buf, a->len, "%s: %s (line %d)", a->what, msg, line);
        else
            snprintf(a->buf, a->len, "%s: %s", a->what, msg);
    } else if (duk_is_string(ctx, idx)) {
        snprintf(a->buf, a->len, "%s: %s", a->what, duk_get_string(ctx, idx));
    } else {
        duk_dup(ctx, idx);
        snprintf(a->buf, a->len, "%s: threw %s", a->what, duk_safe_to_string(ctx, -1));
    }
    return 0;
}

void lb_js_describe_thrown(lb_js_heap *h, duk_idx_t idx, const char *what, char *buf, size_t len)
{
    struct describe_args a = {h, what, buf, len};
    duk_dup(h->ctx, idx);
    if (duk_safe_call(h->ctx, describe, &a, 1, 1) != DUK_EXEC_SUCCESS)
        snprintf(buf, len, "%s: threw a value that cannot be printed", what);
    duk_pop(h->ctx);
}

static duk_ret_t push_string(duk_context *ctx, void *udata)
{
    duk_push_string(ctx, udata);
    return 1;
}

int lb_js_compile_program(lb_js_heap *h, const char *src, size_t len, char *err, size_t errlen)
{
    duk_context *ctx = h->ctx;
    duk_push_lstring(ctx, src, len);
    duk_push_string(ctx, "decoder.js");
    if (duk_pcompile(ctx, 0) == DUK_EXEC_SUCCESS)
        return 0;
    bool syntax = duk_get_error_code(ctx, -1) == DUK_ERR_SYNTAX_ERROR;
    lb_js_describe_thrown(h, -1, "the script does not compile", err, errlen);
    duk_pop(ctx);
    if (!syntax)
        return LB_EINVAL;

    /* Not ES5: maybe ES2015+. The transpiler's error, if any, is the precise one. */
    char terr[256];
    char *es5 = lb_js_transpile(src, len, terr, sizeof terr);
    if (!es5) {
        if (strncmp(terr, "SyntaxError", 11) == 0)
            snprintf(err, errlen, "the script does not compile: %s", terr);
        return LB_EINVAL;
    }
    /* es5 is ours to free: push it without letting an allocation failure throw past us */
    int rc = duk_safe_call(ctx, push_string, es5, 0, 1);
    free(es5);
    if (rc != DUK_EXEC_SUCCESS) {
        lb_js_describe_thrown(h, -1, "the script does not compile", err, errlen);
        duk_pop(ctx);
        return LB_EINVAL;
    }
    duk_push_string(ctx, "decoder.js");
    if (duk_pcompile(ctx, 0) == DUK_EXEC_SUCCESS)
        return 0;
    lb_js_describe_thrown(h, -1, "the transpiled script does not compile", err, errlen);
    duk_pop(ctx);
    return LB_EINVAL;
}
