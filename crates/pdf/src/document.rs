//! A document version (a draft, with its watermark) or an adopted text with its signature block:
//! the heading of the body, the kind and register number, the title, the paragraphs, the
//! place and date, the signatures in the body's protocol order, and the special opinions and
//! reservations.

use serde::{Deserialize, Serialize};

use crate::engine::Document;
use crate::{PdfError, glyphs, to_json};

/// A document version or an adopted text, ready to print. Every string is already in the chosen
/// language; the template adds only a draft's paragraph numbers ("¶ 1", …), the dash of a missing
/// signature, the page numbers and the "SHA-256:" label.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocumentPdf {
    /// Language of the text (`"ru"`, `"en"`, `"kk"`: any ISO 639 code of 2 or 3 letters); written
    /// into the PDF and used for line breaking and hyphenation.
    pub language: String,
    /// The body, e.g. "Council of Foreign Ministers of the Commonwealth of Independent States";
    /// the heading, centred at the top of the first page.
    pub body: String,
    /// e.g. "Draft decision" / «Проект решения» (empty: not printed).
    pub kind: String,
    /// e.g. "СМИД/2025/05" (empty: not printed). Also repeated in the header of the following pages.
    pub register_number: String,
    /// The title, bold and centred; also the PDF's title metadata.
    pub title: String,
    /// e.g. "Version 3 · 11 April 2025" or «Принят 11 апреля 2025 г.» (empty: not printed).
    pub version_line: String,
    /// The text, one string per paragraph, with the numbering it carries itself; printed justified,
    /// a draft's with the register's paragraph numbers ("¶ 1") that amendments name.
    pub paragraphs: Vec<String>,
    /// e.g. "Done at Almaty on 11 April 2025 in one original in Russian." (adopted texts).
    pub place_and_date: Option<String>,
    /// The signatures, printed in the order given (the body's protocol order: not re-sorted);
    /// empty for a draft.
    pub signature_block: Vec<SignatureLine>,
    /// Special opinions and reservations, printed after the signature block, e.g. "Special
    /// opinion of the Republic of Armenia: …".
    pub notes: Vec<String>,
    /// e.g. "DRAFT" / «ПРОЕКТ»: drawn light and diagonally across every page (as outlines, not
    /// as text: it does not get into copied or extracted text) and printed in the page header.
    /// `None` for an adopted text.
    pub watermark: Option<String>,
    /// The adopted text's SHA-256 (hex), printed small at the foot of the last page.
    pub sha256: Option<String>,
}

/// One line of a [`DocumentPdf`]'s signature block.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignatureLine {
    /// e.g. "For the Republic of Armenia" / «За Республику Армения»; printed on the left.
    pub heading: String,
    /// The signer's name, on the right. `None`: a dash "—" is printed in the signature place.
    pub signer: Option<String>,
    /// e.g. "Minister of Foreign Affairs", under the signer.
    pub position: Option<String>,
    /// e.g. "Signed at Minsk on 20 April 2025", under the position, for a signer who did not sign
    /// where and when the place and date say.
    pub signed: Option<String>,
    /// e.g. "(with a special opinion)", printed under the signer (or the dash).
    pub mark: Option<String>,
}

/// Renders a document version or an adopted text: A4, the body centred at the top, the kind and
/// the register number, the title in bold, the paragraphs justified (a draft's numbered), the place and
/// date, the signature block as two columns (heading left, signer and position right, or "—"),
/// the notes, then, at the foot of the last page, the SHA-256. A draft has its watermark across
/// every page. Pages are numbered "n / total". The PDF title is [`DocumentPdf::title`].
///
/// All text is shown as written: markup characters (`#`, `$`, `*`, `_`, `<`, `@`…) are printed
/// literally. A character the embedded fonts lack is a [`PdfError::MissingGlyph`].
pub fn document(d: &DocumentPdf) -> Result<Vec<u8>, PdfError> {
    glyphs::check_all(
        [d.body.as_str(), &d.kind, &d.register_number, &d.title, &d.version_line]
            .into_iter()
            .chain(d.paragraphs.iter().map(String::as_str))
            .chain(d.place_and_date.as_deref())
            .chain(d.signature_block.iter().flat_map(|line| {
                std::iter::once(line.heading.as_str()).chain(
                    [&line.signer, &line.position, &line.signed, &line.mark]
                        .into_iter()
                        .filter_map(|text| text.as_deref()),
                )
            }))
            .chain(d.notes.iter().map(String::as_str))
            .chain(d.watermark.as_deref())
            .chain(d.sha256.as_deref()),
    )?;
    let mut shown = d.clone();
    // The text's own lines are a page wide: only what no word is as long as (a pasted address,
    // an identifier) is broken there, so that copying or searching the text finds its words whole.
    for text in [&mut shown.title, &mut shown.body].into_iter().chain(&mut shown.paragraphs).chain(&mut shown.notes) {
        *text = breakable(text, UNBROKEN_LINE);
    }
    for line in &mut shown.signature_block {
        for text in std::iter::once(&mut line.heading)
            .chain([&mut line.signer, &mut line.position, &mut line.signed].into_iter().filter_map(Option::as_mut))
        {
            *text = breakable(text, UNBROKEN_COLUMN);
        }
    }
    let mut document = Document::new(include_str!("templates/document.typ"), to_json(&shown));
    if let Some(watermark) = d.watermark.as_deref() {
        document.add_file(WATERMARK_PATH, watermark_svg(watermark).into_bytes());
    }
    document.render()
}

/// The longest run of characters without a space printed as it comes in the signature block's
/// half-page columns; a longer one (a name typed without spaces) may break after as many. Typst
/// breaks lines only between words or by hyphenation, and would run such a run off the page.
const UNBROKEN_COLUMN: usize = 24;

/// The same for the text's page-wide lines: longer than any word of its languages.
const UNBROKEN_LINE: usize = 48;

/// `text` with a zero-width space after every `longest` characters of each run longer than
/// that: a place to break the line that prints nothing.
fn breakable(text: &str, longest: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = 0;
    for c in text.chars() {
        if c.is_whitespace() {
            run = 0;
        } else if run == longest {
            out.push('\u{200B}');
            run = 0;
        }
        run += usize::from(!c.is_whitespace());
        out.push(c);
    }
    out
}

/// Where the template finds the watermark image (present whenever [`DocumentPdf::watermark`] is
/// `Some`).
const WATERMARK_PATH: &str = "/watermark.svg";

/// The diagonal watermark, as an A4-sized SVG drawn behind each page. The word is the clip path
/// of a light grey rectangle: typst draws a clip path's text as outlines (with the embedded
/// fonts), so the watermark is seen on paper but is not text in the PDF, and copying or extracting
/// the text does not scatter its letters through the paragraphs. (SVG text drawn directly would be
/// embedded as text.) The template prints the word as text in the page header as well.
fn watermark_svg(watermark: &str) -> String {
    // Along the diagonal of the A4 page (210 × 297 mm): at most 28 mm (80 pt) high, smaller for a
    // long word so that it stays on the page.
    let length = watermark.chars().count().max(1) as f64;
    let size = (330.0 / length).min(28.0);
    let angle = -(297.0_f64 / 210.0).atan().to_degrees();
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 210 297">"#,
            r#"<defs><clipPath id="watermark"><text x="105" y="148.5" dy="{dy:.2}" "#,
            r#"transform="rotate({angle:.2} 105 148.5)" text-anchor="middle" "#,
            r#"font-family="'DejaVu Sans', 'Droid Sans Fallback'" "#,
            r#"font-weight="bold" font-size="{size:.2}">{text}</text></clipPath></defs>"#,
            r#"<rect width="210" height="297" fill="{colour}" clip-path="url(#watermark)"/></svg>"#,
        ),
        dy = size * 0.36,
        angle = angle,
        size = size,
        text = xml_escaped(watermark),
        colour = "#e0e0e0",
    )
}

/// `text` with the characters that are markup in XML escaped.
fn xml_escaped(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            // Line breaks and tabs would be collapsed anyway; other control characters are not
            // allowed in XML.
            c if c.is_control() => escaped.push(' '),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_watermark_is_escaped_in_its_svg() {
        let svg = watermark_svg("<DRAFT> & \"x\" 'y'");
        assert!(svg.contains(">&lt;DRAFT&gt; &amp; &quot;x&quot; &apos;y&apos;</text>"), "{svg}");
    }
}
