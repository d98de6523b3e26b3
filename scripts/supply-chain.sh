#!/usr/bin/env bash
# The supply-chain checks (`./x test` stage `supply-chain`):
#   1. cargo deny (deny.toml): licences, bans (duplicate versions) and sources, always; RustSec
#      advisories when a database is on this machine. This workplace reaches the package
#      registries only, not the database's git host, and no registry ships the database, so
#      without one the advisories check is skipped and says so loudly; it never passes silently.
#      Put a clone of the RustSec advisory-db under $CARGO_HOME/advisory-dbs/ (where
#      `cargo deny fetch` puts it on a machine that can reach it) and it runs, offline.
#   2. npm: every package.json has its lockfile committed; no dependency comes from outside the
#      npm registry (git, http or file specs); every package with an install script is one we
#      have read (list below, with what its script fetches); `npm audit` is reported (it asks
#      the registry, so an unreachable registry is reported as skipped, not as clean).
# Fails on a cargo-deny error, a missing lockfile, a non-registry source or an unreviewed
# install script. npm audit findings are reported, not fatal: the npm packages are development
# tools (browser drivers, wasm-opt, wrangler), and the package we publish has no dependencies.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
status=0

# --- 1. cargo deny --------------------------------------------------------------------------
command -v cargo-deny >/dev/null || die "cargo-deny is missing: run scripts/bootstrap.sh"
log "cargo deny: licenses, bans, sources"
# --frozen: no network (and the lockfile as committed).
cargo deny --frozen check --show-stats licenses bans sources || status=1

db="${CARGO_HOME:-$HOME/.cargo}/advisory-dbs"
if compgen -G "$db/*/crates" >/dev/null; then
  log "cargo deny: advisories (database under $db, not fetched)"
  cargo deny --frozen check --show-stats advisories || status=1
else
  log "cargo deny: advisories SKIPPED: no RustSec advisory database at $db, and this machine"
  log "  cannot fetch one (registries only). Known exceptions are listed in deny.toml [advisories]."
  echo "advisories: skipped (no database)"
fi

# --- 2. npm -------------------------------------------------------------------------------
# Packages whose install scripts we have read, and what they may fetch.
reviewed_install_scripts=(
  # postinstall checks that the platform binary came with its optional dependency
  # (@esbuild/linux-x64, from the registry); if not, it fetches that same package from the
  # npm registry itself. Nothing from elsewhere.
  esbuild
  # Same installer as esbuild: @cloudflare/workerd-linux-64 from the registry.
  workerd
  # `install/check.js` succeeds with the prebuilt @img/sharp-linux-x64 (registry); it would
  # build from source with node-gyp (which fetches Node headers from Node's own site) only when a
  # system libvips is installed or npm_config_build_from_source is set: neither here.
  sharp
)
registry="$(npm config get registry)"   # the default npm registry unless configured otherwise
# Prints one line from `npm audit --json` on stdin; fails when there is no usable answer.
audit_summary='
import json, sys
try:
    data = json.load(sys.stdin)
except ValueError:
    sys.exit(1)
if "metadata" not in data:
    # The registry answered, but not with an audit (e.g. a mirror that refuses the POST).
    msg = data.get("message", "no audit in the answer")
    print(f"npm audit ({sys.argv[1]}): skipped, the registry refused: {msg}")
    sys.exit(0)
counts = data["metadata"]["vulnerabilities"]
found = {k: v for k, v in counts.items() if k != "total" and v}
names = ", ".join(sorted(data.get("vulnerabilities", {})))
total = counts.get("total", 0)
print(f"npm audit ({sys.argv[1]}): {total} advisories" + (f" {found}: {names}" if found else ""))
'
for pkg_json in $(git ls-files '*package.json' ':!:**/node_modules/**' ':!:www/widget/*'); do
  dir="$(dirname "$pkg_json")"
  lock="$dir/package-lock.json"
  if ! git ls-files --error-unmatch "$lock" >/dev/null 2>&1; then
    log "npm: $pkg_json has no committed package-lock.json"; status=1; continue
  fi
  python3 - "$lock" "$registry" "${reviewed_install_scripts[@]}" <<'PY' || status=1
import json, sys
lock, registry, reviewed = sys.argv[1], sys.argv[2], set(sys.argv[3:])
packages = json.load(open(lock))["packages"]
bad = []
for path, meta in packages.items():
    name = path.rsplit("node_modules/", 1)[-1]
    resolved = meta.get("resolved", "")
    if resolved and not resolved.startswith(registry):
        bad.append(f"{name}: resolved from {resolved}")
    for dep, spec in {**meta.get("dependencies", {}), **meta.get("devDependencies", {}),
                      **meta.get("optionalDependencies", {})}.items():
        if any(spec.startswith(p) for p in ("git", "http:", "https:", "file:", "github:", "link:")):
            bad.append(f"{name}: {dep} from {spec}")
    if meta.get("hasInstallScript") and name not in reviewed:
        bad.append(f"{name}: has an install script nobody has reviewed (scripts/supply-chain.sh)")
for b in bad:
    print(f"npm: {lock}: {b}", file=sys.stderr)
print(f"npm: {lock}: {len(packages) - 1} packages, all from the registry"
      + (f", {len(bad)} problem(s)" if bad else ""))
sys.exit(1 if bad else 0)
PY
  log "npm audit: $dir"
  out="$(cd "$dir" && timeout 120 npm audit --package-lock-only --json 2>/dev/null)" || true
  printf '%s' "$out" | python3 -c "$audit_summary" "$dir" ||
    echo "npm audit ($dir): skipped (no answer from the registry)"
done
[ "$status" -eq 0 ]
