/* Unit tests of config.c: flags over environment, typed getters and their errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lyrebird/config.h"
#include "lyrebird/error.h"

static int reset(void **state)
{
    lb_config_reset();
    unsetenv("LB_T_PORT");
    unsetenv("LB_T_NUM");
    return 0;
}

static void flag_wins_over_environment(void **state)
{
    setenv("LB_T_PORT", "1000", 1);
    assert_string_equal(lb_config_get("LB_T_PORT"), "1000");
    assert_int_equal(lb_config_set("LB_T_PORT", "2000"), 0);
    assert_string_equal(lb_config_get("LB_T_PORT"), "2000");
}

static void parse_flags_maps_names_and_stops_at_first_non_flag(void **state)
{
    char *argv[] = {"--t-port=81", "--t-num", "7", "up", "--later=1"};
    char err[LB_ERRLEN];
    assert_int_equal(lb_config_parse_flags(5, argv, err, sizeof err), 3);
    assert_string_equal(lb_config_get("LB_T_PORT"), "81");
    assert_string_equal(lb_config_get("LB_T_NUM"), "7");
    assert_null(lb_config_get("LB_LATER"));
}

static void flag_without_value_is_an_error(void **state)
{
    char *argv[] = {"--t-port"};
    char err[LB_ERRLEN] = "";
    assert_int_equal(lb_config_parse_flags(1, argv, err, sizeof err), LB_EINVAL);
    assert_non_null(strstr(err, "--t-port needs a value"));
}

static void bad_port_error_names_the_setting(void **state)
{
    setenv("LB_T_PORT", "http", 1);
    int port = 0;
    char err[LB_ERRLEN] = "";
    assert_int_equal(lb_config_port("LB_T_PORT", 8080, &port, err, sizeof err), LB_EINVAL);
    assert_string_equal(err, "LB_T_PORT: 'http' is not a port number (1-65535)");
    setenv("LB_T_PORT", "70000", 1);
    assert_int_equal(lb_config_port("LB_T_PORT", 8080, &port, err, sizeof err), LB_EINVAL);
}

static void port_default_and_value(void **state)
{
    int port = 0;
    char err[LB_ERRLEN];
    assert_int_equal(lb_config_port("LB_T_PORT", 8080, &port, err, sizeof err), 0);
    assert_int_equal(port, 8080);
    setenv("LB_T_PORT", "9090", 1);
    assert_int_equal(lb_config_port("LB_T_PORT", 8080, &port, err, sizeof err), 0);
    assert_int_equal(port, 9090);
}

static void int_range_is_checked(void **state)
{
    long v = 0;
    char err[LB_ERRLEN] = "";
    setenv("LB_T_NUM", "12x", 1);
    assert_int_equal(lb_config_int("LB_T_NUM", 5, 0, 100, &v, err, sizeof err), LB_EINVAL);
    assert_non_null(strstr(err, "LB_T_NUM"));
    setenv("LB_T_NUM", "101", 1);
    assert_int_equal(lb_config_int("LB_T_NUM", 5, 0, 100, &v, err, sizeof err), LB_EINVAL);
    setenv("LB_T_NUM", "-3", 1);
    assert_int_equal(lb_config_int("LB_T_NUM", 5, -10, 100, &v, err, sizeof err), 0);
    assert_int_equal(v, -3);
}

static void bool_words(void **state)
{
    int b = -1;
    char err[LB_ERRLEN] = "";
    setenv("LB_T_NUM", "Yes", 1);
    assert_int_equal(lb_config_bool("LB_T_NUM", 0, &b, err, sizeof err), 0);
    assert_int_equal(b, 1);
    setenv("LB_T_NUM", "off", 1);
    assert_int_equal(lb_config_bool("LB_T_NUM", 1, &b, err, sizeof err), 0);
    assert_int_equal(b, 0);
    setenv("LB_T_NUM", "maybe", 1);
    assert_int_equal(lb_config_bool("LB_T_NUM", 1, &b, err, sizeof err), LB_EINVAL);
    assert_string_equal(err, "LB_T_NUM: 'maybe' is not true or false");
}

static void empty_value_counts_as_unset(void **state)
{
    setenv("LB_T_NUM", "", 1);
    assert_null(lb_config_get("LB_T_NUM"));
    assert_string_equal(lb_config_str("LB_T_NUM", "dflt"), "dflt");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(flag_wins_over_environment, reset),
        cmocka_unit_test_setup(parse_flags_maps_names_and_stops_at_first_non_flag, reset),
        cmocka_unit_test_setup(flag_without_value_is_an_error, reset),
        cmocka_unit_test_setup(bad_port_error_names_the_setting, reset),
        cmocka_unit_test_setup(port_default_and_value, reset),
        cmocka_unit_test_setup(int_range_is_checked, reset),
        cmocka_unit_test_setup(bool_words, reset),
        cmocka_unit_test_setup(empty_value_counts_as_unset, reset),
    };
    return cmocka_run_group_tests(tests, NULL, reset);
}
