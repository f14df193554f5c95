//! Why a request was left out, in terms a protocol officer can act on.
//!
//! Each reason is found by relaxing its blocker and looking for a place again: a static blocker
//! (a room's size or unavailability, a person's programme) against the fixed meetings alone, a
//! dynamic one (placed meetings, a full day, an order between requests) against the whole plan.
//! Reasons that each suffice alone are preferred; otherwise the blockers of one place are listed,
//! and removing all of them frees it.

use crate::solve::model::{Opt, Relax};
use crate::solve::state::{Conflict, State};
use crate::{Reason, Unplaced};

/// Explains every request `st` leaves out; `fixed` holds the fixed meetings only.
pub(crate) fn unplaced(fixed: &State, st: &State) -> Vec<Unplaced> {
    let m = st.m;
    (0..m.reqs.len())
        .filter(|&r| st.at[r].is_none())
        .map(|r| Unplaced { request: m.requests[r].to_string(), reasons: reasons(fixed, st, r) })
        .collect()
}

fn reasons(fixed: &State, st: &State, r: usize) -> Vec<Reason> {
    let m = st.m;
    let places = |relax: &Relax| -> Vec<Opt> {
        let mut options = m.options(r, relax);
        options.retain(|&o| fixed.fits(r, o));
        options
    };
    let free = places(&Relax::default());
    if !free.is_empty() {
        return blocked(st, r, &free);
    }
    if m.starts(r).is_empty() {
        return vec![Reason::WindowTooShort];
    }
    let size = m.inst.requests[r].size;
    let rooms = &m.reqs[r].rooms;
    // Without a room nobody's programme matters: no room seats them.
    if rooms.is_empty() {
        return vec![Reason::NoRoomLargeEnough { size }];
    }
    let mut candidates: Vec<(Relax, Reason)> = Vec::new();
    if rooms.iter().any(|&x| m.inst.rooms[x].capacity < size) {
        candidates.push((Relax { capacity: true, ..Relax::default() }, Reason::NoRoomLargeEnough { size }));
    }
    if rooms.iter().any(|&x| !m.inst.rooms[x].unavailable.is_empty()) {
        candidates.push((Relax { room_unavailable: true, ..Relax::default() }, Reason::NoRoomFree));
    }
    let committed: Vec<usize> = m.reqs[r]
        .persons
        .iter()
        .copied()
        .filter(|&p| m.inst.persons[p].present.is_some() || !m.busy[p].is_empty())
        .collect();
    for &p in &committed {
        let person = m.persons[p].to_string();
        candidates.push((Relax { persons: vec![p], ..Relax::default() }, Reason::PersonUnavailable { person }));
    }
    let single: Vec<Reason> =
        candidates.iter().filter(|(relax, _)| !places(relax).is_empty()).map(|(_, reason)| reason.clone()).collect();
    if !single.is_empty() {
        return single;
    }
    if committed.len() > 1 && !places(&Relax { persons: committed.clone(), ..Relax::default() }).is_empty() {
        // Those who have no place even when the others are free are each unavailable; only when
        // everyone is free somewhere do they lack a common time.
        let others = |p: usize| committed.iter().copied().filter(|&q| q != p).collect::<Vec<_>>();
        let unavailable: Vec<usize> = committed
            .iter()
            .copied()
            .filter(|&p| places(&Relax { persons: others(p), ..Relax::default() }).is_empty())
            .collect();
        if !unavailable.is_empty() && !places(&Relax { persons: unavailable.clone(), ..Relax::default() }).is_empty() {
            return unavailable
                .iter()
                .map(|&p| Reason::PersonUnavailable { person: m.persons[p].to_string() })
                .collect();
        }
        let persons = committed.iter().map(|&p| m.persons[p].to_string()).collect();
        return vec![Reason::NoCommonTime { persons }];
    }
    if candidates.is_empty() {
        // Only fixed meetings stand in the way; they are named like any placed meeting.
        return blocked(st, r, &m.options(r, &Relax::default()));
    }
    // No blocker alone stands in the way: those that together do, each of them needed (without
    // any one the request still has no place), not everyone with a commitment that day.
    let together = |chosen: &[usize]| {
        chosen.iter().fold(Relax::default(), |mut all, &i| {
            let relax = &candidates[i].0;
            all.capacity |= relax.capacity;
            all.room_unavailable |= relax.room_unavailable;
            all.persons.extend(&relax.persons);
            all
        })
    };
    let mut needed: Vec<usize> = (0..candidates.len()).collect();
    // Freed of every static blocker it may still have no place: confirmed meetings (or the days
    // they fill) stand in the way. Where the static constraints leave it places, those meetings
    // are the reason; otherwise both are, the static blockers counted by the places they free
    // whatever the confirmed meetings hold.
    let fixed_in_the_way = places(&together(&needed)).is_empty();
    if fixed_in_the_way {
        let open = m.options(r, &Relax::default());
        if !open.is_empty() {
            return blocked(st, r, &open);
        }
    }
    let frees = |chosen: &[usize]| {
        let relax = together(chosen);
        if fixed_in_the_way { !m.options(r, &relax).is_empty() } else { !places(&relax).is_empty() }
    };
    for i in 0..candidates.len() {
        let without: Vec<usize> = needed.iter().copied().filter(|&j| j != i).collect();
        if frees(&without) {
            needed = without;
        }
    }
    let relaxed = m.options(r, &together(&needed));
    let mut reasons: Vec<Reason> = needed.into_iter().map(|i| candidates[i].1.clone()).collect();
    if fixed_in_the_way {
        reasons.extend(blocked(st, r, &relaxed));
    }
    reasons
}

/// What the plan puts in the way of one place.
#[derive(Default)]
struct Blockers {
    meetings: Vec<usize>,
    full: Vec<usize>,
    order: Vec<usize>,
}

impl Blockers {
    fn of(st: &State, r: usize, o: Opt) -> Blockers {
        let mut b = Blockers::default();
        st.conflicts(r, o, |c| {
            match c {
                Conflict::Room(q) | Conflict::Person(q) => b.meetings.push(q),
                Conflict::MaxPerDay(p) => b.full.push(p),
                Conflict::Precedence(q) => b.order.push(q),
            }
            true
        });
        for list in [&mut b.meetings, &mut b.full, &mut b.order] {
            list.sort_unstable();
            list.dedup();
        }
        b
    }

    fn kinds(&self) -> usize {
        [&self.meetings, &self.full, &self.order].iter().filter(|l| !l.is_empty()).count()
    }

    fn size(&self) -> usize {
        self.meetings.len() + self.full.len() + self.order.len()
    }
}

/// Reasons for a request that has places against the static constraints, all taken.
fn blocked(st: &State, r: usize, options: &[Opt]) -> Vec<Reason> {
    let m = st.m;
    let names = |list: &[usize]| list.iter().map(|&q| m.requests[q].to_string()).collect::<Vec<_>>();
    let weight = m.reqs[r].weight;
    let lighter = |b: &Blockers| b.meetings.iter().filter(|&&q| m.reqs[q].weight < weight).count();
    let all: Vec<Blockers> = options.iter().map(|&o| Blockers::of(st, r, o)).collect();
    let alone: Vec<&Blockers> = all.iter().filter(|b| b.kinds() == 1).collect();
    let mut reasons = Vec::new();
    let lost = alone.iter().filter(|b| !b.meetings.is_empty()).min_by_key(|b| {
        let total: u64 = b.meetings.iter().map(|&q| m.reqs[q].weight).sum();
        (lighter(b), b.meetings.len(), total)
    });
    if let Some(b) = lost {
        reasons.push(Reason::LostTo { requests: names(&b.meetings) });
    }
    let mut full: Vec<usize> = alone.iter().filter(|b| b.full.len() == 1).map(|b| b.full[0]).collect();
    full.sort_unstable();
    full.dedup();
    reasons.extend(full.into_iter().map(|p| Reason::MaxPerDay { person: m.persons[p].to_string() }));
    if let Some(b) = alone.iter().filter(|b| !b.order.is_empty()).min_by_key(|b| b.order.len()) {
        reasons.push(Reason::Precedence { requests: names(&b.order) });
    }
    if !reasons.is_empty() {
        return reasons;
    }
    let Some(b) = all.iter().min_by_key(|b| (b.size(), lighter(b))) else { return reasons };
    if !b.meetings.is_empty() {
        reasons.push(Reason::LostTo { requests: names(&b.meetings) });
    }
    reasons.extend(b.full.iter().map(|&p| Reason::MaxPerDay { person: m.persons[p].to_string() }));
    if !b.order.is_empty() {
        reasons.push(Reason::Precedence { requests: names(&b.order) });
    }
    reasons
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use crate::{
        Busy, Day, Fixed, Instance, Meeting, Options, Person, Plan, Reason, Request, Room, Span, check, generate, solve,
    };

    /// Removes the blocker a reason names, from the instance or from the placed meetings.
    fn relax(reason: &Reason, request: &str, inst: &mut Instance, meetings: &mut Vec<Meeting>) {
        match reason {
            Reason::PersonUnavailable { person } => relax_persons(inst, std::slice::from_ref(person)),
            Reason::NoCommonTime { persons } => relax_persons(inst, persons),
            Reason::NoRoomLargeEnough { size } => {
                inst.rooms.iter_mut().for_each(|r| r.capacity = r.capacity.max(*size))
            }
            Reason::NoRoomFree => inst.rooms.iter_mut().for_each(|r| r.unavailable.clear()),
            Reason::MaxPerDay { person } => {
                inst.persons.iter_mut().filter(|p| &p.id == person).for_each(|p| p.max_per_day = Some(99))
            }
            Reason::LostTo { requests } => {
                // Confirmed ones too, which the checker would otherwise miss in the plan.
                meetings.retain(|m| !requests.contains(&m.request));
                inst.requests.retain(|r| !requests.contains(&r.id));
            }
            Reason::Precedence { requests } => {
                for r in &mut inst.requests {
                    if r.id == request {
                        r.after.retain(|a| !requests.contains(a));
                    } else if requests.contains(&r.id) {
                        r.after.retain(|a| a != request);
                    }
                }
            }
            Reason::WindowTooShort => {}
        }
    }

    fn relax_persons(inst: &mut Instance, persons: &[String]) {
        for p in inst.persons.iter_mut().filter(|p| persons.contains(&p.id)) {
            p.busy.clear();
            p.present = None;
        }
    }

    fn is_static(reason: &Reason) -> bool {
        !matches!(reason, Reason::LostTo { .. } | Reason::MaxPerDay { .. } | Reason::Precedence { .. })
    }

    /// Whether the request can join the meetings somewhere, by trying every start and room
    /// against the checker.
    fn placeable(inst: &Instance, meetings: &[Meeting], request: &str) -> bool {
        let duration = inst.requests.iter().find(|r| r.id == request).unwrap().duration;
        inst.days.iter().any(|day| {
            (day.start..day.end).step_by(inst.grid as usize).any(|start| {
                inst.rooms.iter().any(|room| {
                    let mut meetings = meetings.to_vec();
                    meetings.push(Meeting {
                        request: request.into(),
                        start,
                        end: start + duration,
                        room: room.id.clone(),
                    });
                    let plan = Plan {
                        meetings,
                        unplaced: vec![],
                        objective: Default::default(),
                        proven_optimal: false,
                        bound: 0,
                        effort: 0,
                    };
                    check(inst, &plan).is_feasible()
                })
            })
        })
    }

    /// Whether removing the blockers of these reasons makes the request placeable. Static reasons
    /// are judged against the fixed meetings alone, dynamic ones against the whole plan.
    fn freed(inst: &Instance, plan: &Plan, request: &str, reasons: &[Reason]) -> bool {
        let mut inst = inst.clone();
        let fixed = |m: &&Meeting| inst.requests.iter().any(|r| r.id == m.request && r.fixed.is_some());
        let mut meetings: Vec<Meeting> = if reasons.iter().all(is_static) {
            plan.meetings.iter().filter(fixed).cloned().collect()
        } else {
            plan.meetings.clone()
        };
        for reason in reasons {
            relax(reason, request, &mut inst, &mut meetings);
        }
        placeable(&inst, &meetings, request)
    }

    /// A day of 08:00–21:00 in one venue, on a 5-minute grid, without buffers or travel.
    fn day(rooms: Vec<Room>, persons: Vec<Person>, requests: Vec<Request>) -> Instance {
        Instance {
            origin: None,
            grid: 5,
            buffer: 0,
            max_per_day: 8,
            default_travel: 0,
            days: vec![Day { start: 480, end: 1260 }],
            travel: vec![],
            rooms,
            persons,
            requests,
            previous: vec![],
        }
    }

    fn room(id: &str, unavailable: Vec<Span>) -> Room {
        Room { id: id.into(), venue: "mfa".into(), capacity: 8, unavailable }
    }

    /// A person busy at these times (minutes from midnight).
    fn person(id: &str, busy: &[(i64, i64)]) -> Person {
        let busy = busy.iter().map(|&(start, end)| Busy { start, end, venue: None, label: None }).collect();
        Person { id: id.into(), present: None, busy, max_per_day: None }
    }

    /// A meeting of 45 minutes of two persons.
    fn meeting(id: &str, persons: [&str; 2], windows: Vec<Span>, fixed: Option<Fixed>) -> Request {
        Request {
            id: id.into(),
            persons: persons.iter().map(|p| p.to_string()).collect(),
            duration: 45,
            weight: 1,
            size: 4,
            windows,
            rooms: vec![],
            after: vec![],
            fixed,
        }
    }

    #[test]
    fn two_ministers_in_the_same_session_are_each_unavailable_not_short_of_a_common_time() {
        let inst = day(
            vec![room("green", vec![])],
            vec![person("kz", &[(600, 720)]), person("ru", &[(600, 720)])],
            vec![meeting("kz-ru", ["kz", "ru"], vec![Span::new(660, 720)], None)],
        );
        let plan = solve(&inst, &Options::default()).unwrap();
        let reasons = &plan.unplaced[0].reasons;
        assert_eq!(
            reasons,
            &[Reason::PersonUnavailable { person: "kz".into() }, Reason::PersonUnavailable { person: "ru".into() }]
        );
        assert!(freed(&inst, &plan, "kz-ru", reasons), "freeing both frees the meeting");
    }

    #[test]
    fn without_rooms_no_room_seats_them_whoever_is_busy() {
        let inst = day(
            vec![],
            vec![person("kz", &[(600, 660)]), person("ru", &[])],
            vec![meeting("kz-ru", ["kz", "ru"], vec![], None)],
        );
        let plan = solve(&inst, &Options::default()).unwrap();
        assert_eq!(plan.unplaced[0].reasons, [Reason::NoRoomLargeEnough { size: 4 }]);
    }

    #[test]
    fn blockers_needed_together_are_named_and_no_one_free_at_the_time() {
        let inst = day(
            vec![room("green", vec![Span::new(600, 720)])],
            // Russia's minister is busy that day, but in the evening, not in the window.
            vec![person("kz", &[(600, 720)]), person("ru", &[(1080, 1200)])],
            vec![meeting("kz-ru", ["kz", "ru"], vec![Span::new(660, 720)], None)],
        );
        let plan = solve(&inst, &Options::default()).unwrap();
        let reasons = &plan.unplaced[0].reasons;
        assert_eq!(reasons, &[Reason::NoRoomFree, Reason::PersonUnavailable { person: "kz".into() }]);
        assert!(freed(&inst, &plan, "kz-ru", reasons), "the room and Kazakhstan's minister free together");
        for one in reasons {
            assert!(!freed(&inst, &plan, "kz-ru", std::slice::from_ref(one)), "{one:?} alone does not");
        }
    }

    /// A room too small and a confirmed meeting filling a minister's day stand in the way; a room
    /// closed in the morning and a minister leaving at noon do not, and are not named.
    #[test]
    fn beside_a_confirmed_meeting_only_the_static_blockers_needed_are_named() {
        let mut inst = day(
            vec![room("green", vec![Span::new(480, 600)]), room("blue", vec![])],
            vec![person("kz", &[]), person("ru", &[]), person("am", &[])],
            vec![
                meeting("kz-ru", ["kz", "ru"], vec![], Some(Fixed { start: 900, room: "blue".into() })),
                Request { size: 12, ..meeting("kz-am", ["kz", "am"], vec![], None) },
            ],
        );
        inst.persons[0].max_per_day = Some(1);
        inst.persons[2].present = Some(Span::new(480, 720));
        let plan = solve(&inst, &Options::default()).unwrap();
        let reasons = &plan.unplaced[0].reasons;
        assert_eq!(reasons, &[Reason::NoRoomLargeEnough { size: 12 }, Reason::MaxPerDay { person: "kz".into() }]);
        assert!(freed(&inst, &plan, "kz-am", reasons), "a larger room and a second meeting for Kazakhstan free it");
    }

    #[test]
    fn a_confirmed_meeting_or_the_day_it_fills_is_named_not_the_rooms_and_people_free_then() {
        let mut inst = day(
            // A room taken in the evening, and Armenia's minister busy then: neither matters at ten.
            vec![room("green", vec![Span::new(1080, 1200)]), room("blue", vec![])],
            vec![person("kz", &[]), person("ru", &[]), person("am", &[(1080, 1200)])],
            vec![
                meeting("kz-ru", ["kz", "ru"], vec![], Some(Fixed { start: 600, room: "green".into() })),
                meeting("kz-am", ["kz", "am"], vec![Span::new(600, 660)], None),
            ],
        );
        let plan = solve(&inst, &Options::default()).unwrap();
        assert_eq!(plan.unplaced[0].reasons, [Reason::LostTo { requests: vec!["kz-ru".into()] }]);
        assert!(freed(&inst, &plan, "kz-am", &plan.unplaced[0].reasons));

        // At another time, Kazakhstan's minister has had the one meeting a day allowed.
        inst.persons[0].max_per_day = Some(1);
        inst.requests[1].windows = vec![Span::new(840, 900)];
        let plan = solve(&inst, &Options::default()).unwrap();
        assert_eq!(plan.unplaced[0].reasons, [Reason::MaxPerDay { person: "kz".into() }]);
        assert!(freed(&inst, &plan, "kz-am", &plan.unplaced[0].reasons));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]

        #[test]
        fn explanations_are_true(seed in any::<u64>()) {
            let inst = generate::small(seed);
            let plan = solve(&inst, &Options { budget: 20_000, ..Options::default() }).unwrap();
            for u in &plan.unplaced {
                prop_assert!(!u.reasons.is_empty(), "{} has no reason", u.request);
                if u.reasons == [Reason::WindowTooShort] {
                    continue;
                }
                let each = u.reasons.iter().all(|r| freed(&inst, &plan, &u.request, std::slice::from_ref(r)));
                let together = u.reasons.len() > 1 && freed(&inst, &plan, &u.request, &u.reasons);
                prop_assert!(each || together, "{}: {:?} in {:#?}", u.request, u.reasons, plan);
                if !each && u.reasons.iter().all(is_static) {
                    // Named together, each is needed: without it the others do not free the request.
                    for i in 0..u.reasons.len() {
                        let others: Vec<Reason> =
                            u.reasons.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, r)| r.clone()).collect();
                        prop_assert!(!freed(&inst, &plan, &u.request, &others), "{}: {:?} is not needed", u.request, u.reasons[i]);
                    }
                }
                let weight = |id: &str| inst.requests.iter().find(|r| r.id == id).unwrap().weight;
                // A lighter meeting that alone keeps a request out would have been swapped.
                for reason in u.reasons.iter().filter(|_| each) {
                    if let Reason::LostTo { requests } = reason && requests.len() == 1 {
                        prop_assert!(weight(&requests[0]) >= weight(&u.request), "a lighter meeting blocks {}", u.request);
                    }
                }
            }
        }
    }
}
