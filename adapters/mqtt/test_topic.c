/* Unit tests of the MQTT adapter's topic rules (topic.c): which topics and filters name a
 * channel, how subtopics and wildcards map to the bus, and the topic of a bus message. */
#include "topic.h"

#include <lyrebird/error.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

static char ch[MQTT_CHANNEL_MAX + 1], sub[MQTT_SUBTOPIC_MAX + 1], err[256];

static int parse(const char *topic, int filter)
{
    ch[0] = sub[0] = err[0] = 0;
    return mqtt_topic_parse(topic, filter, ch, sub, err, sizeof err);
}

static void test_topic_without_subtopic(void **state)
{
    (void)state;
    assert_int_equal(parse("channels/c1/messages", 0), 0);
    assert_string_equal(ch, "c1");
    assert_string_equal(sub, "");
}

static void test_subtopic_becomes_dotted(void **state)
{
    (void)state;
    assert_int_equal(parse("channels/c1/messages/room/1", 0), 0);
    assert_string_equal(sub, "room.1");
    assert_int_equal(parse("channels/c1/messages//a//b/", 0), 0);
    assert_string_equal(sub, "a.b");
}

static void test_filter_wildcards_map_to_bus_wildcards(void **state)
{
    (void)state;
    assert_int_equal(parse("channels/c1/messages/+/temp", 1), 0);
    assert_string_equal(sub, "*.temp");
    assert_int_equal(parse("channels/c1/messages/#", 1), 0);
    assert_string_equal(sub, ">");
    assert_int_equal(parse("channels/c1/messages/a/#", 1), 0);
    assert_string_equal(sub, "a.>");
}

static void test_wildcards_refused_outside_the_subtopic(void **state)
{
    (void)state;
    assert_int_equal(parse("channels/+/messages", 1), LB_EINVAL);
    assert_non_null(strstr(err, "channel id"));
    assert_int_equal(parse("channels/#", 1), LB_EINVAL);
    assert_int_equal(parse("channels/c1/+", 1), LB_EINVAL);
    assert_int_equal(parse("channels/c1/#", 1), LB_EINVAL);
    assert_int_equal(parse("#", 1), LB_EINVAL);
    assert_int_equal(parse("+/c1/messages", 1), LB_EINVAL);
}

static void test_wildcards_refused_when_publishing(void **state)
{
    (void)state;
    assert_int_equal(parse("channels/c1/messages/+", 0), LB_EINVAL);
    assert_int_equal(parse("channels/c1/messages/#", 0), LB_EINVAL);
}

static void test_malformed_wildcards_refused(void **state)
{
    (void)state;
    assert_int_equal(parse("channels/c1/messages/a+", 1), LB_EINVAL);
    assert_int_equal(parse("channels/c1/messages/#/a", 1), LB_EINVAL);
    assert_int_equal(parse("channels/c1/messages/a#", 1), LB_EINVAL);
}

static void test_nats_wildcards_refused(void **state)
{
    (void)state;
    assert_int_equal(parse("channels/c1/messages/*", 1), LB_EINVAL);
    assert_int_equal(parse("channels/c1/messages/a/>", 0), LB_EINVAL);
    assert_int_equal(parse("channels/c*/messages", 0), LB_EINVAL);
}

static void test_other_topics_refused(void **state)
{
    (void)state;
    assert_int_equal(parse("$SYS/broker/uptime", 1), LB_EINVAL);
    assert_int_equal(parse("channels//messages", 0), LB_EINVAL);
    assert_int_equal(parse("channels/c1", 0), LB_EINVAL);
    assert_int_equal(parse("channels/c1/messagesx", 0), LB_EINVAL);
    assert_int_equal(parse("channels/c1/other/x", 0), LB_EINVAL);
    assert_int_equal(parse("channels/c.1/messages", 0), LB_EINVAL);
    assert_int_equal(parse("channels/c1/messages/a b", 0), LB_EINVAL);
    assert_int_equal(parse("", 0), LB_EINVAL);
}

static void test_long_names_refused(void **state)
{
    char topic[1024];
    (void)state;
    memset(topic, 0, sizeof topic);
    strcpy(topic, "channels/");
    memset(topic + 9, 'a', MQTT_CHANNEL_MAX + 1);
    strcat(topic, "/messages");
    assert_int_equal(parse(topic, 0), LB_ETOOBIG);
    strcpy(topic, "channels/c1/messages/");
    memset(topic + strlen(topic), 'b', MQTT_SUBTOPIC_MAX + 1);
    assert_int_equal(parse(topic, 0), LB_ETOOBIG);
}

static void test_channel_of_a_delivered_topic(void **state)
{
    (void)state;
    assert_int_equal(mqtt_topic_channel("channels/c1/messages/a/b", ch), 0);
    assert_string_equal(ch, "c1");
    assert_int_equal(mqtt_topic_channel("channels/c1/messages", ch), 0);
    assert_int_equal(mqtt_topic_channel("channels/c1/messagesx", ch), LB_EINVAL);
    assert_int_equal(mqtt_topic_channel("channels//messages", ch), LB_EINVAL);
    assert_int_equal(mqtt_topic_channel("channels/c+/messages", ch), LB_EINVAL);
    assert_int_equal(mqtt_topic_channel("other/c1/messages", ch), LB_EINVAL);
}

static void test_build_topic_from_bus_message(void **state)
{
    char out[128];
    (void)state;
    assert_int_equal(mqtt_topic_build("c1", "a.b", out, sizeof out), 0);
    assert_string_equal(out, "channels/c1/messages/a/b");
    assert_int_equal(mqtt_topic_build("c1", "", out, sizeof out), 0);
    assert_string_equal(out, "channels/c1/messages");
    assert_int_equal(mqtt_topic_build("c1", NULL, out, sizeof out), 0);
    assert_string_equal(out, "channels/c1/messages");
    assert_int_equal(mqtt_topic_build("c1", "a.b", out, 10), LB_ETOOBIG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_topic_without_subtopic),
        cmocka_unit_test(test_subtopic_becomes_dotted),
        cmocka_unit_test(test_filter_wildcards_map_to_bus_wildcards),
        cmocka_unit_test(test_wildcards_refused_outside_the_subtopic),
        cmocka_unit_test(test_wildcards_refused_when_publishing),
        cmocka_unit_test(test_malformed_wildcards_refused),
        cmocka_unit_test(test_nats_wildcards_refused),
        cmocka_unit_test(test_other_topics_refused),
        cmocka_unit_test(test_long_names_refused),
        cmocka_unit_test(test_channel_of_a_delivered_topic),
        cmocka_unit_test(test_build_topic_from_bus_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
