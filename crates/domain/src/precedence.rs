//! Precedence: the order of participants that protocol requires in lists, speakers, seats, photos and
//! signature blocks. The order is a policy with parameters, never a constant (see protocol.md).

use std::cmp::Ordering;

use icu_collator::{Collator, CollatorBorrowed, options::CollatorOptions};
use icu_locale_core::Locale;
use serde::{Deserialize, Serialize};

use crate::participants::{Participant, ParticipantKind};

/// How a body orders its participants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrecedencePolicy {
    /// Short names are compared in this language with its collation (CIS: `ru`; UN: `en`).
    pub language: String,
    /// Start the alphabet at this participant and wrap round (UN: a state drawn by lot each session).
    #[serde(default)]
    pub start_from: Option<String>,
    /// International organisations follow the states (the CIS Secretary General is listed last).
    #[serde(default = "yes")]
    pub organisations_last: bool,
}

fn yes() -> bool {
    true
}

impl PrecedencePolicy {
    pub fn alphabetical(language: &str) -> Self {
        Self { language: language.to_string(), start_from: None, organisations_last: true }
    }
}

/// A collator for a language; falls back to the root collation for a language ICU does not know.
pub fn collator(language: &str) -> CollatorBorrowed<'static> {
    let locale: Locale = language.parse().unwrap_or(Locale::UNKNOWN);
    Collator::try_new((&locale).into(), CollatorOptions::default())
        .or_else(|_| Collator::try_new((&Locale::UNKNOWN).into(), CollatorOptions::default()))
        .expect("the root collation is compiled in")
}

/// Sorts items by a text key with the language's collation (never byte order).
pub fn sort_by_collation<T>(items: &mut [T], language: &str, key: impl Fn(&T) -> &str) {
    let collator = collator(language);
    items.sort_by(|a, b| collator.compare(key(a), key(b)));
}

/// Orders participants by the policy. The result is a permutation of the input.
pub fn order<'a>(policy: &PrecedencePolicy, participants: &[&'a Participant]) -> Vec<&'a Participant> {
    let collator = collator(&policy.language);
    let name = |p: &Participant| {
        p.short_name.exact(&policy.language).unwrap_or(p.short_name.get(&policy.language)).to_string()
    };
    let mut sorted: Vec<&Participant> = participants.to_vec();
    sorted.sort_by(|a, b| {
        let tier = |p: &Participant| policy.organisations_last && p.kind == ParticipantKind::Organisation;
        tier(a).cmp(&tier(b)).then_with(|| collator.compare(&name(a), &name(b))).then_with(|| a.code.cmp(&b.code))
    });
    if let Some(start) = &policy.start_from {
        let states = sorted
            .iter()
            .take_while(|p| !(policy.organisations_last && p.kind == ParticipantKind::Organisation))
            .count();
        if let Some(pos) = sorted[..states].iter().position(|p| &p.code == start) {
            sorted[..states].rotate_left(pos);
        }
    }
    sorted
}

/// Compares two names in a language: for callers that sort things other than participants.
pub fn compare(language: &str, a: &str, b: &str) -> Ordering {
    collator(language).compare(a, b)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{Text, new_id};

    pub fn participant(code: &str, en: &str, ru: &str) -> Participant {
        let kind = if code.len() == 2 { ParticipantKind::State } else { ParticipantKind::Organisation };
        Participant {
            id: new_id(),
            code: code.into(),
            kind,
            short_name: Text::new(&[("en", en), ("ru", ru)]),
            formal_name: Text::new(&[("en", en), ("ru", ru)]),
            time_zone: "UTC".into(),
            version: 1,
        }
    }

    pub fn cis() -> Vec<Participant> {
        vec![
            participant("RU", "Russia", "Россия"),
            participant("AM", "Armenia", "Армения"),
            participant("CIS", "CIS", "СНГ"),
            participant("UZ", "Uzbekistan", "Узбекистан"),
            participant("AZ", "Azerbaijan", "Азербайджан"),
            participant("KZ", "Kazakhstan", "Казахстан"),
            participant("TM", "Turkmenistan", "Туркменистан"),
            participant("BY", "Belarus", "Беларусь"),
            participant("KG", "Kyrgyzstan", "Кыргызстан"),
            participant("TJ", "Tajikistan", "Таджикистан"),
        ]
    }

    fn codes(ps: &[&Participant]) -> Vec<String> {
        ps.iter().map(|p| p.code.clone()).collect()
    }

    #[test]
    fn cis_order_is_russian_alphabetical_with_the_organisation_last() {
        let all = cis();
        let refs: Vec<&Participant> = all.iter().collect();
        let ordered = order(&PrecedencePolicy::alphabetical("ru"), &refs);
        assert_eq!(codes(&ordered), ["AZ", "AM", "BY", "KZ", "KG", "RU", "TJ", "TM", "UZ", "CIS"]);
    }

    #[test]
    fn azerbaijan_and_armenia_swap_in_english() {
        let all = cis();
        let refs: Vec<&Participant> = all.iter().collect();
        let ordered = order(&PrecedencePolicy::alphabetical("en"), &refs);
        assert_eq!(&codes(&ordered)[..2], ["AM", "AZ"]);
    }

    #[test]
    fn a_lot_drawn_state_starts_the_list_and_it_wraps_round() {
        let all = cis();
        let refs: Vec<&Participant> = all.iter().collect();
        let policy = PrecedencePolicy { start_from: Some("TJ".into()), ..PrecedencePolicy::alphabetical("en") };
        let ordered = order(&policy, &refs);
        assert_eq!(codes(&ordered), ["TJ", "TM", "UZ", "AM", "AZ", "BY", "KZ", "KG", "RU", "CIS"]);
    }

    #[test]
    fn collation_is_not_byte_order() {
        // Byte order puts "Ё" (U+0401) before "А" (U+0410); Russian collation sorts it with "Е".
        let mut names = vec!["Ель", "Ёлка", "Акмола"];
        sort_by_collation(&mut names, "ru", |s| s);
        assert_eq!(names, ["Акмола", "Ёлка", "Ель"]);
        // Kazakh letters sort among their Cyrillic neighbours: Ә after А, Қ after К.
        let mut names = vec!["Қостанай", "Ақтау", "Әлия", "Кеңес"];
        sort_by_collation(&mut names, "kk", |s| s);
        assert_eq!(names, ["Ақтау", "Әлия", "Кеңес", "Қостанай"]);
    }
}
