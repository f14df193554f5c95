//! Bilateral meetings on the sidelines: a delegation requests one with others, each side answers,
//! the host has the accepted requests scheduled and confirms the meetings into the programme.
//!
//! The scheduler itself lives in the `schedule` crate; here a request becomes its instance and its
//! plan becomes outcomes again.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::Id;
use crate::delegations::Member;
use crate::events::Event;
use crate::programme::{Item, stay_of, travel_minutes};
use crate::validation::{Checker, Invalid};

/// How much a request matters to the side that made it.
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    High,
    Normal,
    Low,
}

impl Priority {
    pub const ALL: [Priority; 3] = [Priority::High, Priority::Normal, Priority::Low];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::High => "high",
            Self::Normal => "normal",
            Self::Low => "low",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// The scheduler's weight: one high-priority meeting is worth two normal ones.
    pub fn weight(self) -> u32 {
        match self {
            Self::High => 4,
            Self::Normal => 2,
            Self::Low => 1,
        }
    }
}

/// One side's answer to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Pending,
    Accepted,
    Declined,
}

/// A delegation taking part in a request, by participant code, with its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Side {
    pub participant: String,
    pub answer: Answer,
}

/// A time the meeting may take, wholly inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub starts: Timestamp,
    pub ends: Timestamp,
}

/// Windows one side proposed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub by: String,
    pub windows: Vec<Window>,
}

/// Where the request stands, derived from the answers and what the host did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting for some side's answer.
    Pending,
    Accepted,
    Declined,
    Withdrawn,
    /// Confirmed by the host: a programme item.
    Confirmed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Withdrawn => "withdrawn",
            Self::Confirmed => "confirmed",
        }
    }
}

/// Why the scheduler left a request out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Why {
    /// The scheduler's reason, naming persons (member ids), rooms (`venue/room`) and requests.
    Scheduler { reason: schedule::Reason },
    /// None of its windows falls within the hours set for bilaterals.
    OutsideHours,
    /// A side has no head of delegation to meet for it.
    NoHead { participant: String },
}

impl Why {
    /// The reason as a reader may see it, naming no meeting the reader does not `see` (by id):
    /// the meetings a request must follow are the requesting side's own, so those the reader sees
    /// are named; the meetings it lost its places to may be anyone's, so they are named only when
    /// the reader sees them all, and otherwise none is (a partial list would read as the whole).
    pub fn as_seen(&self, sees: impl Fn(&str) -> bool) -> Why {
        use schedule::Reason::{LostTo, Precedence};
        match self {
            Why::Scheduler { reason: Precedence { requests } } => {
                let requests = requests.iter().filter(|r| sees(r)).cloned().collect();
                Why::Scheduler { reason: Precedence { requests } }
            }
            Why::Scheduler { reason: LostTo { requests } } if !requests.iter().all(|r| sees(r)) => {
                Why::Scheduler { reason: LostTo { requests: Vec::new() } }
            }
            other => other.clone(),
        }
    }
}

/// What the last scheduler run proposed for a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    Placed { starts: Timestamp, ends: Timestamp, venue: String, room: String },
    Unplaced { reasons: Vec<Why> },
}

/// Why the host may not confirm a request as the page showed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unconfirmable {
    /// Not every side has accepted it yet.
    NotAccepted,
    /// A side declined it.
    Declined,
    /// The side that asked withdrew it.
    Withdrawn,
    /// No scheduler run has placed it since every side accepted it.
    NotScheduled,
    /// The last scheduler run did not place it.
    NotPlaced,
    /// A run since the page was read placed it elsewhere.
    Moved,
}

impl Unconfirmable {
    pub fn as_str(self) -> &'static str {
        match self {
            Unconfirmable::NotAccepted => "not-accepted",
            Unconfirmable::Declined => "declined",
            Unconfirmable::Withdrawn => "withdrawn",
            Unconfirmable::NotScheduled => "not-scheduled",
            Unconfirmable::NotPlaced => "not-placed",
            Unconfirmable::Moved => "moved",
        }
    }
}

/// A request for a bilateral (or a small group) meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub id: Id,
    pub event_id: Id,
    /// The requesting side first, then the sides asked.
    pub sides: Vec<Side>,
    /// The persons who meet (members of the sides); a side none of whose members is named here
    /// is represented by its head of delegation.
    pub principals: Vec<Id>,
    /// Earlier requests of the event this meeting must follow when both are scheduled (a
    /// trilateral after the bilaterals that prepare it), as the requesting side asked.
    #[serde(default)]
    pub after: Vec<Id>,
    /// Minutes.
    pub duration: u32,
    pub priority: Priority,
    /// Acceptable times; empty: any time during the event.
    pub windows: Vec<Window>,
    /// The side that proposed `windows`; `None`: the requesting side.
    #[serde(default)]
    pub windows_by: Option<String>,
    /// The windows the last proposal replaced, and whose they were: shown beside the new ones, so
    /// that the sides asked again see what changed.
    #[serde(default)]
    pub replaced: Option<Proposal>,
    /// Seen by the sides and the host.
    pub note: String,
    pub withdrawn: bool,
    pub outcome: Option<Outcome>,
    /// The programme item, once the host confirmed the meeting.
    pub item: Option<Id>,
    pub version: i64,
}

/// Why a change of what a request follows is not made: the side may not make it, or the order
/// asked for is not one it may have (the code for the field `after`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reorder {
    Refused(Refusal),
    Invalid(&'static str),
}

/// What a side may do to a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("this delegation is not a side of the request")]
    NotASide,
    #[error("the request was withdrawn")]
    Withdrawn,
    #[error("the request was declined")]
    Declined,
    #[error("the meeting is confirmed; ask the host to change it")]
    Confirmed,
    #[error("only the requesting side withdraws a request or changes what it follows")]
    NotRequester,
    #[error("the requesting side withdraws its request rather than decline it")]
    OwnRequest,
}

/// Where and when the host saw a request placed, when confirming it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SeenPlacement {
    pub starts: Timestamp,
    pub venue: String,
    pub room: String,
}

impl Request {
    pub fn requester(&self) -> &str {
        &self.sides[0].participant
    }

    pub fn has_side(&self, participant: &str) -> bool {
        self.sides.iter().any(|s| s.participant == participant)
    }

    /// Whether `again`, a request sent with this one's id, asks for what this one asked when it
    /// was made: the same request sent twice (a double click, a retry), answered with this one.
    /// Anything else under its id is another request, which may not take it. Its windows may have
    /// been replaced since by a proposal, and the meetings it follows by a new order: each is
    /// compared only while it is as made, so that a late retry still finds the request.
    pub fn asked_again(&self, again: &Request) -> bool {
        let sides = |r: &Request| {
            let mut asked: Vec<&str> = r.sides[1..].iter().map(|s| s.participant.as_str()).collect();
            asked.sort_unstable();
            (r.requester().to_string(), asked.join(" "))
        };
        let windows_as_made = self.windows_by.is_none() && self.replaced.is_none();
        let order_as_made = self.version == 1;
        sides(self) == sides(again)
            && self.principals == again.principals
            && self.duration == again.duration
            && self.priority == again.priority
            && self.note == again.note
            && (!windows_as_made || self.windows == again.windows)
            && (!order_as_made || self.after == again.after)
    }

    /// Whether the host may confirm this request into the programme: accepted by every side and
    /// placed by the scheduler.
    pub fn confirmable(&self) -> bool {
        self.confirmable_as(None).is_ok()
    }

    /// Whether the host may confirm this request placed where the host saw it (`seen`, if the
    /// host says), and why not: a scheduler run since may have moved it, and the host would
    /// confirm a time never reviewed.
    pub fn confirmable_as(&self, seen: Option<&SeenPlacement>) -> Result<(), Unconfirmable> {
        match self.status() {
            Status::Accepted => {}
            Status::Declined => return Err(Unconfirmable::Declined),
            Status::Withdrawn => return Err(Unconfirmable::Withdrawn),
            Status::Pending | Status::Confirmed => return Err(Unconfirmable::NotAccepted),
        }
        match (&self.outcome, seen) {
            (Some(Outcome::Placed { starts, venue, room, .. }), Some(seen))
                if (seen.starts, &seen.venue, &seen.room) != (*starts, venue, room) =>
            {
                Err(Unconfirmable::Moved)
            }
            (Some(Outcome::Placed { .. }), _) => Ok(()),
            (Some(Outcome::Unplaced { .. }), _) => Err(Unconfirmable::NotPlaced),
            (None, _) => Err(Unconfirmable::NotScheduled),
        }
    }

    /// Whether a new request of `participant` may ask to follow this one: one of its own, still
    /// standing.
    pub fn followable_by(&self, participant: &str) -> bool {
        !self.withdrawn && self.has_side(participant)
    }

    pub fn status(&self) -> Status {
        if self.item.is_some() {
            Status::Confirmed
        } else if self.withdrawn {
            Status::Withdrawn
        } else if self.sides.iter().any(|s| s.answer == Answer::Declined) {
            Status::Declined
        } else if self.sides.iter().all(|s| s.answer == Answer::Accepted) {
            Status::Accepted
        } else {
            Status::Pending
        }
    }

    /// Whether `participant` may still act on the request. A decline ends it as a withdrawal does:
    /// the sides stop waiting on it, and the requesting side asks again with a new one.
    fn open_for(&self, participant: &str) -> Result<(), Refusal> {
        if !self.has_side(participant) {
            Err(Refusal::NotASide)
        } else if self.item.is_some() {
            Err(Refusal::Confirmed)
        } else if self.withdrawn {
            Err(Refusal::Withdrawn)
        } else if self.status() == Status::Declined {
            Err(Refusal::Declined)
        } else {
            Ok(())
        }
    }

    /// A side accepts or declines.
    pub fn answer(mut self, participant: &str, answer: Answer) -> Result<Request, Refusal> {
        // The same decline sent again (a double click) holds.
        if answer == Answer::Declined
            && self.status() == Status::Declined
            && self.sides.iter().any(|s| s.participant == participant && s.answer == answer)
        {
            return Ok(self);
        }
        self.open_for(participant)?;
        // The requesting side may decline only windows another side proposed (its answer is then
        // pending); declining what it asked itself would leave the others waiting on nothing.
        let asked = self.sides.iter().any(|s| s.participant == participant && s.answer == Answer::Accepted);
        if answer == Answer::Declined && self.requester() == participant && asked {
            return Err(Refusal::OwnRequest);
        }
        for side in self.sides.iter_mut().filter(|s| s.participant == participant) {
            side.answer = answer;
        }
        // A declined meeting is not to be held: what the last run proposed for it goes, as when
        // the request is withdrawn, so that no grid or count shows it placed.
        if answer == Answer::Declined {
            self.outcome = None;
        }
        Ok(self)
    }

    /// A side names who meets for it: of the request's principals, its own become `principals`
    /// (none: its head of delegation). Each must be one of its accredited members, or the field
    /// names the first that is not.
    pub fn name_principals(
        mut self,
        participant: &str,
        principals: &[Id],
        frame: &RequestFrame,
    ) -> Result<Request, Invalid> {
        let own = |id: &Id| frame.members.iter().any(|(code, m)| code == participant && m.id == *id);
        if let Some(stranger) = principals.iter().find(|id| !own(id)) {
            let mut c = Checker::new();
            c.fail_with("principals", "unknown", vec![("value", stranger.to_string())]);
            return c.finish(self);
        }
        self.principals.retain(|id| !own(id));
        self.principals.extend(principals.iter().copied());
        self.principals.sort();
        self.principals.dedup();
        Ok(self)
    }

    /// A side proposes other windows: they replace the request's, the proposing side accepts them,
    /// and every other side is asked again.
    pub fn propose(mut self, participant: &str, windows: Vec<Window>) -> Result<Request, Refusal> {
        self.open_for(participant)?;
        for side in &mut self.sides {
            side.answer = if side.participant == participant { Answer::Accepted } else { Answer::Pending };
        }
        let by = self.windows_by.take().unwrap_or_else(|| self.requester().to_string());
        self.windows_by = (participant != self.requester()).then(|| participant.to_string());
        self.replaced = Some(Proposal { by, windows: std::mem::replace(&mut self.windows, windows) });
        self.outcome = None;
        Ok(self)
    }

    /// What only the requesting side may do while the request is open: withdraw it, or change
    /// what it follows.
    fn open_to_requester(&self, participant: &str) -> Result<(), Refusal> {
        self.open_for(participant)?;
        if self.requester() != participant {
            return Err(Refusal::NotRequester);
        }
        Ok(())
    }

    /// The requesting side changes which of its meetings this one must follow (checked as for a
    /// new request); the other sides' answers stand, as the order is the requesting side's own.
    /// Who asks is checked before the meetings named are looked at, so that another side learns
    /// nothing of the requester's order from the refusal.
    pub fn follow(mut self, participant: &str, after: &[Id], frame: &RequestFrame) -> Result<Request, Reorder> {
        self.open_to_requester(participant).map_err(Reorder::Refused)?;
        self.after = followed(frame, participant, self.id, after).map_err(Reorder::Invalid)?;
        self.outcome = None;
        Ok(self)
    }

    pub fn withdraw(mut self, participant: &str) -> Result<Request, Refusal> {
        self.open_to_requester(participant)?;
        self.withdrawn = true;
        self.outcome = None;
        Ok(self)
    }

    /// The request once the host cancels its confirmed meeting in the programme: as the sides
    /// left it, to be scheduled again or answered anew. The cancelled item stays in the programme,
    /// marked, for the calendars that showed it.
    pub fn released(self) -> Request {
        Request { item: None, outcome: None, ..self }
    }
}

/// The requests a reader sees: every one (`sides` is `None`: the host), or those that one of the
/// given participants (by code) is a side of — never another delegation's.
pub fn visible<'a>(requests: &'a [Request], sides: Option<&'a [String]>) -> impl Iterator<Item = &'a Request> {
    requests.iter().filter(move |r| sides.is_none_or(|codes| codes.iter().any(|c| r.has_side(c))))
}

/// A window as a user gives it.
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowInput {
    pub starts: Moment,
    pub ends: Moment,
}

/// A moment as given: a date and time on the event's clocks, as a form gives it
/// (`2025-04-10T09:00`), or an instant with its offset, as the API returns windows
/// (`2025-04-10T04:00:00Z`), so that what the API gives can be sent back as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    Local(DateTime),
    Instant(Timestamp),
}

impl Moment {
    fn in_zone(self, tz: &TimeZone) -> Result<jiff::ZonedDateTime, jiff::Error> {
        match self {
            Moment::Local(at) => at.to_zoned_datetime(tz.clone()),
            Moment::Instant(at) => Ok(at.to_zoned_datetime(tz.clone())),
        }
    }
}

impl std::str::FromStr for Moment {
    type Err = jiff::Error;

    fn from_str(s: &str) -> Result<Moment, jiff::Error> {
        // An instant needs its offset, which a local time lacks, so the two cannot be mistaken.
        s.parse().map(Moment::Instant).or_else(|_| s.parse().map(Moment::Local))
    }
}

impl std::fmt::Display for Moment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Moment::Local(at) => at.fmt(f),
            Moment::Instant(at) => at.fmt(f),
        }
    }
}

impl Serialize for Moment {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl schemars::JsonSchema for Moment {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Moment".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "description":
            "A day and time on the event's clocks (2025-04-10T09:00), or an instant with its offset (2025-04-10T04:00:00Z)" })
    }
}

impl<'de> Deserialize<'de> for Moment {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Moment, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(|_| {
            serde::de::Error::custom(format!("{s:?} is no date and time (2025-04-10T09:00, or 2025-04-10T04:00:00Z)"))
        })
    }
}

/// A new request as a delegation sends it.
#[derive(schemars::JsonSchema, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestInput {
    /// The id the request takes: a form gives it, so that sending the form twice makes one
    /// request. A new one when absent.
    #[serde(default)]
    pub id: Option<Id>,
    /// The sides asked, by participant code.
    pub with: Vec<String>,
    #[serde(default)]
    pub principals: Vec<Id>,
    /// Requests of the event, the requesting side's own, that this meeting must follow.
    #[serde(default)]
    pub after: Vec<Id>,
    /// Minutes.
    #[schemars(range(min = *DURATION.start(), max = *DURATION.end()))]
    pub duration: u32,
    #[serde(default = "normal")]
    pub priority: Priority,
    #[serde(default)]
    pub windows: Vec<WindowInput>,
    #[serde(default)]
    pub note: String,
}

fn normal() -> Priority {
    Priority::Normal
}

/// What a request is checked against: the event, and its delegations with their accredited members.
pub struct RequestFrame<'a> {
    pub event: &'a Event,
    /// Participant codes of the event's delegations.
    pub delegations: &'a [String],
    /// Accredited members with their participant's code.
    pub members: &'a [(String, Member)],
    /// The event's requests so far, which a new one may ask to follow.
    pub requests: &'a [Request],
}

/// The shortest and longest meeting one may ask for, in minutes: a pull-aside to a working lunch.
pub const DURATION: std::ops::RangeInclusive<u32> = 5..=240;

/// The requests a meeting `this` of `requester` may be asked to follow, each once: of the event,
/// the requester's own and still standing ([`Request::followable_by`]), and none that follows
/// `this` itself, however indirectly, for the order would go round. The error is the code for the
/// field `after`.
///
/// The walk goes through other delegations' orders too (a meeting of the requester's may follow
/// one of a partner's, which follows the partner's own): a refusal says only that the order would
/// go round, never through which meetings. Withdrawn requests are not scheduled and do not count.
/// Two changes made at once to different requests may still close a circle between them; the
/// scheduler then places at most one of the two and says why of the other.
fn followed(frame: &RequestFrame, requester: &str, this: Id, after: &[Id]) -> Result<Vec<Id>, &'static str> {
    let mut after = after.to_vec();
    after.sort();
    after.dedup();
    let by_id: BTreeMap<Id, &Request> =
        frame.requests.iter().filter(|r| r.event_id == frame.event.id).map(|r| (r.id, r)).collect();
    if !after.iter().all(|id| by_id.get(id).is_some_and(|r| r.followable_by(requester))) {
        return Err("unknown");
    }
    let mut seen = BTreeSet::new();
    let mut reached = after.clone();
    while let Some(id) = reached.pop() {
        if id == this {
            return Err("order-cycle");
        }
        if seen.insert(id) {
            reached.extend(by_id.get(&id).filter(|r| !r.withdrawn).map(|r| r.after.as_slice()).unwrap_or_default());
        }
    }
    Ok(after)
}

/// The requests a form may offer meeting `this` of `requester` to follow: those [`followed`]
/// takes, one by one.
pub fn may_follow(frame: &RequestFrame, requester: &str, this: Id) -> Vec<Id> {
    frame
        .requests
        .iter()
        .filter(|r| r.id != this && r.followable_by(requester))
        .filter(|r| followed(frame, requester, this, &[r.id]).is_ok())
        .map(|r| r.id)
        .collect()
}

/// Whether every request `chosen` is confirmed already (has its programme item): a confirmation
/// of them sent again has nothing left to do.
pub fn all_confirmed(requests: &[Request], chosen: &[Id]) -> bool {
    chosen.iter().all(|id| requests.iter().any(|r| r.id == *id && r.item.is_some()))
}

/// Checks windows typed in the event's local time: in order, on the event's days, long enough.
pub fn windows(frame: &RequestFrame, inputs: &[WindowInput], duration: u32) -> Result<Vec<Window>, Invalid> {
    let mut c = Checker::new();
    let out = check_windows(&mut c, frame.event, inputs, duration);
    c.finish(out)
}

fn check_windows(c: &mut Checker, event: &Event, inputs: &[WindowInput], duration: u32) -> Vec<Window> {
    let tz = TimeZone::get(&event.time_zone).unwrap_or(TimeZone::UTC);
    let mut out = Vec::new();
    for (i, w) in inputs.iter().enumerate() {
        let field = |part: &str| format!("windows[{i}].{part}");
        let (Ok(starts), Ok(ends)) = (w.starts.in_zone(&tz), w.ends.in_zone(&tz)) else {
            c.fail(field("starts"), "invalid-time");
            continue;
        };
        let days = event.start_date..=event.end_date;
        if !days.contains(&starts.date()) {
            c.fail(field("starts"), "outside-event");
        } else if !days.contains(&ends.date()) {
            c.fail(field("ends"), "outside-event");
        } else if ends.timestamp() <= starts.timestamp() {
            c.fail(field("ends"), "end-not-after-start");
        } else if (ends.timestamp() - starts.timestamp()).as_mins() < i64::from(duration) {
            c.fail(field("ends"), "window-too-short");
        } else {
            out.push(Window { starts: starts.timestamp(), ends: ends.timestamp() });
        }
    }
    // In the order of time, whatever the order given: read as a list of the day's choices.
    out.sort_by_key(|w| (w.starts, w.ends));
    out
}

impl RequestInput {
    /// The request `requester` sends: every side a delegation of the event, the principals members
    /// of the sides, a sensible length, windows on the event's days.
    pub fn validate(self, frame: &RequestFrame, requester: &str) -> Result<Request, Invalid> {
        let mut c = Checker::new();
        // A form sends an empty choice as an empty value: nobody chosen, not an unknown delegation.
        let with =
            self.with.iter().map(|w| w.trim().to_ascii_uppercase()).filter(|w| !w.is_empty()).collect::<Vec<_>>();
        let unique: BTreeSet<&String> = with.iter().collect();
        if with.is_empty() {
            c.fail("with", "required");
        } else if with.iter().any(|w| w == requester) {
            c.fail("with", "own-delegation");
        } else if unique.len() != with.len() {
            c.fail("with", "delegation-twice");
        } else if with.iter().any(|w| !frame.delegations.contains(w)) {
            c.fail("with", "unknown");
        }
        if !DURATION.contains(&self.duration) {
            c.fail_with(
                "duration",
                "out-of-range",
                vec![("min", DURATION.start().to_string()), ("max", DURATION.end().to_string())],
            );
        }
        let sides: Vec<&str> = std::iter::once(requester).chain(with.iter().map(String::as_str)).collect();
        let mut principals = self.principals.clone();
        principals.sort();
        principals.dedup();
        let member_of: BTreeMap<Id, &str> = frame.members.iter().map(|(code, m)| (m.id, code.as_str())).collect();
        if principals.iter().any(|p| member_of.get(p).is_none_or(|code| !sides.contains(code))) {
            c.fail("principals", "unknown");
        }
        let id = self.id.unwrap_or_else(crate::new_id);
        let after = followed(frame, requester, id, &self.after).unwrap_or_else(|code| {
            c.fail("after", code);
            Vec::new()
        });
        let note = self.note.trim().to_string();
        if note.chars().count() > 2000 {
            c.fail_with("note", "too-long", vec![("max", "2000".to_string())]);
        }
        let windows = check_windows(&mut c, frame.event, &self.windows, self.duration);
        c.finish(())?;
        let answer = |code: &str| if code == requester { Answer::Accepted } else { Answer::Pending };
        Ok(Request {
            id,
            event_id: frame.event.id,
            sides: sides.iter().map(|code| Side { participant: code.to_string(), answer: answer(code) }).collect(),
            principals,
            after,
            duration: self.duration,
            priority: self.priority,
            windows,
            windows_by: None,
            replaced: None,
            note,
            withdrawn: false,
            outcome: None,
            item: None,
            version: 1,
        })
    }
}

/// The host's settings for a scheduler run.
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Bilaterals are held between these hours on each day of the event.
    #[schemars(with = "crate::schema::Time")]
    pub day_starts: Time,
    #[schemars(with = "crate::schema::Time")]
    pub day_ends: Time,
    /// Meetings start on multiples of this many minutes.
    #[schemars(range(min = *GRID.start(), max = *GRID.end()))]
    pub grid: u32,
    /// Minutes between two commitments of one person, on top of travel.
    #[schemars(range(min = *BUFFER.start(), max = *BUFFER.end()))]
    pub buffer: u32,
    /// Meetings a person may have in a day.
    #[schemars(range(min = *MAX_PER_DAY.start(), max = *MAX_PER_DAY.end()))]
    pub max_per_day: u32,
}

/// What the host may set: the start grid in minutes, the buffer in minutes, meetings a day.
pub const GRID: std::ops::RangeInclusive<u32> = 1..=60;
pub const BUFFER: std::ops::RangeInclusive<u32> = 0..=120;
pub const MAX_PER_DAY: std::ops::RangeInclusive<u32> = 1..=24;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            day_starts: jiff::civil::time(8, 0, 0, 0),
            day_ends: jiff::civil::time(21, 0, 0, 0),
            grid: 5,
            buffer: 5,
            max_per_day: 8,
        }
    }
}

impl Settings {
    /// Checks the settings of a run, changed from `last`'s: a day that ends before it starts is
    /// said at the hour that changed, the start if only the start did.
    pub fn validate(self, last: &Settings) -> Result<Settings, Invalid> {
        let mut c = Checker::new();
        if self.day_ends <= self.day_starts {
            if self.day_ends == last.day_ends && self.day_starts != last.day_starts {
                c.fail("day_starts", "start-not-before-end");
            } else {
                c.fail("day_ends", "end-not-after-start");
            }
        }
        c.within("grid", self.grid, &GRID);
        c.within("buffer", self.buffer, &BUFFER);
        c.within("max_per_day", self.max_per_day, &MAX_PER_DAY);
        c.finish(self)
    }
}

/// Rooms whose capacity nobody gave are taken to seat any bilateral.
const UNKNOWN_CAPACITY: u32 = 1000;

/// People in the room per side: the principal, an adviser and an interpreter or note-taker.
const PEOPLE_PER_SIDE: u32 = 3;

/// What the scheduler needs of an event.
pub struct Sidelines<'a> {
    pub event: &'a Event,
    pub tz: &'a TimeZone,
    /// Accredited members with their participant's code.
    pub members: &'a [(String, Member)],
    /// The event's programme, with each item's attending members.
    pub items: &'a [(&'a Item, BTreeSet<Id>)],
    pub requests: &'a [Request],
    pub settings: Settings,
}

/// A scheduler instance for the accepted and confirmed requests of an event, and the outcomes
/// decided before any search (requests that cannot enter it).
pub struct Prepared {
    pub instance: schedule::Instance,
    pub outcomes: BTreeMap<Id, Outcome>,
    origin: Timestamp,
}

impl Sidelines<'_> {
    /// The programme item of a request's confirmed meeting, unless it was cancelled.
    fn held(&self, request: &Request) -> Option<&Item> {
        let id = request.item?;
        self.items.iter().map(|(i, _)| *i).find(|i| i.id == id && !i.cancelled)
    }

    /// The persons a request brings together: each side's principals named in it, else the
    /// side's head of delegation.
    pub fn persons_of(&self, request: &Request) -> Result<Vec<Id>, Why> {
        let mut persons = Vec::new();
        for side in &request.sides {
            let ours = |m: &&(String, Member)| m.0 == side.participant;
            let named: Vec<Id> = self
                .members
                .iter()
                .filter(ours)
                .map(|(_, m)| m.id)
                .filter(|id| request.principals.contains(id))
                .collect();
            if named.is_empty() {
                // A meeting on the sidelines is of no one meeting.
                let head = Member::head_at(self.members.iter().filter(ours).map(|(_, m)| m), None, true);
                persons.push(head.ok_or_else(|| Why::NoHead { participant: side.participant.clone() })?.id);
            } else {
                persons.extend(named);
            }
        }
        Ok(persons)
    }

    fn origin(&self) -> Timestamp {
        self.at(self.event.start_date, Time::midnight())
    }

    fn at(&self, date: Date, time: Time) -> Timestamp {
        date.to_datetime(time).to_zoned_datetime(self.tz.clone()).map_or(Timestamp::UNIX_EPOCH, |z| z.timestamp())
    }

    /// The instance: days of the event within the hours set, the rooms of its venues, the
    /// principals with their programme and stay, accepted requests to place and confirmed ones fixed.
    ///
    /// The hours bound where the scheduler places meetings, not where confirmed ones stay: a day
    /// reaches out to a meeting confirmed outside its hours (a working dinner), which holds its
    /// persons, its room and its order there as any fixed meeting does, while every meeting to
    /// place keeps to the hours by its windows.
    pub fn prepare(&self) -> Prepared {
        let origin = self.origin();
        let minute = |t: Timestamp| (t - origin).as_mins();
        let span_of = |item: &Item| schedule::Span::new(minute(item.starts), minute(item.ends));
        let mut hours = Vec::new();
        let mut date = self.event.start_date;
        while date <= self.event.end_date {
            let (s, e) = (self.at(date, self.settings.day_starts), self.at(date, self.settings.day_ends));
            hours.push((date, schedule::Day { start: minute(s), end: minute(e) }));
            date = date.tomorrow().unwrap_or(Date::MAX);
        }
        // Each confirmed meeting lies within a day: its date's, reached out to, or one of its own
        // on a date outside the event; days that then overlap (a meeting across midnight) are one.
        let mut spans: Vec<schedule::Span> = hours.iter().map(|(_, d)| d.span()).collect();
        for item in self.requests.iter().filter_map(|r| self.held(r)) {
            let on = self.tz.to_datetime(item.starts).date();
            match hours.iter().position(|(date, _)| *date == on) {
                Some(k) => {
                    let span = span_of(item);
                    spans[k] = schedule::Span::new(spans[k].start.min(span.start), spans[k].end.max(span.end));
                }
                None => spans.push(span_of(item)),
            }
        }
        spans.sort();
        let mut days: Vec<schedule::Day> = Vec::new();
        for span in spans {
            match days.last_mut() {
                Some(last) if span.start < last.end => last.end = last.end.max(span.end),
                _ => days.push(schedule::Day { start: span.start, end: span.end }),
            }
        }
        let hours: Vec<schedule::Span> = hours.iter().map(|(_, d)| d.span()).collect();
        let widened = days.len() != hours.len() || days.iter().zip(&hours).any(|(d, h)| d.span() != *h);
        // A room kept from bilaterals still holds the meetings confirmed there before, and is
        // unavailable at any other time: nothing new is placed there.
        let mut fixed_rooms: BTreeMap<String, Vec<schedule::Span>> = BTreeMap::new();
        for item in self.requests.iter().filter_map(|r| self.held(r)) {
            if let (Some(venue), Some(room)) = (item.venue.as_deref(), item.room.as_deref()) {
                fixed_rooms.entry(room_id(venue, room)).or_default().push(span_of(item));
            }
        }
        let whole = schedule::Span::new(days.first().map_or(0, |d| d.start), days.last().map_or(0, |d| d.end));
        // The confirmed meetings that enter as fixed requests. One whose sides have no head to
        // meet for them, or that the host left without a room, stays out, and holds its room and
        // persons (with the way to and from its venue) as any item of the programme.
        let confirmed: BTreeSet<Id> = self
            .requests
            .iter()
            .filter(|r| self.persons_of(r).is_ok())
            .filter_map(|r| self.held(r))
            .filter(|i| i.venue.is_some() && i.room.is_some())
            .map(|i| i.id)
            .collect();
        // A room the programme uses for anything else is not free for bilaterals meanwhile (the
        // confirmed ones are the fixed requests themselves).
        let mut taken: BTreeMap<String, Vec<schedule::Span>> = BTreeMap::new();
        for (i, _) in self.items.iter().filter(|(i, _)| !i.cancelled && !confirmed.contains(&i.id)) {
            if let (Some(venue), Some(room)) = (i.venue.as_deref(), i.room.as_deref()) {
                taken
                    .entry(room_id(venue, room))
                    .or_default()
                    .push(schedule::Span::new(minute(i.starts), minute(i.ends)));
            }
        }
        let mut rooms: Vec<schedule::Room> = self
            .event
            .venues
            .iter()
            .flat_map(|v| {
                v.rooms.iter().filter(|r| r.bilaterals || fixed_rooms.contains_key(&room_id(&v.slug, &r.slug))).map(
                    |r| {
                        let id = room_id(&v.slug, &r.slug);
                        let mut unavailable = taken.get(&id).cloned().unwrap_or_default();
                        if !r.bilaterals {
                            unavailable.extend(outside(whole, fixed_rooms.get(&id).map_or(&[][..], Vec::as_slice)));
                        }
                        schedule::Room {
                            unavailable,
                            id,
                            venue: v.slug.clone(),
                            capacity: r.capacity.unwrap_or(UNKNOWN_CAPACITY),
                        }
                    },
                )
            })
            .collect();
        // Smallest rooms first: among equal places the scheduler takes the first room, and a
        // bilateral belongs in a bilateral room rather than the plenary hall.
        rooms.sort_by(|a, b| (a.capacity, &a.id).cmp(&(b.capacity, &b.id)));
        let mut travel = Vec::new();
        for (i, a) in self.event.venues.iter().enumerate() {
            for b in &self.event.venues[i + 1..] {
                if let Some(minutes) = travel_minutes(&self.event.travel, &a.slug, &b.slug) {
                    travel.push(schedule::Travel {
                        from: a.slug.clone(),
                        to: b.slug.clone(),
                        minutes: i64::from(minutes),
                    });
                }
            }
        }
        let mut outcomes = BTreeMap::new();
        let mut requests = Vec::new();
        let mut persons: BTreeSet<Id> = BTreeSet::new();
        // A window as the hours cut it: the parts of it within them.
        let in_hours = |w: schedule::Span| -> Vec<schedule::Span> {
            hours
                .iter()
                .map(|h| schedule::Span::new(w.start.max(h.start), w.end.min(h.end)))
                .filter(|cut| !cut.is_empty())
                .collect()
        };
        for request in self.requests {
            let fixed = self.held(request);
            if fixed.is_some_and(|item| !confirmed.contains(&item.id))
                || (request.status() != Status::Accepted && fixed.is_none())
            {
                continue;
            }
            let who = match self.persons_of(request) {
                Ok(who) => who,
                Err(why) => {
                    outcomes.insert(request.id, Outcome::Unplaced { reasons: vec![why] });
                    continue;
                }
            };
            let windows: Vec<schedule::Span> = match request.windows.as_slice() {
                // Any time within the hours: said only where a day reaches past them.
                [] if widened => hours.clone(),
                [] => Vec::new(),
                asked => {
                    asked.iter().flat_map(|w| in_hours(schedule::Span::new(minute(w.starts), minute(w.ends)))).collect()
                }
            };
            if fixed.is_none() && !request.windows.is_empty() && windows.is_empty() {
                outcomes.insert(request.id, Outcome::Unplaced { reasons: vec![Why::OutsideHours] });
                continue;
            }
            // A confirmed meeting holds the time its item holds, which the host may have made
            // longer or shorter than asked.
            let duration = fixed.map_or(i64::from(request.duration), |item| span_of(item).end - span_of(item).start);
            let fixed = fixed.and_then(|item| {
                Some(schedule::Fixed {
                    start: minute(item.starts),
                    room: room_id(item.venue.as_deref()?, item.room.as_deref()?),
                })
            });
            persons.extend(who.iter().copied());
            requests.push(schedule::Request {
                id: request.id.to_string(),
                persons: who.iter().map(Id::to_string).collect(),
                duration,
                weight: request.priority.weight(),
                size: PEOPLE_PER_SIDE * request.sides.len() as u32,
                // A confirmed meeting keeps its place even where its windows changed since.
                windows: if fixed.is_some() { Vec::new() } else { windows },
                rooms: Vec::new(),
                after: request.after.iter().map(Id::to_string).collect(),
                fixed,
            });
        }
        // A meeting in an order with one confirmed but kept out of the instance (the host left it
        // without a room, or a side has no head to meet for it) still keeps the order: its windows
        // start once a meeting it follows has ended and end before one that follows it starts, and
        // with none left it cannot be placed in that order.
        let held_out: Vec<(&Request, schedule::Span)> = self
            .requests
            .iter()
            .filter_map(|r| Some((r, self.held(r).filter(|i| !confirmed.contains(&i.id)).map(span_of)?)))
            .collect();
        let mut unordered = BTreeSet::new();
        for request in self.requests.iter().filter(|r| r.item.is_none()) {
            let before: Vec<&(&Request, schedule::Span)> =
                held_out.iter().filter(|(h, _)| request.after.contains(&h.id)).collect();
            let after: Vec<&(&Request, schedule::Span)> =
                held_out.iter().filter(|(h, _)| h.after.contains(&request.id)).collect();
            if before.is_empty() && after.is_empty() {
                continue;
            }
            let id = request.id.to_string();
            let Some(entry) = requests.iter_mut().find(|e| e.id == id) else { continue };
            let from = before.iter().map(|(_, s)| s.end).max().unwrap_or(i64::MIN);
            let until = after.iter().map(|(_, s)| s.start).min().unwrap_or(i64::MAX);
            let windows = if entry.windows.is_empty() { hours.clone() } else { std::mem::take(&mut entry.windows) };
            // A window the order cut too short for the meeting is the order's doing, and said so.
            let duration = entry.duration;
            entry.windows = windows
                .into_iter()
                .map(|w| (w, schedule::Span::new(w.start.max(from), w.end.min(until))))
                .filter(|(was, cut)| !cut.is_empty() && (cut == was || cut.end - cut.start >= duration))
                .map(|(_, cut)| cut)
                .collect();
            if entry.windows.is_empty() {
                let requests = before.iter().chain(&after).map(|(h, _)| h.id.to_string()).collect();
                let reason = schedule::Reason::Precedence { requests };
                outcomes.insert(request.id, Outcome::Unplaced { reasons: vec![Why::Scheduler { reason }] });
                unordered.insert(id);
            }
        }
        requests.retain(|r| !unordered.contains(&r.id));
        // A meeting follows only the requests that are scheduled too (not declined or withdrawn).
        let scheduled: BTreeSet<String> = requests.iter().map(|r| r.id.clone()).collect();
        for request in &mut requests {
            request.after.retain(|a| scheduled.contains(a));
        }
        let persons = persons
            .into_iter()
            .map(|id| {
                let member = self.members.iter().find(|(_, m)| m.id == id).map(|(_, m)| m);
                let present = member.map(|m| stay_of(m, self.tz)).and_then(|(arrives, departs)| {
                    (arrives.is_some() || departs.is_some()).then(|| {
                        // An arrival or departure not given is the first or last hour bilaterals
                        // may take: plain numbers, which every reader of the instance's JSON
                        // reads exactly (JavaScript's numbers end at 2^53).
                        // A date typed far off (a departure in 2205) is cut to the event, which
                        // is all the scheduler needs of it and within the numbers it takes.
                        let within = |at| minute(at).clamp(whole.start, whole.end);
                        let from = arrives.map_or(whole.start, within);
                        schedule::Span::new(from, departs.map_or(whole.end.max(from), within))
                    })
                });
                // A stay that ends as it starts is no stay: the person is busy throughout, not
                // an instance the scheduler refuses.
                let (present, absent) = match present {
                    Some(stay) if stay.is_empty() => (None, Some(whole)),
                    present => (present, None),
                };
                let busy = self
                    .items
                    .iter()
                    .filter(|(item, attending)| {
                        !item.cancelled && !confirmed.contains(&item.id) && attending.contains(&id)
                    })
                    .map(|(item, _)| schedule::Busy {
                        start: minute(item.starts),
                        end: minute(item.ends),
                        venue: item.venue.clone(),
                        label: None,
                    })
                    .chain(absent.map(|s| schedule::Busy { start: s.start, end: s.end, venue: None, label: None }))
                    .collect();
                schedule::Person { id: id.to_string(), present, busy, max_per_day: None }
            })
            .collect();
        let previous = self
            .requests
            .iter()
            .filter(|r| r.status() == Status::Accepted)
            .filter_map(|r| match &r.outcome {
                Some(Outcome::Placed { starts, venue, room, .. }) => Some(schedule::Placement {
                    request: r.id.to_string(),
                    start: minute(*starts),
                    room: room_id(venue, room),
                }),
                _ => None,
            })
            .filter(|p| requests.iter().any(|r| r.id == p.request) && rooms.iter().any(|r| r.id == p.room))
            .collect();
        let instance = schedule::Instance {
            origin: Some(
                self.at(self.event.start_date, Time::midnight()).to_zoned_datetime(self.tz.clone()).to_string(),
            ),
            grid: i64::from(self.settings.grid),
            buffer: i64::from(self.settings.buffer),
            max_per_day: self.settings.max_per_day,
            default_travel: DEFAULT_TRAVEL,
            days,
            travel,
            rooms,
            persons,
            requests,
            previous,
        };
        Prepared { instance, outcomes, origin }
    }
}

/// The parts of `whole` outside every one of `spans`.
fn outside(whole: schedule::Span, spans: &[schedule::Span]) -> Vec<schedule::Span> {
    let mut spans = spans.to_vec();
    spans.sort();
    let mut out = Vec::new();
    let mut from = whole.start;
    for s in spans {
        if s.start > from {
            out.push(schedule::Span::new(from, s.start.min(whole.end)));
        }
        from = from.max(s.end);
    }
    if from < whole.end {
        out.push(schedule::Span::new(from, whole.end));
    }
    out.retain(|s| !s.is_empty());
    out
}

/// Which way round two meetings were asked to go, seen from the one moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// It was asked to come after the other.
    After,
    /// It was asked to come before the other.
    Before,
}

/// The order asked between confirmed meetings that `moved`, a confirmed meeting's item at its new
/// time, breaks: the item of each other confirmed meeting it overlaps or passes, and which way
/// round the two were asked to go. The scheduler keeps the order; a meeting the host moves by hand
/// may not, and the host is told.
pub fn broken_order<'i>(requests: &[Request], items: &'i [Item], moved: &Item) -> Vec<(&'i Item, Order)> {
    let standing = || requests.iter().filter(|r| !r.withdrawn);
    let Some(this) = standing().find(|r| r.item == Some(moved.id)).filter(|_| !moved.cancelled) else {
        return Vec::new();
    };
    let held =
        |r: &Request| r.item.and_then(|id| items.iter().find(|i| i.id == id && i.id != moved.id && !i.cancelled));
    let mut out = Vec::new();
    for (request, other) in standing().filter_map(|r| Some((r, held(r)?))) {
        if this.after.contains(&request.id) && other.ends > moved.starts {
            out.push((other, Order::After));
        }
        if request.after.contains(&this.id) && other.starts < moved.ends {
            out.push((other, Order::Before));
        }
    }
    out
}

/// Travel minutes assumed between venues whose travel time the host has not given.
const DEFAULT_TRAVEL: i64 = 30;

/// A room as the scheduler names it.
pub fn room_id(venue: &str, room: &str) -> String {
    format!("{venue}/{room}")
}

/// The venue and the room a scheduler's room names ([`room_id`]).
pub fn room_of(id: &str) -> Option<(&str, &str)> {
    id.split_once('/')
}

impl Prepared {
    /// The outcome of every request in the instance, from the plan, beside those decided before.
    pub fn outcomes(mut self, plan: &schedule::Plan) -> BTreeMap<Id, Outcome> {
        let at = |minute: i64| self.origin + jiff::SignedDuration::from_mins(minute);
        for m in &plan.meetings {
            let (Ok(id), Some((venue, room))) = (m.request.parse::<Id>(), room_of(&m.room)) else { continue };
            self.outcomes.insert(
                id,
                Outcome::Placed { starts: at(m.start), ends: at(m.end), venue: venue.into(), room: room.into() },
            );
        }
        for u in &plan.unplaced {
            let Ok(id) = u.request.parse::<Id>() else { continue };
            let reasons = u.reasons.iter().map(|reason| Why::Scheduler { reason: reason.clone() }).collect();
            self.outcomes.insert(id, Outcome::Unplaced { reasons });
        }
        self.outcomes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Text;
    use crate::delegations::DelegationRole;
    use crate::delegations::{MemberFields, Movement, Names, Private, Rank};
    use crate::events::{EventFields, Room, Venue};
    use crate::programme::{Attendees, ItemFields, ItemKind, PressAccess, Visibility};

    fn almaty() -> Event {
        let venue = Venue {
            slug: "mfa".into(),
            name: Text::new(&[("en", "MFA")]),
            address: String::new(),
            location: None,
            rooms: vec![Room {
                slug: "green".into(),
                name: Text::new(&[("en", "Green room")]),
                capacity: Some(8),
                accessibility: String::new(),
                bilaterals: true,
            }],
            accessibility: String::new(),
        };
        Event::new(
            crate::new_id(),
            crate::new_id(),
            EventFields {
                slug: "almaty-2025".into(),
                name: Text::new(&[("en", "Almaty")]),
                host: "KZ".into(),
                city: Text::new(&[("en", "Almaty")]),
                city_cases: Default::default(),
                time_zone: "Asia/Almaty".into(),
                start_date: jiff::civil::date(2025, 4, 10),
                end_date: jiff::civil::date(2025, 4, 11),
                venues: Some(vec![venue]),
                travel: Some(Vec::new()),
            },
        )
    }

    fn head(code: &str, arrival: Option<Movement>) -> (String, Member) {
        let fields = MemberFields {
            names: Names::default(),
            position: Text::new(&[("en", "Minister")]),
            tenure: Default::default(),
            rank: Rank::Minister,
            role: DelegationRole::Head,
            formats: Vec::new(),
            meetings: Vec::new(),
            private: Private { arrival, ..Private::default() },
            cases: Default::default(),
        };
        (code.to_string(), Member::requested(crate::new_id(), crate::new_id(), fields))
    }

    fn at(s: &str) -> Moment {
        s.parse().unwrap()
    }

    fn ask(with: &[&str], windows: Vec<WindowInput>) -> RequestInput {
        RequestInput {
            id: None,
            with: with.iter().map(|w| w.to_string()).collect(),
            principals: Vec::new(),
            after: Vec::new(),
            duration: 30,
            priority: Priority::High,
            windows,
            note: String::new(),
        }
    }

    #[test]
    fn a_request_follows_only_its_own_sides_earlier_requests_still_standing() {
        let event = almaty();
        let delegations = ["KZ".to_string(), "RU".to_string(), "TJ".to_string()];
        let earlier = RequestFrame { event: &event, delegations: &delegations, members: &[], requests: &[] };
        let ours = ask(&["RU"], Vec::new()).validate(&earlier, "KZ").unwrap();
        let theirs = ask(&["RU"], Vec::new()).validate(&earlier, "TJ").unwrap();
        let gone = ask(&["TJ"], Vec::new()).validate(&earlier, "KZ").unwrap().withdraw("KZ").unwrap();
        let requests = [ours.clone(), theirs.clone(), gone.clone()];
        let frame = RequestFrame { event: &event, delegations: &delegations, members: &[], requests: &requests };
        let follow = |after: Vec<Id>| RequestInput { after, ..ask(&["RU"], Vec::new()) }.validate(&frame, "KZ");
        assert_eq!(follow(vec![ours.id, ours.id]).unwrap().after, [ours.id], "once each");
        assert_eq!(codes(follow(vec![theirs.id]).unwrap_err()), [("after".to_string(), "unknown")], "not a side of it");
        assert_eq!(codes(follow(vec![gone.id]).unwrap_err()), [("after".to_string(), "unknown")], "withdrawn");
        assert_eq!(codes(follow(vec![crate::new_id()]).unwrap_err()), [("after".to_string(), "unknown")]);
    }

    #[test]
    fn a_request_sent_again_is_the_same_one_only_if_it_asks_for_the_same() {
        let event = almaty();
        let delegations = ["KZ".to_string(), "RU".to_string(), "TJ".to_string()];
        let frame = RequestFrame { event: &event, delegations: &delegations, members: &[], requests: &[] };
        let made = ask(&["RU", "TJ"], Vec::new()).validate(&frame, "KZ").unwrap();
        let again = |input: RequestInput| input.validate(&frame, "KZ").unwrap();
        assert!(made.asked_again(&again(ask(&["TJ", "RU"], Vec::new()))), "the sides asked in any order");
        let window = WindowInput { starts: at("2025-04-10T09:00"), ends: at("2025-04-10T12:00") };
        for (other, why) in [
            (ask(&["RU"], Vec::new()), "another side"),
            (RequestInput { duration: 45, ..ask(&["RU", "TJ"], Vec::new()) }, "another length"),
            (RequestInput { priority: Priority::Low, ..ask(&["RU", "TJ"], Vec::new()) }, "another priority"),
            (ask(&["RU", "TJ"], vec![window]), "other windows"),
            (RequestInput { note: "Энергетика".into(), ..ask(&["RU", "TJ"], Vec::new()) }, "another note"),
        ] {
            assert!(!made.asked_again(&again(other)), "{why}");
        }
        let theirs = ask(&["KZ", "TJ"], Vec::new()).validate(&frame, "RU").unwrap();
        assert!(!made.asked_again(&theirs), "another requesting side");
        let window = WindowInput { starts: at("2025-04-10T09:00"), ends: at("2025-04-10T12:00") };
        let proposed = again(ask(&["RU", "TJ"], vec![window])).windows;
        let answered = made.clone().propose("RU", proposed).unwrap();
        assert!(answered.asked_again(&again(ask(&["RU", "TJ"], Vec::new()))), "a late retry, after an answer");
    }

    #[test]
    fn the_requesting_side_changes_the_order_later_but_never_round_in_a_circle() {
        let event = almaty();
        let delegations = ["KZ".to_string(), "RU".to_string(), "TJ".to_string()];
        let none = RequestFrame { event: &event, delegations: &delegations, members: &[], requests: &[] };
        let first = ask(&["RU"], Vec::new()).validate(&none, "KZ").unwrap();
        let earlier = [first.clone()];
        let frame = RequestFrame { requests: &earlier, ..none };
        let second = RequestInput { after: vec![first.id], ..ask(&["TJ"], Vec::new()) }.validate(&frame, "KZ").unwrap();
        let third = ask(&["TJ"], Vec::new()).validate(&frame, "KZ").unwrap();
        let all = [first.clone(), second.clone(), third.clone()];
        let frame = RequestFrame { requests: &all, ..none };
        assert_eq!(followed(&frame, "KZ", first.id, &[second.id]), Err("order-cycle"), "the second follows the first");
        assert_eq!(may_follow(&frame, "KZ", first.id), [third.id], "so a form offers the first only the third");
        assert_eq!(may_follow(&frame, "KZ", third.id), [first.id, second.id]);
        assert_eq!(followed(&frame, "KZ", first.id, &[first.id]), Err("order-cycle"), "nor itself");
        assert_eq!(
            followed(&frame, "KZ", second.id, &[third.id, first.id]),
            Ok(BTreeSet::from([first.id, third.id]).into_iter().collect()),
            "each once, in a stable order"
        );
        assert_eq!(
            followed(&frame, "TJ", third.id, &[first.id]),
            Err("unknown"),
            "Tajikistan is not a side of the first"
        );
        let chained = Request { after: vec![second.id], ..third.clone() };
        let all = [first.clone(), second.clone(), chained];
        let frame = RequestFrame { requests: &all, ..none };
        assert_eq!(followed(&frame, "KZ", first.id, &[third.id]), Err("order-cycle"), "through the second");
        let all = [
            first.clone(),
            Request { withdrawn: true, ..second.clone() },
            Request { after: vec![second.id], ..third.clone() },
        ];
        let frame = RequestFrame { requests: &all, ..none };
        assert_eq!(followed(&frame, "KZ", first.id, &[third.id]), Ok(vec![third.id]), "a withdrawn link holds nothing");
        let all = [first.clone(), second.clone(), third.clone()];
        let frame = RequestFrame { requests: &all, ..none };
        let later = second.clone().follow("KZ", &[third.id], &frame).unwrap();
        assert_eq!((later.after.as_slice(), later.status()), ([third.id].as_slice(), Status::Pending));
        assert_eq!(second.clone().follow("KZ", &[third.id, third.id], &frame).unwrap().after, [third.id]);
        assert_eq!(first.clone().follow("KZ", &[second.id], &frame), Err(Reorder::Invalid("order-cycle")));
        assert_eq!(
            first.clone().follow("RU", &[second.id], &frame),
            Err(Reorder::Refused(Refusal::NotRequester)),
            "another side is refused before the order is looked at"
        );
        assert_eq!(second.clone().follow("TJ", &[], &frame), Err(Reorder::Refused(Refusal::NotRequester)));
        assert_eq!(second.withdraw("KZ").unwrap().follow("KZ", &[], &frame), Err(Reorder::Refused(Refusal::Withdrawn)));
    }

    #[test]
    fn an_invited_side_names_who_meets_for_it_and_only_its_own() {
        let event = almaty();
        let delegations = ["KZ".to_string(), "RU".to_string()];
        let (kz, ru) = (head("KZ", None), head("RU", None));
        let deputy =
            ("RU".to_string(), Member { id: crate::new_id(), role: DelegationRole::DeputyHead, ..ru.1.clone() });
        let members = [kz.clone(), ru.clone(), deputy.clone()];
        let frame = RequestFrame { event: &event, delegations: &delegations, members: &members, requests: &[] };
        let request = ask(&["ru"], Vec::new()).validate(&frame, "KZ").unwrap();
        let request = Request { principals: vec![kz.1.id], ..request };
        let named = request.clone().name_principals("RU", &[deputy.1.id], &frame).unwrap();
        let mut expected = vec![kz.1.id, deputy.1.id];
        expected.sort();
        assert_eq!(named.principals, expected, "the requester's principal stays");
        assert_eq!(named.clone().name_principals("RU", &[], &frame).unwrap().principals, [kz.1.id], "its head again");
        let theirs = request.name_principals("RU", &[kz.1.id], &frame).unwrap_err();
        assert_eq!(codes(theirs), [("principals".to_string(), "unknown")], "another side's member is not its to name");
    }

    fn codes(invalid: Invalid) -> Vec<(String, &'static str)> {
        invalid.0.into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn a_request_names_delegations_of_the_event_a_sensible_length_and_windows_on_its_days() {
        let event = almaty();
        let delegations = ["KZ".to_string(), "RU".to_string(), "TJ".to_string()];
        let members = [head("KZ", None), head("RU", None)];
        let frame = RequestFrame { event: &event, delegations: &delegations, members: &members, requests: &[] };
        let ok = ask(&["ru"], vec![WindowInput { starts: at("2025-04-10T09:00"), ends: at("2025-04-10T12:00") }]);
        let request = ok.validate(&frame, "KZ").unwrap();
        assert_eq!(request.sides.iter().map(|s| s.participant.as_str()).collect::<Vec<_>>(), ["KZ", "RU"]);
        assert_eq!(request.status(), Status::Pending);
        // The same window as the API returns it, in UTC (Almaty is five hours ahead), and as JSON.
        let utc = ask(&["ru"], vec![WindowInput { starts: at("2025-04-10T04:00:00Z"), ends: at("2025-04-10T07:00Z") }]);
        assert_eq!(utc.validate(&frame, "KZ").unwrap().windows, request.windows);
        let sent: WindowInput =
            serde_json::from_value(serde_json::json!({"starts": "2025-04-10T04:00:00Z", "ends": "2025-04-10T12:00"}))
                .unwrap();
        assert_eq!(sent, WindowInput { starts: at("2025-04-10T04:00:00Z"), ends: at("2025-04-10T12:00") });
        assert_eq!(serde_json::to_value(sent).unwrap()["starts"], "2025-04-10T04:00:00Z");
        assert!(
            serde_json::from_value::<WindowInput>(
                serde_json::json!({"starts": "10 April", "ends": "2025-04-10T12:00"})
            )
            .is_err()
        );

        let bad = RequestInput {
            duration: 500,
            principals: vec![members[0].1.id, crate::new_id()],
            windows: vec![
                WindowInput { starts: at("2025-04-12T09:00"), ends: at("2025-04-12T10:00") },
                WindowInput { starts: at("2025-04-10T09:00"), ends: at("2025-04-10T09:20") },
                WindowInput { starts: at("2025-04-11T23:00"), ends: at("2025-04-12T00:30") },
            ],
            ..ask(&["FR"], Vec::new())
        };
        assert_eq!(
            codes(bad.validate(&frame, "KZ").unwrap_err()),
            [
                ("with".to_string(), "unknown"),
                ("duration".to_string(), "out-of-range"),
                ("principals".to_string(), "unknown"),
                ("windows[0].starts".to_string(), "outside-event"),
                ("windows[1].ends".to_string(), "window-too-short"),
                ("windows[2].ends".to_string(), "outside-event"),
            ]
        );
        assert_eq!(codes(ask(&["KZ"], Vec::new()).validate(&frame, "KZ").unwrap_err())[0].1, "own-delegation");
        for twice in [&["RU", "TJ", "RU"][..], &["RU", "RU"]] {
            assert_eq!(codes(ask(twice, Vec::new()).validate(&frame, "KZ").unwrap_err())[0].1, "delegation-twice");
        }
        assert_eq!(
            codes(ask(&[" "], Vec::new()).validate(&frame, "KZ").unwrap_err())[0].1,
            "required",
            "a blank choice"
        );
    }

    #[test]
    fn a_delegation_sees_the_requests_it_is_a_side_of_and_the_host_sees_all() {
        let event = almaty();
        let delegations = ["KZ".to_string(), "RU".to_string(), "TJ".to_string()];
        let frame = RequestFrame { event: &event, delegations: &delegations, members: &[], requests: &[] };
        let requests = [
            ask(&["RU"], Vec::new()).validate(&frame, "KZ").unwrap(),
            ask(&["TJ"], Vec::new()).validate(&frame, "RU").unwrap(),
        ];
        let seen =
            |sides: Option<&[String]>| visible(&requests, sides).map(|r| r.requester().to_string()).collect::<Vec<_>>();
        assert_eq!(seen(Some(&["TJ".to_string()])), ["RU"]);
        assert_eq!(seen(Some(&["KZ".to_string()])), ["KZ"]);
        assert_eq!(seen(Some(&[])), Vec::<String>::new());
        assert_eq!(seen(None), ["KZ", "RU"]);
    }

    #[test]
    fn sides_answer_re_time_and_withdraw_until_the_host_confirms() {
        let event = almaty();
        let delegations = ["KZ".to_string(), "RU".to_string(), "TJ".to_string()];
        let frame = RequestFrame { event: &event, delegations: &delegations, members: &[], requests: &[] };
        let request = ask(&["RU", "TJ"], Vec::new()).validate(&frame, "KZ").unwrap();
        let request = request.answer("RU", Answer::Accepted).unwrap();
        assert_eq!(request.status(), Status::Pending, "a trilateral waits for every side");
        let request = request.answer("TJ", Answer::Accepted).unwrap();
        assert_eq!(request.status(), Status::Accepted);
        let window =
            Window { starts: "2025-04-10T05:00:00Z".parse().unwrap(), ends: "2025-04-10T06:00:00Z".parse().unwrap() };
        let moved = request.clone().propose("TJ", vec![window]).unwrap();
        assert_eq!(moved.status(), Status::Pending, "the others are asked again");
        assert_eq!(
            moved.sides.iter().map(|s| s.answer).collect::<Vec<_>>(),
            [Answer::Pending, Answer::Pending, Answer::Accepted]
        );
        assert_eq!(request.clone().answer("BY", Answer::Accepted), Err(Refusal::NotASide));
        assert_eq!(request.clone().withdraw("RU"), Err(Refusal::NotRequester));
        assert_eq!(request.clone().answer("KZ", Answer::Declined), Err(Refusal::OwnRequest), "it withdraws instead");
        let declined = moved.clone().answer("KZ", Answer::Declined).unwrap();
        assert_eq!(declined.status(), Status::Declined, "the requesting side may decline windows another proposed");
        let declined = request.clone().answer("RU", Answer::Declined).unwrap();
        assert_eq!(declined.status(), Status::Declined);
        assert_eq!(declined.clone().answer("RU", Answer::Declined).as_ref(), Ok(&declined), "the same decline holds");
        assert_eq!(declined.clone().answer("RU", Answer::Accepted), Err(Refusal::Declined), "a decline ends it");
        assert_eq!(declined.clone().answer("TJ", Answer::Accepted), Err(Refusal::Declined));
        assert_eq!(declined.propose("TJ", vec![window]), Err(Refusal::Declined), "nor reopened with other times");
        let placed = Outcome::Placed { starts: window.starts, ends: window.ends, venue: "v".into(), room: "r".into() };
        let scheduled = Request { outcome: Some(placed), ..request.clone() };
        assert_eq!(scheduled.clone().answer("RU", Answer::Accepted).unwrap().outcome, scheduled.outcome, "kept");
        assert_eq!(scheduled.answer("RU", Answer::Declined).unwrap().outcome, None, "no longer proposed");
        let withdrawn = request.clone().withdraw("KZ").unwrap();
        assert_eq!(
            (withdrawn.status(), withdrawn.answer("RU", Answer::Accepted)),
            (Status::Withdrawn, Err(Refusal::Withdrawn))
        );
        let confirmed = Request { item: Some(crate::new_id()), ..request };
        assert_eq!(confirmed.status(), Status::Confirmed);
        assert_eq!(confirmed.clone().answer("RU", Answer::Declined), Err(Refusal::Confirmed));
        let released = confirmed.released();
        assert_eq!((released.status(), released.outcome.is_none()), (Status::Accepted, true), "its meeting cancelled");
        assert_eq!(
            released.answer("RU", Answer::Declined).unwrap().status(),
            Status::Declined,
            "open to answers again"
        );
    }

    /// The sidelines of `event` with the default settings.
    fn sidelines<'a>(
        event: &'a Event,
        tz: &'a TimeZone,
        members: &'a [(String, Member)],
        items: &'a [(&'a Item, BTreeSet<Id>)],
        requests: &'a [Request],
    ) -> Sidelines<'a> {
        Sidelines { event, tz, members, items, requests, settings: Settings::default() }
    }

    /// A public item of `event` at the ministry, from `starts` to `ends` in Almaty's time.
    fn item_at(event: &Event, kind: ItemKind, starts: &str, ends: &str, attendees: Attendees) -> Item {
        let tz = TimeZone::get("Asia/Almaty").unwrap();
        let instant = |s: &str| at(s).in_zone(&tz).unwrap().timestamp();
        let fields = ItemFields {
            kind,
            title: Text::new(&[("en", "An item")]),
            starts: instant(starts),
            ends: instant(ends),
            venue: Some("mfa".into()),
            room: None,
            meeting: None,
            attendees,
            press: PressAccess::Closed,
            visibility: Visibility::Public,
        };
        Item::new(crate::new_id(), event.id, fields)
    }

    #[test]
    fn a_reason_names_only_meetings_the_reader_sees() {
        use schedule::Reason::{LostTo, Precedence};
        let why = |reason| Why::Scheduler { reason };
        let sees = |id: &str| id == "ours";
        let lost = why(LostTo { requests: vec!["ours".into(), "theirs".into()] });
        assert_eq!(lost.as_seen(sees), why(LostTo { requests: vec![] }), "all or none: a part would read as all");
        let ours = why(LostTo { requests: vec!["ours".into()] });
        assert_eq!(ours.as_seen(sees), ours);
        let after = why(Precedence { requests: vec!["ours".into(), "theirs".into()] });
        assert_eq!(after.as_seen(sees), why(Precedence { requests: vec!["ours".into()] }), "the ones it shares");
        assert_eq!(Why::OutsideHours.as_seen(sees), Why::OutsideHours);
    }

    #[test]
    fn a_meeting_confirmed_outside_the_hours_keeps_its_place_room_and_order_and_the_rest_keep_to_the_hours() {
        let event = almaty();
        let tz = TimeZone::get("Asia/Almaty").unwrap();
        let members = [head("KZ", None), head("RU", None), head("TJ", None)];
        let delegations = ["KZ".to_string(), "RU".to_string(), "TJ".to_string()];
        let frame = RequestFrame { event: &event, delegations: &delegations, members: &members, requests: &[] };
        let accepted = |with: &str| {
            ask(&[with], Vec::new()).validate(&frame, "KZ").unwrap().answer(with, Answer::Accepted).unwrap()
        };
        // A working dinner on the first evening, after the hours (8:00–21:00), longer than asked.
        let dinner = Item {
            room: Some("green".into()),
            visibility: Visibility::Attendees,
            ..item_at(&event, ItemKind::Bilateral, "2025-04-10T21:00", "2025-04-10T22:30", Attendees::default())
        };
        let kz_ru = Request { item: Some(dinner.id), ..accepted("RU") };
        let then = Request { after: vec![kz_ru.id], ..accepted("TJ") };
        let heads: BTreeSet<Id> = members.iter().take(2).map(|(_, m)| m.id).collect();
        let items = [(&dinner, heads)];
        let requests = [kz_ru.clone(), then.clone()];
        let sidelines = sidelines(&event, &tz, &members, &items, &requests);
        let instance = sidelines.prepare().instance;
        assert!(instance.validate().is_ok(), "{:?}", instance.validate());
        assert_eq!(instance.days[0], schedule::Day { start: 8 * 60, end: 22 * 60 + 30 }, "the day reaches the dinner");
        let fixed = instance.requests.iter().find(|r| r.id == kz_ru.id.to_string()).unwrap();
        assert_eq!(
            (fixed.fixed.as_ref().map(|f| f.start), fixed.duration),
            (Some(21 * 60), 90),
            "as the item holds it"
        );
        let follower = instance.requests.iter().find(|r| r.id == then.id.to_string()).unwrap();
        assert_eq!(follower.after, [kz_ru.id.to_string()], "its order kept");
        assert!(follower.windows.iter().all(|w| w.end <= 21 * 60 || w.start >= 24 * 60), "{:?}", follower.windows);
        let plan = schedule::solve(&instance, &schedule::Options::default()).unwrap();
        assert!(schedule::check(&instance, &plan).is_feasible());
        let placed = plan.meetings.iter().find(|m| m.request == then.id.to_string()).expect("placed");
        assert!(placed.start >= 24 * 60 + 8 * 60, "after the dinner, within the next day's hours: {placed:?}");
        // The dinner's room kept from bilaterals: nothing new goes there.
        let mut closed = event.clone();
        closed.venues[0].rooms[0].bilaterals = false;
        let instance = Sidelines { event: &closed, ..sidelines }.prepare().instance;
        let plan = schedule::solve(&instance, &schedule::Options::default()).unwrap();
        assert!(schedule::check(&instance, &plan).is_feasible());
        assert!(plan.meetings.iter().all(|m| m.request != then.id.to_string()), "{plan:?}");
        // Moved to the evening before the event, or across midnight into hours that start at
        // once: the instance still holds it, on a day of its own or one day across the two.
        let day_s = |starts, ends| Item {
            id: dinner.id,
            ..item_at(&event, ItemKind::Bilateral, starts, ends, Attendees::default())
        };
        let early = Item { room: Some("green".into()), ..day_s("2025-04-09T22:00", "2025-04-09T22:30") };
        let late = Item { room: Some("green".into()), ..day_s("2025-04-10T23:45", "2025-04-11T00:15") };
        let all_day = Settings {
            day_starts: jiff::civil::time(0, 0, 0, 0),
            day_ends: jiff::civil::time(23, 59, 0, 0),
            ..Settings::default()
        };
        for (moved, settings) in [(&early, Settings::default()), (&late, all_day)] {
            let items = [(moved, BTreeSet::new())];
            let instance = Sidelines { items: &items, settings, ..sidelines }.prepare().instance;
            assert!(instance.validate().is_ok(), "{:?}", instance.validate());
            let plan = schedule::solve(&instance, &schedule::Options::default());
            assert!(plan.is_ok(), "{plan:?}");
        }
        // Left without a room by the host, it is programme time for its persons, not a meeting
        // to place again.
        let roomless = Item { room: None, ..dinner.clone() };
        let heads: BTreeSet<Id> = members.iter().take(2).map(|(_, m)| m.id).collect();
        let items = [(&roomless, heads)];
        let instance = Sidelines { items: &items, ..sidelines }.prepare().instance;
        assert!(instance.requests.iter().all(|r| r.id != kz_ru.id.to_string()), "{:?}", instance.requests);
        let kz = instance.persons.iter().find(|p| p.id == members[0].1.id.to_string()).unwrap();
        assert_eq!((kz.busy[0].start, kz.busy[0].end), (21 * 60, 22 * 60 + 30), "busy at the dinner");
        // The meeting to follow it still comes after it: the next day.
        let follower = instance.requests.iter().find(|r| r.id == then.id.to_string()).unwrap();
        assert!(follower.windows.iter().all(|w| w.start >= 22 * 60 + 30), "{:?}", follower.windows);
        let plan = schedule::solve(&instance, &schedule::Options::default()).unwrap();
        let placed = plan.meetings.iter().find(|m| m.request == then.id.to_string()).expect("placed");
        assert!(placed.start >= 24 * 60 + 8 * 60, "after the dinner: {placed:?}");
        // Asked itself to follow a meeting to place, it has that one end before it starts.
        let before = accepted("TJ");
        let dinner_after = Request { after: vec![before.id], ..kz_ru.clone() };
        let requests = [dinner_after, before.clone()];
        let items = [(&roomless, BTreeSet::new())];
        let instance = Sidelines { items: &items, requests: &requests, ..sidelines }.prepare().instance;
        let first = instance.requests.iter().find(|r| r.id == before.id.to_string()).unwrap();
        assert!(
            !first.windows.is_empty() && first.windows.iter().all(|w| w.end <= 21 * 60),
            "before the dinner: {:?}",
            first.windows
        );
        // Held on the last evening, it leaves its follower no time after it, and says so: also
        // where what is left is shorter than the meeting.
        let last = Item { room: None, ..day_s("2025-04-11T20:00", "2025-04-11T20:45") };
        let items = [(&last, BTreeSet::new())];
        let prepared = Sidelines { items: &items, ..sidelines }.prepare();
        assert!(prepared.instance.requests.iter().all(|r| r.id != then.id.to_string()));
        let order = schedule::Reason::Precedence { requests: vec![kz_ru.id.to_string()] };
        assert_eq!(prepared.outcomes[&then.id], Outcome::Unplaced { reasons: vec![Why::Scheduler { reason: order }] });
    }

    #[test]
    fn a_confirmed_meeting_moved_past_one_it_was_asked_to_follow_breaks_the_order_both_ways() {
        let event = almaty();
        let members = [head("KZ", None), head("TJ", None)];
        let delegations = ["KZ".to_string(), "TJ".to_string()];
        let frame = RequestFrame { event: &event, delegations: &delegations, members: &members, requests: &[] };
        let accepted =
            || ask(&["TJ"], Vec::new()).validate(&frame, "KZ").unwrap().answer("TJ", Answer::Accepted).unwrap();
        let at = |starts, ends| item_at(&event, ItemKind::Bilateral, starts, ends, Attendees::default());
        let (first_item, then_item) =
            (at("2025-04-10T10:00", "2025-04-10T10:30"), at("2025-04-10T11:00", "2025-04-10T11:30"));
        let first = Request { item: Some(first_item.id), ..accepted() };
        let then = Request { item: Some(then_item.id), after: vec![first.id], ..accepted() };
        let requests = [first.clone(), then.clone()];
        let items = [first_item.clone(), then_item.clone()];
        assert!(broken_order(&requests, &items, &first_item).is_empty(), "in the order asked");
        let later = Item { id: first_item.id, ..at("2025-04-10T11:15", "2025-04-10T11:45") };
        let broken: Vec<(Id, Order)> =
            broken_order(&requests, &items, &later).iter().map(|(i, o)| (i.id, *o)).collect();
        assert_eq!(broken, [(then_item.id, Order::Before)]);
        let earlier = Item { id: then_item.id, ..at("2025-04-10T09:00", "2025-04-10T09:30") };
        let broken: Vec<(Id, Order)> =
            broken_order(&requests, &items, &earlier).iter().map(|(i, o)| (i.id, *o)).collect();
        assert_eq!(broken, [(first_item.id, Order::After)]);
        // Withdrawn, cancelled or not confirmed, there is no order left to break.
        let withdrawn = [first.clone(), Request { withdrawn: true, ..then.clone() }];
        assert!(broken_order(&withdrawn, &items, &later).is_empty());
        let cancelled = [first_item.clone(), Item { cancelled: true, ..then_item.clone() }];
        assert!(broken_order(&requests, &cancelled, &later).is_empty());
        assert!(broken_order(&[first, Request { item: None, ..then }], &items, &later).is_empty());
    }

    #[test]
    fn the_instance_carries_heads_their_programme_their_stay_and_confirmed_meetings_fixed() {
        let event = almaty();
        let tz = TimeZone::get("Asia/Almaty").unwrap();
        let arrival = Movement {
            date: jiff::civil::date(2025, 4, 10),
            time: Some(jiff::civil::time(12, 0, 0, 0)),
            carrier: String::new(),
        };
        let members = [head("KZ", None), head("RU", Some(arrival)), head("TJ", None)];
        let delegations = ["KZ".to_string(), "RU".to_string(), "TJ".to_string(), "BY".to_string()];
        let frame = RequestFrame { event: &event, delegations: &delegations, members: &members, requests: &[] };
        let accepted = |with: &str, windows| {
            ask(&[with], windows).validate(&frame, "KZ").unwrap().answer(with, Answer::Accepted).unwrap()
        };
        let kz_ru = accepted("RU", Vec::new());
        let late = accepted("TJ", vec![WindowInput { starts: at("2025-04-10T22:00"), ends: at("2025-04-10T23:00") }]);
        let no_head = accepted("BY", Vec::new());
        let pending = ask(&["TJ"], Vec::new()).validate(&frame, "KZ").unwrap();
        let heads_attend = Attendees { heads: true, ..Attendees::default() };
        let session = item_at(&event, ItemKind::ExtendedSession, "2025-04-10T10:00", "2025-04-10T11:00", heads_attend);
        let heads: BTreeSet<Id> = members.iter().map(|(_, m)| m.id).collect();
        let items = [(&session, heads.clone())];
        let requests = [kz_ru.clone(), late.clone(), no_head.clone(), pending];
        let sidelines = sidelines(&event, &tz, &members, &items, &requests);
        let prepared = sidelines.prepare();
        let instance = &prepared.instance;
        assert_eq!(instance.rooms.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["mfa/green"]);
        let mut closed = event.clone();
        closed.venues[0].rooms[0].bilaterals = false;
        let kept_out = Sidelines { event: &closed, requests: &requests, items: &items, ..sidelines };
        assert!(kept_out.prepare().instance.rooms.is_empty(), "a room kept from bilaterals");
        let held =
            Item { id: crate::new_id(), kind: ItemKind::Bilateral, room: Some("green".into()), ..session.clone() };
        let confirmed = [Request { item: Some(held.id), ..kz_ru.clone() }];
        let with_held = [(&session, heads.clone()), (&held, heads.clone())];
        let holding = Sidelines { event: &closed, requests: &confirmed, items: &with_held, ..sidelines };
        let holding = holding.prepare().instance;
        assert_eq!(holding.rooms.len(), 1, "but it still holds the meeting confirmed there");
        assert!(holding.validate().is_ok(), "{:?}", holding.validate());
        let unavailable = &holding.rooms[0].unavailable;
        assert!(
            !unavailable.iter().any(|u| u.overlaps(&schedule::Span::new(600, 660))),
            "its confirmed meeting does not keep the room from itself: {unavailable:?}"
        );
        assert!(
            [540, 700, 24 * 60 + 600].iter().all(|&m| unavailable.iter().any(|u| u.start <= m && m < u.end)),
            "and nothing new goes there: {unavailable:?}"
        );
        let briefing = Item { id: crate::new_id(), room: Some("green".into()), ..session.clone() };
        let with_briefing = [(&briefing, BTreeSet::new())];
        let in_use = Sidelines { items: &with_briefing, ..sidelines }.prepare().instance;
        assert_eq!(in_use.rooms[0].unavailable, [schedule::Span::new(600, 660)], "taken by the programme meanwhile");
        assert_eq!(instance.days[0], schedule::Day { start: 8 * 60, end: 21 * 60 }, "minutes from midnight in Almaty");
        assert_eq!(instance.days[1].start, 24 * 60 + 8 * 60);
        assert_eq!(instance.requests.len(), 1, "only accepted requests whose sides have heads, within the hours");
        assert_eq!(instance.requests[0].persons, [members[0].1.id.to_string(), members[1].1.id.to_string()]);
        assert_eq!(instance.requests[0].weight, Priority::High.weight());
        let lavrov = instance.persons.iter().find(|p| p.id == members[1].1.id.to_string()).unwrap();
        assert_eq!(lavrov.present.unwrap().start, 12 * 60, "arrives at noon");
        let last_day = instance.days.last().unwrap();
        assert_eq!(lavrov.present.unwrap().end, last_day.end, "stays to the last hour, a number JSON reads exactly");
        assert_eq!((lavrov.busy[0].start, lavrov.busy[0].end), (600, 660), "the session he attends");
        // A departure typed centuries off is cut to the event, and the instance still validates.
        let far = Movement { date: jiff::civil::date(2205, 4, 11), time: None, carrier: String::new() };
        let mut leaving = members[1].clone();
        leaving.1.private.departure = Some(far);
        let far_members = [members[0].clone(), leaving, members[2].clone()];
        let far_off = Sidelines { members: &far_members, ..sidelines }.prepare().instance;
        assert!(far_off.validate().is_ok(), "{:?}", far_off.validate());
        assert_eq!(prepared.outcomes[&late.id], Outcome::Unplaced { reasons: vec![Why::OutsideHours] });
        assert_eq!(
            prepared.outcomes[&no_head.id],
            Outcome::Unplaced { reasons: vec![Why::NoHead { participant: "BY".into() }] }
        );

        let deputy = head("KZ", None);
        let members_with_deputy = [members[0].clone(), members[1].clone(), members[2].clone(), deputy.clone()];
        let named = Request { principals: vec![deputy.1.id], ..kz_ru.clone() };
        let with_deputy =
            Sidelines { members: &members_with_deputy, requests: std::slice::from_ref(&named), ..sidelines };
        assert_eq!(
            with_deputy.persons_of(&named),
            Ok(vec![deputy.1.id, members[1].1.id]),
            "the named principal for Kazakhstan, Russia's head for Russia"
        );
        // A second head of Kazakhstan's, for one meeting only, listed first: the head of the whole
        // delegation still meets on the sidelines.
        let mut for_one_meeting = head("KZ", None);
        for_one_meeting.1.meetings = vec!["central-asia-russia".into()];
        let two_heads = [for_one_meeting, members[0].clone(), members[1].clone(), members[2].clone()];
        let with_two = Sidelines { members: &two_heads, requests: std::slice::from_ref(&kz_ru), ..sidelines };
        assert_eq!(with_two.persons_of(&kz_ru), Ok(vec![members[0].1.id, members[1].1.id]));

        let plan = schedule::Plan {
            meetings: vec![schedule::Meeting {
                request: kz_ru.id.to_string(),
                start: 780,
                end: 810,
                room: "mfa/green".into(),
            }],
            unplaced: Vec::new(),
            objective: Default::default(),
            proven_optimal: true,
            bound: 4,
            effort: 0,
        };
        let outcomes = prepared.outcomes(&plan);
        let Outcome::Placed { starts, room, .. } = &outcomes[&kz_ru.id] else { panic!("placed") };
        assert_eq!(
            (starts.to_zoned_datetime(tz.clone()).time(), room.as_str()),
            (jiff::civil::time(13, 0, 0, 0), "green")
        );
    }
}
