//! A meeting's protocol outputs from the rules on its body: the order of speakers, the seating plan
//! and the family-photo line-up. Who sits at the meeting: the heads of the delegations taking part.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::Html;
use axum::response::{IntoResponse, Response};
use domain::Id;
use domain::bodies::{Body, sits_by_right};
use domain::delegations::Member;
use domain::events::{Event, Meeting};
use domain::lineup::line_up;
use domain::participants::Participant;
use domain::policy::{Action, authorize};
use domain::precedence::{Context, order_in};
use domain::seating::{Table, bilateral_side, first_present, heads_at, places, speakers};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::AppError;
use crate::guard::Ctx;
use crate::input::{Path, QueryParams};
use crate::routes::Registry;

pub(crate) fn routes(r: Registry) -> Registry {
    r.get("/api/v1/events/{event}/meetings/{meeting}/speakers", "The order of speakers at a meeting", speakers_api)
        .get("/events/{event}/meetings/{meeting}/speakers", "The order of speakers at a meeting", speakers_page)
        .get(
            "/events/{event}/meetings/{meeting}/seating.svg",
            "The seating plan of a meeting as SVG (?table=round|u_shape)",
            seating_svg,
        )
        .get(
            "/events/{event}/meetings/{meeting}/family-photo.svg",
            "The family-photo line-up of a meeting as SVG",
            photo_svg,
        )
        .get(
            "/events/{event}/programme/{item}/seating.svg",
            "The face-to-face table of a bilateral as SVG",
            bilateral_svg,
        )
}

/// A meeting and the heads of delegation sitting at it, in the order of delegations of its body.
struct Sitting {
    event: Event,
    meeting: Meeting,
    body: Body,
    heads: Vec<(Participant, Member)>,
}

impl Sitting {
    async fn load(state: &AppState, event: &str, meeting: &str) -> Result<Sitting, AppError> {
        let event = store::events::by_slug(&state.store, event).await?;
        let meeting = store::events::meetings_of_event(&state.store, event.id)
            .await?
            .into_iter()
            .map(|m| m.meeting)
            .find(|m| m.slug == meeting)
            .ok_or(AppError::NotFound)?;
        let body = store::bodies::list(&state.store)
            .await?
            .into_iter()
            .find(|b| b.id == meeting.body_id)
            .ok_or(AppError::NotFound)?;
        let memberships = store::bodies::memberships(&state.store, body.id).await?;
        let participants = store::participants::list(&state.store).await?;
        let delegations = store::delegations::of_event(&state.store, event.id).await?;
        let members = store::delegations::approved_of_event(&state.store, event.id).await?;
        let participant_of: HashMap<Id, Id> = delegations.iter().map(|d| (d.id, d.participant_id)).collect();
        let member_of_body = |participant| sits_by_right(&memberships, participant, meeting.date, event.host);
        let heads = heads_at(
            &meeting.slug,
            members.iter().filter_map(|m| participant_of.get(&m.delegation_id).map(|p| (*p, m))),
            member_of_body,
        );
        let present: Vec<&Participant> = participants.iter().filter(|p| heads.contains_key(&p.id)).collect();
        let head_rank = |id: Id| heads.get(&id).map(|m| m.rank);
        let ordered = order_in(&body.precedence, &present, &Context { host: Some(event.host), head_rank: &head_rank });
        let heads = ordered.into_iter().map(|p| (p.clone(), heads[&p.id].clone())).collect();
        Ok(Sitting { event, meeting, body, heads })
    }

    fn present(&self, id: Option<Id>) -> Option<Id> {
        id.filter(|id| self.heads.iter().any(|(p, _)| p.id == *id))
    }

    fn order(&self) -> Vec<Id> {
        self.heads.iter().map(|(p, _)| p.id).collect()
    }

    /// The name card of a participant's place, in the body's working language.
    fn card(&self, id: Id) -> render::svg::Card {
        let lang = &self.body.working_language;
        let (p, head) = self.heads.iter().find(|(p, _)| p.id == id).expect("a participant at the meeting");
        render::svg::Card { card: p.short_name.get(lang).to_string(), person: head.names.on_card(lang) }
    }

    /// Who heads the table or the photo: the first present of `preferred`, else the first in order.
    fn first_of(&self, preferred: [Option<Id>; 2]) -> Option<Id> {
        first_present(&preferred, &self.order())
    }

    /// Who takes the floor, in turn, by the body's rules: the chair opens, the host welcomes,
    /// then the list.
    fn speakers(&self, lang: &str) -> Vec<Value> {
        let chair = self.present(self.meeting.chair);
        let host = self.present(Some(self.event.host));
        let order = speakers(&self.body.protocol.speakers, chair.as_ref(), host.as_ref(), &self.order());
        order
            .into_iter()
            .map(|(id, turn)| {
                let (p, head) = self.heads.iter().find(|(p, _)| p.id == id).expect("a participant at the meeting");
                json!({ "participant": p.code, "delegation": p.short_name.get(lang), "head": head.names.display(lang), "turn": turn })
            })
            .collect()
    }

    fn title(&self, state: &AppState, ctx: &Ctx, key: &str) -> String {
        state.i18n.t(ctx.lang, key, &[("meeting", self.meeting.title.get(ctx.lang).to_string().into())])
    }
}

async fn speakers_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, meeting)): Path<(String, String)>,
) -> Result<Json<Value>, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let sitting = Sitting::load(&state, &event, &meeting).await?;
    let list = sitting.speakers(ctx.lang);
    Ok(Json(json!({ "event": sitting.event.slug, "meeting": sitting.meeting.slug, "speakers": list })))
}

async fn speakers_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, meeting)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let sitting = Sitting::load(&state, &event, &meeting).await?;
    let model = json!({
        "event": sitting.event,
        "meeting": sitting.meeting.slug,
        "title": sitting.title(&state, &ctx, "speakers-title"),
        "speakers": sitting.speakers(ctx.lang),
    });
    crate::render::page(&state, &ctx, "seating/speakers.html", model)
}

#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeatingQuery {
    table: Option<String>,
}

async fn seating_svg(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, meeting)): Path<(String, String)>,
    QueryParams(query): QueryParams<SeatingQuery>,
) -> Result<Response, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let sitting = Sitting::load(&state, &event, &meeting).await?;
    let policy = &sitting.body.protocol.seating;
    let table = match query.table.as_deref() {
        None => policy.table,
        Some(name) => Table::parse(name).ok_or_else(|| AppError::field("table", "invalid-table"))?,
    };
    let cards = match sitting.first_of([sitting.meeting.chair, Some(sitting.event.host)]) {
        Some(chair) => {
            let others: Vec<Id> = sitting.order().into_iter().filter(|id| *id != chair).collect();
            places(policy.direction, chair, &others).into_iter().map(|id| sitting.card(id)).collect()
        }
        None => Vec::new(),
    };
    let shape = match table {
        Table::Round => render::svg::Shape::Round,
        Table::UShape => render::svg::Shape::U,
    };
    Ok(svg(render::svg::table(&sitting.title(&state, &ctx, "seating-title"), shape, &cards)))
}

async fn photo_svg(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, meeting)): Path<(String, String)>,
) -> Result<Response, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let sitting = Sitting::load(&state, &event, &meeting).await?;
    let policy = &sitting.body.protocol.photo;
    let (chair, host) = (sitting.meeting.chair, Some(sitting.event.host));
    let centre = sitting.first_of(policy.centre.preference(host, chair));
    let history: Vec<(Id, Id)> = store::events::meetings_of_body(&state.store, sitting.body.id)
        .await?
        .into_iter()
        .map(|m| (m.meeting.id, m.host))
        .collect();
    let rows = match centre {
        Some(centre) => {
            let beside = policy.beside.who(&history, &sitting.meeting.id, centre).map(|h| sitting.present(h));
            let others = sitting.heads.iter().filter(|(p, _)| p.id != centre).map(|(p, head)| (p.id, head.seniority()));
            line_up(policy, centre, beside, others.collect())
                .into_iter()
                .map(|row| row.into_iter().map(|id| sitting.card(id)).collect())
                .collect()
        }
        None => Vec::new(),
    };
    let camera = state.i18n.t(ctx.lang, "photo-camera", &[]);
    Ok(svg(render::svg::family_photo(&sitting.title(&state, &ctx, "family-photo-title"), &rows, &camera)))
}

fn svg(body: String) -> Response {
    ([(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")], body).into_response()
}

/// A bilateral's table: each delegation's attending members on one side, the head in the middle
/// and the interpreter beside; the host's side (or the first in order) across from the others.
async fn bilateral_svg(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, item)): Path<(String, Id)>,
) -> Result<Response, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let p = crate::programme::Programme::current(&state, &event).await?;
    let item = p.visible(&ctx).find(|i| i.id == item).ok_or(AppError::NotFound)?;
    let lang = crate::lists::event_language(&state, &p.event).await?;
    let attendance = p.attendance(item);
    let attending: Vec<&Member> = p.members().iter().map(|(_, m)| m).filter(|m| attendance.contains(&m.id)).collect();
    // The delegations attending, the host's first: its side is the near one.
    let mut sides: Vec<&(Id, Participant)> =
        p.delegations.iter().filter(|(d, _)| attending.iter().any(|m| m.delegation_id == *d)).collect();
    sides.sort_by_key(|(_, participant)| participant.id != p.event.host);
    let side = |(delegation, participant): &&(Id, Participant)| -> Vec<render::svg::Card> {
        let own: Vec<&Member> = attending.iter().filter(|m| m.delegation_id == *delegation).copied().collect();
        let card = participant.short_name.get(&lang).to_string();
        bilateral_side(&own, &lang)
            .into_iter()
            .map(|m| render::svg::Card { card: card.clone(), person: m.names.on_card(&lang) })
            .collect()
    };
    let sides: Vec<Vec<render::svg::Card>> = sides.iter().map(side).collect();
    Ok(svg(render::svg::bilateral(item.title.get(ctx.lang), &sides)))
}
