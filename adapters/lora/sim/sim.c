/* lyrebird-sim (also `lyrebird sim`): a LoRaWAN gateway and device simulator for demos,
 * end-to-end tests and benchmarks. main reads the options, sets up the devices (keys from
 * --key-seed, --state), runs the simulation (sim_run.c), saves the state and prints the
 * summary: text on stderr, and with --json one JSON object on stdout.
 * Exit status: 0 when it ran (missing downlinks included), 1 when it could not, 2 on bad
 * options. */
#include "sim.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* The counters of the JSON summary, in print order. */
static const struct counter {
    const char *name;
    size_t off;
} counters[] = {
/* clang-format off */
#define C(m) {#m, offsetof(sim_stats, m)}
    C(uplinks_sent), C(push_acks), C(joins_sent), C(joins_accepted), C(confirmed_sent),
    C(acks_received), C(downlinks), C(downlinks_rx1), C(downlinks_rx2), C(downlinks_late),
    C(downlinks_bad_mic), C(joins_failed), C(replays_sent), C(push_data_sent),
    C(push_ack_timeouts), C(pull_data_sent), C(pull_acks), C(tx_acks_sent),
    C(downlinks_unknown), C(downlinks_no_window), C(downlinks_bad_radio), C(downlinks_replayed),
    C(datagrams_bad), C(send_errors),
#undef C
    /* clang-format on */
};

static uint64_t counter(const sim_stats *st, size_t i)
{
    return *(const uint64_t *)((const char *)st + counters[i].off);
}

/* Uplinks per second between the first and the last one sent. */
static double uplinks_per_s(const sim_stats *st)
{
    if (st->uplinks_sent >= 2 && st->send_s > 0)
        return (double)(st->uplinks_sent - 1) / st->send_s;
    return st->elapsed_s > 0 ? (double)st->uplinks_sent / st->elapsed_s : 0;
}

static void summary_text(const sim_opts *o, const sim_stats *st)
{
    fprintf(stderr,
            "lyrebird-sim: %u gateway(s) (%u hear each frame), %u device(s), %s LoRaWAN %s %s"
            " -> %s\n",
            o->gateways, o->hear, o->devices, o->otaa ? "OTAA" : "ABP", sim_mac_name(o->mac),
            o->region->name, o->server_name);
    fprintf(stderr,
            "  uplinks    %" PRIu64 " in %.2f s = %.0f/s (confirmed %" PRIu64 ", replays %" PRIu64
            "); PUSH_DATA %" PRIu64 ", PUSH_ACK %" PRIu64 ", PULL_ACK %" PRIu64 "\n",
            st->uplinks_sent, st->send_s, uplinks_per_s(st), st->confirmed_sent, st->replays_sent,
            st->push_data_sent, st->push_acks, st->pull_acks);
    if (o->otaa)
        fprintf(stderr, "  joins      %" PRIu64 " sent, %" PRIu64 " accepted, %" PRIu64 " failed\n",
                st->joins_sent, st->joins_accepted, st->joins_failed);
    fprintf(stderr,
            "  downlinks  %" PRIu64 ": rx1 %" PRIu64 ", rx2 %" PRIu64 ", late %" PRIu64
            ", bad MIC %" PRIu64 ", replayed %" PRIu64 ", unknown %" PRIu64 ", no window %" PRIu64
            ", wrong freq/DR %" PRIu64 "; ACKs %" PRIu64,
            st->downlinks, st->downlinks_rx1, st->downlinks_rx2, st->downlinks_late,
            st->downlinks_bad_mic, st->downlinks_replayed, st->downlinks_unknown,
            st->downlinks_no_window, st->downlinks_bad_radio, st->acks_received);
    if (st->has_lead)
        fprintf(stderr, "; min lead %.1f ms", (double)st->min_lead_us / 1000.0);
    fprintf(stderr, "\n  elapsed    %.2f s", st->elapsed_s);
    if (st->push_ack_timeouts || st->send_errors || st->datagrams_bad)
        fprintf(stderr,
                "; PUSH_ACK timeouts %" PRIu64 ", send errors %" PRIu64 ", bad datagrams %" PRIu64,
                st->push_ack_timeouts, st->send_errors, st->datagrams_bad);
    fputc('\n', stderr);
}

static int summary_json(const sim_opts *o, const sim_stats *st)
{
    json_t *j = json_pack("{s:i, s:i, s:s, s:s, s:s}", "gateways", (int)o->gateways, "devices",
                          (int)o->devices, "mode", o->otaa ? "otaa" : "abp", "mac_version",
                          sim_mac_name(o->mac), "region", o->region->name);
    if (!j)
        return -1;
    for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++) {
        json_object_set_new(j, counters[i].name, json_integer((json_int_t)counter(st, i)));
        if (strcmp(counters[i].name, "joins_accepted") == 0)
            json_object_set_new(j, "uplinks_per_s", json_real(uplinks_per_s(st)));
    }
    json_object_set_new(j, "min_lead_ms",
                        st->has_lead ? json_real((double)st->min_lead_us / 1000.0) : json_null());
    json_object_set_new(j, "elapsed_s", json_real(st->elapsed_s));
    int rc = json_dumpf(j, stdout, JSON_COMPACT | JSON_REAL_PRECISION(6));
    json_decref(j);
    putchar('\n');
    return rc;
}

/* Devices from the options and the state file. 0, or -1 after printing why. */
static int devices_setup(const sim_opts *o, sim_device *devs)
{
    char err[512];
    for (uint32_t i = 0; i < o->devices; i++)
        if (sim_device_init(&devs[i], o, i) < 0) {
            fprintf(stderr, "lyrebird-sim: key derivation failed\n");
            return -1;
        }
    if (o->state_path && sim_state_load(o->state_path, devs, o->devices, o, err, sizeof err) < 0) {
        fprintf(stderr, "lyrebird-sim: --state: %s\n", err);
        return -1;
    }
    for (uint32_t i = 0; o->fcnt >= 0 && i < o->devices; i++)
        devs[i].fcnt_up = (uint32_t)o->fcnt;
    return 0;
}

int main(int argc, char **argv)
{
    sim_opts o;
    sim_stats st;
    char err[512];
    int rc = 1;
    int parsed = sim_opts_parse(argc, argv, &o, err, sizeof err);
    if (parsed < 0) {
        fprintf(stderr, "lyrebird-sim: %s (see --help)\n", err);
        return 2;
    }
    if (parsed > 0)
        return 0;
    if (o.print_devices)
        return sim_print_devices(&o, stdout) == 0 ? 0 : 1;
    if (o.register_url && sim_register(&o) < 0)
        return 1;
    sim_device *devs = calloc(o.devices, sizeof *devs);
    if (!devs) {
        fprintf(stderr, "lyrebird-sim: out of memory for %u devices\n", o.devices);
        return 1;
    }
    if (devices_setup(&o, devs) < 0 || sim_run(&o, devs, o.devices, &st) < 0)
        goto out;
    if (o.state_path && sim_state_save(o.state_path, devs, o.devices, &o, err, sizeof err) < 0)
        fprintf(stderr, "lyrebird-sim: --state: %s\n", err);
    else
        rc = 0;
    fflush(stdout);
    summary_text(&o, &st);
    if (o.json && summary_json(&o, &st) < 0)
        rc = 1;
out:
    for (uint32_t i = 0; i < o.devices; i++)
        sim_device_free(&devs[i]);
    free(devs);
    return rc;
}
