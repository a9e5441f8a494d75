/* The things plugin's private header: its state and the pieces its files share.
 *   plugin.c         lifecycle, settings, first admin
 *   auth.c           passwords (argon2id), user tokens (JWT HS256), request authentication
 *   request.c        JSON bodies, paging parameters, error replies
 *   api_users.c      /users, /tokens, /users/profile, /password
 *   api_entities.c   /things and /channels (they share one implementation)
 *   api_connect.c    connections
 *   authorize.c      the things.authorize responder and things.events publisher
 *   provision.c      things.provision: plugins register things on a user's behalf */
#ifndef LB_THINGS_H
#define LB_THINGS_H

#include <jansson.h>
#include <lyrebird/plugin.h>
#include <sodium.h>

#include "store.h"

#define THINGS_AUTHZ_WORKERS_MAX 16
#define THINGS_PROVISION_SUBJECT "things.provision"

typedef struct things {
    const lb_host *host;
    ts_store *store;
    unsigned char token_key[crypto_auth_hmacsha256_KEYBYTES];
    long token_ttl_s;
    int open_registration;
    int authz_workers;
    lb_bus_sub *authz_subs[THINGS_AUTHZ_WORKERS_MAX];
    lb_bus_sub *provision_sub;
    lb_counter *authz_granted, *authz_denied, *logins_failed;
} things;

/* The authenticated caller of a user request. */
typedef struct caller {
    char id[TS_ID_MAX];
    char email[256];
    int admin;
} caller;

/* auth.c */
int things_password_hash(const char *password, char *hash_out); /* TS_HASH_MAX bytes */
int things_password_verify(const char *hash, const char *password);
/* A signed token for u, malloc'd; NULL when out of memory. */
char *things_token_issue(const things *t, const ts_user *u);
/* 0 and *c filled, or LB_EUNAUTH with err saying why (expired, bad signature, malformed). */
int things_token_verify(const things *t, const char *token, caller *c, char *err, size_t errlen);
/* Authenticates a user request by its "Authorization: Bearer <token>" header. Returns 0, or
 * fills resp with 401 and returns LB_EUNAUTH. */
int things_authenticate(const things *t, const lb_http_req *req, lb_http_resp *resp, caller *c);
/* The owner filter for c: NULL for an admin (sees all), else c's id. */
const char *things_owner(const caller *c);
/* A random UUID v4 into out (37 bytes). */
void things_uuid(char *out);
/* A random 128-bit key as 32 hex characters into out (33 bytes). */
void things_new_key(char *out);

/* request.c */
/* Parses the body as a JSON value (415 unless Content-Type is application/json, 400 when
 * malformed, naming line and column). Returns the value or NULL with resp filled. */
json_t *things_json_body(const lb_http_req *req, lb_http_resp *resp);
/* Reads offset, limit (1..100, default 10), name, metadata (a JSON object), order (name|id),
 * dir (asc|desc) from the query. 0, or LB_EINVAL with a 400 in resp. *meta_out must be
 * json_decref'd. */
int things_page(const lb_http_req *req, lb_http_resp *resp, ts_page *page, json_t **meta_out);
/* Replies with status and the JSON value (stolen). */
void things_reply(lb_http_resp *resp, int status, json_t *body);
/* Maps a store error to a reply: 404 "<what> not found", 409 "<what> already exists"
 * (conflict), 500 otherwise. */
void things_store_error(lb_http_resp *resp, int rc, const char *what);

/* authorize.c */
int things_authz_start(things *t);
void things_authz_stop(things *t);
/* Publishes an event on things.events: {"event": name, "thing_id", "channel_id", "key"}
 * (NULL fields left out). */
void things_event(things *t, const char *name, const char *thing_id, const char *channel_id,
                  const char *key);

/* provision.c */
int things_provision_start(things *t);
void things_provision_stop(things *t);

/* api_users.c: creates a user with a fresh id and the password hashed; *out filled when not
 * NULL. LB_EEXIST when the email is taken. */
int things_user_create(things *t, const char *email, const char *password, int admin, ts_user *out);

/* Route registration per file. */
int things_api_users(things *t);
int things_api_entities(things *t);
int things_api_connect(things *t);

#endif
