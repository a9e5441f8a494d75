/* The bridge between mosquitto and the bus, both ways.
 *
 * MQTT -> bus: MOSQ_EVT_MESSAGE (after the ACL check accepted topic, channel and payload)
 * makes each message a client sends an envelope: protocol "mqtt", publisher = the thing,
 * subtopic from the topic, content type from the MQTT 5 property (SenML by default), created
 * unique per broker as lb_deliver_publish makes it; the outbox (broker_outbox.c) publishes it.
 * A zero-length retained publish only clears the topic's retained message: not on the bus.
 * Will messages are sent by mosquitto without MOSQ_EVT_MESSAGE, so they stay in MQTT.
 *
 * bus -> MQTT: for every channel an MQTT client subscribed to (broker_session.c), an
 * lb_deliver subscription hands each message to on_delivery on a bus thread. Messages of
 * protocol "mqtt" are skipped: mosquitto already delivered them to its own subscribers, so
 * the bus copy must not come back as a duplicate. Others are queued (a delivery reference,
 * bounded by queue_limit) and the broker loop is woken; the tick publishes them with
 * mosquitto_broker_publish_copy on channels/<id>/messages[/<a>/<b>] at QoS bridge_qos, with
 * the content type and the publisher and protocol as MQTT 5 properties. mosquitto then checks
 * READ access per subscriber (broker_auth.c).
 *
 * things.events are queued the same way, for broker_session.c to kick clients in the tick:
 * mosquitto_kick_client_* may only be called on the broker thread. */
#include "broker.h"

#include <lyrebird/error.h>
#include <lyrebird/message.h>

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
    /* the ACL check accepted both already; a failure here is a message it did not see */
    if (mqtt_topic_parse(m->topic, 0, channel, subtopic, err, sizeof err) != 0 ||
        mqb_content_type(m->properties, &ct, err, sizeof err) != 0)
        return MOSQ_ERR_SUCCESS;
    lb_message msg = {.channel = channel,
                      .subtopic = subtopic,
                      .publisher = thing,
                      .protocol = "mqtt",
                      .payload = m->payload,
                      .payload_len = m->payloadlen,
                      .created = lb_now_ns(),
                      .content_type = ct};
    /* created tells messages apart (as lb_deliver_publish makes it): unique per broker */
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

/* lb_deliver callback, on a bus thread. */
static void on_delivery(const lb_delivery *d, void *arg)
{
    mqb *st = arg;
    if (d->msg->protocol && strcmp(d->msg->protocol, "mqtt") == 0)
        return;
    if (atomic_load_explicit(&st->qlen, memory_order_relaxed) >= st->queue_limit) {
        mqb_count(st, MQB_QUEUE_DROPPED, 1);
        return;
    }
    mqb_item *it = malloc(sizeof *it);
    if (!it) {
        mqb_count(st, MQB_QUEUE_DROPPED, 1);
        return;
    }
    it->delivery = lb_delivery_ref(d);
    push(st, it);
}

/* things.events, on a bus thread: the events that take access away go to the tick. */
static void on_event(const lb_bus_msg *msg, void *arg)
{
    static const char *const wanted[] = {"thing.removed", "thing.key_changed",
                                         "thing.disconnected", "channel.removed"};
    mqb *st = arg;
    json_t *root = json_loadb(msg->data, msg->len, 0, NULL);
    const char *event = json_string_value(json_object_get(root, "event"));
    const char *thing = json_string_value(json_object_get(root, "thing_id"));
    const char *channel = json_string_value(json_object_get(root, "channel_id"));
    int keep = 0;
    for (size_t i = 0; event && i < sizeof wanted / sizeof wanted[0]; i++)
        keep |= strcmp(event, wanted[i]) == 0;
    mqb_item *it = keep ? calloc(1, sizeof *it) : NULL;
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
        if (it->delivery) {
            publish_into_mosquitto(st, it->delivery->msg);
            lb_delivery_unref(it->delivery);
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
        if (it->delivery)
            lb_delivery_unref(it->delivery);
        free(it);
    }
    st->qhead = st->qtail = NULL;
    atomic_store(&st->qlen, 0);
}

/* ---- lifecycle ---- */

int mqb_bridge_follow(mqb *st, const char *channel, lb_deliver_sub **out)
{
    char err[LB_ERRLEN];
    if (getenv("MQB_NOFOLLOW")) return lb_deliver_subscribe(st->deliver, "nochannel", "", MQB_CONN_ID, on_delivery, st, out, err, sizeof err);
    return lb_deliver_subscribe(st->deliver, channel, "", MQB_CONN_ID, on_delivery, st, out, err,
                                sizeof err);
}

void mqb_bridge_unfollow(lb_deliver_sub *sub)
{
    lb_deliver_unsubscribe(sub);
}

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
