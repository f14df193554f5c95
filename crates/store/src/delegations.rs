//! Delegations, their members and badges, photos, and the notices outbox.

use domain::delegations::{
    Accreditation, Delegation, DelegationRole, DelegationStatus, Member, MemberFields, Names, PersonCases, Private,
    Rank, Tenure,
};
use domain::events::Format;
use domain::policy::{Actor, EntityKind};
use domain::{Id, Text, new_id};
use serde::Serialize;
use serde_json::json;
use sqlx::types::Json;

use crate::accounts::secret_hash;
use crate::audit::{self, Change};
use crate::db::convert;
use crate::participants::id_of;
use crate::{Result, Store, StoreError, Tx, unique};

#[derive(sqlx::FromRow)]
struct DelegationRow {
    id: Id,
    event_id: Id,
    participant_id: Id,
    status: String,
    email: String,
    invited_at: time::OffsetDateTime,
    version: i64,
}

impl TryFrom<DelegationRow> for Delegation {
    type Error = StoreError;
    fn try_from(r: DelegationRow) -> Result<Self> {
        Ok(Delegation {
            id: r.id,
            event_id: r.event_id,
            participant_id: r.participant_id,
            status: DelegationStatus::parse(&r.status)
                .ok_or_else(|| StoreError::Corrupt(format!("delegation status {}", r.status)))?,
            email: r.email,
            invited_at: convert::timestamp_from_db(r.invited_at),
            version: r.version,
        })
    }
}

const DELEGATION_COLUMNS_BY_EVENT: &str =
    "SELECT id, event_id, participant_id, status, email, invited_at, version FROM delegations WHERE event_id = $1";
const DELEGATION_BY_PARTICIPANT: &str = "SELECT id, event_id, participant_id, status, email, invited_at, version FROM delegations WHERE event_id = $1 AND participant_id = $2";
const DELEGATION_BY_ID: &str =
    "SELECT id, event_id, participant_id, status, email, invited_at, version FROM delegations WHERE id = $1";
const DELEGATION_BY_INVITATION: &str = "SELECT id, event_id, participant_id, status, email, invited_at, version FROM delegations WHERE invitation_hash = $1";
const INSERT_DELEGATION: &str = "INSERT INTO delegations (id, event_id, participant_id, status, email, invitation_hash, invited_at, version) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, 1)";
const UPDATE_DELEGATION_STATUS: &str =
    "UPDATE delegations SET status = $1, version = version + 1 WHERE id = $2 AND version = $3";

/// Invites a participant to an event at `at`; `secret` is the invitation link's token (only its
/// hash is kept).
pub async fn invite(
    tx: &mut Tx,
    actor: &Actor,
    event: Id,
    participant: &str,
    email: &str,
    secret: &str,
    at: jiff::Timestamp,
) -> Result<Delegation> {
    let d = Delegation {
        id: new_id(),
        event_id: event,
        participant_id: id_of(tx, participant, "participant").await?,
        status: DelegationStatus::Invited,
        email: email.to_string(),
        // As the database keeps it (microseconds), so the audit's copy matches a read.
        invited_at: convert::timestamp_from_db(convert::timestamp_to_db(at)),
        version: 1,
    };
    execute!(tx, c => sqlx::query(INSERT_DELEGATION)
        .bind(d.id)
        .bind(d.event_id)
        .bind(d.participant_id)
        .bind(d.status.as_str())
        .bind(&d.email)
        .bind(secret_hash(secret))
        .bind(convert::timestamp_to_db(d.invited_at)))
    .map_err(unique("participant"))?;
    audit::record(tx, Change::create(actor, EntityKind::Delegation, d.id, &d)).await?;
    Ok(d)
}

pub async fn of_event(store: &Store, event: Id) -> Result<Vec<Delegation>> {
    let rows: Vec<DelegationRow> =
        on!(store, c => sqlx::query_as(DELEGATION_COLUMNS_BY_EVENT).bind(event).fetch_all(c).await)?;
    rows.into_iter().map(Delegation::try_from).collect()
}

pub async fn of_participant(store: &Store, event: Id, participant: Id) -> Result<Delegation> {
    let row: Option<DelegationRow> = on!(store, c => sqlx::query_as(DELEGATION_BY_PARTICIPANT).bind(event).bind(participant).fetch_optional(c).await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// The delegation an invitation link's token opens.
pub async fn by_invitation(store: &Store, secret: &str) -> Result<Delegation> {
    let row: Option<DelegationRow> =
        on!(store, c => sqlx::query_as(DELEGATION_BY_INVITATION).bind(secret_hash(secret)).fetch_optional(c).await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// Records the ministry's answer to an invitation, if the delegation is still at `expected_version`.
pub async fn respond(
    tx: &mut Tx,
    actor: &Actor,
    delegation: &Delegation,
    status: DelegationStatus,
) -> Result<Delegation> {
    let done = execute!(tx, c => sqlx::query(UPDATE_DELEGATION_STATUS).bind(status.as_str()).bind(delegation.id).bind(delegation.version))?;
    if done != 1 {
        return Err(StoreError::Conflict { entity: "delegation", current: delegation.version + 1 });
    }
    let after = Delegation { status, version: delegation.version + 1, ..delegation.clone() };
    audit::record(tx, Change::update(actor, EntityKind::Delegation, delegation.id, delegation, &after)).await?;
    Ok(after)
}

pub async fn delegation(store: &Store, id: Id) -> Result<Delegation> {
    let row: Option<DelegationRow> =
        on!(store, c => sqlx::query_as(DELEGATION_BY_ID).bind(id).fetch_optional(c).await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    id: Id,
    delegation_id: Id,
    names: Json<Names>,
    position: Json<Text>,
    tenure_from: Option<time::Date>,
    tenure_until: Option<time::Date>,
    rank: String,
    role: String,
    formats: Json<Vec<Format>>,
    meetings: Json<Vec<String>>,
    private: Json<Private>,
    cases: Json<PersonCases>,
    photo_id: Option<Id>,
    accreditation: String,
    reason: String,
    badge_number: Option<i64>,
    version: i64,
}

impl TryFrom<MemberRow> for Member {
    type Error = StoreError;
    fn try_from(r: MemberRow) -> Result<Self> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("member {}: {what}", r.id));
        let accreditation = match (r.accreditation.as_str(), r.badge_number) {
            ("requested", _) => Accreditation::Requested,
            ("approved", Some(badge_number)) => Accreditation::Approved { badge_number },
            ("rejected", _) => Accreditation::Rejected { reason: r.reason.clone() },
            ("revoked", Some(badge_number)) => Accreditation::Revoked { badge_number, reason: r.reason.clone() },
            _ => return Err(corrupt("accreditation")),
        };
        Ok(Member {
            id: r.id,
            delegation_id: r.delegation_id,
            names: r.names.0,
            position: r.position.0,
            tenure: Tenure {
                from: r.tenure_from.map(convert::date_from_db).transpose()?,
                until: r.tenure_until.map(convert::date_from_db).transpose()?,
            },
            rank: Rank::parse(&r.rank).ok_or_else(|| corrupt("rank"))?,
            role: DelegationRole::parse(&r.role).ok_or_else(|| corrupt("role"))?,
            formats: r.formats.0,
            meetings: r.meetings.0,
            private: r.private.0,
            cases: r.cases.0,
            photo: r.photo_id,
            accreditation,
            version: r.version,
        })
    }
}

fn accreditation_columns(a: &Accreditation) -> (&'static str, String, Option<i64>) {
    match a {
        Accreditation::Requested => ("requested", String::new(), None),
        Accreditation::Approved { badge_number } => ("approved", String::new(), Some(*badge_number)),
        Accreditation::Rejected { reason } => ("rejected", reason.clone(), None),
        Accreditation::Revoked { badge_number, reason } => ("revoked", reason.clone(), Some(*badge_number)),
    }
}

/// The members' columns, then the rest of the query.
macro_rules! select_members {
    ($rest:literal) => {
        concat!(
            "SELECT id, delegation_id, names, position, tenure_from, tenure_until, rank, role, formats, meetings, \
             private, cases, photo_id, accreditation, reason, badge_number, version FROM members ",
            $rest
        )
    };
}

const MEMBERS_OF_DELEGATION: &str = select_members!("WHERE delegation_id = $1");
const MEMBERS_OF_EVENT: &str = select_members!("WHERE event_id = $1");
const APPROVED_OF_EVENT: &str = select_members!("WHERE event_id = $1 AND accreditation = 'approved'");
const MEMBER_BY_ID: &str = select_members!("WHERE id = $1");
const INSERT_MEMBER: &str = "INSERT INTO members (id, delegation_id, event_id, names, position, tenure_from, tenure_until, rank, role, formats, meetings, private, photo_id, cases, accreditation, reason, badge_number, version) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'requested', '', NULL, 1)";
const UPDATE_MEMBER: &str = "UPDATE members SET names = $1, position = $2, tenure_from = $3, tenure_until = $4, rank = $5, role = $6, \
     formats = $7, private = $8, meetings = $9, cases = $10, accreditation = $11, reason = $12, badge_number = $13, \
     version = version + 1 WHERE id = $14 AND version = $15";
const UPDATE_PHOTO: &str = "UPDATE members SET photo_id = $1, accreditation = $2, reason = $3, badge_number = $4, \
     version = version + 1 WHERE id = $5 AND version = $6";
const UPDATE_ACCREDITATION: &str = "UPDATE members SET accreditation = $1, reason = $2, badge_number = $3, version = version + 1 WHERE id = $4 AND version = $5";
const NEXT_BADGE_NUMBER: &str = "SELECT COALESCE(MAX(badge_number), 0) + 1 FROM members WHERE event_id = $1";

pub async fn members_of(store: &Store, delegation: Id) -> Result<Vec<Member>> {
    let rows: Vec<MemberRow> =
        on!(store, c => sqlx::query_as(MEMBERS_OF_DELEGATION).bind(delegation).fetch_all(c).await)?;
    rows.into_iter().map(Member::try_from).collect()
}

/// Every member of every delegation to an event, in one query.
pub async fn members_of_event(store: &Store, event: Id) -> Result<Vec<Member>> {
    let rows: Vec<MemberRow> = on!(store, c => sqlx::query_as(MEMBERS_OF_EVENT).bind(event).fetch_all(c).await)?;
    rows.into_iter().map(Member::try_from).collect()
}

/// The accredited members of an event, in one query: what the list of participants shows.
pub async fn approved_of_event(store: &Store, event: Id) -> Result<Vec<Member>> {
    let rows: Vec<MemberRow> = on!(store, c => sqlx::query_as(APPROVED_OF_EVENT).bind(event).fetch_all(c).await)?;
    rows.into_iter().map(Member::try_from).collect()
}

pub async fn member(store: &Store, id: Id) -> Result<Member> {
    let row: Option<MemberRow> = on!(store, c => sqlx::query_as(MEMBER_BY_ID).bind(id).fetch_optional(c).await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

async fn member_in(tx: &mut Tx, id: Id) -> Result<Member> {
    let row: Option<MemberRow> = on!(tx, c => sqlx::query_as(MEMBER_BY_ID).bind(id).fetch_optional(c).await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// Adds a member under `id` (a form's, so that one sent twice is found rather than made twice),
/// with accreditation requested.
pub async fn add_member(
    tx: &mut Tx,
    actor: &Actor,
    delegation: &Delegation,
    id: Id,
    fields: MemberFields,
) -> Result<Member> {
    let m = Member::requested(id, delegation.id, fields);
    execute!(tx, c => sqlx::query(INSERT_MEMBER)
        .bind(m.id)
        .bind(m.delegation_id)
        .bind(delegation.event_id)
        .bind(Json(&m.names))
        .bind(Json(&m.position))
        .bind(m.tenure.from.map(convert::date_to_db))
        .bind(m.tenure.until.map(convert::date_to_db))
        .bind(m.rank.as_str())
        .bind(m.role.as_str())
        .bind(Json(&m.formats))
        .bind(Json(&m.meetings))
        .bind(Json(&m.private))
        .bind(m.photo)
        .bind(Json(&m.cases)))
    .map_err(crate::unique("id"))?;
    audit::record(tx, Change::create(actor, EntityKind::Member, m.id, &m)).await?;
    Ok(m)
}

/// Replaces a member's fields if the member is still at `expected_version`.
pub async fn update_member(
    tx: &mut Tx,
    actor: &Actor,
    id: Id,
    expected_version: i64,
    fields: MemberFields,
) -> Result<Member> {
    let before = member_in(tx, id).await?;
    if before.version != expected_version {
        return Err(StoreError::Conflict { entity: "member", current: before.version });
    }
    let after = Member { version: expected_version + 1, ..before.clone().with_fields(fields) };
    let (status, reason, number) = accreditation_columns(&after.accreditation);
    let done = execute!(tx, c => sqlx::query(UPDATE_MEMBER)
        .bind(Json(&after.names))
        .bind(Json(&after.position))
        .bind(after.tenure.from.map(convert::date_to_db))
        .bind(after.tenure.until.map(convert::date_to_db))
        .bind(after.rank.as_str())
        .bind(after.role.as_str())
        .bind(Json(&after.formats))
        .bind(Json(&after.private))
        .bind(Json(&after.meetings))
        .bind(Json(&after.cases))
        .bind(status)
        .bind(&reason)
        .bind(number)
        .bind(id)
        .bind(expected_version))?;
    if done != 1 {
        return Err(StoreError::Conflict { entity: "member", current: before.version });
    }
    revoke_if_sent_back(tx, &before, &after).await?;
    audit::record(tx, Change::update(actor, EntityKind::Member, id, &before, &after)).await?;
    Ok(after)
}

/// Stores a normalised photo and sets it as the member's, if the member is still at `expected_version`.
pub async fn set_photo(tx: &mut Tx, actor: &Actor, member: &Member, jpeg: &[u8], thumbnail: &[u8]) -> Result<Member> {
    let photo = new_id();
    execute!(tx, c => sqlx::query("INSERT INTO photos (id, jpeg, thumbnail, created_at) VALUES ($1, $2, $3, $4)")
        .bind(photo)
        .bind(jpeg)
        .bind(thumbnail)
        .bind(convert::now()))?;
    let after = Member { version: member.version + 1, ..member.clone().with_photo(photo) };
    let (status, reason, number) = accreditation_columns(&after.accreditation);
    let done = execute!(tx, c => sqlx::query(UPDATE_PHOTO)
        .bind(photo)
        .bind(status)
        .bind(&reason)
        .bind(number)
        .bind(member.id)
        .bind(member.version))?;
    if done != 1 {
        return Err(StoreError::Conflict { entity: "member", current: member.version + 1 });
    }
    revoke_if_sent_back(tx, member, &after).await?;
    let change = Change {
        entity: EntityKind::Member,
        entity_id: member.id,
        action: "update",
        before: Some(json!({ "photo": member.photo, "accreditation": member.accreditation })),
        after: Some(json!({ "photo": photo, "accreditation": after.accreditation })),
        actor,
    };
    audit::record(tx, change).await?;
    Ok(after)
}

/// A photo's bytes: the full JPEG or its thumbnail.
pub async fn photo(store: &Store, id: Id, thumbnail: bool) -> Result<Vec<u8>> {
    let sql =
        if thumbnail { "SELECT thumbnail FROM photos WHERE id = $1" } else { "SELECT jpeg FROM photos WHERE id = $1" };
    let row: Option<(Vec<u8>,)> =
        on!(store, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await)?;
    Ok(row.ok_or(StoreError::NotFound)?.0)
}

/// A printed badge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Badge {
    /// The opaque id the QR code carries.
    pub id: String,
    pub member_id: Id,
    pub event_id: Id,
    pub revoked: bool,
    pub revoked_reason: String,
}

#[derive(sqlx::FromRow)]
struct BadgeRow {
    id: String,
    member_id: Id,
    event_id: Id,
    revoked_at: Option<time::OffsetDateTime>,
    revoked_reason: String,
}

const INSERT_BADGE: &str = "INSERT INTO badges (id, member_id, event_id, issued_at, revoked_at, revoked_reason) VALUES ($1, $2, $3, $4, NULL, '')";
const REVOKE_BADGES: &str =
    "UPDATE badges SET revoked_at = $1, revoked_reason = $2 WHERE member_id = $3 AND revoked_at IS NULL";
const BADGE_BY_ID: &str = "SELECT id, member_id, event_id, revoked_at, revoked_reason FROM badges WHERE id = $1";
const CURRENT_BADGE: &str = "SELECT id, member_id, event_id, revoked_at, revoked_reason FROM badges WHERE member_id = $1 AND revoked_at IS NULL";

impl From<BadgeRow> for Badge {
    fn from(r: BadgeRow) -> Self {
        Badge {
            id: r.id,
            member_id: r.member_id,
            event_id: r.event_id,
            revoked: r.revoked_at.is_some(),
            revoked_reason: r.revoked_reason,
        }
    }
}

pub async fn badge(store: &Store, id: &str) -> Result<Option<Badge>> {
    let row: Option<BadgeRow> = on!(store, c => sqlx::query_as(BADGE_BY_ID).bind(id).fetch_optional(c).await)?;
    Ok(row.map(Badge::from))
}

/// The badge a member holds now, if any.
pub async fn current_badge(store: &Store, member: Id) -> Result<Option<Badge>> {
    let row: Option<BadgeRow> = on!(store, c => sqlx::query_as(CURRENT_BADGE).bind(member).fetch_optional(c).await)?;
    Ok(row.map(Badge::from))
}

/// The reason a badge stopped admitting when another was printed for its member.
pub const REPRINTED: &str = "reprinted";
/// The reason a badge stopped admitting when what it shows changed after approval.
pub const CHANGED: &str = "changed";

/// Revokes the badges of a member an edit sent back to the host ([`Member::with_fields`]): no
/// badge admits for what the host has not seen.
async fn revoke_if_sent_back(tx: &mut Tx, before: &Member, after: &Member) -> Result<()> {
    if matches!(before.accreditation, Accreditation::Approved { .. }) && after.accreditation == Accreditation::Requested
    {
        execute!(tx, c => sqlx::query(REVOKE_BADGES).bind(convert::now()).bind(CHANGED).bind(after.id))?;
    }
    Ok(())
}

/// Issues a new badge for a member with the opaque id `badge_id`, revoking any it held.
pub async fn issue_badge(tx: &mut Tx, actor: &Actor, member: &Member, event: Id, badge_id: &str) -> Result<()> {
    execute!(tx, c => sqlx::query(REVOKE_BADGES).bind(convert::now()).bind(REPRINTED).bind(member.id))?;
    execute!(tx, c => sqlx::query(INSERT_BADGE).bind(badge_id).bind(member.id).bind(event).bind(convert::now()))?;
    let change = Change {
        entity: EntityKind::Badge,
        entity_id: member.id,
        action: "issue",
        before: None,
        after: Some(json!({ "member": member.id })),
        actor,
    };
    audit::record(tx, change).await
}

/// Moves a member's accreditation on. Approval assigns the event's next badge number and issues a
/// badge; revocation revokes the member's badges.
pub async fn decide(tx: &mut Tx, actor: &Actor, member: &Member, event: Id, next: Decision<'_>) -> Result<Member> {
    let accreditation = match next {
        Decision::Approve { badge_id } => {
            let badge_number = match member.accreditation {
                Accreditation::Approved { badge_number } | Accreditation::Revoked { badge_number, .. } => badge_number,
                _ => {
                    // Approvals at the same moment would otherwise read the same highest number.
                    crate::hold_event_row(tx, event, None).await?;
                    on!(tx, c => sqlx::query_as::<_, (i64,)>(NEXT_BADGE_NUMBER).bind(event).fetch_one(c).await)?.0
                }
            };
            issue_badge(tx, actor, member, event, badge_id).await?;
            Accreditation::Approved { badge_number }
        }
        Decision::Reject { reason } => Accreditation::Rejected { reason: reason.to_string() },
        Decision::Revoke { reason } => {
            let Accreditation::Approved { badge_number } = member.accreditation else {
                return Err(StoreError::Conflict { entity: "member", current: member.version });
            };
            execute!(tx, c => sqlx::query(REVOKE_BADGES).bind(convert::now()).bind(reason).bind(member.id))?;
            Accreditation::Revoked { badge_number, reason: reason.to_string() }
        }
    };
    let (status, reason, number) = accreditation_columns(&accreditation);
    let done = execute!(tx, c => sqlx::query(UPDATE_ACCREDITATION)
        .bind(status)
        .bind(&reason)
        .bind(number)
        .bind(member.id)
        .bind(member.version))
    .map_err(unique("badge_number"))?;
    if done != 1 {
        return Err(StoreError::Conflict { entity: "member", current: member.version + 1 });
    }
    let after = Member { accreditation, version: member.version + 1, ..member.clone() };
    let change = Change {
        entity: EntityKind::Member,
        entity_id: member.id,
        action: "update",
        before: Some(json!({ "accreditation": member.accreditation })),
        after: Some(json!({ "accreditation": after.accreditation })),
        actor,
    };
    audit::record(tx, change).await?;
    Ok(after)
}

/// A host's decision on an accreditation.
pub enum Decision<'a> {
    /// Approve, printing a badge with this opaque id.
    Approve {
        badge_id: &'a str,
    },
    Reject {
        reason: &'a str,
    },
    Revoke {
        reason: &'a str,
    },
}

/// A notice to a person, shown in the app and sent by e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Notice {
    pub id: Id,
    pub user_id: Option<Id>,
    pub email: String,
    pub lang: String,
    pub subject: String,
    pub body: String,
}

const INSERT_NOTICE: &str = "INSERT INTO notices (id, user_id, email, lang, subject, body, created_at, attempts, last_error) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, '')";
const UNSENT_NOTICES: &str = "SELECT id, user_id, email, lang, subject, body FROM notices WHERE sent_at IS NULL AND attempts < 5 ORDER BY created_at LIMIT $1";
const NOTICES_OF_USER: &str = "SELECT id, user_id, email, lang, subject, body, created_at FROM notices \
     WHERE user_id = $1 ORDER BY created_at DESC LIMIT 50";
const MARK_SENT: &str = "UPDATE notices SET sent_at = $1, attempts = attempts + 1 WHERE id = $2";
const MARK_FAILED: &str = "UPDATE notices SET attempts = attempts + 1, last_error = $1 WHERE id = $2";

/// Queues a notice in the writing transaction, so it goes out if and only if the change is made.
pub async fn notify(tx: &mut Tx, notice: &Notice) -> Result<()> {
    execute!(tx, c => sqlx::query(INSERT_NOTICE)
        .bind(notice.id)
        .bind(notice.user_id)
        .bind(&notice.email)
        .bind(&notice.lang)
        .bind(&notice.subject)
        .bind(&notice.body)
        .bind(convert::now()))?;
    Ok(())
}

pub async fn unsent_notices(store: &Store, limit: i64) -> Result<Vec<Notice>> {
    Ok(on!(store, c => sqlx::query_as(UNSENT_NOTICES).bind(limit).fetch_all(c).await)?)
}

#[derive(sqlx::FromRow)]
struct NoticeRow {
    #[sqlx(flatten)]
    notice: Notice,
    created_at: time::OffsetDateTime,
}

/// A user's latest notices, newest first, each with when it was written.
pub async fn notices_of(store: &Store, user: Id) -> Result<Vec<(Notice, jiff::Timestamp)>> {
    let rows: Vec<NoticeRow> = on!(store, c => sqlx::query_as(NOTICES_OF_USER).bind(user).fetch_all(c).await)?;
    Ok(rows.into_iter().map(|r| (r.notice, convert::timestamp_from_db(r.created_at))).collect())
}

pub async fn mark_notice(store: &Store, id: Id, error: Option<&str>) -> Result<()> {
    match error {
        None => execute!(store, c => sqlx::query(MARK_SENT).bind(convert::now()).bind(id))?,
        Some(e) => execute!(store, c => sqlx::query(MARK_FAILED).bind(e).bind(id))?,
    };
    Ok(())
}

/// Delegations (not declined, not yet reminded) of events whose accreditation deadline falls
/// between `now` and `until`.
pub async fn due_reminders(store: &Store, now: jiff::Timestamp, until: jiff::Timestamp) -> Result<Vec<Delegation>> {
    const SQL: &str = "SELECT d.id, d.event_id, d.participant_id, d.status, d.email, d.invited_at, d.version FROM delegations d \
         JOIN events e ON e.id = d.event_id WHERE d.reminded_at IS NULL AND d.status <> 'declined' \
         AND e.accreditation_deadline > $1 AND e.accreditation_deadline <= $2 ORDER BY d.event_id, d.id";
    let rows: Vec<DelegationRow> = on!(store, c => sqlx::query_as(SQL)
        .bind(convert::timestamp_to_db(now))
        .bind(convert::timestamp_to_db(until))
        .fetch_all(c)
        .await)?;
    rows.into_iter().map(Delegation::try_from).collect()
}

/// Records that a delegation was reminded; false if another node did it first.
pub async fn mark_reminded(tx: &mut Tx, delegation: Id) -> Result<bool> {
    let done = execute!(tx, c => sqlx::query("UPDATE delegations SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL")
        .bind(convert::now())
        .bind(delegation))?;
    Ok(done == 1)
}
