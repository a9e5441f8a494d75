/* lbt_sub NATS_URL SUBJECT COUNT TIMEOUT_MS: subscribes, prints "ready" on stderr once the
 * server has the subscription, then prints each envelope received as one JSON line on
 * stdout ({"subject","channel","subtopic","publisher","protocol","content_type","payload",
 * "created"}) until COUNT arrived or the time is up. Exits 0 when COUNT arrived, else 1. */
#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "lyrebird/bus.h"
#include "lyrebird/message.h"

static atomic_int seen;

static void on_msg(const lb_bus_msg *bm, void *arg)
{
    lb_message *m = lb_message_unpack(bm->data, bm->len);
    if (!m)
        return;
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s%, s:I}", "subject", bm->subject,
                          "channel", m->channel, "subtopic", m->subtopic, "publisher",
                          m->publisher, "protocol", m->protocol, "content_type", m->content_type,
                          "payload", (const char *)m->payload, m->payload_len, "created",
                          (json_int_t)m->created);
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    if (text) {
        printf("%s\n", text);
        fflush(stdout);
    }
    free(text);
    json_decref(o);
    lb_message_free(m);
    atomic_fetch_add(&seen, 1);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: lbt_sub NATS_URL SUBJECT COUNT TIMEOUT_MS\n");
        return 2;
    }
    char err[256];
    int count = atoi(argv[3]);
    long long deadline = lbt_now_ns() + atoll(argv[4]) * 1000000LL;
    lb_bus *bus = lb_bus_connect(argv[1], "lbt_sub", 2000, err, sizeof err);
    lb_bus_sub *sub = NULL;
    if (!bus || lb_bus_subscribe(bus, argv[2], NULL, on_msg, NULL, &sub) != 0 ||
        lb_bus_flush(bus, 2000) != 0) {
        fprintf(stderr, "lbt_sub: %s\n", bus ? "subscribe failed" : err);
        return 2;
    }
    fprintf(stderr, "ready\n");
    while (atomic_load(&seen) < count && lbt_now_ns() < deadline)
        usleep(1000);
    lb_bus_unsubscribe(sub);
    lb_bus_close(bus);
    return atomic_load(&seen) >= count ? 0 : 1;
}
