/* The bridge between mosquitto and the bus, both ways.
 *
 * MQTT -> bus: MOSQ_EVT_MESSAGE (after the ACL check accepted topic, channel and payload)
 * makes each message a client sends an envelope: protocol "mqtt", publisher = the thing,
 * subtopic from the topic, content type from the MQTT 5 property (SenML by default), created
 * unique per broker (as lb_deliver_publish makes it); the outbox (broker_outbox.c) publishes
 * it on the no-echo connection. A zero-length retained publish only clears the topic's
 * retained message: not on the bus. Will messages are sent by mosquitto without
 * MOSQ_EVT_MESSAGE, so they stay in MQTT.
 *
 * bus -> MQTT: for every channel an MQTT client subscribed to (broker_session.c) the plugin
 * follows channels.<id> and channels.<id>.> (broker_nats.c). This broker's own messages never
 * come back (no echo): mosquitto delivered them to its subscribers already, and the bus copy
 * must not come back as a duplicate. Every other message (HTTP, WebSocket, CoAP, LoRa, another
 * broker's MQTT) is queued for the broker thread (bounded by queue_limit) and the loop is
 * woken; the tick publishes it with mosquitto_broker_publish_copy on
 * channels/<id>/messages[/<a>/<b>] at QoS bridge_qos, with the content type, publisher and
 * protocol as MQTT 5 properties. mosquitto then checks READ access per subscriber.
 *
 * things.events are queued the same way, for broker_session.c to kick clients in the tick:
 * mosquitto_kick_client_* may only be called on the broker thread. */
#include "broker.h"

#include <lyrebird/error.h>
#include <lyrebird/message.h>
#include <lyrebird/payload.h>

#include <jansson.h>
#include <mqtt_protocol.h>
#include <stdlib.h>
#include <string.h>

/* ---- MQTT -> bus ---- */

static int on_message(int event, void *event_data, void *userdata)
{
    struct mosquitto_evt_message *m = event_data;
    mqb *st = userdata;
    char channel[MQTT_CHANNEL_MAX + 1], subtopic[MQTT_SUBTOPIC_MAX + 1], err[LB_ERRLEN];
    const char *ct;
    (void)event;
    const char *thing = m->client ? mosquitto_client_username(m->client) : NULL;
    if (!thing || (m->retain && m->payloadlen == 0))
        return MOSQ_ERR_SUCCESS;
    mqb_last *l = &st->last;
    const char *ch = channel, *sub = subtopic;
    if (l->client == m->client && strcmp(l->topic, m->topic) == 0) {
        ch = l->channel, sub = l->subtopic, ct = l->ct; /* checked by the ACL check */
    } else if (mqtt_topic_parse(m->topic, 0, channel, subtopic, err, sizeof err) != 0) {
        return MOSQ_ERR_SUCCESS; /* the ACL check refused it already */
    } else if (mqb_content_type(m->properties, &ct, err, sizeof err) != 0 ||
               lb_payload_check(ct, m->payload, m->payloadlen, err, sizeof err) != 0) {
        /* an MQTT 5 publish, whose content type only this event knows */
        mqb_count(st, MQB_PUB_BAD_PAYLOAD, 1);
        mqb_warn(st, "dropped a publish of '%s' on '%s': %s", thing, m->topic, err);
        m->reason_code = MQTT_RC_PAYLOAD_FORMAT_INVALID;
        return MOSQ_ERR_ACL_DENIED;
    }
    lb_message msg = {.channel = ch,
                      .subtopic = sub,
                      .publisher = thing,
                      .protocol = "mqtt",
                      .payload = m->payload,
                      .payload_len = m->payloadlen,
                      .created = lb_now_ns(),
                      .content_type = ct};
    /* created tells messages apart: unique per broker */
    if (msg.created <= st->last_created)
        msg.created = st->last_created + 1;
    st->last_created = msg.created;
    int rc = mqb_outbox_put(st, &msg);
    if (rc != 0) {
        mqb_count(st, MQB_TO_BUS_FAILED, 1);
        mqb_warn(st, "cannot publish a message of '%s' on the bus: %s", thing, lb_strerror(rc));
    }
    return MOSQ_ERR_SUCCESS;
}

/* ---- the queue to the broker thread ---- */

static void push(mqb *st, mqb_item *it)
{
    it->next = NULL;
    pthread_mutex_lock(&st->qlock);
    if (st->qtail)
        st->qtail->next = it;
    else
        st->qhead = it;
    st->qtail = it;
    atomic_fetch_add_explicit(&st->qlen, 1, memory_order_release);
    pthread_mutex_unlock(&st->qlock);
    mqb_wake_up(st);
}

void mqb_bridge_incoming(mqb *st, lb_message *m)
{
    if (atomic_load_explicit(&st->qlen, memory_order_relaxed) >= st->queue_limit) {
        mqb_count(st, MQB_QUEUE_DROPPED, 1);
        lb_message_free(m);
        return;
    }
    mqb_item *it = malloc(sizeof *it);
    if (!it) {
        mqb_count(st, MQB_QUEUE_DROPPED, 1);
        lb_message_free(m);
        return;
    }
    it->msg = m;
    push(st, it);
}

/* things.events, on a bus thread: the events that take access away go to the tick. */
static void on_event(const lb_bus_msg *msg, void *arg)
{
    static const char *const wanted[] = {"thing.removed", "thing.key_changed", "thing.disconnected",
                                         "channel.removed"};
    mqb *st = arg;
    json_t *root = json_loadb(msg->data, msg->len, 0, NULL);
    const char *event = json_string_value(json_object_get(root, "event"));
    const char *thing = json_string_value(json_object_get(root, "thing_id"));
    const char *channel = json_string_value(json_object_get(root, "channel_id"));
    int keep = 0;
    for (size_t i = 0; event && i < sizeof wanted / sizeof wanted[0]; i++)
        keep |= strcmp(event, wanted[i]) == 0;
    mqb_item *it = keep ? calloc(1, sizeof *it) : NULL; /* msg NULL: an event */
    if (it) {
        snprintf(it->event, sizeof it->event, "%s", event);
        snprintf(it->thing, sizeof it->thing, "%s", thing ? thing : "");
        snprintf(it->channel, sizeof it->channel, "%s", channel ? channel : "");
        push(st, it);
    }
    json_decref(root);
}

/* ---- bus -> MQTT, in the tick ---- */

static void publish_into_mosquitto(mqb *st, const lb_message *m)
{
    char topic[sizeof "channels//messages/" + MQTT_CHANNEL_MAX + MQTT_SUBTOPIC_MAX];
    mosquitto_property *props = NULL;
    if (mqtt_topic_build(m->channel, m->subtopic, topic, sizeof topic) != 0 ||
        strlen(m->channel) > MQTT_CHANNEL_MAX)
        return;
    if (m->content_type && *m->content_type)
        mosquitto_property_add_string(&props, MQTT_PROP_CONTENT_TYPE, m->content_type);
    if (m->publisher && *m->publisher)
        mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY, "publisher",
                                           m->publisher);
    if (m->protocol && *m->protocol)
        mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY, "protocol",
                                           m->protocol);
    int rc = mosquitto_broker_publish_copy(NULL, topic, (int)m->payload_len, m->payload,
                                           st->bridge_qos, false, props);
    if (rc != MOSQ_ERR_SUCCESS) {
        mosquitto_property_free_all(&props);
        mqb_warn(st, "cannot publish a bus message on '%s': %s", topic, mosquitto_strerror(rc));
        return;
    }
    mqb_count(st, MQB_FROM_BUS, 1);
}

void mqb_bridge_drain(mqb *st)
{
    pthread_mutex_lock(&st->qlock);
    mqb_item *it = st->qhead;
    st->qhead = st->qtail = NULL;
    atomic_store_explicit(&st->qlen, 0, memory_order_relaxed);
    pthread_mutex_unlock(&st->qlock);
    while (it) {
        mqb_item *next = it->next;
        if (it->msg) {
            publish_into_mosquitto(st, it->msg);
            lb_message_free(it->msg);
        } else {
            mqb_session_event(st, it);
        }
        free(it);
        it = next;
    }
}

void mqb_bridge_clear(mqb *st)
{
    mqb_item *it = st->qhead, *next;
    for (; it; it = next) {
        next = it->next;
        lb_message_free(it->msg);
        free(it);
    }
    st->qhead = st->qtail = NULL;
    atomic_store(&st->qlen, 0);
}

/* ---- lifecycle ---- */

int mqb_bridge_start(mqb *st)
{
    if (lb_bus_subscribe(st->bus, LB_AUTHZ_EVENTS, NULL, on_event, st, &st->events) != 0)
        return LB_EIO;
    if (mosquitto_callback_register(st->pid, MOSQ_EVT_MESSAGE, on_message, NULL, st) !=
        MOSQ_ERR_SUCCESS)
        return LB_EIO;
    return 0;
}

void mqb_bridge_stop(mqb *st)
{
    mosquitto_callback_unregister(st->pid, MOSQ_EVT_MESSAGE, on_message, NULL);
    lb_bus_unsubscribe(st->events);
    st->events = NULL;
}
