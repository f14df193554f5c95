//! An independent checker: every violated constraint of a plan, and its objective values.
//!
//! It recomputes everything from the instance and shares no code with the solver, so that a bug
//! in the solver's bookkeeping cannot hide itself.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::instance::FARTHEST;
use crate::{Instance, Meeting, Objective, Plan, Request, Room, Span};

/// One broken constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// Which constraint (e.g. `person_overlap`, `room_overlap`, `window`, `fixed_moved`).
    pub constraint: String,
    /// The requests, persons or rooms involved.
    pub items: Vec<String>,
    pub message: String,
}

/// What the checker found: the violations (none for a feasible plan) and the objective.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub violations: Vec<Violation>,
    pub objective: Objective,
}

impl Report {
    /// True when the plan breaks no constraint.
    pub fn is_feasible(&self) -> bool {
        self.violations.is_empty()
    }
}

/// A meeting whose request and room are known, with the day it lies in.
struct Held<'a> {
    meeting: &'a Meeting,
    request: &'a Request,
    room: &'a Room,
    day: Option<usize>,
}

impl Held<'_> {
    fn span(&self) -> Span {
        Span::new(self.meeting.start, self.meeting.end)
    }
}

struct Checker<'a> {
    instance: &'a Instance,
    violations: Vec<Violation>,
}

impl Checker<'_> {
    fn flag(&mut self, constraint: &str, items: &[&str], message: String) {
        let items = items.iter().map(|s| s.to_string()).collect();
        self.violations.push(Violation { constraint: constraint.to_string(), items, message });
    }

    fn meeting(&mut self, h: &Held) {
        let (inst, m, req, room) = (self.instance, h.meeting, h.request, h.room);
        let id = m.request.as_str();
        let span = h.span();
        // A fixed meeting kept where people put it need not be on the scheduler's grid.
        let kept = req.fixed.as_ref().is_some_and(|f| f.start == m.start);
        if m.start.rem_euclid(inst.grid) != 0 && !kept {
            self.flag("grid", &[id], format!("{id} starts at {}, off the {}-minute grid", m.start, inst.grid));
        }
        if m.end != m.start + req.duration {
            self.flag("duration", &[id], format!("{id} lasts {} minutes, not {}", m.end - m.start, req.duration));
        }
        if h.day.is_none() {
            self.flag("day", &[id], format!("{id} is not wholly inside one day"));
        }
        if !req.windows.is_empty() && !req.windows.iter().any(|w| w.contains(&span)) {
            self.flag("window", &[id], format!("{id} is not wholly inside one of its windows"));
        }
        if room.capacity < req.size {
            let message = format!("{} seats {}, {id} needs {}", room.id, room.capacity, req.size);
            self.flag("capacity", &[id, &room.id], message);
        }
        if !req.rooms.is_empty() && !req.rooms.contains(&room.id) {
            self.flag("room_not_allowed", &[id, &room.id], format!("{id} may not take {}", room.id));
        }
        if room.unavailable.iter().any(|u| u.overlaps(&span)) {
            self.flag("room_unavailable", &[id, &room.id], format!("{} is unavailable during {id}", room.id));
        }
        if let Some(f) = &req.fixed
            && (f.start != m.start || f.room != m.room)
        {
            self.flag("fixed_moved", &[id], format!("{id} is confirmed at {} in {}", f.start, f.room));
        }
        for p in req.persons.iter().filter_map(|p| inst.person(p)) {
            if p.present.is_some_and(|present| !present.contains(&span)) {
                self.flag("presence", &[id, &p.id], format!("{} is not present during {id}", p.id));
            }
            for b in &p.busy {
                let need = inst.need(b.venue.as_deref(), &room.venue);
                if b.start < span.end + need && span.start < b.end + need {
                    let what = b.label.as_deref().unwrap_or("a commitment");
                    self.flag("busy", &[id, &p.id], format!("{} has {what} too close to {id}", p.id));
                }
            }
        }
    }

    fn rooms(&mut self, held: &[Held]) {
        let mut by_room: BTreeMap<&str, Vec<&Held>> = BTreeMap::new();
        for h in held {
            by_room.entry(h.room.id.as_str()).or_default().push(h);
        }
        for (room, list) in by_room {
            for (i, a) in list.iter().enumerate() {
                for b in &list[i + 1..] {
                    if a.span().overlaps(&b.span()) {
                        let (x, y) = (&a.meeting.request, &b.meeting.request);
                        self.flag("room_overlap", &[room, x, y], format!("{x} and {y} overlap in {room}"));
                    }
                }
            }
        }
    }

    /// Person overlaps, travel and buffer, meetings per day; returns each person's meetings.
    fn persons<'h, 'a>(&mut self, held: &'h [Held<'a>]) -> BTreeMap<&'a str, Vec<&'h Held<'a>>> {
        let mut by_person: BTreeMap<&str, Vec<&Held>> = BTreeMap::new();
        for h in held {
            for p in &h.request.persons {
                by_person.entry(p.as_str()).or_default().push(h);
            }
        }
        for (person, list) in &mut by_person {
            list.sort_by_key(|h| (h.meeting.start, h.meeting.end, &h.meeting.request));
            for (i, a) in list.iter().enumerate() {
                for b in &list[i + 1..] {
                    if a.meeting.end + self.instance.need(Some(&a.room.venue), &b.room.venue) > b.meeting.start {
                        let (x, y) = (&a.meeting.request, &b.meeting.request);
                        let message = format!("{person} cannot attend both {x} and {y} (travel and buffer included)");
                        self.flag("person_overlap", &[person, x, y], message);
                    }
                }
            }
            let Some(spec) = self.instance.person(person) else { continue };
            let max = self.instance.max_per_day_of(spec);
            let mut per_day: BTreeMap<usize, u32> = BTreeMap::new();
            for d in list.iter().filter_map(|h| h.day) {
                *per_day.entry(d).or_default() += 1;
            }
            for (d, n) in per_day.into_iter().filter(|&(_, n)| n > max) {
                self.flag("max_per_day", &[person], format!("{person} has {n} bilaterals on day {d}, at most {max}"));
            }
        }
        by_person
    }
}

/// Checks a plan against an instance: each violation names its constraint and the items at
/// fault; the objective is recomputed from the plan's meetings.
pub fn check(instance: &Instance, plan: &Plan) -> Report {
    let mut c = Checker { instance, violations: Vec::new() };
    let requests = instance.requests_by_id();
    let rooms: BTreeMap<&str, &Room> = instance.rooms.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut seen = BTreeSet::new();
    let mut held = Vec::new();
    for m in &plan.meetings {
        let id = m.request.as_str();
        let Some(&request) = requests.get(id) else {
            c.flag("unknown_request", &[id], format!("{id} is not a request of the instance"));
            continue;
        };
        if !seen.insert(id) {
            c.flag("duplicate", &[id], format!("{id} is placed more than once"));
            continue;
        }
        let Some(&room) = rooms.get(m.room.as_str()) else {
            c.flag("unknown_room", &[id, &m.room], format!("{id} takes an unknown room {}", m.room));
            continue;
        };
        // Nothing of the instance lies that far (`Instance::validate`), and sums of such numbers
        // would overflow.
        if [m.start, m.end].iter().any(|minute| !(-FARTHEST..=FARTHEST).contains(minute)) {
            c.flag("day", &[id], format!("{id} is more than a hundred years from the origin"));
            continue;
        }
        let day = instance.days.iter().position(|d| d.span().contains(&Span::new(m.start, m.end)));
        let h = Held { meeting: m, request, room, day };
        c.meeting(&h);
        held.push(h);
    }
    for r in instance.requests.iter().filter(|r| r.fixed.is_some() && !seen.contains(r.id.as_str())) {
        c.flag("fixed_moved", &[&r.id], format!("{} is confirmed but not in the plan", r.id));
    }
    c.rooms(&held);
    let by_person = c.persons(&held);
    let at: BTreeMap<&str, &Held> = held.iter().map(|h| (h.meeting.request.as_str(), h)).collect();
    for h in &held {
        for a in h.request.after.iter().filter_map(|a| at.get(a.as_str())) {
            if a.meeting.end > h.meeting.start {
                let (x, y) = (&a.meeting.request, &h.meeting.request);
                c.flag("precedence", &[x, y], format!("{x} must end before {y} starts"));
            }
        }
    }

    let weight = held.iter().map(|h| u64::from(h.request.weight)).sum();
    let mut gaps = 0;
    for list in by_person.values() {
        for pair in list.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let idle = b.meeting.start - a.meeting.end - c.instance.need(Some(&a.room.venue), &b.room.venue);
            if a.day.is_some() && a.day == b.day && idle >= instance.grid {
                gaps += 1;
            }
        }
    }
    let moves = instance
        .previous
        .iter()
        .filter(|p| at.get(p.request.as_str()).is_none_or(|h| h.meeting.start != p.start || h.meeting.room != p.room))
        .count() as u64;
    let objective = Objective { weight, gaps, moves };
    // What a plan says of itself is checked too: a plan's own figures (when it gives them) and the
    // requests it says it left out.
    if plan.objective != Objective::default() && plan.objective != objective {
        let message = format!(
            "the plan says weight {}, gaps {}, moves {}; it has {weight}, {gaps}, {moves}",
            plan.objective.weight, plan.objective.gaps, plan.objective.moves
        );
        c.flag("objective", &[], message);
    }
    for u in plan.unplaced.iter().filter(|u| seen.contains(u.request.as_str())) {
        c.flag("unplaced", &[&u.request], format!("{} is said to be left out, but is placed", u.request));
    }
    Report { violations: c.violations, objective }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn instance() -> Instance {
        serde_json::from_value(json!({
            "grid": 15, "buffer": 10, "max_per_day": 2,
            "days": [{"start": 540, "end": 720}],
            "travel": [{"from": "hq", "to": "hotel", "minutes": 20}],
            "rooms": [
                {"id": "big", "venue": "hq", "capacity": 10, "unavailable": [{"start": 690, "end": 720}]},
                {"id": "small", "venue": "hotel", "capacity": 2},
            ],
            "persons": [
                {"id": "a", "busy": [{"start": 660, "end": 680, "venue": "hq", "label": "session"}]},
                {"id": "b", "present": {"start": 540, "end": 690}},
                {"id": "c"},
            ],
            "requests": [
                {"id": "x", "persons": ["a", "b"], "duration": 30, "size": 4, "weight": 2},
                {"id": "y", "persons": ["a", "c"], "duration": 30, "windows": [{"start": 540, "end": 600}]},
                {"id": "z", "persons": ["b", "c"], "duration": 30, "after": ["x"], "rooms": ["big"]},
                {"id": "w", "persons": ["a", "c"], "duration": 30, "fixed": {"start": 540, "room": "big"}},
            ],
            "previous": [{"request": "x", "start": 540, "room": "big"}],
        }))
        .unwrap()
    }

    fn plan(meetings: &[(&str, i64, i64, &str)]) -> Plan {
        let meetings = meetings
            .iter()
            .map(|&(request, start, end, room)| Meeting { request: request.into(), start, end, room: room.into() })
            .collect();
        Plan { meetings, unplaced: vec![], objective: Objective::default(), proven_optimal: false, bound: 0, effort: 0 }
    }

    fn constraints(report: &Report) -> Vec<&str> {
        let mut c: Vec<&str> = report.violations.iter().map(|v| v.constraint.as_str()).collect();
        c.sort_unstable();
        c.dedup();
        c
    }

    #[test]
    fn a_feasible_plan_has_no_violations_and_its_objective() {
        let report =
            check(&instance(), &plan(&[("w", 540, 570, "big"), ("x", 600, 630, "big"), ("z", 645, 675, "big")]));
        assert_eq!(report.violations, vec![]);
        // Beyond the buffer, a idles 20 minutes between w and x, c 65 between w and z, b only 5.
        assert_eq!(report.objective, Objective { weight: 4, gaps: 2, moves: 1 });
    }

    #[test]
    fn each_broken_constraint_is_named() {
        let report = check(
            &instance(),
            &plan(&[
                ("w", 555, 585, "big"),
                ("x", 570, 600, "small"),
                ("y", 600, 640, "big"),
                ("z", 580, 610, "small"),
                ("q", 600, 630, "big"),
                ("x", 600, 630, "big"),
            ]),
        );
        assert_eq!(
            constraints(&report),
            vec![
                "capacity",
                "duplicate",
                "duration",
                "fixed_moved",
                "grid",
                "max_per_day",
                "person_overlap",
                "precedence",
                "room_not_allowed",
                "room_overlap",
                "unknown_request",
                "window",
            ]
        );
        let overlap = report.violations.iter().find(|v| v.constraint == "person_overlap").unwrap();
        assert!(overlap.items.contains(&"a".to_string()));
    }

    #[test]
    fn a_commitment_without_a_venue_needs_the_buffer_and_no_travel() {
        let inst: Instance = serde_json::from_value(json!({
            "grid": 5, "buffer": 10, "days": [{"start": 540, "end": 720}],
            "travel": [{"from": "hq", "to": "hotel", "minutes": 20}],
            "rooms": [{"id": "r", "venue": "hotel", "capacity": 2}],
            "persons": [{"id": "a", "busy": [{"start": 600, "end": 660, "label": "call"}]}, {"id": "b"}],
            "requests": [{"id": "x", "persons": ["a", "b"], "duration": 30}],
        }))
        .unwrap();
        assert_eq!(constraints(&check(&inst, &plan(&[("x", 660, 690, "r")]))), vec!["busy"]);
        assert!(check(&inst, &plan(&[("x", 670, 700, "r")])).is_feasible());
    }

    #[test]
    fn busy_items_presence_and_rooms_out_of_service() {
        let report = check(&instance(), &plan(&[("w", 540, 570, "big"), ("x", 675, 705, "big")]));
        assert_eq!(constraints(&report), vec!["busy", "presence", "room_unavailable"]);
        let report = check(&instance(), &plan(&[("w", 545, 575, "big")]));
        assert_eq!(constraints(&report), vec!["fixed_moved", "grid"]);
    }
}
