/* The devices in memory: two chained hash tables over the same lora_dev objects, one by
 * DevEUI and one by DevAddr (where collisions are normal: several devices may share an
 * address, and the NS tells them apart by MIC). Both tables double when they fill, so a
 * lookup costs the same with a thousand devices or a million. Not thread-safe: the caller
 * holds lora->lock. The registry owns its devices. */
#include "lora.h"

#include <lyrebird/error.h>

#include <stdlib.h>
#include <string.h>

struct lora_registry {
    lora_dev **by_eui, **by_addr;
    size_t mask; /* both tables have mask + 1 buckets */
    size_t count;
};

static size_t hash64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

lora_registry *lora_registry_new(void)
{
    lora_registry *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->mask = 1023;
    r->by_eui = calloc(r->mask + 1, sizeof *r->by_eui);
    r->by_addr = calloc(r->mask + 1, sizeof *r->by_addr);
    if (!r->by_eui || !r->by_addr) {
        lora_registry_free(r);
        return NULL;
    }
    return r;
}

void lora_dev_free(lora_dev *d)
{
    if (!d)
        return;
    for (lora_dl *q = d->queue, *next; q; q = next) {
        next = q->next;
        free(q);
    }
    free(d);
}

void lora_registry_free(lora_registry *r)
{
    if (!r)
        return;
    for (size_t i = 0; r->by_eui && i <= r->mask; i++)
        for (lora_dev *d = r->by_eui[i], *next; d; d = next) {
            next = d->next_eui;
            lora_dev_free(d);
        }
    free(r->by_eui);
    free(r->by_addr);
    free(r);
}

static void link_addr(lora_registry *r, lora_dev *d)
{
    size_t b = hash64(d->s.dev_addr) & r->mask;
    d->next_addr = r->by_addr[b];
    r->by_addr[b] = d;
}

static void unlink_addr(lora_registry *r, lora_dev *d)
{
    for (lora_dev **p = &r->by_addr[hash64(d->s.dev_addr) & r->mask]; *p; p = &(*p)->next_addr)
        if (*p == d) {
            *p = d->next_addr;
            return;
        }
}

/* Doubles both tables. */
static int grow(lora_registry *r)
{
    size_t mask = r->mask * 2 + 1;
    lora_dev **eui = calloc(mask + 1, sizeof *eui), **addr = calloc(mask + 1, sizeof *addr);
    if (!eui || !addr) {
        free(eui);
        free(addr);
        return LB_ENOMEM;
    }
    for (size_t i = 0; i <= r->mask; i++)
        for (lora_dev *d = r->by_eui[i], *next; d; d = next) {
            next = d->next_eui;
            size_t b = hash64(d->dev_eui) & mask;
            d->next_eui = eui[b];
            eui[b] = d;
            if (d->has_session) {
                b = hash64(d->s.dev_addr) & mask;
                d->next_addr = addr[b];
                addr[b] = d;
            }
        }
    free(r->by_eui);
    free(r->by_addr);
    r->by_eui = eui;
    r->by_addr = addr;
    r->mask = mask;
    return 0;
}

int lora_registry_add(lora_registry *r, lora_dev *d)
{
    if (lora_registry_get(r, d->dev_eui))
        return LB_EEXIST;
    if (r->count >= r->mask && grow(r) != 0)
        return LB_ENOMEM;
    size_t b = hash64(d->dev_eui) & r->mask;
    d->next_eui = r->by_eui[b];
    r->by_eui[b] = d;
    if (d->has_session)
        link_addr(r, d);
    r->count++;
    return 0;
}

lora_dev *lora_registry_get(lora_registry *r, uint64_t dev_eui)
{
    for (lora_dev *d = r->by_eui[hash64(dev_eui) & r->mask]; d; d = d->next_eui)
        if (d->dev_eui == dev_eui)
            return d;
    return NULL;
}

lora_dev *lora_registry_by_addr(lora_registry *r, uint32_t addr, lora_dev *prev)
{
    lora_dev *d = prev ? prev->next_addr : r->by_addr[hash64(addr) & r->mask];
    for (; d; d = d->next_addr)
        if (d->s.dev_addr == addr)
            return d;
    return NULL;
}

void lora_registry_readdr(lora_registry *r, lora_dev *d, uint32_t addr)
{
    if (d->has_session)
        unlink_addr(r, d);
    d->s.dev_addr = addr;
    d->has_session = true;
    link_addr(r, d);
}

void lora_registry_remove(lora_registry *r, uint64_t dev_eui)
{
    for (lora_dev **p = &r->by_eui[hash64(dev_eui) & r->mask]; *p; p = &(*p)->next_eui) {
        lora_dev *d = *p;
        if (d->dev_eui != dev_eui)
            continue;
        *p = d->next_eui;
        if (d->has_session)
            unlink_addr(r, d);
        r->count--;
        lora_dev_free(d);
        return;
    }
}

size_t lora_registry_count(const lora_registry *r)
{
    return r->count;
}
