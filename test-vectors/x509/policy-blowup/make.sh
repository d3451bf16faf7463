#!/usr/bin/env bash
# A certificate-policy blow-up chain (RFC 5280 §6.1 valid_policy_tree): six CAs below a root,
# each asserting N policies and mapping every one of them to every one (N² mappings), then a
# leaf. As a tree the policies multiply to N^6 nodes; yinjian's policy graph stays at N per
# level. The first CA requires an explicit policy, so the processing cannot be skipped.
# Keys: P-256 (throw-away, generated here). Output: chain.pem (root first, leaf last).
set -euo pipefail
cd "$(dirname "$0")"
N=${N:-12}
ARC=1.3.6.1.4.1.55555.7
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
policies=$(for i in $(seq 1 "$N"); do printf '%s.%s, ' "$ARC" "$i"; done | sed 's/, $//')
mappings=$(for i in $(seq 1 "$N"); do for j in $(seq 1 "$N"); do printf '%s.%s:%s.%s, ' "$ARC" "$i" "$ARC" "$j"; done; done | sed 's/, $//')
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/$1.key" 2>/dev/null; }
key root
openssl req -new -x509 -key "$work/root.key" -subj "/CN=Policy Blow-up Root" -days 36500 \
  -set_serial 1 -sha256 -out "$work/root.pem" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -addext "subjectKeyIdentifier=hash"
issuer=root
: > chain.tmp
cat "$work/root.pem" >> chain.tmp
for level in 1 2 3 4 5 6 leaf; do
  name=ca$level
  key "$name"
  if [ "$level" = leaf ]; then
    subj="/CN=Policy Blow-up Leaf"
    ext="basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
certificatePolicies=$ARC.1
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid"
  else
    subj="/CN=Policy Blow-up CA $level"
    extra=""
    [ "$level" = 1 ] && extra="policyConstraints=critical,requireExplicitPolicy:0"
    ext="basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
certificatePolicies=$policies
policyMappings=critical,$mappings
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
$extra"
  fi
  printf '%s\n' "$ext" > "$work/$name.ext"
  openssl req -new -key "$work/$name.key" -subj "$subj" -out "$work/$name.csr"
  openssl x509 -req -in "$work/$name.csr" -CA "$work/$issuer.pem" -CAkey "$work/$issuer.key" \
    -set_serial "$((RANDOM + 2))" -days 36500 -sha256 -extfile "$work/$name.ext" -out "$work/$name.pem" 2>/dev/null
  cat "$work/$name.pem" >> chain.tmp
  issuer=$name
done
mv chain.tmp chain.pem
echo "wrote chain.pem: root, 6 CAs with $N policies and $((N * N)) mappings each, leaf"
