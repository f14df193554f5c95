//! Documents: drafts and adopted texts, their immutable numbered versions of numbered paragraphs,
//! their classification, and the amendments delegations propose to them.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::agenda::AgendaItem;
use crate::participants::Participant;
use crate::validation::{Checker, Invalid};
use crate::{Id, Text};

pub mod changes;
pub mod snippet;

/// What a document is.
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    DraftDecision,
    Statement,
    Agreement,
    Protocol,
    ActionPlan,
    Note,
    Information,
}

/// Who may read a document, on every path (pages, API, search, exports, feeds).
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    Public,
    /// The members of the document's body (and its secretariat).
    Members,
    /// The delegations listed in the document's readers (and the body's secretariat).
    Listed,
    /// One delegation's own material: its reader alone, never another delegation, nor the host.
    Internal,
}

/// Where a document stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentStatus {
    /// Under negotiation: amendments may be proposed and versions made.
    Draft,
    /// Taken off the agenda (e.g. domestic procedures not complete).
    Withdrawn,
    /// The body adopted it; its text is frozen.
    Adopted,
    /// The body's rule was not met (under consensus: an objection).
    NotAdopted,
    /// Adopted and signed.
    Signed,
}

macro_rules! names {
    ($ty:ty { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$(<$ty>::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $(<$ty>::$variant => $name),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }
    };
}
pub(crate) use names;

names!(DocumentKind {
    DraftDecision => "draft_decision",
    Statement => "statement",
    Agreement => "agreement",
    Protocol => "protocol",
    ActionPlan => "action_plan",
    Note => "note",
    Information => "information",
});

names!(Classification { Public => "public", Members => "members", Listed => "listed", Internal => "internal" });

names!(DocumentStatus {
    Draft => "draft",
    Withdrawn => "withdrawn",
    Adopted => "adopted",
    NotAdopted => "not_adopted",
    Signed => "signed",
});

impl DocumentKind {
    /// What a document of this kind is called in a status, as the key of its name: a draft
    /// decision, once adopted, is a decision.
    pub fn name_in(self, status: DocumentStatus) -> &'static str {
        match (self, status) {
            (DocumentKind::DraftDecision, DocumentStatus::Adopted | DocumentStatus::Signed) => "decision",
            (kind, _) => kind.as_str(),
        }
    }
}

impl DocumentStatus {
    /// Whether the text may still change.
    pub fn is_open(self) -> bool {
        self == Self::Draft
    }
}

/// A document of a body, perhaps before a meeting and under an agenda item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub id: Id,
    pub body_id: Id,
    pub meeting_id: Option<Id>,
    pub agenda_item_id: Option<Id>,
    pub kind: DocumentKind,
    /// The secretariat's register number ("СМИД/2025/04"), unique.
    pub register_number: String,
    pub title: Text,
    /// The language of the original; other languages are translations.
    pub original_language: String,
    pub classification: Classification,
    /// The listed delegations (`Listed`) or the one delegation (`Internal`); empty otherwise.
    pub readers: Vec<Id>,
    /// The participant that put the document forward.
    pub initiator: Option<Id>,
    pub status: DocumentStatus,
    /// The body the document was forwarded to on adoption (e.g. the Council of Heads of State).
    pub forwarded_to: Option<Id>,
    /// The adopted text: its version and SHA-256, set once on adoption.
    pub frozen: Option<Frozen>,
    pub version: i64,
}

/// Why no decision is taken on a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undecidable {
    /// A delegation's internal paper, which goes to no decision.
    Internal,
    /// The decision is taken already.
    Taken,
}

impl Document {
    /// Whether its body takes a decision on it. A delegation's internal paper (its instructions,
    /// its positions) is its own working text: no member states a stance on it and nothing is
    /// adopted or signed.
    pub fn goes_to_decision(&self) -> bool {
        self.classification != Classification::Internal
    }

    /// Whether its body may still take a decision on it, or why not.
    pub fn open_to_decision(&self) -> Result<(), Undecidable> {
        if !self.goes_to_decision() {
            Err(Undecidable::Internal)
        } else if !self.status.is_open() {
            Err(Undecidable::Taken)
        } else {
            Ok(())
        }
    }

    /// The document adopted: `text` (its original's latest version) frozen by its hash.
    pub fn adopted(self, text: &Version, forwarded_to: Option<Id>, at: jiff::Timestamp) -> Document {
        let frozen = Frozen { version: text.number, sha256: text.sha256.clone(), at };
        Document { status: DocumentStatus::Adopted, forwarded_to, frozen: Some(frozen), ..self }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frozen {
    pub version: u32,
    pub sha256: String,
    pub at: jiff::Timestamp,
}

/// The rules [`register_key`] makes its keys by. Raised when they change (ICU's tables, the
/// options below): a store makes again each key an earlier rule made when it opens.
pub const REGISTER_COLLATION: i32 = 1;

/// What orders register numbers as people read them: ICU's root collation, with a run of digits
/// compared by its value, so that "СМИД/2025/9" comes before "СМИД/2025/10". Kept beside the
/// number, the key lets the database order a page of the register by comparing bytes.
pub fn register_key(number: &str) -> Vec<u8> {
    static COLLATOR: std::sync::LazyLock<icu_collator::CollatorBorrowed<'static>> = std::sync::LazyLock::new(|| {
        let mut preferences = icu_collator::CollatorPreferences::default();
        preferences.numeric_ordering = Some(icu_collator::preferences::CollationNumericOrdering::True);
        icu_collator::Collator::try_new(preferences, Default::default()).expect("the root collation is compiled in")
    });
    let mut key = Vec::new();
    let Ok(()) = COLLATOR.write_sort_key_to(number, &mut key);
    key
}

/// What the secretariat enters to create a document or change its particulars.
#[derive(schemars::JsonSchema, Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentFields {
    /// The body's slug (`cis-cfm`).
    pub body: String,
    /// The meeting, as `event/body` (`almaty-2025/cis-cfm`).
    #[serde(default)]
    pub meeting: Option<String>,
    /// The agenda item's number in the meeting's agenda.
    #[serde(default)]
    pub agenda_item: Option<u32>,
    /// The format whose agenda the number is in; without it, the extended format's where it has
    /// that number (documents are considered there), else the narrow format's.
    #[serde(default)]
    pub agenda_format: Option<crate::events::Format>,
    pub kind: DocumentKind,
    pub register_number: String,
    pub title: Text,
    /// Two or three lowercase letters (`ru`, `en`, `zh`).
    pub original_language: String,
    pub classification: Classification,
    /// Participant codes: the listed delegations (at least one, for `listed`), or the one
    /// delegation of an `internal` document; none for `public` and `members`.
    #[serde(default)]
    pub readers: Vec<String>,
    #[serde(default)]
    pub initiator: Option<String>,
    /// The first version's paragraphs in the original language.
    #[schemars(length(min = 1))]
    pub paragraphs: Vec<String>,
}

pub const MAX_PARAGRAPHS: usize = 2_000;
pub const MAX_PARAGRAPH_CHARS: usize = 20_000;
/// A text entered as a version at most (a new document, a correction, a translation): some 300
/// pages, what a treaty with its annexes may run to, and what a form can carry (the web's body
/// limit is made to hold it). A consolidated version may pass it by the amendments it accepts.
pub const MAX_TEXT_CHARS: usize = 1_000_000;

impl DocumentFields {
    pub fn validate(self) -> Result<DocumentFields, Invalid> {
        let mut c = Checker::new();
        let register_number = c.text("register_number", &self.register_number, 60);
        let title = self.title.checked(&mut c, "title", 500);
        check_language(&mut c, "original_language", &self.original_language);
        // The register, the PDF and every translation start from the title in the original.
        if !title.0.is_empty() && title.exact(&self.original_language).is_none() {
            c.fail("title", "title-in-original");
        }
        let mut readers: Vec<String> = self.readers.iter().map(|r| r.trim().to_uppercase()).collect();
        readers.dedup();
        match self.classification {
            Classification::Public | Classification::Members if !readers.is_empty() => {
                c.fail("readers", "readers-not-expected")
            }
            Classification::Listed if readers.is_empty() => c.fail("readers", "required"),
            Classification::Internal if readers.len() != 1 => c.fail("readers", "one-reader"),
            _ => {}
        }
        // Register numbers are unique across documents, so a number taken says a document holds
        // it. A delegation's internal papers are numbered in its own series, which no other
        // document may take: a refusal then never tells anyone of papers they may not read.
        match (self.classification, readers.first()) {
            (Classification::Internal, Some(owner)) if !register_number.starts_with(&internal_series(owner)) => {
                c.fail_with("register_number", "internal-series", vec![("series", internal_series(owner))])
            }
            (Classification::Internal, _) => {}
            _ if in_an_internal_series(&register_number) => c.fail("register_number", "series-reserved"),
            _ => {}
        }
        let paragraphs = check_paragraphs(&mut c, "paragraphs", self.paragraphs);
        if paragraphs.is_empty() {
            c.fail("paragraphs", "required");
        }
        c.finish(DocumentFields { register_number, title, readers, paragraphs, ..self })
    }
}

/// The beginning of every register number of a delegation's internal papers: `KZ/INT/`.
pub fn internal_series(code: &str) -> String {
    format!("{code}/INT/")
}

/// Whether a register number is of some delegation's internal series.
fn in_an_internal_series(number: &str) -> bool {
    number.split_once("/INT/").is_some_and(|(code, _)| {
        (2..=10).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    })
}

/// What the names in [`DocumentFields`] refer to: the body and meeting (found by the caller), the
/// meeting's agenda and the participants.
pub struct Names<'a> {
    pub body: Id,
    pub meeting: Option<Id>,
    pub agenda: &'a [AgendaItem],
    pub participants: &'a [Participant],
}

impl DocumentFields {
    /// A new draft and its first version from checked fields; an unknown name is an error on its field.
    pub fn into_document(
        self,
        names: &Names,
        created_by: String,
        now: jiff::Timestamp,
    ) -> Result<(Document, Version), Invalid> {
        let mut c = Checker::new();
        let mut id_of = |code: &str, field: &str| {
            let found = crate::participants::by_code(names.participants, code).map(|p| p.id);
            if found.is_none() {
                c.fail_with(field, "unknown", vec![("value", code.chars().take(16).collect())]);
            }
            found
        };
        let readers: Vec<Id> = self.readers.iter().filter_map(|r| id_of(r, "readers")).collect();
        let initiator = self.initiator.as_deref().and_then(|i| id_of(i, "initiator"));
        let agenda_item = self.agenda_item.and_then(|n| {
            let mut items: Vec<&AgendaItem> = names
                .agenda
                .iter()
                .filter(|i| i.number == n && self.agenda_format.is_none_or(|f| i.format == f))
                .collect();
            items.sort_by_key(|i| i.format != crate::events::Format::Extended);
            items.first().map(|i| i.id)
        });
        match (self.agenda_item, agenda_item) {
            (Some(_), _) if names.meeting.is_none() => c.fail("meeting", "required"),
            (Some(n), None) => c.fail_with("agenda_item", "no-agenda-item", vec![("number", n.to_string())]),
            _ => {}
        }
        c.finish(())?;
        let document = Document {
            id: crate::new_id(),
            body_id: names.body,
            meeting_id: names.meeting,
            agenda_item_id: agenda_item,
            kind: self.kind,
            register_number: self.register_number,
            title: self.title,
            original_language: self.original_language,
            classification: self.classification,
            readers,
            initiator,
            status: DocumentStatus::Draft,
            forwarded_to: None,
            frozen: None,
            version: 1,
        };
        let paragraphs = self.paragraphs.into_iter().map(Paragraph::plain).collect();
        let first = Version::new(document.id, 1, &document.original_language, paragraphs, created_by, now);
        Ok((document, first))
    }
}

fn check_language(c: &mut Checker, field: &str, lang: &str) {
    if !crate::text::is_language_code(lang) {
        c.fail(field, "invalid-language");
    }
}

/// Paragraphs are trimmed; empty ones are dropped; each is bounded, and so is their whole.
pub fn check_paragraphs(c: &mut Checker, field: &str, paragraphs: Vec<String>) -> Vec<String> {
    let paragraphs: Vec<String> =
        paragraphs.into_iter().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect();
    if paragraphs.len() > MAX_PARAGRAPHS {
        c.fail_with(field, "too-many", vec![("max", MAX_PARAGRAPHS.to_string())]);
    }
    let mut total = 0;
    for (i, p) in paragraphs.iter().enumerate() {
        let chars = p.chars().count();
        if chars > MAX_PARAGRAPH_CHARS {
            c.fail_with(format!("{field}[{i}]"), "too-long", vec![("max", MAX_PARAGRAPH_CHARS.to_string())]);
        }
        total += chars;
    }
    if total > MAX_TEXT_CHARS {
        c.fail_with(field, "too-long", vec![("max", MAX_TEXT_CHARS.to_string())]);
    }
    paragraphs
}

/// One numbered paragraph of a version, with the amendment that wrote it, if one did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragraph {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amendment: Option<Id>,
}

impl Paragraph {
    pub fn plain(text: impl Into<String>) -> Self {
        Paragraph { text: text.into(), amendment: None }
    }
}

/// An immutable version of a document in one language: number N in the original language is the
/// negotiated text; the same N in another language is its translation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    pub document_id: Id,
    pub number: u32,
    pub language: String,
    pub paragraphs: Vec<Paragraph>,
    /// SHA-256 of the text (see [`text_sha256`]).
    pub sha256: String,
    /// The amendments consolidated into this version.
    pub consolidated: Vec<Id>,
    pub note: String,
    pub created_at: jiff::Timestamp,
    pub created_by: String,
}

impl Version {
    /// A version made by `created_by` at `created_at`; who consolidated what, and a note, are set
    /// on the result where there are any.
    pub fn new(
        document_id: Id,
        number: u32,
        language: &str,
        paragraphs: Vec<Paragraph>,
        created_by: String,
        created_at: jiff::Timestamp,
    ) -> Version {
        let sha256 = text_sha256(paragraphs.iter().map(|p| p.text.as_str()));
        Version {
            document_id,
            number,
            language: language.to_string(),
            paragraphs,
            sha256,
            consolidated: Vec::new(),
            note: String::new(),
            created_at,
            created_by,
        }
    }

    pub fn texts(&self) -> Vec<&str> {
        self.paragraphs.iter().map(|p| p.text.as_str()).collect()
    }

    /// Whether the stored hash is the hash of the stored text (a tampered row fails).
    pub fn is_intact(&self) -> bool {
        self.sha256 == text_sha256(self.paragraphs.iter().map(|p| p.text.as_str()))
    }
}

/// The SHA-256 of a text as numbered paragraphs: each paragraph's number, a tab, its text and a
/// newline, so that moving text between paragraphs changes the hash.
pub fn text_sha256<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> String {
    let mut hasher = Sha256::new();
    for (i, p) in paragraphs.into_iter().enumerate() {
        hasher.update(format!("{}\t{p}\n", i + 1).as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// What an amendment does to its paragraph.
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// Replace paragraph N with the text.
    Replace,
    /// Insert the text after paragraph N (0: before the first).
    Insert,
    /// Delete paragraph N.
    Delete,
}

names!(Operation { Replace => "replace", Insert => "insert", Delete => "delete" });

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AmendmentStatus {
    Pending,
    Accepted,
    Rejected,
    Withdrawn,
    /// Its paragraph changed in a later version before it was decided: kept, no longer applicable.
    Outdated,
}

names!(AmendmentStatus {
    Pending => "pending",
    Accepted => "accepted",
    Rejected => "rejected",
    Withdrawn => "withdrawn",
    Outdated => "outdated",
});

/// A delegation's proposal to change one paragraph of one version (in the original language).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendment {
    pub id: Id,
    pub document_id: Id,
    /// The version it applies to; moved forward when it is carried to a new version.
    pub version: u32,
    pub paragraph: u32,
    pub operation: Operation,
    /// The new text (replace, insert); empty for a delete.
    pub text: String,
    /// The paragraph's text when the amendment was proposed (empty for an insert at the start).
    pub target: String,
    pub justification: String,
    pub proposer: Id,
    pub status: AmendmentStatus,
    /// Delegations' support, objections and comments, in the order given.
    pub responses: Vec<Response>,
    pub created_at: jiff::Timestamp,
    pub row_version: i64,
}

impl Amendment {
    /// Whether `input`, by `proposer`, is this amendment's proposal sent again (a form sent twice)
    /// rather than another proposal that would take its id.
    pub fn proposed_again(&self, proposer: Id, input: &AmendmentInput) -> bool {
        self.proposer == proposer
            && self.version == input.version
            && self.paragraph == input.paragraph
            && self.operation == input.operation
            && self.text == input.text.trim()
    }
}

/// A pending amendment by `proposer` that `input` proposes again under another id: the form sent
/// again from a page read anew (the browser's Back, then send), which would otherwise put the same
/// change in twice.
pub fn pending_twin<'a>(amendments: &'a [Amendment], proposer: Id, input: &AmendmentInput) -> Option<&'a Amendment> {
    amendments.iter().find(|a| {
        a.status == AmendmentStatus::Pending
            && a.proposed_again(proposer, input)
            && a.justification == input.justification.trim()
    })
}

#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    Supports,
    Objects,
    Comments,
}

names!(Position { Supports => "supports", Objects => "objects", Comments => "comments" });

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    pub participant: Id,
    pub position: Position,
    pub comment: String,
    pub at: jiff::Timestamp,
}

impl Response {
    /// Whether this says what its participant said `last` of the amendment: the same response
    /// sent twice (a double click, a retry, two at the same moment), which is recorded once.
    pub fn repeats(&self, last: Option<&Response>) -> bool {
        last.is_some_and(|r| {
            r.participant == self.participant && r.position == self.position && r.comment == self.comment
        })
    }
}

/// A member's response to `amendment`, checked: a comment says something and is of a sensible
/// length, and the proposer comments on its own amendment but neither supports nor objects to it.
pub fn response(
    amendment: &Amendment,
    participant: Id,
    position: Position,
    comment: &str,
    at: jiff::Timestamp,
) -> Result<Response, Invalid> {
    let mut c = Checker::new();
    let comment = comment.trim().to_string();
    if comment.chars().count() > MAX_COMMENT_CHARS {
        c.fail_with("comment", "too-long", vec![("max", MAX_COMMENT_CHARS.to_string())]);
    } else if position == Position::Comments && comment.is_empty() {
        c.fail("comment", "required");
    }
    if participant == amendment.proposer && position != Position::Comments {
        c.fail("position", "own-amendment");
    }
    c.finish(Response { participant, position, comment, at })
}

/// What a delegation enters to propose an amendment.
#[derive(schemars::JsonSchema, Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmendmentInput {
    /// The id the amendment is to have, chosen by the form that proposes it: the same form sent
    /// twice proposes once.
    #[serde(default)]
    pub id: Option<Id>,
    /// The proposing participant's code.
    pub participant: String,
    /// The number of the text's version amended, the latest (`versions[].number`): not the
    /// document's `version`, which counts changes to its record. An earlier one, the latest when
    /// the proposer read the text, is a conflict (409): a newer version was made meanwhile.
    pub version: u32,
    /// The paragraph's number in that version; for an insert, the one it goes after (0: first).
    pub paragraph: u32,
    pub operation: Operation,
    /// The new text: required for `replace` and `insert`, none for `delete`.
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub justification: String,
}

impl AmendmentInput {
    /// Whether the proposer read the text before `latest`, the version now amended, was made: a
    /// conflict with what changed meanwhile, not a mistake in the amendment.
    pub fn read_before(&self, latest: &Version) -> bool {
        self.version < latest.number
    }

    /// Checks the amendment against the version it names, which must be the document's latest.
    pub fn validate(self, latest: &Version) -> Result<AmendmentInput, Invalid> {
        let mut c = Checker::new();
        if self.version != latest.number {
            c.fail_with("version", "not-latest-version", vec![("value", latest.number.to_string())]);
        }
        let count = latest.paragraphs.len() as u32;
        let range_ok = match self.operation {
            Operation::Insert => self.paragraph <= count,
            Operation::Replace | Operation::Delete => (1..=count).contains(&self.paragraph),
        };
        if !range_ok {
            c.fail_with("paragraph", "no-such-paragraph", vec![("max", count.to_string())]);
        }
        let text = self.text.trim().to_string();
        match self.operation {
            Operation::Delete if !text.is_empty() => c.fail("text", "text-not-expected"),
            Operation::Replace | Operation::Insert if text.is_empty() => c.fail("text", "required"),
            _ if text.chars().count() > MAX_PARAGRAPH_CHARS => {
                c.fail_with("text", "too-long", vec![("max", MAX_PARAGRAPH_CHARS.to_string())])
            }
            _ => {}
        }
        if range_ok
            && self.operation == Operation::Replace
            && latest.paragraphs[self.paragraph as usize - 1].text == text
        {
            c.fail("text", "unchanged");
        }
        let justification = self.justification.trim().to_string();
        if justification.chars().count() > 5_000 {
            c.fail_with("justification", "too-long", vec![("max", "5000".into())]);
        }
        c.finish(AmendmentInput { text, justification, ..self })
    }
}

/// The paragraph an amendment was proposed against, for recording with it.
pub fn target_text(version: &Version, operation: Operation, paragraph: u32) -> String {
    match (operation, paragraph) {
        (Operation::Insert, 0) => String::new(),
        _ => version.paragraphs.get(paragraph as usize - 1).map(|p| p.text.clone()).unwrap_or_default(),
    }
}

/// Why accepted amendments cannot be consolidated together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unconsolidable {
    #[error("amendment {0} is not a pending amendment of this version")]
    NotPending(Id),
    #[error("amendments {0} and {1} both change paragraph {2}: accept one of them")]
    SameParagraph(Id, Id, u32),
}

/// The next version's paragraphs: `base` with the accepted amendments applied. Each replaced or
/// inserted paragraph remembers its amendment; two amendments that both replace or delete one
/// paragraph cannot both be accepted. Inserts after one paragraph keep the order they were proposed in.
pub fn consolidate(base: &Version, accepted: &[&Amendment]) -> Result<Vec<Paragraph>, Unconsolidable> {
    for a in accepted {
        if a.version != base.number || a.status != AmendmentStatus::Pending || a.document_id != base.document_id {
            return Err(Unconsolidable::NotPending(a.id));
        }
    }
    let mut changing: Vec<&Amendment> = accepted.iter().copied().filter(|a| a.operation != Operation::Insert).collect();
    changing.sort_by_key(|a| (a.paragraph, a.id));
    for pair in changing.windows(2) {
        if pair[0].paragraph == pair[1].paragraph {
            return Err(Unconsolidable::SameParagraph(pair[0].id, pair[1].id, pair[0].paragraph));
        }
    }
    let mut inserts: Vec<&Amendment> = accepted.iter().copied().filter(|a| a.operation == Operation::Insert).collect();
    inserts.sort_by_key(|a| (a.paragraph, a.created_at, a.id));
    let inserted_after = |n: u32| {
        inserts
            .iter()
            .filter(move |a| a.paragraph == n)
            .map(|a| Paragraph { text: a.text.clone(), amendment: Some(a.id) })
    };
    let mut out: Vec<Paragraph> = inserted_after(0).collect();
    for (i, p) in base.paragraphs.iter().enumerate() {
        let n = i as u32 + 1;
        match changing.iter().find(|a| a.paragraph == n) {
            Some(a) if a.operation == Operation::Replace => {
                out.push(Paragraph { text: a.text.clone(), amendment: Some(a.id) })
            }
            Some(_) => {}
            None => out.push(p.clone()),
        }
        out.extend(inserted_after(n));
    }
    Ok(out)
}

/// The longest comment on an amendment.
pub const MAX_COMMENT_CHARS: usize = 5_000;
/// The longest note a version carries (what the edit did, or why a correction was made).
pub const MAX_NOTE_CHARS: usize = 1_000;

/// What a request for a new version gives, by the kind of edit it makes: a translation
/// (paragraphs, and a title, in another language), a formal correction (the original's
/// paragraphs), or, neither, a consolidation (amendments accepted and rejected).
#[derive(Debug, Clone, Copy, Default)]
pub struct EditGiven {
    pub translation: bool,
    pub correction: bool,
    pub accepts: bool,
    pub rejects: bool,
    pub paragraphs: bool,
    pub title: bool,
}

impl EditGiven {
    /// What its kind of edit does not take is refused, every such field named, not dropped unseen.
    pub fn check(&self) -> Result<(), Invalid> {
        let mut c = Checker::new();
        if self.translation && self.correction {
            c.fail("correction", "correction-in-original");
        }
        if self.translation || self.correction {
            for (field, given) in [("accept", self.accepts), ("reject", self.rejects)] {
                if given {
                    c.fail(field, "only-in-consolidation");
                }
            }
        } else if self.paragraphs {
            c.fail("paragraphs", "not-in-consolidation");
        }
        if !self.translation && self.title {
            c.fail("title", "only-in-translation");
        }
        c.finish(())
    }
}

/// A version's note, trimmed: it may be empty, and is refused rather than cut when too long.
pub fn version_note(note: &str) -> Result<String, Invalid> {
    let mut c = Checker::new();
    let note = note.trim();
    if note.chars().count() > MAX_NOTE_CHARS {
        c.fail_with("note", "too-long", vec![("max", MAX_NOTE_CHARS.to_string())]);
    }
    c.finish(note.to_string())
}

/// The secretariat's edit of a version: the next version with the accepted amendments, and each
/// amendment of the base as it becomes (accepted, rejected, or carried over / outdated), beside
/// what it was.
pub fn consolidation(
    base: &Version,
    amendments: &[Amendment],
    accept: &[Id],
    reject: &[Id],
    note: String,
    created_by: String,
    now: jiff::Timestamp,
) -> Result<(Version, Vec<(Amendment, Amendment)>), Unconsolidable> {
    let pending = |id: &Id| pending_on(base, amendments, *id);
    let accepted = accept.iter().map(pending).collect::<Result<Vec<_>, _>>()?;
    reject.iter().map(pending).collect::<Result<Vec<_>, _>>()?;
    let paragraphs = consolidate(base, &accepted)?;
    let next = Version {
        consolidated: accept.to_vec(),
        note,
        ..Version::new(base.document_id, base.number + 1, &base.language, paragraphs, created_by, now)
    };
    // A pending amendment left on an older version (proposed while the previous edit was being
    // made) is outdated now rather than stranded.
    let changed = amendments
        .iter()
        .filter(|a| a.status == AmendmentStatus::Pending && a.version <= base.number)
        .map(|a| {
            let after = if a.version < base.number {
                Amendment { status: AmendmentStatus::Outdated, ..a.clone() }
            } else if accept.contains(&a.id) {
                Amendment { status: AmendmentStatus::Accepted, ..a.clone() }
            } else if reject.contains(&a.id) {
                Amendment { status: AmendmentStatus::Rejected, ..a.clone() }
            } else {
                carry(a, base, &next)
            };
            (a.clone(), after)
        })
        .collect();
    Ok((next, changed))
}

/// The amendment `id`, still pending on `base`.
fn pending_on<'a>(base: &Version, amendments: &'a [Amendment], id: Id) -> Result<&'a Amendment, Unconsolidable> {
    amendments
        .iter()
        .find(|a| a.id == id && a.status == AmendmentStatus::Pending && a.version == base.number)
        .ok_or(Unconsolidable::NotPending(id))
}

/// Amendments the secretariat turns down with no new version: each still pending on `base`,
/// before and after.
pub fn rejection(
    base: &Version,
    amendments: &[Amendment],
    reject: &[Id],
) -> Result<Vec<(Amendment, Amendment)>, Unconsolidable> {
    reject
        .iter()
        .map(|id| {
            let a = pending_on(base, amendments, *id)?;
            Ok((a.clone(), Amendment { status: AmendmentStatus::Rejected, ..a.clone() }))
        })
        .collect()
}

/// A translation of `base` (the original's latest version) into `language`: as many paragraphs as
/// the original, under the same number.
pub fn translation(
    base: &Version,
    language: &str,
    translated: &[&str],
    paragraphs: Vec<String>,
    created_by: String,
    now: jiff::Timestamp,
) -> Result<Version, Invalid> {
    let mut c = Checker::new();
    check_language(&mut c, "language", language);
    // A version is never overwritten, its translations neither: a better one is a new version's.
    if translated.contains(&language) {
        c.fail_with("language", "translation-exists", vec![("number", base.number.to_string())]);
    }
    let paragraphs = check_paragraphs(&mut c, "paragraphs", paragraphs);
    if paragraphs.len() != base.paragraphs.len() {
        c.fail_with("paragraphs", "paragraph-count", vec![("value", base.paragraphs.len().to_string())]);
    }
    c.finish(())?;
    let paragraphs = paragraphs.into_iter().map(Paragraph::plain).collect();
    Ok(Version::new(base.document_id, base.number, language, paragraphs, created_by, now))
}

/// The document with its title in a translation's `language` given, checked as any title is.
pub fn with_title(document: &Document, language: &str, title: &str) -> Result<Document, Invalid> {
    let mut c = Checker::new();
    let given = Text::new(&[(language, title)]).checked(&mut c, "title", 500);
    c.finish(())?;
    let mut title = document.title.clone();
    title.0.extend(given.0);
    Ok(Document { title, ..document.clone() })
}

/// A formal correction of an adopted text: the next version of the original, with its reason. The
/// adopted text stays frozen as it was; the correction's own hash and audit entry are its record.
pub fn correction(
    document: &Document,
    base: &Version,
    paragraphs: Vec<String>,
    reason: &str,
    created_by: String,
    now: jiff::Timestamp,
) -> Result<Version, Invalid> {
    let mut c = Checker::new();
    if document.frozen.is_none() {
        c.fail("correction", "not-adopted");
    }
    let reason = c.text("note", reason, MAX_NOTE_CHARS);
    let paragraphs = check_paragraphs(&mut c, "paragraphs", paragraphs);
    if paragraphs.is_empty() {
        c.fail("paragraphs", "required");
    } else if paragraphs.iter().map(String::as_str).eq(base.texts()) {
        c.fail("paragraphs", "unchanged");
    }
    c.finish(())?;
    let paragraphs = paragraphs.into_iter().map(Paragraph::plain).collect();
    Ok(Version {
        note: reason,
        ..Version::new(document.id, base.number + 1, &base.language, paragraphs, created_by, now)
    })
}

/// Where each paragraph of the old version went in the new one, if it is unchanged there.
pub fn unchanged_paragraphs(old: &[&str], new: &[&str]) -> Vec<Option<u32>> {
    let mut map = vec![None; old.len()];
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, old, new) {
        if let similar::DiffOp::Equal { old_index, new_index, len } = op {
            for k in 0..len {
                map[old_index + k] = Some((new_index + k) as u32 + 1);
            }
        }
    }
    map
}

/// What becomes of a pending amendment of the old version once a new version exists: carried to
/// the paragraph's new number where its paragraph (for an insert, the one it follows) is unchanged,
/// else outdated. Never dropped.
pub fn carry(amendment: &Amendment, old: &Version, new: &Version) -> Amendment {
    let map = unchanged_paragraphs(&old.texts(), &new.texts());
    let anchor = match (amendment.operation, amendment.paragraph) {
        (Operation::Insert, 0) => Some(0),
        (_, n) => map.get(n as usize - 1).copied().flatten(),
    };
    match anchor {
        Some(paragraph) => Amendment { version: new.number, paragraph, ..amendment.clone() },
        None => Amendment { status: AmendmentStatus::Outdated, ..amendment.clone() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::new_id;

    #[test]
    fn each_kind_of_edit_refuses_what_it_does_not_take_naming_every_field() {
        let fields =
            |given: EditGiven| given.check().err().map(|i| i.0.into_iter().map(|e| e.field).collect::<Vec<_>>());
        let translation = EditGiven { translation: true, paragraphs: true, title: true, ..EditGiven::default() };
        assert_eq!(fields(translation), None);
        assert_eq!(
            fields(EditGiven { accepts: true, rejects: true, correction: true, ..translation }).unwrap(),
            ["correction", "accept", "reject"]
        );
        let consolidation = EditGiven { accepts: true, rejects: true, ..EditGiven::default() };
        assert_eq!(fields(consolidation), None);
        assert_eq!(
            fields(EditGiven { paragraphs: true, title: true, ..consolidation }).unwrap(),
            ["paragraphs", "title"]
        );
        let correction = EditGiven { correction: true, paragraphs: true, ..EditGiven::default() };
        assert_eq!(fields(EditGiven { title: true, ..correction }).unwrap(), ["title"]);
    }

    #[test]
    fn register_numbers_are_ordered_by_their_numbers_and_letters_as_people_read_them() {
        let mut numbers =
            ["СМИД/2025/10", "смид/2025/9", "СМИД/2025/09а", "CFM/2", "СМИД/2026/1", "CFM/10", "СМИД/2025/9"];
        numbers.sort_by_key(|n| register_key(n));
        assert_eq!(
            numbers,
            ["CFM/2", "CFM/10", "смид/2025/9", "СМИД/2025/9", "СМИД/2025/09а", "СМИД/2025/10", "СМИД/2026/1"]
        );
    }

    #[test]
    fn the_register_collation_is_raised_when_its_keys_change() {
        // Stores keep these keys: if this fails after an upgrade of ICU, raise REGISTER_COLLATION so
        // that they are made again, then write the new key here.
        let key: String = register_key("СМИД/2025/10").iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!((key.as_str(), REGISTER_COLLATION), ("629c72461a030a8c1053af0a8c100c010c01dbdedbdb08", 1));
    }

    #[test]
    fn a_note_past_its_limit_is_refused_not_cut() {
        assert_eq!(version_note("  what was done  ").unwrap(), "what was done");
        assert_eq!(version_note("").unwrap(), "", "a note may be empty");
        let long = version_note(&"n".repeat(MAX_NOTE_CHARS + 1)).unwrap_err();
        assert_eq!((long.0[0].field.as_str(), long.0[0].code), ("note", "too-long"));
        assert_eq!(long.0[0].args, vec![("max", MAX_NOTE_CHARS.to_string())]);
    }

    fn version(doc: Id, number: u32, texts: &[&str]) -> Version {
        let paragraphs = texts.iter().map(|t| Paragraph::plain(*t)).collect();
        Version::new(doc, number, "ru", paragraphs, "secretariat".into(), jiff::Timestamp::UNIX_EPOCH)
    }

    fn amendment(doc: Id, version: u32, paragraph: u32, operation: Operation, text: &str) -> Amendment {
        Amendment {
            id: new_id(),
            document_id: doc,
            version,
            paragraph,
            operation,
            text: text.into(),
            target: String::new(),
            justification: String::new(),
            proposer: new_id(),
            status: AmendmentStatus::Pending,
            responses: vec![],
            created_at: jiff::Timestamp::UNIX_EPOCH,
            row_version: 1,
        }
    }

    #[test]
    fn a_response_said_again_is_the_last_one_its_participant_gave() {
        let proposed = amendment(new_id(), 1, 1, Operation::Delete, "");
        let (kz, ru) = (new_id(), new_id());
        let said = |by, position, comment: &str| {
            response(&proposed, by, position, comment, jiff::Timestamp::UNIX_EPOCH).expect("a valid response")
        };
        let first = said(kz, Position::Supports, "");
        assert!(!first.repeats(None), "nothing said yet");
        assert!(said(kz, Position::Supports, " ").repeats(Some(&first)), "the same, sent twice");
        assert!(!said(kz, Position::Objects, "").repeats(Some(&first)), "a change of mind");
        assert!(!said(ru, Position::Supports, "").repeats(Some(&first)), "another participant's");
        let comment = said(kz, Position::Comments, "Уточнить.");
        assert!(said(kz, Position::Comments, "Уточнить.").repeats(Some(&comment)));
        assert!(!said(kz, Position::Comments, "Другое.").repeats(Some(&comment)), "another comment");
    }

    #[test]
    fn accepted_amendments_make_the_next_version_and_sign_their_paragraphs() {
        let doc = new_id();
        let v1 = version(doc, 1, &["One.", "Two.", "Three."]);
        let replace = amendment(doc, 1, 2, Operation::Replace, "Two, amended.");
        let delete = amendment(doc, 1, 3, Operation::Delete, "");
        let first = amendment(doc, 1, 0, Operation::Insert, "Zero.");
        let after = amendment(doc, 1, 1, Operation::Insert, "One and a half.");
        let next = consolidate(&v1, &[&replace, &delete, &first, &after]).unwrap();
        let texts: Vec<&str> = next.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["Zero.", "One.", "One and a half.", "Two, amended."]);
        assert_eq!(next[3].amendment, Some(replace.id));
        assert_eq!(next[1].amendment, None);
    }

    #[test]
    fn two_amendments_of_one_paragraph_cannot_both_be_accepted() {
        let doc = new_id();
        let v1 = version(doc, 1, &["One."]);
        let a = amendment(doc, 1, 1, Operation::Replace, "Uno.");
        let b = amendment(doc, 1, 1, Operation::Delete, "");
        assert!(matches!(consolidate(&v1, &[&a, &b]), Err(Unconsolidable::SameParagraph(_, _, 1))));
        let stale = amendment(doc, 0, 1, Operation::Delete, "");
        assert_eq!(consolidate(&v1, &[&stale]), Err(Unconsolidable::NotPending(stale.id)));
    }

    #[test]
    fn a_pending_amendment_follows_its_unchanged_paragraph_and_is_outdated_when_it_changed() {
        let doc = new_id();
        let v1 = version(doc, 1, &["A.", "B.", "C."]);
        let v2 = version(doc, 2, &["Preamble.", "A.", "B, changed.", "C."]);
        let on_c = carry(&amendment(doc, 1, 3, Operation::Replace, "C!"), &v1, &v2);
        assert_eq!((on_c.version, on_c.paragraph, on_c.status), (2, 4, AmendmentStatus::Pending));
        let on_b = carry(&amendment(doc, 1, 2, Operation::Delete, ""), &v1, &v2);
        assert_eq!((on_b.version, on_b.status), (1, AmendmentStatus::Outdated));
        let at_start = carry(&amendment(doc, 1, 0, Operation::Insert, "Z."), &v1, &v2);
        assert_eq!((at_start.version, at_start.paragraph), (2, 0));
        let after_a = carry(&amendment(doc, 1, 1, Operation::Insert, "A2."), &v1, &v2);
        assert_eq!((after_a.paragraph, after_a.status), (2, AmendmentStatus::Pending));
    }

    #[test]
    fn an_amendment_names_its_bad_fields() {
        let v1 = version(new_id(), 2, &["A.", "B."]);
        let input = |version, paragraph, operation, text: &str| AmendmentInput {
            id: None,
            participant: "KZ".into(),
            version,
            paragraph,
            operation,
            text: text.into(),
            justification: String::new(),
        };
        let fields = |r: Result<AmendmentInput, Invalid>| -> Vec<String> {
            r.map(|_| vec![]).unwrap_or_else(|e| e.0.into_iter().map(|f| f.field).collect())
        };
        assert_eq!(fields(input(1, 3, Operation::Replace, "").validate(&v1)), ["version", "paragraph", "text"]);
        assert_eq!(fields(input(2, 1, Operation::Replace, "A.").validate(&v1)), ["text"]);
        assert_eq!(fields(input(2, 1, Operation::Delete, "x").validate(&v1)), ["text"]);
        assert!(input(2, 2, Operation::Insert, "C.").validate(&v1).is_ok());
        assert!(input(2, 0, Operation::Insert, "Z.").validate(&v1).is_ok());
    }

    #[test]
    fn a_document_names_its_readers_only_when_its_classification_needs_them() {
        let fields = |classification, readers: &[&str]| DocumentFields {
            body: "cis-cfm".into(),
            meeting: None,
            agenda_item: None,
            agenda_format: None,
            kind: DocumentKind::DraftDecision,
            register_number: "CFM/1".into(),
            title: Text::new(&[("ru", "Проект решения")]),
            original_language: "ru".into(),
            classification,
            readers: readers.iter().map(|r| r.to_string()).collect(),
            initiator: None,
            paragraphs: vec!["  Текст. ".into(), "   ".into()],
        };
        assert_eq!(fields(Classification::Public, &[]).validate().unwrap().paragraphs, ["Текст."]);
        assert_eq!(fields(Classification::Public, &["KZ"]).validate().unwrap_err().0[0].code, "readers-not-expected");
        assert_eq!(fields(Classification::Listed, &[]).validate().unwrap_err().0[0].code, "required");
        assert_eq!(fields(Classification::Internal, &["kz", "RU"]).validate().unwrap_err().0[0].code, "one-reader");
        let internal = |number: &str| DocumentFields {
            register_number: number.into(),
            ..fields(Classification::Internal, &["kz"])
        };
        assert_eq!(internal("KZ/INT/1").validate().unwrap().readers, ["KZ"]);
        let untitled =
            DocumentFields { title: Text::new(&[("en", "Draft decision")]), ..fields(Classification::Public, &[]) };
        assert_eq!(untitled.validate().unwrap_err().0[0].code, "title-in-original", "no title in Russian");
        // Every field left empty is named at once, not one a try.
        let empty = DocumentFields {
            register_number: " ".into(),
            title: Text::new(&[("ru", "")]),
            paragraphs: vec![" ".into()],
            ..fields(Classification::Public, &[])
        };
        let named: Vec<String> = empty.validate().unwrap_err().0.into_iter().map(|e| e.field).collect();
        assert_eq!(named, ["register_number", "title", "paragraphs"]);
    }

    #[test]
    fn internal_papers_are_numbered_in_their_delegations_series_which_nothing_else_takes() {
        let fields = |classification, readers: &[&str], number: &str| DocumentFields {
            body: "cis-cfm".into(),
            meeting: None,
            agenda_item: None,
            agenda_format: None,
            kind: DocumentKind::Note,
            register_number: number.into(),
            title: Text::new(&[("ru", "Записка")]),
            original_language: "ru".into(),
            classification,
            readers: readers.iter().map(|r| r.to_string()).collect(),
            initiator: None,
            paragraphs: vec!["Текст.".into()],
        };
        let refused = |f: DocumentFields| f.validate().unwrap_err().0.into_iter().map(|e| e.code).collect::<Vec<_>>();
        assert!(fields(Classification::Internal, &["KZ"], "KZ/INT/2025/1").validate().is_ok());
        assert_eq!(refused(fields(Classification::Internal, &["RU"], "KZ/INT/2025/1")), ["internal-series"]);
        assert_eq!(refused(fields(Classification::Internal, &["KZ"], "CFM/1")), ["internal-series"]);
        assert_eq!(refused(fields(Classification::Members, &[], "KZ/INT/2025/1")), ["series-reserved"]);
        assert_eq!(refused(fields(Classification::Listed, &["KZ", "RU"], "RU/INT/7")), ["series-reserved"]);
        assert!(fields(Classification::Members, &[], "СМИД/2025/01").validate().is_ok());
        assert!(fields(Classification::Public, &[], "CIS/INTERNATIONAL/1").validate().is_ok());
    }

    #[test]
    fn only_an_adopted_text_is_corrected_and_a_correction_says_why() {
        let v1 = version(new_id(), 1, &["A.", "B."]);
        let mut doc = Document {
            id: v1.document_id,
            body_id: new_id(),
            meeting_id: None,
            agenda_item_id: None,
            kind: DocumentKind::DraftDecision,
            register_number: "1".into(),
            title: Text::new(&[("ru", "x")]),
            original_language: "ru".into(),
            classification: Classification::Public,
            readers: vec![],
            initiator: None,
            status: DocumentStatus::Draft,
            forwarded_to: None,
            frozen: None,
            version: 1,
        };
        let fix = |doc: &Document, texts: &[&str], reason: &str| {
            let texts = texts.iter().map(|t| t.to_string()).collect();
            correction(doc, &v1, texts, reason, "s".into(), jiff::Timestamp::UNIX_EPOCH)
        };
        assert_eq!(fix(&doc, &["A.", "B!"], "Typo.").unwrap_err().0[0].field, "correction");
        doc = doc.adopted(&v1, None, jiff::Timestamp::UNIX_EPOCH);
        let fields: Vec<String> = fix(&doc, &["A.", "B."], "").unwrap_err().0.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["note", "paragraphs"]);
        let v2 = fix(&doc, &["A.", "B!"], "Typo in paragraph 2.").unwrap();
        assert_eq!((v2.number, v2.note.as_str()), (2, "Typo in paragraph 2."));
        assert_eq!(doc.frozen.unwrap().sha256, v1.sha256, "the adopted text stays frozen");
    }

    #[test]
    fn a_version_knows_when_its_text_was_tampered_with() {
        let mut v = version(new_id(), 1, &["A.", "B."]);
        assert!(v.is_intact());
        v.paragraphs[1].text = "B!".into();
        assert!(!v.is_intact());
        assert_ne!(text_sha256(["AB"]), text_sha256(["A", "B"]));
    }
}
