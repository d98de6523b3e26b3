#!/usr/bin/env bash
# Builds the wasm package as wasm-pack.toml says: for each [modules] entry, cargo with that
# entry's crate features (rustup route, or Debian's toolchain with build-std), wasm-bindgen,
# then wasm-opt. Prints the sizes.
#
#   INKAN_WASM_ROUTE=auto|rustup|debian   force a route (auto: rustup when its target exists)
#   INKAN_WASM_OUT=DIR                    override [build] out_dir
#   INKAN_WASM_NAMED_DIR=DIR              also write each module with its name section kept
#                                         (wasm-opt -g) to DIR, for bench/wasm-profile.mjs
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

crate="$(toml_get build crate)"
profile="$(toml_get build profile)"
target="$(toml_get build target)"
out_dir="${INKAN_WASM_OUT:-$ROOT/$(toml_get build out_dir)}"
mapfile -t modules < <(toml_keys modules)
typescript="$(toml_get build typescript)"
keep_debug="$(toml_get build keep_debug)"
opt_enabled="$(toml_get wasm-opt enabled)"
opt_args="$(toml_get wasm-opt args)"

route="${INKAN_WASM_ROUTE:-auto}"
if [ "$route" = auto ]; then
  if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then route=rustup; else route=debian; fi
fi

cargo_profile_flag=(--profile "$profile")
[ "$profile" = dev ] && cargo_profile_flag=()
profile_dir="$profile"; [ "$profile" = dev ] && profile_dir=debug

rm -rf "$out_dir"
mkdir -p "$out_dir"

for out_name in "${modules[@]}"; do
  features="$(toml_get modules "$out_name" | tr ' ' ',')"
  feature_flags=(--no-default-features --features "$features")
  case "$route" in
    rustup)
      log "wasm: cargo build ($profile, features $features) via rustup's wasm32 target"
      (cd "$ROOT" && cargo build -p inkan --lib --target wasm32-unknown-unknown "${cargo_profile_flag[@]}" "${feature_flags[@]}")
      wasm_target_dir="$CARGO_TARGET_DIR"
      ;;
    debian)
      # TOOLCHAIN.md: Debian's rustc-web 1.96 with the std sources, build-std, rust-lld from lld-22.
      log "wasm: cargo build ($profile, features $features) via Debian's rustc-web with -Z build-std"
      wasm_target_dir="$CACHE/target-debian"
      (cd "$ROOT" && PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
        CARGO_TARGET_DIR="$wasm_target_dir" /usr/bin/cargo build -p inkan --lib \
        --target wasm32-unknown-unknown "${cargo_profile_flag[@]}" "${feature_flags[@]}" -Z build-std=std,panic_abort)
      ;;
    *) die "unknown wasm route $route" ;;
  esac

  wasm="$wasm_target_dir/wasm32-unknown-unknown/$profile_dir/$(basename "$crate" | tr - _).wasm"
  [ -f "$wasm" ] || wasm="$wasm_target_dir/wasm32-unknown-unknown/$profile_dir/inkan.wasm"
  [ -f "$wasm" ] || die "no wasm produced at $wasm"

  bindgen_flags=(--target "$target" --out-dir "$out_dir" --out-name "$out_name")
  [ "$typescript" = true ] || bindgen_flags+=(--no-typescript)
  [ "$keep_debug" = true ] && bindgen_flags+=(--keep-debug)
  wasm-bindgen "${bindgen_flags[@]}" "$wasm"

  bg="$out_dir/${out_name}_bg.wasm"
  if [ "$opt_enabled" = true ]; then
    command -v wasm-opt >/dev/null || die "wasm-opt missing: run scripts/bootstrap.sh"
    # shellcheck disable=SC2086
    wasm-opt $opt_args "$bg" -o "$bg.opt" && mv "$bg.opt" "$bg"
  fi
  if [ -n "${INKAN_WASM_NAMED_DIR:-}" ]; then
    # The same module, optimised the same way, with function names: what the bytes are made of.
    mkdir -p "$INKAN_WASM_NAMED_DIR"
    wasm-bindgen --keep-debug --no-typescript --target "$target" --out-dir "$INKAN_WASM_NAMED_DIR" --out-name "$out_name" "$wasm"
    named="$INKAN_WASM_NAMED_DIR/${out_name}_bg.wasm"
    # shellcheck disable=SC2086
    [ "$opt_enabled" = true ] && wasm-opt $opt_args -g "$named" -o "$named.opt" && mv "$named.opt" "$named"
  fi
  raw=$(stat -c %s "$bg"); gz=$(gzip -9 -c "$bg" | wc -c); br=$(brotli -c -q 11 "$bg" | wc -c)
  log "wasm: $bg raw $raw B, gzip -9 $gz B, brotli -11 $br B (route $route)"
done
echo "$route" > "$out_dir/.route"
