//! Bodies (standing forums with members) and memberships over time.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::delegations::AccreditationPolicy;
use crate::lineup::PhotoPolicy;
use crate::precedence::PrecedencePolicy;
use crate::seating::{SeatingPolicy, SpeakersPolicy};
use crate::validation::{Checker, Invalid, check_slug, check_time_zone};
use crate::{Id, Text};

/// How a body takes decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionRule {
    /// Only an objection blocks (CIS practice).
    Consensus,
    SimpleMajority,
    TwoThirdsMajority,
}

impl DecisionRule {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Consensus => "consensus",
            Self::SimpleMajority => "simple_majority",
            Self::TwoThirdsMajority => "two_thirds_majority",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Consensus, Self::SimpleMajority, Self::TwoThirdsMajority].into_iter().find(|r| r.as_str() == s)
    }
}

/// How the chair of a body is chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChairRule {
    /// Yearly rotation in the body's order of precedence, skipping members that do not take part;
    /// the previous and next chairs are co-chairs (CIS practice).
    Rotation,
    /// The chair is agreed case by case; nothing is proposed.
    Agreed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Body {
    pub id: Id,
    pub slug: String,
    pub name: Text,
    /// The language of the body's documents and of its order of precedence.
    pub working_language: String,
    pub decision_rule: DecisionRule,
    pub chair_rule: ChairRule,
    pub precedence: PrecedencePolicy,
    #[serde(default)]
    pub protocol: ProtocolPolicy,
    /// The city of the body's seat.
    pub seat: Text,
    pub time_zone: String,
    pub version: i64,
}

/// A body's protocol rules besides the order of delegations: who speaks first, how the table is set,
/// how the family photo is lined up, what an accreditation needs. Data with parameters, kept on the
/// body.
#[derive(schemars::JsonSchema, Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProtocolPolicy {
    #[serde(default)]
    pub speakers: SpeakersPolicy,
    #[serde(default)]
    pub seating: SeatingPolicy,
    #[serde(default)]
    pub photo: PhotoPolicy,
    /// Left out of the stored JSON when it is the default, so that a body saved by this version
    /// is still read by one that does not know the rule.
    #[serde(default, skip_serializing_if = "AccreditationPolicy::is_default")]
    pub accreditation: AccreditationPolicy,
}

/// A body's protocol rules as its secretariat changes them: the order of delegations and the rest,
/// as a body's record holds them.
#[derive(schemars::JsonSchema, Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub precedence: PrecedencePolicy,
    pub protocol: ProtocolPolicy,
}

impl Rules {
    /// `members`: the codes of the body's members, which the alphabet may start from.
    pub fn validate(self, members: &[&str]) -> Result<Rules, Invalid> {
        let mut c = Checker::new();
        let precedence = self.precedence.checked(&mut c, "precedence.", members);
        self.protocol.check(&mut c, "protocol.");
        c.finish(Rules { precedence, ..self })
    }
}

impl ProtocolPolicy {
    /// `prefix` is where the rules sit in what was sent.
    fn check(&self, c: &mut Checker, prefix: &str) {
        if !(2..=40).contains(&self.photo.row_length) {
            c.fail_with(
                format!("{prefix}photo.row_length"),
                "out-of-range",
                vec![("min", "2".into()), ("max", "40".into())],
            );
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewBody {
    pub slug: String,
    pub name: Text,
    pub working_language: String,
    pub decision_rule: DecisionRule,
    pub chair_rule: ChairRule,
    /// The order of delegations; alphabetical in the working language if not given.
    #[serde(default)]
    pub precedence: Option<PrecedencePolicy>,
    #[serde(default)]
    pub protocol: ProtocolPolicy,
    pub seat: Text,
    pub time_zone: String,
}

impl NewBody {
    pub fn validate(self) -> Result<NewBody, Invalid> {
        let mut c = Checker::new();
        check_slug(&mut c, "slug", &self.slug);
        let name = self.name.checked(&mut c, "name", 200);
        let seat = self.seat.checked(&mut c, "seat", 100);
        if !crate::text::is_language_code(&self.working_language) {
            c.fail("working_language", "invalid-language");
        }
        check_time_zone(&mut c, "time_zone", &self.time_zone);
        self.protocol.check(&mut c, "protocol.");
        c.finish(NewBody { name, seat, ..self })
    }
}

#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MembershipStatus {
    Full,
    Associate,
    Observer,
    Suspended,
    Withdrawn,
}

impl MembershipStatus {
    pub const ALL: [MembershipStatus; 5] =
        [Self::Full, Self::Associate, Self::Observer, Self::Suspended, Self::Withdrawn];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Associate => "associate",
            Self::Observer => "observer",
            Self::Suspended => "suspended",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// Whether a member with this status takes part in the body's meetings and rotations.
    pub fn takes_part(self) -> bool {
        matches!(self, Self::Full | Self::Associate)
    }
}

/// A participant's status in a body from one date until (excluding) another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub id: Id,
    pub body_id: Id,
    pub participant_id: Id,
    pub status: MembershipStatus,
    pub valid_from: Date,
    pub valid_until: Option<Date>,
    /// Where the record is uncertain or needs explaining.
    pub note: String,
    pub version: i64,
}

impl Membership {
    pub fn covers(&self, day: Date) -> bool {
        self.valid_from <= day && self.valid_until.is_none_or(|until| day < until)
    }
}

/// Of the periods of one body and participant covering a day, the one in force is the latest to
/// start (then by id, for a stable choice): it supersedes any earlier one left open, as a
/// suspension recorded over a full membership does.
fn in_force_order(m: &Membership) -> (Date, Id) {
    (m.valid_from, m.id)
}

/// The periods in force on a day, one per body and participant, in one pass.
pub fn in_force_on(memberships: &[Membership], day: Date) -> Vec<&Membership> {
    let mut in_force: BTreeMap<(Id, Id), &Membership> = BTreeMap::new();
    for m in memberships.iter().filter(|m| m.covers(day)) {
        let kept = in_force.entry((m.body_id, m.participant_id)).or_insert(m);
        if in_force_order(m) > in_force_order(kept) {
            *kept = m;
        }
    }
    in_force.into_values().collect()
}

/// A participant's status in a body on a day, from the body's memberships.
pub fn status_on(memberships: &[Membership], participant_id: Id, day: Date) -> Option<MembershipStatus> {
    memberships
        .iter()
        .filter(|m| m.participant_id == participant_id && m.covers(day))
        .max_by_key(|m| in_force_order(m))
        .map(|m| m.status)
}

/// Whether a participant's head sits at a meeting of a body held on `day` at an event `host`
/// hosts, without being marked for it: the participant takes part in the body that day, or hosts.
/// The programme, the seating plan, the photo and the press release all ask this.
pub fn sits_by_right(memberships: &[Membership], participant: Id, day: Date, host: Id) -> bool {
    participant == host || status_on(memberships, participant, day).is_some_and(|s| s.takes_part())
}

/// Of the bodies meeting at an event (with their memberships), the one whose protocol the event
/// follows: the one with the most members taking part on its first day, then by slug.
pub fn principal(candidates: Vec<(Body, Vec<Membership>)>, day: Date) -> Option<Body> {
    candidates
        .into_iter()
        .map(|(body, memberships)| {
            let taking_part = in_force_on(&memberships, day).iter().filter(|m| m.status.takes_part()).count();
            (taking_part, body)
        })
        .max_by(|(a, x), (b, y)| a.cmp(b).then_with(|| y.slug.cmp(&x.slug)))
        .map(|(_, body)| body)
}

/// Checks a new membership period.
pub fn validate_period(valid_from: Date, valid_until: Option<Date>) -> Result<(), Invalid> {
    let mut c = Checker::new();
    if valid_until.is_some_and(|until| until <= valid_from) {
        c.fail("valid_until", "dates-out-of-order");
    }
    c.finish(())
}

/// Checks a new period of `participant` against the body's `memberships` as well: one that only
/// repeats the status a period in force already gives it over all those days changes nothing,
/// and two such periods would read as two memberships.
pub fn check_new_period(
    memberships: &[Membership],
    participant: Id,
    status: MembershipStatus,
    valid_from: Date,
    valid_until: Option<Date>,
) -> Result<(), Invalid> {
    validate_period(valid_from, valid_until)?;
    let holds = |m: &Membership| {
        m.participant_id == participant
            && m.status == status
            && m.valid_from <= valid_from
            && match (m.valid_until, valid_until) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(theirs), Some(ours)) => ours <= theirs,
            }
    };
    let mut c = Checker::new();
    if status_on(memberships, participant, valid_from) == Some(status) && memberships.iter().any(holds) {
        c.fail("valid_from", "period-in-force");
    }
    c.finish(())
}

/// Where a document or an agenda question is forwarded on its body's decision: another body
/// than `own`, the one that decides it.
pub fn forwarded_to(to: Option<Id>, own: Id) -> Result<Option<Id>, Invalid> {
    let mut c = Checker::new();
    if to == Some(own) {
        c.fail("forwarded_to", "own-body");
    }
    c.finish(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn m(p: Id, status: MembershipStatus, from: Date, until: Option<Date>) -> Membership {
        Membership {
            id: crate::new_id(),
            body_id: crate::new_id(),
            participant_id: p,
            status,
            valid_from: from,
            valid_until: until,
            note: String::new(),
            version: 1,
        }
    }

    #[test]
    fn status_follows_the_periods() {
        let md = crate::new_id();
        let ms = [
            m(md, MembershipStatus::Full, date(1991, 12, 21), Some(date(2022, 10, 1))),
            m(md, MembershipStatus::Suspended, date(2022, 10, 1), Some(date(2027, 1, 1))),
            m(md, MembershipStatus::Withdrawn, date(2027, 1, 1), None),
        ];
        assert_eq!(status_on(&ms, md, date(2020, 1, 1)), Some(MembershipStatus::Full));
        assert_eq!(status_on(&ms, md, date(2022, 10, 1)), Some(MembershipStatus::Suspended));
        assert_eq!(status_on(&ms, md, date(2027, 6, 1)), Some(MembershipStatus::Withdrawn));
        assert_eq!(status_on(&ms, md, date(1990, 1, 1)), None);
    }

    #[test]
    fn the_principal_body_has_the_most_members_taking_part() {
        let body = |slug: &str| Body {
            id: crate::new_id(),
            slug: slug.into(),
            name: crate::Text::default(),
            working_language: "ru".into(),
            decision_rule: DecisionRule::Consensus,
            chair_rule: ChairRule::Agreed,
            precedence: crate::precedence::PrecedencePolicy::alphabetical("ru"),
            protocol: ProtocolPolicy::default(),
            seat: crate::Text::default(),
            time_zone: "UTC".into(),
            version: 1,
        };
        let members = |n: usize, status: MembershipStatus| -> Vec<Membership> {
            (0..n).map(|_| m(crate::new_id(), status, date(2000, 1, 1), None)).collect()
        };
        let day = date(2025, 4, 11);
        let picked = principal(
            vec![
                (body("central-asia-russia"), members(6, MembershipStatus::Full)),
                (body("cis-cfm"), members(9, MembershipStatus::Full)),
            ],
            day,
        );
        assert_eq!(picked.unwrap().slug, "cis-cfm");
        let suspended = principal(
            vec![
                (body("a-body"), members(3, MembershipStatus::Full)),
                (body("b-body"), members(9, MembershipStatus::Suspended)),
            ],
            day,
        );
        assert_eq!(suspended.unwrap().slug, "a-body", "suspended members do not count");
        let tie = principal(
            vec![
                (body("b-body"), members(2, MembershipStatus::Full)),
                (body("a-body"), members(2, MembershipStatus::Full)),
            ],
            day,
        );
        assert_eq!(tie.unwrap().slug, "a-body");
        assert!(principal(vec![], day).is_none());
    }

    #[test]
    fn a_period_must_end_after_it_starts() {
        assert!(validate_period(date(2024, 1, 1), Some(date(2023, 1, 1))).is_err());
        assert!(validate_period(date(2024, 1, 1), None).is_ok());
    }

    #[test]
    fn a_new_period_changes_something() {
        let kz = crate::new_id();
        let held = [m(kz, MembershipStatus::Full, date(1991, 12, 21), None)];
        let code = |status, from, until| check_new_period(&held, kz, status, from, until).err().map(|e| e.0[0].code);
        assert_eq!(code(MembershipStatus::Full, date(2020, 1, 1), None), Some("period-in-force"), "full since 1991");
        assert_eq!(code(MembershipStatus::Full, date(2020, 1, 1), Some(date(2021, 1, 1))), Some("period-in-force"));
        assert_eq!(code(MembershipStatus::Suspended, date(2020, 1, 1), None), None, "a change of status");
        assert_eq!(code(MembershipStatus::Full, date(1990, 1, 1), None), None, "earlier than on record");
        let suspended = [held[0].clone(), m(kz, MembershipStatus::Suspended, date(2020, 1, 1), None)];
        let again = check_new_period(&suspended, kz, MembershipStatus::Full, date(2024, 1, 1), None);
        assert_eq!(again, Ok(()), "full again after a suspension");
    }
}
