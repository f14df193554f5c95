//! Test databases on both engines, and an in-process client for the application.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use sqlx::postgres::PgConnectOptions;
use std::str::FromStr;
use store::Store;
use tower::ServiceExt;

/// A database of its own for one test: a SQLite file in a temporary directory, or a PostgreSQL
/// schema of its own on the server named by `TEST_DATABASE_URL`.
pub struct TestDb {
    pub store: Store,
    schema: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite:{}", dir.path().join("concord.db").display());
        let store = Store::connect(&url).await.expect("SQLite opens");
        store.migrate().await.expect("SQLite migrates");
        TestDb { store, schema: None, _dir: Some(dir) }
    }

    /// `None` when `TEST_DATABASE_URL` is not set.
    pub async fn postgres() -> Option<TestDb> {
        let url = std::env::var("TEST_DATABASE_URL").ok()?;
        let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
        let admin = Store::connect(&url).await.expect("PostgreSQL is reachable at TEST_DATABASE_URL");
        if let store::Pool::Postgres(pool) = admin.pool() {
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                .execute(pool)
                .await
                .expect("schema created");
        }
        admin.close().await;
        let options =
            PgConnectOptions::from_str(&url).expect("a PostgreSQL URL").options([("search_path", schema.as_str())]);
        let store = Store::connect_postgres(options).await.expect("PostgreSQL opens");
        store.migrate().await.expect("PostgreSQL migrates");
        Some(TestDb { store, schema: Some((url, schema)), _dir: None })
    }

    /// Another node on the same database: its own pool and its own process state.
    pub async fn second_node(&self) -> Store {
        match &self.schema {
            Some((url, schema)) => {
                let options = PgConnectOptions::from_str(url)
                    .expect("a PostgreSQL URL")
                    .options([("search_path", schema.as_str())]);
                Store::connect_postgres(options).await.expect("PostgreSQL opens")
            }
            None => Store::from(self.store.pool().clone()),
        }
    }

    pub async fn cleanup(self) {
        self.store.close().await;
        if let Some((url, schema)) = self.schema {
            let admin = Store::connect(&url).await.expect("PostgreSQL is reachable");
            if let store::Pool::Postgres(pool) = admin.pool() {
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE"))).execute(pool).await;
            }
            admin.close().await;
        }
    }
}

/// Runs a test body once per engine: `name::sqlite` always, `name::postgres` when configured.
#[macro_export]
macro_rules! on_both_engines {
    ($name:ident, |$store:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                let db = $crate::support::TestDb::sqlite().await;
                let $store = db.store.clone();
                $body
                db.cleanup().await;
            }

            #[tokio::test]
            async fn postgres() {
                let Some(db) = $crate::support::TestDb::postgres().await else {
                    eprintln!("PostgreSQL not configured (TEST_DATABASE_URL): skipped");
                    return;
                };
                let $store = db.store.clone();
                $body
                db.cleanup().await;
            }
        }
    };
}

/// Runs `body(app)`, an async function of a [`TestApp`], once per engine: `name::sqlite` always,
/// `name::postgres` when configured. The body cleans up its database.
#[macro_export]
macro_rules! app_on_both_engines {
    ($name:ident, $body:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$body($crate::support::TestApp::new().await).await;
            }

            #[tokio::test]
            async fn postgres() {
                let Some(db) = $crate::support::TestDb::postgres().await else {
                    eprintln!("PostgreSQL not configured (TEST_DATABASE_URL): skipped");
                    return;
                };
                super::$body($crate::support::TestApp::with(db, true).await).await;
            }
        }
    };
}

/// The application over a test database with the demo loaded.
pub struct TestApp {
    pub db: TestDb,
    pub state: web::AppState,
    pub router: Router,
}

/// A logged-in browser or API client: its session cookie and CSRF token.
#[derive(Clone, Debug, Default)]
pub struct Session {
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
    pub lang: Option<&'static str>,
    /// The page a browser says it comes from.
    pub referer: Option<String>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with(TestDb::sqlite().await, true).await
    }

    pub async fn with(db: TestDb, demo: bool) -> TestApp {
        concord::demo::load(&db.store).await.expect("the demo loads");
        let state = web::AppState::new(
            db.store.clone(),
            web::Config {
                demo,
                secure_cookies: false,
                base_url: "http://concord.test".into(),
                kept_searches: web::KEPT_SEARCHES,
            },
        );
        TestApp { router: web::app(state.clone()), state, db }
    }

    pub async fn request(
        &self,
        session: &Session,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: impl Into<Body>,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(path).header(header::HOST, "concord.test");
        if let Some(cookie) = &session.cookie {
            req = req.header(header::COOKIE, cookie);
        }
        if let Some(csrf) = &session.csrf {
            req = req.header("x-csrf-token", csrf);
        }
        if let Some(token) = &session.bearer {
            req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some(lang) = session.lang {
            req = req.header(header::ACCEPT_LANGUAGE, lang);
        }
        if let Some(referer) = &session.referer {
            req = req.header(header::REFERER, referer);
        }
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        let response =
            self.router.clone().oneshot(req.body(body.into()).expect("a request")).await.expect("infallible");
        let status = response.status();
        operations().check_answer(method, path, status);
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("a body").to_bytes();
        Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    /// The status and headers of a GET, without reading the body: for streams that never end
    /// (server-sent events).
    pub async fn head_of_stream(&self, session: &Session, path: &str) -> (StatusCode, axum::http::HeaderMap) {
        let mut req = Request::builder().method("GET").uri(path).header(header::HOST, "concord.test");
        if let Some(cookie) = &session.cookie {
            req = req.header(header::COOKIE, cookie);
        }
        let response =
            self.router.clone().oneshot(req.body(Body::empty()).expect("a request")).await.expect("infallible");
        (response.status(), response.headers().clone())
    }

    pub async fn get(&self, session: &Session, path: &str) -> Reply {
        self.request(session, "GET", path, None, Body::empty()).await
    }

    /// Sends a JSON body. One the server takes (2xx) must also be one the OpenAPI document's
    /// schema for the route takes, so that the document describes what the API reads (as
    /// [`Self::request`] holds every answer to the statuses the document lists).
    pub async fn json(&self, session: &Session, method: &str, path: &str, body: &Value) -> Reply {
        let reply = self.request(session, method, path, Some("application/json"), body.to_string()).await;
        if reply.status.is_success() {
            operations().check_body(method, path, body);
        }
        reply
    }

    /// Sends fields read from a page ([`page_form`]).
    pub async fn send(&self, session: &Session, path: &str, fields: &[(String, String)]) -> Reply {
        self.form(session, path, &fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect::<Vec<_>>()).await
    }

    pub async fn form(&self, session: &Session, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body: String =
            fields.iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect::<Vec<_>>().join("&");
        self.request(session, "POST", path, Some("application/x-www-form-urlencoded"), body).await
    }

    /// Logs in through the API; panics if the password is refused.
    pub async fn login(&self, username: &str, password: &str) -> Session {
        let reply = self
            .json(
                &Session::default(),
                "POST",
                "/api/v1/session",
                &serde_json::json!({ "username": username, "password": password }),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "login as {username}: {}", reply.body);
        let cookie = reply.headers.get_all(header::SET_COOKIE).iter().find_map(|v| {
            let v = v.to_str().ok()?;
            v.starts_with("concord_session=").then(|| v.split(';').next().unwrap_or("").to_string())
        });
        let csrf = reply.json()["csrf_token"].as_str().map(str::to_string);
        Session { cookie, csrf, bearer: None, lang: None, referer: None }
    }
}

/// The operations of the OpenAPI document, by route.
pub struct Operations(Vec<Operation>);

/// One operation: its request body's schema, read by a JSON Schema validator, and the statuses
/// it says a success answers with.
pub struct Operation {
    method: String,
    template: Vec<String>,
    pub body: Option<jsonschema::Validator>,
    /// The query parameters it describes.
    pub query: Vec<String>,
    pub answers: Vec<StatusCode>,
}

/// Built once: the document is the same for every test.
pub fn operations() -> &'static Operations {
    static OPERATIONS: std::sync::OnceLock<Operations> = std::sync::OnceLock::new();
    OPERATIONS.get_or_init(|| {
        let doc = web::openapi_document();
        let mut operations = Vec::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("operations") {
                let body = op["requestBody"]["content"]["application/json"]["schema"].as_object().map(|schema| {
                    // References point into the document's components: the schema carries them along.
                    let mut schema = schema.clone();
                    schema.insert("components".into(), doc["components"].clone());
                    jsonschema::draft202012::new(&Value::Object(schema))
                        .unwrap_or_else(|e| panic!("{method} {path}: the schema does not compile: {e}"))
                });
                let answers = op["responses"]
                    .as_object()
                    .expect("responses")
                    .keys()
                    .filter_map(|k| k.parse::<u16>().ok())
                    .map(|k| StatusCode::from_u16(k).expect("a status"))
                    .collect();
                let query = op["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|p| p["in"] == "query")
                    .filter_map(|p| p["name"].as_str().map(str::to_string))
                    .collect();
                let template = path.split('/').map(str::to_string).collect();
                operations.push(Operation { method: method.to_uppercase(), template, body, query, answers });
            }
        }
        Operations(operations)
    })
}

impl Operations {
    /// The operation of the route that serves `method path`: where several match, the one with
    /// the most fixed segments, as the router chooses.
    pub fn of(&self, method: &str, path: &str) -> Option<&Operation> {
        let path = path.split('?').next().unwrap_or(path);
        let segments: Vec<&str> = path.split('/').collect();
        let matching = |template: &[String]| {
            template.len() == segments.len()
                && template.iter().zip(&segments).all(|(t, s)| t.starts_with('{') || t == s)
        };
        self.0
            .iter()
            .filter(|o| o.method == method && matching(&o.template))
            .max_by_key(|o| o.template.iter().filter(|t| !t.starts_with('{')).count())
    }

    /// Panics, naming what the schema refuses, when a body the server took is not one the
    /// document describes.
    pub fn check_body(&self, method: &str, path: &str, body: &Value) {
        if !path.starts_with("/api/v1/") {
            return;
        }
        let Some(validator) = self.of(method, path).and_then(|o| o.body.as_ref()) else {
            panic!("{method} {path} took a JSON body, but the OpenAPI document describes none");
        };
        let errors: Vec<String> =
            validator.iter_errors(body).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(
            errors.is_empty(),
            "{method} {path}: the OpenAPI schema refuses a body the server took: {errors:#?}\n{body:#}"
        );
    }

    /// Panics when the API answered a success with a status its document does not list, or to a
    /// query parameter the document does not describe.
    pub fn check_answer(&self, method: &str, path: &str, status: StatusCode) {
        if !path.starts_with("/api/v1/") || !status.is_success() {
            return;
        }
        let Some(operation) = self.of(method, path) else {
            panic!("{method} {path} answered {status}, but the OpenAPI document does not list it");
        };
        assert!(
            operation.answers.contains(&status),
            "{method} {path} answered {status}; the OpenAPI document says {:?}",
            operation.answers
        );
        let query = path.split_once('?').map_or("", |(_, q)| q);
        for (name, _) in form_urlencoded::parse(query.as_bytes()) {
            assert!(
                operation.query.iter().any(|q| *q == name),
                "{method} {path} read the query parameter {name}, which the OpenAPI document does not describe"
            );
        }
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub const DEMO_PASSWORD: &str = "concord-demo";

/// The text of a PDF as `pdftotext -layout` reads it; `None` where poppler is not installed.
pub fn pdftotext(bytes: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext").arg("-layout").arg(&path).arg("-").output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A PDF's title, as `pdfinfo` (poppler, beside `pdftotext`) reads it from the document's metadata.
pub fn pdf_title(bytes: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdfinfo").arg(&path).output().ok()?;
    let info = String::from_utf8_lossy(&out.stdout).into_owned();
    info.lines().find_map(|l| l.strip_prefix("Title:")).map(|t| t.trim().to_string())
}

/// A GET whose body is kept as bytes (PDFs, images).
pub async fn get_bytes(app: &TestApp, session: &Session, path: &str) -> (StatusCode, Vec<u8>) {
    let mut req = axum::http::Request::get(path).header("host", "concord.test");
    if let Some(cookie) = &session.cookie {
        req = req.header("cookie", cookie);
    }
    if let Some(l) = session.lang {
        req = req.header("accept-language", l);
    }
    let response =
        tower::ServiceExt::oneshot(app.router.clone(), req.body(axum::body::Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    (status, http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes().to_vec())
}

/// An open stream of server-sent events at `path`, read as `session`.
pub async fn events(router: &Router, session: &Session, path: &str) -> axum::body::BodyDataStream {
    let mut request = Request::get(path).header(header::HOST, "concord.test");
    if let Some(cookie) = &session.cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response = router.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    response.into_body().into_data_stream()
}

/// Reads server-sent events from a stream until `wanted` arrives or a second passes.
pub async fn next_event(body: &mut axum::body::BodyDataStream, wanted: &str) -> bool {
    use futures_util::StreamExt;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(1);
    let mut seen = String::new();
    while let Ok(Some(Ok(chunk))) = tokio::time::timeout_at(deadline, body.next()).await {
        seen.push_str(&String::from_utf8_lossy(&chunk));
        if seen.contains(wanted) {
            return true;
        }
    }
    false
}

/// A PNG of one colour.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    let pixels = image::RgbImage::from_pixel(width, height, image::Rgb([200, 30, 30]));
    pixels.write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png).unwrap();
    bytes
}

/// Uploads a member's photo as its accreditation officer does from the member's page (the CFM
/// asks for one before a host approves); the member's version after it.
pub async fn upload_member_photo(app: &TestApp, officer: &Session, participant: &str, member: &str) -> i64 {
    let png = png(60, 80);
    let boundary = "memberphoto";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"photo.png\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&png);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let path = format!("/events/almaty-2025/delegations/{participant}/members/{member}/photo");
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let reply = app.request(officer, "POST", &path, Some(&content_type), body).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    store::delegations::member(&app.db.store, member.parse().unwrap()).await.unwrap().version
}

/// The fields a browser sends from the form of a page that `marker` (an attribute of its `<form>`
/// tag, such as `id="event-form"`) names, as the page shows them: inputs but buttons and unticked
/// boxes, each select's chosen options, textareas.
pub fn page_form(html: &str, marker: &str) -> Vec<(String, String)> {
    let start = html.find(marker).unwrap_or_else(|| panic!("no form {marker}"));
    let form = &html[start..];
    let form = &form[..form.find("</form>").expect("the form ends")];
    let attribute = |tag: &str, name: &str| -> Option<String> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(unescape(&tag[at..at + tag[at..].find('"')?]))
    };
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let end = rest.find('>').expect("a tag ends");
        let tag = &rest[..end];
        if tag.starts_with("<input") {
            let kind = attribute(tag, "type").unwrap_or_default();
            let skipped = matches!(kind.as_str(), "submit" | "button" | "file")
                || (matches!(kind.as_str(), "checkbox" | "radio") && !tag.contains(" checked"));
            if let (Some(name), false) = (attribute(tag, "name"), skipped) {
                // A box without a value is sent as "on", as browsers send it.
                let unset = if matches!(kind.as_str(), "checkbox" | "radio") { "on" } else { "" };
                fields.push((name, attribute(tag, "value").unwrap_or_else(|| unset.to_string())));
            }
        } else if tag.starts_with("<select") {
            let body = &rest[..rest.find("</select>").expect("a select ends")];
            let options: Vec<&str> = body
                .split("<option")
                .skip(1)
                .map(|option| &option[..option.find('>').expect("an option's tag ends")])
                .collect();
            let mut chosen: Vec<&str> = options.iter().copied().filter(|o| o.contains(" selected")).collect();
            // A single choice with none marked sends its first option.
            if chosen.is_empty() && !tag.contains(" multiple") {
                chosen.extend(options.first());
            }
            if let Some(name) = attribute(tag, "name") {
                fields.extend(chosen.iter().map(|o| (name.clone(), attribute(o, "value").unwrap_or_default())));
            }
        } else if tag.starts_with("<textarea") {
            let body = &rest[end + 1..];
            if let Some(name) = attribute(tag, "name") {
                fields.push((name, unescape(&body[..body.find("</textarea>").expect("a textarea ends")])));
            }
        }
        rest = &rest[end..];
    }
    fields
}

/// A page's form fields (see [`page_form`]) with `name` set to `value`, as a reader changes one.
pub fn changed(fields: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    fields.iter().map(|(k, v)| (k.clone(), if k == name { value.to_string() } else { v.clone() })).collect()
}

/// Text as the page escaped it, read back.
pub fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2f;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A multipart form holding one file, in the field `file`: its content type and body.
pub fn multipart(name: &str, content: &[u8]) -> (String, Vec<u8>) {
    let boundary = "concordboundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
