/* The bus envelope: lb_message <-> protobuf bytes (platform/proto/message.proto).
 *
 * Decoding goes through protobuf-c, which handles every wire form a sender may use (unknown
 * fields, any field order); a decoded message keeps the protobuf-c struct alive behind it,
 * so strings and payload are not copied again. Encoding is on the path of every publish, so
 * it is written out here in one pass (protobuf-c's generic packer walks the descriptors
 * twice and cost ~165 ns of a ~1 us publish); it emits exactly protobuf-c's bytes: proto3
 * fields in field order, defaults (empty, zero) omitted. tests/unit/test_message.c checks
 * the two byte for byte. */
#include "lyrebird/message.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "message.pb-c.h"

typedef struct decoded {
    lb_message m; /* first: lb_message_free finds the wrapper from it */
    Messaging__Message *pb;
} decoded;

/* Every field number is below 16, so a tag is one byte: field << 3 | wire type. */
enum { WIRE_VARINT = 0, WIRE_LEN = 2 };

static size_t varint_size(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static uint8_t *put_varint(uint8_t *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

static size_t len_field_size(size_t len)
{
    return len ? 1 + varint_size(len) + len : 0;
}

static uint8_t *put_len_field(uint8_t *p, unsigned field, const void *data, size_t len)
{
    if (!len)
        return p;
    *p++ = (uint8_t)(field << 3 | WIRE_LEN);
    p = put_varint(p, len);
    memcpy(p, data, len);
    return p + len;
}

static size_t slen(const char *s)
{
    return s ? strlen(s) : 0;
}

size_t lb_message_packed_size(const lb_message *m)
{
    return len_field_size(slen(m->channel)) + len_field_size(slen(m->subtopic)) +
           len_field_size(slen(m->publisher)) + len_field_size(slen(m->protocol)) +
           len_field_size(m->payload ? m->payload_len : 0) +
           (m->created ? 1 + varint_size((uint64_t)m->created) : 0) +
           len_field_size(slen(m->content_type));
}

size_t lb_message_pack(const lb_message *m, uint8_t *out)
{
    uint8_t *p = out;
    p = put_len_field(p, 1, m->channel, slen(m->channel));
    p = put_len_field(p, 2, m->subtopic, slen(m->subtopic));
    p = put_len_field(p, 3, m->publisher, slen(m->publisher));
    p = put_len_field(p, 4, m->protocol, slen(m->protocol));
    p = put_len_field(p, 5, m->payload, m->payload ? m->payload_len : 0);
    if (m->created) {
        *p++ = (uint8_t)(6 << 3 | WIRE_VARINT);
        p = put_varint(p, (uint64_t)m->created); /* int64: negatives take ten bytes */
    }
    p = put_len_field(p, 7, m->content_type, slen(m->content_type));
    return (size_t)(p - out);
}

lb_message *lb_message_unpack(const void *data, size_t len)
{
    decoded *d = malloc(sizeof *d);
    if (!d)
        return NULL;
    d->pb = messaging__message__unpack(NULL, len, data);
    if (!d->pb) {
        free(d);
        return NULL;
    }
    d->m = (lb_message){
        .channel = d->pb->channel,
        .subtopic = d->pb->subtopic,
        .publisher = d->pb->publisher,
        .protocol = d->pb->protocol,
        .payload = d->pb->payload.data,
        .payload_len = d->pb->payload.len,
        .created = d->pb->created,
        .content_type = d->pb->content_type,
    };
    return &d->m;
}

void lb_message_free(lb_message *m)
{
    if (!m)
        return;
    decoded *d = (decoded *)((char *)m - offsetof(decoded, m));
    messaging__message__free_unpacked(d->pb, NULL);
    free(d);
}

int64_t lb_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
