//! Participants: the states and organisations that sit in bodies.

use axum::Json;
use axum::extract::State;
use axum::response::Html;
use domain::participants::Participant;
use domain::policy::{Action, authorize};
use domain::precedence::sort_by_collation;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::AppError;
use crate::guard::Ctx;
use crate::render;
use crate::routes::Registry;

pub(crate) fn routes(r: Registry) -> Registry {
    r.get("/participants", "Participants, in the reader's alphabetical order", page).get(
        "/api/v1/participants",
        "Every participant, by code",
        api_list,
    )
}

async fn page(State(state): State<AppState>, ctx: Ctx) -> Result<Html<String>, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let mut participants = store::participants::list(&state.store).await?;
    sort_by_collation(&mut participants, ctx.lang, |p| p.short_name.get(ctx.lang));
    render::page(&state, &ctx, "participants/list.html", json!({ "participants": participants }))
}

async fn api_list(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Value>, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let participants = store::participants::list(&state.store).await?;
    Ok(Json(json!({ "participants": participants })))
}

/// What lists show of a participant that something refers to.
pub(crate) fn summary(participants: &[Participant], id: domain::Id) -> Value {
    participants
        .iter()
        .find(|p| p.id == id)
        .map_or(Value::Null, |p| json!({ "code": p.code, "short_name": p.short_name, "formal_name": p.formal_name }))
}
