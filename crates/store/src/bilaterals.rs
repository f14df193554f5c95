//! Bilateral requests of events, and the settings of each event's scheduler runs. A request is
//! withdrawn, never deleted.

use domain::Id;
use domain::bilaterals::{Outcome, Priority, Proposal, Request, Settings, Side, Window};
use domain::policy::{Actor, EntityKind};
use sqlx::types::Json;

use crate::audit::{self, Change};
use crate::db::Target;
use crate::{Result, Store, StoreError, Tx};

#[derive(sqlx::FromRow)]
struct RequestRow {
    id: Id,
    event_id: Id,
    sides: Json<Vec<Side>>,
    principals: Json<Vec<Id>>,
    after_requests: Json<Vec<Id>>,
    duration: i32,
    priority: String,
    windows: Json<Vec<Window>>,
    windows_by: Option<String>,
    replaced: Option<Json<Proposal>>,
    note: String,
    withdrawn: bool,
    outcome: Option<Json<Outcome>>,
    item_id: Option<Id>,
    version: i64,
}

impl TryFrom<RequestRow> for Request {
    type Error = StoreError;
    fn try_from(r: RequestRow) -> Result<Self> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("bilateral request {}: {what}", r.id));
        if r.sides.0.is_empty() {
            return Err(corrupt("no sides"));
        }
        Ok(Request {
            id: r.id,
            event_id: r.event_id,
            sides: r.sides.0,
            principals: r.principals.0,
            after: r.after_requests.0,
            duration: u32::try_from(r.duration).map_err(|_| corrupt("duration"))?,
            priority: Priority::parse(&r.priority).ok_or_else(|| corrupt("priority"))?,
            windows: r.windows.0,
            windows_by: r.windows_by,
            replaced: r.replaced.map(|p| p.0),
            note: r.note,
            withdrawn: r.withdrawn,
            outcome: r.outcome.map(|o| o.0),
            item: r.item_id,
            version: r.version,
        })
    }
}

macro_rules! select_requests {
    ($rest:literal) => {
        concat!(
            "SELECT id, event_id, sides, principals, after_requests, duration, priority, windows, windows_by, replaced, \
             note, withdrawn, outcome, item_id, version FROM bilateral_requests ",
            $rest
        )
    };
}

const OF_EVENT: &str = select_requests!("WHERE event_id = $1 ORDER BY id");
const OF_PARTICIPANT: &str = select_requests!("ORDER BY event_id, id");
const OF_ITEM: &str = select_requests!("WHERE item_id = $1");
const INSERT: &str = "INSERT INTO bilateral_requests (id, event_id, sides, principals, after_requests, duration, \
     priority, windows, note, withdrawn, outcome, item_id, windows_by, replaced, version) VALUES ($1, $2, $3, $4, $5, \
     $6, $7, $8, $9, $10, $11, $12, $13, $14, 1)";
const UPDATE: &str = "UPDATE bilateral_requests SET sides = $1, principals = $2, duration = $3, priority = $4, \
     windows = $5, note = $6, withdrawn = $7, outcome = $8, item_id = $9, after_requests = $10, windows_by = $11, \
     replaced = $12, version = version + 1 WHERE id = $13";
/// The request as it stands, held until the transaction ends: PostgreSQL locks the row; a writing
/// transaction on SQLite holds the whole database already.
const LOCK_SQLITE: &str = select_requests!("WHERE id = $1");
const LOCK_POSTGRES: &str = select_requests!("WHERE id = $1 FOR UPDATE");

/// Every request of an event, in the order they were made: one query.
pub async fn of_event(store: &Store, event: Id) -> Result<Vec<Request>> {
    let rows: Vec<RequestRow> = on!(store, c => sqlx::query_as(OF_EVENT).bind(event).fetch_all(c).await)?;
    rows.into_iter().map(Request::try_from).collect()
}

/// Every request that `participant` (a code) is a side of, at any event: one query over the
/// requests, the sides read from each.
pub async fn of_participant(store: &Store, participant: &str) -> Result<Vec<Request>> {
    let rows: Vec<RequestRow> = on!(store, c => sqlx::query_as(OF_PARTICIPANT).fetch_all(c).await)?;
    let requests = rows.into_iter().map(Request::try_from).collect::<Result<Vec<_>>>()?;
    Ok(requests.into_iter().filter(|r| r.has_side(participant)).collect())
}

/// The request whose confirmed meeting is the programme item `item`, if any.
pub async fn of_item(tx: &mut Tx, item: Id) -> Result<Option<Request>> {
    let row: Option<RequestRow> = on!(tx, c => sqlx::query_as(OF_ITEM).bind(item).fetch_optional(c).await)?;
    row.map(Request::try_from).transpose()
}

pub async fn create(tx: &mut Tx, actor: &Actor, request: Request) -> Result<Request> {
    execute!(tx, c => sqlx::query(INSERT)
        .bind(request.id)
        .bind(request.event_id)
        .bind(Json(&request.sides))
        .bind(Json(&request.principals))
        .bind(Json(&request.after))
        .bind(request.duration as i32)
        .bind(request.priority.as_str())
        .bind(Json(&request.windows))
        .bind(&request.note)
        .bind(request.withdrawn)
        .bind(request.outcome.as_ref().map(Json))
        .bind(request.item)
        .bind(request.windows_by.as_deref())
        .bind(request.replaced.as_ref().map(Json)))
    // The id a client chose is another request's, or the same request's sent at the same moment.
    .map_err(crate::unique("id"))?;
    audit::record(tx, Change::create(actor, EntityKind::BilateralRequest, request.id, &request)).await?;
    Ok(request)
}

const REQUESTS_STAMP: &str =
    "SELECT COUNT(*), CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM bilateral_requests WHERE event_id = $1";

/// Holds an event's bilateral requests until the transaction ends, and is a conflict if they are
/// no longer as `seen` ([`crate::Stamp`] of their versions): for a change decided on the other
/// requests (the order of a delegation's meetings, which must not go round in a circle).
pub async fn hold(tx: &mut Tx, event: Id, seen: crate::Stamp) -> Result<()> {
    crate::hold_event(tx, event, None, ("bilateral requests", REQUESTS_STAMP), seen).await
}

const PLACE: &str = "UPDATE bilateral_requests SET outcome = $1 WHERE id = $2";

/// The request as it stands, held until the transaction ends, if it is still as `before` was read
/// in what `same` compares; otherwise a conflict. Compared as values, not as stored JSON, which
/// the two engines keep differently.
async fn held(tx: &mut Tx, before: &Request, same: impl Fn(&Request) -> bool) -> Result<()> {
    let row: Option<RequestRow> = match tx.target() {
        Target::Sqlite(c) => sqlx::query_as(LOCK_SQLITE).bind(before.id).fetch_optional(c).await?,
        Target::Postgres(c) => sqlx::query_as(LOCK_POSTGRES).bind(before.id).fetch_optional(c).await?,
    };
    let now = Request::try_from(row.ok_or(StoreError::NotFound)?)?;
    if !same(&now) {
        return Err(StoreError::Conflict { entity: "bilateral request", current: now.version });
    }
    Ok(())
}

/// Keeps a scheduler run's outcome for the request if it is still at `before`'s version; otherwise
/// a conflict. The version stays: it guards what the sides answered, which a run does not change,
/// so that a side's form read before the run still answers after it.
pub async fn place(tx: &mut Tx, actor: &Actor, before: &Request, outcome: Option<Outcome>) -> Result<Request> {
    held(tx, before, |now| now.version == before.version).await?;
    execute!(tx, c => sqlx::query(PLACE).bind(outcome.as_ref().map(Json)).bind(before.id))?;
    let after = Request { outcome, ..before.clone() };
    audit::record(tx, Change::update(actor, EntityKind::BilateralRequest, before.id, before, &after)).await?;
    Ok(after)
}

/// Writes `after` over the request if it is still at `before`'s version and outcome (a run keeps
/// its outcome without a new version, see [`place`]); otherwise a conflict.
pub async fn replace(tx: &mut Tx, actor: &Actor, before: &Request, after: Request) -> Result<Request> {
    held(tx, before, |now| now.version == before.version && now.outcome == before.outcome).await?;
    execute!(tx, c => sqlx::query(UPDATE)
        .bind(Json(&after.sides))
        .bind(Json(&after.principals))
        .bind(after.duration as i32)
        .bind(after.priority.as_str())
        .bind(Json(&after.windows))
        .bind(&after.note)
        .bind(after.withdrawn)
        .bind(after.outcome.as_ref().map(Json))
        .bind(after.item)
        .bind(Json(&after.after))
        .bind(after.windows_by.as_deref())
        .bind(after.replaced.as_ref().map(Json))
        .bind(before.id))?;
    let after = Request { version: before.version + 1, ..after };
    audit::record(tx, Change::update(actor, EntityKind::BilateralRequest, before.id, before, &after)).await?;
    Ok(after)
}

const SETTINGS: &str = "SELECT settings FROM bilateral_settings WHERE event_id = $1";
const KEEP_SETTINGS: &str = "INSERT INTO bilateral_settings (event_id, settings) VALUES ($1, $2) \
     ON CONFLICT (event_id) DO UPDATE SET settings = excluded.settings";

/// The settings of the event's last scheduler run; the defaults before the first.
pub async fn settings(store: &Store, event: Id) -> Result<Settings> {
    let row: Option<(Json<Settings>,)> = on!(store, c => sqlx::query_as(SETTINGS).bind(event).fetch_optional(c).await)?;
    Ok(row.map(|(s,)| s.0).unwrap_or_default())
}

/// Keeps the settings of a run for the next one, with an audit entry when they change.
pub async fn keep_settings(tx: &mut Tx, actor: &Actor, event: Id, settings: Settings) -> Result<()> {
    let row: Option<(Json<Settings>,)> = on!(tx, c => sqlx::query_as(SETTINGS).bind(event).fetch_optional(c).await)?;
    let before = row.map(|(s,)| s.0);
    if before == Some(settings) {
        return Ok(());
    }
    execute!(tx, c => sqlx::query(KEEP_SETTINGS).bind(event).bind(Json(settings)))?;
    let change = match before {
        Some(before) => Change::update(actor, EntityKind::BilateralSettings, event, &before, &settings),
        None => Change::create(actor, EntityKind::BilateralSettings, event, &settings),
    };
    audit::record(tx, change).await
}
