//! The guard in front of every route: it works out who is asking (session cookie or API token) and
//! in which language, checks CSRF and origin on every unsafe request, and renders errors.
//!
//! Security decisions, written down next to the code:
//! - Sessions live in the database (several nodes may share one PostgreSQL); the cookie holds a
//!   random secret, the database only its SHA-256.
//! - Every unsafe request made with a session cookie must carry the session's CSRF token, in the
//!   `X-CSRF-Token` header (htmx, API) or a `csrf` form field. Cross-site requests are refused by
//!   their `Origin` or `Sec-Fetch-Site` headers as well. Bearer-token calls carry no ambient
//!   credential and are exempt.
//! - Logging in is throttled per username, on each node.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use domain::policy::{Actor, UserRef};
use store::accounts::User;

use crate::error::{self, AppError};
use crate::{AppState, i18n, render};

pub const SESSION_COOKIE: &str = "concord_session";
pub const LANGUAGE_COOKIE: &str = "concord_lang";
/// The largest form or JSON body Concord reads from someone signed in: one that carries the
/// longest text a document's version may hold, each character taking up to twelve bytes as a form
/// encodes it (`%D0%B0` for a Cyrillic letter, nine bytes for a Chinese one, twelve beyond the
/// Basic Multilingual Plane), with room for the other fields.
pub const BODY_LIMIT: usize = 12 * 1024 * 1024;
const _: () = assert!(domain::documents::MAX_TEXT_CHARS * 12 + 64 * 1024 <= BODY_LIMIT);
/// The largest form or JSON body read from someone not signed in: logging in carries no long
/// text, and a stranger makes the server hold no more than this.
pub const ANONYMOUS_BODY_LIMIT: usize = 1024 * 1024;

/// Who is asking, in which language, from which page: the first thing every handler extracts.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub actor: Actor,
    pub user: Option<User>,
    pub lang: &'static str,
    /// The session's CSRF token, for forms and htmx headers; `None` without a session.
    pub csrf: Option<String>,
    /// The session cookie's secret, to end this session or keep it when the password changes.
    pub session: Option<String>,
    /// The path and query of the page the reader is on, for "back to where you were" links: the
    /// request's own for a page read, the sending page's for a form sent (the form's address
    /// answers only its method).
    pub here: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Arc<Ctx>>().map(|c| (**c).clone()).ok_or_else(|| AppError::Internal("no context".into()))
    }
}

/// The language a file asks for by `?lang=`: calendars, feeds (a private feed's `/feeds/…` too),
/// PDFs and sheets are fetched by programs that send no cookie, or passed on as links, so the
/// link says the language. A
/// document's PDF is the exception: its `lang` chooses which of its texts to print, and the
/// reader keeps their own language for anything said about it.
fn file_language(uri: &axum::http::Uri) -> Option<&'static str> {
    let path = uri.path();
    let is_file = ([".ics", ".atom", ".pdf", ".csv", ".xlsx"].iter().any(|ext| path.ends_with(ext))
        || path.starts_with("/feeds/"))
        && !path.starts_with("/documents/");
    let asked = uri.query().filter(|_| is_file)?.split('&').find_map(|pair| pair.strip_prefix("lang="));
    asked.and_then(i18n::supported)
}

/// Paths that accept an unsafe request without a CSRF token: logging in starts a session, so
/// there is no token yet (origin checks still apply).
const NO_CSRF_TOKEN: [&str; 2] = ["/login", "/api/v1/session"];

pub async fn guard(State(state): State<AppState>, jar: CookieJar, req: Request, next: Next) -> Response {
    let lang = file_language(req.uri()).unwrap_or_else(|| {
        i18n::negotiate(
            jar.get(LANGUAGE_COOKIE).map(|c| c.value()),
            req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()),
        )
    });
    // Machines read JSON errors and are never sent to a login page.
    let is_api = req.uri().path().starts_with("/api/") || req.uri().path() == "/metrics";
    // An address only a form sends to, opened in the browser (typed again after a refused form
    // left it in the address bar): the page the form is on.
    let opened = matches!(*req.method(), axum::http::Method::GET | axum::http::Method::HEAD) && !is_api;
    let opened = opened.then(|| req.uri().clone());
    let response = match admit(&state, &jar, lang, req).await {
        Ok((req, ctx)) => {
            let response = next.run(req).await;
            (response, ctx)
        }
        Err(err) => (err.into_response(), Arc::new(anonymous(lang))),
    };
    if response.0.status() == axum::http::StatusCode::METHOD_NOT_ALLOWED
        && let Some(page) = opened.and_then(|uri| page_at_or_above(uri.path()))
    {
        return axum::response::Redirect::to(&page).into_response();
    }
    present_error(&state, response.0, &response.1, is_api)
}

/// The page a form sent without a Referer came from, as near as its address tells: the address
/// itself or the nearest one above it that a browser may open (`/events/x/bilaterals/confirm`
/// is answered only to a form; `/events/x/bilaterals` is its page).
fn page_at_or_above(path: &str) -> Option<String> {
    static PAGES: std::sync::OnceLock<Vec<Vec<&'static str>>> = std::sync::OnceLock::new();
    let pages = PAGES.get_or_init(|| {
        crate::routes()
            .into_iter()
            .filter(|r| r.method == "GET" && !r.path.starts_with("/api/"))
            .map(|r| r.path.split('/').collect())
            .collect()
    });
    let served = |segments: &[&str]| {
        pages.iter().any(|page| {
            page.len() == segments.len()
                && page.iter().zip(segments).all(|(p, s)| p == s || (p.starts_with('{') && p.ends_with('}')))
        })
    };
    let mut segments: Vec<&str> = path.split('/').collect();
    while segments.len() > 1 {
        if served(&segments) {
            return Some(segments.join("/"));
        }
        segments.pop();
    }
    None
}

fn anonymous(lang: &'static str) -> Ctx {
    Ctx { actor: Actor::anonymous(), user: None, lang, csrf: None, session: None, here: "/".into() }
}

async fn admit(
    state: &AppState,
    jar: &CookieJar,
    lang: &'static str,
    req: Request,
) -> Result<(Request, Arc<Ctx>), AppError> {
    let here = match *req.method() {
        axum::http::Method::GET | axum::http::Method::HEAD => req.uri().path_and_query().map(|pq| pq.to_string()),
        _ => req
            .headers()
            .get(axum::http::header::REFERER)
            .and_then(|r| r.to_str().ok()?.parse::<axum::http::Uri>().ok())
            .and_then(|uri| uri.path_and_query().map(|pq| pq.to_string()))
            .or_else(|| page_at_or_above(req.uri().path())),
    };
    let mut ctx = Ctx { here: here.unwrap_or_else(|| "/".to_string()), ..anonymous(lang) };
    // A calendar application subscribes to a URL and sends no header: a calendar file may carry the
    // reader's API token in its query instead.
    let calendar_token = (req.method() == axum::http::Method::GET && req.uri().path().ends_with(".ics"))
        .then(|| req.uri().query().and_then(|q| form_urlencoded_value(q.as_bytes(), "token")))
        .flatten();
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string)
        .or(calendar_token);
    let (signed_in, via_token) = if let Some(token) = bearer.as_deref() {
        let signed_in = store::accounts::token_user(&state.store, token.trim()).await?;
        (Some(signed_in.ok_or(AppError::Unauthorized)?), true)
    } else if let Some(secret) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) {
        match store::accounts::session_user(&state.store, &secret).await? {
            Some(signed_in) => {
                ctx.csrf = Some(signed_in.csrf.clone());
                ctx.session = Some(secret);
                (Some(signed_in), false)
            }
            None => (None, false),
        }
    } else {
        (None, false)
    };
    if let Some(store::accounts::SignedIn { user, roles, .. }) = signed_in {
        if user.demo && !state.config.demo {
            return Err(AppError::Forbidden("demonstration accounts work only in demonstration mode"));
        }
        ctx.actor = Actor { user: Some(UserRef { id: user.id, username: user.username.clone() }), roles };
        ctx.user = Some(user);
    }
    let req = if is_unsafe(req.method()) && !via_token { check_csrf(&ctx, req).await? } else { req };
    let ctx = Arc::new(ctx);
    let mut req = req;
    req.extensions_mut().insert(ctx.clone());
    Ok((req, ctx))
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses cross-site requests, and requests made with a session but without its CSRF token.
async fn check_csrf(ctx: &Ctx, req: Request) -> Result<Request, AppError> {
    if is_cross_site(req.headers()) {
        return Err(AppError::Forbidden("cross-site request refused"));
    }
    let Some(expected) = &ctx.csrf else {
        return Ok(req);
    };
    if NO_CSRF_TOKEN.contains(&req.uri().path()) {
        return Ok(req);
    }
    if let Some(sent) = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()) {
        return if constant_time_eq(sent, expected) { Ok(req) } else { Err(AppError::forbidden("csrf-token")) };
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    // A form sent without JavaScript carries the token as a field, a file upload's as its first
    // part (each form puts it first): never in the address, which logs and proxies keep.
    if let Ok(boundary) = multer::parse_boundary(&content_type) {
        return token_first(req, boundary, expected).await;
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(AppError::forbidden("csrf-token"));
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, BODY_LIMIT).await.map_err(|_| AppError::PayloadTooLarge)?;
    let sent = form_urlencoded_value(&bytes, "csrf");
    if !sent.is_some_and(|s| constant_time_eq(&s, expected)) {
        return Err(AppError::forbidden("csrf-token"));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// How much of a multipart body is read to find its first part, the token: the rest, a file of
/// up to the upload limit, is left to stream to the handler, unread until the token holds.
const TOKEN_PART_LIMIT: usize = 16 * 1024;

/// Checks a multipart form's first part, `csrf`, and hands the handler the body whole: the
/// bytes read for the check, then the rest as it comes.
async fn token_first(req: Request, boundary: String, expected: &str) -> Result<Request, AppError> {
    use futures_util::StreamExt;
    let (parts, body) = req.into_parts();
    let mut rest = body.into_data_stream();
    let mut head = Vec::new();
    while head.len() < TOKEN_PART_LIMIT {
        match rest.next().await {
            Some(Ok(chunk)) => head.extend_from_slice(&chunk),
            Some(Err(_)) => return Err(AppError::forbidden("csrf-token")),
            None => break,
        }
    }
    let head = axum::body::Bytes::from(head);
    let read = futures_util::stream::once(std::future::ready(Ok::<_, std::convert::Infallible>(head.clone())));
    let mut form = multer::Multipart::new(read, boundary);
    let sent = match form.next_field().await {
        Ok(Some(part)) if part.name() == Some("csrf") => part.text().await.ok(),
        _ => None,
    };
    if !sent.is_some_and(|s| constant_time_eq(&s, expected)) {
        return Err(AppError::forbidden("csrf-token"));
    }
    let whole = futures_util::stream::once(std::future::ready(Ok::<_, axum::Error>(head))).chain(rest);
    Ok(Request::from_parts(parts, Body::from_stream(whole)))
}

fn is_cross_site(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let origin_host = origin.split("://").nth(1).unwrap_or("");
        return origin == "null" || Some(origin_host) != host;
    }
    headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()).is_some_and(|site| site == "cross-site")
}

fn form_urlencoded_value(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Turns an error response into the reader's language: JSON under `/api`, an HTML page elsewhere.
fn present_error(state: &AppState, response: Response, ctx: &Ctx, is_api: bool) -> Response {
    let Some(err) = response.extensions().get::<Arc<AppError>>().cloned() else {
        return response;
    };
    let status = response.status();
    let body = error::body(&err, &state.i18n, ctx.lang);
    let mut out = if is_api {
        (status, axum::Json(serde_json::json!({ "error": body }))).into_response()
    } else if status == axum::http::StatusCode::UNAUTHORIZED && ctx.user.is_none() {
        let next = url_escape(&ctx.here);
        return axum::response::Redirect::to(&format!("/login?next={next}")).into_response();
    } else {
        // A page names the parameters it could not read in words, where the API names them by code.
        let details: Vec<serde_json::Value> = body
            .details
            .iter()
            .map(|d| {
                let label = d.field.as_deref().map(|f| state.i18n.parameter(ctx.lang, f));
                serde_json::json!({ "label": label, "message": d.message })
            })
            .collect();
        let model = serde_json::json!({ "status": status.as_u16(), "message": body.message, "details": details });
        let html = render::page(state, ctx, "error.html", model)
            .unwrap_or_else(|_| axum::response::Html(body.message.clone()));
        (status, html).into_response()
    };
    if let Some(allow) = response.headers().get(header::ALLOW) {
        out.headers_mut().insert(header::ALLOW, allow.clone());
    }
    out
}

/// Percent-encodes a path for a query parameter.
pub fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Failed logins per username, within a window, on this node.
#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginLimiter {
    const WINDOW: Duration = Duration::from_secs(15 * 60);
    const MAX_FAILURES: usize = 10;

    pub fn allows(&self, username: &str) -> bool {
        let mut failures = self.failures.lock().expect("limiter lock");
        let list = failures.entry(username.to_string()).or_default();
        list.retain(|t| t.elapsed() < Self::WINDOW);
        list.len() < Self::MAX_FAILURES
    }

    pub fn failed(&self, username: &str) {
        let mut failures = self.failures.lock().expect("limiter lock");
        failures.entry(username.to_string()).or_default().push(Instant::now());
    }

    pub fn succeeded(&self, username: &str) {
        self.failures.lock().expect("limiter lock").remove(username);
    }
}
