//! The programme: who sees which items, clashes refused or warned, iCalendar read back by a
//! parser other than the writer, and live updates on one node and across nodes.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{DEMO_PASSWORD, Session, TestApp, changed, events, get_bytes, next_event, page_form, pdftotext};

const PROGRAMME: &str = "/api/v1/events/almaty-2025/programme";
const PROGRAMME_FORM: &str = "/events/almaty-2025/programme";

fn titles(reply: &Value) -> Vec<String> {
    reply["items"].as_array().unwrap().iter().map(|i| i["title"]["en"].as_str().unwrap().to_string()).collect()
}

async fn item_titled(app: &TestApp, session: &Session, title: &str) -> Value {
    let all = app.get(session, PROGRAMME).await.json();
    all["items"].as_array().unwrap().iter().find(|i| i["title"]["en"] == title).cloned().unwrap()
}

#[tokio::test]
async fn each_reader_sees_only_the_items_meant_for_them() {
    let app = TestApp::new().await;
    let public = titles(&app.get(&Session::default(), PROGRAMME).await.json());
    assert!(public.contains(&"Family photo".to_string()));
    assert!(!public.iter().any(|t| t.contains("Security briefing")), "host-only stays with the host");
    assert!(!public.iter().any(|t| t.contains("Official lunch")), "participants' items stay with participants");
    let press = titles(&app.get(&app.login("press", DEMO_PASSWORD).await, PROGRAMME).await.json());
    assert_eq!(press, public, "the press sees what the public sees");
    let officer = titles(&app.get(&app.login("delegation-ru", DEMO_PASSWORD).await, PROGRAMME).await.json());
    assert!(officer.iter().any(|t| t.contains("Official lunch")) && !officer.iter().any(|t| t.contains("Security")));
    let host = titles(&app.get(&app.login("host", DEMO_PASSWORD).await, PROGRAMME).await.json());
    assert!(host.iter().any(|t| t.contains("Security briefing")));
    let page = app.get(&Session::default(), "/events/almaty-2025/programme").await;
    assert!(page.body.contains("Family photo") && !page.body.contains("Security briefing"));
    assert!(page.body.contains("10:15–10:30"), "times in the event's time zone");
    assert!(page.body.contains("Local time: Almaty (UTC+5)"), "the note says which time, not a zone's id");
    let ru = app.get(&Session { lang: Some("ru"), ..Session::default() }, "/events/almaty-2025/programme").await;
    assert!(ru.body.contains("Местное время: Алматы (UTC+5)"), "in the reader's language");
    let kk = app.get(&Session { lang: Some("kk"), ..Session::default() }, "/events/almaty-2025/programme").await;
    assert!(kk.body.contains("Жергілікті уақыт: Алматы (UTC+5)"), "in the reader's language");
    let day = app.get(&Session::default(), "/events/almaty-2025/programme?day=2025-04-10").await;
    assert!(day.body.contains("Laying of flowers") && !day.body.contains("Family photo"), "one day only");
}

#[tokio::test]
async fn the_public_feed_reads_back_as_icalendar_with_the_events_time_zone() {
    let app = TestApp::new().await;
    let reply = app.get(&Session::default(), "/events/almaty-2025/programme.ics").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers["content-type"], "text/calendar; charset=utf-8");
    let unfolded = icalendar::parser::unfold(&reply.body);
    let calendar = icalendar::parser::read_calendar(&unfolded).expect("a calendar the parser accepts");
    let events: Vec<_> = calendar.components.iter().filter(|c| c.name.as_str() == "VEVENT").collect();
    assert_eq!(events.len(), 10, "the public items only");
    let photo = events
        .iter()
        .find(|e| e.properties.iter().any(|p| p.name.as_str() == "SUMMARY" && p.val.as_str() == "Family photo"))
        .expect("the family photo");
    let start = photo.properties.iter().find(|p| p.name.as_str() == "DTSTART").unwrap();
    assert_eq!(start.val.as_str(), "20250411T101500");
    assert_eq!(start.params[0].val.as_ref().unwrap().as_str(), "Asia/Almaty");
    assert!(calendar.components.iter().any(|c| c.name.as_str() == "VTIMEZONE"));
    assert!(!reply.body.contains("Security briefing") && !reply.body.contains("Official lunch"));
}

#[tokio::test]
async fn a_move_changes_the_sequence_and_a_cancellation_stays_in_the_feed() {
    let app = TestApp::new().await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let public_page =
        || async { app.get(&Session::default(), "/events/almaty-2025/programme?day=2025-04-11").await.body };
    assert!(public_page().await.contains("10:15–10:30"), "the page is now kept for the public");
    let photo = item_titled(&app, &host, "Family photo").await;
    let id = photo["id"].as_str().unwrap();
    let form = app
        .form(
            &host,
            &format!("/events/almaty-2025/programme/{id}/move"),
            &[("minutes", "-5"), ("version", &photo["version"].to_string())],
        )
        .await;
    assert_eq!(form.status, StatusCode::SEE_OTHER, "{}", form.body);
    let moved = item_titled(&app, &host, "Family photo").await;
    assert_eq!(moved["time"], "10:10–10:25");
    assert!(public_page().await.contains("10:10–10:25"), "a kept page gives way to the change at once");
    assert_eq!(moved["sequence"], 1);
    let stale = app
        .form(&host, &format!("/events/almaty-2025/programme/{id}/move"), &[("minutes", "5"), ("version", "1")])
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "an old version never overwrites");
    assert!(
        stale.body.contains("id=\"error-form\"") && stale.body.contains("id=\"item-form\""),
        "said on the programme's page"
    );
    // Too far a move is said beside the item's own form, the minutes typed kept there.
    let version = moved["version"].to_string();
    let far = app
        .form(&host, &format!("/events/almaty-2025/programme/{id}/move"), &[("minutes", "3000"), ("version", &version)])
        .await;
    assert_eq!(far.status, StatusCode::UNPROCESSABLE_ENTITY);
    let row = &far.body[far.body.find(&format!("data-item=\"{id}\"")).expect("the item's row")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("value=\"3000\"") && row.contains("id=\"error-move.minutes\""), "{row}");
    assert_eq!(far.body.matches("id=\"error-move.").count(), 1, "beside that item only");
    // The host cancels from the programme's page.
    let cancel = format!("/events/almaty-2025/programme/{id}/cancel");
    let cancelled = app.form(&host, &cancel, &[("version", &moved["version"].to_string())]).await;
    assert_eq!(cancelled.status, StatusCode::SEE_OTHER, "{}", cancelled.body);
    assert_eq!(item_titled(&app, &host, "Family photo").await["cancelled"], true);
    let ics = app.get(&Session::default(), "/events/almaty-2025/programme.ics").await.body;
    let unfolded = icalendar::parser::unfold(&ics);
    let calendar = icalendar::parser::read_calendar(&unfolded).unwrap();
    let event = calendar
        .components
        .iter()
        .find(|c| c.properties.iter().any(|p| p.name.as_str() == "UID" && p.val.as_str().starts_with(id)))
        .unwrap();
    let value =
        |name: &str| event.properties.iter().find(|p| p.name.as_str() == name).unwrap().val.as_str().to_string();
    assert_eq!(value("STATUS"), "CANCELLED");
    assert_eq!(value("SEQUENCE"), "2");
    let now = item_titled(&app, &host, "Family photo").await;
    let api = format!("/api/v1/events/almaty-2025/programme/{id}/cancel");
    let again = app.json(&host, "POST", &api, &json!({ "version": now["version"] })).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "cancelled once: {}", again.body);
    let after = item_titled(&app, &host, "Family photo").await;
    assert_eq!((&after["version"], &after["sequence"]), (&now["version"], &json!(2)), "calendars told nothing new");
}

#[tokio::test]
async fn hard_clashes_are_refused_by_name_and_soft_ones_warned() {
    let app = TestApp::new().await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let item = |starts: &str, ends: &str, venue: &str, room: Value, attendees: Value| {
        json!({
            "kind": "bilateral", "title": { "en": "Pull-aside" }, "starts": starts, "ends": ends,
            "venue": venue, "room": room, "attendees": attendees, "press": "closed", "visibility": "participants"
        })
    };
    let heads = json!({ "heads": true });
    let refused = app
        .json(
            &host,
            "POST",
            PROGRAMME,
            &item("2025-04-11T10:05", "2025-04-11T10:20", "conference-venue", Value::Null, heads.clone()),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    // The same from the page's form: said on the programme's page, what was typed kept.
    let fields = [
        ("kind", "bilateral"),
        ("title_en", "Pull-aside with the Chair"),
        ("starts", "2025-04-11T10:05"),
        ("ends", "2025-04-11T10:20"),
        ("venue", "conference-venue"),
        ("heads", "on"),
        ("press", "closed"),
        ("visibility", "participants"),
    ];
    let from_page = app.form(&host, "/events/almaty-2025/programme", &fields).await;
    assert_eq!(from_page.status, StatusCode::CONFLICT);
    assert!(
        from_page.body.contains("id=\"error-form\"") && from_page.body.contains("Family photo"),
        "{}",
        from_page.body
    );
    assert!(from_page.body.contains("value=\"Pull-aside with the Chair\""), "what was typed is kept");
    let error = &refused.json()["error"];
    assert_eq!(error["code"], "clash");
    let details: Vec<String> =
        error["details"].as_array().unwrap().iter().map(|d| d["message"].as_str().unwrap().to_string()).collect();
    assert!(
        details.iter().any(|d| d.contains("Murat Nurtleu") && d.contains("Family photo")),
        "names who and what: {details:?}"
    );
    let room = app
        .json(
            &host,
            "POST",
            PROGRAMME,
            &item("2025-04-11T10:50", "2025-04-11T11:00", "conference-venue", json!("narrow"), json!({})),
        )
        .await;
    assert_eq!(room.status, StatusCode::CONFLICT, "the narrow-format hall is taken: {}", room.body);
    assert!(room.body.contains("Hall for the narrow format is already booked"), "by its name: {}", room.body);
    let warned = app
        .json(
            &host,
            "POST",
            PROGRAMME,
            &item(
                "2025-04-10T12:35",
                "2025-04-10T12:45",
                "military-museum",
                Value::Null,
                json!({ "delegations": ["KZ"] }),
            ),
        )
        .await;
    assert_eq!(warned.status, StatusCode::CREATED, "{}", warned.body);
    let warnings = warned.json()["warnings"].as_array().unwrap().clone();
    assert!(
        warnings.iter().any(|w| w.as_str().unwrap().contains("Laying of flowers")),
        "five minutes after the memorial, ten away: {warnings:?}"
    );
    let form = app
        .form(
            &host,
            "/events/almaty-2025/programme",
            &[
                ("kind", "visit"),
                ("title_en", "Museum visit"),
                ("starts", "2025-04-10T12:31"),
                ("ends", "2025-04-10T12:34"),
                ("venue", "military-museum"),
                ("heads", "on"),
                ("press", "pool"),
                ("visibility", "public"),
            ],
        )
        .await;
    assert_eq!(form.status, StatusCode::OK, "saved, and the page shows the warnings: {}", form.body);
    assert!(form.body.contains("Saved, with these warnings") && form.body.contains("Laying of flowers"));
    let outside = app
        .json(
            &host,
            "POST",
            PROGRAMME,
            &item("2025-05-11T10:00", "2025-05-11T10:15", "conference-venue", Value::Null, json!({})),
        )
        .await;
    assert_eq!(outside.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(outside.json()["error"]["field"], "starts");
    let ru_host = Session { lang: Some("ru"), ..host.clone() };
    let offset = item("2025-04-11T15:00+03:00", "2025-04-11T16:00", "conference-venue", Value::Null, json!({}));
    let offset = app.json(&ru_host, "POST", PROGRAMME, &offset).await;
    assert_eq!(offset.status, StatusCode::UNPROCESSABLE_ENTITY, "not 15:00 in Almaty: {}", offset.body);
    assert_eq!(offset.json()["error"]["field"], "starts");
    assert!(offset.body.contains("без смещения от UTC"), "{}", offset.body);
    let mut late = item("2025-04-10T23:00", "2025-04-11T00:30", "conference-venue", Value::Null, json!({}));
    late["title"] = json!({ "en": "Night talk" });
    let late = app.json(&host, "POST", PROGRAMME, &late).await;
    assert_eq!(late.status, StatusCode::CREATED, "{}", late.body);
    let day = app.get(&host, "/events/almaty-2025/programme?day=2025-04-11").await.body;
    assert!(day.contains("Night talk"), "a day shows what runs into it from the evening before");
    assert!(day.contains("23:00–00:30\u{a0}(+1)"), "its end marked as the next day's: {day}");
    let (_, booklet) = get_bytes(&app, &host, "/events/almaty-2025/programme.pdf?lang=en").await;
    let booklet = pdftotext(&booklet).expect("pdftotext reads the booklet").replace('\u{a0}', " ");
    let line = booklet.lines().find(|l| l.contains("Night talk")).unwrap_or_default();
    assert!(line.contains("23:00–00:30 (+1)"), "and so in the booklet, on the item's line: {booklet}");
    let long = item("2025-04-11T10:00", "2025-04-15T10:00", "conference-venue", Value::Null, json!({}));
    let long = app.json(&host, "POST", PROGRAMME, &long).await;
    assert_eq!((long.status, &long.json()["error"]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("ends")));
    let stranger = json!({ "persons": [uuid::Uuid::new_v4()] });
    let stranger = item("2025-04-11T18:00", "2025-04-11T18:30", "conference-venue", Value::Null, stranger);
    let stranger = app.json(&host, "POST", PROGRAMME, &stranger).await;
    assert_eq!(
        (stranger.status, &stranger.json()["error"]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("attendees.persons")),
        "nobody accredited to the event: {}",
        stranger.body
    );
}

/// Moved a day at a time, an item stays within two days of the event: the move that would take it
/// further is refused beside the item's own form, not the add form's.
#[tokio::test]
async fn an_item_moved_a_day_at_a_time_stays_near_the_event() {
    let app = TestApp::new().await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let id = item_titled(&app, &host, "Family photo").await["id"].as_str().unwrap().to_string();
    let mut answers = Vec::new();
    for _ in 0..3 {
        let version = item_titled(&app, &host, "Family photo").await["version"].to_string();
        let path = format!("/events/almaty-2025/programme/{id}/move");
        answers.push(app.form(&host, &path, &[("minutes", "1440"), ("version", &version)]).await);
    }
    let statuses: Vec<StatusCode> = answers.iter().map(|a| a.status).collect();
    assert_eq!(
        statuses,
        [StatusCode::SEE_OTHER, StatusCode::SEE_OTHER, StatusCode::UNPROCESSABLE_ENTITY],
        "the 12th and 13th are held, the 14th is three days after the event"
    );
    let last = &answers[2].body;
    assert!(last.contains("id=\"error-move.starts\"") && !last.contains("id=\"error-starts\""), "{last}");
}

async fn move_photo(app: &TestApp) {
    move_item(app, "Family photo").await;
}

async fn move_item(app: &TestApp, title: &str) {
    let host = app.login("host", DEMO_PASSWORD).await;
    let item = item_titled(app, &host, title).await;
    let path = format!("/events/almaty-2025/programme/{}/move", item["id"].as_str().unwrap());
    let moved = app.form(&host, &path, &[("minutes", "15"), ("version", &item["version"].to_string())]).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
}

#[tokio::test]
async fn an_open_page_hears_nothing_of_a_change_to_what_its_reader_may_not_see() {
    let app = TestApp::new().await;
    let mut events = events(&app.router, &Session::default(), "/events/almaty-2025/programme/live").await;
    move_item(&app, "Security briefing for the host's staff over a working breakfast").await;
    assert!(!next_event(&mut events, "event: changed").await, "not even that the host's own item moved");
    move_photo(&app).await;
    assert!(next_event(&mut events, "event: changed").await, "a public item's change is heard");
}

#[tokio::test]
async fn an_open_programme_hears_of_a_change_within_a_second() {
    let app = TestApp::new().await;
    let mut events = events(&app.router, &Session::default(), "/events/almaty-2025/programme/live").await;
    move_photo(&app).await;
    assert!(next_event(&mut events, "event: changed").await, "the change reached the open page");
}

#[tokio::test]
async fn a_change_on_one_node_reaches_a_page_open_on_another() {
    let Some(db) = crate::support::TestDb::postgres().await else {
        eprintln!("PostgreSQL not configured (TEST_DATABASE_URL): skipped");
        return;
    };
    let other = web::app(web::AppState::new(
        db.second_node().await,
        web::Config {
            demo: true,
            secure_cookies: false,
            base_url: "http://concord.test".into(),
            kept_searches: web::KEPT_SEARCHES,
        },
    ));
    let app = TestApp::with(db, true).await;
    let mut events = events(&other, &Session::default(), "/events/almaty-2025/programme/live").await;
    // The other node starts listening with its first subscriber.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    move_photo(&app).await;
    assert!(next_event(&mut events, "event: changed").await, "NOTIFY carried the change to the other node");
}

#[tokio::test]
async fn each_member_attends_the_meetings_and_formats_they_sit_in() {
    let app = TestApp::new().await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let itinerary = |code: &'static str, family: &'static str| {
        let (app, host) = (&app, &host);
        async move {
            let members = app.get(host, &format!("/api/v1/events/almaty-2025/delegations/{code}/members")).await.json();
            let members = members["members"].as_array().cloned().unwrap_or_default();
            let id = members.iter().find(|m| m["names"]["latin"]["family"] == family).expect(family)["id"].clone();
            let path = format!("/events/almaty-2025/delegations/{code}/members/{}/itinerary", id.as_str().unwrap());
            app.get(host, &path).await.body
        }
    };
    let (extended, narrow, photo) = ("CFM in extended format", "CFM in narrow format", "Family photo");
    let central_asia = "8th meeting of foreign ministers in the Central Asia–Russia format";
    let orlov = itinerary("ru", "Orlov").await;
    assert!(orlov.contains(extended) && !orlov.contains(narrow), "an adviser sits in the extended format: {orlov}");
    assert!(!orlov.contains(central_asia), "held in narrow format");
    let meredov = itinerary("tm", "Meredov").await;
    assert!(meredov.contains(photo) && meredov.contains(narrow), "{meredov}");
    assert!(!meredov.contains(central_asia), "a deputy minister heads Turkmenistan there: {meredov}");
    let gurbanov = itinerary("tm", "Gurbanov").await;
    assert!(gurbanov.contains(central_asia), "{gurbanov}");
    assert!(!gurbanov.contains(photo) && !gurbanov.contains(extended), "not at the CFM: {gurbanov}");
}

#[tokio::test]
async fn itineraries_show_each_ones_items_with_the_way_between_venues_and_feed_them_privately() {
    let app = TestApp::new().await;
    let officer = app.login("delegation-ru", DEMO_PASSWORD).await;
    let page = app.get(&officer, "/events/almaty-2025/delegations/ru/itinerary").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for expected in
        ["Arrival of the delegation of the Russian Federation", "Talks between Murat Nurtleu", "Family photo"]
    {
        assert!(page.body.contains(expected), "{expected}");
    }
    assert!(page.body.contains("12:35: leave Glory Memorial"), "ten minutes to the museum before 12:45");
    assert!(page.body.contains("21:00: Sergey Lavrov arrives (special flight (?))"), "journeys from the travel data");
    assert!(!page.body.contains("Security briefing"), "never the host's own items");
    assert_eq!(
        app.get(&app.login("delegation-kz", DEMO_PASSWORD).await, "/events/almaty-2025/delegations/ru/itinerary")
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let opened = app.form(&officer, "/events/almaty-2025/delegations/ru/feeds", &[("member", "")]).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    let body = opened.body.replace("&#x2f;", "/");
    // When the feed was made, in the event's time and the reader's words, not in UTC.
    let listed = body.split("data-feed=").nth(1).expect("the feed listed");
    assert!(!listed[..listed.find("</tr>").unwrap()].contains("UTC"), "{listed}");
    let start = body.find("http://concord.test/feeds/").expect("the new feed's URL, shown once");
    let url = &body[start..];
    let path = url[..url.find('<').unwrap()].trim_start_matches("http://concord.test").to_string();
    let feed = app.get(&Session::default(), &path).await;
    assert_eq!(feed.status, StatusCode::OK);
    let unfolded = icalendar::parser::unfold(&feed.body);
    let calendar = icalendar::parser::read_calendar(&unfolded).expect("a calendar");
    let summaries: Vec<String> = calendar
        .components
        .iter()
        .flat_map(|c| c.properties.iter().filter(|p| p.name.as_str() == "SUMMARY").map(|p| p.val.as_str().to_string()))
        .collect();
    assert!(summaries.iter().any(|s| s.starts_with("Talks between")), "{summaries:?}");
    assert!(summaries.iter().any(|s| s.starts_with("Official lunch")), "participants' items reach their feed");
    assert!(!summaries.iter().any(|s| s.starts_with("Security")), "host-only items never reach a feed");
    assert!(!feed.body.contains("special flight"), "travel data stays on the delegation's pages");
    // A feed opened in Russian stays Russian in a calendar application, which sends no language.
    let russian = Session { lang: Some("ru"), ..officer.clone() };
    let opened = app.form(&russian, "/events/almaty-2025/delegations/ru/feeds", &[("member", "")]).await;
    let body = opened.body.replace("&#x2f;", "/").replace("&#x3d;", "=").replace("&#x3f;", "?");
    let start = body.find("http://concord.test/feeds/").expect("the new feed's URL");
    let url = &body[start..];
    let path = url[..url.find('<').unwrap()].trim_start_matches("http://concord.test").to_string();
    assert!(path.ends_with("?lang=ru"), "{path}");
    let feed = app.get(&Session::default(), &path).await.body;
    assert!(feed.contains("SUMMARY:Переговоры М. Нуртлеу"), "{feed}");

    let event = store::events::by_slug(&app.db.store, "almaty-2025").await.unwrap();
    let feeds = store::programme::feeds_of_event(&app.db.store, event.id).await.unwrap();
    let revoke = format!("/events/almaty-2025/delegations/ru/feeds/{}/revoke", feeds[0].id);
    assert_eq!(app.form(&officer, &revoke, &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get(&Session::default(), &path).await.status, StatusCode::NOT_FOUND, "a revoked feed is gone");
}

#[tokio::test]
async fn the_booklet_prints_the_programme_day_by_day_in_the_language_asked() {
    let app = TestApp::new().await;
    let reply = app.request(&Session::default(), "GET", "/events/almaty-2025/programme.pdf?lang=ru", None, "").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers["content-type"], "application/pdf");
    let bad = app.get(&Session::default(), "/events/almaty-2025/programme.pdf?lang=xx").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = app.get(&Session { lang: Some("ru"), ..Session::default() }, "/events/almaty-2025/programme").await.body;
    assert!(
        page.contains("programme.pdf?lang=kk\" hreflang=\"kk\">Казахский</a>"),
        "each booklet by its language's name"
    );
    let bytes = {
        use tower::ServiceExt;
        let request = axum::http::Request::get("/events/almaty-2025/programme.pdf?lang=ru")
            .header("host", "concord.test")
            .body(axum::body::Body::empty())
            .unwrap();
        let response = app.router.clone().oneshot(request).await.unwrap();
        http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes()
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("booklet.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let Ok(out) = std::process::Command::new("pdftotext").arg(&file).arg("-").output() else {
        eprintln!("pdftotext is not installed: the PDF text was not checked");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("СМИД СНГ, Алматы, 2025"), "the cover: {text}");
    assert!(text.contains("Алматы, 10–11 апреля 2025 г."), "the days as people write them: {text}");
    assert!(text.contains("Местное время: Алматы (UTC+5)"), "which time: {text}");
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s} missing: {text}"));
    assert!(at("Переговоры М. Нуртлеу") < at("Совместное фотографирование"), "day by day");
    assert!(at("Совместное фотографирование") < at("Государственный военно-исторический музей Almaty"), "venues last");
    assert!(!text.contains("Инструктаж"), "the public never sees the host's own items");
}

#[tokio::test]
async fn the_host_edits_the_travel_matrix_and_clashes_follow_it() {
    let app = TestApp::new().await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let page = app.get(&host, "/events/almaty-2025/programme").await;
    assert!(page.body.contains("name=\"travel:glory-memorial:military-museum\""), "the matrix, for the host");
    assert!(
        page.body.contains("<option value=\"cis-cfm\">Meeting of the CIS Council of Foreign Ministers</option>"),
        "the item form names the meetings by their titles"
    );
    assert!(!app.get(&Session::default(), "/events/almaty-2025/programme").await.body.contains("travel-form"));
    let version = app.get(&Session::default(), "/api/v1/events/almaty-2025").await.json()["version"].to_string();
    let fields = [
        ("version", version.as_str()),
        ("travel:conference-venue:glory-memorial", "20"),
        ("travel:conference-venue:military-museum", "20"),
        ("travel:glory-memorial:military-museum", "30"),
    ];
    let saved = app.form(&host, "/events/almaty-2025/travel", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let event = app.get(&Session::default(), "/api/v1/events/almaty-2025").await.json();
    let minutes: Vec<i64> =
        event["travel"].as_array().unwrap().iter().map(|t| t["minutes"].as_i64().unwrap()).collect();
    assert!(minutes.contains(&30), "{event}");
    let bad = app
        .form(&host, "/events/almaty-2025/travel", &[("version", "1"), ("travel:glory-memorial:military-museum", "x")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("id=\"error-travel:glory-memorial:military-museum\"")
            && bad.body.contains(
                "name=\"travel:glory-memorial:military-museum\" type=\"number\" min=\"0\" max=\"600\" value=\"x\""
            ),
        "the programme again, the mistake beside its pair and what was typed kept: {}",
        bad.body
    );
    let stale = app.form(&host, "/events/almaty-2025/travel", &fields).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "the second of two edits from one version");
}

#[tokio::test]
async fn the_host_adds_a_venue_and_a_room_through_the_page() {
    let app = TestApp::new().await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let version =
        || async { app.get(&Session::default(), "/api/v1/events/almaty-2025").await.json()["version"].to_string() };
    let v = version().await;
    let venue = [
        ("version", v.as_str()),
        ("slug", "residence"),
        ("name_en", "Residence of the Minister"),
        ("name_ru", "Резиденция министра"),
        ("address", "Almaty"),
        ("latitude", "43.23"),
        ("longitude", "76.95"),
        ("accessibility", "step-free"),
    ];
    assert_eq!(app.form(&host, "/events/almaty-2025/venues", &venue).await.status, StatusCode::SEE_OTHER);
    let v = version().await;
    let room = [
        ("version", v.as_str()),
        ("venue", "residence"),
        ("slug", "library"),
        ("name_en", "Library"),
        ("capacity", "10"),
        ("bilaterals", "yes"),
    ];
    assert_eq!(app.form(&host, "/events/almaty-2025/venues", &room).await.status, StatusCode::SEE_OTHER);
    // A room whose box for bilaterals is cleared: the scheduler leaves it to the programme.
    let v = version().await;
    let hall =
        [("version", v.as_str()), ("venue", "residence"), ("slug", "hall"), ("name_en", "Hall"), ("capacity", "80")];
    assert_eq!(app.form(&host, "/events/almaty-2025/venues", &hall).await.status, StatusCode::SEE_OTHER);
    let event = app.get(&Session::default(), "/api/v1/events/almaty-2025").await.json();
    let residence = event["venues"].as_array().unwrap().iter().find(|v| v["slug"] == "residence").unwrap().clone();
    assert_eq!(residence["rooms"][0]["capacity"], 10);
    assert_eq!(
        (&residence["rooms"][0]["bilaterals"], &residence["rooms"][1]["bilaterals"]),
        (&json!(true), &json!(false))
    );
    let instance = app.get(&host, "/api/v1/events/almaty-2025/bilaterals/instance").await.json();
    let rooms: Vec<&str> = instance["rooms"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(rooms.contains(&"residence/library") && !rooms.contains(&"residence/hall"), "{rooms:?}");
    // Later the host swaps them on the page's list of rooms: the hall for bilaterals, not the library.
    let listed = app.get(&host, "/events/almaty-2025/programme").await.body;
    assert!(listed.contains("value=\"residence/library\" checked") && listed.contains("value=\"residence/hall\">"));
    let v = version().await;
    let mut ticked: Vec<(&str, &str)> = vec![("version", v.as_str()), ("bilaterals", "residence/hall")];
    let others: Vec<String> =
        instance["rooms"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
    ticked.extend(others.iter().filter(|r| *r != "residence/library").map(|r| ("bilaterals", r.as_str())));
    assert_eq!(app.form(&host, "/events/almaty-2025/rooms", &ticked).await.status, StatusCode::SEE_OTHER);
    let instance = app.get(&host, "/api/v1/events/almaty-2025/bilaterals/instance").await.json();
    let now: Vec<&str> = instance["rooms"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(now.contains(&"residence/hall") && !now.contains(&"residence/library"), "{now:?}");
    assert_eq!(now.len(), rooms.len(), "the other rooms as they were");
    assert_eq!(residence["location"]["latitude"], 43.23);
    let v = version().await;
    let taken = [("version", v.as_str()), ("slug", "residence"), ("name_en", "Again"), ("latitude", "43.2")];
    let refused = app.form(&host, "/events/almaty-2025/venues", &taken).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "a venue's short name is taken");
    // Said on the programme beside the fields, what was typed kept: one coordinate without the other.
    let has =
        |fields: &[(String, String)], name: &str, value: &str| fields.iter().any(|(k, v)| k == name && v == value);
    let typed = page_form(&refused.body, "id=\"venue-form\"");
    assert!(refused.body.contains("id=\"error-place.longitude\""), "{}", refused.body);
    assert!(
        has(&typed, "slug", "residence") && has(&typed, "name_en", "Again") && has(&typed, "latitude", "43.2"),
        "{typed:?}"
    );
    let taken = [("version", v.as_str()), ("slug", "residence"), ("name_en", "Again")];
    let refused = app.form(&host, "/events/almaty-2025/venues", &taken).await;
    assert!(refused.body.contains("id=\"error-place.slug\""), "the short name is taken: {}", refused.body);
    let room =
        [("version", v.as_str()), ("venue", "residence"), ("slug", "study"), ("name_en", "Study"), ("capacity", "-1")];
    let refused = app.form(&host, "/events/almaty-2025/venues", &room).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let typed = page_form(&refused.body, "id=\"venue-form\"");
    assert!(
        refused.body.contains("id=\"error-place.capacity\""),
        "a room's mistake beside its field: {}",
        refused.body
    );
    assert!(has(&typed, "venue", "residence") && has(&typed, "capacity", "-1"), "in the venue it was for: {typed:?}");
    let page = app.get(&host, "/events/almaty-2025/programme").await;
    assert!(page.body.contains("travel:glory-memorial:residence"), "the new venue joins the travel matrix");
    // A place the programme holds an item at is not taken away from under it.
    let event = app.get(&Session::default(), "/api/v1/events/almaty-2025").await.json();
    let elsewhere =
        |v: &&Value| v["slug"] != "glory-memorial" && v["from"] != "glory-memorial" && v["to"] != "glory-memorial";
    let kept: Vec<&Value> = event["venues"].as_array().unwrap().iter().filter(elsewhere).collect();
    let travel: Vec<&Value> = event["travel"].as_array().unwrap().iter().filter(elsewhere).collect();
    let without = json!({ "version": event["version"], "venues": kept, "travel": travel });
    let removed = app.json(&host, "PUT", "/api/v1/events/almaty-2025/venues", &without).await;
    assert_eq!(
        (removed.status, &removed.json()["error"]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("venues")),
        "{}",
        removed.body
    );
    assert!(
        removed.body.contains("at Glory Memorial, Park named after the 28 Panfilov Guardsmen on 10 April 2025"),
        "by its name: {}",
        removed.body
    );
}

/// The add form sent twice (a double click, or again after a conflict as the page advises) makes
/// the item once; another item under a used id is refused, said on the form.
#[tokio::test]
async fn an_item_form_sent_twice_makes_one_item() {
    let app = TestApp::new().await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let page = "/events/almaty-2025/programme";
    let read = page_form(&app.get(&host, page).await.body, "id=\"item-form\"");
    let mut sent = changed(&changed(&read, "title_en", "Press approach"), "starts", "2025-04-11T19:00");
    sent = changed(&changed(&sent, "ends", "2025-04-11T19:30"), "kind", "press_approach");
    let (first, second) = tokio::join!(app.send(&host, PROGRAMME_FORM, &sent), app.send(&host, PROGRAMME_FORM, &sent));
    assert!(first.status.is_redirection() || first.status == StatusCode::OK, "{}", first.body);
    let again = app.send(&host, PROGRAMME_FORM, &sent).await;
    assert!(again.status.is_redirection() || again.status == StatusCode::OK, "{}", again.body);
    let made = titles(&app.get(&host, PROGRAMME).await.json()).iter().filter(|t| *t == "Press approach").count();
    assert_eq!(made, 1, "one item, whatever the second of two at once was told: {}", second.status);
    let other = app.send(&host, PROGRAMME_FORM, &changed(&sent, "title_en", "Another")).await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", other.body);
    assert!(other.body.contains("data-error-for=\"id\""), "{}", other.body);
}
