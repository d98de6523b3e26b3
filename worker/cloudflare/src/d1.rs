//! The D1 store: the same schema and queries as SQLite (D1 is SQLite), through the binding.
//! D1 numbers are JavaScript numbers: every value stored here (unix seconds, counters,
//! versions) is far below 2^53.

use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1Database;

use inkan_worker_core::{
    AUDIT_APPEND_SQL, AUDIT_LIST_SQL, Application, AuditEntry, CHARGE_SQL, CLEAR_SQL, COUNT_EVENT_SQL, CaMaterial,
    Charge, DOCUMENT_PUT_SQL, DOCUMENTS_DELETE_SQL, DOCUMENTS_SQL, Inserted, LIST_SQL, LOCKED_UNTIL_SQL, LockoutPolicy,
    NO_DECAY, OutgoingMail, PURGE_ATTEMPTS_SQL, PURGE_WINDOWS_SQL, QueueFilter, REFUND_SQL, Reminder, ReminderState,
    SealedDocument, Store, StoreError, UnixTime, event_outcome, schema_statements, settle_save,
};

/// The D1 store.
pub struct D1Store {
    db: D1Database,
}

fn backend(e: worker::Error) -> StoreError {
    StoreError::Backend { detail: e.to_string() }
}

fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

fn number(value: i64) -> JsValue {
    JsValue::from_f64(value as f64)
}

fn optional(value: Option<i64>) -> JsValue {
    value.map_or(JsValue::NULL, number)
}

fn optional_text(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::NULL, text)
}

#[derive(Deserialize)]
struct AppRow {
    id: String,
    body: String,
    version: f64,
}

impl AppRow {
    fn decode(self) -> Result<Application, StoreError> {
        let mut app: Application =
            serde_json::from_str(&self.body).map_err(|_| StoreError::Corrupt { key: self.id.clone() })?;
        app.version = self.version as i64;
        Ok(app)
    }
}

#[derive(Deserialize)]
struct ReminderRow {
    key: String,
    application_id: String,
    kind: String,
    due_at: f64,
    state: String,
    attempts: f64,
    next_attempt_at: f64,
    delivered_at: Option<f64>,
    last_error: Option<String>,
}

impl From<ReminderRow> for Reminder {
    fn from(row: ReminderRow) -> Self {
        Reminder {
            key: row.key,
            application_id: row.application_id,
            kind: row.kind,
            due_at: row.due_at as i64,
            state: ReminderState::parse(&row.state).unwrap_or(ReminderState::Skipped),
            attempts: row.attempts as u32,
            next_attempt_at: row.next_attempt_at as i64,
            delivered_at: row.delivered_at.map(|t| t as i64),
            last_error: row.last_error,
        }
    }
}

#[derive(Deserialize)]
struct ChargedRow {
    failures: f64,
}

#[derive(Deserialize)]
struct LockedRow {
    locked_until: Option<f64>,
}

#[derive(Deserialize)]
struct WindowRow {
    count: f64,
    window_start: f64,
}

#[derive(Deserialize)]
struct ValueRow {
    value: String,
}

const REMINDER_COLUMNS: &str =
    "key, application_id, kind, due_at, state, attempts, next_attempt_at, delivered_at, last_error";
const CA_KEY: &str = "local_ca";

impl D1Store {
    /// Wraps the binding.
    pub fn new(db: D1Database) -> Self {
        D1Store { db }
    }

    /// Applies the schema once per isolate (the statements are idempotent).
    pub async fn ensure_schema(&self) -> Result<(), StoreError> {
        thread_local! {
            static READY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        }
        if READY.with(std::cell::Cell::get) {
            return Ok(());
        }
        let statements = schema_statements().into_iter().map(|sql| self.db.prepare(sql)).collect();
        self.db.batch(statements).await.map_err(backend)?;
        READY.with(|ready| ready.set(true));
        Ok(())
    }

    async fn one<T: for<'de> Deserialize<'de>>(&self, sql: &str, args: &[JsValue]) -> Result<Option<T>, StoreError> {
        self.db.prepare(sql).bind(args).map_err(backend)?.first::<T>(None).await.map_err(backend)
    }

    async fn all<T: for<'de> Deserialize<'de>>(&self, sql: &str, args: &[JsValue]) -> Result<Vec<T>, StoreError> {
        self.db.prepare(sql).bind(args).map_err(backend)?.all().await.map_err(backend)?.results::<T>().map_err(backend)
    }

    async fn run(&self, sql: &str, args: &[JsValue]) -> Result<usize, StoreError> {
        let result = self.db.prepare(sql).bind(args).map_err(backend)?.run().await.map_err(backend)?;
        Ok(result.meta().map_err(backend)?.and_then(|m| m.changes).unwrap_or(0))
    }

    /// The local CA's material, if made.
    pub async fn ca_material(&self) -> Result<Option<CaMaterial>, StoreError> {
        let Some(value) = self.value(CA_KEY).await? else { return Ok(None) };
        let parts: Vec<String> =
            serde_json::from_str(&value).map_err(|_| StoreError::Corrupt { key: CA_KEY.into() })?;
        let [root_key, root_cert, issuing_key, issuing_cert]: [String; 4] =
            parts.try_into().map_err(|_| StoreError::Corrupt { key: CA_KEY.into() })?;
        Ok(Some(CaMaterial {
            root_key_pem: zeroize::Zeroizing::new(root_key),
            root_cert_pem: root_cert,
            issuing_key_pem: zeroize::Zeroizing::new(issuing_key),
            issuing_cert_pem: issuing_cert,
        }))
    }

    /// Stores a setting unless it exists (values made once, shared by every isolate).
    pub async fn put_value_if_absent(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO NOTHING",
            &[text(key), text(value)],
        )
        .await?;
        Ok(())
    }

    /// Queues a mail in the `outbox` table (no relay configured).
    pub async fn queue_mail(&self, mail: &OutgoingMail, now: UnixTime) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO outbox (key, recipient, subject, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(key) DO NOTHING",
            &[text(&mail.key), text(&mail.to), text(&mail.subject), text(&mail.text), number(now)],
        )
        .await?;
        Ok(())
    }

    /// The queued mail for one recipient, newest first (the test mode's `GET /api/admin/outbox`).
    pub async fn queued_mail(&self, recipient: &str) -> Result<Vec<serde_json::Value>, StoreError> {
        #[derive(Deserialize)]
        struct MailRow {
            key: String,
            subject: String,
            body: String,
        }
        let rows = self
            .all::<MailRow>(
                "SELECT key, subject, body FROM outbox WHERE recipient = ?1 ORDER BY created_at DESC, key DESC",
                &[text(recipient)],
            )
            .await?;
        Ok(rows.into_iter().map(|r| serde_json::json!({"key": r.key, "subject": r.subject, "text": r.body})).collect())
    }

    /// Stores CA material unless another isolate stored some first.
    pub async fn put_ca_material_if_absent(&self, material: &CaMaterial) -> Result<(), StoreError> {
        let value = serde_json::json!([
            material.root_key_pem.as_str(),
            material.root_cert_pem,
            material.issuing_key_pem.as_str(),
            material.issuing_cert_pem
        ])
        .to_string();
        self.run(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO NOTHING",
            &[text(CA_KEY), text(&value)],
        )
        .await?;
        Ok(())
    }
}

impl Store for D1Store {
    async fn insert_application(&self, app: &Application) -> Result<Inserted, StoreError> {
        let body = serde_json::to_string(app).map_err(|_| StoreError::Corrupt { key: app.id.clone() })?;
        let changed = self
            .run(
                "INSERT INTO applications (id, fingerprint, status, next_event_at, version, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(fingerprint) DO NOTHING",
                &[
                    text(&app.id),
                    text(&app.fingerprint),
                    text(app.status.as_str()),
                    optional(app.next_event_at()),
                    number(app.version),
                    text(&body),
                ],
            )
            .await?;
        if changed == 1 {
            return Ok(Inserted::New);
        }
        match self.application_by_fingerprint(&app.fingerprint).await? {
            Some(existing) => Ok(Inserted::Existing(Box::new(existing))),
            None => Err(StoreError::Backend { detail: "insert neither stored nor conflicted".into() }),
        }
    }

    async fn application(&self, id: &str) -> Result<Option<Application>, StoreError> {
        self.one::<AppRow>("SELECT id, body, version FROM applications WHERE id = ?1", &[text(id)])
            .await?
            .map(AppRow::decode)
            .transpose()
    }

    async fn application_by_fingerprint(&self, fingerprint: &str) -> Result<Option<Application>, StoreError> {
        self.one::<AppRow>("SELECT id, body, version FROM applications WHERE fingerprint = ?1", &[text(fingerprint)])
            .await?
            .map(AppRow::decode)
            .transpose()
    }

    async fn save_application(&self, app: &mut Application) -> Result<(), StoreError> {
        let read_version = app.version;
        app.version += 1;
        let body = serde_json::to_string(&*app).map_err(|_| StoreError::Corrupt { key: app.id.clone() })?;
        let changed = self
            .run(
                "UPDATE applications SET status = ?1, next_event_at = ?2, version = ?3, body = ?4
                 WHERE id = ?5 AND version = ?6",
                &[
                    text(app.status.as_str()),
                    optional(app.next_event_at()),
                    number(app.version),
                    text(&body),
                    text(&app.id),
                    number(read_version),
                ],
            )
            .await;
        settle_save(app, read_version, changed)
    }

    async fn due_applications(&self, now: UnixTime, limit: u32) -> Result<Vec<Application>, StoreError> {
        let rows = self
            .all::<AppRow>(
                "SELECT id, body, version FROM applications
                 WHERE next_event_at IS NOT NULL AND next_event_at <= ?1 ORDER BY next_event_at LIMIT ?2",
                &[number(now), number(i64::from(limit))],
            )
            .await?;
        rows.into_iter().map(AppRow::decode).collect()
    }

    async fn applications(&self, filter: &QueueFilter<'_>) -> Result<Vec<Application>, StoreError> {
        let QueueFilter { status, product, limit, offset } = *filter;
        let rows = self
            .all::<AppRow>(
                LIST_SQL,
                &[optional_text(status), number(i64::from(limit)), number(i64::from(offset)), optional_text(product)],
            )
            .await?;
        rows.into_iter().map(AppRow::decode).collect()
    }

    async fn charge_attempt(
        &self,
        key: &str,
        now: UnixTime,
        policy: &LockoutPolicy,
        decay: Option<i64>,
    ) -> Result<Charge, StoreError> {
        let args = [
            text(key),
            number(now),
            number(i64::from(policy.threshold)),
            number(policy.base_seconds),
            number(policy.max_seconds),
            number(decay.unwrap_or(NO_DECAY)),
        ];
        if let Some(row) = self.one::<ChargedRow>(CHARGE_SQL, &args).await? {
            return Ok(Charge::Allowed { failures: row.failures as u32 });
        }
        let until = self.one::<LockedRow>(LOCKED_UNTIL_SQL, &[text(key)]).await?.and_then(|r| r.locked_until);
        Ok(Charge::Locked { until: until.map_or(now + 1, |t| t as i64) })
    }

    async fn refund_attempt(&self, key: &str, policy: &LockoutPolicy) -> Result<(), StoreError> {
        self.run(REFUND_SQL, &[text(key), number(i64::from(policy.threshold))]).await?;
        Ok(())
    }

    async fn locked_until(&self, key: &str) -> Result<Option<UnixTime>, StoreError> {
        let row = self.one::<LockedRow>(LOCKED_UNTIL_SQL, &[text(key)]).await?;
        Ok(row.and_then(|r| r.locked_until).map(|t| t as i64))
    }

    async fn clear_attempts(&self, key: &str) -> Result<(), StoreError> {
        self.run(CLEAR_SQL, &[text(key)]).await?;
        Ok(())
    }

    async fn count_event(
        &self,
        key: &str,
        now: UnixTime,
        window: i64,
        limit: u32,
    ) -> Result<Result<(), i64>, StoreError> {
        let row = self
            .one::<WindowRow>(COUNT_EVENT_SQL, &[text(key), number(now), number(window)])
            .await?
            .ok_or_else(|| StoreError::Backend { detail: "rate window not returned".into() })?;
        Ok(event_outcome(row.count as i64, row.window_start as i64, now, window, limit))
    }

    async fn purge_counters(&self, now: UnixTime, retention: i64, window: i64) -> Result<u32, StoreError> {
        let attempts = self.run(PURGE_ATTEMPTS_SQL, &[number(now - retention), number(now)]).await?;
        let windows = self.run(PURGE_WINDOWS_SQL, &[number(now - window)]).await?;
        Ok(u32::try_from(attempts + windows).unwrap_or(u32::MAX))
    }

    async fn insert_reminder(&self, r: &Reminder) -> Result<bool, StoreError> {
        let changed = self
            .run(
                "INSERT INTO reminders (key, application_id, kind, due_at, state, attempts, next_attempt_at, delivered_at, last_error)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT(key) DO NOTHING",
                &[
                    text(&r.key),
                    text(&r.application_id),
                    text(&r.kind),
                    number(r.due_at),
                    text(r.state.as_str()),
                    number(i64::from(r.attempts)),
                    number(r.next_attempt_at),
                    optional(r.delivered_at),
                    optional_text(r.last_error.as_deref()),
                ],
            )
            .await?;
        Ok(changed == 1)
    }

    async fn due_reminders(&self, now: UnixTime, limit: u32) -> Result<Vec<Reminder>, StoreError> {
        let sql = format!(
            "SELECT {REMINDER_COLUMNS} FROM reminders WHERE state = 'pending' AND next_attempt_at <= ?1
             ORDER BY next_attempt_at, key LIMIT ?2"
        );
        let rows = self.all::<ReminderRow>(&sql, &[number(now), number(i64::from(limit))]).await?;
        Ok(rows.into_iter().map(Reminder::from).collect())
    }

    async fn save_reminder(&self, r: &Reminder) -> Result<(), StoreError> {
        self.run(
            "UPDATE reminders SET state = ?2, attempts = ?3, next_attempt_at = ?4, delivered_at = ?5, last_error = ?6
             WHERE key = ?1",
            &[
                text(&r.key),
                text(r.state.as_str()),
                number(i64::from(r.attempts)),
                number(r.next_attempt_at),
                optional(r.delivered_at),
                optional_text(r.last_error.as_deref()),
            ],
        )
        .await?;
        Ok(())
    }

    async fn reminders(&self, limit: u32) -> Result<Vec<Reminder>, StoreError> {
        let sql = format!("SELECT {REMINDER_COLUMNS} FROM reminders ORDER BY due_at DESC, key LIMIT ?1");
        let rows = self.all::<ReminderRow>(&sql, &[number(i64::from(limit))]).await?;
        Ok(rows.into_iter().map(Reminder::from).collect())
    }

    async fn value(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.one::<ValueRow>("SELECT value FROM settings WHERE key = ?1", &[text(key)]).await?.map(|r| r.value))
    }

    async fn put_value(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
            &[text(key), text(value)],
        )
        .await?;
        Ok(())
    }

    async fn put_documents(&self, application_id: &str, documents: &[SealedDocument]) -> Result<(), StoreError> {
        for d in documents {
            self.run(DOCUMENT_PUT_SQL, &[text(application_id), number(d.seq), text(&d.media_type), text(&d.sealed)])
                .await?;
        }
        Ok(())
    }

    async fn documents(&self, application_id: &str) -> Result<Vec<SealedDocument>, StoreError> {
        self.all::<SealedDocument>(DOCUMENTS_SQL, &[text(application_id)]).await
    }

    async fn delete_documents(&self, application_id: &str) -> Result<u32, StoreError> {
        let n = self.run(DOCUMENTS_DELETE_SQL, &[text(application_id)]).await?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    async fn append_audit(&self, e: &AuditEntry) -> Result<(), StoreError> {
        self.run(
            AUDIT_APPEND_SQL,
            &[
                number(e.at),
                text(&e.actor),
                text(&e.application_id),
                text(&e.action),
                optional_text(e.detail.as_deref()),
            ],
        )
        .await?;
        Ok(())
    }

    async fn audit(&self, limit: u32, offset: u32) -> Result<Vec<AuditEntry>, StoreError> {
        self.all::<AuditEntry>(AUDIT_LIST_SQL, &[number(i64::from(limit)), number(i64::from(offset))]).await
    }
}
