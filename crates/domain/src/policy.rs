//! Who may do what. Every permission is decided here, over (actor, action); handlers only ask.
//! A refusal says why, and the web layer turns "not logged in" into 401 and the rest into 403.

use serde::Serialize;

use crate::Id;
use crate::accounts::Role;

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
    /// Request a bilateral for a delegation, or answer, re-time or withdraw one of its requests.
    ActOnBilateral {
        event: Id,
        participant: Id,
    },
    /// Run the scheduler over an event's bilateral requests and confirm meetings.
    ScheduleBilaterals {
        event: Id,
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
        | Action::ScheduleBilaterals { event } => (actor.hosts(event), "only the event's host"),
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
}

impl EntityKind {
    pub const ALL: [EntityKind; 14] = [
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
        // Programme items may be for the host only.
        EntityKind::User
        | EntityKind::ApiToken
        | EntityKind::Delegation
        | EntityKind::Member
        | EntityKind::Badge
        | EntityKind::ProgrammeItem
        | EntityKind::Feed
        | EntityKind::BilateralRequest => actor.is_admin(),
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
        let press = user(vec![Role::Press { event }]);
        assert_eq!(bilateral_scope(&press, event, &[kz, ru]), Ok(BilateralScope::Sides(vec![])));
        assert_eq!(bilateral_scope(&Actor::anonymous(), event, &[kz]), Err(Denied::NotLoggedIn));
    }

    #[test]
    fn an_accreditation_officer_creates_no_events() {
        let kz = new_id();
        let officer = user(vec![Role::AccreditationOfficer { event: new_id(), participant: kz }]);
        assert!(matches!(authorize(&officer, Action::CreateEvent { host: kz }), Err(Denied::NotAllowed(_))));
        assert!(authorize(&officer, Action::ReadAudit).is_err());
    }
}
