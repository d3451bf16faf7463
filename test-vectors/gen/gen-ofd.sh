#!/usr/bin/env bash
# OFD documents signed by yinjian's own CLI (`yinjian ofd sign`) with the seals of gen-seal.sh
# and the SM2 test PKI of gen-x509.sh (signer "张三", test-vectors/x509/sm2/certs/leaf.pem).
#
#   test-vectors/ofd/unsigned.ofd      a minimal unsigned OFD (one page, one line of Chinese text)
#   test-vectors/ofd/sealed.ofd        + one seal signature (v4 seal), stamp on page 0
#   test-vectors/ofd/sealed-twice.ofd  sealed.ofd + a second seal signature (v1 seal) covering the first
#   test-vectors/ofd/signed.ofd        unsigned.ofd + one plain digital signature (Type=Sign, bare DER SM2)
#   test-vectors/ofd/sealed-stamped.ofd  sealed.ofd with an RFC 3161 time-stamp in its seal signature
#                                      (`yinjian ofd timestamp`, the SM2 TSA of gen-ofd-tsa.sh, an hour after sealing)
#   test-vectors/sample/notice.ofd     a sealed notice, the README's first command
#
# Signing times lie inside the seals' validity (2026-02-01 .. 2028-02-01) and the certificates'
# (2026-01-01 .. 2029-01-01). unsigned.ofd is reproducible; SM2 signatures are randomised, so
# signed files are only made when missing (delete them to remake).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$here/.." && pwd)
out=$here/ofd
pki=$here/x509/sm2
seals=$here/seal
mkdir -p "$out"
cargo build -q -p yinjian-cli --manifest-path "$repo/Cargo.toml"
y=$repo/target/debug/yinjian
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
signer=(--key "$pki/keys/leaf.key.pem" --cert "$pki/certs/leaf.pem")

python3 "$here/gen/ofd/make_unsigned.py" "$out/unsigned.ofd" 5f0e1d2c3b4a59687766554433221100 \
  "银鉴测试文档：电子印章与数字签名验证用例。"

[ -f "$out/sealed.ofd" ] || "$y" ofd sign "$out/unsigned.ofd" -o "$out/sealed.ofd" --seal "$seals/v4.esl" \
  "${signer[@]}" --page 0 --x 120 --y 60 --size 40 --at 2026-06-01T08:00:00Z
[ -f "$out/sealed-twice.ofd" ] || "$y" ofd sign "$out/sealed.ofd" -o "$out/sealed-twice.ofd" --seal "$seals/v1.esl" \
  "${signer[@]}" --page 0 --x 60 --y 60 --size 40 --at 2026-06-02T08:00:00Z
[ -f "$out/signed.ofd" ] || "$y" ofd sign "$out/unsigned.ofd" -o "$out/signed.ofd" --plain \
  "${signer[@]}" --at 2026-06-01T08:00:00Z
[ -f "$out/sealed-stamped.ofd" ] || "$y" ofd timestamp "$out/sealed.ofd" -o "$out/sealed-stamped.ofd" \
  --tsa-key "$out/tsa/tsa.key.pem" --tsa-cert "$out/tsa/tsa.pem" --tsa-chain "$pki/certs/int.pem" \
  --at 2026-06-01T09:00:00Z > /dev/null

if [ ! -f "$here/sample/notice.ofd" ]; then
  python3 "$here/gen/ofd/make_unsigned.py" "$tmp/notice.ofd" a1b2c3d4e5f60718293a4b5c6d7e8f90 \
    "某市人民政府办公厅关于开展电子印章应用试点的通知" \
    "各区人民政府，市政府各部门：" \
    "为推进政务服务电子文件互信互认，现就电子印章应用试点工作通知如下。" \
    "某市人民政府办公厅  2026年6月1日"
  "$y" ofd sign "$tmp/notice.ofd" -o "$here/sample/notice.ofd" --seal "$seals/v4.esl" \
    "${signer[@]}" --page 0 --x 130 --y 70 --size 40 --at 2026-06-01T08:00:00Z
fi

trust=(--anchors "$pki/certs/root.pem" --intermediates "$pki/certs/int.pem" --no-revocation --at 2027-06-01T00:00:00Z)
for f in "$out/sealed.ofd" "$out/sealed-twice.ofd" "$out/sealed-stamped.ofd" "$here/sample/notice.ofd"; do
  "$y" verify "$f" "${trust[@]}" > /dev/null
done
"$y" verify "$out/signed.ofd" --signer-cert "$pki/certs/leaf.pem" "${trust[@]}" > /dev/null
echo "OFD test vectors written to $out and $here/sample/notice.ofd"
