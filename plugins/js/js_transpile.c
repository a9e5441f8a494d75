/* The ES2015+ -> ES5 transpiler: buble (npm, pinned in package-lock.json, embedded into the
 * plugin at build time by js_embed.c), run inside one process-wide duktape heap that is
 * created on first use and guarded by a mutex. Only sources that duktape cannot compile as
 * they are reach it, when a codec is compiled (save time), never on a decode. */
#include "js_engine.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef LB_JS_NO_TRANSPILER

extern const char lb_js_buble[];
extern const size_t lb_js_buble_len;

/* Generous: buble holds the AST of one decoder; a transpile takes ~20 ms. */
#define TRANSPILER_MEMORY  (256u * 1024 * 1024)
#define TRANSPILER_TIME_MS 10000

/* Wraps buble.transform: the options decoders need, and syntax errors as
 * "SyntaxError: <what> (line L, column C)". */
static const char wrapper_js[] =
    "(function (buble) {\n"
    "  var opts = {transforms: {dangerousForOf: true, dangerousTaggedTemplateString: true,\n"
    "              modules: false, asyncAwait: false, generator: false},\n"
    "              objectAssign: 'Object.assign'};\n"
    "  return function (src) {\n"
    "    try { return buble.transform(src, opts).code; }\n"
    "    catch (e) {\n"
    "      if (e && e.loc) throw new SyntaxError(String(e.message).replace(/\\s*\\(\\d+:\\d+\\)$/, "
    "'')\n"
    "        + ' (line ' + e.loc.line + ', column ' + (e.loc.column + 1) + ')');\n"
    "      throw e;\n"
    "    }\n"
    "  };\n"
    "})";

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static lb_js_heap *heap;

static duk_ret_t load_buble(duk_context *ctx, void *udata)
{
    duk_push_lstring(ctx, lb_js_buble, lb_js_buble_len);
    duk_push_string(ctx, "buble.js");
    duk_compile(ctx, 0);
    duk_call(ctx, 0);
    duk_pop(ctx);
    duk_push_string(ctx, wrapper_js);
    duk_push_string(ctx, "buble-wrapper.js");
    duk_compile(ctx, DUK_COMPILE_EVAL);
    duk_call(ctx, 0);
    duk_get_global_string(ctx, "buble");
    duk_call(ctx, 1);
    duk_push_heap_stash(ctx);
    duk_dup(ctx, -2);
    duk_put_prop_string(ctx, -2, "transform");
    return 0;
}

struct transform_args {
    const char *src;
    size_t len;
    char *out;
};

static duk_ret_t run_transform(duk_context *ctx, void *udata)
{
    struct transform_args *a = udata;
    duk_push_heap_stash(ctx);
    duk_get_prop_string(ctx, -1, "transform");
    duk_push_lstring(ctx, a->src, a->len);
    duk_call(ctx, 1);
    duk_size_t n;
    const char *code = duk_to_lstring(ctx, -1, &n);
    a->out = malloc(n + 1);
    if (a->out) {
        memcpy(a->out, code, n);
        a->out[n] = '\0';
    }
    return 0;
}

static int ensure_loaded(char *err, size_t errlen)
{
    if (heap)
        return 0;
    lb_js_heap *h = malloc(sizeof *h);
    if (!h) {
        snprintf(err, errlen, "out of memory loading the transpiler");
        return -1;
    }
    if (lb_js_heap_open(h, TRANSPILER_MEMORY, TRANSPILER_TIME_MS, err, errlen) != 0) {
        free(h);
        return -1;
    }
    lb_js_heap_arm(h);
    int rc = duk_safe_call(h->ctx, load_buble, NULL, 0, 1);
    if (rc != DUK_EXEC_SUCCESS)
        lb_js_describe_thrown(h, -1, "loading the transpiler", err, errlen);
    lb_js_heap_disarm(h);
    if (rc != DUK_EXEC_SUCCESS) {
        lb_js_heap_close(h);
        free(h);
        return -1;
    }
    duk_pop(h->ctx);
    heap = h;
    return 0;
}

char *lb_js_transpile(const char *src, size_t len, char *err, size_t errlen)
{
    struct transform_args a = {src, len, NULL};
    pthread_mutex_lock(&lock);
    if (ensure_loaded(err, errlen) != 0)
        goto out;
    lb_js_heap_arm(heap);
    if (duk_safe_call(heap->ctx, run_transform, &a, 0, 1) != DUK_EXEC_SUCCESS) {
        /* the wrapper's SyntaxError reads well as it is */
        if (!heap->timed_out && !heap->refused && duk_is_error(heap->ctx, -1)) {
            snprintf(err, errlen, "%s", duk_safe_to_string(heap->ctx, -1));
        } else {
            lb_js_describe_thrown(heap, -1, "transpiling", err, errlen);
        }
        free(a.out);
        a.out = NULL;
    } else if (!a.out) {
        snprintf(err, errlen, "out of memory transpiling");
    }
    duk_pop(heap->ctx);
    lb_js_heap_disarm(heap);
    /* keep the heap small between compiles */
    duk_gc(heap->ctx, 0);
out:
    pthread_mutex_unlock(&lock);
    return a.out;
}

void lb_js_transpile_shutdown(void)
{
    pthread_mutex_lock(&lock);
    if (heap) {
        lb_js_heap_close(heap);
        free(heap);
        heap = NULL;
    }
    pthread_mutex_unlock(&lock);
}

#else

char *lb_js_transpile(const char *src, size_t len, char *err, size_t errlen)
{
    snprintf(err, errlen, "this build has no ES2015+ transpiler: write the decoder in ES5");
    return NULL;
}

void lb_js_transpile_shutdown(void) {}

#endif
