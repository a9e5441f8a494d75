/* Test harness: real servers on free loopback ports (see harness.h). */
#define _GNU_SOURCE
#include "harness.h"

#include <arpa/inet.h>
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

long long lbt_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int lbt_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

int lbt_wait_port(int port, int timeout_ms)
{
    long long deadline = lbt_now_ns() + (long long)timeout_ms * 1000000;
    do {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET,
                                .sin_port = htons((uint16_t)port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
        if (fd >= 0)
            close(fd);
        if (ok)
            return 0;
        usleep(5000);
    } while (lbt_now_ns() < deadline);
    return -1;
}

int lbt_nats_start(lbt_nats *n)
{
    memset(n, 0, sizeof *n);
    return lbt_nats_start_on(n, lbt_free_port());
}

int lbt_nats_start_on(lbt_nats *n, int port_number)
{
    n->port = port_number;
    if (n->port < 0) {
        fprintf(stderr, "harness: no free port\n");
        return -1;
    }
    snprintf(n->url, sizeof n->url, "nats://127.0.0.1:%d", n->port);
    char port[16];
    snprintf(port, sizeof port, "%d", n->port);
    pid_t parent = getpid();
    n->pid = fork();
    if (n->pid < 0)
        return -1;
    if (n->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the test */
        if (getppid() != parent)
            _exit(1);
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0 && !getenv("LBT_VERBOSE")) {
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
        }
        execl(LBT_NATS_SERVER, "nats-server", "-a", "127.0.0.1", "-p", port, (char *)NULL);
        _exit(127);
    }
    if (lbt_wait_port(n->port, 10000) != 0) {
        fprintf(stderr, "harness: nats-server did not come up on port %d\n", n->port);
        lbt_nats_stop(n);
        return -1;
    }
    return 0;
}

void lbt_nats_stop(lbt_nats *n)
{
    if (n->pid <= 0)
        return;
    kill(n->pid, SIGTERM);
    for (int i = 0; i < 200; i++) {
        if (waitpid(n->pid, NULL, WNOHANG) == n->pid) {
            n->pid = 0;
            return;
        }
        usleep(10000);
    }
    kill(n->pid, SIGKILL);
    waitpid(n->pid, NULL, 0);
    n->pid = 0;
}

static int health_ok(int port)
{
    char cmd[160];
    snprintf(cmd, sizeof cmd,
             "curl -s -o /dev/null -w '%%{http_code}' http://127.0.0.1:%d/health | grep -q 200", port);
    return system(cmd) == 0;
}

int lbt_host_start(lbt_host *h, const char *nats_url, const char *const *plugins,
                   const char *const *env)
{
    memset(h, 0, sizeof *h);
    h->http_port = lbt_free_port();
    snprintf(h->base, sizeof h->base, "http://127.0.0.1:%d", h->http_port);
    snprintf(h->data_dir, sizeof h->data_dir, "/tmp/lbthost.XXXXXX");
    if (!mkdtemp(h->data_dir))
        return -1;
    pid_t parent = getpid();
    h->pid = fork();
    if (h->pid < 0)
        return -1;
    if (h->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(1);
        char port[16];
        snprintf(port, sizeof port, "%d", h->http_port);
        setenv("LB_HTTP_PORT", port, 1);
        setenv("LB_NATS_URL", nats_url, 1);
        setenv("LB_DATA_DIR", h->data_dir, 1);
        setenv("LB_LOOPBACK_ONLY", "1", 1);
        for (int i = 0; env && env[i]; i++)
            putenv((char *)env[i]);
        const char *argv[40] = {"lyrebird", "run"};
        int n = 2;
        for (int i = 0; plugins[i] && n < 39; i++)
            argv[n++] = plugins[i];
        argv[n] = NULL;
        execv(LBT_BIN_DIR "/lyrebird", (char *const *)argv);
        _exit(127);
    }
    for (int i = 0; i < 2000; i++) {
        if (health_ok(h->http_port))
            return 0;
        if (waitpid(h->pid, NULL, WNOHANG) == h->pid) {
            fprintf(stderr, "harness: lyrebird exited during start\n");
            h->pid = 0;
            return -1;
        }
        usleep(10000);
    }
    fprintf(stderr, "harness: lyrebird did not get healthy\n");
    lbt_host_stop(h);
    return -1;
}

void lbt_host_stop(lbt_host *h)
{
    if (h->pid > 0) {
        kill(h->pid, SIGTERM);
        for (int i = 0; i < 1000 && waitpid(h->pid, NULL, WNOHANG) != h->pid; i++)
            usleep(10000);
        kill(h->pid, SIGKILL);
        waitpid(h->pid, NULL, 0);
        h->pid = 0;
    }
    if (h->data_dir[0]) {
        char cmd[200];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", h->data_dir);
        if (system(cmd) != 0)
            fprintf(stderr, "harness: cannot remove %s\n", h->data_dir);
    }
}
