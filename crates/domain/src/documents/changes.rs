//! Track changes between two versions of a document: paragraphs aligned first, then changed
//! paragraphs compared word by word, each change with the amendment that made it where one did.

use serde::Serialize;

use super::{Amendment, Operation, Version};
use crate::Id;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tag {
    Equal,
    Insert,
    Delete,
}

/// A run of words (with the whitespace between them) that both versions share, or that only one of
/// them has; the spaces between words changed together go with each side's run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub tag: Tag,
    pub text: String,
}

/// One paragraph of the comparison: unchanged, changed, added or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParagraphChange {
    /// Its number in the older version, if it was there.
    pub old: Option<u32>,
    /// Its number in the newer version, if it is there.
    pub new: Option<u32>,
    pub segments: Vec<Segment>,
    /// The amendment that made the change, if the change came from one.
    pub amendment: Option<Id>,
}

impl ParagraphChange {
    pub fn is_unchanged(&self) -> bool {
        self.segments.iter().all(|s| s.tag == Tag::Equal)
    }
}

/// The changes from `old` to `new` (any two versions, in either order of numbers). `amendments`
/// are those consolidated between them; a removed paragraph is credited to the amendment that
/// deleted it (as it read then, or as edited since in a later version: alike, see [`ALIKE`]), a
/// new or changed one to the amendment that wrote it.
pub fn compare(old: &Version, new: &Version, amendments: &[Amendment]) -> Vec<ParagraphChange> {
    let (old_texts, new_texts) = (old.texts(), new.texts());
    let deletions: Vec<&Amendment> = amendments
        .iter()
        .filter(|a| a.operation == Operation::Delete && a.status == super::AmendmentStatus::Accepted)
        .filter(|a| new.number > old.number && a.version >= old.number && a.version < new.number)
        .collect();
    let deleted_by = |text: &str| {
        let exactly = deletions.iter().find(|a| a.target == text);
        let edited_since = || {
            deletions.iter().find(|a| a.version > old.number && dice(&word_set(&a.target), &word_set(text)) >= ALIKE)
        };
        exactly.or_else(edited_since).map(|a| a.id)
    };
    let mut out = Vec::new();
    for op in similar::capture_diff_slices(similar::Algorithm::Patience, &old_texts, &new_texts) {
        let (o, n) = (op.old_range(), op.new_range());
        let removed = |i: usize| ParagraphChange {
            old: Some(i as u32 + 1),
            new: None,
            segments: vec![Segment { tag: Tag::Delete, text: old_texts[i].to_string() }],
            amendment: deleted_by(old_texts[i]),
        };
        let added = |j: usize| ParagraphChange {
            old: None,
            new: Some(j as u32 + 1),
            segments: vec![Segment { tag: Tag::Insert, text: new_texts[j].to_string() }],
            amendment: new.paragraphs[j].amendment,
        };
        match op {
            similar::DiffOp::Equal { .. } => out.extend(o.zip(n).map(|(i, j)| ParagraphChange {
                old: Some(i as u32 + 1),
                new: Some(j as u32 + 1),
                segments: vec![Segment { tag: Tag::Equal, text: new_texts[j].to_string() }],
                amendment: None,
            })),
            similar::DiffOp::Delete { .. } => out.extend(o.map(removed)),
            similar::DiffOp::Insert { .. } => out.extend(n.map(added)),
            similar::DiffOp::Replace { .. } => {
                let (old_run, new_run) = (&old_texts[o.clone()], &new_texts[n.clone()]);
                let gone: Vec<bool> = old_run.iter().map(|t| deleted_by(t).is_some()).collect();
                let pairs = paired(old_run, new_run, &gone);
                let (mut i, mut j) = (0, 0);
                for (pi, pj) in pairs.into_iter().chain([(old_run.len(), new_run.len())]) {
                    out.extend((i..pi).map(|i| removed(o.start + i)));
                    out.extend((j..pj).map(|j| added(n.start + j)));
                    if pi < old_run.len() {
                        let (was, is) = (o.start + pi, n.start + pj);
                        out.push(ParagraphChange {
                            old: Some(was as u32 + 1),
                            new: Some(is as u32 + 1),
                            segments: words(old_texts[was], new_texts[is]),
                            amendment: new.paragraphs[is].amendment,
                        });
                    }
                    (i, j) = (pi + 1, pj + 1);
                }
            }
        }
    }
    out
}

/// How alike two paragraphs of a replaced run must be to be taken for one paragraph changed: the
/// share of their words' keys they have in common (Dice's coefficient over the two sets; «решение»
/// and «решения» are one word; words of one or two letters, «о», «и», «в», are not counted). An
/// edit keeps most of a paragraph's words; two paragraphs of one document that share only
/// «абзац» and «о» are not one edited.
const ALIKE: f64 = 0.5;
/// Replaced runs whose old and new paragraphs make more pairs than this (200 by 200) are paired in
/// order: the pairing below costs as many comparisons.
const PAIRED_AT_MOST: usize = 40_000;

/// A paragraph's words as [`ALIKE`] counts them: their keys, sorted, each once.
fn word_set(text: &str) -> Vec<String> {
    let mut set: Vec<String> = crate::words::words(text)
        .filter(|(_, w)| crate::words::letters(w) > 2)
        .map(|(_, w)| crate::words::key(w))
        .collect();
    set.sort_unstable();
    set.dedup();
    set
}

/// Dice's coefficient of two [`word_set`]s: twice what they share over what they hold.
fn dice(a: &[String], b: &[String]) -> f64 {
    let shared = a.iter().filter(|w| b.binary_search(w).is_ok()).count();
    2.0 * shared as f64 / (a.len() + b.len()).max(1) as f64
}

/// Which paragraphs of a run that `new` replaced in `old` are one paragraph changed, as index
/// pairs in order: the pairing whose pairs are most alike in all (the sum of their coefficients).
/// A paragraph an amendment deleted (`gone`) went, whatever came in its place. One paragraph
/// replaced by one is its rewording, however little of it is left; among more, only paragraphs
/// at least [`ALIKE`] are paired, so that one inserted beside an edited one is not read as the
/// edited one's rewording (nor credited with its change), and a paragraph rewritten beside
/// another shows as removed and added.
fn paired(old: &[&str], new: &[&str], gone: &[bool]) -> Vec<(usize, usize)> {
    if old.len() == 1 && new.len() == 1 {
        return if gone[0] { Vec::new() } else { vec![(0, 0)] };
    }
    if old.len() * new.len() > PAIRED_AT_MOST {
        return (0..old.len()).filter(|&i| !gone[i]).zip(0..new.len()).collect();
    }
    let old_words: Vec<Vec<String>> = old.iter().map(|t| word_set(t)).collect();
    let new_words: Vec<Vec<String>> = new.iter().map(|t| word_set(t)).collect();
    let alike = |i: usize, j: usize| {
        let dice = dice(&old_words[i], &new_words[j]);
        (!gone[i] && dice >= ALIKE).then_some(dice)
    };
    // best[i][j]: the most alike in all that pairing old[..i] with new[..j] can reach.
    let mut best = vec![vec![0.0_f64; new.len() + 1]; old.len() + 1];
    for i in 1..=old.len() {
        for j in 1..=new.len() {
            let paired = alike(i - 1, j - 1).map_or(f64::NEG_INFINITY, |d| best[i - 1][j - 1] + d);
            best[i][j] = best[i - 1][j].max(best[i][j - 1]).max(paired);
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (old.len(), new.len());
    while i > 0 && j > 0 {
        if best[i][j] == best[i - 1][j] {
            i -= 1;
        } else if best[i][j] == best[i][j - 1] {
            j -= 1;
        } else {
            pairs.push((i - 1, j - 1));
            (i, j) = (i - 1, j - 1);
        }
    }
    pairs.reverse();
    pairs
}

/// Two texts compared word by word; neighbouring pieces with one tag are merged. Words changed
/// with only spaces between them read as one change, «<del>a b</del><ins>x y</ins>», rather than
/// word against word in turn, which a reworded paragraph would otherwise become.
pub fn words(old: &str, new: &str) -> Vec<Segment> {
    let diff = similar::TextDiff::configure().algorithm(similar::Algorithm::Patience).diff_words(old, new);
    let pieces: Vec<Segment> = diff
        .iter_all_changes()
        .map(|change| {
            let tag = match change.tag() {
                similar::ChangeTag::Equal => Tag::Equal,
                similar::ChangeTag::Insert => Tag::Insert,
                similar::ChangeTag::Delete => Tag::Delete,
            };
            Segment { tag, text: change.value().to_string() }
        })
        .collect();
    let blank = |p: &Segment| p.tag == Tag::Equal && p.text.trim().is_empty();
    let mut out: Vec<Segment> = Vec::new();
    let mut push = |tag: Tag, text: &str| match out.last_mut() {
        Some(last) if last.tag == tag => last.text.push_str(text),
        _ => out.push(Segment { tag, text: text.to_string() }),
    };
    let mut k = 0;
    while k < pieces.len() {
        if pieces[k].tag == Tag::Equal {
            push(Tag::Equal, &pieces[k].text);
            k += 1;
            continue;
        }
        // The run of changes from here to the last one before a word kept, blanks between them.
        let (mut end, mut j) = (k, k);
        while j < pieces.len() && (pieces[j].tag != Tag::Equal || blank(&pieces[j])) {
            if pieces[j].tag != Tag::Equal {
                end = j + 1;
            }
            j += 1;
        }
        let run = &pieces[k..end];
        if run.iter().any(|p| p.tag == Tag::Delete) && run.iter().any(|p| p.tag == Tag::Insert) {
            // The blanks belong to both sides: once in what went, once in what came.
            let side = |tag: Tag| run.iter().filter(|p| p.tag != tag).map(|p| p.text.as_str()).collect::<String>();
            push(Tag::Delete, &side(Tag::Insert));
            push(Tag::Insert, &side(Tag::Delete));
        } else {
            run.iter().for_each(|p| push(p.tag, &p.text));
        }
        k = end;
    }
    out
}

/// The older side of a comparison, rebuilt from its segments.
pub fn old_side(segments: &[Segment]) -> String {
    segments.iter().filter(|s| s.tag != Tag::Insert).map(|s| s.text.as_str()).collect()
}

/// The newer side of a comparison, rebuilt from its segments.
pub fn new_side(segments: &[Segment]) -> String {
    segments.iter().filter(|s| s.tag != Tag::Delete).map(|s| s.text.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::documents::Paragraph;
    use crate::new_id;

    fn version(number: u32, texts: &[String]) -> Version {
        let paragraphs = texts.iter().map(|t| Paragraph::plain(t.clone())).collect();
        Version::new(new_id(), number, "ru", paragraphs, "s".into(), jiff::Timestamp::UNIX_EPOCH)
    }

    fn paragraph() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec!["Совет", "министров", "решил", "the", "Council", "Қазақстан", "—", "1945", "г."]),
            1..12,
        )
        .prop_map(|w| w.join(" "))
    }

    proptest! {
        #[test]
        fn applying_the_changes_to_the_old_version_gives_the_new_one(
            old in prop::collection::vec(paragraph(), 0..8),
            new in prop::collection::vec(paragraph(), 0..8),
        ) {
            let changes = compare(&version(1, &old), &version(2, &new), &[]);
            let rebuilt_new: Vec<String> = changes.iter().filter(|c| c.new.is_some()).map(|c| new_side(&c.segments)).collect();
            let rebuilt_old: Vec<String> = changes.iter().filter(|c| c.old.is_some()).map(|c| old_side(&c.segments)).collect();
            prop_assert_eq!(rebuilt_new, new);
            prop_assert_eq!(rebuilt_old, old);
        }

        #[test]
        fn word_changes_rebuild_both_sides(old in "[a-zа-я ,.]{0,60}", new in "[a-zа-я ,.]{0,60}") {
            let segments = words(&old, &new);
            prop_assert_eq!(old_side(&segments), old);
            prop_assert_eq!(new_side(&segments), new);
        }
    }

    #[test]
    fn a_reworded_paragraph_reads_as_what_went_then_what_came() {
        let segments = words("Устав Организации Объединённых Наций.", "Новый текст абзаца три.");
        let tags: Vec<(Tag, &str)> = segments.iter().map(|s| (s.tag, s.text.as_str())).collect();
        assert_eq!(
            tags,
            [(Tag::Delete, "Устав Организации Объединённых Наций."), (Tag::Insert, "Новый текст абзаца три.")]
        );
        let kept = words("Совет решил одобрить план мероприятий.", "Совет решил утвердить новый план мероприятий.");
        let tags: Vec<(Tag, &str)> = kept.iter().map(|s| (s.tag, s.text.as_str())).collect();
        assert_eq!(
            tags,
            [
                (Tag::Equal, "Совет решил "),
                (Tag::Delete, "одобрить"),
                (Tag::Insert, "утвердить новый"),
                (Tag::Equal, " план мероприятий."),
            ]
        );
    }

    /// The accepted amendment `id` that deleted paragraph `paragraph` of `old`.
    fn deletion(id: Id, old: &Version, paragraph: u32) -> Amendment {
        Amendment {
            id,
            document_id: old.document_id,
            version: old.number,
            paragraph,
            operation: Operation::Delete,
            text: String::new(),
            target: old.texts()[paragraph as usize - 1].to_string(),
            justification: String::new(),
            proposer: new_id(),
            status: super::super::AmendmentStatus::Accepted,
            responses: vec![],
            created_at: jiff::Timestamp::UNIX_EPOCH,
            row_version: 1,
        }
    }

    #[test]
    fn a_changed_word_is_shown_as_a_deletion_and_an_insertion_with_its_amendment() {
        let old = version(1, &["Совет министров решил одобрить план.".into(), "Второй.".into()]);
        let mut new = version(2, &["Совет министров решил утвердить план.".into()]);
        let (replace, delete) = (new_id(), new_id());
        new.paragraphs[0].amendment = Some(replace);
        let deleting = deletion(delete, &old, 2);
        let changes = compare(&old, &new, &[deleting]);
        assert_eq!(changes.len(), 2);
        let tags: Vec<(Tag, &str)> = changes[0].segments.iter().map(|s| (s.tag, s.text.as_str())).collect();
        assert_eq!(
            tags,
            [
                (Tag::Equal, "Совет министров решил "),
                (Tag::Delete, "одобрить"),
                (Tag::Insert, "утвердить"),
                (Tag::Equal, " план.")
            ]
        );
        assert_eq!(changes[0].amendment, Some(replace));
        assert_eq!((changes[1].old, changes[1].new, changes[1].amendment), (Some(2), None, Some(delete)));
    }

    #[test]
    fn a_paragraph_deleted_by_one_amendment_is_not_credited_to_what_another_inserted_there() {
        let old = version(1, &["Первый абзац.".into(), "Второй абзац.".into()]);
        let mut new = version(2, &["Преамбула.".into(), "Второй абзац.".into()]);
        let (inserted, deleted) = (new_id(), new_id());
        new.paragraphs[0].amendment = Some(inserted);
        let deleting = deletion(deleted, &old, 1);
        let changes = compare(&old, &new, &[deleting]);
        let seen: Vec<(Option<u32>, Option<u32>, Option<Id>)> =
            changes.iter().map(|c| (c.old, c.new, c.amendment)).collect();
        assert_eq!(seen, [(Some(1), None, Some(deleted)), (None, Some(1), Some(inserted)), (Some(2), Some(2), None)]);
    }

    #[test]
    fn over_several_versions_an_edited_paragraph_is_paired_with_its_edit_not_with_a_paragraph_inserted_beside_it() {
        let texts = |t: &[&str]| t.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        let old = version(
            2,
            &texts(&[
                "Совет министров иностранных дел.",
                "Стороны подтверждают приверженность.",
                "О сотрудничестве пограничных ведомств.",
                "Мы намерены укреплять сотрудничество компетентных органов.",
                "Настоящее решение вступает в силу.",
            ]),
        );
        let mut new = version(
            4,
            &texts(&[
                "Совет министров иностранных дел.",
                "Стороны подтверждают приверженность.",
                "Новый абзац о решениях Совета.",
                "Мы намерены всемерно укреплять сотрудничество компетентных органов.",
                "Настоящее решение вступает в силу.",
            ]),
        );
        let (inserted, edited, deleted) = (new_id(), new_id(), new_id());
        new.paragraphs[2].amendment = Some(inserted);
        new.paragraphs[3].amendment = Some(edited);
        let changes = compare(&old, &new, &[deletion(deleted, &old, 3)]);
        let seen: Vec<(Option<u32>, Option<u32>, Option<Id>)> =
            changes.iter().filter(|c| !c.is_unchanged()).map(|c| (c.old, c.new, c.amendment)).collect();
        assert_eq!(
            seen,
            [(Some(3), None, Some(deleted)), (None, Some(3), Some(inserted)), (Some(4), Some(4), Some(edited))]
        );
        let edit: Vec<(Tag, &str)> = changes[4].segments.iter().map(|s| (s.tag, s.text.as_str())).collect();
        assert_eq!(edit[1], (Tag::Insert, "всемерно "), "{edit:?}");
        // Without the deletion on record, the paragraph that went is still not read as the new one.
        let changes = compare(&old, &new, &[]);
        let seen: Vec<(Option<u32>, Option<u32>)> =
            changes.iter().filter(|c| !c.is_unchanged()).map(|c| (c.old, c.new)).collect();
        assert_eq!(seen, [(Some(3), None), (None, Some(3)), (Some(4), Some(4))]);
    }

    #[test]
    fn a_paragraph_edited_and_then_deleted_is_credited_to_its_deletion() {
        let texts = |t: &[&str]| t.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        let first =
            version(1, &texts(&["Второй абзац о границах.", "Третий абзац о культуре и образовании.", "Конец."]));
        // Version 2 edited the third paragraph; version 3 deleted it as edited.
        let edited = version(
            2,
            &texts(&["Второй абзац о границах.", "Третий абзац о культуре, науке и образовании.", "Конец."]),
        );
        let third = version(3, &texts(&["Второй абзац о границах.", "Конец."]));
        let deleted = new_id();
        let changes = compare(&first, &third, &[deletion(deleted, &edited, 2)]);
        let seen: Vec<(Option<u32>, Option<u32>, Option<Id>)> =
            changes.iter().filter(|c| !c.is_unchanged()).map(|c| (c.old, c.new, c.amendment)).collect();
        assert_eq!(seen, [(Some(2), None, Some(deleted))]);
        // A deletion of some other paragraph is not credited with it.
        let other = Amendment {
            target: "Совсем другой текст о транспорте.".into(), ..deletion(deleted, &edited, 2)
        };
        assert_eq!(compare(&first, &third, &[other])[1].amendment, None);
    }

    #[test]
    fn paragraphs_that_share_only_short_and_common_words_are_not_one_edited() {
        let texts = |t: &[&str]| t.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        let old = version(1, &texts(&["Второй абзац о границах.", "Третий абзац о культуре и образовании.", "Конец."]));
        let new = version(
            3,
            &texts(&[
                "Второй абзац о границах.",
                "Абзац России о транспорте.",
                "Вставленный абзац Казахстана о цифровизации и искусственном интеллекте.",
                "Конец.",
            ]),
        );
        let changes = compare(&old, &new, &[]);
        let seen: Vec<(Option<u32>, Option<u32>)> =
            changes.iter().filter(|c| !c.is_unchanged()).map(|c| (c.old, c.new)).collect();
        assert_eq!(seen, [(Some(2), None), (None, Some(2)), (None, Some(3))]);
        // Read the other way round, the same: nothing reworded into what it is not.
        let back: Vec<(Option<u32>, Option<u32>)> =
            compare(&new, &old, &[]).iter().filter(|c| !c.is_unchanged()).map(|c| (c.old, c.new)).collect();
        assert_eq!(back, [(Some(2), None), (Some(3), None), (None, Some(2))]);
    }
}
