//! Where applications, lockout counters and reminders live: SQLite natively, D1 on Workers,
//! both with the schema in `schema.sql`. Applications are stored as a JSON body plus the
//! columns the queries need (fingerprint, status, next event, version).

use inkan::i18n::{Localized, Message};

use crate::UnixTime;
use crate::application::Application;
use crate::lockout::Attempts;
use crate::reminders::Reminder;

/// The schema, shared by SQLite and D1 (idempotent: safe to run at every start).
pub const SCHEMA: &str = include_str!("../schema.sql");

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
            StoreError::Backend { .. } | StoreError::Corrupt { .. } => Message::new(
                "一時的にデータを保存できません。しばらくしてからもう一度お試しください。",
                "The data store is temporarily unavailable. Please try again later.",
            ),
            StoreError::Conflict => Message::new(
                "同時に別の操作が行われました。もう一度お試しください。",
                "Another change happened at the same time. Please try again.",
            ),
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
    /// Failed attempts from a client (key: a hash of its address).
    async fn client_attempts(&self, client: &str) -> Result<Attempts, StoreError>;
    /// Stores failed attempts from a client.
    async fn save_client_attempts(&self, client: &str, attempts: &Attempts, now: UnixTime) -> Result<(), StoreError>;
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

#[cfg(test)]
mod schema_tests {
    #[test]
    fn the_schema_splits_into_four_tables_and_two_indexes() {
        let statements = super::schema_statements();
        assert_eq!(statements.iter().filter(|s| s.starts_with("CREATE TABLE")).count(), 4);
        assert_eq!(statements.iter().filter(|s| s.starts_with("CREATE INDEX")).count(), 2);
        assert!(statements.iter().all(|s| !s.contains("--")));
    }
}

/// An in-memory store for unit tests of the core.
#[cfg(test)]
#[derive(Default)]
pub struct MemoryStore {
    apps: std::sync::Mutex<std::collections::BTreeMap<String, Application>>,
    clients: std::sync::Mutex<std::collections::BTreeMap<String, Attempts>>,
    reminders: std::sync::Mutex<std::collections::BTreeMap<String, Reminder>>,
    values: std::sync::Mutex<std::collections::BTreeMap<String, String>>,
}

#[cfg(test)]
impl Store for MemoryStore {
    async fn insert_application(&self, app: &Application) -> Result<Inserted, StoreError> {
        let mut apps = self.apps.lock().expect("lock");
        if let Some(existing) = apps.values().find(|a| a.fingerprint == app.fingerprint) {
            return Ok(Inserted::Existing(Box::new(existing.clone())));
        }
        apps.insert(app.id.clone(), app.clone());
        Ok(Inserted::New)
    }
    async fn application(&self, id: &str) -> Result<Option<Application>, StoreError> {
        Ok(self.apps.lock().expect("lock").get(id).cloned())
    }
    async fn application_by_fingerprint(&self, fingerprint: &str) -> Result<Option<Application>, StoreError> {
        Ok(self.apps.lock().expect("lock").values().find(|a| a.fingerprint == fingerprint).cloned())
    }
    async fn save_application(&self, app: &mut Application) -> Result<(), StoreError> {
        let mut apps = self.apps.lock().expect("lock");
        let stored = apps.get(&app.id).ok_or(StoreError::Conflict)?;
        if stored.version != app.version {
            return Err(StoreError::Conflict);
        }
        app.version += 1;
        apps.insert(app.id.clone(), app.clone());
        Ok(())
    }
    async fn due_applications(&self, now: UnixTime, limit: u32) -> Result<Vec<Application>, StoreError> {
        let apps = self.apps.lock().expect("lock");
        Ok(apps
            .values()
            .filter(|a| a.next_event_at().is_some_and(|t| t <= now))
            .take(limit as usize)
            .cloned()
            .collect())
    }
    async fn client_attempts(&self, client: &str) -> Result<Attempts, StoreError> {
        Ok(self.clients.lock().expect("lock").get(client).copied().unwrap_or_default())
    }
    async fn save_client_attempts(&self, client: &str, attempts: &Attempts, _now: UnixTime) -> Result<(), StoreError> {
        self.clients.lock().expect("lock").insert(client.to_owned(), *attempts);
        Ok(())
    }
    async fn insert_reminder(&self, reminder: &Reminder) -> Result<bool, StoreError> {
        let mut map = self.reminders.lock().expect("lock");
        if map.contains_key(&reminder.key) {
            return Ok(false);
        }
        map.insert(reminder.key.clone(), reminder.clone());
        Ok(true)
    }
    async fn due_reminders(&self, now: UnixTime, limit: u32) -> Result<Vec<Reminder>, StoreError> {
        let map = self.reminders.lock().expect("lock");
        let mut due: Vec<_> = map
            .values()
            .filter(|r| r.state == crate::reminders::ReminderState::Pending && r.next_attempt_at <= now)
            .cloned()
            .collect();
        due.sort_by_key(|r| (r.next_attempt_at, r.key.clone()));
        due.truncate(limit as usize);
        Ok(due)
    }
    async fn save_reminder(&self, reminder: &Reminder) -> Result<(), StoreError> {
        self.reminders.lock().expect("lock").insert(reminder.key.clone(), reminder.clone());
        Ok(())
    }
    async fn reminders(&self, limit: u32) -> Result<Vec<Reminder>, StoreError> {
        let mut all: Vec<_> = self.reminders.lock().expect("lock").values().cloned().collect();
        all.sort_by_key(|r| std::cmp::Reverse(r.due_at));
        all.truncate(limit as usize);
        Ok(all)
    }
    async fn value(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.values.lock().expect("lock").get(key).cloned())
    }
    async fn put_value(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.values.lock().expect("lock").insert(key.to_owned(), value.to_owned());
        Ok(())
    }
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
