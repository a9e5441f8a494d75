/* The HTTP front: one libmicrohttpd listener on which every plugin registers routes.
 *
 * Routes are matched on method and path. A pattern is a path whose segments are literals,
 * ":name" (one segment, captured) or a final "*" (the rest of the path, possibly empty,
 * captured without its leading slash). The pattern "/http/channels/:id/messages/" + "*" matches
 * "/http/channels/c1/messages" and "/http/channels/c1/messages/a/b". A path that matches no
 * route answers 404, one that matches with another method 405 (with Allow); both as
 * {"error": "..."}. HEAD is answered by the GET route when there is no HEAD route.
 *
 * Handlers run on the server's worker threads (several at once): they must be thread-safe
 * and must not block for long. The request body is read whole before the handler runs;
 * one over the route's limit answers 413 without calling the handler. Every request is
 * counted in the metrics registry given to lb_http_server_new. */
#ifndef LYREBIRD_HTTP_H
#define LYREBIRD_HTTP_H

#include <stddef.h>
#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lb_http_server lb_http_server;
typedef struct lb_metrics lb_metrics;

#define LB_HTTP_MAX_PARAMS 8

/* A request as a handler sees it; valid only during the handler call. body is
 * NUL-terminated (body[body_len] == 0) and may contain NUL bytes; NULL when empty. */
typedef struct lb_http_req {
    const char *method;
    const char *path; /* decoded path, without the query string */
    const char *body;
    size_t body_len;
    const char *params[LB_HTTP_MAX_PARAMS]; /* captures of ":name" and "*", in order */
    int nparams;
    void *priv; /* the server's */
} lb_http_req;

#define LB_HTTP_MAX_HEADERS 8

/* What a handler answers, zeroed before the call. The server frees body (malloc'd) after
 * sending it. */
typedef struct lb_http_resp {
    int status;               /* set by the handler; left 0 (or outside 200..599): 500 */
    char *body;               /* malloc'd or NULL */
    size_t body_len;
    const char *content_type; /* static string; default "application/json" (not sent when
                                 NULL and there is no body) */
    /* extra headers, name and value malloc'd by lb_http_resp_header */
    char *header_names[LB_HTTP_MAX_HEADERS];
    char *header_values[LB_HTTP_MAX_HEADERS];
    int nheaders;
} lb_http_resp;

/* A handler fills resp. Its return value is ignored for now (reserved; return 0). */
typedef int (*lb_http_handler)(const lb_http_req *req, lb_http_resp *resp, void *arg);

/* A server that will listen on 127.0.0.1 or all addresses (bind_all) at port; threads is the
 * worker pool size (0: one per core). metrics may be NULL. Returns NULL when out of memory. */
lb_http_server *lb_http_server_new(int port, int bind_all, int threads, lb_metrics *metrics);

/* Registers a route (strings copied). max_body is the body limit in bytes (0: the server's
 * default, 1 MiB). Routes may be added before or after start, from any thread. Returns 0,
 * LB_EINVAL for a bad pattern or method, LB_EEXIST when method+pattern is taken. */
int lb_http_route(lb_http_server *s, const char *method, const char *pattern, size_t max_body,
                  lb_http_handler handler, void *arg);

/* Starts listening. Returns 0, LB_EIO (port taken: err says so) or LB_EINVAL (port outside
 * 0..65535). Starting a started server does nothing; a stopped one may start again. */
int lb_http_server_start(lb_http_server *s, char *err, size_t errlen);
/* The port actually bound (useful with port 0). */
int lb_http_server_port(const lb_http_server *s);
/* Stops listening and waits for handlers in progress. Safe to call twice. */
void lb_http_server_stop(lb_http_server *s);
/* Stops and frees. NULL is a no-op. */
void lb_http_server_free(lb_http_server *s);

/* A request header (case-insensitive) or query argument (decoded), or NULL. */
const char *lb_http_header(const lb_http_req *req, const char *name);
const char *lb_http_query(const lb_http_req *req, const char *name);

/* Sets resp to status with a JSON body. Takes ownership of the text (malloc'd). */
void lb_http_resp_take(lb_http_resp *resp, int status, char *json_text);
/* Sets resp to status with {"error": "<formatted message>"}. */
void lb_http_resp_error(lb_http_resp *resp, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets resp to status with a copy of body and the given content type (static string). */
void lb_http_resp_body(lb_http_resp *resp, int status, const char *content_type, const void *body,
                       size_t len);
/* Adds a response header (copied). Returns 0, LB_ETOOBIG when full, LB_ENOMEM, or LB_EINVAL
 * for an empty name, one with a space or colon, or a value with CR or LF. */
int lb_http_resp_header(lb_http_resp *resp, const char *name, const char *value);

#ifdef __cplusplus
}
#endif
#endif
