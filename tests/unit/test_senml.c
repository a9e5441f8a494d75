/* Unit tests of the SenML module (senml.h): base field resolution and carry-forward, relative
 * and absolute times, each kind of value, and a table of bad packs, each of which must fail
 * with LB_EINVAL and a message naming the record and the problem. Every parse uses the fixed
 * time NOW, so resolved times are exact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lyrebird/error.h"
#include "lyrebird/senml.h"

#define NOW     1700000000.0
#define REL_MAX 268435456.0 /* 2^28: resolved times below it are relative */

/* Equal, or within a relative 1e-12 (the test binary has no libm, so no fabs/fmax) */
static int near(double a, double b)
{
    double d = a > b ? a - b : b - a;
    double m = a < 0 ? -a : a;
    double n = b < 0 ? -b : b;
    return a == b || d <= 1e-12 * (m > n ? m : n);
}

#define assert_double_equal(a, b)                                                                  \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        if (!near(a_, b_))                                                                         \
            fail_msg("%s is %.17g, expected %.17g", #a, a_, b_);                                   \
    } while (0)

/* Parses a pack that must be valid, showing the error if it is not. */
static lb_senml_pack *parse_ok(const char *json)
{
    char err[LB_ERRLEN];
    lb_senml_pack *pack = NULL;
    int rc = lb_senml_parse(json, strlen(json), NOW, &pack, err, sizeof err);
    if (rc != 0)
        fail_msg("parse of %s failed (%s): %s", json, lb_strerror(rc), err);
    assert_non_null(pack);
    return pack;
}

/* Parses json[0..len), which must fail with LB_EINVAL and an error containing want. */
static void expect_error_len(const char *json, size_t len, const char *want)
{
    char err[LB_ERRLEN];
    lb_senml_pack *pack = (lb_senml_pack *)&pack; /* must be reset to NULL */
    int rc = lb_senml_parse(json, len, NOW, &pack, err, sizeof err);
    if (rc != LB_EINVAL)
        fail_msg("parse of %.*s returned %d (%s), expected LB_EINVAL", (int)len, json, rc,
                 lb_strerror(rc));
    assert_null(pack);
    if (!strstr(err, want))
        fail_msg("parse of %.*s: error \"%s\" does not contain \"%s\"", (int)len, json, err, want);
}

static void expect_error(const char *json, const char *want)
{
    expect_error_len(json, strlen(json), want);
}

static void test_base_name_is_prefixed_to_name(void **state)
{
    (void)state;
    lb_senml_pack *p = parse_ok("[{\"bn\":\"urn:dev:ow:10e2073a01080063:\",\"n\":\"temp\",\"v\":1},"
                                "{\"n\":\"hum\",\"v\":2}]");
    assert_int_equal(p->count, 2);
    assert_string_equal(p->records[0].name, "urn:dev:ow:10e2073a01080063:temp");
    assert_string_equal(p->records[1].name, "urn:dev:ow:10e2073a01080063:hum");
    lb_senml_pack_free(p);
}

static void test_base_name_alone_is_the_name(void **state)
{
    (void)state;
    lb_senml_pack *p = parse_ok("[{\"bn\":\"dev1/temp\",\"v\":1},{\"n\":\"\",\"v\":2}]");
    assert_string_equal(p->records[0].name, "dev1/temp");
    assert_string_equal(p->records[1].name, "dev1/temp");
    lb_senml_pack_free(p);
}

static void test_name_without_base_name(void **state)
{
    (void)state;
    lb_senml_pack *p = parse_ok("[{\"n\":\"a\\/b.c-d_e:0\",\"v\":1}]");
    assert_string_equal(p->records[0].name, "a/b.c-d_e:0");
    lb_senml_pack_free(p);
}

static void test_base_time_is_added_to_time(void **state)
{
    (void)state;
    lb_senml_pack *p =
        parse_ok("[{\"bt\":1320067464,\"n\":\"a\",\"v\":1,\"t\":-5},{\"n\":\"b\",\"v\":2},"
                 "{\"n\":\"c\",\"v\":3,\"t\":60.5}]");
    assert_double_equal(p->records[0].time, 1320067459.0);
    assert_double_equal(p->records[1].time, 1320067464.0);
    assert_double_equal(p->records[2].time, 1320067524.5);
    lb_senml_pack_free(p);
}

static void test_base_unit_used_when_no_unit(void **state)
{
    (void)state;
    lb_senml_pack *p =
        parse_ok("[{\"bu\":\"Cel\",\"n\":\"a\",\"v\":1},{\"n\":\"b\",\"u\":\"%RH\",\"v\":2},"
                 "{\"n\":\"c\",\"v\":3}]");
    assert_string_equal(p->records[0].unit, "Cel");
    assert_string_equal(p->records[1].unit, "%RH");
    assert_string_equal(p->records[2].unit, "Cel");
    lb_senml_pack_free(p);
}

static void test_unit_absent_is_null(void **state)
{
    (void)state;
    lb_senml_pack *p = parse_ok("[{\"n\":\"a\",\"v\":1}]");
    assert_null(p->records[0].unit);
    assert_null(p->records[0].string);
    lb_senml_pack_free(p);
}

static void test_base_value_is_added_to_value(void **state)
{
    (void)state;
    lb_senml_pack *p = parse_ok("[{\"bv\":100,\"n\":\"a\",\"v\":1.5},{\"n\":\"b\",\"v\":-100},"
                                "{\"n\":\"c\",\"vs\":\"x\"}]");
    assert_double_equal(p->records[0].value, 101.5);
    assert_double_equal(p->records[1].value, 0.0);
    assert_int_equal(p->records[2].kind, LB_SENML_STRING); /* bv applies to v only */
    assert_string_equal(p->records[2].string, "x");
    lb_senml_pack_free(p);
}

static void test_base_sum_is_added_to_sum(void **state)
{
    (void)state;
    lb_senml_pack *p = parse_ok("[{\"bs\":1000,\"n\":\"a\",\"s\":5},{\"n\":\"b\",\"s\":-1000.25},"
                                "{\"n\":\"c\",\"v\":1}]");
    assert_true(p->records[0].has_sum);
    assert_double_equal(p->records[0].sum, 1005.0);
    assert_double_equal(p->records[1].sum, -0.25);
    assert_false(p->records[2].has_sum); /* bs alone makes no sum */
    lb_senml_pack_free(p);
}

static void test_base_fields_carry_forward_until_redefined(void **state)
{
    (void)state;
    lb_senml_pack *p =
        parse_ok("[{\"bn\":\"d1:\",\"bt\":1700000000,\"bu\":\"Cel\",\"bv\":10,\"bs\":100,"
                 "\"n\":\"a\",\"v\":1,\"s\":1},"
                 "{\"n\":\"b\",\"v\":2,\"t\":5},"
                 "{\"bn\":\"d2:\",\"bu\":\"m\",\"n\":\"c\",\"v\":3},"
                 "{\"bt\":1800000000,\"bv\":0,\"n\":\"d\",\"v\":4,\"s\":2,\"u\":\"s\"},"
                 "{\"n\":\"e\",\"v\":5}]");
    assert_int_equal(p->count, 5);
    const lb_senml_record *r = p->records;
    assert_string_equal(r[0].name, "d1:a");
    assert_string_equal(r[1].name, "d1:b");
    assert_string_equal(r[2].name, "d2:c");
    assert_string_equal(r[3].name, "d2:d");
    assert_string_equal(r[4].name, "d2:e");
    assert_string_equal(r[0].unit, "Cel");
    assert_string_equal(r[1].unit, "Cel");
    assert_string_equal(r[2].unit, "m");
    assert_string_equal(r[3].unit, "s");
    assert_string_equal(r[4].unit, "m");
    assert_double_equal(r[0].value, 11);
    assert_double_equal(r[1].value, 12);
    assert_double_equal(r[2].value, 13);
    assert_double_equal(r[3].value, 4);
    assert_double_equal(r[4].value, 5);
    assert_double_equal(r[0].sum, 101);
    assert_double_equal(r[3].sum, 102);
    assert_double_equal(r[0].time, 1700000000);
    assert_double_equal(r[1].time, 1700000005);
    assert_double_equal(r[2].time, 1700000000);
    assert_double_equal(r[3].time, 1800000000);
    assert_double_equal(r[4].time, 1800000000);
    lb_senml_pack_free(p);
}

static void test_no_time_means_now(void **state)
{
    (void)state;
    lb_senml_pack *p = parse_ok("[{\"n\":\"a\",\"v\":1},{\"n\":\"b\",\"v\":1,\"t\":0}]");
    assert_double_equal(p->records[0].time, NOW);
    assert_double_equal(p->records[1].time, NOW);
    lb_senml_pack_free(p);
}

static void test_relative_time_is_taken_from_now(void **state)
{
    (void)state;
    lb_senml_pack *p = parse_ok("[{\"n\":\"a\",\"v\":1,\"t\":-10},{\"n\":\"b\",\"v\":1,\"t\":5.5},"
                                "{\"bt\":-60,\"n\":\"c\",\"v\":1,\"t\":30},{\"n\":\"d\",\"v\":1}]");
    assert_double_equal(p->records[0].time, NOW - 10);
    assert_double_equal(p->records[1].time, NOW + 5.5);
    assert_double_equal(p->records[2].time, NOW - 30);
    assert_double_equal(p->records[3].time, NOW - 60);
    lb_senml_pack_free(p);
}

static void test_relative_limit_is_two_to_the_28(void **state)
{
    (void)state;
    lb_senml_pack *p = parse_ok("[{\"n\":\"a\",\"v\":1,\"t\":268435455},"
                                "{\"n\":\"b\",\"v\":1,\"t\":268435456},"
                                "{\"bt\":268435456,\"n\":\"c\",\"v\":1,\"t\":-1}]");
    assert_double_equal(p->records[0].time, NOW + REL_MAX - 1);
    assert_double_equal(p->records[1].time, REL_MAX);
    /* the resolved time (bt + t) decides, not bt alone */
    assert_double_equal(p->records[2].time, NOW + REL_MAX - 1);
    lb_senml_pack_free(p);
}

static void test_absolute_time_is_kept(void **state)
{
    (void)state;
    lb_senml_pack *p =
        parse_ok("[{\"n\":\"a\",\"v\":1,\"t\":1320067464.25},{\"bt\":1e9,\"n\":\"b\",\"v\":1,"
                 "\"t\":-5}]");
    assert_double_equal(p->records[0].time, 1320067464.25);
    assert_double_equal(p->records[1].time, 1e9 - 5);
    lb_senml_pack_free(p);
}

static void test_float_value(void **state)
{
    (void)state;
    lb_senml_pack *p = parse_ok("[{\"n\":\"a\",\"v\":-23.125e1},{\"n\":\"b\",\"v\":7}]");
    assert_int_equal(p->records[0].kind, LB_SENML_FLOAT);
    assert_double_equal(p->records[0].value, -231.25);
    assert_int_equal(p->records[1].kind, LB_SENML_FLOAT);
    assert_double_equal(p->records[1].value, 7);
    assert_false(p->records[0].has_sum);
    lb_senml_pack_free(p);
}

static void test_string_value(void **state)
{
    (void)state;
    lb_senml_pack *p =
        parse_ok("[{\"n\":\"a\",\"vs\":\"caf\\u00e9 \\\"ok\\\"\\n\"},{\"n\":\"b\",\"vs\":\"\"}]");
    assert_int_equal(p->records[0].kind, LB_SENML_STRING);
    assert_string_equal(p->records[0].string, "caf\xc3\xa9 \"ok\"\n");
    assert_int_equal(p->records[1].kind, LB_SENML_STRING);
    assert_string_equal(p->records[1].string, "");
    lb_senml_pack_free(p);
}

static void test_bool_value(void **state)
{
    (void)state;
    lb_senml_pack *p = parse_ok("[{\"n\":\"a\",\"vb\":true},{\"n\":\"b\",\"vb\":false}]");
    assert_int_equal(p->records[0].kind, LB_SENML_BOOL);
    assert_int_equal(p->records[0].boolean, 1);
    assert_int_equal(p->records[1].kind, LB_SENML_BOOL);
    assert_int_equal(p->records[1].boolean, 0);
    lb_senml_pack_free(p);
}

static void test_data_value_kept_as_given(void **state)
{
    (void)state;
    lb_senml_pack *p = parse_ok("[{\"n\":\"a\",\"vd\":\"SGVsbG8-_w\"},{\"n\":\"b\",\"vd\":\"\"}]");
    assert_int_equal(p->records[0].kind, LB_SENML_DATA);
    assert_string_equal(p->records[0].string, "SGVsbG8-_w");
    assert_int_equal(p->records[1].kind, LB_SENML_DATA);
    assert_string_equal(p->records[1].string, "");
    lb_senml_pack_free(p);
}

static void test_sum_only_record(void **state)
{
    (void)state;
    lb_senml_pack *p = parse_ok("[{\"n\":\"energy\",\"u\":\"J\",\"s\":1234.5}]");
    assert_int_equal(p->records[0].kind, LB_SENML_NONE);
    assert_true(p->records[0].has_sum);
    assert_double_equal(p->records[0].sum, 1234.5);
    lb_senml_pack_free(p);
}

static void test_value_and_sum_together(void **state)
{
    (void)state;
    lb_senml_pack *p = parse_ok("[{\"n\":\"flow\",\"v\":2,\"s\":40}]");
    assert_int_equal(p->records[0].kind, LB_SENML_FLOAT);
    assert_double_equal(p->records[0].value, 2);
    assert_true(p->records[0].has_sum);
    assert_double_equal(p->records[0].sum, 40);
    lb_senml_pack_free(p);
}

static void test_update_time(void **state)
{
    (void)state;
    lb_senml_pack *p = parse_ok("[{\"n\":\"a\",\"v\":1,\"ut\":300},{\"n\":\"b\",\"v\":1}]");
    assert_true(p->records[0].has_update_time);
    assert_double_equal(p->records[0].update_time, 300);
    assert_false(p->records[1].has_update_time);
    lb_senml_pack_free(p);
}

static void test_bver_up_to_10_accepted(void **state)
{
    (void)state;
    lb_senml_pack *p =
        parse_ok("[{\"bver\":10,\"n\":\"a\",\"v\":1},{\"bver\":5,\"n\":\"b\",\"v\":2}]");
    assert_int_equal(p->count, 2);
    lb_senml_pack_free(p);
}

static void test_bver_newer_refused(void **state)
{
    (void)state;
    expect_error("[{\"n\":\"a\",\"v\":1},{\"bver\":11,\"n\":\"b\",\"v\":1}]",
                 "record 1: 'bver' 11 is newer than this reader understands (10)");
}

static void test_must_understand_field_refused(void **state)
{
    (void)state;
    expect_error("[{\"n\":\"a\",\"v\":1},{\"n\":\"b\",\"v\":1,\"lat_\":52.1}]",
                 "record 1: field 'lat_' must be understood");
    expect_error("[{\"bx_\":1,\"n\":\"a\",\"v\":1}]", "record 0: field 'bx_' must be understood");
}

static void test_unknown_fields_ignored(void **state)
{
    (void)state;
    lb_senml_pack *p = parse_ok("[{\"n\":\"a\",\"v\":1,\"foo\":{\"x\":[1,2,{\"y\":null}]},"
                                "\"ver\":\"x\",\"b\":[],\"_x\":1,\"vx\":true,\"N\":5}]");
    assert_int_equal(p->count, 1);
    assert_string_equal(p->records[0].name, "a");
    assert_double_equal(p->records[0].value, 1);
    lb_senml_pack_free(p);
}

static void test_empty_array_refused(void **state)
{
    (void)state;
    expect_error("[]", "the pack is empty");
    expect_error(" [ ] ", "the pack is empty");
}

static void test_non_array_refused(void **state)
{
    (void)state;
    expect_error("{\"n\":\"a\",\"v\":1}", "not a JSON array");
    expect_error("42", "not a JSON array");
    expect_error("\"[]\"", "not a JSON array");
    expect_error("null", "not a JSON array");
}

static void test_empty_input_refused(void **state)
{
    (void)state;
    expect_error_len("", 0, "invalid JSON: the input is empty");
    expect_error_len(NULL, 0, "invalid JSON: the input is empty");
    expect_error(" \t\r\n", "invalid JSON: the input is empty");
}

/* Every proper prefix of a valid pack is refused cleanly. */
static void test_truncated_json_refused(void **state)
{
    (void)state;
    const char *json = "[{\"bn\":\"d:\",\"bt\":1.5e9,\"n\":\"a\",\"v\":-1.5e3,\"vx\":[true,null]},"
                       "{\"n\":\"b\",\"vs\":\"x\\u00e9\"}]";
    size_t len = strlen(json);
    for (size_t n = 0; n < len; n++) {
        /* a heap copy of exactly n bytes, so that reading past it is caught under ASan */
        char *copy = malloc(n ? n : 1);
        assert_non_null(copy);
        memcpy(copy, json, n);
        expect_error_len(copy, n, "invalid JSON");
        free(copy);
    }
    lb_senml_pack_free(parse_ok(json));
}

static void test_input_need_not_be_nul_terminated(void **state)
{
    (void)state;
    static const char text[] = "[{\"n\":\"a\",\"v\":1}]";
    size_t len = sizeof text - 1;
    char *copy = malloc(len);
    assert_non_null(copy);
    memcpy(copy, text, len);
    lb_senml_pack *p = NULL;
    char err[LB_ERRLEN];
    assert_int_equal(lb_senml_parse(copy, len, NOW, &p, err, sizeof err), 0);
    free(copy);
    assert_string_equal(p->records[0].name, "a");
    lb_senml_pack_free(p);

    /* only json[0..len) is read: what follows is not part of the input */
    const char *longer = "[{\"n\":\"a\",\"v\":1}]trailing garbage";
    assert_int_equal(lb_senml_parse(longer, len, NOW, &p, err, sizeof err), 0);
    lb_senml_pack_free(p);
}

static void test_nul_bytes_refused(void **state)
{
    (void)state;
    static const char after[] = "[{\"n\":\"a\",\"v\":1}]\0";
    static const char inside[] = "[{\"n\":\"a\0b\",\"v\":1}]";
    expect_error_len(after, sizeof after - 1, "invalid JSON");
    expect_error_len(inside, sizeof inside - 1, "invalid JSON");
    expect_error("[{\"n\":\"a\",\"vs\":\"x\\u0000y\"}]",
                 "invalid JSON at line 1 column 25: \\u0000 is not allowed in a string");
    expect_error("[{\"n\\u0000\":\"a\",\"v\":1}]", "invalid JSON");
}

static void test_deep_nesting_refused(void **state)
{
    (void)state;
    size_t depth = 100000;
    char *json = malloc(2 * depth);
    assert_non_null(json);
    memset(json, '[', depth);
    memset(json + depth, ']', depth);
    expect_error_len(json, 2 * depth, "invalid JSON");
    free(json);
}

static void test_nested_unknown_field_ignored(void **state)
{
    (void)state;
    char json[1024];
    size_t o = (size_t)snprintf(json, sizeof json, "[{\"n\":\"a\",\"v\":1,\"x\":");
    for (int i = 0; i < 200; i++)
        json[o++] = '[';
    for (int i = 0; i < 200; i++)
        json[o++] = ']';
    snprintf(json + o, sizeof json - o, "}]");
    lb_senml_pack_free(parse_ok(json));
}

static void test_huge_numbers(void **state)
{
    (void)state;
    /* integers beyond 64 bits are numbers like any other */
    lb_senml_pack *p = parse_ok("[{\"n\":\"a\",\"v\":123456789012345678901234567890},"
                                "{\"n\":\"b\",\"v\":-1.7e308},{\"n\":\"c\",\"v\":1e-400}]");
    assert_double_equal(p->records[0].value, 1.2345678901234568e29);
    assert_double_equal(p->records[1].value, -1.7e308);
    assert_double_equal(p->records[2].value, 0.0);
    lb_senml_pack_free(p);
    /* beyond a double, or infinite once resolved */
    expect_error("[{\"n\":\"a\",\"v\":1e400}]", "invalid JSON");
    expect_error("[{\"n\":\"a\",\"v\":1.5e308,\"bv\":1.5e308}]",
                 "record 0: 'v' plus 'bv' is out of range");
    expect_error("[{\"n\":\"a\",\"v\":1,\"t\":1.5e308,\"bt\":1.5e308}]",
                 "record 0: time is out of range");
}

static void test_many_records(void **state)
{
    (void)state;
    size_t n = 1000, cap = n * 40 + 64, o = 0;
    char *json = malloc(cap);
    assert_non_null(json);
    o += (size_t)snprintf(json + o, cap - o, "[");
    for (size_t i = 0; i < n; i++)
        o +=
            (size_t)snprintf(json + o, cap - o, "%s{\"n\":\"s%zu\",\"v\":%zu}", i ? "," : "", i, i);
    snprintf(json + o, cap - o, "]");
    lb_senml_pack *p = parse_ok(json);
    free(json);
    assert_int_equal(p->count, n);
    for (size_t i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "s%zu", i);
        assert_string_equal(p->records[i].name, name);
        assert_double_equal(p->records[i].value, (double)i);
    }
    lb_senml_pack_free(p);
}

static void test_pack_does_not_point_into_input(void **state)
{
    (void)state;
    const char *text = "[{\"bn\":\"d:\",\"bu\":\"V\",\"n\":\"a\",\"vs\":\"hello\"}]";
    size_t len = strlen(text);
    char *copy = malloc(len);
    assert_non_null(copy);
    memcpy(copy, text, len);
    lb_senml_pack *p = NULL;
    assert_int_equal(lb_senml_parse(copy, len, NOW, &p, NULL, 0), 0);
    memset(copy, 'x', len);
    free(copy);
    assert_string_equal(p->records[0].name, "d:a");
    assert_string_equal(p->records[0].unit, "V");
    assert_string_equal(p->records[0].string, "hello");
    lb_senml_pack_free(p);
}

static void test_error_names_the_record(void **state)
{
    (void)state;
    expect_error(
        "[{\"bn\":\"d:\",\"n\":\"a\",\"v\":1},{\"n\":\"b\",\"v\":2},{\"n\":\"c\",\"v\":\"3\"}]",
        "record 2: 'v' must be a number");
}

static void test_long_name_quoted_short(void **state)
{
    (void)state;
    char json[512], err[LB_ERRLEN];
    char name[201];
    memset(name, 'a', 199);
    name[199] = '!';
    name[200] = '\0';
    snprintf(json, sizeof json, "[{\"n\":\"%s\",\"v\":1}]", name);
    lb_senml_pack *p = NULL;
    assert_int_equal(lb_senml_parse(json, strlen(json), NOW, &p, err, sizeof err), LB_EINVAL);
    assert_non_null(strstr(err, "...' has a character not allowed (position 199)"));
    assert_true(strlen(err) < 120);
}

static void test_long_name_cut_at_character_boundary(void **state)
{
    (void)state;
    /* 47 ASCII letters, then a 2-byte character across the 48-byte quoting limit */
    char json[256], want[128];
    snprintf(json, sizeof json, "[{\"n\":\"%.47s\xc3\xa9zz\",\"v\":1}]",
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    snprintf(want, sizeof want, "name '%.47s...' has a character not allowed (position 47)",
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    expect_error(json, want);
}

static void test_control_character_quoted_safely(void **state)
{
    (void)state;
    expect_error("[{\"n\":\"a\\tb\",\"v\":1}]",
                 "record 0: name 'a?b' has a character not allowed (position 1)");
}

static void test_small_error_buffer_truncates(void **state)
{
    (void)state;
    char err[8];
    lb_senml_pack *p = NULL;
    memset(err, 'x', sizeof err);
    assert_int_equal(lb_senml_parse("[]", 2, NOW, &p, err, sizeof err), LB_EINVAL);
    assert_int_equal(strlen(err), sizeof err - 1);
    assert_int_equal(lb_senml_parse("[]", 2, NOW, &p, NULL, 0), LB_EINVAL);
    assert_int_equal(lb_senml_parse("[]", 2, NOW, &p, err, 0), LB_EINVAL);
}

static void test_success_clears_error(void **state)
{
    (void)state;
    char err[LB_ERRLEN] = "stale";
    lb_senml_pack *p = NULL;
    assert_int_equal(lb_senml_parse("[{\"n\":\"a\",\"v\":1}]", 17, NOW, &p, err, sizeof err), 0);
    assert_string_equal(err, "");
    lb_senml_pack_free(p);
}

static void test_null_out_refused(void **state)
{
    (void)state;
    char err[LB_ERRLEN];
    assert_int_equal(lb_senml_parse("[{\"n\":\"a\",\"v\":1}]", 17, NOW, NULL, err, sizeof err),
                     LB_EINVAL);
    assert_true(strlen(err) > 0);
}

static void test_null_input_with_length_refused(void **state)
{
    (void)state;
    expect_error_len(NULL, 5, "no input");
}

static void test_free_null_is_noop(void **state)
{
    (void)state;
    lb_senml_pack_free(NULL);
}

/* jansson refused a repeated key in any object, known field or not, at any depth; so must the
 * streaming parser. The same key in two different objects is fine. */
static void test_duplicate_keys_refused_in_any_object(void **state)
{
    (void)state;
    expect_error("[{\"n\":\"a\",\"v\":1,\"foo\":1,\"foo\":2}]", "duplicate object key");
    expect_error("[{\"n\":\"a\",\"v\":1,\"x\":{\"a\":1,\"b\":{\"a\":1},\"a\":2}}]",
                 "duplicate object key");
    expect_error("[{\"n\":\"a\",\"\\u006e\":\"b\",\"v\":1}]", "duplicate object key");
    expect_error("{\"a\":1,\"a\":2}", "duplicate object key");
    lb_senml_pack_free(
        parse_ok("[{\"n\":\"a\",\"v\":1,\"x\":{\"k\":1},\"y\":[{\"k\":1},{\"k\":2}]},"
                 "{\"n\":\"b\",\"v\":2,\"x\":{\"k\":1}}]"));
}

/* A JSON error anywhere in the text is reported rather than a SenML error before it. */
static void test_json_error_wins_over_earlier_senml_error(void **state)
{
    (void)state;
    expect_error("[{\"n\":\"a\"},{\"n\":\"b\",\"v\":1,\"x\":[1e400]}]", "real number overflow");
    expect_error("[{\"v\":\"x\"},{\"n\":\"b\",\"v\":1,\"v\":2}]", "duplicate object key");
    expect_error("{\"n\":\"a\"} x", "invalid JSON");
}

/* UTF-8 is checked strictly (no overlong forms, surrogates or code points past U+10FFFF), and
 * escaped surrogates must pair. */
static void test_strict_utf8_and_surrogates(void **state)
{
    (void)state;
    expect_error("[{\"n\":\"a\",\"vs\":\"\xc0\x80\"}]", "invalid JSON at line 1 column 16");
    expect_error("[{\"n\":\"a\",\"vs\":\"\xed\xa0\x80\"}]", "invalid JSON");
    expect_error("[{\"n\":\"a\",\"vs\":\"\xf4\x90\x80\x80\"}]", "invalid JSON");
    expect_error("[{\"n\":\"a\",\"v\":1,\"\xc1\xbf\":1}]", "invalid JSON");
    expect_error("[{\"n\":\"a\",\"vs\":\"x\\udc00\"}]", "invalid Unicode '\\uDC00'");
    expect_error("[{\"n\":\"a\",\"vs\":\"\\ud800\\u0041\"}]", "invalid Unicode '\\uD800\\u0041'");
    lb_senml_pack *p = parse_ok("[{\"n\":\"a\",\"vs\":\"\\ud83d\\ude00 \xf0\x9f\x98\x80\"}]");
    assert_string_equal(p->records[0].string, "\xf0\x9f\x98\x80 \xf0\x9f\x98\x80");
    lb_senml_pack_free(p);
}

/* Only space, tab, CR and LF separate tokens; and a token cut short after the pack is refused. */
static void test_only_json_whitespace_and_nothing_after(void **state)
{
    (void)state;
    expect_error("[\f{\"n\":\"a\",\"v\":1}]", "invalid JSON at line 1 column 2");
    expect_error("[{\"n\":\"a\",\"v\":1}]\v", "invalid JSON");
    expect_error("[{\"n\":\"a\",\"v\":1}] \"ab", "invalid JSON");
    expect_error("[{\"n\":\"a\",\"v\":1}] tru", "invalid JSON");
    expect_error("[{\"n\":\"a\",\"v\":1}] 5", "invalid JSON");
    lb_senml_pack_free(parse_ok(" \r\n\t[{\"n\":\"a\",\"v\":1}] \r\n\t"));
}

/* Unknown fields may nest up to jansson's limit of 2048 levels in all. */
static void test_nesting_limit_is_2048_levels(void **state)
{
    (void)state;
    for (int depth = 2046; depth <= 2047; depth++) {
        size_t cap = 64 + 2 * (size_t)depth, o = 0;
        char *json = malloc(cap);
        assert_non_null(json);
        o += (size_t)snprintf(json, cap, "[{\"n\":\"a\",\"v\":1,\"x\":");
        memset(json + o, '[', (size_t)depth);
        memset(json + o + depth, ']', (size_t)depth);
        o += 2 * (size_t)depth;
        o += (size_t)snprintf(json + o, cap - o, "}]");
        if (depth == 2046)
            lb_senml_pack_free(parse_ok(json));
        else
            expect_error(json, "maximum parsing depth reached");
        free(json);
    }
}

/* Numbers convert exactly as strtod converts them (the short ones take a fast path). */
static void test_numbers_convert_as_strtod(void **state)
{
    (void)state;
    static const char *const numbers[] = {
        "0.1",
        "20.5",
        "-31.75",
        "1.320067464e+09",
        "9007199254740993",
        "9007199254740992e-22",
        "123456789012345678e-5",
        "1e22",
        "1E+23",
        "0.30000000000000004",
        "-0.0",
        "4.9e-324",
        "2.2250738585072014e-308",
        "1.7976931348623157e308",
        "1e-22",
        "7e-23",
        "0.000001",
    };
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        char json[128];
        snprintf(json, sizeof json, "[{\"n\":\"a\",\"v\":1,\"ut\":%s}]", numbers[i]);
        lb_senml_pack *p = parse_ok(json); /* ut is kept as given, with nothing added */
        double want = strtod(numbers[i], NULL);
        if (memcmp(&p->records[0].update_time, &want, sizeof want) != 0)
            fail_msg("%s became %.17g, strtod gives %.17g", numbers[i], p->records[0].update_time,
                     want);
        lb_senml_pack_free(p);
    }
}

/* Bad packs: each must fail with LB_EINVAL and an error containing the text given. */
static const struct {
    const char *json;
    const char *want;
} bad_packs[] = {
    {"[", "invalid JSON at line 1"},
    {"[{\"n\":\"a\",\"v\":1},]", "invalid JSON"},
    {"[{\"n\":\"a\",\"v\":1}] x", "invalid JSON"},
    {"[{\"n\":\"a\",\"v\":NaN}]", "invalid JSON"},
    {"[{\"n\":\"a\",\"v\":Infinity}]", "invalid JSON"},
    {"[{\"n\":\"a\",\"v\":-}]", "invalid JSON"},
    {"[{\"n\":\"a\",\"v\":01}]", "invalid JSON"},
    {"[{'n':\"a\",\"v\":1}]", "invalid JSON"},
    {"[{\"n\":\"a\\ud800\",\"v\":1}]", "invalid JSON"},
    {"[{\"n\":\"a\",\"vs\":\"\xff\"}]", "invalid JSON"},
    {"[{\"n\":\"a\",\"v\":1,\"v\":2}]", "duplicate object key"},
    {"[1]", "record 0: not a JSON object"},
    {"[{\"n\":\"a\",\"v\":1},[]]", "record 1: not a JSON object"},
    {"[{\"n\":1,\"v\":1}]", "record 0: 'n' must be a string"},
    {"[{\"n\":\"a\",\"v\":\"1\"}]", "record 0: 'v' must be a number"},
    {"[{\"n\":\"a\",\"v\":true}]", "record 0: 'v' must be a number"},
    {"[{\"n\":\"a\",\"vs\":1}]", "record 0: 'vs' must be a string"},
    {"[{\"n\":\"a\",\"vb\":1}]", "record 0: 'vb' must be true or false"},
    {"[{\"n\":\"a\",\"vb\":\"true\"}]", "record 0: 'vb' must be true or false"},
    {"[{\"n\":\"a\",\"vd\":true}]", "record 0: 'vd' must be a string"},
    {"[{\"n\":\"a\",\"v\":1,\"s\":\"2\"}]", "record 0: 's' must be a number"},
    {"[{\"n\":\"a\",\"v\":1,\"t\":\"now\"}]", "record 0: 't' must be a number"},
    {"[{\"n\":\"a\",\"v\":1,\"ut\":null}]", "record 0: 'ut' must be a number"},
    {"[{\"n\":\"a\",\"u\":7,\"v\":1}]", "record 0: 'u' must be a string"},
    {"[{\"bn\":5,\"n\":\"a\",\"v\":1}]", "record 0: 'bn' must be a string"},
    {"[{\"bt\":[],\"n\":\"a\",\"v\":1}]", "record 0: 'bt' must be a number"},
    {"[{\"bu\":{},\"n\":\"a\",\"v\":1}]", "record 0: 'bu' must be a string"},
    {"[{\"bv\":\"1\",\"n\":\"a\",\"v\":1}]", "record 0: 'bv' must be a number"},
    {"[{\"bs\":false,\"n\":\"a\",\"v\":1}]", "record 0: 'bs' must be a number"},
    {"[{\"bver\":\"10\",\"n\":\"a\",\"v\":1}]", "record 0: 'bver' must be a number"},
    {"[{\"bver\":0,\"n\":\"a\",\"v\":1}]", "record 0: 'bver' must be a positive integer"},
    {"[{\"bver\":-3,\"n\":\"a\",\"v\":1}]", "record 0: 'bver' must be a positive integer"},
    {"[{\"bver\":1.5,\"n\":\"a\",\"v\":1}]", "record 0: 'bver' must be a positive integer"},
    {"[{\"bver\":1e300,\"n\":\"a\",\"v\":1}]", "is newer than this reader understands"},
    {"[{\"n\":\"a\",\"v\":1,\"vs\":\"x\"}]", "record 0: more than one value field (v, vs)"},
    {"[{\"n\":\"a\",\"vb\":true,\"vd\":\"AA\",\"v\":1,\"vs\":\"\"}]",
     "record 0: more than one value field (v, vs, vb, vd)"},
    {"[{\"n\":\"a\"}]", "record 0: no value and no sum"},
    {"[{}]", "record 0: no name"},
    {"[{\"n\":\"a\",\"v\":1},{\"n\":\"b\",\"v\":2},{\"n\":\"c\",\"v\":3},{\"n\":\"d\",\"u\":\"m\"}"
     "]",
     "record 3: no value and no sum"},
    {"[{\"v\":1}]", "record 0: no name"},
    {"[{\"n\":\"\",\"v\":1}]", "record 0: no name"},
    {"[{\"bn\":\"\",\"n\":\"\",\"v\":1}]", "record 0: no name"},
    {"[{\"n\":\"a b\",\"v\":1}]", "record 0: name 'a b' has a character not allowed (position 1)"},
    {"[{\"bn\":\"dev:\",\"n\":\"temp!\",\"v\":1}]",
     "record 0: name 'dev:temp!' has a character not allowed (position 8)"},
    {"[{\"n\":\"caf\\u00e9\",\"v\":1}]",
     "record 0: name 'caf\xc3\xa9' has a character not allowed (position 3)"},
    {"[{\"n\":\"-a\",\"v\":1}]", "record 0: name '-a' must start with a letter or a digit"},
    {"[{\"n\":\"/a\",\"v\":1}]", "must start with a letter or a digit"},
    {"[{\"bn\":\"_x:\",\"n\":\"a\",\"v\":1}]", "name '_x:a' must start with a letter or a digit"},
    {"[{\"bn\":\"a b:\",\"n\":\"c\",\"v\":1}]",
     "record 0: base name 'a b:' has a character not allowed (position 1)"},
    {"[{\"n\":\"a\",\"v\":1,\"x_\":1}]", "record 0: field 'x_' must be understood"},
    {"[{\"n\":\"a\",\"v\":1,\"_\":1}]", "record 0: field '_' must be understood"},
    {"[{\"n\":\"a\",\"s\":1.5e308,\"bs\":1.5e308}]", "record 0: 's' plus 'bs' is out of range"},
    {"[{\"n\":\"a\",\"vd\":\"AB==\"}]",
     "record 0: 'vd' has a character not allowed in base64url without padding (position 2)"},
    {"[{\"n\":\"a\",\"vd\":\"A+/B\"}]", "record 0: 'vd' has a character not allowed in base64url"},
    {"[{\"n\":\"a\",\"vd\":\"ABCDE\"}]", "record 0: 'vd' is not base64url (a length of 5"},
    {"[{\"n\":\"a\",\"v\":1},{\"bver\":12,\"n\":\"b\",\"v\":1}]", "record 1: 'bver' 12 is newer"},
};

static void test_bad_packs_refused(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_packs / sizeof bad_packs[0]; i++)
        expect_error(bad_packs[i].json, bad_packs[i].want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_name_is_prefixed_to_name),
        cmocka_unit_test(test_base_name_alone_is_the_name),
        cmocka_unit_test(test_name_without_base_name),
        cmocka_unit_test(test_base_time_is_added_to_time),
        cmocka_unit_test(test_base_unit_used_when_no_unit),
        cmocka_unit_test(test_unit_absent_is_null),
        cmocka_unit_test(test_base_value_is_added_to_value),
        cmocka_unit_test(test_base_sum_is_added_to_sum),
        cmocka_unit_test(test_base_fields_carry_forward_until_redefined),
        cmocka_unit_test(test_no_time_means_now),
        cmocka_unit_test(test_relative_time_is_taken_from_now),
        cmocka_unit_test(test_relative_limit_is_two_to_the_28),
        cmocka_unit_test(test_absolute_time_is_kept),
        cmocka_unit_test(test_float_value),
        cmocka_unit_test(test_string_value),
        cmocka_unit_test(test_bool_value),
        cmocka_unit_test(test_data_value_kept_as_given),
        cmocka_unit_test(test_sum_only_record),
        cmocka_unit_test(test_value_and_sum_together),
        cmocka_unit_test(test_update_time),
        cmocka_unit_test(test_bver_up_to_10_accepted),
        cmocka_unit_test(test_bver_newer_refused),
        cmocka_unit_test(test_must_understand_field_refused),
        cmocka_unit_test(test_unknown_fields_ignored),
        cmocka_unit_test(test_empty_array_refused),
        cmocka_unit_test(test_non_array_refused),
        cmocka_unit_test(test_empty_input_refused),
        cmocka_unit_test(test_truncated_json_refused),
        cmocka_unit_test(test_input_need_not_be_nul_terminated),
        cmocka_unit_test(test_nul_bytes_refused),
        cmocka_unit_test(test_deep_nesting_refused),
        cmocka_unit_test(test_nested_unknown_field_ignored),
        cmocka_unit_test(test_huge_numbers),
        cmocka_unit_test(test_many_records),
        cmocka_unit_test(test_pack_does_not_point_into_input),
        cmocka_unit_test(test_error_names_the_record),
        cmocka_unit_test(test_long_name_quoted_short),
        cmocka_unit_test(test_long_name_cut_at_character_boundary),
        cmocka_unit_test(test_control_character_quoted_safely),
        cmocka_unit_test(test_small_error_buffer_truncates),
        cmocka_unit_test(test_success_clears_error),
        cmocka_unit_test(test_null_out_refused),
        cmocka_unit_test(test_null_input_with_length_refused),
        cmocka_unit_test(test_free_null_is_noop),
        cmocka_unit_test(test_bad_packs_refused),
        cmocka_unit_test(test_duplicate_keys_refused_in_any_object),
        cmocka_unit_test(test_json_error_wins_over_earlier_senml_error),
        cmocka_unit_test(test_strict_utf8_and_surrogates),
        cmocka_unit_test(test_only_json_whitespace_and_nothing_after),
        cmocka_unit_test(test_nesting_limit_is_2048_levels),
        cmocka_unit_test(test_numbers_convert_as_strtod),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
