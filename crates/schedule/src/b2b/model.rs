//! The SAT encoding: one Boolean per (meeting, allowed slot), a busy flag per (participant,
//! slot), and one `brk` literal per (participant, slot) that is true exactly when a block of
//! meetings starts there after an idle gap, so a plan's breaks are the number of true `brk`.

use rustsat::encodings::card::{BoundLower, BoundLowerIncremental, BoundUpper, BoundUpperIncremental, Totalizer};
use rustsat::instances::{BasicVarManager, ManageVars};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rustsat::solvers::Solve;
use rustsat::types::{Clause, Lit, TernaryVal};

use super::{B2b, Session, SolveError};

fn backend(e: impl std::fmt::Display) -> SolveError {
    SolveError::Solver(e.to_string())
}

/// The slots (0-based) each meeting may take before any search: its session, its
/// participants' forbidden slots and its fixed slot; the first meeting (0-based) with none left
/// as the error.
pub(super) fn domains(instance: &B2b) -> Result<Vec<Vec<u32>>, usize> {
    let t = instance.n_total_slots;
    let morning = instance.n_morning_slots;
    let mut out = Vec::with_capacity(instance.requested.len());
    for (i, r) in instance.requested.iter().enumerate() {
        let range = match r.session {
            Session::Morning => 0..morning,
            Session::Afternoon => morning..t,
            Session::Either => 0..t,
        };
        let fixed = instance.fixed.get(i).copied().unwrap_or(0);
        let forbidden = |p: u32, s: u32| instance.forbidden.get(p as usize - 1).is_some_and(|f| f.contains(&(s + 1)));
        let d: Vec<u32> = range
            .filter(|&s| fixed == 0 || fixed == s + 1)
            .filter(|&s| !forbidden(r.a, s) && !forbidden(r.b, s))
            .collect();
        if d.is_empty() {
            return Err(i);
        }
        out.push(d);
    }
    Ok(out)
}

/// Lets the search stop a running solver: polled by BatSat between conflicts. Besides the
/// global stop flag and deadline, one call can get its own budget (nanoseconds after `base`).
#[derive(Default)]
pub(super) struct Halt {
    stop: Option<Arc<AtomicBool>>,
    deadline: Option<Instant>,
    base: Option<Instant>,
    call_until: Arc<AtomicU64>,
}

impl batsat::Callbacks for Halt {
    fn stop(&self) -> bool {
        if self.stop.as_ref().is_some_and(|s| s.load(Ordering::Relaxed)) {
            return true;
        }
        let now = Instant::now();
        let until = self.call_until.load(Ordering::Relaxed);
        self.deadline.is_some_and(|d| now >= d)
            || (until != 0 && self.base.is_some_and(|b| now.duration_since(b).as_nanos() >= u128::from(until)))
    }
}

pub(super) type Solver = rustsat_batsat::Solver<Halt>;

/// A loaded solver and the literals the search needs.
pub(super) struct Model {
    pub solver: Solver,
    call_until: Arc<AtomicU64>,
    pub vars: BasicVarManager,
    /// Per meeting: (0-based slot, literal) for each allowed slot.
    x: Vec<Vec<(u32, Lit)>>,
    /// Every break literal; the objective is how many are true.
    pub brk: Vec<Lit>,
}

impl Model {
    /// Encodes `instance` with each participant's breaks within `bounds` (inclusive), if given.
    /// The solver gives up once `stop` is set or `deadline` passes.
    pub fn build(
        instance: &B2b,
        domains: &[Vec<u32>],
        bounds: Option<(u32, u32)>,
        seed: u64,
        stop: Arc<AtomicBool>,
        deadline: Instant,
    ) -> Result<Self, SolveError> {
        let mut solver = Solver::default();
        let opts = batsat::SolverOpts {
            // MiniSat's generator wants a positive seed below 2^31.
            random_seed: (seed % 0x7fff_fffe + 1) as f64,
            ..batsat::SolverOpts::default()
        };
        let call_until = Arc::new(AtomicU64::new(0));
        let halt = Halt {
            stop: Some(stop),
            deadline: Some(deadline),
            base: Some(Instant::now()),
            call_until: call_until.clone(),
        };
        *solver.batsat_mut() = batsat::Solver::new(opts, halt);
        let mut m = Model { solver, call_until, vars: BasicVarManager::default(), x: Vec::new(), brk: Vec::new() };
        m.encode(instance, domains, bounds)?;
        Ok(m)
    }

    fn clause(&mut self, lits: &[Lit]) -> Result<(), SolveError> {
        self.solver.add_clause(lits.iter().copied().collect::<Clause>()).map_err(backend)
    }

    fn at_most_one(&mut self, lits: &[Lit]) -> Result<(), SolveError> {
        for (i, &a) in lits.iter().enumerate() {
            for &b in &lits[i + 1..] {
                self.clause(&[!a, !b])?;
            }
        }
        Ok(())
    }

    /// Literal `o` with `o ⇔ (lits true) ≥ j`, for `j` in the range [`Self::totalizer`] encoded.
    fn at_least(tot: &Totalizer, j: usize) -> Result<Lit, SolveError> {
        tot.enforce_lb(j)
            .ok()
            .and_then(|v| v.first().copied())
            .ok_or_else(|| backend(format!("totalizer output {j} not encoded")))
    }

    /// A totalizer over `lits` whose outputs "at least `j`" for `j` in `lo..=hi` (`lo ≥ 1`) hold
    /// both ways.
    fn totalizer(&mut self, lits: Vec<Lit>, lo: usize, hi: usize) -> Result<Totalizer, SolveError> {
        let mut tot = Totalizer::from(lits);
        tot.encode_ub_change(lo - 1..hi, &mut self.solver, &mut self.vars).map_err(backend)?;
        tot.encode_lb_change(lo..=hi, &mut self.solver, &mut self.vars).map_err(backend)?;
        Ok(tot)
    }

    fn encode(&mut self, inst: &B2b, domains: &[Vec<u32>], bounds: Option<(u32, u32)>) -> Result<(), SolveError> {
        let t = inst.n_total_slots as usize;
        let np = inst.n_business as usize;
        self.x = domains.iter().map(|d| d.iter().map(|&s| (s, self.vars.new_lit())).collect()).collect();
        let mut meetings_of = vec![Vec::new(); np];
        for (m, r) in inst.requested.iter().enumerate() {
            meetings_of[r.a as usize - 1].push(m);
            meetings_of[r.b as usize - 1].push(m);
        }
        for m in 0..self.x.len() {
            let lits: Vec<Lit> = self.x[m].iter().map(|&(_, l)| l).collect();
            self.clause(&lits)?;
            self.at_most_one(&lits)?;
        }
        for (m, before) in inst.precedences.iter().enumerate() {
            for &j in before {
                let (xm, xj) = (self.x[m].clone(), self.x[j as usize - 1].clone());
                for &(s, a) in &xm {
                    for &(u, b) in &xj {
                        if u >= s {
                            self.clause(&[!a, !b])?;
                        }
                    }
                }
            }
        }
        // Per slot: the meetings there, and the participants who could be busy there.
        let mut in_slot: Vec<Vec<Lit>> = vec![Vec::new(); t];
        let mut busy_in_slot: Vec<Vec<Lit>> = vec![Vec::new(); t];
        for row in &self.x {
            for &(s, l) in row {
                in_slot[s as usize].push(l);
            }
        }
        for mine in &meetings_of {
            if mine.is_empty() {
                continue;
            }
            let mut busy = Vec::with_capacity(t);
            for (s, slot_busy) in busy_in_slot.iter_mut().enumerate() {
                let here: Vec<Lit> = mine
                    .iter()
                    .filter_map(|&m| self.x[m].iter().find(|&&(u, _)| u as usize == s).map(|&(_, l)| l))
                    .collect();
                let b = self.vars.new_lit();
                if here.is_empty() {
                    self.clause(&[!b])?;
                } else {
                    for &l in &here {
                        self.clause(&[!l, b])?;
                    }
                    let mut any = here.clone();
                    any.push(!b);
                    self.clause(&any)?;
                    self.at_most_one(&here)?;
                    slot_busy.push(b);
                }
                busy.push(b);
            }
            // Implied: a participant is busy in exactly as many slots as they have meetings.
            let k = mine.len();
            if k > t {
                return self.clause(&[]);
            }
            let tot = self.totalizer(busy.clone(), k, k + 1)?;
            self.clause(&[Self::at_least(&tot, k)?])?;
            if k < t {
                self.clause(&[!Self::at_least(&tot, k + 1)?])?;
            }
            if k >= 2 {
                self.encode_breaks(&busy, bounds)?;
            } else if bounds.is_some_and(|(lo, _)| lo > 0) {
                // Fewer than two meetings means no break, below any positive lower bound.
                self.clause(&[])?;
            }
        }
        // Per slot: at most nTables meetings, and (implied) twice as many busy participants as
        // meetings.
        let cap = inst.n_tables as usize;
        for (meet, busy) in in_slot.into_iter().zip(busy_in_slot) {
            let (nm, nb) = (meet.len(), busy.len());
            if nm == 0 {
                continue;
            }
            let tm = self.totalizer(meet, 1, (cap + 1).min(nm))?;
            let tb = self.totalizer(busy, 1, (2 * cap + 1).min(nb))?;
            if cap < nm {
                self.clause(&[!Self::at_least(&tm, cap + 1)?])?;
            }
            for j in 1..=cap.min(nm) {
                let mj = Self::at_least(&tm, j)?;
                if 2 * j > nb {
                    self.clause(&[!mj])?;
                } else {
                    self.clause(&[!mj, Self::at_least(&tb, 2 * j)?])?;
                }
                if 2 * j - 1 <= nb {
                    self.clause(&[!Self::at_least(&tb, 2 * j - 1)?, mj])?;
                }
            }
        }
        Ok(())
    }

    /// `brk[s] ⇔ busy[s] ∧ ¬busy[s-1] ∧ seen[s-2]` where `seen[s]` is "busy somewhere in 0..=s":
    /// exact both ways so that lower fairness bounds mean what they say.
    fn encode_breaks(&mut self, busy: &[Lit], bounds: Option<(u32, u32)>) -> Result<(), SolveError> {
        let t = busy.len();
        let mut seen = vec![busy[0]];
        for s in 1..t {
            let v = self.vars.new_lit();
            self.clause(&[!seen[s - 1], v])?;
            self.clause(&[!busy[s], v])?;
            self.clause(&[!v, seen[s - 1], busy[s]])?;
            seen.push(v);
        }
        let mut mine = Vec::new();
        for s in 2..t {
            let b = self.vars.new_lit();
            self.clause(&[!b, busy[s]])?;
            self.clause(&[!b, !busy[s - 1]])?;
            self.clause(&[!b, seen[s - 2]])?;
            self.clause(&[b, !busy[s], busy[s - 1], !seen[s - 2]])?;
            mine.push(b);
        }
        if let Some((lo, hi)) = bounds {
            let (lo, hi) = (lo as usize, hi as usize);
            if lo > mine.len() {
                return self.clause(&[]);
            }
            let mut tot = Totalizer::from(mine.clone());
            if hi < mine.len() {
                tot.encode_ub_change(hi..=hi, &mut self.solver, &mut self.vars).map_err(backend)?;
                for l in tot.enforce_ub(hi).map_err(backend)? {
                    self.clause(&[l])?;
                }
            }
            if lo > 0 {
                tot.encode_lb_change(lo..=lo, &mut self.solver, &mut self.vars).map_err(backend)?;
                for l in tot.enforce_lb(lo).map_err(backend)? {
                    self.clause(&[l])?;
                }
            }
        }
        self.brk.extend(mine);
        Ok(())
    }

    /// Gives the next solver calls `budget` each from now (`None`: only the global limits).
    pub fn limit_calls(&self, budget: Option<Duration>) {
        let until = budget.map_or(0, |b| {
            let base = self.solver.batsat_ref().cb().base.unwrap_or_else(Instant::now);
            u64::try_from((Instant::now() + b).duration_since(base).as_nanos()).unwrap_or(u64::MAX)
        });
        self.call_until.store(until, Ordering::Relaxed);
    }

    /// Assumptions that put each meeting `keep` selects in its slot in `plan` (1-based).
    pub fn pin(&self, plan: &[u32], keep: impl Fn(usize) -> bool) -> Vec<Lit> {
        self.x
            .iter()
            .enumerate()
            .filter(|&(m, _)| keep(m))
            .filter_map(|(m, row)| row.iter().find(|&&(s, _)| s + 1 == plan[m]).map(|&(_, l)| l))
            .collect()
    }

    /// The 1-based slot per meeting of the solver's current model.
    pub fn plan(&self) -> Result<Vec<u32>, SolveError> {
        self.x
            .iter()
            .map(|row| {
                for &(s, l) in row {
                    if self.solver.lit_val(l).map_err(backend)? == TernaryVal::True {
                        return Ok(s + 1);
                    }
                }
                Err(backend("model leaves a meeting without a slot"))
            })
            .collect()
    }
}
