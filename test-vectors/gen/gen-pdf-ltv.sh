#!/usr/bin/env bash
# Validation data for the `yinjian pdf ltv` tests (core/tests/pdf_ltv.rs) and section (c) of
# scripts/pyhanko-crosscheck, made by OpenSSL 3 for the CMS test PKI (test-vectors/cms/pki,
# gen-cms.sh), no network:
#
# - ltv/root.crl: the "CMS Test Root" CRL (DER), revoking nothing, valid ten years from the day
#   it is made; it covers every certificate that root issued (signers and TSAs).
# - ltv/rsa-signer-ocsp.der: an OCSP response (DER) signed by the root, "good" for the RSA signer.
# - ltv/pyhanko-certified-p1.pdf: unsigned.pdf certified by pyHanko (DocMDP P=1, no changes
#   allowed) with the RSA signer and a signature time-stamp by pyHanko's dummy TSA holding the
#   RSA test TSA's key (PAdES B-T); made after the CRL, as `pdf ltv` must keep it PASSED.
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
if [ ! -f "$out/pyhanko-certified-p1.pdf" ]; then
  python3 - "$pki" "$here/pdf/unsigned.pdf" "$out/pyhanko-certified-p1.pdf" <<'PY'
import io, sys
from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
pki, src, dst = sys.argv[1:]
tsa = DummyTimeStamper(load_cert_from_pemder(f"{pki}/rsa-tsa.pem"), load_private_key_from_pemder(f"{pki}/rsa-tsa.key.pem", None))
signer = signers.SimpleSigner.load(f"{pki}/rsa-signer.key.pem", f"{pki}/rsa-signer.pem", ca_chain_files=(f"{pki}/root.pem",))
with open(src, "rb") as f:
    w = IncrementalPdfFileWriter(io.BytesIO(f.read()))
meta = signers.PdfSignatureMetadata(field_name="Certification", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
                                    certify=True, docmdp_permissions=fields.MDPPerm.NO_CHANGES)
out = io.BytesIO()
signers.sign_pdf(w, meta, signer=signer, timestamper=tsa, output=out)
open(dst, "wb").write(out.getvalue())
PY
fi
openssl crl -inform DER -in "$out/root.crl" -noout -issuer -lastupdate -nextupdate
openssl ocsp -respin "$out/rsa-signer-ocsp.der" -resp_text -noverify | grep -E "Cert Status|Produced At"
