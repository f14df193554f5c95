//! Bodies, their memberships over time and the chairs set for years.

use domain::bodies::{Body, ChairRule, DecisionRule, Membership, MembershipStatus, NewBody, ProtocolPolicy, Rules};
use domain::chairmanship::SetChair;
use domain::policy::{Actor, EntityKind};
use domain::precedence::PrecedencePolicy;
use domain::{Id, Text, new_id};
use jiff::civil::Date;
use serde::Serialize;
use sqlx::types::Json;

use crate::audit::{self, Change};
use crate::db::convert::{date_from_db, date_to_db};
use crate::participants::id_of;
use crate::{Result, Store, StoreError, Tx, unique};

#[derive(sqlx::FromRow)]
struct BodyRow {
    id: Id,
    slug: String,
    name: Json<Text>,
    working_language: String,
    decision_rule: String,
    chair_rule: Json<ChairRule>,
    precedence: Json<PrecedencePolicy>,
    protocol: Json<ProtocolPolicy>,
    seat: Json<Text>,
    time_zone: String,
    version: i64,
}

impl TryFrom<BodyRow> for Body {
    type Error = StoreError;
    fn try_from(r: BodyRow) -> Result<Self> {
        Ok(Body {
            id: r.id,
            slug: r.slug,
            name: r.name.0,
            working_language: r.working_language,
            decision_rule: DecisionRule::parse(&r.decision_rule)
                .ok_or_else(|| StoreError::Corrupt(format!("decision rule {}", r.decision_rule)))?,
            chair_rule: r.chair_rule.0,
            precedence: r.precedence.0,
            protocol: r.protocol.0,
            seat: r.seat.0,
            time_zone: r.time_zone,
            version: r.version,
        })
    }
}

const SELECT_ALL: &str = "SELECT id, slug, name, working_language, decision_rule, chair_rule, precedence, protocol, seat, time_zone, version FROM bodies ORDER BY slug";
const SELECT_BY_SLUG: &str = "SELECT id, slug, name, working_language, decision_rule, chair_rule, precedence, protocol, seat, time_zone, version FROM bodies WHERE slug = $1";
const INSERT: &str = "INSERT INTO bodies (id, slug, name, working_language, decision_rule, chair_rule, precedence, protocol, seat, time_zone, version) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1)";

pub async fn list(store: &Store) -> Result<Vec<Body>> {
    let rows: Vec<BodyRow> = on!(store, c => sqlx::query_as(SELECT_ALL).fetch_all(c).await)?;
    rows.into_iter().map(Body::try_from).collect()
}

pub async fn by_slug(store: &Store, slug: &str) -> Result<Body> {
    let row: Option<BodyRow> = on!(store, c => sqlx::query_as(SELECT_BY_SLUG).bind(slug).fetch_optional(c).await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

pub async fn create(tx: &mut Tx, actor: &Actor, new: NewBody) -> Result<Body> {
    let body = Body {
        id: new_id(),
        precedence: new.precedence.unwrap_or_else(|| PrecedencePolicy::alphabetical(&new.working_language)),
        protocol: new.protocol,
        slug: new.slug,
        name: new.name,
        working_language: new.working_language,
        decision_rule: new.decision_rule,
        chair_rule: new.chair_rule,
        seat: new.seat,
        time_zone: new.time_zone,
        version: 1,
    };
    execute!(tx, c => sqlx::query(INSERT)
        .bind(body.id)
        .bind(&body.slug)
        .bind(Json(&body.name))
        .bind(&body.working_language)
        .bind(body.decision_rule.as_str())
        .bind(Json(&body.chair_rule))
        .bind(Json(&body.precedence))
        .bind(Json(&body.protocol))
        .bind(Json(&body.seat))
        .bind(&body.time_zone))
    .map_err(unique("slug"))?;
    audit::record(tx, Change::create(actor, EntityKind::Body, body.id, &body)).await?;
    Ok(body)
}

const UPDATE_RULES: &str =
    "UPDATE bodies SET precedence = $1, protocol = $2, version = version + 1 WHERE id = $3 AND version = $4";

/// Replaces a body's protocol rules, the order of delegations among them, if it is still at
/// `expected_version`; otherwise [`StoreError::Conflict`].
pub async fn set_rules(tx: &mut Tx, actor: &Actor, slug: &str, expected_version: i64, rules: Rules) -> Result<Body> {
    let before: Option<BodyRow> = on!(tx, c => sqlx::query_as(SELECT_BY_SLUG).bind(slug).fetch_optional(c).await)?;
    let before = Body::try_from(before.ok_or(StoreError::NotFound)?)?;
    let done = execute!(tx, c => sqlx::query(UPDATE_RULES)
        .bind(Json(&rules.precedence))
        .bind(Json(&rules.protocol))
        .bind(before.id)
        .bind(expected_version))?;
    if done != 1 {
        return Err(StoreError::Conflict { entity: "body", current: before.version });
    }
    let after = Body {
        precedence: rules.precedence,
        protocol: rules.protocol,
        version: expected_version + 1,
        ..before.clone()
    };
    audit::record(tx, Change::update(actor, EntityKind::Body, after.id, &before, &after)).await?;
    Ok(after)
}

#[derive(sqlx::FromRow)]
struct MembershipRow {
    id: Id,
    body_id: Id,
    participant_id: Id,
    status: String,
    valid_from: time::Date,
    valid_until: Option<time::Date>,
    note: String,
    version: i64,
}

impl TryFrom<MembershipRow> for Membership {
    type Error = StoreError;
    fn try_from(r: MembershipRow) -> Result<Self> {
        Ok(Membership {
            id: r.id,
            body_id: r.body_id,
            participant_id: r.participant_id,
            status: MembershipStatus::parse(&r.status)
                .ok_or_else(|| StoreError::Corrupt(format!("membership status {}", r.status)))?,
            valid_from: date_from_db(r.valid_from)?,
            valid_until: r.valid_until.map(date_from_db).transpose()?,
            note: r.note,
            version: r.version,
        })
    }
}

const SELECT_MEMBERSHIPS: &str = "SELECT id, body_id, participant_id, status, valid_from, valid_until, note, version \
     FROM memberships WHERE body_id = $1 ORDER BY valid_from, id";
const SELECT_ALL_MEMBERSHIPS: &str = "SELECT id, body_id, participant_id, status, valid_from, valid_until, note, version \
     FROM memberships ORDER BY body_id, valid_from, id";
const INSERT_MEMBERSHIP: &str = "INSERT INTO memberships (id, body_id, participant_id, status, valid_from, valid_until, note, version) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, 1)";

/// A body's memberships, oldest first.
pub async fn memberships(store: &Store, body: Id) -> Result<Vec<Membership>> {
    let rows: Vec<MembershipRow> = on!(store, c => sqlx::query_as(SELECT_MEMBERSHIPS).bind(body).fetch_all(c).await)?;
    rows.into_iter().map(Membership::try_from).collect()
}

/// Every body's memberships, in one query: what a reader's reach over documents is computed from.
pub async fn all_memberships(store: &Store) -> Result<Vec<Membership>> {
    let rows: Vec<MembershipRow> = on!(store, c => sqlx::query_as(SELECT_ALL_MEMBERSHIPS).fetch_all(c).await)?;
    rows.into_iter().map(Membership::try_from).collect()
}

/// What a membership period needs; dates are checked by `domain::bodies::validate_period`.
pub struct NewMembership<'a> {
    pub participant: &'a str,
    pub status: MembershipStatus,
    pub valid_from: Date,
    pub valid_until: Option<Date>,
    pub note: &'a str,
}

pub async fn add_membership(tx: &mut Tx, actor: &Actor, body: Id, new: NewMembership<'_>) -> Result<Membership> {
    let m = Membership {
        id: new_id(),
        body_id: body,
        participant_id: id_of(tx, new.participant, "participant").await?,
        status: new.status,
        valid_from: new.valid_from,
        valid_until: new.valid_until,
        note: new.note.to_string(),
        version: 1,
    };
    execute!(tx, c => sqlx::query(INSERT_MEMBERSHIP)
        .bind(m.id)
        .bind(m.body_id)
        .bind(m.participant_id)
        .bind(m.status.as_str())
        .bind(date_to_db(m.valid_from))
        .bind(m.valid_until.map(date_to_db))
        .bind(&m.note))?;
    audit::record(tx, Change::create(actor, EntityKind::Membership, m.id, &m)).await?;
    Ok(m)
}

/// A chair set for a year, with its version for optimistic concurrency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredChair {
    pub id: Id,
    pub chair: SetChair,
    pub version: i64,
}

#[derive(sqlx::FromRow)]
struct ChairRow {
    id: Id,
    year: i32,
    chair_id: Id,
    co_chair_ids: Json<Vec<Id>>,
    version: i64,
}

impl From<ChairRow> for StoredChair {
    fn from(r: ChairRow) -> Self {
        StoredChair {
            id: r.id,
            chair: SetChair { year: r.year as i16, chair: r.chair_id, co_chairs: r.co_chair_ids.0 },
            version: r.version,
        }
    }
}

const SELECT_CHAIRS: &str =
    "SELECT id, year, chair_id, co_chair_ids, version FROM chairs WHERE body_id = $1 ORDER BY year";
const SELECT_CHAIR: &str =
    "SELECT id, year, chair_id, co_chair_ids, version FROM chairs WHERE body_id = $1 AND year = $2";
/// Nothing when the year's chair was set meanwhile, by a write that read before this one's.
const INSERT_CHAIR: &str = "INSERT INTO chairs (id, body_id, year, chair_id, co_chair_ids, version) \
     VALUES ($1, $2, $3, $4, $5, 1) ON CONFLICT (body_id, year) DO NOTHING";
const UPDATE_CHAIR: &str =
    "UPDATE chairs SET chair_id = $1, co_chair_ids = $2, version = version + 1 WHERE id = $3 AND version = $4";

pub async fn chairs(store: &Store, body: Id) -> Result<Vec<StoredChair>> {
    let rows: Vec<ChairRow> = on!(store, c => sqlx::query_as(SELECT_CHAIRS).bind(body).fetch_all(c).await)?;
    Ok(rows.into_iter().map(StoredChair::from).collect())
}

/// Sets the chair (and optionally the co-chairs, by participant code) of a body for a year.
///
/// `expected_version` is the version the caller saw: `None` when it saw no chair set for the year.
/// If the stored state differs, nothing changes and the result is [`StoreError::Conflict`].
pub async fn set_chair(
    tx: &mut Tx,
    actor: &Actor,
    body: Id,
    year: i16,
    chair: &str,
    co_chairs: &[String],
    expected_version: Option<i64>,
) -> Result<StoredChair> {
    let chair_id = id_of(tx, chair, "chair").await?;
    let mut co_chair_ids = Vec::with_capacity(co_chairs.len());
    for code in co_chairs {
        co_chair_ids.push(id_of(tx, code, "co_chairs").await?);
    }
    let current: Option<ChairRow> =
        on!(tx, c => sqlx::query_as(SELECT_CHAIR).bind(body).bind(year as i32).fetch_optional(c).await)?;
    let current = current.map(StoredChair::from);
    let next = SetChair { year, chair: chair_id, co_chairs: co_chair_ids };
    let stored = match (current, expected_version) {
        (None, None) => {
            let stored = StoredChair { id: new_id(), chair: next, version: 1 };
            let inserted = execute!(tx, c => sqlx::query(INSERT_CHAIR)
                .bind(stored.id)
                .bind(body)
                .bind(year as i32)
                .bind(stored.chair.chair)
                .bind(Json(&stored.chair.co_chairs)))?;
            if inserted == 0 {
                let current: Option<ChairRow> =
                    on!(tx, c => sqlx::query_as(SELECT_CHAIR).bind(body).bind(year as i32).fetch_optional(c).await)?;
                return Err(StoreError::Conflict { entity: "chair", current: current.map_or(0, |c| c.version) });
            }
            audit::record(tx, Change::create(actor, EntityKind::Chair, stored.id, &stored.chair)).await?;
            stored
        }
        (Some(before), Some(v)) if before.version == v => {
            let updated = execute!(tx, c => sqlx::query(UPDATE_CHAIR)
                .bind(next.chair)
                .bind(Json(&next.co_chairs))
                .bind(before.id)
                .bind(v))?;
            // Another override of the same version wrote first.
            if updated != 1 {
                return Err(StoreError::Conflict { entity: "chair", current: v + 1 });
            }
            let stored = StoredChair { id: before.id, chair: next, version: v + 1 };
            audit::record(tx, Change::update(actor, EntityKind::Chair, stored.id, &before.chair, &stored.chair))
                .await?;
            stored
        }
        (current, _) => {
            return Err(StoreError::Conflict { entity: "chair", current: current.map_or(0, |c| c.version) });
        }
    };
    Ok(stored)
}
