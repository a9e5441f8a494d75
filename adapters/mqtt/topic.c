/* MQTT topic <-> channel and subtopic (topic.h). The fixed prefix is matched by hand (every
 * publish and every delivery checks its topic), the subtopic goes through the bus's own
 * lb_subtopic_normalize so MQTT, HTTP, CoAP and WebSocket agree on what a subtopic is. */
#include "topic.h"

#include <lyrebird/bus.h>
#include <lyrebird/error.h>

#include <stdio.h>
#include <string.h>

static const char prefix[] = "channels/";
static const char help[] = "topic must be channels/<channel id>/messages[/<subtopic>]";

/* Bytes a channel id may not hold: MQTT wildcards, NATS wildcards and separators, space,
 * controls and DEL. */
static const unsigned char channel_refused[256] = {
    [0 ... 0x20] = 1, [0x7f] = 1, ['.'] = 1, ['*'] = 1, ['>'] = 1, ['/'] = 1, ['+'] = 1, ['#'] = 1,
};

/* Maps the MQTT subtopic (slashed, MQTT wildcards) to bus form in out (outlen bytes), so that
 * lb_subtopic_normalize can check it: '+' and '#' levels become '*' and '>'; a literal '*' or
 * '>' (a NATS wildcard, not an MQTT one) is refused. */
static int map_wildcards(const char *sub, int filter, char *out, size_t outlen, char *err,
                         size_t errlen)
{
    size_t n = strlen(sub);
    if (n >= outlen) {
        snprintf(err, errlen, "subtopic is longer than %zu characters", outlen - 1);
        return LB_ETOOBIG;
    }
    for (size_t i = 0; i < n; i++) {
        char c = sub[i];
        if (c == '*' || c == '>') {
            snprintf(err, errlen, "subtopic may not contain '%c'", c);
            return LB_EINVAL;
        }
        if ((c == '+' || c == '#') && !filter) {
            snprintf(err, errlen, "cannot publish on a topic with wildcards");
            return LB_EINVAL;
        }
        int whole = (i == 0 || sub[i - 1] == '/') && (sub[i + 1] == '/' || sub[i + 1] == 0);
        if ((c == '+' || c == '#') && !whole) {
            snprintf(err, errlen, "wildcard '%c' must stand alone as a topic level", c);
            return LB_EINVAL;
        }
        if (c == '#' && sub[i + 1] != 0) {
            snprintf(err, errlen, "wildcard '#' must be the last topic level");
            return LB_EINVAL;
        }
        out[i] = c == '+' ? '*' : c == '#' ? '>' : c;
    }
    out[n] = 0;
    return 0;
}

int mqtt_topic_parse(const char *topic, int filter, char *channel, char *subtopic, char *err,
                     size_t errlen)
{
    char mapped[MQTT_SUBTOPIC_MAX * 2 + 2];
    if (!topic || strncmp(topic, prefix, sizeof prefix - 1) != 0) {
        snprintf(err, errlen, "%s", help);
        return LB_EINVAL;
    }
    const char *id = topic + sizeof prefix - 1;
    size_t n = strcspn(id, "/");
    if (n == 0) {
        snprintf(err, errlen, "%s", help);
        return LB_EINVAL;
    }
    if (n > MQTT_CHANNEL_MAX) {
        snprintf(err, errlen, "channel id is longer than %d characters", MQTT_CHANNEL_MAX);
        return LB_ETOOBIG;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)id[i];
        if (channel_refused[c]) {
            snprintf(err, errlen,
                     c == '+' || c == '#' ? "wildcards are not allowed in the channel id"
                                          : "channel id contains a character it may not hold");
            return LB_EINVAL;
        }
    }
    const char *rest = id + n;
    if (strncmp(rest, "/messages", 9) != 0 || (rest[9] != 0 && rest[9] != '/')) {
        snprintf(err, errlen, "%s", help);
        return LB_EINVAL;
    }
    memcpy(channel, id, n);
    channel[n] = 0;
    const char *sub = rest[9] ? rest + 10 : "";
    int rc = map_wildcards(sub, filter, mapped, sizeof mapped, err, errlen);
    if (rc == 0)
        rc = lb_subtopic_normalize(mapped, filter, subtopic, MQTT_SUBTOPIC_MAX + 1, err, errlen);
    return rc;
}

int mqtt_topic_channel(const char *topic, char *channel)
{
    if (strncmp(topic, prefix, sizeof prefix - 1) != 0)
        return LB_EINVAL;
    const char *id = topic + sizeof prefix - 1;
    size_t n = 0;
    for (; id[n] && id[n] != '/'; n++)
        if (n == MQTT_CHANNEL_MAX || channel_refused[(unsigned char)id[n]])
            return LB_EINVAL;
    if (n == 0 || strncmp(id + n, "/messages", 9) != 0 || (id[n + 9] && id[n + 9] != '/'))
        return LB_EINVAL;
    memcpy(channel, id, n);
    channel[n] = 0;
    return 0;
}

int mqtt_topic_build(const char *channel, const char *subtopic, char *out, size_t outlen)
{
    int n = snprintf(out, outlen, "channels/%s/messages%s%s", channel,
                     subtopic && *subtopic ? "/" : "", subtopic ? subtopic : "");
    if (n < 0 || (size_t)n >= outlen)
        return LB_ETOOBIG;
    for (char *p = out + n - (subtopic ? strlen(subtopic) : 0); *p; p++)
        if (*p == '.')
            *p = '/';
    return 0;
}
