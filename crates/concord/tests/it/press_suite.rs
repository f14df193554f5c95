//! The press office and the public site through the real router: the draft from the record on the
//! demo and on a generated event, the timing of every path for every reader, photos with credits,
//! media accreditation, corrections, and the Atom feeds read back by a feed parser.

use axum::http::StatusCode;
use domain::press::{PressRelease, ReleaseInput, ReleaseStatus};
use domain::{Text, new_id};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use crate::app_on_both_engines;
use crate::support::{DEMO_PASSWORD, Session, TestApp, changed, get_bytes, page_form, png};

async fn draft(app: &TestApp, host: &Session, event: &str, body: Value) -> Value {
    let reply = app.json(host, "POST", &format!("/api/v1/events/{event}/press-releases/draft"), &body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()
}

/// The acceptance of issue 8 on the demo: each fact of the 11 April release, in English and in
/// Russian; every language renders without a placeholder.
async fn demo_draft(app: TestApp) {
    let host = app.login("host", DEMO_PASSWORD).await;
    let en = draft(&app, &host, "almaty-2025", json!({ "date": "2025-04-11", "lang": "en" })).await;
    let body = en["body"].as_str().unwrap();
    for fact in [
        "Deputy Prime Minister – Minister of Foreign Affairs of Kazakhstan Murat Nurtleu welcomed the members of the delegations",
        "traditional family photo",
        "held the meeting of the CIS Council of Foreign Ministers, chaired by Tajikistan, in the narrow and extended formats",
        "political",
        "cultural-humanitarian",
        "8th meeting of foreign ministers in the Central Asia–Russia format",
        "The day before, on 10 April, Deputy Prime Minister – Minister of Foreign Affairs of Kazakhstan Murat Nurtleu met Minister of Foreign Affairs of Russia Sergey Lavrov",
        "laying of flowers at the Eternal Flame of the Glory Memorial in the park named after the 28 Panfilov Guardsmen",
        "The previous meeting of the CIS Council of Foreign Ministers was held in Moscow on 7 October 2024",
        "The agenda comprised 13 items and 17 draft documents",
        "Sergey Lebedev",
    ] {
        assert!(body.contains(fact), "English: {fact:?} missing in\n{body}");
    }
    // Each meeting names the heads sitting at it: Turkmenistan's deputy minister at the second.
    let (cfm, central_asia) = body.split_once("Central Asia–Russia format").unwrap();
    assert!(cfm.contains("Rashid Meredov") && !cfm.contains("Akhmet Gurbanov"), "{cfm}");
    assert!(
        central_asia.contains("Deputy Minister of Foreign Affairs of Turkmenistan Akhmet Gurbanov"),
        "{central_asia}"
    );
    assert!(!central_asia.contains("Meredov") && !central_asia.contains("Lebedev"), "{central_asia}");
    let ru = draft(&app, &host, "almaty-2025", json!({ "date": "2025-04-11", "lang": "ru" })).await;
    let body = ru["body"].as_str().unwrap();
    for fact in [
        "11 апреля 2025 года в Алматы Заместитель Премьер-Министра – Министр иностранных дел Республики Казахстан",
        "приветствовал членов делегаций",
        "совместное фото",
        "под председательством Республики Таджикистан в узком и расширенном форматах",
        "«Центральная Азия – Россия»",
        "Накануне, 10 апреля, состоялась встреча Заместителя Премьер-Министра – Министра иностранных дел Республики Казахстан",
        "с Министром иностранных дел Российской Федерации Сергеем",
        "Вечному огню",
        "панфиловцев",
        "2024 года в Москве",
    ] {
        assert!(body.contains(fact), "Russian: {fact:?} missing in\n{body}");
    }
    assert_eq!(ru["missing"], json!([]), "the demo carries every case form the Russian draft needs");
    for lang in ["en", "ru", "kk"] {
        let d = draft(&app, &host, "almaty-2025", json!({ "date": "2025-04-11", "lang": lang })).await;
        let text = format!("{}\n{}", d["title"].as_str().unwrap(), d["body"].as_str().unwrap());
        for marker in ["{", "}", "$", "None", "Some(", "  ", " ."] {
            assert!(!text.contains(marker), "{lang}: {marker:?} in\n{text}");
        }
        assert!(text.len() > 500, "{lang}: a whole release, not a line: {text}");
    }
    let programme = app.get(&host, "/api/v1/events/almaty-2025/programme").await.json();
    let talks = programme["items"].as_array().unwrap().iter().find(|i| i["kind"] == "bilateral").unwrap()["id"].clone();
    let bilateral =
        draft(&app, &host, "almaty-2025", json!({ "date": "2025-04-10", "lang": "en", "bilateral": talks })).await;
    assert!(
        bilateral["body"].as_str().unwrap().starts_with("On 10 April 2025, in Almaty, Deputy Prime Minister – Minister of Foreign Affairs of Kazakhstan Murat Nurtleu met Minister of Foreign Affairs of Russia Sergey Lavrov."),
        "a bilateral's own release: {}",
        bilateral["body"]
    );
    assert!(!bilateral["body"].as_str().unwrap().contains("Council"), "only the bilateral");
    let unknown = app
        .json(
            &host,
            "POST",
            "/api/v1/events/almaty-2025/press-releases/draft",
            &json!({ "date": "2025-04-10", "meeting": "cis-cfm" }),
        )
        .await;
    assert_eq!(unknown.json()["error"]["field"], "meeting", "the CFM did not sit on 10 April: {}", unknown.body);
    let kk = draft(&app, &host, "almaty-2025", json!({ "date": "2025-04-11", "lang": "kk" })).await;
    for fact in [
        "Алматыда",
        "делегация мүшелерін қарсы алды",
        "Тәжікстан Республикасының төрағалығымен",
        "Мәскеуде",
        "Лавровпен кездесті",
    ] {
        assert!(kk["body"].as_str().unwrap().contains(fact), "Kazakh: {fact:?} missing in\n{}", kk["body"]);
    }
    let refused = app
        .json(
            &host,
            "POST",
            "/api/v1/events/almaty-2025/press-releases/draft",
            &json!({ "date": "2025-05-01", "lang": "en" }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "a date outside the event: {}", refused.body);
    assert_eq!(refused.json()["error"]["field"], "date");
    let press = app.login("press", DEMO_PASSWORD).await;
    let denied = app
        .json(&press, "POST", "/api/v1/events/almaty-2025/press-releases/draft", &json!({ "date": "2025-04-11" }))
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN, "only the press office drafts");
    app.db.cleanup().await;
}

app_on_both_engines!(the_demo_draft_for_11_april_states_every_fact, demo_draft);

/// A generated event of another body, where the host also chairs: its draft holds its own facts and
/// none of Almaty's.
#[tokio::test]
async fn a_generated_events_draft_holds_only_its_own_facts() {
    let app = TestApp::new().await;
    concord::generate::event(&app.db.store, "week-2026", 4, 2, 12).await.unwrap();
    let admin = app.login("admin", DEMO_PASSWORD).await;
    let d = draft(&app, &admin, "week-2026", json!({ "date": "2026-09-22", "lang": "en" })).await;
    let body = d["body"].as_str().unwrap();
    assert!(body.contains("New York"), "{body}");
    assert!(body.contains("chaired by the host"), "the host chairs: {body}");
    assert!(body.contains("general debate"), "its meeting: {body}");
    for almaty in ["Almaty", "Nurtleu", "Lavrov", "Tajikistan", "Moscow", "Panfilov", "CIS", "Kazakhstan", "Victory"] {
        assert!(!body.contains(almaty), "{almaty:?} in the generated event's draft:\n{body}");
    }
    app.db.cleanup().await;
}

/// A release in `status` whose time is `offset` from now (`None`: no time), stored directly so that
/// its time may lie in the past.
async fn stored(app: &TestApp, title: &str, status: ReleaseStatus, offset: Option<SignedDuration>) -> PressRelease {
    let event = store::events::by_slug(&app.db.store, "almaty-2025").await.unwrap();
    let input = ReleaseInput {
        title: Text::new(&[("en", title)]),
        body: Text::new(&[("en", &format!("{title}: the text."))]),
        photos: vec![],
    };
    let mut release = PressRelease::draft(new_id(), event.id, input, Timestamp::now());
    release.status = status;
    release.release_at = offset.map(|o| Timestamp::now() + o);
    let mut tx = app.db.store.begin().await.unwrap();
    store::press::insert_release(&mut tx, &domain::policy::Actor::anonymous(), &release).await.unwrap();
    tx.commit().await.unwrap();
    release
}

/// A press photo of Almaty shown with `release` only.
async fn photo_with(app: &TestApp, release: &PressRelease) -> domain::Id {
    let photo = domain::press::PressPhoto {
        id: new_id(),
        event_id: release.event_id,
        caption: Text::new(&[("en", "Timing photo")]),
        credit: "Timing".into(),
        item: None,
        public: false,
        width: 64,
        height: 48,
        created_at: Timestamp::now(),
    };
    let pixels = render::normalise(&png(64, 48)).unwrap();
    let mut with = release.clone();
    with.photos = vec![photo.id];
    let mut tx = app.db.store.begin().await.unwrap();
    let actor = domain::policy::Actor::anonymous();
    store::press::insert_photo(&mut tx, &actor, &photo, &pixels.jpeg, &pixels.thumbnail_jpeg).await.unwrap();
    store::press::update_release(&mut tx, &actor, &with, release.version).await.unwrap();
    tx.commit().await.unwrap();
    photo.id
}

/// Every public and press path (pages, API, search, feeds, sitemap, photos), for the public, the
/// event's press, another event's press, a ministry and the event's press office, before and after a
/// scheduled and an embargoed time.
async fn timing(app: TestApp) {
    let hour = SignedDuration::from_hours(1);
    let cases = [
        ("Timing draft", ReleaseStatus::Draft, None),
        ("Timing review", ReleaseStatus::Review, None),
        ("Timing scheduled later", ReleaseStatus::Scheduled, Some(hour)),
        ("Timing scheduled earlier", ReleaseStatus::Scheduled, Some(-hour)),
        ("Timing embargoed later", ReleaseStatus::Embargoed, Some(hour)),
        ("Timing embargoed earlier", ReleaseStatus::Embargoed, Some(-hour)),
        ("Timing published", ReleaseStatus::Published, Some(-hour)),
    ];
    let mut releases = Vec::new();
    for (title, status, offset) in cases {
        releases.push(stored(&app, title, status, offset).await);
    }
    // A photo shown only with the scheduled release, and one only with the embargoed one.
    let scheduled_photo = photo_with(&app, &releases[2]).await;
    let embargoed_photo = photo_with(&app, &releases[4]).await;
    let moscow = store::events::by_slug(&app.db.store, "moscow-2024").await.unwrap();
    let mut tx = app.db.store.begin().await.unwrap();
    let hash = domain::accounts::hash_password(DEMO_PASSWORD);
    let actor = domain::policy::Actor::anonymous();
    let elsewhere = store::accounts::create_user(&mut tx, &actor, "press-moscow", "Press", &hash, true).await.unwrap();
    store::accounts::grant(&mut tx, &actor, &elsewhere, &domain::accounts::Role::Press { event: moscow.id })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let public = ["Timing scheduled earlier", "Timing embargoed earlier", "Timing published"];
    // Written in English only, a release in the Kazakh feed says it is in English.
    let kk = app.get(&Session::default(), "/events/almaty-2025/feed.atom?lang=kk").await.body;
    let feed = feed_rs::parser::parse(kk.as_bytes()).unwrap();
    let entry =
        feed.entries.iter().find(|e| e.title.as_ref().is_some_and(|t| t.content == "Timing published")).unwrap();
    assert_eq!(feed.language.as_deref(), Some("kk"));
    let entry_xml = kk.split("<entry>").find(|e| e.contains("Timing published")).unwrap();
    assert!(
        entry_xml.contains("<title xml:lang=\"en\"") && entry_xml.contains("<content xml:lang=\"en\""),
        "{entry_xml}"
    );
    assert!(entry.content.is_some());
    let readers = [
        ("anonymous", Session::default()),
        ("press", app.login("press", DEMO_PASSWORD).await),
        ("press-moscow", app.login("press-moscow", DEMO_PASSWORD).await),
        ("ministry-kz", app.login("ministry-kz", DEMO_PASSWORD).await),
        ("host", app.login("host", DEMO_PASSWORD).await),
    ];
    for (who, session) in &readers {
        let sees: Vec<&str> = match *who {
            "press" => public.iter().copied().chain(["Timing embargoed later"]).collect(),
            "host" => cases.iter().map(|c| c.0).collect(),
            _ => public.to_vec(),
        };
        let pages = [
            app.get(session, "/events/almaty-2025/press").await.body,
            app.get(session, "/api/v1/press-releases?event=almaty-2025").await.body,
            app.get(session, "/api/v1/press-releases").await.body,
            app.get(session, "/events/almaty-2025/press?q=timing").await.body,
            app.get(session, "/api/v1/press-releases?q=TIMING").await.body,
        ];
        for r in &releases {
            let title = r.title.get("en");
            let expected = sees.contains(&title);
            for (n, page) in pages.iter().enumerate() {
                assert_eq!(page.contains(title), expected, "{who}: {title:?} on list {n}");
            }
            let status = app.get(session, &format!("/press-releases/{}", r.id)).await.status;
            assert_eq!(status == StatusCode::OK, expected, "{who}: the page of {title:?} ({status})");
            let status = app.get(session, &format!("/api/v1/press-releases/{}", r.id)).await.status;
            assert_eq!(status == StatusCode::OK, expected, "{who}: the API of {title:?} ({status})");
            // Feeds and the sitemap are public whoever asks.
            for path in ["/events/almaty-2025/feed.atom", "/feed.atom"] {
                let feed = app.get(session, path).await.body;
                assert_eq!(feed.contains(title), public.contains(&title), "{who}: {title:?} in {path}");
            }
            let sitemap = app.get(session, "/sitemap.xml").await.body;
            assert_eq!(sitemap.contains(&r.id.to_string()), public.contains(&title), "{who}: {title:?} in the sitemap");
        }
        for (photo, seen_by) in [(scheduled_photo, vec!["host"]), (embargoed_photo, vec!["host", "press"])] {
            let expected = seen_by.contains(who);
            let status = get_bytes(&app, session, &format!("/press-photos/{photo}")).await.0;
            assert_eq!(status == StatusCode::OK, expected, "{who}: photo of a release not yet out ({status})");
            let listed = app.get(session, "/api/v1/events/almaty-2025/press-photos").await.body;
            assert_eq!(listed.contains(&photo.to_string()), expected, "{who}: the photo in the list");
        }
        let embargoed = releases.iter().find(|r| r.title.get("en") == "Timing embargoed later").unwrap();
        if *who == "press" {
            let page = app.get(session, &format!("/press-releases/{}", embargoed.id)).await.body;
            assert!(page.contains("Embargoed until"), "the press read it marked as embargoed");
            let api = app.get(session, &format!("/api/v1/press-releases/{}", embargoed.id)).await.json();
            assert_eq!(api["shown"]["shown"], "embargoed");
        }
    }
    let found = app.get(&Session::default(), "/api/v1/press-releases?q=scheduled%20earlier").await.json();
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "search narrows the list: {found}");
    app.db.cleanup().await;
}

app_on_both_engines!(every_path_keeps_to_the_time_of_each_release, timing);

/// A release scheduled a moment ahead appears on every public path once its time passes, with no
/// job to run.
#[tokio::test]
async fn a_scheduled_release_appears_everywhere_when_its_time_comes() {
    let app = TestApp::new().await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let id = a_draft_release(&app, &host, "They met.").await;
    let review = app
        .json(&host, "POST", &format!("/api/v1/press-releases/{id}/status"), &json!({ "to": "review", "version": 1 }))
        .await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.body);
    let stale = app
        .json(
            &host,
            "POST",
            &format!("/api/v1/press-releases/{id}/status"),
            &json!({ "to": "published", "version": 1 }),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "a stale move conflicts: {}", stale.body);
    let at = Timestamp::now() + SignedDuration::from_secs(3);
    let scheduled = app
        .json(
            &host,
            "POST",
            &format!("/api/v1/press-releases/{id}/status"),
            &json!({ "to": "scheduled", "at": at, "version": review.json()["version"] }),
        )
        .await;
    assert_eq!(scheduled.status, StatusCode::OK, "{}", scheduled.body);
    let public = Session::default();
    assert!(!app.get(&public, "/feed.atom").await.body.contains("Ministers meet"));
    assert_eq!(app.get(&public, &format!("/press-releases/{id}")).await.status, StatusCode::NOT_FOUND);
    let wait = (at - Timestamp::now()).unsigned_abs() + std::time::Duration::from_millis(200);
    tokio::time::sleep(wait).await;
    assert!(app.get(&public, "/feed.atom").await.body.contains("Ministers meet"));
    assert!(app.get(&public, "/events/almaty-2025/press").await.body.contains("Ministers meet"));
    assert_eq!(app.get(&public, &format!("/press-releases/{id}")).await.status, StatusCode::OK);
    let api = app.get(&public, &format!("/api/v1/press-releases/{id}")).await.json();
    assert_eq!(api["status"], "published", "a scheduled release whose time passed reads as published");
    app.db.cleanup().await;
}

/// A multipart body with text fields and one file; the CSRF token goes in the query.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "pressboundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"photo.png\"\r\nContent-Type: image/png\r\n\r\n"
            )
            .bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The press office drafts from the record, edits, attaches a photo with its credit and publishes;
/// the page, the feed (read by a feed parser) and the photo follow; a correction keeps the history;
/// a caption with markup is shown as text.
async fn publishing(app: TestApp) {
    let host = app.login("host", DEMO_PASSWORD).await;
    let csrf = host.csrf.clone().unwrap();
    let public = Session::default();
    // Sent as the page's form is, without JavaScript: the CSRF token is a part of the form, not a
    // header, and never in the address.
    let without_header = Session { csrf: None, ..host.clone() };
    let (ct, body) = multipart(&[("caption_en", "Family photo")], Some(("photo", &png(64, 48))));
    let in_address = app
        .request(&without_header, "POST", &format!("/events/almaty-2025/press-photos?csrf={csrf}"), Some(&ct), body)
        .await;
    assert_eq!(in_address.status, StatusCode::FORBIDDEN, "a token in the address is not taken");
    let page = app.get(&host, "/events/almaty-2025/press-office").await.body;
    assert!(!page.contains("?csrf="), "the form puts its token in its parts");
    // The token is the form's first part, as the page sends it: a wrong one, or one after the
    // file (which the guard would have to read whole to find), is refused.
    for (fields, why) in [
        (vec![("csrf", "forged"), ("credit", "x")], "a wrong token"),
        (vec![("credit", "x"), ("csrf", csrf.as_str())], "a token after another part"),
    ] {
        let (ct, body) = multipart(&fields, Some(("photo", &png(64, 48))));
        let refused = app.request(&without_header, "POST", "/events/almaty-2025/press-photos", Some(&ct), body).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{why}");
    }
    let (ct, body) = multipart(
        &[("csrf", csrf.as_str()), ("caption_en", "Family photo <script>alert(1)</script>")],
        Some(("photo", &png(64, 48))),
    );
    let refused = app.request(&without_header, "POST", "/events/almaty-2025/press-photos", Some(&ct), body).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "a photo needs a credit");
    assert!(refused.body.contains("data-error-for=\"credit\""), "the credit field is named");
    // What else was chosen comes back chosen, so that the photo sent again is as it was meant.
    let item = app.get(&host, "/api/v1/events/almaty-2025/programme").await.json()["items"][0]["id"].clone();
    let item = item.as_str().unwrap();
    let (ct, body) = multipart(
        &[("csrf", csrf.as_str()), ("caption_en", "Arrivals"), ("item", item), ("public", "on")],
        Some(("photo", &png(64, 48))),
    );
    let refused = app.request(&without_header, "POST", "/events/almaty-2025/press-photos", Some(&ct), body).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains(&format!("<option value=\"{item}\" selected>")), "{}", refused.body);
    assert!(refused.body.contains("name=\"public\" checked"), "{}", refused.body);
    let (ct, body) = multipart(
        &[
            ("caption_en", "Family photo <script>alert(1)</script>"),
            ("caption_ru", "Совместное фото"),
            ("credit", "MFA of Kazakhstan"),
        ],
        Some(("photo", &png(64, 48))),
    );
    let uploaded = app.request(&host, "POST", "/events/almaty-2025/press-photos", Some(&ct), body).await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.body);
    let photos = app.get(&host, "/api/v1/events/almaty-2025/press-photos").await.json();
    let photo = photos["items"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(app.get(&public, "/api/v1/events/almaty-2025/press-photos").await.json()["items"], json!([]));
    assert_eq!(
        get_bytes(&app, &public, &format!("/press-photos/{photo}")).await.0,
        StatusCode::NOT_FOUND,
        "not public yet"
    );

    // A meeting asked of a day it is not held on: the press office again, the choices kept.
    let elsewhen = [("csrf", csrf.as_str()), ("from", "record"), ("date", "2025-04-10"), ("meeting", "cis-cfm")];
    let refused = app.form(&host, "/events/almaty-2025/press-releases", &elsewhen).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let kept = page_form(&refused.body, "id=\"draft-form\"");
    assert!(
        kept.contains(&("date".into(), "2025-04-10".into())) && kept.contains(&("meeting".into(), "cis-cfm".into())),
        "{kept:?}"
    );
    assert!(refused.body.contains("is held on 11 April 2025"), "{}", refused.body);
    let drafted = app
        .form(
            &host,
            "/events/almaty-2025/press-releases",
            &[("csrf", &csrf), ("from", "record"), ("date", "2025-04-11")],
        )
        .await;
    assert_eq!(drafted.status, StatusCode::SEE_OTHER, "{}", drafted.body);
    let page = drafted.location().to_string();
    let id = page.rsplit('/').next().unwrap().to_string();
    let release = app.get(&host, &format!("/api/v1/press-releases/{id}")).await.json();
    for lang in ["en", "ru", "kk"] {
        assert!(release["body"][lang].as_str().is_some_and(|b| b.len() > 300), "drafted in {lang}");
    }
    let mut text = release["body"]["en"].as_str().unwrap().to_string();
    text.push_str("\n\nThe ministers congratulated each other on the coming Victory Day.");
    let version = release["version"].to_string();
    let fields = [
        ("csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("title_en", "CIS foreign ministers meet in Almaty"),
        ("title_ru", release["title"]["ru"].as_str().unwrap()),
        ("body_en", text.as_str()),
        ("body_ru", release["body"]["ru"].as_str().unwrap()),
        ("photos", photo.as_str()),
    ];
    let edited = app.form(&host, &page, &fields).await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let stale = app.form(&host, &page, &fields).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "a second edit from the same version conflicts");
    // It comes back with the text as typed and the release's version now, so that it can be sent again.
    let now = app.get(&host, &format!("/api/v1/press-releases/{id}")).await.json()["version"].to_string();
    assert!(stale.body.contains("coming Victory Day.</textarea>"), "{}", stale.body);
    assert!(stale.body.contains(&format!("name=\"version\" value=\"{now}\"")) && now != version);
    for to in ["review", "published"] {
        if to == "published" {
            // A status refused keeps the status and the time chosen, and leaves the text's form as stored.
            let version = app.get(&host, &format!("/api/v1/press-releases/{id}")).await.json()["version"].to_string();
            let past =
                [("csrf", csrf.as_str()), ("to", "embargoed"), ("at", "2020-01-01T10:00"), ("version", &version)];
            let refused = app.form(&host, &format!("{page}/status"), &past).await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
            let status_form = refused.body.split("id=\"status-form\"").nth(1).unwrap();
            assert!(status_form.contains("<option value=\"embargoed\" selected>"), "{status_form}");
            assert!(
                status_form.contains("value=\"2020-01-01T10:00\"") && status_form.contains("data-error-for=\"at\"")
            );
            assert!(refused.body.contains("coming Victory Day.</textarea>"), "the text as stored");
        }
        let version = app.get(&host, &format!("/api/v1/press-releases/{id}")).await.json()["version"].to_string();
        let moved =
            app.form(&host, &format!("{page}/status"), &[("csrf", &csrf), ("to", to), ("version", &version)]).await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{to}: {}", moved.body);
    }

    let html = app.get(&public, &page).await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.body.contains("CIS foreign ministers meet in Almaty"));
    assert!(html.body.contains("Victory Day"), "the editor's words");
    assert!(html.body.contains("Photo: MFA of Kazakhstan"), "the credit is printed with the photo");
    assert!(html.body.contains("&lt;script&gt;alert(1)"), "the caption is text");
    assert!(!html.body.contains("<script>alert(1)"), "no markup from a caption");
    assert!(html.body.contains("property=\"og:title\" content=\"CIS foreign ministers meet in Almaty\""));
    assert!(html.body.contains("property=\"og:image\""));
    assert_eq!(
        get_bytes(&app, &public, &format!("/press-photos/{photo}")).await.0,
        StatusCode::OK,
        "public with its release"
    );

    let feed = app.get(&public, "/events/almaty-2025/feed.atom").await;
    assert!(feed.headers["content-type"].to_str().unwrap().starts_with("application/atom+xml"));
    let parsed = feed_rs::parser::parse(feed.body.as_bytes()).expect("a feed parser reads the feed");
    let entry = parsed
        .entries
        .iter()
        .find(|e| e.title.as_ref().is_some_and(|t| t.content == "CIS foreign ministers meet in Almaty"))
        .expect("the release is an entry");
    let content = entry.content.as_ref().and_then(|c| c.body.clone()).unwrap_or_default();
    assert!(content.contains("Victory Day") && content.contains("Photo: MFA of Kazakhstan"), "{content}");
    assert!(content.contains("<script>alert(1)</script>"), "text content round-trips as text: {content}");
    assert_eq!(entry.links[0].href, format!("http://concord.test/press-releases/{id}"));
    let site = feed_rs::parser::parse(app.get(&public, "/feed.atom").await.body.as_bytes()).unwrap();
    assert!(site.entries.iter().any(|e| e.id == format!("urn:uuid:{id}")));

    let version = app.get(&host, &format!("/api/v1/press-releases/{id}")).await.json()["version"].to_string();
    let mut correction: Vec<(&str, &str)> = fields.to_vec();
    correction[1] = ("version", version.as_str());
    correction[2] = ("title_en", "CIS foreign ministers met in Almaty");
    let refused = app.form(&host, &page, &correction).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "a correction says what it corrects");
    correction.push(("note_en", "The headline is in the past tense."));
    let corrected = app.form(&host, &page, &correction).await;
    assert_eq!(corrected.status, StatusCode::SEE_OTHER, "{}", corrected.body);
    let html = app.get(&public, &page).await.body;
    assert!(html.contains("CIS foreign ministers met in Almaty"));
    assert!(html.contains("Corrected on") && html.contains("The headline is in the past tense."));
    assert!(html.contains("CIS foreign ministers meet in Almaty"), "the earlier text stays readable");
    app.db.cleanup().await;
}

app_on_both_engines!(the_press_office_publishes_a_drafted_release_with_a_credited_photo, publishing);

/// A journalist applies; the host approves; the journalist logs in to the media programme and the
/// embargoed releases; a rejection needs its reason.
#[tokio::test]
async fn an_approved_journalist_reads_embargoed_releases_and_the_media_programme() {
    let app = TestApp::new().await;
    let anonymous = Session::default();
    let application = json!({
        "name": "Aigerim Sadykova", "outlet": "Kazinform", "country": "Kazakhstan", "email": "a.sadykova@example.kz",
        "press_card": "KZ-2025-0042", "username": "a.sadykova", "password": "a long password"
    });
    let mut bad = application.clone();
    bad["email"] = json!("not an address");
    let invalid = app.json(&anonymous, "POST", "/api/v1/events/almaty-2025/media-applications", &bad).await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", invalid.body);
    assert_eq!(invalid.json()["error"]["field"], "email");
    let applied = app.json(&anonymous, "POST", "/api/v1/events/almaty-2025/media-applications", &application).await;
    assert_eq!(applied.status, StatusCode::CREATED, "{}", applied.body);
    let id = applied.json()["id"].as_str().unwrap().to_string();
    let embargoed =
        stored(&app, "Embargoed statement", ReleaseStatus::Embargoed, Some(SignedDuration::from_hours(2))).await;

    let journalist = app.login("a.sadykova", "a long password").await;
    assert_eq!(app.get(&journalist, "/events/almaty-2025/media-programme").await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&journalist, &format!("/press-releases/{}", embargoed.id)).await.status, StatusCode::NOT_FOUND);

    let host = app.login("host", DEMO_PASSWORD).await;
    let office = app.get(&host, "/events/almaty-2025/press-office").await.body;
    assert!(office.contains("Aigerim Sadykova") && office.contains("KZ-2025-0042"));
    let decide = |decision: &'static str, reason: &'static str| {
        let (app, host, id) = (&app, &host, &id);
        async move {
            let applications = store::press::application(&app.db.store, id.parse().unwrap()).await.unwrap().unwrap();
            let version = applications.version.to_string();
            let csrf = host.csrf.clone().unwrap();
            app.form(
                host,
                &format!("/media-applications/{id}/decision"),
                &[("csrf", &csrf), ("decision", decision), ("reason", reason), ("version", &version)],
            )
            .await
        }
    };
    assert_eq!(decide("reject", " ").await.status, StatusCode::UNPROCESSABLE_ENTITY, "a rejection needs its reason");
    assert_eq!(decide("approve", "").await.status, StatusCode::SEE_OTHER);
    assert_eq!(decide("approve", "").await.status, StatusCode::UNPROCESSABLE_ENTITY, "decided once");

    let journalist = app.login("a.sadykova", "a long password").await;
    let programme = app.get(&journalist, "/events/almaty-2025/media-programme").await;
    assert_eq!(programme.status, StatusCode::OK);
    assert!(programme.body.contains("Family photo") && programme.body.contains("data-press=\"pool\""));
    assert!(!programme.body.contains("Security briefing"), "host-only items stay with the host");
    let page = app.get(&journalist, &format!("/press-releases/{}", embargoed.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Embargoed until"));
    let mail = store::delegations::unsent_notices(&app.db.store, 100).await.unwrap();
    assert!(mail.iter().any(|n| n.email == "a.sadykova@example.kz" && n.body.contains("media-programme")));
    app.db.cleanup().await;
}

/// Two press officers edit a draft release from pages read at once: one retitles it, the other
/// rewrites its text and meets a conflict. The form that comes back shows the new title beside the
/// text typed, so that sending it again keeps both.
#[tokio::test]
async fn a_release_form_sent_again_after_a_conflict_keeps_the_other_change() {
    let app = TestApp::new().await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let path = format!("/press-releases/{}", a_draft_release(&app, &host, "They met.\n\nIn Almaty.").await);
    // A browser sends a text area's lines ended by CR LF.
    let as_sent = |fields: Vec<(String, String)>| -> Vec<(String, String)> {
        fields.into_iter().map(|(k, v)| (k, v.replace('\n', "\r\n"))).collect()
    };
    let read = as_sent(page_form(&app.get(&host, &path).await.body, "id=\"release-form\""));
    // One officer retitles it, gives it a Kazakh title and a second paragraph.
    let first = changed(&changed(&read, "title_en", "Ministers meet in Almaty"), "title_kk", "Министрлер кездесті");
    let first = changed(&first, "body_en", "They met.\r\n\r\nThey talked.");
    assert_eq!(app.send(&host, &path, &first).await.status, StatusCode::SEE_OTHER);
    // The other, from the page read before, gives it a Russian title.
    let stale = app.send(&host, &path, &changed(&read, "title_ru", "Министры встретились")).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let again = as_sent(page_form(&stale.body, "id=\"release-form\""));
    let value = |name: &str| again.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    assert_eq!(
        (value("title_en"), value("title_kk"), value("title_ru"), value("body_en")),
        (
            Some("Ministers meet in Almaty"),
            Some("Министрлер кездесті"),
            Some("Министры встретились"),
            Some("They met.\r\n\r\nThey talked.")
        )
    );
    assert_eq!(app.send(&host, &path, &again).await.status, StatusCode::SEE_OTHER);
    let api = app.get(&host, &format!("/api/v1{path}")).await.json();
    assert_eq!(
        (&api["title"]["kk"], &api["title"]["ru"], &api["body"]["en"]),
        (&json!("Министрлер кездесті"), &json!("Министры встретились"), &json!("They met.\n\nThey talked.")),
        "{api:#}"
    );
    // Published, a change needs its correction note: one typed comes back with a mistake elsewhere.
    let api = format!("/api/v1{path}/status");
    for (to, version) in [("review", 3), ("published", 4)] {
        let moved = app.json(&host, "POST", &api, &json!({ "to": to, "version": version })).await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    }
    let read = page_form(&app.get(&host, &path).await.body, "id=\"release-form\"");
    let long = "a".repeat(50_001);
    let overlong: Vec<(String, String)> = changed(&changed(&read, "body_en", &long), "note_en", "Title corrected.");
    let refused = app.send(&host, &path, &overlong).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    let back = page_form(&refused.body, "id=\"release-form\"");
    assert!(back.contains(&("note_en".to_string(), "Title corrected.".to_string())), "{back:?}");
}

/// A new draft release of the Almaty event, by `host`, with `body` in English: its id.
async fn a_draft_release(app: &TestApp, host: &Session, body: &str) -> String {
    let created = app
        .json(
            host,
            "POST",
            "/api/v1/events/almaty-2025/press-releases",
            &json!({ "title": { "en": "Ministers meet" }, "body": { "en": body } }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.json()["id"].as_str().unwrap().to_string()
}

/// A release written through the API in French too is edited on its page without losing the
/// French. Once the press have held it under embargo, taken back to the desk it is still corrected,
/// not rewritten; released, it cannot be emptied.
#[tokio::test]
async fn a_release_keeps_its_languages_and_what_the_press_held() {
    let app = TestApp::new().await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let text = json!({
        "title": { "en": "Ministers meet", "fr": "Les ministres se réunissent" },
        "body": { "en": "They met.", "fr": "Ils se sont réunis." }
    });
    let created = app.json(&host, "POST", "/api/v1/events/almaty-2025/press-releases", &text).await;
    let path = format!("/press-releases/{}", created.json()["id"].as_str().unwrap());
    let read = page_form(&app.get(&host, &path).await.body, "id=\"release-form\"");
    assert!(read.contains(&("body_fr".to_string(), "Ils se sont réunis.".to_string())), "{read:?}");
    assert_eq!(
        app.send(&host, &path, &changed(&read, "title_en", "Ministers met")).await.status,
        StatusCode::SEE_OTHER
    );
    let api = format!("/api/v1{path}");
    let stored = app.get(&host, &api).await.json();
    assert_eq!(
        (&stored["title"]["en"], &stored["title"]["fr"], &stored["body"]["fr"]),
        (&json!("Ministers met"), &json!("Les ministres se réunissent"), &json!("Ils se sont réunis.")),
        "the page sent the French back"
    );
    let until = Timestamp::now() + SignedDuration::from_hours(3);
    for (to, version) in [("review", 2), ("embargoed", 3), ("draft", 4)] {
        let moved = app
            .json(&host, "POST", &format!("{api}/status"), &json!({ "to": to, "at": until, "version": version }))
            .await;
        assert_eq!(moved.status, StatusCode::OK, "{to}: {}", moved.body);
    }
    let read = page_form(&app.get(&host, &path).await.body, "id=\"release-form\"");
    let rewritten = app.send(&host, &path, &changed(&read, "title_en", "Ministers met in Almaty")).await;
    assert_eq!(rewritten.status, StatusCode::UNPROCESSABLE_ENTITY, "the press hold the embargoed text");
    assert!(rewritten.body.contains("data-error-for=\"note\""), "a correction says what it corrects");
    let mut corrected = changed(&read, "title_en", "Ministers met in Almaty");
    corrected.push(("note_en".into(), "The city was added.".into()));
    assert_eq!(app.send(&host, &path, &corrected).await.status, StatusCode::SEE_OTHER);
    for (to, version) in [("review", 6), ("published", 7)] {
        let moved = app.json(&host, "POST", &format!("{api}/status"), &json!({ "to": to, "version": version })).await;
        assert_eq!(moved.status, StatusCode::OK, "{to}: {}", moved.body);
    }
    let released = app.get(&host, &api).await.json();
    assert_eq!(released["corrections"].as_array().map(Vec::len), Some(1), "{released:#}");
    let emptied = json!({ "title": { "en": "Ministers met" }, "note": { "en": "Shortened." }, "version": 8 });
    let refused = app.json(&host, "PUT", &api, &emptied).await;
    assert_eq!((refused.status, &refused.json()["error"]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("body")));
    assert_eq!(app.get(&Session::default(), &api).await.json()["body"]["en"], "They met.", "the public text stands");
    // A draft too: a field left out is said, not taken for empty.
    let draft = app.json(&host, "POST", "/api/v1/events/almaty-2025/press-releases", &text).await.json();
    let draft_api = format!("/api/v1/press-releases/{}", draft["id"].as_str().unwrap());
    let title_only = json!({ "title": { "en": "Ministers meet" }, "version": draft["version"] });
    let refused = app.json(&host, "PUT", &draft_api, &title_only).await;
    assert_eq!((refused.status, &refused.json()["error"]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("body")));
    assert_eq!(app.get(&host, &draft_api).await.json()["body"]["en"], "They met.", "{}", refused.body);
}

/// The host revokes a journalist's accreditation: the press role goes at once, the journalist is
/// told why, and a decision from a page read before is said on the journalist's row as a conflict.
/// A journalist who is signed in applies with that account, once.
#[tokio::test]
async fn a_journalists_accreditation_is_revoked_and_a_signed_in_journalist_applies_once() {
    let app = TestApp::new().await;
    let application = json!({
        "name": "Aigerim Sadykova", "outlet": "Kazinform", "country": "Kazakhstan", "email": "a.sadykova@example.kz",
        "press_card": "KZ-2025-0042", "username": "a.sadykova", "password": "a long password"
    });
    let applied =
        app.json(&Session::default(), "POST", "/api/v1/events/almaty-2025/media-applications", &application).await;
    let id = applied.json()["id"].as_str().unwrap().to_string();
    let embargoed =
        stored(&app, "Embargoed statement", ReleaseStatus::Embargoed, Some(SignedDuration::from_hours(2))).await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let csrf = host.csrf.clone().unwrap();
    let decide = |decision: &'static str, reason: &'static str, version: i64| {
        let (app, host, id, csrf) = (&app, &host, &id, &csrf);
        async move {
            let fields = [
                ("csrf", csrf.as_str()),
                ("decision", decision),
                ("reason", reason),
                ("version", &version.to_string()),
            ];
            app.form(host, &format!("/media-applications/{id}/decision"), &fields).await
        }
    };
    assert_eq!(decide("approve", "", 1).await.status, StatusCode::SEE_OTHER);
    let stale = decide("reject", "Late.", 1).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "a decision from a page read before the approval");
    assert!(stale.body.contains(&format!("data-error-for=\"decision-{id}\"")), "said on the journalist's row");
    let journalist = app.login("a.sadykova", "a long password").await;
    let release = format!("/press-releases/{}", embargoed.id);
    let held = app.get(&journalist, &release).await;
    assert_eq!(held.status, StatusCode::OK, "accredited");
    let until = embargoed.release_at.unwrap().in_tz("Asia/Almaty").unwrap();
    let written = format!("{}, {} (UTC+05:00)", until.strftime("%-d %B %Y"), until.strftime("%H:%M"));
    assert!(held.body.contains(&written), "the embargo's end written out, and whose time it is: {written}");
    let office = app.get(&host, "/events/almaty-2025/press-office").await.body;
    assert!(office.contains("data-action=\"revoke\""), "an approved journalist's row offers revocation");
    let unexplained = decide("revoke", " ", 2).await;
    assert_eq!(unexplained.status, StatusCode::UNPROCESSABLE_ENTITY, "a revocation says why");
    assert!(unexplained.body.contains(&format!("data-error-for=\"reason-{id}\"")), "said beside the reason");
    assert_eq!(decide("revoke", "Broke the pool's rules.", 2).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get(&journalist, &release).await.status, StatusCode::NOT_FOUND, "the same session, no press role");
    assert_eq!(app.get(&journalist, "/events/almaty-2025/media-programme").await.status, StatusCode::FORBIDDEN);
    let mail = store::delegations::unsent_notices(&app.db.store, 100).await.unwrap();
    assert!(mail.iter().any(|n| n.email == "a.sadykova@example.kz" && n.body.contains("Broke the pool's rules.")));
    let office = app.get(&host, "/events/almaty-2025/press-office").await.body;
    assert!(office.contains("data-status=\"revoked\""), "{office}");

    // Signed in, the journalist applies again without making another account, and only once.
    let form = app.get(&journalist, "/events/almaty-2025/media").await.body;
    assert!(form.contains("id=\"applying-as\"") && !form.contains("name=\"password\""), "no account asked");
    let again = json!({
        "name": "Aigerim Sadykova", "outlet": "Kazinform", "country": "Kazakhstan", "email": "a.sadykova@example.kz",
        "press_card": "KZ-2025-0042"
    });
    let path = "/api/v1/events/almaty-2025/media-applications";
    assert_eq!(app.json(&journalist, "POST", path, &again).await.status, StatusCode::CREATED);
    let twice = app.json(&journalist, "POST", path, &again).await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "one open application per journalist and event: {}", twice.body);
    let event = store::events::by_slug(&app.db.store, "almaty-2025").await.unwrap();
    let applications = store::press::applications_of_event(&app.db.store, event.id).await.unwrap();
    let theirs: Vec<_> = applications.iter().filter(|a| a.name == "Aigerim Sadykova").collect();
    assert_eq!(theirs.len(), 2);
    assert_eq!(theirs[0].user_id, theirs[1].user_id, "the same account");
    app.db.cleanup().await;
}

/// A photo shown by a published release is not taken down behind the release's back; one shown by
/// a draft only is taken from the draft and its pixels go with it.
#[tokio::test]
async fn a_photo_is_taken_down_only_from_releases_not_yet_out() {
    let app = TestApp::new().await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let csrf = host.csrf.clone().unwrap();
    let published =
        stored(&app, "Published with a photo", ReleaseStatus::Published, Some(-SignedDuration::from_hours(1))).await;
    let shown = photo_with(&app, &published).await;
    let take_down = |photo: domain::Id| {
        let (app, host, csrf) = (&app, &host, &csrf);
        async move { app.form(host, &format!("/press-photos/{photo}/delete"), &[("csrf", csrf.as_str())]).await }
    };
    let refused = take_down(shown).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.body.contains(&format!("data-error-for=\"photo-{shown}\"")), "said on the photo");
    assert!(refused.body.contains("Published with a photo"), "naming the release to correct first");
    assert_eq!(get_bytes(&app, &Session::default(), &format!("/press-photos/{shown}")).await.0, StatusCode::OK);

    let draft = stored(&app, "Draft with a photo", ReleaseStatus::Draft, None).await;
    let drafted = photo_with(&app, &draft).await;
    assert_eq!(take_down(drafted).await.status, StatusCode::SEE_OTHER);
    let after = store::press::release(&app.db.store, draft.id).await.unwrap().unwrap();
    assert!(after.photos.is_empty(), "taken from the draft");
    assert_eq!(store::press::photo_bytes(&app.db.store, drafted, false).await.unwrap(), None, "the pixels are gone");
    app.db.cleanup().await;
}

/// The press office's forms that start a release, sent twice (a double click), start it once.
#[tokio::test]
async fn a_release_started_twice_is_started_once() {
    let app = TestApp::new().await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let office = "/events/almaty-2025/press-office";
    let rows = |page: &str| page.matches("data-release=\"").count();
    let page = app.get(&host, office).await.body;
    let before = rows(&page);
    for form in ["id=\"blank-form\"", "id=\"draft-form\""] {
        let sent = page_form(&page, form);
        let start = "/events/almaty-2025/press-releases";
        let first = app.send(&host, start, &sent).await;
        assert_eq!(first.status, StatusCode::SEE_OTHER, "{form}: {}", first.body);
        let second = app.send(&host, start, &sent).await;
        assert_eq!(second.status, StatusCode::SEE_OTHER, "{form}: {}", second.body);
        assert_eq!(first.location(), second.location(), "{form}: the same release");
    }
    assert_eq!(rows(&app.get(&host, office).await.body), before + 2, "one release from each form");
}
