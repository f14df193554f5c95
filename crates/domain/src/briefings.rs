//! The briefing pack a minister takes into a bilateral: the agreements between the two sides and
//! their status, the open and overdue action items on each side, the multilateral agreements both
//! are party to with their open items. Reports are those the reader may see: a side's internal
//! assessments appear only in its own copy.

use serde::Serialize;

use crate::Id;
use crate::agreements::{ActionItem, Agreement, AgreementStatus, ItemStatus, Report};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Briefing {
    /// The two sides, the reader's first.
    pub sides: [Id; 2],
    /// Agreements between the two alone.
    pub bilateral: Vec<Entry>,
    /// Agreements both are party to, with others.
    pub multilateral: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub agreement: Agreement,
    pub status: AgreementStatus,
    /// Open items (planned, in progress, overdue) for which either side is responsible.
    pub items: Vec<Line>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub item: ActionItem,
    pub status: ItemStatus,
    pub reports: Vec<Report>,
}

/// What the pack is made from.
pub struct Sources<'a> {
    pub agreements: &'a [Agreement],
    pub items: &'a [ActionItem],
    pub reports: &'a [Report],
    pub now: jiff::Timestamp,
    pub zones: &'a dyn Fn(Id) -> Option<jiff::tz::TimeZone>,
}

/// The pack for `reader`'s side meeting `other`; `own` are the participants whose internal
/// reports the reader may see.
pub fn briefing(reader: Id, other: Id, own: &[Id], s: &Sources) -> Briefing {
    let today = s.now.to_zoned_datetime(s.zones(reader).unwrap_or(jiff::tz::TimeZone::UTC)).date();
    let entry = |a: &Agreement| {
        let mut items: Vec<Line> = s
            .items
            .iter()
            .filter(|i| i.agreement_id == a.id && (i.responsible.contains(&reader) || i.responsible.contains(&other)))
            .map(|i| Line {
                status: i.status(s.now, s.zones),
                reports: s.reports.iter().filter(|r| r.item_id == i.id && r.visible_to(own)).cloned().collect(),
                item: i.clone(),
            })
            .filter(|l| l.status.is_open())
            .collect();
        items.sort_by_key(|l| (l.status != ItemStatus::Overdue, l.item.deadline));
        Entry { agreement: a.clone(), status: a.status_on(today), items }
    };
    let both: Vec<&Agreement> = s.agreements.iter().filter(|a| a.binds(reader, other)).collect();
    Briefing {
        sides: [reader, other],
        bilateral: both.iter().filter(|a| a.is_bilateral()).map(|a| entry(a)).collect(),
        multilateral: both.iter().filter(|a| !a.is_bilateral()).map(|a| entry(a)).collect(),
    }
}

impl Sources<'_> {
    fn zones(&self, p: Id) -> Option<jiff::tz::TimeZone> {
        (self.zones)(p)
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;
    use crate::agreements::{EntryIntoForce, Level, Progress};
    use crate::{Text, new_id};

    #[test]
    fn a_pack_holds_the_two_sides_agreements_their_open_items_and_only_the_readers_own_assessments() {
        let (kz, ru, by, uz) = (new_id(), new_id(), new_id(), new_id());
        let agreement = |parties: Vec<Id>| Agreement {
            id: new_id(),
            title: Text::new(&[("en", "A")]),
            level: Level::Highest,
            parties,
            document_id: None,
            signed_on: Some(date(2024, 11, 28)),
            signed_at: Text::default(),
            depositary: None,
            entry_into_force: EntryIntoForce::OnSignature,
            threshold: None,
            notifications: vec![],
            interruptions: Vec::new(),
            version: 1,
        };
        let (kz_ru, plan, by_uz) = (agreement(vec![kz, ru]), agreement(vec![kz, ru, uz]), agreement(vec![by, uz]));
        let item = |a: &Agreement, responsible: Vec<Id>, deadline, progress| ActionItem {
            id: new_id(),
            agreement_id: a.id,
            title: Text::new(&[("en", "I")]),
            responsible,
            agencies: Text::default(),
            area: "other".into(),
            deadline,
            progress,
            version: 1,
        };
        let late = item(&kz_ru, vec![ru], date(2025, 1, 31), Progress::InProgress);
        let done = item(&kz_ru, vec![kz], date(2025, 2, 1), Progress::Done);
        let uz_only = item(&plan, vec![uz], date(2026, 1, 1), Progress::Planned);
        let ours = item(&plan, vec![kz], date(2026, 1, 1), Progress::Planned);
        let report = |i: &ActionItem, author, internal| Report {
            id: new_id(),
            item_id: i.id,
            author: Some(author),
            date: date(2025, 3, 1),
            text: "r".into(),
            progress: Progress::InProgress,
            internal,
            at: jiff::Timestamp::UNIX_EPOCH,
        };
        let reports = [report(&late, ru, false), report(&late, ru, true), report(&late, kz, true)];
        let zones = |_| Some(jiff::tz::TimeZone::get("Asia/Almaty").unwrap());
        let sources = Sources {
            agreements: &[kz_ru.clone(), plan.clone(), by_uz],
            items: &[late.clone(), done, uz_only, ours.clone()],
            reports: &reports,
            now: "2025-04-10T06:00:00Z".parse().unwrap(),
            zones: &zones,
        };
        let pack = briefing(kz, ru, &[kz], &sources);
        assert_eq!(pack.bilateral.len(), 1);
        assert_eq!(pack.bilateral[0].status, AgreementStatus::InForce);
        let open: Vec<(Id, ItemStatus)> = pack.bilateral[0].items.iter().map(|l| (l.item.id, l.status)).collect();
        assert_eq!(open, [(late.id, ItemStatus::Overdue)], "done items are not open");
        let authors: Vec<(Option<Id>, bool)> =
            pack.bilateral[0].items[0].reports.iter().map(|r| (r.author, r.internal)).collect();
        assert_eq!(
            authors,
            [(Some(ru), false), (Some(kz), true)],
            "Russia's internal assessment is not in Kazakhstan's copy"
        );
        assert_eq!(pack.multilateral.len(), 1);
        let items: Vec<Id> = pack.multilateral[0].items.iter().map(|l| l.item.id).collect();
        assert_eq!(items, [ours.id], "only the two sides' items");
        let theirs = briefing(ru, kz, &[ru], &sources);
        let authors: Vec<Option<Id>> = theirs.bilateral[0].items[0].reports.iter().map(|r| r.author).collect();
        assert_eq!(authors, [Some(ru), Some(ru)]);
    }
}
