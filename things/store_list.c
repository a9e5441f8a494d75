/* The store's list queries: things, channels, and either side of their connections, with
 * paging, name and metadata filters and ordering, built per backend dialect and run in one
 * read snapshot (the total and the page agree). See store.h. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lyrebird/error.h"
#include "lyrebird/log.h"

/* ---- lists ---- */

/* The four lists: a table, and for the connection lists how connections k join it and
 * which of k's columns names the listed channel or thing ($2). */
enum { LIST_THINGS, LIST_CHANNELS, LIST_CHANNEL_THINGS, LIST_THING_CHANNELS };

static const struct list_kind {
    const char *table, *link, *parent, *key;
} KINDS[] = {
    [LIST_THINGS] = {"things", NULL, NULL, "t.key"},
    [LIST_CHANNELS] = {"channels", NULL, NULL, "NULL"},
    [LIST_CHANNEL_THINGS] = {"things", "k.thing_id = t.id", "k.channel_id", "t.key"},
    [LIST_THING_CHANNELS] = {"channels", "k.channel_id = t.id", "k.thing_id", "NULL"},
};

typedef struct list_q {
    int kind;
    ts_conn_filter conn;
    const char *owner; /* NULL: any */
    const ts_page *page;
    int reverse; /* read the page from the other end, then turn it round */
} list_q;

/* Each combination of statement, kind, filter, order and present filters has a slot. */
static int list_slot(const list_q *q, int page)
{
    const ts_page *p = q->page;
    int v = q->kind * 3 + (int)q->conn;
    v = v * 2 + !!p->order_by_name;
    v = v * 2 + (!!p->descending ^ q->reverse);
    v = v * 2 + (p->name != NULL);
    v = v * 2 + (p->metadata != NULL);
    v = v * 2 + (q->owner != NULL);
    return TS_Q_COUNT + v * 2 + page;
}

static void list_from_where(const ts_dialect *d, const list_q *q, char *from, size_t fcap,
                            char *where, size_t wcap)
{
    const struct list_kind *k = &KINDS[q->kind];
    snprintf(from, fcap, "%s t", k->table);
    if (k->link)
        snprintf(from, fcap, "%s t %s connections k ON %s = $2 AND %s", k->table,
                 q->conn == TS_CONNECTED ? "JOIN" : "LEFT JOIN", k->parent, k->link);
    snprintf(where, wcap, "1 = 1%s%s%s%s%s%s", q->owner ? " AND t.owner = $1" : "",
             q->conn == TS_NOT_CONNECTED ? " AND k.thing_id IS NULL" : "",
             q->page->name ? " AND " : "", q->page->name ? d->name_match : "",
             q->page->metadata ? " AND " : "", q->page->metadata ? d->meta_match : "");
}

/* The number of rows matching: counted, or without filters read from owner_counts (kept
 * by triggers), less or only the connections of $2. */
static int count_sql(const ts_dialect *d, const list_q *q, char *buf, size_t cap)
{
    const struct list_kind *k = &KINDS[q->kind];
    char from[192], where[512], owned[160], linked[96];
    int n;
    if (q->page->name || q->page->metadata) {
        list_from_where(d, q, from, sizeof from, where, sizeof where);
        n = snprintf(buf, cap, "SELECT count(*) FROM %s WHERE %s", from, where);
        return n > 0 && (size_t)n < cap ? 0 : LB_ETOOBIG;
    }
    snprintf(owned, sizeof owned,
             q->owner ? "coalesce((SELECT n FROM owner_counts WHERE owner = $1 AND kind = '%s'), 0)"
                      : "coalesce((SELECT sum(n) FROM owner_counts WHERE kind = '%s'), 0)",
             k->table);
    snprintf(linked, sizeof linked, "(SELECT count(*) FROM connections k WHERE %s = $2)",
             k->parent ? k->parent : "");
    n = snprintf(buf, cap, "SELECT %s%s%s", q->conn == TS_CONNECTED ? "" : owned,
                 q->conn == TS_NOT_CONNECTED ? " - " : "", q->conn == TS_ALL ? "" : linked);
    return n > 0 && (size_t)n < cap ? 0 : LB_ETOOBIG;
}

/* The page: seqs picked from an index alone (skipping offset rows is the cost), then their
 * rows by seq (unique; SQLite's rowid), as id, name, key, metadata, connected. */
static int page_sql(const ts_dialect *d, const list_q *q, char *buf, size_t cap)
{
    const struct list_kind *k = &KINDS[q->kind];
    const char *dir = !!q->page->descending ^ q->reverse ? "DESC" : "ASC";
    char from[192], where[512], order[64];
    list_from_where(d, q, from, sizeof from, where, sizeof where);
    if (q->page->order_by_name)
        snprintf(order, sizeof order, "t.name %s, t.seq %s", dir, dir);
    else
        snprintf(order, sizeof order, "t.seq %s", dir);
    int n = snprintf(buf, cap,
                     "SELECT t.id, t.name, %s, %s, %s FROM %s WHERE t.seq IN"
                     " (SELECT t.seq FROM %s WHERE %s ORDER BY %s LIMIT $5 OFFSET $6)"
                     " ORDER BY %s",
                     k->key, d->meta_text, k->link ? "k.thing_id IS NOT NULL" : "NULL", from, from,
                     where, order, order);
    return n > 0 && (size_t)n < cap ? 0 : LB_ETOOBIG;
}

typedef struct list_out {
    json_t *items;
    int with_connected;
} list_out;

static int list_row(void *arg, const char *const *col, int ncol)
{
    list_out *o = arg;
    json_t *item = ts_item_new(col, o->with_connected);
    return item && json_array_append_new(o->items, item) == 0 ? 0 : LB_EIO;
}

static int list_stmt(ts_store *s, ts_conn *c, const list_q *q, int page, const char *parent,
                     long offset, long limit, ts_row_fn fn, void *arg)
{
    char sql[2048], *meta = NULL;
    int rc = page ? page_sql(s->ops->dialect, q, sql, sizeof sql)
                  : count_sql(s->ops->dialect, q, sql, sizeof sql);
    if (rc == 0 && q->page->metadata && !(meta = json_dumps(q->page->metadata, JSON_COMPACT)))
        rc = LB_ENOMEM;
    if (rc == 0) {
        ts_arg a[] = {TXT(q->owner), TXT(parent), TXT(q->page->name),
                      TXT(meta),     INT(limit),  INT(offset)};
        rc = s->ops->run(c, list_slot(q, page), sql, a, 6, fn, arg, NULL);
    }
    free(meta);
    return rc;
}

/* The total, then the rows [offset, offset + limit) of it, read from whichever end is
 * nearer so that no more than half the rows are ever skipped. */
static int list_tx(ts_store *s, ts_conn *c, list_q *q, const char *parent, list_out *o, long *total)
{
    char n[32] = "", powner[TS_ID_MAX];
    text_out t = {n, sizeof n, 0};
    int rc = 0;
    if (parent) {
        int q_owner = q->kind == LIST_CHANNEL_THINGS ? TS_Q_CHANNEL_OWNER : TS_Q_THING_OWNER;
        rc = ts_owned(s, c, q_owner, q->owner, parent, powner);
        q->owner = powner;
    }
    if (rc == 0)
        rc = list_stmt(s, c, q, 0, parent, 0, 0, ts_text_row, &t);
    *total = atol(n);
    long offset = q->page->offset, want = *total - offset;
    if (rc || want <= 0)
        return rc;
    want = want < q->page->limit ? want : q->page->limit;
    long tail = *total - offset - want; /* rows after the page */
    q->reverse = tail < offset;
    rc = list_stmt(s, c, q, 1, parent, q->reverse ? tail : offset, want, list_row, o);
    if (rc == 0 && q->reverse) {
        json_t *fwd = json_array();
        for (size_t i = json_array_size(o->items); fwd && i > 0; i--)
            json_array_append(fwd, json_array_get(o->items, i - 1));
        json_decref(o->items);
        o->items = fwd;
        rc = fwd ? 0 : LB_ENOMEM;
    }
    return rc;
}

/* parent: for the connection lists, the channel or thing whose owner's rows are listed. */
static int list(ts_store *s, list_q *q, const char *parent, json_t **items, long *total)
{
    list_out o = {NULL, KINDS[q->kind].link != NULL};
    long n = 0;
    if (items)
        *items = NULL;
    if (!s || !items || (q->owner && ts_bad_str(q->owner, TS_ID_MAX)) ||
        (unsigned)q->conn > TS_NOT_CONNECTED)
        return LB_EINVAL;
    int rc = ts_check_page(q->page);
    if (rc)
        return rc;
    if (!(o.items = json_array()))
        return LB_ENOMEM;
    ts_conn *c = s->ops->acquire(s->b, 0);
    if (!c) {
        json_decref(o.items);
        return LB_EIO;
    }
    rc = ts_run(s, c, TS_Q_BEGIN_READ, NULL, 0, NULL, NULL, NULL);
    if (rc == 0) /* one snapshot for the total and the page */
        rc = ts_tx_end(s, c, list_tx(s, c, q, parent, &o, &n));
    s->ops->release(s->b, c);
    if (rc) {
        json_decref(o.items);
        return rc;
    }
    *items = o.items;
    if (total)
        *total = n;
    return 0;
}

int ts_thing_list(ts_store *s, const char *owner, const ts_page *page, json_t **items, long *total)
{
    list_q q = {LIST_THINGS, TS_ALL, owner, page, 0};
    return list(s, &q, NULL, items, total);
}

int ts_channel_list(ts_store *s, const char *owner, const ts_page *page, json_t **items,
                    long *total)
{
    list_q q = {LIST_CHANNELS, TS_ALL, owner, page, 0};
    return list(s, &q, NULL, items, total);
}

int ts_channel_things(ts_store *s, const char *owner, const char *channel, ts_conn_filter f,
                      const ts_page *page, json_t **items, long *total)
{
    list_q q = {LIST_CHANNEL_THINGS, f, owner, page, 0};
    return channel ? list(s, &q, channel, items, total) : LB_EINVAL;
}

int ts_thing_channels(ts_store *s, const char *owner, const char *thing, ts_conn_filter f,
                      const ts_page *page, json_t **items, long *total)
{
    list_q q = {LIST_THING_CHANNELS, f, owner, page, 0};
    return thing ? list(s, &q, thing, items, total) : LB_EINVAL;
}
