/* The intrusive hash table of table.h: chains in a power-of-two bucket array that doubles when
 * the table holds twice as many entries as buckets. */
#include "table.h"

#include <lyrebird/error.h>

#include <stdint.h>
#include <stdlib.h>

#define INITIAL_BUCKETS 256

int mqb_table_init(mqb_table *t)
{
    t->buckets = calloc(INITIAL_BUCKETS, sizeof *t->buckets);
    t->mask = INITIAL_BUCKETS - 1;
    t->count = 0;
    return t->buckets ? 0 : LB_ENOMEM;
}

void mqb_table_free(mqb_table *t)
{
    free(t->buckets);
    t->buckets = NULL;
    t->count = 0;
}

static void grow(mqb_table *t)
{
    size_t n = (t->mask + 1) * 2;
    mqb_node **b = calloc(n, sizeof *b);
    if (!b)
        return;
    for (size_t i = 0; i <= t->mask; i++) {
        mqb_node *node = t->buckets[i], *next;
        for (; node; node = next) {
            next = node->next;
            node->next = b[node->hash & (n - 1)];
            b[node->hash & (n - 1)] = node;
        }
    }
    free(t->buckets);
    t->buckets = b;
    t->mask = n - 1;
}

void mqb_table_add(mqb_table *t, mqb_node *node, size_t hash)
{
    if (t->count >= 2 * (t->mask + 1))
        grow(t);
    node->hash = hash;
    node->next = t->buckets[hash & t->mask];
    t->buckets[hash & t->mask] = node;
    t->count++;
}

void mqb_table_remove(mqb_table *t, mqb_node *node)
{
    mqb_node **p = &t->buckets[node->hash & t->mask];
    while (*p && *p != node)
        p = &(*p)->next;
    if (*p) {
        *p = node->next;
        t->count--;
    }
}

void mqb_table_each(mqb_table *t, void (*fn)(mqb_node *node, void *arg), void *arg)
{
    for (size_t i = 0; i <= t->mask; i++) {
        mqb_node *node = t->buckets[i], *next;
        for (; node; node = next) {
            next = node->next;
            fn(node, arg);
        }
    }
}

size_t mqb_hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    while (*s) {
        h ^= (unsigned char)*s++;
        h *= 1099511628211ULL;
    }
    return (size_t)h;
}

size_t mqb_hash_ptr(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}
