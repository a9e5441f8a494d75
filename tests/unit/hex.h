/* Hex test vectors into bytes, for the cmocka unit tests (include after cmocka.h). */
#ifndef LB_TEST_HEX_H
#define LB_TEST_HEX_H

#include <stdint.h>
#include <stdio.h>

/* Hex s (spaces allowed) into out[0..cap); returns the byte count. Fails the test on a
 * malformed string or when out is too small. */
static inline size_t test_hex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (; *s; s++) {
        if (*s == ' ')
            continue;
        unsigned v = 0;
        int used = 0;
        if (sscanf(s, "%2x%n", &v, &used) != 1 || used != 2 || n == cap)
            fail_msg("bad hex in test: %s", s);
        out[n++] = (uint8_t)v;
        s++;
    }
    return n;
}

#endif
