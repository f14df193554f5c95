//! Bilaterals: delegations request and answer, each sees only its own; the host schedules,
//! confirms into the programme and re-plans with confirmed meetings fixed; what is left out says why.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::app_on_both_engines;
use crate::support::{DEMO_PASSWORD, Session, TestApp, events, next_event};

const BILATERALS: &str = "/api/v1/events/almaty-2025/bilaterals";

fn requests(reply: &Value) -> Vec<Value> {
    reply["requests"].as_array().unwrap().clone()
}

fn sides(request: &Value) -> Vec<String> {
    request["sides"].as_array().unwrap().iter().map(|s| s["participant"].as_str().unwrap().to_string()).collect()
}

fn find<'a>(all: &'a [Value], wanted: &[&str]) -> &'a Value {
    all.iter().find(|r| sides(r) == wanted).unwrap_or_else(|| panic!("a request {wanted:?}"))
}

#[tokio::test]
async fn a_delegation_sees_its_own_requests_and_those_addressed_to_it_never_others() {
    let app = TestApp::new().await;
    let seen = |user: &'static str| {
        let app = &app;
        async move {
            let session = app.login(user, DEMO_PASSWORD).await;
            let mut all: Vec<Vec<String>> =
                requests(&app.get(&session, BILATERALS).await.json()).iter().map(sides).collect();
            all.sort();
            all
        }
    };
    let kz = seen("delegation-kz").await;
    assert_eq!(kz, [vec!["AZ", "KZ", "UZ"], vec!["BY", "KZ"], vec!["KZ", "RU"]]);
    assert_eq!(seen("ministry-kz").await, kz, "the ministry sees what its delegation sees");
    assert_eq!(seen("delegation-ru").await, [vec!["KZ", "RU"], vec!["RU", "TJ"], vec!["TM", "RU"]]);
    assert!(seen("press").await.is_empty());
    assert_eq!(seen("host").await.len(), 6, "the host sees every request");
    assert_eq!(app.get(&Session::default(), BILATERALS).await.status, StatusCode::UNAUTHORIZED);

    let officer = app.login("delegation-kz", DEMO_PASSWORD).await;
    let page = app.get(&officer, "/events/almaty-2025/bilaterals").await;
    let all = requests(&app.get(&app.login("host", DEMO_PASSWORD).await, BILATERALS).await.json());
    for r in &all {
        let id = format!("request-{}", r["id"].as_str().unwrap());
        assert_eq!(page.body.contains(&id), sides(r).contains(&"KZ".to_string()), "{id} on Kazakhstan's page");
    }
    let note = find(&all, &["KZ", "RU"])["note"].as_str().unwrap().to_string();
    let ru_tj = app.get(&app.login("delegation-tj", DEMO_PASSWORD).await, BILATERALS).await.json();
    assert!(!ru_tj.to_string().contains(&note), "a note stays with the sides");
}

// The host's confirmation sent three times at once (two tabs, a retry): the meeting is confirmed
// once, and no sender is told that nothing was saved.
app_on_both_engines!(a_confirmation_sent_at_once_twice_confirms_once_and_refuses_none, confirmations_at_once);

async fn confirmations_at_once(app: TestApp) {
    let (host, id) = kazakhstan_and_tajikistan_scheduled(&app).await;
    let chosen = json!({ "requests": [id] });
    let confirm = format!("{BILATERALS}/confirm");
    let send = || app.json(&host, "POST", &confirm, &chosen);
    let answers = tokio::join!(send(), send(), send());
    let answers = [answers.0, answers.1, answers.2];
    let bodies: Vec<&str> = answers.iter().map(|a| a.body.as_str()).collect();
    assert!(answers.iter().all(|a| a.status == StatusCode::OK), "{bodies:#?}");
    let made: usize = answers.iter().map(|a| a.json()["items"].as_array().map_or(0, Vec::len)).sum();
    assert_eq!(made, 1, "{bodies:#?}");
    let programme = app.get(&host, "/api/v1/events/almaty-2025/programme").await.body;
    assert_eq!(programme.matches("\"shown_title\":\"Kazakhstan – Tajikistan talks\"").count(), 1);
    app.db.cleanup().await;
}

#[tokio::test]
async fn two_delegations_agree_the_host_schedules_and_confirms_and_both_itineraries_show_it() {
    let app = TestApp::new().await;
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    let tj = app.login("delegation-tj", DEMO_PASSWORD).await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let asked = app
        .json(
            &kz,
            "POST",
            BILATERALS,
            &json!({ "with": ["tj"], "duration": 30, "priority": "high",
                     "windows": [{ "starts": "2025-04-11T15:00", "ends": "2025-04-11T19:00" }] }),
        )
        .await;
    assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.body);
    let request = asked.json()["request"].clone();
    assert_eq!(request["status"], "pending");
    let id = request["id"].as_str().unwrap().to_string();
    let answer = format!("{BILATERALS}/{id}/answer");
    let refused = app.json(&host, "POST", &answer, &json!({ "answer": "accept", "version": 1 })).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "the host answers for no delegation");
    let accepted = app.json(&tj, "POST", &answer, &json!({ "answer": "accept", "version": 1 })).await;
    assert_eq!(accepted.json()["request"]["status"], "accepted", "{}", accepted.body);
    let stale = app.json(&tj, "POST", &answer, &json!({ "answer": "decline", "version": 1 })).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "an answer from an old version is refused");
    // The same answer sent twice (a double click) holds already: it succeeds and changes nothing,
    // so the other side's form, read at the version the first made, stays good.
    let twice = app.json(&tj, "POST", &answer, &json!({ "answer": "accept", "version": 1 })).await;
    assert_eq!(twice.status, StatusCode::OK, "{}", twice.body);
    assert_eq!(twice.json()["request"]["version"], accepted.json()["request"]["version"], "no new version");

    let run = app.json(&host, "POST", &format!("{BILATERALS}/schedule"), &json!({})).await;
    assert_eq!(run.status, StatusCode::OK, "{}", run.body);
    let all = requests(&app.get(&host, BILATERALS).await.json());
    let ours = find(&all, &["KZ", "TJ"]);
    assert_eq!(ours["outcome"]["kind"], "placed", "{ours}");
    let time = ours["outcome"]["time"].as_str().unwrap();
    assert!(time >= "16:50", "after the Central Asia–Russia meeting, where both sit, and a buffer: {time}");
    assert_eq!(find(&all, &["TM", "RU"])["outcome"], Value::Null, "a request awaiting its answer is not scheduled");

    let page = app.get(&host, "/events/almaty-2025/bilaterals").await;
    assert!(page.body.contains("Kazakhstan – Tajikistan") && page.body.contains(time), "the grid shows it");
    // Open pages hear of the confirmation where their reader may see the meeting: a side's, not
    // another delegation's.
    let live = "/events/almaty-2025/programme/live";
    let ru = app.login("delegation-ru", DEMO_PASSWORD).await;
    let (mut tj_hears, mut ru_hears) = (events(&app.router, &tj, live).await, events(&app.router, &ru, live).await);
    let confirmed = app.json(&host, "POST", &format!("{BILATERALS}/confirm"), &json!({ "requests": [id] })).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert!(next_event(&mut tj_hears, "event: changed").await, "a side's page hears of it");
    assert!(!next_event(&mut ru_hears, "event: changed").await, "another delegation's does not");
    let mut item = confirmed.json()["items"][0].clone();
    // Named again (the form sent twice): it stays confirmed once, and nothing else is confirmed.
    let twice = app.json(&host, "POST", &format!("{BILATERALS}/confirm"), &json!({ "requests": [id] })).await;
    assert_eq!(
        (twice.status, twice.json()["items"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(0)),
        "{}",
        twice.body
    );
    let programme = app.get(&host, "/api/v1/events/almaty-2025/programme").await.body;
    assert_eq!(programme.matches("\"shown_title\":\"Kazakhstan – Tajikistan talks\"").count(), 1, "{programme}");
    let listed = app.get(&Session { lang: Some("ru"), ..host.clone() }, "/events/almaty-2025/bilaterals").await.body;
    let by_delegation = &listed[listed.find("<h2>По делегациям</h2>").expect("the meetings by delegation")..];
    assert!(by_delegation.contains("(подтверждена)</li>"), "the meeting, feminine: {by_delegation}");
    let unknown = json!({ "requests": ["01a227ff-0000-7000-8000-000000000000"] });
    let unknown = app.json(&host, "POST", &format!("{BILATERALS}/confirm"), &unknown).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", unknown.body);
    assert_eq!(item["title"]["en"], "Kazakhstan – Tajikistan talks");
    assert_eq!(item["title"]["ru"], "Переговоры Казахстан – Таджикистан");
    assert_eq!(item["time"], time);
    for (session, code) in [(&kz, "kz"), (&tj, "tj")] {
        let itinerary = app.get(session, &format!("/events/almaty-2025/delegations/{code}/itinerary")).await;
        let line = "Bilateral meeting: Kazakhstan – Tajikistan talks";
        assert!(itinerary.body.contains(line), "{code}'s itinerary names the kind once: {}", itinerary.body);
    }
    // It is the two sides' business, as its request was: another delegation does not see it in the
    // programme, the sides do (the page another delegation's reading kept is not theirs, nor theirs
    // the next reader's); the sides' private calendar feeds carry it.
    for path in ["/api/v1/events/almaty-2025/programme", "/events/almaty-2025/programme"] {
        for (session, sees) in [(&ru, false), (&kz, true), (&tj, true), (&ru, false)] {
            let programme = app.get(session, path).await;
            assert_eq!(programme.status, StatusCode::OK);
            assert_eq!(programme.body.contains("Kazakhstan – Tajikistan talks"), sees, "{path}: {}", programme.body);
        }
    }
    let feed = delegation_feed(&app, &kz, "kz").await;
    assert!(feed.contains("SUMMARY:Kazakhstan – Tajikistan talks"), "{feed}");
    // Hours that leave the confirmed meeting out bound where new meetings go, not where confirmed
    // ones stay: the run keeps it where it is, its persons and room taken meanwhile.
    let early = json!({ "day_starts": "08:00:00", "day_ends": "12:00:00" });
    let run = app.json(&host, "POST", &format!("{BILATERALS}/schedule"), &early).await;
    assert_eq!(run.status, StatusCode::OK, "{}", run.body);
    let kept = requests(&app.get(&host, BILATERALS).await.json());
    let kept = kept.iter().find(|r| r["id"] == id.as_str()).unwrap();
    assert_eq!((kept["status"].as_str(), kept["outcome"]["time"].as_str()), (Some("confirmed"), Some(time)));
    let usual = json!({ "day_starts": "08:00:00", "day_ends": "21:00:00" });
    assert_eq!(app.json(&host, "POST", &format!("{BILATERALS}/schedule"), &usual).await.status, StatusCode::OK);
    // The host makes the confirmed meeting's room seat two: the run is refused, the meeting named
    // and the reason worded in the reader's language, until the room seats them again.
    let event = app.get(&host, "/api/v1/events/almaty-2025").await.json();
    let seating = |capacity: Value, version: &Value| {
        let mut venues = event["venues"].clone();
        for venue in venues.as_array_mut().unwrap().iter_mut().filter(|v| v["slug"] == kept["outcome"]["venue"]) {
            for room in
                venue["rooms"].as_array_mut().unwrap().iter_mut().filter(|r| r["slug"] == kept["outcome"]["room"])
            {
                room["capacity"] = capacity.clone();
            }
        }
        json!({ "version": version, "venues": venues, "travel": event["travel"] })
    };
    let venues = "/api/v1/events/almaty-2025/venues";
    let small = app.json(&host, "PUT", venues, &seating(json!(2), &event["version"])).await;
    assert_eq!(small.status, StatusCode::OK, "{}", small.body);
    let ru = Session { lang: Some("ru"), ..app.login("host", DEMO_PASSWORD).await };
    let refused = app.json(&ru, "POST", &format!("{BILATERALS}/schedule"), &json!({})).await;
    let error = &refused.json()["error"];
    assert_eq!((refused.status, &error["code"]), (StatusCode::CONFLICT, &json!("refused")), "{}", refused.body);
    // The demo's confirmed meeting of Kazakhstan and Russia is in the same room, and named first.
    let message = error["message"].as_str().unwrap();
    assert!(
        message.starts_with("Составить расписание невозможно: подтверждённую встречу «Казахстан – ")
            && message.ends_with("» нельзя сохранить в прежнем виде, так как её зал вмещает только 2 чел."),
        "{message}"
    );
    let room =
        event["venues"].as_array().unwrap().iter().find(|v| v["slug"] == kept["outcome"]["venue"]).unwrap()["rooms"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["slug"] == kept["outcome"]["room"])
            .unwrap()["capacity"]
            .clone();
    let again = app.json(&host, "PUT", venues, &seating(room, &small.json()["version"])).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    // The host moves the confirmed meeting by two minutes, off the scheduler's 5-minute steps:
    // later runs keep it where the host put it.
    let version = item["version"].to_string();
    let moved = app
        .form(
            &host,
            &format!("/events/almaty-2025/programme/{}/move", item["id"].as_str().unwrap()),
            &[("minutes", "2"), ("version", version.as_str())],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let rerun = app.json(&host, "POST", &format!("{BILATERALS}/schedule"), &json!({})).await;
    assert_eq!(rerun.status, StatusCode::OK, "{}", rerun.body);
    let version = (item["version"].as_i64().unwrap() + 1).to_string();
    let path = format!("/events/almaty-2025/programme/{}/move", item["id"].as_str().unwrap());
    let back = app.form(&host, &path, &[("minutes", "-2"), ("version", version.as_str())]).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    item["version"] = json!(item["version"].as_i64().unwrap() + 2);
    let again = app.json(&tj, "POST", &answer, &json!({ "answer": "decline", "version": 3 })).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "a confirmed meeting is the host's to change: {}", again.body);

    // Re-planning: a new request comes in; the confirmed meeting stays where it is.
    let more =
        app.json(&kz, "POST", BILATERALS, &json!({ "with": ["TJ"], "duration": 20, "note": "A second round." })).await;
    let more_id = more.json()["request"]["id"].as_str().unwrap().to_string();
    app.json(&tj, "POST", &format!("{BILATERALS}/{more_id}/answer"), &json!({ "answer": "accept", "version": 1 }))
        .await;
    let run = app.json(&host, "POST", &format!("{BILATERALS}/schedule"), &json!({})).await;
    assert_eq!(run.status, StatusCode::OK, "{}", run.body);
    let all = requests(&app.get(&host, BILATERALS).await.json());
    let first = all.iter().find(|r| r["id"] == id.as_str()).unwrap();
    assert_eq!((first["status"].as_str(), first["outcome"]["time"].as_str()), (Some("confirmed"), Some(time)));
    let second = all.iter().find(|r| r["id"] == more_id.as_str()).unwrap();
    assert_eq!(second["outcome"]["kind"], "placed", "{second}");

    // The host cancels the confirmed meeting in the programme: its request is accepted again, to be
    // scheduled anew, and confirming it again makes a new item beside the cancelled one.
    let cancel = format!("/api/v1/events/almaty-2025/programme/{}/cancel", item["id"].as_str().unwrap());
    let cancelled = app.json(&host, "POST", &cancel, &json!({ "version": item["version"] })).await;
    assert_eq!(cancelled.json()["item"]["cancelled"], true, "{}", cancelled.body);
    let all = requests(&app.get(&host, BILATERALS).await.json());
    let first = all.iter().find(|r| r["id"] == id.as_str()).unwrap();
    assert_eq!((first["status"].as_str(), &first["outcome"]), (Some("accepted"), &Value::Null), "{first}");
    app.json(&host, "POST", &format!("{BILATERALS}/schedule"), &json!({})).await;
    let confirmed = app.json(&host, "POST", &format!("{BILATERALS}/confirm"), &json!({ "requests": [id] })).await;
    let anew = confirmed.json()["items"][0].clone();
    assert!(anew["id"].is_string() && anew["id"] != item["id"], "a new item: {}", confirmed.body);
    let all = requests(&app.get(&host, BILATERALS).await.json());
    assert_eq!(all.iter().find(|r| r["id"] == id.as_str()).unwrap()["status"], "confirmed");

    // Confirmed meetings a build before this one made were shown to every participant: the
    // migration keeps them to their sides, the cancelled one too (its request no longer names
    // it), and leaves other items for participants as they are.
    let store::Pool::Sqlite(pool) = app.db.store.pool() else { unreachable!("TestApp::new is SQLite") };
    let as_before =
        "UPDATE programme_items SET visibility = 'participants' WHERE kind = 'bilateral' AND visibility = 'attendees'";
    sqlx::query(as_before).execute(pool).await.unwrap();
    let migration = include_str!("../../../store/migrations/sqlite/0020_bilateral_attendees.sql");
    sqlx::raw_sql(migration).execute(pool).await.unwrap();
    let visibility = |id: &Value| {
        let id: uuid::Uuid = id.as_str().unwrap().parse().unwrap();
        sqlx::query_scalar::<_, String>("SELECT visibility FROM programme_items WHERE id = $1").bind(id).fetch_one(pool)
    };
    assert_eq!(visibility(&item["id"]).await.unwrap(), "attendees", "the cancelled one");
    assert_eq!(visibility(&anew["id"]).await.unwrap(), "attendees", "the one confirmed now");
    let lunch = "SELECT visibility FROM programme_items WHERE json_extract(title, '$.en') LIKE 'Official lunch%'";
    assert_eq!(sqlx::query_scalar::<_, String>(lunch).fetch_one(pool).await.unwrap(), "participants");
}

/// The delegation's private calendar feed, opened by its officer and read as a calendar reads it.
async fn delegation_feed(app: &TestApp, officer: &Session, code: &str) -> String {
    let opened = app.form(officer, &format!("/events/almaty-2025/delegations/{code}/feeds"), &[("member", "")]).await;
    let body = opened.body.replace("&#x2f;", "/");
    let url = &body[body.find("http://concord.test/feeds/").expect("the new feed's URL")..];
    app.get(&Session::default(), url[..url.find('<').unwrap()].trim_start_matches("http://concord.test")).await.body
}

/// Kazakhstan asks Tajikistan for 30 minutes, Tajikistan accepts, the host runs the scheduler:
/// the host's session and the request's id.
async fn kazakhstan_and_tajikistan_scheduled(app: &TestApp) -> (Session, String) {
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    let tj = app.login("delegation-tj", DEMO_PASSWORD).await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let asked = app.json(&kz, "POST", BILATERALS, &json!({ "with": ["tj"], "duration": 30 })).await;
    let id = asked.json()["request"]["id"].as_str().unwrap().to_string();
    app.json(&tj, "POST", &format!("{BILATERALS}/{id}/answer"), &json!({ "answer": "accept", "version": 1 })).await;
    assert_eq!(app.json(&host, "POST", &format!("{BILATERALS}/schedule"), &json!({})).await.status, StatusCode::OK);
    (host, id)
}

/// The host books the room of a proposed meeting after the scheduler ran: confirming the meeting is
/// refused as the host's own item would be, naming the clash, and the request stays to schedule.
#[tokio::test]
async fn a_meeting_the_programme_overtook_since_the_run_is_not_confirmed() {
    let app = TestApp::new().await;
    let (host, id) = kazakhstan_and_tajikistan_scheduled(&app).await;
    let all = requests(&app.get(&host, BILATERALS).await.json());
    let placed = find(&all, &["KZ", "TJ"])["outcome"].clone();
    assert_eq!(placed["kind"], "placed", "{placed}");
    let local = |at: &Value| {
        let at: jiff::Timestamp = at.as_str().unwrap().parse().unwrap();
        at.to_zoned_datetime(jiff::tz::TimeZone::get("Asia/Almaty").unwrap()).strftime("%Y-%m-%dT%H:%M").to_string()
    };
    let booking = json!({ "kind": "bilateral", "title": { "en": "Pull-aside" }, "starts": local(&placed["starts"]),
        "ends": local(&placed["ends"]), "venue": placed["venue"], "room": placed["room"], "attendees": {},
        "press": "closed", "visibility": "participants" });
    let booked = app.json(&host, "POST", "/api/v1/events/almaty-2025/programme", &booking).await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.body);

    let confirmed = app.json(&host, "POST", &format!("{BILATERALS}/confirm"), &json!({ "requests": [id] })).await;
    assert_eq!((confirmed.status, &confirmed.json()["error"]["code"]), (StatusCode::CONFLICT, &json!("clash")));
    assert!(confirmed.body.contains("Pull-aside"), "the item in the way is named: {}", confirmed.body);
    let all = requests(&app.get(&host, BILATERALS).await.json());
    assert_eq!(find(&all, &["KZ", "TJ"])["status"], "accepted", "not confirmed, to schedule again");
    // Sent from the bilaterals page: its links back (the language chosen) lead to that page, not
    // to the form's address, which answers only a form.
    let from_page =
        Session { referer: Some("http://concord.test/events/almaty-2025/bilaterals".into()), ..host.clone() };
    let nothing_chosen = app.form(&from_page, "/events/almaty-2025/bilaterals/confirm", &[]).await;
    assert!(
        nothing_chosen.body.contains("href=\"/language/kk?next=&#x2f;events&#x2f;almaty-2025&#x2f;bilaterals\""),
        "{}",
        nothing_chosen.body
    );
    // Sent by a browser that tells no Referer: the page nearest the form's address.
    let unsaid = app.form(&host, "/events/almaty-2025/bilaterals/confirm", &[]).await;
    assert!(
        unsaid.body.contains("href=\"/language/kk?next=&#x2f;events&#x2f;almaty-2025&#x2f;bilaterals\""),
        "{}",
        unsaid.body
    );
    assert_eq!(nothing_chosen.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        nothing_chosen.body.contains("name=\"day_starts\"")
            && nothing_chosen.body.contains("data-error-for=\"request\""),
        "said on the bilaterals page, at the confirmation: {}",
        nothing_chosen.body
    );
    assert!(nothing_chosen.body.contains("Choose at least one meeting to confirm."), "{}", nothing_chosen.body);
    // The host's choice comes back as it was made: the meeting left out is left out still.
    let chose_none = app.form(&host, "/events/almaty-2025/bilaterals/confirm", &[("confirming", "1")]).await;
    let boxes: Vec<&str> = chose_none.body.split("type=\"checkbox\" name=\"request\"").skip(1).collect();
    assert!(
        !boxes.is_empty() && boxes.iter().all(|b| !b.split('>').next().unwrap().contains("checked")),
        "{}",
        chose_none.body
    );
}

/// The page's request form: an id sent before with other content is said so, and the form
/// comes back with a new one; the sides' answers are named in the reader's language.
#[tokio::test]
async fn the_request_form_says_when_its_id_was_used_and_names_the_sides() {
    let app = TestApp::new().await;
    let kz = Session { lang: Some("ru"), ..app.login("delegation-kz", DEMO_PASSWORD).await };
    let page = "/events/almaty-2025/bilaterals";
    let id = "01a22e98-bbbb-7000-8000-000000000003";
    let first = [("id", id), ("with", "TM"), ("duration", "30"), ("priority", "normal"), ("note", "Первая")];
    let made = app.form(&kz, page, &first).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body.split("field-error").nth(1).unwrap_or(""));
    let other = [("id", id), ("with", "TM"), ("duration", "30"), ("priority", "normal"), ("note", "Другая тема")];
    let again = app.form(&kz, page, &other).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("Под идентификатором этой формы уже отправлено другое содержание."), "{}", again.body);
    assert!(again.body.contains("Другая тема"), "what was typed stays");
    assert!(!again.body.contains(&format!("name=\"id\" value=\"{id}\"")), "a new id: {}", again.body);
    let shown = app.get(&kz, page).await.body;
    assert!(shown.contains("Казахстан: принято, Туркменистан: ожидается"), "{shown}");
    assert!(!shown.contains("KZ: "), "{shown}");
    // The sides to choose from, in the reader's alphabet: in Kazakh, Армения before Әзірбайжан
    // and Өзбекстан before Ресей, unlike the Russian order of precedence.
    let kk = app.get(&Session { lang: Some("kk"), ..kz.clone() }, page).await.body;
    let with = kk.split("id=\"with\"").nth(1).unwrap().split("</select>").next().unwrap().to_string();
    let at = |name: &str| with.find(name).unwrap_or_else(|| panic!("{name} missing: {with}"));
    assert!(at("Армения") < at("Әзірбайжан") && at("Әзірбайжан") < at("Беларусь"), "{with}");
    assert!(at("Өзбекстан") < at("Ресей"), "{with}");
}

/// The host reads the proposed schedule, and a scheduler run moves a meeting before the host
/// confirms: the meeting is not confirmed at a time the host never saw. Confirmed where the page
/// now shows it, it is.
#[tokio::test]
async fn a_meeting_moved_since_the_host_read_the_page_is_not_confirmed() {
    let app = TestApp::new().await;
    let (host, id) = kazakhstan_and_tajikistan_scheduled(&app).await;
    let page = app.get(&host, "/events/almaty-2025/bilaterals").await.body;
    let hidden = |name: String| {
        let field = format!("name=\"{name}\" value=\"");
        let at = page.find(&field).unwrap_or_else(|| panic!("{name} on the page")) + field.len();
        page[at..at + page[at..].find('"').unwrap()].to_string()
    };
    let (starts, venue, room) =
        (hidden(format!("starts-{id}")), hidden(format!("venue-{id}")), hidden(format!("room-{id}")));
    let placed = find(&requests(&app.get(&host, BILATERALS).await.json()), &["KZ", "TJ"])["outcome"].clone();
    assert_eq!(
        (placed["starts"].as_str(), placed["venue"].as_str(), placed["room"].as_str()),
        (Some(starts.as_str()), Some(venue.as_str()), Some(room.as_str()))
    );

    // What the page showed before a run that moved the meeting by five minutes.
    let earlier: jiff::Timestamp = starts.parse().unwrap();
    let earlier = (earlier - jiff::SignedDuration::from_mins(5)).to_string();
    let confirm = |starts: String| {
        let (app, host, id, venue, room) = (&app, &host, &id, &venue, &room);
        async move {
            let (s, v, r) = (format!("starts-{id}"), format!("venue-{id}"), format!("room-{id}"));
            let fields = [
                ("request", id.as_str()),
                (s.as_str(), starts.as_str()),
                (v.as_str(), venue.as_str()),
                (r.as_str(), room.as_str()),
            ];
            app.form(host, "/events/almaty-2025/bilaterals/confirm", &fields).await
        }
    };
    let stale = confirm(earlier.clone()).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(
        stale.body.contains("Kazakhstan – Tajikistan — placed elsewhere than the page showed (read the page again)"),
        "{}",
        stale.body
    );
    let seen = json!([{ "request": id, "starts": earlier, "venue": venue, "room": room }]);
    for body in [json!({ "requests": [id], "placed": seen }), json!({ "all": true, "placed": seen })] {
        let api = app.json(&host, "POST", &format!("{BILATERALS}/confirm"), &body).await;
        assert_eq!(api.status, StatusCode::CONFLICT, "the API too, naming it or confirming all: {}", api.body);
    }
    let elsewhere = json!([{ "request": id, "starts": starts, "venue": "another-venue", "room": room }]);
    let api =
        app.json(&host, "POST", &format!("{BILATERALS}/confirm"), &json!({ "all": true, "placed": elsewhere })).await;
    assert_eq!(api.status, StatusCode::CONFLICT, "a room of that name in another venue: {}", api.body);
    // Confirming all is said, never read from an empty list; naming some and all at once is refused.
    for (body, field) in [
        (json!({}), "requests"),
        (json!({ "requests": [] }), "requests"),
        (json!({ "requests": [id], "all": true }), "requests"),
    ] {
        let api = app.json(&host, "POST", &format!("{BILATERALS}/confirm"), &body).await;
        assert_eq!(
            (api.status, &api.json()["error"]["field"]),
            (StatusCode::UNPROCESSABLE_ENTITY, &json!(field)),
            "{body}: {}",
            api.body
        );
    }
    let unchosen = json!({ "requests": ["01a227ff-0000-7000-8000-000000000000"], "placed": seen });
    let api = app.json(&host, "POST", &format!("{BILATERALS}/confirm"), &unchosen).await;
    assert_eq!(api.json()["error"]["field"], "placed", "said only of requests confirmed: {}", api.body);
    let all = requests(&app.get(&host, BILATERALS).await.json());
    assert_eq!(find(&all, &["KZ", "TJ"])["status"], "accepted", "not confirmed");

    let current = confirm(starts.clone()).await;
    assert_eq!(current.status, StatusCode::SEE_OTHER, "{}", current.body);
    let all = requests(&app.get(&host, BILATERALS).await.json());
    assert_eq!(find(&all, &["KZ", "TJ"])["status"], "confirmed");
}

/// A delegation asks that a meeting follow one of its own: the scheduler keeps the order, and
/// where no time is left after the first, the second is left out with the reason in words. A
/// meeting of other delegations cannot be named.
#[tokio::test]
async fn a_meeting_asked_to_follow_another_comes_after_it() {
    let app = TestApp::new().await;
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    let tj = app.login("delegation-tj", DEMO_PASSWORD).await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let ask = |body: Value| {
        let (app, kz, tj) = (&app, &kz, &tj);
        async move {
            let asked = app.json(kz, "POST", BILATERALS, &body).await;
            assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.body);
            let id = asked.json()["request"]["id"].as_str().unwrap().to_string();
            let answer = format!("{BILATERALS}/{id}/answer");
            app.json(tj, "POST", &answer, &json!({ "answer": "accept", "version": 1 })).await;
            id
        }
    };
    let window = |starts: &str, ends: &str| json!([{ "starts": format!("2025-04-11T{starts}"), "ends": format!("2025-04-11T{ends}") }]);
    let first =
        ask(json!({ "with": ["TJ"], "duration": 30, "priority": "high", "windows": window("18:00", "19:00") })).await;
    let next =
        ask(json!({ "with": ["TJ"], "duration": 20, "after": [first], "windows": window("16:50", "19:30") })).await;
    let early =
        ask(json!({ "with": ["TJ"], "duration": 20, "after": [first], "windows": window("16:50", "18:20") })).await;
    let others = find(&requests(&app.get(&host, BILATERALS).await.json()), &["TM", "RU"])["id"].clone();
    let foreign =
        app.json(&kz, "POST", BILATERALS, &json!({ "with": ["TJ"], "duration": 20, "after": [others] })).await;
    assert_eq!(foreign.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", foreign.body);
    assert_eq!(foreign.json()["error"]["field"], "after", "only one's own meetings");

    let run = app.json(&host, "POST", &format!("{BILATERALS}/schedule"), &json!({})).await;
    assert_eq!(run.status, StatusCode::OK, "{}", run.body);
    let all = requests(&app.get(&host, BILATERALS).await.json());
    let of = |id: &str| all.iter().find(|r| r["id"] == id).unwrap().clone();
    let (first, next, early) = (of(&first), of(&next), of(&early));
    assert_eq!(next["after"], json!([first["id"]]));
    assert_eq!((first["outcome"]["kind"].as_str(), next["outcome"]["kind"].as_str()), (Some("placed"), Some("placed")));
    assert!(next["outcome"]["starts"].as_str() >= first["outcome"]["ends"].as_str(), "{next} after {first}");
    assert_eq!(early["outcome"]["kind"], "unplaced", "no time is left after the first: {early}");
    let reasons = early["outcome"]["shown"].to_string();
    assert!(reasons.contains("in the order asked with: Kazakhstan – Tajikistan"), "the reason in words: {reasons}");
    let page = app.get(&host, "/events/almaty-2025/bilaterals").await.body;
    assert!(page.contains("After: Kazakhstan – Tajikistan"), "the list shows the order");

    // One left out is not confirmed, and the refusal says why.
    let refused =
        app.json(&host, "POST", &format!("{BILATERALS}/confirm"), &json!({ "requests": [early["id"]] })).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(
        refused.body.contains("Kazakhstan – Tajikistan — not placed by the last run (the list says why)"),
        "{}",
        refused.body
    );
    // One the other side has not answered, or has declined, is refused with its own reason and
    // what, if anything, to do.
    let asked = app.json(&kz, "POST", BILATERALS, &json!({ "with": ["TJ"], "duration": 20 })).await;
    let pending = asked.json()["request"]["id"].as_str().unwrap().to_string();
    let confirm = |id: String| {
        let (app, host) = (&app, &host);
        async move {
            let refused = app.json(host, "POST", &format!("{BILATERALS}/confirm"), &json!({ "requests": [id] })).await;
            assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
            refused.json()["error"]["message"].as_str().unwrap().to_string()
        }
    };
    let message = confirm(pending.clone()).await;
    assert!(
        message.contains("not accepted by every side yet (once it is, run the scheduler, then confirm it)"),
        "{message}"
    );
    let asked = app.json(&kz, "POST", BILATERALS, &json!({ "with": ["TJ"], "duration": 15 })).await;
    let agreed = asked.json()["request"]["id"].as_str().unwrap().to_string();
    let accept = json!({ "answer": "accept", "version": 1 });
    let accepted = app.json(&tj, "POST", &format!("{BILATERALS}/{agreed}/answer"), &accept).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    let message = confirm(agreed).await;
    assert!(
        message.contains("Kazakhstan – Tajikistan — accepted since the last run (run the scheduler, then confirm it)"),
        "no run has placed it, so there is no reason in the list to read: {message}"
    );
    let decline = json!({ "answer": "decline", "version": 1 });
    let declined = app.json(&tj, "POST", &format!("{BILATERALS}/{pending}/answer"), &decline).await;
    assert_eq!(declined.status, StatusCode::OK, "{}", declined.body);
    let message = confirm(pending).await;
    assert!(
        message.contains("Kazakhstan – Tajikistan — declined by a side") && !message.contains("scheduler"),
        "{message}"
    );
    // Both confirmed, the host moves the first past the second by hand: saved, with a warning.
    let ids = [first["id"].clone(), next["id"].clone()];
    let confirmed = app.json(&host, "POST", &format!("{BILATERALS}/confirm"), &json!({ "requests": ids })).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    let programme = app.get(&host, "/api/v1/events/almaty-2025/programme").await.json();
    let all = requests(&app.get(&host, BILATERALS).await.json());
    let item_of = |request: &Value| {
        let item = all.iter().find(|r| r["id"] == request["id"]).unwrap()["item"].clone();
        programme["items"].as_array().unwrap().iter().find(|i| i["id"] == item).unwrap().clone()
    };
    let (first_item, next_item) = (item_of(&first), item_of(&next));
    let moved = json!({ "version": first_item["version"], "kind": "bilateral", "title": first_item["title"],
        "starts": "2025-04-11T19:30", "ends": "2025-04-11T20:00", "venue": first_item["venue"],
        "room": first_item["room"], "attendees": first_item["attendees"], "press": first_item["press"],
        "visibility": first_item["visibility"] });
    let path = format!("/api/v1/events/almaty-2025/programme/{}", first_item["id"].as_str().unwrap());
    let saved = app.json(&Session { lang: Some("ru"), ..host.clone() }, "PUT", &path, &moved).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let warnings = saved.json()["warnings"].to_string();
    let title = next_item["title"]["ru"].as_str().unwrap();
    assert!(
        warnings.contains(&format!("Встречу «{title}»")) && warnings.contains("просили провести после этой"),
        "the order broken is named: {warnings}"
    );
    // The other way round: the second moved before the first.
    let mut earlier = next_item.clone();
    for field in
        ["id", "starts_local", "ends_local", "shown_title", "day", "time", "place", "cancelled", "sequence", "meeting"]
    {
        earlier.as_object_mut().unwrap().remove(field);
    }
    earlier["starts"] = json!("2025-04-11T19:00");
    earlier["ends"] = json!("2025-04-11T19:20");
    let path_next = format!("/api/v1/events/almaty-2025/programme/{}", next_item["id"].as_str().unwrap());
    let saved_next = app.json(&host, "PUT", &path_next, &earlier).await;
    assert_eq!(saved_next.status, StatusCode::OK, "{}", saved_next.body);
    let warnings = saved_next.json()["warnings"].to_string();
    assert!(warnings.contains("This meeting was asked to come after «"), "{warnings}");
    // Left without a room, it is still on the host's grid, in a column of its own.
    let mut roomless = moved.clone();
    roomless["version"] = saved.json()["item"]["version"].clone();
    roomless["room"] = Value::Null;
    let saved = app.json(&host, "PUT", &path, &roomless).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let page = app.get(&host, "/events/almaty-2025/bilaterals").await.body;
    let grid = page.split("class=\"grid\"").nth(2).expect("the grid of the second day");
    let header = grid.split("</thead>").next().unwrap();
    assert!(header.ends_with("<th scope=\"col\">Other room or none</th></tr>"), "{header}");
    let row = grid.split("<th scope=\"row\">19:30</th>").nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(row.ends_with("Kazakhstan – Tajikistan</span><br><small>19:30–20:00</small></td>"), "{row}");
}

/// The requesting side changes the order after it asked, from the page or the API; the order
/// never goes round, and the other side cannot change it.
#[tokio::test]
async fn the_requesting_side_changes_the_order_later() {
    let app = TestApp::new().await;
    let kz = Session { lang: Some("ru"), ..app.login("delegation-kz", DEMO_PASSWORD).await };
    let tj = app.login("delegation-tj", DEMO_PASSWORD).await;
    let ask = json!({ "with": ["TJ"], "duration": 20 });
    let first = app.json(&kz, "POST", BILATERALS, &ask).await.json()["request"]["id"].as_str().unwrap().to_string();
    let second = app.json(&kz, "POST", BILATERALS, &ask).await.json()["request"]["id"].as_str().unwrap().to_string();
    let page = "/events/almaty-2025/bilaterals";
    assert!(app.get(&kz, page).await.body.contains(&format!("id=\"after-{second}\"")), "offered to the requester");
    assert!(!app.get(&tj, page).await.body.contains(&format!("id=\"after-{second}\"")), "not to the side asked");

    // Nobody chosen on the form is a required field left empty, not an unknown delegation.
    let nobody = [("with", ""), ("priority", "normal"), ("duration", "30")];
    let refused = app.form(&kz, page, &nobody).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    let said = refused.body.split("data-error-for=\"with\"").nth(1).unwrap_or_default();
    assert!(said.starts_with('>') && said[1..].starts_with("Обязательное поле."), "{}", refused.body);

    let follow = [("version", "1"), ("answer", "follow"), ("after", first.as_str())];
    let changed = app.form(&kz, &format!("{page}/{second}/answer"), &follow).await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    let now = requests(&app.get(&kz, BILATERALS).await.json());
    let of = |id: &str| now.iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!((of(&second)["after"].clone(), of(&second)["version"].clone()), (json!([first]), json!(2)));
    let shown = app.get(&kz, page).await.body;
    assert!(shown.contains(&format!("<option value=\"{first}\" selected>")), "shown chosen");
    // The first's own menu no longer offers the second, which follows it: that order would go round.
    let menu = shown.split(&format!("id=\"after-{first}\"")).nth(1).and_then(|m| m.split("</select>").next()).unwrap();
    assert!(!menu.contains(&second), "{menu}");

    let round = [("request", first.as_str()), ("version", "1"), ("answer", "follow"), ("after", second.as_str())];
    let refused = app.form(&kz, &format!("{page}/{first}/answer"), &round).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("порядок замкнулся"), "{}", refused.body);
    // The reason is shown in the form that was sent, opened, and nowhere else.
    let sent =
        refused.body.split(&format!("/{first}/answer\"")).nth(1).and_then(|f| f.split("</form>").next()).unwrap();
    assert!(sent.contains("<details class=\"follow\" open>") && sent.contains("data-error-for=\"after\""), "{sent}");
    assert!(sent.contains(&format!("<option value=\"{second}\" selected>")), "the order as chosen: {sent}");
    assert_eq!(refused.body.matches("data-error-for=\"after\"").count(), 1);
    // A mistyped time sent from a page read before the order changed carries the version it was
    // read with, so that the corrected form still meets the change rather than overwriting it.
    let stale =
        [("request", second.as_str()), ("version", "1"), ("answer", "propose"), ("starts", "11 апреля"), ("ends", "")];
    let mistyped = app.form(&kz, &format!("{page}/{second}/answer"), &stale).await;
    assert_eq!(mistyped.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", mistyped.body);
    let sent =
        mistyped.body.split(&format!("/{second}/answer\"")).nth(1).and_then(|f| f.split("</form>").next()).unwrap();
    assert!(sent.contains("name=\"version\" value=\"1\"") && sent.contains("value=\"11 апреля\""), "{sent}");

    // Tajikistan, a side of both, may not change the order, nor learn from the refusal that it
    // would go round.
    let theirs = json!({ "version": 1, "answer": "follow", "after": [second] });
    let probe = app.json(&tj, "POST", &format!("{BILATERALS}/{first}/answer"), &theirs).await;
    assert_eq!((probe.status, probe.json()["error"]["code"].clone()), (StatusCode::FORBIDDEN, json!("forbidden")));
    let answer = format!("{BILATERALS}/{second}/answer");
    let cleared = app.json(&kz, "POST", &answer, &json!({ "version": 2, "answer": "follow", "after": [] })).await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.body);
    assert_eq!(cleared.json()["request"]["after"], json!([]));
    // A meeting it follows that is withdrawn holds it back no more, and the list says so.
    let again = app.json(&kz, "POST", &answer, &json!({ "version": 3, "answer": "follow", "after": [first] })).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    let withdraw = json!({ "version": 1, "answer": "withdraw" });
    let withdrawn = app.json(&kz, "POST", &format!("{BILATERALS}/{first}/answer"), &withdraw).await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    let list = app.get(&kz, page).await.body;
    assert!(list.contains("После встреч: Казахстан – Таджикистан (запрос отозван)"), "{list}");
}

/// The meetings a request follows are the requesting side's own: another side is not told of
/// them, by the request or by the reason it was left out.
#[tokio::test]
async fn another_side_is_not_told_which_meetings_a_request_follows() {
    let app = TestApp::new().await;
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    let ru = app.login("delegation-ru", DEMO_PASSWORD).await;
    let tj = app.login("delegation-tj", DEMO_PASSWORD).await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let window = |starts: &str, ends: &str| json!([{ "starts": format!("2025-04-11T{starts}"), "ends": format!("2025-04-11T{ends}") }]);
    let asked = json!({ "with": ["RU"], "duration": 20, "priority": "high", "windows": window("18:00", "19:00") });
    let with_ru = app.json(&kz, "POST", BILATERALS, &asked).await.json()["request"]["id"].clone();
    let answer = json!({ "answer": "accept", "version": 1 });
    app.json(&ru, "POST", &format!("{BILATERALS}/{}/answer", with_ru.as_str().unwrap()), &answer).await;
    let then = json!({ "with": ["TJ"], "duration": 20, "after": [with_ru], "windows": window("16:50", "18:20") });
    let then = app.json(&kz, "POST", BILATERALS, &then).await.json()["request"]["id"].clone();
    app.json(&tj, "POST", &format!("{BILATERALS}/{}/answer", then.as_str().unwrap()), &answer).await;
    app.json(&host, "POST", &format!("{BILATERALS}/schedule"), &json!({})).await;

    let ours = requests(&app.get(&kz, BILATERALS).await.json());
    let ours = ours.iter().find(|r| r["id"] == then).unwrap();
    assert_eq!(ours["after"], json!([with_ru]), "the requester sees it");
    assert!(ours["outcome"]["shown"].to_string().contains("Kazakhstan – Russia"), "{ours}");
    let seen = requests(&app.get(&tj, BILATERALS).await.json());
    let theirs = seen.iter().find(|r| r["id"] == then).unwrap();
    assert_eq!(theirs["after"], json!([]), "{theirs}");
    let shown = theirs["outcome"]["shown"].to_string();
    assert!(shown.contains("other meetings of the requesting delegation") && !shown.contains("Russia"), "{shown}");
    assert!(!theirs["outcome"]["reasons"].to_string().contains(with_ru.as_str().unwrap()), "not even its id");
    assert!(!app.get(&tj, "/events/almaty-2025/bilaterals").await.body.contains("Kazakhstan – Russia"));
}

#[tokio::test]
async fn what_the_scheduler_leaves_out_comes_with_its_reason_in_words() {
    let app = TestApp::new().await;
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    let ru = app.login("delegation-ru", DEMO_PASSWORD).await;
    let host = app.login("host", DEMO_PASSWORD).await;
    // During the narrow session both ministers sit in it.
    let asked = app
        .json(
            &kz,
            "POST",
            BILATERALS,
            &json!({ "with": ["RU"], "duration": 45, "windows": [{ "starts": "2025-04-11T11:00", "ends": "2025-04-11T12:00" }] }),
        )
        .await;
    let id = asked.json()["request"]["id"].as_str().unwrap().to_string();
    app.json(&ru, "POST", &format!("{BILATERALS}/{id}/answer"), &json!({ "answer": "accept", "version": 1 })).await;
    app.json(&host, "POST", &format!("{BILATERALS}/schedule"), &json!({})).await;
    let all = requests(&app.get(&host, BILATERALS).await.json());
    let ours = all.iter().find(|r| r["id"] == id.as_str()).unwrap();
    assert_eq!(ours["outcome"]["kind"], "unplaced", "{ours}");
    let shown = ours["outcome"]["shown"].to_string();
    assert!(shown.contains("is not free for this long") && shown.contains("(Kazakhstan)"), "{shown}");
    let page = app.get(&host, "/events/almaty-2025/bilaterals").await;
    assert!(page.body.contains("is not free for this long"));
    let russian = app.get(&app.login("host", DEMO_PASSWORD).await, "/language/ru?next=/").await;
    assert_eq!(russian.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn bad_requests_are_refused_field_by_field() {
    let app = TestApp::new().await;
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    let reply = app
        .json(
            &kz,
            "POST",
            BILATERALS,
            &json!({ "with": ["FR"], "duration": 0,
                     "windows": [{ "starts": "2025-04-12T09:00", "ends": "2025-04-12T10:00" }] }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = reply.json()["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["with", "duration", "windows[0].starts"]);
    // A field left out or unknown is named, not only in the parser's sentence.
    let missing = app.json(&kz, "POST", BILATERALS, &json!({ "with": ["TJ"] })).await;
    assert_eq!(
        (missing.status, &missing.json()["error"]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("duration"))
    );
    let window = json!({ "with": ["TJ"], "duration": 30, "windows": [{ "starts": "2025-04-10T09:00", "end": "x" }] });
    let unknown = app.json(&kz, "POST", BILATERALS, &window).await;
    assert_eq!(unknown.json()["error"]["field"], "windows[0].end", "{}", unknown.body);
    let form = app
        .form(
            &kz,
            "/events/almaty-2025/bilaterals",
            &[("with", "RU"), ("with", "TJ"), ("duration", "500"), ("priority", "high")],
        )
        .await;
    assert_eq!(form.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(form.body.contains("Enter a number from 5 to 240."), "the form says what is wrong, and the range");
    let chosen: Vec<&str> = ["RU", "TJ", "KG"]
        .into_iter()
        .filter(|c| form.body.contains(&format!("<option value=\"{c}\" selected>")))
        .collect();
    assert_eq!(chosen, ["RU", "TJ"], "a trilateral's two sides stay chosen");
    assert!(form.body.contains("<option value=\"high\" selected>"));
    // A priority the form does not offer is named beside the priority.
    let tampered = [("with", "KG"), ("duration", "30"), ("priority", "urgent")];
    let tampered = app.form(&kz, "/events/almaty-2025/bilaterals", &tampered).await;
    assert_eq!(tampered.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(tampered.body.contains("data-error-for=\"priority\""), "{}", tampered.body);
    // A window's start that is no date and time is called that, not a bad time of day.
    let wordy = [
        ("with", "KG"),
        ("duration", "30"),
        ("priority", "normal"),
        ("starts", "tomorrow"),
        ("ends", "2025-04-10T10:00"),
    ];
    let wordy = app.form(&kz, "/events/almaty-2025/bilaterals", &wordy).await;
    assert!(wordy.body.contains("Not a date and time"), "{}", wordy.body);
    // A window with its start and no end: the end is asked for, not called a bad time.
    let half = [("with", "KG"), ("duration", "30"), ("priority", "high"), ("starts", "2025-04-10T09:00")];
    let half = app.form(&kz, "/events/almaty-2025/bilaterals", &half).await;
    assert_eq!(half.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(half.body.contains("This field is required.") && !half.body.contains("Not a time"), "{}", half.body);
    // Sent twice (a double click), the form makes one request; its id is no other side's to take.
    let page = app.get(&kz, "/events/almaty-2025/bilaterals").await.body;
    let id = page.split("name=\"id\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let fields = [("id", id.as_str()), ("with", "KG"), ("duration", "30"), ("priority", "high")];
    for _ in 0..2 {
        let sent = app.form(&kz, "/events/almaty-2025/bilaterals", &fields).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    }
    let made = requests(&app.get(&kz, BILATERALS).await.json());
    assert_eq!(made.iter().filter(|r| r["id"] == id.as_str()).count(), 1);
    assert_eq!(made.iter().filter(|r| r["sides"].to_string().contains("KG")).count(), 1, "one request with KG");
    let tj = app.login("delegation-tj", DEMO_PASSWORD).await;
    let taken = app
        .form(&tj, "/events/almaty-2025/bilaterals", &[("id", id.as_str()), ("with", "RU"), ("duration", "30")])
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    let host = app.login("host", DEMO_PASSWORD).await;
    let same = json!({ "day_starts": "09:00:00", "day_ends": "09:00:00" });
    let same = app.json(&host, "POST", &format!("{BILATERALS}/schedule"), &same).await;
    assert!(same.body.contains("The end must come after the start."), "{}", same.body);
    let settings = json!({ "day_starts": "20:00:00", "day_ends": "08:00:00" });
    let reply = app.json(&host, "POST", &format!("{BILATERALS}/schedule"), &settings).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.json()["error"]["field"], "day_ends");
    // Only the start sent: the day's end is the last run's, and the start is what is wrong.
    let late_start =
        app.json(&host, "POST", &format!("{BILATERALS}/schedule"), &json!({ "day_starts": "23:30" })).await;
    assert_eq!(
        (late_start.status, &late_start.json()["error"]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("day_starts")),
        "{}",
        late_start.body
    );
    assert!(late_start.body.contains("The start must come before the end."), "{}", late_start.body);
}

#[tokio::test]
async fn windows_go_back_as_the_api_gives_them_and_an_answer_not_ones_own_says_whose_it_is() {
    let app = TestApp::new().await;
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    let tj = app.login("delegation-tj", DEMO_PASSWORD).await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let ask = |windows: Value| json!({ "with": ["TJ"], "duration": 30, "windows": windows });
    let asked = app
        .json(&kz, "POST", BILATERALS, &ask(json!([{ "starts": "2025-04-11T15:00", "ends": "2025-04-11T19:00" }])))
        .await;
    assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.body);
    let request = asked.json()["request"].clone();
    // The API gives windows in UTC; sent back as they are, they are the same windows.
    let given = &request["windows"][0];
    assert_eq!((&given["starts"], &given["ends"]), (&json!("2025-04-11T10:00:00Z"), &json!("2025-04-11T14:00:00Z")));
    let again = json!([{ "starts": given["starts"], "ends": given["ends"] }]);
    let again = app.json(&kz, "POST", BILATERALS, &json!({ "with": ["KG"], "duration": 30, "windows": again })).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);
    assert_eq!(again.json()["request"]["windows"][0]["shown"], given["shown"]);
    let late = json!([{ "starts": "2025-04-10T22:00", "ends": "2025-04-11T01:00" }]);
    let late = app.json(&kz, "POST", BILATERALS, &json!({ "with": ["TM"], "duration": 30, "windows": late })).await;
    assert_eq!(late.json()["request"]["windows"][0]["shown"], "10.04 22:00–11.04 01:00", "{}", late.body);

    let answer = format!("{BILATERALS}/{}/answer", request["id"].as_str().unwrap());
    let refusal = |reply: &crate::support::Reply| {
        (reply.status, reply.json()["error"]["message"].as_str().unwrap_or_default().to_string())
    };
    let host_answers = app.json(&host, "POST", &answer, &json!({ "answer": "accept", "version": 1 })).await;
    assert_eq!(refusal(&host_answers), (StatusCode::FORBIDDEN, "Only the sides of a request answer it.".into()));
    let own = app.json(&kz, "POST", &answer, &json!({ "answer": "decline", "version": 1 })).await;
    assert_eq!(
        refusal(&own),
        (StatusCode::FORBIDDEN, "The requesting side does not decline its own request: withdraw it instead.".into())
    );
    let other = app.json(&tj, "POST", &answer, &json!({ "answer": "withdraw", "version": 1 })).await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    assert!(refusal(&other).1.starts_with("Only the requesting side withdraws"), "{}", other.body);
    // Windows sent with an answer that does not propose them are not dropped unsaid.
    let windows = json!([{ "starts": "2025-04-11T16:00", "ends": "2025-04-11T17:00" }]);
    let lost = app.json(&tj, "POST", &answer, &json!({ "answer": "accept", "version": 1, "windows": windows })).await;
    assert_eq!((lost.status, &lost.json()["error"]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("windows")));
    // Nor is another order.
    let other = again.json()["request"]["id"].clone();
    let lost = app.json(&kz, "POST", &answer, &json!({ "answer": "withdraw", "version": 1, "after": [other] })).await;
    assert_eq!((lost.status, &lost.json()["error"]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("after")));
    let page = app
        .form(
            &tj,
            &format!("/events/almaty-2025/bilaterals/{}/answer", request["id"].as_str().unwrap()),
            &[
                ("request", request["id"].as_str().unwrap()),
                ("version", "1"),
                ("answer", "accept"),
                ("starts", "2025-04-11T16:00"),
                ("ends", "2025-04-11T17:00"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Windows are sent with “Propose”"), "{}", page.body);
    assert!(page.body.contains("value=\"2025-04-11T16:00\""), "what was typed stays");
    let ru = Session { lang: Some("ru"), ..app.login("delegation-kz", DEMO_PASSWORD).await };
    let own = app
        .form(
            &ru,
            &format!("/events/almaty-2025/bilaterals/{}/answer", request["id"].as_str().unwrap()),
            &[("request", request["id"].as_str().unwrap()), ("version", "1"), ("answer", "decline")],
        )
        .await;
    assert_eq!(own.status, StatusCode::FORBIDDEN);
    assert!(own.body.contains("Запрашивающая сторона не отклоняет свой запрос"), "{}", own.body);
}

#[tokio::test]
async fn the_next_run_starts_from_the_settings_of_the_last() {
    let app = TestApp::new().await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let instance = format!("{BILATERALS}/instance");
    let defaults = app.get(&host, &instance).await.json();
    assert_eq!((&defaults["buffer"], &defaults["grid"]), (&json!(5), &json!(5)), "the defaults before any run");
    let fields =
        [("day_starts", "10:00"), ("day_ends", "19:00"), ("grid", "15"), ("buffer", "10"), ("max_per_day", "6")];
    let run = app.form(&host, "/events/almaty-2025/bilaterals/schedule", &fields).await;
    assert_eq!(run.status, StatusCode::SEE_OTHER, "{}", run.body);
    let page = app.get(&host, "/events/almaty-2025/bilaterals").await.body;
    let form = page.split("id=\"schedule-form\"").nth(1).and_then(|f| f.split("</form>").next()).unwrap();
    for (name, value) in
        [("day_starts", "10:00"), ("day_ends", "19:00"), ("grid", "15"), ("buffer", "10"), ("max_per_day", "6")]
    {
        let field = form.split(&format!("name=\"{name}\"")).nth(1).unwrap();
        assert!(
            field.split('>').next().unwrap().contains(&format!("value=\"{value}\"")),
            "the last run's {name}: {form}"
        );
    }
    let said = last_run(&page);
    assert!(said.contains("3 placed by the scheduler, 1 left out; the reasons are beside each request."), "{said}");
    // A number left out is asked for, and stays out rather than the last run's coming back.
    let blank = [("day_starts", "10:00"), ("day_ends", "19:00"), ("grid", ""), ("buffer", "10"), ("max_per_day", "6")];
    let refused = app.form(&host, "/events/almaty-2025/bilaterals/schedule", &blank).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("This field is required.")
            && refused.body.contains("name=\"grid\" type=\"number\" min=\"1\" max=\"60\" value=\"\""),
        "{}",
        refused.body
    );
    // A whole number the field cannot hold is not "not a number": it says why.
    let ru = Session { lang: Some("ru"), ..host.clone() };
    for (buffer, message) in
        [("-5", "Не может быть отрицательным."), ("99999999999", "Число вне допустимых для этого поля пределов.")]
    {
        let fields =
            [("day_starts", "10:00"), ("day_ends", "19:00"), ("grid", "15"), ("buffer", buffer), ("max_per_day", "6")];
        let refused = app.form(&ru, "/events/almaty-2025/bilaterals/schedule", &fields).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains(message), "{buffer}: {}", refused.body);
    }
    // Every mistake of the form at once: one that does not read, and one the others make.
    let fields =
        [("day_starts", "10:00"), ("day_ends", "09:00"), ("grid", "15"), ("buffer", "-5"), ("max_per_day", "6")];
    let refused = app.form(&ru, "/events/almaty-2025/bilaterals/schedule", &fields).await;
    assert!(
        refused.body.contains("data-error-for=\"buffer\"") && refused.body.contains("data-error-for=\"day_ends\""),
        "{}",
        refused.body
    );
    let negative = app.json(&ru, "POST", &format!("{BILATERALS}/schedule"), &json!({ "buffer": -5 })).await;
    let error = &negative.json()["error"];
    assert_eq!(
        (negative.status, &error["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("buffer")),
        "{}",
        negative.body
    );
    assert_eq!(error["details"][0]["message"], "Не может быть отрицательным.", "{}", negative.body);
    let kept = app.get(&host, &instance).await.json();
    assert_eq!((&kept["buffer"], &kept["grid"], &kept["max_per_day"]), (&json!(10), &json!(15), &json!(6)));
    // Through the API, what a run leaves out is the last run's.
    let run = app.json(&host, "POST", &format!("{BILATERALS}/schedule"), &json!({ "buffer": 0 })).await;
    assert_eq!(run.status, StatusCode::OK, "{}", run.body);
    let kept = app.get(&host, &instance).await.json();
    assert_eq!((&kept["buffer"], &kept["grid"]), (&json!(0), &json!(15)));
    for day in kept["days"].as_array().unwrap() {
        assert_eq!(day["end"].as_i64().unwrap() - day["start"].as_i64().unwrap(), 9 * 60, "still 10:00–19:00: {day}");
    }
    let unknown = app.json(&host, "POST", &format!("{BILATERALS}/schedule"), &json!({ "lunch": "13:00" })).await;
    assert_eq!(
        (unknown.status, &unknown.json()["error"]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("lunch"))
    );
    let audit = app.get(&app.login("admin", DEMO_PASSWORD).await, "/api/v1/audit").await.body;
    assert_eq!(audit.matches("\"bilateral_settings\"").count(), 2, "each change of settings is audited: {audit}");
}

#[tokio::test]
async fn a_run_that_leaves_nothing_out_says_so_without_pointing_to_reasons() {
    let app = TestApp::new().await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let hours = json!({ "day_starts": "07:00", "day_ends": "23:00" });
    let run = app.json(&host, "POST", &format!("{BILATERALS}/schedule"), &hours).await;
    assert_eq!((run.status, &run.json()["unplaced"]), (StatusCode::OK, &json!(0)), "{}", run.body);
    let said = last_run(&app.get(&host, "/events/almaty-2025/bilaterals").await.body);
    assert!(said.contains("placed by the scheduler, none left out.") && !said.contains("reasons"), "{said}");
    let ru = Session { lang: Some("ru"), ..host };
    let said = last_run(&app.get(&ru, "/events/almaty-2025/bilaterals").await.body);
    assert!(said.contains("неразмещённых нет") && !said.contains("причины"), "{said}");
}

#[tokio::test]
async fn a_meeting_kept_out_by_a_confirmed_one_names_it_not_free_rooms_or_people() {
    let app = TestApp::new().await;
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    let am = app.login("delegation-am", DEMO_PASSWORD).await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let confirmed = find(&requests(&app.get(&host, BILATERALS).await.json()), &["KZ", "RU"]).clone();
    assert_eq!(confirmed["status"], "confirmed", "{confirmed}");
    let starts = confirmed["outcome"]["starts"].as_str().unwrap();
    // Only the hour of Kazakhstan's confirmed meeting with Russia is acceptable.
    let window = json!([{ "starts": starts, "ends": confirmed["outcome"]["ends"] }]);
    let asked = app.json(&kz, "POST", BILATERALS, &json!({ "with": ["AM"], "duration": 20, "windows": window })).await;
    assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.body);
    let id = asked.json()["request"]["id"].as_str().unwrap().to_string();
    let accepted =
        app.json(&am, "POST", &format!("{BILATERALS}/{id}/answer"), &json!({ "answer": "accept", "version": 1 })).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    let run = app.json(&host, "POST", &format!("{BILATERALS}/schedule"), &json!({})).await;
    assert_eq!(run.status, StatusCode::OK, "{}", run.body);
    // The run counts what it left out, before the scheduler (outside the hours) as by it, and
    // places no confirmed meeting again.
    let all = requests(&app.get(&host, BILATERALS).await.json());
    let count = |kind: &str| all.iter().filter(|r| r["status"] != "confirmed" && r["outcome"]["kind"] == kind).count();
    assert_eq!((&run.json()["placed"], &run.json()["unplaced"]), (&json!(count("placed")), &json!(count("unplaced"))));
    let said = last_run(&app.get(&host, "/events/almaty-2025/bilaterals").await.body);
    let left_out = format!("{} left out; the reasons are beside each request.", count("unplaced"));
    assert!(count("unplaced") > 0 && said.contains(&left_out), "{said}");
    let ours = all.into_iter().find(|r| r["id"] == id.as_str()).unwrap();
    let shown = ours["outcome"]["shown"].as_array().unwrap();
    assert_eq!(shown.len(), 1, "{shown:?}");
    let shown = shown[0].as_str().unwrap();
    assert!(shown.contains("confirmed already") && shown.contains("Kazakhstan – Russia, 10.04 10:00"), "{shown}");
    // A side is told the meeting it lost to where that meeting is its own too, and another side
    // is not told whose meeting, when or even its id: only that other meetings took the time.
    let (app, id) = (&app, id.as_str());
    let seen_by = |session| async move {
        let all = requests(&app.get(session, BILATERALS).await.json());
        all.into_iter().find(|r| r["id"] == id).unwrap()["outcome"].clone()
    };
    let kz_sees = seen_by(&kz).await;
    assert!(kz_sees["shown"].to_string().contains("Kazakhstan – Russia, 10.04 10:00"), "{kz_sees}");
    let am_sees = seen_by(&am).await;
    let lost_to = json!({ "kind": "scheduler", "reason": { "kind": "lost_to", "requests": [] } });
    assert_eq!(am_sees["reasons"], json!([lost_to]), "{am_sees}");
    assert_eq!(
        am_sees["shown"],
        json!(["Every possible time is taken by other meetings, confirmed already or of equal or higher priority."])
    );
    let page = app.get(&am, "/events/almaty-2025/bilaterals").await.body;
    assert!(page.contains("taken by other meetings") && !page.contains("Kazakhstan – Russia"), "{page}");
}

#[tokio::test]
async fn a_sides_form_read_before_a_scheduler_run_still_answers_after_it() {
    let app = TestApp::new().await;
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    let tj = app.login("delegation-tj", DEMO_PASSWORD).await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let window = json!([{ "starts": "2025-04-11T15:00", "ends": "2025-04-11T19:00" }]);
    let asked = app.json(&kz, "POST", BILATERALS, &json!({ "with": ["TJ"], "duration": 30, "windows": window })).await;
    let id = asked.json()["request"]["id"].as_str().unwrap().to_string();
    let answer = format!("{BILATERALS}/{id}/answer");
    let accepted = app.json(&tj, "POST", &answer, &json!({ "answer": "accept", "version": 1 })).await;
    let read = accepted.json()["request"]["version"].clone();
    let run = app.json(&host, "POST", &format!("{BILATERALS}/schedule"), &json!({})).await;
    assert_eq!(run.status, StatusCode::OK, "{}", run.body);
    let placed = requests(&app.get(&kz, BILATERALS).await.json()).into_iter().find(|r| r["id"] == id.as_str()).unwrap();
    assert_eq!(
        (&placed["outcome"]["kind"], &placed["version"]),
        (&json!("placed"), &read),
        "placed, at the version read"
    );
    // What the sides answered has not changed: Kazakhstan's form, read before the run, still goes.
    let windows = json!([{ "starts": "2025-04-11T16:00", "ends": "2025-04-11T18:00" }]);
    let moved =
        app.json(&kz, "POST", &answer, &json!({ "answer": "propose", "version": read, "windows": windows })).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(moved.json()["request"]["outcome"], Value::Null, "other windows, to be scheduled again");
}

#[tokio::test]
async fn a_request_to_the_cis_executive_committee_is_answered_by_its_delegation() {
    let app = TestApp::new().await;
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    let cis = app.login("delegation-cis", DEMO_PASSWORD).await;
    let asked = app.json(&kz, "POST", BILATERALS, &json!({ "with": ["CIS"], "duration": 20 })).await;
    assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.body);
    let id = asked.json()["request"]["id"].as_str().unwrap().to_string();
    let seen = requests(&app.get(&cis, BILATERALS).await.json());
    assert_eq!(seen.iter().map(sides).collect::<Vec<_>>(), [vec!["KZ", "CIS"]], "only its own");
    let accepted = app
        .json(&cis, "POST", &format!("{BILATERALS}/{id}/answer"), &json!({ "answer": "accept", "version": 1 }))
        .await;
    assert_eq!(accepted.json()["request"]["status"], "accepted", "{}", accepted.body);
}

/// What the bilaterals page says of the last scheduler run.
fn last_run(page: &str) -> String {
    let after = page.split("id=\"last-run\"").nth(1).expect("the last run is said");
    after.split("</p>").next().unwrap_or_default().to_string()
}

#[tokio::test]
async fn a_counter_proposal_shows_the_windows_it_replaced_and_whose_they_were() {
    let app = TestApp::new().await;
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    let tj = app.login("delegation-tj", DEMO_PASSWORD).await;
    let window = json!([{ "starts": "2025-04-11T10:00", "ends": "2025-04-11T13:00" }]);
    // A field given twice is refused, not the last one taken.
    let twice = r#"{ "with": ["TJ"], "duration": 30, "duration": 60 }"#;
    let refused = app.request(&kz, "POST", BILATERALS, Some("application/json"), twice).await;
    assert_eq!(
        (refused.status, &refused.json()["error"]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("duration"))
    );
    let asked = app.json(&kz, "POST", BILATERALS, &json!({ "with": ["TJ"], "duration": 30, "windows": window })).await;
    let id = asked.json()["request"]["id"].as_str().unwrap().to_string();
    assert!(asked.json()["request"]["replaced"].is_null(), "{}", asked.body);
    let other = json!([{ "starts": "2025-04-10T15:00", "ends": "2025-04-10T17:00" }]);
    let answer = json!({ "answer": "propose", "version": 1, "windows": other });
    let moved = app.json(&tj, "POST", &format!("{BILATERALS}/{id}/answer"), &answer).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    let seen = requests(&app.get(&kz, BILATERALS).await.json()).into_iter().find(|r| r["id"] == id.as_str()).unwrap();
    assert_eq!(seen["windows"][0]["shown"], "10.04 15:00–17:00");
    assert_eq!(seen["windows_by"]["side"], "TJ", "{seen}");
    assert_eq!(
        (&seen["replaced"]["by"], &seen["replaced"]["windows"][0]["shown"]),
        (&json!("KZ"), &json!("11.04 10:00–13:00"))
    );
    let page = app.get(&Session { lang: Some("ru"), ..kz.clone() }, "/events/almaty-2025/bilaterals").await.body;
    assert!(page.contains("вместо предложенного (Казахстан): 11.04 10:00–13:00"), "{page}");
    // Kazakhstan answers with two windows, the later first: they are kept in the order of time.
    let back = json!([{ "starts": "2025-04-11T14:00", "ends": "2025-04-11T15:00" },
        { "starts": "2025-04-10T09:00", "ends": "2025-04-10T10:00" }]);
    let answer = json!({ "answer": "propose", "version": seen["version"], "windows": back });
    let moved = app.json(&kz, "POST", &format!("{BILATERALS}/{id}/answer"), &answer).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    let request = &moved.json()["request"];
    let shown: Vec<&str> =
        request["windows"].as_array().unwrap().iter().map(|w| w["shown"].as_str().unwrap()).collect();
    assert_eq!(shown, ["10.04 09:00–10:00", "11.04 14:00–15:00"]);
    assert_eq!((&request["windows_by"], &request["replaced"]["by"]), (&Value::Null, &json!("TJ")), "its own again");
    // Windows proposed instead of any time say so in a sentence.
    let anytime = app.json(&kz, "POST", BILATERALS, &json!({ "with": ["KG"], "duration": 30 })).await;
    let anytime = anytime.json()["request"]["id"].as_str().unwrap().to_string();
    let kg = app.login("delegation-kg", DEMO_PASSWORD).await;
    let answer = json!({ "answer": "propose", "version": 1, "windows": other });
    assert_eq!(app.json(&kg, "POST", &format!("{BILATERALS}/{anytime}/answer"), &answer).await.status, StatusCode::OK);
    let page = app.get(&Session { lang: Some("ru"), ..kz.clone() }, "/events/almaty-2025/bilaterals").await.body;
    assert!(page.contains("вместо любого времени мероприятия (предложено: Казахстан)"), "{page}");
}

app_on_both_engines!(a_request_sent_again_is_made_once_and_another_may_not_take_its_id, requests_sent_again);

async fn requests_sent_again(app: TestApp) {
    let uz = app.login("delegation-uz", DEMO_PASSWORD).await;
    let id = "01a22e98-bbbb-7000-8000-000000000001";
    let ask = json!({ "id": id, "with": ["AZ"], "duration": 30 });
    let made = app.json(&uz, "POST", BILATERALS, &ask).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let again = app.json(&uz, "POST", BILATERALS, &ask).await;
    assert_eq!(again.status, StatusCode::OK, "the same request sent again: {}", again.body);
    assert_eq!(again.json()["request"], made.json()["request"]);
    let other = app.json(&uz, "POST", BILATERALS, &json!({ "id": id, "with": ["AM"], "duration": 45 })).await;
    assert_eq!(
        (other.status, &other.json()["error"]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("id")),
        "another request under its id: {}",
        other.body
    );
    let list = app.get(&uz, BILATERALS).await.json();
    let mine: Vec<Value> = requests(&list).into_iter().filter(|r| r["id"] == id).collect();
    assert_eq!(mine.len(), 1, "made once");
    assert_eq!((mine[0]["duration"].as_u64(), sides(&mine[0])), (Some(30), vec!["UZ".to_string(), "AZ".to_string()]));
    // Sent four times at once (a retry racing the first): made once, and each answered with it.
    let at_once = json!({ "id": "01a22e98-bbbb-7000-8000-000000000002", "with": ["AM"], "duration": 20 });
    let send = || app.json(&uz, "POST", BILATERALS, &at_once);
    let answers = tokio::join!(send(), send(), send(), send());
    let answers = [answers.0, answers.1, answers.2, answers.3];
    let mut statuses: Vec<StatusCode> = answers.iter().map(|a| a.status).collect();
    statuses.sort();
    let bodies: Vec<&str> = answers.iter().map(|a| a.body.as_str()).collect();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::OK, StatusCode::OK, StatusCode::CREATED], "{bodies:#?}");
    assert!(answers.iter().all(|a| a.json()["request"]["id"] == at_once["id"]), "{bodies:#?}");
    app.db.cleanup().await;
}

/// The invited side names who meets for it as it accepts, from its own members, on the page or
/// through the API; another side's member, or names sent with another answer, are refused.
#[tokio::test]
async fn an_invited_side_names_who_meets_for_it_as_it_accepts() {
    let app = TestApp::new().await;
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    let tj = app.login("delegation-tj", DEMO_PASSWORD).await;
    let asked = app.json(&kz, "POST", BILATERALS, &json!({ "with": ["tj"], "duration": 30 })).await;
    let id = asked.json()["request"]["id"].as_str().unwrap().to_string();
    let members = app.get(&tj, "/api/v1/events/almaty-2025/delegations/tj/members").await.json();
    let deputy = members["members"].as_array().unwrap().iter().find(|m| m["role"] != "head").cloned().unwrap();
    let deputy_id = deputy["id"].as_str().unwrap();
    let kz_members = app.get(&kz, "/api/v1/events/almaty-2025/delegations/kz/members").await.json();
    let stranger = kz_members["members"][0]["id"].as_str().unwrap();
    let answer = format!("{BILATERALS}/{id}/answer");
    let theirs = json!({ "answer": "accept", "version": 1, "principals": [stranger] });
    let theirs = app.json(&tj, "POST", &answer, &theirs).await;
    assert_eq!(
        (theirs.status, &theirs.json()["error"]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("principals"))
    );
    let declining = json!({ "answer": "decline", "version": 1, "principals": [deputy_id] });
    let declining = app.json(&tj, "POST", &answer, &declining).await;
    assert_eq!(declining.json()["error"]["field"], "principals", "{}", declining.body);
    // From the page: the form offers Tajikistan's members, and the one chosen meets.
    let page = app.get(&tj, "/events/almaty-2025/bilaterals").await.body;
    let form = page.split(&format!("id=\"answer-{id}\"")).nth(1).unwrap().split("</form>").next().unwrap();
    assert!(form.contains(&format!("value=\"{deputy_id}\"")), "{form}");
    let fields = [
        ("request", id.as_str()),
        ("version", "1"),
        ("naming", "principals"),
        ("principals", deputy_id),
        ("answer", "accept"),
    ];
    let sent = app.form(&tj, &format!("/events/almaty-2025/bilaterals/{id}/answer"), &fields).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let all = requests(&app.get(&kz, BILATERALS).await.json());
    let ours = find(&all, &["KZ", "TJ"]);
    assert_eq!(
        (ours["status"].as_str(), ours["principals"].as_array().map(Vec::len)),
        (Some("accepted"), Some(1)),
        "{ours}"
    );
    assert_eq!(ours["principals"][0], deputy["id"]);
}

#[tokio::test]
async fn a_meeting_of_three_sides_is_named_trilateral_wherever_it_shows() {
    let app = TestApp::new().await;
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let asked = app.json(&kz, "POST", BILATERALS, &json!({ "with": ["tj", "uz"], "duration": 30 })).await;
    let mut request = asked.json()["request"].clone();
    let id = request["id"].as_str().unwrap().to_string();
    for code in ["tj", "uz"] {
        let side = app.login(&format!("delegation-{code}"), DEMO_PASSWORD).await;
        let accept = json!({ "answer": "accept", "version": request["version"] });
        let answered = app.json(&side, "POST", &format!("{BILATERALS}/{id}/answer"), &accept).await;
        assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);
        request = answered.json()["request"].clone();
    }
    assert_eq!(app.json(&host, "POST", &format!("{BILATERALS}/schedule"), &json!({})).await.status, StatusCode::OK);
    let confirmed = app.json(&host, "POST", &format!("{BILATERALS}/confirm"), &json!({ "requests": [id] })).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    let title = confirmed.json()["items"][0]["title"]["en"].as_str().unwrap().to_string();
    assert_eq!(title, "Kazakhstan – Tajikistan – Uzbekistan talks");

    let itinerary = app.get(&kz, "/events/almaty-2025/delegations/kz/itinerary").await.body;
    assert!(itinerary.contains(&format!("Trilateral meeting: {title}")), "{itinerary}");
    let programme = app.get(&kz, "/events/almaty-2025/programme").await.body;
    assert!(programme.contains(&format!("<span class=\"kind\">Trilateral meeting</span>: {title}")), "{programme}");
    let ru = Session { lang: Some("ru"), ..app.login("delegation-uz", DEMO_PASSWORD).await };
    let itinerary = app.get(&ru, "/events/almaty-2025/delegations/uz/itinerary").await.body;
    assert!(
        itinerary.contains("Трёхсторонняя встреча: Переговоры Казахстан – Таджикистан – Узбекистан"),
        "{itinerary}"
    );
    let feed = delegation_feed(&app, &kz, "kz").await;
    let event = feed.split("BEGIN:VEVENT").find(|e| e.contains(&format!("SUMMARY:{title}"))).expect("it is fed");
    assert!(event.contains("DESCRIPTION:Trilateral meeting"), "{event}");
    // The demo's talks of Kazakhstan and Russia stay a bilateral meeting.
    assert!(
        app.get(&kz, "/events/almaty-2025/delegations/kz/itinerary").await.body.contains("Bilateral meeting: Talks")
    );
}

#[tokio::test]
async fn the_forms_take_a_window_a_row_and_show_a_mistake_on_its_row() {
    let app = TestApp::new().await;
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    let page = app.get(&kz, "/events/almaty-2025/bilaterals").await.body;
    let request_form = page.split("id=\"request-form\"").nth(1).and_then(|f| f.split("</form>").next()).unwrap();
    assert_eq!(request_form.matches("name=\"starts\"").count(), 2, "a row for each of the two days");
    // One window a day, the first row left empty: both windows are asked, in the order of time.
    let rows = [
        ("with", "KG"),
        ("duration", "30"),
        ("priority", "normal"),
        ("starts", ""),
        ("ends", ""),
        ("starts", "2025-04-11T15:00"),
        ("ends", "2025-04-11T17:00"),
        ("starts", "2025-04-10T09:00"),
        ("ends", "2025-04-10T10:00"),
    ];
    let sent = app.form(&kz, "/events/almaty-2025/bilaterals", &rows).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let made = requests(&app.get(&kz, BILATERALS).await.json());
    let made = find(&made, &["KZ", "KG"]);
    let shown: Vec<&str> = made["windows"].as_array().unwrap().iter().map(|w| w["shown"].as_str().unwrap()).collect();
    assert_eq!(shown, ["10.04 09:00–10:00", "11.04 15:00–17:00"]);
    // A mistake in the second window sent is named on the second row shown, beside what was typed.
    let mistaken = [
        ("with", "TJ"),
        ("duration", "30"),
        ("priority", "normal"),
        ("starts", "2025-04-10T09:00"),
        ("ends", "2025-04-10T10:00"),
        ("starts", ""),
        ("ends", ""),
        ("starts", "2025-04-11T15:00"),
        ("ends", "2025-04-11T15:10"),
    ];
    let refused = app.form(&kz, "/events/almaty-2025/bilaterals", &mistaken).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    let form = refused.body.split("id=\"request-form\"").nth(1).and_then(|f| f.split("</form>").next()).unwrap();
    let second = form.split("id=\"request-ends-1\"").nth(1).unwrap();
    assert!(second.starts_with(" name=\"ends\"") && second.contains("value=\"2025-04-11T15:10\""), "{form}");
    assert!(form.contains("data-error-for=\"windows[1].ends\""), "{form}");
    assert_eq!(form.matches("name=\"starts\"").count(), 3, "the two sent and one more: {form}");
    // Every mistake at once: a length that is no number, a row without its end, a row off the
    // event's days, each on its own row, though the rows before a mistake did not read.
    let several = [
        ("with", "TJ"),
        ("duration", "half an hour"),
        ("priority", "normal"),
        ("starts", "2025-04-10T09:00"),
        ("ends", ""),
        ("starts", "2025-04-12T10:00"),
        ("ends", "2025-04-12T11:00"),
    ];
    let refused = app.form(&kz, "/events/almaty-2025/bilaterals", &several).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    let named: Vec<&str> =
        refused.body.split("data-error-for=\"").skip(1).filter_map(|e| e.split('"').next()).collect();
    assert_eq!(named, ["duration", "windows[0].ends", "windows[1].starts"], "{}", refused.body);
    // An invited side proposes two windows in the rows of its answer.
    let id = made["id"].as_str().unwrap();
    let kg = app.login("delegation-kg", DEMO_PASSWORD).await;
    let answer = [
        ("request", id),
        ("version", "1"),
        ("answer", "propose"),
        ("starts", "2025-04-10T12:00"),
        ("ends", "2025-04-10T13:00"),
        ("starts", "2025-04-11T12:00"),
        ("ends", "2025-04-11T13:00"),
    ];
    let proposed = app.form(&kg, &format!("/events/almaty-2025/bilaterals/{id}/answer"), &answer).await;
    assert_eq!(proposed.status, StatusCode::SEE_OTHER, "{}", proposed.body);
    let seen = requests(&app.get(&kz, BILATERALS).await.json());
    let shown: Vec<&str> = find(&seen, &["KZ", "KG"])["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["shown"].as_str().unwrap())
        .collect();
    assert_eq!(shown, ["10.04 12:00–13:00", "11.04 12:00–13:00"]);
}
