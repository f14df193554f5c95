//! The store, on both engines.

use domain::Text;
use domain::events::EventFields;
use domain::policy::{Actor, EntityKind};
use domain::programme::{Attendees, Item, ItemFields, ItemKind, PressAccess, Visibility};
use jiff::civil::date;
use store::Stamp;
use store::StoreError;
use store::audit::Verdict;

use crate::on_both_engines;

fn almaty_fields(slug: &str) -> EventFields {
    EventFields {
        slug: slug.into(),
        name: Text::new(&[("en", "Test event"), ("ru", "Тестовое мероприятие")]),
        host: "KZ".into(),
        city: Text::new(&[("en", "Astana"), ("kk", "Астана")]),
        city_cases: Default::default(),
        time_zone: "Asia/Almaty".into(),
        start_date: date(2026, 6, 1),
        end_date: date(2026, 6, 2),
        venues: None,
        travel: None,
    }
}

#[tokio::test]
async fn both_engines_migrate_to_the_same_schema() {
    let sqlite = crate::support::TestDb::sqlite().await;
    let Some(postgres) = crate::support::TestDb::postgres().await else {
        eprintln!("PostgreSQL not configured (TEST_DATABASE_URL): skipped");
        sqlite.cleanup().await;
        return;
    };
    let (a, b) = (sqlite.store.schema().await.unwrap(), postgres.store.schema().await.unwrap());
    assert!(!a.is_empty());
    let only_sqlite: Vec<_> = a.iter().filter(|c| !b.contains(c)).collect();
    let only_postgres: Vec<_> = b.iter().filter(|c| !a.contains(c)).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "SQLite only: {only_sqlite:?}\nPostgreSQL only: {only_postgres:?}"
    );
    sqlite.cleanup().await;
    postgres.cleanup().await;
}

/// Without the query planner stability guarantee, SQLite prepares again, on every run, each
/// statement whose LIMIT or OFFSET is a parameter (`.cargo/config.toml`).
#[tokio::test]
async fn the_embedded_sqlite_keeps_its_statements_prepared_whatever_is_bound() {
    let db = crate::support::TestDb::sqlite().await;
    let store::Pool::Sqlite(pool) = db.store.pool() else { unreachable!("an SQLite store") };
    let stable: i64 =
        sqlx::query_scalar("SELECT sqlite_compileoption_used('ENABLE_QPSG')").fetch_one(pool).await.unwrap();
    assert_eq!(stable, 1, "libsqlite3-sys built without SQLITE_ENABLE_QPSG (LIBSQLITE3_FLAGS)");
    db.cleanup().await;
}

on_both_engines!(the_demo_loads_with_its_bodies_chairs_and_meeting_history, |store| {
    concord::demo::load(&store).await.unwrap();
    assert!(concord::demo::is_loaded(&store).await.unwrap());
    let cfm = store::bodies::by_slug(&store, "cis-cfm").await.unwrap();
    assert_eq!(cfm.working_language, "ru");
    let memberships = store::bodies::memberships(&store, cfm.id).await.unwrap();
    assert_eq!(memberships.len(), 16);
    let chairs = store::bodies::chairs(&store, cfm.id).await.unwrap();
    assert_eq!(chairs.iter().map(|c| c.chair.year).collect::<Vec<_>>(), [2022, 2023, 2024, 2025]);
    let history = store::events::meetings_of_body(&store, cfm.id).await.unwrap();
    let cities: Vec<&str> = history.iter().map(|m| m.city.get("en")).collect();
    assert_eq!(cities, ["Minsk", "Moscow", "Almaty", "Dushanbe", "Kaliningrad"]);
    let almaty = store::events::by_slug(&store, "almaty-2025").await.unwrap();
    let meetings = store::events::meetings_of_event(&store, almaty.id).await.unwrap();
    assert_eq!(meetings.len(), 2);
    let kz = store::participants::by_code(&store, "KZ").await.unwrap();
    let tj = store::participants::by_code(&store, "TJ").await.unwrap();
    assert_eq!(almaty.host, kz.id, "Kazakhstan hosts");
    let cfm_meeting = meetings.iter().find(|m| m.meeting.slug == "cis-cfm").unwrap();
    assert_eq!(cfm_meeting.meeting.chair, Some(tj.id), "Tajikistan chairs: host and chair differ");
    assert_eq!(store::audit::verify(&store).await.unwrap(), Verdict::Intact { entries: audit_count(&store).await });
});

async fn audit_count(store: &store::Store) -> i64 {
    let all = store::audit::recent(store, &EntityKind::ALL, None, None, i64::MAX).await.unwrap();
    all.len() as i64
}

on_both_engines!(a_stale_write_gets_a_conflict_and_changes_nothing, |store| {
    concord::demo::load(&store).await.unwrap();
    let actor = Actor::anonymous();
    let mut tx = store.begin().await.unwrap();
    let event = store::events::create(&mut tx, &actor, almaty_fields("conflict-test")).await.unwrap();
    tx.commit().await.unwrap();
    let mut first = almaty_fields("conflict-test");
    first.name = Text::new(&[("en", "First edit")]);
    let mut tx = store.begin().await.unwrap();
    let updated = store::events::update(&mut tx, &actor, event.id, 1, first).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(updated.version, 2);
    let mut second = almaty_fields("conflict-test");
    second.name = Text::new(&[("en", "Second edit, from a stale form")]);
    let mut tx = store.begin().await.unwrap();
    let err = store::events::update(&mut tx, &actor, event.id, 1, second).await.unwrap_err();
    drop(tx);
    assert!(matches!(err, StoreError::Conflict { entity: "event", current: 2 }), "{err:?}");
    let now = store::events::by_slug(&store, "conflict-test").await.unwrap();
    assert_eq!(now.name.get("en"), "First edit");
    assert_eq!(now.version, 2);
});

on_both_engines!(unique_slugs_and_unknown_hosts_are_named, |store| {
    concord::demo::load(&store).await.unwrap();
    let actor = Actor::anonymous();
    let mut tx = store.begin().await.unwrap();
    let err = store::events::create(&mut tx, &actor, almaty_fields("almaty-2025")).await.unwrap_err();
    assert!(matches!(err, StoreError::Duplicate { field: "slug" }), "{err:?}");
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    let err = store::events::create(&mut tx, &actor, EventFields { host: "XX".into(), ..almaty_fields("nowhere") })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Unknown { field: "host" }), "{err:?}");
});

on_both_engines!(every_write_is_audited_and_a_tampered_entry_is_caught, |store| {
    concord::demo::load(&store).await.unwrap();
    let Verdict::Intact { entries } = store::audit::verify(&store).await.unwrap() else {
        panic!("the chain starts intact")
    };
    assert!(entries > 50, "the demo's writes are audited: {entries}");
    let actor = Actor::anonymous();
    let mut tx = store.begin().await.unwrap();
    let event = store::events::create(&mut tx, &actor, almaty_fields("audited")).await.unwrap();
    tx.commit().await.unwrap();
    let latest = store::audit::recent(&store, &[EntityKind::Event], None, None, 1).await.unwrap();
    assert_eq!(latest[0].entity_id, event.id);
    assert_eq!(latest[0].action, "create");
    assert_eq!(latest[0].after.as_ref().unwrap()["slug"], "audited");
    assert_eq!(store::audit::verify(&store).await.unwrap(), Verdict::Intact { entries: entries + 1 });

    tamper(&store, 7).await;
    match store::audit::verify(&store).await.unwrap() {
        Verdict::Broken { seq, .. } => assert_eq!(seq, 7),
        other => panic!("tampering went unnoticed: {other:?}"),
    }
});

/// Rewrites what entry `seq` says, as someone with database access might.
pub async fn tamper(store: &store::Store, seq: i64) {
    match store.pool() {
        store::Pool::Sqlite(pool) => {
            sqlx::query("UPDATE audit SET actor_name = 'mallory' WHERE seq = $1")
                .bind(seq)
                .execute(pool)
                .await
                .unwrap();
        }
        store::Pool::Postgres(pool) => {
            sqlx::query("UPDATE audit SET actor_name = 'mallory' WHERE seq = $1")
                .bind(seq)
                .execute(pool)
                .await
                .unwrap();
        }
    }
}

on_both_engines!(a_removed_entry_breaks_the_chain_where_it_was, |store| {
    concord::demo::load(&store).await.unwrap();
    match store.pool() {
        store::Pool::Sqlite(pool) => {
            sqlx::query("DELETE FROM audit WHERE seq = 12").execute(pool).await.map(|_| ()).unwrap()
        }
        store::Pool::Postgres(pool) => {
            sqlx::query("DELETE FROM audit WHERE seq = 12").execute(pool).await.map(|_| ()).unwrap()
        }
    }
    match store::audit::verify(&store).await.unwrap() {
        Verdict::Broken { seq, reason } => {
            assert_eq!(seq, 12);
            assert!(reason.contains("missing"), "{reason}");
        }
        other => panic!("a deletion went unnoticed: {other:?}"),
    }
});

on_both_engines!(sessions_and_tokens_are_found_by_their_secret_only, |store| {
    concord::demo::load(&store).await.unwrap();
    let host = store::accounts::by_username(&store, "host").await.unwrap();
    store::accounts::create_session(&store, host.id, "secret-1", "csrf-1", time::Duration::hours(1)).await.unwrap();
    let signed_in = store::accounts::session_user(&store, "secret-1").await.unwrap().unwrap();
    assert_eq!((signed_in.user.username.as_str(), signed_in.csrf.as_str()), ("host", "csrf-1"));
    assert_eq!(signed_in.roles, store::accounts::roles(&store, host.id).await.unwrap(), "the roles come along");
    assert!(store::accounts::session_user(&store, "secret-2").await.unwrap().is_none());
    store::accounts::create_session(&store, host.id, "expired", "csrf-2", time::Duration::seconds(-1)).await.unwrap();
    assert!(
        store::accounts::session_user(&store, "expired").await.unwrap().is_none(),
        "an expired session lets nobody in"
    );
    store::accounts::delete_session(&store, "secret-1").await.unwrap();
    assert!(store::accounts::session_user(&store, "secret-1").await.unwrap().is_none());

    let mut tx = store.begin().await.unwrap();
    store::accounts::create_token(&mut tx, &Actor::anonymous(), &host, "ci", "cnc_token").await.unwrap();
    tx.commit().await.unwrap();
    let signed_in = store::accounts::token_user(&store, "cnc_token").await.unwrap().unwrap();
    assert_eq!((signed_in.user.username.as_str(), signed_in.roles.len()), ("host", 1));
    assert!(store::accounts::token_user(&store, "cnc_other").await.unwrap().is_none());

    let roles = store::accounts::roles(&store, host.id).await.unwrap();
    let almaty = store::events::by_slug(&store, "almaty-2025").await.unwrap();
    assert_eq!(roles, vec![domain::accounts::Role::Host { event: almaty.id, participant: almaty.host }]);
});

on_both_engines!(a_chair_override_is_versioned, |store| {
    concord::demo::load(&store).await.unwrap();
    let actor = Actor::anonymous();
    let cfm = store::bodies::by_slug(&store, "cis-cfm").await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let set =
        store::bodies::set_chair(&mut tx, &actor, cfm.id, 2026, "TM", &["TJ".into(), "UZ".into()], None).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(set.version, 1);
    let mut tx = store.begin().await.unwrap();
    let err = store::bodies::set_chair(&mut tx, &actor, cfm.id, 2026, "UZ", &[], None).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "chair", current: 1 }), "{err:?}");
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    let updated = store::bodies::set_chair(&mut tx, &actor, cfm.id, 2026, "UZ", &[], Some(1)).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(updated.version, 2);
});

on_both_engines!(concurrent_writers_keep_the_chain_intact, |store| {
    concord::demo::load(&store).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = store.begin().await.unwrap();
            store::events::create(&mut tx, &Actor::anonymous(), almaty_fields(&format!("parallel-{i}"))).await.unwrap();
            tx.commit().await.unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert!(matches!(store::audit::verify(&store).await.unwrap(), Verdict::Intact { .. }));
});

on_both_engines!(case_forms_of_members_meetings_and_cities_round_trip, |store| {
    use domain::delegations::{DelegationRole, Gender, MemberFields};
    use domain::text::{Case, CaseForms};
    concord::demo::load(&store).await.unwrap();
    let actor = Actor::anonymous();
    let almaty = store::events::by_slug(&store, "almaty-2025").await.unwrap();
    assert_eq!(almaty.city_cases.get(Case::Prepositional, "ru"), Some("Алматы"));
    assert_eq!(almaty.city_cases.get(Case::Locative, "kk"), Some("Алматыда"));
    let meetings = store::events::meetings_of_event(&store, almaty.id).await.unwrap();
    let cfm = meetings.iter().find(|m| m.meeting.slug == "cis-cfm").unwrap();
    assert_eq!(cfm.meeting.cases.get(Case::Accusative, "ru"), Some("заседание Совета министров иностранных дел СНГ"));
    assert_eq!(cfm.meeting.cases.get(Case::Accusative, "kk"), Some("ТМД Сыртқы істер министрлері кеңесінің отырысын"));
    let history = store::events::meetings_of_body(&store, cfm.meeting.body_id).await.unwrap();
    assert!(history.iter().all(|m| m.meeting.cases.get(Case::Prepositional, "ru").is_some()), "every sitting");

    let kz = store::participants::by_code(&store, "KZ").await.unwrap();
    let delegation = store::delegations::of_participant(&store, almaty.id, kz.id).await.unwrap();
    let members = store::delegations::members_of(&store, delegation.id).await.unwrap();
    let head = members.iter().find(|m| m.role == DelegationRole::Head).unwrap();
    assert_eq!(head.cases.name.get(Case::Instrumental, "ru"), Some("Муратом Абугалиевичем Нуртлеу"));
    assert_eq!(head.cases.name.get(Case::Genitive, "kk"), Some("Мурат Абугалиевич Нуртлеудің"));
    assert_eq!(
        head.cases.position.get(Case::Genitive, "ru"),
        Some("Заместителя Премьер-Министра – Министра иностранных дел")
    );
    assert_eq!(head.cases.gender, Some(Gender::Masculine));
    let heads: Vec<_> = store::delegations::approved_of_event(&store, almaty.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.role == DelegationRole::Head)
        .collect();
    assert_eq!(heads.len(), 12, "ten, and the deputy ministers heading two at the Central Asia–Russia meeting");
    for h in &heads {
        for case in [Case::Genitive, Case::Instrumental] {
            assert!(h.cases.name.get(case, "ru").is_some() && h.cases.name.get(case, "kk").is_some(), "{h:?}");
            assert!(h.cases.position.get(case, "ru").is_some(), "{h:?}");
        }
        assert_eq!(h.cases.gender, Some(Gender::Masculine));
    }

    // An edit writes the forms it brings, and they are read back.
    let mut fields = almaty_fields("almaty-2025");
    fields.host = "KZ".into();
    fields.start_date = almaty.start_date;
    fields.end_date = almaty.end_date;
    fields.city_cases =
        serde_json::from_value::<CaseForms>(serde_json::json!({ "locative": { "kk": "Астанада" } })).unwrap();
    let mut tx = store.begin().await.unwrap();
    store::events::update(&mut tx, &actor, almaty.id, almaty.version, fields).await.unwrap();
    tx.commit().await.unwrap();
    let edited = store::events::by_id(&store, almaty.id).await.unwrap();
    assert_eq!(edited.city_cases.get(Case::Locative, "kk"), Some("Астанада"));
    assert_eq!(edited.city_cases.get(Case::Prepositional, "ru"), None);

    let mut cases = head.cases.clone();
    cases.name =
        serde_json::from_value(serde_json::json!({ "dative": { "ru": "Мурату Абугалиевичу Нуртлеу" } })).unwrap();
    let fields = MemberFields {
        names: head.names.clone(),
        position: head.position.clone(),
        tenure: head.tenure,
        rank: head.rank,
        role: head.role,
        formats: head.formats.clone(),
        meetings: head.meetings.clone(),
        private: head.private.clone(),
        cases,
    };
    let mut tx = store.begin().await.unwrap();
    store::delegations::update_member(&mut tx, &actor, head.id, head.version, fields).await.unwrap();
    tx.commit().await.unwrap();
    let edited = store::delegations::member(&store, head.id).await.unwrap();
    assert_eq!(edited.cases.name.get(Case::Dative, "ru"), Some("Мурату Абугалиевичу Нуртлеу"));
    assert_eq!(edited.cases.name.get(Case::Instrumental, "ru"), None, "the edit replaced the forms");
    assert_eq!(edited.cases.position, head.cases.position);
});

fn booking(title: &str) -> ItemFields {
    ItemFields {
        kind: ItemKind::Bilateral,
        title: Text::new(&[("en", title)]),
        starts: "2025-04-11T12:00:00Z".parse().unwrap(),
        ends: "2025-04-11T12:30:00Z".parse().unwrap(),
        venue: Some("conference-venue".into()),
        room: Some("bilateral-room-1".into()),
        meeting: None,
        attendees: Attendees::default(),
        press: PressAccess::Closed,
        visibility: Visibility::Participants,
    }
}

// Two hosts book one room at once, each checked against the programme without the other's item:
// the second to write finds the programme changed and conflicts, so it checks again.
on_both_engines!(two_programme_changes_checked_against_one_programme_do_not_both_land, |store| {
    concord::demo::load(&store).await.unwrap();
    let almaty = store::events::by_slug(&store, "almaty-2025").await.unwrap();
    let (event, version) = (almaty.id, almaty.version);
    let items = store::programme::of_event(&store, event).await.unwrap();
    let seen = Stamp::of(items.iter().map(|i| i.version));
    let mut first = store.begin().await.unwrap();
    store::programme::hold(&mut first, event, version, seen).await.unwrap();
    store::programme::create(&mut first, &Actor::anonymous(), Item::new(domain::new_id(), event, booking("First")))
        .await
        .unwrap();
    let second = tokio::spawn({
        let store = store.clone();
        async move {
            let mut tx = store.begin().await?;
            store::programme::hold(&mut tx, event, version, seen).await?;
            let second = Item::new(domain::new_id(), event, booking("Second"));
            store::programme::create(&mut tx, &Actor::anonymous(), second).await?;
            tx.commit().await
        }
    });
    first.commit().await.unwrap();
    let err = second.await.unwrap().unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "programme", .. }), "{err:?}");
    let now = store::programme::of_event(&store, event).await.unwrap();
    assert_eq!(now.len(), items.len() + 1, "the first booking only");

    let cancelled = now[0].clone().cancel().unwrap();
    let mut tx = store.begin().await.unwrap();
    store::programme::hold(&mut tx, event, version, Stamp::of(now.iter().map(|i| i.version))).await.unwrap();
    store::programme::replace(&mut tx, &Actor::anonymous(), &now[0], cancelled).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let err =
        store::programme::hold(&mut tx, event, version, Stamp::of(now.iter().map(|i| i.version))).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "programme", .. }), "a changed item moves it: {err:?}");
    drop(tx);
    let now = store::programme::of_event(&store, event).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    // Any change of the event (its venues and travel times among them) moves its version.
    let moved = store::events::set_deadline(&mut tx, &Actor::anonymous(), &almaty, version, None).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let err =
        store::programme::hold(&mut tx, event, version, Stamp::of(now.iter().map(|i| i.version))).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "event", current } if current == moved.version), "{err:?}");
});

/// Two changes that hold two events' programmes in opposite orders deadlock on PostgreSQL, which
/// aborts one: that one is a conflict, to apply again, not a server error.
#[tokio::test]
async fn a_transaction_aborted_for_a_deadlock_is_a_conflict() {
    let Some(db) = crate::support::TestDb::postgres().await else {
        eprintln!("PostgreSQL not configured (TEST_DATABASE_URL): skipped");
        return;
    };
    let store = db.store.clone();
    concord::demo::load(&store).await.unwrap();
    let mut events = Vec::new();
    for slug in ["almaty-2025", "moscow-2024"] {
        let e = store::events::by_slug(&store, slug).await.unwrap();
        let items = store::programme::of_event(&store, e.id).await.unwrap();
        events.push((e.id, e.version, Stamp::of(items.iter().map(|i| i.version))));
    }
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(2));
    let cross = |first: usize| {
        let (store, barrier, events) = (store.clone(), barrier.clone(), events.clone());
        async move {
            let mut tx = store.begin().await?;
            let (a, b) = (events[first], events[1 - first]);
            store::programme::hold(&mut tx, a.0, a.1, a.2).await?;
            barrier.wait().await;
            store::programme::hold(&mut tx, b.0, b.1, b.2).await?;
            tx.commit().await
        }
    };
    let (one, two) = tokio::join!(tokio::spawn(cross(0)), tokio::spawn(cross(1)));
    let outcomes = [one.unwrap(), two.unwrap()];
    assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1, "{outcomes:?}");
    let lost = outcomes.iter().find_map(|o| o.as_ref().err()).unwrap();
    assert!(matches!(lost, StoreError::Conflict { .. }), "{lost:?}");
    db.cleanup().await;
}

// Two orders of a delegation's meetings sent at once, each checked against the other requests as
// read: the second to write finds them changed and conflicts, so no circle closes unseen.
on_both_engines!(a_change_decided_on_the_other_bilateral_requests_conflicts_once_they_changed, |store| {
    concord::demo::load(&store).await.unwrap();
    let event = store::events::by_slug(&store, "almaty-2025").await.unwrap().id;
    let requests = store::bilaterals::of_event(&store, event).await.unwrap();
    let seen = Stamp::of(requests.iter().map(|r| r.version));
    let mut first = store.begin().await.unwrap();
    store::bilaterals::hold(&mut first, event, seen).await.unwrap();
    let reordered = domain::bilaterals::Request { note: "After the plenary.".into(), ..requests[0].clone() };
    store::bilaterals::replace(&mut first, &Actor::anonymous(), &requests[0], reordered).await.unwrap();
    let second = tokio::spawn({
        let store = store.clone();
        async move {
            let mut tx = store.begin().await?;
            store::bilaterals::hold(&mut tx, event, seen).await?;
            tx.commit().await
        }
    });
    first.commit().await.unwrap();
    let err = second.await.unwrap().unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "bilateral requests", .. }), "{err:?}");
});

// A scheduler run keeps its outcome without a new version, so a side's answer read before it still
// goes; a change written from a request as read before the run conflicts rather than put the old
// outcome back.
on_both_engines!(a_run_keeps_its_outcome_at_the_version_and_a_change_read_before_it_conflicts, |store| {
    concord::demo::load(&store).await.unwrap();
    let event = store::events::by_slug(&store, "almaty-2025").await.unwrap().id;
    let requests = store::bilaterals::of_event(&store, event).await.unwrap();
    let read = requests.iter().find(|r| r.item.is_none()).unwrap().clone();
    let outcome = domain::bilaterals::Outcome::Unplaced { reasons: vec![domain::bilaterals::Why::OutsideHours] };
    let mut tx = store.begin().await.unwrap();
    let placed = store::bilaterals::place(&mut tx, &Actor::anonymous(), &read, Some(outcome.clone())).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!((placed.version, &placed.outcome), (read.version, &Some(outcome)));
    let mut tx = store.begin().await.unwrap();
    let noted = domain::bilaterals::Request { note: "Any time.".into(), ..read.clone() };
    let err = store::bilaterals::replace(&mut tx, &Actor::anonymous(), &read, noted.clone()).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "bilateral request", .. }), "{err:?}");
    drop(tx);
    // Read again, as the next form is: what the run kept is what was read, so the change goes.
    let again =
        store::bilaterals::of_event(&store, event).await.unwrap().into_iter().find(|r| r.id == read.id).unwrap();
    assert_eq!(again, placed);
    let mut tx = store.begin().await.unwrap();
    let noted = store::bilaterals::replace(&mut tx, &Actor::anonymous(), &again, noted).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(noted.version, read.version + 1);
});

on_both_engines!(a_notice_finds_its_recipients_and_their_addresses_in_one_query, |store| {
    concord::demo::load(&store).await.unwrap();
    let participants = store::participants::list(&store).await.unwrap();
    let participant = |code: &str| participants.iter().find(|p| p.code == code).unwrap().id;
    let (kz, ru) = (participant("KZ"), participant("RU"));
    let user = |name: &'static str| store::accounts::by_username(&store, name);
    let (kz_ministry, ru_ministry, kz_officer) =
        (user("ministry-kz").await.unwrap(), user("ministry-ru").await.unwrap(), user("delegation-kz").await.unwrap());
    let mut tx = store.begin().await.unwrap();
    store::accounts::set_email(&mut tx, &Actor::anonymous(), kz_ministry.id, "mfa@kz.example").await.unwrap();
    store::accounts::set_email(&mut tx, &Actor::anonymous(), kz_officer.id, "protocol@kz.example").await.unwrap();
    // A user who speaks for both ministries is told once.
    let both = domain::accounts::Role::Ministry { participant: ru };
    store::accounts::grant(&mut tx, &Actor::anonymous(), &kz_ministry, &both).await.unwrap();
    tx.commit().await.unwrap();

    let before = store.queries();
    let ministries = store::accounts::ministries_of(&store, &[kz, ru]).await.unwrap();
    assert_eq!(store.queries() - before, 1, "one query, however many parties and users");
    assert_eq!(ministries.len(), 3, "the user who speaks for both, once for each: {ministries:?}");
    assert!(ministries.contains(&(kz, kz_ministry.id, "mfa@kz.example".to_string())), "{ministries:?}");
    assert!(ministries.contains(&(ru, kz_ministry.id, "mfa@kz.example".to_string())), "{ministries:?}");
    assert!(ministries.iter().any(|(party, id, _)| (*party, *id) == (ru, ru_ministry.id)), "{ministries:?}");

    let almaty = store::events::by_slug(&store, "almaty-2025").await.unwrap();
    let delegations = store::delegations::of_event(&store, almaty.id).await.unwrap();
    let delegation = |code: domain::Id| delegations.iter().find(|d| d.participant_id == code).unwrap().id;
    let before = store.queries();
    let officers = store::accounts::officers_of(&store, &[delegation(kz), delegation(ru)]).await.unwrap();
    assert_eq!(store.queries() - before, 1, "one query, however many delegations and officers");
    assert!(officers.contains(&(delegation(kz), kz_officer.id, "protocol@kz.example".to_string())), "{officers:?}");
    assert!(officers.iter().all(|(d, ..)| [delegation(kz), delegation(ru)].contains(d)), "{officers:?}");
    assert!(officers.iter().any(|(d, ..)| *d == delegation(ru)), "{officers:?}");
});
