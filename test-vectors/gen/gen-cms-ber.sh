#!/usr/bin/env bash
# BER (streamed, indefinite-length) CMS SignedData for core/tests/cms_ber.rs, made with
# `openssl cms -sign -stream` over the PKI of gen-cms.sh (no network), RSA and ECDSA.
# `-stream -outform DER` writes the content attached, as a constructed OCTET STRING, whether
# or not -nodetach is given (and its S/MIME detached output is definite-length DER), so the
# detached BER vectors are the attached ones with the `[0] eContent` element cut out (the
# signature covers the signed attributes, which hold only the content's digest).
# SM2 BER vectors are made in the test from a DER SM2 CMS built with yinjian's cms::build
# (OpenSSL 3.0 cannot make an SM2 CMS).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "$here/../cms" && pwd)
pki=$out/pki
for signer in rsa ec; do
  openssl cms -sign -stream -nodetach -binary -md sha256 -in "$out/content.bin" \
    -signer "$pki/$signer-signer.pem" -inkey "$pki/$signer-signer.key.pem" -outform DER \
    -out "$out/$signer-ber-attached.der"
  python3 - "$out/$signer-ber-attached.der" "$out/$signer-ber-detached.der" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
def end(pos):  # end of the BER element at pos
    n = data[pos + 1]
    if n == 0x80:
        p = pos + 2
        while data[p:p + 2] != b"\0\0":
            p = end(p)
        return p + 2
    if n < 0x80:
        return pos + 2 + n
    k = n & 0x7f
    return pos + 2 + k + int.from_bytes(data[pos + 2:pos + 2 + k], "big")
def children(pos):
    n = data[pos + 1]
    p = pos + 2 if n <= 0x80 else pos + 2 + (n & 0x7f)
    stop = None if n == 0x80 else end(pos)
    out = []
    while (stop is None and data[p:p + 2] != b"\0\0") or (stop is not None and p < stop):
        out.append(p)
        p = end(p)
    return out
assert data[1] == 0x80, "not indefinite-length BER"
sd = children(children(0)[1])[0]
eci = children(sd)[2]
econtent = children(eci)[1]
assert data[econtent] == 0xa0 and data[econtent + 1] == 0x80
open(sys.argv[2], "wb").write(data[:econtent] + data[end(econtent):])
PY
done
