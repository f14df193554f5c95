//! Agenda, documents and decisions through the real router: the demo's papers, a negotiation from
//! amendment to a signed and frozen text on both engines, bad input named by field, and the
//! classification walked across every path for every role.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::app_on_both_engines;
use crate::support::{DEMO_PASSWORD, Session, TestApp, changed, get_bytes, page_form, pdftotext};

const DOCUMENTS: &str = "/api/v1/documents";

/// A new document of the CFM's Almaty meeting, under its first extended agenda item.
async fn create(
    app: &TestApp,
    secretariat: &Session,
    number: &str,
    classification: &str,
    readers: &[&str],
    word: &str,
) -> String {
    let body = json!({
        "body": "cis-cfm", "meeting": "almaty-2025/cis-cfm", "agenda_item": 1, "kind": "draft_decision",
        "register_number": number, "title": { "ru": format!("О решении {word}"), "en": format!("On decision {word}") },
        "original_language": "ru", "classification": classification, "readers": readers,
        "paragraphs": [format!("Совет министров иностранных дел решил: {word}."), "Второй абзац о сотрудничестве.", "Третий абзац."],
    });
    let reply = app.json(secretariat, "POST", DOCUMENTS, &body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.json()["document"]["id"].as_str().unwrap().to_string()
}

async fn show(app: &TestApp, session: &Session, id: &str) -> Value {
    let reply = app.get(session, &format!("{DOCUMENTS}/{id}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()
}

/// `participant` replaces paragraph `paragraph` of text version `version` with `text`, and the
/// secretariat consolidates that amendment alone into the next version.
async fn amended(
    app: &TestApp,
    (secretariat, proposer): (&Session, &Session),
    id: &str,
    (participant, version, paragraph): (&str, u32, u32),
    text: &str,
) {
    let body = json!({ "participant": participant, "version": version, "paragraph": paragraph,
        "operation": "replace", "text": text });
    let made = app.json(proposer, "POST", &format!("{DOCUMENTS}/{id}/amendments"), &body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let at = show(app, secretariat, id).await["document"]["version"].clone();
    let consolidate = json!({ "version": at, "accept": [made.json()["amendment"]["id"]] });
    let reply = app.json(secretariat, "POST", &format!("{DOCUMENTS}/{id}/versions"), &consolidate).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
}

/// A delegation proposes, another supports, a third amends the same paragraph at once; the
/// secretariat accepts one into version 2 (a second edit of version 1 conflicts); the stances give
/// consensus with a reservation; the adopted text is frozen, signed, and its PDF carries the block.
async fn negotiation(app: TestApp) {
    let secretariat = app.login("secretariat", DEMO_PASSWORD).await;
    let by = app.login("delegation-by", DEMO_PASSWORD).await;
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    let am = app.login("delegation-am", DEMO_PASSWORD).await;
    let id = create(&app, &secretariat, "TEST/1", "members", &[], "переговоры").await;
    let amendments = format!("{DOCUMENTS}/{id}/amendments");
    let by_body = json!({ "participant": "BY", "version": 1, "paragraph": 2, "operation": "replace",
        "text": "Второй абзац о расширенном сотрудничестве.", "justification": "Точнее." });
    let am_body = json!({ "participant": "AM", "version": 1, "paragraph": 2, "operation": "delete" });
    let (by_reply, am_reply) =
        tokio::join!(app.json(&by, "POST", &amendments, &by_body), app.json(&am, "POST", &amendments, &am_body));
    assert_eq!((by_reply.status, am_reply.status), (StatusCode::CREATED, StatusCode::CREATED), "both are recorded");
    let by_amendment = by_reply.json()["amendment"]["id"].as_str().unwrap().to_string();
    let am_amendment = am_reply.json()["amendment"]["id"].as_str().unwrap().to_string();
    let insert = app
        .json(
            &kz,
            "POST",
            &amendments,
            &json!({ "participant": "KZ", "version": 1, "paragraph": 3,
            "operation": "insert", "text": "Четвёртый абзац." }),
        )
        .await;
    assert_eq!(insert.status, StatusCode::CREATED);
    let reply = app
        .json(
            &kz,
            "POST",
            &format!("{amendments}/{by_amendment}/responses"),
            &json!({ "participant": "KZ", "position": "supports" }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let answered = &reply.json()["amendment"];
    assert_eq!(answered["id"], by_amendment.as_str(), "answered with the amendment: {answered:#}");
    assert_eq!(answered["responses"][0]["position"], "supports", "{answered:#}");
    let twice = json!({ "participant": "KZ", "position": "supports" });
    let twice = app.json(&kz, "POST", &format!("{amendments}/{by_amendment}/responses"), &twice).await;
    assert_eq!(twice.status, StatusCode::OK, "the same response sent again: {}", twice.body);
    assert_eq!(twice.json()["amendment"]["responses"].as_array().map(Vec::len), Some(1), "recorded once");
    let speaks_for_another = app
        .json(
            &kz,
            "POST",
            &format!("{amendments}/{by_amendment}/responses"),
            &json!({ "participant": "RU", "position": "objects" }),
        )
        .await;
    assert_eq!(speaks_for_another.status, StatusCode::FORBIDDEN, "an officer speaks for its own delegation only");
    // The proposer comments on its own amendment; it neither supports nor objects to it.
    let own = json!({ "participant": "BY", "position": "supports" });
    let own = app.json(&by, "POST", &format!("{amendments}/{by_amendment}/responses"), &own).await;
    assert_eq!((own.status, &own.json()["error"]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("position")));
    // Nor does its page offer it more than a comment on its own amendment.
    let page = app.get(&by, &format!("/documents/{id}")).await.body;
    let reply =
        page.split(&format!("data-amendment=\"{by_amendment}\"")).nth(1).unwrap().split("</form>").next().unwrap();
    assert!(reply.contains("value=\"comments\"") && !reply.contains("value=\"supports\""), "{reply}");
    // Kazakhstan changes its mind: its objection is its position, the support stays on record.
    let url = format!("{amendments}/{by_amendment}/responses");
    let body = json!({ "participant": "KZ", "position": "objects", "comment": "Передумали." });
    assert_eq!(app.json(&kz, "POST", &url, &body).await.status, StatusCode::CREATED);
    let d = show(&app, &kz, &id).await;
    let amendment = d["amendments"].as_array().unwrap().iter().find(|a| a["id"] == by_amendment.as_str()).unwrap();
    let kz_says: Vec<(&str, bool)> = amendment["responses"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["participant"] == "KZ")
        .map(|r| (r["position"].as_str().unwrap(), r["superseded"].as_bool().unwrap()))
        .collect();
    assert_eq!(kz_says, [("supports", true), ("objects", false)]);
    let page = app.get(&kz, &format!("/documents/{id}")).await.body;
    assert!(page.contains("class=\"superseded\"><del>"), "the support is struck through on the page");
    // A comment with nothing in it is refused on the page, beside the form it was sent from.
    let empty =
        [("amendment", by_amendment.as_str()), ("participant", "KZ"), ("position", "comments"), ("comment", "")];
    let refused = app.form(&kz, &format!("/documents/{id}/amendments/{by_amendment}/responses"), &empty).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("data-error-for=\"comment\""), "{}", refused.body);
    // A member the form does not offer is named once, in the form that named it.
    let stranger =
        [("amendment", by_amendment.as_str()), ("participant", "XX"), ("position", "supports"), ("comment", "")];
    let refused = app.form(&kz, &format!("/documents/{id}/amendments/{by_amendment}/responses"), &stranger).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.body.matches("data-error-for=\"participant\"").count(), 1, "{}", refused.body);
    // A choice the form does not offer is named beside it, not only in the status.
    let tampered =
        [("participant", "KZ"), ("version", "1"), ("paragraph", "1"), ("operation", "rewrite"), ("text", "x")];
    let refused = app.form(&kz, &format!("/documents/{id}/amendments"), &tampered).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("data-error-for=\"operation\""), "{}", refused.body);

    // Text past its limit is refused with the limit, never cut.
    let long = json!({ "participant": "AM", "position": "comments", "comment": "к".repeat(5_001) });
    let long = app.json(&am, "POST", &format!("{amendments}/{by_amendment}/responses"), &long).await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", long.body);
    assert_eq!(long.json()["error"]["details"][0]["message"], "At most 5000 characters.", "{}", long.body);

    let version = show(&app, &secretariat, &id).await["document"]["version"].as_i64().unwrap();
    let noted = json!({ "version": version, "accept": [by_amendment], "note": "н".repeat(1_001) });
    let noted = app.json(&secretariat, "POST", &format!("{DOCUMENTS}/{id}/versions"), &noted).await;
    assert_eq!((noted.status, &noted.json()["error"]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("note")));
    assert_eq!(noted.json()["error"]["details"][0]["message"], "At most 1000 characters.", "{}", noted.body);
    assert_eq!(show(&app, &secretariat, &id).await["document"]["version"], version, "no version made");
    let both = json!({ "version": version, "accept": [by_amendment], "reject": [by_amendment] });
    let reply = app.json(&secretariat, "POST", &format!("{DOCUMENTS}/{id}/versions"), &both).await;
    assert_eq!(reply.json()["error"]["field"], "reject", "not both accepted and rejected");
    // An objection sent while the secretariat consolidates: the consolidation, decided without
    // it, conflicts rather than accept the amendment over it.
    let respond = |session, amendment: &str, body: Value| {
        let (app, url) = (&app, format!("{amendments}/{amendment}/responses"));
        async move { app.json(session, "POST", &url, &body).await }
    };
    let objection = respond(&am, &by_amendment, json!({ "participant": "AM", "position": "objects" })).await;
    assert_eq!(objection.status, StatusCode::CREATED, "{}", objection.body);
    let consolidate = json!({ "version": version, "accept": [by_amendment], "reject": [am_amendment] });
    let unseen = app.json(&secretariat, "POST", &format!("{DOCUMENTS}/{id}/versions"), &consolidate).await;
    assert_eq!(unseen.status, StatusCode::CONFLICT, "{}", unseen.body);
    let version = show(&app, &secretariat, &id).await["document"]["version"].as_i64().unwrap();
    let consolidate = json!({ "version": version, "accept": [by_amendment], "reject": [am_amendment] });
    let reply = app.json(&secretariat, "POST", &format!("{DOCUMENTS}/{id}/versions"), &consolidate).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let decided = respond(&kz, &by_amendment, json!({ "participant": "KZ", "position": "objects" })).await;
    assert_eq!((decided.status, &decided.json()["error"]["code"]), (StatusCode::CONFLICT, &json!("refused")));
    let stale = app.json(&secretariat, "POST", &format!("{DOCUMENTS}/{id}/versions"), &consolidate).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "a second edit of the same version conflicts");
    // An amendment to the text as it was read before version 2: a conflict that names the latest.
    let read_before = json!({ "participant": "BY", "version": 1, "paragraph": 1, "operation": "delete" });
    let read_before = app.json(&by, "POST", &amendments, &read_before).await;
    assert_eq!(read_before.status, StatusCode::CONFLICT, "{}", read_before.body);
    assert!(read_before.json()["error"]["message"].as_str().unwrap().contains("(2)"), "{}", read_before.body);
    // An amendment turned down on its own: no new version of the text, the amendment rejected.
    let unwanted = json!({ "participant": "BY", "version": 2, "paragraph": 1, "operation": "delete" });
    let unwanted = app.json(&by, "POST", &amendments, &unwanted).await;
    assert_eq!(unwanted.status, StatusCode::CREATED, "{}", unwanted.body);
    let unwanted = unwanted.json()["amendment"]["id"].as_str().unwrap().to_string();
    let version = show(&app, &secretariat, &id).await["document"]["version"].as_i64().unwrap();
    let nothing = json!({ "version": version, "accept": [], "reject": [] });
    let nothing = app.json(&secretariat, "POST", &format!("{DOCUMENTS}/{id}/versions"), &nothing).await;
    assert_eq!(
        (nothing.status, &nothing.json()["error"]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("accept"))
    );
    // A form sent from an old read comes back with the choices made still chosen.
    let choice = format!("decision-{unwanted}");
    let stale_form = [("version", "1"), (choice.as_str(), "reject"), ("note", "Отклонена по просьбе автора.")];
    let refused = app.form(&secretariat, &format!("/documents/{id}/versions"), &stale_form).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.body.contains(&format!("name=\"{choice}\" value=\"reject\" checked")), "{}", refused.body);
    assert!(refused.body.contains("value=\"Отклонена по просьбе автора.\""), "the note stays: {}", refused.body);
    let long_note = "н".repeat(1_001);
    let version_field = version.to_string();
    let long_form = [("version", version_field.as_str()), (choice.as_str(), "reject"), ("note", long_note.as_str())];
    let refused = app.form(&secretariat, &format!("/documents/{id}/versions"), &long_form).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains(&format!("value=\"{long_note}\"")) && refused.body.contains("data-error-for=\"note\""),
        "the note stays, and its error is said at it: {}",
        refused.body
    );
    // Rejections alone make no version: a note for one is refused, not dropped unseen.
    let noted = json!({ "version": version, "reject": [unwanted], "note": "После обсуждения" });
    let noted = app.json(&secretariat, "POST", &format!("{DOCUMENTS}/{id}/versions"), &noted).await;
    assert_eq!((noted.status, &noted.json()["error"]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("note")));
    let turn_down = json!({ "version": version, "reject": [unwanted] });
    let reply = app.json(&secretariat, "POST", &format!("{DOCUMENTS}/{id}/versions"), &turn_down).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let d = show(&app, &secretariat, &id).await;
    let status = |d: &Value, a: &str| {
        d["amendments"].as_array().unwrap().iter().find(|x| x["id"] == a).unwrap()["status"].clone()
    };
    assert_eq!(status(&d, &unwanted), "rejected");
    assert!(d["versions"].as_array().unwrap().iter().all(|v| v["number"].as_i64() <= Some(2)), "no new version");
    assert!(d["document"]["version"].as_i64() > Some(version), "the document moved: the read before conflicts");

    let d = show(&app, &secretariat, &id).await;
    let statuses: Vec<(&str, &str)> = d["amendments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["proposer"].as_str().unwrap(), a["status"].as_str().unwrap()))
        .collect();
    assert!(statuses.contains(&("BY", "accepted")) && statuses.contains(&("AM", "rejected")), "{statuses:?}");
    let carried = d["amendments"].as_array().unwrap().iter().find(|a| a["proposer"] == "KZ").unwrap();
    assert_eq!(
        (carried["status"].as_str(), carried["version"].as_u64()),
        (Some("pending"), Some(2)),
        "carried to version 2"
    );
    let changes = app.get(&kz, &format!("{DOCUMENTS}/{id}/changes?from=1&to=2")).await.json();
    let changed: Vec<&Value> =
        changes["paragraphs"].as_array().unwrap().iter().filter(|p| p["unchanged"] == false).collect();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["credits"][0]["by"], "BY", "the change names who proposed it");
    assert!(changed[0]["segments"].to_string().contains("расширенном"));
    let page = app.get(&kz, &format!("/documents/{id}/changes?from=1&to=2")).await;
    assert!(page.body.contains("<ins title=\"Belarus\" data-by=\"BY\">расширенном </ins>"), "{}", page.body);
    // A version it lacks is named, with the versions it has.
    let missing = app.get(&kz, &format!("{DOCUMENTS}/{id}/changes?from=1&to=9")).await;
    assert_eq!((missing.status, &missing.json()["error"]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("to")));
    assert!(missing.body.contains("no version 9") && missing.body.contains("Russian: 1, 2"), "{}", missing.body);
    // On the page, beside the choice it is about, with the versions to choose from; a number that
    // is no number too.
    for (query, field) in [("from=9&to=2", "from"), ("from=abc&to=2", "from"), ("from=1&to=9", "to")] {
        let page = app.get(&kz, &format!("/documents/{id}/changes?{query}")).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert!(page.body.contains(&format!("data-error-for=\"{field}\"")), "{query}: {}", page.body);
        assert!(page.body.contains("<select id=\"from\" name=\"from\"><option value=\"1\""), "{query}: {}", page.body);
        assert!(!page.body.contains(&format!("{field}: ")), "no field's name as the code has it: {}", page.body);
    }
    // What can stand of the choice stays chosen; a language the document lacks gives way to the
    // original's, so that the form can be sent again.
    let page = app.get(&kz, &format!("/documents/{id}/changes?from=abc&to=2&lang=xx")).await.body;
    let to = page.split("<select id=\"to\"").nth(1).unwrap().split("</select>").next().unwrap();
    assert!(to.contains("<option value=\"2\" selected>"), "{to}");
    assert!(page.contains("name=\"lang\" value=\"ru\""), "{page}");

    let stances = format!("{DOCUMENTS}/{id}/stances");
    let reservation = app
        .json(&am, "POST", &stances, &json!({ "participant": "AM", "stance": "joins_with_reservation", "text": "" }))
        .await;
    assert_eq!(reservation.status, StatusCode::UNPROCESSABLE_ENTITY, "a reservation needs its text");
    let reply = app
        .json(
            &am,
            "POST",
            &stances,
            &json!({ "participant": "AM", "stance": "joins_with_reservation", "text": "К пункту 2." }),
        )
        .await;
    assert_eq!(reply.json()["outcome"]["result"], "adopted");
    let reply =
        app.json(&secretariat, "POST", &stances, &json!({ "participant": "TM", "stance": "no_interest" })).await;
    assert_eq!(reply.json()["outcome"]["result"], "adopted", "no interest does not block");
    let reply = app.json(&secretariat, "POST", &stances, &json!({ "participant": "RU", "stance": "objects" })).await;
    assert_eq!(reply.json()["outcome"], json!({ "result": "blocked", "by": ["RU"] }), "an objection blocks consensus");
    // A stance stated over one the writer did not see is refused, not written over it.
    let over = json!({ "participant": "RU", "stance": "joins", "replaces": "none" });
    let over = app.json(&secretariat, "POST", &stances, &over).await;
    assert_eq!(over.status, StatusCode::CONFLICT, "{}", over.body);
    let said = over.json()["error"]["message"].as_str().unwrap_or_default().to_string();
    assert!(said.contains("Another stance of Russia was recorded meanwhile"), "{said}");
    let unsaid = app.json(&secretariat, "POST", &stances, &json!({ "participant": "RU", "stance": "joins" })).await;
    assert_eq!(
        (unsaid.status, &unsaid.json()["error"]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("replaces")),
        "a stance over one on record says which it read"
    );
    let unreadable = json!({ "participant": "RU", "stance": "joins", "replaces": "maybe" });
    let unreadable = app.json(&secretariat, "POST", &stances, &unreadable).await;
    assert_eq!(
        (unreadable.status, &unreadable.json()["error"]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("replaces"))
    );
    let page = app.get(&secretariat, &format!("/documents/{id}")).await.body;
    assert!(page.contains("name=\"read-RU\" value=\"objects\"") && page.contains("name=\"read-KZ\" value=\"none\""));
    let stale = [("participant", "RU"), ("stance", "joins"), ("read-RU", "none")];
    let stale = app.form(&secretariat, &format!("/documents/{id}/stances"), &stale).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "the page's form read before the objection");
    let sent = stale.body.split("id=\"stance-form\"").nth(1).unwrap().split("</form>").next().unwrap();
    assert!(
        sent.contains("<option value=\"RU\" selected>") && sent.contains("<option value=\"joins\" selected>"),
        "the member and the stance chosen are kept: {sent}"
    );
    let shown = show(&app, &secretariat, &id).await;
    let ru = shown["stances"].as_array().unwrap().iter().find(|s| s["participant"] == "RU").cloned().unwrap();
    assert_eq!(ru["stance"], "objects", "the objection stands");
    // The objection sent again from the page it was sent from (a double click) is no conflict.
    let again = [("participant", "RU"), ("stance", "objects"), ("read-RU", "none")];
    let again = app.form(&secretariat, &format!("/documents/{id}/stances"), &again).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "the same stance, sent twice: {}", again.body);
    // The same kind stated again with another text is a stance the writer did not see either.
    let am = shown["stances"].as_array().unwrap().iter().find(|s| s["participant"] == "AM").cloned().unwrap();
    let read_at = am["stated_at"].as_str().expect("a stance says when it was stated").to_string();
    assert!(page.contains(&format!("name=\"read-at-AM\" value=\"{read_at}\"")), "the page sends when it was stated");
    let widened = json!({ "participant": "AM", "stance": "joins_with_reservation", "text": "К пунктам 2 и 3.",
        "replaces": "joins_with_reservation", "replaces_stated_at": read_at });
    assert_eq!(app.json(&secretariat, "POST", &stances, &widened).await.status, StatusCode::OK, "read as it stands");
    let stale = [
        ("participant", "AM"),
        ("stance", "joins_with_reservation"),
        ("text", "К пункту 2."),
        ("read-AM", "joins_with_reservation"),
        ("read-at-AM", read_at.as_str()),
    ];
    let stale = app.form(&secretariat, &format!("/documents/{id}/stances"), &stale).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "the page read the reservation before it was widened");
    let am = show(&app, &secretariat, &id).await["stances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["participant"] == "AM")
        .cloned()
        .unwrap();
    assert_eq!(am["text"], "К пунктам 2 и 3.", "the widened reservation stands");
    assert!(page.contains("Record as not adopted") && !page.contains(">Adopt<"), "the button says what it does");
    assert!(page.contains("name=\"action\" value=\"not_adopted\""), "and says it to the server");
    assert!(page.contains("<option value=\"cis-chs\">"), "the body it goes on to is chosen, not typed: {page}");
    let read_before = show(&app, &secretariat, &id).await["document"]["version"].as_i64().unwrap();
    let joins = json!({ "participant": "RU", "stance": "joins", "replaces": "objects" });
    assert_eq!(app.json(&secretariat, "POST", &stances, &joins).await.status, StatusCode::OK);
    let stale = app
        .json(
            &secretariat,
            "POST",
            &format!("{DOCUMENTS}/{id}/decision"),
            &json!({ "version": read_before, "action": "adopt" }),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "a decision on stances read before the last one conflicts");
    let version = show(&app, &secretariat, &id).await["document"]["version"].as_i64().unwrap();
    let decide = |forwarded_to: &'static str| {
        let body = json!({ "version": version, "action": "adopt", "forwarded_to": forwarded_to });
        let (app, secretariat, path) = (&app, &secretariat, format!("{DOCUMENTS}/{id}/decision"));
        async move { app.json(secretariat, "POST", &path, &body).await }
    };
    let failing = json!({ "version": version, "action": "not_adopted" });
    let failing = app.json(&secretariat, "POST", &format!("{DOCUMENTS}/{id}/decision"), &failing).await;
    assert_eq!(failing.status, StatusCode::CONFLICT, "the rule adopts it now: {}", failing.body);
    assert!(failing.json()["error"]["message"].as_str().unwrap().contains("adopts the document"), "{}", failing.body);
    let own = decide("cis-cfm").await;
    assert_eq!(own.json()["error"]["field"], "forwarded_to", "not to the body that adopts it: {}", own.body);
    let decision = decide("cis-chs").await;
    assert_eq!(decision.status, StatusCode::OK, "{}", decision.body);
    let page = app.get(&secretariat, &format!("/documents/{id}")).await.body;
    assert!(
        page.contains("id=\"document-forwarded\">CIS Council of Heads of State"),
        "the page says where it went: {page}"
    );
    let frozen = decision.json()["frozen"]["sha256"].as_str().unwrap().to_string();
    let d = show(&app, &secretariat, &id).await;
    let text = d["versions"].as_array().unwrap().iter().find(|v| v["number"] == 2 && v["language"] == "ru").unwrap();
    assert_eq!(text["sha256"], frozen.as_str(), "the adopted text's hash is frozen");
    let late = app
        .json(
            &kz,
            "POST",
            &amendments,
            &json!({ "participant": "KZ", "version": 2, "paragraph": 1, "operation": "delete" }),
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT, "an adopted text takes no amendment");
    let kz_amendment = carried["id"].as_str().unwrap();
    let late = respond(&by, kz_amendment, json!({ "participant": "BY", "position": "supports" })).await;
    assert_eq!(late.status, StatusCode::CONFLICT, "nor a response to an amendment still pending: {}", late.body);
    assert_eq!(
        late.json()["error"]["message"],
        "This text is no longer negotiated: its amendments are not answered any more.",
        "said of a response, not of a proposal"
    );
    // Nor does the page offer one: the amendment was not taken up, and says so.
    let page = app.get(&by, &format!("/documents/{id}")).await.body;
    assert!(!page.contains(&format!("data-amendment=\"{kz_amendment}\"")), "no response form: {page}");
    let row = page.split(&format!("id=\"amendment-{kz_amendment}\"")).nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(row.contains("Not taken up"), "{row}");
    let said = show(&app, &by, &id).await["amendments"].as_array().unwrap().clone();
    let lapsed = said.iter().find(|a| a["id"] == kz_amendment).unwrap();
    assert_eq!((&lapsed["status"], &lapsed["not_taken_up"]), (&json!("pending"), &json!(true)), "the API says so too");
    let audit = app.get(&app.login("admin", DEMO_PASSWORD).await, "/api/v1/audit").await;
    assert!(audit.body.contains(&frozen), "the hash is in the audit chain");

    let signatures = format!("{DOCUMENTS}/{id}/signatures");
    let nowhere = json!({ "participant": "KZ", "person": "Мурат Нуртлеу", "position": { "ru": "Министр" },
        "signed_at": "2025-04-11T08:20:00Z", "place": { "xx": "a" } });
    let nowhere = app.json(&secretariat, "POST", &signatures, &nowhere).await;
    assert_eq!(nowhere.json()["error"]["details"][0]["field"], "place.xx", "{}", nowhere.body);
    for (code, person) in [("KZ", "Мурат Нуртлеу"), ("AZ", "Джейхун Байрамов"), ("AM", "Арарат Мирзоян")]
    {
        let body = json!({ "participant": code, "person": person, "position": { "ru": "Министр иностранных дел" },
            "signed_at": "2025-04-11T08:20:00Z", "place": { "ru": "Алматы" } });
        assert_eq!(app.json(&secretariat, "POST", &signatures, &body).await.status, StatusCode::CREATED);
    }
    let d = show(&app, &secretariat, &id).await;
    assert_eq!(d["document"]["status"], "signed");
    let block: Vec<&str> =
        d["signature_block"].as_array().unwrap().iter().map(|l| l["participant"].as_str().unwrap()).collect();
    assert_eq!(block, ["AZ", "AM", "BY", "KZ", "KG", "RU", "TJ", "TM", "UZ"], "the body's Russian order");
    // A signature on record is corrected only with a reason, which the audit keeps beside the old one.
    let again = json!({ "participant": "KZ", "person": "Нуртлеу М.", "position": { "ru": "Министр иностранных дел" },
        "signed_at": "2025-04-11T08:20:00Z", "place": { "ru": "Алматы" } });
    let future = json!({ "participant": "TJ", "person": "С. Мухриддин", "position": { "ru": "Министр" },
        "signed_at": "2099-04-11T08:20:00Z", "place": { "ru": "Алматы" } });
    let refused = app.json(&secretariat, "POST", &signatures, &future).await;
    assert_eq!(refused.json()["error"]["field"], "signed_at", "not in the future: {}", refused.body);
    let early = json!({ "participant": "TJ", "person": "С. Мухриддин", "position": { "ru": "Министр" },
        "signed_at": "2025-04-01T08:20:00Z", "place": { "ru": "Алматы" } });
    let refused = app.json(&secretariat, "POST", &signatures, &early).await;
    assert_eq!(refused.json()["error"]["field"], "signed_at", "not before its meeting: {}", refused.body);
    let uninterested = json!({ "participant": "TM", "person": "Р. Мередов", "position": { "ru": "Министр" },
        "place": { "ru": "Алматы" } });
    let refused = app.json(&secretariat, "POST", &signatures, &uninterested).await;
    assert!(refused.body.contains("declared no interest"), "Turkmenistan declared no interest: {}", refused.body);
    let untimed = json!({ "participant": "TJ", "person": "С. Мухриддин", "position": { "ru": "Министр" },
        "place": { "ru": "Алматы" } });
    assert_eq!(app.json(&secretariat, "POST", &signatures, &untimed).await.status, StatusCode::CREATED, "signed now");
    let untimed_twice = app.json(&secretariat, "POST", &signatures, &untimed).await;
    assert_eq!(untimed_twice.status, StatusCode::OK, "the same signature sent twice: {}", untimed_twice.body);
    let refused = app.json(&secretariat, "POST", &signatures, &again).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert_eq!(refused.json()["error"]["field"], "correction", "{}", refused.body);
    let correct = [
        ("participant", "KZ"),
        ("person_ru", "Мурат Нуртлеу"),
        ("person_en", "Murat Nurtleu"),
        ("position_ru", "Министр иностранных дел"),
        ("position_en", "Minister of Foreign Affairs"),
        ("place_ru", "Алматы"),
        ("place_en", "Almaty"),
        ("signed_at", "2025-04-11T13:20"),
        ("correction", "Имя записано без латинского написания."),
    ];
    let unexplained: Vec<(&str, &str)> = correct.iter().copied().filter(|(k, _)| *k != "correction").collect();
    let page = app.form(&secretariat, &format!("/documents/{id}/signatures"), &unexplained).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("data-error-for=\"correction\"") && page.body.contains("Murat Nurtleu"),
        "{}",
        page.body
    );
    let reply = app.form(&secretariat, &format!("/documents/{id}/signatures"), &correct).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let d = show(&app, &secretariat, &id).await;
    let kz_line = d["signature_block"].as_array().unwrap().iter().find(|l| l["participant"] == "KZ").unwrap().clone();
    assert_eq!(kz_line["signer"], "Murat Nurtleu", "in the reader's language");
    let kz_signature = d["signatures"].as_array().unwrap().iter().find(|s| s["participant"] == "KZ").unwrap();
    assert_eq!(kz_signature["person"], json!({ "en": "Murat Nurtleu", "ru": "Мурат Нуртлеу" }));
    assert_eq!(d["signatures"].as_array().unwrap().len(), 4, "corrected, not signed twice");
    let kz_signed = d["signatures"].as_array().unwrap().iter().find(|s| s["participant"] == "KZ").unwrap();
    let in_almaty = "2025-04-11T13:20".parse::<jiff::civil::DateTime>().unwrap().in_tz("Asia/Almaty").unwrap();
    assert_eq!(kz_signed["signed_at"], in_almaty.timestamp().to_string(), "the form's time is the event's");
    let audit = app.get(&app.login("admin", DEMO_PASSWORD).await, "/api/v1/audit").await.body;
    assert!(audit.contains("Имя записано без латинского написания.") && audit.contains("Мурат Нуртлеу"), "{audit}");
    // Belarus signs later, at home: its line says so, as the place and date above are the meeting's.
    let at_home = json!({ "participant": "BY", "person": "Максим Рыженков", "position": { "ru": "Министр иностранных дел" },
        "signed_at": "2025-04-20T08:00:00Z", "place": { "ru": "Минск" } });
    let signed = app.json(&secretariat, "POST", &signatures, &at_home).await;
    assert_eq!(signed.status, StatusCode::CREATED);
    // The answer is the document as it now stands, as reading it gives.
    assert_eq!(signed.json(), show(&app, &secretariat, &id).await);
    let block = signed.json()["signature_block"].clone();
    let line = |code: &str| block.as_array().unwrap().iter().find(|l| l["participant"] == code).unwrap().clone();
    assert_eq!(line("BY")["signed_elsewhere"], "Signed at Минск on 20 April 2025", "the page and the API say it too");
    assert!(line("KZ")["signed_elsewhere"].is_null(), "{block}");
    let versions = format!("{DOCUMENTS}/{id}/versions");
    let version = d["document"]["version"].as_i64().unwrap();
    let english = ["The Council of Foreign Ministers decided: talks.", "A second paragraph.", "A third paragraph."];
    // What a kind of edit does not take is refused by field, not dropped unseen: a translation
    // that also accepts an amendment, a consolidation with paragraphs or a title.
    let stray = [
        (json!({ "version": version, "language": "en", "paragraphs": english, "accept": [id] }), "accept"),
        (json!({ "version": version, "language": "en", "paragraphs": english, "reject": [id] }), "reject"),
        (json!({ "version": version, "accept": [id], "paragraphs": english }), "paragraphs"),
        (json!({ "version": version, "accept": [id], "title": "A title" }), "title"),
        (json!({ "version": version, "language": "en", "paragraphs": english, "correction": true }), "correction"),
    ];
    for (body, field) in stray {
        let refused = app.json(&secretariat, "POST", &versions, &body).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", refused.body);
        assert_eq!(refused.json()["error"]["field"], field, "{}", refused.body);
    }
    assert_eq!(show(&app, &secretariat, &id).await["document"]["version"].as_i64(), Some(version), "nothing made");
    let translation =
        json!({ "version": version, "language": "en", "paragraphs": english, "title": "The decision on the talks" });
    assert_eq!(app.json(&secretariat, "POST", &versions, &translation).await.status, StatusCode::CREATED);
    assert_eq!(show(&app, &secretariat, &id).await["document"]["title"]["en"], "The decision on the talks");
    let version = show(&app, &secretariat, &id).await["document"]["version"].as_i64().unwrap();
    // The same translation sent again, read at the document's current version: not a conflict
    // the reader cannot resolve by reloading, but the field at fault, and nothing changed.
    let again = json!({ "version": version, "language": "en", "paragraphs": english, "title": "Another title" });
    let again = app.json(&secretariat, "POST", &versions, &again).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", again.body);
    assert_eq!(again.json()["error"]["details"][0]["field"], "language", "{}", again.body);
    assert!(again.body.contains("already has a translation in this language"), "{}", again.body);
    assert_eq!(show(&app, &secretariat, &id).await["document"]["title"]["en"], "The decision on the talks");
    let original = json!({ "version": version, "language": "ru", "paragraphs": english });
    let original = app.json(&secretariat, "POST", &versions, &original).await;
    assert_eq!(
        (original.status, &original.json()["error"]["details"][0]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("language")),
        "the original's language is not translated into: {}",
        original.body
    );
    let corrected = [
        "Совет министров иностранных дел решил: переговоры.",
        "Второй абзац о расширенном сотрудничестве.",
        "Третий абзац (исправлено).",
    ];
    let no_reason = app
        .json(
            &secretariat,
            "POST",
            &versions,
            &json!({ "version": version, "correction": true, "paragraphs": corrected }),
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY, "a correction says why");
    let correction =
        json!({ "version": version, "correction": true, "paragraphs": corrected, "note": "Техническая правка." });
    let reply = app.json(&secretariat, "POST", &versions, &correction).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(reply.json()["number"], 3);
    let d = show(&app, &secretariat, &id).await;
    assert_eq!(d["document"]["frozen"]["sha256"], frozen.as_str(), "the adopted text stays frozen");
    assert_eq!(d["document"]["frozen"]["version"], 2);
    // Track changes in English alone: its only version, 2, with itself, not an error about a
    // version 1 it never had.
    let english = app.get(&secretariat, &format!("{DOCUMENTS}/{id}/changes?lang=en")).await;
    assert_eq!((english.status, english.json()["from"].as_u64()), (StatusCode::OK, Some(2)), "{}", english.body);
    // The English translation is of version 2: an English reader is shown version 3 in Russian,
    // and told why, rather than paragraphs the forms would not number alike.
    let page = app.get(&secretariat, &format!("/documents/{id}")).await;
    assert!(
        page.body.contains("Третий абзац (исправлено).") && page.body.contains("translation-behind"),
        "{}",
        page.body
    );
    let (status, pdf) = get_bytes(&app, &secretariat, &format!("/documents/{id}.pdf?lang=ru")).await;
    assert_eq!(status, StatusCode::OK);
    if let Some(text) = pdftotext(&pdf) {
        let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s} missing from:\n{text}"));
        assert!(at("За Азербайджанскую Республику") < at("За Республику Армения"));
        assert!(at("За Республику Армения") < at("За Республику Казахстан"));
        assert!(at("За Республику Казахстан") < at("За Российскую Федерацию"));
        assert!(at("Мирзоян") > at("За Республику Армения"));
        let kazakhstan = &text[at("За Республику Казахстан")..at("За Российскую Федерацию")];
        assert!(
            kazakhstan.contains("Мурат Нуртлеу") && kazakhstan.contains("Министр иностранных дел"),
            "the name and position in the text's language: {kazakhstan}"
        );
        assert!(!text.contains("Minister of Foreign Affairs"), "not in another's: {text}");
        assert!(!kazakhstan.contains("Подписано"), "signed where and when the text was done: {kazakhstan}");
        let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let belarus = flat(&text[at("За Республику Беларусь")..at("За Республику Казахстан")]);
        assert!(belarus.contains("Подписано в городе Минск 20 апреля 2025 г."), "{belarus}");
        let tajikistan = flat(&text[at("За Республику Таджикистан")..at("За Туркменистан")]);
        assert!(tajikistan.contains("Подписано в городе Алматы"), "signed in Almaty, on a later day: {tajikistan}");
        assert!(
            text.contains("расширенном") && !text.contains("исправлено"),
            "the adopted version, not the correction"
        );
        assert!(text.contains(&frozen[..16]), "the hash is printed");
        assert!(
            flat(&text).contains("Оговорка Республики Армения: К пунктам 2 и 3."),
            "the reservation is noted: {text}"
        );
        assert!(!text.contains("ПРОЕКТ"), "the adopted text is no draft");
        assert!(
            text.contains("Решение") && !text.contains("Проект решения"),
            "an adopted draft decision is a decision"
        );
    }
    // The translation of the adopted text carries the signatures too, but not the original's hash.
    let (status, pdf) = get_bytes(&app, &secretariat, &format!("/documents/{id}.pdf?lang=en")).await;
    assert_eq!(status, StatusCode::OK);
    if let Some(text) = pdftotext(&pdf) {
        let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s} missing from:\n{text}"));
        assert!(at("A second paragraph.") < at("For the Republic of Armenia"), "{text}");
        assert!(at("For the Republic of Armenia") < at("Мирзоян"), "{text}");
        let kazakhstan = &text[at("For the Republic of Kazakhstan")..at("For the Russian Federation")];
        assert!(
            kazakhstan.contains("Murat Nurtleu") && kazakhstan.contains("Minister of Foreign Affairs"),
            "{kazakhstan}"
        );
        assert!(text.contains("Version 2 · translation") && !text.contains("DRAFT"), "{text}");
        assert!(text.contains("The decision on the talks"), "the translation's own title: {text}");
        assert!(!text.contains(&frozen[..16]), "the hash is the original's");
    }
    // A version or language the document has no text in is refused with the texts it has.
    let missing = app.get(&secretariat, &format!("/documents/{id}.pdf?lang=en&version=3")).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing.body.contains("no version 3") && missing.body.contains("Russian: 1, 2, 3; English: 2"),
        "{}",
        missing.body
    );
    let missing = app.get(&secretariat, &format!("/documents/{id}.pdf?lang=kk")).await;
    assert!(
        missing.body.contains("no text in “Kazakh”") && missing.body.contains("Russian: 1, 2, 3"),
        "{}",
        missing.body
    );
    // Languages are named in the reader's language.
    let ru = Session { lang: Some("ru"), ..secretariat.clone() };
    let missing = app.get(&ru, &format!("/documents/{id}.pdf?lang=kk")).await.body;
    assert!(missing.contains("«Казахский»"), "{missing}");
    assert!(missing.contains("Русский: 1, 2, 3"), "{missing}");
    let kk = Session { lang: Some("kk"), ..secretariat.clone() };
    let missing = app.get(&kk, &format!("/documents/{id}.pdf?lang=kk")).await.body;
    assert!(
        missing.contains("мәтіні мына тілде жоқ") && !missing.contains("тіліндегі"),
        "the language named once: {missing}"
    );
    // A formal correction is printed as what it is, not as a draft.
    let (status, pdf) = get_bytes(&app, &secretariat, &format!("/documents/{id}.pdf?lang=ru&version=3")).await;
    assert_eq!(status, StatusCode::OK);
    match pdftotext(&pdf) {
        Some(text) => {
            assert!(text.contains("исправлено") && text.contains("исправление редакции 2"), "{text}");
            assert!(!text.contains("ПРОЕКТ") && !text.contains("За Республику Армения"), "{text}");
        }
        None => eprintln!("pdftotext is not installed: the PDF text was not checked"),
    }
    // A language with no text of the adopted version prints its latest text, as the page links it.
    let version = show(&app, &secretariat, &id).await["document"]["version"].as_i64().unwrap();
    let kazakh = json!({ "version": version, "language": "kk", "paragraphs": ["Бірінші.", "Екінші.", "Үшінші."] });
    assert_eq!(app.json(&secretariat, "POST", &versions, &kazakh).await.status, StatusCode::CREATED);
    let page = app.get(&secretariat, &format!("/documents/{id}")).await.body;
    assert!(page.contains(&format!("/documents/{id}.pdf?lang=kk")), "{page}");
    let (status, _) = get_bytes(&app, &secretariat, &format!("/documents/{id}.pdf?lang=kk")).await;
    assert_eq!(status, StatusCode::OK);
    app.db.cleanup().await;
}

app_on_both_engines!(a_negotiation_runs_from_amendments_to_a_signed_frozen_text, negotiation);

/// The secretariat translates the latest version from the document's page: the form offers the
/// languages not yet translated, refuses a text short of the original's paragraphs in the user's
/// language and keeps what was typed, and the translation becomes a version under the same number.
#[tokio::test]
async fn the_secretariat_adds_a_translation_from_the_page() {
    let app = TestApp::new().await;
    let secretariat = app.login("secretariat", DEMO_PASSWORD).await;
    let id = create(&app, &secretariat, "TEST/TR", "members", &[], "переводе").await;
    let page = format!("/documents/{id}");
    // The translation form's part of a page, empty where there is none.
    let form_of = |body: &str| {
        body.split_once("id=\"translation-form\"")
            .map_or(String::new(), |(_, rest)| rest.split_once("</form>").map_or(rest, |(form, _)| form).to_string())
    };
    let form = form_of(&app.get(&secretariat, &page).await.body);
    assert!(form.contains("<option value=\"kk\">") && form.contains("<option value=\"en\">"), "offered: {form}");
    assert!(!form.contains("<option value=\"ru\">"), "not the original's language");
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    assert!(!app.get(&kz, &page).await.body.contains("translation-form"), "a delegation is not");

    let version = show(&app, &secretariat, &id).await["document"]["version"].to_string();
    let ru = Session { lang: Some("ru"), ..app.login("secretariat", DEMO_PASSWORD).await };
    let short = [("version", version.as_str()), ("language", "kk"), ("translation", "Бір ғана абзац.")];
    let refused = app.form(&ru, &format!("{page}/versions"), &short).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("data-error-for=\"paragraphs\""), "the error by its field");
    assert!(refused.body.contains("сколько в оригинале: 3"), "in the user's language: {}", refused.body);
    assert!(refused.body.contains("Бір ғана абзац."), "what was typed is kept");

    let text = "Кеңес шешті: аудармашыларымыз.\r\n\r\nЫнтымақтастық туралы екінші абзац.\r\n\r\nҮшінші абзац.";
    let full = [("version", version.as_str()), ("language", "kk"), ("translation", text)];
    let added = app.form(&secretariat, &format!("{page}/versions"), &full).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let versions = show(&app, &secretariat, &id).await["versions"].clone();
    let kk: Vec<&Value> = versions.as_array().unwrap().iter().filter(|v| v["language"] == "kk").collect();
    assert_eq!(kk.len(), 1, "{versions}");
    assert_eq!((kk[0]["number"].as_u64(), kk[0]["paragraphs"].as_array().map(Vec::len)), (Some(1), Some(3)));
    let after = app.get(&secretariat, &page).await.body;
    assert!(after.contains("data-language=\"kk\""), "listed among the versions");
    assert!(!form_of(&after).contains("<option value=\"kk\">"), "no longer offered");
    // A translation typed while the document moved on is kept, with the reason, not lost to a 409.
    let late = [("version", version.as_str()), ("language", "en"), ("translation", "Typed while it changed.")];
    let stale = app.form(&secretariat, &format!("{page}/versions"), &late).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(stale.body.contains("data-error-for=\"form\""), "the reason on the page");
    assert!(
        stale.body.contains("changed this in the meantime") && form_of(&stale.body).contains("Typed while it changed.")
    );
    let found = app.get(&secretariat, &format!("{DOCUMENTS}?q=аудармашыларымыз")).await.json();
    assert_eq!(found["total"], 1, "and the translation is searched: {found}");
    // Once the original moves on, the translation's PDF says it is behind, as the page does.
    let cut = json!({ "participant": "KZ", "version": 1, "paragraph": 3, "operation": "delete" });
    let cut = app.json(&kz, "POST", &format!("{DOCUMENTS}/{id}/amendments"), &cut).await;
    let cut = cut.json()["amendment"]["id"].clone();
    let version = show(&app, &secretariat, &id).await["document"]["version"].clone();
    let next = json!({ "version": version, "accept": [cut] });
    let next = app.json(&secretariat, "POST", &format!("{DOCUMENTS}/{id}/versions"), &next).await;
    assert_eq!(next.status, StatusCode::CREATED, "{}", next.body);
    let (status, pdf) = get_bytes(&app, &secretariat, &format!("/documents/{id}.pdf?lang=kk")).await;
    assert_eq!(status, StatusCode::OK);
    if let Some(text) = pdftotext(&pdf) {
        assert!(text.contains("1-редакция · соңғы 2-редакция әлі аударылмаған"), "{text}");
    }
    // Once translated too, an earlier version printed in that language is not said to be behind.
    let version = show(&app, &secretariat, &id).await["document"]["version"].clone();
    let kk = json!({ "version": version, "language": "kk", "paragraphs": ["Бірінші абзац.", "Екінші абзац."] });
    let kk = app.json(&secretariat, "POST", &format!("{DOCUMENTS}/{id}/versions"), &kk).await;
    assert_eq!(kk.status, StatusCode::CREATED, "{}", kk.body);
    let (_, pdf) = get_bytes(&app, &secretariat, &format!("/documents/{id}.pdf?lang=kk&version=1")).await;
    if let Some(text) = pdftotext(&pdf) {
        assert!(text.contains("1-редакция") && !text.contains("аударылмаған"), "{text}");
    }
}

/// A delegation translates its own internal paper from the page, as it may through the API; the
/// paper goes to no decision.
#[tokio::test]
async fn a_delegation_translates_its_own_internal_paper_from_the_page() {
    let app = TestApp::new().await;
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    let id = create(&app, &kz, "KZ/INT/TR", "internal", &["KZ"], "аудармасы").await;
    let page = format!("/documents/{id}");
    let shown = app.get(&kz, &page).await.body;
    assert!(shown.contains("id=\"translation-form\""), "offered to its owner");
    // Its own working text goes to no decision: no stances to state, and none taken.
    assert!(shown.contains("id=\"undecided\"") && !shown.contains("id=\"stance-form\""), "{shown}");
    let stance = json!({ "participant": "KZ", "stance": "joins" });
    let refused = app.json(&kz, "POST", &format!("{DOCUMENTS}/{id}/stances"), &stance).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(refused.body.contains("internal paper goes to no decision"), "{}", refused.body);
    let shown = show(&app, &kz, &id).await;
    assert_eq!((&shown["outcome"], &shown["signature_block"]), (&Value::Null, &json!([])), "{shown}");

    let version = show(&app, &kz, &id).await["document"]["version"].to_string();
    let text = "Кеңес шешті: аудармасы.\r\n\r\nЫнтымақтастық туралы екінші абзац.\r\n\r\nҮшінші абзац.";
    let sent = [("version", version.as_str()), ("language", "kk"), ("translation", text)];
    let added = app.form(&kz, &format!("{page}/versions"), &sent).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let versions = show(&app, &kz, &id).await["versions"].clone();
    assert!(versions.as_array().unwrap().iter().any(|v| v["language"] == "kk"), "{versions}");
}

/// An agenda item's form that comes back shows its mistake in the item's own place, with what was
/// chosen and typed, and leaves the new-item form alone; one sent after another change keeps what
/// was typed and carries the item's version now, so that sending it again saves.
#[tokio::test]
async fn an_agenda_item_form_comes_back_in_its_place_with_what_was_typed() {
    let app = TestApp::new().await;
    let ru = Session { lang: Some("ru"), ..app.login("secretariat", DEMO_PASSWORD).await };
    let api = "/api/v1/events/almaty-2025/meetings/cis-cfm/agenda";
    let (format, item) = agenda_items(&app.get(&ru, api).await.json())
        .into_iter()
        .find(|(_, i)| i["status"] == "considered" || i["status"] == "included")
        .unwrap();
    let id = item["id"].as_str().unwrap();
    let page = format!("/events/almaty-2025/meetings/cis-cfm/agenda/{id}");
    let reason = "Внутригосударственные процедуры не завершены";
    let withdraw = |version: &Value, reason: &'static str| {
        let fields = [
            ("item", id.to_string()),
            ("version", version.to_string()),
            ("status", "withdrawn".into()),
            ("reason", reason.into()),
        ];
        let (app, ru, page) = (&app, &ru, &page);
        async move { app.form(ru, page, &fields.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await }
    };
    // The item's form, and the new-item form, in a page.
    let item_form = |body: &str| {
        body.split(&format!("agenda/{id}\" class=\"inline item-status\">"))
            .nth(1)
            .and_then(|f| f.split("</form>").next())
            .unwrap_or("")
            .to_string()
    };
    let new_form = |body: &str| body.split("id=\"agenda-form\"").nth(1).unwrap_or("").to_string();

    let refused = withdraw(&item["version"], "").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    let sent = item_form(&refused.body);
    assert!(sent.contains("data-error-for=\"reason\""), "the mistake in the item's form: {sent}");
    assert!(sent.contains("<option value=\"withdrawn\" selected>"), "the status as chosen: {sent}");
    assert!(!new_form(&refused.body).contains("data-error-for"), "and not in the new-item form");

    // Someone else changes the item while the form is open.
    let meanwhile = json!({ "version": item["version"], "format": format, "number": item["number"],
        "title": item["title"], "area": item["area"], "initiator": item["initiator"], "rapporteur": item["rapporteur"],
        "status": if item["status"] == "considered" { "included" } else { "considered" } });
    let changed = app.json(&ru, "PUT", &format!("{api}/{id}"), &meanwhile).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    // The change is answered with the item as the agenda gives it, so that what was read can be
    // sent back: the initiator by code, the documents the reader may see.
    let read_now = agenda_items(&app.get(&ru, api).await.json()).into_iter().find(|(_, i)| i["id"] == id).unwrap().1;
    assert_eq!(changed.json()["item"], read_now);
    let stale = withdraw(&item["version"], reason).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let sent = item_form(&stale.body);
    assert!(sent.contains(&format!("value=\"{reason}\"")) && sent.contains("<option value=\"withdrawn\" selected>"));
    let now = &changed.json()["item"]["version"];
    assert!(sent.contains(&format!("name=\"version\" value=\"{now}\"")), "the item's version now: {sent}");
    assert_eq!(withdraw(now, reason).await.status, StatusCode::SEE_OTHER);
    let after = agenda_items(&app.get(&ru, api).await.json());
    assert_eq!(after.iter().find(|(_, i)| i["id"] == id).unwrap().1["status"], "withdrawn");
}

/// The meeting changes its adopted agenda: the secretariat reopens it with the meeting's reason,
/// swaps two questions on the page and adopts it again; the agenda adopted first stays readable as
/// revision 1, as it was. Reopening asks for a reason and the agenda's version, and only the
/// secretariat may.
#[tokio::test]
async fn a_reopened_agenda_is_renumbered_and_adopted_again_and_keeps_the_first_revision() {
    let app = TestApp::new().await;
    let ru = Session { lang: Some("ru"), ..app.login("secretariat", DEMO_PASSWORD).await };
    let page = "/events/almaty-2025/meetings/cis-cfm/agenda";
    let api = format!("/api/v1{page}");
    let first = extended(app.get(&ru, &api).await.json());
    assert!(first["adopted_at"].is_string(), "the demo's agenda is adopted");
    let event = app.get(&ru, "/events/almaty-2025").await.body.replace("&#x2f;", "/");
    assert!(event.contains(&format!("href=\"{page}\"")), "the event's page leads to the agenda");
    // Initiators by their names in the reader's language, not their codes.
    let initiated: Vec<&Value> =
        first["items"].as_array().unwrap().iter().filter(|i| i["initiator"].is_string()).collect();
    assert!(!initiated.is_empty());
    let shown = app.get(&ru, page).await.body;
    for item in initiated {
        let name = item["initiator_shown"].as_str().unwrap();
        assert!(name != item["initiator"] && shown.contains(&format!(": {name}")), "{name} in {shown}");
    }
    let adopted_shown = first["adopted_shown"].as_str().unwrap();
    assert!(
        adopted_shown.ends_with(", 12:15"),
        "as the extended session opened in Almaty, not in UTC: {adopted_shown}"
    );
    assert_eq!((&first["revision"], first["revisions"].as_array().unwrap().len()), (&json!(1), 0));
    let version = first["version"].to_string();
    let reopen_form = |body: &str| {
        body.split("name=\"reopen\" value=\"extended\">")
            .nth(1)
            .and_then(|f| f.split("</form>").next())
            .unwrap_or("")
            .to_string()
    };
    let reopen = |version: &str, reason: &str| {
        let fields = [
            ("format", "extended".to_string()),
            ("reopen", "extended".into()),
            ("version", version.into()),
            ("reason", reason.into()),
        ];
        let (app, ru) = (&app, &ru);
        async move {
            app.form(ru, &format!("{page}/reopen"), &fields.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>())
                .await
        }
    };

    let refused = reopen(&version, " ").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(reopen_form(&refused.body).contains("data-error-for=\"reason\""), "the mistake in the reopening form");
    assert!(!refused.body.split("id=\"agenda-form\"").nth(1).unwrap().contains("data-error-for"));
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    let body = json!({ "format": "extended", "version": first["version"], "reason": { "ru": "Предложение" } });
    assert_eq!(app.json(&kz, "POST", &format!("{api}/reopen"), &body).await.status, StatusCode::FORBIDDEN);
    let stray =
        json!({ "format": "extended", "version": first["version"], "reason": { "ru": "Предложение" }, "items": [] });
    assert_eq!(app.json(&ru, "POST", &format!("{api}/reopen"), &stray).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A mistake beside the version is named by its field, in the reader's language.
    let overflowing = r#"{ "format": "extended", "version": 99999999999999999999, "reason": { "ru": "Предложение" } }"#;
    // Read into a map, the last of two versions would be taken: a struct refuses it, and so does this.
    let repeated = format!(
        r#"{{ "format": "extended", "version": 0, "version": {}, "reason": {{ "ru": "Предложение" }} }}"#,
        first["version"]
    );
    for (body, field, message) in [
        (
            json!({ "format": "wide", "version": first["version"], "reason": { "ru": "Предложение" } }).to_string(),
            "format",
            "Выберите один из вариантов.",
        ),
        (
            json!({ "format": "extended", "version": first["version"], "reason": "Предложение" }).to_string(),
            "reason",
            "Укажите текст по языкам: {\"ru\": \"…\", \"en\": \"…\"}.",
        ),
        (
            json!({ "format": "extended", "reason": { "ru": "Предложение" } }).to_string(),
            "version",
            "Обязательное поле.",
        ),
        (overflowing.to_string(), "version", "Число вне допустимых для этого поля пределов."),
        (repeated, "version", "Это поле указано больше одного раза."),
    ] {
        let refused = app.request(&ru, "POST", &format!("{api}/reopen"), Some("application/json"), body).await;
        let error = &refused.json()["error"];
        assert_eq!(
            (refused.status, &error["field"], &error["details"][0]["message"]),
            (StatusCode::UNPROCESSABLE_ENTITY, &json!(field), &json!(message)),
            "{}",
            refused.body
        );
    }
    let stale = json!({ "format": "extended", "version": 0, "reason": { "ru": "Предложение" } });
    assert_eq!(app.json(&ru, "POST", &format!("{api}/reopen"), &stale).await.status, StatusCode::CONFLICT);
    assert_eq!(extended(app.get(&ru, &api).await.json()), first, "nothing changed");

    let reason = "По предложению Республики Беларусь вопросы 2 и 3 меняются местами";
    assert_eq!(reopen(&version, reason).await.status, StatusCode::SEE_OTHER);
    let reopened = extended(app.get(&ru, &api).await.json());
    assert!(reopened["adopted_at"].is_null() && reopened["revision"] == 2, "{reopened}");
    // A question is forwarded to another body than the meeting's own.
    let own = json!({ "format": "extended", "number": 16, "area": "security", "status": "forwarded",
        "forwarded_to": "cis-cfm", "title": { "ru": "Вопрос" } });
    let own = app.json(&ru, "POST", &api, &own).await;
    assert_eq!(
        (own.status, &own.json()["error"]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("forwarded_to")),
        "{}",
        own.body
    );
    let again = json!({ "format": "extended", "version": reopened["version"], "reason": { "ru": reason } });
    let refused = app.json(&ru, "POST", &format!("{api}/reopen"), &again).await;
    let error = &refused.json()["error"];
    assert_eq!((refused.status, &error["code"]), (StatusCode::CONFLICT, &json!("refused")));
    assert_eq!(error["message"], "Повестка дня этого формата ещё не утверждена: изменения вносятся в проект напрямую.");

    // Swap questions 2 and 3 through a free number, from each item's form; 3 is reworded too.
    let item = |agenda: &Value, number: u64| {
        agenda["items"].as_array().unwrap().iter().find(|i| i["number"] == number).cloned().unwrap()
    };
    let (two, three) = (item(&reopened, 2), item(&reopened, 3));
    // A question of the draft does not move into the narrow format's agenda, which stays adopted.
    let moved = json!({ "version": two["version"], "format": "narrow", "number": 90, "title": two["title"],
        "area": two["area"], "initiator": two["initiator"], "rapporteur": two["rapporteur"], "status": two["status"],
        "forwarded_to": two["forwarded_to"]["slug"] });
    let refused = app.json(&ru, "PUT", &format!("{api}/{}", two["id"].as_str().unwrap()), &moved).await;
    assert_eq!(
        (refused.status, &refused.json()["error"]["code"]),
        (StatusCode::CONFLICT, &json!("refused")),
        "{}",
        refused.body
    );
    let change = |item: Value, number: u64, title: &'static str| {
        let (app, ru, api) = (&app, &ru, &api);
        async move {
            let now = extended(app.get(ru, api).await.json());
            let current = now["items"].as_array().unwrap().iter().find(|i| i["id"] == item["id"]).cloned().unwrap();
            let id = item["id"].as_str().unwrap();
            // As the page sends it: the status and the body forwarded to as they stand.
            let shown = app.get(ru, page).await.body;
            let form = shown.split(&format!("agenda/{id}\" class=\"inline item-status\">")).nth(1).unwrap();
            let form = form.split("</form>").next().unwrap();
            let draft = now["adopted_at"].is_null();
            assert_eq!(form.contains("name=\"number\""), draft, "a number to change only on a draft: {form}");
            assert_eq!(form.contains("name=\"title_ru\""), draft, "a title in the working language: {form}");
            let forwarded = current["forwarded_to"]["slug"].as_str().unwrap_or("");
            if !forwarded.is_empty() {
                assert!(form.contains(&format!("<option value=\"{forwarded}\" selected>")), "{form}");
            }
            let fields = [
                ("item", id.to_string()),
                ("version", current["version"].to_string()),
                ("status", current["status"].as_str().unwrap().to_string()),
                ("forwarded_to", forwarded.to_string()),
                ("number", number.to_string()),
                ("title_ru", title.to_string()),
            ];
            app.form(ru, &format!("{page}/{id}"), &fields.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>())
                .await
        }
    };
    let reworded = "О сотрудничестве в сфере пограничной безопасности (в новой формулировке)";
    for (which, number, title) in [(&two, 99, ""), (&three, 2, reworded), (&two, 3, "")] {
        let reply = change(which.clone(), number, title).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    }
    // Adopted as read: a page read before the last change of a question conflicts, and says so.
    let read = extended(app.get(&ru, &api).await.json())["version"].as_i64().unwrap();
    let before = (read - 1).to_string();
    let stale = app
        .form(&ru, &format!("{page}/adopt"), &[("format", "extended"), ("adopt", "extended"), ("version", &before)])
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(stale.body.contains("id=\"error-form\""), "{}", stale.body);
    assert!(extended(app.get(&ru, &api).await.json())["adopted_at"].is_null(), "not adopted");
    let json_stale =
        app.json(&ru, "POST", &format!("{api}/adopt"), &json!({ "format": "extended", "version": read - 1 })).await;
    assert_eq!(json_stale.status, StatusCode::CONFLICT, "{}", json_stale.body);
    let adopted =
        app.form(&ru, &format!("{page}/adopt"), &[("format", "extended"), ("version", &read.to_string())]).await;
    assert_eq!(adopted.status, StatusCode::SEE_OTHER, "{}", adopted.body);

    let second = extended(app.get(&ru, &api).await.json());
    assert!(second["adopted_at"].is_string() && second["revision"] == 2, "{second}");
    assert_eq!(
        (item(&second, 2)["id"].clone(), item(&second, 3)["id"].clone()),
        (three["id"].clone(), two["id"].clone())
    );
    assert_eq!(item(&second, 2)["title"]["ru"], reworded);
    let adopted = change(three.clone(), 50, "").await;
    assert_eq!(adopted.status, StatusCode::CONFLICT, "an adopted agenda is not renumbered: {}", adopted.body);
    // Refused in the reader's language, and not as a change made meanwhile.
    assert!(adopted.body.contains("у вопроса теперь можно изменить только статус"), "refused: {}", adopted.body);
    assert!(!adopted.body.contains("тем временем"), "{}", adopted.body);
    assert!(
        adopted.body.contains("id=\"error-form\"") && adopted.body.contains("id=\"agenda-form\""),
        "said on the agenda's page, not on an error page: {}",
        adopted.body
    );
    assert_eq!(item(&extended(app.get(&ru, &api).await.json()), 2)["id"], three["id"]);
    let kept = &second["revisions"][0];
    assert_eq!((&kept["number"], &kept["reason"]["ru"]), (&json!(1), &json!(reason)));
    assert_eq!((&kept["adopted_at"], &kept["adopted_shown"]), (&first["adopted_at"], &first["adopted_shown"]));
    let was = |agenda: &Value| -> Vec<(Value, Value, Value)> {
        let items = agenda["items"].as_array().unwrap().iter();
        items.map(|i| (i["number"].clone(), i["title"].clone(), i["status"].clone())).collect()
    };
    assert_eq!(was(kept), was(&first), "revision 1 as it was adopted");
    let agenda = app.get(&ru, &api).await.json();
    let narrow = agenda["formats"].as_array().unwrap().iter().find(|f| f["format"] == "narrow").unwrap();
    assert!(narrow["adopted_at"].is_string() && narrow["revision"] == 1, "the other format untouched: {narrow}");

    let shown = app.get(&ru, page).await;
    assert!(shown.body.contains("Редакция 2") && shown.body.contains("Ранее утверждённые редакции"), "{}", shown.body);
    assert!(shown.body.contains(reason));
    let kinds = [domain::policy::EntityKind::AgendaRevision];
    assert_eq!(
        store::audit::recent(&app.db.store, &kinds, None, None, 10).await.unwrap().len(),
        1,
        "the revision is audited"
    );
}

/// The extended format of an agenda as the API gives it.
fn extended(agenda: Value) -> Value {
    agenda["formats"].as_array().unwrap().iter().find(|f| f["format"] == "extended").cloned().unwrap()
}

/// Each item of an agenda's API reply, with its format.
fn agenda_items(agenda: &Value) -> Vec<(Value, Value)> {
    let formats = agenda["formats"].as_array().unwrap();
    formats
        .iter()
        .flat_map(|f| f["items"].as_array().unwrap().iter().map(|i| (f["format"].clone(), i.clone())))
        .collect()
}

/// A word in more texts than a search ranks: the register's page and its API say that the
/// documents shown are among the most recently added; a rare word is ranked whole and counted.
#[tokio::test]
async fn a_search_that_stops_ranking_says_so_on_the_page_and_in_the_api() {
    let app = TestApp::new().await;
    let options = concord::generate_documents::Options {
        body: "cis-cfm".into(),
        count: 1_300,
        versions: 1,
        pages: 0,
        batch: 500,
        seed: 7,
    };
    let generated = concord::generate_documents::register(&app.db.store, &options).await.unwrap();
    let (common, held) = generated.probes.first().cloned().unwrap();
    assert!(held > 1_000, "{common} is in {held} documents");
    let (rare, few) = generated.probes.iter().rev().find(|(_, n)| *n > 1).cloned().unwrap();
    let secretariat = app.login("secretariat", DEMO_PASSWORD).await;

    let found = app.get(&secretariat, &format!("{DOCUMENTS}?q={common}")).await.json();
    assert_eq!(found["more"], true, "more hold {common} than were ranked");
    assert!(found["total"].as_i64().unwrap() <= 1_000, "{}", found["total"]);
    // The next page is named, and has other documents.
    let next = found["next"].as_str().unwrap();
    assert!(next.starts_with(DOCUMENTS) && next.ends_with("page=2"), "{next}");
    let second = app.get(&secretariat, next).await.json();
    assert_eq!((&second["page"], &second["total"]), (&json!(2), &found["total"]));
    assert_ne!(second["documents"][0]["id"], found["documents"][0]["id"]);
    let last = found["total"].as_u64().unwrap().div_ceil(50);
    let end = app.get(&secretariat, &format!("{DOCUMENTS}?q={common}&page={last}")).await.json();
    assert_eq!(end["next"], Value::Null, "none after the last page");
    let page = app.get(&secretariat, &format!("/documents?q={common}")).await.body;
    assert!(page.contains("among those most recently added"), "the page says so");
    let ru = Session { lang: Some("ru"), ..secretariat.clone() };
    let page = app.get(&ru, &format!("/documents?q={common}")).await.body;
    assert!(page.contains("среди последних добавленных"), "in the reader's language");

    // The secretariat may not read every generated document (some are one delegation's own).
    let found = app.get(&secretariat, &format!("{DOCUMENTS}?q={rare}")).await.json();
    let total = found["total"].as_u64().unwrap();
    assert!(found["more"] == false && total >= 1 && total <= few as u64, "{rare} in {few}: {found}");
    let page = app.get(&secretariat, &format!("/documents?q={rare}")).await.body;
    assert!(!page.contains("among those most recently added"));
}

#[tokio::test]
async fn bad_input_is_named_by_its_field() {
    let app = TestApp::new().await;
    let secretariat = app.login("secretariat", DEMO_PASSWORD).await;
    let id = create(&app, &secretariat, "TEST/2", "members", &[], "поля").await;
    let field = |reply: crate::support::Reply| {
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
        reply.json()["error"]["field"].as_str().unwrap_or_default().to_string()
    };
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    let path = format!("{DOCUMENTS}/{id}/amendments");
    let amend = |body: Value| {
        let (app, kz, path) = (&app, &kz, &path);
        async move { app.json(kz, "POST", path, &body).await }
    };
    let none =
        amend(json!({ "participant": "KZ", "version": 1, "paragraph": 9, "operation": "replace", "text": "X" })).await;
    assert_eq!(field(none), "paragraph");
    let stale = amend(json!({ "participant": "KZ", "version": 7, "paragraph": 1, "operation": "delete" })).await;
    assert_eq!(field(stale), "version");
    let outsider = amend(json!({ "participant": "FR", "version": 1, "paragraph": 1, "operation": "delete" })).await;
    assert_eq!(field(outsider), "participant");
    let listed = json!({ "body": "cis-cfm", "kind": "note", "register_number": "TEST/3", "title": { "ru": "x" },
        "original_language": "ru", "classification": "listed", "readers": [], "paragraphs": ["x"] });
    assert_eq!(field(app.json(&secretariat, "POST", DOCUMENTS, &listed).await), "readers");
    let untitled = json!({ "body": "cis-cfm", "kind": "note", "register_number": "TEST/4", "title": { "xx": "junk" },
        "original_language": "ru", "classification": "public", "paragraphs": ["x"] });
    assert_eq!(field(app.json(&secretariat, "POST", DOCUMENTS, &untitled).await), "title", "no title in Russian");
    let twice = json!({ "body": "cis-cfm", "kind": "note", "register_number": "TEST/2", "title": { "ru": "x" },
        "original_language": "ru", "classification": "public", "paragraphs": ["x"] });
    assert_eq!(field(app.json(&secretariat, "POST", DOCUMENTS, &twice).await), "register_number");
    // A text in a language the interface does not name is shown by its code, in every language.
    let german = json!({ "body": "cis-cfm", "kind": "note", "register_number": "TEST/DE", "title": { "de": "Notiz" },
        "original_language": "de", "classification": "public", "paragraphs": ["Text."] });
    let german = app.json(&secretariat, "POST", DOCUMENTS, &german).await;
    assert_eq!(german.status, StatusCode::CREATED, "{}", german.body);
    let page = format!("/documents/{}", german.json()["document"]["id"].as_str().unwrap());
    let ru = Session { lang: Some("ru"), ..secretariat.clone() };
    let shown = app.get(&ru, &page).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains("PDF (de)") && !shown.body.contains("lang-de"), "{}", shown.body);
    // An agenda item is named by its number in a format; one the agenda lacks says so.
    let agenda = app.get(&secretariat, "/api/v1/events/almaty-2025/meetings/cis-cfm/agenda").await.json();
    let narrow_second = agenda_items(&agenda)
        .into_iter()
        .find(|(format, item)| format == "narrow" && item["number"] == 2)
        .map(|(_, item)| item["id"].clone())
        .unwrap();
    let filed = |number: u32, format: &str| {
        json!({ "body": "cis-cfm", "meeting": "almaty-2025/cis-cfm", "agenda_item": number, "agenda_format": format,
            "kind": "note", "register_number": format!("TEST/{format}/{number}"), "title": { "ru": "x" },
            "original_language": "ru", "classification": "public", "paragraphs": ["x"] })
    };
    let narrow = app.json(&secretariat, "POST", DOCUMENTS, &filed(2, "narrow")).await;
    assert_eq!(narrow.json()["document"]["agenda_item"], narrow_second, "{}", narrow.body);
    let missing = app.json(&secretariat, "POST", DOCUMENTS, &filed(18, "extended")).await;
    assert!(missing.body.contains("no item 18"), "{}", missing.body);
    assert_eq!(field(missing), "agenda_item");
    // An area nobody has is named; one a secretariat added is offered and found by.
    assert_eq!(field(app.get(&kz, &format!("{DOCUMENTS}?area=xx")).await), "area");
    let page = app.get(&kz, "/documents?area=xx").await.body;
    assert!(page.contains("data-error-for=\"area\""), "on the page too");
    let added = json!({ "slug": "energy", "name": { "en": "Energy", "ru": "Энергетика" } });
    let added = app.json(&secretariat, "POST", "/api/v1/bodies/cis-cfm/areas", &added).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    assert_eq!(app.get(&kz, &format!("{DOCUMENTS}?area=energy")).await.status, StatusCode::OK);
    let offered = app.get(&kz, "/documents").await.body;
    assert!(offered.contains("<option value=\"energy\">Energy</option>"), "the added area is offered");
    assert!(offered.contains("<option value=\"political\">"), "beside the standard ones");
    // A period that ends before it starts is named by its end, not answered with nothing.
    let backwards = app.get(&kz, &format!("{DOCUMENTS}?from=2025-05-01&until=2025-01-01")).await;
    assert_eq!(field(backwards), "until");
    // A page that is no number is named, on the API and on the page, not left to the parser's words.
    assert_eq!(field(app.get(&kz, &format!("{DOCUMENTS}?page=abc")).await), "page");
    // Pages count from 1 to the last the register keeps: none outside is read as another.
    for outside in ["0", "-1", "20001"] {
        assert_eq!(field(app.get(&kz, &format!("{DOCUMENTS}?page={outside}")).await), "page", "page {outside}");
    }
    // A filter given twice is named, in the reader's language, not in the parser's English.
    let twice =
        app.get(&Session { lang: Some("ru"), ..kz.clone() }, &format!("{DOCUMENTS}?status=adopted&status=draft")).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", twice.body);
    assert_eq!(twice.json()["error"]["field"], "status");
    assert!(twice.body.contains("Это поле указано больше одного раза."), "{}", twice.body);
    // Every filter that cannot be used is named at once, and one the register does not have is not
    // ignored (`to` for `until` would list documents of every date).
    let named = |r: &crate::support::Reply| -> Vec<Value> {
        r.json()["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].clone()).collect()
    };
    let several = app.get(&kz, &format!("{DOCUMENTS}?body=nobody&kind=bogus&participant=QQ&from=soon&page=0")).await;
    assert_eq!(several.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", several.body);
    assert_eq!(named(&several), ["body", "kind", "participant", "from", "page"], "{}", several.body);
    let stray = app.get(&kz, &format!("{DOCUMENTS}?from=2025-01-01&to=2025-05-01")).await;
    assert_eq!(field(stray), "to");
    let page = app.get(&kz, "/documents?event=nowhere&meeting=cis-cfm&status=bogus").await.body;
    assert!(page.contains("data-error-for=\"event\"") && page.contains("data-error-for=\"status\""), "{page}");
    assert!(!page.contains("data-error-for=\"meeting\""), "the meeting is not blamed for its unknown event");
    let page = app.get(&kz, "/documents?q=%D1%81%D0%BE%D1%82%D1%80%D1%83%D0%B4%D0%BD%D0%B8%D1%87%D0%B5%D1%81%D1%82%D0%B2%D0%B5&page=abc").await;
    assert_eq!(page.status, StatusCode::OK, "the register, with what was searched");
    assert!(page.body.contains("data-error-for=\"page\"") && page.body.contains("Not a number."), "{}", page.body);
    assert!(page.body.contains("value=\"сотрудничестве\""), "the words searched stay in the form");
    let fields = [
        ("body", "cis-cfm"),
        ("meeting", "almaty-2025/cis-cfm"),
        ("kind", "draft_decision"),
        ("register_number", "TEST/FORM"),
        ("language", "ru"),
        ("classification", "members"),
        ("title", "О форме"),
        ("text", "Первый абзац.\r\n\r\nВторой абзац."),
    ];
    let made = app.form(&secretariat, "/documents", &fields).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let page = app.get(&secretariat, made.location()).await;
    assert!(page.body.contains("data-paragraph=\"2\""), "two paragraphs from the form's text");
    let unnumbered: Vec<(&str, &str)> =
        fields.iter().map(|&(k, v)| if k == "register_number" { (k, " ") } else { (k, v) }).collect();
    let refused = app.form(&secretariat, "/documents", &unnumbered).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("data-error-for=\"register_number\""), "the form shows the error by its field");
    // A title too long is said at the title, which the form takes in one language.
    let long = "О".repeat(700);
    let wordy: Vec<(&str, &str)> =
        fields.iter().map(|&(k, v)| if k == "title" { (k, long.as_str()) } else { (k, v) }).collect();
    let refused = app.form(&secretariat, "/documents", &wordy).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("data-error-for=\"title.ru\""), "{}", refused.body);
    // The secretariat is offered its own bodies only.
    let register = app.get(&secretariat, "/documents").await.body;
    let offered = register.split("id=\"new-body\"").nth(1).unwrap().split("</select>").next().unwrap();
    assert!(offered.contains("value=\"cis-cfm\"") && !offered.contains("central-asia-russia"), "{offered}");
    let kinds = register.split("id=\"new-classification\"").nth(1).unwrap().split("</select>").next().unwrap();
    assert!(kinds.contains("value=\"members\"") && !kinds.contains("value=\"internal\""), "{kinds}");
    // A delegation's officer is offered only its own internal papers, and told what they need.
    let register = app.get(&kz, "/documents").await.body;
    assert!(
        register.contains("id=\"new-document-internal\"") && !register.contains("id=\"new-classification\""),
        "{register}"
    );
    let press = app.login("press", DEMO_PASSWORD).await;
    let press_register = app.get(&press, "/documents").await.body;
    assert!(!press_register.contains("id=\"document-form\""), "the press creates nothing");
    assert!(
        !press_register.contains("data-nav=\"audit\"")
            && !register.contains("data-nav=\"audit\"")
            && app.get(&secretariat, "/documents").await.body.contains("data-nav=\"audit\""),
        "the audit is offered to whoever may read it"
    );
    let internal = [
        ("body", "cis-cfm"),
        ("kind", "note"),
        ("register_number", "KZ/INT/1"),
        ("language", "ru"),
        ("classification", "internal"),
        ("readers", "KZ"),
        ("title", "Позиция делегации"),
        ("text", "Поддержать проект."),
    ];
    let refused = app.form(&kz, "/documents", &internal).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("data-error-for=\"meeting\""), "{}", refused.body);
    let elsewhere: Vec<(&str, &str)> =
        internal.iter().copied().chain([("meeting", "almaty-2025/central-asia-russia")]).collect();
    let refused = app.form(&kz, "/documents", &elsewhere).await;
    assert!(refused.body.contains("This meeting is of another body"), "{}", refused.body);
    let bare: Vec<(&str, &str)> = internal.iter().copied().chain([("meeting", "cis-cfm")]).collect();
    let refused = app.form(&kz, "/documents", &bare).await;
    assert!(refused.body.contains("Give the meeting with its event"), "{}", refused.body);
    let with_meeting: Vec<(&str, &str)> =
        internal.iter().copied().chain([("meeting", "almaty-2025/cis-cfm")]).collect();
    let made = app.form(&kz, "/documents", &with_meeting).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    // Another delegation trying that number learns nothing of it: it is not in its series.
    let ru = app.login("delegation-ru", DEMO_PASSWORD).await;
    let probe: Vec<(&str, &str)> =
        with_meeting.iter().map(|&(k, v)| if k == "readers" { (k, "RU") } else { (k, v) }).collect();
    let refused = app.form(&ru, "/documents", &probe).await;
    assert!(
        refused.body.contains("must begin with RU&#x2f;INT&#x2f;") && !refused.body.contains("already taken"),
        "{}",
        refused.body
    );
    let early = app
        .json(
            &secretariat,
            "POST",
            &format!("{DOCUMENTS}/{id}/decision"),
            &json!({ "version": show(&app, &secretariat, &id).await["document"]["version"], "action": "adopt" }),
        )
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT, "nobody has joined: nothing is decided, the draft stays open");
    assert_eq!(show(&app, &secretariat, &id).await["document"]["status"], "draft");
    let version = show(&app, &secretariat, &id).await["document"]["version"].clone();
    let short = json!({ "version": version, "language": "en", "paragraphs": ["Only one."] });
    let reply = app.json(&secretariat, "POST", &format!("{DOCUMENTS}/{id}/versions"), &short).await;
    assert_eq!(reply.json()["error"]["field"], "paragraphs", "a translation has the original's paragraphs");
    let english = json!({ "version": version, "language": "en", "paragraphs": ["The Council decided: fields.", "Second paragraph on cooperation.", "Third paragraph."] });
    let reply = app.json(&secretariat, "POST", &format!("{DOCUMENTS}/{id}/versions"), &english).await;
    assert_eq!(
        (reply.status, reply.json()["number"].as_u64()),
        (StatusCode::CREATED, Some(1)),
        "under the same number"
    );
    let agenda = "/api/v1/events/almaty-2025/meetings/cis-cfm/agenda";
    let item = json!({ "format": "extended", "number": 40, "title": { "ru": "Вопрос" }, "area": "space", "status": "withdrawn" });
    let reply = app.json(&secretariat, "POST", agenda, &item).await;
    let fields: Vec<String> = reply.json()["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["area", "reason"], "every problem at once");
    let ru = app.login("secretariat", DEMO_PASSWORD).await;
    let ru = Session { lang: Some("ru"), ..ru };
    let reply = app
        .json(
            &ru,
            "POST",
            agenda,
            &json!({ "format": "extended", "number": 40, "title": { "ru": "Вопрос" }, "area": "space" }),
        )
        .await;
    assert!(reply.body.contains("не сфера сотрудничества"), "in the user's language: {}", reply.body);
}

#[tokio::test]
async fn the_demo_has_the_cfm_agenda_its_seventeen_drafts_and_a_signed_decision_with_a_special_opinion() {
    let app = TestApp::new().await;
    let agenda = app.get(&Session::default(), "/api/v1/events/almaty-2025/meetings/cis-cfm/agenda").await.json();
    let counts: Vec<(String, usize, bool)> = agenda["formats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["format"].as_str().unwrap().to_string(),
                f["items"].as_array().unwrap().len(),
                !f["adopted_at"].is_null(),
            )
        })
        .collect();
    assert_eq!(counts, [("narrow".into(), 3, true), ("extended".into(), 10, true)], "13 items, both agendas adopted");
    let car =
        app.get(&Session::default(), "/api/v1/events/almaty-2025/meetings/central-asia-russia/agenda").await.json();
    let items: usize = car["formats"].as_array().unwrap().iter().map(|f| f["items"].as_array().unwrap().len()).sum();
    assert_eq!(items, 5, "a meeting that lists no formats shows the items it has");
    let secretariat = app.login("secretariat", DEMO_PASSWORD).await;
    let all = app.get(&secretariat, &format!("{DOCUMENTS}?event=almaty-2025&meeting=cis-cfm")).await.json();
    assert_eq!(all["total"], 17, "17 drafts before the CFM");
    let docs = all["documents"].as_array().unwrap();
    let chs = docs.iter().filter(|d| !d["forwarded_to"].is_null()).count();
    assert_eq!(chs, 6, "six forwarded to the Council of Heads of State");
    assert!(docs.iter().filter(|d| d["status"] == "withdrawn").count() >= 2);
    let signed = docs.iter().find(|d| d["register_number"] == "СМИД/2025/07").unwrap();
    let d = show(&app, &secretariat, signed["id"].as_str().unwrap()).await;
    let block = d["signature_block"].as_array().unwrap();
    let opinions: Vec<&str> = block
        .iter()
        .filter(|l| l["stance"] == "joins_with_special_opinion")
        .map(|l| l["participant"].as_str().unwrap())
        .collect();
    assert_eq!(opinions, ["AM"]);
    assert!(block.iter().any(|l| l["signer"].is_null()), "a member that did not sign gets a dash");
    let stated: Vec<&str> = d["stances"].as_array().unwrap().iter().filter_map(|s| s["stated_at"].as_str()).collect();
    assert!(
        !stated.is_empty() && stated.iter().all(|at| at.starts_with("2025-04-1")),
        "stated at the sitting: {stated:?}"
    );
    let by_number =
        app.get(&secretariat, &format!("{DOCUMENTS}?q={}", crate::support::urlencode("СМИД/2025/12"))).await.json();
    assert_eq!(by_number["documents"][0]["register_number"], "СМИД/2025/12", "found by its register number first");
    let negotiated = docs.iter().find(|d| d["register_number"] == "СМИД/2025/12").unwrap();
    let d = show(&app, &secretariat, negotiated["id"].as_str().unwrap()).await;
    let proposers: std::collections::BTreeSet<&str> =
        d["amendments"].as_array().unwrap().iter().map(|a| a["proposer"].as_str().unwrap()).collect();
    assert_eq!(proposers.into_iter().collect::<Vec<_>>(), ["BY", "KZ"], "amendments from two delegations");
    let drafters: std::collections::BTreeSet<&str> =
        d["versions"].as_array().unwrap().iter().map(|v| v["created_by"].as_str().unwrap()).collect();
    assert_eq!(
        drafters.into_iter().collect::<Vec<_>>(),
        ["secretariat"],
        "versions by the secretariat, consolidated too"
    );
    let kz = app.login("ministry-kz", DEMO_PASSWORD).await;
    let plan = app.get(&kz, &format!("{DOCUMENTS}?q=2025–2027&body=central-asia-russia")).await.json();
    let plan = plan["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "action_plan")
        .expect("the Joint Action Plan");
    assert_eq!(plan["status"], "adopted", "finalised by the ministers in Almaty, as drafts for a summit are");
    assert_eq!(plan["forwarded_to_body"]["slug"], "central-asia-russia-summit", "which adopted it in Dushanbe: {plan}");
    let d = show(&app, &kz, plan["id"].as_str().unwrap()).await;
    let languages: std::collections::BTreeSet<&str> =
        d["versions"].as_array().unwrap().iter().map(|v| v["language"].as_str().unwrap()).collect();
    assert_eq!(languages.into_iter().collect::<Vec<_>>(), ["en", "kk", "ru"]);
}

/// The page's form sent twice (a double click) proposes once; the id it chose is nobody else's to take.
#[tokio::test]
async fn an_amendment_form_sent_twice_proposes_once() {
    let app = TestApp::new().await;
    let secretariat = app.login("secretariat", DEMO_PASSWORD).await;
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    let am = app.login("delegation-am", DEMO_PASSWORD).await;
    let id = create(&app, &secretariat, "TEST/TWICE", "members", &[], "дважды").await;
    let amendments = format!("{DOCUMENTS}/{id}/amendments");
    let chosen = domain::new_id().to_string();
    let form =
        [("id", chosen.as_str()), ("version", "1"), ("participant", "KZ"), ("operation", "delete"), ("paragraph", "1")];
    let path = format!("/documents/{id}/amendments");
    let (first, second) = tokio::join!(app.form(&kz, &path, &form), app.form(&kz, &path, &form));
    assert_eq!((first.status, second.status), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER), "{}", second.body);
    let made: Vec<Value> = show(&app, &kz, &id).await["amendments"].as_array().unwrap().clone();
    assert_eq!(made.len(), 1, "one amendment for the form sent twice");
    assert_eq!(made[0]["id"], chosen.as_str(), "by the id the form chose");
    // Sent again from the page read anew (Back, then send): a new id, the same change.
    let anew = domain::new_id().to_string();
    let resent =
        [("id", anew.as_str()), ("version", "1"), ("participant", "KZ"), ("operation", "delete"), ("paragraph", "1")];
    assert_eq!(app.form(&kz, &path, &resent).await.status, StatusCode::SEE_OTHER);
    let made: Vec<Value> = show(&app, &kz, &id).await["amendments"].as_array().unwrap().clone();
    assert_eq!(made.len(), 1, "still one amendment: {made:#?}");
    // Other content under the id used (two tabs of one page): said, and the form takes a new id.
    let other =
        [("id", chosen.as_str()), ("version", "1"), ("participant", "KZ"), ("operation", "delete"), ("paragraph", "2")];
    let refused = app.form(&Session { lang: Some("ru"), ..kz.clone() }, &path, &other).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let form = refused.body.split("id=\"amendment-form\"").nth(1).unwrap().split("</form>").next().unwrap();
    assert_eq!(form.matches("Под идентификатором этой формы уже отправлено другое содержание.").count(), 1, "{form}");
    assert!(!form.contains(&format!("name=\"id\" value=\"{chosen}\"")), "a new id: {form}");
    let page = app.get(&kz, &format!("/documents/{id}")).await.body;
    let form = page.split("id=\"amendment-form\"").nth(1).unwrap().split("</form>").next().unwrap();
    assert!(form.contains("type=\"hidden\" name=\"id\" value=\""), "the page's form chooses its id: {form}");
    // Through the API, the same proposal again is answered with the one made; another may not take its id.
    let same = json!({ "id": chosen, "participant": "KZ", "version": 1, "paragraph": 1, "operation": "delete" });
    let same = app.json(&kz, "POST", &amendments, &same).await;
    assert_eq!((same.status, &same.json()["amendment"]["id"]), (StatusCode::OK, &json!(chosen)), "{}", same.body);
    let other = json!({ "id": chosen, "participant": "KZ", "version": 1, "paragraph": 2, "operation": "delete" });
    let other = app.json(&kz, "POST", &amendments, &other).await;
    assert_eq!((other.status, &other.json()["error"]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("id")));
    let taken = json!({ "id": chosen, "participant": "AM", "version": 1, "paragraph": 1, "operation": "delete" });
    let taken = app.json(&am, "POST", &amendments, &taken).await;
    assert_eq!((taken.status, &taken.json()["error"]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("id")));
    let elsewhere = create(&app, &secretariat, "TEST/1B", "members", &[], "другой").await;
    let again = json!({ "id": chosen, "participant": "KZ", "version": 1, "paragraph": 1, "operation": "delete" });
    let again = app.json(&kz, "POST", &format!("{DOCUMENTS}/{elsewhere}/amendments"), &again).await;
    assert_eq!((again.status, &again.json()["error"]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("id")));
}

// The same response sent four times at once (a retry racing the first) is recorded once, and
// each sender is answered with it: on PostgreSQL the four run on connections of their own.
app_on_both_engines!(a_response_sent_twice_at_once_is_recorded_once, responses_at_once);

async fn responses_at_once(app: TestApp) {
    let secretariat = app.login("secretariat", DEMO_PASSWORD).await;
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    let am = app.login("delegation-am", DEMO_PASSWORD).await;
    let id = create(&app, &secretariat, "TEST/RACE", "members", &[], "разом").await;
    let amendments = format!("{DOCUMENTS}/{id}/amendments");
    let proposed = json!({ "participant": "KZ", "version": 1, "paragraph": 1, "operation": "delete" });
    let proposed = app.json(&kz, "POST", &amendments, &proposed).await;
    assert_eq!(proposed.status, StatusCode::CREATED, "{}", proposed.body);
    let responses = format!("{amendments}/{}/responses", proposed.json()["amendment"]["id"].as_str().unwrap());
    let support = json!({ "participant": "AM", "position": "supports" });
    let send = || app.json(&am, "POST", &responses, &support);
    let answers = tokio::join!(send(), send(), send(), send());
    let answers = [answers.0, answers.1, answers.2, answers.3];
    let mut statuses: Vec<StatusCode> = answers.iter().map(|a| a.status).collect();
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::OK, StatusCode::OK, StatusCode::CREATED],
        "one made, three found"
    );
    for answer in &answers {
        assert_eq!(answer.json()["amendment"]["responses"].as_array().map(Vec::len), Some(1), "{}", answer.body);
    }
    let recorded = &show(&app, &am, &id).await["amendments"][0]["responses"];
    assert_eq!(recorded.as_array().map(Vec::len), Some(1), "recorded once: {recorded:#}");
    // From the page, a response refused for its comment comes back with its position as chosen.
    let amendment = proposed.json()["amendment"]["id"].as_str().unwrap().to_string();
    let long = "о".repeat(6000);
    let refused = app
        .form(
            &am,
            &format!("/documents/{id}/amendments/{amendment}/responses"),
            &[
                ("amendment", amendment.as_str()),
                ("participant", "AM"),
                ("position", "objects"),
                ("comment", long.as_str()),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let respond = refused.body.split("class=\"inline respond\"").nth(1).unwrap().split("</form>").next().unwrap();
    assert!(respond.contains("<option value=\"objects\" selected>"), "{respond}");
    app.db.cleanup().await;
}

/// A paragraph amended by Belarus into version 2, then by Kazakhstan into version 3: compared from
/// 1 to 3, each one's words are credited to them, on the page and in the API; compared from 2 to 3,
/// only Kazakhstan's.
#[tokio::test]
async fn track_changes_credits_each_delegation_with_its_own_words_in_a_paragraph_amended_in_turn() {
    let app = TestApp::new().await;
    let secretariat = app.login("secretariat", DEMO_PASSWORD).await;
    let by = app.login("delegation-by", DEMO_PASSWORD).await;
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    let id = create(&app, &secretariat, "TEST/TURN", "members", &[], "поочерёдно").await;
    let turns = [
        (&by, "BY", 1, "Второй абзац о всестороннем сотрудничестве."),
        (&kz, "KZ", 2, "Второй абзац о всестороннем сотрудничестве в сфере транспорта."),
    ];
    for (session, participant, version, text) in turns {
        amended(&app, (&secretariat, session), &id, (participant, version, 2), text).await;
    }

    let changes = app.get(&kz, &format!("{DOCUMENTS}/{id}/changes?from=1&to=3")).await.json();
    let second = &changes["paragraphs"][1];
    let credits: Vec<&Value> = second["credits"].as_array().unwrap().iter().map(|c| &c["by"]).collect();
    assert_eq!(credits, [&json!("BY"), &json!("KZ")], "in the order their changes come: {second}");
    let changed: Vec<(&str, &str, &Value)> = second["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["tag"] != "equal")
        .map(|s| (s["tag"].as_str().unwrap(), s["text"].as_str().unwrap(), &s["credit"]["by"]))
        .collect();
    assert_eq!(
        changed,
        [("insert", "всестороннем ", &json!("BY")), ("insert", " в сфере транспорта", &json!("KZ"))],
        "{second}"
    );
    let page = app.get(&kz, &format!("/documents/{id}/changes?from=1&to=3")).await;
    assert!(page.body.contains("Proposed by Belarus, Kazakhstan"), "{}", page.body);
    assert!(page.body.contains("data-by=\"BY\">всестороннем </ins><sup class=\"by\">BY</sup>"), "{}", page.body);
    let ru = Session { lang: Some("ru"), ..kz.clone() };
    let ru = app.get(&ru, &format!("/documents/{id}/changes?from=1&to=3")).await;
    assert!(ru.body.contains("Предложено: Беларусь, Казахстан"), "{}", ru.body);
    let between = app.get(&kz, &format!("{DOCUMENTS}/{id}/changes?from=2&to=3")).await.json();
    let credits: Vec<&Value> =
        between["paragraphs"][1]["credits"].as_array().unwrap().iter().map(|c| &c["by"]).collect();
    assert_eq!(credits, [&json!("KZ")]);
}

/// A change of spaces alone is shown: each space changed is a visible mark, named for screen
/// readers, not an empty-looking one.
#[tokio::test]
async fn a_change_of_spaces_alone_is_shown() {
    let app = TestApp::new().await;
    let secretariat = app.login("secretariat", DEMO_PASSWORD).await;
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    let id = create(&app, &secretariat, "TEST/SPACES", "members", &[], "пробелы").await;
    // Kazakhstan rewrites the second paragraph of `version`; the page compares it with the next.
    let rewrite = |version: u32, text: &'static str| {
        let (app, secretariat, kz, id) = (&app, &secretariat, &kz, &id);
        async move {
            amended(app, (secretariat, kz), id, ("KZ", version, 2), text).await;
            app.get(kz, &format!("/documents/{id}/changes?from={version}&to={}", version + 1)).await.body
        }
    };
    let page = rewrite(1, "Второй абзац о  сотрудничестве.").await;
    let hidden = r#"<span class="visually-hidden">spaces</span>"#;
    let deleted = format!(
        r#"<del class="spaces" title="Kazakhstan" data-by="KZ"><span aria-hidden="true">␣</span>{hidden}</del>"#
    );
    let inserted = format!(
        r#"<ins class="spaces" title="Kazakhstan" data-by="KZ"><span aria-hidden="true">␣␣</span>{hidden}</ins>"#
    );
    assert!(page.contains(&deleted) && page.contains(&inserted), "{page}");
    // A no-break space for a space is marked as one, not as a space for a space.
    let page = rewrite(2, "Второй абзац о\u{a0} сотрудничестве.").await;
    assert!(page.contains(r#"<span aria-hidden="true">⍽␣</span>"#), "{page}");
}

/// An insert before the first paragraph reads as one at the beginning, in every language.
#[tokio::test]
async fn an_insert_at_the_top_is_said_to_go_at_the_beginning() {
    let app = TestApp::new().await;
    let secretariat = app.login("secretariat", DEMO_PASSWORD).await;
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    let id = create(&app, &secretariat, "TEST/TOP", "members", &[], "сначала").await;
    let top = json!({ "participant": "KZ", "version": 1, "paragraph": 0, "operation": "insert", "text": "Преамбула." });
    let made = app.json(&kz, "POST", &format!("{DOCUMENTS}/{id}/amendments"), &top).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let langs = [
        ("en", "Insert at the beginning", "after paragraph 0"),
        ("ru", "Вставить в начало", "после абзаца 0"),
        ("kk", "Басына қосу", "0-абзац"),
    ];
    for (lang, said, not_said) in langs {
        let page = app.get(&Session { lang: Some(lang), ..kz.clone() }, &format!("/documents/{id}")).await.body;
        assert!(page.contains(said) && !page.contains(not_said), "{lang}: {said}");
    }
}

/// Each role and what it must see of a public, a members', a listed (KZ, BY) and an internal (KZ)
/// document.
const READERS: [(&str, [bool; 4]); 9] = [
    ("anonymous", [true, false, false, false]),
    ("press", [true, false, false, false]),
    ("admin", [true, true, true, true]),
    ("secretariat", [true, true, true, false]),
    ("host", [true, true, true, false]),
    ("ministry-kz", [true, true, true, true]),
    ("delegation-kz", [true, true, true, true]),
    ("delegation-by", [true, true, true, false]),
    ("delegation-ru", [true, true, false, false]),
];

#[tokio::test]
async fn nobody_sees_a_document_above_their_classification_through_any_path() {
    let app = TestApp::new().await;
    let secretariat = app.login("secretariat", DEMO_PASSWORD).await;
    let kz = app.login("delegation-kz", DEMO_PASSWORD).await;
    let words = ["альфаслово", "бетаслово", "гаммаслово", "дельтаслово"];
    let mut ids = Vec::new();
    for (i, (class, readers)) in
        [("public", vec![]), ("members", vec![]), ("listed", vec!["KZ", "BY"])].into_iter().enumerate()
    {
        ids.push(create(&app, &secretariat, &format!("CLASS/{i}"), class, &readers, words[i]).await);
    }
    let internal = json!({ "body": "cis-cfm", "kind": "note", "register_number": "KZ/INT/X", "title": { "ru": "x" },
        "original_language": "ru", "classification": "internal", "readers": ["KZ"], "paragraphs": ["x"] });
    let not_theirs = app.json(&secretariat, "POST", DOCUMENTS, &internal).await;
    assert_eq!(not_theirs.status, StatusCode::FORBIDDEN, "a delegation's internal papers are its own to write");
    // Said before anything else is checked: nobody is coached to mend a paper not theirs to write.
    let mut mistyped = internal.clone();
    (mistyped["register_number"], mistyped["title"]) = (json!("QA/INT/1"), json!({ "en": "x" }));
    let not_theirs = app.json(&secretariat, "POST", DOCUMENTS, &mistyped).await;
    assert_eq!(not_theirs.status, StatusCode::FORBIDDEN, "{}", not_theirs.body);
    ids.push(create(&app, &kz, "KZ/INT/3", "internal", &["KZ"], words[3]).await);
    let mut failures = Vec::new();
    for (role, sees) in READERS {
        let session = if role == "anonymous" { Session::default() } else { app.login(role, DEMO_PASSWORD).await };
        let agenda = app.get(&session, "/api/v1/events/almaty-2025/meetings/cis-cfm/agenda").await.body;
        let agenda_page = app.get(&session, "/events/almaty-2025/meetings/cis-cfm/agenda").await.body;
        // The audit trail shows a document's entries to whoever may read both.
        let audit = app.get(&session, "/api/v1/audit").await;
        let reads_trail = audit.status == StatusCode::OK;
        for (k, id) in ids.iter().enumerate() {
            let word = words[k];
            let mut check = |path: &str, shown: bool| {
                if shown != sees[k] {
                    failures
                        .push(format!("{role} {} document {k} through {path}", if shown { "sees" } else { "misses" }));
                }
            };
            for path in [
                format!("{DOCUMENTS}/{id}"),
                format!("/documents/{id}"),
                format!("/documents/{id}/changes"),
                format!("{DOCUMENTS}/{id}/changes"),
            ] {
                let reply = app.get(&session, &path).await;
                let shown = reply.status == StatusCode::OK && reply.body.contains(word);
                assert!(shown || !reply.body.contains(word), "{role}: {path} leaks in its error");
                check(&path, shown);
            }
            let (status, pdf) = get_bytes(&app, &session, &format!("/documents/{id}.pdf")).await;
            check("the PDF", status == StatusCode::OK && !pdf.is_empty());
            let search = app.get(&session, &format!("{DOCUMENTS}?q={}", crate::support::urlencode(word))).await.body;
            check("the API search", search.contains(id.as_str()));
            let register = app.get(&session, &format!("/documents?q={}", crate::support::urlencode(word))).await.body;
            check("the register page", register.contains(id.as_str()));
            check("the agenda", agenda.contains(id.as_str()));
            check("the agenda page", agenda_page.contains(id.as_str()));
            if audit.body.contains(word) != (reads_trail && sees[k]) {
                failures.push(format!("{role} is shown document {k} wrongly in the audit trail"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The register narrowed to an event: its meetings' documents, not another event's; an unknown
/// event is named, not ignored.
#[tokio::test]
async fn the_register_lists_an_events_documents() {
    let app = TestApp::new().await;
    // The administrator reads every body's papers.
    let admin = app.login("admin", DEMO_PASSWORD).await;
    let total = |reply: &crate::support::Reply| reply.json()["total"].as_i64().unwrap();
    let all = total(&app.get(&admin, DOCUMENTS).await);
    let almaty = app.get(&admin, &format!("{DOCUMENTS}?event=almaty-2025")).await;
    let of_meeting = total(&app.get(&admin, &format!("{DOCUMENTS}?event=almaty-2025&meeting=cis-cfm")).await);
    assert!(total(&almaty) >= of_meeting && of_meeting > 0, "{}", almaty.body);
    // The meeting as the new-document form writes it names its event, on the page as in the API.
    let named = app.get(&admin, &format!("{DOCUMENTS}?meeting=almaty-2025/cis-cfm")).await;
    assert_eq!(total(&named), of_meeting, "{}", named.body);
    let page = app.get(&admin, "/documents?meeting=almaty-2025/cis-cfm").await.body;
    assert!(!page.contains("data-error-for=\"meeting\""), "{page}");
    assert_eq!(page.matches("<tr data-document=").count() as i64, of_meeting.min(50), "{page}");
    let bare = app.get(&admin, &format!("{DOCUMENTS}?meeting=cis-cfm")).await;
    assert_eq!(bare.json()["error"]["field"], "meeting", "a bare slug needs its event: {}", bare.body);
    let said = bare.json()["error"]["details"][0]["message"].as_str().unwrap().to_string();
    assert!(said.starts_with("Give the meeting with its event"), "{said}");
    assert!(almaty.json()["documents"].as_array().unwrap().iter().all(|d| !d["date"].is_null()), "{}", almaty.body);
    // Each row names its meeting, as the document itself does.
    let named: Vec<Value> = named.json()["documents"].as_array().unwrap().clone();
    assert!(
        named.iter().all(|d| d["meeting"]["slug"] == "cis-cfm" && d["meeting"]["event"] == "almaty-2025"),
        "{named:?}"
    );
    let minsk = app.get(&admin, &format!("{DOCUMENTS}?event=minsk-2024")).await;
    assert!(total(&minsk) + total(&almaty) <= all, "no paper of Almaty at Minsk: {} of {all}", total(&minsk));
    let unknown = app.get(&admin, &format!("{DOCUMENTS}?event=nope")).await;
    assert_eq!(
        (unknown.status, &unknown.json()["error"]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("event"))
    );
    app.db.cleanup().await;
}

/// Searches are kept for readers of the same reach until the data changes: a paper added after a
/// search is found by the next one, and a kept search never shows one reader another's papers.
#[tokio::test]
async fn a_kept_search_finds_a_new_paper_at_once_and_only_for_its_readers() {
    let app = TestApp::new().await;
    let secretariat = app.login("secretariat", DEMO_PASSWORD).await;
    let (kz, ru) = (app.login("delegation-kz", DEMO_PASSWORD).await, app.login("delegation-ru", DEMO_PASSWORD).await);
    let search = format!("{DOCUMENTS}?q=сейсмостойкости");
    let total = |reply: crate::support::Reply| reply.json()["total"].as_i64().unwrap();
    for reader in [&secretariat, &kz, &ru] {
        assert_eq!(total(app.get(reader, &search).await), 0);
    }
    create(&app, &secretariat, "TEST/KEPT", "members", &[], "сейсмостойкости").await;
    for reader in [&secretariat, &kz, &ru] {
        assert_eq!(total(app.get(reader, &search).await), 1, "the members' paper is found at once");
    }
    let internal = json!({
        "body": "cis-cfm", "meeting": "almaty-2025/cis-cfm", "kind": "note", "register_number": "RU/INT/KEPT",
        "title": { "ru": "О сейсмостойкости" }, "original_language": "ru", "classification": "internal",
        "readers": ["RU"], "paragraphs": ["Позиция о сейсмостойкости."],
    });
    assert_eq!(app.json(&ru, "POST", DOCUMENTS, &internal).await.status, StatusCode::CREATED);
    assert_eq!(total(app.get(&ru, &search).await), 2, "the delegation finds its own paper");
    assert_eq!(total(app.get(&kz, &search).await), 1, "another delegation's kept search stays without it");
    assert_eq!(total(app.get(&secretariat, &search).await), 1);
    let page = app.get(&kz, "/documents?q=сейсмостойкости").await.body;
    assert!(page.contains("TEST&#x2f;KEPT") && !page.contains("RU&#x2f;INT&#x2f;KEPT"), "{page}");
    app.db.cleanup().await;
}

/// An objection blocks consensus: "adopt" is then refused and nothing recorded, and the decision
/// that the document is not adopted is recorded only when said.
#[tokio::test]
async fn a_blocked_draft_is_recorded_as_not_adopted_only_when_said() {
    let app = TestApp::new().await;
    let secretariat = app.login("secretariat", DEMO_PASSWORD).await;
    let drafts = app.get(&secretariat, &format!("{DOCUMENTS}?status=draft")).await.json();
    let id = drafts["documents"][0]["id"].as_str().expect("the demo has a draft").to_string();
    let stances = format!("{DOCUMENTS}/{id}/stances");
    for (participant, stance) in [("KZ", "joins"), ("RU", "objects")] {
        let stated =
            app.json(&secretariat, "POST", &stances, &json!({ "participant": participant, "stance": stance })).await;
        assert_eq!(stated.status, StatusCode::OK, "{}", stated.body);
    }
    let decision = format!("{DOCUMENTS}/{id}/decision");
    let version = || async { show(&app, &secretariat, &id).await["document"]["version"].clone() };
    let adopt =
        app.json(&secretariat, "POST", &decision, &json!({ "version": version().await, "action": "adopt" })).await;
    assert_eq!(
        (adopt.status, &adopt.json()["error"]["code"]),
        (StatusCode::CONFLICT, &json!("refused")),
        "{}",
        adopt.body
    );
    assert_eq!(show(&app, &secretariat, &id).await["document"]["status"], "draft", "nothing recorded");
    let page = app.get(&secretariat, &format!("/documents/{id}")).await.body;
    let no_text = [("participant", "AM"), ("stance", "joins_with_reservation"), ("text", ""), ("read-AM", "none")];
    let refused = app.form(&secretariat, &format!("/documents/{id}/stances"), &no_text).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "a reservation needs its text");
    let sent = refused.body.split("id=\"stance-form\"").nth(1).unwrap().split("</form>").next().unwrap();
    assert!(
        sent.contains("<option value=\"AM\" selected>")
            && sent.contains("<option value=\"joins_with_reservation\" selected>"),
        "the member and the stance chosen are kept: {sent}"
    );
    let version = version().await.to_string();
    let said = app
        .form(
            &secretariat,
            &format!("/documents/{id}/decision"),
            &[("version", version.as_str()), ("action", "not_adopted")],
        )
        .await;
    assert_eq!(said.status, StatusCode::SEE_OTHER, "{}", said.body);
    assert!(page.contains("value=\"not_adopted\""), "the page's button sends what it says");
    assert_eq!(show(&app, &secretariat, &id).await["document"]["status"], "not_adopted");
}

/// A text with a character the PDFs' fonts lack is refused in words, naming the character and
/// the text to correct, not answered with a server error.
#[tokio::test]
async fn a_character_the_fonts_lack_is_named_when_the_pdf_is_asked_for() {
    let app = TestApp::new().await;
    let secretariat = app.login("secretariat", DEMO_PASSWORD).await;
    let note = |number: &str, paragraph: &str| {
        json!({ "body": "cis-cfm", "kind": "note", "register_number": number, "title": { "ru": "Записка" },
            "original_language": "ru", "classification": "members", "paragraphs": [paragraph] })
    };
    let pdf_of = |fields: Value| {
        let (app, secretariat) = (&app, &secretariat);
        async move {
            let made = app.json(secretariat, "POST", DOCUMENTS, &fields).await;
            assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
            let id = made.json()["document"]["id"].as_str().unwrap().to_string();
            get_bytes(app, secretariat, &format!("/documents/{id}.pdf?lang=ru")).await
        }
    };
    // Chinese is printed (the fallback font has it)…
    let (status, pdf) = pdf_of(note("СМИД/2025/Н1", "Встреча с министром Ван И (王毅).")).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&pdf));
    if let Some(text) = pdftotext(&pdf) {
        assert!(text.contains("Ван И (王毅)"), "{text}");
    }
    // …a script no embedded font has is refused, by name.
    let (status, body) = pdf_of(note("СМИД/2025/Н2", "Встреча с министром С. Джайшанкаром (एस. जयशंकर).")).await;
    let body = String::from_utf8_lossy(&body);
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("ए (U+090F)") && body.contains("Джайшанкаром"), "{body}");
}

/// The register's bodies are listed as the reader's language sorts their names, and a refused
/// filter shows no count that would read as an empty result.
#[tokio::test]
async fn the_registers_bodies_sort_in_the_readers_language_and_a_refused_filter_counts_nothing() {
    let app = TestApp::new().await;
    let secretariat = Session { lang: Some("ru"), ..app.login("secretariat", DEMO_PASSWORD).await };
    let page = app.get(&secretariat, "/documents").await.body;
    let select = page.split("<select id=\"body\" name=\"body\">").nth(1).unwrap().split("</select>").next().unwrap();
    let names: Vec<String> = select
        .split("</option>")
        .filter_map(|o| o.rsplit('>').next())
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect();
    let starts: Vec<&str> = names
        .iter()
        .map(|n| n.split(' ').take(2).collect::<Vec<_>>().join(" "))
        .map(|s| {
            let known = ["Саммит «Центральная", "Совет глав", "Совет министров", "Формат министров"];
            known.into_iter().find(|w| *w == s).unwrap_or("?")
        })
        .collect();
    assert_eq!(starts, ["Саммит «Центральная", "Совет глав", "Совет министров", "Формат министров"], "{names:?}");
    assert!(page.contains("id=\"documents-total\""));
    let refused = app.get(&secretariat, "/documents?kind=bogus").await;
    assert!(refused.body.contains("data-error-for=\"kind\""), "{}", refused.body);
    assert!(!refused.body.contains("id=\"documents-total\""), "{}", refused.body);
}

/// Every question is titled in the body's working language, whatever the language of the page:
/// an English-speaking secretariat's form asks for the Russian title beside the English one, and an
/// item titled only in English is refused at the Russian title with what was typed kept.
#[tokio::test]
async fn an_agenda_item_is_titled_in_the_bodys_working_language_from_any_page() {
    let app = TestApp::new().await;
    let en = Session { lang: Some("en"), ..app.login("secretariat", DEMO_PASSWORD).await };
    let kk = Session { lang: Some("kk"), ..app.login("secretariat", DEMO_PASSWORD).await };
    let page = "/events/almaty-2025/meetings/cis-cfm/agenda";
    let api = format!("/api/v1{page}");
    // On the adopted agenda an item's form has no titles: sent as the page renders it, only its
    // status changes, and the titles it did not show are kept.
    let (_, included) = agenda_items(&app.get(&en, &api).await.json())
        .into_iter()
        .find(|(f, i)| f == "extended" && i["status"] == "included")
        .unwrap();
    let included_id = included["id"].as_str().unwrap();
    let marker = format!("agenda/{included_id}\" class=\"inline item-status\"");
    let read = page_form(&app.get(&en, page).await.body, &marker);
    assert!(read.iter().all(|(k, _)| !k.starts_with("title_")), "{read:?}");
    let sent = app.send(&en, &format!("{page}/{included_id}"), &changed(&read, "status", "considered")).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let now =
        agenda_items(&app.get(&en, &api).await.json()).into_iter().find(|(_, i)| i["id"] == included["id"]).unwrap().1;
    assert_eq!((&now["status"], &now["title"]), (&json!("considered"), &included["title"]));

    let extended_now = extended(app.get(&en, &api).await.json());
    let reopen =
        json!({ "format": "extended", "version": extended_now["version"], "reason": { "en": "A new question" } });
    assert_eq!(app.json(&en, "POST", &format!("{api}/reopen"), &reopen).await.status, StatusCode::OK);

    let new_form = |body: &str| page_form(body, "id=\"agenda-form\"");
    let names = |fields: &[(String, String)]| fields.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
    let read = new_form(&app.get(&en, page).await.body);
    assert!(names(&read).contains(&"title_ru".to_string()), "a title in the working language: {read:?}");
    assert!(names(&read).contains(&"title_en".to_string()), "and in the reader's language: {read:?}");
    let kk_form = names(&new_form(&app.get(&kk, page).await.body));
    assert!(kk_form.contains(&"title_ru".to_string()) && kk_form.contains(&"title_kk".to_string()), "{kk_form:?}");
    assert!(!kk_form.contains(&"title_en".to_string()), "{kk_form:?}");

    let english = "On the Year of Youth";
    let fields = |ru: &str| {
        vec![
            ("format", "extended".to_string()),
            ("number", "90".to_string()),
            ("area", "cultural_humanitarian".to_string()),
            ("status", "proposed".to_string()),
            ("title_en", english.to_string()),
            ("title_ru", ru.to_string()),
        ]
    };
    let send = |ru: &'static str| {
        let (app, en) = (&app, &en);
        async move {
            let fields = fields(ru);
            app.form(en, page, &fields.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await
        }
    };
    let refused = send("").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("data-error-for=\"title.ru\""), "{}", refused.body);
    assert!(
        refused.body.contains("Give the title in the body&#x27;s working language (Russian) too."),
        "{}",
        refused.body
    );
    let kept = new_form(&refused.body);
    assert!(kept.contains(&("title_en".to_string(), english.to_string())), "what was typed is kept: {kept:?}");
    let russian = "О Годе молодёжи";
    assert_eq!(send(russian).await.status, StatusCode::SEE_OTHER);
    let added = agenda_items(&app.get(&en, &api).await.json()).into_iter().find(|(_, i)| i["number"] == 90).unwrap().1;
    assert_eq!(added["title"], json!({ "en": english, "ru": russian }));

    // Its own form shows both titles; the English one emptied is taken away, the Russian one kept.
    let id = added["id"].as_str().unwrap();
    let marker = format!("agenda/{id}\" class=\"inline item-status\"");
    let read = page_form(&app.get(&en, page).await.body, &marker);
    let value =
        |fields: &[(String, String)], name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    assert_eq!((value(&read, "title_ru"), value(&read, "title_en")), (Some(russian.into()), Some(english.into())));
    let item_page = format!("{page}/{id}");
    assert_eq!(app.send(&en, &item_page, &changed(&read, "title_en", "")).await.status, StatusCode::SEE_OTHER);
    let now = agenda_items(&app.get(&en, &api).await.json()).into_iter().find(|(_, i)| i["id"] == id).unwrap().1;
    assert_eq!(now["title"], json!({ "ru": russian }));
    // The Russian one emptied, with the English one typed again, is refused at the Russian title.
    let read = page_form(&app.get(&en, page).await.body, &marker);
    let only_english = changed(&changed(&read, "title_ru", ""), "title_en", english);
    let emptied = app.send(&en, &item_page, &only_english).await;
    assert_eq!(emptied.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", emptied.body);
    assert!(emptied.body.contains("data-error-for=\"title.ru\""), "{}", emptied.body);

    // The API says the same, by field.
    let body = json!({ "format": "extended", "number": 91, "title": { "en": english }, "area": "political" });
    let refused = app.json(&en, "POST", &api, &body).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert_eq!(refused.json()["error"]["field"], "title.ru", "{}", refused.body);
}

/// Two secretaries edit one item of a draft agenda from pages read at once: one retitles it, the
/// other renumbers it and meets a conflict. The form that comes back shows the new title beside the
/// number typed, so that sending it again keeps both changes.
#[tokio::test]
async fn an_agenda_item_sent_again_after_a_conflict_keeps_the_other_change() {
    let app = TestApp::new().await;
    let ru = Session { lang: Some("ru"), ..app.login("secretariat", DEMO_PASSWORD).await };
    let page = "/events/almaty-2025/meetings/cis-cfm/agenda";
    let api = format!("/api/v1{page}");
    let extended = extended(app.get(&ru, &api).await.json());
    let reopen = json!({ "format": "extended", "version": extended["version"], "reason": { "ru": "Уточнение" } });
    assert_eq!(app.json(&ru, "POST", &format!("{api}/reopen"), &reopen).await.status, StatusCode::OK);
    let item = agenda_items(&app.get(&ru, &api).await.json())
        .into_iter()
        .find(|(f, i)| f == "extended" && i["status"] == "included")
        .unwrap()
        .1;
    let (id, title) = (item["id"].as_str().unwrap(), item["title"]["ru"].as_str().unwrap());
    let item_page = format!("{page}/{id}");
    // The item's form as a page shows it.
    let marker = format!("agenda/{id}\" class=\"inline item-status\"");
    let read = page_form(&app.get(&ru, page).await.body, &marker);
    let retitled = format!("{title} (уточнено)");
    let first = app.send(&ru, &item_page, &changed(&read, "title_ru", &retitled)).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let stale = app.send(&ru, &item_page, &changed(&read, "number", "90")).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let back = page_form(&stale.body, &marker);
    let value = |name: &str| back.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    assert_eq!(value("title_ru"), retitled, "the title as it is now: {back:?}");
    assert_eq!(value("number"), "90", "the number typed: {back:?}");
    let again = app.send(&ru, &item_page, &back).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let now = agenda_items(&app.get(&ru, &api).await.json()).into_iter().find(|(_, i)| i["id"] == id).unwrap().1;
    assert_eq!((now["title"]["ru"].as_str(), now["number"].as_u64()), (Some(retitled.as_str()), Some(90)));
    // The title in the working language emptied is said to be needed, not kept unseen.
    let read = page_form(&app.get(&ru, page).await.body, &marker);
    let emptied = app.send(&ru, &item_page, &changed(&read, "title_ru", "")).await;
    assert_eq!(emptied.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", emptied.body);
    assert!(emptied.body.contains("data-error-for=\"title.ru\""), "{}", emptied.body);
    // A choice both changed is said beside it as the form offers it, not by its code.
    let read = page_form(&app.get(&ru, page).await.body, &marker);
    let first = app.send(&ru, &item_page, &changed(&read, "status", "proposed")).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let both = app.send(&ru, &item_page, &changed(&read, "status", "withdrawn")).await;
    assert_eq!(both.status, StatusCode::CONFLICT, "{}", both.body);
    assert!(both.body.contains("изменил это поле на: Предложен"), "{}", both.body);
}

#[tokio::test]
async fn a_treaty_of_many_pages_goes_in_through_the_form_and_a_text_past_the_limit_is_refused_with_the_form_kept() {
    let app = TestApp::new().await;
    let secretariat = app.login("secretariat", DEMO_PASSWORD).await;
    let paragraph = "Государства – участники Содружества Независимых Государств, именуемые в дальнейшем Сторонами, \
        руководствуясь стремлением к развитию всестороннего сотрудничества, согласились о нижеследующем. "
        .repeat(3);
    let text = |paragraphs: usize| {
        let mut all = vec![paragraph.trim(); paragraphs];
        all.push("Последний абзац.");
        all.join("\r\n\r\n")
    };
    let sent = |register_number: &'static str, text: String| {
        let secretariat = &secretariat;
        let app = &app;
        async move {
            let fields = [
                ("body", "cis-cfm"),
                ("kind", "agreement"),
                ("register_number", register_number),
                ("language", "ru"),
                ("classification", "members"),
                ("title", "Соглашение о всеобъемлющем партнёрстве"),
                ("text", text.as_str()),
            ];
            app.form(secretariat, "/documents", &fields).await
        }
    };
    // Some 70 pages: over a megabyte as a form encodes it, each Cyrillic letter in six bytes.
    let long = text(400);
    assert!(long.chars().count() > 200_000);
    let made = sent("TEST/LONG", long).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let page = app.get(&secretariat, made.location()).await.body;
    assert!(page.contains("data-paragraph=\"401\"") && page.contains("Последний абзац."), "every paragraph is kept");
    // Past the longest text a version may hold, the form comes back with the text in it and the
    // limit said at the text.
    let longer = text(domain::documents::MAX_TEXT_CHARS / paragraph.trim().chars().count() + 1);
    let refused = sent("TEST/LONGER", longer).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("data-error-for=\"paragraphs\""), "the error is at the text");
    assert!(refused.body.contains("At most 1000000 characters."), "and names the limit");
    assert!(refused.body.contains("Последний абзац."), "the text sent stays in the form");
}
