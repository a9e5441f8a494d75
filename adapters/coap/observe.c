/* Observers: GET with Observe (RFC 7641) on channels/<id>/messages[/<subtopic>]?auth=<key>.
 *
 * The adapter owns each observation instead of leaving it to libcoap's observable
 * resources. libcoap 4.3.1 keeps one "latest state" per resource and calls the GET handler
 * once per dirty resource, it offers no call to remove a subscription and no callback when
 * it drops one (RST to a NON notification, session gone), and answering an error from the
 * notification handler frees the subscription while coap_notify_observers still uses it.
 * A channel's messages are a stream, not a state: every message must reach every observer
 * once and in order. So:
 *
 *   - GET Observe 0 authorizes the key, subscribes through the deliverer (connection id =
 *     the thing, so a thing never hears its own messages) and answers 2.05 with Observe.
 *     The observation is (session, token); a second registration with the same token
 *     replaces the first.
 *   - every delivery becomes one notification built here and sent with coap_send: NON,
 *     every con_every-th one CON so a vanished client is noticed (RFC 7641 4.5), with
 *     Observe, Content-Format and the payload.
 *     A message too large for one datagram is dropped for observers (counted, logged).
 *   - before each notification the key is checked again (a cache hit); a key that no longer
 *     opens the channel gets a final 4.01/4.03/4.04 notification and the observation ends.
 *   - GET Observe 1 (deregistration), RST or no ACK to a CON notification (the nack
 *     handler), and the session's deletion remove the observer: unsubscribe, release the
 *     session, and bury it until no inbox item points at it.
 *
 * Everything here runs on the I/O thread, except on_delivery (bus threads). */
#include "coap_adapter.h"

#include <lyrebird/error.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OBSERVE_MASK    0xFFFFFF /* Observe values are 24 bits */
#define NOTIFY_OVERHEAD 24       /* header, token, Observe, Content-Format, payload marker */

struct observer {
    coap_adapter *a;
    observer *prev, *next;   /* in a->observers, or next in a->graveyard */
    coap_session_t *session; /* one reference held while live */
    uint8_t token[8];
    size_t token_len;
    uint32_t seq;       /* last Observe value sent */
    unsigned since_con; /* notifications since the last confirmable one */
    int gone;
    lb_deliver_sub *sub;
    coap_target t; /* channel, subtopic pattern, key */
    char thing[LB_THING_ID_MAX];
};

static const char *const gone_names[GONE_COUNT] = {
    [GONE_CANCEL] = "cancel",   [GONE_RST] = "rst",         [GONE_TIMEOUT] = "timeout",
    [GONE_REVOKED] = "revoked", [GONE_SESSION] = "session", [GONE_STOP] = "stop",
};

const char *coap_gone_label(gone_reason why)
{
    return gone_names[why];
}

int coap_observer_gone(const observer *obs)
{
    return obs->gone;
}

observer *coap_observer_next_buried(observer *obs)
{
    return obs->next;
}

void coap_observer_free(observer *obs)
{
    free(obs);
}

/* Bus thread: hands the delivery to the I/O thread. */
static void on_delivery(const lb_delivery *d, void *arg)
{
    observer *obs = arg;
    coap_inbox_push(obs->a, obs, d);
}

/* The session's count of live observers, kept in its app data. */
static void session_count(coap_session_t *s, int delta)
{
    uintptr_t n = (uintptr_t)coap_session_get_app_data(s);
    coap_session_set_app_data(s, (void *)(n + (uintptr_t)(intptr_t)delta));
}

static observer *find(coap_adapter *a, const coap_session_t *s, const uint8_t *token, size_t len)
{
    for (observer *o = a->observers; o; o = o->next)
        if (o->session == s && o->token_len == len && memcmp(o->token, token, len) == 0)
            return o;
    return NULL;
}

static void observer_remove(coap_adapter *a, observer *obs, gone_reason why)
{
    lb_deliver_unsubscribe(obs->sub); /* no delivery for it is pushed after this */
    obs->sub = NULL;
    if (obs->prev)
        obs->prev->next = obs->next;
    else
        a->observers = obs->next;
    if (obs->next)
        obs->next->prev = obs->prev;
    if (why != GONE_SESSION) { /* a session being deleted holds no reference of ours */
        session_count(obs->session, -1);
        coap_session_release(obs->session);
    }
    obs->session = NULL;
    obs->gone = 1;
    obs->prev = NULL;
    obs->next = a->graveyard;
    a->graveyard = obs;
    a->nobservers--;
    a->host->gauge_set(a->observers_gauge, (double)a->nobservers);
    a->host->counter_add(a->removed[why], 1);
    a->host->log(a->host, LB_LOG_INFO, "observer removed", "channel=%s thing=%s reason=%s",
                 obs->t.channel, obs->thing, gone_names[why]);
}

/* Sends one PDU to obs: a notification (observe non-zero) or a final answer. */
static int send_to(observer *obs, coap_pdu_type_t type, coap_pdu_code_t code, int observe,
                   int format, const uint8_t *data, size_t len)
{
    coap_session_t *s = obs->session;
    coap_pdu_t *pdu =
        coap_pdu_init(type, code, coap_new_message_id(s), coap_session_max_pdu_size(s));
    uint8_t buf[4];
    if (!pdu)
        return -1;
    int ok = coap_add_token(pdu, obs->token_len, obs->token);
    if (ok && observe)
        ok = coap_add_option(pdu, COAP_OPTION_OBSERVE,
                             coap_encode_var_safe(buf, sizeof buf, obs->seq), buf) > 0;
    if (ok && format >= 0)
        ok = coap_add_option(pdu, COAP_OPTION_CONTENT_FORMAT,
                             coap_encode_var_safe(buf, sizeof buf, (unsigned)format), buf) > 0;
    if (ok && len)
        ok = coap_add_data(pdu, len, data);
    if (!ok) {
        coap_delete_pdu(pdu);
        return -1;
    }
    return coap_send(s, pdu) == COAP_INVALID_MID ? -1 : 0;
}

/* Ends an observation whose key no longer opens its channel. */
static void revoke(coap_adapter *a, observer *obs, refusal why, const char *diag)
{
    static const coap_pdu_code_t codes[REFUSE_COUNT] = {
        [REFUSE_400] = COAP_RESPONSE_CODE_BAD_REQUEST,
        [REFUSE_401] = COAP_RESPONSE_CODE_UNAUTHORIZED,
        [REFUSE_403] = COAP_RESPONSE_CODE_FORBIDDEN,
        [REFUSE_404] = COAP_RESPONSE_CODE_NOT_FOUND,
    };
    send_to(obs, COAP_MESSAGE_NON, codes[why], 0, -1, (const uint8_t *)diag, strlen(diag));
    a->host->counter_add(a->refusals[why], 1);
    observer_remove(a, obs, GONE_REVOKED);
}

void coap_observer_notify(coap_adapter *a, observer *obs, const lb_delivery *d)
{
    char diag[COAP_DIAG_MAX] = "", thing[LB_THING_ID_MAX];
    refusal why;
    if (obs->gone)
        return;
    int rc = coap_target_authorize(a, &obs->t, thing, diag, sizeof diag, &why);
    if (rc != 0 && why <= REFUSE_404) {
        revoke(a, obs, why, diag);
        return;
    } /* the things service not answering does not end an observation */
    const lb_message *m = d->msg;
    if (m->payload_len + NOTIFY_OVERHEAD > coap_session_max_pdu_size(obs->session)) {
        a->host->counter_add(a->dropped, 1);
        a->host->log(a->host, LB_LOG_WARN, "message too large for one notification, dropped",
                     "channel=%s bytes=%zu max=%zu", obs->t.channel, m->payload_len,
                     coap_session_max_pdu_size(obs->session) - NOTIFY_OVERHEAD);
        return;
    }
    coap_pdu_type_t type = COAP_MESSAGE_NON;
    if (++obs->since_con >= (unsigned)a->con_every) {
        type = COAP_MESSAGE_CON;
        obs->since_con = 0;
    }
    obs->seq = (obs->seq + 1) & OBSERVE_MASK;
    if (send_to(obs, type, COAP_RESPONSE_CODE_CONTENT, 1, coap_format_of(m->content_type),
                m->payload, m->payload_len) != 0) {
        a->host->counter_add(a->dropped, 1);
        return;
    }
    a->host->counter_add(a->notifications, 1);
}

/* Makes a live observer for t on (s, token); NULL with the refusal and diag filled. */
static observer *observer_add(coap_adapter *a, coap_session_t *s, coap_bin_const_t token,
                              const coap_target *t, const char *thing, char *diag, size_t diaglen,
                              refusal *why)
{
    *why = REFUSE_503;
    if (a->nobservers >= a->max_observers) {
        snprintf(diag, diaglen, "too many observers (%zu): try again later", a->max_observers);
        return NULL;
    }
    observer *obs = calloc(1, sizeof *obs);
    if (!obs) {
        snprintf(diag, diaglen, "out of memory");
        return NULL;
    }
    obs->a = a;
    obs->t = *t;
    snprintf(obs->thing, sizeof obs->thing, "%s", thing);
    obs->token_len = token.length <= sizeof obs->token ? token.length : sizeof obs->token;
    memcpy(obs->token, token.s, obs->token_len);
    obs->seq = 1;
    int rc = lb_deliver_subscribe(a->deliver, t->channel, t->subtopic, coap_conn_of(thing),
                                  on_delivery, obs, &obs->sub, diag, diaglen);
    if (rc != 0) {
        *why = rc == LB_EINVAL ? REFUSE_400 : REFUSE_503;
        free(obs);
        return NULL;
    }
    obs->session = coap_session_reference(s);
    session_count(s, 1);
    coap_session_set_ack_timeout(s, (coap_fixed_point_t){(uint16_t)(a->ack_timeout_ms / 1000),
                                                         (uint16_t)(a->ack_timeout_ms % 1000)});
    coap_session_set_max_retransmit(s, (unsigned)a->max_retransmit);
    obs->next = a->observers;
    if (a->observers)
        a->observers->prev = obs;
    a->observers = obs;
    a->nobservers++;
    a->host->gauge_set(a->observers_gauge, (double)a->nobservers);
    a->host->counter_add(a->observes, 1);
    a->host->log(a->host, LB_LOG_INFO, "observer added", "channel=%s subtopic=%s thing=%s",
                 t->channel, t->subtopic, thing);
    return obs;
}

/* Observe 0: registers, or refreshes the observation the token already names. */
static void observe(coap_adapter *a, coap_session_t *s, const coap_pdu_t *req, observer *old,
                    coap_pdu_t *resp)
{
    char diag[COAP_DIAG_MAX] = "", thing[LB_THING_ID_MAX];
    coap_target t;
    refusal why;
    uint8_t buf[4];
    if (coap_target_parse(req, 1, &t, diag, sizeof diag, &why) != 0 ||
        coap_target_authorize(a, &t, thing, diag, sizeof diag, &why) != 0)
        goto refuse;
    if (old && memcmp(&old->t, &t, sizeof t) != 0) {
        observer_remove(a, old, GONE_CANCEL);
        old = NULL;
    }
    if (!old &&
        !(old = observer_add(a, s, coap_pdu_get_token(req), &t, thing, diag, sizeof diag, &why)))
        goto refuse;
    coap_pdu_set_code(resp, COAP_RESPONSE_CODE_CONTENT);
    coap_add_option(resp, COAP_OPTION_OBSERVE, coap_encode_var_safe(buf, sizeof buf, old->seq),
                    buf);
    return;
refuse:
    if (old)
        observer_remove(a, old, GONE_CANCEL);
    coap_refuse(a, resp, why, diag);
}

void coap_handle_get(coap_resource_t *r, coap_session_t *s, const coap_pdu_t *req,
                     const coap_string_t *query, coap_pdu_t *resp)
{
    coap_adapter *a = coap_get_app_data(coap_session_get_context(s));
    coap_opt_iterator_t it;
    coap_opt_t *opt = coap_check_option(req, COAP_OPTION_OBSERVE, &it);
    coap_bin_const_t token = coap_pdu_get_token(req);
    observer *old = find(a, s, token.s, token.length);
    (void)r;
    (void)query;
    if (!opt) {
        coap_refuse(a, resp, REFUSE_405,
                    "GET subscribes to a channel: add the Observe option (0), e.g. coap-client -s");
        return;
    }
    unsigned action = coap_decode_var_bytes(coap_opt_value(opt), coap_opt_length(opt));
    if (action == COAP_OBSERVE_ESTABLISH) {
        observe(a, s, req, old, resp);
        return;
    }
    if (old)
        observer_remove(a, old, GONE_CANCEL);
    coap_pdu_set_code(resp, COAP_RESPONSE_CODE_CONTENT); /* deregistered (RFC 7641 3.6) */
}

void coap_observe_nack(coap_session_t *s, const coap_pdu_t *sent, coap_nack_reason_t reason,
                       coap_mid_t mid)
{
    coap_adapter *a = coap_get_app_data(coap_session_get_context(s));
    coap_bin_const_t token = coap_pdu_get_token(sent);
    (void)mid;
    if (COAP_RESPONSE_CLASS(coap_pdu_get_code(sent)) != 2)
        return;
    observer *obs = find(a, s, token.s, token.length);
    if (obs)
        observer_remove(a, obs, reason == COAP_NACK_RST ? GONE_RST : GONE_TIMEOUT);
}

int coap_observe_event(coap_session_t *s, coap_event_t event)
{
    if (event != COAP_EVENT_SERVER_SESSION_DEL || !coap_session_get_app_data(s))
        return 0;
    coap_adapter *a = coap_get_app_data(coap_session_get_context(s));
    observer *obs = a->observers, *next;
    for (; obs; obs = next) {
        next = obs->next;
        if (obs->session == s)
            observer_remove(a, obs, GONE_SESSION);
    }
    return 0;
}

void coap_observe_remove_all(coap_adapter *a)
{
    static const char bye[] = "the server is shutting down";
    while (a->observers) {
        observer *obs = a->observers;
        send_to(obs, COAP_MESSAGE_NON, COAP_RESPONSE_CODE_SERVICE_UNAVAILABLE, 0, -1,
                (const uint8_t *)bye, sizeof bye - 1);
        observer_remove(a, obs, GONE_STOP);
    }
}
