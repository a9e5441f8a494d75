/* Request plumbing for the things API: JSON bodies with their content type, the paging
 * parameters of list calls, and replies (including the store's errors as HTTP statuses). */
#include "things.h"

#include <lyrebird/error.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

json_t *things_json_body(const lb_http_req *req, lb_http_resp *resp)
{
    const char *ct = lb_http_header(req, "Content-Type");
    size_t n = ct ? strcspn(ct, "; ") : 0;
    if (!ct || n != 16 || strncasecmp(ct, "application/json", 16) != 0) {
        lb_http_resp_error(resp, 415, "Content-Type must be application/json, not '%s'",
                           ct ? ct : "(none)");
        return NULL;
    }
    json_error_t jerr;
    json_t *v =
        req->body_len ? json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr) : NULL;
    if (!v) {
        if (!req->body_len)
            lb_http_resp_error(resp, 400, "the request body is empty; a JSON value is expected");
        else
            lb_http_resp_error(resp, 400, "malformed JSON at line %d column %d: %s", jerr.line,
                               jerr.column, jerr.text);
    }
    return v;
}

/* A whole number in [min, max] from the query; def when absent. */
static int query_long(const lb_http_req *req, lb_http_resp *resp, const char *name, long def,
                      long min, long max, long *out)
{
    const char *v = lb_http_query(req, name);
    if (!v) {
        *out = def;
        return 0;
    }
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (!*v || errno || *end || n < min || n > max) {
        lb_http_resp_error(resp, 400, "query parameter %s must be a whole number from %ld to %ld",
                           name, min, max);
        return LB_EINVAL;
    }
    *out = n;
    return 0;
}

int things_page(const lb_http_req *req, lb_http_resp *resp, ts_page *page, json_t **meta_out)
{
    memset(page, 0, sizeof *page);
    *meta_out = NULL;
    if (query_long(req, resp, "offset", 0, 0, 1L << 40, &page->offset) != 0 ||
        query_long(req, resp, "limit", 10, 1, 100, &page->limit) != 0)
        return LB_EINVAL;
    page->name = lb_http_query(req, "name");
    if (page->name && !*page->name)
        page->name = NULL;
    const char *meta = lb_http_query(req, "metadata");
    if (meta && *meta) {
        json_error_t jerr;
        *meta_out = json_loads(meta, 0, &jerr);
        if (!json_is_object(*meta_out)) {
            json_decref(*meta_out);
            *meta_out = NULL;
            lb_http_resp_error(resp, 400, "query parameter metadata must be a JSON object");
            return LB_EINVAL;
        }
        page->metadata = *meta_out;
    }
    const char *order = lb_http_query(req, "order");
    const char *dir = lb_http_query(req, "dir");
    if (order && strcmp(order, "name") != 0 && strcmp(order, "id") != 0) {
        lb_http_resp_error(resp, 400, "query parameter order must be name or id");
        return LB_EINVAL;
    }
    if (dir && strcmp(dir, "asc") != 0 && strcmp(dir, "desc") != 0) {
        lb_http_resp_error(resp, 400, "query parameter dir must be asc or desc");
        return LB_EINVAL;
    }
    page->order_by_name = order && strcmp(order, "name") == 0;
    page->descending = dir && strcmp(dir, "desc") == 0;
    return 0;
}

void things_reply(lb_http_resp *resp, int status, json_t *body)
{
    lb_http_resp_take(resp, status, body ? json_dumps(body, JSON_COMPACT) : NULL);
    json_decref(body);
}

void things_store_error(lb_http_resp *resp, int rc, const char *what)
{
    if (rc == LB_ENOTFOUND)
        lb_http_resp_error(resp, 404, "%s not found", what);
    else if (rc == LB_EEXIST)
        lb_http_resp_error(resp, 409, "%s already exists", what);
    else
        lb_http_resp_error(resp, 500, "storage failed: %s", lb_strerror(rc));
}
