//! iCalendar (RFC 5545) feeds of programme items. Times are written in the event's time zone
//! (`TZID`) with a `VTIMEZONE` built from the time-zone database for the span the feed covers, so
//! a calendar shows the same local time across a daylight-saving change. Cancelled items stay in the
//! feed with `STATUS:CANCELLED`; `SEQUENCE` tells calendars an item changed.

use std::fmt::Write;

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// One event of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Stable across changes: the item's id and the server's domain.
    pub uid: String,
    /// Grows with every change (`SEQUENCE`).
    pub sequence: i64,
    /// Start and end, written in the calendar's time zone.
    pub starts: Timestamp,
    #[allow(missing_docs)]
    pub ends: Timestamp,
    /// The title (`SUMMARY`).
    pub summary: String,
    /// The venue and room, if any.
    pub location: String,
    /// What kind of item it is, in words.
    pub description: String,
    /// Kept in the feed with `STATUS:CANCELLED`.
    pub cancelled: bool,
}

/// A whole calendar: `name` for the subscriber's list, `tz` the event's time zone, `stamp` the time
/// the feed is produced (`DTSTAMP`).
pub fn calendar(name: &str, tz: &TimeZone, entries: &[Entry], stamp: Timestamp) -> String {
    let tzid = tz.iana_name().unwrap_or("UTC");
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Concord//Programme//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    line(&mut out, &format!("X-WR-TIMEZONE:{tzid}"));
    if let (Some(first), Some(last)) = (entries.iter().map(|e| e.starts).min(), entries.iter().map(|e| e.ends).max()) {
        time_zone(&mut out, tz, tzid, first, last);
    }
    for e in entries {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", escape(&e.uid)));
        line(&mut out, &format!("DTSTAMP:{}", utc(stamp)));
        line(&mut out, &format!("SEQUENCE:{}", e.sequence));
        line(&mut out, &format!("DTSTART;TZID={tzid}:{}", local(tz, e.starts)));
        line(&mut out, &format!("DTEND;TZID={tzid}:{}", local(tz, e.ends)));
        line(&mut out, &format!("SUMMARY:{}", escape(&e.summary)));
        if !e.location.is_empty() {
            line(&mut out, &format!("LOCATION:{}", escape(&e.location)));
        }
        if !e.description.is_empty() {
            line(&mut out, &format!("DESCRIPTION:{}", escape(&e.description)));
        }
        line(&mut out, if e.cancelled { "STATUS:CANCELLED" } else { "STATUS:CONFIRMED" });
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

/// A deadline: an all-day event on its date (`VALUE=DATE`), which needs no time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    #[allow(missing_docs)]
    pub uid: String,
    #[allow(missing_docs)]
    pub date: jiff::civil::Date,
    #[allow(missing_docs)]
    pub summary: String,
    #[allow(missing_docs)]
    pub description: String,
}

/// A calendar of deadlines (action items under agreements).
pub fn deadlines(name: &str, entries: &[Deadline], stamp: Timestamp) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Concord//Deadlines//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    for e in entries {
        let next = e.date.tomorrow().unwrap_or(e.date);
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", escape(&e.uid)));
        line(&mut out, &format!("DTSTAMP:{}", utc(stamp)));
        line(&mut out, &format!("DTSTART;VALUE=DATE:{}", e.date.strftime("%Y%m%d")));
        line(&mut out, &format!("DTEND;VALUE=DATE:{}", next.strftime("%Y%m%d")));
        line(&mut out, &format!("SUMMARY:{}", escape(&e.summary)));
        if !e.description.is_empty() {
            line(&mut out, &format!("DESCRIPTION:{}", escape(&e.description)));
        }
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

/// A `VTIMEZONE` covering `first`–`last`: the observance in force at the start, then one per
/// transition inside the span.
fn time_zone(out: &mut String, tz: &TimeZone, tzid: &str, first: Timestamp, last: Timestamp) {
    let start = first.checked_sub(jiff::SignedDuration::from_hours(24 * 7)).unwrap_or(first);
    line(out, "BEGIN:VTIMEZONE");
    line(out, &format!("TZID:{tzid}"));
    let info = tz.to_offset_info(start);
    let mut previous = info.offset();
    observance(out, info.dst().is_dst(), previous.to_datetime(start), previous, previous);
    for t in tz.following(start).take_while(|t| t.timestamp() <= last) {
        // DTSTART of an observance is the local time just before the change, in the old offset.
        observance(out, t.dst().is_dst(), previous.to_datetime(t.timestamp()), previous, t.offset());
        previous = t.offset();
    }
    line(out, "END:VTIMEZONE");
}

fn observance(out: &mut String, dst: bool, start: jiff::civil::DateTime, from: jiff::tz::Offset, to: jiff::tz::Offset) {
    let kind = if dst { "DAYLIGHT" } else { "STANDARD" };
    line(out, &format!("BEGIN:{kind}"));
    line(out, &format!("DTSTART:{}", start.strftime("%Y%m%dT%H%M%S")));
    line(out, &format!("TZOFFSETFROM:{}", offset(from)));
    line(out, &format!("TZOFFSETTO:{}", offset(to)));
    line(out, &format!("END:{kind}"));
}

fn offset(o: jiff::tz::Offset) -> String {
    let s = o.seconds();
    let sign = if s < 0 { '-' } else { '+' };
    let s = s.abs();
    format!("{sign}{:02}{:02}", s / 3600, (s % 3600) / 60)
}

fn local(tz: &TimeZone, t: Timestamp) -> String {
    tz.to_offset(t).to_datetime(t).strftime("%Y%m%dT%H%M%S").to_string()
}

fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// TEXT escaping (RFC 5545, 3.3.11).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes a content line, folded at 75 octets without splitting a character, ended by CRLF.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    let _ = write!(out, "\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_folded_at_75_octets_between_characters() {
        let mut out = String::new();
        line(&mut out, &format!("SUMMARY:{}", "Заседание ".repeat(10)));
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{l}");
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), format!("SUMMARY:{}", "Заседание ".repeat(10)).trim_end());
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
    }

    #[test]
    fn a_feed_across_a_daylight_saving_change_carries_both_observances() {
        let tz = TimeZone::get("Europe/Berlin").unwrap();
        let at = |s: &str| -> Timestamp { s.parse().unwrap() };
        let entries = [Entry {
            uid: "x@concord".into(),
            sequence: 2,
            starts: at("2025-03-30T08:00:00Z"),
            ends: at("2025-03-30T09:00:00Z"),
            summary: "Session".into(),
            location: String::new(),
            description: String::new(),
            cancelled: true,
        }];
        let ics = calendar("Programme", &tz, &entries, at("2025-03-01T00:00:00Z"));
        assert!(ics.contains("DTSTART;TZID=Europe/Berlin:20250330T100000\r\n"), "10:00 CEST: {ics}");
        assert!(ics.contains("BEGIN:DAYLIGHT\r\nDTSTART:20250330T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200"));
        assert!(ics.contains("STATUS:CANCELLED") && ics.contains("SEQUENCE:2"));
    }
}
