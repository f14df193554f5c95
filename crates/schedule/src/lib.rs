//! The bilateral scheduler: which requested meetings take place, when and in which room.
//!
//! Pure and deterministic: an [`Instance`] (persons, rooms, requests, minutes) goes in, a [`Plan`]
//! comes out; the same instance, seed and effort budget give the same plan. Wall time is only a
//! cap. [`check`] is an independent feasibility checker that shares no code with the solver's
//! search. [`b2b`] solves the public B2B meeting-scheduling benchmark.
//!
//! The JSON formats are documented, with a worked example, in this crate's README.

pub mod b2b;
mod check;
mod explain;
pub mod generate;
mod instance;
mod plan;
mod solve;

pub use check::{Report, Violation, check};
pub use instance::{Busy, Day, Fixed, Instance, InstanceError, Person, Placement, Request, Room, Span, Travel};
pub use plan::{Meeting, Objective, Plan, Reason, Unplaced};
pub use solve::{Options, solve};
