/* LB_* settings: values given as flags (lb_config_set / lb_config_parse_flags) win over the
 * environment. Typed getters validate and name the setting in their error. */
#include "lyrebird/config.h"
#include "lyrebird/error.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct setting {
    char *name;
    char *value;
    struct setting *next;
} setting;

static setting *flags; /* written before threads start, read-only afterwards */

int lb_config_set(const char *name, const char *value)
{
    for (setting *s = flags; s; s = s->next) {
        if (strcmp(s->name, name) == 0) {
            char *v = strdup(value);
            if (!v)
                return LB_ENOMEM;
            free(s->value);
            s->value = v;
            return 0;
        }
    }
    setting *s = calloc(1, sizeof *s);
    if (!s || !(s->name = strdup(name)) || !(s->value = strdup(value))) {
        if (s)
            free(s->name);
        free(s);
        return LB_ENOMEM;
    }
    s->next = flags;
    flags = s;
    return 0;
}

void lb_config_reset(void)
{
    while (flags) {
        setting *next = flags->next;
        free(flags->name);
        free(flags->value);
        free(flags);
        flags = next;
    }
}

int lb_config_parse_flags(int argc, char **argv, char *err, size_t errlen)
{
    int i = 0;
    while (i < argc && strncmp(argv[i], "--", 2) == 0 && argv[i][2]) {
        const char *flag = argv[i] + 2;
        const char *eq = strchr(flag, '=');
        size_t n = eq ? (size_t)(eq - flag) : strlen(flag);
        const char *value = eq ? eq + 1 : NULL;
        if (!value) {
            if (i + 1 >= argc) {
                snprintf(err, errlen, "flag --%s needs a value", flag);
                return LB_EINVAL;
            }
            value = argv[++i];
        }
        char name[128] = "LB_";
        if (n == 0 || n + 4 > sizeof name) {
            snprintf(err, errlen, "flag --%.*s is not a setting name", (int)n, flag);
            return LB_EINVAL;
        }
        for (size_t k = 0; k < n; k++) {
            unsigned char c = (unsigned char)flag[k];
            if (!isalnum(c) && c != '-' && c != '_') {
                snprintf(err, errlen, "flag --%.*s is not a setting name", (int)n, flag);
                return LB_EINVAL;
            }
            name[3 + k] = c == '-' ? '_' : (char)toupper(c);
        }
        name[3 + n] = 0;
        if (lb_config_set(name, value) != 0)
            return LB_ENOMEM;
        i++;
    }
    return i;
}

const char *lb_config_get(const char *name)
{
    for (setting *s = flags; s; s = s->next)
        if (strcmp(s->name, name) == 0)
            return s->value[0] ? s->value : NULL;
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

const char *lb_config_str(const char *name, const char *def)
{
    const char *v = lb_config_get(name);
    return v ? v : def;
}

int lb_config_int(const char *name, long def, long min, long max, long *out, char *err,
                  size_t errlen)
{
    const char *v = lb_config_get(name);
    if (!v) {
        *out = def;
        return 0;
    }
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < min || n > max) {
        snprintf(err, errlen, "%s: '%s' is not a whole number from %ld to %ld", name, v, min, max);
        return LB_EINVAL;
    }
    *out = n;
    return 0;
}

int lb_config_port(const char *name, int def, int *out, char *err, size_t errlen)
{
    const char *v = lb_config_get(name);
    long n;
    if (v && lb_config_int(name, def, 1, 65535, &n, err, errlen) != 0) {
        snprintf(err, errlen, "%s: '%s' is not a port number (1-65535)", name, v);
        return LB_EINVAL;
    }
    *out = v ? (int)n : def;
    return 0;
}

int lb_config_bool(const char *name, int def, int *out, char *err, size_t errlen)
{
    static const char *const yes[] = {"1", "true", "yes", "on"};
    static const char *const no[] = {"0", "false", "no", "off"};
    const char *v = lb_config_get(name);
    if (!v) {
        *out = def;
        return 0;
    }
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0 || strcasecmp(v, no[i]) == 0) {
            *out = strcasecmp(v, yes[i]) == 0;
            return 0;
        }
    }
    snprintf(err, errlen, "%s: '%s' is not true or false", name, v);
    return LB_EINVAL;
}
