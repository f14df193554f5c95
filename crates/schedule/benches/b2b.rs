//! The 20 original B2B instances with fairness d = 2, each under a time limit, against the
//! published optima. Every plan is checked with `violations`.
//!
//! `B2B_DIR` overrides the instance folder (default `../shared/benchmarks/b2b/instances` from
//! the workspace root), `B2B_SECONDS` the per-instance limit (default 60), `B2B_ONLY` keeps
//! instances whose name contains one of its comma-separated parts, `B2B_SEED` sets the solver's seed
//! (default 1).

use std::path::PathBuf;
use std::time::Duration;

use schedule::b2b::{self, Options};

/// (instance, published optimum) from the benchmark README.
const ORIGINALS: [(&str, u64); 20] = [
    ("forum-13", 0),
    ("forum-13crafb", 6),
    ("forum-13crafc", 1),
    ("forum-14", 2),
    ("forumt-14", 5),
    ("forumt-14crafc", 5),
    ("forumt-14crafd", 4),
    ("forumt-14crafe", 5),
    ("tic-12", 0),
    ("tic-12crafc", 0),
    ("tic-13", 0),
    ("tic-13crafb", 0),
    ("tic-13crafc", 4),
    ("tic-14crafa", 0),
    ("tic-14crafc", 0),
    ("tic-14crafd", 0),
    ("ticf-13crafa", 0),
    ("ticf-13crafb", 3),
    ("ticf-13crafc", 1),
    ("ticf-14crafa", 0),
];

fn main() {
    let dir = std::env::var_os("B2B_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/benchmarks/b2b/instances"),
        PathBuf::from,
    );
    let seconds: f64 = std::env::var("B2B_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(60.0);
    let only = std::env::var("B2B_ONLY").unwrap_or_default();
    let only: Vec<&str> = only.split(',').collect();
    let seed: u64 = std::env::var("B2B_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    let options = Options { fairness: Some(2), time_limit: Duration::from_secs_f64(seconds), seed };
    println!("| instance | breaks | published optimum | proven | seconds | check |");
    println!("| --- | --- | --- | --- | --- | --- |");
    let (mut hit, mut proven, mut ran, mut total) = (0, 0, 0, 0.0);
    for (name, optimum) in ORIGINALS.iter().filter(|(n, _)| only.iter().any(|o| n.contains(o))) {
        let path = dir.join(format!("{name}.original.dzn"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let instance = b2b::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        ran += 1;
        match b2b::solve(&instance, &options) {
            Ok(out) => {
                let problems = b2b::violations(&instance, &out.slots, options.fairness);
                let recount = b2b::breaks(&instance, &out.slots);
                let check = if problems.is_empty() && recount == out.breaks {
                    "ok".to_string()
                } else {
                    format!("FAIL: {} (recount {recount})", problems.join("; "))
                };
                hit += u32::from(out.breaks == *optimum && problems.is_empty());
                proven += u32::from(out.proven_optimal);
                total += out.elapsed.as_secs_f64();
                println!(
                    "| {name} | {} | {optimum} | {} | {:.1} | {check} |",
                    out.breaks,
                    if out.proven_optimal { "yes" } else { "no" },
                    out.elapsed.as_secs_f64()
                );
            }
            Err(e) => println!("| {name} | — | {optimum} | no | — | {e} |"),
        }
    }
    println!();
    println!("{hit}/{ran} at the published optimum, {proven}/{ran} proven optimal, {total:.1} s in all");
}
