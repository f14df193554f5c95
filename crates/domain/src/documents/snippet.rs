//! The excerpt a search result shows: the few words of a text around the words searched for.
//!
//! Made here rather than by either engine: SQLite's `snippet()` and PostgreSQL's `ts_headline`
//! each tokenize and score the whole text again for every result, 0.6 ms for a text of 7 kB, so a
//! page of 50 took 30 ms of a common word's search in `benches/documents.sh`; this reads it once.

use crate::words::{first_letter, key, letters, words};

/// How many words an excerpt holds.
pub const SNIPPET_WORDS: usize = 16;

/// A run of [`SNIPPET_WORDS`] words of `text` around the first place that holds the most of the
/// distinct `terms`, with "…" where it cuts the text; `None` when none of the terms is in it.
/// A word matches a term as the indexes match them: whole, by its [`key`] (in any case and form,
/// Latin letters with or without diacritics, ё as е).
pub fn snippet(text: &str, terms: &[&str]) -> Option<String> {
    let keys: Vec<String> = terms.iter().map(|t| key(t)).collect();
    let shortest = keys.iter().map(|k| letters(k)).min().unwrap_or(usize::MAX);
    let firsts: Vec<Option<char>> = keys.iter().map(|k| k.chars().next()).collect();
    let words: Vec<(usize, usize, Option<usize>)> = words(text)
        .map(|(start, word)| {
            // Most words are shorter than every key or begin otherwise: they are not stemmed at all.
            let term = match letters(word) >= shortest && firsts.contains(&first_letter(word)) {
                true => {
                    let found = key(word);
                    keys.iter().position(|k| *k == found)
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn words_match_whole_by_their_key() {
        assert_eq!(snippet("Ещё одно ЗАСЕДАНИЕ", &["заседание"]).as_deref(), Some("Ещё одно ЗАСЕДАНИЕ"));
        assert_eq!(snippet("Café de la Paix", &["cafe"]).as_deref(), Some("Café de la Paix"));
        assert_eq!(snippet("İstanbul", &["istanbul"]).as_deref(), Some("İstanbul"));
        assert_eq!(snippet("Ещё одно заседание", &["еще"]).as_deref(), Some("Ещё одно заседание"), "ё is е");
        assert_eq!(snippet("Заседания прошли", &["заседание"]).as_deref(), Some("Заседания прошли"), "any form");
        let text = format!("планета {}планы работы", (1..=30).map(|n| format!("w{n} ")).collect::<String>());
        let found = snippet(&text, &["план"]).unwrap();
        assert!(found.contains("планы работы") && !found.contains("планета"), "another word: {found}");
        assert_eq!(snippet("서울 회의", &["회의"]).as_deref(), Some("서울 회의"), "Hangul is not decomposed");
        assert_eq!(snippet("Заседатель", &["заседание"]), None, "whole words only");
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
    fn cutting_never_splits_a_character() {
        let text = "«Алматы» — Қазақстан Республикасының ең ірі қаласы, ".repeat(10) + "Ынтымақтастық.";
        let found = snippet(&text, &["ынтымақтастық"]).unwrap();
        assert!(found.ends_with("Ынтымақтастық"), "{found}");
    }
}
