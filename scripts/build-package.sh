#!/usr/bin/env bash
# The npm-style package issuers install: wasm + JS + .d.ts + the <inkan-enroll> widget.
# Folder from wasm-pack.toml [package] out_dir; the tarball is made by `npm pack`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
out="$ROOT/$(toml_get package out_dir)"
[ -f "$ROOT/www/pkg/inkan_bg.wasm" ] || die "www/pkg is empty: run scripts/build-wasm.sh first"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$ROOT/crate/Cargo.toml" | head -1)"
rm -rf "$out"
mkdir -p "$out"
python3 - "$ROOT/www/widget/package.template.json" "$out/package.json" "$version" "$(toml_get package name)" <<'PY'
import json, sys
pkg = json.load(open(sys.argv[1]))
pkg["version"] = sys.argv[3]
pkg["name"] = sys.argv[4]
json.dump(pkg, open(sys.argv[2], "w"), indent=2, ensure_ascii=False)
PY
# Copy exactly the files the manifest lists (plus the type files at the root), failing on any
# that is missing so the package can never ship broken.
python3 - "$ROOT" "$out" <<'PY'
import json, shutil, sys, pathlib
root, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
pkg = json.load(open(out / "package.json"))
sources = {"widget.d.ts": "www/widget/widget.d.ts", "index.d.ts": "www/widget/index.d.ts", "README.md": "www/widget/README.md",
           "LICENSE-MIT": "LICENSE-MIT", "LICENSE-APACHE": "LICENSE-APACHE"}
for f in pkg["files"]:
    src = root / sources.get(f, "www/" + f)
    if not src.is_file():
        sys.exit(f"package: {src} is missing")
    (out / f).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, out / f)
PY
(cd "$out" && npm pack --silent --pack-destination "$out/.." >/dev/null)
log "package: $out ($(ls "$out/.."/*.tgz | tail -1))"
