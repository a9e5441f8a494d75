/* Benchmark of the things store on SQLite (a temporary file):
 *   store_create   things created one per transaction through ts_things_create, against a
 *                  raw sqlite3 INSERT loop of the same rows into the same file with the same
 *                  settings, alternating rounds, medians quoted (target: the HTTP API must
 *                  reach 5,000 creates/s, so the store alone should be far above);
 *   store_list     with 100,000 things for one owner, ts_thing_list pages of 100 at random
 *                  offsets (p50/p99; target p99 well under 10 ms), in creation order, by
 *                  name, and with a name filter.
 * Exits 1 only when a result is wrong (a count, a page's rows), not when it is slow. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "lyrebird/log.h"
#include "store.h"

#define ROUNDS     4
#define ROUND_NS   500000000LL /* each side gets ROUNDS x 0.5 s */
#define LIST_N     100000
#define LIST_CALLS 200
#define META       "{\"type\":\"sensor\",\"floor\":3}"

static int failures;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "bench_store: wrong result: " __VA_ARGS__);                            \
            fputc('\n', stderr);                                                                   \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static unsigned long long rng = 0x9e3779b97f4a7c15ULL;

static unsigned long long next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- creates ---- */

static int seq; /* ids of every created row, both sides */

/* Creates things one at a time for ROUND_NS through the store: creates/s. */
static double store_round(ts_store *s, const json_t *meta)
{
    long long start = lbt_now_ns(), end = start + ROUND_NS, now;
    long n = 0;
    do {
        char id[32], name[32], key[32];
        snprintf(id, sizeof id, "c-%08d", seq);
        snprintf(name, sizeof name, "thing-%d", seq);
        snprintf(key, sizeof key, "ck-%08d", seq++);
        ts_thing t = {id, "bench-create", name, key, meta};
        int rc = ts_things_create(s, &t, 1);
        CHECK(rc == 0, "ts_things_create: %d", rc);
        n++;
    } while ((now = lbt_now_ns()) < end && !failures);
    return n * 1e9 / (double)(now - start);
}

/* The same rows with a prepared INSERT, one transaction each (autocommit): inserts/s. */
static double raw_round(sqlite3 *db, sqlite3_stmt *st)
{
    long long start = lbt_now_ns(), end = start + ROUND_NS, now;
    long n = 0;
    do {
        char id[32], name[32], key[32];
        snprintf(id, sizeof id, "c-%08d", seq);
        snprintf(name, sizeof name, "thing-%d", seq);
        snprintf(key, sizeof key, "ck-%08d", seq++);
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, "bench-create", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, META, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        CHECK(rc == SQLITE_DONE, "raw insert: %s", sqlite3_errmsg(db));
        sqlite3_reset(st);
        n++;
    } while ((now = lbt_now_ns()) < end && !failures);
    return n * 1e9 / (double)(now - start);
}

static sqlite3 *raw_open(const char *path, sqlite3_stmt **st)
{
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return NULL;
    sqlite3_busy_timeout(db, 5000);
    sqlite3_exec(db,
                 "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                 " PRAGMA foreign_keys = ON",
                 NULL, NULL, NULL);
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO things (id, owner, name, key, metadata)"
                           " VALUES (?, ?, ?, ?, ?)",
                           -1, st, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

static void bench_create(ts_store *s, const char *path)
{
    sqlite3_stmt *st = NULL;
    sqlite3 *db = raw_open(path, &st);
    json_t *meta = json_loads(META, 0, NULL);
    double store[ROUNDS], raw[ROUNDS];
    CHECK(db != NULL, "raw sqlite open");
    for (int r = 0; r < ROUNDS && db && !failures; r++) {
        store[r] = store_round(s, meta);
        raw[r] = raw_round(db, st);
    }
    json_decref(meta);
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (failures)
        return;
    double ms = median(store, ROUNDS), mr = median(raw, ROUNDS);
    printf("store_create: %.0f creates/s (raw sqlite insert %.0f/s, ratio %.2f)\n", ms, mr,
           ms / mr);
    ts_page p = {.limit = 1};
    json_t *items = NULL;
    long total = -1;
    CHECK(ts_thing_list(s, "bench-create", &p, &items, &total) == 0 && total == seq,
          "%ld things listed, %d created", total, seq);
    json_decref(items);
}

/* ---- lists ---- */

static int fill(ts_store *s)
{
    static ts_thing batch[1000];
    static char ids[1000][16], names[1000][16], keys[1000][16];
    long long start = lbt_now_ns();
    for (int i = 0; i < LIST_N; i += 1000) {
        for (int j = 0; j < 1000; j++) {
            snprintf(ids[j], sizeof ids[j], "l-%06d", i + j);
            snprintf(names[j], sizeof names[j], "thing-%06d", i + j);
            snprintf(keys[j], sizeof keys[j], "lk-%06d", i + j);
            batch[j] = (ts_thing){ids[j], "bench-list", names[j], keys[j], NULL};
        }
        int rc = ts_things_create(s, batch, 1000);
        CHECK(rc == 0, "bulk create: %d", rc);
        if (rc)
            return -1;
    }
    printf("store_fill: %d things in batches of 1000, %.0f things/s\n", LIST_N,
           LIST_N * 1e9 / (double)(lbt_now_ns() - start));
    return 0;
}

/* Which things a list returns, in order: index i of the matching rows is thing match[i]. */
typedef struct expect {
    const char *what;
    ts_page page;
    int *match;
    int nmatch;
} expect;

static void list_one(ts_store *s, expect *e, double *ms)
{
    ts_page p = e->page;
    p.offset = e->nmatch > p.limit ? (long)(next_rand() % (unsigned)(e->nmatch - p.limit)) : 0;
    json_t *items = NULL;
    long total = -1;
    long long t0 = lbt_now_ns();
    int rc = ts_thing_list(s, "bench-list", &p, &items, &total);
    *ms = (double)(lbt_now_ns() - t0) / 1e6;
    long want = e->nmatch - p.offset < p.limit ? e->nmatch - p.offset : p.limit;
    CHECK(rc == 0 && total == e->nmatch && (long)json_array_size(items) == want,
          "%s: rc %d, total %ld of %d, %zu items", e->what, rc, total, e->nmatch,
          json_array_size(items));
    if (rc == 0 && want > 0) {
        char id[16];
        snprintf(id, sizeof id, "l-%06d", e->match[p.offset]);
        const char *got = json_string_value(json_object_get(json_array_get(items, 0), "id"));
        CHECK(got && strcmp(got, id) == 0, "%s at %ld: %s, want %s", e->what, p.offset,
              got ? got : "(none)", id);
    }
    json_decref(items);
}

static void bench_list(ts_store *s, expect *e)
{
    double ms[LIST_CALLS];
    for (int i = 0; i < LIST_CALLS && !failures; i++)
        list_one(s, e, &ms[i]);
    qsort(ms, LIST_CALLS, sizeof *ms, cmp_double);
    printf("%s: p50 %.2f ms, p99 %.2f ms (%d calls, limit %ld, random offsets, %d of %d "
           "things match)\n",
           e->what, ms[LIST_CALLS / 2], ms[LIST_CALLS * 99 / 100], LIST_CALLS, e->page.limit,
           e->nmatch, LIST_N);
}

static void bench_lists(ts_store *s)
{
    static int all[LIST_N], named[LIST_N];
    int nnamed = 0;
    for (int i = 0; i < LIST_N; i++) {
        char name[16];
        all[i] = i;
        snprintf(name, sizeof name, "thing-%06d", i);
        if (strstr(name, "77"))
            named[nnamed++] = i;
    }
    expect cases[] = {
        {"store_list", {.limit = 100}, all, LIST_N},
        {"store_list_by_name", {.limit = 100, .order_by_name = 1}, all, LIST_N},
        {"store_list_name_filter", {.limit = 100, .name = "77"}, named, nnamed},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases && !failures; i++)
        bench_list(s, &cases[i]);
}

int main(void)
{
    char dir[] = "/tmp/lbt-bench-store-XXXXXX", path[128], url[160], err[256];
    lb_log_set_level(LB_LOG_WARN);
    if (!mkdtemp(dir))
        return 2;
    snprintf(path, sizeof path, "%s/things.db", dir);
    snprintf(url, sizeof url, "sqlite:%s", path);
    ts_store *s = ts_store_open(url, err, sizeof err);
    if (!s) {
        fprintf(stderr, "bench_store: %s\n", err);
        return 1;
    }
    bench_create(s, path);
    if (!failures && fill(s) == 0)
        bench_lists(s);
    ts_store_close(s);
    static const char *const files[] = {"things.db", "things.db-wal", "things.db-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
    return failures ? 1 : 0;
}
