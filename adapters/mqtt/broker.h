/* The mosquitto plugin's private interface (mosquitto-lyrebird.so, loaded by mosquitto 2.0
 * with `plugin`; plugin API v5). Its files:
 *   broker.c          entry points (version, init, cleanup), options, the tick that drains the
 *                     queue, statistics on the bus
 *   broker_auth.c     MOSQ_EVT_BASIC_AUTH and MOSQ_EVT_ACL_CHECK: thing id + key, channel
 *                     access through the lb_authz cache, payload checks of publishes
 *   broker_session.c  connections, sessions and the channels their subscriptions follow on the
 *                     bus; MOSQ_EVT_DISCONNECT; things.status events; kicks on things.events
 *   broker_bridge.c   MOSQ_EVT_MESSAGE to the bus; bus messages and things.events to the queue
 *                     and, in the tick, into mosquitto
 *   broker_outbox.c   the publisher thread that puts MQTT clients' messages on the bus
 *   broker_nats.c     the no-echo NATS connection those messages and followed channels use
 *   broker_wake.c     wakes the broker loop when the queue gets work
 *
 * Threads. mosquitto runs one thread (the broker thread): every mosquitto callback, and every
 * mosquitto_* call of the plugin, happens on it; the tables (conns, sessions, channels) are
 * used on it only. cnats threads run the bus callbacks (channel deliveries, things.events):
 * they only append to the queue (its lock) and wake the broker thread; the tick drains the
 * queue. The waker thread (broker_wake.c) only sends signals. The publisher thread
 * (broker_outbox.c) takes encoded envelopes from the outbox and publishes them. cnats' delivery
 * thread runs the followed channels' callbacks (broker_nats.c), which only queue. */
#ifndef LB_MQTT_BROKER_H
#define LB_MQTT_BROKER_H

#include "table.h"
#include "topic.h"

#include <lyrebird/authz.h>
#include <lyrebird/bus.h>
#include <lyrebird/message.h>

#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#define MQB_STATUS_SUBJECT "things.status" /* connection events */
#define MQB_STATS_SUBJECT  "mqtt.stats"    /* the plugin's counters, read by lyrebird-mqtt.so */

typedef struct mqb mqb;
typedef struct conn mqb_conn;         /* an authenticated connection (broker_session.c) */
typedef struct mqb_follow mqb_follow; /* a followed channel's subscriptions */
typedef struct __natsConnection natsConnection;

/* Counters, published on MQB_STATS_SUBJECT (names as in the JSON and /metrics). */
enum mqb_stat {
    MQB_AUTH_OK,         /* connections authenticated */
    MQB_AUTH_REFUSED,    /* CONNECTs refused */
    MQB_SUB_REFUSED,     /* subscriptions refused */
    MQB_PUB_REFUSED,     /* publishes refused: topic or channel access */
    MQB_PUB_BAD_PAYLOAD, /* publishes refused: payload fails its content type's check */
    MQB_TO_BUS,          /* messages from MQTT clients published on the bus */
    MQB_TO_BUS_FAILED,   /* ... that the bus refused */
    MQB_FROM_BUS,        /* bus messages of other protocols published into mosquitto */
    MQB_QUEUE_DROPPED,   /* bus messages dropped: the queue to the broker thread was full */
    MQB_KICKED,          /* clients disconnected because a thing or channel changed */
    MQB_WAKES,           /* signals sent to wake the broker loop */
    MQB_STAT_COUNT
};
extern const char *const mqb_stat_names[MQB_STAT_COUNT];

/* An item of the queue from bus threads to the broker thread. */
typedef struct mqb_item {
    struct mqb_item *next;
    lb_message *msg; /* a channel message (owned), or NULL for an event: */
    char event[32];  /* things.events "event" */
    char thing[LB_THING_ID_MAX];
    char channel[MQTT_CHANNEL_MAX + 1];
} mqb_item;

/* Waking the broker loop (broker_wake.c). */
typedef struct mqb_wake {
    int signo; /* 0: no waking, the 100 ms tick only */
    pthread_t broker_thread;
    atomic_int known;   /* broker_thread is set */
    atomic_int pending; /* work queued that no tick has seen yet */
    pthread_t thread;
    int inited, started;
    int stop; /* under lock */
    pthread_mutex_t lock;
    pthread_cond_t cond;
} mqb_wake;

/* A byte buffer of outbox entries. */
typedef struct mqb_buf {
    uint8_t *data;
    size_t len, cap, count;
} mqb_buf;

/* Envelopes from the broker thread to the publisher thread (broker_outbox.c). */
typedef struct mqb_outbox {
    pthread_mutex_t lock; /* fill, spare, idle, stop */
    pthread_cond_t cond;
    mqb_buf fill, spare;
    int idle, stop;
    long long last_flush_ns; /* publisher thread only */
    pthread_t thread;
    int inited, started;
} mqb_outbox;

/* The publish the ACL check accepted last (broker thread), so MOSQ_EVT_MESSAGE need not parse
 * its topic again. */
typedef struct mqb_last {
    const struct mosquitto *client; /* NULL: nothing remembered */
    char topic[sizeof "channels//messages/" + MQTT_CHANNEL_MAX + 2 * MQTT_SUBTOPIC_MAX];
    char channel[MQTT_CHANNEL_MAX + 1];
    char subtopic[MQTT_SUBTOPIC_MAX + 1];
    const char *ct;
} mqb_last;

struct mqb {
    mosquitto_plugin_id_t *pid;
    lb_bus *bus;
    lb_authz *authz;
    natsConnection *nc; /* channel traffic, no echo (broker_nats.c) */
    lb_bus_sub *events;
    char instance[96]; /* names this broker in mqtt.stats */
    int bridge_qos;    /* QoS of bus messages published into mosquitto */
    long queue_limit;
    long stats_ms;

    /* broker thread only */
    mqb_table conns;    /* struct mosquitto * -> mqb_conn */
    mqb_table sessions; /* client id -> mqb_session */
    mqb_table channels; /* channel id -> mqb_channel */
    long long breaker_until_ms;
    unsigned epoch;
    /* counts things.events events: remembered grants older are void */ /* the things service
                                                                           timed out: refuse
                                                                           uncached until then
                                                                         */
    long long next_stats_ms;
    int64_t last_created; /* of the last message put in the outbox */
    mqb_last last;
    long long log_window_ms; /* rate limit of per-message warnings */
    int log_in_window;

    /* the queue (any thread) */
    pthread_mutex_t qlock;
    mqb_item *qhead, *qtail;
    atomic_long qlen;

    mqb_wake wake;
    mqb_outbox outbox;
    atomic_ullong stats[MQB_STAT_COUNT];
};

/* broker.c */
void mqb_count(mqb *st, enum mqb_stat s, unsigned long long n);
long long mqb_now_ms(void);
/* Logs a warning unless too many were logged this second (per-message problems). */
void mqb_warn(mqb *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* broker_auth.c */
int mqb_auth_register(mqb *st);
/* The canonical content type of a publish: its MQTT 5 content-type property, SenML when it has
 * none. Returns 0, or LB_EINVAL with err filled for a type adapters do not accept. */
int mqb_content_type(const mosquitto_property *props, const char **ct, char *err, size_t errlen);
void mqb_auth_unregister(mqb *st);

/* broker_session.c: the tables and connection events, broker thread only. */
int mqb_session_init(mqb *st);
void mqb_session_free(mqb *st);
/* A client authenticated as thing: records it and publishes "connected". */
void mqb_session_connected(mqb *st, struct mosquitto *client, const char *thing);
/* The connection of an authenticated client, or NULL. */
mqb_conn *mqb_conn_of(mqb *st, const struct mosquitto *client);
/* Was c granted channel a moment ago (GRANT_MS, and no things.events event since)? Then the
 * ACL check need not ask lb_authz. c may be NULL (no). mqb_conn_grant remembers a grant. */
int mqb_conn_granted(mqb *st, const mqb_conn *c, const char *channel);
void mqb_conn_grant(mqb *st, mqb_conn *c, const char *channel);
/* c was granted channel: remembered for revocations; subscribe != 0 also makes the bus
 * deliver the channel's messages of other protocols into mosquitto. c may be NULL. */
void mqb_session_use(mqb *st, mqb_conn *c, const char *channel, int subscribe);
/* A things.events event: kicks the clients it takes access from. */
void mqb_session_event(mqb *st, const mqb_item *ev);
/* Number of authenticated connections. */
size_t mqb_session_count(mqb *st);
int mqb_session_register(mqb *st);
void mqb_session_unregister(mqb *st);

/* broker_bridge.c */
int mqb_bridge_start(mqb *st);
void mqb_bridge_stop(mqb *st);
/* A message of a followed channel, from a bus thread: queued for the tick (takes m). */
void mqb_bridge_incoming(mqb *st, lb_message *m);
/* Drains the queue into mosquitto (tick). */
void mqb_bridge_drain(mqb *st);
void mqb_bridge_clear(mqb *st);

/* broker_outbox.c */
int mqb_outbox_start(mqb *st);
/* Publishes what is left, ends the publisher thread and frees the outbox. */
void mqb_outbox_stop(mqb *st);
/* Encodes m and queues it for the bus (broker thread); its channel and subtopic must have
 * passed mqtt_topic_parse. Returns 0, LB_EAGAIN when the outbox is full, or LB_ENOMEM. */
int mqb_outbox_put(mqb *st, const lb_message *m);

/* broker_nats.c */
int mqb_nats_connect(mqb *st, const char *url, char *err, size_t errlen);
/* Flushes, closes and frees the connection (after every channel was unfollowed). */
void mqb_nats_close(mqb *st);
/* Publishes on the connection (buffered by cnats); mqb_nats_flush sends what is buffered and
 * waits for the server's answer (1 s at most). Publisher thread only. */
int mqb_nats_publish(mqb *st, const char *subject, const void *data, size_t len);
void mqb_nats_flush(mqb *st);
/* Follows channel: its messages reach mqb_bridge_incoming. Returns 0 and *out, or an LB_E*
 * code. Unfollow: when it returns, no callback for it runs any more. NULL is a no-op. */
int mqb_nats_follow(mqb *st, const char *channel, mqb_follow **out);
void mqb_nats_unfollow(mqb_follow *f);

/* broker_wake.c */
int mqb_wake_start(mqb *st);
void mqb_wake_stop(mqb *st);
/* From the tick: records the broker thread, and that queued work was seen. */
void mqb_wake_ticked(mqb *st);
/* From a bus thread, after queueing work. */
void mqb_wake_up(mqb *st);

#endif
