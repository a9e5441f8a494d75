/* Benchmark of the LoRaWAN hot path on one thread, for a data uplink with a 20-byte
 * FRMPayload (a 33-byte PHYPayload): MIC checks per second (LoRaWAN 1.0, and 1.1 with both
 * CMAC halves), for one device's keys over and over and for 1,024 devices' keys in turn (what
 * a network server does when it tries each session that shares a DevAddr: every check
 * rekeys AES), and FRMPayload decrypts per second. The same run times a baseline: the same
 * 1.0 MIC through OpenSSL's EVP_MAC "CMAC" with a new EVP_MAC_CTX per check (the MAC fetched
 * once), the straightforward use of the library. The target is 20,000 MIC checks/s.
 *
 * Loops alternate in short slices over several rounds and the median of each is printed, as
 * timings on a shared machine are noisy. Usage: bench_lorawan [seconds per loop, default 1].
 * Prints the figures and exits 0; exits 1 only if a result is wrong (a MIC does not check, a
 * decrypt does not give the payload back, the baseline disagrees). */
#include "lorawan.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUNDS   5
#define SESSIONS 1024
#define PAYLOAD  20
#define BATCH    256 /* operations between clock reads */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static lw_session sessions[SESSIONS];
static uint8_t frames[2][LW_MAX_PHY]; /* [0] 1.0, [1] 1.1, both from sessions[0]'s keys */
static lw_frame decoded[2];
static EVP_MAC *cmac;
static int failures;
static unsigned long tick; /* runs across batches, so every session takes its turn */

static void make_sessions(void)
{
    for (int i = 0; i < SESSIONS; i++) {
        lw_session *s = &sessions[i];
        s->dev_addr = 0x26011000;
        for (int j = 0; j < LW_KEY_LEN; j++) { /* bytes 0-1 make every session's keys differ */
            uint8_t v = j == 0 ? (uint8_t)i : j == 1 ? (uint8_t)(i >> 8) : (uint8_t)j;
            s->f_nwk_s_int[j] = v;
            s->s_nwk_s_int[j] = (uint8_t)(v ^ 0x10);
            s->nwk_s_enc[j] = (uint8_t)(v ^ 0x20);
            s->app_s[j] = (uint8_t)(v ^ 0x30);
        }
    }
}

static int make_frame(int v11)
{
    static const uint8_t payload[PAYLOAD] = "temperature=21.5;h=4";
    lw_session s = sessions[0];
    s.v11 = v11;
    lw_data d = {.mtype = LW_UNCONFIRMED_UP,
                 .adr = true,
                 .fcnt = 0x00010203,
                 .fport = 2,
                 .payload = payload,
                 .len = PAYLOAD,
                 .tx_dr = 5,
                 .tx_ch = 2};
    char err[LW_ERRLEN];
    int n = lw_data_build(&s, &d, frames[v11], sizeof frames[v11]);
    if (n != 1 + 7 + 1 + PAYLOAD + 4 ||
        lw_frame_decode(frames[v11], (size_t)n, &decoded[v11], err, sizeof err) != 0) {
        fprintf(stderr, "cannot build the test frame: %s\n", err);
        return -1;
    }
    return 0;
}

/* ---- the loops: each runs `n` operations ---- */

static void loop_mic(long n, int v11, int rotate)
{
    for (long i = 0; i < n; i++) {
        unsigned long k = rotate ? tick++ % SESSIONS : 0;
        lw_session s = sessions[k];
        s.v11 = v11;
        if (lw_data_mic_ok(&s, &decoded[v11], 0x00010203, 0, 5, 2) != (k == 0))
            failures++;
    }
}

static void loop_mic_10_same(long n)
{
    loop_mic(n, 0, 0);
}
static void loop_mic_10_rotate(long n)
{
    loop_mic(n, 0, 1);
}
static void loop_mic_11_rotate(long n)
{
    loop_mic(n, 1, 1);
}

static void loop_decrypt(long n)
{
    uint8_t out[PAYLOAD];
    const lw_frame *f = &decoded[0];
    for (long i = 0; i < n; i++) {
        unsigned long k = tick++ % SESSIONS;
        if (lw_frm_crypt(sessions[k].app_s, LW_UP, f->dev_addr, 0x00010203, f->frm_payload,
                         f->frm_len, out) != 0)
            failures++;
        else if (k == 0 && memcmp(out, "temperature=21.5;h=4", PAYLOAD) != 0)
            failures++;
    }
}

/* Baseline: the 1.0 MIC, B0 | msg (LoRaWAN 1.0.4 §4.4), with EVP_MAC, a new context each. */
static void loop_evp_mac(long n)
{
    const lw_frame *f = &decoded[0];
    size_t len = f->raw_len - 4;
    uint8_t b0[16] = {0x49, 0, 0, 0, 0, 0, 0x00, 0x10, 0x01, 0x26, 0x03, 0x02, 0x01, 0x00, 0x00};
    b0[15] = (uint8_t)len;
    char cipher[] = "AES-128-CBC";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
                           OSSL_PARAM_construct_end()};
    for (long i = 0; i < n; i++) {
        unsigned long k = tick++ % SESSIONS;
        const lw_session *s = &sessions[k];
        uint8_t tag[16];
        size_t outl = 0;
        EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(cmac);
        if (!ctx || !EVP_MAC_init(ctx, s->f_nwk_s_int, LW_KEY_LEN, params) ||
            !EVP_MAC_update(ctx, b0, sizeof b0) || !EVP_MAC_update(ctx, f->raw, len) ||
            !EVP_MAC_final(ctx, tag, &outl, sizeof tag))
            failures++;
        else if ((memcmp(tag, f->mic, 4) == 0) != (k == 0))
            failures++;
        EVP_MAC_CTX_free(ctx);
    }
}

typedef struct bench {
    const char *what;
    void (*run)(long n);
    double rates[ROUNDS];
} bench;

static bench benches[] = {
    {"MIC checks/s, 1.0, one device's keys", loop_mic_10_same, {0}},
    {"MIC checks/s, 1.0, 1024 devices' keys in turn", loop_mic_10_rotate, {0}},
    {"MIC checks/s, 1.1 (cmacS + cmacF), 1024 devices' keys", loop_mic_11_rotate, {0}},
    {"FRMPayload decrypts/s (20 bytes), 1024 devices' keys", loop_decrypt, {0}},
    {"baseline: 1.0 MIC via EVP_MAC, new ctx per check, 1024 keys", loop_evp_mac, {0}},
};
#define NBENCH (sizeof benches / sizeof benches[0])

/* Runs b for about `seconds`, in batches, and returns operations per second. */
static double time_slice(bench *b, double seconds)
{
    long ops = 0;
    double t0 = now(), t;
    do {
        b->run(BATCH);
        ops += BATCH;
        t = now();
    } while (t - t0 < seconds);
    return (double)ops / (t - t0);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 1.0;
    if (seconds <= 0)
        seconds = 1.0;
    make_sessions();
    cmac = EVP_MAC_fetch(NULL, "CMAC", NULL);
    if (!cmac || make_frame(0) != 0 || make_frame(1) != 0)
        return 1;
    for (size_t i = 0; i < NBENCH; i++) /* warm up: thread contexts, caches */
        benches[i].run(1024);
    for (int r = 0; r < ROUNDS; r++)
        for (size_t i = 0; i < NBENCH; i++)
            benches[i].rates[r] = time_slice(&benches[i], seconds / ROUNDS);
    printf("lb_lorawan, one thread, 33-byte uplink (20-byte FRMPayload), median of %d slices:\n",
           ROUNDS);
    for (size_t i = 0; i < NBENCH; i++) {
        qsort(benches[i].rates, ROUNDS, sizeof(double), cmp_double);
        printf("  %-62s %12.0f\n", benches[i].what, benches[i].rates[ROUNDS / 2]);
    }
    printf("  1.0 MIC check vs baseline: %.1fx\n",
           benches[1].rates[ROUNDS / 2] / benches[4].rates[ROUNDS / 2]);
    EVP_MAC_free(cmac);
    if (failures) {
        fprintf(stderr, "%d wrong results\n", failures);
        return 1;
    }
    return 0;
}
