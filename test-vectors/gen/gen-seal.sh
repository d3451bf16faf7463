#!/usr/bin/env bash
# Seals and seal signatures made by yinjian's own CLI (`yinjian seal make|sign`) with the SM2
# test PKI of gen-x509.sh, and the seal_signature cases that use them
# (test-vectors/seal/seals.jsonl). The maker is the seal-making certificate "某市公安局印章制作",
# the signer "张三"; the root is trusted, the intermediate given.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$here/.." && pwd)
out=$here/seal
pki=$here/x509/sm2
mkdir -p "$out"
cargo build -q -p yinjian-cli --manifest-path "$repo/Cargo.toml"
y=$repo/target/debug/yinjian

printf '%s' '<?xml version="1.0" encoding="UTF-8"?><ofd:Signature xmlns:ofd="http://www.ofdspec.org/2016"/>' > "$out/data.xml"
printf '\x89PNG\r\n\x1a\nyinjian test seal picture' > "$out/picture.png"
for v in v4 v1; do
  flag=; [ "$v" = v1 ] && flag=--v1
  [ -f "$out/$v.esl" ] || "$y" seal make $flag --maker-key "$pki/keys/leaf-seal.key.pem" --maker-cert "$pki/certs/leaf-seal.pem" \
    --signer-cert "$pki/certs/leaf.pem" --name "某市人民政府办公厅公章" --es-id "11010000000$v" --picture "$out/picture.png" \
    --valid-from 2026-02-01T00:00:00Z --valid-to 2028-02-01T00:00:00Z -o "$out/$v.esl"
  [ -f "$out/$v-signed.dat" ] || "$y" seal sign --seal "$out/$v.esl" --key "$pki/keys/leaf.key.pem" --cert "$pki/certs/leaf.pem" \
    --data "$out/data.xml" --property-info /Doc_0/Signs/Sign_0/Signature.xml --at 2026-06-01T08:00:00Z -o "$out/$v-signed.dat"
done
[ -f "$out/v4-late.dat" ] || "$y" seal sign --seal "$out/v4.esl" --key "$pki/keys/leaf.key.pem" --cert "$pki/certs/leaf.pem" \
  --data "$out/data.xml" --at 2028-06-01T00:00:00Z -o "$out/v4-late.dat"

python3 - "$here" <<'PY'
import json, sys, pathlib
here = pathlib.Path(sys.argv[1])
b = lambda p: (here / p).read_bytes().hex()
pem = lambda p: (here / "x509/sm2" / p).read_text()
base = {"op": "seal_signature", "anchors": [pem("certs/root.pem")], "intermediates": [pem("certs/int.pem")],
        "at": "2027-06-01T00:00:00Z", "revocation_required": False,
        "source": "made by yinjian seal make/sign (gen/gen-seal.sh) with the gen-x509.sh SM2 PKI"}
data = b("seal/data.xml")
cases = [
    ("seal-v4-good", "seal/v4-signed.dat", data, "PASSED", None, None, "v4 seal signature over data.xml"),
    ("seal-v1-good", "seal/v1-signed.dat", data, "PASSED", None, None, "v1 (GM/T 0031) seal signature over data.xml"),
    ("seal-v4-other-data", "seal/v4-signed.dat", b"changed".hex(), "FAILED", "HashMismatch", "seal.data-hash", "the protected data changed"),
    ("seal-v1-other-data", "seal/v1-signed.dat", b"changed".hex(), "FAILED", "HashMismatch", "seal.data-hash", "the protected data changed"),
    ("seal-v4-signed-after-expiry", "seal/v4-late.dat", data, "FAILED", "Expired", "seal.validity", "signed on 2028-06-01, the seal ended 2028-02-01"),
]
with open(here / "seal/seals.jsonl", "w") as f:
    for cid, sv, d, expect, reason, check, note in cases:
        line = dict(base, id=cid, signed_value_hex=b(sv), data_hex=d, expect=expect, note=note)
        if reason:
            line.update(reason=reason, failing_check=check)
        f.write(json.dumps(line, ensure_ascii=False) + "\n")
    no_trust = dict(base, id="seal-v4-no-anchor", anchors=[], signed_value_hex=b("seal/v4-signed.dat"), data_hex=data,
                    expect="INDETERMINATE", reason="UntrustedChain", failing_check="seal.maker.chain", note="no trust anchor")
    f.write(json.dumps(no_trust, ensure_ascii=False) + "\n")
PY
echo "wrote $out"
