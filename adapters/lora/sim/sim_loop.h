/* The state of one simulator run, shared by the event loop (sim_run.c) and the downlink side
 * (sim_rx.c). Main thread only. */
#ifndef LYREBIRD_SIM_LOOP_H
#define LYREBIRD_SIM_LOOP_H

#include "sim.h"

#include <poll.h>

/* A u32 -> index map, open addressing, no deletion: DevAddr -> first device with it (the
 * rest chained by sim_device.next_same_addr), and join-request instant -> device. */
typedef struct sim_map {
    uint32_t *keys;
    int64_t *vals; /* -1: empty */
    uint32_t mask, shift;
} sim_map;

/* -1 when absent. */
int64_t sim_map_get(const sim_map *m, uint32_t key);
void sim_map_put(sim_map *m, uint32_t key, int64_t val);

/* A --replay copy waiting for its time. */
typedef struct sim_replay {
    uint64_t due_us;
    sim_radio radio;
    uint16_t len;
    uint8_t phy[LW_MAX_PHY];
} sim_replay;

typedef struct sim_loop {
    const sim_opts *o;
    sim_device *dev;
    uint32_t n;
    sim_gw *gw;
    uint32_t n_gw;
    struct pollfd *pfd;
    sim_rxbuf *rb;
    sm_packet *pkt; /* the datagram being handled */
    sim_stats *st;
    uint32_t *ready; /* ring of n device indices */
    uint32_t ready_head, ready_len;
    uint32_t n_waiting;
    sim_map addr, join;
    sim_replay *rp; /* ring */
    uint32_t rp_head, rp_len, rp_cap;
    sm_rxpk tmpl;
    uint64_t outstanding; /* PUSH_DATA without PUSH_ACK */
    uint64_t paced;       /* frames counted against --rate */
    uint64_t t0, t_rate0, t_last_send, t_first_up, t_last_up, last_t_us;
    uint64_t next_scan_us, stall_since, next_progress_us;
    bool sending_done;
} sim_loop;

/* The simulator's clock: CLOCK_MONOTONIC in µs. */
uint64_t sim_now_us(void);

/* Makes device i findable by its DevAddr. */
void sim_loop_add_addr(sim_loop *L, uint32_t i);
/* Device i got what it waited for: back in the queue if it has uplinks left. */
void sim_loop_wait_end(sim_loop *L, uint32_t i);

/* Handles one datagram from the server on gateway g (sim_gw_datagram_fn; ctx = sim_loop). */
void sim_rx_datagram(void *ctx, sim_gw *g, const uint8_t *buf, size_t len);

#endif
