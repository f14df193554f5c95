//! Concord's pure model and rules. No I/O, no async, no SQL: everything here is tested without a
//! database, and every other crate takes its vocabulary from here (see the glossary in DESIGN.md).

pub mod accounts;
pub mod agenda;
pub mod agreements;
pub mod bilaterals;
pub mod bodies;
pub mod briefings;
pub mod chairmanship;
pub mod decisions;
pub mod delegations;
pub mod documents;
pub mod events;
pub mod imports;
pub mod lineup;
pub mod participants;
pub mod policy;
pub mod precedence;
pub mod press;
pub mod programme;
pub mod schema;
pub mod seating;
pub mod text;
pub mod validation;
pub mod words;

pub use text::Text;
pub use validation::{FieldError, Invalid};

/// Identifiers are UUIDv7: sortable by creation, unguessable enough for URLs, the same on both engines.
pub type Id = uuid::Uuid;

/// A new identifier.
pub fn new_id() -> Id {
    uuid::Uuid::now_v7()
}
