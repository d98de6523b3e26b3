#!/usr/bin/env bash
# Assembles the static site into dist/www: the sources from www/ plus the wasm package that
# scripts/build-wasm.sh put in www/pkg, and the static data generated from that wasm
# (www/data/advisor.json: the advisor's questions and the catalog, so views paint without
# the wasm; scripts/site-data.mjs). www/sw.js precaches every file (tests/browser/precache.mjs).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
out="$ROOT/dist/www"
[ -f "$ROOT/www/pkg/inkan_bg.wasm" ] || die "www/pkg is empty: run scripts/build-wasm.sh first"
# Generated into www/ too (like www/pkg), so serving www/ directly (the browser tests) and
# dist/www are the same site.
node "$ROOT/scripts/site-data.mjs" "$ROOT/www/pkg" "$ROOT/www/data/advisor.json" >&2
rm -rf "$out"
mkdir -p "$out"
cp -R "$ROOT/www/." "$out/"
rm -f "$out/pkg/.gitignore" "$out/pkg/package.json" "$out/pkg/.route" "$out/data/.gitignore"
log "site: $out ($(find "$out" -type f | wc -l) files, $(du -sk "$out" | cut -f1) KiB)"
