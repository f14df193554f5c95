//! The instance: what the scheduler is asked to solve, in whole minutes from an origin.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// A half-open interval of minutes `[start, end)` from the instance's origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Span {
    pub start: i64,
    pub end: i64,
}

impl Span {
    pub fn new(start: i64, end: i64) -> Span {
        Span { start, end }
    }

    pub fn len(&self) -> i64 {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    pub fn contains(&self, other: &Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// A day of the event: the hours in which bilaterals may be held. Limits per day and idle gaps
/// are counted within a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Day {
    pub start: i64,
    pub end: i64,
}

impl Day {
    pub fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }
}

/// Travel time between two venues, both ways.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Travel {
    pub from: String,
    pub to: String,
    pub minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Room {
    pub id: String,
    pub venue: String,
    /// How many people it seats.
    pub capacity: u32,
    /// Times the room cannot be used (another event, cleaning, lost).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unavailable: Vec<Span>,
}

/// Something a person is already committed to: a session, a ceremony, travel, a personal block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Busy {
    pub start: i64,
    pub end: i64,
    /// Where it takes place; travel to and from it is needed. `None`: no travel is counted, but
    /// the buffer is, as after any commitment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl Busy {
    pub fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub id: String,
    /// When the person is in town (arrival to departure); `None`: the whole event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub present: Option<Span>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub busy: Vec<Busy>,
    /// At most this many bilaterals on one day; `None`: the instance's `max_per_day`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_per_day: Option<u32>,
}

/// Where and when a request takes place in a plan.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Placement {
    pub request: String,
    pub start: i64,
    pub room: String,
}

/// A confirmed meeting: the solver keeps it where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixed {
    pub start: i64,
    pub room: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    pub id: String,
    /// The principals who meet (two for a bilateral, more for a trilateral or a small group).
    pub persons: Vec<String>,
    /// Minutes.
    pub duration: i64,
    /// Priority weight; the solver maximises the total weight of placed requests first.
    #[serde(default = "one")]
    pub weight: u32,
    /// People in the room (principals and their aides); the room must seat them.
    #[serde(default = "two")]
    pub size: u32,
    /// Acceptable times; empty: any time on any day. The meeting lies wholly inside one window.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub windows: Vec<Span>,
    /// Rooms it may take; empty: any room.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rooms: Vec<String>,
    /// Requests that must end before this one starts (when both are placed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<Fixed>,
}

fn one() -> u32 {
    1
}

fn two() -> u32 {
    2
}

fn default_grid() -> i64 {
    5
}

fn default_max_per_day() -> u32 {
    8
}

fn default_travel() -> i64 {
    30
}

/// Everything the scheduler is asked to solve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    /// What minute 0 is, for people reading the file (e.g. `2025-04-10T00:00:00+05:00`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// Meetings start on multiples of this many minutes.
    #[serde(default = "default_grid")]
    pub grid: i64,
    /// Minimum minutes between two commitments of one person, on top of travel.
    #[serde(default)]
    pub buffer: i64,
    #[serde(default = "default_max_per_day")]
    pub max_per_day: u32,
    /// Travel minutes between venues not listed in `travel`.
    #[serde(default = "default_travel")]
    pub default_travel: i64,
    pub days: Vec<Day>,
    #[serde(default)]
    pub travel: Vec<Travel>,
    pub rooms: Vec<Room>,
    pub persons: Vec<Person>,
    pub requests: Vec<Request>,
    /// The previous plan, if any: the solver moves as few of its meetings as it can.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previous: Vec<Placement>,
}

/// Why a fixed meeting cannot stay where it is, alone or beside another fixed one. Persons and
/// rooms are named by their ids, so that a caller can word the reason in its own language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FixedFault {
    #[error("it is not wholly inside one of its windows and one day")]
    OutsideWindows,
    #[error("its room is not among the rooms it allows")]
    RoomNotAllowed,
    #[error("its room seats only {capacity}")]
    Capacity { capacity: u32 },
    #[error("its room is unavailable then")]
    RoomUnavailable,
    #[error("\"{person}\" is not present then")]
    Absent { person: String },
    #[error("\"{person}\" is busy then{}", .label.as_ref().map(|l| format!(" ({l})")).unwrap_or_default())]
    Busy { person: String, label: Option<String> },
    #[error(
        "\"{person}\" is busy too soon before or after it, for the buffer and travel between{}",
        .label.as_ref().map(|l| format!(" ({l})")).unwrap_or_default()
    )]
    TooClose { person: String, label: Option<String> },
    #[error("\"{person}\" would have more than {max} bilaterals that day")]
    MaxPerDay { person: String, max: u32 },
    #[error("both hold room \"{room}\" at once")]
    SameRoom { room: String },
    #[error("{} cannot attend both, with travel and buffer", .persons.join(", "))]
    SharedPersons { persons: Vec<String> },
    #[error("they are in the wrong order")]
    Order,
}

/// Why an instance cannot be solved as given; names the item at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstanceError {
    #[error("the grid must be a positive number of minutes, not {0}")]
    Grid(i64),
    #[error("the instance has no days")]
    NoDays,
    #[error("day {index} ends before it starts")]
    Day { index: usize },
    #[error("days {a} and {b} overlap")]
    DaysOverlap { a: usize, b: usize },
    #[error("day {index} lasts more than a week")]
    DayTooLong { index: usize },
    #[error("{what} {start}–{end} does not end after it starts")]
    Empty { what: String, start: i64, end: i64 },
    #[error("request \"{request}\" must come after itself")]
    AfterItself { request: String },
    #[error("{kind} \"{id}\" appears twice")]
    Duplicate { kind: &'static str, id: String },
    #[error("request \"{request}\" names an unknown person \"{person}\"")]
    UnknownPerson { request: String, person: String },
    #[error("request \"{request}\" names an unknown room \"{room}\"")]
    UnknownRoom { request: String, room: String },
    #[error("request \"{request}\" must come after an unknown request \"{after}\"")]
    UnknownAfter { request: String, after: String },
    #[error("request \"{request}\" has a duration of {duration} minutes; it must be positive")]
    Duration { request: String, duration: i64 },
    #[error("request \"{request}\" names fewer than two persons, or one person twice")]
    Persons { request: String },
    #[error("request \"{request}\" seats nobody: its size must be at least 1")]
    Size { request: String },
    #[error("travel between \"{from}\" and \"{to}\" is given twice")]
    TravelTwice { from: String, to: String },
    #[error("{what} is {minutes} minutes; at most a week ({LONGEST_DAY}) is taken")]
    TooLong { what: String, minutes: i64 },
    #[error("{what} at minute {minute} is more than a hundred years from the origin")]
    TooFar { what: String, minute: i64 },
    #[error("request \"{request}\" has a window {start}–{end} outside the days of the event")]
    Window { request: String, start: i64, end: i64 },
    #[error("travel between \"{from}\" and \"{to}\" is negative")]
    Travel { from: String, to: String },
    #[error("{what} is negative")]
    Negative { what: &'static str },
    #[error("the fixed meeting of request \"{request}\" does not fit: {why}")]
    Fixed { request: String, why: FixedFault },
    #[error("the fixed meetings of \"{a}\" and \"{b}\" contradict each other: {why}")]
    FixedClash { a: String, b: String, why: FixedFault },
    #[error("the previous plan names an unknown request \"{0}\"")]
    UnknownPrevious(String),
}

/// The longest day an instance may have, in minutes: a week. A day of bilaterals is hours long;
/// one that reaches a confirmed meeting across midnight, a day or two. No duration, grid, buffer
/// or travel is longer either.
pub const LONGEST_DAY: i64 = 7 * 24 * 60;

/// How far from the origin a moment may lie, in minutes: a hundred years. Bounding every number
/// keeps the solver's and the checker's sums of them far from overflowing.
pub const FARTHEST: i64 = 100 * 366 * 24 * 60;

impl Instance {
    /// Checks references and numbers; every error names the item at fault. Contradictory fixed
    /// meetings are reported by the solver, which knows the constraints between them.
    pub fn validate(&self) -> Result<(), InstanceError> {
        if self.grid <= 0 {
            return Err(InstanceError::Grid(self.grid));
        }
        self.check_magnitudes()?;
        if self.buffer < 0 {
            return Err(InstanceError::Negative { what: "the buffer" });
        }
        if self.default_travel < 0 {
            return Err(InstanceError::Negative { what: "the default travel time" });
        }
        if self.days.is_empty() {
            return Err(InstanceError::NoDays);
        }
        for (index, day) in self.days.iter().enumerate() {
            if day.end <= day.start {
                return Err(InstanceError::Day { index });
            }
            // The search enumerates a day's starts: a day of years would take all memory.
            if day.end - day.start > LONGEST_DAY {
                return Err(InstanceError::DayTooLong { index });
            }
        }
        for (a, day) in self.days.iter().enumerate() {
            if let Some(b) = (a + 1..self.days.len()).find(|&b| self.days[b].span().overlaps(&day.span())) {
                return Err(InstanceError::DaysOverlap { a, b });
            }
        }
        let spans = self
            .rooms
            .iter()
            .flat_map(|r| r.unavailable.iter().map(move |&s| (format!("room \"{}\" unavailable", r.id), s)))
            .chain(self.persons.iter().flat_map(|p| {
                let present = p.present.map(|s| (format!("person \"{}\" present", p.id), s));
                present.into_iter().chain(p.busy.iter().map(move |b| (format!("person \"{}\" busy", p.id), b.span())))
            }))
            .chain(
                self.requests
                    .iter()
                    .flat_map(|r| r.windows.iter().map(move |&w| (format!("request \"{}\" window", r.id), w))),
            );
        for (what, span) in spans {
            if span.is_empty() {
                return Err(InstanceError::Empty { what, start: span.start, end: span.end });
            }
        }
        unique("room", self.rooms.iter().map(|r| &r.id))?;
        unique("person", self.persons.iter().map(|p| &p.id))?;
        unique("request", self.requests.iter().map(|r| &r.id))?;
        let mut pairs = BTreeSet::new();
        for t in &self.travel {
            if t.minutes < 0 {
                return Err(InstanceError::Travel { from: t.from.clone(), to: t.to.clone() });
            }
            let pair = if t.from <= t.to { (&t.from, &t.to) } else { (&t.to, &t.from) };
            if !pairs.insert(pair) {
                return Err(InstanceError::TravelTwice { from: t.from.clone(), to: t.to.clone() });
            }
        }
        let persons: BTreeSet<&str> = self.persons.iter().map(|p| p.id.as_str()).collect();
        let rooms: BTreeSet<&str> = self.rooms.iter().map(|r| r.id.as_str()).collect();
        let requests: BTreeSet<&str> = self.requests.iter().map(|r| r.id.as_str()).collect();
        for r in &self.requests {
            if r.duration <= 0 {
                return Err(InstanceError::Duration { request: r.id.clone(), duration: r.duration });
            }
            let named: BTreeSet<&str> = r.persons.iter().map(String::as_str).collect();
            if named.len() < 2 || named.len() != r.persons.len() {
                return Err(InstanceError::Persons { request: r.id.clone() });
            }
            if r.size == 0 {
                return Err(InstanceError::Size { request: r.id.clone() });
            }
            if let Some(person) = r.persons.iter().find(|p| !persons.contains(p.as_str())) {
                return Err(InstanceError::UnknownPerson { request: r.id.clone(), person: person.clone() });
            }
            let fixed_room = r.fixed.iter().map(|f| &f.room);
            if let Some(room) = r.rooms.iter().chain(fixed_room).find(|x| !rooms.contains(x.as_str())) {
                return Err(InstanceError::UnknownRoom { request: r.id.clone(), room: room.clone() });
            }
            if let Some(after) = r.after.iter().find(|a| !requests.contains(a.as_str())) {
                return Err(InstanceError::UnknownAfter { request: r.id.clone(), after: after.clone() });
            }
            if r.after.contains(&r.id) {
                return Err(InstanceError::AfterItself { request: r.id.clone() });
            }
            for w in &r.windows {
                if !self.days.iter().any(|d| d.span().overlaps(w)) {
                    return Err(InstanceError::Window { request: r.id.clone(), start: w.start, end: w.end });
                }
            }
        }
        if let Some(p) = self.previous.iter().find(|p| !requests.contains(p.request.as_str())) {
            return Err(InstanceError::UnknownPrevious(p.request.clone()));
        }
        if let Some(p) = self.previous.iter().find(|p| !rooms.contains(p.room.as_str())) {
            return Err(InstanceError::UnknownRoom { request: p.request.clone(), room: p.room.clone() });
        }
        unique("previous placement of request", self.previous.iter().map(|p| &p.request))?;
        Ok(())
    }

    /// Every length at most [`LONGEST_DAY`], every moment within [`FARTHEST`] of the origin.
    fn check_magnitudes(&self) -> Result<(), InstanceError> {
        let mut lengths = vec![
            ("the grid".to_string(), self.grid),
            ("the buffer".to_string(), self.buffer),
            ("the default travel time".to_string(), self.default_travel),
        ];
        lengths
            .extend(self.travel.iter().map(|t| (format!("travel between \"{}\" and \"{}\"", t.from, t.to), t.minutes)));
        lengths.extend(self.requests.iter().map(|r| (format!("the duration of request \"{}\"", r.id), r.duration)));
        if let Some((what, minutes)) = lengths.into_iter().find(|(_, minutes)| *minutes > LONGEST_DAY) {
            return Err(InstanceError::TooLong { what, minutes });
        }
        let mut spans: Vec<(String, Span)> = Vec::new();
        spans.extend(self.days.iter().enumerate().map(|(index, d)| (format!("day {index}"), d.span())));
        for r in &self.rooms {
            spans.extend(r.unavailable.iter().map(|&u| (format!("room \"{}\" unavailable", r.id), u)));
        }
        for p in &self.persons {
            spans.extend(p.present.iter().map(|&s| (format!("person \"{}\" present", p.id), s)));
            spans.extend(p.busy.iter().map(|b| (format!("person \"{}\" busy", p.id), b.span())));
        }
        for r in &self.requests {
            spans.extend(r.windows.iter().map(|&w| (format!("request \"{}\" window", r.id), w)));
            spans.extend(
                r.fixed
                    .iter()
                    .map(|f| (format!("the fixed meeting of request \"{}\"", r.id), Span::new(f.start, f.start))),
            );
        }
        let previous = self
            .previous
            .iter()
            .map(|p| (format!("the previous placement of \"{}\"", p.request), Span::new(p.start, p.start)));
        spans.extend(previous);
        let moments = spans.into_iter().flat_map(|(what, s)| [(what.clone(), s.start), (what, s.end)]);
        match moments.into_iter().find(|(_, minute)| !(-FARTHEST..=FARTHEST).contains(minute)) {
            Some((what, minute)) => Err(InstanceError::TooFar { what, minute }),
            None => Ok(()),
        }
    }

    /// Minutes a person needs between a commitment at `from` and a meeting at `to`: the buffer,
    /// and the travel unless the commitment is nowhere travel is counted from (`None`).
    pub fn need(&self, from: Option<&str>, to: &str) -> i64 {
        self.buffer + from.map_or(0, |from| self.travel_minutes(from, to))
    }

    /// Travel minutes between two venues: 0 within one venue.
    pub fn travel_minutes(&self, a: &str, b: &str) -> i64 {
        if a == b {
            return 0;
        }
        self.travel
            .iter()
            .find(|t| (t.from == a && t.to == b) || (t.from == b && t.to == a))
            .map_or(self.default_travel, |t| t.minutes)
    }

    /// The day a minute falls on, by index.
    pub fn day_of(&self, minute: i64) -> Option<usize> {
        self.days.iter().position(|d| d.start <= minute && minute < d.end)
    }

    pub fn person(&self, id: &str) -> Option<&Person> {
        self.persons.iter().find(|p| p.id == id)
    }

    pub fn room(&self, id: &str) -> Option<&Room> {
        self.rooms.iter().find(|r| r.id == id)
    }

    pub fn max_per_day_of(&self, person: &Person) -> u32 {
        person.max_per_day.unwrap_or(self.max_per_day)
    }

    /// Requests by id, for lookups.
    pub fn requests_by_id(&self) -> BTreeMap<&str, &Request> {
        self.requests.iter().map(|r| (r.id.as_str(), r)).collect()
    }
}

fn unique<'a>(kind: &'static str, ids: impl Iterator<Item = &'a String>) -> Result<(), InstanceError> {
    let mut seen = BTreeSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(InstanceError::Duplicate { kind, id: id.clone() });
        }
    }
    Ok(())
}
