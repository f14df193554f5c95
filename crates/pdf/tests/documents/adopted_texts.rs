//! The document version and adopted text PDF ([`pdf::document`]) as a reader sees it: `pdftotext`
//! for the text and `pdfinfo` for the metadata and page count.

use std::time::Instant;

use pdf::{DocumentPdf, PdfError, SignatureLine};

use super::PdfFile;

/// Soft hyphens at line ends joined (justified text may be hyphenated: typst writes U+00AD and a
/// line break), then whitespace collapsed, so that line breaks do not matter.
fn normalised(text: &str) -> String {
    text.replace("\u{ad}\n", "").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Asserts that `phrases` appear in `text` in this order, each after the previous one.
fn assert_in_order(text: &str, phrases: &[&str]) {
    let mut last = 0;
    for phrase in phrases {
        let at = text[last..].find(phrase).unwrap_or_else(|| panic!("{phrase:?} not found (in order) in:\n{text}"));
        last += at + phrase.len();
    }
}

fn assert_contains(text: &str, phrases: &[&str]) {
    for phrase in phrases {
        assert!(text.contains(&normalised(phrase)), "{phrase:?} not found in:\n{text}");
    }
}

fn signature(heading: &str, signer: Option<&str>, position: Option<&str>, mark: Option<&str>) -> SignatureLine {
    SignatureLine {
        heading: heading.into(),
        signer: signer.map(Into::into),
        position: position.map(Into::into),
        signed: None,
        mark: mark.map(Into::into),
    }
}

const SHA256: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

fn russian_adopted_text() -> DocumentPdf {
    DocumentPdf {
        language: "ru".into(),
        body: "Совет министров иностранных дел Содружества Независимых Государств".into(),
        kind: "Решение".into(),
        register_number: "СМИД/2025/05".into(),
        title: "О Плане многоплановых консультаций министерств иностранных дел государств – участников СНГ на 2025–2026 годы".into(),
        version_line: "Принято 11 апреля 2025 г.".into(),
        paragraphs: vec![
            "Утвердить План многоплановых консультаций министерств иностранных дел государств – \
             участников Содружества Независимых Государств на 2025–2026 годы (прилагается)."
                .into(),
            "Министерствам иностранных дел государств – участников СНГ обеспечить выполнение \
             Плана и ежегодно информировать Исполнительный комитет СНГ о ходе его реализации."
                .into(),
            "Настоящее Решение вступает в силу с даты его подписания.".into(),
        ],
        place_and_date: Some("Совершено в городе Алматы 11 апреля 2025 года в одном подлинном экземпляре на русском языке.".into()),
        signature_block: vec![
            signature("За Азербайджанскую Республику", Some("Дж. Байрамов"), Some("Министр иностранных дел"), None),
            signature(
                "За Республику Армения",
                Some("А. Мирзоян"),
                Some("Министр иностранных дел"),
                Some("(с особым мнением)"),
            ),
            signature("За Республику Беларусь", None, None, None),
            signature("За Республику Казахстан", Some("М. Нуртлеу"), Some("Министр иностранных дел"), None),
        ],
        notes: vec![
            "Особое мнение Республики Армения: Республика Армения не участвует в реализации пункта 2 \
             настоящего Решения."
                .into(),
        ],
        watermark: None,
        sha256: Some(SHA256.into()),
    }
}

#[test]
fn russian_adopted_text_has_its_signatures_in_the_given_order_with_dash_note_and_hash() {
    let document = russian_adopted_text();
    let bytes = pdf::document(&document).unwrap();
    let pdf = PdfFile::new("adopted-ru", &bytes);
    // As laid out on the page: each signature line is one line of text, heading then signer.
    let Some(layout) = pdf.layout_text() else { return };
    let text = normalised(&layout);

    // The order given, which is not alphabetical in every language: never re-sorted.
    assert_in_order(
        &text,
        &[
            "За Азербайджанскую Республику",
            "За Республику Армения",
            "За Республику Беларусь",
            "За Республику Казахстан",
        ],
    );
    // The heading, the paragraphs as written (an adopted text shows no register numbers), the place
    // and date, then the block, then the note and the hash, in the document's order.
    let sha_line = format!("SHA-256: {SHA256}");
    let numbered: Vec<String> = document.paragraphs.iter().map(|p| normalised(p)).collect();
    let mut in_order = vec![
        "Совет министров иностранных дел Содружества Независимых Государств",
        "Решение",
        "СМИД/2025/05",
        "О Плане многоплановых консультаций министерств иностранных дел",
        "Принято 11 апреля 2025 г.",
    ];
    in_order.extend(numbered.iter().map(String::as_str));
    in_order.extend([
        "Совершено в городе Алматы 11 апреля 2025 года в одном подлинном экземпляре на русском языке.",
        "За Азербайджанскую Республику Дж. Байрамов",
        "Министр иностранных дел",
        "За Республику Армения А. Мирзоян",
        "Министр иностранных дел (с особым мнением)",
        "За Республику Беларусь —",
        "За Республику Казахстан М. Нуртлеу",
        "Особое мнение Республики Армения: Республика Армения не участвует в реализации пункта 2 настоящего Решения.",
        &sha_line,
    ]);
    assert_in_order(&text, &in_order);

    // Each heading on the line of its signer, the dash beside Belarus.
    let line_of = |heading: &str| {
        layout
            .lines()
            .find(|line| line.contains(heading))
            .unwrap_or_else(|| panic!("{heading:?} not found in:\n{layout}"))
            .to_owned()
    };
    assert!(line_of("За Азербайджанскую Республику").contains("Дж. Байрамов"), "{layout}");
    assert!(line_of("За Республику Армения").contains("А. Мирзоян"), "{layout}");
    assert_eq!(normalised(&line_of("За Республику Беларусь")), "За Республику Беларусь —", "{layout}");
    assert!(line_of("За Республику Казахстан").contains("М. Нуртлеу"), "{layout}");

    assert!(!text.contains("ПРОЕКТ"), "no watermark on an adopted text:\n{text}");
    assert!(!text.contains("1. Утвердить") && !text.contains('¶'), "no register numbers on an adopted text:\n{text}");
    assert_eq!(pdf.info("Title").as_deref(), Some(document.title.as_str()));
}

#[test]
fn kazakh_adopted_text_keeps_the_kazakh_letters() {
    let paragraph = "Тәуелсіз Мемлекеттер Достастығына қатысушы мемлекеттердің сыртқы істер \
                     министрліктерінің 2025–2026 жылдарға арналған көпжоспарлы консультациялары \
                     жоспары бекітілсін; ӘҒҚҢӨҰҮҺІ әріптері де, әғқңөұүһі әріптері де сақталады.";
    let document = DocumentPdf {
        language: "kk".into(),
        body: "Тәуелсіз Мемлекеттер Достастығы Сыртқы істер министрлері кеңесі".into(),
        kind: "Шешім".into(),
        register_number: "СМИД/2025/05".into(),
        title: "Көпжоспарлы консультациялар жоспары туралы".into(),
        version_line: "2025 жылғы 11 сәуірде қабылданды".into(),
        paragraphs: vec![paragraph.into()],
        place_and_date: Some("Алматы қаласында 2025 жылғы 11 сәуірде бір түпнұсқа данада жасалды.".into()),
        signature_block: vec![
            signature("Әзербайжан Республикасы үшін", Some("Ж. Байрамов"), None, None),
            signature("Қазақстан Республикасы үшін", Some("М. Нұртілеу"), Some("Сыртқы істер министрі"), None),
        ],
        notes: vec![],
        watermark: None,
        sha256: Some(SHA256.into()),
    };
    let bytes = pdf::document(&document).unwrap();
    let pdf = PdfFile::new("adopted-kk", &bytes);
    let Some(text) = pdf.text() else { return };
    let text = normalised(&text);
    assert_contains(
        &text,
        &[
            "Тәуелсіз Мемлекеттер Достастығы Сыртқы істер министрлері кеңесі",
            "Көпжоспарлы консультациялар жоспары туралы",
            paragraph,
            "Алматы қаласында 2025 жылғы 11 сәуірде бір түпнұсқа данада жасалды.",
            "М. Нұртілеу",
            "Сыртқы істер министрі",
        ],
    );
    assert_in_order(&text, &["Әзербайжан Республикасы үшін", "Қазақстан Республикасы үшін"]);
    for letter in "әғқңөұүһіӘҒҚҢӨҰҮҺІ".chars() {
        assert!(text.contains(letter), "{letter:?} lost in:\n{text}");
    }
}

#[test]
fn english_draft_version_has_its_watermark_and_no_signature_block() {
    let document = DocumentPdf {
        language: "en".into(),
        body: "Council of Foreign Ministers of the Commonwealth of Independent States".into(),
        kind: "Draft decision".into(),
        register_number: "CFM/2025/05".into(),
        title: "On the Plan of multi-level consultations between the ministries of foreign affairs".into(),
        version_line: "Version 3 · 11 April 2025".into(),
        paragraphs: vec![
            "To approve the Plan of multi-level consultations for 2025–2026 (annexed).".into(),
            "To request the Executive Committee to report on its implementation.".into(),
        ],
        place_and_date: None,
        signature_block: vec![],
        notes: vec![],
        watermark: Some("DRAFT".into()),
        sha256: None,
    };
    let bytes = pdf::document(&document).unwrap();
    let pdf = PdfFile::new("draft-en", &bytes);
    let Some(text) = pdf.layout_text() else { return };
    let text = normalised(&text);
    // The word in the header, once per page; the diagonal one is outlines, not text, so that its
    // letters are not scattered through the extracted paragraphs.
    assert_eq!(text.matches("DRAFT").count(), 1, "{text}");
    assert!(text.starts_with("DRAFT "), "{text}");
    assert_in_order(
        &text,
        &[
            "Council of Foreign Ministers of the Commonwealth of Independent States",
            "Draft decision",
            "CFM/2025/05",
            "Version 3 · 11 April 2025",
            "¶",
            "To approve the Plan of multi-level consultations for 2025–2026 (annexed).",
            "¶",
            "To request the Executive Committee to report on its implementation.",
        ],
    );
    // A draft's paragraphs carry the register's numbers, which amendments name, apart from the text.
    assert_eq!(text.matches('¶').count(), 2, "{text}");
    assert!(!text.contains("1. To approve"), "{text}");
    assert!(!text.contains("SHA-256"), "no hash on a draft:\n{text}");
    assert!(!text.contains('—'), "no signature dash on a draft:\n{text}");
    assert_eq!(pdf.info("Title").as_deref(), Some(document.title.as_str()));
}

#[test]
fn markup_in_the_text_is_printed_literally() {
    let markup = "#set page(width: 1cm) $x$ *bold* _emph_ <label> @ref `raw` ]} \\ \" // not a comment";
    let mut document = russian_adopted_text();
    document.title = "Title with #strong[markup] and $y$".into();
    document.paragraphs = vec![
        markup.into(),
        "= Not a heading".into(),
        "- not a list".into(),
        "2. not an enum".into(),
        "A line\nand the next line".into(),
    ];
    document.signature_block[0].heading = "#panic(\"injected\")".into();
    document.notes = vec!["*note* #emph[x]".into()];
    let bytes = pdf::document(&document).unwrap();
    let pdf = PdfFile::new("markup", &bytes);
    let Some(text) = pdf.text() else { return };
    let text = normalised(&text);
    assert_contains(
        &text,
        &[
            "Title with #strong[markup] and $y$",
            markup,
            "= Not a heading",
            "- not a list",
            "2. not an enum",
            "A line and the next line",
            "#panic(\"injected\")",
            "*note* #emph[x]",
        ],
    );
    // `#set page(width: 1cm)`, had it been evaluated, would have made hundreds of pages.
    assert_eq!(pdf.info("Pages").as_deref(), Some("1"));
}

#[test]
fn a_character_outside_the_fonts_is_refused() {
    let mut in_paragraph = russian_adopted_text();
    in_paragraph.paragraphs.push("Hieroglyph 𓀀 here".into());
    match pdf::document(&in_paragraph) {
        Err(PdfError::MissingGlyph { character, text }) => {
            assert_eq!(character, '𓀀');
            assert_eq!(text, "Hieroglyph 𓀀 here");
        }
        other => panic!("expected MissingGlyph, got {other:?}"),
    }
    let mut in_signer = russian_adopted_text();
    in_signer.signature_block[2].signer = Some("王毅 𓀁".into());
    assert!(matches!(pdf::document(&in_signer), Err(PdfError::MissingGlyph { character: '𓀁', .. })));
    let mut in_mark = russian_adopted_text();
    in_mark.signature_block[1].mark = Some("(𓀂)".into());
    assert!(matches!(pdf::document(&in_mark), Err(PdfError::MissingGlyph { character: '𓀂', .. })));
    let mut in_note = russian_adopted_text();
    in_note.notes.push("Reservation of 𓀀".into());
    assert!(matches!(pdf::document(&in_note), Err(PdfError::MissingGlyph { character: '𓀀', .. })));
    let mut in_watermark = russian_adopted_text();
    in_watermark.watermark = Some("草案 𓀃".into());
    assert!(matches!(pdf::document(&in_watermark), Err(PdfError::MissingGlyph { character: '𓀃', .. })));
}

/// A UN body's documents come in Chinese and Arabic too: their letters are printed, not refused.
#[test]
fn chinese_and_arabic_texts_are_printed_with_their_letters() {
    let chinese = DocumentPdf {
        language: "zh".into(),
        body: "联合国大会".into(),
        kind: "决议草案".into(),
        register_number: "A/80/L.1".into(),
        title: "关于可持续发展的决议".into(),
        version_line: "第2版 · 2025年9月23日".into(),
        paragraphs: vec!["大会，重申其对可持续发展目标的承诺，".into(), "决定继续审议这一问题。".into()],
        place_and_date: Some("2025年9月23日订于纽约".into()),
        signature_block: vec![signature("中华人民共和国代表", Some("王毅"), Some("外交部长"), Some("（附保留意见）"))],
        notes: vec!["保留意见：第2段。".into()],
        watermark: Some("草案".into()),
        sha256: None,
    };
    let arabic = DocumentPdf {
        language: "ar".into(),
        title: "قرار بشأن التنمية المستدامة".into(),
        paragraphs: vec!["إن الجمعية العامة تؤكد من جديد التزامها".into()],
        signature_block: vec![signature("عن جمهورية مصر العربية", Some("بدر عبد العاطي"), None, None)],
        notes: vec![],
        ..chinese.clone()
    };
    for (name, document) in [("zh", &chinese), ("ar", &arabic)] {
        let bytes = pdf::document(document).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let pdf = PdfFile::new(&format!("draft-{name}"), &bytes);
        super::assert_fonts_embedded(&pdf);
        // pdftotext puts a space where the font changes (第 2 段: the digit is DejaVu's), so the
        // text is compared without spaces.
        let unspaced = |text: &str| text.split_whitespace().collect::<String>();
        let Some(text) = pdf.text() else { return };
        let text = unspaced(&text);
        let mut phrases = vec![document.title.as_str(), document.body.as_str(), document.kind.as_str()];
        phrases.extend(document.paragraphs.iter().map(String::as_str));
        phrases
            .extend(document.signature_block.iter().flat_map(|s| [s.heading.as_str(), s.signer.as_deref().unwrap()]));
        phrases.extend(document.notes.iter().map(String::as_str));
        // pdftotext gives right-to-left text in its logical order, as written.
        for phrase in phrases {
            assert!(text.contains(&unspaced(phrase)), "{name}: {phrase:?} not found in:\n{text}");
        }
    }
}

#[test]
fn a_fifty_page_document_renders_with_the_hash_on_the_last_page_only() {
    let mut document = russian_adopted_text();
    document.watermark = Some("ПРОЕКТ".into());
    document.paragraphs = (1..=540)
        .map(|n| {
            format!(
                "Пункт {n}: государства – участники Содружества Независимых Государств, \
                 руководствуясь Уставом Содружества и стремясь к дальнейшему развитию \
                 сотрудничества, договорились о нижеследующем; Қазақстан, Әзербайжан, Өзбекстан."
            )
        })
        .collect();
    document.signature_block = (1..=12)
        .map(|n| signature(&format!("За государство {n:02}"), Some(&format!("Подписант {n:02}")), None, None))
        .collect();
    pdf::warm_up();
    let started = Instant::now();
    let bytes = pdf::document(&document).unwrap();
    eprintln!("document, 540 paragraphs: {} bytes in {:?}", bytes.len(), started.elapsed());
    let pdf = PdfFile::new("long", &bytes);
    let Some(pages) = pdf.info("Pages") else { return };
    let pages: usize = pages.parse().unwrap();
    assert!(pages >= 50, "{pages} pages");
    let Some(text) = pdf.layout_text() else { return };
    let page_texts: Vec<&str> = text.split('\u{c}').filter(|page| !page.trim().is_empty()).collect();
    assert_eq!(page_texts.len(), pages);
    let (last, others) = page_texts.split_last().unwrap();
    assert!(normalised(last).contains(SHA256), "no hash on the last page:\n{last}");
    assert!(others.iter().all(|page| !page.contains(SHA256)), "the hash is on the last page only");
    for (number, page) in page_texts.iter().enumerate() {
        let page = normalised(page);
        assert!(page.starts_with("ПРОЕКТ"), "no watermark in the header of page {}:\n{page}", number + 1);
        // `pdftotext -layout` may close up "n / total" to "n/total".
        let page_number = format!("{}/{pages}", number + 1);
        assert!(page.replace(' ', "").ends_with(&page_number), "no page number on page {}:\n{page}", number + 1);
    }
    let text = normalised(&text);
    assert_eq!(text.matches('¶').count(), 540, "each paragraph of a draft has its register number");
    let paragraphs: Vec<String> = (1..=540).map(|n| format!("Пункт {n}:")).collect();
    assert_in_order(&text, &paragraphs.iter().map(String::as_str).collect::<Vec<_>>());
    let signatures: Vec<String> = (1..=12).map(|n| format!("За государство {n:02} Подписант {n:02}")).collect();
    assert_in_order(&text, &signatures.iter().map(String::as_str).collect::<Vec<_>>());
}

#[test]
fn a_document_with_nothing_but_a_title_renders() {
    let document = DocumentPdf {
        language: "en".into(),
        body: String::new(),
        kind: String::new(),
        register_number: String::new(),
        title: "Untitled".into(),
        version_line: String::new(),
        paragraphs: vec![],
        place_and_date: None,
        signature_block: vec![],
        notes: vec![],
        watermark: Some(String::new()),
        sha256: None,
    };
    let bytes = pdf::document(&document).unwrap();
    let pdf = PdfFile::new("minimal", &bytes);
    let Some(text) = pdf.text() else { return };
    assert_eq!(normalised(&text).replace(' ', ""), "Untitled1/1");
}

#[test]
fn a_name_or_word_without_spaces_wider_than_its_column_breaks_inside_the_page() {
    let unbroken = "Нуртлеу".repeat(30);
    let mut document = russian_adopted_text();
    document.signature_block[0].signer = Some(unbroken.clone());
    document.paragraphs.push(format!("Адрес: {unbroken}."));
    let bytes = pdf::document(&document).unwrap();
    let pdf = PdfFile::new("unbroken", &bytes);
    let Some(edges) = pdf.right_edges() else { return };
    // The right margin is 2 cm: nothing goes past it, but for the breadth of a glyph's side bearing.
    let text_edge = 595.28 - 56.69 + 3.0;
    assert!(edges.iter().all(|&x| x <= text_edge), "a word runs into the margin: {edges:?}");
    let text = normalised(&pdf.text().unwrap()).replace([' ', '\u{200B}', '-', '\u{AD}'], "");
    assert_eq!(text.matches(&unbroken).count(), 2, "every letter printed: {text}");
}
