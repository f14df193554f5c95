//! Precedence: the order of participants that protocol requires in lists, speakers, seats, photos and
//! signature blocks. The order is a policy with parameters, never a constant (see protocol.md).

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use icu_collator::{Collator, CollatorBorrowed, options::CollatorOptions};
use icu_locale_core::Locale;
use serde::{Deserialize, Serialize};

use crate::Id;
use crate::delegations::Rank;
use crate::participants::{Participant, ParticipantKind};
use crate::validation::Checker;

/// How a body orders its participants.
#[derive(schemars::JsonSchema, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrecedencePolicy {
    /// Short names are compared in this language with its collation (CIS: `ru`; UN: `en`).
    pub language: String,
    /// Start the alphabet at this participant and wrap round (UN: a state drawn by lot each session).
    #[serde(default)]
    pub start_from: Option<String>,
    /// The host's delegation is listed first.
    #[serde(default)]
    pub host_first: bool,
    /// Tiers by the rank of the head of delegation: each entry closes a tier, e.g. `[minister,
    /// deputy_minister]` lists ministers (and above), then deputy ministers, then the rest, each
    /// tier in alphabetical order. Empty: no tiers.
    #[serde(default)]
    pub rank_tiers: Vec<Rank>,
    /// International organisations follow the states (the CIS Secretary General is listed last).
    #[serde(default = "yes")]
    pub organisations_last: bool,
}

fn yes() -> bool {
    true
}

impl PrecedencePolicy {
    pub fn alphabetical(language: &str) -> Self {
        Self {
            language: language.to_string(),
            start_from: None,
            host_first: false,
            rank_tiers: vec![],
            organisations_last: true,
        }
    }

    /// Checks the order as a secretariat sends it, `prefix` naming where it sits in what was sent:
    /// a language to collate by, an alphabet that starts at one of `members` (the body's, by code;
    /// the code is taken as the member spells it), tiers from the highest rank down, each once.
    pub(crate) fn checked(self, c: &mut Checker, prefix: &str, members: &[&str]) -> PrecedencePolicy {
        if !crate::text::is_language_code(&self.language) {
            c.fail(format!("{prefix}language"), "invalid-language");
        }
        let start_from = self.start_from.as_deref().map(str::trim).filter(|code| !code.is_empty()).map(|code| {
            match members.iter().find(|m| m.eq_ignore_ascii_case(code)) {
                Some(member) => member.to_string(),
                None => {
                    c.fail(format!("{prefix}start_from"), "unknown");
                    code.to_string()
                }
            }
        });
        if !self.rank_tiers.is_sorted_by(|a, b| a < b) {
            c.fail(format!("{prefix}rank_tiers"), "tiers-out-of-order");
        }
        PrecedencePolicy { start_from, ..self }
    }

    fn tier(&self, rank: Option<Rank>) -> usize {
        match rank {
            Some(rank) => self.rank_tiers.iter().position(|closing| rank <= *closing).unwrap_or(self.rank_tiers.len()),
            None => self.rank_tiers.len(),
        }
    }
}

/// What an order may depend on besides names: the host, and each delegation head's rank.
pub struct Context<'a> {
    pub host: Option<Id>,
    pub head_rank: &'a dyn Fn(Id) -> Option<Rank>,
}

impl Context<'_> {
    /// No host, no ranks: the plain alphabetical order.
    pub const NONE: Context<'static> = Context { host: None, head_rank: &|_| None };
}

/// A collator for a language, built once per language and kept (building one loads its tailoring,
/// which costs more than a thousand comparisons); the root collation for a language ICU does not know.
pub fn collator(language: &str) -> &'static CollatorBorrowed<'static> {
    static COLLATORS: LazyLock<Mutex<HashMap<String, &'static CollatorBorrowed<'static>>>> =
        LazyLock::new(Mutex::default);
    let mut collators = COLLATORS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    collators.entry(language.to_string()).or_insert_with(|| {
        let locale: Locale = language.parse().unwrap_or(Locale::UNKNOWN);
        let collator = Collator::try_new((&locale).into(), CollatorOptions::default())
            .or_else(|_| Collator::try_new((&Locale::UNKNOWN).into(), CollatorOptions::default()))
            .expect("the root collation is compiled in");
        Box::leak(Box::new(collator))
    })
}

/// Sorts items by a text key with the language's collation (never byte order).
pub fn sort_by_collation<T>(items: &mut [T], language: &str, key: impl Fn(&T) -> &str) {
    let collator = collator(language);
    items.sort_by(|a, b| collator.compare(key(a), key(b)));
}

/// Orders participants by the policy. The result is a permutation of the input.
pub fn order<'a>(policy: &PrecedencePolicy, participants: &[&'a Participant]) -> Vec<&'a Participant> {
    order_in(policy, participants, &Context::NONE)
}

/// Orders participants by the policy, with the host and heads' ranks the policy may use.
pub fn order_in<'a>(
    policy: &PrecedencePolicy,
    participants: &[&'a Participant],
    ctx: &Context,
) -> Vec<&'a Participant> {
    let collator = collator(&policy.language);
    let name = |p: &Participant| {
        p.short_name.exact(&policy.language).unwrap_or(p.short_name.get(&policy.language)).to_string()
    };
    let mut alphabet: Vec<&Participant> = participants.to_vec();
    alphabet.sort_by(|a, b| collator.compare(&name(a), &name(b)).then_with(|| a.code.cmp(&b.code)));
    if let Some(pos) = policy.start_from.as_ref().and_then(|start| alphabet.iter().position(|p| &p.code == start)) {
        alphabet.rotate_left(pos);
    }
    let key = |p: &Participant| {
        let organisation = policy.organisations_last && p.kind == ParticipantKind::Organisation;
        let not_host = !(policy.host_first && ctx.host == Some(p.id));
        let tier = if policy.rank_tiers.is_empty() { 0 } else { policy.tier((ctx.head_rank)(p.id)) };
        (organisation, not_host, tier)
    };
    alphabet.sort_by_key(|p| key(p));
    alphabet
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
            cases: Default::default(),
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
    fn the_host_can_be_listed_first() {
        let all = cis();
        let refs: Vec<&Participant> = all.iter().collect();
        let kz = all.iter().find(|p| p.code == "KZ").unwrap().id;
        let policy = PrecedencePolicy { host_first: true, ..PrecedencePolicy::alphabetical("ru") };
        let ordered = order_in(&policy, &refs, &Context { host: Some(kz), head_rank: &|_| None });
        assert_eq!(codes(&ordered)[..3], ["KZ", "AZ", "AM"]);
        assert_eq!(codes(&ordered).last().unwrap(), "CIS");
    }

    #[test]
    fn tiers_by_rank_put_ministers_before_deputies_each_alphabetical() {
        let all = cis();
        let refs: Vec<&Participant> = all.iter().collect();
        let deputies: Vec<Id> =
            all.iter().filter(|p| ["BY", "AZ", "TM"].contains(&p.code.as_str())).map(|p| p.id).collect();
        let dpm = all.iter().find(|p| p.code == "KZ").unwrap().id;
        let rank = move |id: Id| {
            Some(if deputies.contains(&id) {
                Rank::DeputyMinister
            } else if id == dpm {
                Rank::DeputyPrimeMinister
            } else {
                Rank::Minister
            })
        };
        let policy = PrecedencePolicy {
            rank_tiers: vec![Rank::Minister, Rank::DeputyMinister],
            ..PrecedencePolicy::alphabetical("ru")
        };
        let ordered = order_in(&policy, &refs, &Context { host: None, head_rank: &rank });
        assert_eq!(codes(&ordered), ["AM", "KZ", "KG", "RU", "TJ", "UZ", "AZ", "BY", "TM", "CIS"]);
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
