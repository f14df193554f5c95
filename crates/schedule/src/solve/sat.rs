//! An exact SAT model of small instances, which proves the best placed weight where the branch
//! and bound's bounds are too weak: one literal per (request, start, class of interchangeable
//! rooms), at most one per request, at most one meeting per person and grid tick (each meeting
//! stretched by the least travel and buffer, with a clause for each pair that needs more), at most
//! as many meetings per room class and tick as the class has rooms, meetings per person and day as
//! cardinalities, precedence as clauses, and the placed weight bounded from below by a generalised
//! totalizer that tightens after every plan found.

use std::collections::BTreeMap;
use std::time::Instant;

use rustsat::encodings::card::{BoundUpper as _, Totalizer};
use rustsat::encodings::pb::{BoundUpper as _, GeneralizedTotalizer};
use rustsat::instances::{BasicVarManager, ManageVars};
use rustsat::solvers::{Solve, SolveIncremental, SolverResult};
use rustsat::types::{Clause, Lit, TernaryVal};

use super::model::Opt;
use super::search::Effort;
use super::state::State;

/// Effort charged per conflict of the SAT solver: about the time of that many options tried.
const CONFLICT_EFFORT: u64 = 500;

/// Stops the SAT solver deterministically after a number of conflicts, or at the wall-time cap.
#[derive(Default)]
struct Halt {
    conflicts: u64,
    limit: u64,
    deadline: Option<Instant>,
}

impl batsat::Callbacks for Halt {
    fn on_new_clause(&mut self, _: &[batsat::Lit], kind: batsat::clause::Kind) {
        if matches!(kind, batsat::clause::Kind::Learnt) {
            self.conflicts += 1;
        }
    }

    fn stop(&self) -> bool {
        self.conflicts >= self.limit || self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

type Solver = rustsat_batsat::Solver<Halt>;

/// A literal: the request starts at `start` in some room of a class.
struct Choice {
    req: usize,
    start: i64,
    end: i64,
    class: usize,
    day: usize,
    venue: usize,
    lit: Lit,
}

struct Sat {
    solver: Solver,
    vars: BasicVarManager,
}

impl Sat {
    fn clause(&mut self, lits: &[Lit]) -> Option<()> {
        self.solver.add_clause(lits.iter().copied().collect::<Clause>()).ok()
    }

    /// At most one of `lits`, by a ladder of auxiliary literals (linear in size).
    fn at_most_one(&mut self, lits: &[Lit]) -> Option<()> {
        if lits.len() <= 4 {
            for (i, &a) in lits.iter().enumerate() {
                for &b in &lits[i + 1..] {
                    self.clause(&[!a, !b])?;
                }
            }
            return Some(());
        }
        let mut prev: Option<Lit> = None;
        for (i, &l) in lits.iter().enumerate() {
            if let Some(p) = prev {
                self.clause(&[!p, !l])?;
            }
            if i + 1 < lits.len() {
                let s = self.vars.new_lit();
                self.clause(&[!l, s])?;
                if let Some(p) = prev {
                    self.clause(&[!p, s])?;
                }
                prev = Some(s);
            }
        }
        Some(())
    }

    fn at_most(&mut self, lits: Vec<Lit>, k: usize) -> Option<()> {
        match k {
            _ if lits.len() <= k => Some(()),
            0 => lits.iter().try_for_each(|&l| self.clause(&[!l])),
            1 => self.at_most_one(&lits),
            _ => {
                let mut tot = Totalizer::from(lits);
                tot.encode_ub(k..=k, &mut self.solver, &mut self.vars).ok()?;
                tot.enforce_ub(k).ok()?.into_iter().try_for_each(|l| self.clause(&[l]))
            }
        }
    }

    /// `y ⇔ any of lits`.
    fn any(&mut self, lits: &[Lit]) -> Option<Lit> {
        if let [l] = lits {
            return Some(*l);
        }
        let y = self.vars.new_lit();
        for &l in lits {
            self.clause(&[!l, y])?;
        }
        let mut all = lits.to_vec();
        all.push(!y);
        self.clause(&all)?;
        Some(y)
    }
}

/// Rooms grouped into classes whose rooms offer every open request the same starts and share a
/// venue: a class of `k` rooms holds any set of meetings of which at most `k` overlap at once
/// (interval graphs are perfect), so the model chooses a class and the rooms are dealt out after.
fn room_classes(options: &[Vec<Opt>], open: &[usize], st: &State) -> Vec<usize> {
    let m = st.m;
    let n = m.rooms.len();
    let mut starts: Vec<Vec<Vec<i64>>> = vec![Vec::new(); n];
    for &r in open {
        let mut per_room: Vec<Vec<i64>> = vec![Vec::new(); n];
        for o in &options[r] {
            per_room[o.room].push(o.start);
        }
        for (room, s) in per_room.into_iter().enumerate() {
            starts[room].push(s);
        }
    }
    let mut class: Vec<usize> = (0..n).collect();
    for b in 0..n {
        if let Some(a) = (0..b).find(|&a| m.room_venue[a] == m.room_venue[b] && starts[a] == starts[b]) {
            class[b] = class[a];
        }
    }
    class
}

/// What the exact search found.
pub(crate) struct Outcome {
    /// The best plan found, when it places more weight than the incumbent.
    pub better: Option<Vec<Option<Opt>>>,
    /// Whether no plan places more weight than the best one (the incumbent or `better`).
    pub proven: bool,
}

/// Searches for a plan of more weight than `incumbent` (at most `bound`), extending `st` (the
/// fixed meetings) with the requests in `open`, until the effort reaches `limit`. A plan found
/// raises the target; proving the target unreachable proves the best plan found optimal.
pub(crate) fn maximise(
    st: &State,
    options: &[Vec<Opt>],
    open: &[usize],
    incumbent: u64,
    bound: u64,
    effort: &mut Effort,
    limit: u64,
) -> Outcome {
    build(st, options, open, effort)
        .and_then(|e| improve(e, st, incumbent, bound, effort, limit))
        .unwrap_or(Outcome { better: None, proven: false })
}

/// The loaded solver and what reads its models back.
struct Encoded {
    sat: Sat,
    choices: Vec<Choice>,
    /// Each open request and whether it is placed.
    sel: Vec<(usize, Lit)>,
    /// The class of each room.
    class: Vec<usize>,
}

fn build(st: &State, options: &[Vec<Opt>], open: &[usize], effort: &mut Effort) -> Option<Encoded> {
    let m = st.m;
    let grid = m.inst.grid;
    let class = room_classes(options, open, st);
    let mut sat = Sat { solver: Solver::default(), vars: BasicVarManager::default() };
    let halt = Halt { conflicts: 0, limit: 0, deadline: effort.deadline() };
    *sat.solver.batsat_mut() = batsat::Solver::new(batsat::SolverOpts::default(), halt);

    let mut choices: Vec<Choice> = Vec::new();
    let mut sel: Vec<(usize, Lit)> = Vec::new();
    for &r in open {
        let first = choices.len();
        for o in options[r].iter().filter(|o| class[o.room] == o.room) {
            let lit = sat.vars.new_lit();
            let (start, end) = (o.start, o.start + m.reqs[r].duration);
            choices.push(Choice { req: r, start, end, class: o.room, day: o.day, venue: m.room_venue[o.room], lit });
        }
        let lits: Vec<Lit> = choices[first..].iter().map(|c| c.lit).collect();
        sat.at_most_one(&lits)?;
        sel.push((r, sat.any(&lits)?));
    }
    effort.add(choices.len() as u64);

    // Rooms: at most as many meetings per tick as the class has rooms.
    let mut per_tick: BTreeMap<(usize, i64), Vec<Lit>> = BTreeMap::new();
    for c in &choices {
        for t in (c.start..c.end).step_by(grid as usize) {
            per_tick.entry((c.class, t)).or_default().push(c.lit);
        }
    }
    let size = |k: usize| class.iter().filter(|&&c| c == k).count();
    for ((k, _), lits) in per_tick {
        sat.at_most(lits, size(k))?;
    }

    // Persons: meetings stretched by the least need are disjoint; pairs at venues needing more
    // get a clause each.
    let least = m.travel.iter().flatten().copied().min().unwrap_or(0) + m.inst.buffer;
    let mut by_req: Vec<Vec<usize>> = vec![Vec::new(); m.reqs.len()];
    for (i, c) in choices.iter().enumerate() {
        by_req[c.req].push(i);
    }
    let mut per_tick: BTreeMap<(usize, i64), Vec<Lit>> = BTreeMap::new();
    for c in &choices {
        for &p in &m.reqs[c.req].persons {
            let mut t = c.start;
            while t < c.end + least {
                per_tick.entry((p, t)).or_default().push(c.lit);
                t += grid;
            }
        }
    }
    for (_, lits) in per_tick {
        sat.at_most_one(&lits)?;
    }
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for p in 0..m.persons.len() {
        let mine: Vec<usize> = m.person_reqs[p].iter().copied().filter(|&r| !by_req[r].is_empty()).collect();
        for (i, &a) in mine.iter().enumerate() {
            pairs.extend(mine[i + 1..].iter().map(|&b| (a.min(b), a.max(b))));
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    let venues_differ = choices.iter().any(|c| c.venue != choices[0].venue);
    if venues_differ {
        for &(a, b) in &pairs {
            for &i in &by_req[a] {
                for &j in &by_req[b] {
                    let (x, y) = (&choices[i], &choices[j]);
                    let apart =
                        x.end + m.need(x.venue, y.venue) <= y.start || y.end + m.need(y.venue, x.venue) <= x.start;
                    let stretched = x.end + least <= y.start || y.end + least <= x.start;
                    if !apart && stretched {
                        sat.clause(&[!x.lit, !y.lit])?;
                    }
                }
            }
            effort.add((by_req[a].len() * by_req[b].len()) as u64);
        }
    }

    // Meetings per person and day.
    for p in 0..m.persons.len() {
        for d in 0..m.inst.days.len() {
            let mut on_day = Vec::new();
            for &r in &m.person_reqs[p] {
                let here: Vec<Lit> =
                    by_req[r].iter().map(|&i| &choices[i]).filter(|c| c.day == d).map(|c| c.lit).collect();
                if !here.is_empty() {
                    on_day.push(sat.any(&here)?);
                }
            }
            let room = m.max_per_day[p].saturating_sub(st.count(p, d)) as usize;
            sat.at_most(on_day, room)?;
        }
    }

    // Precedence: a request starts after the ones it follows have ended.
    for &r in open {
        for &a in &m.reqs[r].after {
            for &i in &by_req[r] {
                for &j in &by_req[a] {
                    if choices[j].end > choices[i].start {
                        sat.clause(&[!choices[i].lit, !choices[j].lit])?;
                    }
                }
            }
        }
    }
    Some(Encoded { sat, choices, sel, class })
}

fn improve(mut e: Encoded, st: &State, incumbent: u64, bound: u64, effort: &mut Effort, limit: u64) -> Option<Outcome> {
    let m = st.m;
    let sel = std::mem::take(&mut e.sel);
    let base = st.objective().weight;
    let total: u64 = sel.iter().map(|&(r, _)| m.reqs[r].weight).sum();
    // The weight left out, at most `total - (target - base)` for a plan of weight `target`.
    let mut dropped: GeneralizedTotalizer = sel.iter().map(|&(r, l)| (!l, m.reqs[r].weight as usize)).collect();
    let most = |target: u64| (total + base).checked_sub(target).map(|x| x as usize);
    let lowest = most(bound.min(total + base))?;
    let highest = most(incumbent + 1)?;
    dropped.encode_ub(lowest..=highest, &mut e.sat.solver, &mut e.sat.vars).ok()?;
    let mut better: Option<Vec<Option<Opt>>> = None;
    let mut target = incumbent + 1;
    while target <= bound {
        let spent = effort.spent;
        let conflicts = limit.saturating_sub(spent) / CONFLICT_EFFORT;
        if conflicts == 0 {
            return Some(Outcome { better, proven: false });
        }
        let before = e.sat.solver.batsat_ref().cb().conflicts;
        e.sat.solver.batsat_mut().cb_mut().limit = before + conflicts;
        let assumptions = dropped.enforce_ub(most(target)?).ok()?;
        let result = e.sat.solver.solve_assumps(&assumptions).ok()?;
        let used = e.sat.solver.batsat_ref().cb().conflicts - before;
        effort.add(used.max(1) * CONFLICT_EFFORT);
        match result {
            SolverResult::Sat => {
                let at = decode(&e, st)?;
                let weight: u64 =
                    at.iter().enumerate().filter(|(_, o)| o.is_some()).map(|(r, _)| m.reqs[r].weight).sum();
                target = weight + 1;
                better = Some(at);
            }
            SolverResult::Unsat => return Some(Outcome { better, proven: true }),
            SolverResult::Interrupted => return Some(Outcome { better, proven: false }),
        }
    }
    Some(Outcome { better, proven: true })
}

/// The plan of the solver's model: each chosen class's meetings go, by start, to its first room
/// free then, which never fails when at most as many overlap as there are rooms.
fn decode(e: &Encoded, st: &State) -> Option<Vec<Option<Opt>>> {
    let m = st.m;
    let mut chosen: Vec<&Choice> = Vec::new();
    for c in &e.choices {
        if e.sat.solver.lit_val(c.lit).ok()? == TernaryVal::True {
            chosen.push(c);
        }
    }
    chosen.sort_by_key(|c| (c.start, c.req));
    let mut plan = st.clone();
    for c in chosen {
        let room = (0..m.rooms.len())
            .filter(|&room| e.class[room] == c.class)
            .find(|&room| plan.fits(c.req, Opt { start: c.start, room, day: c.day }))?;
        plan.place(c.req, Opt { start: c.start, room, day: c.day });
    }
    Some(plan.at)
}
