//! Participants: states and international organisations.

use domain::participants::{NameCases, NewParticipant, Participant, ParticipantKind};
use domain::policy::{Actor, EntityKind};
use domain::{Id, Text, new_id};
use sqlx::types::Json;

use crate::audit::{self, Change};
use crate::{Result, Store, StoreError, Tx, unique};

#[derive(sqlx::FromRow)]
pub(crate) struct ParticipantRow {
    id: Id,
    code: String,
    kind: String,
    short_name: Json<Text>,
    formal_name: Json<Text>,
    cases: Json<NameCases>,
    time_zone: String,
    version: i64,
}

impl TryFrom<ParticipantRow> for Participant {
    type Error = StoreError;
    fn try_from(r: ParticipantRow) -> Result<Self> {
        Ok(Participant {
            id: r.id,
            kind: ParticipantKind::parse(&r.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("participant kind {}", r.kind)))?,
            code: r.code,
            short_name: r.short_name.0,
            formal_name: r.formal_name.0,
            cases: r.cases.0,
            time_zone: r.time_zone,
            version: r.version,
        })
    }
}

const SELECT_ALL: &str =
    "SELECT id, code, kind, short_name, formal_name, cases, time_zone, version FROM participants ORDER BY code";
const SELECT_BY_CODE: &str =
    "SELECT id, code, kind, short_name, formal_name, cases, time_zone, version FROM participants WHERE code = $1";
const INSERT: &str = "INSERT INTO participants (id, code, kind, short_name, formal_name, cases, time_zone, version) VALUES ($1, $2, $3, $4, $5, $6, $7, 1)";

/// Every participant, by code. Callers sort for display with the reader's collation.
pub async fn list(store: &Store) -> Result<Vec<Participant>> {
    let rows: Vec<ParticipantRow> = on!(store, c => sqlx::query_as(SELECT_ALL).fetch_all(c).await)?;
    rows.into_iter().map(Participant::try_from).collect()
}

pub async fn by_code(store: &Store, code: &str) -> Result<Participant> {
    let row: Option<ParticipantRow> =
        on!(store, c => sqlx::query_as(SELECT_BY_CODE).bind(code).fetch_optional(c).await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// Resolves a participant code inside a transaction; `field` names the input for the error.
pub(crate) async fn id_of(tx: &mut Tx, code: &str, field: &'static str) -> Result<Id> {
    let row: Option<(Id,)> =
        on!(tx, c => sqlx::query_as("SELECT id FROM participants WHERE code = $1").bind(code).fetch_optional(c).await)?;
    row.map(|r| r.0).ok_or(StoreError::Unknown { field })
}

pub async fn create(tx: &mut Tx, actor: &Actor, new: NewParticipant) -> Result<Participant> {
    let p = Participant {
        id: new_id(),
        code: new.code,
        kind: new.kind,
        short_name: new.short_name,
        formal_name: new.formal_name,
        cases: new.cases,
        time_zone: new.time_zone,
        version: 1,
    };
    execute!(tx, c => sqlx::query(INSERT)
        .bind(p.id)
        .bind(&p.code)
        .bind(p.kind.as_str())
        .bind(Json(&p.short_name))
        .bind(Json(&p.formal_name))
        .bind(Json(&p.cases))
        .bind(&p.time_zone))
    .map_err(unique("code"))?;
    audit::record(tx, Change::create(actor, EntityKind::Participant, p.id, &p)).await?;
    Ok(p)
}
