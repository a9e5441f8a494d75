/* The InfluxDB writer plugin's private header: what its parts share.
 *
 *   plugin.c   lifecycle, settings, influxd as a supervised child when LB_INFLUX_URL is unset,
 *              database creation
 *   writer*.c  channels.> (queue group) -> normalised SenML -> line protocol batches over HTTP
 *              (libcurl, keep-alive, gzip), bounded buffer spilling to a file, exactly once
 *   reader*.c  GET /reader/channels/<id>/messages and /series on the host's HTTP front, with
 *              reader_cache.c (answers kept until a writer reports new points)
 */
#ifndef LB_INFLUX_H
#define LB_INFLUX_H

#include <lyrebird/plugin.h>

/* Where InfluxDB is (base URL "http://127.0.0.1:8086", database name) and how long the
 * reader may answer a page again from its cache (reader_cache.h; 0: never). */
typedef struct influx_target {
    const char *url;
    const char *db;
    double cache_seconds;
} influx_target;

typedef struct influx_reader influx_reader;

/* reader.c: registers the reader's routes on host (from the plugin's init) and keeps t's
 * strings; NULL when out of memory or a route could not be added (logged). Thread-safe
 * handlers; free with influx_reader_free after the plugin stopped. */
influx_reader *influx_reader_new(const lb_host *host, const influx_target *t);
void influx_reader_free(influx_reader *r);

/* reader_query.c: the reader's query builder, a pure function of the request's parameters
 * (no I/O, thread-safe), so it is unit-tested and fuzzed without a server. Every string a
 * request gives becomes an InfluxQL string literal ('...' with \\ and \' escaped; control
 * characters, invalid UTF-8 and strings over INFLUX_PARAM_MAX bytes are refused); numbers,
 * booleans and durations are parsed strictly and printed by us; identifiers are ours. */

#define INFLUX_PARAM_MAX          1024
#define INFLUX_LIMIT_DEFAULT      10
#define INFLUX_LIMIT_MAX          1000
#define INFLUX_SERIES_MAX_BUCKETS 10000

/* Looks a query parameter up by name: its decoded value or NULL when absent. */
typedef const char *(*influx_param_fn)(void *arg, const char *name);

/* A messages page: text holds two statements separated by "; " (the page, newest first,
 * then COUNT(*) of the matching points); both are answered in one /query call. */
typedef struct influx_messages_query {
    char *text; /* malloc'd; free with influx_messages_query_clear */
    long offset;
    long limit;
} influx_messages_query;

/* A chart series: one statement, GROUP BY time(every) fill(none). */
typedef struct influx_series_query {
    char *text;     /* malloc'd; free with influx_series_query_clear */
    char agg[8];    /* mean, min, max or count */
    char every[16]; /* as given, e.g. "1m" */
    char *name;     /* malloc'd copy of the name parameter */
} influx_series_query;

/* Builds the messages query for channel from the parameters offset, limit, subtopic,
 * publisher, protocol, name, v, comparator, vs, vb, vd, from, to (Mainflux 0.12's reader
 * API). Returns 0 with *out filled (the caller frees it with influx_messages_query_clear),
 * LB_EINVAL with err naming the bad parameter, or LB_ENOMEM. Keeps no pointers. */
int influx_query_messages(const char *channel, influx_param_fn get, void *arg,
                          influx_messages_query *out, char *err, size_t errlen);
void influx_messages_query_clear(influx_messages_query *q);

/* Builds the series query for channel from name (required), agg (default mean), every
 * (default 1m; <n>s|m|h|d), from/to (Unix seconds; default the hour before now) and the
 * optional subtopic/publisher filters. At most INFLUX_SERIES_MAX_BUCKETS buckets. Returns as
 * influx_query_messages; free with influx_series_query_clear. */
int influx_query_series(const char *channel, influx_param_fn get, void *arg, double now,
                        influx_series_query *out, char *err, size_t errlen);
void influx_series_query_clear(influx_series_query *q);

/* Writes s to dst as an InfluxQL string literal, quotes included (for the tests): returns its
 * length, or -1 when dstlen is too small. */
int influx_quote(char *dst, size_t dstlen, const char *s);

#endif
