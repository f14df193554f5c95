//! Simulated annealing on the slot assignment itself, for the upper bound. SAT search from a
//! poor first plan improves too slowly on the larger instances; moving a meeting (swapping two
//! when the target slot is full) or exchanging a Kempe chain between two slots costs a few bit
//! operations per participant touched, so millions of tries fit in a second.
//!
//! Table capacity and sessions (with forbidden and fixed slots, through the domains) are kept
//! at all times. Double bookings and fairness are penalised instead, so that the search can
//! pass through plans that break them; only plans free of both are reported.

use std::time::{Duration, Instant};

use super::{B2b, breaks};

/// A double booking costs this many breaks: enough that the search leaves infeasible plans
/// behind as it cools, little enough that it can cross them.
const DOUBLE: i64 = 3;
/// Likewise for each break above (or below) a participant's fairness bounds.
const UNFAIR: i64 = 3;

/// Costs are in quarter breaks, so that an idle slot inside a gap can cost one: gaps then
/// shrink before they close, which plain break counts give no slope towards.
const BREAK: i64 = 4;

/// Temperatures of one cooling run (in breaks), and its length in tries (a few seconds); runs
/// repeat from the best plan. Tuned on forum-13crafb, forum-14, ticf-13crafb and ticf-14crafa.
const HOT: f64 = 1.2;
const COLD: f64 = 0.08;
const RUN: f64 = 10_000_000.0;
/// Share of tries that exchange a Kempe chain between two slots instead of one or two
/// meetings: without chains the search stalls at several times the optimum.
const KEMPE: f64 = 0.5;
/// Share of tries that move a meeting of someone with a gap into a slot next to their others.
const FOCUS: f64 = 0.3;

struct State<'a> {
    domains: &'a [Vec<u32>],
    /// Per meeting, its domain as a bit set of 0-based slots.
    allowed: Vec<u64>,
    who: Vec<[usize; 2]>,
    tables: usize,
    t: usize,
    slot: Vec<u32>,
    in_slot: Vec<Vec<u32>>,
    /// Index of each meeting in `in_slot[slot[m]]`.
    pos: Vec<u32>,
    /// Meetings per (participant, slot), row-major by participant.
    count: Vec<u32>,
    busy: Vec<u64>,
    bounds: (u32, u32),
    breaks: i64,
    idle: i64,
    unfair: i64,
    doubles: i64,
}

impl State<'_> {
    fn cost(&self) -> i64 {
        BREAK * self.breaks + self.idle + BREAK * (UNFAIR * self.unfair + DOUBLE * self.doubles)
    }

    fn feasible(&self) -> bool {
        self.unfair == 0 && self.doubles == 0
    }

    /// Breaks of a busy-slot set, its idle slots between first and last meeting, and how far
    /// its breaks lie outside the fairness bounds.
    fn score(&self, busy: u64) -> (i64, i64, i64) {
        let blocks = i64::from((busy & !(busy << 1)).count_ones());
        let b = (blocks - 1).max(0);
        let (lo, hi) = (i64::from(self.bounds.0), i64::from(self.bounds.1));
        let idle = if busy == 0 {
            0
        } else {
            i64::from(64 - busy.leading_zeros() - busy.trailing_zeros() - busy.count_ones())
        };
        (b, idle, (b - hi).max(0) + (lo - b).max(0))
    }

    /// The Kempe chain of meeting `m` between its slot and `to`: the meetings of both slots
    /// linked to it through shared participants, each with its current slot. Exchanging them
    /// creates no double booking; `false` when some meeting cannot take the other slot or a
    /// slot would exceed the tables.
    fn chain(&self, m: usize, to: u32, out: &mut Vec<(usize, u32)>) -> bool {
        let from = self.slot[m];
        out.push((m, from));
        let mut next = 0;
        while let Some(&(x, was)) = out.get(next) {
            next += 1;
            let other = if was == from { to } else { from };
            if self.allowed[x] & 1 << other == 0 {
                return false;
            }
            for &y in &self.in_slot[other as usize] {
                let y = y as usize;
                let linked = self.who[y].iter().any(|p| self.who[x].contains(p));
                if linked && !out.iter().any(|&(z, _)| z == y) {
                    out.push((y, other));
                }
            }
        }
        let gone = out.iter().filter(|&&(_, s)| s == from).count();
        let come = out.len() - gone;
        self.in_slot[to as usize].len() + gone - come <= self.tables
            && self.in_slot[from as usize].len() + come - gone <= self.tables
    }

    /// Puts meeting `m` into slot `to`, keeping every tally; returns the change in cost.
    fn shift(&mut self, m: usize, to: u32) -> i64 {
        let from = self.slot[m];
        let before = self.cost();
        for p in self.who[m] {
            let (b0, i0, u0) = self.score(self.busy[p]);
            let row = p * self.t;
            let c = &mut self.count[row + from as usize];
            *c -= 1;
            if *c > 0 {
                self.doubles -= 1;
            } else {
                self.busy[p] &= !(1 << from);
            }
            let c = &mut self.count[row + to as usize];
            if *c > 0 {
                self.doubles += 1;
            }
            *c += 1;
            self.busy[p] |= 1 << to;
            let (b1, i1, u1) = self.score(self.busy[p]);
            self.breaks += b1 - b0;
            self.idle += i1 - i0;
            self.unfair += u1 - u0;
        }
        let list = &mut self.in_slot[from as usize];
        let i = self.pos[m] as usize;
        list.swap_remove(i);
        if let Some(&moved) = list.get(i) {
            self.pos[moved as usize] = i as u32;
        }
        self.pos[m] = self.in_slot[to as usize].len() as u32;
        self.in_slot[to as usize].push(m as u32);
        self.slot[m] = to;
        self.cost() - before
    }
}

/// Anneals from a random plan that respects tables and sessions. `bounds` are each
/// participant's fairness bounds on breaks; `offer` gets every better plan free of double
/// bookings and unfairness (1-based slots) and returns the cost at which the search may stop;
/// `halted` is polled now and then; the search also ends after `stall` without a better plan.
/// `None` when the instance is out of this search's reach (no meetings, more than 64 slots,
/// or precedences, which it does not model).
pub(super) fn anneal(
    instance: &B2b,
    domains: &[Vec<u32>],
    bounds: (u32, u32),
    seed: u64,
    stall: Duration,
    halted: impl Fn() -> bool,
    mut offer: impl FnMut(u64, Vec<u32>) -> u64,
) -> Option<()> {
    let t = instance.n_total_slots as usize;
    if domains.is_empty() || t > 64 || instance.precedences.iter().any(|p| !p.is_empty()) {
        return None;
    }
    let tables = instance.n_tables as usize;
    let n = domains.len();
    let mut rng = fastrand::Rng::with_seed(seed);
    let who: Vec<[usize; 2]> = instance.requested.iter().map(|r| [r.a as usize - 1, r.b as usize - 1]).collect();
    // A first plan within tables: most constrained meetings first, each into a random slot
    // with a free table.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&m| domains[m].len());
    let mut load = vec![0_usize; t];
    let mut slot = vec![0_u32; n];
    for &m in &order {
        let open: Vec<u32> = domains[m].iter().copied().filter(|&s| load[s as usize] < tables).collect();
        let s = *open.get(rng.usize(..open.len().max(1)))?;
        load[s as usize] += 1;
        slot[m] = s;
    }
    let np = instance.n_business as usize;
    let mut st = State {
        domains,
        allowed: domains.iter().map(|d| d.iter().fold(0, |acc, &s| acc | 1 << s)).collect(),
        who,
        tables,
        t,
        slot: slot.clone(),
        in_slot: vec![Vec::new(); t],
        pos: vec![0; n],
        count: vec![0; np * t],
        busy: vec![0; np],
        bounds,
        breaks: 0,
        idle: 0,
        unfair: 0,
        doubles: 0,
    };
    for (m, &s) in slot.iter().enumerate() {
        st.pos[m] = st.in_slot[s as usize].len() as u32;
        st.in_slot[s as usize].push(m as u32);
        for p in st.who[m] {
            let c = &mut st.count[p * t + s as usize];
            if *c > 0 {
                st.doubles += 1;
            }
            *c += 1;
            st.busy[p] |= 1 << s;
        }
    }
    for p in 0..np {
        let (b, i, u) = st.score(st.busy[p]);
        st.breaks += b;
        st.idle += i;
        st.unfair += u;
    }
    let mut meetings_of = vec![Vec::new(); np];
    for (m, r) in st.who.iter().enumerate() {
        for &p in r {
            meetings_of[p].push(m);
        }
    }
    let mut best: Option<(i64, Vec<u32>)> = None;
    let mut tries = 0_u64;
    let cooling = (COLD / HOT).powf(1.0 / RUN);
    let mut temp = HOT;
    let mut moved: Vec<(usize, u32)> = Vec::new();
    let mut last = Instant::now();
    loop {
        tries += 1;
        if tries.is_multiple_of(4096) && (halted() || last.elapsed() > stall) {
            return Some(());
        }
        temp *= cooling;
        if temp < COLD {
            temp = HOT;
            // Start each run from the best plan so far, so that the runs build on each other.
            if let Some((_, plan)) = &best {
                for (m, &s) in plan.iter().enumerate() {
                    if st.slot[m] != s {
                        st.shift(m, s);
                    }
                }
            }
        }
        let (m, to) = if rng.f64() < FOCUS {
            // Someone with a break: move one of their meetings next to their other meetings.
            let Some(p) = (0..8).map(|_| rng.usize(..np)).find(|&p| st.score(st.busy[p]).1 > 0) else {
                continue;
            };
            let mine = &meetings_of[p];
            let m = mine[rng.usize(..mine.len())];
            let busy = st.busy[p];
            let near = (busy << 1 | busy >> 1) & !busy & st.allowed[m];
            if near == 0 {
                continue;
            }
            let k = rng.u32(..near.count_ones());
            let mut bits = near;
            for _ in 0..k {
                bits &= bits - 1;
            }
            (m, bits.trailing_zeros())
        } else {
            let m = rng.usize(..n);
            let dom = &st.domains[m];
            (m, dom[rng.usize(..dom.len())])
        };
        let from = st.slot[m];
        if to == from {
            continue;
        }
        moved.clear();
        if rng.f64() < KEMPE {
            if !st.chain(m, to, &mut moved) {
                continue;
            }
        } else if st.in_slot[to as usize].len() < st.tables {
            moved.push((m, from));
        } else {
            let list = &st.in_slot[to as usize];
            let o = list[rng.usize(..list.len())] as usize;
            if st.allowed[o] & 1 << from == 0 {
                continue;
            }
            moved.extend([(m, from), (o, to)]);
        }
        let mut delta = 0;
        for &(x, was) in &moved {
            delta += st.shift(x, if was == from { to } else { from });
        }
        if delta > 0 && rng.f64() >= (-(delta as f64) / (BREAK as f64 * temp)).exp() {
            for &(x, was) in moved.iter().rev() {
                st.shift(x, was);
            }
            continue;
        }
        if st.feasible() && best.as_ref().is_none_or(|(b, _)| st.breaks < *b) {
            best = Some((st.breaks, st.slot.clone()));
            last = Instant::now();
            let plan: Vec<u32> = st.slot.iter().map(|&s| s + 1).collect();
            let cost = u64::try_from(st.breaks).unwrap_or(0);
            debug_assert_eq!(cost, breaks(instance, &plan));
            if cost <= offer(cost, plan) {
                return Some(());
            }
        }
    }
}
