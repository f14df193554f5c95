//! Delegations and their members: names in several scripts, positions with ranks, roles in the
//! delegation, travel, and accreditation from request to badge.

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use crate::events::Format;
use crate::text::CaseForms;
pub use crate::text::Gender;
use crate::validation::{Checker, Invalid};
use crate::{Id, Text};

/// Rank of a position, highest first (protocol.md, "Order of persons").
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rank {
    HeadOfState,
    HeadOfGovernment,
    DeputyPrimeMinister,
    Minister,
    DeputyMinister,
    /// Ambassadors and permanent representatives.
    Ambassador,
    /// Secretaries general of organisations and other senior officials.
    SeniorOfficial,
    Other,
}

impl Rank {
    pub const ALL: [Rank; 8] = [
        Rank::HeadOfState,
        Rank::HeadOfGovernment,
        Rank::DeputyPrimeMinister,
        Rank::Minister,
        Rank::DeputyMinister,
        Rank::Ambassador,
        Rank::SeniorOfficial,
        Rank::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rank::HeadOfState => "head_of_state",
            Rank::HeadOfGovernment => "head_of_government",
            Rank::DeputyPrimeMinister => "deputy_prime_minister",
            Rank::Minister => "minister",
            Rank::DeputyMinister => "deputy_minister",
            Rank::Ambassador => "ambassador",
            Rank::SeniorOfficial => "senior_official",
            Rank::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Rank> {
        Rank::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A member's part in the delegation, in the order lists show them.
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DelegationRole {
    Head,
    DeputyHead,
    Delegate,
    Adviser,
    Interpreter,
    PressOfficer,
    Security,
    Staff,
}

impl DelegationRole {
    pub const ALL: [DelegationRole; 8] = [
        DelegationRole::Head,
        DelegationRole::DeputyHead,
        DelegationRole::Delegate,
        DelegationRole::Adviser,
        DelegationRole::Interpreter,
        DelegationRole::PressOfficer,
        DelegationRole::Security,
        DelegationRole::Staff,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DelegationRole::Head => "head",
            DelegationRole::DeputyHead => "deputy_head",
            DelegationRole::Delegate => "delegate",
            DelegationRole::Adviser => "adviser",
            DelegationRole::Interpreter => "interpreter",
            DelegationRole::PressOfficer => "press_officer",
            DelegationRole::Security => "security",
            DelegationRole::Staff => "staff",
        }
    }

    pub fn parse(s: &str) -> Option<DelegationRole> {
        DelegationRole::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A person's name in one script. Patronymics are used in Russian and Kazakh names.
#[derive(schemars::JsonSchema, Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonName {
    pub family: String,
    pub given: String,
    #[serde(default)]
    pub patronymic: String,
}

impl PersonName {
    /// "Murat Abugalievich Nurtleu": given names, patronymic, family name.
    pub fn full(&self) -> String {
        [self.given.as_str(), self.patronymic.as_str(), self.family.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn is_empty(&self) -> bool {
        self.family.is_empty() && self.given.is_empty()
    }

    /// "М. Нуртлеу": the initial of the first given name and the family name, for name cards.
    pub fn initialled(&self) -> String {
        match self.given.chars().next() {
            Some(initial) if !self.family.is_empty() => format!("{initial}. {}", self.family),
            _ => self.full(),
        }
    }
}

/// A person's names: Latin (for badges and foreign readers) and Cyrillic (Russian or Kazakh letters).
#[derive(schemars::JsonSchema, Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    #[serde(default)]
    pub latin: PersonName,
    #[serde(default)]
    pub cyrillic: PersonName,
}

impl Names {
    /// The name to show a reader of `lang`: Cyrillic for Russian and Kazakh readers, Latin otherwise,
    /// each falling back to the other.
    pub fn display(&self, lang: &str) -> String {
        let (first, second) =
            if matches!(lang, "ru" | "kk") { (&self.cyrillic, &self.latin) } else { (&self.latin, &self.cyrillic) };
        if first.is_empty() { second.full() } else { first.full() }
    }

    /// The name for a name card in a reader's script ("М. Нуртлеу"), falling back like [`Names::display`].
    pub fn on_card(&self, lang: &str) -> String {
        let (first, second) =
            if matches!(lang, "ru" | "kk") { (&self.cyrillic, &self.latin) } else { (&self.latin, &self.cyrillic) };
        if first.is_empty() { second.initialled() } else { first.initialled() }
    }

    /// The family name in a reader's script, for sorting within equal ranks.
    pub fn family(&self, lang: &str) -> &str {
        let (first, second) =
            if matches!(lang, "ru" | "kk") { (&self.cyrillic, &self.latin) } else { (&self.latin, &self.cyrillic) };
        if first.family.is_empty() { &second.family } else { &first.family }
    }
}

/// The case forms of a member's full name (as [`Names::display`] gives it) and position as a
/// sentence uses them, per language, and the gender verbs agree with:
/// `name: { "instrumental": { "ru": "Сергеем Викторовичем Лавровым", "kk": "Сергей Викторович Лавровпен" } }`,
/// `position: { "instrumental": { "ru": "Министром иностранных дел" } }`.
#[derive(schemars::JsonSchema, Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonCases {
    #[serde(default)]
    pub name: CaseForms,
    #[serde(default)]
    pub position: CaseForms,
    #[serde(default)]
    pub gender: Option<Gender>,
}

impl PersonCases {
    /// Checks every form as a content field of at most 300 characters; no form is required.
    fn checked(self, c: &mut Checker) -> PersonCases {
        PersonCases {
            name: self.name.checked(c, "cases.name", 300),
            position: self.position.checked(c, "cases.position", 300),
            gender: self.gender,
        }
    }
}

/// When a person holds a position: either end may be unknown. A member carries the position as on
/// the days of the event, so the tenure must cover them.
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tenure {
    #[serde(default)]
    #[schemars(with = "Option<crate::schema::Date>")]
    pub from: Option<Date>,
    #[serde(default)]
    #[schemars(with = "Option<crate::schema::Date>")]
    pub until: Option<Date>,
}

impl Tenure {
    fn check(self, c: &mut Checker) {
        if let (Some(from), Some(until)) = (self.from, self.until)
            && until < from
        {
            c.fail("tenure.until", "dates-out-of-order");
        }
    }

    /// Problems if the position is not held on every day from `first` to `last`.
    fn check_covers(self, c: &mut Checker, first: Date, last: Date) {
        if self.until.is_some_and(|until| until < last) {
            c.fail("tenure.until", "tenure-ends-before-event");
        }
        if self.from.is_some_and(|from| from > first) {
            c.fail("tenure.from", "tenure-starts-after-event");
        }
    }
}

/// What a member is checked against: the meetings of the event (by slug) and its first and last days.
#[derive(Debug, Clone, Copy)]
pub struct EventFrame<'a> {
    pub meetings: &'a [String],
    pub first_day: Date,
    pub last_day: Date,
}

/// How a member arrives or leaves.
#[derive(schemars::JsonSchema, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Movement {
    #[schemars(with = "crate::schema::Date")]
    pub date: Date,
    #[schemars(with = "Option<crate::schema::Time>")]
    pub time: Option<Time>,
    /// Flight or train number, or how else ("by car").
    #[serde(default)]
    pub carrier: String,
}

/// Data only the member's delegation, its ministry and the host may see.
#[derive(schemars::JsonSchema, Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Private {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    pub arrival: Option<Movement>,
    pub departure: Option<Movement>,
}

/// Where a member stands in accreditation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Accreditation {
    Requested,
    Approved { badge_number: i64 },
    Rejected { reason: String },
    Revoked { badge_number: i64, reason: String },
}

impl Accreditation {
    pub fn name(&self) -> &'static str {
        match self {
            Accreditation::Requested => "requested",
            Accreditation::Approved { .. } => "approved",
            Accreditation::Rejected { .. } => "rejected",
            Accreditation::Revoked { .. } => "revoked",
        }
    }
}

/// What the host decides about a member's accreditation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Approve,
    /// Print a new badge for an approved member; the old one stops admitting.
    Reprint,
    Reject,
    Revoke,
}

/// Checks a host's decision (`approve`, `reprint`, `reject`, `revoke`) against where the member
/// stands: a rejection or revocation gives its reason (the delegation sees it); only an approved
/// member's badge is reprinted or revoked.
pub fn check_verdict(action: &str, reason: &str, current: &Accreditation) -> Result<Verdict, Invalid> {
    let mut c = Checker::new();
    let approved = matches!(current, Accreditation::Approved { .. });
    let verdict = match action {
        // An approved badge is reprinted or revoked: approved again, it would be reprinted unasked.
        "approve" | "reject" if approved => {
            c.fail("action", "already-approved");
            None
        }
        "approve" => Some(Verdict::Approve),
        "reprint" if approved => Some(Verdict::Reprint),
        "reject" => Some(Verdict::Reject),
        "revoke" if approved => Some(Verdict::Revoke),
        _ => {
            c.fail("action", "invalid-value");
            None
        }
    };
    if matches!(verdict, Some(Verdict::Reject | Verdict::Revoke)) && reason.trim().is_empty() {
        c.fail("reason", "required");
    }
    c.finish(verdict.unwrap_or(Verdict::Approve))
}

/// What a member's accreditation needs beside the fields an officer enters: a photo for the
/// badge, but from the ranks the host's protocol exempts (protocol.md: heads of state and
/// government). A body's rule, applied to the events it holds its meetings at.
#[derive(schemars::JsonSchema, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccreditationPolicy {
    /// Whether a member is approved only with a photo.
    #[serde(default)]
    pub photo_required: bool,
    /// The ranks approved without a photo all the same.
    #[serde(default = "heads_of_state_and_government")]
    pub photo_exempt: Vec<Rank>,
}

fn heads_of_state_and_government() -> Vec<Rank> {
    vec![Rank::HeadOfState, Rank::HeadOfGovernment]
}

impl Default for AccreditationPolicy {
    fn default() -> Self {
        AccreditationPolicy { photo_required: false, photo_exempt: heads_of_state_and_government() }
    }
}

impl AccreditationPolicy {
    pub fn is_default(&self) -> bool {
        *self == AccreditationPolicy::default()
    }

    /// Whether an officer's new `fields` for `member` keep the rule: an approved member moved to
    /// a rank that needs a photo it lacks would wear a badge the host could not have approved.
    pub fn check_change(&self, member: &Member, fields: &MemberFields) -> Result<(), Invalid> {
        let mut c = Checker::new();
        let after = member.clone().with_fields(fields.clone());
        if matches!(member.accreditation, Accreditation::Approved { .. }) && self.lacks_photo(&after) {
            c.fail("rank", "rank-needs-photo");
        }
        c.finish(())
    }

    /// Whether the rule asks `member` for a photo it lacks.
    fn lacks_photo(&self, member: &Member) -> bool {
        self.photo_required && member.photo.is_none() && !self.photo_exempt.contains(&member.rank)
    }

    /// Whether `member` may be approved: refused at `photo` when the rule asks for one it lacks.
    pub fn check_approvable(&self, member: &Member) -> Result<(), Invalid> {
        self.refused_at_photo(member, "photo-required")
    }

    /// Whether an approved member's badge may be printed again: as an approval, said of the reprint.
    pub fn check_reprint(&self, member: &Member) -> Result<(), Invalid> {
        self.refused_at_photo(member, "photo-required-reprint")
    }

    fn refused_at_photo(&self, member: &Member, code: &'static str) -> Result<(), Invalid> {
        let mut c = Checker::new();
        if self.lacks_photo(member) {
            c.fail("photo", code);
        }
        c.finish(())
    }
}

/// A member of a delegation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: Id,
    pub delegation_id: Id,
    pub names: Names,
    /// The position as it reads on the day of the event ("Minister of Foreign Affairs").
    pub position: Text,
    #[serde(default)]
    pub tenure: Tenure,
    pub rank: Rank,
    pub role: DelegationRole,
    /// The formats the member sits in (narrow: heads only); empty: not limited to one.
    pub formats: Vec<Format>,
    /// The meetings of the event the member sits in, by slug; empty: all of them.
    pub meetings: Vec<String>,
    pub private: Private,
    /// The case forms of the name and position, for press releases.
    #[serde(default)]
    pub cases: PersonCases,
    pub photo: Option<Id>,
    pub accreditation: Accreditation,
    pub version: i64,
}

impl Member {
    /// A new member of a delegation, with accreditation requested.
    pub fn requested(id: Id, delegation_id: Id, fields: MemberFields) -> Member {
        let blank = Member {
            id,
            delegation_id,
            names: Names::default(),
            position: Text::default(),
            tenure: Tenure::default(),
            rank: fields.rank,
            role: fields.role,
            formats: Vec::new(),
            meetings: Vec::new(),
            private: Private::default(),
            cases: PersonCases::default(),
            photo: None,
            accreditation: Accreditation::Requested,
            version: 1,
        };
        blank.with_fields(fields)
    }

    /// Whether `fields`, sent for `delegation` under this member's id, are this member sent again
    /// (a double click, a retry): the same in every field. Anything else under a used id (another
    /// person, or this one told differently) is not taken for it, lest what was sent be dropped.
    pub fn added_again(&self, delegation: Id, fields: &MemberFields) -> bool {
        let MemberFields { names, position, tenure, rank, role, formats, meetings, private, cases } = fields;
        self.delegation_id == delegation
            && (&self.names, &self.position, &self.tenure, self.rank, self.role)
                == (names, position, tenure, *rank, *role)
            && (&self.formats, &self.meetings, &self.private, &self.cases) == (formats, meetings, private, cases)
    }

    /// Whether the member stands as the delegation's head: one the host refused or revoked no
    /// longer does.
    pub fn heads_delegation(&self) -> bool {
        self.role == DelegationRole::Head
            && !matches!(self.accreditation, Accreditation::Rejected { .. } | Accreditation::Revoked { .. })
    }

    /// Whether the member sits at a meeting: marked for it by name, or marked for none in particular
    /// and sent by a participant that takes part in the meeting's body that day.
    pub fn sits_at(&self, meeting: &str, member_of_body: bool) -> bool {
        if self.meetings.is_empty() { member_of_body } else { self.meetings.iter().any(|m| m == meeting) }
    }

    /// Precedence among persons (protocol.md, "Order of persons"), the senior first: by rank, and
    /// among equal ranks the earlier in office; an unknown date of taking office after every
    /// known one.
    pub fn seniority(&self) -> (Rank, bool, Option<Date>) {
        (self.rank, self.tenure.from.is_none(), self.tenure.from)
    }

    /// Of one delegation's members, its head at `meeting`: the head marked for it, or one marked
    /// for none in particular where the participant sits there `by_right`. For no meeting in
    /// particular (a meeting on the sidelines, the lunch), the head of the whole delegation, else
    /// the senior. A delegation has one head at any meeting ([`check_one_head`]), so the order
    /// only chooses among heads of different meetings.
    pub fn head_at<'a>(
        members: impl IntoIterator<Item = &'a Member>,
        meeting: Option<&str>,
        by_right: bool,
    ) -> Option<&'a Member> {
        members
            .into_iter()
            .filter(|m| m.role == DelegationRole::Head)
            .filter(|m| meeting.is_none_or(|slug| m.sits_at(slug, by_right)))
            .min_by_key(|m| (!m.meetings.is_empty(), m.seniority()))
    }

    /// Whether the member sits in a session of `format`: marked for it, or for no format in
    /// particular (an interpreter follows the delegation into either).
    pub fn sits_in(&self, format: Format) -> bool {
        self.formats.is_empty() || self.formats.contains(&format)
    }

    /// The member with the fields an officer entered replacing the old ones (photo and version
    /// stay; the accreditation too, unless [`Member::reviewed_against`] sends it back).
    pub fn with_fields(self, fields: MemberFields) -> Member {
        let MemberFields { names, position, tenure, rank, role, formats, meetings, private, cases } = fields;
        Member { names, position, tenure, rank, role, formats, meetings, private, cases, ..self.clone() }
            .reviewed_against(&self)
    }

    /// The member with a new photo for the badge.
    pub fn with_photo(self, photo: Id) -> Member {
        Member { photo: Some(photo), ..self.clone() }.reviewed_against(&self)
    }

    /// An approved member whose badge would show or admit to something else (names, position,
    /// rank, role, formats, meetings, photo) is asked for again: no badge stays valid for what
    /// the host never saw. Contacts and travel change nothing on the badge.
    fn reviewed_against(mut self, before: &Member) -> Member {
        let on_badge = |m: &Member| {
            (m.names.clone(), m.position.clone(), m.rank, m.role, m.formats.clone(), m.meetings.clone(), m.photo)
        };
        if matches!(before.accreditation, Accreditation::Approved { .. }) && on_badge(&self) != on_badge(before) {
            self.accreditation = Accreditation::Requested;
        }
        self
    }
}

/// A delegation has one head at a meeting, whom the order of speakers and the seating plan name
/// (another may head it at another meeting of the event, marked for that one): the member `this`
/// (none: a new one), in `role` and marked for `meetings` (none: all), may not be a second head
/// beside those `listed`.
pub fn check_one_head(
    listed: &[Member],
    this: Option<Id>,
    role: DelegationRole,
    meetings: &[String],
) -> Result<(), Invalid> {
    let mut c = Checker::new();
    let at_one =
        |m: &Member| m.meetings.is_empty() || meetings.is_empty() || m.meetings.iter().any(|x| meetings.contains(x));
    if role == DelegationRole::Head && listed.iter().any(|m| m.heads_delegation() && Some(m.id) != this && at_one(m)) {
        c.fail("role", "head-taken");
    }
    c.finish(())
}

/// What an accreditation officer enters for a member.
#[derive(schemars::JsonSchema, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberFields {
    pub names: Names,
    pub position: Text,
    #[serde(default)]
    pub tenure: Tenure,
    pub rank: Rank,
    pub role: DelegationRole,
    #[serde(default)]
    pub formats: Vec<Format>,
    #[serde(default)]
    pub meetings: Vec<String>,
    #[serde(default)]
    pub private: Private,
    /// The case forms of the name and position; left out, none.
    #[serde(default)]
    pub cases: PersonCases,
}

impl MemberFields {
    /// Checks the fields for an event: `meetings` must name meetings of the event and the position
    /// must be held on the event's days.
    pub fn validate_for(self, event: EventFrame) -> Result<MemberFields, Invalid> {
        let mut c = Checker::new();
        if self.meetings.iter().any(|m| !m.trim().is_empty() && !event.meetings.iter().any(|known| known == m.trim())) {
            c.fail("meetings", "unknown");
        }
        self.tenure.check_covers(&mut c, event.first_day, event.last_day);
        self.check(c)
    }

    pub fn validate(self) -> Result<MemberFields, Invalid> {
        self.check(Checker::new())
    }

    fn check(self, mut c: Checker) -> Result<MemberFields, Invalid> {
        let names = check_names(&mut c, self.names);
        let position = self.position.checked(&mut c, "position", 200);
        self.tenure.check(&mut c);
        let private = check_private(&mut c, self.private);
        let cases = self.cases.checked(&mut c);
        if self.role != DelegationRole::Head
            && self.formats.contains(&Format::Narrow)
            && self.rank > Rank::DeputyMinister
        {
            c.fail("formats", "narrow-is-for-heads");
        }
        let mut formats = self.formats;
        formats.sort_by_key(|f| *f as u8);
        formats.dedup();
        let mut meetings: Vec<String> =
            self.meetings.iter().map(|m| m.trim().to_string()).filter(|m| !m.is_empty()).collect();
        meetings.sort();
        meetings.dedup();
        c.finish(MemberFields { names, position, private, cases, formats, meetings, ..self })
    }
}

fn check_name(c: &mut Checker, field: &str, name: PersonName) -> PersonName {
    let mut part = |sub: &str, value: &str| {
        let value = value.trim();
        if value.chars().count() > 100 {
            c.fail_with(format!("{field}.{sub}"), "too-long", vec![("max", "100".into())]);
        } else if !value.chars().all(in_a_name) {
            c.fail(format!("{field}.{sub}"), "invalid-name");
        }
        value.to_string()
    };
    PersonName {
        family: part("family", &name.family),
        given: part("given", &name.given),
        patronymic: part("patronymic", &name.patronymic),
    }
}

/// What a person's name is written with: letters of any script (with combining accents), spaces,
/// hyphens, apostrophes and dots ("O’Neill", "Jean-Luc", "St. John"). Not digits, signs, emoji, or
/// the invisible controls that turn a name round on a badge.
fn in_a_name(ch: char) -> bool {
    ch.is_alphabetic() || ('\u{0300}'..='\u{036F}').contains(&ch) || matches!(ch, ' ' | '-' | '\'' | '’' | 'ʼ' | '.')
}

fn check_names(c: &mut Checker, names: Names) -> Names {
    let latin = check_name(c, "names.latin", names.latin);
    let cyrillic = check_name(c, "names.cyrillic", names.cyrillic);
    if latin.is_empty() && cyrillic.is_empty() {
        c.fail("names", "required");
    }
    for (field, name) in [("names.latin", &latin), ("names.cyrillic", &cyrillic)] {
        if !name.is_empty() && name.family.is_empty() {
            c.fail(format!("{field}.family"), "required");
        }
    }
    if latin.full().chars().any(is_cyrillic) {
        c.fail("names.latin", "not-latin");
    }
    if cyrillic.full().chars().any(|ch| ch.is_ascii_alphabetic()) {
        c.fail("names.cyrillic", "not-cyrillic");
    }
    Names { latin, cyrillic }
}

fn is_cyrillic(ch: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&ch) || ('\u{0500}'..='\u{052F}').contains(&ch)
}

fn check_private(c: &mut Checker, p: Private) -> Private {
    let email = p.email.trim().to_string();
    if !email.is_empty() && !is_plausible_email(&email) {
        c.fail("private.email", "invalid-email");
    }
    let phone = p.phone.trim().to_string();
    if !phone.is_empty() && !phone.chars().all(|ch| ch.is_ascii_digit() || " +-()".contains(ch)) {
        c.fail("private.phone", "invalid-phone");
    }
    // A movement without a time is read as the stay reads it: arriving at the day's start,
    // leaving at its end; the stay must last.
    if let (Some(a), Some(d)) = (&p.arrival, &p.departure)
        && (d.date, d.time.unwrap_or(jiff::civil::time(23, 59, 59, 0))) <= (a.date, a.time.unwrap_or_default())
    {
        c.fail("private.departure", "dates-out-of-order");
    }
    for (field, m) in [("private.arrival", &p.arrival), ("private.departure", &p.departure)] {
        if m.as_ref().is_some_and(|m| m.carrier.chars().count() > 40) {
            c.fail_with(format!("{field}.carrier"), "too-long", vec![("max", "40".into())]);
        }
    }
    Private { email, phone, ..p }
}

/// An address with one `@`, something before it and a dot in the domain: the SMTP server has the last word.
pub fn is_plausible_email(s: &str) -> bool {
    let mut parts = s.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && s.len() <= 254
                && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        _ => false,
    }
}

/// The order of members within a delegation: the head first, then by rank, among equal ranks the
/// earlier in office first (protocol.md, "Order of persons"), then by role, then by family name in
/// the reader's collation.
pub fn order_members<'a>(members: &[&'a Member], lang: &str) -> Vec<&'a Member> {
    let collator = crate::precedence::collator(lang);
    let mut sorted = members.to_vec();
    sorted.sort_by(|a, b| {
        let head = |m: &Member| m.role != DelegationRole::Head;
        head(a)
            .cmp(&head(b))
            .then(a.seniority().cmp(&b.seniority()))
            .then(a.role.cmp(&b.role))
            .then_with(|| collator.compare(a.names.family(lang), b.names.family(lang)))
            .then(a.id.cmp(&b.id))
    });
    sorted
}

/// A participant's delegation to an event, born of an invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delegation {
    pub id: Id,
    pub event_id: Id,
    pub participant_id: Id,
    pub status: DelegationStatus,
    /// Where the invitation went.
    pub email: String,
    /// When the invitation was issued: the date its note verbale bears, however late it is printed.
    pub invited_at: jiff::Timestamp,
    pub version: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DelegationStatus {
    Invited,
    Confirmed,
    Declined,
}

impl DelegationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DelegationStatus::Invited => "invited",
            DelegationStatus::Confirmed => "confirmed",
            DelegationStatus::Declined => "declined",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Invited, Self::Confirmed, Self::Declined].into_iter().find(|d| d.as_str() == s)
    }
}

/// The badge category and security zones of a member: a policy with parameters, per role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgePolicy {
    pub categories: Vec<BadgeCategory>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeCategory {
    /// The letters printed large on the badge.
    pub code: String,
    pub roles: Vec<DelegationRole>,
    pub zones: Vec<String>,
}

impl Default for BadgePolicy {
    /// Heads and deputies everywhere; delegates and advisers in the conference halls; interpreters,
    /// security and staff in the working areas; press officers in the press centre too.
    fn default() -> Self {
        use DelegationRole::*;
        let cat = |code: &str, roles: &[DelegationRole], zones: &[&str]| BadgeCategory {
            code: code.into(),
            roles: roles.to_vec(),
            zones: zones.iter().map(|z| z.to_string()).collect(),
        };
        BadgePolicy {
            categories: vec![
                cat("HD", &[Head, DeputyHead], &["1", "2", "3"]),
                cat("D", &[Delegate, Adviser], &["2", "3"]),
                cat("P", &[PressOfficer], &["3", "P"]),
                cat("S", &[Interpreter, Security, Staff], &["3"]),
            ],
        }
    }
}

impl BadgePolicy {
    pub fn category(&self, role: DelegationRole) -> Option<&BadgeCategory> {
        self.categories.iter().find(|c| c.roles.contains(&role))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::new_id;

    pub(crate) fn member(role: DelegationRole, rank: Rank, family_cyr: &str) -> Member {
        Member {
            id: new_id(),
            delegation_id: Id::nil(),
            names: Names {
                latin: PersonName { family: "X".into(), given: "Y".into(), patronymic: String::new() },
                cyrillic: PersonName { family: family_cyr.into(), given: "Имя".into(), patronymic: String::new() },
            },
            position: Text::new(&[("en", "x")]),
            tenure: Tenure::default(),
            rank,
            role,
            formats: vec![],
            meetings: vec![],
            private: Private::default(),
            cases: PersonCases::default(),
            photo: None,
            accreditation: Accreditation::Requested,
            version: 1,
        }
    }

    #[test]
    fn a_photo_is_needed_where_the_rule_asks_for_one_but_from_the_ranks_exempt() {
        let minister = member(DelegationRole::Head, Rank::Minister, "Нуртлеу");
        let president = member(DelegationRole::Head, Rank::HeadOfState, "Токаев");
        let required = AccreditationPolicy { photo_required: true, ..AccreditationPolicy::default() };
        let refused = required.check_approvable(&minister).unwrap_err().0;
        assert_eq!((refused[0].field.as_str(), refused[0].code), ("photo", "photo-required"));
        assert!(required.check_approvable(&president).is_ok(), "heads of state are exempt by default");
        let reprint = required.check_reprint(&minister).unwrap_err().0;
        assert_eq!(
            (reprint[0].field.as_str(), reprint[0].code),
            ("photo", "photo-required-reprint"),
            "said of the reprint"
        );
        assert!(required.check_approvable(&Member { photo: Some(crate::new_id()), ..minister.clone() }).is_ok());
        assert!(AccreditationPolicy::default().check_approvable(&minister).is_ok(), "no rule, no photo needed");
        let nobody_exempt = AccreditationPolicy { photo_required: true, photo_exempt: vec![] };
        assert!(nobody_exempt.check_approvable(&president).is_err());
        // An approved head of state made a minister would wear a badge without the photo needed.
        let approved = Member { accreditation: Accreditation::Approved { badge_number: 1 }, ..president.clone() };
        let fields = |rank| MemberFields {
            names: approved.names.clone(),
            position: approved.position.clone(),
            tenure: approved.tenure,
            rank,
            role: approved.role,
            formats: approved.formats.clone(),
            meetings: approved.meetings.clone(),
            private: approved.private.clone(),
            cases: approved.cases.clone(),
        };
        let refused = required.check_change(&approved, &fields(Rank::Minister)).unwrap_err().0;
        assert_eq!((refused[0].field.as_str(), refused[0].code), ("rank", "rank-needs-photo"));
        assert!(required.check_change(&approved, &fields(Rank::HeadOfGovernment)).is_ok());
        assert!(required.check_change(&president, &fields(Rank::Minister)).is_ok(), "not approved yet");
    }

    #[test]
    fn the_head_comes_first_then_rank_then_role_then_name() {
        let ambassador = member(DelegationRole::Delegate, Rank::Ambassador, "Ёлкин");
        let deputy = member(DelegationRole::Delegate, Rank::DeputyMinister, "Яковлев");
        let head = member(DelegationRole::Head, Rank::DeputyMinister, "Утюпин");
        let adviser = member(DelegationRole::Adviser, Rank::Other, "Абаев");
        let delegate = member(DelegationRole::Delegate, Rank::Other, "Борисов");
        let all = [&ambassador, &deputy, &head, &adviser, &delegate];
        let order: Vec<&str> = order_members(&all, "ru").iter().map(|m| m.names.cyrillic.family.as_str()).collect();
        assert_eq!(order, ["Утюпин", "Яковлев", "Ёлкин", "Борисов", "Абаев"]);
    }

    #[test]
    fn name_cards_carry_an_initial_and_the_family_name() {
        let names = Names {
            latin: PersonName { family: "Nurtleu".into(), given: "Murat".into(), patronymic: String::new() },
            cyrillic: PersonName {
                family: "Нуртлеу".into(), given: "Мурат".into(), patronymic: "Абугалиевич".into()
            },
        };
        assert_eq!(names.on_card("ru"), "М. Нуртлеу");
        assert_eq!(names.on_card("en"), "M. Nurtleu");
        let latin_only = Names { latin: names.latin.clone(), ..Names::default() };
        assert_eq!(latin_only.on_card("kk"), "M. Nurtleu");
    }

    #[test]
    fn among_equal_ranks_the_earlier_in_office_comes_first() {
        let mut senior = member(DelegationRole::Delegate, Rank::Ambassador, "Яковлев");
        senior.tenure.from = Some(jiff::civil::date(2019, 3, 1));
        let mut junior = member(DelegationRole::Delegate, Rank::Ambassador, "Абаев");
        junior.tenure.from = Some(jiff::civil::date(2023, 9, 1));
        let unknown = member(DelegationRole::Delegate, Rank::Ambassador, "Борисов");
        let order: Vec<&str> = order_members(&[&unknown, &junior, &senior], "ru")
            .iter()
            .map(|m| m.names.cyrillic.family.as_str())
            .collect();
        assert_eq!(order, ["Яковлев", "Абаев", "Борисов"]);
    }

    #[test]
    fn names_are_checked_per_script() {
        let fields = |latin: PersonName, cyrillic: PersonName| MemberFields {
            names: Names { latin, cyrillic },
            position: Text::new(&[("en", "Minister")]),
            tenure: Tenure::default(),
            rank: Rank::Minister,
            role: DelegationRole::Head,
            formats: vec![Format::Narrow],
            meetings: vec![],
            private: Private::default(),
            cases: PersonCases::default(),
        };
        let name = |f: &str, g: &str| PersonName { family: f.into(), given: g.into(), patronymic: String::new() };
        assert!(fields(name("Nurtleu", "Murat"), name("Нуртлеу", "Мурат")).validate().is_ok());
        assert!(
            fields(PersonName::default(), name("Тоқаев", "Қасым-Жомарт")).validate().is_ok(),
            "Kazakh letters are Cyrillic"
        );
        let err = fields(name("Нуртлеу", "Murat"), PersonName::default()).validate().unwrap_err();
        assert_eq!(err.0[0].code, "not-latin");
        let err = fields(PersonName::default(), PersonName::default()).validate().unwrap_err();
        assert_eq!(err.0[0].field, "names");
        let err = fields(name("", "Murat"), PersonName::default()).validate().unwrap_err();
        assert_eq!(err.0[0].field, "names.latin.family");
        for written in ["O’Neill", "Saint-Exupéry", "St. John", "Ngozi d'Almeida", "Jose\u{301}"] {
            assert!(fields(name(written, "Ann"), PersonName::default()).validate().is_ok(), "{written}");
        }
        for odd in ["Bob!!!", "<b>X</b>", "😀", "A\u{202E}B", "Agent 007"] {
            let err = fields(name(odd, "Ann"), PersonName::default()).validate().unwrap_err();
            assert_eq!((err.0[0].field.as_str(), err.0[0].code), ("names.latin.family", "invalid-name"), "{odd}");
        }
    }

    /// A minister "B A" in `role`, for the rules that look at roles.
    fn minister(role: DelegationRole) -> MemberFields {
        MemberFields {
            names: Names {
                latin: PersonName { family: "A".into(), given: "B".into(), patronymic: String::new() },
                ..Names::default()
            },
            position: Text::new(&[("en", "Minister")]),
            tenure: Tenure::default(),
            rank: Rank::Minister,
            role,
            formats: vec![],
            meetings: vec![],
            private: Private::default(),
            cases: PersonCases::default(),
        }
    }

    #[test]
    fn a_delegation_has_one_head_unless_refused() {
        let fields = minister;
        let head = Member::requested(crate::new_id(), Id::nil(), fields(DelegationRole::Head));
        let listed = [head.clone()];
        let (all, cfm) = (vec![], vec!["cis-cfm".to_string()]);
        assert_eq!(check_one_head(&listed, None, DelegationRole::Head, &all).unwrap_err().0[0].code, "head-taken");
        assert!(check_one_head(&listed, None, DelegationRole::Head, &cfm).is_err(), "the head heads every meeting");
        assert!(check_one_head(&listed, Some(head.id), DelegationRole::Head, &all).is_ok(), "the head edited");
        assert!(check_one_head(&listed, None, DelegationRole::Adviser, &all).is_ok());
        let at_cfm = [Member { meetings: cfm.clone(), ..head.clone() }];
        let format = vec!["central-asia-russia".to_string()];
        assert!(check_one_head(&at_cfm, None, DelegationRole::Head, &format).is_ok(), "a head at another meeting");
        assert!(check_one_head(&at_cfm, None, DelegationRole::Head, &cfm).is_err());
        let refused = Member { accreditation: Accreditation::Rejected { reason: "no".into() }, ..head };
        let refused_only = [refused.clone()];
        assert!(
            check_one_head(&refused_only, None, DelegationRole::Head, &all).is_ok(),
            "a refused head heads nothing"
        );
        let rows = [fields(DelegationRole::Head), fields(DelegationRole::Adviser), fields(DelegationRole::Head)];
        let second = crate::imports::second_heads(&rows, &[2, 3, 4], &refused_only);
        assert_eq!(second.iter().map(|e| (e.row, e.column.as_str())).collect::<Vec<_>>(), [(4, "role")]);
    }

    #[test]
    fn the_narrow_format_is_for_heads() {
        let mut f = MemberFields {
            position: Text::new(&[("en", "Attaché")]),
            rank: Rank::Other,
            formats: vec![Format::Narrow],
            ..minister(DelegationRole::Delegate)
        };
        assert_eq!(f.clone().validate().unwrap_err().0[0].code, "narrow-is-for-heads");
        f.role = DelegationRole::Head;
        assert!(f.validate().is_ok());
    }

    #[test]
    fn a_members_case_forms_are_checked_and_carried() {
        let fields = |cases: serde_json::Value| MemberFields {
            names: Names {
                latin: PersonName { family: "Lavrov".into(), given: "Sergey".into(), ..PersonName::default() },
                cyrillic: PersonName {
                    family: "Лавров".into(),
                    given: "Сергей".into(),
                    patronymic: "Викторович".into(),
                },
            },
            position: Text::new(&[("ru", "Министр иностранных дел")]),
            tenure: Tenure::default(),
            rank: Rank::Minister,
            role: DelegationRole::Head,
            formats: vec![],
            meetings: vec![],
            private: Private::default(),
            cases: serde_json::from_value(cases).unwrap(),
        };
        let ok = fields(serde_json::json!({
            "name": { "instrumental": { "ru": " Сергеем Викторовичем Лавровым ", "kk": "Сергей Викторович Лавровпен" } },
            "position": { "genitive": { "ru": "Министра иностранных дел" } },
            "gender": "masculine",
        }))
        .validate()
        .unwrap();
        assert_eq!(ok.cases.name.get(crate::text::Case::Instrumental, "ru"), Some("Сергеем Викторовичем Лавровым"));
        assert_eq!(ok.cases.gender, Some(Gender::Masculine));
        let member = Member::requested(crate::new_id(), Id::nil(), ok.clone());
        assert_eq!(member.cases, ok.cases, "a new member carries the forms");
        let edited = member.with_fields(MemberFields { cases: PersonCases::default(), ..ok.clone() });
        assert_eq!(edited.cases, PersonCases::default(), "an edit replaces them");

        let approved = Member { accreditation: Accreditation::Approved { badge_number: 7 }, ..edited };
        let phoned = approved.clone().with_fields(MemberFields {
            private: Private { phone: "+7 701 000 00 00".into(), ..Private::default() },
            ..ok.clone()
        });
        assert_eq!(phoned.accreditation, approved.accreditation, "a phone number is not on the badge");
        let demoted = approved.clone().with_fields(MemberFields { role: DelegationRole::Adviser, ..ok });
        assert_eq!(demoted.accreditation, Accreditation::Requested, "a new role is the host's to approve");
        let photographed = approved.with_photo(crate::new_id());
        assert_eq!(photographed.accreditation, Accreditation::Requested, "so is a new face");

        let long = fields(serde_json::json!({ "name": { "instrumental": { "ru": "я".repeat(301) } } }));
        assert_eq!(long.validate().unwrap_err().0[0].field, "cases.name.instrumental.ru");
        let long = fields(serde_json::json!({ "position": { "genitive": { "kk": "я".repeat(301) } } }));
        assert_eq!(long.validate().unwrap_err().0[0].field, "cases.position.genitive.kk");
        assert!(
            serde_json::from_value::<PersonCases>(serde_json::json!({ "gender": "neuter" })).is_err(),
            "two genders"
        );
        assert!(serde_json::from_value::<PersonCases>(serde_json::json!({ "title": {} })).is_err(), "unknown keys");
    }

    #[test]
    fn the_position_is_held_on_the_days_of_the_event() {
        let d = jiff::civil::date;
        let fields = |from: Option<Date>, until: Option<Date>| MemberFields {
            names: Names {
                latin: PersonName { family: "Nurtleu".into(), given: "Murat".into(), ..PersonName::default() },
                ..Names::default()
            },
            position: Text::new(&[("en", "Minister of Foreign Affairs")]),
            tenure: Tenure { from, until },
            rank: Rank::Minister,
            role: DelegationRole::Head,
            formats: vec![],
            meetings: vec![],
            private: Private::default(),
            cases: PersonCases::default(),
        };
        let almaty = EventFrame { meetings: &[], first_day: d(2025, 4, 10), last_day: d(2025, 4, 11) };
        let field = |f: MemberFields| f.validate_for(almaty).map_err(|e| e.0[0].field.clone());
        assert!(field(fields(Some(d(2023, 9, 1)), None)).is_ok());
        assert!(field(fields(None, Some(d(2025, 4, 11)))).is_ok(), "the last day of the event is enough");
        assert_eq!(field(fields(None, Some(d(2025, 4, 10)))).unwrap_err(), "tenure.until", "leaves mid-event");
        assert_eq!(field(fields(Some(d(2025, 4, 11)), None)).unwrap_err(), "tenure.from", "appointed mid-event");
        assert_eq!(
            fields(Some(d(2025, 1, 2)), Some(d(2025, 1, 1))).validate().unwrap_err().0[0].field,
            "tenure.until",
            "ends before it starts"
        );
    }

    #[test]
    fn travel_must_leave_after_it_arrives() {
        let move_on = |d: Date| Some(Movement { date: d, time: None, carrier: "KC 123".into() });
        let p = Private {
            arrival: move_on(jiff::civil::date(2025, 4, 10)),
            departure: move_on(jiff::civil::date(2025, 4, 9)),
            ..Private::default()
        };
        let mut c = Checker::new();
        check_private(&mut c, p);
        assert_eq!(c.finish(()).unwrap_err().0[0].field, "private.departure");
        let at = |d: u8, time: Option<(i8, i8)>| {
            Some(Movement {
                date: jiff::civil::date(2025, 4, d as i8),
                time: time.map(|(h, m)| jiff::civil::time(h, m, 0, 0)),
                carrier: String::new(),
            })
        };
        let stay = |arrival, departure| {
            let mut c = Checker::new();
            check_private(&mut c, Private { arrival, departure, ..Private::default() });
            c.finish(()).is_ok()
        };
        assert!(stay(at(10, Some((10, 0))), at(10, None)), "leaves later that day, the hour not yet known");
        assert!(stay(at(10, None), at(10, None)), "a day's visit");
        assert!(!stay(at(10, Some((10, 0))), at(10, Some((10, 0)))), "a stay that ends as it starts");
        assert!(!stay(at(10, Some((10, 0))), at(10, Some((9, 0)))));
    }

    #[test]
    fn a_rejection_says_why_and_only_an_approved_badge_is_reprinted_or_revoked() {
        let approved = Accreditation::Approved { badge_number: 7 };
        assert_eq!(check_verdict("approve", "", &Accreditation::Requested), Ok(Verdict::Approve));
        assert_eq!(check_verdict("reject", "incomplete", &Accreditation::Requested), Ok(Verdict::Reject));
        assert_eq!(check_verdict("reject", " ", &Accreditation::Requested).unwrap_err().0[0].field, "reason");
        assert_eq!(check_verdict("reprint", "", &approved), Ok(Verdict::Reprint));
        for twice in ["approve", "reject"] {
            assert_eq!(check_verdict(twice, "late", &approved).unwrap_err().0[0].code, "already-approved");
        }
        assert_eq!(check_verdict("reprint", "", &Accreditation::Requested).unwrap_err().0[0].field, "action");
        assert_eq!(check_verdict("revoke", "lost", &approved), Ok(Verdict::Revoke));
        assert_eq!(check_verdict("revoke", "lost", &Accreditation::Requested).unwrap_err().0[0].field, "action");
        assert_eq!(check_verdict("promote", "", &approved).unwrap_err().0[0].field, "action");
    }

    #[test]
    fn emails_are_plausible() {
        assert!(is_plausible_email("protocol@mfa.kz"));
        for bad in ["", "mfa.kz", "a@b", "a@@b.kz", "a b@c.kz", "a@.kz"] {
            assert!(!is_plausible_email(bad), "{bad}");
        }
    }

    #[test]
    fn badge_categories_follow_the_role() {
        let policy = BadgePolicy::default();
        assert_eq!(policy.category(DelegationRole::Head).unwrap().code, "HD");
        assert_eq!(policy.category(DelegationRole::Security).unwrap().zones, ["3"]);
        assert!(DelegationRole::ALL.iter().all(|r| policy.category(*r).is_some()), "every role has a badge");
    }
}
