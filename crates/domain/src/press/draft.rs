//! "Draft from the record": the first draft of a press release, written from what Concord knows
//! about an event up to a date, in English, Russian or Kazakh.
//!
//! The release leads with the date's own facts (welcome, family photo, each meeting with its chair,
//! formats, participants, areas, agenda and outcome, ceremonies, bilaterals), then what came earlier
//! ("The day before…", "Earlier…"), then the body's previous and next meetings. Sentences are built
//! around the grammar of each language: Russian and Kazakh names, positions, titles and cities are
//! inflected from the case forms the record carries, and verbs agree with a person's gender. Where a
//! form is missing the nominative stands in and the draft lists it in [`Draft::missing`], so the
//! editor knows what to check; no placeholder is ever left in the text.

use std::cell::RefCell;

use jiff::civil::Date;
use serde::Serialize;

use crate::Text;
use crate::agenda::STANDARD_AREAS;
use crate::delegations::{Gender, Names, PersonCases};
use crate::events::Format;
use crate::participants::NameCases;
use crate::programme::ItemKind;
use crate::text::{Case, CaseForms};

/// The languages a draft can be written in.
pub const LANGUAGES: [&str; 3] = ["en", "ru", "kk"];

/// A participant as a sentence names it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Party {
    pub short_name: Text,
    pub formal_name: Text,
    pub cases: NameCases,
    pub organisation: bool,
}

/// A person as a sentence names them: with their position and whom they represent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Person {
    pub names: Names,
    pub position: Text,
    pub cases: PersonCases,
    pub party: Party,
}

/// Another sitting of the same body: where and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sitting {
    pub date: Date,
    pub city: Text,
    pub city_cases: CaseForms,
}

/// An area of cooperation on a meeting's agenda: a standard one by slug, or one a secretariat added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaFact {
    pub slug: String,
    pub name: Text,
}

/// What the record says about one meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingFacts {
    pub date: Date,
    pub title: Text,
    pub title_cases: CaseForms,
    /// The body's name ("CIS Council of Foreign Ministers").
    pub body: Text,
    pub chair: Option<Party>,
    pub chaired_by_host: bool,
    pub formats: Vec<Format>,
    /// The heads of delegation who sat, in the body's order.
    pub heads: Vec<Person>,
    pub areas: Vec<AreaFact>,
    pub agenda_items: usize,
    pub documents: usize,
    pub adopted: usize,
    pub signed: usize,
    /// How many documents went to which body.
    pub forwarded: Vec<(usize, Text)>,
    pub previous: Option<Sitting>,
    pub next: Option<Sitting>,
}

/// A programme item worth a sentence: a welcome, the family photo, a ceremony, a visit, a bilateral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemFacts {
    pub kind: ItemKind,
    pub date: Date,
    pub title: Text,
    /// Who took part; empty: the heads of delegation.
    pub persons: Vec<Person>,
}

/// Everything a draft may say, gathered from the record for one event up to `date`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub date: Date,
    pub city: Text,
    pub city_cases: CaseForms,
    pub host: Party,
    /// The host's head of delegation, who welcomes the others.
    pub host_person: Option<Person>,
    /// The meetings of `date`, in order.
    pub meetings: Vec<MeetingFacts>,
    /// Items up to and including `date`, in order.
    pub items: Vec<ItemFacts>,
}

/// A generated first draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Draft {
    pub lang: String,
    pub title: String,
    /// Paragraphs separated by blank lines.
    pub body: String,
    /// Case forms or genders the record lacks, for which the nominative or masculine stood in.
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("drafts are written in English, Russian or Kazakh, not {0:?}")]
pub struct UnsupportedLanguage(pub String);

/// Writes the draft of `record` in `lang`.
pub fn compose(record: &Record, lang: &str) -> Result<Draft, UnsupportedLanguage> {
    let lang = match lang {
        "en" => Lang::En,
        "ru" => Lang::Ru,
        "kk" => Lang::Kk,
        other => return Err(UnsupportedLanguage(other.to_string())),
    };
    let mut w = Writer { lang, missing: RefCell::new(Vec::new()) };
    let title = w.title(record);
    let mut paragraphs = Vec::new();
    let lead = w.lead(record);
    // With no welcome and no meeting to lead with, the day's first item opens with date and place.
    let same_day = if lead.is_empty() { Lead::Dated } else { Lead::Same };
    paragraphs.extend(lead);
    for meeting in &record.meetings {
        paragraphs.extend(w.meeting(meeting));
    }
    paragraphs.extend(w.items_of(record, record.date, same_day));
    let mut earlier: Vec<Date> = record.items.iter().map(|i| i.date).filter(|d| *d < record.date).collect();
    earlier.sort_unstable_by(|a, b| b.cmp(a));
    earlier.dedup();
    for date in earlier {
        let lead = if record.date.yesterday().ok() == Some(date) { Lead::DayBefore } else { Lead::Earlier };
        paragraphs.extend(w.items_of(record, date, lead));
    }
    Ok(Draft { lang: lang.code().to_string(), title, body: paragraphs.join("\n\n"), missing: w.missing.into_inner() })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    En,
    Ru,
    Kk,
}

impl Lang {
    fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
            Lang::Kk => "kk",
        }
    }
}

/// How a group of items opens its paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lead {
    /// After the day's lead paragraph.
    Same,
    /// Opening the release: "On 10 April 2025, in Almaty, …".
    Dated,
    DayBefore,
    Earlier,
}

struct Writer {
    lang: Lang,
    /// Noted by `&self` helpers too, hence the cell.
    missing: RefCell<Vec<String>>,
}

const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const RU_MONTHS: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];
const KK_MONTHS_NOMINATIVE: [&str; 12] = [
    "қаңтар",
    "ақпан",
    "наурыз",
    "сәуір",
    "мамыр",
    "маусым",
    "шілде",
    "тамыз",
    "қыркүйек",
    "қазан",
    "қараша",
    "желтоқсан",
];
/// Kazakh months in the locative ("on the 11th of April": «11 сәуірде»).
const KK_MONTHS: [&str; 12] = [
    "қаңтарда",
    "ақпанда",
    "наурызда",
    "сәуірде",
    "мамырда",
    "маусымда",
    "шілдеде",
    "тамызда",
    "қыркүйекте",
    "қазанда",
    "қарашада",
    "желтоқсанда",
];

impl Writer {
    /// A content field in the writer's language; another language stands in, noted, where it lacks one.
    fn text<'a>(&self, t: &'a Text) -> &'a str {
        let shown = t.get(self.lang.code());
        if t.exact(self.lang.code()).is_none() && !shown.is_empty() {
            self.note(format!("{}: text «{shown}»", self.lang.code()));
        }
        shown
    }

    fn note(&self, what: String) {
        let mut missing = self.missing.borrow_mut();
        if !missing.contains(&what) {
            missing.push(what);
        }
    }

    /// A case form, or the nominative with a note that the form is missing.
    fn form(&mut self, forms: &CaseForms, case: Case, nominative: &str) -> String {
        match forms.get(case, self.lang.code()) {
            Some(form) => form.to_string(),
            None => {
                let case_name = serde_json::to_value(case).ok().and_then(|v| v.as_str().map(str::to_string));
                self.note(format!("{}: {} «{nominative}»", self.lang.code(), case_name.unwrap_or_default()));
                nominative.to_string()
            }
        }
    }

    /// A date as a title gives it: «2025 жылғы 11 сәуір» in Kazakh, not "on" the date.
    fn title_date(&self, date: Date) -> String {
        match self.lang {
            Lang::Kk => {
                format!("{} жылғы {} {}", date.year(), date.day(), KK_MONTHS_NOMINATIVE[date.month() as usize - 1])
            }
            _ => self.date(date, true),
        }
    }

    /// "11 April 2025", «11 апреля 2025 года», «2025 жылғы 11 сәуірде»; the year only when `with_year`.
    fn date(&self, date: Date, with_year: bool) -> String {
        let (d, m, y) = (date.day(), date.month() as usize - 1, date.year());
        match (self.lang, with_year) {
            (Lang::En, true) => format!("{d} {} {y}", EN_MONTHS[m]),
            (Lang::En, false) => format!("{d} {}", EN_MONTHS[m]),
            (Lang::Ru, true) => format!("{d} {} {y} года", RU_MONTHS[m]),
            (Lang::Ru, false) => format!("{d} {}", RU_MONTHS[m]),
            (Lang::Kk, true) => format!("{y} жылғы {d} {}", KK_MONTHS[m]),
            (Lang::Kk, false) => format!("{d} {}", KK_MONTHS[m]),
        }
    }

    /// "in Almaty", «в Алматы», «Алматыда»; without the case form, «в г. Алматы», «Алматы қаласында».
    fn in_city(&self, city: &Text, forms: &CaseForms) -> String {
        let name = self.text(city);
        match self.lang {
            Lang::En => format!("in {name}"),
            Lang::Ru => match forms.get(Case::Prepositional, "ru") {
                Some(form) => format!("в {form}"),
                None => format!("в г. {name}"),
            },
            Lang::Kk => match forms.get(Case::Locative, "kk") {
                Some(form) => form.to_string(),
                None => format!("{name} қаласында"),
            },
        }
    }

    /// A state as a sentence names it after a position: "of Kazakhstan", «Республики Казахстан»,
    /// «Қазақстан Республикасының».
    fn of_party(&mut self, party: &Party) -> String {
        match self.lang {
            Lang::En if party.organisation => format!("of the {}", self.text(&party.short_name)),
            Lang::En => format!("of {}", self.text(&party.short_name)),
            _ => {
                let nominative = self.text(&party.formal_name).to_string();
                self.form(&party.cases.formal_name, Case::Genitive, &nominative)
            }
        }
    }

    /// A person's name in a case (the nominative when `case` is `None`).
    fn name(&mut self, person: &Person, case: Option<Case>) -> String {
        let nominative = person.names.display(self.lang.code());
        match (self.lang, case) {
            (Lang::En, _) | (_, None) => nominative,
            (_, Some(case)) => self.form(&person.cases.name, case, &nominative),
        }
    }

    /// A person with position and state: "Minister of Foreign Affairs of Russia Sergey Lavrov",
    /// «Министром иностранных дел Российской Федерации Сергеем Лавровым», «Ресей Федерациясының
    /// Сыртқы істер министрі Сергей Лавровпен». Kazakh inflects only the last word.
    /// An organisation's official holds a position that names it ("Secretary General of the
    /// Commonwealth of Independent States"), so only a state is added after the position.
    fn titled(&mut self, person: &Person, case: Option<Case>) -> String {
        let name = self.name(person, case);
        let position = self.text(&person.position).to_string();
        if person.party.organisation {
            let position = match (self.lang, case) {
                (Lang::Ru, Some(case)) => self.form(&person.cases.position, case, &position),
                _ => position,
            };
            return format!("{position} {name}");
        }
        let of = self.of_party(&person.party);
        match self.lang {
            Lang::En => format!("{position} {of} {name}"),
            Lang::Ru => {
                let position = match case {
                    Some(case) => self.form(&person.cases.position, case, &position),
                    None => position,
                };
                format!("{position} {of} {name}")
            }
            Lang::Kk => format!("{of} {position} {name}"),
        }
    }

    /// A past-tense Russian verb agreeing with its subject.
    fn ru_past(&mut self, persons: &[&Person], masculine: &str, feminine: &str, plural: &str) -> String {
        match persons {
            [one] => match one.cases.gender {
                Some(Gender::Feminine) => feminine.to_string(),
                Some(Gender::Masculine) => masculine.to_string(),
                None => {
                    self.note(format!("ru: gender «{}»", one.names.display("ru")));
                    masculine.to_string()
                }
            },
            _ => plural.to_string(),
        }
    }

    /// "A, B and C" in the writer's language.
    fn list(&self, parts: &[String]) -> String {
        let and = match self.lang {
            Lang::En => "and",
            Lang::Ru => "и",
            Lang::Kk => "және",
        };
        match parts {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} {and} {last}", init.join(", ")),
        }
    }

    fn title(&self, record: &Record) -> String {
        let date = self.title_date(record.date);
        let city = self.text(&record.city);
        match record.meetings.first() {
            Some(m) => format!("{} — {city}, {date}", self.text(&m.title)),
            None => {
                let host = self.text(&record.host.short_name);
                match self.lang {
                    Lang::En => format!("Foreign ministers in {city} — {host}, {date}"),
                    Lang::Ru => format!("Министры иностранных дел в г. {city} — {host}, {date}"),
                    Lang::Kk => format!("Сыртқы істер министрлері {city} қаласында — {host}, {date}"),
                }
            }
        }
    }

    /// The welcome and the family photo of the lead date, or where and when the meetings sat.
    fn lead(&mut self, record: &Record) -> Vec<String> {
        let on = self.date(record.date, true);
        let place = self.in_city(&record.city, &record.city_cases);
        let of_day = |kind: ItemKind| record.items.iter().any(|i| i.kind == kind && i.date == record.date);
        let items_of_day = [ItemKind::Bilateral, ItemKind::Ceremony, ItemKind::Visit].into_iter().any(of_day);
        if record.meetings.is_empty() && !of_day(ItemKind::Welcome) && items_of_day {
            return Vec::new();
        }
        let mut sentences = Vec::new();
        match (&record.host_person, of_day(ItemKind::Welcome)) {
            (Some(host), true) => {
                let who = self.titled(host, None);
                sentences.push(match self.lang {
                    Lang::En => format!("On {on}, {place}, {who} welcomed the members of the delegations."),
                    Lang::Ru => {
                        let verb = self.ru_past(&[host], "приветствовал", "приветствовала", "приветствовали");
                        format!("{on} {place} {who} {verb} членов делегаций.")
                    }
                    Lang::Kk => format!("{on} {place} {who} делегация мүшелерін қарсы алды."),
                });
            }
            _ => {
                let host = self.text(&record.host.short_name).to_string();
                sentences.push(match self.lang {
                    Lang::En => format!("On {on}, {host} hosted the delegations {place}."),
                    Lang::Ru => {
                        let host = self.of_party(&record.host);
                        format!("{on} {place} по приглашению {host} собрались делегации.")
                    }
                    Lang::Kk => format!("{on} {place} {host} делегацияларды қабылдады."),
                });
            }
        }
        if of_day(ItemKind::FamilyPhoto) {
            sentences.push(
                match self.lang {
                    Lang::En => "The heads of delegation then posed for the traditional family photo.",
                    Lang::Ru => "Затем главы делегаций сфотографировались на традиционное совместное фото.",
                    Lang::Kk => "Содан кейін делегация басшылары дәстүрлі ортақ суретке түсті.",
                }
                .to_string(),
            );
        }
        vec![sentences.join(" ")]
    }

    /// A meeting: who held it, chaired by whom, in which formats; who took part; what was discussed;
    /// the agenda and its outcome.
    fn meeting(&mut self, m: &MeetingFacts) -> Vec<String> {
        let mut first = Vec::new();
        let title = self.text(&m.title).to_string();
        let object = match self.lang {
            Lang::En => format!("the {}", lower_first(&title)),
            _ => self.form(&m.title_cases, Case::Accusative, &lower_first(&title)),
        };
        let chair = match &m.chair {
            Some(chair) => {
                let of = self.of_party(chair);
                Some(match (self.lang, m.chaired_by_host) {
                    (Lang::En, true) => format!(", chaired by the host, {}", self.text(&chair.short_name)),
                    (Lang::En, false) => format!(", chaired by {}", self.text(&chair.short_name)),
                    (Lang::Ru, true) => format!(" под председательством принимающей стороны – {of}"),
                    (Lang::Ru, false) => format!(" под председательством {of}"),
                    (Lang::Kk, true) => format!("қабылдаушы тарап – {of} төрағалығымен "),
                    (Lang::Kk, false) => format!("{of} төрағалығымен "),
                })
            }
            None => None,
        };
        let formats = self.formats(&m.formats);
        first.push(match self.lang {
            Lang::En => {
                // The chair is set off by commas when the formats follow it.
                let chair = match chair {
                    Some(chair) if !formats.is_empty() => format!("{chair},"),
                    other => other.unwrap_or_default(),
                };
                format!("The heads of delegation held {object}{chair}{formats}.")
            }
            Lang::Ru => format!("Главы делегаций провели {object}{}{formats}.", chair.unwrap_or_default()),
            Lang::Kk => format!("Делегация басшылары {}{formats}{object} өткізді.", chair.unwrap_or_default()),
        });
        if !m.heads.is_empty() {
            let names: Vec<String> = m.heads.iter().map(|p| self.titled(p, None)).collect();
            let names = names.join(", ");
            first.push(match self.lang {
                Lang::En => format!("Taking part were: {names}."),
                Lang::Ru => {
                    let place = self.form(&m.title_cases, Case::Prepositional, "заседании");
                    format!("В {place} приняли участие: {names}.")
                }
                Lang::Kk => format!("Оған қатысқандар: {names}."),
            });
        }
        if let Some(areas) = self.areas(&m.areas) {
            first.push(areas);
        }
        let mut paragraphs = vec![first.join(" ")];
        if m.agenda_items > 0 || m.documents > 0 {
            paragraphs.push(self.outcome(m));
        }
        paragraphs.extend(self.sittings(m));
        paragraphs
    }

    /// " in the narrow and extended formats", « в узком и расширенном форматах», «тар және кеңейтілген
    /// форматтарда ».
    fn formats(&self, formats: &[Format]) -> String {
        let names: Vec<String> = formats
            .iter()
            .map(|f| {
                match (self.lang, f) {
                    (Lang::En, Format::Narrow) => "narrow",
                    (Lang::En, Format::Extended) => "extended",
                    (Lang::Ru, Format::Narrow) => "узком",
                    (Lang::Ru, Format::Extended) => "расширенном",
                    (Lang::Kk, Format::Narrow) => "тар",
                    (Lang::Kk, Format::Extended) => "кеңейтілген",
                }
                .to_string()
            })
            .collect();
        let plural = names.len() > 1;
        let list = self.list(&names);
        match (self.lang, names.is_empty(), plural) {
            (_, true, _) => String::new(),
            (Lang::En, _, true) => format!(" in the {list} formats"),
            (Lang::En, _, false) => format!(" in the {list} format"),
            (Lang::Ru, _, true) => format!(" в {list} форматах"),
            (Lang::Ru, _, false) => format!(" в {list} формате"),
            (Lang::Kk, _, true) => format!("{list} форматтарда "),
            (Lang::Kk, _, false) => format!("{list} форматта "),
        }
    }

    /// What the ministers discussed: standard areas as kinds of cooperation, security topics, and the
    /// areas a secretariat added by name.
    fn areas(&self, areas: &[AreaFact]) -> Option<String> {
        let mut cooperation = Vec::new();
        let mut topics = Vec::new();
        let mut added = Vec::new();
        for area in areas {
            match (self.lang, area.slug.as_str()) {
                (_, "other") => {}
                (Lang::En, "political") => cooperation.push("political"),
                (Lang::En, "trade_economic") => cooperation.push("trade-economic"),
                (Lang::En, "investment") => cooperation.push("investment"),
                (Lang::En, "transport_logistics") => cooperation.push("transport-logistics"),
                (Lang::En, "cultural_humanitarian") => cooperation.push("cultural-humanitarian"),
                (Lang::En, "security") => topics.push("regional security"),
                (Lang::En, "border_security") => topics.push("border security"),
                (Lang::Ru, "political") => cooperation.push("политическое"),
                (Lang::Ru, "trade_economic") => cooperation.push("торгово-экономическое"),
                (Lang::Ru, "investment") => cooperation.push("инвестиционное"),
                (Lang::Ru, "transport_logistics") => cooperation.push("транспортно-логистическое"),
                (Lang::Ru, "cultural_humanitarian") => cooperation.push("культурно-гуманитарное"),
                (Lang::Ru, "security") => topics.push("региональной безопасности"),
                (Lang::Ru, "border_security") => topics.push("укрепления пограничной безопасности"),
                (Lang::Kk, "political") => cooperation.push("саяси"),
                (Lang::Kk, "trade_economic") => cooperation.push("сауда-экономикалық"),
                (Lang::Kk, "investment") => cooperation.push("инвестициялық"),
                (Lang::Kk, "transport_logistics") => cooperation.push("көлік-логистикалық"),
                (Lang::Kk, "cultural_humanitarian") => cooperation.push("мәдени-гуманитарлық"),
                (Lang::Kk, "security") => topics.push("өңірлік қауіпсіздік"),
                (Lang::Kk, "border_security") => topics.push("шекара қауіпсіздігін нығайту"),
                (_, slug) if STANDARD_AREAS.contains(&slug) => {}
                _ if self.lang == Lang::En => added.push(format!("\u{201c}{}\u{201d}", self.text(&area.name))),
                _ => added.push(format!("«{}»", self.text(&area.name))),
            }
        }
        let owned = |v: Vec<&str>| v.into_iter().map(str::to_string).collect::<Vec<_>>();
        let (cooperation, topics) = (self.list(&owned(cooperation)), self.list(&owned(topics)));
        let added = added.join(", ");
        let parts: Vec<String> = match self.lang {
            Lang::En => [
                (!cooperation.is_empty()).then(|| format!("{cooperation} cooperation")),
                (!topics.is_empty()).then(|| topics.clone()),
                (!added.is_empty()).then(|| format!("the questions of {added}")),
            ]
            .into_iter()
            .flatten()
            .collect(),
            Lang::Ru => [
                (!cooperation.is_empty()).then(|| format!("{cooperation} сотрудничество")),
                (!topics.is_empty()).then(|| format!("вопросы {topics}")),
                (!added.is_empty()).then(|| format!("вопросы по направлениям {added}")),
            ]
            .into_iter()
            .flatten()
            .collect(),
            Lang::Kk => [
                (!cooperation.is_empty()).then(|| format!("{cooperation} ынтымақтастықты")),
                (!topics.is_empty()).then(|| format!("{topics} мәселелерін")),
                (!added.is_empty()).then(|| format!("{added} бағыттары бойынша мәселелерді")),
            ]
            .into_iter()
            .flatten()
            .collect(),
        };
        if parts.is_empty() {
            return None;
        }
        let joined = match (self.lang, parts.as_slice()) {
            (_, [one]) => one.clone(),
            (Lang::En, [first, rest @ ..]) => format!("{first}, as well as {}", self.list(rest)),
            (Lang::Ru, [first, rest @ ..]) => format!("{first}, а также {}", self.list(rest)),
            (Lang::Kk, [first, rest @ ..]) => format!("{first}, сондай-ақ {}", self.list(rest)),
            (_, []) => unreachable!("parts is not empty"),
        };
        Some(match self.lang {
            Lang::En => format!("The ministers discussed {joined}."),
            Lang::Ru => format!("Министры обсудили {joined}."),
            Lang::Kk => format!("Министрлер {joined} талқылады."),
        })
    }

    /// The agenda and what came of it.
    fn outcome(&self, m: &MeetingFacts) -> String {
        let mut sentences = Vec::new();
        let (items, docs) = (m.agenda_items, m.documents);
        let counted: Vec<String> = [(items, 0), (docs, 1)]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| match (self.lang, what) {
                (Lang::En, 0) => en_count(n, "item", "items"),
                (Lang::En, _) => en_count(n, "draft document", "draft documents"),
                (Lang::Ru, 0) => ru_count(n, "вопрос", "вопроса", "вопросов"),
                (Lang::Ru, _) => ru_count(n, "проект документа", "проекта документов", "проектов документов"),
                (Lang::Kk, 0) => format!("{n} мәселе"),
                (Lang::Kk, _) => format!("{n} құжат жобасы"),
            })
            .collect();
        let counted = self.list(&counted);
        sentences.push(match self.lang {
            Lang::En => format!("The agenda comprised {counted}."),
            Lang::Ru => format!("Повестка дня включала {counted}."),
            Lang::Kk => format!("Күн тәртібіне {counted} енгізілді."),
        });
        let mut done = Vec::new();
        if m.adopted > 0 {
            done.push(match self.lang {
                Lang::En => format!("adopted {}", en_count(m.adopted, "document", "documents")),
                Lang::Ru => format!("приняли {}", ru_count(m.adopted, "документ", "документа", "документов")),
                Lang::Kk => format!("{} құжат қабылдады", m.adopted),
            });
        }
        if m.signed > 0 {
            done.push(match self.lang {
                Lang::En => format!("signed {}", en_count(m.signed, "document", "documents")),
                Lang::Ru => format!("подписали {}", ru_count(m.signed, "документ", "документа", "документов")),
                Lang::Kk => format!("{} құжатқа қол қойды", m.signed),
            });
        }
        for (n, body) in &m.forwarded {
            let body = self.text(body);
            done.push(match self.lang {
                Lang::En => format!("forwarded {} to the {body}", en_count(*n, "document", "documents")),
                Lang::Ru => format!(
                    "направили {} на рассмотрение органа «{body}»",
                    ru_count(*n, "документ", "документа", "документов")
                ),
                Lang::Kk => format!("{n} құжатты «{body}» қарауына жіберді"),
            });
        }
        if !done.is_empty() {
            let list = self.list(&done);
            sentences.push(match self.lang {
                Lang::En => format!("The ministers {list}."),
                Lang::Ru => format!("Министры {list}."),
                Lang::Kk => format!("Министрлер {list}."),
            });
        }
        sentences.join(" ")
    }

    /// The ceremonies, visits and bilaterals of one date.
    fn items_of(&mut self, record: &Record, date: Date, lead: Lead) -> Vec<String> {
        let items: Vec<&ItemFacts> = record
            .items
            .iter()
            .filter(|i| i.date == date && matches!(i.kind, ItemKind::Bilateral | ItemKind::Ceremony | ItemKind::Visit))
            .collect();
        let mut sentences = Vec::new();
        for (n, item) in items.iter().enumerate() {
            let opening = if n == 0 { self.opening(record, date, lead) } else { String::new() };
            let sentence = match item.kind {
                ItemKind::Bilateral => self.bilateral(item, &record.host, lead == Lead::Same),
                _ => self.took_part(item),
            };
            sentences.push(capitalise_after(&opening, &sentence));
        }
        if sentences.is_empty() { Vec::new() } else { vec![sentences.join(" ")] }
    }

    /// "The day before, on 10 April, ", «Накануне, 10 апреля, », «Бір күн бұрын, 10 сәуірде, ».
    fn opening(&self, record: &Record, date: Date, lead: Lead) -> String {
        let on = self.date(date, false);
        match (self.lang, lead) {
            (_, Lead::Same) => String::new(),
            (_, Lead::Dated) => {
                let (on, place) = (self.date(date, true), self.in_city(&record.city, &record.city_cases));
                if self.lang == Lang::En { format!("On {on}, {place}, ") } else { format!("{on} {place} ") }
            }
            (Lang::En, Lead::DayBefore) => format!("The day before, on {on}, "),
            (Lang::En, Lead::Earlier) => format!("Earlier, on {on}, "),
            (Lang::Ru, Lead::DayBefore) => format!("Накануне, {on}, "),
            (Lang::Ru, Lead::Earlier) => format!("Ранее, {on}, "),
            (Lang::Kk, Lead::DayBefore) => format!("Бір күн бұрын, {on}, "),
            (Lang::Kk, Lead::Earlier) => format!("Бұған дейін, {on}, "),
        }
    }

    /// A bilateral: the host's side meets the other; three or more sides hold a meeting together.
    fn bilateral(&mut self, item: &ItemFacts, host: &Party, same_day: bool) -> String {
        let mut persons: Vec<&Person> = item.persons.iter().collect();
        persons.sort_by_key(|p| p.party != *host);
        let sidelines = match self.lang {
            Lang::En if same_day => "On the sidelines of the meeting, ",
            Lang::Ru if same_day => "На полях заседания ",
            Lang::Kk if same_day => "Отырыс аясында ",
            _ => "",
        };
        let sentence = match persons.as_slice() {
            [a, b] => match self.lang {
                Lang::En => format!("{} met {}.", self.titled(a, None), self.titled(b, None)),
                Lang::Ru => format!(
                    "состоялась встреча {} с {}.",
                    self.titled(a, Some(Case::Genitive)),
                    self.titled(b, Some(Case::Instrumental))
                ),
                Lang::Kk => format!("{} {} кездесті.", self.titled(a, None), self.titled(b, Some(Case::Instrumental))),
            },
            [_, _, ..] => {
                let names: Vec<String> = persons.iter().map(|p| self.titled(p, None)).collect();
                let names = self.list(&names);
                match self.lang {
                    Lang::En => format!("{names} held a meeting."),
                    Lang::Ru => format!("состоялась встреча: {names}."),
                    Lang::Kk => format!("{names} кездесу өткізді."),
                }
            }
            // Its sides are not known by name yet (a head not yet accredited): the title says it.
            _ => {
                let title = self.text(&item.title).to_string();
                self.note(format!("{}: the sides of «{title}»", self.lang.code()));
                match self.lang {
                    Lang::En => format!("the meeting \u{201c}{title}\u{201d} was held."),
                    Lang::Ru => format!("состоялась встреча «{title}»."),
                    Lang::Kk => format!("«{title}» кездесуі өтті."),
                }
            }
        };
        format!("{sidelines}{sentence}")
    }

    /// "Murat Nurtleu and Sergey Lavrov took part in the laying of flowers…".
    fn took_part(&mut self, item: &ItemFacts) -> String {
        let title = self.text(&item.title).to_string();
        let persons: Vec<&Person> = item.persons.iter().collect();
        let who = if persons.is_empty() {
            match self.lang {
                Lang::En => "the heads of delegation".to_string(),
                Lang::Ru => "главы делегаций".to_string(),
                Lang::Kk => "делегация басшылары".to_string(),
            }
        } else {
            let names: Vec<String> = persons.iter().map(|p| self.name(p, None)).collect();
            self.list(&names)
        };
        match self.lang {
            Lang::En => format!("{who} took part in the {}.", lower_first(&title)),
            Lang::Ru => {
                let verb = if persons.is_empty() {
                    "приняли".to_string()
                } else {
                    self.ru_past(&persons, "принял", "приняла", "приняли")
                };
                let what =
                    if item.kind == ItemKind::Ceremony { "церемонии" } else { "мероприятии" };
                format!("{who} {verb} участие в {what} «{title}».")
            }
            Lang::Kk => {
                let what = if item.kind == ItemKind::Ceremony { "рәсіміне" } else { "іс-шарасына" };
                format!("{who} «{title}» {what} қатысты.")
            }
        }
    }

    /// The body's previous and next meetings.
    /// The body's previous and next meetings, right after the meeting's own paragraphs, so that
    /// «Предыдущее заседание» needs no body name in the genitive.
    fn sittings(&mut self, m: &MeetingFacts) -> Vec<String> {
        let body = self.text(&m.body).to_string();
        let mut sentences = Vec::new();
        if let Some(p) = &m.previous {
            let (on, place) = (self.date(p.date, true), self.in_city(&p.city, &p.city_cases));
            sentences.push(match self.lang {
                Lang::En => format!("The previous meeting of the {body} was held {place} on {on}."),
                Lang::Ru => format!("Предыдущее заседание прошло {on} {place}."),
                Lang::Kk => format!("Алдыңғы отырыс {on} {place} өтті."),
            });
        }
        if let Some(n) = &m.next {
            let (on, place) = (self.date(n.date, true), self.in_city(&n.city, &n.city_cases));
            sentences.push(match self.lang {
                Lang::En => format!("The next meeting is planned {place} on {on}."),
                Lang::Ru => format!("Следующее заседание запланировано на {on} {place}."),
                Lang::Kk => format!("Келесі отырыс {on} {place} өтеді деп жоспарланған."),
            });
        }
        if sentences.is_empty() { Vec::new() } else { vec![sentences.join(" ")] }
    }
}

/// A title as it reads mid-sentence: "Meeting of…" becomes "meeting of…". A title starting with an
/// acronym or a number is left as it is.
fn lower_first(title: &str) -> String {
    let mut chars = title.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            first.to_lowercase().chain(title.chars().skip(1)).collect()
        }
        _ => title.to_string(),
    }
}

/// `prefix` and `sentence`, the first letter of the whole made upper case.
fn capitalise_after(prefix: &str, sentence: &str) -> String {
    let whole = format!("{prefix}{sentence}");
    let mut chars = whole.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => whole,
    }
}

fn en_count(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

/// A Russian number with its noun: «1 вопрос», «3 вопроса», «13 вопросов», «21 вопрос».
fn ru_count(n: usize, one: &str, few: &str, many: &str) -> String {
    let word = match (n % 10, n % 100) {
        (_, 11..=14) => many,
        (1, _) => one,
        (2..=4, _) => few,
        _ => many,
    };
    format!("{n} {word}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delegations::PersonName;

    fn party(en: &str, ru: &str, ru_formal: &str, ru_genitive: &str) -> Party {
        let cases: NameCases = serde_json::from_value(serde_json::json!({
            "formal_name": { "genitive": { "ru": ru_genitive } }
        }))
        .unwrap();
        Party {
            short_name: Text::new(&[("en", en), ("ru", ru)]),
            formal_name: Text::new(&[("en", &format!("the Republic of {en}")), ("ru", ru_formal)]),
            cases,
            organisation: false,
        }
    }

    fn person(
        latin: (&str, &str),
        cyrillic: (&str, &str),
        position: (&str, &str),
        party: Party,
        cases: serde_json::Value,
    ) -> Person {
        Person {
            names: Names {
                latin: PersonName { given: latin.0.into(), family: latin.1.into(), patronymic: String::new() },
                cyrillic: PersonName { given: cyrillic.0.into(), family: cyrillic.1.into(), patronymic: String::new() },
            },
            position: Text::new(&[("en", position.0), ("ru", position.1)]),
            cases: serde_json::from_value(cases).unwrap(),
            party,
        }
    }

    fn record() -> Record {
        let kz = party("Kazakhstan", "Казахстан", "Республика Казахстан", "Республики Казахстан");
        let ru = party("Russia", "Россия", "Российская Федерация", "Российской Федерации");
        let host = person(
            ("Murat", "Nurtleu"),
            ("Мурат", "Нуртлеу"),
            ("Minister of Foreign Affairs", "Министр иностранных дел"),
            kz.clone(),
            serde_json::json!({ "name": { "genitive": { "ru": "Мурата Нуртлеу" } }, "position": { "genitive": { "ru": "Министра иностранных дел" } }, "gender": "masculine" }),
        );
        let guest = person(
            ("Sergey", "Lavrov"),
            ("Сергей", "Лавров"),
            ("Minister of Foreign Affairs", "Министр иностранных дел"),
            ru,
            serde_json::json!({ "name": { "instrumental": { "ru": "Сергеем Лавровым" } }, "position": { "instrumental": { "ru": "Министром иностранных дел" } }, "gender": "masculine" }),
        );
        let day = |d: i8| jiff::civil::date(2025, 4, d);
        Record {
            date: day(11),
            city: Text::new(&[("en", "Almaty"), ("ru", "Алматы")]),
            city_cases: serde_json::from_value(serde_json::json!({ "prepositional": { "ru": "Алматы" } })).unwrap(),
            host: kz.clone(),
            host_person: Some(host.clone()),
            meetings: vec![MeetingFacts {
                date: day(11),
                title: Text::new(&[("en", "Meeting of the Council"), ("ru", "Заседание Совета")]),
                title_cases: serde_json::from_value(serde_json::json!({ "accusative": { "ru": "заседание Совета" }, "prepositional": { "ru": "заседании Совета" } })).unwrap(),
                body: Text::new(&[("en", "Council"), ("ru", "Совет")]),
                chair: Some(party("Tajikistan", "Таджикистан", "Республика Таджикистан", "Республики Таджикистан")),
                chaired_by_host: false,
                formats: vec![Format::Narrow, Format::Extended],
                heads: vec![host.clone(), guest.clone()],
                areas: ["political", "trade_economic", "border_security", "other"]
                    .into_iter()
                    .map(|slug| AreaFact { slug: slug.into(), name: Text::default() })
                    .collect(),
                agenda_items: 13,
                documents: 17,
                adopted: 11,
                signed: 1,
                forwarded: vec![(6, Text::new(&[("en", "Council of Heads of State"), ("ru", "Совет глав государств")]))],
                previous: Some(Sitting {
                    date: jiff::civil::date(2024, 10, 7),
                    city: Text::new(&[("en", "Moscow"), ("ru", "Москва")]),
                    city_cases: serde_json::from_value(serde_json::json!({ "prepositional": { "ru": "Москве" } })).unwrap(),
                }),
                next: None,
            }],
            items: vec![
                ItemFacts { kind: ItemKind::Bilateral, date: day(10), title: Text::default(), persons: vec![guest.clone(), host.clone()] },
                ItemFacts {
                    kind: ItemKind::Ceremony,
                    date: day(10),
                    title: Text::new(&[("en", "Laying of flowers at the Eternal Flame"), ("ru", "Возложение цветов к Вечному огню")]),
                    persons: vec![host.clone(), guest.clone()],
                },
                ItemFacts { kind: ItemKind::Welcome, date: day(11), title: Text::default(), persons: vec![] },
                ItemFacts { kind: ItemKind::FamilyPhoto, date: day(11), title: Text::default(), persons: vec![] },
            ],
        }
    }

    #[test]
    fn the_english_draft_states_each_fact_in_order() {
        let draft = compose(&record(), "en").unwrap();
        let body = &draft.body;
        let facts = [
            "On 11 April 2025, in Almaty, Minister of Foreign Affairs of Kazakhstan Murat Nurtleu welcomed the members of the delegations.",
            "The heads of delegation then posed for the traditional family photo.",
            "The heads of delegation held the meeting of the Council, chaired by Tajikistan, in the narrow and extended formats.",
            "The ministers discussed political and trade-economic cooperation, as well as border security.",
            "The agenda comprised 13 items and 17 draft documents.",
            "The ministers adopted 11 documents, signed 1 document and forwarded 6 documents to the Council of Heads of State.",
            "The previous meeting of the Council was held in Moscow on 7 October 2024.",
            "The day before, on 10 April, Minister of Foreign Affairs of Kazakhstan Murat Nurtleu met Minister of Foreign Affairs of Russia Sergey Lavrov.",
            "Murat Nurtleu and Sergey Lavrov took part in the laying of flowers at the Eternal Flame.",
        ];
        let mut at = 0;
        for fact in facts {
            let found = body[at..].find(fact).unwrap_or_else(|| panic!("{fact:?} missing after {at} in\n{body}"));
            at += found + fact.len();
        }
        assert_eq!(draft.title, "Meeting of the Council — Almaty, 11 April 2025");
        assert!(draft.missing.is_empty(), "{:?}", draft.missing);
    }

    #[test]
    fn the_russian_draft_inflects_names_and_agrees_verbs() {
        let draft = compose(&record(), "ru").unwrap();
        for fact in [
            "11 апреля 2025 года в Алматы Министр иностранных дел Республики Казахстан Мурат Нуртлеу приветствовал членов делегаций.",
            "Главы делегаций провели заседание Совета под председательством Республики Таджикистан в узком и расширенном форматах.",
            "В заседании Совета приняли участие:",
            "Министры обсудили политическое и торгово-экономическое сотрудничество, а также вопросы укрепления пограничной безопасности.",
            "Повестка дня включала 13 вопросов и 17 проектов документов.",
            "Накануне, 10 апреля, состоялась встреча Министра иностранных дел Республики Казахстан Мурата Нуртлеу с Министром иностранных дел Российской Федерации Сергеем Лавровым.",
            "Мурат Нуртлеу и Сергей Лавров приняли участие в церемонии «Возложение цветов к Вечному огню».",
            "Предыдущее заседание прошло 7 октября 2024 года в Москве.",
        ] {
            assert!(draft.body.contains(fact), "{fact:?} missing in\n{}", draft.body);
        }
        assert!(draft.missing.is_empty(), "{:?}", draft.missing);
    }

    #[test]
    fn a_missing_form_stands_in_as_the_nominative_and_is_listed() {
        let mut record = record();
        record.items.retain(|i| i.kind == ItemKind::Bilateral);
        record.items[0].persons[0].cases = PersonCases::default();
        record.city.0.insert("kk".into(), "Алматы".into());
        let draft = compose(&record, "ru").unwrap();
        assert!(draft.body.contains("с Министр иностранных дел Российской Федерации Сергей Лавров."), "{}", draft.body);
        assert!(draft.missing.iter().any(|m| m.contains("instrumental «Сергей Лавров»")), "{:?}", draft.missing);
        let kk = compose(&record, "kk").unwrap();
        assert!(kk.body.contains("Алматы қаласында"), "a city without its locative reads «X қаласында»: {}", kk.body);
        assert_eq!(compose(&record, "de").unwrap_err(), UnsupportedLanguage("de".into()));
    }

    #[test]
    fn a_bilateral_alone_opens_with_its_date_and_place() {
        let mut record = record();
        record.date = jiff::civil::date(2025, 4, 10);
        record.meetings.clear();
        record.items.retain(|i| i.kind == ItemKind::Bilateral);
        let en = compose(&record, "en").unwrap();
        assert_eq!(
            en.body,
            "On 10 April 2025, in Almaty, Minister of Foreign Affairs of Kazakhstan Murat Nurtleu met Minister of Foreign Affairs of Russia Sergey Lavrov."
        );
        let ru = compose(&record, "ru").unwrap();
        assert!(ru.body.starts_with("10 апреля 2025 года в Алматы состоялась встреча Министра"), "{}", ru.body);
    }

    #[test]
    fn zero_counts_and_unnamed_sides_are_left_out_not_printed() {
        let mut record = record();
        record.meetings[0].documents = 0;
        record.items[0].persons.truncate(1);
        let en = compose(&record, "en").unwrap();
        assert!(en.body.contains("The agenda comprised 13 items."), "{}", en.body);
        assert!(!en.body.contains(" 0 "), "{}", en.body);
        assert!(en.missing.iter().any(|m| m.contains("the sides of")), "{:?}", en.missing);
        let ru = compose(&record, "ru").unwrap();
        assert!(ru.body.contains("Повестка дня включала 13 вопросов."), "{}", ru.body);
    }

    #[test]
    fn a_text_missing_in_the_language_is_noted() {
        let kk = compose(&record(), "kk").unwrap();
        assert!(kk.missing.iter().any(|m| m.starts_with("kk: text")), "{:?}", kk.missing);
        let en = compose(&record(), "en").unwrap();
        assert!(en.missing.is_empty(), "{:?}", en.missing);
    }

    #[test]
    fn no_placeholder_survives_in_any_language() {
        for lang in LANGUAGES {
            let draft = compose(&record(), lang).unwrap();
            for marker in ["{", "}", "  ", " ,", " .", "..", "None", "Some("] {
                assert!(
                    !draft.body.contains(marker) && !draft.title.contains(marker),
                    "{lang}: {marker:?} in {}",
                    draft.body
                );
            }
        }
    }

    #[test]
    fn russian_numbers_take_the_right_noun() {
        let forms = |n| ru_count(n, "вопрос", "вопроса", "вопросов");
        assert_eq!(forms(1), "1 вопрос");
        assert_eq!(forms(3), "3 вопроса");
        assert_eq!(forms(13), "13 вопросов");
        assert_eq!(forms(21), "21 вопрос");
        assert_eq!(forms(112), "112 вопросов");
        assert_eq!(lower_first("Meeting of the CIS"), "meeting of the CIS");
        assert_eq!(lower_first("CIS summit"), "CIS summit");
    }
}
