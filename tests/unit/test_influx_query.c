/* Unit tests for the InfluxDB reader's query builder (writers/influxdb/reader_query.c): each
 * filter's exact InfluxQL, escaping, defaults and limits, and a table of hostile parameter
 * values, each of which must be refused with a message naming the parameter or end up as an
 * escaped literal in an otherwise unchanged statement. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "influx.h"

#include <lyrebird/error.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CH "c1"
#define W  "SELECT * FROM \"messages\" WHERE \"channel\" = 'c1'"
#define CSEL                                                                                       \
    "SELECT COUNT(\"value\") AS \"count_value\", COUNT(\"stringValue\") AS "                       \
    "\"count_stringValue\", COUNT(\"boolValue\") AS \"count_boolValue\", COUNT(\"dataValue\") "    \
    "AS \"count_dataValue\", COUNT(\"protocol\") AS \"count_protocol\" FROM \"messages\""
#define C    CSEL " WHERE \"channel\" = 'c1'"
#define PAGE " ORDER BY time DESC LIMIT 10 OFFSET 0; "

/* params: a NULL-terminated list of key, value pairs */
static const char *get(void *arg, const char *name)
{
    const char **p = arg;
    for (; p[0]; p += 2)
        if (strcmp(p[0], name) == 0)
            return p[1];
    return NULL;
}

static char err[256];

static int messages(const char **params, char **text)
{
    influx_messages_query q;
    int rc = influx_query_messages(CH, get, (void *)params, &q, err, sizeof err);
    *text = rc == 0 ? strdup(q.text) : NULL;
    influx_messages_query_clear(&q);
    return rc;
}

/* Asserts the messages query for params is the page and count with `filter` after the
 * channel. */
static void expect_filter(const char **params, const char *filter)
{
    char *text = NULL;
    assert_int_equal(messages(params, &text), 0);
    char want[8192];
    snprintf(want, sizeof want, W "%s" PAGE C "%s", filter, filter);
    assert_string_equal(text, want);
    free(text);
}

static void expect_bad(const char **params, const char *param)
{
    char *text = NULL;
    assert_int_equal(messages(params, &text), LB_EINVAL);
    assert_null(text);
    char name[64];
    snprintf(name, sizeof name, "\"%s\"", param);
    if (!strstr(err, name))
        fail_msg("error '%s' does not name %s", err, param);
}

static void test_defaults(void **state)
{
    (void)state;
    const char *p[] = {NULL};
    expect_filter(p, "");
}

static void test_paging(void **state)
{
    (void)state;
    const char *p[] = {"offset", "20", "limit", "1000", NULL};
    char *text = NULL;
    assert_int_equal(messages(p, &text), 0);
    assert_string_equal(text, W " ORDER BY time DESC LIMIT 1000 OFFSET 20; " C);
    free(text);
    const char *p1[] = {"limit", "1001", NULL};
    expect_bad(p1, "limit");
    const char *p2[] = {"limit", "0", NULL};
    expect_bad(p2, "limit");
    const char *p3[] = {"offset", "-1", NULL};
    expect_bad(p3, "offset");
    const char *p4[] = {"limit", "10abc", NULL};
    expect_bad(p4, "limit");
    const char *p5[] = {"offset", "", NULL};
    expect_bad(p5, "offset");
    const char *p6[] = {"offset", "99999999999999999999", NULL};
    expect_bad(p6, "offset");
}

static void test_string_filters(void **state)
{
    (void)state;
    const char *p1[] = {"subtopic", "a.b", NULL};
    expect_filter(p1, " AND \"subtopic\" = 'a.b'");
    const char *p2[] = {"publisher", "t1", NULL};
    expect_filter(p2, " AND \"publisher\" = 't1'");
    const char *p3[] = {"protocol", "mqtt", NULL};
    expect_filter(p3, " AND \"protocol\" = 'mqtt'");
    const char *p4[] = {"name", "temp", NULL};
    expect_filter(p4, " AND \"name\" = 'temp'");
    const char *p5[] = {"vs", "on", NULL};
    expect_filter(p5, " AND \"stringValue\" = 'on'");
    const char *p6[] = {"vd", "aGk=", NULL};
    expect_filter(p6, " AND \"dataValue\" = 'aGk='");
    const char *all[] = {"name", "n", "vd", "d", "subtopic", "s", "publisher", "p", NULL};
    expect_filter(all, " AND \"subtopic\" = 's' AND \"publisher\" = 'p' AND \"name\" = 'n' AND "
                       "\"dataValue\" = 'd'");
}

static void test_value_and_comparator(void **state)
{
    (void)state;
    const char *p1[] = {"v", "21.5", NULL};
    expect_filter(p1, " AND \"value\" = 21.5");
    const char *ops[][2] = {{"eq", "="}, {"lt", "<"}, {"le", "<="}, {"gt", ">"}, {"ge", ">="}};
    for (size_t i = 0; i < 5; i++) {
        const char *p[] = {"v", "-3", "comparator", ops[i][0], NULL};
        char f[64];
        snprintf(f, sizeof f, " AND \"value\" %s -3", ops[i][1]);
        expect_filter(p, f);
    }
    const char *big[] = {"v", "1e20", NULL};
    expect_filter(big, " AND \"value\" = 100000000000000000000");
    const char *small[] = {"v", "1e-7", NULL};
    expect_filter(small, " AND \"value\" = 0.000000099999999999999995");
    const char *hex[] = {"v", "0x10", NULL};
    expect_filter(hex, " AND \"value\" = 16");
    const char *bad1[] = {"comparator", "ne", NULL};
    expect_bad(bad1, "comparator");
    const char *bad2[] = {"v", "nan", NULL};
    expect_bad(bad2, "v");
    const char *bad3[] = {"v", "inf", NULL};
    expect_bad(bad3, "v");
    const char *bad4[] = {"v", "1e999", NULL};
    expect_bad(bad4, "v");
}

static void test_bool(void **state)
{
    (void)state;
    const char *p1[] = {"vb", "true", NULL};
    expect_filter(p1, " AND \"boolValue\" = true");
    const char *p2[] = {"vb", "false", NULL};
    expect_filter(p2, " AND \"boolValue\" = false");
    const char *p3[] = {"vb", "1", NULL};
    expect_bad(p3, "vb");
    const char *p4[] = {"vb", "TRUE", NULL};
    expect_bad(p4, "vb");
}

static void test_time_range(void **state)
{
    (void)state;
    const char *p1[] = {"from", "1700000000", "to", "1700000001.5", NULL};
    expect_filter(p1, " AND time >= 1700000000000000000 AND time < 1700000001500000000");
    const char *p2[] = {"from", "1.25", NULL};
    expect_filter(p2, " AND time >= 1250000000");
    const char *p3[] = {"to", "1700000000", "from", "1700000000", NULL};
    expect_bad(p3, "to");
    const char *p4[] = {"from", "1e10", NULL};
    expect_bad(p4, "from");
    const char *p5[] = {"to", "now()", NULL};
    expect_bad(p5, "to");
}

static void test_quote(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(influx_quote(buf, sizeof buf, "a'b\\c"), 9);
    assert_string_equal(buf, "'a\\'b\\\\c'");
    assert_int_equal(influx_quote(buf, 4, "abcd"), -1);
    assert_int_equal(influx_quote(buf, sizeof buf, ""), 2);
}

/* The hostile table: value, then the literal it must become ("" = must be refused). */
static const char *const HOSTILE[][2] = {
    {"x' OR 1=1 --", "'x\\' OR 1=1 --'"},
    {"' OR '1'='1", "'\\' OR \\'1\\'=\\'1'"},
    {"x'; DROP DATABASE lyrebird; --", "'x\\'; DROP DATABASE lyrebird; --'"},
    {"x\\", "'x\\\\'"},
    {"x\\'", "'x\\\\\\''"},
    {"\\' OR 1=1", "'\\\\\\' OR 1=1'"},
    {"a\nb", ""},
    {"a\rb", ""},
    {"a\tb", ""},
    {"\x7f", ""},
    {"x\"y", "'x\"y'"},
    {"\" OR \"\"=\"", "'\" OR \"\"=\"'"},
    {"/.*/", "'/.*/'"},
    {"x =~ /.*/", "'x =~ /.*/'"},
    {"; SHOW DATABASES", "'; SHOW DATABASES'"},
    {"1; DELETE FROM messages", "'1; DELETE FROM messages'"},
    {"\") OR time > 0 --", "'\") OR time > 0 --'"},
    {"x' AND time > 0 GROUP BY *", "'x\\' AND time > 0 GROUP BY *'"},
    {"température", "'température'"},
    {"\xe2\x80\x99 OR 1=1", "'\xe2\x80\x99 OR 1=1'"},
    {"\xef\xbc\x87", "'\xef\xbc\x87'"},
    {"\xc0\xa7", ""},
    {"\xff\xfe", ""},
    {"\xed\xa0\x80", ""},
    {"", ""},
    {"%27 OR 1=1", "'%27 OR 1=1'"},
    {"$(id)`id`", "'$(id)`id`'"},
    {"x') LIMIT 1 SLIMIT 1 --", "'x\\') LIMIT 1 SLIMIT 1 --'"},
};

static void test_hostile_strings(void **state)
{
    (void)state;
    static const char *const PARAMS[][2] = {
        {"subtopic", "subtopic"}, {"publisher", "publisher"}, {"protocol", "protocol"},
        {"name", "name"},         {"vs", "stringValue"},      {"vd", "dataValue"},
    };
    for (size_t i = 0; i < sizeof HOSTILE / sizeof *HOSTILE; i++) {
        for (size_t j = 0; j < sizeof PARAMS / sizeof *PARAMS; j++) {
            const char *p[] = {PARAMS[j][0], HOSTILE[i][0], NULL};
            if (HOSTILE[i][1][0] == '\0') {
                expect_bad(p, PARAMS[j][0]);
            } else {
                char f[512];
                snprintf(f, sizeof f, " AND \"%s\" = %s", PARAMS[j][1], HOSTILE[i][1]);
                expect_filter(p, f);
            }
        }
    }
}

static void test_hostile_non_strings(void **state)
{
    (void)state;
    static const char *const VALUES[] = {
        "1 OR 1=1", "1;", "1'", "' OR 1=1",    " 1",    "1 ",       "1\n",  "0x",
        "--1",      "1e", "",   "true OR 1=1", "1.0.0", "infinity", "-nan", "1)",
    };
    static const char *const PARAMS[] = {"v", "from", "to", "offset", "limit", "vb", "comparator"};
    for (size_t i = 0; i < sizeof VALUES / sizeof *VALUES; i++)
        for (size_t j = 0; j < sizeof PARAMS / sizeof *PARAMS; j++) {
            const char *p[] = {PARAMS[j], VALUES[i], NULL};
            expect_bad(p, PARAMS[j]);
        }
}

static void test_hostile_channel(void **state)
{
    (void)state;
    influx_messages_query q;
    const char *p[] = {NULL};
    assert_int_equal(influx_query_messages("c' OR 1=1", get, (void *)p, &q, err, sizeof err), 0);
    assert_string_equal(q.text, "SELECT * FROM \"messages\" WHERE \"channel\" = 'c\\' OR 1=1' "
                                "ORDER BY time DESC LIMIT 10 OFFSET 0; " CSEL
                                " WHERE \"channel\" = 'c\\' OR 1=1'");
    influx_messages_query_clear(&q);
    assert_int_equal(influx_query_messages("c\n1", get, (void *)p, &q, err, sizeof err), LB_EINVAL);
    assert_non_null(strstr(err, "\"channel\""));
}

static void test_long_string(void **state)
{
    (void)state;
    char *s = malloc(INFLUX_PARAM_MAX + 2);
    memset(s, 'a', INFLUX_PARAM_MAX + 1);
    s[INFLUX_PARAM_MAX + 1] = '\0';
    const char *p[] = {"name", s, NULL};
    expect_bad(p, "name");
    s[INFLUX_PARAM_MAX] = '\0';
    char *text = NULL;
    assert_int_equal(messages(p, &text), 0);
    free(text);
    free(s);
}

#define NOW 1700003600.0

static int series(const char **params, influx_series_query *q)
{
    return influx_query_series(CH, get, (void *)params, NOW, q, err, sizeof err);
}

static void test_series(void **state)
{
    (void)state;
    influx_series_query q;
    const char *p1[] = {"name", "temp", NULL};
    assert_int_equal(series(p1, &q), 0);
    assert_string_equal(q.text, "SELECT mean(\"value\") FROM \"messages\" WHERE \"channel\" = 'c1' "
                                "AND \"name\" = 'temp' AND time >= 1700000000000000000 AND time < "
                                "1700003600000000000 GROUP BY time(1m) fill(none)");
    assert_string_equal(q.agg, "mean");
    assert_string_equal(q.every, "1m");
    assert_string_equal(q.name, "temp");
    influx_series_query_clear(&q);

    static const char *const AGG[] = {"mean", "min", "max", "count"};
    for (size_t i = 0; i < 4; i++) {
        const char *p[] = {"name", "n'x",        "agg", AGG[i],       "every", "10s",
                           "from", "1700000000", "to",  "1700000100", NULL};
        char want[512];
        snprintf(want, sizeof want,
                 "SELECT %s(\"value\") FROM \"messages\" WHERE \"channel\" = 'c1' AND \"name\" = "
                 "'n\\'x' AND time >= 1700000000000000000 AND time < 1700000100000000000 "
                 "GROUP BY time(10s) fill(none)",
                 AGG[i]);
        assert_int_equal(series(p, &q), 0);
        assert_string_equal(q.text, want);
        influx_series_query_clear(&q);
    }
    const char *sub[] = {"name", "t", "subtopic", "a", "every", "1h", "to", "1700000000", NULL};
    assert_int_equal(series(sub, &q), 0);
    assert_string_equal(q.text, "SELECT mean(\"value\") FROM \"messages\" WHERE \"channel\" = 'c1' "
                                "AND \"subtopic\" = 'a' AND \"name\" = 't' AND time >= "
                                "1699996400000000000 AND time < 1700000000000000000 GROUP BY "
                                "time(1h) fill(none)");
    influx_series_query_clear(&q);
}

static void test_series_bad(void **state)
{
    (void)state;
    influx_series_query q;
    static const char *const CASES[][3] = {
        {"agg", "sum", "agg"},
        {"agg", "mean(value)", "agg"},
        {"every", "1", "every"},
        {"every", "0s", "every"},
        {"every", "1w", "every"},
        {"every", "1m)", "every"},
        {"every", "1m) fill(0", "every"},
        {"every", "-1m", "every"},
        {"every", "1234567s", "every"},
        {"every", "1.5m", "every"},
        {"every", "", "every"},
        {"every", "1d;", "every"},
        {"from", "x", "from"},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
        const char *p[] = {"name", "t", CASES[i][0], CASES[i][1], NULL};
        assert_int_equal(series(p, &q), LB_EINVAL);
        char name[32];
        snprintf(name, sizeof name, "\"%s\"", CASES[i][2]);
        if (!strstr(err, name))
            fail_msg("case %zu: '%s' does not name %s", i, err, name);
    }
    const char *none[] = {"agg", "mean", NULL};
    assert_int_equal(series(none, &q), LB_EINVAL);
    assert_non_null(strstr(err, "\"name\""));
    /* exactly 10000 buckets is fine, one more is not */
    const char *ok[] = {"name", "t", "every", "1s", "from", "0", "to", "10000", NULL};
    assert_int_equal(series(ok, &q), 0);
    influx_series_query_clear(&q);
    const char *over[] = {"name", "t", "every", "1s", "from", "0", "to", "10001", NULL};
    assert_int_equal(series(over, &q), LB_EINVAL);
    assert_non_null(strstr(err, "\"every\""));
    /* the widest range there is (its span overflows int64 ns; found by the fuzzer) */
    const char *widest[] = {"name", "t", "every", "1d", "from", "-9.2e9", "to", "9.2e9", NULL};
    assert_int_equal(series(widest, &q), LB_EINVAL);
    assert_non_null(strstr(err, "\"every\""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_paging),
        cmocka_unit_test(test_string_filters),
        cmocka_unit_test(test_value_and_comparator),
        cmocka_unit_test(test_bool),
        cmocka_unit_test(test_time_range),
        cmocka_unit_test(test_quote),
        cmocka_unit_test(test_hostile_strings),
        cmocka_unit_test(test_hostile_non_strings),
        cmocka_unit_test(test_hostile_channel),
        cmocka_unit_test(test_long_string),
        cmocka_unit_test(test_series),
        cmocka_unit_test(test_series_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
