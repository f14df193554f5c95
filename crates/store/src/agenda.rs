//! Agendas: the areas of cooperation a body added, the numbered items before a meeting per format,
//! each format's agenda (no row: a draft), and the adopted agendas the meeting reopened. Items are
//! never deleted: a withdrawn item stays.

use domain::agenda::{Agenda, AgendaItem, Area, ItemStatus, Reopening, Revision, RevisionItem};
use domain::events::Format;
use domain::policy::{Actor, EntityKind};
use domain::{Id, Text};
use sqlx::types::Json;

use crate::audit::{self, Change};
use crate::db::convert;
use crate::{Result, Store, StoreError, Tx, unique};

pub(crate) fn format_as_str(format: Format) -> &'static str {
    match format {
        Format::Narrow => "narrow",
        Format::Extended => "extended",
    }
}

fn format_parse(s: &str) -> Option<Format> {
    match s {
        "narrow" => Some(Format::Narrow),
        "extended" => Some(Format::Extended),
        _ => None,
    }
}

#[derive(sqlx::FromRow)]
struct AreaRow {
    body_id: Id,
    slug: String,
    name: Json<Text>,
}

impl From<AreaRow> for Area {
    fn from(r: AreaRow) -> Self {
        Area { body_id: r.body_id, slug: r.slug, name: r.name.0 }
    }
}

/// The areas a body's secretariat added, by slug: one query.
pub async fn areas_of(store: &Store, body: Id) -> Result<Vec<Area>> {
    const SQL: &str = "SELECT body_id, slug, name FROM cooperation_areas WHERE body_id = $1 ORDER BY slug";
    let rows: Vec<AreaRow> = on!(store, c => sqlx::query_as(SQL).bind(body).fetch_all(c).await)?;
    Ok(rows.into_iter().map(Area::from).collect())
}

/// The areas every body's secretariat added, by slug: one query.
pub async fn areas(store: &Store) -> Result<Vec<Area>> {
    const SQL: &str = "SELECT body_id, slug, name FROM cooperation_areas ORDER BY slug, body_id";
    let rows: Vec<AreaRow> = on!(store, c => sqlx::query_as(SQL).fetch_all(c).await)?;
    Ok(rows.into_iter().map(Area::from).collect())
}

/// Adds an area to a body; a slug the body already has is a duplicate.
pub async fn add_area(tx: &mut Tx, actor: &Actor, area: Area) -> Result<Area> {
    const SQL: &str = "INSERT INTO cooperation_areas (body_id, slug, name) VALUES ($1, $2, $3)";
    execute!(tx, c => sqlx::query(SQL).bind(area.body_id).bind(&area.slug).bind(Json(&area.name)))
        .map_err(unique("slug"))?;
    audit::record(tx, Change::create(actor, EntityKind::Area, area.body_id, &area)).await?;
    Ok(area)
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: Id,
    meeting_id: Id,
    format: String,
    number: i32,
    title: Json<Text>,
    area: String,
    initiator_id: Option<Id>,
    rapporteur: Json<Text>,
    status: String,
    reason: Json<Text>,
    forwarded_to: Option<Id>,
    version: i64,
}

impl TryFrom<ItemRow> for AgendaItem {
    type Error = StoreError;
    fn try_from(r: ItemRow) -> Result<Self> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("agenda item {}: {what}", r.id));
        Ok(AgendaItem {
            id: r.id,
            meeting_id: r.meeting_id,
            format: format_parse(&r.format).ok_or_else(|| corrupt("format"))?,
            number: u32::try_from(r.number).map_err(|_| corrupt("number"))?,
            title: r.title.0,
            area: r.area,
            initiator: r.initiator_id,
            rapporteur: r.rapporteur.0,
            status: ItemStatus::parse(&r.status).ok_or_else(|| corrupt("status"))?,
            reason: r.reason.0,
            forwarded_to: r.forwarded_to,
            version: r.version,
        })
    }
}

macro_rules! select_items {
    ($rest:literal) => {
        concat!(
            "SELECT id, meeting_id, format, number, title, area, initiator_id, rapporteur, status, reason, \
             forwarded_to, version FROM agenda_items ",
            $rest
        )
    };
}

const ITEMS_OF_MEETING: &str =
    select_items!("WHERE meeting_id = $1 ORDER BY CASE format WHEN 'narrow' THEN 0 ELSE 1 END, number, id");
const ITEM_BY_ID: &str = select_items!("WHERE id = $1");
const INSERT_ITEM: &str = "INSERT INTO agenda_items (id, meeting_id, format, number, title, area, initiator_id, \
     rapporteur, status, reason, forwarded_to, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1)";
const UPDATE_ITEM: &str = "UPDATE agenda_items SET format = $1, number = $2, title = $3, area = $4, initiator_id = $5, \
     rapporteur = $6, status = $7, reason = $8, forwarded_to = $9, version = version + 1 \
     WHERE id = $10 AND version = $11";

/// A meeting's items, the narrow format's first, each format's by number: one query.
pub async fn items_of_meeting(store: &Store, meeting: Id) -> Result<Vec<AgendaItem>> {
    let rows: Vec<ItemRow> = on!(store, c => sqlx::query_as(ITEMS_OF_MEETING).bind(meeting).fetch_all(c).await)?;
    rows.into_iter().map(AgendaItem::try_from).collect()
}

/// Adds an item; a number its meeting's format already has is a duplicate.
pub async fn create_item(tx: &mut Tx, actor: &Actor, item: AgendaItem) -> Result<AgendaItem> {
    let item = AgendaItem { version: 1, ..item };
    execute!(tx, c => sqlx::query(INSERT_ITEM)
        .bind(item.id)
        .bind(item.meeting_id)
        .bind(format_as_str(item.format))
        .bind(item.number as i32)
        .bind(Json(&item.title))
        .bind(&item.area)
        .bind(item.initiator)
        .bind(Json(&item.rapporteur))
        .bind(item.status.as_str())
        .bind(Json(&item.reason))
        .bind(item.forwarded_to))
    .map_err(unique("number"))?;
    audit::record(tx, Change::create(actor, EntityKind::AgendaItem, item.id, &item)).await?;
    Ok(item)
}

/// Writes `after` over the item if it is still at `before`'s version; otherwise a conflict.
pub async fn replace_item(tx: &mut Tx, actor: &Actor, before: &AgendaItem, after: AgendaItem) -> Result<AgendaItem> {
    let done = execute!(tx, c => sqlx::query(UPDATE_ITEM)
        .bind(format_as_str(after.format))
        .bind(after.number as i32)
        .bind(Json(&after.title))
        .bind(&after.area)
        .bind(after.initiator)
        .bind(Json(&after.rapporteur))
        .bind(after.status.as_str())
        .bind(Json(&after.reason))
        .bind(after.forwarded_to)
        .bind(before.id)
        .bind(before.version))
    .map_err(unique("number"))?;
    if done != 1 {
        let row: Option<ItemRow> = on!(tx, c => sqlx::query_as(ITEM_BY_ID).bind(before.id).fetch_optional(c).await)?;
        let current = row.ok_or(StoreError::NotFound)?.version;
        return Err(StoreError::Conflict { entity: "agenda item", current });
    }
    let after = AgendaItem { id: before.id, meeting_id: before.meeting_id, version: before.version + 1, ..after };
    audit::record(tx, Change::update(actor, EntityKind::AgendaItem, before.id, before, &after)).await?;
    Ok(after)
}

#[derive(sqlx::FromRow)]
struct AgendaRow {
    meeting_id: Id,
    format: String,
    adopted_at: Option<time::OffsetDateTime>,
    version: i64,
}

impl TryFrom<AgendaRow> for Agenda {
    type Error = StoreError;
    fn try_from(r: AgendaRow) -> Result<Self> {
        Ok(Agenda {
            meeting_id: r.meeting_id,
            format: format_parse(&r.format)
                .ok_or_else(|| StoreError::Corrupt(format!("agenda of meeting {}: format", r.meeting_id)))?,
            adopted_at: r.adopted_at.map(convert::timestamp_from_db),
            version: r.version,
        })
    }
}

const AGENDAS_OF_MEETING: &str = "SELECT meeting_id, format, adopted_at, version FROM agendas WHERE meeting_id = $1 \
     ORDER BY CASE format WHEN 'narrow' THEN 0 ELSE 1 END";
const AGENDA_VERSION: &str = "SELECT version FROM agendas WHERE meeting_id = $1 AND format = $2";
const INSERT_AGENDA: &str = "INSERT INTO agendas (meeting_id, format, adopted_at, version) VALUES ($1, $2, $3, 1) \
     ON CONFLICT (meeting_id, format) DO NOTHING";
const UPDATE_AGENDA: &str = "UPDATE agendas SET adopted_at = $1, version = version + 1 \
     WHERE meeting_id = $2 AND format = $3 AND version = $4";

const HOLD_AGENDA: &str = "INSERT INTO agendas (meeting_id, format, adopted_at, version) VALUES ($1, $2, NULL, 1) \
     ON CONFLICT (meeting_id, format) DO UPDATE \
     SET version = CASE WHEN agendas.adopted_at IS NULL THEN agendas.version + 1 ELSE agendas.version END \
     RETURNING adopted_at";

/// Holds the agendas an item change touches, until the transaction ends, and says which of those
/// formats are adopted as the transaction finds them. The item's change is decided on that answer,
/// not on what its request read before: an adoption in another transaction waits for this one,
/// then conflicts, as a draft's version moves (a format without a row gets one), so it never
/// adopts items it did not see; and a change decided on a draft never lands on an agenda adopted
/// meanwhile. An adopted agenda's version stays: the status changes of a sitting do not make a
/// colleague's reopening conflict. The version counts what adoption must have seen, not a change
/// of its own, so it is not audited; the item's change is.
pub async fn hold_agendas(tx: &mut Tx, meeting: Id, formats: &[Format]) -> Result<Vec<Format>> {
    let mut adopted = Vec::new();
    // Always in the same order, so that two changes holding both formats cannot deadlock.
    for format in [Format::Narrow, Format::Extended].into_iter().filter(|f| formats.contains(f)) {
        let at: Option<time::OffsetDateTime> = on!(tx, c => sqlx::query_scalar(HOLD_AGENDA)
            .bind(meeting)
            .bind(format_as_str(format))
            .fetch_one(c)
            .await)?;
        if at.is_some() {
            adopted.push(format);
        }
    }
    Ok(adopted)
}

/// The agendas of a meeting that have a row (a format without one has a draft agenda), narrow first.
pub async fn agendas_of_meeting(store: &Store, meeting: Id) -> Result<Vec<Agenda>> {
    let rows: Vec<AgendaRow> = on!(store, c => sqlx::query_as(AGENDAS_OF_MEETING).bind(meeting).fetch_all(c).await)?;
    rows.into_iter().map(Agenda::try_from).collect()
}

/// Records a format's agenda: inserted when the caller saw none (`before` is `None`), else written
/// over `before` if it is still at its version. Either way a stale caller gets a conflict.
pub async fn set_agenda(tx: &mut Tx, actor: &Actor, before: Option<&Agenda>, after: Agenda) -> Result<Agenda> {
    let adopted_at = after.adopted_at.map(convert::timestamp_to_db);
    let format = format_as_str(after.format);
    let done = match before {
        None => execute!(tx, c => sqlx::query(INSERT_AGENDA).bind(after.meeting_id).bind(format).bind(adopted_at))?,
        Some(b) => execute!(tx, c => sqlx::query(UPDATE_AGENDA)
            .bind(adopted_at)
            .bind(b.meeting_id)
            .bind(format_as_str(b.format))
            .bind(b.version))?,
    };
    let (meeting, format) = before.map_or((after.meeting_id, format), |b| (b.meeting_id, format_as_str(b.format)));
    if done != 1 {
        let current: Option<i64> =
            on!(tx, c => sqlx::query_scalar(AGENDA_VERSION).bind(meeting).bind(format).fetch_optional(c).await)?;
        return Err(StoreError::Conflict { entity: "agenda", current: current.unwrap_or(0) });
    }
    let after = Agenda {
        meeting_id: meeting,
        format: before.map_or(after.format, |b| b.format),
        adopted_at: adopted_at.map(convert::timestamp_from_db),
        version: before.map_or(1, |b| b.version + 1),
    };
    let change = match before {
        None => Change::create(actor, EntityKind::Agenda, meeting, &after),
        Some(b) => Change::update(actor, EntityKind::Agenda, meeting, b, &after),
    };
    audit::record(tx, change).await?;
    Ok(after)
}

#[derive(sqlx::FromRow)]
struct RevisionRow {
    meeting_id: Id,
    format: String,
    number: i32,
    adopted_at: time::OffsetDateTime,
    reopened_at: time::OffsetDateTime,
    reason: Json<Text>,
    items: Json<Vec<RevisionItem>>,
}

impl TryFrom<RevisionRow> for Revision {
    type Error = StoreError;
    fn try_from(r: RevisionRow) -> Result<Self> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("agenda revision of meeting {}: {what}", r.meeting_id));
        Ok(Revision {
            number: u32::try_from(r.number).map_err(|_| corrupt("number"))?,
            reopening: Reopening {
                meeting_id: r.meeting_id,
                format: format_parse(&r.format).ok_or_else(|| corrupt("format"))?,
                adopted_at: convert::timestamp_from_db(r.adopted_at),
                reopened_at: convert::timestamp_from_db(r.reopened_at),
                reason: r.reason.0,
            },
            items: r.items.0,
        })
    }
}

const REVISIONS_OF_MEETING: &str = "SELECT meeting_id, format, number, adopted_at, reopened_at, reason, items \
     FROM agenda_revisions WHERE meeting_id = $1 ORDER BY CASE format WHEN 'narrow' THEN 0 ELSE 1 END, number";
const NEXT_REVISION: &str = "SELECT CAST(COALESCE(MAX(number), 0) + 1 AS BIGINT) FROM agenda_revisions \
     WHERE meeting_id = $1 AND format = $2";
const ITEMS_OF_FORMAT: &str = select_items!("WHERE meeting_id = $1 AND format = $2 ORDER BY number, id");
const INSERT_REVISION: &str = "INSERT INTO agenda_revisions (meeting_id, format, number, adopted_at, reopened_at, \
     reason, items) VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// The adopted agendas a meeting reopened, the narrow format's first, each format's in order:
/// one query.
pub async fn revisions_of_meeting(store: &Store, meeting: Id) -> Result<Vec<Revision>> {
    let rows: Vec<RevisionRow> =
        on!(store, c => sqlx::query_as(REVISIONS_OF_MEETING).bind(meeting).fetch_all(c).await)?;
    rows.into_iter().map(Revision::try_from).collect()
}

/// Reopens an adopted agenda: `after` (a draft) written over `before` if it is still at its
/// version, then the agenda as it stands kept with the `reopening` as the next revision. The items
/// and the number are read in the same transaction, after the agenda's row is written, rather
/// than taken from what the caller read: the revision is the agenda as this reopening found it,
/// and a second reopening of the same version conflicts on that row and keeps nothing.
pub async fn reopen(
    tx: &mut Tx,
    actor: &Actor,
    before: &Agenda,
    after: Agenda,
    reopening: Reopening,
) -> Result<(Agenda, Revision)> {
    let after = set_agenda(tx, actor, Some(before), after).await?;
    let (meeting, format) = (reopening.meeting_id, format_as_str(reopening.format));
    let number: i64 = on!(tx, c => sqlx::query_scalar(NEXT_REVISION).bind(meeting).bind(format).fetch_one(c).await)?;
    let rows: Vec<ItemRow> =
        on!(tx, c => sqlx::query_as(ITEMS_OF_FORMAT).bind(meeting).bind(format).fetch_all(c).await)?;
    let items =
        rows.into_iter().map(|r| AgendaItem::try_from(r).map(|i| RevisionItem::from(&i))).collect::<Result<_>>()?;
    let number =
        u32::try_from(number).map_err(|_| StoreError::Corrupt(format!("agenda revisions of meeting {meeting}")))?;
    let revision = Revision { number, reopening, items };
    execute!(tx, c => sqlx::query(INSERT_REVISION)
        .bind(meeting)
        .bind(format)
        .bind(number as i32)
        .bind(convert::timestamp_to_db(revision.reopening.adopted_at))
        .bind(convert::timestamp_to_db(revision.reopening.reopened_at))
        .bind(Json(&revision.reopening.reason))
        .bind(Json(&revision.items)))?;
    audit::record(tx, Change::create(actor, EntityKind::AgendaRevision, meeting, &revision)).await?;
    Ok((after, revision))
}
