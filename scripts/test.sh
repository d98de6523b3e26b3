#!/usr/bin/env bash
# Every test suite, in one run. Each stage prints its own runner's summary; the last line sums
# the stages. Any failure makes the whole run fail (after the remaining stages have run, so one
# red stage does not hide another).
#   INKAN_TEST_ONLY=stage1,stage2   run only these stages
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
export CHROMEDRIVER=/usr/bin/chromedriver
export INKAN_BIN="$CARGO_TARGET_DIR/debug/inkan"
PY="$VENV/bin/python"
# The library crates that also run in the browser (crate/*; the CLI is native only).
WASM_LIBS=(-p inkan -p inkan-i18n -p inkan-calendar -p inkan-pki -p inkan-knowledge -p inkan-inspect -p inkan-ca)

passed=0; failed=0; failures=()
stage() {
  local name="$1"; shift
  if [ -n "${INKAN_TEST_ONLY:-}" ] && [[ ",$INKAN_TEST_ONLY," != *",$name,"* ]]; then return 0; fi
  log "=== stage $name"
  local t0=$SECONDS
  if "$@"; then
    passed=$((passed + 1)); log "=== stage $name passed ($((SECONDS - t0)) s)"
  else
    failed=$((failed + 1)); failures+=("$name"); log "=== stage $name FAILED ($((SECONDS - t0)) s)"
  fi
}

rust_lint() {
  # Each command returns on failure: a `&&` chain ending before the loop below let a clippy
  # error through with the stage still green.
  cargo fmt --all -- --check || return 1
  cargo clippy --workspace --all-targets -- -D warnings || return 1
  # The library crates as the browser gets them.
  cargo clippy "${WASM_LIBS[@]}" --lib --target wasm32-unknown-unknown -- -D warnings || return 1
  # The worker's sans-I/O core ships in the Workers module, and the Workers adapter is empty
  # outside wasm32 (the --workspace run above lints the native adapter): lint both there too.
  cargo clippy -p inkan-worker-core -p inkan-worker-cloudflare --lib --target wasm32-unknown-unknown -- -D warnings || return 1
  # Each shipped wasm module's feature set (wasm-pack.toml [modules]) on its own, as built.
  local module features
  for module in $(toml_keys modules); do
    features="$(toml_get modules "$module" | tr ' ' ',')"
    cargo clippy -p inkan --lib --target wasm32-unknown-unknown --no-default-features --features "$features" -- -D warnings || return 1
  done
}
rust_unit() {
  cargo test --workspace
}
wasm_build() {
  bash scripts/build-wasm.sh && bash scripts/build-site.sh && bash scripts/build-package.sh &&
  node --test tests/node/
}
wasm_unit() {
  # The same unit tests, compiled to wasm32 and run by wasm-bindgen-test in headless Chromium.
  (cd crate && CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test "${WASM_LIBS[@]}" --lib --target wasm32-unknown-unknown)
}
wasm_debian_route() {
  # TOOLCHAIN.md: prove the fallback route on every run, into its own output directory.
  bash scripts/bootstrap-debian-route.sh &&
  INKAN_WASM_ROUTE=debian INKAN_WASM_OUT="$CACHE/pkg-debian" bash scripts/build-wasm.sh &&
  INKAN_PKG="$CACHE/pkg-debian" node --test tests/node/
}
interop() {
  cargo build -p inkan-cli --bin inkan &&
  "$PY" -m pytest -q -p no:cacheprovider tests/interop
}
knowledge() {
  cargo build -p inkan-cli --bin inkan &&
  "$PY" -m pytest -q -p no:cacheprovider tests/knowledge
}
inspect_suite() {
  cargo build -p inkan-cli --bin inkan &&
  "$PY" -m pytest -q -p no:cacheprovider tests/inspect
}
worker() {
  PATH="$VENV/bin:$PATH" bash tests/worker/run.sh
}
browser() {
  # The site against the real worker (its embedded local issuer), in Chromium, Firefox, WebKit.
  cargo build -p inkan-worker --release &&
  INKAN_WORKER_BIN="$CARGO_TARGET_DIR/release/inkan-worker" node --test --test-concurrency=1 tests/browser/
}

fuzz() {
  # Every fuzz target for a short bounded time (fuzz/README.md): replays the committed regression
  # inputs, then fails on any crash, hang or out-of-memory. `./x fuzz --long 1800` runs long.
  bash scripts/fuzz.sh --seconds "${INKAN_FUZZ_SECONDS:-20}"
}
supply_chain() {
  bash scripts/supply-chain.sh
}

stage rust-lint rust_lint
stage rust-unit rust_unit
stage wasm-build wasm_build
stage wasm-unit wasm_unit
stage wasm-debian-route wasm_debian_route
stage interop interop
stage knowledge knowledge
stage inspect inspect_suite
stage worker worker
stage browser browser
stage fuzz fuzz
stage supply-chain supply_chain

if [ "$failed" -gt 0 ]; then log "failed stages: ${failures[*]}"; fi
echo "stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
