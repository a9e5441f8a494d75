/* Child server supervision for `lyrebird up`: spawn, wait for readiness, restart with
 * exponential backoff (100 ms doubling to 5 s, back to 100 ms after 30 s of good running),
 * stop with SIGTERM then SIGKILL. See supervisor.h. */
#define _GNU_SOURCE
#include "supervisor.h"

#include "lyrebird/error.h"
#include "lyrebird/log.h"
#include "lyrebird/metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 32
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000
#define HEALTHY_AFTER_MS 30000

struct lb_child {
    char *name;
    char *argv[MAX_ARGS + 1];
    char *log_path;
    int ready_port;
    int ready_timeout_ms;
    pid_t pid;
    long long started_ms;
    long long restart_at_ms; /* when down: when to start again */
    int backoff_ms;
    lb_counter *restarts;
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int port_accepts(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

static void exec_child(lb_child *c, pid_t parent)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL); /* the host blocks signals; the child must not */
    setpgid(0, 0);                         /* a terminal's Ctrl-C reaches the host only */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent)
        _exit(1);
    int fd = open(c->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
    }
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0)
        dup2(null, STDIN_FILENO);
    execvp(c->argv[0], c->argv);
    /* Debian puts some servers in /usr/sbin, which a user's PATH may lack. */
    char path[512];
    snprintf(path, sizeof path, "/usr/sbin/%s", c->argv[0]);
    execv(path, c->argv);
    dprintf(STDERR_FILENO, "cannot run %s: %s\n", c->argv[0], strerror(errno));
    _exit(127);
}

static int spawn(lb_child *c)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        return LB_EIO;
    if (pid == 0)
        exec_child(c, parent);
    c->pid = pid;
    c->started_ms = now_ms();
    lb_log(LB_LOG_INFO, "supervisor", "started child", "child=%s pid=%d log=%s", c->name, (int)pid,
           c->log_path);
    return 0;
}

static void free_child(lb_child *c)
{
    free(c->name);
    free(c->log_path);
    for (int i = 0; c->argv[i]; i++)
        free(c->argv[i]);
    free(c);
}

lb_child *lb_child_start(const lb_child_spec *spec, lb_metrics *metrics, char *err, size_t errlen)
{
    lb_child *c = calloc(1, sizeof *c);
    if (!c)
        goto nomem;
    c->name = strdup(spec->name);
    c->log_path = strdup(spec->log_path);
    if (!c->name || !c->log_path)
        goto nomem;
    for (int i = 0; spec->argv[i] && i < MAX_ARGS; i++)
        if (!(c->argv[i] = strdup(spec->argv[i])))
            goto nomem;
    c->ready_port = spec->ready_port;
    c->ready_timeout_ms = spec->ready_timeout_ms > 0 ? spec->ready_timeout_ms : 10000;
    c->backoff_ms = BACKOFF_MIN_MS;
    if (metrics) {
        char name[160];
        snprintf(name, sizeof name, "lb_child_restarts_total{child=\"%s\"}", c->name);
        c->restarts = lb_metrics_counter(metrics, name, "Times a supervised server was restarted");
    }
    if (spawn(c) != 0) {
        snprintf(err, errlen, "cannot start %s: %s", c->name, strerror(errno));
        free_child(c);
        return NULL;
    }
    long long deadline = now_ms() + c->ready_timeout_ms;
    for (;;) {
        int status;
        if (waitpid(c->pid, &status, WNOHANG) == c->pid) {
            snprintf(err, errlen, "%s exited during start (status %d); see %s", c->name,
                     WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
                     c->log_path);
            c->pid = 0;
            free_child(c);
            return NULL;
        }
        if (!c->ready_port || port_accepts(c->ready_port))
            break;
        if (now_ms() > deadline) {
            snprintf(err, errlen, "%s did not accept connections on port %d within %d ms; see %s",
                     c->name, c->ready_port, c->ready_timeout_ms, c->log_path);
            lb_child_stop(c);
            return NULL;
        }
        struct timespec pause = {0, 2 * 1000000};
        nanosleep(&pause, NULL);
    }
    lb_log(LB_LOG_INFO, "supervisor", "child ready", "child=%s port=%d ms=%lld", c->name,
           c->ready_port, now_ms() - c->started_ms);
    return c;

nomem:
    snprintf(err, errlen, "out of memory");
    if (c)
        free_child(c);
    return NULL;
}

int lb_child_reaped(lb_child *c, pid_t pid, int status)
{
    if (!c || pid != c->pid)
        return 0;
    long long ran = now_ms() - c->started_ms;
    if (ran > HEALTHY_AFTER_MS)
        c->backoff_ms = BACKOFF_MIN_MS;
    lb_log(LB_LOG_WARN, "supervisor", "child exited, restarting", "child=%s pid=%d %s=%d in_ms=%d",
           c->name, (int)pid, WIFEXITED(status) ? "status" : "signal",
           WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), c->backoff_ms);
    c->pid = 0;
    c->restart_at_ms = now_ms() + c->backoff_ms;
    c->backoff_ms = c->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : c->backoff_ms * 2;
    return 1;
}

void lb_child_tick(lb_child *c)
{
    if (!c || c->pid || now_ms() < c->restart_at_ms)
        return;
    if (spawn(c) == 0 && c->restarts)
        lb_counter_add(c->restarts, 1);
}

pid_t lb_child_pid(const lb_child *c)
{
    return c ? c->pid : 0;
}

void lb_child_stop(lb_child *c)
{
    if (!c)
        return;
    if (c->pid > 0) {
        kill(c->pid, SIGTERM);
        long long deadline = now_ms() + 5000;
        while (waitpid(c->pid, NULL, WNOHANG) == 0) {
            if (now_ms() > deadline) {
                lb_log(LB_LOG_WARN, "supervisor", "child ignored SIGTERM, killing", "child=%s",
                       c->name);
                kill(c->pid, SIGKILL);
                waitpid(c->pid, NULL, 0);
                break;
            }
            struct timespec pause = {0, 5 * 1000000};
            nanosleep(&pause, NULL);
        }
        lb_log(LB_LOG_INFO, "supervisor", "child stopped", "child=%s pid=%d", c->name, (int)c->pid);
    }
    free_child(c);
}
