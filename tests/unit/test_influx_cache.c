/* Unit tests for the reader's answer cache (writers/influxdb/reader_cache.c): a page is kept
 * until a notice names its channel (or any channel) or its age runs out (then it is served to
 * all but the one request fetching it again); an answer fetched while a notice came is not
 * kept; totals stay fresh while nothing was reported for their channel, and are counted again
 * (one request at a time) once something was. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "reader_cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define Q1 "SELECT * FROM messages WHERE channel = 'c1' LIMIT 10"
#define Q2 "SELECT * FROM messages WHERE channel = 'c2' LIMIT 10"
#define N1 "SELECT COUNT(value) FROM messages WHERE channel = 'c1'"
#define N2 "SELECT COUNT(value) FROM messages WHERE channel = 'c2'"

static void put(influx_cache *c, const char *channel, const char *q, const char *body)
{
    influx_cache_page_put(c, influx_cache_ticket(c, channel), q, body);
}

/* The cached body of q, or "" when none (the copy freed). */
static const char *page(influx_cache *c, const char *q)
{
    static char got[64];
    char *b = influx_cache_page_get(c, q);
    snprintf(got, sizeof got, "%s", b ? b : "");
    free(b);
    return got;
}

static void notice(influx_cache *c, const char *text)
{
    influx_cache_written(c, text, strlen(text));
}

static void test_page_kept_until_its_channel_is_named(void **state)
{
    (void)state;
    influx_cache *c = influx_cache_new(60);
    assert_non_null(c);
    assert_string_equal(page(c, Q1), "");
    put(c, "c1", Q1, "one");
    put(c, "c2", Q2, "two");
    assert_string_equal(page(c, Q1), "one");
    assert_string_equal(page(c, Q1), "one");
    notice(c, "a\nc2\nzz\n"); /* not c1 */
    assert_string_equal(page(c, Q1), "one");
    assert_string_equal(page(c, Q2), "");
    notice(c, "zz\nc1\nb\n"); /* unsorted, as another publisher may send it */
    assert_string_equal(page(c, Q1), "");
    put(c, "c1", Q1, "one again");
    put(c, "c2", Q2, "two again");
    notice(c, "c1"); /* no trailing newline */
    assert_string_equal(page(c, Q1), "");
    assert_string_equal(page(c, Q2), "two again");
    notice(c, ""); /* every channel */
    assert_string_equal(page(c, Q2), "");
    influx_cache_free(c);
}

static void test_answer_fetched_during_a_notice_is_not_kept(void **state)
{
    (void)state;
    influx_cache *c = influx_cache_new(60);
    influx_ticket *t1 = influx_cache_ticket(c, "c1");
    influx_ticket *t2 = influx_cache_ticket(c, "c2");
    notice(c, "c1\n");
    influx_cache_page_put(c, t1, Q1, "stale");
    influx_cache_page_put(c, t2, Q2, "good");
    assert_string_equal(page(c, Q1), "");
    assert_string_equal(page(c, Q2), "good");
    influx_cache_drop(c, influx_cache_ticket(c, "c1")); /* a failed query */
    influx_cache_free(c);
}

static void test_page_expires(void **state)
{
    (void)state;
    influx_cache *c = influx_cache_new(0.05);
    put(c, "c1", Q1, "one");
    assert_string_equal(page(c, Q1), "one");
    nanosleep(&(struct timespec){0, 80 * 1000000L}, NULL);
    assert_string_equal(page(c, Q1), "");    /* past its age: this caller fetches it */
    assert_string_equal(page(c, Q1), "one"); /* the others get the old one meanwhile */
    put(c, "c1", Q1, "new");
    assert_string_equal(page(c, Q1), "new");
    nanosleep(&(struct timespec){0, 80 * 1000000L}, NULL);
    assert_string_equal(page(c, Q1), "");
    notice(c, "c1\n"); /* new points while it is fetched: nobody gets the old one */
    assert_string_equal(page(c, Q1), "");
    put(c, "c1", Q1, "small");
    nanosleep(&(struct timespec){0, 80 * 1000000L}, NULL);
    assert_string_equal(page(c, Q1), "");
    char *big = calloc(1, 600 * 1024 + 1); /* the refetched answer is too large to keep */
    memset(big, 'x', 600 * 1024);
    put(c, "c1", Q1, big);
    free(big);
    assert_string_equal(page(c, Q1), ""); /* and the old one is not served any more */
    assert_string_equal(page(c, Q1), "");
    influx_cache_free(c);

    c = influx_cache_new(0); /* pages off */
    put(c, "c1", Q1, "one");
    assert_string_equal(page(c, Q1), "");
    influx_cache_free(c);
}

static void test_many_pages_keep_the_newest(void **state)
{
    (void)state;
    influx_cache *c = influx_cache_new(60);
    char q[64], body[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(q, sizeof q, "q%d", i);
        snprintf(body, sizeof body, "b%d", i);
        put(c, "c1", q, body);
    }
    assert_string_equal(page(c, "q999"), "b999");
    assert_string_equal(page(c, "q0"), "");
    char *big = malloc(600 * 1024 + 1); /* over the size kept */
    memset(big, 'x', 600 * 1024);
    big[600 * 1024] = '\0';
    put(c, "c1", "big", big);
    assert_string_equal(page(c, "big"), "");
    free(big);
    influx_cache_free(c);
}

static void test_total_fresh_until_reported(void **state)
{
    (void)state;
    influx_cache *c = influx_cache_new(60);
    json_int_t total = -1;
    assert_int_equal(influx_cache_total_get(c, N1, &total), INFLUX_TOTAL_MISS);
    influx_cache_total_put(c, influx_cache_ticket(c, "c1"), "c1", N1, 42, 1);
    assert_int_equal(influx_cache_total_get(c, N1, &total), INFLUX_TOTAL_FRESH);
    assert_int_equal(total, 42);
    influx_cache_total_put(c, influx_cache_ticket(c, "c2"), "c2", N2, 5, 1);
    notice(c, "c1\n"); /* new points: within INFLUX_TOTAL_TTL_SECONDS it is still served as fresh */
    assert_int_equal(influx_cache_total_get(c, N1, &total), INFLUX_TOTAL_FRESH);
    nanosleep(&(struct timespec){(time_t)INFLUX_TOTAL_TTL_SECONDS, 100 * 1000000L}, NULL);
    /* past the TTL: c1's is counted again by one request, served to the others meanwhile;
     * c2's had no report and is still fresh */
    assert_int_equal(influx_cache_total_get(c, N1, &total), INFLUX_TOTAL_REFRESH);
    assert_int_equal(total, 42);
    assert_int_equal(influx_cache_total_get(c, N1, &total), INFLUX_TOTAL_STALE);
    assert_int_equal(influx_cache_total_get(c, N2, &total), INFLUX_TOTAL_FRESH);
    assert_int_equal(total, 5);
    influx_cache_total_put(c, influx_cache_ticket(c, "c1"), "c1", N1, 43, 1);
    assert_int_equal(influx_cache_total_get(c, N1, &total), INFLUX_TOTAL_FRESH);
    assert_int_equal(total, 43);
    influx_cache_free(c);

    c = influx_cache_new(0); /* no page cache: totals live INFLUX_TOTAL_TTL_SECONDS only */
    influx_cache_total_put(c, influx_cache_ticket(c, "c1"), "c1", N1, 7, 1);
    assert_int_equal(influx_cache_total_get(c, N1, &total), INFLUX_TOTAL_FRESH);
    assert_int_equal(total, 7);
    influx_cache_total_put(c, NULL, "c1", N1, 0, 0); /* a failed count keeps the old one */
    assert_int_equal(influx_cache_total_get(c, N1, &total), INFLUX_TOTAL_FRESH);
    assert_int_equal(total, 7);
    influx_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_page_kept_until_its_channel_is_named),
        cmocka_unit_test(test_answer_fetched_during_a_notice_is_not_kept),
        cmocka_unit_test(test_page_expires),
        cmocka_unit_test(test_many_pages_keep_the_newest),
        cmocka_unit_test(test_total_fresh_until_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
