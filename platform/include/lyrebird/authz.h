/* Authorization client for adapters: "may this key (or thing) use this channel?", asked of
 * the things service over the bus and remembered in a bounded LRU cache.
 *
 * Protocol (JSON over NATS request/reply; the things plugin answers):
 *   things.authorize  {"key": "<thing key>" | "thing_id": "<id>", "channel_id": "<id>"}
 *                     {"key": "<thing key>"}                 (identify: key -> thing)
 *     reply           {"thing_id": "<id>"}  or  {"error": "<reason>", "status": 401|403|404}
 *   things.events     {"event": "thing.removed"|"thing.key_changed"|"thing.disconnected"|
 *                      "channel.removed"|..., "thing_id": "...", "channel_id": "...",
 *                      "key": "<the old key>"}            (published by the things plugin)
 *
 * Answers (grants and denials) are cached; an event drops every entry it touches (a removed
 * thing, a changed key, a disconnect, a removed channel), so a revoked key stops working as
 * soon as the event arrives, and entries also expire after a TTL as a safety net. Every
 * function is thread-safe. */
#ifndef LYREBIRD_AUTHZ_H
#define LYREBIRD_AUTHZ_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lb_authz lb_authz;
typedef struct lb_bus lb_bus;

#define LB_AUTHZ_SUBJECT "things.authorize"
#define LB_AUTHZ_EVENTS "things.events"
#define LB_THING_ID_MAX 64

/* A client on bus (kept, not owned) with room for max_entries answers kept up to ttl_ms
 * (0: defaults, 100000 entries and 60 s). It subscribes to things.events. Returns NULL when
 * out of memory or the subscription failed. Free with lb_authz_free (before the bus). */
lb_authz *lb_authz_new(lb_bus *bus, size_t max_entries, int ttl_ms);
void lb_authz_free(lb_authz *a);

/* May the thing holding key publish/subscribe on channel? On success writes the thing's id
 * to thing_id (LB_THING_ID_MAX bytes) and returns 0. Otherwise returns LB_EUNAUTH (unknown
 * key), LB_EPERM (not connected to the channel), LB_ENOTFOUND (no such channel),
 * LB_ETIMEDOUT / LB_ENOTCONN (the things service did not answer: not cached), with err
 * filled with the reason. */
int lb_authz_key(lb_authz *a, const char *key, const char *channel, char *thing_id, char *err,
                 size_t errlen);
/* The same for a thing already authenticated by id. */
int lb_authz_thing(lb_authz *a, const char *thing_id, const char *channel, char *err,
                   size_t errlen);
/* Which thing holds key? 0 and thing_id written, or LB_EUNAUTH / LB_ETIMEDOUT / ... */
int lb_authz_identify(lb_authz *a, const char *key, char *thing_id, char *err, size_t errlen);

/* The HTTP status an adapter answers for an lb_authz_* result: 0 -> 200, LB_EUNAUTH -> 401,
 * LB_EPERM -> 403, LB_ENOTFOUND -> 404, LB_EINVAL -> 400, anything else (the things service
 * did not answer) -> 503. CoAP uses the same numbers as 4.01, 4.03, ... */
int lb_authz_status(int rc);

/* Drops every cached answer (tests, or after a reconnect). */
void lb_authz_flush(lb_authz *a);

#ifdef __cplusplus
}
#endif
#endif
