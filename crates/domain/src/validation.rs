//! Validation at the edge: every problem names its field and a message code that the web layer
//! translates into the user's language (`error-<code>` in the Fluent files).

use serde::Serialize;

/// One problem with one field of a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    /// A stable code such as `required` or `unknown-time-zone`; the UI text key is `error-<code>`.
    pub code: &'static str,
    /// Values the message needs (`max`, `value`…), as strings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<(&'static str, String)>,
}

/// A command that failed validation, with every problem found (not just the first).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid input: {}", .0.iter().map(|e| format!("{} ({})", e.field, e.code)).collect::<Vec<_>>().join(", "))]
pub struct Invalid(pub Vec<FieldError>);

/// Collects problems while a command is checked, so a form shows all of them at once.
#[derive(Debug, Default)]
pub struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn fail(&mut self, field: impl Into<String>, code: &'static str) {
        self.errors.push(FieldError { field: field.into(), code, args: Vec::new() });
    }

    pub fn fail_with(&mut self, field: impl Into<String>, code: &'static str, args: Vec<(&'static str, String)>) {
        self.errors.push(FieldError { field: field.into(), code, args });
    }

    /// A required single-line text of at most `max` characters, trimmed.
    /// Fails `field` unless `value` is in `range`, naming the range.
    pub fn within(&mut self, field: &str, value: u32, range: &std::ops::RangeInclusive<u32>) {
        if !range.contains(&value) {
            let bounds = vec![("min", range.start().to_string()), ("max", range.end().to_string())];
            self.fail_with(field, "out-of-range", bounds);
        }
    }

    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let value = value.trim();
        if value.is_empty() {
            self.fail(field, "required");
        } else if value.chars().count() > max {
            self.fail_with(field, "too-long", vec![("max", max.to_string())]);
        } else if value.chars().any(char::is_control) {
            self.fail(field, "control-characters");
        }
        value.to_string()
    }

    #[cfg(test)]
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// The value if no problem was found, else every problem.
    pub fn finish<T>(self, value: T) -> Result<T, Invalid> {
        if self.errors.is_empty() { Ok(value) } else { Err(Invalid(self.errors)) }
    }
}

/// Slugs name events, bodies and meetings in URLs: lower-case ASCII letters, digits and inner hyphens.
pub fn check_slug(checker: &mut Checker, field: &str, slug: &str) {
    let ok = (2..=64).contains(&slug.len())
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--");
    if !ok {
        checker.fail(field, "invalid-slug");
    }
}

/// A time zone must exist in the IANA database that Concord ships.
pub fn check_time_zone(checker: &mut Checker, field: &str, name: &str) {
    if jiff::tz::TimeZone::get(name).is_err() {
        checker.fail_with(field, "unknown-time-zone", vec![("value", name.chars().take(64).collect())]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_words_joined_by_single_hyphens() {
        for good in ["almaty-2025", "cis-cfm", "ab"] {
            let mut c = Checker::new();
            check_slug(&mut c, "slug", good);
            assert!(c.is_ok(), "{good}");
        }
        for bad in ["", "a", "Almaty", "-x", "x-", "a--b", "алматы", "a b"] {
            let mut c = Checker::new();
            check_slug(&mut c, "slug", bad);
            assert!(!c.is_ok(), "{bad}");
        }
    }

    #[test]
    fn time_zones_must_exist() {
        let mut c = Checker::new();
        check_time_zone(&mut c, "time_zone", "Asia/Almaty");
        assert!(c.is_ok());
        check_time_zone(&mut c, "time_zone", "Asia/Atlantis");
        let err = c.finish(()).unwrap_err();
        assert_eq!(err.0[0].code, "unknown-time-zone");
    }

    #[test]
    fn text_reports_every_problem_with_its_field() {
        let mut c = Checker::new();
        c.text("name", "   ", 10);
        c.text("city", &"x".repeat(11), 10);
        let err = c.finish(()).unwrap_err();
        assert_eq!(err.0.len(), 2);
        assert_eq!((err.0[0].field.as_str(), err.0[0].code), ("name", "required"));
        assert_eq!((err.0[1].field.as_str(), err.0[1].code), ("city", "too-long"));
    }
}
