//! Agendas: the numbered questions before a meeting, per format, each tagged with an area of
//! cooperation; a draft agenda until it is adopted.

use serde::{Deserialize, Serialize};

use crate::documents::names;
use crate::events::Format;
use crate::validation::{Checker, Invalid, check_slug};
use crate::{Id, Text};

/// The areas of cooperation every body has; a secretariat adds its own (see [`Area`]).
pub const STANDARD_AREAS: [&str; 8] = [
    "political",
    "trade_economic",
    "investment",
    "transport_logistics",
    "cultural_humanitarian",
    "security",
    "border_security",
    "other",
];

/// Whether `slug` names an area: a standard one, or one of those the secretariats added.
pub fn known_area(slug: &str, added: &[Area]) -> bool {
    STANDARD_AREAS.contains(&slug) || added.iter().any(|a| a.slug == slug)
}

/// An area a body's secretariat added to the standard ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    pub body_id: Id,
    pub slug: String,
    pub name: Text,
}

#[derive(schemars::JsonSchema, Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaInput {
    pub slug: String,
    pub name: Text,
}

impl AreaInput {
    pub fn validate(self) -> Result<AreaInput, Invalid> {
        let mut c = Checker::new();
        check_slug(&mut c, "slug", &self.slug);
        if STANDARD_AREAS.contains(&self.slug.replace('-', "_").as_str()) {
            c.fail("slug", "standard-area");
        }
        let name = self.name.checked(&mut c, "name", 200);
        c.finish(AreaInput { name, ..self })
    }
}

#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Proposed,
    Included,
    /// Withdrawn, with the reason (e.g. domestic procedures not complete).
    Withdrawn,
    Considered,
    /// Considered and forwarded to another body.
    Forwarded,
}

names!(ItemStatus {
    Proposed => "proposed",
    Included => "included",
    Withdrawn => "withdrawn",
    Considered => "considered",
    Forwarded => "forwarded",
});

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaItem {
    pub id: Id,
    pub meeting_id: Id,
    pub format: Format,
    pub number: u32,
    pub title: Text,
    pub area: String,
    pub initiator: Option<Id>,
    /// Who reports on the question (a minister, the Executive Committee…).
    pub rapporteur: Text,
    pub status: ItemStatus,
    /// Why it was withdrawn.
    pub reason: Text,
    pub forwarded_to: Option<Id>,
    pub version: i64,
}

/// What the secretariat enters for an agenda item.
#[derive(schemars::JsonSchema, Debug, Clone, Deserialize)]
#[schemars(rename = "AgendaItemInput")]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    pub format: Format,
    #[schemars(range(min = *NUMBERS.start(), max = *NUMBERS.end()))]
    pub number: u32,
    /// The question, in the body's working language and any others.
    pub title: Text,
    pub area: String,
    #[serde(default)]
    pub initiator: Option<String>,
    #[serde(default)]
    pub rapporteur: Text,
    #[serde(default = "proposed")]
    pub status: ItemStatus,
    /// Why it was withdrawn: required with `withdrawn`.
    #[serde(default)]
    pub reason: Text,
    /// The slug of the body it is forwarded to: required with `forwarded`, and only then.
    #[serde(default)]
    pub forwarded_to: Option<String>,
}

fn proposed() -> ItemStatus {
    ItemStatus::Proposed
}

/// The numbers an agenda item may have.
pub const NUMBERS: std::ops::RangeInclusive<u32> = 1..=500;

impl ItemInput {
    /// A change of `before`: an item no longer withdrawn that sends back the reason it was
    /// withdrawn for (a client writing back what it read) drops it rather than being refused.
    pub fn reasoned_as(self, before: &AgendaItem) -> ItemInput {
        match self.status != ItemStatus::Withdrawn && self.reason == before.reason {
            true => ItemInput { reason: Text::default(), ..self },
            false => self,
        }
    }

    /// Checks an item (a new one, or a change of `before`) against the meeting's formats and the
    /// areas its body knows. A title given or changed is in the body's working language: the
    /// language the agenda is adopted in and its readers fall back to. An item titled before the
    /// rule keeps its title through a change of its status.
    pub fn validate(
        self,
        formats: &[Format],
        areas: &[Area],
        working_language: &str,
        before: Option<&AgendaItem>,
    ) -> Result<ItemInput, Invalid> {
        let mut c = Checker::new();
        // A meeting that lists no formats sits in one; any format names it.
        if !formats.is_empty() && !formats.contains(&self.format) {
            c.fail("format", "format-not-held");
        }
        c.within("number", self.number, &NUMBERS);
        let title = self.title.checked(&mut c, "title", 1_000);
        let retitled = before.is_none_or(|b| b.title != title);
        if retitled && !title.0.is_empty() && title.exact(working_language).is_none() {
            let language = vec![("language", working_language.to_string())];
            c.fail_with(format!("title.{working_language}"), "title-in-working-language", language);
        }
        if !known_area(&self.area, areas) {
            c.fail_with("area", "unknown-area", vec![("value", self.area.chars().take(64).collect())]);
        }
        let rapporteur = optional(&mut c, "rapporteur", self.rapporteur, 300);
        let reason = optional(&mut c, "reason", self.reason, 1_000);
        match (self.status == ItemStatus::Withdrawn, reason.0.is_empty()) {
            (true, true) => c.fail("reason", "required"),
            (false, false) => c.fail("reason", "only-when-withdrawn"),
            _ => {}
        }
        match (self.status, &self.forwarded_to) {
            (ItemStatus::Forwarded, None) => c.fail("forwarded_to", "required"),
            (ItemStatus::Forwarded, Some(_)) | (_, None) => {}
            (_, Some(_)) => c.fail("forwarded_to", "only-when-forwarded"),
        }
        c.finish(ItemInput { title, rapporteur, reason, ..self })
    }
}

fn optional(c: &mut Checker, field: &str, text: Text, max: usize) -> Text {
    if text.0.values().all(|v| v.trim().is_empty()) { Text::default() } else { text.checked(c, field, max) }
}

/// A meeting's agenda in one format: a draft until adopted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agenda {
    pub meeting_id: Id,
    pub format: Format,
    pub adopted_at: Option<jiff::Timestamp>,
    pub version: i64,
}

/// The formats a meeting's agenda is kept in: the meeting's own, or for a meeting that lists none
/// (it sits in one) the formats its items were entered in, else the extended one.
pub fn formats_kept(meeting: &[Format], items: &[AgendaItem]) -> Vec<Format> {
    if !meeting.is_empty() {
        return meeting.to_vec();
    }
    let mut used: Vec<Format> = Vec::new();
    for item in items {
        if !used.contains(&item.format) {
            used.push(item.format);
        }
    }
    if used.is_empty() { vec![Format::Extended] } else { used }
}

impl Agenda {
    pub fn is_adopted(&self) -> bool {
        self.adopted_at.is_some()
    }
}

/// Why an item may not be added or changed as asked (`before`: the item as it stands, if any),
/// given the formats whose agenda is adopted: an adopted agenda's questions stay as adopted, only
/// their fate changes, so an item neither joins one nor leaves it. The reason is a key the web
/// layer words in the reader's language.
pub fn check_change(adopted: &[Format], before: Option<&AgendaItem>, after: &AgendaItem) -> Result<(), &'static str> {
    if adopted.contains(&after.format) && before.is_none_or(|b| b.format != after.format) {
        return Err("agenda-adopted-no-new-item");
    }
    match before {
        Some(b)
            if adopted.contains(&b.format)
                && (b.format, b.number, &b.title, &b.area)
                    != (after.format, after.number, &after.title, &after.area) =>
        {
            Err("agenda-adopted-status-only")
        }
        _ => Ok(()),
    }
}

/// The meeting's decision to change its adopted agenda: when the agenda had been adopted, when it
/// was reopened, and why (an item added at a delegation's proposal…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reopening {
    pub meeting_id: Id,
    pub format: Format,
    pub adopted_at: jiff::Timestamp,
    pub reopened_at: jiff::Timestamp,
    pub reason: Text,
}

/// An adopted agenda as it stood when the meeting reopened it: the record that an agenda, once
/// adopted, changed only by the meeting's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revision {
    /// 1 for the agenda first adopted, 2 for the one adopted after it was first reopened…
    pub number: u32,
    pub reopening: Reopening,
    pub items: Vec<RevisionItem>,
}

/// A question as its agenda was adopted. Kept apart from [`AgendaItem`] so that revisions stored
/// long ago still read when items gain fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionItem {
    pub id: Id,
    pub number: u32,
    pub title: Text,
    pub area: String,
    pub status: ItemStatus,
    #[serde(default)]
    pub reason: Text,
    #[serde(default)]
    pub forwarded_to: Option<Id>,
}

impl From<&AgendaItem> for RevisionItem {
    fn from(i: &AgendaItem) -> Self {
        RevisionItem {
            id: i.id,
            number: i.number,
            title: i.title.clone(),
            area: i.area.clone(),
            status: i.status,
            reason: i.reason.clone(),
            forwarded_to: i.forwarded_to,
        }
    }
}

/// What the secretariat enters to reopen an adopted agenda.
#[derive(schemars::JsonSchema, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReopenInput {
    pub format: Format,
    pub reason: Text,
}

impl ReopenInput {
    pub fn validate(self) -> Result<ReopenInput, Invalid> {
        let mut c = Checker::new();
        let reason = self.reason.checked(&mut c, "reason", 1_000);
        c.finish(ReopenInput { reason, ..self })
    }
}

/// Reopens an adopted agenda as the meeting decided: the draft it becomes, and the decision. The
/// store keeps the agenda as it stood with the decision, as the next revision. A draft is refused
/// (the key the web layer words).
pub fn reopen(agenda: &Agenda, reason: Text, at: jiff::Timestamp) -> Result<(Agenda, Reopening), &'static str> {
    let adopted_at = agenda.adopted_at.ok_or("agenda-draft")?;
    let reopening =
        Reopening { meeting_id: agenda.meeting_id, format: agenda.format, adopted_at, reopened_at: at, reason };
    Ok((Agenda { adopted_at: None, ..agenda.clone() }, reopening))
}

/// Why an agenda cannot be adopted as it stands.
pub fn check_adoptable(items: &[&AgendaItem]) -> Result<(), Invalid> {
    let mut c = Checker::new();
    if items.iter().all(|i| i.status == ItemStatus::Withdrawn) {
        c.fail("items", "agenda-empty");
    }
    let mut numbers: Vec<u32> = items.iter().map(|i| i.number).collect();
    numbers.sort_unstable();
    if numbers.windows(2).any(|w| w[0] == w[1]) {
        c.fail("items", "duplicate-number");
    }
    // An adopted agenda holds what the meeting agreed to take up: a question only proposed is
    // included or withdrawn first.
    let mut proposed: Vec<u32> = items.iter().filter(|i| i.status == ItemStatus::Proposed).map(|i| i.number).collect();
    proposed.sort_unstable();
    if !proposed.is_empty() {
        let numbers = proposed.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
        c.fail_with("items", "items-still-proposed", vec![("numbers", numbers)]);
    }
    c.finish(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::new_id;

    fn input() -> ItemInput {
        ItemInput {
            format: Format::Extended,
            number: 3,
            title: Text::new(&[("ru", "О плане мероприятий")]),
            area: "cultural_humanitarian".into(),
            initiator: Some("RU".into()),
            rapporteur: Text::default(),
            status: ItemStatus::Included,
            reason: Text::default(),
            forwarded_to: None,
        }
    }

    /// An item as stored from an input.
    fn stored(input: &ItemInput) -> AgendaItem {
        AgendaItem {
            id: new_id(),
            meeting_id: new_id(),
            format: input.format,
            number: input.number,
            title: input.title.clone(),
            area: input.area.clone(),
            initiator: None,
            rapporteur: input.rapporteur.clone(),
            status: input.status,
            reason: input.reason.clone(),
            forwarded_to: None,
            version: 1,
        }
    }

    #[test]
    fn an_item_needs_a_known_area_a_held_format_and_a_reason_to_be_withdrawn() {
        let extended = [Format::Extended];
        assert!(input().validate(&extended, &[], "ru", None).is_ok());
        let bad = ItemInput { area: "space".into(), format: Format::Narrow, status: ItemStatus::Withdrawn, ..input() };
        let fields: Vec<String> =
            bad.validate(&extended, &[], "ru", None).unwrap_err().0.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["format", "area", "reason"]);
        let space = Area { body_id: new_id(), slug: "space".into(), name: Text::new(&[("en", "Space")]) };
        assert!(ItemInput { area: "space".into(), ..input() }.validate(&extended, &[space], "ru", None).is_ok());
    }

    #[test]
    fn an_item_is_titled_in_the_bodys_working_language() {
        let e = [Format::Extended];
        let english = ItemInput { title: Text::new(&[("en", "On the plan of events")]), ..input() };
        let refused = english.clone().validate(&e, &[], "ru", None).unwrap_err().0;
        assert_eq!((refused[0].field.as_str(), refused[0].code), ("title.ru", "title-in-working-language"));
        assert!(english.clone().validate(&e, &[], "en", None).is_ok());
        let both = ItemInput { title: Text::new(&[("en", "On the plan"), ("ru", "О плане")]), ..input() };
        assert!(both.validate(&e, &[], "ru", None).is_ok());
        // An item titled before the rule keeps its title through a change of its status.
        let old = stored(&english);
        let considered = ItemInput { status: ItemStatus::Considered, ..english.clone() };
        assert!(considered.validate(&e, &[], "ru", Some(&old)).is_ok());
        let retitled = ItemInput { title: Text::new(&[("en", "On the plan")]), ..english.clone() };
        assert!(retitled.validate(&e, &[], "ru", Some(&old)).is_err(), "a new title is in Russian");
        // No title at all is one mistake, not two.
        let untitled = ItemInput { title: Text::default(), ..input() };
        let refused = untitled.validate(&e, &[], "ru", None).unwrap_err().0;
        assert_eq!(refused.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["title"]);
    }

    #[test]
    fn only_a_forwarded_item_names_where_it_went() {
        let e = [Format::Extended];
        let forwarded = ItemInput { status: ItemStatus::Forwarded, ..input() };
        assert_eq!(forwarded.validate(&e, &[], "ru", None).unwrap_err().0[0].field, "forwarded_to");
        let stray = ItemInput { forwarded_to: Some("cis-chs".into()), ..input() };
        assert_eq!(stray.validate(&e, &[], "ru", None).unwrap_err().0[0].code, "only-when-forwarded");
    }

    #[test]
    fn only_a_withdrawn_item_gives_a_reason() {
        let e = [Format::Extended];
        let withdrawn = ItemInput { status: ItemStatus::Withdrawn, ..input() };
        assert_eq!(withdrawn.validate(&e, &[], "ru", None).unwrap_err().0[0].field, "reason");
        let stray = ItemInput { reason: Text::new(&[("ru", "причина")]), ..input() };
        assert_eq!(stray.clone().validate(&e, &[], "ru", None).unwrap_err().0[0].code, "only-when-withdrawn");
        let given =
            ItemInput { status: ItemStatus::Withdrawn, reason: Text::new(&[("ru", "причина")]), ..input() };
        assert!(given.clone().validate(&e, &[], "ru", None).is_ok());
        // Reinstated by a client that writes back the item as read, withdrawal reason and all.
        let withdrawn = stored(&given);
        assert!(stray.reasoned_as(&withdrawn).validate(&e, &[], "ru", None).is_ok());
        let other = ItemInput { reason: Text::new(&[("ru", "другая")]), ..input() };
        assert_eq!(
            other.reasoned_as(&withdrawn).validate(&e, &[], "ru", None).unwrap_err().0[0].code,
            "only-when-withdrawn"
        );
    }

    #[test]
    fn an_adopted_agenda_keeps_its_questions_and_lets_their_fate_change() {
        let item = AgendaItem {
            id: new_id(),
            meeting_id: new_id(),
            format: Format::Extended,
            number: 1,
            title: Text::new(&[("ru", "x")]),
            area: "political".into(),
            initiator: None,
            rapporteur: Text::default(),
            status: ItemStatus::Included,
            reason: Text::default(),
            forwarded_to: None,
            version: 1,
        };
        let withdrawn = AgendaItem { status: ItemStatus::Withdrawn, ..item.clone() };
        let renumbered = AgendaItem { number: 2, ..item.clone() };
        let extended = [Format::Extended];
        assert!(check_change(&extended, Some(&item), &withdrawn).is_ok());
        assert!(check_change(&extended, Some(&item), &renumbered).is_err());
        assert!(check_change(&extended, None, &item).is_err());
        assert!(check_change(&[], Some(&item), &renumbered).is_ok());
        assert!(check_change(&[Format::Narrow], Some(&item), &renumbered).is_ok(), "another format's agenda");
        let to_narrow = AgendaItem { format: Format::Narrow, ..item.clone() };
        assert_eq!(check_change(&extended, Some(&item), &to_narrow), Err("agenda-adopted-status-only"), "leaves it");
        assert_eq!(
            check_change(&[Format::Narrow], Some(&item), &to_narrow),
            Err("agenda-adopted-no-new-item"),
            "joins it"
        );
    }

    #[test]
    fn a_reopened_agenda_is_a_draft_again_and_says_when_it_was_adopted() {
        let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
        let draft = Agenda { meeting_id: new_id(), format: Format::Extended, adopted_at: None, version: 2 };
        let why = Text::new(&[("ru", "По предложению Республики Беларусь")]);
        assert!(reopen(&draft, why.clone(), at("2025-04-10T08:00:00Z")).is_err());
        let adopted = Agenda { adopted_at: Some(at("2025-04-10T06:00:00Z")), ..draft };
        let (again, reopening) = reopen(&adopted, why.clone(), at("2025-04-10T08:00:00Z")).unwrap();
        assert!(!again.is_adopted());
        assert_eq!(again.version, adopted.version, "the store moves the version");
        let expected = Reopening {
            meeting_id: adopted.meeting_id,
            format: Format::Extended,
            adopted_at: at("2025-04-10T06:00:00Z"),
            reopened_at: at("2025-04-10T08:00:00Z"),
            reason: why.clone(),
        };
        assert_eq!(reopening, expected);
        let input = |reason| ReopenInput { format: Format::Extended, reason };
        assert_eq!(input(Text::new(&[("ru", "  ")])).validate().unwrap_err().0[0].field, "reason");
        assert!(input(why).validate().is_ok());
    }

    #[test]
    fn an_agenda_of_withdrawn_items_or_with_twice_a_number_is_not_adopted() {
        let item = |number, status| AgendaItem {
            id: new_id(),
            meeting_id: new_id(),
            format: Format::Extended,
            number,
            title: Text::new(&[("ru", "x")]),
            area: "political".into(),
            initiator: None,
            rapporteur: Text::default(),
            status,
            reason: Text::default(),
            forwarded_to: None,
            version: 1,
        };
        assert!(check_adoptable(&[&item(1, ItemStatus::Included)]).is_ok());
        assert!(check_adoptable(&[&item(1, ItemStatus::Withdrawn)]).is_err());
        assert!(check_adoptable(&[&item(1, ItemStatus::Included), &item(1, ItemStatus::Proposed)]).is_err());
        let proposed = [&item(1, ItemStatus::Included), &item(3, ItemStatus::Proposed), &item(2, ItemStatus::Proposed)];
        let refused = check_adoptable(&proposed).unwrap_err().0.remove(0);
        assert_eq!((refused.code, refused.args), ("items-still-proposed", vec![("numbers", "2, 3".to_string())]));
    }
}
