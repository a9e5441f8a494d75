/* The spill file: batches of lines the writer could not deliver yet, kept on disk in order
 * until InfluxDB acknowledged them.
 *
 * <path>       records: "LBSP", u32 length, u32 points, u32 CRC-32 of the data (little
 *              endian), then the data (lines)
 * <path>.head  the offset of the first record not yet delivered (decimal text, replaced by
 *              rename so it is never half written)
 * Records are appended at the end and consumed from the head only after a 2xx; when the head
 * reaches the end both files are emptied. A crash while appending leaves a short or
 * corrupt last record: influx_spill_open detects it (length past the end, bad magic or CRC),
 * cuts the file there and says so in warn.
 * Not thread-safe: one thread (the writer's) owns a spill. */
#ifndef LB_INFLUX_SPILL_H
#define LB_INFLUX_SPILL_H

#include "line.h"

#include <stddef.h>

typedef struct influx_spill influx_spill;

/* Opens (creating) the spill at path and checks it from its head. warn gets a sentence when
 * a damaged tail was cut ("" otherwise). Returns the spill (free with influx_spill_close) or
 * NULL with err filled. */
influx_spill *influx_spill_open(const char *path, char *warn, size_t warnlen, char *err,
                                size_t errlen);
void influx_spill_close(influx_spill *s);

/* Appends one record of points lines. Returns 0 or LB_EIO (disk full: nothing appended). */
int influx_spill_append(influx_spill *s, const void *data, size_t len, size_t points);

/* Points and bytes of records not yet consumed. */
size_t influx_spill_points(const influx_spill *s);
size_t influx_spill_bytes(const influx_spill *s);

/* Reads whole records from the head, at least one, adding more while their points stay
 * within max_points, into out (appended). Sets *points and *consumed (file bytes they take).
 * Returns 0, LB_ENOTFOUND when empty, LB_EIO. */
int influx_spill_peek(influx_spill *s, size_t max_points, influx_buf *out, size_t *points,
                      size_t *consumed);

/* Marks consumed bytes (holding points) from the head as delivered. Returns 0 or LB_EIO. */
int influx_spill_consume(influx_spill *s, size_t consumed, size_t points);

#endif
