/* Users and tokens:
 *   POST  /users           {"email", "password", "admin"?}  201 + Location   (admin token, or
 *                          none when LB_OPEN_REGISTRATION is on; only an admin makes admins)
 *   POST  /tokens          {"email", "password"}            201 {"token"}
 *   GET   /users/profile                                    200 {"id", "email", "admin"}
 *   PATCH /password        {"old_password", "password"}     200 */
#include "things.h"

#include <lyrebird/error.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD_MIN 8
#define PASSWORD_MAX 1024

static int valid_email(const char *e)
{
    size_t n = strlen(e);
    const char *at = strchr(e, '@');
    if (n < 3 || n > 254 || !at || at == e || !at[1] || strchr(at + 1, '@'))
        return 0;
    for (const unsigned char *p = (const unsigned char *)e; *p; p++)
        if (isspace(*p) || iscntrl(*p))
            return 0;
    return 1;
}

static int valid_password(const char *p, lb_http_resp *resp)
{
    size_t n = strlen(p);
    if (n < PASSWORD_MIN || n > PASSWORD_MAX) {
        lb_http_resp_error(resp, 400, "password must have %d to %d characters", PASSWORD_MIN,
                           PASSWORD_MAX);
        return 0;
    }
    return 1;
}

static json_t *user_json(const ts_user *u)
{
    return json_pack("{s:s, s:s, s:b}", "id", u->id, "email", u->email, "admin", u->admin);
}

int things_user_create(things *t, const char *email, const char *password, int admin, ts_user *out)
{
    ts_user u = {.admin = admin};
    things_uuid(u.id);
    snprintf(u.email, sizeof u.email, "%s", email);
    int rc = things_password_hash(password, u.hash);
    if (rc == 0)
        rc = ts_user_create(t->store, &u);
    if (rc == 0 && out)
        *out = u;
    return rc;
}

static int create_user(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    things *t = arg;
    caller c = {0};
    int have_caller = lb_http_header(req, "Authorization") != NULL;
    if ((have_caller || !t->open_registration) && things_authenticate(t, req, resp, &c) != 0)
        return 0;
    if (!t->open_registration && !c.admin) {
        lb_http_resp_error(resp, 403, "only an admin can create users");
        return 0;
    }
    json_t *body = things_json_body(req, resp);
    const char *email = NULL, *password = NULL;
    int admin = 0;
    json_error_t jerr;
    if (!body)
        return 0;
    if (json_unpack_ex(body, &jerr, 0, "{s:s, s:s, s?b}", "email", &email, "password", &password,
                       "admin", &admin) != 0) {
        lb_http_resp_error(resp, 400, "expected {\"email\": string, \"password\": string}: %s",
                           jerr.text);
    } else if (!valid_email(email)) {
        lb_http_resp_error(resp, 400, "'%s' is not an email address", email);
    } else if (valid_password(password, resp)) {
        ts_user u;
        if (admin && !c.admin) {
            lb_http_resp_error(resp, 403, "only an admin can create admins");
        } else {
            int rc = things_user_create(t, email, password, admin, &u);
            if (rc != 0) {
                things_store_error(resp, rc, "a user with this email");
            } else {
                char location[TS_ID_MAX + 8];
                snprintf(location, sizeof location, "/users/%s", u.id);
                things_reply(resp, 201, user_json(&u));
                lb_http_resp_header(resp, "Location", location);
                t->host->log(t->host, LB_LOG_INFO, "user created", "id=%s admin=%d", u.id, u.admin);
            }
        }
    }
    json_decref(body);
    return 0;
}

static int create_token(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    things *t = arg;
    json_t *body = things_json_body(req, resp);
    const char *email = NULL, *password = NULL;
    json_error_t jerr;
    if (!body)
        return 0;
    ts_user u;
    if (json_unpack_ex(body, &jerr, 0, "{s:s, s:s}", "email", &email, "password", &password) != 0) {
        lb_http_resp_error(resp, 400, "expected {\"email\": string, \"password\": string}: %s",
                           jerr.text);
    } else if (ts_user_by_email(t->store, email, &u) != 0 ||
               things_password_verify(u.hash, password) != 0) {
        t->host->counter_add(t->logins_failed, 1);
        lb_http_resp_error(resp, 401, "wrong email or password");
    } else {
        char *token = things_token_issue(t, &u);
        things_reply(resp, 201, token ? json_pack("{s:s}", "token", token) : NULL);
        free(token);
    }
    json_decref(body);
    return 0;
}

static int profile(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    things *t = arg;
    caller c;
    ts_user u;
    if (things_authenticate(t, req, resp, &c) != 0)
        return 0;
    int rc = ts_user_by_id(t->store, c.id, &u);
    if (rc != 0)
        things_store_error(resp, rc, "user");
    else
        things_reply(resp, 200, user_json(&u));
    return 0;
}

static int change_password(const lb_http_req *req, lb_http_resp *resp, void *arg)
{
    things *t = arg;
    caller c;
    if (things_authenticate(t, req, resp, &c) != 0)
        return 0;
    json_t *body = things_json_body(req, resp);
    const char *old = NULL, *password = NULL;
    json_error_t jerr;
    ts_user u;
    char hash[TS_HASH_MAX];
    if (!body)
        return 0;
    if (json_unpack_ex(body, &jerr, 0, "{s:s, s:s}", "old_password", &old, "password", &password) !=
        0) {
        lb_http_resp_error(
            resp, 400, "expected {\"old_password\": string, \"password\": string}: %s", jerr.text);
    } else if (ts_user_by_id(t->store, c.id, &u) != 0 || things_password_verify(u.hash, old) != 0) {
        lb_http_resp_error(resp, 403, "the old password is wrong");
    } else if (valid_password(password, resp)) {
        int rc = things_password_hash(password, hash);
        if (rc == 0)
            rc = ts_user_set_password(t->store, c.id, hash);
        if (rc != 0)
            things_store_error(resp, rc, "user");
        else
            things_reply(resp, 200, json_object());
    }
    json_decref(body);
    return 0;
}

int things_api_users(things *t)
{
    static const struct {
        const char *method, *pattern;
        lb_http_handler handler;
    } routes[] = {
        {"POST", "/users", create_user},
        {"POST", "/tokens", create_token},
        {"GET", "/users/profile", profile},
        {"PATCH", "/password", change_password},
    };
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        int rc = t->host->http_route(t->host, routes[i].method, routes[i].pattern, 64 * 1024,
                                     routes[i].handler, t);
        if (rc != 0)
            return rc;
    }
    return 0;
}
