/* The things store (things/store.h) against a real database, one suite for both backends:
 *   integration_store [sqlite]   a temporary SQLite file
 *   integration_store postgres   a PostgreSQL 15 started by the harness (tests/harness/pg.h)
 * Every test opens its own store on the one database and works under owners and ids of its
 * own, so tests do not see each other's rows. */
#include <jansson.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "lyrebird/error.h"
#include "lyrebird/log.h"
#include "pg.h"
#include "store.h"
#include "store_internal.h"

static int use_pg;
static lbt_pg pg;
static char tmpdir[256];
static char url[512];
static atomic_int counter;

/* ---- helpers ---- */

/* A fresh id with a prefix, unique in this run. */
static const char *fresh(char *buf, size_t cap, const char *prefix)
{
    snprintf(buf, cap, "%s-%d-%d", prefix, (int)getpid(), atomic_fetch_add(&counter, 1));
    return buf;
}
#define FRESH(buf, prefix) fresh(buf, sizeof buf, prefix)

static json_t *js(const char *text)
{
    json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
    if (!j)
        fail_msg("bad JSON in test: %s", text);
    return j;
}

/* Creates a thing with key "k-<id>" and metadata from JSON text (NULL: none). */
static void thing(ts_store *s, const char *owner, const char *id, const char *name,
                  const char *meta)
{
    char key[TS_KEY_MAX];
    snprintf(key, sizeof key, "k-%s", id);
    json_t *m = meta ? js(meta) : NULL;
    ts_thing t = {id, owner, name, key, m};
    assert_int_equal(ts_things_create(s, &t, 1), 0);
    json_decref(m);
}

static void channel(ts_store *s, const char *owner, const char *id, const char *name,
                    const char *meta)
{
    json_t *m = meta ? js(meta) : NULL;
    ts_channel c = {id, owner, name, m};
    assert_int_equal(ts_channels_create(s, &c, 1), 0);
    json_decref(m);
}

static const char *str(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    if (!v)
        fail_msg("no string \"%s\" in the item", k);
    return v;
}

/* The items' ids are exactly ids, in order (n of them). */
static void expect_ids(json_t *items, const char *const *ids, size_t n)
{
    assert_non_null(items);
    assert_int_equal(json_array_size(items), n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(str(json_array_get(items, i), "id"), ids[i]);
}

/* Lists owner's things with the page; checks total and returns the items. */
static json_t *list_things(ts_store *s, const char *owner, const ts_page *p, long want_total)
{
    json_t *items = NULL;
    long total = -1;
    assert_int_equal(ts_thing_list(s, owner, p, &items, &total), 0);
    assert_int_equal(total, want_total);
    return items;
}

static ts_store *S(void **state)
{
    return *state;
}

/* ---- users ---- */

static void user_create_then_get_by_id_and_email(void **state)
{
    ts_store *s = S(state);
    ts_user u = {.admin = 1}, got;
    FRESH(u.id, "u");
    snprintf(u.email, sizeof u.email, "%s@example.com", u.id);
    snprintf(u.hash, sizeof u.hash, "$argon2id$v=19$hash-of-%s", u.id);
    assert_int_equal(ts_user_create(s, &u), 0);
    memset(&got, 0, sizeof got);
    assert_int_equal(ts_user_by_id(s, u.id, &got), 0);
    assert_string_equal(got.id, u.id);
    assert_string_equal(got.email, u.email);
    assert_string_equal(got.hash, u.hash);
    assert_int_equal(got.admin, 1);
    memset(&got, 0, sizeof got);
    assert_int_equal(ts_user_by_email(s, u.email, &got), 0);
    assert_string_equal(got.id, u.id);
    assert_int_equal(ts_user_by_id(s, "no-such-user", &got), LB_ENOTFOUND);
    assert_int_equal(ts_user_by_email(s, "nobody@example.com", &got), LB_ENOTFOUND);
}

static void user_duplicate_email_in_other_case_is_eexist(void **state)
{
    ts_store *s = S(state);
    ts_user a = {0}, b = {0}, got;
    FRESH(a.id, "u");
    FRESH(b.id, "u");
    snprintf(a.email, sizeof a.email, "Ann.%s@Example.COM", a.id);
    snprintf(b.email, sizeof b.email, "ann.%s@example.com", a.id);
    strcpy(a.hash, "h1");
    strcpy(b.hash, "h2");
    assert_int_equal(ts_user_create(s, &a), 0);
    assert_int_equal(ts_user_create(s, &b), LB_EEXIST);
    assert_int_equal(ts_user_by_email(s, b.email, &got), 0); /* found in the other case */
    assert_string_equal(got.id, a.id);
    assert_string_equal(got.email, a.email); /* stored as given */
    snprintf(b.email, sizeof b.email, "other.%s@example.com", b.id);
    strcpy(b.id, a.id);
    assert_int_equal(ts_user_create(s, &b), LB_EEXIST); /* same id */
}

static void user_password_change_replaces_hash(void **state)
{
    ts_store *s = S(state);
    ts_user u = {0}, got;
    FRESH(u.id, "u");
    snprintf(u.email, sizeof u.email, "%s@example.com", u.id);
    strcpy(u.hash, "old-hash");
    assert_int_equal(ts_user_create(s, &u), 0);
    assert_int_equal(ts_user_set_password(s, u.id, "new-hash"), 0);
    assert_int_equal(ts_user_by_id(s, u.id, &got), 0);
    assert_string_equal(got.hash, "new-hash");
    assert_int_equal(got.admin, 0);
    assert_int_equal(ts_user_set_password(s, "no-such-user", "x"), LB_ENOTFOUND);
}

static void user_count_counts_created_users(void **state)
{
    ts_store *s = S(state);
    long before = ts_user_count(s);
    assert_true(before >= 0);
    for (int i = 0; i < 3; i++) {
        ts_user u = {0};
        FRESH(u.id, "u");
        snprintf(u.email, sizeof u.email, "%s@example.com", u.id);
        strcpy(u.hash, "h");
        assert_int_equal(ts_user_create(s, &u), 0);
    }
    assert_int_equal(ts_user_count(s), before + 3);
}

/* ---- things ---- */

static void thing_create_then_get_has_api_shape(void **state)
{
    ts_store *s = S(state);
    char owner[64], id[64], bare[64];
    FRESH(owner, "o");
    thing(s, owner, FRESH(id, "t"), "lamp", "{\"room\":\"hall\",\"n\":2}");
    thing(s, owner, FRESH(bare, "t"), NULL, NULL);
    json_t *o = NULL;
    assert_int_equal(ts_thing_get(s, owner, id, &o), 0);
    json_t *want = json_pack("{s:s, s:s, s:s+, s:{s:s, s:i}}", "id", id, "name", "lamp", "key",
                             "k-", id, "metadata", "room", "hall", "n", 2);
    assert_true(json_equal(o, want));
    json_decref(want);
    json_decref(o);
    assert_int_equal(ts_thing_get(s, owner, bare, &o), 0);
    assert_string_equal(str(o, "name"), "");
    assert_true(json_is_object(json_object_get(o, "metadata")));
    assert_int_equal(json_object_size(json_object_get(o, "metadata")), 0);
    assert_null(json_object_get(o, "owner"));
    json_decref(o);
    assert_int_equal(ts_thing_get(s, NULL, id, &o), 0); /* an admin sees it */
    json_decref(o);
    assert_int_equal(ts_thing_get(s, owner, "no-such-thing", &o), LB_ENOTFOUND);
    assert_null(o);
}

static void things_bulk_create_creates_all(void **state)
{
    ts_store *s = S(state);
    char owner[64], ids[3][64], keys[3][80];
    ts_thing t[3];
    FRESH(owner, "o");
    for (int i = 0; i < 3; i++) {
        FRESH(ids[i], "t");
        snprintf(keys[i], sizeof keys[i], "k-%.60s", ids[i]);
        t[i] = (ts_thing){ids[i], owner, "bulk", keys[i], NULL};
    }
    assert_int_equal(ts_things_create(s, t, 3), 0);
    ts_page p = {.limit = 10};
    json_t *items = list_things(s, owner, &p, 3);
    const char *want[] = {ids[0], ids[1], ids[2]};
    expect_ids(items, want, 3);
    json_decref(items);
}

static void things_bulk_create_with_duplicate_key_creates_none(void **state)
{
    ts_store *s = S(state);
    char owner[64], taken[64], ids[3][64], keys[3][80];
    ts_thing t[3];
    FRESH(owner, "o");
    thing(s, owner, FRESH(taken, "t"), "first", NULL);
    for (int i = 0; i < 3; i++) {
        FRESH(ids[i], "t");
        snprintf(keys[i], sizeof keys[i], "k-%.60s", ids[i]);
        t[i] = (ts_thing){ids[i], owner, "bulk", keys[i], NULL};
    }
    snprintf(keys[1], sizeof keys[1], "k-%.60s", taken); /* the middle one's key is taken */
    assert_int_equal(ts_things_create(s, t, 3), LB_EEXIST);
    json_t *o = NULL;
    for (int i = 0; i < 3; i++)
        assert_int_equal(ts_thing_get(s, owner, ids[i], &o), LB_ENOTFOUND);
    snprintf(keys[1], sizeof keys[1], "k-%.60s", ids[0]); /* a key twice in one batch */
    assert_int_equal(ts_things_create(s, t, 3), LB_EEXIST);
    assert_int_equal(ts_thing_get(s, owner, ids[0], &o), LB_ENOTFOUND);
    ts_page p = {.limit = 10};
    json_decref(list_things(s, owner, &p, 1));
}

static void thing_duplicate_id_is_eexist(void **state)
{
    ts_store *s = S(state);
    char owner[64], id[64];
    FRESH(owner, "o");
    thing(s, owner, FRESH(id, "t"), "a", NULL);
    ts_thing t = {id, owner, "b", "another-key-for-the-same-id", NULL};
    assert_int_equal(ts_things_create(s, &t, 1), LB_EEXIST);
}

static void thing_of_other_owner_is_enotfound(void **state)
{
    ts_store *s = S(state);
    char owner[64], other[64], id[64], ch[64];
    FRESH(owner, "o");
    FRESH(other, "o");
    thing(s, owner, FRESH(id, "t"), "mine", "{\"v\":1}");
    channel(s, other, FRESH(ch, "c"), "theirs", NULL);
    json_t *o = NULL, *m = js("{\"v\":2}");
    assert_int_equal(ts_thing_get(s, other, id, &o), LB_ENOTFOUND);
    assert_int_equal(ts_thing_update(s, other, id, "stolen", m), LB_ENOTFOUND);
    assert_int_equal(ts_thing_set_key(s, other, id, "stolen-key"), LB_ENOTFOUND);
    const char *chs[] = {ch}, *ths[] = {id};
    assert_int_equal(ts_connect(s, other, chs, 1, ths, 1), LB_ENOTFOUND);
    assert_int_equal(ts_thing_delete(s, other, id), LB_ENOTFOUND);
    assert_int_equal(ts_thing_get(s, owner, id, &o), 0); /* untouched */
    assert_string_equal(str(o, "name"), "mine");
    char key[TS_KEY_MAX];
    snprintf(key, sizeof key, "k-%s", id);
    assert_string_equal(str(o, "key"), key);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "metadata"), "v")), 1);
    assert_int_equal(ts_is_connected(s, ch, id), 0);
    json_decref(o);
    json_decref(m);
}

static void thing_list_pages_by_offset_and_limit(void **state)
{
    ts_store *s = S(state);
    char owner[64], ids[25][64];
    FRESH(owner, "o");
    for (int i = 0; i < 25; i++)
        thing(s, owner, FRESH(ids[i], "t"), "p", NULL);
    const char *all[25];
    for (int i = 0; i < 25; i++)
        all[i] = ids[i];
    ts_page p = {.offset = 0, .limit = 10};
    json_t *items = list_things(s, owner, &p, 25);
    expect_ids(items, all, 10);
    json_decref(items);
    p.offset = 10;
    items = list_things(s, owner, &p, 25);
    expect_ids(items, all + 10, 10);
    json_decref(items);
    p.offset = 20;
    items = list_things(s, owner, &p, 25);
    expect_ids(items, all + 20, 5);
    json_decref(items);
    p.offset = 30;
    items = list_things(s, owner, &p, 25); /* past the end: no items, the total still */
    expect_ids(items, NULL, 0);
    json_decref(items);
    p = (ts_page){.offset = 24, .limit = 100};
    items = list_things(s, owner, &p, 25);
    expect_ids(items, all + 24, 1);
    json_decref(items);
}

static void thing_list_name_filter_is_case_insensitive_substring(void **state)
{
    ts_store *s = S(state);
    char owner[64], id[6][64];
    static const char *const names[] = {"Alpha%", "beta_1", "ALPHA_x", "gamma", "alphabet", "bx1"};
    FRESH(owner, "o");
    for (int i = 0; i < 6; i++)
        thing(s, owner, FRESH(id[i], "t"), names[i], NULL);
    static const struct {
        const char *filter;
        int want[6];
        int n;
    } cases[] = {
        {"alpha", {0, 2, 4}, 3}, {"ALPHA", {0, 2, 4}, 3}, {"%", {0}, 1},     {"_", {1, 2}, 2},
        {"a%", {0}, 1},          {"a_x", {2}, 1},         {"a_", {1, 2}, 2}, {"MM", {3}, 1},
        {"b_1", {0}, 0}, /* as LIKE patterns these two would match bx1 and beta_1 */
        {"b%1", {0}, 0},         {"zzz", {0}, 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        ts_page p = {.limit = 100, .name = cases[c].filter};
        json_t *items = list_things(s, owner, &p, cases[c].n);
        const char *want[6];
        for (int i = 0; i < cases[c].n; i++)
            want[i] = id[cases[c].want[i]];
        expect_ids(items, want, (size_t)cases[c].n);
        json_decref(items);
    }
}

/* Rows and filters whose answers PostgreSQL's jsonb @> gives; SQLite must agree. */
static const char *const META_ROWS[] = {
    "{\"a\":1,\"b\":{\"c\":\"x\",\"d\":[1,2,{\"e\":true}]},\"tags\":[\"red\",\"blue\"]}",
    "{\"a\":\"1\"}",
    "{\"a\":1.0,\"n\":null}",
    "{}",
    "{\"b\":{\"c\":\"X\"}}",
    "{\"tags\":\"red\"}",
};

static const struct {
    const char *filter;
    const char *want; /* indexes into META_ROWS */
} META_CASES[] = {
    {"{}", "012345"},
    {"{\"a\":1}", "02"},
    {"{\"a\":\"1\"}", "1"},
    {"{\"a\":true}", ""},
    {"{\"a\":1.5}", ""},
    {"{\"b\":{\"c\":\"x\"}}", "0"},
    {"{\"b\":{\"d\":[2,1]}}", "0"},
    {"{\"b\":{\"d\":[{\"e\":true}]}}", "0"},
    {"{\"b\":{\"d\":[{}]}}", "0"},
    {"{\"b\":{\"d\":[3]}}", ""},
    {"{\"b\":{\"d\":1}}", ""},
    {"{\"b\":{}}", "04"},
    {"{\"tags\":[\"red\"]}", "0"},
    {"{\"tags\":\"red\"}", "5"},
    {"{\"n\":null}", "2"},
    {"{\"a\":1,\"tags\":[\"blue\"]}", "0"},
};

static void thing_list_metadata_filter_is_jsonb_containment(void **state)
{
    ts_store *s = S(state);
    char owner[64], id[6][64];
    FRESH(owner, "o");
    for (int i = 0; i < 6; i++)
        thing(s, owner, FRESH(id[i], "t"), "m", META_ROWS[i]);
    for (size_t c = 0; c < sizeof META_CASES / sizeof *META_CASES; c++) {
        json_t *f = js(META_CASES[c].filter), *items = NULL;
        ts_page p = {.limit = 100, .metadata = f};
        long total = -1;
        assert_int_equal(ts_thing_list(s, owner, &p, &items, &total), 0);
        const char *want[6];
        size_t n = strlen(META_CASES[c].want);
        for (size_t i = 0; i < n; i++)
            want[i] = id[META_CASES[c].want[i] - '0'];
        if (total != (long)n)
            fail_msg("filter %s: %ld rows, want %zu", META_CASES[c].filter, total, n);
        expect_ids(items, want, n);
        json_decref(items);
        json_decref(f);
    }
}

static void json_contains_matches_jsonb_rules(void **state)
{
    static const struct {
        const char *a, *b;
        int want;
    } cases[] = {
        {"[\"a\",\"b\"]", "\"a\"", 1}, /* top-level exception */
        {"\"a\"", "[\"a\"]", 0},
        {"[1,[2]]", "[[2]]", 1},
        {"[1,[2]]", "[2]", 0},
        {"[1,2,2]", "[2,2,1,1]", 1},
        {"[]", "[]", 1},
        {"[1]", "[]", 1},
        {"[]", "[1]", 0},
        {"1", "1.0", 1},
        {"1", "\"1\"", 0},
        {"null", "null", 1},
        {"true", "false", 0},
        {"{\"a\":[1]}", "{\"a\":1}", 0},
        {"{\"a\":{}}", "{\"a\":[]}", 0},
        {"{}", "{}", 1},
        {"[{\"a\":1,\"b\":2}]", "[{\"a\":1}]", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        json_t *a = js(cases[i].a), *b = js(cases[i].b);
        if (ts_json_contains(a, b) != cases[i].want)
            fail_msg("%s @> %s should be %d", cases[i].a, cases[i].b, cases[i].want);
        json_decref(a);
        json_decref(b);
    }
}

static void thing_list_orders_by_name_or_creation(void **state)
{
    ts_store *s = S(state);
    char owner[64], id[4][64];
    static const char *const names[] = {"b", "a", "c", "a"};
    FRESH(owner, "o");
    for (int i = 0; i < 4; i++)
        thing(s, owner, FRESH(id[i], "t"), names[i], NULL);
    static const struct {
        int by_name, desc;
        int want[4];
    } cases[] = {
        {0, 0, {0, 1, 2, 3}},
        {0, 1, {3, 2, 1, 0}},
        {1, 0, {1, 3, 0, 2}}, /* equal names in creation order */
        {1, 1, {2, 0, 3, 1}},
    };
    for (size_t c = 0; c < 4; c++) {
        ts_page p = {.limit = 10, .order_by_name = cases[c].by_name, .descending = cases[c].desc};
        json_t *items = list_things(s, owner, &p, 4);
        const char *want[4];
        for (int i = 0; i < 4; i++)
            want[i] = id[cases[c].want[i]];
        expect_ids(items, want, 4);
        json_decref(items);
        for (long off = 1; off <= 3; off++) { /* pages nearer either end keep the order */
            p.offset = off;
            p.limit = 2;
            items = list_things(s, owner, &p, 4);
            expect_ids(items, want + off, off == 3 ? 1 : 2);
            json_decref(items);
        }
    }
}

static void thing_list_without_owner_lists_every_owner(void **state)
{
    ts_store *s = S(state);
    char a[64], b[64], ta[64], tb[64], meta[128];
    FRESH(a, "o");
    FRESH(b, "o");
    snprintf(meta, sizeof meta, "{\"test\":\"%s\"}", a);
    thing(s, a, FRESH(ta, "t"), "x", meta);
    thing(s, b, FRESH(tb, "t"), "x", meta);
    json_t *f = js(meta), *items = NULL;
    ts_page all = {.limit = 1};
    long before = -1, after = -1;
    assert_int_equal(ts_thing_list(s, NULL, &all, &items, &before), 0);
    json_decref(items);
    char more[64];
    thing(s, b, FRESH(more, "t"), "y", NULL);
    assert_int_equal(ts_thing_list(s, NULL, &all, &items, &after), 0);
    json_decref(items);
    assert_int_equal(after, before + 1); /* the unfiltered total counts every owner */
    ts_page p = {.limit = 10, .metadata = f};
    items = list_things(s, NULL, &p, 2);
    const char *want[] = {ta, tb};
    expect_ids(items, want, 2);
    json_decref(items);
    items = list_things(s, a, &p, 1);
    expect_ids(items, want, 1);
    json_decref(items);
    json_decref(f);
}

static void thing_update_replaces_name_and_metadata(void **state)
{
    ts_store *s = S(state);
    char owner[64], id[64];
    FRESH(owner, "o");
    thing(s, owner, FRESH(id, "t"), "before", "{\"a\":1,\"b\":2}");
    json_t *m = js("{\"c\":[1,2]}"), *o = NULL;
    assert_int_equal(ts_thing_update(s, owner, id, "after", m), 0);
    assert_int_equal(ts_thing_get(s, owner, id, &o), 0);
    assert_string_equal(str(o, "name"), "after");
    assert_true(json_equal(json_object_get(o, "metadata"), m));
    json_decref(o);
    assert_int_equal(ts_thing_update(s, NULL, id, NULL, NULL), 0); /* admin; clears both */
    assert_int_equal(ts_thing_get(s, owner, id, &o), 0);
    assert_string_equal(str(o, "name"), "");
    assert_int_equal(json_object_size(json_object_get(o, "metadata")), 0);
    json_decref(o);
    assert_int_equal(ts_thing_update(s, owner, "no-such-thing", "x", NULL), LB_ENOTFOUND);
    json_decref(m);
}

static void thing_set_key_moves_lookup_and_rejects_taken_key(void **state)
{
    ts_store *s = S(state);
    char owner[64], a[64], b[64], out[TS_ID_MAX], newkey[128], oldkey[128], bkey[128];
    FRESH(owner, "o");
    thing(s, owner, FRESH(a, "t"), "a", NULL);
    thing(s, owner, FRESH(b, "t"), "b", NULL);
    snprintf(oldkey, sizeof oldkey, "k-%s", a);
    snprintf(bkey, sizeof bkey, "k-%s", b);
    snprintf(newkey, sizeof newkey, "new-%s", a);
    assert_int_equal(ts_thing_by_key(s, oldkey, out), 0);
    assert_string_equal(out, a);
    assert_int_equal(ts_thing_set_key(s, owner, a, newkey), 0);
    assert_int_equal(ts_thing_by_key(s, newkey, out), 0);
    assert_string_equal(out, a);
    assert_int_equal(ts_thing_by_key(s, oldkey, out), LB_ENOTFOUND);
    assert_int_equal(ts_thing_set_key(s, owner, a, bkey), LB_EEXIST);
    assert_int_equal(ts_thing_by_key(s, newkey, out), 0); /* unchanged */
    assert_string_equal(out, a);
    assert_int_equal(ts_thing_set_key(s, owner, "no-such-thing", "zz"), LB_ENOTFOUND);
}

static void thing_owner_names_the_owner(void **state)
{
    ts_store *s = S(state);
    char owner[64], id[64], out[TS_ID_MAX];
    FRESH(owner, "o");
    thing(s, owner, FRESH(id, "t"), "a", NULL);
    assert_int_equal(ts_thing_owner(s, id, out), 0);
    assert_string_equal(out, owner);
    assert_int_equal(ts_thing_owner(s, "no-such-thing", out), LB_ENOTFOUND);
}

static void thing_delete_removes_it_and_its_connections(void **state)
{
    ts_store *s = S(state);
    char owner[64], t[64], keep[64], ch[64], out[TS_ID_MAX], key[128];
    FRESH(owner, "o");
    thing(s, owner, FRESH(t, "t"), "gone", NULL);
    thing(s, owner, FRESH(keep, "t"), "kept", NULL);
    channel(s, owner, FRESH(ch, "c"), "ch", NULL);
    const char *chs[] = {ch}, *ths[] = {t, keep};
    assert_int_equal(ts_connect(s, owner, chs, 1, ths, 2), 0);
    ts_page p = {.limit = 10};
    json_decref(list_things(s, owner, &p, 2));
    assert_int_equal(ts_thing_delete(s, owner, t), 0);
    json_decref(list_things(s, owner, &p, 1)); /* the total follows */
    assert_int_equal(ts_is_connected(s, ch, t), 0);
    assert_int_equal(ts_is_connected(s, ch, keep), 1);
    json_t *ids = NULL;
    assert_int_equal(ts_channel_thing_ids(s, ch, &ids), 0);
    assert_int_equal(json_array_size(ids), 1);
    assert_string_equal(json_string_value(json_array_get(ids, 0)), keep);
    json_decref(ids);
    snprintf(key, sizeof key, "k-%s", t);
    assert_int_equal(ts_thing_by_key(s, key, out), LB_ENOTFOUND);
    assert_int_equal(ts_thing_delete(s, owner, t), LB_ENOTFOUND);
    thing(s, owner, t, "again", NULL); /* its id and key are free again */
}

/* ---- channels ---- */

static void channel_create_get_update_delete(void **state)
{
    ts_store *s = S(state);
    char owner[64], id[64];
    FRESH(owner, "o");
    channel(s, owner, FRESH(id, "c"), "temps", "{\"unit\":\"C\"}");
    json_t *o = NULL, *m = js("{\"unit\":\"K\"}");
    assert_int_equal(ts_channel_get(s, owner, id, &o), 0);
    json_t *want =
        json_pack("{s:s, s:s, s:{s:s}}", "id", id, "name", "temps", "metadata", "unit", "C");
    assert_true(json_equal(o, want)); /* no key */
    json_decref(want);
    json_decref(o);
    assert_int_equal(ts_channel_update(s, owner, id, "kelvin", m), 0);
    assert_int_equal(ts_channel_get(s, NULL, id, &o), 0);
    assert_string_equal(str(o, "name"), "kelvin");
    assert_true(json_equal(json_object_get(o, "metadata"), m));
    json_decref(o);
    assert_int_equal(ts_channel_delete(s, owner, id), 0);
    assert_int_equal(ts_channel_get(s, owner, id, &o), LB_ENOTFOUND);
    assert_int_equal(ts_channel_delete(s, owner, id), LB_ENOTFOUND);
    json_decref(m);
}

static void channels_bulk_create_with_duplicate_id_creates_none(void **state)
{
    ts_store *s = S(state);
    char owner[64], ids[3][64];
    FRESH(owner, "o");
    ts_channel c[3];
    for (int i = 0; i < 3; i++) {
        FRESH(ids[i], "c");
        c[i] = (ts_channel){ids[i], owner, "bulk", NULL};
    }
    c[2].id = ids[0];
    assert_int_equal(ts_channels_create(s, c, 3), LB_EEXIST);
    json_t *o = NULL;
    assert_int_equal(ts_channel_get(s, owner, ids[0], &o), LB_ENOTFOUND);
    assert_int_equal(ts_channel_get(s, owner, ids[1], &o), LB_ENOTFOUND);
    c[2].id = ids[2];
    assert_int_equal(ts_channels_create(s, c, 3), 0);
    ts_page p = {.limit = 10};
    json_t *items = NULL;
    long total = 0;
    assert_int_equal(ts_channel_list(s, owner, &p, &items, &total), 0);
    const char *want[] = {ids[0], ids[1], ids[2]};
    assert_int_equal(total, 3);
    expect_ids(items, want, 3);
    json_decref(items);
}

static void channel_of_other_owner_is_enotfound(void **state)
{
    ts_store *s = S(state);
    char owner[64], other[64], id[64], th[64];
    FRESH(owner, "o");
    FRESH(other, "o");
    channel(s, owner, FRESH(id, "c"), "mine", NULL);
    thing(s, other, FRESH(th, "t"), "theirs", NULL);
    json_t *o = NULL, *items = NULL;
    ts_page p = {.limit = 10};
    assert_int_equal(ts_channel_get(s, other, id, &o), LB_ENOTFOUND);
    assert_int_equal(ts_channel_update(s, other, id, "x", NULL), LB_ENOTFOUND);
    assert_int_equal(ts_channel_delete(s, other, id), LB_ENOTFOUND);
    assert_int_equal(ts_channel_things(s, other, id, TS_ALL, &p, &items, NULL), LB_ENOTFOUND);
    assert_null(items);
    const char *chs[] = {id}, *ths[] = {th};
    assert_int_equal(ts_connect(s, other, chs, 1, ths, 1), LB_ENOTFOUND);
    assert_int_equal(ts_channel_get(s, owner, id, &o), 0);
    assert_string_equal(str(o, "name"), "mine");
    json_decref(o);
}

static void channel_list_filters_orders_and_pages(void **state)
{
    ts_store *s = S(state);
    char owner[64], id[5][64];
    static const char *const names[] = {"Temp-1", "hum", "temp_2", "wind", "TEMP-3"};
    FRESH(owner, "o");
    for (int i = 0; i < 5; i++)
        channel(s, owner, FRESH(id[i], "c"), names[i],
                i % 2 ? "{\"kind\":\"x\"}" : "{\"kind\":\"y\"}");
    json_t *f = js("{\"kind\":\"y\"}"), *items = NULL;
    ts_page p = {.limit = 2, .name = "temp", .order_by_name = 1, .descending = 1};
    long total = 0;
    assert_int_equal(ts_channel_list(s, owner, &p, &items, &total), 0);
    const char *want[] = {id[2], id[0], id[4]}; /* temp_2, Temp-1, TEMP-3 bytewise desc */
    assert_int_equal(total, 3);
    expect_ids(items, want, 2);
    json_decref(items);
    p = (ts_page){.limit = 10, .metadata = f, .offset = 1};
    assert_int_equal(ts_channel_list(s, owner, &p, &items, &total), 0);
    const char *want2[] = {id[2], id[4]};
    assert_int_equal(total, 3);
    expect_ids(items, want2, 2);
    json_decref(items);
    json_decref(f);
}

static void channel_delete_removes_its_connections(void **state)
{
    ts_store *s = S(state);
    char owner[64], ch[64], th[64];
    FRESH(owner, "o");
    channel(s, owner, FRESH(ch, "c"), "c", NULL);
    thing(s, owner, FRESH(th, "t"), "t", NULL);
    const char *chs[] = {ch}, *ths[] = {th};
    assert_int_equal(ts_connect(s, owner, chs, 1, ths, 1), 0);
    assert_int_equal(ts_is_connected(s, ch, th), 1);
    assert_int_equal(ts_channel_delete(s, owner, ch), 0);
    assert_int_equal(ts_is_connected(s, ch, th), 0);
    json_t *items = NULL;
    long total = -1;
    ts_page p = {.limit = 10};
    assert_int_equal(ts_thing_channels(s, owner, th, TS_CONNECTED, &p, &items, &total), 0);
    assert_int_equal(total, 0);
    json_decref(items);
    channel(s, owner, ch, "again", NULL);
    assert_int_equal(ts_is_connected(s, ch, th), 0); /* a new channel, no old connections */
}

/* ---- connections ---- */

static void connect_bulk_connects_every_pair(void **state)
{
    ts_store *s = S(state);
    char owner[64], ch[2][64], th[3][64];
    FRESH(owner, "o");
    for (int i = 0; i < 2; i++)
        channel(s, owner, FRESH(ch[i], "c"), "c", NULL);
    for (int i = 0; i < 3; i++)
        thing(s, owner, FRESH(th[i], "t"), "t", NULL);
    const char *chs[] = {ch[0], ch[1]}, *ths[] = {th[0], th[1], th[2]};
    assert_int_equal(ts_connect(s, owner, chs, 2, ths, 3), 0);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            assert_int_equal(ts_is_connected(s, ch[i], th[j]), 1);
    assert_int_equal(ts_connect(s, owner, chs, 2, ths, 3), 0); /* again: fine */
    assert_int_equal(ts_connect(s, NULL, chs, 1, ths, 1), 0);  /* an admin */
    json_t *ids = NULL;
    assert_int_equal(ts_channel_thing_ids(s, ch[1], &ids), 0);
    assert_int_equal(json_array_size(ids), 3);
    for (int j = 0; j < 3; j++) {
        int seen = 0;
        for (size_t k = 0; k < 3; k++)
            seen += strcmp(json_string_value(json_array_get(ids, k)), th[j]) == 0;
        assert_int_equal(seen, 1);
    }
    json_decref(ids);
}

static void connect_is_all_or_nothing(void **state)
{
    ts_store *s = S(state);
    char owner[64], other[64], ch[64], th[3][64];
    FRESH(owner, "o");
    FRESH(other, "o");
    channel(s, owner, FRESH(ch, "c"), "c", NULL);
    thing(s, owner, FRESH(th[0], "t"), "t", NULL);
    thing(s, other, FRESH(th[1], "t"), "t", NULL);
    thing(s, owner, FRESH(th[2], "t"), "t", NULL);
    const char *chs[] = {ch}, *ths[] = {th[0], th[1], th[2]};
    assert_int_equal(ts_connect(s, owner, chs, 1, ths, 3), LB_ENOTFOUND);
    assert_int_equal(ts_connect(s, NULL, chs, 1, ths, 3), LB_ENOTFOUND); /* owners differ */
    const char *missing[] = {th[0], "no-such-thing"};
    assert_int_equal(ts_connect(s, owner, chs, 1, missing, 2), LB_ENOTFOUND);
    const char *nochs[] = {ch, "no-such-channel"};
    assert_int_equal(ts_connect(s, owner, nochs, 2, ths, 1), LB_ENOTFOUND);
    for (int i = 0; i < 3; i++)
        assert_int_equal(ts_is_connected(s, ch, th[i]), 0);
}

static void disconnect_removes_pair_and_missing_is_enotfound(void **state)
{
    ts_store *s = S(state);
    char owner[64], other[64], ch[64], th[64];
    FRESH(owner, "o");
    FRESH(other, "o");
    channel(s, owner, FRESH(ch, "c"), "c", NULL);
    thing(s, owner, FRESH(th, "t"), "t", NULL);
    const char *chs[] = {ch}, *ths[] = {th};
    assert_int_equal(ts_connect(s, owner, chs, 1, ths, 1), 0);
    assert_int_equal(ts_disconnect(s, other, ch, th), LB_ENOTFOUND);
    assert_int_equal(ts_is_connected(s, ch, th), 1);
    assert_int_equal(ts_disconnect(s, owner, ch, th), 0);
    assert_int_equal(ts_is_connected(s, ch, th), 0);
    assert_int_equal(ts_disconnect(s, owner, ch, th), LB_ENOTFOUND);
    assert_int_equal(ts_disconnect(s, owner, "no-such-channel", th), LB_ENOTFOUND);
}

/* Four things of one channel's owner, two of them connected: each filter's rows, with the
 * "connected" flags. */
static void channel_things_filters_by_connection(void **state)
{
    ts_store *s = S(state);
    char owner[64], other[64], ch[64], th[4][64], stranger[64];
    FRESH(owner, "o");
    FRESH(other, "o");
    channel(s, owner, FRESH(ch, "c"), "c", NULL);
    for (int i = 0; i < 4; i++)
        thing(s, owner, FRESH(th[i], "t"), i < 2 ? "first" : "second", NULL);
    thing(s, other, FRESH(stranger, "t"), "first", NULL);
    const char *chs[] = {ch}, *ths[] = {th[0], th[2]};
    assert_int_equal(ts_connect(s, owner, chs, 1, ths, 2), 0);
    static const struct {
        ts_conn_filter f;
        int want[4], n;
    } cases[] = {
        {TS_CONNECTED, {0, 2}, 2}, {TS_NOT_CONNECTED, {1, 3}, 2}, {TS_ALL, {0, 1, 2, 3}, 4}};
    for (size_t c = 0; c < 3; c++) {
        ts_page p = {.limit = 10};
        json_t *items = NULL;
        long total = -1;
        assert_int_equal(ts_channel_things(s, owner, ch, cases[c].f, &p, &items, &total), 0);
        assert_int_equal(total, cases[c].n);
        const char *want[4];
        for (int i = 0; i < cases[c].n; i++)
            want[i] = th[cases[c].want[i]];
        expect_ids(items, want, (size_t)cases[c].n);
        for (int i = 0; i < cases[c].n; i++) {
            json_t *it = json_array_get(items, (size_t)i);
            int connected = cases[c].want[i] == 0 || cases[c].want[i] == 2;
            assert_true(json_is_boolean(json_object_get(it, "connected")));
            assert_int_equal(json_is_true(json_object_get(it, "connected")), connected);
            assert_non_null(json_object_get(it, "key"));
        }
        json_decref(items);
    }
    ts_page p = {.limit = 1, .offset = 1, .name = "SECOND"}; /* filters apply too */
    json_t *items = NULL;
    long total = -1;
    assert_int_equal(ts_channel_things(s, NULL, ch, TS_ALL, &p, &items, &total), 0);
    assert_int_equal(total, 2);
    const char *want[] = {th[3]};
    expect_ids(items, want, 1);
    json_decref(items);
}

static void thing_channels_filters_by_connection(void **state)
{
    ts_store *s = S(state);
    char owner[64], th[64], ch[3][64];
    FRESH(owner, "o");
    thing(s, owner, FRESH(th, "t"), "t", NULL);
    for (int i = 0; i < 3; i++)
        channel(s, owner, FRESH(ch[i], "c"), "c", NULL);
    const char *chs[] = {ch[1]}, *ths[] = {th};
    assert_int_equal(ts_connect(s, owner, chs, 1, ths, 1), 0);
    json_t *items = NULL;
    long total = -1;
    ts_page p = {.limit = 10, .descending = 1};
    assert_int_equal(ts_thing_channels(s, owner, th, TS_NOT_CONNECTED, &p, &items, &total), 0);
    const char *want[] = {ch[2], ch[0]};
    assert_int_equal(total, 2);
    expect_ids(items, want, 2);
    assert_true(json_is_false(json_object_get(json_array_get(items, 0), "connected")));
    assert_null(json_object_get(json_array_get(items, 0), "key"));
    json_decref(items);
    assert_int_equal(ts_thing_channels(s, owner, th, TS_CONNECTED, &p, &items, &total), 0);
    assert_int_equal(total, 1);
    expect_ids(items, (const char *[]){ch[1]}, 1);
    assert_true(json_is_true(json_object_get(json_array_get(items, 0), "connected")));
    json_decref(items);
    assert_int_equal(ts_thing_channels(s, "someone-else", th, TS_ALL, &p, &items, &total),
                     LB_ENOTFOUND);
    assert_int_equal(ts_thing_channels(s, owner, "no-such-thing", TS_ALL, &p, &items, &total),
                     LB_ENOTFOUND);
}

static void invalid_arguments_are_einval(void **state)
{
    ts_store *s = S(state);
    char owner[64], id[64], longid[TS_ID_MAX + 8];
    json_t *items = NULL, *arr = js("[1]");
    FRESH(owner, "o");
    thing(s, owner, FRESH(id, "t"), "t", NULL);
    static const ts_page bad[] = {{.limit = 0}, {.limit = 101}, {.limit = 10, .offset = -1}};
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(ts_thing_list(s, owner, &bad[i], &items, NULL), LB_EINVAL);
    ts_page arrmeta = {.limit = 10, .metadata = arr};
    assert_int_equal(ts_thing_list(s, owner, &arrmeta, &items, NULL), LB_EINVAL);
    assert_int_equal(ts_thing_list(s, owner, NULL, &items, NULL), LB_EINVAL);
    assert_int_equal(ts_thing_update(s, owner, id, "x", arr), LB_EINVAL); /* not an object */
    memset(longid, 'x', sizeof longid - 1);
    longid[sizeof longid - 1] = 0;
    ts_thing t = {longid, owner, "n", "some-key", NULL};
    assert_int_equal(ts_things_create(s, &t, 1), LB_EINVAL);
    t = (ts_thing){"ok-id", owner, "n", NULL, NULL};
    assert_int_equal(ts_things_create(s, &t, 1), LB_EINVAL); /* no key */
    t = (ts_thing){"ok-id", owner, "bad \xff utf-8", "some-key", NULL};
    assert_int_equal(ts_things_create(s, &t, 1), LB_EINVAL);
    assert_int_equal(ts_thing_get(s, owner, NULL, &items), LB_EINVAL);
    assert_int_equal(ts_channel_things(s, owner, NULL, TS_ALL, &arrmeta, &items, NULL), LB_EINVAL);
    assert_int_equal(ts_is_connected(s, "", id), LB_EINVAL);
    json_decref(arr);
}

/* ---- migrations, threads, restarts ---- */

static void migrations_applied_once_per_version(void **state)
{
    char err[256];
    ts_store *again = ts_store_open(url, err, sizeof err);
    if (!again)
        fail_msg("second open: %s", err);
    json_t *versions = NULL;
    assert_int_equal(ts_store_migrations(again, &versions), 0);
    size_t n = ts_store_migration_count(again);
    assert_true(n >= 2);
    assert_int_equal(json_array_size(versions), n); /* each version once */
    for (size_t i = 0; i < n; i++)
        assert_int_equal(json_integer_value(json_array_get(versions, i)), (json_int_t)i + 1);
    json_decref(versions);
    ts_store_close(again);
}

typedef struct worker {
    ts_store *s;
    char owner[64];
    int errors;
} worker;

#define WORK_N 150

static void *work(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < WORK_N; i++) {
        char id[80], key[96], out[TS_ID_MAX];
        snprintf(id, sizeof id, "%s-%d", w->owner, i);
        snprintf(key, sizeof key, "key-%s", id);
        ts_thing t = {id, w->owner, "w", key, NULL};
        json_t *o = NULL, *items = NULL;
        long total = -1;
        ts_page p = {.limit = 5, .name = "w"};
        w->errors += ts_things_create(w->s, &t, 1) != 0;
        w->errors += ts_thing_get(w->s, w->owner, id, &o) != 0;
        w->errors += ts_thing_by_key(w->s, key, out) != 0 || strcmp(out, id) != 0;
        w->errors += ts_thing_list(w->s, w->owner, &p, &items, &total) != 0 || total != i + 1;
        json_decref(o);
        json_decref(items);
    }
    return NULL;
}

static void concurrent_creates_and_reads_from_four_threads(void **state)
{
    worker w[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (worker){.s = S(state)};
        FRESH(w[i].owner, "par");
        assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(w[i].errors, 0);
        ts_page p = {.limit = 1};
        json_decref(list_things(S(state), w[i].owner, &p, WORK_N));
    }
}

static void store_survives_database_restart(void **state)
{
    if (!use_pg)
        skip(); /* a file has no server to lose */
    ts_store *s = S(state);
    char owner[64], id[64];
    FRESH(owner, "o");
    thing(s, owner, FRESH(id, "t"), "before", NULL);
    assert_int_equal(lbt_pg_restart(&pg), 0);
    for (int i = 0; i < 8; i++) { /* more than the pool: every connection was broken */
        json_t *o = NULL;
        assert_int_equal(ts_thing_get(s, owner, id, &o), 0);
        json_decref(o);
    }
    char other[64];
    thing(s, owner, FRESH(other, "t"), "after", NULL);
}

/* ---- setup ---- */

static int open_store(void **state)
{
    char err[256];
    *state = ts_store_open(url, err, sizeof err);
    if (!*state)
        fprintf(stderr, "open %s: %s\n", url, err);
    return *state ? 0 : -1;
}

static int close_store(void **state)
{
    ts_store_close(*state);
    return 0;
}

static int group_setup(void **state)
{
    if (use_pg) {
        if (lbt_pg_start(&pg) != 0)
            return -1;
        snprintf(url, sizeof url, "%s", pg.url);
        return 0;
    }
    snprintf(tmpdir, sizeof tmpdir, "/tmp/lbt-store-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(url, sizeof url, "sqlite:%s/things.db", tmpdir);
    return 0;
}

static int group_teardown(void **state)
{
    if (use_pg) {
        lbt_pg_stop(&pg);
        return 0;
    }
    static const char *const files[] = {"things.db", "things.db-wal", "things.db-shm"};
    for (size_t i = 0; i < 3; i++) {
        char path[300];
        snprintf(path, sizeof path, "%s/%s", tmpdir, files[i]);
        unlink(path);
    }
    rmdir(tmpdir);
    return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, open_store, close_store)

int main(int argc, char **argv)
{
    lb_log_set_level(LB_LOG_WARN);
    use_pg = argc > 1 && strcmp(argv[1], "postgres") == 0;
    if (argc > 1 && !use_pg && strcmp(argv[1], "sqlite") != 0) {
        fprintf(stderr, "usage: %s [sqlite|postgres]\n", argv[0]);
        return 2;
    }
    const struct CMUnitTest tests[] = {
        T(user_create_then_get_by_id_and_email),
        T(user_duplicate_email_in_other_case_is_eexist),
        T(user_password_change_replaces_hash),
        T(user_count_counts_created_users),
        T(thing_create_then_get_has_api_shape),
        T(things_bulk_create_creates_all),
        T(things_bulk_create_with_duplicate_key_creates_none),
        T(thing_duplicate_id_is_eexist),
        T(thing_of_other_owner_is_enotfound),
        T(thing_list_pages_by_offset_and_limit),
        T(thing_list_name_filter_is_case_insensitive_substring),
        T(thing_list_metadata_filter_is_jsonb_containment),
        cmocka_unit_test(json_contains_matches_jsonb_rules),
        T(thing_list_orders_by_name_or_creation),
        T(thing_list_without_owner_lists_every_owner),
        T(thing_update_replaces_name_and_metadata),
        T(thing_set_key_moves_lookup_and_rejects_taken_key),
        T(thing_owner_names_the_owner),
        T(thing_delete_removes_it_and_its_connections),
        T(channel_create_get_update_delete),
        T(channels_bulk_create_with_duplicate_id_creates_none),
        T(channel_of_other_owner_is_enotfound),
        T(channel_list_filters_orders_and_pages),
        T(channel_delete_removes_its_connections),
        T(connect_bulk_connects_every_pair),
        T(connect_is_all_or_nothing),
        T(disconnect_removes_pair_and_missing_is_enotfound),
        T(channel_things_filters_by_connection),
        T(thing_channels_filters_by_connection),
        T(invalid_arguments_are_einval),
        T(migrations_applied_once_per_version),
        T(concurrent_creates_and_reads_from_four_threads),
        T(store_survives_database_restart),
    };
    return cmocka_run_group_tests_name(use_pg ? "store_postgres" : "store_sqlite", tests,
                                       group_setup, group_teardown);
}
