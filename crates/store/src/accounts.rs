//! Users, their roles, login sessions and API tokens.
//!
//! Sessions and tokens are stored by the SHA-256 of their secret, so a copy of the database lets
//! nobody in. Sessions are authentication state, not records: they are not audited; users, roles,
//! password changes and tokens are.

use domain::accounts::Role;
use domain::policy::{Actor, EntityKind};
use domain::{Id, new_id};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::audit::{self, Change};
use crate::db::{Target, convert};
use crate::{Result, Store, StoreError, Tx, unique};

/// A user as stored; the password hash never leaves `store` and `web`'s login.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct User {
    pub id: Id,
    pub username: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    /// Demo accounts log in only while the server runs with `--demo`.
    pub demo: bool,
    pub version: i64,
}

/// The SHA-256 of a secret, as stored.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

const INSERT_USER: &str = "INSERT INTO users (id, username, display_name, password_hash, demo, created_at, version) \
     VALUES ($1, $2, $3, $4, $5, $6, 1)";
const SELECT_BY_USERNAME: &str =
    "SELECT id, username, display_name, password_hash, demo, version FROM users WHERE username = $1";
const SELECT_BY_ID: &str = "SELECT id, username, display_name, password_hash, demo, version FROM users WHERE id = $1";
/// A signed-in user and their roles in one query: a row per role (one with no role if none).
macro_rules! select_signed_in {
    ($credential:literal, $csrf:literal, $where:literal) => {
        concat!(
            "SELECT u.id, u.username, u.display_name, u.password_hash, u.demo, u.version, ",
            $csrf,
            " AS csrf_token, r.role, r.body_id, r.event_id, r.participant_id, e.host_id FROM ",
            $credential,
            " JOIN users u ON u.id = c.user_id LEFT JOIN roles r ON r.user_id = u.id \
             LEFT JOIN events e ON e.id = r.event_id WHERE ",
            $where,
            " ORDER BY r.role, r.id"
        )
    };
}
const SELECT_BY_SESSION: &str =
    select_signed_in!("sessions c", "c.csrf_token", "c.token_hash = $1 AND c.expires_at > $2");
const SELECT_BY_TOKEN: &str = select_signed_in!("api_tokens c", "''", "c.token_hash = $1 AND c.revoked_at IS NULL");
const SELECT_ROLES: &str = "SELECT r.role, r.body_id, r.event_id, r.participant_id, e.host_id \
     FROM roles r LEFT JOIN events e ON e.id = r.event_id WHERE r.user_id = $1 ORDER BY r.role, r.id";
const INSERT_ROLE: &str =
    "INSERT INTO roles (id, user_id, role, body_id, event_id, participant_id) VALUES ($1, $2, $3, $4, $5, $6)";
const DELETE_ROLE: &str = "DELETE FROM roles WHERE user_id = $1 AND role = $2 AND body_id IS NOT DISTINCT FROM $3 \
     AND event_id IS NOT DISTINCT FROM $4 AND participant_id IS NOT DISTINCT FROM $5";
const UPDATE_PASSWORD: &str = "UPDATE users SET password_hash = $1, version = version + 1 WHERE id = $2";
const INSERT_SESSION: &str =
    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";
const DELETE_EXPIRED_SESSIONS: &str = "DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2";
const DELETE_SESSION: &str = "DELETE FROM sessions WHERE token_hash = $1";
const DELETE_OTHER_SESSIONS: &str = "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2";
const INSERT_TOKEN: &str =
    "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)";

pub async fn create_user(
    tx: &mut Tx,
    actor: &Actor,
    username: &str,
    display_name: &str,
    password_hash: &str,
    demo: bool,
) -> Result<User> {
    let user = User {
        id: new_id(),
        username: username.to_string(),
        display_name: display_name.to_string(),
        password_hash: password_hash.to_string(),
        demo,
        version: 1,
    };
    execute!(tx, c => sqlx::query(INSERT_USER)
        .bind(user.id)
        .bind(&user.username)
        .bind(&user.display_name)
        .bind(&user.password_hash)
        .bind(user.demo)
        .bind(convert::now()))
    .map_err(unique("username"))?;
    audit::record(tx, Change::create(actor, EntityKind::User, user.id, &user)).await?;
    Ok(user)
}

pub async fn by_username(store: &Store, username: &str) -> Result<User> {
    let user: Option<User> =
        on!(store, c => sqlx::query_as(SELECT_BY_USERNAME).bind(username).fetch_optional(c).await)?;
    user.ok_or(StoreError::NotFound)
}

pub async fn by_id(store: &Store, id: Id) -> Result<User> {
    let user: Option<User> = on!(store, c => sqlx::query_as(SELECT_BY_ID).bind(id).fetch_optional(c).await)?;
    user.ok_or(StoreError::NotFound)
}

/// The body, event and participant a role's row is scoped to.
fn scope(role: &Role) -> (Option<Id>, Option<Id>, Option<Id>) {
    match *role {
        Role::Admin => (None, None, None),
        Role::Secretariat { body } => (Some(body), None, None),
        Role::Host { event, .. } | Role::Press { event } => (None, Some(event), None),
        Role::Ministry { participant } => (None, None, Some(participant)),
        Role::AccreditationOfficer { event, participant } => (None, Some(event), Some(participant)),
    }
}

pub async fn grant(tx: &mut Tx, actor: &Actor, user: &User, role: &Role) -> Result<()> {
    let (body, event, participant) = scope(role);
    let id = new_id();
    execute!(tx, c => sqlx::query(INSERT_ROLE).bind(id).bind(user.id).bind(role.name()).bind(body).bind(event).bind(participant))?;
    let after = json!({ "user": user.username, "grant": role });
    audit::record(
        tx,
        Change {
            entity: EntityKind::User,
            entity_id: user.id,
            action: "grant",
            before: None,
            after: Some(after),
            actor,
        },
    )
    .await
}

/// Takes `role` from `user`, audited; the next request of any of their sessions is without it.
pub async fn revoke(tx: &mut Tx, actor: &Actor, user: &User, role: &Role) -> Result<()> {
    let (body, event, participant) = scope(role);
    execute!(tx, c => sqlx::query(DELETE_ROLE).bind(user.id).bind(role.name()).bind(body).bind(event).bind(participant))?;
    let before = json!({ "user": user.username, "grant": role });
    audit::record(
        tx,
        Change {
            entity: EntityKind::User,
            entity_id: user.id,
            action: "revoke",
            before: Some(before),
            after: None,
            actor,
        },
    )
    .await
}

#[derive(sqlx::FromRow)]
struct RoleRow {
    role: String,
    body_id: Option<Id>,
    event_id: Option<Id>,
    participant_id: Option<Id>,
    host_id: Option<Id>,
}

impl TryFrom<RoleRow> for Role {
    type Error = StoreError;
    fn try_from(r: RoleRow) -> Result<Role> {
        let missing = || StoreError::Corrupt(format!("role {} lacks its scope", r.role));
        Ok(match r.role.as_str() {
            "admin" => Role::Admin,
            "secretariat" => Role::Secretariat { body: r.body_id.ok_or_else(missing)? },
            "host" => {
                Role::Host { event: r.event_id.ok_or_else(missing)?, participant: r.host_id.ok_or_else(missing)? }
            }
            "ministry" => Role::Ministry { participant: r.participant_id.ok_or_else(missing)? },
            "accreditation_officer" => Role::AccreditationOfficer {
                event: r.event_id.ok_or_else(missing)?,
                participant: r.participant_id.ok_or_else(missing)?,
            },
            "press" => Role::Press { event: r.event_id.ok_or_else(missing)? },
            other => return Err(StoreError::Corrupt(format!("unknown role {other}"))),
        })
    }
}

pub async fn roles(store: &Store, user: Id) -> Result<Vec<Role>> {
    let rows: Vec<RoleRow> = on!(store, c => sqlx::query_as(SELECT_ROLES).bind(user).fetch_all(c).await)?;
    rows.into_iter().map(Role::try_from).collect()
}

/// Replaces a user's password hash and ends the user's other sessions.
pub async fn set_password(
    tx: &mut Tx,
    actor: &Actor,
    user: Id,
    password_hash: &str,
    keep_session: Option<&str>,
) -> Result<()> {
    let done = execute!(tx, c => sqlx::query(UPDATE_PASSWORD).bind(password_hash).bind(user))?;
    if done != 1 {
        return Err(StoreError::NotFound);
    }
    let keep = keep_session.map(secret_hash).unwrap_or_default();
    execute!(tx, c => sqlx::query(DELETE_OTHER_SESSIONS).bind(user).bind(&keep))?;
    let after = json!({ "password": "changed" });
    audit::record(
        tx,
        Change { entity: EntityKind::User, entity_id: user, action: "update", before: None, after: Some(after), actor },
    )
    .await
}

/// Opens a session for `user`, identified by the secret `token` (kept by the browser in a cookie),
/// and clears the user's expired ones.
pub async fn create_session(
    store: &Store,
    user: Id,
    token: &str,
    csrf_token: &str,
    lifetime: time::Duration,
) -> Result<()> {
    let now = convert::now();
    execute!(store, c => sqlx::query(DELETE_EXPIRED_SESSIONS).bind(user).bind(now))?;
    execute!(store, c => sqlx::query(INSERT_SESSION)
        .bind(secret_hash(token))
        .bind(user)
        .bind(csrf_token)
        .bind(now)
        .bind(now + lifetime))?;
    Ok(())
}

/// Who is behind a session or an API token: the user, their roles, and the session's CSRF token
/// (empty for a token, which carries no ambient authority to protect).
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: User,
    pub roles: Vec<Role>,
    pub csrf: String,
}

#[derive(sqlx::FromRow)]
struct SignedInRow {
    #[sqlx(flatten)]
    user: User,
    csrf_token: String,
    role: Option<String>,
    body_id: Option<Id>,
    event_id: Option<Id>,
    participant_id: Option<Id>,
    host_id: Option<Id>,
}

fn signed_in(rows: Vec<SignedInRow>) -> Result<Option<SignedIn>> {
    let Some(first) = rows.first() else { return Ok(None) };
    let (user, csrf) = (first.user.clone(), first.csrf_token.clone());
    let roles = rows
        .into_iter()
        .filter_map(|r| {
            let role = r.role?;
            let (body_id, event_id, participant_id, host_id) = (r.body_id, r.event_id, r.participant_id, r.host_id);
            Some(Role::try_from(RoleRow { role, body_id, event_id, participant_id, host_id }))
        })
        .collect::<Result<_>>()?;
    Ok(Some(SignedIn { user, roles, csrf }))
}

/// The user behind a live session, with their roles and the session's CSRF token.
pub async fn session_user(store: &Store, token: &str) -> Result<Option<SignedIn>> {
    let rows: Vec<SignedInRow> = on!(store, c => sqlx::query_as(SELECT_BY_SESSION).bind(secret_hash(token)).bind(convert::now()).fetch_all(c).await)?;
    signed_in(rows)
}

pub async fn delete_session(store: &Store, token: &str) -> Result<()> {
    execute!(store, c => sqlx::query(DELETE_SESSION).bind(secret_hash(token)))?;
    Ok(())
}

/// Records an API token for `user`; the caller shows the secret once and keeps only its hash here.
pub async fn create_token(tx: &mut Tx, actor: &Actor, user: &User, name: &str, token: &str) -> Result<Id> {
    let id = new_id();
    execute!(tx, c => sqlx::query(INSERT_TOKEN).bind(id).bind(user.id).bind(name).bind(secret_hash(token)).bind(convert::now()))?;
    let after = json!({ "user": user.username, "name": name });
    audit::record(tx, Change::create(actor, EntityKind::ApiToken, id, &after)).await?;
    Ok(id)
}

/// The user behind an API token that has not been revoked, with their roles.
pub async fn token_user(store: &Store, token: &str) -> Result<Option<SignedIn>> {
    let rows: Vec<SignedInRow> =
        on!(store, c => sqlx::query_as(SELECT_BY_TOKEN).bind(secret_hash(token)).fetch_all(c).await)?;
    signed_in(rows)
}

/// The ids bound as `$1` (a JSON list), as each engine reads them.
macro_rules! listed_ids {
    (sqlite) => {
        "(SELECT unhex(value) FROM json_each($1))"
    };
    (postgres) => {
        "(SELECT value::uuid FROM jsonb_array_elements_text($1))"
    };
}

macro_rules! officers_of {
    ($engine:tt) => {
        concat!(
            "SELECT d.id, u.id, u.email FROM delegations d \
             JOIN roles r ON r.event_id = d.event_id AND r.participant_id = d.participant_id \
             JOIN users u ON u.id = r.user_id WHERE r.role = 'accreditation_officer' AND d.id IN ",
            listed_ids!($engine),
            " ORDER BY u.username"
        )
    };
}

/// Where notices to these delegations' accreditation officers go: for each officer, the delegation,
/// the officer's id and e-mail address ("" when none is set), by username, in one query.
pub async fn officers_of(store: &Store, delegations: &[Id]) -> Result<Vec<(Id, Id, String)>> {
    recipients(store, (officers_of!(sqlite), officers_of!(postgres)), delegations).await
}

macro_rules! ministries_of {
    ($engine:tt) => {
        concat!(
            "SELECT r.participant_id, u.id, u.email FROM users u JOIN roles r ON r.user_id = u.id \
             WHERE r.role = 'ministry' AND r.participant_id IN ",
            listed_ids!($engine),
            " ORDER BY u.username"
        )
    };
}

/// Where notices to the ministries of these participants go: for each user who speaks for one,
/// the participant, the user's id and e-mail address, by username, in one query.
pub async fn ministries_of(store: &Store, participants: &[Id]) -> Result<Vec<(Id, Id, String)>> {
    recipients(store, (ministries_of!(sqlite), ministries_of!(postgres)), participants).await
}

/// Who a notice goes to, by a query of each engine that takes a list of ids as $1: for each
/// recipient, whom it is on behalf of, the user's id and e-mail address.
async fn recipients(
    store: &Store,
    (sqlite, postgres): (&'static str, &'static str),
    ids: &[Id],
) -> Result<Vec<(Id, Id, String)>> {
    let ids = convert::id_list(ids);
    Ok(match store.target() {
        Target::Sqlite(c) => sqlx::query_as(sqlite).bind(ids).fetch_all(c).await?,
        Target::Postgres(c) => sqlx::query_as(postgres).bind(ids).fetch_all(c).await?,
    })
}

/// Sets the address a user's notices go to.
pub async fn set_email(tx: &mut Tx, actor: &Actor, user: Id, email: &str) -> Result<()> {
    execute!(tx, c => sqlx::query("UPDATE users SET email = $1 WHERE id = $2").bind(email).bind(user))?;
    let change = Change {
        entity: EntityKind::User,
        entity_id: user,
        action: "update",
        before: None,
        after: Some(json!({ "email": email })),
        actor,
    };
    audit::record(tx, change).await
}
