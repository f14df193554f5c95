//! The excerpt a search result shows: the few words of a text around the words searched for.
//!
//! Made here rather than by either engine: SQLite's `snippet()` and PostgreSQL's `ts_headline`
//! each tokenize and score the whole text again for every result, 0.6 ms for a text of 7 kB, so a
//! page of 50 took 30 ms of a common word's search in `benches/documents.sh`; this reads it once.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// How many words an excerpt holds.
pub const SNIPPET_WORDS: usize = 16;

/// A run of [`SNIPPET_WORDS`] words of `text` around the first place that holds the most of the
/// distinct `terms`, with "…" where it cuts the text; `None` when none of the terms is in it.
/// Words match as SQLite's index matches them: whole words, in any case, and Latin letters with or
/// without diacritics (`é` finds `e`, but `й` is not `и`, nor `ё` `е`: searches pass [`spellings`]).
/// PostgreSQL's index keeps diacritics, so there an excerpt may show a word that differs from the
/// one searched for in its diacritics only.
pub fn snippet(text: &str, terms: &[&str]) -> Option<String> {
    let terms: Vec<(usize, String)> = terms
        .iter()
        .map(|t| {
            let folded = fold(t);
            (letters(&folded), folded)
        })
        .collect();
    let mut folded = String::new();
    let words: Vec<(usize, usize, Option<usize>)> = words(text)
        .map(|(start, word)| {
            // Most words differ from every term in length: they are not folded at all.
            let length = letters(word);
            let term = match terms.iter().any(|(n, _)| *n == length) {
                true => {
                    folded.clear();
                    folded.extend(folding(word));
                    terms.iter().position(|(_, t)| *t == folded)
                }
                false => None,
            };
            (start, start + word.len(), term)
        })
        .collect();
    let mut held = vec![0usize; terms.len()];
    let mut distinct = 0;
    let mut best: Option<(usize, usize)> = None;
    for (i, &(_, _, term)) in words.iter().enumerate() {
        if let Some(t) = term {
            held[t] += 1;
            distinct += usize::from(held[t] == 1);
        }
        let first = (i + 1).saturating_sub(SNIPPET_WORDS);
        if i >= SNIPPET_WORDS
            && let Some(t) = words[i - SNIPPET_WORDS].2
        {
            held[t] -= 1;
            distinct -= usize::from(held[t] == 0);
        }
        if distinct > best.map_or(0, |(n, _)| n) {
            best = Some((distinct, first));
        }
    }
    let (_, window) = best?;
    // The window that first held the most terms ends at its newest match: centre its matches.
    let matched: Vec<usize> =
        (window..(window + SNIPPET_WORDS).min(words.len())).filter(|&i| words[i].2.is_some()).collect();
    let (earliest, latest) = (matched[0], matched[matched.len() - 1]);
    let margin = (SNIPPET_WORDS - (latest - earliest + 1)) / 2;
    let first = earliest.saturating_sub(margin).min(words.len().saturating_sub(SNIPPET_WORDS));
    let last = (first + SNIPPET_WORDS).min(words.len()) - 1;
    let (start, end) = (words[first].0, words[last].1);
    let mut excerpt = String::new();
    if first > 0 {
        excerpt.push('…');
    }
    excerpt.push_str(&text[start..end]);
    if last + 1 < words.len() {
        excerpt.push('…');
    }
    Some(excerpt)
}

/// The words of a text with their byte offsets: runs of letters and digits, as the indexes
/// tokenize.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = rest.by_ref().find(|(_, c)| in_word(*c))?;
        let mut end = text.len();
        while let Some(&(i, c)) = rest.peek() {
            if !in_word(c) && !mark(c) {
                end = i;
                break;
            }
            rest.next();
        }
        Some((start, &text[start..end]))
    })
}

/// A letter or digit. Latin and Cyrillic letters are told by their ranges first: the general
/// look-up of `char::is_alphanumeric` took a tenth of a search's time.
fn in_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || cyrillic(c) || (!c.is_ascii() && c.is_alphanumeric())
}

/// A letter of the Cyrillic blocks: U+0400–U+0481 and U+048A–U+052F are all letters (U+0482–U+0489
/// are a sign and combining marks).
fn cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{0481}').contains(&c) || ('\u{048A}'..='\u{052F}').contains(&c)
}

/// A combining mark. None is below U+0300 or a Cyrillic letter, so most characters skip the
/// look-up, which took a quarter of the excerpts' time.
fn mark(c: char) -> bool {
    c >= '\u{0300}' && !cyrillic(c) && is_combining_mark(c)
}

/// A word as compared: lower case, without diacritics.
fn fold(word: &str) -> String {
    folding(word).collect()
}

/// FTS5's `remove_diacritics` takes the marks off letters whose base is ASCII, and only those.
fn folding(word: &str) -> impl Iterator<Item = char> + '_ {
    word.chars()
        .filter(|c| !mark(*c))
        .map(|c| match c.is_ascii() || cyrillic(c) {
            true => c,
            false => std::iter::once(c).nfd().next().filter(char::is_ascii).unwrap_or(c),
        })
        .flat_map(char::to_lowercase)
}

/// The spellings a searched word stands for. Russian is written with е for ё as often as not,
/// and neither engine's index folds the two: a word with ё stands for itself and for its spelling
/// with е, and one with е (up to three of them: eight spellings) for each way of writing ё in their
/// place. The word as typed comes first.
pub fn spellings(word: &str) -> Vec<String> {
    if word.contains(['ё', 'Ё']) {
        return vec![word.to_string(), word.replace('ё', "е").replace('Ё', "Е")];
    }
    let at: Vec<usize> = word.char_indices().filter(|(_, c)| matches!(c, 'е' | 'Е')).map(|(i, _)| i).collect();
    if at.is_empty() || at.len() > 3 {
        return vec![word.to_string()];
    }
    (0..1_usize << at.len())
        .map(|mask| {
            word.char_indices()
                .map(|(i, c)| match at.iter().position(|&p| p == i) {
                    Some(bit) if mask & 1 << bit != 0 => {
                        if c == 'е' {
                            'ё'
                        } else {
                            'Ё'
                        }
                    }
                    _ => c,
                })
                .collect()
        })
        .collect()
}

/// How many letters a word has, its combining marks not counted: the same for a word and its
/// folding but for letters whose lower case is two letters, which no alphabet here has.
fn letters(word: &str) -> usize {
    word.chars().filter(|c| !mark(*c)).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_stands_for_its_spellings_with_yo_and_ye() {
        assert_eq!(spellings("Объединённых"), ["Объединённых", "Объединенных"]);
        let ye = spellings("объединенных");
        assert_eq!((ye.len(), ye[0].as_str()), (4, "объединенных"), "each е may be ё: {ye:?}");
        assert!(ye.contains(&"объединённых".to_string()), "{ye:?}");
        assert_eq!(spellings("Еще"), ["Еще", "Ёще", "Ещё", "Ёщё"]);
        assert_eq!(spellings("план"), ["план"]);
        assert_eq!(spellings("перечень").len(), 8, "three е");
        assert_eq!(spellings("неееет"), ["неееет"], "past three е, the word as typed only");
    }

    #[test]
    fn the_excerpt_is_the_run_of_words_that_holds_the_most_terms() {
        let text = "Совет министров иностранных дел принял решение. Затем министры обсудили план мероприятий \
                    к 80-летию Победы и утвердили план действий по сотрудничеству в области пограничной \
                    безопасности на 2025–2027 годы, а также ряд других документов Содружества.";
        let found = snippet(text, &["план", "безопасности"]).unwrap();
        assert!(found.starts_with('…') && found.ends_with('…'), "{found}");
        assert!(found.contains("план действий") && found.contains("безопасности"), "{found}");
        assert_eq!(words(found.trim_matches('…')).count(), SNIPPET_WORDS, "{found}");
    }

    #[test]
    fn words_match_whole_in_any_case_and_without_diacritics() {
        assert_eq!(snippet("Ещё одно ЗАСЕДАНИЕ", &["заседание"]).as_deref(), Some("Ещё одно ЗАСЕДАНИЕ"));
        assert_eq!(snippet("Café de la Paix", &["cafe"]).as_deref(), Some("Café de la Paix"));
        assert_eq!(snippet("İstanbul", &["istanbul"]).as_deref(), Some("İstanbul"));
        assert_eq!(snippet("Ещё одно заседание", &["еще"]), None, "as in the index, ё is not е");
        let text = format!("мои {}мой голос", (1..=30).map(|n| format!("w{n} ")).collect::<String>());
        let found = snippet(&text, &["мой"]).unwrap();
        assert!(found.contains("мой голос") && !found.contains("мои"), "й is not и: {found}");
        assert_eq!(snippet("서울 회의", &["회의"]).as_deref(), Some("서울 회의"), "Hangul is not decomposed");
        assert_eq!(snippet("Заседания прошли", &["заседание"]), None, "whole words only");
        assert_eq!(snippet("", &["план"]), None);
    }

    #[test]
    fn a_short_text_is_shown_whole_and_a_match_near_the_end_keeps_a_full_window() {
        assert_eq!(snippet("План действий.", &["план"]).as_deref(), Some("План действий"));
        let text: String = (1..=40).map(|n| format!("w{n} ")).collect::<String>() + "цель";
        let found = snippet(&text, &["цель"]).unwrap();
        assert_eq!(found, format!("…{}цель", (26..=40).map(|n| format!("w{n} ")).collect::<String>()));
    }

    #[test]
    fn latin_and_cyrillic_letters_and_marks_are_told_as_the_general_lookup_tells_them() {
        for c in ('\0'..='\u{052F}').chain(['\u{2116}', '\u{00AB}', '\u{2014}', '\u{0301}']) {
            assert_eq!(in_word(c), c.is_alphanumeric(), "{c:?} U+{:04X}", c as u32);
            assert_eq!(mark(c), is_combining_mark(c), "{c:?} U+{:04X}", c as u32);
        }
    }

    #[test]
    fn cutting_never_splits_a_character() {
        let text = "«Алматы» — Қазақстан Республикасының ең ірі қаласы, ".repeat(10) + "Ынтымақтастық.";
        let found = snippet(&text, &["ынтымақтастық"]).unwrap();
        assert!(found.ends_with("Ынтымақтастық"), "{found}");
    }
}
