//! The authorization matrix: every route the router serves × every role, each with the status it
//! must answer. A route without an expectation fails the test, so a new route cannot ship unchecked.

use std::collections::BTreeMap;

use domain::accounts::{Role, hash_password};
use domain::policy::Actor;
use serde_json::json;

use crate::support::{DEMO_PASSWORD, Session, TestApp, png};

/// The roles, in the order of each expectation row.
const ROLES: [&str; 10] = [
    "anonymous",
    "admin",
    "secretariat",       // of cis-cfm
    "secretariat-other", // of central-asia-russia
    "host",              // of almaty-2025 (Kazakhstan)
    "host-other",        // of moscow-2024 (Russia)
    "ministry-kz",
    "delegation-kz", // accreditation officer of Kazakhstan at almaty-2025
    "delegation-ru", // an accreditation officer of another participant
    "press",
];

/// Shorthands for rows.
const ALL_200: [u16; 10] = [200; 10];
/// A page for logged-in users: the anonymous are sent to log in.
const PAGE_LOGGED_IN: [u16; 10] = [303, 200, 200, 200, 200, 200, 200, 200, 200, 200];
const API_LOGGED_IN: [u16; 10] = [401, 200, 200, 200, 200, 200, 200, 200, 200, 200];
/// The host's pages of almaty-2025 (and the admin's).
const HOST_PAGE: [u16; 10] = [303, 200, 403, 403, 200, 403, 403, 403, 403, 403];
const HOST_FORM: [u16; 10] = [303, 303, 403, 403, 303, 403, 403, 403, 403, 403];
/// Kazakhstan's delegation: its officer, its ministry (reading only), the host, the admin.
const DELEGATION_PAGE: [u16; 10] = [303, 200, 403, 403, 200, 403, 200, 200, 403, 403];
const DELEGATION_FORM: [u16; 10] = [303, 303, 403, 403, 303, 403, 403, 303, 403, 403];
/// A form for whoever reads Kazakhstan's delegation (its ministry too).
const DELEGATION_FORM_READERS: [u16; 10] = [303, 303, 403, 403, 303, 403, 303, 303, 403, 403];

/// A bilateral agreement of Kazakhstan and Russia: both parties' ministries, delegations and hosts.
const PARTIES_PAGE: [u16; 10] = [303, 200, 404, 404, 200, 200, 200, 200, 200, 404];
/// The secretariat of cis-cfm (and the admin) keep its agendas and documents.
const SECRETARIAT_FORM: [u16; 10] = [303, 303, 303, 403, 403, 403, 403, 403, 403, 403];
const SECRETARIAT_CREATES: [u16; 10] = [401, 201, 201, 403, 403, 403, 403, 403, 403, 403];
/// The demo's agendas are adopted already: the secretariat may adopt, or add items, but not now.
const SECRETARIAT_REFUSED: [u16; 10] = [303, 409, 409, 403, 403, 403, 403, 403, 403, 403];
const SECRETARIAT_REFUSED_API: [u16; 10] = [401, 409, 409, 403, 403, 403, 403, 403, 403, 403];
/// A members' document: the members' delegations, ministries and hosts read it.
const MEMBERS_PAGE: [u16; 10] = [303, 200, 200, 404, 200, 200, 200, 200, 200, 404];
const MEMBERS_API: [u16; 10] = [401, 200, 200, 404, 200, 200, 200, 200, 200, 404];
/// Acting for Kazakhstan on a document: its officer and ministry, and the secretariat.
const NEGOTIATOR_FORM: [u16; 10] = [303, 303, 303, 404, 403, 403, 303, 303, 403, 404];
const SECRETARIAT_ON_DOCUMENT: [u16; 10] = [303, 409, 409, 404, 403, 403, 403, 403, 403, 404];
const SECRETARIAT_ON_DOCUMENT_API: [u16; 10] = [401, 409, 409, 404, 403, 403, 403, 403, 403, 404];

/// An embargoed release: the event's press and press office, and the admin.
const EMBARGOED: [u16; 10] = [404, 200, 404, 404, 200, 404, 404, 404, 404, 200];

fn expectations() -> BTreeMap<(&'static str, &'static str), [u16; 10]> {
    //                                                                anon adm  sec  sec2 host hst2 mkz  dkz  dru  press
    BTreeMap::from([
        (("GET", "/"), ALL_200),
        (("GET", "/language/{lang}"), [303; 10]),
        (("GET", "/static/{file}"), ALL_200),
        (("GET", "/healthz"), ALL_200),
        (("GET", "/metrics"), [401, 200, 403, 403, 403, 403, 403, 403, 403, 403]),
        (("GET", "/api/openapi.json"), ALL_200),
        (("GET", "/login"), [200, 303, 303, 303, 303, 303, 303, 303, 303, 303]),
        (("POST", "/login"), [303; 10]),
        (("POST", "/logout"), [303; 10]),
        (("GET", "/account"), PAGE_LOGGED_IN),
        (("POST", "/account/password"), PAGE_LOGGED_IN),
        (("POST", "/api/v1/session"), ALL_200),
        (("DELETE", "/api/v1/session"), [401, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
        (("GET", "/api/v1/me"), API_LOGGED_IN),
        (("PUT", "/api/v1/me/password"), [401, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
        (("GET", "/participants"), ALL_200),
        (("GET", "/api/v1/participants"), ALL_200),
        (("GET", "/bodies"), ALL_200),
        (("GET", "/bodies/{body}"), ALL_200),
        (("POST", "/bodies/{body}/chairs"), [303, 303, 303, 403, 403, 403, 403, 403, 403, 403]),
        (("POST", "/bodies/{body}/memberships"), [303, 303, 303, 403, 403, 403, 403, 403, 403, 403]),
        (("POST", "/bodies/{body}/protocol"), [303, 303, 303, 403, 403, 403, 403, 403, 403, 403]),
        (("PUT", "/api/v1/bodies/{body}/protocol"), [401, 200, 200, 403, 403, 403, 403, 403, 403, 403]),
        (("POST", "/api/v1/bodies/{body}/memberships"), [401, 201, 201, 403, 403, 403, 403, 403, 403, 403]),
        (("GET", "/api/v1/bodies"), ALL_200),
        (("GET", "/api/v1/bodies/{body}"), ALL_200),
        (("GET", "/api/v1/bodies/{body}/chairs"), ALL_200),
        (("PUT", "/api/v1/bodies/{body}/chairs/{year}"), [401, 200, 200, 403, 403, 403, 403, 403, 403, 403]),
        (("GET", "/api/v1/bodies/{body}/meetings"), ALL_200),
        (("GET", "/events"), ALL_200),
        (("GET", "/events/new"), [303, 200, 403, 403, 200, 200, 200, 403, 403, 403]),
        (("POST", "/events"), [303, 303, 403, 403, 303, 403, 303, 403, 403, 403]),
        (("GET", "/events/{event}"), ALL_200),
        (("GET", "/events/{event}/edit"), [303, 200, 403, 403, 200, 403, 403, 403, 403, 403]),
        (("POST", "/events/{event}/edit"), [303, 303, 403, 403, 303, 403, 403, 403, 403, 403]),
        (("GET", "/api/v1/events"), ALL_200),
        (("POST", "/api/v1/events"), [401, 201, 403, 403, 201, 403, 201, 403, 403, 403]),
        (("GET", "/api/v1/events/{event}"), ALL_200),
        (("PUT", "/api/v1/events/{event}"), [401, 200, 403, 403, 200, 403, 403, 403, 403, 403]),
        (("GET", "/api/v1/events/{event}/meetings"), ALL_200),
        (("POST", "/api/v1/events/{event}/meetings"), [401, 201, 201, 403, 201, 403, 403, 403, 403, 403]),
        (("GET", "/audit"), [303, 200, 200, 200, 403, 403, 403, 403, 403, 403]),
        (("GET", "/notices"), PAGE_LOGGED_IN),
        (("GET", "/events/{event}/delegations"), HOST_PAGE),
        (("POST", "/events/{event}/invitations"), HOST_FORM),
        (("POST", "/events/{event}/deadline"), HOST_FORM),
        (("GET", "/invitations/{token}"), ALL_200),
        // Whoever holds the link answers for the ministry; an incomplete answer is refused alike.
        (("POST", "/invitations/{token}"), [422; 10]),
        (("GET", "/events/{event}/delegations/{participant}"), DELEGATION_PAGE),
        (("POST", "/events/{event}/delegations/{participant}/members"), DELEGATION_FORM),
        (("GET", "/events/{event}/delegations/{participant}/members/{member}"), DELEGATION_PAGE),
        (("POST", "/events/{event}/delegations/{participant}/members/{member}"), DELEGATION_FORM),
        (
            ("POST", "/events/{event}/delegations/{participant}/members/{member}/photo"),
            [303, 422, 403, 403, 422, 403, 403, 422, 403, 403],
        ),
        (("GET", "/events/{event}/members/{member}/photo.jpg"), [303, 200, 403, 403, 200, 403, 200, 200, 403, 403]),
        (("POST", "/events/{event}/delegations/{participant}/import-form"), DELEGATION_FORM),
        (("POST", "/events/{event}/members/{member}/decision"), HOST_FORM),
        // Kazakhstan hosts: whoever may read its delegation learns that no note invites it.
        (
            ("GET", "/events/{event}/delegations/{participant}/note-verbale.pdf"),
            [303, 404, 403, 403, 404, 403, 404, 404, 403, 403],
        ),
        (("GET", "/events/{event}/delegations/{participant}/badges.pdf"), HOST_PAGE),
        (("GET", "/badges/{badge}"), HOST_PAGE),
        (("GET", "/delegation-template.xlsx"), ALL_200),
        (("GET", "/api/v1/events/{event}/delegations"), [401, 200, 403, 403, 200, 403, 403, 403, 403, 403]),
        (("POST", "/api/v1/events/{event}/delegations"), [401, 201, 403, 403, 201, 403, 403, 403, 403, 403]),
        (
            ("GET", "/api/v1/events/{event}/delegations/{participant}/members"),
            [401, 200, 403, 403, 200, 403, 200, 200, 403, 403],
        ),
        (
            ("POST", "/api/v1/events/{event}/delegations/{participant}/members"),
            [401, 201, 403, 403, 201, 403, 403, 201, 403, 403],
        ),
        (
            ("PUT", "/api/v1/events/{event}/delegations/{participant}/members/{member}"),
            [401, 200, 403, 403, 200, 403, 403, 200, 403, 403],
        ),
        (
            ("POST", "/api/v1/events/{event}/delegations/{participant}/import"),
            [401, 201, 403, 403, 201, 403, 403, 201, 403, 403],
        ),
        (
            ("POST", "/api/v1/events/{event}/members/{member}/decision"),
            [401, 200, 403, 403, 200, 403, 403, 403, 403, 403],
        ),
        (("GET", "/events/{event}/participants"), ALL_200),
        (("GET", "/events/{event}/participants.csv"), ALL_200),
        (("GET", "/events/{event}/participants.xlsx"), ALL_200),
        (("GET", "/events/{event}/participants.pdf"), ALL_200),
        (("GET", "/api/v1/events/{event}/meetings/{meeting}/speakers"), ALL_200),
        (("GET", "/events/{event}/meetings/{meeting}/speakers"), ALL_200),
        (("GET", "/events/{event}/meetings/{meeting}/seating.svg"), ALL_200),
        (("GET", "/events/{event}/meetings/{meeting}/family-photo.svg"), ALL_200),
        // The fixture item is the host's own: nobody else learns it exists.
        (("GET", "/events/{event}/programme/{item}/seating.svg"), [404, 200, 404, 404, 200, 404, 404, 404, 404, 404]),
        (("GET", "/events/{event}/programme"), ALL_200),
        (("GET", "/events/{event}/programme/live"), ALL_200),
        (("GET", "/events/{event}/delegations/{participant}/itinerary"), DELEGATION_PAGE),
        (("GET", "/events/{event}/delegations/{participant}/members/{member}/itinerary"), DELEGATION_PAGE),
        (
            ("POST", "/events/{event}/delegations/{participant}/feeds"),
            [303, 200, 403, 403, 200, 403, 200, 200, 403, 403],
        ),
        (("POST", "/events/{event}/delegations/{participant}/feeds/{feed}/revoke"), DELEGATION_FORM_READERS),
        (("GET", "/feeds/{secret}"), ALL_200),
        (("POST", "/events/{event}/programme"), HOST_FORM),
        (("POST", "/events/{event}/programme/{item}/move"), HOST_FORM),
        (("POST", "/events/{event}/programme/{item}/cancel"), HOST_FORM),
        (("GET", "/events/{event}/programme.ics"), ALL_200),
        (("GET", "/events/{event}/programme.pdf"), ALL_200),
        (("GET", "/api/v1/events/{event}/programme"), ALL_200),
        (("POST", "/api/v1/events/{event}/programme"), [401, 201, 403, 403, 201, 403, 403, 403, 403, 403]),
        (("PUT", "/api/v1/events/{event}/programme/{item}"), [401, 200, 403, 403, 200, 403, 403, 403, 403, 403]),
        (
            ("POST", "/api/v1/events/{event}/programme/{item}/cancel"),
            [401, 200, 403, 403, 200, 403, 403, 403, 403, 403],
        ),
        (("POST", "/events/{event}/travel"), HOST_FORM),
        (("POST", "/events/{event}/venues"), HOST_FORM),
        (("POST", "/events/{event}/rooms"), HOST_FORM),
        (("PUT", "/api/v1/events/{event}/venues"), [401, 200, 403, 403, 200, 403, 403, 403, 403, 403]),
        (("GET", "/api/v1/events/{event}/participants"), ALL_200),
        (("GET", "/api/v1/audit"), [401, 200, 200, 200, 403, 403, 403, 403, 403, 403]),
        // Bilaterals: every logged-in reader gets the page with what is theirs; Kazakhstan's
        // ministry and officer and Russia's officer act for their sides of the fixture request
        // (Kazakhstan asks Russia); whoever cannot see the request gets 404; the host schedules.
        (("GET", "/events/{event}/bilaterals"), PAGE_LOGGED_IN),
        (("POST", "/events/{event}/bilaterals"), [303, 403, 403, 403, 403, 403, 303, 303, 303, 403]),
        (("POST", "/events/{event}/bilaterals/{request}/answer"), [303, 403, 404, 404, 403, 404, 303, 303, 303, 404]),
        (("POST", "/events/{event}/bilaterals/schedule"), HOST_FORM),
        // The request named is not placed: past the authorization, the host is told so.
        (("POST", "/events/{event}/bilaterals/confirm"), [303, 409, 403, 403, 409, 403, 403, 403, 403, 403]),
        (("GET", "/api/v1/events/{event}/bilaterals"), API_LOGGED_IN),
        (("POST", "/api/v1/events/{event}/bilaterals"), [401, 403, 403, 403, 403, 403, 201, 201, 201, 403]),
        (
            ("POST", "/api/v1/events/{event}/bilaterals/{request}/answer"),
            [401, 403, 404, 404, 403, 404, 200, 200, 200, 404],
        ),
        (("POST", "/api/v1/events/{event}/bilaterals/schedule"), [401, 200, 403, 403, 200, 403, 403, 403, 403, 403]),
        (("POST", "/api/v1/events/{event}/bilaterals/confirm"), [401, 200, 403, 403, 200, 403, 403, 403, 403, 403]),
        (("GET", "/api/v1/events/{event}/bilaterals/instance"), [401, 200, 403, 403, 200, 403, 403, 403, 403, 403]),
        // Agendas are public; the body's secretariat keeps them.
        (("GET", "/events/{event}/meetings/{meeting}/agenda"), ALL_200),
        (("GET", "/api/v1/events/{event}/meetings/{meeting}/agenda"), ALL_200),
        (("POST", "/events/{event}/meetings/{meeting}/agenda"), SECRETARIAT_REFUSED),
        (("POST", "/events/{event}/meetings/{meeting}/agenda/{agenda_item}"), SECRETARIAT_FORM),
        (("POST", "/events/{event}/meetings/{meeting}/agenda/adopt"), SECRETARIAT_REFUSED),
        // Sent with a version the agenda is past: the secretariat gets a conflict, the demo stays.
        (("POST", "/events/{event}/meetings/{meeting}/agenda/reopen"), SECRETARIAT_REFUSED),
        (("POST", "/api/v1/events/{event}/meetings/{meeting}/agenda"), SECRETARIAT_REFUSED_API),
        (
            ("PUT", "/api/v1/events/{event}/meetings/{meeting}/agenda/{agenda_item}"),
            [401, 200, 200, 403, 403, 403, 403, 403, 403, 403],
        ),
        (("POST", "/api/v1/events/{event}/meetings/{meeting}/agenda/adopt"), SECRETARIAT_REFUSED_API),
        (("POST", "/api/v1/events/{event}/meetings/{meeting}/agenda/reopen"), SECRETARIAT_REFUSED_API),
        (("POST", "/api/v1/bodies/{body}/areas"), SECRETARIAT_CREATES),
        // The fixture document is for the CFM's members: the other body's secretariat and the press
        // do not find it. Kazakhstan's officer and ministry, and the secretariat, act on it.
        (("GET", "/documents"), ALL_200),
        (("GET", "/api/v1/documents"), ALL_200),
        (("GET", "/documents/{document}"), MEMBERS_PAGE),
        (("GET", "/documents/{document}/changes"), MEMBERS_PAGE),
        (("GET", "/api/v1/documents/{document}"), MEMBERS_API),
        (("GET", "/api/v1/documents/{document}/changes"), MEMBERS_API),
        (("POST", "/api/v1/documents"), SECRETARIAT_CREATES),
        (("POST", "/documents"), SECRETARIAT_FORM),
        (("POST", "/documents/{document}/amendments"), NEGOTIATOR_FORM),
        (("POST", "/documents/{document}/amendments/{amendment}/responses"), NEGOTIATOR_FORM),
        (("POST", "/documents/{document}/stances"), NEGOTIATOR_FORM),
        (("POST", "/api/v1/documents/{document}/amendments"), [401, 201, 201, 404, 403, 403, 201, 201, 403, 404]),
        (
            ("POST", "/api/v1/documents/{document}/amendments/{amendment}/responses"),
            [401, 201, 201, 404, 403, 403, 201, 201, 403, 404],
        ),
        (("POST", "/api/v1/documents/{document}/stances"), [401, 200, 200, 404, 403, 403, 200, 200, 403, 404]),
        // Sent with a stale version, or to sign a draft: the secretariat is refused by the state of
        // things (409), everyone else by their role.
        (("POST", "/documents/{document}/versions"), SECRETARIAT_ON_DOCUMENT),
        (("POST", "/documents/{document}/decision"), SECRETARIAT_ON_DOCUMENT),
        (("POST", "/documents/{document}/signatures"), SECRETARIAT_ON_DOCUMENT),
        (("POST", "/api/v1/documents/{document}/versions"), SECRETARIAT_ON_DOCUMENT_API),
        (("POST", "/api/v1/documents/{document}/decision"), SECRETARIAT_ON_DOCUMENT_API),
        (("POST", "/api/v1/documents/{document}/signatures"), SECRETARIAT_ON_DOCUMENT_API),
        // The fixture agreement is Kazakhstan–Russia's 2024 declaration (in force on signature, so a
        // notification is refused as such): the two parties read it, Kazakhstan's ministry keeps it.
        (("GET", "/agreements"), PAGE_LOGGED_IN),
        (("GET", "/agreements.ics"), PAGE_LOGGED_IN),
        (("GET", "/api/v1/agreements"), API_LOGGED_IN),
        (("GET", "/agreements/{agreement}"), PARTIES_PAGE),
        (("GET", "/api/v1/agreements/{agreement}"), [401, 200, 404, 404, 200, 200, 200, 200, 200, 404]),
        (("POST", "/agreements/{agreement}/notifications"), [303, 422, 404, 404, 403, 403, 422, 403, 403, 404]),
        (("POST", "/api/v1/agreements/{agreement}/notifications"), [401, 422, 404, 404, 403, 403, 422, 403, 403, 404]),
        (
            ("POST", "/agreements/{agreement}/items/{action_item}/reports"),
            [303, 303, 404, 404, 403, 403, 303, 403, 403, 404],
        ),
        (("POST", "/api/v1/action-items/{action_item}/reports"), [401, 201, 404, 404, 403, 403, 201, 403, 403, 404]),
        (("POST", "/api/v1/agreements"), [401, 201, 403, 403, 403, 403, 201, 403, 403, 403]),
        (
            ("POST", "/agreements/{agreement}/reports/{report}/attachments"),
            [303, 303, 404, 404, 403, 403, 303, 403, 403, 404],
        ),
        (("POST", "/api/v1/action-reports/{report}/attachments"), [401, 201, 404, 404, 403, 403, 201, 403, 403, 404]),
        (("GET", "/attachments/{attachment}"), PARTIES_PAGE),
        // Sent with a stale version: the keepers get a conflict, nobody else gets that far.
        (("POST", "/agreements/{agreement}/interruption"), [303, 409, 404, 404, 403, 403, 409, 403, 403, 404]),
        (("POST", "/api/v1/agreements/{agreement}/interruption"), [401, 409, 404, 404, 403, 403, 409, 403, 403, 404]),
        (("POST", "/agreements"), [303, 303, 403, 403, 403, 403, 303, 403, 403, 403]),
        (("POST", "/agreements/{agreement}/items"), [303, 303, 404, 404, 403, 403, 303, 403, 403, 404]),
        (("POST", "/api/v1/agreements/{agreement}/items"), [401, 201, 404, 404, 403, 403, 201, 403, 403, 404]),
        // A briefing is for the two sides' ministries and delegations.
        (("GET", "/briefings/{pair}"), [303, 200, 403, 403, 403, 403, 200, 200, 200, 403]),
        (("GET", "/events/{event}/press"), ALL_200),
        (("GET", "/press-releases/{release}"), EMBARGOED),
        (("GET", "/events/{event}/feed.atom"), ALL_200),
        (("GET", "/feed.atom"), ALL_200),
        (("GET", "/sitemap.xml"), ALL_200),
        (("GET", "/press-photos/{photo}"), [404, 200, 404, 404, 200, 404, 404, 404, 404, 404]),
        (("GET", "/events/{event}/press-office"), HOST_PAGE),
        (("GET", "/events/{event}/media"), ALL_200),
        (("GET", "/events/{event}/media-programme"), [303, 200, 403, 403, 200, 403, 403, 403, 403, 200]),
        (("GET", "/api/v1/press-releases"), ALL_200),
        (("GET", "/api/v1/press-releases/{release}"), EMBARGOED),
        (("GET", "/api/v1/events/{event}/press-photos"), ALL_200),
        (("POST", "/events/{event}/press-releases"), HOST_FORM),
        (("POST", "/press-releases/{release}"), [404, 303, 404, 404, 303, 404, 404, 404, 404, 403]),
        (("POST", "/press-releases/{release}/status"), [404, 303, 404, 404, 303, 404, 404, 404, 404, 403]),
        (("POST", "/events/{event}/press-photos"), HOST_FORM),
        (("POST", "/press-photos/{photo}/delete"), HOST_FORM),
        (("POST", "/events/{event}/media"), ALL_200),
        (("POST", "/media-applications/{application}/decision"), HOST_FORM),
        (("GET", "/media-applications/{application}/photo"), [303, 200, 403, 403, 200, 403, 403, 403, 403, 403]),
        (("POST", "/api/v1/events/{event}/press-releases/draft"), [401, 200, 403, 403, 200, 403, 403, 403, 403, 403]),
        (("POST", "/api/v1/events/{event}/press-releases"), [401, 201, 403, 403, 201, 403, 403, 403, 403, 403]),
        (("PUT", "/api/v1/press-releases/{release}"), [404, 200, 404, 404, 200, 404, 404, 404, 404, 403]),
        (("POST", "/api/v1/press-releases/{release}/status"), [404, 200, 404, 404, 200, 404, 404, 404, 404, 403]),
        (("POST", "/api/v1/events/{event}/media-applications"), [201; 10]),
        (("GET", "/api/v1/briefings/{pair}"), [401, 200, 403, 403, 403, 403, 200, 200, 200, 403]),
    ])
}

/// What the requests refer to: a member of Kazakhstan's delegation, a badge, an open invitation.
struct Fixtures {
    member: domain::Id,
    /// A programme item for the host only, with nobody attending: moving it clashes with nothing.
    item: domain::Id,
    /// A private feed of Kazakhstan's delegation and the secret of its URL.
    feed: domain::Id,
    feed_secret: &'static str,
    badge: String,
    invitation: &'static str,
    /// Kazakhstan's request to meet Russia, at an hour outside those for bilaterals so that no
    /// scheduler run places it and no confirmation closes it.
    request: domain::Id,
    /// A members' draft of the CFM's Almaty meeting, with Kazakhstan's pending amendment.
    document: domain::Id,
    amendment: domain::Id,
    /// The first extended item of the CFM's Almaty agenda.
    agenda_item: domain::Id,
    /// Kazakhstan–Russia's 2024 declaration and an action item of it that Kazakhstan answers for.
    agreement: domain::Id,
    action_item: domain::Id,
    /// Kazakhstan's (not internal) report on that declaration's checkpoints, and a file attached to it.
    report: domain::Id,
    attachment: domain::Id,
    /// A release of Almaty embargoed until 2099: its press and press office read it, nobody else.
    release: domain::Id,
    /// A press photo of Almaty in no release and not public: the press office's only.
    photo: domain::Id,
    /// A pending media application to Almaty that came with a photo.
    application: domain::Id,
}

/// Adds the two users the demo lacks (a secretariat of another body, a host of another event), two
/// participants to invite, and an open invitation.
async fn add_other_roles(app: &TestApp) -> Fixtures {
    let store = &app.db.store;
    let car = store::bodies::by_slug(store, "central-asia-russia").await.unwrap();
    let moscow = store::events::by_slug(store, "moscow-2024").await.unwrap();
    let hash = hash_password(DEMO_PASSWORD);
    let mut tx = store.begin().await.unwrap();
    for (name, role) in [
        ("secretariat-other", Role::Secretariat { body: car.id }),
        ("host-other", Role::Host { event: moscow.id, participant: moscow.host }),
    ] {
        let user = store::accounts::create_user(&mut tx, &Actor::anonymous(), name, name, &hash, true).await.unwrap();
        store::accounts::grant(&mut tx, &Actor::anonymous(), &user, &role).await.unwrap();
    }
    for (code, name) in [("FR", "France"), ("DE", "Germany")] {
        let new = domain::participants::NewParticipant {
            code: code.into(),
            kind: domain::participants::ParticipantKind::State,
            short_name: domain::Text::new(&[("en", name)]),
            formal_name: domain::Text::new(&[("en", name)]),
            cases: Default::default(),
            time_zone: "Europe/Paris".into(),
        };
        store::participants::create(&mut tx, &Actor::anonymous(), new).await.unwrap();
    }
    let almaty = store::events::by_slug(store, "almaty-2025").await.unwrap();
    let invitation = "matrix-invitation";
    store::delegations::invite(
        &mut tx,
        &Actor::anonymous(),
        almaty.id,
        "UA",
        "mfa@example.ua",
        invitation,
        jiff::Timestamp::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let kz = store::participants::by_code(store, "KZ").await.unwrap();
    let delegation = store::delegations::of_participant(store, almaty.id, kz.id).await.unwrap();
    let member = store::delegations::members_of(store, delegation.id).await.unwrap().remove(0).id;
    let badge = store::delegations::current_badge(store, member).await.unwrap().unwrap().id;
    let item = store::programme::of_event(store, almaty.id)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.visibility == domain::programme::Visibility::HostOnly)
        .unwrap()
        .id;
    let feed_secret = "matrix-feed-secret";
    let mut tx = store.begin().await.unwrap();
    let feed = store::programme::create_feed(&mut tx, &Actor::anonymous(), almaty.id, delegation.id, None, feed_secret)
        .await
        .unwrap()
        .id;
    let bilateral = domain::bilaterals::Request {
        id: domain::new_id(),
        event_id: almaty.id,
        sides: ["KZ", "RU"]
            .map(|code| domain::bilaterals::Side {
                participant: code.into(),
                answer: domain::bilaterals::Answer::Pending,
            })
            .to_vec(),
        principals: Vec::new(),
        after: Vec::new(),
        duration: 30,
        priority: domain::bilaterals::Priority::Normal,
        windows: vec![domain::bilaterals::Window {
            starts: "2025-04-10T17:00:00Z".parse().unwrap(),
            ends: "2025-04-10T18:00:00Z".parse().unwrap(),
        }],
        windows_by: None,
        replaced: None,
        note: String::new(),
        withdrawn: false,
        outcome: None,
        item: None,
        version: 1,
    };
    let request = store::bilaterals::create(&mut tx, &Actor::anonymous(), bilateral).await.unwrap().id;
    tx.commit().await.unwrap();
    let secretariat = app.login("secretariat", DEMO_PASSWORD).await;
    let draft = json!({
        "body": "cis-cfm", "meeting": "almaty-2025/cis-cfm", "agenda_item": 1, "kind": "draft_decision",
        "register_number": "MATRIX/1", "title": { "ru": "Проект" }, "original_language": "ru",
        "classification": "members", "paragraphs": ["Первый.", "Второй."]
    });
    let document = app.json(&secretariat, "POST", "/api/v1/documents", &draft).await.json()["document"]["id"].clone();
    let amend = json!({ "participant": "KZ", "version": 1, "paragraph": 1, "operation": "delete" });
    let path = format!("/api/v1/documents/{}/amendments", document.as_str().unwrap());
    let amendment = app.json(&secretariat, "POST", &path, &amend).await.json()["amendment"]["id"].clone();
    let agenda = app.get(&secretariat, "/api/v1/events/almaty-2025/meetings/cis-cfm/agenda").await.json();
    let agenda_item = agenda["formats"][1]["items"][0]["id"].clone();
    let admin = app.login("admin", DEMO_PASSWORD).await;
    let all = app.get(&admin, "/api/v1/agreements").await.json();
    let declaration = all["agreements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"]["en"].as_str().unwrap().starts_with("Declaration on the further deepening"))
        .unwrap()["id"]
        .clone();
    let shown = app.get(&admin, &format!("/api/v1/agreements/{}", declaration.as_str().unwrap())).await.json();
    let action_item =
        shown["items"].as_array().unwrap().iter().find(|i| i["responsible"] == json!(["KZ"])).unwrap()["id"].clone();
    let report = shown["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["reports"].as_array().unwrap())
        .find(|r| r["author"] == "KZ" && r["internal"] == false)
        .unwrap()["id"]
        .clone();
    let ministry = app.login("ministry-kz", DEMO_PASSWORD).await;
    let (content_type, body) = multipart_pdf();
    let path = format!("/api/v1/action-reports/{}/attachments", report.as_str().unwrap());
    let attachment =
        app.request(&ministry, "POST", &path, Some(&content_type), body).await.json()["attachment"]["id"].clone();
    let id = |v: serde_json::Value| v.as_str().unwrap().parse().unwrap();
    let (release, photo) = press_fixtures(app, &almaty).await;
    Fixtures {
        release,
        photo,
        application: media_application(app, true).await,
        member,
        item,
        feed,
        feed_secret,
        badge,
        invitation,
        request,
        document: id(document),
        amendment: id(amendment),
        agenda_item: id(agenda_item),
        agreement: id(declaration),
        action_item: id(action_item),
        report: id(report),
        attachment: id(attachment),
    }
}

/// An embargoed release and a pool photo of Almaty.
async fn press_fixtures(app: &TestApp, almaty: &domain::events::Event) -> (domain::Id, domain::Id) {
    let store = &app.db.store;
    let input = domain::press::ReleaseInput {
        title: domain::Text::new(&[("en", "Matrix release")]),
        body: domain::Text::new(&[("en", "Matrix.")]),
        photos: vec![],
    };
    let mut release = domain::press::PressRelease::draft(domain::new_id(), almaty.id, input, jiff::Timestamp::now());
    release.status = domain::press::ReleaseStatus::Embargoed;
    release.release_at = Some("2099-01-01T00:00:00Z".parse().unwrap());
    let mut tx = store.begin().await.unwrap();
    store::press::insert_release(&mut tx, &Actor::anonymous(), &release).await.unwrap();
    tx.commit().await.unwrap();
    (release.id, press_photo(app).await)
}

/// A press photo of Almaty in no release and not public: the press office's only.
async fn press_photo(app: &TestApp) -> domain::Id {
    let almaty = store::events::by_slug(&app.db.store, "almaty-2025").await.unwrap();
    let photo = domain::press::PressPhoto {
        id: domain::new_id(),
        event_id: almaty.id,
        caption: domain::Text::new(&[("en", "Matrix photo")]),
        credit: "Matrix".into(),
        item: None,
        public: false,
        width: 8,
        height: 8,
        created_at: jiff::Timestamp::now(),
    };
    let jpeg = render::normalise(&png(8, 8)).unwrap();
    let mut tx = app.db.store.begin().await.unwrap();
    store::press::insert_photo(&mut tx, &Actor::anonymous(), &photo, &jpeg.jpeg, &jpeg.thumbnail_jpeg).await.unwrap();
    tx.commit().await.unwrap();
    photo.id
}

/// A pending media application to Almaty, for one decision; with a photo if asked.
async fn media_application(app: &TestApp, with_photo: bool) -> domain::Id {
    let almaty = store::events::by_slug(&app.db.store, "almaty-2025").await.unwrap();
    let input = domain::press::ApplicationInput {
        name: "Matrix Journalist".into(),
        outlet: "Matrix".into(),
        country: "Kazakhstan".into(),
        email: "matrix@example.kz".into(),
        press_card: "M-1".into(),
    };
    let mut tx = app.db.store.begin().await.unwrap();
    let photo = match with_photo {
        true => {
            let pixels = render::normalise(&png(8, 8)).unwrap();
            Some(store::press::insert_photo_bytes(&mut tx, &pixels.jpeg, &pixels.thumbnail_jpeg).await.unwrap())
        }
        false => None,
    };
    let application =
        domain::press::MediaApplication::new(domain::new_id(), almaty.id, input, photo, jiff::Timestamp::now());
    store::press::insert_application(&mut tx, &Actor::anonymous(), &application).await.unwrap();
    tx.commit().await.unwrap();
    application.id
}

/// A multipart body of text fields and, if given, a PNG in the field `photo`.
fn multipart_photo(fields: &[(&str, &str)], photo: bool) -> (String, Vec<u8>) {
    let boundary = "matrixboundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    if photo {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"p.png\"\r\nContent-Type: image/png\r\n\r\n")
                .bytes(),
        );
        body.extend(png(8, 8));
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A multipart body carrying a small PDF in the field `file`.
fn multipart_pdf() -> (String, String) {
    let boundary = "matrixboundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"minutes.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 matrix\r\n--{boundary}--\r\n"
    );
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A list of one member, named for whoever imports it and how: the same person twice would be
/// refused as listed already.
fn csv_member(by: &str) -> String {
    format!("family_name_latin;given_names_latin;position_en;rank;role\r\nImported;{by};Adviser;other;adviser\r\n")
}

async fn session_for(app: &TestApp, role: &str) -> Session {
    if role == "anonymous" { Session::default() } else { app.login(role, DEMO_PASSWORD).await }
}

/// The concrete request for a route, made unique by `n` where a second one would collide.
async fn call(app: &TestApp, fx: &Fixtures, session: &Session, role: &str, method: &str, route: &str, n: usize) -> u16 {
    let path = route
        .replace("{participant}", "kz")
        .replace("{member}", &fx.member.to_string())
        .replace("{item}", &fx.item.to_string())
        .replace("{feed}", &fx.feed.to_string())
        .replace("{request}", &fx.request.to_string())
        .replace("{document}", &fx.document.to_string())
        .replace("{amendment}", &fx.amendment.to_string())
        .replace("{agenda_item}", &fx.agenda_item.to_string())
        .replace("{agreement}", &fx.agreement.to_string())
        .replace("{action_item}", &fx.action_item.to_string())
        .replace("{pair}", "kz-ru")
        .replace("{report}", &fx.report.to_string())
        .replace("{attachment}", &fx.attachment.to_string())
        .replace("{release}", &fx.release.to_string())
        .replace("{photo}", &fx.photo.to_string())
        .replace("{application}", &fx.application.to_string())
        .replace("{secret}", fx.feed_secret)
        .replace("{badge}", &fx.badge)
        .replace("{token}", fx.invitation)
        .replace("{lang}", "ru")
        .replace("{file}", "app.css")
        .replace("{body}", "cis-cfm")
        .replace("{meeting}", "cis-cfm")
        .replace("{event}", "almaty-2025")
        .replace("{year}", &(2150 + n % 50).to_string());
    let path = if route == "/language/{lang}" { format!("{path}?next=/events") } else { path };
    let almaty = || async { app.get(&Session::default(), "/api/v1/events/almaty-2025").await.json() };
    let member_version =
        || async { store::delegations::member(&app.db.store, fx.member).await.unwrap().version.to_string() };
    // What the host may decide of the member as it stands: an approved one's badge is reprinted.
    let member_decision = || async {
        let member = store::delegations::member(&app.db.store, fx.member).await.unwrap();
        let approved = matches!(member.accreditation, domain::delegations::Accreditation::Approved { .. });
        (if approved { "reprint" } else { "approve" }, member.version)
    };
    let item_version = || async { store::programme::item(&app.db.store, fx.item).await.unwrap().version };
    // The fixture item going ahead, as a cancellation finds it (one cancelled is not cancelled
    // again): its version.
    let item_going_ahead = || async {
        let item = store::programme::item(&app.db.store, fx.item).await.unwrap();
        if !item.cancelled {
            return item.version;
        }
        let mut tx = app.db.store.begin().await.unwrap();
        let ahead = domain::programme::Item { cancelled: false, ..item.clone() };
        let ahead = store::programme::replace(&mut tx, &Actor::anonymous(), &item, ahead).await.unwrap();
        tx.commit().await.unwrap();
        ahead.version
    };
    let request_version = || async {
        let almaty = store::events::by_slug(&app.db.store, "almaty-2025").await.unwrap();
        let requests = store::bilaterals::of_event(&app.db.store, almaty.id).await.unwrap();
        requests.into_iter().find(|r| r.id == fx.request).unwrap().version
    };
    let agenda_item_now = || async {
        let almaty = store::events::by_slug(&app.db.store, "almaty-2025").await.unwrap();
        let meeting = store::events::meetings_of_event(&app.db.store, almaty.id).await.unwrap();
        let cfm = meeting.into_iter().find(|m| m.meeting.slug == "cis-cfm").unwrap().meeting.id;
        let items = store::agenda::items_of_meeting(&app.db.store, cfm).await.unwrap();
        items.into_iter().find(|i| i.id == fx.agenda_item).unwrap()
    };
    let agenda_item_version = || async { agenda_item_now().await.version };
    let release_version =
        || async { store::press::release(&app.db.store, fx.release).await.unwrap().unwrap().version.to_string() };
    let cfm = || async { store::bodies::by_slug(&app.db.store, "cis-cfm").await.unwrap() };
    let member_form = |version: String| {
        vec![
            ("family_name_latin".to_string(), "Nurtleu".to_string()),
            ("given_names_latin".into(), "Murat".into()),
            ("family_name_cyrillic".into(), "Нуртлеу".into()),
            ("given_names_cyrillic".into(), "Мурат".into()),
            ("position_en".into(), "Deputy Prime Minister – Minister of Foreign Affairs".into()),
            ("rank".into(), "deputy_prime_minister".into()),
            ("role".into(), "head".into()),
            ("formats".into(), "narrow".into()),
            ("version".into(), version),
        ]
    };
    let member_json = json!({
        "names": { "latin": { "family": "Added", "given": "Person" } }, "position": { "en": "Adviser" },
        "rank": "other", "role": "adviser"
    });
    let multipart = |field: &str, body: &str| {
        let boundary = "matrixboundary";
        let text = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"f\"\r\nContent-Type: application/octet-stream\r\n\r\n{body}\r\n--{boundary}--\r\n"
        );
        (format!("multipart/form-data; boundary={boundary}"), text)
    };
    let reply = match (method, route) {
        ("GET", "/events/{event}/programme/live") => return app.head_of_stream(session, &path).await.0.as_u16(),
        ("GET", _) => app.get(session, &path).await,
        ("DELETE", _) => app.request(session, "DELETE", &path, None, axum::body::Body::empty()).await,
        ("POST", "/login") => {
            app.form(session, &path, &[("username", "press"), ("password", DEMO_PASSWORD), ("next", "/")]).await
        }
        ("POST", "/logout") => app.form(session, &path, &[]).await,
        ("POST", "/account/password") => {
            app.form(session, &path, &[("current_password", DEMO_PASSWORD), ("new_password", DEMO_PASSWORD)]).await
        }
        ("POST", "/api/v1/session") => {
            app.json(session, "POST", &path, &json!({ "username": "press", "password": DEMO_PASSWORD })).await
        }
        ("PUT", "/api/v1/me/password") => {
            app.json(
                session,
                "PUT",
                &path,
                &json!({ "current_password": DEMO_PASSWORD, "new_password": DEMO_PASSWORD }),
            )
            .await
        }
        ("POST", "/bodies/{body}/chairs") => {
            // With the chairs the page showed its reader (none to one not shown the form).
            let page = app.get(session, "/bodies/cis-cfm").await.body;
            let seen = page.split("name=\"seen\" value=\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or("");
            app.form(session, &path, &[("year", "2030"), ("chair", "KZ"), ("co_chairs", ""), ("seen", seen)]).await
        }
        ("POST", "/bodies/{body}/memberships") => {
            let (status, from) = next_period();
            app.form(session, &path, &[("participant", "MD"), ("status", status), ("valid_from", &from)]).await
        }
        ("POST", "/api/v1/bodies/{body}/memberships") => {
            let (status, from) = next_period();
            let body = json!({ "participant": "MD", "status": status, "valid_from": from, "valid_until": null });
            app.json(session, "POST", &path, &body).await
        }
        ("POST", "/bodies/{body}/protocol") => {
            let version = cfm().await.version.to_string();
            let fields = [
                ("version", version.as_str()),
                ("precedence.language", "ru"),
                ("precedence.organisations_last", "on"),
                ("protocol.speakers.host_welcomes", "on"),
                ("protocol.seating.table", "round"),
                ("protocol.seating.direction", "alternating"),
                ("protocol.photo.centre", "host"),
                ("protocol.photo.honour_side", "right"),
                ("protocol.photo.row_length", "12"),
                ("protocol.photo.beside", "precedence"),
                ("protocol.accreditation.photo_required", "on"),
                ("protocol.accreditation.photo_exempt", "head_of_state"),
                ("protocol.accreditation.photo_exempt", "head_of_government"),
            ];
            app.form(session, &path, &fields).await
        }
        ("PUT", "/api/v1/bodies/{body}/protocol") => {
            let body = cfm().await;
            let rules = json!({ "version": body.version, "precedence": body.precedence, "protocol": body.protocol });
            app.json(session, "PUT", &path, &rules).await
        }
        ("PUT", "/api/v1/bodies/{body}/chairs/{year}") => {
            app.json(session, "PUT", &path, &json!({ "chair": "KZ" })).await
        }
        ("POST", "/events") => {
            let slug = format!("matrix-form-{n}");
            let fields = [
                ("slug", slug.as_str()),
                ("name_en", "Matrix"),
                ("host", "KZ"),
                ("city_en", "Astana"),
                ("time_zone", "Asia/Almaty"),
                ("start_date", "2026-06-01"),
                ("end_date", "2026-06-02"),
            ];
            app.form(session, &path, &fields).await
        }
        ("POST", "/events/{event}/edit") => {
            let event = almaty().await;
            let version = event["version"].to_string();
            let fields = [
                ("slug", "almaty-2025"),
                ("version", version.as_str()),
                ("name_en", event["name"]["en"].as_str().unwrap()),
                ("name_ru", event["name"]["ru"].as_str().unwrap()),
                ("host", "KZ"),
                ("city_en", "Almaty"),
                ("time_zone", "Asia/Almaty"),
                ("start_date", "2025-04-10"),
                ("end_date", "2025-04-11"),
            ];
            app.form(session, &path, &fields).await
        }
        ("POST", "/api/v1/events") => {
            let body = json!({
                "slug": format!("matrix-api-{n}"), "name": { "en": "Matrix" }, "host": "KZ", "city": { "en": "Astana" },
                "time_zone": "Asia/Almaty", "start_date": "2026-06-01", "end_date": "2026-06-02"
            });
            app.json(session, "POST", &path, &body).await
        }
        ("PUT", "/api/v1/events/{event}") => {
            let event = almaty().await;
            let body = json!({
                "version": event["version"], "slug": "almaty-2025", "name": event["name"], "host": "KZ", "city": event["city"],
                "time_zone": "Asia/Almaty", "start_date": "2025-04-10", "end_date": "2025-04-11", "venues": event["venues"]
            });
            app.json(session, "PUT", &path, &body).await
        }
        ("POST", "/api/v1/events/{event}/meetings") => {
            let body = json!({
                "slug": format!("matrix-meeting-{n}"), "body": "cis-cfm", "number": null, "title": { "en": "Matrix" },
                "chair": "TJ", "formats": ["narrow"], "date": "2025-04-11"
            });
            app.json(session, "POST", &path, &body).await
        }
        ("POST", "/events/{event}/invitations") => {
            let participant = match role {
                "admin" => "GE",
                "host" => "MD",
                _ => "FR",
            };
            app.form(session, &path, &[("participant", participant), ("email", "mfa@example.org")]).await
        }
        ("POST", "/events/{event}/deadline") => {
            let version = almaty().await["version"].to_string();
            app.form(session, &path, &[("deadline", ""), ("version", &version)]).await
        }
        ("POST", "/invitations/{token}") => app.form(session, &path, &[("answer", "confirm"), ("username", "")]).await,
        ("POST", "/events/{event}/delegations/{participant}/members") => {
            // The delegation has its head: a new member is an adviser.
            let fields: Vec<(String, String)> = member_form(String::new())
                .into_iter()
                .map(|(k, v)| if k == "role" { (k, "adviser".to_string()) } else { (k, v) })
                .collect();
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.form(session, &path, &pairs).await
        }
        ("POST", "/events/{event}/delegations/{participant}/members/{member}") => {
            let fields = member_form(member_version().await);
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.form(session, &path, &pairs).await
        }
        ("POST", "/events/{event}/delegations/{participant}/members/{member}/photo") => {
            let (ct, body) = multipart("photo", "not a photo");
            app.request(session, "POST", &path, Some(&ct), body).await
        }
        ("POST", "/events/{event}/delegations/{participant}/import-form") => {
            let (ct, body) = multipart("file", &csv_member(&format!("{role} form")));
            app.request(session, "POST", &path, Some(&ct), body).await
        }
        ("POST", "/events/{event}/members/{member}/decision") => {
            let (action, version) = member_decision().await;
            app.form(session, &path, &[("action", action), ("version", &version.to_string())]).await
        }
        ("POST", "/api/v1/events/{event}/delegations") => {
            let participant = match role {
                "admin" => "FR",
                "host" => "DE",
                _ => "FR",
            };
            app.json(session, "POST", &path, &json!({ "participant": participant, "email": "mfa@example.org" })).await
        }
        ("POST", "/api/v1/events/{event}/delegations/{participant}/members") => {
            app.json(session, "POST", &path, &member_json).await
        }
        ("PUT", "/api/v1/events/{event}/delegations/{participant}/members/{member}") => {
            let mut body = member_json.clone();
            body["version"] = json!(member_version().await.parse::<i64>().unwrap());
            app.json(session, "PUT", &path, &body).await
        }
        ("POST", "/api/v1/events/{event}/delegations/{participant}/import") => {
            app.request(session, "POST", &path, Some("text/csv"), csv_member(role)).await
        }
        ("POST", "/api/v1/events/{event}/members/{member}/decision") => {
            let (action, version) = member_decision().await;
            app.json(session, "POST", &path, &json!({ "action": action, "version": version })).await
        }
        ("POST", "/events/{event}/programme") => {
            let fields = [
                ("kind", "meal"),
                ("title_en", "Matrix"),
                ("starts", "2025-04-11T18:00"),
                ("ends", "2025-04-11T18:30"),
                ("press", "closed"),
                ("visibility", "host_only"),
            ];
            app.form(session, &path, &fields).await
        }
        ("POST", "/events/{event}/delegations/{participant}/feeds") => {
            app.form(session, &path, &[("member", "")]).await
        }
        ("POST", "/events/{event}/delegations/{participant}/feeds/{feed}/revoke") => {
            app.form(session, &path, &[]).await
        }
        ("POST", "/events/{event}/programme/{item}/move") => {
            let version = item_version().await.to_string();
            app.form(session, &path, &[("minutes", "0"), ("version", &version)]).await
        }
        ("POST", "/api/v1/events/{event}/programme") => {
            let body = json!({
                "kind": "meal", "title": { "en": "Matrix" }, "starts": "2025-04-11T18:00", "ends": "2025-04-11T18:30",
                "press": "closed", "visibility": "host_only"
            });
            app.json(session, "POST", &path, &body).await
        }
        ("PUT", "/api/v1/events/{event}/programme/{item}") => {
            let body = json!({
                "version": item_version().await, "kind": "meal", "title": { "en": "Briefing" },
                "starts": "2025-04-11T08:00", "ends": "2025-04-11T08:30", "press": "closed", "visibility": "host_only"
            });
            app.json(session, "PUT", &path, &body).await
        }
        ("POST", "/events/{event}/programme/{item}/cancel") => {
            let version = item_going_ahead().await.to_string();
            app.form(session, &path, &[("version", &version)]).await
        }
        ("POST", "/api/v1/events/{event}/programme/{item}/cancel") => {
            app.json(session, "POST", &path, &json!({ "version": item_going_ahead().await })).await
        }
        ("POST", "/events/{event}/venues") => {
            let version = almaty().await["version"].to_string();
            let room = format!("matrix-room-{n}");
            app.form(
                session,
                &path,
                &[("version", &version), ("venue", "conference-venue"), ("slug", &room), ("name_en", "Room")],
            )
            .await
        }
        ("POST", "/events/{event}/rooms") => {
            let version = almaty().await["version"].to_string();
            app.form(session, &path, &[("version", &version), ("bilaterals", "conference-venue/plenary-hall")]).await
        }
        ("POST", "/events/{event}/travel") => {
            let version = almaty().await["version"].to_string();
            app.form(session, &path, &[("version", &version), ("travel:conference-venue:glory-memorial", "20")]).await
        }
        ("PUT", "/api/v1/events/{event}/venues") => {
            let event = almaty().await;
            let body = json!({ "version": event["version"], "venues": event["venues"], "travel": event["travel"] });
            app.json(session, "PUT", &path, &body).await
        }
        ("POST", "/events/{event}/bilaterals") => {
            app.form(session, &path, &[("with", "TJ"), ("duration", "30"), ("priority", "normal")]).await
        }
        ("POST", "/api/v1/events/{event}/bilaterals") => {
            app.json(session, "POST", &path, &json!({ "with": ["TJ"], "duration": 30 })).await
        }
        ("POST", "/events/{event}/bilaterals/{request}/answer") => {
            app.form(session, &path, &[("answer", "accept"), ("version", &request_version().await.to_string())]).await
        }
        ("POST", "/api/v1/events/{event}/bilaterals/{request}/answer") => {
            let body = json!({ "answer": "accept", "version": request_version().await });
            app.json(session, "POST", &path, &body).await
        }
        ("POST", "/events/{event}/bilaterals/schedule") => {
            let fields =
                [("day_starts", "09:00"), ("day_ends", "20:00"), ("grid", "5"), ("buffer", "5"), ("max_per_day", "6")];
            app.form(session, &path, &fields).await
        }
        ("POST", "/api/v1/events/{event}/bilaterals/schedule") => app.json(session, "POST", &path, &json!({})).await,
        ("POST", "/events/{event}/bilaterals/confirm") => {
            app.form(session, &path, &[("request", &fx.request.to_string())]).await
        }
        // Every placed request, none named.
        ("POST", "/api/v1/events/{event}/bilaterals/confirm") => {
            app.json(session, "POST", &path, &json!({ "all": true })).await
        }
        ("POST", "/events/{event}/meetings/{meeting}/agenda") => {
            let number = (100 + n % 400).to_string();
            let fields = [
                ("format", "extended"),
                ("number", number.as_str()),
                ("title_ru", "Матрица"),
                ("area", "political"),
                ("status", "proposed"),
            ];
            app.form(session, &path, &fields).await
        }
        ("POST", "/events/{event}/meetings/{meeting}/agenda/{agenda_item}") => {
            let version = agenda_item_version().await.to_string();
            app.form(session, &path, &[("status", "considered"), ("version", &version)]).await
        }
        ("POST", "/events/{event}/meetings/{meeting}/agenda/adopt") => {
            app.form(session, &path, &[("format", "extended"), ("version", "0")]).await
        }
        ("POST", "/events/{event}/meetings/{meeting}/agenda/reopen") => {
            let fields = [("format", "extended"), ("version", "0"), ("reason", "Matrix")];
            app.form(session, &path, &fields).await
        }
        ("POST", "/api/v1/events/{event}/meetings/{meeting}/agenda/reopen") => {
            let body = json!({ "format": "extended", "version": 0, "reason": { "en": "Matrix" } });
            app.json(session, "POST", &path, &body).await
        }
        ("POST", "/api/v1/events/{event}/meetings/{meeting}/agenda") => {
            let body = json!({ "format": "extended", "number": 100 + n % 400, "title": { "ru": "Матрица" }, "area": "political" });
            app.json(session, "POST", &path, &body).await
        }
        ("PUT", "/api/v1/events/{event}/meetings/{meeting}/agenda/{agenda_item}") => {
            let item = agenda_item_now().await;
            let body = json!({ "version": item.version, "format": "extended", "number": item.number,
                "title": item.title, "area": item.area, "status": "considered" });
            app.json(session, "PUT", &path, &body).await
        }
        ("POST", "/api/v1/events/{event}/meetings/{meeting}/agenda/adopt") => {
            app.json(session, "POST", &path, &json!({ "format": "extended", "version": 0 })).await
        }
        ("POST", "/api/v1/bodies/{body}/areas") => {
            let body = json!({ "slug": format!("matrix-area-{n}"), "name": { "en": "Matrix" } });
            app.json(session, "POST", &path, &body).await
        }
        ("POST", "/documents") => {
            let number = format!("MATRIX/F{n}");
            let fields = [
                ("body", "cis-cfm"),
                ("kind", "note"),
                ("register_number", number.as_str()),
                ("language", "en"),
                ("classification", "members"),
                ("title", "Matrix"),
                ("text", "One.\r\n\r\nTwo."),
            ];
            app.form(session, &path, &fields).await
        }
        ("POST", "/api/v1/documents") => {
            let body = json!({ "body": "cis-cfm", "kind": "note", "register_number": format!("MATRIX/N{n}"),
                "title": { "en": "Matrix" }, "original_language": "en", "classification": "members", "paragraphs": ["One."] });
            app.json(session, "POST", &path, &body).await
        }
        // Each caller proposes its own words, as the same proposal made again is found, not made.
        ("POST", "/documents/{document}/amendments") => {
            let text = format!("Третий ({role}, form).");
            let fields =
                [("participant", "KZ"), ("version", "1"), ("paragraph", "2"), ("operation", "insert"), ("text", &text)];
            app.form(session, &path, &fields).await
        }
        ("POST", "/api/v1/documents/{document}/amendments") => {
            let text = format!("Третий ({role}).");
            let body =
                json!({ "participant": "KZ", "version": 1, "paragraph": 2, "operation": "insert", "text": text });
            app.json(session, "POST", &path, &body).await
        }
        // The fixture's amendment is Kazakhstan's own: it comments on it, each caller in its own
        // words, as the same comment said again is recorded once.
        ("POST", "/documents/{document}/amendments/{amendment}/responses") => {
            let comment = format!("Уточним ({role}, form).");
            app.form(session, &path, &[("participant", "KZ"), ("position", "comments"), ("comment", &comment)]).await
        }
        ("POST", "/api/v1/documents/{document}/amendments/{amendment}/responses") => {
            let body = json!({ "participant": "KZ", "position": "comments", "comment": format!("Уточним ({role}).") });
            app.json(session, "POST", &path, &body).await
        }
        ("POST", "/documents/{document}/stances") => {
            app.form(session, &path, &[("participant", "KZ"), ("stance", "joins")]).await
        }
        ("POST", "/api/v1/documents/{document}/stances") => {
            app.json(session, "POST", &path, &json!({ "participant": "KZ", "stance": "joins" })).await
        }
        ("POST", "/documents/{document}/versions") => app.form(session, &path, &[("version", "0")]).await,
        ("POST", "/api/v1/documents/{document}/versions") => {
            app.json(session, "POST", &path, &json!({ "version": 0, "accept": [fx.amendment] })).await
        }
        ("POST", "/documents/{document}/decision") => {
            app.form(session, &path, &[("version", "0"), ("action", "adopt")]).await
        }
        ("POST", "/api/v1/documents/{document}/decision") => {
            app.json(session, "POST", &path, &json!({ "version": 0, "action": "adopt" })).await
        }
        ("POST", "/documents/{document}/signatures") => {
            app.form(
                session,
                &path,
                &[
                    ("participant", "KZ"),
                    ("person_en", "M. Nurtleu"),
                    ("position_en", "Minister"),
                    ("place_en", "Almaty"),
                ],
            )
            .await
        }
        ("POST", "/api/v1/documents/{document}/signatures") => {
            let body = json!({ "participant": "KZ", "person": "M. Nurtleu", "position": { "en": "Minister" },
                "signed_at": "2025-04-11T08:20:00Z", "place": { "en": "Almaty" } });
            app.json(session, "POST", &path, &body).await
        }
        ("POST", "/agreements/{agreement}/notifications") => {
            app.form(session, &path, &[("party", "KZ"), ("date", "2025-01-10")]).await
        }
        ("POST", "/api/v1/agreements/{agreement}/notifications") => {
            app.json(session, "POST", &path, &json!({ "party": "KZ", "date": "2025-01-10" })).await
        }
        ("POST", "/agreements/{agreement}/items/{action_item}/reports") => {
            let fields =
                [("participant", "KZ"), ("date", "2026-11-01"), ("progress", "in_progress"), ("text", "Matrix.")];
            app.form(session, &path, &fields).await
        }
        ("POST", "/api/v1/action-items/{action_item}/reports") => {
            let body =
                json!({ "participant": "KZ", "date": "2026-11-01", "progress": "in_progress", "text": "Matrix." });
            app.json(session, "POST", &path, &body).await
        }
        ("POST", "/agreements") => {
            let fields = [
                ("title", "Matrix"),
                ("level", "ministerial"),
                ("parties", "KZ, RU"),
                ("entry_into_force", "on_signature"),
            ];
            app.form(session, &path, &fields).await
        }
        ("POST", "/agreements/{agreement}/items") => {
            let fields = [("title", "Matrix"), ("responsible", "KZ"), ("area", "other"), ("deadline", "2027-01-01")];
            app.form(session, &path, &fields).await
        }
        ("POST", "/agreements/{agreement}/reports/{report}/attachments")
        | ("POST", "/api/v1/action-reports/{report}/attachments") => {
            let (content_type, body) = multipart_pdf();
            app.request(session, "POST", &path, Some(&content_type), body).await
        }
        ("POST", "/agreements/{agreement}/interruption") => {
            app.form(session, &path, &[("version", "0"), ("kind", "suspended"), ("date", "2025-06-01")]).await
        }
        ("POST", "/api/v1/agreements/{agreement}/interruption") => {
            app.json(session, "POST", &path, &json!({ "version": 0, "kind": "suspended", "date": "2025-06-01" })).await
        }
        ("POST", "/api/v1/agreements") => {
            let body = json!({ "title": { "en": "Matrix" }, "level": "ministerial", "parties": ["KZ", "RU"],
                "entry_into_force": "on_signature" });
            app.json(session, "POST", &path, &body).await
        }
        ("POST", "/api/v1/agreements/{agreement}/items") => {
            let body = json!({ "title": { "en": "Matrix" }, "responsible": ["KZ"], "deadline": "2027-01-01" });
            app.json(session, "POST", &path, &body).await
        }
        ("POST", "/events/{event}/press-releases") => app.form(session, &path, &[("title_en", "Matrix")]).await,
        ("POST", "/press-releases/{release}") => {
            let version = release_version().await;
            let fields = [
                ("version", version.as_str()),
                ("title_en", "Matrix release"),
                ("body_en", "Matrix."),
                ("note_en", "An embargoed text is corrected, not rewritten."),
            ];
            app.form(session, &path, &fields).await
        }
        ("POST", "/press-releases/{release}/status") => {
            let version = release_version().await;
            app.form(session, &path, &[("version", &version), ("to", "embargoed"), ("at", "2099-01-01T06:00")]).await
        }
        ("POST", "/events/{event}/press-photos") => {
            let (ct, body) = multipart_photo(&[("caption_en", "Matrix"), ("credit", "Matrix")], true);
            app.request(session, "POST", &path, Some(&ct), body).await
        }
        ("POST", "/events/{event}/media") => {
            let username = format!("matrix-journalist-{n}");
            let fields = [
                ("name", "Matrix Journalist"),
                ("outlet", "Matrix"),
                ("country", "Kazakhstan"),
                ("email", "matrix@example.kz"),
                ("press_card", "M-1"),
                ("username", username.as_str()),
                ("password", DEMO_PASSWORD),
            ];
            let (ct, body) = multipart_photo(&fields, false);
            app.request(session, "POST", &path, Some(&ct), body).await
        }
        ("POST", "/press-photos/{photo}/delete") => {
            let photo = press_photo(app).await;
            app.form(session, &format!("/press-photos/{photo}/delete"), &[]).await
        }
        ("POST", "/media-applications/{application}/decision") => {
            let path = route.replace("{application}", &media_application(app, false).await.to_string());
            app.form(session, &path, &[("version", "1"), ("decision", "approve")]).await
        }
        ("POST", "/api/v1/events/{event}/press-releases/draft") => {
            app.json(session, "POST", &path, &json!({ "date": "2025-04-11", "lang": "ru" })).await
        }
        ("POST", "/api/v1/events/{event}/press-releases") => {
            app.json(session, "POST", &path, &json!({ "title": { "en": "Matrix" } })).await
        }
        ("PUT", "/api/v1/press-releases/{release}") => {
            let version: i64 = release_version().await.parse().unwrap();
            let body = json!({ "title": { "en": "Matrix release" }, "body": { "en": "Matrix." }, "photos": [],
                "version": version, "note": { "en": "An embargoed text is corrected, not rewritten." } });
            app.json(session, "PUT", &path, &body).await
        }
        ("POST", "/api/v1/press-releases/{release}/status") => {
            let version: i64 = release_version().await.parse().unwrap();
            let body = json!({ "to": "embargoed", "at": "2099-01-01T00:00:00Z", "version": version });
            app.json(session, "POST", &path, &body).await
        }
        ("POST", "/api/v1/events/{event}/media-applications") => {
            let body = json!({ "name": "Matrix Journalist", "outlet": "Matrix", "country": "Kazakhstan",
                "email": "matrix@example.kz", "press_card": "M-1", "username": format!("matrix-api-journalist-{n}"),
                "password": DEMO_PASSWORD });
            // A signed-in account applies once to an event, and it applied to Almaty through the
            // form route already: it applies to Moscow's meeting here.
            let path = path.replace("almaty-2025", "moscow-2024");
            app.json(session, "POST", &path, &body).await
        }
        _ => panic!("the matrix does not know how to call {method} {route}: add a request for it"),
    };
    reply.status.as_u16()
}

#[tokio::test]
async fn every_route_answers_every_role_as_expected() {
    let app = TestApp::new().await;
    let fixtures = add_other_roles(&app).await;
    let expected = expectations();
    let routes = web::routes();
    let missing: Vec<String> = routes
        .iter()
        .filter(|r| !expected.contains_key(&(r.method, r.path)))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(missing.is_empty(), "routes without an expectation for every role: {missing:#?}");
    let stale: Vec<_> =
        expected.keys().filter(|(m, p)| !routes.iter().any(|r| r.method == *m && r.path == *p)).collect();
    assert!(stale.is_empty(), "expectations for routes that no longer exist: {stale:?}");

    // Reads share one session per role; writes get a fresh one each (a write may end sessions).
    let mut shared = BTreeMap::new();
    for role in ROLES {
        shared.insert(role, session_for(&app, role).await);
    }
    let mut failures = Vec::new();
    let mut n = 0;
    let (reads, writes): (Vec<_>, Vec<_>) = routes.iter().partition(|r| r.method == "GET");
    for route in reads.into_iter().chain(writes) {
        for (i, role) in ROLES.iter().enumerate() {
            n += 1;
            let session = if route.method == "GET" { shared[role].clone() } else { session_for(&app, role).await };
            let got = call(&app, &fixtures, &session, role, route.method, route.path, n).await;
            let want = expected[&(route.method, route.path)][i];
            if got != want {
                failures.push(format!("{} {} as {role}: expected {want}, got {got}", route.method, route.path));
            }
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

/// A new period of Moldova's membership for each request that adds one: a status other than the
/// one the last left in force, a year later, since a period that changes nothing is refused.
fn next_period() -> (&'static str, String) {
    static SENT: std::sync::atomic::AtomicI16 = std::sync::atomic::AtomicI16::new(0);
    let n = SENT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    (["suspended", "withdrawn"][n as usize % 2], format!("{}-01-01", 2027 + n))
}
