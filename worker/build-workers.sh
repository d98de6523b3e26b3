#!/usr/bin/env bash
# Builds the Cloudflare Workers module (build/index.js + wasm) from the Workers adapter crate
# (cloudflare/, package inkan-worker-cloudflare) with worker-build, using the
# pinned local tools so nothing is downloaded: wasm-bindgen (= the crate's version), esbuild and
# wasm-opt (binaryen 132) from worker/node_modules.
set -euo pipefail
cd "$(dirname "$0")"
TOOLS="${INKAN_TOOLS:-$HOME/.cache/inkan/tools}"
export PATH="$TOOLS/bin:$PATH"
if [ ! -x node_modules/.bin/wrangler ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
if ! command -v worker-build >/dev/null || [ "$(worker-build --version 2>/dev/null | awk '{print $2}')" != "0.8.7" ]; then
  cargo install worker-build --version 0.8.7 --locked --root "$TOOLS"
fi
if ! command -v wasm-bindgen >/dev/null || [ "$(wasm-bindgen --version | awk '{print $2}')" != "0.2.130" ]; then
  cargo install wasm-bindgen-cli --version =0.2.130 --root "$TOOLS"
fi
# wrangler serves ../dist/www as the site's static assets ([assets] in wrangler.toml); without
# a built site it still starts (the API alone), with an empty folder.
if [ ! -f ../dist/www/index.html ]; then
  echo "build-workers: ../dist/www has no site (run scripts/build-wasm.sh and scripts/build-site.sh); serving the API only" >&2
  mkdir -p ../dist/www
fi
export WASM_BINDGEN_BIN="$TOOLS/bin/wasm-bindgen"
export ESBUILD_BIN="$PWD/node_modules/.bin/esbuild"
export WASM_OPT_BIN="$PWD/node_modules/.bin/wasm-opt"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/../target}"
# Release, without the workspace's fat LTO (minutes on two cores for a test build).
export CARGO_PROFILE_RELEASE_LTO="${CARGO_PROFILE_RELEASE_LTO:-false}"
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS="${CARGO_PROFILE_RELEASE_CODEGEN_UNITS:-16}"
# Skip the build when nothing it reads changed since the last one (the worker and browser
# suites each start wrangler; worker-build + wasm-opt take minutes on two cores).
inputs_hash() {
  {
    # The two crates linked into the module (core + Workers adapter) and all of ../crate,
    # broadly: every file except build output, so a new sub-crate there needs no edit here.
    find core cloudflare ../crate \( -name target -o -name build -o -name node_modules \) -prune -o -type f -print0 |
      sort -z | xargs -0 sha256sum
    [ -d desk ] && find desk -type f -print0 | sort -z | xargs -0 sha256sum
    sha256sum schema.sql ../Cargo.toml ../Cargo.lock build-workers.sh
    env | grep -E '^CARGO_PROFILE_RELEASE_|^RUSTFLAGS=' | sort
  } | sha256sum | awk '{print $1}'
}
stamp="build/.inputs-sha256"
hash="$(inputs_hash)"
if [ -f build/index.js ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
  echo "build-workers: build/ is up to date with its sources" >&2
  exit 0
fi
rm -f "$stamp"
# worker-build builds the crate of the directory it runs in (the Workers adapter,
# cloudflare/Cargo.toml) and resolves --out-dir from there: ../build is worker/build, the
# module wrangler.toml's `main` names.
(cd cloudflare && worker-build --release --out-dir ../build)
echo "$hash" > "$stamp"
