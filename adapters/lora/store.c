/* The LoRa adapter's store: one SQLite file (WAL) with devices and their sessions and
 * counters, the DevNonces each device used, gateways and device profiles. Root and session
 * keys are stored only wrapped (RFC 3394) under the key-encryption key given at open; they
 * are unwrapped when the devices are loaded into memory at start.
 *
 * One connection behind a mutex: the loop thread writes counters in batches (one
 * transaction per batch), REST handlers do the rest. Counters are written with
 * synchronous=NORMAL: a commit survives a crash of the process (not of the machine) before
 * the frames it covers are published. The WAL is checkpointed by a thread of its own, on its
 * own connection, once a second: a checkpoint syncs the database file, which would otherwise
 * stall the committing loop thread for milliseconds. */
#include "lora.h"

#include <lyrebird/error.h>

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WRAPPED 24

struct lora_store {
    sqlite3 *db;
    pthread_mutex_t lock;
    sqlite3 *ckpt_db; /* the checkpointer's connection */
    pthread_t ckpt;
    bool ckpt_running;
    pthread_mutex_t ckpt_lock;
    pthread_cond_t ckpt_cond;
    uint8_t kek[32];
    size_t kek_len;
    sqlite3_stmt *counters;
};

static const char *const schema[] = {
    /* 1 */
    "CREATE TABLE lora_devices ("
    " dev_eui INTEGER PRIMARY KEY, owner TEXT NOT NULL, name TEXT NOT NULL,"
    " join_eui INTEGER NOT NULL, channel_id TEXT NOT NULL, thing_id TEXT NOT NULL,"
    " mac_version INTEGER NOT NULL, region TEXT NOT NULL, class TEXT NOT NULL,"
    " profile_id TEXT, codec TEXT, otaa INTEGER NOT NULL, app_key BLOB, nwk_key BLOB,"
    " dev_addr INTEGER, f_nwk_s_int BLOB, s_nwk_s_int BLOB, nwk_s_enc BLOB, app_s BLOB,"
    " v11 INTEGER NOT NULL DEFAULT 0, fcnt_up INTEGER, nfcnt_down INTEGER NOT NULL DEFAULT 0,"
    " afcnt_down INTEGER NOT NULL DEFAULT 0, dev_nonce INTEGER,"
    " join_nonce INTEGER NOT NULL DEFAULT 0, rx1_dr_offset INTEGER NOT NULL DEFAULT 0,"
    " rx2_dr INTEGER NOT NULL DEFAULT 0, rx_delay INTEGER NOT NULL DEFAULT 1,"
    " created INTEGER NOT NULL);"
    "CREATE INDEX lora_devices_owner ON lora_devices(owner, dev_eui);"
    "CREATE TABLE lora_dev_nonces (dev_eui INTEGER NOT NULL, nonce INTEGER NOT NULL,"
    " PRIMARY KEY (dev_eui, nonce)) WITHOUT ROWID;"
    "CREATE TABLE lora_gateways (gateway_eui INTEGER PRIMARY KEY, owner TEXT NOT NULL,"
    " name TEXT NOT NULL, region TEXT NOT NULL, last_seen INTEGER, lat REAL, lon REAL,"
    " alt INTEGER, created INTEGER NOT NULL);"
    "CREATE TABLE lora_profiles (id TEXT PRIMARY KEY, owner TEXT NOT NULL,"
    " body TEXT NOT NULL);",
};

static int migrate(sqlite3 *db, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    int version = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    for (int v = version; v < (int)(sizeof schema / sizeof *schema); v++) {
        char pragma[48], *msg = NULL;
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(db, schema[v], NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(db, pragma, NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
            snprintf(err, errlen, "migration %d failed: %s", v + 1, msg ? msg : "?");
            sqlite3_free(msg);
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return LB_EIO;
        }
    }
    return 0;
}

/* The checkpointer: a PASSIVE checkpoint every second until the store closes. */
static void *checkpointer(void *arg)
{
    lora_store *s = arg;
    pthread_mutex_lock(&s->ckpt_lock);
    while (s->ckpt_running) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        pthread_cond_timedwait(&s->ckpt_cond, &s->ckpt_lock, &until);
        if (s->ckpt_running)
            sqlite3_wal_checkpoint_v2(s->ckpt_db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    }
    pthread_mutex_unlock(&s->ckpt_lock);
    return NULL;
}

static int checkpointer_start(lora_store *s, const char *path, char *err, size_t errlen)
{
    if (sqlite3_open(path, &s->ckpt_db) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s: %s", path, sqlite3_errmsg(s->ckpt_db));
        return LB_EIO;
    }
    sqlite3_busy_timeout(s->ckpt_db, 1000);
    sqlite3_exec(s->db, "PRAGMA wal_autocheckpoint=0", NULL, NULL, NULL);
    s->ckpt_running = true;
    if (pthread_create(&s->ckpt, NULL, checkpointer, s) != 0) {
        s->ckpt_running = false;
        snprintf(err, errlen, "cannot start the checkpointer");
        return LB_ENOMEM;
    }
    return 0;
}

lora_store *lora_store_open(const char *path, const uint8_t *kek, size_t kek_len, char *err,
                            size_t errlen)
{
    lora_store *s = calloc(1, sizeof *s);
    if (!s || kek_len > sizeof s->kek) {
        snprintf(err, errlen, "out of memory");
        free(s);
        return NULL;
    }
    memcpy(s->kek, kek, kek_len);
    s->kek_len = kek_len;
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_init(&s->ckpt_lock, NULL);
    pthread_cond_init(&s->ckpt_cond, NULL);
    if (sqlite3_open(path, &s->db) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s: %s", path, sqlite3_errmsg(s->db));
        goto fail;
    }
    sqlite3_busy_timeout(s->db, 5000);
    sqlite3_exec(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
    if (migrate(s->db, err, errlen) != 0)
        goto fail;
    if (sqlite3_prepare_v2(s->db,
                           "UPDATE lora_devices SET fcnt_up = ?, nfcnt_down = ?, afcnt_down = ?"
                           " WHERE dev_eui = ?",
                           -1, &s->counters, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot prepare: %s", sqlite3_errmsg(s->db));
        goto fail;
    }
    if (checkpointer_start(s, path, err, errlen) != 0)
        goto fail;
    return s;
fail:
    lora_store_close(s);
    return NULL;
}

void lora_store_close(lora_store *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->ckpt_lock);
    bool joined = s->ckpt_running;
    s->ckpt_running = false;
    pthread_cond_signal(&s->ckpt_cond);
    pthread_mutex_unlock(&s->ckpt_lock);
    if (joined)
        pthread_join(s->ckpt, NULL);
    sqlite3_close(s->ckpt_db);
    sqlite3_finalize(s->counters);
    sqlite3_close(s->db);
    pthread_mutex_destroy(&s->lock);
    pthread_mutex_destroy(&s->ckpt_lock);
    pthread_cond_destroy(&s->ckpt_cond);
    sodium_memzero(s->kek, sizeof s->kek);
    free(s);
}

/* Binds key wrapped under the KEK to parameter i. */
static int bind_key(lora_store *s, sqlite3_stmt *st, int i, const uint8_t key[LW_KEY_LEN])
{
    uint8_t w[WRAPPED];
    if (lw_key_wrap(s->kek, s->kek_len, key, w) != 0)
        return LB_EIO;
    return sqlite3_bind_blob(st, i, w, WRAPPED, SQLITE_TRANSIENT) == SQLITE_OK ? 0 : LB_EIO;
}

/* Unwraps column i into key; false when absent or not ours (wrong KEK). */
static bool column_key(lora_store *s, sqlite3_stmt *st, int i, uint8_t key[LW_KEY_LEN])
{
    if (sqlite3_column_bytes(st, i) != WRAPPED)
        return false;
    return lw_key_unwrap(s->kek, s->kek_len, sqlite3_column_blob(st, i), key) == 0;
}

#define DEVICE_COLUMNS                                                                          \
    "dev_eui, join_eui, channel_id, thing_id, mac_version, region, class, otaa, app_key,"      \
    " nwk_key, dev_addr, f_nwk_s_int, s_nwk_s_int, nwk_s_enc, app_s, v11, fcnt_up,"            \
    " nfcnt_down, afcnt_down, dev_nonce, join_nonce, rx1_dr_offset, rx2_dr, rx_delay, codec"

/* A device from a row of DEVICE_COLUMNS, or NULL (a key that does not unwrap is an error:
 * the KEK is not the one the keys were stored with). */
static lora_dev *device_row(lora_store *s, sqlite3_stmt *st)
{
    lora_dev *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->dev_eui = (uint64_t)sqlite3_column_int64(st, 0);
    d->join_eui = (uint64_t)sqlite3_column_int64(st, 1);
    snprintf(d->channel, sizeof d->channel, "%s", sqlite3_column_text(st, 2));
    snprintf(d->thing, sizeof d->thing, "%s", sqlite3_column_text(st, 3));
    d->version = sqlite3_column_int(st, 4);
    d->region = lw_region_find((const char *)sqlite3_column_text(st, 5));
    d->cls = (char)sqlite3_column_text(st, 6)[0];
    d->otaa = sqlite3_column_int(st, 7);
    bool ok = d->region != NULL;
    if (d->otaa)
        ok = ok && column_key(s, st, 8, d->app_key) &&
             (d->version != LW_V1_1 || column_key(s, st, 9, d->nwk_key));
    if (d->otaa && d->version != LW_V1_1)
        memcpy(d->nwk_key, d->app_key, LW_KEY_LEN);
    if (sqlite3_column_type(st, 10) != SQLITE_NULL) {
        d->has_session = true;
        d->s.dev_addr = (uint32_t)sqlite3_column_int64(st, 10);
        ok = ok && column_key(s, st, 11, d->s.f_nwk_s_int) &&
             column_key(s, st, 12, d->s.s_nwk_s_int) && column_key(s, st, 13, d->s.nwk_s_enc) &&
             column_key(s, st, 14, d->s.app_s);
        d->s.v11 = sqlite3_column_int(st, 15);
    }
    d->has_fcnt_up = sqlite3_column_type(st, 16) != SQLITE_NULL;
    d->fcnt_up = (uint32_t)sqlite3_column_int64(st, 16);
    d->nfcnt_down = (uint32_t)sqlite3_column_int64(st, 17);
    d->afcnt_down = (uint32_t)sqlite3_column_int64(st, 18);
    d->has_dev_nonce = sqlite3_column_type(st, 19) != SQLITE_NULL;
    d->dev_nonce = (uint16_t)sqlite3_column_int(st, 19);
    d->join_nonce = (uint32_t)sqlite3_column_int64(st, 20);
    d->rx1_dr_offset = (uint8_t)sqlite3_column_int(st, 21);
    d->rx2_dr = (uint8_t)sqlite3_column_int(st, 22);
    d->rx_delay = (uint8_t)sqlite3_column_int(st, 23);
    if (!ok) {
        free(d);
        return NULL;
    }
    return d;
}

int lora_store_load(lora_store *s, int (*cb)(lora_dev *d, const char *codec, void *arg),
                    void *arg)
{
    sqlite3_stmt *st;
    int rc = 0;
    pthread_mutex_lock(&s->lock);
    if (sqlite3_prepare_v2(s->db, "SELECT " DEVICE_COLUMNS " FROM lora_devices", -1, &st,
                           NULL) != SQLITE_OK) {
        pthread_mutex_unlock(&s->lock);
        return LB_EIO;
    }
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        lora_dev *d = device_row(s, st);
        rc = d ? cb(d, (const char *)sqlite3_column_text(st, 24), arg) : LB_EIO;
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* Binds the session and counters of d at parameters first..first+13. */
static int bind_session(lora_store *s, sqlite3_stmt *st, int i, const lora_dev *d)
{
    int rc = 0;
    if (d->has_session) {
        sqlite3_bind_int64(st, i, d->s.dev_addr);
        rc = bind_key(s, st, i + 1, d->s.f_nwk_s_int) || bind_key(s, st, i + 2, d->s.s_nwk_s_int) ||
             bind_key(s, st, i + 3, d->s.nwk_s_enc) || bind_key(s, st, i + 4, d->s.app_s);
    }
    sqlite3_bind_int(st, i + 5, d->s.v11);
    if (d->has_fcnt_up)
        sqlite3_bind_int64(st, i + 6, d->fcnt_up);
    sqlite3_bind_int64(st, i + 7, d->nfcnt_down);
    sqlite3_bind_int64(st, i + 8, d->afcnt_down);
    if (d->has_dev_nonce)
        sqlite3_bind_int(st, i + 9, d->dev_nonce);
    sqlite3_bind_int64(st, i + 10, d->join_nonce);
    sqlite3_bind_int(st, i + 11, d->rx1_dr_offset);
    sqlite3_bind_int(st, i + 12, d->rx2_dr);
    sqlite3_bind_int(st, i + 13, d->rx_delay);
    return rc ? LB_EIO : 0;
}

/* Steps st to completion and finalizes it: 0, LB_EEXIST on a constraint, LB_EIO. */
static int run(sqlite3_stmt *st)
{
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r == SQLITE_DONE || r == SQLITE_ROW)
        return 0;
    return r == SQLITE_CONSTRAINT ? LB_EEXIST : LB_EIO;
}

int lora_store_device_add(lora_store *s, const lora_dev *d, const char *owner, const char *name,
                          const char *profile_id, const json_t *codec)
{
    sqlite3_stmt *st;
    pthread_mutex_lock(&s->lock);
    int rc = LB_EIO;
    if (sqlite3_prepare_v2(
            s->db,
            "INSERT INTO lora_devices (dev_eui, owner, name, join_eui, channel_id, thing_id,"
            " mac_version, region, class, profile_id, codec, otaa, app_key, nwk_key, dev_addr,"
            " f_nwk_s_int, s_nwk_s_int, nwk_s_enc, app_s, v11, fcnt_up, nfcnt_down, afcnt_down,"
            " dev_nonce, join_nonce, rx1_dr_offset, rx2_dr, rx_delay, created) VALUES (?, ?, ?,"
            " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " strftime('%s', 'now'))",
            -1, &st, NULL) != SQLITE_OK)
        goto out;
    char cls[2] = {d->cls, 0};
    char *codec_text = codec ? json_dumps(codec, JSON_COMPACT) : NULL;
    sqlite3_bind_int64(st, 1, (int64_t)d->dev_eui);
    sqlite3_bind_text(st, 2, owner, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, name ? name : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (int64_t)d->join_eui);
    sqlite3_bind_text(st, 5, d->channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, d->thing, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, d->version);
    sqlite3_bind_text(st, 8, d->region->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, cls, -1, SQLITE_STATIC);
    if (profile_id)
        sqlite3_bind_text(st, 10, profile_id, -1, SQLITE_STATIC);
    if (codec_text)
        sqlite3_bind_text(st, 11, codec_text, -1, free);
    sqlite3_bind_int(st, 12, d->otaa);
    rc = 0;
    if (d->otaa)
        rc = bind_key(s, st, 13, d->app_key) || bind_key(s, st, 14, d->nwk_key) ? LB_EIO : 0;
    if (rc == 0)
        rc = bind_session(s, st, 15, d);
    rc = rc ? (sqlite3_finalize(st), rc) : run(st);
out:
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int lora_store_session_save(lora_store *s, const lora_dev *d)
{
    sqlite3_stmt *st;
    int rc = LB_EIO;
    pthread_mutex_lock(&s->lock);
    if (sqlite3_prepare_v2(s->db,
                           "UPDATE lora_devices SET dev_addr = ?, f_nwk_s_int = ?,"
                           " s_nwk_s_int = ?, nwk_s_enc = ?, app_s = ?, v11 = ?, fcnt_up = ?,"
                           " nfcnt_down = ?, afcnt_down = ?, dev_nonce = ?, join_nonce = ?,"
                           " rx1_dr_offset = ?, rx2_dr = ?, rx_delay = ? WHERE dev_eui = ?",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 15, (int64_t)d->dev_eui);
        rc = bind_session(s, st, 1, d);
        rc = rc ? (sqlite3_finalize(st), rc) : run(st);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int lora_store_counters_save(lora_store *s, const lora_counters *c, size_t n)
{
    int rc = 0;
    pthread_mutex_lock(&s->lock);
    if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        pthread_mutex_unlock(&s->lock);
        return LB_EIO;
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        sqlite3_stmt *st = s->counters;
        sqlite3_bind_int64(st, 1, c[i].fcnt_up);
        sqlite3_bind_int64(st, 2, c[i].nfcnt_down);
        sqlite3_bind_int64(st, 3, c[i].afcnt_down);
        sqlite3_bind_int64(st, 4, (int64_t)c[i].dev_eui);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = LB_EIO;
        sqlite3_reset(st);
    }
    if (sqlite3_exec(s->db, rc == 0 ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
        rc = LB_EIO;
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int lora_store_dev_nonce_use(lora_store *s, uint64_t dev_eui, uint16_t nonce)
{
    sqlite3_stmt *st;
    int rc = LB_EIO;
    pthread_mutex_lock(&s->lock);
    if (sqlite3_prepare_v2(s->db, "INSERT INTO lora_dev_nonces (dev_eui, nonce) VALUES (?, ?)",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, (int64_t)dev_eui);
        sqlite3_bind_int(st, 2, nonce);
        rc = run(st);
        rc = rc == LB_EEXIST ? 1 : rc;
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* Prepares sql under the lock (the caller unlocks); NULL on failure. */
static sqlite3_stmt *prepare(lora_store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    pthread_mutex_lock(&s->lock);
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        st = NULL;
    return st;
}

/* Binds owner (NULL: any) to parameter i; the SQL reads "(?i IS NULL OR owner = ?i)". */
static void bind_owner(sqlite3_stmt *st, int i, const char *owner)
{
    if (owner)
        sqlite3_bind_text(st, i, owner, -1, SQLITE_STATIC);
}

static const char *text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

/* The public shape of a device row (DEVICE_PUBLIC columns). */
#define DEVICE_PUBLIC                                                                           \
    "dev_eui, join_eui, name, channel_id, thing_id, mac_version, region, class, profile_id,"   \
    " codec, otaa, dev_addr, fcnt_up, nfcnt_down, afcnt_down, created"

static json_t *device_json(sqlite3_stmt *st)
{
    char eui[17], join[17], addr[9];
    lora_eui_format((uint64_t)sqlite3_column_int64(st, 0), eui);
    lora_eui_format((uint64_t)sqlite3_column_int64(st, 1), join);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I}",
                          "dev_eui", eui, "join_eui", join, "name", text(st, 2), "channel_id",
                          text(st, 3), "thing_id", text(st, 4), "mac_version",
                          lw_version_name(sqlite3_column_int(st, 5)), "region", text(st, 6),
                          "class", text(st, 7), "activation",
                          sqlite3_column_int(st, 10) ? "otaa" : "abp", "f_cnt_down",
                          (json_int_t)sqlite3_column_int64(st, 13), "a_f_cnt_down",
                          (json_int_t)sqlite3_column_int64(st, 14), "created_at",
                          (json_int_t)sqlite3_column_int64(st, 15));
    if (!o)
        return NULL;
    if (sqlite3_column_type(st, 8) != SQLITE_NULL)
        json_object_set_new(o, "profile_id", json_string(text(st, 8)));
    if (sqlite3_column_type(st, 9) != SQLITE_NULL)
        json_object_set_new(o, "codec", json_loads(text(st, 9), 0, NULL));
    if (sqlite3_column_type(st, 11) != SQLITE_NULL) {
        snprintf(addr, sizeof addr, "%08X", (uint32_t)sqlite3_column_int64(st, 11));
        json_object_set_new(o, "dev_addr", json_string(addr));
    }
    if (sqlite3_column_type(st, 12) != SQLITE_NULL)
        json_object_set_new(o, "f_cnt_up", json_integer(sqlite3_column_int64(st, 12)));
    return o;
}

int lora_store_device_get(lora_store *s, const char *owner, uint64_t dev_eui, json_t **out)
{
    sqlite3_stmt *st = prepare(s, "SELECT " DEVICE_PUBLIC " FROM lora_devices WHERE dev_eui = ?1"
                                  " AND (?2 IS NULL OR owner = ?2)");
    int rc = LB_EIO;
    if (st) {
        sqlite3_bind_int64(st, 1, (int64_t)dev_eui);
        bind_owner(st, 2, owner);
        rc = sqlite3_step(st) == SQLITE_ROW ? 0 : LB_ENOTFOUND;
        if (rc == 0 && !(*out = device_json(st)))
            rc = LB_ENOMEM;
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int lora_store_device_list(lora_store *s, const char *owner, long offset, long limit,
                           json_t **items, long *total)
{
    sqlite3_stmt *st = prepare(s, "SELECT " DEVICE_PUBLIC ", count(*) OVER () FROM lora_devices"
                                  " WHERE ?1 IS NULL OR owner = ?1 ORDER BY dev_eui"
                                  " LIMIT ?2 OFFSET ?3");
    int rc = st ? 0 : LB_EIO;
    *items = json_array();
    *total = 0;
    if (st) {
        bind_owner(st, 1, owner);
        sqlite3_bind_int64(st, 2, limit);
        sqlite3_bind_int64(st, 3, offset);
        while (sqlite3_step(st) == SQLITE_ROW) {
            json_array_append_new(*items, device_json(st));
            *total = sqlite3_column_int64(st, 16);
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    if (rc == 0 && *total == 0 && offset > 0) {
        /* past the end: the window function saw no row, count separately */
        st = prepare(s, "SELECT count(*) FROM lora_devices WHERE ?1 IS NULL OR owner = ?1");
        if (st) {
            bind_owner(st, 1, owner);
            if (sqlite3_step(st) == SQLITE_ROW)
                *total = sqlite3_column_int64(st, 0);
            sqlite3_finalize(st);
        }
        pthread_mutex_unlock(&s->lock);
    }
    return rc;
}

/* Runs a statement whose first parameters are bound by the caller and whose effect must
 * touch one row: 0, LB_ENOTFOUND when none, LB_EIO. The caller holds the lock. */
static int run_one(lora_store *s, sqlite3_stmt *st)
{
    int rc = run(st);
    if (rc == 0 && sqlite3_changes(s->db) == 0)
        rc = LB_ENOTFOUND;
    return rc;
}

int lora_store_device_update(lora_store *s, const char *owner, uint64_t dev_eui,
                             const char *name, char cls)
{
    sqlite3_stmt *st = prepare(s, "UPDATE lora_devices SET name = coalesce(?3, name),"
                                  " class = coalesce(?4, class) WHERE dev_eui = ?1"
                                  " AND (?2 IS NULL OR owner = ?2)");
    int rc = LB_EIO;
    if (st) {
        char c[2] = {cls, 0};
        sqlite3_bind_int64(st, 1, (int64_t)dev_eui);
        bind_owner(st, 2, owner);
        if (name)
            sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
        if (cls)
            sqlite3_bind_text(st, 4, c, -1, SQLITE_TRANSIENT);
        rc = run_one(s, st);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int lora_store_device_set_codec(lora_store *s, const char *owner, uint64_t dev_eui,
                                const json_t *codec)
{
    char *text = codec ? json_dumps(codec, JSON_COMPACT) : NULL;
    sqlite3_stmt *st = prepare(s, "UPDATE lora_devices SET codec = ?3 WHERE dev_eui = ?1"
                                  " AND (?2 IS NULL OR owner = ?2)");
    int rc = LB_EIO;
    if (st) {
        sqlite3_bind_int64(st, 1, (int64_t)dev_eui);
        bind_owner(st, 2, owner);
        if (text)
            sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
        rc = run_one(s, st);
    }
    pthread_mutex_unlock(&s->lock);
    free(text);
    return rc;
}

int lora_store_device_delete(lora_store *s, const char *owner, uint64_t dev_eui)
{
    sqlite3_stmt *st = prepare(s, "DELETE FROM lora_devices WHERE dev_eui = ?1"
                                  " AND (?2 IS NULL OR owner = ?2)");
    int rc = LB_EIO;
    if (st) {
        sqlite3_bind_int64(st, 1, (int64_t)dev_eui);
        bind_owner(st, 2, owner);
        rc = run_one(s, st);
    }
    if (rc == 0) {
        sqlite3_stmt *n = NULL;
        if (sqlite3_prepare_v2(s->db, "DELETE FROM lora_dev_nonces WHERE dev_eui = ?", -1, &n,
                               NULL) == SQLITE_OK) {
            sqlite3_bind_int64(n, 1, (int64_t)dev_eui);
            run(n);
        }
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* ---- gateways ---- */

int lora_store_gateway_add(lora_store *s, const char *owner, uint64_t eui, const char *name,
                           const char *region)
{
    sqlite3_stmt *st = prepare(s, "INSERT INTO lora_gateways (gateway_eui, owner, name, region,"
                                  " created) VALUES (?, ?, ?, ?, strftime('%s', 'now'))");
    int rc = LB_EIO;
    if (st) {
        sqlite3_bind_int64(st, 1, (int64_t)eui);
        sqlite3_bind_text(st, 2, owner, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, name ? name : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, region, -1, SQLITE_STATIC);
        rc = run(st);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static json_t *gateway_json(sqlite3_stmt *st)
{
    char eui[17];
    lora_eui_format((uint64_t)sqlite3_column_int64(st, 0), eui);
    json_t *o = json_pack("{s:s, s:s, s:s, s:I}", "gateway_eui", eui, "name", text(st, 1),
                          "region", text(st, 2), "created_at",
                          (json_int_t)sqlite3_column_int64(st, 7));
    if (o && sqlite3_column_type(st, 3) != SQLITE_NULL) {
        char when[40];
        lora_time_format(sqlite3_column_int64(st, 3), when);
        json_object_set_new(o, "last_seen", json_string(when));
    }
    if (o && sqlite3_column_type(st, 4) != SQLITE_NULL)
        json_object_set_new(o, "location",
                            json_pack("{s:f, s:f, s:I}", "latitude", sqlite3_column_double(st, 4),
                                      "longitude", sqlite3_column_double(st, 5), "altitude",
                                      (json_int_t)sqlite3_column_int64(st, 6)));
    return o;
}

#define GATEWAY_PUBLIC "gateway_eui, name, region, last_seen, lat, lon, alt, created"

int lora_store_gateway_get(lora_store *s, const char *owner, uint64_t eui, json_t **out)
{
    sqlite3_stmt *st = prepare(s, "SELECT " GATEWAY_PUBLIC " FROM lora_gateways"
                                  " WHERE gateway_eui = ?1 AND (?2 IS NULL OR owner = ?2)");
    int rc = LB_EIO;
    if (st) {
        sqlite3_bind_int64(st, 1, (int64_t)eui);
        bind_owner(st, 2, owner);
        rc = sqlite3_step(st) == SQLITE_ROW ? 0 : LB_ENOTFOUND;
        if (rc == 0)
            *out = gateway_json(st);
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int lora_store_gateway_list(lora_store *s, const char *owner, json_t **items)
{
    sqlite3_stmt *st = prepare(s, "SELECT " GATEWAY_PUBLIC " FROM lora_gateways"
                                  " WHERE ?1 IS NULL OR owner = ?1 ORDER BY gateway_eui");
    *items = json_array();
    if (st) {
        bind_owner(st, 1, owner);
        while (sqlite3_step(st) == SQLITE_ROW)
            json_array_append_new(*items, gateway_json(st));
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    return st ? 0 : LB_EIO;
}

int lora_store_gateway_delete(lora_store *s, const char *owner, uint64_t eui)
{
    sqlite3_stmt *st = prepare(s, "DELETE FROM lora_gateways WHERE gateway_eui = ?1"
                                  " AND (?2 IS NULL OR owner = ?2)");
    int rc = LB_EIO;
    if (st) {
        sqlite3_bind_int64(st, 1, (int64_t)eui);
        bind_owner(st, 2, owner);
        rc = run_one(s, st);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int lora_store_gateway_seen(lora_store *s, uint64_t eui, int64_t now_ns, const sm_stat *stat)
{
    sqlite3_stmt *st = prepare(s, "UPDATE lora_gateways SET last_seen = ?2,"
                                  " lat = coalesce(?3, lat), lon = coalesce(?4, lon),"
                                  " alt = coalesce(?5, alt) WHERE gateway_eui = ?1");
    int rc = LB_EIO;
    if (st) {
        sqlite3_bind_int64(st, 1, (int64_t)eui);
        sqlite3_bind_int64(st, 2, now_ns);
        if (stat && stat->has_location) {
            sqlite3_bind_double(st, 3, stat->lat);
            sqlite3_bind_double(st, 4, stat->lon);
            sqlite3_bind_int(st, 5, stat->alt);
        }
        rc = run(st);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int lora_store_gateway_each(lora_store *s, void (*cb)(uint64_t eui, void *arg), void *arg)
{
    sqlite3_stmt *st = prepare(s, "SELECT gateway_eui FROM lora_gateways");
    if (st) {
        while (sqlite3_step(st) == SQLITE_ROW)
            cb((uint64_t)sqlite3_column_int64(st, 0), arg);
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    return st ? 0 : LB_EIO;
}

/* ---- profiles ---- */

int lora_store_profile_add(lora_store *s, const char *owner, const char *id, json_t *profile)
{
    char *body = json_dumps(profile, JSON_COMPACT);
    sqlite3_stmt *st = prepare(s, "INSERT INTO lora_profiles (id, owner, body) VALUES (?, ?, ?)");
    int rc = body ? LB_EIO : LB_ENOMEM;
    if (st && body) {
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, owner, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, body, -1, SQLITE_STATIC);
        rc = run(st);
    } else if (st) {
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    free(body);
    return rc;
}

int lora_store_profile_get(lora_store *s, const char *owner, const char *id, json_t **out)
{
    sqlite3_stmt *st = prepare(s, "SELECT body FROM lora_profiles WHERE id = ?1"
                                  " AND (?2 IS NULL OR owner = ?2)");
    int rc = LB_EIO;
    if (st) {
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        bind_owner(st, 2, owner);
        rc = sqlite3_step(st) == SQLITE_ROW ? 0 : LB_ENOTFOUND;
        if (rc == 0 && !(*out = json_loads(text(st, 0), 0, NULL)))
            rc = LB_EIO;
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int lora_store_profile_list(lora_store *s, const char *owner, json_t **items)
{
    sqlite3_stmt *st = prepare(s, "SELECT body FROM lora_profiles WHERE ?1 IS NULL OR owner = ?1"
                                  " ORDER BY id");
    *items = json_array();
    if (st) {
        bind_owner(st, 1, owner);
        while (sqlite3_step(st) == SQLITE_ROW)
            json_array_append_new(*items, json_loads(text(st, 0), 0, NULL));
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    return st ? 0 : LB_EIO;
}

int lora_store_profile_delete(lora_store *s, const char *owner, const char *id)
{
    sqlite3_stmt *st = prepare(s, "DELETE FROM lora_profiles WHERE id = ?1"
                                  " AND (?2 IS NULL OR owner = ?2)");
    int rc = LB_EIO;
    if (st) {
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        bind_owner(st, 2, owner);
        rc = run_one(s, st);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}
