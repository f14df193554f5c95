//! Bodies: members over time, the chairmanship, the protocol rules, the meeting history.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use domain::bodies::{Body, Membership, MembershipStatus, Rules, check_new_period, validate_period};
use domain::chairmanship::{ChairSource, SetChair, chairs, validate_override};
use domain::delegations::Rank;
use domain::participants::Participant;
use domain::policy::{Action, authorize};
use domain::precedence::{order, sort_by_collation};
use domain::validation::Checker;
use domain::{FieldError, Invalid};
use jiff::civil::Date;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::AppError;
use crate::guard::Ctx;
use crate::input::{Form, JsonBody, Path, QueryParams, Versioned, parse_value, today_in};
use crate::participants::summary;
use crate::render;
use crate::routes::{CREATED, Registry};

pub(crate) fn routes(r: Registry) -> Registry {
    r.get("/bodies", "Bodies", list_page)
        .get("/bodies/{body}", "A body: members, chairmanship, meeting history", show_page)
        .post("/bodies/{body}/chairs", "Confirm or override the chair for a year (form)", set_chair_form)
        .post("/bodies/{body}/memberships", "Record a membership period (form)", add_membership_form)
        .get("/api/v1/bodies", "Every body", api_list)
        .get("/api/v1/bodies/{body}", "A body with its memberships", api_show)
        .get("/api/v1/bodies/{body}/chairs", "Chair and co-chairs by year, set or proposed (?from=&to=)", api_chairs)
        .put("/api/v1/bodies/{body}/chairs/{year}", "Confirm or override the chair for a year", api_set_chair)
        .post("/bodies/{body}/protocol", "Change the body's protocol rules (form)", set_rules_form)
        .put(
            "/api/v1/bodies/{body}/protocol",
            "Change the body's protocol rules: the order of delegations, speakers, seating, family photo, accreditation",
            api_set_rules,
        )
        .get("/api/v1/bodies/{body}/meetings", "The body's meeting history", api_meetings)
        .post("/api/v1/bodies/{body}/memberships", "Record a membership period", api_add_membership)
        .answering(CREATED)
}

/// Everything a body's page and API need, read in four queries.
struct BodyRecord {
    body: Body,
    memberships: Vec<Membership>,
    participants: Vec<Participant>,
    set: Vec<store::bodies::StoredChair>,
}

impl BodyRecord {
    async fn load(state: &AppState, slug: &str) -> Result<Self, AppError> {
        let body = store::bodies::by_slug(&state.store, slug).await?;
        let memberships = store::bodies::memberships(&state.store, body.id).await?;
        let participants = store::participants::list(&state.store).await?;
        let set = store::bodies::chairs(&state.store, body.id).await?;
        Ok(BodyRecord { body, memberships, participants, set })
    }

    /// The participant a form or a request names by its code, in any case; none for an unknown
    /// code, which the store refuses in its words.
    fn participant_id(&self, code: &str) -> Option<domain::Id> {
        self.participants.iter().find(|p| p.code.eq_ignore_ascii_case(code.trim())).map(|p| p.id)
    }

    /// The members (anyone with a membership, past or present) in the body's order of precedence.
    fn members(&self) -> Vec<&Participant> {
        let members: Vec<&Participant> =
            self.participants.iter().filter(|p| self.memberships.iter().any(|m| m.participant_id == p.id)).collect();
        order(&self.body.precedence, &members)
    }

    fn chairs(&self, from: i16, to: i16) -> Vec<Value> {
        let order: Vec<domain::Id> = self.members().iter().map(|p| p.id).collect();
        let set: Vec<SetChair> = self.set.iter().map(|s| s.chair.clone()).collect();
        chairs(&self.body.chair_rule, &order, &self.memberships, &set, from, to)
            .into_iter()
            .map(|c| {
                let version = self.set.iter().find(|s| s.chair.year == c.year).map(|s| s.version);
                json!({
                    "year": c.year,
                    "chair": summary(&self.participants, c.chair),
                    "co_chairs": c.co_chairs.iter().map(|id| summary(&self.participants, *id)).collect::<Vec<_>>(),
                    "source": match c.source { ChairSource::Set => "set", ChairSource::Proposed => "proposed" },
                    "version": version,
                })
            })
            .collect()
    }

    fn memberships_json(&self) -> Vec<Value> {
        self.memberships
            .iter()
            .map(|m| {
                let code = self.participants.iter().find(|p| p.id == m.participant_id).map(|p| p.code.as_str());
                json!({ "participant": code, "status": m.status, "valid_from": m.valid_from, "valid_until": m.valid_until, "note": m.note, "version": m.version })
            })
            .collect()
    }
}

/// The years a body's page shows: two back, two ahead.
fn default_years(body: &Body) -> (i16, i16) {
    let year = today_in(&body.time_zone).year();
    (year - 4, year + 1)
}

async fn meetings_json(state: &AppState, record: &BodyRecord) -> Result<Vec<Value>, AppError> {
    let meetings = store::events::meetings_of_body(&state.store, record.body.id).await?;
    Ok(meetings
        .into_iter()
        .map(|m| {
            json!({
                "slug": m.meeting.slug,
                "event_slug": m.event_slug,
                "number": m.meeting.number,
                "title": m.meeting.title,
                "date": m.meeting.date,
                "city": m.city,
                "host": summary(&record.participants, m.host),
                "chair": m.meeting.chair.map(|c| summary(&record.participants, c)),
                "formats": m.meeting.formats,
            })
        })
        .collect())
}

async fn list_page(State(state): State<AppState>, ctx: Ctx) -> Result<Html<String>, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let bodies = in_alphabet(&state, ctx.lang).await?;
    render::page(&state, &ctx, "bodies/list.html", json!({ "bodies": bodies }))
}

/// The bodies, by name in the reader's alphabet.
pub(crate) async fn in_alphabet(state: &AppState, lang: &str) -> Result<Vec<domain::bodies::Body>, AppError> {
    let mut bodies = store::bodies::list(&state.store).await?;
    sort_by_collation(&mut bodies, lang, |b| b.name.get(lang));
    Ok(bodies)
}

async fn body_page(
    state: &AppState,
    ctx: &Ctx,
    record: &BodyRecord,
    form: Value,
    errors: Value,
) -> Result<Html<String>, AppError> {
    let (from, to) = default_years(&record.body);
    let members: Vec<Value> = record
        .members()
        .iter()
        .map(|p| {
            let periods: Vec<&Membership> = record.memberships.iter().filter(|m| m.participant_id == p.id).collect();
            json!({ "code": p.code, "name": p.short_name, "periods": periods })
        })
        .collect();
    let member_choices: Vec<Value> =
        record.members().iter().map(|p| json!({ "code": p.code, "name": p.short_name })).collect();
    let mut participants: Vec<&Participant> = record.participants.iter().collect();
    sort_by_collation(&mut participants, ctx.lang, |p| p.short_name.get(ctx.lang));
    let participant_choices: Vec<Value> =
        participants.iter().map(|p| json!({ "code": p.code, "name": p.short_name })).collect();
    let may_manage = authorize(&ctx.actor, Action::ManageBody { body: record.body.id }).is_ok();
    // Every rule spelled out, those at their default too, which the stored JSON leaves out.
    let rules = form.get("rules").cloned().unwrap_or_else(|| {
        let protocol = &record.body.protocol;
        let mut photo = json!(protocol.photo);
        photo["beside"] = json!(protocol.photo.beside);
        json!({
            "precedence": record.body.precedence,
            "protocol": { "speakers": protocol.speakers, "seating": protocol.seating, "photo": photo, "accreditation": protocol.accreditation },
        })
    });
    let model = json!({
        "body": record.body,
        "members": members,
        "chairs": record.chairs(from, to),
        "meetings": meetings_json(state, record).await?,
        "may_manage": may_manage,
        "member_choices": member_choices,
        "seen": record.set.iter().map(|s| format!("{}:{}", s.chair.year, s.version)).collect::<Vec<_>>().join(","),
        "participant_choices": participant_choices,
        "statuses": MembershipStatus::ALL,
        "ranks": Rank::ALL,
        "rules": rules,
        "form": form,
        "errors": errors,
    });
    render::page(state, ctx, "bodies/show.html", model)
}

async fn show_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Html<String>, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let record = BodyRecord::load(&state, &slug).await?;
    body_page(&state, &ctx, &record, json!({}), json!({})).await
}

/// A chair confirmation or override, as both the form and the API send it.
#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChairInput {
    chair: String,
    #[serde(default)]
    co_chairs: Vec<String>,
    /// The version of the chair set for the year, as the caller saw it; absent if none was set.
    version: Option<i64>,
}

async fn save_chair(
    state: &AppState,
    ctx: &Ctx,
    record: &BodyRecord,
    year: i16,
    input: ChairInput,
) -> Result<(), AppError> {
    authorize(&ctx.actor, Action::ManageBody { body: record.body.id })?;
    let (chair, co_chairs) = validate_override(year, &input.chair, &input.co_chairs)?;
    let co_chair_ids: Vec<_> = co_chairs.iter().map(|code| record.participant_id(code)).collect();
    domain::chairmanship::check_taking_part(&record.memberships, year, record.participant_id(&chair), &co_chair_ids)?;
    let mut tx = state.store.begin().await?;
    store::bodies::set_chair(&mut tx, &ctx.actor, record.body.id, year, &chair, &co_chairs, input.version).await?;
    tx.commit().await?;
    Ok(())
}

async fn set_chair_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: Form,
) -> Result<Response, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let record = BodyRecord::load(&state, &slug).await?;
    authorize(&ctx.actor, Action::ManageBody { body: record.body.id })?;
    let year: Option<i16> = form.get("year").trim().parse().ok();
    // The version of the year's chair as the page showed it (none: the year was not set then), so
    // that a chair set or changed meanwhile conflicts rather than being written over.
    let version = form
        .get("seen")
        .split(',')
        .filter_map(|seen| seen.split_once(':'))
        .find(|(y, _)| y.parse().ok() == year)
        .and_then(|(_, v)| v.parse().ok());
    let input = ChairInput {
        chair: form.get("chair").to_string(),
        co_chairs: form.get("co_chairs").split(',').map(str::to_string).collect(),
        version,
    };
    let result = match year {
        Some(year) => save_chair(&state, &ctx, &record, year, input).await,
        None => Err(AppError::field("year", "invalid-number")),
    };
    let outcome = result.map(|()| format!("/bodies/{slug}#chairs-heading"));
    render::form_outcome(&state, &ctx, outcome, |errors| body_page(&state, &ctx, &record, form.to_json(), errors)).await
}

async fn save_rules(
    state: &AppState,
    ctx: &Ctx,
    record: &BodyRecord,
    version: i64,
    rules: Rules,
) -> Result<Body, AppError> {
    authorize(&ctx.actor, Action::ManageBody { body: record.body.id })?;
    let members: Vec<&str> = record.members().iter().map(|p| p.code.as_str()).collect();
    let rules = rules.validate(&members)?;
    let mut tx = state.store.begin().await?;
    let body = store::bodies::set_rules(&mut tx, &ctx.actor, &record.body.slug, version, rules).await?;
    tx.commit().await?;
    Ok(body)
}

/// The rules as the form sends them, in the shape the API takes: a box is sent only ticked, and a
/// row length that is not a number is left as typed, for the reader to see it named.
fn rules_sent(form: &Form) -> Value {
    let ticked = |name: &str| !form.all(name).is_empty();
    let row_length = form.get("protocol.photo.row_length");
    let start_from = form.get("precedence.start_from");
    json!({
        "precedence": {
            "language": form.get("precedence.language").trim(),
            "start_from": if start_from.is_empty() { None } else { Some(start_from) },
            "host_first": ticked("precedence.host_first"),
            "rank_tiers": form.all("precedence.rank_tiers"),
            "organisations_last": ticked("precedence.organisations_last"),
        },
        "protocol": {
            "speakers": {
                "host_welcomes": ticked("protocol.speakers.host_welcomes"),
                "openers_speak_again": ticked("protocol.speakers.openers_speak_again"),
            },
            "seating": { "table": form.get("protocol.seating.table"), "direction": form.get("protocol.seating.direction") },
            "photo": {
                "centre": form.get("protocol.photo.centre"),
                "honour_side": form.get("protocol.photo.honour_side"),
                "row_length": row_length.trim().parse::<u64>().map_or_else(|_| json!(row_length), |n| json!(n)),
                "beside": form.get("protocol.photo.beside"),
            },
            "accreditation": {
                "photo_required": ticked("protocol.accreditation.photo_required"),
                "photo_exempt": form.all("protocol.accreditation.photo_exempt"),
            },
        },
    })
}

async fn set_rules_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: Form,
) -> Result<Response, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let record = BodyRecord::load(&state, &slug).await?;
    authorize(&ctx.actor, Action::ManageBody { body: record.body.id })?;
    let sent = rules_sent(&form);
    let result = match (form.number("version"), parse_value::<Rules>(sent.clone())) {
        (Ok(version), Ok(rules)) => save_rules(&state, &ctx, &record, version, rules).await.map(|_| ()),
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    let outcome = result.map(|()| format!("/bodies/{slug}#protocol-heading"));
    let shown = json!({ "rules": sent, "version": form.get("version") });
    render::form_outcome(&state, &ctx, outcome, |errors| body_page(&state, &ctx, &record, shown, errors)).await
}

async fn api_set_rules(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Versioned { version, fields }: Versioned<Rules>,
) -> Result<Json<Body>, AppError> {
    let record = BodyRecord::load(&state, &slug).await?;
    Ok(Json(save_rules(&state, &ctx, &record, version, fields).await?))
}

async fn api_list(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Value>, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    Ok(Json(json!({ "bodies": store::bodies::list(&state.store).await? })))
}

async fn api_show(State(state): State<AppState>, ctx: Ctx, Path(slug): Path<String>) -> Result<Json<Value>, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let record = BodyRecord::load(&state, &slug).await?;
    let mut body = json!(record.body);
    body["memberships"] = json!(record.memberships_json());
    Ok(Json(body))
}

#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct Years {
    /// The first year.
    from: Option<i16>,
    /// The last year.
    to: Option<i16>,
}

async fn api_chairs(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    QueryParams(years): QueryParams<Years>,
) -> Result<Json<Value>, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let record = BodyRecord::load(&state, &slug).await?;
    let (default_from, default_to) = default_years(&record.body);
    let (from, to) = (years.from.unwrap_or(default_from), years.to.unwrap_or(default_to));
    if to < from {
        return Err(AppError::field("to", "dates-out-of-order"));
    }
    if i32::from(to) - i32::from(from) > 100 {
        let (min, max) = (from.to_string(), (i32::from(from) + 100).to_string());
        return Err(AppError::field_with("to", "out-of-range", vec![("min", min), ("max", max)]));
    }
    Ok(Json(json!({ "body": record.body.slug, "chairs": record.chairs(from, to) })))
}

async fn api_set_chair(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, year)): Path<(String, String)>,
    JsonBody(input): JsonBody<ChairInput>,
) -> Result<Json<Value>, AppError> {
    let record = BodyRecord::load(&state, &slug).await?;
    let year: i16 = year.parse().map_err(|_| AppError::field("year", "invalid-number"))?;
    save_chair(&state, &ctx, &record, year, input).await?;
    let record = BodyRecord::load(&state, &slug).await?;
    Ok(Json(json!({ "chairs": record.chairs(year, year) })))
}

async fn api_meetings(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Json<Value>, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let record = BodyRecord::load(&state, &slug).await?;
    Ok(Json(json!({ "body": record.body.slug, "meetings": meetings_json(&state, &record).await? })))
}

/// A membership period, as both the form and the API send it.
#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct MembershipInput {
    participant: String,
    status: MembershipStatus,
    #[schemars(with = "domain::schema::Date")]
    valid_from: Date,
    #[schemars(with = "Option<domain::schema::Date>")]
    valid_until: Option<Date>,
    #[serde(default)]
    note: String,
}

async fn add_membership(
    state: &AppState,
    ctx: &Ctx,
    record: &BodyRecord,
    input: MembershipInput,
) -> Result<Membership, AppError> {
    authorize(&ctx.actor, Action::ManageBody { body: record.body.id })?;
    match record.participant_id(&input.participant) {
        Some(id) => check_new_period(&record.memberships, id, input.status, input.valid_from, input.valid_until)?,
        None => validate_period(input.valid_from, input.valid_until)?,
    }
    let mut checker = Checker::new();
    let note = if input.note.trim().is_empty() { String::new() } else { checker.text("note", &input.note, 500) };
    checker.finish(())?;
    let new = store::bodies::NewMembership {
        participant: input.participant.trim(),
        status: input.status,
        valid_from: input.valid_from,
        valid_until: input.valid_until,
        note: &note,
    };
    let mut tx = state.store.begin().await?;
    let membership = store::bodies::add_membership(&mut tx, &ctx.actor, record.body.id, new).await?;
    tx.commit().await?;
    Ok(membership)
}

async fn add_membership_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: Form,
) -> Result<Response, AppError> {
    let record = BodyRecord::load(&state, &slug).await?;
    authorize(&ctx.actor, Action::ManageBody { body: record.body.id })?;
    let mut problems = Vec::new();
    let status = MembershipStatus::parse(form.get("status"));
    if status.is_none() {
        problems.push(FieldError { field: "status".into(), code: "invalid-value", args: vec![] });
    }
    let valid_from = form.date("valid_from", &mut problems);
    let valid_until = (!form.get("valid_until").trim().is_empty()).then(|| form.date("valid_until", &mut problems));
    let result = match status {
        Some(status) if problems.is_empty() => {
            let input = MembershipInput {
                participant: form.get("participant").to_string(),
                status,
                valid_from,
                valid_until,
                note: form.get("note").to_string(),
            };
            add_membership(&state, &ctx, &record, input).await.map(|_| ())
        }
        _ => Err(Invalid(problems).into()),
    };
    let outcome = result.map(|()| format!("/bodies/{slug}#members-heading"));
    render::form_outcome(&state, &ctx, outcome, |errors| body_page(&state, &ctx, &record, form.to_json(), errors)).await
}

async fn api_add_membership(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    JsonBody(input): JsonBody<MembershipInput>,
) -> Result<Response, AppError> {
    let record = BodyRecord::load(&state, &slug).await?;
    let membership = add_membership(&state, &ctx, &record, input).await?;
    Ok((StatusCode::CREATED, Json(json!(membership))).into_response())
}

/// Bodies to choose from in a form or filter, by name in the reader's language as it sorts them.
pub(crate) fn choices<'a>(bodies: impl Iterator<Item = &'a Body>, lang: &str) -> Vec<Value> {
    let mut named: Vec<(&str, &str)> = bodies.map(|b| (b.slug.as_str(), b.name.get(lang))).collect();
    sort_by_collation(&mut named, lang, |(_, name)| name);
    named.into_iter().map(|(slug, name)| json!({ "slug": slug, "name": name })).collect()
}
