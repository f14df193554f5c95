//! The two engines behind one type, and conversions between domain and column types.

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

use crate::{Result, StoreError};

/// Runs `$body` with `$c` bound to the engine's native executor. `$src` is a [`Tx`] (`$c` is then a
/// connection inside the transaction) or a [`Store`] (`$c` is the pool).
macro_rules! on {
    ($src:expr, $c:ident => $body:expr) => {
        match $src.target() {
            $crate::db::Target::Sqlite($c) => $body,
            $crate::db::Target::Postgres($c) => $body,
        }
    };
}

/// Runs a statement that returns no rows and yields the number of rows it affected.
macro_rules! execute {
    ($src:expr, $c:ident => $query:expr) => {
        on!($src, $c => $query.execute($c).await.map(|done| done.rows_affected()))
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// The native pool of one of the two engines.
#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A connection pool on one of the two engines, counting the statements it runs (tests check that a
/// page's query count does not grow with its data: no N+1).
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
    queries: Arc<AtomicU64>,
    commits: Arc<AtomicU64>,
}

/// A writing transaction. On SQLite it starts with `BEGIN IMMEDIATE`, so concurrent writers queue
/// for the lock instead of failing with SQLITE_BUSY halfway through.
pub struct Tx {
    inner: TxInner,
    queries: Arc<AtomicU64>,
    commits: Arc<AtomicU64>,
}

enum TxInner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

pub(crate) enum Target<S, P> {
    Sqlite(S),
    Postgres(P),
}

/// The most of an SQLite database mapped into memory: SQLite's own ceiling (2 GB, less 64 kB).
const MMAP_SIZE: i64 = 0x7fff_0000;

impl Store {
    /// Opens `sqlite:PATH` (created if missing, WAL mode, foreign keys on) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Store> {
        if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?;
            Self::connect_postgres(options).await
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // Pages are read from the system's cache in place, shared by every connection,
                // rather than copied into each connection's 2-MB cache: a search of a register of
                // 20,000 documents spent a tenth of its time copying pages (`benches/documents.sh`).
                .pragma("mmap_size", MMAP_SIZE.to_string());
            let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
            Ok(Store::from(Pool::Sqlite(pool)))
        } else {
            Err(StoreError::Corrupt(format!("unsupported database URL (use sqlite:PATH or postgres://…): {url}")))
        }
    }

    /// Connects to PostgreSQL with the given options (tests pass a `search_path` of their own).
    pub async fn connect_postgres(options: PgConnectOptions) -> Result<Store> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Store::from(Pool::Postgres(pool)))
    }

    pub fn engine(&self) -> Engine {
        match self.pool {
            Pool::Sqlite(_) => Engine::Sqlite,
            Pool::Postgres(_) => Engine::Postgres,
        }
    }

    /// The native pool, for what only one engine does (and for tests that reach under the store).
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// How many statements this store (and its clones) has run.
    pub fn queries(&self) -> u64 {
        self.queries.load(Ordering::Relaxed)
    }

    /// How many writing transactions this process has committed: a reader that remembers the number
    /// knows, without asking the database, whether anything changed here since.
    pub fn commits(&self) -> u64 {
        self.commits.load(Ordering::Acquire)
    }

    /// Applies the migrations of this engine that have not run yet, then brings what they leave to
    /// Concord to fill up to date (the search keys, the register's sort keys).
    pub async fn migrate(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await?,
            Pool::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        crate::documents::make_keys(self).await?;
        Ok(())
    }

    pub async fn begin(&self) -> Result<Tx> {
        let inner = match &self.pool {
            Pool::Sqlite(pool) => TxInner::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(pool) => TxInner::Postgres(pool.begin().await?),
        };
        Ok(Tx { inner, queries: self.queries.clone(), commits: self.commits.clone() })
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }

    /// A cheap round trip, for health checks.
    pub async fn ping(&self) -> Result<()> {
        on!(self, c => sqlx::query("SELECT 1").execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Each user table's columns as (table, column, kind, nullable), sorted; `kind` is the engine's
    /// type mapped onto the shared vocabulary, so the two engines' schemas can be compared. Full-text
    /// search is where the engines differ: SQLite's FTS5 tables (virtual, and their shadow tables) and
    /// PostgreSQL's `tsvector` columns, and its tables of vectors by key alone
    /// (`document_search_ranks`), are left out.
    pub async fn schema(&self) -> Result<Vec<(String, String, String, bool)>> {
        let mut cols: Vec<(String, String, String, bool)> = match &self.pool {
            Pool::Sqlite(pool) => {
                sqlx::query_as(
                    "SELECT m.name, p.name, p.type, p.\"notnull\" = 0 AND p.pk = 0 FROM sqlite_master m \
                     JOIN pragma_table_info(m.name) p WHERE m.type = 'table' \
                     AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%' \
                     AND m.name NOT IN (SELECT name FROM pragma_table_list WHERE type IN ('virtual', 'shadow'))",
                )
                .fetch_all(pool)
                .await?
            }
            Pool::Postgres(pool) => {
                sqlx::query_as(
                    "SELECT table_name::text, column_name::text, data_type::text, is_nullable = 'YES' \
                     FROM information_schema.columns WHERE table_schema = current_schema() \
                     AND table_name NOT LIKE '_sqlx%' AND data_type <> 'tsvector' \
                     AND table_name NOT IN (SELECT table_name FROM information_schema.columns \
                     WHERE table_schema = current_schema() GROUP BY table_name \
                     HAVING bool_or(data_type = 'tsvector') AND count(*) FILTER (WHERE data_type <> 'tsvector') = 1)",
                )
                .fetch_all(pool)
                .await?
            }
        };
        for col in &mut cols {
            col.2 = match col.2.to_lowercase().as_str() {
                "blob" | "uuid" => "id",
                "integer" | "bigint" | "smallint" => "integer",
                "boolean" => "boolean",
                "jsonb" | "json" => "json",
                "bytea" | "bytes" => "bytes",
                "date" => "date",
                "timestamp with time zone" | "timestamp" => "timestamp",
                _ => "text",
            }
            .to_string();
        }
        cols.sort();
        Ok(cols)
    }

    pub(crate) fn target(&self) -> Target<&SqlitePool, &PgPool> {
        self.queries.fetch_add(1, Ordering::Relaxed);
        match &self.pool {
            Pool::Sqlite(p) => Target::Sqlite(p),
            Pool::Postgres(p) => Target::Postgres(p),
        }
    }
}

impl From<Pool> for Store {
    fn from(pool: Pool) -> Self {
        Store { pool, queries: Arc::default(), commits: Arc::default() }
    }
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self.inner {
            TxInner::Sqlite(tx) => tx.commit().await?,
            TxInner::Postgres(tx) => tx.commit().await?,
        }
        self.commits.fetch_add(1, Ordering::Release);
        Ok(())
    }

    pub(crate) fn target(&mut self) -> Target<&mut sqlx::SqliteConnection, &mut sqlx::PgConnection> {
        self.queries.fetch_add(1, Ordering::Relaxed);
        match &mut self.inner {
            TxInner::Sqlite(tx) => Target::Sqlite(&mut **tx),
            TxInner::Postgres(tx) => Target::Postgres(&mut **tx),
        }
    }
}

/// Column-type conversions: the domain speaks jiff, the drivers speak `time`.
pub(crate) mod convert {
    use domain::Id;
    use sqlx::types::Json;

    use crate::StoreError;

    /// An id list as a JSON array of hexadecimal ids, which both engines turn back into ids
    /// (`SELECT unhex(value) FROM json_each($n)` on SQLite, `SELECT value::uuid FROM
    /// jsonb_array_elements_text($n)` on PostgreSQL), so that a list is one parameter.
    pub fn id_list(ids: &[Id]) -> Json<Vec<String>> {
        Json(ids.iter().map(|id| id.simple().to_string()).collect())
    }

    pub fn date_to_db(d: jiff::civil::Date) -> time::Date {
        let month = time::Month::try_from(d.month() as u8).expect("jiff months are 1..=12");
        time::Date::from_calendar_date(d.year() as i32, month, d.day() as u8).expect("jiff dates are valid")
    }

    pub fn date_from_db(d: time::Date) -> Result<jiff::civil::Date, StoreError> {
        jiff::civil::Date::new(d.year() as i16, d.month() as i8, d.day() as i8)
            .map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// Instants are kept to the microsecond, which both engines store exactly.
    pub fn now() -> time::OffsetDateTime {
        let now = time::OffsetDateTime::now_utc();
        now.replace_nanosecond(now.nanosecond() / 1000 * 1000).expect("a truncated nanosecond is valid")
    }

    /// An instant for the database, to the microsecond.
    pub fn timestamp_to_db(t: jiff::Timestamp) -> time::OffsetDateTime {
        let micros = t.as_microsecond() as i128 * 1000;
        time::OffsetDateTime::from_unix_timestamp_nanos(micros).expect("jiff instants fit")
    }

    pub fn timestamp_from_db(t: time::OffsetDateTime) -> jiff::Timestamp {
        jiff::Timestamp::from_nanosecond(t.unix_timestamp_nanos()).expect("stored instants are in range")
    }
}
