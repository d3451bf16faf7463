#!/usr/bin/env bash
# Writes test-vectors/sm2-openssl.jsonl (format: test-vectors/README.md).
#
# Key material comes from OpenSSL 3 and is kept under gen/keys/ so that a
# re-run gives the same file:
#   gen/keys/k1.pem .. k3.pem   SM2 private keys (openssl genpkey -algorithm SM2)
#   gen/keys/p256.pem           a NIST P-256 key, for the "not an SM2 key" cases
#   gen/keys/sigs/*.der         signatures made by `openssl pkeyutl -sign`
# Each file is made only when missing. SM2 signing is randomised, so the
# signatures are kept as well: delete gen/keys/sigs/ to get fresh ones (or
# gen/keys/ to start over with new keys). Every run checks every kept
# signature again with `openssl pkeyutl -verify`.
#
# The cases themselves are built by gen/sm2vec.py (python3, standard library
# only), which calls OpenSSL for every signature and every check it can make,
# and stops if OpenSSL disagrees with the expectation written in a case.
#
# Needs: bash, OpenSSL 3, python3. No network.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
keys="$here/keys"
out="$here/../sm2-openssl.jsonl"

ossl_version=$(openssl version)
case "$ossl_version" in
  "OpenSSL 3."*) ;;
  *) echo "gen-sm2.sh: need OpenSSL 3, found: $ossl_version" >&2; exit 1 ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$keys" "$keys/sigs"

# y_parity NAME -> 02 or 03, the prefix of the compressed public point
y_parity() {
  openssl pkey -in "$keys/$1.pem" -pubout -outform DER -out "$work/parity.der"
  openssl ec -pubin -inform DER -in "$work/parity.der" -conv_form compressed \
    -pubout -outform DER -out "$work/parity.c.der" 2>/dev/null
  xxd -p -s -33 -l 1 "$work/parity.c.der"
}

# new_sm2_key NAME [WANT_PARITY]: make keys/NAME.pem if missing; with
# WANT_PARITY, keep generating until the public point's y has that parity
# (so that the compressed-point cases see both 02 and 03).
new_sm2_key() {
  local name=$1 want=${2:-} f="$keys/$1.pem"
  [[ -f "$f" ]] && return 0
  local tries=0
  while :; do
    openssl genpkey -algorithm SM2 -out "$work/new.pem"
    mv "$work/new.pem" "$f"
    if [[ -z "$want" || "$(y_parity "$name")" == "$want" ]]; then break; fi
    tries=$((tries + 1))
    if ((tries > 64)); then echo "gen-sm2.sh: cannot get parity $want" >&2; exit 1; fi
  done
  echo "gen-sm2.sh: generated $f"
}

new_sm2_key k1
k1_parity=$(y_parity k1)
if [[ "$k1_parity" == "02" ]]; then other=03; else other=02; fi
new_sm2_key k2 "$other"
new_sm2_key k3

if [[ ! -f "$keys/p256.pem" ]]; then
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -pkeyopt ec_param_enc:named_curve -out "$work/new.pem"
  mv "$work/new.pem" "$keys/p256.pem"
  echo "gen-sm2.sh: generated $keys/p256.pem"
fi

# Export every key in every format the cases use. Note: with OpenSSL 3.0,
# `openssl pkey -outform DER` writes an EC private key as SEC1, not PKCS#8,
# hence `openssl pkcs8 -topk8` for the PKCS#8 DER.
for name in k1 k2 k3 p256; do
  k="$keys/$name.pem"
  w="$work/$name"
  openssl pkey -in "$k" -check -noout >/dev/null
  openssl pkey -in "$k" -pubout -out "$w.pub.pem"
  openssl pkey -in "$k" -pubout -outform DER -out "$w.pub.der"
  openssl ec -pubin -in "$w.pub.pem" -conv_form compressed -pubout -outform DER \
    -out "$w.pubc.der" 2>/dev/null
  openssl pkcs8 -topk8 -nocrypt -in "$k" -outform DER -out "$w.p8.der"
  openssl ec -in "$k" -outform DER -out "$w.sec1.der" 2>/dev/null
  openssl ec -in "$k" -no_public -outform DER -out "$w.sec1nopub.der" 2>/dev/null
  openssl ec -in "$k" -text -noout >"$w.text" 2>/dev/null
done

python3 "$here/sm2vec.py" \
  --keys "$keys" --work "$work" --out "$work/sm2-openssl.jsonl" \
  --openssl-version "$ossl_version"

mv "$work/sm2-openssl.jsonl" "$out"
echo "gen-sm2.sh: wrote $out"
