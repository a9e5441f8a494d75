/* The fields of the Semtech protocol's objects (rxpk, rsig, stat, txpk, txpk_ack): each is
 * checked and converted from the values semtech_parse.c kept of it, and every error is a
 * sentence that names the field (rxpk[2].datr, stat.rxnb, txpk.freq). The checks run in a fixed
 * order, so the first fault of an object is the one reported, whatever the order of its keys.
 *
 * Facts from Semtech's packet_forwarder PROTOCOL.md (protocol version 2) and the sx1302_hal
 * packet forwarder's PROTOCOL.md and lora_pkt_fwd.c, which add "rssis", "foff", "mid", "jver"
 * to rxpk, "temp" to stat, and "warn"/"value" to txpk_ack. Multi-antenna gateways (Kerlink
 * iBTS and others) send "rsig":[{"ant","chan","rssic","lsnr",...}] in place of "rssi" and
 * "lsnr", as ChirpStack's gateway bridge (internal/backend/semtechudp/packets) reads them.
 *
 * Strict about what the network server acts on (timestamps, frequency, data rate, sizes,
 * payload); the fields it does not use ("tmms", "foff", "brd", "ant", "temp", ...) are not
 * even kept. Base64 is libsodium's. */
#include "semtech_internal.h"

#include <sodium.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define RSSI_MIN   -250.0 /* dBm */
#define RSSI_MAX   50.0
#define LSNR_MIN   -50.0 /* dB */
#define LSNR_MAX   50.0
#define B64_MAX    340          /* base64 of SM_MAX_DATA bytes, padded: 255 / 3 * 4 */
#define TIME_MAX_S 7258118400LL /* 2200-01-01T00:00:00Z: later "time"s are refused */

const char *const sm_codr_names[5] = {"4/5", "4/6", "4/7", "4/8", "OFF"};

const char *const sm_field_names[F_COUNT] = {
    [F_TMST] = "tmst",   [F_TIME] = "time", [F_FREQ] = "freq", [F_CHAN] = "chan",
    [F_RFCH] = "rfch",   [F_STAT] = "stat", [F_MODU] = "modu", [F_DATR] = "datr",
    [F_CODR] = "codr",   [F_RSSI] = "rssi", [F_LSNR] = "lsnr", [F_RSIG] = "rsig",
    [F_SIZE] = "size",   [F_DATA] = "data", [F_IMME] = "imme", [F_POWE] = "powe",
    [F_IPOL] = "ipol",   [F_NCRC] = "ncrc", [F_LATI] = "lati", [F_LONG] = "long",
    [F_ALTI] = "alti",   [F_ACKR] = "ackr", [F_RXNB] = "rxnb", [F_RXOK] = "rxok",
    [F_RXFW] = "rxfw",   [F_DWNB] = "dwnb", [F_TXNB] = "txnb", [F_RSSIC] = "rssic",
    [F_ERROR] = "error",
};

/* ---- errors ---- */

int sm_fail(const where *w, const char *key, const char *fmt, ...)
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

const char *sm_quote(const char *s, size_t n, char out[QUOTE_MAX + 4])
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

bool sm_is_name(const char *s, size_t n)
{
    if (n == 0 || n >= sizeof((sm_packet *)0)->tx_error)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

/* ---- field readers: 1 when field f holds a good value (in *out), 0 when it is absent and
 * optional (*out is then zero), -1 with a sentence in err when missing or bad ---- */

static int absent(const where *w, int f, bool required)
{
    return required ? sm_fail(w, sm_field_names[f], "is missing") : 0;
}

static int get_uint(const where *w, const obj *o, int f, bool required, uint64_t max, uint64_t *out)
{
    const jval *v = obj_get(o, f);
    *out = 0;
    if (!v)
        return absent(w, f, required);
    int64_t i = v->type == J_INT ? v->i : -1;
    if (i < 0 || (uint64_t)i > max)
        return sm_fail(w, sm_field_names[f], "is not an integer in 0..%" PRIu64, max);
    *out = (uint64_t)i;
    return 1;
}

/* A number of o in min..max: 1 (in *out), 0 when absent (*out zero), -1 when not. */
static int num_in(const obj *o, int f, double min, double max, double *out)
{
    const jval *v = obj_get(o, f);
    *out = 0;
    if (!v)
        return 0;
    if ((v->type != J_INT && v->type != J_REAL) || !(v->d >= min && v->d <= max))
        return -1;
    *out = v->d;
    return 1;
}

static int get_num(const where *w, const obj *o, int f, bool required, double min, double max,
                   double *out)
{
    const jval *v = obj_get(o, f);
    int rc = num_in(o, f, min, max, out);
    if (rc == 0)
        return absent(w, f, required);
    if (rc > 0)
        return 1;
    if (v->type != J_INT && v->type != J_REAL)
        return sm_fail(w, sm_field_names[f], "is not a number");
    return sm_fail(w, sm_field_names[f], "%g is out of range (%g..%g)", v->d, min, max);
}

static int get_str(const where *w, const obj *o, int f, bool required, const char **s, size_t *n)
{
    const jval *v = obj_get(o, f);
    *s = "";
    *n = 0;
    if (!v)
        return absent(w, f, required);
    if (v->type != J_STRING)
        return sm_fail(w, sm_field_names[f], "is not a string");
    *s = v->s;
    *n = v->n;
    return 1;
}

static int get_bool(const where *w, const obj *o, int f, bool *out)
{
    const jval *v = obj_get(o, f);
    *out = false;
    if (!v)
        return 0;
    if (v->type != J_TRUE && v->type != J_FALSE)
        return sm_fail(w, sm_field_names[f], "is not true or false");
    *out = v->type == J_TRUE;
    return 1;
}

static int16_t round16(double d)
{
    return (int16_t)(d < 0 ? d - 0.5 : d + 0.5);
}

/* "freq" in MHz (Hz precision) to Hz, within the radios' range. The MHz are the double
 * strtod gives (semtech_json.c's fast path is exact), so 868.1 is 868100000 Hz. */
static int get_freq(const where *w, const obj *o, uint32_t *hz)
{
    const jval *v = obj_get(o, F_FREQ);
    if (!v)
        return sm_fail(w, "freq", "is missing");
    if (v->type != J_INT && v->type != J_REAL)
        return sm_fail(w, "freq", "is not a number (MHz)");
    double mhz = v->d;
    if (!(mhz >= FREQ_MIN_HZ / 1e6 && mhz <= FREQ_MAX_HZ / 1e6))
        return sm_fail(w, "freq", "%.6f MHz is out of range (%u..%u MHz)", mhz,
                       FREQ_MIN_HZ / 1000000, FREQ_MAX_HZ / 1000000);
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
static int get_datr(const where *w, const obj *o, bool *lora, uint8_t *sf, uint16_t *bw,
                    uint32_t *bps)
{
    const char *modu;
    size_t mn;
    char q[QUOTE_MAX + 4];
    if (get_str(w, o, F_MODU, true, &modu, &mn) < 0)
        return -1;
    const jval *d = obj_get(o, F_DATR);
    if (!d)
        return sm_fail(w, "datr", "is missing");
    if (mn == 4 && memcmp(modu, "LORA", 4) == 0) {
        *lora = true;
        if (d->type != J_STRING)
            return sm_fail(w, "datr", "is not a string like \"SF7BW125\" (modu is LORA)");
        if (parse_lora_datr(d->s, d->n, sf, bw) != 0)
            return sm_fail(w, "datr", "\"%s\" is not SF7..SF12 with BW125/250/500",
                           sm_quote(d->s, d->n, q));
        return 1;
    }
    if (mn == 3 && memcmp(modu, "FSK", 3) == 0) {
        *lora = false;
        int64_t r = d->type == J_INT ? d->i : -1;
        if (r < FSK_MIN_BPS || r > FSK_MAX_BPS)
            return sm_fail(w, "datr", "is not an FSK bit rate in %d..%d bit/s (modu is FSK)",
                           FSK_MIN_BPS, FSK_MAX_BPS);
        *bps = (uint32_t)r;
        return 1;
    }
    return sm_fail(w, "modu", "\"%s\" is neither \"LORA\" nor \"FSK\"", sm_quote(modu, mn, q));
}

/* "codr" (optional): one of sm_codr_names, returned as that table's string. */
static int get_codr(const where *w, const obj *o, const char **codr)
{
    const char *s;
    size_t n;
    char q[QUOTE_MAX + 4];
    int rc = get_str(w, o, F_CODR, false, &s, &n);
    *codr = NULL;
    if (rc <= 0)
        return rc;
    for (size_t i = 0; i < COUNT(sm_codr_names); i++)
        if (strlen(sm_codr_names[i]) == n && memcmp(sm_codr_names[i], s, n) == 0) {
            *codr = sm_codr_names[i];
            return 1;
        }
    return sm_fail(w, "codr", "\"%s\" is not 4/5, 4/6, 4/7, 4/8 or OFF", sm_quote(s, n, q));
}

/* "size" and "data" (base64, padded or not), which must agree. */
static int get_data(const where *w, const obj *o, uint8_t data[SM_MAX_DATA], uint16_t *size)
{
    uint64_t sz;
    const char *s;
    size_t n, got = 0;
    if (get_uint(w, o, F_SIZE, true, UINT32_MAX, &sz) < 0)
        return -1;
    if (sz > SM_MAX_DATA)
        return sm_fail(w, "size", "%" PRIu64 " is more than %d bytes", sz, SM_MAX_DATA);
    if (get_str(w, o, F_DATA, true, &s, &n) < 0)
        return -1;
    if (n > B64_MAX)
        return sm_fail(w, "data", "is longer than %d bytes", SM_MAX_DATA);
    /* padded base64 comes in blocks of 4; unpadded text needs the no-padding variant */
    int variant =
        n % 4 == 0 ? sodium_base64_VARIANT_ORIGINAL : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
    if (sodium_base642bin(data, SM_MAX_DATA, s, n, NULL, &got, NULL, variant) != 0)
        return sm_fail(w, "data", "is not base64");
    if (got != sz)
        return sm_fail(w, "size", "%" PRIu64 " does not match the %zu bytes of data", sz, got);
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

static int get_time(const where *w, const obj *o, sm_rxpk *rx)
{
    const char *s;
    size_t n;
    char q[QUOTE_MAX + 4];
    int rc = get_str(w, o, F_TIME, false, &s, &n);
    if (rc <= 0)
        return rc;
    if (parse_time(s, n, &rx->time_unix_ns) != 0)
        return sm_fail(w, "time",
                       "\"%s\" is not an ISO 8601 UTC time like 2013-03-31T16:21:17.528Z",
                       sm_quote(s, n, q));
    rx->has_time = true;
    return 1;
}

/* ---- rxpk ---- */

void sm_rsig_start(rsig *g, uint8_t type)
{
    *g = (rsig){.type = type, .best_rssi = RSSI_MIN - 1};
}

void sm_rsig_element(reader *r)
{
    rsig *g = &r->sig;
    double rssi, snr;
    if (g->fault != RSIG_OK)
        return;
    if (num_in(&r->ant, F_RSSIC, RSSI_MIN, RSSI_MAX, &rssi) <= 0)
        g->fault = RSIG_NO_RSSIC;
    else if (num_in(&r->ant, F_LSNR, LSNR_MIN, LSNR_MAX, &snr) < 0)
        g->fault = RSIG_BAD_LSNR;
    else if (rssi > g->best_rssi) {
        g->best_rssi = rssi;
        g->best_lsnr = snr;
    }
    if (g->fault != RSIG_OK)
        g->fault_at = g->n - 1;
}

/* Multi-antenna gateways: "rsig":[{"rssic":..,"lsnr":..}, ...] in place of rssi and lsnr;
 * the strongest antenna is kept (sm_rsig_element found it). */
static int get_rsig(const where *w, const rsig *g, sm_rxpk *rx)
{
    char key[32];
    if (!g->type)
        return 0;
    if (g->type != J_ARRAY || g->n == 0)
        return sm_fail(w, "rsig", "is not a non-empty array");
    snprintf(key, sizeof key, "rsig[%zu]", g->fault_at);
    switch (g->fault) {
    case RSIG_NOT_OBJECT:
        return sm_fail(w, key, "is not an object");
    case RSIG_NO_RSSIC:
        return sm_fail(w, key, "has no rssic in %g..%g dBm", RSSI_MIN, RSSI_MAX);
    case RSIG_BAD_LSNR:
        return sm_fail(w, key, "has an lsnr that is not a number in %g..%g dB", LSNR_MIN, LSNR_MAX);
    }
    rx->rssi = round16(g->best_rssi);
    rx->lsnr = (float)g->best_lsnr;
    return 1;
}

/* The signal: "rssi" and "lsnr" (LoRa only), or "rsig" when there is no "rssi". */
static int get_signal(const where *w, const obj *o, const rsig *g, sm_rxpk *rx)
{
    double rssi, snr;
    int rc = get_num(w, o, F_RSSI, false, RSSI_MIN, RSSI_MAX, &rssi);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return get_rsig(w, g, rx);
    rx->rssi = round16(rssi);
    if (get_num(w, o, F_LSNR, false, LSNR_MIN, LSNR_MAX, &snr) < 0)
        return -1;
    rx->lsnr = (float)snr;
    return 1;
}

int sm_rxpk_check(reader *r, size_t idx, sm_rxpk *rx)
{
    where w = {"rxpk", (int)idx, r->err, r->errlen};
    const obj *o = &r->pk;
    uint64_t tmst, chan, rfch;
    const char *codr;
    memset(rx, 0, offsetof(sm_rxpk, data));
    if (get_uint(&w, o, F_TMST, true, UINT32_MAX, &tmst) < 0 || get_time(&w, o, rx) < 0 ||
        get_freq(&w, o, &rx->freq_hz) < 0 || get_uint(&w, o, F_CHAN, false, UINT8_MAX, &chan) < 0 ||
        get_uint(&w, o, F_RFCH, false, UINT8_MAX, &rfch) < 0)
        return -1;
    const jval *st = obj_get(o, F_STAT);
    int64_t stat = st && st->type == J_INT ? st->i : 0;
    if (st && (st->type != J_INT || stat < -1 || stat > 1))
        return sm_fail(&w, "stat", "is not 1 (CRC OK), -1 (CRC bad) or 0 (no CRC)");
    if (get_datr(&w, o, &rx->lora, &rx->sf, &rx->bw_khz, &rx->fsk_bitrate) < 0 ||
        get_codr(&w, o, &codr) < 0 || get_signal(&w, o, &r->sig, rx) < 0 ||
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

/* ---- stat ---- */

/* stat counters, all optional unsigned 32-bit integers */
static const struct {
    uint8_t field;
    size_t off;
} stat_counters[] = {
    {F_RXNB, offsetof(sm_stat, rxnb)}, {F_RXOK, offsetof(sm_stat, rxok)},
    {F_RXFW, offsetof(sm_stat, rxfw)}, {F_DWNB, offsetof(sm_stat, dwnb)},
    {F_TXNB, offsetof(sm_stat, txnb)},
};

int sm_stat_check(reader *r, sm_stat *st)
{
    where w = {"stat", -1, r->err, r->errlen};
    const obj *o = &r->stat;
    double alt;
    uint64_t u;
    if (r->section[S_STAT] != J_OBJECT)
        return sm_fail(&w, NULL, "is not an object");
    memset(st, 0, sizeof *st);
    int lat = get_num(&w, o, F_LATI, false, -90, 90, &st->lat);
    int lon = lat < 0 ? -1 : get_num(&w, o, F_LONG, false, -180, 180, &st->lon);
    if (lon < 0 || get_num(&w, o, F_ALTI, false, -20000, 100000, &alt) < 0 ||
        get_num(&w, o, F_ACKR, false, 0, 100, &st->ackr) < 0)
        return -1;
    st->has_location = lat && lon;
    st->alt = (int32_t)(alt < 0 ? alt - 0.5 : alt + 0.5);
    for (size_t i = 0; i < COUNT(stat_counters); i++) {
        if (get_uint(&w, o, stat_counters[i].field, false, UINT32_MAX, &u) < 0)
            return -1;
        *(uint32_t *)((char *)st + stat_counters[i].off) = (uint32_t)u;
    }
    return 0;
}

/* ---- txpk, txpk_ack ---- */

/* txpk: what Semtech's lora_pkt_fwd requires (freq, rfch, modu, datr, codr for LoRa, size,
 * data, and imme or a time) is required here too; powe, ipol and ncrc are optional. */
int sm_txpk_check(reader *r)
{
    where w = {"txpk", -1, r->err, r->errlen};
    const obj *o = &r->pk;
    sm_packet *p = r->p;
    sm_txpk *tx = &p->txpk;
    uint64_t tmst, rfch;
    double powe;
    if (r->section[S_TXPK] != J_OBJECT)
        return sm_fail(&w, NULL, "is not an object");
    int has_tmst = get_uint(&w, o, F_TMST, false, UINT32_MAX, &tmst);
    if (has_tmst < 0 || get_bool(&w, o, F_IMME, &tx->imme) < 0)
        return -1;
    if (!tx->imme && has_tmst == 0)
        return sm_fail(&w, "tmst", "is missing and \"imme\" is not true");
    if (get_freq(&w, o, &tx->freq_hz) < 0 || get_uint(&w, o, F_RFCH, true, UINT8_MAX, &rfch) < 0 ||
        get_num(&w, o, F_POWE, false, POWE_MIN, POWE_MAX, &powe) < 0 ||
        get_datr(&w, o, &tx->lora, &tx->sf, &tx->bw_khz, &tx->fsk_bitrate) < 0 ||
        get_codr(&w, o, &tx->codr) < 0 || get_bool(&w, o, F_IPOL, &tx->ipol) < 0 ||
        get_bool(&w, o, F_NCRC, &tx->ncrc) < 0 || get_data(&w, o, p->txpk_data, &tx->size) < 0)
        return -1;
    if (tx->lora && !tx->codr)
        return sm_fail(&w, "codr", "is missing (modu is LORA)");
    if (powe != (int)powe)
        return sm_fail(&w, "powe", "%g is not a whole number of dBm", powe);
    tx->tmst = (uint32_t)tmst;
    tx->rfch = (uint8_t)rfch;
    tx->powe = (int8_t)powe;
    tx->data = p->txpk_data;
    return 0;
}

int sm_txpk_ack_check(reader *r)
{
    where w = {"txpk_ack", -1, r->err, r->errlen};
    const char *s;
    size_t len;
    char q[QUOTE_MAX + 4];
    if (!r->section[S_ACK])
        return 0;
    if (r->section[S_ACK] != J_OBJECT)
        return sm_fail(&w, NULL, "is not an object");
    int rc = get_str(&w, &r->pk, F_ERROR, false, &s, &len);
    if (rc <= 0)
        return rc; /* no error (success), or not a string: get_str said so */
    if (len > 0 && !sm_is_name(s, len))
        return sm_fail(&w, "error", "\"%s\" is not an error name like TOO_LATE",
                       sm_quote(s, len, q));
    memcpy(r->p->tx_error, s, len);
    r->p->tx_error[len] = '\0';
    return 0;
}
