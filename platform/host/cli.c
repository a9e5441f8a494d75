/* lyrebird-cli: the provisioning commands (`lyrebird users|things|channels|connect|...`),
 * a program of its own that `lyrebird` runs for them, so the server process never loads
 * libcurl and its dependencies. A table of commands, each an HTTP call to the REST API at
 * LB_URL (default http://127.0.0.1:LB_HTTP_PORT) with the user token in LB_TOKEN, and a
 * printer for the answer: a table, or the API's JSON with --json. Exit codes: 0 ok, 1 the
 * API refused, 2 bad usage. */

#include "lyrebird/config.h"
#include "lyrebird/error.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { OUT_OBJECT, OUT_LIST, OUT_TOKEN, OUT_NONE } out_kind;

typedef struct command {
    const char *group, *verb; /* "things", "create"; verb NULL: a one-word command */
    int nargs;                /* required arguments after the verb */
    const char *method;
    const char *path;         /* "%1" and "%2" stand for the arguments */
    const char *body;         /* a json_pack format over the arguments, or NULL */
    out_kind out;
    const char *list_field;   /* "things" */
    const char *usage;
} command;

static const command commands[] = {
    {"users", "create", 2, "POST", "/users", "{s:s, s:s}", OUT_OBJECT, NULL, "EMAIL PASSWORD"},
    {"users", "token", 2, "POST", "/tokens", "{s:s, s:s}", OUT_TOKEN, NULL, "EMAIL PASSWORD"},
    {"users", "profile", 0, "GET", "/users/profile", NULL, OUT_OBJECT, NULL, ""},
    {"things", "create", 1, "POST", "/things", "{s:s}", OUT_OBJECT, NULL, "NAME"},
    {"things", "list", 0, "GET", "/things?limit=100", NULL, OUT_LIST, "things", ""},
    {"things", "get", 1, "GET", "/things/%1", NULL, OUT_OBJECT, NULL, "ID"},
    {"things", "delete", 1, "DELETE", "/things/%1", NULL, OUT_NONE, NULL, "ID"},
    {"channels", "create", 1, "POST", "/channels", "{s:s}", OUT_OBJECT, NULL, "NAME"},
    {"channels", "list", 0, "GET", "/channels?limit=100", NULL, OUT_LIST, "channels", ""},
    {"channels", "get", 1, "GET", "/channels/%1", NULL, OUT_OBJECT, NULL, "ID"},
    {"channels", "delete", 1, "DELETE", "/channels/%1", NULL, OUT_NONE, NULL, "ID"},
    {"channels", "things", 1, "GET", "/channels/%1/things?limit=100", NULL, OUT_LIST, "things",
     "CHANNEL_ID"},
    {"connect", NULL, 2, "PUT", "/channels/%2/things/%1", NULL, OUT_NONE, NULL,
     "THING_ID CHANNEL_ID"},
    {"disconnect", NULL, 2, "DELETE", "/channels/%2/things/%1", NULL, OUT_NONE, NULL,
     "THING_ID CHANNEL_ID"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* The json_pack keys of each body format, by command path. */
static const char *body_keys(const command *c, int i)
{
    static const char *const user[] = {"email", "password"};
    return strcmp(c->path, "/users") == 0 || strcmp(c->path, "/tokens") == 0 ? user[i] : "name";
}

static int handles(const char *cmd)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].group, cmd) == 0)
            return 1;
    return 0;
}

static void usage(const char *group)
{
    fprintf(stderr, "usage:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!group || strcmp(commands[i].group, group) == 0)
            fprintf(stderr, "  lyrebird %s%s%s %s\n", commands[i].group,
                    commands[i].verb ? " " : "", commands[i].verb ? commands[i].verb : "",
                    commands[i].usage);
    fprintf(stderr, "settings: LB_URL (API address), LB_TOKEN (from `users token`), "
                    "--json for the API's JSON\n");
}

/* The path with %1/%2 replaced by the URL-escaped arguments. */
static char *expand(CURL *curl, const char *tmpl, char **args)
{
    char out[2048];
    size_t at = 0;
    for (const char *p = tmpl; *p && at < sizeof out - 1; p++) {
        if (p[0] == '%' && (p[1] == '1' || p[1] == '2')) {
            char *esc = curl_easy_escape(curl, args[p[1] - '1'], 0);
            at += (size_t)snprintf(out + at, sizeof out - at, "%s", esc ? esc : "");
            curl_free(esc);
            p++;
        } else {
            out[at++] = *p;
        }
    }
    out[at < sizeof out ? at : sizeof out - 1] = 0;
    return strdup(out);
}

typedef struct buf {
    char *data;
    size_t len;
} buf;

static size_t collect(char *ptr, size_t size, size_t n, void *arg)
{
    buf *b = arg;
    char *grown = realloc(b->data, b->len + size * n + 1);
    if (!grown)
        return 0;
    memcpy(grown + b->len, ptr, size * n);
    b->len += size * n;
    grown[b->len] = 0;
    b->data = grown;
    return size * n;
}

static void print_object(json_t *obj)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v)
    {
        char *text = json_is_string(v) ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        printf("%-10s %s\n", k, text ? text : json_string_value(v));
        free(text);
    }
}

static void print_list(json_t *items)
{
    size_t i;
    json_t *item;
    int keys = json_object_get(json_array_get(items, 0), "key") != NULL;
    printf("%-36s  %-24s%s\n", "ID", "NAME", keys ? "  KEY" : "");
    json_array_foreach(items, i, item)
    {
        printf("%-36s  %-24s", json_string_value(json_object_get(item, "id")),
               json_string_value(json_object_get(item, "name")));
        if (keys)
            printf("  %s", json_string_value(json_object_get(item, "key")));
        printf("\n");
    }
}

/* Prints the answer; returns the exit code. */
static int show(const command *c, long status, const buf *b, int as_json)
{
    json_t *v = b->len ? json_loadb(b->data, b->len, 0, NULL) : NULL;
    int code = status >= 200 && status < 300 ? 0 : 1;
    if (code) {
        const char *e = json_string_value(json_object_get(v, "error"));
        fprintf(stderr, "lyrebird: %ld: %s\n", status, e ? e : (b->data ? b->data : ""));
    } else if (as_json && b->len) {
        printf("%s\n", b->data);
    } else if (c->out == OUT_TOKEN) {
        printf("%s\n", json_string_value(json_object_get(v, "token")));
    } else if (c->out == OUT_OBJECT) {
        print_object(v);
    } else if (c->out == OUT_LIST) {
        print_list(json_object_get(v, c->list_field));
    }
    json_decref(v);
    return code;
}

static int run(const command *c, char **args)
{
    char url[2600], auth[4200], err[LB_ERRLEN];
    int port, as_json;
    if (lb_config_port("LB_HTTP_PORT", 8080, &port, err, sizeof err) != 0 ||
        lb_config_bool("LB_JSON", 0, &as_json, err, sizeof err) != 0) {
        fprintf(stderr, "lyrebird: %s\n", err);
        return 2;
    }
    char base[64];
    snprintf(base, sizeof base, "http://127.0.0.1:%d", port);
    CURL *curl = curl_easy_init();
    char *path = curl ? expand(curl, c->path, args) : NULL;
    json_t *body = c->body ? json_pack(c->body, body_keys(c, 0), args[0], body_keys(c, 1),
                                       c->nargs > 1 ? args[1] : "")
                           : NULL;
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    struct curl_slist *headers = NULL;
    buf b = {0};
    long status = 0;
    int code = 1;
    if (!path)
        goto out;
    snprintf(url, sizeof url, "%s%s", lb_config_str("LB_URL", base), path);
    const char *token = lb_config_get("LB_TOKEN");
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        headers = curl_slist_append(headers, auth);
    }
    if (text) {
        headers = curl_slist_append(headers, "Content-Type: application/json");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, text);
    }
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, c->method);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    CURLcode rc = curl_easy_perform(curl);
    if (rc != CURLE_OK) {
        fprintf(stderr, "lyrebird: cannot reach %s: %s\n", url, curl_easy_strerror(rc));
        goto out;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    code = show(c, status, &b, as_json);
out:
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    free(b.data);
    free(text);
    free(path);
    json_decref(body);
    return code;
}

static int cli_main(int argc, char **argv)
{
    const char *group = argv[0];
    const char *verb = argc > 1 ? argv[1] : NULL;
    for (size_t i = 0; i < NCOMMANDS; i++) {
        const command *c = &commands[i];
        if (strcmp(c->group, group) != 0 || (c->verb && (!verb || strcmp(c->verb, verb) != 0)))
            continue;
        int first = c->verb ? 2 : 1;
        if (argc - first != c->nargs) {
            usage(group);
            return 2;
        }
        curl_global_init(CURL_GLOBAL_DEFAULT);
        int code = run(c, argv + first);
        curl_global_cleanup();
        return code;
    }
    usage(group);
    return 2;
}

int main(int argc, char **argv)
{
    char err[LB_ERRLEN], *args[64];
    int n = 0;
    for (int i = 1; i < argc;) { /* flags may stand anywhere; the rest keep their order */
        if (strcmp(argv[i], "--json") == 0) {
            lb_config_set("LB_JSON", "1");
            i++;
        } else if (strncmp(argv[i], "--", 2) == 0) {
            int used = lb_config_parse_flags(argc - i, argv + i, err, sizeof err);
            if (used <= 0) {
                fprintf(stderr, "lyrebird: %s\n", used < 0 ? err : "bad flag");
                return 2;
            }
            i += used;
        } else if (n < 64) {
            args[n++] = argv[i++];
        } else {
            return 2;
        }
    }
    if (n == 0 || !handles(args[0])) {
        usage(NULL);
        return 2;
    }
    return cli_main(n, args);
}
