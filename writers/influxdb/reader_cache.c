/* The reader's cache of InfluxDB answers (see reader_cache.h). Small fixed tables searched
 * linearly under one lock: a reader keeps a few dozen dashboards' statements, and a notice
 * names its channels sorted, so each entry costs one binary search. */
#include "reader_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAGES_MAX     128
#define PAGE_BODY_MAX (512 * 1024) /* larger answers are fetched each time */
#define TOTALS_MAX    64
#define REFETCH_GRACE 10.0 /* a page past its age is served this long while one request refetches  \
                            */

typedef struct page_entry {
    char *q; /* the page statement, malloc'd; NULL when the slot is free */
    char *channel;
    char *body;
    double at;         /* when it was fetched */
    double refetching; /* since when one request fetches it again (0: none) */
} page_entry;

typedef struct total_entry {
    char *count; /* the count statement, malloc'd; NULL when the slot is free */
    char *channel;
    json_int_t total;
    double at;      /* when total was counted */
    int dirty;      /* new points were reported for the channel since */
    int refreshing; /* a request is counting it again */
} total_entry;

struct influx_ticket {
    influx_ticket *next;
    int tainted;
    char channel[];
};

struct influx_cache {
    double page_seconds;
    pthread_mutex_t lock;
    page_entry pages[PAGES_MAX];
    total_entry totals[TOTALS_MAX];
    influx_ticket *tickets; /* queries in flight */
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

influx_cache *influx_cache_new(double page_seconds)
{
    influx_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->page_seconds = page_seconds;
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

static void page_clear(page_entry *e)
{
    free(e->q);
    free(e->channel);
    free(e->body);
    memset(e, 0, sizeof *e);
}

void influx_cache_free(influx_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < PAGES_MAX; i++)
        page_clear(&c->pages[i]);
    for (size_t i = 0; i < TOTALS_MAX; i++) {
        free(c->totals[i].count);
        free(c->totals[i].channel);
    }
    while (c->tickets) {
        influx_ticket *t = c->tickets;
        c->tickets = t->next;
        free(t);
    }
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* ---- notices ---- */

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether channel is among the n sorted names (n == 0: every channel is). */
static int named(const char *const *names, size_t n, const char *channel)
{
    return n == 0 || bsearch(&channel, names, n, sizeof *names, by_name) != NULL;
}

void influx_cache_written(influx_cache *c, const char *data, size_t len)
{
    char *text = malloc(len + 1);
    const char **names = malloc((len / 2 + 1) * sizeof *names); /* a name and its '\n' */
    size_t n = 0;
    if (text && names) {
        if (len)
            memcpy(text, data, len);
        text[len] = '\0';
        for (char *p = text; *p;) {
            size_t k = strcspn(p, "\n");
            int last = p[k] == '\0';
            p[k] = '\0';
            if (k > 0)
                names[n++] = p;
            p += last ? k : k + 1;
        }
        qsort(names, n, sizeof *names, by_name); /* the writer sorts; others may not */
    } else {
        n = 0; /* out of memory: treat it as every channel */
    }
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < PAGES_MAX; i++)
        if (c->pages[i].q && named(names, n, c->pages[i].channel))
            page_clear(&c->pages[i]);
    for (size_t i = 0; i < TOTALS_MAX; i++)
        if (c->totals[i].count && named(names, n, c->totals[i].channel))
            c->totals[i].dirty = 1;
    for (influx_ticket *t = c->tickets; t; t = t->next)
        if (named(names, n, t->channel))
            t->tainted = 1;
    pthread_mutex_unlock(&c->lock);
    free(names);
    free(text);
}

/* ---- tickets ---- */

influx_ticket *influx_cache_ticket(influx_cache *c, const char *channel)
{
    size_t n = strlen(channel);
    influx_ticket *t = malloc(sizeof *t + n + 1);
    if (!t)
        return NULL;
    t->tainted = 0;
    memcpy(t->channel, channel, n + 1);
    pthread_mutex_lock(&c->lock);
    t->next = c->tickets;
    c->tickets = t;
    pthread_mutex_unlock(&c->lock);
    return t;
}

/* Takes t off the list (lock held). */
static void unlink_ticket(influx_cache *c, influx_ticket *t)
{
    for (influx_ticket **pp = &c->tickets; *pp; pp = &(*pp)->next)
        if (*pp == t) {
            *pp = t->next;
            return;
        }
}

void influx_cache_drop(influx_cache *c, influx_ticket *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&c->lock);
    unlink_ticket(c, t);
    pthread_mutex_unlock(&c->lock);
    free(t);
}

/* ---- pages ---- */

char *influx_cache_page_get(influx_cache *c, const char *q)
{
    char *body = NULL;
    double now = now_seconds();
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < PAGES_MAX; i++) {
        page_entry *e = &c->pages[i];
        if (!e->q || strcmp(e->q, q) != 0)
            continue;
        double age = now - e->at;
        if (age < c->page_seconds || (e->refetching && now - e->refetching < REFETCH_GRACE))
            body = strdup(e->body);
        else
            e->refetching = now; /* this request fetches it; the others get it meanwhile */
        break;
    }
    pthread_mutex_unlock(&c->lock);
    return body;
}

void influx_cache_page_put(influx_cache *c, influx_ticket *t, const char *q, const char *body)
{
    if (!t)
        return;
    pthread_mutex_lock(&c->lock);
    unlink_ticket(c, t);
    int keep = !t->tainted && c->page_seconds > 0 && strlen(body) <= PAGE_BODY_MAX;
    page_entry *slot = NULL;
    for (size_t i = 0; i < PAGES_MAX; i++) {
        page_entry *e = &c->pages[i];
        if (e->q && strcmp(e->q, q) == 0) {
            slot = e;
            break;
        }
        if (keep && (!slot || (slot->q && (!e->q || e->at < slot->at))))
            slot = e; /* a free slot, else the oldest */
    }
    if (slot && !keep) {
        page_clear(slot); /* an older answer of q must not outlive this one */
        slot = NULL;
    }
    if (slot) {
        page_clear(slot);
        slot->q = strdup(q);
        slot->channel = strdup(t->channel);
        slot->body = strdup(body);
        slot->at = now_seconds();
        if (!slot->q || !slot->channel || !slot->body)
            page_clear(slot);
    }
    pthread_mutex_unlock(&c->lock);
    free(t);
}

/* ---- totals ---- */

int influx_cache_total_get(influx_cache *c, const char *count, json_int_t *total)
{
    double now = now_seconds();
    int state = INFLUX_TOTAL_MISS;
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < TOTALS_MAX; i++) {
        total_entry *e = &c->totals[i];
        if (!e->count || strcmp(e->count, count) != 0)
            continue;
        double age = now - e->at;
        if (age >= INFLUX_TOTAL_STALE_SECONDS) {
            e->refreshing = 1; /* too old to serve: counted in the request */
            break;
        }
        *total = e->total;
        if (age < INFLUX_TOTAL_TTL_SECONDS || (!e->dirty && age < INFLUX_TOTAL_QUIET_SECONDS)) {
            state = INFLUX_TOTAL_FRESH;
        } else if (e->refreshing) {
            state = INFLUX_TOTAL_STALE;
        } else {
            e->refreshing = 1;
            state = INFLUX_TOTAL_REFRESH;
        }
        break;
    }
    pthread_mutex_unlock(&c->lock);
    return state;
}

void influx_cache_total_put(influx_cache *c, influx_ticket *t, const char *channel,
                            const char *count, json_int_t total, int ok)
{
    total_entry *slot = NULL, *victim = NULL;
    pthread_mutex_lock(&c->lock);
    if (t)
        unlink_ticket(c, t);
    for (size_t i = 0; i < TOTALS_MAX; i++) {
        total_entry *e = &c->totals[i];
        if (e->count && strcmp(e->count, count) == 0) {
            slot = e;
            break;
        }
        if (!e->count) {
            if (!victim || victim->count)
                victim = e;
        } else if (!e->refreshing && (!victim || (victim->count && e->at < victim->at))) {
            victim = e; /* a free slot, else the one counted longest ago */
        }
    }
    if (!slot && ok && victim) {
        char *copy = strdup(count), *ch = strdup(channel);
        if (copy && ch) {
            free(victim->count);
            free(victim->channel);
            victim->count = copy;
            victim->channel = ch;
            slot = victim;
        } else {
            free(copy);
            free(ch);
        }
    }
    if (slot) {
        slot->refreshing = 0;
        if (ok) {
            slot->total = total;
            slot->at = now_seconds();
            slot->dirty = !t || t->tainted;
        }
    }
    pthread_mutex_unlock(&c->lock);
    free(t);
}
