//! The check that every character a document shows has a glyph in the embedded fonts, so that a
//! name is never printed as an empty box.

use crate::{PdfError, engine};

/// Checks every text a document will show. Returns the first character (in the order given)
/// that some embedded font lacks, with the text it came from.
///
/// A character must be in every embedded font (regular and bold), since any text may be set in
/// either. Whitespace (spaces, tabs, line breaks) is laid out by typst as space, not drawn, and
/// is not checked.
pub(crate) fn check_all<'a>(texts: impl IntoIterator<Item = &'a str>) -> Result<(), PdfError> {
    texts.into_iter().try_for_each(check)
}

/// Checks one text; see [`check_all`].
pub(crate) fn check(text: &str) -> Result<(), PdfError> {
    match text.chars().find(|&character| !is_covered(character)) {
        Some(character) => Err(PdfError::MissingGlyph { character, text: text.to_owned() }),
        None => Ok(()),
    }
}

/// Whether every embedded font maps `character` to a glyph (its cmap), or it is whitespace.
pub(crate) fn is_covered(character: char) -> bool {
    character.is_whitespace() || engine::fonts().iter().all(|font| font.info().coverage.contains(u32::from(character)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kazakh_russian_and_latin_letters_are_covered() {
        let kazakh = "ӘәҒғҚқҢңӨөҰұҮүҺһІі";
        let russian = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя";
        let latin = "ABCxyz0123456789 àáâãäåçèéêëìíîïñòóôõöùúûüýÿčćđšžłńśźżőűăşţğİı ÀÉÖÜß";
        let punctuation = "«»„“”‘’—–-№/.,;:!?()[]@#%&*+=<>§°";
        for text in [kazakh, russian, latin, punctuation] {
            check(text).unwrap();
        }
    }

    #[test]
    fn a_character_outside_the_fonts_is_reported_with_its_text() {
        let text = "Имя 𓀀 name";
        match check(text) {
            Err(PdfError::MissingGlyph { character, text: in_text }) => {
                assert_eq!(character, '𓀀');
                assert_eq!(in_text, text);
            }
            other => panic!("expected MissingGlyph, got {other:?}"),
        }
    }

    #[test]
    fn cjk_is_not_covered() {
        assert!(!is_covered('中'));
    }

    #[test]
    fn whitespace_is_not_checked() {
        check("a\tb\nc\u{a0}d").unwrap();
    }
}
