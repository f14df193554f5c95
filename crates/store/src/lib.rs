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

/// What a change was checked against among rows it does not write (an event's programme items,
/// its bilateral requests): how many there were and the sum of their versions. Such rows are never
/// deleted and every change moves a version, so any change in between changes the stamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    rows: i64,
    versions: i64,
}

impl Stamp {
    pub fn of(versions: impl IntoIterator<Item = i64>) -> Stamp {
        versions
            .into_iter()
            .fold(Stamp { rows: 0, versions: 0 }, |s, v| Stamp { rows: s.rows + 1, versions: s.versions + v })
    }
}

/// With no version given ($2 null), any version holds.
const HOLD_EVENT: &str = "UPDATE events SET version = version WHERE id = $1 AND version = COALESCE($2, version)";
const EVENT_VERSION: &str = "SELECT version FROM events WHERE id = $1";

/// Holds an event's row until the transaction ends, then finds `rows` (a query of a count and a
/// sum of versions, bound to the event) as `seen`; a conflict on `entity` otherwise. Every change
/// whose rules read those rows holds the event first, so the second of two such changes finds the
/// first's rows and conflicts, instead of landing beside it unchecked. `event_version` is the
/// event's version the change read, or `None` when its rules do not read the event itself.
pub(crate) async fn hold_event(
    tx: &mut Tx,
    event: domain::Id,
    event_version: Option<i64>,
    (entity, rows): (&'static str, &'static str),
    seen: Stamp,
) -> Result<()> {
    hold_event_row(tx, event, event_version).await?;
    let (count, versions): (i64, i64) = on!(tx, c => sqlx::query_as(rows).bind(event).fetch_one(c).await)?;
    if (Stamp { rows: count, versions }) != seen {
        return Err(StoreError::Conflict { entity, current: versions });
    }
    Ok(())
}

/// Holds an event's row until the transaction ends (if it is still at `event_version`, when
/// given): writes that number or count the event's rows take turns.
pub(crate) async fn hold_event_row(tx: &mut Tx, event: domain::Id, event_version: Option<i64>) -> Result<()> {
    if execute!(tx, c => sqlx::query(HOLD_EVENT).bind(event).bind(event_version))? != 1 {
        let current: Option<i64> = on!(tx, c => sqlx::query_scalar(EVENT_VERSION).bind(event).fetch_optional(c).await)?;
        return Err(StoreError::Conflict { entity: "event", current: current.ok_or(StoreError::NotFound)? });
    }
    Ok(())
}

/// Maps a unique-constraint violation on `field` to [`StoreError::Duplicate`].
pub(crate) fn unique(field: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Duplicate { field },
        _ => StoreError::Database(e),
    }
}
