/* Line protocol for the InfluxDB writer: a growable buffer, the escaping rules of InfluxDB 1.x
 * line protocol, and the conversion of one bus message into lines.
 *
 * Schema (as Mainflux 0.12's InfluxDB writer):
 *   SenML        measurement "messages"; tags channel, subtopic, publisher, name (empty ones
 *                left out); fields value | stringValue | boolValue | dataValue, sum, unit,
 *                updateTime, protocol; timestamp = the record's resolved time in ns.
 *                Records of one pack with the same name and time would be one point in
 *                InfluxDB (same measurement, tags and time): a later one is moved 1 ns on
 *                until its time is free, so every record stays a point (no extra tag, so
 *                series cardinality and the schema stay those of Mainflux).
 *   JSON         measurement "json"; tags channel, subtopic, publisher; one field per leaf,
 *                keyed by its path ("a.b", arrays by index "a.0"), numbers as floats,
 *                strings, booleans; nulls left out; timestamp = the message's created time.
 *   octet-stream, text/plain
 *                measurement "messages" without a name tag: dataValue = the payload in
 *                base64 (octet-stream) or stringValue = the text; timestamp = created.
 * Escaping: measurement: ',' and ' '; tag keys, tag values and field keys: ',', '=' and ' ';
 * a backslash that ends the text or comes before one of those characters becomes '/'
 * (InfluxDB 1.6 takes it as an escape and cannot store it: "invalid tag format"), other
 * backslashes stay; newlines, CR and tabs there become spaces (line protocol cannot carry
 * them). String field values: '"' and
 * '\' are escaped, newlines kept (they are legal inside a quoted string).
 * Pure functions, thread-safe. */
#ifndef LB_INFLUX_LINE_H
#define LB_INFLUX_LINE_H

#include <lyrebird/message.h>

#include <stddef.h>
#include <stdint.h>

/* A growable byte buffer. Zero-initialise; after an allocation failure every add is a no-op
 * and oom stays set. Free with influx_buf_free (the struct itself is the caller's). */
typedef struct influx_buf {
    char *data; /* NUL-terminated when len > 0 */
    size_t len, cap;
    int oom;
} influx_buf;

void influx_buf_add(influx_buf *b, const void *p, size_t n);
void influx_buf_adds(influx_buf *b, const char *s);
void influx_buf_addf(influx_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void influx_buf_reset(influx_buf *b);
void influx_buf_free(influx_buf *b);

/* Appends s escaped as a measurement / a tag key, tag value or field key / a string field
 * value (with its quotes). */
void influx_esc_measurement(influx_buf *b, const char *s);
void influx_esc_key(influx_buf *b, const char *s);
void influx_esc_string(influx_buf *b, const char *s);
/* Appends a float field value that InfluxDB reads back as the same double. */
void influx_fmt_float(influx_buf *b, double v);

/* Appends the lines of message m (each ending in '\n') to out and adds their number to
 * *points. Returns 0; LB_EINVAL with err filled when the payload cannot be read as its
 * content type, or a time is outside what InfluxDB stores (years 1677 to 2262); LB_ENOMEM
 * with err "out of memory". On failure nothing is appended. */
int influx_lines_message(const lb_message *m, influx_buf *out, size_t *points, char *err,
                         size_t errlen);

#endif
