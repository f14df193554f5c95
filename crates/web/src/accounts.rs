//! Logging in and out, one's own account, the password, and the API session.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use domain::accounts::{Role, hash_password, new_secret, validate_new_password, verify_password};
use domain::policy::{Action, authorize};
use serde::Deserialize;
use serde_json::{Value, json};
use store::accounts::User;

use crate::AppState;
use crate::error::AppError;
use crate::guard::{Ctx, SESSION_COOKIE};
use crate::input::{Form, JsonBody};
use crate::render;
use crate::routes::{NO_CONTENT, Registry};
use crate::system::local_path;

/// How long a session lasts without logging in again.
const SESSION_DAYS: i64 = 14;

pub(crate) fn routes(r: Registry) -> Registry {
    r.get("/login", "The login form", login_form)
        .post("/login", "Log in with a password", login)
        .post("/logout", "Log out", logout)
        .get("/account", "One's own account and roles", account)
        .get("/notices", "One's notices", notices)
        .post("/account/password", "Change one's own password", change_password)
        .post("/api/v1/session", "Log in with a password; sets the session cookie", api_login)
        .delete("/api/v1/session", "Log out", api_logout)
        .answering(NO_CONTENT)
        .get("/api/v1/me", "The logged-in user and their roles", api_me)
        .put("/api/v1/me/password", "Change one's own password", api_change_password)
        .answering(NO_CONTENT)
}

/// Why a login failed, for the form and the API.
enum LoginFailure {
    Wrong,
    DemoOnly,
    Throttled,
}

impl LoginFailure {
    fn key(&self) -> &'static str {
        match self {
            LoginFailure::Wrong => "login-failed",
            LoginFailure::DemoOnly => "login-demo-only",
            LoginFailure::Throttled => "login-too-many",
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            LoginFailure::Throttled => StatusCode::TOO_MANY_REQUESTS,
            _ => StatusCode::UNAUTHORIZED,
        }
    }
}

/// Checks a username and password; opens a session and returns its cookie and CSRF token.
async fn open_session(
    state: &AppState,
    username: &str,
    password: &str,
) -> Result<Result<(User, Cookie<'static>, String), LoginFailure>, AppError> {
    if !state.login_limiter.allows(username) {
        return Ok(Err(LoginFailure::Throttled));
    }
    let user = match store::accounts::by_username(&state.store, username).await {
        Ok(user) => Some(user),
        Err(store::StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    // Verify against a hash even for unknown users, so timing does not reveal which names exist.
    let hash = user.as_ref().map_or(DUMMY_HASH.as_str(), |u| u.password_hash.as_str()).to_string();
    let password = password.to_string();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let Some(user) = user.filter(|_| ok) else {
        state.login_limiter.failed(username);
        return Ok(Err(LoginFailure::Wrong));
    };
    if user.demo && !state.config.demo {
        return Ok(Err(LoginFailure::DemoOnly));
    }
    state.login_limiter.succeeded(username);
    let secret = new_secret();
    let csrf = new_secret();
    store::accounts::create_session(&state.store, user.id, &secret, &csrf, time::Duration::days(SESSION_DAYS)).await?;
    Ok(Ok((user, session_cookie(state, secret), csrf)))
}

/// A hash verified against when the username is unknown.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| hash_password(&new_secret()));

fn session_cookie(state: &AppState, secret: String) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, secret))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies)
        .max_age(time::Duration::days(SESSION_DAYS))
        .build()
}

fn removal_cookie() -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, "")).path("/").build()
}

#[derive(schemars::JsonSchema, Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_form(State(state): State<AppState>, ctx: Ctx, Query(q): Query<NextQuery>) -> Result<Response, AppError> {
    let next = local_path(q.next.as_deref()).to_string();
    if ctx.user.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    Ok(render::page(&state, &ctx, "accounts/login.html", json!({ "next": next, "username": "" }))?.into_response())
}

async fn login(State(state): State<AppState>, ctx: Ctx, jar: CookieJar, form: Form) -> Result<Response, AppError> {
    let username = form.get("username").trim().to_string();
    let next = local_path(Some(form.get("next"))).to_string();
    match open_session(&state, &username, form.get("password")).await? {
        Ok((_, cookie, _)) => Ok((jar.add(cookie), Redirect::to(&next)).into_response()),
        Err(failure) => {
            let error = state.i18n.t(ctx.lang, failure.key(), &[]);
            let page = render::page(
                &state,
                &ctx,
                "accounts/login.html",
                json!({ "next": next, "username": username, "error": error }),
            )?;
            Ok((failure.status(), page).into_response())
        }
    }
}

async fn logout(State(state): State<AppState>, ctx: Ctx, jar: CookieJar) -> Result<(CookieJar, Redirect), AppError> {
    if let Some(secret) = &ctx.session {
        store::accounts::delete_session(&state.store, secret).await?;
    }
    Ok((jar.remove(removal_cookie()), Redirect::to("/")))
}

/// The roles of a user with the names of what they are scoped to.
async fn roles_view(state: &AppState, roles: &[Role]) -> Result<Vec<Value>, AppError> {
    let bodies = store::bodies::list(&state.store).await?;
    let participants = store::participants::list(&state.store).await?;
    let participant = |id| participants.iter().find(|p| p.id == id).map(|p| p.short_name.clone());
    let mut view = Vec::with_capacity(roles.len());
    for role in roles {
        let event = match *role {
            Role::Host { event, .. } | Role::Press { event } | Role::AccreditationOfficer { event, .. } => {
                Some(store::events::by_id(&state.store, event).await?.name)
            }
            _ => None,
        };
        let scope = match *role {
            Role::Admin => None,
            Role::Secretariat { body } => bodies.iter().find(|b| b.id == body).map(|b| b.name.clone()),
            Role::Host { .. } | Role::Press { .. } => event,
            Role::Ministry { participant: p } => participant(p),
            Role::AccreditationOfficer { participant: p, .. } => {
                event.zip(participant(p)).map(|(e, p)| e.joined(&p, " — "))
            }
        };
        view.push(json!({ "role": role.name(), "scope": scope.unwrap_or_default(), "grant": role }));
    }
    Ok(view)
}

async fn account(State(state): State<AppState>, ctx: Ctx) -> Result<Html<String>, AppError> {
    authorize(&ctx.actor, Action::ManageOwnAccount)?;
    let roles = roles_view(&state, &ctx.actor.roles).await?;
    render::page(&state, &ctx, "accounts/account.html", json!({ "roles": roles, "errors": {} }))
}

/// Checks the current password and stores a new one; the caller's session stays open.
async fn set_own_password(state: &AppState, ctx: &Ctx, current: &str, new: &str) -> Result<bool, AppError> {
    let user = ctx.user.as_ref().ok_or(AppError::Unauthorized)?;
    validate_new_password(new)?;
    let (current, stored, new) = (current.to_string(), user.password_hash.clone(), new.to_string());
    let hashed = tokio::task::spawn_blocking(move || verify_password(&current, &stored).then(|| hash_password(&new)))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let Some(hash) = hashed else { return Ok(false) };
    let mut tx = state.store.begin().await?;
    store::accounts::set_password(&mut tx, &ctx.actor, user.id, &hash, ctx.session.as_deref()).await?;
    tx.commit().await?;
    Ok(true)
}

async fn change_password(State(state): State<AppState>, ctx: Ctx, form: Form) -> Result<Response, AppError> {
    authorize(&ctx.actor, Action::ManageOwnAccount)?;
    let roles = roles_view(&state, &ctx.actor.roles).await?;
    let (status, model) =
        match set_own_password(&state, &ctx, form.get("current_password"), form.get("new_password")).await {
            Ok(true) => {
                (StatusCode::OK, json!({ "message": state.i18n.t(ctx.lang, "password-changed", &[]), "errors": {} }))
            }
            Ok(false) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({ "error": state.i18n.t(ctx.lang, "password-wrong", &[]), "errors": {} }),
            ),
            Err(AppError::Invalid(invalid)) => {
                let errors = state.i18n.field_errors(ctx.lang, &invalid);
                (StatusCode::UNPROCESSABLE_ENTITY, json!({ "errors": errors }))
            }
            Err(e) => return Err(e),
        };
    let mut model = model;
    model["roles"] = json!(roles);
    Ok((status, render::page(&state, &ctx, "accounts/account.html", model)?).into_response())
}

#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct Credentials {
    username: String,
    password: String,
}

async fn api_login(
    State(state): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    JsonBody(c): JsonBody<Credentials>,
) -> Result<Response, AppError> {
    match open_session(&state, c.username.trim(), &c.password).await? {
        Ok((user, cookie, csrf)) => {
            let roles = store::accounts::roles(&state.store, user.id).await?;
            Ok((jar.add(cookie), Json(json!({ "user": user, "roles": roles, "csrf_token": csrf }))).into_response())
        }
        Err(LoginFailure::Throttled) => Err(AppError::TooManyRequests),
        Err(failure) => {
            let message = state.i18n.t(ctx.lang, failure.key(), &[]);
            Ok((failure.status(), Json(json!({ "error": { "code": "unauthorized", "message": message } })))
                .into_response())
        }
    }
}

async fn api_logout(
    State(state): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
) -> Result<(CookieJar, StatusCode), AppError> {
    authorize(&ctx.actor, Action::ManageOwnAccount)?;
    if let Some(secret) = &ctx.session {
        store::accounts::delete_session(&state.store, secret).await?;
    }
    Ok((jar.remove(removal_cookie()), StatusCode::NO_CONTENT))
}

async fn api_me(ctx: Ctx) -> Result<Json<Value>, AppError> {
    authorize(&ctx.actor, Action::ManageOwnAccount)?;
    Ok(Json(json!({ "user": ctx.user, "roles": ctx.actor.roles, "csrf_token": ctx.csrf })))
}

#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordChange {
    current_password: String,
    new_password: String,
}

async fn api_change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    JsonBody(p): JsonBody<PasswordChange>,
) -> Result<StatusCode, AppError> {
    authorize(&ctx.actor, Action::ManageOwnAccount)?;
    if set_own_password(&state, &ctx, &p.current_password, &p.new_password).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::field("current_password", "wrong-password"))
    }
}

async fn notices(State(state): State<AppState>, ctx: Ctx) -> Result<Html<String>, AppError> {
    authorize(&ctx.actor, Action::ManageOwnAccount)?;
    let user = ctx.user.as_ref().ok_or(AppError::Unauthorized)?;
    // When each was written, in UTC: a person's notices span events in several time zones.
    let notices: Vec<Value> = store::delegations::notices_of(&state.store, user.id)
        .await?
        .into_iter()
        .map(|(n, at)| {
            let at = at.to_zoned_datetime(jiff::tz::TimeZone::UTC);
            json!({ "subject": n.subject, "body": n.body, "lang": n.lang, "at": state.i18n.date_time(ctx.lang, &at) })
        })
        .collect();
    render::page(&state, &ctx, "notices.html", json!({ "notices": notices }))
}
