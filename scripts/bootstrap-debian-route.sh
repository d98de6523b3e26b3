#!/usr/bin/env bash
# Installs the Debian fallback route (rustc-web + build-std) even when rustup's target works,
# so CI proves both routes on every run.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
INKAN_WASM_ROUTE=debian INKAN_BOOTSTRAP=minimal bash "$ROOT/scripts/bootstrap.sh"
