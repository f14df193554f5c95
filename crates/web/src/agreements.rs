//! The register of agreements and the follow-up: a dashboard of overdue and due-soon action items
//! (for a ministry: its participant's; for a secretariat: those from its body's documents), an agreement with
//! its parties, entry into force, notifications, action items and progress reports, the deadlines
//! as an iCalendar file, and the API. Every path reads through the reader's reach.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use domain::agreements::{
    ActionItem, ActionItemInput, Agreement, AgreementInput, AgreementStatus, Attachment, EntryIntoForce, Interruption,
    ItemStatus, Level, Notification, Progress, Report, ReportInput,
};
use domain::participants::Participant;
use domain::policy::{AgreementReach, agreement_reach, may_keep_agreement, reporter};
use domain::{Id, new_id};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::AppError;
use crate::guard::Ctx;
use crate::input::{FilePart, Form, JsonBody, Path, QueryParams};
use crate::render;
use crate::routes::{CREATED, Registry};

pub(crate) fn routes(r: Registry) -> Registry {
    r.get(
        "/agreements",
        "The register of agreements and the follow-up dashboard (?party=&level=&status=&area=)",
        register_page,
    )
    .get("/agreements.ics", "The deadlines of action items as iCalendar (?party=)", deadlines_ics)
    .get("/agreements/{agreement}", "An agreement, its entry into force, action items and reports", show_page)
    .post("/agreements", "Enter an agreement in the register (form)", create_form)
    .post("/agreements/{agreement}/notifications", "Record a party's notification (form)", notify_form)
    .post("/agreements/{agreement}/items", "Add an action item (form)", item_form)
    .post("/agreements/{agreement}/items/{action_item}/reports", "File a progress report (form)", report_form)
    .get("/api/v1/agreements", "The agreements the caller may see (?party=XX)", api_list)
    .post("/api/v1/agreements", "Enter an agreement in the register", api_create)
    .answering(CREATED)
    .get("/api/v1/agreements/{agreement}", "An agreement with its action items and reports", api_show)
    .post("/api/v1/agreements/{agreement}/notifications", "Record a party's notification", api_notify)
    .post("/api/v1/agreements/{agreement}/items", "Add an action item", api_add_item)
    .answering(CREATED)
    .post(
        "/agreements/{agreement}/interruption",
        "Record a suspension, resumption or termination (form)",
        interruption_form,
    )
    .post(
        "/api/v1/agreements/{agreement}/interruption",
        "Record a suspension, resumption or termination",
        api_interruption,
    )
    .post("/api/v1/action-items/{action_item}/reports", "File a progress report", api_report)
    .answering(CREATED)
    .post(
        "/agreements/{agreement}/reports/{report}/attachments",
        "Attach a file to a progress report (multipart form)",
        attach_form,
    )
    .post("/api/v1/action-reports/{report}/attachments", "Attach a file to a progress report (multipart)", api_attach)
    .answering(CREATED)
    .get("/attachments/{attachment}", "A file attached to a progress report", download)
}

/// How far ahead the due-soon list looks.
const DUE_SOON_DAYS: i64 = 30;

/// The register as one reader may see it.
pub(crate) struct Follow {
    pub reach: AgreementReach,
    pub participants: Vec<Participant>,
    pub agreements: Vec<Agreement>,
    /// The body each agreement registered from a document belongs to.
    pub bodies: Vec<(Id, Id)>,
    pub items: Vec<ActionItem>,
    pub reports: Vec<Report>,
    pub attachments: Vec<Attachment>,
    pub now: jiff::Timestamp,
}

impl Follow {
    /// Every agreement the reader may see, with its items and the reports the reader may read.
    pub(crate) async fn load(state: &AppState, ctx: &Ctx) -> Result<Follow, AppError> {
        if ctx.actor.user.is_none() {
            return Err(AppError::Unauthorized);
        }
        let reach = agreement_reach(&ctx.actor);
        let all = store::agreements::all(&state.store).await?;
        let documents: Vec<Id> = all.iter().filter_map(|a| a.document_id).collect();
        let of_document = store::documents::bodies_of(&state.store, &documents).await?;
        let bodies: Vec<(Agreement, Option<Id>)> = all
            .into_iter()
            .map(|a| {
                let body = a.document_id.and_then(|d| of_document.iter().find(|(id, _)| *id == d).map(|(_, b)| *b));
                (a, body)
            })
            .collect();
        let (agreements, bodies): (Vec<Agreement>, Vec<(Id, Id)>) = {
            let seen: Vec<(Agreement, Option<Id>)> = bodies.into_iter().filter(|(a, b)| reach.sees(a, *b)).collect();
            let bodies = seen.iter().filter_map(|(a, b)| b.map(|b| (a.id, b))).collect();
            (seen.into_iter().map(|(a, _)| a).collect(), bodies)
        };
        let ids: Vec<Id> = agreements.iter().map(|a| a.id).collect();
        let items = store::agreements::items_of(&state.store, &ids).await?;
        let item_ids: Vec<Id> = items.iter().map(|i| i.id).collect();
        let reports = store::agreements::reports_of(&state.store, &item_ids)
            .await?
            .into_iter()
            .filter(|r| r.visible_to(&reach.own))
            .collect::<Vec<_>>();
        let report_ids: Vec<Id> = reports.iter().map(|r| r.id).collect();
        let attachments = store::agreements::attachments_of(&state.store, &report_ids).await?;
        Ok(Follow {
            bodies,
            attachments,
            participants: store::participants::list(&state.store).await?,
            reach,
            agreements,
            items,
            reports,
            now: jiff::Timestamp::now(),
        })
    }

    /// The body an agreement comes from (through its document), whose secretariat keeps it.
    pub(crate) fn body_of(&self, agreement: Id) -> Option<Id> {
        self.bodies.iter().find(|(a, _)| *a == agreement).map(|(_, b)| *b)
    }

    pub(crate) fn zone(&self, id: Id) -> Option<jiff::tz::TimeZone> {
        self.participants.iter().find(|p| p.id == id).and_then(|p| jiff::tz::TimeZone::get(&p.time_zone).ok())
    }

    pub(crate) fn participant(&self, code: &str) -> Option<&Participant> {
        let code = code.trim().to_ascii_uppercase();
        self.participants.iter().find(|p| p.code == code)
    }

    fn code(&self, id: Id) -> String {
        self.participants.iter().find(|p| p.id == id).map_or_else(String::new, |p| p.code.clone())
    }

    fn name(&self, id: Id, lang: &str) -> String {
        self.participants.iter().find(|p| p.id == id).map_or_else(String::new, |p| p.short_name.get(lang).to_string())
    }

    /// Participants by name in the reader's collation, whatever order they were entered in: the
    /// order their codes and their names are both given in.
    fn sorted(&self, ids: &[Id], lang: &str) -> Vec<Id> {
        let mut named: Vec<(Id, String)> = ids.iter().map(|p| (*p, self.name(*p, lang))).collect();
        domain::precedence::sort_by_collation(&mut named, lang, |(_, n)| n.as_str());
        named.into_iter().map(|(id, _)| id).collect()
    }

    fn names(&self, ids: &[Id], lang: &str) -> String {
        self.sorted(ids, lang).into_iter().map(|p| self.name(p, lang)).collect::<Vec<_>>().join(", ")
    }

    fn codes(&self, ids: &[Id], lang: &str) -> Vec<String> {
        self.sorted(ids, lang).into_iter().map(|p| self.code(p)).collect()
    }

    fn agreement(&self, id: Id) -> Result<&Agreement, AppError> {
        self.agreements.iter().find(|a| a.id == id).ok_or(AppError::NotFound)
    }

    /// Today where the reader is: its participant's (a ministry's, an accreditation officer's),
    /// else UTC. An agreement's status, and what is past, are said for that day.
    fn today(&self) -> jiff::civil::Date {
        let zone = match self.reach.own.as_slice() {
            [one] => self.zone(*one),
            _ => None,
        };
        self.now.to_zoned_datetime(zone.unwrap_or(jiff::tz::TimeZone::UTC)).date()
    }

    /// Today where a participant is; for the secretariat, wherever it is latest (UTC+14), so
    /// that nobody's today is taken for a day to come.
    fn today_of(&self, participant: Option<Id>) -> jiff::civil::Date {
        let latest = || jiff::tz::TimeZone::fixed(jiff::tz::offset(14));
        self.now.to_zoned_datetime(participant.and_then(|p| self.zone(p)).unwrap_or_else(latest)).date()
    }

    fn status(&self, item: &ActionItem) -> ItemStatus {
        item.status(self.now, &|p| self.zone(p))
    }

    pub(crate) fn agreement_json(&self, state: &AppState, a: &Agreement, lang: &str) -> Value {
        json!({
            "id": a.id, "title": a.title, "title_shown": a.title.get(lang), "level": a.level,
            "parties": self.codes(&a.parties, lang), "parties_shown": self.names(&a.parties, lang),
            "signed_on": a.signed_on, "signed_on_shown": a.signed_on.map(|d| state.i18n.date(lang, d)),
            "signed_at": a.signed_at.get(lang), "depositary": a.depositary.map(|d| self.name(d, lang)),
            "entry_into_force": a.entry_into_force, "threshold": a.threshold,
            "in_force_from": a.in_force_from(), "in_force_shown": a.in_force_from().map(|d| state.i18n.date(lang, d)),
            "status": a.status_on(self.today()), "awaited": self.names(&a.awaited(), lang),
            "notifications": a.notifications.iter().map(|n| json!({ "party": self.code(n.party), "name": self.name(n.party, lang),
                "date": n.date, "date_shown": state.i18n.date(lang, n.date) })).collect::<Vec<_>>(),
            "interruptions": a.interruptions.iter().map(|(kind, date)| json!({ "kind": kind, "date": date,
                "date_shown": state.i18n.date(lang, *date) })).collect::<Vec<_>>(),
            "document": a.document_id, "version": a.version,
        })
    }

    pub(crate) fn item_json(&self, state: &AppState, i: &ActionItem, lang: &str) -> Value {
        self.item_with_reports(state, i, self.reports.iter().filter(|r| r.item_id == i.id), lang)
    }

    /// An item as pages show it, with the reports given (those its reader may see).
    pub(crate) fn item_with_reports<'a>(
        &self,
        state: &AppState,
        i: &ActionItem,
        reports: impl Iterator<Item = &'a Report>,
        lang: &str,
    ) -> Value {
        let reports: Vec<Value> = reports
            .map(|r| {
                json!({ "id": r.id, "author": r.author.map(|a| self.code(a)), "author_name": r.author.map(|a| self.name(a, lang)),
                    "date": r.date, "date_shown": state.i18n.date(lang, r.date), "text": r.text, "progress": r.progress,
                    "internal": r.internal,
                    "attachments": self.attachments.iter().filter(|a| a.report_id == r.id)
                        .map(|a| json!({ "id": a.id, "name": a.name, "size": a.size })).collect::<Vec<_>>() })
            })
            .collect();
        json!({
            "id": i.id, "agreement": i.agreement_id, "title": i.title, "title_shown": i.title.get(lang),
            "responsible": self.codes(&i.responsible, lang),
            "responsible_shown": self.names(&i.responsible, lang),
            "agencies": i.agencies, "agencies_shown": i.agencies.get(lang), "area": i.area, "deadline": i.deadline,
            "deadline_shown": state.i18n.date(lang, i.deadline), "progress": i.progress, "status": self.status(i),
            "version": i.version, "reports": reports,
        })
    }
}

#[derive(schemars::JsonSchema, Debug, Default, Deserialize)]
struct RegisterQuery {
    /// A party's participant code.
    #[serde(default)]
    party: String,
    /// Who concluded it: `highest`, `high`, `ministerial`, `inter_agency`.
    #[serde(default)]
    level: String,
    /// A status of the agreement.
    #[serde(default)]
    status: String,
    /// Items in one area of cooperation.
    #[serde(default)]
    area: String,
}

/// The agreements matching the query, and the dashboard's lists over their items.
fn register(f: &Follow, state: &AppState, q: &RegisterQuery, lang: &str) -> Result<Value, AppError> {
    let party = match q.party.trim() {
        "" => None,
        code => Some(f.participant(code).ok_or_else(|| AppError::field("party", "unknown"))?.id),
    };
    let level = match q.level.trim() {
        "" => None,
        l => Some(Level::parse(l).ok_or_else(|| AppError::field("level", "invalid-choice"))?),
    };
    let status = match q.status.trim() {
        "" => None,
        s => Some(AgreementStatus::parse(s).ok_or_else(|| AppError::field("status", "invalid-choice"))?),
    };
    let today = f.today();
    let chosen: Vec<&Agreement> = f
        .agreements
        .iter()
        .filter(|a| party.is_none_or(|p| a.parties.contains(&p)))
        .filter(|a| level.is_none_or(|l| a.level == l))
        .filter(|a| status.is_none_or(|s| a.status_on(today) == s))
        .collect();
    let items: Vec<&ActionItem> = f
        .items
        .iter()
        .filter(|i| chosen.iter().any(|a| a.id == i.agreement_id && a.is_followed_on(today)))
        .filter(|i| party.is_none_or(|p| i.responsible.contains(&p)))
        .filter(|i| q.area.trim().is_empty() || i.area == q.area.trim())
        .collect();
    let with_agreement = |i: &&ActionItem| {
        let mut v = f.item_json(state, i, lang);
        v["agreement_title"] =
            json!(f.agreement(i.agreement_id).map(|a| a.title.get(lang).to_string()).unwrap_or_default());
        v
    };
    let overdue: Vec<Value> = items.iter().filter(|i| f.status(i) == ItemStatus::Overdue).map(with_agreement).collect();
    let due_soon: Vec<Value> = items
        .iter()
        .filter(|i| f.status(i).is_open() && f.status(i) != ItemStatus::Overdue && i.due_within(today, DUE_SOON_DAYS))
        .map(with_agreement)
        .collect();
    let mut by_status: HashMap<&'static str, usize> = HashMap::new();
    for i in &items {
        *by_status.entry(f.status(i).as_str()).or_default() += 1;
    }
    Ok(json!({
        "agreements": chosen.iter().map(|a| f.agreement_json(state, a, lang)).collect::<Vec<_>>(),
        "overdue": overdue, "due_soon": due_soon, "by_status": by_status, "due_soon_days": DUE_SOON_DAYS,
    }))
}

async fn register_page(
    State(state): State<AppState>,
    ctx: Ctx,
    QueryParams(query): QueryParams<RegisterQuery>,
) -> Result<Html<String>, AppError> {
    let f = Follow::load(&state, &ctx).await?;
    register_with(&state, &ctx, &f, &query, json!({}), json!({})).await
}

/// The register page; `form` and `form_errors` re-fill the form for a new agreement.
async fn register_with(
    state: &AppState,
    ctx: &Ctx,
    f: &Follow,
    query: &RegisterQuery,
    form: Value,
    form_errors: Value,
) -> Result<Html<String>, AppError> {
    let (mut model, errors) = match register(f, state, query, ctx.lang) {
        Ok(model) => (model, json!({})),
        Err(AppError::Invalid(invalid)) => (json!({ "agreements": [] }), state.i18n.field_errors(ctx.lang, &invalid)),
        Err(e) => return Err(e),
    };
    model["query"] = json!({ "party": query.party, "level": query.level, "status": query.status, "area": query.area });
    model["areas"] = json!(domain::agenda::STANDARD_AREAS);
    model["errors"] = errors;
    model["levels"] = json!(Level::ALL);
    model["statuses"] = json!(AgreementStatus::ALL);
    model["entries"] = json!(EntryIntoForce::ALL);
    model["form"] = form;
    model["form_errors"] = form_errors;
    model["may_register"] = json!(domain::policy::may_register_agreements(&ctx.actor));
    render::page(state, ctx, "agreements/register.html", model)
}

async fn api_list(
    State(state): State<AppState>,
    ctx: Ctx,
    QueryParams(query): QueryParams<RegisterQuery>,
) -> Result<Json<Value>, AppError> {
    let f = Follow::load(&state, &ctx).await?;
    Ok(Json(register(&f, &state, &query, ctx.lang)?))
}

fn agreement_model(f: &Follow, state: &AppState, a: &Agreement, lang: &str) -> Value {
    let items: Vec<Value> =
        f.items.iter().filter(|i| i.agreement_id == a.id).map(|i| f.item_json(state, i, lang)).collect();
    json!({ "agreement": f.agreement_json(state, a, lang), "items": items, "timeline": timeline(f, state, a, lang) })
}

/// An agreement's life in date order: signature, notifications, entry into force, the items'
/// deadlines and the reports on them.
fn timeline(f: &Follow, state: &AppState, a: &Agreement, lang: &str) -> Vec<Value> {
    let t = |key: &str| state.i18n.t(lang, key, &[]);
    let mut events: Vec<(jiff::civil::Date, u8, String)> = Vec::new();
    if let Some(d) = a.signed_on {
        events.push((d, 0, t("timeline-signed")));
    }
    for n in &a.notifications {
        events.push((n.date, 1, format!("{}: {}", t("timeline-notified"), f.name(n.party, lang))));
    }
    if let Some(d) = a.in_force_from() {
        events.push((d, 2, t("timeline-in-force")));
    }
    for (kind, d) in &a.interruptions {
        events.push((*d, 2, t(&format!("agreements-interruption-{}", kind.as_str()))));
    }
    for i in f.items.iter().filter(|i| i.agreement_id == a.id) {
        events.push((i.deadline, 4, format!("{}: {}", t("timeline-deadline"), i.title.get(lang))));
        for r in f.reports.iter().filter(|r| r.item_id == i.id) {
            let who = r.author.map_or_else(|| t("agreements-secretariat"), |p| f.name(p, lang));
            events.push((r.date, 3, format!("{} ({who}): {}", t("timeline-report"), i.title.get(lang))));
        }
    }
    events.sort_by_key(|e| (e.0, e.1));
    events
        .into_iter()
        .map(|(date, _, what)| json!({ "date": date, "date_shown": state.i18n.date(lang, date), "what": what, "past": date <= f.today() }))
        .collect()
}

async fn show_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Id>) -> Result<Html<String>, AppError> {
    show(&state, &ctx, id, json!({}), json!({})).await
}

async fn show(state: &AppState, ctx: &Ctx, id: Id, form: Value, errors: Value) -> Result<Html<String>, AppError> {
    let f = Follow::load(state, ctx).await?;
    let a = f.agreement(id)?;
    let mut model = agreement_model(&f, state, a, ctx.lang);
    // The reader's parties to the agreement, those it may report for, and whether it may record
    // notifications. An accreditation officer reads its ministry's reports but does not write them.
    let own: Vec<Id> = f.reach.own.iter().copied().filter(|p| a.parties.contains(p)).collect();
    let choice = |p: &Id| json!({ "code": f.code(*p), "name": f.name(*p, ctx.lang) });
    let reports_for = own.iter().filter(|p| reporter(&ctx.actor, &[], &a.parties, None, Some(**p), true).is_ok());
    model["reports_for"] = reports_for.map(choice).collect();
    model["own"] = own.iter().map(choice).collect();
    model["keeps"] = json!(may_keep_agreement(&ctx.actor, &a.parties, f.body_of(a.id)).is_ok());
    model["areas"] = json!(domain::agenda::STANDARD_AREAS);
    model["progresses"] = json!(Progress::ALL);
    model["today"] = json!(f.today_of(own.first().copied()));
    model["form"] = form;
    model["errors"] = errors;
    render::page(state, ctx, "agreements/show.html", model)
}

async fn api_show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Id>) -> Result<Json<Value>, AppError> {
    let f = Follow::load(&state, &ctx).await?;
    Ok(Json(agreement_model(&f, &state, f.agreement(id)?, ctx.lang)))
}

/// Enters an agreement, from an adopted document the reader may see or by hand.
async fn create(state: &AppState, ctx: &Ctx, f: &Follow, input: AgreementInput) -> Result<Agreement, AppError> {
    let input = input.validate(f.today_of(None))?;
    let id_of =
        |code: &str, field: &str| f.participant(code).map(|p| p.id).ok_or_else(|| AppError::field(field, "unknown"));
    let parties = input.parties.iter().map(|c| id_of(c, "parties")).collect::<Result<Vec<_>, _>>()?;
    let document = match input.document {
        Some(id) => {
            let reach = crate::documents::reach(state, ctx).await?;
            let document = store::documents::by_id(&state.store, id)
                .await?
                .filter(|d| reach.sees(d))
                .ok_or_else(|| AppError::field("document", "unknown"))?;
            if document.frozen.is_none() {
                return Err(AppError::field("document", "registered-unadopted"));
            }
            Some(document)
        }
        None => None,
    };
    may_keep_agreement(&ctx.actor, &parties, document.as_ref().map(|d| d.body_id))?;
    let document_id = document.map(|d| d.id);
    let agreement = Agreement {
        id: new_id(),
        title: input.title,
        level: input.level,
        parties,
        document_id,
        signed_on: input.signed_on,
        signed_at: input.signed_at,
        depositary: input.depositary.as_deref().map(|d| id_of(d, "depositary")).transpose()?,
        entry_into_force: input.entry_into_force,
        threshold: input.threshold,
        notifications: Vec::new(),
        interruptions: Vec::new(),
        version: 1,
    };
    let mut tx = state.store.begin().await?;
    let agreement = store::agreements::create(&mut tx, &ctx.actor, agreement).await?;
    tx.commit().await?;
    Ok(agreement)
}

async fn api_create(
    State(state): State<AppState>,
    ctx: Ctx,
    JsonBody(input): JsonBody<AgreementInput>,
) -> Result<Response, AppError> {
    let f = Follow::load(&state, &ctx).await?;
    let agreement = create(&state, &ctx, &f, input).await?;
    Ok((StatusCode::CREATED, Json(json!({ "agreement": f.agreement_json(&state, &agreement, ctx.lang) })))
        .into_response())
}

/// An agreement from the register's form: the title in the reader's language, parties as codes.
async fn create_form(State(state): State<AppState>, ctx: Ctx, form: Form) -> Result<Response, AppError> {
    let f = Follow::load(&state, &ctx).await?;
    let outcome = async {
        let optional = |name: &str| Some(form.get(name).trim().to_string()).filter(|v| !v.is_empty());
        let input = AgreementInput {
            title: domain::Text::new(&[(ctx.lang, form.get("title"))]),
            level: Level::parse(form.get("level")).ok_or_else(|| AppError::field("level", "invalid-choice"))?,
            parties: form.get("parties").split([',', ' ']).filter(|p| !p.is_empty()).map(str::to_string).collect(),
            signed_on: optional("signed_on")
                .map(|d| d.parse().map_err(|_| AppError::field("signed_on", "invalid-date")))
                .transpose()?,
            signed_at: domain::Text::new(&[(ctx.lang, form.get("signed_at"))]),
            depositary: optional("depositary"),
            entry_into_force: EntryIntoForce::parse(form.get("entry_into_force"))
                .ok_or_else(|| AppError::field("entry_into_force", "invalid-choice"))?,
            threshold: None,
            document: optional("document")
                .map(|d| d.parse().map_err(|_| AppError::field("document", "unknown")))
                .transpose()?,
        };
        create(&state, &ctx, &f, input).await.map(|a| format!("/agreements/{}", a.id))
    }
    .await;
    let values = form.to_json();
    let query = RegisterQuery::default();
    render::form_outcome(&state, &ctx, outcome, |errors| register_with(&state, &ctx, &f, &query, values, errors)).await
}

#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct NotificationInput {
    party: String,
    #[schemars(with = "domain::schema::Date")]
    date: jiff::civil::Date,
}

async fn notify(state: &AppState, ctx: &Ctx, f: &Follow, id: Id, input: NotificationInput) -> Result<(), AppError> {
    let a = f.agreement(id)?;
    let party = f.participant(&input.party).ok_or_else(|| AppError::field("party", "unknown"))?.id;
    domain::policy::may_notify(&ctx.actor, party)?;
    domain::agreements::check_notification(a, party, input.date, f.today_of(Some(party)))?;
    let mut tx = state.store.begin().await?;
    store::agreements::notify(&mut tx, &ctx.actor, a, Notification { party, date: input.date }).await?;
    tx.commit().await?;
    Ok(())
}

async fn api_notify(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    JsonBody(input): JsonBody<NotificationInput>,
) -> Result<Json<Value>, AppError> {
    let f = Follow::load(&state, &ctx).await?;
    notify(&state, &ctx, &f, id, input).await?;
    let after = store::agreements::by_id(&state.store, id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(json!({ "agreement": f.agreement_json(&state, &after, ctx.lang) })))
}

async fn add_item(
    state: &AppState,
    ctx: &Ctx,
    f: &Follow,
    id: Id,
    input: ActionItemInput,
) -> Result<ActionItem, AppError> {
    let a = f.agreement(id)?;
    may_keep_agreement(&ctx.actor, &a.parties, f.body_of(a.id))?;
    let codes: Vec<String> = a.parties.iter().map(|p| f.code(*p)).collect();
    let input = input.validate(&codes, a.signed_on, &store::agenda::areas(&state.store).await?)?;
    let item = ActionItem {
        id: new_id(),
        agreement_id: a.id,
        title: input.title,
        responsible: input.responsible.iter().filter_map(|c| f.participant(c)).map(|p| p.id).collect(),
        agencies: input.agencies,
        area: input.area,
        deadline: input.deadline,
        progress: input.progress,
        version: 1,
    };
    let mut tx = state.store.begin().await?;
    let item = store::agreements::create_item(&mut tx, &ctx.actor, item).await?;
    tx.commit().await?;
    Ok(item)
}

async fn api_add_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    JsonBody(input): JsonBody<ActionItemInput>,
) -> Result<Response, AppError> {
    let f = Follow::load(&state, &ctx).await?;
    let item = add_item(&state, &ctx, &f, id, input).await?;
    Ok((StatusCode::CREATED, Json(json!({ "item": f.item_json(&state, &item, ctx.lang) }))).into_response())
}

async fn item_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    form: Form,
) -> Result<Response, AppError> {
    let f = Follow::load(&state, &ctx).await?;
    let outcome = async {
        let input = ActionItemInput {
            title: domain::Text::new(&[(ctx.lang, form.get("title"))]),
            responsible: form
                .get("responsible")
                .split([',', ' '])
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect(),
            agencies: domain::Text::new(&[(ctx.lang, form.get("agencies"))]),
            area: form.get("area").to_string(),
            deadline: form.get("deadline").trim().parse().map_err(|_| AppError::field("deadline", "invalid-date"))?,
            progress: Progress::Planned,
        };
        add_item(&state, &ctx, &f, id, input).await.map(|_| ())
    }
    .await;
    after_form(&state, &ctx, id, &form, outcome).await
}

/// Files a report and moves the item's progress to what it reports.
async fn report(state: &AppState, ctx: &Ctx, f: &Follow, item: Id, input: ReportInput) -> Result<Report, AppError> {
    let before = f.items.iter().find(|i| i.id == item).ok_or(AppError::NotFound)?;
    let a = f.agreement(before.agreement_id)?;
    let input = ReportInput { participant: input.participant.filter(|c| !c.trim().is_empty()), ..input };
    let as_party = match input.participant.as_deref().map(str::trim) {
        Some(code) => Some(f.participant(code).ok_or_else(|| AppError::field("participant", "unknown"))?.id),
        None => None,
    };
    let input = input.validate(a.signed_on, f.today_of(as_party))?;
    let author = reporter(&ctx.actor, &before.responsible, &a.parties, f.body_of(a.id), as_party, input.internal)?;
    if !input.internal && input.version.is_some_and(|read| read != before.version) {
        return Err(AppError::Conflict { entity: "action item", current: before.version });
    }
    let report = Report {
        id: new_id(),
        item_id: item,
        author,
        date: input.date,
        text: input.text,
        progress: input.progress,
        internal: input.internal,
        at: jiff::Timestamp::now(),
    };
    let mut tx = state.store.begin().await?;
    let report = store::agreements::add_report(&mut tx, &ctx.actor, report).await?;
    // A report's progress is the item's from now on: written where it changes, and the item held
    // where it does not, so that a report decided on a progress another report changed meanwhile
    // conflicts instead of leaving the item behind the latest report.
    if report.sets_progress(&f.reports) && before.progress != report.progress {
        let after = ActionItem { progress: report.progress, ..before.clone() };
        store::agreements::replace_item(&mut tx, &ctx.actor, before, after).await?;
    } else if !report.internal {
        store::agreements::hold_item(&mut tx, before).await?;
    }
    tx.commit().await?;
    Ok(report)
}

async fn api_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(item): Path<Id>,
    JsonBody(input): JsonBody<ReportInput>,
) -> Result<Response, AppError> {
    let f = Follow::load(&state, &ctx).await?;
    let r = report(&state, &ctx, &f, item, input).await?;
    Ok((StatusCode::CREATED, Json(json!({ "report": r }))).into_response())
}

async fn after_form(
    state: &AppState,
    ctx: &Ctx,
    id: Id,
    form: &Form,
    outcome: Result<(), AppError>,
) -> Result<Response, AppError> {
    let outcome = outcome.map(|()| format!("/agreements/{id}"));
    let values = form.to_json();
    render::form_outcome(state, ctx, outcome, |errors| show(state, ctx, id, values, errors)).await
}

async fn notify_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    form: Form,
) -> Result<Response, AppError> {
    let f = Follow::load(&state, &ctx).await?;
    let outcome = async {
        let date = form.get("date").trim().parse().map_err(|_| AppError::field("date", "invalid-date"))?;
        notify(&state, &ctx, &f, id, NotificationInput { party: form.get("party").to_string(), date }).await
    }
    .await;
    after_form(&state, &ctx, id, &form, outcome).await
}

async fn report_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, item)): Path<(Id, Id)>,
    form: Form,
) -> Result<Response, AppError> {
    let f = Follow::load(&state, &ctx).await?;
    let outcome = async {
        let input = ReportInput {
            participant: Some(form.get("participant").to_string()),
            date: form.get("date").trim().parse().map_err(|_| AppError::field("date", "invalid-date"))?,
            text: form.get("text").to_string(),
            progress: Progress::parse(form.get("progress"))
                .ok_or_else(|| AppError::field("progress", "invalid-choice"))?,
            internal: form.get("internal") == "on",
            version: match form.get("version").trim() {
                "" => None,
                _ => Some(form.number("version")?),
            },
        };
        report(&state, &ctx, &f, item, input).await.map(|_| ())
    }
    .await;
    after_form(&state, &ctx, id, &form, outcome).await
}

#[derive(schemars::JsonSchema, Debug, Default, Deserialize)]
struct IcsQuery {
    #[serde(default)]
    party: String,
}

/// The open items' deadlines as all-day events, for a calendar.
async fn deadlines_ics(
    State(state): State<AppState>,
    ctx: Ctx,
    QueryParams(query): QueryParams<IcsQuery>,
) -> Result<Response, AppError> {
    let f = Follow::load(&state, &ctx).await?;
    let party = match query.party.trim() {
        "" => None,
        code => Some(f.participant(code).ok_or_else(|| AppError::field("party", "unknown"))?.id),
    };
    let deadlines: Vec<::render::ical::Deadline> = f
        .items
        .iter()
        .filter(|i| party.is_none_or(|p| i.responsible.contains(&p)) && f.status(i).is_open())
        // As on the dashboard: nothing of an agreement suspended or terminated is due.
        .filter(|i| f.agreement(i.agreement_id).is_ok_and(|a| a.is_followed_on(f.today())))
        .map(|i| ::render::ical::Deadline {
            uid: format!("{}@concord", i.id),
            date: i.deadline,
            summary: i.title.get(ctx.lang).to_string(),
            description: f.agreement(i.agreement_id).map(|a| a.title.get(ctx.lang).to_string()).unwrap_or_default(),
        })
        .collect();
    let name = state.i18n.t(ctx.lang, "agreements-deadlines", &[]);
    let body = ::render::ical::deadlines(&name, &deadlines, f.now);
    Ok(render::file(body, "text/calendar; charset=utf-8", render::Disposition::Attachment, "deadlines.ics"))
}

/// Attaches a file to a report: by whoever may report as the report's author.
async fn attach(
    state: &AppState,
    ctx: &Ctx,
    f: &Follow,
    report: Id,
    FilePart { name: file_name, bytes }: FilePart,
) -> Result<Attachment, AppError> {
    let r = f.reports.iter().find(|r| r.id == report).ok_or(AppError::NotFound)?;
    let item = f.items.iter().find(|i| i.id == r.item_id).ok_or(AppError::NotFound)?;
    let a = f.agreement(item.agreement_id)?;
    if reporter(&ctx.actor, &item.responsible, &a.parties, f.body_of(a.id), r.author, r.internal)? != r.author {
        return Err(AppError::Forbidden("only the report's author attaches to it"));
    }
    let (name, media_type) = domain::agreements::check_attachment(file_name.as_deref(), &bytes)?;
    let attachment = Attachment::new(r.id, name, media_type, &bytes);
    let mut tx = state.store.begin().await?;
    let attachment = store::agreements::attach(&mut tx, &ctx.actor, attachment, &bytes).await?;
    tx.commit().await?;
    Ok(attachment)
}

async fn attach_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, report)): Path<(Id, Id)>,
    file: FilePart,
) -> Result<Response, AppError> {
    let f = Follow::load(&state, &ctx).await?;
    f.agreement(id)?;
    let outcome = attach(&state, &ctx, &f, report, file).await.map(|_| ());
    after_form(&state, &ctx, id, &Form(Vec::new()), outcome).await
}

async fn api_attach(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(report): Path<Id>,
    file: FilePart,
) -> Result<Response, AppError> {
    let f = Follow::load(&state, &ctx).await?;
    let attachment = attach(&state, &ctx, &f, report, file).await?;
    Ok((StatusCode::CREATED, Json(json!({ "attachment": attachment }))).into_response())
}

/// A report's file, for whoever reads the report.
async fn download(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Id>) -> Result<Response, AppError> {
    let f = Follow::load(&state, &ctx).await?;
    let (attachment, content) = store::agreements::attachment(&state.store, id).await?.ok_or(AppError::NotFound)?;
    if !f.reports.iter().any(|r| r.id == attachment.report_id) {
        return Err(AppError::NotFound);
    }
    Ok(render::file(content, &attachment.media_type, render::Disposition::Attachment, &attachment.name))
}

#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct InterruptionInput {
    version: i64,
    kind: Interruption,
    #[schemars(with = "domain::schema::Date")]
    date: jiff::civil::Date,
}

/// Records that an agreement in force is suspended, resumed or terminated from a date.
async fn interrupt(state: &AppState, ctx: &Ctx, f: &Follow, id: Id, input: InterruptionInput) -> Result<(), AppError> {
    let before = f.agreement(id)?;
    may_keep_agreement(&ctx.actor, &before.parties, f.body_of(before.id))?;
    if before.version != input.version {
        return Err(AppError::Conflict { entity: "agreement", current: before.version });
    }
    let after = before.clone().interrupted(input.kind, input.date)?;
    let mut tx = state.store.begin().await?;
    store::agreements::replace(&mut tx, &ctx.actor, before, after).await?;
    tx.commit().await?;
    Ok(())
}

async fn api_interruption(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    JsonBody(input): JsonBody<InterruptionInput>,
) -> Result<Json<Value>, AppError> {
    let f = Follow::load(&state, &ctx).await?;
    interrupt(&state, &ctx, &f, id, input).await?;
    let after = store::agreements::by_id(&state.store, id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(json!({ "agreement": f.agreement_json(&state, &after, ctx.lang) })))
}

async fn interruption_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    form: Form,
) -> Result<Response, AppError> {
    let f = Follow::load(&state, &ctx).await?;
    let outcome = async {
        let input = InterruptionInput {
            version: form.number("version")?,
            kind: Interruption::parse(form.get("kind")).ok_or_else(|| AppError::field("kind", "invalid-choice"))?,
            date: form.get("date").trim().parse().map_err(|_| AppError::field("date", "invalid-date"))?,
        };
        interrupt(&state, &ctx, &f, id, input).await
    }
    .await;
    after_form(&state, &ctx, id, &form, outcome).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_readers_today_is_where_its_ministry_is() {
        let kz = Participant {
            id: new_id(),
            code: "KZ".into(),
            kind: domain::participants::ParticipantKind::State,
            short_name: domain::Text::new(&[("en", "Kazakhstan")]),
            formal_name: domain::Text::new(&[("en", "the Republic of Kazakhstan")]),
            cases: Default::default(),
            time_zone: "Asia/Almaty".into(),
            version: 1,
        };
        let follow = |own: Vec<Id>| Follow {
            reach: AgreementReach { own, ..Default::default() },
            participants: vec![kz.clone()],
            agreements: Vec::new(),
            bodies: Vec::new(),
            items: Vec::new(),
            reports: Vec::new(),
            attachments: Vec::new(),
            now: "2025-08-31T20:00:00Z".parse().unwrap(),
        };
        let day = |d: &str| d.parse::<jiff::civil::Date>().unwrap();
        assert_eq!(follow(vec![kz.id]).today(), day("2025-09-01"), "01:00 in Almaty");
        assert_eq!(follow(Vec::new()).today(), day("2025-08-31"), "UTC for the secretariat");
    }
}
