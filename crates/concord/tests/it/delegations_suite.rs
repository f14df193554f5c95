//! Delegations and accreditation through the real router: protocol order, imports, decisions and
//! badges, the deadline, conflicts, what the public may see, notices by SMTP, and the PDFs.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::app_on_both_engines;
use crate::support::{
    DEMO_PASSWORD, Session, TestApp, changed, get_bytes, multipart, page_form, pdf_title, pdftotext,
    upload_member_photo,
};

fn members_url(code: &str) -> String {
    format!("/api/v1/events/almaty-2025/delegations/{code}/members")
}

/// Dana Abenova, added to Kazakhstan's staff with her photo by its officer: her id and version.
async fn staff_with_photo(app: &TestApp, officer: &Session) -> (String, i64) {
    let added = app.json(officer, "POST", &members_url("kz"), &json!({
        "names": { "latin": { "family": "Abenova", "given": "Dana" } }, "position": { "en": "Attaché" }, "rank": "other", "role": "staff"
    })).await;
    let id = added.json()["id"].as_str().unwrap().to_string();
    let version = upload_member_photo(app, officer, "kz", &id).await;
    (id, version)
}

/// The delegation's ministry reads its members' contacts and travel, as the form says, without a
/// form to change them; another delegation reads nothing.
#[tokio::test]
async fn the_ministry_reads_a_members_contacts_and_travel() {
    let app = TestApp::new().await;
    let officer = app.login("delegation-kz", DEMO_PASSWORD).await;
    let added = app.json(&officer, "POST", &members_url("kz"), &json!({
        "names": { "latin": { "family": "Abenova", "given": "Dana" } }, "position": { "en": "Attaché" },
        "rank": "other", "role": "staff",
        "private": { "email": "dana@example.kz", "arrival": { "date": "2025-04-09", "time": "18:40", "carrier": "KC 101" } }
    })).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let page = format!("/events/almaty-2025/delegations/kz/members/{}", added.json()["id"].as_str().unwrap());
    let ministry = app.get(&app.login("ministry-kz", DEMO_PASSWORD).await, &page).await;
    assert_eq!(ministry.status, StatusCode::OK);
    assert!(
        ministry.body.contains("dana@example.kz") && ministry.body.contains("9 April 2025, 18:40, KC 101"),
        "{}",
        ministry.body
    );
    assert!(!ministry.body.contains("id=\"member-form\""));
    let other = app.get(&app.login("delegation-ru", DEMO_PASSWORD).await, &page).await;
    assert!(!other.body.contains("dana@example.kz"), "{}", other.status);
}

/// A file that is no photo comes back on the member's page, said beside the photo's field.
#[tokio::test]
async fn a_file_that_is_no_photo_is_said_beside_the_photo_field() {
    let app = TestApp::new().await;
    let officer = Session { lang: Some("ru"), ..app.login("delegation-kz", DEMO_PASSWORD).await };
    let (id, _) = staff_with_photo(&app, &officer).await;
    let boundary = "notaphoto";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"photo.jpg\"\r\n\
         Content-Type: image/jpeg\r\n\r\nplain text\r\n--{boundary}--\r\n"
    );
    let path = format!("/events/almaty-2025/delegations/kz/members/{id}/photo");
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let reply = app.request(&officer, "POST", &path, Some(&content_type), body.into_bytes()).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.body.contains("id=\"photo-form\"") && reply.body.contains("data-error-for=\"photo\""),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn the_list_of_participants_follows_the_cis_order_with_heads_first_and_no_private_data() {
    let app = TestApp::new().await;
    let list =
        app.get(&Session { lang: Some("ru"), ..Session::default() }, "/api/v1/events/almaty-2025/participants").await;
    assert_eq!(list.status, StatusCode::OK);
    let rows = list.json()["participants"].as_array().unwrap().clone();
    let mut codes: Vec<&str> = rows.iter().map(|r| r["participant"].as_str().unwrap()).collect();
    codes.dedup();
    assert_eq!(
        codes,
        ["AZ", "AM", "BY", "KZ", "KG", "RU", "TJ", "TM", "UZ", "CIS"],
        "Azerbaijan before Armenia, the CIS last"
    );
    let russia: Vec<&Value> = rows.iter().filter(|r| r["participant"] == "RU").collect();
    assert_eq!(russia[0]["name"], "Сергей Викторович Лавров", "the head first, named in Cyrillic for a Russian reader");
    let text = list.body;
    assert!(
        !text.contains("protocol@") && !text.contains("\"private\"") && !text.contains("email"),
        "no contacts in the public list"
    );
    let en = app.get(&Session::default(), "/api/v1/events/almaty-2025/participants").await.json();
    assert_eq!(en["participants"][0]["name"], "Jeyhun Bayramov");
    let page = app.get(&Session::default(), "/events/almaty-2025/participants?q=lavrov").await;
    assert!(page.body.contains("Sergey Lavrov") && !page.body.contains("Bayramov"), "search narrows the list");
    let page = app.get(&Session { lang: Some("ru"), ..Session::default() }, "/events/almaty-2025/participants").await;
    assert!(
        page.body.contains("<td>Азербайджан</td><td>Джейхун Байрамов</td><td>")
            && page.body.contains("</td><td>Глава делегации</td>"),
        "the page shows the delegation, position and role in the reader's language: {}",
        page.body
    );
}

#[tokio::test]
async fn exports_are_read_back_by_real_consumers() {
    let app = TestApp::new().await;
    let ru = Session { lang: Some("ru"), ..Session::default() };
    let csv = app.get(&ru, "/events/almaty-2025/participants.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    let sheet = render::table::read(csv.body.as_bytes()).unwrap();
    assert_eq!(sheet.rows[0][0], "Азербайджан");
    assert_eq!(sheet.rows[0][1], "Джейхун Байрамов");
    let role_of = |family: &str| sheet.rows.iter().find(|r| r[1].contains(family)).map(|r| r[3].clone()).unwrap();
    assert_eq!(role_of("Лавров"), "Глава делегации", "at every meeting");
    let gurbanov = role_of("Гурбанов");
    assert!(
        gurbanov.starts_with("Глава делегации (") && gurbanov.contains("«Центральная Азия – Россия»"),
        "{gurbanov}"
    );
    assert!(
        role_of("Мередов").contains("Совета министров иностранных дел"),
        "the other head of Turkmenistan's delegation"
    );
    let req = axum::http::Request::get("/events/almaty-2025/participants.xlsx")
        .header("host", "concord.test")
        .body(axum::body::Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(app.router.clone(), req).await.unwrap();
    let bytes = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
    let sheet = render::table::read(&bytes).unwrap();
    assert_eq!(sheet.rows.len(), 32, "ten delegations of three, two with a head for the other meeting");
    assert_eq!(sheet.rows.last().unwrap()[0], "CIS");
    let (_, bytes) = get_bytes(&app, &ru, "/events/almaty-2025/participants.xlsx").await;
    let mut workbook = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut names = String::new();
    std::io::Read::read_to_string(&mut workbook.by_name("xl/workbook.xml").unwrap(), &mut names).unwrap();
    assert!(names.contains("name=\"Участники\""), "the sheet's tab in the reader's language: {names}");
}

#[tokio::test]
async fn an_excel_csv_imports_all_or_nothing_with_every_bad_cell_reported() {
    let app = TestApp::new().await;
    let officer = app.login("delegation-kz", DEMO_PASSWORD).await;
    let before = app.get(&officer, &members_url("kz")).await.json()["members"].as_array().unwrap().len();
    let bom = "\u{feff}";
    let bad = format!(
        "{bom}family_name_cyrillic;given_names_cyrillic;position_ru;rank;role\r\nҚасымова;Әлия;Советник;other;adviser\r\nИванов;Иван;\"Советник; второй\";general;adviser\r\nПетров;Пётр;Атташе;other;chief\r\n"
    );
    let refused =
        app.request(&officer, "POST", "/api/v1/events/almaty-2025/delegations/kz/import", Some("text/csv"), bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    let details = refused.json()["error"]["details"].as_array().unwrap().clone();
    let cells: Vec<(i64, &str)> =
        details.iter().map(|d| (d["row"].as_i64().unwrap(), d["column"].as_str().unwrap())).collect();
    assert_eq!(cells, [(3, "rank"), (4, "role")], "{details:?}");
    let after = app.get(&officer, &members_url("kz")).await.json()["members"].as_array().unwrap().len();
    assert_eq!(after, before, "nothing was imported");

    let good = format!(
        "{bom}family_name_cyrillic;given_names_cyrillic;position_ru;rank;role\r\nҚасымова;Әлия;\"Советник; первый\";other;adviser\r\n"
    );
    let imported = app
        .request(&officer, "POST", "/api/v1/events/almaty-2025/delegations/kz/import", Some("text/csv"), good.clone())
        .await;
    assert_eq!(imported.status, StatusCode::CREATED, "{}", imported.body);
    let members = app.get(&Session { lang: Some("kk"), ..officer.clone() }, &members_url("kz")).await.json();
    assert!(members["members"].as_array().unwrap().iter().any(|m| m["display_name"] == "Әлия Қасымова"));
    // The same list again lists nobody twice: the row is named, and nothing is imported.
    let count = members["members"].as_array().unwrap().len();
    let again =
        app.request(&officer, "POST", "/api/v1/events/almaty-2025/delegations/kz/import", Some("text/csv"), good).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", again.body);
    let detail = &again.json()["error"]["details"][0];
    assert_eq!(
        (detail["row"].as_i64(), detail["column"].as_str()),
        (Some(2), Some("family_name_cyrillic")),
        "{detail}"
    );
    assert!(detail["message"].as_str().unwrap().contains("Already in the delegation"), "{detail}");
    let after = app.get(&officer, &members_url("kz")).await.json()["members"].as_array().unwrap().len();
    assert_eq!(after, count);
    let garbage = app
        .request(
            &officer,
            "POST",
            "/api/v1/events/almaty-2025/delegations/kz/import",
            Some("application/octet-stream"),
            vec![0xff, 0xfe, 0x00, 0x41],
        )
        .await;
    assert_eq!(garbage.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", garbage.body);
    // A sheet is read up to the upload limit: one of 1.5 MiB is read (and refused for what it
    // holds), one past the limit for its size.
    let import = |bytes: Vec<u8>| {
        let (app, officer) = (&app, &officer);
        async move {
            app.request(officer, "POST", "/api/v1/events/almaty-2025/delegations/kz/import", Some("text/csv"), bytes)
                .await
        }
    };
    let large = import(vec![b'x'; 1536 * 1024]).await;
    assert_eq!(large.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", large.body);
    let too_large = import(vec![b'x'; web::UPLOAD_LIMIT + 1]).await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", too_large.body);
    // A file that is no table at all is said in the reader's language too.
    let russian = Session { lang: Some("ru"), ..officer.clone() };
    let cp1251 = b"family_name_latin,family_name_cyrillic\r\nNurtleu,\xcd\xf3\xf0\xf2\xeb\xe5\xf3\r\n".to_vec();
    for (bytes, said) in [
        (Vec::new(), "Файл пуст"),
        (b"PK\x03\x04garbage".to_vec(), "Файл не читается как электронная таблица"),
        (cp1251, "Строка 2 не в кодировке UTF-8"),
    ] {
        let path = "/api/v1/events/almaty-2025/delegations/kz/import";
        let refused = app.request(&russian, "POST", path, Some("text/csv"), bytes).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        assert!(refused.json()["error"]["message"].as_str().unwrap().starts_with(said), "{}", refused.body);
    }
    let page = "/events/almaty-2025/delegations/kz/import-form";
    let (content_type, body) = multipart("list.xlsx", b"PK\x03\x04garbage");
    let refused = app.request(&russian, "POST", page, Some(&content_type), body).await;
    assert!(refused.body.contains("<li>Файл не читается"), "the page says it first: {}", refused.body);
}

#[tokio::test]
async fn an_xlsx_written_by_a_spreadsheet_library_imports() {
    let app = TestApp::new().await;
    let officer = app.login("delegation-kz", DEMO_PASSWORD).await;
    let sheet = render::table::Sheet {
        headers: [
            "family_name_latin",
            "given_names_latin",
            "family_name_cyrillic",
            "given_names_cyrillic",
            "position_en",
            "rank",
            "role",
            "arrival_date",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: vec![
            ["Ospanov", "Nurlan", "Оспанов", "Нұрлан", "Adviser", "other", "adviser", "2025-04-10"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        ],
        lines: vec![],
    };
    let bytes = render::table::write_xlsx(&sheet, "delegation").unwrap();
    let reply = app
        .request(
            &officer,
            "POST",
            "/api/v1/events/almaty-2025/delegations/kz/import",
            Some("application/octet-stream"),
            bytes,
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let template = app.get(&Session::default(), "/delegation-template.xlsx").await;
    assert_eq!(template.status, StatusCode::OK);
}

// Members approved at the same moment (two host officers, or quick clicks down the list) each
// get a badge number of their own.
app_on_both_engines!(members_approved_at_once_get_numbers_of_their_own, approvals_at_once);

async fn approvals_at_once(app: TestApp) {
    let officer = app.login("delegation-kz", DEMO_PASSWORD).await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let mut decisions = Vec::new();
    for given in ["Aigerim", "Bolat", "Dauren", "Gulnara"] {
        let added = app
            .json(
                &officer,
                "POST",
                &members_url("kz"),
                &json!({
                    "names": { "latin": { "family": "Seitova", "given": given } },
                    "position": { "en": "Attaché" }, "rank": "other", "role": "staff"
                }),
            )
            .await;
        assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
        let id = added.json()["id"].as_str().unwrap().to_string();
        assert_eq!(upload_member_photo(&app, &officer, "kz", &id).await, 2);
        decisions.push(format!("/api/v1/events/almaty-2025/members/{id}/decision"));
    }
    let approve = json!({ "action": "approve", "version": 2 });
    let send = |n: usize| app.json(&host, "POST", &decisions[n], &approve);
    let answers = tokio::join!(send(0), send(1), send(2), send(3));
    let answers = [answers.0, answers.1, answers.2, answers.3];
    let bodies: Vec<&str> = answers.iter().map(|a| a.body.as_str()).collect();
    assert!(answers.iter().all(|a| a.status == StatusCode::OK), "{bodies:#?}");
    let mut numbers: Vec<u64> =
        answers.iter().map(|a| a.json()["accreditation"]["badge_number"].as_u64().unwrap()).collect();
    numbers.sort();
    assert_eq!(numbers, [33, 34, 35, 36], "the next numbers after the demo's 32");
    app.db.cleanup().await;
}

#[tokio::test]
async fn the_host_approves_and_the_door_sees_valid_then_revoked() {
    let app = TestApp::new().await;
    let officer = app.login("delegation-kz", DEMO_PASSWORD).await;
    let added = app.json(&officer, "POST", &members_url("kz"), &json!({
        "names": { "latin": { "family": "Abenova", "given": "Dana" }, "cyrillic": { "family": "Әбенова", "given": "Дана" } },
        "position": { "en": "Attaché" }, "rank": "other", "role": "staff",
        "private": { "email": "dana@example.kz", "phone": "+7 701 000 00 00", "arrival": { "date": "2025-04-09", "time": "21:40", "carrier": "KC 852" }, "departure": null }
    })).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let member = added.json();
    assert_eq!(member["accreditation_status"], "requested");
    let id = member["id"].as_str().unwrap().to_string();

    let not_yet = app.get(&Session::default(), "/api/v1/events/almaty-2025/participants").await.body;
    assert!(!not_yet.contains("Abenova"), "only approved members are listed");
    assert_eq!(
        app.json(
            &officer,
            "POST",
            &format!("/api/v1/events/almaty-2025/members/{id}/decision"),
            &json!({ "action": "approve", "version": 1 })
        )
        .await
        .status,
        StatusCode::FORBIDDEN,
        "an officer does not approve"
    );
    let host = app.login("host", DEMO_PASSWORD).await;
    let reject = app
        .json(
            &host,
            "POST",
            &format!("/api/v1/events/almaty-2025/members/{id}/decision"),
            &json!({ "action": "reject", "version": 1 }),
        )
        .await;
    assert_eq!(reject.status, StatusCode::UNPROCESSABLE_ENTITY, "a rejection needs a reason");
    // The CFM's rule: a photo before approval, which the delegation's page says.
    let decision = format!("/api/v1/events/almaty-2025/members/{id}/decision");
    let ru_host = Session { lang: Some("ru"), ..host.clone() };
    let no_photo = app.json(&ru_host, "POST", &decision, &json!({ "action": "approve", "version": 1 })).await;
    assert_eq!(no_photo.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", no_photo.body);
    assert_eq!(no_photo.json()["error"]["field"], "photo");
    assert!(no_photo.body.contains("нужна его фотография"), "{}", no_photo.body);
    let row = |body: String| {
        body.split(&format!("data-member=\"{id}\"")).nth(1).unwrap().split("</tr>").next().unwrap().to_string()
    };
    assert!(row(app.get(&officer, "/events/almaty-2025/delegations/kz").await.body).contains("class=\"photo-needed\""));
    // From the page, the refusal is said on the member's row of the delegation's page, not on an
    // error page the host has to come back from.
    let page_decision = format!("/events/almaty-2025/members/{id}/decision");
    let from_page = app.form(&ru_host, &page_decision, &[("action", "approve"), ("version", "1")]).await;
    assert_eq!(from_page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", from_page.body);
    let refused_row = row(from_page.body.clone());
    assert!(refused_row.contains(&format!("data-error-for=\"decision-{id}\"")), "{refused_row}");
    assert!(refused_row.contains("нужна его фотография"), "{refused_row}");
    let stale = app.form(&host, &page_decision, &[("action", "approve"), ("version", "0")]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(row(stale.body).contains(&format!("data-error-for=\"decision-{id}\"")));
    let version = upload_member_photo(&app, &officer, "kz", &id).await;
    assert!(!row(app.get(&officer, "/events/almaty-2025/delegations/kz").await.body).contains("photo-needed"));
    let approved = app.json(&host, "POST", &decision, &json!({ "action": "approve", "version": version })).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
    let approved = approved.json();
    assert_eq!(approved["accreditation"]["badge_number"], 33, "the next number after the demo's 32");
    let badge = approved["badge"].as_str().unwrap().to_string();
    let listed = app.get(&Session::default(), "/api/v1/events/almaty-2025/participants").await.body;
    assert!(
        listed.contains("Dana Abenova") && !listed.contains("KC 852") && !listed.contains("dana@"),
        "listed, without travel or contacts"
    );

    let check = app.get(&host, &format!("/badges/{badge}")).await;
    assert_eq!(check.status, StatusCode::OK);
    assert!(check.body.contains("data-verdict=\"valid\"") && check.body.contains("Әбенова"));
    let other_host = app.login("host", DEMO_PASSWORD).await;
    assert_eq!(
        app.get(&officer, &format!("/badges/{badge}")).await.status,
        StatusCode::FORBIDDEN,
        "only host staff check badges"
    );
    let revoked = app
        .json(
            &other_host,
            "POST",
            &format!("/api/v1/events/almaty-2025/members/{id}/decision"),
            &json!({ "action": "revoke", "reason": "lost", "version": version + 1 }),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
    let check = app.get(&host, &format!("/badges/{badge}")).await;
    assert!(check.body.contains("data-verdict=\"revoked\""));
    let unknown = app.get(&host, "/badges/not-a-badge").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.body.contains("data-verdict=\"unknown\""));
    let listed = app.get(&Session::default(), "/api/v1/events/almaty-2025/participants").await.body;
    assert!(!listed.contains("Abenova"), "a revoked member leaves the list at once");
}

/// A head of state is approved without a photo; made an adviser afterwards, the badge would lack
/// the photo an adviser needs: the change is refused until the photo is in.
#[tokio::test]
async fn an_approved_member_is_not_moved_past_the_photo_rule() {
    let app = TestApp::new().await;
    let officer = app.login("delegation-kz", DEMO_PASSWORD).await;
    let member = |rank: &str, version: Option<i64>| {
        let mut body = json!({ "names": { "latin": { "family": "Tokayev", "given": "Kassym-Jomart" } },
            "position": { "en": "President" }, "rank": rank, "role": "delegate" });
        if let Some(version) = version {
            body["version"] = json!(version);
        }
        body
    };
    let added = app.json(&officer, "POST", &members_url("kz"), &member("head_of_state", None)).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let id = added.json()["id"].as_str().unwrap().to_string();
    let host = app.login("host", DEMO_PASSWORD).await;
    let decision = format!("/api/v1/events/almaty-2025/members/{id}/decision");
    let approved = app.json(&host, "POST", &decision, &json!({ "action": "approve", "version": 1 })).await;
    assert_eq!(approved.status, StatusCode::OK, "a head of state needs no photo: {}", approved.body);
    let url = format!("{}/{id}", members_url("kz"));
    let moved = app.json(&officer, "PUT", &url, &member("other", Some(2))).await;
    assert_eq!(moved.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", moved.body);
    assert_eq!(moved.json()["error"]["field"], "rank");
    let version = upload_member_photo(&app, &officer, "kz", &id).await;
    let moved = app.json(&officer, "PUT", &url, &member("other", Some(version))).await;
    assert_eq!(moved.status, StatusCode::OK, "with the photo in: {}", moved.body);
}

/// A badge admits only for what the host approved: an officer's change to what it shows sends the
/// member back to the host, the old badge stops admitting and says why; a change to contacts does
/// not, nor does a form saved as it was shown (its empty fields stay empty).
#[tokio::test]
async fn an_approved_member_changed_on_the_badge_goes_back_to_the_host() {
    let app = TestApp::new().await;
    let officer = app.login("delegation-kz", DEMO_PASSWORD).await;
    let (id, version) = staff_with_photo(&app, &officer).await;
    let host = Session { lang: Some("ru"), ..app.login("host", DEMO_PASSWORD).await };
    let decision = format!("/api/v1/events/almaty-2025/members/{id}/decision");
    let approved = app.json(&host, "POST", &decision, &json!({ "action": "approve", "version": version })).await;
    let badge = approved.json()["badge"].as_str().unwrap().to_string();
    let listed = || async { app.get(&Session::default(), "/api/v1/events/almaty-2025/participants").await.body };
    assert!(listed().await.contains("Abenova"), "listed once approved");
    let door = || async { app.get(&host, &format!("/badges/{badge}")).await.body };
    let member = || async { store::delegations::member(&app.db.store, id.parse().unwrap()).await.unwrap() };

    let path = format!("/events/almaty-2025/delegations/kz/members/{id}");
    let page = app.get(&Session { lang: Some("ru"), ..officer.clone() }, &path).await.body;
    assert!(
        page.contains("value=\"cis-cfm\"> Заседание Совета министров иностранных дел СНГ</label>"),
        "meetings are offered by their titles: {page}"
    );
    let shown = page_form(&page, "id=\"member-form\"");
    let saved = app.send(&officer, &path, &shown).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let now = member().await;
    assert_eq!(now.position, domain::text::Text::new(&[("en", "Attaché")]), "empty languages stay empty");
    assert_eq!(now.accreditation.name(), "approved", "nothing changed");
    let shown = page_form(&app.get(&officer, &path).await.body, "id=\"member-form\"");
    let saved = app.send(&officer, &path, &changed(&shown, "phone", "+7 701 111 22 33")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(member().await.accreditation.name(), "approved", "a phone number is not on the badge");
    assert!(door().await.contains("data-verdict=\"valid\""));

    let shown = page_form(&app.get(&officer, &path).await.body, "id=\"member-form\"");
    let saved = app.send(&officer, &path, &changed(&shown, "role", "deputy_head")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let now = member().await;
    assert_eq!(now.accreditation.name(), "requested", "a new role is the host's to approve");
    let check = door().await;
    assert!(check.contains("data-verdict=\"revoked\"") && check.contains("изменились после одобрения"), "{check}");
    assert!(!listed().await.contains("Abenova"), "listed again once approved again");

    let again = app.json(&host, "POST", &decision, &json!({ "action": "approve", "version": now.version })).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    let reprinted = again.json()["badge"].as_str().unwrap().to_string();
    assert!(app.get(&host, &format!("/badges/{reprinted}")).await.body.contains("data-verdict=\"valid\""));
    assert!(door().await.contains("изменились после одобрения"), "the old badge still says why it stopped admitting");
    let reprint =
        app.json(&host, "POST", &decision, &json!({ "action": "reprint", "version": member().await.version })).await;
    assert_eq!(reprint.status, StatusCode::OK, "{}", reprint.body);
    let reprinted_page = app.get(&host, &format!("/badges/{reprinted}")).await.body;
    assert!(reprinted_page.contains("напечатан новый бейдж"), "a reprinted badge says so: {reprinted_page}");
    let version = member().await.version;
    let twice = app.json(&host, "POST", &decision, &json!({ "action": "approve", "version": version })).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY, "approved once: {}", twice.body);
    assert!(twice.body.contains("Уже одобрено"), "{}", twice.body);
    let version = upload_member_photo(&app, &officer, "kz", &id).await;
    let now = member().await;
    assert_eq!((now.version, now.accreditation.name()), (version, "requested"), "so is a new face");
}

#[tokio::test]
async fn the_second_of_two_concurrent_edits_gets_a_conflict() {
    let app = TestApp::new().await;
    let officer = app.login("delegation-kz", DEMO_PASSWORD).await;
    let members = app.get(&officer, &members_url("kz")).await.json();
    let m = &members["members"][1];
    let url = format!("{}/{}", members_url("kz"), m["id"].as_str().unwrap());
    let edit = |family: &str| {
        json!({
            "version": m["version"], "names": { "latin": { "family": family, "given": "Aidos" } },
            "position": { "en": "Adviser" }, "rank": "other", "role": "adviser"
        })
    };
    assert_eq!(app.json(&officer, "PUT", &url, &edit("Seitkali")).await.status, StatusCode::OK);
    let second = app.json(&officer, "PUT", &url, &edit("Overwritten")).await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    let now = app.get(&officer, &members_url("kz")).await.body;
    assert!(!now.contains("Overwritten"));
}

#[tokio::test]
async fn after_the_deadline_only_the_host_changes_a_delegation_and_others_never_see_it() {
    let app = TestApp::new().await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let event = app.get(&Session::default(), "/api/v1/events/almaty-2025").await.json();
    let version = event["version"].to_string();
    let set = app
        .form(&host, "/events/almaty-2025/deadline", &[("deadline", "2025-04-07T18:00"), ("version", &version)])
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    let body = json!({ "names": { "latin": { "family": "Late", "given": "Comer" } }, "position": { "en": "Adviser" }, "rank": "other", "role": "adviser" });
    let officer = app.login("delegation-kz", DEMO_PASSWORD).await;
    let late = app.json(&officer, "POST", &members_url("kz"), &body).await;
    assert_eq!(late.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.json(&host, "POST", &members_url("kz"), &body).await.status,
        StatusCode::CREATED,
        "the host still may"
    );
    let page = app.get(&officer, "/events/almaty-2025/delegations/kz").await;
    assert!(page.status == StatusCode::OK && !page.body.contains("id=\"member-form\""), "no form after the deadline");
    let other = app.login("delegation-ru", DEMO_PASSWORD).await;
    assert_eq!(
        app.get(&other, &members_url("kz")).await.status,
        StatusCode::FORBIDDEN,
        "another delegation sees nothing"
    );
    let press = app.login("press", DEMO_PASSWORD).await;
    assert_eq!(app.get(&press, &members_url("kz")).await.status, StatusCode::FORBIDDEN);
    // The note verbale asks for an answer by the deadline: a sentence ending in «г.» takes no second point.
    let (_, note) = get_bytes(&app, &host, "/events/almaty-2025/delegations/ru/note-verbale.pdf").await;
    let text = pdftotext(&note).unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("в срок до 7 апреля 2025 г. ") && !text.contains("г.."), "{text}");
}

/// A local SMTP sink: accepts one session at a time and keeps each message's text.
async fn smtp_sink() -> (u16, std::sync::Arc<tokio::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let messages = std::sync::Arc::new(tokio::sync::Mutex::new(Vec::new()));
    let keep = messages.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let (read, mut write) = socket.into_split();
            let mut lines = BufReader::new(read).lines();
            write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
            let mut data: Option<String> = None;
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(text) = data.as_mut() {
                    if line == "." {
                        keep.lock().await.push(data.take().unwrap());
                        write.write_all(b"250 queued\r\n").await.unwrap();
                    } else {
                        text.push_str(&line);
                        text.push('\n');
                    }
                    continue;
                }
                let verb = line.split_whitespace().next().unwrap_or("").to_uppercase();
                let reply: &[u8] = match verb.as_str() {
                    "EHLO" => b"250-sink\r\n250 8BITMIME\r\n",
                    "DATA" => {
                        data = Some(String::new());
                        b"354 go on\r\n"
                    }
                    "QUIT" => {
                        write.write_all(b"221 bye\r\n").await.unwrap();
                        break;
                    }
                    _ => b"250 ok\r\n",
                };
                write.write_all(reply).await.unwrap();
            }
        }
    });
    (port, messages)
}

#[tokio::test]
async fn an_invitation_goes_out_by_smtp_in_the_working_language_with_its_link() {
    let app = TestApp::new().await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let invited = app
        .json(
            &host,
            "POST",
            "/api/v1/events/almaty-2025/delegations",
            &json!({ "participant": "MD", "email": "protocol@mfa.example.md" }),
        )
        .await;
    assert_eq!(invited.status, StatusCode::CREATED, "{}", invited.body);
    let link = invited.json()["invitation"].as_str().unwrap().to_string();
    let pending = store::delegations::unsent_notices(&app.db.store, 10).await.unwrap();
    assert!(
        pending[0].body.starts_with(
            "Министерство иностранных дел Республики Казахстан свидетельствует своё уважение Министерству \
             иностранных дел Республики Молдова и имеет честь пригласить делегацию Республики Молдова"
        ),
        "the names carry their case forms: {}",
        pending[0].body
    );
    let (port, messages) = smtp_sink().await;
    let mailer = web::mail::Mailer::new(&format!("smtp://127.0.0.1:{port}"), "Concord <concord@example.kz>").unwrap();
    let sent = mailer.send_pending(&app.db.store, 50).await.unwrap();
    assert_eq!(sent, 1);
    let all = messages.lock().await.clone();
    assert_eq!(all.len(), 1);
    assert!(all[0].contains("To: protocol@mfa.example.md"), "{}", all[0]);
    let unfolded = all[0].replace("=\n", "");
    assert!(unfolded.contains(&link[..20]), "the link is in the message: {}", all[0]);
    assert_eq!(mailer.send_pending(&app.db.store, 50).await.unwrap(), 0, "each notice goes once");

    let page = app.get(&Session::default(), &link).await;
    assert!(page.body.contains("id=\"confirm-form\""));
    // A mistake sent back by a browser that tells no page it came from: the forms still answer
    // the invitation.
    let mistaken = app.form(&Session::default(), &link, &[("answer", "confirm"), ("username", "")]).await;
    assert_eq!(mistaken.status, StatusCode::UNPROCESSABLE_ENTITY);
    let action = format!("action=\"{}\"", link.replace('/', "&#x2f;"));
    assert_eq!(mistaken.body.matches(&action).count(), 2, "{}", mistaken.body);
    let confirm = app
        .form(
            &Session::default(),
            &link,
            &[
                ("answer", "confirm"),
                ("display_name", "Ion Popescu"),
                ("email", "ion@mfa.example.md"),
                ("username", "officer-md"),
                ("password", "officer-password-1"),
            ],
        )
        .await;
    assert_eq!(confirm.status, StatusCode::SEE_OTHER, "{}", confirm.body);
    let officer = app.login("officer-md", "officer-password-1").await;
    assert_eq!(
        app.get(&officer, &members_url("md")).await.status,
        StatusCode::OK,
        "the named officer runs the delegation"
    );
    let notices = app.get(&officer, "/notices").await;
    assert!(notices.body.contains("officer-md"), "the confirmation is in the app too");
    mailer.send_pending(&app.db.store, 50).await.unwrap();
    assert_eq!(messages.lock().await.len(), 2, "and by e-mail");
    let again = app.form(&Session::default(), &link, &[("answer", "decline")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "an answered invitation stays answered");
}

#[tokio::test]
async fn the_pdfs_carry_the_names_in_protocol_order() {
    let app = TestApp::new().await;
    let (status, list) =
        get_bytes(&app, &Session { lang: Some("ru"), ..Session::default() }, "/events/almaty-2025/participants.pdf")
            .await;
    assert_eq!(status, StatusCode::OK);
    let Some(text) = pdftotext(&list) else {
        eprintln!("pdftotext is not installed: the PDF text was not checked");
        return;
    };
    let at = |name: &str| text.find(name).unwrap_or_else(|| panic!("{name} missing from:\n{text}"));
    assert!(at("Байрамов") < at("Мирзоян"), "Azerbaijan before Armenia");
    assert!(at("Мирзоян") < at("Лебедев"), "the CIS last");
    assert!(text.contains("10–11 апреля 2025"), "both days of the event under the title:\n{text}");
    let host = app.login("host", DEMO_PASSWORD).await;
    let (status, badges) = get_bytes(&app, &host, "/events/almaty-2025/delegations/kz/badges.pdf").await;
    assert_eq!(status, StatusCode::OK);
    let text = pdftotext(&badges).unwrap();
    assert!(text.contains("Nurtleu") && text.contains("Жұмабекова"), "{text}");
    let ru_host = Session { lang: Some("ru"), ..host.clone() };
    let (_, badges) = get_bytes(&app, &ru_host, "/events/almaty-2025/delegations/kz/badges.pdf").await;
    assert_eq!(pdf_title(&badges).as_deref(), Some("Бейджи: СМИД СНГ, Алматы, 2025"), "as a viewer names the file");
    assert!(badges.windows(9).any(|w| w == b"/Lang(ru)"), "declared in the language it is in");
    let (status, note) = get_bytes(&app, &host, "/events/almaty-2025/delegations/az/note-verbale.pdf").await;
    assert_eq!(status, StatusCode::OK);
    let (own, _) = get_bytes(&app, &host, "/events/almaty-2025/delegations/kz/note-verbale.pdf").await;
    assert_eq!(own, StatusCode::NOT_FOUND, "the host invites no one to its own meeting by note");
    let index = app.get(&host, "/events/almaty-2025/delegations").await.body;
    assert!(index.contains("delegations/az/note-verbale.pdf") && !index.contains("delegations/kz/note-verbale.pdf"));
    let text = pdftotext(&note).unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("Алматы"), "{text}");
    assert!(text.contains("Алматы, 11 марта 2025 г."), "dated the day the invitation went, not today: {text}");
    assert!(
        text.contains("Министерству иностранных дел Азербайджанской Республики"),
        "the addressee in the dative, the state in the genitive: {text}"
    );
}

#[tokio::test]
async fn the_list_page_runs_as_many_queries_for_100_delegations_as_for_10() {
    let app = TestApp::new().await;
    concord::generate::event(&app.db.store, "small", 10, 3, 0).await.unwrap();
    concord::generate::event(&app.db.store, "large", 100, 3, 0).await.unwrap();
    let mut counts = Vec::new();
    for slug in ["small", "large"] {
        for path in [format!("/events/{slug}/participants"), format!("/api/v1/events/{slug}/participants")] {
            let before = app.db.store.queries();
            let reply = app.get(&Session::default(), &path).await;
            assert_eq!(reply.status, StatusCode::OK);
            counts.push(app.db.store.queries() - before);
        }
    }
    assert_eq!(counts[0], counts[2], "the page: {counts:?}");
    assert_eq!(counts[1], counts[3], "the API: {counts:?}");
    assert!(counts[0] < 20, "{counts:?}");
    let before = app.db.store.queries();
    app.get(&Session::default(), "/events/large/participants?page=2").await;
    assert_eq!(app.db.store.queries() - before, 0, "until something changes, the list is served from its snapshot");
    let large = app.get(&Session::default(), "/api/v1/events/large/participants").await.json();
    assert_eq!(large["participants"].as_array().unwrap().len(), 300);
    // A client reading page after page stops at the first empty one; a page before the first is refused.
    let api = "/api/v1/events/large/participants";
    let pages = app.get(&Session::default(), &format!("{api}?page=1")).await.json()["pages"].as_u64().unwrap();
    let last = app.get(&Session::default(), &format!("{api}?page={pages}")).await.json();
    let past = app.get(&Session::default(), &format!("{api}?page={}", pages + 1)).await.json();
    assert!(!last["participants"].as_array().unwrap().is_empty());
    assert_eq!((&past["participants"], &past["page"]), (&json!([]), &json!(pages + 1)), "{past}");
    let before = app.get(&Session::default(), &format!("{api}?page=0")).await;
    assert_eq!((before.status, &before.json()["error"]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("page")));
    let page = app.get(&Session::default(), &format!("/events/large/participants?page={}", pages + 5)).await;
    assert_eq!(page.status, StatusCode::OK, "the reader's page brings a page past the last back in");
}

/// Two hosts set the deadline from the same page: the second is told, in their language, and gets
/// the form back with what they typed and the event as it is now, so that sending it again saves.
#[tokio::test]
async fn a_deadline_set_from_a_stale_page_comes_back_with_what_was_typed() {
    let app = TestApp::new().await;
    let host = Session { lang: Some("ru"), ..app.login("host", DEMO_PASSWORD).await };
    let read = app.get(&Session::default(), "/api/v1/events/almaty-2025").await.json()["version"].to_string();
    let typo =
        app.form(&host, "/events/almaty-2025/deadline", &[("deadline", "2025-04-0118:00"), ("version", &read)]).await;
    assert_eq!(typo.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", typo.body);
    assert!(typo.body.contains("data-error-for=\"deadline\"") && typo.body.contains("value=\"2025-04-0118:00\""));
    assert!(typo.body.contains(&format!("name=\"version\" value=\"{read}\"")), "the version read with the form");
    for late in ["2025-04-12T00:00", "2025-05-01T10:00"] {
        let refused = app.form(&host, "/events/almaty-2025/deadline", &[("deadline", late), ("version", &read)]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{late}: {}", refused.body);
        assert!(refused.body.contains("Срок позже окончания мероприятия (11 апреля 2025"), "{}", refused.body);
    }
    let last_minute =
        app.form(&host, "/events/almaty-2025/deadline", &[("deadline", "2025-04-11T23:59"), ("version", &read)]).await;
    assert_eq!(last_minute.status, StatusCode::SEE_OTHER, "{}", last_minute.body);
    let read = app.get(&Session::default(), "/api/v1/events/almaty-2025").await.json()["version"].to_string();
    let first =
        app.form(&host, "/events/almaty-2025/deadline", &[("deadline", "2025-04-01T18:00"), ("version", &read)]).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let stale =
        app.form(&host, "/events/almaty-2025/deadline", &[("deadline", "2025-04-03T12:00"), ("version", &read)]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(stale.body.contains("Тем временем здесь что-то изменили"), "{}", stale.body);
    assert!(stale.body.contains("value=\"2025-04-03T12:00\""), "what was typed is kept: {}", stale.body);
    let now = app.get(&Session::default(), "/api/v1/events/almaty-2025").await.json()["version"].to_string();
    assert_ne!(now, read);
    assert!(stale.body.contains(&format!("name=\"version\" value=\"{now}\"")), "{}", stale.body);
    let again =
        app.form(&host, "/events/almaty-2025/deadline", &[("deadline", "2025-04-03T12:00"), ("version", &now)]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let page = app.get(&host, "/events/almaty-2025/delegations").await.body;
    assert!(page.contains("value=\"2025-04-03T12:00\""), "{page}");
}

#[tokio::test]
async fn delegations_are_reminded_once_when_the_deadline_nears() {
    let app = TestApp::new().await;
    // The demo's event is past: its deadline is set in the store, as no form would set one after it.
    let event = store::events::by_slug(&app.db.store, "almaty-2025").await.unwrap();
    let soon = jiff::Timestamp::now().checked_add(jiff::SignedDuration::from_hours(24)).unwrap();
    let mut tx = app.db.store.begin().await.unwrap();
    let system = domain::policy::Actor::anonymous();
    store::events::set_deadline(&mut tx, &system, &event, event.version, Some(soon)).await.unwrap();
    tx.commit().await.unwrap();
    let far = jiff::Timestamp::now().checked_sub(jiff::SignedDuration::from_hours(72)).unwrap();
    assert_eq!(web::mail::queue_reminders(&app.state, far).await.unwrap(), 0, "three days before, nobody is reminded");
    let before = app.db.store.queries();
    let due = web::mail::reminders_due(&app.state, jiff::Timestamp::now()).await.unwrap();
    assert_eq!(due.len(), 10);
    let reads = app.db.store.queries() - before;
    // The due delegations, the participants, the officers, and the event with its principal body
    // once: not these again for each delegation.
    assert!(reads <= 8, "read in a few queries, not a few for each delegation: {reads}");
    let reminded = web::mail::queue_reminders(&app.state, jiff::Timestamp::now()).await.unwrap();
    assert_eq!(reminded, 10, "each of the ten delegations");
    assert_eq!(web::mail::queue_reminders(&app.state, jiff::Timestamp::now()).await.unwrap(), 0, "once");
    let officer = Session { lang: Some("ru"), ..app.login("delegation-kz", DEMO_PASSWORD).await };
    let notices = app.get(&officer, "/notices").await;
    assert!(notices.body.contains("Аккредитация скоро завершится"), "{}", notices.body);
}

#[tokio::test]
async fn members_are_marked_for_meetings_of_the_event_only() {
    let app = TestApp::new().await;
    let officer = app.login("delegation-kz", DEMO_PASSWORD).await;
    let member = |meetings: Value| {
        json!({
            "names": { "latin": { "family": "Sarsenov", "given": "Timur" } }, "position": { "en": "Adviser" },
            "rank": "other", "role": "adviser", "formats": ["extended"], "meetings": meetings
        })
    };
    let ok = app.json(&officer, "POST", &members_url("kz"), &member(json!(["central-asia-russia"]))).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    assert_eq!(ok.json()["meetings"], json!(["central-asia-russia"]));
    let bad = app.json(&officer, "POST", &members_url("kz"), &member(json!(["un-ga"]))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["error"]["field"], "meetings");
}

#[tokio::test]
async fn a_member_carries_the_position_held_on_the_days_of_the_event() {
    let app = TestApp::new().await;
    let officer = app.login("delegation-kz", DEMO_PASSWORD).await;
    let member = |from: &str, until: Value| {
        json!({
            "names": { "latin": { "family": "Abenova", "given": "Dana" }, "cyrillic": { "family": "Әбенова", "given": "Дана" } },
            "position": { "en": "Ambassador-at-Large" }, "tenure": { "from": from, "until": until },
            "rank": "ambassador", "role": "adviser"
        })
    };
    let refused = app.json(&officer, "POST", &members_url("kz"), &member("2024-01-15", json!("2025-04-10"))).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert_eq!(refused.json()["error"]["field"], "tenure.until", "{}", refused.body);
    let added = app.json(&officer, "POST", &members_url("kz"), &member("2024-01-15", Value::Null)).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    assert_eq!(added.json()["tenure"]["from"], "2024-01-15");

    let form = app
        .form(
            &officer,
            "/events/almaty-2025/delegations/kz/members",
            &[
                ("family_name_latin", "Sadykov"),
                ("given_names_latin", "Arman"),
                ("position_en", "Director"),
                ("position_from", "2025-04-11"),
                ("rank", "other"),
                ("role", "delegate"),
            ],
        )
        .await;
    assert_eq!(form.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(form.body.contains("data-error-for=\"position_from\""), "the form names the field: {}", form.body);
    // Every meeting ticked comes back ticked after a mistake, and is kept once saved.
    let mut fields = vec![
        ("family_name_latin", "Sadykov"),
        ("given_names_latin", "Arman"),
        ("position_en", "Director"),
        ("rank", "other"),
        ("role", "delegate"),
        ("meetings", "cis-cfm"),
        ("meetings", "central-asia-russia"),
        ("position_from", "2025-04-11"),
    ];
    let refused = app.form(&officer, "/events/almaty-2025/delegations/kz/members", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for m in ["cis-cfm", "central-asia-russia"] {
        assert!(refused.body.contains(&format!("name=\"meetings\" value=\"{m}\" checked>")), "{m} kept ticked");
    }
    fields.pop();
    let saved = app.form(&officer, "/events/almaty-2025/delegations/kz/members", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let listed = app.get(&officer, &members_url("kz")).await.json();
    let sadykov = listed["members"].as_array().unwrap().iter().find(|m| m.to_string().contains("Sadykov")).unwrap();
    assert_eq!(sadykov["meetings"], json!(["central-asia-russia", "cis-cfm"]), "{sadykov}");
    let page = app.get(&officer, "/events/almaty-2025/delegations/kz").await;
    assert!(page.body.contains("since 15 January 2024"), "{}", page.body);
}

#[tokio::test]
async fn a_change_made_on_another_node_reaches_the_list_within_a_moment() {
    use tower::ServiceExt;
    let app = TestApp::new().await;
    // Another node: the same database, its own process state.
    let node = web::app(web::AppState::new(
        store::Store::from(app.db.store.pool().clone()),
        web::Config {
            demo: true,
            secure_cookies: false,
            base_url: "http://concord.test".into(),
            kept_searches: web::KEPT_SEARCHES,
        },
    ));
    let list_on_node = || async {
        let request = axum::http::Request::get("/api/v1/events/almaty-2025/participants")
            .header("host", "concord.test")
            .body(axum::body::Body::empty())
            .unwrap();
        let response = node.clone().oneshot(request).await.unwrap();
        let bytes = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
        String::from_utf8(bytes.to_vec()).unwrap()
    };
    assert!(list_on_node().await.contains("Nurtleu"));
    let officer = app.login("delegation-kz", DEMO_PASSWORD).await;
    let (id, version) = staff_with_photo(&app, &officer).await;
    let host = app.login("host", DEMO_PASSWORD).await;
    let decision = format!("/api/v1/events/almaty-2025/members/{id}/decision");
    let approved = app.json(&host, "POST", &decision, &json!({ "action": "approve", "version": version })).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
    assert!(app.get(&Session::default(), "/api/v1/events/almaty-2025/participants").await.body.contains("Abenova"));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(list_on_node().await.contains("Abenova"), "the other node sees the change a quarter second later");
}

/// An officer edits a member in two tabs: the position in one, the phone in the other, which meets
/// a conflict. The form that comes back shows the new position beside the phone typed, so that
/// sending it again keeps both.
#[tokio::test]
async fn a_member_form_sent_again_after_a_conflict_keeps_the_other_change() {
    let app = TestApp::new().await;
    let officer = app.login("delegation-kz", DEMO_PASSWORD).await;
    let members = app.get(&officer, &members_url("kz")).await.json();
    let id = members["members"][0]["id"].as_str().unwrap().to_string();
    let path = format!("/events/almaty-2025/delegations/kz/members/{id}");
    let read = page_form(&app.get(&officer, &path).await.body, "id=\"member-form\"");
    let first =
        app.send(&officer, &path, &changed(&read, "position_en", "Minister of Foreign Affairs of Kazakhstan")).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let stale = app.send(&officer, &path, &changed(&read, "phone", "+7 701 111 22 33")).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let again = page_form(&stale.body, "id=\"member-form\"");
    let value = |name: &str| again.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    assert_eq!(
        (value("position_en"), value("phone")),
        (Some("Minister of Foreign Affairs of Kazakhstan"), Some("+7 701 111 22 33"))
    );
    let sent = app.send(&officer, &path, &again).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let page = app.get(&officer, &path).await.body;
    assert!(page.contains("Minister of Foreign Affairs of Kazakhstan") && page.contains("+7 701 111 22 33"), "{page}");
}

/// From the event's page each reader finds the lists it may use: everyone the participants, the
/// host every delegation, an officer its own and no other's.
#[tokio::test]
async fn the_event_page_leads_each_reader_to_the_delegations_it_may_see() {
    let app = TestApp::new().await;
    let page = |session: Session| {
        let app = &app;
        async move { app.get(&session, "/events/almaty-2025").await.body }
    };
    let anonymous = page(Session::default()).await;
    assert!(anonymous.contains("href=\"/events/almaty-2025/participants\""), "{anonymous}");
    assert!(!anonymous.contains("/delegations") && !anonymous.contains("href=\"/notices\""), "{anonymous}");
    let host = page(app.login("host", DEMO_PASSWORD).await).await;
    assert!(host.contains("href=\"/events/almaty-2025/delegations\"") && host.contains("href=\"/notices\""));
    let officer = Session { lang: Some("ru"), ..app.login("delegation-ru", DEMO_PASSWORD).await };
    let own = page(officer.clone()).await;
    let links: Vec<&str> = own.split("href=\"/events/almaty-2025/delegations").skip(1).map(|l| &l[..4]).collect();
    assert_eq!(links, ["/ru\""], "its own delegation only: {own}");
    assert!(own.contains(">Делегация: Россия</a>"), "{own}");
    let itinerary = app.get(&officer, "/events/almaty-2025/delegations/ru/itinerary").await.body;
    assert!(itinerary.contains("<h1>Программа делегации: Россия</h1>"), "{itinerary}");
}

/// A number or a truth value where the name of a choice belongs is a wrong value in that field,
/// not JSON that cannot be read.
#[tokio::test]
async fn a_choice_given_as_a_number_is_refused_at_its_field() {
    let app = TestApp::new().await;
    let officer = Session { lang: Some("ru"), ..app.login("delegation-kz", DEMO_PASSWORD).await };
    for (field, value) in [("role", json!(5)), ("rank", json!(true))] {
        let mut body = json!({
            "names": { "latin": { "family": "Abenova", "given": "Dana" } }, "position": { "en": "Attaché" },
            "rank": "other", "role": "staff"
        });
        body[field] = value;
        let refused = app.json(&officer, "POST", &members_url("kz"), &body).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        assert_eq!(refused.json()["error"]["field"], field, "{}", refused.body);
    }
    let broken = app.request(&officer, "POST", &members_url("kz"), Some("application/json"), r#"{"role": 5,"#).await;
    assert_eq!(broken.status, StatusCode::BAD_REQUEST, "JSON cut short is still no JSON: {}", broken.body);
}

/// The member form sent twice (a double click, a retry) makes the member once.
#[tokio::test]
async fn a_member_form_sent_twice_makes_one_member() {
    let app = TestApp::new().await;
    let officer = app.login("delegation-kz", DEMO_PASSWORD).await;
    let page = "/events/almaty-2025/delegations/kz";
    let read = page_form(&app.get(&officer, page).await.body, "id=\"member-form\"");
    let mut sent = changed(&changed(&read, "family_name_latin", "Doubleclick"), "given_names_latin", "Dana");
    sent = changed(&changed(&sent, "position_en", "Attaché"), "role", "adviser");
    let count = || async {
        let members = app.get(&officer, &members_url("kz")).await.json();
        let members = members["members"].as_array().unwrap().clone();
        members.iter().filter(|m| m["names"]["latin"]["family"] == "Doubleclick").count()
    };
    let add = format!("{page}/members");
    let (first, second) = tokio::join!(app.send(&officer, &add, &sent), app.send(&officer, &add, &sent));
    assert_eq!((first.status, second.status), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER), "{}", second.body);
    let again = app.send(&officer, &add, &sent).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    assert_eq!(count().await, 1, "one member");
    let fresh = page_form(&app.get(&officer, page).await.body, "id=\"member-form\"");
    let id = |fields: &[(String, String)]| fields.iter().find(|(k, _)| k == "id").map(|(_, v)| v.clone());
    assert_ne!(id(&fresh), id(&read), "the page offers a new form for the next member");
    let other = app.send(&officer, &add, &changed(&sent, "family_name_latin", "Other")).await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY, "another member under a used id: {}", other.body);
    assert!(other.body.contains("data-error-for=\"id\""), "said on the form: {}", other.body);
    let otherwise = app.send(&officer, &add, &changed(&sent, "role", "delegate")).await;
    assert_eq!(otherwise.status, StatusCode::UNPROCESSABLE_ENTITY, "not dropped as sent before: {}", otherwise.body);
    assert_eq!(count().await, 1);
}

/// A delegation has one head: a second is refused at the role, from the form, the API and a file;
/// the head changed to another role frees the place.
#[tokio::test]
async fn a_delegation_has_one_head() {
    let app = TestApp::new().await;
    let officer = Session { lang: Some("ru"), ..app.login("delegation-kz", DEMO_PASSWORD).await };
    let second = json!({
        "names": { "latin": { "family": "Abenova", "given": "Dana" } }, "position": { "en": "Minister" },
        "rank": "minister", "role": "head"
    });
    let refused = app.json(&officer, "POST", &members_url("kz"), &second).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert_eq!(refused.json()["error"]["field"], "role");
    assert!(refused.body.contains("уже есть глава"), "{}", refused.body);
    let file = "family_name_latin;given_names_latin;position_en;rank;role\r\nSeitova;Aigul;Minister;minister;head\r\n";
    let path = "/api/v1/events/almaty-2025/delegations/kz/import";
    let imported = app.request(&officer, "POST", path, Some("text/csv"), file).await;
    assert_eq!(imported.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", imported.body);
    let detail = &imported.json()["error"]["details"][0];
    assert_eq!((detail["row"].as_u64(), detail["column"].as_str()), (Some(2), Some("role")), "{detail}");
    let members = app.get(&officer, &members_url("kz")).await.json();
    let head = members["members"].as_array().unwrap().iter().find(|m| m["role"] == "head").unwrap().clone();
    let mut edited = json!({
        "version": head["version"], "names": head["names"], "position": head["position"], "rank": head["rank"],
        "role": "head"
    });
    let url = format!("{}/{}", members_url("kz"), head["id"].as_str().unwrap());
    assert_eq!(app.json(&officer, "PUT", &url, &edited).await.status, StatusCode::OK, "the head stays the head");
    edited["version"] = json!(head["version"].as_i64().unwrap() + 1);
    edited["role"] = json!("delegate");
    assert_eq!(app.json(&officer, "PUT", &url, &edited).await.status, StatusCode::OK);
    let made = app.json(&officer, "POST", &members_url("kz"), &second).await;
    assert_eq!(made.status, StatusCode::CREATED, "the place is free: {}", made.body);
}
