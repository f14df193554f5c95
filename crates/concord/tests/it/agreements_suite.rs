//! The register of agreements, the follow-up and the briefing pack through the real router: what
//! each reader sees, a report reaching the dashboard and the pack, internal assessments kept in their
//! own side's copy, the deadlines read back by a calendar parser and the pack's PDF by `pdftotext`.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::app_on_both_engines;
use crate::support::{DEMO_PASSWORD, Session, TestApp, get_bytes, multipart, pdftotext};

fn titles(list: &Value) -> Vec<String> {
    let mut t: Vec<String> =
        list.as_array().unwrap().iter().map(|a| a["title"]["en"].as_str().unwrap().to_string()).collect();
    t.sort();
    t
}

fn item<'a>(pack: &'a Value, title: &str) -> Option<&'a Value> {
    ["bilateral", "multilateral"]
        .iter()
        .flat_map(|part| pack[*part].as_array().unwrap())
        .flat_map(|a| a["items"].as_array().unwrap())
        .find(|i| i["title"]["en"] == title)
}

/// The demo's pack for the 10 April talks lists exactly the Kazakhstan–Russia agreements and the
/// two plans, and their open items; Kazakhstan's internal assessment is in its copy only.
async fn briefing(app: TestApp) {
    let kz = app.login("ministry-kz", DEMO_PASSWORD).await;
    let ru = app.login("ministry-ru", DEMO_PASSWORD).await;
    let pack = app.get(&kz, "/api/v1/briefings/kz-ru").await.json();
    assert_eq!(
        titles(&pack["bilateral"]),
        [
            "Declaration on the further deepening of the comprehensive strategic partnership and alliance between the Republic of Kazakhstan and the Russian Federation",
            "Plan of consultations between the Ministries of Foreign Affairs of the Republic of Kazakhstan and the Russian Federation for 2025–2026",
            "Programme of interregional and cross-border cooperation between the Republic of Kazakhstan and the Russian Federation for 2024–2026",
            "Treaty between the Republic of Kazakhstan and the Russian Federation on Good-Neighbourliness and Alliance in the 21st Century",
        ]
    );
    assert_eq!(
        titles(&pack["multilateral"]),
        [
            "Joint Action Plan of the Central Asia–Russia format for 2025–2027",
            "Plan of main events for the 80th anniversary of the Victory in the Great Patriotic War of 1941–1945",
        ]
    );
    assert!(
        item(&pack, "Hold the meeting of the intergovernmental commission on economic cooperation").is_none(),
        "done is not open"
    );
    assert!(
        item(&pack, "Prepare a joint study on water and energy cooperation").is_none(),
        "neither side is responsible"
    );
    let rivers =
        item(&pack, "Agree the programme of consultations on transboundary rivers").expect("Russia's open item");
    assert_eq!(rivers["status"], "overdue", "due 31 March 2025");
    let universities = item(&pack, "Open branches of Russian universities in the region").unwrap();
    assert_eq!(universities["responsible_shown"], "Kazakhstan, Russia", "by name, though entered Russia first");
    let internal = |pack: &Value| {
        let rivers = item(pack, "Agree the programme of consultations on transboundary rivers").unwrap();
        rivers["reports"].as_array().unwrap().iter().any(|r| r["internal"] == true)
    };
    assert!(internal(&pack), "Kazakhstan's assessment in Kazakhstan's copy");
    let theirs = app.get(&ru, "/api/v1/briefings/kz-ru").await.json();
    assert_eq!(theirs["reader"]["code"], "RU");
    assert!(!internal(&theirs), "never in Russia's");
    assert!(!theirs.to_string().contains("Irtysh"), "not a word of it");
    assert_eq!(pack["requests"].as_array().unwrap().len(), 1, "the talks' request at Almaty");
    let page = app.get(&Session { lang: Some("ru"), ..kz.clone() }, "/briefings/kz-ru").await.body;
    let minutes = format!("{} мин</li>", pack["requests"][0]["duration"]);
    assert!(page.contains(&minutes), "the request's length in the reader's words: {page}");
    assert!(!pack["meetings"].as_array().unwrap().is_empty(), "the CFM meetings both sit in");
    for who in ["delegation-by", "press", "secretariat"] {
        let reply = app.get(&app.login(who, DEMO_PASSWORD).await, "/api/v1/briefings/kz-ru").await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{who}: a briefing is for the two sides only");
    }
    assert_eq!(app.get(&Session::default(), "/api/v1/briefings/kz-ru").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get(&kz, "/api/v1/briefings/kz-kz").await.status, StatusCode::NOT_FOUND, "no pack with oneself");
    assert_eq!(app.get(&kz, "/api/v1/briefings/KZ-RU").await.status, StatusCode::NOT_FOUND, "codes in lower case");
    let (status, pdf) = get_bytes(&app, &kz, "/briefings/kz-ru.pdf").await;
    assert_eq!(status, StatusCode::OK);
    if let Some(text) = pdftotext(&pdf) {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains("Good-Neighbourliness"), "{text}");
        assert!(text.contains("Irtysh"), "Kazakhstan's copy keeps its assessment");
    }
    let (_, theirs) = get_bytes(&app, &ru, "/briefings/kz-ru.pdf").await;
    if let Some(text) = pdftotext(&theirs) {
        assert!(!text.contains("Irtysh"), "Russia's copy does not");
    }
    app.db.cleanup().await;
}

app_on_both_engines!(the_briefing_for_the_talks_lists_exactly_the_expected_agreements_and_items, briefing);

#[tokio::test]
async fn a_ministrys_report_reaches_the_dashboard_and_the_pack_and_others_see_only_their_agreements() {
    let app = TestApp::new().await;
    let kz = app.login("ministry-kz", DEMO_PASSWORD).await;
    let by = app.login("delegation-by", DEMO_PASSWORD).await;
    let by_sees = app.get(&by, "/api/v1/agreements").await.json();
    let by_titles = titles(&by_sees["agreements"]);
    assert_eq!(by_titles.len(), 1, "Belarus is party to the Victory plan only: {by_titles:?}");
    let victory = format!("/agreements/{}", by_sees["agreements"][0]["id"].as_str().unwrap());
    let ministry_by = app.login("ministry-by", DEMO_PASSWORD).await;
    assert!(app.get(&ministry_by, &victory).await.body.contains("class=\"report-form\""), "a ministry reports");
    let officers_page = app.get(&by, &victory).await;
    assert_eq!(officers_page.status, StatusCode::OK);
    assert!(
        !officers_page.body.contains("class=\"report-form\""),
        "an accreditation officer reads its ministry's reports but is not offered a form it may not send"
    );
    assert_eq!(app.get(&Session::default(), "/api/v1/agreements").await.status, StatusCode::UNAUTHORIZED);
    let dashboard = app.get(&kz, "/api/v1/agreements?party=KZ").await.json();
    let overdue = |d: &Value| -> Vec<String> {
        d["overdue"].as_array().unwrap().iter().map(|i| i["title"]["en"].as_str().unwrap().to_string()).collect()
    };
    let un = "Consultations on the UN agenda";
    assert!(overdue(&dashboard).iter().any(|t| t == un), "{:?}", overdue(&dashboard));
    let id = dashboard["overdue"].as_array().unwrap().iter().find(|i| i["title"]["en"] == un).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/action-items/{id}/reports");
    let for_russia = json!({ "participant": "RU", "date": "2026-10-20", "text": "Held.", "progress": "done" });
    assert_eq!(
        app.json(&kz, "POST", &path, &for_russia).await.status,
        StatusCode::FORBIDDEN,
        "a ministry reports for its own side"
    );
    let empty = json!({ "participant": "KZ", "date": "2026-10-20", "text": " ", "progress": "done" });
    let reply = app.json(&kz, "POST", &path, &empty).await;
    assert_eq!(
        (reply.status, reply.json()["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("text"))
    );
    let report = json!({ "participant": "KZ", "date": "2026-10-20", "text": "Held in Moscow.", "progress": "done" });
    assert_eq!(app.json(&kz, "POST", &path, &report).await.status, StatusCode::CREATED);
    let dashboard = app.get(&kz, "/api/v1/agreements?party=KZ").await.json();
    assert!(!overdue(&dashboard).iter().any(|t| t == un), "done, so no longer overdue");
    let pack = app.get(&kz, "/api/v1/briefings/kz-ru").await.json();
    assert!(item(&pack, un).is_none(), "and no longer open in the pack");
    let ru = app.login("ministry-ru", DEMO_PASSWORD).await;
    let agreement = dashboard["agreements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"]["en"].as_str().unwrap().starts_with("Plan of consultations"))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let shown = app.get(&ru, &format!("/api/v1/agreements/{agreement}")).await.json();
    let reports: Vec<&str> = shown["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["reports"].as_array().unwrap())
        .map(|r| r["text"].as_str().unwrap())
        .collect();
    assert!(reports.contains(&"Held in Moscow."), "the other party reads the report");
    let timeline: Vec<&str> =
        shown["timeline"].as_array().unwrap().iter().map(|e| e["date"].as_str().unwrap()).collect();
    let mut sorted = timeline.clone();
    sorted.sort();
    assert_eq!(timeline, sorted, "the timeline runs in date order");
    assert_eq!(timeline.first(), Some(&"2024-12-10"), "from the signature");
}

/// A report is dated between its agreement's signature and the reporter's today. One decided on
/// an item another report changed meanwhile conflicts rather than setting it back, and one about
/// an earlier day than the latest is recorded without moving the item.
#[tokio::test]
async fn a_report_on_a_changed_item_conflicts_and_a_late_one_does_not_set_it_back() {
    let app = TestApp::new().await;
    let kz = app.login("ministry-kz", DEMO_PASSWORD).await;
    let dashboard = app.get(&kz, "/api/v1/agreements?party=KZ").await.json();
    let un =
        dashboard["overdue"].as_array().unwrap().iter().find(|i| i["title"]["en"] == "Consultations on the UN agenda");
    let un = un.unwrap().clone();
    let (id, agreement) = (un["id"].as_str().unwrap(), un["agreement"].as_str().unwrap());
    let version = un["version"].as_i64().unwrap();
    let path = format!("/api/v1/action-items/{id}/reports");
    let report = |date: &str, progress: &str, version: Option<i64>| json!({ "participant": "KZ", "date": date, "text": "Met.", "progress": progress, "version": version });
    let refused = |reply: crate::support::Reply| {
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
        (reply.json()["error"]["field"].as_str().unwrap().to_string(), reply.body)
    };
    let (field, body) = refused(app.json(&kz, "POST", &path, &report("2999-01-01", "done", None)).await);
    assert!(field == "date" && body.contains("in the future"), "{body}");
    let (field, body) = refused(app.json(&kz, "POST", &path, &report("2020-01-01", "done", None)).await);
    assert!(field == "date" && body.contains("before the signature"), "{body}");
    let done = app.json(&kz, "POST", &path, &report("2026-10-20", "done", Some(version))).await;
    assert_eq!(done.status, StatusCode::CREATED, "{}", done.body);
    let stale = app.json(&kz, "POST", &path, &report("2026-10-21", "in_progress", Some(version))).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "decided on the item before the last report: {}", stale.body);
    let late = app.json(&kz, "POST", &path, &report("2026-10-01", "in_progress", None)).await;
    assert_eq!(late.status, StatusCode::CREATED, "{}", late.body);
    let progress = || async {
        let shown = app.get(&kz, &format!("/api/v1/agreements/{agreement}")).await.json();
        let item = shown["items"].as_array().unwrap().iter().find(|i| i["id"] == id).unwrap().clone();
        (item["progress"].as_str().unwrap().to_string(), item["reports"].as_array().unwrap().len())
    };
    let (now, reports) = progress().await;
    assert_eq!(now, "done", "the report of 20 October stands over one about the 1st filed after it");
    // From the page, a stale form is said beside the item's own form, with what was typed kept.
    let form = format!("/agreements/{agreement}/items/{id}/reports");
    let fields = |version: &str, date: &str| {
        [
            ("item", id.to_string()),
            ("version", version.to_string()),
            ("participant", "KZ".into()),
            ("date", date.to_string()),
            ("progress", "planned".into()),
            ("text", "Отложено до весны.".into()),
        ]
    };
    let send = |fields: [(&'static str, String); 6]| {
        let (app, kz, form) = (&app, &kz, &form);
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.form(kz, form, &fields).await
        }
    };
    let stale = send(fields(&version.to_string(), "2026-10-22")).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let own = stale.body.split(&format!("data-item=\"{id}\"")).nth(1).unwrap().split("</form>").next().unwrap();
    assert!(own.contains("data-error-for=\"form\"") && own.contains("Отложено до весны."), "{own}");
    let future = send(fields(&(version + 1).to_string(), "2999-01-01")).await;
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", future.body);
    let own = future.body.split(&format!("data-item=\"{id}\"")).nth(1).unwrap().split("</form>").next().unwrap();
    assert!(own.contains("data-error-for=\"date\"") && own.contains("value=\"2999-01-01\""), "{own}");
    assert_eq!(progress().await, (now, reports), "nothing filed by either");
}

#[tokio::test]
async fn deadlines_are_a_calendar_a_parser_reads_and_notifications_bring_an_agreement_into_force() {
    let app = TestApp::new().await;
    let kz = app.login("ministry-kz", DEMO_PASSWORD).await;
    let ics = app.get(&kz, "/agreements.ics?party=KZ").await;
    assert_eq!(ics.status, StatusCode::OK);
    let unfolded = icalendar::parser::unfold(&ics.body);
    let calendar = icalendar::parser::read_calendar(&unfolded).expect("a calendar the parser accepts");
    let summaries: Vec<String> = calendar
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .filter_map(|c| c.properties.iter().find(|p| p.name == "SUMMARY").map(|p| p.val.to_string()))
        .collect();
    assert!(summaries.iter().any(|s| s == "Consultations on the UN agenda"), "{summaries:?}");
    assert!(
        !summaries.iter().any(|s| s.starts_with("Hold the meeting of the intergovernmental")),
        "done items are not due"
    );
    assert!(ics.body.contains("DTSTART;VALUE=DATE:20261031"), "an all-day date, no time zone to slip");
    let ministry = store::accounts::by_username(&app.db.store, "ministry-kz").await.unwrap();
    let mut tx = app.db.store.begin().await.unwrap();
    store::accounts::create_token(
        &mut tx,
        &domain::policy::Actor::anonymous(),
        &ministry,
        "calendar",
        "cnc_calendar-feed",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let subscribed = app.get(&Session::default(), "/agreements.ics?party=KZ&token=cnc_calendar-feed").await;
    // DTSTAMP is when each feed was produced, so two fetches may differ there, a second apart.
    let unstamped = |ics: &str| ics.lines().filter(|l| !l.starts_with("DTSTAMP:")).collect::<Vec<_>>().join("\n");
    assert_eq!(
        unstamped(&subscribed.body),
        unstamped(&ics.body),
        "a calendar application subscribes with the reader's token in the URL"
    );
    let forged = app.get(&Session::default(), "/agreements.ics?party=KZ&token=cnc_forged").await;
    assert!(
        forged.status != StatusCode::OK && !forged.body.contains("BEGIN:VCALENDAR"),
        "a forged token reads nothing"
    );
    let elsewhere = app.get(&Session::default(), "/api/v1/agreements?token=cnc_calendar-feed").await;
    assert_eq!(elsewhere.status, StatusCode::UNAUTHORIZED, "only calendar files take the token in the URL");

    let body = json!({ "title": { "en": "Agreement on test cooperation" }, "level": "high", "parties": ["KZ", "RU"],
        "signed_on": "2026-01-15", "signed_at": { "en": "Astana" }, "entry_into_force": "after_notifications" });
    let mut to_come = body.clone();
    to_come["signed_on"] = json!("2099-01-01");
    let to_come = app.json(&kz, "POST", "/api/v1/agreements", &to_come).await;
    assert_eq!(to_come.json()["error"]["field"], "signed_on", "signed by the day it is registered: {}", to_come.body);
    let created = app.json(&kz, "POST", "/api/v1/agreements", &body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["agreement"]["id"].as_str().unwrap().to_string();
    assert_eq!(created.json()["agreement"]["status"], "pending");
    let notify = |party: &str, date: &str| json!({ "party": party, "date": date });
    let path = format!("/api/v1/agreements/{id}/notifications");
    let early = app.json(&kz, "POST", &path, &notify("KZ", "2025-12-01")).await;
    assert_eq!(early.json()["error"]["field"], "date", "not before the signature: {}", early.body);
    let ahead = app.json(&kz, "POST", &path, &notify("KZ", "2099-01-01")).await;
    assert_eq!(ahead.json()["error"]["field"], "date", "a note received, not one to come: {}", ahead.body);
    assert_eq!(
        app.json(&kz, "POST", &path, &notify("KZ", "2026-02-01")).await.json()["agreement"]["status"],
        "pending"
    );
    let twice = app.json(&kz, "POST", &path, &notify("KZ", "2026-02-02")).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    let for_russia = app.json(&kz, "POST", &path, &notify("RU", "2026-03-05")).await;
    assert_eq!(for_russia.status, StatusCode::FORBIDDEN, "a party's notification is its own ministry's to record");
    let ru = app.login("ministry-ru", DEMO_PASSWORD).await;
    let last = app.json(&ru, "POST", &path, &notify("RU", "2026-03-05")).await.json();
    assert_eq!(
        (last["agreement"]["status"].as_str(), last["agreement"]["in_force_from"].as_str()),
        (Some("in_force"), Some("2026-03-05"))
    );
    let secretariat = app.login("secretariat", DEMO_PASSWORD).await;
    let draft = app.get(&secretariat, "/api/v1/documents?q=СМИД/2025/12").await.json()["documents"][0]["id"].clone();
    let from_draft = json!({ "title": { "en": "From a draft" }, "level": "ministerial", "parties": ["KZ", "RU"],
        "entry_into_force": "on_signature", "document": draft });
    let refused = app.json(&kz, "POST", "/api/v1/agreements", &from_draft).await;
    assert_eq!(refused.json()["error"]["field"], "document", "only an adopted text is registered: {}", refused.body);
    assert!(refused.body.contains("registered as an agreement"), "said as what was asked: {}", refused.body);
    let signed = app.get(&secretariat, "/api/v1/documents?q=СМИД/2025/07").await.json()["documents"][0]["id"].clone();
    let from_signed = json!({ "title": { "en": "From a decision" }, "level": "ministerial", "parties": ["KZ", "RU", "BY"],
        "entry_into_force": "on_signature", "document": signed });
    let registered = app.json(&secretariat, "POST", "/api/v1/agreements", &from_signed).await;
    assert_eq!(
        registered.status,
        StatusCode::CREATED,
        "a secretariat registers a multilateral decision: {}",
        registered.body
    );
    assert_eq!(registered.json()["agreement"]["document"], signed);
    let fields = [
        ("title", "Протокол о сотрудничестве"),
        ("level", "inter_agency"),
        ("parties", "KZ, RU"),
        ("entry_into_force", "on_signature"),
        ("signed_on", "2026-02-02"),
    ];
    let entered = app.form(&kz, "/agreements", &fields).await;
    assert_eq!(entered.status, StatusCode::SEE_OTHER, "{}", entered.body);
    let page = entered.location().to_string();
    let item = [("title", "Обменяться планами"), ("responsible", "RU"), ("area", "other"), ("deadline", "2026-12-31")];
    assert_eq!(app.form(&kz, &format!("{page}/items"), &item).await.status, StatusCode::SEE_OTHER);
    assert!(app.get(&kz, &page).await.body.contains("Обменяться планами"), "the item is on the agreement's page");
    let one_party = [("title", "x"), ("level", "high"), ("parties", "KZ"), ("entry_into_force", "on_signature")];
    let refused = app.form(&kz, "/agreements", &one_party).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("data-error-for=\"parties\""), "the form says which field");
    // An item is due no earlier than its agreement was signed, in an area there is.
    let items = format!("/api/v1/agreements/{id}/items");
    let new_item = |deadline: &str, area: &str| json!({ "title": { "en": "Exchange the test plans" }, "responsible": ["KZ"], "area": area, "deadline": deadline });
    let early = app.json(&kz, "POST", &items, &new_item("2025-12-31", "other")).await;
    assert_eq!((early.status, &early.json()["error"]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("deadline")));
    assert!(early.body.contains("before the signature"), "{}", early.body);
    let nowhere = app.json(&kz, "POST", &items, &new_item("2026-12-31", "banana")).await;
    assert_eq!(nowhere.json()["error"]["field"], "area", "{}", nowhere.body);
    let mut in_two = new_item("2026-12-31", "security");
    in_two["agencies"] = json!({ "en": "Ministry of Foreign Affairs", "ru": "МИД" });
    let made = app.json(&Session { lang: Some("ru"), ..kz.clone() }, "POST", &items, &in_two).await;
    assert_eq!(made.status, StatusCode::CREATED);
    assert_eq!(
        (&made.json()["item"]["agencies"], &made.json()["item"]["agencies_shown"]),
        (&in_two["agencies"], &json!("МИД")),
        "read back as sent, every language, as titles are: {}",
        made.body
    );
    let due = || async { app.get(&kz, "/agreements.ics?party=KZ").await.body.contains("Exchange the test plans") };
    assert!(due().await, "due in the calendar while the agreement is in force");
    let interrupt = |version: i64, kind: &str, date: &str| json!({ "version": version, "kind": kind, "date": date });
    let path = format!("/api/v1/agreements/{id}/interruption");
    let version = last["agreement"]["version"].as_i64().unwrap();
    let early = app.json(&kz, "POST", &path, &interrupt(version, "suspended", "2026-03-01")).await;
    assert_eq!(early.json()["error"]["field"], "date", "not before it is in force");
    let suspended = app.json(&kz, "POST", &path, &interrupt(version, "suspended", "2026-06-01")).await.json();
    assert_eq!(suspended["agreement"]["status"], "suspended");
    assert!(!due().await, "nothing of a suspended agreement is due, in the calendar as on the dashboard");
    let stale = app.json(&kz, "POST", &path, &interrupt(version, "terminated", "2026-07-01")).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "a stale edit conflicts");
    let version = suspended["agreement"]["version"].as_i64().unwrap();
    let earlier = app.json(&kz, "POST", &path, &interrupt(version, "terminated", "2026-05-01")).await;
    assert_eq!(earlier.json()["error"]["field"], "date", "a termination does not replace an earlier suspension");
    let resumed = app.json(&kz, "POST", &path, &interrupt(version, "resumed", "2026-07-01")).await.json();
    assert_eq!(resumed["agreement"]["status"], "in_force", "a suspension is lifted");
    assert!(due().await, "what is due is due again once the agreement is resumed");
    // A suspension recorded ahead of its day: in force until then, and shown with its date; the
    // page offers what may follow it, not what today's status would.
    let version = resumed["agreement"]["version"].as_i64().unwrap();
    let ahead = app.json(&kz, "POST", &path, &interrupt(version, "suspended", "2099-01-01")).await.json();
    assert_eq!(ahead["agreement"]["status"], "in_force");
    let kinds: Vec<&str> =
        ahead["agreement"]["interruptions"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["suspended", "resumed", "suspended"]);
    let page = app.get(&kz, &format!("/agreements/{id}")).await.body;
    let listed = page.split("id=\"interruptions\"").nth(1).unwrap().split("</ul>").next().unwrap();
    assert!(listed.contains("Suspension — 1 January 2099"), "{listed}");
    let form = page.split("id=\"interruption-kind\"").nth(1).unwrap().split("</select>").next().unwrap();
    assert!(form.contains("value=\"resumed\"") && !form.contains("value=\"suspended\""), "{form}");
    let stranger = app.login("ministry-by", DEMO_PASSWORD).await;
    assert_eq!(app.json(&stranger, "POST", "/api/v1/agreements", &body).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_responsible_ministries_are_reminded_once_before_a_deadline_and_once_when_it_passes() {
    let app = TestApp::new().await;
    let kz = store::accounts::by_username(&app.db.store, "ministry-kz").await.unwrap();
    let before: jiff::Timestamp = "2026-10-26T12:00:00Z".parse().unwrap();
    let queries = app.db.store.queries();
    let due = web::mail::item_reminders_due(&app.state, before).await.unwrap();
    let reads = app.db.store.queries() - queries;
    assert!(due.len() > 1 && reads <= 5, "{} items read in a few queries, not one for each: {reads}", due.len());
    assert!(web::mail::queue_item_reminders(&app.state, before).await.unwrap() > 0);
    let subjects = |notices: Vec<(store::delegations::Notice, jiff::Timestamp)>| {
        notices.into_iter().map(|(n, _)| n.subject).collect::<Vec<_>>()
    };
    let seen = subjects(store::delegations::notices_of(&app.db.store, kz.id).await.unwrap());
    assert!(seen.iter().any(|s| s.starts_with("Срок") && s.contains("Консультации по проблематике ООН")), "{seen:?}");
    assert_eq!(web::mail::queue_item_reminders(&app.state, before).await.unwrap(), 0, "once");
    // 31 October is over in Almaty at 19:00 UTC, not before.
    let on_the_day: jiff::Timestamp = "2026-10-31T18:59:00Z".parse().unwrap();
    web::mail::queue_item_reminders(&app.state, on_the_day).await.unwrap();
    let seen = subjects(store::delegations::notices_of(&app.db.store, kz.id).await.unwrap());
    assert!(!seen.iter().any(|s| s.starts_with("Просрочено") && s.contains("Консультации по проблематике ООН")));
    let after: jiff::Timestamp = "2026-10-31T21:00:00Z".parse().unwrap();
    web::mail::queue_item_reminders(&app.state, after).await.unwrap();
    let seen = subjects(store::delegations::notices_of(&app.db.store, kz.id).await.unwrap());
    assert!(
        seen.iter().any(|s| s.starts_with("Просрочено") && s.contains("Консультации по проблематике ООН")),
        "{seen:?}"
    );
    let page = app.get(&app.login("ministry-kz", DEMO_PASSWORD).await, "/notices").await;
    assert!(page.body.contains("Консультации по проблематике ООН"), "in the app too");
    assert!(
        page.body.contains("<li lang=\"ru\">") && page.body.contains(" (UTC)</small>"),
        "when, and in what language: {}",
        page.body
    );
}

#[tokio::test]
async fn a_report_carries_files_that_only_its_readers_download() {
    let app = TestApp::new().await;
    let kz = app.login("ministry-kz", DEMO_PASSWORD).await;
    let ru = app.login("ministry-ru", DEMO_PASSWORD).await;
    let pack = app.get(&kz, "/api/v1/briefings/kz-ru").await.json();
    let rivers = item(&pack, "Agree the programme of consultations on transboundary rivers").unwrap();
    let report_of = |internal: bool| {
        rivers["reports"].as_array().unwrap().iter().find(|r| r["internal"] == internal).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (russian, internal) = (report_of(false), report_of(true));
    let pdf = b"%PDF-1.7 draft programme";
    let (content_type, body) = multipart("программа.pdf", pdf);
    let path = |report: &str| format!("/api/v1/action-reports/{report}/attachments");
    let reply = app.request(&kz, "POST", &path(&russian), Some(&content_type), body.clone()).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "only the report's author attaches to it");
    let reply = app.request(&ru, "POST", &path(&russian), Some(&content_type), body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let attached = reply.json()["attachment"].clone();
    assert_eq!(attached["name"], "программа.pdf");
    let (status, bytes) = get_bytes(&app, &kz, &format!("/attachments/{}", attached["id"].as_str().unwrap())).await;
    assert_eq!((status, bytes.as_slice()), (StatusCode::OK, &pdf[..]), "the other party reads it");
    let (content_type, body) = multipart("setup.exe", b"MZ\x90\x00");
    let reply = app.request(&ru, "POST", &path(&russian), Some(&content_type), body).await;
    assert_eq!(
        (reply.status, reply.json()["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("file"))
    );
    let (content_type, body) = multipart("notes.txt", "Иртыш: наша позиция".as_bytes());
    let reply = app.request(&kz, "POST", &path(&internal), Some(&content_type), body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let own = reply.json()["attachment"]["id"].as_str().unwrap().to_string();
    assert_eq!(get_bytes(&app, &kz, &format!("/attachments/{own}")).await.0, StatusCode::OK);
    assert_eq!(
        get_bytes(&app, &ru, &format!("/attachments/{own}")).await.0,
        StatusCode::NOT_FOUND,
        "an internal report's file stays with it"
    );
    let by = app.login("delegation-by", DEMO_PASSWORD).await;
    assert_eq!(
        get_bytes(&app, &by, &format!("/attachments/{}", attached["id"].as_str().unwrap())).await.0,
        StatusCode::NOT_FOUND
    );
    // A page offers to attach only where its reader may: the report's ministry, not its delegation.
    let page = format!("/agreements/{}", rivers["agreement"].as_str().unwrap());
    let attach_form = format!("/reports/{russian}/attachments");
    assert!(app.get(&ru, &page).await.body.contains(&attach_form));
    let officer = app.login("delegation-ru", DEMO_PASSWORD).await;
    let officers = app.get(&officer, &page).await.body;
    assert!(officers.contains(&format!("data-report=\"{russian}\"")) && !officers.contains(&attach_form), "{officers}");
}

/// The register offers its form for a new agreement to those who enter agreements: ministries,
/// secretariats, admins; a host, a delegation or the press would only be refused.
#[tokio::test]
async fn the_register_offers_a_new_agreement_only_to_who_may_enter_one() {
    let app = TestApp::new().await;
    for (user, offered) in [
        ("ministry-ru", true),
        ("secretariat", true),
        ("admin", true),
        ("host", false),
        ("delegation-ru", false),
        ("press", false),
    ] {
        let session = app.login(user, DEMO_PASSWORD).await;
        let page = app.get(&session, "/agreements").await;
        assert_eq!(page.status, StatusCode::OK, "{user}");
        assert_eq!(page.body.contains("id=\"agreement-form\""), offered, "{user}");
    }
}
