#!/usr/bin/env bash
# An SM2 time-stamping authority for the OFD time-stamp tests (core/tests/ofd_timestamp.rs,
# `yinjian ofd timestamp`): key and certificate under test-vectors/ofd/tsa/.
#
#   tsa.key.pem   SM2 private key (PKCS#8)
#   tsa.pem       "某省时间戳服务" issued by the gen-x509.sh intermediate "某省电子政务签名CA"
#                 (root "某省根CA"), valid 2019-01-01 .. 2035-01-01, SM3 with SM2 (default ID),
#                 extendedKeyUsage critical id-kp-timeStamping, keyUsage digitalSignature,
#                 nonRepudiation
#
# The TSA outlives the test signer certificate (leaf.pem, valid to 2029-01-01), so a seal
# signature time-stamped while the signer was valid can be validated in 2030 by the proof
# the token gives. It starts in 2019, before its issuer (paths are validated at the
# validation time, genTime only has to fall inside the TSA's own validity), so that the
# corpus's 2020 signatures can be stamped as an archive taking them in then would have.
# Made once (rerun after deleting the files). Needs OpenSSL 3; no network.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/ofd/tsa
pki=$here/x509/sm2
distid=1234567812345678
mkdir -p "$out"
[ -f "$out/tsa.pem" ] && { echo "$out/tsa.pem exists"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[ -f "$out/tsa.key.pem" ] || openssl genpkey -algorithm SM2 -out "$out/tsa.key.pem"
printf '[req]\ndistinguished_name=dn\nutf8=yes\nstring_mask=utf8only\n[dn]\n' > "$tmp/req.cnf"
cat > "$tmp/ca.cnf" <<CNF
[ca]
default_ca=d
[d]
database=$tmp/index.txt
new_certs_dir=$tmp
serial=$tmp/serial
policy=pol
unique_subject=no
default_md=sm3
copy_extensions=none
string_mask=utf8only
utf8=yes
[pol]
commonName=supplied
[ext]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,nonRepudiation
extendedKeyUsage=critical,timeStamping
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always
CNF
: > "$tmp/index.txt"
echo "unique_subject = no" > "$tmp/index.txt.attr"
echo 5453410000000000000000000000A001 > "$tmp/serial"
openssl req -new -config "$tmp/req.cnf" -key "$out/tsa.key.pem" -sm3 -sigopt "distid:$distid" -utf8 \
  -subj "/C=CN/O=某省数字证书认证中心/CN=某省时间戳服务" -out "$tmp/req.pem"
openssl ca -batch -config "$tmp/ca.cnf" -in "$tmp/req.pem" -out "$tmp/cert.pem" -notext -md sm3 \
  -sigopt "distid:$distid" -vfyopt "distid:$distid" -startdate 190101000000Z -enddate 350101000000Z \
  -preserveDN -utf8 -keyfile "$pki/keys/int.key.pem" -cert "$pki/certs/int.pem" -extensions ext 2>/dev/null
sed -n '/-----BEGIN CERTIFICATE-----/,$p' "$tmp/cert.pem" > "$out/tsa.pem"
openssl x509 -in "$out/tsa.pem" -noout -subject -dates -ext extendedKeyUsage
