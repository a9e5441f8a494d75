/* The things store's facade (see store.h): picks the backend from the URL, checks every
 * argument against the limits, applies the schema migrations, and runs each operation as
 * statements of the backend's dialect through its ops table (store_internal.h): which
 * statements, in which transaction, and how rows become JSON. Things and channels share one
 * implementation, driven by an entity table. Also here: the pool both backends use. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lyrebird/error.h"
#include "lyrebird/log.h"

/* ---- pool ---- */

int ts_pool_init(ts_pool *p, void *const *items, size_t n)
{
    p->free = malloc(n * sizeof *p->free);
    if (!p->free)
        return LB_ENOMEM;
    memcpy(p->free, items, n * sizeof *p->free);
    p->head = 0;
    p->nfree = p->n = n;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    return 0;
}

void *ts_pool_get(ts_pool *p)
{
    pthread_mutex_lock(&p->mu);
    while (p->nfree == 0)
        pthread_cond_wait(&p->cv, &p->mu);
    void *item = p->free[p->head];
    p->head = (p->head + 1) % p->n;
    p->nfree--;
    pthread_mutex_unlock(&p->mu);
    return item;
}

void ts_pool_put(ts_pool *p, void *item)
{
    pthread_mutex_lock(&p->mu);
    p->free[(p->head + p->nfree++) % p->n] = item;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

void ts_pool_destroy(ts_pool *p)
{
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p->free);
    p->free = NULL;
}

/* ---- argument checks ---- */

/* An id, key, owner, email or hash: present, not empty, shorter than max. */
int ts_bad_str(const char *v, size_t max)
{
    return !v || !*v || strnlen(v, max) >= max;
}

/* Text that comes back in JSON must be valid UTF-8. */
static int bad_utf8(const char *v)
{
    json_t *j = json_string(v);
    json_decref(j);
    return j == NULL;
}

static int check_name(const char *name)
{
    if (!name)
        return 0;
    if (strnlen(name, TS_NAME_MAX) >= TS_NAME_MAX)
        return LB_ETOOBIG;
    return bad_utf8(name) ? LB_EINVAL : 0;
}

/* Serialises metadata (NULL: {}) into *out, freed by the caller. */
int ts_meta_text(const json_t *meta, char **out)
{
    *out = NULL;
    if (meta && !json_is_object(meta))
        return LB_EINVAL;
    *out = meta ? json_dumps(meta, JSON_COMPACT) : strdup("{}");
    if (!*out)
        return LB_ENOMEM;
    if (strlen(*out) >= TS_META_MAX) {
        free(*out);
        *out = NULL;
        return LB_ETOOBIG;
    }
    return 0;
}

int ts_check_page(const ts_page *p)
{
    if (!p || p->offset < 0 || p->limit < 1 || p->limit > 100)
        return LB_EINVAL;
    if (p->metadata && !json_is_object(p->metadata))
        return LB_EINVAL;
    if (p->name && strnlen(p->name, TS_NAME_MAX) >= TS_NAME_MAX)
        return LB_ETOOBIG;
    return 0;
}

/* ---- running statements ---- */

int ts_run(ts_store *s, ts_conn *c, int q, const ts_arg *a, int na, ts_row_fn fn, void *arg,
           long *changes)
{
    return s->ops->run(c, q, s->ops->sql[q], a, na, fn, arg, changes);
}

/* One statement on a connection of its own. */
static int run1(ts_store *s, int write, int q, const ts_arg *a, int na, ts_row_fn fn, void *arg,
                long *changes)
{
    ts_conn *c = s->ops->acquire(s->b, write);
    if (!c)
        return LB_EIO;
    int rc = ts_run(s, c, q, a, na, fn, arg, changes);
    s->ops->release(s->b, c);
    return rc;
}

/* Commits when rc is 0, else rolls back; returns rc or the commit's failure. */
int ts_tx_end(ts_store *s, ts_conn *c, int rc)
{
    if (rc == 0)
        rc = ts_run(s, c, TS_Q_COMMIT, NULL, 0, NULL, NULL, NULL);
    if (rc != 0)
        ts_run(s, c, TS_Q_ROLLBACK, NULL, 0, NULL, NULL, NULL);
    return rc;
}

/* A one-column row into a buffer of cap bytes (TS_ID_MAX for ids). */
int ts_text_row(void *arg, const char *const *col, int ncol)
{
    text_out *o = arg;
    o->found = 1;
    if (o->buf)
        snprintf(o->buf, o->cap, "%s", col[0] ? col[0] : "");
    return 0;
}

static int is_true(const char *v)
{
    return v && (v[0] == 't' || v[0] == '1');
}

/* ---- open, close, migrations ---- */

static int migrate_step(ts_store *s, ts_conn *c, const ts_migration *m)
{
    ts_arg v[] = {INT(m->version)};
    text_out has = {0};
    int rc = ts_run(s, c, TS_Q_BEGIN, NULL, 0, NULL, NULL, NULL);
    if (rc)
        return rc;
    rc = ts_run(s, c, TS_Q_MIG_HAS, v, 1, ts_text_row, &has, NULL);
    if (rc == 0 && !has.found) {
        rc = s->ops->script(c, m->sql);
        if (rc == 0)
            rc = ts_run(s, c, TS_Q_MIG_ADD, v, 1, NULL, NULL, NULL);
        if (rc == 0)
            lb_log(LB_LOG_INFO, TS_LOG, "schema migration applied", "backend=%s version=%d",
                   s->ops->name, m->version);
    }
    return ts_tx_end(s, c, rc);
}

static int migrate(ts_store *s)
{
    ts_conn *c = s->ops->acquire(s->b, 1);
    if (!c)
        return LB_EIO;
    int locked = 0, rc = 0;
    if (s->ops->migrate_lock) {
        rc = s->ops->migrate_lock(c, 1);
        locked = rc == 0;
    }
    if (rc == 0)
        rc = s->ops->script(c, s->ops->sql[TS_Q_MIG_TABLE]);
    for (size_t i = 0; rc == 0 && i < s->ops->nmigrations; i++)
        rc = migrate_step(s, c, &s->ops->migrations[i]);
    if (locked)
        s->ops->migrate_lock(c, 0);
    s->ops->release(s->b, c);
    return rc;
}

/* URL prefixes, and whether the backend is given the URL or what follows the prefix. */
static const struct {
    const char *prefix;
    const ts_ops *ops;
    int strip;
} BACKENDS[] = {
    {"postgres://", &ts_pg_ops, 0},
    {"postgresql://", &ts_pg_ops, 0},
    {"sqlite://", &ts_sqlite_ops, 1},
    {"sqlite:", &ts_sqlite_ops, 1},
};

static const ts_ops *pick_backend(const char *url, const char **target)
{
    *target = url;
    for (size_t i = 0; i < sizeof BACKENDS / sizeof *BACKENDS; i++) {
        size_t n = strlen(BACKENDS[i].prefix);
        if (strncmp(url, BACKENDS[i].prefix, n) == 0) {
            *target = BACKENDS[i].strip ? url + n : url;
            return BACKENDS[i].ops;
        }
    }
    return &ts_sqlite_ops; /* a plain path */
}

ts_store *ts_store_open(const char *url, char *err, size_t errlen)
{
    const char *target;
    if (!url || !*url) {
        snprintf(err, errlen, "no database URL or path was given");
        return NULL;
    }
    ts_store *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->ops = pick_backend(url, &target);
    if (!*target) {
        snprintf(err, errlen, "the SQLite URL %s names no file", url);
        goto fail;
    }
    s->b = s->ops->open(target, err, errlen);
    if (!s->b)
        goto fail;
    int rc = migrate(s);
    if (rc) {
        snprintf(err, errlen, "applying the %s schema migrations failed: %s", s->ops->name,
                 lb_strerror(rc));
        goto fail;
    }
    return s;
fail:
    ts_store_close(s);
    return NULL;
}

void ts_store_close(ts_store *s)
{
    if (!s)
        return;
    if (s->b)
        s->ops->close(s->b);
    free(s);
}

/* For tests: the versions in schema_migrations, in order. */
static int version_row(void *arg, const char *const *col, int ncol)
{
    json_t *a = arg;
    return json_array_append_new(a, json_integer(col[0] ? atoll(col[0]) : -1)) ? LB_ENOMEM : 0;
}

int ts_store_migrations(ts_store *s, json_t **versions)
{
    *versions = json_array();
    if (!*versions)
        return LB_ENOMEM;
    int rc = run1(s, 0, TS_Q_MIG_LIST, NULL, 0, version_row, *versions, NULL);
    if (rc) {
        json_decref(*versions);
        *versions = NULL;
    }
    return rc;
}

size_t ts_store_migration_count(ts_store *s)
{
    return s->ops->nmigrations;
}

/* ---- users ---- */

static int user_row(void *arg, const char *const *col, int ncol)
{
    ts_user *u = arg;
    snprintf(u->id, sizeof u->id, "%s", col[0] ? col[0] : "");
    snprintf(u->email, sizeof u->email, "%s", col[1] ? col[1] : "");
    snprintf(u->hash, sizeof u->hash, "%s", col[2] ? col[2] : "");
    u->admin = is_true(col[3]);
    return 1; /* found: stop */
}

int ts_user_create(ts_store *s, const ts_user *u)
{
    if (!s || !u || ts_bad_str(u->id, TS_ID_MAX) || ts_bad_str(u->email, TS_EMAIL_MAX) ||
        ts_bad_str(u->hash, TS_HASH_MAX))
        return LB_EINVAL;
    ts_arg a[] = {TXT(u->id), TXT(u->email), TXT(u->hash), TXT(u->admin ? "1" : "0")};
    return run1(s, 1, TS_Q_USER_INSERT, a, 4, NULL, NULL, NULL);
}

static int user_get(ts_store *s, int q, const char *v, size_t max, ts_user *out)
{
    if (!s || !out || ts_bad_str(v, max))
        return LB_EINVAL;
    ts_arg a[] = {TXT(v)};
    int rc = run1(s, 0, q, a, 1, user_row, out, NULL);
    return rc == 1 ? 0 : rc == 0 ? LB_ENOTFOUND : rc;
}

int ts_user_by_email(ts_store *s, const char *email, ts_user *out)
{
    return user_get(s, TS_Q_USER_BY_EMAIL, email, TS_EMAIL_MAX, out);
}

int ts_user_by_id(ts_store *s, const char *id, ts_user *out)
{
    return user_get(s, TS_Q_USER_BY_ID, id, TS_ID_MAX, out);
}

/* Runs a write that must change one row: none changed is LB_ENOTFOUND. */
static int change1(ts_store *s, int q, const ts_arg *a, int na)
{
    long changes = 0;
    int rc = run1(s, 1, q, a, na, NULL, NULL, &changes);
    return rc ? rc : changes > 0 ? 0 : LB_ENOTFOUND;
}

int ts_user_set_password(ts_store *s, const char *id, const char *hash)
{
    if (!s || ts_bad_str(id, TS_ID_MAX) || ts_bad_str(hash, TS_HASH_MAX))
        return LB_EINVAL;
    ts_arg a[] = {TXT(id), TXT(hash)};
    return change1(s, TS_Q_USER_SET_HASH, a, 2);
}

long ts_user_count(ts_store *s)
{
    char n[32] = "";
    text_out o = {n, sizeof n, 0};
    if (!s)
        return LB_EINVAL;
    int rc = run1(s, 0, TS_Q_USER_COUNT, NULL, 0, ts_text_row, &o, NULL);
    return rc ? rc : atol(n);
}

/* ---- things and channels ---- */

/* What differs between things and channels: a key, and their statements. */
typedef struct entity {
    int has_key;
    int q_insert, q_get, q_update, q_delete;
} entity;

static const entity THING = {1, TS_Q_THING_INSERT, TS_Q_THING_GET, TS_Q_THING_UPDATE,
                             TS_Q_THING_DELETE};
static const entity CHANNEL = {0, TS_Q_CHANNEL_INSERT, TS_Q_CHANNEL_GET, TS_Q_CHANNEL_UPDATE,
                               TS_Q_CHANNEL_DELETE};

/* A row to insert: a thing, or a channel with key NULL. */
typedef struct row_in {
    const char *id, *owner, *name, *key;
    const json_t *metadata;
} row_in;

typedef void (*row_at_fn)(const void *rows, size_t i, row_in *r);

static void thing_at(const void *rows, size_t i, row_in *r)
{
    const ts_thing *t = (const ts_thing *)rows + i;
    *r = (row_in){t->id, t->owner, t->name, t->key, t->metadata};
}

static void channel_at(const void *rows, size_t i, row_in *r)
{
    const ts_channel *c = (const ts_channel *)rows + i;
    *r = (row_in){c->id, c->owner, c->name, NULL, c->metadata};
}

static int check_row(const entity *e, const row_in *r)
{
    if (ts_bad_str(r->id, TS_ID_MAX) || ts_bad_str(r->owner, TS_ID_MAX) || bad_utf8(r->id))
        return LB_EINVAL;
    if (e->has_key && (ts_bad_str(r->key, TS_KEY_MAX) || bad_utf8(r->key)))
        return LB_EINVAL;
    return check_name(r->name);
}

static int insert_row(ts_store *s, ts_conn *c, const entity *e, const row_in *r)
{
    char *meta;
    int rc = ts_meta_text(r->metadata, &meta);
    if (rc)
        return rc;
    ts_arg a[] = {TXT(r->id), TXT(r->owner), TXT(r->name ? r->name : ""), TXT(r->key), TXT(meta)};
    rc = ts_run(s, c, e->q_insert, a, 5, NULL, NULL, NULL);
    free(meta);
    return rc;
}

/* All n rows or none: checked first, then inserted in one transaction. */
static int create_rows(ts_store *s, const entity *e, const void *rows, size_t n, row_at_fn at)
{
    row_in r;
    if (!s || (!rows && n))
        return LB_EINVAL;
    for (size_t i = 0; i < n; i++) {
        at(rows, i, &r);
        int rc = check_row(e, &r);
        if (rc)
            return rc;
    }
    if (n == 0)
        return 0;
    ts_conn *c = s->ops->acquire(s->b, 1);
    if (!c)
        return LB_EIO;
    int rc = n > 1 ? ts_run(s, c, TS_Q_BEGIN, NULL, 0, NULL, NULL, NULL) : 0;
    int began = n > 1 && rc == 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        at(rows, i, &r);
        rc = insert_row(s, c, e, &r);
    }
    if (began)
        rc = ts_tx_end(s, c, rc);
    s->ops->release(s->b, c);
    return rc;
}

int ts_things_create(ts_store *s, const ts_thing *things, size_t n)
{
    return create_rows(s, &THING, things, n, thing_at);
}

int ts_channels_create(ts_store *s, const ts_channel *channels, size_t n)
{
    return create_rows(s, &CHANNEL, channels, n, channel_at);
}

/* Columns id, name, key (NULL for channels), metadata[, connected] into a new object. */
json_t *ts_item_new(const char *const *col, int with_connected)
{
    json_t *meta = json_loads(col[3] ? col[3] : "{}", 0, NULL);
    json_t *o = json_object();
    if (!meta || !json_is_object(meta) || !o)
        goto fail;
    if (json_object_set_new(o, "id", json_string(col[0] ? col[0] : "")) ||
        json_object_set_new(o, "name", json_string(col[1] ? col[1] : "")) ||
        (col[2] && json_object_set_new(o, "key", json_string(col[2]))) ||
        json_object_set(o, "metadata", meta) ||
        (with_connected && json_object_set_new(o, "connected", json_boolean(is_true(col[4])))))
        goto fail;
    json_decref(meta);
    return o;
fail:
    json_decref(meta);
    json_decref(o);
    return NULL;
}

static int get_row(void *arg, const char *const *col, int ncol)
{
    json_t **out = arg;
    *out = ts_item_new(col, 0);
    return *out ? 1 : LB_EIO;
}

static int get_item(ts_store *s, const entity *e, const char *owner, const char *id, json_t **out)
{
    if (out)
        *out = NULL;
    if (!s || !out || ts_bad_str(id, TS_ID_MAX) || (owner && ts_bad_str(owner, TS_ID_MAX)))
        return LB_EINVAL;
    ts_arg a[] = {TXT(id), TXT(owner)};
    int rc = run1(s, 0, e->q_get, a, 2, get_row, out, NULL);
    return rc == 1 ? 0 : rc == 0 ? LB_ENOTFOUND : rc;
}

int ts_thing_get(ts_store *s, const char *owner, const char *id, json_t **out)
{
    return get_item(s, &THING, owner, id, out);
}

int ts_channel_get(ts_store *s, const char *owner, const char *id, json_t **out)
{
    return get_item(s, &CHANNEL, owner, id, out);
}

static int update_item(ts_store *s, const entity *e, const char *owner, const char *id,
                       const char *name, const json_t *metadata)
{
    char *meta = NULL;
    if (!s || ts_bad_str(id, TS_ID_MAX) || (owner && ts_bad_str(owner, TS_ID_MAX)))
        return LB_EINVAL;
    int rc = check_name(name);
    if (rc == 0)
        rc = ts_meta_text(metadata, &meta);
    if (rc)
        return rc;
    ts_arg a[] = {TXT(id), TXT(owner), TXT(name ? name : ""), TXT(meta)};
    rc = change1(s, e->q_update, a, 4);
    free(meta);
    return rc;
}

int ts_thing_update(ts_store *s, const char *owner, const char *id, const char *name,
                    const json_t *metadata)
{
    return update_item(s, &THING, owner, id, name, metadata);
}

int ts_channel_update(ts_store *s, const char *owner, const char *id, const char *name,
                      const json_t *metadata)
{
    return update_item(s, &CHANNEL, owner, id, name, metadata);
}

static int delete_item(ts_store *s, const entity *e, const char *owner, const char *id)
{
    if (!s || ts_bad_str(id, TS_ID_MAX) || (owner && ts_bad_str(owner, TS_ID_MAX)))
        return LB_EINVAL;
    ts_arg a[] = {TXT(id), TXT(owner)};
    return change1(s, e->q_delete, a, 2);
}

int ts_thing_delete(ts_store *s, const char *owner, const char *id)
{
    return delete_item(s, &THING, owner, id);
}

int ts_channel_delete(ts_store *s, const char *owner, const char *id)
{
    return delete_item(s, &CHANNEL, owner, id);
}

int ts_thing_set_key(ts_store *s, const char *owner, const char *id, const char *key)
{
    if (!s || ts_bad_str(id, TS_ID_MAX) || (owner && ts_bad_str(owner, TS_ID_MAX)) ||
        ts_bad_str(key, TS_KEY_MAX) || bad_utf8(key))
        return LB_EINVAL;
    ts_arg a[] = {TXT(id), TXT(owner), TXT(key)};
    return change1(s, TS_Q_THING_SET_KEY, a, 3);
}

/* The one-column result of q for v into out (TS_ID_MAX bytes). */
static int lookup(ts_store *s, int q, const char *v, size_t max, char *out)
{
    if (!s || !out || ts_bad_str(v, max))
        return LB_EINVAL;
    ts_arg a[] = {TXT(v)};
    text_out o = {out, TS_ID_MAX, 0};
    int rc = run1(s, 0, q, a, 1, ts_text_row, &o, NULL);
    return rc ? rc : o.found ? 0 : LB_ENOTFOUND;
}

int ts_thing_by_key(ts_store *s, const char *key, char *id_out)
{
    return lookup(s, TS_Q_THING_BY_KEY, key, TS_KEY_MAX, id_out);
}

int ts_thing_owner(ts_store *s, const char *id, char *owner_out)
{
    return lookup(s, TS_Q_THING_OWNER, id, TS_ID_MAX, owner_out);
}

/* ---- connections ---- */

/* The owner of channel or thing id (q_owner) into out; LB_ENOTFOUND when it is missing or
 * owner is set and differs. */
int ts_owned(ts_store *s, ts_conn *c, int q_owner, const char *owner, const char *id, char *out)
{
    if (ts_bad_str(id, TS_ID_MAX))
        return LB_EINVAL;
    ts_arg a[] = {TXT(id)};
    text_out o = {out, TS_ID_MAX, 0};
    int rc = ts_run(s, c, q_owner, a, 1, ts_text_row, &o, NULL);
    if (rc)
        return rc;
    return o.found && (!owner || strcmp(owner, out) == 0) ? 0 : LB_ENOTFOUND;
}

/* Checks every id under the connect transaction: all must be the owner's (an admin's
 * connect acts as the first channel's owner), then inserts the pairs. */
static int connect_tx(ts_store *s, ts_conn *c, const char *owner, const char *const *chs,
                      size_t nch, const char *const *ths, size_t nth)
{
    char eff[TS_ID_MAX], got[TS_ID_MAX];
    int rc = ts_owned(s, c, TS_Q_CHANNEL_OWNER, owner, chs[0], eff);
    for (size_t i = 1; rc == 0 && i < nch; i++)
        rc = ts_owned(s, c, TS_Q_CHANNEL_OWNER, eff, chs[i], got);
    for (size_t i = 0; rc == 0 && i < nth; i++)
        rc = ts_owned(s, c, TS_Q_THING_OWNER, eff, ths[i], got);
    for (size_t i = 0; rc == 0 && i < nch; i++) {
        for (size_t j = 0; rc == 0 && j < nth; j++) {
            ts_arg a[] = {TXT(chs[i]), TXT(ths[j]), TXT(eff)};
            rc = ts_run(s, c, TS_Q_CONN_INSERT, a, 3, NULL, NULL, NULL);
        }
    }
    return rc;
}

int ts_connect(ts_store *s, const char *owner, const char *const *channels, size_t nchannels,
               const char *const *things, size_t nthings)
{
    if (!s || !channels || !things || !nchannels || !nthings ||
        (owner && ts_bad_str(owner, TS_ID_MAX)))
        return LB_EINVAL;
    ts_conn *c = s->ops->acquire(s->b, 1);
    if (!c)
        return LB_EIO;
    int rc = ts_run(s, c, TS_Q_BEGIN, NULL, 0, NULL, NULL, NULL);
    if (rc == 0)
        rc = ts_tx_end(s, c, connect_tx(s, c, owner, channels, nchannels, things, nthings));
    s->ops->release(s->b, c);
    return rc;
}

int ts_disconnect(ts_store *s, const char *owner, const char *channel, const char *thing)
{
    if (!s || ts_bad_str(channel, TS_ID_MAX) || ts_bad_str(thing, TS_ID_MAX) ||
        (owner && ts_bad_str(owner, TS_ID_MAX)))
        return LB_EINVAL;
    /* a pair's owner is its channel's and its thing's */
    ts_arg a[] = {TXT(channel), TXT(thing), TXT(owner)};
    return change1(s, TS_Q_CONN_DELETE, a, 3);
}

int ts_is_connected(ts_store *s, const char *channel, const char *thing)
{
    if (!s || ts_bad_str(channel, TS_ID_MAX) || ts_bad_str(thing, TS_ID_MAX))
        return LB_EINVAL;
    ts_arg a[] = {TXT(channel), TXT(thing)};
    text_out o = {0};
    int rc = run1(s, 0, TS_Q_CONN_EXISTS, a, 2, ts_text_row, &o, NULL);
    return rc ? rc : o.found;
}

static int id_row(void *arg, const char *const *col, int ncol)
{
    return json_array_append_new(arg, json_string(col[0] ? col[0] : "")) ? LB_ENOMEM : 0;
}

int ts_channel_thing_ids(ts_store *s, const char *channel, json_t **ids)
{
    if (ids)
        *ids = NULL;
    if (!s || !ids || ts_bad_str(channel, TS_ID_MAX))
        return LB_EINVAL;
    if (!(*ids = json_array()))
        return LB_ENOMEM;
    ts_arg a[] = {TXT(channel)};
    int rc = run1(s, 0, TS_Q_CONN_THING_IDS, a, 1, id_row, *ids, NULL);
    if (rc) {
        json_decref(*ids);
        *ids = NULL;
    }
    return rc;
}
