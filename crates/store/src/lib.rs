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
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is malformed: {0}")]
    Corrupt(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Maps a unique-constraint violation on `field` to [`StoreError::Duplicate`].
pub(crate) fn unique(field: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Duplicate { field },
        _ => StoreError::Database(e),
    }
}
