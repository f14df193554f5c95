//! The start page, language choice, static files, health, metrics and the OpenAPI document.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

use axum::Json;
use axum::extract::{MatchedPath, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use domain::policy::{Action, authorize};
use serde::Deserialize;
use serde_json::json;

use crate::error::AppError;
use crate::guard::{Ctx, LANGUAGE_COOKIE};
use crate::input::Path;
use crate::routes::Registry;
use crate::{AppState, i18n, render};

pub(crate) fn routes(r: Registry) -> Registry {
    r.get("/", "The start page: events and bodies", home)
        .get("/language/{lang}", "Choose the interface language", choose_language)
        .get("/static/{file}", "Stylesheet and scripts", static_file)
        .get("/healthz", "Liveness and database check", healthz)
        .get("/metrics", "Prometheus metrics (admin)", metrics)
        .get("/api/openapi.json", "This API, described by OpenAPI 3.1", openapi)
}

async fn home(State(state): State<AppState>, ctx: Ctx) -> Result<Html<String>, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let events = store::events::page(&state.store, 10, 0).await?;
    let bodies = crate::bodies::in_alphabet(&state, ctx.lang).await?;
    render::page(&state, &ctx, "home.html", json!({ "events": events, "bodies": bodies }))
}

#[derive(schemars::JsonSchema, Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Only a path on this site is a place to go back to, and one without control characters:
/// browsers drop tabs and line breaks from a `Location`, so `/<TAB>/evil.example` would lead off
/// the site, and a line break could not be sent in a header at all.
pub(crate) fn local_path(next: Option<&str>) -> &str {
    match next {
        Some(p)
            if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') && !p.chars().any(char::is_control) =>
        {
            p
        }
        _ => "/",
    }
}

async fn choose_language(
    Path(lang): Path<String>,
    Query(q): Query<NextQuery>,
    jar: CookieJar,
) -> Result<(CookieJar, Redirect), AppError> {
    let lang = i18n::supported(&lang).ok_or(AppError::NotFound)?;
    let cookie = Cookie::build((LANGUAGE_COOKIE, lang))
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(365))
        .build();
    Ok((jar.add(cookie), Redirect::to(local_path(q.next.as_deref()))))
}

const STATIC: [(&str, &str, &[u8]); 3] = [
    ("app.css", "text/css; charset=utf-8", include_bytes!("../static/app.css")),
    ("htmx.min.js", "text/javascript; charset=utf-8", include_bytes!("../static/htmx.min.js")),
    ("live.js", "text/javascript; charset=utf-8", include_bytes!("../static/live.js")),
];

async fn static_file(Path(file): Path<String>) -> Result<Response, AppError> {
    let (_, mime, bytes) = STATIC.iter().find(|(name, _, _)| *name == file).ok_or(AppError::NotFound)?;
    Ok(([(header::CONTENT_TYPE, *mime), (header::CACHE_CONTROL, "public, max-age=3600")], *bytes).into_response())
}

async fn healthz(State(state): State<AppState>) -> Result<Json<serde_json::Value>, AppError> {
    state.store.ping().await?;
    Ok(Json(json!({ "status": "ok" })))
}

pub(crate) async fn not_found() -> AppError {
    AppError::NotFound
}

/// Method, matched route and status of answered requests.
type RequestKey = (String, String, u16);

/// Request counts and seconds spent per route and status, since the process started.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<RequestKey, (u64, f64)>>,
}

pub(crate) async fn count_requests(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let route =
        req.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let mut response = next.run(req).await;
    let elapsed = started.elapsed().as_secs_f64();
    {
        let mut requests = state.metrics.requests.lock().expect("metrics lock");
        let entry = requests.entry((method, route, response.status().as_u16())).or_default();
        entry.0 += 1;
        entry.1 += elapsed;
    }
    // A strict policy: no inline script or style anywhere (htmx is configured to need none).
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"),
    );
    response.headers_mut().insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}

async fn metrics(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    authorize(&ctx.actor, Action::ReadMetrics)?;
    let mut out = String::new();
    out.push_str("# HELP concord_http_requests_total HTTP requests by method, route and status.\n");
    out.push_str("# TYPE concord_http_requests_total counter\n");
    let requests = state.metrics.requests.lock().expect("metrics lock").clone();
    for ((method, route, status), (count, _)) in &requests {
        let _ = writeln!(
            out,
            "concord_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {count}"
        );
    }
    out.push_str(
        "# HELP concord_http_request_duration_seconds_sum Time spent answering, by method, route and status.\n",
    );
    out.push_str("# TYPE concord_http_request_duration_seconds_sum counter\n");
    for ((method, route, status), (_, seconds)) in &requests {
        let _ = writeln!(
            out,
            "concord_http_request_duration_seconds_sum{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {seconds:.6}"
        );
    }
    Ok((StatusCode::OK, [(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out).into_response())
}

/// The OpenAPI document, built from the route registry so that it lists exactly what is served.
async fn openapi() -> Json<&'static serde_json::Value> {
    Json(openapi_document())
}

/// The OpenAPI document of the JSON API (served at `/api/openapi.json`), made once.
pub fn openapi_document() -> &'static serde_json::Value {
    static DOCUMENT: std::sync::LazyLock<serde_json::Value> = std::sync::LazyLock::new(describe_api);
    &DOCUMENT
}

/// A query's parameters, one a property of its schema, each with its description.
fn query_parameters(schema: &schemars::Schema) -> Vec<serde_json::Value> {
    let required =
        |name: &str| schema.get("required").and_then(|r| r.as_array()).is_some_and(|r| r.contains(&json!(name)));
    let Some(properties) = schema.get("properties").and_then(|p| p.as_object()) else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(name, property)| {
            let mut property = property.clone();
            let description = property.as_object_mut().and_then(|p| p.remove("description"));
            let mut parameter = json!({ "name": name, "in": "query", "required": required(name), "schema": property });
            if let Some(description) = description {
                parameter["description"] = description;
            }
            parameter
        })
        .collect()
}

fn describe_api() -> serde_json::Value {
    // Request bodies are described as the handlers read them (`routes::Extractors`), each type once
    // under components/schemas.
    let mut generator = schemars::generate::SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "#/components/schemas/".into())
        .into_generator();
    let mut paths = serde_json::Map::new();
    for route in crate::routes().into_iter().filter(|r| r.path.starts_with("/api/v1/")) {
        let mut params: Vec<serde_json::Value> = route
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
            .collect();
        if let Some(query) = route.query {
            params.extend(query_parameters(&query(&mut generator)));
        }
        let mut responses = serde_json::Map::new();
        for status in route.answers {
            let object = json!({ "application/json": { "schema": { "type": "object" } } });
            let answer = match *status {
                StatusCode::NO_CONTENT => json!({ "description": "Done" }),
                StatusCode::CREATED => json!({ "description": "Created", "content": object }),
                _ => json!({ "description": "Success", "content": object }),
            };
            responses.insert(status.as_u16().to_string(), answer);
        }
        responses.insert(
            "default".into(),
            json!({ "description": "An error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }),
        );
        let mut op = json!({ "summary": route.summary, "parameters": params, "responses": responses });
        if let Some(body) = route.body {
            let schema = (body.schema)(&mut generator);
            let content: serde_json::Map<String, serde_json::Value> =
                body.media_types.iter().map(|t| (t.to_string(), json!({ "schema": schema }))).collect();
            op["requestBody"] = json!({ "required": body.required, "content": content });
        }
        let item = paths.entry(route.path.to_string()).or_insert_with(|| json!({}));
        item[route.method.to_lowercase()] = op;
    }
    let mut schemas = generator.take_definitions(true);
    schemas.insert(
        "Error".into(),
        json!({
            "type": "object",
            "required": ["error"],
            "properties": { "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": { "type": "string" },
                    "message": { "type": "string" },
                    "field": { "type": "string" },
                    "details": { "type": "array", "items": { "type": "object", "properties": {
                        "field": { "type": "string" }, "row": { "type": "integer" }, "column": { "type": "string" }, "message": { "type": "string" }
                    } } }
                }
            } }
        }),
    );
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Concord API", "version": env!("CARGO_PKG_VERSION") },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer" },
                "session": { "type": "apiKey", "in": "cookie", "name": crate::guard::SESSION_COOKIE }
            },
            "schemas": schemas
        },
        "security": [{ "bearer": [] }, { "session": [] }]
    })
}
