/* The things store's private interface between the facade (store.c) and its two backends
 * (store_sqlite.c, store_pg.c). The facade validates arguments and holds every operation's
 * logic (which statements run, in which transaction, and how rows become JSON); a backend
 * holds connections and its own dialect: the text of each statement in ts_q order, the
 * fragments list queries are built from, and its schema migrations.
 *
 * Statements name their parameters $1, $2, ... in both dialects (SQLite reads "$1" as a
 * named parameter; the backend binds by name, so a statement may leave some unused). A
 * connection (ts_conn) is used by one thread at a time, between acquire and release. */
#ifndef LB_THINGS_STORE_INTERNAL_H
#define LB_THINGS_STORE_INTERNAL_H

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>

#include "store.h"

#define TS_LOG       "things-store"
#define TS_NAME_MAX  1024        /* bytes of a thing's or channel's name */
#define TS_META_MAX  (64 * 1024) /* bytes of metadata as compact JSON */
#define TS_EMAIL_MAX 256         /* sizeof(ts_user.email) */
#define TS_MAX_COLS  8           /* columns a statement returns, at most */

/* Fixed statements, by slot. Each dialect's table gives their text in this order; the
 * comment lists the parameters and the columns returned. */
enum ts_q {
    TS_Q_BEGIN,      /* a write transaction */
    TS_Q_BEGIN_READ, /* a read transaction: one snapshot */
    TS_Q_COMMIT,
    TS_Q_ROLLBACK,
    TS_Q_MIG_TABLE,      /* creates schema_migrations if missing */
    TS_Q_MIG_HAS,        /* $1 version -> 1 */
    TS_Q_MIG_ADD,        /* $1 version */
    TS_Q_MIG_LIST,       /* -> version, ascending */
    TS_Q_USER_INSERT,    /* $1 id, $2 email, $3 hash, $4 admin (0/1) */
    TS_Q_USER_BY_EMAIL,  /* $1 email -> id, email, hash, admin */
    TS_Q_USER_BY_ID,     /* $1 id -> id, email, hash, admin */
    TS_Q_USER_SET_HASH,  /* $1 id, $2 hash */
    TS_Q_USER_COUNT,     /* -> count */
    TS_Q_THING_INSERT,   /* $1 id, $2 owner, $3 name, $4 key, $5 metadata */
    TS_Q_THING_GET,      /* $1 id, $2 owner or NULL -> id, name, key, metadata */
    TS_Q_THING_UPDATE,   /* $1 id, $2 owner or NULL, $3 name, $4 metadata */
    TS_Q_THING_DELETE,   /* $1 id, $2 owner or NULL */
    TS_Q_THING_OWNER,    /* $1 id -> owner */
    TS_Q_THING_SET_KEY,  /* $1 id, $2 owner or NULL, $3 key */
    TS_Q_THING_BY_KEY,   /* $1 key -> id */
    TS_Q_CHANNEL_INSERT, /* $1 id, $2 owner, $3 name, $5 metadata ($4 unused) */
    TS_Q_CHANNEL_GET,    /* $1 id, $2 owner or NULL -> id, name, NULL, metadata */
    TS_Q_CHANNEL_UPDATE, /* $1 id, $2 owner or NULL, $3 name, $4 metadata */
    TS_Q_CHANNEL_DELETE, /* $1 id, $2 owner or NULL */
    TS_Q_CHANNEL_OWNER,  /* $1 id -> owner */
    TS_Q_CONN_INSERT,    /* $1 channel, $2 thing, $3 owner; a pair already there is kept */
    TS_Q_CONN_DELETE,    /* $1 channel, $2 thing, $3 owner or NULL */
    TS_Q_CONN_EXISTS,    /* $1 channel, $2 thing -> 1 */
    TS_Q_CONN_THING_IDS, /* $1 channel -> thing id */
    TS_Q_COUNT
};

/* List queries (a count and a page) are built by the facade from these parts; each variant
 * has its own cache slot after the fixed statements. Parameters: $1 owner, $2 the channel
 * or thing whose connections are listed, $3 name substring, $4 metadata filter (JSON
 * text), $5 limit, $6 offset. The listed table is aliased t, connections k. */
typedef struct ts_dialect {
    const char *name_match; /* t.name contains $3, case-insensitively, no wildcards */
    const char *meta_match; /* t.metadata contains $4 as jsonb @> does */
    const char *meta_text;  /* t.metadata as JSON text */
} ts_dialect;

#define TS_LIST_VARIANTS (4 * 3 * 64)
#define TS_SLOTS         (TS_Q_COUNT + TS_LIST_VARIANTS)

/* One step of a backend's schema: applied once, in a transaction, in version order. */
typedef struct ts_migration {
    int version;
    const char *sql; /* one or more statements */
} ts_migration;

/* A statement parameter: text (s, NULL for SQL NULL) or an integer. */
typedef struct ts_arg {
    enum { TS_TEXT, TS_INT } type;
    const char *s;
    long long i;
} ts_arg;

/* Called for each row returned; col[i] is the text of column i or NULL, valid only during
 * the call. A non-zero return stops the statement and is returned by run. */
typedef int (*ts_row_fn)(void *arg, const char *const *col, int ncol);

typedef struct ts_conn ts_conn;

typedef struct ts_ops {
    const char *name;
    const char *const *sql; /* TS_Q_COUNT statements */
    const ts_dialect *dialect;
    const ts_migration *migrations;
    size_t nmigrations;
    /* Connects to target (a path or a URL) and returns the backend's state, or NULL with
     * err filled. */
    void *(*open)(const char *target, char *err, size_t errlen);
    void (*close)(void *backend);
    /* A connection for one thread's use until release: write 1 for one that may write
     * (SQLite has one writer). Blocks while all are busy; NULL when the database cannot be
     * reached (logged). */
    ts_conn *(*acquire)(void *backend, int write);
    void (*release)(void *backend, ts_conn *c);
    /* Runs the statement of cache slot `slot` (text sql, prepared on first use per
     * connection) with args; calls fn per row (fn may be NULL); *changes (may be NULL)
     * gets the rows changed. Returns 0, LB_EEXIST (unique violation), LB_ENOTFOUND
     * (foreign key violation), fn's non-zero return, or LB_EIO (logged). */
    int (*run)(ts_conn *c, int slot, const char *sql, const ts_arg *args, int nargs, ts_row_fn fn,
               void *arg, long *changes);
    /* Runs a script of statements without parameters (migrations). */
    int (*script)(ts_conn *c, const char *sql);
    /* Takes / drops a lock that keeps other processes out of the migrations, or NULL when
     * the write transaction alone does (SQLite's BEGIN IMMEDIATE). */
    int (*migrate_lock)(ts_conn *c, int take);
} ts_ops;

extern const ts_ops ts_sqlite_ops;
extern const ts_ops ts_pg_ops;

/* A blocking pool of n connections (mutex and condition variable). Idle items are taken
 * in turn (a ring), so every connection is used, kept warm, and found early if broken. */
typedef struct ts_pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    void **free; /* ring of idle items: nfree from head */
    size_t head, nfree, n;
} ts_pool;

/* Takes the n items (the pool keeps the pointers, not the items). 0 or LB_ENOMEM. */
int ts_pool_init(ts_pool *p, void *const *items, size_t n);
/* Waits until an item is idle and returns it. */
void *ts_pool_get(ts_pool *p);
void ts_pool_put(ts_pool *p, void *item);
void ts_pool_destroy(ts_pool *p);

/* For tests: *versions gets a new array of the versions in schema_migrations, in order;
 * ts_store_migration_count is the number of steps the backend has. */
int ts_store_migrations(ts_store *s, json_t **versions);
size_t ts_store_migration_count(ts_store *s);

/* (store_sqlite.c) 1 when a contains b as PostgreSQL's jsonb @> decides: an object contains an
 * object whose every key it has with a value containing that key's value; an array contains an
 * array whose every element matches one of its elements (scalars by equality, containers by
 * containment); scalars must be equal and of one type (numbers compare by value, so 1
 * equals 1.0 but not "1"); at the top level only, an array contains a scalar it holds. */
int ts_json_contains(const json_t *a, const json_t *b);

/* ---- shared by store.c and store_list.c ---- */

struct ts_store {
    const ts_ops *ops;
    void *b; /* the backend's state */
};

#define TXT(v) ((ts_arg){TS_TEXT, (v), 0})
#define INT(v) ((ts_arg){TS_INT, NULL, (v)})

/* One text column of one row, copied out by ts_text_row. */
typedef struct text_out {
    char *buf;
    size_t cap;
    int found;
} text_out;

int ts_bad_str(const char *v, size_t max);
int ts_check_page(const ts_page *p);
json_t *ts_item_new(const char *const *col, int with_connected);
int ts_meta_text(const json_t *meta, char **out);
int ts_owned(ts_store *s, ts_conn *c, int q_owner, const char *owner, const char *id, char *out);
int ts_run(ts_store *s, ts_conn *c, int q, const ts_arg *a, int na, ts_row_fn fn, void *arg,
           long *changes);
int ts_text_row(void *arg, const char *const *col, int ncol);
int ts_tx_end(ts_store *s, ts_conn *c, int rc);

#endif
