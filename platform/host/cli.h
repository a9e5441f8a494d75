/* Provisioning from a terminal: `lyrebird users|things|channels|connect|disconnect ...`,
 * calling the REST API at LB_URL (default http://127.0.0.1:LB_HTTP_PORT) with the user
 * token in LB_TOKEN. Output is a table, or the API's JSON with --json. */
#ifndef LB_CLI_H
#define LB_CLI_H

/* 1 when args[0] names a provisioning command. */
int lb_cli_handles(const char *cmd);
/* Runs it; returns the exit code (0 ok, 1 the API refused, 2 bad usage). */
int lb_cli_main(int argc, char **argv);

#endif
