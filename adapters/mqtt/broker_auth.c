/* Authentication and access control of the mosquitto plugin, on the broker thread:
 *
 *   MOSQ_EVT_BASIC_AUTH  username = thing id, password = thing key; lb_authz_identify(key)
 *                        must name that thing. Refused: CONNACK 5 (MQTT 3.1.1) or 0x87 (5).
 *   MOSQ_EVT_ACL_CHECK   the topic must be channels/<id>/messages[/<subtopic>] (topic.h) of a
 *                        channel the thing is connected to (lb_authz_thing, cached):
 *                          SUBSCRIBE  refused: SUBACK 0x80 (0x87 for MQTT 5)
 *                          WRITE      also checks an MQTT 3.1.1 payload as SenML; refused:
 *                                     dropped (QoS 0) or acknowledged and dropped (QoS 1,
 *                                     3.1.1 has no reason codes). MQTT 5 payloads are checked
 *                                     by MOSQ_EVT_MESSAGE, which knows the content type
 *                          READ       before mosquitto sends a message to a subscriber
 *                          UNSUBSCRIBE always allowed
 *
 * A cache miss asks the things service over the bus and blocks the broker loop for ~100 us
 * (mosquitto 2.0 has no deferred authentication). When the service does not answer (1 s), the
 * plugin refuses every check for BREAKER_MS without asking, so an outage of the things service
 * cannot stall the broker a second per message. */
#include "broker.h"

#include <lyrebird/error.h>
#include <lyrebird/payload.h>

#include <mqtt_protocol.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BREAKER_MS 2000

/* lb_authz_* answers, with the breaker around them. */
static int guarded(mqb *st, int rc)
{
    if (rc == LB_ETIMEDOUT || rc == LB_ENOTCONN) {
        st->breaker_until_ms = mqb_now_ms() + BREAKER_MS;
        mosquitto_log_printf(MOSQ_LOG_ERR,
                             "lyrebird: the things service does not answer (%s): refusing every "
                             "uncached check for %d ms",
                             lb_strerror(rc), BREAKER_MS);
    }
    return rc;
}

static int breaker_open(mqb *st)
{
    return st->breaker_until_ms && mqb_now_ms() < st->breaker_until_ms;
}

static int identify(mqb *st, const char *key, char *thing, char *err, size_t errlen)
{
    if (breaker_open(st)) {
        snprintf(err, errlen, "the things service is unavailable");
        return LB_ENOTCONN;
    }
    return guarded(st, lb_authz_identify(st->authz, key, thing, err, errlen));
}

static int channel_access(mqb *st, const char *thing, const char *channel, char *err, size_t errlen)
{
    if (breaker_open(st)) {
        snprintf(err, errlen, "the things service is unavailable");
        return LB_ENOTCONN;
    }
    return guarded(st, lb_authz_thing(st->authz, thing, channel, err, errlen));
}

int mqb_content_type(const mosquitto_property *props, const char **ct, char *err, size_t errlen)
{
    char *raw = NULL;
    if (props)
        mosquitto_property_read_string(props, MQTT_PROP_CONTENT_TYPE, &raw, false);
    *ct = lb_payload_type(raw, LB_CT_SENML);
    if (!*ct && err)
        snprintf(err, errlen, "unsupported content type '%s'", raw);
    free(raw); /* libmosquitto's property code allocates with calloc */
    return *ct ? 0 : LB_EINVAL;
}

static int on_basic_auth(int event, void *event_data, void *userdata)
{
    struct mosquitto_evt_basic_auth *a = event_data;
    mqb *st = userdata;
    char thing[LB_THING_ID_MAX], err[LB_ERRLEN] = "";
    (void)event;
    int rc = LB_EUNAUTH;
    if (!a->username || !a->password)
        snprintf(err, sizeof err, "a username (thing id) and password (thing key) are required");
    else if (strlen(a->username) >= LB_THING_ID_MAX)
        snprintf(err, sizeof err, "the username is not a thing id");
    else if ((rc = identify(st, a->password, thing, err, sizeof err)) == 0 &&
             strcmp(thing, a->username) != 0) {
        rc = LB_EUNAUTH;
        snprintf(err, sizeof err, "the key belongs to another thing");
    }
    if (rc != 0) {
        mqb_count(st, MQB_AUTH_REFUSED, 1);
        mqb_warn(st, "refused client '%s' from %s as '%s': %s",
                 mosquitto_client_id(a->client) ? mosquitto_client_id(a->client) : "",
                 mosquitto_client_address(a->client), a->username ? a->username : "", err);
        return MOSQ_ERR_AUTH;
    }
    mqb_count(st, MQB_AUTH_OK, 1);
    mqb_session_connected(st, a->client, thing);
    return MOSQ_ERR_SUCCESS;
}

/* The publish just accepted, for MOSQ_EVT_MESSAGE, which mosquitto raises next for it. */
static void remember(mqb *st, const struct mosquitto_evt_acl_check *a, const char *channel,
                     const char *subtopic)
{
    mqb_last *l = &st->last;
    size_t n = strlen(a->topic);
    l->client = NULL;
    if (n >= sizeof l->topic || mosquitto_client_protocol_version(a->client) == 5)
        return; /* MQTT 5: MOSQ_EVT_MESSAGE reads the content type and checks the payload */
    memcpy(l->topic, a->topic, n + 1);
    strcpy(l->channel, channel);
    strcpy(l->subtopic, subtopic);
    l->ct = LB_CT_SENML;
    l->client = a->client;
}

/* A publish's payload passes its content type's check (a zero-length retained publish, which
 * clears the topic's retained message, always does). mosquitto 2.0.11 gives the ACL check no
 * properties (event_data.properties is always NULL), so an MQTT 5 client's content type is
 * unknown here: its payload is checked by MOSQ_EVT_MESSAGE (broker_bridge.c) instead. */
static int payload_ok(const struct mosquitto_evt_acl_check *a, char *err, size_t errlen)
{
    if ((a->retain && a->payloadlen == 0) || mosquitto_client_protocol_version(a->client) == 5)
        return 1;
    return lb_payload_check(LB_CT_SENML, a->payload, a->payloadlen, err, errlen) == 0;
}

/* Channel access for c, remembered grants first. */
static int granted(mqb *st, mqb_conn *c, const char *thing, const char *channel, char *err,
                   size_t errlen)
{
    if (mqb_conn_granted(st, c, channel))
        return 0;
    int rc = channel_access(st, thing, channel, err, errlen);
    if (rc == 0)
        mqb_conn_grant(st, c, channel);
    return rc;
}

static int on_acl_check(int event, void *event_data, void *userdata)
{
    struct mosquitto_evt_acl_check *a = event_data;
    mqb *st = userdata;
    char channel[MQTT_CHANNEL_MAX + 1], subtopic[MQTT_SUBTOPIC_MAX + 1], err[LB_ERRLEN];
    const char *thing = mosquitto_client_username(a->client);
    (void)event;
    if (a->access == MOSQ_ACL_UNSUBSCRIBE)
        return MOSQ_ERR_SUCCESS;
    if (!thing)
        return MOSQ_ERR_ACL_DENIED;
    mqb_conn *c = mqb_conn_of(st, a->client); /* NULL for a session whose client is away */
    if (a->access == MOSQ_ACL_READ)           /* per delivery: the cheap path */
        return mqtt_topic_channel(a->topic, channel) == 0 &&
                       granted(st, c, thing, channel, err, sizeof err) == 0
                   ? MOSQ_ERR_SUCCESS
                   : MOSQ_ERR_ACL_DENIED;
    int filter = a->access == MOSQ_ACL_SUBSCRIBE;
    if (mqtt_topic_parse(a->topic, filter, channel, subtopic, err, sizeof err) != 0 ||
        (filter ? channel_access(st, thing, channel, err, sizeof err)
                : granted(st, c, thing, channel, err, sizeof err)) != 0)
        goto refuse;
    if (filter) {
        mqb_session_use(st, c, channel, 1);
    } else {
        if (!payload_ok(a, err, sizeof err)) {
            mqb_count(st, MQB_PUB_BAD_PAYLOAD, 1);
            mqb_warn(st, "dropped a publish of '%s' on '%s': %s", thing, a->topic, err);
            return MOSQ_ERR_ACL_DENIED;
        }
        mqb_session_use(st, c, channel, 0);
        remember(st, a, channel, subtopic);
    }
    return MOSQ_ERR_SUCCESS;
refuse:
    mqb_count(st, filter ? MQB_SUB_REFUSED : MQB_PUB_REFUSED, 1);
    mqb_warn(st, "refused %s of '%s' on '%s': %s", filter ? "a subscription" : "a publish", thing,
             a->topic, err);
    return MOSQ_ERR_ACL_DENIED;
}

int mqb_auth_register(mqb *st)
{
    int rc = mosquitto_callback_register(st->pid, MOSQ_EVT_BASIC_AUTH, on_basic_auth, NULL, st);
    if (rc == MOSQ_ERR_SUCCESS)
        rc = mosquitto_callback_register(st->pid, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL, st);
    return rc == MOSQ_ERR_SUCCESS ? 0 : LB_EIO;
}

void mqb_auth_unregister(mqb *st)
{
    mosquitto_callback_unregister(st->pid, MOSQ_EVT_BASIC_AUTH, on_basic_auth, NULL);
    mosquitto_callback_unregister(st->pid, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL);
}
