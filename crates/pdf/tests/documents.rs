//! The PDF documents as a real consumer reads them: poppler's `pdftotext` for the text and
//! `pdffonts` for the embedded fonts. Without poppler-utils installed, those checks are skipped
//! with a message (the rendering itself is still tested). Set `CONCORD_PDF_OUT` to a directory to
//! keep a copy of each PDF there, to look at.

use std::io::Write;
use std::process::Command;
use std::time::Instant;

use pdf::{Badge, ListDelegation, ListMember, NoteVerbale, ParticipantsList, PdfError};

#[path = "documents/adopted_texts.rs"]
mod adopted_texts;

/// A PDF written to a temporary file for the poppler tools.
struct PdfFile(std::path::PathBuf);

impl PdfFile {
    fn new(name: &str, bytes: &[u8]) -> Self {
        assert!(bytes.starts_with(b"%PDF-"), "{name} is not a PDF");
        let path = std::env::temp_dir().join(format!("concord-pdf-{}-{name}.pdf", std::process::id()));
        std::fs::File::create(&path).unwrap().write_all(bytes).unwrap();
        if let Some(directory) = std::env::var_os("CONCORD_PDF_OUT") {
            std::fs::write(std::path::Path::new(&directory).join(format!("{name}.pdf")), bytes).unwrap();
        }
        Self(path)
    }

    /// The text as `pdftotext` extracts it, or `None` when poppler-utils is not installed.
    fn text(&self) -> Option<String> {
        self.poppler("pdftotext", &["-enc", "UTF-8"], true)
    }

    /// The text line by line as laid out on the page (`pdftotext -layout`): the rows of a table
    /// stay rows.
    fn layout_text(&self) -> Option<String> {
        self.poppler("pdftotext", &["-enc", "UTF-8", "-layout"], true)
    }

    /// The right edge of every word on its page, in points (`pdftotext -bbox`).
    fn right_edges(&self) -> Option<Vec<f64>> {
        let html = self.poppler("pdftotext", &["-enc", "UTF-8", "-bbox"], true)?;
        Some(html.split("xMax=\"").skip(1).map(|rest| rest.split('"').next().unwrap().parse().unwrap()).collect())
    }

    /// The output of `pdffonts`, or `None` when poppler-utils is not installed.
    fn fonts(&self) -> Option<String> {
        self.poppler("pdffonts", &[], false)
    }

    /// The value of one field of `pdfinfo` (e.g. "Title", "Pages"), or `None` when poppler-utils
    /// is not installed.
    fn info(&self, field: &str) -> Option<String> {
        let info = self.poppler("pdfinfo", &["-enc", "UTF-8"], false)?;
        let prefix = format!("{field}:");
        let line = info
            .lines()
            .find(|line| line.starts_with(&prefix))
            .unwrap_or_else(|| panic!("no {field} in pdfinfo's output:\n{info}"));
        Some(line[prefix.len()..].trim().to_owned())
    }

    fn poppler(&self, tool: &str, args: &[&str], to_stdout: bool) -> Option<String> {
        let mut command = Command::new(tool);
        command.args(args).arg(&self.0);
        if to_stdout {
            command.arg("-");
        }
        let output = match command.output() {
            Ok(output) => output,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                eprintln!("SKIPPED: {tool} not found (install Debian's poppler-utils); check not run");
                return None;
            }
            Err(error) => panic!("{tool} could not run: {error}"),
        };
        assert!(output.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&output.stderr));
        Some(String::from_utf8(output.stdout).unwrap())
    }
}

impl Drop for PdfFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Every font in the PDF is one of ours, embedded, and there is at least one.
fn assert_fonts_embedded(pdf: &PdfFile) {
    let Some(table) = pdf.fonts() else { return };
    // pdffonts: two header lines, then one line per font with columns
    // name type encoding emb sub uni object ID.
    let rows: Vec<&str> = table.lines().skip(2).filter(|line| !line.trim().is_empty()).collect();
    assert!(!rows.is_empty(), "no fonts in the PDF:\n{table}");
    for row in rows {
        assert!(row.contains("DejaVuSans") || row.contains("DroidSansFallback"), "unexpected font: {row}");
        let columns: Vec<&str> = row.split_whitespace().collect();
        let emb = columns[columns.len() - 5];
        assert_eq!(emb, "yes", "font not embedded: {row}\n{table}");
    }
}

/// Whitespace collapsed, so that line breaks do not matter when looking for a phrase.
fn normalised(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn member(name: &str, position: &str, role: &str) -> ListMember {
    ListMember { name: name.into(), position: position.into(), role: role.into() }
}

#[test]
fn participants_list_keeps_the_given_order_and_every_name() {
    let list = ParticipantsList {
        language: "ru".into(),
        title: "Совет министров иностранных дел СНГ".into(),
        subtitle: "Список участников · Алматы, 11 апреля 2025 года".into(),
        delegations: vec![
            ListDelegation {
                name: "Азербайджан".into(),
                members: vec![member("Джейхун Байрамов", "Министр иностранных дел", "Глава делегации")],
            },
            ListDelegation {
                name: "Армения".into(),
                members: vec![member("Арарат Мирзоян", "Министр иностранных дел", "Глава делегации")],
            },
            ListDelegation {
                name: "Казахстан".into(),
                members: vec![
                    member("Қасым-Жомарт Тоқаев", "Президент", "Глава делегации"),
                    member("Әлия Ұлықбекқызы Іңкәрова", "Советник", "Член делегации"),
                ],
            },
            ListDelegation {
                name: "Россия".into(),
                members: vec![member("Sergey Lavrov", "Minister of Foreign Affairs", "Head of delegation")],
            },
        ],
        footer: "По состоянию на 10 апреля 2025 года".into(),
    };
    let bytes = pdf::participants_list(&list).unwrap();
    let pdf = PdfFile::new("list", &bytes);
    assert_fonts_embedded(&pdf);
    let Some(text) = pdf.layout_text() else { return };
    let text = normalised(&text);

    let in_order = ["Азербайджан", "Армения", "Қасым-Жомарт Тоқаев", "Әлия Ұлықбекқызы Іңкәрова", "Sergey Lavrov"];
    let mut last = 0;
    for name in in_order {
        let at = text[last..].find(name).unwrap_or_else(|| panic!("{name:?} not found (in order) in:\n{text}"));
        last += at + name.len();
    }
    for phrase in [
        "Совет министров иностранных дел СНГ",
        "Джейхун Байрамов Министр иностранных дел Глава делегации",
        "По состоянию на 10 апреля 2025 года",
    ] {
        assert!(text.contains(phrase), "{phrase:?} not found in:\n{text}");
    }
    assert!(text.replace(' ', "").contains("1/1"), "no page number \"1 / 1\" in:\n{text}");
}

#[test]
fn badge_shows_names_participant_category_and_zones() {
    let badge = Badge {
        event: "СМИД СНГ · Алматы 2025".into(),
        badge_number: "D-0042".into(),
        name_latin: "Aliya INKAROVA".into(),
        name_local: "Әлия Іңкәрова".into(),
        participant: "Республика Казахстан".into(),
        role: "Член делегации".into(),
        category: "D".into(),
        zones: vec!["1".into(), "2".into(), "VIP".into()],
        photo_jpeg: Some(tiny_jpeg()),
        qr_payload: "https://concord.example/badges/D-0042/check".into(),
    };
    let without_photo = Badge {
        name_latin: "Sergey LAVROV".into(),
        name_local: "Сергей Лавров".into(),
        badge_number: "D-0043".into(),
        zones: vec!["1".into(), "PRESS".into()],
        photo_jpeg: None,
        ..badge.clone()
    };
    let bytes = pdf::badges("en", "Badges", &[badge, without_photo]).unwrap();
    let pdf = PdfFile::new("badges", &bytes);
    assert_fonts_embedded(&pdf);
    let Some(text) = pdf.text() else { return };
    assert_eq!(text.matches('\u{c}').count(), 2, "one page per badge expected:\n{text}");
    let text = normalised(&text);
    for phrase in [
        "Aliya INKAROVA",
        "Әлия Іңкәрова",
        "Sergey LAVROV",
        "Сергей Лавров",
        "Республика Казахстан",
        "Член делегации",
        "VIP",
        "PRESS",
        "D-0042",
        "D-0043",
    ] {
        assert!(text.contains(phrase), "{phrase:?} not found in:\n{text}");
    }
}

#[test]
fn note_verbale_contains_its_paragraphs() {
    let paragraphs = [
        "Министерство иностранных дел Республики Казахстан свидетельствует свое уважение \
         Посольству Республики Армения и имеет честь сообщить, что заседание Совета министров \
         иностранных дел Содружества Независимых Государств состоится 11 апреля 2025 года в \
         городе Алматы.",
        "Министерство просит сообщить состав делегации до 1 апреля 2025 года.",
    ];
    let note = NoteVerbale {
        language: "ru".into(),
        reference: "№ 12-3/456".into(),
        sender: "Министерство иностранных дел Республики Казахстан".into(),
        recipient: "Посольству Республики Армения в городе Астане".into(),
        paragraphs: paragraphs.iter().map(|p| p.to_string()).collect(),
        place_and_date: "Астана, 2 апреля 2025 года".into(),
        complimentary_close: "Министерство пользуется случаем, чтобы возобновить Посольству \
                              уверения в своем высоком уважении."
            .into(),
    };
    let bytes = pdf::note_verbale(&note).unwrap();
    let pdf = PdfFile::new("note", &bytes);
    assert_fonts_embedded(&pdf);
    let Some(text) = pdf.text() else { return };
    // Justified text may be hyphenated at line ends, where typst writes a soft hyphen (U+00AD):
    // join "свидетельству\u{ad}\nет" before comparing.
    let text = normalised(&text.replace("\u{ad}\n", ""));
    for phrase in paragraphs.iter().copied().chain([
        "№ 12-3/456",
        "Астана, 2 апреля 2025 года",
        "Посольству Республики Армения в городе Астане",
        "уверения в своем высоком уважении.",
    ]) {
        assert!(text.contains(&normalised(phrase)), "{phrase:?} not found in:\n{text}");
    }
}

#[test]
fn note_verbale_in_kazakh_keeps_the_kazakh_letters() {
    let paragraph = "Қазақстан Республикасының Сыртқы істер министрлігі Армения Республикасының \
                     Елшілігіне өзінің құрметін білдіріп, Тәуелсіз Мемлекеттер Достастығы Сыртқы \
                     істер министрлері кеңесінің отырысы 2025 жылғы 11 сәуірде Алматы қаласында \
                     өтетінін хабарлайды.";
    let note = NoteVerbale {
        language: "kk".into(),
        reference: "№ 12-3/456".into(),
        sender: "Қазақстан Республикасының Сыртқы істер министрлігі".into(),
        recipient: "Армения Республикасының Астана қаласындағы Елшілігіне".into(),
        paragraphs: vec![paragraph.into()],
        place_and_date: "Астана, 2025 жылғы 2 сәуір".into(),
        complimentary_close: "Министрлік Елшілікке өзінің жоғары құрметін тағы да растайды.".into(),
    };
    let bytes = pdf::note_verbale(&note).unwrap();
    let pdf = PdfFile::new("note-kk", &bytes);
    assert_fonts_embedded(&pdf);
    let Some(text) = pdf.text() else { return };
    let text = normalised(&text.replace("\u{ad}\n", ""));
    for phrase in [paragraph, "Астана, 2025 жылғы 2 сәуір", "Армения Республикасының Астана қаласындағы Елшілігіне"]
    {
        assert!(text.contains(&normalised(phrase)), "{phrase:?} not found in:\n{text}");
    }
}

#[test]
fn a_character_missing_from_the_fonts_is_refused_not_drawn_as_a_box() {
    let list = ParticipantsList {
        language: "en".into(),
        title: "List of participants".into(),
        subtitle: String::new(),
        delegations: vec![ListDelegation {
            name: "Egypt".into(),
            members: vec![member("Badr 𓀀 Abdelatty", "Minister", "Head of delegation")],
        }],
        footer: String::new(),
    };
    match pdf::participants_list(&list) {
        Err(PdfError::MissingGlyph { character, text }) => {
            assert_eq!(character, '𓀀');
            assert_eq!(text, "Badr 𓀀 Abdelatty");
        }
        other => panic!("expected MissingGlyph, got {other:?}"),
    }
    let mut badge = sample_badge();
    badge.zones = vec!["𓀄".into()];
    assert!(matches!(pdf::badges("en", "Badges", &[badge]), Err(PdfError::MissingGlyph { character: '𓀄', .. })));
}

#[test]
fn a_list_of_three_thousand_members_renders() {
    let list = ParticipantsList {
        language: "en".into(),
        title: "United Nations General Assembly — high-level week".into(),
        subtitle: "List of participants".into(),
        delegations: (1..=193)
            .map(|d| ListDelegation {
                name: format!("Delegation {d:03} — Делегация Қазақстан"),
                members: (1..=16)
                    .map(|m| {
                        member(
                            &format!("Participant {d:03}-{m:02} Әлия Ұлықбекқызы"),
                            "Deputy Minister of Foreign Affairs",
                            if m == 1 { "Head of delegation" } else { "Member" },
                        )
                    })
                    .collect(),
            })
            .collect(),
        footer: "Generated for the benchmark".into(),
    };
    pdf::warm_up();
    let started = Instant::now();
    let bytes = pdf::participants_list(&list).unwrap();
    let elapsed = started.elapsed();
    eprintln!("participants list, 193 delegations x 16 members (3,088 names): {} bytes in {elapsed:?}", bytes.len());
    let pdf = PdfFile::new("large-list", &bytes);
    let Some(text) = pdf.text() else { return };
    let text = normalised(&text);
    assert!(text.contains("Participant 001-01 Әлия Ұлықбекқызы"));
    assert!(text.contains("Participant 193-16 Әлия Ұлықбекқызы"));
}

#[test]
fn rendering_the_same_data_twice_gives_the_same_bytes() {
    let badges = [Badge { photo_jpeg: Some(tiny_jpeg()), ..sample_badge() }];
    assert_eq!(pdf::badges("en", "Badges", &badges).unwrap(), pdf::badges("en", "Badges", &badges).unwrap());
}

#[test]
fn user_text_is_shown_not_evaluated_as_markup() {
    let mut badge = sample_badge();
    badge.name_latin = "#panic(\"injected\") *bold* $x$ ]} \\ \"".into();
    let bytes = pdf::badges("en", "Badges", &[badge]).unwrap();
    let pdf = PdfFile::new("markup", &bytes);
    let Some(text) = pdf.text() else { return };
    assert!(normalised(&text).contains("#panic(\"injected\") *bold* $x$ ]} \\ \""), "{text}");
}

#[test]
fn an_invalid_photo_is_a_typst_error() {
    let mut badge = sample_badge();
    badge.photo_jpeg = Some(b"not a jpeg".to_vec());
    match pdf::badges("en", "Badges", &[badge]) {
        Err(PdfError::Typst(message)) => assert!(message.contains("image"), "{message}"),
        other => panic!("expected a typst error, got {other:?}"),
    }
}

fn sample_badge() -> Badge {
    Badge {
        event: "Central Asia + 1".into(),
        badge_number: "M-0001".into(),
        name_latin: "Ivan PETROV".into(),
        name_local: "Иван Петров".into(),
        participant: "Press".into(),
        role: "Journalist".into(),
        category: "M".into(),
        zones: vec!["PRESS".into()],
        photo_jpeg: None,
        qr_payload: "https://concord.example/badges/M-0001/check".into(),
    }
}

/// A small portrait JPEG (90×120, a drawn silhouette).
fn tiny_jpeg() -> Vec<u8> {
    include_bytes!("photo.jpg").to_vec()
}
