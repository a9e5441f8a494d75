/* The Semtech UDP packet forwarder protocol, version 2: parsing and building of its six
 * datagrams (semtech.h lists them), with jansson for the JSON and libsodium for base64. No
 * sockets and no globals: every function works only on the buffers it is given.
 *
 * Facts from Semtech's packet_forwarder PROTOCOL.md (protocol version 2) and the sx1302_hal
 * packet forwarder's PROTOCOL.md and lora_pkt_fwd.c, which add "rssis", "foff", "mid", "jver"
 * to rxpk, "temp" to stat, and "warn"/"value" to txpk_ack. Multi-antenna gateways (Kerlink
 * iBTS and others) send "rsig":[{"ant","chan","rssic","lsnr",...}] in place of "rssi" and
 * "lsnr", as ChirpStack's gateway bridge (internal/backend/semtechudp/packets) reads them.
 *
 * Byte order: the token is read and written little-endian, as ChirpStack does (it is opaque to
 * both sides and only echoed back); the gateway EUI is big-endian, as it is printed.
 *
 * Parsing is strict about what the network server acts on (timestamps, frequency, data rate,
 * sizes, payload) and ignores the fields it does not use ("tmms", "foff", "brd", "ant",
 * "temp", ...). The PUSH_DATA path does one json_loadb and direct json_object_get lookups;
 * it never clears the whole sm_packet (about 10 KB), only what it fills. */
#include "semtech.h"

#include <jansson.h>
#include <sodium.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define HDR_SHORT 4  /* version, token, type */
#define HDR_LONG  12 /* ... and the gateway EUI */

/* Sub-GHz concentrator radios tune 137..1020 MHz (SX1257 862-1020, SX1255 400-510, SX1250
 * 150-960); anything else is not a frequency a packet was heard or can be sent on. */
#define FREQ_MIN_HZ 137000000u
#define FREQ_MAX_HZ 1020000000u
#define FSK_MIN_BPS 500 /* SX1301 FSK modem: 500 bit/s .. 250 kbit/s */
#define FSK_MAX_BPS 250000
#define RSSI_MIN    -250.0 /* dBm */
#define RSSI_MAX    50.0
#define LSNR_MIN    -50.0 /* dB */
#define LSNR_MAX    50.0
#define POWE_MIN    -20 /* dBm */
#define POWE_MAX    40
#define B64_MAX     340          /* base64 of SM_MAX_DATA bytes, padded: 255 / 3 * 4 */
#define QUOTE_MAX   40           /* characters of a bad value quoted in an error */
#define TIME_MAX_S  7258118400LL /* 2200-01-01T00:00:00Z: later "time"s are refused */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef int (*body_parser)(const uint8_t *json, size_t n, sm_packet *p, char *err, size_t errlen);
static int parse_push_data(const uint8_t *json, size_t n, sm_packet *p, char *err, size_t errlen);
static int parse_pull_resp(const uint8_t *json, size_t n, sm_packet *p, char *err, size_t errlen);
static int parse_tx_ack(const uint8_t *json, size_t n, sm_packet *p, char *err, size_t errlen);

/* Each packet type: its name, its header length (with or without the EUI), whether a JSON
 * body may follow, and what reads that body. */
static const struct kind {
    const char *name;
    size_t header;
    bool body;
    body_parser parse;
} kinds[] = {
    [SM_PUSH_DATA] = {"PUSH_DATA", HDR_LONG, true, parse_push_data},
    [SM_PUSH_ACK] = {"PUSH_ACK", HDR_SHORT, false, NULL},
    [SM_PULL_DATA] = {"PULL_DATA", HDR_LONG, false, NULL},
    [SM_PULL_RESP] = {"PULL_RESP", HDR_SHORT, true, parse_pull_resp},
    [SM_PULL_ACK] = {"PULL_ACK", HDR_SHORT, false, NULL},
    [SM_TX_ACK] = {"TX_ACK", HDR_LONG, true, parse_tx_ack},
};

/* LoRa coding rates a forwarder reports; sx1302's lora_pkt_fwd says "OFF" for CR 0 (false
 * syncs). A parsed txpk points its codr at these strings. */
static const char *const codr_names[] = {"4/5", "4/6", "4/7", "4/8", "OFF"};

/* ---- errors ---- */

static int errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int errf(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Where a field sits, so an error can name it: rxpk[2].datr, stat.rxnb, txpk.freq. */
typedef struct where {
    const char *obj; /* "rxpk", "stat", "txpk", "txpk_ack" */
    int idx;         /* index in the rxpk array, or -1 */
    char *err;
    size_t errlen;
} where;

static int fail(const where *w, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(const where *w, const char *key, const char *fmt, ...)
{
    if (!w->err || w->errlen == 0)
        return -1;
    char at[48];
    if (w->idx >= 0)
        snprintf(at, sizeof at, "%s[%d]", w->obj, w->idx);
    else
        snprintf(at, sizeof at, "%s", w->obj);
    int n = snprintf(w->err, w->errlen, "%s%s%s ", at, key ? "." : "", key ? key : "");
    if (n >= 0 && (size_t)n < w->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(w->err + n, w->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* A hostile string made safe to quote: at most QUOTE_MAX printable ASCII characters, others
 * (and quotes) shown as '?', "..." when cut. */
static const char *quote(const char *s, size_t n, char out[QUOTE_MAX + 4])
{
    size_t k = 0;
    for (; k < n && k < QUOTE_MAX; k++) {
        unsigned char c = (unsigned char)s[k];
        out[k] = c >= 0x20 && c < 0x7f && c != '"' ? (char)c : '?';
    }
    if (n > QUOTE_MAX) {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k] = '\0';
    return out;
}

/* An error name as TX_ACK carries it: 1..23 of A-Z, 0-9, '_'. */
static bool is_name(const char *s, size_t n)
{
    if (n == 0 || n >= sizeof((sm_packet *)0)->tx_error)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

/* ---- field readers: 1 when key holds a good value (in *out), 0 when it is absent and
 * optional (*out is then zero), -1 with a sentence in err when missing or bad ---- */

static int absent(const where *w, const char *key, bool required)
{
    return required ? fail(w, key, "is missing") : 0;
}

static int get_uint(const where *w, json_t *o, const char *key, bool required, uint64_t max,
                    uint64_t *out)
{
    json_t *v = json_object_get(o, key);
    *out = 0;
    if (!v)
        return absent(w, key, required);
    json_int_t i = json_is_integer(v) ? json_integer_value(v) : -1;
    if (i < 0 || (uint64_t)i > max)
        return fail(w, key, "is not an integer in 0..%" PRIu64, max);
    *out = (uint64_t)i;
    return 1;
}

static int get_num(const where *w, json_t *o, const char *key, bool required, double min,
                   double max, double *out)
{
    json_t *v = json_object_get(o, key);
    *out = 0;
    if (!v)
        return absent(w, key, required);
    if (!json_is_number(v))
        return fail(w, key, "is not a number");
    double d = json_number_value(v);
    if (!(d >= min && d <= max))
        return fail(w, key, "%g is out of range (%g..%g)", d, min, max);
    *out = d;
    return 1;
}

static int get_str(const where *w, json_t *o, const char *key, bool required, const char **s,
                   size_t *n)
{
    json_t *v = json_object_get(o, key);
    *s = "";
    *n = 0;
    if (!v)
        return absent(w, key, required);
    if (!json_is_string(v))
        return fail(w, key, "is not a string");
    *s = json_string_value(v);
    *n = json_string_length(v);
    return 1;
}

static int get_bool(const where *w, json_t *o, const char *key, bool *out)
{
    json_t *v = json_object_get(o, key);
    *out = false;
    if (!v)
        return 0;
    if (!json_is_boolean(v))
        return fail(w, key, "is not true or false");
    *out = json_is_true(v);
    return 1;
}

static int16_t round16(double d)
{
    return (int16_t)(d < 0 ? d - 0.5 : d + 0.5);
}

/* "freq" in MHz (Hz precision) to Hz, within the radios' range. */
static int get_freq(const where *w, json_t *o, uint32_t *hz)
{
    json_t *v = json_object_get(o, "freq");
    if (!v)
        return fail(w, "freq", "is missing");
    if (!json_is_number(v))
        return fail(w, "freq", "is not a number (MHz)");
    double mhz = json_number_value(v);
    if (!(mhz >= FREQ_MIN_HZ / 1e6 && mhz <= FREQ_MAX_HZ / 1e6))
        return fail(w, "freq", "%.6f MHz is out of range (%u..%u MHz)", mhz, FREQ_MIN_HZ / 1000000,
                    FREQ_MAX_HZ / 1000000);
    *hz = (uint32_t)(mhz * 1e6 + 0.5);
    return 1;
}

/* "SF<7..12>BW<125|250|500>", nothing else. */
static int parse_lora_datr(const char *s, size_t n, uint8_t *sf, uint16_t *bw)
{
    size_t i = 2;
    unsigned f = 0, b = 0;
    if (n < 8 || s[0] != 'S' || s[1] != 'F')
        return -1;
    for (; i < n && i < 4 && s[i] >= '0' && s[i] <= '9'; i++)
        f = f * 10 + (unsigned)(s[i] - '0');
    if (i == 2 || i + 5 != n || s[i] != 'B' || s[i + 1] != 'W')
        return -1;
    for (i += 2; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        b = b * 10 + (unsigned)(s[i] - '0');
    if (i != n || f < 7 || f > 12 || (b != 125 && b != 250 && b != 500))
        return -1;
    *sf = (uint8_t)f;
    *bw = (uint16_t)b;
    return 0;
}

/* "modu" and "datr": LORA with "SF7BW125"-style rates, FSK with bits per second. */
static int get_datr(const where *w, json_t *o, bool *lora, uint8_t *sf, uint16_t *bw, uint32_t *bps)
{
    const char *modu;
    size_t mn;
    char q[QUOTE_MAX + 4];
    if (get_str(w, o, "modu", true, &modu, &mn) < 0)
        return -1;
    json_t *d = json_object_get(o, "datr");
    if (!d)
        return fail(w, "datr", "is missing");
    if (mn == 4 && memcmp(modu, "LORA", 4) == 0) {
        *lora = true;
        if (!json_is_string(d))
            return fail(w, "datr", "is not a string like \"SF7BW125\" (modu is LORA)");
        const char *s = json_string_value(d);
        size_t n = json_string_length(d);
        if (parse_lora_datr(s, n, sf, bw) != 0)
            return fail(w, "datr", "\"%s\" is not SF7..SF12 with BW125/250/500", quote(s, n, q));
        return 1;
    }
    if (mn == 3 && memcmp(modu, "FSK", 3) == 0) {
        *lora = false;
        json_int_t r = json_is_integer(d) ? json_integer_value(d) : -1;
        if (r < FSK_MIN_BPS || r > FSK_MAX_BPS)
            return fail(w, "datr", "is not an FSK bit rate in %d..%d bit/s (modu is FSK)",
                        FSK_MIN_BPS, FSK_MAX_BPS);
        *bps = (uint32_t)r;
        return 1;
    }
    return fail(w, "modu", "\"%s\" is neither \"LORA\" nor \"FSK\"", quote(modu, mn, q));
}

/* "codr" (optional): one of codr_names, returned as that table's string. */
static int get_codr(const where *w, json_t *o, const char **codr)
{
    const char *s;
    size_t n;
    char q[QUOTE_MAX + 4];
    int rc = get_str(w, o, "codr", false, &s, &n);
    *codr = NULL;
    if (rc <= 0)
        return rc;
    for (size_t i = 0; i < COUNT(codr_names); i++)
        if (strlen(codr_names[i]) == n && memcmp(codr_names[i], s, n) == 0) {
            *codr = codr_names[i];
            return 1;
        }
    return fail(w, "codr", "\"%s\" is not 4/5, 4/6, 4/7, 4/8 or OFF", quote(s, n, q));
}

/* "size" and "data" (base64, padded or not), which must agree. */
static int get_data(const where *w, json_t *o, uint8_t data[SM_MAX_DATA], uint16_t *size)
{
    uint64_t sz;
    const char *s;
    size_t n, got = 0;
    if (get_uint(w, o, "size", true, UINT32_MAX, &sz) < 0)
        return -1;
    if (sz > SM_MAX_DATA)
        return fail(w, "size", "%" PRIu64 " is more than %d bytes", sz, SM_MAX_DATA);
    if (get_str(w, o, "data", true, &s, &n) < 0)
        return -1;
    if (n > B64_MAX)
        return fail(w, "data", "is longer than %d bytes", SM_MAX_DATA);
    /* padded base64 comes in blocks of 4; unpadded text needs the no-padding variant */
    int variant =
        n % 4 == 0 ? sodium_base64_VARIANT_ORIGINAL : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
    if (sodium_base642bin(data, SM_MAX_DATA, s, n, NULL, &got, NULL, variant) != 0)
        return fail(w, "data", "is not base64");
    if (got != sz)
        return fail(w, "size", "%" PRIu64 " does not match the %zu bytes of data", sz, got);
    *size = (uint16_t)sz;
    return 1;
}

/* ---- time: ISO 8601 UTC, "2013-03-31T16:21:17.528002Z" ---- */

static bool num(const char *s, size_t at, size_t k, unsigned *v)
{
    unsigned x = 0;
    for (size_t i = at; i < at + k; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        x = x * 10 + (unsigned)(s[i] - '0');
    }
    *v = x;
    return true;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Howard Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static unsigned days_in_month(unsigned y, unsigned m)
{
    static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return mdays[m - 1] + (m == 2 && leap);
}

/* YYYY-MM-DDTHH:MM:SS[.fraction] then Z or +HH:MM / -HH:MM, for an instant from 1970 up to
 * 2200 UTC; the fraction is kept to the nanosecond (further digits are read and dropped). */
static int parse_time(const char *s, size_t n, int64_t *ns)
{
    unsigned y, mo, d, h, mi, se, oh = 0, om = 0;
    if (n < 20 || !num(s, 0, 4, &y) || s[4] != '-' || !num(s, 5, 2, &mo) || s[7] != '-' ||
        !num(s, 8, 2, &d) || s[10] != 'T' || !num(s, 11, 2, &h) || s[13] != ':' ||
        !num(s, 14, 2, &mi) || s[16] != ':' || !num(s, 17, 2, &se))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 59)
        return -1;
    size_t i = 19;
    int64_t frac = 0, scale = 100000000;
    if (s[i] == '.') {
        size_t start = ++i;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, scale /= 10)
            frac += scale * (s[i] - '0');
        if (i == start)
            return -1;
    }
    int sign;
    if (i + 1 == n && s[i] == 'Z')
        sign = 0;
    else if (i + 6 == n && (s[i] == '+' || s[i] == '-') && num(s, i + 1, 2, &oh) &&
             s[i + 3] == ':' && num(s, i + 4, 2, &om) && oh <= 23 && om <= 59)
        sign = s[i] == '+' ? 1 : -1;
    else
        return -1; /* no zone, or something after it */
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se -
                   sign * (int64_t)(oh * 3600 + om * 60);
    if (secs < 0 || secs >= TIME_MAX_S)
        return -1;
    *ns = secs * 1000000000 + frac;
    return 0;
}

static int get_time(const where *w, json_t *o, sm_rxpk *rx)
{
    const char *s;
    size_t n;
    char q[QUOTE_MAX + 4];
    int rc = get_str(w, o, "time", false, &s, &n);
    if (rc <= 0)
        return rc;
    if (parse_time(s, n, &rx->time_unix_ns) != 0)
        return fail(w, "time", "\"%s\" is not an ISO 8601 UTC time like 2013-03-31T16:21:17.528Z",
                    quote(s, n, q));
    rx->has_time = true;
    return 1;
}

/* ---- rxpk, stat ---- */

/* Multi-antenna gateways: "rsig":[{"rssic":..,"lsnr":..}, ...] in place of rssi and lsnr;
 * the strongest antenna is kept. */
static int get_rsig(const where *w, json_t *o, sm_rxpk *rx)
{
    json_t *a = json_object_get(o, "rsig");
    if (!a)
        return 0;
    size_t n = json_is_array(a) ? json_array_size(a) : 0;
    if (n == 0)
        return fail(w, "rsig", "is not a non-empty array");
    double best = RSSI_MIN - 1, snr_best = 0;
    for (size_t i = 0; i < n; i++) {
        char key[32];
        double rssi, snr;
        json_t *e = json_array_get(a, i);
        snprintf(key, sizeof key, "rsig[%zu]", i);
        if (!json_is_object(e))
            return fail(w, key, "is not an object");
        if (get_num(w, e, "rssic", true, RSSI_MIN, RSSI_MAX, &rssi) < 0)
            return fail(w, key, "has no rssic in %g..%g dBm", RSSI_MIN, RSSI_MAX);
        if (get_num(w, e, "lsnr", false, LSNR_MIN, LSNR_MAX, &snr) < 0)
            return fail(w, key, "has an lsnr that is not a number in %g..%g dB", LSNR_MIN,
                        LSNR_MAX);
        if (rssi > best) {
            best = rssi;
            snr_best = snr;
        }
    }
    rx->rssi = round16(best);
    rx->lsnr = (float)snr_best;
    return 1;
}

/* The signal: "rssi" and "lsnr" (LoRa only), or "rsig" when there is no "rssi". */
static int get_signal(const where *w, json_t *o, sm_rxpk *rx)
{
    double rssi, snr;
    int rc = get_num(w, o, "rssi", false, RSSI_MIN, RSSI_MAX, &rssi);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return get_rsig(w, o, rx);
    rx->rssi = round16(rssi);
    if (get_num(w, o, "lsnr", false, LSNR_MIN, LSNR_MAX, &snr) < 0)
        return -1;
    rx->lsnr = (float)snr;
    return 1;
}

static int parse_rxpk(json_t *o, int idx, sm_rxpk *rx, char *err, size_t errlen)
{
    where w = {"rxpk", idx, err, errlen};
    uint64_t tmst, chan, rfch;
    const char *codr;
    if (!json_is_object(o))
        return fail(&w, NULL, "is not an object");
    memset(rx, 0, offsetof(sm_rxpk, data));
    if (get_uint(&w, o, "tmst", true, UINT32_MAX, &tmst) < 0 || get_time(&w, o, rx) < 0 ||
        get_freq(&w, o, &rx->freq_hz) < 0 || get_uint(&w, o, "chan", false, UINT8_MAX, &chan) < 0 ||
        get_uint(&w, o, "rfch", false, UINT8_MAX, &rfch) < 0)
        return -1;
    json_t *st = json_object_get(o, "stat");
    json_int_t stat = st && json_is_integer(st) ? json_integer_value(st) : 0;
    if (st && (!json_is_integer(st) || stat < -1 || stat > 1))
        return fail(&w, "stat", "is not 1 (CRC OK), -1 (CRC bad) or 0 (no CRC)");
    if (get_datr(&w, o, &rx->lora, &rx->sf, &rx->bw_khz, &rx->fsk_bitrate) < 0 ||
        get_codr(&w, o, &codr) < 0 || get_signal(&w, o, rx) < 0 ||
        get_data(&w, o, rx->data, &rx->size) < 0)
        return -1;
    rx->tmst = (uint32_t)tmst;
    rx->chan = (uint8_t)chan;
    rx->rfch = (uint8_t)rfch;
    rx->stat = (int8_t)stat;
    if (codr && rx->lora)
        memcpy(rx->codr, codr, strlen(codr) + 1);
    return 0;
}

/* stat counters, all optional unsigned 32-bit integers */
static const struct {
    const char *key;
    size_t off;
} stat_counters[] = {
    {"rxnb", offsetof(sm_stat, rxnb)}, {"rxok", offsetof(sm_stat, rxok)},
    {"rxfw", offsetof(sm_stat, rxfw)}, {"dwnb", offsetof(sm_stat, dwnb)},
    {"txnb", offsetof(sm_stat, txnb)},
};

static int parse_stat(json_t *o, sm_stat *st, char *err, size_t errlen)
{
    where w = {"stat", -1, err, errlen};
    double alt;
    uint64_t u;
    if (!json_is_object(o))
        return fail(&w, NULL, "is not an object");
    memset(st, 0, sizeof *st);
    int lat = get_num(&w, o, "lati", false, -90, 90, &st->lat);
    int lon = lat < 0 ? -1 : get_num(&w, o, "long", false, -180, 180, &st->lon);
    if (lon < 0 || get_num(&w, o, "alti", false, -20000, 100000, &alt) < 0 ||
        get_num(&w, o, "ackr", false, 0, 100, &st->ackr) < 0)
        return -1;
    st->has_location = lat && lon;
    st->alt = (int32_t)(alt < 0 ? alt - 0.5 : alt + 0.5);
    for (size_t i = 0; i < COUNT(stat_counters); i++) {
        if (get_uint(&w, o, stat_counters[i].key, false, UINT32_MAX, &u) < 0)
            return -1;
        *(uint32_t *)((char *)st + stat_counters[i].off) = (uint32_t)u;
    }
    return 0;
}

/* ---- datagram bodies ---- */

/* Loads the JSON object after the header; NULL with err set when it is not one. */
static json_t *load_object(const char *what, const uint8_t *json, size_t n, size_t header,
                           char *err, size_t errlen)
{
    json_error_t jerr;
    if (n == 0) {
        errf(err, errlen, "%s has no JSON object after its %zu-byte header", what, header);
        return NULL;
    }
    json_t *root = json_loadb((const char *)json, n, 0, &jerr);
    if (!root) {
        for (char *c = jerr.text; *c; c++) /* it quotes the input near the error */
            if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
                *c = '?';
        errf(err, errlen, "%s JSON is invalid at byte %d: %s", what, jerr.position + (int)header,
             jerr.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        errf(err, errlen, "%s JSON is not an object", what);
        json_decref(root);
        return NULL;
    }
    return root;
}

static int parse_push_data(const uint8_t *json, size_t n, sm_packet *p, char *err, size_t errlen)
{
    int rc = -1;
    json_t *root = load_object("PUSH_DATA", json, n, HDR_LONG, err, errlen);
    if (!root)
        return -1;
    json_t *rxpk = json_object_get(root, "rxpk");
    json_t *stat = json_object_get(root, "stat");
    if (rxpk) {
        if (!json_is_array(rxpk)) {
            errf(err, errlen, "rxpk is not an array");
            goto out;
        }
        size_t count = json_array_size(rxpk);
        if (count > SM_MAX_RXPK) {
            errf(err, errlen, "rxpk has %zu packets, more than %d", count, SM_MAX_RXPK);
            goto out;
        }
        for (size_t i = 0; i < count; i++)
            if (parse_rxpk(json_array_get(rxpk, i), (int)i, &p->rxpk[i], err, errlen) != 0)
                goto out;
        p->n_rxpk = count;
    }
    if (stat) {
        if (parse_stat(stat, &p->stat, err, errlen) != 0)
            goto out;
        p->has_stat = true;
    }
    rc = 0;
out:
    if (rc != 0) {
        p->n_rxpk = 0;
        p->has_stat = false;
    }
    json_decref(root);
    return rc;
}

/* txpk: what Semtech's lora_pkt_fwd requires (freq, rfch, modu, datr, codr for LoRa, size,
 * data, and imme or a time) is required here too; powe, ipol and ncrc are optional. */
static int parse_txpk(json_t *o, sm_packet *p, char *err, size_t errlen)
{
    where w = {"txpk", -1, err, errlen};
    sm_txpk *tx = &p->txpk;
    uint64_t tmst, rfch;
    double powe;
    if (!json_is_object(o))
        return fail(&w, NULL, "is not an object");
    int has_tmst = get_uint(&w, o, "tmst", false, UINT32_MAX, &tmst);
    if (has_tmst < 0 || get_bool(&w, o, "imme", &tx->imme) < 0)
        return -1;
    if (!tx->imme && has_tmst == 0)
        return fail(&w, "tmst", "is missing and \"imme\" is not true");
    if (get_freq(&w, o, &tx->freq_hz) < 0 || get_uint(&w, o, "rfch", true, UINT8_MAX, &rfch) < 0 ||
        get_num(&w, o, "powe", false, POWE_MIN, POWE_MAX, &powe) < 0 ||
        get_datr(&w, o, &tx->lora, &tx->sf, &tx->bw_khz, &tx->fsk_bitrate) < 0 ||
        get_codr(&w, o, &tx->codr) < 0 || get_bool(&w, o, "ipol", &tx->ipol) < 0 ||
        get_bool(&w, o, "ncrc", &tx->ncrc) < 0 || get_data(&w, o, p->txpk_data, &tx->size) < 0)
        return -1;
    if (tx->lora && !tx->codr)
        return fail(&w, "codr", "is missing (modu is LORA)");
    if (powe != (int)powe)
        return fail(&w, "powe", "%g is not a whole number of dBm", powe);
    tx->tmst = (uint32_t)tmst;
    tx->rfch = (uint8_t)rfch;
    tx->powe = (int8_t)powe;
    tx->data = p->txpk_data;
    return 0;
}

static int parse_pull_resp(const uint8_t *json, size_t n, sm_packet *p, char *err, size_t errlen)
{
    json_t *root = load_object("PULL_RESP", json, n, HDR_SHORT, err, errlen);
    if (!root)
        return -1;
    json_t *txpk = json_object_get(root, "txpk");
    int rc = txpk ? parse_txpk(txpk, p, err, errlen)
                  : errf(err, errlen, "PULL_RESP has no \"txpk\" object");
    json_decref(root);
    return rc;
}

/* TX_ACK: no JSON (or only whitespace, or a C string's terminator) is success, as is a
 * txpk_ack without "error" (sx1302 sends {"warn":"TX_POWER","value":20} for a packet it
 * accepted at a lower power). */
static int parse_tx_ack(const uint8_t *json, size_t n, sm_packet *p, char *err, size_t errlen)
{
    size_t k = 0;
    while (k < n && (json[k] == '\0' || json[k] == ' ' || json[k] == '\t' || json[k] == '\n' ||
                     json[k] == '\r'))
        k++;
    if (k == n)
        return 0;
    json_t *root = load_object("TX_ACK", json, n, HDR_LONG, err, errlen);
    if (!root)
        return -1;
    int rc = -1;
    where w = {"txpk_ack", -1, err, errlen};
    const char *s;
    size_t len;
    char q[QUOTE_MAX + 4];
    json_t *ack = json_object_get(root, "txpk_ack");
    if (ack && !json_is_object(ack)) {
        fail(&w, NULL, "is not an object");
        goto out;
    }
    if (ack && get_str(&w, ack, "error", false, &s, &len) > 0) {
        if (len > 0 && !is_name(s, len)) {
            fail(&w, "error", "\"%s\" is not an error name like TOO_LATE", quote(s, len, q));
            goto out;
        }
        memcpy(p->tx_error, s, len);
        p->tx_error[len] = '\0';
    } else if (ack && json_object_get(ack, "error")) {
        goto out; /* not a string: get_str said so */
    }
    rc = 0;
out:
    json_decref(root);
    return rc;
}

static uint64_t get_be64(const uint8_t *b)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | b[i];
    return v;
}

int sm_parse(const uint8_t *buf, size_t len, sm_packet *p, char *err, size_t errlen)
{
    if (err && errlen > 0)
        err[0] = '\0';
    if (!p)
        return errf(err, errlen, "no packet to parse into");
    p->n_rxpk = 0; /* whatever fails below, p holds no packets */
    p->has_stat = false;
    if (!buf)
        return errf(err, errlen, "no datagram to parse");
    if (len < HDR_SHORT)
        return errf(err, errlen, "datagram of %zu bytes is shorter than the %d-byte header", len,
                    HDR_SHORT);
    if (buf[0] != SM_VERSION)
        return errf(err, errlen, "protocol version %u is not supported (only version %d)", buf[0],
                    SM_VERSION);
    if (buf[3] >= COUNT(kinds))
        return errf(err, errlen, "packet type 0x%02x is unknown (0x00..0x05)", buf[3]);
    const struct kind *k = &kinds[buf[3]];
    if (len < k->header)
        return errf(err, errlen, "%s of %zu bytes is shorter than its %zu-byte header", k->name,
                    len, k->header);
    if (!k->body && len > k->header)
        return errf(err, errlen, "%s of %zu bytes is longer than its %zu bytes", k->name, len,
                    k->header);
    p->version = buf[0];
    p->token = (uint16_t)(buf[1] | buf[2] << 8);
    p->type = buf[3];
    p->gw_eui = k->header == HDR_LONG ? get_be64(buf + 4) : 0;
    memset(&p->stat, 0, sizeof p->stat);
    memset(&p->txpk, 0, sizeof p->txpk);
    p->tx_error[0] = '\0';
    return k->parse ? k->parse(buf + k->header, len - k->header, p, err, errlen) : 0;
}

/* ---- building ---- */

/* Text appended to a datagram; `full` once something did not fit (vsnprintf needs room for
 * its terminator, so the last byte of cap is never used). */
typedef struct out {
    char *buf;
    size_t cap, len;
    bool full;
} out;

static void put(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(out *o, const char *fmt, ...)
{
    if (o->full)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= o->cap - o->len)
        o->full = true;
    else
        o->len += (size_t)n;
}

static void put_base64(out *o, const uint8_t *data, size_t n)
{
    size_t need = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    if (o->full || o->cap - o->len < need) {
        o->full = true;
        return;
    }
    sodium_bin2base64(o->buf + o->len, need, data, n, sodium_base64_VARIANT_ORIGINAL);
    o->len += need - 1;
}

static size_t put_header(uint8_t *b, uint8_t type, uint16_t token, const uint64_t *eui)
{
    b[0] = SM_VERSION;
    b[1] = (uint8_t)(token & 0xff);
    b[2] = (uint8_t)(token >> 8);
    b[3] = type;
    if (!eui)
        return HDR_SHORT;
    for (int i = 0; i < 8; i++)
        b[4 + i] = (uint8_t)(*eui >> (56 - 8 * i));
    return HDR_LONG;
}

static bool codr_ok(const char *codr)
{
    for (size_t i = 0; i < COUNT(codr_names); i++)
        if (strcmp(codr, codr_names[i]) == 0)
            return true;
    return false;
}

/* A radio setting we can put on the air (or that a gateway can have heard). */
static bool radio_ok(uint32_t freq_hz, bool lora, uint8_t sf, uint16_t bw, uint32_t bps)
{
    if (freq_hz < FREQ_MIN_HZ || freq_hz > FREQ_MAX_HZ)
        return false;
    if (!lora)
        return bps >= FSK_MIN_BPS && bps <= FSK_MAX_BPS;
    return sf >= 7 && sf <= 12 && (bw == 125 || bw == 250 || bw == 500);
}

static void put_datr(out *o, bool lora, uint8_t sf, uint16_t bw, uint32_t bps)
{
    if (lora)
        put(o, ",\"modu\":\"LORA\",\"datr\":\"SF%uBW%u\"", sf, bw);
    else
        put(o, ",\"modu\":\"FSK\",\"datr\":%" PRIu32, bps);
}

/* "time" to the microsecond, as Semtech's forwarder writes it. */
static void put_time(out *o, int64_t ns)
{
    struct tm tm;
    time_t secs = (time_t)(ns / 1000000000);
    gmtime_r(&secs, &tm);
    put(o, ",\"time\":\"%04d-%02d-%02dT%02d:%02d:%02d.%06dZ\"", tm.tm_year + 1900, tm.tm_mon + 1,
        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ns % 1000000000 / 1000));
}

/* One rxpk object, in the order Semtech's forwarder writes them. */
static int put_rxpk(out *o, const sm_rxpk *rx, bool first)
{
    if (rx->size > SM_MAX_DATA || (rx->has_time && rx->time_unix_ns < 0) ||
        !radio_ok(rx->freq_hz, rx->lora, rx->sf, rx->bw_khz, rx->fsk_bitrate) ||
        memchr(rx->codr, '\0', sizeof rx->codr) == NULL ||
        (rx->lora && rx->codr[0] && !codr_ok(rx->codr)) || rx->stat < -1 || rx->stat > 1)
        return -1;
    put(o, "%s{\"tmst\":%" PRIu32, first ? "" : ",", rx->tmst);
    if (rx->has_time)
        put_time(o, rx->time_unix_ns);
    put(o, ",\"chan\":%u,\"rfch\":%u,\"freq\":%" PRIu32 ".%06" PRIu32 ",\"stat\":%d", rx->chan,
        rx->rfch, rx->freq_hz / 1000000, rx->freq_hz % 1000000, rx->stat);
    put_datr(o, rx->lora, rx->sf, rx->bw_khz, rx->fsk_bitrate);
    if (rx->lora && rx->codr[0])
        put(o, ",\"codr\":\"%s\"", rx->codr);
    if (rx->lora)
        put(o, ",\"lsnr\":%.1f", (double)rx->lsnr);
    put(o, ",\"rssi\":%d,\"size\":%u,\"data\":\"", rx->rssi, rx->size);
    put_base64(o, rx->data, rx->size);
    put(o, "\"}");
    return 0;
}

static int put_stat(out *o, const sm_stat *st)
{
    if (st->has_location && !(st->lat >= -90 && st->lat <= 90 && st->lon >= -180 && st->lon <= 180))
        return -1;
    if (!(st->ackr >= 0 && st->ackr <= 100))
        return -1;
    put(o, "\"stat\":{");
    if (st->has_location)
        put(o, "\"lati\":%.5f,\"long\":%.5f,\"alti\":%" PRId32 ",", st->lat, st->lon, st->alt);
    put(o,
        "\"rxnb\":%" PRIu32 ",\"rxok\":%" PRIu32 ",\"rxfw\":%" PRIu32 ",\"ackr\":%.1f,"
        "\"dwnb\":%" PRIu32 ",\"txnb\":%" PRIu32 "}",
        st->rxnb, st->rxok, st->rxfw, st->ackr, st->dwnb, st->txnb);
    return 0;
}

size_t sm_ack(uint8_t type, uint16_t token, uint8_t out[4])
{
    return put_header(out, type, token, NULL);
}

int sm_pull_resp(uint16_t token, const sm_txpk *tx, uint8_t *buf, size_t cap)
{
    if (!tx || !buf || cap < HDR_SHORT || tx->size > SM_MAX_DATA || (tx->size && !tx->data) ||
        !radio_ok(tx->freq_hz, tx->lora, tx->sf, tx->bw_khz, tx->fsk_bitrate) ||
        (tx->codr && !codr_ok(tx->codr)) || tx->powe < POWE_MIN || tx->powe > POWE_MAX)
        return -1;
    out o = {(char *)buf, cap, put_header(buf, SM_PULL_RESP, token, NULL), false};
    if (tx->imme)
        put(&o, "{\"txpk\":{\"imme\":true");
    else
        put(&o, "{\"txpk\":{\"tmst\":%" PRIu32, tx->tmst);
    put(&o, ",\"freq\":%" PRIu32 ".%06" PRIu32 ",\"rfch\":%u,\"powe\":%d", tx->freq_hz / 1000000,
        tx->freq_hz % 1000000, tx->rfch, tx->powe);
    put_datr(&o, tx->lora, tx->sf, tx->bw_khz, tx->fsk_bitrate);
    if (tx->lora)
        put(&o, ",\"codr\":\"%s\"", tx->codr ? tx->codr : "4/5");
    else /* LoRaWAN's FSK rate (50 kbit/s) uses a 25 kHz deviation: half the bit rate */
        put(&o, ",\"fdev\":%" PRIu32, tx->fsk_bitrate / 2);
    put(&o, ",\"ipol\":%s,\"size\":%u,\"data\":\"", tx->ipol ? "true" : "false", tx->size);
    put_base64(&o, tx->data, tx->size);
    put(&o, "\"%s}}", tx->ncrc ? ",\"ncrc\":true" : "");
    return o.full ? -1 : (int)o.len;
}

int sm_push_data(uint16_t token, uint64_t gw_eui, const sm_rxpk *rx, size_t n, const sm_stat *stat,
                 uint8_t *buf, size_t cap)
{
    if (!buf || cap < HDR_LONG || n > SM_MAX_RXPK || (n > 0 && !rx))
        return -1;
    out o = {(char *)buf, cap, put_header(buf, SM_PUSH_DATA, token, &gw_eui), false};
    put(&o, "{");
    if (n > 0) {
        put(&o, "\"rxpk\":[");
        for (size_t i = 0; i < n; i++)
            if (put_rxpk(&o, &rx[i], i == 0) != 0)
                return -1;
        put(&o, "]%s", stat ? "," : "");
    }
    if (stat && put_stat(&o, stat) != 0)
        return -1;
    put(&o, "}");
    return o.full ? -1 : (int)o.len;
}

int sm_pull_data(uint16_t token, uint64_t gw_eui, uint8_t *buf, size_t cap)
{
    if (!buf || cap < HDR_LONG)
        return -1;
    return (int)put_header(buf, SM_PULL_DATA, token, &gw_eui);
}

int sm_tx_ack(uint16_t token, uint64_t gw_eui, const char *error, uint8_t *buf, size_t cap)
{
    if (!buf || cap < HDR_LONG || (error && !is_name(error, strlen(error))))
        return -1;
    out o = {(char *)buf, cap, put_header(buf, SM_TX_ACK, token, &gw_eui), false};
    if (error)
        put(&o, "{\"txpk_ack\":{\"error\":\"%s\"}}", error);
    return o.full ? -1 : (int)o.len;
}
