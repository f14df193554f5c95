//! The heuristic search: greedy construction, large-neighbourhood search around unplaced requests,
//! swaps that let a heavier request displace lighter ones, and a pass that moves single meetings
//! to close gaps and undo moves.

use std::time::Instant;

use super::model::Opt;
use super::state::{Conflict, State};

/// How many gaps over the best plan of the same weight the neighbourhood search may accept
/// while it brings gaps down again.
pub(crate) const GAP_SLACK: u64 = 2;
/// How many moves over the best plan of the same weight the neighbourhood search may accept:
/// without a bound, a re-plan's walk moved nearly twice as many meetings for the same weight.
const MOVE_SLACK: u64 = 2;

/// Effort accounting: one step is one option tried against the partial plan.
pub(crate) struct Effort {
    pub spent: u64,
    deadline: Option<Instant>,
    timed_out: bool,
}

impl Effort {
    pub fn new(deadline: Option<Instant>) -> Effort {
        Effort { spent: 0, deadline, timed_out: false }
    }

    /// The wall-time cap, for solvers that check it themselves.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    pub fn add(&mut self, steps: u64) {
        self.spent += steps;
    }

    /// Whether `limit` steps are used up, or the wall-time cap passed (checked every few thousand
    /// steps so the clock does not dominate).
    pub fn exhausted(&mut self, limit: u64) -> bool {
        if self.spent >= limit || self.timed_out {
            return true;
        }
        if let Some(deadline) = self.deadline {
            self.timed_out = Instant::now() >= deadline;
        }
        self.timed_out
    }
}

pub(crate) struct Search<'s, 'm, 'a> {
    pub st: State<'m, 'a>,
    /// Options of each request against the static constraints and the fixed meetings.
    pub options: &'s [Vec<Opt>],
    pub rng: fastrand::Rng,
    pub effort: Effort,
}

/// A journal of changes, so that a rejected neighbourhood can be undone.
type Journal = Vec<(usize, Option<Opt>)>;

impl Search<'_, '_, '_> {
    fn movable(&self, r: usize) -> bool {
        self.st.m.reqs[r].fixed.is_none()
    }

    /// The option that adds the fewest gaps, then the fewest moves, then keeps `keep`, then starts
    /// earliest. Packing meetings early and next to each other leaves the most room for the rest.
    fn best_option(&mut self, r: usize, keep: Option<Opt>) -> Option<Opt> {
        let mut best: Option<((i64, i64, bool), Opt)> = None;
        let m = self.st.m;
        // Options come by start, so a day's are together: a person whose day is full rules them all
        // out at once.
        let mut full_day = None;
        for &o in &self.options[r] {
            if full_day == Some(o.day) {
                continue;
            }
            self.effort.add(1);
            if m.reqs[r].persons.iter().any(|&p| self.st.count(p, o.day) >= m.max_per_day[p]) {
                full_day = Some(o.day);
                continue;
            }
            if !self.st.fits(r, o) {
                continue;
            }
            let key = (self.st.gap_delta(r, o), self.st.move_delta(r, o), Some(o) != keep);
            if best.is_none_or(|(k, _)| key < k) {
                best = Some((key, o));
            }
        }
        best.map(|(_, o)| o)
    }

    fn set(&mut self, journal: &mut Journal, r: usize, o: Option<Opt>) {
        journal.push((r, self.st.at[r]));
        self.st.remove(r);
        if let Some(o) = o {
            self.st.place(r, o);
        }
    }

    fn undo(&mut self, journal: Journal) {
        for (r, o) in journal.into_iter().rev() {
            self.st.remove(r);
            if let Some(o) = o {
                self.st.place(r, o);
            }
        }
    }

    /// Inserts requests, heaviest and most constrained first, each at its best option.
    fn insert_all(&mut self, mut requests: Vec<usize>, journal: &mut Journal) {
        let m = self.st.m;
        requests.sort_by_key(|&r| (std::cmp::Reverse(m.reqs[r].weight), self.options[r].len(), r));
        requests.dedup();
        for r in requests {
            if self.st.at[r].is_none()
                && let Some(o) = self.best_option(r, None)
            {
                self.set(journal, r, Some(o));
            }
        }
    }

    /// Places the requests of the previous plan where they were, heaviest first, then every
    /// other request at its best option.
    pub fn greedy(&mut self) {
        let m = self.st.m;
        let mut kept: Vec<usize> = (0..self.options.len()).filter(|&r| m.reqs[r].previous.is_some()).collect();
        kept.sort_by_key(|&r| (std::cmp::Reverse(m.reqs[r].weight), r));
        for r in kept {
            let (start, room) = m.reqs[r].previous.expect("kept");
            let prev = self.options[r].iter().find(|o| o.start == start && o.room == room).copied();
            self.effort.add(1);
            if let Some(o) = prev.filter(|&o| self.st.at[r].is_none() && self.st.fits(r, o)) {
                self.st.place(r, o);
            }
        }
        let unplaced = (0..self.options.len()).filter(|&r| self.st.at[r].is_none()).collect();
        self.insert_all(unplaced, &mut Journal::new());
    }

    fn unplaced(&self) -> Vec<usize> {
        (0..self.options.len()).filter(|&r| self.st.at[r].is_none() && !self.options[r].is_empty()).collect()
    }

    /// The placed requests to remove so that `r` fits at `o`, or `None` when a fixed meeting is
    /// in the way. For a full day, the lightest meeting of that person on that day goes.
    fn blockers(&self, r: usize, o: Opt) -> Option<Vec<usize>> {
        let mut out = Vec::new();
        let mut fixed = false;
        self.st.conflicts(r, o, |c| {
            let q = match c {
                Conflict::Room(q) | Conflict::Person(q) | Conflict::Precedence(q) => Some(q),
                Conflict::MaxPerDay(p) => self
                    .st
                    .meetings_of(p, o.day)
                    .filter(|&q| self.movable(q))
                    .min_by_key(|&q| (self.st.m.reqs[q].weight, q)),
            };
            match q {
                Some(q) if self.movable(q) => out.push(q),
                _ => fixed = true,
            }
            !fixed
        });
        out.sort_unstable();
        out.dedup();
        (!fixed).then_some(out)
    }

    fn weight_of(&self, requests: &[usize]) -> u64 {
        requests.iter().map(|&q| self.st.m.reqs[q].weight).sum()
    }

    /// Ruin and recreate around unplaced requests until `limit` effort is spent or every
    /// request with an option is placed. A result that keeps the weight is kept even with up to
    /// [`MOVE_SLACK`] more moves than the best plan of that weight seen, and more gaps: any number
    /// when `slack` is `None`, else at most `slack` over that best. Walking such plans reaches
    /// places for more weight that strict improvement never gets to. The best plan seen is the one
    /// left.
    pub fn lns(&mut self, limit: u64, slack: Option<u64>) {
        const SAMPLE: usize = 6;
        let mut top = self.st.objective();
        // The best plan's places, while the current plan is a worse one of the same weight.
        let mut saved: Option<Vec<Option<Opt>>> = None;
        while !self.effort.exhausted(limit) {
            let unplaced = self.unplaced();
            if unplaced.is_empty() {
                break;
            }
            let target = unplaced[self.rng.usize(..unplaced.len())];
            let options = &self.options[target];
            let mut chosen: Option<(u64, Opt, Vec<usize>)> = None;
            for _ in 0..SAMPLE.min(options.len()) {
                let o = options[self.rng.usize(..options.len())];
                self.effort.add(1);
                if let Some(b) = self.blockers(target, o) {
                    let w = self.weight_of(&b);
                    if chosen.as_ref().is_none_or(|(cw, _, _)| w < *cw) {
                        chosen = Some((w, o, b));
                    }
                }
            }
            let Some((_, o, mut ruined)) = chosen else { continue };
            // Also free a random meeting of the target's persons that day, so that the
            // neighbourhood can reshuffle a person's day rather than only swap.
            let persons = &self.st.m.reqs[target].persons;
            let p = persons[self.rng.usize(..persons.len())];
            let day: Vec<usize> = self.st.meetings_of(p, o.day).filter(|&q| self.movable(q)).collect();
            if !day.is_empty() {
                ruined.push(day[self.rng.usize(..day.len())]);
            }
            let before = self.st.objective();
            let mut journal = Journal::new();
            for &q in &ruined {
                self.set(&mut journal, q, None);
            }
            if self.st.fits(target, o) {
                self.set(&mut journal, target, Some(o));
            }
            let m = self.st.m;
            let related =
                ruined.iter().chain([&target]).flat_map(|&q| &m.reqs[q].persons).flat_map(|&p| &m.person_reqs[p]);
            let mut again: Vec<usize> = related.copied().filter(|&q| self.st.at[q].is_none()).collect();
            again.extend(&ruined);
            self.insert_all(again, &mut journal);
            let after = self.st.objective();
            // Weight never falls in a run, so a step that keeps it is at the best plan's weight.
            let strayed = after.moves > top.moves + MOVE_SLACK || slack.is_some_and(|s| after.gaps > top.gaps + s);
            if after.weight < before.weight || (after.weight == before.weight && strayed) {
                self.undo(journal);
            } else if !top.better_than(&after) {
                top = after;
                saved = None;
            } else if saved.is_none() {
                let mut at = self.st.at.clone();
                for (r, o) in journal.into_iter().rev() {
                    at[r] = o;
                }
                saved = Some(at);
            }
        }
        if let Some(at) = saved {
            self.restore(&at);
            debug_assert_eq!(self.st.objective(), top);
        }
    }

    /// Puts every request where `at` has it.
    fn restore(&mut self, at: &[Option<Opt>]) {
        for (r, &o) in at.iter().enumerate() {
            if self.st.at[r] != o {
                self.st.remove(r);
            }
        }
        for (r, &o) in at.iter().enumerate() {
            if let Some(o) = o.filter(|_| self.st.at[r].is_none()) {
                self.st.place(r, o);
            }
        }
    }

    /// Places unplaced requests where lighter meetings are in the way, and re-inserts those
    /// elsewhere if they fit: each swap adds weight. Afterwards no unplaced request is blocked only
    /// by lighter movable meetings.
    pub fn swaps(&mut self, limit: u64) {
        let mut improved = true;
        while improved && !self.effort.exhausted(limit) {
            improved = false;
            let mut unplaced = self.unplaced();
            let m = self.st.m;
            unplaced.sort_by_key(|&r| (std::cmp::Reverse(m.reqs[r].weight), r));
            for r in unplaced {
                if self.effort.exhausted(limit) {
                    return;
                }
                let weight = m.reqs[r].weight;
                for i in 0..self.options[r].len() {
                    let o = self.options[r][i];
                    self.effort.add(1);
                    let Some(b) = self.blockers(r, o).filter(|b| self.weight_of(b) < weight) else { continue };
                    let mut journal = Journal::new();
                    for &q in &b {
                        self.set(&mut journal, q, None);
                    }
                    // A full day may need more than one meeting gone.
                    if !self.st.fits(r, o) {
                        self.undo(journal);
                        continue;
                    }
                    self.set(&mut journal, r, Some(o));
                    self.insert_all(b, &mut journal);
                    improved = true;
                    break;
                }
            }
        }
    }

    /// Moves single meetings to where they add the fewest gaps and moves, until nothing improves.
    pub fn polish(&mut self, limit: u64) {
        loop {
            let before = self.st.objective();
            let mut placed: Vec<usize> =
                (0..self.options.len()).filter(|&r| self.st.at[r].is_some() && self.movable(r)).collect();
            self.rng.shuffle(&mut placed);
            for r in placed {
                if self.effort.exhausted(limit) {
                    return;
                }
                let keep = self.st.at[r];
                self.st.remove(r);
                let o = self.best_option(r, keep).or(keep).expect("its own place is free");
                self.st.place(r, o);
            }
            if !self.st.objective().better_than(&before) {
                return;
            }
        }
    }
}
