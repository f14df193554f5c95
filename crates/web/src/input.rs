//! Reading input at the edge: JSON bodies and HTML forms, with errors that name the field.

use std::collections::BTreeMap;

use axum::body::{Bytes, to_bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use jiff::civil::Date;
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::guard::{ANONYMOUS_BODY_LIMIT, BODY_LIMIT, Ctx};

/// A JSON body. Malformed JSON is a 400; a value of the wrong type, a missing or unknown field is a
/// 422 naming the field (by its path, e.g. `venues[0].name`); a body over the limit is a 413.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json"));
        if !is_json {
            return Err(AppError::NotJson);
        }
        let bytes = read_body(req).await?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// A JSON body of `T`'s fields and the `version` of the record they were read from. The version is
/// taken out before the rest is read, so that a mistake in the rest is named by its path (a
/// flattened struct would lose it, and the reader would get serde's English).
pub struct Versioned<T> {
    pub version: i64,
    pub fields: T,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Versioned<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let JsonBody(mut body) = JsonBody::<Object>::from_request(req, state).await?;
        let version = match body.0.remove("version") {
            None => return Err(AppError::field("version", "required")),
            Some(v) => v.as_i64().ok_or_else(|| {
                AppError::field("version", if v.is_number() { "beyond-limits" } else { "invalid-value" })
            })?,
        };
        let fields = body.read()?;
        Ok(Versioned { version, fields })
    }
}

/// A JSON body of `T`'s fields for something new, with the `id` it takes if the caller gives one:
/// sent twice under one id (a retry after a lost answer), it is made once, the second answered
/// with the first. The id is taken out before the rest is read, as [`Versioned`] takes its version.
pub struct New<T> {
    pub id: Option<domain::Id>,
    pub fields: T,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for New<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let JsonBody(mut body) = JsonBody::<Object>::from_request(req, state).await?;
        let id = match body.0.remove("id") {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => {
                Some(v.as_str().and_then(|id| id.parse().ok()).ok_or_else(|| AppError::field("id", "invalid-value"))?)
            }
        };
        let fields = body.read()?;
        Ok(New { id, fields })
    }
}

impl<T> New<T> {
    /// The id given, or a new one.
    pub fn id(&self) -> domain::Id {
        self.id.unwrap_or_else(domain::new_id)
    }
}

/// A JSON object whose fields are each given once ([`domain::text::unique_keys`]), for a handler
/// that takes some out or completes it before reading the rest.
#[derive(serde::Deserialize)]
#[serde(transparent)]
pub struct Object(#[serde(deserialize_with = "domain::text::unique_keys")] pub BTreeMap<String, serde_json::Value>);

impl Object {
    /// The rest, once fields are taken out, as `T`.
    pub fn read<T: DeserializeOwned>(self) -> Result<T, AppError> {
        parse_value(serde_json::Value::Object(self.0.into_iter().collect()))
    }
}

/// Some of `T`'s fields as a JSON object, or no body at all: what is left out keeps the value the
/// caller holds ([`Partial::over`]).
pub struct Partial<T> {
    given: Object,
    of: std::marker::PhantomData<T>,
}

impl<S: Send + Sync, T> FromRequest<S> for Partial<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        let bytes = read_body(req).await?;
        let given = if bytes.is_empty() { Object(BTreeMap::new()) } else { parse_json(&bytes)? };
        Ok(Partial { given, of: std::marker::PhantomData })
    }
}

impl<T: serde::Serialize + DeserializeOwned> Partial<T> {
    /// `current` with the fields given put over it.
    pub fn over(self, current: &T) -> Result<T, AppError> {
        let mut value = serde_json::to_value(current).map_err(|e| AppError::Internal(e.to_string()))?;
        for (name, given) in self.given.0 {
            value[name] = given;
        }
        parse_value(value)
    }
}

/// A file sent as the whole body (an XLSX or CSV sheet), read as it came, up to the upload limit.
pub struct Upload(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for Upload {
    type Rejection = AppError;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        to_bytes(req.into_body(), crate::UPLOAD_LIMIT).await.map(Upload).map_err(|_| AppError::PayloadTooLarge)
    }
}

/// The file a multipart form sends in its part `file`, with the file name the sender gave.
pub struct FilePart {
    pub name: Option<String>,
    pub bytes: Bytes,
}

impl<S: Send + Sync> FromRequest<S> for FilePart {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let mut multipart = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(|e| AppError::BadRequest { message: e.body_text(), field: None, status: e.status() })?;
        let (name, bytes) = multipart_upload(&mut multipart, "file").await?;
        Ok(FilePart { name, bytes })
    }
}

/// A form's or JSON body's bytes, up to the limit of who sends it.
pub async fn read_body(req: Request) -> Result<Bytes, AppError> {
    let signed_in = req.extensions().get::<std::sync::Arc<Ctx>>().is_some_and(|ctx| ctx.user.is_some());
    let limit = if signed_in { BODY_LIMIT } else { ANONYMOUS_BODY_LIMIT };
    to_bytes(req.into_body(), limit).await.map_err(|_| AppError::PayloadTooLarge)
}

/// A JSON body as `T`, which every body is read as: an object, then nothing after it. What cannot
/// be read is told as [`unreadable`] says.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let malformed = |e: serde_json::Error| AppError::MalformedJson { line: e.line(), column: e.column() };
    if bytes.trim_ascii_start().first() != Some(&b'{') {
        // JSON of another kind (an array, a string) is told apart from no JSON at all.
        return Err(match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
            Err(e) if !bytes.trim_ascii().is_empty() => malformed(e),
            _ => AppError::NotAnObject,
        });
    }
    let mut json = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut json).map_err(|e| {
        // serde_json says a number or `true` where a choice's name belongs is a syntax error
        // ("expected value"), though the JSON is well formed: it is a wrong value in that field.
        let choice = e.inner().is_syntax() && e.inner().to_string().starts_with("expected value");
        if choice && e.path().iter().next().is_some() && serde_json::from_slice::<serde_json::Value>(bytes).is_ok() {
            AppError::field(&e.path().to_string(), "invalid-choice")
        } else {
            told(e)
        }
    })?;
    json.end().map_err(malformed)?;
    Ok(value)
}

/// A JSON value already read as `T` (a body with a field taken out, or completed from stored
/// settings), its mistakes told as [`parse_json`] tells them.
pub fn parse_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, AppError> {
    serde_path_to_error::deserialize(value).map_err(told)
}

fn told(e: serde_path_to_error::Error<serde_json::Error>) -> AppError {
    let path = e.path().to_string();
    let inner = e.into_inner();
    if inner.is_syntax() || inner.is_eof() {
        return AppError::MalformedJson { line: inner.line(), column: inner.column() };
    }
    unreadable(&path, inner.to_string(), inner.is_data())
}

/// A value serde could not read at `path`, JSON or query string alike: where it is a value of the
/// wrong kind in a field, invalid input naming the field in the reader's language as any field
/// error; otherwise (no JSON, no object where one is expected) a bad request in the parser's words.
fn unreadable(path: &str, message: String, data: bool) -> AppError {
    let field = named_field(path, &message).or((path != "." && !path.is_empty()).then(|| path.to_string()));
    match (data, field) {
        (true, Some(field)) => AppError::field(&field, value_error(&message)),
        (data, field) => {
            let status = if data { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::BAD_REQUEST };
            AppError::BadRequest { message, field, status }
        }
    }
}

/// The field error for a value serde could not read, from the start of its message (serde gives
/// no kinds for these).
fn value_error(message: &str) -> &'static str {
    if message.starts_with("missing field") {
        "required"
    } else if message.starts_with("duplicate field") {
        "repeated"
    } else if message.contains("expected a text by language") {
        // A multilingual text given as a plain string ([`domain::text::unique_keys`]); read from
        // the body's bytes, the parser adds where ("… at line 1 column 40").
        "by-language"
    } else if message.contains(domain::programme::OFFSET_NOT_LOCAL) {
        "offset-not-local"
    } else if message.starts_with("unknown variant") {
        "invalid-choice"
    } else if message.starts_with("unknown field") {
        "unknown-field"
    } else if message.starts_with("invalid value: integer `-") && message.contains(", expected u") {
        "negative"
    } else if message.starts_with("invalid value: integer") {
        // A whole number past what its field's type holds.
        "beyond-limits"
    } else {
        "invalid-value"
    }
}

/// The field a missing or repeated field error is about: serde names it only in its message
/// ("missing field `duration`"), at the path of the object that lacks it.
fn named_field(path: &str, message: &str) -> Option<String> {
    let rest = message.strip_prefix("missing field `").or_else(|| message.strip_prefix("duplicate field `"))?;
    let name = rest.split('`').next()?;
    Some(if path.is_empty() || path == "." { name.to_string() } else { format!("{path}.{name}") })
}

/// What a field read to, or `None` with its mistakes added to `mistakes`: for a form that says every
/// mistake at once rather than the first. Other errors pass.
pub fn gather<T>(read: Result<T, AppError>, mistakes: &mut Vec<domain::FieldError>) -> Result<Option<T>, AppError> {
    match read {
        Ok(value) => Ok(Some(value)),
        Err(AppError::Invalid(invalid)) => {
            mistakes.extend(invalid.0);
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

/// A form refused with the mistakes [`gather`]ed in reading it and those its rules found (`said`),
/// checked on stand-ins for what did not read: what they say of a field that did not read is left
/// out, its reading mistake said instead.
pub fn refused_with_rules(mut mistakes: Vec<domain::FieldError>, said: Vec<domain::FieldError>) -> AppError {
    let unread: Vec<String> = mistakes.iter().map(|m| m.field.clone()).collect();
    mistakes.extend(said.into_iter().filter(|m| !unread.contains(&m.field)));
    AppError::Invalid(domain::Invalid(mistakes))
}

/// The mistakes of several optional values, gathered as each is read ([`gather`] for values
/// that may be absent): for a query that says every parameter it cannot use at once.
pub struct Gathered(pub Vec<domain::FieldError>);

impl Gathered {
    /// The value given, `None` if it was not or could not be read (its mistake kept).
    pub fn given<T>(&mut self, value: Option<Result<T, AppError>>) -> Result<Option<T>, AppError> {
        Ok(gather(value.transpose(), &mut self.0)?.flatten())
    }
}

/// An edit form as it comes back ([`Form::resent`]).
pub struct Resent {
    /// What it shows.
    pub values: serde_json::Value,
    /// The fields the reader changed that another user changed too meanwhile, each with what is
    /// stored now, to be said beside it ([`crate::render::changed_meanwhile`]).
    pub meanwhile: Vec<(String, String)>,
}

/// An edit form's values as stored (`now`), with what the page shows of each as its `was` field,
/// for [`Form::resent`]: a short digest per field rather than the values again, which would double
/// a long text and repeat private data in the page.
pub fn edit_values(now: serde_json::Value) -> serde_json::Value {
    with_was(now.clone(), &now)
}

/// Fields a form that comes back never takes from what is stored.
const UNMERGED: [&str; 2] = ["version", "was"];

fn with_was(mut form: serde_json::Value, now: &serde_json::Value) -> serde_json::Value {
    let digests: std::collections::BTreeMap<&str, String> = now
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(name, _)| !UNMERGED.contains(&name.as_str()))
        .map(|(name, value)| (name.as_str(), digest(&as_sent(value))))
        .collect();
    form["was"] = serde_json::json!(serde_json::to_string(&digests).unwrap_or_default());
    form
}

fn digest(value: &str) -> String {
    use sha2::Digest;
    hex::encode(&sha2::Sha256::digest(value.as_bytes())[..8])
}

/// A form value as the browser sends it and the store keeps it: text with its line ends as
/// stored and without the spaces around it, a number or a date as written, a field chosen several
/// times as its values in any order.
fn as_sent(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.replace("\r\n", "\n").trim().to_string(),
        serde_json::Value::Null => String::new(),
        serde_json::Value::Array(values) => {
            let mut values: Vec<String> = values.iter().map(as_sent).collect();
            values.sort();
            values.join("\u{1f}")
        }
        other => other.to_string(),
    }
}

/// The most fields a form may send. The longest forms send some hundreds; a body of empty fields
/// would take the server many times its size to hold as pairs of strings.
const MAX_FORM_FIELDS: usize = 10_000;

/// The fields of a submitted HTML form, in order.
pub struct Form(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequest<S> for Form {
    type Rejection = AppError;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        let bytes = read_body(req).await?;
        if bytes.iter().filter(|&&b| b == b'&').count() >= MAX_FORM_FIELDS {
            return Err(AppError::PayloadTooLarge);
        }
        Ok(Form(form_urlencoded::parse(&bytes).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()))
    }
}

impl Form {
    /// The first value of a field, or "" when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }

    /// Every value of a field that may repeat (checkboxes).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }

    /// Every value of a repeated field as an identifier; one that is not names the field.
    pub fn ids(&self, name: &str) -> Result<Vec<domain::Id>, crate::AppError> {
        self.all(name).into_iter().map(|v| v.parse().map_err(|_| crate::AppError::field(name, "unknown"))).collect()
    }

    /// The fields as a JSON object, to re-fill a form after an error: a field sent once as a
    /// string, one sent several times (a multiple choice) as the list of its values.
    pub fn to_json(&self) -> serde_json::Value {
        let mut fields = serde_json::Map::new();
        for (k, v) in self.0.iter().filter(|(k, _)| k != "csrf") {
            match fields.get_mut(k) {
                None => {
                    fields.insert(k.clone(), v.clone().into());
                }
                Some(serde_json::Value::Array(values)) => values.push(v.clone().into()),
                Some(first) => *first = serde_json::Value::Array(vec![first.take(), v.clone().into()]),
            }
        }
        serde_json::Value::Object(fields)
    }

    /// What an edit form shows when it comes back: what the reader sent, except the fields they
    /// left as the page showed them (by its `was` field, see [`edit_values`]), which show `now`,
    /// what is stored now. So the form sent again after a conflict writes what the reader changed,
    /// not back what another user changed meanwhile. The version is never taken from `now`: a
    /// form refused for a mistake still carries the version it was read at, and conflicts. A
    /// form that says nothing of what it showed is shown back as sent.
    pub fn resent(&self, now: serde_json::Value) -> Resent {
        let mut values = self.to_json();
        let mut meanwhile = Vec::new();
        if let (Some(was), serde_json::Value::Object(fields), serde_json::Value::Object(stored)) =
            (self.was(), &mut values, &now)
        {
            let names: std::collections::BTreeSet<String> =
                was.keys().chain(stored.keys()).filter(|n| !UNMERGED.contains(&n.as_str())).cloned().collect();
            for name in names {
                let shown = was.get(&name).cloned().unwrap_or_else(|| digest(""));
                let sent = fields.get(&name).map_or_else(String::new, as_sent);
                let kept = stored.get(&name).map_or_else(String::new, as_sent);
                if digest(&sent) == shown {
                    match stored.get(&name) {
                        Some(value) => fields.insert(name, value.clone()),
                        None => fields.remove(&name),
                    };
                } else if digest(&kept) != shown && kept != sent {
                    // Changed by both: the reader's stays, and what is stored now is said beside it.
                    meanwhile.push((name, kept.replace('\u{1f}', ", ")));
                }
            }
        }
        Resent { values: with_was(values, &now), meanwhile }
    }

    /// Whether the page showed a value in the field `name` (by its `was` field, see
    /// [`edit_values`]): sent empty, the reader emptied it.
    pub fn showed(&self, name: &str) -> bool {
        self.was().and_then(|was| was.get(name).cloned()).is_some_and(|shown| shown != digest(""))
    }

    /// What the page showed of each field, by digest; none if the form does not say.
    fn was(&self) -> Option<std::collections::BTreeMap<String, String>> {
        serde_json::from_str(self.get("was")).ok()
    }

    /// A content field entered per language (`name_en`, `name_ru`, …): the interface's languages
    /// and any other a record already held (a page shows those too), so an edit keeps them.
    pub fn text(&self, prefix: &str) -> domain::Text {
        domain::Text(
            self.0
                .iter()
                .filter_map(|(k, v)| Some((language_of(k, prefix)?.to_string(), v.clone())))
                .filter(|(_, v)| !v.trim().is_empty())
                .collect(),
        )
    }

    /// A number field; an unreadable one is refused, naming the field, and a whole number its type
    /// cannot hold says so (negative, or beyond its limits) rather than "not a number".
    pub fn number<T: std::str::FromStr>(&self, name: &str) -> Result<T, crate::AppError> {
        match self.get(name).trim() {
            "" => Err(crate::AppError::field(name, "required")),
            value => value.parse().map_err(|_| {
                let code = match value.parse::<i128>() {
                    Ok(n) if n < 0 && "-1".parse::<T>().is_err() => "negative",
                    Ok(_) => "beyond-limits",
                    Err(_) => "invalid-number",
                };
                crate::AppError::field(name, code)
            }),
        }
    }

    /// A number field that may be left empty.
    pub fn optional_number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, crate::AppError> {
        if self.get(name).trim().is_empty() { Ok(None) } else { self.number(name).map(Some) }
    }

    /// A date field; an unreadable one is reported against the field.
    pub fn date(&self, name: &str, errors: &mut Vec<domain::FieldError>) -> Date {
        self.get(name).trim().parse().unwrap_or_else(|_| {
            errors.push(domain::FieldError { field: name.into(), code: "invalid-date", args: vec![] });
            Date::default()
        })
    }
}

/// Path parameters. One that does not parse (a malformed id) names nothing there is: a 404 in
/// the reader's language, as the page or the API words it, not axum's plain-text 400.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> axum::extract::FromRequestParts<S> for Path<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        <axum::extract::Path<T> as axum::extract::FromRequestParts<S>>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|_| AppError::NotFound)
    }
}

/// Query parameters; a value of the wrong kind (`page=abc`) is invalid input naming its parameter,
/// as a wrong value in a JSON body is, and every such parameter is named, not only the first.
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> axum::extract::FromRequestParts<S> for QueryParams<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        let mut pairs: Vec<(String, String)> =
            form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes()).into_owned().collect();
        let mut mistakes: Vec<domain::FieldError> = Vec::new();
        // serde stops at the first mistake: the parameter it names is set aside and the rest read
        // again, until they read or a mistake names no parameter sent (one missing, say).
        loop {
            let query = form_urlencoded::Serializer::new(String::new()).extend_pairs(&pairs).finish();
            let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
            let error = match serde_path_to_error::deserialize(de) {
                Ok(read) if mistakes.is_empty() => return Ok(QueryParams(read)),
                Ok(_) => break,
                Err(e) => {
                    let (path, message) = (e.path().to_string(), e.inner().to_string());
                    // A query string is always text: what cannot be read is a value, unless no
                    // field is named (by its path, or in the message: one missing or given twice).
                    let named = (path != "." && !path.is_empty()) || named_field(&path, &message).is_some();
                    unreadable(&path, message, named)
                }
            };
            let AppError::Invalid(domain::Invalid(found)) = error else {
                return Err(if mistakes.is_empty() { error } else { AppError::Invalid(domain::Invalid(mistakes)) });
            };
            let sent = pairs.len();
            pairs.retain(|(name, _)| found.iter().all(|f| f.field != *name));
            for mistake in found {
                if mistakes.iter().all(|m| m.field != mistake.field) {
                    mistakes.push(mistake);
                }
            }
            if pairs.len() == sent {
                break;
            }
        }
        Err(AppError::Invalid(domain::Invalid(mistakes)))
    }
}

/// Today in a time zone (an unknown zone counts as UTC).
pub fn today_in(time_zone: &str) -> Date {
    jiff::Timestamp::now()
        .in_tz(time_zone)
        .map_or_else(|_| jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::UTC).date(), |z| z.date())
}

/// The bytes of the file sent in a multipart form's field `name` (other fields are ignored; the
/// CSRF token travels in the header or was checked by the guard).
pub async fn multipart_file(multipart: &mut axum::extract::Multipart, name: &str) -> Result<Bytes, AppError> {
    multipart_upload(multipart, name).await.map(|(_, bytes)| bytes)
}

/// The file sent in a multipart form's field `name`, with the file name the sender gave (if any).
pub async fn multipart_upload(
    multipart: &mut axum::extract::Multipart,
    name: &str,
) -> Result<(Option<String>, Bytes), AppError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            AppError::BadRequest {
                message: e.body_text(),
                field: Some(name.to_string()),
                status: StatusCode::BAD_REQUEST,
            }
        }
    };
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        if field.name() == Some(name) {
            let file_name = field.file_name().map(str::to_string);
            let bytes = field.bytes().await.map_err(unreadable)?;
            if bytes.is_empty() {
                return Err(AppError::field(name, "required"));
            }
            return Ok((file_name, bytes));
        }
    }
    Err(AppError::field(name, "required"))
}

/// A multipart form's text fields, and the bytes of its file field `file` if one was sent.
pub async fn multipart_form(
    multipart: &mut axum::extract::Multipart,
    file: &str,
) -> Result<(Form, Option<Bytes>), AppError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            AppError::BadRequest { message: e.body_text(), field: None, status: StatusCode::BAD_REQUEST }
        }
    };
    let (mut fields, mut bytes) = (Vec::new(), None);
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == file {
            bytes = Some(field.bytes().await.map_err(unreadable)?).filter(|b| !b.is_empty());
        } else {
            fields.push((name, field.text().await.map_err(unreadable)?));
        }
    }
    Ok((Form(fields), bytes))
}

/// An uploaded photo re-encoded without metadata, off the async threads, or the reason it cannot be.
pub async fn photo(bytes: Bytes) -> Result<::render::Photo, AppError> {
    tokio::task::spawn_blocking(move || ::render::photo::normalise(&bytes))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| match e {
            ::render::photo::PhotoError::TooLarge => AppError::PayloadTooLarge,
            ::render::photo::PhotoError::UnsupportedType => AppError::field("photo", "unsupported-photo"),
            ::render::photo::PhotoError::Undecodable(_) => AppError::field("photo", "undecodable-photo"),
        })
}

/// `?size=thumb` on a photo's address asks for its thumbnail.
#[derive(schemars::JsonSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhotoSize {
    size: Option<String>,
}

impl PhotoSize {
    pub fn thumbnail(&self) -> bool {
        self.size.as_deref() == Some("thumb")
    }
}

/// The language of a form's field per language (`title_fr` of `title`), if `key` is one.
pub fn language_of<'a>(key: &'a str, prefix: &str) -> Option<&'a str> {
    key.strip_prefix(prefix)?.strip_prefix('_').filter(|lang| domain::text::is_language_code(lang))
}

/// A form's local date and time (`2025-04-11T12:00`) in a time zone as an instant; empty is `None`,
/// an unreadable one is refused against the field with `code`. A time the clocks skip (spring) is
/// taken as they show it after the jump (02:30 as 03:30).
pub fn local_instant(
    form: &Form,
    field: &str,
    time_zone: &str,
    code: &'static str,
) -> Result<Option<jiff::Timestamp>, AppError> {
    let raw = form.get(field).trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let local: jiff::civil::DateTime = raw.parse().map_err(|_| AppError::field(field, code))?;
    let zone = jiff::tz::TimeZone::get(time_zone).map_err(|_| AppError::field(field, code))?;
    // An hour the clocks pass twice (going back in autumn) is taken the second time: an embargo or
    // a scheduled release then reaches the public late, never early.
    Ok(Some(zone.to_ambiguous_timestamp(local).later().map_err(|_| AppError::field(field, code))?))
}

/// An argon2 hash of a new password, off the async threads (it takes a tenth of a second).
pub async fn password_hash(password: &str) -> Result<String, AppError> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || domain::accounts::hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(fields: &[(&str, &str)]) -> Form {
        Form(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn a_local_time_the_clocks_pass_twice_is_the_later_and_one_they_skip_is_after_the_jump() {
        let at = |local: &str| local_instant(&form(&[("at", local)]), "at", "Europe/Berlin", "invalid-time");
        assert_eq!(at("2025-10-26T02:30").unwrap().unwrap().to_string(), "2025-10-26T01:30:00Z", "the second 02:30");
        assert_eq!(at("2025-03-30T02:30").unwrap().unwrap().to_string(), "2025-03-30T01:30:00Z", "read as 03:30");
        assert_eq!(at("2025-04-11T12:00").unwrap().unwrap().to_string(), "2025-04-11T10:00:00Z");
        assert_eq!(at(" ").unwrap(), None);
        assert!(at("noon").is_err());
    }

    #[test]
    fn a_multilingual_field_takes_every_language_sent() {
        let sent = form(&[("title_en", "Meeting"), ("title_fr", "Réunion"), ("title_ru", " "), ("title_of_x", "no")]);
        let text = sent.text("title");
        assert_eq!(text.0.keys().map(String::as_str).collect::<Vec<_>>(), ["en", "fr"]);
    }
}
