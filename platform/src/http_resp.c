/* Building responses for the HTTP front (http.h): JSON bodies, {"error": ...} messages with
 * text made safe for JSON, extra headers checked against header injection. */
#include <lyrebird/http.h>

#include <lyrebird/error.h>

#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_internal.h"

void lb_http_resp_clear(lb_http_resp *resp)
{
    free(resp->body);
    resp->body = NULL;
    resp->body_len = 0;
    for (int i = 0; i < resp->nheaders; i++) {
        free(resp->header_names[i]);
        free(resp->header_values[i]);
    }
    resp->nheaders = 0;
}

void lb_http_resp_take(lb_http_resp *resp, int status, char *json_text)
{
    free(resp->body);
    resp->status = json_text ? status : 500; /* no text: the caller ran out of memory */
    resp->body = json_text;
    resp->body_len = json_text ? strlen(json_text) : 0;
    resp->content_type = "application/json";
}

void lb_http_resp_body(lb_http_resp *resp, int status, const char *content_type, const void *body,
                       size_t len)
{
    char *copy = NULL;
    free(resp->body);
    resp->body = NULL;
    resp->body_len = 0;
    resp->status = status;
    resp->content_type = content_type;
    if (len == 0)
        return;
    if (!(copy = malloc(len))) {
        resp->status = 500;
        return;
    }
    memcpy(copy, body, len);
    resp->body = copy;
    resp->body_len = len;
}

/* Copies s into a malloc'd string with every invalid UTF-8 byte replaced by U+FFFD, as
 * jansson refuses strings that are not UTF-8 (a path echoed in a message may be anything). */
static char *utf8_clean(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(n * 3 + 1), *o = out;
    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t len = *p < 0x80             ? 1
                     : (*p & 0xE0) == 0xC0 ? 2
                     : (*p & 0xF0) == 0xE0 ? 3
                     : (*p & 0xF8) == 0xF0 ? 4
                                           : 0;
        uint32_t cp = len == 1 ? *p : len ? *p & (0x7F >> len) : 0;
        for (size_t i = 1; i < len; i++) {
            if ((p[i] & 0xC0) != 0x80) {
                len = 0;
                break;
            }
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
        if (len == 0 || cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3;
            p++;
            continue;
        }
        memcpy(o, p, len);
        o += len;
        p += len;
    }
    *o = '\0';
    return out;
}

void lb_http_resp_verror(lb_http_resp *resp, int status, const char *fmt, va_list ap)
{
    char small[256], *msg = small, *clean = NULL, *text = NULL;
    json_t *obj = NULL;
    va_list ap2;

    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        goto out;
    if ((size_t)n >= sizeof small) {
        if (!(msg = malloc((size_t)n + 1)))
            goto out;
        vsnprintf(msg, (size_t)n + 1, fmt, ap);
    }
    if (!(clean = utf8_clean(msg)) || !(obj = json_pack("{s:s}", "error", clean)))
        goto out;
    text = json_dumps(obj, JSON_COMPACT);
out:
    free(resp->body);
    resp->status = status; /* even without a body, when memory ran out */
    resp->body = text;
    resp->body_len = text ? strlen(text) : 0;
    resp->content_type = "application/json";
    json_decref(obj);
    free(clean);
    if (msg != small)
        free(msg);
}

void lb_http_resp_error(lb_http_resp *resp, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lb_http_resp_verror(resp, status, fmt, ap);
    va_end(ap);
}

int lb_http_resp_header(lb_http_resp *resp, const char *name, const char *value)
{
    if (!name || !*name || !value || strpbrk(name, " \t\r\n:") || strpbrk(value, "\r\n"))
        return LB_EINVAL;
    if (resp->nheaders >= LB_HTTP_MAX_HEADERS)
        return LB_ETOOBIG;
    char *n = strdup(name), *v = strdup(value);
    if (!n || !v) {
        free(n);
        free(v);
        return LB_ENOMEM;
    }
    resp->header_names[resp->nheaders] = n;
    resp->header_values[resp->nheaders] = v;
    resp->nheaders++;
    return 0;
}
