#!/bin/sh
# Regenerates the algorithm-registry vectors: keys (SubjectPublicKeyInfo DER) and signatures
# over msg.txt made by OpenSSL 3, for the RSA and ECDSA variants core/src/alg.rs verifies
# beyond ring (RSA-1024, PSS parameters, P-521, brainpool, SHA-1/SHA-512). Run from this folder.
set -e
printf 'yinjian algorithm registry test message\n' > msg.txt
rm -f *.spki *.sig
key() { # name, genpkey args...
  name=$1; shift
  openssl genpkey "$@" -out "$name.key" 2>/dev/null
  openssl pkey -in "$name.key" -pubout -outform DER -out "$name.spki"
}
sign() { # key, digest, out, extra -sigopt...
  k=$1; d=$2; out=$3; shift 3
  openssl dgst "-$d" -sign "$k.key" "$@" -out "$out.sig" msg.txt
}
key rsa1024 -algorithm RSA -pkeyopt rsa_keygen_bits:1024
key rsa2048 -algorithm RSA -pkeyopt rsa_keygen_bits:2048
sign rsa1024 sha1 rsa1024-pkcs1-sha1
sign rsa1024 sha256 rsa1024-pkcs1-sha256
sign rsa2048 sha256 rsa2048-pkcs1-sha256
sign rsa2048 sha256 rsa2048-pss-sha256-salt32 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32
sign rsa2048 sha256 rsa2048-pss-sha256-salt20 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:20
sign rsa2048 sha256 rsa2048-pss-sha256-mgf512 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -sigopt rsa_mgf1_md:sha512
sign rsa1024 sha1 rsa1024-pss-sha1-salt20 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:20
# PKCS#1 v1.5 whose DigestInfo omits the NULL parameters (as some products write it).
{ printf '\060\037\060\007\006\005\053\016\003\002\032\004\024'; openssl dgst -sha1 -binary msg.txt; } > di.bin
openssl pkeyutl -sign -inkey rsa2048.key -pkeyopt rsa_padding_mode:pkcs1 -in di.bin -out rsa2048-pkcs1-sha1-nonull.sig
rm -f di.bin
for c in P-256:p256 P-384:p384 P-521:p521 brainpoolP256r1:bp256 brainpoolP384r1:bp384; do
  curve=${c%%:*}; n=${c##*:}
  key "$n" -algorithm EC -pkeyopt ec_paramgen_curve:$curve -pkeyopt ec_param_enc:named_curve
  for d in sha1 sha256 sha384 sha512; do sign "$n" $d "$n-$d"; done
done
rm -f *.key
