#!/usr/bin/env bash
# JOSE/JWT token verification vectors (test-vectors/token/tokens.jsonl and README.md), made with
# node 20: jose and sm-crypto from npm (pinned in token/package-lock.json, installed into the
# git-ignored token/node_modules) plus node's crypto; OpenSSL 3 cross-checks the SM2 signatures.
# The output is written once; pass --force to remake it (signatures are randomized, outcomes not).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/token"
if [ ! -d node_modules/jose ] || [ ! -d node_modules/sm-crypto ]; then
  npm ci --no-audit --no-fund
fi
exec node gen.mjs "$@"
