/* The WebSocket upgrade request, checked before lws answers 101 (FILTER_PROTOCOL_CONNECTION):
 *   path          /channels/<id>/messages[/<subtopic>]; the subtopic may hold wildcards
 *                 ('*' one part, a final '>' the rest): such a connection only subscribes
 *   key           Authorization: Thing <key> | <key>, else ?authorization=<key>
 *   content type  Content-Type, else ?content-type=, default application/senml+json
 * and the key is authorized for the channel through the lb_authz cache. A refusal is an HTTP
 * response with a JSON body {"error": "<reason>"}:
 *   400 bad path or subtopic, 401 no or unknown key, 403 thing not connected to the channel,
 *   404 no such channel, 415 unsupported content type, 503 things service unreachable.
 * A cache miss asks the things service and blocks the service thread (~100 us; up to 1 s when
 * the service does not answer). */
#include "ws.h"

#include <lyrebird/bus.h>
#include <lyrebird/payload.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PATH_MAX_LEN 1024
#define KEY_MAX_LEN  512
#define CT_MAX_LEN   128

static const char path_help[] = "path must be /channels/<channel id>/messages[/<subtopic>]";

/* Writes status with {"error": reason} and returns -1, so lws drops the connection once the
 * response is out. */
static int respond(struct lws *wsi, int status, const char *reason)
{
    unsigned char buf[LWS_PRE + 1536];
    unsigned char *start = buf + LWS_PRE, *p = start, *end = buf + sizeof buf;
    json_t *obj = json_pack("{s:s}", "error", reason);
    char *body = obj ? json_dumps(obj, 0) : NULL;
    size_t len = body ? strlen(body) : 0;
    json_decref(obj);
    if (lws_add_http_common_headers(wsi, (unsigned)status, "application/json", len, &p, end) ||
        lws_finalize_http_header(wsi, &p, end) || len > (size_t)(end - p))
        goto out;
    memcpy(p, body, len);
    p += len;
    lws_write(wsi, start, (size_t)(p - start), LWS_WRITE_HTTP_HEADERS);
out:
    free(body);
    return -1;
}

static int refuse(ws_server *srv, struct lws *wsi, int status, const char *reason, const char *path)
{
    for (int i = 0; i < WS_REFUSAL_CODES; i++)
        if (ws_refusal_codes[i] == status)
            srv->host->counter_add(srv->m.refused[i], 1);
    srv->host->log(srv->host, LB_LOG_INFO, "handshake refused",
                   "status=%d reason=\"%s\" path=\"%s\"", status, reason, path);
    return respond(wsi, status, reason);
}

/* Splits /channels/<id>/messages[/<subtopic>] into conn. Returns 0 or 400 with err filled. */
static int parse_path(ws_conn *conn, const char *path, char *err, size_t errlen)
{
    static const char prefix[] = "/channels/", suffix[] = "/messages";
    char subject[LB_SUBJECT_MAX];
    if (strncmp(path, prefix, sizeof prefix - 1) != 0)
        goto bad;
    const char *id = path + sizeof prefix - 1;
    size_t id_len = strcspn(id, "/");
    const char *rest = id + id_len;
    if (id_len == 0 || strncmp(rest, suffix, sizeof suffix - 1) != 0)
        goto bad;
    rest += sizeof suffix - 1;
    if (*rest && *rest != '/')
        goto bad;
    if (id_len > WS_CHANNEL_MAX) {
        snprintf(err, errlen, "channel id longer than %d characters", WS_CHANNEL_MAX);
        return 400;
    }
    memcpy(conn->channel, id, id_len);
    conn->channel[id_len] = '\0';
    if (lb_subject_build(conn->channel, NULL, 0, subject, sizeof subject, err, errlen) != 0 ||
        lb_subtopic_normalize(rest, 1, conn->subtopic, sizeof conn->subtopic, err, errlen) != 0)
        return 400;
    conn->wildcard = strpbrk(conn->subtopic, "*>") != NULL;
    return 0;
bad:
    snprintf(err, errlen, "%s", path_help);
    return 400;
}

/* Copies header token (or, when absent, query argument arg, given as "name=") into out. Returns its
 * length, 0 when absent, or -1 when longer than outlen - 1. */
static int header_or_arg(struct lws *wsi, enum lws_token_indexes token, const char *arg, char *out,
                         int outlen)
{
    int n = lws_hdr_total_length(wsi, token);
    if (n > 0)
        return n < outlen && lws_hdr_copy(wsi, out, outlen, token) == n ? n : -1;
    char tmp[KEY_MAX_LEN + 32];
    const char *v = lws_get_urlarg_by_name(wsi, arg, tmp, (int)sizeof tmp);
    if (!v)
        return 0;
    n = (int)strlen(v);
    if (n >= outlen)
        return -1;
    memcpy(out, v, (size_t)n + 1);
    return n;
}

/* The thing key: "Thing <key>" or a bare key. NULL when there is none. */
static const char *thing_key(char *auth, int n)
{
    if (n <= 0)
        return NULL;
    if (strncasecmp(auth, "Thing ", 6) == 0)
        auth += 6;
    while (*auth == ' ')
        auth++;
    return *auth ? auth : NULL;
}

int ws_handshake(ws_server *srv, ws_conn *conn, struct lws *wsi)
{
    char path[PATH_MAX_LEN], auth[KEY_MAX_LEN], ctype[CT_MAX_LEN], err[LB_ERRLEN];
    if (lws_hdr_copy(wsi, path, sizeof path, WSI_TOKEN_GET_URI) <= 0)
        return refuse(srv, wsi, 400, path_help, "-");
    int status = parse_path(conn, path, err, sizeof err);
    if (status != 0)
        return refuse(srv, wsi, status, err, path);
    int n = header_or_arg(wsi, WSI_TOKEN_HTTP_AUTHORIZATION, "authorization=", auth, sizeof auth);
    const char *key = thing_key(auth, n);
    if (!key)
        return refuse(srv, wsi, 401,
                      n < 0 ? "thing key too long"
                            : "missing thing key: send Authorization: Thing <key> or "
                              "?authorization=<key>",
                      path);
    n = header_or_arg(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE, "content-type=", ctype, sizeof ctype);
    conn->ct = n < 0 ? NULL : lb_payload_type(n ? ctype : NULL, LB_CT_SENML);
    if (!conn->ct)
        return refuse(srv, wsi, 415,
                      "content type must be application/senml+json, application/json, "
                      "application/octet-stream or text/plain",
                      path);
    int rc = lb_authz_key(srv->authz, key, conn->channel, conn->thing, err, sizeof err);
    if (rc != 0)
        return refuse(srv, wsi, lb_authz_status(rc), err, path);
    conn->srv = srv;
    return 0;
}

int ws_http_plain(ws_server *srv, struct lws *wsi)
{
    (void)srv;
    return respond(wsi, 426,
                   "this port speaks WebSocket: open ws://<host>/channels/<id>/messages"
                   "[/<subtopic>] with Upgrade: websocket");
}
