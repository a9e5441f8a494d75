/* Token checks shared by the streaming JSON parsers (see lyrebird/jsontok.h). */
#include "lyrebird/jsontok.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#define NUMBER_STACK 64 /* numbers shorter than this are copied on the stack for strtod */

size_t lb_jsontok_utf8_bad(const unsigned char *s, size_t n)
{
    for (size_t i = 0, len; i < n; i += len) {
        uint32_t c = s[i];
        len = c < 0x80 ? 1 : c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
        if (len == 0 || len > n - i)
            return i;
        c &= 0x7Fu >> len;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
            c = c << 6 | (s[i + k] & 0x3F);
        }
        if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) || c > 0x10FFFF ||
            (c >= 0xD800 && c <= 0xDFFF))
            return i;
    }
    return n;
}

bool lb_jsontok_ascii(const char *s, size_t n)
{
    uint64_t any = 0, word;
    size_t i = 0;
    for (; i + sizeof word <= n; i += sizeof word) {
        memcpy(&word, s + i, sizeof word);
        any |= word;
    }
    while (i < n)
        any |= (unsigned char)s[i++];
    return (any & 0x8080808080808080u) == 0;
}

bool lb_jsontok_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return false;
    return true;
}

size_t lb_jsontok_string_start(const char *json, size_t end)
{
    size_t i = end - 1;
    while (i > 0) {
        if (json[--i] != '"')
            continue;
        size_t slashes = 0;
        while (slashes < i && json[i - 1 - slashes] == '\\')
            slashes++;
        if (slashes % 2 == 0)
            break;
    }
    return i;
}

static unsigned hex4(const char *s)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++)
        v = v << 4 | (unsigned)(s[i] <= '9' ? s[i] - '0' : (s[i] | 0x20) - 'a' + 10);
    return v;
}

int lb_jsontok_bad_escape(const char *t, size_t n, unsigned *v, unsigned *w)
{
    for (size_t i = 1; i + 1 < n; i++) {
        if (t[i] != '\\' || t[++i] != 'u')
            continue;
        *v = hex4(t + i + 1);
        i += 4;
        if (*v >= 0xDC00 && *v <= 0xDFFF)
            return 1;
        if (*v < 0xD800 || *v > 0xDBFF)
            continue;
        if (t[i + 1] != '\\' || t[i + 2] != 'u')
            return 1;
        if ((*w = hex4(t + i + 3)) < 0xDC00 || *w > 0xDFFF)
            return 2;
        i += 6;
    }
    return 0;
}

bool lb_jsontok_strtod(const char *s, size_t n, double *out)
{
    char small[NUMBER_STACK], *end, *dot;
    char *copy = n < sizeof small ? small : malloc(n + 1);
    if (!copy)
        return false;
    memcpy(copy, s, n);
    copy[n] = '\0';
    *out = strtod(copy, &end);
    if (end != copy + n && (dot = strchr(copy, '.')) != NULL) {
        *dot = *localeconv()->decimal_point;
        *out = strtod(copy, &end);
    }
    if (copy != small)
        free(copy);
    return true;
}
