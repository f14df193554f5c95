//! Seeded generators of instances at three sizes: a ministerial, a regional summit, a UN
//! high-level week; and a re-planning scenario derived from a solved week.
//!
//! Times are minutes from midnight of the first day. The same preset and seed always give the
//! same instance.

use fastrand::Rng;

use crate::{Busy, Day, Fixed, Instance, Meeting, Person, Placement, Plan, Request, Room, Span, Travel};

/// The size and shape of a generated instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// 10 delegations, one day, one venue: ministers between two plenary sessions.
    Ministerial,
    /// 30 delegations, two days, two venues: heads of state and foreign ministers.
    Regional,
    /// 193 delegations, five days, three venues, about 2,000 requests: principals with speeches,
    /// summits and receptions, several principals per delegation.
    Un,
    /// The UN week's delegations and programme in fewer rooms, with an optimum known by
    /// construction ([`planted`]).
    Planted,
}

const DAY: i64 = 24 * 60;

fn hm(day: i64, hour: i64, minute: i64) -> i64 {
    day * DAY + hour * 60 + minute
}

fn busy(start: i64, end: i64, venue: &str, label: &str) -> Busy {
    Busy { start, end, venue: Some(venue.to_string()), label: Some(label.to_string()) }
}

fn person(id: String) -> Person {
    Person { id, present: None, busy: Vec::new(), max_per_day: None }
}

fn room(id: String, venue: &str, capacity: u32) -> Room {
    Room { id, venue: venue.to_string(), capacity, unavailable: Vec::new() }
}

fn request(id: String, persons: Vec<String>, duration: i64, weight: u32, size: u32) -> Request {
    Request {
        id,
        persons,
        duration,
        weight,
        size,
        windows: Vec::new(),
        rooms: Vec::new(),
        after: Vec::new(),
        fixed: None,
    }
}

fn days(n: i64, from: i64, to: i64) -> Vec<Day> {
    (0..n).map(|d| Day { start: hm(d, from, 0), end: hm(d, to, 0) }).collect()
}

/// Picks an index with probability proportional to `weights`.
fn pick(rng: &mut Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut x = rng.u32(..total);
    for (i, &w) in weights.iter().enumerate() {
        if x < w {
            return i;
        }
        x -= w;
    }
    unreachable!("x < total")
}

/// Generates an instance of a preset from a seed.
pub fn generate(preset: Preset, seed: u64) -> Instance {
    let mut rng = Rng::with_seed(seed);
    match preset {
        Preset::Ministerial => ministerial(&mut rng),
        Preset::Regional => regional(&mut rng),
        Preset::Un => un(&mut rng),
        Preset::Planted => planted_week(&mut rng).0,
    }
}

fn ministerial(rng: &mut Rng) -> Instance {
    let hall = "Conference Centre";
    let mut persons: Vec<Person> = (1..=10).map(|d| person(format!("fm{d:02}"))).collect();
    for p in &mut persons {
        p.busy.push(busy(hm(0, 10, 0), hm(0, 12, 0), hall, "opening plenary"));
        p.busy.push(busy(hm(0, 14, 30), hm(0, 16, 0), hall, "working session"));
        if rng.u8(..3) == 0 {
            let start = hm(0, rng.i64(9..17), 0);
            p.busy.push(busy(start, start + 45, "Press Centre", "press briefing"));
        }
        if rng.u8(..4) == 0 {
            p.present = Some(Span::new(hm(0, 11, 0), hm(0, 18, 0)));
        }
    }
    let mut requests = Vec::new();
    for a in 0..10 {
        for b in a + 1..10 {
            // The host (fm01) is asked by everyone; the others by some.
            if a == 0 || rng.u8(..100) < 35 {
                let weight = if a == 0 { 3 } else { rng.u32(1..=2) };
                let id = format!("b{:02}-{:02}", a + 1, b + 1);
                let persons = vec![persons[a].id.clone(), persons[b].id.clone()];
                requests.push(request(id, persons, [30, 30, 45][rng.usize(..3)], weight, rng.u32(4..=8)));
            }
        }
    }
    Instance {
        origin: Some("2025-06-10T00:00:00+05:00".to_string()),
        grid: 15,
        buffer: 10,
        max_per_day: 5,
        default_travel: 15,
        days: days(1, 9, 18),
        travel: Vec::new(),
        rooms: (1..=3).map(|i| room(format!("cc-{i}"), hall, 8)).collect(),
        persons,
        requests,
        previous: Vec::new(),
    }
}

fn regional(rng: &mut Rng) -> Instance {
    let (palace, hotel) = ("Palace", "Hotel");
    let mut persons = Vec::new();
    for d in 1..=30 {
        let mut hos = person(format!("hos{d:02}"));
        hos.busy.push(busy(hm(0, 10, 0), hm(0, 13, 0), palace, "summit session"));
        hos.busy.push(busy(hm(1, 10, 0), hm(1, 12, 0), palace, "summit session"));
        hos.busy.push(busy(hm(0, 19, 0), hm(0, 22, 0), palace, "state dinner"));
        hos.max_per_day = Some(5);
        if rng.u8(..5) == 0 {
            hos.present = Some(Span::new(0, hm(1, 15, 0)));
        }
        let mut fm = person(format!("fm{d:02}"));
        fm.busy.push(busy(hm(0, 14, 0), hm(0, 17, 0), hotel, "foreign ministers' council"));
        fm.busy.push(busy(hm(1, 10, 0), hm(1, 12, 0), palace, "summit session"));
        persons.push(hos);
        persons.push(fm);
    }
    let popularity: Vec<u32> = (0..30).map(|_| rng.u32(1..6)).collect();
    let mut requests: Vec<Request> = Vec::new();
    let mut pairs = std::collections::BTreeSet::new();
    while requests.len() < 200 {
        let (a, b) = (pick(rng, &popularity), pick(rng, &popularity));
        let level = if rng.u8(..5) < 2 { "hos" } else { "fm" };
        if a == b || !pairs.insert((a.min(b), a.max(b), level)) {
            continue;
        }
        let mut persons = vec![format!("{level}{:02}", a + 1), format!("{level}{:02}", b + 1)];
        if rng.u8(..10) == 0 {
            let c = pick(rng, &popularity);
            if c != a && c != b {
                persons.push(format!("{level}{:02}", c + 1));
            }
        }
        let weight = if level == "hos" { rng.u32(2..=4) } else { rng.u32(1..=3) };
        let id = format!("r{:03}", requests.len() + 1);
        let mut r = request(id, persons, [30, 30, 45, 60][rng.usize(..4)], weight, rng.u32(4..=14));
        if rng.u8(..5) == 0 {
            let d = rng.i64(0..2);
            r.windows.push(Span::new(hm(d, 8, 0), hm(d, 20, 0)));
        }
        requests.push(r);
    }
    let mut rooms: Vec<Room> =
        (1..=6).map(|i| room(format!("palace-{i}"), palace, [8, 8, 10, 12, 16, 20][i - 1])).collect();
    rooms.extend((1..=4).map(|i| room(format!("hotel-{i}"), hotel, [8, 10, 12, 16][i - 1])));
    Instance {
        origin: Some("2025-09-15T00:00:00+06:00".to_string()),
        grid: 15,
        buffer: 10,
        max_per_day: 6,
        default_travel: 30,
        days: days(2, 8, 20),
        travel: vec![Travel { from: palace.to_string(), to: hotel.to_string(), minutes: 20 }],
        rooms,
        persons,
        requests,
        previous: Vec::new(),
    }
}

/// Venues of the UN week.
const HQ: &str = "UN Headquarters";
const HALL: &str = "General Assembly Hall";
const HOTEL: &str = "Delegates' Hotel";
const MISSION: &str = "Permanent Mission";

/// Who a delegation sends to the UN week.
struct Delegation {
    popularity: u32,
    hos: String,
    fm: String,
    minister: String,
}

/// The delegations of the UN week, each with three principals and their programme.
fn un_delegations(rng: &mut Rng) -> (Vec<Person>, Vec<Delegation>) {
    const N: usize = 193;
    let mut persons = Vec::new();
    let mut delegations = Vec::new();
    for d in 1..=N {
        let popularity = if rng.u8(..10) == 0 { rng.u32(8..20) } else { rng.u32(1..5) };
        let mut hos = person(format!("hos{d:03}"));
        // Heads of state stay two or three days around their speech.
        let arrive = rng.i64(0..3);
        let stay = rng.i64(2..4);
        hos.present = Some(Span::new(hm(arrive, 7, 0), hm((arrive + stay - 1).min(4), 21, 0)));
        let speech = hm(arrive + rng.i64(0..stay).min(4 - arrive), rng.i64(9..18), 15 * rng.i64(0..4));
        hos.busy.push(busy(speech - 30, speech + 20, HALL, "general debate speech"));
        hos.busy.push(busy(hm(arrive, 19, 0), hm(arrive, 21, 0), HQ, "reception"));
        hos.max_per_day = Some(6);
        let mut fm = person(format!("fm{d:03}"));
        for day in 0..5 {
            if rng.bool() {
                let start = hm(day, rng.i64(9..16), 0);
                fm.busy.push(busy(start, start + 120, HQ, "high-level meeting"));
            }
        }
        let mut minister = person(format!("min{d:03}"));
        let summit = rng.i64(0..5);
        minister.busy.push(busy(hm(summit, 10, 0), hm(summit, 13, 0), HQ, "summit"));
        minister.present = Some(Span::new(hm(summit.min(2), 7, 0), hm((summit + 2).min(4), 21, 0)));
        delegations.push(Delegation {
            popularity,
            hos: hos.id.clone(),
            fm: fm.id.clone(),
            minister: minister.id.clone(),
        });
        persons.extend([hos, fm, minister]);
    }
    (persons, delegations)
}

/// The UN week's frame: five days, its venues and travel, around these rooms, persons and
/// requests.
fn un_week(rooms: Vec<Room>, persons: Vec<Person>, requests: Vec<Request>) -> Instance {
    let travel = |a: &str, b: &str, minutes| Travel { from: a.to_string(), to: b.to_string(), minutes };
    Instance {
        origin: Some("2025-09-22T00:00:00-04:00".to_string()),
        grid: 15,
        buffer: 5,
        max_per_day: 8,
        default_travel: 30,
        days: days(5, 8, 20),
        travel: vec![travel(HQ, HALL, 5), travel(HQ, HOTEL, 20), travel(HALL, HOTEL, 20), travel(HQ, MISSION, 25)],
        rooms,
        persons,
        requests,
        previous: Vec::new(),
    }
}

/// Two delegations drawn by popularity, and the level of their meeting (`0..10`, see
/// [`un_principals`]).
fn un_pair(rng: &mut Rng, popularity: &[u32]) -> Option<(usize, usize, u8)> {
    let (a, b) = (pick(rng, popularity), pick(rng, popularity));
    let level = rng.u8(..10);
    (a != b).then_some((a, b, level))
}

fn un(rng: &mut Rng) -> Instance {
    let (persons, delegations) = un_delegations(rng);
    let popularity: Vec<u32> = delegations.iter().map(|d| d.popularity).collect();
    let mut requests = Vec::new();
    let mut pairs = std::collections::BTreeSet::new();
    while requests.len() < 2000 {
        let Some((a, b, level)) = un_pair(rng, &popularity) else { continue };
        if !pairs.insert((a.min(b), a.max(b), level.min(5))) {
            continue;
        }
        requests.push(un_request(rng, &delegations[a], &delegations[b], level, format!("r{:04}", requests.len() + 1)));
    }
    // A few follow-ups: a ministers' meeting prepares the leaders' one.
    for i in (0..requests.len()).step_by(97) {
        let prior = requests[(i + 1) % requests.len()].id.clone();
        requests[i].after.push(prior);
    }
    let mut rooms: Vec<Room> = (1..=12).map(|i| room(format!("hq-{i:02}"), HQ, [8, 10, 12][i % 3])).collect();
    rooms.extend((1..=4).map(|i| room(format!("hq-large-{i}"), HQ, 24)));
    rooms.extend((1..=6).map(|i| room(format!("hotel-{i}"), HOTEL, [10, 16][i % 2])));
    rooms.extend((1..=4).map(|i| room(format!("mission-{i}"), MISSION, 12)));
    un_week(rooms, persons, requests)
}

/// Who meets, at a level drawn from `0..10`, and the range of the meeting's priority.
fn un_principals(a: &Delegation, b: &Delegation, level: u8) -> (Vec<String>, std::ops::RangeInclusive<u32>) {
    match level {
        0..=2 => (vec![a.hos.clone(), b.hos.clone()], 3..=5),
        3 => (vec![a.hos.clone(), b.fm.clone()], 2..=4),
        4..=7 => (vec![a.fm.clone(), b.fm.clone()], 1..=4),
        _ => (vec![a.minister.clone(), b.minister.clone()], 1..=3),
    }
}

/// A request of the UN week between two delegations, at a level drawn from `level` (0..10).
fn un_request(rng: &mut Rng, a: &Delegation, b: &Delegation, level: u8, id: String) -> Request {
    let (persons, weights) = un_principals(a, b, level);
    let weight = rng.u32(weights);
    let mut r = request(id, persons, [30, 30, 30, 45, 45, 60][rng.usize(..6)], weight, rng.u32(4..=14));
    if rng.u8(..8) == 0 {
        let d = rng.i64(0..5);
        r.windows.push(Span::new(hm(d, 8, 0), hm(d, 14, 0)));
        r.windows.push(Span::new(hm((d + 1) % 5, 8, 0), hm((d + 1) % 5, 20, 0)));
    }
    r
}

/// A UN week whose optimum is known by construction, and the planted meetings, which reach it.
///
/// The delegations, principals and programme are the UN week's. Meetings are planted into 18
/// rooms until every quarter-hour of every room's days is taken (a quarter-hour no pair of
/// principals can take is closed in that room); then a quarter as many requests again are drawn
/// the same way and not planted, so that they compete with the planted ones for rooms and
/// principals. Every request's weight is its length in quarter-hours, so no plan places more
/// weight than the rooms' open quarter-hours, which the planted plan fills: its weight is the
/// optimum. The requests are shuffled so that their order tells nothing of which were planted.
pub fn planted(seed: u64) -> (Instance, Vec<Meeting>) {
    planted_week(&mut Rng::with_seed(seed))
}

fn planted_week(rng: &mut Rng) -> (Instance, Vec<Meeting>) {
    let (persons, delegations) = un_delegations(rng);
    let popularity: Vec<u32> = delegations.iter().map(|d| d.popularity).collect();
    let mut rooms: Vec<Room> = (1..=10).map(|i| room(format!("hq-{i:02}"), HQ, [8, 10, 12][i % 3])).collect();
    rooms.extend((1..=2).map(|i| room(format!("hq-large-{i}"), HQ, 24)));
    rooms.extend((1..=3).map(|i| room(format!("hotel-{i}"), HOTEL, [10, 16][i % 2])));
    rooms.extend((1..=3).map(|i| room(format!("mission-{i}"), MISSION, 12)));
    let mut week = un_week(rooms, persons, Vec::new());
    let step = week.grid;
    let index: std::collections::HashMap<String, usize> =
        week.persons.iter().enumerate().map(|(i, p)| (p.id.clone(), i)).collect();
    // Each principal's planted meetings so far, with their rooms' venues.
    let mut held: Vec<Vec<(Span, String)>> = vec![Vec::new(); week.persons.len()];
    let mut drawn: Vec<(Request, Option<(i64, String)>)> = Vec::new();
    for day in week.days.clone() {
        let mut cursor = vec![day.start; week.rooms.len()];
        // The room furthest behind goes next, so that the day fills evenly across rooms.
        while let Some((r, &at)) = cursor.iter().enumerate().filter(|&(_, &t)| t < day.end).min_by_key(|&(_, &t)| t) {
            let left = day.end - at;
            let mut lengths: Vec<i64> = [30, 45, 60].into_iter().filter(|&d| d <= left && left - d != step).collect();
            rng.shuffle(&mut lengths);
            let venue = week.rooms[r].venue.clone();
            let planted = lengths.iter().find_map(|&length| {
                let span = Span::new(at, at + length);
                (0..60).find_map(|_| {
                    let (a, b, level) = un_pair(rng, &popularity)?;
                    let (who, _) = un_principals(&delegations[a], &delegations[b], level);
                    let free =
                        |id: &String| can_attend(&week, &week.persons[index[id]], &held[index[id]], span, &venue);
                    who.iter().all(free).then_some((span, who))
                })
            });
            match planted {
                Some((span, who)) => {
                    for id in &who {
                        held[index[id]].push((span, venue.clone()));
                    }
                    let capacity = week.rooms[r].capacity.min(14);
                    let mut q =
                        request(String::new(), who, span.len(), (span.len() / step) as u32, rng.u32(4..=capacity));
                    if rng.u8(..8) == 0 {
                        let other = (week.day_of(at).unwrap_or(0) as i64 + rng.i64(1..5)) % 5;
                        q.windows.push(day.span());
                        q.windows.push(Span::new(hm(other, 8, 0), hm(other, 20, 0)));
                    }
                    drawn.push((q, Some((at, week.rooms[r].id.clone()))));
                    cursor[r] = span.end;
                }
                None => {
                    week.rooms[r].unavailable.push(Span::new(at, at + step));
                    cursor[r] = at + step;
                }
            }
        }
    }
    let all = drawn.len() + drawn.len() / 4;
    while drawn.len() < all {
        let Some((a, b, level)) = un_pair(rng, &popularity) else { continue };
        let (who, _) = un_principals(&delegations[a], &delegations[b], level);
        let length = [30, 30, 30, 45, 45, 60][rng.usize(..6)];
        drawn.push((request(String::new(), who, length, (length / step) as u32, rng.u32(4..=14)), None));
    }
    rng.shuffle(&mut drawn);
    let mut meetings = Vec::new();
    for (i, (q, at)) in drawn.into_iter().enumerate() {
        let id = format!("r{:04}", i + 1);
        if let Some((start, room)) = at {
            meetings.push(Meeting { request: id.clone(), start, end: start + q.duration, room });
        }
        week.requests.push(Request { id, ..q });
    }
    (week, meetings)
}

/// Whether `person` can attend a meeting at `span` in `venue`, beside their programme and the
/// meetings already planted for them, as [`crate::check`] counts it.
fn can_attend(week: &Instance, person: &Person, planted: &[(Span, String)], span: Span, venue: &str) -> bool {
    let apart = |other: &Span, need: i64| other.end + need <= span.start || span.end + need <= other.start;
    let day = week.day_of(span.start);
    person.present.is_none_or(|present| present.contains(&span))
        && person.busy.iter().all(|b| apart(&b.span(), week.need(b.venue.as_deref(), venue)))
        && planted.iter().all(|(s, v)| apart(s, week.need(Some(v), venue)))
        && (planted.iter().filter(|(s, _)| week.day_of(s.start) == day).count() as u32) < week.max_per_day_of(person)
}

/// A re-planning scenario from a solved instance of the UN week: 5% of requests cancelled, 5% new
/// ones, two principals blocked for two hours, one room lost. The plan's surviving meetings become
/// the previous plan; about a third of those clear of the changes are confirmed (fixed).
pub fn replan(instance: &Instance, plan: &Plan, seed: u64) -> Instance {
    let mut rng = Rng::with_seed(seed);
    let mut next = instance.clone();
    let n = instance.requests.len();
    let mut cancelled: Vec<String> = rng.choose_multiple(instance.requests.iter().map(|r| r.id.clone()), n / 20);
    cancelled.sort();
    next.requests.retain(|r| cancelled.binary_search(&r.id).is_err());
    for r in &mut next.requests {
        r.after.retain(|a| cancelled.binary_search(a).is_err());
    }
    let meetings: Vec<_> = plan.meetings.iter().filter(|m| cancelled.binary_search(&m.request).is_err()).collect();

    let lost = meetings[rng.usize(..meetings.len())].room.clone();
    let whole = Span::new(instance.days[0].start, instance.days[instance.days.len() - 1].end);
    if let Some(room) = next.rooms.iter_mut().find(|r| r.id == lost) {
        room.unavailable.push(whole);
    }
    let mut blocks: Vec<(String, Span)> = Vec::new();
    for _ in 0..2 {
        let m = meetings[rng.usize(..meetings.len())];
        let who = instance.requests_by_id()[m.request.as_str()].persons[0].clone();
        let block = Span::new(m.start, m.start + 120);
        if let Some(p) = next.persons.iter_mut().find(|p| p.id == who) {
            p.busy.push(Busy {
                start: block.start,
                end: block.end,
                venue: None,
                label: Some("unforeseen".to_string()),
            });
        }
        blocks.push((who, block));
    }

    let by_id = instance.requests_by_id();
    // Clear of a block by the buffer its person needs after it, as after any commitment.
    let untouched = |m: &crate::Meeting| {
        let near = Span::new(m.start - instance.buffer, m.end + instance.buffer);
        m.room != lost
            && !blocks.iter().any(|(who, b)| b.overlaps(&near) && by_id[m.request.as_str()].persons.contains(who))
    };
    let confirmed: Vec<&str> =
        meetings.iter().filter(|m| untouched(m) && rng.u8(..3) == 0).map(|m| m.request.as_str()).collect();
    for r in &mut next.requests {
        r.fixed = None;
        if let Some(m) = meetings.iter().find(|m| m.request == r.id && confirmed.contains(&m.request.as_str())) {
            r.fixed = Some(Fixed { start: m.start, room: m.room.clone() });
        }
    }
    next.previous = meetings
        .iter()
        .map(|m| Placement { request: m.request.clone(), start: m.start, room: m.room.clone() })
        .collect();

    let delegations: Vec<Delegation> = (1..=instance.persons.len() / 3)
        .map(|d| Delegation {
            popularity: 1,
            hos: format!("hos{d:03}"),
            fm: format!("fm{d:03}"),
            minister: format!("min{d:03}"),
        })
        .collect();
    for i in 0..n / 20 {
        let (a, b) = (rng.usize(..delegations.len()), rng.usize(..delegations.len()));
        if a != b {
            let level = rng.u8(..10);
            next.requests.push(un_request(
                &mut rng,
                &delegations[a],
                &delegations[b],
                level,
                format!("new{:04}", i + 1),
            ));
        }
    }
    next
}

/// A small random instance for property tests: a few persons, rooms and requests on one or two
/// short days, with busy items, presence, windows, allowed rooms and precedence.
#[cfg(test)]
pub(crate) fn small(seed: u64) -> Instance {
    let mut rng = Rng::with_seed(seed);
    let venues = ["North", "South"];
    let n_days = rng.i64(1..=2);
    let mut persons: Vec<Person> = (0..rng.usize(3..=6)).map(|i| person(format!("p{i}"))).collect();
    for p in &mut persons {
        if rng.bool() {
            let d = rng.i64(0..n_days);
            let start = hm(d, rng.i64(9..12), 15 * rng.i64(0..4));
            let venue = if rng.bool() { Some(venues[rng.usize(..2)].to_string()) } else { None };
            p.busy.push(Busy { start, end: start + 60, venue, label: None });
        }
        if rng.u8(..4) == 0 {
            p.present = Some(Span::new(hm(0, 10, 0), hm(n_days - 1, 12, 0)));
        }
        if rng.u8(..3) == 0 {
            p.max_per_day = Some(rng.u32(1..=2));
        }
    }
    let rooms: Vec<Room> = (0..rng.usize(1..=3))
        .map(|i| {
            let mut r = room(format!("room{i}"), venues[rng.usize(..2)], rng.u32(2..=8));
            if rng.u8(..4) == 0 {
                let start = hm(0, rng.i64(9..12), 0);
                r.unavailable.push(Span::new(start, start + 60));
            }
            r
        })
        .collect();
    let mut requests: Vec<Request> = Vec::new();
    for i in 0..rng.usize(3..=9) {
        let a = rng.usize(..persons.len());
        let b = (a + rng.usize(1..persons.len())) % persons.len();
        let mut who = vec![persons[a].id.clone(), persons[b].id.clone()];
        let c = rng.usize(..persons.len());
        if rng.u8(..5) == 0 && c != a && c != b {
            who.push(persons[c].id.clone());
        }
        let mut r = request(format!("r{i}"), who, 30 * rng.i64(1..=2), rng.u32(1..=3), rng.u32(2..=6));
        if rng.u8(..3) == 0 {
            let d = rng.i64(0..n_days);
            let start = hm(d, rng.i64(9..12), 0);
            r.windows.push(Span::new(start, start + 30 * rng.i64(1..=4)));
        }
        if rng.u8(..4) == 0 {
            r.rooms.push(rooms[rng.usize(..rooms.len())].id.clone());
        }
        if i > 0 && rng.u8(..5) == 0 {
            r.after.push(requests[rng.usize(..i)].id.clone());
        }
        requests.push(r);
    }
    Instance {
        origin: None,
        grid: 15,
        buffer: 5 * rng.i64(0..=2),
        max_per_day: rng.u32(2..=3),
        default_travel: 15,
        days: days(n_days, 9, 13),
        travel: Vec::new(),
        rooms,
        persons,
        requests,
        previous: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check;

    #[test]
    fn a_planted_week_fills_every_open_quarter_hour_and_leaves_requests_out() {
        for seed in 1..=3 {
            let (week, meetings) = planted(seed);
            week.validate().unwrap();
            assert_eq!(generate(Preset::Planted, seed), week);
            assert!(week.requests.iter().all(|r| i64::from(r.weight) * week.grid == r.duration), "weight is length");
            let plan = Plan {
                meetings,
                unplaced: Vec::new(),
                objective: Default::default(),
                proven_optimal: false,
                bound: 0,
                effort: 0,
            };
            let report = check(&week, &plan);
            assert!(report.is_feasible(), "seed {seed}: {:#?}", &report.violations[..report.violations.len().min(5)]);
            // Every quarter-hour a room is open, on every day, holds a planted meeting.
            let open: i64 = week
                .rooms
                .iter()
                .flat_map(|room| week.days.iter().map(move |d| (room, d.span())))
                .map(|(room, day)| {
                    let closed: i64 = room.unavailable.iter().filter(|u| day.contains(u)).map(|u| u.len()).sum();
                    day.len() - closed
                })
                .sum();
            assert_eq!(report.objective.weight, (open / week.grid) as u64, "seed {seed}");
            let placed = plan.meetings.len();
            assert!(placed > 1000 && week.requests.len() == placed + placed / 4, "seed {seed}: {placed}");
        }
    }
}
