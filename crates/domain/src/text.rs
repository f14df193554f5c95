//! Multilingual content: one value per language, read through a fallback chain.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::validation::Checker;

/// The languages of Concord's own interface; content may hold more.
pub const UI_LANGUAGES: [&str; 3] = ["en", "ru", "kk"];

/// A text in several languages, stored as a JSON object `{ "ru": …, "en": …, "kk": … }`.
#[derive(schemars::JsonSchema, Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Text(#[serde(deserialize_with = "unique_keys")] pub BTreeMap<String, String>);

/// A map read from an object whose keys are each given once. Serde's own maps take the last of a
/// key given twice, and the first value is silently lost; structs refuse it, and so does this, as
/// "duplicate field `en`". Anything but an object is "expected a text by language".
pub fn unique_keys<'de, D, V>(deserializer: D) -> Result<BTreeMap<String, V>, D::Error>
where
    D: serde::Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Once<V>(std::marker::PhantomData<V>);
    impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Once<V> {
        type Value = BTreeMap<String, V>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a text by language")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
            let mut entries = BTreeMap::new();
            while let Some((key, value)) = access.next_entry::<String, V>()? {
                if entries.contains_key(&key) {
                    return Err(serde::de::Error::custom(format!("duplicate field `{key}`")));
                }
                entries.insert(key, value);
            }
            Ok(entries)
        }
    }
    deserializer.deserialize_map(Once(std::marker::PhantomData))
}

/// Whether `code` is shaped as a language code (ISO 639: two or three lowercase letters), which
/// any content field may be written in, not only the interface's languages.
pub fn is_language_code(code: &str) -> bool {
    (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase())
}

impl Text {
    pub fn new(pairs: &[(&str, &str)]) -> Self {
        Text(pairs.iter().map(|(l, v)| (l.to_string(), v.to_string())).collect())
    }

    /// The text in `lang`, else English, else Russian, else any language present.
    pub fn get(&self, lang: &str) -> &str {
        self.shown(lang).map_or("", |(_, text)| text)
    }

    /// The text for a reader of `lang` as [`Text::get`] chooses it, with the language it is in:
    /// for a format that must say so (an Atom entry's `xml:lang`). `None` when it is empty.
    pub fn shown(&self, lang: &str) -> Option<(&str, &str)> {
        fn given<'a>((l, v): (&'a String, &'a String)) -> Option<(&'a str, &'a str)> {
            (!v.is_empty()).then_some((l.as_str(), v.as_str()))
        }
        [lang, "en", "ru"]
            .into_iter()
            .find_map(|l| self.0.get_key_value(l).and_then(given))
            .or_else(|| self.0.iter().find_map(given))
    }

    /// The text only if present in exactly `lang` (no fallback): for sorting in a language.
    pub fn exact(&self, lang: &str) -> Option<&str> {
        self.0.get(lang).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// Two texts joined in every language either has ("Almaty 2025 — Kazakhstan").
    pub fn joined(&self, other: &Text, separator: &str) -> Text {
        let langs: std::collections::BTreeSet<&String> = self.0.keys().chain(other.0.keys()).collect();
        Text(langs.into_iter().map(|l| (l.clone(), format!("{}{separator}{}", self.get(l), other.get(l)))).collect())
    }

    /// Checks a content field: at least one language, language codes well formed, each value a
    /// trimmed single line of at most `max` characters. Empty values are dropped.
    pub fn checked(self, checker: &mut Checker, field: &str, max: usize) -> Text {
        let mut out = BTreeMap::new();
        // "Required" only when no language was refused: one too long is not also missing.
        let mut refused = false;
        for (lang, value) in self.0 {
            let value = value.trim().to_string();
            if value.is_empty() {
                continue;
            }
            let sub = format!("{field}.{lang}");
            if !is_language_code(&lang) {
                checker.fail(sub, "invalid-language");
            } else if value.chars().count() > max {
                checker.fail_with(sub, "too-long", vec![("max", max.to_string())]);
            } else if value.chars().any(char::is_control) {
                checker.fail(sub, "control-characters");
            } else {
                out.insert(lang, value);
                continue;
            }
            refused = true;
        }
        if out.is_empty() && !refused {
            checker.fail(field, "required");
        }
        Text(out)
    }
}

/// A grammatical case, for the sentences notes verbales and press releases build around names.
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Case {
    Genitive,
    Dative,
    Accusative,
    Instrumental,
    /// Russian предложный падеж.
    Prepositional,
    /// Kazakh жатыс септік.
    Locative,
    /// Kazakh шығыс септік.
    Ablative,
}

/// Grammatical gender, which Russian past-tense verbs agree with («приветствовал», «приветствовала»).
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Masculine,
    Feminine,
}

/// A name's case forms per language, beside the nominative its `Text` holds:
/// `{ "genitive": { "ru": "Республики Казахстан", "kk": "Қазақстан Республикасының" } }`.
/// Inflection is data: no rule guesses the genitive of "Кыргызская Республика".
#[derive(schemars::JsonSchema, Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CaseForms(pub BTreeMap<Case, Text>);

impl CaseForms {
    /// The form in exactly `lang`, if recorded: a sentence falls back to its own wording, never
    /// to another language's form.
    pub fn get(&self, case: Case, lang: &str) -> Option<&str> {
        self.0.get(&case).and_then(|t| t.exact(lang))
    }

    /// Checks every form as a content field of at most `max` characters; no case is required.
    pub fn checked(self, checker: &mut Checker, field: &str, max: usize) -> CaseForms {
        CaseForms(
            self.0
                .into_iter()
                .filter(|(_, forms)| forms.0.values().any(|v| !v.trim().is_empty()))
                .map(|(case, forms)| {
                    let name = serde_json::to_value(case).ok().and_then(|v| v.as_str().map(str::to_string));
                    (case, forms.checked(checker, &format!("{field}.{}", name.unwrap_or_default()), max))
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_forms_are_read_in_exactly_one_language_and_checked() {
        let forms: CaseForms =
            serde_json::from_str(r#"{"genitive": {"ru": " Республики Казахстан ", "kk": ""}, "dative": {"ru": ""}}"#)
                .unwrap();
        let mut c = Checker::new();
        let forms = forms.checked(&mut c, "cases", 200);
        assert!(c.is_ok());
        assert_eq!(forms.get(Case::Genitive, "ru"), Some("Республики Казахстан"));
        assert_eq!(forms.get(Case::Genitive, "kk"), None, "no fallback to another language's form");
        assert_eq!(forms.get(Case::Dative, "ru"), None, "empty forms are dropped");
        let long: CaseForms = serde_json::from_value(serde_json::json!({"dative": {"ru": "я".repeat(201)}})).unwrap();
        let mut c = Checker::new();
        long.checked(&mut c, "cases", 200);
        assert_eq!(c.finish(()).unwrap_err().0[0].field, "cases.dative.ru");
        assert!(serde_json::from_str::<CaseForms>(r#"{"vocative": {"ru": "x"}}"#).is_err(), "unknown cases refused");
    }

    #[test]
    fn falls_back_to_english_then_russian_then_anything() {
        let t = Text::new(&[("ru", "Алматы"), ("en", "Almaty")]);
        assert_eq!(t.get("kk"), "Almaty");
        assert_eq!(t.get("ru"), "Алматы");
        let t = Text::new(&[("ru", "Алматы")]);
        assert_eq!(t.get("kk"), "Алматы");
        let t = Text::new(&[("fr", "Almaty")]);
        assert_eq!(t.get("en"), "Almaty");
        assert_eq!(Text::default().get("en"), "");
    }

    #[test]
    fn checking_drops_blanks_and_requires_one_language() {
        let mut c = Checker::new();
        let t = Text::new(&[("en", "  "), ("ru", " Алматы ")]).checked(&mut c, "city", 100);
        assert!(c.is_ok());
        assert_eq!(t, Text::new(&[("ru", "Алматы")]));
        let mut c = Checker::new();
        Text::new(&[("en", " ")]).checked(&mut c, "city", 100);
        assert_eq!(c.finish(()).unwrap_err().0[0].field, "city");
    }
}
