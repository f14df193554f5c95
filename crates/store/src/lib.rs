//! All of Concord's SQL. Repositories turn rows into `domain` types; every write runs in one
//! transaction together with its audit entry. The same code runs on SQLite (the embedded default)
//! and PostgreSQL: SQL text is shared where both engines accept it and dispatched per engine by the
//! `on!` macro (as Vaultwarden does with diesel).

#[macro_use]
mod db;
pub mod accounts;
pub mod agenda;
pub mod agreements;
pub mod audit;
pub mod bilaterals;
pub mod bodies;
pub mod delegations;
pub mod documents;
pub mod events;
pub mod participants;
pub mod press;
pub mod programme;

pub use db::{Engine, Pool, Store, Tx};

/// What can go wrong in the store. Database details are logged by the web layer, never shown.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// The entity changed since the caller read it (optimistic concurrency).
    #[error("the {entity} was changed by someone else (now at version {current})")]
    Conflict { entity: &'static str, current: i64 },
    /// A unique field already holds this value.
    #[error("{field} is already taken")]
    Duplicate { field: &'static str },
    /// A referenced entity does not exist.
    #[error("unknown {field}")]
    Unknown { field: &'static str },
    #[error("database: {0}")]
    Database(sqlx::Error),
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is malformed: {0}")]
    Corrupt(String),
}

/// PostgreSQL's codes for a transaction it aborted to break a deadlock or to keep transactions
/// serializable.
const LOST_RACE: [&str; 2] = ["40P01", "40001"];

impl From<sqlx::Error> for StoreError {
    /// A transaction aborted for a concurrent one lost a race, which applying the change again
    /// wins: a conflict, as a stale write is, not a failure of the server.
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(d) if d.code().is_some_and(|c| LOST_RACE.contains(&c.as_ref())) => {
                tracing::info!(error = %e, "a transaction lost a race with a concurrent one");
                StoreError::Conflict { entity: "concurrent change", current: 0 }
            }
            _ => StoreError::Database(e),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Maps a unique-constraint violation on `field` to [`StoreError::Duplicate`].
pub(crate) fn unique(field: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Duplicate { field },
        _ => StoreError::Database(e),
    }
}
