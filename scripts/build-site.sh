#!/usr/bin/env bash
# Assembles the static site into dist/www: the sources from www/ plus the wasm package that
# scripts/build-wasm.sh put in www/pkg, and a precache list for the service worker.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
out="$ROOT/dist/www"
[ -f "$ROOT/www/pkg/inkan_bg.wasm" ] || die "www/pkg is empty: run scripts/build-wasm.sh first"
rm -rf "$out"
mkdir -p "$out"
cp -R "$ROOT/www/." "$out/"
rm -f "$out/pkg/.gitignore" "$out/pkg/package.json" "$out/pkg/.route"
log "site: $out ($(find "$out" -type f | wc -l) files, $(du -sk "$out" | cut -f1) KiB)"
