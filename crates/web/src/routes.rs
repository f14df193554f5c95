//! The route registry: routes are added through it so that the list of (method, path) pairs that
//! the router serves can be enumerated by the authorization matrix and the OpenAPI document.

use axum::Router;
use axum::handler::Handler;
use axum::routing::{MethodFilter, on};

use crate::AppState;

/// One route: method, path (axum syntax, `{param}`), and what it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteInfo {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
}

pub(crate) struct Registry {
    pub router: Router<AppState>,
    pub list: Vec<RouteInfo>,
}

impl Registry {
    fn add<H, T>(
        mut self,
        method: &'static str,
        filter: MethodFilter,
        path: &'static str,
        summary: &'static str,
        handler: H,
    ) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, on(filter, handler));
        self.list.push(RouteInfo { method, path, summary });
        self
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, summary: &'static str, h: H) -> Self {
        self.add("GET", MethodFilter::GET, path, summary, h)
    }
    pub fn post<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, summary: &'static str, h: H) -> Self {
        self.add("POST", MethodFilter::POST, path, summary, h)
    }
    pub fn put<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, summary: &'static str, h: H) -> Self {
        self.add("PUT", MethodFilter::PUT, path, summary, h)
    }
    pub fn delete<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, summary: &'static str, h: H) -> Self {
        self.add("DELETE", MethodFilter::DELETE, path, summary, h)
    }
}

pub(crate) fn registry() -> Registry {
    let r = Registry { router: Router::new(), list: Vec::new() };
    let r = crate::system::routes(r);
    let r = crate::accounts::routes(r);
    let r = crate::participants::routes(r);
    let r = crate::bodies::routes(r);
    let r = crate::events::routes(r);
    let r = crate::delegations::routes(r);
    let r = crate::lists::routes(r);
    let r = crate::seating::routes(r);
    let r = crate::programme::routes(r);
    let r = crate::bilaterals::routes(r);
    let r = crate::itineraries::routes(r);
    let r = crate::agenda::routes(r);
    let r = crate::documents::routes(r);
    let r = crate::agreements::routes(r);
    let r = crate::briefings::routes(r);
    let r = crate::press::routes(r);
    crate::audit::routes(r)
}
