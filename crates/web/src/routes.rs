//! The route registry: routes are added through it so that the list of (method, path) pairs that
//! the router serves can be enumerated by the authorization matrix and the OpenAPI document.

use axum::Router;
use axum::extract::{Multipart, Query, State};
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::routing::{MethodFilter, on};
use schemars::{JsonSchema, Schema, SchemaGenerator};

use crate::AppState;
use crate::bilaterals::NewRequest;
use crate::guard::Ctx;
use crate::input::{FilePart, Form, JsonBody, New, Partial, Path, QueryParams, Upload, Versioned};

/// One route: method, path (axum syntax, `{param}`), what it does, the body and query string it
/// reads and the statuses it answers a success with.
#[derive(Debug, Clone)]
pub struct RouteInfo {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub body: Option<RequestBody>,
    pub query: Option<QuerySchema>,
    pub answers: &'static [StatusCode],
}

/// The query string's parameters as a schema of an object, one property a parameter.
pub type QuerySchema = fn(&mut SchemaGenerator) -> Schema;

/// A create: 201 with what was made.
pub(crate) const CREATED: &[StatusCode] = &[StatusCode::CREATED];
/// A create that may end making nothing answers 200: one sent again finds what it made; a
/// consolidation that only rejects amendments makes no version.
pub(crate) const CREATED_OR_OK: &[StatusCode] = &[StatusCode::CREATED, StatusCode::OK];
/// What a create made: something new, or what the same create sent again (a double click, a
/// retry) made before, which is answered 200 rather than made twice.
pub(crate) enum Made<T> {
    New(T),
    Again(T),
}

impl<T> Made<T> {
    /// The status it is answered with, and what was made.
    pub(crate) fn answer(self) -> (StatusCode, T) {
        match self {
            Made::New(made) => (StatusCode::CREATED, made),
            Made::Again(made) => (StatusCode::OK, made),
        }
    }
}

/// Done, and nothing to say.
pub(crate) const NO_CONTENT: &[StatusCode] = &[StatusCode::NO_CONTENT];

/// A request body as the OpenAPI document describes it: the media types it may come in, its
/// schema, and whether it may be left out.
#[derive(Debug, Clone, Copy)]
pub struct RequestBody {
    pub media_types: &'static [&'static str],
    pub schema: fn(&mut SchemaGenerator) -> Schema,
    pub required: bool,
}

impl RequestBody {
    const fn json(schema: fn(&mut SchemaGenerator) -> Schema) -> RequestBody {
        RequestBody { media_types: &["application/json"], schema, required: true }
    }
}

/// What an extractor reads of the request: the body, if anything, and the query string. A
/// handler's body is read by its last extractor, so the route's body and query are known from the
/// handler's type: no route can be registered with either left undescribed.
pub(crate) trait Reads {
    const BODY: Option<RequestBody>;
    const QUERY: Option<QuerySchema> = None;
}

fn json_schema<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

/// `T`'s fields and one more, `name`, which the handler takes out before reading the rest.
fn with_field<T: JsonSchema>(
    g: &mut SchemaGenerator,
    name: &str,
    property: serde_json::Value,
    required: bool,
) -> Schema {
    let mut schema = T::json_schema(g);
    let object = schema.ensure_object();
    if let Some(properties) = object.entry("properties").or_insert_with(|| serde_json::json!({})).as_object_mut() {
        properties.insert(name.into(), property);
    }
    if required && let Some(list) = object.entry("required").or_insert_with(|| serde_json::json!([])).as_array_mut() {
        list.push(name.into());
    }
    schema
}

/// `T`'s fields with the `version` of the record they were read from ([`Versioned`]).
fn versioned_schema<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    let version = serde_json::json!({ "type": "integer", "description": "The version of the record as read" });
    with_field::<T>(g, "version", version, true)
}

/// `T`'s fields with the `id` the new record may take ([`New`]).
fn new_schema<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    let id = serde_json::json!({ "type": ["string", "null"], "format": "uuid",
        "description": "The id it takes: sent again under it, it is made once and the second answered with the first (200)" });
    with_field::<T>(g, "id", id, false)
}

/// A new bilateral request's fields and the side asking ([`NewRequest`]).
fn new_request_schema(g: &mut SchemaGenerator) -> Schema {
    let from = serde_json::json!({ "type": ["string", "null"],
        "description": "The side asking, by participant code: needed only by whoever speaks for several" });
    with_field::<domain::bilaterals::RequestInput>(g, "from", from, false)
}

/// Some of `T`'s fields ([`Partial`]): none is required, and one left out keeps its current
/// value, not `T`'s default.
fn partial_schema<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    let mut schema = T::json_schema(g);
    schema.remove("required");
    if let Some(properties) = schema.get_mut("properties").and_then(serde_json::Value::as_object_mut) {
        properties.values_mut().filter_map(serde_json::Value::as_object_mut).for_each(|p| {
            p.remove("default");
        });
    }
    schema.insert("description".into(), "Only the fields to change: those left out keep their current value".into());
    schema
}

/// A form's fields as the pages send them; no API route reads one.
fn form_schema(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({ "type": "object", "additionalProperties": { "type": "string" } })
}

/// A form's fields as multipart, a file in its own part: the pages' uploads.
fn multipart_schema(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({ "type": "object", "description": "The form's fields, one part each; a file in its own part" })
}

fn file_part_schema(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({ "type": "object", "required": ["file"],
        "properties": { "file": { "type": "string", "format": "binary", "description": "The file, with its name" } } })
}

fn file_schema(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({ "type": "string", "format": "binary" })
}

impl<T: JsonSchema> Reads for JsonBody<T> {
    const BODY: Option<RequestBody> = Some(RequestBody::json(json_schema::<T>));
}

impl<T: JsonSchema> Reads for Versioned<T> {
    const BODY: Option<RequestBody> = Some(RequestBody::json(versioned_schema::<T>));
}

impl<T: JsonSchema> Reads for New<T> {
    const BODY: Option<RequestBody> = Some(RequestBody::json(new_schema::<T>));
}

impl Reads for NewRequest {
    const BODY: Option<RequestBody> = Some(RequestBody::json(new_request_schema));
}

impl<T: JsonSchema> Reads for Partial<T> {
    const BODY: Option<RequestBody> =
        Some(RequestBody { media_types: &["application/json"], schema: partial_schema::<T>, required: false });
}

impl Reads for Upload {
    const BODY: Option<RequestBody> = Some(RequestBody {
        media_types: &["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv"],
        schema: file_schema,
        required: true,
    });
}

impl Reads for FilePart {
    const BODY: Option<RequestBody> =
        Some(RequestBody { media_types: &["multipart/form-data"], schema: file_part_schema, required: true });
}

impl Reads for Multipart {
    const BODY: Option<RequestBody> =
        Some(RequestBody { media_types: &["multipart/form-data"], schema: multipart_schema, required: true });
}

impl Reads for Form {
    const BODY: Option<RequestBody> =
        Some(RequestBody { media_types: &["application/x-www-form-urlencoded"], schema: form_schema, required: true });
}

macro_rules! reads_no_body {
    ($($t:ty),* $(,)?) => { $(impl Reads for $t { const BODY: Option<RequestBody> = None; })* };
    (generic $($t:ident),* $(,)?) => { $(impl<T> Reads for $t<T> { const BODY: Option<RequestBody> = None; })* };
}
reads_no_body!(Ctx, axum_extra::extract::CookieJar);
reads_no_body!(generic Path, State);

/// The query's parameters, each a property of `T`, described where it is.
fn query_schema<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    T::json_schema(g)
}

impl<T: JsonSchema> Reads for QueryParams<T> {
    const BODY: Option<RequestBody> = None;
    const QUERY: Option<QuerySchema> = Some(query_schema::<T>);
}

impl<T: JsonSchema> Reads for Query<T> {
    const BODY: Option<RequestBody> = None;
    const QUERY: Option<QuerySchema> = Some(query_schema::<T>);
}

/// A handler's extractors, as axum types them (a marker, then each extractor): the body is the
/// last one's, the query whichever reads it.
pub(crate) trait Extractors {
    const BODY: Option<RequestBody>;
    const QUERY: Option<QuerySchema>;
}

impl Extractors for ((),) {
    const BODY: Option<RequestBody> = None;
    const QUERY: Option<QuerySchema> = None;
}

/// The first extractor's query that one reads.
const fn first_query(all: &[Option<QuerySchema>]) -> Option<QuerySchema> {
    let mut i = 0;
    while i < all.len() {
        if let Some(query) = all[i] {
            return Some(query);
        }
        i += 1;
    }
    None
}

macro_rules! last_reads_body {
    ($($t:ident),*; $last:ident) => {
        impl<M, $($t: Reads,)* $last: Reads> Extractors for (M, $($t,)* $last,) {
            const BODY: Option<RequestBody> = $last::BODY;
            const QUERY: Option<QuerySchema> = first_query(&[$($t::QUERY,)* $last::QUERY]);
        }
    };
}
last_reads_body!(; T1);
last_reads_body!(T1; T2);
last_reads_body!(T1, T2; T3);
last_reads_body!(T1, T2, T3; T4);
last_reads_body!(T1, T2, T3, T4; T5);
last_reads_body!(T1, T2, T3, T4, T5; T6);
last_reads_body!(T1, T2, T3, T4, T5, T6; T7);
last_reads_body!(T1, T2, T3, T4, T5, T6, T7; T8);

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
        T: Extractors + 'static,
    {
        self.router = self.router.route(path, on(filter, handler));
        self.list.push(RouteInfo { method, path, summary, body: T::BODY, query: T::QUERY, answers: &[StatusCode::OK] });
        self
    }

    /// The route added last answers a success with `statuses` instead of 200. The OpenAPI
    /// document lists them, and the tests hold every answer to them.
    pub fn answering(mut self, statuses: &'static [StatusCode]) -> Self {
        if let Some(route) = self.list.last_mut() {
            route.answers = statuses;
        }
        self
    }

    pub fn get<H: Handler<T, AppState>, T: Extractors + 'static>(
        self,
        path: &'static str,
        summary: &'static str,
        h: H,
    ) -> Self {
        self.add("GET", MethodFilter::GET, path, summary, h)
    }
    pub fn post<H: Handler<T, AppState>, T: Extractors + 'static>(
        self,
        path: &'static str,
        summary: &'static str,
        h: H,
    ) -> Self {
        self.add("POST", MethodFilter::POST, path, summary, h)
    }
    pub fn put<H: Handler<T, AppState>, T: Extractors + 'static>(
        self,
        path: &'static str,
        summary: &'static str,
        h: H,
    ) -> Self {
        self.add("PUT", MethodFilter::PUT, path, summary, h)
    }
    pub fn delete<H: Handler<T, AppState>, T: Extractors + 'static>(
        self,
        path: &'static str,
        summary: &'static str,
        h: H,
    ) -> Self {
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
