/* Channel subjects on the bus, with Mainflux's subtopic rules: "a/b" -> "channels.<id>.a.b".
 * '/' and '.' separate parts, empty parts are dropped, '*' and '>' are whole parts only (and
 * only for subscribers, '>' last); whitespace and control characters are refused because
 * NATS subjects cannot carry them. */
#include "lyrebird/bus.h"
#include "lyrebird/error.h"

#include <stdio.h>
#include <string.h>

static int bad_char(unsigned char c)
{
    return c <= 0x20 || c == 0x7f;
}

/* Bytes a channel id may not hold: space, controls, DEL, and the subject syntax . * > /.
 * A table, because every publish checks its channel. */
static const unsigned char channel_refused[256] = {
    [0 ... 0x20] = 1, [0x7f] = 1, ['.'] = 1, ['*'] = 1, ['>'] = 1, ['/'] = 1,
};

int lb_subtopic_normalize(const char *subtopic, int wildcards, char *out, size_t outlen, char *err,
                          size_t errlen)
{
    size_t at = 0;
    const char *p = subtopic ? subtopic : "";
    if (outlen == 0)
        return LB_ETOOBIG;
    while (*p) {
        size_t n = strcspn(p, "/.");
        const char *part = p;
        p += n;
        if (*p)
            p++;
        if (n == 0)
            continue;
        int wild = memchr(part, '*', n) || memchr(part, '>', n);
        if (wild && !wildcards) {
            snprintf(err, errlen, "subtopic part '%.*s': wildcards '*' and '>' are only for subscribing",
                     (int)n, part);
            return LB_EINVAL;
        }
        if (wild && !(n == 1 && (part[0] == '*' || (part[0] == '>' && p[strspn(p, "/.")] == 0)))) {
            snprintf(err, errlen,
                     "subtopic part '%.*s': '*' and '>' must stand alone as a part, and '>' must be last",
                     (int)n, part);
            return LB_EINVAL;
        }
        for (size_t i = 0; i < n; i++) {
            if (bad_char((unsigned char)part[i])) {
                snprintf(err, errlen, "subtopic part '%.*s' contains a space or control character",
                         (int)n, part);
                return LB_EINVAL;
            }
        }
        if (at + (at ? 1 : 0) + n + 1 > outlen) {
            snprintf(err, errlen, "subtopic is longer than %zu characters", outlen - 1);
            return LB_ETOOBIG;
        }
        if (at)
            out[at++] = '.';
        memcpy(out + at, part, n);
        at += n;
    }
    out[at] = 0;
    return 0;
}

int lb_subject_build(const char *channel, const char *subtopic, int wildcards, char *out,
                     size_t outlen, char *err, size_t errlen)
{
    static const char prefix[] = "channels.";
    size_t n = channel ? strlen(channel) : 0;
    if (n == 0) {
        snprintf(err, errlen, "channel id is empty");
        return LB_EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)channel[i];
        if (channel_refused[c]) {
            snprintf(err, errlen, "channel id '%.64s' contains '%c', which is not allowed", channel,
                     bad_char(c) ? '?' : c);
            return LB_EINVAL;
        }
    }
    if (sizeof prefix - 1 + n + 2 > outlen) {
        snprintf(err, errlen, "channel id is longer than %zu characters", outlen - sizeof prefix - 1);
        return LB_ETOOBIG;
    }
    memcpy(out, prefix, sizeof prefix - 1);
    memcpy(out + sizeof prefix - 1, channel, n);
    size_t at = sizeof prefix - 1 + n;
    out[at] = 0;
    if (!subtopic || !*subtopic)
        return 0;
    int rc = lb_subtopic_normalize(subtopic, wildcards, out + at + 1, outlen - at - 1, err, errlen);
    if (rc == 0 && out[at + 1])
        out[at] = '.';
    return rc;
}
