//! Pages: minijinja templates compiled into the binary, with the interface language's messages
//! (`t`), multilingual content (`tr`) and dates (`date`) available to every template.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::Text;
use minijinja::value::{Kwargs, Serde, ValueKind};
use minijinja::{Environment, Error, ErrorKind, State, Value};
use serde_json::{Value as Json, json};

use crate::AppState;
use crate::error::AppError;
use crate::guard::Ctx;
use crate::i18n::{I18n, LANGUAGES};

/// Every template, by name.
pub const TEMPLATES: [(&str, &str); 38] = [
    ("layout.html", include_str!("../templates/layout.html")),
    ("error.html", include_str!("../templates/error.html")),
    ("home.html", include_str!("../templates/home.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("press/event.html", include_str!("../templates/press/event.html")),
    ("press/release.html", include_str!("../templates/press/release.html")),
    ("press/office.html", include_str!("../templates/press/office.html")),
    ("press/apply.html", include_str!("../templates/press/apply.html")),
    ("press/media_programme.html", include_str!("../templates/press/media_programme.html")),
    ("accounts/login.html", include_str!("../templates/accounts/login.html")),
    ("accounts/account.html", include_str!("../templates/accounts/account.html")),
    ("participants/list.html", include_str!("../templates/participants/list.html")),
    ("bodies/list.html", include_str!("../templates/bodies/list.html")),
    ("bodies/show.html", include_str!("../templates/bodies/show.html")),
    ("events/list.html", include_str!("../templates/events/list.html")),
    ("events/show.html", include_str!("../templates/events/show.html")),
    ("events/form.html", include_str!("../templates/events/form.html")),
    ("audit/list.html", include_str!("../templates/audit/list.html")),
    ("delegations/index.html", include_str!("../templates/delegations/index.html")),
    ("delegations/show.html", include_str!("../templates/delegations/show.html")),
    ("delegations/member.html", include_str!("../templates/delegations/member.html")),
    ("delegations/invitation.html", include_str!("../templates/delegations/invitation.html")),
    ("delegations/badge.html", include_str!("../templates/delegations/badge.html")),
    ("lists/participants.html", include_str!("../templates/lists/participants.html")),
    ("seating/speakers.html", include_str!("../templates/seating/speakers.html")),
    ("notices.html", include_str!("../templates/notices.html")),
    ("programme/show.html", include_str!("../templates/programme/show.html")),
    ("programme/days.html", include_str!("../templates/programme/days.html")),
    ("itineraries/show.html", include_str!("../templates/itineraries/show.html")),
    ("itineraries/legs.html", include_str!("../templates/itineraries/legs.html")),
    ("bilaterals/show.html", include_str!("../templates/bilaterals/show.html")),
    ("agenda/show.html", include_str!("../templates/agenda/show.html")),
    ("documents/register.html", include_str!("../templates/documents/register.html")),
    ("documents/show.html", include_str!("../templates/documents/show.html")),
    ("documents/changes.html", include_str!("../templates/documents/changes.html")),
    ("agreements/register.html", include_str!("../templates/agreements/register.html")),
    ("agreements/show.html", include_str!("../templates/agreements/show.html")),
    ("briefings/show.html", include_str!("../templates/briefings/show.html")),
];

pub fn environment(i18n: Arc<I18n>) -> Environment<'static> {
    let mut env = Environment::new();
    // A value a model does not have (a position in no Kazakh) shows as nothing, not as "none"
    // that a form would send back as what was typed.
    env.set_formatter(
        |out, state, value| {
            if value.is_none() { Ok(()) } else { minijinja::escape_formatter(out, state, value) }
        },
    );
    for (name, source) in TEMPLATES {
        env.add_template(name, source).unwrap_or_else(|e| panic!("template {name}: {e}"));
    }
    let messages = i18n.clone();
    env.add_function("t", move |state: &State, key: &str, kwargs: Kwargs| -> Result<String, Error> {
        let lang = lang_of(state);
        let mut args: Vec<(&str, fluent_bundle::FluentValue)> = Vec::new();
        for name in kwargs.args() {
            let value: Value = kwargs.get(name)?;
            // A number stays a number, so that Fluent picks its plural form («3 документа»).
            let value = match value.as_i64() {
                Some(n) => n.into(),
                None => value.to_string().into(),
            };
            args.push((name, value));
        }
        Ok(messages.t(&lang, key, &args))
    });
    env.add_filter("tr", |state: &State, value: Value| -> Result<String, Error> {
        let text: Text = serde_json::from_value(to_json(&value)?).unwrap_or_default();
        Ok(text.get(&lang_of(state)).to_string())
    });
    // The values chosen in a form's multiple choice as a list, however many were sent.
    env.add_filter("chosen", |value: Value| -> Vec<Value> {
        if value.is_undefined() || value.is_none() {
            Vec::new()
        } else if value.kind() == ValueKind::Seq {
            value.try_iter().map(Iterator::collect).unwrap_or_default()
        } else {
            vec![value]
        }
    });
    let notes = i18n.clone();
    // An event's note on the times shown: local, in its city, so far from UTC.
    env.add_filter("local_time", move |state: &State, event: Value| -> Result<String, Error> {
        #[derive(serde::Deserialize)]
        struct Event {
            city: Text,
            time_zone: String,
            start_date: jiff::civil::Date,
            end_date: jiff::civil::Date,
        }
        let e: Event = serde_json::from_value(to_json(&event)?)
            .map_err(|e| Error::new(ErrorKind::InvalidOperation, format!("not an event: {e}")))?;
        let lang = lang_of(state);
        Ok(time_note(&notes, &lang, e.city.get(&lang), &e.time_zone, e.start_date, e.end_date))
    });
    // The languages a multilingual form offers: the interface's, then any other its values hold
    // (`title_fr`), so that sending the form back keeps them.
    env.add_function("languages_in", |form: Value, prefixes: minijinja::value::Rest<String>| -> Vec<String> {
        let mut others = std::collections::BTreeSet::new();
        for key in form.try_iter().into_iter().flatten() {
            let key = key.to_string();
            let lang = prefixes.iter().find_map(|p| crate::input::language_of(&key, p));
            if let Some(lang) = lang.filter(|l| !LANGUAGES.contains(l)) {
                others.insert(lang.to_string());
            }
        }
        LANGUAGES.iter().map(|l| l.to_string()).chain(others).collect()
    });
    let names = i18n.clone();
    env.add_filter("language", move |state: &State, code: &str| names.language(&lang_of(state), code));
    let spans = i18n.clone();
    // `first|days(last)`: a span of days as people write it, «10–11 апреля 2025 г.».
    env.add_filter("days", move |state: &State, first: &str, last: &str| -> Result<String, Error> {
        Ok(spans.dates(&lang_of(state), civil_date(first)?, civil_date(last)?))
    });
    let dates = i18n;
    // `|date`, or `|date("from")` as a phrase of time needs it ([`I18n::date_as`]).
    env.add_filter("date", move |state: &State, value: &str, case: Option<&str>| -> Result<String, Error> {
        let case = case.unwrap_or_default();
        if !["", "on", "from", "until"].contains(&case) {
            return Err(Error::new(ErrorKind::InvalidOperation, format!("no date case {case:?}")));
        }
        Ok(dates.date_as(&lang_of(state), civil_date(value)?, case))
    });
    env
}

fn civil_date(value: &str) -> Result<jiff::civil::Date, Error> {
    value.parse().map_err(|e| Error::new(ErrorKind::InvalidOperation, format!("not a date: {e}")))
}

/// The note on an event's times: local, in `city`, and how far from UTC over its days.
pub fn time_note(
    i18n: &I18n,
    lang: &str,
    city: &str,
    time_zone: &str,
    start: jiff::civil::Date,
    end: jiff::civil::Date,
) -> String {
    let offset = domain::events::utc_offsets(time_zone, start, end);
    i18n.t(lang, "programme-time-zone", &[("city", city.to_string().into()), ("offset", offset.into())])
}

fn lang_of(state: &State) -> String {
    state.lookup("ui").and_then(|ui| ui.get_attr("lang").ok()).map_or_else(|| "en".to_string(), |l| l.to_string())
}

fn to_json(value: &Value) -> Result<Json, Error> {
    serde_json::to_value(value).map_err(|e| Error::new(ErrorKind::InvalidOperation, e.to_string()))
}

/// How a form handler ends: the redirect to `outcome`'s location on success; on invalid input the
/// form again with status 422 and each message by its field (`reshow` renders it); on a conflict
/// (the record changed since the form was read) the form again with status 409, what was typed
/// kept and the reason on the page as a whole (`form`), the page showing the record as it is now;
/// on a refusal (what the record's state does not allow, 409, or gives to another, 403) or a clash
/// with the programme (409), the form again with that status and the words of the refusal or the clashes as the page's reason; other
/// errors as they are.
pub async fn form_outcome<F, Fut>(
    state: &AppState,
    ctx: &Ctx,
    outcome: Result<String, AppError>,
    reshow: F,
) -> Result<Response, AppError>
where
    F: FnOnce(Json) -> Fut,
    Fut: std::future::Future<Output = Result<Html<String>, AppError>>,
{
    match outcome {
        Ok(location) => Ok(Redirect::to(&location).into_response()),
        Err(AppError::Invalid(invalid)) => {
            let errors = state.i18n.field_errors(ctx.lang, &invalid);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, reshow(errors).await?).into_response())
        }
        Err(AppError::Conflict { .. }) => {
            let changed = domain::FieldError { field: "form".into(), code: "changed-meanwhile", args: vec![] };
            let errors = state.i18n.field_errors(ctx.lang, &domain::Invalid(vec![changed]));
            Ok((StatusCode::CONFLICT, reshow(errors).await?).into_response())
        }
        // What the state of things does not allow (a refusal, a clash with the programme) is said
        // on the form's page, so that what was typed stays in front of the reader rather than on
        // an error page.
        Err(refusal @ (AppError::Refused { .. } | AppError::Clash { .. })) => {
            let body = crate::error::body(&refusal, &state.i18n, ctx.lang);
            // The refusal's sentence, then each clash's.
            let message = std::iter::once(body.message.as_str())
                .chain(body.details.iter().map(|d| d.message.as_str()))
                .collect::<Vec<_>>()
                .join(" ");
            Ok((refusal.status(), reshow(json!({ "form": message })).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `errors` with, beside each field another user changed too while the reader had the form open,
/// what it is now: sending the form again writes the reader's value over it, so it is shown.
/// `choices` name the fields whose values are choices, with the prefix of their words
/// (`("status", "agenda-status-")`), so that a choice is said as the form offers it.
pub fn changed_meanwhile(
    state: &AppState,
    ctx: &Ctx,
    mut errors: Json,
    resent: &crate::input::Resent,
    choices: &[(&str, &str)],
) -> Json {
    for (field, now) in &resent.meanwhile {
        let now = match choices.iter().find(|(name, _)| name == field) {
            Some((_, words)) => now
                .split(", ")
                .filter(|c| !c.is_empty())
                .map(|c| state.i18n.t(ctx.lang, &format!("{words}{c}"), &[]))
                .collect::<Vec<_>>()
                .join(", "),
            None => now.clone(),
        };
        let said = json!(state.i18n.t(ctx.lang, "error-changed-meanwhile-to", &[("value", now.into())]));
        // A field per language (`name_ru`) has its mistakes said under the text's (`name.ru`).
        if let Some((text, lang)) = field.rsplit_once('_').filter(|(_, l)| domain::text::is_language_code(l)) {
            errors[format!("{text}.{lang}")] = said.clone();
        }
        errors[field.as_str()] = said;
    }
    errors
}

/// Renders a page for the request's reader: `model` plus the `ui` object every page uses.
pub fn page(state: &AppState, ctx: &Ctx, template: &str, model: Json) -> Result<Html<String>, AppError> {
    fragment(state, ctx, template, model).map(Html)
}

/// Renders a template for the request's reader, to stand as a page or as part of one.
pub fn fragment(state: &AppState, ctx: &Ctx, template: &str, model: Json) -> Result<String, AppError> {
    let ui = json!({
        "lang": ctx.lang,
        "languages": LANGUAGES,
        "user": ctx.user.as_ref().map(|u| json!({ "username": u.username, "display_name": u.display_name })),
        "csrf": ctx.csrf,
        "here": ctx.here,
        "here_escaped": crate::guard::url_escape(&ctx.here),
        "demo": state.config.demo,
        "audit": domain::policy::authorize(&ctx.actor, domain::policy::Action::ReadAudit).is_ok(),
    });
    render_with(state, template, ui, model)
}

/// Renders a template with a minimal `ui` object (tests render every template this way).
pub fn render_raw(state: &AppState, template: &str, lang: &'static str, model: Json) -> Result<String, AppError> {
    let ui = json!({ "lang": lang, "languages": LANGUAGES, "user": null, "csrf": null, "here": "/", "here_escaped": "/", "demo": false });
    render_with(state, template, ui, model)
}

fn render_with(state: &AppState, template: &str, ui: Json, mut model: Json) -> Result<String, AppError> {
    if let Json::Object(map) = &mut model {
        map.insert("ui".into(), ui);
    }
    let tmpl = state.templates.get_template(template).map_err(|e| AppError::Internal(format!("{e:#}")))?;
    tmpl.render(Value::from(Serde(&model))).map_err(|e| AppError::Internal(format!("template {template}: {e:#}")))
}

/// The media type of XLSX workbooks.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// How a browser should treat a file: show it, or save it.
#[derive(Debug, Clone, Copy)]
pub enum Disposition {
    Inline,
    Attachment,
}

/// A file as a response: its type and the name a browser saves it under.
pub fn file(body: impl Into<axum::body::Body>, mime: &str, disposition: Disposition, name: &str) -> Response {
    let disposition = match disposition {
        Disposition::Inline => "inline",
        Disposition::Attachment => "attachment",
    };
    let headers = [
        (axum::http::header::CONTENT_TYPE, mime.to_string()),
        (axum::http::header::CONTENT_DISPOSITION, content_disposition(disposition, name)),
    ];
    (headers, body.into()).into_response()
}

/// The header naming a file (RFC 6266): a name in Cyrillic ("СМИД-2025-18-v2-ru.pdf") goes as
/// UTF-8 in `filename*`, which browsers read, with an ASCII stand-in in `filename` for those that
/// do not.
fn content_disposition(disposition: &str, name: &str) -> String {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' && c != '%' { c } else { '_' }).collect();
    if ascii == name {
        return format!("{disposition}; filename=\"{name}\"");
    }
    // Names come with `/` replaced (a register number's), so the percent-encoding of paths serves.
    format!("{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{}", crate::guard::url_escape(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_in_cyrillic_goes_as_utf8_beside_an_ascii_stand_in() {
        assert_eq!(content_disposition("inline", "programme-en.pdf"), "inline; filename=\"programme-en.pdf\"");
        assert_eq!(
            content_disposition("inline", "СМИД-1.pdf"),
            "inline; filename=\"____-1.pdf\"; filename*=UTF-8''%D0%A1%D0%9C%D0%98%D0%94-1.pdf"
        );
    }

    #[test]
    fn a_number_given_to_a_message_takes_its_plural_form() {
        let env = environment(Arc::new(I18n::new()));
        let found = |lang: &str, count: i64| {
            let ui = minijinja::context! { lang => lang };
            env.render_str("{{ t('documents-found', count=n) }}", minijinja::context! { ui, n => count }).unwrap()
        };
        assert_eq!(found("ru", 3), "3 документа");
        assert_eq!(found("ru", 21), "21 документ");
        assert_eq!(found("ru", 11), "11 документов");
        assert_eq!(found("en", 1), "One document");
    }

    #[test]
    fn a_missing_value_shows_as_nothing() {
        let env = environment(Arc::new(I18n::new()));
        let form = serde_json::json!({ "position_kk": null, "position_en": "Adviser" });
        let shown = env.render_str(
            "[{{ form.position_kk }}|{{ form.position_en }}]",
            minijinja::context! { form => Value::from(Serde(&form)) },
        );
        assert_eq!(shown.unwrap(), "[|Adviser]");
    }

    #[test]
    fn a_form_offers_the_interfaces_languages_then_those_its_values_hold() {
        let env = environment(Arc::new(I18n::new()));
        let form =
            minijinja::context! { title_fr => "Réunion", body_ar => "اجتماع", title_en => "Meeting", version => 3 };
        let offered =
            env.render_str("{{ languages_in(form, 'title', 'body')|join(',') }}", minijinja::context! { form });
        assert_eq!(offered.unwrap(), "en,ru,kk,ar,fr");
        let none = env.render_str("{{ languages_in(missing, 'title')|join(',') }}", minijinja::context! {});
        assert_eq!(none.unwrap(), "en,ru,kk");
    }
}
