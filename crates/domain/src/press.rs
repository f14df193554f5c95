//! The press office: media accreditation, press releases with their timing, and photos with credits.
//!
//! Timing is one rule, [`PressRelease::shown_to`], asked by every path (pages, API, feeds, search,
//! sitemap) with the clock's `now`: nothing appears to the public before its time, and everything
//! appears the moment its time has passed, without a job that flips a status.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::validation::{Checker, Invalid};
use crate::words::{folded, key};
use crate::{Id, Text};

pub mod draft;

/// The longest title of a release, per language.
pub const MAX_TITLE_CHARS: usize = 300;
/// The longest body of a release, per language.
pub const MAX_BODY_CHARS: usize = 50_000;
/// The longest caption of a photo, per language.
pub const MAX_CAPTION_CHARS: usize = 500;

/// Where a release is in its life.
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseStatus {
    Draft,
    /// Waiting for an editor's second look.
    Review,
    /// Appears to everyone at `release_at`.
    Scheduled,
    /// Accredited press read it at once, marked "embargoed until `release_at`"; the public waits.
    Embargoed,
    Published,
}

impl ReleaseStatus {
    pub const ALL: [ReleaseStatus; 5] = [Self::Draft, Self::Review, Self::Scheduled, Self::Embargoed, Self::Published];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Review => "review",
            Self::Scheduled => "scheduled",
            Self::Embargoed => "embargoed",
            Self::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the release has left the press office: it has a time at which the public sees it.
    pub fn is_released(self) -> bool {
        matches!(self, Self::Scheduled | Self::Embargoed | Self::Published)
    }
}

/// Who reads a release, as far as timing goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// Anyone, logged in or not, without a press role at the event.
    Public,
    /// Media accredited to the release's event.
    Press,
    /// The event's host (its press office) and admins: they see every release in every state.
    Editor,
}

/// Whose releases a list reaches, across events: the rule of [`PressRelease::shown_to`] with the
/// events each of the reader's roles is at (`domain::policy::press_reach`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// The host's press office or an admin: everything of the event(s) it edits, and what is
    /// released of the others.
    Editor {
        /// `None`: every event (an admin).
        events: Option<Vec<Id>>,
    },
    /// Accredited press at these events: released ones everywhere, plus embargoed ones of these
    /// events before their time.
    Press {
        events: Vec<Id>,
    },
    Public,
}

impl Reach {
    /// The reach of one event's reader: their role at that event only.
    pub fn at_event(reader: Reader, event: Id) -> Reach {
        match reader {
            Reader::Editor => Reach::Editor { events: Some(vec![event]) },
            Reader::Press => Reach::Press { events: vec![event] },
            Reader::Public => Reach::Public,
        }
    }
}

/// How a reader sees a release they may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "shown", rename_all = "snake_case")]
pub enum Shown {
    /// As published: its time has passed.
    Released,
    /// Ahead of its time, to accredited press only: "embargoed until".
    Embargoed { until: Timestamp },
    /// Not released yet; only the press office sees it.
    Unreleased,
}

/// A correction made after release: the release says so, and the earlier text stays readable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub at: Timestamp,
    /// What was corrected, in the release's languages.
    pub note: Text,
    /// The text before the correction.
    pub previous_title: Text,
    pub previous_body: Text,
}

/// The longest note a correction carries, in characters.
const NOTE_MAX: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PressRelease {
    pub id: Id,
    pub event_id: Id,
    pub title: Text,
    /// Paragraphs separated by blank lines, per language.
    pub body: Text,
    pub status: ReleaseStatus,
    /// When the public sees it: set when it is scheduled, embargoed or published.
    pub release_at: Option<Timestamp>,
    /// The photos shown with it, in order.
    pub photos: Vec<Id>,
    /// Oldest first.
    pub corrections: Vec<Correction>,
    /// The accredited press have read it under embargo: taken back to the desk or scheduled
    /// instead, it stays a text they hold, and every change of it is a correction.
    #[serde(default)]
    pub held_by_press: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
}

/// A change of status a press officer asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "snake_case")]
pub enum Transition {
    /// Back to the press office's desk.
    Draft,
    Review,
    Schedule {
        at: Timestamp,
    },
    Embargo {
        until: Timestamp,
    },
    /// Published now.
    Publish,
}

impl Transition {
    /// The transition named `to` (`draft`, `review`, `scheduled`, `embargoed`, `published`), with
    /// the time scheduling and embargo need.
    pub fn parse(to: &str, at: Option<Timestamp>) -> Result<Transition, Invalid> {
        let mut c = Checker::new();
        let mut at = || {
            at.unwrap_or_else(|| {
                c.fail("at", "required");
                Timestamp::UNIX_EPOCH
            })
        };
        let transition = match to {
            "draft" => Transition::Draft,
            "review" => Transition::Review,
            "scheduled" => Transition::Schedule { at: at() },
            "embargoed" => Transition::Embargo { until: at() },
            "published" => Transition::Publish,
            _ => {
                c.fail("to", "invalid-choice");
                Transition::Draft
            }
        };
        c.finish(transition)
    }
}

/// Why a release cannot move as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("a {from:?} release cannot become {to:?}")]
    NotFromHere { from: ReleaseStatus, to: ReleaseStatus },
    #[error("the time must be in the future")]
    TimeInThePast,
    #[error("a release needs a title and a body in one language before review")]
    Empty,
}

impl PressRelease {
    /// Whether `input`, started for `event` under this release's id, is this release started
    /// again (a double click, a retry) rather than another under a used id.
    pub fn started_again(&self, event: Id, input: &ReleaseInput) -> bool {
        self.event_id == event && self.title == input.title && self.body == input.body
    }

    /// A new draft.
    pub fn draft(id: Id, event_id: Id, input: ReleaseInput, now: Timestamp) -> PressRelease {
        PressRelease {
            id,
            event_id,
            title: input.title,
            body: input.body,
            status: ReleaseStatus::Draft,
            release_at: None,
            photos: input.photos,
            corrections: Vec::new(),
            held_by_press: false,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }

    /// How `reader` sees the release at `now`, or `None` when they may not see it at all.
    pub fn shown_to(&self, reader: Reader, now: Timestamp) -> Option<Shown> {
        let released = self.status.is_released() && self.release_at.is_some_and(|at| at <= now);
        match (reader, self.status, self.release_at) {
            _ if released => Some(Shown::Released),
            (Reader::Editor, ..) => Some(Shown::Unreleased),
            (Reader::Press, ReleaseStatus::Embargoed, Some(until)) => Some(Shown::Embargoed { until }),
            _ => None,
        }
    }

    /// The status the release has once its time has passed: a scheduled or embargoed release is
    /// published then, whether or not anyone has looked.
    pub fn status_at(&self, now: Timestamp) -> ReleaseStatus {
        match self.release_at {
            Some(at) if self.status.is_released() && at <= now => ReleaseStatus::Published,
            _ => self.status,
        }
    }

    /// The release moved as asked at `now`.
    pub fn moved(mut self, transition: Transition, now: Timestamp) -> Result<PressRelease, TransitionError> {
        use ReleaseStatus as S;
        let from = self.status_at(now);
        let (to, at) = match transition {
            Transition::Draft => (S::Draft, None),
            Transition::Review => (S::Review, None),
            Transition::Schedule { at } => (S::Scheduled, Some(at)),
            Transition::Embargo { until } => (S::Embargoed, Some(until)),
            Transition::Publish => (S::Published, Some(now)),
        };
        let allowed = match (from, to) {
            (S::Published, _) => false,
            (S::Draft, S::Review) | (S::Review, S::Draft) => true,
            (S::Review | S::Scheduled | S::Embargoed, S::Scheduled | S::Embargoed | S::Published) => true,
            (S::Scheduled | S::Embargoed, S::Draft) => true,
            _ => false,
        };
        if !allowed {
            return Err(TransitionError::NotFromHere { from, to });
        }
        if to != S::Draft && !whole(&self.title, &self.body) {
            return Err(TransitionError::Empty);
        }
        if matches!(transition, Transition::Schedule { .. } | Transition::Embargo { .. }) && at <= Some(now) {
            return Err(TransitionError::TimeInThePast);
        }
        self.held_by_press |= to == S::Embargoed;
        self.status = to;
        self.release_at = at;
        self.updated_at = now;
        Ok(self)
    }

    /// The release with an editor's text. Before anyone outside the press office has read it the
    /// text is simply replaced; once released, or embargoed (the press hold it), the change is a
    /// correction that keeps the earlier text and says what changed. Past the draft, the text
    /// keeps a title and a body in one language, as it needed to leave the draft.
    pub fn edited(self, input: ReleaseInput, note: Option<Text>, now: Timestamp) -> Result<PressRelease, Invalid> {
        let mut c = Checker::new();
        if self.status_at(now) != ReleaseStatus::Draft && !whole(&input.title, &input.body) {
            c.fail("body", "release-empty");
        }
        let out = self.is_out(now);
        // A note of spaces says nothing: it is no note.
        let note = note
            .map(|n| {
                Text(n.0.into_iter().map(|(l, v)| (l, v.trim().to_string())).filter(|(_, v)| !v.is_empty()).collect())
            })
            .filter(|n| !n.0.is_empty());
        if out && note.is_none() {
            c.fail("note", "required");
        }
        for (lang, text) in note.iter().flat_map(|n| &n.0) {
            if text.chars().count() > NOTE_MAX {
                c.fail_with(format!("note.{lang}"), "too-long", vec![("max", NOTE_MAX.to_string())]);
            }
        }
        let mut release = c.finish(self)?;
        if let Some(note) = note.filter(|_| out) {
            release.corrections.push(Correction {
                at: now,
                note,
                previous_title: release.title.clone(),
                previous_body: release.body.clone(),
            });
        }
        release.title = input.title;
        release.body = input.body;
        release.photos = input.photos;
        release.updated_at = now;
        Ok(release)
    }

    /// Whether anyone outside the press office may have read it: it is released, or the press
    /// hold it (embargoed now or before).
    pub fn is_out(&self, now: Timestamp) -> bool {
        self.held_by_press || self.status == ReleaseStatus::Embargoed || self.shown_to(Reader::Public, now).is_some()
    }

    /// Whether the title and the text, in their languages, hold each of `words`, in any order:
    /// in any of its forms, as the register's search finds it (by its [`key`]), or as the start of
    /// a word. «министров» finds «министры», «Алма» «Алматы», «cooperat» «cooperation».
    pub fn mentions(&self, words: &str) -> bool {
        let texts: Vec<&String> = self.title.0.values().chain(self.body.0.values()).collect();
        crate::words::words(words).all(|(_, w)| {
            let (start, wanted) = (folded(w), key(w));
            // A key begins with its word's first letter: only words that begin as `wanted` does
            // are stemmed.
            let first = wanted.chars().next();
            let mut held = texts.iter().flat_map(|t| crate::words::words(t)).map(|(_, word)| folded(word));
            held.any(|word| {
                word.starts_with(&start) || (word.chars().next() == first && key(&word).starts_with(&wanted))
            })
        })
    }

    /// When the release was last corrected, if it was.
    pub fn corrected_at(&self) -> Option<Timestamp> {
        self.corrections.last().map(|c| c.at)
    }
}

/// Whether a text has a title and a body in one language, which a release needs past the draft.
fn whole(title: &Text, body: &Text) -> bool {
    title.0.keys().any(|lang| body.0.contains_key(lang))
}

/// What an editor writes: a title and a body per language, and the photos to show.
#[derive(schemars::JsonSchema, Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseInput {
    #[serde(default)]
    pub title: Text,
    #[serde(default)]
    pub body: Text,
    #[serde(default)]
    pub photos: Vec<Id>,
}

impl ReleaseInput {
    /// Checks the text: titles are single lines, bodies may hold paragraphs; a draft may be empty.
    pub fn validate(self) -> Result<ReleaseInput, Invalid> {
        let mut c = Checker::new();
        let title = checked_optional(&mut c, "title", self.title, MAX_TITLE_CHARS, false);
        let body = checked_optional(&mut c, "body", self.body, MAX_BODY_CHARS, true);
        if self.photos.len() > 50 {
            c.fail_with("photos", "too-many", vec![("max", "50".into())]);
        }
        c.finish(ReleaseInput { title, body, photos: self.photos })
    }
}

/// A text field where every language is optional: trimmed, empty values dropped, each checked for
/// length, language code and control characters (a body may hold line breaks).
fn checked_optional(c: &mut Checker, field: &str, text: Text, max: usize, multiline: bool) -> Text {
    let mut out = std::collections::BTreeMap::new();
    for (lang, value) in text.0 {
        let value = value.trim().replace("\r\n", "\n");
        if value.is_empty() {
            continue;
        }
        let sub = format!("{field}.{lang}");
        let allowed = |ch: char| multiline && (ch == '\n' || ch == '\t');
        if !crate::text::is_language_code(&lang) {
            c.fail(sub, "invalid-language");
        } else if value.chars().count() > max {
            c.fail_with(sub, "too-long", vec![("max", max.to_string())]);
        } else if value.chars().any(|ch| ch.is_control() && !allowed(ch)) {
            c.fail(sub, "control-characters");
        } else {
            out.insert(lang, value);
        }
    }
    Text(out)
}

/// A press photo: the pixels live in the photo store, re-encoded without metadata; the credit is
/// required and printed with every use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PressPhoto {
    pub id: Id,
    pub event_id: Id,
    pub caption: Text,
    pub credit: String,
    /// The programme item it shows, if any.
    pub item: Option<Id>,
    /// Public once a release showing it is released, or at once when the press office says so.
    pub public: bool,
    pub width: u32,
    pub height: u32,
    pub created_at: Timestamp,
}

/// Why a photo cannot be taken down: releases the public or the press have read show it, and
/// taking it from them is a correction of each, made first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the photo is shown by {} release(s) already out", .0.len())]
pub struct PhotoShown(pub Vec<PressRelease>);

impl PressPhoto {
    /// The releases among `releases` that show the photo, without it, for taking it down at
    /// `now`; refused while any that shows it is out.
    pub fn taken_from(&self, releases: Vec<PressRelease>, now: Timestamp) -> Result<Vec<PressRelease>, PhotoShown> {
        let showing: Vec<PressRelease> = releases.into_iter().filter(|r| r.photos.contains(&self.id)).collect();
        let (out, unreleased): (Vec<_>, Vec<_>) = showing.into_iter().partition(|r| r.is_out(now));
        if !out.is_empty() {
            return Err(PhotoShown(out));
        }
        Ok(unreleased
            .into_iter()
            .map(|mut r| {
                r.photos.retain(|p| *p != self.id);
                r.updated_at = now;
                r
            })
            .collect())
    }
}

/// What a press officer enters with a photo.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhotoInput {
    #[serde(default)]
    pub caption: Text,
    #[serde(default)]
    pub credit: String,
    #[serde(default)]
    pub item: Option<Id>,
    #[serde(default)]
    pub public: bool,
}

impl PhotoInput {
    pub fn validate(self) -> Result<PhotoInput, Invalid> {
        let mut c = Checker::new();
        let caption = self.caption.checked(&mut c, "caption", MAX_CAPTION_CHARS);
        let credit = c.text("credit", &self.credit, 200);
        c.finish(PhotoInput { caption, credit, ..self })
    }
}

/// Where a journalist's application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Pending,
    Approved,
    Rejected,
    /// Approved, then withdrawn by the host: the journalist no longer has the press role.
    Revoked,
}

impl ApplicationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Approved, Self::Rejected, Self::Revoked].into_iter().find(|k| k.as_str() == s)
    }
}

/// A journalist's application for media accreditation at one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaApplication {
    pub id: Id,
    pub event_id: Id,
    pub name: String,
    pub outlet: String,
    pub country: String,
    pub email: String,
    pub press_card: String,
    pub photo: Option<Id>,
    pub status: ApplicationStatus,
    /// Why it was rejected or revoked, for the journalist.
    pub reason: String,
    /// The journalist's account, made with the application; approval grants it the press role.
    pub user_id: Option<Id>,
    pub created_at: Timestamp,
    pub version: i64,
}

/// What a journalist enters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub outlet: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub press_card: String,
}

impl ApplicationInput {
    pub fn validate(self) -> Result<ApplicationInput, Invalid> {
        let mut c = Checker::new();
        let name = c.text("name", &self.name, 200);
        let outlet = c.text("outlet", &self.outlet, 200);
        let country = c.text("country", &self.country, 100);
        let email = c.text("email", &self.email, 254);
        if !email.is_empty() && !crate::delegations::is_plausible_email(&email) {
            c.fail("email", "invalid-email");
        }
        let press_card = c.text("press_card", &self.press_card, 100);
        c.finish(ApplicationInput { name, outlet, country, email, press_card })
    }
}

/// The host's decision on an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum ApplicationDecision {
    Approve,
    Reject {
        reason: String,
    },
    /// The accreditation granted is withdrawn (a journalist who broke the rules, an outlet that
    /// asked).
    Revoke {
        reason: String,
    },
}

impl MediaApplication {
    /// Whether `user` has an application among `applications` still pending or granted: a
    /// journalist applies to an event once, again only after a rejection or a revocation.
    pub fn open_for(applications: &[MediaApplication], user: Id) -> bool {
        let open = |a: &&MediaApplication| matches!(a.status, ApplicationStatus::Pending | ApplicationStatus::Approved);
        applications.iter().filter(open).any(|a| a.user_id == Some(user))
    }

    pub fn new(id: Id, event_id: Id, input: ApplicationInput, photo: Option<Id>, now: Timestamp) -> MediaApplication {
        let ApplicationInput { name, outlet, country, email, press_card } = input;
        MediaApplication {
            id,
            event_id,
            name,
            outlet,
            country,
            email,
            press_card,
            photo,
            status: ApplicationStatus::Pending,
            reason: String::new(),
            user_id: None,
            created_at: now,
            version: 1,
        }
    }

    /// The application decided. A pending one is approved or rejected, an approved one may be
    /// revoked; a rejection or a revocation says why.
    pub fn decided(mut self, decision: ApplicationDecision) -> Result<MediaApplication, Invalid> {
        let mut c = Checker::new();
        let (from, to, reason) = match decision {
            ApplicationDecision::Approve => (ApplicationStatus::Pending, ApplicationStatus::Approved, None),
            ApplicationDecision::Reject { reason } => {
                (ApplicationStatus::Pending, ApplicationStatus::Rejected, Some(reason))
            }
            ApplicationDecision::Revoke { reason } => {
                (ApplicationStatus::Approved, ApplicationStatus::Revoked, Some(reason))
            }
        };
        if self.status != from {
            c.fail("decision", if from == ApplicationStatus::Pending { "already-decided" } else { "not-accredited" });
        }
        if let Some(reason) = reason {
            self.reason = c.text("reason", &reason, 500);
        }
        self.status = to;
        c.finish(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn input_of(title: &str) -> ReleaseInput {
        ReleaseInput { title: Text::new(&[("en", title)]), body: Text::new(&[("en", "Text.")]), photos: vec![] }
    }

    fn published_release(now: Timestamp) -> PressRelease {
        release().moved(Transition::Review, now).unwrap().moved(Transition::Publish, now).unwrap()
    }

    fn release() -> PressRelease {
        let input = ReleaseInput {
            title: Text::new(&[("en", "Ministers met")]),
            body: Text::new(&[("en", "They met.")]),
            photos: vec![],
        };
        PressRelease::draft(crate::new_id(), crate::new_id(), input, at("2025-04-11T10:00:00Z"))
    }

    #[test]
    fn every_reader_sees_what_timing_allows() {
        let now = at("2025-04-11T12:00:00Z");
        let before = at("2025-04-11T11:59:59Z");
        let after = at("2025-04-11T12:00:01Z");
        let reviewed = release().moved(Transition::Review, before).unwrap();
        let scheduled = reviewed.clone().moved(Transition::Schedule { at: now }, before).unwrap();
        let embargoed = reviewed.clone().moved(Transition::Embargo { until: now }, before).unwrap();
        for (r, when, public, press, editor) in [
            (&reviewed, after, None, None, Some(Shown::Unreleased)),
            (&scheduled, before, None, None, Some(Shown::Unreleased)),
            (&scheduled, now, Some(Shown::Released), Some(Shown::Released), Some(Shown::Released)),
            (&embargoed, before, None, Some(Shown::Embargoed { until: now }), Some(Shown::Unreleased)),
            (&embargoed, after, Some(Shown::Released), Some(Shown::Released), Some(Shown::Released)),
        ] {
            assert_eq!(r.shown_to(Reader::Public, when), public, "{:?} at {when}", r.status);
            assert_eq!(r.shown_to(Reader::Press, when), press, "{:?} at {when}", r.status);
            assert_eq!(r.shown_to(Reader::Editor, when), editor, "{:?} at {when}", r.status);
        }
        assert_eq!(scheduled.status_at(now), ReleaseStatus::Published);
        assert_eq!(scheduled.status_at(before), ReleaseStatus::Scheduled);
    }

    #[test]
    fn releases_move_only_forward_through_review() {
        let now = at("2025-04-11T10:00:00Z");
        let later = at("2025-04-11T18:00:00Z");
        assert!(matches!(release().moved(Transition::Publish, now), Err(TransitionError::NotFromHere { .. })));
        let reviewed = release().moved(Transition::Review, now).unwrap();
        assert_eq!(reviewed.clone().moved(Transition::Schedule { at: now }, now), Err(TransitionError::TimeInThePast));
        let published = reviewed.clone().moved(Transition::Publish, now).unwrap();
        assert_eq!(published.release_at, Some(now));
        assert!(published.clone().moved(Transition::Draft, later).is_err(), "a published release stays published");
        let embargoed = reviewed.moved(Transition::Embargo { until: later }, now).unwrap();
        assert!(embargoed.clone().moved(Transition::Publish, now).is_ok(), "an embargo may be lifted early");
        assert!(embargoed.moved(Transition::Draft, later).is_err(), "once its time passed it is published");
        let mut empty = release();
        empty.body = Text::new(&[("ru", "Текст.")]);
        assert_eq!(empty.moved(Transition::Review, now), Err(TransitionError::Empty), "title and body in one language");
    }

    #[test]
    fn an_edit_after_release_is_a_correction_that_keeps_the_old_text() {
        let now = at("2025-04-11T10:00:00Z");
        let published = published_release(now);
        let input = ReleaseInput {
            title: Text::new(&[("en", "Ministers met in Almaty")]),
            body: Text::new(&[("en", "They met in Almaty.")]),
            photos: vec![],
        };
        let later = at("2025-04-11T11:00:00Z");
        let refused = published.clone().edited(input.clone(), None, later).unwrap_err();
        assert_eq!(refused.0[0].field, "note");
        let blank = published.clone().edited(input.clone(), Some(Text::new(&[("en", "  \n ")])), later);
        assert_eq!(blank.unwrap_err().0[0].field, "note", "a note of spaces is none");
        let long = published.clone().edited(input.clone(), Some(Text::new(&[("en", &"x".repeat(2001))])), later);
        assert_eq!(long.unwrap_err().0[0].field, "note.en");
        let corrected = published.edited(input, Some(Text::new(&[("en", " The city was added. ")])), later).unwrap();
        assert_eq!(corrected.corrections[0].note.get("en"), "The city was added.");
        assert_eq!(corrected.corrected_at(), Some(later));
        assert_eq!(corrected.corrections[0].previous_title.get("en"), "Ministers met");
        assert_eq!(corrected.title.get("en"), "Ministers met in Almaty");
        assert!(corrected.mentions("IN ALMATY") && !corrected.mentions("Astana"));
        assert!(corrected.mentions("almaty, minister") && corrected.mentions("Alma"), "any order, form or start");
        assert!(!corrected.mentions("Almaty Astana"), "every word");
        let ru = PressRelease {
            title: Text::new(&[("ru", "Министры иностранных дел встретились в Алматы")]),
            body: Text::new(&[("ru", "Обсуждён план мероприятий.")]),
            ..release()
        };
        assert!(ru.mentions("министров Алма") && ru.mentions("обсужден планы"), "forms, ё as е, starts");
        assert!(!ru.mentions("министерство"));
        let en = PressRelease { body: Text::new(&[("en", "On cooperation in culture.")]), ..release() };
        assert!(en.mentions("cooperat") && en.mentions("cooperate") && !en.mentions("coordination"));
        let embargoed = release()
            .moved(Transition::Review, now)
            .unwrap()
            .moved(Transition::Embargo { until: at("2025-04-12T00:00:00Z") }, now)
            .unwrap();
        assert!(
            embargoed.clone().edited(input_of("Changed"), None, later).is_err(),
            "the press hold an embargoed text: an edit is a correction"
        );
        let back_on_the_desk = embargoed.clone().moved(Transition::Draft, later).unwrap();
        let rescheduled = embargoed.moved(Transition::Schedule { at: at("2025-04-12T00:00:00Z") }, later).unwrap();
        for held in [back_on_the_desk, rescheduled] {
            assert!(held.is_out(later), "{:?}: the press still hold the embargoed text", held.status);
            let refused = held.clone().edited(input_of("Changed"), None, later).unwrap_err();
            assert_eq!(refused.0[0].field, "note");
            let corrected = held.edited(input_of("Changed"), Some(Text::new(&[("en", "Retitled.")])), later).unwrap();
            assert_eq!(corrected.corrections[0].previous_title.get("en"), "Ministers met");
        }
        let title_alone = ReleaseInput { body: Text::default(), ..input_of("Ministers met") };
        let blanked = published_release(now).edited(title_alone, Some(Text::new(&[("en", "Shortened.")])), later);
        assert_eq!(
            blanked.unwrap_err().0.iter().map(|e| (e.field.as_str(), e.code)).collect::<Vec<_>>(),
            [("body", "release-empty")],
            "a released text is not emptied, even with a note"
        );
        assert_eq!(Transition::parse("scheduled", None).unwrap_err().0[0].field, "at");
        assert_eq!(Transition::parse("sent", None).unwrap_err().0[0].field, "to");
        assert_eq!(Transition::parse("published", None), Ok(Transition::Publish));
        let draft_edit = release().edited(ReleaseInput::default(), None, later).unwrap();
        assert!(draft_edit.corrections.is_empty(), "a draft is simply rewritten");
    }

    #[test]
    fn a_release_body_keeps_its_paragraphs_and_a_title_refuses_them() {
        let input = ReleaseInput {
            title: Text::new(&[("en", "One\nTwo")]),
            body: Text::new(&[("en", "One.\r\n\r\nTwo."), ("ru", "  ")]),
            photos: vec![],
        };
        let err = input.clone().validate().unwrap_err();
        assert_eq!(err.0.len(), 1);
        assert_eq!(err.0[0].field, "title.en");
        let ok = ReleaseInput { title: Text::new(&[("en", "One")]), ..input }.validate().unwrap();
        assert_eq!(ok.body.0.get("en").map(String::as_str), Some("One.\n\nTwo."));
        assert!(!ok.body.0.contains_key("ru"));
    }

    #[test]
    fn a_photo_is_taken_from_unreleased_releases_but_not_from_one_that_is_out() {
        let now = at("2025-04-11T10:00:00Z");
        let photo = PressPhoto {
            id: crate::new_id(),
            event_id: crate::new_id(),
            caption: Text::new(&[("en", "Family photo")]),
            credit: "MFA of Kazakhstan".into(),
            item: None,
            public: false,
            width: 10,
            height: 10,
            created_at: now,
        };
        let showing = |r: PressRelease| PressRelease { photos: vec![crate::new_id(), photo.id], ..r };
        let draft = showing(release());
        let elsewhere = release();
        let taken = photo.taken_from(vec![draft.clone(), elsewhere], now).unwrap();
        assert_eq!(taken.len(), 1, "only the releases showing it change");
        assert_eq!((taken[0].id, taken[0].photos.len()), (draft.id, 1));
        let published = showing(published_release(now));
        let refused = photo.taken_from(vec![draft, published.clone()], now).unwrap_err();
        assert_eq!(refused.0.iter().map(|r| r.id).collect::<Vec<_>>(), [published.id]);
    }

    #[test]
    fn photos_need_a_credit_and_applications_a_reason_to_reject() {
        let err = PhotoInput { caption: Text::new(&[("en", "Family photo")]), ..PhotoInput::default() }
            .validate()
            .unwrap_err();
        assert_eq!(err.0[0].field, "credit");
        let input = ApplicationInput {
            name: "Aigerim Sadykova".into(),
            outlet: "Kazinform".into(),
            country: "Kazakhstan".into(),
            email: "a.sadykova@example.kz".into(),
            press_card: "KZ-2025-0042".into(),
        };
        let app = MediaApplication::new(
            crate::new_id(),
            crate::new_id(),
            input.validate().unwrap(),
            None,
            Timestamp::UNIX_EPOCH,
        );
        assert_eq!(
            app.clone().decided(ApplicationDecision::Reject { reason: " ".into() }).unwrap_err().0[0].field,
            "reason"
        );
        let revoke = |reason: &str| ApplicationDecision::Revoke { reason: reason.into() };
        assert_eq!(app.clone().decided(revoke("Broke the pool's rules.")).unwrap_err().0[0].code, "not-accredited");
        let app_pending = app.clone();
        let approved = app.decided(ApplicationDecision::Approve).unwrap();
        assert_eq!(approved.status, ApplicationStatus::Approved);
        assert!(approved.clone().decided(ApplicationDecision::Approve).is_err(), "decided once");
        assert_eq!(approved.clone().decided(revoke("")).unwrap_err().0[0].field, "reason");
        let revoked = approved.decided(revoke("Broke the pool's rules.")).unwrap();
        assert_eq!((revoked.status, revoked.reason.as_str()), (ApplicationStatus::Revoked, "Broke the pool's rules."));
        let user = crate::new_id();
        let of = |a: &MediaApplication| MediaApplication { user_id: Some(user), ..a.clone() };
        assert!(MediaApplication::open_for(&[of(&app_pending), of(&revoked)], user), "one still pending");
        assert!(!MediaApplication::open_for(&[of(&revoked)], user), "applies again once revoked");
        assert!(!MediaApplication::open_for(std::slice::from_ref(&app_pending), user), "another journalist's");
        assert!(revoked.decided(revoke("Again.")).is_err(), "revoked once");
    }
}
