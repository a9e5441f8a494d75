/* Unit tests of subject.c: Mainflux subtopic rules and channel subjects, as a table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "lyrebird/bus.h"
#include "lyrebird/error.h"

typedef struct {
    const char *channel;
    const char *subtopic;
    int wildcards;
    const char *subject; /* expected, or NULL when refused */
    const char *error;   /* substring of the expected error */
} row;

static const row rows[] = {
    {"c1", NULL, 0, "channels.c1", NULL},
    {"c1", "", 0, "channels.c1", NULL},
    {"c1", "a", 0, "channels.c1.a", NULL},
    {"c1", "a/b", 0, "channels.c1.a.b", NULL},
    {"c1", "a.b", 0, "channels.c1.a.b", NULL},
    {"c1", "/a//b/", 0, "channels.c1.a.b", NULL},
    {"c1", "///", 0, "channels.c1", NULL},
    {"c1", "lora/down/0004A30B001C0530", 0, "channels.c1.lora.down.0004A30B001C0530", NULL},
    {"c1", "a/*", 1, "channels.c1.a.*", NULL},
    {"c1", "a/>", 1, "channels.c1.a.>", NULL},
    {"c1", ">", 1, "channels.c1.>", NULL},
    {"c1", "a/>/", 1, "channels.c1.a.>", NULL},
    {"c1", "a/*", 0, NULL, "only for subscribing"},
    {"c1", ">", 0, NULL, "only for subscribing"},
    {"c1", "a*", 1, NULL, "must stand alone"},
    {"c1", "a/>/b", 1, NULL, "'>' must be last"},
    {"c1", "te>mp", 1, NULL, "must stand alone"},
    {"c1", "a b", 0, NULL, "space or control"},
    {"c1", "a\tb", 0, NULL, "space or control"},
    {"c1", "a\x01", 0, NULL, "space or control"},
    {"", "a", 0, NULL, "channel id is empty"},
    {NULL, "a", 0, NULL, "channel id is empty"},
    {"c.1", NULL, 0, NULL, "not allowed"},
    {"c*", NULL, 1, NULL, "not allowed"},
    {"c>", NULL, 1, NULL, "not allowed"},
    {"c 1", NULL, 0, NULL, "not allowed"},
    {"c/1", NULL, 0, NULL, "not allowed"},
};

static void subject_table(void **state)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const row *r = &rows[i];
        char out[LB_SUBJECT_MAX], err[LB_ERRLEN] = "";
        int rc = lb_subject_build(r->channel, r->subtopic, r->wildcards, out, sizeof out, err,
                                  sizeof err);
        if (r->subject) {
            if (rc != 0)
                fail_msg("row %zu: refused: %s", i, err);
            assert_string_equal(out, r->subject);
        } else {
            if (rc == 0)
                fail_msg("row %zu: accepted as %s", i, out);
            if (!strstr(err, r->error))
                fail_msg("row %zu: error '%s' lacks '%s'", i, err, r->error);
        }
    }
}

static void subtopic_too_long_is_refused(void **state)
{
    char out[8], err[LB_ERRLEN] = "";
    assert_int_equal(lb_subtopic_normalize("abcd/efgh", 0, out, sizeof out, err, sizeof err),
                     LB_ETOOBIG);
    assert_non_null(strstr(err, "longer than"));
    assert_int_equal(lb_subtopic_normalize("abc/def", 0, out, sizeof out, err, sizeof err), 0);
    assert_string_equal(out, "abc.def");
}

static void subject_too_long_is_refused(void **state)
{
    char out[16], err[LB_ERRLEN] = "";
    assert_int_equal(lb_subject_build("0123456789", "x", 0, out, sizeof out, err, sizeof err),
                     LB_ETOOBIG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(subject_table),
        cmocka_unit_test(subtopic_too_long_is_refused),
        cmocka_unit_test(subject_too_long_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
