//! The record a press release is drafted from: what Concord knows about an event up to a date, as
//! the public may read it — only public, uncancelled programme items, and of documents only counts
//! (never an internal one).

use std::collections::{BTreeSet, HashMap};

use domain::agenda::ItemStatus;
use domain::bodies::{Body, sits_by_right};
use domain::delegations::{DelegationRole, Member};
use domain::documents::{Classification, DocumentStatus};
use domain::events::Event;
use domain::participants::{Participant, ParticipantKind};
use domain::precedence::{Context, order_in};
use domain::press::ReleaseInput;
use domain::press::draft::{self, AreaFact, ItemFacts, MeetingFacts, Party, Person, Record, Sitting};
use domain::programme::{ItemKind, Visibility};
use domain::seating::heads_at;
use domain::{Id, Text};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;
use store::Store;

use crate::error::AppError;

/// What the draft is about.
#[derive(schemars::JsonSchema, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DraftRequest {
    #[schemars(with = "domain::schema::Date")]
    pub(crate) date: Date,
    #[serde(default = "english")]
    #[schemars(extend("enum" = draft::LANGUAGES))]
    pub(crate) lang: String,
    /// One meeting of the event, by slug.
    #[serde(default)]
    pub(crate) meeting: Option<String>,
    /// One bilateral: its programme item.
    #[serde(default)]
    pub(crate) bilateral: Option<Id>,
}

pub(crate) fn english() -> String {
    "en".into()
}

/// Everything the public record says about the event up to the requested date: only public,
/// uncancelled programme items, only counts of documents (never an internal one).
pub(crate) async fn record_of(store: &Store, event: &Event, req: &DraftRequest) -> Result<Record, AppError> {
    if req.date < event.start_date || req.date > event.end_date {
        return Err(AppError::field("date", "outside-event"));
    }
    let tz = jiff::tz::TimeZone::get(&event.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let participants = store::participants::list(store).await?;
    let party_of = |id: Id| participants.iter().find(|p| p.id == id).map(party);
    let delegations = store::delegations::of_event(store, event.id).await?;
    let members = store::delegations::approved_of_event(store, event.id).await?;
    let participant_of_delegation: HashMap<Id, Id> = delegations.iter().map(|d| (d.id, d.participant_id)).collect();
    // Each head of delegation with its participant: at a meeting, the one sitting at it.
    let heads: Vec<(Id, &Member)> = members
        .iter()
        .filter(|m| m.role == DelegationRole::Head)
        .filter_map(|m| participant_of_delegation.get(&m.delegation_id).map(|p| (*p, m)))
        .collect();
    let person = |participant: Id, m: &Member| {
        party_of(participant).map(|party| Person {
            names: m.names.clone(),
            position: m.position.clone(),
            cases: m.cases.clone(),
            party,
        })
    };
    let person_of = |participant: Id, meeting: Option<&str>| {
        let own = heads.iter().filter(|(p, _)| *p == participant).map(|(_, m)| *m);
        Member::head_at(own, meeting, true).and_then(|m| person(participant, m))
    };
    let code_of = |code: &str| participants.iter().find(|p| p.code == code).map(|p| p.id);
    let items = store::programme::of_event(store, event.id).await?;
    // A bilateral's release is written on its own day; it must be a public bilateral of the event.
    let date = match req.bilateral {
        Some(id) => {
            let item = items.iter().find(|i| {
                i.id == id && i.kind == ItemKind::Bilateral && i.visibility == Visibility::Public && !i.cancelled
            });
            item.ok_or_else(|| AppError::field("bilateral", "unknown"))?.starts.to_zoned_datetime(tz.clone()).date()
        }
        None => req.date,
    };
    let mut facts: Vec<(Timestamp, ItemFacts)> = items
        .iter()
        .filter(|i| !i.cancelled && i.visibility == Visibility::Public)
        .filter(|i| match (&req.meeting, req.bilateral) {
            (_, Some(b)) => i.id == b,
            (Some(m), None) => i.meeting.as_deref() == Some(m.as_str()),
            (None, None) => true,
        })
        .filter(|i| {
            matches!(
                i.kind,
                ItemKind::Welcome | ItemKind::FamilyPhoto | ItemKind::Ceremony | ItemKind::Visit | ItemKind::Bilateral
            )
        })
        .map(|i| {
            let date = i.starts.to_zoned_datetime(tz.clone()).date();
            let mut persons: Vec<Person> = if i.attendees.heads {
                Vec::new()
            } else {
                let meeting = i.meeting.as_deref();
                i.attendees
                    .delegations
                    .iter()
                    .filter_map(|c| code_of(c))
                    .filter_map(|p| person_of(p, meeting))
                    .collect()
            };
            persons.extend(i.attendees.persons.iter().filter_map(|id| {
                let m = members.iter().find(|m| m.id == *id)?;
                person(*participant_of_delegation.get(&m.delegation_id)?, m)
            }));
            (i.starts, ItemFacts { kind: i.kind, date, title: i.title.clone(), persons })
        })
        .filter(|(_, f)| f.date <= date)
        .collect();
    facts.sort_by_key(|(t, _)| *t);
    let meetings = if req.bilateral.is_some() {
        Vec::new()
    } else {
        let mut all: Vec<_> =
            store::events::meetings_of_event(store, event.id).await?.into_iter().map(|m| m.meeting).collect();
        // In the order they sat: by their first programme item.
        let first_sitting = |slug: &str| {
            items
                .iter()
                .filter(|i| i.meeting.as_deref() == Some(slug))
                .map(|i| i.starts)
                .min()
                .unwrap_or(Timestamp::MAX)
        };
        all.sort_by_key(|m| first_sitting(&m.slug));
        let mut out = Vec::new();
        if let Some(slug) = &req.meeting {
            match all.iter().find(|m| m.slug == *slug) {
                None => return Err(AppError::field("meeting", "unknown")),
                Some(m) if m.date != date => {
                    let held = ("date", m.date.to_string());
                    return Err(AppError::field_with("meeting", "meeting-on-another-day", vec![held]));
                }
                Some(_) => {}
            }
        }
        let bodies = store::bodies::list(store).await?;
        for m in all {
            if m.date != date || req.meeting.as_ref().is_some_and(|s| *s != m.slug) {
                continue;
            }
            out.push(meeting_facts(store, event, &m, &participants, &bodies, &heads, &person).await?);
        }
        out
    };
    Ok(Record {
        date,
        city: event.city.clone(),
        city_cases: event.city_cases.clone(),
        host: party_of(event.host).unwrap_or_default(),
        host_person: person_of(event.host, None),
        meetings,
        items: facts.into_iter().map(|(_, f)| f).collect(),
    })
}

fn party(p: &Participant) -> Party {
    Party {
        short_name: p.short_name.clone(),
        formal_name: p.formal_name.clone(),
        cases: p.cases.clone(),
        organisation: p.kind == ParticipantKind::Organisation,
    }
}

async fn meeting_facts(
    store: &Store,
    event: &Event,
    m: &domain::events::Meeting,
    participants: &[Participant],
    bodies: &[Body],
    heads: &[(Id, &Member)],
    person: &impl Fn(Id, &Member) -> Option<Person>,
) -> Result<MeetingFacts, AppError> {
    let body = bodies.iter().find(|b| b.id == m.body_id).ok_or(AppError::NotFound)?;
    let memberships = store::bodies::memberships(store, body.id).await?;
    // Those who sit at the meeting, in its order, as on its seating plan (an organisation's
    // Secretary General marked for it too).
    let heads: Vec<Person> = {
        let seated = heads_at(&m.slug, heads.iter().copied(), |p| sits_by_right(&memberships, p, m.date, event.host));
        let taking_part: Vec<&Participant> = participants.iter().filter(|p| seated.contains_key(&p.id)).collect();
        let head_rank = |id: Id| seated.get(&id).map(|h| h.rank);
        let context = Context { host: Some(event.host), head_rank: &head_rank };
        order_in(&body.precedence, &taking_part, &context)
            .into_iter()
            .filter_map(|p| person(p.id, seated[&p.id]))
            .collect()
    };
    let agenda = store::agenda::items_of_meeting(store, m.id).await?;
    let areas_of_body = store::agenda::areas_of(store, body.id).await?;
    let mut seen = BTreeSet::new();
    let areas = domain::agenda::STANDARD_AREAS
        .iter()
        .map(|s| s.to_string())
        .chain(areas_of_body.iter().map(|a| a.slug.clone()))
        .filter(|slug| agenda.iter().any(|i| i.area == *slug && i.status != ItemStatus::Withdrawn))
        .filter(|slug| seen.insert(slug.clone()))
        .map(|slug| {
            let name = areas_of_body.iter().find(|a| a.slug == slug).map(|a| a.name.clone()).unwrap_or_default();
            AreaFact { slug, name }
        })
        .collect();
    let documents: Vec<_> = store::documents::of_meeting(store, m.id)
        .await?
        .into_iter()
        .filter(|d| d.classification != Classification::Internal)
        .collect();
    let mut forwarded: Vec<(usize, Text)> = Vec::new();
    for to in documents.iter().filter_map(|d| d.forwarded_to) {
        let name = bodies.iter().find(|b| b.id == to).map(|b| b.name.clone()).unwrap_or_default();
        match forwarded.iter_mut().find(|(_, n)| *n == name) {
            Some((count, _)) => *count += 1,
            None => forwarded.push((1, name)),
        }
    }
    let history = store::events::meetings_of_body(store, body.id).await?;
    let previous = history.iter().rfind(|x| x.meeting.date < m.date).map(|x| (x.meeting.event_id, x.meeting.date));
    let next = history.iter().find(|x| x.meeting.date > m.date).map(|x| (x.meeting.event_id, x.meeting.date));
    let (previous, next) = (sitting(store, previous).await?, sitting(store, next).await?);
    let chair = m.chair.and_then(|c| participants.iter().find(|p| p.id == c)).map(party);
    Ok(MeetingFacts {
        date: m.date,
        title: m.title.clone(),
        title_cases: m.cases.clone(),
        body: body.name.clone(),
        chaired_by_host: m.chair == Some(event.host),
        chair,
        formats: m.formats.clone(),
        heads,
        areas,
        agenda_items: agenda.len(),
        documents: documents.len(),
        adopted: documents
            .iter()
            .filter(|d| matches!(d.status, DocumentStatus::Adopted | DocumentStatus::Signed))
            .count(),
        signed: documents.iter().filter(|d| d.status == DocumentStatus::Signed).count(),
        forwarded,
        previous,
        next,
    })
}

/// Where and when another meeting of the body sat.
async fn sitting(store: &Store, meeting: Option<(Id, Date)>) -> Result<Option<Sitting>, AppError> {
    let Some((event, date)) = meeting else { return Ok(None) };
    let other = store::events::by_id(store, event).await?;
    Ok(Some(Sitting { date, city: other.city, city_cases: other.city_cases }))
}

/// A release's text drafted from the record in each language.
/// The first draft of a release on `date` of `event`, in every language: what `concord demo`
/// publishes for 11 April 2025.
pub async fn drafted_on(store: &Store, event: &Event, date: Date) -> Result<ReleaseInput, AppError> {
    drafted(store, event, &DraftRequest { date, lang: english(), meeting: None, bilateral: None }).await
}

pub(crate) async fn drafted(store: &Store, event: &Event, req: &DraftRequest) -> Result<ReleaseInput, AppError> {
    let record = record_of(store, event, req).await?;
    let (mut title, mut body) = (Text::default(), Text::default());
    for lang in draft::LANGUAGES {
        let d = draft::compose(&record, lang).map_err(|_| AppError::field("lang", "invalid-choice"))?;
        title.0.insert(lang.to_string(), d.title);
        body.0.insert(lang.to_string(), d.body);
    }
    Ok(ReleaseInput { title, body, photos: Vec::new() })
}
