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
# What the listed modules need is listed too: the modules they import, and the message files
# of the areas they load (js/i18n.js: messages/<lang>/<area>.json).
import re
for f in pkg["files"]:
    if not f.endswith(".js"):
        continue
    text = (out / f).read_text(encoding="utf-8")
    for dep in re.findall(r"(?:^(?:import|export)\b[^'\n]*|\bimport\()'(\.{1,2}/[^']+)'", text, re.M):
        if not (out / f).parent.joinpath(dep).resolve().is_file():
            sys.exit(f"package: {f} imports {dep}, which the package does not list")
    for names in re.findall(r"loadTexts\(\[([^\]]*)\]", text):
        for area in re.findall(r"'([a-z]+)'", names):
            for lang in ("ja", "en"):
                if not (out / "messages" / lang / f"{area}.json").is_file():
                    sys.exit(f"package: {f} loads messages/{lang}/{area}.json, which the package does not list")
PY
(cd "$out" && npm pack --silent --pack-destination "$out/.." >/dev/null)
log "package: $out ($(ls "$out/.."/*.tgz | tail -1))"
