//! The clash check of a single edit at UN General Assembly scale: 193 delegations of 16 members,
//! 1,500 programme items over five days (ten plenaries of all heads, bilaterals of two heads in
//! twenty rooms), as `concord generate` makes them. Prints the median and the slowest of 200 checks.
//!
//! Run: `cargo bench -p domain --bench clash`

use std::collections::HashMap;
use std::time::Instant;

use domain::delegations::{Accreditation, DelegationRole, Member, Names, PersonName, Private, Rank, Tenure};
use domain::programme::{
    Attendees, Item, ItemFields, ItemKind, PressAccess, Roster, Travel, Visibility, clashes, stay_of,
};
use domain::{Text, new_id};
use jiff::{SignedDuration, Timestamp};

fn main() {
    let codes: Vec<String> = domain::participants::iso_3166_alpha2().take(193).map(str::to_string).collect();
    let mut members = Vec::new();
    for code in &codes {
        let delegation = new_id();
        for i in 0..16 {
            let member = Member {
                id: new_id(),
                delegation_id: delegation,
                names: Names {
                    latin: PersonName { family: "Family".into(), given: "Given".into(), ..PersonName::default() },
                    ..Names::default()
                },
                position: Text::new(&[("en", "Delegate")]),
                tenure: Tenure::default(),
                rank: if i == 0 { Rank::Minister } else { Rank::Other },
                role: if i == 0 { DelegationRole::Head } else { DelegationRole::Delegate },
                formats: vec![],
                meetings: vec![],
                private: Private::default(),
                cases: Default::default(),
                photo: None,
                accreditation: Accreditation::Approved { badge_number: 1 },
                version: 1,
            };
            members.push((code.clone(), member));
        }
    }
    let heads: Vec<_> = members.iter().filter(|(_, m)| m.role == DelegationRole::Head).map(|(_, m)| m.id).collect();
    let event = new_id();
    let first_day: Timestamp = "2026-09-22T12:00:00Z".parse().unwrap();
    let item = |k: usize| {
        let day = first_day + SignedDuration::from_hours(24 * (k % 5) as i64);
        let (starts, minutes, attendees, room) = if k < 10 {
            (
                day + SignedDuration::from_hours(if k < 5 { 1 } else { 7 }),
                180,
                Attendees { heads: true, ..Attendees::default() },
                None,
            )
        } else {
            let (a, b) = ((k * 7) % heads.len(), (k * 7 + 1 + (k * 13) % (heads.len() - 1)) % heads.len());
            let starts = day + SignedDuration::from_mins(((k / 5) % 24 * 30) as i64);
            (
                starts,
                30,
                Attendees { persons: vec![heads[a], heads[b]], ..Attendees::default() },
                Some(format!("r{}", 1 + (k / 120) % 20)),
            )
        };
        Item::new(
            new_id(),
            event,
            ItemFields {
                kind: ItemKind::Bilateral,
                title: Text::new(&[("en", "Bilateral")]),
                starts,
                ends: starts + SignedDuration::from_mins(minutes),
                venue: Some("hq".into()),
                room,
                meeting: None,
                attendees,
                press: PressAccess::Closed,
                visibility: Visibility::Public,
            },
        )
    };
    let items: Vec<Item> = (0..1500).map(item).collect();
    let travel = vec![Travel { from: "hq".into(), to: "hotel".into(), minutes: 15 }];
    let tz = jiff::tz::TimeZone::get("America/New_York").unwrap();
    let started = Instant::now();
    let roster = Roster::new(members.clone(), HashMap::new());
    let stays: HashMap<_, _> = members.iter().map(|(_, m)| (m.id, stay_of(m, &tz))).collect();
    let setup = started.elapsed();
    let mut times = Vec::new();
    let mut found = 0;
    for k in (10..1500).step_by(7).take(200) {
        let mut edited = items[k].clone();
        edited.starts += SignedDuration::from_mins(15);
        edited.ends += SignedDuration::from_mins(15);
        let started = Instant::now();
        found += clashes(&edited, &items, &|i| roster.attending(i), &travel, &stays).len();
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "clash check of one edit against 1,500 items and 3,088 people: median {:?}, slowest {:?} (200 edits, {found} clashes found); roster and stays built once in {setup:?}",
        times[times.len() / 2],
        times[times.len() - 1],
    );
}
