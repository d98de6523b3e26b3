//! Where applications, lockout counters and reminders live: SQLite natively, D1 on Workers,
//! both with the schema in `schema.sql`. Applications are stored as a JSON body plus the
//! columns the queries need (fingerprint, status, next event, version).

use crate::texts;
use inkan::i18n::{Localized, Message};

use crate::UnixTime;
use crate::application::Application;
use crate::documents::SealedDocument;
use crate::lockout::{Charge, LockoutPolicy};
use crate::reminders::Reminder;
use crate::review::AuditEntry;

/// The schema, shared by SQLite and D1 (idempotent: safe to run at every start).
pub const SCHEMA: &str = include_str!("../../schema.sql");

/// Charges one attempt (see [`crate::lockout::Attempts::charge`], its in-memory twin): `?1` key, `?2` now,
/// `?3` threshold, `?4` base seconds, `?5` max seconds, `?6` decay seconds (a huge number for
/// none). One statement, so SQLite and D1 apply it atomically; no row comes back while locked.
pub const CHARGE_SQL: &str = "INSERT INTO attempts (key, failures, locked_until, updated_at)
 VALUES (?1, 1, CASE WHEN 1 >= ?3 THEN ?2 + max(1, min(?5, ?4)) ELSE NULL END, ?2)
 ON CONFLICT(key) DO UPDATE SET
   failures = (CASE WHEN attempts.updated_at < ?2 - ?6 THEN 0 ELSE attempts.failures END) + 1,
   locked_until = CASE
     WHEN (CASE WHEN attempts.updated_at < ?2 - ?6 THEN 0 ELSE attempts.failures END) + 1 >= ?3
     THEN ?2 + max(1, min(?5, ?4 * (1 << min((CASE WHEN attempts.updated_at < ?2 - ?6 THEN 0
          ELSE attempts.failures END) + 1 - ?3, 40))))
     ELSE NULL END,
   updated_at = ?2
 WHERE attempts.locked_until IS NULL OR attempts.locked_until <= ?2
 RETURNING failures, locked_until";
/// The lock that refused a charge: `?1` key.
pub const LOCKED_UNTIL_SQL: &str = "SELECT locked_until FROM attempts WHERE key = ?1";
/// Gives one charge back: `?1` key, `?2` threshold. A lock stays only while the remaining count
/// still calls for one: a refunded charge that reached the threshold takes its lock with it (an
/// allowed charge always found the counter unlocked, so that is the state before it).
pub const REFUND_SQL: &str = "UPDATE attempts SET failures = max(failures - 1, 0),
 locked_until = CASE WHEN failures - 1 >= ?2 THEN locked_until ELSE NULL END WHERE key = ?1";
/// Clears a counter: `?1` key.
pub const CLEAR_SQL: &str = "DELETE FROM attempts WHERE key = ?1";
/// Counts one event in a fixed window: `?1` key, `?2` now, `?3` window seconds.
pub const COUNT_EVENT_SQL: &str = "INSERT INTO rate_windows (key, window_start, count) VALUES (?1, ?2, 1)
 ON CONFLICT(key) DO UPDATE SET
   count = CASE WHEN rate_windows.window_start <= ?2 - ?3 THEN 1 ELSE rate_windows.count + 1 END,
   window_start = CASE WHEN rate_windows.window_start <= ?2 - ?3 THEN ?2 ELSE rate_windows.window_start END
 RETURNING count, window_start";
/// Deletes unlocked counters untouched since `?1`, at `?2` now.
pub const PURGE_ATTEMPTS_SQL: &str =
    "DELETE FROM attempts WHERE updated_at < ?1 AND (locked_until IS NULL OR locked_until <= ?2)";
/// Deletes rate windows that started at or before `?1`.
pub const PURGE_WINDOWS_SQL: &str = "DELETE FROM rate_windows WHERE window_start <= ?1";
/// Applications in a state (`?1`, NULL for any) of a product (`?4`, NULL for any), newest
/// first (rowid order is insertion order).
pub const LIST_SQL: &str = "SELECT id, body, version FROM applications WHERE (?1 IS NULL OR status = ?1)
 AND (?4 IS NULL OR json_extract(body, '$.product') = ?4)
 ORDER BY rowid DESC LIMIT ?2 OFFSET ?3";
/// Appends one decision to the audit log.
pub const AUDIT_APPEND_SQL: &str =
    "INSERT INTO audit (at, actor, application_id, action, detail) VALUES (?1, ?2, ?3, ?4, ?5)";
/// Stores one sealed document (shared by SQLite and D1).
pub const DOCUMENT_PUT_SQL: &str =
    "INSERT INTO documents (application_id, seq, media_type, sealed) VALUES (?1, ?2, ?3, ?4)";
/// An application's sealed documents, in order.
pub const DOCUMENTS_SQL: &str = "SELECT seq, media_type, sealed FROM documents WHERE application_id = ?1 ORDER BY seq";
/// Deletes an application's documents.
pub const DOCUMENTS_DELETE_SQL: &str = "DELETE FROM documents WHERE application_id = ?1";
/// The audit log, oldest first: `?1` limit, `?2` offset.
pub const AUDIT_LIST_SQL: &str =
    "SELECT seq, at, actor, application_id, action, detail FROM audit ORDER BY seq LIMIT ?1 OFFSET ?2";
/// "No decay" for [`CHARGE_SQL`]'s `?6`.
pub const NO_DECAY: i64 = 1 << 50;

/// Counts one event in an in-memory window `(start, count)` (the SQLite store's rate windows
/// and the unit tests' store), with [`COUNT_EVENT_SQL`]'s rule.
pub fn count_in_window(slot: &mut (UnixTime, u32), now: UnixTime, window: i64, limit: u32) -> Result<(), i64> {
    if slot.0 <= now - window {
        *slot = (now, 0);
    }
    slot.1 = slot.1.saturating_add(1);
    event_outcome(i64::from(slot.1), slot.0, now, window, limit)
}

/// The outcome of a count in [`Store::count_event`], from the statement's answer.
pub fn event_outcome(count: i64, window_start: UnixTime, now: UnixTime, window: i64, limit: u32) -> Result<(), i64> {
    if count > i64::from(limit) { Err((window_start + window - now).max(1)) } else { Ok(()) }
}

/// The schema as single statements without comments (D1 runs them one by one in a batch).
pub fn schema_statements() -> Vec<String> {
    let text: String = SCHEMA.lines().map(|line| line.split("--").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
    text.split(';').map(|s| s.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|s| !s.is_empty()).collect()
}

/// Storage failures.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreError {
    /// The backend failed (I/O, SQL, D1).
    Backend {
        /// What failed (no personal data: SQL errors name tables and columns only).
        detail: String,
    },
    /// Someone else changed the record since it was read.
    Conflict,
    /// A stored row does not decode.
    Corrupt {
        /// Which row.
        key: String,
    },
}

impl core::fmt::Display for StoreError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for StoreError {}

impl Localized for StoreError {
    fn code(&self) -> &'static str {
        match self {
            StoreError::Backend { .. } => "store_unavailable",
            StoreError::Conflict => "conflict",
            StoreError::Corrupt { .. } => "internal_error",
        }
    }
    fn message(&self) -> Message {
        match self {
            StoreError::Backend { .. } | StoreError::Corrupt { .. } => texts::store::STORE_UNAVAILABLE.render(),
            StoreError::Conflict => texts::store::CONFLICT.render(),
        }
    }
}

/// The outcome of inserting an application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inserted {
    /// Stored as new.
    New,
    /// An application with the same CSR fingerprint exists (the insert lost a race or was a
    /// resubmission).
    Existing(Box<Application>),
}

/// Which page of the desk's queue to list: a state (any: `None`), a product (any: `None`),
/// `limit` applications from `offset`.
#[derive(Clone, Copy, Debug)]
pub struct QueueFilter<'a> {
    /// The state, e.g. `submitted`.
    pub status: Option<&'a str>,
    /// The catalog product id.
    pub product: Option<&'a str>,
    /// Page size.
    pub limit: u32,
    /// Applications skipped before the page.
    pub offset: u32,
}

/// The storage operations the core needs.
#[allow(async_fn_in_trait)] // see crate::http::HttpClient for why there is no Send bound
pub trait Store {
    /// Inserts a new application unless one with its fingerprint exists.
    async fn insert_application(&self, app: &Application) -> Result<Inserted, StoreError>;
    /// An application by id.
    async fn application(&self, id: &str) -> Result<Option<Application>, StoreError>;
    /// An application by CSR fingerprint.
    async fn application_by_fingerprint(&self, fingerprint: &str) -> Result<Option<Application>, StoreError>;
    /// Writes an application if its version is unchanged since it was read; bumps the version.
    async fn save_application(&self, app: &mut Application) -> Result<(), StoreError>;
    /// Applications whose next event is due.
    async fn due_applications(&self, now: UnixTime, limit: u32) -> Result<Vec<Application>, StoreError>;
    /// The desk's queue: applications matching `filter`, newest first, one page.
    async fn applications(&self, filter: &QueueFilter<'_>) -> Result<Vec<Application>, StoreError>;
    /// Stores an application's sealed documents (ciphertext only).
    async fn put_documents(&self, application_id: &str, documents: &[SealedDocument]) -> Result<(), StoreError>;
    /// An application's sealed documents, in order.
    async fn documents(&self, application_id: &str) -> Result<Vec<SealedDocument>, StoreError>;
    /// Deletes an application's documents; returns how many there were.
    async fn delete_documents(&self, application_id: &str) -> Result<u32, StoreError>;
    /// Appends one decision to the append-only audit log.
    async fn append_audit(&self, entry: &AuditEntry) -> Result<(), StoreError>;
    /// The audit log, oldest first, `limit` from `offset`.
    async fn audit(&self, limit: u32, offset: u32) -> Result<Vec<AuditEntry>, StoreError>;
    /// Charges one attempt against a counter **in one atomic statement**, before the proof is
    /// checked (see [`crate::lockout::Attempts::charge`] for the rule): under any concurrency, at most the
    /// policy's threshold of attempts is ever let through per lock period. Keys:
    /// `app:<id>`, `confirm:<id>`, `client:<keyed hash of the address>`.
    async fn charge_attempt(
        &self,
        key: &str,
        now: UnixTime,
        policy: &LockoutPolicy,
        decay: Option<i64>,
    ) -> Result<Charge, StoreError>;
    /// Gives back one charge that turned out not to be a guess (the request was refused for
    /// another reason before its proof was checked); see [`REFUND_SQL`].
    async fn refund_attempt(&self, key: &str, policy: &LockoutPolicy) -> Result<(), StoreError>;
    /// The lock on a counter, if any (for Retry-After; changes nothing).
    async fn locked_until(&self, key: &str) -> Result<Option<UnixTime>, StoreError>;
    /// Clears a counter (a right answer).
    async fn clear_attempts(&self, key: &str) -> Result<(), StoreError>;
    /// Counts one event in a fixed window of `window` seconds, atomically; `Err(retry_after)`
    /// when `limit` events were already counted in the current window.
    async fn count_event(
        &self,
        key: &str,
        now: UnixTime,
        window: i64,
        limit: u32,
    ) -> Result<Result<(), i64>, StoreError>;
    /// Deletes counters and windows that no longer hold anything: unlocked counters not
    /// touched for `retention` seconds, and rate windows that ended.
    async fn purge_counters(&self, now: UnixTime, retention: i64, window: i64) -> Result<u32, StoreError>;
    /// Inserts a reminder unless its key exists; returns whether it was new.
    async fn insert_reminder(&self, reminder: &Reminder) -> Result<bool, StoreError>;
    /// Pending reminders whose next attempt is due.
    async fn due_reminders(&self, now: UnixTime, limit: u32) -> Result<Vec<Reminder>, StoreError>;
    /// Updates a reminder's delivery state.
    async fn save_reminder(&self, reminder: &Reminder) -> Result<(), StoreError>;
    /// All reminders, newest due first.
    async fn reminders(&self, limit: u32) -> Result<Vec<Reminder>, StoreError>;
    /// A setting (test clock, local CA material on Workers).
    async fn value(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// Stores a setting.
    async fn put_value(&self, key: &str, value: &str) -> Result<(), StoreError>;
}

/// Settles an optimistic save (`UPDATE ... WHERE version = read`): exactly one changed row
/// means the version the caller read was current; otherwise `app.version` goes back to what
/// was read, so the caller can reload and retry. Shared by the SQLite and D1 stores.
pub fn settle_save(
    app: &mut Application,
    read_version: i64,
    changed: Result<usize, StoreError>,
) -> Result<(), StoreError> {
    let result = match changed {
        Ok(1) => return Ok(()),
        Ok(_) => Err(StoreError::Conflict),
        Err(e) => Err(e),
    };
    app.version = read_version;
    result
}

#[cfg(test)]
mod schema_tests {
    #[test]
    fn the_schema_splits_into_eight_tables_and_three_indexes() {
        let statements = super::schema_statements();
        assert_eq!(statements.iter().filter(|s| s.starts_with("CREATE TABLE")).count(), 8);
        assert_eq!(statements.iter().filter(|s| s.starts_with("CREATE INDEX")).count(), 3);
        assert!(statements.iter().all(|s| !s.contains("--")));
    }
}
