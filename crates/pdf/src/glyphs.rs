//! The check that every character a document shows has a glyph in the embedded fonts, so that a
//! name is never printed as an empty box.

use crate::{PdfError, engine};

/// Checks every text a document will show. Returns the first character (in the order given)
/// that some embedded font lacks, with the text it came from.
///
/// A character must be in every face of one embedded family (DejaVu Sans regular and bold), since
/// any text may be set in either, or in the fallback family, whose one face typst sets for both.
/// Whitespace (spaces, tabs, line breaks) is laid out by typst as space, not drawn, and
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

/// Whether every face of some embedded family maps `character` to a glyph (its cmap), or it is
/// whitespace.
pub(crate) fn is_covered(character: char) -> bool {
    let fonts = engine::fonts();
    let has = |font: &typst::text::Font| font.info().coverage.contains(u32::from(character));
    character.is_whitespace()
        || fonts.iter().any(|font| {
            let family = &font.info().family;
            fonts.iter().filter(|f| &f.info().family == family).all(has)
        })
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
    fn chinese_japanese_and_korean_are_covered_by_the_fallback() {
        check("中华人民共和国外交部 王毅 草案。「」，").unwrap();
        check("外務省 ひらがな カタカナ").unwrap();
        check("대한민국 외교부").unwrap();
    }

    #[test]
    fn arabic_and_hebrew_are_covered() {
        check("وزارة الخارجية").unwrap();
        check("משרד החוץ").unwrap();
    }

    #[test]
    fn whitespace_is_not_checked() {
        check("a\tb\nc\u{a0}d").unwrap();
    }
}
