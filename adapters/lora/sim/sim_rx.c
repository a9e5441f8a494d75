/* What the simulated gateways receive from the server: PUSH_ACK and PULL_ACK are counted;
 * a PULL_RESP is answered with a TX_ACK (TOO_LATE when it comes less than --tx-lead-ms
 * before its tmst on that gateway's clock, and then it is not "transmitted"), then handed to
 * the device it is for: a join-accept by the (gateway, tmst) its join-request gives, a data
 * downlink by DevAddr and MIC. Each is counted by receive window and, with --log-downlinks,
 * printed as one JSON line on stdout. */
#include "sim_loop.h"

#include <inttypes.h>
#include <string.h>

/* Whether gateway g heard the device's frames (one of the --hear best by rank). */
static bool heard(const sim_loop *L, const sim_gw *g)
{
    return (g->index + L->n_gw - L->o->best) % L->n_gw < L->o->hear;
}

static int classify(const sim_loop *L, const sim_device *d, const sim_gw *g, const sm_txpk *tx,
                    bool *radio_ok)
{
    const sim_uplink *u;
    *radio_ok = false;
    if (tx->imme || !heard(L, g))
        return SIM_WIN_NONE;
    return sim_window_classify(d, L->o->region, g->tmst_offset, tx->tmst, tx->freq_hz, tx->sf,
                               tx->bw_khz, radio_ok, &u);
}

static void count_window(sim_loop *L, int win, bool radio_ok)
{
    if (win == SIM_WIN_RX1)
        L->st->downlinks_rx1++;
    else if (win == SIM_WIN_RX2)
        L->st->downlinks_rx2++;
    else
        L->st->downlinks_no_window++;
    if (win != SIM_WIN_NONE && !radio_ok)
        L->st->downlinks_bad_radio++;
}

/* The start of a --log-downlinks line; the caller ends it. */
static void log_head(const sim_device *d, const sim_gw *g, const sm_txpk *tx, int64_t lead)
{
    if (d)
        printf("{\"dev_eui\":\"%016" PRIX64 "\",", d->dev_eui);
    else
        printf("{\"dev_eui\":null,");
    printf("\"gateway\":\"%016" PRIX64 "\",\"tmst\":%" PRIu32 ",\"lead_ms\":%.3f,\"freq\":%.6g,"
           "\"datr\":\"SF%uBW%u\"",
           g->eui, tx->tmst, (double)lead / 1000.0, tx->freq_hz / 1e6, tx->sf, tx->bw_khz);
}

static void log_error(const sim_loop *L, const sim_device *d, const sim_gw *g, const sm_txpk *tx,
                      int64_t lead, const char *error)
{
    if (!L->o->log_downlinks)
        return;
    log_head(d, g, tx, lead);
    printf(",\"error\":\"%s\"}\n", error);
}

static void log_join(const sim_loop *L, const sim_device *d, const sim_gw *g, const sm_txpk *tx,
                     int64_t lead, int win, bool radio_ok)
{
    char cflist[33];
    if (!L->o->log_downlinks)
        return;
    sim_hex(d->cflist, sizeof d->cflist, cflist);
    log_head(d, g, tx, lead);
    printf(",\"window\":\"%s\",\"radio_ok\":%s,\"join_accept\":true,\"dev_addr\":\"%08" PRIX32
           "\",\"mac_version\":\"%s\",\"rx1_dr_offset\":%u,\"rx2_dr\":%u,\"rx_delay\":%u,"
           "\"cflist\":%s%s%s}\n",
           sim_window_name(win), radio_ok ? "true" : "false", d->s.dev_addr,
           d->s.v11 ? "1.1" : "1.0", d->rx1_dr_offset, d->rx2_dr, d->rx_delay,
           d->has_cflist ? "\"" : "", d->has_cflist ? cflist : "null", d->has_cflist ? "\"" : "");
}

static void log_data(const sim_loop *L, const sim_device *d, const sim_gw *g, const sm_txpk *tx,
                     int64_t lead, int win, bool radio_ok, const sim_dl *dl)
{
    char payload[2 * LW_MAX_PHY + 1], mac[2 * LW_MAX_PHY + 1], fport[12] = "null";
    if (!L->o->log_downlinks)
        return;
    sim_hex(dl->payload, dl->len, payload);
    sim_hex(dl->mac, dl->mac_len, mac);
    if (dl->fport >= 0)
        snprintf(fport, sizeof fport, "%d", dl->fport);
    log_head(d, g, tx, lead);
    printf(",\"window\":\"%s\",\"radio_ok\":%s,\"fport\":%s,\"payload\":\"%s\",\"ack\":%s,"
           "\"fcnt\":%" PRIu32 ",\"confirmed\":%s,\"mac\":\"%s\",\"replayed\":%s}\n",
           sim_window_name(win), radio_ok ? "true" : "false", fport, payload,
           dl->ack ? "true" : "false", dl->fcnt, dl->confirmed ? "true" : "false", mac,
           dl->replayed ? "true" : "false");
}

/* A join-accept: the device whose join-request was received at tmst - JOIN_ACCEPT_DELAY1
 * (or DELAY2) on this gateway's clock. */
static void on_join_accept(sim_loop *L, sim_gw *g, const sm_packet *p, int64_t lead)
{
    const sm_txpk *tx = &p->txpk;
    uint32_t delay = L->o->region->join_accept_delay1_s;
    int64_t i = -1;
    for (uint32_t k = 0; k < 2 && i < 0 && !tx->imme; k++) {
        int64_t c = sim_map_get(&L->join, tx->tmst - g->tmst_offset - (delay + k) * 1000000u);
        if (c >= 0 && L->dev[c].state == SIM_DEV_JOINING)
            i = c;
    }
    if (i < 0) {
        L->st->downlinks_unknown++;
        log_error(L, NULL, g, tx, lead, "join-accept for no pending join-request");
        return;
    }
    sim_device *d = &L->dev[i];
    bool radio_ok;
    int win = classify(L, d, g, tx, &radio_ok);
    char err[LW_ERRLEN];
    if (sim_join_accept(d, L->o, p->txpk_data, tx->size, err, sizeof err) < 0) {
        L->st->downlinks_bad_mic++;
        log_error(L, d, g, tx, lead, err);
        return;
    }
    L->st->joins_accepted++;
    count_window(L, win, radio_ok);
    sim_loop_add_addr(L, (uint32_t)i);
    log_join(L, d, g, tx, lead, win, radio_ok);
    sim_loop_wait_end(L, (uint32_t)i);
}

/* A data downlink: the device with its DevAddr whose keys give a matching MIC. */
static void on_data(sim_loop *L, sim_gw *g, const sm_packet *p, int64_t lead)
{
    const sm_txpk *tx = &p->txpk;
    lw_frame f;
    sim_dl dl;
    char err[LW_ERRLEN];
    if (lw_frame_decode(p->txpk_data, tx->size, &f, err, sizeof err) < 0 ||
        (f.mtype != LW_UNCONFIRMED_DOWN && f.mtype != LW_CONFIRMED_DOWN)) {
        L->st->downlinks_unknown++;
        log_error(L, NULL, g, tx, lead, "not a data downlink");
        return;
    }
    int64_t found = -1;
    bool any = false, radio_ok = false;
    int win = SIM_WIN_NONE;
    for (int64_t i = sim_map_get(&L->addr, f.dev_addr); i >= 0 && found < 0;
         i = L->dev[i].next_same_addr) {
        sim_device *d = &L->dev[i];
        if (!d->has_session || d->s.dev_addr != f.dev_addr)
            continue;
        any = true;
        win = classify(L, d, g, tx, &radio_ok); /* before the downlink moves the windows */
        if (sim_downlink(d, &f, &dl) == 0)
            found = i;
    }
    if (found < 0) {
        if (any)
            L->st->downlinks_bad_mic++;
        else
            L->st->downlinks_unknown++;
        log_error(L, NULL, g, tx, lead, any ? "bad MIC" : "unknown DevAddr");
        return;
    }
    log_data(L, &L->dev[found], g, tx, lead, win, radio_ok, &dl);
    if (dl.replayed) { /* a device drops it */
        L->st->downlinks_replayed++;
        return;
    }
    count_window(L, win, radio_ok);
    if (dl.ack)
        L->st->acks_received++;
    sim_loop_wait_end(L, (uint32_t)found);
}

static void on_pull_resp(sim_loop *L, sim_gw *g, const sm_packet *p)
{
    const sm_txpk *tx = &p->txpk;
    int64_t lead = tx->imme ? 0 : (int32_t)(tx->tmst - sim_gw_tmst(g, sim_now_us()));
    L->st->downlinks++;
    if (!tx->imme && (!L->st->has_lead || lead < L->st->min_lead_us)) {
        L->st->min_lead_us = lead;
        L->st->has_lead = true;
    }
    const char *verdict = tx->imme ? NULL : sim_tx_verdict(lead, L->o->tx_lead_ms);
    sim_gw_tx_ack(g, p->token, verdict, L->st);
    if (verdict) {
        L->st->downlinks_late++;
        log_error(L, NULL, g, tx, lead, verdict);
        return;
    }
    if (tx->size && p->txpk_data[0] >> 5 == LW_JOIN_ACCEPT)
        on_join_accept(L, g, p, lead);
    else
        on_data(L, g, p, lead);
}

static void on_ack(sim_loop *L, uint8_t type)
{
    if (type == SM_PULL_ACK) {
        L->st->pull_acks++;
        return;
    }
    L->st->push_acks++;
    if (L->outstanding)
        L->outstanding--;
    L->stall_since = 0;
}

void sim_rx_datagram(void *ctx, sim_gw *g, const uint8_t *buf, size_t len)
{
    sim_loop *L = ctx;
    char err[SM_ERRLEN];
    /* PUSH_ACK and PULL_ACK (version, token, type) come once per datagram sent: counted
     * without a full parse */
    if (len == 4 && buf[0] == SM_VERSION && (buf[3] == SM_PUSH_ACK || buf[3] == SM_PULL_ACK)) {
        on_ack(L, buf[3]);
        return;
    }
    if (sm_parse(buf, len, L->pkt, err, sizeof err) < 0) {
        L->st->datagrams_bad++;
        return;
    }
    if (L->pkt->type == SM_PULL_RESP)
        on_pull_resp(L, g, L->pkt);
    else if (L->pkt->type == SM_PUSH_ACK || L->pkt->type == SM_PULL_ACK)
        on_ack(L, L->pkt->type);
    else
        L->st->datagrams_bad++;
}
