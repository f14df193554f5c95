use std::time::Duration;

use super::*;

const TIC_12: &str = include_str!("testdata/tic-12.original.dzn");

/// Three participants who all meet each other, one table, three slots: whoever sits out the
/// middle slot waits through it, so the optimum is exactly one break.
const TRIANGLE: &str = "nBusiness = 3; nMeetings = 3; nTables = 1; nTotalSlots = 3; nMorningSlots = 2;
requested = [| 1, 2, 3 | 1, 3, 3 | 2, 3, 3 |];";

fn options(fairness: Option<u32>) -> Options {
    Options { fairness, time_limit: Duration::from_secs(30), seed: 7 }
}

#[test]
fn parses_a_benchmark_file() {
    let b = parse(TIC_12).unwrap();
    assert_eq!((b.n_business, b.n_meetings, b.n_tables, b.n_total_slots, b.n_morning_slots), (42, 125, 21, 8, 8));
    assert_eq!(b.requested.len(), 125);
    assert_eq!(b.requested[0], Request { a: 1, b: 8, session: Session::Either });
    assert_eq!(b.requested[124], Request { a: 42, b: 30, session: Session::Either });
    assert!(b.forbidden.iter().all(Vec::is_empty));
    assert!(b.fixed.iter().all(|&f| f == 0));
    assert_eq!(b.precedences.len(), 125);
}

#[test]
fn reads_forbidden_fixed_and_precedences() {
    let b = parse(
        "nBusiness = 3; nMeetings = 2; nTables = 1; nTotalSlots = 4; nMorningSlots = 2;
         requested = [| 1, 2, 1 | 2, 3, 2 |];
         forbidden = [{0, 2}, {}, {4}];
         fixed = [0, 3];
         precedences = [{}, {1}];",
    )
    .unwrap();
    assert_eq!(b.forbidden, vec![vec![2], vec![], vec![4]]);
    assert_eq!(b.fixed, vec![0, 3]);
    assert_eq!(b.precedences, vec![vec![], vec![1]]);
    assert_eq!(b.requested[1].session, Session::Afternoon);
}

#[test]
fn bad_input_names_the_field() {
    let missing = parse("nBusiness = 2;").unwrap_err();
    assert!(matches!(missing, ParseError::Missing { field: "nMeetings" }), "{missing}");
    let short = TRIANGLE.replace("| 2, 3, 3 |]", "|]");
    let err = parse(&short).unwrap_err();
    assert!(err.to_string().contains("`requested`") && err.to_string().contains("2 rows"), "{err}");
    let session = TRIANGLE.replace("2, 3, 3", "2, 3, 4");
    let err = parse(&session).unwrap_err();
    assert!(err.to_string().contains("`requested`: row 3: session 4"), "{err}");
    let count = format!("{TRIANGLE}\nnMeetingsBusiness = [2, 2, 1];");
    let err = parse(&count).unwrap_err();
    assert!(err.to_string().contains("`nMeetingsBusiness`: element 3"), "{err}");
    let unknown = parse(&format!("{TRIANGLE}\nrooms = 3;")).unwrap_err();
    assert!(matches!(unknown, ParseError::Unknown { line: 3, .. }), "{unknown}");
    let slot = parse(&format!("{TRIANGLE}\nfixed = [0, 9, 0];")).unwrap_err();
    assert!(slot.to_string().contains("`fixed`: element 2: 9 is outside 0..=3"), "{slot}");
}

#[test]
fn counts_breaks_by_hand() {
    let b = parse(
        "nBusiness = 4; nMeetings = 5; nTables = 2; nTotalSlots = 8; nMorningSlots = 4;
         requested = [| 1, 2, 3 | 1, 3, 3 | 1, 4, 3 | 1, 2, 3 | 3, 4, 3 |];",
    )
    .unwrap();
    // Participant 1 in slots 1, 3, 4, 7: two gaps. 2 in 1, 7: one. 3 in 3, 5: one.
    // 4 in 4, 5: none.
    let slots = [1, 3, 4, 7, 5];
    assert_eq!(breaks(&b, &slots), 4);
    assert!(violations(&b, &slots, None).is_empty());
    assert_eq!(violations(&b, &slots, Some(1)).len(), 1);
    assert!(violations(&b, &slots, Some(2)).is_empty());
}

#[test]
fn violations_name_each_broken_rule() {
    let b = parse(
        "nBusiness = 3; nMeetings = 3; nTables = 1; nTotalSlots = 4; nMorningSlots = 2;
         requested = [| 1, 2, 1 | 1, 3, 2 | 2, 3, 3 |];
         forbidden = [{0}, {0}, {0, 4}];
         fixed = [0, 0, 4];
         precedences = [{}, {}, {2}];",
    )
    .unwrap();
    let found = violations(&b, &[3, 2, 2], None);
    let all = found.join("\n");
    for phrase in [
        "meeting 1 is morning-only",
        "meeting 2 is afternoon-only",
        "meeting 3 is fixed to slot 4",
        "meeting 2 (slot 2) must come before meeting 3",
        "participant 3 has meetings 2 and 3 both in slot 2",
        "slot 2 holds 2 meetings",
    ] {
        assert!(all.contains(phrase), "missing {phrase:?} in\n{all}");
    }
    assert!(violations(&b, &[1, 4, 4], None).join("\n").contains("forbidden for participant 3"));
    assert_eq!(violations(&b, &[1], None).len(), 1);
}

#[test]
fn solves_a_tiny_instance_to_its_optimum() {
    let b = parse(TRIANGLE).unwrap();
    let out = solve(&b, &options(Some(2))).unwrap();
    assert_eq!(out.breaks, 1);
    assert!(out.proven_optimal);
    assert!(violations(&b, &out.slots, Some(2)).is_empty());
    assert_eq!(breaks(&b, &out.slots), 1);
}

#[test]
fn honours_fixed_slots_and_precedences() {
    // The triangle with meeting 2 pinned to slot 1 and meeting 3 before meeting 1: one plan,
    // in which participant 1 waits through slot 2.
    let text = format!("{TRIANGLE}\nfixed = [0, 1, 0];\nprecedences = [{{3}}, {{}}, {{}}];");
    let b = parse(&text).unwrap();
    let out = solve(&b, &options(None)).unwrap();
    assert_eq!(out.slots, vec![3, 1, 2]);
    assert_eq!(out.breaks, 1);
    assert!(violations(&b, &out.slots, None).is_empty());
}

#[test]
fn reports_infeasibility() {
    // Two meetings of participant 1 in a one-slot day.
    let b = parse(
        "nBusiness = 3; nMeetings = 2; nTables = 2; nTotalSlots = 1; nMorningSlots = 1;
                   requested = [| 1, 2, 3 | 1, 3, 3 |];",
    )
    .unwrap();
    assert!(matches!(solve(&b, &options(None)), Err(SolveError::Infeasible)));
    let forbidden = parse(&format!("{TRIANGLE}\nforbidden = [{{1, 2, 3}}, {{}}, {{}}];")).unwrap();
    let none = solve(&forbidden, &options(None)).unwrap_err();
    assert!(matches!(none, SolveError::NoSlot(1)), "{none}");
}

#[test]
fn fixed_meetings_that_contradict_each_other_are_named() {
    let two_in_one = "nBusiness = 3; nMeetings = 2; nTables = 1; nTotalSlots = 3; nMorningSlots = 2;
                      requested = [| 1, 2, 3 | 1, 3, 3 |];";
    let faults = |extra: &str| match solve(&parse(&format!("{two_in_one}\n{extra}")).unwrap(), &options(None)) {
        Err(SolveError::Fixed(faults)) => faults,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        faults("fixed = [1, 1];"),
        ["participant 1 has meetings 1 and 2 both in slot 1", "slot 1 holds 2 meetings but there are 1 tables"]
    );
    assert_eq!(
        faults("fixed = [2, 1];\nprecedences = [{}, {1}];"),
        ["meeting 1 (slot 2) must come before meeting 2 (slot 1)"]
    );
    assert_eq!(
        faults("fixed = [3, 0];\nforbidden = [{}, {3}, {}];"),
        ["meeting 1 is in slot 3, forbidden for participant 2"]
    );
    let order = |extra: &str| match solve(&parse(&format!("{two_in_one}\n{extra}")).unwrap(), &options(None)) {
        Err(SolveError::Order(faults)) => faults,
        other => panic!("{other:?}"),
    };
    assert_eq!(order("precedences = [{2}, {1}];"), ["meetings 1, 2 must each come before the next, in a circle"]);
    assert_eq!(
        order("fixed = [1, 0];\nprecedences = [{2}, {}];"),
        ["meeting 1 has no slot left after the meetings it must follow (2)"]
    );
    let err = solve(&parse(&format!("{two_in_one}\nfixed = [1, 1];")).unwrap(), &options(None)).unwrap_err();
    assert!(
        err.to_string().starts_with("the fixed meetings cannot all hold: participant 1 has meetings 1 and 2"),
        "{err}"
    );
}

#[test]
fn solves_a_real_instance() {
    let b = parse(TIC_12).unwrap();
    let out = solve(&b, &options(Some(2))).unwrap();
    assert_eq!(out.breaks, 0);
    assert!(out.proven_optimal);
    assert!(violations(&b, &out.slots, Some(2)).is_empty());
}

#[test]
fn annealing_offers_only_valid_plans() {
    let b = parse(TIC_12).unwrap();
    let domains = model::domains(&b).unwrap();
    let start = std::time::Instant::now();
    let mut offered = Vec::new();
    let ran = local::anneal(
        &b,
        &domains,
        (0, 2),
        7,
        Duration::from_secs(10),
        || start.elapsed() > Duration::from_secs(20),
        |cost, plan| {
            assert_eq!(breaks(&b, &plan), cost);
            assert!(violations(&b, &plan, Some(2)).is_empty());
            offered.push(cost);
            // Stopping short of the optimum keeps the test fast in debug builds.
            3
        },
    );
    assert!(ran.is_some());
    assert!(offered.windows(2).all(|w| w[1] < w[0]), "{offered:?}");
    assert!(offered.last().is_some_and(|&c| c <= 3), "{offered:?}");
}
