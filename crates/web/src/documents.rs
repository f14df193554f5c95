//! Documents: the register (search and filters), a document with its versions, amendments and the
//! negotiation over them, track changes between versions, stances and the decision, signatures,
//! and the PDF. Every path reads a document through the reader's reach (`domain::policy`): a
//! document above the reader's classification is "not found", never shown in part.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use domain::agenda::known_area;
use domain::bodies::Body;
use domain::decisions::{self, Outcome, Signature, SignatureInput, SignerName, Stance, StanceInput, StanceRecord};
use domain::documents::changes;
use domain::documents::{
    Amendment, AmendmentInput, AmendmentStatus, Classification, Document, DocumentFields, DocumentKind, DocumentStatus,
    Names, Operation, Position, Response as AmendmentResponse, Unconsolidable, Undecidable, Version,
};
use domain::participants::Participant;
use domain::policy::{Action, Authorship, DocumentReach, authorize, document_reach};
use domain::{Id, new_id};
use serde::Deserialize;
use serde_json::{Value, json};
use store::documents::Filter;
use store::events::MeetingInEvent;

use crate::AppState;
use crate::error::AppError;
use crate::guard::Ctx;
use crate::input::{Form, Gathered, JsonBody, Path, QueryParams};
use crate::render;
use crate::routes::{CREATED, CREATED_OR_OK, Made, Registry};

pub(crate) fn routes(r: Registry) -> Registry {
    r.get("/documents", "The register of documents: search and filters", register_page)
        .post("/documents", "Create a document with its first version (form)", create_form)
        .get(
            "/documents/{document}",
            "A document with its versions, amendments, stances and signatures (…/{id}.pdf?lang=&version=: its PDF)",
            show_page,
        )
        .get("/documents/{document}/changes", "Track changes between two versions (?from=&to=&lang=)", changes_page)
        .post("/documents/{document}/amendments", "Propose an amendment (form)", amend_form)
        .post(
            "/documents/{document}/amendments/{amendment}/responses",
            "Support, object to or comment on an amendment (form)",
            respond_form,
        )
        .post("/documents/{document}/versions", "Consolidate accepted amendments into a new version, or add a translation (form)", version_form)
        .post("/documents/{document}/stances", "State a member's stance (form)", stance_form)
        .post("/documents/{document}/decision", "Adopt or withdraw a document (form)", decision_form)
        .post("/documents/{document}/signatures", "Record a signature (form)", signature_form)
        .get("/api/v1/documents", "The documents the caller may see (?q=&body=&event=&meeting=&kind=&status=&area=&participant=&from=&until=&page=)", api_list)
        .post("/api/v1/documents", "Create a document with its first version", api_create)
        .answering(CREATED)
        .get("/api/v1/documents/{document}", "A document with versions, amendments, stances and signatures", api_show)
        .get("/api/v1/documents/{document}/changes", "Track changes between two versions (?from=&to=&lang=)", api_changes)
        .post("/api/v1/documents/{document}/amendments", "Propose an amendment to the latest version", api_amend)
        .answering(CREATED_OR_OK)
        .post(
            "/api/v1/documents/{document}/amendments/{amendment}/responses",
            "Support, object to or comment on an amendment",
            api_respond,
        )
        .answering(CREATED_OR_OK)
        .post(
            "/api/v1/documents/{document}/versions",
            "A new version: accepted amendments consolidated, or a translation",
            api_version,
        )
        .answering(CREATED_OR_OK)
        .post("/api/v1/documents/{document}/stances", "State a member's stance", api_stance)
        .post(
            "/api/v1/documents/{document}/decision",
            "Adopt, record as not adopted (each as the body's rule decides on the stances) or withdraw a document",
            api_decision,
        )
        .post("/api/v1/documents/{document}/signatures", "Record who signed for a member", api_signature)
        .answering(CREATED_OR_OK)
}

/// Rows per page of the register.
const PAGE: i64 = 50;

/// A search by words ranks the most recently added this many matches (a document's text in one language): a
/// word in most of a register's 20,000 documents is then found as fast as a rarer one
/// (`benches/documents.sh`), and more words or a filter narrow what is ranked.
const RANKED: i64 = 1_000;

/// The last page a query may ask for (a million rows): beyond, the offset means nothing.
const MAX_PAGE: i64 = 20_000;

/// The reader's reach over documents, from the memberships of whom they speak for.
pub(crate) async fn reach(state: &AppState, ctx: &Ctx) -> Result<DocumentReach, AppError> {
    if ctx.actor.user.is_none() {
        return Ok(DocumentReach::default());
    }
    let memberships = store::bodies::all_memberships(&state.store).await?;
    Ok(document_reach(&ctx.actor, &memberships, crate::input::today_in("UTC")))
}

/// A document as one reader may see and act on it, with what its pages need around it.
struct Dossier {
    doc: Document,
    body: Body,
    /// Every body, for where the document was forwarded.
    bodies: Vec<Body>,
    meeting: Option<MeetingInEvent>,
    /// The body's members taking part on the meeting's day (today without a meeting), in its order.
    members: Vec<Participant>,
    participants: Vec<Participant>,
    versions: Vec<Version>,
    amendments: Vec<Amendment>,
    stances: Vec<StanceRecord>,
    signatures: Vec<Signature>,
}

impl Dossier {
    async fn load(state: &AppState, ctx: &Ctx, id: Id) -> Result<Dossier, AppError> {
        let doc = store::documents::by_id(&state.store, id).await?.ok_or(AppError::NotFound)?;
        if !reach(state, ctx).await?.sees(&doc) {
            return Err(if ctx.actor.user.is_none() { AppError::Unauthorized } else { AppError::NotFound });
        }
        let bodies = store::bodies::list(&state.store).await?;
        let body = bodies.iter().find(|b| b.id == doc.body_id).cloned().ok_or(AppError::NotFound)?;
        let meeting = match doc.meeting_id {
            Some(m) => {
                store::events::meetings_of_body(&state.store, body.id).await?.into_iter().find(|x| x.meeting.id == m)
            }
            None => None,
        };
        let participants = store::participants::list(&state.store).await?;
        let day = meeting.as_ref().map_or_else(|| crate::input::today_in("UTC"), |m| m.meeting.date);
        let memberships = store::bodies::memberships(&state.store, body.id).await?;
        let taking_part: Vec<&Participant> = participants
            .iter()
            .filter(|p| domain::bodies::status_on(&memberships, p.id, day).is_some_and(|s| s.takes_part()))
            .collect();
        let members = domain::precedence::order(&body.precedence, &taking_part).into_iter().cloned().collect();
        Ok(Dossier {
            versions: store::documents::versions(&state.store, id).await?,
            amendments: store::documents::amendments(&state.store, id).await?,
            stances: store::documents::stances(&state.store, id).await?,
            signatures: store::documents::signatures(&state.store, id).await?,
            doc,
            body,
            bodies,
            meeting,
            members,
            participants,
        })
    }

    fn code(&self, id: Id) -> String {
        self.participants.iter().find(|p| p.id == id).map_or_else(String::new, |p| p.code.clone())
    }

    fn name(&self, id: Id, lang: &str) -> String {
        self.participants.iter().find(|p| p.id == id).map_or_else(String::new, |p| p.short_name.get(lang).to_string())
    }

    fn member(&self, code: &str) -> Result<&Participant, AppError> {
        let code = code.trim().to_ascii_uppercase();
        self.members.iter().find(|p| p.code == code).ok_or_else(|| AppError::field("participant", "not-a-member"))
    }

    fn member_ids(&self) -> Vec<Id> {
        self.members.iter().map(|p| p.id).collect()
    }

    fn event(&self) -> Option<Id> {
        self.meeting.as_ref().map(|m| m.meeting.event_id)
    }

    /// The latest version in a language (the original if none is named).
    fn latest(&self, lang: Option<&str>) -> Option<&Version> {
        let lang = lang.unwrap_or(&self.doc.original_language);
        self.versions.iter().filter(|v| v.language == lang).max_by_key(|v| v.number)
    }

    /// The time zone of its meeting's event, where signing times are read and checked; UTC for a
    /// document of no meeting.
    fn time_zone(&self) -> &str {
        self.meeting.as_ref().map_or("UTC", |m| &m.time_zone)
    }

    /// Where and on which day the adopted text was done, as the line above its signatures says:
    /// its meeting's city and day; without a meeting, no city and the day of its first signature.
    fn done(&self, lang: &str) -> Option<(String, jiff::civil::Date)> {
        let frozen = self.doc.frozen.as_ref()?;
        Some(match &self.meeting {
            Some(m) => (m.city.get(lang).to_string(), m.meeting.date),
            None => {
                let first = self.signatures.iter().map(|s| s.signed_at).min().unwrap_or(frozen.at);
                (String::new(), first.to_zoned_datetime(jiff::tz::TimeZone::UTC).date())
            }
        })
    }

    /// For a member that signed elsewhere or on another day than the text was done, where and
    /// when, in words ([`decisions::signed_elsewhere`]): «Подписано в городе Минск 20 апреля 2025
    /// г.». The line above the signatures names the meeting's place and day for all.
    fn signed_elsewhere(&self, state: &AppState, line: &decisions::BlockLine, lang: &str) -> Option<String> {
        let (place, date) = self.done(lang)?;
        let city = self.meeting.as_ref().map(|m| m.city.clone()).unwrap_or_default();
        let zone = jiff::tz::TimeZone::get(self.time_zone()).unwrap_or(jiff::tz::TimeZone::UTC);
        let (there, day) = decisions::signed_elsewhere(line, &city, date, &zone)?;
        let there = if there.is_empty() { place } else { there };
        // Without a place on record or a meeting's city, the day alone.
        let key = if there.is_empty() { "document-pdf-signed-on" } else { "document-pdf-signed-elsewhere" };
        Some(state.i18n.t(lang, key, &done_at(state, lang, there, day)))
    }

    fn version(&self, number: u32, lang: &str) -> Option<&Version> {
        self.versions.iter().find(|v| v.number == number && v.language == lang)
    }

    /// Asked for a version or language it has no text in: what it has, per language, original first,
    /// each language by its name in the reader's. A language with no text at all is the problem,
    /// whatever the version.
    /// `asked` names the parameter that gave the version.
    fn no_text(
        &self,
        state: &AppState,
        reader: &str,
        (asked, number): (&str, Option<u32>),
        language: &str,
    ) -> AppError {
        let name = |l: &str| state.i18n.language(reader, l);
        let mut languages: Vec<&str> = self.versions.iter().map(|v| v.language.as_str()).collect();
        languages.sort_by_key(|l| (*l != self.doc.original_language, *l));
        languages.dedup();
        let available = languages
            .iter()
            .map(|l| {
                let numbers: Vec<String> =
                    self.versions.iter().filter(|v| v.language == *l).map(|v| v.number.to_string()).collect();
                format!("{}: {}", name(l), numbers.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; ");
        let mut args = vec![("language", name(language)), ("available", available)];
        let (field, code) = match number.filter(|_| languages.contains(&language)) {
            Some(n) => {
                args.push(("number", n.to_string()));
                (asked, "no-version-in-language")
            }
            None => ("lang", "no-text-in-language"),
        };
        AppError::Invalid(domain::Invalid(vec![domain::FieldError { field: field.to_string(), code, args }]))
    }

    fn original(&self) -> Result<&Version, AppError> {
        self.latest(None).ok_or(AppError::NotFound)
    }

    /// The secretariat, or the member's own delegation (officer at the meeting's event, or ministry).
    fn may_act_for(&self, ctx: &Ctx, participant: Id) -> Result<(), AppError> {
        Ok(domain::policy::may_act_on_document(&ctx.actor, self.body.id, self.event(), participant)?)
    }

    fn manages(&self, ctx: &Ctx) -> bool {
        authorize(&ctx.actor, Action::ManageDocuments { body: self.body.id }).is_ok()
    }

    /// What keeping the text takes: the owning delegation's right on an internal paper, the
    /// secretariat's on any other.
    fn keeper(&self) -> Action {
        domain::policy::document_keeper(&self.doc, self.event())
    }

    /// The members the reader may speak for here.
    fn own(&self, ctx: &Ctx) -> Vec<&Participant> {
        self.members
            .iter()
            .filter(|p| authorize(&ctx.actor, Action::ActOnDocument { event: self.event(), participant: p.id }).is_ok())
            .collect()
    }

    fn outcome(&self) -> Outcome {
        decisions::outcome(self.body.decision_rule, &self.member_ids(), &self.stances)
    }

    /// An outcome as the API gives it: the members who block it by their codes, as everywhere else.
    fn outcome_json(&self, outcome: &Outcome) -> Value {
        let mut shown = json!(outcome);
        if let Outcome::Blocked { by } = outcome {
            shown["by"] = json!(by.iter().map(|p| self.code(*p)).collect::<Vec<_>>());
        }
        shown
    }

    fn block(&self, lang: &str) -> Vec<decisions::BlockLine> {
        let members: Vec<&Participant> = self.members.iter().collect();
        decisions::signature_block(&members, &self.signatures, &self.stances, lang, &self.doc.original_language)
    }

    fn json(&self, state: &AppState, lang: &str) -> Value {
        let versions: Vec<Value> = self
            .versions
            .iter()
            .map(|v| {
                let paragraphs: Vec<Value> = v
                    .paragraphs
                    .iter()
                    .enumerate()
                    .map(|(i, p)| json!({ "number": i + 1, "text": p.text, "amendment": p.amendment }))
                    .collect();
                json!({
                    "number": v.number, "language": v.language, "paragraphs": paragraphs, "sha256": v.sha256,
                    "consolidated": v.consolidated, "note": v.note, "created_at": v.created_at, "created_by": v.created_by,
                })
            })
            .collect();
        let amendments: Vec<Value> = self.amendments.iter().map(|a| self.amendment_json(a, lang)).collect();
        let stances: Vec<Value> = decisions::stances_of(&self.member_ids(), &self.stances)
            .into_iter()
            .map(|(p, stance)| {
                let record = self.stances.iter().find(|s| s.participant == p);
                json!({ "participant": self.code(p), "name": self.name(p, lang), "stance": stance,
                    "text": record.map(|s| s.text.as_str()).unwrap_or_default(), "stated_at": record.map(|s| s.at) })
            })
            .collect();
        let signatures: Vec<Value> = self
            .signatures
            .iter()
            .map(|s| {
                json!({ "participant": self.code(s.participant), "person": s.person, "position": s.position,
                    "signed_at": s.signed_at, "place": s.place })
            })
            .collect();
        let block: Vec<Value> = self
            .block(lang)
            .into_iter()
            .map(|l| {
                json!({ "participant": self.code(l.participant), "heading": l.heading, "signer": l.signer,
                    "position": l.position, "signed_elsewhere": self.signed_elsewhere(state, &l, lang),
                    "stance": l.stance, "note": l.note })
            })
            .collect();
        // A paper that goes to no decision has no outcome and no signature block to show.
        let decided = self.doc.goes_to_decision();
        json!({
            "document": document_json(&self.doc, &self.participants, &self.bodies, self.meeting.as_ref(), lang, state),
            "versions": versions,
            "amendments": amendments,
            "stances": stances,
            "outcome": decided.then(|| self.outcome_json(&self.outcome())),
            "signatures": signatures,
            "signature_block": if decided { block } else { Vec::new() },
        })
    }

    fn amendment_json(&self, a: &Amendment, lang: &str) -> Value {
        // A delegation's latest support or objection is its position; the earlier ones stay on
        // record, marked as superseded. Comments add up.
        let stand = |r: &AmendmentResponse| r.position != Position::Comments;
        let responses: Vec<Value> = a
            .responses
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let superseded = stand(r)
                    && a.responses[i + 1..].iter().any(|later| later.participant == r.participant && stand(later));
                json!({ "participant": self.code(r.participant), "name": self.name(r.participant, lang),
                    "position": r.position, "comment": r.comment, "at": r.at, "superseded": superseded })
            })
            .collect();
        // Still pending when its text left negotiation: it can no longer be decided.
        let not_taken_up = a.status == AmendmentStatus::Pending && !self.doc.status.is_open();
        json!({
            "id": a.id, "version": a.version, "paragraph": a.paragraph, "operation": a.operation, "text": a.text,
            "target": a.target, "justification": a.justification, "proposer": self.code(a.proposer),
            "proposer_name": self.name(a.proposer, lang), "status": a.status, "not_taken_up": not_taken_up,
            "responses": responses, "created_at": a.created_at, "row_version": a.row_version,
        })
    }
}

/// A document's particulars as lists and pages show them: codes and slugs rather than ids.
fn document_json(
    d: &Document,
    participants: &[Participant],
    bodies: &[Body],
    meeting: Option<&MeetingInEvent>,
    lang: &str,
    state: &AppState,
) -> Value {
    let code = |id: Id| participants.iter().find(|p| p.id == id).map(|p| p.code.clone());
    let initiator = d.initiator.and_then(|id| participants.iter().find(|p| p.id == id));
    let body = |id: Id| bodies.iter().find(|b| b.id == id).map(|b| json!({ "slug": b.slug, "name": b.name.get(lang) }));
    json!({
        "id": d.id, "register_number": d.register_number, "kind": d.kind,
        "kind_shown": state.i18n.t(lang, &format!("document-kind-{}", d.kind.name_in(d.status)), &[]),
        "title": d.title, "title_shown": d.title.get(lang), "original_language": d.original_language,
        "classification": d.classification, "readers": d.readers.iter().filter_map(|r| code(*r)).collect::<Vec<_>>(),
        "initiator": initiator.map(|p| p.code.clone()),
        "initiator_shown": initiator.map(|p| p.short_name.get(lang)), "status": d.status, "forwarded_to": d.forwarded_to,
        "frozen": d.frozen, "version": d.version, "agenda_item": d.agenda_item_id,
        "body": body(d.body_id), "forwarded_to_body": d.forwarded_to.and_then(body),
        "meeting": meeting.map(|m| json!({ "id": m.meeting.id, "slug": m.meeting.slug, "event": m.event_slug,
            "date": m.meeting.date, "title": m.meeting.title.get(lang) })),
    })
}

// ---- The register ----

/// The register's search: every parameter narrows it; none lists every document the reader may see.
#[derive(schemars::JsonSchema, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegisterQuery {
    /// Words, all of which the title or the text holds (in any of their forms).
    #[serde(default)]
    q: String,
    /// A body's slug (`cis-cfm`).
    #[serde(default)]
    body: String,
    /// An event's slug: the documents of its meetings.
    #[serde(default)]
    event: String,
    /// A meeting, as `event/body` (`almaty-2025/cis-cfm`).
    #[serde(default)]
    meeting: String,
    /// A kind: `draft_decision`, `statement`, `agreement`, `protocol`, `action_plan`, `note`, `information`.
    #[serde(default)]
    kind: String,
    /// A status: `draft`, `withdrawn`, `adopted`, `not_adopted`, `signed`.
    #[serde(default)]
    status: String,
    /// An area of cooperation's slug, as the agenda items have it.
    #[serde(default)]
    area: String,
    /// A participant's code: the documents it initiated, is listed for, or signed.
    #[serde(default)]
    participant: String,
    /// The first day of the meetings (YYYY-MM-DD).
    #[serde(default)]
    from: String,
    /// The last day of the meetings (YYYY-MM-DD).
    #[serde(default)]
    until: String,
    /// The page, from 1.
    // Read as text by `RegisterQuery::page`, so that one that is no number is said on the
    // register's page beside what was searched, not on an error page.
    #[serde(default)]
    page: String,
}

impl RegisterQuery {
    /// The page asked for, the first if none.
    fn page(&self) -> Result<i64, AppError> {
        match self.page.trim() {
            "" => Ok(1),
            page => match page.parse::<i64>() {
                Ok(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
                Ok(_) => Err(AppError::field_with(
                    "page",
                    "out-of-range",
                    vec![("min", "1".to_string()), ("max", MAX_PAGE.to_string())],
                )),
                Err(_) => Err(AppError::field("page", "invalid-number")),
            },
        }
    }
}

/// Where the next page of a register query is, if there is one: `here` (the path and query asked)
/// with the page after.
fn next_page(here: &str, page: i64, total: i64) -> Option<String> {
    if total <= page * PAGE || page >= MAX_PAGE {
        return None;
    }
    let (path, query) = here.split_once('?').unwrap_or((here, ""));
    let mut next = form_urlencoded::Serializer::new(String::new());
    next.extend_pairs(form_urlencoded::parse(query.as_bytes()).filter(|(k, _)| k != "page"));
    next.append_pair("page", &(page + 1).to_string());
    Some(format!("{path}?{}", next.finish()))
}

/// The query as a store filter; every value it cannot use names its parameter, all at once.
async fn filter(state: &AppState, q: &RegisterQuery) -> Result<Filter, AppError> {
    let some = |s: &str| Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_string);
    let unknown = |field: &'static str| move |_| AppError::field(field, "unknown");
    let body = match some(&q.body) {
        Some(slug) => Some(store::bodies::by_slug(&state.store, &slug).await.map_err(unknown("body")).map(|b| b.id)),
        None => None,
    };
    let event = match some(&q.event) {
        Some(slug) => Some(store::events::by_slug(&state.store, &slug).await.map_err(unknown("event"))),
        None => None,
    };
    let meeting = match (some(&q.meeting), &event) {
        (Some(m), _) if m.parse::<Id>().is_ok() => m.parse().ok().map(Ok),
        // An event that is not known is said already: its meeting is looked for nowhere else.
        (Some(m), Some(Err(_))) if !m.contains('/') => None,
        // A meeting's slug is unique only within its event: say what is missing, not "unknown".
        (Some(m), None) if !m.contains('/') => Some(Err(AppError::field("meeting", "meeting-needs-event"))),
        (Some(m), event) => {
            let event = event.as_ref().and_then(|e| e.as_ref().ok());
            Some(named_meeting(meetings_at(state, &m, event).await?, &m).map(|m| m.id))
        }
        (None, _) => None,
    };
    let participant = match some(&q.participant) {
        Some(code) => Some(
            store::participants::by_code(&state.store, &code.to_ascii_uppercase())
                .await
                .map_err(unknown("participant"))
                .map(|p| p.id),
        ),
        None => None,
    };
    let date = |s: &str, field: &str| some(s).map(|d| d.parse().map_err(|_| AppError::field(field, "invalid-date")));
    let (from, until) = (date(&q.from, "from"), date(&q.until, "until"));
    let out_of_order = match (&from, &until) {
        (Some(Ok(from)), Some(Ok(until))) if until < from => Some(Err(AppError::field("until", "dates-out-of-order"))),
        _ => None::<Result<(), _>>,
    };
    // The areas added are read only for an area that is not a standard one.
    let area = match some(&q.area) {
        Some(area) if known_area(&area, &[]) => Some(Ok(area)),
        Some(area) if known_area(&area, &store::agenda::areas(&state.store).await?) => Some(Ok(area)),
        Some(_) => Some(Err(AppError::field("area", "invalid-choice"))),
        None => None,
    };
    let kind = some(&q.kind).map(|k| DocumentKind::parse(&k).ok_or_else(|| AppError::field("kind", "invalid-choice")));
    let status =
        some(&q.status).map(|s| DocumentStatus::parse(&s).ok_or_else(|| AppError::field("status", "invalid-choice")));
    let mut read = Gathered(Vec::new());
    let filter = Filter {
        body: read.given(body)?,
        event: read.given(event.map(|e| e.map(|e| e.id)))?,
        meeting: read.given(meeting)?,
        kind: read.given(kind)?,
        status: read.given(status)?,
        area: read.given(area)?,
        participant: read.given(participant)?,
        from: read.given(from)?,
        until: read.given(until)?,
        q: some(&q.q).map(|s| s.chars().take(200).collect()),
        ranked: RANKED,
        limit: PAGE,
        offset: 0,
    };
    read.given(out_of_order)?;
    let page = read.given(Some(q.page()))?;
    match page {
        Some(page) if read.0.is_empty() => Ok(Filter { offset: (page - 1) * PAGE, ..filter }),
        _ => Err(AppError::Invalid(domain::Invalid(read.0))),
    }
}

/// Searches kept by reach and filter until the data changes: the same words searched again (a page
/// reloaded, readers of the same reach looking for the same paper) cost no query.
pub(crate) type Searches = crate::snapshots::Snapshots<(DocumentReach, Filter), store::documents::Results>;

/// A page of the register as the reader may see it, and how many documents were found (and
/// whether more hold the words than were ranked).
async fn found(
    state: &AppState,
    ctx: &Ctx,
    query: &RegisterQuery,
    bodies: &[Body],
) -> Result<(Vec<Value>, i64, bool), AppError> {
    let reach = reach(state, ctx).await?;
    let filter = filter(state, query).await?;
    let participants = store::participants::list(&state.store).await?;
    let results = state
        .searches
        .current(&state.store, (reach.clone(), filter.clone()), false, || async {
            Ok(store::documents::search(&state.store, &reach, &filter).await?)
        })
        .await?;
    let meeting_ids: Vec<Id> = results.found.iter().filter_map(|f| f.document.meeting_id).collect();
    let meetings = store::events::meetings_by_ids(&state.store, &meeting_ids).await?;
    let rows = results
        .found
        .iter()
        .map(|f| {
            let meeting = meetings.iter().find(|m| Some(m.meeting.id) == f.document.meeting_id);
            let mut v = document_json(&f.document, &participants, bodies, meeting, ctx.lang, state);
            v["date"] = json!(f.date);
            v["date_shown"] = json!(f.date.map(|d| state.i18n.date(ctx.lang, d)));
            v["area"] = json!(f.area);
            v["snippet"] = json!(f.snippet);
            v
        })
        .collect();
    Ok((rows, results.total, results.more))
}

async fn register_page(
    State(state): State<AppState>,
    ctx: Ctx,
    QueryParams(query): QueryParams<RegisterQuery>,
) -> Result<Html<String>, AppError> {
    register(&state, &ctx, &query, json!({}), json!({})).await
}

/// The register; `form` and `errors` re-fill the form for a new document after a refusal.
async fn register(
    state: &AppState,
    ctx: &Ctx,
    query: &RegisterQuery,
    form: Value,
    form_errors: Value,
) -> Result<Html<String>, AppError> {
    let all_bodies = store::bodies::list(&state.store).await?;
    let (rows, errors) = match found(state, ctx, query, &all_bodies).await {
        Ok((rows, total, more)) => (json!({ "rows": rows, "total": total, "more": more }), json!({})),
        Err(AppError::Invalid(invalid)) => {
            (json!({ "rows": [], "total": 0, "more": false }), state.i18n.field_errors(ctx.lang, &invalid))
        }
        Err(e) => return Err(e),
    };
    let bodies = crate::bodies::choices(all_bodies.iter(), ctx.lang);
    let areas = crate::agenda::area_options(state, ctx.lang, &store::agenda::areas(&state.store).await?);
    let authorship = domain::policy::document_authorship(&ctx.actor);
    let classifications = authorship.classifications();
    let authorship = match authorship {
        Authorship::Any { bodies: kept } => {
            let bodies = crate::bodies::choices(
                all_bodies.iter().filter(|b| kept.as_ref().is_none_or(|k| k.contains(&b.id))),
                ctx.lang,
            );
            json!({ "any": true, "bodies": bodies, "classifications": classifications })
        }
        Authorship::Internal { participants, need_meeting } => {
            let own: Vec<Value> = store::participants::list(&state.store)
                .await?
                .iter()
                .filter(|p| participants.contains(&p.id))
                .map(|p| json!({ "code": p.code, "name": p.short_name.get(ctx.lang) }))
                .collect();
            json!({ "own": own, "need_meeting": need_meeting, "bodies": bodies })
        }
        Authorship::None => Value::Null,
    };
    let page = query.page().unwrap_or(1);
    let model = json!({
        "found": rows, "errors": errors, "query": {
            "q": query.q, "body": query.body, "event": query.event, "meeting": query.meeting, "kind": query.kind,
            "status": query.status, "area": query.area, "participant": query.participant, "from": query.from,
            "until": query.until, "page": page,
        },
        "bodies": bodies, "kinds": DocumentKind::ALL, "statuses": DocumentStatus::ALL,
        "areas": areas, "page_size": PAGE, "form": form, "form_errors": form_errors,
        "authorship": authorship,
    });
    render::page(state, ctx, "documents/register.html", model)
}

/// A new document from the register's form: the title in the reader's language, the text's
/// paragraphs separated by blank lines.
async fn create_form(State(state): State<AppState>, ctx: Ctx, form: Form) -> Result<Response, AppError> {
    let outcome = async {
        let kind = choice(&form, "kind", DocumentKind::parse)?;
        let classification = choice(&form, "classification", Classification::parse)?;
        let optional = |name: &str| Some(form.get(name).trim().to_string()).filter(|v| !v.is_empty());
        let agenda_item = match optional("agenda_item") {
            Some(n) => Some(n.parse().map_err(|_| AppError::field("agenda_item", "invalid-number"))?),
            None => None,
        };
        let agenda_format = match optional("agenda_format") {
            Some(f) => Some(
                serde_json::from_value(Value::String(f))
                    .map_err(|_| AppError::field("agenda_format", "invalid-choice"))?,
            ),
            None => None,
        };
        let fields = DocumentFields {
            body: form.get("body").to_string(),
            meeting: optional("meeting"),
            agenda_item,
            agenda_format,
            kind,
            register_number: form.get("register_number").to_string(),
            title: domain::Text::new(&[(form.get("language"), form.get("title"))]),
            original_language: form.get("language").to_string(),
            classification,
            readers: form.get("readers").split([',', ' ']).filter(|r| !r.is_empty()).map(str::to_string).collect(),
            initiator: optional("initiator"),
            paragraphs: paragraphs(form.get("text")),
        };
        create(&state, &ctx, fields).await.map(|d| format!("/documents/{}", d.id))
    }
    .await;
    let values = form.to_json();
    let query = RegisterQuery::default();
    render::form_outcome(&state, &ctx, outcome, |errors| register(&state, &ctx, &query, values, errors)).await
}

async fn api_list(
    State(state): State<AppState>,
    ctx: Ctx,
    QueryParams(query): QueryParams<RegisterQuery>,
) -> Result<Json<Value>, AppError> {
    let bodies = store::bodies::list(&state.store).await?;
    let (rows, total, more) = found(&state, &ctx, &query, &bodies).await?;
    let page = query.page()?;
    Ok(Json(json!({
        "documents": rows,
        "total": total,
        "more": more,
        "page": page,
        "page_size": PAGE,
        "next": next_page(&ctx.here, page, total),
    })))
}

// ---- One document ----

/// The place and date of a "done at" or "signed at" line.
fn done_at(
    state: &AppState,
    lang: &str,
    place: String,
    date: jiff::civil::Date,
) -> [(&'static str, fluent_bundle::FluentValue<'static>); 2] {
    [("place", place.into()), ("date", state.i18n.date_on(lang, date).into())]
}

/// `/documents/{id}` is the page, `/documents/{id}.pdf` the PDF.
async fn show_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(document): Path<String>,
    QueryParams(pdf_query): QueryParams<PdfQuery>,
) -> Result<Response, AppError> {
    if let Some(id) = document.strip_suffix(".pdf") {
        let id = id.parse().map_err(|_| AppError::NotFound)?;
        return pdf(&state, &ctx, id, pdf_query).await;
    }
    let id = document.parse().map_err(|_| AppError::NotFound)?;
    Ok(show(&state, &ctx, id, json!({}), json!({})).await?.into_response())
}

async fn show(state: &AppState, ctx: &Ctx, id: Id, form: Value, errors: Value) -> Result<Html<String>, AppError> {
    let d = Dossier::load(state, ctx, id).await?;
    let lang = ctx.lang;
    let mut model = d.json(state, lang);
    let latest = d.latest(None).map(|v| v.number).unwrap_or(0);
    let languages: Vec<&str> = {
        let mut l: Vec<&str> = d.versions.iter().map(|v| v.language.as_str()).collect();
        l.sort_unstable();
        l.dedup();
        l
    };
    // Amendments name the paragraphs of the latest version, so a translation is shown only when it
    // is of that version; an older one would number other paragraphs than the form sends.
    let shown_lang = if d.version(latest, lang).is_some() { lang } else { d.doc.original_language.as_str() };
    let shown = d.latest(Some(shown_lang)).map(|v| v.number);
    let translation_behind = d.latest(Some(lang)).filter(|_| shown_lang != lang).map(|v| v.number);
    let own: Vec<Value> =
        d.own(ctx).iter().map(|p| json!({ "code": p.code, "name": p.short_name.get(lang) })).collect();
    let manages = d.manages(ctx);
    let members: Vec<Value> =
        d.members.iter().map(|p| json!({ "code": p.code, "name": p.short_name.get(lang) })).collect();
    let translatable: Vec<&str> = crate::i18n::LANGUAGES
        .into_iter()
        .filter(|l| *l != d.doc.original_language && d.version(latest, l).is_none())
        .collect();
    model["latest"] = json!(latest);
    model["translatable"] = json!(translatable);
    model["paragraph_count"] = json!(d.latest(None).map_or(0, |v| v.paragraphs.len()));
    model["shown"] = json!({ "language": shown_lang, "number": shown, "translation_behind": translation_behind });
    model["languages"] = json!(languages);
    model["own"] = json!(own);
    model["manages"] = json!(manages);
    model["keeps"] = json!(authorize(&ctx.actor, d.keeper()).is_ok());
    model["members"] = json!(members);
    // The bodies a decision may be forwarded to, for the adoption form: every other.
    if manages {
        let bodies = store::bodies::list(&state.store).await?;
        model["other_bodies"] = json!(crate::bodies::choices(bodies.iter().filter(|b| b.id != d.body.id), lang));
    }
    model["stances_all"] = json!(Stance::ALL);
    model["open"] = json!(d.doc.status.is_open());
    model["decided"] = json!(d.doc.goes_to_decision());
    model["may_sign"] = json!(matches!(d.doc.status, DocumentStatus::Adopted | DocumentStatus::Signed));
    model["new_amendment"] = json!(new_id());
    let read: serde_json::Map<String, Value> =
        d.stances.iter().map(|s| (d.code(s.participant), json!({ "stance": s.stance, "at": s.at }))).collect();
    model["stances_read"] = Value::Object(read);
    model["form"] = form;
    model["errors"] = errors;
    render::page(state, ctx, "documents/show.html", model)
}

async fn api_show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Id>) -> Result<Json<Value>, AppError> {
    let d = Dossier::load(&state, &ctx, id).await?;
    Ok(Json(d.json(&state, ctx.lang)))
}

// ---- Creating a document ----

async fn create(state: &AppState, ctx: &Ctx, fields: DocumentFields) -> Result<Document, AppError> {
    let body = store::bodies::by_slug(&state.store, fields.body.trim())
        .await
        .map_err(|_| AppError::field("body", "unknown"))?;
    if ctx.actor.user.is_none() {
        return Err(AppError::Unauthorized);
    }
    let participants = store::participants::list(&state.store).await?;
    // Readers not all known are left to the checks below, which name them.
    let readers: Option<Vec<Id>> =
        fields.readers.iter().map(|code| domain::participants::by_code(&participants, code).map(|p| p.id)).collect();
    if let Some(readers) = readers
        && !domain::policy::may_author(&ctx.actor, body.id, fields.classification, &readers)
    {
        return Err(AppError::Forbidden("not the author of such a document"));
    }
    let fields = fields.validate()?;
    let sitting = match &fields.meeting {
        Some(m) => Some(meeting_of(state, body.id, m).await?),
        None => None,
    };
    let meeting = sitting.as_ref().map(|m| m.id);
    let agenda = match meeting {
        Some(m) => store::agenda::items_of_meeting(&state.store, m).await?,
        None => Vec::new(),
    };
    let names = Names { body: body.id, meeting, agenda: &agenda, participants: &participants };
    let (document, first) = fields.into_document(&names, username(ctx), jiff::Timestamp::now())?;
    authorize(&ctx.actor, domain::policy::document_keeper(&document, sitting.as_ref().map(|m| m.event_id))).map_err(
        |denied| match domain::policy::document_authorship(&ctx.actor) {
            // An officer's paper is for a meeting at its event: say so rather than forbid it.
            Authorship::Internal { participants, need_meeting: true }
                if sitting.is_none()
                    && document.classification == Classification::Internal
                    && document.readers.iter().all(|r| participants.contains(r)) =>
            {
                AppError::field("meeting", "meeting-for-internal-paper")
            }
            _ => denied.into(),
        },
    )?;
    let mut tx = state.store.begin().await?;
    let document = store::documents::create(&mut tx, &ctx.actor, document, first).await?;
    tx.commit().await?;
    Ok(document)
}

/// The meetings of the event a meeting's reference names ("almaty-2025/cis-cfm"); for a bare slug,
/// those of `event`, if any.
async fn meetings_at(
    state: &AppState,
    reference: &str,
    event: Option<&domain::events::Event>,
) -> Result<Vec<MeetingInEvent>, AppError> {
    let event = match reference.split_once('/') {
        Some((slug, _)) => store::events::by_slug(&state.store, slug).await.ok(),
        None => event.cloned(),
    };
    Ok(match event {
        Some(event) => store::events::meetings_of_event(&state.store, event.id).await?,
        None => Vec::new(),
    })
}

/// The meeting of `body` that `reference` names; a meeting of another body is named as such rather
/// than as none at all.
async fn meeting_of(state: &AppState, body: Id, reference: &str) -> Result<domain::events::Meeting, AppError> {
    let unknown = match named_meeting(store::events::meetings_of_body(&state.store, body).await?, reference) {
        Ok(meeting) => return Ok(meeting),
        Err(unknown) => unknown,
    };
    let elsewhere = named_meeting(meetings_at(state, reference, None).await?, reference).is_ok();
    // A slug alone names a meeting only among one event's: say what is missing, not "unknown".
    let slug_alone = !reference.contains('/') && reference.parse::<Id>().is_err();
    Err(match (elsewhere, slug_alone) {
        (true, _) => AppError::field("meeting", "meeting-of-another-body"),
        (false, true) => AppError::field("meeting", "meeting-needs-event"),
        (false, false) => unknown,
    })
}

/// The meeting among `meetings` that `reference` names: by id, as "event/meeting", or by its slug
/// when the meetings are one event's.
fn named_meeting(meetings: Vec<MeetingInEvent>, reference: &str) -> Result<domain::events::Meeting, AppError> {
    let one_event = meetings.windows(2).all(|w| w[0].meeting.event_id == w[1].meeting.event_id);
    meetings
        .into_iter()
        .find(|x| {
            x.meeting.id.to_string() == reference
                || format!("{}/{}", x.event_slug, x.meeting.slug) == reference
                || (one_event && x.meeting.slug == reference)
        })
        .map(|x| x.meeting)
        .ok_or_else(|| AppError::field("meeting", "unknown"))
}

fn username(ctx: &Ctx) -> String {
    ctx.actor.user.as_ref().map_or_else(|| "system".to_string(), |u| u.username.clone())
}

async fn api_create(
    State(state): State<AppState>,
    ctx: Ctx,
    JsonBody(fields): JsonBody<DocumentFields>,
) -> Result<Response, AppError> {
    let document = create(&state, &ctx, fields).await?;
    let d = Dossier::load(&state, &ctx, document.id).await?;
    Ok((StatusCode::CREATED, Json(d.json(&state, ctx.lang))).into_response())
}

// ---- Negotiation ----

/// Proposes an amendment, or finds the one the same proposal (the same id, proposer and change)
/// already made: the form sent twice, even at once, proposes once.
async fn amend(state: &AppState, ctx: &Ctx, d: &Dossier, input: AmendmentInput) -> Result<Made<Amendment>, AppError> {
    let proposer = d.member(&input.participant)?.id;
    d.may_act_for(ctx, proposer)?;
    if let Some(made) = input.id.and_then(|id| d.amendments.iter().find(|a| a.id == id)) {
        return again(made, proposer, input);
    }
    if !d.doc.status.is_open() {
        return Err(AppError::refused("document-closed-to-amendments"));
    }
    let latest = d.original()?;
    if input.read_before(latest) {
        return Err(AppError::refused_with("amended-version-outdated", vec![("value", latest.number.to_string())]));
    }
    let input = input.validate(latest)?;
    let amendment = Amendment {
        id: input.id.unwrap_or_else(new_id),
        document_id: d.doc.id,
        version: input.version,
        paragraph: input.paragraph,
        operation: input.operation,
        target: domain::documents::target_text(latest, input.operation, input.paragraph),
        text: input.text.clone(),
        justification: input.justification.clone(),
        proposer,
        status: AmendmentStatus::Pending,
        responses: Vec::new(),
        created_at: jiff::Timestamp::now(),
        row_version: 1,
    };
    let mut tx = state.store.begin().await?;
    store::documents::hold_open(&mut tx, d.doc.id, Some(amendment.version)).await?;
    match store::documents::propose(&mut tx, &ctx.actor, amendment).await {
        Ok(amendment) => {
            tx.commit().await?;
            Ok(Made::New(amendment))
        }
        // Sent twice at once: the other request, which held the document first, made it.
        Err(store::StoreError::Duplicate { .. }) if input.id.is_some() => {
            drop(tx);
            let made = store::documents::amendments(&state.store, d.doc.id).await?;
            match made.iter().find(|a| Some(a.id) == input.id) {
                Some(made) => again(made, proposer, input),
                None => Err(AppError::field("id", "sent-before")),
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// The amendment an id already names, if the proposal is the same one sent again; another
/// proposal may not take its id.
fn again(made: &Amendment, proposer: Id, input: AmendmentInput) -> Result<Made<Amendment>, AppError> {
    match made.proposed_again(proposer, &input) {
        true => Ok(Made::Again(made.clone())),
        false => Err(AppError::field("id", "sent-before")),
    }
}

#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResponseInput {
    participant: String,
    position: Position,
    /// Required with `comments`.
    #[serde(default)]
    comment: String,
}

async fn respond(
    state: &AppState,
    ctx: &Ctx,
    d: &Dossier,
    amendment: Id,
    input: ResponseInput,
) -> Result<Made<()>, AppError> {
    let a = d.amendments.iter().find(|a| a.id == amendment).ok_or(AppError::NotFound)?;
    let participant = d.member(&input.participant)?.id;
    d.may_act_for(ctx, participant)?;
    if !d.doc.status.is_open() {
        return Err(AppError::refused("document-closed-to-responses"));
    }
    if a.status != AmendmentStatus::Pending {
        return Err(AppError::refused("amendment-not-pending"));
    }
    let response = domain::documents::response(a, participant, input.position, &input.comment, jiff::Timestamp::now())?;
    let mut tx = state.store.begin().await?;
    // A response is a step of the negotiation: a consolidation decided without it conflicts, and
    // one that decided the amendment first leaves it to answer no more. Holding the document also
    // makes the same response sent twice at once wait here, and find the first.
    store::documents::hold_open(&mut tx, d.doc.id, None).await?;
    if response.repeats(store::documents::last_response(&mut tx, a.id, participant).await?.as_ref()) {
        return Ok(Made::Again(()));
    }
    store::documents::respond(&mut tx, &ctx.actor, a.id, response).await?;
    tx.commit().await?;
    Ok(Made::New(()))
}

/// A new version: the secretariat consolidates accepted amendments (and rejects others) into the
/// next version of the original, or records a translation of the latest one.
#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct VersionInput {
    /// The document's version as the secretariat read it: a second edit of the same one conflicts.
    version: i64,
    #[serde(default)]
    accept: Vec<Id>,
    #[serde(default)]
    reject: Vec<Id>,
    #[serde(default)]
    note: String,
    /// A translation: its language and paragraphs.
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    paragraphs: Vec<String>,
    /// A translation's title in its language; the title stays as it is when absent.
    #[serde(default)]
    title: String,
    /// A formal correction of the adopted text: the corrected paragraphs, and the reason as `note`.
    #[serde(default)]
    correction: bool,
}

/// What the secretariat's edit of the text made: a new version, or, when it only turned
/// amendments down, none.
enum Edit {
    Version(Version),
    Rejected(Vec<Id>),
}

fn unconsolidable(e: Unconsolidable) -> AppError {
    match e {
        Unconsolidable::NotPending(_) => AppError::field("accept", "not-pending"),
        Unconsolidable::SameParagraph(_, _, paragraph) => {
            AppError::refused_with("amendments-same-paragraph", vec![("paragraph", paragraph.to_string())])
        }
    }
}

async fn new_version(state: &AppState, ctx: &Ctx, d: &Dossier, input: VersionInput) -> Result<Edit, AppError> {
    authorize(&ctx.actor, d.keeper())?;
    if d.doc.version != input.version {
        return Err(AppError::Conflict { entity: "document", current: d.doc.version });
    }
    let base = d.original()?;
    let note = domain::documents::version_note(&input.note)?;
    let now = jiff::Timestamp::now();
    let language = input.language.as_deref().map(str::trim).filter(|l| !l.is_empty());
    // Paragraphs in a language are a translation; in the original's, `translation` refuses them,
    // as the version has that language already. The original's language alone names a
    // consolidation or a correction.
    let translating =
        language.filter(|l| *l != d.doc.original_language || (!input.paragraphs.is_empty() && !input.correction));
    domain::documents::EditGiven {
        translation: translating.is_some(),
        correction: input.correction,
        accepts: !input.accept.is_empty(),
        rejects: !input.reject.is_empty(),
        paragraphs: !input.paragraphs.is_empty(),
        title: !input.title.trim().is_empty(),
    }
    .check()?;
    let translation = match translating {
        Some(language) => {
            let translated: Vec<&str> =
                d.versions.iter().filter(|v| v.number == base.number).map(|v| v.language.as_str()).collect();
            let paragraphs = input.paragraphs.clone();
            let translation =
                domain::documents::translation(base, language, &translated, paragraphs, username(ctx), now)?;
            Some(Version { note: note.clone(), ..translation })
        }
        None => None,
    };
    let after = match translating {
        Some(language) if !input.title.trim().is_empty() => {
            domain::documents::with_title(&d.doc, language, &input.title)?
        }
        _ => d.doc.clone(),
    };
    let mut tx = state.store.begin().await?;
    // The document's own version moves with every new version, so two edits of one version conflict.
    store::documents::replace(&mut tx, &ctx.actor, &d.doc, after).await?;
    let version = match translation {
        Some(translation) => store::documents::add_version(&mut tx, &ctx.actor, &d.doc, translation).await?,
        None if input.correction => {
            let corrected = domain::documents::correction(&d.doc, base, input.paragraphs, &note, username(ctx), now)?;
            store::documents::add_version(&mut tx, &ctx.actor, &d.doc, corrected).await?
        }
        None => {
            if !d.doc.status.is_open() {
                return Err(AppError::refused("adopted-text-frozen"));
            }
            if input.accept.is_empty() && input.reject.is_empty() {
                return Err(AppError::field("accept", "no-amendment-chosen"));
            }
            if input.accept.iter().any(|a| input.reject.contains(a)) {
                return Err(AppError::field("reject", "accepted-and-rejected"));
            }
            if input.accept.is_empty() {
                // Rejections alone make no version, so a version's note would be kept nowhere.
                if !note.is_empty() {
                    return Err(AppError::field("note", "note-without-version"));
                }
                let changed =
                    domain::documents::rejection(base, &d.amendments, &input.reject).map_err(unconsolidable)?;
                for (before, after) in changed {
                    store::documents::replace_amendment(&mut tx, &ctx.actor, &before, after).await?;
                }
                tx.commit().await?;
                return Ok(Edit::Rejected(input.reject));
            }
            let (next, changed) = domain::documents::consolidation(
                base,
                &d.amendments,
                &input.accept,
                &input.reject,
                note,
                username(ctx),
                now,
            )
            .map_err(unconsolidable)?;
            let next = store::documents::add_version(&mut tx, &ctx.actor, &d.doc, next).await?;
            for (before, after) in changed {
                store::documents::replace_amendment(&mut tx, &ctx.actor, &before, after).await?;
            }
            next
        }
    };
    tx.commit().await?;
    Ok(Edit::Version(version))
}

// ---- Stances, the decision and signatures ----

fn undecidable(why: Undecidable) -> AppError {
    match why {
        Undecidable::Internal => AppError::refused("internal-paper-undecided"),
        Undecidable::Taken => AppError::refused("decision-taken"),
    }
}

/// Records a member's stance and returns the outcome the body's rule gives the stances with it.
async fn stance(state: &AppState, ctx: &Ctx, d: &Dossier, input: StanceInput) -> Result<Outcome, AppError> {
    let member = d.member(&input.participant)?;
    let participant = member.id;
    d.may_act_for(ctx, participant)?;
    d.doc.open_to_decision().map_err(undecidable)?;
    let input = input.validate()?;
    let mut tx = state.store.begin().await?;
    store::documents::hold_open(&mut tx, d.doc.id, None).await?;
    // A stance stated over one the writer did not see (the member's own, or the secretariat's
    // record of it, made meanwhile) is refused rather than written over it.
    let on_record = store::documents::stance_of(&mut tx, d.doc.id, participant).await?;
    if input.repeats(on_record.as_ref()) {
        return Ok(decisions::outcome(d.body.decision_rule, &d.member_ids(), &d.stances));
    }
    input.check_read(on_record.as_ref())?;
    if input.writes_over_unseen(on_record.as_ref()) {
        let name = member.short_name.get(ctx.lang).to_string();
        return Err(AppError::refused_with("stance-changed", vec![("participant", name)]));
    }
    let record = StanceRecord { participant, stance: input.stance, text: input.text, at: jiff::Timestamp::now() };
    let mut stances: Vec<StanceRecord> = d.stances.iter().filter(|s| s.participant != participant).cloned().collect();
    stances.push(record.clone());
    store::documents::state_stance(&mut tx, &ctx.actor, d.doc.id, record).await?;
    tx.commit().await?;
    Ok(decisions::outcome(d.body.decision_rule, &d.member_ids(), &stances))
}

#[derive(schemars::JsonSchema, Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum DecisionAction {
    /// Adopted (the text frozen), where the body's rule adopts it as the stances stand.
    Adopt,
    /// Not adopted, where the body's rule does not adopt it as the stances stand (an objection
    /// blocks consensus, a majority is missed). Said apart from `Adopt`, so that a reader who saw
    /// the document adoptable is refused, not recorded as failing, once a stance changes.
    NotAdopted,
    Withdraw,
}

#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "DocumentDecisionInput")]
struct DecisionInput {
    version: i64,
    action: DecisionAction,
    /// The slug of the body the adopted document goes on to.
    #[serde(default)]
    forwarded_to: Option<String>,
}

async fn decide(
    state: &AppState,
    ctx: &Ctx,
    d: &Dossier,
    input: DecisionInput,
) -> Result<(Document, Outcome), AppError> {
    authorize(&ctx.actor, Action::ManageDocuments { body: d.body.id })?;
    if d.doc.version != input.version {
        return Err(AppError::Conflict { entity: "document", current: d.doc.version });
    }
    d.doc.open_to_decision().map_err(undecidable)?;
    let forwarded_to = match input.forwarded_to.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(slug) => Some(
            store::bodies::by_slug(&state.store, slug)
                .await
                .map_err(|_| AppError::field("forwarded_to", "unknown"))?
                .id,
        ),
        None => None,
    };
    let forwarded_to = domain::bodies::forwarded_to(forwarded_to, d.body.id)?;
    let outcome = d.outcome();
    let after = match input.action {
        DecisionAction::Withdraw => Document { status: DocumentStatus::Withdrawn, ..d.doc.clone() },
        action => {
            let adopt = matches!(action, DecisionAction::Adopt);
            outcome.confirms(adopt).map_err(|unruled| {
                AppError::refused(match unruled {
                    decisions::Unruled::NobodyJoined => "no-member-joined",
                    decisions::Unruled::NotAdopted => "not-adopted-by-rule",
                    decisions::Unruled::Adopted => "adopted-by-rule",
                })
            })?;
            match adopt {
                true => d.doc.clone().adopted(d.original()?, forwarded_to, jiff::Timestamp::now()),
                false => Document { status: DocumentStatus::NotAdopted, ..d.doc.clone() },
            }
        }
    };
    let mut tx = state.store.begin().await?;
    let after = store::documents::replace(&mut tx, &ctx.actor, &d.doc, after).await?;
    tx.commit().await?;
    Ok((after, outcome))
}

async fn sign(state: &AppState, ctx: &Ctx, d: &Dossier, input: SignatureInput) -> Result<Made<()>, AppError> {
    authorize(&ctx.actor, Action::ManageDocuments { body: d.body.id })?;
    let participant = d.member(&input.participant)?.id;
    if !matches!(d.doc.status, DocumentStatus::Adopted | DocumentStatus::Signed) {
        return Err(AppError::refused("only-adopted-signed"));
    }
    let not_before = match &d.meeting {
        Some(m) => m.meeting.date.in_tz(d.time_zone()).ok().map(|day| day.timestamp()),
        None => None,
    };
    let languages: Vec<String> = d.versions.iter().map(|v| v.language.clone()).collect();
    let frame = decisions::SigningFrame {
        on_record: &d.signatures,
        stances: &d.stances,
        not_before,
        now: jiff::Timestamp::now(),
        languages: &languages,
        original_language: &d.doc.original_language,
    };
    let signing = decisions::signing(&frame, participant, input.validate()?)?;
    if matches!(signing, decisions::Signing::Again) {
        return Ok(Made::Again(()));
    }
    let mut tx = state.store.begin().await?;
    store::documents::sign(&mut tx, &ctx.actor, d.doc.id, signing).await?;
    if d.doc.status == DocumentStatus::Adopted {
        store::documents::replace(
            &mut tx,
            &ctx.actor,
            &d.doc,
            Document { status: DocumentStatus::Signed, ..d.doc.clone() },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Made::New(()))
}

// ---- API writes ----

async fn api_amend(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    JsonBody(input): JsonBody<AmendmentInput>,
) -> Result<Response, AppError> {
    let d = Dossier::load(&state, &ctx, id).await?;
    let (status, a) = amend(&state, &ctx, &d, input).await?.answer();
    Ok((status, Json(json!({ "amendment": d.amendment_json(&a, ctx.lang) }))).into_response())
}

async fn api_respond(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, amendment)): Path<(Id, Id)>,
    JsonBody(input): JsonBody<ResponseInput>,
) -> Result<Response, AppError> {
    let d = Dossier::load(&state, &ctx, id).await?;
    let (status, ()) = respond(&state, &ctx, &d, amendment, input).await?.answer();
    // Answered with the amendment as it now stands, as a proposal is.
    let d = Dossier::load(&state, &ctx, id).await?;
    let a = d.amendments.iter().find(|a| a.id == amendment).ok_or(AppError::NotFound)?;
    Ok((status, Json(json!({ "amendment": d.amendment_json(a, ctx.lang) }))).into_response())
}

async fn api_version(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    JsonBody(input): JsonBody<VersionInput>,
) -> Result<Response, AppError> {
    let d = Dossier::load(&state, &ctx, id).await?;
    Ok(match new_version(&state, &ctx, &d, input).await? {
        Edit::Version(v) => {
            (StatusCode::CREATED, Json(json!({ "number": v.number, "language": v.language, "sha256": v.sha256 })))
                .into_response()
        }
        Edit::Rejected(ids) => Json(json!({ "rejected": ids })).into_response(),
    })
}

async fn api_stance(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    JsonBody(input): JsonBody<StanceInput>,
) -> Result<Json<Value>, AppError> {
    let d = Dossier::load(&state, &ctx, id).await?;
    let outcome = stance(&state, &ctx, &d, input).await?;
    Ok(Json(json!({ "outcome": d.outcome_json(&outcome) })))
}

async fn api_decision(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    JsonBody(input): JsonBody<DecisionInput>,
) -> Result<Json<Value>, AppError> {
    let d = Dossier::load(&state, &ctx, id).await?;
    let (doc, outcome) = decide(&state, &ctx, &d, input).await?;
    let outcome = d.outcome_json(&outcome);
    Ok(Json(json!({ "status": doc.status, "outcome": outcome, "frozen": doc.frozen, "version": doc.version })))
}

async fn api_signature(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    JsonBody(input): JsonBody<SignatureInput>,
) -> Result<Response, AppError> {
    let d = Dossier::load(&state, &ctx, id).await?;
    let (status, ()) = sign(&state, &ctx, &d, input).await?.answer();
    // The document as it now stands, with its signature block, as `GET` answers it.
    let signed = Dossier::load(&state, &ctx, id).await?;
    Ok((status, Json(signed.json(&state, ctx.lang))).into_response())
}

// ---- Forms ----

/// Back to the document after a form; a refused form shows the page with each error by its field.
async fn after_form(
    state: &AppState,
    ctx: &Ctx,
    id: Id,
    form: &Form,
    outcome: Result<(), AppError>,
) -> Result<Response, AppError> {
    let outcome = outcome.map(|()| format!("/documents/{id}"));
    let values = form.to_json();
    render::form_outcome(state, ctx, outcome, |errors| show(state, ctx, id, values, errors)).await
}

/// A form's text area as paragraphs: they are separated by a blank line.
fn paragraphs(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n").split("\n\n").map(str::to_string).collect()
}

fn choice<T>(form: &Form, field: &str, parse: fn(&str) -> Option<T>) -> Result<T, AppError> {
    parse(form.get(field)).ok_or_else(|| AppError::field(field, "invalid-choice"))
}

async fn amend_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    form: Form,
) -> Result<Response, AppError> {
    let d = Dossier::load(&state, &ctx, id).await?;
    let outcome = async {
        let mut input = AmendmentInput {
            id: form.ids("id")?.first().copied(),
            participant: form.get("participant").to_string(),
            version: form.number("version")?,
            paragraph: form.number("paragraph")?,
            operation: choice(&form, "operation", Operation::parse)?,
            text: form.get("text").to_string(),
            justification: form.get("justification").to_string(),
        };
        // The page sent again after it was read anew (the browser's Back, then send) carries a
        // new id: the same proposal, pending, takes the id of the one it made, and is found again
        // as any proposal sent twice. (Through the API the id a client chose names its amendment.)
        let proposer = d.member(&input.participant).map(|m| m.id);
        if let Some(twin) = proposer.ok().and_then(|p| domain::documents::pending_twin(&d.amendments, p, &input)) {
            input.id = Some(twin.id);
        }
        amend(&state, &ctx, &d, input).await.map(|_| ())
    }
    .await;
    after_form(&state, &ctx, id, &form, outcome).await
}

async fn respond_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, amendment)): Path<(Id, Id)>,
    form: Form,
) -> Result<Response, AppError> {
    let d = Dossier::load(&state, &ctx, id).await?;
    let outcome = async {
        let input = ResponseInput {
            participant: form.get("participant").to_string(),
            position: choice(&form, "position", Position::parse)?,
            comment: form.get("comment").to_string(),
        };
        respond(&state, &ctx, &d, amendment, input).await.map(|_| ())
    }
    .await;
    after_form(&state, &ctx, id, &form, outcome).await
}

async fn version_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    form: Form,
) -> Result<Response, AppError> {
    let d = Dossier::load(&state, &ctx, id).await?;
    let outcome = async {
        let mut accept = Vec::new();
        let mut reject = Vec::new();
        for a in &d.amendments {
            match form.get(&format!("decision-{}", a.id)) {
                "accept" => accept.push(a.id),
                "reject" => reject.push(a.id),
                _ => {}
            }
        }
        // The translation form names a language; the consolidation form does not.
        let language = Some(form.get("language").trim().to_string()).filter(|l| !l.is_empty());
        let input = VersionInput {
            version: form.number("version")?,
            accept,
            reject,
            note: form.get("note").to_string(),
            paragraphs: language.as_ref().map(|_| paragraphs(form.get("translation"))).unwrap_or_default(),
            title: form.get("translation_title").to_string(),
            language,
            correction: false,
        };
        new_version(&state, &ctx, &d, input).await.map(|_| ())
    }
    .await;
    after_form(&state, &ctx, id, &form, outcome).await
}

async fn stance_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    form: Form,
) -> Result<Response, AppError> {
    let d = Dossier::load(&state, &ctx, id).await?;
    let outcome = async {
        let participant = form.get("participant").to_string();
        // The page sends, for each member it offers, the stance it showed and when it was stated.
        let code = participant.trim().to_ascii_uppercase();
        let replaces = Some(form.get(&format!("read-{code}")).to_string()).filter(|r| !r.is_empty());
        let replaces_stated_at = match form.get(&format!("read-at-{code}")).trim() {
            "" => None,
            at => Some(at.parse().map_err(|_| AppError::field("replaces_stated_at", "invalid-date-time"))?),
        };
        let input = StanceInput {
            stance: choice(&form, "stance", Stance::parse)?,
            text: form.get("text").to_string(),
            participant,
            replaces,
            replaces_stated_at,
        };
        stance(&state, &ctx, &d, input).await.map(|_| ())
    }
    .await;
    after_form(&state, &ctx, id, &form, outcome).await
}

async fn decision_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    form: Form,
) -> Result<Response, AppError> {
    let d = Dossier::load(&state, &ctx, id).await?;
    let outcome = async {
        let action = match form.get("action") {
            "adopt" => DecisionAction::Adopt,
            "not_adopted" => DecisionAction::NotAdopted,
            "withdraw" => DecisionAction::Withdraw,
            _ => return Err(AppError::field("action", "invalid-choice")),
        };
        let forwarded_to = Some(form.get("forwarded_to").to_string());
        decide(&state, &ctx, &d, DecisionInput { version: form.number("version")?, action, forwarded_to })
            .await
            .map(|_| ())
    }
    .await;
    after_form(&state, &ctx, id, &form, outcome).await
}

async fn signature_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    form: Form,
) -> Result<Response, AppError> {
    let d = Dossier::load(&state, &ctx, id).await?;
    let outcome = async {
        // The form's local time is the event's; without a meeting, UTC.
        let signed_at = crate::input::local_instant(&form, "signed_at", d.time_zone(), "invalid-date-time")?;
        // Name, position and place in each language the form offers: the signature block is
        // printed in each, and one entered only in the secretariat's language would show in that
        // language in the others' (a Russian original signed "Minister of Foreign Affairs").
        let input = SignatureInput {
            participant: form.get("participant").to_string(),
            person: SignerName::Languages(form.text("person")),
            position: form.text("position"),
            signed_at,
            place: form.text("place"),
            correction: form.get("correction").to_string(),
        };
        sign(&state, &ctx, &d, input).await.map(|_| ())
    }
    .await;
    after_form(&state, &ctx, id, &form, outcome).await
}

// ---- Track changes ----

/// Which versions to compare, as given: numbers are read here, so that the page can say which
/// one is wrong beside its choice.
#[derive(schemars::JsonSchema, Debug, Default, Deserialize)]
struct ChangesQuery {
    /// The earlier version's number; the one before `to` without it.
    from: Option<String>,
    /// The later version's number; the latest without it.
    to: Option<String>,
    /// The language of the texts compared; the original's without it.
    lang: Option<String>,
}

impl ChangesQuery {
    fn language(&self, d: &Dossier) -> String {
        let given = self.lang.as_deref().map(str::trim).filter(|l| !l.is_empty());
        given.map_or_else(|| d.doc.original_language.clone(), str::to_string)
    }

    fn number(given: &Option<String>, field: &str) -> Result<Option<u32>, AppError> {
        let given = given.as_deref().map(str::trim).filter(|n| !n.is_empty());
        given.map(|n| n.parse().map_err(|_| AppError::field(field, "invalid-value"))).transpose()
    }
}

fn compared(state: &AppState, d: &Dossier, query: &ChangesQuery, lang: &str) -> Result<Value, AppError> {
    let language = query.language(d);
    let no_text = |asked: (&str, Option<u32>)| d.no_text(state, lang, asked, &language);
    let (from, to) = (ChangesQuery::number(&query.from, "from")?, ChangesQuery::number(&query.to, "to")?);
    let latest = d.latest(Some(&language)).ok_or_else(|| no_text(("to", None)))?.number;
    let to = to.unwrap_or(latest);
    // Without a `from`: the version before `to` in that language (a translation may skip some).
    let from = from.unwrap_or_else(|| numbers(d, &language).into_iter().filter(|&n| n < to).max().unwrap_or(to));
    let old = d.version(from, &language).ok_or_else(|| no_text(("from", Some(from))))?;
    let new = d.version(to, &language).ok_or_else(|| no_text(("to", Some(to))))?;
    // The versions between, for who made each change: a translation may skip some.
    let (low, high) = (from.min(to), from.max(to));
    let mut between: Vec<&Version> =
        d.versions.iter().filter(|v| v.language == language && v.number > low && v.number < high).collect();
    between.sort_by_key(|v| v.number);
    let originals: Vec<&Version> = d.versions.iter().filter(|v| v.language == d.doc.original_language).collect();
    let paragraphs: Vec<Value> = changes::compare(old, &between, new, &originals, &d.amendments)
        .into_iter()
        .map(|c| {
            let credit = |by: &changes::Credit| {
                let (kind, amendment) = match by {
                    changes::Credit::Amendment(id) => ("amendment", d.amendments.iter().find(|a| a.id == *id)),
                    changes::Credit::Secretariat => ("secretariat", None),
                };
                json!({ "kind": kind, "amendment": amendment.map(|a| a.id), "by": amendment.map(|a| d.code(a.proposer)),
                    "by_name": amendment.map(|a| d.name(a.proposer, lang)) })
            };
            let segments: Vec<Value> = c
                .segments
                .iter()
                .map(|s| json!({ "tag": s.tag, "text": s.text, "credit": s.by.as_ref().map(credit) }))
                .collect();
            json!({ "old": c.old, "new": c.new, "unchanged": c.is_unchanged(), "segments": segments,
                "credits": c.credits().iter().map(credit).collect::<Vec<_>>() })
        })
        .collect();
    let changed = paragraphs.iter().filter(|p| p["unchanged"] == json!(false)).count();
    Ok(json!({ "from": from, "to": to, "language": language, "changed": changed, "paragraphs": paragraphs,
        "numbers": numbers(d, &language) }))
}

/// The version numbers a document has in `language`; in its original language when it has none
/// there.
fn numbers(d: &Dossier, language: &str) -> Vec<u32> {
    let of = |l: &str| d.versions.iter().filter(|v| v.language == l).map(|v| v.number).collect::<Vec<_>>();
    let numbers = of(language);
    if numbers.is_empty() { of(&d.doc.original_language) } else { numbers }
}

/// The comparison asked for; a version the document does not have is said beside its choice,
/// with the versions it has to choose from.
async fn changes_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    QueryParams(query): QueryParams<ChangesQuery>,
) -> Result<Response, AppError> {
    let d = Dossier::load(&state, &ctx, id).await?;
    let (status, changes, errors) = match compared(&state, &d, &query, ctx.lang) {
        Ok(changes) => (StatusCode::OK, changes, json!({})),
        Err(AppError::Invalid(invalid)) => {
            // The choices as asked where they can stand; a language the document lacks gives way
            // to the original's, so that the form can be sent again.
            let asked = query.language(&d);
            let language =
                if d.versions.iter().any(|v| v.language == asked) { asked } else { d.doc.original_language.clone() };
            let number = |given| ChangesQuery::number(given, "").ok().flatten();
            let asked = json!({ "language": language, "numbers": numbers(&d, &language), "paragraphs": [],
                "from": number(&query.from), "to": number(&query.to), "failed": true });
            (StatusCode::UNPROCESSABLE_ENTITY, asked, state.i18n.field_errors(ctx.lang, &invalid))
        }
        Err(e) => return Err(e),
    };
    let model = json!({
        "document": document_json(&d.doc, &d.participants, &d.bodies, d.meeting.as_ref(), ctx.lang, &state),
        "changes": changes, "errors": errors,
    });
    Ok((status, render::page(&state, &ctx, "documents/changes.html", model)?).into_response())
}

async fn api_changes(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    QueryParams(query): QueryParams<ChangesQuery>,
) -> Result<Json<Value>, AppError> {
    let d = Dossier::load(&state, &ctx, id).await?;
    Ok(Json(compared(&state, &d, &query, ctx.lang)?))
}

// ---- The PDF ----

#[derive(schemars::JsonSchema, Debug, Default, Deserialize)]
struct PdfQuery {
    /// The text's language; the original's without it.
    lang: Option<String>,
    /// The version's number; without it, the adopted text where this language has one, else the latest.
    version: Option<u32>,
}

async fn pdf(state: &AppState, ctx: &Ctx, id: Id, query: PdfQuery) -> Result<Response, AppError> {
    let d = Dossier::load(state, ctx, id).await?;
    let language = query.lang.clone().unwrap_or_else(|| d.doc.original_language.clone());
    // Without a version: the adopted text where this language has it, else its latest text.
    let number = match (query.version, &d.doc.frozen) {
        (Some(n), _) => n,
        (None, Some(frozen)) if d.version(frozen.version, &language).is_some() => frozen.version,
        (None, _) => {
            d.latest(Some(&language)).ok_or_else(|| d.no_text(state, ctx.lang, ("version", None), &language))?.number
        }
    };
    let v =
        d.version(number, &language).ok_or_else(|| d.no_text(state, ctx.lang, ("version", Some(number)), &language))?;
    let t = |key: &str| state.i18n.t(&language, key, &[]);
    // The adopted version is printed with its signatures in every language; the frozen hash is
    // the original's, so only the original carries it. A later version of an adopted document is
    // a formal correction, not a draft.
    let frozen = d.doc.frozen.as_ref();
    let adopted_text = frozen.filter(|f| f.version == number);
    let authentic = adopted_text.filter(|_| language == d.doc.original_language);
    let corrected = frozen.filter(|f| number > f.version);
    let (block, notes, place_and_date) = match adopted_text {
        Some(_) => {
            let block = d.block(&language);
            let notes = block
                .iter()
                .filter(|l| l.stance.is_some())
                .map(|l| {
                    let key = match l.stance {
                        Some(Stance::JoinsWithReservation) => "document-pdf-reservation",
                        _ => "document-pdf-special-opinion",
                    };
                    let who = d
                        .members
                        .iter()
                        .find(|p| p.id == l.participant)
                        .map(|p| crate::wording::genitive(state, &language, p))
                        .unwrap_or_default();
                    let note = state.i18n.t(&language, key, &[("member", who.into())]);
                    // "Reservation of …:" heads its text; without one it ends the sentence.
                    if l.note.is_empty() {
                        format!("{}.", note.trim_end_matches(':'))
                    } else {
                        format!("{note} {}", l.note)
                    }
                })
                .collect();
            let done = d.done(&language).map(|(place, date)| {
                let [place, date] = done_at(state, &language, place, date);
                // Done in one original, in the original's language.
                let original = ("original", d.doc.original_language.clone().into());
                state.i18n.t(&language, "document-pdf-done", &[place, date, original])
            });
            let lines = block
                .into_iter()
                .map(|l| pdf::SignatureLine {
                    signed: d.signed_elsewhere(state, &l, &language),
                    heading: l.heading,
                    signer: l.signer,
                    position: l.position,
                    mark: l.stance.map(|s| t(&format!("document-pdf-mark-{}", s.as_str()))),
                })
                .collect();
            (lines, notes, done)
        }
        None => (Vec::new(), Vec::new(), None),
    };
    let draft = frozen.is_none_or(|f| number < f.version);
    // A translation printed while the original has moved on says so, as the page does.
    let newer = d.latest(None).map(|l| l.number).filter(|&l| l > number && d.version(l, &language).is_none());
    let data = pdf::DocumentPdf {
        language: language.clone(),
        body: d.body.name.get(&language).to_string(),
        // A draft version of an adopted decision is still printed as the draft it was.
        kind: t(&format!(
            "document-kind-{}",
            d.doc.kind.name_in(if draft { DocumentStatus::Draft } else { d.doc.status })
        )),
        register_number: d.doc.register_number.clone(),
        title: d.doc.title.get(&language).to_string(),
        version_line: match (adopted_text, authentic, corrected) {
            (Some(_), None, _) => state.i18n.t(&language, "document-pdf-translation", &[("number", number.into())]),
            (_, _, Some(f)) => state.i18n.t(
                &language,
                "document-pdf-correction",
                &[("number", number.into()), ("adopted", f.version.into())],
            ),
            _ => match newer {
                Some(latest) => state.i18n.t(
                    &language,
                    "document-pdf-behind",
                    &[("number", number.into()), ("latest", latest.into())],
                ),
                None => state.i18n.t(&language, "document-pdf-version", &[("number", number.into())]),
            },
        },
        paragraphs: v.texts().into_iter().map(str::to_string).collect(),
        place_and_date,
        signature_block: block,
        notes,
        watermark: draft.then(|| t("document-pdf-draft")),
        sha256: authentic.map(|f| f.sha256.clone()),
    };
    let bytes = crate::pdfs::render(move || pdf::document(&data)).await?;
    let name = format!("{}-v{number}-{language}.pdf", d.doc.register_number.replace(['/', ' ', '\\'], "-"));
    Ok(render::file(bytes, "application/pdf", render::Disposition::Inline, &name))
}
