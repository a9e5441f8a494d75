/* What a CoAP request asks of the adapter, and POST.
 *
 * A request names coap://host/channels/<id>/messages[/<subtopic>]?auth=<thing key>. Its
 * Uri-Path options are read one by one (libcoap has already split and percent-decoded
 * them), the subtopic parts are joined and checked by lb_subtopic_normalize, and the key is
 * the Uri-Query option "auth=". Refusals carry a diagnostic payload (RFC 7252 5.5.2): a
 * sentence a person can act on.
 *
 * POST publishes the body through the deliverer, as the thing that holds the key, after
 * the Content-Format and the payload passed lb_payload_check: 2.04 Changed, or 4.00 / 4.01 /
 * 4.03 / 4.04 / 4.15 / 5.03. */
#include "coap_adapter.h"

#include <lyrebird/bus.h>
#include <lyrebird/error.h>
#include <lyrebird/payload.h>

#include <stdio.h>
#include <string.h>

/* Content-Formats accepted (RFC 7252 12.3 numbers) and the type each publishes as. */
static const struct {
    int format;
    const char *type;
} formats[] = {
    {COAP_MEDIATYPE_APPLICATION_SENML_JSON, LB_CT_SENML},
    {COAP_MEDIATYPE_APPLICATION_JSON, LB_CT_JSON},
    {COAP_MEDIATYPE_APPLICATION_OCTET_STREAM, LB_CT_BINARY},
    {COAP_MEDIATYPE_TEXT_PLAIN, "text/plain"},
};

/* Each refusal: its code, and the label it is counted under. */
static const struct {
    int code; /* as 404 */
    const char *label;
} refusals[REFUSE_COUNT] = {
    [REFUSE_400] = {400, "4.00"}, [REFUSE_401] = {401, "4.01"}, [REFUSE_403] = {403, "4.03"},
    [REFUSE_404] = {404, "4.04"}, [REFUSE_405] = {405, "4.05"}, [REFUSE_415] = {415, "4.15"},
    [REFUSE_500] = {500, "5.00"}, [REFUSE_503] = {503, "5.03"},
};

/* authz.h error codes and the refusal each becomes. */
static const struct {
    int rc;
    refusal why;
} authz_refusals[] = {
    {LB_EUNAUTH, REFUSE_401},   {LB_EPERM, REFUSE_403},    {LB_ENOTFOUND, REFUSE_404},
    {LB_ETIMEDOUT, REFUSE_503}, {LB_ENOTCONN, REFUSE_503}, {LB_EINVAL, REFUSE_400},
};

const char *coap_refusal_label(refusal why)
{
    return refusals[why].label;
}

refusal coap_refusal_of(int rc)
{
    for (size_t i = 0; i < sizeof authz_refusals / sizeof authz_refusals[0]; i++)
        if (authz_refusals[i].rc == rc)
            return authz_refusals[i].why;
    return REFUSE_500;
}

void coap_refuse(coap_adapter *a, coap_pdu_t *response, refusal why, const char *diag)
{
    int code = refusals[why].code;
    coap_pdu_set_code(response, COAP_RESPONSE_CODE(code));
    if (diag && *diag)
        coap_add_data(response, strlen(diag), (const uint8_t *)diag);
    a->host->counter_add(a->refusals[why], 1);
}

int coap_format_of(const char *content_type)
{
    const char *canon = lb_payload_type(content_type, NULL);
    for (size_t i = 0; canon && i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(formats[i].type, canon) == 0)
            return formats[i].format;
    return -1;
}

uint64_t coap_conn_of(const char *thing)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a, then a final mix (splitmix64) */
    for (const char *p = thing; *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    return h ? h : 1;
}

/* Copies an option's value as a string into out; 0, or -1 when it does not fit. */
static int opt_string(const coap_opt_t *opt, char *out, size_t outlen)
{
    size_t len = coap_opt_length(opt);
    if (len >= outlen)
        return -1;
    memcpy(out, coap_opt_value(opt), len);
    out[len] = 0;
    return 0;
}

/* Reads one Uri-Path segment (index i) into t, or into the subtopic being joined. */
static int path_segment(const coap_opt_t *opt, int i, coap_target *t, char *sub, size_t *sublen,
                        char *diag, size_t diaglen)
{
    char seg[COAP_SUBTOPIC_MAX];
    if (opt_string(opt, seg, sizeof seg) != 0) {
        snprintf(diag, diaglen, "path segment %d is too long", i + 1);
        return i >= 3 ? 1 : -1;
    }
    if ((i == 0 && strcmp(seg, "channels") != 0) || (i == 2 && strcmp(seg, "messages") != 0) ||
        (i == 1 && (!*seg || strlen(seg) >= sizeof t->channel))) {
        snprintf(diag, diaglen,
                 "no such resource: use channels/<channel id>/messages[/<subtopic>]");
        return -1;
    }
    if (i == 1)
        memcpy(t->channel, seg, strlen(seg) + 1);
    if (i < 3)
        return 0;
    size_t n = strlen(seg);
    if (*sublen + n + 2 > COAP_SUBTOPIC_MAX) {
        snprintf(diag, diaglen, "subtopic is longer than %d bytes", COAP_SUBTOPIC_MAX - 1);
        return 1;
    }
    if (*sublen)
        sub[(*sublen)++] = '/';
    memcpy(sub + *sublen, seg, n + 1);
    *sublen += n;
    return 0;
}

/* Reads one Uri-Query option; "auth=<key>" is the only one used, others are ignored. */
static int query_option(const coap_opt_t *opt, coap_target *t, char *diag, size_t diaglen)
{
    char q[COAP_KEY_MAX + 8];
    if (opt_string(opt, q, sizeof q) != 0) {
        snprintf(diag, diaglen, "a query option is longer than %zu bytes", sizeof q - 1);
        return -1;
    }
    if (strncmp(q, "auth=", 5) == 0)
        memcpy(t->key, q + 5, strlen(q + 5) + 1);
    return 0;
}

int coap_target_parse(const coap_pdu_t *pdu, int wildcards, coap_target *t, char *diag,
                      size_t diaglen, refusal *why)
{
    char sub[COAP_SUBTOPIC_MAX] = "";
    size_t sublen = 0;
    int nseg = 0, rc = 0;
    coap_opt_iterator_t it;
    coap_opt_t *opt;
    memset(t, 0, sizeof *t);
    *why = REFUSE_404;
    coap_option_iterator_init(pdu, &it, COAP_OPT_ALL);
    while (rc == 0 && (opt = coap_option_next(&it))) {
        if (it.number == COAP_OPTION_URI_PATH)
            rc = path_segment(opt, nseg++, t, sub, &sublen, diag, diaglen);
        else if (it.number == COAP_OPTION_URI_QUERY && (rc = query_option(opt, t, diag, diaglen)))
            *why = REFUSE_400;
    }
    if (rc > 0)
        *why = REFUSE_400;
    if (rc != 0)
        return -1;
    if (nseg < 3) {
        snprintf(diag, diaglen,
                 "no such resource: use channels/<channel id>/messages[/<subtopic>]");
        return -1;
    }
    char err[LB_ERRLEN], subject[LB_SUBJECT_MAX];
    if (lb_subject_build(t->channel, NULL, 0, subject, sizeof subject, err, sizeof err) != 0) {
        snprintf(diag, diaglen, "no such channel: %s", err);
        return -1;
    }
    *why = REFUSE_400;
    if (lb_subtopic_normalize(sub, wildcards, t->subtopic, sizeof t->subtopic, err, sizeof err)) {
        snprintf(diag, diaglen, "bad subtopic: %s", err);
        return -1;
    }
    *why = REFUSE_401;
    if (!*t->key) {
        snprintf(diag, diaglen, "missing thing key: add ?auth=<thing key>");
        return -1;
    }
    return 0;
}

int coap_target_authorize(coap_adapter *a, const coap_target *t, char thing[LB_THING_ID_MAX],
                          char *diag, size_t diaglen, refusal *why)
{
    int rc = lb_authz_key(a->authz, t->key, t->channel, thing, diag, diaglen);
    if (rc != 0)
        *why = coap_refusal_of(rc);
    return rc;
}

/* The canonical content type of a request's Content-Format (none: SenML), or NULL. */
static const char *request_type(const coap_pdu_t *pdu, char *diag, size_t diaglen)
{
    coap_opt_iterator_t it;
    coap_opt_t *opt = coap_check_option(pdu, COAP_OPTION_CONTENT_FORMAT, &it);
    if (!opt)
        return LB_CT_SENML;
    int format = (int)coap_decode_var_bytes(coap_opt_value(opt), coap_opt_length(opt));
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (formats[i].format == format)
            return formats[i].type;
    snprintf(diag, diaglen,
             "Content-Format %d is not accepted: use 110 (senml+json), 50 (json), "
             "42 (octet-stream) or 0 (text/plain)",
             format);
    return NULL;
}

/* Checks and publishes a POST's body; 0, or the refusal with diag filled. */
static int publish(coap_adapter *a, const coap_pdu_t *req, const coap_target *t, const char *thing,
                   const char *type, char *diag, size_t diaglen, refusal *why)
{
    size_t len = 0, offset = 0, total = 0;
    const uint8_t *data = NULL;
    if (!coap_get_data_large(req, &len, &data, &offset, &total))
        len = 0;
    *why = REFUSE_400;
    if (lb_payload_check(type, data, len, diag, diaglen) != 0)
        return -1;
    lb_message m = {
        .channel = t->channel,
        .subtopic = t->subtopic,
        .publisher = thing,
        .payload = data,
        .payload_len = len,
        .content_type = type,
    };
    int rc = lb_deliver_publish(a->deliver, coap_conn_of(thing), &m, diag, diaglen);
    if (rc == 0)
        return 0;
    *why = rc == LB_EINVAL ? REFUSE_400 : REFUSE_503;
    if (rc != LB_EINVAL)
        snprintf(diag, diaglen, "the message bus is unavailable: %s", lb_strerror(rc));
    return -1;
}

void coap_handle_post(coap_resource_t *r, coap_session_t *s, const coap_pdu_t *req,
                      const coap_string_t *query, coap_pdu_t *resp)
{
    coap_adapter *a = coap_get_app_data(coap_session_get_context(s));
    char diag[COAP_DIAG_MAX] = "", thing[LB_THING_ID_MAX];
    coap_target t;
    refusal why;
    const char *type;
    (void)r;
    (void)query;
    if (coap_target_parse(req, 0, &t, diag, sizeof diag, &why) != 0)
        goto refuse;
    why = REFUSE_415;
    if (!(type = request_type(req, diag, sizeof diag)))
        goto refuse;
    if (coap_target_authorize(a, &t, thing, diag, sizeof diag, &why) != 0)
        goto refuse;
    if (publish(a, req, &t, thing, type, diag, sizeof diag, &why) != 0)
        goto refuse;
    a->host->counter_add(a->posts, 1);
    coap_pdu_set_code(resp, COAP_RESPONSE_CODE_CHANGED);
    return;
refuse:
    coap_refuse(a, resp, why, diag);
}
