//! The press office: press releases with their timing and corrections, press photos with their
//! credits, and journalists' applications for media accreditation.
//!
//! Timing is `domain::press::PressRelease::shown_to`; [`releases`], [`count_releases`] and
//! [`public_photos`] apply the same rule inside their one query, with
//! the caller's `now`, never afterwards: nothing is shown before its time and everything is the
//! moment its time has passed, without a job that flips a status.
//!
//! The instants of these tables are written through [`At`]: on SQLite as text of a fixed width, so
//! that SQL compares and orders them as instants.

use std::collections::HashMap;

use domain::policy::{Actor, EntityKind};
pub use domain::press::Reach;
use domain::press::{ApplicationStatus, Correction, MediaApplication, PressPhoto, PressRelease, ReleaseStatus};
use domain::{Id, Text};
use jiff::Timestamp;
use sqlx::encode::{Encode, IsNull};
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo};
use sqlx::sqlite::{SqliteArgumentsBuffer, SqliteTypeInfo};
use sqlx::types::Json;
use sqlx::{Postgres, Sqlite, Type};

use crate::audit::{self, Change};
use crate::db::{Target, convert};
use crate::{Result, Store, StoreError, Tx};

/// An instant as the database keeps it (to the microsecond), so that what a write returns equals
/// what a later read gives.
fn stored(t: Timestamp) -> Timestamp {
    convert::timestamp_from_db(convert::timestamp_to_db(t))
}

/// Maps a foreign-key violation (an id that names nothing) to [`StoreError::Unknown`].
fn known(field: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => StoreError::Unknown { field },
        _ => StoreError::Database(e),
    }
}

/// An instant of the press tables, as a query parameter. PostgreSQL keeps it as `TIMESTAMPTZ`.
/// SQLite keeps text, and the driver's own RFC 3339 text drops the fraction's trailing zeros
/// ("…12:00:00Z" sorts after "…12:00:00.5Z"): here it is always `YYYY-MM-DDTHH:MM:SS.ffffffZ`, so
/// that `release_at <= $now` and `ORDER BY release_at` compare instants. The driver reads it back
/// as any RFC 3339 instant.
#[derive(Debug, Clone, Copy)]
struct At(Timestamp);

impl At {
    fn text(self) -> String {
        stored(self.0).strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
    }
}

impl Type<Sqlite> for At {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
}

impl Encode<'_, Sqlite> for At {
    fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
        Encode::<Sqlite>::encode(self.text(), buf)
    }
}

impl Type<Postgres> for At {
    fn type_info() -> PgTypeInfo {
        <time::OffsetDateTime as Type<Postgres>>::type_info()
    }
}

impl Encode<'_, Postgres> for At {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        Encode::<Postgres>::encode(convert::timestamp_to_db(self.0), buf)
    }
}

// ---------------------------------------------------------------------------------------------
// Releases

#[derive(sqlx::FromRow)]
struct ReleaseRow {
    id: Id,
    event_id: Id,
    title: Json<Text>,
    body: Json<Text>,
    status: String,
    release_at: Option<time::OffsetDateTime>,
    photos: Json<Vec<Id>>,
    corrections: Json<Vec<Correction>>,
    held_by_press: bool,
    created_at: time::OffsetDateTime,
    updated_at: time::OffsetDateTime,
    version: i64,
}

impl TryFrom<ReleaseRow> for PressRelease {
    type Error = StoreError;
    fn try_from(r: ReleaseRow) -> Result<Self> {
        Ok(PressRelease {
            id: r.id,
            event_id: r.event_id,
            title: r.title.0,
            body: r.body.0,
            status: ReleaseStatus::parse(&r.status)
                .ok_or_else(|| StoreError::Corrupt(format!("press release {}: status", r.id)))?,
            release_at: r.release_at.map(convert::timestamp_from_db),
            photos: r.photos.0,
            corrections: r.corrections.0,
            held_by_press: r.held_by_press,
            created_at: convert::timestamp_from_db(r.created_at),
            updated_at: convert::timestamp_from_db(r.updated_at),
            version: r.version,
        })
    }
}

/// A release as it is written: its instants to the microsecond.
fn stored_release(release: &PressRelease, version: i64) -> PressRelease {
    PressRelease {
        release_at: release.release_at.map(stored),
        created_at: stored(release.created_at),
        updated_at: stored(release.updated_at),
        version,
        ..release.clone()
    }
}

macro_rules! select_releases {
    ($rest:literal) => {
        concat!(
            "SELECT r.id, r.event_id, r.title, r.body, r.status, r.release_at, r.photos, r.corrections, \
             r.held_by_press, r.created_at, r.updated_at, r.version FROM press_releases r ",
            $rest
        )
    };
}

/// Released, for everyone, at the instant `$now`: the rule of `PressRelease::shown_to` for the
/// public (a released status whose time has passed).
macro_rules! released {
    ($now:literal) => {
        concat!("(r.status IN ('scheduled', 'embargoed', 'published') AND r.release_at <= ", $now, ")")
    };
}

/// Which releases a reader sees, inside the query. $1: the event, if one; $2: now; $3: everything
/// (an admin); $4: the events whose press office (the editor sees all their releases); $5: the
/// events the press is accredited to (embargoed releases before their time).
macro_rules! shown {
    (sqlite) => {
        shown!(@ "(SELECT unhex(value) FROM json_each($4))", "(SELECT unhex(value) FROM json_each($5))")
    };
    (postgres) => {
        shown!(@ "(SELECT value::uuid FROM jsonb_array_elements_text($4))",
               "(SELECT value::uuid FROM jsonb_array_elements_text($5))")
    };
    (@ $edits:literal, $press:literal) => {
        concat!(
            "WHERE ($1 IS NULL OR r.event_id = $1) AND (",
            released!("$2"),
            " OR $3 OR r.event_id IN ",
            $edits,
            " OR (r.status = 'embargoed' AND r.release_at IS NOT NULL AND r.event_id IN ",
            $press,
            "))"
        )
    };
}

macro_rules! releases_sql {
    ($engine:tt) => {
        concat!(
            select_releases!(""),
            shown!($engine),
            " ORDER BY COALESCE(r.release_at, r.updated_at) DESC, r.id DESC LIMIT $6 OFFSET $7"
        )
    };
}

const RELEASES_SQLITE: &str = releases_sql!(sqlite);
const RELEASES_PG: &str = releases_sql!(postgres);
const COUNT_RELEASES_SQLITE: &str = concat!("SELECT COUNT(*) FROM press_releases r ", shown!(sqlite));
const COUNT_RELEASES_PG: &str = concat!("SELECT COUNT(*) FROM press_releases r ", shown!(postgres));
const RELEASE_BY_ID: &str = select_releases!("WHERE r.id = $1");

const INSERT_RELEASE: &str = "INSERT INTO press_releases (id, event_id, title, body, status, release_at, photos, \
     corrections, held_by_press, created_at, updated_at, version) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1)";
const UPDATE_RELEASE: &str = "UPDATE press_releases SET title = $1, body = $2, status = $3, release_at = $4, \
     photos = $5, corrections = $6, held_by_press = $7, updated_at = $8, version = version + 1 \
     WHERE id = $9 AND version = $10";
const RELEASE_VERSION: &str = "SELECT version FROM press_releases WHERE id = $1";

/// The parameters $3, $4 and $5 of [`shown`]: everything, the events edited, the events
/// accredited to.
fn params(reach: &Reach) -> (bool, Json<Vec<String>>, Json<Vec<String>>) {
    match reach {
        Reach::Editor { events: None } => (true, convert::id_list(&[]), convert::id_list(&[])),
        Reach::Editor { events: Some(events) } => (false, convert::id_list(events), convert::id_list(&[])),
        Reach::Press { events } => (false, convert::id_list(&[]), convert::id_list(events)),
        Reach::Public => (false, convert::id_list(&[]), convert::id_list(&[])),
    }
}

/// Which releases to list; `limit` ≤ 0 means no limit.
#[derive(Debug, Clone)]
pub struct ReleaseQuery {
    /// One event's releases, or every event's.
    pub event: Option<Id>,
    pub reach: Reach,
    /// The instant the timing is judged at (the clock's, or a test's).
    pub now: Timestamp,
    pub limit: i64,
    pub offset: i64,
}

/// Binds $1 to $5 of [`shown`].
macro_rules! bind_shown {
    ($query:expr, $q:expr) => {{
        let (all, edits, press) = params(&$q.reach);
        $query.bind($q.event).bind(At($q.now)).bind(all).bind(edits).bind(press)
    }};
}

/// The releases `query.reach` sees at `query.now`, in one query: the latest released first (by
/// release time, else by last change), then by id.
pub async fn releases(store: &Store, query: &ReleaseQuery) -> Result<Vec<PressRelease>> {
    let limit = if query.limit > 0 { query.limit } else { i64::MAX };
    let offset = query.offset.max(0);
    let rows: Vec<ReleaseRow> = match store.target() {
        Target::Sqlite(c) => {
            bind_shown!(sqlx::query_as(RELEASES_SQLITE), query).bind(limit).bind(offset).fetch_all(c).await?
        }
        Target::Postgres(c) => {
            bind_shown!(sqlx::query_as(RELEASES_PG), query).bind(limit).bind(offset).fetch_all(c).await?
        }
    };
    rows.into_iter().map(PressRelease::try_from).collect()
}

/// How many releases [`releases`] would list without `limit` and `offset`: the same conditions.
pub async fn count_releases(store: &Store, query: &ReleaseQuery) -> Result<i64> {
    let n: i64 = match store.target() {
        Target::Sqlite(c) => bind_shown!(sqlx::query_scalar(COUNT_RELEASES_SQLITE), query).fetch_one(c).await?,
        Target::Postgres(c) => bind_shown!(sqlx::query_scalar(COUNT_RELEASES_PG), query).fetch_one(c).await?,
    };
    Ok(n)
}

/// One release, whatever its state (callers ask `PressRelease::shown_to`).
pub async fn release(store: &Store, id: Id) -> Result<Option<PressRelease>> {
    let row: Option<ReleaseRow> = on!(store, c => sqlx::query_as(RELEASE_BY_ID).bind(id).fetch_optional(c).await)?;
    row.map(PressRelease::try_from).transpose()
}

/// Writes a new release at version 1 (an unknown event: [`StoreError::Unknown`] `event`).
pub async fn insert_release(tx: &mut Tx, actor: &Actor, release: &PressRelease) -> Result<PressRelease> {
    let release = stored_release(release, 1);
    execute!(tx, c => sqlx::query(INSERT_RELEASE)
        .bind(release.id)
        .bind(release.event_id)
        .bind(Json(&release.title))
        .bind(Json(&release.body))
        .bind(release.status.as_str())
        .bind(release.release_at.map(At))
        .bind(convert::id_list(&release.photos))
        .bind(Json(&release.corrections))
        .bind(release.held_by_press)
        .bind(At(release.created_at))
        .bind(At(release.updated_at)))
    // An id a form chose is another release's, or the same release's sent at the same moment.
    .map_err(|e| match crate::unique("id")(e) {
        StoreError::Database(e) => known("event")(e),
        other => other,
    })?;
    audit::record(tx, Change::create(actor, EntityKind::PressRelease, release.id, &release)).await?;
    Ok(release)
}

/// Writes `release` over the stored one if that is still at `expected_version` (otherwise
/// [`StoreError::Conflict`]): its text, status, time, photos, corrections and last change. A
/// release stays with its event and keeps its creation time.
pub async fn update_release(
    tx: &mut Tx,
    actor: &Actor,
    release: &PressRelease,
    expected_version: i64,
) -> Result<PressRelease> {
    let row: Option<ReleaseRow> = on!(tx, c => sqlx::query_as(RELEASE_BY_ID).bind(release.id).fetch_optional(c).await)?;
    let before = PressRelease::try_from(row.ok_or(StoreError::NotFound)?)?;
    if before.version != expected_version {
        return Err(StoreError::Conflict { entity: "press release", current: before.version });
    }
    let after = PressRelease {
        event_id: before.event_id,
        created_at: before.created_at,
        ..stored_release(release, expected_version + 1)
    };
    let done = execute!(tx, c => sqlx::query(UPDATE_RELEASE)
        .bind(Json(&after.title))
        .bind(Json(&after.body))
        .bind(after.status.as_str())
        .bind(after.release_at.map(At))
        .bind(convert::id_list(&after.photos))
        .bind(Json(&after.corrections))
        .bind(after.held_by_press)
        .bind(At(after.updated_at))
        .bind(after.id)
        .bind(expected_version))?;
    if done != 1 {
        let current: Option<i64> =
            on!(tx, c => sqlx::query_scalar(RELEASE_VERSION).bind(after.id).fetch_optional(c).await)?;
        return Err(StoreError::Conflict { entity: "press release", current: current.ok_or(StoreError::NotFound)? });
    }
    audit::record(tx, Change::update(actor, EntityKind::PressRelease, after.id, &before, &after)).await?;
    Ok(after)
}

// ---------------------------------------------------------------------------------------------
// Photos

#[derive(sqlx::FromRow)]
struct PhotoRow {
    id: Id,
    event_id: Id,
    caption: Json<Text>,
    credit: String,
    item_id: Option<Id>,
    public: bool,
    width: i32,
    height: i32,
    created_at: time::OffsetDateTime,
}

impl TryFrom<PhotoRow> for PressPhoto {
    type Error = StoreError;
    fn try_from(r: PhotoRow) -> Result<Self> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("press photo {}: {what}", r.id));
        Ok(PressPhoto {
            id: r.id,
            event_id: r.event_id,
            caption: r.caption.0,
            credit: r.credit,
            item: r.item_id,
            public: r.public,
            width: u32::try_from(r.width).map_err(|_| corrupt("width"))?,
            height: u32::try_from(r.height).map_err(|_| corrupt("height"))?,
            created_at: convert::timestamp_from_db(r.created_at),
        })
    }
}

macro_rules! select_photos {
    ($rest:literal) => {
        concat!(
            "SELECT p.id, p.event_id, p.caption, p.credit, p.item_id, p.public, p.width, p.height, p.created_at \
             FROM press_photos p ",
            $rest
        )
    };
}

const PHOTO_BY_ID: &str = select_photos!("WHERE p.id = $1");
const PHOTOS_OF_EVENT: &str = select_photos!("WHERE p.event_id = $1 ORDER BY p.created_at DESC, p.id DESC");
const PHOTOS_BY_IDS_SQLITE: &str = select_photos!("WHERE p.id IN (SELECT unhex(value) FROM json_each($1))");
const PHOTOS_BY_IDS_PG: &str = select_photos!("WHERE p.id IN (SELECT value::uuid FROM jsonb_array_elements_text($1))");
/// $1: the event, if one; $2: now. A photo is public when the press office says so, or once a
/// release of its own event showing it is released.
const PUBLIC_PHOTOS_SQLITE: &str = concat!(
    select_photos!("WHERE ($1 IS NULL OR p.event_id = $1) AND (p.public OR EXISTS (SELECT 1 FROM press_releases r, "),
    "json_each(r.photos) j WHERE r.event_id = p.event_id AND unhex(j.value) = p.id AND ",
    released!("$2"),
    ")) ORDER BY p.created_at DESC, p.id DESC"
);
const PUBLIC_PHOTOS_PG: &str = concat!(
    select_photos!("WHERE ($1 IS NULL OR p.event_id = $1) AND (p.public OR EXISTS (SELECT 1 FROM press_releases r "),
    "WHERE r.event_id = p.event_id AND r.photos @> jsonb_build_array(replace(p.id::text, '-', '')) AND ",
    released!("$2"),
    ")) ORDER BY p.created_at DESC, p.id DESC"
);
const INSERT_PHOTO: &str = "INSERT INTO press_photos (id, event_id, photo_id, caption, credit, item_id, public, \
     width, height, created_at) VALUES ($1, $2, $1, $3, $4, $5, $6, $7, $8, $9)";
const DELETE_PHOTO: &str = "DELETE FROM press_photos WHERE id = $1";
const DELETE_PHOTO_BYTES: &str = "DELETE FROM photos WHERE id = $1";

/// Stores a photo's re-encoded bytes (the full JPEG and its thumbnail) in the photo store under `id`.
async fn store_photo(tx: &mut Tx, id: Id, jpeg: &[u8], thumbnail: &[u8]) -> Result<()> {
    const SQL: &str = "INSERT INTO photos (id, jpeg, thumbnail, created_at) VALUES ($1, $2, $3, $4)";
    execute!(tx, c => sqlx::query(SQL).bind(id).bind(jpeg).bind(thumbnail).bind(convert::now()))
        .map_err(crate::unique("photo"))?;
    Ok(())
}

/// Stores a photo's re-encoded bytes (the full JPEG and its thumbnail) in the photo store, for a
/// journalist's application, and gives its new id. Read back with [`photo_bytes`].
pub async fn insert_photo_bytes(tx: &mut Tx, jpeg: &[u8], thumbnail: &[u8]) -> Result<Id> {
    let id = domain::new_id();
    store_photo(tx, id, jpeg, thumbnail).await?;
    Ok(id)
}

/// Adds a press photo with its bytes (re-encoded by the caller), which the photo store keeps under
/// the press photo's own id (an unknown event or programme item: [`StoreError::Unknown`]).
pub async fn insert_photo(
    tx: &mut Tx,
    actor: &Actor,
    photo: &PressPhoto,
    jpeg: &[u8],
    thumbnail: &[u8],
) -> Result<PressPhoto> {
    let photo = PressPhoto { created_at: stored(photo.created_at), ..photo.clone() };
    store_photo(tx, photo.id, jpeg, thumbnail).await?;
    let dimension = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    execute!(tx, c => sqlx::query(INSERT_PHOTO)
        .bind(photo.id)
        .bind(photo.event_id)
        .bind(Json(&photo.caption))
        .bind(&photo.credit)
        .bind(photo.item)
        .bind(photo.public)
        .bind(dimension(photo.width))
        .bind(dimension(photo.height))
        .bind(At(photo.created_at)))
    .map_err(known(if photo.item.is_some() { "item" } else { "event" }))?;
    audit::record(tx, Change::create(actor, EntityKind::PressPhoto, photo.id, &photo)).await?;
    Ok(photo)
}

pub async fn photo(store: &Store, id: Id) -> Result<Option<PressPhoto>> {
    let row: Option<PhotoRow> = on!(store, c => sqlx::query_as(PHOTO_BY_ID).bind(id).fetch_optional(c).await)?;
    row.map(PressPhoto::try_from).transpose()
}

/// Every press photo of an event, public or not, the latest first: one query.
pub async fn photos_of_event(store: &Store, event: Id) -> Result<Vec<PressPhoto>> {
    let rows: Vec<PhotoRow> = on!(store, c => sqlx::query_as(PHOTOS_OF_EVENT).bind(event).fetch_all(c).await)?;
    rows.into_iter().map(PressPhoto::try_from).collect()
}

/// The press photos of these ids that exist, in the order given (a release's photos): one query.
pub async fn photos_by_ids(store: &Store, ids: &[Id]) -> Result<Vec<PressPhoto>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = convert::id_list(ids);
    let rows: Vec<PhotoRow> = match store.target() {
        Target::Sqlite(c) => sqlx::query_as(PHOTOS_BY_IDS_SQLITE).bind(list).fetch_all(c).await?,
        Target::Postgres(c) => sqlx::query_as(PHOTOS_BY_IDS_PG).bind(list).fetch_all(c).await?,
    };
    let mut found =
        rows.into_iter().map(|r| PressPhoto::try_from(r).map(|p| (p.id, p))).collect::<Result<HashMap<_, _>>>()?;
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// The photos the public sees at `now`, of one event or all, the latest first: those marked
/// public, and those of a release that is released (`PressRelease::shown_to` the public): one query.
pub async fn public_photos(store: &Store, event: Option<Id>, now: Timestamp) -> Result<Vec<PressPhoto>> {
    let rows: Vec<PhotoRow> = match store.target() {
        Target::Sqlite(c) => sqlx::query_as(PUBLIC_PHOTOS_SQLITE).bind(event).bind(At(now)).fetch_all(c).await?,
        Target::Postgres(c) => sqlx::query_as(PUBLIC_PHOTOS_PG).bind(event).bind(At(now)).fetch_all(c).await?,
    };
    rows.into_iter().map(PressPhoto::try_from).collect()
}

/// The bytes of a stored photo (a press photo's, by its id, or an application's): the full JPEG
/// or its thumbnail; `None` if there is no such photo.
pub async fn photo_bytes(store: &Store, id: Id, thumbnail: bool) -> Result<Option<Vec<u8>>> {
    match crate::delegations::photo(store, id, thumbnail).await {
        Ok(bytes) => Ok(Some(bytes)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Takes a press photo down, its pixels with it (a photo is taken down because it must not be
/// shown), audited with what it was. The releases that showed it are the caller's to change first.
pub async fn delete_photo(tx: &mut Tx, actor: &Actor, id: Id) -> Result<()> {
    let row: Option<PhotoRow> = on!(tx, c => sqlx::query_as(PHOTO_BY_ID).bind(id).fetch_optional(c).await)?;
    let before = PressPhoto::try_from(row.ok_or(StoreError::NotFound)?)?;
    if execute!(tx, c => sqlx::query(DELETE_PHOTO).bind(id))? != 1 {
        return Err(StoreError::NotFound);
    }
    // The pixels are the photo store's row of the same id (INSERT_PHOTO).
    execute!(tx, c => sqlx::query(DELETE_PHOTO_BYTES).bind(id))?;
    let change = Change {
        entity: EntityKind::PressPhoto,
        entity_id: id,
        action: "delete",
        before: Some(serde_json::to_value(&before).expect("domain types serialise to JSON")),
        after: None,
        actor,
    };
    audit::record(tx, change).await
}

// ---------------------------------------------------------------------------------------------
// Media applications

#[derive(sqlx::FromRow)]
struct ApplicationRow {
    id: Id,
    event_id: Id,
    name: String,
    outlet: String,
    country: String,
    email: String,
    press_card: String,
    photo_id: Option<Id>,
    status: String,
    reason: String,
    user_id: Option<Id>,
    created_at: time::OffsetDateTime,
    version: i64,
}

impl TryFrom<ApplicationRow> for MediaApplication {
    type Error = StoreError;
    fn try_from(r: ApplicationRow) -> Result<Self> {
        Ok(MediaApplication {
            status: ApplicationStatus::parse(&r.status)
                .ok_or_else(|| StoreError::Corrupt(format!("media application {}: status", r.id)))?,
            id: r.id,
            event_id: r.event_id,
            name: r.name,
            outlet: r.outlet,
            country: r.country,
            email: r.email,
            press_card: r.press_card,
            photo: r.photo_id,
            reason: r.reason,
            user_id: r.user_id,
            created_at: convert::timestamp_from_db(r.created_at),
            version: r.version,
        })
    }
}

macro_rules! select_applications {
    ($rest:literal) => {
        concat!(
            "SELECT a.id, a.event_id, a.name, a.outlet, a.country, a.email, a.press_card, a.photo_id, a.status, \
             a.reason, a.user_id, a.created_at, a.version FROM media_applications a ",
            $rest
        )
    };
}

const APPLICATION_BY_ID: &str = select_applications!("WHERE a.id = $1");
const APPLICATIONS_OF_EVENT: &str = select_applications!("WHERE a.event_id = $1 ORDER BY a.created_at, a.id");
const INSERT_APPLICATION: &str = "INSERT INTO media_applications (id, event_id, name, outlet, country, email, \
     press_card, photo_id, status, reason, user_id, created_at, version) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1)";
const UPDATE_APPLICATION: &str = "UPDATE media_applications SET name = $1, outlet = $2, country = $3, email = $4, \
     press_card = $5, photo_id = $6, status = $7, reason = $8, user_id = $9, version = version + 1 \
     WHERE id = $10 AND version = $11";
const APPLICATION_VERSION: &str = "SELECT version FROM media_applications WHERE id = $1";

/// Which reference an application's row names that may not exist.
fn application_reference(application: &MediaApplication) -> &'static str {
    match (application.user_id, application.photo) {
        (Some(_), _) => "user",
        (None, Some(_)) => "photo",
        (None, None) => "event",
    }
}

/// Records a journalist's application at version 1 (its photo, if any, stored first with
/// [`insert_photo_bytes`]).
pub async fn insert_application(
    tx: &mut Tx,
    actor: &Actor,
    application: &MediaApplication,
) -> Result<MediaApplication> {
    let application =
        MediaApplication { created_at: stored(application.created_at), version: 1, ..application.clone() };
    execute!(tx, c => sqlx::query(INSERT_APPLICATION)
        .bind(application.id)
        .bind(application.event_id)
        .bind(&application.name)
        .bind(&application.outlet)
        .bind(&application.country)
        .bind(&application.email)
        .bind(&application.press_card)
        .bind(application.photo)
        .bind(application.status.as_str())
        .bind(&application.reason)
        .bind(application.user_id)
        .bind(At(application.created_at)))
    .map_err(known(application_reference(&application)))?;
    audit::record(tx, Change::create(actor, EntityKind::MediaApplication, application.id, &application)).await?;
    Ok(application)
}

pub async fn application(store: &Store, id: Id) -> Result<Option<MediaApplication>> {
    let row: Option<ApplicationRow> =
        on!(store, c => sqlx::query_as(APPLICATION_BY_ID).bind(id).fetch_optional(c).await)?;
    row.map(MediaApplication::try_from).transpose()
}

/// Every application to an event, the oldest first: one query.
pub async fn applications_of_event(store: &Store, event: Id) -> Result<Vec<MediaApplication>> {
    let rows: Vec<ApplicationRow> =
        on!(store, c => sqlx::query_as(APPLICATIONS_OF_EVENT).bind(event).fetch_all(c).await)?;
    rows.into_iter().map(MediaApplication::try_from).collect()
}

/// Writes `application` over the stored one if that is still at `expected_version` (otherwise
/// [`StoreError::Conflict`]). An application stays with its event and keeps its creation time.
pub async fn update_application(
    tx: &mut Tx,
    actor: &Actor,
    application: &MediaApplication,
    expected_version: i64,
) -> Result<MediaApplication> {
    let row: Option<ApplicationRow> =
        on!(tx, c => sqlx::query_as(APPLICATION_BY_ID).bind(application.id).fetch_optional(c).await)?;
    let before = MediaApplication::try_from(row.ok_or(StoreError::NotFound)?)?;
    if before.version != expected_version {
        return Err(StoreError::Conflict { entity: "media application", current: before.version });
    }
    let after = MediaApplication {
        event_id: before.event_id,
        created_at: before.created_at,
        version: expected_version + 1,
        ..application.clone()
    };
    let done = execute!(tx, c => sqlx::query(UPDATE_APPLICATION)
        .bind(&after.name)
        .bind(&after.outlet)
        .bind(&after.country)
        .bind(&after.email)
        .bind(&after.press_card)
        .bind(after.photo)
        .bind(after.status.as_str())
        .bind(&after.reason)
        .bind(after.user_id)
        .bind(after.id)
        .bind(expected_version))
    .map_err(known(application_reference(&after)))?;
    if done != 1 {
        let current: Option<i64> =
            on!(tx, c => sqlx::query_scalar(APPLICATION_VERSION).bind(after.id).fetch_optional(c).await)?;
        return Err(StoreError::Conflict {
            entity: "media application",
            current: current.ok_or(StoreError::NotFound)?,
        });
    }
    audit::record(tx, Change::update(actor, EntityKind::MediaApplication, after.id, &before, &after)).await?;
    Ok(after)
}
