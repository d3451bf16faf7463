#!/usr/bin/env bash
# Makes the bundled sample the README's first command verifies: a short notice signed with
# SM2/SM3 by OpenSSL 3 (an independent signer), with the default distinguishing ID.
# Re-running keeps the key and re-signs (SM2 signatures are randomised).
set -euo pipefail
cd "$(dirname "$0")/../sample"
[ -f signer.key.pem ] || openssl genpkey -algorithm SM2 -out signer.key.pem
openssl pkey -in signer.key.pem -pubout -out signer.pub.pem
cat > notice.txt <<'TXT'
关于启用统一电子印章系统的通知
Notice on the launch of the unified electronic seal system

各部门：统一电子印章系统自 2026 年 12 月 1 日起启用，请按要求核验电子印章。
All departments: the unified electronic seal system goes live on 1 December 2026.
TXT
openssl pkeyutl -sign -inkey signer.key.pem -rawin -digest sm3 \
  -pkeyopt distid:1234567812345678 -in notice.txt -out notice.txt.sig
openssl pkeyutl -verify -pubin -inkey signer.pub.pem -rawin -digest sm3 \
  -pkeyopt distid:1234567812345678 -in notice.txt -sigfile notice.txt.sig
# A copy whose text was changed after signing, for the negative demonstration.
sed 's/12 月 1 日/12 月 11 日/' notice.txt > notice-altered.txt
