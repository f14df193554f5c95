//! The `concord` binary's library half: what the subcommands do, callable from the integration tests.

pub mod demo;
pub mod generate;
pub mod generate_documents;
pub mod schedule;
