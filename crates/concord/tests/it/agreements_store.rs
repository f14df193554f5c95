//! The register of agreements in the store, on both engines: parties keep their order,
//! notifications and reports are only added, stale writes conflict, lists take one query however
//! long, and civil dates come back exactly as written.

use domain::agreements::{ActionItem, Agreement, EntryIntoForce, Interruption, Level, Notification, Progress, Report};
use domain::participants::{NewParticipant, ParticipantKind};
use domain::policy::{Actor, EntityKind};
use domain::{Id, Text, new_id};
use jiff::civil::date;
use store::{Store, StoreError};

use crate::on_both_engines;

struct World {
    kz: Id,
    ru: Id,
    am: Id,
}

fn system() -> Actor {
    Actor::anonymous()
}

/// An instant as the store keeps it (to the microsecond).
fn now() -> jiff::Timestamp {
    jiff::Timestamp::from_microsecond(jiff::Timestamp::now().as_microsecond()).unwrap()
}

async fn world(store: &Store) -> World {
    let mut tx = store.begin().await.unwrap();
    let mut ids = Vec::new();
    for (code, en, ru) in [("KZ", "Kazakhstan", "Казахстан"), ("RU", "Russia", "Россия"), ("AM", "Armenia", "Армения")]
    {
        let name = Text::new(&[("en", en), ("ru", ru)]);
        let new = NewParticipant {
            code: code.into(),
            kind: ParticipantKind::State,
            short_name: name.clone(),
            formal_name: name,
            cases: Default::default(),
            time_zone: "Asia/Almaty".into(),
        };
        ids.push(store::participants::create(&mut tx, &system(), new).await.unwrap().id);
    }
    tx.commit().await.unwrap();
    World { kz: ids[0], ru: ids[1], am: ids[2] }
}

fn agreement(title: &str, parties: Vec<Id>, signed_on: Option<jiff::civil::Date>) -> Agreement {
    Agreement {
        id: new_id(),
        title: Text::new(&[("ru", title)]),
        level: Level::High,
        parties,
        document_id: None,
        signed_on,
        signed_at: Text::new(&[("ru", "Алматы")]),
        depositary: None,
        entry_into_force: EntryIntoForce::OnSignature,
        threshold: None,
        notifications: vec![],
        interruptions: Vec::new(),
        version: 1,
    }
}

async fn create(store: &Store, agreement: Agreement) -> Agreement {
    let mut tx = store.begin().await.unwrap();
    let created = store::agreements::create(&mut tx, &system(), agreement).await.unwrap();
    tx.commit().await.unwrap();
    created
}

fn item(agreement: Id, title: &str, responsible: Vec<Id>, deadline: jiff::civil::Date) -> ActionItem {
    ActionItem {
        id: new_id(),
        agreement_id: agreement,
        title: Text::new(&[("ru", title)]),
        responsible,
        agencies: Text::new(&[("ru", "МИД")]),
        area: "trade_economic".into(),
        deadline,
        progress: Progress::Planned,
        version: 1,
    }
}

async fn create_item(store: &Store, item: ActionItem) -> ActionItem {
    let mut tx = store.begin().await.unwrap();
    let created = store::agreements::create_item(&mut tx, &system(), item).await.unwrap();
    tx.commit().await.unwrap();
    created
}

async fn audited(store: &Store, kind: EntityKind) -> usize {
    store::audit::recent(store, &[kind], None, None, 100).await.unwrap().len()
}

on_both_engines!(an_agreement_keeps_its_parties_and_notifications_and_refuses_stale_writes, |store| {
    let w = world(&store).await;
    let mut multilateral =
        agreement("Соглашение о сотрудничестве", vec![w.ru, w.kz, w.am, w.ru], Some(date(2024, 11, 28)));
    multilateral.entry_into_force = EntryIntoForce::AfterNotifications;
    multilateral.threshold = Some(2);
    multilateral.depositary = Some(w.kz);
    multilateral.notifications = vec![Notification { party: w.kz, date: date(2025, 3, 5) }];
    let multilateral = create(&store, multilateral).await;
    assert_eq!(multilateral.parties, [w.ru, w.kz, w.am], "each party once, in the order given");
    assert_eq!(multilateral.version, 1);
    let mut bilateral = agreement("Договор о дружбе", vec![w.kz, w.ru], Some(date(2025, 1, 15)));
    bilateral.interruptions = vec![(Interruption::Suspended, date(2025, 9, 1))];
    let bilateral = create(&store, bilateral).await;
    let unsigned = create(&store, agreement("Меморандум", vec![w.am, w.ru], None)).await;
    let signed_too = create(&store, agreement("Акт", vec![w.am, w.kz], Some(date(2024, 11, 28)))).await;

    let before = store.queries();
    let all = store::agreements::all(&store).await.unwrap();
    assert_eq!(store.queries() - before, 1, "one query, however many agreements and parties");
    assert_eq!(
        all,
        [bilateral.clone(), signed_too.clone(), multilateral.clone(), unsigned.clone()],
        "the latest signed first, then by title, the unsigned last"
    );
    assert_eq!(
        store::agreements::of_party(&store, w.am).await.unwrap(),
        [signed_too.clone(), multilateral.clone(), unsigned.clone()]
    );
    assert_eq!(
        store::agreements::of_party(&store, w.kz).await.unwrap(),
        [bilateral.clone(), signed_too, multilateral.clone()]
    );
    let read = store::agreements::by_id(&store, multilateral.id).await.unwrap().unwrap();
    assert_eq!(read, multilateral);
    assert_eq!(read.notifications[0].date, date(2025, 3, 5), "a civil date comes back exactly");
    assert_eq!(read.threshold, Some(2));
    assert_eq!(read.depositary, Some(w.kz));
    let read = store::agreements::by_id(&store, bilateral.id).await.unwrap().unwrap();
    assert_eq!(read.interruptions, [(Interruption::Suspended, date(2025, 9, 1))]);
    assert_eq!(store::agreements::by_id(&store, new_id()).await.unwrap(), None);

    let mut tx = store.begin().await.unwrap();
    let ru = Notification { party: w.ru, date: date(2025, 1, 20) };
    store::agreements::notify(&mut tx, &system(), &multilateral, ru.clone()).await.unwrap();
    tx.commit().await.unwrap();
    let notified = store::agreements::by_id(&store, multilateral.id).await.unwrap().unwrap();
    assert_eq!(notified.notifications, [ru.clone(), Notification { party: w.kz, date: date(2025, 3, 5) }]);
    assert_eq!(notified.version, 2, "a notification advances the version");
    assert_eq!(notified.in_force_from(), Some(date(2025, 3, 5)));

    let mut tx = store.begin().await.unwrap();
    let again = Notification { party: w.ru, date: date(2025, 2, 1) };
    let err = store::agreements::notify(&mut tx, &system(), &multilateral, again).await.unwrap_err();
    assert!(matches!(err, StoreError::Duplicate { field: "party" }), "{err:?}");
    drop(tx);

    let renamed = Agreement {
        title: Text::new(&[("ru", "Соглашение (новая редакция)")]), ..multilateral.clone()
    };
    let mut tx = store.begin().await.unwrap();
    let err = store::agreements::replace(&mut tx, &system(), &multilateral, renamed.clone()).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "agreement", current: 2 }), "{err:?}");
    drop(tx);

    let mut tx = store.begin().await.unwrap();
    let without_kz = Agreement { parties: vec![w.am, w.ru], ..renamed };
    let saved = store::agreements::replace(&mut tx, &system(), &notified, without_kz).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(saved.version, 3);
    assert_eq!(saved.parties, [w.am, w.ru]);
    assert_eq!(saved.notifications, [ru], "a former party's notification is dropped");
    assert_eq!(store::agreements::by_id(&store, multilateral.id).await.unwrap(), Some(saved));
    assert!(!store::agreements::of_party(&store, w.kz).await.unwrap().iter().any(|a| a.id == multilateral.id));
    assert_eq!(audited(&store, EntityKind::Agreement).await, 6, "four created, one notified, one replaced");
});

on_both_engines!(action_items_come_by_deadline_and_refuse_stale_writes, |store| {
    let w = world(&store).await;
    let first = create(&store, agreement("Первое", vec![w.kz, w.ru], Some(date(2024, 11, 28)))).await;
    let second = create(&store, agreement("Второе", vec![w.kz, w.am], Some(date(2024, 12, 1)))).await;
    let third = create(&store, agreement("Третье", vec![w.ru, w.am], None)).await;

    let year_end =
        create_item(&store, item(first.id, "Обмен делегациями", vec![w.ru, w.kz, w.ru], date(2025, 12, 31))).await;
    assert_eq!(year_end.responsible, [w.ru, w.kz], "each responsible party once, in the order given");
    let mid_year = create_item(&store, item(second.id, "Выставка", vec![w.am], date(2025, 6, 30))).await;
    create_item(&store, item(third.id, "Не то", vec![w.ru], date(2025, 1, 1))).await;

    let before = store.queries();
    let items = store::agreements::items_of(&store, &[first.id, second.id]).await.unwrap();
    assert_eq!(store.queries() - before, 1, "one query, however many agreements");
    assert_eq!(items, [mid_year.clone(), year_end.clone()], "by deadline");
    assert!(store::agreements::items_of(&store, &[]).await.unwrap().is_empty());
    let read = store::agreements::item(&store, year_end.id).await.unwrap().unwrap();
    assert_eq!(read, year_end);
    assert_eq!(read.deadline, date(2025, 12, 31), "a civil date comes back exactly");
    assert_eq!(store::agreements::item(&store, new_id()).await.unwrap(), None);

    let started = ActionItem { progress: Progress::InProgress, responsible: vec![w.kz], ..year_end.clone() };
    let mut tx = store.begin().await.unwrap();
    let saved = store::agreements::replace_item(&mut tx, &system(), &year_end, started.clone()).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(saved.version, 2);
    assert_eq!(store::agreements::item(&store, year_end.id).await.unwrap(), Some(saved));
    let mut tx = store.begin().await.unwrap();
    let err = store::agreements::replace_item(&mut tx, &system(), &year_end, started).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "action item", current: 2 }), "{err:?}");
    drop(tx);
    // A report leaving the progress as read holds the item at that version: one read before the
    // change above conflicts, one read after it holds.
    let mut tx = store.begin().await.unwrap();
    let err = store::agreements::hold_item(&mut tx, &year_end).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "action item", current: 2 }), "{err:?}");
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    let current = store::agreements::item(&store, year_end.id).await.unwrap().unwrap();
    store::agreements::hold_item(&mut tx, &current).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    let err = store::agreements::create_item(&mut tx, &system(), item(new_id(), "Ничей", vec![w.kz], date(2025, 1, 1)))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Unknown { field: "agreement" }), "{err:?}");
    drop(tx);
    assert_eq!(audited(&store, EntityKind::ActionItem).await, 4, "three created, one replaced");
});

on_both_engines!(reports_come_in_order_and_keep_whether_they_are_internal, |store| {
    let w = world(&store).await;
    let a = create(&store, agreement("Соглашение", vec![w.kz, w.ru], Some(date(2024, 11, 28)))).await;
    let i = create_item(&store, item(a.id, "Пункт", vec![w.kz], date(2025, 12, 31))).await;
    let other = create_item(&store, item(a.id, "Другой", vec![w.ru], date(2025, 12, 31))).await;
    let report = |item: Id, author: Option<Id>, day: i8, internal: bool| Report {
        id: new_id(),
        item_id: item,
        author,
        date: date(2025, 5, day),
        text: format!("Отчёт {day}"),
        progress: Progress::InProgress,
        internal,
        at: now(),
    };
    let mut tx = store.begin().await.unwrap();
    let assessment =
        store::agreements::add_report(&mut tx, &system(), report(i.id, Some(w.kz), 2, true)).await.unwrap();
    let public = store::agreements::add_report(&mut tx, &system(), report(i.id, None, 1, false)).await.unwrap();
    let elsewhere =
        store::agreements::add_report(&mut tx, &system(), report(other.id, Some(w.ru), 3, false)).await.unwrap();
    tx.commit().await.unwrap();

    let before = store.queries();
    let reports = store::agreements::reports_of(&store, &[i.id]).await.unwrap();
    assert_eq!(store.queries() - before, 1);
    assert_eq!(reports, [public.clone(), assessment.clone()], "by date");
    assert!(reports[1].internal && !reports[0].internal);
    assert_eq!(reports[1].date, date(2025, 5, 2));
    assert_eq!(
        store::agreements::reports_of(&store, &[other.id, i.id]).await.unwrap(),
        [public, assessment, elsewhere]
    );
    assert!(store::agreements::reports_of(&store, &[]).await.unwrap().is_empty());

    let mut tx = store.begin().await.unwrap();
    let err = store::agreements::add_report(&mut tx, &system(), report(new_id(), None, 4, false)).await.unwrap_err();
    assert!(matches!(err, StoreError::Unknown { field: "item" }), "{err:?}");
    drop(tx);
    assert_eq!(audited(&store, EntityKind::ActionReport).await, 3);
});
