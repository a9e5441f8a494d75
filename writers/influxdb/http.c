/* InfluxDB over HTTP (see http.h and writer.h). */
#define _GNU_SOURCE
#include "http.h"
#include "writer.h"

#include <lyrebird/error.h>

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

struct influx_http {
    CURL *curl;
    struct curl_slist *headers;
    char *write_url;
    long timeout_ms;
    int gzip;
    influx_buf gz;
};

static size_t collect(char *p, size_t size, size_t n, void *arg)
{
    influx_buf_add(arg, p, size * n);
    return size * n;
}

influx_http *influx_http_new(const char *url, const char *db, long timeout_ms, int gzip)
{
    influx_http *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->timeout_ms = timeout_ms;
    h->gzip = gzip;
    h->curl = curl_easy_init();
    char *edb = h->curl ? curl_easy_escape(h->curl, db, 0) : NULL;
    if (!edb || asprintf(&h->write_url, "%s/write?db=%s&precision=ns", url, edb) < 0) {
        h->write_url = NULL;
        curl_free(edb);
        influx_http_free(h);
        return NULL;
    }
    curl_free(edb);
    h->headers = curl_slist_append(NULL, "Content-Type: text/plain; charset=utf-8");
    struct curl_slist *more =
        h->headers && gzip ? curl_slist_append(h->headers, "Content-Encoding: gzip") : h->headers;
    if (!more) {
        influx_http_free(h);
        return NULL;
    }
    h->headers = more;
    return h;
}

void influx_http_free(influx_http *h)
{
    if (!h)
        return;
    if (h->curl)
        curl_easy_cleanup(h->curl);
    curl_slist_free_all(h->headers);
    free(h->write_url);
    influx_buf_free(&h->gz);
    free(h);
}

/* gzip's data into h->gz. Returns 0 or -1. */
static int gzip(influx_http *h, const char *data, size_t len)
{
    z_stream z = {0};
    if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    size_t bound = deflateBound(&z, (uLong)len);
    influx_buf_reset(&h->gz);
    influx_buf_add(&h->gz, "", 0);
    if (h->gz.cap < bound + 1) {
        char *d = realloc(h->gz.data, bound + 1);
        if (!d) {
            deflateEnd(&z);
            return -1;
        }
        h->gz.data = d;
        h->gz.cap = bound + 1;
    }
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)h->gz.data;
    z.avail_out = (uInt)bound;
    int rc = deflate(&z, Z_FINISH);
    h->gz.len = z.total_out;
    deflateEnd(&z);
    return rc == Z_STREAM_END ? 0 : -1;
}

int influx_http_write(influx_http *h, const char *lines, size_t len, influx_buf *resp, char *err,
                      size_t errlen)
{
    influx_buf_reset(resp);
    if (h->gzip) {
        if (gzip(h, lines, len) != 0) {
            snprintf(err, errlen, "cannot compress the batch");
            return 0;
        }
        lines = h->gz.data;
        len = h->gz.len;
    }
    CURL *c = h->curl;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, h->write_url);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, lines);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h->headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "%s", curl_easy_strerror(rc));
        return 0;
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    return (int)status;
}

/* ---- one-off requests ---- */

static long simple(const char *url, const char *post, influx_buf *resp, char *err, size_t errlen)
{
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return 0;
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    if (post)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    long status = 0;
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    else
        snprintf(err, errlen, "%s", curl_easy_strerror(rc));
    curl_easy_cleanup(c);
    return status;
}

int influx_ping_wait(const char *url, long timeout_ms)
{
    char ping[1024], err[LB_ERRLEN];
    snprintf(ping, sizeof ping, "%s/ping", url);
    for (long waited = 0; waited <= timeout_ms; waited += 50) {
        influx_buf resp = {0};
        long status = simple(ping, NULL, &resp, err, sizeof err);
        influx_buf_free(&resp);
        if (status == 204)
            return 0;
        nanosleep(&(struct timespec){0, 50 * 1000000L}, NULL);
    }
    return LB_ETIMEDOUT;
}

/* InfluxDB 1.x answers 200 even when the statement failed (an unauthorized user, a bad
 * name), with the reason in the body: {"results":[{"statement_id":0,"error":"..."}]}, or
 * {"error":"..."}. Returns 0 when body reports no error; else LB_EIO with err filled (also
 * when body is not InfluxDB's JSON: then something else answered). */
static int statement_result(const char *body, char *err, size_t errlen)
{
    json_t *root = json_loads(body, 0, NULL);
    if (!json_is_object(root)) {
        snprintf(err, errlen, "CREATE DATABASE failed: the answer is not InfluxDB's JSON: %.150s",
                 body);
        json_decref(root);
        return LB_EIO;
    }
    const char *why = json_string_value(json_object_get(root, "error"));
    size_t i;
    json_t *result;
    json_array_foreach(json_object_get(root, "results"), i, result)
    {
        if (why)
            break;
        why = json_string_value(json_object_get(result, "error"));
    }
    int rc = 0;
    if (why) {
        snprintf(err, errlen, "CREATE DATABASE failed: %s", why);
        rc = LB_EIO;
    }
    json_decref(root);
    return rc;
}

int influx_create_db(const char *url, const char *db, char *err, size_t errlen)
{
    char q[1024], target[1024];
    int rc = LB_EIO;
    influx_buf resp = {0};
    CURL *c = curl_easy_init();
    char *eq = NULL;
    /* an identifier in double quotes: escape '"' and '\' */
    influx_buf id = {0};
    for (const char *p = db; *p; p++) {
        if (*p == '"' || *p == '\\')
            influx_buf_add(&id, "\\", 1);
        influx_buf_add(&id, p, 1);
    }
    snprintf(q, sizeof q, "CREATE DATABASE \"%s\"", id.data ? id.data : "");
    if (!c || !(eq = curl_easy_escape(c, q, 0))) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    snprintf(target, sizeof target, "%s/query", url);
    char body[1200];
    snprintf(body, sizeof body, "q=%s", eq);
    long status = simple(target, body, &resp, err, errlen);
    if (status == 200) {
        rc = statement_result(resp.data ? resp.data : "", err, errlen);
    } else if (status) {
        snprintf(err, errlen, "CREATE DATABASE answered %ld: %.150s", status,
                 resp.data ? resp.data : "");
    }
out:
    curl_free(eq);
    if (c)
        curl_easy_cleanup(c);
    influx_buf_free(&id);
    influx_buf_free(&resp);
    return rc;
}
