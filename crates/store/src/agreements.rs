//! The register of agreements and their follow-up: agreements with their parties (in order) and
//! the parties' notifications, action items with their responsible parties (in order), and
//! progress reports. Notifications and reports are only ever added, never rewritten.
//!
//! Lists are read in a fixed number of queries whatever their length: an agreement's parties and
//! notifications, and an item's responsible parties, are gathered into JSON arrays inside the one
//! query that reads them (as `documents` does with readers).

use std::collections::HashSet;

use domain::agreements::{
    ActionItem, Agreement, Attachment, EntryIntoForce, Interruption, Level, Notification, Progress, Report,
};
use domain::policy::{Actor, EntityKind};
use domain::{Id, Text};
use jiff::civil::Date;
use serde::Serialize;
use sqlx::types::Json;

use crate::audit::{self, Change};
use crate::db::{Target, convert};
use crate::{Result, Store, StoreError, Tx, unique};

/// An instant as the database keeps it (to the microsecond), so that what a write returns equals
/// what a later read gives.
fn stored(t: jiff::Timestamp) -> jiff::Timestamp {
    convert::timestamp_from_db(convert::timestamp_to_db(t))
}

/// Maps a foreign-key violation (an id that names nothing) to [`StoreError::Unknown`].
fn known(field: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => StoreError::Unknown { field },
        _ => StoreError::Database(e),
    }
}

/// Ids once each, in the order given.
fn distinct(ids: Vec<Id>) -> Vec<Id> {
    let mut seen = HashSet::new();
    ids.into_iter().filter(|id| seen.insert(*id)).collect()
}

/// Notifications in the order they are read: by date, then party.
fn in_order(mut notifications: Vec<Notification>) -> Vec<Notification> {
    notifications.sort_by_key(|n| (n.date, n.party));
    notifications
}

/// The register's order: the latest signed first, the unsigned last, then by title (in Russian,
/// else by the fallback chain), then by id.
fn register_order(agreements: &mut [Agreement]) {
    agreements.sort_by(|a, b| {
        let signed = match (a.signed_on, b.signed_on) {
            (Some(x), Some(y)) => y.cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        signed.then_with(|| a.title.get("ru").cmp(b.title.get("ru"))).then_with(|| a.id.cmp(&b.id))
    });
}

// ---------------------------------------------------------------------------------------------
// Agreements

#[derive(sqlx::FromRow)]
struct AgreementRow {
    id: Id,
    title: Json<Text>,
    level: String,
    parties: Json<Vec<Id>>,
    document_id: Option<Id>,
    signed_on: Option<time::Date>,
    signed_at: Json<Text>,
    depositary_id: Option<Id>,
    entry_into_force: String,
    threshold: Option<i32>,
    notifications: Json<Vec<Notification>>,
    interruption: Option<Json<Interruptions>>,
    version: i64,
}

/// The `interruption` column: every interruption in date order; a row written before suspensions
/// could be lifted holds its one interruption alone.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Interruptions {
    All(Vec<(Interruption, Date)>),
    One((Interruption, Date)),
}

/// What the `interruption` column holds for `agreement`: nothing while it has never been interrupted.
fn interruptions(agreement: &Agreement) -> Option<Json<&[(Interruption, Date)]>> {
    (!agreement.interruptions.is_empty()).then_some(Json(agreement.interruptions.as_slice()))
}

impl TryFrom<AgreementRow> for Agreement {
    type Error = StoreError;
    fn try_from(r: AgreementRow) -> Result<Self> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("agreement {}: {what}", r.id));
        Ok(Agreement {
            id: r.id,
            title: r.title.0,
            level: Level::parse(&r.level).ok_or_else(|| corrupt("level"))?,
            parties: r.parties.0,
            document_id: r.document_id,
            signed_on: r.signed_on.map(convert::date_from_db).transpose()?,
            signed_at: r.signed_at.0,
            depositary: r.depositary_id,
            entry_into_force: EntryIntoForce::parse(&r.entry_into_force).ok_or_else(|| corrupt("entry into force"))?,
            threshold: r.threshold.map(|t| u32::try_from(t).map_err(|_| corrupt("threshold"))).transpose()?,
            notifications: r.notifications.0,
            interruptions: match r.interruption.map(|i| i.0) {
                None => Vec::new(),
                Some(Interruptions::All(all)) => all,
                Some(Interruptions::One(one)) => vec![one],
            },
            version: r.version,
        })
    }
}

/// An agreement's columns, its parties (in their order) and its notifications (by date, then
/// party) gathered as JSON arrays.
macro_rules! agreement_columns {
    (sqlite) => {
        concat!(
            "a.id, a.title, a.level, (SELECT json_group_array(x.party) FROM (SELECT hex(p.participant_id) AS party \
             FROM agreement_parties p WHERE p.agreement_id = a.id ORDER BY p.position) x) AS parties, \
             a.document_id, a.signed_on, a.signed_at, a.depositary_id, a.entry_into_force, a.threshold, \
             (SELECT json_group_array(json(x.n)) FROM (SELECT json_object('party', hex(n.party_id), 'date', n.date) AS n \
             FROM agreement_notifications n WHERE n.agreement_id = a.id ORDER BY n.date, n.party_id) x) AS notifications, \
             a.interruption, a.version"
        )
    };
    (postgres) => {
        concat!(
            "a.id, a.title, a.level, (SELECT COALESCE(jsonb_agg(p.participant_id ORDER BY p.position), '[]'::jsonb) \
             FROM agreement_parties p WHERE p.agreement_id = a.id) AS parties, \
             a.document_id, a.signed_on, a.signed_at, a.depositary_id, a.entry_into_force, a.threshold, \
             (SELECT COALESCE(jsonb_agg(jsonb_build_object('party', n.party_id, 'date', n.date) \
             ORDER BY n.date, n.party_id), '[]'::jsonb) FROM agreement_notifications n \
             WHERE n.agreement_id = a.id) AS notifications, \
             a.interruption, a.version"
        )
    };
}

macro_rules! select_agreements {
    ($engine:tt, $rest:literal) => {
        concat!("SELECT ", agreement_columns!($engine), " FROM agreements a ", $rest)
    };
}

const ALL_SQLITE: &str = select_agreements!(sqlite, "ORDER BY a.signed_on DESC NULLS LAST, a.id");
const ALL_PG: &str = select_agreements!(postgres, "ORDER BY a.signed_on DESC NULLS LAST, a.id");
const OF_PARTY_SQLITE: &str = select_agreements!(
    sqlite,
    "WHERE EXISTS (SELECT 1 FROM agreement_parties q WHERE q.agreement_id = a.id AND q.participant_id = $1) \
     ORDER BY a.signed_on DESC NULLS LAST, a.id"
);
const OF_PARTY_PG: &str = select_agreements!(
    postgres,
    "WHERE EXISTS (SELECT 1 FROM agreement_parties q WHERE q.agreement_id = a.id AND q.participant_id = $1) \
     ORDER BY a.signed_on DESC NULLS LAST, a.id"
);
const BY_ID_SQLITE: &str = select_agreements!(sqlite, "WHERE a.id = $1");
const BY_ID_PG: &str = select_agreements!(postgres, "WHERE a.id = $1");

const INSERT_AGREEMENT: &str = "INSERT INTO agreements (id, title, level, document_id, signed_on, signed_at, \
     depositary_id, entry_into_force, threshold, interruption, created_at, version) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1)";
const UPDATE_AGREEMENT: &str = "UPDATE agreements SET title = $1, level = $2, document_id = $3, signed_on = $4, \
     signed_at = $5, depositary_id = $6, entry_into_force = $7, threshold = $8, interruption = $9, \
     version = version + 1 WHERE id = $10 AND version = $11";
const AGREEMENT_VERSION: &str = "SELECT version FROM agreements WHERE id = $1";
const BUMP_AGREEMENT: &str = "UPDATE agreements SET version = version + 1 WHERE id = $1";
const INSERT_PARTY: &str = "INSERT INTO agreement_parties (agreement_id, participant_id, position) VALUES ($1, $2, $3)";
const DELETE_PARTIES: &str = "DELETE FROM agreement_parties WHERE agreement_id = $1";
const DELETE_STRAY_NOTIFICATIONS: &str = "DELETE FROM agreement_notifications WHERE agreement_id = $1 \
     AND party_id NOT IN (SELECT participant_id FROM agreement_parties WHERE agreement_id = $1)";
const INSERT_NOTIFICATION: &str =
    "INSERT INTO agreement_notifications (agreement_id, party_id, date) VALUES ($1, $2, $3)";
const NOTIFICATIONS_OF: &str = "SELECT party_id, date FROM agreement_notifications WHERE agreement_id = $1 \
     ORDER BY date, party_id";

/// Every agreement, with its parties in order and its notifications, in the register's order (the
/// latest signed first, the unsigned last, then by title): one query.
pub async fn all(store: &Store) -> Result<Vec<Agreement>> {
    let rows: Vec<AgreementRow> = match store.target() {
        Target::Sqlite(c) => sqlx::query_as(ALL_SQLITE).fetch_all(c).await?,
        Target::Postgres(c) => sqlx::query_as(ALL_PG).fetch_all(c).await?,
    };
    let mut agreements = rows.into_iter().map(Agreement::try_from).collect::<Result<Vec<_>>>()?;
    register_order(&mut agreements);
    Ok(agreements)
}

/// The agreements a participant is a party to, in the register's order: one query.
pub async fn of_party(store: &Store, participant: Id) -> Result<Vec<Agreement>> {
    let rows: Vec<AgreementRow> = match store.target() {
        Target::Sqlite(c) => sqlx::query_as(OF_PARTY_SQLITE).bind(participant).fetch_all(c).await?,
        Target::Postgres(c) => sqlx::query_as(OF_PARTY_PG).bind(participant).fetch_all(c).await?,
    };
    let mut agreements = rows.into_iter().map(Agreement::try_from).collect::<Result<Vec<_>>>()?;
    register_order(&mut agreements);
    Ok(agreements)
}

pub async fn by_id(store: &Store, id: Id) -> Result<Option<Agreement>> {
    let row: Option<AgreementRow> = match store.target() {
        Target::Sqlite(c) => sqlx::query_as(BY_ID_SQLITE).bind(id).fetch_optional(c).await?,
        Target::Postgres(c) => sqlx::query_as(BY_ID_PG).bind(id).fetch_optional(c).await?,
    };
    row.map(Agreement::try_from).transpose()
}

/// Which reference an agreement's row names that may not exist.
fn reference(agreement: &Agreement) -> &'static str {
    match (agreement.document_id, agreement.depositary) {
        (None, Some(_)) => "depositary",
        _ => "document",
    }
}

fn threshold_to_db(threshold: Option<u32>) -> Option<i32> {
    threshold.map(|t| i32::try_from(t).unwrap_or(i32::MAX))
}

async fn write_parties(tx: &mut Tx, agreement: &Agreement) -> Result<()> {
    for (position, party) in agreement.parties.iter().enumerate() {
        execute!(tx, c => sqlx::query(INSERT_PARTY).bind(agreement.id).bind(*party).bind(position as i32))
            .map_err(known("parties"))?;
    }
    Ok(())
}

async fn insert_notification(tx: &mut Tx, agreement: Id, notification: &Notification) -> Result<()> {
    execute!(tx, c => sqlx::query(INSERT_NOTIFICATION)
        .bind(agreement)
        .bind(notification.party)
        .bind(convert::date_to_db(notification.date)))
    .map_err(|e| match unique("party")(e) {
        StoreError::Database(e) => known("party")(e),
        other => other,
    })?;
    Ok(())
}

/// Registers an agreement with its parties (each once, in the order given) and any notifications
/// it already has (a party notifies once: [`StoreError::Duplicate`] `party`).
pub async fn create(tx: &mut Tx, actor: &Actor, agreement: Agreement) -> Result<Agreement> {
    let agreement = Agreement {
        parties: distinct(agreement.parties),
        notifications: in_order(agreement.notifications),
        version: 1,
        ..agreement
    };
    execute!(tx, c => sqlx::query(INSERT_AGREEMENT)
        .bind(agreement.id)
        .bind(Json(&agreement.title))
        .bind(agreement.level.as_str())
        .bind(agreement.document_id)
        .bind(agreement.signed_on.map(convert::date_to_db))
        .bind(Json(&agreement.signed_at))
        .bind(agreement.depositary)
        .bind(agreement.entry_into_force.as_str())
        .bind(threshold_to_db(agreement.threshold))
        .bind(interruptions(&agreement))
        .bind(convert::now()))
    .map_err(known(reference(&agreement)))?;
    write_parties(tx, &agreement).await?;
    for notification in &agreement.notifications {
        insert_notification(tx, agreement.id, notification).await?;
    }
    audit::record(tx, Change::create(actor, EntityKind::Agreement, agreement.id, &agreement)).await?;
    Ok(agreement)
}

/// Writes `after` over the agreement if it is still at `before`'s version (otherwise a conflict),
/// rewriting its parties if they changed. Notifications are not rewritten (they are only added, by
/// [`notify`]): `after`'s are ignored, and those of a party that is no longer one are dropped.
pub async fn replace(tx: &mut Tx, actor: &Actor, before: &Agreement, after: Agreement) -> Result<Agreement> {
    let parties = distinct(after.parties);
    let notifications = before.notifications.iter().filter(|n| parties.contains(&n.party)).cloned().collect();
    let after = Agreement { id: before.id, parties, notifications, version: before.version + 1, ..after };
    let done = execute!(tx, c => sqlx::query(UPDATE_AGREEMENT)
        .bind(Json(&after.title))
        .bind(after.level.as_str())
        .bind(after.document_id)
        .bind(after.signed_on.map(convert::date_to_db))
        .bind(Json(&after.signed_at))
        .bind(after.depositary)
        .bind(after.entry_into_force.as_str())
        .bind(threshold_to_db(after.threshold))
        .bind(interruptions(&after))
        .bind(before.id)
        .bind(before.version))
    .map_err(known(reference(&after)))?;
    if done != 1 {
        let current: Option<i64> =
            on!(tx, c => sqlx::query_scalar(AGREEMENT_VERSION).bind(before.id).fetch_optional(c).await)?;
        return Err(StoreError::Conflict { entity: "agreement", current: current.ok_or(StoreError::NotFound)? });
    }
    if after.parties != before.parties {
        execute!(tx, c => sqlx::query(DELETE_PARTIES).bind(after.id))?;
        write_parties(tx, &after).await?;
        execute!(tx, c => sqlx::query(DELETE_STRAY_NOTIFICATIONS).bind(after.id))?;
    }
    audit::record(tx, Change::update(actor, EntityKind::Agreement, before.id, before, &after)).await?;
    Ok(after)
}

/// What the audit keeps of a notification: the agreement's notifications before and after.
#[derive(Serialize)]
struct Notifications<'a> {
    notifications: &'a [Notification],
}

/// Records a party's notification (checked first with `domain::agreements::check_notification`).
/// A party notifies once: a second is [`StoreError::Duplicate`] `party`, even from a caller that
/// had not seen the first. Notifications of different parties never conflict with each other, but
/// each one advances the agreement's version, so an edit made on what was read before it is refused.
pub async fn notify(tx: &mut Tx, actor: &Actor, agreement: &Agreement, notification: Notification) -> Result<()> {
    let rows: Vec<(Id, time::Date)> =
        on!(tx, c => sqlx::query_as(NOTIFICATIONS_OF).bind(agreement.id).fetch_all(c).await)?;
    let before = rows
        .into_iter()
        .map(|(party, date)| Ok(Notification { party, date: convert::date_from_db(date)? }))
        .collect::<Result<Vec<_>>>()?;
    insert_notification(tx, agreement.id, &notification).await?;
    let done = execute!(tx, c => sqlx::query(BUMP_AGREEMENT).bind(agreement.id))?;
    if done != 1 {
        return Err(StoreError::NotFound);
    }
    let after = in_order(before.iter().cloned().chain(std::iter::once(notification)).collect());
    let change = Change::update(
        actor,
        EntityKind::Agreement,
        agreement.id,
        &Notifications { notifications: &before },
        &Notifications { notifications: &after },
    );
    audit::record(tx, change).await
}

// ---------------------------------------------------------------------------------------------
// Action items

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: Id,
    agreement_id: Id,
    title: Json<Text>,
    responsible: Json<Vec<Id>>,
    agencies: Json<Text>,
    area: String,
    deadline: time::Date,
    progress: String,
    version: i64,
}

impl TryFrom<ItemRow> for ActionItem {
    type Error = StoreError;
    fn try_from(r: ItemRow) -> Result<Self> {
        Ok(ActionItem {
            id: r.id,
            agreement_id: r.agreement_id,
            title: r.title.0,
            responsible: r.responsible.0,
            agencies: r.agencies.0,
            area: r.area,
            deadline: convert::date_from_db(r.deadline)?,
            progress: Progress::parse(&r.progress)
                .ok_or_else(|| StoreError::Corrupt(format!("action item {}: progress", r.id)))?,
            version: r.version,
        })
    }
}

/// An item's columns, its responsible parties (in their order) gathered as a JSON array.
macro_rules! item_columns {
    (sqlite) => {
        concat!(
            "i.id, i.agreement_id, i.title, (SELECT json_group_array(x.party) FROM (SELECT hex(r.participant_id) \
             AS party FROM action_item_responsible r WHERE r.item_id = i.id ORDER BY r.position) x) AS responsible, \
             i.agencies, i.area, i.deadline, i.progress, i.version"
        )
    };
    (postgres) => {
        concat!(
            "i.id, i.agreement_id, i.title, (SELECT COALESCE(jsonb_agg(r.participant_id ORDER BY r.position), \
             '[]'::jsonb) FROM action_item_responsible r WHERE r.item_id = i.id) AS responsible, \
             i.agencies, i.area, i.deadline, i.progress, i.version"
        )
    };
}

macro_rules! select_items {
    ($engine:tt, $rest:literal) => {
        concat!("SELECT ", item_columns!($engine), " FROM action_items i ", $rest)
    };
}

const ITEMS_OF_SQLITE: &str =
    select_items!(sqlite, "WHERE i.agreement_id IN (SELECT unhex(value) FROM json_each($1)) ORDER BY i.deadline, i.id");
const ITEMS_OF_PG: &str = select_items!(
    postgres,
    "WHERE i.agreement_id IN (SELECT value::uuid FROM jsonb_array_elements_text($1)) ORDER BY i.deadline, i.id"
);
const ITEM_SQLITE: &str = select_items!(sqlite, "WHERE i.id = $1");
const ITEM_PG: &str = select_items!(postgres, "WHERE i.id = $1");

const INSERT_ITEM: &str = "INSERT INTO action_items (id, agreement_id, title, agencies, area, deadline, progress, \
     version) VALUES ($1, $2, $3, $4, $5, $6, $7, 1)";
const UPDATE_ITEM: &str = "UPDATE action_items SET title = $1, agencies = $2, area = $3, deadline = $4, \
     progress = $5, version = version + 1 WHERE id = $6 AND version = $7";
const ITEM_VERSION: &str = "SELECT version FROM action_items WHERE id = $1";
const HOLD_ITEM: &str = "UPDATE action_items SET version = version WHERE id = $1 AND version = $2";
const INSERT_RESPONSIBLE: &str =
    "INSERT INTO action_item_responsible (item_id, participant_id, position) VALUES ($1, $2, $3)";
const DELETE_RESPONSIBLE: &str = "DELETE FROM action_item_responsible WHERE item_id = $1";

/// The items of these agreements, each with its responsible parties in order, by deadline then id:
/// one query, however many agreements.
pub async fn items_of(store: &Store, agreements: &[Id]) -> Result<Vec<ActionItem>> {
    if agreements.is_empty() {
        return Ok(Vec::new());
    }
    let ids = convert::id_list(agreements);
    let rows: Vec<ItemRow> = match store.target() {
        Target::Sqlite(c) => sqlx::query_as(ITEMS_OF_SQLITE).bind(ids).fetch_all(c).await?,
        Target::Postgres(c) => sqlx::query_as(ITEMS_OF_PG).bind(ids).fetch_all(c).await?,
    };
    rows.into_iter().map(ActionItem::try_from).collect()
}

pub async fn item(store: &Store, id: Id) -> Result<Option<ActionItem>> {
    let row: Option<ItemRow> = match store.target() {
        Target::Sqlite(c) => sqlx::query_as(ITEM_SQLITE).bind(id).fetch_optional(c).await?,
        Target::Postgres(c) => sqlx::query_as(ITEM_PG).bind(id).fetch_optional(c).await?,
    };
    row.map(ActionItem::try_from).transpose()
}

async fn write_responsible(tx: &mut Tx, item: &ActionItem) -> Result<()> {
    for (position, party) in item.responsible.iter().enumerate() {
        execute!(tx, c => sqlx::query(INSERT_RESPONSIBLE).bind(item.id).bind(*party).bind(position as i32))
            .map_err(known("responsible"))?;
    }
    Ok(())
}

/// Adds an item under its agreement (an unknown agreement: [`StoreError::Unknown`] `agreement`),
/// with its responsible parties each once, in the order given.
pub async fn create_item(tx: &mut Tx, actor: &Actor, item: ActionItem) -> Result<ActionItem> {
    let item = ActionItem { responsible: distinct(item.responsible), version: 1, ..item };
    execute!(tx, c => sqlx::query(INSERT_ITEM)
        .bind(item.id)
        .bind(item.agreement_id)
        .bind(Json(&item.title))
        .bind(Json(&item.agencies))
        .bind(&item.area)
        .bind(convert::date_to_db(item.deadline))
        .bind(item.progress.as_str()))
    .map_err(known("agreement"))?;
    write_responsible(tx, &item).await?;
    audit::record(tx, Change::create(actor, EntityKind::ActionItem, item.id, &item)).await?;
    Ok(item)
}

/// Holds the item at the version it was read until the transaction ends (otherwise a conflict),
/// for a write beside it decided on it: a report that leaves its progress as it stands.
pub async fn hold_item(tx: &mut Tx, item: &ActionItem) -> Result<()> {
    if execute!(tx, c => sqlx::query(HOLD_ITEM).bind(item.id).bind(item.version))? != 1 {
        return Err(item_conflict(tx, item.id).await?);
    }
    Ok(())
}

async fn item_conflict(tx: &mut Tx, item: Id) -> Result<StoreError> {
    let current: Option<i64> = on!(tx, c => sqlx::query_scalar(ITEM_VERSION).bind(item).fetch_optional(c).await)?;
    Ok(StoreError::Conflict { entity: "action item", current: current.ok_or(StoreError::NotFound)? })
}

/// Writes `after` over the item if it is still at `before`'s version (otherwise a conflict),
/// rewriting its responsible parties if they changed. An item stays under its agreement.
pub async fn replace_item(tx: &mut Tx, actor: &Actor, before: &ActionItem, after: ActionItem) -> Result<ActionItem> {
    let after = ActionItem {
        id: before.id,
        agreement_id: before.agreement_id,
        responsible: distinct(after.responsible),
        version: before.version + 1,
        ..after
    };
    let done = execute!(tx, c => sqlx::query(UPDATE_ITEM)
        .bind(Json(&after.title))
        .bind(Json(&after.agencies))
        .bind(&after.area)
        .bind(convert::date_to_db(after.deadline))
        .bind(after.progress.as_str())
        .bind(before.id)
        .bind(before.version))?;
    if done != 1 {
        return Err(item_conflict(tx, before.id).await?);
    }
    if after.responsible != before.responsible {
        execute!(tx, c => sqlx::query(DELETE_RESPONSIBLE).bind(after.id))?;
        write_responsible(tx, &after).await?;
    }
    audit::record(tx, Change::update(actor, EntityKind::ActionItem, before.id, before, &after)).await?;
    Ok(after)
}

// ---------------------------------------------------------------------------------------------
// Reports

#[derive(sqlx::FromRow)]
struct ReportRow {
    id: Id,
    item_id: Id,
    author_id: Option<Id>,
    date: time::Date,
    text: String,
    progress: String,
    internal: bool,
    at: time::OffsetDateTime,
}

impl TryFrom<ReportRow> for Report {
    type Error = StoreError;
    fn try_from(r: ReportRow) -> Result<Self> {
        Ok(Report {
            id: r.id,
            item_id: r.item_id,
            author: r.author_id,
            date: convert::date_from_db(r.date)?,
            progress: Progress::parse(&r.progress)
                .ok_or_else(|| StoreError::Corrupt(format!("action report {}: progress", r.id)))?,
            text: r.text,
            internal: r.internal,
            at: convert::timestamp_from_db(r.at),
        })
    }
}

const REPORTS_OF_SQLITE: &str = "SELECT id, item_id, author_id, date, text, progress, internal, at \
     FROM action_reports WHERE item_id IN (SELECT unhex(value) FROM json_each($1)) ORDER BY date, at, id";
const REPORTS_OF_PG: &str = "SELECT id, item_id, author_id, date, text, progress, internal, at \
     FROM action_reports WHERE item_id IN (SELECT value::uuid FROM jsonb_array_elements_text($1)) \
     ORDER BY date, at, id";
const INSERT_REPORT: &str = "INSERT INTO action_reports (id, item_id, author_id, date, text, progress, internal, at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// The reports on these items, internal ones included (callers filter with `Report::visible_to`),
/// by date then the instant they were written: one query, however many items.
pub async fn reports_of(store: &Store, items: &[Id]) -> Result<Vec<Report>> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let ids = convert::id_list(items);
    let rows: Vec<ReportRow> = match store.target() {
        Target::Sqlite(c) => sqlx::query_as(REPORTS_OF_SQLITE).bind(ids).fetch_all(c).await?,
        Target::Postgres(c) => sqlx::query_as(REPORTS_OF_PG).bind(ids).fetch_all(c).await?,
    };
    rows.into_iter().map(Report::try_from).collect()
}

/// Adds a report on an item (an unknown item or author: [`StoreError::Unknown`] `item`). The
/// progress it reports is not written to the item here: the caller does that with
/// [`replace_item`] in the same transaction.
pub async fn add_report(tx: &mut Tx, actor: &Actor, report: Report) -> Result<Report> {
    let report = Report { at: stored(report.at), ..report };
    execute!(tx, c => sqlx::query(INSERT_REPORT)
        .bind(report.id)
        .bind(report.item_id)
        .bind(report.author)
        .bind(convert::date_to_db(report.date))
        .bind(&report.text)
        .bind(report.progress.as_str())
        .bind(report.internal)
        .bind(convert::timestamp_to_db(report.at)))
    .map_err(known("item"))?;
    audit::record(tx, Change::create(actor, EntityKind::ActionReport, report.id, &report)).await?;
    Ok(report)
}

/// The reminders already sent, as (item, kind): one query, so that a reminder round looks only at
/// what is still to be sent.
pub async fn reminded(store: &Store) -> Result<Vec<(Id, String)>> {
    const SQL: &str = "SELECT item_id, kind FROM action_item_reminders";
    Ok(on!(store, c => sqlx::query_as(SQL).fetch_all(c).await)?)
}

/// Records that the reminder of `kind` about an item goes out now; false if one already went, so
/// that each reminder is sent once whatever the number of nodes.
pub async fn remind_once(tx: &mut Tx, item: Id, kind: &str) -> Result<bool> {
    const SQL: &str =
        "INSERT INTO action_item_reminders (item_id, kind, sent_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
    let done = execute!(tx, c => sqlx::query(SQL).bind(item).bind(kind).bind(convert::now()))?;
    Ok(done == 1)
}

#[derive(sqlx::FromRow)]
struct AttachmentRow {
    id: Id,
    report_id: Id,
    name: String,
    media_type: String,
    size: i64,
    sha256: String,
}

impl From<AttachmentRow> for Attachment {
    fn from(r: AttachmentRow) -> Self {
        Attachment {
            id: r.id,
            report_id: r.report_id,
            name: r.name,
            media_type: r.media_type,
            size: u64::try_from(r.size).unwrap_or(0),
            sha256: r.sha256,
        }
    }
}

/// Attaches a file to a report, audited (the file's hash, not its content).
pub async fn attach(tx: &mut Tx, actor: &Actor, attachment: Attachment, content: &[u8]) -> Result<Attachment> {
    const SQL: &str = "INSERT INTO report_attachments (id, report_id, name, media_type, size, sha256, content, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    execute!(tx, c => sqlx::query(SQL)
        .bind(attachment.id)
        .bind(attachment.report_id)
        .bind(&attachment.name)
        .bind(&attachment.media_type)
        .bind(attachment.size as i64)
        .bind(&attachment.sha256)
        .bind(content)
        .bind(convert::now()))
    .map_err(known("report"))?;
    audit::record(tx, Change::create(actor, EntityKind::ActionReport, attachment.report_id, &attachment)).await?;
    Ok(attachment)
}

const ATTACHMENTS_OF_SQLITE: &str = "SELECT id, report_id, name, media_type, size, sha256 FROM report_attachments \
     WHERE report_id IN (SELECT unhex(value) FROM json_each($1)) ORDER BY created_at, id";
const ATTACHMENTS_OF_PG: &str = "SELECT id, report_id, name, media_type, size, sha256 FROM report_attachments \
     WHERE report_id IN (SELECT value::uuid FROM jsonb_array_elements_text($1)) ORDER BY created_at, id";

/// The attachments of these reports, without their content: one query.
pub async fn attachments_of(store: &Store, reports: &[Id]) -> Result<Vec<Attachment>> {
    if reports.is_empty() {
        return Ok(Vec::new());
    }
    let ids = convert::id_list(reports);
    let rows: Vec<AttachmentRow> = match store.target() {
        Target::Sqlite(c) => sqlx::query_as(ATTACHMENTS_OF_SQLITE).bind(ids).fetch_all(c).await?,
        Target::Postgres(c) => sqlx::query_as(ATTACHMENTS_OF_PG).bind(ids).fetch_all(c).await?,
    };
    Ok(rows.into_iter().map(Attachment::from).collect())
}

/// One attachment with its content.
pub async fn attachment(store: &Store, id: Id) -> Result<Option<(Attachment, Vec<u8>)>> {
    const SQL: &str = "SELECT id, report_id, name, media_type, size, sha256 FROM report_attachments WHERE id = $1";
    let row: Option<AttachmentRow> = on!(store, c => sqlx::query_as(SQL).bind(id).fetch_optional(c).await)?;
    let Some(row) = row else { return Ok(None) };
    let content: Vec<u8> = on!(store, c => sqlx::query_scalar("SELECT content FROM report_attachments WHERE id = $1")
        .bind(id)
        .fetch_one(c)
        .await)?;
    Ok(Some((Attachment::from(row), content)))
}
