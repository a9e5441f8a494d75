/* The duktape side of the JavaScript codec: a heap with a byte-counting allocator (a memory
 * cap), a per-call deadline checked by duktape's execution-timeout hook, the ES5 polyfills,
 * compiling (with the ES2015+ transpiler as fallback) and describing thrown values. Private to
 * plugins/js. A heap is used by one thread at a time; the transpiler (js_transpile.c) is
 * process-wide and locks itself. */
#ifndef LB_JS_ENGINE_H
#define LB_JS_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "duktape.h"

#define LB_JS_DEFAULT_TIME_MS 100
#define LB_JS_DEFAULT_MEMORY  (16u * 1024 * 1024)

/* One duktape heap and its accounting. Lives at a stable address (it is the heap's udata). */
typedef struct lb_js_heap {
    duk_context *ctx;
    size_t used;          /* bytes allocated now (payload, without our headers) */
    size_t cap;           /* refuse allocations past this */
    bool refused;         /* an allocation was refused since the last arm */
    uint64_t deadline_ns; /* CLOCK_MONOTONIC; 0: no deadline */
    uint32_t time_ms;     /* the per-call limit, for messages */
    bool timed_out;       /* the deadline fired since the last arm */
} lb_js_heap;

/* Creates h's heap with the memory cap and installs the polyfills (under a deadline of
 * time_ms). Returns 0, or LB_ENOMEM with err filled. h is zeroed first. */
int lb_js_heap_open(lb_js_heap *h, size_t cap, uint32_t time_ms, char *err, size_t errlen);
/* Destroys the heap (h itself is the caller's). NULL ctx: nothing. */
void lb_js_heap_close(lb_js_heap *h);
/* Starts a call: the deadline is now + time_ms, the flags are cleared. */
void lb_js_heap_arm(lb_js_heap *h);
/* Ends a call: no deadline. */
void lb_js_heap_disarm(lb_js_heap *h);

/* The hook duktape calls from its bytecode executor (DUK_USE_EXEC_TIMEOUT_CHECK in the
 * generated duk_config.h): true once the deadline of the heap whose udata this is passed. */
duk_bool_t lb_js_timeout_check(void *udata);

/* Writes a sentence describing the value thrown at idx (an Error, a string, 5, null, ...),
 * naming a timeout or the memory cap when those caused it, prefixed "<what>: ". Safe to call
 * anywhere: the user code it may run (toString, getters) runs in a protected call. */
void lb_js_describe_thrown(lb_js_heap *h, duk_idx_t idx, const char *what, char *buf, size_t len);

/* Compiles source as a program on h's stack: tries ES5 first and, when that fails with a
 * SyntaxError, transpiles with buble and compiles the output. Pushes the function and returns
 * 0, or returns LB_EINVAL with err filled (pushes nothing). Call inside a protected call. */
int lb_js_compile_program(lb_js_heap *h, const char *src, size_t len, char *err, size_t errlen);

/* The transpiler (js_transpile.c). Transpiles ES2015+ src to ES5: a malloc'd string (the
 * caller frees it), or NULL with err filled (a syntax error with its line, or "no transpiler
 * in this build"). Thread-safe; the first call loads buble (~0.2 s). */
char *lb_js_transpile(const char *src, size_t len, char *err, size_t errlen);
/* Frees the transpiler's heap (tests, for leak checking). */
void lb_js_transpile_shutdown(void);

/* Embedded scripts (js_embed.c). */
extern const char lb_js_polyfills[];
extern const size_t lb_js_polyfills_len;

/* The plugin's entry (js_codec.c); declared here for the tests that link lb_codec_js. */
struct lb_codec_plugin;
__attribute__((visibility("default"))) const struct lb_codec_plugin *lb_codec_entry(void);

/* now on CLOCK_MONOTONIC, ns */
uint64_t lb_js_now_ns(void);

#endif
