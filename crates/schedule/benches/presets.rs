//! Solves the generated presets for ten seeds each, then re-plans solved UN weeks; prints
//! Markdown tables for `benches/schedule.md`. A planted week's placed weight is also compared
//! with its optimum, known by construction (`schedule::generate::planted`).
//!
//! `CARGO_TARGET_DIR=/work/bench-target cargo bench -p schedule --bench presets`
//! (`SEEDS=3` runs fewer seeds; `REPLAN_BUDGET=N` re-plans with another effort budget.) Each
//! re-plan is compared with two solves of the changed instance at the UN budget: one starting from
//! the previous plan, one from scratch (the previous plan removed, confirmed meetings still fixed).
//!
//! Two modes serve the comparison with the reference solver (`benches/reference/`), so that both
//! solvers are judged by the same checker:
//! - `SCHEDULE_DUMP=DIR`: writes each preset's instance and our plan for the seeds as
//!   `DIR/{preset}-{seed}.instance.json` and `DIR/{preset}-{seed}.plan.json`, prints one JSON line
//!   per run (weight, bound, time), and skips the tables.
//! - `SCHEDULE_CHECK=PLAN.json SCHEDULE_INSTANCE=INSTANCE.json`: prints the checker's report of
//!   that plan as JSON and fails when the plan breaks a constraint.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use schedule::generate::{Preset, generate, planted, replan};
use schedule::{Instance, Options, Plan, check, solve};

/// Effort budgets that take about five seconds for the UN week on the reference machine; the
/// ministerial budget is enough to prove optimality.
const BUDGETS: [(Preset, &str, u64); 4] = [
    (Preset::Ministerial, "ministerial", 12_000_000),
    (Preset::Regional, "regional", 80_000_000),
    (Preset::Un, "un", UN_BUDGET),
    (Preset::Planted, "planted", UN_BUDGET),
];
const UN_BUDGET: u64 = 65_000_000;
/// Re-planning must answer while the protocol officer waits; `REPLAN_BUDGET` overrides it, to
/// measure how the re-plan's weight grows with its effort.
const REPLAN_BUDGET: u64 = 3_000_000;

fn run(inst: &Instance, budget: u64, seed: u64) -> (Plan, Duration) {
    let options = Options { budget, time_limit: Some(Duration::from_secs(30)), seed };
    let started = Instant::now();
    let plan = solve(inst, &options).expect("generated instances are valid");
    let elapsed = started.elapsed();
    let report = check(inst, &plan);
    assert!(report.is_feasible(), "{:?}", report.violations);
    assert_eq!(report.objective, plan.objective);
    (plan, elapsed)
}

fn read_json<T: serde::de::DeserializeOwned>(path: &str) -> T {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn write_json(path: &Path, value: &impl serde::Serialize) {
    let text = serde_json::to_string_pretty(value).expect("instances and plans serialise");
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn dump(dir: &Path, seeds: u64) {
    std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for (preset, name, budget) in BUDGETS {
        for seed in 1..=seeds {
            let inst = generate(preset, seed);
            let (plan, time) = run(&inst, budget, seed);
            write_json(&dir.join(format!("{name}-{seed}.instance.json")), &inst);
            write_json(&dir.join(format!("{name}-{seed}.plan.json")), &plan);
            let line = serde_json::json!({
                "preset": name,
                "seed": seed,
                "weight": plan.objective.weight,
                "bound": plan.bound,
                "proven": plan.proven_optimal,
                "time": time.as_secs_f64(),
            });
            println!("{line}");
        }
    }
}

fn check_file(plan: &str, instance: &str) -> ExitCode {
    let inst: Instance = read_json(instance);
    let plan: Plan = read_json(plan);
    let report = check(&inst, &plan);
    println!("{}", serde_json::to_string(&report).expect("reports serialise"));
    if report.is_feasible() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// The weight of a planted week's planted meetings, its optimum: a request's weight is its
/// length in grid steps.
fn planted_optimum(seed: u64) -> u64 {
    let (week, meetings) = planted(seed);
    meetings.iter().map(|m| ((m.end - m.start) / week.grid) as u64).sum()
}

fn main() -> ExitCode {
    let seeds: u64 = std::env::var("SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(10);
    if let Ok(plan) = std::env::var("SCHEDULE_CHECK") {
        let instance = std::env::var("SCHEDULE_INSTANCE").expect("SCHEDULE_CHECK needs SCHEDULE_INSTANCE");
        return check_file(&plan, &instance);
    }
    if let Ok(dir) = std::env::var("SCHEDULE_DUMP") {
        dump(Path::new(&dir), seeds);
        return ExitCode::SUCCESS;
    }
    println!(
        "| preset | seed | requests | placed | weight | bound | of bound | known optimum | of optimum | gaps | proven | effort | time (s) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    let mut of_optimum = Vec::new();
    for (preset, name, budget) in BUDGETS {
        for seed in 1..=seeds {
            let inst = generate(preset, seed);
            let (plan, time) = run(&inst, budget, seed);
            let (optimum, ratio) = match preset {
                Preset::Planted => {
                    let optimum = planted_optimum(seed);
                    let ratio = plan.objective.weight as f64 / optimum as f64;
                    of_optimum.push(ratio);
                    (optimum.to_string(), format!("{ratio:.4}"))
                }
                _ => ("—".to_string(), "—".to_string()),
            };
            println!(
                "| {name} | {seed} | {} | {} | {} | {} | {:.1}% | {optimum} | {ratio} | {} | {} | {} | {:.2} |",
                inst.requests.len(),
                plan.meetings.len(),
                plan.objective.weight,
                plan.bound,
                100.0 * plan.objective.weight as f64 / plan.bound.max(1) as f64,
                plan.objective.gaps,
                plan.proven_optimal,
                plan.effort,
                time.as_secs_f64(),
            );
        }
    }
    if !of_optimum.is_empty() {
        let geometric = (of_optimum.iter().map(|r| r.ln()).sum::<f64>() / of_optimum.len() as f64).exp();
        let minimum = of_optimum.iter().copied().fold(f64::INFINITY, f64::min);
        println!();
        println!("Planted weeks, placed weight ÷ known optimum: geometric mean {geometric:.4}, minimum {minimum:.4}");
    }
    println!();
    println!(
        "| seed | requests | fixed | previous | re-plan time (s) | weight | moves | fresh weight | fresh moves | fresh time (s) | from scratch: weight | from scratch: time (s) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    let replan_budget = std::env::var("REPLAN_BUDGET").ok().and_then(|b| b.parse().ok()).unwrap_or(REPLAN_BUDGET);
    for seed in 1..=seeds {
        let week = generate(Preset::Un, seed);
        let (plan, _) = run(&week, UN_BUDGET, seed);
        let next = replan(&week, &plan, seed);
        let (again, time) = run(&next, replan_budget, seed);
        let (fresh, fresh_time) = run(&next, UN_BUDGET, seed);
        let (scratch, scratch_time) = run(&Instance { previous: Vec::new(), ..next.clone() }, UN_BUDGET, seed);
        println!(
            "| {seed} | {} | {} | {} | {:.3} | {} | {} | {} | {} | {:.2} | {} | {:.2} |",
            next.requests.len(),
            next.requests.iter().filter(|r| r.fixed.is_some()).count(),
            next.previous.len(),
            time.as_secs_f64(),
            again.objective.weight,
            again.objective.moves,
            fresh.objective.weight,
            fresh.objective.moves,
            fresh_time.as_secs_f64(),
            scratch.objective.weight,
            scratch_time.as_secs_f64(),
        );
    }
    ExitCode::SUCCESS
}
