/* Integration tests of the bus against a real nats-server: publish/subscribe, queue groups,
 * request/reply, envelopes on channel subjects, errors, and reconnection after the server
 * restarts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "lyrebird/bus.h"
#include "lyrebird/error.h"
#include "lyrebird/message.h"

static lbt_nats nats;

typedef struct counter {
    atomic_int n;
    char last[256];
} counter;

static void count_cb(const lb_bus_msg *msg, void *arg)
{
    counter *c = arg;
    size_t n = msg->len < sizeof c->last - 1 ? msg->len : sizeof c->last - 1;
    memcpy(c->last, msg->data, n);
    c->last[n] = 0;
    atomic_fetch_add(&c->n, 1);
}

static int wait_count(counter *c, int want, int ms)
{
    for (int i = 0; i < ms && atomic_load(&c->n) < want; i++)
        usleep(1000);
    return atomic_load(&c->n);
}

static lb_bus *connect_bus(void)
{
    char err[LB_ERRLEN];
    lb_bus *bus = lb_bus_connect(nats.url, "test", 2000, err, sizeof err);
    if (!bus)
        fail_msg("connect: %s", err);
    return bus;
}

static void publish_reaches_subscriber(void **state)
{
    lb_bus *bus = connect_bus();
    counter c = {0};
    lb_bus_sub *sub;
    assert_int_equal(lb_bus_subscribe(bus, "t.one", NULL, count_cb, &c, &sub), 0);
    assert_int_equal(lb_bus_publish(bus, "t.one", "hello", 5), 0);
    assert_int_equal(wait_count(&c, 1, 2000), 1);
    assert_string_equal(c.last, "hello");
    lb_bus_unsubscribe(sub);
    lb_bus_close(bus);
}

static void queue_group_shares_messages(void **state)
{
    lb_bus *bus = connect_bus();
    counter a = {0}, b = {0}, plain = {0};
    lb_bus_sub *sa, *sb, *sp;
    assert_int_equal(lb_bus_subscribe(bus, "t.q", "workers", count_cb, &a, &sa), 0);
    assert_int_equal(lb_bus_subscribe(bus, "t.q", "workers", count_cb, &b, &sb), 0);
    assert_int_equal(lb_bus_subscribe(bus, "t.q", NULL, count_cb, &plain, &sp), 0);
    assert_int_equal(lb_bus_flush(bus, 1000), 0);
    for (int i = 0; i < 200; i++)
        assert_int_equal(lb_bus_publish(bus, "t.q", "x", 1), 0);
    assert_int_equal(wait_count(&plain, 200, 3000), 200);
    for (int i = 0; i < 1000 && atomic_load(&a.n) + atomic_load(&b.n) < 200; i++)
        usleep(1000);
    assert_int_equal(atomic_load(&a.n) + atomic_load(&b.n), 200); /* each once, in total */
    assert_true(atomic_load(&a.n) > 0 && atomic_load(&b.n) > 0);   /* and shared */
    lb_bus_unsubscribe(sa);
    lb_bus_unsubscribe(sb);
    lb_bus_unsubscribe(sp);
    lb_bus_close(bus);
}

typedef struct {
    lb_bus *bus;
} responder;

static void echo_upper(const lb_bus_msg *msg, void *arg)
{
    responder *r = arg;
    char out[64];
    size_t n = msg->len < sizeof out ? msg->len : sizeof out;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)(((const char *)msg->data)[i] & ~0x20);
    lb_bus_respond(r->bus, msg, out, n);
}

static void request_gets_reply(void **state)
{
    lb_bus *bus = connect_bus();
    responder r = {bus};
    lb_bus_sub *sub;
    assert_int_equal(lb_bus_subscribe(bus, "t.upper", "svc", echo_upper, &r, &sub), 0);
    assert_int_equal(lb_bus_flush(bus, 1000), 0);
    char *reply = NULL;
    size_t len = 0;
    assert_int_equal(lb_bus_request(bus, "t.upper", "abc", 3, 1000, &reply, &len), 0);
    assert_int_equal(len, 3);
    assert_string_equal(reply, "ABC");
    free(reply);
    lb_bus_unsubscribe(sub);
    lb_bus_close(bus);
}

static void request_without_responder_fails_fast(void **state)
{
    lb_bus *bus = connect_bus();
    char *reply = NULL;
    long long t0 = lbt_now_ns();
    assert_int_equal(lb_bus_request(bus, "t.nobody", "x", 1, 2000, &reply, NULL), LB_ENOTFOUND);
    assert_true(lbt_now_ns() - t0 < 1000000000LL);
    assert_null(reply);
    lb_bus_close(bus);
}

static void silent_responder_times_out(void **state)
{
    lb_bus *bus = connect_bus();
    counter c = {0};
    lb_bus_sub *sub;
    assert_int_equal(lb_bus_subscribe(bus, "t.silent", NULL, count_cb, &c, &sub), 0);
    assert_int_equal(lb_bus_flush(bus, 1000), 0);
    char *reply = NULL;
    assert_int_equal(lb_bus_request(bus, "t.silent", "x", 1, 100, &reply, NULL), LB_ETIMEDOUT);
    lb_bus_unsubscribe(sub);
    lb_bus_close(bus);
}

typedef struct {
    atomic_int n;
    char subject[LB_SUBJECT_MAX];
    char publisher[64];
    char payload[64];
} envelope_seen;

static void envelope_cb(const lb_bus_msg *msg, void *arg)
{
    envelope_seen *e = arg;
    lb_message *m = lb_message_unpack(msg->data, msg->len);
    if (!m)
        return;
    snprintf(e->subject, sizeof e->subject, "%s", msg->subject);
    snprintf(e->publisher, sizeof e->publisher, "%s", m->publisher);
    snprintf(e->payload, sizeof e->payload, "%.*s", (int)m->payload_len, m->payload);
    lb_message_free(m);
    atomic_fetch_add(&e->n, 1);
}

static void message_goes_to_channel_subject(void **state)
{
    lb_bus *bus = connect_bus();
    envelope_seen e = {0};
    lb_bus_sub *sub;
    assert_int_equal(lb_bus_subscribe(bus, "channels.ch1.>", NULL, envelope_cb, &e, &sub), 0);
    assert_int_equal(lb_bus_flush(bus, 1000), 0);
    lb_message m = {.channel = "ch1", .subtopic = "room/1", .publisher = "thing-7",
                    .protocol = "http", .payload = (const uint8_t *)"21.5", .payload_len = 4,
                    .created = lb_now_ns()};
    char err[LB_ERRLEN];
    assert_int_equal(lb_bus_publish_message(bus, &m, err, sizeof err), 0);
    for (int i = 0; i < 2000 && atomic_load(&e.n) < 1; i++)
        usleep(1000);
    assert_int_equal(atomic_load(&e.n), 1);
    assert_string_equal(e.subject, "channels.ch1.room.1");
    assert_string_equal(e.publisher, "thing-7");
    assert_string_equal(e.payload, "21.5");
    lb_bus_unsubscribe(sub);
    lb_bus_close(bus);
}

static void bad_subtopic_is_refused_with_reason(void **state)
{
    lb_bus *bus = connect_bus();
    lb_message m = {.channel = "ch1", .subtopic = "a/*", .payload = (const uint8_t *)"x",
                    .payload_len = 1};
    char err[LB_ERRLEN] = "";
    assert_int_equal(lb_bus_publish_message(bus, &m, err, sizeof err), LB_EINVAL);
    assert_non_null(strstr(err, "only for subscribing"));
    lb_bus_close(bus);
}

static void unsubscribed_callback_is_not_called(void **state)
{
    lb_bus *bus = connect_bus();
    counter c = {0};
    lb_bus_sub *sub;
    assert_int_equal(lb_bus_subscribe(bus, "t.unsub", NULL, count_cb, &c, &sub), 0);
    assert_int_equal(lb_bus_flush(bus, 1000), 0);
    lb_bus_unsubscribe(sub);
    assert_int_equal(lb_bus_publish(bus, "t.unsub", "x", 1), 0);
    assert_int_equal(lb_bus_flush(bus, 1000), 0);
    usleep(50000);
    assert_int_equal(atomic_load(&c.n), 0);
    lb_bus_close(bus);
}

static void connect_to_nothing_fails_with_reason(void **state)
{
    char err[LB_ERRLEN] = "";
    char url[64];
    snprintf(url, sizeof url, "nats://127.0.0.1:%d", lbt_free_port());
    assert_null(lb_bus_connect(url, "test", 200, err, sizeof err));
    assert_non_null(strstr(err, "cannot connect to NATS at nats://127.0.0.1:"));
}

static void reconnects_after_server_restart(void **state)
{
    lb_bus *bus = connect_bus();
    counter c = {0};
    lb_bus_sub *sub;
    assert_int_equal(lb_bus_subscribe(bus, "t.re", NULL, count_cb, &c, &sub), 0);
    assert_int_equal(lb_bus_flush(bus, 1000), 0);
    int port = nats.port;
    lbt_nats_stop(&nats);
    for (int i = 0; i < 2000 && lb_bus_connected(bus); i++)
        usleep(1000);
    assert_false(lb_bus_connected(bus));
    assert_int_equal(lbt_nats_start_on(&nats, port), 0);
    for (int i = 0; i < 5000 && !lb_bus_connected(bus); i++)
        usleep(1000);
    assert_true(lb_bus_connected(bus));
    assert_int_equal(lb_bus_flush(bus, 2000), 0); /* subscription replayed on reconnect */
    assert_int_equal(lb_bus_publish(bus, "t.re", "back", 4), 0);
    assert_int_equal(wait_count(&c, 1, 3000), 1);
    assert_string_equal(c.last, "back");
    lb_bus_unsubscribe(sub);
    lb_bus_close(bus);
}

static int setup(void **state)
{
    return lbt_nats_start(&nats);
}

static int teardown(void **state)
{
    lbt_nats_stop(&nats);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(publish_reaches_subscriber),
        cmocka_unit_test(queue_group_shares_messages),
        cmocka_unit_test(request_gets_reply),
        cmocka_unit_test(request_without_responder_fails_fast),
        cmocka_unit_test(silent_responder_times_out),
        cmocka_unit_test(message_goes_to_channel_subject),
        cmocka_unit_test(bad_subtopic_is_refused_with_reason),
        cmocka_unit_test(unsubscribed_callback_is_not_called),
        cmocka_unit_test(connect_to_nothing_fails_with_reason),
        cmocka_unit_test(reconnects_after_server_restart),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
