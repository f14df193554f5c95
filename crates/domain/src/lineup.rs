//! The family photo: who stands where (protocol.md, "Family photo"). The host or the chair stands in
//! the middle of the front row; the first in precedence at the centre's side of honour, the second
//! at the other side, and so on alternating outwards; higher ranks in front, further rows behind.

use serde::{Deserialize, Serialize};

/// Who stands in the middle of the front row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    #[default]
    Right,
    Left,
}

/// A body's rules for its family photo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhotoPolicy {
    #[serde(default)]
    pub centre: Centre,
    #[serde(default)]
    pub honour_side: Side,
    /// How many stand in a row, the centre included.
    #[serde(default = "default_row_length")]
    pub row_length: usize,
}

fn default_row_length() -> usize {
    12
}

impl Default for PhotoPolicy {
    fn default() -> Self {
        PhotoPolicy { centre: Centre::default(), honour_side: Side::default(), row_length: default_row_length() }
    }
}

/// The rows of the photo, front row first, each as the camera sees it from left to right.
/// `others` come in the order of delegations with their precedence (a rank, or a rank and the date
/// of taking office: [`crate::delegations::Member::seniority`]); the senior stand further forward
/// and nearer the centre, and among equals the order of delegations decides.
pub fn line_up<T, P: Ord>(policy: &PhotoPolicy, centre: T, others: Vec<(T, P)>) -> Vec<Vec<T>> {
    let mut others = others;
    others.sort_by(|(_, a), (_, b)| a.cmp(b));
    let row_length = policy.row_length.max(1);
    let mut queue = others.into_iter().map(|(who, _)| who);
    let mut rows = Vec::new();
    let front: Vec<T> = queue.by_ref().take(row_length - 1).collect();
    rows.push(arrange(centre, front, policy.honour_side));
    loop {
        let Some(middle) = queue.next() else { break };
        let rest: Vec<T> = queue.by_ref().take(row_length - 1).collect();
        rows.push(arrange(middle, rest, policy.honour_side));
    }
    rows
}

/// One row around its middle: the first of `rest` at the side of honour, the second opposite, and
/// so on outwards.
fn arrange<T>(middle: T, rest: Vec<T>, honour: Side) -> Vec<T> {
    let (mut honoured, mut other) = (Vec::new(), Vec::new());
    for (i, who) in rest.into_iter().enumerate() {
        if i % 2 == 0 { honoured.push(who) } else { other.push(who) }
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

    fn ministers(names: &[&'static str]) -> Vec<(&'static str, Rank)> {
        names.iter().map(|n| (*n, Rank::Minister)).collect()
    }

    #[test]
    fn the_first_stands_at_the_centres_right_then_alternating_outwards() {
        // Odd: the centre and four others.
        let rows = line_up(&PhotoPolicy::default(), "KZ", ministers(&["AZ", "AM", "BY", "KG"]));
        assert_eq!(rows, [["BY", "AZ", "KZ", "AM", "KG"]]);
        // Even: the centre and five others; the side of honour has one more.
        let rows = line_up(&PhotoPolicy::default(), "KZ", ministers(&["AZ", "AM", "BY", "KG", "RU"]));
        assert_eq!(rows, [vec!["RU", "BY", "AZ", "KZ", "AM", "KG"]]);
    }

    #[test]
    fn the_side_of_honour_is_a_parameter() {
        let policy = PhotoPolicy { honour_side: Side::Left, ..PhotoPolicy::default() };
        let rows = line_up(&policy, "KZ", ministers(&["AZ", "AM", "BY", "KG"]));
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
        let rows = line_up(&policy, "KZ", others);
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
        let rows = line_up(&PhotoPolicy::default(), "KZ", others);
        assert_eq!(rows, [["BY", "KG", "KZ", "AM", "AZ"]], "KG first, AM second, BY third, the unknown last");
    }

    #[test]
    fn a_photo_of_one_is_the_centre_alone() {
        assert_eq!(line_up(&PhotoPolicy::default(), "KZ", Vec::<(&str, Rank)>::new()), [["KZ"]]);
    }
}
