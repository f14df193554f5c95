//! Events (one host operation in one place) and the meetings of bodies they hold.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::validation::{Checker, Invalid, check_slug, check_time_zone};
use crate::{Id, Text};

/// The longest event Concord accepts: a UN high-level week with its preparations fits.
pub const MAX_EVENT_DAYS: i32 = 60;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Venue {
    pub name: Text,
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: Id,
    pub slug: String,
    pub name: Text,
    /// The participant whose ministry runs the event.
    pub host: Id,
    pub city: Text,
    pub time_zone: String,
    pub start_date: Date,
    pub end_date: Date,
    pub venues: Vec<Venue>,
    /// After this instant only the host changes delegations.
    pub accreditation_deadline: Option<jiff::Timestamp>,
    pub version: i64,
}

impl Event {
    /// A new event from its fields, hosted by the participant `host` (the id of `fields.host`).
    pub fn new(id: Id, host: Id, fields: EventFields) -> Event {
        let EventFields { slug, name, city, time_zone, start_date, end_date, venues, host: _ } = fields;
        Event {
            id,
            slug,
            name,
            host,
            city,
            time_zone,
            start_date,
            end_date,
            venues,
            accreditation_deadline: None,
            version: 1,
        }
    }

    /// The event with a user's fields replacing the old ones (its deadline and version stay).
    pub fn with_fields(self, host: Id, fields: EventFields) -> Event {
        Event {
            accreditation_deadline: self.accreditation_deadline,
            version: self.version,
            ..Event::new(self.id, host, fields)
        }
    }

    /// Whether the accreditation deadline has passed at `now`.
    pub fn deadline_passed(&self, now: jiff::Timestamp) -> bool {
        self.accreditation_deadline.is_some_and(|deadline| now > deadline)
    }
}

/// The fields a user sets when creating or editing an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventFields {
    pub slug: String,
    pub name: Text,
    /// The host participant's code (`KZ`).
    pub host: String,
    pub city: Text,
    pub time_zone: String,
    pub start_date: Date,
    pub end_date: Date,
    #[serde(default)]
    pub venues: Vec<Venue>,
}

impl EventFields {
    pub fn validate(self) -> Result<EventFields, Invalid> {
        let mut c = Checker::new();
        check_slug(&mut c, "slug", &self.slug);
        let name = self.name.checked(&mut c, "name", 200);
        let city = self.city.checked(&mut c, "city", 100);
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
        let mut venues = Vec::new();
        for (i, v) in self.venues.into_iter().enumerate() {
            let name = v.name.checked(&mut c, &format!("venues[{i}].name"), 200);
            let address = if v.address.trim().is_empty() {
                String::new()
            } else {
                c.text(&format!("venues[{i}].address"), &v.address, 300)
            };
            venues.push(Venue { name, address });
        }
        if venues.len() > 50 {
            c.fail_with("venues", "too-many", vec![("max", "50".into())]);
        }
        c.finish(EventFields { name, host, city, venues, ..self })
    }
}

/// A format of a sitting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Who chairs, which need not be the host.
    pub chair: Option<Id>,
    pub formats: Vec<Format>,
    pub date: Date,
    pub version: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingFields {
    pub slug: String,
    pub body: String,
    pub number: Option<i32>,
    pub title: Text,
    pub chair: Option<String>,
    pub formats: Vec<Format>,
    pub date: Date,
}

impl MeetingFields {
    /// Checks a meeting against the event that holds it.
    pub fn validate(self, event: &Event) -> Result<MeetingFields, Invalid> {
        let mut c = Checker::new();
        check_slug(&mut c, "slug", &self.slug);
        let title = self.title.checked(&mut c, "title", 300);
        if self.number.is_some_and(|n| !(1..=10_000).contains(&n)) {
            c.fail("number", "out-of-range");
        }
        if self.date < event.start_date || self.date > event.end_date {
            c.fail("date", "outside-event");
        }
        let mut formats = self.formats;
        formats.dedup();
        c.finish(MeetingFields { title, formats, ..self })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn almaty() -> EventFields {
        EventFields {
            slug: "almaty-2025".into(),
            name: Text::new(&[("en", "CIS CFM, Almaty")]),
            host: "kz".into(),
            city: Text::new(&[("en", "Almaty"), ("ru", "Алматы")]),
            time_zone: "Asia/Almaty".into(),
            start_date: date(2025, 4, 10),
            end_date: date(2025, 4, 11),
            venues: vec![],
        }
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
            time_zone: fields.time_zone,
            start_date: fields.start_date,
            end_date: fields.end_date,
            venues: vec![],
            accreditation_deadline: None,
            version: 1,
        };
        let meeting = |d| MeetingFields {
            slug: "cis-cfm".into(),
            body: "cis-cfm".into(),
            number: None,
            title: Text::new(&[("en", "Meeting of the CFM")]),
            chair: Some("TJ".into()),
            formats: vec![Format::Narrow, Format::Extended],
            date: d,
        };
        assert!(meeting(date(2025, 4, 11)).validate(&event).is_ok());
        assert_eq!(meeting(date(2025, 4, 12)).validate(&event).unwrap_err().0[0].code, "outside-event");
    }
}
