/* InfluxDB 1.x over HTTP for the writer: /write (the body gzip'd or not) on one keep-alive
 * libcurl handle, /ping and CREATE DATABASE. One influx_http per thread. */
#ifndef LB_INFLUX_HTTP_H
#define LB_INFLUX_HTTP_H

#include "line.h"

typedef struct influx_http influx_http;

/* Keeps copies of url and db; gzip: compress request bodies. NULL when out of memory. */
influx_http *influx_http_new(const char *url, const char *db, long timeout_ms, int gzip);
void influx_http_free(influx_http *h);

/* POSTs lines[0..len) to /write?db=...&precision=ns. Returns the HTTP status, or 0 when no
 * answer came (err says why); the answer's body is in resp. */
int influx_http_write(influx_http *h, const char *lines, size_t len, influx_buf *resp, char *err,
                      size_t errlen);

#endif
