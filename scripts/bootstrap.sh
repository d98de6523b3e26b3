#!/usr/bin/env bash
# Installs everything Inkan's build and tests need, idempotently: Debian packages, the wasm32
# toolchain (rustup route, or Debian's rustc-web with build-std), wasm-bindgen-cli pinned to
# the crate's version, npm devDependencies and a Python venv. Safe to run again and again.
#
#   INKAN_WASM_ROUTE=auto|rustup|debian   which wasm toolchain route to prepare (default auto)
#   INKAN_BOOTSTRAP=minimal               only what `./x run` needs (no browsers, no JDK/NSS)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUTE="${INKAN_WASM_ROUTE:-auto}"
MODE="${INKAN_BOOTSTRAP:-full}"   # minimal (./x run, build), full (./x test), bench (full + perf)
mkdir -p "$CACHE" "$TOOLS/bin"

apt_packages=(brotli python3-venv)
if [ "$MODE" = full ] || [ "$MODE" = bench ]; then
  # Browsers for the tests (TOOLCHAIN.md), interop tools (NSS pk12util, Java keytool).
  apt_packages+=(chromium chromium-driver firefox-esr webkit2gtk-driver xvfb libnss3-tools openssl
                 default-jre-headless sqlite3 fonts-noto-cjk wrk hyperfine)
fi
# The worker intake profile in BENCHMARKS.md (tests/worker/load.py --profile).
[ "$MODE" = bench ] && apt_packages+=(linux-perf)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- wasm32 toolchain -------------------------------------------------------------------
rustup_route_ready() {
  command -v rustup >/dev/null && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown
}
debian_route_ready() {
  [ -x /usr/bin/cargo ] && [ -x /usr/bin/rustc ] && [ -x /usr/bin/rust-lld ] &&
    ls /usr/src/rustc-*/library/std/Cargo.toml >/dev/null 2>&1
}
install_debian_route() {
  if ! debian_route_ready; then
    log "apt: installing Debian's rustc-web toolchain (wasm fallback route)"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -t bookworm-security \
      rustc-web cargo-web rust-web-src lld-22 >/dev/null
  fi
}
case "$ROUTE" in
  rustup)
    rustup_route_ready || rustup target add wasm32-unknown-unknown || die "rustup could not add wasm32-unknown-unknown"
    ;;
  debian)
    install_debian_route
    ;;
  auto)
    if ! rustup_route_ready; then
      if ! rustup target add wasm32-unknown-unknown; then
        log "rustup target unavailable: falling back to Debian's toolchain with build-std"
        install_debian_route
        echo debian > "$CACHE/wasm-route"
      fi
    fi
    ;;
  *) die "INKAN_WASM_ROUTE must be auto, rustup or debian (got $ROUTE)" ;;
esac

# --- wasm-bindgen-cli, exactly the crate's version ------------------------------------------
WB="$(wasm_bindgen_version)"
[ -n "$WB" ] || die "could not read the pinned wasm-bindgen version from Cargo.toml"
if ! "$TOOLS/bin/wasm-bindgen" --version 2>/dev/null | grep -qx "wasm-bindgen $WB"; then
  log "cargo: installing wasm-bindgen-cli $WB (first time: several minutes)"
  cargo install wasm-bindgen-cli --version "=$WB" --root "$TOOLS" --force
fi

# --- cargo-fuzz and cargo-deny (stages fuzz and supply-chain), pinned -------------------------
if [ "$MODE" = full ] || [ "$MODE" = bench ]; then
  for tool in "cargo-fuzz 0.13.2" "cargo-deny 0.20.2"; do
    read -r name version <<<"$tool"
    if ! "$TOOLS/bin/$name" --version 2>/dev/null | grep -qx "$name $version"; then
      log "cargo: installing $name $version (first time: several minutes)"
      cargo install "$name" --version "=$version" --locked --root "$TOOLS" --force
    fi
  done
fi

# --- npm devDependencies (browser drivers, wasm-opt, benchmark anchors) ----------------------
stamp="$ROOT/node_modules/.inkan-lock-stamp"
if [ ! -f "$stamp" ] || ! cmp -s "$ROOT/package-lock.json" "$stamp"; then
  log "npm: installing devDependencies"
  (cd "$ROOT" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  cp "$ROOT/package-lock.json" "$stamp"
fi

# --- Python venv for the interop, knowledge and worker test suites ---------------------------
if [ "$MODE" = full ] || [ "$MODE" = bench ]; then
  reqs="$ROOT/tests/requirements.txt"
  if [ ! -x "$VENV/bin/python" ]; then
    log "python: creating venv at $VENV"
    python3 -m venv "$VENV"
  fi
  if ! cmp -s "$reqs" "$VENV/.inkan-requirements" 2>/dev/null; then
    log "pip: installing test requirements"
    "$VENV/bin/pip" install -q --disable-pip-version-check -r "$reqs"
    cp "$reqs" "$VENV/.inkan-requirements"
  fi
fi
log "bootstrap complete (wasm route: $ROUTE)"
