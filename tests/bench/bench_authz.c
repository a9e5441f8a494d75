/* Benchmark of the authorization client (authz.h) against a real nats-server and an
 * in-process responder that answers from a small table, as the things service will (over
 * lb_bus, whose request/respond connection sends at once).
 *  (a) uncached round trip: sequential lb_authz_key calls with the cache flushed before each
 *      (the flush is not timed), against a raw cnats baseline in the same run: a send-asap
 *      natsConnection_Request to a raw cnats responder doing the same JSON work. Rounds
 *      alternate which side goes first; p50/p99 are over all samples.
 *  (b) cached checks per second on 1 and 2 threads, over 1024 cached (key, channel) pairs,
 *      and on 2 threads hammering one key (the worst case for lock striping).
 * Usage: bench_authz [uncached_requests] [cached_seconds]. Exits 1 only when a check gave a
 * wrong answer or a request failed. */
#include <jansson.h>
#include <nats/nats.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lyrebird/authz.h"
#include "lyrebird/bus.h"
#include "lyrebird/error.h"

#define KEYS        16
#define CHANNELS    64
#define ROUNDS      10
#define RAW_SUBJECT "bench.raw.authorize"

static atomic_long asked, failures;

/* The table: key-<n> belongs to thing-<n>, connected to every channel chan-<m>. */
static void answer_json(const void *data, size_t len, char *out, size_t outlen)
{
    json_t *req = json_loadb(data, len, 0, NULL);
    const char *key = json_string_value(json_object_get(req, "key"));
    int n = key && strncmp(key, "key-", 4) == 0 ? atoi(key + 4) : -1;
    if (n >= 0 && n < KEYS)
        snprintf(out, outlen, "{\"thing_id\":\"thing-%d\"}", n);
    else
        snprintf(out, outlen, "{\"error\":\"unknown thing key\",\"status\":401}");
    json_decref(req);
}

static void on_request(const lb_bus_msg *msg, void *arg)
{
    char out[128];
    atomic_fetch_add(&asked, 1);
    answer_json(msg->data, msg->len, out, sizeof out);
    lb_bus_respond(arg, msg, out, strlen(out));
}

static void on_raw_request(natsConnection *nc, natsSubscription *sub, natsMsg *m, void *closure)
{
    char out[128];
    answer_json(natsMsg_GetData(m), (size_t)natsMsg_GetDataLength(m), out, sizeof out);
    natsConnection_PublishString(nc, natsMsg_GetReply(m), out);
    natsMsg_Destroy(m);
}

static natsConnection *raw_connect(const char *url)
{
    natsOptions *opts = NULL;
    natsConnection *nc = NULL;
    natsOptions_Create(&opts);
    natsOptions_SetURL(opts, url);
    natsOptions_SetSendAsap(opts, true);
    if (natsConnection_Connect(&nc, opts) != NATS_OK)
        nc = NULL;
    natsOptions_Destroy(opts);
    return nc;
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

static long long pct(long long *v, int n, double p)
{
    qsort(v, (size_t)n, sizeof *v, cmp_ll);
    return v[(int)(p * (n - 1))];
}

static void expect_thing(int rc, const char *thing, int n, const char *err)
{
    char want[32];
    snprintf(want, sizeof want, "thing-%d", n);
    if (rc != 0 || strcmp(thing, want) != 0) {
        if (atomic_fetch_add(&failures, 1) < 5)
            fprintf(stderr, "wrong answer: rc %d thing '%s' (%s)\n", rc, thing, err);
    }
}

/* One uncached authz check, timed in ns. */
static long long time_authz(lb_authz *a, int i)
{
    char key[16], chan[16], thing[LB_THING_ID_MAX] = "", err[LB_ERRLEN] = "";
    snprintf(key, sizeof key, "key-%d", i % KEYS);
    snprintf(chan, sizeof chan, "chan-%d", i % CHANNELS);
    lb_authz_flush(a);
    long long t0 = lbt_now_ns();
    int rc = lb_authz_key(a, key, chan, thing, err, sizeof err);
    long long dt = lbt_now_ns() - t0;
    expect_thing(rc, thing, i % KEYS, err);
    return dt;
}

/* One raw cnats request with the same body, timed in ns. */
static long long time_raw(natsConnection *nc, int i)
{
    char body[96];
    snprintf(body, sizeof body, "{\"key\":\"key-%d\",\"channel_id\":\"chan-%d\"}", i % KEYS,
             i % CHANNELS);
    natsMsg *m = NULL;
    long long t0 = lbt_now_ns();
    natsStatus s = natsConnection_RequestString(&m, nc, RAW_SUBJECT, body, 1000);
    long long dt = lbt_now_ns() - t0;
    if (s != NATS_OK || natsMsg_GetDataLength(m) == 0)
        atomic_fetch_add(&failures, 1);
    natsMsg_Destroy(m);
    return dt;
}

static void bench_uncached(lb_authz *a, natsConnection *raw, int total)
{
    int per_round = total / ROUNDS;
    long long *ours = malloc(sizeof(long long) * (size_t)total);
    long long *theirs = malloc(sizeof(long long) * (size_t)total);
    if (!ours || !theirs)
        exit(1);
    for (int i = 0; i < 1000; i++) { /* warm up both paths */
        time_authz(a, i);
        time_raw(raw, i);
    }
    int n = 0;
    for (int r = 0; r < ROUNDS; r++) {
        for (int side = 0; side < 2; side++) {
            int raw_now = (side + r) % 2 == 0;
            for (int i = 0; i < per_round; i++) {
                if (raw_now)
                    theirs[n + i] = time_raw(raw, i);
                else
                    ours[n + i] = time_authz(a, i);
            }
        }
        n += per_round;
    }
    long long o50 = pct(ours, n, 0.50), o99 = pct(ours, n, 0.99);
    long long t50 = pct(theirs, n, 0.50), t99 = pct(theirs, n, 0.99);
    printf("authz_uncached_rtt: p50 %lld us p99 %lld us (raw cnats p50 %lld us p99 %lld us; "
           "p50 ratio %.2f; %d requests each; targets p50 < 150 us, p99 < 1000 us)\n",
           o50 / 1000, o99 / 1000, t50 / 1000, t99 / 1000, (double)o50 / (double)t50, n);
    free(ours);
    free(theirs);
}

typedef struct worker {
    lb_authz *a;
    int id;
    int hot; /* one key only */
    double seconds;
    long checks;
} worker;

static void *cached_worker(void *arg)
{
    worker *w = arg;
    char keys[KEYS][16], want[KEYS][16], chans[CHANNELS][16];
    char thing[LB_THING_ID_MAX], err[LB_ERRLEN];
    for (int i = 0; i < KEYS; i++) {
        snprintf(keys[i], sizeof keys[i], "key-%d", i);
        snprintf(want[i], sizeof want[i], "thing-%d", i);
    }
    for (int i = 0; i < CHANNELS; i++)
        snprintf(chans[i], sizeof chans[i], "chan-%d", i);
    long long end = lbt_now_ns() + (long long)(w->seconds * 1e9);
    long n = 0, start = w->id * 512L; /* threads walk different entries, as devices do */
    do {
        for (int j = 0; j < 1024; j++, n++) {
            long m = n + start;
            int k = w->hot ? 0 : (int)(m % KEYS), c = w->hot ? 0 : (int)(m / KEYS % CHANNELS);
            int rc = lb_authz_key(w->a, keys[k], chans[c], thing, err, sizeof err);
            if (rc != 0 || strcmp(thing, want[k]) != 0)
                expect_thing(rc, thing, k, err);
        }
    } while (lbt_now_ns() < end);
    w->checks = n;
    return NULL;
}

static void bench_cached(lb_authz *a, int threads, int hot, double seconds)
{
    pthread_t th[2];
    worker w[2];
    long long t0 = lbt_now_ns();
    for (int i = 0; i < threads; i++) {
        w[i] = (worker){.a = a, .id = i, .hot = hot, .seconds = seconds};
        pthread_create(&th[i], NULL, cached_worker, &w[i]);
    }
    long total = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(th[i], NULL);
        total += w[i].checks;
    }
    double rate = total / ((lbt_now_ns() - t0) / 1e9);
    printf("authz_cached: %.0f checks/s (%d thread%s%s; target > 1000000)\n", rate, threads,
           threads > 1 ? "s" : "", hot ? ", one hot key" : ", 1024 keys");
}

static void fill_cache(lb_authz *a)
{
    char key[16], chan[16], thing[LB_THING_ID_MAX], err[LB_ERRLEN];
    lb_authz_flush(a);
    for (int k = 0; k < KEYS; k++)
        for (int c = 0; c < CHANNELS; c++) {
            snprintf(key, sizeof key, "key-%d", k);
            snprintf(chan, sizeof chan, "chan-%d", c);
            int rc = lb_authz_key(a, key, chan, thing, err, sizeof err);
            expect_thing(rc, thing, k, err);
        }
}

int main(int argc, char **argv)
{
    int total = argc > 1 ? atoi(argv[1]) : 20000;
    double seconds = argc > 2 ? atof(argv[2]) : 2.0;
    total = total < ROUNDS ? ROUNDS : total;
    lbt_nats nats;
    if (lbt_nats_start(&nats) != 0)
        return 1;
    char err[LB_ERRLEN];
    lb_bus *svc = lb_bus_connect(nats.url, "bench-things", 2000, err, sizeof err);
    lb_bus *client = svc ? lb_bus_connect(nats.url, "bench-adapter", 2000, err, sizeof err) : NULL;
    natsConnection *raw_svc = raw_connect(nats.url), *raw = raw_connect(nats.url);
    lb_bus_sub *sub = NULL;
    natsSubscription *raw_sub = NULL;
    if (!client || !raw_svc || !raw ||
        lb_bus_subscribe(svc, LB_AUTHZ_SUBJECT, "things", on_request, svc, &sub) != 0 ||
        natsConnection_Subscribe(&raw_sub, raw_svc, RAW_SUBJECT, on_raw_request, NULL) != NATS_OK ||
        lb_bus_flush(svc, 2000) != 0 || natsConnection_Flush(raw_svc) != NATS_OK) {
        fprintf(stderr, "setup failed: %s\n", client ? "raw cnats or subscribe" : err);
        return 1;
    }
    lb_authz *a = lb_authz_new(client, 0, 0);
    if (!a)
        return 1;

    bench_uncached(a, raw, total);
    fill_cache(a);
    long before = atomic_load(&asked);
    bench_cached(a, 1, 0, seconds);
    bench_cached(a, 2, 0, seconds);
    bench_cached(a, 2, 1, seconds);
    long during = atomic_load(&asked) - before;
    printf("requests to the responder during the cached runs: %ld (want 0)\n", during);
    long bad = atomic_load(&failures);
    if (bad)
        printf("FAILED: %ld wrong answers or failed requests\n", bad);

    lb_authz_free(a);
    lb_bus_unsubscribe(sub);
    natsSubscription_Destroy(raw_sub);
    natsConnection_Destroy(raw_svc);
    natsConnection_Destroy(raw);
    lb_bus_close(client);
    lb_bus_close(svc);
    lbt_nats_stop(&nats);
    return bad || during ? 1 : 0;
}
