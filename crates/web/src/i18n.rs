//! The interface languages. Messages live in Fluent files (`i18n/*.ftl`), compiled into the binary.

use std::collections::HashMap;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use jiff::civil::Date;

/// The interface languages, the first being the default.
pub const LANGUAGES: [&str; 3] = ["en", "ru", "kk"];

const SOURCES: [(&str, &str); 3] = [
    ("en", include_str!("../i18n/en.ftl")),
    ("ru", include_str!("../i18n/ru.ftl")),
    ("kk", include_str!("../i18n/kk.ftl")),
];

pub struct I18n {
    bundles: HashMap<&'static str, FluentBundle<FluentResource>>,
}

impl Default for I18n {
    fn default() -> Self {
        Self::new()
    }
}

impl I18n {
    /// Loads the compiled-in messages; a syntax error in a Fluent file is a bug caught by the tests.
    pub fn new() -> Self {
        let bundles = SOURCES
            .iter()
            .map(|(lang, source)| {
                let resource = FluentResource::try_new(source.to_string())
                    .unwrap_or_else(|(_, errors)| panic!("{lang}.ftl: {errors:?}"));
                let mut bundle = FluentBundle::new_concurrent(vec![lang.parse().expect("a valid language tag")]);
                // Isolation marks would end up inside attributes and test assertions.
                bundle.set_use_isolating(false);
                bundle.add_resource(resource).unwrap_or_else(|errors| panic!("{lang}.ftl: {errors:?}"));
                (*lang, bundle)
            })
            .collect();
        I18n { bundles }
    }

    /// The name of the language `code` in `lang`; the code itself for a language the interface
    /// has no name for (a document may be in any language).
    pub fn language(&self, lang: &str, code: &str) -> String {
        match LANGUAGES.contains(&code) {
            true => self.t(lang, &format!("lang-{code}"), &[]),
            false => code.to_string(),
        }
    }

    /// The message `key` in `lang`, else in English, else the key itself (so a gap shows, not a blank).
    pub fn t(&self, lang: &str, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        for l in [lang, "en"] {
            let Some(bundle) = self.bundles.get(l) else {
                continue;
            };
            let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
                continue;
            };
            let mut errors = Vec::new();
            return bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned();
        }
        key.to_string()
    }

    /// A validation problem in words.
    /// A `language` argument, a language's code, is said by the language's name.
    pub fn field_error(&self, lang: &str, e: &domain::FieldError) -> String {
        let args: Vec<(&str, FluentValue)> = e
            .args
            .iter()
            .map(|(k, v)| match *k {
                "language" => (*k, FluentValue::from(self.language(lang, v))),
                "date" => (*k, FluentValue::from(v.parse().map_or_else(|_| v.clone(), |d| self.date(lang, d)))),
                _ => (*k, FluentValue::from(v.as_str())),
            })
            .collect();
        self.t(lang, &format!("error-{}", e.code), &args)
    }

    /// A query parameter's name as the reader's language says it (`page` → «Страница»); one
    /// without words (a parameter no route reads) is shown as sent.
    pub fn parameter(&self, lang: &str, name: &str) -> String {
        let key = format!("param-{name}");
        if self.bundles.get("en").is_some_and(|b| b.has_message(&key)) {
            self.t(lang, &key, &[])
        } else {
            name.to_string()
        }
    }

    /// Every problem of a command, as `{field: message}` for a form to show by its fields.
    pub fn field_errors(&self, lang: &str, invalid: &domain::Invalid) -> serde_json::Value {
        invalid.0.iter().map(|e| (e.field.clone(), serde_json::Value::from(self.field_error(lang, e)))).collect()
    }

    /// A civil date written out in the language ("11 April 2025", «11 апреля 2025 г.»).
    pub fn date(&self, lang: &str, d: Date) -> String {
        self.written(lang, d, "month")
    }

    /// The day something was done on, as a sentence needs it: Kazakh puts the month in the
    /// locative («2025 жылғы 20 сәуірде»); English and Russian write it as [`I18n::date`] does.
    pub fn date_on(&self, lang: &str, d: Date) -> String {
        self.written(lang, d, "month-on")
    }

    /// A date as a phrase of time needs it, by `case`: `from` ("since …", Kazakh ablative),
    /// `until` (Kazakh dative), `on` as [`I18n::date_on`]; anything else as [`I18n::date`].
    pub fn date_as(&self, lang: &str, d: Date, case: &str) -> String {
        match case {
            "from" | "until" | "on" => self.written(lang, d, &format!("month-{case}")),
            _ => self.date(lang, d),
        }
    }

    /// A date written out with its month's name from the messages `{months}-1` to `{months}-12`.
    fn written(&self, lang: &str, d: Date, months: &str) -> String {
        let month = self.t(lang, &format!("{months}-{}", d.month()), &[]);
        self.t(
            lang,
            "date-long",
            &[("day", d.day().into()), ("month", month.into()), ("year", d.year().to_string().into())],
        )
    }

    /// A moment written out with its date in the language and its time, where it is given
    /// ("11 April 2025, 10:00").
    pub fn date_time(&self, lang: &str, at: &jiff::ZonedDateTime) -> String {
        let args = [("date", self.date(lang, at.date()).into()), ("time", at.strftime("%H:%M").to_string().into())];
        self.t(lang, "date-time", &args)
    }

    /// A span of days as people write them: "10–11 April 2025" within one month, both dates in
    /// full across months, one date for one day.
    pub fn dates(&self, lang: &str, first: Date, last: Date) -> String {
        if first == last {
            return self.date(lang, first);
        }
        if (first.year(), first.month()) != (last.year(), last.month()) {
            return format!("{} – {}", self.date(lang, first), self.date(lang, last));
        }
        let month = self.t(lang, &format!("month-{}", first.month()), &[]);
        let days = format!("{}–{}", first.day(), last.day());
        self.t(
            lang,
            "date-long",
            &[("day", days.into()), ("month", month.into()), ("year", first.year().to_string().into())],
        )
    }

    /// Every message key of a language, for the test that keeps the three files in step.
    pub fn keys(lang: &str) -> Vec<String> {
        let source = SOURCES.iter().find(|(l, _)| *l == lang).map(|(_, s)| *s).unwrap_or("");
        let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(r, _)| r);
        resource
            .entries()
            .filter_map(|e| match e {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
                _ => None,
            })
            .collect()
    }
}

/// The interface language: the user's choice (cookie), else the browser's (Accept-Language), else English.
pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> &'static str {
    if let Some(lang) = cookie.and_then(supported) {
        return lang;
    }
    let mut offers: Vec<(f32, &'static str)> = accept_language
        .unwrap_or("")
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next()?.trim();
            let q = pieces.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse().ok()).unwrap_or(1.0);
            let primary = tag.split('-').next()?.to_ascii_lowercase();
            Some((q, supported(&primary)?))
        })
        .collect();
    offers.sort_by(|a, b| b.0.total_cmp(&a.0));
    offers.first().map_or(LANGUAGES[0], |o| o.1)
}

/// The supported language for a tag, if any.
pub fn supported(tag: &str) -> Option<&'static str> {
    LANGUAGES.into_iter().find(|l| *l == tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choice_beats_the_browser_and_the_browser_beats_the_default() {
        assert_eq!(negotiate(Some("kk"), Some("ru-RU,ru;q=0.9")), "kk");
        assert_eq!(negotiate(None, Some("de-DE,ru;q=0.8,en;q=0.5")), "ru");
        assert_eq!(negotiate(Some("xx"), Some("fr")), "en");
        assert_eq!(negotiate(None, None), "en");
    }

    #[test]
    fn a_day_something_was_done_on_takes_the_case_its_sentence_needs() {
        let i18n = I18n::new();
        let day = jiff::civil::date(2025, 4, 20);
        assert_eq!(i18n.date_on("kk", day), "2025 жылғы 20 сәуірде");
        assert_eq!(i18n.date("kk", day), "2025 жылғы 20 сәуір");
        assert_eq!(i18n.date_on("ru", day), "20 апреля 2025\u{a0}г.");
        assert_eq!(i18n.date_on("en", jiff::civil::date(2025, 9, 1)), "1 September 2025");
        assert_eq!(i18n.date_on("kk", jiff::civil::date(2025, 9, 1)), "2025 жылғы 1 қыркүйекте");
        let since = i18n.t("kk", "member-position-since", &[("date", i18n.date_as("kk", day, "from").into())]);
        assert_eq!(since, "2025 жылғы 20 сәуірден бастап");
        let till = i18n.t("kk", "member-position-till", &[("date", i18n.date_as("kk", day, "until").into())]);
        assert_eq!(till, "2025 жылғы 20 сәуірге дейін");
        assert_eq!(i18n.date_as("ru", day, "from"), i18n.date("ru", day));
    }

    #[test]
    fn a_text_is_done_in_one_original_in_the_language_of_the_original() {
        let i18n = I18n::new();
        let done = |lang: &str, original: &str| {
            let args =
                [("place", "Алматы".into()), ("date", "11 апреля 2025 г.".into()), ("original", original.into())];
            i18n.t(lang, "document-pdf-done", &args)
        };
        assert_eq!(
            done("ru", "ru"),
            "Совершено в городе Алматы 11 апреля 2025 г. в одном подлинном экземпляре на русском языке."
        );
        assert!(done("ru", "kk").ends_with("в одном подлинном экземпляре на казахском языке."));
        assert!(done("kk", "kk").ends_with(" қазақ тілінде бір түпнұсқа данада жасалды."), "{}", done("kk", "kk"));
        assert!(done("en", "ru").ends_with("in one original in Russian."));
        assert!(done("en", "hy").ends_with("in one original."), "a language without its words is not named");
    }
}
