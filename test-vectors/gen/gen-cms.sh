#!/usr/bin/env bash
# CMS SignedData and RFC 3161 time-stamp test data for core/tests/cms.rs, made with OpenSSL 3
# (no network). Keys and certificates are made once and kept; rerunning the script remakes the
# signatures (CMS signing times and time-stamp genTimes change, the outcomes do not).
#
# PKI (test-vectors/cms/pki/): a P-256 root "CMS Test Root" issuing an RSA-2048 signer, a P-256
# signer (emailProtection), an RSA-2048 TSA and a P-256 TSA (critical EKU timeStamping); an
# unrelated "CMS Other Root" for the wrong-trust cases. Certificates are valid for ten years from
# the day they were made (tests validate one day after the signer's notBefore).
#
# OpenSSL 3.0 cannot make an SM2 CMS: `openssl cms -sign -md sm3` with an SM2 key fails with
# "asn1_template_ex_i2d:illegal zero content" (no SM2 signature is produced), so the SM2 CMS
# cases are built in core/tests/cms.rs with yinjian's own Sm2Signer.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "$here/../cms" && pwd)
pki=$out/pki
mkdir -p "$pki"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- PKI -------------------------------------------------------------------------------------
ext() { # name extensions...
  printf '%s\n' "$@" > "$tmp/$1.ext.tmp"
}
issue() { # name key-alg subject ca ca-key extensions-file
  local name=$1 alg=$2 subj=$3 ca=$4 cakey=$5 extfile=$6
  case $alg in
    rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$pki/$name.key.pem" 2>/dev/null ;;
    ec) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$pki/$name.key.pem" 2>/dev/null ;;
  esac
  openssl req -new -key "$pki/$name.key.pem" -subj "$subj" -out "$tmp/$name.csr"
  openssl x509 -req -in "$tmp/$name.csr" -CA "$ca" -CAkey "$cakey" -set_serial "0x$(openssl rand -hex 8)" \
    -days 3650 -sha256 -extfile "$extfile" -out "$pki/$name.pem" 2>/dev/null
}
root() { # name subject
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$pki/$1.key.pem" 2>/dev/null
  openssl req -new -x509 -key "$pki/$1.key.pem" -subj "$2" -sha256 -days 3650 \
    -addext basicConstraints=critical,CA:true \
    -addext keyUsage=critical,keyCertSign,cRLSign -out "$pki/$1.pem"
}
if [ ! -f "$pki/root.pem" ]; then
  root root "/C=CN/O=yinjian test/CN=CMS Test Root"
  root other-root "/C=CN/O=yinjian test/CN=CMS Other Root"
  printf '%s\n' "basicConstraints=critical,CA:false" "keyUsage=critical,digitalSignature,nonRepudiation" \
    "extendedKeyUsage=emailProtection" "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" > "$tmp/signer.ext"
  printf '%s\n' "basicConstraints=critical,CA:false" "keyUsage=critical,digitalSignature,nonRepudiation" \
    "extendedKeyUsage=critical,timeStamping" "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" > "$tmp/tsa.ext"
  issue rsa-signer rsa "/C=CN/O=yinjian test/CN=CMS RSA Signer" "$pki/root.pem" "$pki/root.key.pem" "$tmp/signer.ext"
  issue ec-signer ec "/C=CN/O=yinjian test/CN=CMS EC Signer" "$pki/root.pem" "$pki/root.key.pem" "$tmp/signer.ext"
  issue rsa-tsa rsa "/C=CN/O=yinjian test/CN=RSA TSA" "$pki/root.pem" "$pki/root.key.pem" "$tmp/tsa.ext"
  issue ec-tsa ec "/C=CN/O=yinjian test/CN=EC TSA" "$pki/root.pem" "$pki/root.key.pem" "$tmp/tsa.ext"
  issue other-signer ec "/C=CN/O=yinjian test/CN=CMS Other Signer" "$pki/other-root.pem" "$pki/other-root.key.pem" "$tmp/signer.ext"
fi

# --- content ---------------------------------------------------------------------------------
printf 'yinjian CMS test content\n第一行\n' > "$out/content.bin"
printf 'yinjian CMS test content\n第二行\n' > "$out/content-tampered.bin"
printf 'data stamped by an RFC 3161 TSA\n' > "$out/tsa-data.bin"
printf 'some other data\n' > "$out/tsa-other-data.bin"

# --- CMS SignedData, detached ----------------------------------------------------------------
sign() { # out-name signer extra-args...
  local name=$1 signer=$2
  shift 2
  openssl cms -sign -binary -md sha256 -in "$out/content.bin" -signer "$pki/$signer.pem" \
    -inkey "$pki/$signer.key.pem" -outform DER -out "$out/$name.der" "$@"
}
sign rsa-detached rsa-signer
sign rsa-detached-noattr rsa-signer -noattr
sign ec-detached ec-signer
sign ec-detached-noattr ec-signer -noattr
sign rsa-detached-nocerts rsa-signer -nocerts
sign ec-detached-skid ec-signer -keyid
sign rsa-pss-detached rsa-signer -keyopt rsa_padding_mode:pss -keyopt rsa_pss_saltlen:32

# --- RFC 3161 time-stamp tokens --------------------------------------------------------------
cat > "$tmp/tsa.cnf" <<CNF
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = $tmp
serial = \$dir/tsaserial
crypto_device = builtin
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
digests = sha256, sha384, sha512
accuracy = secs:1, millisecs:500
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
CNF
echo 01 > "$tmp/tsaserial"
stamp() { # out-name tsa data-file
  openssl ts -query -data "$3" -sha256 -cert -no_nonce -out "$tmp/$1.tsq"
  openssl ts -reply -queryfile "$tmp/$1.tsq" -inkey "$pki/$2.key.pem" -signer "$pki/$2.pem" \
    -config "$tmp/tsa.cnf" -section tsa_config -token_out -out "$out/$1.der" 2>/dev/null
}
stamp rsa-tst rsa-tsa "$out/tsa-data.bin"
stamp ec-tst ec-tsa "$out/tsa-data.bin"

# --- negative and composed cases (python: DER surgery) ----------------------------------------
python3 "$here/cms/tamper.py" "$out"
# A signature time-stamp: stamp the RSA signer's signature value, add the token as the unsigned
# attribute id-aa-signatureTimeStampToken.
python3 "$here/cms/tamper.py" "$out" --signature-value "$out/rsa-detached.der" "$tmp/sigvalue.bin"
stamp sigvalue-tst ec-tsa "$tmp/sigvalue.bin"
python3 "$here/cms/tamper.py" "$out" --add-sig-ts "$out/rsa-detached.der" "$out/sigvalue-tst.der" "$out/rsa-detached-sigts.der"
rm -f "$out/sigvalue-tst.der"

# --- cross-check every positive case with OpenSSL --------------------------------------------
check_cms() {
  openssl cms -verify -binary -inform DER -in "$out/$1" -content "$out/content.bin" -CAfile "$pki/root.pem" \
    -purpose any -out /dev/null "${@:2}" 2>/dev/null || { echo "openssl cms -verify FAILED for $1" >&2; exit 1; }
}
for f in rsa-detached rsa-detached-noattr ec-detached ec-detached-noattr ec-detached-skid rsa-pss-detached rsa-detached-sigts; do
  check_cms "$f.der"
done
check_cms rsa-detached-nocerts.der -certfile "$pki/rsa-signer.pem"
for t in rsa-tst ec-tst; do
  openssl ts -verify -data "$out/tsa-data.bin" -in "$out/$t.der" -token_in -CAfile "$pki/root.pem" >/dev/null 2>&1 \
    || { echo "openssl ts -verify FAILED for $t" >&2; exit 1; }
done
# ...and that OpenSSL rejects the negative ones.
! openssl cms -verify -binary -inform DER -in "$out/rsa-detached.der" -content "$out/content-tampered.bin" \
  -CAfile "$pki/root.pem" -purpose any -out /dev/null 2>/dev/null
! openssl cms -verify -binary -inform DER -in "$out/rsa-detached-badattr.der" -content "$out/content.bin" \
  -CAfile "$pki/root.pem" -purpose any -out /dev/null 2>/dev/null
! openssl cms -verify -binary -inform DER -in "$out/ec-detached.der" -content "$out/content.bin" \
  -CAfile "$pki/other-root.pem" -purpose any -out /dev/null 2>/dev/null
! openssl ts -verify -data "$out/tsa-other-data.bin" -in "$out/rsa-tst.der" -token_in -CAfile "$pki/root.pem" >/dev/null 2>&1
! openssl ts -verify -data "$out/tsa-data.bin" -in "$out/rsa-tst-tampered.der" -token_in -CAfile "$pki/root.pem" >/dev/null 2>&1
echo "wrote $out (OpenSSL agrees on every case)"
