/* lyrebird-sim's command line: one table of long options (name, kind, where the value goes,
 * its bounds and its help line), parsed with getopt_long, checked, and turned into --help. A
 * bad option is reported as a sentence naming it; the caller exits 2. */
#include "sim.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How an option's argument is read. */
enum kind {
    K_FLAG,   /* bool, no argument */
    K_U32,    /* uint32_t in [min, max] */
    K_U64,    /* uint64_t in [min, max] */
    K_INT,    /* int in [min, max] */
    K_I64,    /* int64_t in [min, max] */
    K_DOUBLE, /* double in [min, max] */
    K_STR,    /* const char *, kept */
    K_EUI,    /* uint64_t from 16 hex digits */
    K_ADDR,   /* uint32_t from 8 hex digits */
    K_KEY,    /* 16 bytes from 32 hex digits */
    K_SERVER,
    K_MODE,
    K_MAC,
    K_REGION,
    K_PAYLOAD,
    K_HELP,
};

typedef struct opt_row {
    const char *name;
    int kind;
    size_t off;
    double min, max;
    const char *arg; /* argument name in --help */
    const char *help;
} opt_row;

#define F(m) offsetof(sim_opts, m)

static const opt_row rows[] = {
    {"server", K_SERVER, 0, 0, 0, "HOST:PORT", "network server, Semtech UDP (127.0.0.1:1700)"},
    {"gateways", K_U32, F(gateways), 1, SIM_MAX_GATEWAYS, "N", "gateways, one UDP socket each (1)"},
    {"hear", K_U32, F(hear), 1, SIM_MAX_GATEWAYS, "K",
     "gateways hearing each frame (all): the K best; gateway g has rank\n"
     "r = (g - G) mod N and reports lsnr 9.5-3r dB, rssi -60-10r dBm"},
    {"best", K_U32, F(best), 0, SIM_MAX_GATEWAYS - 1, "G", "the gateway with the best signal (0)"},
    {"devices", K_U32, F(devices), 1, SIM_MAX_DEVICES, "M", "class A devices (1)"},
    {"mode", K_MODE, 0, 0, 0, "abp|otaa", "activation (abp)"},
    {"mac", K_MAC, 0, 0, 0, "1.0.3|1.0.4|1.1", "LoRaWAN version (1.0.3)"},
    {"region", K_REGION, 0, 0, 0, "EU868|US915",
     "region (EU868) - EU868: DR5 on 868.1/868.3/868.5 MHz;\n"
     "US915: DR3 on sub-band 2 (903.9-905.3 MHz)"},
    {"uplinks", K_U64, F(uplinks), 0, 1e15, "U", "uplinks per device; 0 = until --duration (1)"},
    {"duration", K_DOUBLE, F(duration_s), 0, 1e9, "S", "stop sending after S seconds (none)"},
    {"rate", K_DOUBLE, F(rate), 0, 1e8, "R",
     "total uplinks/s; 0 = as fast as the PUSH_ACK window allows (0)"},
    {"window", K_U32, F(window), 0, 1e7, "W",
     "PUSH_DATA awaiting PUSH_ACK before sending pauses; 0 = no limit\n"
     "(128)"},
    {"adr", K_FLAG, F(adr), 0, 0, NULL,
     "set the ADR bit; LinkADRReq is accepted (LinkADRAns with every ACK bit)"},
    {"confirmed", K_FLAG, F(confirmed), 0, 0, NULL,
     "confirmed uplinks; a device waits for the answer (or the end of its\n"
     "RX2 window) before its next uplink"},
    {"fport", K_INT, F(fport), 0, 255, "P", "FPort (10)"},
    {"payload", K_PAYLOAD, 0, 0, 0, "HEX", "FRMPayload (a 4-byte big-endian counter = FCnt)"},
    {"gw-eui-base", K_EUI, F(gw_eui_base), 0, 0, "HEX", "gateway g is base+g (AA555A0000000000)"},
    {"dev-eui-base", K_EUI, F(dev_eui_base), 0, 0, "HEX", "device i is base+i (0080000000000000)"},
    {"join-eui", K_EUI, F(join_eui), 0, 0, "HEX", "JoinEUI (70B3D57ED0000000)"},
    {"addr-base", K_ADDR, F(addr_base), 0, 0, "HEX",
     "ABP DevAddr of device i is base+i (26000000)"},
    {"key-seed", K_KEY, F(key_seed), 0, 0, "HEX32",
     "seed of every key (2B7E151628AED2A6ABF7158809CF4F3C):\n"
     "key = AES128-encrypt(seed, P | DevEUI (big-endian) | 7 zero bytes)\n"
     "P = 01 AppKey, 02 NwkKey (1.1), 03 NwkSKey (1.0) = FNwkSIntKey (1.1),\n"
     "04 SNwkSIntKey, 05 NwkSEncKey, 06 AppSKey (03-06 for ABP)"},
    {"state", K_STR, F(state_path), 0, 0, "FILE",
     "per-device state (session, DevAddr, FCntUp, DevNonces, FCntDown\n"
     "seen): loaded if FILE exists, saved at exit, so a second run goes on\n"
     "where the first stopped"},
    {"rejoin", K_FLAG, F(rejoin), 0, 0, NULL, "OTAA: join even when the state holds a session"},
    {"wait-downlink", K_INT, F(wait_downlink_ms), 0, 3600000, "MS",
     "after the last uplink, wait this long for downlinks (3000 with\n"
     "--confirmed or OTAA, else 500)"},
    {"batch", K_U32, F(batch), 1, SM_MAX_RXPK, "B", "rxpk per PUSH_DATA (1)"},
    {"pull-interval", K_DOUBLE, F(pull_interval_s), 0.05, 3600, "S", "PULL_DATA keep-alive (5)"},
    {"tx-lead-ms", K_INT, F(tx_lead_ms), 0, 60000, "L",
     "a downlink arriving less than L ms before its tmst gets TX_ACK\n"
     "TOO_LATE (30: TX_JIT_DELAY of Semtech's SX1301 lora_pkt_fwd; 53 acts\n"
     "like sx1302_hal's, which refuses below 50 + 1.5 + 1 ms)"},
    {"json", K_FLAG, F(json), 0, 0, NULL, "print the summary as JSON on stdout"},
    {"log-downlinks", K_FLAG, F(log_downlinks), 0, 0, NULL,
     "print one JSON line per downlink on stdout"},
    {"replay", K_FLAG, F(replay), 0, 0, NULL,
     "test: resend each uplink's PHYPayload once, 400 ms later, from the\n"
     "same gateways (the server must refuse it)"},
    {"bad-mic", K_FLAG, F(bad_mic), 0, 0, NULL, "test: flip a MIC bit in every uplink"},
    {"dev-nonce", K_INT, F(dev_nonce), 0, 65535, "N",
     "test: OTAA joins use this DevNonce instead of the next one\n"
     "(implies --rejoin)"},
    {"fcnt", K_I64, F(fcnt), 0, 4294967295.0, "F", "test: start FCntUp at F"},
    {"print-devices", K_FLAG, F(print_devices), 0, 0, NULL,
     "print each device's POST /lora/devices body (a JSON line) and exit"},
    {"register", K_STR, F(register_url), 0, 0, "URL",
     "first POST each device to URL/lora/devices (201 or 409: fine)"},
    {"token", K_STR, F(token), 0, 0, "T", "user token for --register"},
    {"channel", K_STR, F(channel), 0, 0, "C", "channel_id of the registered devices"},
    {"help", K_HELP, 0, 0, 0, NULL, "print this text"},
};

#define N_ROWS (sizeof rows / sizeof rows[0])

/* The MAC versions the simulator plays, by the names --mac takes. */
static const struct mac_row {
    const char *name;
    int version;
} macs[] = {{"1.0.3", LW_V1_0_3}, {"1.0.4", LW_V1_0_4}, {"1.1", LW_V1_1}};

const char *sim_mac_name(int mac)
{
    for (size_t i = 0; i < sizeof macs / sizeof macs[0]; i++)
        if (macs[i].version == mac)
            return macs[i].name;
    return "?";
}

int sim_mac_parse(const char *name)
{
    for (size_t i = 0; name && i < sizeof macs / sizeof macs[0]; i++)
        if (strcmp(macs[i].name, name) == 0)
            return macs[i].version;
    return -1;
}

void sim_opts_defaults(sim_opts *o)
{
    static const uint8_t seed[LW_KEY_LEN] = {0x2B, 0x7E, 0x15, 0x16, 0x28, 0xAE, 0xD2, 0xA6,
                                             0xAB, 0xF7, 0x15, 0x88, 0x09, 0xCF, 0x4F, 0x3C};
    memset(o, 0, sizeof *o);
    o->gateways = 1;
    o->devices = 1;
    o->mac = LW_V1_0_3;
    o->region = lw_region_find("EU868");
    o->uplinks = 1;
    o->fport = 10;
    o->gw_eui_base = 0xAA555A0000000000ULL;
    o->dev_eui_base = 0x0080000000000000ULL;
    o->join_eui = 0x70B3D57ED0000000ULL;
    o->addr_base = 0x26000000;
    memcpy(o->key_seed, seed, sizeof seed);
    o->wait_downlink_ms = -1;
    o->batch = 1;
    o->pull_interval_s = 5;
    o->tx_lead_ms = 30;
    o->window = 128;
    o->dev_nonce = -1;
    o->fcnt = -1;
}

int sim_opts_wait_ms(const sim_opts *o)
{
    if (o->wait_downlink_ms >= 0)
        return o->wait_downlink_ms;
    return o->confirmed || o->otaa ? 3000 : 500;
}

void sim_hex(const uint8_t *b, size_t n, char *out)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = 0;
}

static int nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int sim_unhex(const char *s, uint8_t *out, size_t n)
{
    if (strlen(s) != 2 * n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int hi = nibble(s[2 * i]), lo = nibble(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

int sim_hex_u64(const char *s, int digits, uint64_t *out)
{
    size_t len = strlen(s);
    if (len == 0 || len > (size_t)digits)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        int x = nibble(s[i]);
        if (x < 0)
            return -1;
        v = v << 4 | (uint64_t)x;
    }
    *out = v;
    return 0;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* A number in [min, max]; integral unless real. */
static int read_number(const opt_row *r, const char *arg, bool real, double *out, char *err,
                       size_t errlen)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (errno || end == arg || *end || !isfinite(v) || v < r->min || v > r->max ||
        (!real && v != floor(v)))
        return fail(err, errlen, "--%s: '%s' is not a%s number from %g to %g", r->name, arg,
                    real ? "" : " whole", r->min, r->max);
    *out = v;
    return 0;
}

/* --server HOST:PORT ([v6]:PORT too), resolved now. */
static int read_server(sim_opts *o, const char *arg, char *err, size_t errlen)
{
    char host[256];
    const char *colon = strrchr(arg, ':');
    if (!colon || colon == arg || !colon[1] || (size_t)(colon - arg) >= sizeof host)
        return fail(err, errlen, "--server: '%s' is not HOST:PORT", arg);
    size_t hl = (size_t)(colon - arg);
    const char *h = arg;
    if (arg[0] == '[' && hl > 2 && arg[hl - 1] == ']') {
        h++;
        hl -= 2;
    }
    memcpy(host, h, hl);
    host[hl] = 0;
    struct addrinfo hints = {.ai_socktype = SOCK_DGRAM}, *ai = NULL;
    int rc = getaddrinfo(host, colon + 1, &hints, &ai);
    if (rc != 0)
        return fail(err, errlen, "--server: cannot resolve '%s': %s", arg, gai_strerror(rc));
    memcpy(&o->server, ai->ai_addr, ai->ai_addrlen);
    o->server_len = ai->ai_addrlen;
    freeaddrinfo(ai);
    snprintf(o->server_name, sizeof o->server_name, "%s", arg);
    return 0;
}

/* The options whose argument is a word or hex of their own. */
static int read_special(sim_opts *o, const opt_row *r, const char *arg, char *err, size_t errlen)
{
    switch (r->kind) {
    case K_SERVER:
        return read_server(o, arg, err, errlen);
    case K_MODE:
        if (strcmp(arg, "abp") != 0 && strcmp(arg, "otaa") != 0)
            return fail(err, errlen, "--mode: '%s' is not abp or otaa", arg);
        o->otaa = arg[0] == 'o';
        return 0;
    case K_MAC:
        o->mac = sim_mac_parse(arg);
        if (o->mac < 0)
            return fail(err, errlen, "--mac: '%s' is not 1.0.3, 1.0.4 or 1.1", arg);
        return 0;
    case K_REGION:
        o->region = lw_region_find(arg);
        if (!o->region || (strcmp(o->region->name, "EU868") && strcmp(o->region->name, "US915")))
            return fail(err, errlen, "--region: '%s' is not EU868 or US915", arg);
        return 0;
    case K_PAYLOAD: {
        size_t n = strlen(arg) / 2;
        if (n > SIM_MAX_PAYLOAD || sim_unhex(arg, o->payload, n) < 0)
            return fail(err, errlen, "--payload: '%s' is not hex of at most %d bytes", arg,
                        SIM_MAX_PAYLOAD);
        o->payload_len = n;
        o->has_payload = true;
        return 0;
    }
    }
    return fail(err, errlen, "--%s: unknown option kind", r->name);
}

/* Stores arg for row r into o. */
static int apply(sim_opts *o, const opt_row *r, const char *arg, char *err, size_t errlen)
{
    char *field = (char *)o + r->off;
    double v = 0;
    uint64_t u;
    switch (r->kind) {
    case K_FLAG:
        *(bool *)field = true;
        return 0;
    case K_STR:
        *(const char **)field = arg;
        return 0;
    case K_U32:
    case K_U64:
    case K_INT:
    case K_I64:
    case K_DOUBLE:
        if (read_number(r, arg, r->kind == K_DOUBLE, &v, err, errlen) < 0)
            return -1;
        if (r->kind == K_U32)
            *(uint32_t *)field = (uint32_t)v;
        else if (r->kind == K_U64)
            *(uint64_t *)field = (uint64_t)v;
        else if (r->kind == K_INT)
            *(int *)field = (int)v;
        else if (r->kind == K_I64)
            *(int64_t *)field = (int64_t)v;
        else
            *(double *)field = v;
        return 0;
    case K_EUI:
    case K_ADDR:
        if (sim_hex_u64(arg, r->kind == K_EUI ? 16 : 8, &u) < 0)
            return fail(err, errlen, "--%s: '%s' is not hex of at most %d digits", r->name, arg,
                        r->kind == K_EUI ? 16 : 8);
        if (r->kind == K_EUI)
            *(uint64_t *)field = u;
        else
            *(uint32_t *)field = (uint32_t)u;
        return 0;
    case K_KEY:
        if (sim_unhex(arg, (uint8_t *)field, LW_KEY_LEN) < 0)
            return fail(err, errlen, "--%s: '%s' is not 32 hex digits", r->name, arg);
        return 0;
    }
    return read_special(o, r, arg, err, errlen);
}

static void print_help(void)
{
    printf("lyrebird-sim - LoRaWAN gateways and class A devices against a network server\n\n"
           "usage: lyrebird sim [options]   (or lyrebird-sim [options])\n\n"
           "Plays N Semtech UDP packet-forwarder gateways and M devices (ABP or OTAA) sending\n"
           "U uplinks each; prints a summary on stderr (and JSON on stdout with --json).\n"
           "Exit status: 0 when it ran, 1 when it could not, 2 on bad options.\n\noptions:\n");
    for (size_t i = 0; i < N_ROWS; i++) {
        const opt_row *r = &rows[i];
        char left[48];
        snprintf(left, sizeof left, "--%s%s%s", r->name, r->arg ? " " : "", r->arg ? r->arg : "");
        printf("  %-26s ", left);
        for (const char *p = r->help; *p; p++) {
            putchar(*p);
            if (*p == '\n')
                printf("  %-26s ", "");
        }
        putchar('\n');
    }
}

/* Cross-option checks once everything is read. */
static int check(sim_opts *o, char *err, size_t errlen)
{
    if (o->hear == 0)
        o->hear = o->gateways;
    if (o->hear > o->gateways)
        return fail(err, errlen, "--hear %u: only %u gateway(s)", o->hear, o->gateways);
    if (o->best >= o->gateways)
        return fail(err, errlen, "--best %u: gateways are numbered 0 to %u", o->best,
                    o->gateways - 1);
    if (o->register_url && !o->token)
        return fail(err, errlen, "--register needs --token");
    if (o->dev_nonce >= 0)
        o->rejoin = true;
    if ((uint64_t)o->devices + o->addr_base > 0x100000000ULL)
        return fail(err, errlen, "--addr-base %08X + %u devices passes FFFFFFFF", o->addr_base,
                    o->devices);
    sim_radio radio;
    sim_radio_for(o->region, 0, &radio);
    int max = lw_region_max_payload(o->region, radio.dr, 0);
    if (o->has_payload && (int)o->payload_len > max)
        return fail(err, errlen, "--payload: %zu bytes, %s DR%u carries at most %d", o->payload_len,
                    o->region->name, radio.dr, max);
    return 0;
}

int sim_opts_parse(int argc, char **argv, sim_opts *o, char *err, size_t errlen)
{
    struct option longopts[N_ROWS + 1];
    sim_opts_defaults(o);
    if (!o->region)
        return fail(err, errlen, "the region table has no EU868");
    for (size_t i = 0; i < N_ROWS; i++)
        longopts[i] = (struct option){
            rows[i].name,
            rows[i].kind == K_FLAG || rows[i].kind == K_HELP ? no_argument : required_argument,
            NULL, (int)i + 256};
    longopts[N_ROWS] = (struct option){0};
    if (read_server(o, "127.0.0.1:1700", err, errlen) < 0)
        return -1;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        if (c == ':')
            return fail(err, errlen, "%s needs a value", argv[optind - 1]);
        if (c < 256 && c != 'h')
            return fail(err, errlen, "unknown option '%s'", argv[optind - 1]);
        if (c == 'h' || rows[c - 256].kind == K_HELP) {
            print_help();
            return 1;
        }
        if (apply(o, &rows[c - 256], optarg, err, errlen) < 0)
            return -1;
    }
    if (optind < argc)
        return fail(err, errlen, "unexpected argument '%s'", argv[optind]);
    return check(o, err, errlen);
}
