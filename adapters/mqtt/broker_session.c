/* Connections and sessions of the mosquitto plugin, on the broker thread.
 *
 *   conn     one authenticated network connection (struct mosquitto *), from BASIC_AUTH to
 *            MOSQ_EVT_DISCONNECT; its start and end are published on things.status:
 *            {"event":"connected"|"disconnected","thing_id":...,"protocol":"mqtt",
 *             "time":<Unix ns>,"client_id":...}
 *   session  what a client id has used: the channels it subscribed to or published on. A
 *            clean session ends with its connection; a persistent one (clean session false)
 *            outlives it, as mosquitto keeps its subscriptions, until the client comes back
 *            clean or its thing is removed.
 *   channel  a channel some session subscribed to: the plugin follows its bus messages
 *            (broker_nats.c) while at least one session does. mosquitto 2.0 tells plugins
 *            nothing about UNSUBSCRIBE, so a channel is followed until its sessions end; the
 *            extra messages find no subscriber in mosquitto.
 *
 * things.events take access away (the lb_authz cache drops its answers by itself; this file
 * cuts off the connections that are open):
 *   thing.removed, thing.key_changed  every connection of the thing is kicked
 *   thing.disconnected                its connections that used that channel are kicked
 *   channel.removed                   every connection that used the channel is kicked */
#include "broker.h"

#include <lyrebird/error.h>
#include <lyrebird/message.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

typedef struct channel {
    mqb_node node; /* first: in st->channels by id */
    char id[MQTT_CHANNEL_MAX + 1];
    long refs; /* sessions subscribed */
    mqb_follow *sub;
} channel;

typedef struct use {
    char channel[MQTT_CHANNEL_MAX + 1];
    channel *followed; /* subscribed: a reference; NULL when only published on */
} use;

typedef struct conn conn;

typedef struct session {
    mqb_node node; /* first: in st->sessions by client id */
    char *client_id;
    char thing[LB_THING_ID_MAX];
    conn *live; /* its connection, NULL while offline */
    int clean;
    int dropped; /* out of the table; freed when no connection points to it */
    int refs;    /* connections pointing to it */
    use *uses;
    size_t nuses, cap;
} session;

struct conn {
    mqb_node node; /* first: in st->conns by client pointer */
    struct mosquitto *client;
    char thing[LB_THING_ID_MAX];
    session *s;
    /* the channel last granted, so a stream of publishes or deliveries on one channel skips
     * lb_authz; valid until GRANT_MS passed or any things.events event came (epoch) */
    char granted[MQTT_CHANNEL_MAX + 1];
    long long granted_until_ms;
    unsigned granted_epoch;
};

#define GRANT_MS 1000

/* ---- channels ---- */

static channel *channel_find(mqb *st, const char *id)
{
    size_t h = mqb_hash_str(id);
    for (mqb_node *n = mqb_table_chain(&st->channels, h); n; n = n->next)
        if (n->hash == h && strcmp(((channel *)n)->id, id) == 0)
            return (channel *)n;
    return NULL;
}

/* A reference to the followed channel id, following it on the bus when new; NULL if the bus
 * refused (the next subscription tries again). */
static channel *channel_ref(mqb *st, const char *id)
{
    channel *ch = channel_find(st, id);
    if (!ch) {
        ch = calloc(1, sizeof *ch);
        if (!ch)
            return NULL;
        snprintf(ch->id, sizeof ch->id, "%s", id);
        if (mqb_nats_follow(st, id, &ch->sub) != 0) {
            mqb_warn(st, "cannot follow channel %s on the bus", id);
            free(ch);
            return NULL;
        }
        mqb_table_add(&st->channels, &ch->node, mqb_hash_str(id));
    }
    ch->refs++;
    return ch;
}

static void channel_unref(mqb *st, channel *ch)
{
    if (--ch->refs > 0)
        return;
    mqb_table_remove(&st->channels, &ch->node);
    mqb_nats_unfollow(ch->sub);
    free(ch);
}

/* ---- sessions ---- */

static session *session_find(mqb *st, const char *client_id)
{
    size_t h = mqb_hash_str(client_id);
    for (mqb_node *n = mqb_table_chain(&st->sessions, h); n; n = n->next)
        if (n->hash == h && strcmp(((session *)n)->client_id, client_id) == 0)
            return (session *)n;
    return NULL;
}

static void session_forget_uses(mqb *st, session *s)
{
    for (size_t i = 0; i < s->nuses; i++)
        if (s->uses[i].followed)
            channel_unref(st, s->uses[i].followed);
    s->nuses = 0;
}

/* Ends s: out of the table, channels released; freed once no connection points to it. */
static void session_drop(mqb *st, session *s)
{
    if (s->dropped)
        return;
    s->dropped = 1;
    mqb_table_remove(&st->sessions, &s->node);
    session_forget_uses(st, s);
}

static void session_put(session *s)
{
    if (--s->refs > 0 || !s->dropped)
        return;
    free(s->uses);
    free(s->client_id);
    free(s);
}

/* Forgets s's use of channel (the thing lost it). */
static void session_unuse(mqb *st, session *s, const char *channel_id)
{
    for (size_t i = 0; i < s->nuses; i++)
        if (strcmp(s->uses[i].channel, channel_id) == 0) {
            if (s->uses[i].followed)
                channel_unref(st, s->uses[i].followed);
            s->uses[i] = s->uses[--s->nuses];
            return;
        }
}

static int session_uses(const session *s, const char *channel_id)
{
    for (size_t i = 0; i < s->nuses; i++)
        if (strcmp(s->uses[i].channel, channel_id) == 0)
            return 1;
    return 0;
}

/* ---- connections ---- */

static conn *conn_find(mqb *st, const struct mosquitto *client)
{
    size_t h = mqb_hash_ptr(client);
    for (mqb_node *n = mqb_table_chain(&st->conns, h); n; n = n->next)
        if (n->hash == h && ((conn *)n)->client == client)
            return (conn *)n;
    return NULL;
}

static void status_event(mqb *st, const char *event, const conn *c)
{
    const char *cid = mosquitto_client_id(c->client);
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:I, s:s}", "event", event, "thing_id", c->thing, "protocol",
                  "mqtt", "time", (json_int_t)lb_now_ns(), "client_id", cid ? cid : "");
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    if (text)
        lb_bus_publish(st->bus, MQB_STATUS_SUBJECT, text, strlen(text));
    free(text);
    json_decref(o);
}

static void conn_forget(mqb *st, conn *c)
{
    status_event(st, "disconnected", c);
    mqb_table_remove(&st->conns, &c->node);
    session *s = c->s;
    if (s) {
        if (s->live == c) {
            s->live = NULL;
            if (s->clean)
                session_drop(st, s);
        }
        session_put(s);
    }
    free(c);
}

/* The session of client id cid for a new connection of thing: a client back with a clean
 * session, or as another thing, starts afresh. NULL when out of memory. */
static session *session_for(mqb *st, const char *cid, const char *thing, int clean)
{
    session *s = session_find(st, cid);
    if (s && (clean || strcmp(s->thing, thing) != 0))
        session_forget_uses(st, s);
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s || !(s->client_id = strdup(cid))) {
            free(s);
            return NULL;
        }
        mqb_table_add(&st->sessions, &s->node, mqb_hash_str(cid));
    }
    snprintf(s->thing, sizeof s->thing, "%s", thing);
    s->clean = clean;
    return s;
}

void mqb_session_connected(mqb *st, struct mosquitto *client, const char *thing)
{
    conn *c = conn_find(st, client);
    if (c) /* a context authenticating twice: treat the first as gone */
        conn_forget(st, c);
    c = calloc(1, sizeof *c);
    if (!c)
        return;
    c->client = client;
    snprintf(c->thing, sizeof c->thing, "%s", thing);
    const char *cid = mosquitto_client_id(client);
    c->s = session_for(st, cid ? cid : "", thing, mosquitto_client_clean_session(client));
    if (c->s) {
        c->s->live = c;
        c->s->refs++;
    }
    mqb_table_add(&st->conns, &c->node, mqb_hash_ptr(client));
    status_event(st, "connected", c);
}

mqb_conn *mqb_conn_of(mqb *st, const struct mosquitto *client)
{
    return conn_find(st, client);
}

int mqb_conn_granted(mqb *st, const mqb_conn *c, const char *channel_id)
{
    return c && c->granted_epoch == st->epoch && strcmp(c->granted, channel_id) == 0 &&
           mqb_now_ms() < c->granted_until_ms;
}

void mqb_conn_grant(mqb *st, mqb_conn *c, const char *channel_id)
{
    if (!c)
        return;
    snprintf(c->granted, sizeof c->granted, "%s", channel_id);
    c->granted_until_ms = mqb_now_ms() + GRANT_MS;
    c->granted_epoch = st->epoch;
}

void mqb_session_use(mqb *st, mqb_conn *c, const char *channel_id, int subscribe)
{
    session *s = c ? c->s : NULL;
    use *u = NULL;
    if (!s)
        return;
    for (size_t i = 0; i < s->nuses && !u; i++)
        if (strcmp(s->uses[i].channel, channel_id) == 0)
            u = &s->uses[i];
    if (!u) {
        if (s->nuses == s->cap) {
            size_t cap = s->cap ? s->cap * 2 : 4;
            use *grown = realloc(s->uses, cap * sizeof *grown);
            if (!grown)
                return;
            s->uses = grown;
            s->cap = cap;
        }
        u = &s->uses[s->nuses++];
        snprintf(u->channel, sizeof u->channel, "%s", channel_id);
        u->followed = NULL;
    }
    if (subscribe && !u->followed)
        u->followed = channel_ref(st, channel_id);
}

size_t mqb_session_count(mqb *st)
{
    return st->conns.count;
}

/* ---- things.events ---- */

typedef struct sweep {
    mqb *st;
    const mqb_item *ev;
    int by_thing, by_channel;
    char **kick; /* client ids to kick */
    size_t nkick, cap;
} sweep;

static void collect(mqb_node *n, void *arg)
{
    sweep *w = arg;
    conn *c = (conn *)n;
    if ((w->by_thing && strcmp(c->thing, w->ev->thing) != 0) || !c->s ||
        !session_uses(c->s, w->ev->channel) || !mosquitto_client_id(c->client))
        return;
    if (w->nkick == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 16;
        char **grown = realloc(w->kick, cap * sizeof *grown);
        if (!grown)
            return;
        w->kick = grown;
        w->cap = cap;
    }
    if ((w->kick[w->nkick] = strdup(mosquitto_client_id(c->client))))
        w->nkick++;
}

static void unuse(mqb_node *n, void *arg)
{
    sweep *w = arg;
    session *s = (session *)n;
    if (!w->by_thing || strcmp(s->thing, w->ev->thing) == 0)
        session_unuse(w->st, s, w->ev->channel);
}

static void drop_offline(mqb_node *n, void *arg)
{
    sweep *w = arg;
    session *s = (session *)n;
    if (!s->live && strcmp(s->thing, w->ev->thing) == 0)
        session_drop(w->st, s);
}

static void count_thing(mqb_node *n, void *arg)
{
    sweep *w = arg;
    if (strcmp(((conn *)n)->thing, w->ev->thing) == 0)
        w->nkick++;
}

void mqb_session_event(mqb *st, const mqb_item *ev)
{
    sweep w = {.st = st, .ev = ev};
    st->epoch++; /* every remembered grant is asked again */
    if (strcmp(ev->event, "thing.removed") == 0 || strcmp(ev->event, "thing.key_changed") == 0) {
        if (!*ev->thing)
            return;
        mqb_table_each(&st->conns, count_thing, &w);
        if (w.nkick) /* fires MOSQ_EVT_DISCONNECT for each, which forgets them */
            mosquitto_kick_client_by_username(ev->thing, false);
        if (strcmp(ev->event, "thing.removed") == 0)
            mqb_table_each(&st->sessions, drop_offline, &w);
    } else if (strcmp(ev->event, "thing.disconnected") == 0 ||
               strcmp(ev->event, "channel.removed") == 0) {
        w.by_thing = strcmp(ev->event, "thing.disconnected") == 0;
        if (!*ev->channel || (w.by_thing && !*ev->thing))
            return;
        mqb_table_each(&st->conns, collect, &w);
        for (size_t i = 0; i < w.nkick; i++) {
            mosquitto_kick_client_by_clientid(w.kick[i], false);
            free(w.kick[i]);
        }
        free(w.kick);
        mqb_table_each(&st->sessions, unuse, &w);
    } else {
        return;
    }
    if (w.nkick) {
        mqb_count(st, MQB_KICKED, w.nkick);
        mosquitto_log_printf(MOSQ_LOG_NOTICE, "lyrebird: %s: disconnected %zu client(s)", ev->event,
                             w.nkick);
    }
}

/* ---- MOSQ_EVT_DISCONNECT and lifecycle ---- */

static int on_disconnect(int event, void *event_data, void *userdata)
{
    struct mosquitto_evt_disconnect *d = event_data;
    mqb *st = userdata;
    (void)event;
    conn *c = conn_find(st, d->client);
    if (c)
        conn_forget(st, c);
    return MOSQ_ERR_SUCCESS;
}

int mqb_session_init(mqb *st)
{
    if (mqb_table_init(&st->conns) || mqb_table_init(&st->sessions) ||
        mqb_table_init(&st->channels))
        return LB_ENOMEM;
    return 0;
}

static void free_conn(mqb_node *n, void *arg)
{
    conn *c = (conn *)n;
    (void)arg;
    if (c->s && c->s->dropped) /* out of the table: only its connections hold it */
        session_put(c->s);
    free(c);
}

static void free_session(mqb_node *n, void *arg)
{
    session *s = (session *)n;
    session_forget_uses(arg, s);
    free(s->uses);
    free(s->client_id);
    free(s);
}

void mqb_session_free(mqb *st)
{
    if (st->conns.buckets) /* first: they may hold dropped sessions */
        mqb_table_each(&st->conns, free_conn, NULL);
    if (st->sessions.buckets)
        mqb_table_each(&st->sessions, free_session, st); /* unfollows every channel */
    mqb_table_free(&st->conns);
    mqb_table_free(&st->sessions);
    mqb_table_free(&st->channels);
}

int mqb_session_register(mqb *st)
{
    return mosquitto_callback_register(st->pid, MOSQ_EVT_DISCONNECT, on_disconnect, NULL, st) ==
                   MOSQ_ERR_SUCCESS
               ? 0
               : LB_EIO;
}

void mqb_session_unregister(mqb *st)
{
    mosquitto_callback_unregister(st->pid, MOSQ_EVT_DISCONNECT, on_disconnect, NULL);
}
