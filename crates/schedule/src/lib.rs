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
pub use instance::{
    Busy, Day, Fixed, FixedFault, Instance, InstanceError, Person, Placement, Request, Room, Span, Travel,
};
pub use plan::{Meeting, Objective, Plan, Reason, Unplaced};
pub use solve::{Options, solve};

/// The worked example in the README is what the solver gives for it, so that it cannot go stale.
#[cfg(test)]
mod readme {
    #[test]
    fn the_worked_example_is_the_solvers_own_output() {
        let text = include_str!("../README.md");
        let example = &text[text.find("## Worked example").expect("the README has a worked example")..];
        let mut blocks = example.split("```json").skip(1).map(|b| b.split("```").next().unwrap());
        let instance: crate::Instance = serde_json::from_str(blocks.next().unwrap()).unwrap();
        let plan: crate::Plan = serde_json::from_str(blocks.next().unwrap()).unwrap();
        assert_eq!(crate::solve(&instance, &crate::Options::default()).unwrap(), plan);
    }
}
