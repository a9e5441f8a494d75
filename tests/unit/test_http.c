/* Unit tests for the HTTP server (platform/src/http.c), driven by libcurl over loopback
 * against a server on port 0: routing and captures, 404/405/413, bodies, queries and
 * headers, handler responses, routes added late, keep-alive and metrics. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <lyrebird/error.h>
#include <lyrebird/http.h>
#include <lyrebird/metrics.h>

typedef struct fixture {
    lb_metrics *metrics;
    lb_http_server *server;
    char base[64]; /* http://127.0.0.1:<port> */
} fixture;

/* ---- handlers ---- */

/* Answers {"method", "path", "params": [...], "body_len"}. */
static int echo(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    json_t *params = json_array();
    for (int i = 0; i < req->nparams; i++)
        json_array_append_new(params, json_string(req->params[i]));
    json_t *o = json_pack("{s:s, s:s, s:o, s:I}", "method", req->method, "path", req->path,
                          "params", params, "body_len", (json_int_t)req->body_len);
    lb_http_resp_take(resp, 200, json_dumps(o, JSON_COMPACT));
    json_decref(o);
    return 0;
}

/* Sends the body back as it came, saying whether it was NUL-terminated. */
static int echo_body(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    lb_http_resp_body(resp, 200, "application/octet-stream", req->body, req->body_len);
    lb_http_resp_header(resp, "X-Nul-Terminated",
                        !req->body || req->body[req->body_len] == '\0' ? "yes" : "no");
    lb_http_resp_header(resp, "X-Body-Null", req->body ? "no" : "yes");
    return 0;
}

static int query(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    const char *a = lb_http_query(req, "a"), *flag = lb_http_query(req, "flag");
    const char *missing = lb_http_query(req, "missing"), *h = lb_http_header(req, "x-test");
    json_t *o =
        json_pack("{s:s?, s:s?, s:b, s:s?, s:b}", "a", a, "flag", flag, "missing", missing != NULL,
                  "header", h, "no_header", lb_http_header(req, "X-Absent") == NULL);
    lb_http_resp_take(resp, 200, json_dumps(o, JSON_COMPACT));
    json_decref(o);
    return 0;
}

static int with_headers(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    lb_http_resp_body(resp, 201, "text/plain", "hi", 2);
    lb_http_resp_header(resp, "X-One", "1");
    lb_http_resp_header(resp, "Location", "/things/7");
    return 0;
}

static int quote_error(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    lb_http_resp_error(resp, 400, "bad \"%s\" \\ here\n", req->params[0]);
    return 0;
}

static int no_answer(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    return 0;
}

static int odd_status(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    lb_http_resp_body(resp, 700, "text/plain", "x", 1);
    return 0;
}

static int accepted(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    resp->status = 202;
    return 0;
}

/* ---- a small curl client ---- */

typedef struct result {
    long status;
    char *body;
    size_t len;
    char headers[4096];
    size_t hlen;
} result;

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    result *r = arg;
    char *p = realloc(r->body, r->len + size * n + 1);
    assert_non_null(p);
    memcpy(p + r->len, data, size * n);
    r->len += size * n;
    p[r->len] = '\0';
    r->body = p;
    return size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
    result *r = arg;
    size_t len = size * n;
    if (r->hlen + len < sizeof r->headers) {
        memcpy(r->headers + r->hlen, data, len);
        r->hlen += len;
        r->headers[r->hlen] = '\0';
    }
    return len;
}

typedef struct upload_src {
    const char *data;
    size_t len, at;
} upload_src;

static size_t on_read(char *buf, size_t size, size_t n, void *arg)
{
    upload_src *u = arg;
    size_t left = u->len - u->at, take = size * n < left ? size * n : left;
    if (take > 1000)
        take = 1000; /* several chunks */
    memcpy(buf, u->data + u->at, take);
    u->at += take;
    return take;
}

enum { PLAIN = 0, CHUNKED = 1 };

/* Sends method path on handle h (a new one when NULL) and fills r. */
static void request_on(CURL *h, fixture *f, const char *method, const char *path, const char *body,
                       size_t len, int mode, const char *header, result *r)
{
    char url[1024];
    struct curl_slist *hdrs = NULL;
    upload_src src = {body, len, 0};
    CURL *own = h ? NULL : curl_easy_init();
    if (!h)
        h = own;
    curl_easy_reset(h); /* keeps its connections */
    memset(r, 0, sizeof *r);
    snprintf(url, sizeof url, "%s%s", f->base, path);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
    if (!strcmp(method, "HEAD"))
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    if (body && mode == CHUNKED) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(h, CURLOPT_READDATA, &src);
        hdrs = curl_slist_append(hdrs, "Transfer-Encoding: chunked");
    } else if (body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    if (header)
        hdrs = curl_slist_append(hdrs, header);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK)
        fail_msg("%s %s: %s", method, path, curl_easy_strerror(rc));
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(hdrs);
    if (own)
        curl_easy_cleanup(own);
}

static void request(fixture *f, const char *method, const char *path, const char *body, size_t len,
                    int mode, const char *header, result *r)
{
    request_on(NULL, f, method, path, body, len, mode, header, r);
}

static void result_free(result *r)
{
    free(r->body);
    r->body = NULL;
}

/* The response's value of header name (case-insensitive), copied into out, or NULL. */
static const char *header_of(const result *r, const char *name, char *out, size_t outlen)
{
    size_t n = strlen(name);
    for (const char *line = r->headers; *line;) {
        const char *eol = strstr(line, "\r\n");
        if (!eol)
            break;
        if (!strncasecmp(line, name, n) && line[n] == ':') {
            const char *v = line + n + 1;
            while (*v == ' ')
                v++;
            snprintf(out, outlen, "%.*s", (int)(eol - v), v);
            return out;
        }
        line = eol + 2;
    }
    return NULL;
}

/* The response body as JSON; fails the test when it is not. */
static json_t *body_json(const result *r)
{
    json_error_t e;
    json_t *j = json_loadb(r->body ? r->body : "", r->len, 0, &e);
    if (!j)
        fail_msg("not JSON (%s): %.*s", e.text, (int)r->len, r->body ? r->body : "");
    return j;
}

/* Checks r is status with the JSON body {"error": message}. */
static void assert_error(const result *r, long status, const char *message)
{
    char ct[128];
    assert_int_equal(r->status, status);
    assert_non_null(header_of(r, "Content-Type", ct, sizeof ct));
    assert_string_equal(ct, "application/json");
    json_t *j = body_json(r);
    assert_int_equal(json_object_size(j), 1);
    assert_string_equal(json_string_value(json_object_get(j, "error")), message);
    json_decref(j);
}

/* Checks an echo answer: the params, comma-joined ("" for none). */
static void assert_params(const result *r, const char *want)
{
    char got[512] = "";
    assert_int_equal(r->status, 200);
    json_t *j = body_json(r), *params = json_object_get(j, "params");
    for (size_t i = 0; i < json_array_size(params); i++) {
        if (i)
            strcat(got, ",");
        strcat(got, json_string_value(json_array_get(params, i)));
    }
    assert_string_equal(got, want);
    json_decref(j);
}

/* ---- fixture ---- */

static int group_setup(void **state)
{
    char err[LB_ERRLEN] = "";
    fixture *f = calloc(1, sizeof *f);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    f->metrics = lb_metrics_new();
    f->server = lb_http_server_new(0, 0, 2, f->metrics);
    if (!f->server)
        return -1;
    lb_http_server *s = f->server;
    int rc = lb_http_route(s, "GET", "/things/:id", 0, echo, NULL) |
             lb_http_route(s, "DELETE", "/things/:id", 0, echo, NULL) |
             lb_http_route(s, "GET", "/files/*", 0, echo, NULL) |
             lb_http_route(s, "POST", "/http/channels/:id/messages/*", 0, echo, NULL) |
             lb_http_route(s, "GET", "/", 0, echo, NULL) |
             lb_http_route(s, "POST", "/body", 0, echo_body, NULL) |
             lb_http_route(s, "POST", "/small", 16, echo_body, NULL) |
             lb_http_route(s, "GET", "/query", 0, query, NULL) |
             lb_http_route(s, "GET", "/headers", 0, with_headers, NULL) |
             lb_http_route(s, "GET", "/quote/:what", 0, quote_error, NULL) |
             lb_http_route(s, "GET", "/nothing", 0, no_answer, NULL) |
             lb_http_route(s, "GET", "/odd", 0, odd_status, NULL) |
             lb_http_route(s, "POST", "/accept", 0, accepted, NULL);
    if (rc != 0 || lb_http_server_start(s, err, sizeof err) != 0) {
        fprintf(stderr, "setup: %s\n", err);
        return -1;
    }
    snprintf(f->base, sizeof f->base, "http://127.0.0.1:%d", lb_http_server_port(s));
    *state = f;
    return 0;
}

static int group_teardown(void **state)
{
    fixture *f = *state;
    lb_http_server_free(f->server);
    lb_metrics_free(f->metrics);
    free(f);
    curl_global_cleanup();
    return 0;
}

/* ---- tests ---- */

static void test_port_zero_binds_a_port(void **state)
{
    fixture *f = *state;
    assert_true(lb_http_server_port(f->server) > 0);
}

static void test_route_captures_param(void **state)
{
    result r;
    request(*state, "GET", "/things/abc-123", NULL, 0, PLAIN, NULL, &r);
    assert_params(&r, "abc-123");
    json_t *j = body_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "path")), "/things/abc-123");
    assert_string_equal(json_string_value(json_object_get(j, "method")), "GET");
    json_decref(j);
    result_free(&r);
}

static void test_param_decoded(void **state)
{
    result r;
    request(*state, "GET", "/things/a%20b", NULL, 0, PLAIN, NULL, &r);
    assert_params(&r, "a b");
    result_free(&r);
}

static void test_param_does_not_match_empty_or_deeper(void **state)
{
    result r;
    request(*state, "GET", "/things/", NULL, 0, PLAIN, NULL, &r);
    assert_int_equal(r.status, 404);
    result_free(&r);
    request(*state, "GET", "/things/a/b", NULL, 0, PLAIN, NULL, &r);
    assert_int_equal(r.status, 404);
    result_free(&r);
}

static void test_rest_capture_empty(void **state)
{
    result r;
    request(*state, "GET", "/files", NULL, 0, PLAIN, NULL, &r);
    assert_params(&r, "");
    result_free(&r);
    request(*state, "GET", "/files/", NULL, 0, PLAIN, NULL, &r);
    assert_params(&r, "");
    result_free(&r);
}

static void test_rest_capture_multi_segment(void **state)
{
    result r;
    request(*state, "GET", "/files/a/b/c.txt", NULL, 0, PLAIN, NULL, &r);
    assert_params(&r, "a/b/c.txt");
    result_free(&r);
}

static void test_param_and_rest_together(void **state)
{
    result r;
    request(*state, "POST", "/http/channels/c1/messages", "{}", 2, PLAIN, NULL, &r);
    assert_params(&r, "c1,");
    result_free(&r);
    request(*state, "POST", "/http/channels/c1/messages/a/b", "{}", 2, PLAIN, NULL, &r);
    assert_params(&r, "c1,a/b");
    result_free(&r);
    request(*state, "POST", "/http/channels/c1/messagesx", "{}", 2, PLAIN, NULL, &r);
    assert_int_equal(r.status, 404);
    result_free(&r);
}

static void test_root_route(void **state)
{
    result r;
    request(*state, "GET", "/", NULL, 0, PLAIN, NULL, &r);
    assert_params(&r, "");
    result_free(&r);
}

static void test_unknown_path_404_json(void **state)
{
    result r;
    request(*state, "GET", "/x", NULL, 0, PLAIN, NULL, &r);
    assert_error(&r, 404, "no route for GET /x");
    result_free(&r);
}

static void test_unknown_path_with_body_404_json(void **state)
{
    result r;
    request(*state, "POST", "/nowhere", "abc", 3, PLAIN, NULL, &r);
    assert_error(&r, 404, "no route for POST /nowhere");
    result_free(&r);
}

static void test_404_escapes_hostile_path(void **state)
{
    result r;
    request(*state, "GET", "/a%22b%5C%0A%FF", NULL, 0, PLAIN, NULL, &r);
    assert_error(&r, 404, "no route for GET /a\"b\\\n\xEF\xBF\xBD");
    result_free(&r);
}

static void test_wrong_method_405_with_allow(void **state)
{
    result r;
    char allow[128];
    request(*state, "PUT", "/things/7", NULL, 0, PLAIN, NULL, &r);
    assert_error(&r, 405, "method PUT is not allowed on /things/7");
    assert_non_null(header_of(&r, "Allow", allow, sizeof allow));
    assert_string_equal(allow, "GET, DELETE");
    result_free(&r);
}

static void test_head_answered_by_get_route(void **state)
{
    result r;
    request(*state, "HEAD", "/things/7", NULL, 0, PLAIN, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, 0);
    result_free(&r);
}

static void test_body_delivered_exactly(void **state)
{
    static const char body[] = "a\0b\0\0c\xff\n";
    char v[64];
    result r;
    request(*state, "POST", "/body", body, sizeof body - 1, PLAIN, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, sizeof body - 1);
    assert_memory_equal(r.body, body, sizeof body - 1);
    assert_string_equal(header_of(&r, "X-Nul-Terminated", v, sizeof v), "yes");
    assert_string_equal(header_of(&r, "Content-Type", v, sizeof v), "application/octet-stream");
    result_free(&r);
}

static void test_large_chunked_body_delivered_exactly(void **state)
{
    size_t n = 300000;
    char *body = malloc(n);
    for (size_t i = 0; i < n; i++)
        body[i] = (char)(i * 7);
    result r;
    request(*state, "POST", "/body", body, n, CHUNKED, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, n);
    assert_memory_equal(r.body, body, n);
    result_free(&r);
    free(body);
}

static void test_empty_body_is_null(void **state)
{
    char v[16];
    result r;
    request(*state, "POST", "/body", "", 0, PLAIN, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, 0);
    assert_string_equal(header_of(&r, "X-Body-Null", v, sizeof v), "yes");
    result_free(&r);
}

static void test_body_at_limit_accepted(void **state)
{
    result r;
    request(*state, "POST", "/small", "0123456789abcdef", 16, PLAIN, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, 16);
    result_free(&r);
}

static void test_oversized_body_413_content_length(void **state)
{
    result r;
    request(*state, "POST", "/small", "0123456789abcdefg", 17, PLAIN, NULL, &r);
    assert_error(&r, 413, "request body is larger than 16 bytes");
    result_free(&r);
}

static void test_oversized_body_413_chunked(void **state)
{
    char body[5000];
    memset(body, 'x', sizeof body);
    result r;
    request(*state, "POST", "/small", body, 17, CHUNKED, NULL, &r);
    assert_error(&r, 413, "request body is larger than 16 bytes");
    result_free(&r);
    request(*state, "POST", "/small", body, sizeof body, CHUNKED, NULL, &r);
    assert_error(&r, 413, "request body is larger than 16 bytes");
    result_free(&r);
}

static void test_oversized_body_413_default_limit(void **state)
{
    size_t n = (1 << 20) + 1;
    char *body = calloc(1, n);
    result r;
    request(*state, "POST", "/body", body, n, PLAIN, NULL, &r);
    assert_error(&r, 413, "request body is larger than 1048576 bytes");
    result_free(&r);
    request(*state, "POST", "/body", body, n, CHUNKED, NULL, &r);
    assert_error(&r, 413, "request body is larger than 1048576 bytes");
    result_free(&r);
    free(body);
}

static size_t endless(char *buf, size_t size, size_t n, void *arg)
{
    size_t *sent = arg;
    if (*sent >= ((size_t)64 << 20))
        return 0;
    memset(buf, 'x', size * n);
    *sent += size * n;
    return size * n;
}

/* A chunked body far over the limit is not read forever: the connection is closed. */
static void test_endless_chunked_body_cut_off(void **state)
{
    fixture *f = *state;
    char url[128];
    size_t sent = 0;
    CURL *h = curl_easy_init();
    struct curl_slist *hdrs = curl_slist_append(NULL, "Transfer-Encoding: chunked");
    snprintf(url, sizeof url, "%s/small", f->base);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, endless);
    curl_easy_setopt(h, CURLOPT_READDATA, &sent);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 20L);
    CURLcode rc = curl_easy_perform(h);
    assert_int_not_equal(rc, CURLE_OK);
    assert_int_not_equal(rc, CURLE_OPERATION_TIMEDOUT);
    assert_true(sent < ((size_t)64 << 20));
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
    result r; /* and the server still answers */
    request(f, "GET", "/things/1", NULL, 0, PLAIN, NULL, &r);
    assert_int_equal(r.status, 200);
    result_free(&r);
}

static void test_query_and_header_lookup(void **state)
{
    result r;
    request(*state, "GET", "/query?a=x%20y&flag", NULL, 0, PLAIN, "X-Test: hello", &r);
    assert_int_equal(r.status, 200);
    json_t *j = body_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "a")), "x y");
    assert_string_equal(json_string_value(json_object_get(j, "flag")), "");
    assert_true(json_is_false(json_object_get(j, "missing")));
    assert_string_equal(json_string_value(json_object_get(j, "header")), "hello");
    assert_true(json_is_true(json_object_get(j, "no_header")));
    json_decref(j);
    result_free(&r);
}

static void test_handler_status_type_and_headers(void **state)
{
    char v[128];
    result r;
    request(*state, "GET", "/headers", NULL, 0, PLAIN, NULL, &r);
    assert_int_equal(r.status, 201);
    assert_int_equal(r.len, 2);
    assert_memory_equal(r.body, "hi", 2);
    assert_string_equal(header_of(&r, "Content-Type", v, sizeof v), "text/plain");
    assert_string_equal(header_of(&r, "X-One", v, sizeof v), "1");
    assert_string_equal(header_of(&r, "Location", v, sizeof v), "/things/7");
    result_free(&r);
}

/* lb_http_resp_header copies, refuses CR/LF (header injection) and stops when full. */
static void test_resp_header_limits(void **state)
{
    lb_http_resp resp = {0};
    char name[] = "X-Copied";
    assert_int_equal(lb_http_resp_header(&resp, name, "v"), 0);
    name[0] = 'Y';
    assert_string_equal(resp.header_names[0], "X-Copied");
    assert_int_equal(lb_http_resp_header(&resp, "X-Bad", "a\r\nInjected: yes"), LB_EINVAL);
    assert_int_equal(lb_http_resp_header(&resp, "X Bad", "a"), LB_EINVAL);
    assert_int_equal(lb_http_resp_header(&resp, "X-Bad:", "a"), LB_EINVAL);
    for (int i = 1; i < LB_HTTP_MAX_HEADERS; i++)
        assert_int_equal(lb_http_resp_header(&resp, "X-Fill", "x"), 0);
    assert_int_equal(lb_http_resp_header(&resp, "X-Over", "x"), LB_ETOOBIG);
    assert_int_equal(resp.nheaders, LB_HTTP_MAX_HEADERS);
    for (int i = 0; i < resp.nheaders; i++) {
        free(resp.header_names[i]);
        free(resp.header_values[i]);
    }
}

static void test_error_message_escaped(void **state)
{
    result r;
    request(*state, "GET", "/quote/it", NULL, 0, PLAIN, NULL, &r);
    assert_error(&r, 400, "bad \"it\" \\ here\n");
    assert_non_null(strstr(r.body, "\\\"it\\\""));
    result_free(&r);
}

static void test_handler_without_status_500(void **state)
{
    result r;
    request(*state, "GET", "/nothing", NULL, 0, PLAIN, NULL, &r);
    assert_error(&r, 500, "the handler for GET /nothing gave no response");
    result_free(&r);
}

static void test_handler_invalid_status_500(void **state)
{
    result r;
    request(*state, "GET", "/odd", NULL, 0, PLAIN, NULL, &r);
    assert_error(&r, 500, "the handler for GET /odd gave status 700");
    result_free(&r);
}

static void test_status_only_response_has_no_body(void **state)
{
    result r;
    request(*state, "POST", "/accept", "{}", 2, PLAIN, NULL, &r);
    assert_int_equal(r.status, 202);
    assert_int_equal(r.len, 0);
    result_free(&r);
}

static int late(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    lb_http_resp_body(resp, 200, "text/plain", "late", 4);
    return 0;
}

static void test_route_added_after_start(void **state)
{
    fixture *f = *state;
    result r;
    request(f, "GET", "/late", NULL, 0, PLAIN, NULL, &r);
    assert_int_equal(r.status, 404);
    result_free(&r);
    assert_int_equal(lb_http_route(f->server, "GET", "/late", 0, late, NULL), 0);
    request(f, "GET", "/late", NULL, 0, PLAIN, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_memory_equal(r.body, "late", 4);
    result_free(&r);
}

static void test_bad_routes_refused(void **state)
{
    fixture *f = *state;
    static const char *const bad[] = {"",   "things", "/a//b", "/a/",  "/a/*/b",
                                      "/:", "/a*b",   "/a?b",  "/a b", "//"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (lb_http_route(f->server, "GET", bad[i], 0, echo, NULL) != LB_EINVAL)
            fail_msg("pattern '%s' accepted", bad[i]);
    assert_int_equal(lb_http_route(f->server, "get", "/ok", 0, echo, NULL), LB_EINVAL);
    assert_int_equal(lb_http_route(f->server, "", "/ok", 0, echo, NULL), LB_EINVAL);
    assert_int_equal(lb_http_route(f->server, "GET", "/ok", 0, NULL, NULL), LB_EINVAL);
    assert_int_equal(lb_http_route(f->server, "GET", "/:a/:b/:c/:d/:e/:f/:g/:h/:i", 0, echo, NULL),
                     LB_EINVAL);
}

static void test_duplicate_route_refused(void **state)
{
    fixture *f = *state;
    assert_int_equal(lb_http_route(f->server, "GET", "/things/:other", 0, echo, NULL), LB_EEXIST);
    assert_int_equal(lb_http_route(f->server, "GET", "/files/*", 0, echo, NULL), LB_EEXIST);
}

static void test_keep_alive_reuses_connection(void **state)
{
    CURL *h = curl_easy_init();
    long connects = -1;
    result r;
    request_on(h, *state, "GET", "/things/1", NULL, 0, PLAIN, NULL, &r);
    assert_int_equal(r.status, 200);
    result_free(&r);
    static const char *const paths[] = {"/things/2", "/accept", "/nowhere", "/body"};
    static const char *const methods[] = {"GET", "POST", "GET", "POST"};
    for (int i = 0; i < 4; i++) {
        request_on(h, *state, methods[i], paths[i], i % 2 ? "{}" : NULL, 2, PLAIN, NULL, &r);
        curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &connects);
        if (connects != 0)
            fail_msg("%s %s opened a new connection", methods[i], paths[i]);
        result_free(&r);
    }
    curl_easy_cleanup(h);
}

static void test_metrics_counted(void **state)
{
    fixture *f = *state;
    lb_counter *ok = lb_metrics_counter(f->metrics, "lb_http_requests_total{code=\"2xx\"}", "");
    lb_counter *nf = lb_metrics_counter(f->metrics, "lb_http_requests_total{code=\"4xx\"}", "");
    lb_counter *se = lb_metrics_counter(f->metrics, "lb_http_requests_total{code=\"5xx\"}", "");
    lb_histogram *d =
        lb_metrics_histogram(f->metrics, "lb_http_request_duration_seconds", "", NULL, 0);
    assert_non_null(ok);
    assert_non_null(nf);
    assert_non_null(se);
    assert_non_null(d);
    uint64_t ok0 = lb_counter_value(ok), nf0 = lb_counter_value(nf), se0 = lb_counter_value(se);
    uint64_t d0 = lb_histogram_count(d);
    result r;
    request(f, "GET", "/things/1", NULL, 0, PLAIN, NULL, &r);
    result_free(&r);
    request(f, "GET", "/things/2", NULL, 0, PLAIN, NULL, &r);
    result_free(&r);
    request(f, "GET", "/nope", NULL, 0, PLAIN, NULL, &r);
    result_free(&r);
    request(f, "GET", "/nothing", NULL, 0, PLAIN, NULL, &r);
    result_free(&r);
    assert_int_equal(lb_counter_value(ok) - ok0, 2);
    assert_int_equal(lb_counter_value(nf) - nf0, 1);
    assert_int_equal(lb_counter_value(se) - se0, 1);
    assert_int_equal(lb_histogram_count(d) - d0, 4);
    char *text = lb_metrics_render(f->metrics, NULL);
    assert_non_null(strstr(text, "# TYPE lb_http_requests_total counter\n"
                                 "lb_http_requests_total{code=\"1xx\"} 0\n"));
    assert_non_null(strstr(text, "lb_http_request_duration_seconds_bucket{le=\"+Inf\"}"));
    free(text);
}

static void test_port_taken_refused(void **state)
{
    fixture *f = *state;
    char err[LB_ERRLEN] = "";
    lb_http_server *s = lb_http_server_new(lb_http_server_port(f->server), 0, 1, NULL);
    assert_non_null(s);
    assert_int_equal(lb_http_server_start(s, err, sizeof err), LB_EIO);
    assert_non_null(strstr(err, "cannot listen"));
    lb_http_server_free(s);
}

static void test_port_out_of_range_refused(void **state)
{
    char err[LB_ERRLEN] = "";
    lb_http_server *s = lb_http_server_new(65536, 0, 1, NULL);
    assert_non_null(s);
    assert_int_equal(lb_http_server_start(s, err, sizeof err), LB_EINVAL);
    assert_string_equal(err, "port 65536 is not between 0 and 65535");
    lb_http_server_free(s);
}

static void test_stop_twice_and_restart(void **state)
{
    char err[LB_ERRLEN] = "";
    lb_http_server *s = lb_http_server_new(0, 0, 1, NULL);
    assert_non_null(s);
    assert_int_equal(lb_http_route(s, "POST", "/accept", 0, accepted, NULL), 0);
    assert_int_equal(lb_http_server_start(s, err, sizeof err), 0);
    fixture f2 = {0};
    snprintf(f2.base, sizeof f2.base, "http://127.0.0.1:%d", lb_http_server_port(s));
    result r;
    request(&f2, "POST", "/accept", "{}", 2, PLAIN, NULL, &r);
    assert_int_equal(r.status, 202);
    result_free(&r);
    lb_http_server_stop(s);
    lb_http_server_stop(s);
    assert_int_equal(lb_http_server_start(s, err, sizeof err), 0);
    snprintf(f2.base, sizeof f2.base, "http://127.0.0.1:%d", lb_http_server_port(s));
    request(&f2, "POST", "/accept", "{}", 2, PLAIN, NULL, &r);
    assert_int_equal(r.status, 202);
    result_free(&r);
    lb_http_server_free(s);
    lb_http_server_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_port_zero_binds_a_port),
        cmocka_unit_test(test_route_captures_param),
        cmocka_unit_test(test_param_decoded),
        cmocka_unit_test(test_param_does_not_match_empty_or_deeper),
        cmocka_unit_test(test_rest_capture_empty),
        cmocka_unit_test(test_rest_capture_multi_segment),
        cmocka_unit_test(test_param_and_rest_together),
        cmocka_unit_test(test_root_route),
        cmocka_unit_test(test_unknown_path_404_json),
        cmocka_unit_test(test_unknown_path_with_body_404_json),
        cmocka_unit_test(test_404_escapes_hostile_path),
        cmocka_unit_test(test_wrong_method_405_with_allow),
        cmocka_unit_test(test_head_answered_by_get_route),
        cmocka_unit_test(test_body_delivered_exactly),
        cmocka_unit_test(test_large_chunked_body_delivered_exactly),
        cmocka_unit_test(test_empty_body_is_null),
        cmocka_unit_test(test_body_at_limit_accepted),
        cmocka_unit_test(test_oversized_body_413_content_length),
        cmocka_unit_test(test_oversized_body_413_chunked),
        cmocka_unit_test(test_oversized_body_413_default_limit),
        cmocka_unit_test(test_endless_chunked_body_cut_off),
        cmocka_unit_test(test_query_and_header_lookup),
        cmocka_unit_test(test_handler_status_type_and_headers),
        cmocka_unit_test(test_resp_header_limits),
        cmocka_unit_test(test_error_message_escaped),
        cmocka_unit_test(test_handler_without_status_500),
        cmocka_unit_test(test_handler_invalid_status_500),
        cmocka_unit_test(test_status_only_response_has_no_body),
        cmocka_unit_test(test_route_added_after_start),
        cmocka_unit_test(test_bad_routes_refused),
        cmocka_unit_test(test_duplicate_route_refused),
        cmocka_unit_test(test_keep_alive_reuses_connection),
        cmocka_unit_test(test_metrics_counted),
        cmocka_unit_test(test_port_taken_refused),
        cmocka_unit_test(test_port_out_of_range_refused),
        cmocka_unit_test(test_stop_twice_and_restart),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
