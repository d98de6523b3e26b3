#!/usr/bin/env bash
# Starts the worker (embedded local issuer) serving dist/www on 127.0.0.1 and prints the URL.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
listen="${INKAN_LISTEN:-127.0.0.1:8787}"
if [ -f "$ROOT/worker/native/Cargo.toml" ] && grep -q '"worker/native"' "$ROOT/Cargo.toml"; then
  (cd "$ROOT" && cargo build -p inkan-worker --release)
  export INKAN_LISTEN="$listen" INKAN_SITE_DIR="$ROOT/dist/www" INKAN_DATA_DIR="${INKAN_DATA_DIR:-$CACHE/data}"
  export INKAN_ISSUER="${INKAN_ISSUER:-local}"
  if [ -z "${INKAN_ADMIN_TOKEN:-}" ]; then
    INKAN_ADMIN_TOKEN="$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
    export INKAN_ADMIN_TOKEN
    log "admin token for this run (approve applications with it): $INKAN_ADMIN_TOKEN"
  fi
  log "review desk: http://$listen/admin  (sign in with the admin token above)"
  if [ -z "${INKAN_SMTP_HOST:-}" ]; then
    log "no SMTP server configured: the worker's mail (the applicant's confirmation code) is written as .eml files to $INKAN_DATA_DIR/outbox/"
  fi
  log "open http://$listen/"
  exec "$CARGO_TARGET_DIR/release/inkan-worker"
fi
log "worker not built yet: serving the static site only"
echo "Inkan is at http://$listen/"
exec node "$ROOT/tests/browser/static-server.mjs" "$ROOT/dist/www" "${listen##*:}"
