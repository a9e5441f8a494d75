/* libFuzzer target for the InfluxDB reader's query builder (writers/influxdb/reader_query.c):
 * the input is a URL query string ("name=temp&v=1&comparator=gt", percent-decoded as the HTTP
 * front does), its first "channel" argument the channel id. Both builders run on it. A
 * success must give statements whose structure no parameter changed: every literal closed,
 * no control character, and outside the literals exactly the statement separators we write
 * (one ';' for messages, none for series); a failure must name a parameter. */
#include "influx.h"

#include <lyrebird/error.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 32

typedef struct args {
    const char *kv[2 * MAX_ARGS + 1];
} args;

static const char *get(void *arg, const char *name)
{
    const args *a = arg;
    for (size_t i = 0; a->kv[i]; i += 2)
        if (strcmp(a->kv[i], name) == 0)
            return a->kv[i + 1];
    return NULL;
}

static int hex(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes s in place (%XX and '+'); a %00 ends the string as it would in C. */
static void decode(char *s)
{
    char *o = s;
    for (char *p = s; *p; p++) {
        if (*p == '+') {
            *o++ = ' ';
        } else if (*p == '%' && hex(p[1]) >= 0 && hex(p[2]) >= 0) {
            *o++ = (char)(hex(p[1]) * 16 + hex(p[2]));
            p += 2;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
}

/* Checks the statement skeleton: returns the number of ';' outside literals, or -1. */
static int skeleton(const char *q)
{
    int in = 0, semis = 0;
    for (const char *p = q; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return -1;
        if (in) {
            if (*p == '\\') {
                if (p[1] != '\\' && p[1] != '\'')
                    return -1; /* we only ever write these two escapes */
                p++;
            } else if (*p == '\'') {
                in = 0;
            }
        } else if (*p == '\'') {
            in = 1;
        } else if (*p == ';') {
            semis++;
        }
    }
    return in ? -1 : semis;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    args a = {{0}};
    size_t n = 0;
    const char *channel = "c1";
    char *save = NULL;
    for (char *tok = strtok_r(buf, "&", &save); tok && n < MAX_ARGS;
         tok = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(tok, '=');
        char *v = eq ? eq + 1 : tok + strlen(tok);
        if (eq)
            *eq = '\0';
        decode(tok);
        decode(v);
        if (strcmp(tok, "channel") == 0 && channel[0] == 'c' && channel[1] == '1') {
            channel = v;
            continue;
        }
        a.kv[2 * n] = tok;
        a.kv[2 * n + 1] = v;
        n++;
    }

    char err[256];
    influx_messages_query m;
    int rc = influx_query_messages(channel, get, &a, &m, err, sizeof err);
    if (rc == 0) {
        if (!m.text || skeleton(m.text) != 1 || m.limit < 1 || m.limit > INFLUX_LIMIT_MAX)
            abort();
    } else if (rc != LB_EINVAL || m.text || !strchr(err, '"')) {
        abort();
    }
    influx_messages_query_clear(&m);

    influx_series_query s;
    rc = influx_query_series(channel, get, &a, 1700000000.0, &s, err, sizeof err);
    if (rc == 0) {
        if (!s.text || !s.name || skeleton(s.text) != 0)
            abort();
    } else if (rc != LB_EINVAL || s.text || !strchr(err, '"')) {
        abort();
    }
    influx_series_query_clear(&s);
    free(buf);
    return 0;
}
