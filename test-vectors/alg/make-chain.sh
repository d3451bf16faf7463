#!/bin/sh
# Chains for the crypto-constraints tests: a root with an RSA-1024 key that signs a leaf
# (SHA-256), and an RSA-2048 root that signs a leaf with SHA-1. Valid 2020–2040. Run here.
set -e
t=$(mktemp -d)
ext="$t/ext.cnf"
printf '[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n[leaf]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' > "$ext"
chain() { # name, root bits, leaf digest
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:$2 -out "$t/root.key" 2>/dev/null
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$t/leaf.key" 2>/dev/null
  openssl req -new -x509 -key "$t/root.key" -subj "/CN=$1 root" -sha256 -days 7300 \
    -not_before 20200101000000Z -not_after 20400101000000Z -extensions ca -config "$ext" -out "$1-root.pem" 2>/dev/null \
  || openssl req -new -x509 -key "$t/root.key" -subj "/CN=$1 root" -sha256 -days 7300 -extensions ca -config "$ext" -out "$1-root.pem"
  openssl req -new -key "$t/leaf.key" -subj "/CN=$1 leaf" -out "$t/leaf.csr"
  openssl x509 -req -in "$t/leaf.csr" -CA "$1-root.pem" -CAkey "$t/root.key" -set_serial 2 -days 7000 \
    -"$3" -extfile "$ext" -extensions leaf -out "$1-leaf.pem" 2>/dev/null
}
chain rsa1024ca 1024 sha256
chain sha1ca 2048 sha1
rm -rf "$t"
