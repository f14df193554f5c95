//! The portfolio: two threads on two solvers loaded with the same encoding. One is core-guided
//! (OLL): it assumes no break anywhere and relaxes one unsatisfiable core at a time, so each
//! core raises the lower bound by one and its first model is optimal. The other improves
//! plans by simulated annealing on the slots, then by SAT-based large-neighbourhood search. They share the best plan and the lower bound,
//! so either can close the gap. Wall-time budgets make which plan wins (though not, once
//! proven, its number of breaks) depend on timing.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustsat::encodings::card::{BoundUpper, BoundUpperIncremental, Totalizer};
use rustsat::solvers::{Solve, SolveIncremental, SolverResult};
use rustsat::types::Lit;

use super::local;
use super::model::{Model, domains};
use super::{B2b, Options, Outcome, SolveError, breaks, breaks_per_participant};

fn backend(e: impl std::fmt::Display) -> SolveError {
    SolveError::Solver(e.to_string())
}

struct Shared {
    deadline: Instant,
    stop: Arc<AtomicBool>,
    lower: AtomicU64,
    best: Mutex<Option<(u64, Vec<u32>)>>,
    infeasible: AtomicBool,
}

impl Shared {
    fn halted(&self) -> bool {
        self.stop.load(Ordering::Relaxed) || Instant::now() >= self.deadline
    }

    fn best_cost(&self) -> Option<u64> {
        self.best.lock().unwrap_or_else(|e| e.into_inner()).as_ref().map(|b| b.0)
    }

    fn best(&self) -> Option<(u64, Vec<u32>)> {
        self.best.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn offer(&self, cost: u64, plan: Vec<u32>) {
        let mut best = self.best.lock().unwrap_or_else(|e| e.into_inner());
        // Ties go to the lexicographically smaller plan so that the answer does not depend on
        // which thread got there first.
        let better = best.as_ref().is_none_or(|(c, p)| (cost, &plan) < (*c, p));
        if better {
            *best = Some((cost, plan));
        }
        if cost <= self.lower.load(Ordering::SeqCst) {
            self.stop.store(true, Ordering::SeqCst);
        }
    }

    fn raise_lower(&self, lb: u64) {
        self.lower.fetch_max(lb, Ordering::SeqCst);
        if self.best_cost().is_some_and(|c| c <= lb) {
            self.stop.store(true, Ordering::SeqCst);
        }
    }

    fn declare_infeasible(&self) {
        self.infeasible.store(true, Ordering::SeqCst);
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// How long the annealing may go without a better plan before SAT search takes over: its last
/// gains come within a few seconds, and the neighbourhood search makes better use of the rest.
const STALL: Duration = Duration::from_secs(10);

/// How long one neighbourhood may be searched. The steps that close the last breaks on the
/// hardest instances free most meetings and take 2–3 s (`benches/b2b.md`): at 300 ms such
/// neighbourhoods always ran out of time and the search stopped one or two breaks short.
const NEIGHBOURHOOD: Duration = Duration::from_secs(5);

/// What one fairness level gave.
struct Level {
    best: Option<(u64, Vec<u32>)>,
    /// Nothing better than `best` (or nothing at all) exists at this level.
    settled: bool,
}

pub(super) fn solve(instance: &B2b, options: &Options) -> Result<Outcome, SolveError> {
    let start = Instant::now();
    let deadline = start + options.time_limit;
    let faults = super::fixed_faults(instance);
    if !faults.is_empty() {
        return Err(SolveError::Fixed(faults));
    }
    let domains = domains(instance).map_err(|m| SolveError::NoSlot(m + 1))?;
    let faults = super::order_faults(instance, &domains);
    if !faults.is_empty() {
        return Err(SolveError::Order(faults));
    }
    let mut count = vec![0_u32; instance.n_business as usize];
    for r in &instance.requested {
        count[r.a as usize - 1] += 1;
        count[r.b as usize - 1] += 1;
    }
    let mut best: Option<(u64, Vec<u32>)> = None;
    let mut settled = true;
    match options.fairness {
        None => {
            let level = portfolio(instance, &domains, None, options.seed, deadline)?;
            best = level.best;
            settled = level.settled;
        }
        Some(d) => {
            // Fairness is "every participant's breaks lie in lo..=lo+d" for some lo. Someone with
            // fewer than two meetings never has a break, which pins lo at 0; otherwise each
            // higher lo is tried until lo breaks for everybody cannot beat the best plan.
            let max_lo = if count.iter().any(|&c| c < 2) { 0 } else { instance.n_total_slots / 2 };
            for lo in 0..=max_lo {
                if best.as_ref().is_some_and(|(c, _)| u64::from(lo) * u64::from(instance.n_business) >= *c) {
                    break;
                }
                let level = portfolio(instance, &domains, Some((lo, lo + d)), options.seed, deadline)?;
                settled &= level.settled;
                if let Some((c, plan)) = level.best
                    && best.as_ref().is_none_or(|(b, _)| c < *b)
                {
                    best = Some((c, plan));
                }
            }
        }
    }
    match best {
        Some((breaks, slots)) => Ok(Outcome { slots, breaks, proven_optimal: settled, elapsed: start.elapsed() }),
        None if settled => Err(SolveError::Infeasible),
        None => Err(SolveError::TimeLimit(options.time_limit)),
    }
}

fn portfolio(
    instance: &B2b,
    domains: &[Vec<u32>],
    bounds: Option<(u32, u32)>,
    seed: u64,
    deadline: Instant,
) -> Result<Level, SolveError> {
    let shared = Shared {
        deadline,
        stop: Arc::new(AtomicBool::new(false)),
        lower: AtomicU64::new(0),
        best: Mutex::new(None),
        infeasible: AtomicBool::new(false),
    };
    let (a, b) = std::thread::scope(|scope| {
        let improving = scope.spawn(|| improve(instance, domains, bounds, seed, &shared));
        let core = core_guided(instance, domains, bounds, seed.wrapping_add(1), &shared);
        shared.stop.store(true, Ordering::SeqCst);
        let improving = improving.join().unwrap_or_else(|_| Err(backend("the improving search panicked")));
        (core, improving)
    });
    let best = shared.best.into_inner().unwrap_or_else(|e| e.into_inner());
    if best.is_none() {
        a?;
        b?;
    }
    let infeasible = shared.infeasible.load(Ordering::SeqCst);
    let lower = shared.lower.load(Ordering::SeqCst);
    Ok(Level { settled: infeasible || best.as_ref().is_some_and(|(c, _)| *c <= lower), best })
}

/// Simulated annealing ([`local::anneal`]) while it keeps finding better plans; then, or when
/// the instance is out of its reach, large-neighbourhood search from the best plan (or from
/// the first SAT plan): keep most meetings where the best plan has them,
/// free the rest (the meetings of a few participants, or of a few consecutive slots) and ask
/// for fewer breaks than the best, under a budget per call. Neighbourhoods grow after a
/// refutation and shrink after a timeout; one that frees everything and is refuted proves the
/// best plan optimal.
fn improve(
    instance: &B2b,
    domains: &[Vec<u32>],
    bounds: Option<(u32, u32)>,
    seed: u64,
    shared: &Shared,
) -> Result<(), SolveError> {
    let annealed = local::anneal(
        instance,
        domains,
        bounds.unwrap_or((0, u32::MAX)),
        seed,
        STALL,
        || shared.halted(),
        |cost, plan| {
            shared.offer(cost, plan);
            shared.lower.load(Ordering::SeqCst)
        },
    );
    if annealed.is_some() && shared.halted() {
        return Ok(());
    }
    let mut model = Model::build(instance, domains, bounds, seed, shared.stop.clone(), shared.deadline)?;
    if shared.best().is_none() {
        match model.solver.solve().map_err(backend)? {
            SolverResult::Sat => {
                let plan = model.plan()?;
                shared.offer(breaks(instance, &plan), plan);
            }
            SolverResult::Unsat => {
                shared.declare_infeasible();
                return Ok(());
            }
            SolverResult::Interrupted => return Ok(()),
        }
    }
    let np = instance.n_business as usize;
    let t = instance.n_total_slots;
    let mut total = Totalizer::from(model.brk.clone());
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut size = (np / 8).max(2) as f64;
    loop {
        let Some((cost, plan)) = shared.best() else {
            return Ok(());
        };
        if cost == 0 || shared.halted() {
            return Ok(());
        }
        let target = usize::try_from(cost - 1).unwrap_or(usize::MAX);
        total.encode_ub_change(target..=target, &mut model.solver, &mut model.vars).map_err(backend)?;
        let mut assumptions = total.enforce_ub(target).map_err(backend)?;
        let per = breaks_per_participant(instance, &plan);
        let whole = size as usize >= np;
        let free: Vec<bool> = if whole {
            vec![true; instance.requested.len()]
        } else if rng.bool() {
            // Half the participants freed are ones with breaks, the rest at random.
            let mut broken: Vec<usize> = (0..np).filter(|&p| per[p] > 0).collect();
            rng.shuffle(&mut broken);
            let mut chosen = vec![false; np];
            for &p in broken.iter().take(size as usize / 2) {
                chosen[p] = true;
            }
            for _ in 0..size as usize / 2 {
                chosen[rng.usize(..np)] = true;
            }
            instance.requested.iter().map(|r| chosen[r.a as usize - 1] || chosen[r.b as usize - 1]).collect()
        } else {
            let width = ((size as usize * t as usize) / np).clamp(1, t as usize) as u32;
            let first = rng.u32(1..=t + 1 - width);
            plan.iter().map(|&s| (first..first + width).contains(&s)).collect()
        };
        assumptions.extend(model.pin(&plan, |m| !free[m]));
        model.limit_calls(if whole { None } else { Some(NEIGHBOURHOOD) });
        match model.solver.solve_assumps(&assumptions).map_err(backend)? {
            SolverResult::Sat => {
                let plan = model.plan()?;
                shared.offer(breaks(instance, &plan), plan);
            }
            SolverResult::Unsat if whole => {
                shared.raise_lower(cost);
                return Ok(());
            }
            SolverResult::Unsat => size = (size * 1.1 + 0.5).min(np as f64),
            SolverResult::Interrupted => size = (size * 0.85).max(2.0),
        }
    }
}

/// OLL: assume every soft literal; on a core, pay one break and replace the core's assumptions
/// by "at most one of these is violated" (a totalizer output), loosening further as that output
/// itself shows up in cores.
fn core_guided(
    instance: &B2b,
    domains: &[Vec<u32>],
    bounds: Option<(u32, u32)>,
    seed: u64,
    shared: &Shared,
) -> Result<(), SolveError> {
    let mut model = Model::build(instance, domains, bounds, seed, shared.stop.clone(), shared.deadline)?;
    let mut assumptions: Vec<Lit> = model.brk.iter().map(|&b| !b).collect();
    // Assumption literal → (totalizer, the bound it enforces).
    let mut relaxed: HashMap<Lit, (usize, usize)> = HashMap::new();
    let mut totals: Vec<Totalizer> = Vec::new();
    let mut lower = 0_u64;
    loop {
        if shared.halted() {
            return Ok(());
        }
        match model.solver.solve_assumps(&assumptions).map_err(backend)? {
            SolverResult::Sat => {
                let plan = model.plan()?;
                let cost = breaks(instance, &plan);
                shared.offer(cost, plan);
                shared.raise_lower(lower);
                return Ok(());
            }
            SolverResult::Interrupted => return Ok(()),
            SolverResult::Unsat => {}
        }
        let mut core: Vec<Lit> = model.solver.core().map_err(backend)?.iter().map(|&l| !l).collect();
        if core.is_empty() {
            shared.declare_infeasible();
            return Ok(());
        }
        // Smaller cores give tighter relaxations: re-solve under the core alone a few times.
        for _ in 0..3 {
            if core.len() <= 2 || model.solver.solve_assumps(&core).map_err(backend)? != SolverResult::Unsat {
                break;
            }
            let smaller: Vec<Lit> = model.solver.core().map_err(backend)?.iter().map(|&l| !l).collect();
            if smaller.len() >= core.len() {
                break;
            }
            core = smaller;
        }
        lower += 1;
        shared.raise_lower(lower);
        assumptions.retain(|a| !core.contains(a));
        for a in &core {
            let Some((t, bound)) = relaxed.remove(a) else {
                continue;
            };
            let next = bound + 1;
            totals[t].encode_ub_change(next..=next, &mut model.solver, &mut model.vars).map_err(backend)?;
            if let Some(&lit) = totals[t].enforce_ub(next).map_err(backend)?.first() {
                relaxed.insert(lit, (t, next));
                assumptions.push(lit);
            }
        }
        if core.len() > 1 {
            let mut total = Totalizer::from(core.iter().map(|&a| !a).collect::<Vec<_>>());
            total.encode_ub_change(1..=1, &mut model.solver, &mut model.vars).map_err(backend)?;
            if let Some(&lit) = total.enforce_ub(1).map_err(backend)?.first() {
                relaxed.insert(lit, (totals.len(), 1));
                assumptions.push(lit);
            }
            totals.push(total);
        }
    }
}
