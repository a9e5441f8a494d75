/* The message bus: NATS through cnats, with Mainflux-compatible subjects.
 *
 * A channel message goes to "channels.<channel_id>" or, with subtopic "a/b",
 * "channels.<channel_id>.a.b". Subtopic rules (as Mainflux): '/' and '.' separate parts,
 * empty parts are dropped, '*' and '>' may appear only as whole parts and only when
 * subscribing ('>' last), and a part may not contain whitespace or control characters.
 *
 * A bus keeps two connections to the same server: one that batches writes (publish, for
 * throughput) and one that sends at once (request and respond, for latency). Both reconnect
 * forever; publishes while disconnected are buffered by cnats (up to 8 MiB) and sent on
 * reconnect. Subscription callbacks run on cnats threads: they must not block on disk or
 * network. All functions are thread-safe. */
#ifndef LYREBIRD_BUS_H
#define LYREBIRD_BUS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lb_bus lb_bus;
typedef struct lb_bus_sub lb_bus_sub;
typedef struct lb_message lb_message;

/* A received message; valid only during the callback. */
typedef struct lb_bus_msg {
    const char *subject;
    const char *reply; /* reply subject of a request, or NULL */
    const void *data;
    size_t len;
} lb_bus_msg;

typedef void (*lb_bus_handler)(const lb_bus_msg *msg, void *arg);

#define LB_SUBJECT_MAX 512

/* Connects to url ("nats://127.0.0.1:4222", or several separated by commas); name labels the
 * connections on the server. Waits up to timeout_ms for the first connection. Returns the bus,
 * or NULL with err filled. Free with lb_bus_close(). */
lb_bus *lb_bus_connect(const char *url, const char *name, int timeout_ms, char *err,
                       size_t errlen);
/* Drains nothing, closes both connections and frees the bus. Subscriptions made on it must
 * already be unsubscribed. NULL is a no-op. */
void lb_bus_close(lb_bus *bus);
/* 1 while the publishing connection is up, else 0. */
int lb_bus_connected(lb_bus *bus);

/* Publishes data to subject (batched connection). Returns 0 or a negative LB_E* code. */
int lb_bus_publish(lb_bus *bus, const char *subject, const void *data, size_t len);
/* Encodes m as an envelope and publishes it to its channel's subject (m->subtopic in dotted
 * or slashed form). Returns 0, LB_EINVAL with err filled for a bad channel or subtopic, or
 * another LB_E* code. */
int lb_bus_publish_message(lb_bus *bus, const lb_message *m, char *err, size_t errlen);

/* As lb_bus_publish / lb_bus_publish_message, but sent promptly: the batching connection is
 * flushed at once by the bus's flusher thread (whatever else is published meanwhile goes out
 * in the same write), instead of after cnats' ~1 ms pause. For a device's message, where
 * latency matters (adapters, through lb_deliver). Order with lb_bus_publish is kept. */
int lb_bus_publish_now(lb_bus *bus, const char *subject, const void *data, size_t len);
int lb_bus_publish_message_now(lb_bus *bus, const lb_message *m, char *err, size_t errlen);

/* Subscribes cb(msg, arg) to subject (wildcards allowed); with queue non-NULL, members of the
 * same queue group share the messages. Stores the subscription in *out. Returns 0 or an
 * LB_E* code. */
int lb_bus_subscribe(lb_bus *bus, const char *subject, const char *queue, lb_bus_handler cb,
                     void *arg, lb_bus_sub **out);
/* Unsubscribes and frees; when it returns, cb is not running and will not be called again.
 * NULL is a no-op. Must not be called from that subscription's own callback. */
void lb_bus_unsubscribe(lb_bus_sub *sub);

/* Sends a request and waits up to timeout_ms for one reply, stored malloc'd in *reply
 * (NUL-terminated, caller frees) and *reply_len. Returns 0, LB_ETIMEDOUT, LB_ENOTFOUND (no
 * responder), or another LB_E* code. */
int lb_bus_request(lb_bus *bus, const char *subject, const void *data, size_t len, int timeout_ms,
                   char **reply, size_t *reply_len);
/* Answers a request received in a callback (immediate connection). LB_EINVAL if msg has no
 * reply subject. */
int lb_bus_respond(lb_bus *bus, const lb_bus_msg *msg, const void *data, size_t len);

/* Waits until everything published so far reached the server. */
int lb_bus_flush(lb_bus *bus, int timeout_ms);

/* Turns a subtopic ("a/b", "a.b", "/a//b/") into its dotted form ("a.b") in out. With
 * wildcards non-zero, '*' and a final '>' are allowed as whole parts. An empty subtopic gives
 * "". Returns 0, or LB_EINVAL / LB_ETOOBIG with err filled. */
int lb_subtopic_normalize(const char *subtopic, int wildcards, char *out, size_t outlen, char *err,
                          size_t errlen);
/* Builds "channels.<channel>[.<subtopic>]" in out. channel must be non-empty, without '.',
 * wildcards or whitespace. Returns 0, or LB_EINVAL / LB_ETOOBIG with err filled. */
int lb_subject_build(const char *channel, const char *subtopic, int wildcards, char *out,
                     size_t outlen, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
