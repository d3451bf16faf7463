#!/usr/bin/env bash
# Makes licence.ofd, the e-licence file of the portal test: test-vectors/ofd/unsigned.ofd with
# the licence metadata of test-vectors/licence (issuing authority changed to the office whose
# seal the test PKI has, its code dropped) added as licence-metadata.xml, then sealed by
# `yinjian ofd sign` with the v4 test seal, so the seal covers the metadata.
# SM2 signatures are randomised: a remade file differs, its verification does not.
# Usage: make-licence-ofd.sh   ($YINJIAN: a built yinjian CLI to use instead of building one)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../../.." && pwd)
v=$repo/test-vectors
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [[ -z "${YINJIAN:-}" ]]; then
  cargo build -q -p yinjian-cli --manifest-path "$repo/Cargo.toml"
  YINJIAN=$repo/target/debug/yinjian
fi
python3 - "$v" "$tmp/unsigned.ofd" <<'PY'
import re, shutil, sys, zipfile
vectors, out = sys.argv[1], sys.argv[2]
shutil.copy(f"{vectors}/ofd/unsigned.ofd", out)
xml = open(f"{vectors}/licence/business-licence-metadata.xml", encoding="utf-8").read()
xml = re.sub(r"<证照颁发机构>[^<]*<", "<证照颁发机构>某市人民政府办公厅<", xml)
xml = re.sub(r"\s*<证照颁发机构代码>[^<]*</证照颁发机构代码>", "", xml)
with zipfile.ZipFile(out, "a") as z:
    z.writestr("licence-metadata.xml", xml)
PY
"$YINJIAN" ofd sign "$tmp/unsigned.ofd" -o "$here/licence.ofd" --seal "$v/seal/v4.esl" \
  --key "$v/x509/sm2/keys/leaf.key.pem" --cert "$v/x509/sm2/certs/leaf.pem" \
  --page 0 --x 120 --y 60 --size 40 --at 2026-06-01T08:00:00Z
"$YINJIAN" licence verify "$here/licence.ofd" --anchors "$v/x509/sm2/certs/root.pem" \
  --intermediates "$v/x509/sm2/certs/int.pem" --no-revocation --at 2027-06-01T00:00:00Z > /dev/null
echo "wrote $here/licence.ofd"
