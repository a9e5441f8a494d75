/* `lyrebird`: the command line. Flags (--http-port 8081) may stand before or after the
 * command and set the LB_* settings they name. Exit codes: 0 fine, 1 failed while running,
 * 2 bad usage or configuration. */
#include "host.h"

#include "lyrebird/config.h"

#include <errno.h>
#include <limits.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "lyrebird " LB_VERSION " - an IoT messaging platform in one binary\n"
    "\n"
    "usage: lyrebird [--setting value ...] <command> [args]\n"
    "\n"
    "commands:\n"
    "  up                  run the whole platform in one process: starts and supervises\n"
    "                      nats-server (unless LB_NATS_URL is set) and loads every plugin\n"
    "                      found next to the binary\n"
    "  run <plugin>...     run only the named plugins (names, or paths to .so files) against\n"
    "                      the NATS server at LB_NATS_URL (cluster mode)\n"
    "  users create EMAIL PASSWORD | users token EMAIL PASSWORD | users profile\n"
    "  things create NAME | things list | things get ID | things delete ID\n"
    "  channels create NAME | channels list | channels get ID | channels delete ID\n"
    "  channels things CHANNEL_ID | connect THING_ID CHANNEL_ID | disconnect THING_ID CHANNEL_ID\n"
    "                      provision through the REST API at LB_URL with LB_TOKEN\n"
    "                      (--json prints the API's JSON)\n"
    "  sim [options]       LoRaWAN gateway and device simulator (lyrebird-sim; sim --help)\n"
    "  version             print the version\n"
    "  help                print this text\n"
    "\n"
    "settings (environment variables, or flags: LB_HTTP_PORT is --http-port):\n"
    "  LB_HTTP_PORT        HTTP front: REST API, /health, /metrics (8080)\n"
    "  LB_NATS_PORT        port of the nats-server `up` starts (4222)\n"
    "  LB_NATS_URL         use this NATS server instead (nats://host:4222[,nats://...])\n"
    "  LB_DATA_DIR         data folder (./data); child server logs go to its logs/\n"
    "  LB_PLUGIN_DIR       where plugins are found (the binary's folder)\n"
    "  LB_LOOPBACK_ONLY    listen on 127.0.0.1 only (false)\n"
    "  LB_LOG_LEVEL        debug, info, warn or error (info)\n"
    "  LB_DB_URL           things database: postgres://... or an SQLite file\n"
    "                      (<data>/things.db)\n"
    "  LB_ADMIN_EMAIL, LB_ADMIN_PASSWORD  the first admin, created at start\n"
    "  LB_TOKEN_SECRET     signs user tokens; share it across a cluster (<data>/token.key)\n"
    "  LB_OPEN_REGISTRATION  anyone may create a user (false)\n"
    "  LB_URL, LB_TOKEN    API address and user token for the provisioning commands\n";

/* Moves flags out of argv[from..argc) into the config, keeping the other arguments in
 * order at args. Returns how many were kept, or -1 after printing the error. */
static int take_flags(int argc, char **argv, int from, char **args)
{
    int kept = 0;
    for (int i = from; i < argc;) {
        if (strcmp(argv[i], "--json") == 0) { /* the one flag without a value */
            lb_config_set("LB_JSON", "1");
            i++;
            continue;
        }
        if (strncmp(argv[i], "--", 2) != 0) {
            args[kept++] = argv[i++];
            continue;
        }
        char err[LB_ERRLEN];
        int used = lb_config_parse_flags(argc - i, argv + i, err, sizeof err);
        if (used <= 0) {
            fprintf(stderr, "lyrebird: %s\n", used < 0 ? err : "bad flag");
            return -1;
        }
        i += used;
    }
    return kept;
}

/* Provisioning commands live in lyrebird-cli, next to this binary. */
static int is_cli_command(const char *cmd)
{
    static const char *const cmds[] = {"users", "things", "channels", "connect", "disconnect"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(cmd, cmds[i]) == 0)
            return 1;
    return 0;
}

/* Execs the program `name` that lives next to this binary, with argv (argv[0] replaced). */
static int run_helper(const char *name, char **argv)
{
    char exe[PATH_MAX], path[PATH_MAX + 32];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    snprintf(path, sizeof path, "%s/%s", dirname(exe), name);
    argv[0] = path;
    execv(path, argv);
    fprintf(stderr, "lyrebird: cannot run %s: %s\n", path, strerror(errno));
    return 2;
}

int main(int argc, char **argv)
{
    char *args[256];
    if (argc > 1 && strcmp(argv[1], "sim") == 0) /* its --flags are its own */
        return run_helper("lyrebird-sim", argv + 1);
    if (argc > 256) {
        fprintf(stderr, "lyrebird: too many arguments\n");
        return 2;
    }
    int n = take_flags(argc, argv, 1, args);
    if (n < 0)
        return 2;
    const char *cmd = n > 0 ? args[0] : "help";
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("lyrebird %s (plugin ABI %d)\n", LB_VERSION, LB_PLUGIN_ABI);
        return 0;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "-h") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "up") == 0) {
        if (n > 1) {
            fprintf(stderr, "lyrebird: up takes no arguments (did you mean run?)\n");
            return 2;
        }
        return lb_host_main(LB_MODE_UP, NULL, 0);
    }
    if (strcmp(cmd, "run") == 0) {
        if (n < 2) {
            fprintf(stderr, "lyrebird: run needs at least one plugin name\n");
            return 2;
        }
        return lb_host_main(LB_MODE_RUN, args + 1, n - 1);
    }
    if (is_cli_command(cmd))
        return run_helper("lyrebird-cli", argv);
    fprintf(stderr, "lyrebird: unknown command '%s'; try 'lyrebird help'\n", cmd);
    return 2;
}
