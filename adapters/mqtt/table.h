/* A small intrusive hash table with chaining, for the mosquitto plugin's tables (connections,
 * sessions, channels). An entry embeds an mqb_node as its first member; the table owns only
 * its bucket array, never the entries. Not thread-safe: the plugin uses its tables on the
 * broker thread only. */
#ifndef LB_MQTT_TABLE_H
#define LB_MQTT_TABLE_H

#include <stddef.h>

typedef struct mqb_node {
    struct mqb_node *next;
    size_t hash;
} mqb_node;

typedef struct mqb_table {
    mqb_node **buckets;
    size_t mask; /* buckets - 1, a power of two minus one */
    size_t count;
} mqb_table;

/* Makes an empty table. Returns 0 or LB_ENOMEM. */
int mqb_table_init(mqb_table *t);
/* Frees the bucket array (not the entries). */
void mqb_table_free(mqb_table *t);
/* Adds node with hash (the table grows when chains get long; if it cannot, it stays). */
void mqb_table_add(mqb_table *t, mqb_node *node, size_t hash);
/* Removes node, which must be in the table. */
void mqb_table_remove(mqb_table *t, mqb_node *node);
/* The first node of hash's chain: walk ->next and compare hash and key. */
static inline mqb_node *mqb_table_chain(const mqb_table *t, size_t hash)
{
    return t->buckets[hash & t->mask];
}

size_t mqb_hash_str(const char *s);
size_t mqb_hash_ptr(const void *p);

/* Calls fn(node, arg) for every node; fn may remove the node it is given (and only it). */
void mqb_table_each(mqb_table *t, void (*fn)(mqb_node *node, void *arg), void *arg);

#endif
