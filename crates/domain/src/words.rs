//! Words as search holds them: both engines index, and look up, each word by its key, made here;
//! the press releases' search compares the same keys.
//!
//! Russian changes a word's ending with its case and number: a search for «решение» must find
//! «решения» and «решений», and one for «сотрудничество» the «сотрудничества» of a title. Neither
//! engine stems Russian the same way (FTS5 has no Russian stemmer; PostgreSQL's `russian` is
//! Snowball's older version), so the texts are indexed as their words' keys and a query is made of
//! its words' keys, by one function: what is searched for and what is indexed always agree, and
//! the two engines find the same documents.

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Which rules made the keys a store holds. Raise it when [`key`] changes: the store then makes
/// its stored keys again when it starts.
pub const STEMMING: i32 = 3;

/// The form in which a word is indexed and looked for: lower case; Latin letters without their
/// diacritics; ё written е (Russian writes е for ё as often as not); and its ending taken off, by
/// Snowball's Russian stemmer for a word of Russian letters only, by its English one for a word of
/// Latin letters only, and by [`kazakh`] for a Cyrillic word with letters Russian lacks («қ», «ү»,
/// «і»…). Other words are kept whole.
pub fn key(word: &str) -> String {
    let folded = folded(word);
    let stemmer = if folded.chars().all(|c| ('а'..='я').contains(&c)) {
        Algorithm::Russian
    } else if folded.chars().all(|c| c.is_ascii_lowercase()) {
        Algorithm::English
    } else if folded.chars().all(|c| ('а'..='я').contains(&c) || KAZAKH_LETTERS.contains(&c)) {
        return kazakh(folded);
    } else {
        return folded;
    };
    let stem = Stemmer::create(stemmer).stem(&folded).into_owned();
    if stem.is_empty() { folded } else { stem }
}

/// The letters of the Kazakh alphabet that Russian's lacks.
const KAZAKH_LETTERS: [char; 9] = ['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'һ', 'і'];

/// What sound a Kazakh ending follows: each ending has a form for each kind of sound before it
/// («үкімет-ті», «бала-ны», «ел-ді»), and one read where its form cannot stand would take a letter
/// of the stem with it («үкіметі» is «үкімет» and «-і», not «үкіме» and «-ті»).
#[derive(Clone, Copy)]
enum After {
    Any,
    Vowel,
    Consonant,
    /// A voiced consonant or a sonorant («ж», «з», «л», «р», «у», «й», «м», «н», «ң»…).
    Voiced,
    Voiceless,
    VowelOrVoiced,
    /// A vowel, «м», «н» or «ң».
    VowelOrNasal,
}

impl After {
    fn allows(self, c: char) -> bool {
        let vowel = "аәеёиоөұүыіэюя".contains(c);
        let voiceless = "кқпстфхцчшщ".contains(c);
        match self {
            After::Any => true,
            After::Vowel => vowel,
            After::Consonant => !vowel,
            After::Voiced => !vowel && !voiceless,
            After::Voiceless => voiceless,
            After::VowelOrVoiced => !voiceless,
            After::VowelOrNasal => vowel || "мнң".contains(c),
        }
    }
}

/// Kazakh's inflectional endings, as a light stemmer takes them off (Snowball has no Kazakh
/// stemmer): the plural, the possessive of the third person and of «our», and the cases, each form
/// with the sound it follows. Left on, as they end too many stems («шешім», «келісім», «бала»):
/// word-forming suffixes («-лық», «-шы»…), the possessives «-ім», «-ің» and their kin (rare in
/// official texts), and a lone «а» or «е» (the dative after a vowel).
///
/// The possessive after a vowel, «-сы», «-сі» («бағдарламасы»), cannot be told from «-ы», «-і»
/// after a stem in «с» («кеңесі»): see [`kazakh`].
#[rustfmt::skip]
const KAZAKH_ENDINGS: [(&str, After); 57] = {
    use After::*;
    [
        // Plural.
        ("лар", Any), ("лер", Any), ("дар", Voiced), ("дер", Voiced), ("тар", Voiceless), ("тер", Voiceless),
        // Possessive.
        ("ы", Consonant), ("і", Consonant), ("ымыз", Consonant), ("іміз", Consonant), ("мыз", Vowel), ("міз", Vowel),
        // Genitive.
        ("ның", VowelOrNasal), ("нің", VowelOrNasal), ("дың", Voiced), ("дің", Voiced), ("тың", Voiceless),
        ("тің", Voiceless),
        // Dative.
        ("ға", VowelOrVoiced), ("ге", VowelOrVoiced), ("қа", Voiceless), ("ке", Voiceless), ("на", Vowel), ("не", Vowel),
        // Accusative.
        ("ны", Vowel), ("ні", Vowel), ("ды", Voiced), ("ді", Voiced), ("ты", Voiceless), ("ті", Voiceless), ("н", Vowel),
        // Locative, and the attributive locative («Алматыдағы»).
        ("да", VowelOrVoiced), ("де", VowelOrVoiced), ("та", Voiceless), ("те", Voiceless), ("нда", Vowel),
        ("нде", Vowel), ("дағы", VowelOrVoiced), ("дегі", VowelOrVoiced), ("тағы", Voiceless), ("тегі", Voiceless),
        ("ндағы", Vowel), ("ндегі", Vowel),
        // Ablative.
        ("дан", VowelOrVoiced), ("ден", VowelOrVoiced), ("тан", Voiceless), ("тен", Voiceless),
        ("нан", VowelOrNasal), ("нен", VowelOrNasal), ("ндан", Vowel), ("нден", Vowel),
        // Instrumental.
        ("мен", Any), ("бен", Voiced), ("пен", Voiceless), ("менен", Any), ("бенен", Voiced), ("пенен", Voiceless),
    ]
};

/// The shortest stem the Kazakh endings are taken down to: roots of two letters («ел», «іс») are
/// left with their endings rather than mistaken for another word's.
const KAZAKH_STEM: usize = 3;

/// A Kazakh word without its inflectional endings: the longest ending that may follow what is
/// before it and leaves a stem of at least [`KAZAKH_STEM`] letters goes, then the next, until none
/// does. Every form of a word then comes down to what its bare form comes down to, even where the
/// bare form itself ends like an ending («Қазақстан», «Қазақстанда» and «Қазақстанның» all to
/// «қазақс»). A stem that lost an ending and ends in «ғ», «г» or «б» gets back the «қ», «к» or «п»
/// that the consonant was before a vowel («ынтымақтастығы» is «ынтымақтастық»'s): no Kazakh word
/// ends in those voiced consonants. A Kazakh word written only in letters Russian shares
/// («мемлекеттер») cannot be told from a Russian one and gets Russian's stemmer.
fn kazakh(mut word: String) -> String {
    let letters = |s: &str| s.chars().count();
    let mut stripped = false;
    while let Some((ending, _)) = KAZAKH_ENDINGS
        .iter()
        .filter(|(e, after)| {
            word.strip_suffix(e).is_some_and(|stem| {
                letters(stem) >= KAZAKH_STEM && stem.chars().last().is_some_and(|c| after.allows(c))
            })
        })
        .max_by_key(|(e, _)| e.len())
    {
        word.truncate(word.len() - ending.len());
        stripped = true;
    }
    // «-сы» after a vowel reads as «-ы» after a stem in «с»: the endings leave «бағдарламас» of
    // «бағдарламасы», and «кеңес» of «кеңесі». An «с» after a vowel then goes, once and last, so
    // that «бағдарламасы» is found by «бағдарлама», and «кеңес» in every form comes to «кеңе», a
    // stem no other word has; nothing more is taken off what is left («қорғаныс» is «қорғаны»,
    // not the «қор» of another word).
    let mut letters_left = word.chars().rev();
    if letters_left.next() == Some('с')
        && letters_left.next().is_some_and(|c| After::Vowel.allows(c))
        && letters(&word) > KAZAKH_STEM
    {
        word.pop();
        return word;
    }
    let voiceless = match word.chars().last() {
        Some('ғ') if stripped => 'қ',
        Some('г') if stripped => 'к',
        Some('б') if stripped => 'п',
        _ => return word,
    };
    word.pop();
    word.push(voiceless);
    word
}

/// A word in lower case, Latin letters without their diacritics, ё written е: its [`key`] before
/// the ending is taken off. Empty for a word of combining marks alone.
pub fn folded(word: &str) -> String {
    folding(word).collect()
}

/// A text as its words' keys, one space between: what the indexes hold.
pub fn keyed(text: &str) -> String {
    let mut keys = String::with_capacity(text.len());
    for (_, word) in words(text) {
        if !keys.is_empty() {
            keys.push(' ');
        }
        keys.push_str(&key(word));
    }
    keys
}

/// The first letter of a word's key: a stem keeps its word's first letter, so a word whose first
/// letter differs from a key's cannot have that key.
pub(crate) fn first_letter(word: &str) -> Option<char> {
    folding(word).next()
}

/// The words of a text with their byte offsets: runs of letters and digits, as the indexes
/// tokenize.
pub fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
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
pub(crate) fn in_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || cyrillic(c) || (!c.is_ascii() && c.is_alphanumeric())
}

/// A letter of the Cyrillic blocks: U+0400–U+0481 and U+048A–U+052F are all letters (U+0482–U+0489
/// are a sign and combining marks).
fn cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{0481}').contains(&c) || ('\u{048A}'..='\u{052F}').contains(&c)
}

/// A combining mark. None is below U+0300 or a Cyrillic letter, so most characters skip the
/// look-up, which took a quarter of the excerpts' time.
pub(crate) fn mark(c: char) -> bool {
    c >= '\u{0300}' && !cyrillic(c) && is_combining_mark(c)
}

/// A word's letters as [`folded`] gives them: lower case, without combining marks, Latin letters
/// without their diacritics (as FTS5's `remove_diacritics` takes them off, only from letters whose
/// base is ASCII), ё as е.
fn folding(word: &str) -> impl Iterator<Item = char> + '_ {
    word.chars()
        .filter(|c| !mark(*c))
        .map(|c| match c.is_ascii() || cyrillic(c) {
            true => c,
            false => std::iter::once(c).nfd().next().filter(char::is_ascii).unwrap_or(c),
        })
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
}

/// How many letters a word has, its combining marks not counted: a stem has at most as many as
/// its word.
pub(crate) fn letters(word: &str) -> usize {
    word.chars().filter(|c| !mark(*c)).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_russian_word_has_one_key_in_every_case_and_number() {
        for (words, stem) in [
            (&["решение", "Решения", "решений", "решениями"][..], "решен"),
            (&["сотрудничество", "СОТРУДНИЧЕСТВА", "сотрудничеству"], "сотрудничеств"),
            (&["безопасность", "безопасности"], "безопасн"),
            (&["Победа", "Победы", "победе"], "побед"),
        ] {
            for word in words {
                assert_eq!(key(word), stem, "{word}");
            }
        }
        assert_ne!(key("план"), key("плен"));
        assert_ne!(key("йод"), key("иод"), "й is not и");
    }

    #[test]
    fn yo_is_ye_in_a_key() {
        assert_eq!(key("Объединённых"), key("объединенных"));
        assert_eq!(key("ещё"), key("еще"));
        assert_eq!(first_letter("Ёлка"), Some('е'));
    }

    #[test]
    fn an_english_word_is_stemmed_and_latin_diacritics_go() {
        assert_eq!(key("Meetings"), key("meeting"));
        assert_eq!(key("cooperation"), key("cooperate"));
        assert_eq!(key("Café"), "cafe");
    }

    #[test]
    fn a_kazakh_word_has_one_key_in_every_case_number_and_person() {
        let groups = [
            (
                &["келісім", "Келісімге", "келісімнің", "келісімдер", "келісімдерді", "келісімінің", "келісімде"][..],
                "келісім",
            ),
            (&["шешім", "шешімі", "шешімдері", "шешімдердің"], "шешім"),
            (&["ынтымақтастық", "ынтымақтастығы", "ынтымақтастықты", "ынтымақтастықтың"], "ынтымақтастық"),
            (&["Қазақстан", "Қазақстанның", "Қазақстанға", "Қазақстанда", "Қазақстанмен", "Қазақстаннан"], "қазақс"),
            (&["министрлігі", "министрлік", "министрлігінің"], "министрлік"),
            (&["кеңес", "кеңесі", "кеңестің", "кеңеске", "кеңесте", "кеңесінде"], "кеңе"),
            (
                &["бағдарлама", "бағдарламасы", "бағдарламасының", "бағдарламасын", "бағдарламаға", "бағдарламалар"],
                "бағдарлама",
            ),
            (&["мемлекеттердің", "мемлекеттеріміз", "мемлекеттердегі"], "мемлекет"),
            (&["үкімет", "үкіметі", "үкіметті", "үкіметтің"], "үкімет"),
            (&["құжат", "құжаты", "құжатында", "құжаттар"], "құжат"),
            (&["шарттың", "шартқа", "шартының"], "шарт"),
        ];
        for (words, stem) in groups {
            for word in words {
                assert_eq!(key(word), stem, "{word}");
            }
        }
        for (i, (_, a)) in groups.iter().enumerate() {
            assert!(groups[i + 1..].iter().all(|(_, b)| a != b), "{a}");
        }
        // A root in «-ас», «-ыс», «-ес» keeps what it has before its «с»: it is not cut to another
        // word's stem.
        for (a, b) in [
            ("қорғаныс", "қор"),
            ("қатынастар", "қатты"),
            ("шығыс", "шығын"),
            ("әріптес", "әріп"),
            ("кірістер", "кірді"),
            ("құрылыс", "құрылды"),
        ] {
            assert_ne!(key(a), key(b), "{a} and {b}");
        }
        assert_eq!(key("істер"), "істер", "a root of two letters keeps its ending");
        assert_eq!(key("ғ"), "ғ", "a word that lost no ending keeps its last letter");
    }

    #[test]
    fn a_number_and_a_mixed_word_are_kept_whole() {
        assert_eq!(key("2025"), "2025");
        assert_eq!(key("COVID19"), "covid19");
        assert_eq!(key("서울"), "서울");
        assert_eq!(key("\u{0345}"), "", "marks alone");
    }

    #[test]
    fn a_text_is_its_keys_in_order() {
        assert_eq!(
            keyed("О сотрудничестве в области безопасности, 2025–2027"),
            "о сотрудничеств в област безопасн 2025 2027"
        );
        assert_eq!(keyed(""), "");
    }

    #[test]
    fn no_key_has_more_letters_or_another_first_letter_than_its_word() {
        let text = "Совет министров иностранных дел Содружества Независимых Государств принял решения о \
                    сотрудничестве; the Council of Ministers adopted decisions on happiness, security and \
                    cooperation. Ещё Ёлка үкімет İstanbul Қазақстан Республикасының Сыртқы істер министрлігі \
                    ынтымақтастығы ғ. үкіметі";
        for (_, word) in words(text) {
            let k = key(word);
            assert!(letters(&k) <= letters(word), "{word} → {k}");
            assert_eq!(k.chars().next(), first_letter(word), "{word} → {k}");
        }
    }

    #[test]
    fn latin_and_cyrillic_letters_and_marks_are_told_as_the_general_lookup_tells_them() {
        for c in ('\0'..='\u{052F}').chain(['\u{2116}', '\u{00AB}', '\u{2014}', '\u{0301}']) {
            assert_eq!(in_word(c), c.is_alphanumeric(), "{c:?} U+{:04X}", c as u32);
            assert_eq!(mark(c), is_combining_mark(c), "{c:?} U+{:04X}", c as u32);
        }
    }
}
