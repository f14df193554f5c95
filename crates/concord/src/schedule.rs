//! `concord schedule`: the bilateral scheduler on files, and the public B2B benchmark.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};

/// A JSON file; a mistake is named by where it is (`requests[2].weight: invalid value…`).
fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    // Editors on Windows may start a file with a byte order mark, which JSON does not allow.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(text)).map_err(|e| {
        let at = e.path().to_string();
        let at = if at == "." { String::new() } else { format!("{at}: ") };
        anyhow::anyhow!("{} is not a valid file of this kind: {at}{}", path.display(), e.inner())
    })
}

/// Solves an instance file and returns the plan as pretty JSON.
pub fn solve(input: &Path, budget: Option<u64>, time_limit: Option<f64>, seed: Option<u64>) -> Result<String> {
    let instance: schedule::Instance = read_json(input)?;
    let defaults = schedule::Options::default();
    let options = schedule::Options {
        budget: budget.unwrap_or(defaults.budget),
        time_limit: time_limit.map(Duration::from_secs_f64).or(defaults.time_limit),
        seed: seed.unwrap_or(defaults.seed),
    };
    let plan = schedule::solve(&instance, &options).with_context(|| format!("{}", input.display()))?;
    Ok(serde_json::to_string_pretty(&plan)?)
}

/// Checks a plan against an instance: every violated constraint and the objective, as JSON, and
/// whether the plan is feasible.
pub fn check(input: &Path, plan: &Path) -> Result<(String, bool)> {
    let instance: schedule::Instance = read_json(input)?;
    instance.validate().with_context(|| format!("{}", input.display()))?;
    let plan: schedule::Plan = read_json(plan)?;
    let report = schedule::check(&instance, &plan);
    Ok((serde_json::to_string_pretty(&report)?, report.violations.is_empty()))
}

/// Solves a B2B benchmark file; returns the summary line (total breaks, proof, time) and writes
/// the plan (1-based slots in the order of `requested`) where asked.
pub fn b2b(file: &Path, fairness: Option<u32>, plan_out: Option<&Path>, time_limit: f64, seed: u64) -> Result<String> {
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let instance = schedule::b2b::parse(&text).with_context(|| format!("{}", file.display()))?;
    let options = schedule::b2b::Options { fairness, time_limit: Duration::from_secs_f64(time_limit), seed };
    let outcome = schedule::b2b::solve(&instance, &options).with_context(|| format!("{}", file.display()))?;
    if let Some(path) = plan_out {
        std::fs::write(path, serde_json::to_string(&outcome.slots)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(format!(
        "{}: total breaks {}{}, {:.2} s",
        file.display(),
        outcome.breaks,
        if outcome.proven_optimal { " (optimal)" } else { "" },
        outcome.elapsed.as_secs_f64()
    ))
}
