/* The writer: bus -> memory queue -> batches -> InfluxDB, with the spill file for outages
 * (see writer.h for the delivery rules). */
#define _GNU_SOURCE
#include "writer.h"
#include "http.h"
#include "line.h"
#include "spill.h"

#include <lyrebird/message.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SUBJECT     "channels.>"
#define QUEUE_GROUP "influxdb"
#define BACKOFF_MIN 100
#define BACKOFF_MAX 5000
#define NOTICE_MAX  (60 * 1024) /* well under NATS's default 1 MB payload limit */
#define CHANNEL_MAX 256         /* a longer channel id makes a notice say "any channel" */
#define PROGRESS_MS 5000        /* a draining spill file is logged this often */

/* A message's lines in the memory queue, then its channel's id (NUL-terminated). */
typedef struct chunk {
    struct chunk *next;
    size_t points, len;
    char data[];
} chunk;

#define CHUNK_CHANNEL(c) ((c)->data + (c)->len)

typedef enum { SENT, RETRY, BAD } outcome;

struct influx_writer {
    const lb_host *host;
    influx_writer_cfg cfg;
    char *url, *db, *spill_path;
    influx_spill *spill;
    influx_http *http;
    lb_bus_sub *sub;

    pthread_mutex_t lock; /* the queue and stop */
    pthread_cond_t wake, room;
    chunk *head, *tail;
    size_t queued;     /* points in memory */
    int64_t oldest_ms; /* when the oldest queued chunk came */
    int stop, running;
    int closing; /* unsubscribing: the bus callback no longer waits for room */
    pthread_t thread;

    /* the writer thread's */
    influx_buf batch, resp;
    influx_buf written; /* the current batch's channels for INFLUX_WRITTEN, '\n'-separated */
    size_t batch_points, batch_consumed;
    int batch_from_spill, have_batch;
    long backoff_ms;
    int64_t retry_at;
    int failing;
    size_t drained;       /* points written from the spill since it last was empty */
    int64_t drain_logged; /* when drain_progress last logged */

    lb_counter *m_written, *m_batches, *m_retries, *m_spilled, *m_dropped, *m_unreadable;
    lb_gauge *m_queue, *m_spill;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void deadline(struct timespec *ts, int64_t ms_from_now)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms_from_now / 1000;
    ts->tv_nsec += (ms_from_now % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static void gauges(influx_writer *w, size_t queued)
{
    w->host->gauge_set(w->m_queue, (double)queued);
    w->host->gauge_set(w->m_spill, (double)influx_spill_points(w->spill));
}

/* ---- the bus side ---- */

static void on_message(const lb_bus_msg *msg, void *arg)
{
    influx_writer *w = arg;
    const lb_host *h = w->host;
    char err[LB_ERRLEN];
    lb_message *m = lb_message_unpack(msg->data, msg->len);
    if (!m) {
        h->counter_add(w->m_unreadable, 1);
        h->log(h, LB_LOG_WARN, "not an envelope, not stored", "subject=%s", msg->subject);
        return;
    }
    influx_buf lines = {0};
    size_t points = 0;
    int rc = influx_lines_message(m, &lines, &points, err, sizeof err);
    if (rc != 0) {
        h->counter_add(w->m_unreadable, 1);
        h->log(h, LB_LOG_WARN, "payload not stored", "channel=%s error=\"%s\"", m->channel, err);
        goto out;
    }
    if (points == 0)
        goto out;
    const char *channel = m->channel ? m->channel : "";
    size_t chlen = strlen(channel);
    chunk *c = malloc(sizeof *c + lines.len + chlen + 1);
    if (!c) {
        h->counter_add(w->m_unreadable, 1);
        h->log(h, LB_LOG_ERROR, "out of memory, message not stored", "channel=%s", channel);
        goto out;
    }
    c->next = NULL;
    c->points = points;
    c->len = lines.len;
    memcpy(c->data, lines.data, lines.len);
    memcpy(CHUNK_CHANNEL(c), channel, chlen + 1);
    pthread_mutex_lock(&w->lock);
    while (w->queued >= w->cfg.queue_points && !w->closing)
        pthread_cond_wait(&w->room, &w->lock);
    if (!w->tail) {
        w->head = c;
        w->oldest_ms = now_ms();
    } else {
        w->tail->next = c;
    }
    w->tail = c;
    size_t before = w->queued, half = w->cfg.queue_points / 2;
    w->queued += points;
    /* the writer thread waits only while less than a batch is queued: wake it when the first
     * point comes (its flush deadline starts), when a batch or half the memory fills up;
     * once, not for every message after */
    if (before == 0 || (before < w->cfg.batch_points && w->queued >= w->cfg.batch_points) ||
        (before < half && w->queued >= half))
        pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
out:
    influx_buf_free(&lines);
    lb_message_free(m);
}

/* Takes chunks off the queue (lock held): up to max points (at least one chunk), or all. */
static chunk *take(influx_writer *w, size_t max, size_t *points)
{
    chunk *first = w->head, *last = NULL, *c = w->head;
    *points = 0;
    while (c && (*points == 0 || *points + c->points <= max)) {
        *points += c->points;
        last = c;
        c = c->next;
    }
    if (!last)
        return NULL;
    w->head = c;
    if (!c)
        w->tail = NULL;
    last->next = NULL;
    w->queued -= *points;
    w->oldest_ms = now_ms();
    pthread_cond_broadcast(&w->room);
    return first;
}

static void free_chunks(chunk *c)
{
    while (c) {
        chunk *n = c->next;
        free(c);
        c = n;
    }
}

/* ---- the writer thread ---- */

/* Appends a spill record; on failure logs (the data stays where it is). */
static int spill_add(influx_writer *w, const char *data, size_t len, size_t points)
{
    int rc = influx_spill_append(w->spill, data, len, points);
    if (rc != 0) {
        w->host->log(w->host, LB_LOG_ERROR, "cannot write the spill file", "path=%s",
                     w->spill_path);
        return rc;
    }
    w->host->counter_add(w->m_spilled, points);
    return 0;
}

/* Moves the current batch (when it came from memory) and the whole queue to the spill. */
static void spill_memory(influx_writer *w)
{
    if (w->have_batch && !w->batch_from_spill) {
        if (spill_add(w, w->batch.data, w->batch.len, w->batch_points) != 0)
            return;
        w->have_batch = 0;
    }
    pthread_mutex_lock(&w->lock);
    size_t points;
    chunk *list = take(w, SIZE_MAX, &points);
    pthread_mutex_unlock(&w->lock);
    influx_buf rec = {0};
    size_t n = 0;
    for (chunk *c = list; c; c = c->next) {
        influx_buf_add(&rec, c->data, c->len);
        n += c->points;
        if (n >= w->cfg.batch_points || !c->next) {
            spill_add(w, rec.data, rec.len, n);
            influx_buf_reset(&rec);
            n = 0;
        }
    }
    influx_buf_free(&rec);
    free_chunks(list);
}

/* The end of the line at p (just after its '\n', or end). A string field value may hold
 * newlines (line.h), so this scans as InfluxDB 1.x does (models.scanLine): a backslash takes
 * the next byte, and after the first space a '"' opens or closes a string only where a value
 * is due (more '=' than ',' seen outside strings). */
static const char *line_end(const char *p, const char *end)
{
    int fields = 0, quoted = 0;
    size_t equals = 0, commas = 0;
    for (; p < end; p++) {
        if (*p == '\\' && p + 1 < end) {
            p++;
            continue;
        }
        if (*p == ' ')
            fields = 1;
        if (fields && !quoted && *p == '=')
            equals++;
        else if (fields && !quoted && *p == ',')
            commas++;
        else if (fields && *p == '"' && equals > commas)
            quoted = !quoted;
        else if (*p == '\n' && !quoted)
            return p + 1;
    }
    return end;
}

/* The number InfluxDB gives in "... dropped=N" (the last one: the refused line it quotes
 * comes before); for lines it could not parse it says dropped=0 and names each one
 * "unable to parse"; at least 1. */
static size_t dropped_in(const char *body)
{
    const char *d = NULL;
    for (const char *p = body; p && (p = strstr(p, "dropped=")); p++)
        d = p;
    long n = d ? strtol(d + 8, NULL, 10) : 0;
    if (n > 0)
        return (size_t)n;
    size_t unparsed = 0;
    for (const char *p = body; p && (p = strstr(p, "unable to parse")); p++)
        unparsed++;
    return unparsed > 0 ? unparsed : 1;
}

/* Sends lines[0..len) (n points); a plain 400 is bisected down to the refused point. */
static outcome send_lines(influx_writer *w, const char *lines, size_t len, size_t n)
{
    const lb_host *h = w->host;
    char err[LB_ERRLEN] = "";
    int status = influx_http_write(w->http, lines, len, &w->resp, err, sizeof err);
    const char *body = w->resp.data ? w->resp.data : "";
    if (status >= 200 && status < 300) {
        h->counter_add(w->m_written, n);
        return SENT;
    }
    if (status == 400 && strstr(body, "partial write")) {
        size_t d = dropped_in(body);
        h->counter_add(w->m_dropped, d);
        h->counter_add(w->m_written, n > d ? n - d : 0);
        h->log(h, LB_LOG_WARN, "InfluxDB refused points, stored the others", "dropped=%zu error=%s",
               d, body);
        return SENT;
    }
    if (status == 400) {
        if (n <= 1) {
            h->counter_add(w->m_dropped, 1);
            h->log(h, LB_LOG_WARN, "InfluxDB refused a point, dropped it", "line=\"%.*s\" error=%s",
                   (int)(len > 300 ? 300 : (len && lines[len - 1] == '\n' ? len - 1 : len)), lines,
                   body);
            return SENT;
        }
        size_t half = n / 2;
        const char *cut = lines;
        for (size_t i = 0; i < half; i++)
            cut = line_end(cut, lines + len);
        outcome o = send_lines(w, lines, (size_t)(cut - lines), half);
        if (o == SENT)
            o = send_lines(w, cut, len - (size_t)(cut - lines), n - half);
        return o;
    }
    if (status == 404 && strstr(body, "database not found")) {
        char e2[LB_ERRLEN];
        if (influx_create_db(w->url, w->db, e2, sizeof e2) == 0)
            h->log(h, LB_LOG_WARN, "the database was missing, created it", "db=%s", w->db);
    }
    if (!w->failing)
        h->log(h, LB_LOG_WARN, "cannot write to InfluxDB, retrying", "status=%d error=\"%s%.200s\"",
               status, err, body);
    w->failing = 1;
    return RETRY;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sets w->written to the distinct channels of the chunks in list, sorted; or empty (meaning
 * "any channel") when out of memory or a channel id is not one a line can carry (the
 * envelope comes from anyone on the bus). */
static void note_channels(influx_writer *w, chunk *list)
{
    size_t n = 0, k = 0;
    influx_buf_reset(&w->written);
    for (chunk *c = list; c; c = c->next) {
        const char *ch = CHUNK_CHANNEL(c);
        if (strlen(ch) > CHANNEL_MAX || strchr(ch, '\n'))
            return;
        n++;
    }
    const char **names = malloc(n * sizeof *names);
    if (!names)
        return;
    for (chunk *c = list; c; c = c->next)
        names[k++] = CHUNK_CHANNEL(c);
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(names[i], names[i - 1]) != 0) {
            influx_buf_adds(&w->written, names[i]);
            influx_buf_add(&w->written, "\n", 1);
        }
    free(names);
    if (w->written.oom)
        influx_buf_reset(&w->written);
}

/* Tells the readers which channels have new points (INFLUX_WRITTEN in writer.h), in
 * messages of at most NOTICE_MAX bytes cut at line ends (a line is at most CHANNEL_MAX + 1). */
static void announce(influx_writer *w)
{
    const char *p = w->batch_from_spill || !w->written.data ? "" : w->written.data;
    size_t left = w->batch_from_spill ? 0 : w->written.len;
    do {
        size_t n = left;
        if (n > NOTICE_MAX) {
            n = NOTICE_MAX;
            while (n > 0 && p[n - 1] != '\n')
                n--;
            if (n == 0) { /* cannot happen with CHANNEL_MAX; never loop on it */
                w->host->publish(w->host, INFLUX_WRITTEN, "", 0);
                return;
            }
        }
        if (w->host->publish(w->host, INFLUX_WRITTEN, p, n) != 0)
            return; /* the readers' caches still expire by age */
        p += n;
        left -= n;
    } while (left > 0);
}

/* Fills the current batch from the spill or the queue. Returns 1 when there is one. */
static int next_batch(influx_writer *w, int force)
{
    if (w->have_batch)
        return 1;
    influx_buf_reset(&w->batch);
    if (influx_spill_points(w->spill) > 0 || influx_spill_bytes(w->spill) > 0) {
        int rc = influx_spill_peek(w->spill, w->cfg.batch_points, &w->batch, &w->batch_points,
                                   &w->batch_consumed);
        if (rc == 0) {
            w->batch_from_spill = 1;
            w->have_batch = 1;
            return 1;
        }
        w->host->log(w->host, LB_LOG_ERROR, "cannot read the spill file", "path=%s error=%s",
                     w->spill_path, lb_strerror(rc));
        return 0;
    }
    pthread_mutex_lock(&w->lock);
    int due = w->queued >= w->cfg.batch_points ||
              (w->queued > 0 && (force || now_ms() - w->oldest_ms >= w->cfg.flush_ms));
    size_t points = 0;
    chunk *list = due ? take(w, w->cfg.batch_points, &points) : NULL;
    pthread_mutex_unlock(&w->lock);
    if (!list)
        return 0;
    for (chunk *c = list; c; c = c->next)
        influx_buf_add(&w->batch, c->data, c->len);
    note_channels(w, list);
    free_chunks(list);
    w->batch_points = points;
    w->batch_from_spill = 0;
    w->have_batch = 1;
    return 1;
}

/* Logs the spill's draining every PROGRESS_MS, and its end. */
static void drain_progress(influx_writer *w)
{
    size_t left = influx_spill_points(w->spill);
    int64_t now = now_ms();
    w->drained += w->batch_points;
    if (left > 0 && now - w->drain_logged < PROGRESS_MS)
        return;
    if (left > 0)
        w->host->log(w->host, LB_LOG_INFO, "draining the spill file", "written=%zu left=%zu",
                     w->drained, left);
    else
        w->host->log(w->host, LB_LOG_INFO, "the spill file is drained", "written=%zu", w->drained);
    w->drain_logged = now;
    if (left == 0)
        w->drained = 0;
}

/* Sends the current batch once. */
static void deliver(influx_writer *w)
{
    outcome o = send_lines(w, w->batch.data, w->batch.len, w->batch_points);
    if (o == RETRY) {
        w->host->counter_add(w->m_retries, 1);
        w->backoff_ms = w->backoff_ms ? w->backoff_ms * 2 : BACKOFF_MIN;
        if (w->backoff_ms > BACKOFF_MAX)
            w->backoff_ms = BACKOFF_MAX;
        w->retry_at = now_ms() + w->backoff_ms;
        return;
    }
    if (w->failing)
        w->host->log(w->host, LB_LOG_INFO, "InfluxDB answers again", "spilled_points=%zu",
                     influx_spill_points(w->spill));
    w->failing = 0;
    w->backoff_ms = 0;
    w->retry_at = 0;
    w->host->counter_add(w->m_batches, 1);
    announce(w);
    if (w->batch_from_spill) {
        if (influx_spill_consume(w->spill, w->batch_consumed, w->batch_points) != 0)
            w->host->log(w->host, LB_LOG_ERROR, "cannot update the spill file's head", "path=%s",
                         w->spill_path);
        drain_progress(w);
    }
    w->have_batch = 0;
}

static void *run(void *arg)
{
    influx_writer *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->lock);
        int stopping = w->stop;
        size_t queued = w->queued;
        /* memory is filling while InfluxDB is away or the spill is being drained */
        int to_spill =
            queued >= w->cfg.queue_points / 2 && (w->failing || influx_spill_points(w->spill) > 0);
        int64_t wait = 0;
        if (!stopping && !to_spill) {
            int64_t now = now_ms();
            if (w->retry_at > now)
                wait = w->retry_at - now;
            else if (!w->have_batch && influx_spill_points(w->spill) == 0 &&
                     queued < w->cfg.batch_points)
                wait = queued ? w->oldest_ms + w->cfg.flush_ms - now : 1000;
        }
        if (wait > 0) {
            struct timespec ts;
            deadline(&ts, wait);
            pthread_cond_timedwait(&w->wake, &w->lock, &ts);
            pthread_mutex_unlock(&w->lock);
            continue;
        }
        pthread_mutex_unlock(&w->lock);
        gauges(w, queued);
        if (to_spill) {
            spill_memory(w);
            continue;
        }
        if (stopping) {
            /* send what is left in memory while InfluxDB answers (unless a spill is being
             * drained: then it joins the spill, not to hold the stop up); spill the rest */
            while (!w->failing && influx_spill_points(w->spill) == 0 && next_batch(w, 1))
                deliver(w);
            spill_memory(w);
            break;
        }
        if (next_batch(w, 0))
            deliver(w);
    }
    pthread_mutex_lock(&w->lock);
    gauges(w, w->queued);
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* ---- lifecycle ---- */

influx_writer *influx_writer_new(const lb_host *host, const influx_writer_cfg *cfg, char *err,
                                 size_t errlen)
{
    char warn[LB_ERRLEN];
    influx_writer *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    w->host = host;
    w->cfg = *cfg;
    if (w->cfg.queue_points < 2 * w->cfg.batch_points)
        w->cfg.queue_points = 2 * w->cfg.batch_points;
    w->url = strdup(cfg->url);
    w->db = strdup(cfg->db);
    w->spill_path = strdup(cfg->spill_path);
    pthread_mutex_init(&w->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->wake, &ca);
    pthread_condattr_destroy(&ca);
    pthread_cond_init(&w->room, NULL);
    if (!w->url || !w->db || !w->spill_path ||
        !(w->http = influx_http_new(w->url, w->db, cfg->timeout_ms, cfg->gzip))) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    w->spill = influx_spill_open(w->spill_path, warn, sizeof warn, err, errlen);
    if (!w->spill)
        goto fail;
    if (warn[0])
        host->log(host, LB_LOG_WARN, "the spill file had a damaged tail", "path=%s what=\"%s\"",
                  w->spill_path, warn);
    if (influx_spill_points(w->spill) > 0)
        host->log(host, LB_LOG_INFO, "resuming the spill file", "path=%s points=%zu", w->spill_path,
                  influx_spill_points(w->spill));
    w->m_written = host->counter(host, "lb_influx_points_written_total", "Points InfluxDB stored");
    w->m_batches = host->counter(host, "lb_influx_batches_total", "Batches InfluxDB acknowledged");
    w->m_retries = host->counter(host, "lb_influx_retries_total",
                                 "Batches sent again after InfluxDB did not acknowledge them");
    w->m_spilled =
        host->counter(host, "lb_influx_spilled_points_total", "Points written to the spill file");
    w->m_dropped = host->counter(host, "lb_influx_dropped_points_total",
                                 "Points InfluxDB refused as bad (logged, not retried)");
    w->m_unreadable = host->counter(host, "lb_influx_unreadable_messages_total",
                                    "Bus messages whose payload could not be stored");
    w->m_queue = host->gauge(host, "lb_influx_queue_points", "Points waiting in memory");
    w->m_spill = host->gauge(host, "lb_influx_spill_points", "Points waiting in the spill file");
    return w;
fail:
    influx_writer_free(w);
    return NULL;
}

int influx_writer_start(influx_writer *w)
{
    const lb_host *h = w->host;
    w->stop = 0;
    w->closing = 0;
    if (pthread_create(&w->thread, NULL, run, w) != 0) {
        h->log(h, LB_LOG_ERROR, "cannot start the writer thread", NULL);
        return LB_ENOMEM;
    }
    w->running = 1;
    int rc = h->subscribe(h, SUBJECT, QUEUE_GROUP, on_message, w, &w->sub);
    if (rc != 0) {
        h->log(h, LB_LOG_ERROR, "cannot subscribe", "subject=%s error=%s", SUBJECT,
               lb_strerror(rc));
        influx_writer_stop(w);
        return rc;
    }
    return 0;
}

void influx_writer_stop(influx_writer *w)
{
    /* a callback waiting for room would hold the unsubscription up (InfluxDB may be hanging):
     * what comes now is queued over the bound and sent or spilled below */
    pthread_mutex_lock(&w->lock);
    w->closing = 1;
    pthread_cond_broadcast(&w->room);
    pthread_mutex_unlock(&w->lock);
    if (w->sub) {
        w->host->unsubscribe(w->host, w->sub);
        w->sub = NULL;
    }
    if (!w->running)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = 1;
    pthread_cond_signal(&w->wake);
    pthread_cond_broadcast(&w->room);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    w->running = 0;
}

void influx_writer_free(influx_writer *w)
{
    if (!w)
        return;
    influx_writer_stop(w);
    free_chunks(w->head);
    influx_spill_close(w->spill);
    influx_http_free(w->http);
    influx_buf_free(&w->batch);
    influx_buf_free(&w->resp);
    influx_buf_free(&w->written);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->wake);
    pthread_cond_destroy(&w->room);
    free(w->url);
    free(w->db);
    free(w->spill_path);
    free(w);
}
