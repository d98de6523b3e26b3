# Shared helpers for Inkan's scripts. Source it; do not run it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${INKAN_CACHE:-$HOME/.cache/inkan}"
TOOLS="$CACHE/tools"
VENV="$CACHE/venv"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/target}"
export PATH="$TOOLS/bin:$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

log() { printf '\033[1;34m[inkan]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[inkan] FAILED:\033[0m %s\n' "$*" >&2; exit 1; }

# Reads a value from wasm-pack.toml: toml_get section key
toml_get() {
  python3 - "$ROOT/wasm-pack.toml" "$1" "$2" <<'PY'
import sys, tomllib, json
with open(sys.argv[1], "rb") as f:
    data = tomllib.load(f)
v = data.get(sys.argv[2], {}).get(sys.argv[3])
if v is None:
    sys.exit(f"wasm-pack.toml: [{sys.argv[2]}] {sys.argv[3]} is missing")
print(" ".join(v) if isinstance(v, list) else (json.dumps(v) if isinstance(v, bool) else v))
PY
}

# The keys of a wasm-pack.toml section, one a line, in file order: toml_keys section
toml_keys() {
  python3 - "$ROOT/wasm-pack.toml" "$1" <<'PY'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    data = tomllib.load(f)
if sys.argv[2] not in data:
    sys.exit(f"wasm-pack.toml: [{sys.argv[2]}] is missing")
print("\n".join(data[sys.argv[2]]))
PY
}

# The exact wasm-bindgen version the crate pins (=X.Y.Z in Cargo.toml).
wasm_bindgen_version() {
  sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' "$ROOT/Cargo.toml"
}
