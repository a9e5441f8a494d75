/* Authentication for the things service: argon2id password hashes (libsodium
 * crypto_pwhash_str), user tokens as JWT HS256 (RFC 7519; HMAC-SHA256 from libsodium,
 * checked in constant time), and helpers for ids and keys. */
#include "things.h"

#include <lyrebird/error.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int things_password_hash(const char *password, char *hash_out)
{
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return LB_ENOMEM;
    snprintf(hash_out, TS_HASH_MAX, "%s", hash);
    return 0;
}

int things_password_verify(const char *hash, const char *password)
{
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 ? 0 : LB_EUNAUTH;
}

static char *b64url(const void *data, size_t len)
{
    size_t n = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = malloc(n);
    if (out)
        sodium_bin2base64(out, n, data, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

static const char jwt_header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

char *things_token_issue(const things *t, const ts_user *u)
{
    long now = (long)time(NULL);
    json_t *claims = json_pack("{s:s, s:s, s:b, s:I, s:I, s:s}", "sub", u->id, "email", u->email,
                               "admin", u->admin, "iat", (json_int_t)now, "exp",
                               (json_int_t)(now + t->token_ttl_s), "iss", "lyrebird.things");
    char *payload = claims ? json_dumps(claims, JSON_COMPACT) : NULL;
    char *h64 = b64url(jwt_header, sizeof jwt_header - 1);
    char *p64 = payload ? b64url(payload, strlen(payload)) : NULL;
    char *token = NULL;
    if (h64 && p64) {
        size_t signed_len = strlen(h64) + 1 + strlen(p64);
        char *signing = malloc(signed_len + 1);
        unsigned char mac[crypto_auth_hmacsha256_BYTES];
        if (signing) {
            snprintf(signing, signed_len + 1, "%s.%s", h64, p64);
            crypto_auth_hmacsha256(mac, (unsigned char *)signing, signed_len, t->token_key);
            char *s64 = b64url(mac, sizeof mac);
            if (s64 && (token = malloc(signed_len + 2 + strlen(s64))))
                sprintf(token, "%s.%s", signing, s64);
            free(s64);
            free(signing);
        }
    }
    free(h64);
    free(p64);
    free(payload);
    json_decref(claims);
    return token;
}

/* Decodes base64url text [s, s+n) into out (cap bytes); returns the length or -1. */
static long unb64url(const char *s, size_t n, unsigned char *out, size_t cap)
{
    size_t len;
    if (sodium_base642bin(out, cap, s, n, NULL, &len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return -1;
    return (long)len;
}

int things_token_verify(const things *t, const char *token, caller *c, char *err, size_t errlen)
{
    const char *dot1 = strchr(token, '.');
    const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (!dot1 || !dot2 || strchr(dot2 + 1, '.')) {
        snprintf(err, errlen, "malformed token");
        return LB_EUNAUTH;
    }
    unsigned char header[256], payload[1024], mac[crypto_auth_hmacsha256_BYTES];
    long hl = unb64url(token, (size_t)(dot1 - token), header, sizeof header - 1);
    long pl = unb64url(dot1 + 1, (size_t)(dot2 - dot1 - 1), payload, sizeof payload - 1);
    long ml = unb64url(dot2 + 1, strlen(dot2 + 1), mac, sizeof mac);
    if (hl < 0 || pl < 0 || ml != (long)sizeof mac) {
        snprintf(err, errlen, "malformed token");
        return LB_EUNAUTH;
    }
    /* Only our own header is accepted: no "alg":"none", no algorithm confusion. */
    if ((size_t)hl != sizeof jwt_header - 1 || memcmp(header, jwt_header, (size_t)hl) != 0 ||
        crypto_auth_hmacsha256_verify(mac, (const unsigned char *)token, (size_t)(dot2 - token),
                                      t->token_key) != 0) {
        snprintf(err, errlen, "invalid token signature");
        return LB_EUNAUTH;
    }
    payload[pl] = 0;
    json_t *claims = json_loads((const char *)payload, 0, NULL);
    const char *sub = NULL, *email = NULL;
    int admin = 0;
    json_int_t exp = 0;
    int rc = LB_EUNAUTH;
    if (!claims || json_unpack(claims, "{s:s, s:s, s:b, s:I}", "sub", &sub, "email", &email,
                               "admin", &admin, "exp", &exp) != 0) {
        snprintf(err, errlen, "malformed token");
    } else if (exp <= (json_int_t)time(NULL)) {
        snprintf(err, errlen, "token expired");
    } else {
        snprintf(c->id, sizeof c->id, "%s", sub);
        snprintf(c->email, sizeof c->email, "%s", email);
        c->admin = admin;
        rc = 0;
    }
    json_decref(claims);
    return rc;
}

int things_authenticate(const things *t, const lb_http_req *req, lb_http_resp *resp, caller *c)
{
    const char *auth = lb_http_header(req, "Authorization");
    char err[LB_ERRLEN];
    if (!auth || !*auth) {
        lb_http_resp_error(resp, 401, "missing Authorization header (Bearer <token>)");
        return LB_EUNAUTH;
    }
    if (strncasecmp(auth, "Bearer ", 7) == 0)
        auth += 7;
    if (things_token_verify(t, auth, c, err, sizeof err) != 0) {
        lb_http_resp_error(resp, 401, "%s", err);
        return LB_EUNAUTH;
    }
    return 0;
}

const char *things_owner(const caller *c)
{
    return c->admin ? NULL : c->id;
}

void things_uuid(char *out)
{
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* variant 10 */
    sprintf(out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
            b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
            b[15]);
}

void things_new_key(char *out)
{
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    sodium_bin2hex(out, 33, b, sizeof b);
}
