/* Structured logging: one line per event on stderr, in logfmt:
 *   ts=2026-11-21T09:10:00.123Z level=info plugin=host msg="plugin started" name=http
 * Thread-safe; each line is written with a single write(2). */
#ifndef LYREBIRD_LOG_H
#define LYREBIRD_LOG_H

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { LB_LOG_DEBUG = 0, LB_LOG_INFO = 1, LB_LOG_WARN = 2, LB_LOG_ERROR = 3 } lb_log_level;

/* Logs msg for component (e.g. a plugin name). kv_fmt is a printf format for the trailing
 * key=value pairs, or NULL; a value that may hold spaces should be written quoted, as
 * key=\"%s\". Lines below the current level are dropped cheaply. */
void lb_log(lb_log_level level, const char *component, const char *msg, const char *kv_fmt, ...)
    __attribute__((format(printf, 4, 5)));
void lb_logv(lb_log_level level, const char *component, const char *msg, const char *kv_fmt,
             va_list ap);

/* Sets the minimum level written (default info). */
void lb_log_set_level(lb_log_level level);
lb_log_level lb_log_get_level(void);

/* Parses "debug", "info", "warn" or "error". Returns 0 or LB_EINVAL. */
int lb_log_parse_level(const char *s, lb_log_level *out);

#ifdef __cplusplus
}
#endif
#endif
