//! Who may do what. Every permission is decided here, over (actor, action); handlers only ask.
//! A refusal says why, and the web layer turns "not logged in" into 401 and the rest into 403.

use serde::Serialize;

use jiff::civil::Date;

use crate::Id;
use crate::accounts::Role;
use crate::agreements::Agreement;
use crate::bodies::Membership;
use crate::documents::{Classification, Document};

/// Who is asking: a logged-in user with roles, or the anonymous public.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub user: Option<UserRef>,
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserRef {
    pub id: Id,
    pub username: String,
}

impl Actor {
    pub fn anonymous() -> Self {
        Self::default()
    }

    pub fn is_admin(&self) -> bool {
        self.roles.contains(&Role::Admin)
    }

    fn hosts(&self, event: Id) -> bool {
        self.roles.iter().any(|r| matches!(r, Role::Host { event: e, .. } if *e == event))
    }

    fn is_secretariat_of(&self, body: Id) -> bool {
        self.roles.iter().any(|r| matches!(r, Role::Secretariat { body: b } if *b == body))
    }

    fn speaks_for(&self, participant: Id) -> bool {
        self.roles.iter().any(|r| match r {
            Role::Host { participant: p, .. } | Role::Ministry { participant: p } => *p == participant,
            _ => false,
        })
    }

    fn is_officer(&self, event: Id, participant: Id) -> bool {
        self.roles.contains(&Role::AccreditationOfficer { event, participant })
    }

    fn is_ministry_of(&self, participant: Id) -> bool {
        self.roles.contains(&Role::Ministry { participant })
    }

    fn is_secretariat(&self) -> bool {
        self.roles.iter().any(|r| matches!(r, Role::Secretariat { .. }))
    }
}

/// What an actor wants to do, with the resource it touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read what the public may read: participants, bodies, events, meetings.
    ReadPublic,
    /// Read one's own account, change one's own password, make one's own API tokens.
    ManageOwnAccount,
    ManageUsers,
    ManageParticipants,
    /// Edit a body, its memberships and its chairs.
    ManageBody {
        body: Id,
    },
    /// Create an event hosted by `host`.
    CreateEvent {
        host: Id,
    },
    EditEvent {
        event: Id,
    },
    /// Add or edit a meeting of `body` within `event`.
    ManageMeeting {
        event: Id,
        body: Id,
    },
    ReadAudit,
    ReadMetrics,
    /// Invite participants to an event and set its accreditation deadline.
    ManageInvitations {
        event: Id,
    },
    /// See a delegation's members, with their contacts and travel.
    ReadDelegation {
        event: Id,
        participant: Id,
    },
    /// Add, change or import a delegation's members; after the deadline only the host may.
    EditDelegation {
        event: Id,
        participant: Id,
        deadline_passed: bool,
    },
    /// Approve, reject or revoke accreditations and print badges.
    DecideAccreditation {
        event: Id,
    },
    /// Check a badge at the door.
    CheckBadge {
        event: Id,
    },
    /// Add, move or cancel programme items; edit venues and travel times.
    ManageProgramme {
        event: Id,
    },
    /// Request a bilateral for a delegation, or answer, re-time, reorder or withdraw one of its requests.
    ActOnBilateral {
        event: Id,
        participant: Id,
    },
    /// Run the scheduler over an event's bilateral requests and confirm meetings.
    ScheduleBilaterals {
        event: Id,
    },
    /// Run an event's press office: draft, edit and release press releases, upload photos.
    RunPressOffice {
        event: Id,
    },
    /// Read the media programme of an event: what the press may attend, openly or in a pool.
    ReadMediaProgramme {
        event: Id,
    },
    /// Keep a body's agendas, documents, versions, decisions, signatures and areas of cooperation.
    ManageDocuments {
        body: Id,
    },
    /// Propose or answer amendments and state the stance of a participant; at an event, its
    /// accreditation officer there may too.
    ActOnDocument {
        event: Option<Id>,
        participant: Id,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("you need to log in")]
    NotLoggedIn,
    #[error("your roles do not allow this: {0}")]
    NotAllowed(&'static str),
}

/// Decides whether `actor` may perform `action`.
pub fn authorize(actor: &Actor, action: Action) -> Result<(), Denied> {
    if action == Action::ReadPublic {
        return Ok(());
    }
    if actor.user.is_none() {
        return Err(Denied::NotLoggedIn);
    }
    if actor.is_admin() {
        return Ok(());
    }
    let (allowed, why) = match action {
        Action::ReadPublic | Action::ManageOwnAccount => (true, ""),
        Action::ManageUsers => (false, "only an admin manages accounts"),
        Action::ManageParticipants => (false, "only an admin manages participants"),
        Action::ManageBody { body } => (actor.is_secretariat_of(body), "only the body's secretariat edits the body"),
        Action::CreateEvent { host } => {
            (actor.speaks_for(host), "only the host's ministry or protocol creates its events")
        }
        Action::EditEvent { event } => (actor.hosts(event), "only the event's host edits the event"),
        Action::ManageMeeting { event, body } => {
            (actor.hosts(event) || actor.is_secretariat_of(body), "only the event's host or the body's secretariat")
        }
        Action::ReadAudit => (actor.is_secretariat(), "only an admin or a secretariat reads the audit trail"),
        Action::ManageInvitations { event }
        | Action::DecideAccreditation { event }
        | Action::CheckBadge { event }
        | Action::ManageProgramme { event }
        | Action::ScheduleBilaterals { event }
        | Action::RunPressOffice { event } => (actor.hosts(event), "only the event's host"),
        Action::ReadMediaProgramme { event } => (
            actor.hosts(event) || actor.roles.contains(&Role::Press { event }),
            "only media accredited to the event and its host",
        ),
        Action::ActOnBilateral { event, participant } => (
            actor.is_officer(event, participant) || actor.is_ministry_of(participant),
            "only the delegation's accreditation officer or its ministry",
        ),
        Action::ReadDelegation { event, participant } => (
            actor.hosts(event) || actor.is_officer(event, participant) || actor.is_ministry_of(participant),
            "only the delegation, its ministry and the host see a delegation",
        ),
        Action::EditDelegation { event, participant, deadline_passed } => {
            if actor.hosts(event) {
                (true, "")
            } else if actor.is_officer(event, participant) && deadline_passed {
                (false, "the accreditation deadline has passed: ask the host")
            } else {
                (actor.is_officer(event, participant), "only the delegation's accreditation officer or the host")
            }
        }
        Action::ReadMetrics => (false, "only an admin reads metrics"),
        Action::ManageDocuments { body } => (actor.is_secretariat_of(body), "only the body's secretariat"),
        Action::ActOnDocument { event, participant } => (
            actor.is_ministry_of(participant) || event.is_some_and(|e| actor.is_officer(e, participant)),
            "only the delegation's accreditation officer or its ministry",
        ),
    };
    if allowed { Ok(()) } else { Err(Denied::NotAllowed(why)) }
}

/// The narrowest programme items an actor may see at an event: everything for its host, items for
/// participants for the delegations invited (`invited`: their participants), their ministries and
/// the secretariats, public items for everyone else (press included).
pub fn programme_audience(actor: &Actor, event: Id, invited: &[Id]) -> crate::programme::Visibility {
    use crate::programme::Visibility;
    if actor.is_admin() || actor.hosts(event) {
        Visibility::HostOnly
    } else if actor.is_secretariat() || invited.iter().any(|p| actor.is_officer(event, *p) || actor.is_ministry_of(*p))
    {
        Visibility::Participants
    } else {
        Visibility::Public
    }
}

/// The participants among `invited` whose itineraries at `event` the actor reads as their own:
/// its delegation's officer, its ministry.
pub fn own_delegations(actor: &Actor, event: Id, invited: &[Id]) -> Vec<Id> {
    invited.iter().copied().filter(|&p| actor.is_officer(event, p) || actor.is_ministry_of(p)).collect()
}

/// Whose bilateral requests an actor sees at an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BilateralScope {
    /// The host's (and an admin's) view: every request.
    All,
    /// The requests that these participants are a side of.
    Sides(Vec<Id>),
}

/// The host sees every request of its event; a delegation's officer and its ministry see the
/// requests their participant is a side of, and nobody sees anyone else's.
pub fn bilateral_scope(actor: &Actor, event: Id, invited: &[Id]) -> Result<BilateralScope, Denied> {
    if actor.user.is_none() {
        return Err(Denied::NotLoggedIn);
    }
    if actor.is_admin() || actor.hosts(event) {
        return Ok(BilateralScope::All);
    }
    let sides: Vec<Id> =
        invited.iter().copied().filter(|p| actor.is_officer(event, *p) || actor.is_ministry_of(*p)).collect();
    Ok(BilateralScope::Sides(sides))
}

/// What documents an actor may read, by classification: computed once per request and applied both
/// to documents in hand ([`DocumentReach::sees`]) and inside the store's queries (the same fields).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct DocumentReach {
    /// An admin reads everything.
    pub all: bool,
    /// Bodies whose secretariat the actor is: their members' and listed documents.
    pub secretariat_of: Vec<Id>,
    /// Bodies of which a participant the actor speaks for is a member: their members' documents.
    pub member_of: Vec<Id>,
    /// Participants the actor speaks for (ministry, accreditation officer, host): listed documents.
    pub speaks_for: Vec<Id>,
    /// Participants whose own delegation the actor is (ministry, accreditation officer, never the
    /// host as such): internal documents.
    pub own: Vec<Id>,
}

impl DocumentReach {
    pub fn sees(&self, d: &Document) -> bool {
        let reads = |list: &[Id]| d.readers.iter().any(|r| list.contains(r));
        self.all
            || match d.classification {
                Classification::Public => true,
                Classification::Members => {
                    self.member_of.contains(&d.body_id) || self.secretariat_of.contains(&d.body_id)
                }
                Classification::Listed => self.secretariat_of.contains(&d.body_id) || reads(&self.speaks_for),
                Classification::Internal => reads(&self.own),
            }
    }
}

/// An actor's reach over documents, given the memberships of the participants it speaks for.
pub fn document_reach(actor: &Actor, memberships: &[Membership], today: Date) -> DocumentReach {
    if actor.is_admin() {
        return DocumentReach { all: true, ..DocumentReach::default() };
    }
    let mut speaks_for = Vec::new();
    let mut own = Vec::new();
    let mut secretariat_of = Vec::new();
    for role in &actor.roles {
        match role {
            Role::Ministry { participant } | Role::AccreditationOfficer { participant, .. } => {
                own.push(*participant);
                speaks_for.push(*participant);
            }
            Role::Host { participant, .. } => speaks_for.push(*participant),
            Role::Secretariat { body } => secretariat_of.push(*body),
            Role::Admin | Role::Press { .. } => {}
        }
    }
    for list in [&mut speaks_for, &mut own, &mut secretariat_of] {
        list.sort_unstable();
        list.dedup();
    }
    let mut member_of: Vec<Id> = crate::bodies::in_force_on(memberships, today)
        .into_iter()
        .filter(|m| speaks_for.contains(&m.participant_id) && m.status.takes_part())
        .map(|m| m.body_id)
        .collect();
    member_of.sort_unstable();
    member_of.dedup();
    DocumentReach { all: false, secretariat_of, member_of, speaks_for, own }
}

/// Who reads which agreements: the parties' ministries, delegations and hosts read theirs; a
/// body's secretariat the agreements registered from that body's documents; an admin all. `own`
/// are the participants whose internal assessments the reader may see (its own ministry or
/// delegation, never another's).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgreementReach {
    pub all: bool,
    pub secretariat_of: Vec<Id>,
    pub parties: Vec<Id>,
    pub own: Vec<Id>,
}

impl AgreementReach {
    /// `body`: the body whose document the agreement was registered from, if any.
    pub fn sees(&self, a: &Agreement, body: Option<Id>) -> bool {
        self.all
            || body.is_some_and(|b| self.secretariat_of.contains(&b))
            || a.parties.iter().any(|p| self.parties.contains(p))
    }
}

pub fn agreement_reach(actor: &Actor) -> AgreementReach {
    let mut reach = AgreementReach { all: actor.is_admin(), ..Default::default() };
    for role in &actor.roles {
        match role {
            Role::Ministry { participant } | Role::AccreditationOfficer { participant, .. } => {
                reach.parties.push(*participant);
                reach.own.push(*participant);
            }
            Role::Host { participant, .. } => reach.parties.push(*participant),
            Role::Secretariat { body } => reach.secretariat_of.push(*body),
            Role::Admin | Role::Press { .. } => {}
        }
    }
    reach.parties.sort_unstable();
    reach.parties.dedup();
    reach.own.sort_unstable();
    reach.own.dedup();
    reach
}

/// Who enters and keeps an agreement in the register: a party's ministry, the secretariat of the
/// body whose document it comes from (`body`), an admin.
pub fn may_keep_agreement(actor: &Actor, parties: &[Id], body: Option<Id>) -> Result<(), Denied> {
    if actor.user.is_none() {
        return Err(Denied::NotLoggedIn);
    }
    let allowed = actor.is_admin()
        || parties.iter().any(|p| actor.is_ministry_of(*p))
        || body.is_some_and(|b| actor.is_secretariat_of(b));
    if allowed {
        Ok(())
    } else {
        Err(Denied::NotAllowed("only a party's ministry, or the secretariat of the body it comes from"))
    }
}

/// Whether the actor enters agreements in the register at all: as a ministry (for agreements its
/// state is a party to), a body's secretariat (from the body's documents) or an admin, as
/// [`may_keep_agreement`] decides for each.
pub fn may_register_agreements(actor: &Actor) -> bool {
    actor.is_admin() || actor.roles.iter().any(|r| matches!(r, Role::Ministry { .. } | Role::Secretariat { .. }))
}

/// Who records a party's notification that its domestic procedures are complete: that party's
/// ministry, or an admin; never another party.
pub fn may_notify(actor: &Actor, party: Id) -> Result<(), Denied> {
    if actor.user.is_none() {
        return Err(Denied::NotLoggedIn);
    }
    if actor.is_admin() || actor.is_ministry_of(party) {
        Ok(())
    } else {
        Err(Denied::NotAllowed("a party's notification is recorded by its own ministry"))
    }
}

/// Who reports on an action item, and as whom: a responsible party's ministry reports as that
/// party, and any party's ministry may keep an internal assessment of it; the secretariat of the
/// agreement's body (`body`) or an admin reports as the secretariat (`None`).
pub fn reporter(
    actor: &Actor,
    responsible: &[Id],
    parties: &[Id],
    body: Option<Id>,
    as_party: Option<Id>,
    internal: bool,
) -> Result<Option<Id>, Denied> {
    if actor.user.is_none() {
        return Err(Denied::NotLoggedIn);
    }
    match as_party {
        Some(p)
            if (responsible.contains(&p) || (internal && parties.contains(&p)))
                && (actor.is_ministry_of(p) || actor.is_admin()) =>
        {
            Ok(Some(p))
        }
        Some(_) => Err(Denied::NotAllowed("only a responsible party's ministry reports for it")),
        None if internal => Err(Denied::NotAllowed("an internal assessment belongs to a party's ministry")),
        None if actor.is_admin() || body.is_some_and(|b| actor.is_secretariat_of(b)) => Ok(None),
        None => Err(Denied::NotAllowed("only a responsible party's ministry or the secretariat reports")),
    }
}

/// How an actor reads an event's press releases: the event's press office (its host) and admins
/// as editors, media accredited to the event as press, everyone else as the public.
pub fn press_reader(actor: &Actor, event: Id) -> crate::press::Reader {
    use crate::press::Reader;
    if actor.is_admin() || actor.hosts(event) {
        Reader::Editor
    } else if actor.roles.contains(&Role::Press { event }) {
        Reader::Press
    } else {
        Reader::Public
    }
}

/// Whose releases an actor's list reaches across events: an admin every event's, a host its events'
/// (as editor), accredited press their events' embargoed ones too, everyone else what is released.
pub fn press_reach(actor: &Actor) -> crate::press::Reach {
    use crate::press::Reach;
    if actor.is_admin() {
        return Reach::Editor { events: None };
    }
    let of = |pick: fn(&Role) -> Option<Id>| actor.roles.iter().filter_map(pick).collect::<Vec<Id>>();
    let hosted = of(|r| if let Role::Host { event, .. } = r { Some(*event) } else { None });
    let press = of(|r| if let Role::Press { event } = r { Some(*event) } else { None });
    match (hosted.is_empty(), press.is_empty()) {
        (false, _) => Reach::Editor { events: Some(hosted) },
        (true, false) => Reach::Press { events: press },
        (true, true) => Reach::Public,
    }
}

/// Which side of a bilateral briefing the reader is on: the ministry or an accreditation officer of
/// one of the two (an admin reads the first side's copy). Nobody else reads a briefing.
pub fn briefing_side(actor: &Actor, a: Id, b: Id) -> Result<Id, Denied> {
    if actor.user.is_none() {
        return Err(Denied::NotLoggedIn);
    }
    let speaks = |p: Id| {
        actor.roles.iter().any(|r| match r {
            Role::Ministry { participant } | Role::AccreditationOfficer { participant, .. } => *participant == p,
            _ => false,
        })
    };
    if speaks(a) || actor.is_admin() {
        Ok(a)
    } else if speaks(b) {
        Ok(b)
    } else {
        Err(Denied::NotAllowed("a briefing is for the two sides only"))
    }
}

/// What keeping a document's text takes: a delegation keeps its own internal papers, the body's
/// secretariat the rest. `event`: the event of the document's meeting, where its officers act.
pub fn document_keeper(document: &Document, event: Option<Id>) -> Action {
    match (document.classification, document.readers.first()) {
        (Classification::Internal, Some(owner)) => Action::ActOnDocument { event, participant: *owner },
        _ => Action::ManageDocuments { body: document.body_id },
    }
}

/// Whether the actor may write a new document of `body` so classified for these readers: asked
/// before the rest of a new document is checked, so that one who may not write it is not coached
/// to mend its fields first. It is [`document_keeper`]'s rule before the meeting is known; an
/// officer, who keeps a paper for a meeting at its event, is then told by the field if none is named.
pub fn may_author(actor: &Actor, body: Id, classification: Classification, readers: &[Id]) -> bool {
    let speaks_for = |owner: &Id| {
        actor.roles.iter().any(|r| {
            matches!(r, Role::Ministry { participant } | Role::AccreditationOfficer { participant, .. } if participant == owner)
        })
    };
    actor.user.is_some()
        && (actor.is_admin()
            || match classification {
                Classification::Internal => readers.first().is_some_and(speaks_for),
                _ => actor.is_secretariat_of(body),
            })
}

/// Which documents an actor may create from the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authorship {
    /// Any classification, for these bodies (`None`: every body, an admin's).
    Any {
        bodies: Option<Vec<Id>>,
    },
    /// Only the internal papers of these delegations: their ministries keep them anywhere, their
    /// accreditation officers for a meeting at their event.
    Internal {
        participants: Vec<Id>,
        need_meeting: bool,
    },
    None,
}

impl Authorship {
    /// The classifications the author may give a new document: a delegation only its internal
    /// papers, a secretariat all but those (a delegation keeps its own), an admin any.
    pub fn classifications(&self) -> Vec<Classification> {
        Classification::ALL
            .iter()
            .copied()
            .filter(|c| match self {
                Authorship::Any { bodies: None } => true,
                Authorship::Any { bodies: Some(_) } => *c != Classification::Internal,
                Authorship::Internal { .. } => *c == Classification::Internal,
                Authorship::None => false,
            })
            .collect()
    }
}

/// What the register's form for a new document may offer the actor (`document_keeper` decides
/// each document).
pub fn document_authorship(actor: &Actor) -> Authorship {
    if actor.is_admin() {
        return Authorship::Any { bodies: None };
    }
    if actor.is_secretariat() {
        let bodies = actor
            .roles
            .iter()
            .filter_map(|r| match r {
                Role::Secretariat { body } => Some(*body),
                _ => None,
            })
            .collect();
        return Authorship::Any { bodies: Some(bodies) };
    }
    let mut participants: Vec<Id> = actor
        .roles
        .iter()
        .filter_map(|r| match r {
            Role::Ministry { participant } | Role::AccreditationOfficer { participant, .. } => Some(*participant),
            _ => None,
        })
        .collect();
    participants.sort();
    participants.dedup();
    let need_meeting = !participants.iter().all(|p| actor.is_ministry_of(*p));
    if participants.is_empty() { Authorship::None } else { Authorship::Internal { participants, need_meeting } }
}

/// Whether the actor may act for a member on a document of `body` (propose, answer, state its
/// stance): the member's own delegation or ministry, or the body's secretariat recording it.
pub fn may_act_on_document(actor: &Actor, body: Id, event: Option<Id>, participant: Id) -> Result<(), Denied> {
    authorize(actor, Action::ManageDocuments { body })
        .or_else(|_| authorize(actor, Action::ActOnDocument { event, participant }))
}

/// The role a user receives on creating an event: whoever creates an event for their ministry hosts
/// it, so that they can go on editing it. An admin needs none.
pub fn role_on_creating_event(actor: &Actor, event: Id, host: Id) -> Option<Role> {
    (actor.user.is_some() && !actor.is_admin()).then_some(Role::Host { event, participant: host })
}

/// The kinds of entity that the audit trail records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    User,
    ApiToken,
    Participant,
    Body,
    Membership,
    Chair,
    Event,
    Meeting,
    Delegation,
    Member,
    Badge,
    ProgrammeItem,
    Feed,
    BilateralRequest,
    BilateralSettings,
    AgendaItem,
    Agenda,
    AgendaRevision,
    Area,
    Document,
    DocumentVersion,
    Amendment,
    Stance,
    Signature,
    Agreement,
    ActionItem,
    ActionReport,
    PressRelease,
    PressPhoto,
    MediaApplication,
}

impl EntityKind {
    pub const ALL: [EntityKind; 30] = [
        Self::User,
        Self::ApiToken,
        Self::Participant,
        Self::Body,
        Self::Membership,
        Self::Chair,
        Self::Event,
        Self::Meeting,
        Self::Delegation,
        Self::Member,
        Self::Badge,
        Self::ProgrammeItem,
        Self::Feed,
        Self::BilateralRequest,
        Self::BilateralSettings,
        Self::AgendaItem,
        Self::Agenda,
        Self::AgendaRevision,
        Self::Area,
        Self::Document,
        Self::DocumentVersion,
        Self::Amendment,
        Self::Stance,
        Self::Signature,
        Self::Agreement,
        Self::ActionItem,
        Self::ActionReport,
        Self::PressRelease,
        Self::PressPhoto,
        Self::MediaApplication,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::ApiToken => "api_token",
            Self::Participant => "participant",
            Self::Body => "body",
            Self::Membership => "membership",
            Self::Chair => "chair",
            Self::Event => "event",
            Self::Meeting => "meeting",
            Self::Delegation => "delegation",
            Self::Member => "member",
            Self::Badge => "badge",
            Self::ProgrammeItem => "programme_item",
            Self::Feed => "feed",
            Self::BilateralRequest => "bilateral_request",
            Self::BilateralSettings => "bilateral_settings",
            Self::AgendaItem => "agenda_item",
            Self::Agenda => "agenda",
            Self::AgendaRevision => "agenda_revision",
            Self::Area => "area",
            Self::Document => "document",
            Self::DocumentVersion => "document_version",
            Self::Amendment => "amendment",
            Self::Stance => "stance",
            Self::Signature => "signature",
            Self::Agreement => "agreement",
            Self::ActionItem => "action_item",
            Self::ActionReport => "action_report",
            Self::PressRelease => "press_release",
            Self::PressPhoto => "press_photo",
            Self::MediaApplication => "media_application",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Whether an audit entry about an entity of this kind may be shown to the actor: the audit view
/// never shows more than the entity's own read policy would.
pub fn may_read_entity(actor: &Actor, kind: EntityKind) -> bool {
    match kind {
        // Accounts, and delegations' personal data (contacts, travel), stay with the admin here.
        // Programme items may be for the host only. Documents and what hangs on them carry their
        // own classification: their entries are shown, entry by entry, to who may read the
        // document (`store::audit::recent`), not by kind.
        EntityKind::User
        | EntityKind::ApiToken
        | EntityKind::Delegation
        | EntityKind::Member
        | EntityKind::Badge
        | EntityKind::ProgrammeItem
        | EntityKind::Feed
        | EntityKind::BilateralRequest
        | EntityKind::BilateralSettings
        | EntityKind::Document
        | EntityKind::DocumentVersion
        | EntityKind::Amendment
        | EntityKind::Stance
        | EntityKind::Signature
        | EntityKind::Agreement
        | EntityKind::ActionItem
        | EntityKind::ActionReport
        // Releases before their time, photos not yet public and journalists' applications.
        | EntityKind::PressRelease
        | EntityKind::PressPhoto
        | EntityKind::MediaApplication => actor.is_admin(),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::new_id;

    fn user(roles: Vec<Role>) -> Actor {
        Actor { user: Some(UserRef { id: new_id(), username: "u".into() }), roles }
    }

    #[test]
    fn a_new_document_is_authored_by_its_bodys_secretariat_or_the_delegation_it_is_internal_to() {
        let (cfm, other, kz, ru) = (new_id(), new_id(), new_id(), new_id());
        let secretariat = user(vec![Role::Secretariat { body: cfm }]);
        assert!(may_author(&secretariat, cfm, Classification::Members, &[]));
        assert!(may_author(&secretariat, cfm, Classification::Listed, &[kz]));
        assert!(!may_author(&secretariat, other, Classification::Members, &[]), "another body's");
        assert!(!may_author(&secretariat, cfm, Classification::Internal, &[kz]), "a delegation's own paper");
        let ministry = user(vec![Role::Ministry { participant: kz }]);
        assert!(may_author(&ministry, cfm, Classification::Internal, &[kz]));
        assert!(!may_author(&ministry, cfm, Classification::Internal, &[ru]), "another delegation's");
        assert!(!may_author(&ministry, cfm, Classification::Members, &[]), "the body's");
        let both = user(vec![Role::Secretariat { body: cfm }, Role::Ministry { participant: kz }]);
        assert!(may_author(&both, cfm, Classification::Internal, &[kz]), "a secretariat that is also a ministry");
        assert!(!may_author(&user(vec![]), cfm, Classification::Public, &[]));
        assert!(!may_author(&Actor::anonymous(), cfm, Classification::Public, &[]));
    }

    #[test]
    fn the_public_reads_but_writes_nothing() {
        let public = Actor::anonymous();
        assert_eq!(authorize(&public, Action::ReadPublic), Ok(()));
        assert_eq!(authorize(&public, Action::CreateEvent { host: new_id() }), Err(Denied::NotLoggedIn));
    }

    #[test]
    fn a_host_edits_its_own_event_only() {
        let (event, other, kz) = (new_id(), new_id(), new_id());
        let host = user(vec![Role::Host { event, participant: kz }]);
        assert!(authorize(&host, Action::EditEvent { event }).is_ok());
        assert!(authorize(&host, Action::EditEvent { event: other }).is_err());
        assert!(authorize(&host, Action::CreateEvent { host: kz }).is_ok());
        assert!(authorize(&host, Action::CreateEvent { host: new_id() }).is_err());
    }

    #[test]
    fn the_register_offers_delegations_only_their_internal_papers() {
        let (event, kz, ru) = (new_id(), new_id(), new_id());
        let cfm = new_id();
        let secretariat = user(vec![Role::Secretariat { body: cfm }]);
        assert_eq!(document_authorship(&secretariat), Authorship::Any { bodies: Some(vec![cfm]) }, "its own body's");
        assert_eq!(document_authorship(&user(vec![Role::Admin])), Authorship::Any { bodies: None });
        assert!(!document_authorship(&secretariat).classifications().contains(&Classification::Internal));
        assert_eq!(document_authorship(&user(vec![Role::Admin])).classifications(), Classification::ALL);
        assert_eq!(document_authorship(&user(vec![Role::Press { event }])), Authorship::None);
        assert_eq!(document_authorship(&user(vec![Role::Host { event, participant: kz }])), Authorship::None);
        let officer = user(vec![Role::AccreditationOfficer { event, participant: kz }]);
        assert_eq!(
            document_authorship(&officer),
            Authorship::Internal { participants: vec![kz], need_meeting: true },
            "an officer acts at its event, so the paper needs its meeting"
        );
        let ministry =
            user(vec![Role::Ministry { participant: ru }, Role::AccreditationOfficer { event, participant: ru }]);
        assert_eq!(
            document_authorship(&ministry),
            Authorship::Internal { participants: vec![ru], need_meeting: false }
        );
    }

    #[test]
    fn a_secretariat_manages_its_bodies_and_reads_the_public_audit() {
        let (cfm, other) = (new_id(), new_id());
        let sec = user(vec![Role::Secretariat { body: cfm }]);
        assert!(authorize(&sec, Action::ManageBody { body: cfm }).is_ok());
        assert!(authorize(&sec, Action::ManageBody { body: other }).is_err());
        assert!(authorize(&sec, Action::ReadAudit).is_ok());
        assert!(may_read_entity(&sec, EntityKind::Event));
        assert!(!may_read_entity(&sec, EntityKind::User));
    }

    #[test]
    fn whoever_creates_an_event_for_their_ministry_hosts_it() {
        let (kz, old, new) = (new_id(), new_id(), new_id());
        let ministry = user(vec![Role::Ministry { participant: kz }]);
        assert_eq!(role_on_creating_event(&ministry, new, kz), Some(Role::Host { event: new, participant: kz }));
        assert_eq!(role_on_creating_event(&user(vec![Role::Admin]), new, kz), None);
        let host = user(vec![Role::Host { event: old, participant: kz }, Role::Host { event: new, participant: kz }]);
        assert!(authorize(&host, Action::EditEvent { event: new }).is_ok());
    }

    #[test]
    fn an_officer_edits_only_their_own_delegation_and_only_before_the_deadline() {
        let (event, kz, ru) = (new_id(), new_id(), new_id());
        let officer = user(vec![Role::AccreditationOfficer { event, participant: kz }]);
        let edit = |participant, deadline_passed| Action::EditDelegation { event, participant, deadline_passed };
        assert!(authorize(&officer, edit(kz, false)).is_ok());
        assert!(authorize(&officer, edit(ru, false)).is_err());
        assert_eq!(
            authorize(&officer, edit(kz, true)),
            Err(Denied::NotAllowed("the accreditation deadline has passed: ask the host"))
        );
        let host = user(vec![Role::Host { event, participant: kz }]);
        assert!(authorize(&host, edit(ru, true)).is_ok(), "the host may always");
        assert!(authorize(&officer, Action::ReadDelegation { event, participant: ru }).is_err());
        let ministry = user(vec![Role::Ministry { participant: ru }]);
        assert!(authorize(&ministry, Action::ReadDelegation { event, participant: ru }).is_ok());
        assert!(authorize(&ministry, edit(ru, false)).is_err());
        let press = user(vec![Role::Press { event }]);
        assert!(authorize(&press, Action::ReadDelegation { event, participant: kz }).is_err());
        assert!(authorize(&press, Action::CheckBadge { event }).is_err());
    }

    #[test]
    fn a_delegation_sees_only_the_bilateral_requests_it_is_a_side_of() {
        let (event, kz, ru, by) = (new_id(), new_id(), new_id(), new_id());
        let officer = user(vec![Role::AccreditationOfficer { event, participant: kz }]);
        assert_eq!(bilateral_scope(&officer, event, &[kz, ru, by]), Ok(BilateralScope::Sides(vec![kz])));
        assert!(authorize(&officer, Action::ActOnBilateral { event, participant: kz }).is_ok());
        assert!(authorize(&officer, Action::ActOnBilateral { event, participant: ru }).is_err());
        assert!(authorize(&officer, Action::ScheduleBilaterals { event }).is_err());
        let host = user(vec![Role::Host { event, participant: kz }]);
        assert_eq!(bilateral_scope(&host, event, &[kz, ru]), Ok(BilateralScope::All));
        assert!(authorize(&host, Action::ScheduleBilaterals { event }).is_ok());
        assert!(authorize(&host, Action::RunPressOffice { event }).is_ok());
        assert!(authorize(&officer, Action::RunPressOffice { event }).is_err());
        assert!(authorize(&officer, Action::ReadMediaProgramme { event }).is_err());
        assert!(authorize(&user(vec![Role::Press { event }]), Action::ReadMediaProgramme { event }).is_ok());
        assert!(authorize(&user(vec![Role::Press { event: kz }]), Action::ReadMediaProgramme { event }).is_err());
        assert_eq!(press_reader(&host, event), crate::press::Reader::Editor);
        assert_eq!(press_reader(&officer, event), crate::press::Reader::Public);
        assert_eq!(press_reader(&user(vec![Role::Press { event }]), event), crate::press::Reader::Press);
        assert_eq!(press_reader(&user(vec![Role::Press { event: kz }]), event), crate::press::Reader::Public);
        assert_eq!(press_reach(&host), crate::press::Reach::Editor { events: Some(vec![event]) });
        assert_eq!(press_reach(&user(vec![Role::Press { event }])), crate::press::Reach::Press { events: vec![event] });
        assert_eq!(press_reach(&officer), crate::press::Reach::Public);
        let press = user(vec![Role::Press { event }]);
        assert_eq!(bilateral_scope(&press, event, &[kz, ru]), Ok(BilateralScope::Sides(vec![])));
        assert_eq!(bilateral_scope(&Actor::anonymous(), event, &[kz]), Err(Denied::NotLoggedIn));
    }

    #[test]
    fn each_classification_reaches_only_its_readers() {
        use crate::bodies::MembershipStatus;
        use crate::documents::{DocumentKind, DocumentStatus};
        let (cfm, other, event, kz, ru, am) = (new_id(), new_id(), new_id(), new_id(), new_id(), new_id());
        let member = |p, status| Membership {
            id: new_id(),
            body_id: cfm,
            participant_id: p,
            status,
            valid_from: jiff::civil::date(1991, 12, 21),
            valid_until: None,
            note: String::new(),
            version: 1,
        };
        let memberships = [member(kz, MembershipStatus::Full), member(am, MembershipStatus::Observer)];
        let today = jiff::civil::date(2025, 4, 11);
        let doc = |classification, readers: Vec<Id>| Document {
            id: new_id(),
            body_id: cfm,
            meeting_id: None,
            agenda_item_id: None,
            kind: DocumentKind::DraftDecision,
            register_number: "1".into(),
            title: crate::Text::new(&[("ru", "x")]),
            original_language: "ru".into(),
            classification,
            readers,
            initiator: None,
            status: DocumentStatus::Draft,
            forwarded_to: None,
            frozen: None,
            version: 1,
        };
        let kz_officer =
            document_reach(&user(vec![Role::AccreditationOfficer { event, participant: kz }]), &memberships, today);
        let kz_host = document_reach(&user(vec![Role::Host { event, participant: kz }]), &memberships, today);
        let ru_ministry = document_reach(&user(vec![Role::Ministry { participant: ru }]), &memberships, today);
        let am_ministry = document_reach(&user(vec![Role::Ministry { participant: am }]), &memberships, today);
        let secretariat = document_reach(&user(vec![Role::Secretariat { body: cfm }]), &memberships, today);
        let other_secretariat = document_reach(&user(vec![Role::Secretariat { body: other }]), &memberships, today);
        let press = document_reach(&user(vec![Role::Press { event }]), &memberships, today);
        let public = document_reach(&Actor::anonymous(), &memberships, today);
        let admin = document_reach(&user(vec![Role::Admin]), &memberships, today);
        let cases = [
            (doc(Classification::Public, vec![]), [true, true, true, true, true, true, true, true, true]),
            (doc(Classification::Members, vec![]), [true, true, false, false, true, false, false, false, true]),
            (doc(Classification::Listed, vec![kz]), [true, true, false, false, true, false, false, false, true]),
            (doc(Classification::Listed, vec![ru]), [false, false, true, false, true, false, false, false, true]),
            (doc(Classification::Internal, vec![kz]), [true, false, false, false, false, false, false, false, true]),
        ];
        let readers = [
            &kz_officer,
            &kz_host,
            &ru_ministry,
            &am_ministry,
            &secretariat,
            &other_secretariat,
            &press,
            &public,
            &admin,
        ];
        for (d, expected) in cases {
            let got: Vec<bool> = readers.iter().map(|r| r.sees(&d)).collect();
            assert_eq!(got, expected, "{:?} {:?}", d.classification, d.readers);
        }
    }

    #[test]
    fn a_suspension_recorded_over_an_open_membership_withdraws_the_members_papers() {
        use crate::bodies::MembershipStatus;
        let (cfm, am) = (new_id(), new_id());
        let period = |status, from| Membership {
            id: new_id(),
            body_id: cfm,
            participant_id: am,
            status,
            valid_from: from,
            valid_until: None,
            note: String::new(),
            version: 1,
        };
        let full = period(MembershipStatus::Full, jiff::civil::date(1991, 12, 21));
        let suspended = period(MembershipStatus::Suspended, jiff::civil::date(2024, 1, 1));
        let ministry = user(vec![Role::Ministry { participant: am }]);
        let reach = |memberships: &[Membership], day| document_reach(&ministry, memberships, day).member_of;
        let today = jiff::civil::date(2025, 4, 11);
        assert_eq!(reach(&[full.clone(), suspended.clone()], jiff::civil::date(2023, 6, 1)), [cfm], "before it");
        assert!(reach(&[full.clone(), suspended.clone()], today).is_empty(), "the later period is in force");
        let restored = period(MembershipStatus::Full, jiff::civil::date(2025, 1, 1));
        assert_eq!(reach(&[full, suspended, restored], today), [cfm]);
    }

    #[test]
    fn agreements_reach_their_parties_and_briefings_their_two_sides() {
        let (kz, ru, by, event) = (new_id(), new_id(), new_id(), new_id());
        let bilateral = Agreement {
            id: new_id(),
            title: crate::Text::new(&[("en", "x")]),
            level: crate::agreements::Level::Highest,
            parties: vec![kz, ru],
            document_id: None,
            signed_on: None,
            signed_at: crate::Text::default(),
            depositary: None,
            entry_into_force: crate::agreements::EntryIntoForce::OnSignature,
            threshold: None,
            notifications: vec![],
            interruptions: Vec::new(),
            version: 1,
        };
        let plan = Agreement { parties: vec![kz, ru, by], ..bilateral.clone() };
        let ministry_kz = user(vec![Role::Ministry { participant: kz }]);
        let officer_by = user(vec![Role::AccreditationOfficer { event, participant: by }]);
        let body = new_id();
        let secretariat = user(vec![Role::Secretariat { body }]);
        let other_secretariat = user(vec![Role::Secretariat { body: new_id() }]);
        assert!(agreement_reach(&ministry_kz).sees(&bilateral, None));
        assert!(!agreement_reach(&officer_by).sees(&bilateral, None));
        assert!(agreement_reach(&officer_by).sees(&plan, None));
        assert!(agreement_reach(&secretariat).sees(&plan, Some(body)), "its body's document");
        assert!(!agreement_reach(&secretariat).sees(&plan, None), "not one entered by the parties");
        assert!(!agreement_reach(&other_secretariat).sees(&plan, Some(body)), "nor another body's");
        assert!(!agreement_reach(&user(vec![Role::Press { event }])).sees(&plan, Some(body)));
        assert!(may_keep_agreement(&ministry_kz, &[kz, ru], None).is_ok());
        assert!(may_keep_agreement(&secretariat, &[kz, ru, by], None).is_err());
        assert!(may_keep_agreement(&secretariat, &[kz, ru, by], Some(body)).is_ok());
        assert!(may_keep_agreement(&other_secretariat, &[kz, ru, by], Some(body)).is_err());
        assert_eq!(reporter(&ministry_kz, &[kz], &[kz, ru], None, Some(kz), false), Ok(Some(kz)));
        assert!(reporter(&ministry_kz, &[ru], &[kz, ru], None, Some(ru), false).is_err(), "not for another party");
        assert!(reporter(&ministry_kz, &[ru], &[kz, ru], None, Some(kz), false).is_err(), "nor on another's item");
        assert_eq!(
            reporter(&ministry_kz, &[ru], &[kz, ru], None, Some(kz), true),
            Ok(Some(kz)),
            "but its own assessment"
        );
        assert_eq!(reporter(&secretariat, &[kz], &[kz, ru, by], Some(body), None, false), Ok(None));
        assert!(reporter(&other_secretariat, &[kz], &[kz, ru, by], Some(body), None, false).is_err());
        assert!(may_notify(&ministry_kz, kz).is_ok() && may_notify(&ministry_kz, ru).is_err(), "only its own");
        assert!(
            reporter(&secretariat, &[kz], &[kz, ru, by], Some(body), None, true).is_err(),
            "no assessment without a party"
        );
        assert_eq!(briefing_side(&ministry_kz, ru, kz), Ok(kz));
        assert!(briefing_side(&officer_by, kz, ru).is_err());
        assert_eq!(briefing_side(&Actor::anonymous(), kz, ru), Err(Denied::NotLoggedIn));
    }

    #[test]
    fn an_accreditation_officer_creates_no_events() {
        let kz = new_id();
        let officer = user(vec![Role::AccreditationOfficer { event: new_id(), participant: kz }]);
        assert!(matches!(authorize(&officer, Action::CreateEvent { host: kz }), Err(Denied::NotAllowed(_))));
        assert!(authorize(&officer, Action::ReadAudit).is_err());
    }
}
