/* The LoRa adapter plugin `lora`: a LoRaWAN Network, Join and Application Server for class A
 * (and class C) devices behind Semtech UDP packet forwarders. A registered device is a thing
 * on a channel: its uplinks are published on channels.<id>.lora.up, its joins on lora.join,
 * and a message to channels/<id>/messages/lora/down/<DevEUI> becomes its downlink.
 *
 * Settings:
 *   LB_LORA_UDP_PORT           Semtech UDP port (1700)
 *   LB_LOOPBACK_ONLY           listen on 127.0.0.1 only (false)
 *   LB_LORA_DEDUP_MS           deduplication window (200)
 *   LB_LORA_NET_ID             NetID, 6 hex digits, type 0 (000000)
 *   LB_LORA_OPEN_GATEWAYS      take traffic from unregistered gateways too (false)
 *   LB_LORA_MAX_FCNT_GAP       largest FCnt jump accepted (16384)
 *   LB_LORA_RX_MARGIN_MS       a receive window opening sooner than this is missed (40)
 *   LB_LORA_CONFIRMED_RETRIES  sends of a confirmed downlink before it is given up (4)
 *   LB_LORA_US915_SUB_BAND     the sub-band US915 join-accepts enable, 0 for all (2)
 *   LB_LORA_ADR_MARGIN_DB      ADR installation margin (10)
 *   LB_LORA_CODEC_WORKERS      threads decoding payloads with codecs (2)
 *   LB_LORA_CODEC_INSTANCES    devices' codec instances kept (1000; ~200 KB each for JS)
 *   LB_KEK                     key-encryption key, 32/48/64 hex digits; else
 *                              <data>/lora.kek, made at first start (mode 0600)
 *
 * Metrics: lb_lora_* (datagrams, frames, uplinks, joins, downlinks, refusals by reason,
 * devices, gateways, and the processing time histogram). */
#include "lora.h"

#include <lyrebird/config.h>
#include <lyrebird/error.h>

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int configure(lora *l)
{
    char err[LB_ERRLEN];
    long dedup, gap, margin, retries, sub_band, adr_margin;
    const char *net_id = lb_config_str("LB_LORA_NET_ID", "000000");
    uint64_t id = 0;
    if (lb_config_port("LB_LORA_UDP_PORT", 1700, &l->udp_port, err, sizeof err) != 0 ||
        lb_config_bool("LB_LOOPBACK_ONLY", 0, &l->loopback_only, err, sizeof err) != 0 ||
        lb_config_bool("LB_LORA_OPEN_GATEWAYS", 0, &l->open_gateways, err, sizeof err) != 0 ||
        lb_config_int("LB_LORA_DEDUP_MS", 200, 0, 5000, &dedup, err, sizeof err) != 0 ||
        lb_config_int("LB_LORA_MAX_FCNT_GAP", 16384, 1, 1L << 31, &gap, err, sizeof err) != 0 ||
        lb_config_int("LB_LORA_RX_MARGIN_MS", 40, 0, 900, &margin, err, sizeof err) != 0 ||
        lb_config_int("LB_LORA_CONFIRMED_RETRIES", 4, 1, 16, &retries, err, sizeof err) != 0 ||
        lb_config_int("LB_LORA_US915_SUB_BAND", 2, 0, 8, &sub_band, err, sizeof err) != 0 ||
        lb_config_int("LB_LORA_ADR_MARGIN_DB", 10, 0, 30, &adr_margin, err, sizeof err) != 0 ||
        lb_config_int("LB_LORA_CODEC_WORKERS", 2, 1, 8, &l->codec_workers, err, sizeof err) != 0 ||
        lb_config_int("LB_LORA_CODEC_INSTANCES", 1000, 1, 10000000, &l->codec_instances, err,
                      sizeof err) != 0) {
        l->host->log(l->host, LB_LOG_ERROR, "bad setting", "error=\"%s\"", err);
        return LB_EINVAL;
    }
    char *end;
    id = strtoull(net_id, &end, 16);
    if (strlen(net_id) != 6 || *end || id >> 21) {
        l->host->log(l->host, LB_LOG_ERROR, "bad setting",
                     "error=\"LB_LORA_NET_ID must be 6 hex digits of a type 0 NetID\"");
        return LB_EINVAL;
    }
    l->net_id = (uint32_t)id;
    l->dedup_ms = (int)dedup;
    l->max_fcnt_gap = (int)gap;
    l->rx_margin_ms = (int)margin;
    l->confirmed_retries = (int)retries;
    l->us915_sub_band = (int)sub_band;
    l->adr_margin_db = (double)adr_margin;
    return 0;
}

/* The key-encryption key: LB_KEK, or the data dir's lora.kek (made when missing). */
static int load_kek(lora *l, uint8_t *kek, size_t *len)
{
    const char *hex = lb_config_str("LB_KEK", NULL);
    if (hex && *hex) { /* empty: as unset (compose passes an empty default) */
        size_t n = 0;
        if (sodium_hex2bin(kek, 32, hex, strlen(hex), NULL, &n, NULL) != 0 ||
            (n != 16 && n != 24 && n != 32) || strlen(hex) != 2 * n) {
            l->host->log(l->host, LB_LOG_ERROR, "bad setting",
                         "error=\"LB_KEK must be 32, 48 or 64 hex digits\"");
            return LB_EINVAL;
        }
        *len = n;
        return 0;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/lora.kek", l->host->data_dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        randombytes_buf(kek, 16);
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0 && write(fd, kek, 16) == 16) {
            close(fd);
            *len = 16;
            l->host->log(l->host, LB_LOG_INFO, "made a key-encryption key", "path=%s", path);
            return 0;
        }
    } else if (fd >= 0 && read(fd, kek, 16) == 16) {
        close(fd);
        *len = 16;
        return 0;
    }
    if (fd >= 0)
        close(fd);
    l->host->log(l->host, LB_LOG_ERROR, "cannot read or make the key-encryption key",
                 "path=%s", path);
    return LB_EIO;
}

static int metrics_register(lora *l)
{
    const lb_host *h = l->host;
    static const struct {
        size_t off;
        const char *name, *help;
    } counters[] = {
#define C(m, n, hlp) {offsetof(lora, m), "lb_lora_" n, hlp}
        C(datagrams, "datagrams_total", "Semtech UDP datagrams received"),
        C(bad_datagrams, "bad_datagrams_total", "datagrams that did not parse"),
        C(unknown_gw, "unknown_gateway_datagrams_total", "PUSH_DATA from unregistered gateways"),
        C(rxpk, "rxpk_total", "packets gateways reported"),
        C(crc_bad, "rxpk_dropped_total", "packets with a bad CRC or not LoRa"),
        C(bad_frames, "bad_frames_total", "frames that are not LoRaWAN uplinks"),
        C(uplinks, "uplinks_total", "uplinks accepted and published"),
        C(duplicates, "duplicates_total", "copies merged by the deduplication window"),
        C(mic_failed, "mic_failed_total", "frames whose MIC matched no device"),
        C(unknown_addr, "unknown_dev_addr_total", "frames from a DevAddr no device has"),
        C(fcnt_replay, "fcnt_replays_total", "frames refused: FCnt not above the last"),
        C(fcnt_gap, "fcnt_gaps_total", "frames refused: FCnt jumped too far"),
        C(joins, "joins_total", "join-requests accepted"),
        C(joins_refused, "joins_refused_total", "join-requests refused"),
        C(downlinks, "downlinks_total", "downlinks sent to gateways"),
        C(downlinks_rx2, "downlinks_rx2_total", "downlinks sent for RX2"),
        C(tx_errors, "tx_errors_total", "TX_ACKs reporting an error"),
        C(late, "downlinks_late_total", "downlinks that missed both windows"),
        C(down_requests, "downlink_requests_total", "downlink requests from the bus"),
        C(down_refused, "downlinks_refused_total", "downlink requests refused"),
        C(acks, "confirmed_acked_total", "confirmed downlinks acknowledged"),
        C(nacks, "confirmed_unacked_total", "confirmed downlinks given up"),
        C(store_errors, "store_errors_total", "frames dropped: counters not stored"),
        C(decoded, "decoded_total", "payloads decoded by a codec"),
        C(decode_failed, "decode_failed_total", "payloads a codec reported errors for"),
        C(decode_dropped, "decode_dropped_total", "payloads not decoded: codec queue full"),
#undef C
    };
    int ok = 1;
    for (size_t i = 0; ok && i < sizeof counters / sizeof *counters; i++) {
        lb_counter **c = (lb_counter **)((char *)l + counters[i].off);
        ok = (*c = h->counter(h, counters[i].name, counters[i].help)) != NULL;
    }
    static const double bounds[] = {0.00005, 0.0001, 0.0002, 0.0003, 0.0005, 0.00075, 0.001,
                                    0.0015, 0.002, 0.003, 0.005, 0.01, 0.05};
    l->devices_gauge = h->gauge(h, "lb_lora_devices", "LoRa devices registered");
    l->gateways_gauge = h->gauge(h, "lb_lora_gateways", "gateways heard from");
    l->proc_seconds = h->histogram(h, "lb_lora_uplink_processing_seconds",
                                   "PUSH_DATA to bus publish, without the dedup window", bounds,
                                   sizeof bounds / sizeof *bounds);
    return ok && l->devices_gauge && l->gateways_gauge && l->proc_seconds ? 0 : LB_ENOMEM;
}

/* A device from the store into the registry, its codec compiled (once per distinct one). */
static int add_loaded(lora_dev *d, const char *codec, void *arg)
{
    lora *l = arg;
    char err[256];
    json_t *spec = codec ? json_loads(codec, 0, NULL) : NULL;
    if (spec && !(d->codec = lora_codec_get(l->codecs, spec, err, sizeof err))) {
        char eui[17];
        lora_eui_format(d->dev_eui, eui);
        l->host->log(l->host, LB_LOG_WARN, "device codec unusable; uplinks not decoded",
                     "dev_eui=%s error=\"%s\"", eui, err);
    }
    json_decref(spec);
    int rc = lora_registry_add(l->reg, d);
    if (rc != 0)
        lora_dev_free(d);
    return rc;
}

static int lora_init(const lb_host *host, void **state)
{
    lora *l = calloc(1, sizeof *l);
    char err[LB_ERRLEN], path[4096];
    uint8_t kek[32];
    size_t kek_len = 0;
    if (!l)
        return LB_ENOMEM;
    l->host = host;
    l->sock = l->wake[0] = l->wake[1] = -1;
    pthread_mutex_init(&l->lock, NULL);
    pthread_mutex_init(&l->gw_lock, NULL);
    *state = l;
    int rc = configure(l);
    if (rc == 0)
        rc = metrics_register(l);
    if (rc == 0)
        rc = load_kek(l, kek, &kek_len);
    if (rc != 0)
        return rc;
    snprintf(path, sizeof path, "%s/lora.db", host->data_dir);
    l->store = lora_store_open(path, kek, kek_len, err, sizeof err);
    sodium_memzero(kek, sizeof kek);
    l->reg = lora_registry_new();
    l->dedup = lora_dedup_new(l->dedup_ms);
    l->batch = lora_batch_new();
    l->codecs = lora_codecs_new(l, (int)l->codec_workers, (size_t)l->codec_instances);
    if (!l->store) {
        host->log(host, LB_LOG_ERROR, "cannot open the store", "error=\"%s\"", err);
        return LB_EIO;
    }
    if (!l->reg || !l->dedup || !l->batch || !l->codecs)
        return LB_ENOMEM;
    int64_t t0 = lora_mono_ns();
    rc = lora_store_load(l->store, add_loaded, l);
    if (rc != 0) {
        host->log(host, LB_LOG_ERROR, "cannot load devices (is LB_KEK the one they were stored "
                                      "with?)", "error=%s", lb_strerror(rc));
        return rc;
    }
    host->gauge_set(l->devices_gauge, (double)lora_registry_count(l->reg));
    host->log(host, LB_LOG_INFO, "devices loaded", "devices=%zu ms=%lld",
              lora_registry_count(l->reg), (long long)((lora_mono_ns() - t0) / 1000000));
    return lora_api_register(l);
}

static int lora_start(void *state)
{
    lora *l = state;
    int rc = lora_gw_start(l);
    if (rc == 0)
        rc = lora_queue_start(l);
    if (rc == 0)
        l->host->log(l->host, LB_LOG_INFO, "listening", "port=%d udp=1 dedup_ms=%d net_id=%06X",
                     l->udp_port, l->dedup_ms, l->net_id);
    return rc;
}

static int lora_stop(void *state)
{
    lora *l = state;
    lora_queue_stop(l);
    lora_gw_stop(l);
    lora_codecs_free(l->codecs); /* decodes what is queued first */
    l->codecs = NULL;
    return 0;
}

static void lora_destroy(void *state)
{
    lora *l = state;
    if (!l)
        return;
    lora_codecs_free(l->codecs);
    lora_registry_free(l->reg);
    lora_store_close(l->store);
    lora_dedup_free(l->dedup);
    free(l->batch);
    free(l->gws);
    pthread_mutex_destroy(&l->lock);
    pthread_mutex_destroy(&l->gw_lock);
    free(l);
}

static const lb_plugin descriptor = {
    .abi = LB_PLUGIN_ABI,
    .name = LORA_PLUGIN,
    .version = "0.1.0",
    .init = lora_init,
    .start = lora_start,
    .stop = lora_stop,
    .destroy = lora_destroy,
};

LB_PLUGIN_EXPORT const lb_plugin *lb_plugin_entry(void)
{
    return &descriptor;
}
