/* Peer measurement for the tanba-gost benchmark: sign / verify per second with the
 * OpenSSL GOST engine (Debian libengine-gost-openssl), GOST R 34.10-2012 512-bit
 * paramSetA, over a precomputed 64-byte digest (EVP_PKEY_sign / EVP_PKEY_verify), i.e.
 * the same work as tanba_gost::SigningKey::sign_digest / VerifyingKey::verify_digest.
 * Usage: openssl_gost_speed SECONDS     Prints: "sign_per_s=N verify_per_s=M" */
#include <openssl/engine.h>
#include <openssl/evp.h>
#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what) {
    fprintf(stderr, "openssl_gost_speed: %s failed\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

int main(int argc, char **argv) {
    double secs = argc > 1 ? atof(argv[1]) : 2.0;
    ENGINE_load_builtin_engines();
    ENGINE *e = ENGINE_by_id("gost");
    if (!e) die("ENGINE_by_id(gost)");
    if (!ENGINE_init(e)) die("ENGINE_init");
    ENGINE_set_default(e, ENGINE_METHOD_ALL);

    EVP_PKEY_CTX *kctx = EVP_PKEY_CTX_new_id(NID_id_GostR3410_2012_512, e);
    if (!kctx) die("EVP_PKEY_CTX_new_id");
    if (EVP_PKEY_keygen_init(kctx) <= 0) die("keygen_init");
    if (EVP_PKEY_CTX_ctrl_str(kctx, "paramset", "A") <= 0) die("paramset A");
    EVP_PKEY *key = NULL;
    if (EVP_PKEY_keygen(kctx, &key) <= 0) die("keygen");

    unsigned char dgst[64];
    for (int i = 0; i < 64; i++) dgst[i] = (unsigned char)(i * 37 + 11);
    unsigned char sig[128];
    size_t siglen = sizeof sig;

    EVP_PKEY_CTX *sctx = EVP_PKEY_CTX_new(key, e);
    if (!sctx || EVP_PKEY_sign_init(sctx) <= 0) die("sign_init");
    long n = 0;
    double t0 = now(), t;
    do {
        siglen = sizeof sig;
        if (EVP_PKEY_sign(sctx, sig, &siglen, dgst, sizeof dgst) <= 0) die("sign");
        n++;
        t = now();
    } while (t - t0 < secs);
    double sign_rate = n / (t - t0);

    EVP_PKEY_CTX *vctx = EVP_PKEY_CTX_new(key, e);
    if (!vctx || EVP_PKEY_verify_init(vctx) <= 0) die("verify_init");
    n = 0;
    t0 = now();
    do {
        if (EVP_PKEY_verify(vctx, sig, siglen, dgst, sizeof dgst) != 1) die("verify");
        n++;
        t = now();
    } while (t - t0 < secs);
    double verify_rate = n / (t - t0);
    printf("sign_per_s=%.1f verify_per_s=%.1f\n", sign_rate, verify_rate);
    return 0;
}
