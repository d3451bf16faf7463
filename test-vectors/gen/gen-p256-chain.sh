#!/usr/bin/env bash
# A 3-level ECDSA P-256 chain (root -> intermediate -> leaf) made by OpenSSL 3, the
# international counterpart of the SM2 chain in the chain-validation benchmark.
set -euo pipefail
cd "$(dirname "$0")/../x509/p256"
[ -f root.pem ] && [ "${1:-}" != --force ] && exit 0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/ext.cnf" <<'CNF'
[ca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always
[leaf]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,nonRepudiation
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always
CNF
for n in root int leaf; do openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/$n.key"; done
openssl req -new -x509 -key "$tmp/root.key" -subj "/C=CN/O=Benchmark/CN=P-256 Root" -days 7300 \
  -set_serial 1 -sha256 -extensions ca -config "$tmp/ext.cnf" -out root.pem
openssl req -new -key "$tmp/int.key" -subj "/C=CN/O=Benchmark/CN=P-256 CA" -out "$tmp/int.csr"
openssl x509 -req -in "$tmp/int.csr" -CA root.pem -CAkey "$tmp/root.key" -set_serial 2 -days 7000 -sha256 \
  -extfile "$tmp/ext.cnf" -extensions ca -out int.pem
openssl req -new -key "$tmp/leaf.key" -subj "/C=CN/O=Benchmark/CN=P-256 Signer" -out "$tmp/leaf.csr"
openssl x509 -req -in "$tmp/leaf.csr" -CA int.pem -CAkey "$tmp/int.key" -set_serial 3 -days 6900 -sha256 \
  -extfile "$tmp/ext.cnf" -extensions leaf -out leaf.pem
openssl verify -CAfile root.pem -untrusted int.pem leaf.pem
