#!/usr/bin/env bash
# Writes test-vectors/x509/sm2-chains.jsonl (format: test-vectors/x509/README.md).
#
# SM2 keys, certificates and CRLs come from OpenSSL 3 (genpkey, req, ca; SM3 with
# the distinguishing ID 1234567812345678) and are kept under test-vectors/x509/sm2/.
# Each file is made only when it is missing, so a re-run gives the same vectors;
#   gen-x509.sh --force
# deletes test-vectors/x509/sm2/ and makes everything anew (new keys, new signatures).
#
# The work is done by gen/x509/gen_x509.py (python3, standard library only). It
# checks the signature of every certificate and CRL with `openssl pkeyutl -verify`
# over the TBS bytes and stops if one that should verify does not, or if the
# deliberately damaged ones do.
#
# Needs: bash, OpenSSL 3, python3 (3.8+). No network.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

ossl_version=$(openssl version)
case "$ossl_version" in
  "OpenSSL 3."*) ;;
  *) echo "gen-x509.sh: need OpenSSL 3, found: $ossl_version" >&2; exit 1 ;;
esac

force=()
for arg in "$@"; do
  case "$arg" in
    --force) force=(--force) ;;
    *) echo "usage: gen-x509.sh [--force]" >&2; exit 2 ;;
  esac
done

exec python3 "$here/x509/gen_x509.py" "${force[@]}"
