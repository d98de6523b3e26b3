-- Inkan worker schema: SQLite (native) and Cloudflare D1 (Workers). Idempotent.
-- Applications: a JSON body plus the columns that queries need.
CREATE TABLE IF NOT EXISTS applications (
    id            TEXT PRIMARY KEY,
    fingerprint   TEXT NOT NULL UNIQUE,   -- SHA-256 of the CSR DER: same CSR, same application
    status        TEXT NOT NULL,
    next_event_at INTEGER,                -- relay retry or window close, for the background pass
    version       INTEGER NOT NULL,       -- optimistic concurrency
    body          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS applications_next_event ON applications (next_event_at) WHERE next_event_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS applications_status ON applications (status);
-- Attempt counters, charged atomically before a proof is checked: `app:<id>` (download
-- passwords), `confirm:<id>` (mailbox codes), `client:<HMAC of the address>` (any of them).
-- The key never holds an address.
CREATE TABLE IF NOT EXISTS attempts (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until INTEGER,
    updated_at   INTEGER NOT NULL
);
-- Fixed-window rate limits (`intake:<HMAC of the address>`).
CREATE TABLE IF NOT EXISTS rate_windows (
    key          TEXT PRIMARY KEY,
    window_start INTEGER NOT NULL,
    count        INTEGER NOT NULL
);
-- Workers without a mail relay: messages wait here (natively mail goes to SMTP or .eml files).
CREATE TABLE IF NOT EXISTS outbox (
    key        TEXT PRIMARY KEY,
    recipient  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
-- Reminders: one row per application and kind, never two.
CREATE TABLE IF NOT EXISTS reminders (
    key             TEXT PRIMARY KEY,
    application_id  TEXT NOT NULL,
    kind            TEXT NOT NULL,
    due_at          INTEGER NOT NULL,
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    delivered_at    INTEGER,
    last_error      TEXT
);
CREATE INDEX IF NOT EXISTS reminders_due ON reminders (next_attempt_at) WHERE state = 'pending';
-- Settings: the test clock offset; on Workers also the local CA's material.
CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- The review desk's decisions: append-only (the worker only ever inserts; nothing updates or
-- deletes a row). `actor` is the reviewer's token label.
CREATE TABLE IF NOT EXISTS audit (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    at             INTEGER NOT NULL,
    actor          TEXT NOT NULL,
    application_id TEXT NOT NULL,
    action         TEXT NOT NULL,
    detail         TEXT
);
-- Identity documents, sealed in the applicant's browser to the issuer's document key (HPKE,
-- RFC 9180): the worker holds only ciphertext (base64 of encapsulated key + ciphertext). Deleted
-- `document_retention_days` after the decision, with the undecided application's data, or never
-- stored when the issuer has published no key.
CREATE TABLE IF NOT EXISTS documents (
    application_id TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    media_type     TEXT NOT NULL,
    sealed         TEXT NOT NULL,
    PRIMARY KEY (application_id, seq)
);
