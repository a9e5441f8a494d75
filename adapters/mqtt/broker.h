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
 *   broker_wake.c     wakes the broker loop when the queue gets work
 *
 * Threads. mosquitto runs one thread (the broker thread): every mosquitto callback, and every
 * mosquitto_* call of the plugin, happens on it; the tables (conns, sessions, channels) are
 * used on it only. cnats threads run the bus callbacks (channel deliveries, things.events):
 * they only append to the queue (its lock) and wake the broker thread; the tick drains the
 * queue. The waker thread (broker_wake.c) only sends signals. The publisher thread
 * (broker_outbox.c) takes encoded envelopes from the outbox and publishes them. */
#ifndef LB_MQTT_BROKER_H
#define LB_MQTT_BROKER_H

#include "table.h"
#include "topic.h"

#include <lyrebird/authz.h>
#include <lyrebird/bus.h>
#include <lyrebird/deliver.h>

#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#define MQB_STATUS_SUBJECT "things.status" /* connection events */
#define MQB_STATS_SUBJECT  "mqtt.stats"    /* the plugin's counters, read by lyrebird-mqtt.so */
#define MQB_CONN_ID        1               /* the plugin's connection id for lb_deliver */

typedef struct mqb mqb;

/* Counters, published on MQB_STATS_SUBJECT (names as in the JSON and /metrics). */
enum mqb_stat {
    MQB_AUTH_OK,          /* connections authenticated */
    MQB_AUTH_REFUSED,     /* CONNECTs refused */
    MQB_SUB_REFUSED,      /* subscriptions refused */
    MQB_PUB_REFUSED,      /* publishes refused: topic or channel access */
    MQB_PUB_BAD_PAYLOAD,  /* publishes refused: payload fails its content type's check */
    MQB_TO_BUS,           /* messages from MQTT clients published on the bus */
    MQB_TO_BUS_FAILED,    /* ... that the bus refused */
    MQB_FROM_BUS,         /* bus messages of other protocols published into mosquitto */
    MQB_QUEUE_DROPPED,    /* bus messages dropped: the queue to the broker thread was full */
    MQB_KICKED,           /* clients disconnected because a thing or channel changed */
    MQB_WAKES,            /* signals sent to wake the broker loop */
    MQB_STAT_COUNT
};
extern const char *const mqb_stat_names[MQB_STAT_COUNT];

/* An item of the queue from bus threads to the broker thread. */
typedef struct mqb_item {
    struct mqb_item *next;
    const lb_delivery *delivery; /* a channel message (a reference), or NULL for an event: */
    char event[32];              /* things.events "event" */
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
    pthread_t thread;
    int inited, started;
} mqb_outbox;

struct mqb {
    mosquitto_plugin_id_t *pid;
    lb_bus *bus;
    lb_authz *authz;
    lb_deliver *deliver;
    lb_bus_sub *events;
    char instance[96]; /* names this broker in mqtt.stats */
    int bridge_qos;    /* QoS of bus messages published into mosquitto */
    long queue_limit;
    long stats_ms;

    /* broker thread only */
    mqb_table conns;    /* struct mosquitto * -> mqb_conn */
    mqb_table sessions; /* client id -> mqb_session */
    mqb_table channels; /* channel id -> mqb_channel */
    long long breaker_until_ms; /* the things service timed out: refuse uncached until then */
    long long next_stats_ms;
    int64_t last_created; /* of the last message put in the outbox */
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
/* The client was granted channel: remembered for revocations; subscribe != 0 also makes the
 * bus deliver the channel's messages of other protocols into mosquitto. */
void mqb_session_use(mqb *st, struct mosquitto *client, const char *channel, int subscribe);
/* A things.events event: kicks the clients it takes access from. */
void mqb_session_event(mqb *st, const mqb_item *ev);
/* Number of authenticated connections. */
size_t mqb_session_count(mqb *st);
int mqb_session_register(mqb *st);
void mqb_session_unregister(mqb *st);

/* broker_bridge.c */
int mqb_bridge_start(mqb *st);
void mqb_bridge_stop(mqb *st);
/* Subscribes to a channel's bus messages (returns 0 or an LB_E* code), and ends that. */
int mqb_bridge_follow(mqb *st, const char *channel, lb_deliver_sub **out);
void mqb_bridge_unfollow(lb_deliver_sub *sub);
/* Drains the queue into mosquitto (tick). */
void mqb_bridge_drain(mqb *st);
void mqb_bridge_clear(mqb *st);

/* broker_outbox.c */
int mqb_outbox_start(mqb *st);
/* Publishes what is left, ends the publisher thread and frees the outbox. */
void mqb_outbox_stop(mqb *st);
/* Encodes m and queues it for the bus (broker thread). Returns 0, LB_EINVAL for a bad channel
 * or subtopic, LB_EAGAIN when the outbox is full, or LB_ENOMEM. */
int mqb_outbox_put(mqb *st, const lb_message *m);

/* broker_wake.c */
int mqb_wake_start(mqb *st);
void mqb_wake_stop(mqb *st);
/* From the tick: records the broker thread, and that queued work was seen. */
void mqb_wake_ticked(mqb *st);
/* From a bus thread, after queueing work. */
void mqb_wake_up(mqb *st);

#endif
