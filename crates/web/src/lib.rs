//! Concord's HTTP face: server-rendered pages (minijinja + htmx), the JSON API under `/api/v1`,
//! sessions and API tokens, CSRF protection, and the interface in English, Russian and Kazakh.
//!
//! A handler reads like a sentence: extract the context and input, ask `domain::policy`, call the
//! domain, persist through `store`, render. Errors are mapped to HTTP once, in [`error`].

mod accounts;
mod agenda;
mod agreements;
mod audit;
mod bilaterals;
mod bodies;
mod briefings;
mod delegations;
mod documents;
mod error;
mod events;
mod guard;
mod i18n;
mod input;
mod itineraries;
mod lists;
mod live;
pub mod mail;
mod participants;
mod pdfs;
mod press;
mod programme;
mod render;
mod routes;
mod seating;
mod snapshots;
mod system;
mod wording;

use std::sync::Arc;

use axum::Router;
use store::Store;

pub use error::AppError;
pub use guard::{ANONYMOUS_BODY_LIMIT, BODY_LIMIT};
pub use i18n::I18n;
pub use press::record::drafted_on;
pub use routes::{RequestBody, RouteInfo};
pub use system::openapi_document;

/// The largest upload (a photo or a delegation list) Concord reads; forms and JSON bodies stop at
/// `guard::BODY_LIMIT`.
pub const UPLOAD_LIMIT: usize = 12 * 1024 * 1024;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Demonstration mode: demo accounts may log in.
    pub demo: bool,
    /// Mark cookies `Secure` (when served over HTTPS).
    pub secure_cookies: bool,
    /// The address people reach this server at, for links in e-mails and badges' QR codes.
    pub base_url: String,
    /// Searches of the register kept until the data changes ([`KEPT_SEARCHES`] by default).
    pub kept_searches: usize,
}

/// Searches of the register kept at once, by default.
pub const KEPT_SEARCHES: usize = 256;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub(crate) i18n: Arc<I18n>,
    pub(crate) templates: Arc<minijinja::Environment<'static>>,
    pub(crate) login_limiter: Arc<guard::LoginLimiter>,
    pub(crate) metrics: Arc<system::Metrics>,
    pub(crate) lists: Arc<lists::ListCache>,
    pub(crate) live: Arc<live::Live>,
    pub(crate) programmes: Arc<snapshots::Snapshots<String, programme::Programme>>,
    pub(crate) pages: Arc<programme::ProgrammePages>,
    pub(crate) itineraries: Arc<itineraries::ItineraryPages>,
    pub(crate) searches: Arc<documents::Searches>,
}

impl AppState {
    pub fn new(store: Store, config: Config) -> Self {
        let i18n = Arc::new(I18n::new());
        let searches = Arc::new(snapshots::Snapshots::new(config.kept_searches));
        AppState {
            store,
            config: Arc::new(config),
            templates: Arc::new(render::environment(i18n.clone())),
            i18n,
            login_limiter: Arc::default(),
            metrics: Arc::default(),
            lists: Arc::new(lists::ListCache::new(lists::LISTS_KEPT)),
            live: Arc::default(),
            programmes: Arc::new(snapshots::Snapshots::new(16)),
            pages: Arc::new(snapshots::Snapshots::new(256)),
            itineraries: Arc::new(snapshots::Snapshots::new(1024)),
            searches,
        }
    }
}

impl AppState {
    /// Ends the open live streams (server-sent events) and the listener to PostgreSQL, so that a
    /// graceful shutdown waits neither for clients that never hang up nor for a pooled connection
    /// that is never returned.
    pub fn close_live_streams(&self) {
        self.live.close();
    }
}

/// The whole application: every route, behind the guard (actor, CSRF, error pages) and metrics.
pub fn app(state: AppState) -> Router {
    routes::registry()
        .router
        .fallback(system::not_found)
        .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT))
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard::guard))
        .layer(axum::middleware::from_fn_with_state(state.clone(), system::count_requests))
        .with_state(state)
}

/// Every route the application serves, for the authorization matrix and the OpenAPI document.
pub fn routes() -> Vec<RouteInfo> {
    routes::registry().list
}

#[doc(hidden)]
pub mod testing {
    //! Hooks for the integration tests.
    pub use crate::error::REFUSALS;
    pub use crate::i18n::LANGUAGES;
    pub use crate::render::TEMPLATES;

    /// The name of every query parameter a route reads, pages and API alike.
    pub fn query_parameters() -> std::collections::BTreeSet<String> {
        let mut generator = schemars::SchemaGenerator::default();
        let schemas: Vec<schemars::Schema> =
            crate::routes().iter().filter_map(|r| r.query.map(|q| q(&mut generator))).collect();
        schemas
            .iter()
            .filter_map(|s| s.get("properties").and_then(|p| p.as_object()))
            .flat_map(|properties| properties.keys().cloned())
            .collect()
    }

    /// Renders a template with sample data in a language, as a page would.
    pub fn render_sample(
        state: &crate::AppState,
        template: &str,
        lang: &'static str,
        model: serde_json::Value,
    ) -> Result<String, String> {
        crate::render::render_raw(state, template, lang, model).map_err(|e| format!("{e:#}"))
    }
}
