//! The list of participants of an event: accredited members per delegation, in the protocol order of
//! the event's principal body. A page (paginated, searchable), JSON, CSV, XLSX and PDF.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use domain::Id;
use domain::bodies::Body;
use std::collections::HashMap;

use domain::delegations::{Delegation, DelegationRole, Member, Rank, order_members};
use domain::events::Event;
use domain::participants::Participant;
use domain::policy::{Action, authorize};
use domain::precedence::{Context, PrecedencePolicy, order_in};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::AppError;
use crate::guard::Ctx;
use crate::input::QueryParams;
use crate::render;
use crate::routes::Registry;

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

/// One line of the public list: no contacts, no travel.
struct Line<'a> {
    participant: &'a Participant,
    member: &'a Member,
}

/// The whole public list, in order, in a reader's language.
async fn load(
    state: &AppState,
    slug: &str,
) -> Result<(Event, Vec<Participant>, Vec<Delegation>, Vec<Member>), AppError> {
    let event = store::events::by_slug(&state.store, slug).await?;
    let participants = store::participants::list(&state.store).await?;
    let delegations = store::delegations::of_event(&state.store, event.id).await?;
    let members = store::delegations::approved_of_event(&state.store, event.id).await?;
    Ok((event, participants, delegations, members))
}

async fn lines<'a>(
    state: &AppState,
    event: &Event,
    participants: &'a [Participant],
    delegations: &'a [Delegation],
    members: &'a [Member],
    lang: &str,
) -> Result<Vec<Line<'a>>, AppError> {
    let mut by_delegation: HashMap<Id, Vec<&Member>> = HashMap::new();
    for m in members {
        by_delegation.entry(m.delegation_id).or_default().push(m);
    }
    let mut out = Vec::with_capacity(members.len());
    for (participant, delegation) in in_protocol_order(state, event, participants, delegations, members).await? {
        let own = by_delegation.get(&delegation.id).map_or(&[][..], Vec::as_slice);
        out.extend(order_members(own, lang).into_iter().map(|member| Line { participant, member }));
    }
    Ok(out)
}

fn line_json(line: &Line, lang: &str) -> Value {
    json!({
        "participant": line.participant.code,
        "delegation": line.participant.short_name,
        "name": line.member.names.display(lang),
        "names": line.member.names,
        "position": line.member.position,
        "rank": line.member.rank,
        "role": line.member.role,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    page: Option<usize>,
    q: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Html<String>, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let (event, participants, delegations, members) = load(&state, &slug).await?;
    let all = lines(&state, &event, &participants, &delegations, &members, ctx.lang).await?;
    let matching = search(&all, query.q.as_deref(), ctx.lang);
    let (rows, page, pages) = paginate(&matching, query.page.unwrap_or(1));
    let rows: Vec<Value> = rows.iter().map(|l| line_json(l, ctx.lang)).collect();
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
    let (event, participants, delegations, members) = load(&state, &slug).await?;
    let all = lines(&state, &event, &participants, &delegations, &members, ctx.lang).await?;
    let matching = search(&all, query.q.as_deref(), ctx.lang);
    // Without a page, the whole list: an export for machines.
    let (rows, page, pages) = match query.page {
        Some(page) => {
            let (rows, page, pages) = paginate(&matching, page);
            (rows, Some(page), Some(pages))
        }
        None => (matching.as_slice(), None, None),
    };
    let rows: Vec<Value> = rows.iter().map(|l| line_json(l, ctx.lang)).collect();
    Ok(Json(
        json!({ "event": event.slug, "participants": rows, "total": matching.len(), "page": page, "pages": pages }),
    ))
}

/// The lines whose name or delegation contains `q` (case-insensitive), all of them without one.
fn search<'a, 'b>(all: &'b [Line<'a>], q: Option<&str>, lang: &str) -> Vec<&'b Line<'a>> {
    let q = q.unwrap_or("").trim().to_lowercase();
    all.iter()
        .filter(|l| {
            q.is_empty()
                || l.member.names.display("en").to_lowercase().contains(&q)
                || l.member.names.display("ru").to_lowercase().contains(&q)
                || l.participant.short_name.get(lang).to_lowercase().contains(&q)
        })
        .collect()
}

/// One page of lines, the page number brought within range, and the number of pages.
fn paginate<'a, 'b, 'c>(lines: &'c [&'b Line<'a>], page: usize) -> (&'c [&'b Line<'a>], usize, usize) {
    let pages = lines.len().div_ceil(PAGE_SIZE).max(1);
    let page = page.clamp(1, pages);
    let start = ((page - 1) * PAGE_SIZE).min(lines.len());
    (&lines[start..(start + PAGE_SIZE).min(lines.len())], page, pages)
}

/// The list as a sheet: delegation, name, position, role, in the reader's language.
async fn sheet(state: &AppState, ctx: &Ctx, slug: &str) -> Result<(Event, ::render::table::Sheet), AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let (event, participants, delegations, members) = load(state, slug).await?;
    let all = lines(state, &event, &participants, &delegations, &members, ctx.lang).await?;
    let t = |key: &str| state.i18n.t(ctx.lang, key, &[]);
    let headers = vec![t("list-delegation"), t("list-name"), t("list-position"), t("list-role")];
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|l| {
            vec![
                l.participant.short_name.get(ctx.lang).to_string(),
                l.member.names.display(ctx.lang),
                l.member.position.get(ctx.lang).to_string(),
                t(&format!("role-in-delegation-{}", l.member.role.as_str())),
            ]
        })
        .collect();
    let lines = (2..rows.len() + 2).collect();
    Ok((event, ::render::table::Sheet { headers, rows, lines }))
}

fn download(bytes: Vec<u8>, mime: &'static str, name: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response()
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
    let bytes = ::render::table::write_xlsx(&sheet, "participants").map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        format!("{}-participants.xlsx", event.slug),
    ))
}

async fn pdf(State(state): State<AppState>, ctx: Ctx, Path(slug): Path<String>) -> Result<Response, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let (event, participants, delegations, members) = load(&state, &slug).await?;
    let all = lines(&state, &event, &participants, &delegations, &members, ctx.lang).await?;
    let mut list = pdf::ParticipantsList {
        language: ctx.lang.to_string(),
        title: state.i18n.t(ctx.lang, "list-title", &[]),
        subtitle: format!("{} — {}", event.name.get(ctx.lang), state.i18n.date(ctx.lang, event.start_date)),
        delegations: Vec::new(),
        footer: event.city.get(ctx.lang).to_string(),
    };
    for line in &all {
        let name = line.participant.short_name.get(ctx.lang).to_string();
        if list.delegations.last().is_none_or(|d| d.name != name) {
            list.delegations.push(pdf::ListDelegation { name, members: Vec::new() });
        }
        let role = state.i18n.t(ctx.lang, &format!("role-in-delegation-{}", line.member.role.as_str()), &[]);
        let member = pdf::ListMember {
            name: line.member.names.display(ctx.lang),
            position: line.member.position.get(ctx.lang).to_string(),
            role,
        };
        list.delegations.last_mut().expect("just pushed").members.push(member);
    }
    let bytes = crate::pdfs::render(move || pdf::participants_list(&list)).await?;
    Ok(download(bytes, "application/pdf", format!("{}-participants.pdf", event.slug)))
}
