//! Track changes between two versions of a document: paragraphs aligned first, then changed
//! paragraphs compared word by word. Each change is credited to whoever made it, the amendment
//! that wrote or deleted those words or the secretariat's own edit, by following every word
//! through the versions between the two: a paragraph amended by two delegations in turn shows
//! each one's words as theirs.

use std::collections::HashMap;

use serde::Serialize;

use super::{Amendment, AmendmentStatus, Operation, Version};
use crate::Id;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tag {
    Equal,
    Insert,
    Delete,
}

/// Who made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credit {
    /// An accepted amendment, consolidated into one of the versions compared or between them.
    Amendment(Id),
    /// The secretariat's own edit: a new text, a correction, a translation.
    Secretariat,
}

/// A run of words (with the whitespace between them) that both versions share, or that only one of
/// them has; the spaces between words changed together go with each side's run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub tag: Tag,
    pub text: String,
    /// Who made the change; none for words both versions share, and for a comparison of a newer
    /// version with an older one, whose words nobody wrote in that direction.
    pub by: Option<Credit>,
}

/// One paragraph of the comparison: unchanged, changed, added or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParagraphChange {
    /// Its number in the older version, if it was there.
    pub old: Option<u32>,
    /// Its number in the newer version, if it is there.
    pub new: Option<u32>,
    pub segments: Vec<Segment>,
}

impl ParagraphChange {
    pub fn is_unchanged(&self) -> bool {
        self.segments.iter().all(|s| s.tag == Tag::Equal)
    }

    /// Who made its changes, each once, in the order their changes come.
    pub fn credits(&self) -> Vec<Credit> {
        let mut out: Vec<Credit> = Vec::new();
        for by in self.segments.iter().filter_map(|s| s.by) {
            if !out.contains(&by) {
                out.push(by);
            }
        }
        out
    }
}

/// How two versions' paragraphs correspond (indices into each).
#[derive(Debug, Clone, Copy)]
enum Aligned {
    Same(usize, usize),
    Changed(usize, usize),
    Removed(usize),
    Added(usize),
}

/// What is known of how the paragraphs of one version became those of a later one, from the
/// amendments consolidated between them: by paragraph, not by word.
struct Links {
    /// Per paragraph of the earlier version: who removed it, where that is known.
    removed: Vec<Option<Credit>>,
    /// Per paragraph of the later version: the earlier one it is a change of, where that is known.
    from: Vec<Option<usize>>,
    /// Per paragraph of the later version: whether it was added, not made of an earlier one.
    added: Vec<bool>,
    /// Per paragraph of the later version: who wrote it, where it changed.
    written: Vec<Written>,
}

/// Who wrote a paragraph that changed.
#[derive(Debug, Clone)]
enum Written {
    By(Credit),
    /// Word by word, as its paragraph in the original language: a translation across several
    /// versions credits its words from the original's at the same share of the paragraph, since
    /// which translated word renders which is not recorded. Who wrote each word of the original's
    /// later text, and who deleted each word of its earlier text.
    Words {
        written: Vec<Credit>,
        deleted: Vec<Credit>,
    },
}

impl Written {
    /// Who made the change of word `k` of `words`: one inserted into the later version's text, or
    /// one deleted from the earlier's (`tag`). A word by word credit is taken at the same share of
    /// the paragraph.
    fn at(&self, tag: Tag, k: usize, words: usize) -> Credit {
        let credits = match self {
            Written::By(by) => return *by,
            Written::Words { written, .. } if tag == Tag::Insert => written,
            Written::Words { deleted, .. } => deleted,
        };
        credits.get(k * credits.len() / words.max(1)).or(credits.last()).copied().unwrap_or(Credit::Secretariat)
    }
}

impl Links {
    /// Nothing known: paragraphs are matched by their words alone, changes are the secretariat's.
    fn unknown(earlier: usize, later: usize) -> Links {
        Links {
            removed: vec![None; earlier],
            from: vec![None; later],
            added: vec![false; later],
            written: vec![Written::By(Credit::Secretariat); later],
        }
    }

    /// Between versions `originals` of the original language, numbered one after another: each
    /// step's amendments say which paragraph was deleted, replaced or inserted, and by whom.
    fn across(originals: &[&Version], amendments: &[Amendment]) -> Links {
        let (first, last) = (originals[0], originals[originals.len() - 1]);
        if let [prev, next] = originals {
            let consolidated = |a: &&Amendment| a.status == AmendmentStatus::Accepted && a.version == prev.number;
            let writer: Vec<Option<&Amendment>> = next
                .paragraphs
                .iter()
                .map(|p| p.amendment.and_then(|id| amendments.iter().filter(consolidated).find(|a| a.id == id)))
                .collect();
            let deletions = || amendments.iter().filter(consolidated).filter(|a| a.operation == Operation::Delete);
            return Links {
                removed: (1..=prev.paragraphs.len() as u32)
                    .map(|n| deletions().find(|a| a.paragraph == n).map(|a| Credit::Amendment(a.id)))
                    .collect(),
                from: writer
                    .iter()
                    .map(|a| a.filter(|a| a.operation == Operation::Replace).map(|a| a.paragraph as usize - 1))
                    .collect(),
                added: writer.iter().map(|a| a.is_some_and(|a| a.operation == Operation::Insert)).collect(),
                written: writer
                    .iter()
                    .map(|a| Written::By(a.map_or(Credit::Secretariat, |a| Credit::Amendment(a.id))))
                    .collect(),
            };
        }
        // Several steps: followed one at a time, and told by their ends.
        let mut trace = Trace::new(first);
        for pair in originals.windows(2) {
            trace.step(pair[0], pair[1], &Links::across(pair, amendments));
        }
        let since = |id: Id| {
            amendments.iter().any(|a| {
                a.id == id && a.status == AmendmentStatus::Accepted && (first.number..last.number).contains(&a.version)
            })
        };
        // A word kept from before is the paragraph's last writer's, within the span.
        let first_texts = first.texts();
        let written = (last.paragraphs.iter().enumerate())
            .map(|(j, p)| {
                let last_writer = p.amendment.filter(|id| since(*id)).map_or(Credit::Secretariat, Credit::Amendment);
                let Some(origins) = &trace.origins[j] else { return Written::By(last_writer) };
                let by = |o: &Origin| match o {
                    Origin::Written(by) => *by,
                    Origin::Kept(..) => last_writer,
                };
                let before = trace.lineage[j].map_or(0, |p| tokens(first_texts[p]).len());
                let deleted = (0..before)
                    .map(|k| trace.lineage[j].and_then(|p| trace.deleted.get(&(p, k))).copied().unwrap_or(last_writer))
                    .collect();
                Written::Words { written: origins.iter().map(by).collect(), deleted }
            })
            .collect();
        Links {
            added: trace.lineage.iter().map(Option::is_none).collect(),
            written,
            removed: trace.removed,
            from: trace.lineage,
        }
    }
}

/// The paragraphs of `old` and `new` aligned: equal ones first, then within each run that `new`
/// replaced, the pairs [`paired`] finds. A paragraph of `old` marked `removed` went, and one of
/// `new` marked `added` came, whatever stood beside them; `from` ties a paragraph of `new` to the
/// one of `old` it is known to be a change of.
fn align(old: &[&str], new: &[&str], removed: &[bool], added: &[bool], from: &[Option<usize>]) -> Vec<Aligned> {
    // Paragraphs are equal by their text and by what is known of them: one known to be made of an
    // earlier one equals that one only, so that a paragraph replaced by the words of its deleted
    // neighbour is not read as the neighbour kept.
    let mut tied = vec![false; old.len()];
    for &i in from.iter().flatten().filter(|&&i| i < old.len()) {
        tied[i] = true;
    }
    let old_keys: Vec<(&str, Option<usize>)> = (0..old.len()).map(|i| (old[i], tied[i].then_some(i))).collect();
    let new_keys: Vec<(&str, Option<usize>)> = (0..new.len()).map(|j| (new[j], from[j])).collect();
    let mut out = Vec::new();
    for op in similar::capture_diff_slices(similar::Algorithm::Patience, &old_keys, &new_keys) {
        let (o, n) = (op.old_range(), op.new_range());
        match op {
            similar::DiffOp::Equal { .. } => out.extend(o.zip(n).map(|(i, j)| Aligned::Same(i, j))),
            similar::DiffOp::Delete { .. } => out.extend(o.map(Aligned::Removed)),
            similar::DiffOp::Insert { .. } => out.extend(n.map(Aligned::Added)),
            similar::DiffOp::Replace { .. } => {
                let run = Run {
                    removed: &removed[o.clone()],
                    added: &added[n.clone()],
                    tied: &|i, j| from[n.start + j] == Some(o.start + i),
                };
                let pairs = paired(&old[o.clone()], &new[n.clone()], &run);
                let (mut i, mut j) = (0, 0);
                for (pi, pj) in pairs.into_iter().chain([(o.len(), n.len())]) {
                    out.extend((i..pi).map(|i| Aligned::Removed(o.start + i)));
                    out.extend((j..pj).map(|j| Aligned::Added(n.start + j)));
                    if pi < o.len() {
                        out.push(Aligned::Changed(o.start + pi, n.start + pj));
                    }
                    (i, j) = (pi + 1, pj + 1);
                }
            }
        }
    }
    out
}

/// What is known of a replaced run's paragraphs ([`Links`], cut to the run).
struct Run<'a> {
    removed: &'a [bool],
    added: &'a [bool],
    tied: &'a dyn Fn(usize, usize) -> bool,
}

/// Where a word of a version in the chain came from.
#[derive(Debug, Clone, Copy)]
enum Origin {
    /// Word `.1` of paragraph `.0` of the older version compared.
    Kept(usize, usize),
    Written(Credit),
}

/// The words of the older version followed through the versions after it, one version at a time.
/// A paragraph no step has changed is followed as a whole, not word by word: most of a long
/// document is.
struct Trace {
    /// Per paragraph of the version reached, per word: where it came from; none while the
    /// paragraph is still, word for word, the older version's one that `lineage` names.
    origins: Vec<Option<Vec<Origin>>>,
    /// Per paragraph of the version reached: the older version's paragraph it descends from.
    lineage: Vec<Option<usize>>,
    /// Who deleted a word of the older version (by paragraph and word), once someone has.
    deleted: HashMap<(usize, usize), Credit>,
    /// Per paragraph of the older version: who removed it whole, once someone has.
    removed: Vec<Option<Credit>>,
}

impl Trace {
    fn new(old: &Version) -> Trace {
        let n = old.paragraphs.len();
        Trace {
            origins: vec![None; n],
            lineage: (0..n).map(Some).collect(),
            deleted: HashMap::new(),
            removed: vec![None; n],
        }
    }

    /// Where word `k` of paragraph `i` of the version reached came from.
    fn origin(&self, i: usize, k: usize) -> Origin {
        match &self.origins[i] {
            Some(origins) => origins[k],
            None => Origin::Kept(self.lineage[i].expect("a paragraph followed whole descends from one"), k),
        }
    }

    fn delete(&mut self, origin: Origin, by: Credit) {
        if let Origin::Kept(p, k) = origin {
            self.deleted.insert((p, k), by);
        }
    }

    /// Follows the words from `prev` to `next`, a later version of the same language, as `links`
    /// tell how its paragraphs came to be: a paragraph changed or added is credited to who wrote
    /// it, one removed to who removed it, and anything else changed to the secretariat. Returns how
    /// the two versions' paragraphs were aligned.
    fn step(&mut self, prev: &Version, next: &Version, links: &Links) -> Vec<Aligned> {
        let (prev_texts, next_texts) = (prev.texts(), next.texts());
        let removed: Vec<bool> = links.removed.iter().map(Option::is_some).collect();
        let mut origins = vec![None; next_texts.len()];
        let mut lineage = vec![None; next_texts.len()];
        let aligned = align(&prev_texts, &next_texts, &removed, &links.added, &links.from);
        for &item in &aligned {
            match item {
                Aligned::Same(i, j) => {
                    origins[j] = std::mem::take(&mut self.origins[i]);
                    lineage[j] = self.lineage[i];
                }
                Aligned::Changed(i, j) => {
                    let (was_words, is_words) = (tokens(prev_texts[i]), tokens(next_texts[j]));
                    let written = &links.written[j];
                    let mut words = Vec::new();
                    for (tag, _, was, is) in token_changes(&was_words, &is_words) {
                        match (tag, was, is) {
                            (Tag::Insert, _, Some(k)) => {
                                words.push(Origin::Written(written.at(Tag::Insert, k, is_words.len())))
                            }
                            (Tag::Equal, Some(k), _) => words.push(self.origin(i, k)),
                            (Tag::Delete, Some(k), _) => {
                                self.delete(self.origin(i, k), written.at(Tag::Delete, k, was_words.len()))
                            }
                            _ => {}
                        }
                    }
                    origins[j] = Some(words);
                    lineage[j] = self.lineage[i];
                }
                Aligned::Removed(i) => {
                    let by = links.removed[i].unwrap_or(Credit::Secretariat);
                    for k in 0..tokens(prev_texts[i]).len() {
                        self.delete(self.origin(i, k), by);
                    }
                    if let Some(p) = self.lineage[i] {
                        self.removed[p] = Some(by);
                    }
                }
                Aligned::Added(j) => {
                    let n = tokens(next_texts[j]).len();
                    origins[j] =
                        Some((0..n).map(|k| Origin::Written(links.written[j].at(Tag::Insert, k, n))).collect());
                }
            }
        }
        self.origins = origins;
        self.lineage = lineage;
        aligned
    }
}

/// The changes from `old` to `new`, any two versions of one language in either order. `between`
/// holds the versions of that language between them, oldest first, `originals` the document's
/// versions in its original language (none: these are), and `amendments` its amendments. Every
/// word is followed from the older of the two to the newer, step by step as the amendments
/// consolidated between them tell (a translation's paragraphs are its original's one for one), so
/// that a paragraph replaced is read as changed and one deleted never as the rewording of one
/// inserted in its place, in either order; and, from the older to the newer, each change is
/// credited to whoever made it (see [`Credit`]).
pub fn compare(
    old: &Version,
    between: &[&Version],
    new: &Version,
    originals: &[&Version],
    amendments: &[Amendment],
) -> Vec<ParagraphChange> {
    let (old_texts, new_texts) = (old.texts(), new.texts());
    let forward = old.number < new.number;
    let (first, last) = if forward { (old, new) } else { (new, old) };
    let chain: Vec<&Version> = [first].into_iter().chain(between.iter().copied()).chain([last]).collect();
    let mut originals: Vec<&Version> = if originals.is_empty() { chain.clone() } else { originals.to_vec() };
    originals.sort_by_key(|v| v.number);
    let mut trace = Trace::new(first);
    let mut last_step = Vec::new();
    for pair in chain.windows(2) {
        let (prev, next) = (pair[0], pair[1]);
        let span: Vec<&Version> =
            originals.iter().copied().filter(|v| (prev.number..=next.number).contains(&v.number)).collect();
        let matches = |a: Option<&&Version>, b: &Version| {
            a.is_some_and(|a| a.number == b.number && a.paragraphs.len() == b.paragraphs.len())
        };
        let links = if span.len() >= 2 && matches(span.first(), prev) && matches(span.last(), next) {
            Links::across(&span, amendments)
        } else {
            Links::unknown(prev.paragraphs.len(), next.paragraphs.len())
        };
        last_step = trace.step(prev, next, &links);
    }
    let credited = |old: Option<usize>, new: Option<usize>| {
        let (before, after) = (old.map_or("", |i| old_texts[i]), new.map_or("", |j| new_texts[j]));
        if !forward {
            return credited_words(before, after, |_| None, |_| None, None);
        }
        let deleted_by = |k: usize| old.and_then(|i| trace.deleted.get(&(i, k)).copied());
        let written_by = |k: usize| match new.map(|j| trace.origin(j, k)) {
            Some(Origin::Written(by)) => Some(by),
            _ => None,
        };
        credited_words(before, after, deleted_by, written_by, Some(Credit::Secretariat))
    };
    let number = |i: usize| Some(i as u32 + 1);
    // Compared forward across one step, the ends are aligned as that step was; else by what the
    // trace learned of them (read backwards, what was added went).
    let aligned = if forward && chain.len() == 2 {
        last_step
    } else {
        let went: Vec<bool> = trace.removed.iter().map(Option::is_some).collect();
        let came: Vec<bool> = trace.lineage.iter().map(Option::is_none).collect();
        let (removed, added, from) = if forward {
            (went, came, trace.lineage.clone())
        } else {
            let mut back = vec![None; first.paragraphs.len()];
            for (j, i) in trace.lineage.iter().enumerate() {
                if let Some(i) = *i {
                    back[i] = Some(j);
                }
            }
            (came, went, back)
        };
        align(&old_texts, &new_texts, &removed, &added, &from)
    };
    aligned
        .into_iter()
        .map(|item| match item {
            Aligned::Same(i, j) => ParagraphChange {
                old: number(i),
                new: number(j),
                segments: vec![Segment { tag: Tag::Equal, text: new_texts[j].to_string(), by: None }],
            },
            Aligned::Changed(i, j) => {
                ParagraphChange { old: number(i), new: number(j), segments: credited(Some(i), Some(j)) }
            }
            Aligned::Removed(i) => ParagraphChange { old: number(i), new: None, segments: credited(Some(i), None) },
            Aligned::Added(j) => ParagraphChange { old: None, new: number(j), segments: credited(None, Some(j)) },
        })
        .collect()
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
/// pairs in order: the pairing whose pairs are most alike in all (the sum of their coefficients),
/// with every pair the run ties ([`Run::tied`]) in it. A paragraph removed, or added, pairs with
/// none. One paragraph replaced by one is its rewording, however little of it is left; among more,
/// only paragraphs at least [`ALIKE`] are paired, so that one inserted beside an edited one is not
/// read as the edited one's rewording (nor credited with its change), and a paragraph rewritten
/// beside another shows as removed and added.
fn paired(old: &[&str], new: &[&str], run: &Run) -> Vec<(usize, usize)> {
    if old.len() == 1 && new.len() == 1 {
        return if run.removed[0] || run.added[0] { Vec::new() } else { vec![(0, 0)] };
    }
    if old.len() * new.len() > PAIRED_AT_MOST {
        return (0..old.len()).filter(|&i| !run.removed[i]).zip((0..new.len()).filter(|&j| !run.added[j])).collect();
    }
    let old_words: Vec<Vec<String>> = old.iter().map(|t| word_set(t)).collect();
    let new_words: Vec<Vec<String>> = new.iter().map(|t| word_set(t)).collect();
    // A tie outweighs any sum of coefficients (each at most 1).
    let tie = (old.len() + new.len()) as f64;
    let alike = |i: usize, j: usize| {
        if run.removed[i] || run.added[j] {
            return None;
        }
        if (run.tied)(i, j) {
            return Some(tie);
        }
        let dice = dice(&old_words[i], &new_words[j]);
        (dice >= ALIKE).then_some(dice)
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

/// A text's words as the comparison counts them: runs of letters and digits (a word with its
/// accents), runs of spaces, and every other character alone, so that «культуры.» and «культуры,»
/// share the word and differ only in the stop; a number with a decimal point or comma (1.5, 2,5)
/// stays one.
fn tokens(text: &str) -> Vec<&str> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let others = |spans: &mut Vec<(usize, usize)>, mut at: usize, end: usize| {
        while let Some(c) = text[at..end].chars().next() {
            let len = if c.is_whitespace() {
                text[at..end].find(|c: char| !c.is_whitespace()).unwrap_or(end - at)
            } else {
                c.len_utf8()
            };
            spans.push((at, at + len));
            at += len;
        }
    };
    let mut at = 0;
    for (start, word) in crate::words::words(text) {
        others(&mut spans, at, start);
        spans.push((start, start + word.len()));
        at = start + word.len();
    }
    others(&mut spans, at, text.len());
    let digits = |(a, b): (usize, usize)| b > a && text[a..b].bytes().all(|c| c.is_ascii_digit());
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (k, &span) in spans.iter().enumerate() {
        let point = matches!(&text[span.0..span.1], "." | ",");
        match out.last_mut() {
            // "1" "." "5" is one number: the point joins the digits before it, the digits after.
            Some(last) if point && digits(*last) && spans.get(k + 1).is_some_and(|&next| digits(next)) => {
                last.1 = span.1
            }
            Some(last)
                if digits(span) && text[last.0..last.1].ends_with(['.', ',']) && digits((last.0, last.1 - 1)) =>
            {
                last.1 = span.1
            }
            _ => out.push(span),
        }
    }
    out.into_iter().map(|(a, b)| &text[a..b]).collect()
}

/// Two texts' [`tokens`] compared: each token with its tag and its index in the older and in the
/// newer text, where it is there.
fn token_changes<'t>(old: &[&'t str], new: &[&'t str]) -> Vec<(Tag, &'t str, Option<usize>, Option<usize>)> {
    let mut out = Vec::new();
    for op in similar::capture_diff_slices(similar::Algorithm::Patience, old, new) {
        for change in op.iter_changes(old, new) {
            let tag = match change.tag() {
                similar::ChangeTag::Equal => Tag::Equal,
                similar::ChangeTag::Insert => Tag::Insert,
                similar::ChangeTag::Delete => Tag::Delete,
            };
            out.push((tag, change.value(), change.old_index(), change.new_index()));
        }
    }
    out
}

/// Two texts compared word by word, each change credited by `deleted_by` and `written_by` (given
/// the word's index in its text); neighbouring pieces with one tag and one credit are merged. Words
/// changed with only spaces between them read as one change, «<del>a b</del><ins>x y</ins>», rather
/// than word against word in turn, which a reworded paragraph would otherwise become. A word whose
/// credit is unknown (the two ends compared align it otherwise than the versions between them did)
/// takes the credit of the change around it, else of another change in the paragraph, else
/// `unknown`.
fn credited_words(
    old: &str,
    new: &str,
    deleted_by: impl Fn(usize) -> Option<Credit>,
    written_by: impl Fn(usize) -> Option<Credit>,
    unknown: Option<Credit>,
) -> Vec<Segment> {
    let pieces: Vec<Segment> = token_changes(&tokens(old), &tokens(new))
        .into_iter()
        .map(|(tag, text, was, is)| {
            let by = match tag {
                Tag::Equal => None,
                Tag::Insert => is.and_then(&written_by),
                Tag::Delete => was.and_then(&deleted_by),
            };
            Segment { tag, text: text.to_string(), by }
        })
        .collect();
    let unknown = pieces.iter().filter(|p| !p.text.trim().is_empty()).find_map(|p| p.by).or(unknown);
    let blank = |p: &Segment| p.tag == Tag::Equal && p.text.trim().is_empty();
    let mut out: Vec<Segment> = Vec::new();
    let mut push = |tag: Tag, text: &str, by: Option<Credit>| match out.last_mut() {
        Some(last) if last.tag == tag && last.by == by => last.text.push_str(text),
        _ => out.push(Segment { tag, text: text.to_string(), by }),
    };
    let mut k = 0;
    while k < pieces.len() {
        if pieces[k].tag == Tag::Equal {
            push(Tag::Equal, &pieces[k].text, None);
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
        let has = |tag: Tag| run.iter().any(|p| p.tag == tag);
        // Spaces changed beside words go with those words, whoever's they were; spaces changed
        // alone keep their own credit.
        let words = run.iter().any(|p| p.tag != Tag::Equal && !p.text.trim().is_empty());
        let own = |p: &Segment| p.by.filter(|_| !words || !p.text.trim().is_empty());
        let first = |tag: Tag| run.iter().filter(|p| p.tag == tag).find_map(own);
        // Where words went and came together, the blanks belong to both sides: once in what
        // went, once in what came.
        let both = has(Tag::Delete) && has(Tag::Insert);
        for (tag, other) in [(Tag::Delete, Tag::Insert), (Tag::Insert, Tag::Delete)] {
            if !has(tag) {
                continue;
            }
            let mut by = first(tag).or_else(|| first(other)).or(unknown);
            for p in run {
                if p.tag == tag {
                    by = own(p).or(by);
                    push(tag, &p.text, by);
                } else if p.tag == Tag::Equal {
                    if both { push(tag, &p.text, by) } else { push(Tag::Equal, &p.text, None) }
                }
            }
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

    fn version(number: u32, texts: &[&str]) -> Version {
        let paragraphs = texts.iter().map(|t| Paragraph::plain(*t)).collect();
        Version::new(new_id(), number, "ru", paragraphs, "s".into(), jiff::Timestamp::UNIX_EPOCH)
    }

    /// Version `number` of an English translation.
    fn english_version(number: u32, texts: &[&str]) -> Version {
        Version { language: "en".into(), ..version(number, texts) }
    }

    fn words(old: &str, new: &str) -> Vec<Segment> {
        credited_words(old, new, |_| None, |_| None, None)
    }

    /// An accepted amendment of paragraph `paragraph` of `base`; a replacement or insertion's
    /// text is written into `into`, the version it was consolidated into, at `at` (1-based).
    fn accepted(
        operation: Operation,
        base: &Version,
        paragraph: u32,
        into: Option<(&mut Version, usize)>,
    ) -> Amendment {
        let id = new_id();
        if let Some((into, at)) = into {
            into.paragraphs[at - 1].amendment = Some(id);
        }
        Amendment {
            id,
            document_id: base.document_id,
            version: base.number,
            paragraph,
            operation,
            text: String::new(),
            target: base.texts().get(paragraph.max(1) as usize - 1).map_or(String::new(), |t| t.to_string()),
            justification: String::new(),
            proposer: new_id(),
            status: AmendmentStatus::Accepted,
            responses: vec![],
            created_at: jiff::Timestamp::UNIX_EPOCH,
            row_version: 1,
        }
    }

    /// The changed paragraphs as (old number, new number, who made the changes).
    fn changed(changes: &[ParagraphChange]) -> Vec<(Option<u32>, Option<u32>, Vec<Credit>)> {
        changes.iter().filter(|c| !c.is_unchanged()).map(|c| (c.old, c.new, c.credits())).collect()
    }

    fn tags(segments: &[Segment]) -> Vec<(Tag, &str, Option<Credit>)> {
        segments.iter().map(|s| (s.tag, s.text.as_str(), s.by)).collect()
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
            between in prop::collection::vec(paragraph(), 0..8),
            new in prop::collection::vec(paragraph(), 0..8),
        ) {
            let made = |number, t: &[String]| version(number, &t.iter().map(String::as_str).collect::<Vec<_>>());
            let (first, second, third) = (made(1, &old), made(2, &between), made(3, &new));
            let backwards = |changes: Vec<ParagraphChange>| {
                changes.into_iter().map(|c| ParagraphChange { old: c.new, new: c.old, segments: c.segments.into_iter().map(|s| Segment {
                    tag: match s.tag { Tag::Insert => Tag::Delete, Tag::Delete => Tag::Insert, Tag::Equal => Tag::Equal }, by: Some(Credit::Secretariat).filter(|_| s.tag != Tag::Equal), ..s
                }).collect() }).collect::<Vec<_>>()
            };
            // Read backwards, the same texts, and no credit claimed (each change is marked here as the
            // forward comparison would mark it, so that one check serves all).
            let back = backwards(compare(&third, &[&second], &first, &[], &[]));
            prop_assert!(back.iter().flat_map(|c| &c.segments).all(|s| s.tag == Tag::Equal || s.by.is_some()));
            for changes in [compare(&first, &[], &third, &[], &[]), compare(&first, &[&second], &third, &[], &[]), back] {
                let rebuilt_new: Vec<String> = changes.iter().filter(|c| c.new.is_some()).map(|c| new_side(&c.segments)).collect();
                let rebuilt_old: Vec<String> = changes.iter().filter(|c| c.old.is_some()).map(|c| old_side(&c.segments)).collect();
                prop_assert_eq!(&rebuilt_new, &new);
                prop_assert_eq!(&rebuilt_old, &old);
                // Every change is somebody's (here the secretariat's: no amendment is on record).
                for s in changes.iter().flat_map(|c| &c.segments) {
                    prop_assert_eq!(s.by.is_some(), s.tag != Tag::Equal, "{:?}", s);
                }
            }
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
        assert_eq!(
            tags(&segments),
            [
                (Tag::Delete, "Устав Организации Объединённых Наций", None),
                (Tag::Insert, "Новый текст абзаца три", None),
                (Tag::Equal, ".", None)
            ]
        );
        // A number with its point is one word; a percent sign is one of its own.
        let number = words("рост на 1.5 % и 3%", "рост на 2.5 % и 4%");
        assert_eq!(
            tags(&number),
            [
                (Tag::Equal, "рост на ", None),
                (Tag::Delete, "1.5", None),
                (Tag::Insert, "2.5", None),
                (Tag::Equal, " % и ", None),
                (Tag::Delete, "3", None),
                (Tag::Insert, "4", None),
                (Tag::Equal, "%", None)
            ]
        );
        // A stop or a comma is a word of its own: the word beside it is not changed with it.
        let stop = words("развитие культуры.", "развитие культуры и образования.");
        assert_eq!(
            tags(&stop),
            [(Tag::Equal, "развитие культуры", None), (Tag::Insert, " и образования", None), (Tag::Equal, ".", None)]
        );
        let kept = words("Совет решил одобрить план мероприятий.", "Совет решил утвердить новый план мероприятий.");
        assert_eq!(
            tags(&kept),
            [
                (Tag::Equal, "Совет решил ", None),
                (Tag::Delete, "одобрить", None),
                (Tag::Insert, "утвердить новый", None),
                (Tag::Equal, " план мероприятий.", None),
            ]
        );
    }

    #[test]
    fn a_changed_word_is_shown_as_a_deletion_and_an_insertion_with_its_amendment() {
        let old = version(1, &["Совет министров решил одобрить план.", "Второй."]);
        let mut new = version(2, &["Совет министров решил утвердить план."]);
        let replace = accepted(Operation::Replace, &old, 1, Some((&mut new, 1)));
        let delete = accepted(Operation::Delete, &old, 2, None);
        let changes = compare(&old, &[], &new, &[], &[replace.clone(), delete.clone()]);
        assert_eq!(changes.len(), 2);
        let by = Some(Credit::Amendment(replace.id));
        assert_eq!(
            tags(&changes[0].segments),
            [
                (Tag::Equal, "Совет министров решил ", None),
                (Tag::Delete, "одобрить", by),
                (Tag::Insert, "утвердить", by),
                (Tag::Equal, " план.", None)
            ]
        );
        assert_eq!(changed(&changes)[1], (Some(2), None, vec![Credit::Amendment(delete.id)]));
    }

    #[test]
    fn a_paragraph_deleted_by_one_amendment_is_not_credited_to_what_another_inserted_there() {
        let old = version(1, &["Первый абзац.", "Второй абзац."]);
        let mut new = version(2, &["Преамбула.", "Второй абзац."]);
        let inserted = accepted(Operation::Insert, &old, 0, Some((&mut new, 1)));
        let deleted = accepted(Operation::Delete, &old, 1, None);
        let changes = compare(&old, &[], &new, &[], &[inserted.clone(), deleted.clone()]);
        assert_eq!(
            changed(&changes),
            [
                (Some(1), None, vec![Credit::Amendment(deleted.id)]),
                (None, Some(1), vec![Credit::Amendment(inserted.id)])
            ]
        );
    }

    #[test]
    fn over_several_versions_an_edited_paragraph_is_paired_with_its_edit_not_with_a_paragraph_inserted_beside_it() {
        let old = version(
            2,
            &[
                "Совет министров иностранных дел.",
                "Стороны подтверждают приверженность.",
                "О сотрудничестве пограничных ведомств.",
                "Мы намерены укреплять сотрудничество компетентных органов.",
                "Настоящее решение вступает в силу.",
            ],
        );
        let mut new = version(
            4,
            &[
                "Совет министров иностранных дел.",
                "Стороны подтверждают приверженность.",
                "Новый абзац о решениях Совета.",
                "Мы намерены всемерно укреплять сотрудничество компетентных органов.",
                "Настоящее решение вступает в силу.",
            ],
        );
        let inserted = accepted(Operation::Insert, &old, 3, Some((&mut new, 3)));
        let edited = accepted(Operation::Replace, &old, 4, Some((&mut new, 4)));
        let deleted = accepted(Operation::Delete, &old, 3, None);
        let changes = compare(&old, &[], &new, &[], &[inserted.clone(), edited.clone(), deleted.clone()]);
        assert_eq!(
            changed(&changes),
            [
                (Some(3), None, vec![Credit::Amendment(deleted.id)]),
                (None, Some(3), vec![Credit::Amendment(inserted.id)]),
                (Some(4), Some(4), vec![Credit::Amendment(edited.id)])
            ]
        );
        assert_eq!(tags(&changes[4].segments)[1], (Tag::Insert, "всемерно ", Some(Credit::Amendment(edited.id))));
        // Without the deletion on record, the paragraph that went is still not read as the new one.
        let seen: Vec<(Option<u32>, Option<u32>)> =
            changed(&compare(&old, &[], &new, &[], &[])).into_iter().map(|(o, n, _)| (o, n)).collect();
        assert_eq!(seen, [(Some(3), None), (None, Some(3)), (Some(4), Some(4))]);
    }

    #[test]
    fn a_paragraph_amended_by_two_delegations_in_turn_credits_each_with_its_own_words() {
        let first = version(1, &["Стороны намерены укреплять сотрудничество.", "Конец."]);
        let mut second = version(2, &["Стороны намерены всемерно укреплять сотрудничество.", "Конец."]);
        let kazakhstan = accepted(Operation::Replace, &first, 1, Some((&mut second, 1)));
        let mut third =
            version(3, &["Стороны намерены всемерно укреплять сотрудничество в сфере транспорта.", "Конец."]);
        let russia = accepted(Operation::Replace, &second, 1, Some((&mut third, 1)));
        let amendments = [kazakhstan.clone(), russia.clone()];
        let (kz, ru) = (Some(Credit::Amendment(kazakhstan.id)), Some(Credit::Amendment(russia.id)));
        let changes = compare(&first, &[&second], &third, &[], &amendments);
        assert_eq!(
            tags(&changes[0].segments),
            [
                (Tag::Equal, "Стороны намерены ", None),
                (Tag::Insert, "всемерно ", kz),
                (Tag::Equal, "укреплять сотрудничество", None),
                (Tag::Insert, " в сфере транспорта", ru),
                (Tag::Equal, ".", None),
            ]
        );
        assert_eq!(changes[0].credits(), [kz.unwrap(), ru.unwrap()]);
        // Between the last two versions, only the second amendment changed it.
        assert_eq!(changed(&compare(&second, &[], &third, &[], &amendments)), [(Some(1), Some(1), vec![ru.unwrap()])]);
        // A later edit by the secretariat is the secretariat's, and leaves both amendments theirs.
        let fourth =
            version(4, &["Стороны намерены всемерно укреплять сотрудничество в сфере транспорта и связи.", "Конец."]);
        let changes = compare(&first, &[&second, &third], &fourth, &[], &amendments);
        assert_eq!(changes[0].credits(), [kz.unwrap(), ru.unwrap(), Credit::Secretariat]);
        // Read from the newer version to the older, nobody wrote the older's words.
        assert!(compare(&fourth, &[], &first, &[], &amendments)[0].credits().is_empty());
    }

    #[test]
    fn a_paragraph_edited_and_then_deleted_is_credited_to_its_deletion() {
        let first = version(1, &["Второй абзац о границах.", "Третий абзац о культуре и образовании.", "Конец."]);
        // Version 2 edited the second paragraph; version 3 deleted it as edited.
        let mut edited = version(2, &["Второй абзац о границах.", "Третий абзац о науке и образовании.", "Конец."]);
        let edit = accepted(Operation::Replace, &first, 2, Some((&mut edited, 2)));
        let third = version(3, &["Второй абзац о границах.", "Конец."]);
        let deletion = accepted(Operation::Delete, &edited, 2, None);
        let changes = compare(&first, &[&edited], &third, &[], &[edit.clone(), deletion.clone()]);
        let (edit, deletion) = (Some(Credit::Amendment(edit.id)), Some(Credit::Amendment(deletion.id)));
        assert_eq!(
            tags(&changes[1].segments),
            [
                (Tag::Delete, "Третий абзац о ", deletion),
                (Tag::Delete, "культуре ", edit),
                (Tag::Delete, "и образовании.", deletion),
            ],
            "the word the edit replaced went with the edit, the rest with the deletion, spaces with the words"
        );
        // Deleted by the secretariat's own edit, it is the secretariat's.
        let changes = compare(&first, &[&edited], &third, &[], &[]);
        assert_eq!(changed(&changes), [(Some(2), None, vec![Credit::Secretariat])]);
    }

    #[test]
    fn a_paragraph_deleted_and_one_inserted_in_its_place_are_told_apart_in_either_order() {
        let first = version(1, &["Совет министров иностранных дел.", "Второй."]);
        let mut second = version(2, &["Совет министров иностранных дел принимает решение.", "Второй."]);
        let inserted = accepted(Operation::Insert, &first, 0, Some((&mut second, 1)));
        let deleted = accepted(Operation::Delete, &first, 1, None);
        let amendments = [inserted, deleted];
        let numbers = |changes: Vec<ParagraphChange>| -> Vec<(Option<u32>, Option<u32>)> {
            changed(&changes).into_iter().map(|(o, n, _)| (o, n)).collect()
        };
        assert_eq!(numbers(compare(&first, &[], &second, &[], &amendments)), [(Some(1), None), (None, Some(1))]);
        assert_eq!(
            numbers(compare(&second, &[], &first, &[], &amendments)),
            [(Some(1), None), (None, Some(1))],
            "read back, the inserted paragraph is not the deleted one reworded either"
        );
    }

    #[test]
    fn a_translation_credits_the_amendment_its_original_took() {
        let original = version(1, &["Развитие культуры.", "Конец."]);
        let mut amended = version(2, &["Развитие культуры и спорта.", "Конец."]);
        let kazakhstan = accepted(Operation::Replace, &original, 1, Some((&mut amended, 1)));
        let (first, second) =
            (english_version(1, &["Culture.", "End."]), english_version(2, &["Culture and sport.", "End."]));
        let originals = [&original, &amended];
        let changes = compare(&first, &[], &second, &originals, std::slice::from_ref(&kazakhstan));
        assert_eq!(changed(&changes), [(Some(1), Some(1), vec![Credit::Amendment(kazakhstan.id)])]);
    }

    #[test]
    fn a_paragraph_an_amendment_rewrote_is_read_as_changed_however_little_is_left() {
        let first = version(
            1,
            &["Преамбула.", "Стороны договорились о торговле зерном.", "Третий абзац о культуре.", "Конец."],
        );
        let mut second = version(
            2,
            &[
                "Преамбула.",
                "Министры отметили рост взаимных инвестиций.",
                "Третий абзац о культуре и науке.",
                "Конец.",
            ],
        );
        let rewritten = accepted(Operation::Replace, &first, 2, Some((&mut second, 2)));
        let edited = accepted(Operation::Replace, &first, 3, Some((&mut second, 3)));
        let mut third = version(
            3,
            &[
                "Преамбула.",
                "Министры приветствовали рост инвестиций в энергетику.",
                "Третий абзац о культуре и науке.",
                "Конец.",
            ],
        );
        let again = accepted(Operation::Replace, &second, 2, Some((&mut third, 2)));
        let amendments = [rewritten.clone(), edited.clone(), again.clone()];
        let changes = compare(&first, &[], &second, &[], &amendments);
        assert_eq!(
            changed(&changes),
            [
                (Some(2), Some(2), vec![Credit::Amendment(rewritten.id)]),
                (Some(3), Some(3), vec![Credit::Amendment(edited.id)])
            ],
            "not removed by the secretariat and added by the amendment"
        );
        // Rewritten twice, its ends share few words; the versions between still tie them.
        let changes = compare(&first, &[&second], &third, &[], &amendments);
        let (old, new, credits) = changed(&changes)[0].clone();
        assert_eq!((old, new), (Some(2), Some(2)));
        assert!(
            credits.iter().all(|c| [Credit::Amendment(rewritten.id), Credit::Amendment(again.id)].contains(c)),
            "{credits:?}"
        );
    }

    #[test]
    fn a_translation_that_skips_a_version_still_credits_its_deletions() {
        let first = version(1, &["Развитие культуры.", "Развитие спорта.", "Конец."]);
        let mut second = version(2, &["Развитие культуры и науки.", "Развитие спорта.", "Конец."]);
        let edit = accepted(Operation::Replace, &first, 1, Some((&mut second, 1)));
        // Consolidation keeps who wrote a paragraph it leaves as it was.
        let mut third = version(3, &["Развитие культуры и науки.", "Конец."]);
        third.paragraphs[0].amendment = Some(edit.id);
        let deletion = accepted(Operation::Delete, &second, 2, None);
        let (from, to) = (
            english_version(1, &["Culture.", "Sport.", "End."]),
            english_version(3, &["Culture and science.", "End."]),
        );
        let amendments = [edit.clone(), deletion.clone()];
        let changes = compare(&from, &[], &to, &[&first, &second, &third], &amendments);
        assert_eq!(
            changed(&changes),
            [
                (Some(1), Some(1), vec![Credit::Amendment(edit.id)]),
                (Some(2), None, vec![Credit::Amendment(deletion.id)])
            ]
        );
    }

    #[test]
    fn a_paragraph_replaced_by_the_words_of_its_deleted_neighbour_is_not_read_as_the_neighbour_kept() {
        let first = version(1, &["Первый пункт о торговле.", "Второй пункт о миграции.", "Третий."]);
        let mut second = version(2, &["Первый пункт о торговле.", "Третий."]);
        let belarus = accepted(Operation::Delete, &first, 1, None);
        let kazakhstan = accepted(Operation::Replace, &first, 2, Some((&mut second, 1)));
        let changes = compare(&first, &[], &second, &[], &[belarus.clone(), kazakhstan.clone()]);
        assert_eq!(
            changed(&changes),
            [
                (Some(1), None, vec![Credit::Amendment(belarus.id)]),
                (Some(2), Some(1), vec![Credit::Amendment(kazakhstan.id)])
            ]
        );
    }

    #[test]
    fn a_translation_across_two_amendments_names_both() {
        let first = version(1, &["Совет отмечает значение культуры."]);
        let mut second = version(2, &["Совет особо подчёркивает значение гуманитарного взаимодействия."]);
        let armenia = accepted(Operation::Replace, &first, 1, Some((&mut second, 1)));
        let mut third = version(3, &["Совет особо подчёркивает значение гуманитарного взаимодействия и туризма."]);
        let kazakhstan = accepted(Operation::Replace, &second, 1, Some((&mut third, 1)));
        let from = english_version(1, &["The Council notes the importance of culture."]);
        let to = english_version(
            3,
            &["The Council particularly emphasizes the importance of humanitarian interaction and tourism."],
        );
        let changes = compare(&from, &[], &to, &[&first, &second, &third], &[armenia.clone(), kazakhstan.clone()]);
        assert_eq!(changes[0].credits(), [Credit::Amendment(armenia.id), Credit::Amendment(kazakhstan.id)]);
    }

    #[test]
    fn a_translation_credits_a_deletion_to_the_amendment_that_deleted() {
        let first = version(1, &["Совет отмечает значение культуры и спорта."]);
        let mut second = version(2, &["Совет отмечает значение культуры."]);
        let cut = accepted(Operation::Replace, &first, 1, Some((&mut second, 1)));
        let mut third = version(3, &["Совет особо отмечает значение культуры."]);
        let stressed = accepted(Operation::Replace, &second, 1, Some((&mut third, 1)));
        let from = english_version(1, &["The Council notes the importance of culture and sport."]);
        let to = english_version(3, &["The Council particularly notes the importance of culture."]);
        let changes = compare(&from, &[], &to, &[&first, &second, &third], &[cut.clone(), stressed.clone()]);
        let deleted: Vec<Option<Credit>> =
            changes[0].segments.iter().filter(|s| s.tag == Tag::Delete).map(|s| s.by).collect();
        assert_eq!(deleted, [Some(Credit::Amendment(cut.id))], "{:?}", changes[0].segments);
        assert_eq!(changes[0].credits(), [Credit::Amendment(stressed.id), Credit::Amendment(cut.id)]);
    }

    #[test]
    fn a_paragraph_removed_and_put_back_as_it_was_is_unchanged() {
        let first = version(1, &["Первый.", "Второй.", "Третий."]);
        let second = version(2, &["Первый.", "Третий."]);
        let third = version(3, &["Первый.", "Второй.", "Третий."]);
        assert!(compare(&first, &[&second], &third, &[], &[]).iter().all(ParagraphChange::is_unchanged));
    }

    #[test]
    fn paragraphs_that_share_only_short_and_common_words_are_not_one_edited() {
        let old = version(1, &["Второй абзац о границах.", "Третий абзац о культуре и образовании.", "Конец."]);
        let new = version(
            3,
            &[
                "Второй абзац о границах.",
                "Абзац России о транспорте.",
                "Вставленный абзац Казахстана о цифровизации и искусственном интеллекте.",
                "Конец.",
            ],
        );
        let numbers = |changes: Vec<ParagraphChange>| -> Vec<(Option<u32>, Option<u32>)> {
            changed(&changes).into_iter().map(|(o, n, _)| (o, n)).collect()
        };
        assert_eq!(numbers(compare(&old, &[], &new, &[], &[])), [(Some(2), None), (None, Some(2)), (None, Some(3))]);
        // Read the other way round, the same: nothing reworded into what it is not.
        assert_eq!(numbers(compare(&new, &[], &old, &[], &[])), [(Some(2), None), (Some(3), None), (None, Some(2))]);
    }
}
