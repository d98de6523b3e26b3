#!/usr/bin/env bash
# The benchmark harness: builds the release wasm and the site, then runs bench/run.mjs, which
# prints a markdown table and writes BENCHMARKS.md. Not part of the test command.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
# The named copies are where bench/run.mjs reads the size profile (bench/wasm-profile.mjs).
INKAN_WASM_NAMED_DIR="$CACHE/wasm-named" bash scripts/build-wasm.sh
bash scripts/build-site.sh
# The worker intake rows and Lighthouse run against the real worker (release build).
cargo build --release -p inkan-worker
exec node bench/run.mjs "$@"
