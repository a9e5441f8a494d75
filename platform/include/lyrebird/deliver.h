/* Delivery of channel messages from the bus to an adapter's subscribers, shared by every
 * protocol adapter (HTTP, WebSocket, CoAP, MQTT, LoRa).
 *
 * An adapter makes one lb_deliver, publishes what its connections send through it, and
 * registers a subscriber per connection that wants a channel's messages. The deliverer
 * keeps one bus subscription per channel however many connections follow it, decodes each
 * envelope once, matches it against every subscriber's subtopic pattern, and calls them with
 * one shared, reference-counted delivery. A message is never delivered back to the
 * connection that published it (publish records the connection; the match skips it), but
 * it is delivered to every other connection, of this adapter or any other.
 *
 * Subtopic patterns (dotted or slashed, as lb_subtopic_normalize): "" matches every message
 * of the channel, with or without subtopic; "a.b" matches exactly that subtopic; "*" matches
 * one part and a final ">" one or more, as NATS.
 *
 * Threads: callbacks run on a bus thread, one at a time per channel, with the channel's
 * lock held; they must not block and must not call lb_deliver_* functions: take a reference
 * (lb_delivery_ref) and hand the delivery to the adapter's own loop. All functions are
 * thread-safe. */
#ifndef LYREBIRD_DELIVER_H
#define LYREBIRD_DELIVER_H

#include <stddef.h>
#include <stdint.h>

#include "message.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lb_deliver lb_deliver;
typedef struct lb_deliver_sub lb_deliver_sub;
typedef struct lb_bus lb_bus;

/* One message on its way to subscribers. Read-only; shared by all of them. */
typedef struct lb_delivery {
    const lb_message *msg;    /* the decoded envelope */
    const char *subject;      /* "channels.<id>[.<subtopic>]" */
    const uint8_t *raw;       /* the envelope's bytes, for re-publishing as is */
    size_t raw_len;
} lb_delivery;

typedef void (*lb_deliver_fn)(const lb_delivery *d, void *arg);

/* A deliverer on bus (kept, not owned) for the adapter named protocol ("ws", "coap", ...),
 * which it writes into the envelopes it publishes. NULL when out of memory. */
lb_deliver *lb_deliver_new(lb_bus *bus, const char *protocol);
/* Unsubscribes everything and frees. Every subscriber must be gone first. */
void lb_deliver_free(lb_deliver *d);

/* Publishes m for connection conn (an id the adapter picks, unique among its live
 * connections, never 0). Fills in m->protocol and m->created (unique per deliverer, so
 * the echo check can tell messages apart). Returns 0 or an LB_E* code with err filled (a
 * bad channel or subtopic: LB_EINVAL). */
int lb_deliver_publish(lb_deliver *d, uint64_t conn, lb_message *m, char *err, size_t errlen);

/* Calls fn(delivery, arg) for every message on channel whose subtopic matches pattern,
 * except those conn published. Returns 0 and *out, or LB_EINVAL with err filled for a bad
 * channel or pattern, or another LB_E* code. */
int lb_deliver_subscribe(lb_deliver *d, const char *channel, const char *pattern, uint64_t conn,
                         lb_deliver_fn fn, void *arg, lb_deliver_sub **out, char *err,
                         size_t errlen);
/* Removes a subscriber; when it returns fn is not running for it and will not be called
 * again. Must not be called from fn itself. NULL is a no-op. */
void lb_deliver_unsubscribe(lb_deliver_sub *sub);

/* Keeps a delivery beyond the callback; each ref needs one unref (any thread). */
const lb_delivery *lb_delivery_ref(const lb_delivery *d);
void lb_delivery_unref(const lb_delivery *d);

#ifdef __cplusplus
}
#endif
#endif
