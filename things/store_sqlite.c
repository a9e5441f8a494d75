/* The things store's SQLite backend: one WAL file, synchronous=NORMAL, foreign keys on.
 *
 * Threads: one writer connection behind a mutex (SQLite admits one writer at a time, so a
 * single writer never meets SQLITE_BUSY from its own process; busy_timeout covers other
 * processes and checkpoints) and a pool of reader connections, so a slow list never holds
 * up an authorization lookup or a create: WAL readers see the last commit and never block
 * the writer. An in-memory database has no readers (each connection would be a separate
 * database); everything then goes through the writer.
 *
 * Each connection keeps its prepared statements by cache slot. Metadata is stored as JSON
 * text and filtered by lb_json_contains(): ts_json_contains, PostgreSQL's jsonb @> written
 * in C over jansson, registered as an SQL function; names by lb_icontains(). */
#include "store_internal.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lyrebird/error.h"
#include "lyrebird/log.h"

#define SL_READERS      4
#define SL_BUSY_MS      5000
#define SL_CKPT_PAGES   1000 /* SQLite's own autocheckpoint threshold */
#define SL_NOW          "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
#define SL_OWNER_OR_ANY "($2 IS NULL OR owner = $2)"

struct ts_conn {
    sqlite3 *db;
    sqlite3_stmt *st[TS_SLOTS];
};

/* The checkpointer: a thread with its own connection that copies the WAL back into the
 * database when the writer's commits have grown it past SL_CKPT_PAGES, so that no create
 * waits for a checkpoint and its fsync. */
typedef struct sl_ckpt {
    ts_conn *conn;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int inited, started, pending, stop;
} sl_ckpt;

typedef struct sl_store {
    ts_conn *writer;
    pthread_mutex_t wmu;
    ts_conn *readers[SL_READERS];
    size_t nreaders;
    ts_pool pool; /* of the readers */
    int pooled;
    sl_ckpt ckpt;
} sl_store;

static const char *const SQL[TS_Q_COUNT] = {
    [TS_Q_BEGIN] = "BEGIN IMMEDIATE",
    [TS_Q_BEGIN_READ] = "BEGIN",
    [TS_Q_COMMIT] = "COMMIT",
    [TS_Q_ROLLBACK] = "ROLLBACK",
    [TS_Q_MIG_TABLE] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                       " version INTEGER PRIMARY KEY, applied TEXT NOT NULL DEFAULT " SL_NOW ")",
    [TS_Q_MIG_HAS] = "SELECT 1 FROM schema_migrations WHERE version = $1",
    [TS_Q_MIG_ADD] = "INSERT INTO schema_migrations (version) VALUES ($1)",
    [TS_Q_MIG_LIST] = "SELECT version FROM schema_migrations ORDER BY version",
    [TS_Q_USER_INSERT] = "INSERT INTO users (id, email, hash, admin) VALUES ($1, $2, $3, $4)",
    [TS_Q_USER_BY_EMAIL] = "SELECT id, email, hash, admin FROM users"
                           " WHERE lower(email) = lower($1)",
    [TS_Q_USER_BY_ID] = "SELECT id, email, hash, admin FROM users WHERE id = $1",
    [TS_Q_USER_SET_HASH] = "UPDATE users SET hash = $2 WHERE id = $1",
    [TS_Q_USER_COUNT] = "SELECT count(*) FROM users",
    [TS_Q_THING_INSERT] = "INSERT INTO things (id, owner, name, key, metadata)"
                          " VALUES ($1, $2, $3, $4, $5)",
    [TS_Q_THING_GET] = "SELECT id, name, key, metadata FROM things"
                       " WHERE id = $1 AND " SL_OWNER_OR_ANY,
    [TS_Q_THING_UPDATE] = "UPDATE things SET name = $3, metadata = $4"
                          " WHERE id = $1 AND " SL_OWNER_OR_ANY,
    [TS_Q_THING_DELETE] = "DELETE FROM things WHERE id = $1 AND " SL_OWNER_OR_ANY,
    [TS_Q_THING_OWNER] = "SELECT owner FROM things WHERE id = $1",
    [TS_Q_THING_SET_KEY] = "UPDATE things SET key = $3 WHERE id = $1 AND " SL_OWNER_OR_ANY,
    [TS_Q_THING_BY_KEY] = "SELECT id FROM things WHERE key = $1",
    [TS_Q_CHANNEL_INSERT] = "INSERT INTO channels (id, owner, name, metadata)"
                            " VALUES ($1, $2, $3, $5)",
    [TS_Q_CHANNEL_GET] = "SELECT id, name, NULL, metadata FROM channels"
                         " WHERE id = $1 AND " SL_OWNER_OR_ANY,
    [TS_Q_CHANNEL_UPDATE] = "UPDATE channels SET name = $3, metadata = $4"
                            " WHERE id = $1 AND " SL_OWNER_OR_ANY,
    [TS_Q_CHANNEL_DELETE] = "DELETE FROM channels WHERE id = $1 AND " SL_OWNER_OR_ANY,
    [TS_Q_CHANNEL_OWNER] = "SELECT owner FROM channels WHERE id = $1",
    [TS_Q_CONN_INSERT] = "INSERT INTO connections (channel_id, thing_id, owner)"
                         " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    [TS_Q_CONN_DELETE] = "DELETE FROM connections WHERE channel_id = $1 AND thing_id = $2"
                         " AND ($3 IS NULL OR owner = $3)",
    [TS_Q_CONN_EXISTS] = "SELECT 1 FROM connections WHERE channel_id = $1 AND thing_id = $2",
    [TS_Q_CONN_THING_IDS] = "SELECT thing_id FROM connections WHERE channel_id = $1"
                            " ORDER BY thing_id",
};

static const ts_dialect DIALECT = {
    .name_match = "lb_icontains(t.name, $3)",
    .meta_match = "lb_json_contains(t.metadata, $4)",
    .meta_text = "t.metadata",
};

/* seq is the rowid: creation order that VACUUM keeps (it may renumber an implicit rowid),
 * and the tiebreak of every order; id is the key the API uses (UNIQUE, referenced by
 * connections). Every index ends with seq, so (owner, name) pages in name order. */
static const ts_migration MIGRATIONS[] = {
    {1, "CREATE TABLE users ("
        " id TEXT NOT NULL PRIMARY KEY,"
        " email TEXT NOT NULL,"
        " hash TEXT NOT NULL,"
        " admin INTEGER NOT NULL DEFAULT 0,"
        " created TEXT NOT NULL DEFAULT " SL_NOW ");"
        "CREATE UNIQUE INDEX users_email ON users (lower(email));"},
    {2, "CREATE TABLE things ("
        " seq INTEGER PRIMARY KEY,"
        " id TEXT NOT NULL UNIQUE,"
        " owner TEXT NOT NULL,"
        " name TEXT NOT NULL DEFAULT '',"
        " key TEXT NOT NULL UNIQUE,"
        " metadata TEXT NOT NULL DEFAULT '{}',"
        " created TEXT NOT NULL DEFAULT " SL_NOW ");"
        "CREATE INDEX things_owner ON things (owner, seq, name);"
        "CREATE INDEX things_owner_name ON things (owner, name, seq);"
        "CREATE TABLE channels ("
        " seq INTEGER PRIMARY KEY,"
        " id TEXT NOT NULL UNIQUE,"
        " owner TEXT NOT NULL,"
        " name TEXT NOT NULL DEFAULT '',"
        " metadata TEXT NOT NULL DEFAULT '{}',"
        " created TEXT NOT NULL DEFAULT " SL_NOW ");"
        "CREATE INDEX channels_owner ON channels (owner, seq, name);"
        "CREATE INDEX channels_owner_name ON channels (owner, name, seq);"
        "CREATE TABLE connections ("
        " channel_id TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,"
        " thing_id TEXT NOT NULL REFERENCES things (id) ON DELETE CASCADE,"
        " owner TEXT NOT NULL,"
        " PRIMARY KEY (channel_id, thing_id)) WITHOUT ROWID;"
        "CREATE INDEX connections_thing ON connections (thing_id, channel_id);"},
    /* Rows per owner, so that a list's total is read, not counted (owners never change). */
    {3, "CREATE TABLE owner_counts ("
        " owner TEXT NOT NULL,"
        " kind TEXT NOT NULL,"
        " n INTEGER NOT NULL,"
        " PRIMARY KEY (owner, kind)) WITHOUT ROWID;"
        "INSERT INTO owner_counts SELECT owner, 'things', count(*) FROM things GROUP BY owner;"
        "INSERT INTO owner_counts SELECT owner, 'channels', count(*) FROM channels"
        " GROUP BY owner;"
        "CREATE TRIGGER things_counted AFTER INSERT ON things BEGIN"
        " INSERT INTO owner_counts (owner, kind, n) VALUES (NEW.owner, 'things', 1)"
        " ON CONFLICT (owner, kind) DO UPDATE SET n = n + 1; END;"
        "CREATE TRIGGER things_uncounted AFTER DELETE ON things BEGIN"
        " UPDATE owner_counts SET n = n - 1 WHERE owner = OLD.owner AND kind = 'things'; END;"
        "CREATE TRIGGER channels_counted AFTER INSERT ON channels BEGIN"
        " INSERT INTO owner_counts (owner, kind, n) VALUES (NEW.owner, 'channels', 1)"
        " ON CONFLICT (owner, kind) DO UPDATE SET n = n + 1; END;"
        "CREATE TRIGGER channels_uncounted AFTER DELETE ON channels BEGIN"
        " UPDATE owner_counts SET n = n - 1 WHERE owner = OLD.owner AND kind = 'channels';"
        " END;"},
};

/* ---- jsonb @> in C (ts_json_contains) ---- */

static int is_container(const json_t *v)
{
    return json_is_object(v) || json_is_array(v);
}

static int scalar_equal(const json_t *a, const json_t *b)
{
    if (json_is_number(a) && json_is_number(b)) {
        if (json_is_integer(a) && json_is_integer(b))
            return json_integer_value(a) == json_integer_value(b);
        return json_number_value(a) == json_number_value(b);
    }
    if (json_typeof(a) != json_typeof(b))
        return 0;
    if (json_is_string(a))
        return json_string_length(a) == json_string_length(b) &&
               memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
    return 1; /* true, false, null */
}

static int contains(const json_t *a, const json_t *b);

static int array_matches(const json_t *a, const json_t *elem)
{
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x)
    {
        if (is_container(elem) ? is_container(x) && contains(x, elem)
                               : !is_container(x) && scalar_equal(x, elem))
            return 1;
    }
    return 0;
}

static int contains(const json_t *a, const json_t *b)
{
    if (json_is_object(b)) {
        const char *k;
        json_t *v;
        if (!json_is_object(a))
            return 0;
        json_object_foreach((json_t *)b, k, v)
        {
            json_t *av = json_object_get(a, k);
            if (!av || !contains(av, v))
                return 0;
        }
        return 1;
    }
    if (json_is_array(b)) {
        size_t i;
        json_t *v;
        if (!json_is_array(a))
            return 0;
        json_array_foreach(b, i, v)
        {
            if (!array_matches(a, v))
                return 0;
        }
        return 1;
    }
    return !is_container(a) && scalar_equal(a, b);
}

int ts_json_contains(const json_t *a, const json_t *b)
{
    if (!a || !b)
        return 0;
    if (json_is_array(a) && !is_container(b))
        return array_matches(a, b); /* the top-level exception: ["x"] @> "x" */
    return contains(a, b);
}

/* ---- lb_json_contains(haystack, needle) ---- */

static void json_free(void *p)
{
    json_decref(p);
}

/* The needle is parsed once per statement and kept as the argument's auxdata. */
static void sql_contains(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    json_t *needle = sqlite3_get_auxdata(ctx, 1);
    int own = 0;
    if (!needle) {
        const char *text = (const char *)sqlite3_value_text(argv[1]);
        needle = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
        if (!needle) {
            sqlite3_result_error(ctx, "lb_json_contains: the filter is not JSON", -1);
            return;
        }
        own = 1;
        sqlite3_set_auxdata(ctx, 1, json_incref(needle), json_free);
    }
    const char *hay = (const char *)sqlite3_value_text(argv[0]);
    json_t *h =
        hay ? json_loadb(hay, (size_t)sqlite3_value_bytes(argv[0]), JSON_DECODE_ANY, NULL) : NULL;
    sqlite3_result_int(ctx, h ? ts_json_contains(h, needle) : 0);
    json_decref(h);
    if (own)
        json_decref(needle);
}

/* lb_icontains(name, part): 1 when part occurs in name, ASCII letters folded as SQLite's
 * lower() folds them. The same answer as instr(lower(name), lower(part)) > 0 without two
 * string copies per row, which made name-filtered lists 3-4 times slower. */
static void sql_icontains(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *hay = (const char *)sqlite3_value_text(argv[0]);
    const char *part = (const char *)sqlite3_value_text(argv[1]);
    if (!hay || !part) {
        sqlite3_result_null(ctx);
        return;
    }
    int nh = sqlite3_value_bytes(argv[0]), np = sqlite3_value_bytes(argv[1]), found = np == 0;
    for (int i = 0; !found && i + np <= nh; i++)
        found = sqlite3_strnicmp(hay + i, part, np) == 0;
    sqlite3_result_int(ctx, found);
}

static const struct {
    const char *name;
    void (*fn)(sqlite3_context *, int, sqlite3_value **);
} FUNCTIONS[] = {{"lb_json_contains", sql_contains}, {"lb_icontains", sql_icontains}};

/* ---- connections ---- */

static void conn_free(ts_conn *c)
{
    if (!c)
        return;
    for (int i = 0; i < TS_SLOTS; i++)
        sqlite3_finalize(c->st[i]);
    sqlite3_close(c->db);
    free(c);
}

static int first_column(void *arg, int n, char **col, char **names)
{
    snprintf(arg, 16, "%s", n > 0 && col[0] ? col[0] : "");
    return 0;
}

static int exec_pragmas(ts_conn *c, int writer, char *err, size_t errlen)
{
    static const char *const common[] = {"PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON"};
    char *msg = NULL, mode[16] = "";
    int rc = SQLITE_OK;
    if (writer)
        rc = sqlite3_exec(c->db, "PRAGMA journal_mode = WAL", first_column, mode, &msg);
    else
        rc = sqlite3_exec(c->db, "PRAGMA query_only = ON", NULL, NULL, &msg);
    if (rc == SQLITE_OK && writer && strcmp(mode, "wal") != 0 && strcmp(mode, "memory") != 0)
        lb_log(LB_LOG_WARN, TS_LOG, "sqlite could not use WAL; writers will block readers",
               "journal_mode=%s", mode);
    for (size_t i = 0; rc == SQLITE_OK && i < sizeof common / sizeof *common; i++)
        rc = sqlite3_exec(c->db, common[i], NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        snprintf(err, errlen, "configuring the SQLite database failed: %s",
                 msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return rc == SQLITE_OK ? 0 : LB_EIO;
}

static ts_conn *conn_open(const char *path, int writer, char *err, size_t errlen)
{
    ts_conn *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
    int rc = sqlite3_open_v2(path, &c->db, flags, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "opening the SQLite database %s failed: %s", path,
                 c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_busy_timeout(c->db, SL_BUSY_MS);
    if (exec_pragmas(c, writer, err, errlen))
        goto fail;
    for (size_t i = 0; i < sizeof FUNCTIONS / sizeof *FUNCTIONS; i++) {
        rc = sqlite3_create_function(c->db, FUNCTIONS[i].name, 2,
                                     SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                     FUNCTIONS[i].fn, NULL, NULL);
        if (rc != SQLITE_OK) {
            snprintf(err, errlen, "registering %s failed: %s", FUNCTIONS[i].name,
                     sqlite3_errstr(rc));
            goto fail;
        }
    }
    return c;
fail:
    conn_free(c);
    return NULL;
}

static int is_memory(const char *path)
{
    return strcmp(path, ":memory:") == 0 || strstr(path, "mode=memory") != NULL;
}

/* Called by SQLite after each commit of the writer with the WAL's size in pages; replaces
 * the writer's autocheckpoint. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
    sl_ckpt *k = arg;
    if (pages >= SL_CKPT_PAGES) {
        pthread_mutex_lock(&k->mu);
        k->pending = 1;
        pthread_cond_signal(&k->cv);
        pthread_mutex_unlock(&k->mu);
    }
    return SQLITE_OK;
}

static void *checkpointer(void *arg)
{
    sl_ckpt *k = arg;
    pthread_mutex_lock(&k->mu);
    for (;;) {
        while (!k->pending && !k->stop)
            pthread_cond_wait(&k->cv, &k->mu);
        if (k->stop)
            break;
        k->pending = 0;
        pthread_mutex_unlock(&k->mu);
        /* PASSIVE: copies what no reader still needs, never blocks the writer */
        int rc =
            sqlite3_wal_checkpoint_v2(k->conn->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            lb_log(LB_LOG_WARN, TS_LOG, "sqlite checkpoint failed", "err=\"%s\"",
                   sqlite3_errmsg(k->conn->db));
        pthread_mutex_lock(&k->mu);
    }
    pthread_mutex_unlock(&k->mu);
    return NULL;
}

static int ckpt_start(sl_store *b, const char *path, char *err, size_t errlen)
{
    sl_ckpt *k = &b->ckpt;
    pthread_mutex_init(&k->mu, NULL);
    pthread_cond_init(&k->cv, NULL);
    k->inited = 1;
    if (!(k->conn = conn_open(path, 1, err, errlen)))
        return LB_EIO;
    if (pthread_create(&k->thread, NULL, checkpointer, k) != 0) {
        snprintf(err, errlen, "starting the SQLite checkpoint thread failed");
        return LB_EIO;
    }
    k->started = 1;
    sqlite3_wal_autocheckpoint(k->conn->db, 0);
    sqlite3_wal_hook(b->writer->db, wal_hook, k);
    return 0;
}

static void ckpt_stop(sl_ckpt *k)
{
    if (!k->inited)
        return;
    if (k->started) {
        pthread_mutex_lock(&k->mu);
        k->stop = 1;
        pthread_cond_signal(&k->cv);
        pthread_mutex_unlock(&k->mu);
        pthread_join(k->thread, NULL);
    }
    conn_free(k->conn);
    pthread_mutex_destroy(&k->mu);
    pthread_cond_destroy(&k->cv);
}

static void sl_close(void *backend)
{
    sl_store *b = backend;
    if (b->writer)
        sqlite3_wal_hook(b->writer->db, NULL, NULL);
    ckpt_stop(&b->ckpt);
    if (b->pooled)
        ts_pool_destroy(&b->pool);
    for (size_t i = 0; i < b->nreaders; i++)
        conn_free(b->readers[i]);
    conn_free(b->writer);
    pthread_mutex_destroy(&b->wmu);
    free(b);
}

static void *sl_open(const char *path, char *err, size_t errlen)
{
    sl_store *b = calloc(1, sizeof *b);
    if (!b) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&b->wmu, NULL);
    if (!(b->writer = conn_open(path, 1, err, errlen)))
        goto fail;
    size_t want = is_memory(path) ? 0 : SL_READERS;
    for (; b->nreaders < want; b->nreaders++) {
        if (!(b->readers[b->nreaders] = conn_open(path, 0, err, errlen)))
            goto fail;
    }
    if (b->nreaders && ts_pool_init(&b->pool, (void *const *)b->readers, b->nreaders)) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if (b->nreaders && ckpt_start(b, path, err, errlen))
        goto fail;
    b->pooled = b->nreaders > 0;
    lb_log(LB_LOG_INFO, TS_LOG, "store opened", "backend=sqlite path=\"%s\" readers=%zu", path,
           b->nreaders);
    return b;
fail:
    sl_close(b);
    return NULL;
}

static ts_conn *sl_acquire(void *backend, int write)
{
    sl_store *b = backend;
    if (write || b->nreaders == 0) {
        pthread_mutex_lock(&b->wmu);
        return b->writer;
    }
    return ts_pool_get(&b->pool);
}

static void sl_release(void *backend, ts_conn *c)
{
    sl_store *b = backend;
    if (c == b->writer)
        pthread_mutex_unlock(&b->wmu);
    else
        ts_pool_put(&b->pool, c);
}

/* ---- statements ---- */

static int fail(ts_conn *c, int rc, const char *sql)
{
    switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        return LB_EEXIST;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return LB_ENOTFOUND;
    default:
        lb_log(LB_LOG_ERROR, TS_LOG, "sqlite statement failed", "err=\"%s\" code=%d sql=\"%.60s\"",
               sqlite3_errmsg(c->db), rc, sql);
        return LB_EIO;
    }
}

static int bind_args(sqlite3_stmt *st, const ts_arg *a, int na)
{
    int rc = SQLITE_OK;
    for (int i = 0; rc == SQLITE_OK && i < na; i++) {
        char name[16];
        snprintf(name, sizeof name, "$%d", i + 1);
        int idx = sqlite3_bind_parameter_index(st, name);
        if (idx == 0)
            continue; /* not used by this statement */
        if (a[i].type == TS_INT)
            rc = sqlite3_bind_int64(st, idx, a[i].i);
        else if (a[i].s)
            rc = sqlite3_bind_text(st, idx, a[i].s, -1, SQLITE_STATIC);
        else
            rc = sqlite3_bind_null(st, idx);
    }
    return rc;
}

static int sl_run(ts_conn *c, int slot, const char *sql, const ts_arg *args, int nargs,
                  ts_row_fn fn, void *arg, long *changes)
{
    sqlite3_stmt *st = c->st[slot];
    int rc = SQLITE_OK, out = 0;
    if (!st) {
        rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
        if (rc != SQLITE_OK)
            return fail(c, rc, sql);
        c->st[slot] = st;
    }
    rc = bind_args(st, args, nargs);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *col[TS_MAX_COLS];
        int n = sqlite3_column_count(st);
        n = n < TS_MAX_COLS ? n : TS_MAX_COLS;
        for (int i = 0; i < n; i++)
            col[i] = (const char *)sqlite3_column_text(st, i);
        if (fn && (out = fn(arg, col, n)) != 0)
            break;
        rc = SQLITE_OK;
    }
    if (out == 0 && rc != SQLITE_DONE)
        out = fail(c, rc, sql);
    else if (out == 0 && changes)
        *changes = sqlite3_changes(c->db);
    sqlite3_reset(st); /* ends the statement's read transaction */
    sqlite3_clear_bindings(st);
    return out;
}

static int sl_script(ts_conn *c, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        lb_log(LB_LOG_ERROR, TS_LOG, "sqlite script failed", "err=\"%s\"",
               msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return rc == SQLITE_OK ? 0 : LB_EIO;
}

const ts_ops ts_sqlite_ops = {
    .name = "sqlite",
    .sql = SQL,
    .dialect = &DIALECT,
    .migrations = MIGRATIONS,
    .nmigrations = sizeof MIGRATIONS / sizeof *MIGRATIONS,
    .open = sl_open,
    .close = sl_close,
    .acquire = sl_acquire,
    .release = sl_release,
    .run = sl_run,
    .script = sl_script,
    .migrate_lock = NULL,
};
