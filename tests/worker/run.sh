#!/usr/bin/env bash
# Runs every edge-worker test: the Rust unit tests of the core, then the pytest API suite
# against the native server and against the Workers build under `wrangler dev`, then a short
# load measurement. Assumes tests/worker/requirements.txt is installed in the active Python
# and openssl is on PATH; installs worker/'s npm dependencies itself (npm ci, idempotent).
#
#   tests/worker/run.sh            # everything
#   INKAN_WORKER_TARGETS=native tests/worker/run.sh   # skip the Workers build
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
export WRANGLER_SEND_METRICS=false
TARGETS="${INKAN_WORKER_TARGETS:-native,wrangler}"

echo "== unit tests (inkan-worker-core, the native adapter inkan-worker)"
(cd "$REPO" && cargo test -p inkan-worker-core -p inkan-worker)

if [[ ",$TARGETS," == *",wrangler,"* ]]; then
  echo "== npm dependencies (worker/)"
  (cd "$REPO/worker" && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; })
fi

echo "== API suite against: $TARGETS"
INKAN_WORKER_TARGETS="$TARGETS" python3 -m pytest "$HERE" -q -p no:cacheprovider "$@"

echo "== load measurement (native, bounded, 127.0.0.1)"
python3 "$HERE/load.py" -n "${INKAN_LOAD_N:-60}" -c "${INKAN_LOAD_C:-4}"
