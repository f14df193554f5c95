//! The press office and the public site: media accreditation, press releases drafted from the record,
//! photos with credits, the event's press page, release pages with Open Graph tags, Atom feeds and the
//! sitemap.
//!
//! Timing is decided in one place, `PressRelease::shown_to` (and the same rule inside the store's
//! queries): every path here reads releases through it with the clock's `now`, so nothing appears to
//! the public before its time, and everything appears on every path the moment it has passed.

use std::collections::BTreeSet;

use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::accounts::{Role, check_password, check_username};
use domain::events::Event;
use domain::policy::{Action, authorize, press_reach, press_reader};
use domain::press::Reach;
use domain::press::draft::{self, Draft};
use domain::press::{
    ApplicationDecision, ApplicationInput, ApplicationStatus, MediaApplication, PhotoInput, PressPhoto, PressRelease,
    Reader, ReleaseInput, Shown, Transition,
};
use domain::programme::{PressAccess, Visibility};
use domain::validation::Checker;
use domain::{Id, Text, new_id};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::AppError;
use crate::guard::Ctx;
use crate::input::{Form, JsonBody, New, Path, QueryParams, multipart_form};
use crate::render;
use crate::routes::{CREATED, CREATED_OR_OK, Made, Registry};

pub(crate) mod record;

use record::{DraftRequest, drafted, english, record_of};

pub(crate) fn routes(r: Registry) -> Registry {
    r.get(
        "/events/{event}/press",
        "The event's press page: releases (?q= to search) and photos with credits",
        event_page,
    )
    .get("/press-releases/{release}", "A press release (the press office also edits it here)", release_page)
    .get("/events/{event}/feed.atom", "The event's press releases as an Atom feed", event_feed)
    .get("/feed.atom", "Every event's press releases as an Atom feed", site_feed)
    .get("/sitemap.xml", "The public pages, for search engines", sitemap)
    .get("/press-photos/{photo}", "A press photo (?size=thumb for the thumbnail)", photo_file)
    .get("/events/{event}/press-office", "The press office: releases, drafts from the record, photos, media", office)
    .post("/events/{event}/press-releases", "Start a release, blank or drafted from the record (form)", create_form)
    .post("/press-releases/{release}", "Edit a release; after release, a correction (form)", edit_form)
    .post("/press-releases/{release}/status", "Send to review, schedule, embargo or publish (form)", status_form)
    .post("/events/{event}/press-photos", "Upload a photo with caption and credit (multipart form)", photo_form)
    .post("/press-photos/{photo}/delete", "Take a photo down, with an audit entry (form)", delete_photo_form)
    .get("/events/{event}/media", "Apply for media accreditation", apply_page)
    .post("/events/{event}/media", "Apply for media accreditation (multipart form)", apply_form)
    .post("/media-applications/{application}/decision", "Approve or reject a journalist (form)", decide_form)
    .get(
        "/media-applications/{application}/photo",
        "A journalist's photo, for the host deciding (?size=thumb)",
        applicant_photo,
    )
    .get("/events/{event}/media-programme", "The media programme: open and pool items", media_programme)
    .post(
        "/api/v1/events/{event}/press-releases/draft",
        "Draft a release from the record ({date, lang, meeting?, bilateral?})",
        api_draft,
    )
    .get("/api/v1/press-releases", "The press releases the caller may see (?event=&q=&page=)", api_list)
    .post("/api/v1/events/{event}/press-releases", "Start a press release", api_create)
    .answering(CREATED_OR_OK)
    .get("/api/v1/press-releases/{release}", "A press release as the caller may see it", api_show)
    .put("/api/v1/press-releases/{release}", "Edit a release ({title, body, photos, note?, version})", api_edit)
    .post("/api/v1/press-releases/{release}/status", "Move a release ({to, at?, version})", api_status)
    .get("/api/v1/events/{event}/press-photos", "The press photos the caller may see", api_photos)
    .post("/api/v1/events/{event}/media-applications", "Apply for media accreditation", api_apply)
    .answering(CREATED)
}

/// How many releases a list shows.
const PAGE: i64 = 50;

fn now() -> Timestamp {
    Timestamp::now()
}

fn base(state: &AppState) -> String {
    state.config.base_url.trim_end_matches('/').to_string()
}

/// The event and how the reader sees its press material.
async fn event_and_reader(state: &AppState, ctx: &Ctx, slug: &str) -> Result<(Event, Reader), AppError> {
    let event = store::events::by_slug(&state.store, slug).await?;
    let reader = press_reader(&ctx.actor, event.id);
    Ok((event, reader))
}

/// A release the reader may see, with how they see it; one they may not is not found.
async fn visible_release(
    state: &AppState,
    ctx: &Ctx,
    id: Id,
) -> Result<(PressRelease, Event, Reader, Shown), AppError> {
    let release = store::press::release(&state.store, id).await?.ok_or(AppError::NotFound)?;
    let event = store::events::by_id(&state.store, release.event_id).await?;
    let reader = press_reader(&ctx.actor, event.id);
    let shown = release.shown_to(reader, now()).ok_or(AppError::NotFound)?;
    Ok((release, event, reader, shown))
}

/// The photos a reader may see at an event: the press office sees all of them; the press, the pool
/// (those marked public and those of the releases they may read, embargoed ones included); the
/// public, those marked public and those of released releases.
async fn photos_for(state: &AppState, event: &Event, reader: Reader) -> Result<Vec<PressPhoto>, AppError> {
    Ok(match reader {
        Reader::Public => store::press::public_photos(&state.store, Some(event.id), now()).await?,
        Reader::Editor => store::press::photos_of_event(&state.store, event.id).await?,
        Reader::Press => {
            let at = now();
            let query = store::press::ReleaseQuery {
                event: Some(event.id),
                reach: Reach::Press { events: vec![event.id] },
                now: at,
                limit: 0,
                offset: 0,
            };
            let readable: BTreeSet<Id> = store::press::releases(&state.store, &query)
                .await?
                .into_iter()
                .filter(|r| r.shown_to(Reader::Press, at).is_some())
                .flat_map(|r| r.photos)
                .collect();
            let all = store::press::photos_of_event(&state.store, event.id).await?;
            all.into_iter().filter(|p| p.public || readable.contains(&p.id)).collect()
        }
    })
}

fn photo_json(p: &PressPhoto, lang: &str) -> Value {
    json!({
        "id": p.id, "caption": p.caption.get(lang), "captions": p.caption, "credit": p.credit, "item": p.item,
        "public": p.public, "width": p.width, "height": p.height,
        "src": format!("/press-photos/{}", p.id), "thumb": format!("/press-photos/{}?size=thumb", p.id),
    })
}

fn release_json(
    i18n: &crate::I18n,
    r: &PressRelease,
    shown: Shown,
    lang: &str,
    tz: &str,
    photos: &[PressPhoto],
) -> Value {
    // Written out in the reader's language, with its offset: a journalist elsewhere must not
    // guess whose noon an embargo ends at.
    let local = |t: Timestamp| {
        t.in_tz(tz)
            .map_or_else(|_| t.to_string(), |z| format!("{} (UTC{})", i18n.date_time(lang, &z), z.strftime("%:z")))
    };
    let paragraphs: Vec<&str> = r.body.get(lang).split("\n\n").filter(|p| !p.trim().is_empty()).collect();
    json!({
        "id": r.id, "title": r.title.get(lang), "paragraphs": paragraphs,
        "status": r.status_at(now()).as_str(), "shown": shown,
        "release_at": r.release_at.map(local), "release_at_utc": r.release_at,
        "embargoed_until": match shown { Shown::Embargoed { until } => Some(local(until)), _ => None },
        "corrections": r.corrections.iter().map(|c| json!({
            "at": local(c.at), "note": c.note.get(lang), "previous_title": c.previous_title.get(lang),
            "previous_body": c.previous_body.get(lang),
        })).collect::<Vec<_>>(),
        "photos": r.photos.iter().filter_map(|id| photos.iter().find(|p| p.id == *id)).map(|p| photo_json(p, lang)).collect::<Vec<_>>(),
        "photo_ids": r.photos, "version": r.version,
    })
}

/// The releases a query reaches, one page of them, and how many there are in all; with words to
/// look for, only those whose text holds them. The timing filter stays inside the store's query.
async fn listed(
    state: &AppState,
    query: store::press::ReleaseQuery,
    words: Option<&str>,
) -> Result<(Vec<PressRelease>, i64), AppError> {
    // A query of no words (blank, or punctuation alone) is no search.
    let Some(words) = words.filter(|w| domain::words::words(w).next().is_some()) else {
        let total = store::press::count_releases(&state.store, &query).await?;
        return Ok((store::press::releases(&state.store, &query).await?, total));
    };
    let (offset, limit) = (query.offset.max(0) as usize, query.limit.max(1) as usize);
    let all =
        store::press::releases(&state.store, &store::press::ReleaseQuery { limit: 0, offset: 0, ..query }).await?;
    let found: Vec<PressRelease> = all.into_iter().filter(|r| r.mentions(words)).collect();
    let total = found.len() as i64;
    Ok((found.into_iter().skip(offset).take(limit).collect(), total))
}

#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct Search {
    q: Option<String>,
}

async fn event_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    QueryParams(search): QueryParams<Search>,
) -> Result<Html<String>, AppError> {
    let (event, reader) = event_and_reader(&state, &ctx, &slug).await?;
    let at = now();
    let query = store::press::ReleaseQuery {
        event: Some(event.id),
        reach: Reach::at_event(reader, event.id),
        now: at,
        limit: PAGE,
        offset: 0,
    };
    let (releases, _) = listed(&state, query, search.q.as_deref()).await?;
    let photos = photos_for(&state, &event, reader).await?;
    let releases: Vec<Value> = releases
        .iter()
        .filter_map(|r| {
            r.shown_to(reader, at).map(|s| release_json(&state.i18n, r, s, ctx.lang, &event.time_zone, &photos))
        })
        .collect();
    let model = json!({
        "event": { "slug": event.slug, "name": event.name.get(ctx.lang), "city": event.city.get(ctx.lang) },
        "releases": releases,
        "photos": photos.iter().map(|p| photo_json(p, ctx.lang)).collect::<Vec<_>>(),
        "editor": reader == Reader::Editor, "press": reader == Reader::Press,
        "feed": format!("/events/{}/feed.atom?lang={}", event.slug, ctx.lang),
        "q": search.q,
    });
    render::page(&state, &ctx, "press/event.html", model)
}

async fn release_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Id>) -> Result<Html<String>, AppError> {
    let (release, event, reader, shown) = visible_release(&state, &ctx, id).await?;
    let now = release_form(&release);
    let values = if reader == Reader::Editor { crate::input::edit_values(now) } else { json!({}) };
    release_view(&state, &ctx, &release, &event, reader, shown, values, json!({})).await
}

/// A release as its edit form's values.
fn release_form(release: &PressRelease) -> Value {
    let mut form = json!({ "photos": release.photos, "version": release.version });
    for (lang, title) in &release.title.0 {
        form[format!("title_{lang}")] = json!(title);
    }
    for (lang, body) in &release.body.0 {
        form[format!("body_{lang}")] = json!(body);
    }
    form
}

#[allow(clippy::too_many_arguments)]
async fn release_view(
    state: &AppState,
    ctx: &Ctx,
    release: &PressRelease,
    event: &Event,
    reader: Reader,
    shown: Shown,
    values: Value,
    errors: Value,
) -> Result<Html<String>, AppError> {
    let photos = photos_for(state, event, reader).await?;
    let url = format!("{}/press-releases/{}", base(state), release.id);
    let first_photo = release.photos.iter().find_map(|id| photos.iter().find(|p| p.id == *id));
    let model = json!({
        "event": { "slug": event.slug, "name": event.name.get(ctx.lang) },
        "release": release_json(&state.i18n, release, shown, ctx.lang, &event.time_zone, &photos),
        "og": {
            "url": url,
            "image": first_photo.map(|p| format!("{}/press-photos/{}", base(state), p.id)),
            "image_alt": first_photo.map(|p| p.caption.get(ctx.lang).to_string()),
            "description": release.body.get(ctx.lang).chars().take(200).collect::<String>(),
        },
        "editor": reader == Reader::Editor,
        "pool": photos.iter().map(|p| photo_json(p, ctx.lang)).collect::<Vec<_>>(),
        "released": release.is_out(now()),
        "stored": release_form(release),
        "time_note": render::time_note(
            &state.i18n, ctx.lang, event.city.get(ctx.lang), &event.time_zone, event.start_date, event.end_date,
        ),
        "values": values, "errors": errors,
    });
    render::page(state, ctx, "press/release.html", model)
}

/// Renders a feed of the releases the public sees: one event's, or every event's.
async fn feed(state: &AppState, event: Option<&Event>, lang: &'static str) -> Result<Response, AppError> {
    let at = now();
    let query = store::press::ReleaseQuery {
        event: event.map(|e| e.id),
        reach: Reach::Public,
        now: at,
        limit: PAGE,
        offset: 0,
    };
    let releases = store::press::releases(&state.store, &query).await?;
    let photo_ids: Vec<Id> = releases.iter().flat_map(|r| r.photos.iter().copied()).collect();
    let photos = store::press::photos_by_ids(&state.store, &photo_ids).await?;
    let base = base(state);
    let entries: Vec<::render::atom::Entry> = releases
        .iter()
        .filter(|r| r.shown_to(Reader::Public, at).is_some())
        .map(|r| {
            let published = r.release_at.unwrap_or(r.created_at);
            // A release not written in the reader's language is served, and labelled, in another.
            let (written_in, body) = r.body.shown(lang).unwrap_or((lang, ""));
            ::render::atom::Entry {
                id: format!("urn:uuid:{}", r.id),
                title: r.title.get(written_in).to_string(),
                link: format!("{base}/press-releases/{}", r.id),
                published,
                updated: r.corrected_at().unwrap_or(published),
                content: body.to_string(),
                lang: written_in.to_string(),
                photos: r
                    .photos
                    .iter()
                    .filter_map(|id| photos.iter().find(|p| p.id == *id))
                    .map(|p| format!("{} — {}", p.caption.get(lang), credit_line(state, lang, &p.credit)))
                    .collect(),
            }
        })
        .collect();
    let updated = entries.iter().map(|e| e.updated).max().unwrap_or(at);
    let (id, title, self_link, page) = match event {
        // Each language is a feed of its own, with its own id and address.
        Some(e) => (
            format!("{base}/events/{}/feed.atom?lang={lang}", e.slug),
            e.name.get(lang).to_string(),
            format!("{base}/events/{}/feed.atom?lang={lang}", e.slug),
            format!("{base}/events/{}/press", e.slug),
        ),
        None => (
            format!("{base}/feed.atom?lang={lang}"),
            state.i18n.t(lang, "press-site-feed", &[]),
            format!("{base}/feed.atom?lang={lang}"),
            format!("{base}/"),
        ),
    };
    let xml = ::render::atom::feed(
        &::render::atom::Feed {
            id,
            title,
            self_link,
            page,
            author: state.i18n.t(lang, "app-name", &[]),
            updated,
            lang: lang.to_string(),
        },
        &entries,
    );
    // The feed is written in the reader's language, which a shared cache must key on.
    let headers = [
        (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
        (header::CACHE_CONTROL, "public, max-age=60"),
        (header::VARY, "Accept-Language, Cookie"),
    ];
    Ok((headers, xml).into_response())
}

fn credit_line(state: &AppState, lang: &str, credit: &str) -> String {
    state.i18n.t(lang, "press-photo-credit", &[("credit", credit.to_string().into())])
}

async fn event_feed(State(state): State<AppState>, ctx: Ctx, Path(slug): Path<String>) -> Result<Response, AppError> {
    let event = store::events::by_slug(&state.store, &slug).await?;
    feed(&state, Some(&event), ctx.lang).await
}

async fn site_feed(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    feed(&state, None, ctx.lang).await
}

/// Every public page: events with their programmes and press pages, bodies, released releases and
/// public documents.
async fn sitemap(State(state): State<AppState>) -> Result<Response, AppError> {
    let at = now();
    let base = base(&state);
    let mut pages: Vec<(String, Option<Timestamp>)> =
        vec![(format!("{base}/"), None), (format!("{base}/events"), None)];
    for event in store::events::page(&state.store, 1000, 0).await? {
        for path in ["", "/programme", "/press"] {
            pages.push((format!("{base}/events/{}{path}", event.slug), None));
        }
    }
    for body in store::bodies::list(&state.store).await? {
        pages.push((format!("{base}/bodies/{}", body.slug), None));
    }
    let query = store::press::ReleaseQuery { event: None, reach: Reach::Public, now: at, limit: 1000, offset: 0 };
    for r in store::press::releases(&state.store, &query).await? {
        if r.shown_to(Reader::Public, at).is_some() {
            pages.push((format!("{base}/press-releases/{}", r.id), r.corrected_at().or(r.release_at)));
        }
    }
    for id in store::documents::public_ids(&state.store).await? {
        pages.push((format!("{base}/documents/{id}"), None));
    }
    Ok(([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], ::render::sitemap::sitemap(&pages)).into_response())
}

async fn photo_file(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    QueryParams(size): QueryParams<crate::input::PhotoSize>,
) -> Result<Response, AppError> {
    let photo = store::press::photo(&state.store, id).await?.ok_or(AppError::NotFound)?;
    let event = store::events::by_id(&state.store, photo.event_id).await?;
    let reader = press_reader(&ctx.actor, event.id);
    let visible = photos_for(&state, &event, reader).await?.iter().any(|p| p.id == id);
    if !visible {
        return Err(AppError::NotFound);
    }
    let thumbnail = size.thumbnail();
    let bytes = store::press::photo_bytes(&state.store, id, thumbnail).await?.ok_or(AppError::NotFound)?;
    let cache = if reader == Reader::Public { "public, max-age=60" } else { "private, max-age=60" };
    Ok(([(header::CONTENT_TYPE, "image/jpeg"), (header::CACHE_CONTROL, cache)], bytes).into_response())
}

/// The press office's desk.
async fn office(State(state): State<AppState>, ctx: Ctx, Path(slug): Path<String>) -> Result<Html<String>, AppError> {
    let event = store::events::by_slug(&state.store, &slug).await?;
    authorize(&ctx.actor, Action::RunPressOffice { event: event.id })?;
    office_view(&state, &ctx, &event, json!({}), json!({})).await
}

async fn office_view(
    state: &AppState,
    ctx: &Ctx,
    event: &Event,
    values: Value,
    errors: Value,
) -> Result<Html<String>, AppError> {
    let at = now();
    let query = store::press::ReleaseQuery {
        event: Some(event.id),
        reach: Reach::Editor { events: Some(vec![event.id]) },
        now: at,
        limit: PAGE,
        offset: 0,
    };
    let releases = store::press::releases(&state.store, &query).await?;
    let photos = store::press::photos_of_event(&state.store, event.id).await?;
    let applications = store::press::applications_of_event(&state.store, event.id).await?;
    let meetings = store::events::meetings_of_event(&state.store, event.id).await?;
    let items = store::programme::of_event(&state.store, event.id).await?;
    let days: Vec<String> = days_of(event).into_iter().map(|d| d.to_string()).collect();
    let model = json!({
        "event": { "slug": event.slug, "name": event.name.get(ctx.lang) },
        "releases": releases.iter().map(|r| release_json(&state.i18n, r, Shown::Unreleased, ctx.lang, &event.time_zone, &photos)).collect::<Vec<_>>(),
        "photos": photos.iter().map(|p| photo_json(p, ctx.lang)).collect::<Vec<_>>(),
        "applications": applications.iter().map(|a| json!({
            "id": a.id, "name": a.name, "outlet": a.outlet, "country": a.country, "email": a.email,
            "press_card": a.press_card, "status": a.status.as_str(), "reason": a.reason, "version": a.version,
            "photo": a.photo.is_some(),
        })).collect::<Vec<_>>(),
        "days": days,
        "new_ids": { "draft": new_id(), "blank": new_id() },
        "meetings": meetings.iter().map(|m| json!({ "slug": m.meeting.slug, "title": m.meeting.title.get(ctx.lang) })).collect::<Vec<_>>(),
        "items": items.iter().filter(|i| !i.cancelled).map(|i| json!({ "id": i.id, "title": i.title.get(ctx.lang) })).collect::<Vec<_>>(),
        "values": values, "errors": errors,
    });
    render::page(state, ctx, "press/office.html", model)
}

fn days_of(event: &Event) -> Vec<Date> {
    event.start_date.series(jiff::Span::new().days(1)).take_while(|d| *d <= event.end_date).collect()
}

async fn api_draft(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    JsonBody(req): JsonBody<DraftRequest>,
) -> Result<Json<Draft>, AppError> {
    let event = store::events::by_slug(&state.store, &slug).await?;
    authorize(&ctx.actor, Action::RunPressOffice { event: event.id })?;
    let record = record_of(&state.store, &event, &req).await?;
    let draft = draft::compose(&record, &req.lang).map_err(|_| AppError::field("lang", "invalid-choice"))?;
    Ok(Json(draft))
}

/// Starts a release: blank, or drafted from the record in every language at once.
async fn create_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: Form,
) -> Result<Response, AppError> {
    let event = store::events::by_slug(&state.store, &slug).await?;
    authorize(&ctx.actor, Action::RunPressOffice { event: event.id })?;
    let outcome = async {
        let input = if form.get("from") == "record" {
            let mut errors = Vec::new();
            let date = form.date("date", &mut errors);
            if !errors.is_empty() {
                return Err(domain::Invalid(errors).into());
            }
            let meeting = Some(form.get("meeting").to_string()).filter(|m| !m.is_empty());
            let req = DraftRequest { date, lang: english(), meeting, bilateral: None };
            drafted(&state.store, &event, &req).await?
        } else {
            ReleaseInput { title: form.text("title"), body: form.text("body"), photos: Vec::new() }.validate()?
        };
        // The form's id starts the release once, however often the form is sent (a double click).
        let id = form.ids("id")?.first().copied().unwrap_or_else(new_id);
        let (_, release) = create(&state, &ctx, &event, id, input).await?.answer();
        Ok(format!("/press-releases/{}", release.id))
    }
    .await;
    // On the press office rather than an error page, so that the day and meeting chosen stay in
    // front of the reader to be corrected.
    render::form_outcome(&state, &ctx, outcome, |errors| office_view(&state, &ctx, &event, form.to_json(), errors))
        .await
}

/// Starts a release under `id`; one started under it before, with the same text, is the answer.
async fn create(
    state: &AppState,
    ctx: &Ctx,
    event: &Event,
    id: Id,
    input: ReleaseInput,
) -> Result<Made<PressRelease>, AppError> {
    let started_before = |made: PressRelease, input: &ReleaseInput| {
        if made.started_again(event.id, input) {
            Ok(Made::Again(made))
        } else {
            Err(AppError::field("id", "sent-before"))
        }
    };
    if let Some(made) = store::press::release(&state.store, id).await? {
        return started_before(made, &input);
    }
    check_photos(state, event, &input.photos).await?;
    let release = PressRelease::draft(id, event.id, input.clone(), now());
    let mut tx = state.store.begin().await?;
    match store::press::insert_release(&mut tx, &ctx.actor, &release).await {
        Ok(_) => tx.commit().await?,
        // Sent twice at once: the other, which wrote first, started it.
        Err(store::StoreError::Duplicate { .. }) => {
            drop(tx);
            let made = store::press::release(&state.store, id).await?.ok_or(AppError::field("id", "sent-before"))?;
            return started_before(made, &input);
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Made::New(release))
}

/// Photos shown with a release must be the event's own.
async fn check_photos(state: &AppState, event: &Event, photos: &[Id]) -> Result<(), AppError> {
    let found = store::press::photos_by_ids(&state.store, photos).await?;
    if photos.iter().all(|id| found.iter().any(|p| p.id == *id && p.event_id == event.id)) {
        Ok(())
    } else {
        Err(AppError::field("photos", "unknown"))
    }
}

/// A release the press office edits: the reader must run the event's press office.
async fn editable(state: &AppState, ctx: &Ctx, id: Id) -> Result<(PressRelease, Event), AppError> {
    let release = store::press::release(&state.store, id).await?.ok_or(AppError::NotFound)?;
    let event = store::events::by_id(&state.store, release.event_id).await?;
    if press_reader(&ctx.actor, event.id) != Reader::Editor {
        // The public and the press must not learn that an unreleased release exists.
        release.shown_to(press_reader(&ctx.actor, event.id), now()).ok_or(AppError::NotFound)?;
    }
    authorize(&ctx.actor, Action::RunPressOffice { event: event.id })?;
    Ok((release, event))
}

async fn edit(
    state: &AppState,
    ctx: &Ctx,
    release: PressRelease,
    event: &Event,
    input: ReleaseInput,
    note: Option<Text>,
    version: i64,
) -> Result<PressRelease, AppError> {
    let input = input.validate()?;
    check_photos(state, event, &input.photos).await?;
    save(state, ctx, &release.edited(input, note, now())?, version).await
}

/// Writes a changed release over `version`, which must still be the stored one.
async fn save(state: &AppState, ctx: &Ctx, release: &PressRelease, version: i64) -> Result<PressRelease, AppError> {
    let mut tx = state.store.begin().await?;
    let saved = store::press::update_release(&mut tx, &ctx.actor, release, version).await?;
    tx.commit().await?;
    Ok(saved)
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    form: Form,
) -> Result<Response, AppError> {
    let (release, event) = editable(&state, &ctx, id).await?;
    let input = ReleaseInput { title: form.text("title"), body: form.text("body"), photos: form.ids("photos")? };
    let note = Some(form.text("note")).filter(|n| !n.0.is_empty());
    let version = form.number("version")?;
    let outcome = edit(&state, &ctx, release.clone(), &event, input, note, version)
        .await
        .map(|r| format!("/press-releases/{}", r.id));
    render::form_outcome(&state, &ctx, outcome, |errors| async {
        // As stored now: after a conflict, what another user changed meanwhile.
        let (now, _) = editable(&state, &ctx, id).await?;
        let resent = form.resent(release_form(&now));
        let errors = render::changed_meanwhile(&state, &ctx, errors, &resent, &[]);
        release_view(&state, &ctx, &now, &event, Reader::Editor, Shown::Unreleased, resent.values, errors).await
    })
    .await
}

/// A transition from a form: the `to` field and, for scheduling and embargo, a local time.
fn transition_of(form: &Form, event: &Event) -> Result<Transition, AppError> {
    let at = crate::input::local_instant(form, "at", &event.time_zone, "invalid-time")?;
    Ok(Transition::parse(form.get("to"), at)?)
}

async fn move_release(
    state: &AppState,
    ctx: &Ctx,
    release: PressRelease,
    transition: Transition,
    version: i64,
) -> Result<PressRelease, AppError> {
    let moved = release.moved(transition, now()).map_err(|e| match e {
        domain::press::TransitionError::TimeInThePast => AppError::field("at", "time-in-the-past"),
        domain::press::TransitionError::Empty => AppError::refused("release-empty"),
        domain::press::TransitionError::NotFromHere { from, to } => {
            let status =
                |s: domain::press::ReleaseStatus| state.i18n.t(ctx.lang, &format!("press-status-{}", s.as_str()), &[]);
            AppError::refused_with("release-transition", vec![("from", status(from)), ("to", status(to))])
        }
    })?;
    save(state, ctx, &moved, version).await
}

async fn status_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    form: Form,
) -> Result<Response, AppError> {
    let (release, event) = editable(&state, &ctx, id).await?;
    let outcome = async {
        let transition = transition_of(&form, &event)?;
        move_release(&state, &ctx, release.clone(), transition, form.number("version")?).await?;
        Ok(format!("/press-releases/{id}"))
    }
    .await;
    let shown = release.shown_to(Reader::Editor, now()).unwrap_or(Shown::Unreleased);
    render::form_outcome(&state, &ctx, outcome, |errors| {
        release_view(&state, &ctx, &release, &event, Reader::Editor, shown, form.to_json(), errors)
    })
    .await
}

async fn upload_photo(
    state: &AppState,
    ctx: &Ctx,
    event: &Event,
    form: &Form,
    bytes: Option<axum::body::Bytes>,
) -> Result<PressPhoto, AppError> {
    let item = Some(form.get("item").trim()).filter(|s| !s.is_empty());
    let item = item.map(|s| s.parse::<Id>().map_err(|_| AppError::field("item", "unknown"))).transpose()?;
    let input = PhotoInput {
        caption: form.text("caption"),
        credit: form.get("credit").to_string(),
        item,
        public: form.get("public") == "on",
    }
    .validate()?;
    if let Some(item) = input.item {
        let of_event = store::programme::item(&state.store, item).await.is_ok_and(|i| i.event_id == event.id);
        if !of_event {
            return Err(AppError::field("item", "unknown"));
        }
    }
    let photo = crate::input::photo(bytes.ok_or_else(|| AppError::field("photo", "required"))?).await?;
    let (width, height) = (photo.width, photo.height);
    let record = PressPhoto {
        id: new_id(),
        event_id: event.id,
        caption: input.caption,
        credit: input.credit,
        item: input.item,
        public: input.public,
        width,
        height,
        created_at: now(),
    };
    let mut tx = state.store.begin().await?;
    store::press::insert_photo(&mut tx, &ctx.actor, &record, &photo.jpeg, &photo.thumbnail_jpeg).await?;
    tx.commit().await?;
    Ok(record)
}

async fn photo_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let event = store::events::by_slug(&state.store, &slug).await?;
    authorize(&ctx.actor, Action::RunPressOffice { event: event.id })?;
    let (form, bytes) = multipart_form(&mut multipart, "photo").await?;
    let outcome =
        upload_photo(&state, &ctx, &event, &form, bytes).await.map(|_| format!("/events/{slug}/press-office"));
    render::form_outcome(&state, &ctx, outcome, |errors| office_view(&state, &ctx, &event, form.to_json(), errors))
        .await
}

/// Takes a photo down: from the releases not yet out that show it, then from the press office;
/// refused, on the photo, while a release out shows it (that one is corrected first).
async fn delete_photo_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Id>) -> Result<Response, AppError> {
    let photo = store::press::photo(&state.store, id).await?.ok_or(AppError::NotFound)?;
    let event = store::events::by_id(&state.store, photo.event_id).await?;
    authorize(&ctx.actor, Action::RunPressOffice { event: event.id })?;
    let at = now();
    let query = store::press::ReleaseQuery {
        event: Some(event.id),
        reach: Reach::Editor { events: Some(vec![event.id]) },
        now: at,
        limit: i64::MAX,
        offset: 0,
    };
    let releases = store::press::releases(&state.store, &query).await?;
    let changed = match photo.taken_from(releases, at) {
        Ok(changed) => changed,
        Err(domain::press::PhotoShown(out)) => {
            let titles: Vec<&str> = out.iter().map(|r| r.title.get(ctx.lang)).collect();
            let refused = AppError::refused_with("photo-shown", vec![("releases", titles.join("; "))]);
            return office_refused(&state, &ctx, &event, format!("photo-{id}"), refused).await;
        }
    };
    let mut tx = state.store.begin().await?;
    for release in &changed {
        store::press::update_release(&mut tx, &ctx.actor, release, release.version).await?;
    }
    store::press::delete_photo(&mut tx, &ctx.actor, id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/events/{}/press-office", event.slug)).into_response())
}

async fn apply_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Html<String>, AppError> {
    let event = store::events::by_slug(&state.store, &slug).await?;
    apply_view(&state, &ctx, &event, json!({}), json!({}), false).await
}

async fn apply_view(
    state: &AppState,
    ctx: &Ctx,
    event: &Event,
    values: Value,
    errors: Value,
    sent: bool,
) -> Result<Html<String>, AppError> {
    let model = json!({
        "event": { "slug": event.slug, "name": event.name.get(ctx.lang) },
        "values": values, "errors": errors, "sent": sent,
    });
    render::page(state, ctx, "press/apply.html", model)
}

/// A journalist applies: the account is made at once (without any role), so no password ever
/// travels by e-mail; approval grants it the press role at this event. A journalist who is signed
/// in applies with that account, once per event while an application is open or granted.
async fn apply(
    state: &AppState,
    ctx: &Ctx,
    event: &Event,
    input: ApplicationInput,
    username: &str,
    password: &str,
    photo: Option<axum::body::Bytes>,
) -> Result<MediaApplication, AppError> {
    let mut c = Checker::new();
    if let Some(user) = &ctx.user {
        let applied = store::press::applications_of_event(&state.store, event.id).await?;
        if MediaApplication::open_for(&applied, user.id) {
            return Err(AppError::refused("already-applied"));
        }
    } else {
        check_username(&mut c, username);
        check_password(&mut c, "password", password);
    }
    let input = match (input.validate(), c.finish(())) {
        (Ok(input), Ok(())) => input,
        (Err(mut a), Err(b)) => {
            a.0.extend(b.0);
            return Err(a.into());
        }
        (Err(e), _) | (_, Err(e)) => return Err(e.into()),
    };
    let photo = match photo {
        Some(bytes) => Some(crate::input::photo(bytes).await?),
        None => None,
    };
    let mut tx = state.store.begin().await?;
    let user = match &ctx.user {
        Some(user) => user.id,
        None => {
            let hash = crate::input::password_hash(password).await?;
            let user = store::accounts::create_user(&mut tx, &ctx.actor, username, &input.name, &hash, false).await?;
            store::accounts::set_email(&mut tx, &ctx.actor, user.id, &input.email).await?;
            user.id
        }
    };
    let photo_id = match &photo {
        Some(p) => Some(store::press::insert_photo_bytes(&mut tx, &p.jpeg, &p.thumbnail_jpeg).await?),
        None => None,
    };
    let mut application = MediaApplication::new(new_id(), event.id, input, photo_id, now());
    application.user_id = Some(user);
    store::press::insert_application(&mut tx, &ctx.actor, &application).await?;
    tx.commit().await?;
    Ok(application)
}

async fn apply_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let event = store::events::by_slug(&state.store, &slug).await?;
    let (form, photo) = multipart_form(&mut multipart, "photo").await?;
    let input = ApplicationInput {
        name: form.get("name").into(),
        outlet: form.get("outlet").into(),
        country: form.get("country").into(),
        email: form.get("email").into(),
        press_card: form.get("press_card").into(),
    };
    match apply(&state, &ctx, &event, input, form.get("username").trim(), form.get("password"), photo).await {
        Ok(_) => Ok(apply_view(&state, &ctx, &event, json!({}), json!({}), true).await?.into_response()),
        Err(AppError::Invalid(invalid)) => {
            let errors = state.i18n.field_errors(ctx.lang, &invalid);
            let mut values = form.to_json();
            values.as_object_mut().map(|v| v.remove("password"));
            let html = apply_view(&state, &ctx, &event, values, errors, false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(refused @ AppError::Refused { .. }) => {
            let errors = json!({ "form": crate::error::said_in_one_line(&refused, &state.i18n, ctx.lang) });
            let html = apply_view(&state, &ctx, &event, json!({}), errors, false).await?;
            Ok((refused.status(), html).into_response())
        }
        Err(e) => Err(e),
    }
}

/// The host's decision on a journalist: approval grants the press role at the event, revocation
/// takes it back; the journalist is told either way.
async fn decide(
    state: &AppState,
    ctx: &Ctx,
    event: &Event,
    application: MediaApplication,
    form: &Form,
) -> Result<MediaApplication, AppError> {
    let decision = match form.get("decision") {
        "approve" => ApplicationDecision::Approve,
        "reject" => ApplicationDecision::Reject { reason: form.get("reason").to_string() },
        "revoke" => ApplicationDecision::Revoke { reason: form.get("reason").to_string() },
        _ => return Err(AppError::field("decision", "invalid-choice")),
    };
    // A decision on what the host no longer sees is a conflict, before it is judged on its merits.
    let version = form.number("version")?;
    if version != application.version {
        return Err(AppError::Conflict { entity: "media application", current: application.version });
    }
    let decided = application.decided(decision)?;
    let mut tx = state.store.begin().await?;
    let decided = store::press::update_application(&mut tx, &ctx.actor, &decided, version).await?;
    if let Some(user) = decided.user_id {
        let user = store::accounts::by_id(&state.store, user).await?;
        let press = Role::Press { event: event.id };
        match decided.status {
            ApplicationStatus::Approved => store::accounts::grant(&mut tx, &ctx.actor, &user, &press).await?,
            ApplicationStatus::Revoked => store::accounts::revoke(&mut tx, &ctx.actor, &user, &press).await?,
            ApplicationStatus::Pending | ApplicationStatus::Rejected => {}
        }
    }
    let notice = crate::mail::media_decision(state, event, &decided).await?;
    store::delegations::notify(&mut tx, &notice).await?;
    tx.commit().await?;
    Ok(decided)
}

async fn decide_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    form: Form,
) -> Result<Response, AppError> {
    let application = store::press::application(&state.store, id).await?.ok_or(AppError::NotFound)?;
    let event = store::events::by_id(&state.store, application.event_id).await?;
    authorize(&ctx.actor, Action::DecideAccreditation { event: event.id })?;
    let refused = match decide(&state, &ctx, &event, application, &form).await {
        Ok(_) => return Ok(Redirect::to(&format!("/events/{}/press-office", event.slug)).into_response()),
        Err(refused @ (AppError::Invalid(_) | AppError::Conflict { .. })) => refused,
        Err(other) => return Err(other),
    };
    // Said on the journalist's row of the press office, which shows the application as it is now:
    // beside the reason when it is the reason that is wanting.
    let on_reason = matches!(&refused, AppError::Invalid(i) if i.0.iter().all(|e| e.field == "reason"));
    let slot = if on_reason { format!("reason-{id}") } else { format!("decision-{id}") };
    office_refused(&state, &ctx, &event, slot, refused).await
}

/// The press office again, with a refusal said in one line at `slot`: the row it was sent from.
async fn office_refused(
    state: &AppState,
    ctx: &Ctx,
    event: &Event,
    slot: String,
    refused: AppError,
) -> Result<Response, AppError> {
    let errors = json!({ slot: crate::error::said_in_one_line(&refused, &state.i18n, ctx.lang) });
    let page = office_view(state, ctx, event, json!({}), errors).await?;
    Ok((refused.status(), page).into_response())
}

/// The photo a journalist sent with the application: personal data, for those who decide only.
async fn applicant_photo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    QueryParams(size): QueryParams<crate::input::PhotoSize>,
) -> Result<Response, AppError> {
    let application = store::press::application(&state.store, id).await?.ok_or(AppError::NotFound)?;
    authorize(&ctx.actor, Action::DecideAccreditation { event: application.event_id })?;
    let photo = application.photo.ok_or(AppError::NotFound)?;
    let bytes = store::press::photo_bytes(&state.store, photo, size.thumbnail()).await?.ok_or(AppError::NotFound)?;
    Ok(([(header::CONTENT_TYPE, "image/jpeg"), (header::CACHE_CONTROL, "private, max-age=3600")], bytes)
        .into_response())
}

/// The media programme: what accredited press may attend, openly or in a pool, and the press
/// approaches.
async fn media_programme(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Html<String>, AppError> {
    let event = store::events::by_slug(&state.store, &slug).await?;
    authorize(&ctx.actor, Action::ReadMediaProgramme { event: event.id })?;
    let tz = jiff::tz::TimeZone::get(&event.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let items = store::programme::of_event(&state.store, event.id).await?;
    let rows: Vec<Value> = items
        .iter()
        .filter(|i| !i.cancelled && i.visibility == Visibility::Public && i.press != PressAccess::Closed)
        .map(|i| {
            let starts = i.starts.to_zoned_datetime(tz.clone());
            json!({
                "title": i.title.get(ctx.lang), "kind": i.kind.as_str(), "press": i.press.as_str(),
                "date": starts.date().to_string(), "starts": starts.strftime("%H:%M").to_string(),
                "ends": i.ends.to_zoned_datetime(tz.clone()).strftime("%H:%M").to_string(),
            })
        })
        .collect();
    let model = json!({ "event": { "slug": event.slug, "name": event.name.get(ctx.lang) }, "items": rows });
    render::page(&state, &ctx, "press/media_programme.html", model)
}

#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    /// An event's slug.
    event: Option<String>,
    /// Words the title or text must hold.
    q: Option<String>,
    /// The page, from 1.
    page: Option<i64>,
}

async fn api_list(
    State(state): State<AppState>,
    ctx: Ctx,
    QueryParams(q): QueryParams<ListQuery>,
) -> Result<Json<Value>, AppError> {
    let at = now();
    let event = match q.event.as_deref() {
        Some(slug) => Some(store::events::by_slug(&state.store, slug).await?),
        None => None,
    };
    let page = q.page.unwrap_or(1).clamp(1, 10_000);
    let query = store::press::ReleaseQuery {
        event: event.as_ref().map(|e| e.id),
        reach: press_reach(&ctx.actor),
        now: at,
        limit: PAGE,
        offset: (page - 1) * PAGE,
    };
    let (releases, total) = listed(&state, query, q.q.as_deref()).await?;
    let items: Vec<Value> = releases
        .iter()
        .filter_map(|r| {
            let shown = r.shown_to(press_reader(&ctx.actor, r.event_id), at)?;
            Some(api_release(r, shown, at))
        })
        .collect();
    Ok(Json(json!({ "items": items, "page": page, "total": total })))
}

fn api_release(r: &PressRelease, shown: Shown, at: Timestamp) -> Value {
    json!({
        "id": r.id, "event_id": r.event_id, "title": r.title, "body": r.body, "status": r.status_at(at).as_str(),
        "shown": shown, "release_at": r.release_at, "photos": r.photos, "corrections": r.corrections,
        "created_at": r.created_at, "updated_at": r.updated_at, "version": r.version,
    })
}

async fn api_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    body: New<ReleaseInput>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let event = store::events::by_slug(&state.store, &slug).await?;
    authorize(&ctx.actor, Action::RunPressOffice { event: event.id })?;
    let (status, release) = create(&state, &ctx, &event, body.id(), body.fields.validate()?).await?.answer();
    Ok((status, Json(api_release(&release, Shown::Unreleased, now()))))
}

async fn api_show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Id>) -> Result<Json<Value>, AppError> {
    let (release, _, _, shown) = visible_release(&state, &ctx, id).await?;
    Ok(Json(api_release(&release, shown, now())))
}

/// The whole release as it is to read: each field is given, so that one left out is said rather
/// than taken for empty (and a text wiped).
#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct EditRelease {
    title: Text,
    body: Text,
    photos: Vec<Id>,
    /// What a correction changed; required once the release is out.
    #[serde(default)]
    note: Option<Text>,
    version: i64,
}

async fn api_edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    JsonBody(body): JsonBody<EditRelease>,
) -> Result<Json<Value>, AppError> {
    let (release, event) = editable(&state, &ctx, id).await?;
    let input = ReleaseInput { title: body.title, body: body.body, photos: body.photos };
    let saved = edit(&state, &ctx, release, &event, input, body.note, body.version).await?;
    let shown = saved.shown_to(Reader::Editor, now()).unwrap_or(Shown::Unreleased);
    Ok(Json(api_release(&saved, shown, now())))
}

/// `{"to": "scheduled", "at": "2025-04-11T12:00:00Z", "version": 2}`: `at` for scheduling and embargo.
#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct MoveRelease {
    #[schemars(with = "domain::press::ReleaseStatus")]
    to: String,
    #[serde(default)]
    #[schemars(with = "Option<domain::schema::Timestamp>")]
    at: Option<Timestamp>,
    version: i64,
}

async fn api_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Id>,
    JsonBody(body): JsonBody<MoveRelease>,
) -> Result<Json<Value>, AppError> {
    let (release, _) = editable(&state, &ctx, id).await?;
    let saved = move_release(&state, &ctx, release, Transition::parse(&body.to, body.at)?, body.version).await?;
    let shown = saved.shown_to(Reader::Editor, now()).unwrap_or(Shown::Unreleased);
    Ok(Json(api_release(&saved, shown, now())))
}

async fn api_photos(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Json<Value>, AppError> {
    let (event, reader) = event_and_reader(&state, &ctx, &slug).await?;
    let photos = photos_for(&state, &event, reader).await?;
    Ok(Json(json!({ "items": photos.iter().map(|p| photo_json(p, ctx.lang)).collect::<Vec<_>>() })))
}

#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct ApplyBody {
    name: String,
    outlet: String,
    country: String,
    email: String,
    press_card: String,
    /// The account to make; not asked of a caller already signed in, who applies with theirs.
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

async fn api_apply(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<ApplyBody>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let event = store::events::by_slug(&state.store, &slug).await?;
    let ApplyBody { name, outlet, country, email, press_card, username, password } = body;
    let input = ApplicationInput { name, outlet, country, email, press_card };
    let application = apply(&state, &ctx, &event, input, username.trim(), &password, None).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": application.id, "status": application.status.as_str() }))))
}
