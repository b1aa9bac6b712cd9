#!/usr/bin/env bash
# Rebuilds the committed seed corpora under fuzz/seeds/<target>/ from the project's own
# test material (testdata/: the generated test PKI, the example JSON) and documents the
# tanba binary makes with it. Nothing from ../shared is copied here (fuzz/run adds those
# samples to the working corpus at run time instead). Needs openssl.
#
#   fuzz/make_seeds.sh        # then commit fuzz/seeds/
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seeds=$root/fuzz/seeds
pki=$root/testdata/pki
cargo build -q -p tanba-cli
tanba=$root/target/debug/tanba
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PW=Qwerty12

rm -rf "$seeds"
for t in parse_c14n pki_revocation dsig_verify wss_verify validate_document pkcs12_open \
    pkcs8_pem cert_profile trust_bundle egov_readers base64_lenient json_forms gost_keys \
    cms_verify; do
    mkdir -p "$seeds/$t"
done

# Keys: a PKCS#12 of the generated individual key, with and without MAC.
openssl pkcs12 -export -inkey "$pki/keys/individual.key.pem" -in "$pki/certs/individual.pem" \
    -passout env:PW -out "$work/ind.p12"
openssl pkcs12 -export -nomac -inkey "$pki/keys/individual.key.pem" \
    -in "$pki/certs/individual.pem" -passout env:PW -out "$work/nomac.p12"
cp "$work/ind.p12" "$seeds/pkcs12_open/mac.p12"
cp "$work/nomac.p12" "$seeds/pkcs12_open/nomac.p12"
cp "$pki/keys/individual.key.pem" "$seeds/pkcs8_pem/key.pem"
openssl pkcs8 -topk8 -nocrypt -in "$pki/keys/individual.key.pem" -outform DER \
    -out "$work/key.der"
{ cat "$work/key.der"; printf '\xff'; openssl x509 -in "$pki/certs/individual.pem" -outform DER; } \
    > "$seeds/pkcs8_pem/key-and-cert.bin"
openssl pkcs8 -topk8 -v2 aes-256-cbc -iter 1000 -passout pass:pw \
    -in "$pki/keys/individual.key.pem" -out "$seeds/pkcs8_pem/encrypted.pem"

# Certificates, bundles, revocation data.
for c in "$pki"/certs/*.pem; do
    n=$(basename "$c" .pem)
    openssl x509 -in "$c" -outform DER -out "$seeds/cert_profile/$n.der"
done
cat "$pki/certs/root.pem" "$pki/certs/ca.pem" > "$seeds/trust_bundle/root-and-ca.pem"
cp "$seeds/cert_profile/ca.der" "$seeds/trust_bundle/ca.der"
cp "$pki"/crl/*.crl "$seeds/pki_revocation/"

# CMS: attached DER, detached DER and attached PEM, signed by openssl with the
# generated individual key.
printf 'content' >"$work/content"
for form in "-nodetach -outform DER:attached.der" "-outform DER:detached.der" \
    "-nodetach -outform PEM:attached.pem"; do
    # shellcheck disable=SC2086
    openssl cms -sign -binary -md sha256 ${form%%:*} -in "$work/content" \
        -signer "$pki/certs/individual.pem" -inkey "$pki/keys/individual.key.pem" \
        -out "$seeds/cms_verify/${form##*:}"
done
printf 'IIN123456789011' > "$seeds/cert_profile/iin.txt"

# XML: plain, signed (enveloped, by-Id, two signers), envelopes.
key=(--key "$work/ind.p12" --password-env PW)
printf '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE a [<!ATTLIST b id ID #IMPLIED>]>\n<a xmlns:p="urn:p"><!-- c --><b id="x" p:q="1">t &amp; <![CDATA[<c>]]></b><?pi d?></a>\n' \
    > "$seeds/parse_c14n/small.xml"
printf '<Order><Amount>5</Amount></Order>' > "$work/order.xml"
"$tanba" sign "$work/order.xml" "${key[@]}" --out "$seeds/dsig_verify/enveloped.xml"
printf '<Doc><Order Id="o1"><Amount>5</Amount></Order></Doc>' > "$work/doc.xml"
"$tanba" sign "$work/doc.xml" "${key[@]}" --id o1 --out "$seeds/dsig_verify/by-id.xml"
"$tanba" sign "$seeds/dsig_verify/enveloped.xml" "${key[@]}" --out "$seeds/dsig_verify/two-signers.xml"
cp "$seeds/dsig_verify/enveloped.xml" "$seeds/parse_c14n/signed.xml"
"$tanba" envelope --data "$seeds/dsig_verify/enveloped.xml" --service-id S --sender-id portal \
    --data-mode string --out "$work/env-string.xml"
"$tanba" envelope --data "$work/order.xml" --service-id S --sender-id portal \
    --data-mode inline --out "$work/env-inline.xml"
"$tanba" wss sign "$work/env-string.xml" "${key[@]}" --timestamp 300 \
    --out "$seeds/wss_verify/signed-timestamp.xml"
"$tanba" wss sign "$work/env-inline.xml" "${key[@]}" --bst \
    --out "$seeds/wss_verify/signed-bst.xml"
cp "$work/env-inline.xml" "$seeds/wss_verify/unsigned.xml"
cp "$seeds/wss_verify/signed-timestamp.xml" "$seeds/validate_document/two-layers.xml"
cp "$work/env-string.xml" "$seeds/validate_document/no-transport.xml"
cp "$seeds/dsig_verify/two-signers.xml" "$seeds/validate_document/two-signers.xml"
cp "$seeds/dsig_verify/by-id.xml" "$seeds/validate_document/by-id.xml"

# The licensing domain: the demo's documents and the example JSON.
"$tanba" demo --out "$work/demo" >/dev/null
cp "$work/demo/application.xml" "$work/demo/licence.xml" "$work/demo/envelope.xml" \
    "$seeds/egov_readers/"
cp "$root"/testdata/examples/*.json "$seeds/json_forms/"

# Base64 as it appears in signatures; GOST-sized byte strings.
printf 'MIIB\r\nAAAA' > "$seeds/base64_lenient/crlf.txt"
printf '\nSGVsbG8sIHdvcmxk\n' > "$seeds/base64_lenient/wrapped.txt"
head -c 128 /dev/zero | tr '\0' '\1' > "$seeds/gost_keys/512-xy.bin"
head -c 64 /dev/zero | tr '\0' '\2' > "$seeds/gost_keys/256-xy.bin"
openssl x509 -in "$pki/certs/individual.pem" -noout -pubkey | openssl pkey -pubin -outform DER \
    > "$seeds/gost_keys/rsa-spki.der"

du -sh "$seeds"
