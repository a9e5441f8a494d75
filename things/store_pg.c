/* The things store's PostgreSQL backend (libpq): a pool of PG_POOL connections (mutex and
 * condition variable), each statement prepared once per connection with typed parameters
 * and run with PQexecPrepared (text in, text out), metadata as jsonb filtered with @>.
 *
 * A connection found broken is reset (PQreset) and logged; a statement that failed because
 * the connection broke is run once more after the reset unless it was inside a transaction
 * (which the server has rolled back: the caller gets LB_EIO). Unique violations (SQLSTATE
 * 23505) are LB_EEXIST, foreign key violations (23503) LB_ENOTFOUND. Migrations hold an
 * advisory lock, so two services starting at once apply each step once. */
#include "store_internal.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lyrebird/error.h"
#include "lyrebird/log.h"

#define PG_POOL         4
#define PG_TEXT_OID     25
#define PG_INT8_OID     20
#define PG_MAX_PARAMS   16
#define PG_OWNER_OR_ANY "($2::text IS NULL OR owner = $2)"
#define PG_MIGRATE_LOCK "hashtext('lyrebird.things.schema_migrations')"

struct ts_conn {
    PGconn *pg;
    int in_tx;
    unsigned char prepared[(TS_SLOTS + 7) / 8]; /* a bit per cache slot */
};

typedef struct pg_store {
    ts_conn conns[PG_POOL];
    ts_pool pool;
    int pooled;
} pg_store;

static const char *const SQL[TS_Q_COUNT] = {
    [TS_Q_BEGIN] = "BEGIN",
    [TS_Q_BEGIN_READ] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    [TS_Q_COMMIT] = "COMMIT",
    [TS_Q_ROLLBACK] = "ROLLBACK",
    [TS_Q_MIG_TABLE] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                       " version integer PRIMARY KEY,"
                       " applied timestamptz NOT NULL DEFAULT now())",
    [TS_Q_MIG_HAS] = "SELECT 1 FROM schema_migrations WHERE version = $1",
    [TS_Q_MIG_ADD] = "INSERT INTO schema_migrations (version) VALUES ($1)",
    [TS_Q_MIG_LIST] = "SELECT version FROM schema_migrations ORDER BY version",
    [TS_Q_USER_INSERT] = "INSERT INTO users (id, email, hash, admin)"
                         " VALUES ($1, $2, $3, $4::boolean)",
    [TS_Q_USER_BY_EMAIL] = "SELECT id, email, hash, admin FROM users"
                           " WHERE lower(email) = lower($1)",
    [TS_Q_USER_BY_ID] = "SELECT id, email, hash, admin FROM users WHERE id = $1",
    [TS_Q_USER_SET_HASH] = "UPDATE users SET hash = $2 WHERE id = $1",
    [TS_Q_USER_COUNT] = "SELECT count(*) FROM users",
    [TS_Q_THING_INSERT] = "INSERT INTO things (id, owner, name, key, metadata)"
                          " VALUES ($1, $2, $3, $4, $5::jsonb)",
    [TS_Q_THING_GET] = "SELECT id, name, key, metadata::text FROM things"
                       " WHERE id = $1 AND " PG_OWNER_OR_ANY,
    [TS_Q_THING_UPDATE] = "UPDATE things SET name = $3, metadata = $4::jsonb"
                          " WHERE id = $1 AND " PG_OWNER_OR_ANY,
    [TS_Q_THING_DELETE] = "DELETE FROM things WHERE id = $1 AND " PG_OWNER_OR_ANY,
    [TS_Q_THING_OWNER] = "SELECT owner FROM things WHERE id = $1",
    [TS_Q_THING_SET_KEY] = "UPDATE things SET key = $3 WHERE id = $1 AND " PG_OWNER_OR_ANY,
    [TS_Q_THING_BY_KEY] = "SELECT id FROM things WHERE key = $1",
    [TS_Q_CHANNEL_INSERT] = "INSERT INTO channels (id, owner, name, metadata)"
                            " VALUES ($1, $2, $3, $5::jsonb)",
    [TS_Q_CHANNEL_GET] = "SELECT id, name, NULL, metadata::text FROM channels"
                         " WHERE id = $1 AND " PG_OWNER_OR_ANY,
    [TS_Q_CHANNEL_UPDATE] = "UPDATE channels SET name = $3, metadata = $4::jsonb"
                            " WHERE id = $1 AND " PG_OWNER_OR_ANY,
    [TS_Q_CHANNEL_DELETE] = "DELETE FROM channels WHERE id = $1 AND " PG_OWNER_OR_ANY,
    [TS_Q_CHANNEL_OWNER] = "SELECT owner FROM channels WHERE id = $1",
    [TS_Q_CONN_INSERT] = "INSERT INTO connections (channel_id, thing_id, owner)"
                         " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    [TS_Q_CONN_DELETE] = "DELETE FROM connections WHERE channel_id = $1 AND thing_id = $2"
                         " AND ($3::text IS NULL OR owner = $3)",
    [TS_Q_CONN_EXISTS] = "SELECT 1 FROM connections WHERE channel_id = $1 AND thing_id = $2",
    [TS_Q_CONN_THING_IDS] = "SELECT thing_id FROM connections WHERE channel_id = $1"
                            " ORDER BY thing_id",
};

static const ts_dialect DIALECT = {
    .name_match = "position(lower($3) in lower(t.name)) > 0",
    .meta_match = "t.metadata @> $4::jsonb",
    .meta_text = "t.metadata::text",
};

/* seq orders rows by creation. Names sort bytewise (COLLATE "C"), as in SQLite, whatever
 * the database's locale. */
static const ts_migration MIGRATIONS[] = {
    {1, "CREATE TABLE users ("
        " id text PRIMARY KEY,"
        " email text NOT NULL,"
        " hash text NOT NULL,"
        " admin boolean NOT NULL DEFAULT false,"
        " created timestamptz NOT NULL DEFAULT now());"
        "CREATE UNIQUE INDEX users_email ON users (lower(email));"},
    {2, "CREATE TABLE things ("
        " id text PRIMARY KEY,"
        " seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,"
        " owner text NOT NULL,"
        " name text COLLATE \"C\" NOT NULL DEFAULT '',"
        " key text NOT NULL UNIQUE,"
        " metadata jsonb NOT NULL DEFAULT '{}',"
        " created timestamptz NOT NULL DEFAULT now());"
        "CREATE INDEX things_owner ON things (owner, seq);"
        "CREATE INDEX things_owner_name ON things (owner, name, seq);"
        "CREATE TABLE channels ("
        " id text PRIMARY KEY,"
        " seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,"
        " owner text NOT NULL,"
        " name text COLLATE \"C\" NOT NULL DEFAULT '',"
        " metadata jsonb NOT NULL DEFAULT '{}',"
        " created timestamptz NOT NULL DEFAULT now());"
        "CREATE INDEX channels_owner ON channels (owner, seq);"
        "CREATE INDEX channels_owner_name ON channels (owner, name, seq);"
        "CREATE TABLE connections ("
        " channel_id text NOT NULL REFERENCES channels (id) ON DELETE CASCADE,"
        " thing_id text NOT NULL REFERENCES things (id) ON DELETE CASCADE,"
        " owner text NOT NULL,"
        " PRIMARY KEY (channel_id, thing_id));"
        "CREATE INDEX connections_thing ON connections (thing_id, channel_id);"},
    /* Rows per owner, so that a list's total is read, not counted (owners never change). */
    {3, "CREATE TABLE owner_counts ("
        " owner text NOT NULL,"
        " kind text NOT NULL,"
        " n bigint NOT NULL,"
        " PRIMARY KEY (owner, kind));"
        "INSERT INTO owner_counts SELECT owner, 'things', count(*) FROM things GROUP BY owner;"
        "INSERT INTO owner_counts SELECT owner, 'channels', count(*) FROM channels"
        " GROUP BY owner;"
        "CREATE FUNCTION owner_counted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        " IF TG_OP = 'INSERT' THEN"
        "  INSERT INTO owner_counts (owner, kind, n) VALUES (NEW.owner, TG_TABLE_NAME, 1)"
        "  ON CONFLICT (owner, kind) DO UPDATE SET n = owner_counts.n + 1;"
        " ELSE"
        "  UPDATE owner_counts SET n = n - 1 WHERE owner = OLD.owner AND kind = TG_TABLE_NAME;"
        " END IF;"
        " RETURN NULL; END $$;"
        "CREATE TRIGGER things_counted AFTER INSERT OR DELETE ON things"
        " FOR EACH ROW EXECUTE FUNCTION owner_counted();"
        "CREATE TRIGGER channels_counted AFTER INSERT OR DELETE ON channels"
        " FOR EACH ROW EXECUTE FUNCTION owner_counted();"},
};

/* ---- connections ---- */

/* libpq's messages end in a newline; a log line must not. */
static void log_pg(const char *msg, const char *detail, const char *sql)
{
    int n = (int)strcspn(detail ? detail : "", "\n");
    lb_log(LB_LOG_ERROR, TS_LOG, msg, "err=\"%.*s\" sql=\"%.60s\"", n, detail ? detail : "",
           sql ? sql : "");
}

static void on_notice(void *arg, const char *message)
{
    lb_log(LB_LOG_DEBUG, TS_LOG, "postgres notice", "msg=\"%.*s\"", (int)strcspn(message, "\n"),
           message);
}

static PGconn *pg_connect(const char *url)
{
    /* later keywords win: the URL may set a timeout, never the encoding */
    const char *const keys[] = {"connect_timeout", "application_name", "dbname", "client_encoding",
                                NULL};
    const char *const vals[] = {"10", "lyrebird-things", url, "UTF8", NULL};
    PGconn *pg = PQconnectdbParams(keys, vals, 1);
    if (pg)
        PQsetNoticeProcessor(pg, on_notice, NULL);
    return pg;
}

/* Resets a broken connection; 0 when it works again. */
static int reconnect(ts_conn *c)
{
    lb_log(LB_LOG_WARN, TS_LOG, "postgres connection lost, reconnecting", "err=\"%.*s\"",
           (int)strcspn(PQerrorMessage(c->pg), "\n"), PQerrorMessage(c->pg));
    PQreset(c->pg);
    memset(c->prepared, 0, sizeof c->prepared);
    c->in_tx = 0;
    if (PQstatus(c->pg) != CONNECTION_OK) {
        log_pg("postgres reconnect failed", PQerrorMessage(c->pg), NULL);
        return LB_EIO;
    }
    lb_log(LB_LOG_INFO, TS_LOG, "postgres connection restored", NULL);
    return 0;
}

static void pgs_close(void *backend)
{
    pg_store *b = backend;
    if (b->pooled)
        ts_pool_destroy(&b->pool);
    for (size_t i = 0; i < PG_POOL; i++)
        PQfinish(b->conns[i].pg);
    free(b);
}

static void *pgs_open(const char *url, char *err, size_t errlen)
{
    pg_store *b = calloc(1, sizeof *b);
    void *items[PG_POOL];
    if (!b) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < PG_POOL; i++) {
        ts_conn *c = &b->conns[i];
        c->pg = pg_connect(url);
        if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
            const char *why = c->pg ? PQerrorMessage(c->pg) : "out of memory";
            snprintf(err, errlen, "connecting to PostgreSQL failed: %.*s", (int)strcspn(why, "\n"),
                     why);
            goto fail;
        }
        items[i] = c;
    }
    if (ts_pool_init(&b->pool, items, PG_POOL)) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    b->pooled = 1;
    lb_log(LB_LOG_INFO, TS_LOG, "store opened", "backend=postgres pool=%d server=%d", PG_POOL,
           PQserverVersion(b->conns[0].pg));
    return b;
fail:
    pgs_close(b);
    return NULL;
}

static ts_conn *pgs_acquire(void *backend, int write)
{
    pg_store *b = backend;
    ts_conn *c = ts_pool_get(&b->pool);
    if (PQstatus(c->pg) != CONNECTION_OK && reconnect(c) != 0) {
        ts_pool_put(&b->pool, c);
        return NULL;
    }
    return c;
}

static void pgs_release(void *backend, ts_conn *c)
{
    ts_pool_put(&((pg_store *)backend)->pool, c);
}

/* ---- statements ---- */

static int result_err(PGresult *r, const char *sql, PGconn *pg)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (state && strcmp(state, "23505") == 0)
        return LB_EEXIST;
    if (state && strcmp(state, "23503") == 0)
        return LB_ENOTFOUND;
    log_pg("postgres statement failed", r ? PQresultErrorMessage(r) : PQerrorMessage(pg), sql);
    return LB_EIO;
}

/* Prepares slot's statement on c if it is not yet; the parameter types come from args. */
static PGresult *prepare(ts_conn *c, int slot, const char *sql, const ts_arg *a, int na, char *name)
{
    Oid types[PG_MAX_PARAMS];
    if (c->prepared[slot / 8] & (1u << (slot % 8)))
        return NULL;
    for (int i = 0; i < na; i++)
        types[i] = a[i].type == TS_INT ? PG_INT8_OID : PG_TEXT_OID;
    PGresult *r = PQprepare(c->pg, name, sql, na, types);
    if (r && PQresultStatus(r) == PGRES_COMMAND_OK) {
        c->prepared[slot / 8] |= (unsigned char)(1u << (slot % 8));
        PQclear(r);
        return NULL;
    }
    return r ? r : PQmakeEmptyPGresult(c->pg, PGRES_FATAL_ERROR);
}

/* Prepares if needed and executes; returns the result (never NULL). */
static PGresult *exec(ts_conn *c, int slot, const char *sql, const ts_arg *a, int na)
{
    char name[16], ints[PG_MAX_PARAMS][24];
    const char *vals[PG_MAX_PARAMS];
    snprintf(name, sizeof name, "q%d", slot);
    PGresult *r = prepare(c, slot, sql, a, na, name);
    if (r)
        return r;
    for (int i = 0; i < na; i++) {
        vals[i] = a[i].s;
        if (a[i].type == TS_INT) {
            snprintf(ints[i], sizeof ints[i], "%lld", a[i].i);
            vals[i] = ints[i];
        }
    }
    r = PQexecPrepared(c->pg, name, na, vals, NULL, NULL, 0);
    return r ? r : PQmakeEmptyPGresult(c->pg, PGRES_FATAL_ERROR);
}

static int rows(PGresult *r, ts_row_fn fn, void *arg)
{
    int nrows = PQntuples(r), ncol = PQnfields(r), out = 0;
    ncol = ncol < TS_MAX_COLS ? ncol : TS_MAX_COLS;
    for (int i = 0; fn && out == 0 && i < nrows; i++) {
        const char *col[TS_MAX_COLS];
        for (int j = 0; j < ncol; j++)
            col[j] = PQgetisnull(r, i, j) ? NULL : PQgetvalue(r, i, j);
        out = fn(arg, col, ncol);
    }
    return out;
}

static int pgs_run(ts_conn *c, int slot, const char *sql, const ts_arg *args, int nargs,
                   ts_row_fn fn, void *arg, long *changes)
{
    if (nargs > PG_MAX_PARAMS)
        return LB_EINVAL;
    for (int attempt = 0;; attempt++) {
        int was_in_tx = c->in_tx;
        PGresult *r = exec(c, slot, sql, args, nargs);
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
            int out = rows(r, fn, arg);
            if (changes)
                *changes = atol(PQcmdTuples(r));
            PQclear(r);
            if (slot == TS_Q_BEGIN || slot == TS_Q_BEGIN_READ)
                c->in_tx = 1;
            else if (slot == TS_Q_COMMIT || slot == TS_Q_ROLLBACK)
                c->in_tx = 0;
            return out;
        }
        if (PQstatus(c->pg) == CONNECTION_OK || attempt > 0) {
            int rc = result_err(r, sql, c->pg);
            PQclear(r);
            if (slot == TS_Q_COMMIT || slot == TS_Q_ROLLBACK)
                c->in_tx = 0;
            return rc;
        }
        PQclear(r);
        if (reconnect(c) != 0 || was_in_tx)
            return LB_EIO; /* the server rolled the transaction back */
    }
}

static int pgs_script(ts_conn *c, const char *sql)
{
    PGresult *r = PQexec(c->pg, sql);
    int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        log_pg("postgres script failed", r ? PQresultErrorMessage(r) : PQerrorMessage(c->pg), sql);
    PQclear(r);
    return ok ? 0 : LB_EIO;
}

static int pgs_migrate_lock(ts_conn *c, int take)
{
    PGresult *r = PQexec(c->pg, take ? "SELECT pg_advisory_lock(" PG_MIGRATE_LOCK ")"
                                     : "SELECT pg_advisory_unlock(" PG_MIGRATE_LOCK ")");
    int ok = r && PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok)
        log_pg("postgres migration lock failed",
               r ? PQresultErrorMessage(r) : PQerrorMessage(c->pg), NULL);
    PQclear(r);
    return ok ? 0 : LB_EIO;
}

const ts_ops ts_pg_ops = {
    .name = "postgres",
    .sql = SQL,
    .dialect = &DIALECT,
    .migrations = MIGRATIONS,
    .nmigrations = sizeof MIGRATIONS / sizeof *MIGRATIONS,
    .open = pgs_open,
    .close = pgs_close,
    .acquire = pgs_acquire,
    .release = pgs_release,
    .run = pgs_run,
    .script = pgs_script,
    .migrate_lock = pgs_migrate_lock,
};
