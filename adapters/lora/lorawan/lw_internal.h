/* Private to adapters/lora/lorawan: little-endian field helpers and the AES / AES-CMAC
 * primitives (crypto.c) that frame.c, data.c and join.c build on. Nothing here is part of the
 * public API in lorawan.h. */
#ifndef LYREBIRD_LW_INTERNAL_H
#define LYREBIRD_LW_INTERNAL_H

#include "lorawan.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LW_BLOCK 16

/* ---- little-endian fields: LoRaWAN puts every multi-byte field on air LSB first ---- */

static inline uint16_t lw_get_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t lw_get_le24(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

static inline uint32_t lw_get_le32(const uint8_t *p)
{
    return lw_get_le24(p) | (uint32_t)p[3] << 24;
}

static inline uint64_t lw_get_le64(const uint8_t *p)
{
    return (uint64_t)lw_get_le32(p) | (uint64_t)lw_get_le32(p + 4) << 32;
}

static inline void lw_put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void lw_put_le24(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
}

static inline void lw_put_le32(uint8_t *p, uint32_t v)
{
    lw_put_le24(p, v);
    p[3] = (uint8_t)(v >> 24);
}

static inline void lw_put_le64(uint8_t *p, uint64_t v)
{
    lw_put_le32(p, (uint32_t)v);
    lw_put_le32(p + 4, (uint32_t)(v >> 32));
}

/* ---- AES-128 (crypto.c) ---- */

/* AES-128-ECB of len bytes (a multiple of 16; in == out allowed) under key, encrypting or
 * decrypting, on this thread's cached OpenSSL context. 0 or -1. */
int lw_aes_ecb(const uint8_t key[LW_KEY_LEN], bool decrypt, const uint8_t *in, uint8_t *out,
               size_t len);

/* ---- AES-CMAC (RFC 4493), fed in pieces ---- */

/* A CMAC in progress. It keeps a pointer to the key, which must stay valid until final. Other
 * AES calls on the same thread may come between the steps (each step rekeys if needed). */
typedef struct lw_cmac_state {
    const uint8_t *key;
    uint8_t k1[LW_BLOCK], k2[LW_BLOCK]; /* RFC 4493 §2.3 subkeys */
    uint8_t x[LW_BLOCK];                /* CBC-MAC chaining value */
    uint8_t buf[LW_BLOCK];              /* the last block seen, not yet chained */
    size_t n;                           /* bytes in buf */
} lw_cmac_state;

int lw_cmac_init(lw_cmac_state *c, const uint8_t key[LW_KEY_LEN]);
int lw_cmac_update(lw_cmac_state *c, const uint8_t *data, size_t len);
/* Writes the 16-byte tag and wipes the state. 0 or -1. */
int lw_cmac_final(lw_cmac_state *c, uint8_t out[LW_BLOCK]);

/* Constant-time comparison of n bytes: true when equal. */
bool lw_equal(const uint8_t *a, const uint8_t *b, size_t n);

/* Overwrites n bytes so the compiler cannot drop it (keys, keystream). */
void lw_wipe(void *p, size_t n);

#endif
