/* Test harness: a real PostgreSQL 15 (the Debian package's binaries, found next to
 * LBT_PG_BIN, the pg_ctl path) on a free 127.0.0.1 port, in a temporary directory.
 * lbt_pg_start runs initdb, starts postgres as the `postgres` user when run as root (it
 * refuses to run as root), waits until it accepts connections and creates the database
 * "lyrebird"; lbt_pg_stop shuts it down at once (pg_ctl stop -m immediate) and removes the
 * directory. The server is a child of the calling thread with PR_SET_PDEATHSIG, so it never
 * outlives the test: call these from the main thread. */
#ifndef LBT_PG_H
#define LBT_PG_H

#include <sys/types.h>

typedef struct lbt_pg {
    pid_t pid; /* the postmaster */
    int port;
    char dir[256]; /* temporary directory: data/, the unix socket, postgres.log */
    char url[128]; /* postgres://postgres@127.0.0.1:PORT/lyrebird */
} lbt_pg;

/* Starts a server with a fresh database: 0, or -1 after printing why (and the server's log
 * when it did not come up). */
int lbt_pg_start(lbt_pg *pg);
/* Stops the server at once (as a crash would) and starts it again on the same port and
 * data: 0 or -1. */
int lbt_pg_restart(lbt_pg *pg);
/* Stops the server and removes its directory. Safe on a stopped or zeroed lbt_pg. */
void lbt_pg_stop(lbt_pg *pg);

#endif
