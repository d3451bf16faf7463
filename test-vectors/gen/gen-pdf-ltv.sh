#!/usr/bin/env bash
# Validation data for the `yinjian pdf ltv` tests (core/tests/pdf_ltv.rs) and section (c) of
# scripts/pyhanko-crosscheck, made by OpenSSL 3 for the CMS test PKI (test-vectors/cms/pki,
# gen-cms.sh), no network:
#
# - ltv/root.crl: the "CMS Test Root" CRL (DER), revoking nothing, valid ten years from the day
#   it is made; it covers every certificate that root issued (signers and TSAs).
# - ltv/rsa-signer-ocsp.der: an OCSP response (DER) signed by the root, "good" for the RSA signer.
#
# The files are made once and kept: rerun after deleting them.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
pki=$here/cms/pki
out=$here/pdf/ltv
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

serial() { openssl x509 -in "$1" -noout -serial | cut -d= -f2; }
subject() { openssl x509 -in "$1" -noout -subject -nameopt compat | sed 's/^subject=//'; }

: > "$tmp/index.txt"
cat > "$tmp/ca.cnf" <<CNF
[ ca ]
default_ca = root
[ root ]
database = $tmp/index.txt
crlnumber = $tmp/crlnumber
default_md = sha256
default_crl_days = 3650
crl_extensions = crl_ext
[ crl_ext ]
authorityKeyIdentifier = keyid:always
CNF
echo 01 > "$tmp/crlnumber"

if [ ! -f "$out/root.crl" ]; then
  openssl ca -gencrl -config "$tmp/ca.cnf" -cert "$pki/root.pem" -keyfile "$pki/root.key.pem" -out "$tmp/root.crl.pem" 2>/dev/null
  openssl crl -in "$tmp/root.crl.pem" -outform DER -out "$out/root.crl"
fi
if [ ! -f "$out/rsa-signer-ocsp.der" ]; then
  leaf=$pki/rsa-signer.pem
  printf 'V\t360101000000Z\t\t%s\tunknown\t%s\n' "$(serial "$leaf")" "$(subject "$leaf")" > "$tmp/index.txt"
  openssl ocsp -index "$tmp/index.txt" -rsigner "$pki/root.pem" -rkey "$pki/root.key.pem" -CA "$pki/root.pem" \
    -issuer "$pki/root.pem" -cert "$leaf" -ndays 3650 -respout "$out/rsa-signer-ocsp.der" >/dev/null 2>&1
fi
openssl crl -inform DER -in "$out/root.crl" -noout -issuer -lastupdate -nextupdate
openssl ocsp -respin "$out/rsa-signer-ocsp.der" -resp_text -noverify | grep -E "Cert Status|Produced At"
