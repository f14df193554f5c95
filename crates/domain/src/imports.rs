//! Delegation lists from spreadsheets: the columns of the template, and rows turned into members.
//! All or nothing: every bad cell of every row is reported, and nothing is imported if any is bad.

use jiff::civil::{Date, Time};
use serde::Serialize;

use crate::Text;
use crate::delegations::{
    DelegationRole, EventFrame, Member, MemberFields, Movement, Names, PersonName, Private, Rank, Tenure,
};
use crate::events::Format;
use crate::validation::FieldError;

/// The columns of a delegation list, in the template's order.
pub const COLUMNS: [&str; 23] = [
    "family_name_latin",
    "given_names_latin",
    "patronymic_latin",
    "family_name_cyrillic",
    "given_names_cyrillic",
    "patronymic_cyrillic",
    "position_en",
    "position_ru",
    "position_kk",
    "position_from",
    "position_until",
    "rank",
    "role",
    "formats",
    "meetings",
    "email",
    "phone",
    "arrival_date",
    "arrival_time",
    "arrival_carrier",
    "departure_date",
    "departure_time",
    "departure_carrier",
];

/// The columns whose cell holds several values (separated by spaces, commas or semicolons): a form
/// sends each value apart.
pub const LIST_COLUMNS: [&str; 2] = ["formats", "meetings"];

/// The template's example row: the head of Kazakhstan's delegation at Almaty.
pub const EXAMPLE: [&str; 23] = [
    "Nurtleu",
    "Murat",
    "",
    "Нуртлеу",
    "Мурат",
    "Абугалиевич",
    "Deputy Prime Minister – Minister of Foreign Affairs",
    "Заместитель Премьер-Министра – Министр иностранных дел",
    "Премьер-Министрдің орынбасары – Сыртқы істер министрі",
    "",
    "",
    "deputy_prime_minister",
    "head",
    "narrow extended",
    "cis-cfm",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
];

/// One problem in one cell: the file's own line number, the column's name, a message code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CellError {
    pub row: usize,
    pub column: String,
    pub code: &'static str,
    pub args: Vec<(&'static str, String)>,
}

/// Turns the rows of a sheet (with their line numbers) into members, or reports every problem.
/// Rows are checked against the event: its meetings and days (`event`).
pub fn members(
    headers: &[String],
    rows: &[Vec<String>],
    lines: &[usize],
    event: EventFrame,
) -> Result<Vec<MemberFields>, Vec<CellError>> {
    let mut errors = Vec::new();
    let index: Vec<Option<usize>> =
        COLUMNS.iter().map(|c| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(c))).collect();
    for unknown in
        headers.iter().filter(|h| !h.trim().is_empty() && !COLUMNS.iter().any(|c| h.trim().eq_ignore_ascii_case(c)))
    {
        errors.push(CellError { row: 1, column: unknown.clone(), code: "unknown-column", args: vec![] });
    }
    for required in ["rank", "role"] {
        if index[COLUMNS.iter().position(|c| *c == required).unwrap()].is_none() {
            errors.push(CellError { row: 1, column: required.into(), code: "missing-column", args: vec![] });
        }
    }
    // Without rank or role no row can be read; an unknown column is left aside and the rows are
    // read all the same, so that one round of corrections fixes the file.
    if errors.iter().any(|e| e.code == "missing-column") {
        return Err(errors);
    }
    let mut members = Vec::with_capacity(rows.len());
    for (row, line) in rows.iter().zip(lines) {
        let cell = |name: &str| -> &str {
            let i = COLUMNS.iter().position(|c| *c == name).expect("a known column");
            index[i].and_then(|i| row.get(i)).map_or("", |s| s.trim())
        };
        let mut problems: Vec<CellError> = Vec::new();
        let mut fail = |column: &str, code: &'static str| {
            problems.push(CellError { row: *line, column: column.to_string(), code, args: vec![] })
        };
        let rank = Rank::parse(cell("rank"));
        if rank.is_none() {
            fail("rank", "invalid-rank");
        }
        let role = DelegationRole::parse(cell("role"));
        if role.is_none() {
            fail("role", "invalid-role");
        }
        let mut formats = Vec::new();
        for f in cell("formats").split([' ', ',', ';']).filter(|f| !f.is_empty()) {
            match f {
                "narrow" => formats.push(Format::Narrow),
                "extended" => formats.push(Format::Extended),
                _ => fail("formats", "invalid-format"),
            }
        }
        let mut date = |column: &str| -> Option<Date> {
            let value = cell(column);
            if value.is_empty() {
                return None;
            }
            value.parse::<Date>().map_err(|_| fail(column, "invalid-date")).ok()
        };
        let tenure = Tenure { from: date("position_from"), until: date("position_until") };
        let mut movement = |prefix: &str| -> Option<Movement> {
            let (date, time, carrier) =
                (cell(&format!("{prefix}_date")), cell(&format!("{prefix}_time")), cell(&format!("{prefix}_carrier")));
            // The time is read whatever the date, so that a row with both wrong names both.
            let parsed_time = match time {
                "" => None,
                time => time.parse::<Time>().map_err(|_| fail(&format!("{prefix}_time"), "invalid-time")).ok(),
            };
            if date.is_empty() {
                if !time.is_empty() || !carrier.is_empty() {
                    fail(&format!("{prefix}_date"), "required");
                }
                return None;
            }
            let date = date.parse::<Date>().map_err(|_| fail(&format!("{prefix}_date"), "invalid-date")).ok()?;
            Some(Movement { date, time: parsed_time, carrier: carrier.to_string() })
        };
        let arrival = movement("arrival");
        let departure = movement("departure");
        let position = Text(
            [("en", cell("position_en")), ("ru", cell("position_ru")), ("kk", cell("position_kk"))]
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(l, v)| (l.to_string(), v.to_string()))
                .collect(),
        );
        let name = |script: &str| PersonName {
            family: cell(&format!("family_name_{script}")).to_string(),
            given: cell(&format!("given_names_{script}")).to_string(),
            patronymic: cell(&format!("patronymic_{script}")).to_string(),
        };
        let fields = MemberFields {
            names: Names { latin: name("latin"), cyrillic: name("cyrillic") },
            position,
            tenure,
            rank: rank.unwrap_or(Rank::Other),
            role: role.unwrap_or(DelegationRole::Staff),
            formats,
            meetings: cell("meetings").split([' ', ',', ';']).filter(|m| !m.is_empty()).map(str::to_string).collect(),
            private: Private { email: cell("email").into(), phone: cell("phone").into(), arrival, departure },
            // A sheet has no columns for case forms: they are entered through the API or the demo.
            cases: Default::default(),
        };
        match fields.validate_for(event) {
            Ok(fields) if problems.is_empty() => members.push(fields),
            Ok(_) => {}
            Err(invalid) => problems.extend(invalid.0.into_iter().map(|e| CellError {
                row: *line,
                column: column_of(&e),
                code: e.code,
                args: e.args,
            })),
        }
        errors.extend(problems);
    }
    if errors.is_empty() { Ok(members) } else { Err(errors) }
}

/// The template column that a validation problem of a member's field comes from.
fn column_of(e: &FieldError) -> String {
    let column = match e.field.as_str() {
        "names" | "names.latin" | "names.latin.family" => "family_name_latin",
        "names.latin.given" => "given_names_latin",
        "names.latin.patronymic" => "patronymic_latin",
        "names.cyrillic" | "names.cyrillic.family" => "family_name_cyrillic",
        "names.cyrillic.given" => "given_names_cyrillic",
        "names.cyrillic.patronymic" => "patronymic_cyrillic",
        "position" | "position.en" => "position_en",
        "position.ru" => "position_ru",
        "position.kk" => "position_kk",
        "tenure.from" => "position_from",
        "tenure.until" => "position_until",
        "private.email" => "email",
        "private.phone" => "phone",
        "private.departure" => "departure_date",
        "private.arrival.carrier" => "arrival_carrier",
        "private.departure.carrier" => "departure_carrier",
        "meetings" => "meetings",
        other => other,
    };
    column.to_string()
}

/// The rows (their members and line numbers) naming someone the delegation already lists, or
/// someone an earlier row names: a list imported again must not list its people twice. The same
/// full name in one script, but for case and spacing, is the same person; a namesake is added
/// from the member form.
pub fn already_listed(members: &[MemberFields], lines: &[usize], listed: &[&Names]) -> Vec<CellError> {
    let mut seen: Vec<&Names> = listed.to_vec();
    let mut errors = Vec::new();
    for (member, line) in members.iter().zip(lines) {
        if let Some(column) = seen.iter().find_map(|other| same_person(&member.names, other)) {
            errors.push(CellError { row: *line, column: column.into(), code: "already-listed", args: vec![] });
        }
        seen.push(&member.names);
    }
    errors
}

/// The rows that would give the delegation a second head at a meeting, beside those `listed` and
/// the rows above, by [`crate::delegations::check_one_head`].
pub fn second_heads(members: &[MemberFields], lines: &[usize], listed: &[Member]) -> Vec<CellError> {
    let mut seen: Vec<Member> = listed.to_vec();
    let mut errors = Vec::new();
    for (fields, line) in members.iter().zip(lines) {
        if crate::delegations::check_one_head(&seen, None, fields.role, &fields.meetings).is_err() {
            errors.push(CellError { row: *line, column: "role".into(), code: "head-taken", args: vec![] });
        }
        seen.push(Member::requested(crate::new_id(), crate::Id::nil(), fields.clone()));
    }
    errors
}

/// The column of the family name by which `a` and `b` are one person, if they are.
fn same_person(a: &Names, b: &Names) -> Option<&'static str> {
    let key = |name: &PersonName| name.full().split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let same = |x: &PersonName, y: &PersonName| !x.is_empty() && !y.is_empty() && key(x) == key(y);
    if same(&a.cyrillic, &b.cyrillic) {
        Some("family_name_cyrillic")
    } else if same(&a.latin, &b.latin) {
        Some("family_name_latin")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_listed_already_or_twice_in_the_sheet_is_named_by_row() {
        let person = |latin: (&str, &str), cyrillic: (&str, &str)| Names {
            latin: PersonName { family: latin.0.into(), given: latin.1.into(), patronymic: String::new() },
            cyrillic: PersonName { family: cyrillic.0.into(), given: cyrillic.1.into(), patronymic: String::new() },
        };
        let rows = vec![EXAMPLE.iter().map(|s| s.to_string()).collect(); 1];
        let meetings = ["cis-cfm".to_string()];
        let template = members(&headers(), &rows, &[2], almaty(&meetings)).unwrap().remove(0);
        let as_named = |names: Names| MemberFields { names, ..template.clone() };
        let listed = person(("Nurtleu", "Murat"), ("Нуртлеу", "Мурат"));
        let sheet = [
            as_named(person(("", ""), ("НУРТЛЕУ", "Мурат  "))),
            as_named(person(("Kassymova", "Aliya"), ("", ""))),
            as_named(person(("KASSYMOVA", "Aliya"), ("Касымова", "Алия"))),
            as_named(person(("Nurtleu", "Aidar"), ("Нуртлеу", "Айдар"))),
        ];
        let errors = already_listed(&sheet, &[2, 3, 4, 5], &[&listed]);
        let named: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.column.as_str())).collect();
        assert_eq!(named, [(2, "family_name_cyrillic"), (4, "family_name_latin")], "a namesake's family is no one");
        assert!(errors.iter().all(|e| e.code == "already-listed"));
    }

    fn headers() -> Vec<String> {
        COLUMNS.iter().map(|c| c.to_string()).collect()
    }

    const ALMATY_MEETINGS: &[String] = &[];

    fn almaty(meetings: &[String]) -> EventFrame<'_> {
        EventFrame { meetings, first_day: jiff::civil::date(2025, 4, 10), last_day: jiff::civil::date(2025, 4, 11) }
    }

    fn row(pairs: &[(&str, &str)]) -> Vec<String> {
        COLUMNS
            .iter()
            .map(|c| pairs.iter().find(|(k, _)| k == c).map_or(String::new(), |(_, v)| v.to_string()))
            .collect()
    }

    #[test]
    fn the_template_example_imports() {
        let rows = vec![EXAMPLE.iter().map(|s| s.to_string()).collect()];
        let meetings = ["cis-cfm".to_string()];
        let members = members(&headers(), &rows, &[2], almaty(&meetings)).unwrap();
        assert_eq!(members[0].names.cyrillic.full(), "Мурат Абугалиевич Нуртлеу");
        assert_eq!(members[0].rank, Rank::DeputyPrimeMinister);
        assert_eq!(members[0].formats, [Format::Narrow, Format::Extended]);
    }

    #[test]
    fn every_bad_cell_of_every_row_is_reported_with_its_line_and_column() {
        let good = row(&[
            ("family_name_cyrillic", "Тоқаев"),
            ("given_names_cyrillic", "Қасым-Жомарт"),
            ("position_ru", "Президент"),
            ("rank", "head_of_state"),
            ("role", "head"),
        ]);
        let bad = row(&[
            ("family_name_latin", "Иванов"),
            ("position_en", "Adviser"),
            ("rank", "general"),
            ("role", "adviser"),
            ("arrival_date", "10.04.2025"),
            ("arrival_time", "9h30"),
            ("departure_time", "25:00"),
            ("position_from", "2025-04-11"),
        ]);
        let worse = row(&[("position_en", "Staff"), ("rank", "other"), ("role", "boss"), ("email", "not an email")]);
        let err = members(&headers(), &[good, bad, worse], &[2, 3, 5], almaty(ALMATY_MEETINGS)).unwrap_err();
        let found: Vec<(usize, &str, &str)> = err.iter().map(|e| (e.row, e.column.as_str(), e.code)).collect();
        assert!(found.contains(&(3, "rank", "invalid-rank")), "{found:?}");
        assert!(found.contains(&(3, "arrival_date", "invalid-date")), "{found:?}");
        assert!(found.contains(&(3, "arrival_time", "invalid-time")), "a bad date and a bad time both: {found:?}");
        assert!(found.contains(&(3, "departure_time", "invalid-time")), "{found:?}");
        assert!(found.contains(&(3, "departure_date", "required")), "a time without its date: {found:?}");
        assert!(found.contains(&(3, "position_from", "tenure-starts-after-event")), "{found:?}");
        assert!(found.contains(&(3, "family_name_latin", "not-latin")), "{found:?}");
        assert!(found.contains(&(5, "role", "invalid-role")), "{found:?}");
        assert!(found.contains(&(5, "family_name_latin", "required")), "{found:?}");
        assert!(found.contains(&(5, "email", "invalid-email")), "{found:?}");
        assert!(found.iter().all(|(row, _, _)| *row != 2), "the good row has no problem");
    }

    #[test]
    fn unknown_and_missing_columns_are_named() {
        let headers = vec!["surname".to_string(), "role".to_string()];
        let err = members(&headers, &[], &[], almaty(ALMATY_MEETINGS)).unwrap_err();
        let found: Vec<(&str, &str)> = err.iter().map(|e| (e.column.as_str(), e.code)).collect();
        assert!(found.contains(&("surname", "unknown-column")));
        assert!(found.contains(&("rank", "missing-column")));
    }

    #[test]
    fn an_unknown_column_and_the_rows_mistakes_are_named_in_one_round() {
        let headers = vec!["surname".to_string(), "rank".to_string(), "role".to_string()];
        let rows = vec![vec!["Abenova".to_string(), "general".to_string(), "staff".to_string()]];
        let err = members(&headers, &rows, &[2], almaty(ALMATY_MEETINGS)).unwrap_err();
        let found: Vec<(usize, &str, &str)> = err.iter().map(|e| (e.row, e.column.as_str(), e.code)).collect();
        assert!(found.contains(&(1, "surname", "unknown-column")), "{found:?}");
        assert!(found.contains(&(2, "rank", "invalid-rank")), "the rows are read too: {found:?}");
    }
}
