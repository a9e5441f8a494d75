/* Benchmark: envelope encode + publish through the bus layer (lb_bus_publish_message) vs
 * raw cnats publish of the same, pre-encoded bytes on a connection with the same options.
 * Delivery is checked first; then rounds time each side alone, alternating which goes
 * first, and the medians are compared (this machine is noisy).
 * Usage: bench_bus [messages_per_round] [rounds]. Prints msgs/s and the ratio; exits 1 only
 * when the run itself failed (a message lost). */
#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lyrebird/bus.h"
#include "lyrebird/message.h"

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Counts what reaches a subscriber on the server, to prove nothing was dropped. */
static void on_msg(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (*(long *)closure)++;
    natsMsg_Destroy(msg);
}

int main(int argc, char **argv)
{
    long per_round = argc > 1 ? atol(argv[1]) : 300000;
    int rounds = argc > 2 ? atoi(argv[2]) : 11;
    lbt_nats nats;
    if (lbt_nats_start(&nats) != 0)
        return 1;
    char err[256];
    lb_bus *bus = lb_bus_connect(nats.url, "bench", 2000, err, sizeof err);
    natsConnection *raw = NULL;
    natsOptions *opts = NULL;
    natsOptions_Create(&opts);
    natsOptions_SetURL(opts, nats.url);
    if (!bus || natsConnection_Connect(&raw, opts) != NATS_OK) {
        fprintf(stderr, "connect failed: %s\n", bus ? "raw" : err);
        return 1;
    }
    natsOptions_Destroy(opts);

    /* a 100-byte SenML payload in a typical envelope */
    const char *payload = "[{\"bn\":\"urn:dev:deveui:0004A30B001C0530:\",\"n\":\"temperature\","
                          "\"u\":\"Cel\",\"v\":21.5,\"t\":1.7e9}]";
    char pay[101];
    snprintf(pay, sizeof pay, "%-100s", payload);
    lb_message m = {.channel = "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
                    .publisher = "9a0c0305-e82c-3301-3f25-04e04f8941d3",
                    .protocol = "http",
                    .payload = (const uint8_t *)pay,
                    .payload_len = 100,
                    .content_type = "application/senml+json"};
    uint8_t encoded[512];
    m.created = lb_now_ns();
    size_t enc_len = lb_message_pack(&m, encoded);
    const char *subject = "channels.3f2504e0-4f89-41d3-9a0c-0305e82c3301";

    /* First prove the path delivers: every message reaches a subscriber, decodable. */
    long received = 0;
    const long check = 10000;
    natsConnection *sub_conn = NULL;
    natsSubscription *sub = NULL;
    natsConnection_ConnectTo(&sub_conn, nats.url);
    natsConnection_Subscribe(&sub, sub_conn, "channels.>", on_msg, &received);
    natsSubscription_SetPendingLimits(sub, -1, -1);
    natsConnection_Flush(sub_conn);
    for (long i = 0; i < check; i++)
        lb_bus_publish_message(bus, &m, err, sizeof err);
    lb_bus_flush(bus, 10000);
    for (int i = 0; i < 3000 && received < check; i++)
        nats_Sleep(1);
    natsSubscription_Unsubscribe(sub);
    natsConnection_Flush(sub_conn);
    printf("delivered to a subscriber: %ld of %ld\n", received, check);

    /* Then time publishing alone, alternating which side goes first in each round. */
    double ours[64], theirs[64];
    rounds = rounds > 64 ? 64 : rounds;
    for (int r = 0; r < rounds; r++) {
        for (int side = 0; side < 2; side++) {
            int raw_now = (side + r) % 2 == 0;
            long long t0 = lbt_now_ns();
            if (raw_now) {
                for (long i = 0; i < per_round; i++)
                    natsConnection_Publish(raw, subject, encoded, (int)enc_len);
                natsConnection_Flush(raw);
            } else {
                for (long i = 0; i < per_round; i++) {
                    m.created = lb_now_ns();
                    if (lb_bus_publish_message(bus, &m, err, sizeof err) != 0) {
                        fprintf(stderr, "publish failed: %s\n", err);
                        return 1;
                    }
                }
                lb_bus_flush(bus, 10000);
            }
            double rate = per_round / ((lbt_now_ns() - t0) / 1e9);
            *(raw_now ? &theirs[r] : &ours[r]) = rate;
        }
        printf("round %d: raw cnats %.0f msgs/s, lb_bus_publish_message %.0f msgs/s\n", r,
               theirs[r], ours[r]);
    }
    double mo = median(ours, rounds), mt = median(theirs, rounds);
    printf("bus_publish_100B: %.0f msgs/s (raw cnats %.0f msgs/s, ratio %.2f; target >= 0.85)\n",
           mo, mt, mo / mt);
    natsSubscription_Destroy(sub);
    natsConnection_Destroy(sub_conn);
    natsConnection_Destroy(raw);
    lb_bus_close(bus);
    lbt_nats_stop(&nats);
    return received == check ? 0 : 1;
}
