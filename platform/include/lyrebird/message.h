/* The message envelope every message on the bus travels in: protobuf (protobuf-c), fields
 * 1-6 wire-compatible with Mainflux 0.11+ messaging/message.proto, 7 our content type.
 * The schema is platform/proto/message.proto. */
#ifndef LYREBIRD_MESSAGE_H
#define LYREBIRD_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A message. Strings are NUL-terminated; NULL and "" both mean absent. */
typedef struct lb_message {
    const char *channel;      /* 1 */
    const char *subtopic;     /* 2: dotted form, "a.b" */
    const char *publisher;    /* 3: thing id */
    const char *protocol;     /* 4: "http", "mqtt", "coap", "ws", "lora" */
    const uint8_t *payload;   /* 5 */
    size_t payload_len;
    int64_t created;          /* 6: Unix nanoseconds */
    const char *content_type; /* 7 */
} lb_message;

/* Bytes lb_message_pack will write for m. */
size_t lb_message_packed_size(const lb_message *m);
/* Writes m's encoding to out, which holds lb_message_packed_size(m) bytes; returns that size. */
size_t lb_message_pack(const lb_message *m, uint8_t *out);

/* Decodes an envelope. Returns a message the caller frees with lb_message_free() (its
 * strings and payload live in the same allocation), or NULL when the bytes are not a valid
 * envelope or memory ran out. Never reads past data[len). */
lb_message *lb_message_unpack(const void *data, size_t len);
/* Frees a message from lb_message_unpack. NULL is a no-op. */
void lb_message_free(lb_message *m);

/* Current time in Unix nanoseconds (CLOCK_REALTIME). */
int64_t lb_now_ns(void);

#ifdef __cplusplus
}
#endif
#endif
