/* Unit tests of message.c, the protobuf envelope. Run with "--emit FILE" it writes a known
 * message's bytes for integration/envelope_protoc.sh; with "--print FILE" it decodes a file
 * (made by protoc --encode) and prints the fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lyrebird/message.h"
#include "message.pb-c.h" /* generated: to compare with protobuf-c's own packer */

static const uint8_t payload[] = "[{\"n\":\"temp\",\"v\":21.5}]";

static const lb_message sample = {
    .channel = "5d9b6b4b-1e7e-4b3c-9a0b-8a0d1e2f3a4b",
    .subtopic = "room.1",
    .publisher = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
    .protocol = "http",
    .payload = payload,
    .payload_len = sizeof payload - 1,
    .created = 1763716800123456789LL,
    .content_type = "application/senml+json",
};

static void round_trip_keeps_every_field(void **state)
{
    uint8_t buf[512];
    size_t n = lb_message_packed_size(&sample);
    assert_true(n < sizeof buf);
    assert_int_equal(lb_message_pack(&sample, buf), n);
    lb_message *m = lb_message_unpack(buf, n);
    assert_non_null(m);
    assert_string_equal(m->channel, sample.channel);
    assert_string_equal(m->subtopic, sample.subtopic);
    assert_string_equal(m->publisher, sample.publisher);
    assert_string_equal(m->protocol, sample.protocol);
    assert_string_equal(m->content_type, sample.content_type);
    assert_int_equal(m->payload_len, sample.payload_len);
    assert_memory_equal(m->payload, sample.payload, sample.payload_len);
    assert_true(m->created == sample.created);
    lb_message_free(m);
}

/* Field numbers and wire types are the contract with Mainflux: check the bytes by hand.
 * channel "c" -> tag 0x0a (1<<3|2), len 1; created 1 -> tag 0x30 (6<<3|0), varint 1. */
static void wire_bytes_follow_field_numbers(void **state)
{
    const uint8_t pay[] = {0xff};
    lb_message m = {.channel = "c", .subtopic = "s", .publisher = "p", .protocol = "x",
                    .payload = pay, .payload_len = 1, .created = 1, .content_type = "t"};
    const uint8_t want[] = {0x0a, 1, 'c', 0x12, 1, 's', 0x1a, 1, 'p', 0x22, 1, 'x',
                            0x2a, 1, 0xff, 0x30, 1, 0x3a, 1, 't'};
    uint8_t buf[64];
    size_t n = lb_message_pack(&m, buf);
    assert_int_equal(n, sizeof want);
    assert_memory_equal(buf, want, sizeof want);
}

static void absent_fields_are_empty_strings(void **state)
{
    lb_message m = {.channel = "c"};
    uint8_t buf[64];
    size_t n = lb_message_pack(&m, buf);
    assert_int_equal(n, 3);
    lb_message *d = lb_message_unpack(buf, n);
    assert_non_null(d);
    assert_string_equal(d->subtopic, "");
    assert_string_equal(d->content_type, "");
    assert_int_equal(d->payload_len, 0);
    lb_message_free(d);
}

static void garbage_is_refused(void **state)
{
    const uint8_t truncated[] = {0x0a, 10, 'c'};     /* length past the end */
    const uint8_t bad_wire[] = {0x0f, 0x00};          /* wire type 7 does not exist */
    const uint8_t wrong_type[] = {0x30, 0xff, 0xff};  /* unterminated varint */
    assert_null(lb_message_unpack(truncated, sizeof truncated));
    assert_null(lb_message_unpack(bad_wire, sizeof bad_wire));
    assert_null(lb_message_unpack(wrong_type, sizeof wrong_type));
}

static void unknown_fields_are_skipped(void **state)
{
    /* field 15 varint 1, then channel "c": a newer sender's extra field must not break us */
    const uint8_t in[] = {0x78, 0x01, 0x0a, 0x01, 'c'};
    lb_message *d = lb_message_unpack(in, sizeof in);
    assert_non_null(d);
    assert_string_equal(d->channel, "c");
    lb_message_free(d);
}

/* Our one-pass encoder writes exactly what protobuf-c's generic packer writes. */
static void encoder_matches_protobuf_c(void **state)
{
    static uint8_t big[70000];
    memset(big, 0xab, sizeof big);
    const lb_message cases[] = {
        sample,
        {0},
        {.channel = "c", .created = -1},
        {.channel = "c", .created = INT64_MAX, .payload = big, .payload_len = sizeof big},
        {.protocol = "coap", .payload = big, .payload_len = 300},
        {.subtopic = "a.b", .payload = big, .payload_len = 127},
        {.content_type = "text/plain", .payload = big, .payload_len = 128},
        {.publisher = "", .channel = "", .created = 1},
    };
    static uint8_t ours[80000], theirs[80000];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const lb_message *m = &cases[i];
        Messaging__Message pb;
        messaging__message__init(&pb);
        pb.channel = (char *)(m->channel ? m->channel : "");
        pb.subtopic = (char *)(m->subtopic ? m->subtopic : "");
        pb.publisher = (char *)(m->publisher ? m->publisher : "");
        pb.protocol = (char *)(m->protocol ? m->protocol : "");
        pb.payload.data = (uint8_t *)m->payload;
        pb.payload.len = m->payload_len;
        pb.created = m->created;
        pb.content_type = (char *)(m->content_type ? m->content_type : "");
        size_t want = messaging__message__pack(&pb, theirs);
        assert_int_equal(messaging__message__get_packed_size(&pb), want);
        assert_int_equal(lb_message_packed_size(m), want);
        assert_int_equal(lb_message_pack(m, ours), want);
        if (memcmp(ours, theirs, want) != 0)
            fail_msg("case %zu: bytes differ from protobuf-c's", i);
    }
}

static int emit(const char *path)
{
    uint8_t buf[512];
    size_t n = lb_message_pack(&sample, buf);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, n, f) != n)
        return 1;
    return fclose(f) != 0;
}

static int print(const char *path)
{
    static uint8_t buf[65536];
    FILE *f = fopen(path, "rb");
    if (!f)
        return 1;
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    lb_message *m = lb_message_unpack(buf, n);
    if (!m)
        return 1;
    printf("channel=%s\nsubtopic=%s\npublisher=%s\nprotocol=%s\npayload=%.*s\ncreated=%lld\n"
           "content_type=%s\n",
           m->channel, m->subtopic, m->publisher, m->protocol, (int)m->payload_len,
           (const char *)m->payload, (long long)m->created, m->content_type);
    lb_message_free(m);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--emit") == 0)
        return emit(argv[2]);
    if (argc == 3 && strcmp(argv[1], "--print") == 0)
        return print(argv[2]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_keeps_every_field),
        cmocka_unit_test(wire_bytes_follow_field_numbers),
        cmocka_unit_test(absent_fields_are_empty_strings),
        cmocka_unit_test(garbage_is_refused),
        cmocka_unit_test(unknown_fields_are_skipped),
        cmocka_unit_test(encoder_matches_protobuf_c),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
