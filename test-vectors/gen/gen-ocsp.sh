#!/usr/bin/env bash
# OCSP responses for the SM2 chain of gen-x509.sh, made by OpenSSL 3 (`openssl ocsp` as a
# responder over an index file), SM2-signed with SM3 and the default distinguishing ID, and
# the x509_chain cases that use them (test-vectors/x509/sm2-ocsp.jsonl).
# thisUpdate is the time this script runs; the cases validate at 2027-06-01.
set -euo pipefail
here=$(cd "$(dirname "$0")/../x509" && pwd)
sm2=$here/sm2
out=$here/ocsp
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

serial() { openssl x509 -in "$1" -noout -serial | cut -d= -f2; }
subject() { openssl x509 -in "$1" -noout -subject -nameopt compat | sed 's/^subject=//'; }

respond() { # name status(V|R) signer-cert signer-key
  local name=$1 status=$2 signer=$3 key=$4
  local leaf=$sm2/certs/leaf.pem
  if [ "$status" = R ]; then
    printf 'R\t330101000000Z\t261201000000Z,keyCompromise\t%s\tunknown\t%s\n' "$(serial "$leaf")" "$(subject "$leaf")" > "$tmp/index.txt"
  else
    printf 'V\t330101000000Z\t\t%s\tunknown\t%s\n' "$(serial "$leaf")" "$(subject "$leaf")" > "$tmp/index.txt"
  fi
  openssl ocsp -index "$tmp/index.txt" -rsigner "$signer" -rkey "$key" -CA "$sm2/certs/int.pem" \
    -issuer "$sm2/certs/int.pem" -cert "$leaf" -rmd sm3 -rsigopt distid:1234567812345678 \
    -ndays 3650 -respout "$out/$name.der" >/dev/null 2>&1
}

[ -f "$out/good.der" ] || respond good V "$sm2/certs/int.pem" "$sm2/keys/int.key.pem"
[ -f "$out/revoked.der" ] || respond revoked R "$sm2/certs/int.pem" "$sm2/keys/int.key.pem"
[ -f "$out/wrong-signer.der" ] || respond wrong-signer V "$sm2/certs/other-int.pem" "$sm2/keys/other-int.key.pem"

python3 - "$here" <<'PY'
import json, sys, pathlib
here = pathlib.Path(sys.argv[1])
pem = lambda p: (here / "sm2" / p).read_text()
ocsp = lambda n: (here / "ocsp" / f"{n}.der").read_bytes().hex()
base = {
    "op": "x509_chain", "leaf": pem("certs/leaf.pem"), "intermediates": [pem("certs/int.pem")],
    "anchors": [pem("certs/root.pem")], "crls": [pem("crls/root-crl.pem")], "at": "2027-06-01T00:00:00Z",
    "usage": "document-signing", "revocation_required": True,
    "source": "OpenSSL 3 `openssl ocsp` responder, SM2/SM3, distid 1234567812345678 (gen/gen-ocsp.sh)",
}
cases = [
    ("x509-sm2-ocsp-good", "good", "PASSED", None, "leaf status from an OCSP response signed by its CA; the CA's own status from the root's CRL"),
    ("x509-sm2-ocsp-revoked", "revoked", "FAILED", "Revoked", "the OCSP response says revoked (2026-12-01, keyCompromise)"),
    ("x509-sm2-ocsp-wrong-signer", "wrong-signer", "INDETERMINATE", "RevocationUnknown", "a response signed by an unrelated CA is not used"),
]
with open(here / "sm2-ocsp.jsonl", "w") as f:
    for cid, name, expect, reason, note in cases:
        line = dict(base, id=cid, ocsp=[ocsp(name)], expect=expect, note=note)
        if reason:
            line["reason"] = reason
        f.write(json.dumps(line, ensure_ascii=False) + "\n")
PY
echo "wrote $out/*.der and $here/sm2-ocsp.jsonl"
