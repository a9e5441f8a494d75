/* Revocation of open sessions. New handshakes are refused as soon as the lb_authz cache drops
 * a revoked key (it follows things.events itself); a WebSocket, though, stays open for hours,
 * so this file follows things.events too and closes, with 1008 and a reason, the connections
 * an event takes the right away from:
 *   thing.removed, thing.key_changed   every connection of that thing
 *   thing.disconnected                 the thing's connections on that channel
 *   channel.removed                    every connection on that channel
 * The callback runs on a bus thread: it only marks connections (under the server's lock) and
 * wakes the service thread, which closes them. */
#include "ws.h"

#include <jansson.h>
#include <string.h>

enum { BY_THING = 1, BY_CHANNEL = 2 };

static const struct {
    const char *event;
    int match; /* BY_* bits that must all match */
} rules[] = {
    {"thing.removed", BY_THING},
    {"thing.key_changed", BY_THING},
    {"thing.disconnected", BY_THING | BY_CHANNEL},
    {"channel.removed", BY_CHANNEL},
};

static int rule_of(const char *event)
{
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (strcmp(rules[i].event, event) == 0)
            return rules[i].match;
    return 0;
}

static int matches(const ws_conn *c, int match, const char *thing, const char *channel)
{
    if ((match & BY_THING) && (!thing || strcmp(c->thing, thing) != 0))
        return 0;
    if ((match & BY_CHANNEL) && (!channel || strcmp(c->channel, channel) != 0))
        return 0;
    return 1;
}

static void on_event(const lb_bus_msg *msg, void *arg)
{
    ws_server *srv = arg;
    json_t *root = json_loadb(msg->data, msg->len, 0, NULL);
    const char *event = json_string_value(json_object_get(root, "event"));
    const char *thing = json_string_value(json_object_get(root, "thing_id"));
    const char *channel = json_string_value(json_object_get(root, "channel_id"));
    int match = event ? rule_of(event) : 0;
    size_t n = 0;
    if (match) {
        pthread_mutex_lock(&srv->lock);
        for (ws_conn *c = srv->live; c; c = c->live_next)
            if (matches(c, match, thing, channel)) {
                ws_conn_mark_locked(srv, c, WS_CLOSE_REVOKED);
                n++;
            }
        pthread_mutex_unlock(&srv->lock);
    }
    if (n)
        srv->host->log(srv->host, LB_LOG_INFO, "revoking sessions", "event=%s connections=%zu",
                       event, n);
    json_decref(root);
}

int ws_revoke_start(ws_server *srv)
{
    return srv->host->subscribe(srv->host, LB_AUTHZ_EVENTS, NULL, on_event, srv, &srv->events);
}

void ws_revoke_stop(ws_server *srv)
{
    srv->host->unsubscribe(srv->host, srv->events);
    srv->events = NULL;
}
