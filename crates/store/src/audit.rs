//! The audit trail: every write appends an entry in the same transaction, chained by SHA-256 to the
//! one before, so that `concord verify` can name the first entry that was altered or removed.

use domain::policy::{DocumentReach, EntityKind};
use domain::{Id, policy::Actor};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::types::Json;

use crate::db::convert;
use crate::documents::{bind_reach, readable_entries};
use crate::{Pool, Result, Store, Tx};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Every action an entry can record; each is worded for readers of the trail in every language.
pub const ACTIONS: [&str; 6] = ["create", "update", "delete", "grant", "revoke", "issue"];

/// One change, as the writer describes it.
pub struct Change<'a> {
    pub entity: EntityKind,
    pub entity_id: Id,
    /// One of [`ACTIONS`]: `create`, `update`, `delete`; a role's `grant` and `revoke`; a
    /// badge's `issue`.
    pub action: &'static str,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub actor: &'a Actor,
}

impl<'a> Change<'a> {
    pub fn create(actor: &'a Actor, entity: EntityKind, entity_id: Id, after: &impl Serialize) -> Self {
        Change { entity, entity_id, action: "create", before: None, after: Some(to_json(after)), actor }
    }

    pub fn update(
        actor: &'a Actor,
        entity: EntityKind,
        entity_id: Id,
        before: &impl Serialize,
        after: &impl Serialize,
    ) -> Self {
        Change {
            entity,
            entity_id,
            action: "update",
            before: Some(to_json(before)),
            after: Some(to_json(after)),
            actor,
        }
    }
}

fn to_json(v: &impl Serialize) -> Value {
    serde_json::to_value(v).expect("domain types serialise to JSON")
}

/// A stored entry.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub seq: i64,
    pub at: jiff::Timestamp,
    pub actor_id: Option<Id>,
    pub actor_name: String,
    pub entity: String,
    pub entity_id: Id,
    pub action: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    seq: i64,
    at: time::OffsetDateTime,
    actor_id: Option<Id>,
    actor_name: String,
    entity: String,
    entity_id: Id,
    action: String,
    before: Option<Json<Value>>,
    after: Option<Json<Value>>,
    prev_hash: String,
    hash: String,
}

impl From<EntryRow> for Entry {
    fn from(r: EntryRow) -> Self {
        Entry {
            seq: r.seq,
            at: convert::timestamp_from_db(r.at),
            actor_id: r.actor_id,
            actor_name: r.actor_name,
            entity: r.entity,
            entity_id: r.entity_id,
            action: r.action,
            before: r.before.map(|j| j.0),
            after: r.after.map(|j| j.0),
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

/// The hash of an entry: SHA-256 over a canonical JSON of every field but the hash itself.
/// Object keys are sorted at every depth, so JSONB's re-ordering on PostgreSQL changes nothing.
pub fn entry_hash(e: &Entry) -> String {
    let at = e.at.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    let doc = serde_json::json!({
        "seq": e.seq,
        "at": at,
        "actor_id": e.actor_id,
        "actor_name": e.actor_name,
        "entity": e.entity,
        "entity_id": e.entity_id,
        "action": e.action,
        "before": e.before,
        "after": e.after,
        "prev_hash": e.prev_hash,
    });
    let mut text = String::new();
    canonical(&doc, &mut text);
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

const ADVANCE_HEAD: &str = "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash";
const SET_HEAD_HASH: &str = "UPDATE audit_head SET hash = $1 WHERE id = 1";
const INSERT_ENTRY: &str = "INSERT INTO audit (seq, at, actor_id, actor_name, entity, entity_id, action, before, after, prev_hash, hash) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// Appends an entry for `change` inside the caller's transaction.
pub async fn record(tx: &mut Tx, change: Change<'_>) -> Result<()> {
    debug_assert!(ACTIONS.contains(&change.action), "an action without words: {}", change.action);
    let (seq, prev_hash): (i64, String) = on!(tx, c => sqlx::query_as(ADVANCE_HEAD).fetch_one(c).await)?;
    let at = convert::now();
    let user = change.actor.user.as_ref();
    let mut entry = Entry {
        seq,
        at: convert::timestamp_from_db(at),
        actor_id: user.map(|u| u.id),
        actor_name: user.map_or_else(|| "system".to_string(), |u| u.username.clone()),
        entity: change.entity.as_str().to_string(),
        entity_id: change.entity_id,
        action: change.action.to_string(),
        before: change.before,
        after: change.after,
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry_hash(&entry);
    execute!(tx, c => sqlx::query(INSERT_ENTRY)
        .bind(entry.seq)
        .bind(at)
        .bind(entry.actor_id)
        .bind(&entry.actor_name)
        .bind(&entry.entity)
        .bind(entry.entity_id)
        .bind(&entry.action)
        .bind(entry.before.as_ref().map(Json))
        .bind(entry.after.as_ref().map(Json))
        .bind(&entry.prev_hash)
        .bind(&entry.hash))?;
    execute!(tx, c => sqlx::query(SET_HEAD_HASH).bind(&entry.hash))?;
    Ok(())
}

/// The sequence number of the newest entry. Every write is audited in its own transaction, so this
/// number moves with every change to the data: a version of the whole database, shared by all nodes.
pub async fn head(store: &Store) -> Result<i64> {
    Ok(on!(store, c => sqlx::query_scalar("SELECT seq FROM audit_head WHERE id = 1").fetch_one(c).await)?)
}

const SELECT_ENTRIES: &str = "SELECT seq, at, actor_id, actor_name, entity, entity_id, action, before, after, prev_hash, hash \
     FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2";
/// Entries about entities of kinds $7, or, if $9, about documents the reach ($1 to $5) may read,
/// older than $6, the newest $8.
const SELECT_VISIBLE: &str = concat!(
    "SELECT seq, at, actor_id, actor_name, entity, entity_id, action, before, after, prev_hash, hash \
     FROM audit WHERE seq < $6 AND (entity IN (SELECT value FROM json_each($7)) OR ($9 AND (",
    readable_entries!(sqlite),
    "))) ORDER BY seq DESC LIMIT $8"
);
const SELECT_VISIBLE_PG: &str = concat!(
    "SELECT seq, at, actor_id, actor_name, entity, entity_id, action, before, after, prev_hash, hash \
     FROM audit WHERE seq < $6 AND (entity IN (SELECT jsonb_array_elements_text($7::jsonb)) OR ($9 AND (",
    readable_entries!(postgres),
    "))) ORDER BY seq DESC LIMIT $8"
);

/// The newest entries about entities of the given kinds, and, given a reach, about the documents
/// it may read whatever the kinds, older than `before` (for paging back).
pub async fn recent(
    store: &Store,
    kinds: &[EntityKind],
    reach: Option<&DocumentReach>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Entry>> {
    let kinds = Json(kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>());
    let nothing = DocumentReach::default();
    let documents = reach.unwrap_or(&nothing);
    let before = before.unwrap_or(i64::MAX);
    macro_rules! bound {
        ($sql:expr) => {
            bind_reach!(sqlx::query_as($sql), documents).bind(before).bind(kinds).bind(limit).bind(reach.is_some())
        };
    }
    let rows: Vec<EntryRow> = match store.pool() {
        Pool::Sqlite(p) => bound!(SELECT_VISIBLE).fetch_all(p).await?,
        Pool::Postgres(p) => bound!(SELECT_VISIBLE_PG).fetch_all(p).await?,
    };
    Ok(rows.into_iter().map(Entry::from).collect())
}

/// The outcome of re-computing the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Intact {
        entries: i64,
    },
    /// The first entry whose hash, link or sequence number is wrong, and what is wrong with it.
    Broken {
        seq: i64,
        reason: String,
    },
}

/// Re-computes the whole chain, page by page, and names the first break.
pub async fn verify(store: &Store) -> Result<Verdict> {
    const PAGE: i64 = 1000;
    let mut prev_hash = GENESIS.to_string();
    let mut expected_seq = 1;
    loop {
        let rows: Vec<EntryRow> =
            on!(store, c => sqlx::query_as(SELECT_ENTRIES).bind(expected_seq - 1).bind(PAGE).fetch_all(c).await)?;
        let n = rows.len() as i64;
        for row in rows {
            let e = Entry::from(row);
            if e.seq != expected_seq {
                return Ok(Verdict::Broken { seq: expected_seq, reason: format!("entry {expected_seq} is missing") });
            }
            if e.prev_hash != prev_hash {
                return Ok(Verdict::Broken {
                    seq: e.seq,
                    reason: "its link to the previous entry does not match".into(),
                });
            }
            if entry_hash(&e) != e.hash {
                return Ok(Verdict::Broken { seq: e.seq, reason: "its content does not match its hash".into() });
            }
            prev_hash = e.hash;
            expected_seq += 1;
        }
        if n < PAGE {
            break;
        }
    }
    let (head_seq, head_hash): (i64, String) =
        on!(store, c => sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(c).await)?;
    if head_seq != expected_seq - 1 || head_hash != prev_hash {
        return Ok(Verdict::Broken {
            seq: expected_seq,
            reason: format!("the chain ends at {} but its head says {head_seq}", expected_seq - 1),
        });
    }
    Ok(Verdict::Intact { entries: expected_seq - 1 })
}
