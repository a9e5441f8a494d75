/* codec_corpus: runs the LoRaWAN decoder corpus (tests/codecs/corpus) through the JavaScript
 * codec (plugins/js, linked as lb_codec_js) the way node_reference.js runs it under Node.js:
 * for each folder, decoder.js is compiled once and one instance made, every uplink example
 * of examples.json goes through decode_uplink (bytes, fPort, recvTime = the example's own or
 * now), and the result is compared with the published output by the same rules (data
 * deep-equal after a JSON round trip, numbers within 1e-9 relative; errors equal when the
 * example gives them, else none; warnings equal when the example gives them).
 *
 * Prints "PASS|FAIL <folder> #<n> <reason>" per example and a JSON summary line. With
 * --reference NODE.json (node_reference.js --json-results) it also counts how many of the
 * examples that pass under Node.js pass here and prints
 *   codec_corpus: duktape passes X of the Y examples that pass under Node.js (Z %); ...
 * exiting 1 when Z is below --min-percent. Exit 2: the corpus or arguments are bad. */
#define _GNU_SOURCE
#include <dirent.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <lyrebird/codec.h>
#include <lyrebird/error.h>

#include "js_engine.h"

#define REL_TOLERANCE 1e-9
#define REASON_LEN    512
#define TIME_MS       1000 /* node_reference.js's limit per call */

struct options {
    const char *corpus;
    const char *json_results;
    const char *reference;
    const char *filter;
    double min_percent;
    bool quiet;
};

struct result {
    char *folder;
    int index;
    bool pass;
    char reason[REASON_LEN];
};

struct results {
    struct result *v;
    size_t n, cap;
};

static const lb_codec_plugin *P;

static void usage(const char *msg)
{
    if (msg)
        fprintf(stderr, "%s\n", msg);
    fprintf(stderr, "usage: codec_corpus [--corpus DIR] [--filter TEXT] [--quiet]\n"
                    "                    [--json-results FILE] [--reference NODE.json "
                    "[--min-percent P]]\n");
    exit(2);
}

/* ---------- comparison, as node_reference.js's diff() ---------- */

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_NULL:
        return "null";
    case JSON_ARRAY:
        return "array";
    case JSON_OBJECT:
        return "object";
    case JSON_STRING:
        return "string";
    case JSON_TRUE:
    case JSON_FALSE:
        return "boolean";
    default:
        return "number";
    }
}

/* JSON text of v, cut to 60 characters like node_reference.js's short() */
static void short_text(const json_t *v, char *buf, size_t len)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
    if (!s) {
        snprintf(buf, len, "?");
        return;
    }
    if (strlen(s) > 60)
        snprintf(buf, len, "%.57s...", s);
    else
        snprintf(buf, len, "%s", s);
    free(s);
}

static bool numbers_equal(double a, double b)
{
    if (a == b || (isnan(a) && isnan(b)))
        return true;
    double scale = fmax(fabs(a), fabs(b));
    return fabs(a - b) <= REL_TOLERANCE * scale;
}

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The object's keys, sorted; *n set. The array is malloc'd, the strings are json's. */
static const char **sorted_keys(const json_t *o, size_t *n)
{
    *n = json_object_size(o);
    const char **k = calloc(*n ? *n : 1, sizeof *k);
    if (!k)
        return NULL;
    size_t i = 0;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)o, key, v) k[i++] = key;
    qsort(k, *n, sizeof *k, cmp_keys);
    return k;
}

/* false when equal; true with reason filled naming the first difference */
static bool diff(const json_t *a, const json_t *e, const char *where, char *reason, size_t len)
{
    const char *ta = type_name(a), *te = type_name(e);
    char sa[80], se[80];
    if (strcmp(ta, "number") == 0 && strcmp(te, "number") == 0) {
        double x = json_number_value(a), y = json_number_value(e);
        if (numbers_equal(x, y))
            return false;
        snprintf(reason, len, "%s: got %.17g, want %.17g", where, x, y);
        return true;
    }
    if (strcmp(ta, te) != 0) {
        short_text(a, sa, sizeof sa);
        short_text(e, se, sizeof se);
        snprintf(reason, len, "%s: got %s %s, want %s %s", where, ta, sa, te, se);
        return true;
    }
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(e)) {
            snprintf(reason, len, "%s: got %zu items, want %zu", where, json_array_size(a),
                     json_array_size(e));
            return true;
        }
        for (size_t i = 0; i < json_array_size(a); i++) {
            char w[256];
            snprintf(w, sizeof w, "%s[%zu]", where, i);
            if (diff(json_array_get(a, i), json_array_get(e, i), w, reason, len))
                return true;
        }
        return false;
    }
    if (json_is_object(a)) {
        bool d = false;
        size_t na, ne;
        const char **ka = sorted_keys(a, &na), **ke = sorted_keys(e, &ne);
        if (!ka || !ke) {
            snprintf(reason, len, "%s: out of memory", where);
            d = true;
            goto out;
        }
        for (size_t i = 0; i < ne && !d; i++) {
            if (!json_object_get(a, ke[i])) {
                short_text(json_object_get(e, ke[i]), se, sizeof se);
                snprintf(reason, len, "%s.%s: missing, want %s", where, ke[i], se);
                d = true;
            }
        }
        for (size_t i = 0; i < na && !d; i++) {
            if (!json_object_get(e, ka[i])) {
                short_text(json_object_get(a, ka[i]), sa, sizeof sa);
                snprintf(reason, len, "%s.%s: unexpected %s", where, ka[i], sa);
                d = true;
            }
        }
        for (size_t i = 0; i < ne && !d; i++) {
            char w[256];
            snprintf(w, sizeof w, "%s.%s", where, ke[i]);
            d = diff(json_object_get(a, ke[i]), json_object_get(e, ke[i]), w, reason, len);
        }
    out:
        free(ka);
        free(ke);
        return d;
    }
    if (json_equal((json_t *)a, (json_t *)e))
        return false;
    short_text(a, sa, sizeof sa);
    short_text(e, se, sizeof se);
    snprintf(reason, len, "%s: got %s, want %s", where, sa, se);
    return true;
}

/* v as a list (null or absent: empty; one value: a list of it); a new reference */
static json_t *as_list(json_t *v)
{
    if (!v || json_is_null(v))
        return json_array();
    if (json_is_array(v))
        return json_incref(v);
    json_t *l = json_array();
    json_array_append(l, v);
    return l;
}

/* As node_reference.js's compare(): false when the result matches the example. */
static bool compare(json_t *result, json_t *expected, char *reason, size_t len)
{
    char s[80];
    if (!json_is_object(result)) {
        short_text(result, s, sizeof s);
        snprintf(reason, len, "decoder returned %s, not an object", s);
        return true;
    }
    if (!json_is_object(expected)) {
        snprintf(reason, len, "example has no output object");
        return true;
    }
    bool d = false;
    json_t *got_errors = as_list(json_object_get(result, "errors"));
    json_t *got_warnings = as_list(json_object_get(result, "warnings"));
    json_t *want = NULL;
    if (json_object_get(expected, "errors")) {
        want = as_list(json_object_get(expected, "errors"));
        d = diff(got_errors, want, "errors", reason, len);
    } else if (json_array_size(got_errors) > 0) {
        short_text(got_errors, s, sizeof s);
        snprintf(reason, len, "unexpected errors %s", s);
        d = true;
    }
    if (!d && json_object_get(expected, "warnings")) {
        json_decref(want);
        want = as_list(json_object_get(expected, "warnings"));
        d = diff(got_warnings, want, "warnings", reason, len);
    }
    if (!d && json_object_get(expected, "data")) {
        if (!json_object_get(result, "data")) {
            snprintf(reason, len, "no data in result");
            d = true;
        } else {
            d = diff(json_object_get(result, "data"), json_object_get(expected, "data"), "data",
                     reason, len);
        }
    }
    json_decref(want);
    json_decref(got_errors);
    json_decref(got_warnings);
    return d;
}

/* ---------- running a decoder ---------- */

/* "2023-07-19T07:51:25.508306410Z" (RFC 3339, any fraction, Z or +hh:mm) to Unix ns; false
 * if it is not such a time. */
static bool parse_rfc3339(const char *s, int64_t *ns)
{
    struct tm tm = {0};
    const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!p)
        return false;
    int64_t frac = 0;
    if (*p == '.') {
        int digits = 0;
        for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
            if (digits < 9)
                frac = frac * 10 + (*p - '0');
        }
        for (; digits < 9; digits++)
            frac *= 10;
    }
    int64_t offset = 0;
    if (*p == '+' || *p == '-') {
        int hh, mm;
        if (sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2)
            return false;
        offset = (int64_t)(hh * 60 + mm) * 60 * (*p == '-' ? -1 : 1);
    } else if (*p != 'Z' && *p != 'z') {
        return false;
    }
    *ns = ((int64_t)timegm(&tm) - offset) * 1000000000 + frac;
    return true;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Runs one example on i; false when it passes, else reason filled. */
static bool run_example(lb_codec_instance *i, json_t *ex, char *reason, size_t len)
{
    json_t *input = json_object_get(ex, "input");
    json_t *bytes = json_object_get(input, "bytes");
    if (!json_is_array(bytes)) {
        snprintf(reason, len, "example has no input bytes");
        return true;
    }
    size_t n = json_array_size(bytes);
    uint8_t *b = malloc(n ? n : 1);
    if (!b) {
        snprintf(reason, len, "out of memory");
        return true;
    }
    for (size_t k = 0; k < n; k++)
        b[k] = (uint8_t)json_number_value(json_array_get(bytes, k));
    lb_codec_input in = {b, n, (int)json_number_value(json_object_get(input, "fPort")), 0, NULL};
    json_t *rt = json_object_get(input, "recvTime");
    if (!json_is_string(rt) || !parse_rfc3339(json_string_value(rt), &in.recv_time_ns))
        in.recv_time_ns = now_ns();
    char *out = NULL;
    bool d = true;
    int rc = P->decode_uplink(i, &in, &out);
    free(b);
    if (rc != 0) {
        snprintf(reason, len, "decode_uplink failed: %s", lb_strerror(rc));
        goto out;
    }
    json_error_t je;
    json_t *result = json_loads(out, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, &je);
    if (!result) {
        snprintf(reason, len, "decode_uplink returned bad JSON: %s", je.text);
        goto out;
    }
    d = compare(result, json_object_get(ex, "output"), reason, len);
    json_decref(result);
out:
    free(out);
    return d;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *s = NULL;
    if (fseek(f, 0, SEEK_END) != 0)
        goto out;
    long n = ftell(f);
    if (n < 0 || fseek(f, 0, SEEK_SET) != 0)
        goto out;
    s = malloc((size_t)n + 1);
    if (!s)
        goto out;
    if (fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
        goto out;
    }
    s[n] = '\0';
    *len = (size_t)n;
out:
    fclose(f);
    return s;
}

static bool add_result(struct results *r, const char *folder, int index, bool pass,
                       const char *reason)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 256;
        struct result *v = realloc(r->v, cap * sizeof *v);
        if (!v)
            return false;
        r->v = v;
        r->cap = cap;
    }
    struct result *x = &r->v[r->n++];
    x->folder = strdup(folder);
    x->index = index;
    x->pass = pass;
    snprintf(x->reason, sizeof x->reason, "%s", reason);
    /* one line per example: no newlines in reasons */
    for (char *c = x->reason; *c; c++)
        if (*c == '\n' || *c == '\r' || *c == '\t')
            *c = ' ';
    return x->folder != NULL;
}

/* Runs every uplink example of one folder. -1: the folder cannot be read. */
static int run_folder(const char *corpus, const char *folder, struct results *r)
{
    char path[4096];
    size_t len;
    snprintf(path, sizeof path, "%s/%s/examples.json", corpus, folder);
    json_error_t je;
    json_t *examples = json_load_file(path, JSON_DECODE_INT_AS_REAL, &je);
    if (!examples) {
        fprintf(stderr, "cannot read %s: %s\n", path, je.text);
        return -1;
    }
    snprintf(path, sizeof path, "%s/%s/decoder.js", corpus, folder);
    char *src = read_file(path, &len);
    if (!src) {
        fprintf(stderr, "cannot read %s\n", path);
        json_decref(examples);
        return -1;
    }
    char err[LB_ERRLEN] = "";
    lb_codec_limits lim = {TIME_MS, 0};
    lb_codec *c = P->compile(src, len, &lim, err, sizeof err);
    lb_codec_instance *i = c ? P->instance_new(c, err, sizeof err) : NULL;
    json_t *uplink = json_object_get(examples, "uplink");
    size_t k;
    json_t *ex;
    int rc = 0;
    json_array_foreach(uplink, k, ex)
    {
        char reason[REASON_LEN] = "ok";
        bool fail;
        if (!i) {
            snprintf(reason, sizeof reason, "load failed: %s", err);
            fail = true;
        } else {
            fail = run_example(i, ex, reason, sizeof reason);
        }
        if (!add_result(r, folder, (int)k, !fail, fail ? reason : "ok")) {
            rc = -1;
            break;
        }
    }
    P->instance_free(i);
    P->codec_free(c);
    free(src);
    json_decref(examples);
    return rc;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The corpus's folders holding decoder.js and examples.json, sorted; NULL on error. */
static char **list_folders(const char *corpus, const char *filter, size_t *n)
{
    DIR *d = opendir(corpus);
    if (!d)
        return NULL;
    char **v = NULL;
    size_t cap = 0;
    *n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char path[4096];
        if (e->d_name[0] == '.' || (filter && !strstr(e->d_name, filter)))
            continue;
        snprintf(path, sizeof path, "%s/%s/decoder.js", corpus, e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        fclose(f);
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nv = realloc(v, cap * sizeof *nv);
            if (!nv)
                break;
            v = nv;
        }
        v[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    if (v)
        qsort(v, *n, sizeof *v, cmp_names);
    return v;
}

static int write_json_results(const char *file, const struct results *r)
{
    json_t *rows = json_array();
    for (size_t k = 0; k < r->n; k++) {
        json_array_append_new(rows, json_pack("{s:s,s:i,s:b,s:s}", "folder", r->v[k].folder,
                                              "index", r->v[k].index, "pass", r->v[k].pass,
                                              "reason", r->v[k].reason));
    }
    int rc = json_dump_file(rows, file, JSON_INDENT(1));
    json_decref(rows);
    return rc;
}

static const struct result *find_result(const struct results *r, const char *folder, int index)
{
    for (size_t k = 0; k < r->n; k++)
        if (r->v[k].index == index && strcmp(r->v[k].folder, folder) == 0)
            return &r->v[k];
    return NULL;
}

/* The acceptance figure against Node.js's results; 0, 1 below min_percent, 2 unreadable. */
static int compare_reference(const struct options *o, const struct results *r, size_t decoders)
{
    json_error_t je;
    json_t *ref = json_load_file(o->reference, 0, &je);
    if (!json_is_array(ref)) {
        fprintf(stderr, "cannot read %s: %s\n", o->reference, ref ? "not an array" : je.text);
        json_decref(ref);
        return 2;
    }
    size_t k, y = 0, x = 0, nfail = 0;
    json_t *row;
    char *fails = NULL;
    size_t fails_len = 0;
    FILE *f = open_memstream(&fails, &fails_len);
    json_array_foreach(ref, k, row)
    {
        if (!json_is_true(json_object_get(row, "pass")))
            continue;
        const char *folder = json_string_value(json_object_get(row, "folder"));
        int index = (int)json_integer_value(json_object_get(row, "index"));
        if (!folder)
            continue;
        y++;
        const struct result *mine = find_result(r, folder, index);
        if (mine && mine->pass)
            x++;
        else if (f)
            fprintf(f, "%s%s #%d", nfail++ ? ", " : "", folder, index);
    }
    if (f)
        fclose(f);
    const char *list = fails;
    double pct = y ? 100.0 * (double)x / (double)y : 0;
    printf("codec_corpus: duktape passes %zu of the %zu examples that pass under Node.js "
           "(%.1f %%); %zu decoders; failures: %s\n",
           x, y, pct, decoders, list && *list ? list : "none");
    free(fails);
    json_decref(ref);
    return y > 0 && pct >= o->min_percent ? 0 : 1;
}

int main(int argc, char **argv)
{
    struct options o = {.corpus = LB_CODEC_CORPUS_DIR, .min_percent = 98.0};
    for (int k = 1; k < argc; k++) {
        const char *a = argv[k];
        bool has_value = k + 1 < argc;
        if (strcmp(a, "--quiet") == 0)
            o.quiet = true;
        else if (strcmp(a, "--corpus") == 0 && has_value)
            o.corpus = argv[++k];
        else if (strcmp(a, "--filter") == 0 && has_value)
            o.filter = argv[++k];
        else if (strcmp(a, "--json-results") == 0 && has_value)
            o.json_results = argv[++k];
        else if (strcmp(a, "--reference") == 0 && has_value)
            o.reference = argv[++k];
        else if (strcmp(a, "--min-percent") == 0 && has_value)
            o.min_percent = atof(argv[++k]);
        else
            usage(strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0 ? NULL : "bad arguments");
    }
    P = lb_codec_entry();
    size_t nfolders = 0;
    char **folders = list_folders(o.corpus, o.filter, &nfolders);
    if (!folders || nfolders == 0) {
        fprintf(stderr, "no decoders in %s\n", o.corpus);
        free(folders);
        return 2;
    }
    struct results r = {0};
    size_t passed = 0;
    int rc = 0;
    for (size_t k = 0; k < nfolders && rc == 0; k++) {
        size_t first = r.n;
        if (run_folder(o.corpus, folders[k], &r) != 0) {
            rc = 2;
            break;
        }
        for (size_t j = first; j < r.n; j++) {
            passed += r.v[j].pass;
            if (!o.quiet || !r.v[j].pass)
                printf("%s %s #%d %s\n", r.v[j].pass ? "PASS" : "FAIL", r.v[j].folder, r.v[j].index,
                       r.v[j].reason);
        }
    }
    if (rc == 0) {
        printf("{\"decoders\": %zu, \"examples\": %zu, \"passed\": %zu}\n", nfolders, r.n, passed);
        if (o.json_results && write_json_results(o.json_results, &r) != 0) {
            fprintf(stderr, "cannot write %s\n", o.json_results);
            rc = 2;
        }
    }
    if (rc == 0 && o.reference)
        rc = compare_reference(&o, &r, nfolders);
    for (size_t k = 0; k < nfolders; k++)
        free(folders[k]);
    free(folders);
    for (size_t k = 0; k < r.n; k++)
        free(r.v[k].folder);
    free(r.v);
    lb_js_transpile_shutdown();
    return rc;
}
