//! Events: listing, creating and editing them, and the meetings they hold.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use domain::events::{Event, EventFields, MeetingFields};
use domain::participants::Participant;
use domain::policy::{Action, authorize, role_on_creating_event};
use domain::precedence::sort_by_collation;
use domain::{FieldError, Invalid};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::AppError;
use crate::guard::Ctx;
use crate::input::{Form, JsonBody, Path, QueryParams, Versioned};
use crate::participants::summary;
use crate::render;
use crate::routes::{CREATED, Registry};

const PAGE_SIZE: i64 = 50;

pub(crate) fn routes(r: Registry) -> Registry {
    r.get("/events", "Events, the latest first", list_page)
        .get("/events/new", "The form for a new event", new_page)
        .post("/events", "Create an event (form)", create_form)
        .get("/events/{event}", "An event and its meetings", show_page)
        .get("/events/{event}/edit", "The form to edit an event", edit_page)
        .post("/events/{event}/edit", "Edit an event (form)", edit_form)
        .get("/api/v1/events", "Events, the latest first (?page=)", api_list)
        .post("/api/v1/events", "Create an event", api_create)
        .answering(CREATED)
        .get("/api/v1/events/{event}", "An event", api_show)
        .put("/api/v1/events/{event}", "Replace an event's fields (with its version)", api_update)
        .get("/api/v1/events/{event}/meetings", "The meetings an event holds", api_meetings)
        .post("/api/v1/events/{event}/meetings", "Add a meeting of a body to an event", api_create_meeting)
        .answering(CREATED)
}

/// An event as the API and pages show it: the host by code.
fn event_json(event: &Event, participants: &[Participant]) -> Value {
    let mut v = json!(event);
    v["host"] = summary(participants, event.host)["code"].clone();
    v
}

/// Whether the actor may create events for any participant, and for which.
fn hosts_for(ctx: &Ctx, participants: &[Participant]) -> Vec<Participant> {
    let mut hosts: Vec<Participant> = participants
        .iter()
        .filter(|p| authorize(&ctx.actor, Action::CreateEvent { host: p.id }).is_ok())
        .cloned()
        .collect();
    sort_by_collation(&mut hosts, ctx.lang, |p| p.short_name.get(ctx.lang));
    hosts
}

#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct PageQuery {
    /// The page, from 1.
    page: Option<i64>,
}

async fn list_page(
    State(state): State<AppState>,
    ctx: Ctx,
    QueryParams(query): QueryParams<PageQuery>,
) -> Result<Html<String>, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let page = query.page.unwrap_or(1).max(1);
    let mut events = store::events::page(&state.store, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE).await?;
    let more = events.len() as i64 > PAGE_SIZE;
    events.truncate(PAGE_SIZE as usize);
    let participants = store::participants::list(&state.store).await?;
    let may_create = ctx.user.is_some() && !hosts_for(&ctx, &participants).is_empty();
    let model = json!({
        "events": events,
        "may_create": may_create,
        "previous_page": (page > 1).then_some(page - 1),
        "next_page": more.then_some(page + 1),
    });
    render::page(&state, &ctx, "events/list.html", model)
}

/// The event form, empty, re-filled after an error, or filled from an event to edit.
async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    editing: Option<&Event>,
    participants: &[Participant],
    form: Value,
    errors: Value,
) -> Result<Html<String>, AppError> {
    let hosts = hosts_for(ctx, participants);
    let (title, action, submit) = match editing {
        Some(e) => (
            state.i18n.t(ctx.lang, "event-edit-title", &[("name", e.name.get(ctx.lang).to_string().into())]),
            format!("/events/{}/edit", e.slug),
            state.i18n.t(ctx.lang, "event-save", &[]),
        ),
        None => (
            state.i18n.t(ctx.lang, "event-new-title", &[]),
            "/events".to_string(),
            state.i18n.t(ctx.lang, "event-create", &[]),
        ),
    };
    let version = editing.map(|e| e.version);
    let model = json!({
        "title": title, "action": action, "submit": submit, "hosts": hosts, "version": version, "form": form,
        "errors": errors
    });
    render::page(state, ctx, "events/form.html", model)
}

/// The fields of the event form; problems reading dates are collected with the rest.
fn fields_from_form(form: &Form) -> (EventFields, Vec<FieldError>) {
    let mut problems = Vec::new();
    let fields = EventFields {
        slug: form.get("slug").trim().to_string(),
        name: form.text("name"),
        host: form.get("host").to_string(),
        city: form.text("city"),
        // The form has no fields for case forms: an edit keeps the stored ones (see `edit_form`).
        city_cases: Default::default(),
        time_zone: form.get("time_zone").trim().to_string(),
        start_date: form.date("start_date", &mut problems),
        end_date: form.date("end_date", &mut problems),
        venues: None,
        travel: None,
    };
    (fields, problems)
}

/// Validates event fields, adding the problems found while reading the form (unreadable dates,
/// which make any comparison of the dates meaningless).
fn validated(fields: EventFields, mut problems: Vec<FieldError>) -> Result<EventFields, AppError> {
    let dates_unreadable = !problems.is_empty();
    match fields.validate() {
        Ok(fields) if problems.is_empty() => Ok(fields),
        Ok(_) => Err(Invalid(problems).into()),
        Err(Invalid(more)) => {
            problems.extend(more.into_iter().filter(|e| !(dates_unreadable && e.code == "dates-out-of-order")));
            Err(Invalid(problems).into())
        }
    }
}

/// May the actor create an event hosted by `host_code`? An unknown host is left for validation to
/// report, but only to someone who may create events at all.
async fn may_create(state: &AppState, ctx: &Ctx, host_code: &str) -> Result<(), AppError> {
    match store::events::host_id(&state.store, &host_code.trim().to_uppercase()).await {
        Ok(host) => Ok(authorize(&ctx.actor, Action::CreateEvent { host })?),
        Err(store::StoreError::Unknown { .. }) if ctx.user.is_none() => Err(AppError::Unauthorized),
        Err(store::StoreError::Unknown { .. }) => {
            let participants = store::participants::list(&state.store).await?;
            if hosts_for(ctx, &participants).is_empty() {
                Err(AppError::Forbidden("you may not create events"))
            } else {
                Ok(())
            }
        }
        Err(e) => Err(e.into()),
    }
}

async fn new_page(State(state): State<AppState>, ctx: Ctx) -> Result<Html<String>, AppError> {
    let participants = store::participants::list(&state.store).await?;
    let denied = if ctx.user.is_none() {
        AppError::Unauthorized
    } else {
        AppError::Forbidden("only a host's ministry or protocol creates events")
    };
    let host = hosts_for(&ctx, &participants).into_iter().next().ok_or(denied)?;
    let form = json!({ "host": host.code, "time_zone": host.time_zone });
    form_page(&state, &ctx, None, &participants, form, json!({})).await
}

/// Stores a new, validated event; its creator becomes its host.
async fn create(state: &AppState, ctx: &Ctx, fields: EventFields) -> Result<Event, AppError> {
    let mut tx = state.store.begin().await?;
    let event = store::events::create(&mut tx, &ctx.actor, fields).await?;
    if let (Some(user), Some(role)) = (&ctx.user, role_on_creating_event(&ctx.actor, event.id, event.host)) {
        store::accounts::grant(&mut tx, &ctx.actor, user, &role).await?;
    }
    tx.commit().await?;
    Ok(event)
}

async fn create_form(State(state): State<AppState>, ctx: Ctx, form: Form) -> Result<Response, AppError> {
    may_create(&state, &ctx, form.get("host")).await?;
    let (fields, problems) = fields_from_form(&form);
    let result = match validated(fields, problems) {
        Ok(fields) => create(&state, &ctx, fields).await,
        Err(e) => Err(e),
    };
    let outcome = result.map(|event| format!("/events/{}", event.slug));
    render::form_outcome(&state, &ctx, outcome, |errors| async {
        let participants = store::participants::list(&state.store).await?;
        form_page(&state, &ctx, None, &participants, form.to_json(), errors).await
    })
    .await
}

async fn show_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Html<String>, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let event = store::events::by_slug(&state.store, &slug).await?;
    let participants = store::participants::list(&state.store).await?;
    let bodies = store::bodies::list(&state.store).await?;
    let meetings = store::events::meetings_of_event(&state.store, event.id).await?;
    let meetings: Vec<Value> = meetings
        .into_iter()
        .map(|m| {
            let body = bodies.iter().find(|b| b.id == m.meeting.body_id);
            json!({
                "slug": m.meeting.slug,
                "number": m.meeting.number,
                "title": m.meeting.title,
                "date": m.meeting.date,
                "chair": m.meeting.chair.map(|c| summary(&participants, c)),
                "formats": m.meeting.formats,
                "body": body.map(|b| json!({ "slug": b.slug, "name": b.name })),
            })
        })
        .collect();
    let may_edit = authorize(&ctx.actor, Action::EditEvent { event: event.id }).is_ok();
    // Whoever manages the delegations is led to all of them; an officer or a ministry to its own.
    let may_manage = authorize(&ctx.actor, Action::ManageInvitations { event: event.id }).is_ok();
    let own: Vec<Value> = if may_manage || ctx.user.is_none() {
        Vec::new()
    } else {
        store::delegations::of_event(&state.store, event.id)
            .await?
            .iter()
            .map(|d| d.participant_id)
            .filter(|&p| authorize(&ctx.actor, Action::ReadDelegation { event: event.id, participant: p }).is_ok())
            .map(|p| summary(&participants, p))
            .collect()
    };
    let model = json!({
        "event": event,
        "host": summary(&participants, event.host),
        "meetings": meetings,
        "may_edit": may_edit,
        "may_manage": may_manage,
        "own_delegations": own,
    });
    render::page(&state, &ctx, "events/show.html", model)
}

fn form_from_event(event: &Event, participants: &[Participant]) -> Value {
    let mut form = json!({
        "slug": event.slug,
        "host": summary(participants, event.host)["code"],
        "time_zone": event.time_zone,
        "start_date": event.start_date,
        "end_date": event.end_date,
        "version": event.version,
    });
    for (lang, value) in &event.name.0 {
        form[format!("name_{lang}")] = json!(value);
    }
    for (lang, value) in &event.city.0 {
        form[format!("city_{lang}")] = json!(value);
    }
    form
}

async fn edit_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Html<String>, AppError> {
    let event = store::events::by_slug(&state.store, &slug).await?;
    authorize(&ctx.actor, Action::EditEvent { event: event.id })?;
    let participants = store::participants::list(&state.store).await?;
    let now = form_from_event(&event, &participants);
    form_page(&state, &ctx, Some(&event), &participants, crate::input::edit_values(now), json!({})).await
}

/// Checks and saves an edit of `event`, once the caller has authorized it: its days must keep its
/// meetings and programme, its venues the programme's places, its deadline before its end.
pub(crate) async fn save(
    state: &AppState,
    ctx: &Ctx,
    event: &Event,
    version: i64,
    fields: EventFields,
) -> Result<Event, AppError> {
    let fields = fields.validate()?;
    let meetings: Vec<_> =
        store::events::meetings_of_event(&state.store, event.id).await?.into_iter().map(|m| m.meeting.date).collect();
    let items = store::programme::of_event(&state.store, event.id).await?;
    domain::programme::days_keep(fields.start_date, fields.end_date, &fields.time_zone, &meetings, &items)?;
    if let Some(venues) = &fields.venues {
        // Named as the event has them now: the place about to go is still among them.
        let name =
            |venue: Option<&str>, room: Option<&str>| domain::events::place_name(&event.venues, venue, room, ctx.lang);
        domain::programme::places_keep(venues, &fields.time_zone, &items, name)?;
    }
    if let Some(deadline) = event.accreditation_deadline {
        let moved = Event {
            start_date: fields.start_date,
            end_date: fields.end_date,
            time_zone: fields.time_zone.clone(),
            ..event.clone()
        };
        moved.check_deadline(deadline, "end_date")?;
    }
    let mut tx = state.store.begin().await?;
    let event = store::events::update(&mut tx, &ctx.actor, event.id, version, fields).await?;
    tx.commit().await?;
    Ok(event)
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: Form,
) -> Result<Response, AppError> {
    let event = store::events::by_slug(&state.store, &slug).await?;
    authorize(&ctx.actor, Action::EditEvent { event: event.id })?;
    let version: i64 = form.number("version")?;
    let (mut fields, problems) = fields_from_form(&form);
    fields.city_cases = event.city_cases.clone();
    let result = match validated(fields, problems) {
        Ok(fields) => save(&state, &ctx, &event, version, fields).await,
        Err(e) => Err(e),
    };
    let outcome = result.map(|after| format!("/events/{}", after.slug));
    render::form_outcome(&state, &ctx, outcome, |errors| async {
        // As stored now: after a conflict, what another user changed meanwhile.
        let now = store::events::by_id(&state.store, event.id).await?;
        let participants = store::participants::list(&state.store).await?;
        let resent = form.resent(form_from_event(&now, &participants));
        let errors = render::changed_meanwhile(&state, &ctx, errors, &resent, &[]);
        form_page(&state, &ctx, Some(&now), &participants, resent.values, errors).await
    })
    .await
}

async fn api_list(
    State(state): State<AppState>,
    ctx: Ctx,
    QueryParams(query): QueryParams<PageQuery>,
) -> Result<Json<Value>, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let page = query.page.unwrap_or(1).max(1);
    let events = store::events::page(&state.store, PAGE_SIZE, (page - 1) * PAGE_SIZE).await?;
    let participants = store::participants::list(&state.store).await?;
    let events: Vec<Value> = events.iter().map(|e| event_json(e, &participants)).collect();
    Ok(Json(json!({ "events": events, "page": page, "page_size": PAGE_SIZE })))
}

async fn api_create(
    State(state): State<AppState>,
    ctx: Ctx,
    JsonBody(fields): JsonBody<EventFields>,
) -> Result<Response, AppError> {
    may_create(&state, &ctx, &fields.host).await?;
    let event = create(&state, &ctx, fields.validate()?).await?;
    let participants = store::participants::list(&state.store).await?;
    Ok((StatusCode::CREATED, Json(event_json(&event, &participants))).into_response())
}

async fn api_show(State(state): State<AppState>, ctx: Ctx, Path(slug): Path<String>) -> Result<Json<Value>, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let event = store::events::by_slug(&state.store, &slug).await?;
    let participants = store::participants::list(&state.store).await?;
    Ok(Json(event_json(&event, &participants)))
}

async fn api_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    input: Versioned<EventFields>,
) -> Result<Json<Value>, AppError> {
    let event = store::events::by_slug(&state.store, &slug).await?;
    authorize(&ctx.actor, Action::EditEvent { event: event.id })?;
    let event = save(&state, &ctx, &event, input.version, input.fields).await?;
    let participants = store::participants::list(&state.store).await?;
    Ok(Json(event_json(&event, &participants)))
}

async fn api_meetings(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Json<Value>, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let event = store::events::by_slug(&state.store, &slug).await?;
    let meetings: Vec<_> =
        store::events::meetings_of_event(&state.store, event.id).await?.into_iter().map(|m| m.meeting).collect();
    Ok(Json(json!({ "event": event.slug, "meetings": meetings })))
}

async fn api_create_meeting(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    JsonBody(fields): JsonBody<MeetingFields>,
) -> Result<Response, AppError> {
    let event = store::events::by_slug(&state.store, &slug).await?;
    let body =
        store::bodies::by_slug(&state.store, &fields.body).await.map_err(|_| AppError::field("body", "unknown"))?;
    authorize(&ctx.actor, Action::ManageMeeting { event: event.id, body: body.id })?;
    let fields = fields.validate(&event)?;
    let mut tx = state.store.begin().await?;
    let meeting = store::events::create_meeting(&mut tx, &ctx.actor, &event, body.id, fields).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(json!(meeting))).into_response())
}
