/* The cryptographic primitives under every LoRaWAN MIC, payload cipher and key derivation:
 * AES-128 block encryption and decryption, AES-CMAC (RFC 4493) and AES key wrap (RFC 3394).
 *
 * AES comes from OpenSSL 3 (libcrypto). A network server checks tens of thousands of MICs a
 * second, so nothing expensive happens per call: the AES-128-ECB cipher is fetched once per
 * process, and each thread keeps two EVP_CIPHER_CTX (one encrypting, one decrypting) that are
 * only rekeyed when the key changes. They are made on a thread's first call and freed when the
 * thread exits (a pthread key destructor). CMAC is computed here over that ECB context — the
 * subkey generation of RFC 4493 §2.3 and the CBC-MAC of §2.4 — rather than with EVP_MAC, whose
 * fetch and context setup cost more than the MIC itself for LoRaWAN's 1-4 block messages. Key
 * wrap is not on any hot path and uses OpenSSL's own AES-WRAP ciphers. */
#include "lw_internal.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* One cached AES-128-ECB context and the key it holds. */
typedef struct aes_slot {
    EVP_CIPHER_CTX *ctx;
    uint8_t key[LW_KEY_LEN];
    bool inited; /* the cipher is set: later keys only rekey */
    bool keyed;  /* key[] is what ctx holds */
} aes_slot;

typedef struct thread_aes {
    aes_slot enc, dec;
} thread_aes;

static pthread_once_t aes_once = PTHREAD_ONCE_INIT;
static pthread_key_t aes_tls;
static EVP_CIPHER *aes_ecb; /* fetched once and kept for the life of the process */
static bool aes_ready;

static void slot_free(aes_slot *s)
{
    EVP_CIPHER_CTX_free(s->ctx);
    lw_wipe(s->key, sizeof s->key);
}

static void thread_aes_free(void *p)
{
    thread_aes *t = p;
    if (!t)
        return;
    slot_free(&t->enc);
    slot_free(&t->dec);
    free(t);
}

static void aes_init_once(void)
{
    aes_ecb = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL);
    aes_ready = aes_ecb && pthread_key_create(&aes_tls, thread_aes_free) == 0;
}

/* This thread's contexts, made on its first call; NULL if OpenSSL or memory fails. */
static thread_aes *thread_aes_get(void)
{
    if (pthread_once(&aes_once, aes_init_once) != 0 || !aes_ready)
        return NULL;
    thread_aes *t = pthread_getspecific(aes_tls);
    if (t)
        return t;
    t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->enc.ctx = EVP_CIPHER_CTX_new();
    t->dec.ctx = EVP_CIPHER_CTX_new();
    if (!t->enc.ctx || !t->dec.ctx || pthread_setspecific(aes_tls, t) != 0) {
        thread_aes_free(t);
        return NULL;
    }
    return t;
}

/* The slot's context keyed with key. The first init sets the cipher and turns padding off;
 * later ones pass no cipher, which only rekeys (no reallocation inside OpenSSL). */
static EVP_CIPHER_CTX *slot_key(aes_slot *s, const uint8_t key[LW_KEY_LEN], int enc)
{
    if (s->keyed && CRYPTO_memcmp(s->key, key, LW_KEY_LEN) == 0)
        return s->ctx;
    s->keyed = false;
    if (!EVP_CipherInit_ex2(s->ctx, s->inited ? NULL : aes_ecb, key, NULL, enc, NULL))
        return NULL;
    if (!s->inited && !EVP_CIPHER_CTX_set_padding(s->ctx, 0))
        return NULL;
    s->inited = true;
    memcpy(s->key, key, LW_KEY_LEN);
    s->keyed = true;
    return s->ctx;
}

int lw_aes_ecb(const uint8_t key[LW_KEY_LEN], bool decrypt, const uint8_t *in, uint8_t *out,
               size_t len)
{
    if (!key || !in || !out || len % LW_BLOCK != 0 || len > INT_MAX)
        return -1;
    if (len == 0)
        return 0;
    thread_aes *t = thread_aes_get();
    if (!t)
        return -1;
    EVP_CIPHER_CTX *ctx = decrypt ? slot_key(&t->dec, key, 0) : slot_key(&t->enc, key, 1);
    int outl = 0;
    if (!ctx || !EVP_CipherUpdate(ctx, out, &outl, in, (int)len) || outl != (int)len)
        return -1;
    return 0;
}

int lw_aes_encrypt(const uint8_t key[LW_KEY_LEN], const uint8_t in[16], uint8_t out[16])
{
    return lw_aes_ecb(key, false, in, out, LW_BLOCK);
}

int lw_aes_decrypt(const uint8_t key[LW_KEY_LEN], const uint8_t in[16], uint8_t out[16])
{
    return lw_aes_ecb(key, true, in, out, LW_BLOCK);
}

bool lw_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n) == 0;
}

void lw_wipe(void *p, size_t n)
{
    OPENSSL_cleanse(p, n);
}

/* ---- AES-CMAC, RFC 4493 ---- */

/* RFC 4493 §2.3: a subkey is the block shifted left one bit, XORed with Rb = 0x87 when the bit
 * shifted out was set. */
static void cmac_double(const uint8_t in[LW_BLOCK], uint8_t out[LW_BLOCK])
{
    uint8_t carry = in[0] >> 7;
    for (int i = 0; i < LW_BLOCK - 1; i++)
        out[i] = (uint8_t)(in[i] << 1 | in[i + 1] >> 7);
    out[LW_BLOCK - 1] = (uint8_t)(in[LW_BLOCK - 1] << 1);
    if (carry)
        out[LW_BLOCK - 1] ^= 0x87;
}

int lw_cmac_init(lw_cmac_state *c, const uint8_t key[LW_KEY_LEN])
{
    if (!c || !key)
        return -1;
    memset(c, 0, sizeof *c);
    c->key = key;
    uint8_t l[LW_BLOCK]; /* L = AES-128(K, 0^128) */
    if (lw_aes_ecb(key, false, c->x, l, LW_BLOCK) != 0)
        return -1;
    cmac_double(l, c->k1);
    cmac_double(c->k1, c->k2);
    lw_wipe(l, sizeof l);
    return 0;
}

/* CBC-MAC step (RFC 4493 §2.4 step 6): X := AES-128(K, X XOR block). */
static int cmac_chain(lw_cmac_state *c, const uint8_t block[LW_BLOCK])
{
    for (int i = 0; i < LW_BLOCK; i++)
        c->x[i] ^= block[i];
    return lw_aes_ecb(c->key, false, c->x, c->x, LW_BLOCK);
}

/* The last block must be handled by final, so a full buffer is only chained once more data
 * arrives after it. */
int lw_cmac_update(lw_cmac_state *c, const uint8_t *data, size_t len)
{
    if (!c || (!data && len > 0))
        return -1;
    while (len > 0) {
        if (c->n == LW_BLOCK) {
            if (cmac_chain(c, c->buf) != 0)
                return -1;
            c->n = 0;
        }
        size_t take = LW_BLOCK - c->n < len ? LW_BLOCK - c->n : len;
        memcpy(c->buf + c->n, data, take);
        c->n += take;
        data += take;
        len -= take;
    }
    return 0;
}

/* RFC 4493 §2.4 steps 4-7: a complete last block is XORed with K1; an incomplete (or empty)
 * one is padded with 10...0 and XORed with K2. */
int lw_cmac_final(lw_cmac_state *c, uint8_t out[LW_BLOCK])
{
    if (!c || !out)
        return -1;
    uint8_t last[LW_BLOCK];
    const uint8_t *k = c->k1;
    memcpy(last, c->buf, c->n);
    if (c->n < LW_BLOCK) {
        last[c->n] = 0x80;
        memset(last + c->n + 1, 0, LW_BLOCK - c->n - 1);
        k = c->k2;
    }
    for (int i = 0; i < LW_BLOCK; i++)
        last[i] ^= k[i];
    int rc = cmac_chain(c, last);
    if (rc == 0)
        memcpy(out, c->x, LW_BLOCK);
    lw_wipe(last, sizeof last);
    lw_wipe(c, sizeof *c);
    return rc;
}

int lw_cmac(const uint8_t key[LW_KEY_LEN], const uint8_t *data, size_t len, uint8_t out[16])
{
    lw_cmac_state c;
    if (lw_cmac_init(&c, key) != 0 || lw_cmac_update(&c, data, len) != 0) {
        lw_wipe(&c, sizeof c);
        return -1;
    }
    return lw_cmac_final(&c, out);
}

/* ---- AES key wrap, RFC 3394 ---- */

/* OpenSSL's AES-WRAP cipher for a KEK of kek_len bytes (RFC 3394 §2.2.1 with the default IV
 * A6A6A6A6A6A6A6A6), or NULL for a length it does not have. */
static const EVP_CIPHER *wrap_cipher(size_t kek_len)
{
    switch (kek_len) {
    case 16:
        return EVP_aes_128_wrap();
    case 24:
        return EVP_aes_192_wrap();
    case 32:
        return EVP_aes_256_wrap();
    default:
        return NULL;
    }
}

/* Wraps (enc) 16 bytes into 24, or unwraps 24 into 16 and checks the integrity value. */
static int key_wrap_run(const uint8_t *kek, size_t kek_len, int enc, const uint8_t *in,
                        size_t in_len, uint8_t *out, size_t out_len)
{
    const EVP_CIPHER *cipher = wrap_cipher(kek_len);
    if (!kek || !in || !out || !cipher)
        return -1;
    int rc = -1, n = 0, fin = 0;
    uint8_t tmp[24 + LW_BLOCK]; /* OpenSSL may write up to one block more than it returns */
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx)
        goto out;
    EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    if (!EVP_CipherInit_ex2(ctx, cipher, kek, NULL, enc, NULL) ||
        !EVP_CipherUpdate(ctx, tmp, &n, in, (int)in_len) || n != (int)out_len ||
        !EVP_CipherFinal_ex(ctx, tmp + n, &fin) || fin != 0)
        goto out;
    memcpy(out, tmp, out_len);
    rc = 0;
out:
    EVP_CIPHER_CTX_free(ctx);
    lw_wipe(tmp, sizeof tmp);
    return rc;
}

int lw_key_wrap(const uint8_t *kek, size_t kek_len, const uint8_t key[LW_KEY_LEN], uint8_t out[24])
{
    return key_wrap_run(kek, kek_len, 1, key, LW_KEY_LEN, out, 24);
}

int lw_key_unwrap(const uint8_t *kek, size_t kek_len, const uint8_t in[24], uint8_t key[LW_KEY_LEN])
{
    return key_wrap_run(kek, kek_len, 0, in, 24, key, LW_KEY_LEN);
}
