//! Documents of bodies: their readers, immutable versions per language, amendments and the
//! responses to them, members' stances, signatures, and full-text search.
//!
//! Who may read a document is decided by `domain::policy::DocumentReach`; [`search`] applies it
//! inside its query (the same rules as `DocumentReach::sees`), never afterwards.
//! Versions are inserted once and never updated; [`verify`] re-computes their hashes and compares
//! them with what the audit chain recorded when each was made.

use std::collections::{HashMap, HashSet};

use domain::decisions::{Signature, Signing, Stance, StanceRecord};
use domain::documents::snippet::snippet;
use domain::documents::{
    Amendment, AmendmentStatus, Classification, Document, DocumentKind, DocumentStatus, Frozen, Operation, Paragraph,
    Position, REGISTER_COLLATION, Response, Version, register_key,
};
use domain::policy::{Actor, DocumentReach, EntityKind};
use domain::words::{STEMMING, key, keyed, words};
use domain::{Id, Text, new_id};
use serde::Serialize;
use sqlx::types::Json;

use crate::audit::{self, Change};
use crate::db::{Target, convert};
use crate::{Result, Store, StoreError, Tx, unique};

/// At most this many characters of a version's text are indexed for search (PostgreSQL caps a
/// `tsvector` at 1 MB); the same on both engines so that both find the same documents.
const INDEXED_CHARS: usize = 200_000;

/// At most this many words of a query are searched for.
const QUERY_TERMS: usize = 16;

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

// ---------------------------------------------------------------------------------------------
// Documents

#[derive(sqlx::FromRow)]
struct DocumentRow {
    id: Id,
    body_id: Id,
    meeting_id: Option<Id>,
    agenda_item_id: Option<Id>,
    kind: String,
    register_number: String,
    title: Json<Text>,
    original_language: String,
    classification: String,
    readers: Json<Vec<Id>>,
    initiator_id: Option<Id>,
    status: String,
    forwarded_to: Option<Id>,
    frozen: Option<Json<Frozen>>,
    version: i64,
}

impl TryFrom<DocumentRow> for Document {
    type Error = StoreError;
    fn try_from(r: DocumentRow) -> Result<Self> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("document {}: {what}", r.register_number));
        Ok(Document {
            id: r.id,
            body_id: r.body_id,
            meeting_id: r.meeting_id,
            agenda_item_id: r.agenda_item_id,
            kind: DocumentKind::parse(&r.kind).ok_or_else(|| corrupt("kind"))?,
            classification: Classification::parse(&r.classification).ok_or_else(|| corrupt("classification"))?,
            status: DocumentStatus::parse(&r.status).ok_or_else(|| corrupt("status"))?,
            register_number: r.register_number,
            title: r.title.0,
            original_language: r.original_language,
            readers: r.readers.0,
            initiator: r.initiator_id,
            forwarded_to: r.forwarded_to,
            frozen: r.frozen.map(|f| f.0),
            version: r.version,
        })
    }
}

/// A document's columns, its readers (in their order) gathered as a JSON array of ids.
macro_rules! document_columns {
    (sqlite) => {
        concat!(
            "d.id, d.body_id, d.meeting_id, d.agenda_item_id, d.kind, d.register_number, d.title, d.original_language, \
             d.classification, (SELECT json_group_array(x.reader) FROM (SELECT hex(r.participant_id) AS reader \
             FROM document_readers r WHERE r.document_id = d.id ORDER BY r.position) x) AS readers, \
             d.initiator_id, d.status, d.forwarded_to, d.frozen, d.version"
        )
    };
    (postgres) => {
        concat!(
            "d.id, d.body_id, d.meeting_id, d.agenda_item_id, d.kind, d.register_number, d.title, d.original_language, \
             d.classification, (SELECT COALESCE(jsonb_agg(r.participant_id ORDER BY r.position), '[]'::jsonb) \
             FROM document_readers r WHERE r.document_id = d.id) AS readers, \
             d.initiator_id, d.status, d.forwarded_to, d.frozen, d.version"
        )
    };
}

macro_rules! select_documents {
    ($engine:tt, $rest:literal) => {
        concat!("SELECT ", document_columns!($engine), " FROM documents d ", $rest)
    };
}

const BY_ID_SQLITE: &str = select_documents!(sqlite, "WHERE d.id = $1");
const BY_ID_PG: &str = select_documents!(postgres, "WHERE d.id = $1");
const OF_MEETING_SQLITE: &str = select_documents!(sqlite, "WHERE d.meeting_id = $1 ORDER BY d.register_key, d.id");
const OF_MEETING_PG: &str = select_documents!(postgres, "WHERE d.meeting_id = $1 ORDER BY d.register_key, d.id");

pub async fn by_id(store: &Store, id: Id) -> Result<Option<Document>> {
    let row: Option<DocumentRow> = match store.target() {
        Target::Sqlite(c) => sqlx::query_as(BY_ID_SQLITE).bind(id).fetch_optional(c).await?,
        Target::Postgres(c) => sqlx::query_as(BY_ID_PG).bind(id).fetch_optional(c).await?,
    };
    row.map(Document::try_from).transpose()
}

/// The ids of the public documents, by register number: for the sitemap.
pub async fn public_ids(store: &Store) -> Result<Vec<Id>> {
    const PUBLIC: &str = "SELECT id FROM documents WHERE classification = 'public' ORDER BY register_key, id";
    let ids: Vec<(Id,)> = match store.target() {
        Target::Sqlite(c) => sqlx::query_as(PUBLIC).fetch_all(c).await?,
        Target::Postgres(c) => sqlx::query_as(PUBLIC).fetch_all(c).await?,
    };
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

/// Every document of a meeting, whatever its classification (callers filter with
/// `DocumentReach::sees`), by register number: one query.
pub async fn of_meeting(store: &Store, meeting: Id) -> Result<Vec<Document>> {
    let rows: Vec<DocumentRow> = match store.target() {
        Target::Sqlite(c) => sqlx::query_as(OF_MEETING_SQLITE).bind(meeting).fetch_all(c).await?,
        Target::Postgres(c) => sqlx::query_as(OF_MEETING_PG).bind(meeting).fetch_all(c).await?,
    };
    rows.into_iter().map(Document::try_from).collect()
}

const INSERT_DOCUMENT: &str = "INSERT INTO documents (id, body_id, meeting_id, agenda_item_id, kind, register_number, \
     title, original_language, classification, initiator_id, status, forwarded_to, frozen, created_at, version, \
     register_key, register_collation) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $16)";
const UPDATE_DOCUMENT: &str = "UPDATE documents SET body_id = $1, meeting_id = $2, agenda_item_id = $3, kind = $4, \
     register_number = $5, title = $6, original_language = $7, classification = $8, initiator_id = $9, status = $10, \
     forwarded_to = $11, frozen = $12, register_key = $15, register_collation = $16, version = version + 1 \
     WHERE id = $13 AND version = $14";
const DOCUMENT_VERSION: &str = "SELECT version FROM documents WHERE id = $1";
const INSERT_READER: &str = "INSERT INTO document_readers (document_id, participant_id, position) VALUES ($1, $2, $3)";
const DELETE_READERS: &str = "DELETE FROM document_readers WHERE document_id = $1";
const CLEAR_SEARCH_TITLES: &str = "UPDATE document_search SET title = '', title_words = '' WHERE document_id = $1";
const UPSERT_SEARCH_TITLE: &str = "INSERT INTO document_search (document_id, language, title, body, title_words, \
     body_words, stemming) VALUES ($1, $2, $3, '', $4, '', $5) ON CONFLICT (document_id, language) \
     DO UPDATE SET title = excluded.title, title_words = excluded.title_words";

/// Marks a step of an open document's negotiation (an amendment, a stance) in the writing
/// transaction: the document's version moves, so a secretariat's edit or decision made on what it
/// read before conflicts instead of ignoring the step; a document no longer open refuses it; and
/// an amendment to `version` is refused once a later version exists.
pub async fn hold_open(tx: &mut Tx, document: Id, version: Option<u32>) -> Result<()> {
    const BUMP: &str = "UPDATE documents SET version = version + 1 WHERE id = $1 AND status = 'draft'";
    if execute!(tx, c => sqlx::query(BUMP).bind(document))? != 1 {
        let current: Option<i64> =
            on!(tx, c => sqlx::query_scalar(DOCUMENT_VERSION).bind(document).fetch_optional(c).await)?;
        return Err(StoreError::Conflict { entity: "document", current: current.ok_or(StoreError::NotFound)? });
    }
    if let Some(version) = version {
        let highest: Option<i32> = on!(tx, c => sqlx::query_scalar(HIGHEST_VERSION).bind(document).fetch_one(c).await)?;
        let highest = i64::from(highest.unwrap_or(0));
        if highest > i64::from(version) {
            return Err(StoreError::Conflict { entity: "document version", current: highest });
        }
    }
    Ok(())
}

/// Readers once each, in the order given.
fn distinct(readers: Vec<Id>) -> Vec<Id> {
    let mut seen = HashSet::new();
    readers.into_iter().filter(|r| seen.insert(*r)).collect()
}

async fn write_readers(tx: &mut Tx, document: &Document) -> Result<()> {
    for (position, reader) in document.readers.iter().enumerate() {
        execute!(tx, c => sqlx::query(INSERT_READER).bind(document.id).bind(*reader).bind(position as i32))
            .map_err(known("readers"))?;
    }
    Ok(())
}

async fn write_search_titles(tx: &mut Tx, document: &Document) -> Result<()> {
    for language in document.title.0.keys() {
        let title = searched_title(document, language);
        let words = keyed(&title);
        execute!(tx, c => sqlx::query(UPSERT_SEARCH_TITLE)
            .bind(document.id)
            .bind(language)
            .bind(title)
            .bind(words)
            .bind(STEMMING))?;
    }
    Ok(())
}

/// What the search reads as a document's title in a language: its register number, so that
/// "СМИД/2025/12" finds it, then its title.
fn searched_title(document: &Document, language: &str) -> String {
    let title = document.title.0.get(language).map_or("", String::as_str);
    format!("{} {title}", document.register_number)
}

/// Creates a document with its readers and its first version, and indexes both for search.
pub async fn create(tx: &mut Tx, actor: &Actor, document: Document, first: Version) -> Result<Document> {
    let document = Document { readers: distinct(document.readers), version: 1, ..document };
    execute!(tx, c => sqlx::query(INSERT_DOCUMENT)
        .bind(document.id)
        .bind(document.body_id)
        .bind(document.meeting_id)
        .bind(document.agenda_item_id)
        .bind(document.kind.as_str())
        .bind(&document.register_number)
        .bind(Json(&document.title))
        .bind(&document.original_language)
        .bind(document.classification.as_str())
        .bind(document.initiator)
        .bind(document.status.as_str())
        .bind(document.forwarded_to)
        .bind(document.frozen.as_ref().map(Json))
        .bind(convert::now())
        .bind(register_key(&document.register_number))
        .bind(REGISTER_COLLATION))
    .map_err(unique("register_number"))?;
    write_readers(tx, &document).await?;
    write_search_titles(tx, &document).await?;
    audit::record(tx, Change::create(actor, EntityKind::Document, document.id, &document)).await?;
    insert_version(tx, actor, &document, first).await?;
    Ok(document)
}

/// Writes `after` over the document if it is still at `before`'s version (otherwise a conflict),
/// with its readers and its titles in the search index.
pub async fn replace(tx: &mut Tx, actor: &Actor, before: &Document, after: Document) -> Result<Document> {
    let after = Document { id: before.id, readers: distinct(after.readers), version: before.version + 1, ..after };
    let done = execute!(tx, c => sqlx::query(UPDATE_DOCUMENT)
        .bind(after.body_id)
        .bind(after.meeting_id)
        .bind(after.agenda_item_id)
        .bind(after.kind.as_str())
        .bind(&after.register_number)
        .bind(Json(&after.title))
        .bind(&after.original_language)
        .bind(after.classification.as_str())
        .bind(after.initiator)
        .bind(after.status.as_str())
        .bind(after.forwarded_to)
        .bind(after.frozen.as_ref().map(Json))
        .bind(before.id)
        .bind(before.version)
        .bind(register_key(&after.register_number))
        .bind(REGISTER_COLLATION))
    .map_err(unique("register_number"))?;
    if done != 1 {
        let current: Option<i64> =
            on!(tx, c => sqlx::query_scalar(DOCUMENT_VERSION).bind(before.id).fetch_optional(c).await)?;
        return Err(StoreError::Conflict { entity: "document", current: current.ok_or(StoreError::NotFound)? });
    }
    if after.readers != before.readers {
        execute!(tx, c => sqlx::query(DELETE_READERS).bind(after.id))?;
        write_readers(tx, &after).await?;
    }
    if after.title != before.title {
        execute!(tx, c => sqlx::query(CLEAR_SEARCH_TITLES).bind(after.id))?;
        write_search_titles(tx, &after).await?;
    }
    audit::record(tx, Change::update(actor, EntityKind::Document, before.id, before, &after)).await?;
    Ok(after)
}

// ---------------------------------------------------------------------------------------------
// Versions

#[derive(sqlx::FromRow)]
struct VersionRow {
    document_id: Id,
    number: i32,
    language: String,
    paragraphs: Json<Vec<Paragraph>>,
    sha256: String,
    consolidated: Json<Vec<Id>>,
    note: String,
    created_at: time::OffsetDateTime,
    created_by: String,
}

impl TryFrom<VersionRow> for Version {
    type Error = StoreError;
    fn try_from(r: VersionRow) -> Result<Self> {
        Ok(Version {
            number: u32::try_from(r.number)
                .map_err(|_| StoreError::Corrupt(format!("document {}: version number {}", r.document_id, r.number)))?,
            document_id: r.document_id,
            language: r.language,
            paragraphs: r.paragraphs.0,
            sha256: r.sha256,
            consolidated: r.consolidated.0,
            note: r.note,
            created_at: convert::timestamp_from_db(r.created_at),
            created_by: r.created_by,
        })
    }
}

const VERSIONS: &str = "SELECT document_id, number, language, paragraphs, sha256, consolidated, note, created_at, \
     created_by FROM document_versions WHERE document_id = $1 ORDER BY number, language";
const INSERT_VERSION: &str = "INSERT INTO document_versions (document_id, number, language, paragraphs, sha256, \
     consolidated, note, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
     ON CONFLICT (document_id, number, language) DO NOTHING";
const HIGHEST_VERSION: &str = "SELECT MAX(number) FROM document_versions WHERE document_id = $1";
/// The version's text becomes the indexed text of its language, unless a later version in that
/// language exists (a translation of an older version added afterwards).
const INDEX_VERSION: &str = "INSERT INTO document_search (document_id, language, title, body, title_words, \
     body_words, stemming) SELECT $1, $2, $3, $4, $6, $7, $8 WHERE NOT EXISTS (SELECT 1 FROM document_versions v \
     WHERE v.document_id = $1 AND v.language = $2 AND v.number > $5) \
     ON CONFLICT (document_id, language) DO UPDATE SET body = excluded.body, body_words = excluded.body_words";

const UNKEYED: &str = "SELECT id, title, body FROM document_search WHERE stemming < $1 ORDER BY id LIMIT 500";
const SET_KEYS: &str = "UPDATE document_search SET title_words = $1, body_words = $2, stemming = $3 WHERE id = $4";
const UNCOLLATED: &str =
    "SELECT id, register_number FROM documents WHERE register_collation < $1 ORDER BY id LIMIT 500";
const SET_COLLATION: &str = "UPDATE documents SET register_key = $1, register_collation = $2 WHERE id = $3";

/// Makes the keys again that earlier rules made, a few hundred in each transaction: the search
/// keys of every indexed text ([`STEMMING`]) and the order of every register number
/// ([`REGISTER_COLLATION`]). On an up-to-date store, a look-up in an index each. Keys are derived from
/// what is stored beside them, so nothing is audited, and a document's version does not move.
pub async fn make_keys(store: &Store) -> Result<u64> {
    let mut made = 0;
    loop {
        let mut tx = store.begin().await?;
        let rows: Vec<(i64, String, String)> = on!(tx, c => sqlx::query_as(UNKEYED).bind(STEMMING).fetch_all(c).await)?;
        let numbers: Vec<(Id, String)> =
            on!(tx, c => sqlx::query_as(UNCOLLATED).bind(REGISTER_COLLATION).fetch_all(c).await)?;
        if rows.is_empty() && numbers.is_empty() {
            return Ok(made);
        }
        for (id, title, body) in rows {
            execute!(tx, c => sqlx::query(SET_KEYS).bind(keyed(&title)).bind(keyed(&body)).bind(STEMMING).bind(id))?;
            made += 1;
        }
        for (id, number) in numbers {
            execute!(tx, c => sqlx::query(SET_COLLATION).bind(register_key(&number)).bind(REGISTER_COLLATION).bind(id))?;
            made += 1;
        }
        tx.commit().await?;
    }
}

/// What the audit keeps of a version: everything but its text, which its hash stands for.
#[derive(Serialize)]
struct VersionRecord<'a> {
    document_id: Id,
    number: u32,
    language: &'a str,
    sha256: &'a str,
    paragraphs: usize,
    consolidated: &'a [Id],
    note: &'a str,
    created_at: jiff::Timestamp,
    created_by: &'a str,
}

/// The text search indexes for a version: its paragraphs, one a line, cut at [`INDEXED_CHARS`].
fn indexed_text(version: &Version) -> String {
    let mut text = String::new();
    for p in &version.paragraphs {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&p.text);
    }
    match text.char_indices().nth(INDEXED_CHARS) {
        Some((cut, _)) => text[..cut].to_string(),
        None => text,
    }
}

/// A document's versions, by number then language: one query.
pub async fn versions(store: &Store, document: Id) -> Result<Vec<Version>> {
    let rows: Vec<VersionRow> = on!(store, c => sqlx::query_as(VERSIONS).bind(document).fetch_all(c).await)?;
    rows.into_iter().map(Version::try_from).collect()
}

/// Adds a version (or a translation of one): a version is never overwritten, so a number the
/// document already has in that language is a conflict naming the highest number it has.
pub async fn add_version(tx: &mut Tx, actor: &Actor, document: &Document, version: Version) -> Result<Version> {
    insert_version(tx, actor, document, version).await
}

async fn insert_version(tx: &mut Tx, actor: &Actor, document: &Document, version: Version) -> Result<Version> {
    let version = Version { document_id: document.id, created_at: stored(version.created_at), ..version };
    if !version.is_intact() {
        return Err(StoreError::Corrupt(format!(
            "document {} version {} ({}): the SHA-256 given is not that of the text",
            document.register_number, version.number, version.language
        )));
    }
    let number = i32::try_from(version.number)
        .map_err(|_| StoreError::Corrupt(format!("version number {} out of range", version.number)))?;
    let done = execute!(tx, c => sqlx::query(INSERT_VERSION)
        .bind(version.document_id)
        .bind(number)
        .bind(&version.language)
        .bind(Json(&version.paragraphs))
        .bind(&version.sha256)
        .bind(Json(&version.consolidated))
        .bind(&version.note)
        .bind(convert::timestamp_to_db(version.created_at))
        .bind(&version.created_by))
    .map_err(known("document"))?;
    if done != 1 {
        let highest: Option<i32> =
            on!(tx, c => sqlx::query_scalar(HIGHEST_VERSION).bind(version.document_id).fetch_one(c).await)?;
        return Err(StoreError::Conflict { entity: "document version", current: highest.unwrap_or(0).into() });
    }
    let (title, text) = (searched_title(document, &version.language), indexed_text(&version));
    let (title_words, text_words) = (keyed(&title), keyed(&text));
    execute!(tx, c => sqlx::query(INDEX_VERSION)
        .bind(version.document_id)
        .bind(&version.language)
        .bind(title)
        .bind(text)
        .bind(number)
        .bind(title_words)
        .bind(text_words)
        .bind(STEMMING))?;
    let record = VersionRecord {
        document_id: version.document_id,
        number: version.number,
        language: &version.language,
        sha256: &version.sha256,
        paragraphs: version.paragraphs.len(),
        consolidated: &version.consolidated,
        note: &version.note,
        created_at: version.created_at,
        created_by: &version.created_by,
    };
    audit::record(tx, Change::create(actor, EntityKind::DocumentVersion, version.document_id, &record)).await?;
    Ok(version)
}

// ---------------------------------------------------------------------------------------------
// Search

/// What to look for; `limit` ≤ 0 means no limit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    pub body: Option<Id>,
    /// Any meeting of this event.
    pub event: Option<Id>,
    pub meeting: Option<Id>,
    pub kind: Option<DocumentKind>,
    pub status: Option<DocumentStatus>,
    /// The area of the document's agenda item.
    pub area: Option<String>,
    /// The initiator, a reader or a signatory.
    pub participant: Option<Id>,
    /// On or after this date of the document's meeting.
    pub from: Option<jiff::civil::Date>,
    /// On or before this date of the document's meeting.
    pub until: Option<jiff::civil::Date>,
    /// Words, all of which must be in the title or the latest text in some language.
    pub q: Option<String>,
    /// A search by words ranks only the most recently indexed this many matches (a document's
    /// text in one language, indexed when the document or translation was added); 0 ranks them all.
    pub ranked: i64,
    pub limit: i64,
    pub offset: i64,
}

/// A document found, with what a list of results shows beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Found {
    pub document: Document,
    /// Its meeting's date.
    pub date: Option<jiff::civil::Date>,
    /// Its agenda item's area.
    pub area: Option<String>,
    /// For a search by words: a short excerpt around a match.
    pub snippet: Option<String>,
}

/// A page of what a search found, and how many documents it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Results {
    pub found: Vec<Found>,
    pub total: i64,
    /// The search stopped at [`Filter::ranked`] matches, so older documents may hold the words
    /// too: `total` counts the documents of the matches ranked.
    pub more: bool,
}

#[derive(sqlx::FromRow)]
struct FoundRow {
    #[sqlx(flatten)]
    document: DocumentRow,
    meeting_date: Option<time::Date>,
    item_area: Option<String>,
    /// For a search by words: the title and text in the language that matched best.
    hit_title: Option<String>,
    hit_text: Option<String>,
    total: i64,
    ranked: i64,
}

impl FoundRow {
    /// The excerpt comes from the text where any of the words is in it, else it is the title.
    fn found(self, words: &[&str]) -> Result<Found> {
        let excerpt = self.hit_text.as_deref().and_then(|text| snippet(text, words));
        Ok(Found {
            document: self.document.try_into()?,
            date: self.meeting_date.map(convert::date_from_db).transpose()?,
            area: self.item_area,
            snippet: excerpt.or(self.hit_title.filter(|t| !t.is_empty())),
        })
    }
}

/// The words of a query, as the texts' words are told ([`words`]: runs of letters and digits, so
/// no operator of either engine's syntax gets through), at most [`QUERY_TERMS`] of them; a word
/// with no key (combining marks alone) is no word.
fn terms(q: Option<&str>) -> Vec<&str> {
    words(q.unwrap_or("")).map(|(_, w)| w).filter(|w| !key(w).is_empty()).take(QUERY_TERMS).collect()
}

/// Who may read what, inside the query: the rules of `DocumentReach::sees`. $1: everything;
/// $2: bodies whose secretariat; $3: bodies of which a member; $4: participants spoken for; $5:
/// participants whose own delegation.
macro_rules! reach {
    (sqlite) => {
        $crate::documents::reach!(@ "(SELECT unhex(value) FROM json_each($2))", "(SELECT unhex(value) FROM json_each($3))",
               "(SELECT unhex(value) FROM json_each($4))", "(SELECT unhex(value) FROM json_each($5))")
    };
    (postgres) => {
        $crate::documents::reach!(@ "(SELECT value::uuid FROM jsonb_array_elements_text($2))",
               "(SELECT value::uuid FROM jsonb_array_elements_text($3))",
               "(SELECT value::uuid FROM jsonb_array_elements_text($4))",
               "(SELECT value::uuid FROM jsonb_array_elements_text($5))")
    };
    (@ $secretariat:literal, $member:literal, $speaks:literal, $own:literal) => {
        concat!(
            "($1 OR d.classification = 'public' \
             OR (d.classification = 'members' AND (d.body_id IN ", $member, " OR d.body_id IN ", $secretariat, ")) \
             OR (d.classification = 'listed' AND (d.body_id IN ", $secretariat, " OR EXISTS (SELECT 1 FROM \
             document_readers r WHERE r.document_id = d.id AND r.participant_id IN ", $speaks, "))) \
             OR (d.classification = 'internal' AND EXISTS (SELECT 1 FROM document_readers r \
             WHERE r.document_id = d.id AND r.participant_id IN ", $own, ")))"
        )
    };
}

pub(crate) use reach;

/// The audit entries about documents the reach ($1 to $5) may read: a document's record, its
/// versions, stances and signatures (entered under the document's id), and its amendments.
macro_rules! readable_entries {
    ($engine:tt) => {
        concat!(
            "(entity IN ('document', 'document_version', 'stance', 'signature') AND entity_id IN \
             (SELECT d.id FROM documents d WHERE ",
            $crate::documents::reach!($engine),
            ")) OR (entity = 'amendment' AND entity_id IN (SELECT am.id FROM amendments am \
             JOIN documents d ON d.id = am.document_id WHERE ",
            $crate::documents::reach!($engine),
            "))"
        )
    };
}
pub(crate) use readable_entries;

/// The filter's conditions, $6 to $14 (see [`bind_where`]).
macro_rules! conditions {
    () => {
        " AND ($6 IS NULL OR d.body_id = $6) AND ($7 IS NULL OR d.meeting_id = $7) \
          AND ($8 IS NULL OR d.kind = $8) AND ($9 IS NULL OR d.status = $9) AND ($10 IS NULL OR a.area = $10) \
          AND ($11 IS NULL OR d.initiator_id = $11 \
               OR EXISTS (SELECT 1 FROM document_readers r WHERE r.document_id = d.id AND r.participant_id = $11) \
               OR EXISTS (SELECT 1 FROM signatures g WHERE g.document_id = d.id AND g.participant_id = $11)) \
          AND ($12 IS NULL OR m.date >= $12) AND ($13 IS NULL OR m.date <= $13) \
          AND ($14 IS NULL OR m.event_id = $14)"
    };
}

macro_rules! joins {
    () => {
        " LEFT JOIN meetings m ON m.id = d.meeting_id LEFT JOIN agenda_items a ON a.id = d.agenda_item_id "
    };
}

/// Binds $1 to $5, the reach of [`reach`].
macro_rules! bind_reach {
    ($query:expr, $reach:expr) => {
        $query
            .bind($reach.all)
            .bind($crate::db::convert::id_list(&$reach.secretariat_of))
            .bind($crate::db::convert::id_list(&$reach.member_of))
            .bind($crate::db::convert::id_list(&$reach.speaks_for))
            .bind($crate::db::convert::id_list(&$reach.own))
    };
}
pub(crate) use bind_reach;

/// Binds $1 to $14: the reach, then the filter.
macro_rules! bind_where {
    ($query:expr, $reach:expr, $f:expr) => {
        bind_reach!($query, $reach)
            .bind($f.body)
            .bind($f.meeting)
            .bind($f.kind.map(|k| k.as_str()))
            .bind($f.status.map(|s| s.as_str()))
            .bind($f.area.as_deref())
            .bind($f.participant)
            .bind($f.from.map(convert::date_to_db))
            .bind($f.until.map(convert::date_to_db))
            .bind($f.event)
    };
}

macro_rules! order {
    () => {
        "m.date DESC NULLS LAST, d.register_key, d.id"
    };
}

const SEARCH_SQLITE: &str = concat!(
    "SELECT ",
    document_columns!(sqlite),
    ", m.date AS meeting_date, a.area AS item_area, CAST(NULL AS TEXT) AS hit_title, CAST(NULL AS TEXT) AS hit_text, \
     COUNT(*) OVER () AS total, 0 AS ranked FROM documents d",
    joins!(),
    "WHERE ",
    reach!(sqlite),
    conditions!(),
    " ORDER BY ",
    order!(),
    " LIMIT $15 OFFSET $16"
);
const SEARCH_PG: &str = concat!(
    "SELECT ",
    document_columns!(postgres),
    ", m.date AS meeting_date, a.area AS item_area, CAST(NULL AS TEXT) AS hit_title, CAST(NULL AS TEXT) AS hit_text, \
     COUNT(*) OVER () AS total, CAST(0 AS BIGINT) AS ranked FROM documents d",
    joins!(),
    "WHERE ",
    reach!(postgres),
    conditions!(),
    " ORDER BY ",
    order!(),
    " LIMIT $15 OFFSET $16"
);
/// $15: the FTS5 query; $18: how many matches to rank (see [`Filter::ranked`]). The matches the reader may see are read
/// newest first and stop at $18, so a common word costs what a rarer one does (ranking all 17,700
/// matches of the commonest word in `benches/documents.sh`, then counting them again, took 95 ms).
/// Each document's best-ranked language gives its rank and its text for the excerpt, taken with
/// `min` over a group (SQLite reads the other columns from the row that holds the minimum) rather
/// than a window per document (where two languages rank the same, either may give the excerpt),
/// and the documents are counted once: without the two windows the query takes a seventh less (5.6
/// to 4.8 ms, ten words from common to rare in the `sqlite3` shell). What the page is ordered by is
/// read with the matches, so the page needs no second join.
const SEARCH_WORDS_SQLITE: &str = concat!(
    "WITH matches AS MATERIALIZED (SELECT f.rowid AS hit, s.document_id AS document_id, \
     bm25(document_search_fts, 2.0, 1.0) AS rank, m.date AS meeting_date, a.area AS item_area, \
     d.register_key AS register_key \
     FROM document_search_fts f JOIN document_search s ON s.id = f.rowid JOIN documents d ON d.id = s.document_id",
    joins!(),
    "WHERE document_search_fts MATCH $15 AND ",
    reach!(sqlite),
    conditions!(),
    " ORDER BY f.rowid DESC LIMIT $18), \
     best AS MATERIALIZED (SELECT hit, document_id, min(rank) AS rank, meeting_date, item_area, register_key \
     FROM matches GROUP BY document_id), \
     page AS (SELECT *, (SELECT COUNT(*) FROM best) AS total FROM best \
     ORDER BY rank, meeting_date DESC NULLS LAST, register_key, document_id LIMIT $16 OFFSET $17) \
     SELECT ",
    document_columns!(sqlite),
    ", p.meeting_date AS meeting_date, p.item_area AS item_area, s.title AS hit_title, s.body AS hit_text, \
     p.total AS total, (SELECT COUNT(*) FROM matches) AS ranked \
     FROM page p JOIN documents d ON d.id = p.document_id JOIN document_search s ON s.id = p.hit \
     ORDER BY p.rank, p.meeting_date DESC NULLS LAST, p.register_key, d.id"
);
/// $15: the words, for `to_tsquery` (see [`tsquery`]); $18: how many matches to rank, as on SQLite;
/// $19: the key of the oldest text to look in (see [`NEWEST_FIRST`]). The matches come from the GIN
/// index alone (migration 0022), then newest first through the reach until $18: left to
/// itself, the planner reads the key backwards and tests each row's stored vector, which it must
/// fetch and decompress (150–200 ms for a word in 5–35 % of the documents in
/// `benches/documents.sh`). Only the matches kept are ranked, as `ts_rank` reads the vector too,
/// each by its key: joined, the narrow table (migration 0015) drew a hash of every row. The vectors
/// ranked are read from their copies kept in whole rows (migration 0020), not from the search
/// table's TOAST.
const SEARCH_WORDS_PG: &str = concat!(
    "WITH found AS MATERIALIZED (SELECT hit, document_id FROM document_search_found(to_tsquery('simple', $15), $19)), \
     matches AS MATERIALIZED (SELECT h.hit, h.document_id, m.date AS meeting_date, a.area AS item_area, \
     d.register_key AS register_key \
     FROM (SELECT hit, document_id FROM found ORDER BY hit DESC OFFSET 0) h JOIN documents d ON d.id = h.document_id",
    joins!(),
    "WHERE ",
    reach!(postgres),
    conditions!(),
    " ORDER BY h.hit DESC LIMIT $18), \
     ranked AS (SELECT h.*, (SELECT ts_rank(r.terms, to_tsquery('simple', $15)) FROM document_search_ranks r \
     WHERE r.id = h.hit) AS rank FROM matches h), \
     best AS (SELECT *, row_number() OVER (PARTITION BY document_id ORDER BY rank DESC, hit) AS n FROM ranked), \
     page AS (SELECT *, COUNT(*) OVER () AS total FROM best WHERE n = 1 \
     ORDER BY rank DESC, meeting_date DESC NULLS LAST, register_key, document_id LIMIT $16 OFFSET $17) \
     SELECT ",
    document_columns!(postgres),
    ", p.meeting_date AS meeting_date, p.item_area AS item_area, s.title AS hit_title, s.body AS hit_text, \
     p.total AS total, (SELECT COUNT(*) FROM matches) AS ranked \
     FROM page p JOIN documents d ON d.id = p.document_id JOIN document_search s ON s.id = p.hit \
     ORDER BY p.rank DESC, p.meeting_date DESC NULLS LAST, p.register_key, d.id"
);

/// How many of the newest texts a search on PostgreSQL looks in first, for each match it ranks.
const NEWEST_FIRST: i64 = 4;

/// The key of the oldest text a search for `words` needs to look in to find `ranked` matches: the
/// newest [`NEWEST_FIRST`] × `ranked` texts, more if the word is rarer among them, or all (0). Most
/// searches that take long are for common words, whose newest matches lie among the newest texts;
/// those are intersected with the word's index before any row is read (migration 0022), so a
/// common word costs what its newest matches cost, not all of them (the commonest word of
/// `benches/documents.sh` matches 17,900 texts).
async fn newest_first(tx: &mut sqlx::Transaction<'_, sqlx::Postgres>, words: &str, ranked: i64) -> Result<i64> {
    const NTH_NEWEST: &str = "SELECT id FROM document_search ORDER BY id DESC OFFSET $1 LIMIT 1";
    const FOUND_FROM: &str = "SELECT COUNT(*) FROM document_search_found(to_tsquery('simple', $1), $2)";
    if ranked <= 0 {
        return Ok(0);
    }
    let texts = NEWEST_FIRST.saturating_mul(ranked);
    let Some(from) = sqlx::query_scalar::<_, i64>(NTH_NEWEST).bind(texts).fetch_optional(&mut **tx).await? else {
        return Ok(0);
    };
    let found: i64 = sqlx::query_scalar(FOUND_FROM).bind(words).bind(from).fetch_one(&mut **tx).await?;
    if found >= ranked {
        return Ok(from);
    }
    if found == 0 {
        return Ok(0);
    }
    // As many texts again as the word's share among the newest says, and a quarter more; past
    // half of them all (by the planner's count), the whole index costs no more.
    let needed = texts.saturating_mul(ranked) / found * 5 / 4;
    let total: f32 = sqlx::query_scalar("SELECT reltuples FROM pg_class WHERE oid = 'document_search'::regclass")
        .fetch_one(&mut **tx)
        .await?;
    if needed as f32 >= total / 2.0 {
        return Ok(0);
    }
    let wider = sqlx::query_scalar::<_, i64>(NTH_NEWEST).bind(needed).fetch_optional(&mut **tx).await?;
    Ok(wider.unwrap_or(0))
}

/// The words as an FTS5 query: each one's key quoted (a phrase of one word), all of them required.
fn fts5_query(terms: &[&str]) -> String {
    terms.iter().map(|t| format!("\"{}\"", key(t))).collect::<Vec<_>>().join(" ")
}

/// The words as a `to_tsquery` text: their keys, all of them required. Words are runs of letters
/// and digits ([`terms`]), so no key carries an operator.
fn tsquery(terms: &[&str]) -> String {
    terms.iter().map(|t| key(t)).collect::<Vec<_>>().join(" & ")
}

/// The documents `reach` may read that match `filter`, in one query with their number: by their
/// meeting's date (newest first) then register number, or by relevance when searching for words.
pub async fn search(store: &Store, reach: &DocumentReach, filter: &Filter) -> Result<Results> {
    let words = terms(filter.q.as_deref());
    let rows = page(store, reach, filter, &words).await?;
    let counted = match rows.is_empty() && filter.offset > 0 {
        // A page past the last learns the numbers from the first.
        true => page(store, reach, &Filter { limit: 1, offset: 0, ..filter.clone() }, &words).await?,
        false => Vec::new(),
    };
    let (total, ranked) = rows.first().or(counted.first()).map_or((0, 0), |r| (r.total, r.ranked));
    Ok(Results {
        found: rows.into_iter().map(|r| r.found(&words)).collect::<Result<_>>()?,
        total,
        more: filter.ranked > 0 && ranked >= filter.ranked,
    })
}

async fn page(store: &Store, reach: &DocumentReach, filter: &Filter, words: &[&str]) -> Result<Vec<FoundRow>> {
    let limit = if filter.limit > 0 { filter.limit } else { i64::MAX };
    let offset = filter.offset.max(0);
    let ranked = if filter.ranked > 0 { filter.ranked } else { i64::MAX };
    Ok(match (store.target(), words.is_empty()) {
        (Target::Sqlite(c), true) => {
            bind_where!(sqlx::query_as(SEARCH_SQLITE), reach, filter).bind(limit).bind(offset).fetch_all(c).await?
        }
        (Target::Postgres(c), true) => {
            bind_where!(sqlx::query_as(SEARCH_PG), reach, filter).bind(limit).bind(offset).fetch_all(c).await?
        }
        (Target::Sqlite(c), false) => {
            bind_where!(sqlx::query_as(SEARCH_WORDS_SQLITE), reach, filter)
                .bind(fts5_query(words))
                .bind(limit)
                .bind(offset)
                .bind(ranked)
                .fetch_all(c)
                .await?
        }
        (Target::Postgres(c), false) => {
            // The planner does not count the cost of decompressing a stored vector: on a table
            // whose rows are narrow (migration 0015) it reads all of them in turn to test every
            // vector, 170 ms for the commonest word of `benches/documents.sh`, rather than look
            // the word up in the index, 13 ms.
            let mut tx = c.begin().await?;
            sqlx::query("SET LOCAL enable_seqscan = off").execute(&mut *tx).await?;
            let words = tsquery(words);
            let from = newest_first(&mut tx, &words, filter.ranked).await?;
            let search = |from: i64| {
                bind_where!(sqlx::query_as(SEARCH_WORDS_PG), reach, filter)
                    .bind(words.clone())
                    .bind(limit)
                    .bind(offset)
                    .bind(ranked)
                    .bind(from)
            };
            let mut rows: Vec<FoundRow> = search(from).fetch_all(&mut *tx).await?;
            // The newest texts held fewer matches the reader may see than are ranked: all of them.
            if from > 0 && rows.first().is_none_or(|r| r.ranked < ranked) {
                rows = search(0).fetch_all(&mut *tx).await?;
            }
            tx.commit().await?;
            rows
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Amendments

#[derive(sqlx::FromRow)]
struct AmendmentRow {
    id: Id,
    document_id: Id,
    version: i32,
    paragraph: i32,
    operation: String,
    text: String,
    target: String,
    justification: String,
    proposer_id: Id,
    status: String,
    created_at: time::OffsetDateTime,
    row_version: i64,
}

impl AmendmentRow {
    fn into_amendment(self, responses: Vec<Response>) -> Result<Amendment> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("amendment {}: {what}", self.id));
        Ok(Amendment {
            id: self.id,
            document_id: self.document_id,
            version: u32::try_from(self.version).map_err(|_| corrupt("version"))?,
            paragraph: u32::try_from(self.paragraph).map_err(|_| corrupt("paragraph"))?,
            operation: Operation::parse(&self.operation).ok_or_else(|| corrupt("operation"))?,
            status: AmendmentStatus::parse(&self.status).ok_or_else(|| corrupt("status"))?,
            text: self.text,
            target: self.target,
            justification: self.justification,
            proposer: self.proposer_id,
            responses,
            created_at: convert::timestamp_from_db(self.created_at),
            row_version: self.row_version,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ResponseRow {
    amendment_id: Id,
    participant_id: Id,
    position: String,
    comment: String,
    at: time::OffsetDateTime,
}

impl ResponseRow {
    fn into_response(self) -> Result<Response> {
        let position = Position::parse(&self.position)
            .ok_or_else(|| StoreError::Corrupt(format!("amendment {}: response position", self.amendment_id)))?;
        Ok(Response {
            participant: self.participant_id,
            position,
            comment: self.comment,
            at: convert::timestamp_from_db(self.at),
        })
    }
}

const AMENDMENTS: &str = "SELECT id, document_id, version, paragraph, operation, text, target, justification, \
     proposer_id, status, created_at, row_version FROM amendments WHERE document_id = $1 ORDER BY created_at, id";
const AMENDMENT_VERSION: &str = "SELECT row_version FROM amendments WHERE id = $1";
const AMENDMENT_STATUS: &str = "SELECT status, row_version FROM amendments WHERE id = $1";
const RESPONSES: &str = "SELECT r.amendment_id, r.participant_id, r.position, r.comment, r.at \
     FROM amendment_responses r JOIN amendments a ON a.id = r.amendment_id WHERE a.document_id = $1 \
     ORDER BY r.at, r.id";
const INSERT_AMENDMENT: &str = "INSERT INTO amendments (id, document_id, version, paragraph, operation, text, target, \
     justification, proposer_id, status, created_at, row_version) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1)";
const UPDATE_AMENDMENT: &str = "UPDATE amendments SET version = $1, paragraph = $2, operation = $3, text = $4, \
     target = $5, justification = $6, status = $7, row_version = row_version + 1 WHERE id = $8 AND row_version = $9";
const LAST_RESPONSE: &str = "SELECT amendment_id, participant_id, position, comment, at FROM amendment_responses \
     WHERE amendment_id = $1 AND participant_id = $2 ORDER BY at DESC, id DESC LIMIT 1";
const INSERT_RESPONSE: &str = "INSERT INTO amendment_responses (id, amendment_id, participant_id, position, comment, at) \
     VALUES ($1, $2, $3, $4, $5, $6)";

/// A document's amendments in the order they were proposed, each with its responses in the order
/// given: two queries, however many amendments.
pub async fn amendments(store: &Store, document: Id) -> Result<Vec<Amendment>> {
    let rows: Vec<AmendmentRow> = on!(store, c => sqlx::query_as(AMENDMENTS).bind(document).fetch_all(c).await)?;
    let responses: Vec<ResponseRow> = on!(store, c => sqlx::query_as(RESPONSES).bind(document).fetch_all(c).await)?;
    let mut by_amendment: HashMap<Id, Vec<Response>> = HashMap::new();
    for r in responses {
        by_amendment.entry(r.amendment_id).or_default().push(r.into_response()?);
    }
    rows.into_iter()
        .map(|row| {
            let responses = by_amendment.remove(&row.id).unwrap_or_default();
            row.into_amendment(responses)
        })
        .collect()
}

/// What `participant` last said of `amendment`, read in the writing transaction: after
/// [`hold_open`], a response sent twice at the same moment finds the first one here.
pub async fn last_response(tx: &mut Tx, amendment: Id, participant: Id) -> Result<Option<Response>> {
    let row: Option<ResponseRow> =
        on!(tx, c => sqlx::query_as(LAST_RESPONSE).bind(amendment).bind(participant).fetch_optional(c).await)?;
    row.map(ResponseRow::into_response).transpose()
}

async fn insert_response(tx: &mut Tx, amendment: Id, response: &Response) -> Result<()> {
    execute!(tx, c => sqlx::query(INSERT_RESPONSE)
        .bind(new_id())
        .bind(amendment)
        .bind(response.participant)
        .bind(response.position.as_str())
        .bind(&response.comment)
        .bind(convert::timestamp_to_db(response.at)))
    .map_err(known("amendment"))?;
    Ok(())
}

/// Records a proposed amendment (with any responses it already carries).
pub async fn propose(tx: &mut Tx, actor: &Actor, amendment: Amendment) -> Result<Amendment> {
    let amendment = Amendment {
        created_at: stored(amendment.created_at),
        responses: amendment.responses.into_iter().map(|r| Response { at: stored(r.at), ..r }).collect(),
        row_version: 1,
        ..amendment
    };
    execute!(tx, c => sqlx::query(INSERT_AMENDMENT)
        .bind(amendment.id)
        .bind(amendment.document_id)
        .bind(amendment.version as i32)
        .bind(amendment.paragraph as i32)
        .bind(amendment.operation.as_str())
        .bind(&amendment.text)
        .bind(&amendment.target)
        .bind(&amendment.justification)
        .bind(amendment.proposer)
        .bind(amendment.status.as_str())
        .bind(convert::timestamp_to_db(amendment.created_at)))
    // A duplicate id: the one the proposing form chose is another amendment's.
    .map_err(|e| match unique("id")(e) {
        StoreError::Database(e) => known("document")(e),
        other => other,
    })?;
    for response in &amendment.responses {
        insert_response(tx, amendment.id, response).await?;
    }
    audit::record(tx, Change::create(actor, EntityKind::Amendment, amendment.id, &amendment)).await?;
    Ok(amendment)
}

/// A response to an amendment: added beside the others, never over them, so that delegations
/// answering at once are all recorded. An unknown amendment is [`StoreError::Unknown`]; one no
/// longer pending is a conflict, as it was decided after the caller read it. Callers hold the
/// document first ([`hold_open`]), as a consolidation does, so that none decides the amendment
/// between this check and the response.
pub async fn respond(tx: &mut Tx, actor: &Actor, amendment: Id, response: Response) -> Result<()> {
    #[derive(Serialize)]
    struct Responded<'a> {
        amendment_id: Id,
        #[serde(flatten)]
        response: &'a Response,
    }
    let found: Option<(String, i64)> =
        on!(tx, c => sqlx::query_as(AMENDMENT_STATUS).bind(amendment).fetch_optional(c).await)?;
    match found {
        None => return Err(StoreError::Unknown { field: "amendment" }),
        Some((status, current)) if status != AmendmentStatus::Pending.as_str() => {
            return Err(StoreError::Conflict { entity: "amendment", current });
        }
        Some(_) => {}
    }
    let response = Response { at: stored(response.at), ..response };
    insert_response(tx, amendment, &response).await?;
    let record = Responded { amendment_id: amendment, response: &response };
    audit::record(tx, Change::create(actor, EntityKind::Amendment, amendment, &record)).await
}

/// Writes `after` over the amendment if it is still at `before`'s row version; otherwise a
/// conflict. Responses are not rewritten: they are only ever added by [`respond`].
pub async fn replace_amendment(tx: &mut Tx, actor: &Actor, before: &Amendment, after: Amendment) -> Result<Amendment> {
    let done = execute!(tx, c => sqlx::query(UPDATE_AMENDMENT)
        .bind(after.version as i32)
        .bind(after.paragraph as i32)
        .bind(after.operation.as_str())
        .bind(&after.text)
        .bind(&after.target)
        .bind(&after.justification)
        .bind(after.status.as_str())
        .bind(before.id)
        .bind(before.row_version))?;
    if done != 1 {
        let current: Option<i64> =
            on!(tx, c => sqlx::query_scalar(AMENDMENT_VERSION).bind(before.id).fetch_optional(c).await)?;
        return Err(StoreError::Conflict { entity: "amendment", current: current.ok_or(StoreError::NotFound)? });
    }
    let after = Amendment {
        id: before.id,
        document_id: before.document_id,
        proposer: before.proposer,
        created_at: before.created_at,
        row_version: before.row_version + 1,
        ..after
    };
    audit::record(tx, Change::update(actor, EntityKind::Amendment, before.id, before, &after)).await?;
    Ok(after)
}

// ---------------------------------------------------------------------------------------------
// Stances and signatures

#[derive(sqlx::FromRow)]
struct StanceRow {
    participant_id: Id,
    stance: String,
    text: String,
    at: time::OffsetDateTime,
}

impl TryFrom<StanceRow> for StanceRecord {
    type Error = StoreError;
    fn try_from(r: StanceRow) -> Result<Self> {
        Ok(StanceRecord {
            participant: r.participant_id,
            stance: Stance::parse(&r.stance).ok_or_else(|| StoreError::Corrupt(format!("stance {}", r.stance)))?,
            text: r.text,
            at: convert::timestamp_from_db(r.at),
        })
    }
}

const STANCES: &str =
    "SELECT participant_id, stance, text, at FROM stances WHERE document_id = $1 ORDER BY at, participant_id";
const STANCE_OF: &str =
    "SELECT participant_id, stance, text, at FROM stances WHERE document_id = $1 AND participant_id = $2";
const UPSERT_STANCE: &str = "INSERT INTO stances (document_id, participant_id, stance, text, at) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (document_id, participant_id) \
     DO UPDATE SET stance = excluded.stance, text = excluded.text, at = excluded.at";

/// What a stance or signature is recorded as in the audit: the document's, with its participant,
/// and why it was corrected when it corrects one.
#[derive(Serialize)]
struct OnDocument<'a, T: Serialize> {
    document_id: Id,
    #[serde(flatten)]
    record: &'a T,
    #[serde(skip_serializing_if = "Option::is_none")]
    correction: Option<&'a str>,
}

/// The audit's entry for a member's record on a document: its first, or one replacing `before`.
fn member_record<'a, T: Serialize>(
    actor: &'a Actor,
    entity: EntityKind,
    document: Id,
    before: Option<&T>,
    after: &T,
    correction: Option<&str>,
) -> Change<'a> {
    let after = OnDocument { document_id: document, record: after, correction };
    match before {
        None => Change::create(actor, entity, document, &after),
        Some(b) => {
            let before = OnDocument { document_id: document, record: b, correction: None };
            Change::update(actor, entity, document, &before, &after)
        }
    }
}

/// The stances stated on a document, in the order they were stated.
pub async fn stances(store: &Store, document: Id) -> Result<Vec<StanceRecord>> {
    let rows: Vec<StanceRow> = on!(store, c => sqlx::query_as(STANCES).bind(document).fetch_all(c).await)?;
    rows.into_iter().map(StanceRecord::try_from).collect()
}

/// A participant's stance on a document as it is on record in this transaction.
pub async fn stance_of(tx: &mut Tx, document: Id, participant: Id) -> Result<Option<StanceRecord>> {
    let row: Option<StanceRow> =
        on!(tx, c => sqlx::query_as(STANCE_OF).bind(document).bind(participant).fetch_optional(c).await)?;
    row.map(StanceRecord::try_from).transpose()
}

/// States (or restates) a participant's stance on a document.
pub async fn state_stance(tx: &mut Tx, actor: &Actor, document: Id, stance: StanceRecord) -> Result<()> {
    let stance = StanceRecord { at: stored(stance.at), ..stance };
    let before = stance_of(tx, document, stance.participant).await?;
    execute!(tx, c => sqlx::query(UPSERT_STANCE)
        .bind(document)
        .bind(stance.participant)
        .bind(stance.stance.as_str())
        .bind(&stance.text)
        .bind(convert::timestamp_to_db(stance.at)))
    .map_err(known("participant"))?;
    audit::record(tx, member_record(actor, EntityKind::Stance, document, before.as_ref(), &stance, None)).await
}

#[derive(sqlx::FromRow)]
struct SignatureRow {
    participant_id: Id,
    person: Json<Text>,
    position: Json<Text>,
    signed_at: time::OffsetDateTime,
    place: Json<Text>,
}

impl From<SignatureRow> for Signature {
    fn from(r: SignatureRow) -> Self {
        Signature {
            participant: r.participant_id,
            person: r.person.0,
            position: r.position.0,
            signed_at: convert::timestamp_from_db(r.signed_at),
            place: r.place.0,
        }
    }
}

const SIGNATURES: &str = "SELECT participant_id, person, position, signed_at, place FROM signatures \
     WHERE document_id = $1 ORDER BY signed_at, participant_id";
const INSERT_SIGNATURE: &str = "INSERT INTO signatures (document_id, participant_id, person, position, signed_at, place) \
     VALUES ($1, $2, $3, $4, $5, $6)";
const CORRECT_SIGNATURE: &str = "UPDATE signatures SET person = $3, position = $4, signed_at = $5, place = $6 \
     WHERE document_id = $1 AND participant_id = $2";

/// A document's signatures, in the order they were made.
pub async fn signatures(store: &Store, document: Id) -> Result<Vec<Signature>> {
    let rows: Vec<SignatureRow> = on!(store, c => sqlx::query_as(SIGNATURES).bind(document).fetch_all(c).await)?;
    Ok(rows.into_iter().map(Signature::from).collect())
}

/// Records a participant's first signature, or corrects the one on record: the audit keeps what it
/// said before and why it was corrected.
pub async fn sign(tx: &mut Tx, actor: &Actor, document: Id, signing: Signing) -> Result<()> {
    let (signature, before, reason) = match signing {
        Signing::First(signature) => (signature, None, None),
        Signing::Correction { before, after, reason } => (after, Some(before), Some(reason)),
        Signing::Again => return Ok(()),
    };
    let signature = Signature { signed_at: stored(signature.signed_at), ..signature };
    let query = if before.is_some() { CORRECT_SIGNATURE } else { INSERT_SIGNATURE };
    execute!(tx, c => sqlx::query(query)
        .bind(document)
        .bind(signature.participant)
        .bind(Json(&signature.person))
        .bind(Json(&signature.position))
        .bind(convert::timestamp_to_db(signature.signed_at))
        .bind(Json(&signature.place)))
    .map_err(|e| match unique("participant")(e) {
        StoreError::Database(e) => known("participant")(e),
        other => other,
    })?;
    let change = member_record(actor, EntityKind::Signature, document, before.as_ref(), &signature, reason.as_deref());
    audit::record(tx, change).await
}

// ---------------------------------------------------------------------------------------------
// Verification

#[derive(sqlx::FromRow)]
struct CheckedVersion {
    document_id: Id,
    register_number: String,
    number: i32,
    language: String,
    paragraphs: Json<serde_json::Value>,
    sha256: String,
}

#[derive(sqlx::FromRow)]
struct FrozenDocument {
    id: Id,
    register_number: String,
    original_language: String,
    frozen: Json<serde_json::Value>,
}

const RECORDED_VERSIONS: &str = "SELECT entity_id, after FROM audit WHERE entity = 'document_version' ORDER BY seq";
const CHECKED_VERSIONS: &str = "SELECT v.document_id, d.register_number, v.number, v.language, v.paragraphs, v.sha256 \
     FROM document_versions v JOIN documents d ON d.id = v.document_id \
     ORDER BY v.document_id, v.number, v.language LIMIT $1 OFFSET $2";
const FROZEN_DOCUMENTS: &str = "SELECT id, register_number, original_language, frozen FROM documents \
     WHERE frozen IS NOT NULL ORDER BY register_key, id";

/// Checks every document version: its text against its SHA-256 (`Version::is_intact`), its
/// SHA-256 against the one the audit recorded when it was made, and every frozen document's
/// SHA-256 against its version's; then every document, stance and signature against the audit's
/// last record of it ([`verify_records`]). Each problem names the document's register number (and
/// the version and language, or the participant); none found: an empty list.
pub async fn verify(store: &Store) -> Result<Vec<String>> {
    let mut problems = verify_versions(store).await?;
    problems.extend(verify_records(store).await?);
    Ok(problems)
}

async fn verify_versions(store: &Store) -> Result<Vec<String>> {
    const PAGE: i64 = 500;
    let recorded: Vec<(Id, Option<Json<serde_json::Value>>)> =
        on!(store, c => sqlx::query_as(RECORDED_VERSIONS).fetch_all(c).await)?;
    let mut audited: HashMap<(Id, i64, String), Vec<String>> = HashMap::new();
    for (document, after) in recorded {
        let Some(Json(after)) = after else { continue };
        let (Some(number), Some(language), Some(sha256)) =
            (after["number"].as_i64(), after["language"].as_str(), after["sha256"].as_str())
        else {
            continue;
        };
        audited.entry((document, number, language.to_string())).or_default().push(sha256.to_string());
    }
    let mut problems = Vec::new();
    let mut hashes: HashMap<(Id, i64, String), String> = HashMap::new();
    let mut offset = 0;
    loop {
        let rows: Vec<CheckedVersion> =
            on!(store, c => sqlx::query_as(CHECKED_VERSIONS).bind(PAGE).bind(offset).fetch_all(c).await)?;
        let n = rows.len() as i64;
        for v in rows {
            let name = format!("document {} version {} ({})", v.register_number, v.number, v.language);
            match serde_json::from_value::<Vec<Paragraph>>(v.paragraphs.0) {
                Ok(paragraphs) => {
                    if domain::documents::text_sha256(paragraphs.iter().map(|p| p.text.as_str())) != v.sha256 {
                        problems.push(format!("{name}: its text does not match its SHA-256"));
                    }
                }
                Err(_) => problems.push(format!("{name}: its text is not readable")),
            }
            let key = (v.document_id, i64::from(v.number), v.language);
            match audited.get(&key) {
                None => problems.push(format!("{name}: no audit entry records it")),
                Some(sums) if sums.iter().any(|s| *s != v.sha256) => {
                    problems.push(format!("{name}: its SHA-256 differs from the one the audit recorded"))
                }
                Some(_) => {}
            }
            hashes.insert(key, v.sha256);
        }
        if n < PAGE {
            break;
        }
        offset += PAGE;
    }
    let frozen: Vec<FrozenDocument> = on!(store, c => sqlx::query_as(FROZEN_DOCUMENTS).fetch_all(c).await)?;
    for d in frozen {
        let Ok(f) = serde_json::from_value::<Frozen>(d.frozen.0) else {
            problems.push(format!("document {}: its frozen text is not readable", d.register_number));
            continue;
        };
        let name = format!("document {} version {} ({})", d.register_number, f.version, d.original_language);
        match hashes.get(&(d.id, i64::from(f.version), d.original_language.clone())) {
            None => problems.push(format!("{name}: frozen, but the version is missing")),
            Some(sha) if *sha != f.sha256 => {
                problems.push(format!("{name}: frozen with a SHA-256 that differs from the version's"))
            }
            Some(_) => {}
        }
    }
    Ok(problems)
}

const RECORDED: &str = "SELECT entity, entity_id, after FROM audit \
     WHERE entity IN ('document', 'stance', 'signature') ORDER BY seq";
const ALL_DOCUMENTS_SQLITE: &str = select_documents!(sqlite, "ORDER BY d.register_key, d.id");
const ALL_DOCUMENTS_PG: &str = select_documents!(postgres, "ORDER BY d.register_key, d.id");
const ALL_STANCES: &str = "SELECT document_id, participant_id, stance, text, at FROM stances";
const ALL_SIGNATURES: &str = "SELECT document_id, participant_id, person, position, signed_at, place FROM signatures";

/// A stance or signature row with its document, as [`verify_records`] reads them all.
#[derive(sqlx::FromRow)]
struct OnDocumentRow<T> {
    document_id: Id,
    #[sqlx(flatten)]
    record: T,
}

/// Every document, stance and signature as the audit last recorded it. A row changed behind
/// Concord's back (a classification widened, a stance or a signer rewritten in the database) no
/// longer equals that record; the document's row version alone moves without a record (a stance
/// stated bumps it), so it is not compared.
async fn verify_records(store: &Store) -> Result<Vec<String>> {
    let without_version = |mut v: serde_json::Value| {
        if let Some(o) = v.as_object_mut() {
            o.remove("version");
        }
        v
    };
    let recorded: Vec<(String, Id, Option<Json<serde_json::Value>>)> =
        on!(store, c => sqlx::query_as(RECORDED).fetch_all(c).await)?;
    let mut documents: HashMap<Id, serde_json::Value> = HashMap::new();
    // A stance or signature recorded in an earlier shape (a signer's name before it was kept in
    // each language, migration 0019/0021) is known to be recorded, not compared.
    let mut stances: HashMap<(Id, Id), Option<StanceRecord>> = HashMap::new();
    let mut signatures: HashMap<(Id, Id), Option<Signature>> = HashMap::new();
    for (entity, id, after) in recorded {
        let Some(Json(after)) = after else { continue };
        let participant = after["participant"].as_str().and_then(|p| p.parse::<Id>().ok());
        match (entity.as_str(), participant) {
            ("document", _) => {
                documents.insert(id, without_version(after));
            }
            ("stance", Some(participant)) => {
                stances.insert((id, participant), serde_json::from_value(after).ok());
            }
            ("signature", Some(participant)) => {
                signatures.insert((id, participant), serde_json::from_value(after).ok());
            }
            _ => {}
        }
    }
    let rows: Vec<DocumentRow> = match store.target() {
        Target::Sqlite(c) => sqlx::query_as(ALL_DOCUMENTS_SQLITE).fetch_all(c).await?,
        Target::Postgres(c) => sqlx::query_as(ALL_DOCUMENTS_PG).fetch_all(c).await?,
    };
    let mut problems = Vec::new();
    let mut numbers: HashMap<Id, String> = HashMap::new();
    for row in rows {
        let name = format!("document {}", row.register_number);
        numbers.insert(row.id, row.register_number.clone());
        let document = Document::try_from(row)?;
        let now = serde_json::to_value(&document).map_err(|e| StoreError::Corrupt(format!("{name}: {e}")))?;
        match documents.remove(&document.id) {
            None => problems.push(format!("{name}: no audit entry records it")),
            Some(after) if after != without_version(now) => {
                problems.push(format!("{name}: it differs from what the audit last recorded of it"));
            }
            Some(_) => {}
        }
    }
    let named = |document: Id| numbers.get(&document).map_or_else(|| document.to_string(), Clone::clone);
    let stance_rows: Vec<OnDocumentRow<StanceRow>> = on!(store, c => sqlx::query_as(ALL_STANCES).fetch_all(c).await)?;
    for row in stance_rows {
        let stance = StanceRecord::try_from(row.record)?;
        let name = format!("document {}: the stance of {}", named(row.document_id), stance.participant);
        problems.extend(unlike_record(&mut stances, (row.document_id, stance.participant), &stance, &name));
    }
    let signature_rows: Vec<OnDocumentRow<SignatureRow>> =
        on!(store, c => sqlx::query_as(ALL_SIGNATURES).fetch_all(c).await)?;
    for row in signature_rows {
        let signature = Signature::from(row.record);
        let name = format!("document {}: the signature for {}", named(row.document_id), signature.participant);
        problems.extend(unlike_record(&mut signatures, (row.document_id, signature.participant), &signature, &name));
    }
    // What the audit records and the database no longer holds was deleted behind Concord's back:
    // nothing here is deleted otherwise.
    problems.extend(documents.keys().map(|id| format!("document {id}: recorded by the audit, missing")));
    problems
        .extend(stances.keys().map(|(d, p)| format!("document {}: the stance of {p}: recorded, missing", named(*d))));
    problems.extend(
        signatures.keys().map(|(d, p)| format!("document {}: the signature for {p}: recorded, missing", named(*d))),
    );
    Ok(problems)
}

/// How a member's record on a document (`now`) stands against the audit's last record of it,
/// taken out of `recorded`: a problem named `name`, or none.
fn unlike_record<T: PartialEq>(
    recorded: &mut HashMap<(Id, Id), Option<T>>,
    key: (Id, Id),
    now: &T,
    name: &str,
) -> Option<String> {
    match recorded.remove(&key) {
        None => Some(format!("{name}: no audit entry records it")),
        Some(Some(last)) if last != *now => Some(format!("{name} differs from what the audit recorded")),
        Some(_) => None,
    }
}

/// The body of each of these documents, in one query (for registers that refer to documents).
pub async fn bodies_of(store: &Store, documents: &[Id]) -> Result<Vec<(Id, Id)>> {
    if documents.is_empty() {
        return Ok(Vec::new());
    }
    const SQLITE: &str = "SELECT id, body_id FROM documents WHERE id IN (SELECT unhex(value) FROM json_each($1))";
    const PG: &str =
        "SELECT id, body_id FROM documents WHERE id IN (SELECT value::uuid FROM jsonb_array_elements_text($1))";
    let ids = convert::id_list(documents);
    Ok(match store.target() {
        Target::Sqlite(c) => sqlx::query_as(SQLITE).bind(ids).fetch_all(c).await?,
        Target::Postgres(c) => sqlx::query_as(PG).bind(ids).fetch_all(c).await?,
    })
}
