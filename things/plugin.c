/* The `things` plugin: users, tokens, things, channels and connections over REST, and the
 * authorization responder on the bus. Settings:
 *   LB_DB_URL               postgres://... or an SQLite path (default <data>/things.db)
 *   LB_TOKEN_SECRET         signs user tokens; instances of a cluster must share it (default:
 *                           32 random bytes kept in <data>/token.key)
 *   LB_TOKEN_TTL            token lifetime in seconds (36000)
 *   LB_OPEN_REGISTRATION    anyone may POST /users (false: only admins)
 *   LB_ADMIN_EMAIL, LB_ADMIN_PASSWORD   the first admin, created at start when missing; without
 *                           them and with no user at all, admin@localhost gets a random
 *                           password written to <data>/admin-password
 *   LB_THINGS_AUTHZ_WORKERS authorization responders in this process (4) */
#include "things.h"

#include <lyrebird/config.h>
#include <lyrebird/error.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NAME "things"

static int read_settings(things *t, char *err, size_t errlen)
{
    long ttl, workers;
    int open_reg;
    if (lb_config_int("LB_TOKEN_TTL", 36000, 60, 365L * 24 * 3600, &ttl, err, errlen) != 0 ||
        lb_config_int("LB_THINGS_AUTHZ_WORKERS", 4, 1, THINGS_AUTHZ_WORKERS_MAX, &workers, err,
                      errlen) != 0 ||
        lb_config_bool("LB_OPEN_REGISTRATION", 0, &open_reg, err, errlen) != 0)
        return LB_EINVAL;
    t->token_ttl_s = ttl;
    t->authz_workers = (int)workers;
    t->open_registration = open_reg;
    return 0;
}

/* The token signing key: from LB_TOKEN_SECRET, else from <data>/token.key (made once). */
static int load_token_key(things *t, char *err, size_t errlen)
{
    const char *secret = t->host->config(t->host, "LB_TOKEN_SECRET");
    if (secret) {
        if (strlen(secret) < 16) {
            snprintf(err, errlen, "LB_TOKEN_SECRET: must have at least 16 characters");
            return LB_EINVAL;
        }
        crypto_generichash(t->token_key, sizeof t->token_key, (const unsigned char *)secret,
                           strlen(secret), NULL, 0);
        return 0;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/token.key", t->host->data_dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, t->token_key, sizeof t->token_key);
        close(fd);
        if (n == (ssize_t)sizeof t->token_key)
            return 0;
        snprintf(err, errlen, "%.160s is damaged (expected %zu bytes); remove it to make a new one",
                 path, sizeof t->token_key);
        return LB_EIO;
    }
    randombytes_buf(t->token_key, sizeof t->token_key);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 || write(fd, t->token_key, sizeof t->token_key) != (ssize_t)sizeof t->token_key) {
        snprintf(err, errlen, "cannot write %.180s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return LB_EIO;
    }
    close(fd);
    return 0;
}

static int bootstrap_admin(things *t)
{
    const char *email = t->host->config(t->host, "LB_ADMIN_EMAIL");
    const char *password = t->host->config(t->host, "LB_ADMIN_PASSWORD");
    ts_user existing;
    if (email && password) {
        if (ts_user_by_email(t->store, email, &existing) == 0)
            return 0;
        int rc = things_user_create(t, email, password, 1, NULL);
        if (rc == 0)
            t->host->log(t->host, LB_LOG_INFO, "admin created", "email=%s", email);
        return rc;
    }
    if (email || password)
        t->host->log(t->host, LB_LOG_WARN, "set both LB_ADMIN_EMAIL and LB_ADMIN_PASSWORD", NULL);
    if (ts_user_count(t->store) != 0)
        return 0;
    char generated[33], path[4096];
    things_new_key(generated);
    snprintf(path, sizeof path, "%s/admin-password", t->host->data_dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || write(fd, generated, 32) != 32) {
        if (fd >= 0)
            close(fd);
        return LB_EIO;
    }
    close(fd);
    int rc = things_user_create(t, "admin@localhost", generated, 1, NULL);
    if (rc == 0)
        t->host->log(t->host, LB_LOG_WARN, "no admin configured: created admin@localhost",
                     "password_file=%s", path);
    return rc;
}

static int things_init(const lb_host *host, void **state)
{
    char err[LB_ERRLEN] = "";
    char url[4200];
    things *t = calloc(1, sizeof *t);
    int rc = LB_ENOMEM;
    if (!t || sodium_init() < 0)
        goto fail;
    t->host = host;
    if ((rc = read_settings(t, err, sizeof err)) != 0 ||
        (rc = load_token_key(t, err, sizeof err)) != 0)
        goto fail;
    const char *db = host->config(host, "LB_DB_URL");
    snprintf(url, sizeof url, "%s/things.db", host->data_dir);
    t->store = ts_store_open(db ? db : url, err, sizeof err);
    if (!t->store) {
        rc = LB_EIO;
        goto fail;
    }
    t->authz_granted = host->counter(host, "lb_things_authorize_total{result=\"granted\"}",
                                     "Authorization requests answered");
    t->authz_denied = host->counter(host, "lb_things_authorize_total{result=\"denied\"}",
                                    "Authorization requests answered");
    t->logins_failed = host->counter(host, "lb_things_logins_failed_total", "Refused logins");
    if ((rc = bootstrap_admin(t)) != 0) {
        snprintf(err, sizeof err, "cannot create the first admin: %s", lb_strerror(rc));
        goto fail;
    }
    if ((rc = things_api_users(t)) != 0 || (rc = things_api_entities(t)) != 0 ||
        (rc = things_api_connect(t)) != 0) {
        snprintf(err, sizeof err, "cannot register routes: %s", lb_strerror(rc));
        goto fail;
    }
    host->log(host, LB_LOG_INFO, "ready", "store=%s",
              db && strncmp(db, "postgres", 8) == 0 ? "postgres" : "sqlite");
    *state = t;
    return 0;
fail:
    host->log(host, LB_LOG_ERROR, "cannot start", "error=\"%s\"", err[0] ? err : lb_strerror(rc));
    if (t)
        ts_store_close(t->store);
    free(t);
    return rc;
}

static int things_start(void *state)
{
    int rc = things_authz_start(state);
    return rc != 0 ? rc : things_provision_start(state);
}

static int things_stop(void *state)
{
    things_provision_stop(state);
    things_authz_stop(state);
    return 0;
}

static void things_destroy(void *state)
{
    things *t = state;
    if (!t)
        return;
    ts_store_close(t->store);
    sodium_memzero(t->token_key, sizeof t->token_key);
    free(t);
}

static const lb_plugin descriptor = {
    .abi = LB_PLUGIN_ABI,
    .name = NAME,
    .version = "0.1.0",
    .init = things_init,
    .start = things_start,
    .stop = things_stop,
    .destroy = things_destroy,
};

LB_PLUGIN_EXPORT const lb_plugin *lb_plugin_entry(void)
{
    return &descriptor;
}
