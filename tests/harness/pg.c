/* Test harness: a real PostgreSQL on a free loopback port (see pg.h). initdb and postgres
 * refuse to run as root, so as root each child drops to the `postgres` user before exec;
 * the postmaster is our own child (not pg_ctl's daemon) with PR_SET_PDEATHSIG, and is
 * stopped with SIGQUIT, which is what pg_ctl stop -m immediate sends. */
#define _GNU_SOURCE
#include "pg.h"

#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define START_TIMEOUT_MS 30000

/* Where the binaries are: the folder of pg_ctl, after symlinks (CMake may have found a
 * link such as /usr/local/bin/pg_ctl, with no pg_isready beside it). */
static void bin_path(char *out, size_t cap, const char *tool)
{
    char ctl[PATH_MAX];
    if (!realpath(LBT_PG_BIN, ctl))
        snprintf(ctl, sizeof ctl, "%s", LBT_PG_BIN);
    snprintf(out, cap, "%s/%s", dirname(ctl), tool);
}

/* A child that runs argv[0] (a path) in dir with output to log, as the postgres user when
 * we are root, killed if the calling thread dies. Returns its pid or -1. */
static pid_t spawn(char *const argv[], const char *dir, const char *log)
{
    static char *const env[] = {"LC_ALL=C", "PATH=/usr/bin:/bin", NULL};
    struct passwd *pw = getuid() == 0 ? getpwnam("postgres") : NULL;
    uid_t uid = pw ? pw->pw_uid : getuid();
    gid_t gid = pw ? pw->pw_gid : getgid();
    if (getuid() == 0 && !pw) {
        fprintf(stderr, "harness: running as root and there is no postgres user\n");
        return -1;
    }
    pid_t parent = getpid(), pid = fork();
    if (pid != 0)
        return pid;
    if (pw && (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0))
        _exit(126);
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* after setuid, which clears it */
    if (getppid() != parent)
        _exit(1);
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        close(fd);
    }
    if (chdir(dir) != 0)
        _exit(126);
    execve(argv[0], argv, env);
    _exit(127);
}

/* Runs a tool to completion: its exit status, or -1. */
static int run(char *const argv[], const char *dir, const char *log)
{
    int status;
    pid_t pid = spawn(argv, dir, log);
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void print_log(const char *path)
{
    char line[512];
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    fprintf(stderr, "---- %s\n", path);
    while (fgets(line, sizeof line, f))
        fputs(line, stderr);
    fclose(f);
}

static int server_spawn(lbt_pg *pg)
{
    char bin[512], data[300], port[16], sock[300];
    bin_path(bin, sizeof bin, "postgres");
    snprintf(data, sizeof data, "%s/data", pg->dir);
    snprintf(port, sizeof port, "%d", pg->port);
    snprintf(sock, sizeof sock, "unix_socket_directories=%s", pg->dir);
    /* fsync off: a commit still reaches the kernel before it is acknowledged, so it
     * survives lbt_pg_restart (a killed server), just not a power cut */
    char *const argv[] = {bin,
                          "-D",
                          data,
                          "-p",
                          port,
                          "-c",
                          "listen_addresses=127.0.0.1",
                          "-c",
                          sock,
                          "-c",
                          "fsync=off",
                          "-c",
                          "full_page_writes=off",
                          NULL};
    char log[300];
    snprintf(log, sizeof log, "%s/postgres.log", pg->dir);
    pg->pid = spawn(argv, pg->dir, log);
    return pg->pid > 0 ? 0 : -1;
}

/* Waits until the server answers pg_isready; 0, or -1 when it died or timed out. */
static int server_wait(lbt_pg *pg)
{
    char bin[512], port[16], log[300];
    bin_path(bin, sizeof bin, "pg_isready");
    snprintf(port, sizeof port, "%d", pg->port);
    snprintf(log, sizeof log, "%s/isready.log", pg->dir);
    char *const argv[] = {bin,  "-q",       "-h", "127.0.0.1", "-p", port,
                          "-U", "postgres", "-d", "postgres",  NULL};
    long long deadline = lbt_now_ns() + (long long)START_TIMEOUT_MS * 1000000;
    if (lbt_wait_port(pg->port, START_TIMEOUT_MS) != 0)
        return -1;
    while (lbt_now_ns() < deadline) {
        if (waitpid(pg->pid, NULL, WNOHANG) == pg->pid) {
            pg->pid = 0;
            return -1;
        }
        if (run(argv, pg->dir, log) == 0)
            return 0;
        usleep(50000);
    }
    return -1;
}

static int start_server(lbt_pg *pg)
{
    char log[300];
    snprintf(log, sizeof log, "%s/postgres.log", pg->dir);
    if (server_spawn(pg) != 0 || server_wait(pg) != 0) {
        fprintf(stderr, "harness: postgres did not come up on port %d\n", pg->port);
        print_log(log);
        return -1;
    }
    return 0;
}

static int make_dir(lbt_pg *pg)
{
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(pg->dir, sizeof pg->dir, "%s/lbt-pg-XXXXXX", tmp);
    if (!mkdtemp(pg->dir)) {
        perror("harness: mkdtemp");
        pg->dir[0] = 0;
        return -1;
    }
    struct passwd *pw = getuid() == 0 ? getpwnam("postgres") : NULL;
    if (pw && chown(pg->dir, pw->pw_uid, pw->pw_gid) != 0) {
        perror("harness: chown");
        return -1;
    }
    return 0;
}

static int init_cluster(lbt_pg *pg)
{
    char bin[512], data[300], log[300];
    bin_path(bin, sizeof bin, "initdb");
    snprintf(data, sizeof data, "%s/data", pg->dir);
    snprintf(log, sizeof log, "%s/initdb.log", pg->dir);
    char *const argv[] = {bin,     "-D", data,   "-U",         "postgres",  "-A",
                          "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions",
                          NULL};
    if (run(argv, pg->dir, log) != 0) {
        fprintf(stderr, "harness: initdb failed\n");
        print_log(log);
        return -1;
    }
    return 0;
}

static int create_db(lbt_pg *pg)
{
    char bin[512], port[16], log[300];
    bin_path(bin, sizeof bin, "createdb");
    snprintf(port, sizeof port, "%d", pg->port);
    snprintf(log, sizeof log, "%s/createdb.log", pg->dir);
    char *const argv[] = {bin, "-h", "127.0.0.1", "-p", port, "-U", "postgres", "lyrebird", NULL};
    if (run(argv, pg->dir, log) != 0) {
        fprintf(stderr, "harness: createdb failed\n");
        print_log(log);
        return -1;
    }
    return 0;
}

int lbt_pg_start(lbt_pg *pg)
{
    memset(pg, 0, sizeof *pg);
    pg->port = lbt_free_port();
    if (pg->port < 0) {
        fprintf(stderr, "harness: no free port\n");
        return -1;
    }
    if (make_dir(pg) != 0 || init_cluster(pg) != 0 || start_server(pg) != 0 || create_db(pg) != 0) {
        lbt_pg_stop(pg);
        return -1;
    }
    snprintf(pg->url, sizeof pg->url, "postgres://postgres@127.0.0.1:%d/lyrebird", pg->port);
    return 0;
}

static void kill_server(lbt_pg *pg)
{
    if (pg->pid <= 0)
        return;
    kill(pg->pid, SIGQUIT); /* immediate shutdown */
    for (int i = 0; i < 500; i++) {
        if (waitpid(pg->pid, NULL, WNOHANG) == pg->pid) {
            pg->pid = 0;
            return;
        }
        usleep(10000);
    }
    kill(pg->pid, SIGKILL);
    waitpid(pg->pid, NULL, 0);
    pg->pid = 0;
}

int lbt_pg_restart(lbt_pg *pg)
{
    kill_server(pg);
    return start_server(pg);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    remove(path);
    return 0;
}

void lbt_pg_stop(lbt_pg *pg)
{
    kill_server(pg);
    if (pg->dir[0] && !getenv("LBT_KEEP"))
        nftw(pg->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    pg->dir[0] = 0;
}
