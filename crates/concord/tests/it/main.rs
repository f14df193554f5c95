//! Concord's one integration-test binary (one link on a small machine). Store tests run on SQLite
//! always and on PostgreSQL when `TEST_DATABASE_URL` is set; web tests drive the real router
//! in-process; CLI tests run the real binary.

mod support;

mod agreements_store;
mod agreements_suite;
mod authorization;
mod bilaterals_suite;
mod cli;
mod delegations_suite;
mod documents_store;
mod documents_suite;
mod press_store;
mod press_suite;
mod programme_suite;
mod seating_suite;
mod store_suite;
mod web_suite;
