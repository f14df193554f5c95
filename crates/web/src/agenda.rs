//! A meeting's agenda, per format: numbered items with their area of cooperation, initiator,
//! rapporteur, status and documents; the secretariat keeps it, adopts it, and reopens it when the
//! meeting decides to change its adopted agenda (the adopted one is kept as a revision). The
//! documents under an item are listed only as far as the reader's reach goes.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use domain::agenda::{
    Agenda, AgendaItem, Area, AreaInput, ItemInput, ItemStatus, ReopenInput, Revision, RevisionItem, STANDARD_AREAS,
};
use domain::documents::Document;
use domain::events::Format;
use domain::participants::Participant;
use domain::policy::{Action, DocumentReach, authorize};
use domain::{Id, Text, new_id};
use serde::Deserialize;
use serde_json::{Value, json};
use store::events::MeetingInEvent;

use crate::AppState;
use crate::error::AppError;
use crate::guard::Ctx;
use crate::input::{Form, JsonBody, Path, Versioned};
use crate::render;
use crate::routes::{CREATED, Registry};

pub(crate) fn routes(r: Registry) -> Registry {
    r.get("/events/{event}/meetings/{meeting}/agenda", "A meeting's agenda, per format", page)
        .post("/events/{event}/meetings/{meeting}/agenda", "Add an agenda item (form)", add_form)
        .post("/events/{event}/meetings/{meeting}/agenda/adopt", "Adopt the agenda of a format (form)", adopt_form)
        .post(
            "/events/{event}/meetings/{meeting}/agenda/reopen",
            "Reopen the adopted agenda of a format, with the meeting's reason (form)",
            reopen_form,
        )
        .post(
            "/events/{event}/meetings/{meeting}/agenda/{agenda_item}",
            "Change an agenda item: its status, and on a draft agenda its number and title (form)",
            item_form,
        )
        .get("/api/v1/events/{event}/meetings/{meeting}/agenda", "A meeting's agenda with its documents", api_show)
        .post("/api/v1/events/{event}/meetings/{meeting}/agenda", "Add an agenda item", api_add)
        .answering(CREATED)
        .post(
            "/api/v1/events/{event}/meetings/{meeting}/agenda/adopt",
            "Adopt the agenda of a format, as read at the agenda's version",
            api_adopt,
        )
        .post(
            "/api/v1/events/{event}/meetings/{meeting}/agenda/reopen",
            "Reopen the adopted agenda of a format, with the meeting's reason and the agenda's version",
            api_reopen,
        )
        .put(
            "/api/v1/events/{event}/meetings/{meeting}/agenda/{agenda_item}",
            "Replace an agenda item (with its version)",
            api_replace,
        )
        .post("/api/v1/bodies/{body}/areas", "Add an area of cooperation to a body", api_add_area)
        .answering(CREATED)
}

/// A meeting with its agenda and what the agenda refers to.
struct Sitting {
    meeting: MeetingInEvent,
    items: Vec<AgendaItem>,
    agendas: Vec<Agenda>,
    revisions: Vec<Revision>,
    areas: Vec<Area>,
    participants: Vec<Participant>,
    bodies: Vec<domain::bodies::Body>,
    /// The meeting's body's working language, in which every question is titled.
    working_language: String,
    /// The event's time zone, in which times are shown.
    tz: jiff::tz::TimeZone,
}

impl Sitting {
    async fn load(state: &AppState, event: &str, meeting: &str) -> Result<Sitting, AppError> {
        let event = store::events::by_slug(&state.store, event).await?;
        let meeting = store::events::meetings_of_event(&state.store, event.id)
            .await?
            .into_iter()
            .find(|m| m.meeting.slug == meeting)
            .ok_or(AppError::NotFound)?;
        let bodies = store::bodies::list(&state.store).await?;
        let working_language = bodies
            .iter()
            .find(|b| b.id == meeting.meeting.body_id)
            .map(|b| b.working_language.clone())
            .ok_or(AppError::NotFound)?;
        Ok(Sitting {
            // The agendas before their items: an item changed between the two reads has moved its
            // agenda's version past the one read here, so an adoption decided on these items
            // conflicts (store::agenda::hold_agendas).
            agendas: store::agenda::agendas_of_meeting(&state.store, meeting.meeting.id).await?,
            items: store::agenda::items_of_meeting(&state.store, meeting.meeting.id).await?,
            revisions: store::agenda::revisions_of_meeting(&state.store, meeting.meeting.id).await?,
            areas: store::agenda::areas_of(&state.store, meeting.meeting.body_id).await?,
            participants: store::participants::list(&state.store).await?,
            bodies,
            working_language,
            tz: jiff::tz::TimeZone::get(&event.time_zone).unwrap_or(jiff::tz::TimeZone::UTC),
            meeting,
        })
    }

    /// The formats the agenda is kept in: the meeting's, or one if it names none.
    fn formats(&self) -> Vec<Format> {
        domain::agenda::formats_kept(&self.meeting.meeting.formats, &self.items)
    }

    fn agenda(&self, format: Format) -> Option<&Agenda> {
        self.agendas.iter().find(|a| a.format == format)
    }

    fn adopted(&self, format: Format) -> bool {
        self.agenda(format).is_some_and(Agenda::is_adopted)
    }

    fn revisions(&self, format: Format) -> impl Iterator<Item = &Revision> {
        self.revisions.iter().filter(move |r| r.reopening.format == format)
    }

    /// A moment as the event's readers see it, in the event's time zone.
    fn shown(&self, state: &AppState, lang: &str, at: jiff::Timestamp) -> String {
        state.i18n.date_time(lang, &at.to_zoned_datetime(self.tz.clone()))
    }

    /// Whether the meeting sits in `format`, the one an agenda is adopted or reopened in.
    fn held(&self, format: Format) -> Result<(), AppError> {
        if self.formats().contains(&format) { Ok(()) } else { Err(AppError::field("format", "format-not-held")) }
    }

    fn may_manage(&self, ctx: &Ctx) -> Result<(), AppError> {
        Ok(authorize(&ctx.actor, Action::ManageDocuments { body: self.meeting.meeting.body_id })?)
    }

    fn area_name(&self, state: &AppState, slug: &str, lang: &str) -> String {
        match self.areas.iter().find(|a| a.slug == slug) {
            Some(a) => a.name.get(lang).to_string(),
            None => state.i18n.t(lang, &format!("area-{slug}"), &[]),
        }
    }

    /// What an item in force and an item of an earlier revision show alike: its number, title,
    /// area and fate.
    fn question_json(&self, state: &AppState, q: &RevisionItem, lang: &str) -> Value {
        let forwarded_to = self.bodies.iter().find(|b| Some(b.id) == q.forwarded_to);
        json!({
            "id": q.id, "number": q.number, "title": q.title, "title_shown": q.title.get(lang), "area": q.area,
            "area_name": self.area_name(state, &q.area, lang), "status": q.status, "reason": q.reason,
            "reason_shown": q.reason.get(lang),
            "forwarded_to": forwarded_to.map(|b| json!({ "slug": b.slug, "name": b.name.get(lang) })),
        })
    }

    /// The languages a page's form takes a title in: the working language, and the reader's.
    fn title_languages<'a>(&'a self, lang: &'a str) -> Vec<&'a str> {
        let mut langs = vec![self.working_language.as_str()];
        if lang != self.working_language {
            langs.push(lang);
        }
        langs
    }

    /// An item's page form as it shows the item: its status and where it was forwarded (a reason
    /// is typed anew), and while its agenda is a draft its number and its title in each of the
    /// form's languages (`title_ru`…). What the form does not show is not in its `was`, so that
    /// its absence from the form sent is not taken for a field emptied.
    fn item_form(&self, item: &AgendaItem, lang: &str) -> Value {
        let forwarded = self.bodies.iter().find(|b| Some(b.id) == item.forwarded_to).map(|b| b.slug.as_str());
        let mut form = json!({ "status": item.status, "reason": "", "forwarded_to": forwarded.unwrap_or_default() });
        if !self.adopted(item.format) {
            form["number"] = json!(item.number);
            for l in self.title_languages(lang) {
                form[format!("title_{l}")] = json!(item.title.exact(l).unwrap_or_default());
            }
        }
        form
    }

    /// An item as the API gives it, its initiator by code and its documents those the reader
    /// may see: the same whether read in the agenda or answered to a change of it.
    fn item_json(
        &self,
        state: &AppState,
        lang: &str,
        i: &AgendaItem,
        documents: &[Document],
        reach: &DocumentReach,
    ) -> Value {
        let initiator = i.initiator.and_then(|id| self.participants.iter().find(|p| p.id == id));
        let docs: Vec<Value> = documents
            .iter()
            .filter(|d| d.agenda_item_id == Some(i.id) && reach.sees(d))
            .map(|d| {
                json!({ "id": d.id, "register_number": d.register_number, "title": d.title.get(lang),
                    "status": d.status, "kind": d.kind })
            })
            .collect();
        let mut question = self.question_json(state, &RevisionItem::from(i), lang);
        question["initiator"] = json!(initiator.map(|p| &p.code));
        question["initiator_shown"] = json!(initiator.map(|p| p.short_name.get(lang)));
        question["rapporteur"] = json!(i.rapporteur);
        question["rapporteur_shown"] = json!(i.rapporteur.get(lang));
        question["version"] = json!(i.version);
        question["documents"] = json!(docs);
        question
    }

    /// An item just added or changed, as [`Self::item_json`] gives it.
    async fn written_json(&self, state: &AppState, ctx: &Ctx, item: &AgendaItem) -> Result<Value, AppError> {
        let reach = crate::documents::reach(state, ctx).await?;
        let documents = store::documents::of_meeting(&state.store, self.meeting.meeting.id).await?;
        Ok(self.item_json(state, ctx.lang, item, &documents, &reach))
    }

    /// Turns the secretariat's input for a new item or a change of `before` into an item: codes
    /// and slugs into ids.
    fn item(
        &self,
        id: Id,
        version: i64,
        input: ItemInput,
        before: Option<&AgendaItem>,
    ) -> Result<AgendaItem, AppError> {
        let formats = &self.meeting.meeting.formats;
        let input = input.validate(formats, &self.areas, &self.working_language, before)?;
        let initiator = match input.initiator.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => Some(
                self.participants
                    .iter()
                    .find(|p| p.code == code.to_ascii_uppercase())
                    .ok_or_else(|| AppError::field("initiator", "unknown"))?
                    .id,
            ),
            None => None,
        };
        let forwarded_to = match input.forwarded_to.as_deref() {
            Some(slug) => Some(
                self.bodies
                    .iter()
                    .find(|b| b.slug == slug)
                    .ok_or_else(|| AppError::field("forwarded_to", "unknown"))?
                    .id,
            ),
            None => None,
        };
        let forwarded_to = domain::bodies::forwarded_to(forwarded_to, self.meeting.meeting.body_id)?;
        Ok(AgendaItem {
            id,
            meeting_id: self.meeting.meeting.id,
            format: input.format,
            number: input.number,
            title: input.title,
            area: input.area,
            initiator,
            rapporteur: input.rapporteur,
            status: input.status,
            reason: input.reason,
            forwarded_to,
            version,
        })
    }

    async fn json(&self, state: &AppState, ctx: &Ctx) -> Result<Value, AppError> {
        let lang = ctx.lang;
        let reach = crate::documents::reach(state, ctx).await?;
        let documents = store::documents::of_meeting(&state.store, self.meeting.meeting.id).await?;
        let formats: Vec<Value> = self
            .formats()
            .into_iter()
            .map(|format| {
                let agenda = self.agenda(format);
                let items: Vec<Value> = self
                    .items
                    .iter()
                    .filter(|i| i.format == format)
                    .map(|i| self.item_json(state, lang, i, &documents, &reach))
                    .collect();
                let revisions: Vec<Value> = self
                    .revisions(format)
                    .map(|Revision { number, reopening: r, items }| {
                        let items: Vec<Value> = items.iter().map(|q| self.question_json(state, q, lang)).collect();
                        json!({
                            "number": number, "adopted_at": r.adopted_at, "adopted_shown": self.shown(state, lang, r.adopted_at),
                            "reopened_at": r.reopened_at, "reopened_shown": self.shown(state, lang, r.reopened_at),
                            "reason": r.reason, "reason_shown": r.reason.get(lang), "items": items,
                        })
                    })
                    .collect();
                json!({
                    "format": format, "adopted_at": agenda.and_then(|a| a.adopted_at),
                    "adopted_shown": agenda.and_then(|a| a.adopted_at).map(|t| self.shown(state, lang, t)),
                    "version": agenda.map_or(0, |a| a.version),
                    "revision": self.revisions(format).last().map_or(1, |r| r.number + 1),
                    "revisions": revisions, "items": items,
                })
            })
            .collect();
        let m = &self.meeting.meeting;
        Ok(json!({
            "event": self.meeting.event_slug, "meeting": { "id": m.id, "slug": m.slug, "title": m.title.get(lang), "date": m.date,
                "date_shown": state.i18n.date(lang, m.date) },
            "formats": formats, "areas": area_options(state, lang, &self.areas),
        }))
    }
}

async fn add(state: &AppState, ctx: &Ctx, s: &Sitting, input: ItemInput) -> Result<AgendaItem, AppError> {
    s.may_manage(ctx)?;
    let item = s.item(new_id(), 1, input, None)?;
    let mut tx = state.store.begin().await?;
    let adopted = store::agenda::hold_agendas(&mut tx, item.meeting_id, &[item.format]).await?;
    domain::agenda::check_change(&adopted, None, &item).map_err(AppError::refused)?;
    let item = store::agenda::create_item(&mut tx, &ctx.actor, item).await?;
    tx.commit().await?;
    Ok(item)
}

async fn replace(
    state: &AppState,
    ctx: &Ctx,
    s: &Sitting,
    id: Id,
    version: i64,
    input: ItemInput,
) -> Result<AgendaItem, AppError> {
    s.may_manage(ctx)?;
    let before = s.items.iter().find(|i| i.id == id).ok_or(AppError::NotFound)?;
    if before.version != version {
        return Err(AppError::Conflict { entity: "agenda item", current: before.version });
    }
    let after = s.item(id, version, input.reasoned_as(before), Some(before))?;
    let mut tx = state.store.begin().await?;
    let adopted = store::agenda::hold_agendas(&mut tx, before.meeting_id, &[before.format, after.format]).await?;
    domain::agenda::check_change(&adopted, Some(before), &after).map_err(AppError::refused)?;
    let after = store::agenda::replace_item(&mut tx, &ctx.actor, before, after).await?;
    tx.commit().await?;
    Ok(after)
}

/// Adopts the agenda of a format as the secretariat read it (`version`, 0 for a format without a
/// recorded agenda): a question changed since moved the version, and the adoption conflicts.
async fn adopt(state: &AppState, ctx: &Ctx, s: &Sitting, format: Format, version: i64) -> Result<Agenda, AppError> {
    s.may_manage(ctx)?;
    s.held(format)?;
    let before = s.agenda(format);
    let current = before.map_or(0, |a| a.version);
    if current != version {
        return Err(AppError::Conflict { entity: "agenda", current });
    }
    if s.adopted(format) {
        return Err(AppError::refused("agenda-adopted-already"));
    }
    let items: Vec<&AgendaItem> = s.items.iter().filter(|i| i.format == format).collect();
    domain::agenda::check_adoptable(&items)?;
    let after = Agenda {
        meeting_id: s.meeting.meeting.id,
        format,
        adopted_at: Some(jiff::Timestamp::now()),
        version: before.map_or(1, |a| a.version),
    };
    let mut tx = state.store.begin().await?;
    let after = store::agenda::set_agenda(&mut tx, &ctx.actor, before, after).await?;
    tx.commit().await?;
    Ok(after)
}

/// Reopens the adopted agenda of a format as the meeting decided: the adopted agenda is kept as a
/// revision and the format's agenda is a draft again, to change and adopt anew.
async fn reopen(
    state: &AppState,
    ctx: &Ctx,
    s: &Sitting,
    version: i64,
    input: ReopenInput,
) -> Result<(Agenda, Revision), AppError> {
    s.may_manage(ctx)?;
    let input = input.validate()?;
    s.held(input.format)?;
    // A format without a recorded agenda has a draft, at version 0 (as its view says).
    let draft = Agenda { meeting_id: s.meeting.meeting.id, format: input.format, adopted_at: None, version: 0 };
    let before = s.agenda(input.format).unwrap_or(&draft);
    if before.version != version {
        return Err(AppError::Conflict { entity: "agenda", current: before.version });
    }
    let (after, reopening) =
        domain::agenda::reopen(before, input.reason, jiff::Timestamp::now()).map_err(AppError::refused)?;
    let mut tx = state.store.begin().await?;
    let reopened = store::agenda::reopen(&mut tx, &ctx.actor, before, after, reopening).await?;
    tx.commit().await?;
    Ok(reopened)
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, meeting)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    let s = Sitting::load(&state, &event, &meeting).await?;
    show(&state, &ctx, &s, json!({}), json!({})).await
}

async fn show(state: &AppState, ctx: &Ctx, s: &Sitting, form: Value, errors: Value) -> Result<Html<String>, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let mut model = s.json(state, ctx).await?;
    model["manages"] = json!(s.may_manage(ctx).is_ok());
    model["statuses"] = json!(ItemStatus::ALL);
    model["title_languages"] = json!(s.title_languages(ctx.lang));
    // Where a question may be forwarded: another body than the meeting's own.
    let others = s.bodies.iter().filter(|b| b.id != s.meeting.meeting.body_id);
    model["bodies"] = json!(crate::bodies::choices(others, ctx.lang));
    // Each item's own form, with what it shows (see `Form::resent`).
    let item_forms: serde_json::Map<String, Value> =
        s.items.iter().map(|i| (i.id.to_string(), crate::input::edit_values(s.item_form(i, ctx.lang)))).collect();
    model["item_forms"] = json!(item_forms);
    model["form"] = form;
    model["errors"] = errors;
    render::page(state, ctx, "agenda/show.html", model)
}

async fn api_show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, meeting)): Path<(String, String)>,
) -> Result<Json<Value>, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let s = Sitting::load(&state, &event, &meeting).await?;
    Ok(Json(s.json(&state, &ctx).await?))
}

async fn api_add(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, meeting)): Path<(String, String)>,
    JsonBody(input): JsonBody<ItemInput>,
) -> Result<Response, AppError> {
    let s = Sitting::load(&state, &event, &meeting).await?;
    let item = add(&state, &ctx, &s, input).await?;
    Ok((StatusCode::CREATED, Json(json!({ "item": s.written_json(&state, &ctx, &item).await? }))).into_response())
}

async fn api_replace(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, meeting, id)): Path<(String, String, Id)>,
    input: Versioned<ItemInput>,
) -> Result<Json<Value>, AppError> {
    let s = Sitting::load(&state, &event, &meeting).await?;
    let item = replace(&state, &ctx, &s, id, input.version, input.fields).await?;
    Ok(Json(json!({ "item": s.written_json(&state, &ctx, &item).await? })))
}

#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct AdoptInput {
    format: Format,
}

async fn api_adopt(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, meeting)): Path<(String, String)>,
    Versioned { version, fields: input }: Versioned<AdoptInput>,
) -> Result<Json<Value>, AppError> {
    let s = Sitting::load(&state, &event, &meeting).await?;
    Ok(Json(json!({ "agenda": adopt(&state, &ctx, &s, input.format, version).await? })))
}

async fn api_reopen(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, meeting)): Path<(String, String)>,
    input: Versioned<ReopenInput>,
) -> Result<Json<Value>, AppError> {
    let s = Sitting::load(&state, &event, &meeting).await?;
    let (agenda, revision) = reopen(&state, &ctx, &s, input.version, input.fields).await?;
    Ok(Json(json!({ "agenda": agenda, "revision": revision })))
}

async fn api_add_area(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(body): Path<String>,
    JsonBody(input): JsonBody<AreaInput>,
) -> Result<Response, AppError> {
    let body = store::bodies::by_slug(&state.store, &body).await?;
    authorize(&ctx.actor, Action::ManageDocuments { body: body.id })?;
    let input = input.validate()?;
    let area = Area { body_id: body.id, slug: input.slug, name: input.name };
    let mut tx = state.store.begin().await?;
    let area = store::agenda::add_area(&mut tx, &ctx.actor, area).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(json!({ "area": area }))).into_response())
}

// ---- Forms ----

async fn after_form(
    state: &AppState,
    ctx: &Ctx,
    (event, meeting): (&str, &str),
    form: &Form,
    outcome: Result<(), AppError>,
) -> Result<Response, AppError> {
    let outcome = outcome.map(|()| format!("/events/{event}/meetings/{meeting}/agenda"));
    render::form_outcome(state, ctx, outcome, |errors| async move {
        // An item's form comes back beside what is stored now: after a conflict, what another
        // user changed meanwhile.
        let s = Sitting::load(state, event, meeting).await?;
        let sent =
            form.ids("item").ok().and_then(|ids| ids.first().and_then(|id| s.items.iter().find(|i| i.id == *id)));
        let (values, errors) = match sent {
            Some(item) => {
                let resent = form.resent(s.item_form(item, ctx.lang));
                let errors = render::changed_meanwhile(state, ctx, errors, &resent, &[("status", "agenda-status-")]);
                (resent.values, errors)
            }
            None => (form.to_json(), errors),
        };
        show(state, ctx, &s, values, errors).await
    })
    .await
}

fn format_of(form: &Form) -> Result<Format, AppError> {
    serde_json::from_value(json!(form.get("format"))).map_err(|_| AppError::field("format", "invalid-choice"))
}

/// An item from the form's fields: the title in each language typed, the rapporteur and reason in
/// the reader's.
fn item_input(form: &Form, lang: &str, title_languages: &[&str]) -> Result<ItemInput, AppError> {
    let text = |name: &str| Text::new(&[(lang, form.get(name))]);
    let forwarded = form.get("forwarded_to").trim();
    let titles =
        title_languages.iter().map(|l| (*l, form.get(&format!("title_{l}")))).filter(|(_, t)| !t.trim().is_empty());
    Ok(ItemInput {
        format: format_of(form)?,
        number: form.number("number")?,
        title: Text::new(&titles.collect::<Vec<_>>()),
        area: form.get("area").to_string(),
        initiator: Some(form.get("initiator").to_string()),
        rapporteur: text("rapporteur"),
        status: ItemStatus::parse(form.get("status")).ok_or_else(|| AppError::field("status", "invalid-choice"))?,
        reason: text("reason"),
        forwarded_to: (!forwarded.is_empty()).then(|| forwarded.to_string()),
    })
}

async fn add_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, meeting)): Path<(String, String)>,
    form: Form,
) -> Result<Response, AppError> {
    let s = Sitting::load(&state, &event, &meeting).await?;
    let outcome =
        async { add(&state, &ctx, &s, item_input(&form, ctx.lang, &s.title_languages(ctx.lang))?).await.map(|_| ()) }
            .await;
    after_form(&state, &ctx, (&event, &meeting), &form, outcome).await
}

/// A new status for an item (withdrawn with its reason, forwarded with its body) and, while its
/// agenda is a draft, a new number or title in the form's languages; the rest kept.
async fn item_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, meeting, id)): Path<(String, String, Id)>,
    form: Form,
) -> Result<Response, AppError> {
    let s = Sitting::load(&state, &event, &meeting).await?;
    let outcome = async {
        let before = s.items.iter().find(|i| i.id == id).ok_or(AppError::NotFound)?;
        let status =
            ItemStatus::parse(form.get("status")).ok_or_else(|| AppError::field("status", "invalid-choice"))?;
        let typed = |name: &str, kept: &Text| {
            let mut text = kept.clone();
            if !form.get(name).trim().is_empty() {
                text.0.insert(ctx.lang.to_string(), form.get(name).to_string());
            }
            text
        };
        // A title in a language the page showed and the reader emptied is taken away (in the
        // working language, a mistake the check says); one the page did not show is kept.
        let mut title = before.title.clone();
        for l in s.title_languages(ctx.lang) {
            let field = format!("title_{l}");
            match form.get(&field).trim() {
                "" if form.showed(&field) => title.0.remove(l),
                "" => None,
                typed => title.0.insert(l.to_string(), typed.to_string()),
            };
        }
        let reason = typed("reason", &before.reason);
        let forwarded = form.get("forwarded_to").trim();
        let input = ItemInput {
            format: before.format,
            number: form.optional_number("number")?.unwrap_or(before.number),
            title,
            area: before.area.clone(),
            initiator: before.initiator.and_then(|p| s.participants.iter().find(|x| x.id == p)).map(|p| p.code.clone()),
            rapporteur: before.rapporteur.clone(),
            status,
            // A reason typed for an item not withdrawn is refused, not dropped unseen (but the one
            // it was withdrawn for, which `ItemInput::reasoned_as` takes for a read one sent back).
            reason: if status == ItemStatus::Withdrawn || !form.get("reason").trim().is_empty() {
                reason
            } else {
                Text::default()
            },
            forwarded_to: (status == ItemStatus::Forwarded && !forwarded.is_empty()).then(|| forwarded.to_string()),
        };
        replace(&state, &ctx, &s, id, form.number("version")?, input).await.map(|_| ())
    }
    .await;
    after_form(&state, &ctx, (&event, &meeting), &form, outcome).await
}

async fn adopt_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, meeting)): Path<(String, String)>,
    form: Form,
) -> Result<Response, AppError> {
    let s = Sitting::load(&state, &event, &meeting).await?;
    let outcome = async { adopt(&state, &ctx, &s, format_of(&form)?, form.number("version")?).await.map(|_| ()) }.await;
    after_form(&state, &ctx, (&event, &meeting), &form, outcome).await
}

async fn reopen_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, meeting)): Path<(String, String)>,
    form: Form,
) -> Result<Response, AppError> {
    let s = Sitting::load(&state, &event, &meeting).await?;
    let outcome = async {
        let input = ReopenInput { format: format_of(&form)?, reason: Text::new(&[(ctx.lang, form.get("reason"))]) };
        reopen(&state, &ctx, &s, form.number("version")?, input).await.map(|_| ())
    }
    .await;
    after_form(&state, &ctx, (&event, &meeting), &form, outcome).await
}

/// The areas a form offers, as slug and name: the standard ones in the reader's language, then
/// those the secretariats added (a slug two bodies share, once).
pub(crate) fn area_options(state: &AppState, lang: &str, added: &[Area]) -> Vec<Value> {
    let mut options: Vec<Value> = STANDARD_AREAS
        .iter()
        .map(|slug| json!({ "slug": slug, "name": state.i18n.t(lang, &format!("area-{slug}"), &[]) }))
        .collect();
    for area in added {
        if !options.iter().any(|o| o["slug"] == area.slug.as_str()) {
            options.push(json!({ "slug": area.slug, "name": area.name.get(lang) }));
        }
    }
    options
}
