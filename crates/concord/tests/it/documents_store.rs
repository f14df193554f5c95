//! Agendas and documents in the store, on both engines: versions are kept and never overwritten,
//! stale writes conflict, search applies every classification inside its query, concurrent
//! responses are all recorded, and `verify` names a tampered version.

use domain::agenda::{Agenda, AgendaItem, Area, ItemStatus, Revision, RevisionItem};
use domain::bodies::{ChairRule, DecisionRule, MembershipStatus, NewBody};
use domain::decisions::{Signature, Signing, Stance, StanceRecord};
use domain::documents::{
    Amendment, AmendmentStatus, Classification, Document, DocumentKind, DocumentStatus, Frozen, Operation, Paragraph,
    Position, Response, Version,
};
use domain::events::{EventFields, Format, MeetingFields};
use domain::participants::{NewParticipant, ParticipantKind};
use domain::policy::{Actor, DocumentReach, EntityKind};
use domain::{Id, Text, new_id};
use jiff::civil::date;
use store::documents::{Filter, Found};
use store::{Store, StoreError};

use crate::on_both_engines;

/// What the tests build on: three participants, two bodies, a meeting with an agenda item, and a
/// second meeting on another date.
struct World {
    body: Id,
    other_body: Id,
    event: Id,
    meeting: Id,
    later_meeting: Id,
    item: AgendaItem,
    kz: Id,
    ru: Id,
    am: Id,
}

/// A minister's signature for `participant`, in Almaty, now.
fn signed(participant: Id, person: &str) -> Signature {
    Signature {
        participant,
        person: Text::new(&[("ru", person)]),
        position: Text::new(&[("ru", "Министр иностранных дел")]),
        signed_at: now(),
        place: Text::new(&[("ru", "Алматы")]),
    }
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
    let body = |slug: &str| NewBody {
        slug: slug.into(),
        name: Text::new(&[("en", "Council"), ("ru", "Совет")]),
        working_language: "ru".into(),
        decision_rule: DecisionRule::Consensus,
        chair_rule: ChairRule::Agreed,
        precedence: None,
        protocol: Default::default(),
        seat: Text::new(&[("en", "Minsk")]),
        time_zone: "Europe/Minsk".into(),
    };
    let cfm = store::bodies::create(&mut tx, &system(), body("test-cfm")).await.unwrap();
    let other = store::bodies::create(&mut tx, &system(), body("test-other")).await.unwrap();
    for code in ["KZ", "AM"] {
        let period = store::bodies::NewMembership {
            participant: code,
            status: MembershipStatus::Full,
            valid_from: date(1991, 12, 21),
            valid_until: None,
            note: "",
        };
        store::bodies::add_membership(&mut tx, &system(), cfm.id, period).await.unwrap();
    }
    let fields = EventFields {
        slug: "documents-test".into(),
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
    let event = store::events::create(&mut tx, &system(), fields).await.unwrap();
    let meeting = |slug: &str, day| MeetingFields {
        slug: slug.into(),
        body: "test-cfm".into(),
        number: None,
        title: Text::new(&[("en", "Meeting")]),
        cases: Default::default(),
        chair: None,
        formats: vec![Format::Narrow, Format::Extended],
        date: date(2025, 4, day),
    };
    let first = store::events::create_meeting(&mut tx, &system(), &event, cfm.id, meeting("first", 10)).await.unwrap();
    let later = store::events::create_meeting(&mut tx, &system(), &event, cfm.id, meeting("later", 12)).await.unwrap();
    let item =
        store::agenda::create_item(&mut tx, &system(), agenda_item(first.id, Format::Extended, 1)).await.unwrap();
    tx.commit().await.unwrap();
    World {
        body: cfm.id,
        other_body: other.id,
        event: event.id,
        meeting: first.id,
        later_meeting: later.id,
        item,
        kz: ids[0],
        ru: ids[1],
        am: ids[2],
    }
}

fn agenda_item(meeting: Id, format: Format, number: u32) -> AgendaItem {
    AgendaItem {
        id: new_id(),
        meeting_id: meeting,
        format,
        number,
        title: Text::new(&[("ru", "О сотрудничестве в гуманитарной сфере")]),
        area: "cultural_humanitarian".into(),
        initiator: None,
        rapporteur: Text::default(),
        status: ItemStatus::Included,
        reason: Text::default(),
        forwarded_to: None,
        version: 1,
    }
}

fn document(w: &World, register_number: &str, classification: Classification, readers: Vec<Id>) -> Document {
    Document {
        id: new_id(),
        body_id: w.body,
        meeting_id: Some(w.meeting),
        agenda_item_id: Some(w.item.id),
        kind: DocumentKind::DraftDecision,
        register_number: register_number.into(),
        title: Text::new(&[("ru", "Проект решения"), ("en", "Draft decision")]),
        original_language: "ru".into(),
        classification,
        readers,
        initiator: None,
        status: DocumentStatus::Draft,
        forwarded_to: None,
        frozen: None,
        version: 1,
    }
}

fn version(document: Id, number: u32, language: &str, texts: &[&str]) -> Version {
    let paragraphs = texts.iter().map(|t| Paragraph::plain(*t)).collect();
    Version::new(document, number, language, paragraphs, "secretariat".into(), now())
}

async fn create(store: &Store, document: Document, texts: &[&str]) -> Document {
    let first = version(document.id, 1, &document.original_language, texts);
    let mut tx = store.begin().await.unwrap();
    let created = store::documents::create(&mut tx, &system(), document, first).await.unwrap();
    tx.commit().await.unwrap();
    created
}

fn numbers(found: &[Found]) -> Vec<String> {
    let mut all = numbers_in_order(found);
    all.sort();
    all
}

on_both_engines!(areas_items_and_agendas_keep_their_order_and_refuse_stale_writes, |store| {
    let w = world(&store).await;
    let area = Area { body_id: w.body, slug: "space".into(), name: Text::new(&[("en", "Space")]) };
    let mut tx = store.begin().await.unwrap();
    store::agenda::add_area(&mut tx, &system(), area.clone()).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let err = store::agenda::add_area(&mut tx, &system(), area.clone()).await.unwrap_err();
    assert!(matches!(err, StoreError::Duplicate { field: "slug" }), "{err:?}");
    drop(tx);
    assert_eq!(store::agenda::areas_of(&store, w.body).await.unwrap(), [area]);
    assert!(store::agenda::areas_of(&store, w.other_body).await.unwrap().is_empty());

    let mut tx = store.begin().await.unwrap();
    let second =
        store::agenda::create_item(&mut tx, &system(), agenda_item(w.meeting, Format::Extended, 2)).await.unwrap();
    let narrow =
        store::agenda::create_item(&mut tx, &system(), agenda_item(w.meeting, Format::Narrow, 1)).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let err =
        store::agenda::create_item(&mut tx, &system(), agenda_item(w.meeting, Format::Narrow, 1)).await.unwrap_err();
    assert!(matches!(err, StoreError::Duplicate { field: "number" }), "{err:?}");
    drop(tx);
    let items = store::agenda::items_of_meeting(&store, w.meeting).await.unwrap();
    assert_eq!(items, [narrow, w.item.clone(), second.clone()], "the narrow format first, then by number");

    let withdrawn = AgendaItem {
        status: ItemStatus::Withdrawn,
        reason: Text::new(&[("ru", "Внутригосударственные процедуры не завершены")]),
        ..second.clone()
    };
    let mut tx = store.begin().await.unwrap();
    let saved = store::agenda::replace_item(&mut tx, &system(), &second, withdrawn.clone()).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(saved.version, 2);
    let mut tx = store.begin().await.unwrap();
    let err = store::agenda::replace_item(&mut tx, &system(), &second, withdrawn).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "agenda item", current: 2 }), "{err:?}");
    drop(tx);
    assert_eq!(store::agenda::items_of_meeting(&store, w.meeting).await.unwrap()[2], saved);

    assert!(store::agenda::agendas_of_meeting(&store, w.meeting).await.unwrap().is_empty(), "drafts have no row");
    let draft = Agenda { meeting_id: w.meeting, format: Format::Extended, adopted_at: None, version: 1 };
    let mut tx = store.begin().await.unwrap();
    let recorded = store::agenda::set_agenda(&mut tx, &system(), None, draft.clone()).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(recorded, draft);
    let adopted = Agenda { adopted_at: Some(now()), ..draft.clone() };
    let mut tx = store.begin().await.unwrap();
    let err = store::agenda::set_agenda(&mut tx, &system(), None, adopted.clone()).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "agenda", current: 1 }), "{err:?}");
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    let saved = store::agenda::set_agenda(&mut tx, &system(), Some(&recorded), adopted.clone()).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(saved, Agenda { version: 2, ..adopted.clone() });
    let mut tx = store.begin().await.unwrap();
    let err = store::agenda::set_agenda(&mut tx, &system(), Some(&recorded), adopted).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "agenda", current: 2 }), "{err:?}");
    drop(tx);
    assert_eq!(store::agenda::agendas_of_meeting(&store, w.meeting).await.unwrap(), std::slice::from_ref(&saved));

    // The meeting reopens its adopted agenda: a draft again, the adopted one kept as revision 1
    // with its items as they stand when it is kept.
    let reason = Text::new(&[("ru", "По предложению Республики Армения")]);
    let (draft_again, reopening) = domain::agenda::reopen(&saved, reason, now()).unwrap();
    let mut tx = store.begin().await.unwrap();
    let (reopened, revision) =
        store::agenda::reopen(&mut tx, &system(), &saved, draft_again.clone(), reopening.clone()).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(reopened, Agenda { version: 3, ..draft_again.clone() });
    let items = store::agenda::items_of_meeting(&store, w.meeting).await.unwrap();
    let extended: Vec<RevisionItem> =
        items.iter().filter(|i| i.format == Format::Extended).map(RevisionItem::from).collect();
    assert_eq!(revision, Revision { number: 1, reopening: reopening.clone(), items: extended });
    let mut tx = store.begin().await.unwrap();
    let err = store::agenda::reopen(&mut tx, &system(), &saved, draft_again, reopening).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "agenda", current: 3 }), "{err:?}");
    drop(tx);
    assert_eq!(store::agenda::revisions_of_meeting(&store, w.meeting).await.unwrap(), [revision], "kept once");
    assert_eq!(store::agenda::agendas_of_meeting(&store, w.meeting).await.unwrap(), [reopened]);
    let kinds = [EntityKind::Area, EntityKind::AgendaItem, EntityKind::Agenda, EntityKind::AgendaRevision];
    assert_eq!(store::audit::recent(&store, &kinds, None, None, 100).await.unwrap().len(), 9, "every write is audited");
});

// The race the page cannot see: the secretariat sends a renumbering decided on the draft just as
// the agenda is adopted. The change holds the agenda, so the adoption waits for it and conflicts
// (its version moved), and a change after the adoption finds the agenda adopted.
on_both_engines!(an_item_change_holds_its_agenda_so_an_adoption_meanwhile_conflicts, |store| {
    let w = world(&store).await;
    let mut tx = store.begin().await.unwrap();
    let draft = Agenda { meeting_id: w.meeting, format: Format::Extended, adopted_at: None, version: 1 };
    let draft = store::agenda::set_agenda(&mut tx, &system(), None, draft).await.unwrap();
    tx.commit().await.unwrap();

    let mut change = store.begin().await.unwrap();
    let adopted = store::agenda::hold_agendas(&mut change, w.meeting, &[Format::Extended]).await.unwrap();
    assert!(adopted.is_empty());
    let renumbered = AgendaItem { number: 7, ..w.item.clone() };
    store::agenda::replace_item(&mut change, &system(), &w.item, renumbered).await.unwrap();
    let adoption = tokio::spawn({
        let (store, draft) = (store.clone(), draft.clone());
        async move {
            let mut tx = store.begin().await?;
            let adopted = Agenda { adopted_at: Some(now()), ..draft.clone() };
            let adopted = store::agenda::set_agenda(&mut tx, &system(), Some(&draft), adopted).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(adopted)
        }
    });
    change.commit().await.unwrap();
    let err = adoption.await.unwrap().unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "agenda", current: 2 }), "{err:?}");
    assert_eq!(store::agenda::items_of_meeting(&store, w.meeting).await.unwrap()[0].number, 7);

    let current = store::agenda::agendas_of_meeting(&store, w.meeting).await.unwrap().remove(0);
    let mut tx = store.begin().await.unwrap();
    let adopted = Agenda { adopted_at: Some(now()), ..current.clone() };
    store::agenda::set_agenda(&mut tx, &system(), Some(&current), adopted).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let held = store::agenda::hold_agendas(&mut tx, w.meeting, &[Format::Extended, Format::Narrow]).await.unwrap();
    assert_eq!(held, [Format::Extended], "the narrow format's draft has no row, and gets one");
    tx.commit().await.unwrap();
    let narrow = Agenda { meeting_id: w.meeting, format: Format::Narrow, adopted_at: Some(now()), version: 1 };
    let mut tx = store.begin().await.unwrap();
    let err = store::agenda::set_agenda(&mut tx, &system(), None, narrow).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "agenda", current: 1 }), "{err:?}");
});

on_both_engines!(a_document_keeps_every_version_and_refuses_stale_writes, |store| {
    let w = world(&store).await;
    let draft = document(&w, "CFM/2025/01", Classification::Listed, vec![w.ru, w.kz, w.ru]);
    let created = create(&store, draft.clone(), &["Первый абзац.", "Второй абзац."]).await;
    assert_eq!(created.readers, [w.ru, w.kz], "each reader once, in the order given");
    assert_eq!(store::documents::by_id(&store, created.id).await.unwrap(), Some(created.clone()));
    assert_eq!(store::documents::by_id(&store, new_id()).await.unwrap(), None);

    let mut tx = store.begin().await.unwrap();
    let twin = Document { id: new_id(), ..draft.clone() };
    let err = store::documents::create(&mut tx, &system(), twin.clone(), version(twin.id, 1, "ru", &["x"]))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate { field: "register_number" }), "{err:?}");
    drop(tx);

    let v2 = version(created.id, 2, "ru", &["Первый абзац.", "Второй абзац, изменённый."]);
    let kk = version(created.id, 1, "kk", &["Бірінші абзац.", "Екінші абзац."]);
    let mut tx = store.begin().await.unwrap();
    let v2 = store::documents::add_version(&mut tx, &system(), &created, v2).await.unwrap();
    let kk = store::documents::add_version(&mut tx, &system(), &created, kk).await.unwrap();
    tx.commit().await.unwrap();
    let all = store::documents::versions(&store, created.id).await.unwrap();
    let keys: Vec<(u32, &str)> = all.iter().map(|v| (v.number, v.language.as_str())).collect();
    assert_eq!(keys, [(1, "kk"), (1, "ru"), (2, "ru")]);
    assert_eq!((&all[1].texts()[..], &all[2], &all[0]), (&["Первый абзац.", "Второй абзац."][..], &v2, &kk));
    assert!(all.iter().all(Version::is_intact));

    let mut tx = store.begin().await.unwrap();
    let again = version(created.id, 2, "ru", &["Другой текст."]);
    let err = store::documents::add_version(&mut tx, &system(), &created, again).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "document version", current: 2 }), "{err:?}");
    drop(tx);
    assert_eq!(store::documents::versions(&store, created.id).await.unwrap()[2], v2, "a version is never overwritten");
    let recorded = store::audit::recent(&store, &[EntityKind::DocumentVersion], None, None, 1).await.unwrap();
    let after = recorded[0].after.as_ref().unwrap();
    assert_eq!((recorded[0].entity_id, &after["number"], &after["language"]), (created.id, &1.into(), &"kk".into()));
    assert_eq!(after["sha256"], kk.sha256.as_str());

    let edited = Document {
        title: Text::new(&[("ru", "Проект решения о Годе Победы")]),
        readers: vec![w.kz],
        ..created.clone()
    };
    let mut tx = store.begin().await.unwrap();
    let saved = store::documents::replace(&mut tx, &system(), &created, edited.clone()).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(saved, Document { version: 2, ..edited.clone() });
    assert_eq!(store::documents::by_id(&store, created.id).await.unwrap(), Some(saved.clone()));
    let mut tx = store.begin().await.unwrap();
    let err = store::documents::replace(&mut tx, &system(), &created, edited).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "document", current: 2 }), "{err:?}");
    drop(tx);
    let admin = DocumentReach { all: true, ..Default::default() };
    let titled = |q: &str| Filter { q: Some(q.into()), ..Filter::default() };
    let found = store::documents::search(&store, &admin, &titled("Годе")).await.unwrap().found;
    assert_eq!(numbers(&found), ["CFM/2025/01"], "the new title is indexed");
    assert!(
        store::documents::search(&store, &admin, &titled("Draft")).await.unwrap().found.is_empty(),
        "the old one is not"
    );
    let found = store::documents::search(&store, &admin, &titled("изменённый")).await.unwrap().found;
    assert_eq!(numbers(&found), ["CFM/2025/01"], "the latest version's text is indexed");
    assert!(store::documents::search(&store, &admin, &titled("Второй абзац.")).await.unwrap().found.len() == 1);
    assert!(store::documents::search(&store, &admin, &titled("Бірінші")).await.unwrap().found.len() == 1);
    assert_eq!(store::documents::of_meeting(&store, w.meeting).await.unwrap(), [saved]);
    assert!(store::documents::of_meeting(&store, w.later_meeting).await.unwrap().is_empty());
    assert!(store::documents::verify(&store).await.unwrap().is_empty());
    assert!(matches!(store::audit::verify(&store).await.unwrap(), store::audit::Verdict::Intact { .. }));
});

on_both_engines!(search_finds_words_and_applies_every_classification_inside_its_query, |store| {
    let w = world(&store).await;
    let public = create(
        &store,
        document(&w, "CFM/1-public", Classification::Public, vec![]),
        &["Заявление к 80-летию Победы в Великой Отечественной войне.", "О сотрудничестве."],
    )
    .await;
    let members = create(
        &store,
        Document {
            meeting_id: Some(w.later_meeting),
            agenda_item_id: None,
            ..document(&w, "CFM/2-members", Classification::Members, vec![])
        },
        &["О сотрудничестве в области миграции."],
    )
    .await;
    let listed = create(
        &store,
        document(&w, "CFM/3-listed", Classification::Listed, vec![w.ru]),
        &["О сотрудничестве в сфере транспорта."],
    )
    .await;
    let internal = create(
        &store,
        Document {
            meeting_id: None,
            agenda_item_id: None,
            ..document(&w, "CFM/4-internal", Classification::Internal, vec![w.kz])
        },
        &["Позиция делегации о сотрудничестве."],
    )
    .await;
    let other_members = create(
        &store,
        Document {
            body_id: w.other_body,
            meeting_id: None,
            agenda_item_id: None,
            ..document(&w, "OTHER/5-members", Classification::Members, vec![])
        },
        &["Сотрудничество."],
    )
    .await;
    let mut tx = store.begin().await.unwrap();
    let kk = version(public.id, 1, "kk", &["Қазақстан Республикасы жеңістің 80 жылдығына арналған мәлімдеме."]);
    store::documents::add_version(&mut tx, &system(), &public, kk).await.unwrap();
    // An amendment to the members' paper and one to Kazakhstan's own: the audit trail files each
    // under the amendment's id, and shows it by its document's reach.
    let mut amendments = Vec::new();
    for d in [&members, &internal] {
        let amendment = Amendment {
            id: new_id(),
            document_id: d.id,
            version: 1,
            paragraph: 1,
            operation: Operation::Delete,
            text: String::new(),
            target: String::new(),
            justification: String::new(),
            proposer: w.kz,
            status: AmendmentStatus::Pending,
            responses: vec![],
            created_at: now(),
            row_version: 1,
        };
        amendments.push((
            d.register_number.clone(),
            store::documents::propose(&mut tx, &system(), amendment).await.unwrap().id,
        ));
    }
    tx.commit().await.unwrap();

    let kz_officer =
        DocumentReach { member_of: vec![w.body], speaks_for: vec![w.kz], own: vec![w.kz], ..Default::default() };
    let kz_host = DocumentReach { member_of: vec![w.body], speaks_for: vec![w.kz], ..Default::default() };
    let ru_ministry = DocumentReach { speaks_for: vec![w.ru], own: vec![w.ru], ..Default::default() };
    let am_ministry =
        DocumentReach { member_of: vec![w.body], speaks_for: vec![w.am], own: vec![w.am], ..Default::default() };
    let secretariat = DocumentReach { secretariat_of: vec![w.body], ..Default::default() };
    let other_secretariat = DocumentReach { secretariat_of: vec![w.other_body], ..Default::default() };
    let anyone = DocumentReach::default();
    let admin = DocumentReach { all: true, ..Default::default() };
    let all_docs = [&public, &members, &listed, &internal, &other_members];
    let cases: [(&str, &DocumentReach, &[&str]); 8] = [
        ("kz officer", &kz_officer, &["CFM/1-public", "CFM/2-members", "CFM/4-internal"]),
        ("kz host", &kz_host, &["CFM/1-public", "CFM/2-members"]),
        ("ru ministry", &ru_ministry, &["CFM/1-public", "CFM/3-listed"]),
        ("am ministry", &am_ministry, &["CFM/1-public", "CFM/2-members"]),
        ("secretariat", &secretariat, &["CFM/1-public", "CFM/2-members", "CFM/3-listed"]),
        ("other secretariat", &other_secretariat, &["CFM/1-public", "OTHER/5-members"]),
        ("anyone", &anyone, &["CFM/1-public"]),
        ("admin", &admin, &["CFM/1-public", "CFM/2-members", "CFM/3-listed", "CFM/4-internal", "OTHER/5-members"]),
    ];
    for (who, reach, expected) in cases {
        for q in [None, Some("сотрудничество Победа"), Some("Сотрудничество")] {
            let filter = Filter { q: q.map(String::from), ..Filter::default() };
            let results = store::documents::search(&store, reach, &filter).await.unwrap();
            let found = results.found;
            let mut wanted: Vec<&str> = expected.to_vec();
            if q.is_some_and(|q| q.contains(' ')) {
                wanted.retain(|n| *n == "CFM/1-public"); // both words, in other forms: one text has both
            }
            assert_eq!(numbers(&found), wanted, "{who} searching {q:?}");
            let seen: Vec<&str> = all_docs
                .iter()
                .filter(|d| reach.sees(d))
                .map(|d| d.register_number.as_str())
                .filter(|n| wanted.contains(n))
                .collect();
            assert_eq!(seen, wanted, "{who}: the query applies the rules of DocumentReach::sees");
            assert_eq!((results.total, results.more), (wanted.len() as i64, false), "{who}");
        }
        // The audit trail applies the same reach to each document's entries, whatever the kinds
        // asked for.
        let entries = store::audit::recent(&store, &[], Some(reach), None, 1000).await.unwrap();
        let mut entered: Vec<&str> = all_docs
            .iter()
            .filter(|d| entries.iter().any(|e| e.entity_id == d.id))
            .map(|d| d.register_number.as_str())
            .collect();
        entered.sort_unstable();
        assert_eq!(entered, expected, "{who} in the audit trail");
        let amended: Vec<&str> = amendments
            .iter()
            .filter(|(_, id)| entries.iter().any(|e| e.entity == "amendment" && e.entity_id == *id))
            .map(|(number, _)| number.as_str())
            .collect();
        let readable: Vec<&str> = amendments.iter().map(|(n, _)| n.as_str()).filter(|n| expected.contains(n)).collect();
        assert_eq!(amended, readable, "{who}: amendments in the audit trail as their documents");
        assert!(
            entries.iter().all(|e| e.entity.starts_with("document") || e.entity == "amendment"),
            "{who}: nothing else is asked for"
        );
    }

    // Words: Cyrillic in either case, Kazakh letters, the title; a snippet shows the match.
    let search = |q: &str| {
        let store = store.clone();
        let filter = Filter { q: Some(q.into()), ..Filter::default() };
        async move { store::documents::search(&store, &DocumentReach::default(), &filter).await.unwrap().found }
    };
    let found = search("Победы").await;
    assert_eq!(numbers(&found), ["CFM/1-public"]);
    assert!(found[0].snippet.as_deref().unwrap_or("").contains("Победы"), "{:?}", found[0].snippet);
    assert_eq!(numbers(&search("победы").await), ["CFM/1-public"], "whatever the case");
    assert_eq!(numbers(&search("ПОБЕДЫ войне").await), ["CFM/1-public"]);
    assert_eq!(numbers(&search("Қазақстан").await), ["CFM/1-public"], "the Kazakh translation is indexed");
    assert_eq!(numbers(&search("жылдығына").await), ["CFM/1-public"]);
    assert_eq!(numbers(&search("Draft").await), ["CFM/1-public"], "titles are indexed");
    assert!(search("Победы миграции").await.is_empty(), "every word must match");
    assert_eq!(numbers(&search("\"Победы\" (* - ^:").await), ["CFM/1-public"], "no query syntax gets through");
    assert_eq!(search("\" ( * ").await.len(), 1, "no word at all: no condition");

    // Filters: meeting dates, newest first; area of the agenda item; participant; kind; status.
    let everything = |filter: Filter| {
        let store = store.clone();
        async move {
            store::documents::search(&store, &DocumentReach { all: true, ..Default::default() }, &filter)
                .await
                .unwrap()
                .found
        }
    };
    let ordered: Vec<String> =
        everything(Filter::default()).await.iter().map(|f| f.document.register_number.clone()).collect();
    assert_eq!(ordered, ["CFM/2-members", "CFM/1-public", "CFM/3-listed", "CFM/4-internal", "OTHER/5-members"]);
    let first = everything(Filter { limit: 2, offset: 1, ..Filter::default() }).await;
    assert_eq!(numbers(&first), ["CFM/1-public", "CFM/3-listed"]);
    let dated = everything(Filter { from: Some(date(2025, 4, 11)), ..Filter::default() }).await;
    assert_eq!((numbers(&dated), dated[0].date), (vec!["CFM/2-members".to_string()], Some(date(2025, 4, 12))));
    let until = everything(Filter { until: Some(date(2025, 4, 10)), ..Filter::default() }).await;
    assert_eq!(numbers(&until), ["CFM/1-public", "CFM/3-listed"]);
    let area = everything(Filter { area: Some("cultural_humanitarian".into()), ..Filter::default() }).await;
    assert_eq!(numbers(&area), ["CFM/1-public", "CFM/3-listed"]);
    assert_eq!(area[0].area.as_deref(), Some("cultural_humanitarian"));
    assert_eq!(
        numbers(&everything(Filter { body: Some(w.other_body), ..Filter::default() }).await),
        ["OTHER/5-members"]
    );
    assert_eq!(
        numbers(&everything(Filter { meeting: Some(w.later_meeting), ..Filter::default() }).await),
        ["CFM/2-members"]
    );
    let mut of_meetings = numbers(&everything(Filter { meeting: Some(w.meeting), ..Filter::default() }).await);
    of_meetings.extend(numbers(&everything(Filter { meeting: Some(w.later_meeting), ..Filter::default() }).await));
    let mut of_event = numbers(&everything(Filter { event: Some(w.event), ..Filter::default() }).await);
    of_meetings.sort();
    of_event.sort();
    assert!(of_event.len() >= 2 && of_event == of_meetings, "the event's documents are its meetings': {of_event:?}");
    assert!(everything(Filter { event: Some(w.item.id), ..Filter::default() }).await.is_empty());
    assert!(everything(Filter { kind: Some(DocumentKind::Agreement), ..Filter::default() }).await.is_empty());
    assert!(everything(Filter { status: Some(DocumentStatus::Adopted), ..Filter::default() }).await.is_empty());
    assert_eq!(numbers(&everything(Filter { participant: Some(w.ru), ..Filter::default() }).await), ["CFM/3-listed"]);
    let signature = signed(w.am, "А. Министр");
    let mut tx = store.begin().await.unwrap();
    store::documents::sign(&mut tx, &system(), members.id, Signing::First(signature)).await.unwrap();
    let initiated = Document { initiator: Some(w.am), ..listed.clone() };
    store::documents::replace(&mut tx, &system(), &listed, initiated).await.unwrap();
    tx.commit().await.unwrap();
    let am = everything(Filter { participant: Some(w.am), ..Filter::default() }).await;
    assert_eq!(numbers(&am), ["CFM/2-members", "CFM/3-listed"], "a signatory, an initiator");
    // The second page of a search by words (the fifth text holds "Сотрудничество"), and its
    // count: one query.
    let filter = Filter { q: Some("сотрудничестве".into()), limit: 1, offset: 1, ..Filter::default() };
    let admin_reach = DocumentReach { all: true, ..Default::default() };
    let queries = store.queries();
    let second = store::documents::search(&store, &admin_reach, &filter).await.unwrap();
    assert_eq!((second.found.len(), second.total, second.more), (1, 5, false));
    assert_eq!(store.queries() - queries, 1, "a search is one query, readers, count and all");
    // A page past the last still says how many there are.
    let past = store::documents::search(&store, &admin_reach, &Filter { offset: 9, ..filter.clone() }).await.unwrap();
    assert_eq!((past.found.len(), past.total, past.more), (0, 5, false));
    let listed_past = Filter { limit: 2, offset: 40, ..Filter::default() };
    let listed = store::documents::search(&store, &admin_reach, &listed_past).await.unwrap();
    assert_eq!((listed.found.len(), listed.total), (0, 5), "without words, too");
    // Ranking stops at the newest matches: the rest are counted as more, not ranked.
    for ranked in [1, 2, 3] {
        let bounded = Filter { ranked, limit: 50, offset: 0, ..filter.clone() };
        let results = store::documents::search(&store, &admin_reach, &bounded).await.unwrap();
        assert!(results.more, "{ranked}");
        assert!(results.total >= 1 && results.total <= ranked && results.found.len() as i64 == results.total);
    }
    let all = Filter { ranked: 100, limit: 50, offset: 0, ..filter.clone() };
    let results = store::documents::search(&store, &admin_reach, &all).await.unwrap();
    assert_eq!((results.found.len(), results.total, results.more), (5, 5, false));
});

on_both_engines!(a_document_matched_in_two_languages_is_found_once_by_its_better_text, |store| {
    let w = world(&store).await;
    let doc = create(
        &store,
        document(&w, "CFM/9", Classification::Public, vec![]),
        &["Договор, договор и договор о дружбе."],
    )
    .await;
    let mut tx = store.begin().await.unwrap();
    let kk = version(doc.id, 1, "kk", &["Достық туралы шарт (договор) мен оның күші туралы ереже."]);
    store::documents::add_version(&mut tx, &system(), &doc, kk).await.unwrap();
    let other = document(&w, "CFM/10", Classification::Public, vec![]);
    store::documents::create(
        &mut tx,
        &system(),
        other.clone(),
        version(other.id, 1, "ru", &["Договор о сотрудничестве в области культуры, науки и спорта на ближайшие годы."]),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let filter = Filter { q: Some("договор".into()), ranked: 100, limit: 50, ..Filter::default() };
    let results = store::documents::search(&store, &DocumentReach::default(), &filter).await.unwrap();
    assert_eq!(results.total, 2, "two documents, though three texts match");
    let found: Vec<_> = results.found.iter().map(|f| f.document.register_number.as_str()).collect();
    assert_eq!(found, ["CFM/9", "CFM/10"], "ordered by their better text's rank");
    let excerpt = results.found[0].snippet.as_deref().unwrap_or("");
    assert!(excerpt.contains("дружбе"), "the excerpt is cut from the better-ranked text: {excerpt:?}");
});

/// What anyone finds by `q`: the register numbers in the order found, and the first one's excerpt.
async fn public_search(store: &store::Store, q: &str) -> (Vec<String>, String) {
    let filter = Filter { q: Some(q.into()), ranked: 100, limit: 50, ..Filter::default() };
    let results = store::documents::search(store, &DocumentReach::default(), &filter).await.unwrap();
    let numbers = numbers_in_order(&results.found);
    (numbers, results.found.first().and_then(|f| f.snippet.clone()).unwrap_or_default())
}

on_both_engines!(a_word_is_found_whether_written_with_yo_or_ye, |store| {
    let w = world(&store).await;
    let text = "Устав Организации Объединённых Наций и ещё одна ссылка.";
    create(&store, document(&w, "CFM/11", Classification::Public, vec![]), &[text]).await;
    let plain = "Доклад Объединенных Наций о перечне мер.";
    create(&store, document(&w, "CFM/12", Classification::Public, vec![]), &[plain]).await;
    let found = |q: &'static str| {
        let store = &store;
        async move {
            let (mut numbers, excerpt) = public_search(store, q).await;
            numbers.sort();
            (numbers, excerpt)
        }
    };
    let (numbers, excerpt) = found("объединенных").await;
    assert_eq!(numbers, ["CFM/11", "CFM/12"], "е finds ё too");
    assert!(!excerpt.is_empty() && excerpt.contains("бъедин"), "{excerpt}");
    assert_eq!(found("Объединённых").await.0, ["CFM/11", "CFM/12"], "and ё finds е");
    assert_eq!(found("еще").await.0, ["CFM/11"]);
});

on_both_engines!(two_responses_to_one_amendment_at_once_are_both_recorded, |store| {
    let w = world(&store).await;
    let doc = create(&store, document(&w, "CFM/7", Classification::Members, vec![]), &["Один.", "Два."]).await;
    let amendment = Amendment {
        id: new_id(),
        document_id: doc.id,
        version: 1,
        paragraph: 2,
        operation: Operation::Replace,
        text: "Два, с поправкой.".into(),
        target: "Два.".into(),
        justification: "Уточнение.".into(),
        proposer: w.kz,
        status: AmendmentStatus::Pending,
        responses: vec![],
        created_at: now(),
        row_version: 1,
    };
    let mut tx = store.begin().await.unwrap();
    let proposed = store::documents::propose(&mut tx, &system(), amendment).await.unwrap();
    tx.commit().await.unwrap();

    let amendment_id = proposed.id;
    let respond = |participant: Id, position: Position| {
        let store = store.clone();
        async move {
            let mut tx = store.begin().await.unwrap();
            let response = Response { participant, position, comment: String::new(), at: now() };
            store::documents::respond(&mut tx, &system(), amendment_id, response).await.unwrap();
            tx.commit().await.unwrap();
        }
    };
    tokio::join!(respond(w.ru, Position::Objects), respond(w.am, Position::Supports));
    let all = store::documents::amendments(&store, doc.id).await.unwrap();
    assert_eq!(all.len(), 1);
    let mut who: Vec<(Id, Position)> = all[0].responses.iter().map(|r| (r.participant, r.position)).collect();
    who.sort_by_key(|(p, _)| *p);
    let mut expected = vec![(w.ru, Position::Objects), (w.am, Position::Supports)];
    expected.sort_by_key(|(p, _)| *p);
    assert_eq!(who, expected, "both responses are kept");
    assert_eq!(all[0].row_version, 1, "responding does not touch the amendment");

    let queries = store.queries();
    store::documents::amendments(&store, doc.id).await.unwrap();
    assert_eq!(store.queries() - queries, 2, "amendments and all their responses: two queries");

    let accepted = Amendment { status: AmendmentStatus::Accepted, ..all[0].clone() };
    let mut tx = store.begin().await.unwrap();
    let saved = store::documents::replace_amendment(&mut tx, &system(), &all[0], accepted.clone()).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!((saved.row_version, saved.status), (2, AmendmentStatus::Accepted));
    let mut tx = store.begin().await.unwrap();
    let err = store::documents::replace_amendment(&mut tx, &system(), &all[0], accepted).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "amendment", current: 2 }), "{err:?}");
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    let late = Response { participant: w.kz, position: Position::Objects, comment: String::new(), at: now() };
    let err = store::documents::respond(&mut tx, &system(), saved.id, late).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "amendment", current: 2 }), "decided: {err:?}");
    drop(tx);
    assert_eq!(store::documents::amendments(&store, doc.id).await.unwrap(), [saved]);

    let mut tx = store.begin().await.unwrap();
    let err = store::documents::respond(
        &mut tx,
        &system(),
        new_id(),
        Response { participant: w.kz, position: Position::Comments, comment: "?".into(), at: now() },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::Unknown { field: "amendment" }), "{err:?}");
    drop(tx);

    // Stances: one per member, restated over the last; signatures: once per member.
    let stance = |participant, stance, text: &str| StanceRecord { participant, stance, text: text.into(), at: now() };
    let mut tx = store.begin().await.unwrap();
    store::documents::state_stance(&mut tx, &system(), doc.id, stance(w.kz, Stance::Objects, "")).await.unwrap();
    store::documents::state_stance(&mut tx, &system(), doc.id, stance(w.am, Stance::Joins, "")).await.unwrap();
    let restated = stance(w.kz, Stance::JoinsWithReservation, "По пункту 2.");
    store::documents::state_stance(&mut tx, &system(), doc.id, restated.clone()).await.unwrap();
    tx.commit().await.unwrap();
    let stances = store::documents::stances(&store, doc.id).await.unwrap();
    assert_eq!(stances.len(), 2);
    assert_eq!(stances.iter().find(|s| s.participant == w.kz), Some(&restated));
    let signature = signed(w.kz, "М. Министр");
    let mut tx = store.begin().await.unwrap();
    store::documents::sign(&mut tx, &system(), doc.id, Signing::First(signature.clone())).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let err = store::documents::sign(&mut tx, &system(), doc.id, Signing::First(signature.clone())).await.unwrap_err();
    assert!(matches!(err, StoreError::Duplicate { field: "participant" }), "{err:?}");
    drop(tx);
    assert_eq!(store::documents::signatures(&store, doc.id).await.unwrap(), [signature]);
    let kinds = [EntityKind::Amendment, EntityKind::Stance, EntityKind::Signature];
    assert_eq!(store::audit::recent(&store, &kinds, None, None, 100).await.unwrap().len(), 8, "every write is audited");
    assert!(matches!(store::audit::verify(&store).await.unwrap(), store::audit::Verdict::Intact { .. }));
});

/// Runs one statement on the database directly, as someone with access to it might.
macro_rules! raw {
    ($store:expr, $sql:literal, $value:expr, $id:expr) => {
        match $store.pool() {
            store::Pool::Sqlite(pool) => {
                sqlx::query($sql).bind($value).bind($id).execute(pool).await.map(|_| ()).unwrap()
            }
            store::Pool::Postgres(pool) => {
                sqlx::query($sql).bind($value).bind($id).execute(pool).await.map(|_| ()).unwrap()
            }
        }
    };
}

on_both_engines!(a_word_is_found_in_any_of_its_forms_and_keys_made_by_other_rules_are_made_again, |store| {
    let w = world(&store).await;
    let text = "Решения Совета о сотрудничестве в области пограничной безопасности.";
    create(&store, document(&w, "CFM/13", Classification::Public, vec![]), &[text]).await;
    let other = "The Council adopted a decision on cultural cooperation.";
    create(&store, document(&w, "CFM/14", Classification::Public, vec![]), &[other]).await;
    let kazakh = "Шекара қауіпсіздігі саласындағы ынтымақтастық туралы келісімнің жобасы мен іс-шаралар \
        бағдарламасы Қазақстанда қаралды.";
    create(&store, document(&w, "CFM/17", Classification::Public, vec![]), &[kazakh]).await;
    let found = |q: &'static str| public_search(&store, q);
    let (numbers, excerpt) = found("решение безопасность").await;
    assert_eq!(numbers, ["CFM/13"], "other cases and numbers of the words searched for");
    assert!(excerpt.starts_with("Решения") && excerpt.contains("безопасности"), "{excerpt}");
    assert_eq!(found("сотрудничество").await.0, ["CFM/13"]);
    assert_eq!(found("decisions cooperating").await.0, ["CFM/14"], "English words too");
    let (numbers, excerpt) = found("келісімге ынтымақтастығы").await;
    assert_eq!(numbers, ["CFM/17"], "Kazakh words too");
    assert!(excerpt.contains("ынтымақтастық туралы келісімнің"), "{excerpt}");
    assert_eq!(found("Қазақстанның").await.0, ["CFM/17"]);
    assert_eq!(found("бағдарлама").await.0, ["CFM/17"], "a word and its possessive after a vowel, «-сы»");
    assert_eq!(found("безопасность cooperation").await.0, Vec::<String>::new(), "every word is required");
    assert_eq!(found("безопа\u{301}сности").await.0, ["CFM/13"], "a word with a stress mark is one word");
    assert_eq!(found("безопасность \u{345}").await.0, ["CFM/13"], "marks alone are no word");

    raw!(store, "UPDATE document_search SET title_words = $1, body_words = $1, stemming = 0 WHERE id > $2", "", 0_i64);
    assert_eq!(found("безопасность").await.0, Vec::<String>::new(), "no keys, nothing found");
    assert!(store::documents::make_keys(&store).await.unwrap() >= 2, "each text's keys made again");
    assert_eq!(found("безопасность").await.0, ["CFM/13"]);
    assert_eq!(store::documents::make_keys(&store).await.unwrap(), 0, "and only once");
});

on_both_engines!(the_register_is_ordered_by_its_numbers_as_people_read_them, |store| {
    let w = world(&store).await;
    for number in ["CFM/10", "CFM/9", "CFM/1"] {
        create(&store, document(&w, number, Classification::Public, vec![]), &["Текст решения."]).await;
    }
    let in_order = ["CFM/1", "CFM/9", "CFM/10"];
    let listed = || async {
        let of_meeting = store::documents::of_meeting(&store, w.meeting).await.unwrap();
        let filter = Filter { limit: 50, ..Filter::default() };
        let page = store::documents::search(&store, &DocumentReach::default(), &filter).await.unwrap();
        let found = public_search(&store, "решение").await.0;
        [of_meeting.into_iter().map(|d| d.register_number).collect(), numbers_in_order(&page.found), found]
    };
    let [of_meeting, page, found] = listed().await;
    assert_eq!(of_meeting, in_order, "a meeting's documents");
    assert_eq!(page, in_order, "a page of the register");
    assert_eq!(found, in_order, "matches that rank the same");

    raw!(
        store,
        "UPDATE documents SET register_key = $1, register_collation = 0 WHERE register_collation > $2",
        Vec::<u8>::new(),
        0
    );
    assert_ne!(listed().await[1], in_order, "without their keys, the numbers are in the order they were made");
    assert_eq!(store::documents::make_keys(&store).await.unwrap(), 3, "each number's key made again");
    assert_eq!(listed().await, [in_order; 3]);
    assert_eq!(store::documents::make_keys(&store).await.unwrap(), 0, "and only once");
});

/// The register numbers of what was found, in the order found.
fn numbers_in_order(found: &[Found]) -> Vec<String> {
    found.iter().map(|f| f.document.register_number.clone()).collect()
}

// PostgreSQL looks for a word's matches among the newest texts first (`store::documents::page`):
// what a search finds must not depend on it, so both engines give the same answers here.
on_both_engines!(a_search_finds_the_newest_matches_the_reader_may_see_wherever_they_lie, |store| {
    let w = world(&store).await;
    for n in 1..=10 {
        let text = format!("Граница номер {n}.");
        create(&store, document(&w, &format!("CFM/B{n:02}"), Classification::Public, vec![]), &[&text]).await;
    }
    let filter = Filter { q: Some("граница".into()), ranked: 2, limit: 50, ..Filter::default() };
    let newest_two = || async {
        let results = store::documents::search(&store, &DocumentReach::default(), &filter).await.unwrap();
        (numbers(&results.found), results.more)
    };
    assert_eq!(newest_two().await, (vec!["CFM/B09".to_string(), "CFM/B10".into()], true));
    // Newer texts the reader may not see hold the word too: the newest the reader may see are
    // further back, and still found.
    for n in 1..=10 {
        let internal = document(&w, &format!("KZ/B{n:02}"), Classification::Internal, vec![w.kz]);
        create(&store, internal, &["Граница, только для своих."]).await;
    }
    assert_eq!(newest_two().await, (vec!["CFM/B09".to_string(), "CFM/B10".into()], true));
});

on_both_engines!(the_rank_follows_each_text_as_it_changes, |store| {
    let w = world(&store).await;
    let once = create(
        &store,
        document(&w, "CFM/15", Classification::Public, vec![]),
        &["О совместной охране границы.", "Стороны обмениваются сведениями о положении дел."],
    )
    .await;
    let thrice = "Граница, граница и ещё раз граница: о демаркации государственной границы.";
    create(&store, document(&w, "CFM/16", Classification::Public, vec![]), &[thrice]).await;
    let found = |q: &'static str| public_search(&store, q);
    assert_eq!(found("граница").await.0, ["CFM/16", "CFM/15"], "the text that says it most first");

    let mut tx = store.begin().await.unwrap();
    let again = ["Граница. Границы. На границе, у границы, за границей, о границе."];
    store::documents::add_version(&mut tx, &system(), &once, version(once.id, 2, "ru", &again)).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(found("граница").await.0, ["CFM/15", "CFM/16"], "ranked by its newest version");

    raw!(store, "UPDATE document_search SET title_words = $1, body_words = $1, stemming = 0 WHERE id > $2", "", 0_i64);
    store::documents::make_keys(&store).await.unwrap();
    assert_eq!(found("граница").await.0, ["CFM/15", "CFM/16"], "and by the keys made again");
});

on_both_engines!(verify_names_a_tampered_version, |store| {
    let w = world(&store).await;
    let doc = create(&store, document(&w, "CFM/9", Classification::Public, vec![]), &["Один.", "Два."]).await;
    let other = create(&store, document(&w, "CFM/10", Classification::Public, vec![]), &["Три."]).await;
    let mut tx = store.begin().await.unwrap();
    let v2 = store::documents::add_version(&mut tx, &system(), &doc, version(doc.id, 2, "ru", &["Один.", "Два!"]))
        .await
        .unwrap();
    let frozen = Document {
        status: DocumentStatus::Adopted,
        frozen: Some(Frozen { version: 2, sha256: v2.sha256.clone(), at: now() }),
        ..doc.clone()
    };
    let doc = store::documents::replace(&mut tx, &system(), &doc, frozen).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store::documents::verify(&store).await.unwrap(), Vec::<String>::new(), "intact after writes");

    // The text of version 2 rewritten: its hash no longer matches.
    raw!(
        store,
        "UPDATE document_versions SET paragraphs = $1 WHERE document_id = $2 AND number = 2",
        sqlx::types::Json(serde_json::json!([{ "text": "Один." }, { "text": "Два?" }])),
        doc.id
    );
    let problems = store::documents::verify(&store).await.unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("CFM/9") && problems[0].contains("version 2") && problems[0].contains("(ru)"),
        "{problems:?}"
    );
    assert!(problems[0].contains("does not match its SHA-256"), "{problems:?}");

    // Text and hash rewritten together: the audit entry and the frozen hash still tell.
    let forged = domain::documents::text_sha256(["Один.", "Два?"]);
    raw!(store, "UPDATE document_versions SET sha256 = $1 WHERE document_id = $2 AND number = 2", forged, doc.id);
    let problems = store::documents::verify(&store).await.unwrap();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems.iter().all(|p| p.contains("CFM/9 version 2 (ru)")), "{problems:?}");
    assert!(problems[0].contains("audit recorded") && problems[1].contains("frozen"), "{problems:?}");
    assert!(!problems.iter().any(|p| p.contains(&other.register_number)), "{problems:?}");
});

// A document row, a stance or a signature changed in the database behind Concord's back no longer
// equals what the audit last recorded of it: `concord verify` names it.
on_both_engines!(verify_names_a_document_stance_or_signature_changed_behind_its_back, |store| {
    let w = world(&store).await;
    let doc = create(&store, document(&w, "CFM/11", Classification::Members, vec![]), &["Один."]).await;
    let mut tx = store.begin().await.unwrap();
    let stance =
        StanceRecord { participant: w.kz, stance: Stance::JoinsWithReservation, text: "К п. 1.".into(), at: now() };
    store::documents::state_stance(&mut tx, &system(), doc.id, stance).await.unwrap();
    let signature = signed(w.kz, "М. Министр");
    store::documents::sign(&mut tx, &system(), doc.id, Signing::First(signature)).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store::documents::verify(&store).await.unwrap(), Vec::<String>::new(), "intact after writes");

    raw!(store, "UPDATE documents SET classification = $1 WHERE id = $2", "public", doc.id);
    let problems = store::documents::verify(&store).await.unwrap();
    assert_eq!(problems, ["document CFM/11: it differs from what the audit last recorded of it"]);
    raw!(store, "UPDATE documents SET classification = $1 WHERE id = $2", "members", doc.id);
    raw!(store, "UPDATE stances SET text = $1 WHERE document_id = $2", "", doc.id);
    let signer = sqlx::types::Json(Text::new(&[("ru", "Другое лицо")]));
    raw!(store, "UPDATE signatures SET person = $1 WHERE document_id = $2", signer, doc.id);
    let problems = store::documents::verify(&store).await.unwrap();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].starts_with("document CFM/11: the stance of")
            && problems[0].ends_with("differs from what the audit recorded")
    );
    assert!(problems[1].starts_with("document CFM/11: the signature for"), "{problems:?}");
});
