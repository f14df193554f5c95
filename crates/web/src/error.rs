//! Errors, mapped to HTTP in one place. A handler returns [`AppError`]; its response carries the
//! error itself, and the guard renders it in the reader's language: the JSON body of DESIGN.md under
//! `/api`, an HTML page elsewhere. Database details are logged, never shown.

use std::sync::Arc;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::Invalid;
use domain::policy::Denied;
use serde::Serialize;
use serde_json::json;
use store::StoreError;

use crate::i18n::I18n;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request could not be read (malformed JSON, a value of the wrong type, an unknown field).
    #[error("malformed request: {message}")]
    BadRequest { message: String, field: Option<String>, status: StatusCode },
    /// A body that is not JSON at all: where the parser stopped.
    #[error("malformed JSON at line {line}, column {column}")]
    MalformedJson { line: usize, column: usize },
    /// A body that is JSON, or empty, but not the object every request body is.
    #[error("the body is not a JSON object")]
    NotAnObject,
    /// A body sent as something else than JSON.
    #[error("the body is not sent as JSON")]
    NotJson,
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// A file that could not be imported, with every problem found in it (row, column, reason).
    #[error("import refused: {message}")]
    Import { message: String, details: Vec<Detail> },
    #[error("not logged in")]
    Unauthorized,
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("not found")]
    NotFound,
    /// A change that would put a person or a room in two places at once, with each clash in words.
    #[error("refused: {message}")]
    Clash { message: String, details: Vec<Detail> },
    /// A change the state of things does not allow (a withdrawn request, an adopted agenda):
    /// worded in the reader's language by the message `refused-{key}` (see [`REFUSALS`]).
    /// `status`: 409 for what the state of things does not allow, 403 for what it gives another to do.
    #[error("refused: {key}")]
    Refused { key: &'static str, args: Vec<(&'static str, String)>, status: StatusCode },
    #[error("conflict: {entity} is now at version {current}")]
    Conflict { entity: &'static str, current: i64 },
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("too many requests")]
    TooManyRequests,
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// The same error with each invalid field named as `rename` says, so that a page holding
    /// several forms says a mistake beside the form that was sent.
    pub fn renamed(self, rename: impl Fn(&str) -> String) -> AppError {
        match self {
            AppError::Invalid(Invalid(mistakes)) => AppError::Invalid(Invalid(
                mistakes.into_iter().map(|m| domain::FieldError { field: rename(&m.field), ..m }).collect(),
            )),
            other => other,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest { status, .. } => *status,
            AppError::MalformedJson { .. } | AppError::NotAnObject => StatusCode::BAD_REQUEST,
            AppError::NotJson => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Invalid(_) | AppError::Import { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Refused { status, .. } => *status,
            AppError::Conflict { .. } | AppError::Clash { .. } => StatusCode::CONFLICT,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest { .. } | AppError::MalformedJson { .. } | AppError::NotAnObject => "bad_request",
            AppError::NotJson => "unsupported_media_type",
            AppError::Invalid(_) => "invalid",
            AppError::Import { .. } => "import_refused",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden(_) | AppError::Refused { status: StatusCode::FORBIDDEN, .. } => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Conflict { .. } => "conflict",
            AppError::Clash { .. } => "clash",
            AppError::Refused { .. } => "refused",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::TooManyRequests => "too_many_requests",
            AppError::Internal(_) => "internal",
        }
    }

    /// A refusal worded by the message `refused-{key}`, one of [`REFUSALS`].
    pub fn refused(key: &'static str) -> Self {
        Self::refused_with(key, Vec::new())
    }

    /// A refusal whose wording names something (`args`: the message's variables).
    pub fn refused_with(key: &'static str, args: Vec<(&'static str, String)>) -> Self {
        debug_assert!(REFUSALS.contains(&key), "refusal {key} is not in REFUSALS");
        AppError::Refused { key, args, status: StatusCode::CONFLICT }
    }

    /// Not the reader's to do, for a reason worded as a refusal is: the reader may see the thing,
    /// but its state gives the act to another, or the request lacks what the reader's session
    /// requires of it (its CSRF token).
    pub fn forbidden(key: &'static str) -> Self {
        debug_assert!(REFUSALS.contains(&key), "refusal {key} is not in REFUSALS");
        AppError::Refused { key, args: Vec::new(), status: StatusCode::FORBIDDEN }
    }

    /// One invalid field, for problems found at the edge (a date that does not parse).
    pub fn field(field: &str, code: &'static str) -> Self {
        Self::field_with(field, code, Vec::new())
    }

    /// One invalid field whose message names values (`min`, `max`…).
    pub fn field_with(field: &str, code: &'static str, args: Vec<(&'static str, String)>) -> Self {
        AppError::Invalid(Invalid(vec![domain::FieldError { field: field.to_string(), code, args }]))
    }
}

/// Every refusal's key. Each is worded in every language as `refused-{key}`; a test holds them to it.
pub const REFUSALS: [&str; 32] = [
    "item-cancelled-already",
    "request-withdrawn",
    "request-declined",
    "request-not-a-side",
    "request-requester-only",
    "request-own-declined",
    "bilaterals-not-confirmable",
    "meeting-confirmed",
    "schedule-impossible",
    "agenda-adopted-no-new-item",
    "agenda-adopted-status-only",
    "agenda-adopted-already",
    "agenda-draft",
    "release-transition",
    "release-empty",
    "photo-shown",
    "already-applied",
    "document-closed-to-amendments",
    "document-closed-to-responses",
    "csrf-token",
    "amended-version-outdated",
    "amendment-not-pending",
    "adopted-text-frozen",
    "amendments-same-paragraph",
    "decision-taken",
    "internal-paper-undecided",
    "no-member-joined",
    "not-adopted-by-rule",
    "pdf-missing-glyph",
    "adopted-by-rule",
    "stance-changed",
    "only-adopted-signed",
];

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict { entity, current } => AppError::Conflict { entity, current },
            StoreError::Duplicate { field } => AppError::field(field, "duplicate"),
            StoreError::Unknown { field } => AppError::field(field, "unknown"),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<Denied> for AppError {
    fn from(d: Denied) -> Self {
        match d {
            Denied::NotLoggedIn => AppError::Unauthorized,
            Denied::NotAllowed(why) => AppError::Forbidden(why),
        }
    }
}

/// The shared error body: `{"error": {"code", "message", "field"?, "details"?}}`.
#[derive(Debug, Serialize)]
pub struct ErrorBody {
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<Detail>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The line (CSV) or row (XLSX) of an imported file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    pub message: String,
}

/// What an error says in one line, beside the row or form it was sent from: each problem's words,
/// or the error's.
pub fn said_in_one_line(err: &AppError, i18n: &I18n, lang: &str) -> String {
    let said = body(err, i18n, lang);
    if said.details.is_empty() {
        said.message
    } else {
        said.details.into_iter().map(|d| d.message).collect::<Vec<_>>().join(" ")
    }
}

/// The error in the reader's language.
pub fn body(err: &AppError, i18n: &I18n, lang: &str) -> ErrorBody {
    let status_message = i18n.t(lang, &format!("error-status-{}", err.status().as_u16()), &[]);
    // A body that could not be read at all: the status's message, and what was wrong with it.
    let unread = |detail: Option<String>| ErrorBody {
        code: err.code(),
        message: status_message.clone(),
        field: None,
        details: detail.map(|message| Detail { field: None, row: None, column: None, message }).into_iter().collect(),
    };
    match err {
        AppError::MalformedJson { line, column } => {
            let args = [("line", (*line).into()), ("column", (*column).into())];
            unread(Some(i18n.t(lang, "error-malformed-json", &args)))
        }
        AppError::NotAnObject => unread(Some(i18n.t(lang, "error-json-not-object", &[]))),
        AppError::NotJson => unread(None),
        // The parser's own words (English, with a line and column) are for whoever wrote the
        // request: a detail, not the message.
        AppError::BadRequest { message, field, .. } => ErrorBody {
            code: err.code(),
            message: status_message,
            field: field.clone(),
            details: vec![Detail { field: field.clone(), row: None, column: None, message: message.clone() }],
        },
        AppError::Invalid(invalid) => {
            let details: Vec<Detail> = invalid
                .0
                .iter()
                .map(|e| Detail {
                    field: Some(e.field.clone()),
                    row: None,
                    column: None,
                    message: i18n.field_error(lang, e),
                })
                .collect();
            let field = if details.len() == 1 { details[0].field.clone() } else { None };
            ErrorBody { code: err.code(), message: status_message, field, details }
        }
        // A refusal is not a change made meanwhile: its own words replace the status's.
        AppError::Refused { key, args, .. } => {
            let args: Vec<_> = args.iter().map(|(name, value)| (*name, value.as_str().into())).collect();
            let message = i18n.t(lang, &format!("refused-{key}"), &args);
            ErrorBody { code: err.code(), message, field: None, details: vec![] }
        }
        AppError::Import { message, details } | AppError::Clash { message, details } => {
            ErrorBody { code: err.code(), message: message.clone(), field: None, details: details.clone() }
        }
        _ => ErrorBody { code: err.code(), message: status_message, field: None, details: vec![] },
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let status = self.status();
        let mut response = (status, Json(json!({ "error": { "code": self.code() } }))).into_response();
        response.extensions_mut().insert(Arc::new(self));
        response
    }
}
