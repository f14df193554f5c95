//! The family photo: who stands where (protocol.md, "Family photo"). The host or the chair stands in
//! the middle of the front row; the first in precedence at the centre's side of honour, the second
//! at the other side, and so on alternating outwards; higher ranks in front, further rows behind.
//! A variant puts the host between the previous and the next host.

use serde::{Deserialize, Serialize};

/// Who stands in the middle of the front row.
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Centre {
    #[default]
    Host,
    Chair,
}

impl Centre {
    /// Who should stand in the middle, in order of preference.
    pub fn preference<T>(self, host: Option<T>, chair: Option<T>) -> [Option<T>; 2] {
        match self {
            Centre::Host => [host, chair],
            Centre::Chair => [chair, host],
        }
    }
}

/// A side, as the person in the middle sees it (their right is the camera's left).
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    #[default]
    Right,
    Left,
}

/// Who stands right beside the centre of the front row, whatever their rank.
#[derive(schemars::JsonSchema, Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Beside {
    /// Nobody in particular: the first in precedence at the side of honour.
    #[default]
    Precedence,
    /// The host of the body's previous meeting at the side of honour, the host of its next meeting
    /// at the other side, so that the camera reads them in the order they hosted.
    PreviousAndNextHost,
}

impl Beside {
    fn is_default(&self) -> bool {
        *self == Beside::Precedence
    }

    /// Who stands beside the centre at `meeting`, the side of honour first. `history` is the
    /// body's meetings with their hosts, oldest first; a neighbour who is the centre stands nowhere
    /// special, nor does the next host a second time when it was also the previous one.
    pub fn who<M: PartialEq, T: Copy + PartialEq>(self, history: &[(M, T)], meeting: &M, centre: T) -> [Option<T>; 2] {
        let Beside::PreviousAndNextHost = self else { return [None, None] };
        let Some(at) = history.iter().position(|(m, _)| m == meeting) else { return [None, None] };
        let previous = at.checked_sub(1).map(|i| history[i].1).filter(|h| *h != centre);
        let next = history.get(at + 1).map(|(_, h)| *h).filter(|h| *h != centre && Some(*h) != previous);
        [previous, next]
    }
}

/// A body's rules for its family photo.
#[derive(schemars::JsonSchema, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhotoPolicy {
    #[serde(default)]
    pub centre: Centre,
    #[serde(default)]
    pub honour_side: Side,
    /// How many stand in a row, the centre included.
    #[serde(default = "default_row_length")]
    pub row_length: usize,
    /// Left out of the stored JSON when it is the default, so that a body saved by this version
    /// is still read by one that does not know the variant.
    #[serde(default, skip_serializing_if = "Beside::is_default")]
    pub beside: Beside,
}

fn default_row_length() -> usize {
    12
}

impl Default for PhotoPolicy {
    fn default() -> Self {
        PhotoPolicy {
            centre: Centre::default(),
            honour_side: Side::default(),
            row_length: default_row_length(),
            beside: Beside::default(),
        }
    }
}

/// The rows of the photo, front row first, each as the camera sees it from left to right.
/// `others` come in the order of delegations with their precedence (a rank, or a rank and the date
/// of taking office: [`crate::delegations::Member::seniority`]); the senior stand further forward
/// and nearer the centre, and among equals the order of delegations decides. `beside` stand next to
/// the centre whatever their precedence, the first at the side of honour ([`Beside::who`]).
pub fn line_up<T: PartialEq, P: Ord>(
    policy: &PhotoPolicy,
    centre: T,
    beside: [Option<T>; 2],
    others: Vec<(T, P)>,
) -> Vec<Vec<T>> {
    let mut others: Vec<(T, P)> =
        others.into_iter().filter(|(who, _)| !beside.iter().flatten().any(|b| b == who)).collect();
    others.sort_by(|(_, a), (_, b)| a.cmp(b));
    let row_length = policy.row_length.max(1);
    let [honoured, other] = beside.map(|who| who.into_iter().collect::<Vec<T>>());
    let mut queue = others.into_iter().map(|(who, _)| who);
    let mut rows = Vec::new();
    let places = (row_length - 1).saturating_sub(honoured.len() + other.len());
    let front: Vec<T> = queue.by_ref().take(places).collect();
    rows.push(arrange(centre, (honoured, other), front, policy.honour_side));
    loop {
        let Some(middle) = queue.next() else { break };
        let rest: Vec<T> = queue.by_ref().take(row_length - 1).collect();
        rows.push(arrange(middle, (Vec::new(), Vec::new()), rest, policy.honour_side));
    }
    rows
}

/// One row around its middle: after those already placed at the side of honour and the other
/// side, each of `rest` in turn at the side with fewer people, the side of honour when even.
fn arrange<T>(middle: T, placed: (Vec<T>, Vec<T>), rest: Vec<T>, honour: Side) -> Vec<T> {
    let (mut honoured, mut other) = placed;
    for who in rest {
        if honoured.len() <= other.len() { honoured.push(who) } else { other.push(who) }
    }
    // The middle person's right is the camera's left.
    let (mut left, right) = match honour {
        Side::Right => (honoured, other),
        Side::Left => (other, honoured),
    };
    left.reverse();
    left.push(middle);
    left.extend(right);
    left
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delegations::{DelegationRole, Rank};

    const NOBODY: [Option<&str>; 2] = [None, None];

    fn ministers(names: &[&'static str]) -> Vec<(&'static str, Rank)> {
        names.iter().map(|n| (*n, Rank::Minister)).collect()
    }

    #[test]
    fn the_first_stands_at_the_centres_right_then_alternating_outwards() {
        // Odd: the centre and four others.
        let rows = line_up(&PhotoPolicy::default(), "KZ", NOBODY, ministers(&["AZ", "AM", "BY", "KG"]));
        assert_eq!(rows, [["BY", "AZ", "KZ", "AM", "KG"]]);
        // Even: the centre and five others; the side of honour has one more.
        let rows = line_up(&PhotoPolicy::default(), "KZ", NOBODY, ministers(&["AZ", "AM", "BY", "KG", "RU"]));
        assert_eq!(rows, [vec!["RU", "BY", "AZ", "KZ", "AM", "KG"]]);
    }

    #[test]
    fn the_side_of_honour_is_a_parameter() {
        let policy = PhotoPolicy { honour_side: Side::Left, ..PhotoPolicy::default() };
        let rows = line_up(&policy, "KZ", NOBODY, ministers(&["AZ", "AM", "BY", "KG"]));
        assert_eq!(rows, [["KG", "AM", "KZ", "AZ", "BY"]]);
    }

    #[test]
    fn higher_ranks_stand_in_front_and_rows_fill_behind() {
        let policy = PhotoPolicy { row_length: 3, ..PhotoPolicy::default() };
        let others = vec![
            ("AZ", Rank::DeputyMinister),
            ("AM", Rank::Minister),
            ("BY", Rank::Minister),
            ("KG", Rank::Ambassador),
            ("RU", Rank::Minister),
        ];
        let rows = line_up(&policy, "KZ", NOBODY, others);
        assert_eq!(
            rows,
            [vec!["AM", "KZ", "BY"], vec!["AZ", "RU", "KG"]],
            "ministers first, by the order of delegations"
        );
    }

    #[test]
    fn among_equal_ranks_the_earlier_in_office_stands_nearer_the_centre() {
        let minister = |from: Option<(i16, i8, i8)>| {
            let mut m = crate::delegations::tests::member(DelegationRole::Head, Rank::Minister, "Х");
            m.tenure.from = from.map(|(y, mo, d)| jiff::civil::date(y, mo, d));
            m.seniority()
        };
        let others = vec![
            ("AZ", minister(None)),
            ("AM", minister(Some((2021, 8, 19)))),
            ("BY", minister(Some((2024, 7, 12)))),
            ("KG", minister(Some((2018, 5, 17)))),
        ];
        let rows = line_up(&PhotoPolicy::default(), "KZ", NOBODY, others);
        assert_eq!(rows, [["BY", "KG", "KZ", "AM", "AZ"]], "KG first, AM second, BY third, the unknown last");
    }

    #[test]
    fn a_photo_of_one_is_the_centre_alone() {
        assert_eq!(line_up(&PhotoPolicy::default(), "KZ", NOBODY, Vec::<(&str, Rank)>::new()), [["KZ"]]);
    }

    #[test]
    fn the_variant_puts_the_host_between_the_previous_and_the_next_host() {
        let history = [("minsk", "BY"), ("moscow", "RU"), ("almaty", "KZ"), ("dushanbe", "TJ")];
        let beside = Beside::PreviousAndNextHost.who(&history, &"almaty", "KZ");
        assert_eq!(beside, [Some("RU"), Some("TJ")]);
        assert_eq!(Beside::Precedence.who(&history, &"almaty", "KZ"), NOBODY);
        // Russia outranks nobody here, yet stands at the side of honour, and Tajikistan opposite.
        let others = ministers(&["AZ", "AM", "BY", "RU", "TJ"]);
        let rows = line_up(&PhotoPolicy::default(), "KZ", beside, others.clone());
        assert_eq!(rows, [["BY", "AZ", "RU", "KZ", "TJ", "AM"]]);
        let left = PhotoPolicy { honour_side: Side::Left, ..PhotoPolicy::default() };
        assert_eq!(line_up(&left, "KZ", beside, others.clone()), [["AM", "TJ", "KZ", "RU", "AZ", "BY"]]);
        // Room in the front row for the neighbours and two more.
        let short = PhotoPolicy { row_length: 5, ..PhotoPolicy::default() };
        assert_eq!(line_up(&short, "KZ", beside, others), [vec!["AZ", "RU", "KZ", "TJ", "AM"], vec!["BY"]]);
    }

    #[test]
    fn a_neighbour_missing_or_hosting_again_stands_by_precedence() {
        // The first meeting has no previous host; the first in precedence takes the side of honour.
        let history = [("almaty", "KZ"), ("dushanbe", "TJ")];
        let beside = Beside::PreviousAndNextHost.who(&history, &"almaty", "KZ");
        assert_eq!(beside, [None, Some("TJ")]);
        let rows = line_up(&PhotoPolicy::default(), "KZ", beside, ministers(&["AZ", "AM", "TJ"]));
        assert_eq!(rows, [["AM", "AZ", "KZ", "TJ"]]);
        // The same host before and after stands once; a host of two meetings in a row is no neighbour.
        let history = [("a", "RU"), ("b", "KZ"), ("c", "RU")];
        assert_eq!(Beside::PreviousAndNextHost.who(&history, &"b", "KZ"), [Some("RU"), None]);
        let history = [("a", "KZ"), ("b", "KZ")];
        assert_eq!(Beside::PreviousAndNextHost.who(&history, &"b", "KZ"), NOBODY);
    }
}
