/* Test harness: real servers on free loopback ports, for integration tests.
 * lbt_nats_start spawns nats-server (the Debian package's) on a free 127.0.0.1 port and
 * waits until it accepts connections; lbt_nats_stop kills it and reaps it. */
#ifndef LBT_HARNESS_H
#define LBT_HARNESS_H

#include <sys/types.h>

typedef struct lbt_nats {
    pid_t pid;
    int port;
    char url[64];
} lbt_nats;

/* A TCP port on 127.0.0.1 that was free a moment ago, or -1. */
int lbt_free_port(void);
/* Starts nats-server; returns 0, or -1 after printing why. */
int lbt_nats_start(lbt_nats *n);
/* Starts nats-server on the given port (to restart one that was stopped). */
int lbt_nats_start_on(lbt_nats *n, int port);
/* Stops it (SIGTERM, then SIGKILL after 2 s) and waits for it. */
void lbt_nats_stop(lbt_nats *n);
/* Waits up to timeout_ms until 127.0.0.1:port accepts a TCP connection: 0, or -1. */
int lbt_wait_port(int port, int timeout_ms);
/* A `lyrebird run <plugins>` process on a free HTTP port, against nats_url. */
typedef struct lbt_host {
    pid_t pid;
    int http_port;
    char base[64];     /* http://127.0.0.1:<port> */
    char data_dir[128]; /* a fresh temp folder, removed by lbt_host_stop */
} lbt_host;

/* Starts it with extra settings env ("NAME=value" strings, NULL-terminated, may be NULL) and
 * waits up to 20 s for /health. plugins is a NULL-terminated list. 0, or -1 after saying why. */
int lbt_host_start(lbt_host *h, const char *nats_url, const char *const *plugins,
                   const char *const *env);
void lbt_host_stop(lbt_host *h);

/* Monotonic time in nanoseconds. */
long long lbt_now_ns(void);

#endif
