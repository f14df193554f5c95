//! Events and the meetings they hold.

use domain::events::{Event, EventFields, Format, Meeting, MeetingFields, Venue};
use domain::policy::{Actor, EntityKind};
use domain::programme::Travel;
use domain::text::CaseForms;
use domain::{Id, Text, new_id};
use serde::Serialize;
use sqlx::types::Json;

use crate::audit::{self, Change};
use crate::db::Target;
use crate::db::convert::{self, date_from_db, date_to_db};
use crate::participants::id_of;
use crate::{Result, Store, StoreError, Tx, unique};

#[derive(sqlx::FromRow)]
struct EventRow {
    id: Id,
    slug: String,
    name: Json<Text>,
    host_id: Id,
    city: Json<Text>,
    city_cases: Json<CaseForms>,
    time_zone: String,
    start_date: time::Date,
    end_date: time::Date,
    venues: Json<Vec<Venue>>,
    travel: Json<Vec<Travel>>,
    accreditation_deadline: Option<time::OffsetDateTime>,
    version: i64,
}

impl TryFrom<EventRow> for Event {
    type Error = StoreError;
    fn try_from(r: EventRow) -> Result<Self> {
        Ok(Event {
            id: r.id,
            slug: r.slug,
            name: r.name.0,
            host: r.host_id,
            city: r.city.0,
            city_cases: r.city_cases.0,
            time_zone: r.time_zone,
            start_date: date_from_db(r.start_date)?,
            end_date: date_from_db(r.end_date)?,
            venues: r.venues.0,
            travel: r.travel.0,
            accreditation_deadline: r.accreditation_deadline.map(convert::timestamp_from_db),
            version: r.version,
        })
    }
}

const SELECT_PAGE: &str = "SELECT id, slug, name, host_id, city, city_cases, time_zone, start_date, end_date, venues, travel, accreditation_deadline, version \
     FROM events ORDER BY start_date DESC, slug LIMIT $1 OFFSET $2";
const SELECT_BY_SLUG: &str = "SELECT id, slug, name, host_id, city, city_cases, time_zone, start_date, end_date, venues, travel, accreditation_deadline, version \
     FROM events WHERE slug = $1";
const SELECT_BY_ID: &str = "SELECT id, slug, name, host_id, city, city_cases, time_zone, start_date, end_date, venues, travel, accreditation_deadline, version \
     FROM events WHERE id = $1";
const INSERT: &str = "INSERT INTO events (id, slug, name, host_id, city, time_zone, start_date, end_date, venues, travel, created_at, city_cases, version) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1)";
const UPDATE: &str = "UPDATE events SET slug = $1, name = $2, host_id = $3, city = $4, time_zone = $5, start_date = $6, \
     end_date = $7, venues = $8, travel = $9, city_cases = $10, version = version + 1 WHERE id = $11 AND version = $12";

/// One page of events, the latest first.
pub async fn page(store: &Store, limit: i64, offset: i64) -> Result<Vec<Event>> {
    let rows: Vec<EventRow> = on!(store, c => sqlx::query_as(SELECT_PAGE).bind(limit).bind(offset).fetch_all(c).await)?;
    rows.into_iter().map(Event::try_from).collect()
}

pub async fn by_slug(store: &Store, slug: &str) -> Result<Event> {
    let row: Option<EventRow> = on!(store, c => sqlx::query_as(SELECT_BY_SLUG).bind(slug).fetch_optional(c).await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

pub async fn by_id(store: &Store, id: Id) -> Result<Event> {
    let row: Option<EventRow> = on!(store, c => sqlx::query_as(SELECT_BY_ID).bind(id).fetch_optional(c).await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// Resolves a host code for a command that is about to write (for the policy check first).
pub async fn host_id(store: &Store, code: &str) -> Result<Id> {
    let row: Option<(Id,)> = on!(store, c => sqlx::query_as("SELECT id FROM participants WHERE code = $1").bind(code).fetch_optional(c).await)?;
    row.map(|r| r.0).ok_or(StoreError::Unknown { field: "host" })
}

pub async fn create(tx: &mut Tx, actor: &Actor, fields: EventFields) -> Result<Event> {
    let host = id_of(tx, &fields.host, "host").await?;
    let event = Event::new(new_id(), host, fields);
    execute!(tx, c => sqlx::query(INSERT)
        .bind(event.id)
        .bind(&event.slug)
        .bind(Json(&event.name))
        .bind(event.host)
        .bind(Json(&event.city))
        .bind(&event.time_zone)
        .bind(date_to_db(event.start_date))
        .bind(date_to_db(event.end_date))
        .bind(Json(&event.venues))
        .bind(Json(&event.travel))
        .bind(convert::now())
        .bind(Json(&event.city_cases)))
    .map_err(unique("slug"))?;
    audit::record(tx, Change::create(actor, EntityKind::Event, event.id, &event)).await?;
    Ok(event)
}

/// Replaces an event's fields if it is still at `expected_version`; otherwise [`StoreError::Conflict`].
pub async fn update(tx: &mut Tx, actor: &Actor, id: Id, expected_version: i64, fields: EventFields) -> Result<Event> {
    let before: Option<EventRow> = on!(tx, c => sqlx::query_as(SELECT_BY_ID).bind(id).fetch_optional(c).await)?;
    let before = Event::try_from(before.ok_or(StoreError::NotFound)?)?;
    if before.version != expected_version {
        return Err(StoreError::Conflict { entity: "event", current: before.version });
    }
    let host = id_of(tx, &fields.host, "host").await?;
    let after = Event { version: expected_version + 1, ..before.clone().with_fields(host, fields) };
    let done = execute!(tx, c => sqlx::query(UPDATE)
        .bind(&after.slug)
        .bind(Json(&after.name))
        .bind(after.host)
        .bind(Json(&after.city))
        .bind(&after.time_zone)
        .bind(date_to_db(after.start_date))
        .bind(date_to_db(after.end_date))
        .bind(Json(&after.venues))
        .bind(Json(&after.travel))
        .bind(Json(&after.city_cases))
        .bind(id)
        .bind(expected_version))
    .map_err(unique("slug"))?;
    if done != 1 {
        return Err(StoreError::Conflict { entity: "event", current: before.version });
    }
    audit::record(tx, Change::update(actor, EntityKind::Event, id, &before, &after)).await?;
    Ok(after)
}

#[derive(sqlx::FromRow)]
struct MeetingRow {
    id: Id,
    slug: String,
    event_id: Id,
    body_id: Id,
    number: Option<i32>,
    title: Json<Text>,
    cases: Json<CaseForms>,
    chair_id: Option<Id>,
    formats: Json<Vec<Format>>,
    date: time::Date,
    version: i64,
    event_slug: String,
    event_city: Json<Text>,
    event_host: Id,
    event_time_zone: String,
}

/// A meeting with what lists of meetings show of the event that holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingInEvent {
    pub meeting: Meeting,
    pub event_slug: String,
    pub city: Text,
    pub host: Id,
    /// The event's time zone, where the meeting's times are read.
    pub time_zone: String,
}

impl TryFrom<MeetingRow> for MeetingInEvent {
    type Error = StoreError;
    fn try_from(r: MeetingRow) -> Result<Self> {
        Ok(MeetingInEvent {
            meeting: Meeting {
                id: r.id,
                slug: r.slug,
                event_id: r.event_id,
                body_id: r.body_id,
                number: r.number,
                title: r.title.0,
                cases: r.cases.0,
                chair: r.chair_id,
                formats: r.formats.0,
                date: date_from_db(r.date)?,
                version: r.version,
            },
            event_slug: r.event_slug,
            city: r.event_city.0,
            host: r.event_host,
            time_zone: r.event_time_zone,
        })
    }
}

/// Meetings with their event's slug, city, host and time zone, then `$where`, in date order.
macro_rules! select_meetings {
    ($where:literal) => {
        concat!(
            "SELECT m.id, m.slug, m.event_id, m.body_id, m.number, m.title, m.cases, m.chair_id, m.formats, m.date, \
             m.version, e.slug AS event_slug, e.city AS event_city, e.host_id AS event_host, \
             e.time_zone AS event_time_zone \
             FROM meetings m JOIN events e ON e.id = m.event_id WHERE ",
            $where,
            " ORDER BY m.date, m.slug"
        )
    };
}

const SELECT_BY_EVENT: &str = select_meetings!("m.event_id = $1");
const SELECT_BY_BODY: &str = select_meetings!("m.body_id = $1");
const SELECT_BY_IDS_SQLITE: &str = select_meetings!("m.id IN (SELECT unhex(value) FROM json_each($1))");
const SELECT_BY_IDS_PG: &str = select_meetings!("m.id IN (SELECT value::uuid FROM jsonb_array_elements_text($1))");
const INSERT_MEETING: &str = "INSERT INTO meetings (id, slug, event_id, body_id, number, title, cases, chair_id, formats, date, version) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1)";

/// The meetings an event holds, in date order.
pub async fn meetings_of_event(store: &Store, event: Id) -> Result<Vec<MeetingInEvent>> {
    let rows: Vec<MeetingRow> = on!(store, c => sqlx::query_as(SELECT_BY_EVENT).bind(event).fetch_all(c).await)?;
    rows.into_iter().map(MeetingInEvent::try_from).collect()
}

/// A body's meeting history, oldest first.
pub async fn meetings_of_body(store: &Store, body: Id) -> Result<Vec<MeetingInEvent>> {
    let rows: Vec<MeetingRow> = on!(store, c => sqlx::query_as(SELECT_BY_BODY).bind(body).fetch_all(c).await)?;
    rows.into_iter().map(MeetingInEvent::try_from).collect()
}

/// The meetings with these ids (those of a page of documents), in one query.
pub async fn meetings_by_ids(store: &Store, ids: &[Id]) -> Result<Vec<MeetingInEvent>> {
    let ids = convert::id_list(ids);
    let rows: Vec<MeetingRow> = match store.target() {
        Target::Sqlite(c) => sqlx::query_as(SELECT_BY_IDS_SQLITE).bind(ids).fetch_all(c).await?,
        Target::Postgres(c) => sqlx::query_as(SELECT_BY_IDS_PG).bind(ids).fetch_all(c).await?,
    };
    rows.into_iter().map(MeetingInEvent::try_from).collect()
}

/// Adds a meeting to an event; the fields were checked against the event by `MeetingFields::validate`.
pub async fn create_meeting(
    tx: &mut Tx,
    actor: &Actor,
    event: &Event,
    body: Id,
    fields: MeetingFields,
) -> Result<Meeting> {
    let chair = match &fields.chair {
        Some(code) => Some(id_of(tx, code, "chair").await?),
        None => None,
    };
    let meeting = Meeting {
        id: new_id(),
        slug: fields.slug,
        event_id: event.id,
        body_id: body,
        number: fields.number,
        title: fields.title,
        cases: fields.cases,
        chair,
        formats: fields.formats,
        date: fields.date,
        version: 1,
    };
    execute!(tx, c => sqlx::query(INSERT_MEETING)
        .bind(meeting.id)
        .bind(&meeting.slug)
        .bind(meeting.event_id)
        .bind(meeting.body_id)
        .bind(meeting.number)
        .bind(Json(&meeting.title))
        .bind(Json(&meeting.cases))
        .bind(meeting.chair)
        .bind(Json(&meeting.formats))
        .bind(date_to_db(meeting.date)))
    .map_err(unique("slug"))?;
    audit::record(tx, Change::create(actor, EntityKind::Meeting, meeting.id, &meeting)).await?;
    Ok(meeting)
}

/// Sets or clears the accreditation deadline if the event is still at `expected_version`.
pub async fn set_deadline(
    tx: &mut Tx,
    actor: &Actor,
    event: &Event,
    expected_version: i64,
    deadline: Option<jiff::Timestamp>,
) -> Result<Event> {
    let db_deadline = deadline.map(convert::timestamp_to_db);
    let done = execute!(tx, c => sqlx::query(
        "UPDATE events SET accreditation_deadline = $1, version = version + 1 WHERE id = $2 AND version = $3",
    )
    .bind(db_deadline)
    .bind(event.id)
    .bind(expected_version))?;
    if done != 1 {
        return Err(StoreError::Conflict { entity: "event", current: event.version });
    }
    let after = Event { accreditation_deadline: deadline, version: expected_version + 1, ..event.clone() };
    audit::record(tx, Change::update(actor, EntityKind::Event, event.id, event, &after)).await?;
    Ok(after)
}
