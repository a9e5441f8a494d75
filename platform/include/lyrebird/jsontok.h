/* Token checks for streaming JSON parsers (yajl) that must accept and refuse exactly what
 * jansson does, and convert numbers as it does: shared by the SenML parser (senml.c) and the
 * LoRa adapter's Semtech parser. Pure functions, thread-safe. */
#ifndef LYREBIRD_JSONTOK_H
#define LYREBIRD_JSONTOK_H

#include <float.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Index of the first byte of s[0..n) that does not start a valid UTF-8 character (RFC 3629:
 * shortest form, no surrogates, at most U+10FFFF), or n. yajl checks only a sequence's shape. */
size_t lb_jsontok_utf8_bad(const unsigned char *s, size_t n);

/* Whether s[0..n) is all ASCII (no byte above 0x7F), a word at a time. */
bool lb_jsontok_ascii(const char *s, size_t n);

/* Whether s[0..n) is only JSON whitespace (or nothing). */
bool lb_jsontok_blank(const char *s, size_t n);

/* The string token that ends at json[end] (its closing quote is json[end - 1]): the index of
 * its opening quote, the first '"' before end not escaped. */
size_t lb_jsontok_string_start(const char *json, size_t end);

/* Checks the \u escapes of string token t[0..n), quotes included, whose syntax yajl checked:
 * a high surrogate must be followed by a low one, which must not come alone (yajl would
 * decode either to '?' or to a wrong character). 0 when they pair; else 1 with *v the lone
 * code unit, or 2 with *v, *w a high surrogate and what follows it. */
int lb_jsontok_bad_escape(const char *t, size_t n, unsigned *v, unsigned *w);

/* Number text s[0..n) (JSON's grammar) to a double as jansson converts it: strtod, with the
 * locale's decimal point for '.' if the locale has another. false when out of memory. */
bool lb_jsontok_strtod(const char *s, size_t n, double *out);

/* Clinger's fast path: when the digits make an integer m below 2^53 and the decimal exponent
 * e is within 22, m and 10^|e| are exact doubles, and one multiplication or division rounds
 * m * 10^e correctly, as strtod does. false if it does not apply. s[0..n) follows JSON's
 * number grammar. Inline: every number of a SenML pack or a Semtech datagram passes here. */
static inline bool lb_jsontok_exact_double(const char *s, size_t n, double *out)
{
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    uint64_t m = 0;
    long e = 0, x = 0, sign = 1;
    size_t i = s[0] == '-';
    for (int frac = 0; i < n && (s[i] == '.' || (s[i] >= '0' && s[i] <= '9')); i++) {
        if (s[i] == '.') {
            frac = 1;
            continue;
        }
        if ((m = m * 10 + (uint64_t)(s[i] - '0')) >= (uint64_t)1 << 53)
            return false;
        e -= frac;
    }
    if (i < n && (s[i++] | 0x20) == 'e') {
        if (s[i] == '+' || s[i] == '-')
            sign = s[i++] == '-' ? -1 : 1;
        for (; i < n && x < 1000; i++)
            x = x * 10 + (s[i] - '0');
        if (i < n)
            return false;
        e += sign * x;
    }
    if (e < -22 || e > 22)
        return false;
    *out = e < 0 ? (double)m / pow10[-e] : (double)m * pow10[e];
    *out = s[0] == '-' ? -*out : *out;
    return true;
}

/* Number text s[0..n) to a double as jansson converts it: the fast path where it applies
 * (not where x87 registers would round twice), else lb_jsontok_strtod. false when out of
 * memory. */
static inline bool lb_jsontok_to_double(const char *s, size_t n, double *out)
{
    if (FLT_EVAL_METHOD == 0 && lb_jsontok_exact_double(s, n, out))
        return true;
    return lb_jsontok_strtod(s, n, out);
}

#ifdef __cplusplus
}
#endif
#endif
