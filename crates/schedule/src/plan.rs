//! The plan: what the solver proposes, and why it left requests out.

use serde::{Deserialize, Serialize};

/// A placed request.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    pub request: String,
    pub start: i64,
    pub end: i64,
    pub room: String,
}

/// The objective, compared in order: more weight, then fewer gaps, then fewer moves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    /// Total weight of placed requests.
    pub weight: u64,
    /// Idle gaps in principals' days: two consecutive bilaterals of one person on one day with
    /// more idle time between them than the move from one to the other needs (buffer and travel),
    /// by at least one grid step.
    pub gaps: u64,
    /// Meetings of the previous plan that moved (another start or room) or were dropped.
    pub moves: u64,
}

impl Objective {
    /// True when `self` is strictly better than `other`.
    pub fn better_than(&self, other: &Objective) -> bool {
        self.key() > other.key()
    }

    fn key(&self) -> (u64, std::cmp::Reverse<u64>, std::cmp::Reverse<u64>) {
        (self.weight, std::cmp::Reverse(self.gaps), std::cmp::Reverse(self.moves))
    }
}

/// Why a request could not be placed. Each reason names its blocker: removing that blocker makes
/// the request placeable. When no single blocker suffices, the reasons of an [`Unplaced`] name
/// them all, and removing all of them together makes the request placeable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// The person has no free time of the request's length in any acceptable window (their
    /// programme, arrival or departure fill it).
    PersonUnavailable { person: String },
    /// Each person has free time, but never at the same time as the others.
    NoCommonTime { persons: Vec<String> },
    /// No room seats `size` people (among the rooms the request allows).
    NoRoomLargeEnough { size: u32 },
    /// Rooms seat them, but none is free when the persons are.
    NoRoomFree,
    /// The person already has the most bilaterals allowed on the days the request could take.
    MaxPerDay { person: String },
    /// It must come after requests that were not placed, or that end too late.
    Precedence { requests: Vec<String> },
    /// It could be placed alone, but every place it could take is held by these placed meetings:
    /// confirmed ones, or ones of weight at least its own.
    LostTo { requests: Vec<String> },
    /// No acceptable window, cut to the days of the event, is as long as the request.
    WindowTooShort,
}

/// A request the plan leaves out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unplaced {
    pub request: String,
    pub reasons: Vec<Reason>,
}

/// The solver's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub meetings: Vec<Meeting>,
    #[serde(default)]
    pub unplaced: Vec<Unplaced>,
    #[serde(default)]
    pub objective: Objective,
    /// True when the placed weight is proven to be the best possible.
    #[serde(default)]
    pub proven_optimal: bool,
    /// An upper bound on the placed weight of any plan; equal to `objective.weight` when
    /// `proven_optimal`.
    #[serde(default)]
    pub bound: u64,
    /// Effort spent (search steps). It may pass a small budget (the greedy construction always
    /// completes); the same instance, seed and budget reproduce the run.
    #[serde(default)]
    pub effort: u64,
}
