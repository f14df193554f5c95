//! Decisions on documents: each member's stance, the body's rule that turns stances into an
//! outcome, and the signatures with the signature block in the body's order.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::bodies::DecisionRule;
use crate::documents::names;
use crate::participants::Participant;
use crate::text::{Case, UI_LANGUAGES};
use crate::validation::{Checker, Invalid};
use crate::{Id, Text};

/// A member's attitude to a document at adoption (DESIGN.md glossary).
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    Joins,
    /// Joins, with a special opinion (text optional).
    JoinsWithSpecialOpinion,
    /// Joins, with a reservation (text required).
    JoinsWithReservation,
    /// Declares it has no interest in the question: does not block.
    NoInterest,
    Objects,
    Absent,
}

names!(Stance {
    Joins => "joins",
    JoinsWithSpecialOpinion => "joins_with_special_opinion",
    JoinsWithReservation => "joins_with_reservation",
    NoInterest => "no_interest",
    Objects => "objects",
    Absent => "absent",
});

impl Stance {
    pub fn joins(self) -> bool {
        matches!(self, Self::Joins | Self::JoinsWithSpecialOpinion | Self::JoinsWithReservation)
    }
}

/// A member's stance on one document, as its delegation stated it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StanceRecord {
    pub participant: Id,
    pub stance: Stance,
    /// The special opinion or the reservation.
    pub text: String,
    pub at: jiff::Timestamp,
}

#[derive(schemars::JsonSchema, Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StanceInput {
    pub participant: String,
    pub stance: Stance,
    /// The reservation (required with `joins_with_reservation`), the special opinion or the
    /// objection; none with another stance.
    #[serde(default)]
    pub text: String,
    /// The participant's stance as the writer read it (`none`: none yet; a member with none is
    /// shown `absent`, and reading that is reading it right). Required once the member has a
    /// stance on record; when another is on record now, this one is not stated over it.
    #[serde(default)]
    #[schemars(extend("enum" = StanceInput::read_choices()))]
    pub replaces: Option<String>,
    /// When the stance the writer read was stated (the document's `stances[].stated_at`). When
    /// given, a stance stated again since, even of the same kind with another text, is not stated
    /// over either.
    #[serde(default)]
    #[schemars(with = "Option<crate::schema::Timestamp>")]
    pub replaces_stated_at: Option<jiff::Timestamp>,
}

/// Whether a moment `read` names the moment `at`: exactly, or as a client that keeps milliseconds
/// only (JavaScript's `Date`) reads it. Such a client cannot tell two stances stated within one
/// millisecond apart; one member's stances are never said that close together.
fn same_moment(read: jiff::Timestamp, at: jiff::Timestamp) -> bool {
    read == at || (read.subsec_nanosecond() % 1_000_000 == 0 && read.as_millisecond() == at.as_millisecond())
}

impl StanceInput {
    /// What `replaces` may say: nothing, `none`, or a stance.
    fn read_choices() -> Vec<Option<&'static str>> {
        [None, Some("none")].into_iter().chain(Stance::ALL.iter().map(|s| Some(s.as_str()))).collect()
    }

    /// What the writer read: `None` when it did not say, `Some(None)` when there was no stance.
    pub fn read(&self) -> Option<Option<Stance>> {
        self.replaces.as_deref().map(Stance::parse)
    }

    /// Whether this stance is the one on record, sent again (a double click, a retry): nothing
    /// to write, and no stance written over.
    pub fn repeats(&self, on_record: Option<&StanceRecord>) -> bool {
        on_record.is_some_and(|r| r.stance == self.stance && r.text == self.text)
    }

    /// Whether stating this stance would write over one its writer did not see: the member's
    /// stance `on_record` now is of another kind than the one the writer read, or was stated at
    /// another time.
    pub fn writes_over_unseen(&self, on_record: Option<&StanceRecord>) -> bool {
        let seen = |read: Option<Stance>| match on_record {
            Some(r) => read == Some(r.stance),
            None => matches!(read, None | Some(Stance::Absent)),
        };
        self.read().is_some_and(|read| !seen(read))
            || self.replaces_stated_at.is_some_and(|at| on_record.is_none_or(|r| !same_moment(at, r.at)))
    }

    /// Whether the writer said what it read where that is needed: a stance stated without
    /// `replaces` while one is on record would write over what the writer may never have seen.
    pub fn check_read(&self, on_record: Option<&StanceRecord>) -> Result<(), Invalid> {
        let mut c = Checker::new();
        if self.replaces.is_none() && on_record.is_some() {
            c.fail("replaces", "required");
        }
        c.finish(())
    }

    pub fn validate(self) -> Result<StanceInput, Invalid> {
        let mut c = Checker::new();
        if self.replaces.as_deref().is_some_and(|r| r != "none" && Stance::parse(r).is_none()) {
            c.fail("replaces", "invalid-choice");
        }
        let text = self.text.trim().to_string();
        match self.stance {
            Stance::JoinsWithReservation if text.is_empty() => c.fail("text", "required"),
            Stance::JoinsWithReservation | Stance::JoinsWithSpecialOpinion | Stance::Objects => {}
            _ if !text.is_empty() => c.fail("text", "text-not-expected"),
            _ => {}
        }
        if text.chars().count() > 10_000 {
            c.fail_with("text", "too-long", vec![("max", "10000".into())]);
        }
        c.finish(StanceInput { text, ..self })
    }
}

/// What the body's rule makes of the stances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Outcome {
    Adopted,
    /// Consensus failed: these members object.
    Blocked {
        by: Vec<Id>,
    },
    /// Nobody joined.
    NobodyJoined,
    /// A majority rule was not met.
    NotEnoughVotes {
        joined: usize,
        needed: usize,
    },
}

/// Why the decision said is not the one the body's rule gives on the stances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unruled {
    /// Nobody joined: the stances are still to be recorded.
    NobodyJoined,
    /// Adoption was said, and the rule does not adopt it.
    NotAdopted,
    /// Failure was said, and the rule adopts it.
    Adopted,
}

impl Outcome {
    pub fn is_adopted(&self) -> bool {
        *self == Outcome::Adopted
    }

    /// Whether the decision said (`adopt`: adopted, else not adopted) is the one the rule gives:
    /// the secretariat records what the rule decides, and a stance changed since it read them is
    /// refused, not recorded as the other outcome.
    pub fn confirms(&self, adopt: bool) -> Result<(), Unruled> {
        match (self, adopt) {
            (Outcome::NobodyJoined, _) => Err(Unruled::NobodyJoined),
            (Outcome::Adopted, true) => Ok(()),
            (Outcome::Adopted, false) => Err(Unruled::Adopted),
            (_, true) => Err(Unruled::NotAdopted),
            (_, false) => Ok(()),
        }
    }
}

/// Applies `rule` to the stances of `members` (those taking part); a member with no stance recorded
/// is absent. Under consensus only an objection blocks: no interest and absence do not, but
/// someone must join. Majorities count those who join against those who object.
pub fn outcome(rule: DecisionRule, members: &[Id], stances: &[StanceRecord]) -> Outcome {
    let stance_of = |m: &Id| stances.iter().find(|s| s.participant == *m).map_or(Stance::Absent, |s| s.stance);
    let all: Vec<(Id, Stance)> = members.iter().map(|m| (*m, stance_of(m))).collect();
    let joined = all.iter().filter(|(_, s)| s.joins()).count();
    let objecting: Vec<Id> = all.iter().filter(|(_, s)| *s == Stance::Objects).map(|(m, _)| *m).collect();
    let voting = joined + objecting.len();
    match rule {
        DecisionRule::Consensus if !objecting.is_empty() => Outcome::Blocked { by: objecting },
        _ if joined == 0 => Outcome::NobodyJoined,
        DecisionRule::Consensus => Outcome::Adopted,
        DecisionRule::SimpleMajority | DecisionRule::TwoThirdsMajority => {
            let needed = if rule == DecisionRule::SimpleMajority { voting / 2 + 1 } else { (2 * voting).div_ceil(3) };
            if joined >= needed { Outcome::Adopted } else { Outcome::NotEnoughVotes { joined, needed } }
        }
    }
}

/// Who signed for a participant, when and where. The name is in each language the signature block
/// is printed in, as the position and the place are: «Сергей Лавров», "Sergey Lavrov".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    pub participant: Id,
    pub person: Text,
    pub position: Text,
    pub signed_at: jiff::Timestamp,
    pub place: Text,
}

#[derive(schemars::JsonSchema, Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureInput {
    pub participant: String,
    pub person: SignerName,
    pub position: Text,
    /// When it was signed; without it, now (or, for a correction, the time on record).
    #[serde(default)]
    #[schemars(with = "Option<crate::schema::Timestamp>")]
    pub signed_at: Option<jiff::Timestamp>,
    pub place: Text,
    /// Why a signature on record is being corrected; empty for a first signature.
    #[serde(default)]
    pub correction: String,
}

/// A signer's name as given: in each language, or as one string, the name as it is written in the
/// original (in the original's language).
#[derive(schemars::JsonSchema, Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum SignerName {
    Languages(Text),
    AsSigned(String),
}

impl SignatureInput {
    pub fn validate(self) -> Result<SignatureInput, Invalid> {
        let mut c = Checker::new();
        let person = match self.person {
            SignerName::Languages(name) => SignerName::Languages(name.checked(&mut c, "person", 200)),
            SignerName::AsSigned(name) => SignerName::AsSigned(c.text("person", &name, 200)),
        };
        let position = self.position.checked(&mut c, "position", 300);
        let place = self.place.checked(&mut c, "place", 100);
        let correction = match self.correction.trim() {
            "" => String::new(),
            reason => c.text("correction", reason, 1_000),
        };
        c.finish(SignatureInput { person, position, place, correction, ..self })
    }
}

/// What recording a signature does to the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signing {
    /// The member's first signature.
    First(Signature),
    /// A correction of the member's signature on record (a wrong name, date or place), with why.
    Correction { before: Signature, after: Signature, reason: String },
    /// The signature on record, sent again (a double click, a retry): nothing to record.
    Again,
}

/// What a signature is recorded against.
pub struct SigningFrame<'a> {
    /// The signatures on record.
    pub on_record: &'a [Signature],
    /// The members' stances at adoption.
    pub stances: &'a [StanceRecord],
    /// The start of the day of the meeting the document belongs to, where it has one: it is
    /// adopted there and signed there or later.
    pub not_before: Option<jiff::Timestamp>,
    pub now: jiff::Timestamp,
    /// The languages the document has a text in. A signature's name, position and place are given
    /// in those or in the interface's languages, where its signature block is printed.
    pub languages: &'a [String],
    /// The language of the original, of a name given as one string.
    pub original_language: &'a str,
}

/// What a signature for `participant` makes of the signatures on record: a member signs once,
/// so a second record for it corrects the first and must say why (`correction`), and there must be
/// one to correct. A signature is history: it is never overwritten without a reason the audit
/// keeps, and it is dated neither in the future nor before the meeting that adopted the text. A
/// member that declared no interest in the question takes no part in the document and does not
/// sign it.
pub fn signing(frame: &SigningFrame, participant: Id, input: SignatureInput) -> Result<Signing, Invalid> {
    let mut c = Checker::new();
    if frame.stances.iter().any(|s| s.participant == participant && s.stance == Stance::NoInterest) {
        c.fail("participant", "declared-no-interest");
    }
    let person = match input.person {
        SignerName::Languages(name) => name,
        SignerName::AsSigned(name) => Text::new(&[(frame.original_language, &name)]),
    };
    for (field, text) in [("person", &person), ("position", &input.position), ("place", &input.place)] {
        for lang in text.0.keys() {
            if !UI_LANGUAGES.contains(&lang.as_str()) && !frame.languages.contains(lang) {
                c.fail(format!("{field}.{lang}"), "language-not-printed");
            }
        }
    }
    let before = frame.on_record.iter().find(|s| s.participant == participant);
    let signed_at = input.signed_at.or(before.map(|b| b.signed_at)).unwrap_or(frame.now);
    if signed_at > frame.now + jiff::SignedDuration::from_mins(5) {
        c.fail("signed_at", "in-the-future");
    } else if frame.not_before.is_some_and(|start| signed_at < start) {
        c.fail("signed_at", "before-meeting");
    }
    let signature = Signature {
        participant,
        person: corrected(before.map(|b| &b.person), person),
        position: corrected(before.map(|b| &b.position), input.position),
        signed_at,
        place: corrected(before.map(|b| &b.place), input.place),
    };
    let signing = match (before, input.correction.trim()) {
        (None, "") => Signing::First(signature),
        (None, _) => {
            c.fail("correction", "nothing-to-correct");
            Signing::First(signature)
        }
        (Some(before), "") if *before == signature => Signing::Again,
        (Some(_), "") => {
            c.fail("correction", "already-signed");
            Signing::First(signature)
        }
        (Some(before), reason) => {
            if *before == signature {
                c.fail("correction", "no-change");
            }
            Signing::Correction { before: before.clone(), after: signature, reason: reason.to_string() }
        }
    };
    c.finish(signing)
}

/// A text as corrected: languages it adds join those on record (a signer named in Russian gets
/// an English and a Kazakh name); where it changes one on record, the others no longer translate
/// it and are dropped.
fn corrected(before: Option<&Text>, given: Text) -> Text {
    match before {
        Some(before) if given.0.iter().all(|(lang, value)| before.0.get(lang).is_none_or(|was| was == value)) => {
            let mut added = before.clone();
            added.0.extend(given.0);
            added
        }
        _ => given,
    }
}

/// One line of a signature block: "For the Republic of Armenia", who signed (or a dash), and the
/// special opinion or reservation the member signed with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockLine {
    pub participant: Id,
    pub heading: String,
    pub signer: Option<String>,
    pub position: Option<String>,
    /// Where and when the signer signed, in `lang` as the name is.
    pub place: Option<String>,
    pub signed_at: Option<jiff::Timestamp>,
    pub stance: Option<Stance>,
    pub note: String,
}

/// The signature block in `lang`, one line per member in the body's order (`members`, already in
/// precedence). A member that did not sign gets a dash (no signer). A name or position not given in
/// `lang` is printed as in the `original`'s language, the authentic text, before any other.
pub fn signature_block(
    members: &[&Participant],
    signatures: &[Signature],
    stances: &[StanceRecord],
    lang: &str,
    original: &str,
) -> Vec<BlockLine> {
    let shown = |text: &Text| text.exact(lang).or(text.exact(original)).unwrap_or(text.get(lang)).to_string();
    members
        .iter()
        .map(|p| {
            let signature = signatures.iter().find(|s| s.participant == p.id);
            let stance = stances
                .iter()
                .find(|s| s.participant == p.id)
                .filter(|s| matches!(s.stance, Stance::JoinsWithSpecialOpinion | Stance::JoinsWithReservation));
            BlockLine {
                participant: p.id,
                heading: signing_for(p, lang),
                signer: signature.map(|s| shown(&s.person)),
                position: signature.map(|s| shown(&s.position)),
                place: signature.map(|s| shown(&s.place)),
                signed_at: signature.map(|s| s.signed_at),
                stance: stance.map(|s| s.stance),
                note: stance.map(|s| s.text.clone()).unwrap_or_default(),
            }
        })
        .collect()
}

/// Where and on which day a signer signed, when that is not where and when the text was done
/// (`done_at`, in any of its languages, on `done_on` in `tz`): ad referendum, or after the
/// meeting. The place is empty where the signature names none (it was signed where the text was
/// done, on another day). `None`: signed there, that day.
pub fn signed_elsewhere(
    line: &BlockLine,
    done_at: &Text,
    done_on: jiff::civil::Date,
    tz: &jiff::tz::TimeZone,
) -> Option<(String, jiff::civil::Date)> {
    let there = line.place.as_deref()?.trim();
    let day = line.signed_at?.to_zoned_datetime(tz.clone()).date();
    let here = there.is_empty() || done_at.0.values().any(|city| city.trim().to_lowercase() == there.to_lowercase());
    (!here || day != done_on).then(|| (there.to_string(), day))
}

/// "For the Republic of Armenia", «За Республику Армения», «Армения Республикасы үшін»: the case a
/// language needs comes from the participant's recorded forms, else its plain formal name.
pub fn signing_for(p: &Participant, lang: &str) -> String {
    let formal = p.formal_name.get(lang);
    match lang {
        "ru" => format!("За {}", p.cases.formal_name.get(Case::Accusative, "ru").unwrap_or(formal)),
        "kk" => format!("{} үшін", formal),
        _ => format!("For {formal}"),
    }
}

/// Each member's stance, for a table: members without a record are absent.
pub fn stances_of(members: &[Id], stances: &[StanceRecord]) -> BTreeMap<Id, Stance> {
    members
        .iter()
        .map(|m| (*m, stances.iter().find(|s| s.participant == *m).map_or(Stance::Absent, |s| s.stance)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::new_id;
    use crate::precedence::tests as fixtures;

    #[test]
    fn a_signer_elsewhere_or_on_another_day_is_told_and_one_at_the_meeting_is_not() {
        let almaty = Text::new(&[("ru", "Алматы"), ("en", "Almaty")]);
        let tz = jiff::tz::TimeZone::get("Asia/Almaty").unwrap();
        let day = jiff::civil::date(2025, 4, 11);
        let line = |place: &str, at: &str| BlockLine {
            participant: new_id(),
            heading: String::new(),
            signer: Some("x".into()),
            position: None,
            place: Some(place.into()),
            signed_at: Some(at.parse().unwrap()),
            stance: None,
            note: String::new(),
        };
        let at_the_meeting = line("almaty", "2025-04-11T05:00:00Z");
        assert_eq!(signed_elsewhere(&at_the_meeting, &almaty, day, &tz), None, "any language, any case");
        let minsk = line("Минск", "2025-04-20T08:00:00Z");
        assert_eq!(signed_elsewhere(&minsk, &almaty, day, &tz), Some(("Минск".into(), jiff::civil::date(2025, 4, 20))));
        // 20:00 UTC on the 11th is the 12th in Almaty.
        let late = line("", "2025-04-11T20:00:00Z");
        assert_eq!(signed_elsewhere(&late, &almaty, day, &tz), Some((String::new(), jiff::civil::date(2025, 4, 12))));
    }

    #[test]
    fn a_stance_says_what_it_replaces_as_a_stance_or_none() {
        let stated = |replaces: Option<&str>| StanceInput {
            participant: "KZ".into(),
            stance: Stance::Joins,
            text: String::new(),
            replaces: replaces.map(str::to_string),
            replaces_stated_at: None,
        };
        let objection = record(new_id(), Stance::Objects);
        assert_eq!(stated(None).read(), None, "no check asked");
        assert_eq!(stated(Some("none")).read(), Some(None), "read before any stance");
        assert_eq!(stated(Some("objects")).read(), Some(Some(Stance::Objects)));
        assert!(stated(Some("none")).writes_over_unseen(Some(&objection)), "an objection stated meanwhile");
        assert!(!stated(Some("objects")).writes_over_unseen(Some(&objection)));
        assert!(!stated(None).writes_over_unseen(Some(&objection)), "no check asked");
        let unsaid = stated(None).check_read(Some(&objection)).unwrap_err();
        assert_eq!((unsaid.0[0].field.as_str(), unsaid.0[0].code), ("replaces", "required"), "over a stance unread");
        assert!(stated(None).check_read(None).is_ok(), "a first stance needs nothing read");
        assert!(!stated(Some("absent")).writes_over_unseen(None), "a member with none is shown absent");
        assert!(stated(Some("absent")).writes_over_unseen(Some(&objection)), "but not one that objects");
        let recorded_absent = record(new_id(), Stance::Absent);
        assert!(stated(Some("none")).writes_over_unseen(Some(&recorded_absent)), "absence recorded meanwhile");
        let err = stated(Some("maybe")).validate().unwrap_err();
        assert_eq!((err.0[0].field.as_str(), err.0[0].code), ("replaces", "invalid-choice"));
    }

    #[test]
    fn a_stance_stated_again_since_it_was_read_is_unseen_even_of_the_same_kind() {
        // Stated at a moment in microseconds, as the store keeps it.
        let read_at: jiff::Timestamp = "2025-04-11T08:20:07.150897Z".parse().unwrap();
        let stated = StanceInput {
            participant: "AM".into(),
            stance: Stance::JoinsWithReservation,
            text: "К пункту 2 и 3.".into(),
            replaces: Some("joins_with_reservation".into()),
            replaces_stated_at: Some(read_at),
        };
        let reservation =
            |at| StanceRecord {
                text: "К пункту 2.".into(), at, ..record(new_id(), Stance::JoinsWithReservation)
            };
        assert!(!stated.writes_over_unseen(Some(&reservation(read_at))), "the reservation it read");
        // Read by a client that keeps milliseconds only: the same moment.
        let in_millis =
            StanceInput { replaces_stated_at: Some("2025-04-11T08:20:07.150Z".parse().unwrap()), ..stated.clone() };
        assert!(!in_millis.writes_over_unseen(Some(&reservation(read_at))), "the same moment, in milliseconds");
        let later: jiff::Timestamp = "2025-04-11T08:20:07.151Z".parse().unwrap();
        assert!(in_millis.writes_over_unseen(Some(&reservation(later))), "a millisecond later is another");
        let again = reservation(read_at + jiff::SignedDuration::from_micros(1));
        assert!(stated.writes_over_unseen(Some(&again)), "the same kind, stated again with another text");
        assert!(stated.writes_over_unseen(None), "read a stance that is not on record");
        let kind_only = StanceInput { replaces_stated_at: None, ..stated };
        assert!(!kind_only.writes_over_unseen(Some(&again)), "only the kind was asked about");
    }

    fn record(participant: Id, stance: Stance) -> StanceRecord {
        StanceRecord { participant, stance, text: String::new(), at: jiff::Timestamp::UNIX_EPOCH }
    }

    fn signature(participant: Id, person: &str) -> Signature {
        Signature {
            participant,
            person: Text::new(&[("en", person)]),
            position: Text::new(&[("en", "Minister for Foreign Affairs"), ("ru", "Министр иностранных дел")]),
            signed_at: jiff::Timestamp::UNIX_EPOCH,
            place: Text::new(&[("en", "Almaty"), ("ru", "Алматы")]),
        }
    }

    fn input(person: &str, position: &str, correction: &str) -> SignatureInput {
        SignatureInput {
            participant: String::new(),
            person: SignerName::AsSigned(person.to_string()),
            position: Text::new(&[("en", position)]),
            signed_at: None,
            place: Text::new(&[("en", "Almaty")]),
            correction: correction.to_string(),
        }
    }

    fn codes(invalid: Invalid) -> Vec<(String, &'static str)> {
        invalid.0.into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn a_member_signs_once_and_a_correction_of_its_signature_says_why() {
        let (kz, ru) = (new_id(), new_id());
        let now = jiff::Timestamp::UNIX_EPOCH + jiff::SignedDuration::from_hours(1);
        let on_record = [signature(kz, "M. Nurtleu")];
        let frame = SigningFrame {
            on_record: &on_record,
            stances: &[],
            not_before: None,
            now,
            languages: &[],
            original_language: "en",
        };
        let sign = |p, i| signing(&frame, p, i);
        let minister = "Minister for Foreign Affairs";
        let Ok(Signing::First(first)) = sign(ru, input("S. Lavrov", minister, "")) else { panic!("a first signature") };
        assert_eq!((first.person.get("ru"), first.signed_at), ("S. Lavrov", now), "signed now unless told");
        let corrected = sign(kz, input("M. Nurtleu (Murat)", minister, "Misspelt")).unwrap();
        assert_eq!(
            corrected,
            Signing::Correction {
                before: signature(kz, "M. Nurtleu"),
                after: signature(kz, "M. Nurtleu (Murat)"),
                reason: "Misspelt".to_string()
            },
            "the time on record and the position's other languages are kept"
        );
        let Ok(Signing::Correction { after, .. }) =
            sign(kz, input("M. Nurtleu", "Deputy Prime Minister", "Wrong post"))
        else {
            panic!("a correction")
        };
        assert_eq!(after.position, Text::new(&[("en", "Deputy Prime Minister")]), "no stale translation");
        let kazakh = SignatureInput {
            position: Text::new(&[("kk", "Сыртқы істер министрі")]),
            ..input("M. Nurtleu", minister, "Kazakh added")
        };
        let Ok(Signing::Correction { after, .. }) = sign(kz, kazakh) else { panic!("a correction") };
        assert_eq!(
            after.position,
            Text::new(&[
                ("en", "Minister for Foreign Affairs"),
                ("ru", "Министр иностранных дел"),
                ("kk", "Сыртқы істер министрі")
            ]),
            "a language added keeps those on record"
        );
        let refused = |p, i| codes(sign(p, i).unwrap_err());
        assert_eq!(refused(kz, input("Someone else", minister, "  ")), [("correction".to_string(), "already-signed")]);
        assert!(matches!(sign(kz, input("M. Nurtleu", minister, "")), Ok(Signing::Again)), "the same, sent twice");
        assert_eq!(
            refused(ru, input("S. Lavrov", minister, "typo")),
            [("correction".to_string(), "nothing-to-correct")]
        );
        assert_eq!(refused(kz, input("M. Nurtleu", minister, "typo")), [("correction".to_string(), "no-change")]);
        let tomorrow = SignatureInput {
            signed_at: Some(now + jiff::SignedDuration::from_hours(24)),
            ..input("S. Lavrov", minister, "")
        };
        assert_eq!(refused(ru, tomorrow), [("signed_at".to_string(), "in-the-future")]);
        // Not before its meeting, and not by a member that declared no interest.
        let tm = new_id();
        let stances = [StanceRecord { participant: tm, stance: Stance::NoInterest, text: String::new(), at: now }];
        let meeting = SigningFrame { stances: &stances, not_before: Some(now), ..frame };
        let early = SignatureInput { signed_at: Some(jiff::Timestamp::UNIX_EPOCH), ..input("S. Lavrov", minister, "") };
        assert_eq!(codes(signing(&meeting, ru, early).unwrap_err()), [("signed_at".to_string(), "before-meeting")]);
        assert!(signing(&meeting, ru, input("S. Lavrov", minister, "")).is_ok(), "at the meeting");
        let uninterested = signing(&meeting, tm, input("R. Meredov", minister, "")).unwrap_err();
        assert_eq!(codes(uninterested), [("participant".to_string(), "declared-no-interest")]);
        // A position or place in a language nothing is printed in is named; the document's own is not.
        let junk = SignatureInput { place: Text::new(&[("xx", "a")]), ..input("S. Lavrov", minister, "") };
        assert_eq!(
            codes(signing(&meeting, ru, junk.clone()).unwrap_err()),
            [("place.xx".to_string(), "language-not-printed")]
        );
        let uzbek = [String::from("xx")];
        assert!(signing(&SigningFrame { languages: &uzbek, ..meeting }, ru, junk).is_ok(), "a language the text is in");
    }

    #[test]
    fn under_consensus_only_an_objection_blocks_for_every_combination_of_stances() {
        let members = [new_id(), new_id(), new_id()];
        for a in Stance::ALL {
            for b in Stance::ALL {
                for c in Stance::ALL {
                    let stances = [record(members[0], *a), record(members[1], *b), record(members[2], *c)];
                    let got = outcome(DecisionRule::Consensus, &members, &stances);
                    let objecting: Vec<Id> =
                        stances.iter().filter(|s| s.stance == Stance::Objects).map(|s| s.participant).collect();
                    let expected = if !objecting.is_empty() {
                        Outcome::Blocked { by: objecting }
                    } else if stances.iter().any(|s| s.stance.joins()) {
                        Outcome::Adopted
                    } else {
                        Outcome::NobodyJoined
                    };
                    assert_eq!(got, expected, "{a:?} {b:?} {c:?}");
                }
            }
        }
    }

    #[test]
    fn a_decision_said_is_recorded_only_where_the_rule_gives_it() {
        let blocked = Outcome::Blocked { by: vec![new_id()] };
        assert_eq!(Outcome::Adopted.confirms(true), Ok(()));
        assert_eq!(Outcome::Adopted.confirms(false), Err(Unruled::Adopted));
        assert_eq!(blocked.confirms(false), Ok(()));
        assert_eq!(blocked.confirms(true), Err(Unruled::NotAdopted));
        assert_eq!(Outcome::NotEnoughVotes { joined: 1, needed: 2 }.confirms(true), Err(Unruled::NotAdopted));
        assert_eq!(Outcome::NobodyJoined.confirms(false), Err(Unruled::NobodyJoined));
    }

    #[test]
    fn a_member_without_a_stance_is_absent_and_does_not_block() {
        let members = [new_id(), new_id()];
        let stances = [record(members[0], Stance::JoinsWithReservation)];
        assert_eq!(outcome(DecisionRule::Consensus, &members, &stances), Outcome::Adopted);
        assert_eq!(stances_of(&members, &stances)[&members[1]], Stance::Absent);
    }

    #[test]
    fn majorities_count_who_joins_against_who_objects() {
        let m: Vec<Id> = (0..5).map(|_| new_id()).collect();
        let stances = [
            record(m[0], Stance::Joins),
            record(m[1], Stance::JoinsWithSpecialOpinion),
            record(m[2], Stance::Objects),
            record(m[3], Stance::NoInterest),
        ];
        assert_eq!(outcome(DecisionRule::SimpleMajority, &m, &stances), Outcome::Adopted);
        assert_eq!(outcome(DecisionRule::TwoThirdsMajority, &m, &stances), Outcome::Adopted);
        let more = [record(m[0], Stance::Joins), record(m[1], Stance::Objects), record(m[2], Stance::Objects)];
        assert_eq!(
            outcome(DecisionRule::TwoThirdsMajority, &m, &more),
            Outcome::NotEnoughVotes { joined: 1, needed: 2 }
        );
        assert_eq!(outcome(DecisionRule::SimpleMajority, &m, &more), Outcome::NotEnoughVotes { joined: 1, needed: 2 });
    }

    #[test]
    fn a_reservation_needs_its_text_and_a_plain_join_has_none() {
        let input = |stance, text: &str| StanceInput {
            participant: "AM".into(),
            stance,
            text: text.into(),
            replaces: None,
            replaces_stated_at: None,
        };
        assert_eq!(input(Stance::JoinsWithReservation, " ").validate().unwrap_err().0[0].code, "required");
        assert_eq!(input(Stance::Joins, "x").validate().unwrap_err().0[0].code, "text-not-expected");
        assert!(input(Stance::JoinsWithSpecialOpinion, "").validate().is_ok());
    }

    #[test]
    fn the_signature_block_follows_the_given_order_with_a_dash_for_who_did_not_sign() {
        let cis = fixtures::cis();
        let members: Vec<&Participant> = cis.iter().take(3).collect();
        let signature = Signature {
            participant: members[1].id,
            person: Text::new(&[("en", "A. Minister")]),
            position: Text::new(&[("en", "Minister of Foreign Affairs")]),
            signed_at: jiff::Timestamp::UNIX_EPOCH,
            place: Text::new(&[("en", "Almaty")]),
        };
        let opinion =
            StanceRecord { text: "On paragraph 3.".into(), ..record(members[1].id, Stance::JoinsWithSpecialOpinion) };
        let block = signature_block(&members, &[signature], &[opinion], "en", "ru");
        let ids: Vec<Id> = block.iter().map(|l| l.participant).collect();
        assert_eq!(ids, members.iter().map(|p| p.id).collect::<Vec<_>>());
        assert_eq!(block[0].signer, None);
        assert_eq!(block[1].signer.as_deref(), Some("A. Minister"));
        assert_eq!(
            (block[1].stance, block[1].note.as_str()),
            (Some(Stance::JoinsWithSpecialOpinion), "On paragraph 3.")
        );
        // A language a signature lacks prints the original's, the authentic text, not English.
        let in_two = Signature {
            participant: members[1].id,
            person: Text::new(&[("en", "A. Minister"), ("ru", "А. Министр")]),
            position: Text::new(&[("en", "Minister of Foreign Affairs"), ("ru", "Министр иностранных дел")]),
            signed_at: jiff::Timestamp::UNIX_EPOCH,
            place: Text::new(&[("ru", "Алматы")]),
        };
        let kazakh = signature_block(&members, &[in_two], &[], "kk", "ru");
        assert_eq!(
            (kazakh[1].signer.as_deref(), kazakh[1].position.as_deref()),
            (Some("А. Министр"), Some("Министр иностранных дел"))
        );
        assert!(block[0].heading.starts_with("For "));
    }
}
