/* Unit tests of the InfluxDB writer's spill file (writers/influxdb/spill.h): records read
 * back in order and in batches, consumption surviving a reopen, and a damaged tail (a
 * record cut short by a crash, a flipped byte) detected, reported and cut. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lyrebird/error.h"
#include "spill.h"

static char dir[] = "/tmp/lbspill.XXXXXX";
static char path[256];

static int setup(void **state)
{
    strcpy(dir, "/tmp/lbspill.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/spill.dat", dir);
    return 0;
}

static int teardown(void **state)
{
    char p[300];
    unlink(path);
    snprintf(p, sizeof p, "%s.head", path);
    unlink(p);
    snprintf(p, sizeof p, "%s.head.new", path);
    unlink(p);
    rmdir(dir);
    return 0;
}

static influx_spill *open_ok(char *warn)
{
    char err[LB_ERRLEN];
    influx_spill *s = influx_spill_open(path, warn, LB_ERRLEN, err, sizeof err);
    assert_non_null(s);
    return s;
}

static void append_lines(influx_spill *s, int from, int to)
{
    char line[64];
    for (int i = from; i < to; i++) {
        int n = snprintf(line, sizeof line, "m v=%d %d\n", i, i);
        assert_int_equal(influx_spill_append(s, line, (size_t)n, 1), 0);
    }
}

/* Reads everything left, max points a batch, checking the values are from..to-1 in order. */
static void drain_expect(influx_spill *s, int from, int to, size_t max)
{
    int next = from;
    for (;;) {
        influx_buf b = {0};
        size_t points, consumed;
        int rc = influx_spill_peek(s, max, &b, &points, &consumed);
        if (rc == LB_ENOTFOUND) {
            influx_buf_free(&b);
            break;
        }
        assert_int_equal(rc, 0);
        assert_true(points <= max);
        char *p = b.data;
        for (size_t i = 0; i < points; i++) {
            int v;
            assert_int_equal(sscanf(p, "m v=%d", &v), 1);
            assert_int_equal(v, next++);
            p = strchr(p, '\n') + 1;
        }
        assert_int_equal(*p, '\0');
        assert_int_equal(influx_spill_consume(s, consumed, points), 0);
        influx_buf_free(&b);
    }
    assert_int_equal(next, to);
    assert_int_equal(influx_spill_points(s), 0);
}

static void reads_back_in_order(void **state)
{
    char warn[LB_ERRLEN];
    influx_spill *s = open_ok(warn);
    assert_string_equal(warn, "");
    append_lines(s, 0, 100);
    assert_int_equal(influx_spill_points(s), 100);
    drain_expect(s, 0, 100, 7);
    influx_spill_close(s);
}

static void consumption_survives_reopen(void **state)
{
    char warn[LB_ERRLEN];
    influx_spill *s = open_ok(warn);
    append_lines(s, 0, 10);
    influx_buf b = {0};
    size_t points, consumed;
    assert_int_equal(influx_spill_peek(s, 4, &b, &points, &consumed), 0);
    assert_int_equal(points, 4);
    assert_int_equal(influx_spill_consume(s, consumed, points), 0);
    /* peeked but not consumed: must come again after a restart */
    influx_buf_reset(&b);
    assert_int_equal(influx_spill_peek(s, 3, &b, &points, &consumed), 0);
    influx_buf_free(&b);
    influx_spill_close(s);
    s = open_ok(warn);
    assert_string_equal(warn, "");
    assert_int_equal(influx_spill_points(s), 6);
    append_lines(s, 10, 12);
    drain_expect(s, 4, 12, 100);
    influx_spill_close(s);
    /* drained: the file is emptied */
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 0);
}

static void cut_tail_is_dropped(void **state)
{
    char warn[LB_ERRLEN];
    influx_spill *s = open_ok(warn);
    append_lines(s, 0, 5);
    influx_spill_close(s);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    /* a crash in the middle of the last record */
    assert_int_equal(truncate(path, st.st_size - 3), 0);
    s = open_ok(warn);
    assert_non_null(strstr(warn, "cut short"));
    assert_int_equal(influx_spill_points(s), 4);
    append_lines(s, 4, 6);
    drain_expect(s, 0, 6, 100);
    influx_spill_close(s);
}

static void corrupt_tail_is_dropped(void **state)
{
    char warn[LB_ERRLEN];
    influx_spill *s = open_ok(warn);
    append_lines(s, 0, 3);
    influx_spill_close(s);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, "X", 1, st.st_size - 2), 1); /* a byte of the last record */
    close(fd);
    s = open_ok(warn);
    assert_non_null(strstr(warn, "checksum"));
    assert_int_equal(influx_spill_points(s), 2);
    drain_expect(s, 0, 2, 100);
    influx_spill_close(s);
}

static void garbage_after_records_is_dropped(void **state)
{
    char warn[LB_ERRLEN];
    influx_spill *s = open_ok(warn);
    append_lines(s, 0, 2);
    influx_spill_close(s);
    int fd = open(path, O_WRONLY | O_APPEND);
    assert_int_equal(write(fd, "garbage-garbage-garbage", 23), 23);
    close(fd);
    s = open_ok(warn);
    assert_non_null(strstr(warn, "marker"));
    drain_expect(s, 0, 2, 100);
    influx_spill_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(reads_back_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(consumption_survives_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(cut_tail_is_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(corrupt_tail_is_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(garbage_after_records_is_dropped, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
