//! The list of participants of an event: accredited members per delegation, in the protocol order of
//! the event's principal body. A page (paginated, searchable), JSON, CSV, XLSX and PDF.

use axum::Json;
use axum::extract::State;
use axum::response::{Html, Response};
use domain::bodies::Body;
use domain::{Id, Text};
use std::collections::HashMap;

use domain::delegations::{Delegation, DelegationRole, Member, Names, Rank, order_members};
use domain::events::Event;
use domain::participants::Participant;
use domain::policy::{Action, authorize};
use domain::precedence::{Context, PrecedencePolicy, order_in};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::sync::Arc;

use crate::AppState;
use crate::error::AppError;
use crate::guard::Ctx;
use crate::input::{Path, QueryParams};
use crate::render;
use crate::routes::Registry;
use crate::snapshots::Snapshots;

const PAGE_SIZE: usize = 100;

pub(crate) fn routes(r: Registry) -> Registry {
    r.get("/events/{event}/participants", "The list of participants (?page=&q=)", page)
        .get("/events/{event}/participants.csv", "The list of participants as CSV", csv)
        .get("/events/{event}/participants.xlsx", "The list of participants as XLSX", xlsx)
        .get("/events/{event}/participants.pdf", "The list of participants as PDF", pdf)
        .get("/api/v1/events/{event}/participants", "The list of participants in protocol order", api)
}

/// The body whose protocol an event follows: of its meetings' bodies, the one with the most members.
pub(crate) async fn principal_body(state: &AppState, event: &Event) -> Result<Option<Body>, AppError> {
    let meetings = store::events::meetings_of_event(&state.store, event.id).await?;
    let mut candidates = Vec::new();
    for body in store::bodies::list(&state.store).await? {
        if meetings.iter().any(|m| m.meeting.body_id == body.id) {
            let memberships = store::bodies::memberships(&state.store, body.id).await?;
            candidates.push((body, memberships));
        }
    }
    Ok(domain::bodies::principal(candidates, event.start_date))
}

/// The language an event's formal texts are written in (notices, notes verbales, name cards): its
/// principal body's working language, English if it holds no meeting.
pub(crate) async fn event_language(state: &AppState, event: &Event) -> Result<String, AppError> {
    Ok(principal_body(state, event).await?.map_or_else(|| "en".to_string(), |b| b.working_language))
}

/// Delegations in the protocol order of the event's principal body (alphabetical in English if it
/// holds no meeting), with the heads' ranks for policies that tier by rank.
pub(crate) async fn in_protocol_order<'a>(
    state: &AppState,
    event: &Event,
    participants: &'a [Participant],
    delegations: &'a [Delegation],
    members: &[Member],
) -> Result<Vec<(&'a Participant, &'a Delegation)>, AppError> {
    let policy =
        principal_body(state, event).await?.map_or_else(|| PrecedencePolicy::alphabetical("en"), |b| b.precedence);
    let invited_ids: std::collections::HashSet<Id> = delegations.iter().map(|d| d.participant_id).collect();
    let invited: Vec<&Participant> = participants.iter().filter(|p| invited_ids.contains(&p.id)).collect();
    let mut heads: HashMap<Id, Rank> = HashMap::new();
    for m in members.iter().filter(|m| m.role == DelegationRole::Head) {
        let rank = heads.entry(m.delegation_id).or_insert(m.rank);
        *rank = (*rank).min(m.rank);
    }
    let ranks: HashMap<Id, Rank> =
        delegations.iter().filter_map(|d| heads.get(&d.id).map(|r| (d.participant_id, *r))).collect();
    let head_rank = |participant: Id| ranks.get(&participant).copied();
    let ordered = order_in(&policy, &invited, &Context { host: Some(event.host), head_rank: &head_rank });
    let by_participant: HashMap<Id, &Delegation> = delegations.iter().map(|d| (d.participant_id, d)).collect();
    Ok(ordered.into_iter().filter_map(|p| by_participant.get(&p.id).map(|d| (p, *d))).collect())
}

/// One line of the public list: what press and public may read, no contacts, no travel.
#[derive(Serialize)]
struct Line {
    participant: String,
    delegation: Text,
    name: String,
    names: Names,
    position: Text,
    rank: Rank,
    role: DelegationRole,
    /// Names in both scripts and the delegation, in lower case, for the search box.
    #[serde(skip)]
    search: String,
    /// The delegation, position and role as the reader's language writes them: what pages and
    /// exports show, worded once per snapshot rather than once per request.
    #[serde(skip)]
    shown: [String; 3],
}

/// An event and its public list in one reader's language.
pub(crate) struct Snapshot {
    event: Event,
    lines: Vec<Line>,
}

/// Lists already put in protocol order, per event and reader's language: ordering thousands of
/// members takes tens of milliseconds, and the list is read far more often than it changes.
pub(crate) type ListCache = Snapshots<(String, &'static str), Snapshot>;

/// How many lists a node keeps (an event in three languages takes three).
pub(crate) const LISTS_KEPT: usize = 32;

/// The event and its whole public list, in order, in the reader's language.
async fn list(state: &AppState, slug: &str, lang: &'static str) -> Result<Arc<Snapshot>, AppError> {
    state
        .lists
        .current(&state.store, (slug.to_string(), lang), false, || async {
            let event = store::events::by_slug(&state.store, slug).await?;
            let lines = build(state, &event, lang).await?;
            Ok(Snapshot { event, lines })
        })
        .await
}

async fn build(state: &AppState, event: &Event, lang: &str) -> Result<Vec<Line>, AppError> {
    let meetings = store::events::meetings_of_event(&state.store, event.id).await?;
    // A member marked for some of the event's meetings is listed with them: two heads of one
    // delegation, each at another meeting, then read as what they are.
    let role = |m: &Member| {
        let role = state.i18n.t(lang, &format!("role-in-delegation-{}", m.role.as_str()), &[]);
        let at: Vec<&str> = meetings
            .iter()
            .filter(|x| m.meetings.contains(&x.meeting.slug))
            .map(|x| x.meeting.title.get(lang))
            .collect();
        match at.is_empty() || at.len() == meetings.len() {
            true => role,
            false => state.i18n.t(lang, "list-role-at", &[("role", role.into()), ("meetings", at.join("; ").into())]),
        }
    };
    let participants = store::participants::list(&state.store).await?;
    let delegations = store::delegations::of_event(&state.store, event.id).await?;
    let members = store::delegations::approved_of_event(&state.store, event.id).await?;
    let mut by_delegation: HashMap<Id, Vec<&Member>> = HashMap::new();
    for m in &members {
        by_delegation.entry(m.delegation_id).or_default().push(m);
    }
    let mut out = Vec::with_capacity(members.len());
    for (participant, delegation) in in_protocol_order(state, event, &participants, &delegations, &members).await? {
        let own = by_delegation.get(&delegation.id).map_or(&[][..], Vec::as_slice);
        out.extend(order_members(own, lang).into_iter().map(|member| {
            Line {
                participant: participant.code.clone(),
                delegation: participant.short_name.clone(),
                name: member.names.display(lang),
                names: member.names.clone(),
                position: member.position.clone(),
                rank: member.rank,
                role: member.role,
                search: [
                    member.names.display("en"),
                    member.names.display("ru"),
                    participant.short_name.get(lang).into(),
                ]
                .join("\n")
                .to_lowercase(),
                shown: [
                    participant.short_name.get(lang).to_string(),
                    member.position.get(lang).to_string(),
                    role(member),
                ],
            }
        }));
    }
    Ok(out)
}

#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    /// The page, from 1.
    page: Option<usize>,
    /// Words of the name.
    q: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Html<String>, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let list = list(&state, &slug, ctx.lang).await?;
    let event = &list.event;
    let matching = search(&list.lines, query.q.as_deref());
    let (rows, page, pages) = paginate(&matching, query.page.unwrap_or(1));
    let rows: Vec<Value> = rows
        .iter()
        .map(|l| {
            let [delegation, position, role] = &l.shown;
            json!({ "participant": l.participant, "delegation": delegation, "name": l.name, "position": position, "role": role })
        })
        .collect();
    let q = query.q.unwrap_or_default();
    let model = json!({
        "event": event,
        "rows": rows,
        "q": q,
        "page": page,
        "pages": pages,
        "total": matching.len(),
        "may_manage": authorize(&ctx.actor, Action::ManageInvitations { event: event.id }).is_ok(),
    });
    render::page(&state, &ctx, "lists/participants.html", model)
}

async fn api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Json<Value>, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let list = list(&state, &slug, ctx.lang).await?;
    let event = &list.event;
    let matching = search(&list.lines, query.q.as_deref());
    // Without a page, the whole list: an export for machines. A page past the last is empty, so
    // that a client reading on until it gets no rows stops; the reader's page brings it back in.
    let (rows, page, pages) = match query.page {
        Some(page) => {
            let (rows, shown, pages) = paginate(&matching, page);
            if page == 0 {
                let range = vec![("min", "1".to_string()), ("max", pages.to_string())];
                return Err(AppError::field_with("page", "out-of-range", range));
            }
            (if shown == page { rows } else { &[] }, Some(page), Some(pages))
        }
        None => (matching.as_slice(), None, None),
    };
    Ok(Json(
        json!({ "event": event.slug, "participants": rows, "total": matching.len(), "page": page, "pages": pages }),
    ))
}

/// The lines whose name (in either script) or delegation contains `q`, ignoring case; all of them
/// without one.
fn search<'a>(all: &'a [Line], q: Option<&str>) -> Vec<&'a Line> {
    let q = q.unwrap_or("").trim().to_lowercase();
    all.iter().filter(|l| q.is_empty() || l.search.contains(&q)).collect()
}

/// One page of lines, the page number brought within range, and the number of pages.
fn paginate<'a, 'b>(lines: &'b [&'a Line], page: usize) -> (&'b [&'a Line], usize, usize) {
    let pages = lines.len().div_ceil(PAGE_SIZE).max(1);
    let page = page.clamp(1, pages);
    let start = ((page - 1) * PAGE_SIZE).min(lines.len());
    (&lines[start..(start + PAGE_SIZE).min(lines.len())], page, pages)
}

/// The list as a sheet: delegation, name, position, role, in the reader's language.
async fn sheet(state: &AppState, ctx: &Ctx, slug: &str) -> Result<(Event, ::render::table::Sheet), AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let list = list(state, slug, ctx.lang).await?;
    let event = list.event.clone();
    let t = |key: &str| state.i18n.t(ctx.lang, key, &[]);
    let headers = vec![t("list-delegation"), t("list-name"), t("list-position"), t("list-role")];
    let rows: Vec<Vec<String>> = list
        .lines
        .iter()
        .map(|l| {
            let [delegation, position, role] = l.shown.clone();
            vec![delegation, l.name.clone(), position, role]
        })
        .collect();
    let lines = (2..rows.len() + 2).collect();
    Ok((event, ::render::table::Sheet { headers, rows, lines }))
}

fn download(bytes: Vec<u8>, mime: &str, name: String) -> Response {
    render::file(bytes, mime, render::Disposition::Attachment, &name)
}

async fn csv(State(state): State<AppState>, ctx: Ctx, Path(slug): Path<String>) -> Result<Response, AppError> {
    let (event, sheet) = sheet(&state, &ctx, &slug).await?;
    Ok(download(
        ::render::table::write_csv(&sheet),
        "text/csv; charset=utf-8",
        format!("{}-participants.csv", event.slug),
    ))
}

async fn xlsx(State(state): State<AppState>, ctx: Ctx, Path(slug): Path<String>) -> Result<Response, AppError> {
    let (event, sheet) = sheet(&state, &ctx, &slug).await?;
    let tab = state.i18n.t(ctx.lang, "nav-participants", &[]);
    let bytes = ::render::table::write_xlsx(&sheet, &tab).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(bytes, render::XLSX, format!("{}-participants.xlsx", event.slug)))
}

async fn pdf(State(state): State<AppState>, ctx: Ctx, Path(slug): Path<String>) -> Result<Response, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let snapshot = list(&state, &slug, ctx.lang).await?;
    let event = &snapshot.event;
    let mut list = pdf::ParticipantsList {
        language: ctx.lang.to_string(),
        title: state.i18n.t(ctx.lang, "list-title", &[]),
        subtitle: format!(
            "{} — {}",
            event.name.get(ctx.lang),
            state.i18n.dates(ctx.lang, event.start_date, event.end_date)
        ),
        delegations: Vec::new(),
        footer: event.city.get(ctx.lang).to_string(),
    };
    for line in &snapshot.lines {
        let [name, position, role] = line.shown.clone();
        if list.delegations.last().is_none_or(|d| d.name != name) {
            list.delegations.push(pdf::ListDelegation { name, members: Vec::new() });
        }
        let member = pdf::ListMember { name: line.name.clone(), position, role };
        list.delegations.last_mut().expect("just pushed").members.push(member);
    }
    let bytes = crate::pdfs::render(move || pdf::participants_list(&list)).await?;
    Ok(download(bytes, "application/pdf", format!("{}-participants.pdf", event.slug)))
}
