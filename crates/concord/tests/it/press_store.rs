//! The press office in the store, on both engines: releases, photos and applications come back as
//! written, stale writes conflict, and what a reader is shown is decided inside the query exactly
//! as `PressRelease::shown_to` decides it, to the microsecond.

use std::collections::BTreeSet;

use domain::events::EventFields;
use domain::participants::{NewParticipant, ParticipantKind};
use domain::policy::{Actor, EntityKind};
use domain::press::{ApplicationStatus, Correction, MediaApplication, PressPhoto, PressRelease, Reader, ReleaseStatus};
use domain::programme::{Attendees, ItemFields, ItemKind, PressAccess, Visibility};
use domain::{Id, Text, new_id};
use jiff::civil::date;
use jiff::{Timestamp, ToSpan};
use store::press::{Reach, ReleaseQuery};
use store::{Store, StoreError};

use crate::on_both_engines;

struct World {
    event: Id,
    other: Id,
    item: Id,
}

fn system() -> Actor {
    Actor::anonymous()
}

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

async fn world(store: &Store) -> World {
    let mut tx = store.begin().await.unwrap();
    let name = Text::new(&[("en", "Kazakhstan"), ("ru", "Казахстан")]);
    let kz = NewParticipant {
        code: "KZ".into(),
        kind: ParticipantKind::State,
        short_name: name.clone(),
        formal_name: name,
        cases: Default::default(),
        time_zone: "Asia/Almaty".into(),
    };
    store::participants::create(&mut tx, &system(), kz).await.unwrap();
    let mut events = Vec::new();
    for slug in ["press-test", "press-other"] {
        let fields = EventFields {
            slug: slug.into(),
            name: Text::new(&[("en", "Test event")]),
            host: "KZ".into(),
            city: Text::new(&[("en", "Almaty")]),
            city_cases: Default::default(),
            time_zone: "Asia/Almaty".into(),
            start_date: date(2025, 4, 10),
            end_date: date(2025, 4, 12),
            venues: None,
            travel: None,
        };
        events.push(store::events::create(&mut tx, &system(), fields).await.unwrap().id);
    }
    let family_photo = ItemFields {
        kind: ItemKind::FamilyPhoto,
        title: Text::new(&[("en", "Family photo")]),
        starts: at("2025-04-11T09:00:00Z"),
        ends: at("2025-04-11T09:15:00Z"),
        venue: None,
        room: None,
        meeting: None,
        attendees: Attendees::default(),
        press: PressAccess::Pool,
        visibility: Visibility::Public,
    };
    let item = domain::programme::Item::new(domain::new_id(), events[0], family_photo);
    let item = store::programme::create(&mut tx, &system(), item).await.unwrap();
    tx.commit().await.unwrap();
    World { event: events[0], other: events[1], item: item.id }
}

fn release(event: Id, title: &str, status: ReleaseStatus, release_at: Option<Timestamp>) -> PressRelease {
    let written = at("2025-04-10T08:00:00Z");
    PressRelease {
        id: new_id(),
        event_id: event,
        title: Text::new(&[("en", title), ("ru", "Министры встретились")]),
        body: Text::new(&[("en", "They met.\n\nThey agreed.")]),
        status,
        release_at,
        photos: vec![],
        corrections: vec![],
        held_by_press: status == ReleaseStatus::Embargoed,
        created_at: written,
        updated_at: written,
        version: 1,
    }
}

async fn insert_release(store: &Store, release: &PressRelease) -> PressRelease {
    let mut tx = store.begin().await.unwrap();
    let stored = store::press::insert_release(&mut tx, &system(), release).await.unwrap();
    tx.commit().await.unwrap();
    stored
}

fn photo(event: Id, public: bool, created_at: Timestamp) -> PressPhoto {
    PressPhoto {
        id: new_id(),
        event_id: event,
        caption: Text::new(&[("en", "Ministers at the family photo")]),
        credit: "Photo: MFA of Kazakhstan".into(),
        item: None,
        public,
        width: 1600,
        height: 1067,
        created_at,
    }
}

async fn insert_photo(store: &Store, photo: &PressPhoto) -> PressPhoto {
    let mut tx = store.begin().await.unwrap();
    let jpeg = format!("jpeg of {}", photo.id);
    let thumbnail = format!("thumbnail of {}", photo.id);
    let stored =
        store::press::insert_photo(&mut tx, &system(), photo, jpeg.as_bytes(), thumbnail.as_bytes()).await.unwrap();
    tx.commit().await.unwrap();
    stored
}

async fn audited(store: &Store, kind: EntityKind) -> Vec<store::audit::Entry> {
    store::audit::recent(store, &[kind], None, None, 100).await.unwrap()
}

/// How the domain names the reader a reach is, for a release of `event`.
fn reader(reach: &Reach, event: Id) -> Reader {
    match reach {
        Reach::Editor { events: None } => Reader::Editor,
        Reach::Editor { events: Some(events) } if events.contains(&event) => Reader::Editor,
        Reach::Press { events } if events.contains(&event) => Reader::Press,
        _ => Reader::Public,
    }
}

/// The listing's order: by release time, else by last change, the latest first; then by id.
fn listed(mut releases: Vec<PressRelease>) -> Vec<PressRelease> {
    releases.sort_by(|a, b| {
        let key = |r: &PressRelease| (r.release_at.unwrap_or(r.updated_at), r.id);
        key(b).cmp(&key(a))
    });
    releases
}

on_both_engines!(a_press_release_comes_back_as_written_and_refuses_stale_writes, |store| {
    let w = world(&store).await;
    let photo = insert_photo(&store, &photo(w.event, false, at("2025-04-10T07:00:00Z"))).await;
    let mut draft = release(w.event, "Ministers met", ReleaseStatus::Draft, None);
    draft.photos = vec![photo.id];
    draft.created_at = at("2025-04-10T08:00:00.123456789Z");
    draft.updated_at = draft.created_at;
    let stored = insert_release(&store, &draft).await;
    assert_eq!(stored.version, 1);
    assert_eq!(stored.created_at, at("2025-04-10T08:00:00.123456Z"), "kept to the microsecond");
    assert_eq!(store::press::release(&store, draft.id).await.unwrap(), Some(stored.clone()));
    assert_eq!(store::press::release(&store, new_id()).await.unwrap(), None);

    let corrected_at = at("2025-04-11T13:00:00Z");
    let published = PressRelease {
        title: Text::new(&[("en", "Ministers met in Almaty")]),
        status: ReleaseStatus::Published,
        release_at: Some(at("2025-04-11T12:00:00.5Z")),
        corrections: vec![Correction {
            at: corrected_at,
            note: Text::new(&[("en", "The city was added.")]),
            previous_title: stored.title.clone(),
            previous_body: stored.body.clone(),
        }],
        updated_at: corrected_at,
        event_id: w.other,
        ..stored.clone()
    };
    let mut tx = store.begin().await.unwrap();
    let saved = store::press::update_release(&mut tx, &system(), &published, 1).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(saved.version, 2);
    assert_eq!(saved.event_id, w.event, "a release stays with its event");
    assert_eq!(saved.created_at, stored.created_at);
    assert_eq!(store::press::release(&store, draft.id).await.unwrap(), Some(saved.clone()));

    let mut tx = store.begin().await.unwrap();
    let err = store::press::update_release(&mut tx, &system(), &published, 1).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "press release", current: 2 }), "{err:?}");
    let gone = PressRelease { id: new_id(), ..published.clone() };
    let err = store::press::update_release(&mut tx, &system(), &gone, 1).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    drop(tx);

    let mut tx = store.begin().await.unwrap();
    let nowhere = release(new_id(), "Nowhere", ReleaseStatus::Draft, None);
    let err = store::press::insert_release(&mut tx, &system(), &nowhere).await.unwrap_err();
    assert!(matches!(err, StoreError::Unknown { field: "event" }), "{err:?}");
    drop(tx);

    let entries = audited(&store, EntityKind::PressRelease).await;
    assert_eq!(entries.len(), 2, "one created, one updated");
    let update = entries.iter().find(|e| e.action == "update").unwrap();
    assert_eq!(update.entity_id, draft.id);
    assert_eq!(update.before.as_ref().unwrap()["version"], 1);
    assert_eq!(update.after.as_ref().unwrap()["status"], "published");
});

on_both_engines!(every_press_reader_is_shown_what_the_domain_allows_and_nothing_else, |store| {
    let w = world(&store).await;
    // The clock reads half a second past noon: the store must compare instants, not their text
    // (a whole second is written without a fraction by the driver's own format).
    let noon = at("2025-04-11T12:00:00Z");
    let now = at("2025-04-11T12:00:00.5Z");
    let past = at("2025-04-11T11:00:00Z");
    let future = at("2025-04-11T15:00:00Z");
    let just_after = at("2025-04-11T12:00:00.500001Z");
    let cases = [
        (ReleaseStatus::Draft, None),
        (ReleaseStatus::Review, None),
        (ReleaseStatus::Scheduled, Some(future)),
        (ReleaseStatus::Scheduled, Some(past)),
        (ReleaseStatus::Scheduled, Some(noon)),
        (ReleaseStatus::Scheduled, Some(just_after)),
        (ReleaseStatus::Embargoed, Some(future)),
        (ReleaseStatus::Embargoed, Some(past)),
        (ReleaseStatus::Embargoed, Some(now)),
        (ReleaseStatus::Embargoed, Some(just_after)),
        (ReleaseStatus::Published, Some(past)),
        (ReleaseStatus::Published, Some(now)),
    ];
    let mut all = Vec::new();
    for event in [w.event, w.other] {
        for (n, (status, release_at)) in cases.into_iter().enumerate() {
            let mut r = release(event, &format!("{status:?} {n}"), status, release_at);
            r.updated_at += (n as i64).minutes();
            all.push(insert_release(&store, &r).await);
        }
    }

    let reaches = [
        ("public", Reach::Public),
        ("press of this event", Reach::Press { events: vec![w.event] }),
        ("press of another event", Reach::Press { events: vec![new_id()] }),
        ("press of both", Reach::Press { events: vec![w.event, w.other] }),
        ("editor of this event", Reach::Editor { events: Some(vec![w.event]) }),
        ("editor of nothing", Reach::Editor { events: Some(vec![]) }),
        ("admin", Reach::Editor { events: None }),
    ];
    for when in [at("2025-04-10T00:00:00Z"), noon, now, just_after, future, at("2025-04-12T00:00:00Z")] {
        for (who, reach) in &reaches {
            for event in [None, Some(w.event), Some(w.other)] {
                let expected = listed(
                    all.iter()
                        .filter(|r| event.is_none_or(|e| r.event_id == e))
                        .filter(|r| r.shown_to(reader(reach, r.event_id), when).is_some())
                        .cloned()
                        .collect(),
                );
                let query = ReleaseQuery { event, reach: reach.clone(), now: when, limit: 0, offset: 0 };
                let before = store.queries();
                let shown = store::press::releases(&store, &query).await.unwrap();
                assert_eq!(store.queries() - before, 1, "one query");
                for r in &shown {
                    assert!(
                        r.shown_to(reader(reach, r.event_id), when).is_some(),
                        "{who} at {when} was shown {:?} at {:?}",
                        r.status,
                        r.release_at
                    );
                }
                let ids = |rs: &[PressRelease]| rs.iter().map(|r| r.id).collect::<BTreeSet<_>>();
                if let Some(missing) = ids(&expected).difference(&ids(&shown)).next() {
                    let r = all.iter().find(|r| r.id == *missing).unwrap();
                    panic!("{who} at {when} was not shown {:?} at {:?}", r.status, r.release_at);
                }
                assert_eq!(shown, expected, "{who} at {when}: in the listing's order");
                let count = store::press::count_releases(&store, &query).await.unwrap();
                assert_eq!(count, expected.len() as i64, "{who} at {when}: counted");
                let page = ReleaseQuery { limit: 3, offset: 2, ..query };
                let paged = store::press::releases(&store, &page).await.unwrap();
                assert_eq!(paged, expected.iter().skip(2).take(3).cloned().collect::<Vec<_>>(), "{who}: a page");
            }
        }
    }
    // The boundaries, spelled out.
    let public = ReleaseQuery { event: Some(w.event), reach: Reach::Public, now, limit: 0, offset: 0 };
    let shown = store::press::releases(&store, &public).await.unwrap();
    let statuses: Vec<_> = shown.iter().map(|r| (r.status, r.release_at)).collect();
    assert!(statuses.contains(&(ReleaseStatus::Scheduled, Some(noon))), "released at noon: {statuses:?}");
    assert!(statuses.contains(&(ReleaseStatus::Embargoed, Some(now))), "released at its very instant");
    assert!(!statuses.contains(&(ReleaseStatus::Scheduled, Some(just_after))), "a microsecond early");
});

on_both_engines!(press_photos_become_public_with_their_release, |store| {
    let w = world(&store).await;
    let created = at("2025-04-11T09:30:00Z");
    let mut marked = photo(w.event, true, created);
    marked.item = Some(w.item);
    let marked = insert_photo(&store, &marked).await;
    let with_release = insert_photo(&store, &photo(w.event, false, created + 1.minute())).await;
    let unused = insert_photo(&store, &photo(w.event, false, created + 2.minutes())).await;
    let elsewhere = insert_photo(&store, &photo(w.other, true, created + 3.minutes())).await;
    assert_eq!(store::press::photo(&store, marked.id).await.unwrap(), Some(marked.clone()));
    assert_eq!(store::press::photo(&store, new_id()).await.unwrap(), None);
    assert_eq!(
        store::press::photos_of_event(&store, w.event).await.unwrap(),
        [unused.clone(), with_release.clone(), marked.clone()],
        "the latest first"
    );

    let release_at = at("2025-04-11T14:00:00Z");
    let mut embargoed = release(w.event, "With photos", ReleaseStatus::Embargoed, Some(release_at));
    embargoed.photos = vec![with_release.id, marked.id];
    insert_release(&store, &embargoed).await;
    let mut draft = release(w.event, "Draft with a photo", ReleaseStatus::Draft, None);
    draft.photos = vec![unused.id];
    insert_release(&store, &draft).await;

    let before = store.queries();
    let early = store::press::public_photos(&store, Some(w.event), release_at - 1.second()).await.unwrap();
    assert_eq!(store.queries() - before, 1, "one query");
    assert_eq!(early, std::slice::from_ref(&marked), "before its release only the photo marked public");
    let later = store::press::public_photos(&store, Some(w.event), release_at).await.unwrap();
    assert_eq!(later, [with_release.clone(), marked.clone()], "the release's photo at its time");
    let everywhere = store::press::public_photos(&store, None, release_at).await.unwrap();
    assert_eq!(everywhere, [elsewhere.clone(), with_release.clone(), marked.clone()]);

    let before = store.queries();
    let by_ids = store::press::photos_by_ids(&store, &[unused.id, new_id(), marked.id]).await.unwrap();
    assert_eq!(store.queries() - before, 1, "one query");
    assert_eq!(by_ids, [unused.clone(), marked.clone()], "in the order given");
    assert!(store::press::photos_by_ids(&store, &[]).await.unwrap().is_empty());

    let jpeg = store::press::photo_bytes(&store, marked.id, false).await.unwrap();
    assert_eq!(jpeg.as_deref(), Some(format!("jpeg of {}", marked.id).as_bytes()));
    let thumbnail = store::press::photo_bytes(&store, marked.id, true).await.unwrap();
    assert_eq!(thumbnail.as_deref(), Some(format!("thumbnail of {}", marked.id).as_bytes()));
    assert_eq!(store::press::photo_bytes(&store, new_id(), false).await.unwrap(), None);

    let mut tx = store.begin().await.unwrap();
    store::press::delete_photo(&mut tx, &system(), with_release.id).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store::press::photo(&store, with_release.id).await.unwrap(), None);
    assert_eq!(
        store::press::public_photos(&store, Some(w.event), release_at).await.unwrap(),
        std::slice::from_ref(&marked)
    );
    let mut tx = store.begin().await.unwrap();
    let err = store::press::delete_photo(&mut tx, &system(), with_release.id).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    let mut stray = photo(w.event, false, created);
    stray.item = Some(new_id());
    let err = store::press::insert_photo(&mut tx, &system(), &stray, b"j", b"t").await.unwrap_err();
    assert!(matches!(err, StoreError::Unknown { field: "item" }), "{err:?}");
    drop(tx);

    let entries = audited(&store, EntityKind::PressPhoto).await;
    assert_eq!(entries.len(), 5, "four added, one deleted");
    let deleted = entries.iter().find(|e| e.action == "delete").unwrap();
    assert_eq!(deleted.entity_id, with_release.id);
    assert_eq!(deleted.before.as_ref().unwrap()["credit"], "Photo: MFA of Kazakhstan");
    assert!(deleted.after.is_none());
});

on_both_engines!(a_media_application_comes_back_as_written_and_refuses_stale_writes, |store| {
    let w = world(&store).await;
    let mut tx = store.begin().await.unwrap();
    let portrait = store::press::insert_photo_bytes(&mut tx, b"portrait", b"small portrait").await.unwrap();
    tx.commit().await.unwrap();
    let applied = at("2025-04-01T10:00:00.987654321Z");
    let application = |name: &str, created_at: Timestamp, photo: Option<Id>| MediaApplication {
        id: new_id(),
        event_id: w.event,
        name: name.into(),
        outlet: "Kazinform".into(),
        country: "Kazakhstan".into(),
        email: "a.sadykova@example.kz".into(),
        press_card: "KZ-2025-0042".into(),
        photo,
        status: ApplicationStatus::Pending,
        reason: String::new(),
        user_id: None,
        created_at,
        version: 1,
    };
    let mut tx = store.begin().await.unwrap();
    let second = application("Later Applicant", applied + 1.hour(), None);
    let second = store::press::insert_application(&mut tx, &system(), &second).await.unwrap();
    let first = application("Aigerim Sadykova", applied, Some(portrait));
    let first = store::press::insert_application(&mut tx, &system(), &first).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(first.created_at, at("2025-04-01T10:00:00.987654Z"));
    assert_eq!(store::press::application(&store, first.id).await.unwrap(), Some(first.clone()));
    assert_eq!(store::press::application(&store, new_id()).await.unwrap(), None);
    assert_eq!(
        store::press::applications_of_event(&store, w.event).await.unwrap(),
        [first.clone(), second.clone()],
        "the oldest first"
    );
    assert!(store::press::applications_of_event(&store, w.other).await.unwrap().is_empty());
    let bytes = store::press::photo_bytes(&store, first.photo.unwrap(), true).await.unwrap();
    assert_eq!(bytes.as_deref(), Some(&b"small portrait"[..]));

    let mut tx = store.begin().await.unwrap();
    let user = store::accounts::create_user(&mut tx, &system(), "press-aigerim", "Aigerim Sadykova", "x", false)
        .await
        .unwrap();
    let approved = MediaApplication { status: ApplicationStatus::Approved, user_id: Some(user.id), ..first.clone() };
    let saved = store::press::update_application(&mut tx, &system(), &approved, 1).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(saved.version, 2);
    assert_eq!(store::press::application(&store, first.id).await.unwrap(), Some(saved.clone()));

    let mut tx = store.begin().await.unwrap();
    let rejected =
        MediaApplication { status: ApplicationStatus::Rejected, reason: "No press card".into(), ..first.clone() };
    let err = store::press::update_application(&mut tx, &system(), &rejected, 1).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "media application", current: 2 }), "{err:?}");
    let stray = MediaApplication { user_id: Some(new_id()), ..second.clone() };
    let err = store::press::update_application(&mut tx, &system(), &stray, 1).await.unwrap_err();
    assert!(matches!(err, StoreError::Unknown { field: "user" }), "{err:?}");
    drop(tx);

    let entries = audited(&store, EntityKind::MediaApplication).await;
    assert_eq!(entries.len(), 3, "two created, one decided");
    assert!(entries.iter().any(|e| e.action == "update" && e.after.as_ref().unwrap()["status"] == "approved"));
});
