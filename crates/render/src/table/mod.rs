//! Tabular files in and out: delegation lists as CSV or XLSX.
//!
//! Writing: [`write_csv`] for anything that reads CSV, [`write_xlsx`] for people who open the file in
//! Excel (the safer choice for them: see [`write_csv`]).
//!
//! Reading: [`read`] takes whatever a secretariat or a delegation uploads (XLSX, or CSV saved by
//! Excel in any locale) and returns text cells with the file's own line numbers, so that a caller can
//! report "line 7: …" in the words the user sees in their spreadsheet. Every cell is text: turning a
//! cell into a date, a rank or a country is the caller's validation, not this module's.
//!
//! Security decisions, written down here:
//! - Input is bounded before it is parsed ([`MAX_INPUT_BYTES`]) and while it is parsed
//!   ([`MAX_ROWS`], [`MAX_COLUMNS`], [`MAX_CELL_CHARS`]); an XLSX whose parts unpack to more than
//!   [`MAX_UNPACKED_BYTES`] is refused from its ZIP directory alone (a zip bomb never inflates).
//! - CSV written here is safe to open in a spreadsheet: a cell that would start a formula is
//!   prefixed with an apostrophe ("CSV injection"), and [`read`] takes that apostrophe off again.

mod csv_in;
mod xlsx;

use serde::{Deserialize, Serialize};

/// The most bytes [`read`] accepts (10 MiB).
pub const MAX_INPUT_BYTES: usize = 10 * 1024 * 1024;
/// The most data rows (the header not counted) [`read`] accepts.
pub const MAX_ROWS: usize = 5_000;
/// The most columns [`read`] accepts.
pub const MAX_COLUMNS: usize = 60;
/// The most characters in one cell (after trimming) [`read`] accepts.
pub const MAX_CELL_CHARS: usize = 2_000;
/// The most bytes the parts of an XLSX file may unpack to, as declared in its ZIP directory.
pub const MAX_UNPACKED_BYTES: u64 = 100 * 1024 * 1024;

/// The UTF-8 byte-order mark, which tells Excel that a CSV file is UTF-8.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A sheet of text cells: a header row and data rows.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Sheet {
    /// The column names, in file order. A column without a name is `""`.
    pub headers: Vec<String>,
    /// The data rows. Rows returned by [`read`] have exactly `headers.len()` cells, each trimmed.
    pub rows: Vec<Vec<String>>,
    /// Where each row came from, filled by [`read`]: `lines[i]` is the 1-based line of the file
    /// where `rows[i]` starts (for CSV, the physical line where the record starts, so a record with
    /// a multi-line cell does not shift the numbers of the records after it; for XLSX, the row
    /// number Excel shows). Same length as `rows` after [`read`]; writers ignore it, so a sheet built
    /// for export may leave it empty.
    pub lines: Vec<usize>,
}

/// Why a table could not be read or written. Every message can be shown to the user as it is.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TableError {
    /// The CSV file is in another encoding (typically Windows-1251 from an older Excel "CSV").
    #[error("line {line} is not UTF-8 text; save the file as \"CSV UTF-8\" or XLSX")]
    NotUtf8 {
        /// The 1-based line holding the first byte that is not UTF-8.
        line: usize,
    },
    /// A row does not fit the header.
    #[error("line {line}: {message}")]
    Malformed {
        /// The 1-based line (CSV) or row (XLSX).
        line: usize,
        /// What is wrong and what to do about it.
        message: String,
    },
    /// A limit was exceeded; `what` names it with the limit, e.g. "rows (at most 5,000)".
    #[error("the file has too many {what}")]
    TooLarge {
        /// What there is too much of, with the limit.
        what: &'static str,
    },
    /// No header row: the file is empty or holds only blank cells.
    #[error("the file is empty")]
    Empty,
    /// The XLSX file could not be read (or, from [`write_xlsx`], written); the text says why and
    /// what to do.
    #[error("the spreadsheet cannot be read: {0}")]
    Xlsx(String),
}

const TOO_MANY_BYTES: TableError = TableError::TooLarge { what: "bytes (at most 10 MiB)" };
const TOO_MANY_ROWS: TableError = TableError::TooLarge { what: "rows (at most 5,000)" };
const TOO_MANY_COLUMNS: TableError = TableError::TooLarge { what: "columns (at most 60)" };
const TOO_LONG_CELL: TableError = TableError::TooLarge { what: "characters in a cell (at most 2,000)" };

/// UTF-8 CSV with a byte-order mark (so Excel opens Cyrillic correctly), comma-separated,
/// RFC 4180 quoting, CRLF line ends: the header row, then every row of `sheet.rows`. Cells holding
/// a comma, semicolon, tab, quote or line break are quoted.
///
/// A cell that starts with `=`, `+`, `-` or `@` (and is longer than that one character) is written
/// with a leading apostrophe so that a spreadsheet shows it as text instead of running it as a
/// formula; [`read`] removes that apostrophe.
///
/// Excel set to a Russian or Kazakh locale splits CSV on `;`, so a comma-separated file
/// double-clicked there opens in one column: offer [`write_xlsx`] to people who use Excel.
pub fn write_csv(sheet: &Sheet) -> Vec<u8> {
    let mut out = Vec::from(BOM);
    for row in std::iter::once(&sheet.headers).chain(&sheet.rows) {
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_csv_cell(&mut out, cell);
        }
        out.extend_from_slice(b"\r\n");
    }
    out
}

fn write_csv_cell(out: &mut Vec<u8>, cell: &str) {
    // A cell that already looks guarded gets one more apostrophe, so that `read` gives it back.
    let guard = starts_formula(cell.trim_start_matches('\''));
    // Quoting `;` and tab too (RFC 4180 allows quoting any field) keeps the delimiter detection of
    // `read` sure that this file is comma-separated.
    if cell.contains([',', ';', '\t', '"', '\r', '\n']) {
        out.push(b'"');
        if guard {
            out.push(b'\'');
        }
        out.extend_from_slice(cell.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        if guard {
            out.push(b'\'');
        }
        out.extend_from_slice(cell.as_bytes());
    }
}

/// Whether a spreadsheet would take this cell for a formula.
fn starts_formula(cell: &str) -> bool {
    cell.len() > 1 && cell.starts_with(['=', '+', '-', '@'])
}

/// Undoes the guard that [`write_csv`] puts before formula-like cells (before trimming): one
/// apostrophe comes off a cell that is apostrophes then a formula.
fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if starts_formula(rest.trim_start_matches('\'')) => rest,
        _ => cell,
    }
}

/// An XLSX workbook with one sheet named `sheet_name`: a bold header row, the first row frozen,
/// column widths fitted roughly to the content. Every cell is written as text.
///
/// `sheet_name` is made into a valid Excel sheet name: the characters `[ ] : * ? / \` become
/// spaces, it is cut to 31 characters, and a name left blank (or Excel's reserved "History")
/// becomes "Sheet1".
///
/// Errors: [`TableError::TooLarge`] beyond Excel's own limits (1,048,576 rows, 16,384 columns,
/// 32,767 characters in a cell).
pub fn write_xlsx(sheet: &Sheet, sheet_name: &str) -> Result<Vec<u8>, TableError> {
    xlsx::write(sheet, sheet_name)
}

/// Reads a delegation list: XLSX (detected by the ZIP magic bytes `PK\x03\x04`, whatever the file
/// is called) or CSV.
///
/// - CSV: UTF-8 only (a UTF-8 BOM is stripped; any other encoding is [`TableError::NotUtf8`] with
///   the line of the first bad byte). The delimiter is detected from the header line among `;`
///   (what Excel writes in Russian and Kazakh locales), `,` and tab; a first line `sep=;` is also
///   honoured. Quoted fields may hold delimiters, quotes (doubled) and line breaks; lines end in CRLF
///   or LF.
/// - XLSX: the first visible worksheet. Every cell is rendered as text: integral numbers without
///   ".0", dates as `YYYY-MM-DD` (`YYYY-MM-DD HH:MM` when there is a time of day), booleans as
///   `TRUE`/`FALSE`, formulas as their last computed value.
///
/// For both: the header is the first row with any non-blank cell (trailing unnamed columns are
/// dropped); cells are trimmed; rows whose cells are all blank are skipped; shorter rows are padded
/// with `""`; a row with a value beyond the last named column is [`TableError::Malformed`].
/// Limits: [`MAX_INPUT_BYTES`], [`MAX_ROWS`], [`MAX_COLUMNS`], [`MAX_CELL_CHARS`] →
/// [`TableError::TooLarge`].
pub fn read(bytes: &[u8]) -> Result<Sheet, TableError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(TOO_MANY_BYTES);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        xlsx::read(bytes)
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        // The OLE container: an Excel 97–2003 .xls, or an .xlsx protected by a password.
        Err(TableError::Xlsx(
            "it is an old .xls workbook or a password-protected one; \
             save it in Excel as .xlsx without a password"
                .into(),
        ))
    } else {
        csv_in::read(bytes)
    }
}

/// How the rows of a file become a [`Sheet`]: the same rules for CSV and XLSX.
struct SheetBuilder {
    sheet: Sheet,
    has_header: bool,
}

impl SheetBuilder {
    fn new() -> Self {
        Self { sheet: Sheet::default(), has_header: false }
    }

    /// Takes one record of the file, starting at 1-based `line`. `describe_extra(index, width)` words
    /// the error for a value in column `index` (0-based) beyond the `width` named columns.
    fn push(
        &mut self,
        line: usize,
        cells: Vec<String>,
        describe_extra: impl FnOnce(usize, usize) -> String,
    ) -> Result<(), TableError> {
        let mut cells: Vec<String> = cells
            .into_iter()
            .map(|cell| {
                let trimmed = cell.trim();
                if trimmed.len() == cell.len() { cell } else { trimmed.to_owned() }
            })
            .collect();
        if cells.iter().any(|cell| cell.chars().nth(MAX_CELL_CHARS).is_some()) {
            return Err(TOO_LONG_CELL);
        }
        let Some(last) = cells.iter().rposition(|cell| !cell.is_empty()) else {
            return Ok(());
        };
        if !self.has_header {
            if last >= MAX_COLUMNS {
                return Err(TOO_MANY_COLUMNS);
            }
            cells.truncate(last + 1);
            self.sheet.headers = cells;
            self.has_header = true;
            return Ok(());
        }
        let width = self.sheet.headers.len();
        if last >= width {
            return Err(TableError::Malformed { line, message: describe_extra(last, width) });
        }
        if self.sheet.rows.len() == MAX_ROWS {
            return Err(TOO_MANY_ROWS);
        }
        cells.resize(width, String::new());
        self.sheet.rows.push(cells);
        self.sheet.lines.push(line);
        Ok(())
    }

    fn finish(self) -> Result<Sheet, TableError> {
        if self.has_header { Ok(self.sheet) } else { Err(TableError::Empty) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    pub(super) fn sheet(headers: &[&str], rows: &[&[&str]]) -> Sheet {
        Sheet {
            headers: headers.iter().map(|s| s.to_string()).collect(),
            rows: rows.iter().map(|r| r.iter().map(|s| s.to_string()).collect()).collect(),
            lines: Vec::new(),
        }
    }

    fn delegation() -> Sheet {
        sheet(
            &["Фамилия", "Имя", "Должность", "Телефон"],
            &[
                &["Әбілқасымова", "Қуаныш", "Министр иностранных дел, глава делегации", "+7 701 555 01 02"],
                &["Ұлықбек", "Өмірзақ \"Ү\"", "Советник\nпо протоколу", "=1+2"],
                &["Іңкәр", "Ңғ", "Пресс-секретарь; атташе", ""],
            ],
        )
    }

    #[test]
    fn write_csv_starts_with_the_bom_and_ends_lines_with_crlf() {
        let csv = write_csv(&delegation());
        assert!(csv.starts_with(BOM));
        let text = std::str::from_utf8(&csv[3..]).unwrap();
        assert!(text.starts_with("Фамилия,Имя,Должность,Телефон\r\n"));
        assert!(text.ends_with("\r\n"));
        assert!(text.contains("\"Министр иностранных дел, глава делегации\""));
        assert!(text.contains("\"Өмірзақ \"\"Ү\"\"\""));
        assert!(text.contains("\"Советник\nпо протоколу\""));
    }

    #[test]
    fn write_csv_keeps_formulas_from_running_in_a_spreadsheet() {
        let csv = write_csv(&delegation());
        let text = std::str::from_utf8(&csv[3..]).unwrap();
        assert!(text.contains(",'=1+2\r\n"));
        assert!(text.contains(",'+7 701 555 01 02\r\n"));
    }

    #[test]
    fn write_csv_round_trips_through_read() {
        let original = delegation();
        let back = read(&write_csv(&original)).unwrap();
        assert_eq!(back.headers, original.headers);
        assert_eq!(back.rows, original.rows);
        // The second record spans two lines, so the third starts on line 5.
        assert_eq!(back.lines, vec![2, 3, 5]);
    }

    #[test]
    fn a_file_over_ten_mebibytes_is_too_large() {
        let big = vec![b'a'; MAX_INPUT_BYTES + 1];
        assert_eq!(read(&big), Err(TOO_MANY_BYTES));
    }

    #[test]
    fn an_old_xls_workbook_is_refused_with_advice() {
        let err = read(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest").unwrap_err();
        assert!(err.to_string().contains("save it in Excel as .xlsx"), "{err}");
    }

    #[test]
    fn error_messages_name_the_limit() {
        assert_eq!(TOO_MANY_ROWS.to_string(), "the file has too many rows (at most 5,000)");
        assert_eq!(
            TableError::NotUtf8 { line: 3 }.to_string(),
            "line 3 is not UTF-8 text; save the file as \"CSV UTF-8\" or XLSX"
        );
    }

    fn cell() -> impl Strategy<Value = String> {
        // Letters of Russian and Kazakh, delimiters, quotes, line breaks and formula starters.
        proptest::string::string_regex("[a-zA-Zа-яА-ЯәіңғүұқөһӘІҢҒҮҰҚӨҺ0-9 ,;\t\"'\n=+@.-]{0,12}").unwrap()
    }

    fn any_sheet() -> impl Strategy<Value = Sheet> {
        (1usize..6).prop_flat_map(|width| {
            (
                proptest::collection::vec(cell(), width),
                proptest::collection::vec(proptest::collection::vec(cell(), width), 0..8),
            )
                .prop_map(|(headers, rows)| Sheet { headers, rows, lines: Vec::new() })
        })
    }

    /// What `read` should give back for a written sheet: cells trimmed, blank rows and trailing
    /// unnamed columns gone.
    fn as_read(sheet: &Sheet) -> Option<(Vec<String>, Vec<Vec<String>>)> {
        let trim = |row: &Vec<String>| row.iter().map(|c| c.trim().to_owned()).collect::<Vec<_>>();
        let mut rows = std::iter::once(&sheet.headers).chain(&sheet.rows).map(trim);
        let mut headers = rows.by_ref().find(|r| r.iter().any(|c| !c.is_empty()))?;
        let width = headers.iter().rposition(|c| !c.is_empty())? + 1;
        headers.truncate(width);
        let rows = rows
            .filter(|r| r.iter().any(|c| !c.is_empty()))
            .map(|mut r| {
                r.truncate(width);
                r
            })
            .collect::<Vec<_>>();
        Some((headers, rows))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_sheet_written_as_csv_reads_back_the_same(sheet in any_sheet()) {
            let expected = as_read(&sheet);
            // A value beyond the last named column is an error, and is tested elsewhere.
            prop_assume!(expected.as_ref().is_none_or(|(h, _)| {
                let all = std::iter::once(&sheet.headers).chain(&sheet.rows);
                all.into_iter().all(|r| r.iter().skip(h.len()).all(|c| c.trim().is_empty()))
            }));
            match (read(&write_csv(&sheet)), expected) {
                (Ok(back), Some((headers, rows))) => {
                    prop_assert_eq!(back.headers, headers);
                    prop_assert_eq!(&back.rows, &rows);
                    prop_assert_eq!(back.lines.len(), rows.len());
                }
                (Err(TableError::Empty), None) => {}
                (got, want) => prop_assert!(false, "got {:?}, wanted {:?}", got, want),
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = read(&bytes);
        }

        #[test]
        fn arbitrary_text_never_panics(text in "(?s).{0,400}") {
            let _ = read(text.as_bytes());
        }
    }
}
