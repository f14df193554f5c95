//! A meeting's protocol outputs: the order of speakers, the seating plan and the family photo, from
//! the rules on the meeting's body, read back by an XML parser.

use axum::http::StatusCode;

use serde_json::json;

use crate::support::{DEMO_PASSWORD, Session, TestApp, changed, page_form};

/// The name cards of an SVG plan by place, in document order.
fn cards(svg: &str) -> Vec<(String, String)> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    doc.descendants()
        .filter(|n| n.attribute("class") == Some("place"))
        .map(|g| {
            let card = g.descendants().find(|n| n.attribute("class") == Some("card-text")).expect("a name card");
            (g.attribute("data-place").unwrap().to_string(), card.text().unwrap_or("").to_string())
        })
        .collect()
}

#[tokio::test]
async fn the_chair_opens_the_host_welcomes_then_the_cis_order() {
    let app = TestApp::new().await;
    let reply = app.get(&Session::default(), "/api/v1/events/almaty-2025/meetings/cis-cfm/speakers").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let speakers = reply.json()["speakers"].as_array().unwrap().clone();
    let codes: Vec<&str> = speakers.iter().map(|s| s["participant"].as_str().unwrap()).collect();
    assert_eq!(codes, ["TJ", "KZ", "AZ", "AM", "BY", "KG", "RU", "TM", "UZ", "CIS"]);
    assert_eq!(speakers[0]["turn"], "opens");
    assert_eq!(speakers[1]["turn"], "welcomes");
    assert_eq!(speakers[1]["head"], "Murat Nurtleu");

    let format = app.get(&Session::default(), "/api/v1/events/almaty-2025/meetings/central-asia-russia/speakers").await;
    let codes: Vec<String> = format.json()["speakers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["participant"].as_str().unwrap().into())
        .collect();
    assert_eq!(codes, ["KZ", "KG", "RU", "TJ", "TM", "UZ"], "only the format's members; the host welcomes first");

    // The same order as a page, in the reader's words, which the event's page links to.
    let ru = Session { lang: Some("ru"), ..Session::default() };
    let event = app.get(&ru, "/events/almaty-2025").await.body;
    assert!(event.contains("href=\"/events/almaty-2025/meetings/cis-cfm/speakers\""), "{event}");
    let page = app.get(&ru, "/events/almaty-2025/meetings/cis-cfm/speakers").await;
    assert_eq!(page.status, StatusCode::OK);
    let order: Vec<&str> =
        page.body.split("data-participant=\"").skip(1).map(|s| s.split('"').next().unwrap()).collect();
    assert_eq!(order, ["TJ", "KZ", "AZ", "AM", "BY", "KG", "RU", "TM", "UZ", "CIS"]);
    assert!(
        page.body.contains("(открывает заседание)") && page.body.contains("(приветствует участников)"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Порядок выступлений: Заседание Совета министров иностранных дел СНГ"), "{}", page.body);
}

#[tokio::test]
async fn the_family_photo_puts_the_host_in_the_middle_and_ranks_first_at_its_right() {
    let app = TestApp::new().await;
    let reply = app.get(&Session::default(), "/events/almaty-2025/meetings/cis-cfm/family-photo.svg").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers["content-type"], "image/svg+xml; charset=utf-8");
    let row: Vec<String> = cards(&reply.body).into_iter().map(|(_, card)| card).collect();
    // Turkmenistan's head is a deputy prime minister: first among the others, at the host's right
    // (the camera's left); then the ministers in the CIS order, alternating outwards.
    assert_eq!(
        row,
        [
            "СНГ",
            "Узбекистан",
            "Россия",
            "Армения",
            "Туркменистан",
            "Казахстан",
            "Азербайджан",
            "Кыргызстан",
            "Таджикистан",
            "Беларусь"
        ]
    );
}

/// The name cards of a family photo's front row, from the camera's left.
async fn front_row(app: &TestApp) -> Vec<String> {
    let reply = app.get(&Session::default(), "/events/almaty-2025/meetings/cis-cfm/family-photo.svg").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    cards(&reply.body).into_iter().filter(|(place, _)| place.starts_with("row 1 ")).map(|(_, card)| card).collect()
}

/// What the body's API gives, to send back changed: the rules and the version they were read at.
async fn rules_of(app: &TestApp, session: &Session) -> serde_json::Value {
    let body = app.get(session, "/api/v1/bodies/cis-cfm").await.json();
    json!({ "version": body["version"], "precedence": body["precedence"], "protocol": body["protocol"] })
}

const RULES: &str = "/api/v1/bodies/cis-cfm/protocol";

#[tokio::test]
async fn the_secretariat_puts_the_host_between_the_previous_and_the_next_host() {
    let app = TestApp::new().await;
    let secretariat = app.login("secretariat", DEMO_PASSWORD).await;
    let mut rules = rules_of(&app, &secretariat).await;
    rules["protocol"]["photo"]["beside"] = json!("previous_and_next_host");
    let saved = app.json(&secretariat, "PUT", RULES, &rules).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.json()["protocol"]["photo"]["beside"], "previous_and_next_host");
    // Moscow hosted the meeting before Almaty and Dushanbe the one after: Russia at Kazakhstan's
    // right (the camera's left), Tajikistan at its left, then the others by rank, alternating.
    let row = front_row(&app).await;
    let middle = row.iter().position(|card| card == "Казахстан").expect("the host");
    assert_eq!((row[middle - 1].as_str(), row[middle + 1].as_str()), ("Россия", "Таджикистан"), "{row:?}");
    assert_eq!(
        (row[middle - 2].as_str(), row.len()),
        ("Туркменистан", 10),
        "the senior next, at the side of honour: {row:?}"
    );

    // Sent again at the version it was read at, the change conflicts rather than writing over.
    rules["protocol"]["photo"]["beside"] = json!("precedence");
    let stale = app.json(&secretariat, "PUT", RULES, &rules).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    rules["version"] = saved.json()["version"].clone();
    let wrong = [
        ("/protocol/photo/row_length", json!(1), "protocol.photo.row_length"),
        ("/protocol/photo/beside", json!("alphabet"), "protocol.photo.beside"),
        ("/precedence/start_from", json!("XX"), "precedence.start_from"),
        ("/precedence/rank_tiers", json!(["minister", "head_of_state"]), "precedence.rank_tiers"),
        ("/precedence/language", json!("русский"), "precedence.language"),
    ];
    for (at, value, field) in wrong {
        let mut bad = rules.clone();
        *bad.pointer_mut(at).unwrap() = value;
        let refused = app.json(&secretariat, "PUT", RULES, &bad).await;
        assert_eq!(
            (refused.status, &refused.json()["error"]["field"]),
            (StatusCode::UNPROCESSABLE_ENTITY, &json!(field)),
            "{}",
            refused.body
        );
    }
    assert_eq!(front_row(&app).await, row, "nothing refused was kept");
    let audit = app.get(&app.login("admin", DEMO_PASSWORD).await, "/api/v1/audit").await.body;
    assert!(audit.contains("previous_and_next_host"), "the change is in the audit chain: {audit}");
}

#[tokio::test]
async fn the_order_of_delegations_is_the_bodys_to_change() {
    let app = TestApp::new().await;
    let secretariat = app.login("secretariat", DEMO_PASSWORD).await;
    let mut rules = rules_of(&app, &secretariat).await;
    // As the UN draws a state by lot, the alphabet may start elsewhere and wrap round.
    rules["precedence"]["start_from"] = json!("ru");
    let saved = app.json(&secretariat, "PUT", RULES, &rules).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.json()["precedence"]["start_from"], "RU", "the member's code as it spells it");
    let speakers = app.get(&Session::default(), "/api/v1/events/almaty-2025/meetings/cis-cfm/speakers").await.json();
    let codes: Vec<&str> =
        speakers["speakers"].as_array().unwrap().iter().map(|s| s["participant"].as_str().unwrap()).collect();
    assert_eq!(codes, ["TJ", "KZ", "RU", "TM", "UZ", "AZ", "AM", "BY", "KG", "CIS"]);
}

#[tokio::test]
async fn the_body_page_shows_its_protocol_rules_and_its_secretariat_changes_them() {
    let app = TestApp::new().await;
    let reader = Session { lang: Some("ru"), ..Session::default() };
    let public = app.get(&reader, "/bodies/cis-cfm").await.body;
    assert!(
        public.contains("Правила протокола") && public.contains("<fieldset disabled>"),
        "shown, not editable: {public}"
    );
    assert!(!public.contains("id=\"protocol-form\""), "{public}");

    let secretariat = Session { lang: Some("ru"), ..app.login("secretariat", DEMO_PASSWORD).await };
    let page = app.get(&secretariat, "/bodies/cis-cfm").await.body;
    let fields = page_form(&page, "id=\"protocol-form\"");
    // Every rule is on the form as stored, the default exemptions from a photo too.
    let exempt: Vec<&str> =
        fields.iter().filter(|(k, _)| k == "protocol.accreditation.photo_exempt").map(|(_, v)| v.as_str()).collect();
    assert_eq!(exempt, ["head_of_state", "head_of_government"]);
    assert!(fields.contains(&("precedence.language".into(), "ru".into())), "{fields:?}");
    let fields = changed(&fields, "protocol.photo.beside", "previous_and_next_host");
    let fields = changed(&fields, "protocol.seating.table", "u_shape");
    let mut fields = changed(&fields, "precedence.start_from", "RU");
    fields.push(("precedence.rank_tiers".into(), "minister".into()));
    let sent = app.send(&secretariat, "/bodies/cis-cfm/protocol", &fields).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let body = app.get(&secretariat, "/api/v1/bodies/cis-cfm").await.json();
    assert_eq!(
        (&body["protocol"]["photo"]["beside"], &body["protocol"]["seating"]["table"]),
        (&json!("previous_and_next_host"), &json!("u_shape"))
    );
    assert_eq!(
        (
            &body["precedence"]["start_from"],
            &body["precedence"]["rank_tiers"],
            &body["precedence"]["organisations_last"]
        ),
        (&json!("RU"), &json!(["minister"]), &json!(true))
    );
    assert_eq!(
        body["protocol"]["accreditation"],
        json!({ "photo_required": true, "photo_exempt": ["head_of_state", "head_of_government"] }),
        "as the form showed them"
    );
    let page = app.get(&secretariat, "/bodies/cis-cfm").await.body;
    assert!(page.contains("<option value=\"previous_and_next_host\" selected>"), "{page}");

    // A form read before that change conflicts and keeps what its reader chose.
    let stale =
        app.send(&secretariat, "/bodies/cis-cfm/protocol", &changed(&fields, "protocol.photo.row_length", "8")).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(stale.body.contains("value=\"8\""), "{}", stale.body);
    // A row too short is named, in the reader's language.
    let fresh = page_form(&page, "id=\"protocol-form\"");
    let short =
        app.send(&secretariat, "/bodies/cis-cfm/protocol", &changed(&fresh, "protocol.photo.row_length", "1")).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", short.body);
    assert!(
        short.body.contains("data-error-for=\"protocol.photo.row_length\">Введите число от 2 до 40"),
        "{}",
        short.body
    );

    let delegation = app.login("delegation-kz", DEMO_PASSWORD).await;
    let refused = app.send(&delegation, "/bodies/cis-cfm/protocol", &fresh).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn seating_plans_seat_the_chair_at_the_head_for_every_table() {
    let app = TestApp::new().await;
    for table in ["round", "u_shape"] {
        let path = format!("/events/almaty-2025/meetings/cis-cfm/seating.svg?table={table}");
        let reply = app.get(&Session { lang: Some("en"), ..Session::default() }, &path).await;
        assert_eq!(reply.status, StatusCode::OK, "{table}");
        let places = cards(&reply.body);
        assert_eq!(places.len(), 10, "{table}");
        assert_eq!(places[0], ("place 0".to_string(), "Таджикистан".to_string()), "the chair; cards in Russian");
        assert_eq!(places[9].1, "Азербайджан", "the first in order at the chair's right ({table})");
        assert!(reply.body.contains("Seating plan: Meeting of the CIS Council of Foreign Ministers"), "{table}");
    }
    let bad = app.get(&Session::default(), "/events/almaty-2025/meetings/cis-cfm/seating.svg?table=oval").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let missing = app.get(&Session::default(), "/events/almaty-2025/meetings/no-such/seating.svg").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_bilateral_table_has_each_head_in_the_middle_of_its_side() {
    let app = TestApp::new().await;
    let programme = app.get(&Session::default(), "/api/v1/events/almaty-2025/programme").await.json();
    let talks = programme["items"].as_array().unwrap().iter().find(|i| i["kind"] == "bilateral").unwrap().clone();
    let path = format!("/events/almaty-2025/programme/{}/seating.svg", talks["id"].as_str().unwrap());
    let reply = app.get(&Session::default(), &path).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let doc = roxmltree::Document::parse(&reply.body).expect("well-formed SVG");
    let side = |name: &str| -> Vec<(String, String)> {
        doc.descendants()
            .filter(|n| n.attribute("data-place").is_some_and(|p| p.starts_with(name)))
            .map(|g| {
                let text = |class: &str| {
                    g.descendants()
                        .find(|n| n.attribute("class") == Some(class))
                        .and_then(|n| n.text())
                        .unwrap_or("")
                        .to_string()
                };
                (text("card-text"), text("person"))
            })
            .collect()
    };
    let (far, near) = (side("far"), side("near"));
    assert_eq!(far.len(), 3, "{far:?}");
    assert_eq!(far[1], ("Россия".to_string(), "С. Лавров".to_string()), "the guest's head in the middle: {far:?}");
    assert_eq!(near[1], ("Казахстан".to_string(), "М. Нуртлеу".to_string()), "the host's head across: {near:?}");
}
