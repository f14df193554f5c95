//! The public B2B meeting-scheduling benchmark (Bofill et al., JAIR 74, 2022): MiniZinc data in,
//! one slot per meeting out, fewest breaks.
//!
//! A break of a participant is a gap of one or more idle slots between two of their consecutive
//! meetings, over slots `1..=nTotalSlots` read as one sequence. [`solve`] minimises the total
//! number of breaks under the hard constraints (sessions, tables, one meeting at a time per
//! participant, forbidden and fixed slots, precedences) and, optionally, fairness: the breaks of
//! any two participants differ by at most `d`.
//!
//! The solver is a SAT encoding handed to BatSat (a pure-Rust MiniSat) and searched from both
//! ends at once: a core-guided (OLL) thread raises the lower bound, a thread of simulated
//! annealing followed by SAT large-neighbourhood search lowers the upper bound; when they meet,
//! the optimum is proven. [`violations`] checks a plan without sharing any code with the
//! solver's search; the solver reads the same rules only to name fixed meetings that contradict
//! each other before it starts.

mod dzn;
mod local;
mod model;
mod search;

use std::collections::HashMap;
use std::time::Duration;

use dzn::Value;

/// The session a meeting is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Session {
    /// Slots `1..=nMorningSlots` (`1` in the files).
    Morning,
    /// Slots `nMorningSlots + 1..=nTotalSlots` (`2` in the files).
    Afternoon,
    /// Any slot (`3` in the files).
    Either,
}

/// One requested meeting: participants `a` and `b` (1-based) and its session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    /// First participant, 1-based.
    pub a: u32,
    /// Second participant, 1-based.
    pub b: u32,
    /// Where in the day the meeting may go.
    pub session: Session,
}

/// The most slots an instance may have (the benchmark's have 10 to 22).
pub const MAX_SLOTS: u32 = 200;

/// A benchmark instance, field for field as in the `.dzn` files.
///
/// `meetingsxBusiness` and `nMeetingsBusiness` are not kept: both follow from `requested`
/// (the parser checks `nMeetingsBusiness` against it; the distributed `meetingsxBusiness` sets
/// carry a placeholder element and shifted numbers, so they are read and dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct B2b {
    /// `nBusiness`: participants, numbered from 1.
    pub n_business: u32,
    /// `nMeetings`: equals `requested.len()`.
    pub n_meetings: u32,
    /// `nTables`: meetings that can share one slot.
    pub n_tables: u32,
    /// `nTotalSlots`: slots, numbered from 1.
    pub n_total_slots: u32,
    /// `nMorningSlots`: the first this many slots are the morning session.
    pub n_morning_slots: u32,
    /// `requested`: the meetings, in file order; plans list slots in this order.
    pub requested: Vec<Request>,
    /// `forbidden`: per participant, the slots they cannot meet in (the files' `0` placeholders
    /// dropped). One empty set per participant when the field is absent.
    pub forbidden: Vec<Vec<u32>>,
    /// `fixed`: per meeting, the slot it must take, `0` for free. All `0` when absent.
    pub fixed: Vec<u32>,
    /// `precedences`: per meeting, the 1-based meetings that must take an earlier slot.
    /// All empty when absent.
    pub precedences: Vec<Vec<u32>>,
}

/// Why a `.dzn` text is not a valid instance.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// The text is not MiniZinc data of the shape the benchmark uses.
    #[error("line {line}: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// What was expected.
        message: String,
    },
    /// A required field is absent.
    #[error("missing field `{field}`")]
    Missing {
        /// The field's name in the file.
        field: &'static str,
    },
    /// A field appears twice.
    #[error("line {line}: field `{field}` given twice")]
    Duplicate {
        /// The field's name in the file.
        field: String,
        /// 1-based line of the second occurrence.
        line: usize,
    },
    /// A field this format does not have.
    #[error("line {line}: unknown field `{field}`")]
    Unknown {
        /// The field's name in the file.
        field: String,
        /// 1-based line.
        line: usize,
    },
    /// A field has the wrong shape or a value out of range.
    #[error("line {line}: field `{field}`: {message}")]
    Invalid {
        /// The field's name in the file.
        field: &'static str,
        /// 1-based line where the field starts.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

const FIELDS: [&str; 11] = [
    "nBusiness",
    "nMeetings",
    "nTables",
    "nTotalSlots",
    "nMorningSlots",
    "requested",
    "meetingsxBusiness",
    "nMeetingsBusiness",
    "forbidden",
    "fixed",
    "precedences",
];

struct Fields {
    by_name: HashMap<&'static str, (usize, Value)>,
}

impl Fields {
    fn invalid(&self, field: &'static str, message: impl Into<String>) -> ParseError {
        ParseError::Invalid { field, line: self.by_name.get(field).map_or(0, |(l, _)| *l), message: message.into() }
    }

    fn count(&self, field: &'static str) -> Result<u32, ParseError> {
        match self.by_name.get(field) {
            None => Err(ParseError::Missing { field }),
            Some((_, Value::Int(n))) => {
                u32::try_from(*n).map_err(|_| self.invalid(field, format!("{n} is negative or too large")))
            }
            Some(_) => Err(self.invalid(field, "expected an integer")),
        }
    }

    /// A one-dimensional array of `len` elements, each read by `elem`; `None` when absent.
    fn array<T>(
        &self,
        field: &'static str,
        len: u32,
        elem: impl Fn(usize, &Value) -> Result<T, String>,
    ) -> Result<Option<Vec<T>>, ParseError> {
        let Some((_, value)) = self.by_name.get(field) else {
            return Ok(None);
        };
        let Value::Array(items) = value else {
            return Err(self.invalid(field, "expected an array `[...]`"));
        };
        if items.len() != len as usize {
            return Err(self.invalid(field, format!("{} elements, expected {len}", items.len())));
        }
        items
            .iter()
            .enumerate()
            .map(|(i, v)| elem(i, v).map_err(|m| self.invalid(field, format!("element {}: {m}", i + 1))))
            .collect::<Result<Vec<T>, _>>()
            .map(Some)
    }
}

fn in_range(v: i64, lo: i64, hi: i64) -> Result<u32, String> {
    if (lo..=hi).contains(&v) { Ok(v as u32) } else { Err(format!("{v} is outside {lo}..={hi}")) }
}

/// Reads a `.dzn` benchmark file.
///
/// # Errors
///
/// [`ParseError`] naming the line and field at fault: a syntax error, a missing, repeated or
/// unknown field, or a value of the wrong shape or out of range.
pub fn parse(text: &str) -> Result<B2b, ParseError> {
    let mut by_name = HashMap::new();
    for item in dzn::items(text)? {
        let Some(&field) = FIELDS.iter().find(|f| **f == item.name) else {
            return Err(ParseError::Unknown { field: item.name, line: item.line });
        };
        if by_name.insert(field, (item.line, item.value)).is_some() {
            return Err(ParseError::Duplicate { field: item.name, line: item.line });
        }
    }
    let f = Fields { by_name };
    let n_business = f.count("nBusiness")?;
    let n_meetings = f.count("nMeetings")?;
    let n_tables = f.count("nTables")?;
    let n_total_slots = f.count("nTotalSlots")?;
    let n_morning_slots = f.count("nMorningSlots")?;
    // The model has a variable per meeting and slot: a day of slots is what the benchmark holds.
    if n_total_slots > MAX_SLOTS {
        return Err(f.invalid("nTotalSlots", format!("{n_total_slots} slots; at most {MAX_SLOTS} are taken")));
    }
    if n_morning_slots > n_total_slots {
        return Err(f.invalid("nMorningSlots", format!("{n_morning_slots} exceeds nTotalSlots = {n_total_slots}")));
    }
    let requested = match f.by_name.get("requested") {
        None => return Err(ParseError::Missing { field: "requested" }),
        Some((_, Value::Matrix(rows))) => {
            if rows.len() != n_meetings as usize {
                return Err(f.invalid("requested", format!("{} rows, expected nMeetings = {n_meetings}", rows.len())));
            }
            rows.iter()
                .enumerate()
                .map(|(i, row)| {
                    let bad = |m: String| f.invalid("requested", format!("row {}: {m}", i + 1));
                    let [a, b, s] = row.as_slice() else {
                        return Err(bad(format!("{} values, expected 3 (a, b, session)", row.len())));
                    };
                    let a = in_range(*a, 1, n_business.into()).map_err(&bad)?;
                    let b = in_range(*b, 1, n_business.into()).map_err(&bad)?;
                    if a == b {
                        return Err(bad(format!("participant {a} meets themself")));
                    }
                    let session = match s {
                        1 => Session::Morning,
                        2 => Session::Afternoon,
                        3 => Session::Either,
                        other => return Err(bad(format!("session {other}, expected 1, 2 or 3"))),
                    };
                    Ok(Request { a, b, session })
                })
                .collect::<Result<Vec<_>, _>>()?
        }
        Some(_) => return Err(f.invalid("requested", "expected a two-dimensional array `[| ... |]`")),
    };
    let slot_set = |_: usize, v: &Value| match v {
        Value::Set(items) => {
            let mut out = items
                .iter()
                .map(|&s| in_range(s, 0, n_total_slots.into()))
                .filter(|s| s.as_ref().map_or(true, |s| *s != 0))
                .collect::<Result<Vec<_>, _>>()?;
            out.sort_unstable();
            out.dedup();
            Ok(out)
        }
        _ => Err("expected a set `{...}`".to_string()),
    };
    let forbidden =
        f.array("forbidden", n_business, slot_set)?.unwrap_or_else(|| vec![Vec::new(); n_business as usize]);
    let fixed = f
        .array("fixed", n_meetings, |_, v| match v {
            Value::Int(s) => in_range(*s, 0, n_total_slots.into()),
            _ => Err("expected an integer".into()),
        })?
        .unwrap_or_else(|| vec![0; n_meetings as usize]);
    let precedences = f
        .array("precedences", n_meetings, |i, v| match v {
            Value::Set(items) => items
                .iter()
                .map(|&m| {
                    let m = in_range(m, 1, n_meetings.into())?;
                    if m as usize == i + 1 { Err(format!("meeting {m} cannot precede itself")) } else { Ok(m) }
                })
                .collect(),
            _ => Err("expected a set `{...}`".into()),
        })?
        .unwrap_or_else(|| vec![Vec::new(); n_meetings as usize]);
    let mut per_business = vec![0_i64; n_business as usize];
    for r in &requested {
        per_business[r.a as usize - 1] += 1;
        per_business[r.b as usize - 1] += 1;
    }
    f.array("nMeetingsBusiness", n_business, |i, v| match v {
        Value::Int(n) if *n == per_business[i] => Ok(()),
        Value::Int(n) => Err(format!("{n}, but `requested` gives participant {} {} meetings", i + 1, per_business[i])),
        _ => Err("expected an integer".into()),
    })?;
    f.array("meetingsxBusiness", n_business, |_, v| match v {
        Value::Set(_) => Ok(()),
        _ => Err("expected a set `{...}`".into()),
    })?;
    Ok(B2b {
        n_business,
        n_meetings,
        n_tables,
        n_total_slots,
        n_morning_slots,
        requested,
        forbidden,
        fixed,
        precedences,
    })
}

/// How to solve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Fairness `d`: the breaks of any two participants differ by at most this; `None` for no
    /// fairness constraint.
    pub fairness: Option<u32>,
    /// Wall-time cap; the best plan found by then is returned.
    pub time_limit: Duration,
    /// Seeds the local search that finds the first plans.
    pub seed: u64,
}

/// A solved instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// 1-based slot per meeting, in the order of [`B2b::requested`].
    pub slots: Vec<u32>,
    /// Total breaks of the plan.
    pub breaks: u64,
    /// Whether no plan has fewer breaks (under the same fairness).
    pub proven_optimal: bool,
    /// Wall time spent.
    pub elapsed: Duration,
}

/// Why [`solve`] returned no plan.
#[derive(Debug, thiserror::Error)]
pub enum SolveError {
    /// No plan satisfies the constraints.
    #[error("the instance has no feasible schedule")]
    Infeasible,
    /// The fixed meetings break the rules among themselves, each as told.
    #[error("the fixed meetings cannot all hold: {}", .0.join("; "))]
    Fixed(Vec<String>),
    /// The precedences cannot hold, each reason as told: a circle of meetings, or a meeting left
    /// no slot after those it must follow.
    #[error("the order asked cannot hold: {}", .0.join("; "))]
    Order(Vec<String>),
    /// A meeting (1-based) has no slot left by its session and its participants' forbidden slots.
    #[error("meeting {0} has no slot it may take: its session and its participants' forbidden slots leave none")]
    NoSlot(usize),
    /// The time limit passed before any plan was found.
    #[error("no schedule found within the time limit of {0:?}")]
    TimeLimit(Duration),
    /// The SAT backend failed (out of memory).
    #[error("SAT solver failure: {0}")]
    Solver(String),
}

/// Finds a plan with the fewest total breaks, proving optimality when time allows.
///
/// # Errors
///
/// [`SolveError::Fixed`] when the fixed meetings break the rules among themselves,
/// [`SolveError::NoSlot`] when a meeting has no slot it may take, [`SolveError::Infeasible`] when
/// no plan exists otherwise, [`SolveError::TimeLimit`] when none was found in time,
/// [`SolveError::Solver`] when the SAT backend fails.
pub fn solve(instance: &B2b, options: &Options) -> Result<Outcome, SolveError> {
    search::solve(instance, options)
}

/// Busy slots per participant (0-based participant, sorted, deduplicated), ignoring slot values
/// outside the plan's range.
fn busy_slots(instance: &B2b, slots: &[u32]) -> Vec<Vec<u32>> {
    let mut busy = vec![Vec::new(); instance.n_business as usize];
    for (r, &s) in instance.requested.iter().zip(slots) {
        for p in [r.a, r.b] {
            if let Some(list) = busy.get_mut(p as usize - 1) {
                list.push(s);
            }
        }
    }
    for list in &mut busy {
        list.sort_unstable();
        list.dedup();
    }
    busy
}

fn breaks_per_participant(instance: &B2b, slots: &[u32]) -> Vec<u64> {
    busy_slots(instance, slots).iter().map(|list| list.windows(2).filter(|w| w[1] > w[0] + 1).count() as u64).collect()
}

/// Total breaks of a plan (1-based slot per meeting, in the order of `requested`): over all
/// participants, the idle gaps between two consecutive meetings.
#[must_use]
pub fn breaks(instance: &B2b, slots: &[u32]) -> u64 {
    breaks_per_participant(instance, slots).iter().sum()
}

/// Every constraint a plan violates, in words; empty for a valid plan. `fairness` is the `d` of
/// [`Options::fairness`].
#[must_use]
pub fn violations(instance: &B2b, slots: &[u32], fairness: Option<u32>) -> Vec<String> {
    if slots.len() != instance.requested.len() {
        return vec![format!("the plan has {} slots for {} meetings", slots.len(), instance.requested.len())];
    }
    let placed: Vec<Option<u32>> = slots.iter().copied().map(Some).collect();
    let mut out = broken(instance, &placed);
    if let Some(d) = fairness {
        let per = breaks_per_participant(instance, slots);
        if let (Some(lo), Some(hi)) = (per.iter().min(), per.iter().max())
            && hi - lo > u64::from(d)
        {
            let who = |v: u64| per.iter().position(|&b| b == v).map_or(0, |p| p + 1);
            out.push(format!(
                "unfair: participant {} has {hi} breaks, participant {} has {lo} (allowed difference {d})",
                who(*hi),
                who(*lo)
            ));
        }
    }
    out
}

/// The hard rules that the meetings `slots` places (`None`: not placed) break, in words.
fn broken(instance: &B2b, slots: &[Option<u32>]) -> Vec<String> {
    let mut out = Vec::new();
    let t = instance.n_total_slots;
    let morning = instance.n_morning_slots;
    for (i, (r, &s)) in instance.requested.iter().zip(slots).enumerate() {
        let Some(s) = s else { continue };
        let m = i + 1;
        if s < 1 || s > t {
            out.push(format!("meeting {m} is in slot {s}, outside 1..={t}"));
            continue;
        }
        match r.session {
            Session::Morning if s > morning => {
                out.push(format!("meeting {m} is morning-only but in slot {s} (morning is 1..={morning})"));
            }
            Session::Afternoon if s <= morning => {
                out.push(format!("meeting {m} is afternoon-only but in slot {s} (morning is 1..={morning})"));
            }
            _ => {}
        }
        for p in [r.a, r.b] {
            if instance.forbidden.get(p as usize - 1).is_some_and(|f| f.contains(&s)) {
                out.push(format!("meeting {m} is in slot {s}, forbidden for participant {p}"));
            }
        }
        let fixed = instance.fixed.get(i).copied().unwrap_or(0);
        if fixed != 0 && fixed != s {
            out.push(format!("meeting {m} is fixed to slot {fixed} but in slot {s}"));
        }
        for &before in instance.precedences.get(i).into_iter().flatten() {
            let Some(sb) = slots[before as usize - 1] else { continue };
            if sb >= s {
                out.push(format!("meeting {before} (slot {sb}) must come before meeting {m} (slot {s})"));
            }
        }
    }
    let mut per_slot = vec![0_u32; t as usize + 1];
    let mut seen: HashMap<(u32, u32), usize> = HashMap::new();
    for (i, (r, &s)) in instance.requested.iter().zip(slots).enumerate() {
        let Some(s) = s.filter(|s| (1..=t).contains(s)) else { continue };
        per_slot[s as usize] += 1;
        for p in [r.a, r.b] {
            if let Some(other) = seen.insert((p, s), i + 1) {
                out.push(format!("participant {p} has meetings {other} and {} both in slot {s}", i + 1));
            }
        }
    }
    for (s, &n) in per_slot.iter().enumerate().skip(1) {
        if n > instance.n_tables {
            out.push(format!("slot {s} holds {n} meetings but there are {} tables", instance.n_tables));
        }
    }
    out
}

/// What the fixed meetings break among themselves (their sessions, forbidden slots, tables, one
/// meeting at a time and precedences between them), before any search.
fn fixed_faults(instance: &B2b) -> Vec<String> {
    let fixed: Vec<Option<u32>> =
        (0..instance.requested.len()).map(|i| instance.fixed.get(i).copied().filter(|&f| f != 0)).collect();
    broken(instance, &fixed)
}

/// Why the precedences cannot hold, given each meeting's slots (`domains`, 0-based): a circle of
/// meetings each to come before the next, or a meeting whose slots all come too early for the
/// meetings it must follow (however early they go). Empty when neither is so.
fn order_faults(instance: &B2b, domains: &[Vec<u32>]) -> Vec<String> {
    let n = instance.requested.len();
    let before = |m: usize| instance.precedences.get(m).into_iter().flatten().map(|&j| j as usize - 1);
    // Depth-first, colouring meetings in progress: one met again in progress closes a circle.
    let (mut state, mut stack) = (vec![0_u8; n], Vec::new());
    fn visit(
        m: usize,
        state: &mut [u8],
        stack: &mut Vec<usize>,
        before: &dyn Fn(usize) -> Vec<usize>,
    ) -> Option<Vec<usize>> {
        state[m] = 1;
        stack.push(m);
        for j in before(m) {
            if state[j] == 1 {
                let from = stack.iter().position(|&k| k == j).unwrap_or(0);
                return Some(stack[from..].to_vec());
            }
            if state[j] == 0
                && let Some(circle) = visit(j, state, stack, before)
            {
                return Some(circle);
            }
        }
        stack.pop();
        state[m] = 2;
        None
    }
    let before_list = |m: usize| before(m).collect::<Vec<_>>();
    for m in 0..n {
        if state[m] == 0
            && let Some(circle) = visit(m, &mut state, &mut stack, &before_list)
        {
            // Each before the next: predecessors first, from the lowest number round.
            let mut circle: Vec<usize> = circle.into_iter().rev().collect();
            let lowest = circle.iter().enumerate().min_by_key(|&(_, k)| *k).map_or(0, |(i, _)| i);
            circle.rotate_left(lowest);
            let names: Vec<String> = circle.iter().map(|k| (k + 1).to_string()).collect();
            return vec![format!("meetings {} must each come before the next, in a circle", names.join(", "))];
        }
    }
    // No circle: the earliest slot each meeting can take, those it follows first.
    let mut earliest: Vec<Option<u32>> = vec![None; n];
    let mut faults = Vec::new();
    fn settle(
        m: usize,
        domains: &[Vec<u32>],
        before: &dyn Fn(usize) -> Vec<usize>,
        earliest: &mut [Option<u32>],
    ) -> Option<u32> {
        if let Some(e) = earliest[m] {
            return Some(e);
        }
        let mut after = 0;
        for j in before(m) {
            after = after.max(settle(j, domains, before, earliest)? + 1);
        }
        let e = domains[m].iter().copied().find(|&s| s >= after)?;
        earliest[m] = Some(e);
        Some(e)
    }
    for m in 0..n {
        if settle(m, domains, &before_list, &mut earliest).is_none()
            && before_list(m).iter().all(|&j| earliest[j].is_some())
        {
            let firsts: Vec<String> = before_list(m).iter().map(|j| (j + 1).to_string()).collect();
            faults.push(format!(
                "meeting {} has no slot left after the meetings it must follow ({})",
                m + 1,
                firsts.join(", ")
            ));
        }
    }
    faults
}

#[cfg(test)]
mod tests;
