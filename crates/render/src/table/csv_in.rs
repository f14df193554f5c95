//! Reading CSV as Excel (in any locale), LibreOffice and hand-written scripts save it.

use super::{BOM, Sheet, SheetBuilder, TableError, unguard};

/// The delimiters [`read`](super::read) recognises, most likely first (Excel in Russian and Kazakh
/// locales writes `;`).
const DELIMITERS: [u8; 3] = [b';', b',', b'\t'];

pub(super) fn read(bytes: &[u8]) -> Result<Sheet, TableError> {
    let body = bytes.strip_prefix(BOM).unwrap_or(bytes);
    if let Err(error) = std::str::from_utf8(body) {
        let line = count_lines_before(body, error.valid_up_to());
        return Err(TableError::NotUtf8 { line });
    }
    let (delimiter, skip) = detect_delimiter(body);
    let newlines: Vec<usize> = body.iter().enumerate().filter(|&(_, &b)| b == b'\n').map(|(i, _)| i).collect();
    let line_at = |offset: usize| newlines.partition_point(|&at| at < offset) + 1;

    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(&body[skip..]);
    let mut record = csv::ByteRecord::new();
    let mut builder = SheetBuilder::new();
    loop {
        let position = reader.position().byte();
        let more = reader.read_byte_record(&mut record).map_err(|error| TableError::Malformed {
            line: line_at(skip + usize::try_from(position).unwrap_or(usize::MAX)),
            message: format!("{error}; save the file again as \"CSV UTF-8\""),
        })?;
        if !more {
            break;
        }
        // The reader's position is where it stopped after the previous record, which may be before
        // that record's line end and any blank lines: the record itself starts after them.
        let mut start = skip + record.position().map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        while body.get(start).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
            start += 1;
        }
        let cells = record.iter().map(|field| unguard(&String::from_utf8_lossy(field)).to_owned()).collect();
        builder.push(line_at(start), cells, |index, width| {
            format!(
                "this row has a value in column {} but the header names only {width} columns; \
                 put quotes around values that contain \"{}\", or name the extra column in the header",
                index + 1,
                describe(delimiter),
            )
        })?;
    }
    builder.finish()
}

fn describe(delimiter: u8) -> &'static str {
    match delimiter {
        b';' => ";",
        b',' => ",",
        b'\t' => "a tab",
        _ => "|",
    }
}

/// The 1-based line holding byte `offset`.
fn count_lines_before(body: &[u8], offset: usize) -> usize {
    body[..offset.min(body.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// The delimiter, and how many bytes to skip before the first record: a first line `sep=;` (which
/// some tools write for Excel) names the delimiter; otherwise the candidate that occurs most often
/// outside quotes in the header record wins, `;` first on a tie (and when there is none).
fn detect_delimiter(body: &[u8]) -> (u8, usize) {
    let first_end = body.iter().position(|&b| b == b'\n').unwrap_or(body.len());
    let first = body[..first_end].strip_suffix(b"\r").unwrap_or(&body[..first_end]);
    if let [s, e, p, b'=', delimiter] = first
        && [*s, *e, *p].eq_ignore_ascii_case(b"sep")
        && matches!(delimiter, b';' | b',' | b'\t' | b'|')
    {
        return (*delimiter, (first_end + 1).min(body.len()));
    }
    // The header is the first record with anything but delimiters and blanks in it; a quoted
    // cell may span lines, and what is inside quotes is not counted. Blank records before it
    // (Excel writes `;;;` for an empty row) count too: they are in the same dialect.
    let mut counts = [0usize; DELIMITERS.len()];
    let (mut quoted, mut content) = (false, false);
    for &b in body {
        match b {
            b'"' => {
                quoted = !quoted;
                content = true;
            }
            _ if quoted => {}
            b'\n' if content => break,
            _ => match DELIMITERS.iter().position(|&d| d == b) {
                Some(i) => counts[i] += 1,
                None => content |= !b.is_ascii_whitespace(),
            },
        }
    }
    // `max_by_key` keeps the last maximum, so walk the candidates from least to most likely.
    let best = (0..DELIMITERS.len()).rev().max_by_key(|&i| counts[i]).unwrap_or(0);
    (DELIMITERS[best], 0)
}

#[cfg(test)]
mod tests {
    use super::super::{MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, read, write_csv};
    use super::*;
    use proptest::prelude::*;

    /// A delegation list as Excel (Russian locale) saves it with "CSV UTF-8": BOM, `;`, CRLF, and a
    /// quoted cell holding a `;` and a line break.
    const EXCEL_CSV: &[u8] = "\u{FEFF}Фамилия;Имя;Должность;Примечание\r\n\
        Токаев;Қасым-Жомарт;Президент;\r\n\
        Әлімжанов;Ұлан;\"Посол; руководитель\r\nпротокола\";вегетарианец\r\n\
        Иванова;Мария;Переводчик;\r\n\
        ;;;\r\n\
        Нұрланов;Іңкәр;\"Атташе \"\"по прессе\"\"\";\r\n"
        .as_bytes();

    #[test]
    fn a_cyrillic_csv_from_excel_with_bom_and_semicolons_is_read() {
        let sheet = read(EXCEL_CSV).unwrap();
        assert_eq!(sheet.headers, ["Фамилия", "Имя", "Должность", "Примечание"]);
        assert_eq!(sheet.rows.len(), 4);
        assert_eq!(sheet.rows[0], ["Токаев", "Қасым-Жомарт", "Президент", ""]);
        assert_eq!(sheet.rows[1], ["Әлімжанов", "Ұлан", "Посол; руководитель\r\nпротокола", "вегетарианец"]);
        assert_eq!(sheet.rows[3], ["Нұрланов", "Іңкәр", "Атташе \"по прессе\"", ""]);
    }

    #[test]
    fn each_row_carries_the_line_where_its_record_starts() {
        let sheet = read(EXCEL_CSV).unwrap();
        // Line 3 holds a record that ends on line 4; the blank row on line 6 is skipped.
        assert_eq!(sheet.lines, [2, 3, 5, 7]);
    }

    #[test]
    fn line_numbers_count_blank_lines_and_lf_endings() {
        let sheet = read(b"a,b\n\n1,2\n\n\n3,4").unwrap();
        assert_eq!(sheet.lines, [3, 6]);
        assert_eq!(sheet.rows, [["1", "2"], ["3", "4"]]);
    }

    #[test]
    fn leading_blank_lines_come_before_the_header() {
        let sheet = read(b"\r\n;;\r\n\xD0\x98\xD0\xBC\xD1\x8F;x\r\n1;2\r\n").unwrap();
        assert_eq!(sheet.headers, ["Имя", "x"]);
        assert_eq!(sheet.lines, [4]);
    }

    #[test]
    fn the_delimiter_is_detected_from_the_header_line() {
        assert_eq!(read(b"a,b,c;d\n1,2,3;4").unwrap().headers, ["a", "b", "c;d"]);
        assert_eq!(read(b"a,b;c\n1,2;3").unwrap().headers, ["a,b", "c"], "a tie goes to ;");
        assert_eq!(read(b"a;b,c\n1;2,3").unwrap().headers, ["a", "b,c"]);
        assert_eq!(read(b"a\tb\tc\n1\t2\t3").unwrap().headers, ["a", "b", "c"]);
        assert_eq!(read(b"\"a;b\",c\n1,2").unwrap().headers, ["a;b", "c"]);
        assert_eq!(read(b"name\nx").unwrap().rows, [["x"]]);
    }

    #[test]
    fn a_sep_line_names_the_delimiter() {
        let sheet = read(b"sep=,\r\na;b,c\r\n1;2,3\r\n").unwrap();
        assert_eq!(sheet.headers, ["a;b", "c"]);
        assert_eq!(sheet.lines, [3]);
    }

    #[test]
    fn cells_are_trimmed_and_short_rows_padded() {
        let sheet = read("  Имя \u{A0};Фамилия ; \n Ә ;\n".as_bytes()).unwrap();
        assert_eq!(sheet.headers, ["Имя", "Фамилия"]);
        assert_eq!(sheet.rows, [["Ә", ""]]);
    }

    #[test]
    fn trailing_empty_cells_beyond_the_header_are_ignored() {
        let sheet = read(b"a;b\r\n1;2;;;\r\n").unwrap();
        assert_eq!(sheet.rows, [["1", "2"]]);
    }

    #[test]
    fn windows_1251_text_is_not_utf8_and_names_its_line() {
        // "Фамилия;Имя" is UTF-8; "Иванов" on line 3 is in Windows-1251.
        let mut bytes = "Фамилия;Имя\r\nПетров;Пётр\r\n".as_bytes().to_vec();
        bytes.extend_from_slice(b"\xC8\xE2\xE0\xED\xEE\xE2;\xC8\xE2\xE0\xED\r\n");
        assert_eq!(read(&bytes), Err(TableError::NotUtf8 { line: 3 }));
        assert_eq!(read(b"\xD4\xE0\xEC\xE8\xEB\xE8\xFF;\xC8\xEC\xFF"), Err(TableError::NotUtf8 { line: 1 }));
    }

    #[test]
    fn a_row_longer_than_the_header_is_malformed_with_its_line() {
        let err = read("Имя;Фамилия\r\nА;Б\r\n\"В\r\nГ\";Д\r\nЕ;Ж;З\r\n".as_bytes()).unwrap_err();
        let TableError::Malformed { line, message } = &err else { panic!("{err:?}") };
        assert_eq!(*line, 5);
        assert!(message.contains("column 3"), "{message}");
        assert!(err.to_string().starts_with("line 5: "));
    }

    #[test]
    fn an_empty_file_or_a_blank_one_is_empty() {
        assert_eq!(read(b""), Err(TableError::Empty));
        assert_eq!(read(BOM), Err(TableError::Empty));
        assert_eq!(read(b"\r\n ; ;\r\n\r\n"), Err(TableError::Empty));
    }

    #[test]
    fn more_than_five_thousand_rows_are_too_large() {
        let mut text = String::from("n\n");
        for i in 0..MAX_ROWS {
            text.push_str(&format!("{i}\n"));
        }
        assert_eq!(read(text.as_bytes()).unwrap().rows.len(), MAX_ROWS);
        text.push_str("one more\n");
        assert!(matches!(read(text.as_bytes()), Err(TableError::TooLarge { what }) if what.starts_with("rows")));
    }

    #[test]
    fn more_than_sixty_columns_are_too_large() {
        let header = |n: usize| (0..n).map(|i| format!("c{i}")).collect::<Vec<_>>().join(";");
        assert_eq!(read(header(MAX_COLUMNS).as_bytes()).unwrap().headers.len(), MAX_COLUMNS);
        assert!(matches!(
            read(header(MAX_COLUMNS + 1).as_bytes()),
            Err(TableError::TooLarge { what }) if what.starts_with("columns")
        ));
    }

    #[test]
    fn a_cell_over_two_thousand_characters_is_too_large() {
        let ok = format!("h\n{}\n", "Ә".repeat(MAX_CELL_CHARS));
        assert!(read(ok.as_bytes()).is_ok());
        let long = format!("h\n{}\n", "Ә".repeat(MAX_CELL_CHARS + 1));
        assert!(matches!(read(long.as_bytes()), Err(TableError::TooLarge { what }) if what.starts_with("characters")));
    }

    #[test]
    fn an_unclosed_quote_does_not_panic() {
        let _ = read(b"a;b\r\n\"x;y\r\n1;2\r\n");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn mutations_of_an_excel_csv_never_panic(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut bytes = EXCEL_CSV.to_vec();
            for (at, byte) in edits {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            bytes.truncate(cut.index(bytes.len() + 1));
            if let Ok(sheet) = read(&bytes) {
                prop_assert_eq!(sheet.rows.len(), sheet.lines.len());
                prop_assert!(sheet.rows.iter().all(|r| r.len() == sheet.headers.len()));
            }
        }

        #[test]
        fn written_csv_survives_mutation_without_panic(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        ) {
            let mut bytes = write_csv(&read(EXCEL_CSV).unwrap());
            for (at, byte) in edits {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            let _ = read(&bytes);
        }
    }
}
