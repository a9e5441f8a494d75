/* Configuration: LB_* settings from command-line flags and the environment. A flag
 * `--http-port=8081` (or `--http-port 8081`) sets LB_HTTP_PORT and wins over the
 * environment. Typed getters validate and, on a bad value, write an error that names the
 * setting, e.g. "LB_HTTP_PORT: 'abc' is not a port number (1-65535)". */
#ifndef LYREBIRD_CONFIG_H
#define LYREBIRD_CONFIG_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Sets a value as a flag would (copies both strings). name is the full name, "LB_HTTP_PORT".
 * Not thread-safe: call before starting threads. Returns 0 or LB_ENOMEM. */
int lb_config_set(const char *name, const char *value);

/* Consumes leading `--name=value` / `--name value` flags of argv, storing each as LB_NAME
 * (dashes become underscores, upper-cased). Returns how many argv entries were used, or
 * LB_EINVAL with err filled when a flag lacks a value. */
int lb_config_parse_flags(int argc, char **argv, char *err, size_t errlen);

/* The value of a setting (flag, then environment), or NULL when unset or empty. The
 * returned string stays valid until lb_config_reset(). */
const char *lb_config_get(const char *name);

/* The value, or def when unset. */
const char *lb_config_str(const char *name, const char *def);

/* Integer in [min, max]; def when unset. Returns 0 or LB_EINVAL with err filled. */
int lb_config_int(const char *name, long def, long min, long max, long *out, char *err,
                  size_t errlen);

/* A TCP/UDP port (1-65535); def when unset. Returns 0 or LB_EINVAL with err filled. */
int lb_config_port(const char *name, int def, int *out, char *err, size_t errlen);

/* true/false/1/0/yes/no/on/off; def when unset. Returns 0 or LB_EINVAL with err filled. */
int lb_config_bool(const char *name, int def, int *out, char *err, size_t errlen);

/* Forgets every flag value (tests). */
void lb_config_reset(void);

#ifdef __cplusplus
}
#endif
#endif
