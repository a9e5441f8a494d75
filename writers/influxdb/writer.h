/* The writer: channels.> (queue group "influxdb") -> line protocol -> InfluxDB 1.x /write.
 *
 * The bus callback converts each message to lines (line.h) and queues them in memory; one
 * writer thread sends batches of up to batch_points points, or what is queued after
 * flush_ms, over one keep-alive libcurl connection (gzip'd when cfg.gzip). Delivery:
 *   - 2xx: done. 400 "partial write" (a field type conflict, an unparsable line among good
 *     ones): InfluxDB stored the rest; the refused points are logged and counted as dropped.
 *     Any other 400: the batch is bisected until the refused point is alone, which is dropped
 *     and logged; the others are stored.
 *   - anything else (no connection, timeout, 5xx, 404 database not found, 401...): the same
 *     batch is retried with backoff (100 ms doubling to 5 s); a missing database is created.
 *   - while retrying or while the spill file is not empty, once the memory queue holds
 *     queue_points / 2 points they move, oldest first, to the spill file (spill.h); batches
 *     are then taken from the spill and removed from it only after InfluxDB acknowledged
 *     them. Everything in the spill is older than everything in memory, so order holds.
 *     At stop what is still in memory is sent (when InfluxDB answers) or spilled, and the
 *     next start resumes the spill.
 *   - when memory holds queue_points points the bus callback waits for room (backpressure;
 *     the writer thread makes room by spilling) rather than drop.
 * Resending a batch whose acknowledgement was lost stores nothing twice: a point is keyed by
 * measurement, tags and time, and a retried line is the same bytes.
 * After InfluxDB acknowledged a batch the writer publishes INFLUX_WRITTEN: the ids of the
 * channels that have new points, one per line (sorted; several messages when long); an empty
 * message means "any channel" (a batch from the spill, whose channels are not kept). Readers
 * drop what they cached of those channels (reader_cache.h). A batch is announced once all of
 * it is through: while the second half of a bisected batch is retried, the first half is
 * stored but not announced yet (the readers' caches are bounded by age meanwhile).
 * Thread-safety: new/start/stop/free from the plugin's hooks (host main thread). */
#ifndef LB_INFLUX_WRITER_H
#define LB_INFLUX_WRITER_H

#include <lyrebird/plugin.h>

#include <stddef.h>

#define INFLUX_WRITTEN "influx.written"

typedef struct influx_writer_cfg {
    const char *url;        /* "http://127.0.0.1:8086" */
    const char *db;         /* database */
    const char *spill_path; /* spill file */
    size_t batch_points;    /* LB_INFLUX_BATCH, 5000 */
    long flush_ms;          /* LB_INFLUX_FLUSH_MS, 100 */
    size_t queue_points;    /* LB_INFLUX_QUEUE, 100000: memory bound */
    long timeout_ms;        /* one request's limit */
    int gzip;               /* LB_INFLUX_GZIP: compress the batches */
} influx_writer_cfg;

typedef struct influx_writer influx_writer;

/* Opens the spill (resuming what it holds) and registers the metrics. Keeps copies of the
 * strings. Returns NULL with err filled. */
influx_writer *influx_writer_new(const lb_host *host, const influx_writer_cfg *cfg, char *err,
                                 size_t errlen);
/* Starts the thread and subscribes. Returns 0 or an LB_E* code (logged). */
int influx_writer_start(influx_writer *w);
/* Unsubscribes, sends or spills what is in memory, stops the thread. */
void influx_writer_stop(influx_writer *w);
/* Frees (stopping first if needed). NULL is a no-op. */
void influx_writer_free(influx_writer *w);

/* Waits up to timeout_ms for url's /ping to answer 204. Returns 0 or LB_ETIMEDOUT. */
int influx_ping_wait(const char *url, long timeout_ms);
/* CREATE DATABASE db on url (idempotent). Returns 0 or LB_EIO with err filled. */
int influx_create_db(const char *url, const char *db, char *err, size_t errlen);

#endif
