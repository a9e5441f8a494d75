/* Unit tests of the InfluxDB writer's line protocol (writers/influxdb/line.h): escaping of
 * measurements, keys, tag values and string fields, and the conversion of messages (SenML
 * packs, JSON, octet-stream, text) into lines, including records of one pack that share a
 * name and a time staying distinct points. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "line.h"
#include "lyrebird/error.h"

/* 1700000000 s in ns: the pack's times below are absolute */
#define T0 "1700000000000000000"

static char *esc_with(void (*f)(influx_buf *, const char *), const char *s)
{
    static char out[512];
    influx_buf b = {0};
    f(&b, s);
    snprintf(out, sizeof out, "%s", b.data ? b.data : "");
    influx_buf_free(&b);
    return out;
}

static void escapes_measurement_commas_and_spaces(void **state)
{
    assert_string_equal(esc_with(influx_esc_measurement, "a,b c=d\"e"), "a\\,b\\ c=d\"e");
}

static void escapes_keys_and_tag_values(void **state)
{
    assert_string_equal(esc_with(influx_esc_key, "a,b c=d"), "a\\,b\\ c\\=d");
    /* quotes and inner backslashes are literal in keys and tag values */
    assert_string_equal(esc_with(influx_esc_key, "q\"x\\y"), "q\"x\\y");
    /* a backslash InfluxDB would read as an escape (it cannot store one at the end or before
     * a delimiter: "invalid tag format") becomes '/' */
    assert_string_equal(esc_with(influx_esc_key, "end\\"), "end/");
    assert_string_equal(esc_with(influx_esc_key, "a\\,b"), "a/\\,b");
    /* line protocol cannot carry newlines there: they become (escaped) spaces */
    assert_string_equal(esc_with(influx_esc_key, "a\nb\rc\td"), "a\\ b\\ c\\ d");
}

static void escapes_string_fields(void **state)
{
    assert_string_equal(esc_with(influx_esc_string, "say \"hi\", a\\b = c"),
                        "\"say \\\"hi\\\", a\\\\b = c\"");
    assert_string_equal(esc_with(influx_esc_string, "two\nlines"), "\"two\nlines\"");
    assert_string_equal(esc_with(influx_esc_string, ""), "\"\"");
}

static void formats_floats_exactly(void **state)
{
    influx_buf b = {0};
    influx_fmt_float(&b, 0.1);
    assert_string_equal(b.data, "0.1");
    influx_buf_reset(&b);
    influx_fmt_float(&b, 21);
    assert_string_equal(b.data, "21");
    influx_buf_reset(&b);
    influx_fmt_float(&b, 1.0 / 3);
    assert_true(strtod(b.data, NULL) == 1.0 / 3);
    influx_buf_free(&b);
}

/* Converts a message with payload p of content type ct; returns the lines (static). */
static const char *convert(const char *ct, const char *p, size_t *points, int *rc)
{
    static char out[4096];
    char err[LB_ERRLEN] = "";
    lb_message m = {.channel = "c-1",
                    .subtopic = "room.1",
                    .publisher = "t-1",
                    .protocol = "http",
                    .payload = (const uint8_t *)p,
                    .payload_len = strlen(p),
                    .created = 1700000005000000000LL,
                    .content_type = ct};
    influx_buf b = {0};
    *points = 0;
    *rc = influx_lines_message(&m, &b, points, err, sizeof err);
    snprintf(out, sizeof out, "%s", *rc == 0 && b.data ? b.data : err);
    influx_buf_free(&b);
    return out;
}

static void senml_pack_to_lines(void **state)
{
    size_t n;
    int rc;
    const char *got = convert("application/senml+json",
                              "[{\"bn\":\"dev:\",\"bt\":1700000000,\"bu\":\"Cel\",\"n\":\"temp\","
                              "\"v\":21.5,\"s\":100},"
                              "{\"n\":\"label\",\"vs\":\"a \\\"b\\\", c\",\"t\":1},"
                              "{\"n\":\"on\",\"vb\":true,\"u\":\"/\"},"
                              "{\"n\":\"raw\",\"vd\":\"aGk\"},"
                              "{\"n\":\"total\",\"s\":5}]",
                              &n, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(n, 5);
    assert_string_equal(
        got, "messages,channel=c-1,subtopic=room.1,publisher=t-1,name=dev:temp "
             "value=21.5,sum=100,unit=\"Cel\",protocol=\"http\" " T0 "\n"
             "messages,channel=c-1,subtopic=room.1,publisher=t-1,name=dev:label "
             "stringValue=\"a \\\"b\\\", c\",unit=\"Cel\",protocol=\"http\" 1700000001000000000\n"
             "messages,channel=c-1,subtopic=room.1,publisher=t-1,name=dev:on "
             "boolValue=true,unit=\"/\",protocol=\"http\" " T0 "\n"
             "messages,channel=c-1,subtopic=room.1,publisher=t-1,name=dev:raw "
             "dataValue=\"aGk\",unit=\"Cel\",protocol=\"http\" " T0 "\n"
             "messages,channel=c-1,subtopic=room.1,publisher=t-1,name=dev:total "
             "sum=5,unit=\"Cel\",protocol=\"http\" " T0 "\n");
}

static void same_name_and_time_stay_distinct(void **state)
{
    size_t n;
    int rc;
    const char *got = convert("application/senml+json",
                              "[{\"bt\":1700000000,\"n\":\"x\",\"v\":1},{\"n\":\"x\",\"v\":2},"
                              "{\"n\":\"x\",\"v\":3},{\"n\":\"y\",\"v\":4}]",
                              &n, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(n, 4);
    const char *want = "messages,channel=c-1,subtopic=room.1,publisher=t-1,name=x value=1,"
                       "protocol=\"http\" 1700000000000000000\n"
                       "messages,channel=c-1,subtopic=room.1,publisher=t-1,name=x value=2,"
                       "protocol=\"http\" 1700000000000000001\n"
                       "messages,channel=c-1,subtopic=room.1,publisher=t-1,name=x value=3,"
                       "protocol=\"http\" 1700000000000000002\n"
                       /* another name is another series: its time is left alone */
                       "messages,channel=c-1,subtopic=room.1,publisher=t-1,name=y value=4,"
                       "protocol=\"http\" 1700000000000000000\n";
    assert_string_equal(got, want);
}

static void relative_times_come_from_created(void **state)
{
    size_t n;
    int rc;
    const char *got =
        convert("application/senml+json", "[{\"n\":\"x\",\"v\":1,\"t\":-1}]", &n, &rc);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(got, " 1700000004000000000\n"));
}

static void json_is_flattened(void **state)
{
    size_t n;
    int rc;
    const char *got = convert("application/json",
                              "{\"a\":{\"b\":1.5,\"c\":\"x y\"},\"ok\":false,\"l\":[7,8],"
                              "\"nothing\":null,\"k,e y\":2}",
                              &n, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(n, 1);
    assert_string_equal(got, "json,channel=c-1,subtopic=room.1,publisher=t-1 a.b=1.5,a.c=\"x y\","
                             "ok=false,l.0=7,l.1=8,k\\,e\\ y=2 1700000005000000000\n");
}

static void octet_stream_is_base64(void **state)
{
    size_t n;
    int rc;
    const char *got = convert("application/octet-stream", "hi!?", &n, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(n, 1);
    assert_string_equal(got, "messages,channel=c-1,subtopic=room.1,publisher=t-1 "
                             "dataValue=\"aGkhPw==\",protocol=\"http\" 1700000005000000000\n");
    got = convert("text/plain", "a \"q\"", &n, &rc);
    assert_string_equal(got, "messages,channel=c-1,subtopic=room.1,publisher=t-1 "
                             "stringValue=\"a \\\"q\\\"\",protocol=\"http\" 1700000005000000000\n");
}

static void bad_payloads_are_refused(void **state)
{
    size_t n;
    int rc;
    const char *got = convert("application/senml+json", "[{\"n\":\"x\",\"v\":\"no\"}]", &n, &rc);
    assert_int_equal(rc, LB_EINVAL);
    assert_int_equal(n, 0);
    assert_non_null(strstr(got, "record 0"));
    convert("application/json", "{nope", &n, &rc);
    assert_int_equal(rc, LB_EINVAL);
    convert("image/png", "x", &n, &rc);
    assert_int_equal(rc, LB_EINVAL);
    /* times InfluxDB cannot store refuse the whole pack, with the record named */
    got = convert("application/senml+json", "[{\"n\":\"a\",\"v\":1},{\"n\":\"b\",\"v\":1,"
                  "\"t\":1e300}]", &n, &rc);
    assert_int_equal(rc, LB_EINVAL);
    assert_int_equal(n, 0);
    assert_non_null(strstr(got, "record 1: time is outside the years InfluxDB can store"));
    /* relative to now (RFC 8428 §4.5.3): 634 years ago */
    convert("application/senml+json", "[{\"n\":\"a\",\"v\":1,\"t\":-2e10}]", &n, &rc);
    assert_int_equal(rc, LB_EINVAL);
    /* the last storable time (2262-04-11) is kept */
    got = convert("application/senml+json", "[{\"n\":\"a\",\"v\":1,\"t\":9223372036}]", &n, &rc);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(got, " 9223372036000000000\n"));
}

static void empty_tags_are_left_out(void **state)
{
    char err[LB_ERRLEN];
    const char *p = "[{\"n\":\"x\",\"v\":1,\"t\":1700000000}]";
    lb_message m = {.channel = "c",
                    .payload = (const uint8_t *)p,
                    .payload_len = strlen(p),
                    .content_type = "application/senml+json"};
    influx_buf b = {0};
    size_t n = 0;
    assert_int_equal(influx_lines_message(&m, &b, &n, err, sizeof err), 0);
    assert_string_equal(b.data, "messages,channel=c,name=x value=1 " T0 "\n");
    influx_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_measurement_commas_and_spaces),
        cmocka_unit_test(escapes_keys_and_tag_values),
        cmocka_unit_test(escapes_string_fields),
        cmocka_unit_test(formats_floats_exactly),
        cmocka_unit_test(senml_pack_to_lines),
        cmocka_unit_test(same_name_and_time_stay_distinct),
        cmocka_unit_test(relative_times_come_from_created),
        cmocka_unit_test(json_is_flattened),
        cmocka_unit_test(octet_stream_is_base64),
        cmocka_unit_test(bad_payloads_are_refused),
        cmocka_unit_test(empty_tags_are_left_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
