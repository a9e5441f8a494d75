/* Supervision of the servers `lyrebird up` runs as child processes (nats-server now;
 * mosquitto and influxd later). A child runs in its own process group with its output
 * appended to a log file, dies with the host (PR_SET_PDEATHSIG), and is restarted with
 * backoff when it exits while the host runs. Only the host's main thread calls these. */
#ifndef LB_SUPERVISOR_H
#define LB_SUPERVISOR_H

#include <stddef.h>
#include <sys/types.h>

typedef struct lb_metrics lb_metrics;
typedef struct lb_child lb_child;

typedef struct lb_child_spec {
    const char *name;        /* for logs and metrics: "nats-server" */
    const char *const *argv; /* argv[0] is looked up in PATH (and /usr/sbin); NULL-terminated */
    const char *log_path;    /* stdout and stderr are appended here */
    int ready_port;          /* ready when 127.0.0.1:ready_port accepts TCP (0: at once) */
    int ready_timeout_ms;
} lb_child_spec;

/* Starts the child and waits until it is ready. The spec's strings are copied. Returns the
 * child, or NULL with err filled (it exited, did not get ready in time, or could not run). */
lb_child *lb_child_start(const lb_child_spec *spec, lb_metrics *metrics, char *err, size_t errlen);

/* Tells the child that process pid ended with status (from waitpid). Returns 1 when pid was
 * this child's: a restart is then scheduled. */
int lb_child_reaped(lb_child *c, pid_t pid, int status);

/* Restarts the child if it is down and its backoff has passed. Call from the main loop. */
void lb_child_tick(lb_child *c);

/* The running child's pid, or 0 while it is down. */
pid_t lb_child_pid(const lb_child *c);

/* Stops the child (SIGTERM, then SIGKILL after 5 s), waits for it and frees c. NULL: no-op. */
void lb_child_stop(lb_child *c);

#endif
