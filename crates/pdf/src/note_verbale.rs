//! The note verbale: the formal diplomatic note, in the third person.

use serde::{Deserialize, Serialize};

use crate::engine::Document;
use crate::{PdfError, glyphs, to_json};

/// A note verbale, ready to print.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NoteVerbale {
    /// Language of the note (`"ru"`, `"en"`, `"kk"`: any ISO 639 code of 2 or 3 letters); written
    /// into the PDF and used for line breaking and hyphenation.
    pub language: String,
    /// The note's number, e.g. "No. 12-3/456"; printed top left.
    pub reference: String,
    /// The sending authority, e.g. "Ministry of Foreign Affairs of the Republic of Kazakhstan";
    /// printed as the letterhead.
    pub sender: String,
    /// The addressee, e.g. "Embassy of the Republic of Armenia in Astana"; printed at the foot of
    /// the note, as is customary.
    pub recipient: String,
    /// The body, one string per paragraph (the first usually "The Ministry … presents its
    /// compliments to …").
    pub paragraphs: Vec<String>,
    /// e.g. "Astana, 2 April 2025".
    pub place_and_date: String,
    /// e.g. "The Ministry avails itself of this opportunity to renew to the Embassy the assurances
    /// of its highest consideration."
    pub complimentary_close: String,
}

/// Renders a note verbale: A4, the sender as letterhead, the reference top left, the paragraphs
/// and the complimentary close justified with a first-line indent, then the place and date and
/// the addressee at the foot. The PDF title is "Note verbale" (in the note's language) and the
/// reference.
pub fn note_verbale(note: &NoteVerbale) -> Result<Vec<u8>, PdfError> {
    glyphs::check_all(
        [note.reference.as_str(), &note.sender, &note.recipient, &note.place_and_date, &note.complimentary_close]
            .into_iter()
            .chain(note.paragraphs.iter().map(String::as_str)),
    )?;
    let data = Data { note, title: format!("{} {}", title_word(&note.language), note.reference) };
    Document::new(include_str!("templates/note_verbale.typ"), to_json(&data)).render()
}

/// What the template reads: the note and the PDF title made here.
#[derive(Serialize)]
struct Data<'a> {
    note: &'a NoteVerbale,
    title: String,
}

/// "Note verbale" in the note's language (English for a language without a translation here).
fn title_word(language: &str) -> &'static str {
    match language {
        "ru" => "Вербальная нота",
        "kk" => "Вербалдық нота",
        _ => "Note verbale",
    }
}
