//! The typst engine, in memory: embedded fonts, one shared standard library and font book, and a
//! small [`World`] per document whose only files are the template and the virtual files the
//! caller hands over (the JSON data, photos).
//!
//! The expensive pieces (parsing the fonts, building the library and the font book) are built
//! once, on first use, and shared by every render.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic, Warned};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use crate::PdfError;

/// The embedded font files: DejaVu Sans regular and bold (Bitstream Vera licence, see
/// `fonts/LICENSE-DejaVu.txt`), then Droid Sans Fallback for the Chinese, Japanese and Korean
/// characters DejaVu lacks (Apache 2.0, `fonts/LICENSE-DroidSansFallback.txt`). The templates
/// name the two families in this order.
static FONT_FILES: [&[u8]; 3] = [
    include_bytes!("../fonts/DejaVuSans.ttf"),
    include_bytes!("../fonts/DejaVuSans-Bold.ttf"),
    include_bytes!("../fonts/DroidSansFallback.ttf"),
];

/// How many renders a memoised typst result may go unused before it is dropped from typst's
/// global cache. Without eviction the cache grows with every distinct document.
const CACHE_MAX_AGE: usize = 3;

/// What every render shares.
struct Environment {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static ENVIRONMENT: LazyLock<Environment> = LazyLock::new(|| {
    let fonts: Vec<Font> = FONT_FILES.iter().flat_map(|data| Font::iter(Bytes::new(*data))).collect();
    assert_eq!(fonts.len(), FONT_FILES.len(), "every embedded font file must parse");
    Environment {
        library: LazyHash::new(Library::builder().build()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

/// The embedded fonts (parsed once).
pub(crate) fn fonts() -> &'static [Font] {
    &ENVIRONMENT.fonts
}

/// Builds the shared environment now rather than on the first render (optional: a server may call
/// it at start-up so the first request does not pay for it).
pub(crate) fn warm_up() {
    LazyLock::force(&ENVIRONMENT);
}

/// A file in the virtual project root, e.g. `/data.json`. File ids are interned for the life of
/// the process, so callers use a bounded set of fixed names.
pub(crate) fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("virtual paths used by this crate are valid");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// One document to compile: its main source (a template of this crate) and its other files.
pub(crate) struct Document {
    main: Source,
    files: Vec<(FileId, Bytes)>,
}

impl Document {
    /// A document whose main source is `template` (stored as `/main.typ`) and which can read
    /// `data` as `/data.json`.
    pub(crate) fn new(template: &'static str, data: Vec<u8>) -> Self {
        let main = Source::new(file_id("/main.typ"), template.to_owned());
        Self { main, files: vec![(file_id("/data.json"), Bytes::new(data))] }
    }

    /// Adds a binary file (e.g. a photo) under `path`.
    pub(crate) fn add_file(&mut self, path: &str, data: Vec<u8>) {
        self.files.push((file_id(path), Bytes::new(data)));
    }

    /// Lays the document out and writes it as PDF.
    pub(crate) fn render(&self) -> Result<Vec<u8>, PdfError> {
        let Warned { output, warnings: _ } = typst::compile::<PagedDocument>(self);
        let result = output.map_err(|errors| diagnostics(&errors)).and_then(|document| {
            let options = PdfOptions { creator: Smart::Custom(Some("Concord".into())), ..PdfOptions::default() };
            typst_pdf::pdf(&document, &options).map_err(|errors| diagnostics(&errors))
        });
        typst::comemo::evict(CACHE_MAX_AGE);
        result
    }
}

impl World for Document {
    fn library(&self) -> &LazyHash<Library> {
        &ENVIRONMENT.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &ENVIRONMENT.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() { Ok(self.main.clone()) } else { Err(FileError::NotSource) }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.text().to_owned()));
        }
        self.files
            .iter()
            .find(|(file, _)| *file == id)
            .map(|(_, bytes)| bytes.clone())
            .ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        ENVIRONMENT.fonts.get(index).cloned()
    }

    /// No template reads the clock: documents depend on their data only.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// typst's errors as one message: each error with its hints.
fn diagnostics(errors: &[SourceDiagnostic]) -> PdfError {
    let message = errors
        .iter()
        .map(|error| {
            let mut text = error.message.to_string();
            for hint in &error.hints {
                text.push_str(" (hint: ");
                text.push_str(&hint.v);
                text.push(')');
            }
            text
        })
        .collect::<Vec<_>>()
        .join("; ");
    PdfError::Typst(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The templates name these families with `fallback: false`: they must be the embedded ones.
    #[test]
    fn every_template_uses_the_embedded_families_without_fallback() {
        assert!(ENVIRONMENT.book.contains_family("dejavu sans"));
        assert!(ENVIRONMENT.book.contains_family("droid sans fallback"));
        for template in [
            include_str!("templates/badges.typ"),
            include_str!("templates/document.typ"),
            include_str!("templates/note_verbale.typ"),
            include_str!("templates/participants_list.typ"),
            include_str!("templates/programme_booklet.typ"),
        ] {
            assert!(template.contains(r#"font: ("DejaVu Sans", "Droid Sans Fallback")"#));
            assert!(template.contains("fallback: false"));
        }
    }

    #[test]
    fn regular_bold_and_the_fallback_are_embedded() {
        let names: Vec<_> = fonts().iter().filter_map(Font::post_script_name).collect();
        assert_eq!(names, ["DejaVuSans", "DejaVuSans-Bold", "DroidSansFallback"]);
    }
}
