//! Synthetic events at any scale, for benchmarks and for tests that a page's work does not grow with
//! its data: states with ISO codes, a body, an event holding its meeting, and delegations whose
//! members are all accredited.

use anyhow::{Context, Result};
use domain::Text;
use domain::accounts::new_secret;
use domain::bodies::{ChairRule, DecisionRule, MembershipStatus, NewBody};
use domain::delegations::{DelegationRole, DelegationStatus, MemberFields, Names, PersonName, Private, Rank};
use domain::events::{EventFields, Format, MeetingFields, Room, Venue};
use domain::participants::{NewParticipant, ParticipantKind, iso_3166_alpha2};
use domain::policy::Actor;
use domain::programme::{Attendees, Item, ItemFrame, ItemInput, ItemKind, PressAccess, Travel, Visibility};
use jiff::civil::date;
use store::Store;
use store::bodies::NewMembership;
use store::delegations::Decision;

/// A word of letters for a number (0 → "Ba", 1 → "Be", …): names may not contain digits.
fn word(mut n: usize) -> String {
    const SYLLABLES: [&str; 20] = [
        "ba", "be", "bo", "da", "de", "ka", "ko", "la", "le", "ma", "mo", "na", "ne", "ra", "re", "sa", "so", "ta",
        "to", "va",
    ];
    let mut out = String::new();
    loop {
        out.push_str(SYLLABLES[n % SYLLABLES.len()]);
        n /= SYLLABLES.len();
        if n == 0 {
            break;
        }
    }
    let mut chars = out.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Creates event `slug` with `delegations` states (the first ISO codes) of `members` members each,
/// and a programme of `items` items over its five days (plenaries of all heads, and bilaterals
/// between heads in twenty rooms). Participants that already exist are reused.
pub async fn event(store: &Store, slug: &str, delegations: usize, members: usize, items: usize) -> Result<()> {
    let codes: Vec<&str> = iso_3166_alpha2().take(delegations).collect();
    anyhow::ensure!(codes.len() == delegations, "at most {} states", iso_3166_alpha2().count());
    let system = Actor::anonymous();
    let mut tx = store.begin().await?;
    for code in &codes {
        if store::participants::by_code(store, code).await.is_err() {
            let name = Text::new(&[("en", &format!("State {code}")), ("ru", &format!("Государство {code}"))]);
            let new = NewParticipant {
                code: code.to_string(),
                kind: ParticipantKind::State,
                short_name: name.clone(),
                formal_name: name,
                cases: Default::default(),
                time_zone: "UTC".into(),
            };
            store::participants::create(&mut tx, &system, new.validate()?).await?;
        }
    }
    let body = NewBody {
        slug: format!("{slug}-body"),
        name: Text::new(&[("en", &format!("Assembly of {slug}"))]),
        working_language: "en".into(),
        decision_rule: DecisionRule::SimpleMajority,
        chair_rule: ChairRule::Agreed,
        precedence: None,
        protocol: Default::default(),
        seat: Text::new(&[("en", "New York")]),
        time_zone: "America/New_York".into(),
    };
    let body = store::bodies::create(&mut tx, &system, body.validate()?).await?;
    for code in &codes {
        let period = NewMembership {
            participant: code,
            status: MembershipStatus::Full,
            valid_from: date(1945, 10, 24),
            valid_until: None,
            note: "",
        };
        store::bodies::add_membership(&mut tx, &system, body.id, period).await?;
    }
    let fields = EventFields {
        slug: slug.into(),
        name: Text::new(&[("en", &format!("High-level week {slug}"))]),
        host: codes.first().context("at least one delegation")?.to_string(),
        city: Text::new(&[("en", "New York")]),
        city_cases: Default::default(),
        time_zone: "America/New_York".into(),
        start_date: date(2026, 9, 22),
        end_date: date(2026, 9, 26),
        venues: Some(venues()),
        travel: Some(vec![
            Travel { from: "hq".into(), to: "hotel".into(), minutes: 15 },
            Travel { from: "hq".into(), to: "residence".into(), minutes: 25 },
            Travel { from: "hotel".into(), to: "residence".into(), minutes: 20 },
        ]),
    };
    let event = store::events::create(&mut tx, &system, fields.validate().context("the generated event")?).await?;
    let meeting = MeetingFields {
        slug: "plenary".into(),
        body: body.slug.clone(),
        number: Some(81),
        title: Text::new(&[("en", "General debate")]),
        cases: Default::default(),
        // The host chairs, as at a summit it hosts.
        chair: Some(codes[0].to_string()),
        formats: vec![Format::Narrow, Format::Extended],
        date: date(2026, 9, 22),
    };
    store::events::create_meeting(&mut tx, &system, &event, body.id, meeting.validate(&event)?).await?;
    let mut n = 0;
    let mut heads = Vec::new();
    for code in &codes {
        let now = jiff::Timestamp::now();
        let delegation =
            store::delegations::invite(&mut tx, &system, event.id, code, "mission@example.org", &new_secret(), now)
                .await?;
        let delegation =
            store::delegations::respond(&mut tx, &system, &delegation, DelegationStatus::Confirmed).await?;
        for i in 0..members {
            n += 1;
            let (role, rank) =
                if i == 0 { (DelegationRole::Head, Rank::Minister) } else { (DelegationRole::Delegate, Rank::Other) };
            let fields = MemberFields {
                names: Names {
                    latin: PersonName { family: word(n), given: word(n * 7 + 3), patronymic: String::new() },
                    cyrillic: PersonName::default(),
                },
                position: Text::new(&[("en", if i == 0 { "Minister for Foreign Affairs" } else { "Delegate" })]),
                tenure: Default::default(),
                rank,
                role,
                // The heads sit in the morning's narrow sessions too.
                formats: if i == 0 { vec![Format::Narrow, Format::Extended] } else { vec![Format::Extended] },
                meetings: vec![],
                private: Private { email: format!("{}@example.org", word(n).to_lowercase()), ..Private::default() },
                cases: Default::default(),
            };
            let member =
                store::delegations::add_member(&mut tx, &system, &delegation, domain::new_id(), fields.validate()?)
                    .await?;
            if i == 0 {
                heads.push(member.id);
            }
            let badge = new_secret()[..24].to_string();
            store::delegations::decide(&mut tx, &system, &member, event.id, Decision::Approve { badge_id: &badge })
                .await?;
        }
    }
    let meetings = vec!["plenary".to_string()];
    let participants: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
    let frame = ItemFrame { event: &event, meetings: &meetings, participants: &participants, members: &heads };
    for k in 0..items {
        let input = programme_item(k, &heads);
        let fields = input.validate(&frame).context("a generated item")?;
        store::programme::create(&mut tx, &system, Item::new(domain::new_id(), event.id, fields)).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The headquarters with twenty rooms, a hotel and a residence.
fn venues() -> Vec<Venue> {
    let venue = |slug: &str, name: &str, rooms: usize| Venue {
        slug: slug.into(),
        name: Text::new(&[("en", name)]),
        address: "New York".into(),
        location: None,
        rooms: (1..=rooms)
            .map(|r| Room {
                slug: format!("r{r}"),
                name: Text::new(&[("en", &format!("Room {r}"))]),
                capacity: Some(12),
                accessibility: String::new(),
                bilaterals: true,
            })
            .collect(),
        accessibility: String::new(),
    };
    vec![venue("hq", "Headquarters", 20), venue("hotel", "Hotel", 2), venue("residence", "Residence", 0)]
}

/// The `k`-th item: two plenaries of all heads a day (the first ten items), then bilaterals of
/// two heads, half an hour each, spread over the days, the rooms and the slots from 08:00.
fn programme_item(k: usize, heads: &[domain::Id]) -> ItemInput {
    let day = date(2026, 9, 22).checked_add(jiff::Span::new().days((k % 5) as i64)).expect("within the year");
    let at = |minutes: usize| {
        day.to_datetime(jiff::civil::Time::midnight()) + jiff::SignedDuration::from_mins(minutes as i64)
    };
    if k < 10 {
        let morning = k < 5;
        let starts = if morning { 9 * 60 } else { 15 * 60 };
        return ItemInput {
            kind: if morning { ItemKind::NarrowSession } else { ItemKind::ExtendedSession },
            title: Text::new(&[(
                "en",
                if morning { "General debate (morning)" } else { "General debate (afternoon)" },
            )]),
            starts: at(starts),
            ends: at(starts + 180),
            venue: Some("hq".into()),
            room: None,
            meeting: Some("plenary".into()),
            attendees: Attendees { heads: true, ..Attendees::default() },
            press: PressAccess::Pool,
            visibility: Visibility::Public,
        };
    }
    let n = heads.len().max(2);
    let a = (k * 7) % n;
    let b = (a + 1 + (k * 13) % (n - 1)) % n;
    let slot = (k / 5) % 24;
    ItemInput {
        kind: ItemKind::Bilateral,
        title: Text::new(&[("en", &format!("Bilateral {k}"))]),
        starts: at(8 * 60 + slot * 30),
        ends: at(8 * 60 + slot * 30 + 30),
        venue: Some("hq".into()),
        room: Some(format!("r{}", 1 + (k / 120) % 20)),
        meeting: None,
        attendees: Attendees {
            persons: [a, b].iter().filter_map(|i| heads.get(*i).copied()).collect(),
            ..Attendees::default()
        },
        press: PressAccess::Closed,
        visibility: if k.is_multiple_of(3) { Visibility::Participants } else { Visibility::Public },
    }
}
