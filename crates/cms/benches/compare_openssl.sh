#!/usr/bin/env bash
# CMS verification against OpenSSL, measured in one run on this machine: a 1 KB attached
# CMS signed by the NCA RK RSA test key (tanba cms sign), verified
#   1. in-process: OpenSSL's CMS_verify in a loop (a small C harness built here with
#      -lcrypto) vs tanba-cms read + verify in a loop (examples/verify_loop.rs);
#   2. a process per call: `openssl cms -verify -noverify` vs `tanba cms verify
#      --no-cert-check`, 200 times each.
# Signature checks only on both sides (no chain). Prints per-verification times and ratios.
#
#   crates/cms/benches/compare_openssl.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
command -v gcc >/dev/null || { echo "compare: needs gcc" >&2; exit 1; }
[ -e /usr/include/openssl/cms.h ] || { echo "compare: needs libssl-dev" >&2; exit 1; }
cargo build -q --release -p tanba-cli
cargo build -q --release -p tanba-cms --example verify_loop
tanba=$PWD/target/release/tanba
loop=$PWD/target/release/examples/verify_loop
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
key=../shared/testdata/nca/keys/individual_valid_sign_rsa_2004.p12
head -c 1024 /dev/urandom >"$work/content"
PW=Qwerty12 "$tanba" cms sign "$work/content" --key "$key" --password-env PW --out "$work/sig.p7s"

cat >"$work/loop.c" <<'C'
#include <openssl/cms.h>
#include <openssl/bio.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
int main(int argc, char **argv) {
    FILE *f = fopen(argv[1], "rb");
    static unsigned char buf[1 << 20];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    int n = atoi(argv[2]);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < n; i++) {
        const unsigned char *p = buf;
        CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
        BIO *out = BIO_new(BIO_s_mem());
        if (!cms || CMS_verify(cms, NULL, NULL, NULL, out, CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1) {
            fprintf(stderr, "CMS_verify failed\n");
            return 1;
        }
        BIO_free(out);
        CMS_ContentInfo_free(cms);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%.2f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e3 / n);
    return 0;
}
C
gcc -O2 -o "$work/loop" "$work/loop.c" -lcrypto
n=3000
o_in=$("$work/loop" "$work/sig.p7s" $n)
t_in=$("$loop" "$work/sig.p7s" $n)
echo "in-process, per verification: OpenSSL CMS_verify ${o_in} µs, tanba-cms ${t_in} µs"

per_call() { # command...
    local start end
    start=$(date +%s%N)
    for _ in $(seq 1 200); do "$@" >/dev/null 2>&1; done
    end=$(date +%s%N)
    echo $(((end - start) / 200000))
}
o_pc=$(per_call openssl cms -verify -noverify -binary -inform DER -in "$work/sig.p7s")
t_pc=$(per_call "$tanba" cms verify "$work/sig.p7s" --no-cert-check)
echo "a process per call: openssl cms -verify ${o_pc} µs, tanba cms verify ${t_pc} µs"
python3 - "$o_in" "$t_in" "$o_pc" "$t_pc" <<'PY'
import sys
o_in, t_in, o_pc, t_pc = map(float, sys.argv[1:])
print(f"in-process: tanba {o_in / t_in:.2f}x OpenSSL's verifications per second")
print(f"process per call: tanba {o_pc / t_pc:.2f}x")
PY
