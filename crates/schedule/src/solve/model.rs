//! The instance compiled to indices, and each request's options against the static constraints
//! (days, windows, presence, busy items, rooms). Options are what the search chooses among; the
//! dynamic constraints between meetings live in [`super::state`].

use std::collections::BTreeMap;

use crate::{FixedFault, Instance, Span};

/// A place a request can take: a start, a room and the day the start falls on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Opt {
    pub start: i64,
    pub room: usize,
    pub day: usize,
}

/// A request by indices.
pub(crate) struct Req {
    pub persons: Vec<usize>,
    pub duration: i64,
    pub weight: u64,
    /// Requests that must end before this one starts.
    pub after: Vec<usize>,
    /// Requests that must start after this one ends (the reverse of `after`).
    pub before: Vec<usize>,
    /// The rooms it may take, whatever their size.
    pub rooms: Vec<usize>,
    pub fixed: Option<(i64, usize)>,
    pub previous: Option<(i64, usize)>,
}

/// Static constraints to ignore, for explaining what blocks a request.
#[derive(Debug, Clone, Default)]
pub(crate) struct Relax {
    pub capacity: bool,
    pub room_unavailable: bool,
    /// Persons whose presence and busy items are ignored.
    pub persons: Vec<usize>,
}

/// Why one place breaks a static constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fault {
    OutsideWindows,
    RoomNotAllowed,
    Capacity {
        capacity: u32,
    },
    RoomUnavailable,
    Absent {
        person: usize,
    },
    Busy {
        person: usize,
        label: Option<String>,
    },
    /// Free then, but busy too soon before or after for the buffer and travel between.
    TooClose {
        person: usize,
        label: Option<String>,
    },
}

pub(crate) struct Model<'a> {
    pub inst: &'a Instance,
    pub persons: Vec<&'a str>,
    pub rooms: Vec<&'a str>,
    pub requests: Vec<&'a str>,
    /// Venue of each room, by index into the travel matrix.
    pub room_venue: Vec<usize>,
    /// Minutes between venues, including the venues of busy items.
    pub travel: Vec<Vec<i64>>,
    /// The most a person can need between two commitments: buffer plus the longest travel.
    pub max_gap: i64,
    /// Busy items of each person, with the venue's index.
    pub busy: Vec<Vec<(Span, Option<usize>)>>,
    pub max_per_day: Vec<u32>,
    pub reqs: Vec<Req>,
    /// Requests each person takes part in.
    pub person_reqs: Vec<Vec<usize>>,
}

impl<'a> Model<'a> {
    /// Compiles a validated instance.
    pub fn new(inst: &'a Instance) -> Model<'a> {
        let index = |ids: Vec<&'a str>| -> BTreeMap<&'a str, usize> {
            ids.into_iter().enumerate().map(|(i, id)| (id, i)).collect()
        };
        let persons: Vec<&str> = inst.persons.iter().map(|p| p.id.as_str()).collect();
        let rooms: Vec<&str> = inst.rooms.iter().map(|r| r.id.as_str()).collect();
        let requests: Vec<&str> = inst.requests.iter().map(|r| r.id.as_str()).collect();
        let person_ix = index(persons.clone());
        let room_ix = index(rooms.clone());
        let request_ix = index(requests.clone());

        let mut venue_names: Vec<&str> = inst.rooms.iter().map(|r| r.venue.as_str()).collect();
        venue_names.extend(inst.persons.iter().flat_map(|p| p.busy.iter().filter_map(|b| b.venue.as_deref())));
        venue_names.sort_unstable();
        venue_names.dedup();
        let venue_ix = index(venue_names.clone());
        let travel: Vec<Vec<i64>> =
            venue_names.iter().map(|a| venue_names.iter().map(|b| inst.travel_minutes(a, b)).collect()).collect();
        let max_gap = inst.buffer + travel.iter().flatten().copied().max().unwrap_or(0);

        let previous: BTreeMap<&str, (i64, usize)> =
            inst.previous.iter().map(|p| (p.request.as_str(), (p.start, room_ix[p.room.as_str()]))).collect();
        let mut reqs: Vec<Req> = inst
            .requests
            .iter()
            .map(|r| Req {
                persons: r.persons.iter().map(|p| person_ix[p.as_str()]).collect(),
                duration: r.duration,
                weight: u64::from(r.weight),
                after: r.after.iter().map(|a| request_ix[a.as_str()]).collect(),
                before: Vec::new(),
                rooms: if r.rooms.is_empty() {
                    (0..rooms.len()).collect()
                } else {
                    r.rooms.iter().map(|x| room_ix[x.as_str()]).collect()
                },
                fixed: r.fixed.as_ref().map(|f| (f.start, room_ix[f.room.as_str()])),
                previous: previous.get(r.id.as_str()).copied(),
            })
            .collect();
        for r in 0..reqs.len() {
            for a in reqs[r].after.clone() {
                reqs[a].before.push(r);
            }
        }
        let mut person_reqs = vec![Vec::new(); persons.len()];
        for (r, req) in reqs.iter().enumerate() {
            for &p in &req.persons {
                person_reqs[p].push(r);
            }
        }
        Model {
            inst,
            room_venue: inst.rooms.iter().map(|r| venue_ix[r.venue.as_str()]).collect(),
            busy: inst
                .persons
                .iter()
                .map(|p| p.busy.iter().map(|b| (b.span(), b.venue.as_deref().map(|v| venue_ix[v]))).collect())
                .collect(),
            max_per_day: inst.persons.iter().map(|p| inst.max_per_day_of(p)).collect(),
            persons,
            rooms,
            requests,
            travel,
            max_gap,
            reqs,
            person_reqs,
        }
    }

    /// Minutes a person needs between two commitments at these venues.
    pub fn need(&self, a: usize, b: usize) -> i64 {
        self.inst.buffer + self.travel[a][b]
    }

    pub fn span(&self, r: usize, start: i64) -> Span {
        Span::new(start, start + self.reqs[r].duration)
    }

    /// Starts on the grid at which the request lies wholly inside one window and one day.
    pub fn starts(&self, r: usize) -> Vec<(i64, usize)> {
        let grid = self.inst.grid;
        let duration = self.reqs[r].duration;
        let windows = &self.inst.requests[r].windows;
        let mut starts = Vec::new();
        for (d, day) in self.inst.days.iter().enumerate() {
            let day = day.span();
            let cut = |w: &Span| Span::new(w.start.max(day.start), w.end.min(day.end));
            let spans: Vec<Span> = if windows.is_empty() { vec![day] } else { windows.iter().map(cut).collect() };
            for w in spans {
                let mut s = w.start + (grid - w.start.rem_euclid(grid)) % grid;
                while s + duration <= w.end {
                    starts.push((s, d));
                    s += grid;
                }
            }
        }
        starts.sort_unstable();
        starts.dedup();
        starts
    }

    /// The day in which the request, starting at `start`, lies wholly, and inside one of its
    /// windows if it has any.
    pub fn day_of(&self, r: usize, start: i64) -> Option<usize> {
        let span = self.span(r, start);
        let windows = &self.inst.requests[r].windows;
        self.inst
            .days
            .iter()
            .position(|d| d.span().contains(&span) && (windows.is_empty() || windows.iter().any(|w| w.contains(&span))))
    }

    /// Every option of a request against the static constraints, by start then room.
    pub fn options(&self, r: usize, relax: &Relax) -> Vec<Opt> {
        let mut options = Vec::new();
        // Persons' faults depend on the venue only, so they are computed once per venue and start.
        let mut by_venue: Vec<Option<bool>> = vec![None; self.travel.len()];
        for (start, day) in self.starts(r) {
            let span = self.span(r, start);
            by_venue.iter_mut().for_each(|v| *v = None);
            for &room in &self.reqs[r].rooms {
                if self.room_fault(r, span, room, relax).is_some() {
                    continue;
                }
                let venue = self.room_venue[room];
                let free = *by_venue[venue].get_or_insert_with(|| self.person_fault(r, span, venue, relax).is_none());
                if free {
                    options.push(Opt { start, room, day });
                }
            }
        }
        options
    }

    /// Why a fixed meeting's place breaks a static constraint, if it does. People chose it, so it
    /// need not fall on the grid the scheduler places meetings on.
    pub fn fault(&self, r: usize, start: i64, room: usize) -> Option<Fault> {
        let relax = Relax::default();
        if self.day_of(r, start).is_none() {
            return Some(Fault::OutsideWindows);
        }
        if !self.reqs[r].rooms.contains(&room) {
            return Some(Fault::RoomNotAllowed);
        }
        let span = self.span(r, start);
        self.room_fault(r, span, room, &relax).or_else(|| self.person_fault(r, span, self.room_venue[room], &relax))
    }

    fn room_fault(&self, r: usize, span: Span, room: usize, relax: &Relax) -> Option<Fault> {
        let spec = &self.inst.rooms[room];
        if !relax.capacity && spec.capacity < self.inst.requests[r].size {
            return Some(Fault::Capacity { capacity: spec.capacity });
        }
        if !relax.room_unavailable && spec.unavailable.iter().any(|u| u.overlaps(&span)) {
            return Some(Fault::RoomUnavailable);
        }
        None
    }

    fn person_fault(&self, r: usize, span: Span, venue: usize, relax: &Relax) -> Option<Fault> {
        for &p in &self.reqs[r].persons {
            if relax.persons.contains(&p) {
                continue;
            }
            if self.inst.persons[p].present.is_some_and(|present| !present.contains(&span)) {
                return Some(Fault::Absent { person: p });
            }
            for (i, &(busy, busy_venue)) in self.busy[p].iter().enumerate() {
                let need = busy_venue.map_or(self.inst.buffer, |v| self.need(v, venue));
                if busy.start < span.end + need && span.start < busy.end + need {
                    let label = self.inst.persons[p].busy[i].label.clone();
                    return Some(match busy.overlaps(&span) {
                        true => Fault::Busy { person: p, label },
                        false => Fault::TooClose { person: p, label },
                    });
                }
            }
        }
        None
    }

    /// A fixed meeting's fault, with its persons named.
    pub fn fixed_fault(&self, fault: Fault) -> FixedFault {
        match fault {
            Fault::OutsideWindows => FixedFault::OutsideWindows,
            Fault::RoomNotAllowed => FixedFault::RoomNotAllowed,
            Fault::Capacity { capacity } => FixedFault::Capacity { capacity },
            Fault::RoomUnavailable => FixedFault::RoomUnavailable,
            Fault::Absent { person } => FixedFault::Absent { person: self.persons[person].to_string() },
            Fault::Busy { person, label } => FixedFault::Busy { person: self.persons[person].to_string(), label },
            Fault::TooClose { person, label } => {
                FixedFault::TooClose { person: self.persons[person].to_string(), label }
            }
        }
    }
}
