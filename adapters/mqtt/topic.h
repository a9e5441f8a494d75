/* MQTT topics of the Lyrebird MQTT adapter: channels/<channel id>/messages[/<subtopic>].
 *
 * A topic (publish) or topic filter (subscribe) names exactly one channel: the first three
 * levels are "channels", a channel id and "messages", none of them a wildcard. The levels
 * after them are the subtopic; in a filter they may hold MQTT's wildcards ('+' a level, '#'
 * the rest, last), which map to the bus's '*' and '>'. The subtopic then follows the bus's
 * rules (bus.h: lb_subtopic_normalize): '.' separates parts like '/', empty parts are
 * dropped, and no part may hold '*', '>' (NATS wildcards), whitespace or control characters.
 * Pure functions, no I/O: used by the mosquitto plugin on the broker thread. */
#ifndef LB_MQTT_TOPIC_H
#define LB_MQTT_TOPIC_H

#include <stddef.h>

#define MQTT_CHANNEL_MAX  64  /* longest channel id, bytes */
#define MQTT_SUBTOPIC_MAX 256 /* longest dotted subtopic, bytes */

/* Parses topic (filter != 0: a subscription's topic filter, wildcards allowed in the
 * subtopic). On success writes the channel id to channel (MQTT_CHANNEL_MAX + 1 bytes) and the
 * dotted subtopic to subtopic (MQTT_SUBTOPIC_MAX + 1 bytes; "" for none; '+' and '#' written
 * as '*' and '>'), and returns 0. Otherwise returns LB_EINVAL (or LB_ETOOBIG) with err filled
 * with a sentence naming what is wrong. */
int mqtt_topic_parse(const char *topic, int filter, char *channel, char *subtopic, char *err,
                     size_t errlen);

/* The channel id of a topic that mosquitto is about to deliver (READ access): only the
 * channel is looked at, the subtopic was checked when the message was published. Returns 0
 * with channel (MQTT_CHANNEL_MAX + 1 bytes) written, or LB_EINVAL. */
int mqtt_topic_channel(const char *topic, char *channel);

/* Writes the MQTT topic of a bus message on channel with dotted subtopic ("a.b" becomes
 * channels/<channel>/messages/a/b) to out. Returns 0, or LB_ETOOBIG when outlen is short. */
int mqtt_topic_build(const char *channel, const char *subtopic, char *out, size_t outlen);

#endif
