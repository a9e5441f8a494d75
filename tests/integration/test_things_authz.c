/* Authorization end to end: the real things plugin (`lyrebird run things`) answers
 * things.authorize over a real nats-server, and an adapter's lb_authz client caches the
 * answers and drops them on things.events, so a removed thing, a changed key or a
 * disconnect is refused within 1 s. Provisioning goes through the REST API (libcurl).
 * Also the things.provision request API that plugins use to register things for a user. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>

#include "harness.h"
#include "lyrebird/authz.h"
#include "lyrebird/bus.h"
#include "lyrebird/error.h"

static lbt_nats nats;
static lbt_host host;
static lb_bus *bus;
static char token[2048];

typedef struct {
    char *data;
    size_t len;
} buf;

static size_t collect(char *p, size_t size, size_t n, void *arg)
{
    buf *b = arg;
    b->data = realloc(b->data, b->len + size * n + 1);
    memcpy(b->data + b->len, p, size * n);
    b->len += size * n;
    b->data[b->len] = 0;
    return size * n;
}

/* An API call; returns the status and the parsed body in *out (may be NULL). */
static long api(const char *method, const char *path, const char *body, json_t **out)
{
    char url[512], auth[2100];
    buf b = {0};
    long status = 0;
    CURL *c = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    if (token[0]) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        h = curl_slist_append(h, auth);
    }
    snprintf(url, sizeof url, "%s%s", host.base, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    if (body)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (out)
        *out = b.data ? json_loads(b.data, 0, NULL) : NULL;
    free(b.data);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return status;
}

/* Creates a thing or channel; copies its id (and key) out. */
static void create(const char *what, const char *body, char *id, char *key)
{
    json_t *r = NULL;
    assert_int_equal(api("POST", what, body, &r), 201);
    strcpy(id, json_string_value(json_object_get(r, "id")));
    if (key)
        strcpy(key, json_string_value(json_object_get(r, "key")));
    json_decref(r);
}

static void connect_pair(const char *thing, const char *channel)
{
    char path[256];
    snprintf(path, sizeof path, "/channels/%s/things/%s", channel, thing);
    assert_int_equal(api("PUT", path, NULL, NULL), 200);
}

/* Milliseconds until lb_authz_key stops granting, or -1 after 3 s. */
static long ms_until_refused(lb_authz *a, const char *key, const char *channel)
{
    long long t0 = lbt_now_ns();
    char id[LB_THING_ID_MAX], err[LB_ERRLEN];
    while (lbt_now_ns() - t0 < 3000000000LL) {
        if (lb_authz_key(a, key, channel, id, err, sizeof err) != 0)
            return (long)((lbt_now_ns() - t0) / 1000000);
        usleep(2000);
    }
    return -1;
}

static void grants_connected_thing_and_refuses_the_rest(void **state)
{
    char t1[64], k1[300], c1[64], c2[64], id[LB_THING_ID_MAX], err[LB_ERRLEN];
    create("/things", "{\"name\":\"a\"}", t1, k1);
    create("/channels", "{\"name\":\"c1\"}", c1, NULL);
    create("/channels", "{\"name\":\"c2\"}", c2, NULL);
    connect_pair(t1, c1);
    lb_authz *a = lb_authz_new(bus, 0, 0);
    assert_non_null(a);
    assert_int_equal(lb_authz_key(a, k1, c1, id, err, sizeof err), 0);
    assert_string_equal(id, t1);
    assert_int_equal(lb_authz_key(a, "no-such-key", c1, id, err, sizeof err), LB_EUNAUTH);
    assert_non_null(strstr(err, "unknown thing key"));
    assert_int_equal(lb_authz_key(a, k1, c2, id, err, sizeof err), LB_EPERM);
    assert_non_null(strstr(err, "not connected"));
    assert_int_equal(lb_authz_key(a, k1, "no-such-channel", id, err, sizeof err), LB_ENOTFOUND);
    assert_int_equal(lb_authz_thing(a, t1, c1, err, sizeof err), 0);
    assert_int_equal(lb_authz_thing(a, t1, c2, err, sizeof err), LB_EPERM);
    assert_int_equal(lb_authz_identify(a, k1, id, err, sizeof err), 0);
    assert_string_equal(id, t1);
    lb_authz_free(a);
}

static void removed_thing_is_refused_within_a_second(void **state)
{
    char t[64], k[300], c[64], path[128], id[LB_THING_ID_MAX], err[LB_ERRLEN];
    create("/things", "{\"name\":\"doomed\"}", t, k);
    create("/channels", "{\"name\":\"c\"}", c, NULL);
    connect_pair(t, c);
    lb_authz *a = lb_authz_new(bus, 0, 0);
    assert_int_equal(lb_authz_key(a, k, c, id, err, sizeof err), 0); /* now cached */
    snprintf(path, sizeof path, "/things/%s", t);
    assert_int_equal(api("DELETE", path, NULL, NULL), 204);
    long ms = ms_until_refused(a, k, c);
    print_message("removed thing refused after %ld ms\n", ms);
    assert_true(ms >= 0 && ms < 1000);
    assert_int_equal(lb_authz_key(a, k, c, id, err, sizeof err), LB_EUNAUTH);
    lb_authz_free(a);
}

static void changed_key_is_refused_within_a_second(void **state)
{
    char t[64], k[300], c[64], path[128], id[LB_THING_ID_MAX], err[LB_ERRLEN];
    create("/things", "{\"name\":\"rotating\"}", t, k);
    create("/channels", "{\"name\":\"c\"}", c, NULL);
    connect_pair(t, c);
    lb_authz *a = lb_authz_new(bus, 0, 0);
    assert_int_equal(lb_authz_key(a, k, c, id, err, sizeof err), 0);
    snprintf(path, sizeof path, "/things/%s/key", t);
    assert_int_equal(api("PATCH", path, "{\"key\":\"brand-new-key-77\"}", NULL), 200);
    long ms = ms_until_refused(a, k, c);
    assert_true(ms >= 0 && ms < 1000);
    assert_int_equal(lb_authz_key(a, "brand-new-key-77", c, id, err, sizeof err), 0);
    assert_string_equal(id, t);
    lb_authz_free(a);
}

static void disconnect_is_refused_within_a_second(void **state)
{
    char t[64], k[300], c[64], path[256], id[LB_THING_ID_MAX], err[LB_ERRLEN];
    create("/things", "{\"name\":\"leaving\"}", t, k);
    create("/channels", "{\"name\":\"c\"}", c, NULL);
    connect_pair(t, c);
    lb_authz *a = lb_authz_new(bus, 0, 0);
    assert_int_equal(lb_authz_key(a, k, c, id, err, sizeof err), 0);
    snprintf(path, sizeof path, "/channels/%s/things/%s", c, t);
    assert_int_equal(api("DELETE", path, NULL, NULL), 204);
    long ms = ms_until_refused(a, k, c);
    assert_true(ms >= 0 && ms < 1000);
    assert_int_equal(lb_authz_key(a, k, c, id, err, sizeof err), LB_EPERM);
    lb_authz_free(a);
}

static void new_connection_is_granted_soon(void **state)
{
    char t[64], k[300], c[64], id[LB_THING_ID_MAX], err[LB_ERRLEN];
    create("/things", "{\"name\":\"late\"}", t, k);
    create("/channels", "{\"name\":\"c\"}", c, NULL);
    lb_authz *a = lb_authz_new(bus, 0, 0);
    assert_int_equal(lb_authz_key(a, k, c, id, err, sizeof err), LB_EPERM); /* denial cached */
    connect_pair(t, c);
    long long t0 = lbt_now_ns();
    int rc;
    while ((rc = lb_authz_key(a, k, c, id, err, sizeof err)) != 0 &&
           lbt_now_ns() - t0 < 1000000000LL)
        usleep(2000);
    assert_int_equal(rc, 0);
    lb_authz_free(a);
}

/* A things.provision request; the reply object. */
static json_t *provision(const char *fmt, ...)
{
    char body[4096], *reply = NULL;
    size_t len = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    assert_int_equal(lb_bus_request(bus, "things.provision", body, strlen(body), 2000, &reply,
                                    &len),
                     0);
    json_t *o = json_loadb(reply, len, 0, NULL);
    free(reply);
    assert_non_null(o);
    return o;
}

static void provision_identifies_the_token_and_refuses_a_bad_one(void **state)
{
    json_t *o = provision("{\"op\":\"identify\",\"token\":\"%s\"}", token);
    assert_string_equal(json_string_value(json_object_get(o, "email")), "admin@example.com");
    assert_true(json_is_true(json_object_get(o, "admin")));
    json_decref(o);
    o = provision("{\"op\":\"identify\",\"token\":\"forged.token.value\"}");
    assert_int_equal(json_integer_value(json_object_get(o, "status")), 401);
    json_decref(o);
    o = provision("{\"op\":\"explode\",\"token\":\"%s\"}", token);
    assert_int_equal(json_integer_value(json_object_get(o, "status")), 400);
    json_decref(o);
}

static void provision_creates_a_connected_thing_and_removes_it(void **state)
{
    char c[64], id[LB_THING_ID_MAX], err[LB_ERRLEN], path[128];
    create("/channels", "{\"name\":\"lora\"}", c, NULL);
    json_t *o = provision("{\"op\":\"create_thing\",\"token\":\"%s\",\"name\":\"dev\","
                          "\"channel_id\":\"%s\",\"metadata\":{\"lora\":{\"dev_eui\":\"01\"}}}",
                          token, c);
    const char *thing = json_string_value(json_object_get(o, "thing_id"));
    const char *key = json_string_value(json_object_get(o, "key"));
    assert_non_null(thing);
    assert_non_null(key);
    lb_authz *a = lb_authz_new(bus, 0, 0);
    assert_int_equal(lb_authz_key(a, key, c, id, err, sizeof err), 0); /* connected */
    assert_string_equal(id, thing);
    json_t *got = NULL;
    snprintf(path, sizeof path, "/things/%s", thing);
    assert_int_equal(api("GET", path, NULL, &got), 200);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_object_get(got, "metadata"), "lora"), "dev_eui")),
                        "01");
    json_decref(got);
    json_t *r = provision("{\"op\":\"remove_thing\",\"token\":\"%s\",\"thing_id\":\"%s\"}",
                          token, thing);
    assert_null(json_object_get(r, "error"));
    json_decref(r);
    assert_int_equal(api("GET", path, NULL, NULL), 404);
    assert_true(ms_until_refused(a, key, c) >= 0);
    lb_authz_free(a);
    json_decref(o);
    o = provision("{\"op\":\"create_thing\",\"token\":\"%s\",\"channel_id\":\"nope\"}",
                  token);
    assert_int_equal(json_integer_value(json_object_get(o, "status")), 404);
    json_decref(o);
    o = provision("{\"op\":\"channel_access\",\"token\":\"%s\",\"channel_id\":\"%s\"}", token, c);
    assert_null(json_object_get(o, "error"));
    json_decref(o);
    o = provision("{\"op\":\"channel_access\",\"token\":\"%s\",\"channel_id\":\"nope\"}", token);
    assert_int_equal(json_integer_value(json_object_get(o, "status")), 404);
    json_decref(o);
}

static int setup(void **state)
{
    static const char *const plugins[] = {"things", NULL};
    static const char *const env[] = {"LB_ADMIN_EMAIL=admin@example.com",
                                      "LB_ADMIN_PASSWORD=admin-secret-1", NULL};
    char err[LB_ERRLEN];
    json_t *r = NULL;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (lbt_nats_start(&nats) != 0 || lbt_host_start(&host, nats.url, plugins, env) != 0)
        return -1;
    if (api("POST", "/tokens", "{\"email\":\"admin@example.com\",\"password\":\"admin-secret-1\"}",
            &r) != 201)
        return -1;
    snprintf(token, sizeof token, "%s", json_string_value(json_object_get(r, "token")));
    json_decref(r);
    bus = lb_bus_connect(nats.url, "test", 2000, err, sizeof err);
    return bus ? 0 : -1;
}

static int teardown(void **state)
{
    lb_bus_close(bus);
    lbt_host_stop(&host);
    lbt_nats_stop(&nats);
    curl_global_cleanup();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grants_connected_thing_and_refuses_the_rest),
        cmocka_unit_test(removed_thing_is_refused_within_a_second),
        cmocka_unit_test(changed_key_is_refused_within_a_second),
        cmocka_unit_test(disconnect_is_refused_within_a_second),
        cmocka_unit_test(new_connection_is_granted_soon),
        cmocka_unit_test(provision_identifies_the_token_and_refuses_a_bad_one),
        cmocka_unit_test(provision_creates_a_connected_thing_and_removes_it),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
