//! Who speaks when and who sits where at a meeting (protocol.md, "Seating" and "Speakers"). The
//! order of delegations comes from [`crate::precedence`]; these rules place it around a table or in a
//! list of speakers. Geometry is for `render`: here a place is a number.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::Id;
use crate::delegations::{DelegationRole, Member, order_members};

/// Why a participant takes the floor when it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Turn {
    /// The chair opens the sitting.
    Opens,
    /// The host welcomes the participants.
    Welcomes,
    /// In the agreed list.
    Speaks,
}

/// A body's rules for the order of speakers.
#[derive(schemars::JsonSchema, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpeakersPolicy {
    /// The host takes the floor after the chair to welcome the participants.
    #[serde(default = "yes")]
    pub host_welcomes: bool,
    /// The chair and the host speak again in their place in the list.
    #[serde(default)]
    pub openers_speak_again: bool,
}

fn yes() -> bool {
    true
}

impl Default for SpeakersPolicy {
    fn default() -> Self {
        SpeakersPolicy { host_welcomes: true, openers_speak_again: false }
    }
}

/// The order of speakers: the chair opens, the host welcomes (if the policy says so and the host is
/// not the chair), then the participants in `order`, the order of delegations.
pub fn speakers<T: PartialEq + Clone>(
    policy: &SpeakersPolicy,
    chair: Option<&T>,
    host: Option<&T>,
    order: &[T],
) -> Vec<(T, Turn)> {
    let mut out: Vec<(T, Turn)> = Vec::new();
    if let Some(chair) = chair {
        out.push((chair.clone(), Turn::Opens));
    }
    if let Some(host) = host.filter(|h| policy.host_welcomes && Some(*h) != chair) {
        out.push((host.clone(), Turn::Welcomes));
    }
    let opened: Vec<T> = out.iter().map(|(who, _)| who.clone()).collect();
    out.extend(
        order
            .iter()
            .filter(|who| policy.openers_speak_again || !opened.contains(who))
            .map(|who| (who.clone(), Turn::Speaks)),
    );
    out
}

/// The shape of a multilateral table.
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Table {
    #[default]
    Round,
    /// The chair at the base of the U, delegations down both arms.
    UShape,
}

impl Table {
    pub fn parse(s: &str) -> Option<Table> {
        match s {
            "round" => Some(Table::Round),
            "u_shape" => Some(Table::UShape),
            _ => None,
        }
    }
}

/// How delegations follow the chair round the table.
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The first at the chair's right, the second at its left, and so on.
    #[default]
    Alternating,
    /// One after another, clockwise seen from above, starting at the chair's left.
    Clockwise,
}

/// A body's rules for seating a multilateral meeting.
#[derive(schemars::JsonSchema, Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeatingPolicy {
    #[serde(default)]
    pub table: Table,
    #[serde(default)]
    pub direction: Direction,
}

/// The places of a multilateral table, numbered clockwise seen from above: place 0 is the chair's,
/// place 1 at the chair's left, the last place at the chair's right. `order` is the order of
/// delegations, without the chair's.
pub fn places<T: Clone>(direction: Direction, chair: T, order: &[T]) -> Vec<T> {
    let n = order.len() + 1;
    let mut seats: Vec<Option<T>> = vec![None; n];
    seats[0] = Some(chair);
    for (i, who) in order.iter().enumerate() {
        let place = match direction {
            Direction::Clockwise => i + 1,
            // 0 → the chair's right (n - 1), 1 → its left (1), 2 → n - 2, 3 → 2 …
            Direction::Alternating if i % 2 == 0 => n - 1 - i / 2,
            Direction::Alternating => 1 + i / 2,
        };
        seats[place] = Some(who.clone());
    }
    seats.into_iter().map(|s| s.expect("every place is taken once")).collect()
}

/// One side of a bilateral table, as the other side sees it from left to right: the head in the
/// middle, the interpreter at the head's left, the others alternating outwards from the head's
/// right by their order in the delegation.
pub fn side_of_table<T>(head: T, interpreter: Option<T>, others: Vec<T>) -> Vec<T> {
    // Seen from across the table, the head's right is the viewer's left.
    let (mut left, mut right): (Vec<T>, Vec<T>) = (Vec::new(), Vec::new());
    if let Some(interpreter) = interpreter {
        right.push(interpreter);
    }
    let mut to_right_hand = true;
    for who in others {
        if to_right_hand {
            left.push(who)
        } else {
            right.push(who)
        }
        to_right_hand = !to_right_hand;
    }
    left.reverse();
    left.push(head);
    left.extend(right);
    left
}

/// Who sits at a meeting for each participant (`heads`: participant and member): its head there
/// ([`Member::head_at`]), unmarked heads sitting by right where `member_of_body` says so.
pub fn heads_at<'a>(
    meeting: &str,
    heads: impl IntoIterator<Item = (Id, &'a Member)>,
    member_of_body: impl Fn(Id) -> bool,
) -> HashMap<Id, &'a Member> {
    let mut by_participant: HashMap<Id, Vec<&Member>> = HashMap::new();
    for (participant, m) in heads {
        by_participant.entry(participant).or_default().push(m);
    }
    by_participant
        .into_iter()
        .filter_map(|(p, own)| Member::head_at(own, Some(meeting), member_of_body(p)).map(|head| (p, head)))
        .collect()
}

/// Who takes the head of a table or the middle of a photo: the first of `preferred` present in
/// `order`, else the first in order.
pub fn first_present<T: PartialEq + Copy>(preferred: &[Option<T>], order: &[T]) -> Option<T> {
    preferred.iter().flatten().find(|p| order.contains(p)).copied().or_else(|| order.first().copied())
}

/// One side of a bilateral table from a delegation's attending members: the first in the
/// delegation's order (its head) in the middle, an interpreter beside, the rest alternating.
pub fn bilateral_side<'a>(members: &[&'a Member], lang: &str) -> Vec<&'a Member> {
    let ordered = order_members(members, lang);
    let Some((head, rest)) = ordered.split_first() else { return Vec::new() };
    let interpreter = rest.iter().find(|m| m.role == DelegationRole::Interpreter).copied();
    let others = rest.iter().filter(|m| Some(m.id) != interpreter.map(|i| i.id)).copied().collect();
    side_of_table(*head, interpreter, others)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CIS_ORDER: [&str; 10] = ["AZ", "AM", "BY", "KZ", "KG", "RU", "TJ", "TM", "UZ", "CIS"];

    #[test]
    fn the_chair_opens_the_host_welcomes_then_the_order_of_delegations() {
        let order = speakers(&SpeakersPolicy::default(), Some(&"TJ"), Some(&"KZ"), &CIS_ORDER);
        let who: Vec<&str> = order.iter().map(|(p, _)| *p).collect();
        assert_eq!(who, ["TJ", "KZ", "AZ", "AM", "BY", "KG", "RU", "TM", "UZ", "CIS"]);
        assert_eq!(order[0].1, Turn::Opens);
        assert_eq!(order[1].1, Turn::Welcomes);
        assert!(order[2..].iter().all(|(_, t)| *t == Turn::Speaks));
    }

    #[test]
    fn a_chairing_host_opens_once_and_openers_may_speak_again() {
        let order = speakers(&SpeakersPolicy::default(), Some(&"KZ"), Some(&"KZ"), &CIS_ORDER);
        assert_eq!(order.len(), 10, "the host chairs: it opens and is not listed again");
        let again = SpeakersPolicy { openers_speak_again: true, host_welcomes: false };
        let order = speakers(&again, Some(&"TJ"), Some(&"KZ"), &CIS_ORDER);
        assert_eq!(order.len(), 11, "the chair opens, then everyone in order, the chair too");
        assert_eq!(order.iter().filter(|(_, t)| *t == Turn::Welcomes).count(), 0);
    }

    #[test]
    fn a_un_list_starts_at_the_drawn_state() {
        // The order of delegations already starts at the state drawn by lot (precedence); the
        // speakers follow it after the openers.
        let drawn = ["YE", "ZM", "ZW", "AF", "AL"];
        let order = speakers(&SpeakersPolicy::default(), Some(&"AL"), None, &drawn);
        let who: Vec<&str> = order.iter().map(|(p, _)| *p).collect();
        assert_eq!(who, ["AL", "YE", "ZM", "ZW", "AF"]);
    }

    #[test]
    fn delegations_alternate_from_the_chairs_right() {
        let seats = places(Direction::Alternating, "TJ", &["AZ", "AM", "BY", "KZ", "KG"]);
        // Place 0 the chair, then clockwise: its left (AM, KZ), the far end (KG), its right (BY, AZ).
        assert_eq!(seats, ["TJ", "AM", "KZ", "KG", "BY", "AZ"]);
        let seats = places(Direction::Clockwise, "TJ", &["AZ", "AM", "BY"]);
        assert_eq!(seats, ["TJ", "AZ", "AM", "BY"]);
    }

    #[test]
    fn heads_sit_where_marked_or_where_their_participant_is_a_member() {
        use crate::delegations::{Rank, tests::member};
        let (kz, cis) = (crate::new_id(), crate::new_id());
        let nurtleu = member(DelegationRole::Head, Rank::DeputyPrimeMinister, "Нуртлеу");
        let deputy = member(DelegationRole::Head, Rank::DeputyMinister, "Заместитель");
        let adviser = member(DelegationRole::Adviser, Rank::Other, "Советник");
        let mut lebedev = member(DelegationRole::Head, Rank::SeniorOfficial, "Лебедев");
        lebedev.meetings = vec!["cis-cfm".into()];
        let all = [(kz, &deputy), (kz, &nurtleu), (kz, &adviser), (cis, &lebedev)];
        let seated = heads_at("cis-cfm", all, |p| p == kz);
        assert_eq!(seated[&kz].id, nurtleu.id, "the higher-ranking head");
        assert_eq!(seated[&cis].id, lebedev.id, "marked for the meeting, though not a member");
        let other = heads_at("central-asia-russia", all, |p| p == kz);
        assert!(!other.contains_key(&cis), "marked for another meeting");
        assert_eq!(first_present(&[Some("TJ"), Some("KZ")], &["KZ", "RU"]), Some("KZ"), "the chair is absent");
        assert_eq!(first_present(&[None, Some("XX")], &["AZ", "AM"]), Some("AZ"));
    }

    #[test]
    fn a_bilateral_side_has_its_head_in_the_middle_and_the_interpreter_beside() {
        let side = side_of_table("Lavrov", Some("interpreter"), vec!["deputy", "ambassador", "adviser"]);
        assert_eq!(side, ["adviser", "deputy", "Lavrov", "interpreter", "ambassador"]);
        assert_eq!(side_of_table("Nurtleu", None, vec![]), ["Nurtleu"]);
    }
}
