/* Unit tests of the LoRaWAN crypto primitives (adapters/lora/lorawan/crypto.c): AES-128 one
 * block each way, AES-CMAC and AES key wrap against their published vectors, CMAC against
 * OpenSSL's own EVP_MAC on random input, and the per-thread cached contexts under several
 * threads and alternating keys. */
#include "lorawan.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hex.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* ---- AES-128, FIPS-197 Appendix C.1 (AES-128, key 000102..0f) ---- */

static void test_aes_fips197_c1(void **state)
{
    uint8_t key[16], pt[16], ct[16], out[16];
    test_hex("000102030405060708090a0b0c0d0e0f", key, sizeof key);
    test_hex("00112233445566778899aabbccddeeff", pt, sizeof pt);
    test_hex("69c4e0d86a7b0430d8cdb78070b4c55a", ct, sizeof ct);
    assert_int_equal(lw_aes_encrypt(key, pt, out), 0);
    assert_memory_equal(out, ct, 16);
    assert_int_equal(lw_aes_decrypt(key, ct, out), 0);
    assert_memory_equal(out, pt, 16);
}

/* ---- AES-CMAC, RFC 4493 §4 (K = 2b7e1516 28aed2a6 abf71588 09cf4f3c) ---- */

static const char *const rfc4493_key = "2b7e151628aed2a6abf7158809cf4f3c";
static const char *const rfc4493_msg = "6bc1bee22e409f96e93d7e117393172a"
                                       "ae2d8a571e03ac9c9eb76fac45af8e51"
                                       "30c81c46a35ce411e5fbc1191a0a52ef"
                                       "f69f2445df4f9b17ad2b417be66c3710";

static void rfc4493_example(size_t len, const char *tag_hex)
{
    uint8_t key[16], msg[64], tag[16], out[16];
    test_hex(rfc4493_key, key, sizeof key);
    test_hex(rfc4493_msg, msg, sizeof msg);
    test_hex(tag_hex, tag, sizeof tag);
    assert_int_equal(lw_cmac(key, msg, len, out), 0);
    assert_memory_equal(out, tag, 16);
}

static void test_cmac_rfc4493_example1_empty(void **state)
{
    rfc4493_example(0, "bb1d6929e95937287fa37d129b756746");
}

static void test_cmac_rfc4493_example2_16(void **state)
{
    rfc4493_example(16, "070a16b46b4d4144f79bdd9dd04a287c");
}

static void test_cmac_rfc4493_example3_40(void **state)
{
    rfc4493_example(40, "dfa66747de9ae63030ca32611497c827");
}

static void test_cmac_rfc4493_example4_64(void **state)
{
    rfc4493_example(64, "51f0bebf7e3b9d92fc49741779363cfe");
}

/* The same tags from OpenSSL's CMAC (EVP_MAC "CMAC" over AES-128-CBC) on random keys and
 * every length from 0 to 80 bytes: an independent implementation of RFC 4493. */
static void test_cmac_matches_openssl_evp_mac(void **state)
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
    assert_non_null(mac);
    char cipher[] = "AES-128-CBC";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
        OSSL_PARAM_construct_end(),
    };
    uint8_t key[16], msg[80], ours[16], theirs[16];
    for (size_t len = 0; len <= sizeof msg; len++) {
        assert_int_equal(RAND_bytes(key, sizeof key), 1);
        assert_int_equal(RAND_bytes(msg, sizeof msg), 1);
        EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
        size_t outl = 0;
        assert_non_null(ctx);
        assert_int_equal(EVP_MAC_init(ctx, key, sizeof key, params), 1);
        assert_int_equal(EVP_MAC_update(ctx, msg, len), 1);
        assert_int_equal(EVP_MAC_final(ctx, theirs, &outl, sizeof theirs), 1);
        EVP_MAC_CTX_free(ctx);
        assert_int_equal(lw_cmac(key, msg, len, ours), 0);
        assert_memory_equal(ours, theirs, 16);
    }
    EVP_MAC_free(mac);
}

static void test_cmac_rejects_null(void **state)
{
    uint8_t key[16] = {0}, out[16];
    assert_int_equal(lw_cmac(NULL, key, 16, out), -1);
    assert_int_equal(lw_cmac(key, NULL, 16, out), -1);
    assert_int_equal(lw_cmac(key, NULL, 0, out), 0); /* the empty message needs no bytes */
}

/* ---- AES key wrap, RFC 3394 §4.1-4.3 (wrapping key 00112233445566778899AABBCCDDEEFF) ---- */

static void rfc3394_example(const char *kek_hex, const char *wrapped_hex)
{
    uint8_t kek[32], key[16], wrapped[24], out[24], back[16];
    size_t kek_len = test_hex(kek_hex, kek, sizeof kek);
    test_hex("00112233445566778899AABBCCDDEEFF", key, sizeof key);
    test_hex(wrapped_hex, wrapped, sizeof wrapped);
    assert_int_equal(lw_key_wrap(kek, kek_len, key, out), 0);
    assert_memory_equal(out, wrapped, 24);
    assert_int_equal(lw_key_unwrap(kek, kek_len, wrapped, back), 0);
    assert_memory_equal(back, key, 16);
}

static void test_key_wrap_rfc3394_4_1_kek128(void **state)
{
    rfc3394_example("000102030405060708090A0B0C0D0E0F",
                    "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5");
}

static void test_key_wrap_rfc3394_4_2_kek192(void **state)
{
    rfc3394_example("000102030405060708090A0B0C0D0E0F1011121314151617",
                    "96778B25AE6CA435F92B5B97C050AED2468AB8A17AD84E5D");
}

static void test_key_wrap_rfc3394_4_3_kek256(void **state)
{
    rfc3394_example("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
                    "64E8C3F9CE0F5BA263E9777905818A2A93C8191E7D6E8AE7");
}

static void test_key_unwrap_rejects_tampering_and_bad_kek(void **state)
{
    uint8_t kek[16], wrapped[24], key[16];
    test_hex("000102030405060708090A0B0C0D0E0F", kek, sizeof kek);
    test_hex("1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5", wrapped, sizeof wrapped);
    wrapped[23] ^= 0x01; /* the integrity check value no longer matches */
    assert_int_equal(lw_key_unwrap(kek, sizeof kek, wrapped, key), -1);
    wrapped[23] ^= 0x01;
    kek[0] ^= 0x80; /* the wrong KEK */
    assert_int_equal(lw_key_unwrap(kek, sizeof kek, wrapped, key), -1);
    assert_int_equal(lw_key_unwrap(kek, 20, wrapped, key), -1);
    assert_int_equal(lw_key_wrap(kek, 0, key, wrapped), -1);
}

/* ---- the cached per-thread contexts ---- */

/* Alternating keys on one thread: each call must use its own key, not the cached one. */
static void test_alternating_keys_use_their_own_key(void **state)
{
    uint8_t k1[16], k2[16], pt[16] = {0}, a[16], b[16], again[16];
    memset(k1, 0x11, sizeof k1);
    memset(k2, 0x22, sizeof k2);
    assert_int_equal(lw_aes_encrypt(k1, pt, a), 0);
    assert_int_equal(lw_aes_encrypt(k2, pt, b), 0);
    assert_memory_not_equal(a, b, 16);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(lw_aes_decrypt(k2, b, again), 0);
        assert_memory_equal(again, pt, 16);
        assert_int_equal(lw_aes_decrypt(k1, a, again), 0);
        assert_memory_equal(again, pt, 16);
        assert_int_equal(lw_aes_encrypt(k1, pt, again), 0);
        assert_memory_equal(again, a, 16);
    }
}

#define THREADS 4

static void *cmac_worker(void *arg)
{
    uint8_t key[16], msg[64], tag3[16], tag4[16], out[16], zero[16] = {0};
    test_hex(rfc4493_key, key, sizeof key);
    test_hex(rfc4493_msg, msg, sizeof msg);
    test_hex("dfa66747de9ae63030ca32611497c827", tag3, sizeof tag3);
    test_hex("51f0bebf7e3b9d92fc49741779363cfe", tag4, sizeof tag4);
    int *bad = arg;
    for (int i = 0; i < 2000; i++) {
        const uint8_t *k = i % 3 == 2 ? zero : key; /* make the thread rekey often */
        if (lw_cmac(k, msg, i % 2 ? 64 : 40, out) != 0)
            (*bad)++;
        else if (k == key && memcmp(out, i % 2 ? tag4 : tag3, 16) != 0)
            (*bad)++;
    }
    return NULL;
}

/* Threads that come and go (their contexts are freed at exit: ASan checks) all get RFC 4493's
 * answers while the others run. */
static void test_threads_get_correct_tags(void **state)
{
    pthread_t t[THREADS];
    int bad[THREADS] = {0};
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, cmac_worker, &bad[i]), 0);
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_int_equal(bad[i], 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aes_fips197_c1),
        cmocka_unit_test(test_cmac_rfc4493_example1_empty),
        cmocka_unit_test(test_cmac_rfc4493_example2_16),
        cmocka_unit_test(test_cmac_rfc4493_example3_40),
        cmocka_unit_test(test_cmac_rfc4493_example4_64),
        cmocka_unit_test(test_cmac_matches_openssl_evp_mac),
        cmocka_unit_test(test_cmac_rejects_null),
        cmocka_unit_test(test_key_wrap_rfc3394_4_1_kek128),
        cmocka_unit_test(test_key_wrap_rfc3394_4_2_kek192),
        cmocka_unit_test(test_key_wrap_rfc3394_4_3_kek256),
        cmocka_unit_test(test_key_unwrap_rejects_tampering_and_bad_kek),
        cmocka_unit_test(test_alternating_keys_use_their_own_key),
        cmocka_unit_test(test_threads_get_correct_tags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
