//! Concord's PDF documents, rendered in memory with typst used as a library.
//!
//! Each document is plain data in, PDF bytes out: [`note_verbale`], [`badges`],
//! [`participants_list`], [`programme_booklet`] and [`document`] (a document version, or an
//! adopted text with its signature block). The data reaches typst as JSON through a virtual file
//! (`/data.json`) and is shown as text, never interpreted as markup, so no user text can inject
//! typst code.
//!
//! Fonts are embedded in the binary (DejaVu Sans regular and bold: Latin, Cyrillic with the
//! Kazakh letters, Greek, Arabic, Hebrew and more; Droid Sans Fallback for Chinese, Japanese and
//! Korean, which has no bold, so such text is set regular in headings too). Before rendering,
//! every character that a document will show is checked against the fonts: a character they lack
//! is a [`PdfError::MissingGlyph`] rather than an empty box on paper.
//!
//! Rendering is synchronous and CPU-bound (a list of 3,000 participants takes a fraction of a
//! second in release mode, more in debug): call it from `spawn_blocking`, behind a semaphore. The
//! fonts, font book and typst's standard library are built once, on first use (or by [`warm_up`]),
//! and shared by every render. The crate reads no files and touches no network.

mod badge;
mod document;
mod engine;
mod glyphs;
mod note_verbale;
mod participants_list;
mod programme_booklet;

pub use badge::{Badge, MAX_BADGES_PER_DOCUMENT, badges};
pub use document::{DocumentPdf, SignatureLine, document};
pub use note_verbale::{NoteVerbale, note_verbale};
pub use participants_list::{ListDelegation, ListMember, ParticipantsList, participants_list};
pub use programme_booklet::{BookletDay, BookletItem, BookletVenue, ProgrammeBooklet, programme_booklet};

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// A character to be shown has no glyph in the embedded fonts. The caller should tell the
    /// user which text to correct (e.g. a name typed with a character from another script).
    #[error("the character {character:?} (U+{:04X}) in {text:?} is not in the fonts used for PDF documents", u32::from(*character))]
    MissingGlyph {
        /// The first character not covered.
        character: char,
        /// The whole text (field value) it was found in.
        text: String,
    },
    /// typst could not lay out or write the document: a bug in a template, or data typst refused
    /// (e.g. a photo that is not a valid JPEG, a language code that is not 2 or 3 letters).
    #[error("typst could not render the document: {0}")]
    Typst(String),
    /// The QR code could not be made (e.g. the payload is too long for a QR code).
    #[error("the QR code could not be made: {0}")]
    Qr(String),
}

/// Builds the shared typst environment (fonts, font book, standard library) now instead of on the
/// first render. Optional: a server may call it at start-up (it takes well under a second).
pub fn warm_up() {
    engine::warm_up();
}

/// Serialises a document's data for the template's `json("data.json")`.
fn to_json(data: &impl serde::Serialize) -> Vec<u8> {
    serde_json::to_vec(data).expect("document data is plain strings and lists")
}
