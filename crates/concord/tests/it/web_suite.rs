//! The web layer in-process: pages in three languages, the JSON API's errors, sessions, CSRF.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::app_on_both_engines;
use crate::support::{DEMO_PASSWORD, Session, TestApp, TestDb, changed, get_bytes, operations, page_form, pdf_title};

fn lang(l: &'static str) -> Session {
    Session { lang: Some(l), ..Session::default() }
}

#[tokio::test]
async fn every_page_renders_in_every_language_without_raw_message_keys() {
    let app = TestApp::new().await;
    let admin = app.login("admin", DEMO_PASSWORD).await;
    let keys = web::I18n::keys("en");
    let pages = [
        "/",
        "/events",
        "/events/new",
        "/events/almaty-2025",
        "/events/almaty-2025/edit",
        "/bodies",
        "/bodies/cis-cfm",
        "/bodies/central-asia-russia",
        "/participants",
        "/login",
        "/account",
        "/audit",
        "/no-such-page",
    ];
    for l in web::testing::LANGUAGES {
        let session = Session { lang: Some(l), ..admin.clone() };
        for page in pages {
            let session = if page == "/login" { lang(l) } else { session.clone() };
            let reply = app.get(&session, page).await;
            let expected = if page == "/no-such-page" { StatusCode::NOT_FOUND } else { StatusCode::OK };
            assert_eq!(reply.status, expected, "{page} in {l}: {}", reply.body);
            assert!(reply.body.contains(&format!("<html lang=\"{l}\">")), "{page} in {l}");
            for key in &keys {
                assert!(!reply.body.contains(&format!(">{key}<")), "{page} in {l} shows the raw key {key}");
            }
        }
    }
}

#[tokio::test]
async fn the_three_languages_have_the_same_messages() {
    let en = web::I18n::keys("en");
    assert!(en.len() > 100);
    for l in ["ru", "kk"] {
        let other = web::I18n::keys(l);
        let missing: Vec<_> = en.iter().filter(|k| !other.contains(k)).collect();
        let extra: Vec<_> = other.iter().filter(|k| !en.contains(k)).collect();
        assert!(missing.is_empty() && extra.is_empty(), "{l}: missing {missing:?}, extra {extra:?}");
    }
    let unworded: Vec<_> = web::testing::REFUSALS.iter().filter(|k| !en.contains(&format!("refused-{k}"))).collect();
    assert!(unworded.is_empty(), "refusals without words: {unworded:?}");
}

#[test]
fn every_query_parameter_has_words_in_every_language() {
    let parameters = web::testing::query_parameters();
    assert!(parameters.contains("page") && parameters.contains("until"), "{parameters:?}");
    for l in web::testing::LANGUAGES {
        let keys = web::I18n::keys(l);
        let unworded: Vec<_> = parameters.iter().filter(|p| !keys.contains(&format!("param-{p}"))).collect();
        assert!(unworded.is_empty(), "{l}: query parameters without words: {unworded:?}");
    }
}

#[tokio::test]
async fn an_error_page_names_the_parameter_in_the_readers_language() {
    let app = TestApp::new().await;
    let reply = app.get(&lang("ru"), "/events?page=abc").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    assert!(reply.body.contains("<li>Страница: "), "{}", reply.body);
    assert!(!reply.body.contains("page:"), "{}", reply.body);
    let reply = app.get(&lang("kk"), "/events?page=abc&colour=red").await;
    assert!(reply.body.contains("<li>Бет: "), "{}", reply.body);
    assert!(reply.body.contains("<li>colour: "), "a parameter no route reads is named as sent: {}", reply.body);
}

#[tokio::test]
async fn bodies_are_listed_in_the_readers_alphabet() {
    let app = TestApp::new().await;
    for page in ["/", "/bodies"] {
        let body = app.get(&lang("ru"), page).await.body;
        let at = |name: &str| body.find(name).unwrap_or_else(|| panic!("{page}: {name} missing"));
        assert!(at("Совет глав государств СНГ") < at("Совет министров иностранных дел СНГ"), "{page}");
        assert!(at("Совет министров иностранных дел СНГ") < at("Формат министров иностранных дел"), "{page}");
    }
    let body = app.get(&lang("en"), "/bodies").await.body;
    let at = |name: &str| body.find(name).unwrap_or_else(|| panic!("{name} missing"));
    assert!(at("Central Asia–Russia") < at("CIS Council of Foreign Ministers"), "{body}");
}

#[tokio::test]
async fn the_language_follows_the_browser_then_the_choice() {
    let app = TestApp::new().await;
    let reply = app.get(&lang("kk-KZ,kk;q=0.9,ru;q=0.8"), "/events").await;
    assert!(reply.body.contains("<html lang=\"kk\">"));
    assert!(reply.body.contains("Іс-шаралар"));
    assert!(reply.body.contains("2025 жылғы 10–11 сәуір"), "dates are written the Kazakh way");
    let reply = app.get(&lang("ru"), "/events").await;
    assert!(reply.body.contains("Мероприятия"));
    assert!(reply.body.contains("10–11 апреля 2025\u{a0}г."), "Russian months in the genitive, one span of days");
    let home = app.get(&lang("ru"), "/").await.body;
    assert!(home.contains("Алматы, 10–11 апреля 2025\u{a0}г."), "both days on the home page: {home}");
    let choose = app.get(&lang("ru"), "/language/kk?next=/bodies").await;
    assert_eq!(choose.status, StatusCode::SEE_OTHER);
    assert_eq!(choose.location(), "/bodies");
    let cookie = choose.headers.get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_string();
    let reply = app.get(&Session { cookie: Some(cookie), lang: Some("ru"), ..Session::default() }, "/bodies").await;
    assert!(reply.body.contains("<html lang=\"kk\">"), "the choice beats the browser");
    // A file's link says its language: calendar programs and feed readers send no cookie.
    let ics = app.get(&Session::default(), "/events/almaty-2025/programme.ics?lang=ru").await.body;
    assert!(ics.contains("SUMMARY:Переговоры М. Нуртлеу и С. Лаврова"), "{ics}");
    let feed = app.get(&Session::default(), "/events/almaty-2025/feed.atom?lang=kk").await.body;
    assert!(feed.contains("xml:lang=\"kk\""), "{feed}");
    let (_, pdf) = get_bytes(&app, &lang("en"), "/events/almaty-2025/participants.pdf?lang=kk").await;
    let title = pdf_title(&pdf).unwrap_or_default();
    assert!(title.contains("Қатысушылар"), "the Kazakh list, whatever the browser asks: {title}");
    let programme = app.get(&lang("ru"), "/events/almaty-2025/programme").await.body;
    assert!(
        programme.contains("/events/almaty-2025/programme.ics?lang=ru"),
        "the page links the calendar in its language"
    );
    assert!(
        app.get(&lang("ru"), "/events?lang=kk").await.body.contains("<html lang=\"ru\">"),
        "pages follow the choice"
    );
    for away in ["//evil.example/", "/%09/evil.example/", "/%0d%0aSet-Cookie:x=1"] {
        let reply = app.get(&lang("ru"), &format!("/language/kk?next={away}")).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{away}");
        assert_eq!(reply.location(), "/", "only local paths are followed: {away}");
    }
}

#[tokio::test]
async fn participants_sort_by_the_readers_collation() {
    let app = TestApp::new().await;
    let position = |body: &str, code: &str| body.find(&format!("data-code=\"{code}\"")).unwrap();
    let ru = app.get(&lang("ru"), "/participants").await.body;
    assert!(position(&ru, "AZ") < position(&ru, "AM"), "Азербайджан before Армения");
    let en = app.get(&lang("en"), "/participants").await.body;
    assert!(position(&en, "AM") < position(&en, "AZ"), "Armenia before Azerbaijan");
}

/// Two officers set a year's chair from the same page: the second is told, not written over the first.
#[tokio::test]
async fn a_chair_set_from_a_stale_page_conflicts() {
    let app = TestApp::new().await;
    let admin = app.login("admin", DEMO_PASSWORD).await;
    let secretariat = app.login("secretariat", DEMO_PASSWORD).await;
    let form = |session: &Session| {
        let session = session.clone();
        let app = &app;
        async move { page_form(&app.get(&session, "/bodies/cis-cfm").await.body, "id=\"chair-form\"") }
    };
    let (first, second) = (form(&admin).await, form(&secretariat).await);
    let set = |fields: &[(String, String)], chair: &str| changed(&changed(fields, "year", "2028"), "chair", chair);
    let saved = app.send(&admin, "/bodies/cis-cfm/chairs", &set(&first, "AZ")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let stale = app.send(&secretariat, "/bodies/cis-cfm/chairs", &set(&second, "AM")).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let chairs = app.get(&Session::default(), "/api/v1/bodies/cis-cfm/chairs?from=2028&to=2028").await.json();
    assert_eq!(chairs["chairs"][0]["chair"]["code"], "AZ", "the first stands");
    let again = app.send(&secretariat, "/bodies/cis-cfm/chairs", &page_form(&stale.body, "id=\"chair-form\"")).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "sent again from the page as it is now, it saves: {}", again.body);
    let georgia = app.json(&admin, "PUT", "/api/v1/bodies/cis-cfm/chairs/2029", &json!({ "chair": "GE" })).await;
    assert_eq!(
        (georgia.status, &georgia.json()["error"]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("chair")),
        "a state that has left chairs nothing: {}",
        georgia.body
    );
}

#[tokio::test]
async fn the_chairs_api_reproduces_2022_to_2026() {
    let app = TestApp::new().await;
    let reply = app.get(&Session::default(), "/api/v1/bodies/cis-cfm/chairs?from=2022&to=2026").await;
    assert_eq!(reply.status, StatusCode::OK);
    let chairs = reply.json()["chairs"].clone();
    let codes: Vec<&str> = chairs.as_array().unwrap().iter().map(|c| c["chair"]["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["KZ", "KG", "RU", "TJ", "TM"]);
    assert_eq!(chairs[4]["source"], "proposed");
    assert_eq!(chairs[4]["co_chairs"][0]["code"], "TJ");
    assert_eq!(chairs[4]["co_chairs"][1]["code"], "UZ");
    assert_eq!(chairs[3]["source"], "set");
    let bad = app.get(&Session::default(), "/api/v1/bodies/cis-cfm/chairs?from=2026&to=2022").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["error"]["field"], "to");
    // A span past 100 years is named with its bounds, however far apart the two ends are.
    let far = app.get(&Session::default(), "/api/v1/bodies/cis-cfm/chairs?from=-30000&to=30000").await;
    assert_eq!((far.status, &far.json()["error"]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("to")));
    assert!(far.body.contains("Enter a number from -30000 to -29900."), "{}", far.body);
    let bad = app.get(&Session::default(), "/api/v1/bodies/cis-cfm/chairs?from=soon").await;
    assert_eq!((bad.status, &bad.json()["error"]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("from")));
    // Every parameter that cannot be read is named, not only the first.
    let both = app.get(&Session::default(), "/api/v1/bodies/cis-cfm/chairs?from=soon&to=later").await;
    assert_eq!(both.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", both.body);
    let named: Vec<Value> =
        both.json()["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].clone()).collect();
    assert_eq!(named, [json!("from"), json!("to")], "{}", both.body);
    let meetings = app.get(&Session::default(), "/api/v1/bodies/cis-cfm/meetings").await.json();
    let cities: Vec<&str> =
        meetings["meetings"].as_array().unwrap().iter().map(|m| m["city"]["en"].as_str().unwrap()).collect();
    assert_eq!(cities, ["Minsk", "Moscow", "Almaty", "Dushanbe", "Kaliningrad"]);
}

app_on_both_engines!(a_secretariat_overrides_a_chair_and_a_stale_override_conflicts, chair_overrides);

async fn chair_overrides(app: TestApp) {
    let sec = app.login("secretariat", DEMO_PASSWORD).await;
    let set = app
        .json(&sec, "PUT", "/api/v1/bodies/cis-cfm/chairs/2027", &json!({ "chair": "UZ", "co_chairs": ["TM"] }))
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    assert_eq!(set.json()["chairs"][0]["source"], "set");
    let again = app.json(&sec, "PUT", "/api/v1/bodies/cis-cfm/chairs/2027", &json!({ "chair": "AZ" })).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "a second write that did not see the first");
    let with_version =
        app.json(&sec, "PUT", "/api/v1/bodies/cis-cfm/chairs/2027", &json!({ "chair": "AZ", "version": 1 })).await;
    assert_eq!(with_version.status, StatusCode::OK);
    let chairs = app.get(&Session::default(), "/api/v1/bodies/cis-cfm/chairs?from=2027&to=2028").await.json();
    assert_eq!(chairs["chairs"][0]["chair"]["code"], "AZ");
    assert_eq!(chairs["chairs"][1]["chair"]["code"], "AM", "the rotation moves on from the override");
    // Overrides of a year sent at once (a double click, two secretaries), first of the year and
    // then of the one set: one is set, the others conflict.
    for body in [json!({ "chair": "KG" }), json!({ "chair": "TJ", "version": 1 })] {
        let set = || app.json(&sec, "PUT", "/api/v1/bodies/cis-cfm/chairs/2031", &body);
        let answers = tokio::join!(set(), set(), set(), set());
        let answers = [answers.0, answers.1, answers.2, answers.3];
        let mut statuses: Vec<StatusCode> = answers.iter().map(|a| a.status).collect();
        statuses.sort();
        let bodies: Vec<&str> = answers.iter().map(|a| a.body.as_str()).collect();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT, StatusCode::CONFLICT, StatusCode::CONFLICT],
            "{bodies:#?}"
        );
    }
    app.db.cleanup().await;
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx_naming_the_field() {
    let app = TestApp::new().await;
    let admin = app.login("admin", DEMO_PASSWORD).await;
    let good = json!({
        "slug": "astana-2026", "name": { "en": "Astana" }, "host": "KZ", "city": { "en": "Astana" },
        "time_zone": "Asia/Almaty", "start_date": "2026-06-01", "end_date": "2026-06-02"
    });
    let with = |key: &str, value: serde_json::Value| {
        let mut body = good.clone();
        body[key] = value;
        body
    };
    let cases = [
        (with("start_date", json!(5)), 422, Some("start_date")),
        (with("start_date", json!("2026-02-30")), 422, Some("start_date")),
        (with("colour", json!("blue")), 422, None),
        (with("name", json!({ "en": "x".repeat(201) })), 422, Some("name.en")),
        (with("host", json!("XX")), 422, Some("host")),
        (with("end_date", json!("2026-05-01")), 422, Some("end_date")),
        (with("time_zone", json!("Mars/Olympus_Mons")), 422, Some("time_zone")),
        (with("slug", json!("Almaty 2026!")), 422, Some("slug")),
        (with("slug", json!("almaty-2025")), 422, Some("slug")),
        (with("name", json!({})), 422, Some("name")),
    ];
    for (body, status, field) in cases {
        let reply = app.json(&admin, "POST", "/api/v1/events", &body).await;
        assert_eq!(reply.status.as_u16(), status, "{body}: {}", reply.body);
        let error = &reply.json()["error"];
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", reply.body);
        if let Some(field) = field {
            let named = error["field"] == field
                || error["details"].as_array().is_some_and(|d| d.iter().any(|x| x["field"] == field));
            assert!(named, "{body} should name {field}: {}", reply.body);
        }
    }
    let malformed = app.request(&admin, "POST", "/api/v1/events", Some("application/json"), "{\"slug\": ").await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert_eq!(malformed.json()["error"]["code"], "bad_request");
    // The message is the reader's language; the parser's words, for whoever wrote the request, a detail.
    assert_eq!(malformed.json()["error"]["message"], "The request is malformed.", "{}", malformed.body);
    let parser = malformed.json()["error"]["details"][0]["message"].as_str().unwrap_or_default().to_string();
    assert!(parser.contains("line 1"), "{}", malformed.body);
    // Where the JSON stops, in the reader's language too, and no field stands for "somewhere".
    let russian = Session { lang: Some("ru"), ..admin.clone() };
    let malformed = app.request(&russian, "POST", "/api/v1/events", Some("application/json"), "{\"slug\": ").await;
    let detail = &malformed.json()["error"]["details"][0];
    assert_eq!(detail["message"], "Тело запроса — не JSON: ошибка в строке 1, столбце 9.", "{}", malformed.body);
    assert!(detail.get("field").is_none(), "{}", malformed.body);
    // Nothing after the object is taken either, and nothing is made of it.
    let good_text = good.to_string();
    for body in [format!("{good_text}{{"), format!("{good_text} and more")] {
        let trailing = app.request(&russian, "POST", "/api/v1/events", Some("application/json"), body.clone()).await;
        assert_eq!(trailing.status, StatusCode::BAD_REQUEST, "{body}: {}", trailing.body);
        assert!(trailing.body.contains("Тело запроса — не JSON"), "{}", trailing.body);
    }
    // JSON that is no object, or nothing at all, is told so in the reader's language.
    for body in ["\"x\"", "[1, 2]", "", "  "] {
        let refused = app.request(&russian, "POST", "/api/v1/events", Some("application/json"), body).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{body:?}: {}", refused.body);
        assert_eq!(
            refused.json()["error"]["details"][0]["message"],
            "Тело запроса должно быть объектом JSON: {…}.",
            "{body:?}: {}",
            refused.body
        );
    }
    let as_text = app.request(&russian, "POST", "/api/v1/events", Some("text/plain"), good_text.clone()).await;
    assert_eq!(as_text.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(!as_text.body.contains("send the body"), "no English beside the reader's: {}", as_text.body);
    // A language given twice in a text is refused by its name, not the last one silently taken.
    let twice = good_text.replace(r#""name":{"en":"Astana"}"#, r#""name":{"en":"Astana","en":"Astana 2026"}"#);
    assert_ne!(twice, good_text);
    let refused = app.request(&russian, "POST", "/api/v1/events", Some("application/json"), twice).await;
    let told = |reply: &crate::support::Reply| {
        let error = &reply.json()["error"];
        (error["field"].clone(), error["details"][0]["message"].clone())
    };
    let repeated = (json!("name.en"), json!("Это поле указано больше одного раза."));
    assert_eq!(told(&refused), repeated, "{}", refused.body);
    assert_eq!(app.get(&admin, "/api/v1/events/astana-2026").await.status, StatusCode::NOT_FOUND, "nothing made");
    // A text by language given as one string says how to give it, as read from the body's bytes.
    let plain = app.json(&russian, "POST", "/api/v1/events", &with("name", json!("Astana"))).await;
    let by_language = (json!("name"), json!("Укажите текст по языкам: {\"ru\": \"…\", \"en\": \"…\"}."));
    assert_eq!(told(&plain), by_language, "{}", plain.body);
    let not_json = app.request(&admin, "POST", "/api/v1/events", Some("text/plain"), "slug=x").await;
    assert_eq!(
        (not_json.status, &not_json.json()["error"]["code"]),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, &json!("unsupported_media_type"))
    );
    assert_eq!(not_json.json()["error"]["message"], "Send the body as JSON (Content-Type: application/json).");
    let huge = format!("{{\"slug\": \"{}\"}}", "x".repeat(web::BODY_LIMIT));
    let too_large = app.request(&admin, "POST", "/api/v1/events", Some("application/json"), huge).await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Someone not signed in sends a megabyte at most, whoever else may send more.
    let login = |name: String| format!("{{\"username\": \"{name}\", \"password\": \"x\"}}");
    let stranger = Session::default();
    let long =
        app.request(&stranger, "POST", "/api/v1/session", Some("application/json"), login("x".repeat(2 << 20))).await;
    assert_eq!(long.status, StatusCode::PAYLOAD_TOO_LARGE);
    let short =
        app.request(&stranger, "POST", "/api/v1/session", Some("application/json"), login("x".repeat(1000))).await;
    assert_eq!(short.status, StatusCode::UNAUTHORIZED, "{}", short.body);
    // A form of ten thousand empty fields is refused before they are held.
    let fields = "a=&".repeat(10_000);
    let many = app.request(&admin, "POST", "/events", Some("application/x-www-form-urlencoded"), fields).await;
    assert_eq!(many.status, StatusCode::PAYLOAD_TOO_LARGE);
    let list = app.get(&Session::default(), "/api/v1/events").await.json();
    assert!(list["events"].as_array().unwrap().iter().all(|e| e["slug"] != "astana-2026"), "nothing was created");
}

#[tokio::test]
async fn errors_speak_the_readers_language() {
    let app = TestApp::new().await;
    let admin = Session { lang: Some("ru"), ..app.login("admin", DEMO_PASSWORD).await };
    let body = json!({
        "slug": "x-2026", "name": { "en": "X" }, "host": "KZ", "city": { "en": "X" },
        "time_zone": "Asia/Atlantis", "start_date": "2026-06-01", "end_date": "2026-06-02"
    });
    let reply = app.json(&admin, "POST", "/api/v1/events", &body).await;
    let message = reply.json()["error"]["details"][0]["message"].as_str().unwrap().to_string();
    assert!(message.contains("Asia/Atlantis") && message.contains("часов"), "{message}");
}

#[tokio::test]
async fn a_stale_event_edit_gets_409_keeps_what_was_typed_and_the_first_edit_stays() {
    let app = TestApp::new().await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let event = app.get(&Session::default(), "/api/v1/events/almaty-2025").await.json();
    let edit = |name: &str| {
        json!({
            "version": event["version"], "slug": "almaty-2025", "name": { "en": name }, "host": "KZ", "city": event["city"],
            "time_zone": "Asia/Almaty", "start_date": "2025-04-10", "end_date": "2025-04-11"
        })
    };
    let first = app.json(&host, "PUT", "/api/v1/events/almaty-2025", &edit("First")).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let second = app.json(&host, "PUT", "/api/v1/events/almaty-2025", &edit("Second")).await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert_eq!(second.json()["error"]["code"], "conflict");
    let now = app.get(&Session::default(), "/api/v1/events/almaty-2025").await.json();
    assert_eq!(now["name"]["en"], "First");

    // A mistake shown again keeps the version the form was read with: the conflict is not hidden.
    let typo = app
        .form(
            &host,
            "/events/almaty-2025/edit",
            &[("slug", "almaty-2025"), ("version", "1"), ("name_en", "Third"), ("host", "KZ"), ("end_date", "soon")],
        )
        .await;
    assert_eq!(typo.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(typo.body.contains("name=\"version\" value=\"1\""), "{}", typo.body);
    let third = |version: &str| {
        let version = version.to_string();
        let (app, host) = (&app, &host);
        async move {
            let fields = [
                ("slug", "almaty-2025"),
                ("version", version.as_str()),
                ("name_en", "Third"),
                ("host", "KZ"),
                ("city_en", "Almaty"),
                ("time_zone", "Asia/Almaty"),
                ("start_date", "2025-04-10"),
                ("end_date", "2025-04-11"),
            ];
            app.form(host, "/events/almaty-2025/edit", &fields).await
        }
    };
    let form = third("1").await;
    assert_eq!(form.status, StatusCode::CONFLICT, "a stale form is refused too");
    // The form comes back with what was typed, the reason in the user's language, and the version
    // as it is now, so that sending it again saves it.
    assert!(form.body.contains("data-error-for=\"form\"") && form.body.contains("value=\"Third\""), "{}", form.body);
    let current = now["version"].to_string();
    assert!(form.body.contains(&format!("name=\"version\" value=\"{current}\"")), "{}", form.body);
    let again = third(&current).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let saved = app.get(&Session::default(), "/api/v1/events/almaty-2025").await.json();
    assert_eq!(saved["name"]["en"], "Third");
}

#[tokio::test]
async fn the_event_form_keeps_the_values_and_names_the_fields() {
    let app = TestApp::new().await;
    let host = Session { lang: Some("ru"), ..app.login("host", DEMO_PASSWORD).await };
    let reply = app
        .form(
            &host,
            "/events",
            &[
                ("slug", "astana-2026"),
                ("name_en", "Astana"),
                ("host", "KZ"),
                ("city_en", "Astana"),
                ("time_zone", "Asia/Atlantis"),
                ("start_date", "2026-06-02"),
                ("end_date", "not a date"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("data-error-for=\"time_zone\""));
    assert!(reply.body.contains("data-error-for=\"end_date\""));
    assert!(reply.body.contains("value=\"astana-2026\""), "the typed values stay");
    assert!(reply.body.contains("ГГГГ-ММ-ДД") || reply.body.contains("Не дата"), "{}", reply.body);
    let ok = app
        .form(
            &host,
            "/events",
            &[
                ("slug", "astana-2026"),
                ("name_en", "Astana"),
                ("name_ru", "Астана"),
                ("host", "KZ"),
                ("city_en", "Astana"),
                ("time_zone", "Asia/Almaty"),
                ("start_date", "2026-06-01"),
                ("end_date", "2026-06-02"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(ok.location(), "/events/astana-2026");
    let page = app.get(&host, "/events/astana-2026").await;
    assert!(page.body.contains("<h1>Астана</h1>"));
    assert!(page.body.contains("id=\"edit-event\""), "the creator's ministry hosts it");
}

#[tokio::test]
async fn unsafe_requests_need_the_sessions_csrf_token_and_the_same_origin() {
    let app = TestApp::new().await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let without = Session { csrf: None, ..host.clone() };
    let reply = app.form(&without, "/logout", &[]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "a form without the token");
    let reply = app.form(&without, "/logout", &[("csrf", "forged")]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "a form with a wrong token");
    assert!(reply.body.contains("reload the page and send it again"), "said as what it is: {}", reply.body);
    let api = app.json(&without, "POST", "/api/v1/events", &json!({})).await;
    assert_eq!(api.status, StatusCode::FORBIDDEN);
    assert!(api.json()["error"]["message"].as_str().unwrap().contains("X-CSRF-Token"), "{}", api.body);
    let token = host.csrf.clone().unwrap();
    let reply = app.form(&without, "/logout", &[("csrf", &token)]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "a form with the token");

    let host = app.login("host", DEMO_PASSWORD).await;
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/api/v1/events")
        .header("host", "concord.test")
        .header("origin", "https://evil.example")
        .header("cookie", host.cookie.clone().unwrap())
        .header("x-csrf-token", host.csrf.clone().unwrap())
        .header("content-type", "application/json")
        .body(axum::body::Body::from("{}"))
        .unwrap();
    let reply = tower::ServiceExt::oneshot(app.router.clone(), req).await.unwrap();
    assert_eq!(reply.status(), StatusCode::FORBIDDEN, "a cross-site request");
}

#[tokio::test]
async fn logging_in_out_and_changing_the_password() {
    let app = TestApp::new().await;
    let wrong =
        app.form(&lang("en"), "/login", &[("username", "host"), ("password", "wrong password"), ("next", "/")]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("class=\"form-error\""));
    let first = app.login("host", DEMO_PASSWORD).await;
    let second = app.login("host", DEMO_PASSWORD).await;
    let me = app.get(&first, "/api/v1/me").await.json();
    assert_eq!(me["user"]["username"], "host");
    assert!(me["user"].get("password_hash").is_none(), "the hash never leaves the server");

    let short = app
        .json(
            &first,
            "PUT",
            "/api/v1/me/password",
            &json!({ "current_password": DEMO_PASSWORD, "new_password": "short" }),
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    let wrong = app
        .json(
            &first,
            "PUT",
            "/api/v1/me/password",
            &json!({ "current_password": "nope", "new_password": "a new long password" }),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.json()["error"]["field"], "current_password");
    let changed = app
        .json(
            &first,
            "PUT",
            "/api/v1/me/password",
            &json!({ "current_password": DEMO_PASSWORD, "new_password": "a new long password" }),
        )
        .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&first, "/api/v1/me").await.status, StatusCode::OK, "this session stays");
    assert_eq!(app.get(&second, "/api/v1/me").await.status, StatusCode::UNAUTHORIZED, "other sessions end");
    let old = app
        .json(&Session::default(), "POST", "/api/v1/session", &json!({ "username": "host", "password": DEMO_PASSWORD }))
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    app.login("host", "a new long password").await;

    let out = app.request(&first, "DELETE", "/api/v1/session", None, axum::body::Body::empty()).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&first, "/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn demo_accounts_work_only_in_demo_mode() {
    let app = TestApp::with(TestDb::sqlite().await, false).await;
    let reply = app
        .json(&lang("en"), "POST", "/api/v1/session", &json!({ "username": "admin", "password": DEMO_PASSWORD }))
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(reply.json()["error"]["message"].as_str().unwrap().contains("demonstration"));
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled() {
    let app = TestApp::new().await;
    for _ in 0..10 {
        let r = app
            .json(
                &Session::default(),
                "POST",
                "/api/v1/session",
                &json!({ "username": "press", "password": "guess-guess" }),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = app
        .json(
            &Session::default(),
            "POST",
            "/api/v1/session",
            &json!({ "username": "press", "password": DEMO_PASSWORD }),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
}

#[tokio::test]
async fn api_tokens_authenticate_machines_without_csrf() {
    let app = TestApp::new().await;
    let admin = store::accounts::by_username(&app.db.store, "admin").await.unwrap();
    let mut tx = app.db.store.begin().await.unwrap();
    store::accounts::create_token(&mut tx, &domain::policy::Actor::anonymous(), &admin, "ci", "cnc_test_token")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let machine = Session { bearer: Some("cnc_test_token".into()), ..Session::default() };
    assert_eq!(app.get(&machine, "/api/v1/me").await.json()["user"]["username"], "admin");
    assert_eq!(app.get(&machine, "/metrics").await.status, StatusCode::OK);
    let created = app
        .json(
            &machine,
            "POST",
            "/api/v1/events",
            &json!({
                "slug": "token-made", "name": { "en": "By token" }, "host": "KZ", "city": { "en": "Astana" },
                "time_zone": "Asia/Almaty", "start_date": "2026-06-01", "end_date": "2026-06-01"
            }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let forged = Session { bearer: Some("cnc_forged".into()), ..Session::default() };
    assert_eq!(app.get(&forged, "/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_audit_view_shows_each_reader_only_what_they_may_read() {
    let app = TestApp::new().await;
    let admin = app.login("admin", DEMO_PASSWORD).await;
    let secretariat = app.login("secretariat", DEMO_PASSWORD).await;
    for year in 2030..2040 {
        let set =
            app.json(&admin, "PUT", &format!("/api/v1/bodies/cis-cfm/chairs/{year}"), &json!({ "chair": "KZ" })).await;
        assert_eq!(set.status, StatusCode::OK);
    }
    let entities = |reply: serde_json::Value| -> Vec<String> {
        reply["entries"].as_array().unwrap().iter().map(|e| e["entity"].as_str().unwrap().to_string()).collect()
    };
    let mut all = Vec::new();
    let mut path = "/api/v1/audit".to_string();
    loop {
        let page = app.get(&admin, &path).await.json();
        all.extend(entities(page.clone()));
        match page["older"].as_i64() {
            Some(older) => path = format!("/api/v1/audit?before={older}"),
            None => break,
        }
    }
    assert!(all.iter().any(|e| e == "user"), "the admin sees account changes");
    let visible = entities(app.get(&secretariat, "/api/v1/audit").await.json());
    assert!(!visible.is_empty());
    assert!(visible.iter().all(|e| e != "user" && e != "api_token"), "a secretariat never sees account changes");
    let page = app.get(&secretariat, "/audit").await;
    assert!(!page.body.contains("data-entity=\"user\""));
    let older = app.get(&admin, "/api/v1/audit").await.json()["older"].as_i64().unwrap();
    let next = app.get(&admin, &format!("/api/v1/audit?before={older}")).await.json();
    assert!(next["entries"][0]["seq"].as_i64().unwrap() < older, "paging goes back in time");
    let page = app.get(&Session { lang: Some("ru"), ..admin.clone() }, "/audit").await.body;
    assert!(
        page.contains("<td>Председательство</td><td>Изменение</td>")
            || page.contains("<td>Председательство</td><td>Создание</td>"),
        "what changed and how, in the reader's words rather than codes: {page}"
    );
    assert!(page.contains("<td>Система</td>") && !page.contains("<td>system</td>"), "what no user did: {page}");
}

#[test]
fn every_kind_of_audit_entry_has_words_in_every_language() {
    for l in web::testing::LANGUAGES {
        let keys = web::I18n::keys(l);
        let entities = domain::policy::EntityKind::ALL.map(|k| format!("audit-entity-{}", k.as_str()));
        let actions = store::audit::ACTIONS.map(|a| format!("audit-action-{a}"));
        let unworded: Vec<&String> = entities.iter().chain(&actions).filter(|k| !keys.contains(*k)).collect();
        assert!(unworded.is_empty(), "{l}: {unworded:?}");
    }
}

#[tokio::test]
async fn openapi_describes_every_api_route() {
    let app = TestApp::new().await;
    let doc = app.get(&Session::default(), "/api/openapi.json").await.json();
    assert_eq!(doc["openapi"], "3.1.0");
    for route in web::routes().iter().filter(|r| r.path.starts_with("/api/v1/")) {
        let op = &doc["paths"][route.path][route.method.to_lowercase()];
        assert!(op["summary"].is_string(), "{} {} is missing", route.method, route.path);
    }
    // The query parameters, as the handler reads them (every query the suites send is checked
    // against them as well: `support::Operations::check_answer`).
    let register = &doc["paths"]["/api/v1/documents"]["get"]["parameters"];
    let named = |name: &str| register.as_array().unwrap().iter().find(|p| p["name"] == name).cloned();
    for name in ["q", "body", "event", "meeting", "kind", "status", "area", "participant", "from", "until", "page"] {
        let parameter = named(name).unwrap_or_else(|| panic!("{name} in {register:#}"));
        assert_eq!((&parameter["in"], &parameter["required"]), (&json!("query"), &json!(false)), "{parameter:#}");
        assert!(parameter["description"].is_string(), "{parameter:#}");
    }
    assert!(named("meeting").unwrap()["description"].as_str().unwrap().contains("event/body"));
    let changes = &doc["paths"]["/api/v1/documents/{document}/changes"]["get"]["parameters"];
    let names: Vec<&str> = changes.as_array().unwrap().iter().filter_map(|p| p["name"].as_str()).collect();
    assert_eq!(names, ["document", "from", "lang", "to"], "the path's, then the query's");
}

/// Request bodies are described as the handlers read them, and a JSON Schema validator reads the
/// description: it takes what the API takes and refuses what it refuses. (Every body the suites
/// send that the server takes is checked against it as well: `support::TestApp::json`.)
#[tokio::test]
async fn openapi_describes_each_request_body_as_the_handler_reads_it() {
    let app = TestApp::new().await;
    let doc = app.get(&Session::default(), "/api/openapi.json").await.json();
    let body = |method: &str, path: &str| doc["paths"][path][method]["requestBody"]["content"].clone();
    let resolved = |schema: &Value| match schema["$ref"].as_str() {
        Some(at) => doc.pointer(at.trim_start_matches('#')).expect("a reference that resolves").clone(),
        None => schema.clone(),
    };

    let request = resolved(&body("post", "/api/v1/events/{event}/bilaterals")["application/json"]["schema"]);
    for field in ["with", "duration", "windows", "after", "priority", "from"] {
        assert!(request["properties"][field].is_object(), "{field} in {request:#}");
    }
    assert_eq!(request["required"], json!(["with", "duration"]), "{request:#}");
    let duration = &request["properties"]["duration"];
    assert_eq!(
        (&duration["type"], &duration["minimum"], &duration["maximum"]),
        (&json!("integer"), &json!(5), &json!(240))
    );
    let stance = resolved(&body("post", "/api/v1/documents/{document}/stances")["application/json"]["schema"]);
    assert_eq!(stance["properties"]["replaces"]["enum"][1], "none", "{stance:#}");
    assert!(stance["properties"]["replaces"]["enum"].as_array().unwrap().contains(&json!("absent")), "{stance:#}");
    let document = resolved(&body("post", "/api/v1/documents")["application/json"]["schema"]);
    let paragraphs = &document["properties"]["paragraphs"];
    assert!(document["required"].as_array().unwrap().contains(&json!("paragraphs")), "{document:#}");
    assert_eq!((&paragraphs["minItems"], paragraphs.get("default")), (&json!(1), None), "required, so no default");
    let secretariat = app.login("secretariat", DEMO_PASSWORD).await;
    let without = json!({ "body": "cis-cfm", "kind": "note", "register_number": "CFM/X/1", "title": { "ru": "Записка" },
        "original_language": "ru", "classification": "members" });
    let refused = app.json(&secretariat, "POST", "/api/v1/documents", &without).await;
    assert_eq!(
        (refused.status, &refused.json()["error"]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("paragraphs")),
        "and the API says so by the field: {}",
        refused.body
    );
    let amendment = resolved(&body("post", "/api/v1/documents/{document}/amendments")["application/json"]["schema"]);
    assert!(amendment["properties"]["version"]["description"].as_str().unwrap().contains("versions[].number"));
    // What another field makes required is said where the field is.
    assert!(amendment["properties"]["text"]["description"].as_str().unwrap().contains("required for `replace`"));
    let moved = resolved(&body("post", "/api/v1/press-releases/{release}/status")["application/json"]["schema"]);
    let to = resolved(&moved["properties"]["to"]);
    // Variants with a description each come as `oneOf` a `const`, the others in one `enum`.
    let mut values: Vec<&str> = match to["enum"].as_array() {
        Some(values) => values.iter().collect(),
        None => to["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|v| v.get("const").into_iter().chain(v["enum"].as_array().into_iter().flatten()))
            .collect::<Vec<_>>(),
    }
    .into_iter()
    .filter_map(Value::as_str)
    .collect();
    values.sort_unstable();
    assert_eq!(values, ["draft", "embargoed", "published", "review", "scheduled"], "{to:#}");
    let item = resolved(
        &body("put", "/api/v1/events/{event}/meetings/{meeting}/agenda/{agenda_item}")["application/json"]["schema"],
    );
    assert!(item["required"].as_array().unwrap().contains(&json!("version")), "a change names its version: {item:#}");
    // Settings left out are the last run's: the body may be left out, and says no defaults.
    let schedule = &doc["paths"]["/api/v1/events/{event}/bilaterals/schedule"]["post"]["requestBody"];
    assert_eq!(schedule["required"], false);
    let run = resolved(&schedule["content"]["application/json"]["schema"]);
    assert!(run["properties"]["grid"].is_object() && run.get("required").is_none(), "{run:#}");
    assert!(!run.to_string().contains("default"), "{run:#}");
    let attach = body("post", "/api/v1/action-reports/{report}/attachments");
    assert_eq!(attach["multipart/form-data"]["schema"]["required"], json!(["file"]), "{attach:#}");
    // Two inputs of one name in two modules are told apart by name, not by a number.
    let names: Vec<&String> = doc["components"]["schemas"].as_object().unwrap().keys().collect();
    assert!(names.iter().all(|n| !n.ends_with(char::is_numeric)), "{names:?}");
    assert!(names.iter().any(|n| *n == "AgendaItemInput"), "{names:?}");
    let new_item = body("post", "/api/v1/events/{event}/programme")["application/json"]["schema"].clone();
    assert!(
        new_item["properties"]["kind"].is_object() && new_item["properties"]["id"]["format"] == "uuid",
        "a new programme item with the id it may take: {new_item:#}"
    );
    let import = body("post", "/api/v1/events/{event}/delegations/{participant}/import");
    assert!(import["text/csv"].is_object(), "{import:#}");

    let bilaterals = "/api/v1/events/almaty-2025/bilaterals";
    let operation = operations().of("POST", bilaterals).expect("the route");
    assert_eq!(operation.answers, [StatusCode::OK, StatusCode::CREATED], "a request is made, or found made");
    let validator = operation.body.as_ref().expect("the route's body");
    assert!(validator.is_valid(&json!({ "with": ["TJ"], "duration": 20, "from": "KZ" })));
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    for wrong in [
        json!({ "with": ["TJ"], "duration": "twenty" }),
        json!({ "with": ["TJ"], "duration": 20, "colour": "red" }),
        json!({ "duration": 20 }),
    ] {
        assert!(!validator.is_valid(&wrong), "the schema refuses {wrong}");
        let refused = app.json(&kz, "POST", bilaterals, &wrong).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "and so does the API: {wrong} {}", refused.body);
    }
}

#[tokio::test]
async fn health_and_metrics() {
    let app = TestApp::new().await;
    assert_eq!(app.get(&Session::default(), "/healthz").await.json()["status"], "ok");
    app.get(&Session::default(), "/events").await;
    let admin = app.login("admin", DEMO_PASSWORD).await;
    let metrics = app.get(&admin, "/metrics").await.body;
    assert!(
        metrics.contains("concord_http_requests_total{method=\"GET\",route=\"/events\",status=\"200\"} 1"),
        "{metrics}"
    );
    let page = app.get(&Session::default(), "/").await;
    let csp = page.headers.get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
}

#[tokio::test]
async fn the_web_works_on_postgres_too() {
    let Some(db) = TestDb::postgres().await else {
        eprintln!("PostgreSQL not configured (TEST_DATABASE_URL): skipped");
        return;
    };
    let app = TestApp::with(db, true).await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let created = app
        .json(
            &host,
            "POST",
            "/api/v1/events",
            &json!({
                "slug": "pg-event", "name": { "en": "On PostgreSQL" }, "host": "KZ", "city": { "en": "Astana" },
                "time_zone": "Asia/Almaty", "start_date": "2026-06-01", "end_date": "2026-06-01"
            }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let page = app.get(&Session::default(), "/bodies/cis-cfm").await;
    assert!(page.body.contains("data-year=\"2026\""));
    let TestApp { db, .. } = app;
    db.cleanup().await;
}

#[tokio::test]
async fn a_secretariat_records_a_withdrawal_and_the_status_follows() {
    let app = TestApp::new().await;
    let sec = Session { lang: Some("ru"), ..app.login("secretariat", DEMO_PASSWORD).await };
    let backwards = app
        .form(
            &sec,
            "/bodies/cis-cfm/memberships",
            &[
                ("participant", "MD"),
                ("status", "withdrawn"),
                ("valid_from", "2027-01-01"),
                ("valid_until", "2026-01-01"),
            ],
        )
        .await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(backwards.body.contains("data-error-for=\"valid_until\""));
    let unknown = app
        .json(
            &sec,
            "POST",
            "/api/v1/bodies/cis-cfm/memberships",
            &json!({ "participant": "XX", "status": "full", "valid_from": "2027-01-01", "valid_until": null }),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.json()["error"]["field"], "participant");
    let bad_status = app
        .json(
            &sec,
            "POST",
            "/api/v1/bodies/cis-cfm/memberships",
            &json!({ "participant": "MD", "status": "expelled", "valid_from": "2027-01-01", "valid_until": null }),
        )
        .await;
    assert_eq!(bad_status.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad_status.json()["error"]["field"], "status");
    let ok = app
        .form(
            &sec,
            "/bodies/cis-cfm/memberships",
            &[
                ("participant", "MD"),
                ("status", "withdrawn"),
                ("valid_from", "2027-01-01"),
                ("note", "Withdrawal effective"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let body = app.get(&Session::default(), "/api/v1/bodies/cis-cfm").await.json();
    let moldova: Vec<_> = body["memberships"].as_array().unwrap().iter().filter(|m| m["participant"] == "MD").collect();
    assert_eq!(moldova.len(), 3);
    assert_eq!(moldova[2]["status"], "withdrawn");
}

/// A malformed id in a path names nothing: the page's 404 in the reader's language, or the API's
/// JSON error, never the framework's plain text.
#[tokio::test]
async fn a_malformed_id_is_not_found_on_pages_and_in_the_api() {
    let app = TestApp::new().await;
    let reader = Session { lang: Some("ru"), ..app.login("secretariat", DEMO_PASSWORD).await };
    for page in ["/documents/zzz/changes", "/events/almaty-2025/programme/zzz/seating.svg"] {
        let reply = app.get(&reader, page).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{page}");
        assert!(!reply.body.contains("UUID parsing failed") && reply.body.contains("<html"), "{page}: {}", reply.body);
    }
    let reply = app.get(&reader, "/api/v1/documents/zzz").await;
    assert_eq!((reply.status, &reply.json()["error"]["code"]), (StatusCode::NOT_FOUND, &json!("not_found")));
    app.db.cleanup().await;
}

/// Two hosts edit the event from pages read at once: one renames it, the other changes its city
/// and meets a conflict. The form that comes back shows the new name beside the city typed, so
/// that sending it again keeps both changes.
#[tokio::test]
async fn an_event_form_sent_again_after_a_conflict_keeps_the_other_change() {
    let app = TestApp::new().await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let edit = "/events/almaty-2025/edit";
    let read = page_form(&app.get(&host, edit).await.body, "id=\"event-form\"");
    assert_eq!(app.send(&host, edit, &changed(&read, "name_en", "The Almaty CFM")).await.status, StatusCode::SEE_OTHER);
    let stale = app.send(&host, edit, &changed(&read, "city_en", "Almaty (Kazakhstan)")).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let again = page_form(&stale.body, "id=\"event-form\"");
    let value = |name: &str| again.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    assert_eq!((value("name_en"), value("city_en")), (Some("The Almaty CFM"), Some("Almaty (Kazakhstan)")));
    let sent = app.send(&host, edit, &again).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let now = app.get(&Session::default(), "/api/v1/events/almaty-2025").await.json();
    assert_eq!((&now["name"]["en"], &now["city"]["en"]), (&json!("The Almaty CFM"), &json!("Almaty (Kazakhstan)")));
    // A form refused for a mistake, after another host's save, keeps the version it was read at:
    // fixed and sent, it conflicts rather than overwrite.
    let read = page_form(&app.get(&host, edit).await.body, "id=\"event-form\"");
    let version = |fields: &[(String, String)]| fields.iter().find(|(k, _)| k == "version").unwrap().1.clone();
    assert_eq!(app.send(&host, edit, &changed(&read, "name_ru", "Алматы 2025")).await.status, StatusCode::SEE_OTHER);
    let mistaken = app.send(&host, edit, &changed(&read, "end_date", "soon")).await;
    assert_eq!(mistaken.status, StatusCode::UNPROCESSABLE_ENTITY);
    let back = page_form(&mistaken.body, "id=\"event-form\"");
    assert_eq!(version(&back), version(&read), "the version read");
    let fixed = app.send(&host, edit, &changed(&back, "end_date", "2025-04-11")).await;
    assert_eq!(fixed.status, StatusCode::CONFLICT, "{}", fixed.body);
    // A field both changed: the reader's comes back, with what the other made of it said beside it.
    let read = page_form(&app.get(&host, edit).await.body, "id=\"event-form\"");
    assert_eq!(app.send(&host, edit, &changed(&read, "city_en", "Almaty city")).await.status, StatusCode::SEE_OTHER);
    let both = app.send(&host, edit, &changed(&read, "city_en", "Almaty, Kazakhstan")).await;
    assert_eq!(both.status, StatusCode::CONFLICT);
    let back = page_form(&both.body, "id=\"event-form\"");
    assert!(back.contains(&("city_en".to_string(), "Almaty, Kazakhstan".to_string())), "{back:?}");
    assert!(both.body.contains("Changed meanwhile by another user to: Almaty city."), "{}", both.body);
    // A form that says nothing of what it showed comes back as sent.
    let blind: Vec<(String, String)> =
        changed(&read, "name_ru", "Другое").into_iter().filter(|(k, _)| k != "was").collect();
    let back = page_form(&app.send(&host, edit, &blind).await.body, "id=\"event-form\"");
    assert!(back.contains(&("city_en".to_string(), "Almaty (Kazakhstan)".to_string())), "{back:?}");
}

/// The event's days are not shortened under what is held on them: the CFM meets on 11 April, and
/// the programme goes on until then.
#[tokio::test]
async fn an_event_keeps_the_days_its_meetings_and_programme_are_on() {
    let app = TestApp::new().await;
    let host = Session { lang: Some("ru"), ..app.login("host", DEMO_PASSWORD).await };
    let edit = "/events/almaty-2025/edit";
    let read = page_form(&app.get(&host, edit).await.body, "id=\"event-form\"");
    let shortened = app.send(&host, edit, &changed(&read, "end_date", "2025-04-10")).await;
    assert_eq!(shortened.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", shortened.body);
    assert!(shortened.body.contains("На 11 апреля 2025"), "the day said as the reader writes it: {}", shortened.body);
    let back = page_form(&shortened.body, "id=\"event-form\"");
    assert!(back.contains(&("end_date".to_string(), "2025-04-10".to_string())), "what was typed stays: {back:?}");
    let event = app.get(&host, "/api/v1/events/almaty-2025").await.json();
    let mut body = json!({
        "version": event["version"], "slug": "almaty-2025", "name": event["name"], "host": "KZ", "city": event["city"],
        "time_zone": "Asia/Almaty", "start_date": "2025-04-12", "end_date": "2025-04-12", "venues": event["venues"]
    });
    let later = app.json(&host, "PUT", "/api/v1/events/almaty-2025", &body).await;
    assert_eq!(later.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", later.body);
    let fields: Vec<Value> =
        later.json()["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].clone()).collect();
    assert_eq!(
        fields,
        ["start_date", "start_date"],
        "the CFM meets on 11 April, arrivals are on 9 April: {}",
        later.body
    );
    body["start_date"] = json!("2025-04-09");
    body["end_date"] = json!("2025-04-12");
    let longer = app.json(&host, "PUT", "/api/v1/events/almaty-2025", &body).await;
    assert_eq!(longer.status, StatusCode::OK, "more days leave nothing behind: {}", longer.body);
    // Nor under its accreditation deadline.
    let admin = app.login("admin", DEMO_PASSWORD).await;
    let astana = json!({
        "slug": "astana-2026", "name": { "en": "Astana" }, "host": "KZ", "city": { "en": "Astana" },
        "time_zone": "Asia/Almaty", "start_date": "2026-06-01", "end_date": "2026-06-03"
    });
    assert_eq!(app.json(&admin, "POST", "/api/v1/events", &astana).await.status, StatusCode::CREATED);
    let version = app.get(&admin, "/api/v1/events/astana-2026").await.json()["version"].to_string();
    let fields = [("deadline", "2026-06-02T12:00"), ("version", version.as_str())];
    assert_eq!(app.form(&admin, "/events/astana-2026/deadline", &fields).await.status, StatusCode::SEE_OTHER);
    let version = app.get(&admin, "/api/v1/events/astana-2026").await.json()["version"].clone();
    let mut shorter = astana.clone();
    shorter["version"] = version;
    shorter["end_date"] = json!("2026-06-01");
    let refused = app.json(&admin, "PUT", "/api/v1/events/astana-2026", &shorter).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert_eq!(refused.json()["error"]["field"], "end_date", "{}", refused.body);
}

#[tokio::test]
async fn an_address_only_a_form_sends_to_opens_the_page_the_form_is_on() {
    let app = TestApp::new().await;
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    // Typed again after a refused form left it in the address bar.
    let opened = app.get(&kz, "/events/almaty-2025/bilaterals/confirm").await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    assert_eq!(opened.headers[axum::http::header::LOCATION], "/events/almaty-2025/bilaterals");
    // A program is told which methods the address takes.
    let api = app.get(&kz, "/api/v1/events/almaty-2025/media-applications").await;
    assert_eq!(api.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(api.headers[axum::http::header::ALLOW], "POST");
}

/// An API client that sends a new record again under the id it chose (its answer was lost) gets
/// the first back, 200 instead of 201, and one record; another record under that id is refused.
#[tokio::test]
async fn an_api_create_sent_twice_under_its_id_makes_one() {
    let app = TestApp::new().await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let officer = app.login("delegation-kz", DEMO_PASSWORD).await;
    let id = uuid::Uuid::new_v4().to_string();
    let item = json!({
        "id": id, "kind": "bilateral", "title": { "en": "Pull-aside" }, "starts": "2025-04-11T18:00",
        "ends": "2025-04-11T18:20", "venue": "conference-venue", "room": null, "attendees": {},
        "press": "closed", "visibility": "participants"
    });
    let member = json!({ "id": id, "names": { "latin": { "family": "Abenova", "given": "Dana" } },
        "position": { "en": "Attaché" }, "rank": "other", "role": "staff" });
    let release = json!({ "id": id, "title": { "en": "Ministers meet" }, "body": { "en": "They met." } });
    // What makes another record of the kind: a member is another person.
    let creates = [
        (&host, "/api/v1/events/almaty-2025/programme", item, "title", json!({ "en": "Something else" })),
        (
            &officer,
            "/api/v1/events/almaty-2025/delegations/kz/members",
            member,
            "names",
            json!({ "latin": { "family": "Seitova", "given": "Aigerim" } }),
        ),
        (&host, "/api/v1/events/almaty-2025/press-releases", release, "title", json!({ "en": "Something else" })),
    ];
    for (session, path, body, field, another) in creates {
        let first = app.json(session, "POST", path, &body).await;
        assert_eq!(first.status, StatusCode::CREATED, "{path}: {}", first.body);
        let again = app.json(session, "POST", path, &body).await;
        assert_eq!(again.status, StatusCode::OK, "{path}: {}", again.body);
        let made = |v: &Value| v.get("item").unwrap_or(v)["id"].clone();
        assert_eq!((made(&first.json()), made(&again.json())), (json!(id), json!(id)), "{path}");
        let mut other = body.clone();
        other[field] = another;
        let refused = app.json(session, "POST", path, &other).await;
        assert_eq!(
            (refused.status, &refused.json()["error"]["field"]),
            (StatusCode::UNPROCESSABLE_ENTITY, &json!("id")),
            "{path}: {}",
            refused.body
        );
        let unreadable = app.json(session, "POST", path, &json!({ "id": 7 })).await;
        assert_eq!(unreadable.json()["error"]["field"], "id", "{path}");
    }
    let listed = app.get(&officer, "/api/v1/events/almaty-2025/delegations/kz/members").await.json();
    let abenova = listed["members"].as_array().unwrap().iter().filter(|m| m["id"] == json!(id)).count();
    assert_eq!(abenova, 1);
    let programme = app.get(&host, "/api/v1/events/almaty-2025/programme").await.json();
    assert_eq!(programme["items"].as_array().unwrap().iter().filter(|i| i["id"] == json!(id)).count(), 1);
}
