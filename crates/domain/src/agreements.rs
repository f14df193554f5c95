//! The register of agreements and the follow-up of what they commit the parties to: levels,
//! parties, signature, entry into force (on signature or after each party's notification), action
//! items with deadlines whose status is computed, never typed in, and progress reports.

use std::collections::BTreeSet;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::agenda::{Area, known_area};
use crate::documents::names;
use crate::validation::{Checker, Invalid};
use crate::{Id, Text};

/// Who concluded an agreement (DESIGN.md glossary).
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Heads of state.
    Highest,
    /// Heads of government.
    High,
    Ministerial,
    InterAgency,
}

names!(Level { Highest => "highest", High => "high", Ministerial => "ministerial", InterAgency => "inter_agency" });

/// How an agreement enters into force.
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryIntoForce {
    OnSignature,
    /// When every party has notified the completion of its domestic procedures (for a
    /// multilateral agreement with a threshold, when that many have).
    AfterNotifications,
}

names!(EntryIntoForce { OnSignature => "on_signature", AfterNotifications => "after_notifications" });

/// Where an agreement stands. `Pending` and `InForce` follow from signature and notifications;
/// `Suspended` and `Terminated` are recorded with their date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgreementStatus {
    Pending,
    InForce,
    Suspended,
    Terminated,
}

names!(AgreementStatus { Pending => "pending", InForce => "in_force", Suspended => "suspended", Terminated => "terminated" });

/// A party's notification that its domestic procedures are complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub party: Id,
    pub date: Date,
}

/// An interruption of an agreement in force, or the end of one, recorded with its date.
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Interruption {
    Suspended,
    Terminated,
    /// A suspension lifted: the agreement applies again.
    Resumed,
}

names!(Interruption { Suspended => "suspended", Terminated => "terminated", Resumed => "resumed" });

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    pub id: Id,
    pub title: Text,
    pub level: Level,
    pub parties: Vec<Id>,
    /// The adopted document it comes from, if it was made in Concord.
    pub document_id: Option<Id>,
    pub signed_on: Option<Date>,
    pub signed_at: Text,
    pub depositary: Option<Id>,
    pub entry_into_force: EntryIntoForce,
    /// For multilateral agreements that enter into force for all once this many have notified.
    pub threshold: Option<u32>,
    pub notifications: Vec<Notification>,
    /// Suspensions, resumptions and a termination, in the order of their dates.
    pub interruptions: Vec<(Interruption, Date)>,
    pub version: i64,
}

impl Agreement {
    pub fn is_bilateral(&self) -> bool {
        self.parties.len() == 2
    }

    /// The day it entered (or enters) into force, if the conditions are met.
    pub fn in_force_from(&self) -> Option<Date> {
        let signed = self.signed_on?;
        match self.entry_into_force {
            EntryIntoForce::OnSignature => Some(signed),
            EntryIntoForce::AfterNotifications => {
                let mut dates: Vec<Date> = self
                    .parties
                    .iter()
                    .filter_map(|p| self.notifications.iter().filter(|n| n.party == *p).map(|n| n.date).min())
                    .collect();
                dates.sort_unstable();
                let needed = self.threshold.map_or(self.parties.len(), |t| t as usize);
                (needed > 0 && dates.len() >= needed).then(|| dates[needed - 1].max(signed))
            }
        }
    }

    /// The status on a day.
    pub fn status_on(&self, day: Date) -> AgreementStatus {
        match self.interruptions.iter().rev().find(|(_, from)| *from <= day) {
            Some((Interruption::Terminated, _)) => AgreementStatus::Terminated,
            Some((Interruption::Suspended, _)) => AgreementStatus::Suspended,
            _ => match self.in_force_from() {
                Some(from) if from <= day => AgreementStatus::InForce,
                _ => AgreementStatus::Pending,
            },
        }
    }

    /// The agreement with an interruption recorded from a date: only of an agreement in force by
    /// then, not before what is recorded already; a suspension of one not suspended, a resumption
    /// of one that is, and a termination is final.
    pub fn interrupted(mut self, kind: Interruption, from: Date) -> Result<Agreement, Invalid> {
        let mut c = Checker::new();
        if self.in_force_from().is_none_or(|d| from < d) {
            c.fail("date", "not-in-force");
        }
        let last = self.interruptions.last().copied();
        if last.is_some_and(|(_, d)| from < d) {
            c.fail("date", "before-interruption");
        }
        match (last.map(|(k, _)| k), kind) {
            (Some(Interruption::Terminated), _) => c.fail("kind", "terminated-already"),
            (Some(Interruption::Suspended), Interruption::Suspended) => c.fail("kind", "suspended-already"),
            (None | Some(Interruption::Resumed), Interruption::Resumed) => c.fail("kind", "not-suspended"),
            _ => {}
        }
        self.interruptions.push((kind, from));
        c.finish(self)
    }

    /// The parties whose notification is still awaited.
    pub fn awaited(&self) -> Vec<Id> {
        if self.entry_into_force == EntryIntoForce::OnSignature {
            return Vec::new();
        }
        self.parties.iter().copied().filter(|p| !self.notifications.iter().any(|n| n.party == *p)).collect()
    }

    /// Whether its action items are followed up (reminded, listed as due): not once it is
    /// suspended or terminated.
    pub fn is_followed_on(&self, day: Date) -> bool {
        matches!(self.status_on(day), AgreementStatus::Pending | AgreementStatus::InForce)
    }

    pub fn binds(&self, a: Id, b: Id) -> bool {
        self.parties.contains(&a) && self.parties.contains(&b)
    }
}

/// What a ministry or secretariat enters for an agreement; participants by code.
#[derive(schemars::JsonSchema, Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementInput {
    pub title: Text,
    pub level: Level,
    pub parties: Vec<String>,
    #[serde(default)]
    #[schemars(with = "Option<crate::schema::Date>")]
    pub signed_on: Option<Date>,
    #[serde(default)]
    pub signed_at: Text,
    #[serde(default)]
    pub depositary: Option<String>,
    pub entry_into_force: EntryIntoForce,
    #[serde(default)]
    pub threshold: Option<u32>,
    /// The adopted document it is registered from.
    #[serde(default)]
    pub document: Option<Id>,
}

impl AgreementInput {
    /// Checks an agreement registered on `today`: one signed is signed by then.
    pub fn validate(self, today: Date) -> Result<AgreementInput, Invalid> {
        let mut c = Checker::new();
        let title = self.title.checked(&mut c, "title", 1_000);
        let parties: Vec<String> = self.parties.iter().map(|p| p.trim().to_ascii_uppercase()).collect();
        let distinct: BTreeSet<&String> = parties.iter().collect();
        if distinct.len() != parties.len() {
            c.fail("parties", "party-twice");
        } else if distinct.len() < 2 {
            c.fail("parties", "two-parties");
        }
        if self.signed_on.is_some_and(|signed| signed > today) {
            c.fail("signed_on", "in-the-future");
        }
        if self.threshold.is_some_and(|t| t < 2 || t as usize > parties.len()) {
            let most = parties.len().max(2).to_string();
            c.fail_with("threshold", "out-of-range", vec![("min", "2".into()), ("max", most)]);
        }
        if self.threshold.is_some() && self.entry_into_force == EntryIntoForce::OnSignature {
            c.fail("threshold", "only-after-notifications");
        }
        let signed_at = if self.signed_at.0.values().all(|v| v.trim().is_empty()) {
            Text::default()
        } else {
            self.signed_at.checked(&mut c, "signed_at", 100)
        };
        c.finish(AgreementInput { title, parties, signed_at, ..self })
    }
}

/// What a party records: its notification that its domestic procedures are complete, on `date`,
/// by `today` where it is (a note received, not one to come).
pub fn check_notification(agreement: &Agreement, party: Id, date: Date, today: Date) -> Result<(), Invalid> {
    let mut c = Checker::new();
    if date > today {
        c.fail("date", "in-the-future");
    }
    if !agreement.parties.contains(&party) {
        c.fail("party", "not-a-party");
    }
    if agreement.entry_into_force == EntryIntoForce::OnSignature {
        c.fail("party", "in-force-on-signature");
    }
    if agreement.signed_on.is_none_or(|s| date < s) {
        c.fail("date", "before-signature");
    }
    if agreement.notifications.iter().any(|n| n.party == party) {
        c.fail("party", "notified-already");
    }
    c.finish(())
}

/// The state of an action item as its responsible party reports it; overdue is never recorded,
/// only computed ([`ActionItem::status`]).
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    Planned,
    InProgress,
    Done,
    Dropped,
}

names!(Progress { Planned => "planned", InProgress => "in_progress", Done => "done", Dropped => "dropped" });

/// An action item's status at an instant: its progress, or overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Planned,
    InProgress,
    Done,
    Overdue,
    Dropped,
}

names!(ItemStatus {
    Planned => "planned",
    InProgress => "in_progress",
    Done => "done",
    Overdue => "overdue",
    Dropped => "dropped",
});

impl ItemStatus {
    pub fn is_open(self) -> bool {
        matches!(self, Self::Planned | Self::InProgress | Self::Overdue)
    }
}

/// A commitment under an agreement or a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionItem {
    pub id: Id,
    pub agreement_id: Id,
    pub title: Text,
    /// The responsible parties (participants).
    pub responsible: Vec<Id>,
    /// The agencies in charge, as the plan names them.
    pub agencies: Text,
    pub area: String,
    /// A civil date: the item is due by the end of that day where its responsible party is.
    pub deadline: Date,
    pub progress: Progress,
    pub version: i64,
}

impl ActionItem {
    /// When the deadline day ends for the responsible party latest to reach its midnight: until
    /// then, nobody can call the item late. `zones` gives each responsible participant's time zone.
    pub fn due_by(&self, zones: &dyn Fn(Id) -> Option<jiff::tz::TimeZone>) -> jiff::Timestamp {
        let next_day = self.deadline.tomorrow().unwrap_or(self.deadline);
        self.responsible
            .iter()
            .filter_map(|p| zones(*p))
            .chain(std::iter::once(jiff::tz::TimeZone::UTC).filter(|_| self.responsible.is_empty()))
            .filter_map(|tz| next_day.to_zoned_datetime(tz).ok().map(|z| z.timestamp()))
            .max()
            .unwrap_or_else(|| {
                next_day.to_zoned_datetime(jiff::tz::TimeZone::UTC).map_or(jiff::Timestamp::MAX, |z| z.timestamp())
            })
    }

    /// The status at `now`: done and dropped as reported; overdue once the deadline day has ended
    /// for every responsible party; else as reported.
    pub fn status(&self, now: jiff::Timestamp, zones: &dyn Fn(Id) -> Option<jiff::tz::TimeZone>) -> ItemStatus {
        match self.progress {
            Progress::Done => ItemStatus::Done,
            Progress::Dropped => ItemStatus::Dropped,
            _ if now >= self.due_by(zones) => ItemStatus::Overdue,
            Progress::Planned => ItemStatus::Planned,
            Progress::InProgress => ItemStatus::InProgress,
        }
    }

    /// Due within `days` of `today` and still open (for the due-soon lists).
    pub fn due_within(&self, today: Date, days: i64) -> bool {
        let until = today.checked_add(jiff::Span::new().days(days)).unwrap_or(today);
        self.deadline >= today && self.deadline <= until
    }
}

#[derive(schemars::JsonSchema, Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionItemInput {
    pub title: Text,
    pub responsible: Vec<String>,
    #[serde(default)]
    pub agencies: Text,
    #[serde(default = "other")]
    pub area: String,
    #[schemars(with = "crate::schema::Date")]
    pub deadline: Date,
    #[serde(default = "planned")]
    pub progress: Progress,
}

fn other() -> String {
    "other".into()
}

fn planned() -> Progress {
    Progress::Planned
}

impl ActionItemInput {
    /// Checks an item against its agreement: the responsible must be parties to it, the deadline
    /// not before its signature, the area a known one (standard, or `added` by a secretariat).
    pub fn validate(
        self,
        parties: &[String],
        signed_on: Option<Date>,
        added: &[Area],
    ) -> Result<ActionItemInput, Invalid> {
        let mut c = Checker::new();
        let title = self.title.checked(&mut c, "title", 1_000);
        let responsible: Vec<String> = self.responsible.iter().map(|p| p.trim().to_ascii_uppercase()).collect();
        if responsible.is_empty() {
            c.fail("responsible", "required");
        }
        if let Some(stranger) = responsible.iter().find(|r| !parties.contains(r)) {
            c.fail_with("responsible", "not-a-party", vec![("value", stranger.clone())]);
        }
        let agencies = if self.agencies.0.values().all(|v| v.trim().is_empty()) {
            Text::default()
        } else {
            self.agencies.checked(&mut c, "agencies", 500)
        };
        if signed_on.is_some_and(|signed| self.deadline < signed) {
            c.fail("deadline", "before-signature");
        }
        let area = self.area.trim().to_string();
        if !known_area(&area, added) {
            c.fail("area", "invalid-choice");
        }
        c.finish(ActionItemInput { title, responsible, agencies, area, ..self })
    }
}

/// A progress report on an action item, by the responsible party's ministry or the secretariat.
/// An internal assessment stays with the ministry that wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub id: Id,
    pub item_id: Id,
    /// The participant whose ministry wrote it; `None` for the secretariat.
    pub author: Option<Id>,
    pub date: Date,
    pub text: String,
    /// The progress it reports, which becomes the item's.
    pub progress: Progress,
    /// A ministry's own assessment, never shown to another participant.
    pub internal: bool,
    pub at: jiff::Timestamp,
}

impl Report {
    /// Whether its progress becomes the item's: that of a report shared with the parties, dated
    /// no earlier than the item's other shared reports (one filed late about an earlier day does
    /// not set the item back).
    pub fn sets_progress<'a>(&self, reports: impl IntoIterator<Item = &'a Report>) -> bool {
        !self.internal
            && reports
                .into_iter()
                .filter(|r| r.item_id == self.item_id && r.id != self.id && !r.internal)
                .all(|r| r.date <= self.date)
    }

    /// Whether a reader who is the own delegation or ministry of `own` participants sees it.
    pub fn visible_to(&self, own: &[Id]) -> bool {
        !self.internal || self.author.is_some_and(|a| own.contains(&a))
    }
}

#[derive(schemars::JsonSchema, Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportInput {
    /// The reporting participant's code; empty for the secretariat.
    #[serde(default)]
    pub participant: Option<String>,
    #[schemars(with = "crate::schema::Date")]
    pub date: Date,
    pub text: String,
    pub progress: Progress,
    #[serde(default)]
    pub internal: bool,
    /// The item's version as the reporter read it. Given, a report on an item changed since is
    /// refused (409) rather than setting its progress back over the change.
    #[serde(default)]
    pub version: Option<i64>,
}

impl ReportInput {
    /// Checks a report on an item of an agreement signed on `signed_on`, written on `today` (the
    /// reporter's): it is dated between the two.
    pub fn validate(self, signed_on: Option<Date>, today: Date) -> Result<ReportInput, Invalid> {
        let mut c = Checker::new();
        let text = self.text.trim().to_string();
        if text.is_empty() {
            c.fail("text", "required");
        } else if text.chars().count() > 10_000 {
            c.fail_with("text", "too-long", vec![("max", "10000".into())]);
        }
        if self.internal && self.participant.is_none() {
            c.fail("internal", "internal-needs-participant");
        }
        if self.date > today {
            c.fail("date", "in-the-future");
        } else if signed_on.is_some_and(|signed| self.date < signed) {
            c.fail("date", "before-signature");
        }
        c.finish(ReportInput { text, ..self })
    }
}

/// A file attached to a progress report (minutes, a photo, a signed protocol).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: Id,
    pub report_id: Id,
    pub name: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: String,
}

impl Attachment {
    /// A new attachment of `content` to a report, with its size and SHA-256.
    pub fn new(report_id: Id, name: String, media_type: &str, content: &[u8]) -> Attachment {
        use sha2::Digest;
        Attachment {
            id: crate::new_id(),
            report_id,
            name,
            media_type: media_type.to_string(),
            size: content.len() as u64,
            sha256: hex::encode(sha2::Sha256::digest(content)),
        }
    }
}

/// The largest attachment kept.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// The kinds of file a report may carry, recognised by their content (never by the name alone):
/// PDF, PNG, JPEG, office documents (zip containers named .docx, .xlsx, .odt) and plain text.
pub fn check_attachment(name: Option<&str>, bytes: &[u8]) -> Result<(String, &'static str), Invalid> {
    let mut c = Checker::new();
    let base = name.unwrap_or("").rsplit(['/', '\\']).next().unwrap_or("");
    let mut clean: String = base.chars().filter(|ch| !ch.is_control()).take(200).collect();
    if clean.trim().is_empty() {
        clean = "attachment".into();
    }
    let lower = clean.to_lowercase();
    let media_type = if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"PK\x03\x04") {
        [
            (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (".odt", "application/vnd.oasis.opendocument.text"),
        ]
        .into_iter()
        .find(|(ext, _)| lower.ends_with(ext))
        .map(|(_, t)| t)
    } else if lower.ends_with(".txt") && std::str::from_utf8(bytes).is_ok() {
        Some("text/plain; charset=utf-8")
    } else {
        None
    };
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        c.fail_with("file", "file-too-large", vec![("max", (MAX_ATTACHMENT_BYTES / 1024 / 1024).to_string())]);
    }
    if media_type.is_none() {
        c.fail("file", "unsupported-attachment");
    }
    c.finish((clean, media_type.unwrap_or("application/octet-stream")))
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;
    use crate::new_id;

    #[test]
    fn an_agreement_names_each_party_once_and_is_signed_by_the_day_it_is_registered() {
        let input = |parties: &[&str], signed_on: Date| AgreementInput {
            title: Text::new(&[("ru", "Соглашение")]),
            level: Level::Ministerial,
            parties: parties.iter().map(|p| p.to_string()).collect(),
            signed_on: Some(signed_on),
            signed_at: Text::default(),
            depositary: None,
            entry_into_force: EntryIntoForce::OnSignature,
            threshold: None,
            document: None,
        };
        let today = date(2025, 6, 1);
        let code = |i: AgreementInput| i.validate(today).unwrap_err().0.into_iter().map(|e| e.code).collect::<Vec<_>>();
        assert!(input(&["KZ", "kg"], today).validate(today).is_ok());
        assert_eq!(code(input(&["KZ", "kz"], today)), ["party-twice"], "not “at least two parties”");
        assert_eq!(code(input(&["KZ"], today)), ["two-parties"]);
        assert_eq!(code(input(&["KZ", "KG"], date(2025, 6, 2))), ["in-the-future"]);
    }

    fn agreement(parties: Vec<Id>, entry: EntryIntoForce) -> Agreement {
        Agreement {
            id: new_id(),
            title: Text::new(&[("en", "Agreement")]),
            level: Level::Highest,
            parties,
            document_id: None,
            signed_on: Some(date(2024, 11, 28)),
            signed_at: Text::default(),
            depositary: None,
            entry_into_force: entry,
            threshold: None,
            notifications: vec![],
            interruptions: Vec::new(),
            version: 1,
        }
    }

    #[test]
    fn an_agreement_in_force_on_signature_is_in_force_from_that_day() {
        let a = agreement(vec![new_id(), new_id()], EntryIntoForce::OnSignature);
        assert_eq!(a.status_on(date(2024, 11, 27)), AgreementStatus::Pending);
        assert_eq!(a.status_on(date(2024, 11, 28)), AgreementStatus::InForce);
        let unsigned = Agreement { signed_on: None, ..a };
        assert_eq!(unsigned.status_on(date(2030, 1, 1)), AgreementStatus::Pending);
    }

    #[test]
    fn after_notifications_it_waits_for_every_party_or_the_threshold() {
        let (kz, ru, by) = (new_id(), new_id(), new_id());
        let mut a = agreement(vec![kz, ru], EntryIntoForce::AfterNotifications);
        a.notifications.push(Notification { party: kz, date: date(2025, 1, 10) });
        assert_eq!(a.status_on(date(2025, 6, 1)), AgreementStatus::Pending);
        assert_eq!(a.awaited(), [ru]);
        a.notifications.push(Notification { party: ru, date: date(2025, 3, 5) });
        assert_eq!(a.in_force_from(), Some(date(2025, 3, 5)), "the last notification");
        assert_eq!(a.status_on(date(2025, 3, 4)), AgreementStatus::Pending);
        assert_eq!(a.status_on(date(2025, 3, 5)), AgreementStatus::InForce);
        let mut three = agreement(vec![kz, ru, by], EntryIntoForce::AfterNotifications);
        three.threshold = Some(2);
        three.notifications = a.notifications.clone();
        assert_eq!(three.in_force_from(), Some(date(2025, 3, 5)), "two of three suffice");
        a.interruptions = vec![
            (Interruption::Suspended, date(2025, 9, 1)),
            (Interruption::Resumed, date(2025, 10, 1)),
            (Interruption::Terminated, date(2026, 1, 1)),
        ];
        assert_eq!(a.status_on(date(2025, 8, 31)), AgreementStatus::InForce);
        assert_eq!(a.status_on(date(2025, 9, 1)), AgreementStatus::Suspended);
        assert_eq!(a.status_on(date(2025, 10, 1)), AgreementStatus::InForce, "resumed");
        assert_eq!(a.status_on(date(2025, 12, 31)), AgreementStatus::InForce);
        assert_eq!(a.status_on(date(2026, 1, 1)), AgreementStatus::Terminated);
    }

    #[test]
    fn an_agreement_in_force_is_suspended_resumed_or_terminated_in_order_and_termination_is_final() {
        let a = agreement(vec![new_id(), new_id()], EntryIntoForce::OnSignature);
        let refused = |a: &Agreement, kind, day| {
            let e = a.clone().interrupted(kind, day).unwrap_err();
            e.0.iter().map(|e| e.code).collect::<Vec<_>>()
        };
        assert_eq!(refused(&a, Interruption::Suspended, date(2024, 1, 1)), ["not-in-force"]);
        assert_eq!(refused(&a, Interruption::Resumed, date(2025, 2, 1)), ["not-suspended"]);
        let suspended = a.interrupted(Interruption::Suspended, date(2025, 3, 1)).unwrap();
        assert_eq!(refused(&suspended, Interruption::Suspended, date(2025, 4, 1)), ["suspended-already"]);
        assert_eq!(
            refused(&suspended, Interruption::Terminated, date(2025, 2, 1)),
            ["before-interruption"],
            "a termination dated before the suspension does not replace it"
        );
        let resumed = suspended.interrupted(Interruption::Resumed, date(2025, 5, 1)).unwrap();
        assert_eq!(resumed.status_on(date(2025, 4, 30)), AgreementStatus::Suspended, "the suspension is kept");
        assert_eq!(resumed.status_on(date(2025, 5, 1)), AgreementStatus::InForce);
        let terminated = resumed.interrupted(Interruption::Terminated, date(2025, 6, 1)).unwrap();
        assert_eq!(refused(&terminated, Interruption::Resumed, date(2025, 7, 1)), ["terminated-already"]);
    }

    #[test]
    fn a_notification_comes_from_a_party_once_and_after_signature() {
        let (kz, ru, fr) = (new_id(), new_id(), new_id());
        let mut a = agreement(vec![kz, ru], EntryIntoForce::AfterNotifications);
        let today = date(2025, 6, 1);
        assert!(check_notification(&a, kz, date(2025, 1, 1), today).is_ok());
        assert_eq!(check_notification(&a, fr, date(2025, 1, 1), today).unwrap_err().0[0].code, "not-a-party");
        assert_eq!(check_notification(&a, kz, date(2024, 1, 1), today).unwrap_err().0[0].code, "before-signature");
        assert_eq!(check_notification(&a, kz, date(2025, 6, 2), today).unwrap_err().0[0].code, "in-the-future");
        a.notifications.push(Notification { party: kz, date: date(2025, 1, 1) });
        assert_eq!(check_notification(&a, kz, date(2025, 2, 1), today).unwrap_err().0[0].code, "notified-already");
    }

    fn item(responsible: Vec<Id>, deadline: Date, progress: Progress) -> ActionItem {
        ActionItem {
            id: new_id(),
            agreement_id: new_id(),
            title: Text::new(&[("en", "Item")]),
            responsible,
            agencies: Text::default(),
            area: "other".into(),
            deadline,
            progress,
            version: 1,
        }
    }

    #[test]
    fn an_item_is_overdue_only_after_its_deadline_day_ends_where_its_party_is() {
        let kz = new_id();
        let zones = |p: Id| (p == kz).then(|| jiff::tz::TimeZone::get("Asia/Almaty").unwrap());
        let i = item(vec![kz], date(2025, 4, 10), Progress::InProgress);
        // Almaty is UTC+5: the 10th ends at 19:00 UTC.
        let just_before: jiff::Timestamp = "2025-04-10T18:59:59Z".parse().unwrap();
        let just_after: jiff::Timestamp = "2025-04-10T19:00:00Z".parse().unwrap();
        assert_eq!(i.status(just_before, &zones), ItemStatus::InProgress, "still the 10th in Almaty");
        assert_eq!(i.status(just_after, &zones), ItemStatus::Overdue, "the 11th in Almaty");
        // In UTC the 10th is not over yet, but nothing is read in UTC.
        let done = ActionItem { progress: Progress::Done, ..i.clone() };
        assert_eq!(done.status(just_after, &zones), ItemStatus::Done);
    }

    #[test]
    fn an_item_shared_by_two_parties_is_late_when_the_later_midnight_has_passed() {
        let (kz, by) = (new_id(), new_id());
        let zones = |p: Id| {
            let name = if p == kz { "Asia/Almaty" } else { "Europe/Minsk" };
            Some(jiff::tz::TimeZone::get(name).unwrap())
        };
        let i = item(vec![kz, by], date(2025, 4, 10), Progress::Planned);
        // Minsk is UTC+3: its 10th ends at 21:00 UTC, two hours after Almaty's.
        assert_eq!(i.status("2025-04-10T20:59:00Z".parse().unwrap(), &zones), ItemStatus::Planned);
        assert_eq!(i.status("2025-04-10T21:00:00Z".parse().unwrap(), &zones), ItemStatus::Overdue);
    }

    #[test]
    fn responsible_parties_must_be_parties_and_an_internal_report_has_an_author() {
        let parties = ["KZ".to_string(), "RU".to_string()];
        let input = |responsible: &[&str]| ActionItemInput {
            title: Text::new(&[("ru", "Пункт")]),
            responsible: responsible.iter().map(|s| s.to_string()).collect(),
            agencies: Text::default(),
            area: "other".into(),
            deadline: date(2025, 12, 31),
            progress: Progress::Planned,
        };
        let signed = Some(date(2025, 4, 11));
        assert!(input(&["kz"]).validate(&parties, signed, &[]).is_ok());
        assert_eq!(input(&["FR"]).validate(&parties, signed, &[]).unwrap_err().0[0].code, "not-a-party");
        // Due before the agreement was signed, or in an area nobody has: said by the field.
        let early = ActionItemInput { deadline: date(2025, 4, 10), ..input(&["KZ"]) };
        let refused = early.validate(&parties, signed, &[]).unwrap_err().0;
        assert_eq!((refused[0].field.as_str(), refused[0].code), ("deadline", "before-signature"));
        let banana = ActionItemInput { area: "banana".into(), ..input(&["KZ"]) };
        assert_eq!(banana.clone().validate(&parties, signed, &[]).unwrap_err().0[0].field, "area");
        let added = Area { body_id: new_id(), slug: "banana".into(), name: Text::new(&[("en", "Bananas")]) };
        assert!(banana.validate(&parties, signed, &[added]).is_ok(), "an area a secretariat added");
        let report = ReportInput {
            participant: None,
            date: date(2025, 5, 1),
            text: "x".into(),
            progress: Progress::Done,
            internal: true,
            version: None,
        };
        let today = date(2025, 6, 1);
        assert_eq!(report.clone().validate(signed, today).unwrap_err().0[0].field, "internal");
        let on = |day: Date| ReportInput { date: day, internal: false, ..report.clone() }.validate(signed, today);
        assert!(on(date(2025, 4, 11)).is_ok() && on(today).is_ok(), "from the signature to today");
        assert_eq!(on(date(2025, 6, 2)).unwrap_err().0[0].code, "in-the-future");
        assert_eq!(on(date(2025, 4, 10)).unwrap_err().0[0].code, "before-signature");
    }

    #[test]
    fn a_report_sets_the_items_progress_unless_a_shared_one_is_of_a_later_day() {
        let item = new_id();
        let report = |day: i8, progress: Progress, internal: bool| Report {
            id: new_id(),
            item_id: item,
            author: Some(new_id()),
            date: date(2025, 5, day),
            text: "x".into(),
            progress,
            internal,
            at: jiff::Timestamp::UNIX_EPOCH,
        };
        let done = report(10, Progress::Done, false);
        let late = report(2, Progress::InProgress, false);
        assert!(!late.sets_progress([&done]), "a report on an earlier day does not set the item back");
        assert!(done.sets_progress([&late, &done]), "nor is the latest held back by itself");
        assert!(report(10, Progress::Planned, false).sets_progress([&done]), "the same day: the last filed");
        assert!(late.sets_progress([&report(20, Progress::Done, true)]), "an assessment kept inside sets nothing");
        assert!(!report(20, Progress::Done, true).sets_progress([]));
        let elsewhere = Report { item_id: new_id(), ..done.clone() };
        assert!(late.sets_progress([&elsewhere]), "another item's reports do not count");
    }

    #[test]
    fn an_attachment_is_known_by_its_content_and_its_name_is_cleaned() {
        let (name, kind) = check_attachment(Some("C:\\minutes\\протокол.pdf"), b"%PDF-1.7 ...").unwrap();
        assert_eq!((name.as_str(), kind), ("протокол.pdf", "application/pdf"));
        assert!(check_attachment(Some("x.docx"), b"PK\x03\x04rest").unwrap().1.contains("wordprocessingml"));
        assert_eq!(check_attachment(Some("virus.pdf"), b"MZ\x90\x00").unwrap_err().0[0].code, "unsupported-attachment");
        assert_eq!(check_attachment(Some("a.zip"), b"PK\x03\x04").unwrap_err().0[0].code, "unsupported-attachment");
        assert_eq!(check_attachment(None, b"\x89PNG\r\n\x1a\n").unwrap().0, "attachment");
        let big = vec![b'%'; MAX_ATTACHMENT_BYTES + 1];
        assert_eq!(check_attachment(Some("a.pdf"), &big).unwrap_err().0[0].code, "file-too-large");
    }

    #[test]
    fn an_internal_report_stays_with_its_author() {
        let (kz, ru) = (new_id(), new_id());
        let r = Report {
            id: new_id(),
            item_id: new_id(),
            author: Some(kz),
            date: date(2025, 5, 1),
            text: "Our view".into(),
            progress: Progress::InProgress,
            internal: true,
            at: jiff::Timestamp::UNIX_EPOCH,
        };
        assert!(r.visible_to(&[kz]));
        assert!(!r.visible_to(&[ru]));
        assert!(!r.visible_to(&[]), "not even the secretariat reads a ministry's assessment");
        let public = Report { internal: false, ..r };
        assert!(public.visible_to(&[ru]));
    }
}
