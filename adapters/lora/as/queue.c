/* The application server's downlink side. A message any protocol publishes to
 * channels/<id>/messages/lora/down/<DevEUI> — {"f_port": 1, "frm_payload": "<base64>"} or
 * {"f_port": 1, "decoded_payload": {...}} (encoded by the device's codec), optional
 * "confirmed": true — is checked (the device must be on that channel, FPort 1..223,
 * the payload at most 242 bytes) and queued on the device; the NS sends the queue head in
 * the device's next receive window (class C: at once). A confirmed downlink stays at the head
 * until the device ACKs it or the retries run out; either way an event on lora/ack says so.
 * Refusals are published on lora/error with the reason. */
#include "../lora.h"

#include <lyrebird/error.h>
#include <lyrebird/message.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUBJECT "channels.*.lora.down.*"

/* Refuses a downlink request with a reason, on the channel's lora/error. */
static void refuse(lora *l, const lb_message *m, const char *eui, const char *why)
{
    l->host->counter_add(l->down_refused, 1);
    l->host->log(l->host, LB_LOG_WARN, "downlink refused", "channel=%s dev_eui=%s reason=\"%s\"",
                 m->channel, eui, why);
    lora_as_event(l, m->channel, m->publisher ? m->publisher : "", "lora.error",
                  json_pack("{s:s, s:s}", "dev_eui", eui, "error", why));
}

/* Reads the request body into dl (or, for "decoded_payload", *decoded to encode with the
 * device's codec); NULL, or why it is refused. */
static const char *parse_request(const lb_message *m, lora_dl *dl, json_t **decoded)
{
    json_t *o = json_loadb((const char *)m->payload, m->payload_len, 0, NULL);
    const char *why = NULL;
    json_t *port = json_object_get(o, "f_port"), *conf = json_object_get(o, "confirmed");
    json_t *values = json_object_get(o, "decoded_payload");
    const char *b64 = json_string_value(json_object_get(o, "frm_payload"));
    size_t len = 0;
    if (!json_is_object(o))
        why = "the body is not a JSON object";
    else if (!json_is_integer(port) || json_integer_value(port) < 1 ||
             json_integer_value(port) > 223)
        why = "\"f_port\" must be an integer from 1 to 223";
    else if (!b64 && !values)
        why = "\"frm_payload\" (base64) or \"decoded_payload\" is required";
    else if (b64 && sodium_base642bin(dl->payload, sizeof dl->payload, b64, strlen(b64), NULL,
                                      &len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
        why = "\"frm_payload\" is not base64 of at most 242 bytes";
    else if (conf && !json_is_boolean(conf))
        why = "\"confirmed\" must be true or false";
    if (!why) {
        dl->fport = (int)json_integer_value(port);
        dl->len = (uint8_t)len;
        dl->confirmed = json_is_true(conf);
        if (!b64)
            *decoded = json_incref(values);
    }
    json_decref(o);
    return why;
}

/* Encodes decoded with the codec of device eui on channel into dl; NULL or why not. */
static const char *encode(lora *l, const lb_message *m, uint64_t eui, json_t *decoded,
                          lora_dl *dl, char *err, size_t errlen)
{
    pthread_mutex_lock(&l->lock);
    lora_dev *d = lora_registry_get(l->reg, eui);
    lora_codec *c = d && strcmp(d->channel, m->channel) == 0 ? d->codec : NULL;
    pthread_mutex_unlock(&l->lock);
    size_t len = 0;
    if (!c)
        return "\"decoded_payload\" needs a codec on the device; send \"frm_payload\"";
    if (lora_codec_encode(l->codecs, c, decoded, &dl->fport, dl->payload, sizeof dl->payload,
                          &len, err, errlen) != 0)
        return err;
    if (dl->fport < 1 || dl->fport > 223)
        return "the codec chose an FPort outside 1..223";
    dl->len = (uint8_t)len;
    return NULL;
}

/* Queues dl on the device; NULL or why not. For class C, *tx is filled to send now and *c
 * with the counters to store first. lock held. */
static const char *enqueue(lora *l, const lb_message *m, uint64_t dev_eui, const lora_dl *dl,
                           lora_tx *tx, bool *send, lora_counters *c)
{
    lora_dev *d = lora_registry_get(l->reg, dev_eui);
    if (!d || strcmp(d->channel, m->channel) != 0)
        return "no such device on this channel";
    if (!d->has_session)
        return "the device has not joined yet";
    if (d->queue_len >= LORA_MAX_QUEUE)
        return "the device's downlink queue is full";
    lora_dl *q = malloc(sizeof *q);
    if (!q)
        return "out of memory";
    *q = *dl;
    q->next = NULL;
    lora_dl **tail = &d->queue;
    while (*tail)
        tail = &(*tail)->next;
    *tail = q;
    d->queue_len++;
    *send = d->cls == 'C' && lora_downlink_build_c(l, d, tx);
    *c = (lora_counters){d->dev_eui, d->fcnt_up, d->nfcnt_down, d->afcnt_down};
    return NULL;
}

static void on_down(const lb_bus_msg *msg, void *arg)
{
    lora *l = arg;
    l->host->counter_add(l->down_requests, 1);
    lb_message *m = lb_message_unpack(msg->data, msg->len);
    const char *eui_text = strrchr(msg->subject, '.');
    eui_text = eui_text ? eui_text + 1 : "";
    uint64_t eui;
    lora_dl dl = {0};
    json_t *decoded = NULL;
    char err[256];
    lora_tx tx;
    lora_counters c;
    bool send = false;
    const char *why;
    if (!m)
        return;
    if (lora_eui_parse(eui_text, &eui) != 0)
        why = "the subtopic must end in a DevEUI of 16 hex digits";
    else
        why = parse_request(m, &dl, &decoded);
    if (!why && decoded)
        why = encode(l, m, eui, decoded, &dl, err, sizeof err);
    json_decref(decoded);
    if (!why) {
        pthread_mutex_lock(&l->lock);
        why = enqueue(l, m, eui, &dl, &tx, &send, &c);
        pthread_mutex_unlock(&l->lock);
    }
    if (why)
        refuse(l, m, eui_text, why);
    else if (send && lora_store_counters_save(l->store, &c, 1) == 0) /* class C: now */
        lora_downlink_send(l, &tx);
    lb_message_free(m);
}

int lora_queue_start(lora *l)
{
    return l->host->subscribe(l->host, SUBJECT, "lora", on_down, l, &l->down_sub);
}

void lora_queue_stop(lora *l)
{
    if (l->down_sub)
        l->host->unsubscribe(l->host, l->down_sub);
    l->down_sub = NULL;
}

void lora_queue_pop(lora *l, lora_dev *d, bool ack)
{
    lora_dl *q = d->queue;
    if (!q)
        return;
    d->queue = q->next;
    d->queue_len--;
    if (q->confirmed) {
        char eui[17];
        lora_eui_format(d->dev_eui, eui);
        l->host->counter_add(ack ? l->acks : l->nacks, 1);
        lora_as_event(l, d->channel, d->thing, "lora.ack",
                      json_pack("{s:s, s:b, s:i, s:i}", "dev_eui", eui, "acknowledged", ack,
                                "f_port", q->fport, "attempts", q->attempts));
    }
    free(q);
}
