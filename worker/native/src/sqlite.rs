//! The SQLite store: one file in WAL mode with `synchronous = FULL`.
//!
//! Why FULL: a 201/200 is only sent after the row is committed, and with FULL every commit
//! fsyncs the WAL before it returns, so an acknowledged application survives a process kill and
//! a power loss alike. NORMAL in WAL mode would survive `kill -9` too (the WAL write reaches the
//! OS before the commit returns) but may lose the last commits on power loss.
//!
//! **Group commit.** Once the password hash left the request (client verifiers), the fsync is
//! what an intake waits for (4–8 ms on a virtual disk), and one commit per request would cap
//! intake at a few hundred a second. New applications therefore go to one writer thread with
//! its own connection: it takes every insert queued while the previous commit was syncing, runs
//! them in one `BEGIN IMMEDIATE … COMMIT` and only then answers each request. Every answer still
//! follows the fsync of its own row; concurrent intakes share the fsync. The writer also
//! disables automatic checkpoints on its connection and leaves them to a checkpoint thread (a
//! third connection, `PRAGMA wal_checkpoint(PASSIVE)` every [`CHECKPOINT_ROWS`] inserts), so
//! no intake waits for a checkpoint. Everything else (reads,
//! updates, reminders) uses the shared connection, one statement per commit.

use std::path::Path;
use std::sync::Mutex;
use std::sync::mpsc;

use rusqlite::{Connection, OptionalExtension as _, params};

use inkan_worker_core::{
    AUDIT_APPEND_SQL, AUDIT_LIST_SQL, Application, AuditEntry, CHARGE_SQL, CLEAR_SQL, Charge, DOCUMENT_PUT_SQL,
    DOCUMENTS_DELETE_SQL, DOCUMENTS_SQL, Inserted, LIST_SQL, LOCKED_UNTIL_SQL, LockoutPolicy, NO_DECAY,
    PURGE_ATTEMPTS_SQL, QueueFilter, REFUND_SQL, Reminder, ReminderState, SCHEMA, SealedDocument, Store, StoreError,
    UnixTime, count_in_window, settle_save,
};

/// Applications inserted after which the writer asks the checkpoint thread to copy the WAL back
/// into the database (an application is one to three 4 KiB pages with its index entries, so
/// about SQLite's default of 1,000 pages).
pub const CHECKPOINT_ROWS: usize = 400;
/// Most inserts in one group commit.
const MAX_BATCH: usize = 256;

/// The SQLite store.
pub struct SqliteStore {
    connection: Mutex<Connection>,
    inserts: mpsc::Sender<InsertJob>,
    /// Rate windows (intake per address per hour) live in memory: one process serves the
    /// native build, a window needs no durability (a restart forgets at most an hour of
    /// counts), and a durable write per intake would cost the shared connection an fsync that
    /// the group commit exists to avoid. Lockout counters, which must survive, are in SQLite.
    windows: Mutex<std::collections::HashMap<String, (UnixTime, u32)>>,
}

/// An existing application found by fingerprint: id, body, version.
type ExistingRow = (String, String, i64);

/// One insert waiting for the group commit.
struct InsertJob {
    id: String,
    fingerprint: String,
    status: &'static str,
    next_event_at: Option<UnixTime>,
    version: i64,
    body: String,
    reply: tokio::sync::oneshot::Sender<Result<Option<ExistingRow>, StoreError>>,
}

fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let connection = Connection::open(path).map_err(backend)?;
    let mode: String =
        connection.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0)).map_err(backend)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Backend { detail: format!("journal_mode is {mode}, not wal") });
    }
    connection.pragma_update(None, "synchronous", "FULL").map_err(backend)?;
    connection.busy_timeout(std::time::Duration::from_secs(5)).map_err(backend)?;
    Ok(connection)
}

/// Inserts one application inside the open transaction; the existing row on a fingerprint clash.
fn insert_one(c: &Connection, job: &InsertJob) -> rusqlite::Result<Option<ExistingRow>> {
    let changed = c
        .prepare_cached(
            "INSERT INTO applications (id, fingerprint, status, next_event_at, version, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(fingerprint) DO NOTHING",
        )?
        .execute(params![job.id, job.fingerprint, job.status, job.next_event_at, job.version, job.body])?;
    if changed == 1 {
        return Ok(None);
    }
    c.prepare_cached("SELECT id, body, version FROM applications WHERE fingerprint = ?1")?
        .query_row(params![job.fingerprint], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .map(Some)
}

/// The group-commit writer: each pass takes the first waiting insert and every one queued
/// behind it, commits them together (one fsync), then answers them. Ends when the store is
/// dropped.
fn writer(mut connection: Connection, jobs: mpsc::Receiver<InsertJob>, checkpoint: mpsc::SyncSender<()>) {
    let mut since_checkpoint = 0;
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let outcome = (|| {
            let transaction = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let results: Vec<_> = batch.iter().map(|job| insert_one(&transaction, job)).collect();
            transaction.commit()?;
            Ok::<_, rusqlite::Error>(results)
        })();
        since_checkpoint += batch.len();
        match outcome {
            Ok(results) => {
                for (job, result) in batch.into_iter().zip(results) {
                    let _ = job.reply.send(result.map_err(backend));
                }
            }
            Err(e) => {
                let error = backend(e);
                for job in batch {
                    let _ = job.reply.send(Err(error.clone()));
                }
            }
        }
        // One pending request is enough; a full channel means one is already queued.
        if since_checkpoint >= CHECKPOINT_ROWS && checkpoint.try_send(()).is_ok() {
            since_checkpoint = 0;
        }
    }
}

/// Copies the WAL back into the database file when the writer asks, beside the writer.
fn checkpointer(connection: Connection, requests: mpsc::Receiver<()>) {
    while requests.recv().is_ok() {
        if let Err(e) = connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::warn!(detail = %e, "WAL checkpoint failed; will retry");
        }
    }
}

fn backend(e: rusqlite::Error) -> StoreError {
    StoreError::Backend { detail: e.to_string() }
}

fn decode(body: &str, version: i64, key: &str) -> Result<Application, StoreError> {
    let mut app: Application = serde_json::from_str(body).map_err(|_| StoreError::Corrupt { key: key.to_owned() })?;
    app.version = version;
    Ok(app)
}

fn reminder_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Reminder> {
    let state: String = row.get(4)?;
    Ok(Reminder {
        key: row.get(0)?,
        application_id: row.get(1)?,
        kind: row.get(2)?,
        due_at: row.get(3)?,
        state: ReminderState::parse(&state).unwrap_or(ReminderState::Skipped),
        attempts: row.get(5)?,
        next_attempt_at: row.get(6)?,
        delivered_at: row.get(7)?,
        last_error: row.get(8)?,
    })
}

const REMINDER_COLUMNS: &str =
    "key, application_id, kind, due_at, state, attempts, next_attempt_at, delivered_at, last_error";

impl SqliteStore {
    /// Opens (or creates) the database file and applies the schema.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let connection = open_connection(path)?;
        connection.execute_batch(SCHEMA).map_err(backend)?;
        let writer_connection = open_connection(path)?;
        writer_connection.pragma_update(None, "wal_autocheckpoint", 0).map_err(backend)?;
        let checkpoint_connection = open_connection(path)?;
        let (inserts, jobs) = mpsc::channel();
        let (checkpoint, checkpoints) = mpsc::sync_channel(1);
        let spawn = |name: &str| std::thread::Builder::new().name(name.to_owned());
        spawn("inkan-sqlite-checkpoint")
            .spawn(move || checkpointer(checkpoint_connection, checkpoints))
            .map_err(|e| StoreError::Backend { detail: e.to_string() })?;
        spawn("inkan-sqlite-writer")
            .spawn(move || writer(writer_connection, jobs, checkpoint))
            .map_err(|e| StoreError::Backend { detail: e.to_string() })?;
        Ok(SqliteStore { connection: Mutex::new(connection), inserts, windows: Mutex::default() })
    }

    /// Runs a closure on the connection, off the async scheduler's hot path.
    fn with<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, StoreError> {
        let run = || {
            let guard = self.connection.lock().map_err(|_| StoreError::Backend { detail: "lock poisoned".into() })?;
            f(&guard).map_err(backend)
        };
        // Tells tokio this thread blocks for a moment (an fsync); outside a runtime (tests) just run.
        match tokio::runtime::Handle::try_current() {
            Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(run)
            }
            _ => run(),
        }
    }
}

impl Store for SqliteStore {
    async fn insert_application(&self, app: &Application) -> Result<Inserted, StoreError> {
        let body = serde_json::to_string(app).map_err(|_| StoreError::Corrupt { key: app.id.clone() })?;
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = InsertJob {
            id: app.id.clone(),
            fingerprint: app.fingerprint.clone(),
            status: app.status.as_str(),
            next_event_at: app.next_event_at(),
            version: app.version,
            body,
            reply,
        };
        let gone = || StoreError::Backend { detail: "SQLite writer stopped".into() };
        self.inserts.send(job).map_err(|_| gone())?;
        match answer.await.map_err(|_| gone())?? {
            None => Ok(Inserted::New),
            Some((id, body, version)) => Ok(Inserted::Existing(Box::new(decode(&body, version, &id)?))),
        }
    }

    async fn application(&self, id: &str) -> Result<Option<Application>, StoreError> {
        let row = self.with(|c| {
            c.query_row("SELECT body, version FROM applications WHERE id = ?1", params![id], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
            })
            .optional()
        })?;
        row.map(|(body, version)| decode(&body, version, id)).transpose()
    }

    async fn application_by_fingerprint(&self, fingerprint: &str) -> Result<Option<Application>, StoreError> {
        let row = self.with(|c| {
            c.query_row(
                "SELECT id, body, version FROM applications WHERE fingerprint = ?1",
                params![fingerprint],
                |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, i64>(2)?)),
            )
            .optional()
        })?;
        row.map(|(id, body, version)| decode(&body, version, &id)).transpose()
    }

    async fn save_application(&self, app: &mut Application) -> Result<(), StoreError> {
        let read_version = app.version;
        app.version += 1;
        let body = serde_json::to_string(&*app).map_err(|_| StoreError::Corrupt { key: app.id.clone() })?;
        let changed = self.with(|c| {
            c.execute(
                "UPDATE applications SET status = ?1, next_event_at = ?2, version = ?3, body = ?4
                 WHERE id = ?5 AND version = ?6",
                params![app.status.as_str(), app.next_event_at(), app.version, body, app.id, read_version],
            )
        });
        settle_save(app, read_version, changed)
    }

    async fn due_applications(&self, now: UnixTime, limit: u32) -> Result<Vec<Application>, StoreError> {
        let rows = self.with(|c| {
            let mut statement = c.prepare_cached(
                "SELECT id, body, version FROM applications
                 WHERE next_event_at IS NOT NULL AND next_event_at <= ?1 ORDER BY next_event_at LIMIT ?2",
            )?;
            let rows = statement.query_map(params![now, limit], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, i64>(2)?))
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })?;
        rows.into_iter().map(|(id, body, version)| decode(&body, version, &id)).collect()
    }

    async fn applications(&self, filter: &QueueFilter<'_>) -> Result<Vec<Application>, StoreError> {
        let QueueFilter { status, product, limit, offset } = *filter;
        let rows = self.with(|c| {
            let mut statement = c.prepare_cached(LIST_SQL)?;
            let rows = statement.query_map(params![status, limit, offset, product], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, i64>(2)?))
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })?;
        rows.into_iter().map(|(id, body, version)| decode(&body, version, &id)).collect()
    }

    async fn charge_attempt(
        &self,
        key: &str,
        now: UnixTime,
        policy: &LockoutPolicy,
        decay: Option<i64>,
    ) -> Result<Charge, StoreError> {
        self.with(|c| {
            let decay = decay.unwrap_or(NO_DECAY);
            let charged = c
                .prepare_cached(CHARGE_SQL)?
                .query_row(params![key, now, policy.threshold, policy.base_seconds, policy.max_seconds, decay], |row| {
                    row.get::<_, u32>(0)
                })
                .optional()?;
            match charged {
                Some(failures) => Ok(Charge::Allowed { failures }),
                None => {
                    let until: Option<i64> = c
                        .prepare_cached(LOCKED_UNTIL_SQL)?
                        .query_row(params![key], |row| row.get(0))
                        .optional()?
                        .flatten();
                    Ok(Charge::Locked { until: until.unwrap_or(now + 1) })
                }
            }
        })
    }

    async fn refund_attempt(&self, key: &str, policy: &LockoutPolicy) -> Result<(), StoreError> {
        self.with(|c| c.prepare_cached(REFUND_SQL)?.execute(params![key, policy.threshold]))?;
        Ok(())
    }

    async fn locked_until(&self, key: &str) -> Result<Option<UnixTime>, StoreError> {
        let until =
            self.with(|c| c.prepare_cached(LOCKED_UNTIL_SQL)?.query_row(params![key], |row| row.get(0)).optional())?;
        Ok(until.flatten())
    }

    async fn clear_attempts(&self, key: &str) -> Result<(), StoreError> {
        self.with(|c| c.prepare_cached(CLEAR_SQL)?.execute(params![key]))?;
        Ok(())
    }

    async fn count_event(
        &self,
        key: &str,
        now: UnixTime,
        window: i64,
        limit: u32,
    ) -> Result<Result<(), i64>, StoreError> {
        let mut windows = self.windows.lock().map_err(|_| StoreError::Backend { detail: "lock poisoned".into() })?;
        Ok(count_in_window(windows.entry(key.to_owned()).or_insert((now, 0)), now, window, limit))
    }

    async fn purge_counters(&self, now: UnixTime, retention: i64, window: i64) -> Result<u32, StoreError> {
        let removed = self.with(|c| c.prepare_cached(PURGE_ATTEMPTS_SQL)?.execute(params![now - retention, now]))?;
        let mut windows = self.windows.lock().map_err(|_| StoreError::Backend { detail: "lock poisoned".into() })?;
        let before = windows.len();
        windows.retain(|_, (start, _)| *start > now - window);
        Ok(u32::try_from(removed + before - windows.len()).unwrap_or(u32::MAX))
    }

    async fn insert_reminder(&self, r: &Reminder) -> Result<bool, StoreError> {
        let changed = self.with(|c| {
            c.execute(
                "INSERT INTO reminders (key, application_id, kind, due_at, state, attempts, next_attempt_at, delivered_at, last_error)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT(key) DO NOTHING",
                params![r.key, r.application_id, r.kind, r.due_at, r.state.as_str(), r.attempts, r.next_attempt_at, r.delivered_at, r.last_error],
            )
        })?;
        Ok(changed == 1)
    }

    async fn due_reminders(&self, now: UnixTime, limit: u32) -> Result<Vec<Reminder>, StoreError> {
        self.with(|c| {
            let mut statement = c.prepare_cached(&format!(
                "SELECT {REMINDER_COLUMNS} FROM reminders WHERE state = 'pending' AND next_attempt_at <= ?1
                 ORDER BY next_attempt_at, key LIMIT ?2"
            ))?;
            let rows = statement.query_map(params![now, limit], reminder_from_row)?;
            rows.collect()
        })
    }

    async fn save_reminder(&self, r: &Reminder) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "UPDATE reminders SET state = ?2, attempts = ?3, next_attempt_at = ?4, delivered_at = ?5, last_error = ?6
                 WHERE key = ?1",
                params![r.key, r.state.as_str(), r.attempts, r.next_attempt_at, r.delivered_at, r.last_error],
            )
        })?;
        Ok(())
    }

    async fn reminders(&self, limit: u32) -> Result<Vec<Reminder>, StoreError> {
        self.with(|c| {
            let mut statement = c.prepare_cached(&format!(
                "SELECT {REMINDER_COLUMNS} FROM reminders ORDER BY due_at DESC, key LIMIT ?1"
            ))?;
            let rows = statement.query_map(params![limit], reminder_from_row)?;
            rows.collect()
        })
    }

    async fn value(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.with(|c| {
            c.query_row("SELECT value FROM settings WHERE key = ?1", params![key], |row| row.get(0)).optional()
        })
    }

    async fn put_value(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
                params![key, value],
            )
        })?;
        Ok(())
    }

    async fn put_documents(&self, application_id: &str, documents: &[SealedDocument]) -> Result<(), StoreError> {
        self.with(|c| {
            let tx = c.unchecked_transaction()?;
            for d in documents {
                tx.execute(DOCUMENT_PUT_SQL, params![application_id, d.seq, d.media_type, d.sealed])?;
            }
            tx.commit()
        })
    }

    async fn documents(&self, application_id: &str) -> Result<Vec<SealedDocument>, StoreError> {
        self.with(|c| {
            let mut statement = c.prepare(DOCUMENTS_SQL)?;
            let rows = statement.query_map(params![application_id], |row| {
                Ok(SealedDocument { seq: row.get(0)?, media_type: row.get(1)?, sealed: row.get(2)? })
            })?;
            rows.collect()
        })
    }

    async fn delete_documents(&self, application_id: &str) -> Result<u32, StoreError> {
        let n = self.with(|c| c.execute(DOCUMENTS_DELETE_SQL, params![application_id]))?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    async fn append_audit(&self, e: &AuditEntry) -> Result<(), StoreError> {
        self.with(|c| c.execute(AUDIT_APPEND_SQL, params![e.at, e.actor, e.application_id, e.action, e.detail]))?;
        Ok(())
    }

    async fn audit(&self, limit: u32, offset: u32) -> Result<Vec<AuditEntry>, StoreError> {
        self.with(|c| {
            let mut statement = c.prepare_cached(AUDIT_LIST_SQL)?;
            let rows = statement.query_map(params![limit, offset], |row| {
                Ok(AuditEntry {
                    seq: row.get(0)?,
                    at: row.get(1)?,
                    actor: row.get(2)?,
                    application_id: row.get(3)?,
                    action: row.get(4)?,
                    detail: row.get(5)?,
                })
            })?;
            rows.collect()
        })
    }
}
