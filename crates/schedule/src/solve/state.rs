//! A partial plan under construction: rooms' and persons' timelines, meetings per person and day,
//! and the objective, all kept up to date on every placement and removal.

use super::model::{Model, Opt};
use crate::{Meeting, Objective};

/// What keeps a request out of an option, given the meetings already placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Conflict {
    /// The request's room is held by this request then.
    Room(usize),
    /// A person of the request meets in this request too close in time (travel and buffer).
    Person(usize),
    /// The person has the most bilaterals allowed on the option's day already.
    MaxPerDay(usize),
    /// This placed request must come before (or after) and does not.
    Precedence(usize),
}

/// One commitment on a timeline.
#[derive(Debug, Clone, Copy)]
struct Slot {
    start: i64,
    end: i64,
    venue: usize,
    day: usize,
    req: usize,
}

#[derive(Clone)]
pub(crate) struct State<'m, 'a> {
    pub m: &'m Model<'a>,
    pub at: Vec<Option<Opt>>,
    rooms: Vec<Vec<Slot>>,
    persons: Vec<Vec<Slot>>,
    counts: Vec<Vec<u32>>,
    weight: u64,
    gaps: i64,
    moves: u64,
}

impl<'m, 'a> State<'m, 'a> {
    pub fn new(m: &'m Model<'a>) -> Self {
        State {
            m,
            at: vec![None; m.reqs.len()],
            rooms: vec![Vec::new(); m.rooms.len()],
            persons: vec![Vec::new(); m.persons.len()],
            counts: vec![vec![0; m.inst.days.len()]; m.persons.len()],
            weight: 0,
            gaps: 0,
            moves: m.reqs.iter().filter(|r| r.previous.is_some()).count() as u64,
        }
    }

    pub fn objective(&self) -> Objective {
        Objective { weight: self.weight, gaps: self.gaps as u64, moves: self.moves }
    }

    fn slot(&self, r: usize, o: Opt) -> Slot {
        let end = o.start + self.m.reqs[r].duration;
        Slot { start: o.start, end, venue: self.m.room_venue[o.room], day: o.day, req: r }
    }

    /// Reports each conflict to `visit` until it returns false; returns whether it was stopped.
    pub fn conflicts(&self, r: usize, o: Opt, mut visit: impl FnMut(Conflict) -> bool) -> bool {
        let new = self.slot(r, o);
        let line = &self.rooms[o.room];
        let mut i = line.partition_point(|x| x.start < new.end);
        while i > 0 && line[i - 1].end > new.start {
            i -= 1;
            if !visit(Conflict::Room(line[i].req)) {
                return true;
            }
        }
        let m = self.m;
        for &p in &m.reqs[r].persons {
            let line = &self.persons[p];
            let from = line.partition_point(|x| x.end + m.max_gap <= new.start);
            for x in line[from..].iter().take_while(|x| x.start < new.end + m.max_gap) {
                let apart =
                    x.end + m.need(x.venue, new.venue) <= new.start || new.end + m.need(new.venue, x.venue) <= x.start;
                if !apart && !visit(Conflict::Person(x.req)) {
                    return true;
                }
            }
            if self.counts[p][o.day] >= m.max_per_day[p] && !visit(Conflict::MaxPerDay(p)) {
                return true;
            }
        }
        let req = &m.reqs[r];
        let early = req.after.iter().filter(|&&a| self.at[a].is_some_and(|x| self.slot(a, x).end > new.start));
        let late = req.before.iter().filter(|&&b| self.at[b].is_some_and(|x| x.start < new.end));
        for &q in early.chain(late) {
            if !visit(Conflict::Precedence(q)) {
                return true;
            }
        }
        false
    }

    pub fn fits(&self, r: usize, o: Opt) -> bool {
        !self.conflicts(r, o, |_| false)
    }

    /// Whether there is an idle gap between two commitments of one person (see [`Objective`]).
    fn gap(&self, a: &Slot, b: &Slot) -> i64 {
        i64::from(b.start - a.end - self.m.need(a.venue, b.venue) >= self.m.inst.grid)
    }

    /// How the number of gaps changes if the request takes the option.
    pub fn gap_delta(&self, r: usize, o: Opt) -> i64 {
        let new = self.slot(r, o);
        let mut delta = 0;
        for &p in &self.m.reqs[r].persons {
            let line = &self.persons[p];
            let i = line.partition_point(|x| x.start < new.start);
            let pred = i.checked_sub(1).map(|j| &line[j]).filter(|x| x.day == new.day);
            let succ = line.get(i).filter(|x| x.day == new.day);
            delta += pred.map_or(0, |a| self.gap(a, &new)) + succ.map_or(0, |b| self.gap(&new, b));
            if let (Some(a), Some(b)) = (pred, succ) {
                delta -= self.gap(a, b);
            }
        }
        delta
    }

    /// How the number of moves changes if the (unplaced) request takes the option.
    pub fn move_delta(&self, r: usize, o: Opt) -> i64 {
        match self.m.reqs[r].previous {
            Some(prev) if prev == (o.start, o.room) => -1,
            _ => 0,
        }
    }

    pub fn place(&mut self, r: usize, o: Opt) {
        debug_assert!(self.at[r].is_none());
        self.gaps += self.gap_delta(r, o);
        self.moves = (self.moves as i64 + self.move_delta(r, o)) as u64;
        let slot = self.slot(r, o);
        let line = &mut self.rooms[o.room];
        line.insert(line.partition_point(|x| x.start < slot.start), slot);
        for &p in &self.m.reqs[r].persons {
            let line = &mut self.persons[p];
            line.insert(line.partition_point(|x| x.start < slot.start), slot);
            self.counts[p][o.day] += 1;
        }
        self.weight += self.m.reqs[r].weight;
        self.at[r] = Some(o);
    }

    pub fn remove(&mut self, r: usize) {
        let Some(o) = self.at[r].take() else { return };
        let line = &mut self.rooms[o.room];
        line.retain(|x| x.req != r);
        for &p in &self.m.reqs[r].persons {
            self.persons[p].retain(|x| x.req != r);
            self.counts[p][o.day] -= 1;
        }
        self.gaps -= self.gap_delta(r, o);
        self.moves = (self.moves as i64 - self.move_delta(r, o)) as u64;
        self.weight -= self.m.reqs[r].weight;
    }

    /// Placed requests of a person on a day.
    pub fn meetings_of(&self, p: usize, day: usize) -> impl Iterator<Item = usize> + '_ {
        self.persons[p].iter().filter(move |x| x.day == day).map(|x| x.req)
    }

    /// Meetings already placed for a person on a day.
    pub fn count(&self, p: usize, day: usize) -> u32 {
        self.counts[p][day]
    }

    /// The placed meetings, ordered by start, room and request.
    pub fn meetings(&self) -> Vec<Meeting> {
        let mut meetings: Vec<Meeting> = (0..self.at.len())
            .filter_map(|r| {
                self.at[r].map(|o| Meeting {
                    request: self.m.requests[r].to_string(),
                    start: o.start,
                    end: o.start + self.m.reqs[r].duration,
                    room: self.m.rooms[o.room].to_string(),
                })
            })
            .collect();
        meetings.sort_by(|a, b| (a.start, &a.room, &a.request).cmp(&(b.start, &b.room, &b.request)));
        meetings
    }
}
