/* What the reader remembers of InfluxDB's answers, so that dashboards polling a channel cost
 * InfluxDB a query only when the channel has new points.
 *
 *   pages   a page statement's answer, served again until a writer reports new points for
 *           its channel (INFLUX_WRITTEN, writer.h) or page_seconds passed (the backstop for
 *           points written by anyone else); past that age one request fetches it again while
 *           the others are still served the old one (as for totals);
 *   totals  a count statement's answer: fresh for INFLUX_TOTAL_TTL_SECONDS, or up to
 *           INFLUX_TOTAL_QUIET_SECONDS when no new points were reported for its channel
 *           since it was counted; after that served while one request counts it again
 *           (counting a channel of a million points costs InfluxDB a few hundred ms).
 *
 * An answer that was being fetched while new points were reported for its channel is not
 * cached (a ticket, taken before the query, remembers the reports): so a cached answer is
 * never older than the last report for its channel. Thread-safe. */
#ifndef LB_INFLUX_READER_CACHE_H
#define LB_INFLUX_READER_CACHE_H

#include <jansson.h>
#include <stddef.h>

/* A total is fresh for TTL whatever was reported, for QUIET while no new points were
 * reported for its channel, and served while another request counts it again up to STALE. */
#define INFLUX_TOTAL_TTL_SECONDS   5.0
#define INFLUX_TOTAL_QUIET_SECONDS 60.0
#define INFLUX_TOTAL_STALE_SECONDS 120.0

typedef struct influx_cache influx_cache;
typedef struct influx_ticket influx_ticket;

/* page_seconds: how long a page may be served again (0: pages are not cached). NULL when out
 * of memory. */
influx_cache *influx_cache_new(double page_seconds);
void influx_cache_free(influx_cache *c);

/* A writer's INFLUX_WRITTEN message: drops the pages of its channels, marks their totals
 * as needing a count, taints the tickets of those channels. Empty: every channel. */
void influx_cache_written(influx_cache *c, const char *data, size_t len);

/* Before a query about channel's points. NULL when out of memory (the answer is then not
 * cached); hand it to a *_put, or to influx_cache_drop. */
influx_ticket *influx_cache_ticket(influx_cache *c, const char *channel);
void influx_cache_drop(influx_cache *c, influx_ticket *t);

/* The cached answer of page statement q (a malloc'd copy), or NULL: nothing, or it is past
 * its age and this caller is to fetch it again (the others get the old one meanwhile). */
char *influx_cache_page_get(influx_cache *c, const char *q);
/* Keeps body (copied) as q's answer unless t was tainted; frees t. */
void influx_cache_page_put(influx_cache *c, influx_ticket *t, const char *q, const char *body);

/* What the cache holds for a count statement. */
enum { INFLUX_TOTAL_FRESH, INFLUX_TOTAL_STALE, INFLUX_TOTAL_REFRESH, INFLUX_TOTAL_MISS };

/* The cached total of count: INFLUX_TOTAL_FRESH (*total set, fresh); INFLUX_TOTAL_STALE (*total
 * set, old, another request counting it again); INFLUX_TOTAL_REFRESH (*total set, old: the caller
 * serves it and must count again, then call influx_cache_total_put); INFLUX_TOTAL_MISS (nothing
 * usable: the caller counts, then calls influx_cache_total_put). */
int influx_cache_total_get(influx_cache *c, const char *count, json_int_t *total);
/* Stores a counted total (ok) or gives the count up (!ok), for count about channel; frees
 * t, the ticket taken before counting (NULL: none, the total is stored as needing a count
 * again after INFLUX_TOTAL_TTL_SECONDS). */
void influx_cache_total_put(influx_cache *c, influx_ticket *t, const char *channel,
                            const char *count, json_int_t total, int ok);

#endif
