/* Unit tests for the metrics registry (platform/src/metrics.c): values, the exact
 * Prometheus text, name validation, identity, type conflicts and concurrent updates. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <lyrebird/metrics.h>

static int setup(void **state)
{
    *state = lb_metrics_new();
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    lb_metrics_free(*state);
    return 0;
}

/* Renders m and checks it equals want exactly. */
static void assert_render(lb_metrics *m, const char *want)
{
    size_t len = 12345;
    char *text = lb_metrics_render(m, &len);
    assert_non_null(text);
    assert_string_equal(text, want);
    assert_int_equal(len, strlen(want));
    free(text);
}

static void test_counter_adds(void **state)
{
    lb_counter *c = lb_metrics_counter(*state, "jobs_total", "Jobs.");
    assert_non_null(c);
    assert_int_equal(lb_counter_value(c), 0);
    lb_counter_add(c, 1);
    lb_counter_add(c, 41);
    assert_int_equal(lb_counter_value(c), 42);
    lb_counter_add(c, UINT64_C(1) << 40);
    assert_true(lb_counter_value(c) == (UINT64_C(1) << 40) + 42);
}

static void test_gauge_sets_and_adds(void **state)
{
    lb_gauge *g = lb_metrics_gauge(*state, "temperature", "Degrees.");
    assert_non_null(g);
    assert_true(lb_gauge_value(g) == 0.0);
    lb_gauge_set(g, 21.5);
    assert_true(lb_gauge_value(g) == 21.5);
    lb_gauge_add(g, -1.25);
    assert_true(lb_gauge_value(g) == 20.25);
    lb_gauge_set(g, -3);
    assert_true(lb_gauge_value(g) == -3.0);
}

static void test_histogram_counts_observations(void **state)
{
    static const double bounds[] = {1, 2};
    lb_histogram *h = lb_metrics_histogram(*state, "size", "Sizes.", bounds, 2);
    assert_non_null(h);
    assert_int_equal(lb_histogram_count(h), 0);
    lb_histogram_observe(h, 0.5);
    lb_histogram_observe(h, 1); /* a bound is inclusive */
    lb_histogram_observe(h, 100);
    assert_int_equal(lb_histogram_count(h), 3);
    assert_render(*state, "# HELP size Sizes.\n"
                          "# TYPE size histogram\n"
                          "size_bucket{le=\"1\"} 2\n"
                          "size_bucket{le=\"2\"} 2\n"
                          "size_bucket{le=\"+Inf\"} 3\n"
                          "size_sum 101.5\n"
                          "size_count 3\n");
}

/* The whole text of a small registry: members of one base name registered apart are
 * rendered together under one HELP/TYPE; histogram buckets are cumulative and le is
 * merged into the member's labels. */
static void test_render_exact_text(void **state)
{
    static const double bounds[] = {0.1, 0.5};
    lb_metrics *m = *state;
    lb_counter *ok = lb_metrics_counter(m, "req_total{code=\"2xx\"}", "Requests by class.");
    lb_gauge *up = lb_metrics_gauge(m, "up", "Whether it runs.");
    lb_counter *bad = lb_metrics_counter(m, "req_total{code=\"5xx\"}", "ignored: first wins");
    lb_histogram *lat =
        lb_metrics_histogram(m, "latency_seconds{route=\"pub\"}", "Latency.", bounds, 2);
    lb_counter *plain = lb_metrics_counter(m, "plain_total", NULL);
    assert_non_null(ok);
    assert_non_null(up);
    assert_non_null(bad);
    assert_non_null(lat);
    assert_non_null(plain);

    lb_counter_add(ok, 7);
    lb_counter_add(bad, 1);
    lb_gauge_set(up, 1);
    lb_histogram_observe(lat, 0.05);
    lb_histogram_observe(lat, 0.25);
    lb_histogram_observe(lat, 0.3);
    lb_histogram_observe(lat, 2);

    assert_render(m, "# HELP req_total Requests by class.\n"
                     "# TYPE req_total counter\n"
                     "req_total{code=\"2xx\"} 7\n"
                     "req_total{code=\"5xx\"} 1\n"
                     "# HELP up Whether it runs.\n"
                     "# TYPE up gauge\n"
                     "up 1\n"
                     "# HELP latency_seconds Latency.\n"
                     "# TYPE latency_seconds histogram\n"
                     "latency_seconds_bucket{route=\"pub\",le=\"0.1\"} 1\n"
                     "latency_seconds_bucket{route=\"pub\",le=\"0.5\"} 3\n"
                     "latency_seconds_bucket{route=\"pub\",le=\"+Inf\"} 4\n"
                     "latency_seconds_sum{route=\"pub\"} 2.6\n"
                     "latency_seconds_count{route=\"pub\"} 4\n"
                     "# TYPE plain_total counter\n"
                     "plain_total 0\n");
}

static void test_empty_registry_renders_empty_text(void **state)
{
    assert_render(*state, "");
}

static void test_histogram_default_buckets(void **state)
{
    lb_histogram *h = lb_metrics_histogram(*state, "d_seconds", "D.", NULL, 0);
    assert_non_null(h);
    lb_histogram_observe(h, 0.003);
    char *text = lb_metrics_render(*state, NULL);
    assert_non_null(text);
    const char *want_les[] = {"0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005",
                              "0.01",   "0.025",   "0.05",   "0.1",   "0.25",   "0.5",
                              "1",      "2.5",     "5",      "10",    "+Inf"};
    const char *p = text;
    for (size_t i = 0; i < sizeof want_les / sizeof *want_les; i++) {
        char line[64];
        snprintf(line, sizeof line, "d_seconds_bucket{le=\"%s\"} %d\n", want_les[i], i >= 5);
        p = strstr(p, line);
        assert_non_null(p); /* present, and after the previous bucket */
    }
    assert_non_null(strstr(text, "d_seconds_count 1\n"));
    free(text);
}

static void test_special_values_render(void **state)
{
    lb_gauge *a = lb_metrics_gauge(*state, "v{k=\"inf\"}", NULL);
    lb_gauge *b = lb_metrics_gauge(*state, "v{k=\"ninf\"}", NULL);
    lb_gauge *c = lb_metrics_gauge(*state, "v{k=\"nan\"}", NULL);
    lb_gauge *d = lb_metrics_gauge(*state, "v{k=\"tenth\"}", NULL);
    lb_gauge *e = lb_metrics_gauge(*state, "v{k=\"big\"}", NULL);
    lb_gauge_set(a, INFINITY);
    lb_gauge_set(b, -INFINITY);
    lb_gauge_set(c, NAN);
    lb_gauge_set(d, 0.1);
    lb_gauge_set(e, 1e21);
    assert_render(*state, "# TYPE v gauge\n"
                          "v{k=\"inf\"} +Inf\n"
                          "v{k=\"ninf\"} -Inf\n"
                          "v{k=\"nan\"} NaN\n"
                          "v{k=\"tenth\"} 0.1\n"
                          "v{k=\"big\"} 1e+21\n");
}

/* Label values keep their escapes (\\, \", \n), a raw newline is escaped, and help text
 * escapes backslash and newline. */
static void test_label_values_and_help_escaped(void **state)
{
    lb_counter *c = lb_metrics_counter(*state, "e_total{path=\"a\\\"b\\\\c\\nd\",raw=\"x\ny\"}",
                                       "back\\slash\nnl");
    assert_non_null(c);
    assert_render(*state, "# HELP e_total back\\\\slash\\nnl\n"
                          "# TYPE e_total counter\n"
                          "e_total{path=\"a\\\"b\\\\c\\nd\",raw=\"x\\ny\"} 0\n");
}

static void test_bad_names_refused(void **state)
{
    static const char *const bad[] = {
        "",
        "1abc",
        "a-b",
        "a b",
        "a{",
        "a{}x",
        "a{b}",
        "a{b=}",
        "a{b=c}",
        "a{b=\"c\"",
        "a{b=\"c\"}x",
        "a{b=\"c\" }",
        "a{1b=\"c\"}",
        "a{b:c=\"d\"}",
        "a{__name__=\"x\"}",
        "a{b=\"1\",b=\"2\"}",
        "a{b=\"\\x\"}",
        "a{b=\"\\\"}",
        "a{b=\"\xff\"}",
        "a{b=\"\xc3\"}",
        "a{b=\"1\",,c=\"2\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (lb_metrics_counter(*state, bad[i], "x") != NULL)
            fail_msg("accepted bad name '%s'", bad[i]);
    }
    assert_null(lb_metrics_counter(*state, NULL, "x"));
    /* and the good forms around them */
    assert_non_null(lb_metrics_counter(*state, "ns:sub_total", "x"));
    assert_non_null(lb_metrics_counter(*state, "_a{b=\"\"}", "x"));
    assert_non_null(lb_metrics_counter(*state, "u{b=\"caf\xc3\xa9\",}", "x"));
    assert_non_null(lb_metrics_counter(*state, "x{}", "x"));
}

static void test_bad_histograms_refused(void **state)
{
    static const double descending[] = {1, 0.5};
    static const double dup[] = {1, 1};
    static const double with_nan[] = {1, NAN};
    static const double with_inf[] = {1, INFINITY};
    double many[33];
    for (int i = 0; i < 33; i++)
        many[i] = i;
    lb_metrics *m = *state;
    assert_null(lb_metrics_histogram(m, "h1", "x", descending, 2));
    assert_null(lb_metrics_histogram(m, "h2", "x", dup, 2));
    assert_null(lb_metrics_histogram(m, "h3", "x", with_nan, 2));
    assert_null(lb_metrics_histogram(m, "h4", "x", many, 33));
    assert_null(lb_metrics_histogram(m, "h5{le=\"1\"}", "x", NULL, 0));
    assert_non_null(lb_metrics_histogram(m, "h6", "x", many, 32));
    /* a final +Inf is implied, so giving it is harmless */
    lb_histogram *h = lb_metrics_histogram(m, "h7", "x", with_inf, 2);
    assert_non_null(h);
    lb_histogram_observe(h, 5);
    char *text = lb_metrics_render(m, NULL);
    assert_non_null(strstr(text, "h7_bucket{le=\"1\"} 0\nh7_bucket{le=\"+Inf\"} 1\n"));
    free(text);
}

static void test_same_name_returns_same_metric(void **state)
{
    lb_metrics *m = *state;
    lb_counter *a = lb_metrics_counter(m, "same_total", "x");
    assert_ptr_equal(lb_metrics_counter(m, "same_total", "y"), a);
    lb_counter *l = lb_metrics_counter(m, "same_total{a=\"1\",b=\"2\"}", "x");
    assert_non_null(l);
    assert_ptr_not_equal(l, a);
    assert_ptr_equal(lb_metrics_counter(m, "same_total{b=\"2\",a=\"1\"}", "x"), l);
    assert_ptr_not_equal(lb_metrics_counter(m, "same_total{a=\"1\",b=\"3\"}", "x"), l);
    lb_gauge *g = lb_metrics_gauge(m, "same_gauge", "x");
    assert_ptr_equal(lb_metrics_gauge(m, "same_gauge", "x"), g);
    lb_histogram *h = lb_metrics_histogram(m, "same_h", "x", NULL, 0);
    assert_ptr_equal(lb_metrics_histogram(m, "same_h", "x", NULL, 0), h);
}

static void test_type_conflict_refused(void **state)
{
    lb_metrics *m = *state;
    assert_non_null(lb_metrics_counter(m, "thing{a=\"1\"}", "x"));
    assert_null(lb_metrics_gauge(m, "thing", "x"));
    assert_null(lb_metrics_gauge(m, "thing{a=\"1\"}", "x"));
    assert_null(lb_metrics_histogram(m, "thing{a=\"2\"}", "x", NULL, 0));
    /* a histogram's series names are taken too, both ways */
    assert_non_null(lb_metrics_histogram(m, "lat", "x", NULL, 0));
    assert_null(lb_metrics_counter(m, "lat_count", "x"));
    assert_null(lb_metrics_gauge(m, "lat_sum", "x"));
    assert_null(lb_metrics_counter(m, "lat_bucket", "x"));
    assert_non_null(lb_metrics_counter(m, "size_count", "x"));
    assert_null(lb_metrics_histogram(m, "size", "x", NULL, 0));
    /* the refused registrations left nothing behind */
    char *text = lb_metrics_render(m, NULL);
    assert_null(strstr(text, "gauge"));
    free(text);
}

#define THREADS 4
#define ROUNDS  100000

typedef struct work {
    lb_counter *c;
    lb_gauge *g;
    lb_histogram *h;
} work;

static void *hammer(void *arg)
{
    work *w = arg;
    for (int i = 0; i < ROUNDS; i++) {
        lb_counter_add(w->c, 1);
        lb_gauge_add(w->g, 1);
        lb_histogram_observe(w->h, (i % 4) * 0.5);
    }
    return NULL;
}

static void test_concurrent_updates_sum_exactly(void **state)
{
    static const double bounds[] = {0.25, 1};
    work w = {lb_metrics_counter(*state, "c_total", "x"), lb_metrics_gauge(*state, "g", "x"),
              lb_metrics_histogram(*state, "h", "x", bounds, 2)};
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, hammer, &w), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(lb_counter_value(w.c), THREADS * ROUNDS);
    assert_true(lb_gauge_value(w.g) == THREADS * ROUNDS);
    assert_int_equal(lb_histogram_count(w.h), THREADS * ROUNDS);
    char *text = lb_metrics_render(*state, NULL);
    /* values 0, 0.5, 1, 1.5 in equal shares; sum = ROUNDS/4 * 3 per thread */
    assert_non_null(strstr(text, "h_bucket{le=\"0.25\"} 100000\n"
                                 "h_bucket{le=\"1\"} 300000\n"
                                 "h_bucket{le=\"+Inf\"} 400000\n"
                                 "h_sum 300000\n"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_counter_adds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gauge_sets_and_adds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_histogram_counts_observations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_render_exact_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_registry_renders_empty_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_histogram_default_buckets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_special_values_render, setup, teardown),
        cmocka_unit_test_setup_teardown(test_label_values_and_help_escaped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_names_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_histograms_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_name_returns_same_metric, setup, teardown),
        cmocka_unit_test_setup_teardown(test_type_conflict_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_updates_sum_exactly, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
