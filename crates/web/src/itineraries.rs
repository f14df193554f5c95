//! Itineraries: a delegation's and each member's programme with the way between venues, as a page
//! that updates live and as private calendar feeds at unguessable, revocable URLs.

use std::collections::BTreeSet;

use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::Id;
use domain::accounts::new_secret;
use domain::policy::{Action, authorize};
use domain::programme::{Item, Journey, Leg, Visibility, itinerary, journeys_of};
use serde_json::{Value, json};

use crate::AppState;
use crate::delegations::{Scope, member_of};
use crate::error::AppError;
use crate::guard::Ctx;
use crate::input::{Form, Path};
use crate::programme::{Programme, calendar};
use crate::render;
use crate::routes::Registry;

pub(crate) fn routes(r: Registry) -> Registry {
    r.get("/events/{event}/delegations/{participant}/itinerary", "A delegation's itinerary", delegation_page)
        .get(
            "/events/{event}/delegations/{participant}/members/{member}/itinerary",
            "A member's itinerary",
            member_page,
        )
        .post("/events/{event}/delegations/{participant}/feeds", "Open a private calendar feed (form)", open_feed)
        .post(
            "/events/{event}/delegations/{participant}/feeds/{feed}/revoke",
            "Revoke a private calendar feed (form)",
            revoke_feed,
        )
        .get("/feeds/{secret}", "A private calendar feed; the URL is the key", feed)
}

/// Rendered itineraries kept between requests, by event, delegation, member, audience and language.
pub(crate) type ItineraryPages =
    crate::snapshots::Snapshots<(String, String, Option<Id>, Visibility, &'static str), String>;

/// The items someone of `people` attends, among those `audience` may see or shown to those who
/// attend them (the reader may read `people`'s delegation).
fn attended<'a>(p: &'a Programme, people: &BTreeSet<Id>, audience: Visibility) -> Vec<&'a Item> {
    p.items.iter().filter(|i| i.in_itinerary(audience)).filter(|i| !p.attendance(i).is_disjoint(people)).collect()
}

fn legs_json(state: &AppState, p: &Programme, items: &[&Item], journeys: Vec<Journey>, lang: &str) -> Vec<Value> {
    itinerary(items, &p.event.travel, journeys, &p.tz)
        .into_iter()
        .map(|leg| match leg {
            Leg::Item(item) => {
                let mut v = p.item_json(item, lang);
                v["day_shown"] = json!(state.i18n.date(lang, p.local(item.starts).date()));
                v["kind_shown"] = json!(p.kind_shown(state, lang, item));
                v
            }
            Leg::Travel { from, to, minutes, leave } => {
                let name =
                    |slug: &str| p.venue(Some(slug)).map_or_else(|| slug.to_string(), |v| v.name.get(lang).into());
                json!({
                    "travel": true, "from": name(&from), "to": name(&to), "minutes": minutes,
                    "leave": p.local(leave).strftime("%H:%M").to_string(),
                    "day_shown": state.i18n.date(lang, p.local(leave).date()),
                })
            }
            Leg::Journey(journey) => {
                let who = p.members().iter().find(|(_, m)| m.id == journey.member).map(|(_, m)| m.names.display(lang));
                json!({
                    "journey": true, "arriving": journey.arriving, "who": who, "carrier": journey.carrier,
                    "time": p.local(journey.at).strftime("%H:%M").to_string(),
                    "day_shown": state.i18n.date(lang, p.local(journey.at).date()),
                })
            }
        })
        .collect()
}

async fn delegation_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, participant)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    show(&state, &ctx, &event, &participant, None, None).await
}

async fn member_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, participant, member)): Path<(String, String, Id)>,
) -> Result<Html<String>, AppError> {
    show(&state, &ctx, &event, &participant, Some(member), None).await
}

/// A delegation's itinerary (or one member's), with its feeds; `new_feed` is the URL of a feed just
/// opened, shown this once.
async fn show(
    state: &AppState,
    ctx: &Ctx,
    event: &str,
    participant: &str,
    member: Option<Id>,
    new_feed: Option<String>,
) -> Result<Html<String>, AppError> {
    let p = Programme::current(state, event).await?;
    let code = participant.to_uppercase();
    let (delegation, participant) = p.delegations.iter().find(|(_, x)| x.code == code).ok_or(AppError::NotFound)?;
    authorize(&ctx.actor, Action::ReadDelegation { event: p.event.id, participant: participant.id })?;
    let own: Vec<&domain::delegations::Member> =
        p.members().iter().filter(|(_, m)| m.delegation_id == *delegation).map(|(_, m)| m).collect();
    let people: BTreeSet<Id> = match member {
        Some(id) => {
            own.iter().find(|m| m.id == id).ok_or(AppError::NotFound)?;
            BTreeSet::from([id])
        }
        None => own.iter().map(|m| m.id).collect(),
    };
    let audience = p.audience(ctx);
    let key = (p.event.slug.clone(), participant.code.clone(), member, audience, ctx.lang);
    let legs = state.itineraries.current(&state.store, key, false, || async {
        let items = attended(&p, &people, audience);
        // Travel data is the delegation's own: it shows on these pages, never in a feed.
        let journeys = own.iter().filter(|m| people.contains(&m.id)).flat_map(|m| journeys_of(m, &p.tz)).collect();
        let legs = legs_json(state, &p, &items, journeys, ctx.lang);
        render::fragment(state, ctx, "itineraries/legs.html", json!({ "event": p.event, "legs": legs }))
    });
    let legs = legs.await?;
    let feeds: Vec<Value> = p
        .feeds
        .iter()
        .filter(|f| f.delegation_id == *delegation)
        .map(|f| {
            let whom = f.member_id.and_then(|id| own.iter().find(|m| m.id == id)).map(|m| m.names.display(ctx.lang));
            let created = state.i18n.date_time(ctx.lang, &f.created_at.to_zoned_datetime(p.tz.clone()));
            json!({ "id": f.id, "whom": whom, "created": created, "revoked": f.revoked_at.is_some() })
        })
        .collect();
    let members: Vec<Value> = own.iter().map(|m| json!({ "id": m.id, "name": m.names.display(ctx.lang) })).collect();
    let person = member.and_then(|id| own.iter().find(|m| m.id == id)).map(|m| m.names.display(ctx.lang));
    let model = json!({
        "event": p.event, "participant": participant, "path": format!("/events/{}/delegations/{}", p.event.slug, participant.code.to_lowercase()),
        "person": person, "legs_html": legs.as_str(), "members": members, "feeds": feeds, "new_feed": new_feed,
    });
    render::page(state, ctx, "itineraries/show.html", model)
}

async fn open_feed(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, participant)): Path<(String, String)>,
    form: Form,
) -> Result<Response, AppError> {
    let scope = Scope::load(&state, &event, &participant).await?;
    authorize(&ctx.actor, scope.read())?;
    let member = match form.get("member").trim() {
        "" => None,
        id => {
            let id: Id = id.parse().map_err(|_| AppError::field("member", "unknown"))?;
            let member = member_of(&state, &scope, id).await.map_err(|_| AppError::field("member", "unknown"))?;
            Some(member.id)
        }
    };
    let secret = new_secret();
    let mut tx = state.store.begin().await?;
    store::programme::create_feed(&mut tx, &ctx.actor, scope.event.id, scope.delegation.id, member, &secret).await?;
    tx.commit().await?;
    let url = format!("{}/feeds/{secret}?lang={}", state.config.base_url.trim_end_matches('/'), ctx.lang);
    Ok(show(&state, &ctx, &event, &participant, None, Some(url)).await?.into_response())
}

async fn revoke_feed(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, participant, feed)): Path<(String, String, Id)>,
) -> Result<Response, AppError> {
    let scope = Scope::load(&state, &event, &participant).await?;
    authorize(&ctx.actor, scope.read())?;
    let mut tx = state.store.begin().await?;
    store::programme::revoke_feed(&mut tx, &ctx.actor, scope.delegation.id, feed).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/events/{event}/delegations/{participant}/itinerary")).into_response())
}

/// The feed a secret opens: what the delegation's participants may see, never the host's own items.
/// Its link carries the language it was made in, as every file's may ([`crate::guard`]).
async fn feed(State(state): State<AppState>, ctx: Ctx, Path(secret): Path<String>) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let secret = secret.trim_end_matches(".ics");
    let feed = store::programme::feed_by_secret(&state.store, secret).await?.ok_or(AppError::NotFound)?;
    let event = store::events::by_id(&state.store, feed.event_id).await?;
    let p = Programme::current(&state, &event.slug).await?;
    let people: BTreeSet<Id> = match feed.member_id {
        Some(id) => BTreeSet::from([id]),
        None => p.members().iter().filter(|(_, m)| m.delegation_id == feed.delegation_id).map(|(_, m)| m.id).collect(),
    };
    let items = attended(&p, &people, Visibility::Participants);
    Ok(calendar(&state, &p, &items, lang, p.event.name.get(lang), &format!("{}-itinerary", p.event.slug)))
}
