//! XLSX out (rust_xlsxwriter) and in (calamine, cell by cell so that limits bite early).

use std::collections::BTreeMap;
use std::fmt::Display;
use std::io::Cursor;

use calamine::{DataRef, ExcelDateTime, Reader, SheetType, SheetVisible, Xlsx};
use rust_xlsxwriter::{Format, Workbook};

use super::{
    MAX_COLUMNS, MAX_UNPACKED_BYTES, Sheet, SheetBuilder, TOO_LONG_CELL, TOO_MANY_COLUMNS, TOO_MANY_ROWS, TableError,
};

/// Excel's own limits, which `write` must respect.
const EXCEL_MAX_ROWS: usize = 1_048_576;
const EXCEL_MAX_COLUMNS: usize = 16_384;
const EXCEL_MAX_CELL_CHARS: usize = 32_767;
/// Widest a column is autofitted to, in pixels (about 55 characters).
const MAX_COLUMN_PIXELS: u32 = 400;

pub(super) fn write(sheet: &Sheet, sheet_name: &str) -> Result<Vec<u8>, TableError> {
    if sheet.rows.len() >= EXCEL_MAX_ROWS {
        return Err(TableError::TooLarge { what: "rows for Excel (at most 1,048,575)" });
    }
    let all_rows = || std::iter::once(&sheet.headers).chain(&sheet.rows);
    if all_rows().any(|row| row.len() > EXCEL_MAX_COLUMNS) {
        return Err(TableError::TooLarge { what: "columns for Excel (at most 16,384)" });
    }
    if all_rows().flatten().any(|cell| cell.chars().nth(EXCEL_MAX_CELL_CHARS).is_some()) {
        return Err(TableError::TooLarge { what: "characters in a cell for Excel (at most 32,767)" });
    }

    let mut workbook = Workbook::new();
    let worksheet = workbook.add_worksheet();
    worksheet.set_name(valid_sheet_name(sheet_name)).map_err(unwritable)?;
    let bold = Format::new().set_bold();
    // The checks above keep every index within Excel's (and so the writer's) range.
    for (col, header) in sheet.headers.iter().enumerate() {
        worksheet.write_string_with_format(0, col as u16, header, &bold).map_err(unwritable)?;
    }
    for (row, cells) in sheet.rows.iter().enumerate() {
        for (col, cell) in cells.iter().enumerate().filter(|(_, cell)| !cell.is_empty()) {
            worksheet.write_string(row as u32 + 1, col as u16, cell).map_err(unwritable)?;
        }
    }
    worksheet.set_freeze_panes(1, 0).map_err(unwritable)?;
    worksheet.set_autofit_max_width(MAX_COLUMN_PIXELS);
    worksheet.autofit();
    workbook.save_to_buffer().map_err(unwritable)
}

/// `name` made into a name Excel accepts (see [`super::write_xlsx`]).
fn valid_sheet_name(name: &str) -> String {
    let edge = |c: char| c == '\'' || c.is_whitespace();
    let cleaned: String =
        name.chars().map(|c| if "[]:*?/\\".contains(c) || c.is_control() { ' ' } else { c }).collect();
    let cut: String = cleaned.trim_matches(edge).chars().take(31).collect();
    let cut = cut.trim_matches(edge);
    if cut.is_empty() || cut.eq_ignore_ascii_case("history") { "Sheet1".to_owned() } else { cut.to_owned() }
}

fn unwritable(error: rust_xlsxwriter::XlsxError) -> TableError {
    TableError::Xlsx(format!("the workbook could not be written ({error})"))
}

fn unreadable(error: impl Display) -> TableError {
    TableError::Xlsx(format!(
        "{error}; open it in Excel or LibreOffice and save it again as .xlsx, or as \"CSV UTF-8\""
    ))
}

pub(super) fn read(bytes: &[u8]) -> Result<Sheet, TableError> {
    // calamine can panic on some malformed sheets (e.g. a `<dimension ref="B2:A1">` overflows a
    // subtraction in debug builds): a damaged upload is an error for the user, not a crash.
    std::panic::catch_unwind(|| read_workbook(bytes)).unwrap_or_else(|_| {
        Err(TableError::Xlsx(
            "the workbook is damaged; open it in Excel or LibreOffice and save it again as \
             .xlsx, or as \"CSV UTF-8\""
                .into(),
        ))
    })
}

fn read_workbook(bytes: &[u8]) -> Result<Sheet, TableError> {
    check_unpacked_size(bytes)?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let name = first_worksheet(&workbook)?;
    let mut cells = workbook.worksheet_cells_reader(&name).map_err(unreadable)?;

    // Only non-blank cells are kept, row by row; the limits are checked as they come, so a sheet
    // that claims a cell at XFD1048576 costs nothing.
    let mut rows: BTreeMap<u32, Vec<(u32, String)>> = BTreeMap::new();
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        let text = render(cell.get_value());
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if text.chars().nth(super::MAX_CELL_CHARS).is_some() {
            return Err(TOO_LONG_CELL);
        }
        let (row, col) = cell.get_position();
        let row_cells = rows.entry(row).or_default();
        row_cells.push((col, text.to_owned()));
        if row_cells.len() > MAX_COLUMNS {
            return Err(TOO_MANY_COLUMNS);
        }
        if rows.len() > super::MAX_ROWS + 1 {
            return Err(TOO_MANY_ROWS);
        }
    }
    drop(cells);

    let Some((&header_row, header)) = rows.first_key_value() else {
        return Err(TableError::Empty);
    };
    let first_col = rows.values().flatten().map(|&(col, _)| col).min().unwrap_or(0);
    let last_col = header.iter().map(|&(col, _)| col).max().unwrap_or(0);
    let width = (last_col - first_col) as usize + 1;
    if width > MAX_COLUMNS {
        return Err(TOO_MANY_COLUMNS);
    }

    let mut builder = SheetBuilder::new();
    for (row, row_cells) in rows {
        let line = row as usize + 1;
        let mut dense = vec![String::new(); width];
        for (col, text) in row_cells {
            if col > last_col {
                return Err(TableError::Malformed {
                    line,
                    message: format!(
                        "cell {} has a value but its column has no header; \
                         name the column in row {} or clear the cell",
                        cell_name(row, col),
                        header_row as usize + 1,
                    ),
                });
            }
            dense[(col - first_col) as usize] = text;
        }
        builder.push(line, dense, |index, _| format!("column {} has a value but no header", index + 1))?;
    }
    builder.finish()
}

/// Refuses, from the ZIP directory alone, a workbook whose parts would unpack to too much: the
/// ZIP reader then stops any part that inflates past the size it declared.
fn check_unpacked_size(bytes: &[u8]) -> Result<(), TableError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let part = archive.by_index_raw(index).map_err(unreadable)?;
        total = total.saturating_add(part.size());
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(TableError::TooLarge { what: "bytes once unpacked (at most 100 MiB)" });
    }
    Ok(())
}

/// The first visible worksheet (what Excel shows on opening), else the first worksheet.
fn first_worksheet<R: std::io::Read + std::io::Seek>(workbook: &Xlsx<R>) -> Result<String, TableError> {
    let sheets = workbook.sheets_metadata();
    sheets
        .iter()
        .find(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible)
        .or_else(|| sheets.iter().find(|s| s.typ == SheetType::WorkSheet))
        .map(|s| s.name.clone())
        .ok_or_else(|| TableError::Xlsx("the workbook has no worksheet; put the list on a worksheet".into()))
}

/// A cell as the text a person sees in Excel.
fn render(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Int(int) => int.to_string(),
        DataRef::Float(float) => number(*float),
        DataRef::String(text) | DataRef::DateTimeIso(text) | DataRef::DurationIso(text) => text.clone(),
        DataRef::SharedString(text) => (*text).to_owned(),
        DataRef::Bool(true) => "TRUE".to_owned(),
        DataRef::Bool(false) => "FALSE".to_owned(),
        DataRef::DateTime(date_time) => excel_date_time(date_time),
        DataRef::Error(error) => error.to_string(),
        DataRef::Empty => String::new(),
    }
}

/// A number as Excel shows it in a General cell: 15 significant digits, no ".0" when integral.
fn number(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    // Round to 15 significant digits, as Excel does, so 0.1 + 0.2 reads "0.3".
    let rounded: f64 = format!("{value:.14e}").parse().unwrap_or(value);
    if rounded.fract() == 0.0 && rounded.abs() < 1e15 { format!("{}", rounded as i64) } else { format!("{rounded}") }
}

/// A date as `YYYY-MM-DD`, with ` HH:MM[:SS]` when it has a time of day; a time alone (a serial
/// below 1) as `HH:MM[:SS]`; a duration as `H:MM:SS`.
fn excel_date_time(value: &ExcelDateTime) -> String {
    if value.is_duration() {
        let seconds = (value.as_f64() * 86_400.0).round() as i64;
        let sign = if seconds < 0 { "-" } else { "" };
        let seconds = seconds.unsigned_abs();
        return format!("{sign}{}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
    let (year, month, day, hour, minute, second, _) = value.to_ymd_hms_milli();
    let time =
        if second == 0 { format!("{hour:02}:{minute:02}") } else { format!("{hour:02}:{minute:02}:{second:02}") };
    let date = format!("{year:04}-{month:02}-{day:02}");
    if (0.0..1.0).contains(&value.as_f64()) {
        time
    } else if (hour, minute, second) == (0, 0, 0) {
        date
    } else {
        format!("{date} {time}")
    }
}

/// The A1-style name of a 0-based cell position, e.g. `G7`.
fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = col as u64 + 1;
    while n > 0 {
        n -= 1;
        letters.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row as u64 + 1)
}

#[cfg(test)]
mod tests {
    use super::super::tests::sheet;
    use super::super::{MAX_CELL_CHARS, MAX_ROWS, read, write_xlsx};
    use super::*;
    use proptest::prelude::*;
    use rust_xlsxwriter::ExcelDateTime as WriterDate;

    const KAZAKH_LETTERS: &str = "Ә Қ Ң Ө Ұ Ү І Һ Ғ ә қ ң ө ұ ү і һ ғ";

    fn delegation() -> Sheet {
        sheet(
            &["Фамилия", "Имя", "Должность", "Примечание"],
            &[
                &["Тоқаев", "Қасым-Жомарт", "Президент Республики Казахстан", ""],
                &["Әлімжанов", "Ұлан", "Посол; руководитель\nпротокола", KAZAKH_LETTERS],
                &["Иванова", "Мария", "Переводчик", "=not a formula"],
            ],
        )
    }

    #[test]
    fn an_xlsx_written_here_is_read_back_with_the_same_text() {
        let original = delegation();
        let bytes = write_xlsx(&original, "Делегации").unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"));
        let back = read(&bytes).unwrap();
        assert_eq!(back.headers, original.headers);
        assert_eq!(back.rows, original.rows);
        assert_eq!(back.lines, [2, 3, 4]);
    }

    #[test]
    fn the_written_sheet_has_the_given_name_a_bold_frozen_header_and_fitted_columns() {
        let bytes = write_xlsx(&delegation(), "Делегации").unwrap();
        let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
        assert_eq!(workbook.sheet_names(), ["Делегации"]);
        let styles = workbook.worksheet_style("Делегации").unwrap();
        let header_font = styles.get((0, 0)).and_then(|style| style.font.clone()).unwrap();
        assert!(header_font.is_bold());
        // The freeze pane and the column widths are in the sheet XML: find them there.
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("xl/worksheets/sheet1.xml").unwrap(), &mut xml).unwrap();
        assert!(xml.contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#), "{xml}");
        assert!(xml.contains("<cols><col "), "columns are fitted: {xml}");
    }

    #[test]
    fn a_sheet_name_excel_would_refuse_is_made_valid() {
        assert_eq!(valid_sheet_name("Алматы: 10/11 апреля [черновик]"), "Алматы  10 11 апреля  черновик");
        assert_eq!(valid_sheet_name("  'history'  "), "Sheet1");
        assert_eq!(valid_sheet_name(""), "Sheet1");
        assert_eq!(valid_sheet_name(&"Ә".repeat(40)).chars().count(), 31);
        for name in ["Алматы: 10/11 апреля [черновик]", "'x'", "?*", &"Қ".repeat(40)] {
            assert!(write_xlsx(&delegation(), name).is_ok(), "{name}");
        }
    }

    #[test]
    fn numbers_and_dates_written_by_excel_tools_are_read_as_excel_shows_them() {
        let mut workbook = Workbook::new();
        let worksheet = workbook.add_worksheet();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let date_time = Format::new().set_num_format("dd.mm.yyyy hh:mm");
        let time = Format::new().set_num_format("hh:mm");
        for (col, header) in
            ["Номер", "Рост", "Прибытие", "Рейс", "Время", "Телефон", "Визит", "Сумма", "Ошибка"].iter().enumerate()
        {
            worksheet.write_string(2, col as u16, *header).unwrap();
        }
        worksheet.write_number(3, 0, 7).unwrap();
        worksheet.write_number(3, 1, 1.85).unwrap();
        worksheet.write_datetime_with_format(3, 2, WriterDate::from_ymd(2025, 4, 10).unwrap(), &date).unwrap();
        let landing = WriterDate::from_ymd(2025, 4, 9).unwrap().and_hms(23, 45, 0).unwrap();
        worksheet.write_datetime_with_format(3, 3, &landing, &date_time).unwrap();
        worksheet.write_datetime_with_format(3, 4, WriterDate::from_hms(9, 30, 0).unwrap(), &time).unwrap();
        worksheet.write_number(3, 5, 77_011_234_567.0).unwrap();
        worksheet.write_boolean(3, 6, true).unwrap();
        worksheet.write_number(3, 7, 0.1 + 0.2).unwrap();
        worksheet.write_formula(3, 8, "=1/0").unwrap();
        worksheet.write_string(5, 0, "Әбу").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();

        let back = read(&bytes).unwrap();
        assert_eq!(back.headers[0], "Номер");
        assert_eq!(
            back.rows[0],
            ["7", "1.85", "2025-04-10", "2025-04-09 23:45", "09:30", "77011234567", "TRUE", "0.3", "0"]
        );
        assert_eq!(back.rows[1][0], "Әбу");
        assert_eq!(back.lines, [4, 6], "rows are numbered as Excel shows them");
    }

    #[test]
    fn the_header_is_the_first_non_empty_row_and_blank_rows_are_skipped() {
        let mut workbook = Workbook::new();
        let worksheet = workbook.add_worksheet();
        worksheet.write_string(1, 2, "Список делегации").unwrap();
        worksheet.write_string(1, 3, "Ұлттық").unwrap();
        worksheet.write_string(2, 2, "   ").unwrap();
        worksheet.write_string(4, 2, "Әлия").unwrap();
        let back = read(&workbook.save_to_buffer().unwrap()).unwrap();
        assert_eq!(back.headers, ["Список делегации", "Ұлттық"]);
        assert_eq!(back.rows, [["Әлия", ""]]);
        assert_eq!(back.lines, [5]);
    }

    #[test]
    fn a_value_in_a_column_without_header_is_malformed_and_names_the_cell() {
        let mut workbook = Workbook::new();
        let worksheet = workbook.add_worksheet();
        worksheet.write_string(0, 0, "Имя").unwrap();
        worksheet.write_string(0, 1, "Фамилия").unwrap();
        worksheet.write_string(3, 0, "Ә").unwrap();
        worksheet.write_string(6, 6, "лишнее").unwrap();
        let err = read(&workbook.save_to_buffer().unwrap()).unwrap_err();
        let TableError::Malformed { line, message } = &err else { panic!("{err:?}") };
        assert_eq!(*line, 7);
        assert!(message.contains("cell G7"), "{message}");
    }

    #[test]
    fn a_far_away_cell_costs_nothing_and_is_malformed() {
        let mut workbook = Workbook::new();
        let worksheet = workbook.add_worksheet();
        worksheet.write_string(0, 0, "Имя").unwrap();
        worksheet.write_string(1_048_575, 16_383, "x").unwrap();
        let err = read(&workbook.save_to_buffer().unwrap()).unwrap_err();
        assert!(matches!(err, TableError::Malformed { line: 1_048_576, .. }), "{err:?}");
    }

    #[test]
    fn xlsx_limits_are_enforced() {
        let too_wide = sheet(&["c"; MAX_COLUMNS + 1], &[]);
        let err = read(&write_xlsx(&too_wide, "x").unwrap()).unwrap_err();
        assert!(matches!(err, TableError::TooLarge { what } if what.starts_with("columns")), "{err:?}");

        let long = "Ә".repeat(MAX_CELL_CHARS + 1);
        let err = read(&write_xlsx(&sheet(&["h"], &[&[&long]]), "x").unwrap()).unwrap_err();
        assert!(matches!(err, TableError::TooLarge { what } if what.starts_with("characters")), "{err:?}");

        let many = Sheet {
            headers: vec!["n".into()],
            rows: (0..=MAX_ROWS).map(|i| vec![i.to_string()]).collect(),
            lines: Vec::new(),
        };
        let err = read(&write_xlsx(&many, "x").unwrap()).unwrap_err();
        assert!(matches!(err, TableError::TooLarge { what } if what.starts_with("rows")), "{err:?}");
    }

    #[test]
    fn writing_beyond_excel_limits_is_too_large_not_a_panic() {
        let long = "x".repeat(EXCEL_MAX_CELL_CHARS + 1);
        let err = write_xlsx(&sheet(&["h"], &[&[&long]]), "x").unwrap_err();
        assert!(matches!(err, TableError::TooLarge { .. }), "{err:?}");
    }

    #[test]
    fn a_zip_that_is_not_a_workbook_is_unreadable_with_advice() {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("hello.txt", zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut zip, b"hello").unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        let err = read(&bytes).unwrap_err();
        assert!(matches!(&err, TableError::Xlsx(m) if m.contains("save it again as .xlsx")), "{err:?}");
    }

    #[test]
    fn a_zip_declaring_more_than_100_mib_unpacked_is_refused_before_inflating() {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        zip.start_file("xl/sharedStrings.xml", options).unwrap();
        let chunk = vec![b' '; 1024 * 1024];
        for _ in 0..101 {
            std::io::Write::write_all(&mut zip, &chunk).unwrap();
        }
        let bytes = zip.finish().unwrap().into_inner();
        assert!(bytes.len() < 1024 * 1024);
        let err = read(&bytes).unwrap_err();
        assert!(matches!(err, TableError::TooLarge { what } if what.contains("unpacked")), "{err:?}");
    }

    /// `bytes` as a new ZIP (stored, not deflated) with `edit` applied to each part.
    fn rezip(bytes: &[u8], edit: impl Fn(&str, String) -> String) -> Vec<u8> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for index in 0..archive.len() {
            let mut part = archive.by_index(index).unwrap();
            let name = part.name().unwrap().into_owned();
            let mut text = String::new();
            std::io::Read::read_to_string(&mut part, &mut text).unwrap();
            out.start_file(
                name.as_str(),
                zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored),
            )
            .unwrap();
            std::io::Write::write_all(&mut out, edit(&name, text).as_bytes()).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn a_damaged_sheet_that_makes_calamine_panic_is_an_error() {
        let bytes = rezip(&write_xlsx(&delegation(), "x").unwrap(), |name, text| {
            if name == "xl/worksheets/sheet1.xml" {
                let start = text.find("<dimension ref=\"").unwrap() + 16;
                let end = start + text[start..].find('"').unwrap();
                format!("{}B2:A1{}", &text[..start], &text[end..])
            } else {
                text
            }
        });
        let err = read(&bytes).unwrap_err();
        assert!(matches!(&err, TableError::Xlsx(m) if m.contains("save it again")), "{err:?}");
    }

    #[test]
    fn cell_names_are_excel_style() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(6, 6), "G7");
        assert_eq!(cell_name(9, 26), "AA10");
        assert_eq!(cell_name(1_048_575, 16_383), "XFD1048576");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn mutations_of_a_written_xlsx_never_panic(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut bytes = write_xlsx(&delegation(), "Делегации").unwrap();
            for (at, byte) in edits {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            // Keep the ZIP magic most of the time, so the XLSX reader is what gets exercised.
            let keep = cut.index(4 * bytes.len());
            if keep < bytes.len() {
                bytes.truncate(keep.max(4));
            }
            if let Ok(sheet) = read(&bytes) {
                prop_assert_eq!(sheet.rows.len(), sheet.lines.len());
            }
        }

        #[test]
        fn any_text_written_as_xlsx_reads_back_trimmed(
            cells in proptest::collection::vec("[a-zA-Zа-яәіңғүұқөһӘІҢҒҮҰҚӨҺ0-9 ,;\"'\n\u{1}\t=<>&_x]{1,10}", 2..12),
        ) {
            let headers = vec!["A".to_owned(), "Б".to_owned()];
            let rows: Vec<Vec<String>> = cells.chunks(2).map(|c| c.to_vec()).collect();
            let written = Sheet { headers: headers.clone(), rows: rows.clone(), lines: Vec::new() };
            let back = read(&write_xlsx(&written, "Лист").unwrap()).unwrap();
            let expected: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    let mut r: Vec<String> = r.iter().map(|c| c.trim().to_owned()).collect();
                    r.resize(2, String::new());
                    r
                })
                .filter(|r| r.iter().any(|c| !c.is_empty()))
                .collect();
            prop_assert_eq!(back.headers, headers);
            prop_assert_eq!(back.rows, expected);
        }
    }
}
