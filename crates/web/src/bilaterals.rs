//! Bilateral meetings on the sidelines: delegations request and answer, the host runs the scheduler,
//! reviews its plan (by room and day, per delegation, with the reasons for what it left out) and
//! confirms meetings into the programme.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use domain::bilaterals::{
    Answer, Outcome, Priority, Refusal, Reorder, Request, RequestFrame, RequestInput, SeenPlacement, Settings,
    Sidelines, Status, Why, Window, WindowInput,
};
use domain::participants::Participant;
use domain::policy::{Action, Actor, BilateralScope, authorize, bilateral_scope};
use domain::programme::{Attendees, Item, ItemKind, PressAccess, Visibility};
use domain::{Id, Text};
use serde::Deserialize;
use serde_json::{Value, json};
use store::Tx;

use crate::AppState;
use crate::error::AppError;
use crate::guard::Ctx;
use crate::input::{Form, JsonBody, Partial, Path, gather, refused_with_rules};
use crate::programme::Programme;
use crate::render;
use crate::routes::{CREATED_OR_OK, Made, Registry};

pub(crate) fn routes(r: Registry) -> Registry {
    r.get("/events/{event}/bilaterals", "Bilateral requests and the schedule of bilaterals", page)
        .post("/events/{event}/bilaterals", "Request a bilateral (form)", request_form)
        .post(
            "/events/{event}/bilaterals/{request}/answer",
            "Accept, decline, re-time, reorder or withdraw (form)",
            answer_form,
        )
        .post("/events/{event}/bilaterals/schedule", "Run the scheduler (form)", schedule_form)
        .post("/events/{event}/bilaterals/confirm", "Confirm scheduled bilaterals (form)", confirm_form)
        .get("/api/v1/events/{event}/bilaterals", "The bilateral requests the caller may see", api_list)
        .post("/api/v1/events/{event}/bilaterals", "Request a bilateral", api_request)
        .answering(CREATED_OR_OK)
        .post(
            "/api/v1/events/{event}/bilaterals/{request}/answer",
            "Accept, decline, re-time, reorder or withdraw",
            api_answer,
        )
        .post(
            "/api/v1/events/{event}/bilaterals/schedule",
            "Run the scheduler over the accepted requests",
            api_schedule,
        )
        .post(
            "/api/v1/events/{event}/bilaterals/confirm",
            "Confirm scheduled bilaterals into the programme (`requests`, or `all: true`)",
            api_confirm,
        )
        .get("/api/v1/events/{event}/bilaterals/instance", "The scheduler's instance for the event", api_instance)
}

/// An event's programme with its bilateral requests, as one actor may see and act on them.
struct Sideline {
    p: Arc<Programme>,
    requests: Vec<Request>,
    scope: BilateralScope,
    /// The participants the actor speaks for here, by code.
    own: Vec<String>,
    /// The settings of the last scheduler run, which the next starts from.
    settings: Settings,
}

impl Sideline {
    async fn load(state: &AppState, ctx: &Ctx, slug: &str, for_write: bool) -> Result<Sideline, AppError> {
        let p =
            if for_write { Programme::for_write(state, slug).await? } else { Programme::current(state, slug).await? };
        let invited: Vec<Id> = p.delegations.iter().map(|(_, x)| x.id).collect();
        let scope = bilateral_scope(&ctx.actor, p.event.id, &invited)?;
        let own = match &scope {
            BilateralScope::All => Vec::new(),
            BilateralScope::Sides(ids) => {
                p.delegations.iter().filter(|(_, x)| ids.contains(&x.id)).map(|(_, x)| x.code.clone()).collect()
            }
        };
        let requests = store::bilaterals::of_event(&state.store, p.event.id).await?;
        let settings = store::bilaterals::settings(&state.store, p.event.id).await?;
        Ok(Sideline { p, requests, scope, own, settings })
    }

    fn participant(&self, code: &str) -> Option<&Participant> {
        self.p.delegations.iter().map(|(_, x)| x).find(|x| x.code == code)
    }

    fn visible(&self) -> impl Iterator<Item = &Request> {
        let sides = (self.scope != BilateralScope::All).then_some(self.own.as_slice());
        domain::bilaterals::visible(&self.requests, sides)
    }

    fn request(&self, id: Id) -> Result<&Request, AppError> {
        self.visible().find(|r| r.id == id).ok_or(AppError::NotFound)
    }

    /// The programme's items with who attends each, for the scheduler.
    fn attended(&self) -> Vec<(&Item, BTreeSet<Id>)> {
        self.p.items.iter().map(|i| (i, self.p.attendance(i))).collect()
    }

    fn sidelines<'a>(&'a self, items: &'a [(&'a Item, BTreeSet<Id>)], settings: Settings) -> Sidelines<'a> {
        Sidelines {
            event: &self.p.event,
            tz: &self.p.tz,
            members: self.p.members(),
            items,
            requests: &self.requests,
            settings,
        }
    }

    fn names(&self, codes: &[&str], lang: &str) -> String {
        codes
            .iter()
            .map(|c| self.participant(c).map_or_else(|| c.to_string(), |x| x.short_name.get(lang).to_string()))
            .collect::<Vec<_>>()
            .join(" – ")
    }

    fn person(&self, id: &str, lang: &str) -> String {
        self.p.members().iter().find(|(_, m)| m.id.to_string() == id).map_or_else(
            || id.to_string(),
            |(code, m)| format!("{} ({})", m.names.display(lang), self.names(&[code], lang)),
        )
    }

    fn sides_of(&self, id: &str, lang: &str) -> String {
        self.requests.iter().find(|r| r.id.to_string() == id).map_or_else(
            || id.to_string(),
            |r| self.names(&r.sides.iter().map(|s| s.participant.as_str()).collect::<Vec<_>>(), lang),
        )
    }

    /// Why a request was left out, in the reader's language, naming the blocker.
    fn why(&self, state: &AppState, lang: &str, why: &Why) -> String {
        use schedule::Reason;
        let t = |key: &str, args: &[(&str, fluent_bundle::FluentValue)]| state.i18n.t(lang, key, args);
        let list = |ids: &[String], f: &dyn Fn(&str) -> String| ids.iter().map(|i| f(i)).collect::<Vec<_>>().join("; ");
        match why {
            Why::OutsideHours => t("bilateral-why-outside-hours", &[]),
            Why::NoHead { participant } => {
                t("bilateral-why-no-head", &[("delegation", self.names(&[participant], lang).into())])
            }
            Why::Scheduler { reason } => match reason {
                Reason::PersonUnavailable { person } => {
                    t("bilateral-why-person-unavailable", &[("person", self.person(person, lang).into())])
                }
                Reason::NoCommonTime { persons } => {
                    t("bilateral-why-no-common-time", &[("persons", list(persons, &|p| self.person(p, lang)).into())])
                }
                Reason::NoRoomLargeEnough { size } => t("bilateral-why-no-room-large", &[("size", (*size).into())]),
                Reason::NoRoomFree => t("bilateral-why-no-room-free", &[]),
                Reason::WindowTooShort => t("bilateral-why-window-too-short", &[]),
                Reason::MaxPerDay { person } => {
                    t("bilateral-why-max-per-day", &[("person", self.person(person, lang).into())])
                }
                Reason::Precedence { requests } if requests.is_empty() => t("bilateral-why-precedence-unnamed", &[]),
                Reason::Precedence { requests } => {
                    t("bilateral-why-precedence", &[("requests", list(requests, &|r| self.sides_of(r, lang)).into())])
                }
                Reason::LostTo { requests } if requests.is_empty() => t("bilateral-why-lost-to-unnamed", &[]),
                Reason::LostTo { requests } => {
                    t("bilateral-why-lost-to", &[("requests", list(requests, &|r| self.meeting_words(r, lang)).into())])
                }
            },
        }
    }

    /// Why the confirmed meetings cannot all stay where they are, in the reader's language. Any
    /// other fault of the instance is this module's own (it builds the instance from checked
    /// data, and drops proposals in rooms no longer offered), so it is an internal error.
    fn impossible(&self, state: &AppState, lang: &str, error: schedule::InstanceError) -> AppError {
        use schedule::{FixedFault, InstanceError};
        let t = |key: &str, args: &[(&str, fluent_bundle::FluentValue)]| state.i18n.t(lang, key, args);
        let why = |fault: &FixedFault| match fault {
            FixedFault::OutsideWindows => t("schedule-fixed-outside-hours", &[]),
            FixedFault::RoomNotAllowed => t("schedule-fixed-room-not-allowed", &[]),
            FixedFault::Capacity { capacity } => t("schedule-fixed-capacity", &[("capacity", (*capacity).into())]),
            FixedFault::RoomUnavailable => t("schedule-fixed-room-unavailable", &[]),
            FixedFault::Absent { person } => {
                t("schedule-fixed-absent", &[("person", self.person(person, lang).into())])
            }
            // The instance built here labels no busy time: the person's programme is theirs to see.
            FixedFault::Busy { person, .. } => {
                t("schedule-fixed-busy", &[("person", self.person(person, lang).into())])
            }
            FixedFault::TooClose { person, .. } => {
                t("schedule-fixed-too-close", &[("person", self.person(person, lang).into())])
            }
            FixedFault::MaxPerDay { person, max } => {
                t("schedule-fixed-max-per-day", &[("person", self.person(person, lang).into()), ("max", (*max).into())])
            }
            FixedFault::SameRoom { room } => {
                let (venue, room) = domain::bilaterals::room_of(room).unwrap_or(("", room));
                t("schedule-fixed-same-room", &[("room", self.place(venue, room, lang).into())])
            }
            FixedFault::SharedPersons { persons } => {
                let persons = persons.iter().map(|p| self.person(p, lang)).collect::<Vec<_>>().join("; ");
                t("schedule-fixed-shared-persons", &[("persons", persons.into())])
            }
            FixedFault::Order => t("schedule-fixed-order", &[]),
        };
        let detail = match &error {
            InstanceError::Fixed { request, why: fault } => t(
                "schedule-fixed",
                &[("meeting", self.meeting_words(request, lang).into()), ("why", why(fault).into())],
            ),
            InstanceError::FixedClash { a, b, why: fault } => t(
                "schedule-fixed-clash",
                &[
                    ("a", self.meeting_words(a, lang).into()),
                    ("b", self.meeting_words(b, lang).into()),
                    ("why", why(fault).into()),
                ],
            ),
            // Requests name rooms only where they are confirmed: a room the event no longer has.
            InstanceError::UnknownRoom { request, .. } => t(
                "schedule-fixed",
                &[
                    ("meeting", self.meeting_words(request, lang).into()),
                    ("why", t("schedule-fixed-room-gone", &[]).into()),
                ],
            ),
            other => return AppError::Internal(format!("the scheduler's instance: {other}")),
        };
        AppError::refused_with("schedule-impossible", vec![("detail", detail)])
    }

    /// Where and when a request's meeting is: its programme item once confirmed, else the
    /// scheduler's proposal.
    fn placement(&self, r: &Request) -> Option<Placement> {
        if let Some(item) = r.item.and_then(|id| self.p.items.iter().find(|i| i.id == id && !i.cancelled)) {
            return Some(Placement {
                starts: item.starts,
                ends: item.ends,
                venue: item.venue.clone().unwrap_or_default(),
                room: item.room.clone().unwrap_or_default(),
            });
        }
        match &r.outcome {
            Some(Outcome::Placed { starts, ends, venue, room }) => {
                Some(Placement { starts: *starts, ends: *ends, venue: venue.clone(), room: room.clone() })
            }
            _ => None,
        }
    }

    /// "Kazakhstan – Russian Federation, 10 Apr 10:00" for a placed request.
    fn meeting_words(&self, id: &str, lang: &str) -> String {
        let when = self
            .requests
            .iter()
            .find(|r| r.id.to_string() == id)
            .and_then(|r| self.placement(r))
            .map(|at| self.p.local(at.starts).strftime("%d.%m %H:%M").to_string());
        match when {
            Some(when) => format!("{}, {when}", self.sides_of(id, lang)),
            None => self.sides_of(id, lang),
        }
    }

    fn request_json(&self, state: &AppState, r: &Request, lang: &str) -> Value {
        let codes: Vec<&str> = r.sides.iter().map(|s| s.participant.as_str()).collect();
        let shown = |windows: &[Window]| -> Vec<Value> {
            windows
                .iter()
                .map(|w| {
                    let (starts, ends) = (self.p.local(w.starts), self.p.local(w.ends));
                    // A window into the next day says which day it ends.
                    let end = if ends.date() == starts.date() { "%H:%M" } else { "%d.%m %H:%M" };
                    json!({ "starts": w.starts, "ends": w.ends,
                        "shown": format!("{}–{}", starts.strftime("%d.%m %H:%M"), ends.strftime(end)) })
                })
                .collect()
        };
        let windows = shown(&r.windows);
        // Whose the windows are, once another side proposed others, and what they replaced.
        let windows_by = r.windows_by.as_deref().map(|by| json!({ "side": by, "name": self.names(&[by], lang) }));
        let replaced = r
            .replaced
            .as_ref()
            .map(|p| json!({ "by": p.by, "name": self.names(&[p.by.as_str()], lang), "windows": shown(&p.windows) }));
        let outcome = match (self.placement(r), &r.outcome) {
            (Some(at), _) => json!({
                "kind": "placed", "starts": at.starts, "ends": at.ends, "venue": at.venue, "room": at.room,
                "day": self.p.local(at.starts).date(), "day_shown": state.i18n.date(lang, self.p.local(at.starts).date()),
                "time": self.time_span(&at), "place": self.place(&at.venue, &at.room, lang),
            }),
            (None, Some(Outcome::Unplaced { reasons })) => {
                let sees = |id: &str| self.visible().any(|v| v.id.to_string() == id);
                let reasons: Vec<Why> = reasons.iter().map(|w| w.as_seen(sees)).collect();
                json!({
                    "kind": "unplaced", "reasons": reasons,
                    "shown": reasons.iter().map(|w| self.why(state, lang, w)).collect::<Vec<_>>(),
                })
            }
            (None, _) => Value::Null,
        };
        let principals: Vec<String> = r.principals.iter().map(|p| self.person(&p.to_string(), lang)).collect();
        // The meetings it follows are the requesting side's: another side sees only those it shares.
        let after: Vec<&Request> = r.after.iter().filter_map(|a| self.visible().find(|v| v.id == *a)).collect();
        // One withdrawn or declined holds nothing back any more (the scheduler leaves it out): said.
        let after_shown: Vec<String> = after
            .iter()
            .map(|a| {
                let names = self.names(&a.sides.iter().map(|x| x.participant.as_str()).collect::<Vec<_>>(), lang);
                match a.status() {
                    status @ (Status::Withdrawn | Status::Declined) => state.i18n.t(
                        lang,
                        &format!("bilaterals-after-{}", status.as_str()),
                        &[("meeting", names.into())],
                    ),
                    _ => names,
                }
            })
            .collect();
        json!({
            "id": r.id, "sides": r.sides, "names": self.names(&codes, lang), "principals": r.principals,
            "sides_shown": r.sides.iter().map(|x| json!({ "name": self.names(&[x.participant.as_str()], lang),
                "answer": x.answer })).collect::<Vec<_>>(),
            "after": after.iter().map(|a| a.id).collect::<Vec<_>>(), "after_shown": after_shown,
            "principals_shown": principals, "duration": r.duration, "priority": r.priority, "windows": windows,
            "windows_by": windows_by, "replaced": replaced,
            "note": r.note, "note_short": short(&r.note),
            "status": r.status().as_str(), "outcome": outcome, "item": r.item, "version": r.version,
        })
    }

    /// "16:50–17:20", in the event's time zone.
    fn time_span(&self, at: &Placement) -> String {
        self.p.hours(at.starts, at.ends)
    }

    fn place(&self, venue: &str, room: &str, lang: &str) -> String {
        self.p.place_of(Some(venue), Some(room), lang)
    }
}

/// When and where a meeting takes place.
struct Placement {
    starts: jiff::Timestamp,
    ends: jiff::Timestamp,
    venue: String,
    room: String,
}

/// Turns a side's refusal into the error the reader sees.
fn refused(r: Refusal) -> AppError {
    match r {
        Refusal::NotASide => AppError::forbidden("request-not-a-side"),
        Refusal::NotRequester => AppError::forbidden("request-requester-only"),
        Refusal::OwnRequest => AppError::forbidden("request-own-declined"),
        Refusal::Withdrawn => AppError::refused("request-withdrawn"),
        Refusal::Declined => AppError::refused("request-declined"),
        Refusal::Confirmed => AppError::refused("meeting-confirmed"),
    }
}

/// The side the actor speaks for: `from` if given, else its only one.
fn acting_side(s: &Sideline, ctx: &Ctx, from: Option<&str>) -> Result<(Id, String), AppError> {
    let code = match from {
        Some(code) => code.trim().to_ascii_uppercase(),
        None => s
            .own
            .first()
            .cloned()
            .ok_or(AppError::Forbidden("only the delegation's accreditation officer or its ministry"))?,
    };
    let participant = s.participant(&code).ok_or_else(|| AppError::field("from", "unknown"))?;
    authorize(&ctx.actor, Action::ActOnBilateral { event: s.p.event.id, participant: participant.id })?;
    Ok((participant.id, code))
}

/// The request a side sends (`from`, or the reader's delegation), checked by the rules of requests.
fn checked(s: &Sideline, ctx: &Ctx, from: Option<&str>, input: RequestInput) -> Result<Request, AppError> {
    let (_, code) = acting_side(s, ctx, from)?;
    let delegations: Vec<String> = s.p.delegations.iter().map(|(_, x)| x.code.clone()).collect();
    let frame =
        RequestFrame { event: &s.p.event, delegations: &delegations, members: s.p.members(), requests: &s.requests };
    Ok(input.validate(&frame, &code)?)
}

/// Makes a checked request, or answers with the one its id made before.
async fn create(state: &AppState, ctx: &Ctx, s: &Sideline, request: Request) -> Result<Made<Request>, AppError> {
    if let Some(made) = s.requests.iter().find(|r| r.id == request.id) {
        return again(made, &request);
    }
    let mut tx = state.store.begin().await?;
    match store::bilaterals::create(&mut tx, &ctx.actor, request.clone()).await {
        Ok(request) => {
            tx.commit().await?;
            Ok(Made::New(request))
        }
        // Sent twice at once: the other request, which wrote first, made it.
        Err(store::StoreError::Duplicate { .. }) => {
            drop(tx);
            let made = store::bilaterals::of_event(&state.store, s.p.event.id).await?;
            match made.iter().find(|r| r.id == request.id) {
                Some(made) => again(made, &request),
                None => Err(AppError::field("id", "sent-before")),
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// The same request sent twice (a double click, a retry) finds the one it already made, not a
/// second one; another request under its id is refused rather than dropped unseen.
fn again(made: &Request, request: &Request) -> Result<Made<Request>, AppError> {
    match made.asked_again(request) {
        true => Ok(Made::Again(made.clone())),
        false => Err(AppError::field("id", "sent-before")),
    }
}

/// What a side does to a request.
#[derive(schemars::JsonSchema, Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Act {
    Accept,
    Decline,
    /// Other windows, which the other sides must accept again.
    Propose,
    /// Other meetings of the requesting side that this one must follow.
    Follow,
    Withdraw,
}

impl Act {
    fn parse(s: &str) -> Option<Act> {
        serde_json::from_value(Value::String(s.to_string())).ok()
    }
}

async fn act(state: &AppState, ctx: &Ctx, s: &Sideline, id: Id, input: AnswerInput) -> Result<Request, AppError> {
    let AnswerInput { version, answer, windows, after, principals } = input;
    let before = s.request(id)?.clone();
    let code = s.own.iter().find(|c| before.has_side(c)).ok_or_else(|| refused(Refusal::NotASide))?;
    let participant = s.participant(code).ok_or(AppError::NotFound)?;
    authorize(&ctx.actor, Action::ActOnBilateral { event: s.p.event.id, participant: participant.id })?;
    let delegations: Vec<String> = s.p.delegations.iter().map(|(_, x)| x.code.clone()).collect();
    let frame =
        RequestFrame { event: &s.p.event, delegations: &delegations, members: s.p.members(), requests: &s.requests };
    if !windows.is_empty() && !matches!(answer, Act::Propose) {
        // Windows typed, then another button pressed: they would be lost unsaid.
        return Err(AppError::field("windows", "only-when-proposing"));
    }
    // The same for another order. The order as the form shows it goes with any answer: the
    // meetings it follows that still stand (one withdrawn is no longer offered).
    let standing = |id: &Id| s.requests.iter().any(|r| r.id == *id && !r.withdrawn);
    let shown: BTreeSet<Id> = before.after.iter().copied().filter(standing).collect();
    if !matches!(answer, Act::Follow) && !after.is_empty() && after.iter().copied().collect::<BTreeSet<Id>>() != shown {
        return Err(AppError::field("after", "only-when-following"));
    }
    if principals.is_some() && !matches!(answer, Act::Accept) {
        return Err(AppError::field("principals", "only-when-accepting"));
    }
    let changed = match answer {
        Act::Accept => {
            let accepted = before.clone().answer(code, Answer::Accepted).map_err(refused)?;
            match &principals {
                Some(named) => Ok(accepted.name_principals(code, named, &frame)?),
                None => Ok(accepted),
            }
        }
        Act::Decline => before.clone().answer(code, Answer::Declined).map_err(refused),
        Act::Withdraw => before.clone().withdraw(code).map_err(refused),
        Act::Propose => {
            if windows.is_empty() {
                return Err(AppError::field("windows", "required"));
            }
            let windows = domain::bilaterals::windows(&frame, &windows, before.duration)?;
            before.clone().propose(code, windows).map_err(refused)
        }
        Act::Follow => before.clone().follow(code, &after, &frame).map_err(|e| match e {
            Reorder::Refused(r) => refused(r),
            Reorder::Invalid(problem) => AppError::field("after", problem),
        }),
    }?;
    // What already holds (an answer sent twice, or given again) changes nothing, not even the
    // version the other sides' forms were read at; anything else must be asked of the latest.
    if changed == before {
        return Ok(before);
    }
    if before.version != version {
        return Err(AppError::Conflict { entity: "bilateral request", current: before.version });
    }
    let mut tx = state.store.begin().await?;
    if matches!(answer, Act::Follow) {
        // The order was checked against the other requests as read: two orders sent at once
        // could otherwise close a circle neither saw.
        store::bilaterals::hold(&mut tx, s.p.event.id, store::Stamp::of(s.requests.iter().map(|r| r.version))).await?;
    }
    let changed = store::bilaterals::replace(&mut tx, &ctx.actor, &before, changed).await?;
    tx.commit().await?;
    Ok(changed)
}

/// The effort a run from the page may spend: a regional summit's requests in about five seconds
/// (benches/schedule.md), a ministerial's in a fraction of one.
const BUDGET: u64 = 80_000_000;

/// How long a scheduler run may take when a person waits for it; the effort budget decides the
/// plan, this only caps it on a slow or busy machine.
const TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Runs the scheduler over the accepted requests, confirmed meetings fixed, and keeps each
/// request's outcome and the settings, for the next run.
async fn run(state: &AppState, ctx: &Ctx, s: &Sideline, settings: Settings) -> Result<Run, AppError> {
    authorize(&ctx.actor, Action::ScheduleBilaterals { event: s.p.event.id })?;
    let settings = settings.validate(&s.settings)?;
    let items = s.attended();
    let sidelines = s.sidelines(&items, settings);
    let prepared = sidelines.prepare();
    let instance = prepared.instance.clone();
    let options = schedule::Options { budget: BUDGET, time_limit: Some(TIME_LIMIT), ..schedule::Options::default() };
    let plan = tokio::task::spawn_blocking(move || schedule::solve(&instance, &options))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| s.impossible(state, ctx.lang, e))?;
    let outcomes = prepared.outcomes(&plan);
    let mut tx = state.store.begin().await?;
    store::bilaterals::keep_settings(&mut tx, &ctx.actor, s.p.event.id, settings).await?;
    for before in &s.requests {
        let outcome = if before.item.is_some() { before.outcome.clone() } else { outcomes.get(&before.id).cloned() };
        if outcome != before.outcome {
            store::bilaterals::place(&mut tx, &ctx.actor, before, outcome).await?;
        }
    }
    tx.commit().await?;
    // Counted from the outcomes, not the plan: the plan holds the confirmed meetings too, and not
    // the requests left out before the scheduler saw them (outside the hours, no head to meet).
    let counted = counts(&s.requests, |r| outcomes.get(&r.id));
    Ok(Run { counted, plan })
}

/// How many of the requests not yet confirmed are placed, and how many left out, by their outcomes.
#[derive(serde::Serialize)]
struct Counts {
    placed: usize,
    unplaced: usize,
}

fn counts<'a>(requests: &'a [Request], outcome_of: impl Fn(&'a Request) -> Option<&'a Outcome>) -> Counts {
    let mut counted = Counts { placed: 0, unplaced: 0 };
    for outcome in requests.iter().filter(|r| r.item.is_none()).map(outcome_of) {
        match outcome {
            Some(Outcome::Placed { .. }) => counted.placed += 1,
            Some(Outcome::Unplaced { .. }) => counted.unplaced += 1,
            None => {}
        }
    }
    counted
}

/// What a scheduler run did, for its caller.
struct Run {
    plan: schedule::Plan,
    counted: Counts,
}

/// Makes programme items of the placed, accepted requests `chosen` (`None`: all of them), each
/// where the host saw it placed if `seen` says.
async fn confirm(
    state: &AppState,
    ctx: &Ctx,
    s: &Sideline,
    chosen: Option<&[Id]>,
    seen: &HashMap<Id, SeenPlacement>,
) -> Result<Vec<Item>, AppError> {
    authorize(&ctx.actor, Action::ScheduleBilaterals { event: s.p.event.id })?;
    // A request named that is no longer accepted and placed where the host saw it (answered or
    // scheduled again since the host read the page) would not be confirmed as the host saw it:
    // nothing is, and the host is told which. One confirmed already (the form sent twice) stays
    // as it is.
    // What the caller saw is said of the requests it confirms.
    if let Some(chosen) = chosen
        && seen.keys().any(|id| !chosen.contains(id))
    {
        return Err(AppError::field("placed", "unknown"));
    }
    let named: Vec<Id> = chosen.map_or_else(|| seen.keys().copied().collect(), <[Id]>::to_vec);
    let mut stale = Vec::new();
    for id in &named {
        let request = s.requests.iter().find(|r| r.id == *id).ok_or_else(|| AppError::field("requests", "unknown"))?;
        let Err(why) = request.confirmable_as(seen.get(id)) else { continue };
        if request.item.is_none() {
            let codes: Vec<&str> = request.sides.iter().map(|x| x.participant.as_str()).collect();
            let why = state.i18n.t(ctx.lang, &format!("bilaterals-unconfirmable-{}", why.as_str()), &[]);
            let meeting = s.names(&codes, ctx.lang);
            stale.push(state.i18n.t(
                ctx.lang,
                "bilaterals-unconfirmable",
                &[("meeting", meeting.into()), ("why", why.into())],
            ));
        }
    }
    if !stale.is_empty() {
        return Err(AppError::refused_with("bilaterals-not-confirmable", vec![("requests", stale.join("; "))]));
    }
    let items = s.attended();
    let sidelines = s.sidelines(&items, s.settings);
    let mut tx = state.store.begin().await?;
    // The plan was made against the programme of its run: whatever the programme gained since in
    // the meeting's room or for its persons refuses the confirmation, as it would the host's own
    // item. Unless what it gained is these very meetings, confirmed by the same choice sent at
    // the same moment (two tabs, a retry): then nothing is left to do.
    match s.p.hold(&mut tx).await {
        Ok(()) => {}
        Err(changed @ AppError::Conflict { .. }) => {
            drop(tx);
            let now = store::bilaterals::of_event(&state.store, s.p.event.id).await?;
            return match chosen {
                Some(chosen) if domain::bilaterals::all_confirmed(&now, chosen) => Ok(Vec::new()),
                _ => Err(changed),
            };
        }
        Err(other) => return Err(other),
    }
    let mut made = Vec::new();
    for before in s.requests.iter().filter(|r| r.confirmable() && chosen.is_none_or(|c| c.contains(&r.id))) {
        let Some(Outcome::Placed { starts, ends, venue, room }) = &before.outcome else { continue };
        let persons = sidelines.persons_of(before).map_err(|_| AppError::field("requests", "no-head"))?;
        let codes: Vec<&str> = before.sides.iter().map(|x| x.participant.as_str()).collect();
        let title = Text(
            crate::i18n::LANGUAGES
                .iter()
                .map(|l| {
                    (l.to_string(), state.i18n.t(l, "bilateral-item-title", &[("sides", s.names(&codes, l).into())]))
                })
                .collect(),
        );
        let fields = domain::programme::ItemFields {
            kind: ItemKind::Bilateral,
            title,
            starts: *starts,
            ends: *ends,
            venue: Some(venue.clone()),
            room: Some(room.clone()),
            meeting: None,
            attendees: Attendees { heads: false, delegations: Vec::new(), persons },
            press: PressAccess::Closed,
            visibility: Visibility::Attendees,
        };
        let item = Item::new(domain::new_id(), s.p.event.id, fields);
        s.p.check(state, ctx.lang, &item)?;
        let item = store::programme::create(&mut tx, &ctx.actor, item).await?;
        store::bilaterals::replace(&mut tx, &ctx.actor, before, Request { item: Some(item.id), ..before.clone() })
            .await?;
        made.push(item);
    }
    let change = s.p.announced(&made);
    crate::live::announce(&mut tx, &change).await?;
    tx.commit().await?;
    state.live.changed(&state.store, change);
    Ok(made)
}

/// When the host cancels a confirmed bilateral's programme item, in the same transaction: the
/// request goes back to the host's list, accepted, to be scheduled again.
pub(crate) async fn release(tx: &mut Tx, actor: &Actor, item: Id) -> Result<(), AppError> {
    if let Some(request) = store::bilaterals::of_item(tx, item).await? {
        store::bilaterals::replace(tx, actor, &request, request.clone().released()).await?;
    }
    Ok(())
}

async fn page(State(state): State<AppState>, ctx: Ctx, Path(slug): Path<String>) -> Result<Html<String>, AppError> {
    show(&state, &ctx, &slug, json!({}), json!({})).await
}

async fn show(state: &AppState, ctx: &Ctx, slug: &str, form: Value, errors: Value) -> Result<Html<String>, AppError> {
    let s = Sideline::load(state, ctx, slug, false).await?;
    let lang = ctx.lang;
    let host = s.scope == BilateralScope::All
        && authorize(&ctx.actor, Action::ScheduleBilaterals { event: s.p.event.id }).is_ok();
    let own = &s.own;
    let requests: Vec<Value> = s.visible().map(|r| s.request_json(state, r, lang)).collect();
    let codes: Vec<String> = s.p.delegations.iter().map(|(_, x)| x.code.clone()).collect();
    // A pick-list, read in the reader's alphabet (the matrix keeps the order of precedence).
    let mut delegations: Vec<Value> =
        s.p.delegations.iter().map(|(_, x)| json!({ "code": x.code, "name": x.short_name.get(lang) })).collect();
    domain::precedence::sort_by_collation(&mut delegations, lang, |d| d["name"].as_str().unwrap_or_default());
    let members: Vec<Value> =
        s.p.members()
            .iter()
            .filter(|(code, _)| own.contains(code))
            .map(|(code, m)| json!({ "id": m.id, "name": m.names.display(lang), "code": code }))
            .collect();
    let followable: Vec<Value> = s
        .visible()
        .filter(|r| own.iter().any(|c| r.followable_by(c)))
        .map(|r| {
            let codes: Vec<&str> = r.sides.iter().map(|x| x.participant.as_str()).collect();
            json!({ "id": r.id, "names": s.names(&codes, lang), "duration": r.duration, "note_short": short(&r.note) })
        })
        .collect();
    // What each of the delegation's own meetings may be asked to follow: never one that follows
    // it, however indirectly, which the server would refuse.
    let frame = RequestFrame { event: &s.p.event, delegations: &codes, members: s.p.members(), requests: &s.requests };
    let may_follow: serde_json::Map<String, Value> = s
        .visible()
        .filter(|r| own.iter().any(|c| c == r.requester()))
        .map(|r| (r.id.to_string(), json!(domain::bilaterals::may_follow(&frame, r.requester(), r.id))))
        .collect();
    let model = json!({
        "event": s.p.event, "requests": requests, "host": host, "own": own, "delegations": delegations,
        "members": members, "followable": followable, "may_follow": may_follow, "priorities": Priority::ALL,
        "form": form, "errors": errors,
        "matrix": if host { matrix(&s, &codes, lang) } else { Value::Null },
        "grid": if host { grid(&s, state, lang) } else { Value::Null },
        "by_delegation": by_delegation(&s, state, lang),
        "settings": s.settings,
        "counts": host.then(|| counts(&s.requests, |r| r.outcome.as_ref())),
        "new_request": domain::new_id(),
        // A row of acceptable times for each day of the event, so that a request may name one window a day.
        "window_count": s.p.event.start_date.until(s.p.event.end_date).map_or(0, |span| span.get_days()).clamp(1, 3) + 1,
    });
    render::page(state, ctx, "bilaterals/show.html", model)
}

/// A note's start, enough to tell apart two requests of the same sides.
fn short(note: &str) -> String {
    const SHOWN: usize = 60;
    let note = note.trim();
    match note.char_indices().nth(SHOWN) {
        Some((at, _)) => format!("{}…", note[..at].trim_end()),
        None => note.to_string(),
    }
}

/// Requests as a matrix: who asked (rows) whom (columns), with each request's status.
fn matrix(s: &Sideline, codes: &[String], lang: &str) -> Value {
    let mut cells: BTreeMap<(String, String), Vec<&'static str>> = BTreeMap::new();
    for r in &s.requests {
        for side in &r.sides[1..] {
            cells.entry((r.requester().to_string(), side.participant.clone())).or_default().push(r.status().as_str());
        }
    }
    let rows: Vec<Value> = codes
        .iter()
        .map(|from| {
            let cells: Vec<Value> = codes
                .iter()
                .map(|to| json!(cells.get(&(from.clone(), to.clone())).cloned().unwrap_or_default()))
                .collect();
            json!({ "code": from, "name": s.names(&[from], lang), "cells": cells })
        })
        .collect();
    let columns: Vec<String> = codes.iter().map(|c| s.names(&[c], lang)).collect();
    json!({ "columns": columns, "rows": rows })
}

/// The placed requests day by day, a row per start time and a column per room; a meeting the host
/// confirmed without a room (or in a room no longer listed) in a last column of its own.
fn grid(s: &Sideline, state: &AppState, lang: &str) -> Value {
    let mut rooms: Vec<(String, String)> =
        s.p.event
            .venues
            .iter()
            .flat_map(|v| {
                v.rooms.iter().map(|r| (domain::bilaterals::room_id(&v.slug, &r.slug), s.place(&v.slug, &r.slug, lang)))
            })
            .collect();
    const ELSEWHERE: &str = "";
    let mut days: BTreeMap<jiff::civil::Date, BTreeMap<String, HashMap<String, Vec<Value>>>> = BTreeMap::new();
    for r in &s.requests {
        if let Some(at) = s.placement(r) {
            let local = s.p.local(at.starts);
            let codes: Vec<&str> = r.sides.iter().map(|x| x.participant.as_str()).collect();
            let room = domain::bilaterals::room_id(&at.venue, &at.room);
            let column = if rooms.iter().any(|(id, _)| *id == room) { room } else { ELSEWHERE.to_string() };
            days.entry(local.date())
                .or_default()
                .entry(local.strftime("%H:%M").to_string())
                .or_default()
                .entry(column)
                .or_default()
                .push(
                    json!({ "names": s.names(&codes, lang), "time": s.time_span(&at), "status": r.status().as_str() }),
                );
        }
    }
    if days.values().flat_map(BTreeMap::values).any(|cells| cells.contains_key(ELSEWHERE)) {
        rooms.push((ELSEWHERE.to_string(), state.i18n.t(lang, "bilaterals-no-room", &[])));
    }
    let days: Vec<Value> = days
        .into_iter()
        .map(|(date, times)| {
            let rows: Vec<Value> = times
                .into_iter()
                .map(|(time, cells)| {
                    let cells: Vec<Value> =
                        rooms.iter().map(|(id, _)| json!(cells.get(id).cloned().unwrap_or_default())).collect();
                    json!({ "time": time, "cells": cells })
                })
                .collect();
            json!({ "day": state.i18n.date(lang, date), "rows": rows })
        })
        .collect();
    json!({ "rooms": rooms.iter().map(|(_, name)| name).collect::<Vec<_>>(), "days": days })
}

/// Each delegation's placed meetings, in time order.
fn by_delegation(s: &Sideline, state: &AppState, lang: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for (_, x) in &s.p.delegations {
        let mut rows: Vec<(jiff::Timestamp, Value)> = s
            .visible()
            .filter(|r| r.has_side(&x.code))
            .filter_map(|r| {
                let at = s.placement(r)?;
                let others: Vec<&str> =
                    r.sides.iter().map(|y| y.participant.as_str()).filter(|c| *c != x.code).collect();
                let row = json!({
                    "day": state.i18n.date(lang, s.p.local(at.starts).date()), "time": s.time_span(&at),
                    "with": s.names(&others, lang), "place": s.place(&at.venue, &at.room, lang),
                    "status": r.status().as_str(),
                });
                Some((at.starts, row))
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        rows.sort_by_key(|(t, _)| *t);
        out.push(
            json!({ "name": x.short_name.get(lang), "meetings": rows.into_iter().map(|(_, v)| v).collect::<Vec<_>>() }),
        );
    }
    out
}

async fn api_list(State(state): State<AppState>, ctx: Ctx, Path(slug): Path<String>) -> Result<Json<Value>, AppError> {
    let s = Sideline::load(&state, &ctx, &slug, false).await?;
    let requests: Vec<Value> = s.visible().map(|r| s.request_json(&state, r, ctx.lang)).collect();
    Ok(Json(json!({ "event": s.p.event.slug, "time_zone": s.p.event.time_zone, "requests": requests })))
}

/// A new request as the API takes it: the request's fields, and `from`, the side asking by
/// participant code, needed only by whoever speaks for several. `from` is taken out before the
/// rest is read, so that a mistake in the rest is named by its path (a flattened struct would
/// lose it).
pub(crate) struct NewRequest {
    from: Option<String>,
    input: RequestInput,
}

impl<S: Send + Sync> axum::extract::FromRequest<S> for NewRequest {
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let JsonBody(mut body) = JsonBody::<crate::input::Object>::from_request(req, state).await?;
        let from = match body.0.remove("from") {
            None | Some(Value::Null) => None,
            Some(Value::String(code)) => Some(code),
            Some(_) => return Err(AppError::field("from", "invalid-value")),
        };
        Ok(NewRequest { from, input: body.read()? })
    }
}

async fn api_request(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    NewRequest { from, input }: NewRequest,
) -> Result<Response, AppError> {
    let s = Sideline::load(&state, &ctx, &slug, true).await?;
    let (status, request) = create(&state, &ctx, &s, checked(&s, &ctx, from.as_deref(), input)?).await?.answer();
    Ok((status, Json(json!({ "request": s.request_json(&state, &request, ctx.lang) }))).into_response())
}

#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerInput {
    version: i64,
    answer: Act,
    /// The windows proposed instead (with `propose`).
    #[serde(default)]
    windows: Vec<WindowInput>,
    /// The requesting side's meetings this one must follow from now on (with `follow`).
    #[serde(default)]
    after: Vec<Id>,
    /// Who meets for the side that accepts, of its accredited members (with `accept`; none
    /// named: its head of delegation).
    #[serde(default)]
    principals: Option<Vec<Id>>,
}

async fn api_answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Id)>,
    JsonBody(input): JsonBody<AnswerInput>,
) -> Result<Json<Value>, AppError> {
    let s = Sideline::load(&state, &ctx, &slug, true).await?;
    let request = act(&state, &ctx, &s, id, input).await?;
    Ok(Json(json!({ "request": s.request_json(&state, &request, ctx.lang) })))
}

async fn api_schedule(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    given: Partial<Settings>,
) -> Result<Json<Value>, AppError> {
    let s = Sideline::load(&state, &ctx, &slug, true).await?;
    // Settings left out are those of the last run.
    let settings = given.over(&s.settings)?;
    let run = run(&state, &ctx, &s, settings).await?;
    Ok(Json(json!({
        "placed": run.counted.placed, "unplaced": run.counted.unplaced, "objective": run.plan.objective,
        "proven_optimal": run.plan.proven_optimal,
    })))
}

#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfirmInput {
    /// The requests to confirm.
    #[serde(default)]
    requests: Vec<Id>,
    /// Confirm every placed request instead: said, never taken from an empty list, so that a
    /// careless call does not fix the whole schedule.
    #[serde(default)]
    all: bool,
    /// Where the caller saw requests placed: one moved since by a scheduler run is not confirmed.
    #[serde(default)]
    placed: Vec<SeenInput>,
}

#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeenInput {
    request: Id,
    #[schemars(with = "domain::schema::Timestamp")]
    starts: jiff::Timestamp,
    venue: String,
    room: String,
}

async fn api_confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    JsonBody(input): JsonBody<ConfirmInput>,
) -> Result<Json<Value>, AppError> {
    let s = Sideline::load(&state, &ctx, &slug, true).await?;
    let chosen = match (input.all, input.requests.is_empty()) {
        (false, true) => return Err(AppError::field("requests", "required")),
        (true, false) => return Err(AppError::field("requests", "not-with-all")),
        (true, true) => None,
        (false, false) => Some(input.requests.as_slice()),
    };
    let seen = input
        .placed
        .into_iter()
        .map(|p| (p.request, SeenPlacement { starts: p.starts, venue: p.venue, room: p.room }))
        .collect();
    let items = confirm(&state, &ctx, &s, chosen, &seen).await?;
    Ok(Json(json!({ "items": items.iter().map(|i| s.p.item_json(i, ctx.lang)).collect::<Vec<_>>() })))
}

async fn api_instance(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Json<schedule::Instance>, AppError> {
    let s = Sideline::load(&state, &ctx, &slug, false).await?;
    authorize(&ctx.actor, Action::ScheduleBilaterals { event: s.p.event.id })?;
    let items = s.attended();
    let sidelines = s.sidelines(&items, s.settings);
    Ok(Json(sidelines.prepare().instance))
}

/// Back to the page after a form; a refused form shows the page with every error by its field.
async fn after_form(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    form: &Form,
    outcome: Result<(), AppError>,
) -> Result<Response, AppError> {
    let outcome = outcome.map(|()| format!("/events/{slug}/bilaterals"));
    let mut values = form.to_json();
    values["windows"] =
        window_rows(form).into_iter().map(|(starts, ends)| json!({ "starts": starts, "ends": ends })).collect();
    render::form_outcome(state, ctx, outcome, |errors| show(state, ctx, slug, values, errors)).await
}

/// The windows of a form's rows (`starts` and `ends`, repeated), the rows left empty skipped. The
/// page shows them back in this order, so that `windows[i]` names the row it shows i-th.
fn window_rows(form: &Form) -> Vec<(&str, &str)> {
    let (starts, ends) = (form.all("starts"), form.all("ends"));
    (0..starts.len().max(ends.len()))
        .map(|i| (starts.get(i).map_or("", |s| s.trim()), ends.get(i).map_or("", |e| e.trim())))
        .filter(|(starts, ends)| !starts.is_empty() || !ends.is_empty())
        .collect()
}

/// The windows a form's rows give, each row's mistakes added to `mistakes` (a row with its
/// start or its end alone asks for the other), and the row each window read came from.
fn windows_from_form(form: &Form, mistakes: &mut Vec<domain::FieldError>) -> (Vec<WindowInput>, Vec<usize>) {
    let time = |value: &str, field: String| {
        if value.is_empty() {
            return Err(domain::FieldError { field, code: "required", args: Vec::new() });
        }
        value.parse().map_err(|_| domain::FieldError { field, code: "invalid-date-time", args: Vec::new() })
    };
    let mut read = (Vec::new(), Vec::new());
    for (i, (starts, ends)) in window_rows(form).into_iter().enumerate() {
        match (time(starts, format!("windows[{i}].starts")), time(ends, format!("windows[{i}].ends"))) {
            (Ok(starts), Ok(ends)) => {
                read.0.push(WindowInput { starts, ends });
                read.1.push(i);
            }
            (starts, ends) => mistakes.extend(starts.err().into_iter().chain(ends.err())),
        }
    }
    read
}

/// A mistake the rules of requests found in the windows that read, named by the row it is on.
fn on_row(mut mistake: domain::FieldError, rows: &[usize]) -> domain::FieldError {
    let index = mistake.field.strip_prefix("windows[").and_then(|rest| rest.split_once(']'));
    if let Some((k, rest)) = index.and_then(|(k, rest)| Some((rows.get(k.parse::<usize>().ok()?)?, rest))) {
        mistake.field = format!("windows[{k}]{rest}");
    }
    mistake
}

async fn request_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: Form,
) -> Result<Response, AppError> {
    let s = Sideline::load(&state, &ctx, &slug, true).await?;
    let outcome = async {
        // Every mistake at once: those in reading the fields, then those the rules of requests
        // find in the fields that did read.
        let mut mistakes = Vec::new();
        let priority =
            Priority::parse(form.get("priority")).ok_or_else(|| AppError::field("priority", "invalid-choice"));
        let duration = gather(form.number("duration"), &mut mistakes)?;
        let (windows, rows) = windows_from_form(&form, &mut mistakes);
        let input = RequestInput {
            id: gather(form.ids("id"), &mut mistakes)?.and_then(|ids| ids.first().copied()),
            with: form.all("with").into_iter().map(str::to_string).collect(),
            principals: gather(form.ids("principals"), &mut mistakes)?.unwrap_or_default(),
            after: gather(form.ids("after"), &mut mistakes)?.unwrap_or_default(),
            // A length that did not read is judged by no window.
            duration: duration.unwrap_or(*domain::bilaterals::DURATION.start()),
            priority: gather(priority, &mut mistakes)?.unwrap_or(Priority::Normal),
            windows,
            note: form.get("note").to_string(),
        };
        let from = Some(form.get("from")).filter(|f| !f.is_empty());
        let said = match checked(&s, &ctx, from, input) {
            Ok(request) if mistakes.is_empty() => return create(&state, &ctx, &s, request).await.map(|_| ()),
            Ok(_) => Vec::new(),
            Err(AppError::Invalid(said)) => said.0,
            Err(other) => return Err(other),
        };
        Err(refused_with_rules(mistakes, said.into_iter().map(|m| on_row(m, &rows)).collect()))
    }
    .await;
    after_form(&state, &ctx, &slug, &form, outcome).await
}

async fn answer_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Id)>,
    form: Form,
) -> Result<Response, AppError> {
    let s = Sideline::load(&state, &ctx, &slug, true).await?;
    let outcome = async {
        let mut mistakes = Vec::new();
        let (windows, _) = windows_from_form(&form, &mut mistakes);
        if !mistakes.is_empty() {
            return Err(AppError::Invalid(domain::Invalid(mistakes)));
        }
        let input = AnswerInput {
            version: form.number("version")?,
            answer: Act::parse(form.get("answer")).ok_or_else(|| AppError::field("answer", "invalid-choice"))?,
            windows,
            after: form.ids("after")?,
            // An invited side's form says who meets for it when it accepts; other answers, and the
            // requesting side's form (which named its own in the request), leave that as it is.
            principals: match (form.get("answer"), form.get("naming")) {
                ("accept", "principals") => Some(form.ids("principals")?),
                _ => None,
            },
        };
        act(&state, &ctx, &s, id, input).await.map(|_| ())
    }
    .await;
    after_form(&state, &ctx, &slug, &form, outcome).await
}

async fn schedule_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: Form,
) -> Result<Response, AppError> {
    let s = Sideline::load(&state, &ctx, &slug, true).await?;
    let outcome = async {
        let time = |name: &str| form.get(name).parse().map_err(|_| AppError::field(name, "invalid-time"));
        let mut mistakes = Vec::new();
        let last = s.settings;
        let settings = Settings {
            day_starts: gather(time("day_starts"), &mut mistakes)?.unwrap_or(last.day_starts),
            day_ends: gather(time("day_ends"), &mut mistakes)?.unwrap_or(last.day_ends),
            grid: gather(form.number("grid"), &mut mistakes)?.unwrap_or(last.grid),
            buffer: gather(form.number("buffer"), &mut mistakes)?.unwrap_or(last.buffer),
            max_per_day: gather(form.number("max_per_day"), &mut mistakes)?.unwrap_or(last.max_per_day),
        };
        if !mistakes.is_empty() {
            // The end of the day is judged only against a start that read.
            let start_unread = mistakes.iter().any(|m| m.field == "day_starts");
            let said = settings.validate(&last).err().map(|i| i.0).unwrap_or_default();
            let said = said.into_iter().filter(|m| !(start_unread && m.field.starts_with("day_"))).collect();
            return Err(refused_with_rules(mistakes, said));
        }
        run(&state, &ctx, &s, settings).await.map(|_| ())
    }
    .await;
    after_form(&state, &ctx, &slug, &form, outcome).await
}

async fn confirm_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: Form,
) -> Result<Response, AppError> {
    let s = Sideline::load(&state, &ctx, &slug, true).await?;
    let outcome = async {
        let chosen = form.ids("request")?;
        if chosen.is_empty() {
            return Err(AppError::field("request", "choose-a-meeting"));
        }
        // The page names where it showed each request placed.
        let mut seen = HashMap::new();
        for id in &chosen {
            let starts = form.get(&format!("starts-{id}"));
            if !starts.is_empty() {
                let starts = starts.parse().map_err(|_| AppError::field("request", "invalid-date-time"))?;
                let (venue, room) = (form.get(&format!("venue-{id}")), form.get(&format!("room-{id}")));
                seen.insert(*id, SeenPlacement { starts, venue: venue.to_string(), room: room.to_string() });
            }
        }
        confirm(&state, &ctx, &s, Some(&chosen), &seen).await.map(|_| ())
    }
    .await;
    after_form(&state, &ctx, &slug, &form, outcome).await
}
