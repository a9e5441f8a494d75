/* Integration tests of the authorization client (authz.h) against a real nats-server and a
 * small responder, written here, that plays the things service: a table of things (id, key),
 * channels and connections, answering things.authorize as the protocol says and counting
 * the requests it gets, so a test can tell a cached answer from a fresh one. Events are
 * published on things.events the way the things plugin will. */
#include <jansson.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "lyrebird/authz.h"
#include "lyrebird/bus.h"
#include "lyrebird/error.h"

#define ID_MAX 40

static lbt_nats nats;

/* ---- the things service stand-in ---- */

static struct {
    pthread_mutex_t lock;
    struct {
        char id[ID_MAX], key[ID_MAX];
    } things[8];
    char channels[8][ID_MAX];
    struct {
        char thing[ID_MAX], channel[ID_MAX];
    } conns[16];
    int silent; /* receive but never answer */
    atomic_int requests;
    lb_bus *bus;
    lb_bus_sub *sub;
} svc = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Keys the responder answers with a broken reply. */
static const struct {
    const char *key, *reply;
} junk[] = {
    {"junk-notjson", "this is not json"},
    {"junk-empty-body", ""},
    {"junk-truncated", "{\"thing_id\":\"thi"},
    {"junk-array", "[\"thing-1\"]"},
    {"junk-empty-object", "{}"},
    {"junk-number-id", "{\"thing_id\":42}"},
    {"junk-empty-id", "{\"thing_id\":\"\"}"},
    {"junk-long-id", "{\"thing_id\":\"0123456789012345678901234567890123456789"
                     "0123456789012345678901234567890123456789\"}"},
    {"junk-no-status", "{\"error\":\"something odd\"}"},
    {"junk-status-500", "{\"error\":\"database is down\",\"status\":500}"},
    {"junk-status-text", "{\"error\":\"bad\",\"status\":\"401\"}"},
};

static void set_str(char *dst, const char *src)
{
    snprintf(dst, ID_MAX, "%s", src);
}

/* Called with svc.lock held. */
static int find_thing(const char *key, const char *id)
{
    for (int i = 0; i < 8; i++)
        if (svc.things[i].id[0] && ((key && strcmp(svc.things[i].key, key) == 0) ||
                                    (id && strcmp(svc.things[i].id, id) == 0)))
            return i;
    return -1;
}

static int channel_exists(const char *ch)
{
    for (int i = 0; i < 8; i++)
        if (svc.channels[i][0] && strcmp(svc.channels[i], ch) == 0)
            return 1;
    return 0;
}

static int connected(const char *thing, const char *ch)
{
    for (int i = 0; i < 16; i++)
        if (strcmp(svc.conns[i].thing, thing) == 0 && strcmp(svc.conns[i].channel, ch) == 0)
            return 1;
    return 0;
}

static void decide(const char *key, const char *id, const char *ch, char *out, size_t n)
{
    int t = key || id ? find_thing(key, id) : -1;
    if (t < 0)
        snprintf(out, n, "{\"error\":\"%s\",\"status\":401}",
                 key ? "unknown thing key" : "unknown thing");
    else if (ch && !channel_exists(ch))
        snprintf(out, n, "{\"error\":\"channel not found\",\"status\":404}");
    else if (ch && !connected(svc.things[t].id, ch))
        snprintf(out, n, "{\"error\":\"thing is not connected to this channel\",\"status\":403}");
    else
        snprintf(out, n, "{\"thing_id\":\"%s\"}", svc.things[t].id);
}

static void svc_answer(const lb_bus_msg *msg, void *arg)
{
    atomic_fetch_add(&svc.requests, 1);
    json_t *req = json_loadb(msg->data, msg->len, 0, NULL);
    const char *key = json_string_value(json_object_get(req, "key"));
    const char *id = json_string_value(json_object_get(req, "thing_id"));
    const char *ch = json_string_value(json_object_get(req, "channel_id"));
    char out[512] = "";
    pthread_mutex_lock(&svc.lock);
    int silent = svc.silent, junked = 0;
    for (size_t i = 0; i < sizeof junk / sizeof junk[0] && !junked; i++)
        if (key && strcmp(key, junk[i].key) == 0)
            junked = snprintf(out, sizeof out, "%s", junk[i].reply) >= 0;
    if (!junked)
        decide(key, id, ch, out, sizeof out);
    pthread_mutex_unlock(&svc.lock);
    if (!silent)
        lb_bus_respond(svc.bus, msg, out, strlen(out));
    json_decref(req);
}

static void svc_start(void)
{
    assert_int_equal(
        lb_bus_subscribe(svc.bus, LB_AUTHZ_SUBJECT, "things", svc_answer, NULL, &svc.sub), 0);
    assert_int_equal(lb_bus_flush(svc.bus, 1000), 0);
}

static void svc_stop(void)
{
    lb_bus_unsubscribe(svc.sub);
    svc.sub = NULL;
    assert_int_equal(lb_bus_flush(svc.bus, 1000), 0);
}

/* thing-1 (key-1) on chan-a and chan-b, thing-2 (key-2) on chan-a only. */
static void svc_reset(void)
{
    pthread_mutex_lock(&svc.lock);
    memset(svc.things, 0, sizeof svc.things);
    memset(svc.channels, 0, sizeof svc.channels);
    memset(svc.conns, 0, sizeof svc.conns);
    set_str(svc.things[0].id, "thing-1");
    set_str(svc.things[0].key, "key-1");
    set_str(svc.things[1].id, "thing-2");
    set_str(svc.things[1].key, "key-2");
    set_str(svc.channels[0], "chan-a");
    set_str(svc.channels[1], "chan-b");
    const char *conns[][2] = {{"thing-1", "chan-a"}, {"thing-1", "chan-b"}, {"thing-2", "chan-a"}};
    for (int i = 0; i < 3; i++) {
        set_str(svc.conns[i].thing, conns[i][0]);
        set_str(svc.conns[i].channel, conns[i][1]);
    }
    svc.silent = 0;
    pthread_mutex_unlock(&svc.lock);
    atomic_store(&svc.requests, 0);
}

static void svc_set_thing(int slot, const char *id, const char *key)
{
    pthread_mutex_lock(&svc.lock);
    set_str(svc.things[slot].id, id);
    set_str(svc.things[slot].key, key);
    pthread_mutex_unlock(&svc.lock);
}

static void svc_set_conn(int slot, const char *thing, const char *channel)
{
    pthread_mutex_lock(&svc.lock);
    set_str(svc.conns[slot].thing, thing);
    set_str(svc.conns[slot].channel, channel);
    pthread_mutex_unlock(&svc.lock);
}

static void svc_set_silent(int silent)
{
    pthread_mutex_lock(&svc.lock);
    svc.silent = silent;
    pthread_mutex_unlock(&svc.lock);
}

static int asked(void)
{
    return atomic_load(&svc.requests);
}

/* Publishes an event as the things plugin does; returns when the server has it. */
static void publish_event(const char *json)
{
    assert_int_equal(lb_bus_publish(svc.bus, LB_AUTHZ_EVENTS, json, strlen(json)), 0);
    assert_int_equal(lb_bus_flush(svc.bus, 1000), 0);
}

/* ---- the client under test ---- */

static lb_bus *client_bus;
static lb_authz *authz;
static char thing[LB_THING_ID_MAX], err[LB_ERRLEN];

enum { KEY, THING, IDENTIFY };

static int check(int kind, const char *subject, const char *channel)
{
    thing[0] = err[0] = 0;
    if (kind == KEY)
        return lb_authz_key(authz, subject, channel, thing, err, sizeof err);
    if (kind == THING)
        return lb_authz_thing(authz, subject, channel, err, sizeof err);
    return lb_authz_identify(authz, subject, thing, err, sizeof err);
}

/* Checks until the answer is rc; returns the ms since since_ns, or -1 after 3 s. */
static long wait_for(int kind, const char *subject, const char *channel, int rc, long long since)
{
    while (check(kind, subject, channel) != rc) {
        if (lbt_now_ns() - since > 3000000000LL)
            return -1;
        usleep(1000);
    }
    return (long)((lbt_now_ns() - since) / 1000000);
}

static void reopen(size_t max_entries, int ttl_ms)
{
    lb_authz_free(authz);
    authz = lb_authz_new(client_bus, max_entries, ttl_ms);
    assert_non_null(authz);
}

static int setup(void **state)
{
    svc_reset();
    svc_start();
    char e[LB_ERRLEN];
    client_bus = lb_bus_connect(nats.url, "authz-test", 2000, e, sizeof e);
    assert_non_null(client_bus);
    authz = lb_authz_new(client_bus, 0, 0);
    assert_non_null(authz);
    return 0;
}

static int teardown(void **state)
{
    lb_authz_free(authz);
    authz = NULL;
    lb_bus_close(client_bus);
    if (svc.sub)
        svc_stop();
    return 0;
}

/* ---- answers ---- */

static void grant_returns_thing_id(void **state)
{
    assert_int_equal(check(KEY, "key-1", "chan-a"), 0);
    assert_string_equal(thing, "thing-1");
    assert_int_equal(check(KEY, "key-2", "chan-a"), 0);
    assert_string_equal(thing, "thing-2");
    assert_int_equal(asked(), 2);
}

static void unknown_key_is_unauthenticated_with_reason(void **state)
{
    assert_int_equal(check(KEY, "no-such-key", "chan-a"), LB_EUNAUTH);
    assert_string_equal(err, "unknown thing key");
    assert_string_equal(thing, "");
}

static void unconnected_thing_is_not_allowed(void **state)
{
    assert_int_equal(check(KEY, "key-2", "chan-b"), LB_EPERM);
    assert_string_equal(err, "thing is not connected to this channel");
}

static void unknown_channel_is_not_found(void **state)
{
    assert_int_equal(check(KEY, "key-1", "chan-x"), LB_ENOTFOUND);
    assert_string_equal(err, "channel not found");
}

static void identify_returns_thing_of_key(void **state)
{
    assert_int_equal(check(IDENTIFY, "key-2", NULL), 0);
    assert_string_equal(thing, "thing-2");
    assert_int_equal(check(IDENTIFY, "key-9", NULL), LB_EUNAUTH);
    assert_string_equal(err, "unknown thing key");
    assert_int_equal(check(IDENTIFY, "key-2", NULL), 0); /* cached */
    assert_int_equal(asked(), 2);
}

static void thing_id_check(void **state)
{
    assert_int_equal(check(THING, "thing-1", "chan-b"), 0);
    assert_int_equal(check(THING, "thing-2", "chan-b"), LB_EPERM);
    assert_int_equal(check(THING, "thing-9", "chan-a"), LB_EUNAUTH);
    assert_string_equal(err, "unknown thing");
    assert_int_equal(check(THING, "thing-1", "chan-x"), LB_ENOTFOUND);
    assert_int_equal(asked(), 4);
}

static void second_check_is_served_from_cache(void **state)
{
    assert_int_equal(check(KEY, "key-1", "chan-a"), 0);
    int n = asked();
    for (int i = 0; i < 100; i++) {
        assert_int_equal(check(KEY, "key-1", "chan-a"), 0);
        assert_string_equal(thing, "thing-1");
    }
    assert_int_equal(asked(), n);
    /* a key answer is not a thing-id answer, nor another channel's */
    assert_int_equal(check(THING, "thing-1", "chan-a"), 0);
    assert_int_equal(check(KEY, "key-1", "chan-b"), 0);
    assert_int_equal(asked(), n + 2);
}

/* ---- events ---- */

static void thing_removed_event_refuses_within_1s(void **state)
{
    assert_int_equal(check(KEY, "key-1", "chan-a"), 0);
    assert_int_equal(check(THING, "thing-1", "chan-b"), 0);
    assert_int_equal(check(IDENTIFY, "key-1", NULL), 0);
    svc_set_thing(0, "", ""); /* removed from the service: the cache still says yes */
    assert_int_equal(check(KEY, "key-1", "chan-a"), 0);
    int n = asked();
    long long t0 = lbt_now_ns();
    publish_event("{\"event\":\"thing.removed\",\"thing_id\":\"thing-1\"}");
    long ms = wait_for(KEY, "key-1", "chan-a", LB_EUNAUTH, t0);
    print_message("revoked key refused %ld ms after the event\n", ms);
    assert_true(ms >= 0 && ms < 1000);
    assert_true(asked() > n); /* asked again, not a cached denial */
    assert_int_equal(check(THING, "thing-1", "chan-b"), LB_EUNAUTH);
    assert_int_equal(check(IDENTIFY, "key-1", NULL), LB_EUNAUTH);
}

static void key_changed_event_drops_old_key(void **state)
{
    assert_int_equal(check(KEY, "key-1", "chan-a"), 0);
    assert_int_equal(check(IDENTIFY, "key-1", NULL), 0);
    svc_set_thing(0, "thing-1", "key-1b");
    long long t0 = lbt_now_ns();
    /* only the old key: the thing id must not be what drops it */
    publish_event("{\"event\":\"thing.key_changed\",\"key\":\"key-1\"}");
    long ms = wait_for(KEY, "key-1", "chan-a", LB_EUNAUTH, t0);
    assert_true(ms >= 0 && ms < 1000);
    assert_int_equal(check(IDENTIFY, "key-1", NULL), LB_EUNAUTH);
    assert_int_equal(check(KEY, "key-1b", "chan-a"), 0);
    assert_string_equal(thing, "thing-1");
}

static void channel_removed_event_drops_channel(void **state)
{
    assert_int_equal(check(KEY, "key-1", "chan-a"), 0);
    assert_int_equal(check(KEY, "key-2", "chan-a"), 0);
    assert_int_equal(check(THING, "thing-2", "chan-a"), 0);
    assert_int_equal(check(KEY, "key-1", "chan-b"), 0);
    pthread_mutex_lock(&svc.lock);
    memset(svc.channels[0], 0, ID_MAX);
    pthread_mutex_unlock(&svc.lock);
    long long t0 = lbt_now_ns();
    publish_event("{\"event\":\"channel.removed\",\"channel_id\":\"chan-a\"}");
    assert_true(wait_for(KEY, "key-1", "chan-a", LB_ENOTFOUND, t0) >= 0);
    assert_int_equal(check(KEY, "key-2", "chan-a"), LB_ENOTFOUND);
    assert_int_equal(check(THING, "thing-2", "chan-a"), LB_ENOTFOUND);
    int n = asked();
    assert_int_equal(check(KEY, "key-1", "chan-b"), 0); /* another channel: still cached */
    assert_int_equal(asked(), n);
}

static void thing_disconnected_event_drops_thing_on_channel(void **state)
{
    assert_int_equal(check(THING, "thing-1", "chan-a"), 0);
    assert_int_equal(check(KEY, "key-1", "chan-a"), 0);
    assert_int_equal(check(KEY, "key-2", "chan-a"), 0);
    svc_set_conn(0, "", "");
    long long t0 = lbt_now_ns();
    publish_event("{\"event\":\"thing.disconnected\",\"thing_id\":\"thing-1\","
                  "\"channel_id\":\"chan-a\"}");
    assert_true(wait_for(THING, "thing-1", "chan-a", LB_EPERM, t0) >= 0);
    assert_int_equal(check(KEY, "key-1", "chan-a"), LB_EPERM);
    int n = asked();
    assert_int_equal(check(KEY, "key-2", "chan-a"), 0); /* another thing's grant stays */
    assert_int_equal(asked(), n);
}

static void connected_event_drops_cached_denial(void **state)
{
    assert_int_equal(check(KEY, "key-2", "chan-b"), LB_EPERM);
    assert_int_equal(check(KEY, "key-2", "chan-b"), LB_EPERM); /* cached */
    assert_int_equal(asked(), 1);
    svc_set_conn(3, "thing-2", "chan-b");
    long long t0 = lbt_now_ns();
    publish_event("{\"event\":\"thing.connected\",\"thing_id\":\"thing-2\","
                  "\"channel_id\":\"chan-b\"}");
    long ms = wait_for(KEY, "key-2", "chan-b", 0, t0);
    assert_true(ms >= 0 && ms < 1000);
    assert_string_equal(thing, "thing-2");
}

static void malformed_events_are_ignored(void **state)
{
    assert_int_equal(check(KEY, "key-1", "chan-a"), 0);
    assert_int_equal(check(KEY, "key-2", "chan-a"), 0);
    const char *bad[] = {
        "not json",
        "[1,2]",
        "{}",
        "{\"event\":5,\"thing_id\":\"thing-1\"}",
        "{\"event\":\"thing.removed\",\"thing_id\":7}",
        "{\"thing_id\":\"thing-1\"}",
        "{\"event\":\"thing.removed\",\"thing_id\":\"thing-1\",\"key\":[]}",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(lb_bus_publish(svc.bus, LB_AUTHZ_EVENTS, bad[i], strlen(bad[i])), 0);
    /* a good event after them: once it took effect, the bad ones were handled */
    int n = asked();
    publish_event("{\"event\":\"thing.updated\",\"thing_id\":\"thing-2\"}");
    for (int i = 0; i < 2000 && asked() == n; i++) {
        assert_int_equal(check(KEY, "key-2", "chan-a"), 0);
        usleep(1000);
    }
    assert_int_equal(asked(), n + 1);
    assert_int_equal(check(KEY, "key-1", "chan-a"), 0);
    assert_int_equal(asked(), n + 1); /* thing-1 untouched */
}

static void flush_drops_everything(void **state)
{
    assert_int_equal(check(KEY, "key-1", "chan-a"), 0);
    assert_int_equal(check(KEY, "nope", "chan-a"), LB_EUNAUTH);
    lb_authz_flush(authz);
    assert_int_equal(check(KEY, "key-1", "chan-a"), 0);
    assert_int_equal(check(KEY, "nope", "chan-a"), LB_EUNAUTH);
    assert_int_equal(asked(), 4);
}

/* ---- expiry and eviction ---- */

static void denials_cached_then_expire(void **state)
{
    reopen(0, 20000); /* grants live 20 s, denials 5 s */
    assert_int_equal(check(KEY, "key-1", "chan-a"), 0);
    long long t0 = lbt_now_ns();
    assert_int_equal(check(KEY, "key-3", "chan-a"), LB_EUNAUTH);
    svc_set_thing(2, "thing-3", "key-3"); /* provisioned; its event is lost */
    svc_set_conn(3, "thing-3", "chan-a");
    assert_int_equal(check(KEY, "key-3", "chan-a"), LB_EUNAUTH); /* cached denial */
    assert_int_equal(asked(), 2);
    long ms = -1;
    while (lbt_now_ns() - t0 < 8000000000LL) {
        if (check(KEY, "key-3", "chan-a") == 0) {
            ms = (long)((lbt_now_ns() - t0) / 1000000);
            break;
        }
        usleep(20000);
    }
    print_message("new key accepted %ld ms after its denial was cached\n", ms);
    assert_true(ms >= 4900 && ms < 5500);
    int n = asked();
    assert_int_equal(check(KEY, "key-1", "chan-a"), 0); /* the grant is older, still cached */
    assert_int_equal(asked(), n);
}

static void grants_expire_after_ttl(void **state)
{
    reopen(0, 300);
    assert_int_equal(check(KEY, "key-1", "chan-a"), 0);
    usleep(150000);
    assert_int_equal(check(KEY, "key-1", "chan-a"), 0);
    assert_int_equal(asked(), 1);
    usleep(250000);
    assert_int_equal(check(KEY, "key-1", "chan-a"), 0);
    assert_int_equal(asked(), 2);
}

static void lru_evicts_least_recently_used(void **state)
{
    reopen(3, 0);
    assert_int_equal(check(KEY, "key-1", "chan-a"), 0);         /* A */
    assert_int_equal(check(KEY, "key-1", "chan-b"), 0);         /* B */
    assert_int_equal(check(KEY, "key-2", "chan-a"), 0);         /* C */
    assert_int_equal(check(KEY, "key-1", "chan-a"), 0);         /* A used again: B is oldest */
    assert_int_equal(check(KEY, "nope", "chan-a"), LB_EUNAUTH); /* D evicts B */
    assert_int_equal(asked(), 4);
    assert_int_equal(check(KEY, "key-1", "chan-a"), 0);
    assert_int_equal(check(KEY, "key-2", "chan-a"), 0);
    assert_int_equal(check(KEY, "nope", "chan-a"), LB_EUNAUTH);
    assert_int_equal(asked(), 4);                       /* A, C, D cached */
    assert_int_equal(check(KEY, "key-1", "chan-b"), 0); /* B asked again */
    assert_int_equal(asked(), 5);
}

/* ---- failures ---- */

static void no_responder_is_not_connected_and_not_cached(void **state)
{
    svc_stop();
    long long t0 = lbt_now_ns();
    int rc = check(KEY, "key-1", "chan-a");
    assert_true(rc == LB_ENOTCONN || rc == LB_ETIMEDOUT);
    assert_true(lbt_now_ns() - t0 < 1500000000LL);
    assert_true(strstr(err, "things service") != NULL);
    print_message("no responder: %s (%s)\n", lb_strerror(rc), err);
    svc_start();
    assert_int_equal(check(KEY, "key-1", "chan-a"), 0);
    assert_int_equal(asked(), 1);
}

static void silent_responder_times_out_and_not_cached(void **state)
{
    svc_set_silent(1);
    long long t0 = lbt_now_ns();
    assert_int_equal(check(KEY, "key-1", "chan-a"), LB_ETIMEDOUT);
    long ms = (long)((lbt_now_ns() - t0) / 1000000);
    assert_true(ms >= 900 && ms < 2000);
    assert_string_equal(err, "the things service did not answer within 1000 ms");
    svc_set_silent(0);
    assert_int_equal(check(KEY, "key-1", "chan-a"), 0);
    assert_int_equal(asked(), 2);
}

static void malformed_replies_are_errors(void **state)
{
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        for (int round = 0; round < 2; round++) {
            int n = asked();
            thing[0] = 'x';
            assert_int_equal(lb_authz_key(authz, junk[i].key, "chan-a", thing, err, sizeof err),
                             LB_EIO);
            assert_true(err[0] != 0);
            assert_int_equal(thing[0], 'x');  /* untouched */
            assert_int_equal(asked(), n + 1); /* never cached */
        }
    }
    assert_int_equal(check(KEY, "junk-status-500", "chan-a"), LB_EIO);
    assert_true(strstr(err, "database is down") != NULL);
    assert_int_equal(check(KEY, "key-1", "chan-a"), 0); /* the client still works */
}

static void bad_arguments(void **state)
{
    assert_int_equal(check(KEY, "", "chan-a"), LB_EUNAUTH);
    assert_int_equal(check(KEY, NULL, "chan-a"), LB_EINVAL);
    assert_int_equal(check(THING, "thing-1", NULL), LB_EINVAL);
    assert_int_equal(asked(), 0);
    assert_int_equal(check(KEY, "key-\xff\xfe", "chan-a"), LB_EUNAUTH); /* not UTF-8 */
    assert_int_equal(check(KEY, "key-1", "chan-\xff"), LB_ENOTFOUND);
    assert_int_equal(lb_authz_key(authz, "key-1", "chan-a", NULL, NULL, 0), 0);
    char long_key[2000];
    memset(long_key, 'k', sizeof long_key - 1);
    long_key[sizeof long_key - 1] = 0;
    int n = asked();
    assert_int_equal(check(KEY, long_key, "chan-a"), LB_EUNAUTH);
    assert_int_equal(check(KEY, long_key, "chan-a"), LB_EUNAUTH); /* too long to cache */
    assert_int_equal(asked(), n + 2);
}

/* ---- threads ---- */

static const struct {
    int kind;
    const char *subject, *channel;
    int rc;
    const char *thing;
} mix[] = {
    {KEY, "key-1", "chan-a", 0, "thing-1"},  {KEY, "key-2", "chan-b", LB_EPERM, ""},
    {KEY, "nope", "chan-a", LB_EUNAUTH, ""}, {THING, "thing-2", "chan-a", 0, ""},
    {IDENTIFY, "key-2", NULL, 0, "thing-2"}, {KEY, "key-1", "chan-x", LB_ENOTFOUND, ""},
};

static atomic_int wrong, running;

static void *checker(void *arg)
{
    long id = (long)arg;
    for (int i = 0; i < 2000; i++) {
        int m = (int)((i * 7 + id) % (int)(sizeof mix / sizeof mix[0]));
        char t[LB_THING_ID_MAX] = "", e[LB_ERRLEN];
        int rc = mix[m].kind == KEY
                     ? lb_authz_key(authz, mix[m].subject, mix[m].channel, t, e, sizeof e)
                 : mix[m].kind == THING
                     ? lb_authz_thing(authz, mix[m].subject, mix[m].channel, e, sizeof e)
                     : lb_authz_identify(authz, mix[m].subject, t, e, sizeof e);
        if (rc != mix[m].rc || (rc == 0 && strcmp(t, mix[m].thing) != 0))
            atomic_fetch_add(&wrong, 1);
        if (id == 0 && i % 500 == 0)
            lb_authz_flush(authz);
    }
    atomic_fetch_sub(&running, 1);
    return NULL;
}

/* Runs the checkers on 4 threads while events arrive; returns the requests they made. */
static int run_checkers(size_t max_entries)
{
    reopen(max_entries, 0);
    int before = asked();
    pthread_t th[4];
    atomic_store(&wrong, 0);
    atomic_store(&running, 4);
    for (long i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, checker, (void *)i), 0);
    while (atomic_load(&running) > 0) { /* events meanwhile, about things that do not change */
        publish_event("{\"event\":\"thing.updated\",\"thing_id\":\"thing-1\"}");
        publish_event("{\"event\":\"channel.updated\",\"channel_id\":\"chan-b\"}");
        usleep(2000);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(atomic_load(&wrong), 0);
    return asked() - before;
}

static void concurrent_checks_from_4_threads(void **state)
{
    int small = run_checkers(4); /* fewer entries than questions: constant eviction */
    int large = run_checkers(0); /* the default size: 16 stripes */
    print_message("8000 checks on 4 threads: %d asked with 4 entries, %d with the default\n", small,
                  large);
    assert_true(small > 0 && small < 8000);
    assert_true(large > 0 && large < small);
}

static int group_setup(void **state)
{
    if (lbt_nats_start(&nats) != 0)
        return -1;
    char e[LB_ERRLEN];
    svc.bus = lb_bus_connect(nats.url, "things-stand-in", 2000, e, sizeof e);
    return svc.bus ? 0 : -1;
}

static int group_teardown(void **state)
{
    lb_bus_close(svc.bus);
    lbt_nats_stop(&nats);
    return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(grant_returns_thing_id),
        T(unknown_key_is_unauthenticated_with_reason),
        T(unconnected_thing_is_not_allowed),
        T(unknown_channel_is_not_found),
        T(identify_returns_thing_of_key),
        T(thing_id_check),
        T(second_check_is_served_from_cache),
        T(thing_removed_event_refuses_within_1s),
        T(key_changed_event_drops_old_key),
        T(channel_removed_event_drops_channel),
        T(thing_disconnected_event_drops_thing_on_channel),
        T(connected_event_drops_cached_denial),
        T(malformed_events_are_ignored),
        T(flush_drops_everything),
        T(denials_cached_then_expire),
        T(grants_expire_after_ttl),
        T(lru_evicts_least_recently_used),
        T(no_responder_is_not_connected_and_not_cached),
        T(silent_responder_times_out_and_not_cached),
        T(malformed_replies_are_errors),
        T(bad_arguments),
        T(concurrent_checks_from_4_threads),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
