//! The chairmanship of a body, year by year: what was set (confirmed, or overridden by a user) and
//! what the body's rule proposes for the other years.
//!
//! CIS rule (protocol.md): the chair rotates yearly in the Russian alphabetical order of short names,
//! skipping members that do not take part; the previous and the next chair are co-chairs. The Council
//! of Heads of State confirms each year, so a proposal can always be overridden.

use jiff::civil::date;
use serde::{Deserialize, Serialize};

use crate::Id;
use crate::bodies::{ChairRule, Membership, status_on};
use crate::validation::{Checker, Invalid};

/// A chair set for a year, by confirmation or override.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetChair {
    pub year: i16,
    pub chair: Id,
    /// Empty: the co-chairs follow the rule (previous and next chairs).
    pub co_chairs: Vec<Id>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChairSource {
    /// Confirmed or overridden by a user.
    Set,
    /// Computed from the body's rule.
    Proposed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chairmanship {
    pub year: i16,
    pub chair: Id,
    pub co_chairs: Vec<Id>,
    pub source: ChairSource,
}

/// The chairs for each year of `from..=to`.
///
/// `order` is the body's members in its order of precedence; a member takes part in a year if its
/// status on 1 January is full or associate. The rotation continues from the latest set chair before
/// a year (or starts at the first member taking part when none is set). Years the rule cannot fill
/// (rule `Agreed`, nobody taking part) are left out.
pub fn chairs(
    rule: &ChairRule,
    order: &[Id],
    memberships: &[Membership],
    set: &[SetChair],
    from: i16,
    to: i16,
) -> Vec<Chairmanship> {
    let chair_of = |year: i16| chair_for(rule, order, memberships, set, year);
    (from..=to)
        .filter_map(|year| {
            let chair = chair_of(year)?;
            let explicit = set.iter().find(|s| s.year == year);
            let co_chairs = match explicit {
                Some(s) if !s.co_chairs.is_empty() => s.co_chairs.clone(),
                _ => [chair_of(year - 1), chair_of(year + 1)].into_iter().flatten().filter(|c| *c != chair).collect(),
            };
            let source = if explicit.is_some() { ChairSource::Set } else { ChairSource::Proposed };
            Some(Chairmanship { year, chair, co_chairs, source })
        })
        .collect()
}

/// The years a chair can be set for.
pub const YEARS: std::ops::RangeInclusive<i16> = 1900..=2200;

/// Checks a chair set by a user: a plausible year, and a chair that is not also its own co-chair.
/// Returns the participant codes normalised (upper case, blanks dropped).
pub fn validate_override(year: i16, chair: &str, co_chairs: &[String]) -> Result<(String, Vec<String>), Invalid> {
    let mut c = Checker::new();
    if !YEARS.contains(&year) {
        c.fail_with("year", "out-of-range", vec![("min", YEARS.start().to_string()), ("max", YEARS.end().to_string())]);
    }
    let chair = chair.trim().to_uppercase();
    if chair.is_empty() {
        c.fail("chair", "required");
    }
    let co_chairs: Vec<String> =
        co_chairs.iter().map(|code| code.trim().to_uppercase()).filter(|code| !code.is_empty()).collect();
    if co_chairs.contains(&chair) {
        c.fail("co_chairs", "invalid-value");
    }
    c.finish((chair, co_chairs))
}

/// Whether those set as `chair` and `co_chairs` of `year` take part in the body that year, as the
/// rotation counts it (full or associate on 1 January): a state that has left chairs nothing. The
/// first that does not is named at its field; `None` is a code no participant has, said elsewhere.
pub fn check_taking_part(
    memberships: &[Membership],
    year: i16,
    chair: Option<Id>,
    co_chairs: &[Option<Id>],
) -> Result<(), Invalid> {
    let away = |p: &Option<Id>| {
        p.is_some_and(|p| !status_on(memberships, p, date(year, 1, 1)).is_some_and(|s| s.takes_part()))
    };
    let mut c = Checker::new();
    if away(&chair) {
        c.fail_with("chair", "not-taking-part", vec![("year", year.to_string())]);
    }
    if co_chairs.iter().any(away) {
        c.fail_with("co_chairs", "not-taking-part", vec![("year", year.to_string())]);
    }
    c.finish(())
}

fn chair_for(rule: &ChairRule, order: &[Id], memberships: &[Membership], set: &[SetChair], year: i16) -> Option<Id> {
    if let Some(s) = set.iter().find(|s| s.year == year) {
        return Some(s.chair);
    }
    if *rule != ChairRule::Rotation {
        return None;
    }
    let taking_part = |y: i16| -> Vec<Id> {
        let day = date(y, 1, 1);
        order.iter().copied().filter(|p| status_on(memberships, *p, day).is_some_and(|s| s.takes_part())).collect()
    };
    if let Some(anchor) = set.iter().filter(|s| s.year < year).max_by_key(|s| s.year) {
        let mut chair = anchor.chair;
        for y in anchor.year + 1..=year {
            chair = step(order, &taking_part(y), chair, 1)?;
        }
        return Some(chair);
    }
    // Before the first chair set, the rotation runs backwards from it.
    if let Some(anchor) = set.iter().filter(|s| s.year > year).min_by_key(|s| s.year) {
        let mut chair = anchor.chair;
        for y in (year..anchor.year).rev() {
            chair = step(order, &taking_part(y), chair, -1)?;
        }
        return Some(chair);
    }
    taking_part(year).first().copied()
}

/// The member after (`direction` 1) or before (-1) `from` in the body's order, among those taking
/// part, wrapping round.
fn step(order: &[Id], taking_part: &[Id], from: Id, direction: isize) -> Option<Id> {
    let n = order.len() as isize;
    let start = order.iter().position(|p| *p == from)? as isize;
    (1..=n).map(|k| order[(start + direction * k).rem_euclid(n) as usize]).find(|p| taking_part.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bodies::MembershipStatus::{self, *};
    use crate::precedence::{PrecedencePolicy, order as precedence_order, tests::participant};
    use jiff::civil::Date;

    struct Cis {
        ids: Vec<(String, Id)>,
        order: Vec<Id>,
        memberships: Vec<Membership>,
    }

    impl Cis {
        fn id(&self, code: &str) -> Id {
            self.ids.iter().find(|(c, _)| c == code).unwrap().1
        }
        fn code(&self, id: Id) -> &str {
            &self.ids.iter().find(|(_, i)| *i == id).unwrap().0
        }
    }

    fn cis() -> Cis {
        let ps = vec![
            participant("AZ", "Azerbaijan", "Азербайджан"),
            participant("AM", "Armenia", "Армения"),
            participant("BY", "Belarus", "Беларусь"),
            participant("KZ", "Kazakhstan", "Казахстан"),
            participant("KG", "Kyrgyzstan", "Кыргызстан"),
            participant("MD", "Moldova", "Молдова"),
            participant("RU", "Russia", "Россия"),
            participant("TJ", "Tajikistan", "Таджикистан"),
            participant("TM", "Turkmenistan", "Туркменистан"),
            participant("UZ", "Uzbekistan", "Узбекистан"),
        ];
        let refs: Vec<_> = ps.iter().collect();
        let order = precedence_order(&PrecedencePolicy::alphabetical("ru"), &refs).iter().map(|p| p.id).collect();
        let m = |p: &crate::participants::Participant, status: MembershipStatus, from: Date, until: Option<Date>| {
            Membership {
                id: crate::new_id(),
                body_id: Id::nil(),
                participant_id: p.id,
                status,
                valid_from: from,
                valid_until: until,
                note: String::new(),
                version: 1,
            }
        };
        let mut memberships = Vec::new();
        for p in &ps {
            match p.code.as_str() {
                "TM" => memberships.push(m(p, Associate, date(2005, 8, 26), None)),
                "MD" => {
                    memberships.push(m(p, Full, date(1991, 12, 21), Some(date(2022, 10, 1))));
                    memberships.push(m(p, Suspended, date(2022, 10, 1), None));
                }
                _ => memberships.push(m(p, Full, date(1991, 12, 21), None)),
            }
        }
        Cis { ids: ps.iter().map(|p| (p.code.clone(), p.id)).collect(), order, memberships }
    }

    #[test]
    fn a_chair_set_by_hand_takes_part_in_the_body_that_year() {
        let cis = cis();
        let (md, tm, kz) = (Some(cis.id("MD")), Some(cis.id("TM")), Some(cis.id("KZ")));
        assert_eq!(check_taking_part(&cis.memberships, 2022, md, &[tm]), Ok(()), "a full member on 1 January 2022");
        let refused = check_taking_part(&cis.memberships, 2023, md, &[]).unwrap_err().0;
        assert_eq!((refused[0].field.as_str(), refused[0].code), ("chair", "not-taking-part"), "suspended since");
        let refused = check_taking_part(&cis.memberships, 2023, kz, &[tm, md]).unwrap_err().0;
        assert_eq!(refused[0].field, "co_chairs");
        assert_eq!(
            check_taking_part(&cis.memberships, 2023, None, &[None]),
            Ok(()),
            "an unknown code is said elsewhere"
        );
    }

    #[test]
    fn rotation_from_2022_reproduces_the_real_chairs_to_2026() {
        let cis = cis();
        let set = [SetChair { year: 2022, chair: cis.id("KZ"), co_chairs: vec![] }];
        let got = chairs(&ChairRule::Rotation, &cis.order, &cis.memberships, &set, 2022, 2026);
        let chairs: Vec<&str> = got.iter().map(|c| cis.code(c.chair)).collect();
        // Moldova (Молдова) falls between Kyrgyzstan and Russia but is skipped.
        assert_eq!(chairs, ["KZ", "KG", "RU", "TJ", "TM"]);
        let y2026 = &got[4];
        let co: Vec<&str> = y2026.co_chairs.iter().map(|c| cis.code(*c)).collect();
        assert_eq!(co, ["TJ", "UZ"]);
        assert_eq!(y2026.source, ChairSource::Proposed);
        assert_eq!(got[0].source, ChairSource::Set);
    }

    #[test]
    fn an_override_moves_the_rotation_on_from_it() {
        let cis = cis();
        let set = [
            SetChair { year: 2022, chair: cis.id("KZ"), co_chairs: vec![] },
            SetChair { year: 2024, chair: cis.id("BY"), co_chairs: vec![cis.id("AM")] },
        ];
        let got = chairs(&ChairRule::Rotation, &cis.order, &cis.memberships, &set, 2023, 2025);
        let chairs: Vec<&str> = got.iter().map(|c| cis.code(c.chair)).collect();
        assert_eq!(chairs, ["KG", "BY", "KZ"]);
        assert_eq!(got[1].co_chairs, vec![cis.id("AM")]);
        // 2023's co-chairs are 2022's and 2024's chairs, the override included.
        assert_eq!(got[0].co_chairs, vec![cis.id("KZ"), cis.id("BY")]);
    }

    #[test]
    fn the_rotation_wraps_round_the_alphabet() {
        let cis = cis();
        let set = [SetChair { year: 2030, chair: cis.id("UZ"), co_chairs: vec![] }];
        let got = chairs(&ChairRule::Rotation, &cis.order, &cis.memberships, &set, 2031, 2031);
        assert_eq!(cis.code(got[0].chair), "AZ");
    }

    #[test]
    fn before_the_first_chair_set_the_rotation_runs_backwards() {
        let cis = cis();
        let set = [SetChair { year: 2022, chair: cis.id("KZ"), co_chairs: vec![] }];
        let got = chairs(&ChairRule::Rotation, &cis.order, &cis.memberships, &set, 2021, 2022);
        // Belarus chaired in 2021, and co-chaired 2022 with Kyrgyzstan.
        assert_eq!(cis.code(got[0].chair), "BY");
        let co: Vec<&str> = got[1].co_chairs.iter().map(|c| cis.code(*c)).collect();
        assert_eq!(co, ["BY", "KG"]);
    }

    #[test]
    fn an_override_names_a_year_and_a_chair_apart_from_the_co_chairs() {
        assert_eq!(
            validate_override(2026, " tm ", &["tj".into(), " ".into()]).unwrap(),
            ("TM".into(), vec!["TJ".into()])
        );
        let err = validate_override(1800, "TM", &["TM".into()]).unwrap_err();
        let fields: Vec<&str> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["year", "co_chairs"]);
    }

    #[test]
    fn an_agreed_chair_is_never_proposed() {
        let cis = cis();
        let set = [SetChair { year: 2025, chair: cis.id("KZ"), co_chairs: vec![] }];
        let got = chairs(&ChairRule::Agreed, &cis.order, &cis.memberships, &set, 2024, 2026);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].year, 2025);
        assert!(got[0].co_chairs.is_empty());
    }
}
