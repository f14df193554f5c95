//! Events (one host operation in one place) and the meetings of bodies they hold.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::programme::Travel;
use crate::text::CaseForms;
use crate::validation::{Checker, Invalid, check_slug, check_time_zone};
use crate::{Id, Text};

/// The longest event Concord accepts: a UN high-level week with its preparations fits.
pub const MAX_EVENT_DAYS: i32 = 60;

/// A place of the event: a building with rooms.
#[derive(schemars::JsonSchema, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Venue {
    /// Unique within the event; programme items name their venue by it.
    #[serde(default)]
    pub slug: String,
    pub name: Text,
    pub address: String,
    #[serde(default)]
    pub location: Option<Location>,
    #[serde(default)]
    pub rooms: Vec<Room>,
    /// Step-free access, lifts, hearing loops…
    #[serde(default)]
    pub accessibility: String,
}

/// Latitude and longitude in degrees (WGS 84).
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    pub latitude: f64,
    pub longitude: f64,
}

#[derive(schemars::JsonSchema, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Room {
    pub slug: String,
    pub name: Text,
    #[serde(default)]
    pub capacity: Option<u32>,
    #[serde(default)]
    pub accessibility: String,
    /// Whether the scheduler may put bilaterals here: the host keeps the plenary hall out.
    #[serde(default = "yes")]
    pub bilaterals: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: Id,
    pub slug: String,
    pub name: Text,
    /// The participant whose ministry runs the event.
    pub host: Id,
    pub city: Text,
    /// The case forms of the city's name: «в Алматы», «Алматыда».
    #[serde(default)]
    pub city_cases: CaseForms,
    /// An IANA time zone (`Asia/Almaty`).
    pub time_zone: String,
    pub start_date: Date,
    pub end_date: Date,
    pub venues: Vec<Venue>,
    /// Travel times between the venues, which the host may edit.
    #[serde(default)]
    pub travel: Vec<Travel>,
    /// After this instant only the host changes delegations.
    pub accreditation_deadline: Option<jiff::Timestamp>,
    pub version: i64,
}

/// How far the event's local time is from UTC over its days, as a reader reads it: «UTC+5»,
/// «UTC+5:30», «UTC-3», «UTC»; «UTC+1/UTC+2» when summer time starts or ends within them. An unknown
/// zone (the store holds only checked ones) is given by its name.
pub fn utc_offsets(time_zone: &str, start: Date, end: Date) -> String {
    let Ok(tz) = jiff::tz::TimeZone::get(time_zone) else {
        return time_zone.to_string();
    };
    let offset = |day: Date| day.to_zoned_datetime(tz.clone()).map(|z| z.offset().seconds());
    let label = |seconds: i32| {
        let (sign, seconds) = if seconds < 0 { ('-', -seconds) } else { ('+', seconds) };
        match (seconds / 3600, seconds % 3600 / 60) {
            (0, 0) => "UTC".to_string(),
            (h, 0) => format!("UTC{sign}{h}"),
            (h, m) => format!("UTC{sign}{h}:{m:02}"),
        }
    };
    // The end day's offset as it stands by its evening, after a change made in that night.
    let last = end.tomorrow().unwrap_or(end);
    match (offset(start), offset(last)) {
        (Ok(a), Ok(b)) if a == b => label(a),
        (Ok(a), Ok(b)) => format!("{}/{}", label(a), label(b)),
        _ => time_zone.to_string(),
    }
}

impl Event {
    /// A new event from its fields, hosted by the participant `host` (the id of `fields.host`).
    pub fn new(id: Id, host: Id, fields: EventFields) -> Event {
        let EventFields { slug, name, city, city_cases, time_zone, start_date, end_date, venues, travel, host: _ } =
            fields;
        Event {
            id,
            slug,
            name,
            host,
            city,
            city_cases,
            time_zone,
            start_date,
            end_date,
            venues: venues.unwrap_or_default(),
            travel: travel.unwrap_or_default(),
            accreditation_deadline: None,
            version: 1,
        }
    }

    /// The event with a user's fields replacing the old ones (its deadline and version stay, and
    /// its venues and travel times unless the fields bring new ones).
    pub fn with_fields(self, host: Id, fields: EventFields) -> Event {
        let venues = fields.venues.is_none().then(|| self.venues.clone());
        let travel = fields.travel.is_none().then(|| self.travel.clone());
        let new = Event::new(self.id, host, fields);
        Event {
            accreditation_deadline: self.accreditation_deadline,
            version: self.version,
            venues: venues.unwrap_or(new.venues),
            travel: travel.unwrap_or(new.travel),
            ..new
        }
    }

    /// Whether the accreditation deadline has passed at `now`.
    pub fn deadline_passed(&self, now: jiff::Timestamp) -> bool {
        self.accreditation_deadline.is_some_and(|deadline| now > deadline)
    }

    /// Checks an accreditation deadline: before the event's last day is over, on the event's clocks
    /// (a deadline after it would accredit no one in time). Said at `field`: the deadline set, or
    /// the day that moved before it.
    pub fn check_deadline(&self, deadline: jiff::Timestamp, field: &str) -> Result<jiff::Timestamp, Invalid> {
        let mut c = Checker::new();
        let tz = jiff::tz::TimeZone::get(&self.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        let over = self.end_date.tomorrow().ok().and_then(|d| d.to_zoned_datetime(tz).ok()).map(|z| z.timestamp());
        if over.is_some_and(|over| deadline >= over) {
            c.fail_with(field, "deadline-after-event", vec![("date", self.end_date.to_string())]);
        }
        c.finish(deadline)
    }
}

/// The fields a user sets when creating or editing an event.
#[derive(schemars::JsonSchema, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventFields {
    /// Lowercase letters and digits in words joined by single hyphens (`almaty-2025`).
    pub slug: String,
    pub name: Text,
    /// The host participant's code (`KZ`).
    pub host: String,
    pub city: Text,
    /// The case forms of the city's name; left out, none.
    #[serde(default)]
    pub city_cases: CaseForms,
    pub time_zone: String,
    #[schemars(with = "crate::schema::Date")]
    pub start_date: Date,
    #[schemars(with = "crate::schema::Date")]
    pub end_date: Date,
    /// The venues with their rooms; left out, they stay as they are.
    #[serde(default)]
    pub venues: Option<Vec<Venue>>,
    /// Travel times between venues; left out, they stay as they are.
    #[serde(default)]
    pub travel: Option<Vec<Travel>>,
}

impl EventFields {
    pub fn validate(self) -> Result<EventFields, Invalid> {
        let mut c = Checker::new();
        check_slug(&mut c, "slug", &self.slug);
        let name = self.name.checked(&mut c, "name", 200);
        let city = self.city.checked(&mut c, "city", 100);
        let city_cases = self.city_cases.checked(&mut c, "city_cases", 100);
        let host = self.host.trim().to_uppercase();
        if host.is_empty() {
            c.fail("host", "required");
        }
        check_time_zone(&mut c, "time_zone", &self.time_zone);
        if self.end_date < self.start_date {
            c.fail("end_date", "dates-out-of-order");
        } else if (self.end_date - self.start_date).get_days() >= MAX_EVENT_DAYS {
            c.fail_with("end_date", "event-too-long", vec![("max", MAX_EVENT_DAYS.to_string())]);
        }
        let venues = self.venues.map(|venues| check_venues(&mut c, venues));
        let travel = self.travel.map(|travel| check_travel(&mut c, travel, venues.as_deref()));
        c.finish(EventFields { name, host, city, city_cases, venues, travel, ..self })
    }
}

fn check_venues(c: &mut Checker, venues: Vec<Venue>) -> Vec<Venue> {
    if venues.len() > 50 {
        c.fail_with("venues", "too-many", vec![("max", "50".into())]);
    }
    let mut out: Vec<Venue> = Vec::new();
    for (i, v) in venues.into_iter().enumerate() {
        let field = |sub: &str| format!("venues[{i}].{sub}");
        check_slug(c, &field("slug"), &v.slug);
        if out.iter().any(|o| o.slug == v.slug) {
            c.fail(field("slug"), "taken");
        }
        let name = v.name.checked(c, &field("name"), 200);
        let address =
            if v.address.trim().is_empty() { String::new() } else { c.text(&field("address"), &v.address, 300) };
        if v.location.is_some_and(|l| !(-90.0..=90.0).contains(&l.latitude) || !(-180.0..=180.0).contains(&l.longitude))
        {
            c.fail(field("location"), "invalid-location");
        }
        let mut rooms: Vec<Room> = Vec::new();
        for (j, r) in v.rooms.into_iter().enumerate() {
            let room_field = |sub: &str| format!("venues[{i}].rooms[{j}].{sub}");
            check_slug(c, &room_field("slug"), &r.slug);
            if rooms.iter().any(|o| o.slug == r.slug) {
                c.fail(room_field("slug"), "taken");
            }
            let name = r.name.checked(c, &room_field("name"), 200);
            let accessibility = r.accessibility.trim().to_string();
            rooms.push(Room { name, accessibility, ..r });
        }
        let accessibility = v.accessibility.trim().to_string();
        out.push(Venue { name, address, rooms, accessibility, ..v });
    }
    out
}

/// The most minutes between two venues of one event: a day's drive.
const MAX_TRAVEL_MINUTES: u32 = 600;

fn check_travel(c: &mut Checker, travel: Vec<Travel>, venues: Option<&[Venue]>) -> Vec<Travel> {
    for (i, t) in travel.iter().enumerate() {
        let known = |slug: &str| venues.is_none_or(|vs| vs.iter().any(|v| v.slug == slug));
        if !known(&t.from) {
            c.fail(format!("travel[{i}].from"), "unknown");
        }
        if !known(&t.to) {
            c.fail(format!("travel[{i}].to"), "unknown");
        }
        if t.minutes > MAX_TRAVEL_MINUTES {
            c.fail_with(
                format!("travel[{i}].minutes"),
                "out-of-range",
                vec![("min", "0".into()), ("max", MAX_TRAVEL_MINUTES.to_string())],
            );
        }
    }
    travel
}

/// A format of a sitting.
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Heads of delegation only (and the organisation's Secretary General).
    Narrow,
    /// Full delegations.
    Extended,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub id: Id,
    pub slug: String,
    pub event_id: Id,
    pub body_id: Id,
    /// The number in the body's series ("8th meeting in the Central Asia–Russia format").
    pub number: Option<i32>,
    pub title: Text,
    /// The case forms of the title: «на заседании Совета министров иностранных дел СНГ».
    #[serde(default)]
    pub cases: CaseForms,
    /// Who chairs, which need not be the host.
    pub chair: Option<Id>,
    pub formats: Vec<Format>,
    pub date: Date,
    pub version: i64,
}

#[derive(schemars::JsonSchema, Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingFields {
    pub slug: String,
    pub body: String,
    pub number: Option<i32>,
    pub title: Text,
    /// The case forms of the title; left out, none.
    #[serde(default)]
    pub cases: CaseForms,
    pub chair: Option<String>,
    pub formats: Vec<Format>,
    #[schemars(with = "crate::schema::Date")]
    pub date: Date,
}

impl MeetingFields {
    /// Checks a meeting against the event that holds it.
    pub fn validate(self, event: &Event) -> Result<MeetingFields, Invalid> {
        let mut c = Checker::new();
        check_slug(&mut c, "slug", &self.slug);
        let title = self.title.checked(&mut c, "title", 300);
        let cases = self.cases.checked(&mut c, "cases", 300);
        if self.number.is_some_and(|n| !(1..=10_000).contains(&n)) {
            c.fail_with("number", "out-of-range", vec![("min", "1".into()), ("max", "10000".into())]);
        }
        if self.date < event.start_date || self.date > event.end_date {
            c.fail("date", "outside-event");
        }
        let mut formats = self.formats;
        formats.dedup();
        c.finish(MeetingFields { title, cases, formats, ..self })
    }
}

/// "Venue, Room" in `lang`, from their slugs among `venues`; empty where the venue is not listed,
/// the venue alone where the room is not.
pub fn place_name(venues: &[Venue], venue: Option<&str>, room: Option<&str>, lang: &str) -> String {
    let Some(venue) = venue.and_then(|slug| venues.iter().find(|v| v.slug == slug)) else { return String::new() };
    match room.and_then(|r| venue.rooms.iter().find(|room| room.slug == r)) {
        Some(room) => format!("{}, {}", venue.name.get(lang), room.name.get(lang)),
        None => venue.name.get(lang).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn an_event_says_how_far_its_local_time_is_from_utc_over_its_days() {
        let day = |s: &str| s.parse::<Date>().unwrap();
        let offsets = |zone, start, end| utc_offsets(zone, day(start), day(end));
        assert_eq!(offsets("Asia/Almaty", "2025-04-10", "2025-04-11"), "UTC+5", "Kazakhstan's one zone since 2024");
        assert_eq!(offsets("Asia/Almaty", "2023-04-10", "2023-04-11"), "UTC+6", "the tables know its past");
        assert_eq!(offsets("Europe/Moscow", "2025-04-10", "2025-04-11"), "UTC+3");
        assert_eq!(offsets("Asia/Kolkata", "2025-04-10", "2025-04-10"), "UTC+5:30");
        assert_eq!(offsets("America/New_York", "2025-09-22", "2025-09-26"), "UTC-4");
        assert_eq!(offsets("Europe/London", "2025-01-10", "2025-01-10"), "UTC");
        assert_eq!(
            offsets("Europe/Vienna", "2025-03-29", "2025-03-30"),
            "UTC+1/UTC+2",
            "summer time begins on the 30th"
        );
        assert_eq!(offsets("Mars/Olympus", "2025-03-29", "2025-03-30"), "Mars/Olympus");
    }

    fn almaty() -> EventFields {
        EventFields {
            slug: "almaty-2025".into(),
            name: Text::new(&[("en", "CIS CFM, Almaty")]),
            host: "kz".into(),
            city: Text::new(&[("en", "Almaty"), ("ru", "Алматы")]),
            city_cases: CaseForms::default(),
            time_zone: "Asia/Almaty".into(),
            start_date: date(2025, 4, 10),
            end_date: date(2025, 4, 11),
            venues: None,
            travel: None,
        }
    }

    #[test]
    fn venues_have_unique_slugs_and_travel_joins_known_venues() {
        let venue = |slug: &str| Venue {
            slug: slug.into(),
            name: Text::new(&[("en", slug)]),
            address: String::new(),
            location: Some(Location { latitude: 43.24, longitude: 76.95 }),
            rooms: vec![],
            accessibility: String::new(),
        };
        let fields = EventFields {
            venues: Some(vec![venue("mfa"), venue("mfa")]),
            travel: Some(vec![crate::programme::Travel { from: "mfa".into(), to: "airport".into(), minutes: 30 }]),
            ..almaty()
        };
        let fields: Vec<String> = fields.validate().unwrap_err().0.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["venues[1].slug", "travel[0].to"]);
    }

    #[test]
    fn editing_an_event_without_venues_keeps_them() {
        let mut event = Event::new(crate::new_id(), crate::new_id(), almaty());
        event.venues = vec![Venue {
            slug: "mfa".into(),
            name: Text::new(&[("en", "MFA")]),
            address: String::new(),
            location: None,
            rooms: vec![],
            accessibility: String::new(),
        }];
        let edited = event.with_fields(crate::new_id(), EventFields { name: Text::new(&[("en", "New")]), ..almaty() });
        assert_eq!(edited.venues.len(), 1);
    }

    #[test]
    fn the_case_forms_of_the_city_are_checked_and_kept_by_an_edit_that_brings_them() {
        let forms = |json| serde_json::from_value::<CaseForms>(json).unwrap();
        let fields = EventFields {
            city_cases: forms(
                serde_json::json!({ "prepositional": { "ru": "Алматы" }, "locative": { "kk": "Алматыда" } }),
            ),
            ..almaty()
        }
        .validate()
        .unwrap();
        let event = Event::new(crate::new_id(), crate::new_id(), fields.clone());
        assert_eq!(event.city_cases.get(crate::text::Case::Locative, "kk"), Some("Алматыда"));
        let edited = event.with_fields(crate::new_id(), fields);
        assert_eq!(edited.city_cases.get(crate::text::Case::Prepositional, "ru"), Some("Алматы"));
        let long = EventFields {
            city_cases: forms(serde_json::json!({ "locative": { "kk": "я".repeat(101) } })),
            ..almaty()
        };
        assert_eq!(long.validate().unwrap_err().0[0].field, "city_cases.locative.kk");
    }

    #[test]
    fn an_event_is_normalised() {
        let e = almaty().validate().unwrap();
        assert_eq!(e.host, "KZ");
    }

    #[test]
    fn an_event_cannot_end_before_it_starts() {
        let e = EventFields { end_date: date(2025, 4, 9), ..almaty() };
        assert_eq!(e.validate().unwrap_err().0[0].field, "end_date");
    }

    #[test]
    fn an_event_in_a_time_zone_that_does_not_exist_is_refused() {
        let e = EventFields { time_zone: "Asia/Almaty2".into(), ..almaty() };
        assert_eq!(e.validate().unwrap_err().0[0].code, "unknown-time-zone");
    }

    #[test]
    fn a_meeting_sits_within_its_event() {
        let fields = almaty().validate().unwrap();
        let event = Event {
            id: crate::new_id(),
            slug: fields.slug,
            name: fields.name,
            host: crate::new_id(),
            city: fields.city,
            city_cases: fields.city_cases,
            time_zone: fields.time_zone,
            start_date: fields.start_date,
            end_date: fields.end_date,
            venues: vec![],
            travel: vec![],
            accreditation_deadline: None,
            version: 1,
        };
        let meeting = |d| MeetingFields {
            slug: "cis-cfm".into(),
            body: "cis-cfm".into(),
            number: None,
            title: Text::new(&[("en", "Meeting of the CFM")]),
            cases: CaseForms::default(),
            chair: Some("TJ".into()),
            formats: vec![Format::Narrow, Format::Extended],
            date: d,
        };
        assert!(meeting(date(2025, 4, 11)).validate(&event).is_ok());
        let long = MeetingFields {
            cases: serde_json::from_value(serde_json::json!({ "accusative": { "ru": "я".repeat(301) } })).unwrap(),
            ..meeting(date(2025, 4, 11))
        };
        assert_eq!(long.validate(&event).unwrap_err().0[0].field, "cases.accusative.ru");
        assert_eq!(meeting(date(2025, 4, 12)).validate(&event).unwrap_err().0[0].code, "outside-event");
    }
}
