//! The briefing pack for a bilateral, generated in a click by either side's ministry or
//! accreditation officer: agreements between the two and their status, open and overdue action
//! items on each side, the multilateral agreements both are party to, their recent meetings and what
//! was adopted there, and open bilateral requests. Each side's internal assessments appear only in
//! its own copy. `/briefings/kz-ru` (page), `/briefings/kz-ru.pdf`, `/api/v1/briefings/kz-ru`.

use axum::Json;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use domain::Id;
use domain::briefings::{Briefing, Entry, Sources, briefing};
use domain::documents::DocumentStatus;
use domain::policy::briefing_side;
use serde_json::{Value, json};

use crate::AppState;
use crate::agreements::Follow;
use crate::error::AppError;
use crate::guard::Ctx;
use crate::input::Path;
use crate::render;
use crate::routes::Registry;

pub(crate) fn routes(r: Registry) -> Registry {
    r.get("/briefings/{pair}", "The briefing pack for a bilateral (kz-ru; …/kz-ru.pdf: its PDF)", page).get(
        "/api/v1/briefings/{pair}",
        "The briefing pack for a bilateral, as JSON (kz-ru)",
        api,
    )
}

/// How many of the two sides' recent meetings the pack recalls.
const RECENT_MEETINGS: usize = 5;

/// A pack as its reader's side sees it, with what pages and the PDF show around it.
struct Pack {
    follow: Follow,
    pack: Briefing,
    meetings: Vec<Value>,
    requests: Vec<Value>,
}

impl Pack {
    async fn load(state: &AppState, ctx: &Ctx, pair: &str) -> Result<Pack, AppError> {
        let follow = Follow::load(state, ctx).await?;
        let (a, b) = pair.split_once('-').ok_or(AppError::NotFound)?;
        // A pack is for two sides: a state meets no bilateral of its own.
        if a != a.to_ascii_lowercase() || b != b.to_ascii_lowercase() || a == b {
            return Err(AppError::NotFound);
        }
        let a = follow.participant(a).ok_or(AppError::NotFound)?.id;
        let b = follow.participant(b).ok_or(AppError::NotFound)?.id;
        let reader = briefing_side(&ctx.actor, a, b)?;
        let other = if reader == a { b } else { a };
        let pack = {
            let zones = |p: Id| follow.zone(p);
            let sources = Sources {
                agreements: &follow.agreements,
                items: &follow.items,
                reports: &follow.reports,
                now: follow.now,
                zones: &zones,
            };
            briefing(reader, other, &follow.reach.own, &sources)
        };
        let meetings = meetings(state, ctx, reader, other).await?;
        let requests = requests(state, &follow, reader, other, ctx.lang).await?;
        Ok(Pack { follow, pack, meetings, requests })
    }

    fn json(&self, state: &AppState, lang: &str) -> Value {
        let f = &self.follow;
        let entry = |e: &Entry| {
            let mut v = f.agreement_json(state, &e.agreement, lang);
            v["status"] = json!(e.status);
            v["items"] = json!(
                e.items.iter().map(|l| f.item_with_reports(state, &l.item, l.reports.iter(), lang)).collect::<Vec<_>>()
            );
            v
        };
        let side = |id: Id| {
            f.participants
                .iter()
                .find(|p| p.id == id)
                .map(|p| json!({ "code": p.code, "name": p.short_name.get(lang) }))
        };
        json!({
            "reader": side(self.pack.sides[0]), "other": side(self.pack.sides[1]),
            "bilateral": self.pack.bilateral.iter().map(entry).collect::<Vec<_>>(),
            "multilateral": self.pack.multilateral.iter().map(entry).collect::<Vec<_>>(),
            "meetings": self.meetings, "requests": self.requests,
            "generated": f.now,
        })
    }
}

/// The two sides' latest meetings in bodies they both belong to, with the documents adopted there
/// that the reader may see.
async fn meetings(state: &AppState, ctx: &Ctx, a: Id, b: Id) -> Result<Vec<Value>, AppError> {
    let today = crate::input::today_in("UTC");
    let memberships = store::bodies::all_memberships(&state.store).await?;
    let takes_part = |body: Id, p: Id| {
        domain::bodies::status_on(
            &memberships.iter().filter(|m| m.body_id == body).cloned().collect::<Vec<_>>(),
            p,
            today,
        )
        .is_some_and(|s| s.takes_part())
    };
    let reach = crate::documents::reach(state, ctx).await?;
    let mut found = Vec::new();
    for body in store::bodies::list(&state.store).await? {
        if !(takes_part(body.id, a) && takes_part(body.id, b)) {
            continue;
        }
        for m in store::events::meetings_of_body(&state.store, body.id).await? {
            if m.meeting.date <= today {
                found.push((body.name.get(ctx.lang).to_string(), m));
            }
        }
    }
    found.sort_by_key(|(_, m)| std::cmp::Reverse(m.meeting.date));
    found.truncate(RECENT_MEETINGS);
    let mut out = Vec::new();
    for (body, m) in found {
        let adopted: Vec<Value> = store::documents::of_meeting(&state.store, m.meeting.id)
            .await?
            .into_iter()
            .filter(|d| matches!(d.status, DocumentStatus::Adopted | DocumentStatus::Signed) && reach.sees(d))
            .map(|d| json!({ "id": d.id, "register_number": d.register_number, "title": d.title.get(ctx.lang) }))
            .collect();
        out.push(json!({
            "body": body, "title": m.meeting.title.get(ctx.lang), "date": m.meeting.date,
            "date_shown": state.i18n.date(ctx.lang, m.meeting.date), "city": m.city.get(ctx.lang),
            "event": m.event_slug, "adopted": adopted,
        }))
    }
    Ok(out)
}

/// The requests for a meeting of the two that are neither declined nor withdrawn, at any event:
/// the two sides' own requests, which their ministries see (`domain::policy::bilateral_scope`).
async fn requests(state: &AppState, f: &Follow, a: Id, b: Id, lang: &str) -> Result<Vec<Value>, AppError> {
    use domain::bilaterals::Status;
    let code = |id: Id| f.participants.iter().find(|p| p.id == id).map(|p| p.code.clone()).unwrap_or_default();
    let (a, b) = (code(a), code(b));
    let events = store::events::page(&state.store, i64::from(u16::MAX), 0).await?;
    let mut out = Vec::new();
    for r in store::bilaterals::of_participant(&state.store, &a).await? {
        if r.has_side(&b) && !matches!(r.status(), Status::Declined | Status::Withdrawn) {
            let Some(event) = events.iter().find(|e| e.id == r.event_id) else { continue };
            out.push(json!({ "event": event.slug, "event_name": event.name.get(lang), "status": r.status().as_str(),
                "duration": r.duration, "requester": r.requester() }));
        }
    }
    Ok(out)
}

async fn page(State(state): State<AppState>, ctx: Ctx, Path(pair): Path<String>) -> Result<Response, AppError> {
    if let Some(pair) = pair.strip_suffix(".pdf") {
        return pdf(&state, &ctx, pair).await;
    }
    let pack = Pack::load(&state, &ctx, &pair).await?;
    let page: Html<String> = render::page(&state, &ctx, "briefings/show.html", pack.json(&state, ctx.lang))?;
    Ok(page.into_response())
}

async fn api(State(state): State<AppState>, ctx: Ctx, Path(pair): Path<String>) -> Result<Json<Value>, AppError> {
    let pack = Pack::load(&state, &ctx, &pair).await?;
    Ok(Json(pack.json(&state, ctx.lang)))
}

/// The pack on paper: one numbered paragraph per agreement, item and meeting, through the same
/// layout as documents.
async fn pdf(state: &AppState, ctx: &Ctx, pair: &str) -> Result<Response, AppError> {
    let pack = Pack::load(state, ctx, pair).await?;
    let lang = ctx.lang;
    let v = pack.json(state, lang);
    let t = |key: &str, args: &[(&str, fluent_bundle::FluentValue)]| state.i18n.t(lang, key, args);
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let mut paragraphs = Vec::new();
    for (heading, list) in [("briefing-bilateral", &v["bilateral"]), ("briefing-multilateral", &v["multilateral"])] {
        for a in list.as_array().into_iter().flatten() {
            let status = t(&format!("agreement-status-{}", text(&a["status"])), &[]);
            paragraphs.push(format!(
                "{} — {} ({status}; {})",
                t(heading, &[]),
                text(&a["title_shown"]),
                text(&a["parties_shown"])
            ));
            for i in a["items"].as_array().into_iter().flatten() {
                let status = t(&format!("item-status-{}", text(&i["status"])), &[]);
                let mut line = format!(
                    "• {} — {} ({status}; {})",
                    text(&i["title_shown"]),
                    text(&i["responsible_shown"]),
                    text(&i["deadline_shown"])
                );
                for r in i["reports"].as_array().into_iter().flatten() {
                    line.push_str(&format!(" — {}: {}", text(&r["date_shown"]), text(&r["text"])));
                }
                paragraphs.push(line);
            }
        }
    }
    for m in v["meetings"].as_array().into_iter().flatten() {
        let adopted: Vec<String> = m["adopted"].as_array().into_iter().flatten().map(|d| text(&d["title"])).collect();
        paragraphs.push(format!(
            "{} — {}, {}: {}",
            t("briefing-meeting", &[]),
            text(&m["title"]),
            text(&m["date_shown"]),
            adopted.join("; ")
        ));
    }
    for r in v["requests"].as_array().into_iter().flatten() {
        let status = t(&format!("bilateral-status-{}", text(&r["status"])), &[]);
        paragraphs.push(format!("{} — {} ({status})", t("briefing-request", &[]), text(&r["event_name"])));
    }
    if paragraphs.is_empty() {
        paragraphs.push(t("briefing-empty", &[]));
    }
    let title = format!("{} – {}", text(&v["reader"]["name"]), text(&v["other"]["name"]));
    let data = pdf::DocumentPdf {
        language: lang.to_string(),
        body: t("briefing-title", &[]),
        kind: String::new(),
        register_number: String::new(),
        title,
        version_line: state.i18n.date(lang, pack.follow.now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date()),
        paragraphs,
        place_and_date: None,
        signature_block: Vec::new(),
        notes: Vec::new(),
        watermark: None,
        sha256: None,
    };
    let bytes = crate::pdfs::render(move || pdf::document(&data)).await?;
    Ok(render::file(bytes, "application/pdf", render::Disposition::Inline, &format!("briefing-{pair}.pdf")))
}
