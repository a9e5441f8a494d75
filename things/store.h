/* The things service's storage: users, things, channels and their connections, behind one
 * interface with two backends, SQLite (embedded default, one WAL file under the data dir)
 * and PostgreSQL (LB_DB_URL=postgres://...). Both pass tests/integration/test_store.c.
 *
 * Rows come back as jansson objects in the REST API's shapes:
 *   thing   {"id", "name", "key", "metadata": {...}}      (owner not included)
 *   channel {"id", "name", "metadata": {...}}
 * Absent name is "", absent metadata {}. Every function is thread-safe (the HTTP workers
 * and the bus responder call them at once) and returns 0 or a negative LB_E* code:
 * LB_ENOTFOUND (no such row, or not the owner's), LB_EEXIST (a unique value taken),
 * LB_EIO (the database failed: logged with its message), LB_EINVAL (an argument NULL where
 * one is needed, an empty or over-long id/key/email/hash, metadata not an object, a name not
 * UTF-8, a bad page), LB_ETOOBIG (a name of 1024 bytes or more, metadata over 64 KiB as
 * JSON). `owner` NULL means any owner (an admin); otherwise a row of another owner is
 * LB_ENOTFOUND, never LB_EPERM, so ids of other users' rows are not revealed. Names compare
 * case-insensitively for ASCII letters only in SQLite (PostgreSQL follows its locale); names
 * sort bytewise in both. */
#ifndef LB_THINGS_STORE_H
#define LB_THINGS_STORE_H

#include <jansson.h>
#include <stddef.h>

typedef struct ts_store ts_store;

#define TS_ID_MAX 64 /* ids are UUIDs (36 chars) but a caller may store longer keys */
#define TS_KEY_MAX 256
#define TS_HASH_MAX 256

typedef struct ts_user {
    char id[TS_ID_MAX];
    char email[256];
    char hash[TS_HASH_MAX]; /* argon2id string from crypto_pwhash_str */
    int admin;
} ts_user;

typedef struct ts_thing {
    const char *id;
    const char *owner;
    const char *name;     /* may be NULL */
    const char *key;
    const json_t *metadata; /* object or NULL */
} ts_thing;

typedef struct ts_channel {
    const char *id;
    const char *owner;
    const char *name;
    const json_t *metadata;
} ts_channel;

/* Which rows a list returns and in what order (a list's page may not be NULL). */
typedef struct ts_page {
    long offset;            /* >= 0 */
    long limit;             /* 1..100 */
    const char *name;       /* case-insensitive substring of the name, or NULL */
    const json_t *metadata; /* the row's metadata must contain this object (as jsonb @>), or NULL */
    int order_by_name;      /* else by creation order; ties in name by creation order */
    int descending;
} ts_page;

typedef enum {
    TS_ALL = 0,       /* connected or not */
    TS_CONNECTED,     /* only connected */
    TS_NOT_CONNECTED, /* only not connected */
} ts_conn_filter;

/* Opens the store at url: "postgres://..." / "postgresql://..." for PostgreSQL, otherwise
 * "sqlite:<path>" or a plain path to an SQLite file (created). Applies any schema migration
 * not yet applied (versioned, each in a transaction). Returns NULL with err filled. */
ts_store *ts_store_open(const char *url, char *err, size_t errlen);
void ts_store_close(ts_store *s);

/* Users. email is unique (compared case-insensitively). */
int ts_user_create(ts_store *s, const ts_user *u);
int ts_user_by_email(ts_store *s, const char *email, ts_user *out);
int ts_user_by_id(ts_store *s, const char *id, ts_user *out);
int ts_user_set_password(ts_store *s, const char *id, const char *hash);
/* The number of users, or a negative LB_E* code. */
long ts_user_count(ts_store *s);

/* Things. Creating n things is all or nothing; a key or id already used: LB_EEXIST. */
int ts_things_create(ts_store *s, const ts_thing *things, size_t n);
int ts_thing_get(ts_store *s, const char *owner, const char *id, json_t **out);
/* *items: a new array of thing objects; *total: rows matching the filters, ignoring
 * offset and limit. */
int ts_thing_list(ts_store *s, const char *owner, const ts_page *page, json_t **items, long *total);
/* Replaces name and metadata (NULL: "" and {}). */
int ts_thing_update(ts_store *s, const char *owner, const char *id, const char *name,
                    const json_t *metadata);
int ts_thing_set_key(ts_store *s, const char *owner, const char *id, const char *key);
/* Deletes the thing and its connections. */
int ts_thing_delete(ts_store *s, const char *owner, const char *id);
/* The id of the thing holding key, into id_out (TS_ID_MAX bytes). */
int ts_thing_by_key(ts_store *s, const char *key, char *id_out);
/* The thing's owner into owner_out (TS_ID_MAX). */
int ts_thing_owner(ts_store *s, const char *id, char *owner_out);

/* Channels, as things without keys. Deleting a channel deletes its connections. */
int ts_channels_create(ts_store *s, const ts_channel *channels, size_t n);
int ts_channel_get(ts_store *s, const char *owner, const char *id, json_t **out);
int ts_channel_list(ts_store *s, const char *owner, const ts_page *page, json_t **items,
                    long *total);
int ts_channel_update(ts_store *s, const char *owner, const char *id, const char *name,
                      const json_t *metadata);
int ts_channel_delete(ts_store *s, const char *owner, const char *id);

/* Connects every listed thing to every listed channel (all or nothing; pairs already
 * connected are fine). LB_ENOTFOUND when any of them is missing or not the owner's; with
 * owner NULL, when any is not the first channel's owner's (a connection never joins two
 * owners). */
int ts_connect(ts_store *s, const char *owner, const char *const *channels, size_t nchannels,
               const char *const *things, size_t nthings);
/* LB_ENOTFOUND when either is missing, not the owner's, or they are not connected. */
int ts_disconnect(ts_store *s, const char *owner, const char *channel, const char *thing);
/* 1 when connected, 0 when not (or either is missing), or a negative LB_E* code. No owner
 * check: this is the authorization question. */
int ts_is_connected(ts_store *s, const char *channel, const char *thing);
/* Things of a channel / channels of a thing, filtered by connection: among the rows of the
 * channel's / thing's owner; each item carries "connected": true|false. LB_ENOTFOUND when
 * the channel / thing is missing or not the owner's. */
int ts_channel_things(ts_store *s, const char *owner, const char *channel, ts_conn_filter f,
                      const ts_page *page, json_t **items, long *total);
int ts_thing_channels(ts_store *s, const char *owner, const char *thing, ts_conn_filter f,
                      const ts_page *page, json_t **items, long *total);
/* Every thing id connected to channel, as a new array of strings (for cache invalidation
 * when a channel is removed); empty for a channel without connections or none at all. */
int ts_channel_thing_ids(ts_store *s, const char *channel, json_t **ids);

#endif
