/* lbt_bus_flood NATS_URL CHANNEL PUBLISHER COUNT: publishes COUNT SenML envelopes on the bus
 * (lb_bus_publish_message, subject channels.CHANNEL.bench) as fast as the connection takes
 * them, then flushes. Message i is [{"bn":"dev:","n":"temp<i%10>","v":<i%1000>,
 * "t":1700000000+i/1000}] from PUBLISHER over protocol "bench", so every message is one
 * distinct point in InfluxDB (the benchmark's curl baseline writes the same points).
 * Prints "flood: N msgs in S s, R msgs/s" on stdout; exits 0 when all were published. */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "lyrebird/bus.h"
#include "lyrebird/message.h"

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: lbt_bus_flood NATS_URL CHANNEL PUBLISHER COUNT\n");
        return 2;
    }
    char err[256];
    long count = atol(argv[4]);
    int rc = 1;
    lb_bus *bus = lb_bus_connect(argv[1], "lbt_bus_flood", 2000, err, sizeof err);
    if (!bus) {
        fprintf(stderr, "lbt_bus_flood: %s\n", err);
        return 2;
    }
    long long t0 = lbt_now_ns();
    for (long i = 0; i < count; i++) {
        char payload[128];
        int n = snprintf(payload, sizeof payload,
                         "[{\"bn\":\"dev:\",\"n\":\"temp%ld\",\"v\":%ld,\"t\":%ld.%03ld}]", i % 10,
                         i % 1000, 1700000000L + i / 1000, i % 1000);
        lb_message m = {.channel = argv[2],
                        .subtopic = "bench",
                        .publisher = argv[3],
                        .protocol = "bench",
                        .payload = (const uint8_t *)payload,
                        .payload_len = (size_t)n,
                        .created = lbt_now_ns(),
                        .content_type = "application/senml+json"};
        if (lb_bus_publish_message(bus, &m, err, sizeof err) != 0) {
            fprintf(stderr, "lbt_bus_flood: message %ld: %s\n", i, err);
            goto out;
        }
    }
    if (lb_bus_flush(bus, 10000) != 0) {
        fprintf(stderr, "lbt_bus_flood: flush failed\n");
        goto out;
    }
    double s = (double)(lbt_now_ns() - t0) / 1e9;
    printf("flood: %ld msgs in %.3f s, %.0f msgs/s\n", count, s, s > 0 ? (double)count / s : 0);
    rc = 0;
out:
    lb_bus_close(bus);
    return rc;
}
