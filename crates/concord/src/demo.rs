//! The demonstration scenario (`demo/almaty-2025.json`): the CIS Council of Foreign Ministers in
//! Almaty, 10–11 April 2025, with the meetings around it and one account per demo role.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use domain::Text;
use domain::accounts::{Role, hash_password, new_secret};
use domain::bodies::{ChairRule, DecisionRule, MembershipStatus, NewBody, validate_period};
use domain::delegations::{DelegationStatus, MemberFields};
use domain::events::{EventFields, Format, MeetingFields, Venue};
use domain::participants::NewParticipant;
use domain::policy::Actor;
use domain::programme::{Item, ItemFrame, ItemInput, Travel};
use domain::text::CaseForms;
use jiff::civil::Date;
use serde::Deserialize;
use store::Store;
use store::delegations::Decision;

mod agreements;
mod documents;
mod press;

const SCENARIO: &str = include_str!("../../../demo/almaty-2025.json");

#[derive(Deserialize)]
struct Scenario {
    participants: Vec<NewParticipant>,
    bodies: Vec<BodyData>,
    events: Vec<EventData>,
    delegations: DelegationsData,
    programme: ProgrammeData,
    bilaterals: BilateralsData,
    accounts: Accounts,
}

/// Bilateral requests at the programme's event, with each asked side's answer; a request may name
/// the programme item (by English title) that confirmed it.
#[derive(Deserialize)]
struct BilateralsData {
    requests: Vec<BilateralData>,
}

#[derive(Deserialize)]
struct BilateralData {
    from: String,
    #[serde(flatten)]
    request: domain::bilaterals::RequestInput,
    #[serde(default)]
    answers: BTreeMap<String, domain::bilaterals::Answer>,
    #[serde(default)]
    item: Option<String>,
}

#[derive(Deserialize)]
struct DelegationsData {
    event: String,
    /// When the host sent the invitations: the date their notes verbales bear.
    invited_at: jiff::Timestamp,
    list: Vec<DelegationData>,
}

#[derive(Deserialize)]
struct DelegationData {
    participant: String,
    email: String,
    members: Vec<MemberFields>,
}

#[derive(Deserialize)]
struct BodyData {
    slug: String,
    name: Text,
    working_language: String,
    decision_rule: DecisionRule,
    chair_rule: ChairRule,
    #[serde(default)]
    precedence: Option<domain::precedence::PrecedencePolicy>,
    #[serde(default)]
    protocol: domain::bodies::ProtocolPolicy,
    seat: Text,
    time_zone: String,
    memberships: Vec<MembershipData>,
    chairs: Vec<ChairData>,
}

#[derive(Deserialize)]
struct MembershipData {
    participant: String,
    status: MembershipStatus,
    valid_from: Date,
    valid_until: Option<Date>,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
struct ChairData {
    year: i16,
    chair: String,
    #[serde(default)]
    co_chairs: Vec<String>,
}

#[derive(Deserialize)]
struct EventData {
    slug: String,
    name: Text,
    host: String,
    city: Text,
    #[serde(default)]
    city_cases: CaseForms,
    time_zone: String,
    start_date: Date,
    end_date: Date,
    #[serde(default)]
    venues: Vec<Venue>,
    #[serde(default)]
    travel: Vec<Travel>,
    meetings: Vec<MeetingData>,
}

/// The programme of one event of the scenario.
#[derive(Deserialize)]
struct ProgrammeData {
    event: String,
    items: Vec<ItemInput>,
}

#[derive(Deserialize)]
struct MeetingData {
    slug: String,
    body: String,
    number: Option<i32>,
    title: Text,
    #[serde(default)]
    cases: CaseForms,
    chair: Option<String>,
    formats: Vec<Format>,
    date: Date,
}

#[derive(Deserialize)]
struct Accounts {
    password: String,
    admin: Named,
    secretariat: SecretariatData,
    host: EventAccount,
    press: EventAccount,
    delegations_at: String,
    member_states: Vec<String>,
    /// Organisations that send a delegation (the CIS Executive Committee): an accreditation
    /// officer each, who answers the bilaterals asked of it, and no ministry.
    organisations: Vec<String>,
}

#[derive(Deserialize)]
struct Named {
    display_name: String,
}

#[derive(Deserialize)]
struct SecretariatData {
    display_name: String,
    bodies: Vec<String>,
}

#[derive(Deserialize)]
struct EventAccount {
    display_name: String,
    event: String,
}

/// The demo accounts and their password, for the console and the README.
pub fn accounts() -> Result<(Vec<String>, String)> {
    let scenario: Scenario = serde_json::from_str(SCENARIO).context("demo/almaty-2025.json")?;
    let a = scenario.accounts;
    let mut names: Vec<String> = ["admin", "secretariat", "host", "press"].iter().map(|s| s.to_string()).collect();
    for code in &a.member_states {
        names.push(format!("ministry-{}", code.to_lowercase()));
        names.push(format!("delegation-{}", code.to_lowercase()));
    }
    names.extend(a.organisations.iter().map(|code| format!("delegation-{}", code.to_lowercase())));
    Ok((names, a.password))
}

/// Whether the scenario is already in the database.
pub async fn is_loaded(store: &Store) -> Result<bool> {
    Ok(store::bodies::by_slug(store, "cis-cfm").await.is_ok())
}

/// Loads the scenario in one transaction, every write audited as done by the system.
pub async fn load(store: &Store) -> Result<()> {
    let scenario: Scenario = serde_json::from_str(SCENARIO).context("demo/almaty-2025.json")?;
    let system = Actor::anonymous();
    let mut tx = store.begin().await?;
    let mut participants = BTreeMap::new();
    for p in scenario.participants {
        let p = store::participants::create(&mut tx, &system, p.validate()?).await?;
        participants.insert(p.code.clone(), p.id);
    }
    let mut bodies = BTreeMap::new();
    for b in scenario.bodies {
        let new = NewBody {
            slug: b.slug,
            name: b.name,
            working_language: b.working_language,
            decision_rule: b.decision_rule,
            chair_rule: b.chair_rule,
            precedence: b.precedence,
            protocol: b.protocol,
            seat: b.seat,
            time_zone: b.time_zone,
        };
        let body = store::bodies::create(&mut tx, &system, new.validate()?).await?;
        for m in b.memberships {
            validate_period(m.valid_from, m.valid_until)?;
            let new = store::bodies::NewMembership {
                participant: &m.participant,
                status: m.status,
                valid_from: m.valid_from,
                valid_until: m.valid_until,
                note: &m.note,
            };
            store::bodies::add_membership(&mut tx, &system, body.id, new).await?;
        }
        for c in b.chairs {
            store::bodies::set_chair(&mut tx, &system, body.id, c.year, &c.chair, &c.co_chairs, None).await?;
        }
        bodies.insert(body.slug.clone(), body);
    }
    let mut events = BTreeMap::new();
    let mut meetings_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in scenario.events {
        let fields = EventFields {
            slug: e.slug,
            name: e.name,
            host: e.host,
            city: e.city,
            city_cases: e.city_cases,
            time_zone: e.time_zone,
            start_date: e.start_date,
            end_date: e.end_date,
            venues: Some(e.venues),
            travel: Some(e.travel),
        };
        let event = store::events::create(&mut tx, &system, fields.validate()?).await?;
        for m in e.meetings {
            let body = bodies.get(&m.body).with_context(|| format!("unknown body {}", m.body))?;
            let fields = MeetingFields {
                slug: m.slug,
                body: m.body,
                number: m.number,
                title: m.title,
                cases: m.cases,
                chair: m.chair,
                formats: m.formats,
                date: m.date,
            };
            let meeting =
                store::events::create_meeting(&mut tx, &system, &event, body.id, fields.validate(&event)?).await?;
            meetings_of.entry(event.slug.clone()).or_default().push(meeting.slug);
        }
        events.insert(event.slug.clone(), event);
    }
    let event = events.get(&scenario.delegations.event).context("unknown event for the delegations")?;
    let mut invited = Vec::new();
    let invited_at = scenario.delegations.invited_at;
    let photo = silhouette()?;
    for d in scenario.delegations.list {
        invited.push(d.participant.clone());
        let delegation =
            store::delegations::invite(&mut tx, &system, event.id, &d.participant, &d.email, &new_secret(), invited_at)
                .await?;
        let delegation =
            store::delegations::respond(&mut tx, &system, &delegation, DelegationStatus::Confirmed).await?;
        for fields in d.members {
            let member =
                store::delegations::add_member(&mut tx, &system, &delegation, domain::new_id(), fields.validate()?)
                    .await?;
            let member =
                store::delegations::set_photo(&mut tx, &system, &member, &photo.jpeg, &photo.thumbnail_jpeg).await?;
            let badge = new_secret()[..24].to_string();
            store::delegations::decide(&mut tx, &system, &member, event.id, Decision::Approve { badge_id: &badge })
                .await?;
        }
    }
    let programme = scenario.programme;
    let event = events.get(&programme.event).context("unknown event for the programme")?;
    let meetings = meetings_of.get(&programme.event).cloned().unwrap_or_default();
    let mut items = BTreeMap::new();
    for input in programme.items {
        let fields = input.validate(&ItemFrame { event, meetings: &meetings, participants: &invited, members: &[] })?;
        let item = store::programme::create(&mut tx, &system, Item::new(domain::new_id(), event.id, fields)).await?;
        items.insert(item.title.get("en").to_string(), item.id);
    }
    let frame = domain::bilaterals::RequestFrame { event, delegations: &invited, members: &[], requests: &[] };
    for b in scenario.bilaterals.requests {
        let mut request = b.request.validate(&frame, &b.from)?;
        for (code, answer) in b.answers {
            request = request.answer(&code, answer)?;
        }
        if let Some(title) = b.item {
            request.item = Some(*items.get(&title).with_context(|| format!("no programme item «{title}»"))?);
        }
        store::bilaterals::create(&mut tx, &system, request).await?;
    }
    let a = scenario.accounts;
    let hash = hash_password(&a.password);
    let event_id =
        |slug: &str| events.get(slug).map(|e| (e.id, e.host)).with_context(|| format!("unknown event {slug}"));
    let participant_id =
        |code: &str| participants.get(code).copied().with_context(|| format!("unknown participant {code}"));
    let mut accounts: Vec<(String, String, Vec<Role>)> = vec![
        ("admin".into(), a.admin.display_name, vec![Role::Admin]),
        (
            "secretariat".into(),
            a.secretariat.display_name,
            a.secretariat
                .bodies
                .iter()
                .map(|b| bodies.get(b).map(|b| Role::Secretariat { body: b.id }))
                .collect::<Option<_>>()
                .context("unknown body")?,
        ),
    ];
    let (host_event, host_participant) = event_id(&a.host.event)?;
    accounts.push((
        "host".into(),
        a.host.display_name,
        vec![Role::Host { event: host_event, participant: host_participant }],
    ));
    accounts.push(("press".into(), a.press.display_name, vec![Role::Press { event: event_id(&a.press.event)?.0 }]));
    let (delegation_event, _) = event_id(&a.delegations_at)?;
    for code in &a.member_states {
        let participant = participant_id(code)?;
        let lower = code.to_lowercase();
        accounts.push((
            format!("ministry-{lower}"),
            format!("Ministry of Foreign Affairs ({code})"),
            vec![Role::Ministry { participant }],
        ));
        accounts.push((
            format!("delegation-{lower}"),
            format!("Accreditation officer ({code})"),
            vec![Role::AccreditationOfficer { event: delegation_event, participant }],
        ));
    }
    for code in &a.organisations {
        accounts.push((
            format!("delegation-{}", code.to_lowercase()),
            format!("Accreditation officer ({code})"),
            vec![Role::AccreditationOfficer { event: delegation_event, participant: participant_id(code)? }],
        ));
    }
    for (username, display_name, roles) in accounts {
        let user = store::accounts::create_user(&mut tx, &system, &username, &display_name, &hash, true).await?;
        for role in &roles {
            store::accounts::grant(&mut tx, &system, &user, role).await?;
        }
    }
    tx.commit().await?;
    documents::load(store, &system).await?;
    agreements::load(store, &system).await?;
    press::load(store, &system).await
}

/// The photo the demo's members carry in place of their own (the CFM's rule asks for one): a grey
/// head and shoulders.
fn silhouette() -> Result<render::Photo> {
    let (width, height) = (300_i64, 400_i64);
    let image = image::RgbImage::from_fn(width as u32, height as u32, |x, y| {
        let (x, y) = (i64::from(x), i64::from(y));
        let head = (x - 150).pow(2) + (y - 150).pow(2) <= 70 * 70;
        // The shoulders: the top of an ellipse centred at the bottom edge, 140 wide each way, 150 high.
        let shoulders = (x - 150).pow(2) * 150 * 150 + (y - height).pow(2) * 140 * 140 <= 140 * 140 * 150 * 150;
        if head || shoulders { image::Rgb([150, 158, 168]) } else { image::Rgb([222, 226, 230]) }
    });
    let mut png = Vec::new();
    image.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)?;
    Ok(render::photo::normalise(&png)?)
}
