//! The follow-up of the demonstration (`demo/agreements.json`): Kazakhstan–Russia agreements at the
//! highest and high levels with action items in various states, the Central Asia–Russia Joint Action
//! Plan and the CIS plan for the 80th anniversary of the Victory, so that the briefing for the
//! 10 April talks has something to say.

use anyhow::{Context, Result};
use domain::agreements::{
    ActionItem, ActionItemInput, Agreement, AgreementInput, Notification, Progress, Report, ReportInput,
};
use domain::policy::Actor;
use domain::{Id, new_id};
use jiff::civil::Date;
use serde::Deserialize;
use store::Store;

const FOLLOW_UP: &str = include_str!("../../../../demo/agreements.json");

#[derive(Deserialize)]
struct FollowUp {
    agreements: Vec<AgreementData>,
}

#[derive(Deserialize)]
struct AgreementData {
    #[serde(flatten)]
    input: AgreementInput,
    /// The register number of the adopted document it comes from.
    #[serde(default)]
    from_document: Option<String>,
    #[serde(default)]
    notifications: Vec<NotificationData>,
    items: Vec<ItemData>,
}

#[derive(Deserialize)]
struct NotificationData {
    party: String,
    date: Date,
}

#[derive(Deserialize)]
struct ItemData {
    #[serde(flatten)]
    input: ActionItemInput,
    reports: Vec<ReportInput>,
}

/// Loads the agreements in one transaction, once the participants and documents are in.
pub(super) async fn load(store: &Store, system: &Actor) -> Result<()> {
    let follow_up: FollowUp = serde_json::from_str(FOLLOW_UP).context("demo/agreements.json")?;
    let participants = store::participants::list(store).await?;
    let id = |code: &str| -> Result<Id> {
        participants
            .iter()
            .find(|p| p.code == code)
            .map(|p| p.id)
            .with_context(|| format!("unknown participant {code}"))
    };
    let documents = store::documents::search(
        store,
        &domain::policy::DocumentReach { all: true, ..Default::default() },
        &Default::default(),
    )
    .await?
    .found;
    let today = jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
    let mut tx = store.begin().await?;
    for a in follow_up.agreements {
        let input = a.input.validate(today)?;
        let parties = input.parties.iter().map(|c| id(c)).collect::<Result<Vec<_>>>()?;
        let document_id = match &a.from_document {
            Some(number) => Some(
                documents
                    .iter()
                    .find(|f| &f.document.register_number == number)
                    .with_context(|| format!("no document {number}"))?
                    .document
                    .id,
            ),
            None => None,
        };
        let mut agreement = Agreement {
            id: new_id(),
            title: input.title,
            level: input.level,
            parties,
            document_id,
            signed_on: input.signed_on,
            signed_at: input.signed_at,
            depositary: input.depositary.as_deref().map(id).transpose()?,
            entry_into_force: input.entry_into_force,
            threshold: input.threshold,
            notifications: Vec::new(),
            interruptions: Vec::new(),
            version: 1,
        };
        agreement = store::agreements::create(&mut tx, system, agreement).await?;
        for n in a.notifications {
            let notification = Notification { party: id(&n.party)?, date: n.date };
            domain::agreements::check_notification(&agreement, notification.party, notification.date, today)?;
            store::agreements::notify(&mut tx, system, &agreement, notification.clone()).await?;
            agreement.notifications.push(notification);
        }
        let today = jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
        for i in a.items {
            let input = i.input.validate(&input.parties, agreement.signed_on, &[])?;
            let item = ActionItem {
                id: new_id(),
                agreement_id: agreement.id,
                title: input.title,
                responsible: input.responsible.iter().map(|c| id(c)).collect::<Result<Vec<_>>>()?,
                agencies: input.agencies,
                area: input.area,
                deadline: input.deadline,
                progress: Progress::Planned,
                version: 1,
            };
            let mut item = store::agreements::create_item(&mut tx, system, item).await?;
            for r in i.reports {
                let r = r.validate(agreement.signed_on, today)?;
                let report = Report {
                    id: new_id(),
                    item_id: item.id,
                    author: r.participant.as_deref().map(id).transpose()?,
                    date: r.date,
                    text: r.text,
                    progress: r.progress,
                    internal: r.internal,
                    at: jiff::Timestamp::now(),
                };
                store::agreements::add_report(&mut tx, system, report).await?;
            }
            if item.progress != input.progress {
                let after = ActionItem { progress: input.progress, ..item.clone() };
                item = store::agreements::replace_item(&mut tx, system, &item, after).await?;
            }
            debug_assert_eq!(item.progress, input.progress);
        }
    }
    tx.commit().await?;
    Ok(())
}
