#!/usr/bin/env bash
# Writes the e-licence test material under test-vectors/licence/:
#   issuer.key.pem / issuer.pem   an SM2 signing certificate of a market-regulation
#                                 authority (subject O = 长沙市市场监督管理局, OU = its unified
#                                 social credit code 11430000006122244L), issued by the test
#                                 PKI's intermediate (test-vectors/x509/sm2), valid 900 days from when it was made (2026-12-01)
#   other.key.pem / other.pem     the same for another authority (a wrong-issuer case)
# Files are made only when missing, so a re-run changes nothing; --force makes them anew.
# Needs OpenSSL 3. No network.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../licence"
pki="$here/../x509/sm2"
[[ "${1:-}" == "--force" ]] && rm -f "$out"/*.pem
mkdir -p "$out"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

make_cert() { # name subject serial
    local name=$1 subj=$2 serial=$3
    [[ -f "$out/$name.pem" ]] && return
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out "$out/$name.key.pem"
    openssl req -new -key "$out/$name.key.pem" -subj "$subj" -utf8 -sm3 \
        -sigopt distid:1234567812345678 -out "$tmp/$name.csr"
    printf 'keyUsage=critical,digitalSignature,nonRepudiation\nbasicConstraints=critical,CA:FALSE\n' >"$tmp/ext"
    openssl x509 -req -in "$tmp/$name.csr" -CA "$pki/certs/int.pem" -CAkey "$pki/keys/int.key.pem" \
        -sm3 -sigopt distid:1234567812345678 -vfyopt distid:1234567812345678 \
        -set_serial "$serial" -days 900 \
        -extfile "$tmp/ext" -out "$out/$name.pem"
}
make_cert issuer "/C=CN/O=长沙市市场监督管理局/OU=11430000006122244L/CN=电子证照签发" 0x4c1001
make_cert other "/C=CN/O=某市市场监督管理局/OU=11350100MB00000012/CN=电子证照签发" 0x4c1002
