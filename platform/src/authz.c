/* The authorization client (authz.h): asks the things service over the bus and remembers the
 * answers.
 *
 * Cache: a hash table with an LRU list, split into up to 16 stripes (chosen by the question's
 * hash) so that threads checking different keys rarely meet on one mutex. Each stripe holds
 * max_entries / stripes entries and evicts its least recently used one when full; a cache
 * smaller than 2 * 1024 entries is one stripe, so its LRU order is exact. An entry is one
 * malloc: its header and the strings it was asked with and answered (key or thing id,
 * channel, thing id, denial reason). Keys and channels longer than CACHED_STR_MAX bytes are
 * not cached: they are asked every time, so memory stays bounded by max_entries. A cached
 * check takes no allocation and one lock; like memcached, a hit moves its entry to the head
 * of the list only when it has drifted out of the newest quarter, so hot entries are read
 * without being written (their cache lines stay shared between cores) and the order is
 * exact for small caches (a quarter of under 4 entries is none).
 *
 * Invalidation: each stripe also indexes its entries by thing id, by key and by channel
 * (intrusive hash chains), so an event from things.events costs a few lookups per stripe,
 * not a scan of the cache. It drops the entries that name its thing id or key, or its
 * channel for "channel.*" events; any event that names a channel also drops the denials
 * cached for it (a key denied before a connect does not know its thing id). A request that
 * was in flight while an event or a flush happened is answered but not cached (the epoch
 * counter), so an answer given before a revocation can never be cached after it. */
#define _GNU_SOURCE
#include "lyrebird/authz.h"
#include "lyrebird/bus.h"
#include "lyrebird/error.h"
#include "lyrebird/log.h"

#include <jansson.h>
#include <pthread.h>
#include <sys/mman.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define DEFAULT_MAX_ENTRIES 100000
#define DEFAULT_TTL_MS      60000
#define DENIAL_TTL_MAX_MS   5000
#define REQUEST_TIMEOUT_MS  1000
#ifndef STRIPES_MAX /* -DSTRIPES_MAX=1 measures a single mutex */
#define STRIPES_MAX 16
#endif
#define STRIPE_MIN_ENTRIES 1024
#define CACHED_STR_MAX     256
#define CACHED_ERR_MAX     160
#define COMPONENT          "authz"

enum kind { KIND_KEY = 1, KIND_THING = 2, KIND_IDENTIFY = 3 };

/* An entry hangs in up to four hash chains of its stripe: the lookup table, and the indexes
 * that events use (by thing id, by key, by channel). */
enum { L_MAIN, L_THING, L_KEY, L_CHANNEL, L_COUNT };

typedef struct entry {
    struct {
        struct entry *next;
        struct entry **pprev; /* NULL: not in this chain */
    } link[L_COUNT];
    struct entry *prev, *next; /* LRU list, most recent first */
    uint64_t hash;
    uint64_t seq; /* the stripe's seq when it last went to the head */
    long long expires_ms;
    int rc; /* 0 (granted) or the cached denial */
    uint8_t kind;
    uint16_t subject_len, channel_len, thing_len;
    char data[]; /* subject \0 channel \0 thing id \0 reason \0 */
} entry;

typedef struct stripe {
    _Alignas(64) pthread_mutex_t lock;
    entry **buckets[L_COUNT];
    size_t mask;
    entry *head, *tail;
    size_t count, cap;
    uint64_t seq; /* counts moves to the head */
} stripe;

struct lb_authz {
    lb_bus *bus;
    lb_bus_sub *events;
    int ttl_ms, denial_ttl_ms, timeout_ms;
    uint64_t seed;
    atomic_ulong epoch; /* bumped by every invalidation and flush */
    unsigned nstripes;
    stripe *stripes;
};

/* What is asked: kind, subject (key or thing id) and channel ("" for identify). */
typedef struct query {
    uint8_t kind;
    const char *subject, *channel;
    size_t subject_len, channel_len;
    uint64_t hash;
    int cacheable;
} query;

/* What the things service (or the cache) answered. */
typedef struct answer {
    int rc;
    int cacheable;
    char thing_id[LB_THING_ID_MAX];
    char err[LB_ERRLEN];
} answer;

/* Reply statuses: the code they become, whether the denial is cached, and the reason given
 * when the reply has none. */
static const struct {
    int status;
    int rc;
    int cacheable;
    const char *reason;
} statuses[] = {
    {400, LB_EINVAL, 0, "the authorization request was invalid"},
    {401, LB_EUNAUTH, 1, "unknown thing key"},
    {403, LB_EPERM, 1, "the thing is not connected to this channel"},
    {404, LB_ENOTFOUND, 1, "no such channel"},
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static long long now_ms(void)
{
    struct timespec ts;
#ifdef CLOCK_MONOTONIC_COARSE
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts); /* ~4 ms resolution, a few ns per call */
#else
    clock_gettime(CLOCK_MONOTONIC, &ts);
#endif
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- hashing ---- */

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v;
    h *= 0x9e3779b97f4a7c15ULL;
    return h ^ (h >> 29);
}

/* A seeded hash over s, eight bytes at a time; returns its length in *len. */
static uint64_t hash_str(uint64_t h, const char *s, size_t *len)
{
    size_t n = strlen(s), i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = mix(h, w);
    }
    uint64_t tail = 0;
    memcpy(&tail, s + i, n - i);
    *len = n;
    return mix(h, tail ^ ((uint64_t)n << 56));
}

static void query_init(const lb_authz *a, query *q, uint8_t kind, const char *subject,
                       const char *channel)
{
    q->kind = kind;
    q->subject = subject;
    q->channel = channel;
    uint64_t h = hash_str(a->seed ^ kind, subject, &q->subject_len);
    h = hash_str(h, channel, &q->channel_len);
    q->hash = mix(h, 0x5bd1e995);
    q->cacheable = q->subject_len <= CACHED_STR_MAX && q->channel_len <= CACHED_STR_MAX;
}

/* ---- entries and stripes ---- */

static const char *e_subject(const entry *e)
{
    return e->data;
}
static const char *e_channel(const entry *e)
{
    return e->data + e->subject_len + 1;
}
static const char *e_thing(const entry *e)
{
    return e_channel(e) + e->channel_len + 1;
}
static const char *e_reason(const entry *e)
{
    return e_thing(e) + e->thing_len + 1;
}

static entry *entry_new(const query *q, const answer *ans, long long expires_ms)
{
    size_t thing_len = strlen(ans->thing_id);
    size_t reason_len = ans->rc == 0 ? 0 : strnlen(ans->err, CACHED_ERR_MAX);
    entry *e = malloc(sizeof *e + q->subject_len + q->channel_len + thing_len + reason_len + 4);
    if (!e)
        return NULL;
    e->hash = q->hash;
    e->expires_ms = expires_ms;
    e->rc = ans->rc;
    e->kind = q->kind;
    e->subject_len = (uint16_t)q->subject_len;
    e->channel_len = (uint16_t)q->channel_len;
    e->thing_len = (uint16_t)thing_len;
    char *p = e->data;
    memcpy(p, q->subject, q->subject_len + 1);
    p += q->subject_len + 1;
    memcpy(p, q->channel, q->channel_len + 1);
    p += q->channel_len + 1;
    memcpy(p, ans->thing_id, thing_len + 1);
    p += thing_len + 1;
    memcpy(p, ans->err, reason_len);
    p[reason_len] = 0;
    return e;
}

static stripe *stripe_of(lb_authz *a, uint64_t hash)
{
    return &a->stripes[(hash >> 40) & (a->nstripes - 1)];
}

static entry *find(const stripe *s, const query *q)
{
    for (entry *e = s->buckets[L_MAIN][q->hash & s->mask]; e; e = e->link[L_MAIN].next)
        if (e->hash == q->hash && e->kind == q->kind && e->subject_len == q->subject_len &&
            e->channel_len == q->channel_len && memcmp(e->data, q->subject, q->subject_len) == 0 &&
            memcmp(e_channel(e), q->channel, q->channel_len) == 0)
            return e;
    return NULL;
}

/* What e is indexed under in chain l, or NULL. A thing-id entry's subject is its thing. */
static const char *indexed(const entry *e, int l)
{
    if (l == L_THING)
        return e->thing_len ? e_thing(e) : NULL;
    if (l == L_KEY)
        return e->kind != KIND_THING ? e_subject(e) : NULL;
    return e->channel_len ? e_channel(e) : NULL;
}

static uint64_t index_hash(const lb_authz *a, const char *s)
{
    size_t len;
    return hash_str(a->seed, s, &len);
}

static void lru_unlink(stripe *s, entry *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        s->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        s->tail = e->prev;
}

static void lru_push(stripe *s, entry *e)
{
    e->prev = NULL;
    e->next = s->head;
    if (s->head)
        s->head->prev = e;
    else
        s->tail = e;
    s->head = e;
}

/* Takes e out of the stripe (chains and list); the caller frees it. */
static void detach(stripe *s, entry *e)
{
    for (int l = 0; l < L_COUNT; l++) {
        if (!e->link[l].pprev)
            continue;
        *e->link[l].pprev = e->link[l].next;
        if (e->link[l].next)
            e->link[l].next->link[l].pprev = e->link[l].pprev;
    }
    lru_unlink(s, e);
    s->count--;
}

static void attach(const lb_authz *a, stripe *s, entry *e)
{
    for (int l = 0; l < L_COUNT; l++) {
        const char *key = l == L_MAIN ? NULL : indexed(e, l);
        e->link[l].pprev = NULL;
        if (l != L_MAIN && !key)
            continue;
        entry **slot = &s->buckets[l][(l == L_MAIN ? e->hash : index_hash(a, key)) & s->mask];
        e->link[l].next = *slot;
        if (*slot)
            (*slot)->link[l].pprev = &e->link[l].next;
        e->link[l].pprev = slot;
        *slot = e;
    }
    lru_push(s, e);
    e->seq = ++s->seq;
    s->count++;
}

/* Frees a list of detached entries linked through ->next. */
static void free_list(entry *e)
{
    while (e) {
        entry *next = e->next;
        free(e);
        e = next;
    }
}

/* ---- cache ---- */

static void answer_from(answer *ans, const entry *e)
{
    ans->rc = e->rc;
    ans->cacheable = 1;
    memcpy(ans->thing_id, e_thing(e), (size_t)e->thing_len + 1);
    if (e->rc != 0)
        memcpy(ans->err, e_reason(e), strlen(e_reason(e)) + 1);
}

/* Fills ans from a live cached entry: 1, or 0 when there is none (an expired one is dropped). */
static int cache_get(lb_authz *a, const query *q, answer *ans)
{
    stripe *s = stripe_of(a, q->hash);
    long long now = now_ms();
    entry *dead = NULL;
    int hit = 0;
    pthread_mutex_lock(&s->lock);
    entry *e = find(s, q);
    if (e && e->expires_ms > now) {
        if (s->seq - e->seq >= s->cap / 4) { /* else it is among the newest quarter */
            lru_unlink(s, e);
            lru_push(s, e);
            e->seq = ++s->seq;
        }
        answer_from(ans, e);
        hit = 1;
    } else if (e) {
        detach(s, e);
        dead = e;
    }
    pthread_mutex_unlock(&s->lock);
    free(dead);
    return hit;
}

/* Caches ans unless an invalidation happened since epoch (when the question was sent). */
static void cache_put(lb_authz *a, const query *q, const answer *ans, unsigned long epoch)
{
    int ttl = ans->rc == 0 ? a->ttl_ms : a->denial_ttl_ms;
    entry *e = entry_new(q, ans, now_ms() + ttl);
    if (!e)
        return;
    stripe *s = stripe_of(a, q->hash);
    entry *old = NULL, *evicted = NULL;
    pthread_mutex_lock(&s->lock);
    if (atomic_load(&a->epoch) != epoch) {
        old = e; /* stale: the answer may predate the event */
        goto out;
    }
    old = find(s, q);
    if (old)
        detach(s, old);
    if (s->count >= s->cap && s->tail) {
        evicted = s->tail;
        detach(s, evicted);
    }
    attach(a, s, e);
out:
    pthread_mutex_unlock(&s->lock);
    free(old);
    free(evicted);
}

/* What an event names; NULL for what it does not. */
typedef struct event {
    const char *thing, *key, *channel;
    int channel_event; /* "channel.*": drops everything on the channel */
} event;

/* Moves the entries of chain l indexed under value (and, for a channel that the event does
 * not remove, only its denials) from s to *gone. */
static size_t drop_indexed(stripe *s, int l, const char *value, uint64_t h, int all, entry **gone)
{
    size_t n = 0;
    for (entry *e = s->buckets[l][h & s->mask], *next; e; e = next) {
        next = e->link[l].next;
        if ((!all && e->rc == 0) || strcmp(indexed(e, l), value) != 0)
            continue;
        detach(s, e);
        e->next = *gone;
        *gone = e;
        n++;
    }
    return n;
}

/* Drops every entry that ev names (every entry with ev NULL); returns how many. */
static size_t drop(lb_authz *a, const event *ev)
{
    const char *values[L_COUNT] = {0};
    uint64_t hashes[L_COUNT] = {0};
    if (ev) {
        values[L_THING] = ev->thing;
        values[L_KEY] = ev->key;
        values[L_CHANNEL] = ev->channel;
    }
    for (int l = 1; l < L_COUNT; l++)
        hashes[l] = values[l] ? index_hash(a, values[l]) : 0;
    size_t n = 0;
    atomic_fetch_add(&a->epoch, 1);
    for (unsigned i = 0; i < a->nstripes; i++) {
        stripe *s = &a->stripes[i];
        entry *gone = NULL;
        pthread_mutex_lock(&s->lock);
        while (!ev && s->head) {
            entry *e = s->head;
            detach(s, e);
            e->next = gone;
            gone = e;
            n++;
        }
        for (int l = 1; ev && l < L_COUNT; l++)
            if (values[l])
                n += drop_indexed(s, l, values[l], hashes[l], l != L_CHANNEL || ev->channel_event,
                                  &gone);
        pthread_mutex_unlock(&s->lock);
        free_list(gone);
    }
    return n;
}

/* ---- events ---- */

/* A string member, or NULL when it is absent or empty; -1 in *bad when it is not a string. */
static const char *member(json_t *obj, const char *name, int *bad)
{
    json_t *v = json_object_get(obj, name);
    if (!v)
        return NULL;
    if (!json_is_string(v)) {
        *bad = 1;
        return NULL;
    }
    return json_string_length(v) ? json_string_value(v) : NULL;
}

static void on_event(const lb_bus_msg *msg, void *arg)
{
    lb_authz *a = arg;
    json_error_t jerr;
    json_t *root = json_loadb(msg->data, msg->len, 0, &jerr);
    int bad = !json_is_object(root);
    const char *name = bad ? NULL : member(root, "event", &bad);
    event ev = {0};
    if (!bad && name) {
        ev.thing = member(root, "thing_id", &bad);
        ev.key = member(root, "key", &bad);
        ev.channel = member(root, "channel_id", &bad);
        ev.channel_event = strncmp(name, "channel.", 8) == 0;
    }
    if (bad || !name) {
        lb_log(LB_LOG_DEBUG, COMPONENT, "ignored a malformed event", "reason=\"%s\"",
               root ? "not an object with string members and an event name" : jerr.text);
    } else if (ev.thing || ev.key || ev.channel) {
        size_t n = drop(a, &ev);
        lb_log(LB_LOG_DEBUG, COMPONENT, "event dropped cached answers", "event=\"%s\" dropped=%zu",
               name, n);
    }
    json_decref(root);
}

/* ---- asking the things service ---- */

enum { BODY_BAD_SUBJECT = 1, BODY_BAD_CHANNEL, BODY_NOMEM };

/* The request's JSON (caller frees), or NULL with *why set: a string JSON cannot carry (not
 * valid UTF-8) or no memory. */
static char *request_body(const query *q, int *why)
{
    json_t *req = json_object();
    json_t *subject = json_stringn(q->subject, q->subject_len);
    json_t *channel = q->kind == KIND_IDENTIFY ? NULL : json_stringn(q->channel, q->channel_len);
    char *body = NULL;
    *why = BODY_NOMEM;
    if (!subject)
        *why = BODY_BAD_SUBJECT;
    else if (q->kind != KIND_IDENTIFY && !channel)
        *why = BODY_BAD_CHANNEL;
    if (!req || !subject || (q->kind != KIND_IDENTIFY && !channel))
        goto out;
    json_object_set(req, q->kind == KIND_THING ? "thing_id" : "key", subject);
    if (channel)
        json_object_set(req, "channel_id", channel);
    body = json_dumps(req, JSON_COMPACT);
out:
    json_decref(subject);
    json_decref(channel);
    json_decref(req);
    return body;
}

static void parse_denial(json_t *root, answer *ans)
{
    json_t *status = json_object_get(root, "status");
    const char *reason = json_string_value(json_object_get(root, "error"));
    const char *thing = json_string_value(json_object_get(root, "thing_id"));
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        if (!json_is_integer(status) || json_integer_value(status) != statuses[i].status)
            continue;
        ans->rc = statuses[i].rc;
        ans->cacheable = statuses[i].cacheable;
        set_err(ans->err, sizeof ans->err, "%s", reason && *reason ? reason : statuses[i].reason);
        if (thing && strlen(thing) < LB_THING_ID_MAX) /* lets events about it drop the denial */
            memcpy(ans->thing_id, thing, strlen(thing) + 1);
        return;
    }
    ans->rc = LB_EIO;
    set_err(ans->err, sizeof ans->err, "the things service failed: %s",
            reason && *reason ? reason : "its reply had no known status");
}

/* Turns a reply into ans; an unusable reply gives LB_EIO. */
static void parse_reply(const char *reply, size_t len, answer *ans)
{
    json_error_t jerr;
    json_t *root = json_loadb(reply, len, 0, &jerr);
    json_t *thing = json_object_get(root, "thing_id");
    if (json_is_object(root) &&
        (json_object_get(root, "error") || json_object_get(root, "status"))) {
        parse_denial(root, ans);
    } else if (json_is_string(thing) && json_string_length(thing) > 0 &&
               json_string_length(thing) < LB_THING_ID_MAX) {
        memcpy(ans->thing_id, json_string_value(thing), json_string_length(thing) + 1);
        ans->rc = 0;
        ans->cacheable = 1;
    } else {
        ans->rc = LB_EIO;
        set_err(ans->err, sizeof ans->err,
                "the things service sent an invalid authorization reply (%s)",
                root ? "no usable thing_id or error" : "not JSON");
    }
    if (ans->rc == LB_EIO)
        lb_log(LB_LOG_WARN, COMPONENT, "invalid reply from the things service", "reason=\"%s\"",
               ans->err);
    json_decref(root);
}

/* Explains a bus failure; "no responders" means the service is not running. */
static int bus_failure(const lb_authz *a, int rc, answer *ans)
{
    if (rc == LB_ETIMEDOUT)
        set_err(ans->err, sizeof ans->err, "the things service did not answer within %d ms",
                a->timeout_ms);
    else if (rc == LB_ENOTFOUND)
        set_err(ans->err, sizeof ans->err,
                "the things service is not running (nobody answers on " LB_AUTHZ_SUBJECT ")");
    else if (rc == LB_ENOTCONN)
        set_err(ans->err, sizeof ans->err, "not connected to the message bus");
    else
        set_err(ans->err, sizeof ans->err, "cannot ask the things service: %s", lb_strerror(rc));
    lb_log(LB_LOG_DEBUG, COMPONENT, "authorization request failed", "reason=\"%s\"", ans->err);
    return rc == LB_ENOTFOUND ? LB_ENOTCONN : rc;
}

static void ask(lb_authz *a, const query *q, answer *ans)
{
    int why;
    char *body = request_body(q, &why);
    char *reply = NULL;
    size_t len = 0;
    if (!body) {
        ans->rc = why == BODY_BAD_SUBJECT   ? LB_EUNAUTH
                  : why == BODY_BAD_CHANNEL ? LB_ENOTFOUND
                                            : LB_ENOMEM;
        set_err(ans->err, sizeof ans->err, "%s",
                why == BODY_BAD_SUBJECT   ? "the thing key or id is not valid UTF-8 text"
                : why == BODY_BAD_CHANNEL ? "no such channel (its id is not valid UTF-8 text)"
                                          : "out of memory");
        return;
    }
    int rc =
        lb_bus_request(a->bus, LB_AUTHZ_SUBJECT, body, strlen(body), a->timeout_ms, &reply, &len);
    free(body);
    if (rc != 0)
        ans->rc = bus_failure(a, rc, ans);
    else
        parse_reply(reply, len, ans);
    free(reply);
}

/* The cache, then the service; copies the answer out. */
static int check(lb_authz *a, uint8_t kind, const char *subject, const char *channel,
                 char *thing_id, char *err, size_t errlen)
{
    if (!a || !subject || !channel) {
        set_err(err, errlen, "missing authorization arguments");
        return LB_EINVAL;
    }
    answer ans;
    ans.rc = LB_EIO;
    ans.cacheable = 0;
    ans.thing_id[0] = ans.err[0] = 0;
    query q;
    if (!*subject) {
        ans.rc = LB_EUNAUTH;
        set_err(ans.err, sizeof ans.err,
                kind == KIND_THING ? "missing thing id" : "missing thing key");
        goto out;
    }
    query_init(a, &q, kind, subject, channel);
    if (q.cacheable && cache_get(a, &q, &ans))
        goto out;
    unsigned long epoch = atomic_load(&a->epoch);
    ask(a, &q, &ans);
    if (kind == KIND_THING && q.subject_len < LB_THING_ID_MAX) /* events name it */
        memcpy(ans.thing_id, subject, q.subject_len + 1);
    if (q.cacheable && ans.cacheable)
        cache_put(a, &q, &ans, epoch);
out:
    if (ans.rc == 0 && thing_id)
        memcpy(thing_id, ans.thing_id, strlen(ans.thing_id) + 1);
    if (ans.rc != 0)
        set_err(err, errlen, "%s", ans.err);
    return ans.rc;
}

int lb_authz_key(lb_authz *a, const char *key, const char *channel, char *thing_id, char *err,
                 size_t errlen)
{
    return check(a, KIND_KEY, key, channel, thing_id, err, errlen);
}

int lb_authz_thing(lb_authz *a, const char *thing_id, const char *channel, char *err, size_t errlen)
{
    return check(a, KIND_THING, thing_id, channel, NULL, err, errlen);
}

int lb_authz_identify(lb_authz *a, const char *key, char *thing_id, char *err, size_t errlen)
{
    return check(a, KIND_IDENTIFY, key, "", thing_id, err, errlen);
}

void lb_authz_flush(lb_authz *a)
{
    if (a)
        drop(a, NULL);
}

/* ---- life cycle ---- */

/* Bucket arrays are mapped, not calloc'd: the kernel gives zeroed pages on first touch, so
 * an idle client holds no memory for the room its cache may grow into (calloc would take
 * these 64 KiB arrays from the heap and zero them at once: 4 MiB per client). */
static entry **buckets_new(size_t n)
{
    void *p = mmap(NULL, n * sizeof(entry *), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void buckets_free(entry **b, size_t n)
{
    if (b)
        munmap(b, n * sizeof(entry *));
}

static int stripes_init(lb_authz *a, size_t max_entries)
{
    a->nstripes = 1;
    while (a->nstripes < STRIPES_MAX && max_entries / (a->nstripes * 2) >= STRIPE_MIN_ENTRIES)
        a->nstripes *= 2;
    a->stripes = aligned_alloc(64, a->nstripes * sizeof(stripe));
    if (!a->stripes)
        return LB_ENOMEM;
    memset(a->stripes, 0, a->nstripes * sizeof(stripe));
    size_t cap = max_entries / a->nstripes, nb = 16;
    while (nb < cap)
        nb *= 2;
    for (unsigned i = 0; i < a->nstripes; i++) {
        stripe *s = &a->stripes[i];
        pthread_mutex_init(&s->lock, NULL);
        s->cap = cap;
        s->mask = nb - 1;
    }
    for (unsigned i = 0; i < a->nstripes; i++)
        for (int l = 0; l < L_COUNT; l++) {
            a->stripes[i].buckets[l] = buckets_new(nb);
            if (!a->stripes[i].buckets[l])
                return LB_ENOMEM; /* stripes_free copes with the rest */
        }
    return 0;
}

static void stripes_free(lb_authz *a)
{
    if (!a->stripes)
        return;
    drop(a, NULL);
    for (unsigned i = 0; i < a->nstripes; i++) {
        pthread_mutex_destroy(&a->stripes[i].lock);
        for (int l = 0; l < L_COUNT; l++)
            buckets_free(a->stripes[i].buckets[l], a->stripes[i].mask + 1);
    }
    free(a->stripes);
}

lb_authz *lb_authz_new(lb_bus *bus, size_t max_entries, int ttl_ms)
{
    lb_authz *a = calloc(1, sizeof *a);
    if (!a || !bus)
        goto fail;
    max_entries = max_entries ? max_entries : DEFAULT_MAX_ENTRIES;
    if (max_entries > SIZE_MAX / 64)
        goto fail;
    a->bus = bus;
    a->ttl_ms = ttl_ms > 0 ? ttl_ms : DEFAULT_TTL_MS;
    a->denial_ttl_ms = a->ttl_ms < DENIAL_TTL_MAX_MS ? a->ttl_ms : DENIAL_TTL_MAX_MS;
    a->timeout_ms = REQUEST_TIMEOUT_MS;
    if (getrandom(&a->seed, sizeof a->seed, 0) != sizeof a->seed)
        a->seed = (uint64_t)now_ms() ^ (uint64_t)(uintptr_t)a;
    if (stripes_init(a, max_entries) != 0)
        goto fail;
    if (lb_bus_subscribe(bus, LB_AUTHZ_EVENTS, NULL, on_event, a, &a->events) != 0)
        goto fail;
    /* Make sure the server has the subscription before any event we must not miss. */
    if (lb_bus_flush(bus, REQUEST_TIMEOUT_MS) != 0)
        lb_log(LB_LOG_WARN, COMPONENT, "events subscription not confirmed by NATS yet", NULL);
    return a;
fail:
    if (a)
        stripes_free(a);
    free(a);
    return NULL;
}

void lb_authz_free(lb_authz *a)
{
    if (!a)
        return;
    lb_bus_unsubscribe(a->events);
    stripes_free(a);
    free(a);
}

int lb_authz_status(int rc)
{
    switch (rc) {
    case 0:
        return 200;
    case LB_EUNAUTH:
        return 401;
    case LB_EPERM:
        return 403;
    case LB_ENOTFOUND:
        return 404;
    case LB_EINVAL:
        return 400;
    default:
        return 503;
    }
}
