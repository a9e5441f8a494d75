/* Structured logging in logfmt on stderr: "ts=... level=... plugin=... msg=\"...\" k=v".
 * Each line is formatted into a stack buffer and written with one write(2), so lines from
 * concurrent threads never interleave. */
#include "lyrebird/log.h"
#include "lyrebird/error.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static atomic_int min_level = LB_LOG_INFO;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void lb_log_set_level(lb_log_level level)
{
    atomic_store(&min_level, (int)level);
}

lb_log_level lb_log_get_level(void)
{
    return (lb_log_level)atomic_load(&min_level);
}

int lb_log_parse_level(const char *s, lb_log_level *out)
{
    for (int i = 0; i < 4; i++) {
        if (s && strcasecmp(s, level_names[i]) == 0) {
            *out = (lb_log_level)i;
            return 0;
        }
    }
    if (s && strcasecmp(s, "warning") == 0) {
        *out = LB_LOG_WARN;
        return 0;
    }
    return LB_EINVAL;
}

/* Appends s as a quoted logfmt value, escaping quotes, backslashes and control bytes. */
static size_t put_quoted(char *buf, size_t at, size_t cap, const char *s)
{
    if (at < cap)
        buf[at++] = '"';
    for (; s && *s && at + 4 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            buf[at++] = '\\';
            buf[at++] = (char)c;
        } else if (c == '\n') {
            buf[at++] = '\\';
            buf[at++] = 'n';
        } else if (c < 0x20) {
            buf[at++] = '?';
        } else {
            buf[at++] = (char)c;
        }
    }
    if (at < cap)
        buf[at++] = '"';
    return at;
}

void lb_logv(lb_log_level level, const char *component, const char *msg, const char *kv_fmt,
             va_list ap)
{
    if ((int)level < atomic_load(&min_level))
        return;
    if ((unsigned)level > LB_LOG_ERROR)
        level = LB_LOG_ERROR;
    char line[2048];
    const size_t cap = sizeof line - 1; /* room for the newline */
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    int n = snprintf(line, cap, "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s plugin=%s msg=",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, ts.tv_nsec / 1000000, level_names[level],
                     component ? component : "-");
    size_t at = n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap;
    at = put_quoted(line, at, cap, msg);
    if (kv_fmt && *kv_fmt && at + 1 < cap) {
        line[at++] = ' ';
        n = vsnprintf(line + at, cap - at, kv_fmt, ap);
        if (n > 0)
            at += (size_t)n < cap - at ? (size_t)n : cap - at - 1;
    }
    line[at++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, at);
    (void)w;
}

void lb_log(lb_log_level level, const char *component, const char *msg, const char *kv_fmt, ...)
{
    va_list ap;
    va_start(ap, kv_fmt);
    lb_logv(level, component, msg, kv_fmt, ap);
    va_end(ap);
}
