#!/usr/bin/env bash
# Generated 2019-layout e-invoices (test-vectors/invoice/*.ofd): the generator in
# core/tests/invoice/gen.rs seals them with yinjian's own ofd::sign_ofd and the SM2 test PKI,
# then the same test checks each file gives its named reason.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
YINJIAN_WRITE_INVOICES=1 cargo test -q -p yinjian --manifest-path "$repo/Cargo.toml" --test invoice \
  committed_test_invoices_give_their_named_reasons
