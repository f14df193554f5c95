//! The audit trail, as each reader may see it: entries about entities the reader could not read
//! are left out (DESIGN.md: the audit view applies each entity's read policy).

use axum::Json;
use axum::extract::State;
use axum::response::Html;
use domain::policy::{Action, EntityKind, authorize, may_read_entity};
use serde::Deserialize;
use serde_json::{Value, json};
use store::audit::Entry;

use crate::AppState;
use crate::error::AppError;
use crate::guard::Ctx;
use crate::input::QueryParams;
use crate::render;
use crate::routes::Registry;

const PAGE_SIZE: i64 = 100;

pub(crate) fn routes(r: Registry) -> Registry {
    r.get("/audit", "The audit trail (admin, secretariat)", page).get(
        "/api/v1/audit",
        "The audit trail (?before=seq)",
        api_list,
    )
}

#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct Before {
    /// Entries older than this sequence number: the `older` of the page before.
    before: Option<i64>,
}

/// The newest entries the actor may see, older than `before`, and where the next page starts.
async fn visible(state: &AppState, ctx: &Ctx, before: Option<i64>) -> Result<(Vec<Entry>, Option<i64>), AppError> {
    authorize(&ctx.actor, Action::ReadAudit)?;
    let kinds: Vec<EntityKind> = EntityKind::ALL.into_iter().filter(|k| may_read_entity(&ctx.actor, *k)).collect();
    // Entries about documents are shown to whoever may read the document, entry by entry.
    let documents = crate::documents::reach(state, ctx).await?;
    let entries = store::audit::recent(&state.store, &kinds, Some(&documents), before, PAGE_SIZE).await?;
    let older = (entries.len() as i64 == PAGE_SIZE).then(|| entries.last().map(|e| e.seq)).flatten();
    Ok((entries, older))
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    QueryParams(query): QueryParams<Before>,
) -> Result<Html<String>, AppError> {
    let (entries, older) = visible(&state, &ctx, query.before).await?;
    let entries: Vec<Value> = entries
        .iter()
        .map(|e| {
            let change = json!({ "before": e.before, "after": e.after });
            json!({
                "seq": e.seq,
                "at": e.at.strftime("%Y-%m-%d %H:%M:%S").to_string(),
                // What no user did (the demo's loading, the reminders) is the system's; what someone
                // did through an invitation link keeps the name it was recorded with.
                "actor_name": match (e.actor_id, e.actor_name.as_str()) {
                    (None, "system") => state.i18n.t(ctx.lang, "audit-actor-system", &[]),
                    _ => e.actor_name.clone(),
                },
                "entity": e.entity,
                "entity_shown": state.i18n.t(ctx.lang, &format!("audit-entity-{}", e.entity), &[]),
                "entity_id": e.entity_id,
                "action": state.i18n.t(ctx.lang, &format!("audit-action-{}", e.action), &[]),
                "change": serde_json::to_string_pretty(&change).unwrap_or_default(),
            })
        })
        .collect();
    render::page(&state, &ctx, "audit/list.html", json!({ "entries": entries, "older": older }))
}

async fn api_list(
    State(state): State<AppState>,
    ctx: Ctx,
    QueryParams(query): QueryParams<Before>,
) -> Result<Json<Value>, AppError> {
    let (entries, older) = visible(&state, &ctx, query.before).await?;
    Ok(Json(json!({ "entries": entries, "older": older })))
}
