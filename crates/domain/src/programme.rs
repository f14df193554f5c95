//! The programme of an event: timed items in venues, who attends them, who may see them, and the
//! clashes an edit would make. Times are instants; people enter and read them in the event's time
//! zone.

use std::collections::{BTreeSet, HashMap, HashSet};

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::delegations::{DelegationRole, Member};
use crate::events::{Event, Format, Venue};
use crate::validation::{Checker, Invalid};
use crate::{Id, Text};

/// What kind of thing happens.
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Arrival,
    Welcome,
    FamilyPhoto,
    NarrowSession,
    ExtendedSession,
    Signing,
    Bilateral,
    Ceremony,
    Visit,
    PressApproach,
    Meal,
    Departure,
}

impl ItemKind {
    pub const ALL: [ItemKind; 12] = [
        Self::Arrival,
        Self::Welcome,
        Self::FamilyPhoto,
        Self::NarrowSession,
        Self::ExtendedSession,
        Self::Signing,
        Self::Bilateral,
        Self::Ceremony,
        Self::Visit,
        Self::PressApproach,
        Self::Meal,
        Self::Departure,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Arrival => "arrival",
            Self::Welcome => "welcome",
            Self::FamilyPhoto => "family_photo",
            Self::NarrowSession => "narrow_session",
            Self::ExtendedSession => "extended_session",
            Self::Signing => "signing",
            Self::Bilateral => "bilateral",
            Self::Ceremony => "ceremony",
            Self::Visit => "visit",
            Self::PressApproach => "press_approach",
            Self::Meal => "meal",
            Self::Departure => "departure",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How the press may attend.
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PressAccess {
    Open,
    /// A small pool of accredited press.
    Pool,
    Closed,
}

impl PressAccess {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Pool => "pool",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Open, Self::Pool, Self::Closed].into_iter().find(|p| p.as_str() == s)
    }
}

/// Who may see an item, from the widest audience to the narrowest.
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    Public,
    /// The delegations, their ministries and the host.
    Participants,
    /// The host, and the delegations of those who attend it, in their itineraries and feeds: a
    /// confirmed bilateral is its sides' business, as its request was.
    Attendees,
    HostOnly,
}

/// A change to an event's programme as announced to open pages, with whom it concerns: the
/// widest audience of the items it touched (as they were and as they are), and the participants
/// attending those shown to their attendees only. An open page hears only of changes to what its
/// reader may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announced {
    pub event: Id,
    pub audience: Visibility,
    pub attending: Vec<Id>,
}

impl Item {
    /// Whether a reader of `audience` sees the item in the itinerary of those who attend it (a
    /// reader who may read their delegation): what the reader may see, and what is shown to its
    /// attendees.
    pub fn in_itinerary(&self, audience: Visibility) -> bool {
        self.visibility <= audience || self.visibility == Visibility::Attendees
    }

    /// The format of the meeting the item is a session of, if it is one.
    pub fn format(&self) -> Option<Format> {
        match self.kind {
            ItemKind::NarrowSession => Some(Format::Narrow),
            ItemKind::ExtendedSession => Some(Format::Extended),
            _ => None,
        }
    }

    /// The message naming what kind of item it is. A meeting on the sidelines is kept as a
    /// bilateral whatever its size, and named by how many delegations attend it (`sides`, asked
    /// for only then): three make it trilateral, more multilateral.
    pub fn kind_message(&self, sides: impl FnOnce() -> usize) -> String {
        match self.kind {
            ItemKind::Bilateral => match sides() {
                3 => "item-kind-trilateral".to_string(),
                4.. => "item-kind-multilateral".to_string(),
                _ => "item-kind-bilateral".to_string(),
            },
            kind => format!("item-kind-{}", kind.as_str()),
        }
    }
}

impl Announced {
    /// The change of `items`, each with the participants whose members attend it.
    pub fn of<'a>(event: Id, items: impl IntoIterator<Item = (&'a Item, Vec<Id>)>) -> Announced {
        let mut change = Announced { event, audience: Visibility::HostOnly, attending: Vec::new() };
        for (item, attending) in items {
            change.audience = change.audience.min(item.visibility);
            if item.visibility == Visibility::Attendees {
                change.attending.extend(attending);
            }
        }
        change.attending.sort_unstable();
        change.attending.dedup();
        change
    }

    /// The same change told to every participant rather than to those attending: for a notice
    /// that cannot carry them all (PostgreSQL's 8-kB payload). Readers learn no more than that
    /// the programme changed, and fetch what they may see.
    pub fn widened(self) -> Announced {
        let audience = if self.audience == Visibility::Attendees { Visibility::Participants } else { self.audience };
        Announced { audience, attending: Vec::new(), ..self }
    }

    /// Whether a reader who sees the programme as `audience` and reads the itineraries of `own`
    /// participants may see something of what changed.
    pub fn heard_by(&self, audience: Visibility, own: &[Id]) -> bool {
        self.audience.reaches(audience, own, &self.attending)
    }
}

impl Visibility {
    /// Whether what is shown to `self` reaches a reader who sees the programme as `audience` and
    /// reads the itineraries of `own` participants, when `attending` participants attend it.
    pub fn reaches(self, audience: Visibility, own: &[Id], attending: &[Id]) -> bool {
        self <= audience || (self == Visibility::Attendees && attending.iter().any(|p| own.contains(p)))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Participants => "participants",
            Self::Attendees => "attendees",
            Self::HostOnly => "host_only",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Public, Self::Participants, Self::Attendees, Self::HostOnly].into_iter().find(|v| v.as_str() == s)
    }
}

/// Who attends: every head of delegation, whole delegations (by participant code), named members.
#[derive(schemars::JsonSchema, Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attendees {
    #[serde(default)]
    pub heads: bool,
    #[serde(default)]
    pub delegations: Vec<String>,
    #[serde(default)]
    pub persons: Vec<Id>,
}

/// The accredited members of an event indexed for reading attendance: an item's attendees in time
/// proportional to their number, not to the size of the event.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    members: Vec<(String, Member)>,
    heads: Vec<usize>,
    by_code: HashMap<String, Vec<usize>>,
    by_id: HashMap<Id, usize>,
    taking_part: HashMap<String, HashSet<String>>,
}

impl Roster {
    /// From the approved members of the event with their participant codes, and the codes of the
    /// participants taking part in each meeting's body on the meeting's day, by meeting slug.
    pub fn new(members: Vec<(String, Member)>, taking_part: HashMap<String, HashSet<String>>) -> Roster {
        let mut roster = Roster { taking_part, ..Roster::default() };
        for (i, (code, m)) in members.iter().enumerate() {
            if m.role == DelegationRole::Head {
                roster.heads.push(i);
            }
            roster.by_code.entry(code.clone()).or_default().push(i);
            roster.by_id.insert(m.id, i);
        }
        roster.members = members;
        roster
    }

    /// The accredited members, with their participants' codes.
    pub fn members(&self) -> &[(String, Member)] {
        &self.members
    }

    /// The members attending `item`: the named persons; and, of the heads of delegation (if asked)
    /// and of the listed delegations, those who sit at the item's meeting, in its format where it
    /// is a session in one ([`Member::sits_at`], [`Member::sits_in`]). A head sits at a meeting
    /// marked for none in particular while its participant takes part in the meeting's body; a
    /// listed delegation is there whatever its membership.
    pub fn attending(&self, item: &Item) -> BTreeSet<Id> {
        let format = item.format();
        let sits = |i: usize, listed: bool| {
            let (code, m) = &self.members[i];
            let at_meeting = item.meeting.as_deref().is_none_or(|meeting| {
                m.sits_at(meeting, listed || self.taking_part.get(meeting).is_some_and(|codes| codes.contains(code)))
            });
            at_meeting && format.is_none_or(|f| m.sits_in(f))
        };
        let attendees = &item.attendees;
        let heads = self.heads.iter().filter(|_| attendees.heads).filter(|&&i| sits(i, false));
        let listed = attendees.delegations.iter().flat_map(|code| self.by_code.get(code).into_iter().flatten());
        let mut out: BTreeSet<Id> =
            heads.chain(listed.filter(|&&i| sits(i, true))).map(|&i| self.members[i].1.id).collect();
        out.extend(attendees.persons.iter().filter(|p| self.by_id.contains_key(p)).copied());
        out
    }
}

/// A programme item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub id: Id,
    pub event_id: Id,
    pub kind: ItemKind,
    pub title: Text,
    pub starts: Timestamp,
    pub ends: Timestamp,
    /// A venue of the event, by slug, and a room in it.
    pub venue: Option<String>,
    pub room: Option<String>,
    /// The meeting of the event the item belongs to, by slug (a CFM sitting in narrow format).
    pub meeting: Option<String>,
    pub attendees: Attendees,
    pub press: PressAccess,
    pub visibility: Visibility,
    pub cancelled: bool,
    /// Grows with every change people's calendars must pick up (iCalendar SEQUENCE).
    pub sequence: i64,
    pub version: i64,
}

/// Whether an item may lie on `day` of an event from `first` to `last`: on its days or up to
/// [`DAYS_AROUND`] either side (arrivals, departures).
fn around_the_days(first: jiff::civil::Date, last: jiff::civil::Date, day: jiff::civil::Date) -> bool {
    let around = jiff::Span::new().days(DAYS_AROUND);
    (first.saturating_sub(around)..=last.saturating_add(around)).contains(&day)
}

/// Whether an event's new days, from `first` to `last` in `time_zone`, keep what is held on it:
/// every meeting on one of them, every item that goes ahead around them as [`ItemInput::validate`]
/// asks. What they would leave behind is said at the day that moved, with the day it is on.
pub fn days_keep(
    first: jiff::civil::Date,
    last: jiff::civil::Date,
    time_zone: &str,
    meetings: &[jiff::civil::Date],
    items: &[Item],
) -> Result<(), Invalid> {
    let mut c = Checker::new();
    let tz = TimeZone::get(time_zone).unwrap_or(TimeZone::UTC);
    let field = |day: jiff::civil::Date| if day < first { "start_date" } else { "end_date" };
    if let Some(&day) = meetings.iter().find(|&&day| !(first..=last).contains(&day)) {
        c.fail_with(field(day), "meeting-outside-days", vec![("date", day.to_string())]);
    }
    let days = |i: &Item| [i.starts, i.ends].map(|t| t.to_zoned_datetime(tz.clone()).date());
    let left = items.iter().filter(|i| !i.cancelled).flat_map(days).find(|&day| !around_the_days(first, last, day));
    if let Some(day) = left {
        c.fail_with(field(day), "item-outside-days", vec![("date", day.to_string())]);
    }
    c.finish(())
}

/// Whether an event's new `venues` keep the places of its programme: every item that goes ahead
/// at a venue, or in a room of one, still finds it. The first left without its place is said at
/// `venues`, with the place as `name` words it from its slugs and the item's day in `time_zone`.
pub fn places_keep(
    venues: &[Venue],
    time_zone: &str,
    items: &[Item],
    name: impl Fn(Option<&str>, Option<&str>) -> String,
) -> Result<(), Invalid> {
    let mut c = Checker::new();
    let tz = TimeZone::get(time_zone).unwrap_or(TimeZone::UTC);
    let lost = |i: &&Item| {
        let Some(venue) = &i.venue else { return false };
        match venues.iter().find(|v| &v.slug == venue) {
            None => true,
            Some(v) => i.room.as_ref().is_some_and(|room| !v.rooms.iter().any(|r| &r.slug == room)),
        }
    };
    if let Some(item) = items.iter().filter(|i| !i.cancelled).find(lost) {
        let place = name(item.venue.as_deref(), item.room.as_deref());
        let day = item.starts.to_zoned_datetime(tz).date();
        c.fail_with("venues", "place-in-use", vec![("place", place), ("date", day.to_string())]);
    }
    c.finish(())
}

/// What [`on_the_clocks`] says of a time given with its offset, by which the edge tells it apart.
pub const OFFSET_NOT_LOCAL: &str = "has an offset: expected a time on the event's clocks";

/// A day and time on the event's clocks. One given with its offset from UTC is refused: read as
/// a civil time, the offset would be dropped and 15:00+03:00 taken as 15:00 in Almaty.
fn on_the_clocks<'de, D: serde::Deserializer<'de>>(d: D) -> Result<DateTime, D::Error> {
    let text = String::deserialize(d)?;
    let time = text.split_once(['T', 't', ' ']).map_or("", |(_, time)| time);
    if time.contains(['+', '-', 'Z', 'z', '[']) {
        return Err(serde::de::Error::custom(format!("{text:?} {OFFSET_NOT_LOCAL}")));
    }
    text.parse().map_err(serde::de::Error::custom)
}

/// What the host enters for an item; times in the event's time zone.
#[derive(schemars::JsonSchema, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[schemars(rename = "ProgrammeItemInput")]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    pub kind: ItemKind,
    pub title: Text,
    #[schemars(with = "crate::schema::DateTime")]
    #[serde(deserialize_with = "on_the_clocks")]
    pub starts: DateTime,
    #[schemars(with = "crate::schema::DateTime")]
    #[serde(deserialize_with = "on_the_clocks")]
    pub ends: DateTime,
    #[serde(default)]
    pub venue: Option<String>,
    #[serde(default)]
    pub room: Option<String>,
    #[serde(default)]
    pub meeting: Option<String>,
    #[serde(default)]
    pub attendees: Attendees,
    pub press: PressAccess,
    pub visibility: Visibility,
}

/// An item's checked fields, times as instants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemFields {
    pub kind: ItemKind,
    pub title: Text,
    pub starts: Timestamp,
    pub ends: Timestamp,
    pub venue: Option<String>,
    pub room: Option<String>,
    pub meeting: Option<String>,
    pub attendees: Attendees,
    pub press: PressAccess,
    pub visibility: Visibility,
}

/// What an item is checked against: the event, its meetings and the invited participants' codes.
pub struct ItemFrame<'a> {
    pub event: &'a Event,
    pub meetings: &'a [String],
    pub participants: &'a [String],
    /// Whom the item may name as attending: the event's accredited members, and on an edit those
    /// the item named before (a badge revoked since does not make the item unsavable).
    pub members: &'a [Id],
}

/// How far before the first day and after the last an item may lie (arrivals, departures).
const DAYS_AROUND: i64 = 2;

impl ItemInput {
    pub fn validate(self, frame: &ItemFrame) -> Result<ItemFields, Invalid> {
        let mut c = Checker::new();
        let title = self.title.checked(&mut c, "title", 200);
        let tz = TimeZone::get(&frame.event.time_zone).unwrap_or(TimeZone::UTC);
        let instant = |c: &mut Checker, field: &str, t: DateTime| match t.to_zoned_datetime(tz.clone()) {
            Ok(z) => Some(z.timestamp()),
            Err(_) => {
                c.fail(field, "invalid-time");
                None
            }
        };
        let starts = instant(&mut c, "starts", self.starts);
        let ends = instant(&mut c, "ends", self.ends);
        if let (Some(s), Some(e)) = (starts, ends)
            && e <= s
        {
            c.fail("ends", "end-not-after-start");
        }
        let on_the_days = |day| around_the_days(frame.event.start_date, frame.event.end_date, day);
        if !on_the_days(self.starts.date()) {
            c.fail("starts", "outside-event");
        } else if !on_the_days(self.ends.date()) {
            c.fail("ends", "outside-event");
        }
        let venue = self.venue.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let room = self.room.map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
        match venue.as_deref().map(|v| frame.event.venues.iter().find(|known| known.slug == v)) {
            Some(None) => c.fail("venue", "unknown"),
            Some(Some(v)) if room.as_ref().is_some_and(|r| !v.rooms.iter().any(|known| &known.slug == r)) => {
                c.fail("room", "unknown")
            }
            None if room.is_some() => c.fail("room", "room-without-venue"),
            _ => {}
        }
        let meeting = self.meeting.map(|m| m.trim().to_string()).filter(|m| !m.is_empty());
        if meeting.as_ref().is_some_and(|m| !frame.meetings.contains(m)) {
            c.fail("meeting", "unknown");
        }
        let mut attendees = self.attendees;
        attendees.delegations.sort();
        attendees.delegations.dedup();
        if attendees.delegations.iter().any(|d| !frame.participants.contains(d)) {
            c.fail("attendees.delegations", "unknown");
        }
        attendees.persons.sort();
        attendees.persons.dedup();
        if attendees.persons.iter().any(|p| !frame.members.contains(p)) {
            c.fail("attendees.persons", "unknown");
        }
        c.finish(())?;
        Ok(ItemFields {
            kind: self.kind,
            title,
            starts: starts.expect("checked"),
            ends: ends.expect("checked"),
            venue,
            room,
            meeting,
            attendees,
            press: self.press,
            visibility: self.visibility,
        })
    }
}

impl Item {
    pub fn new(id: Id, event_id: Id, fields: ItemFields) -> Item {
        let ItemFields { kind, title, starts, ends, venue, room, meeting, attendees, press, visibility } = fields;
        Item {
            id,
            event_id,
            kind,
            title,
            starts,
            ends,
            venue,
            room,
            meeting,
            attendees,
            press,
            visibility,
            cancelled: false,
            sequence: 0,
            version: 1,
        }
    }

    /// The item with new fields; calendars see a new sequence number.
    pub fn with_fields(self, fields: ItemFields) -> Item {
        Item {
            cancelled: self.cancelled,
            sequence: self.sequence + 1,
            version: self.version,
            ..Item::new(self.id, self.event_id, fields)
        }
    }

    /// Whether `item`, new, is this item sent again: the same fields, whatever became of it since
    /// (moved by its version, cancelled).
    pub fn made_of(&self, item: &Item) -> bool {
        Item { version: self.version, sequence: self.sequence, cancelled: self.cancelled, ..item.clone() } == *self
    }

    /// The item moved by `shift`, as the host moves it on the programme: its calendars are told
    /// (a new sequence), and it stays where a new item may lie, on `event`'s days or around them;
    /// else the end (or start) that would leave them is refused.
    pub fn moved(&self, shift: SignedDuration, event: &Event) -> Result<Item, Invalid> {
        let moved =
            Item { starts: self.starts + shift, ends: self.ends + shift, sequence: self.sequence + 1, ..self.clone() };
        let tz = TimeZone::get(&event.time_zone).unwrap_or(TimeZone::UTC);
        let day = |t: Timestamp| t.to_zoned_datetime(tz.clone()).date();
        let mut c = Checker::new();
        let on_the_days = |t: Timestamp| around_the_days(event.start_date, event.end_date, day(t));
        if !on_the_days(moved.starts) {
            c.fail("starts", "outside-event");
        } else if !on_the_days(moved.ends) {
            c.fail("ends", "outside-event");
        }
        c.finish(moved)
    }

    /// The item cancelled: it stays, marked, so calendars can say so. One cancelled already is
    /// not cancelled again (`None`): calendars would be told of a change that is none.
    pub fn cancel(self) -> Option<Item> {
        (!self.cancelled).then(|| Item { cancelled: true, sequence: self.sequence + 1, ..self })
    }

    fn overlaps(&self, other: &Item) -> bool {
        self.starts < other.ends && other.starts < self.ends
    }
}

/// Travel times between venues, in minutes, the same both ways.
#[derive(schemars::JsonSchema, Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Travel {
    pub from: String,
    pub to: String,
    pub minutes: u32,
}

/// Looks up the travel time between two venues of an event (zero within one venue).
pub fn travel_minutes(matrix: &[Travel], a: &str, b: &str) -> Option<u32> {
    if a == b {
        return Some(0);
    }
    matrix.iter().find(|t| (t.from == a && t.to == b) || (t.from == b && t.to == a)).map(|t| t.minutes)
}

/// What an edit would clash with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Clash {
    /// A person would be in two places at once (hard).
    Person { person: Id, item: Id },
    /// A room would be booked twice (hard).
    Room { room: String, item: Id },
    /// Too little time to travel from or to another venue (soft).
    Travel { person: Id, item: Id, needed: u32, available: i64 },
    /// The item lies outside a person's stay, between arrival and departure (soft).
    OutsideStay { person: Id },
}

impl Clash {
    /// Hard clashes are refused; soft ones are warnings.
    pub fn is_hard(&self) -> bool {
        matches!(self, Clash::Person { .. } | Clash::Room { .. })
    }
}

/// When a person is in town: from arrival to departure, each end open if unknown.
pub type Stay = (Option<Timestamp>, Option<Timestamp>);

/// A member's stay from their travel data, read in the event's time zone (a day without a time
/// counts whole).
pub fn stay_of(member: &Member, tz: &TimeZone) -> Stay {
    let at = |m: &Option<crate::delegations::Movement>, end_of_day: bool| {
        m.as_ref().and_then(|m| {
            let time = m.time.unwrap_or(if end_of_day {
                jiff::civil::time(23, 59, 59, 0)
            } else {
                jiff::civil::Time::midnight()
            });
            m.date.to_datetime(time).to_zoned_datetime(tz.clone()).ok().map(|z| z.timestamp())
        })
    };
    (at(&member.private.arrival, false), at(&member.private.departure, true))
}

/// The clashes `candidate` would make with the other live items of the event. `attendance` gives
/// each item's attending members, `stays` each member's stay.
pub fn clashes(
    candidate: &Item,
    others: &[Item],
    attendance: &dyn Fn(&Item) -> BTreeSet<Id>,
    travel: &[Travel],
    stays: &HashMap<Id, Stay>,
) -> Vec<Clash> {
    let mut found = Vec::new();
    if candidate.cancelled {
        return found;
    }
    let people = attendance(candidate);
    for other in others.iter().filter(|o| o.id != candidate.id && !o.cancelled) {
        if candidate.overlaps(other) {
            let shared: Vec<Id> = attendance(other).intersection(&people).copied().collect();
            found.extend(shared.into_iter().map(|person| Clash::Person { person, item: other.id }));
            if let (Some(room), Some(other_room)) = (&candidate.room, &other.room)
                && room == other_room
                && candidate.venue == other.venue
            {
                found.push(Clash::Room { room: room.clone(), item: other.id });
            }
            continue;
        }
        let (Some(here), Some(there)) = (&candidate.venue, &other.venue) else { continue };
        let Some(needed) = travel_minutes(travel, here, there) else { continue };
        let gap: SignedDuration = if other.ends <= candidate.starts {
            candidate.starts.duration_since(other.ends)
        } else {
            other.starts.duration_since(candidate.ends)
        };
        let available = gap.as_secs() / 60;
        if available < i64::from(needed) {
            let shared: Vec<Id> = attendance(other).intersection(&people).copied().collect();
            found.extend(shared.into_iter().map(|person| Clash::Travel { person, item: other.id, needed, available }));
        }
    }
    for person in &people {
        let (arrives, leaves) = stays.get(person).copied().unwrap_or((None, None));
        if arrives.is_some_and(|a| candidate.starts < a) || leaves.is_some_and(|l| candidate.ends > l) {
            found.push(Clash::OutsideStay { person: *person });
        }
    }
    found
}

/// A step of someone's itinerary: an item, the way from one venue to the next, or a member's
/// arrival in town or departure from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Leg<'a> {
    Item(&'a Item),
    /// Leave `from` by `leave` to reach `to` for the next item.
    Travel {
        from: String,
        to: String,
        minutes: u32,
        leave: Timestamp,
    },
    Journey(Journey),
}

/// A member arriving in town or leaving it, from their travel data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Journey {
    pub member: Id,
    pub arriving: bool,
    pub at: Timestamp,
    /// Flight or train, as entered.
    pub carrier: String,
}

/// A member's arrival and departure, read in the event's time zone (a day without a time counts
/// from its start for an arrival and to its end for a departure, as for stays).
pub fn journeys_of(member: &Member, tz: &TimeZone) -> Vec<Journey> {
    let (arrives, leaves) = stay_of(member, tz);
    let journey = |arriving: bool, at: Option<Timestamp>, m: &Option<crate::delegations::Movement>| {
        at.zip(m.as_ref()).map(|(at, m)| Journey { member: member.id, arriving, at, carrier: m.carrier.clone() })
    };
    [journey(true, arrives, &member.private.arrival), journey(false, leaves, &member.private.departure)]
        .into_iter()
        .flatten()
        .collect()
}

/// Someone's itinerary: the live items they attend in time order, with the way between venues
/// where the next item of the same day (in `tz`) is elsewhere and the travel time is known, and
/// their journeys in and out: an arrival before what starts at its minute, a departure after.
pub fn itinerary<'a>(items: &[&'a Item], travel: &[Travel], journeys: Vec<Journey>, tz: &TimeZone) -> Vec<Leg<'a>> {
    let day = |t: Timestamp| tz.to_offset(t).to_datetime(t).date();
    let mut sorted: Vec<&Item> = items.iter().copied().filter(|i| !i.cancelled).collect();
    sorted.sort_by_key(|i| (i.starts, i.ends, i.id));
    let mut legs = Vec::with_capacity(sorted.len() * 2);
    // Where the person is, and on which day: a new day starts from wherever they slept.
    let mut here: Option<(&str, jiff::civil::Date)> = None;
    for item in sorted {
        let today = day(item.starts);
        if let (Some((from, _)), Some(to)) = (here.filter(|(_, d)| *d == today), item.venue.as_deref())
            && from != to
            && let Some(minutes) = travel_minutes(travel, from, to)
        {
            let leave = item.starts - SignedDuration::from_mins(i64::from(minutes));
            legs.push(Leg::Travel { from: from.to_string(), to: to.to_string(), minutes, leave });
        }
        here = item.venue.as_deref().map(|v| (v, today)).or(here.filter(|(_, d)| *d == today));
        legs.push(Leg::Item(item));
    }
    let at = |leg: &Leg| match leg {
        Leg::Journey(j) if j.arriving => (j.at, 0),
        Leg::Item(i) => (i.starts, 1),
        Leg::Travel { leave, .. } => (*leave, 1),
        Leg::Journey(j) => (j.at, 2),
    };
    legs.extend(journeys.into_iter().map(Leg::Journey));
    legs.sort_by_key(|leg| at(leg));
    legs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{EventFields, Room, Venue};
    use proptest::prelude::*;

    fn almaty() -> Event {
        let venue = |slug: &str, rooms: &[&str]| Venue {
            slug: slug.into(),
            name: Text::new(&[("en", slug)]),
            address: String::new(),
            location: None,
            rooms: rooms
                .iter()
                .map(|r| Room {
                    slug: (*r).into(),
                    name: Text::new(&[("en", r)]),
                    capacity: None,
                    accessibility: String::new(),
                    bilaterals: true,
                })
                .collect(),
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
                venues: Some(vec![venue("mfa", &["hall", "room-2"]), venue("memorial", &[])]),
                travel: Some(vec![Travel { from: "mfa".into(), to: "memorial".into(), minutes: 25 }]),
            },
        )
    }

    fn input(starts: &str, ends: &str) -> ItemInput {
        ItemInput {
            kind: ItemKind::FamilyPhoto,
            title: Text::new(&[("en", "Family photo")]),
            starts: starts.parse().unwrap(),
            ends: ends.parse().unwrap(),
            venue: Some("mfa".into()),
            room: Some("hall".into()),
            meeting: Some("cis-cfm".into()),
            attendees: Attendees { heads: true, ..Attendees::default() },
            press: PressAccess::Pool,
            visibility: Visibility::Public,
        }
    }

    fn frame(event: &Event) -> ItemFrame<'_> {
        const MEETINGS: &[String] = &[];
        ItemFrame { event, meetings: MEETINGS, participants: &[], members: &[] }
    }

    #[test]
    fn times_are_read_in_the_events_time_zone_and_checked() {
        let event = almaty();
        let meetings = ["cis-cfm".to_string()];
        let frame = ItemFrame { event: &event, meetings: &meetings, participants: &[], members: &[] };
        let item = input("2025-04-11T10:00", "2025-04-11T10:15").validate(&frame).unwrap();
        assert_eq!(item.starts.to_string(), "2025-04-11T05:00:00Z", "Almaty is UTC+5 in 2025");
        let field = |i: ItemInput| i.validate(&frame).unwrap_err().0[0].field.clone();
        assert_eq!(field(input("2025-04-11T10:15", "2025-04-11T10:00")), "ends");
        assert_eq!(field(input("2025-05-11T10:00", "2025-05-11T10:15")), "starts");
        assert_eq!(field(input("2025-04-11T10:00", "2025-04-15T10:00")), "ends", "an end days after the event");
        let sent = |starts: &str| {
            let mut json = serde_json::to_value(input("2025-04-11T10:00", "2025-04-11T10:15")).unwrap();
            json["starts"] = starts.into();
            serde_json::from_value::<ItemInput>(json).map(|i| i.starts.to_string()).map_err(|e| e.to_string())
        };
        assert_eq!(sent("2025-04-11T09:30").unwrap(), "2025-04-11T09:30:00");
        for offset in
            ["2025-04-11T09:30+03:00", "2025-04-11T09:30-01:00", "2025-04-11T09:30Z", "2025-04-11T09:30[Asia/Almaty]"]
        {
            assert!(sent(offset).unwrap_err().contains("has an offset"), "{offset}");
        }
        assert_eq!(
            field(ItemInput { room: Some("attic".into()), ..input("2025-04-11T10:00", "2025-04-11T10:15") }),
            "room"
        );
        assert_eq!(
            field(ItemInput { meeting: Some("nope".into()), ..input("2025-04-11T10:00", "2025-04-11T10:15") }),
            "meeting"
        );
    }

    #[test]
    fn a_move_keeps_an_item_around_the_events_days() {
        let event = almaty();
        let photo = item(0, 30, "mfa", None);
        let day = SignedDuration::from_hours(24);
        let next = photo.moved(day, &event).unwrap();
        assert_eq!((next.starts - photo.starts, next.sequence), (day, photo.sequence + 1));
        let departure = next.moved(day, &event).expect("a departure two days after is held");
        let refused = departure.moved(day, &event).unwrap_err().0.remove(0);
        assert_eq!((refused.field.as_str(), refused.code), ("starts", "outside-event"), "moved day by day, still held");
    }

    #[test]
    fn the_venues_keep_every_place_an_item_goes_ahead_at() {
        let event = almaty();
        let slugs =
            |venue: Option<&str>, room: Option<&str>| [venue, room].into_iter().flatten().collect::<Vec<_>>().join("/");
        let items = [item(0, 30, "mfa", Some("room-2")), item(60, 30, "memorial", None)];
        assert_eq!(places_keep(&event.venues, &event.time_zone, &items, slugs), Ok(()));
        let mut fewer = event.venues.clone();
        fewer[0].rooms.retain(|r| r.slug != "room-2");
        let lost = places_keep(&fewer, &event.time_zone, &items, slugs).unwrap_err().0.remove(0);
        assert_eq!((lost.field.as_str(), lost.code), ("venues", "place-in-use"));
        assert_eq!(lost.args, [("place", "mfa/room-2".to_string()), ("date", "2025-04-11".to_string())]);
        let without_memorial = &event.venues[..1];
        let lost = places_keep(without_memorial, &event.time_zone, &items, slugs).unwrap_err().0.remove(0);
        assert_eq!(lost.args[0], ("place", "memorial".to_string()));
        let cancelled = [items[0].clone().cancel().unwrap()];
        assert_eq!(places_keep(&fewer, &event.time_zone, &cancelled, slugs), Ok(()), "a cancelled item holds no place");
    }

    #[test]
    fn an_item_names_as_attending_only_members_of_the_event() {
        let event = almaty();
        let member = crate::new_id();
        let members = [member];
        let frame = ItemFrame { members: &members, ..frame(&event).with_meeting() };
        let naming = |persons: Vec<Id>| ItemInput {
            attendees: Attendees { persons, ..Attendees::default() },
            ..input("2025-04-11T10:00", "2025-04-11T10:15")
        };
        assert_eq!(naming(vec![member, member]).validate(&frame).unwrap().attendees.persons, [member]);
        let refused = naming(vec![member, crate::new_id()]).validate(&frame).unwrap_err();
        assert_eq!((refused.0[0].field.as_str(), refused.0[0].code), ("attendees.persons", "unknown"));
    }

    #[test]
    fn a_time_across_a_daylight_saving_change_is_exact() {
        let mut event = almaty();
        event.time_zone = "Europe/Berlin".into();
        event.start_date = jiff::civil::date(2025, 3, 29);
        event.end_date = jiff::civil::date(2025, 3, 31);
        let before = input("2025-03-29T10:00", "2025-03-29T11:00").validate(&frame(&event).with_meeting()).unwrap();
        let after = input("2025-03-30T10:00", "2025-03-30T11:00").validate(&frame(&event).with_meeting()).unwrap();
        assert_eq!(before.starts.to_string(), "2025-03-29T09:00:00Z", "CET");
        assert_eq!(after.starts.to_string(), "2025-03-30T08:00:00Z", "CEST after the change");
    }

    impl<'a> ItemFrame<'a> {
        fn with_meeting(self) -> ItemFrame<'a> {
            static MEETINGS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| vec!["cis-cfm".into()]);
            ItemFrame { meetings: &MEETINGS, ..self }
        }
    }

    fn item(starts_min: i64, len: i64, venue: &str, room: Option<&str>) -> Item {
        let base: Timestamp = "2025-04-11T04:00:00Z".parse().unwrap();
        let starts = base + SignedDuration::from_mins(starts_min);
        Item::new(
            crate::new_id(),
            crate::new_id(),
            ItemFields {
                kind: ItemKind::Bilateral,
                title: Text::new(&[("en", "x")]),
                starts,
                ends: starts + SignedDuration::from_mins(len),
                venue: Some(venue.into()),
                room: room.map(str::to_string),
                meeting: None,
                attendees: Attendees::default(),
                press: PressAccess::Closed,
                visibility: Visibility::HostOnly,
            },
        )
    }

    #[test]
    fn a_meeting_on_the_sidelines_is_named_by_how_many_sides_attend() {
        let talks = item(0, 30, "mfa", None);
        let named = |sides: usize| talks.kind_message(|| sides);
        assert_eq!(
            [named(2), named(3), named(4), named(12)],
            ["item-kind-bilateral", "item-kind-trilateral", "item-kind-multilateral", "item-kind-multilateral"]
        );
        let photo = Item { kind: ItemKind::FamilyPhoto, ..talks };
        assert_eq!(
            photo.kind_message(|| unreachable!("only a meeting on the sidelines counts its sides")),
            "item-kind-family_photo"
        );
    }

    #[test]
    fn a_change_is_told_to_those_who_may_see_what_changed() {
        let (kz, tj, ru) = (crate::new_id(), crate::new_id(), crate::new_id());
        let shown = |visibility| Item { visibility, ..item(0, 30, "mfa", None) };
        let talks = shown(Visibility::Attendees);
        let event = talks.event_id;
        let confirmed = Announced::of(event, [(&talks, vec![kz, tj])]);
        assert!(confirmed.heard_by(Visibility::HostOnly, &[]), "the host");
        assert!(confirmed.heard_by(Visibility::Participants, &[tj]), "a side");
        assert!(!confirmed.heard_by(Visibility::Participants, &[ru]), "another delegation");
        assert!(!confirmed.heard_by(Visibility::Public, &[]), "the public");
        // Made public, the same meeting is everyone's news, as it was and as it is.
        let announced = shown(Visibility::Public);
        let published = Announced::of(event, [(&talks, vec![kz, tj]), (&announced, vec![kz, tj])]);
        assert!(published.heard_by(Visibility::Public, &[]));
        let briefing = Announced::of(event, [(&shown(Visibility::HostOnly), vec![kz])]);
        assert!(!briefing.heard_by(Visibility::Participants, &[kz]), "host-only stays the host's");
        // Widened, for a notice too small to name those attending: every participant, still not the public.
        let widened = confirmed.widened();
        assert!(widened.heard_by(Visibility::Participants, &[ru]) && !widened.heard_by(Visibility::Public, &[]));
        assert!(!briefing.widened().heard_by(Visibility::Participants, &[]), "host-only stays host-only");
    }

    #[test]
    fn people_rooms_travel_and_stays_are_checked() {
        let (nurtleu, lavrov) = (crate::new_id(), crate::new_id());
        let bilateral = item(0, 45, "mfa", Some("room-2"));
        let flowers = item(50, 30, "memorial", None);
        let photo = item(30, 15, "mfa", Some("room-2"));
        let people: HashMap<Id, BTreeSet<Id>> = [
            (bilateral.id, BTreeSet::from([nurtleu, lavrov])),
            (flowers.id, BTreeSet::from([nurtleu, lavrov])),
            (photo.id, BTreeSet::from([nurtleu])),
        ]
        .into();
        let attendance = |i: &Item| people.get(&i.id).cloned().unwrap_or_default();
        let travel = [Travel { from: "mfa".into(), to: "memorial".into(), minutes: 25 }];
        let stays = HashMap::from([(lavrov, (Some("2025-04-10T15:00:00Z".parse().unwrap()), None))]);
        let found = clashes(&photo, &[bilateral.clone(), flowers.clone()], &attendance, &travel, &stays);
        assert!(found.contains(&Clash::Person { person: nurtleu, item: bilateral.id }));
        assert!(found.contains(&Clash::Room { room: "room-2".into(), item: bilateral.id }));
        let found = clashes(&flowers, std::slice::from_ref(&bilateral), &attendance, &travel, &stays);
        assert_eq!(found.len(), 2, "five minutes to drive 25: both ministers warned: {found:?}");
        assert!(found.iter().all(|c| !c.is_hard()));
        let early = item(-24 * 60, 30, "mfa", None);
        let people_early = |_: &Item| BTreeSet::from([lavrov]);
        assert_eq!(clashes(&early, &[], &people_early, &travel, &stays), [Clash::OutsideStay { person: lavrov }]);
        assert!(clashes(&bilateral.clone().cancel().unwrap(), &[photo], &attendance, &travel, &stays).is_empty());
        assert!(bilateral.clone().cancel().unwrap().cancel().is_none(), "cancelled once");
    }

    #[test]
    fn attendance_follows_the_meetings_and_formats_members_sit_in() {
        use crate::delegations::Rank;
        let member = |role: DelegationRole, formats: &[Format], meetings: &[&str]| Member {
            formats: formats.to_vec(),
            meetings: meetings.iter().map(|m| m.to_string()).collect(),
            ..crate::delegations::tests::member(role, Rank::Minister, "Лавров")
        };
        let both = [Format::Narrow, Format::Extended];
        let members = vec![
            ("KZ".to_string(), member(DelegationRole::Head, &both, &[])),
            ("KZ".to_string(), member(DelegationRole::Adviser, &[Format::Extended], &[])),
            ("KZ".to_string(), member(DelegationRole::Interpreter, &[], &[])),
            ("TM".to_string(), member(DelegationRole::Head, &both, &["cis-cfm"])),
            ("TM".to_string(), member(DelegationRole::Head, &both, &["central-asia-russia"])),
            ("AZ".to_string(), member(DelegationRole::Head, &both, &[])),
        ];
        let ids: Vec<Id> = members.iter().map(|(_, m)| m.id).collect();
        let [kz_head, kz_adviser, kz_interpreter, meredov, gurbanov, az_head] = ids[..] else { unreachable!() };
        let taking_part = HashMap::from([
            ("cis-cfm".to_string(), HashSet::from(["KZ".to_string(), "TM".to_string(), "AZ".to_string()])),
            ("central-asia-russia".to_string(), HashSet::from(["KZ".to_string(), "TM".to_string()])),
        ]);
        let roster = Roster::new(members.clone(), taking_part);
        let session = |kind: ItemKind, meeting: Option<&str>, attendees: Attendees| Item {
            kind,
            meeting: meeting.map(str::to_string),
            attendees,
            ..item(0, 30, "mfa", None)
        };
        let heads = || Attendees { heads: true, ..Attendees::default() };
        let listed = |codes: &[&str]| Attendees {
            delegations: codes.iter().map(|c| c.to_string()).collect(),
            ..Attendees::default()
        };
        let attending = |i: &Item| roster.attending(i);

        let lunch = session(ItemKind::Meal, None, heads());
        assert_eq!(attending(&lunch), BTreeSet::from([kz_head, meredov, gurbanov, az_head]), "every head");
        let photo = session(ItemKind::FamilyPhoto, Some("cis-cfm"), heads());
        assert_eq!(attending(&photo), BTreeSet::from([kz_head, meredov, az_head]), "the heads sitting at the CFM");
        let car = session(ItemKind::NarrowSession, Some("central-asia-russia"), listed(&["KZ", "TM"]));
        assert_eq!(
            attending(&car),
            BTreeSet::from([kz_head, kz_interpreter, gurbanov]),
            "the narrow format: heads, and those marked for no format; the head marked for this meeting"
        );
        let car_heads = session(ItemKind::NarrowSession, Some("central-asia-russia"), heads());
        assert_eq!(attending(&car_heads), BTreeSet::from([kz_head, gurbanov]), "AZ takes no part in that body");
        let extended = session(ItemKind::ExtendedSession, Some("cis-cfm"), listed(&["KZ", "TM"]));
        assert_eq!(attending(&extended), BTreeSet::from([kz_head, kz_adviser, kz_interpreter, meredov]));
        let named = Attendees { persons: vec![kz_adviser, crate::new_id()], ..heads() };
        let named = session(ItemKind::NarrowSession, Some("central-asia-russia"), named);
        assert_eq!(
            attending(&named),
            BTreeSet::from([kz_head, kz_adviser, gurbanov]),
            "a named person attends as named"
        );
    }

    #[test]
    fn an_itinerary_adds_the_way_between_venues() {
        let bilateral = item(0, 45, "mfa", Some("room-2"));
        let flowers = item(90, 30, "memorial", None);
        let lunch = item(150, 60, "memorial", None);
        let cancelled = item(60, 10, "hotel", None).cancel().unwrap();
        let travel = [Travel { from: "mfa".into(), to: "memorial".into(), minutes: 25 }];
        let arrival = Journey {
            member: crate::new_id(),
            arriving: true,
            at: bilateral.starts - SignedDuration::from_hours(12),
            carrier: "SU 1234".into(),
        };
        let tz = TimeZone::UTC;
        let mut legs = itinerary(&[&lunch, &flowers, &cancelled, &bilateral], &travel, vec![arrival.clone()], &tz);
        assert_eq!(legs.len(), 5, "the arrival, three items and one way: {legs:?}");
        assert_eq!(legs.remove(0), Leg::Journey(arrival.clone()), "the arrival first");
        assert_eq!(legs[0], Leg::Item(&bilateral));
        let Leg::Travel { minutes, leave, .. } = &legs[1] else { panic!("the way to the memorial") };
        assert_eq!((*minutes, *leave), (25, flowers.starts - SignedDuration::from_mins(25)));
        assert_eq!(legs[3], Leg::Item(&lunch), "no way within one venue");
        let next_day = item(24 * 60, 30, "mfa", None);
        let on_time = Journey { member: arrival.member, arriving: true, at: next_day.starts, carrier: String::new() };
        let legs = itinerary(&[&lunch, &next_day], &travel, vec![on_time.clone()], &tz);
        assert_eq!(
            legs,
            [Leg::Item(&lunch), Leg::Journey(on_time), Leg::Item(&next_day)],
            "no way overnight; arriving first"
        );
    }

    proptest! {
        /// Items accepted one by one when they make no hard clash form a plan where no person and
        /// no room is in two places at once, checked pair by pair independently of `clashes`.
        #[test]
        fn an_accepted_plan_has_no_hard_clash(
            proposals in prop::collection::vec((0i64..600, 5i64..120, 0usize..3, prop::option::of(0usize..2), prop::collection::btree_set(0usize..6, 0..4)), 1..40)
        ) {
            let persons: Vec<Id> = (0..6).map(|_| crate::new_id()).collect();
            let venues = ["mfa", "memorial", "hotel"];
            let rooms = ["hall", "room-2"];
            let mut accepted: Vec<Item> = Vec::new();
            let mut people: HashMap<Id, BTreeSet<Id>> = HashMap::new();
            for (start, len, venue, room, who) in proposals {
                let candidate = item(start, len, venues[venue], room.map(|r| rooms[r]));
                people.insert(candidate.id, who.iter().map(|i| persons[*i]).collect());
                let attendance = |i: &Item| people.get(&i.id).cloned().unwrap_or_default();
                if clashes(&candidate, &accepted, &attendance, &[], &HashMap::new()).iter().all(|c| !c.is_hard()) {
                    accepted.push(candidate);
                }
            }
            for (i, a) in accepted.iter().enumerate() {
                for b in &accepted[i + 1..] {
                    let overlap = a.starts < b.ends && b.starts < a.ends;
                    if overlap {
                        prop_assert!(people[&a.id].is_disjoint(&people[&b.id]), "a person in two places");
                        prop_assert!(a.room.is_none() || a.room != b.room || a.venue != b.venue, "a room booked twice");
                    }
                }
            }
        }
    }
}
