/* libFuzzer target for sm_parse (adapters/lora/gw/semtech.h): any bytes as a UDP datagram.
 * A failure must explain itself and leave no packets behind. A success must give values
 * inside the protocol's limits, and building the same packet again (sm_push_data,
 * sm_pull_resp, sm_tx_ack, sm_pull_data, sm_ack) must succeed and parse back to the same
 * values: times to the microsecond, lsnr to 0.1 dB, ackr to 0.1 %, coordinates to 1e-5 degree,
 * as the builders write them. */
#include "semtech.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static sm_packet p, q; /* 10 KB each */
static uint8_t buf[65536];

static void check(int ok)
{
    if (!ok)
        abort();
}

static int near(double a, double b, double tol)
{
    return (a > b ? a - b : b - a) <= tol;
}

static void check_rxpk(const sm_rxpk *r)
{
    check(r->size <= SM_MAX_DATA && r->freq_hz >= 137000000 && r->freq_hz <= 1020000000);
    check(r->stat >= -1 && r->stat <= 1 && memchr(r->codr, '\0', sizeof r->codr) != NULL);
    if (r->lora)
        check(r->sf >= 7 && r->sf <= 12 &&
              (r->bw_khz == 125 || r->bw_khz == 250 || r->bw_khz == 500));
    else
        check(r->fsk_bitrate >= 500 && r->fsk_bitrate <= 250000 && r->codr[0] == '\0');
    check(!r->has_time || r->time_unix_ns >= 0);
}

static void same_rxpk(const sm_rxpk *a, const sm_rxpk *b)
{
    check(a->tmst == b->tmst && a->has_time == b->has_time && a->freq_hz == b->freq_hz);
    check(!a->has_time || b->time_unix_ns == a->time_unix_ns - a->time_unix_ns % 1000);
    check(a->chan == b->chan && a->rfch == b->rfch && a->stat == b->stat && a->lora == b->lora);
    check(a->sf == b->sf && a->bw_khz == b->bw_khz && a->fsk_bitrate == b->fsk_bitrate);
    check(strcmp(a->codr, b->codr) == 0 && a->rssi == b->rssi);
    check(!a->lora || near(a->lsnr, b->lsnr, 0.0501));
    check(a->size == b->size && memcmp(a->data, b->data, a->size) == 0);
}

static void same_stat(const sm_stat *a, const sm_stat *b)
{
    check(a->has_location == b->has_location);
    if (a->has_location)
        check(near(a->lat, b->lat, 5.01e-6) && near(a->lon, b->lon, 5.01e-6) && a->alt == b->alt);
    check(a->rxnb == b->rxnb && a->rxok == b->rxok && a->rxfw == b->rxfw);
    check(a->dwnb == b->dwnb && a->txnb == b->txnb && near(a->ackr, b->ackr, 0.0501));
}

static void same_txpk(const sm_packet *a, const sm_packet *b)
{
    const sm_txpk *x = &a->txpk, *y = &b->txpk;
    check(x->imme == y->imme && (x->imme || x->tmst == y->tmst) && x->freq_hz == y->freq_hz);
    check(x->rfch == y->rfch && x->powe == y->powe && x->lora == y->lora && x->sf == y->sf);
    check(x->bw_khz == y->bw_khz && x->fsk_bitrate == y->fsk_bitrate);
    check(!x->lora || (x->codr && y->codr && strcmp(x->codr, y->codr) == 0));
    check(x->ipol == y->ipol && x->ncrc == y->ncrc && x->size == y->size);
    check(x->data == a->txpk_data && y->data == b->txpk_data);
    check(memcmp(x->data, y->data, x->size) == 0);
}

/* Builds p again and parses the result into q. */
static void rebuild(const uint8_t *data, size_t size)
{
    char err[SM_ERRLEN];
    int n = -1;
    switch (p.type) {
    case SM_PUSH_DATA:
        n = sm_push_data(p.token, p.gw_eui, p.rxpk, p.n_rxpk, p.has_stat ? &p.stat : NULL, buf,
                         sizeof buf);
        break;
    case SM_PULL_RESP:
        n = sm_pull_resp(p.token, &p.txpk, buf, sizeof buf);
        break;
    case SM_TX_ACK:
        n = sm_tx_ack(p.token, p.gw_eui, p.tx_error[0] ? p.tx_error : NULL, buf, sizeof buf);
        break;
    case SM_PULL_DATA:
        n = sm_pull_data(p.token, p.gw_eui, buf, sizeof buf);
        check(n == 12 && memcmp(buf, data, 12) == 0);
        break;
    default:
        n = (int)sm_ack(p.type, p.token, buf);
        check(size == 4 && memcmp(buf, data, 4) == 0);
    }
    check(n > 0);
    check(sm_parse(buf, (size_t)n, &q, err, sizeof err) == 0);
    check(q.type == p.type && q.token == p.token && q.gw_eui == p.gw_eui);
    check(q.n_rxpk == p.n_rxpk && q.has_stat == p.has_stat);
    for (size_t i = 0; i < p.n_rxpk; i++)
        same_rxpk(&p.rxpk[i], &q.rxpk[i]);
    if (p.has_stat)
        same_stat(&p.stat, &q.stat);
    if (p.type == SM_PULL_RESP)
        same_txpk(&p, &q);
    check(strcmp(p.tx_error, q.tx_error) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[SM_ERRLEN];
    memset(err, 'x', sizeof err);
    if (sm_parse(data, size, &p, err, sizeof err) != 0) {
        check(err[0] != '\0' && err[0] != 'x' && memchr(err, '\0', sizeof err) != NULL);
        check(p.n_rxpk == 0 && !p.has_stat);
        return 0;
    }
    check(p.version == SM_VERSION && p.type <= SM_TX_ACK && p.n_rxpk <= SM_MAX_RXPK);
    check(memchr(p.tx_error, '\0', sizeof p.tx_error) != NULL);
    for (size_t i = 0; i < p.n_rxpk; i++)
        check_rxpk(&p.rxpk[i]);
    if (p.type == SM_PULL_RESP)
        check(p.txpk.size <= SM_MAX_DATA && p.txpk.data == p.txpk_data);
    rebuild(data, size);
    return 0;
}
