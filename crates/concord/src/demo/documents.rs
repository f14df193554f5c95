//! The papers of the demonstration (`demo/documents.json`): the agendas of the Almaty meetings, the
//! CFM's seventeen drafts with their fates, a negotiation with amendments from two delegations, a
//! signed decision with a special opinion, and the Central Asia–Russia Joint Action Plan.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use domain::agenda::{Agenda, ItemInput};
use domain::decisions::{SignatureInput, Signing, StanceInput, StanceRecord};
use domain::documents::{
    Amendment, AmendmentInput, AmendmentStatus, DocumentFields, DocumentStatus, Names, Operation, Position, Response,
};
use domain::events::Format;
use domain::policy::Actor;
use domain::{Text, new_id};
use serde::Deserialize;
use store::{Store, Tx};

const PAPERS: &str = include_str!("../../../../demo/documents.json");

#[derive(Deserialize)]
struct Papers {
    event: String,
    bodies: Vec<BodyName>,
    agendas: Vec<AgendaData>,
    documents: Vec<DocumentData>,
}

/// A body that documents go on to (the Council of Heads of State), with nothing but its name.
#[derive(Deserialize)]
struct BodyName {
    slug: String,
    name: Text,
}

#[derive(Deserialize)]
struct AgendaData {
    meeting: String,
    adopted: Vec<Format>,
    items: Vec<ItemInput>,
}

#[derive(Deserialize)]
struct DocumentData {
    #[serde(flatten)]
    fields: DocumentFields,
    /// Translations of the last version, by language.
    #[serde(default)]
    translations: BTreeMap<String, Vec<String>>,
    /// Amendments to version 1; the accepted ones make version 2.
    #[serde(default)]
    amendments: Vec<AmendmentData>,
    status: DocumentStatus,
    #[serde(default)]
    forwarded_to: Option<String>,
    #[serde(default)]
    stances: Vec<StanceInput>,
    #[serde(default)]
    signatures: Vec<SignatureInput>,
}

#[derive(Deserialize)]
struct AmendmentData {
    participant: String,
    paragraph: u32,
    operation: Operation,
    #[serde(default)]
    text: String,
    #[serde(default)]
    justification: String,
    accepted: bool,
    #[serde(default)]
    responses: Vec<ResponseData>,
}

#[derive(Deserialize)]
struct ResponseData {
    participant: String,
    position: Position,
    #[serde(default)]
    comment: String,
}

/// Loads the papers in a transaction of their own, once the bodies, events and meetings are in.
pub(super) async fn load(store: &Store, system: &Actor) -> Result<()> {
    let papers: Papers = serde_json::from_str(PAPERS).context("demo/documents.json")?;
    let participants = store::participants::list(store).await?;
    let mut bodies = store::bodies::list(store).await?;
    let event = store::events::by_slug(store, &papers.event).await?;
    let meetings = store::events::meetings_of_event(store, event.id).await?;
    let programme = store::programme::of_event(store, event.id).await?;
    // When a meeting sat in a format: as its session in the programme began.
    let session = |slug: &str, format: Format| {
        programme
            .iter()
            .filter(|i| i.meeting.as_deref() == Some(slug) && i.format() == Some(format))
            .map(|i| i.starts)
            .min()
    };
    let mut transaction = store.begin().await?;
    let tx = &mut transaction;
    for b in papers.bodies {
        let new = domain::bodies::NewBody {
            slug: b.slug,
            name: b.name,
            working_language: "ru".into(),
            decision_rule: domain::bodies::DecisionRule::Consensus,
            chair_rule: domain::bodies::ChairRule::Rotation,
            precedence: None,
            protocol: Default::default(),
            seat: Text::new(&[("en", "Minsk"), ("ru", "Минск"), ("kk", "Минск")]),
            time_zone: "Europe/Minsk".into(),
        };
        bodies.push(store::bodies::create(tx, system, new.validate()?).await?);
    }
    let body_id = |slug: &str| {
        bodies.iter().find(|b| b.slug == slug).map(|b| b.id).with_context(|| format!("unknown body {slug}"))
    };
    let participant_id = |code: &str| {
        participants
            .iter()
            .find(|p| p.code == code)
            .map(|p| p.id)
            .with_context(|| format!("unknown participant {code}"))
    };
    let meeting = |slug: &str| {
        meetings.iter().find(|m| m.meeting.slug == slug).with_context(|| format!("unknown meeting {slug}"))
    };
    let mut agendas = BTreeMap::new();
    let mut sat_at = BTreeMap::new();
    for a in papers.agendas {
        let m = meeting(&a.meeting)?;
        let working_language = bodies
            .iter()
            .find(|b| b.id == m.meeting.body_id)
            .map(|b| b.working_language.clone())
            .with_context(|| format!("no body for meeting {}", a.meeting))?;
        let mut items = Vec::new();
        for input in a.items {
            let input = input.validate(&m.meeting.formats, &[], &working_language, None)?;
            let item = domain::agenda::AgendaItem {
                id: new_id(),
                meeting_id: m.meeting.id,
                format: input.format,
                number: input.number,
                title: input.title,
                area: input.area,
                initiator: input.initiator.as_deref().map(participant_id).transpose()?,
                rapporteur: input.rapporteur,
                status: input.status,
                reason: input.reason,
                forwarded_to: input.forwarded_to.as_deref().map(body_id).transpose()?,
                version: 1,
            };
            items.push(store::agenda::create_item(tx, system, item).await?);
        }
        let morning = m.meeting.date.at(10, 0, 0, 0).in_tz(&event.time_zone)?.timestamp();
        for format in a.adopted {
            // Each format's agenda is adopted as its session opens.
            let adopted_at = session(&a.meeting, format).unwrap_or(morning);
            let agenda = Agenda { meeting_id: m.meeting.id, format, adopted_at: Some(adopted_at), version: 1 };
            store::agenda::set_agenda(tx, system, None, agenda).await?;
        }
        agendas.insert(m.meeting.id, items);
        // Papers are decided in the extended format where the meeting has one.
        let decided = session(&a.meeting, Format::Extended).or(session(&a.meeting, Format::Narrow));
        sat_at.insert(m.meeting.id, decided.unwrap_or(morning));
    }
    for d in papers.documents {
        let register_number = d.fields.register_number.clone();
        let sitting =
            Sitting { meeting: &|slug| meeting(slug).map(|m| m.meeting.id), agendas: &agendas, sat_at: &sat_at };
        document(tx, system, d, &sitting, &participants, &body_id)
            .await
            .with_context(|| format!("document {register_number}"))?;
    }
    transaction.commit().await?;
    Ok(())
}

/// Who the demo's versions are by: the CFM's secretariat, whose account the demo has, as in
/// a real register (the audit still records the loader as the system).
const DRAFTER: &str = "secretariat";

/// The meetings of the event: found by slug, with their agendas and the time they sat.
struct Sitting<'a> {
    meeting: &'a dyn Fn(&str) -> Result<domain::Id>,
    agendas: &'a BTreeMap<domain::Id, Vec<domain::agenda::AgendaItem>>,
    sat_at: &'a BTreeMap<domain::Id, jiff::Timestamp>,
}

async fn document(
    tx: &mut Tx,
    system: &Actor,
    d: DocumentData,
    sitting: &Sitting<'_>,
    participants: &[domain::participants::Participant],
    body_id: &dyn Fn(&str) -> Result<domain::Id>,
) -> Result<()> {
    let now = jiff::Timestamp::now();
    let body = body_id(&d.fields.body)?;
    let meeting = d.fields.meeting.as_deref().map(sitting.meeting).transpose()?;
    let agenda = meeting.and_then(|m| sitting.agendas.get(&m)).map_or(&[][..], Vec::as_slice);
    let names = Names { body, meeting, agenda, participants };
    let (mut doc, first) = d.fields.validate()?.into_document(&names, DRAFTER.into(), now)?;
    doc = store::documents::create(tx, system, doc, first.clone()).await?;
    let code = |c: &str| {
        participants.iter().find(|p| p.code == c).map(|p| p.id).with_context(|| format!("unknown participant {c}"))
    };
    let mut amendments = Vec::new();
    let mut accept = Vec::new();
    for a in d.amendments {
        let input = AmendmentInput {
            id: None,
            participant: a.participant.clone(),
            version: 1,
            paragraph: a.paragraph,
            operation: a.operation,
            text: a.text,
            justification: a.justification,
        }
        .validate(&first)?;
        let amendment = Amendment {
            id: new_id(),
            document_id: doc.id,
            version: 1,
            paragraph: input.paragraph,
            operation: input.operation,
            target: domain::documents::target_text(&first, input.operation, input.paragraph),
            text: input.text,
            justification: input.justification,
            proposer: code(&a.participant)?,
            status: AmendmentStatus::Pending,
            responses: Vec::new(),
            created_at: now,
            row_version: 1,
        };
        let mut amendment = store::documents::propose(tx, system, amendment).await?;
        for r in a.responses {
            let response =
                Response { participant: code(&r.participant)?, position: r.position, comment: r.comment, at: now };
            store::documents::respond(tx, system, amendment.id, response.clone()).await?;
            amendment.responses.push(response);
        }
        if a.accepted {
            accept.push(amendment.id);
        }
        amendments.push(amendment);
    }
    let mut latest = first;
    if !accept.is_empty() {
        let (next, changed) =
            domain::documents::consolidation(&latest, &amendments, &accept, &[], String::new(), DRAFTER.into(), now)?;
        latest = store::documents::add_version(tx, system, &doc, next).await?;
        for (before, after) in changed {
            store::documents::replace_amendment(tx, system, &before, after).await?;
        }
    }
    // The languages the paper has a text in, which its signatures may be given in.
    let languages: Vec<String> =
        std::iter::once(latest.language.clone()).chain(d.translations.keys().cloned()).collect();
    for (language, paragraphs) in d.translations {
        let translation = domain::documents::translation(&latest, &language, &[], paragraphs, DRAFTER.into(), now)
            .with_context(|| format!("the {language} translation"))?;
        store::documents::add_version(tx, system, &doc, translation).await?;
    }
    // Stances on a paper decided at a sitting were stated there; on an open draft, as it is loaded.
    let sat = meeting.and_then(|m| sitting.sat_at.get(&m).copied()).unwrap_or(now);
    let stated = if d.status == DocumentStatus::Draft { now } else { sat };
    let mut stances = Vec::new();
    for s in d.stances {
        let s = s.validate()?;
        let record = StanceRecord { participant: code(&s.participant)?, stance: s.stance, text: s.text, at: stated };
        store::documents::state_stance(tx, system, doc.id, record.clone()).await?;
        stances.push(record);
    }
    let after = match d.status {
        DocumentStatus::Draft => return Ok(()),
        DocumentStatus::Adopted | DocumentStatus::Signed => {
            let forwarded_to = d.forwarded_to.as_deref().map(body_id).transpose()?;
            let at = d.signatures.first().and_then(|s| s.signed_at).unwrap_or(sat);
            doc.clone().adopted(&latest, forwarded_to, at)
        }
        status => domain::documents::Document { status, ..doc.clone() },
    };
    let mut doc_now = store::documents::replace(tx, system, &doc, after).await?;
    let mut signed = Vec::new();
    for s in d.signatures {
        let frame = domain::decisions::SigningFrame {
            on_record: &signed,
            stances: &stances,
            not_before: None,
            now,
            languages: &languages,
            original_language: &doc.original_language,
        };
        let signing = domain::decisions::signing(&frame, code(&s.participant)?, s.validate()?)?;
        if let Signing::First(signature) = &signing {
            signed.push(signature.clone());
        }
        store::documents::sign(tx, system, doc.id, signing).await?;
    }
    if d.status == DocumentStatus::Signed {
        let signed = domain::documents::Document { status: DocumentStatus::Signed, ..doc_now.clone() };
        doc_now = store::documents::replace(tx, system, &doc_now, signed).await?;
    }
    debug_assert_eq!(doc_now.status, d.status);
    Ok(())
}
