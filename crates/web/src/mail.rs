//! Notices to people, in their language: written into the outbox in the same transaction as the
//! change they report, shown in the app, and sent by SMTP from there.

use std::collections::BTreeMap;

use domain::delegations::{Accreditation, Delegation, Member};
use domain::events::Event;
use domain::participants::Participant;
use domain::{Id, new_id};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use store::Store;
use store::accounts::User;
use store::delegations::Notice;

use crate::AppState;
use crate::error::AppError;

fn link(state: &AppState, path: &str) -> String {
    format!("{}{path}", state.config.base_url.trim_end_matches('/'))
}

/// The invitation of a participant's ministry, with the link that answers it.
pub(crate) async fn invitation(
    state: &AppState,
    event: &Event,
    participant: &Participant,
    email: &str,
    token: &str,
) -> Result<Notice, AppError> {
    let lang = crate::lists::event_language(state, event).await?;
    let host = store::participants::list(&state.store).await?.into_iter().find(|p| p.id == event.host);
    let host = host.ok_or(AppError::NotFound)?;
    let mut args = crate::wording::invitation_args(state, &lang, event, &host, participant);
    args.push(("link", link(state, &format!("/invitations/{token}")).into()));
    Ok(Notice {
        id: new_id(),
        user_id: None,
        email: email.to_string(),
        subject: state.i18n.t(&lang, "mail-invitation-subject", &args),
        body: state.i18n.t(&lang, "mail-invitation-body", &args),
        lang,
    })
}

/// The confirmation to the newly named accreditation officer.
pub(crate) async fn confirmation(
    state: &AppState,
    event: &Event,
    participant: &Participant,
    officer: &User,
    email: &str,
    lang: &str,
) -> Result<Vec<Notice>, AppError> {
    let args = [
        ("event", event.name.get(lang).to_string().into()),
        ("participant", participant.short_name.get(lang).to_string().into()),
        ("username", officer.username.clone().into()),
        (
            "link",
            link(state, &format!("/events/{}/delegations/{}", event.slug, participant.code.to_lowercase())).into(),
        ),
    ];
    Ok(vec![Notice {
        id: new_id(),
        user_id: Some(officer.id),
        email: email.to_string(),
        lang: lang.to_string(),
        subject: state.i18n.t(lang, "mail-confirmed-subject", &args),
        body: state.i18n.t(lang, "mail-confirmed-body", &args),
    }])
}

/// A delegation's accreditation officers and the event's language, whom the host's decisions on
/// its members are told to: read before the decision's transaction, which holds the event's row
/// while approvals take their badge numbers in turn (none then waits on a connection of the pool
/// held by another approval that waits on the row).
pub(crate) struct Officers {
    lang: String,
    to: Vec<(domain::Id, String)>,
}

pub(crate) async fn officers(state: &AppState, event: &Event, delegation: &Delegation) -> Result<Officers, AppError> {
    let lang = crate::lists::event_language(state, event).await?;
    let officers = store::accounts::officers_of(&state.store, &[delegation.id]).await?;
    Ok(Officers { lang, to: officers.into_iter().map(|(_, officer, email)| (officer, email)).collect() })
}

/// The host's decision on a member, to the delegation's accreditation officers.
pub(crate) fn decision(state: &AppState, event: &Event, officers: &Officers, member: &Member) -> Vec<Notice> {
    let lang = &officers.lang;
    let key = match &member.accreditation {
        Accreditation::Approved { .. } => "mail-approved",
        Accreditation::Rejected { .. } => "mail-rejected",
        Accreditation::Revoked { .. } => "mail-revoked",
        Accreditation::Requested => return vec![],
    };
    let reason = match &member.accreditation {
        Accreditation::Rejected { reason } | Accreditation::Revoked { reason, .. } => reason.clone(),
        _ => String::new(),
    };
    let args = [
        ("event", event.name.get(lang).to_string().into()),
        ("name", member.names.display(lang).into()),
        ("reason", reason.into()),
    ];
    officers
        .to
        .iter()
        .map(|(officer, email)| Notice {
            id: new_id(),
            user_id: Some(*officer),
            email: email.clone(),
            lang: lang.clone(),
            subject: state.i18n.t(lang, &format!("{key}-subject"), &args),
            body: state.i18n.t(lang, &format!("{key}-body"), &args),
        })
        .collect()
}

/// The host's decision on a journalist's application, to the journalist.
pub(crate) async fn media_decision(
    state: &AppState,
    event: &Event,
    application: &domain::press::MediaApplication,
) -> Result<Notice, AppError> {
    let lang = crate::lists::event_language(state, event).await?;
    let key = match application.status {
        domain::press::ApplicationStatus::Approved => "mail-media-approved",
        domain::press::ApplicationStatus::Revoked => "mail-media-revoked",
        _ => "mail-media-rejected",
    };
    let args = [
        ("event", event.name.get(&lang).to_string().into()),
        ("name", application.name.clone().into()),
        ("reason", application.reason.clone().into()),
        ("link", link(state, &format!("/events/{}/media-programme", event.slug)).into()),
    ];
    Ok(Notice {
        id: new_id(),
        user_id: application.user_id,
        email: application.email.clone(),
        subject: state.i18n.t(&lang, &format!("{key}-subject"), &args),
        body: state.i18n.t(&lang, &format!("{key}-body"), &args),
        lang,
    })
}

/// Sends notices over SMTP.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// `smtp://HOST:PORT` of a relay on a trusted network (no TLS here: put a relay in front).
    pub fn new(url: &str, from: &str) -> Result<Mailer, String> {
        let rest = url.strip_prefix("smtp://").ok_or("the SMTP address must look like smtp://HOST:PORT")?;
        let (host, port) = rest.rsplit_once(':').unwrap_or((rest, "25"));
        let port: u16 = port.trim_end_matches('/').parse().map_err(|_| format!("not a port: {port}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(port).build();
        let from = from.parse().map_err(|e| format!("not a sender address ({from}): {e}"))?;
        Ok(Mailer { transport, from })
    }

    /// Sends up to `limit` notices waiting in the outbox; returns how many went out.
    pub async fn send_pending(&self, store: &Store, limit: i64) -> Result<usize, store::StoreError> {
        let mut sent = 0;
        for notice in store::delegations::unsent_notices(store, limit).await? {
            if notice.email.is_empty() {
                store::delegations::mark_notice(store, notice.id, Some("no address")).await?;
                continue;
            }
            match self.send(&notice).await {
                Ok(()) => {
                    store::delegations::mark_notice(store, notice.id, None).await?;
                    sent += 1;
                }
                Err(e) => {
                    tracing::warn!(notice = %notice.id, error = %e, "sending a notice failed");
                    store::delegations::mark_notice(store, notice.id, Some(&e)).await?;
                }
            }
        }
        Ok(sent)
    }

    async fn send(&self, notice: &Notice) -> Result<(), String> {
        let to: Mailbox = notice.email.parse().map_err(|e| format!("{e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&notice.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(
                Body::new_with_encoding(notice.body.clone(), ContentTransferEncoding::QuotedPrintable)
                    .map_err(|_| "unencodable body")?,
            )
            .map_err(|e| e.to_string())?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| e.to_string())
    }

    /// Sends the outbox every few seconds, for as long as the server runs.
    pub fn spawn(self, store: Store) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                if let Err(e) = self.send_pending(&store, 50).await {
                    tracing::warn!(error = %e, "reading the outbox failed");
                }
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            }
        })
    }
}

/// How long before the accreditation deadline delegations are reminded.
pub const REMINDER_HORIZON: jiff::SignedDuration = jiff::SignedDuration::from_hours(48);

/// The reminders due for delegations whose event's accreditation deadline is near: each
/// delegation with its notices, to its accreditation officers, or to the invited address while
/// nobody is named. Read in a few queries, whatever the number of delegations (each event's own
/// once).
pub async fn reminders_due(state: &AppState, now: jiff::Timestamp) -> Result<Vec<(Id, Vec<Notice>)>, AppError> {
    let due = store::delegations::due_reminders(&state.store, now, now + REMINDER_HORIZON).await?;
    let participants = store::participants::list(&state.store).await?;
    let officers = store::accounts::officers_of(&state.store, &due.iter().map(|d| d.id).collect::<Vec<_>>()).await?;
    let mut events: BTreeMap<Id, (Event, String)> = BTreeMap::new();
    let mut reminders = Vec::new();
    for delegation in due {
        if !events.contains_key(&delegation.event_id) {
            let event = store::events::by_id(&state.store, delegation.event_id).await?;
            let lang = crate::lists::event_language(state, &event).await?;
            events.insert(event.id, (event, lang));
        }
        let (event, lang) = &events[&delegation.event_id];
        let tz = jiff::tz::TimeZone::get(&event.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        let deadline = event
            .accreditation_deadline
            .map(|d| d.to_zoned_datetime(tz).strftime("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        let code = participants
            .iter()
            .find(|p| p.id == delegation.participant_id)
            .map(|p| p.code.to_lowercase())
            .unwrap_or_default();
        let args = [
            ("event", event.name.get(lang).to_string().into()),
            ("deadline", format!("{deadline} ({})", event.time_zone).into()),
            ("link", link(state, &format!("/events/{}/delegations/{code}", event.slug)).into()),
        ];
        let mut recipients: Vec<(Option<Id>, String)> = officers
            .iter()
            .filter(|(of, ..)| *of == delegation.id)
            .map(|(_, officer, email)| (Some(*officer), email.clone()))
            .collect();
        if recipients.is_empty() {
            recipients.push((None, delegation.email.clone()));
        }
        let notices = recipients
            .into_iter()
            .map(|(user_id, email)| Notice {
                id: new_id(),
                user_id,
                email,
                lang: lang.clone(),
                subject: state.i18n.t(lang, "mail-reminder-subject", &args),
                body: state.i18n.t(lang, "mail-reminder-body", &args),
            })
            .collect();
        reminders.push((delegation.id, notices));
    }
    Ok(reminders)
}

/// Queues the reminders due ([`reminders_due`]). Each delegation is reminded once, even with
/// several nodes. Returns how many delegations were reminded.
pub async fn queue_reminders(state: &AppState, now: jiff::Timestamp) -> Result<usize, AppError> {
    let mut reminded = 0;
    for (delegation, notices) in reminders_due(state, now).await? {
        let mut tx = state.store.begin().await?;
        if store::delegations::mark_reminded(&mut tx, delegation).await? {
            notify_all(&mut tx, &notices).await?;
            tx.commit().await?;
            reminded += 1;
        }
    }
    Ok(reminded)
}

async fn notify_all(tx: &mut store::Tx, notices: &[Notice]) -> Result<(), AppError> {
    for notice in notices {
        store::delegations::notify(tx, notice).await?;
    }
    Ok(())
}

/// How many days before an action item's deadline its responsible ministries are reminded.
pub const ITEM_REMINDER_DAYS: i64 = 7;

/// The reminders due to the responsible parties' ministries: of every open action item due within
/// a week, and of one that has become overdue (after its deadline day has ended where the party
/// is), each not sent before; each item with the kind of reminder and its notices. Read in a few
/// queries, whatever the number of items.
pub async fn item_reminders_due(
    state: &AppState,
    now: jiff::Timestamp,
) -> Result<Vec<(Id, &'static str, Vec<Notice>)>, AppError> {
    let participants = store::participants::list(&state.store).await?;
    let agreements = store::agreements::all(&state.store).await?;
    let ids: Vec<Id> = agreements.iter().map(|a| a.id).collect();
    let items = store::agreements::items_of(&state.store, &ids).await?;
    let zone = |p: Id| participants.iter().find(|x| x.id == p).and_then(|x| jiff::tz::TimeZone::get(&x.time_zone).ok());
    let today = now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
    let sent = store::agreements::reminded(&state.store).await?;
    let mut due = Vec::new();
    for item in &items {
        let kind = match item.status(now, &zone) {
            domain::agreements::ItemStatus::Overdue => "overdue",
            s if s.is_open() && item.due_within(today, ITEM_REMINDER_DAYS) => "due_soon",
            _ => continue,
        };
        if sent.iter().any(|(id, k)| *id == item.id && k == kind) {
            continue;
        }
        if let Some(agreement) = agreements.iter().find(|a| a.id == item.agreement_id && a.is_followed_on(today)) {
            due.push((item, kind, agreement));
        }
    }
    let parties: Vec<Id> = due.iter().flat_map(|(item, ..)| item.responsible.iter().copied()).collect();
    let ministries = store::accounts::ministries_of(&state.store, &parties).await?;
    Ok(due
        .into_iter()
        .map(|(item, kind, agreement)| {
            // Agreements of the region are written in Russian first; the notice follows the text.
            let lang = if agreement.title.exact("ru").is_some() { "ru" } else { "en" };
            let args = [
                ("item", item.title.get(lang).to_string().into()),
                ("agreement", agreement.title.get(lang).to_string().into()),
                ("deadline", state.i18n.date(lang, item.deadline).into()),
                ("link", link(state, &format!("/agreements/{}#item-{}", agreement.id, item.id)).into()),
            ];
            let mut notices: Vec<Notice> = Vec::new();
            for (party, user, email) in &ministries {
                // A user who speaks for two responsible parties is told once.
                if item.responsible.contains(party) && notices.iter().all(|n| n.user_id != Some(*user)) {
                    notices.push(Notice {
                        id: new_id(),
                        user_id: Some(*user),
                        email: email.clone(),
                        lang: lang.to_string(),
                        subject: state.i18n.t(lang, &format!("mail-item-{kind}-subject"), &args),
                        body: state.i18n.t(lang, &format!("mail-item-{kind}-body"), &args),
                    });
                }
            }
            (item.id, kind, notices)
        })
        .collect())
}

/// Queues the action items' reminders due ([`item_reminders_due`]), each once, even with several
/// nodes. Returns how many items were reminded of.
pub async fn queue_item_reminders(state: &AppState, now: jiff::Timestamp) -> Result<usize, AppError> {
    let mut reminded = 0;
    for (item, kind, notices) in item_reminders_due(state, now).await? {
        let mut tx = state.store.begin().await?;
        if store::agreements::remind_once(&mut tx, item, kind).await? {
            notify_all(&mut tx, &notices).await?;
            tx.commit().await?;
            reminded += 1;
        }
    }
    Ok(reminded)
}

/// Queues deadline reminders every few minutes, for as long as the server runs.
pub fn spawn_reminders(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = queue_reminders(&state, jiff::Timestamp::now()).await {
                tracing::warn!(error = %e, "queueing deadline reminders failed");
            }
            if let Err(e) = queue_item_reminders(&state, jiff::Timestamp::now()).await {
                tracing::warn!(error = %e, "queueing action item reminders failed");
            }
            tokio::time::sleep(std::time::Duration::from_secs(300)).await;
        }
    })
}
