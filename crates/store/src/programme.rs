//! Programme items of events. Items are never deleted: a cancelled item stays, marked.

use domain::policy::{Actor, EntityKind};
use domain::programme::{Announced, Attendees, Item, ItemKind, PressAccess, Visibility};
use domain::{Id, Text, new_id};
use sqlx::types::Json;

use crate::audit::{self, Change};
use crate::db::convert;
use crate::{Pool, Result, Store, StoreError, Tx};

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: Id,
    event_id: Id,
    kind: String,
    title: Json<Text>,
    starts_at: time::OffsetDateTime,
    ends_at: time::OffsetDateTime,
    venue: Option<String>,
    room: Option<String>,
    meeting: Option<String>,
    attendees: Json<Attendees>,
    press: String,
    visibility: String,
    cancelled: bool,
    sequence: i64,
    version: i64,
}

impl TryFrom<ItemRow> for Item {
    type Error = StoreError;
    fn try_from(r: ItemRow) -> Result<Self> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("programme item {}: {what}", r.id));
        Ok(Item {
            id: r.id,
            event_id: r.event_id,
            kind: ItemKind::parse(&r.kind).ok_or_else(|| corrupt("kind"))?,
            title: r.title.0,
            starts: convert::timestamp_from_db(r.starts_at),
            ends: convert::timestamp_from_db(r.ends_at),
            venue: r.venue,
            room: r.room,
            meeting: r.meeting,
            attendees: r.attendees.0,
            press: PressAccess::parse(&r.press).ok_or_else(|| corrupt("press"))?,
            visibility: Visibility::parse(&r.visibility).ok_or_else(|| corrupt("visibility"))?,
            cancelled: r.cancelled,
            sequence: r.sequence,
            version: r.version,
        })
    }
}

macro_rules! select_items {
    ($rest:literal) => {
        concat!(
            "SELECT id, event_id, kind, title, starts_at, ends_at, venue, room, meeting, attendees, press, visibility, \
             cancelled, sequence, version FROM programme_items ",
            $rest
        )
    };
}

const ITEMS_OF_EVENT: &str = select_items!("WHERE event_id = $1 ORDER BY starts_at, ends_at, id");
const ITEM_BY_ID: &str = select_items!("WHERE id = $1");
const INSERT: &str = "INSERT INTO programme_items (id, event_id, kind, title, starts_at, ends_at, venue, room, meeting, attendees, \
     press, visibility, cancelled, sequence, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1)";
const UPDATE: &str = "UPDATE programme_items SET kind = $1, title = $2, starts_at = $3, ends_at = $4, venue = $5, room = $6, \
     meeting = $7, attendees = $8, press = $9, visibility = $10, cancelled = $11, sequence = $12, version = version + 1 \
     WHERE id = $13 AND version = $14";

/// Every item of an event, cancelled ones included, in time order: one query.
pub async fn of_event(store: &Store, event: Id) -> Result<Vec<Item>> {
    let rows: Vec<ItemRow> = on!(store, c => sqlx::query_as(ITEMS_OF_EVENT).bind(event).fetch_all(c).await)?;
    rows.into_iter().map(Item::try_from).collect()
}

pub async fn item(store: &Store, id: Id) -> Result<Item> {
    let row: Option<ItemRow> = on!(store, c => sqlx::query_as(ITEM_BY_ID).bind(id).fetch_optional(c).await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

const PROGRAMME_STAMP: &str =
    "SELECT COUNT(*), CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM programme_items WHERE event_id = $1";

/// Holds an event's programme until the transaction ends, and is a conflict if the event
/// (`event_version`: its venues and travel times) or its items (`seen`, [`crate::Stamp`] of
/// their versions) are no longer as the change read them. Clashes are checked against the whole
/// programme, outside any row a change writes: two hosts booking one room at once each check a
/// programme without the other's item. Every change holds the programme first, so the second
/// finds the first's item and checks again.
pub async fn hold(tx: &mut Tx, event: Id, event_version: i64, seen: crate::Stamp) -> Result<()> {
    crate::hold_event(tx, event, Some(event_version), ("programme", PROGRAMME_STAMP), seen).await
}

pub async fn create(tx: &mut Tx, actor: &Actor, item: Item) -> Result<Item> {
    execute!(tx, c => sqlx::query(INSERT)
        .bind(item.id)
        .bind(item.event_id)
        .bind(item.kind.as_str())
        .bind(Json(&item.title))
        .bind(convert::timestamp_to_db(item.starts))
        .bind(convert::timestamp_to_db(item.ends))
        .bind(&item.venue)
        .bind(&item.room)
        .bind(&item.meeting)
        .bind(Json(&item.attendees))
        .bind(item.press.as_str())
        .bind(item.visibility.as_str())
        .bind(item.cancelled)
        .bind(item.sequence))
    // An id a form chose is another item's, or the same item's sent at the same moment.
    .map_err(crate::unique("id"))?;
    audit::record(tx, Change::create(actor, EntityKind::ProgrammeItem, item.id, &item)).await?;
    Ok(item)
}

/// Writes `after` over the item if it is still at `before`'s version; otherwise a conflict.
pub async fn replace(tx: &mut Tx, actor: &Actor, before: &Item, after: Item) -> Result<Item> {
    let done = execute!(tx, c => sqlx::query(UPDATE)
        .bind(after.kind.as_str())
        .bind(Json(&after.title))
        .bind(convert::timestamp_to_db(after.starts))
        .bind(convert::timestamp_to_db(after.ends))
        .bind(&after.venue)
        .bind(&after.room)
        .bind(&after.meeting)
        .bind(Json(&after.attendees))
        .bind(after.press.as_str())
        .bind(after.visibility.as_str())
        .bind(after.cancelled)
        .bind(after.sequence)
        .bind(before.id)
        .bind(before.version))?;
    if done != 1 {
        let current = item_in(tx, before.id).await?.version;
        return Err(StoreError::Conflict { entity: "programme item", current });
    }
    let after = Item { version: before.version + 1, ..after };
    audit::record(tx, Change::update(actor, EntityKind::ProgrammeItem, before.id, before, &after)).await?;
    Ok(after)
}

async fn item_in(tx: &mut Tx, id: Id) -> Result<Item> {
    let row: Option<ItemRow> = on!(tx, c => sqlx::query_as(ITEM_BY_ID).bind(id).fetch_optional(c).await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// The PostgreSQL channel on which programme changes are announced to every node.
const CHANNEL: &str = "concord_programme";

/// Announces, with the writing transaction, that an event's programme changed: PostgreSQL delivers
/// the notice to every listening node when the transaction commits, and never if it rolls back. On
/// SQLite there is one node, which learns of its own changes directly.
pub async fn announce(tx: &mut Tx, change: &Announced) -> Result<()> {
    // Well under NOTIFY's 8,000 bytes: a change of many meetings (the host confirming a week of
    // bilaterals) names too many participants to carry.
    const MOST: usize = 4_000;
    if let crate::db::Target::Postgres(c) = tx.target() {
        let mut payload = serde_json::to_string(change).expect("a change is plain data");
        if payload.len() > MOST {
            payload = serde_json::to_string(&change.clone().widened()).expect("a change is plain data");
        }
        sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(payload).execute(c).await?;
    }
    Ok(())
}

/// Calls `each` with every programme change announced by any node, for as long as the process
/// runs (reconnecting after a lost connection). Returns at once on SQLite.
pub async fn listen(store: &Store, each: impl Fn(Announced)) -> Result<()> {
    let Pool::Postgres(pool) = store.pool() else { return Ok(()) };
    let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    loop {
        match listener.recv().await {
            Ok(notice) => {
                if let Ok(change) = serde_json::from_str::<Announced>(notice.payload()) {
                    each(change);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "listening for programme changes: reconnecting");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        }
    }
}

/// A private calendar feed: a delegation's itinerary, or one member's.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Feed {
    pub id: Id,
    pub event_id: Id,
    pub delegation_id: Id,
    pub member_id: Option<Id>,
    pub created_at: jiff::Timestamp,
    pub revoked_at: Option<jiff::Timestamp>,
}

#[derive(sqlx::FromRow)]
struct FeedRow {
    id: Id,
    event_id: Id,
    delegation_id: Id,
    member_id: Option<Id>,
    created_at: time::OffsetDateTime,
    revoked_at: Option<time::OffsetDateTime>,
}

impl From<FeedRow> for Feed {
    fn from(r: FeedRow) -> Self {
        Feed {
            id: r.id,
            event_id: r.event_id,
            delegation_id: r.delegation_id,
            member_id: r.member_id,
            created_at: convert::timestamp_from_db(r.created_at),
            revoked_at: r.revoked_at.map(convert::timestamp_from_db),
        }
    }
}

macro_rules! select_feeds {
    ($rest:literal) => {
        concat!("SELECT id, event_id, delegation_id, member_id, created_at, revoked_at FROM feeds ", $rest)
    };
}

/// Opens a feed whose URL carries `secret`; only its hash is kept.
pub async fn create_feed(
    tx: &mut Tx,
    actor: &Actor,
    event: Id,
    delegation: Id,
    member: Option<Id>,
    secret: &str,
) -> Result<Feed> {
    let now = convert::now();
    let feed = Feed {
        id: new_id(),
        event_id: event,
        delegation_id: delegation,
        member_id: member,
        created_at: convert::timestamp_from_db(now),
        revoked_at: None,
    };
    execute!(tx, c => sqlx::query(
        "INSERT INTO feeds (id, event_id, delegation_id, member_id, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(feed.id)
        .bind(feed.event_id)
        .bind(feed.delegation_id)
        .bind(feed.member_id)
        .bind(crate::accounts::secret_hash(secret))
        .bind(now))?;
    audit::record(tx, Change::create(actor, EntityKind::Feed, feed.id, &feed)).await?;
    Ok(feed)
}

/// An event's feeds, newest first, revoked ones included.
pub async fn feeds_of_event(store: &Store, event: Id) -> Result<Vec<Feed>> {
    const SQL: &str = select_feeds!("WHERE event_id = $1 ORDER BY created_at DESC");
    let rows: Vec<FeedRow> = on!(store, c => sqlx::query_as(SQL).bind(event).fetch_all(c).await)?;
    Ok(rows.into_iter().map(Feed::from).collect())
}

/// The live feed a secret opens, if any.
pub async fn feed_by_secret(store: &Store, secret: &str) -> Result<Option<Feed>> {
    const SQL: &str = select_feeds!("WHERE secret_hash = $1 AND revoked_at IS NULL");
    let row: Option<FeedRow> = on!(store, c => sqlx::query_as(SQL)
        .bind(crate::accounts::secret_hash(secret))
        .fetch_optional(c)
        .await)?;
    Ok(row.map(Feed::from))
}

/// Revokes a feed of a delegation: its URL answers "not found" from now on.
pub async fn revoke_feed(tx: &mut Tx, actor: &Actor, delegation: Id, feed: Id) -> Result<Feed> {
    const SQL: &str = select_feeds!("WHERE id = $1 AND delegation_id = $2");
    let row: Option<FeedRow> = on!(tx, c => sqlx::query_as(SQL).bind(feed).bind(delegation).fetch_optional(c).await)?;
    let before = Feed::from(row.ok_or(StoreError::NotFound)?);
    let now = convert::now();
    execute!(tx, c => sqlx::query("UPDATE feeds SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL").bind(now).bind(feed))?;
    let after = Feed { revoked_at: before.revoked_at.or(Some(convert::timestamp_from_db(now))), ..before.clone() };
    audit::record(tx, Change::update(actor, EntityKind::Feed, feed, &before, &after)).await?;
    Ok(after)
}
