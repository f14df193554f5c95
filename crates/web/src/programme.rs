//! The programme of an event: a page day by day (with the host's editing), JSON, an iCalendar feed
//! of the public items, venues and travel times, and live updates over server-sent events.

use std::collections::{BTreeSet, HashMap};
use std::convert::Infallible;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use domain::Id;
use domain::bilaterals::Order;
use domain::bodies::sits_by_right;
use domain::delegations::Member;
use domain::events::{Event, EventFields, Venue};
use domain::policy::{Action, authorize, own_delegations, programme_audience};
use domain::programme::{
    Announced, Attendees, Clash, Item, ItemFrame, ItemInput, ItemKind, PressAccess, Roster, Travel, Visibility,
    clashes, stay_of,
};
use futures_util::Stream;
use jiff::tz::TimeZone;
use serde::Deserialize;
use serde_json::{Value, json};
use store::Stamp;

use crate::AppState;
use crate::error::{AppError, Detail};
use crate::guard::Ctx;
use crate::input::{Form, JsonBody, New, Path, Versioned};
use crate::render;
use crate::routes::{CREATED_OR_OK, Made, Registry};
use crate::snapshots::Snapshots;

pub(crate) fn routes(r: Registry) -> Registry {
    r.get("/events/{event}/programme", "The programme, day by day", page)
        .post("/events/{event}/programme", "Add a programme item (form)", add_form)
        .post("/events/{event}/programme/{item}/move", "Move a programme item by some minutes (form)", move_form)
        .post("/events/{event}/programme/{item}/cancel", "Cancel a programme item (form)", cancel_form)
        .get("/events/{event}/programme/live", "Programme changes as server-sent events", live)
        .get("/events/{event}/programme.ics", "The public programme as iCalendar", ics)
        .get("/events/{event}/programme.pdf", "The programme as a printable booklet (?lang=ru|en|kk)", booklet)
        .get("/api/v1/events/{event}/programme", "The programme items the caller may see", api_list)
        .post("/api/v1/events/{event}/programme", "Add a programme item", api_create)
        .answering(CREATED_OR_OK)
        .put("/api/v1/events/{event}/programme/{item}", "Change a programme item", api_update)
        .post("/api/v1/events/{event}/programme/{item}/cancel", "Cancel a programme item", api_cancel)
        .put("/api/v1/events/{event}/venues", "Replace the venues, rooms and travel times", api_venues)
        .post("/events/{event}/travel", "Set the travel times between venues (form)", travel_form)
        .post("/events/{event}/venues", "Add a venue, or a room to a venue (form)", venue_form)
        .post("/events/{event}/rooms", "Mark the rooms the scheduler may use for bilaterals (form)", rooms_form)
}

/// An event's programme with what reading and checking it needs.
pub(crate) struct Programme {
    pub(crate) event: Event,
    pub(crate) tz: TimeZone,
    /// The event's meetings: slug and title.
    pub(crate) meetings: Vec<(String, domain::Text)>,
    /// Each delegation with its participant, for pages that show one.
    pub(crate) delegations: Vec<(Id, domain::participants::Participant)>,
    /// The event's private calendar feeds, revoked ones included.
    pub(crate) feeds: Vec<store::programme::Feed>,
    /// The accredited members, with their participants' codes ([`Programme::members`]).
    roster: Roster,
    /// The participant of each accredited member, by member.
    participant_of: HashMap<Id, Id>,
    /// The participants attending each item shown to its attendees only, and its day, by item:
    /// read for every delegation's view, so made once.
    attended: HashMap<Id, (jiff::civil::Date, Vec<Id>)>,
    pub(crate) items: Vec<Item>,
}

impl Programme {
    /// The event's programme as kept between requests (see [`crate::snapshots`]).
    pub(crate) async fn current(state: &AppState, slug: &str) -> Result<Arc<Programme>, AppError> {
        state.programmes.current(&state.store, slug.to_string(), false, || Programme::build(state, slug)).await
    }

    /// The programme as the database holds it now, for a change to be checked against.
    pub(crate) async fn for_write(state: &AppState, slug: &str) -> Result<Arc<Programme>, AppError> {
        state.programmes.current(&state.store, slug.to_string(), true, || Programme::build(state, slug)).await
    }

    /// The event, its items and its accredited members (for attendance, stays and clashes).
    async fn build(state: &AppState, slug: &str) -> Result<Programme, AppError> {
        let event = store::events::by_slug(&state.store, slug).await?;
        let in_event = store::events::meetings_of_event(&state.store, event.id).await?;
        let participants = store::participants::list(&state.store).await?;
        // Who takes part in each meeting's body on its day: whose heads sit at it. One query for
        // every body's memberships, however many meetings the event holds.
        let all_memberships = store::bodies::all_memberships(&state.store).await?;
        let mut taking_part = HashMap::new();
        for m in &in_event {
            let memberships: Vec<_> =
                all_memberships.iter().filter(|x| x.body_id == m.meeting.body_id).cloned().collect();
            let takes_part =
                |p: &&domain::participants::Participant| sits_by_right(&memberships, p.id, m.meeting.date, event.host);
            let codes = participants.iter().filter(takes_part).map(|p| p.code.clone()).collect();
            taking_part.insert(m.meeting.slug.clone(), codes);
        }
        let meetings = in_event.into_iter().map(|m| (m.meeting.slug, m.meeting.title)).collect();
        let code_of: HashMap<Id, &str> = participants.iter().map(|p| (p.id, p.code.as_str())).collect();
        let delegations = store::delegations::of_event(&state.store, event.id).await?;
        let code_of_delegation: HashMap<Id, &str> =
            delegations.iter().map(|d| (d.id, code_of[&d.participant_id])).collect();
        let members: Vec<(String, Member)> = store::delegations::approved_of_event(&state.store, event.id)
            .await?
            .into_iter()
            .filter_map(|m| code_of_delegation.get(&m.delegation_id).map(|code| (code.to_string(), m)))
            .collect();
        let items = store::programme::of_event(&state.store, event.id).await?;
        let feeds = store::programme::feeds_of_event(&state.store, event.id).await?;
        let by_id: HashMap<Id, &domain::participants::Participant> = participants.iter().map(|x| (x.id, x)).collect();
        let delegations: Vec<(Id, domain::participants::Participant)> =
            delegations.iter().filter_map(|d| by_id.get(&d.participant_id).map(|x| (d.id, (*x).clone()))).collect();
        let tz = TimeZone::get(&event.time_zone).unwrap_or(TimeZone::UTC);
        let participant_of = members
            .iter()
            .filter_map(|(_, m)| delegations.iter().find(|(d, _)| *d == m.delegation_id).map(|(_, x)| (m.id, x.id)))
            .collect();
        let roster = Roster::new(members, taking_part);
        let mut p = Programme {
            event,
            tz,
            meetings,
            delegations,
            feeds,
            roster,
            participant_of,
            attended: HashMap::new(),
            items,
        };
        p.attended = p
            .items
            .iter()
            .filter(|i| i.visibility == Visibility::Attendees)
            .map(|i| (i.id, (p.local(i.starts).date(), p.attending(i))))
            .collect();
        Ok(p)
    }

    /// The narrowest visibility the actor may see.
    pub(crate) fn audience(&self, ctx: &Ctx) -> Visibility {
        programme_audience(&ctx.actor, self.event.id, &self.invited())
    }

    /// The participants the reader speaks for here, whose itineraries are theirs to read.
    pub(crate) fn own_delegations(&self, ctx: &Ctx) -> Vec<Id> {
        own_delegations(&ctx.actor, self.event.id, &self.invited())
    }

    fn invited(&self) -> Vec<Id> {
        self.delegations.iter().map(|(_, p)| p.id).collect()
    }

    /// A change of `items` (as they were and as they are) as open pages are told of it.
    pub(crate) fn announced<'a>(&self, items: impl IntoIterator<Item = &'a Item>) -> Announced {
        Announced::of(self.event.id, items.into_iter().map(|item| (item, self.attending(item))))
    }

    /// The participants whose members attend `item`.
    fn attending(&self, item: &Item) -> Vec<Id> {
        let attending: BTreeSet<Id> =
            self.attendance(item).iter().filter_map(|m| self.participant_of.get(m).copied()).collect();
        attending.into_iter().collect()
    }

    /// The items the reader may see: those of its audience, and those shown to their attendees
    /// where the reader's own delegation attends (a side's confirmed bilateral).
    pub(crate) fn visible<'a>(&'a self, ctx: &Ctx) -> impl Iterator<Item = &'a Item> {
        let (audience, own) = (self.audience(ctx), self.own_delegations(ctx));
        self.items.iter().filter(move |i| {
            let attending = self.attended.get(&i.id).map_or(&[][..], |(_, a)| a.as_slice());
            i.visibility.reaches(audience, &own, attending)
        })
    }

    /// What a rendering of the programme (of one `day`, if given) for the reader depends on
    /// besides its audience: its own delegations that attend an item shown there to attendees
    /// only. Readers without such an item share one rendering: the public, the press, and
    /// delegations on the days without a bilateral of their own.
    fn attended_by_own(&self, ctx: &Ctx, day: Option<jiff::civil::Date>) -> Vec<Id> {
        let own = self.own_delegations(ctx);
        let attended: BTreeSet<Id> = self
            .attended
            .values()
            .filter(|(on, _)| day.is_none_or(|d| d == *on))
            .flat_map(|(_, attending)| attending)
            .filter(|p| own.contains(p))
            .copied()
            .collect();
        attended.into_iter().collect()
    }

    fn item(&self, id: Id) -> Result<&Item, AppError> {
        self.items.iter().find(|i| i.id == id).ok_or(AppError::NotFound)
    }

    /// What kind of item it is, in words: a meeting on the sidelines named by its sides.
    pub(crate) fn kind_shown(&self, state: &AppState, lang: &str, item: &Item) -> String {
        state.i18n.t(lang, &item.kind_message(|| self.attending(item).len()), &[])
    }

    /// The accredited members, with their participants' codes.
    pub(crate) fn members(&self) -> &[(String, Member)] {
        self.roster.members()
    }

    pub(crate) fn attendance(&self, item: &Item) -> BTreeSet<Id> {
        self.roster.attending(item)
    }

    pub(crate) fn venue(&self, slug: Option<&str>) -> Option<&Venue> {
        slug.and_then(|s| self.event.venues.iter().find(|v| v.slug == s))
    }

    pub(crate) fn place(&self, item: &Item, lang: &str) -> String {
        self.place_of(item.venue.as_deref(), item.room.as_deref(), lang)
    }

    /// A room's name in the reader's language, from its venue's and its own slug; the slug where
    /// the venue no longer lists it.
    fn room_name(&self, venue: Option<&str>, room: &str, lang: &str) -> String {
        let listed = self.venue(venue).and_then(|v| v.rooms.iter().find(|r| r.slug == room));
        listed.map_or_else(|| room.to_string(), |r| r.name.get(lang).to_string())
    }

    /// "Venue, Room" in the reader's language, from their slugs.
    pub(crate) fn place_of(&self, venue: Option<&str>, room: Option<&str>, lang: &str) -> String {
        domain::events::place_name(&self.event.venues, venue, room, lang)
    }

    pub(crate) fn local(&self, t: jiff::Timestamp) -> jiff::civil::DateTime {
        self.tz.to_offset(t).to_datetime(t)
    }

    /// "10:15–10:30", in the event's time zone.
    fn time_span(&self, item: &Item) -> String {
        self.hours(item.starts, item.ends)
    }

    /// "10:15–10:30" from two instants, in the event's time zone; an end on a later day is marked
    /// with how many days later ("23:00–00:30 (+1)", the mark held to the time by a no-break
    /// space), as timetables do, so that it is not read as an end before the start.
    pub(crate) fn hours(&self, starts: jiff::Timestamp, ends: jiff::Timestamp) -> String {
        let (starts, ends) = (self.local(starts), self.local(ends));
        let span = format!("{}–{}", starts.strftime("%H:%M"), ends.strftime("%H:%M"));
        match (ends.date() - starts.date()).get_days() {
            0 => span,
            later => format!("{span}\u{a0}(+{later})"),
        }
    }

    pub(crate) fn item_json(&self, item: &Item, lang: &str) -> Value {
        let (starts, ends) = (self.local(item.starts), self.local(item.ends));
        json!({
            "id": item.id, "kind": item.kind, "title": item.title, "shown_title": item.title.get(lang),
            "starts": item.starts, "ends": item.ends,
            "starts_local": starts.strftime("%Y-%m-%dT%H:%M").to_string(),
            "ends_local": ends.strftime("%Y-%m-%dT%H:%M").to_string(),
            "day": starts.date(), "time": self.time_span(item),
            "venue": item.venue, "room": item.room, "place": self.place(item, lang), "meeting": item.meeting,
            "attendees": item.attendees, "press": item.press, "visibility": item.visibility,
            "cancelled": item.cancelled, "sequence": item.sequence, "version": item.version,
        })
    }

    /// What an item is checked against: the meetings' slugs, the delegations' codes, and whom it
    /// may name as attending (the accredited members, and those the item named `before`).
    fn frame(&self, before: Option<&Item>) -> (Vec<String>, Vec<String>, Vec<Id>) {
        let named_before = before.into_iter().flat_map(|i| i.attendees.persons.iter().copied());
        (
            self.meetings.iter().map(|(slug, _)| slug.clone()).collect(),
            self.delegations.iter().map(|(_, p)| p.code.clone()).collect(),
            self.members().iter().map(|(_, m)| m.id).chain(named_before).collect(),
        )
    }

    /// Holds the programme as this snapshot read it, in the writing transaction: a change checked
    /// against it ([`Programme::check`]) conflicts if the event or its items moved since.
    pub(crate) async fn hold(&self, tx: &mut store::Tx) -> Result<(), AppError> {
        let items = Stamp::of(self.items.iter().map(|i| i.version));
        Ok(store::programme::hold(tx, self.event.id, self.event.version, items).await?)
    }

    /// The clashes of `candidate` with the other items, in words; hard ones refuse the change. A
    /// change written after this check holds the programme as checked ([`Programme::hold`]).
    pub(crate) fn check(&self, state: &AppState, lang: &str, candidate: &Item) -> Result<Vec<String>, AppError> {
        let stays: HashMap<Id, _> = self.members().iter().map(|(_, m)| (m.id, stay_of(m, &self.tz))).collect();
        let found = clashes(candidate, &self.items, &|i| self.attendance(i), &self.event.travel, &stays);
        let (hard, soft): (Vec<&Clash>, Vec<&Clash>) = found.iter().partition(|c| c.is_hard());
        if !hard.is_empty() {
            let details = hard.iter().map(|c| Detail {
                field: None,
                row: None,
                column: None,
                message: self.describe(state, lang, c),
            });
            return Err(AppError::Clash {
                message: state.i18n.t(lang, "clash-refused", &[("count", hard.len().into())]),
                details: details.collect(),
            });
        }
        Ok(soft.into_iter().map(|c| self.describe(state, lang, c)).collect())
    }

    /// An item as a warning names it: «title» 10:15–10:30.
    fn named(&self, item: &Item, lang: &str) -> String {
        format!("«{}» {}", item.title.get(lang), self.time_span(item))
    }

    fn describe(&self, state: &AppState, lang: &str, clash: &Clash) -> String {
        let person = |id: &Id| {
            self.members().iter().find(|(_, m)| m.id == *id).map_or_else(String::new, |(_, m)| m.names.display(lang))
        };
        let item = |id: &Id| self.items.iter().find(|i| i.id == *id).map_or_else(String::new, |i| self.named(i, lang));
        let t = |key: &str, args: &[(&str, fluent_bundle::FluentValue)]| state.i18n.t(lang, key, args);
        match clash {
            Clash::Person { person: p, item: i } => {
                t("clash-person", &[("person", person(p).into()), ("item", item(i).into())])
            }
            Clash::Room { room, item: i } => {
                // The room by its name, as the other item's venue names it.
                let venue = self.items.iter().find(|x| x.id == *i).and_then(|x| x.venue.as_deref());
                let room = self.room_name(venue, room, lang);
                t("clash-room", &[("room", room.into()), ("item", item(i).into())])
            }
            Clash::Travel { person: p, item: i, needed, available } => t(
                "clash-travel",
                &[
                    ("person", person(p).into()),
                    ("item", item(i).into()),
                    ("needed", (*needed).into()),
                    ("available", (*available).into()),
                ],
            ),
            Clash::OutsideStay { person: p } => t("clash-outside-stay", &[("person", person(p).into())]),
        }
    }
}

#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct DayQuery {
    /// One day of the programme (YYYY-MM-DD); all days without it.
    #[schemars(with = "Option<domain::schema::Date>")]
    day: Option<jiff::civil::Date>,
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    crate::input::QueryParams(query): crate::input::QueryParams<DayQuery>,
) -> Result<Html<String>, AppError> {
    show(&state, &ctx, &slug, query.day, json!({}), json!({}), &[]).await
}

async fn show(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    day: Option<jiff::civil::Date>,
    form: Value,
    errors: Value,
    warnings: &[String],
) -> Result<Html<String>, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let p = Programme::current(state, slug).await?;
    let may_edit = authorize(&ctx.actor, Action::ManageProgramme { event: p.event.id }).is_ok();
    // The host's rendering carries its forms (and their CSRF token); everyone else's is kept.
    let days = if may_edit {
        days_html(state, ctx, &p, day, Some((&form, &errors)))?
    } else {
        let key = (slug.to_string(), day, p.audience(ctx), p.attended_by_own(ctx, day), ctx.lang);
        let kept = state.pages.current(&state.store, key, false, || async { days_html(state, ctx, &p, day, None) });
        kept.await?.as_ref().clone()
    };
    let travel: Vec<Value> = if may_edit { travel_pairs(&p, ctx.lang) } else { Vec::new() };
    let model = json!({
        "event": p.event, "days_html": days, "may_edit": may_edit, "form": form, "errors": errors, "travel": travel,
        "kinds": ItemKind::ALL, "warnings": warnings, "new_id": domain::new_id(),
        "meetings": p.meetings.iter().map(|(slug, title)| json!({ "slug": slug, "title": title.get(ctx.lang) })).collect::<Vec<_>>(),
    });
    render::page(state, ctx, "programme/show.html", model)
}

/// Every pair of the event's venues with its travel time, for the host's matrix.
fn travel_pairs(p: &Programme, lang: &str) -> Vec<Value> {
    let venues = &p.event.venues;
    let mut pairs = Vec::new();
    for (i, a) in venues.iter().enumerate() {
        for b in &venues[i + 1..] {
            pairs.push(json!({
                "field": format!("travel:{}:{}", a.slug, b.slug),
                "from": a.name.get(lang), "to": b.name.get(lang),
                "minutes": domain::programme::travel_minutes(&p.event.travel, &a.slug, &b.slug),
            }));
        }
    }
    pairs
}

/// Rendered programmes kept between requests, by event, day, audience, the reader's own
/// delegations attending items shown to attendees only, and language.
pub(crate) type ProgrammePages =
    Snapshots<(String, Option<jiff::civil::Date>, Visibility, Vec<Id>, &'static str), String>;

/// The programme (one day of it, if `day` is given) as the reader may see it, rendered; for the
/// host, `editing` gives each item its forms, with what the last one sent (`form`, its item as
/// `moved`) and its mistakes (`errors`) beside that item.
fn days_html(
    state: &AppState,
    ctx: &Ctx,
    p: &Programme,
    day: Option<jiff::civil::Date>,
    editing: Option<(&Value, &Value)>,
) -> Result<String, AppError> {
    let may_edit = editing.is_some();
    let (form, errors) = editing.unwrap_or((&Value::Null, &Value::Null));
    let mut days: Vec<(String, Vec<Value>)> = Vec::new();
    // A day shows what starts on it, and what runs into it from the evening before.
    let on = |i: &Item, d: jiff::civil::Date| {
        let (starts, ends) = (p.local(i.starts), p.local(i.ends));
        starts.date() == d
            || (starts.date() < d
                && (ends.date() > d || (ends.date() == d && ends.time() > jiff::civil::Time::midnight())))
    };
    for item in p.visible(ctx).filter(|i| day.is_none_or(|d| on(i, d))) {
        let shown = state.i18n.date(ctx.lang, p.local(item.starts).date());
        if days.last().is_none_or(|(d, _)| *d != shown) {
            days.push((shown, Vec::new()));
        }
        let mut row = p.item_json(item, ctx.lang);
        row["kind_shown"] = json!(p.kind_shown(state, ctx.lang, item));
        row["press_shown"] = json!(state.i18n.t(ctx.lang, &format!("press-{}", item.press.as_str()), &[]));
        days.last_mut().expect("just pushed").1.push(row);
    }
    let days: Vec<Value> = days.into_iter().map(|(day, items)| json!({ "day": day, "items": items })).collect();
    let model = json!({ "event": p.event, "days": days, "may_edit": may_edit, "form": form, "errors": errors });
    render::fragment(state, ctx, "programme/days.html", model)
}

async fn api_list(State(state): State<AppState>, ctx: Ctx, Path(slug): Path<String>) -> Result<Json<Value>, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let p = Programme::current(&state, &slug).await?;
    let items: Vec<Value> = p.visible(&ctx).map(|i| p.item_json(i, ctx.lang)).collect();
    Ok(Json(json!({ "event": p.event.slug, "time_zone": p.event.time_zone, "items": items })))
}

/// Checks, saves and announces a new item under `id`; the soft clashes come back as warnings.
/// Sent again under its id (a double click, a retry after a conflict), the item made before is
/// the answer, not a second one.
async fn create(
    state: &AppState,
    ctx: &Ctx,
    p: &Programme,
    id: Id,
    input: ItemInput,
) -> Result<Made<(Item, Vec<String>)>, AppError> {
    authorize(&ctx.actor, Action::ManageProgramme { event: p.event.id })?;
    let (meetings, participants, members) = p.frame(None);
    let frame = ItemFrame { event: &p.event, meetings: &meetings, participants: &participants, members: &members };
    let fields = input.validate(&frame)?;
    let item = Item::new(id, p.event.id, fields);
    if let Some(made) = p.items.iter().find(|i| i.id == id) {
        return made_again(made, &item);
    }
    let warnings = p.check(state, ctx.lang, &item)?;
    let mut tx = state.store.begin().await?;
    let saved = async {
        p.hold(&mut tx).await?;
        Ok::<_, AppError>(store::programme::create(&mut tx, &ctx.actor, item.clone()).await?)
    }
    .await;
    let saved = match saved {
        Ok(saved) => saved,
        // Sent twice at once: the other, which wrote first, made it.
        Err(e) => {
            drop(tx);
            return match store::programme::item(&state.store, id).await {
                Ok(made) => made_again(&made, &item),
                Err(_) => Err(e),
            };
        }
    };
    let change = p.announced([&saved]);
    crate::live::announce(&mut tx, &change).await?;
    tx.commit().await?;
    state.live.changed(&state.store, change);
    Ok(Made::New((saved, warnings)))
}

/// The item made before under the id of `item`, if `item` is that item sent again.
fn made_again(made: &Item, item: &Item) -> Result<Made<(Item, Vec<String>)>, AppError> {
    if made.made_of(item) {
        Ok(Made::Again((made.clone(), Vec::new())))
    } else {
        Err(AppError::field("id", "sent-before"))
    }
}

/// Checks, saves and announces a changed item.
async fn replace(
    state: &AppState,
    ctx: &Ctx,
    p: &Programme,
    before: &Item,
    after: Item,
) -> Result<(Item, Vec<String>), AppError> {
    authorize(&ctx.actor, Action::ManageProgramme { event: p.event.id })?;
    let mut warnings = p.check(state, ctx.lang, &after)?;
    if after.kind == ItemKind::Bilateral {
        let requests = store::bilaterals::of_event(&state.store, p.event.id).await?;
        let broken = domain::bilaterals::broken_order(&requests, &p.items, &after);
        warnings.extend(broken.into_iter().map(|(other, order)| {
            let key = match order {
                Order::After => "clash-order-after",
                Order::Before => "clash-order-before",
            };
            state.i18n.t(ctx.lang, key, &[("item", p.named(other, ctx.lang).into())])
        }));
    }
    let mut tx = state.store.begin().await?;
    p.hold(&mut tx).await?;
    let item = store::programme::replace(&mut tx, &ctx.actor, before, after).await?;
    if item.cancelled && !before.cancelled {
        crate::bilaterals::release(&mut tx, &ctx.actor, item.id).await?;
    }
    let change = p.announced([before, &item]);
    crate::live::announce(&mut tx, &change).await?;
    tx.commit().await?;
    state.live.changed(&state.store, change);
    Ok((item, warnings))
}

async fn api_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    input: New<ItemInput>,
) -> Result<Response, AppError> {
    let p = Programme::for_write(&state, &slug).await?;
    let (status, (item, warnings)) = create(&state, &ctx, &p, input.id(), input.fields).await?.answer();
    Ok((status, Json(json!({ "item": p.item_json(&item, ctx.lang), "warnings": warnings }))).into_response())
}

async fn api_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Id)>,
    input: Versioned<ItemInput>,
) -> Result<Json<Value>, AppError> {
    let (p, before) = editing(&state, &ctx, &slug, id, input.version).await?;
    let (meetings, participants, members) = p.frame(Some(&before));
    let frame = ItemFrame { event: &p.event, meetings: &meetings, participants: &participants, members: &members };
    let fields = input.fields.validate(&frame)?;
    let (item, warnings) = replace(&state, &ctx, &p, &before, before.clone().with_fields(fields)).await?;
    Ok(Json(json!({ "item": p.item_json(&item, ctx.lang), "warnings": warnings })))
}

#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct Version {
    version: i64,
}

async fn api_cancel(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Id)>,
    JsonBody(input): JsonBody<Version>,
) -> Result<Json<Value>, AppError> {
    let (p, before) = editing(&state, &ctx, &slug, id, input.version).await?;
    let (item, _) = replace(&state, &ctx, &p, &before, cancelled(&before)?).await?;
    Ok(Json(json!({ "item": p.item_json(&item, ctx.lang) })))
}

/// The item cancelled, unless it is already.
fn cancelled(before: &Item) -> Result<Item, AppError> {
    before.clone().cancel().ok_or_else(|| AppError::refused("item-cancelled-already"))
}

/// The programme as the database holds it, and the item a host's edit from `version` applies to. A
/// change made from an older version is refused, never written over a newer one.
async fn editing(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Id,
    version: i64,
) -> Result<(Arc<Programme>, Item), AppError> {
    let p = Programme::for_write(state, slug).await?;
    authorize(&ctx.actor, Action::ManageProgramme { event: p.event.id })?;
    let item = p.item(id)?.clone();
    if item.version != version {
        return Err(AppError::Conflict { entity: "programme item", current: item.version });
    }
    Ok((p, item))
}

async fn move_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Id)>,
    form: Form,
) -> Result<Response, AppError> {
    let outcome = async {
        let (p, before) = editing(&state, &ctx, &slug, id, form.number("version")?).await?;
        let minutes: i64 = form.number("minutes")?;
        const DAY: i64 = 24 * 60;
        if minutes.abs() > DAY {
            let (min, max) = ((-DAY).to_string(), DAY.to_string());
            return Err(AppError::field_with("minutes", "out-of-range", vec![("min", min), ("max", max)]));
        }
        let moved = before.moved(jiff::SignedDuration::from_mins(minutes), &p.event)?;
        Ok(replace(&state, &ctx, &p, &before, moved).await?.1)
    }
    .await;
    // Named apart from the add form's fields of the same names, which the page shows too.
    let outcome = outcome.map_err(|e| e.renamed(|field| format!("move.{field}")));
    saved(&state, &ctx, &slug, json!({ "moved": id, "minutes": form.get("minutes") }), outcome).await
}

/// The host cancels an item from the programme's page; a confirmed bilateral's request goes back
/// to the host's list (see `bilaterals::release`).
async fn cancel_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Id)>,
    form: Form,
) -> Result<Response, AppError> {
    let outcome = async {
        let (p, before) = editing(&state, &ctx, &slug, id, form.number("version")?).await?;
        Ok(replace(&state, &ctx, &p, &before, cancelled(&before)?).await?.1)
    }
    .await;
    saved(&state, &ctx, &slug, json!({}), outcome).await
}

/// After a change made through a form: back to the programme; or the programme with the soft
/// clashes the change made, for the host to see; or with why it was refused, `values` kept.
async fn saved(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    values: Value,
    outcome: Result<Vec<String>, AppError>,
) -> Result<Response, AppError> {
    let outcome = match outcome {
        Ok(warnings) if !warnings.is_empty() => {
            return Ok(show(state, ctx, slug, None, json!({}), json!({}), &warnings).await?.into_response());
        }
        other => other.map(|_| format!("/events/{slug}/programme")),
    };
    render::form_outcome(state, ctx, outcome, |errors| show(state, ctx, slug, None, values, errors, &[])).await
}

async fn add_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: Form,
) -> Result<Response, AppError> {
    let p = Programme::for_write(&state, &slug).await?;
    let outcome = match item_from_form(&form) {
        Ok(input) => {
            let id = form.ids("id")?.first().copied().unwrap_or_else(domain::new_id);
            create(&state, &ctx, &p, id, input).await.map(|made| made.answer().1.1)
        }
        Err(e) => Err(e),
    };
    let values = json!(form.0.iter().cloned().collect::<HashMap<String, String>>());
    saved(&state, &ctx, &slug, values, outcome).await
}

/// The add form's fields as an item; unreadable times and choices are named by field.
fn item_from_form(form: &Form) -> Result<ItemInput, AppError> {
    let time = |name: &str| form.get(name).parse().map_err(|_| AppError::field(name, "invalid-time"));
    let optional = |name: &str| Some(form.get(name).to_string()).filter(|v| !v.trim().is_empty());
    Ok(ItemInput {
        kind: ItemKind::parse(form.get("kind")).ok_or_else(|| AppError::field("kind", "invalid-choice"))?,
        title: form.text("title"),
        starts: time("starts")?,
        ends: time("ends")?,
        venue: optional("venue"),
        room: optional("room"),
        meeting: optional("meeting"),
        attendees: Attendees { heads: form.get("heads") == "on", ..Attendees::default() },
        press: PressAccess::parse(form.get("press")).ok_or_else(|| AppError::field("press", "invalid-choice"))?,
        visibility: Visibility::parse(form.get("visibility"))
            .ok_or_else(|| AppError::field("visibility", "invalid-choice"))?,
    })
}

#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct VenuesInput {
    version: i64,
    venues: Vec<Venue>,
    #[serde(default)]
    travel: Vec<Travel>,
}

async fn api_venues(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    JsonBody(input): JsonBody<VenuesInput>,
) -> Result<Json<Value>, AppError> {
    let event = store::events::by_slug(&state.store, &slug).await?;
    let event = save_places(&state, &ctx, event, input.version, Some(input.venues), Some(input.travel)).await?;
    Ok(Json(json!({ "event": event.slug, "venues": event.venues, "travel": event.travel, "version": event.version })))
}

/// The travel-time matrix from its form: a field `travel:FROM:TO` per pair of venues, in minutes;
/// an empty field leaves the time unknown. A mistake is said beside the pair it is about.
async fn travel_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: Form,
) -> Result<Response, AppError> {
    let mut travel = Vec::new();
    let outcome = async {
        let event = store::events::by_slug(&state.store, &slug).await?;
        let version = form.number("version")?;
        for (name, _) in form.0.iter().filter(|(name, v)| name.starts_with("travel:") && !v.trim().is_empty()) {
            let mut pair = name["travel:".len()..].splitn(2, ':');
            let (Some(from), Some(to)) = (pair.next(), pair.next()) else {
                return Err(AppError::field(name, "unknown"));
            };
            travel.push(Travel { from: from.to_string(), to: to.to_string(), minutes: form.number(name)? });
        }
        save_places(&state, &ctx, event, version, None, Some(travel.clone())).await
    }
    .await;
    // `travel[i].minutes` is the i-th pair sent.
    let pair_field = |field: &str| {
        let i = field.strip_prefix("travel[")?.split_once(']')?.0.parse::<usize>().ok()?;
        travel.get(i).map(|t| format!("travel:{}:{}", t.from, t.to))
    };
    places_saved(&state, &ctx, &slug, "travel", &form, outcome, |field| pair_field(field).unwrap_or(field.to_string()))
        .await
}

/// Adds a venue (`venue` empty) or a room to the venue `venue`, from the host's forms on the
/// programme page; every field is checked as in the API, and a mistake said beside its field.
async fn venue_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: Form,
) -> Result<Response, AppError> {
    let outcome = async {
        let event = store::events::by_slug(&state.store, &slug).await?;
        let version = form.number("version")?;
        let mut venues = event.venues.clone();
        match Some(form.get("venue").trim()).filter(|v| !v.is_empty()) {
            None => {
                let location = match (form.optional_number("latitude")?, form.optional_number("longitude")?) {
                    (Some(latitude), Some(longitude)) => Some(domain::events::Location { latitude, longitude }),
                    (None, None) => None,
                    (None, _) => return Err(AppError::field("latitude", "required")),
                    (_, None) => return Err(AppError::field("longitude", "required")),
                };
                venues.push(Venue {
                    slug: form.get("slug").trim().to_string(),
                    name: form.text("name"),
                    address: form.get("address").to_string(),
                    location,
                    rooms: Vec::new(),
                    accessibility: form.get("accessibility").to_string(),
                });
            }
            Some(venue) => {
                let venue =
                    venues.iter_mut().find(|v| v.slug == venue).ok_or_else(|| AppError::field("venue", "unknown"))?;
                venue.rooms.push(domain::events::Room {
                    slug: form.get("slug").trim().to_string(),
                    name: form.text("name"),
                    capacity: form.optional_number("capacity")?,
                    accessibility: form.get("accessibility").to_string(),
                    bilaterals: form.get("bilaterals") == "yes",
                });
            }
        }
        save_places(&state, &ctx, event, version, Some(venues), None).await
    }
    .await;
    places_saved(&state, &ctx, &slug, "place", &form, outcome, |field| format!("place.{}", venue_field(field))).await
}

/// The field of the venue form that a mistake in the new venue or room (`venues[i].name.ru`,
/// `venues[i].rooms[j].capacity`) is about: the form has one of each.
fn venue_field(field: &str) -> String {
    let within = field.strip_prefix("venues[").and_then(|rest| rest.split_once("].")).map(|(_, rest)| rest);
    let within =
        within.map(|rest| rest.strip_prefix("rooms[").and_then(|r| r.split_once("].")).map_or(rest, |(_, r)| r));
    match within {
        Some("location") => "latitude".to_string(),
        Some(rest) => rest.to_string(),
        None => field.to_string(),
    }
}

/// The rooms the scheduler may use for bilaterals, from the host's form on the programme page: a
/// box `bilaterals` per room, valued `VENUE/ROOM`; a room whose box is cleared is left to the
/// programme (the meetings confirmed there stay).
async fn rooms_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: Form,
) -> Result<Response, AppError> {
    let outcome = async {
        let event = store::events::by_slug(&state.store, &slug).await?;
        let version = form.number("version")?;
        let ticked = form.all("bilaterals");
        let mut venues = event.venues.clone();
        for venue in &mut venues {
            for room in &mut venue.rooms {
                room.bilaterals = ticked.contains(&format!("{}/{}", venue.slug, room.slug).as_str());
            }
        }
        save_places(&state, &ctx, event, version, Some(venues), None).await
    }
    .await;
    places_saved(&state, &ctx, &slug, "rooms", &form, outcome, |field| format!("rooms.{field}")).await
}

/// After a change to the event's places from one of the host's forms (`name`): back to the
/// programme; or the programme again, what was typed kept as `form.{name}` and each mistake
/// beside the field `field_of` names it by (an unreadable version is the form's as a whole).
async fn places_saved(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    name: &str,
    form: &Form,
    outcome: Result<Event, AppError>,
    field_of: impl Fn(&str) -> String,
) -> Result<Response, AppError> {
    let outcome = outcome
        .map(|e| format!("/events/{}/programme", e.slug))
        .map_err(|e| e.renamed(|field| if field == "version" { "form".to_string() } else { field_of(field) }));
    let values = json!({ name: form.0.iter().cloned().collect::<HashMap<String, String>>() });
    render::form_outcome(state, ctx, outcome, |errors| show(state, ctx, slug, None, values, errors, &[])).await
}

/// Replaces an event's venues and travel times (those given; the others stay), checked like any
/// edit of the event: a place the programme holds an item at stays.
async fn save_places(
    state: &AppState,
    ctx: &Ctx,
    event: Event,
    version: i64,
    venues: Option<Vec<Venue>>,
    travel: Option<Vec<Travel>>,
) -> Result<Event, AppError> {
    authorize(&ctx.actor, Action::ManageProgramme { event: event.id })?;
    let participants = store::participants::list(&state.store).await?;
    let host = participants.iter().find(|p| p.id == event.host).ok_or(AppError::NotFound)?;
    let fields = EventFields {
        slug: event.slug.clone(),
        name: event.name.clone(),
        host: host.code.clone(),
        city: event.city.clone(),
        city_cases: event.city_cases.clone(),
        time_zone: event.time_zone.clone(),
        start_date: event.start_date,
        end_date: event.end_date,
        venues: Some(venues.unwrap_or_else(|| event.venues.clone())),
        travel: Some(travel.unwrap_or_else(|| event.travel.clone())),
    };
    crate::events::save(state, ctx, &event, version, fields).await
}

async fn ics(State(state): State<AppState>, ctx: Ctx, Path(slug): Path<String>) -> Result<Response, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let p = Programme::current(&state, &slug).await?;
    let public: Vec<&Item> = p.items.iter().filter(|i| i.visibility == Visibility::Public).collect();
    Ok(calendar(&state, &p, &public, ctx.lang, p.event.name.get(ctx.lang), &format!("{}-programme", p.event.slug)))
}

#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct BookletQuery {
    lang: Option<String>,
}

/// The programme as a booklet in a language of the interface: the items the reader may see.
async fn booklet(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    crate::input::QueryParams(query): crate::input::QueryParams<BookletQuery>,
) -> Result<Response, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let lang: &str = match query.lang.as_deref() {
        None => ctx.lang,
        Some(l) => crate::i18n::LANGUAGES
            .iter()
            .copied()
            .find(|known| *known == l)
            .ok_or_else(|| AppError::field("lang", "invalid-language"))?,
    };
    let p = Programme::current(&state, &slug).await?;
    let t = |key: &str| state.i18n.t(lang, key, &[]);
    let mut days: Vec<pdf::BookletDay> = Vec::new();
    for item in p.visible(&ctx) {
        let date = state.i18n.date(lang, p.local(item.starts).date());
        if days.last().is_none_or(|d| d.date != date) {
            days.push(pdf::BookletDay { date, items: Vec::new() });
        }
        days.last_mut().expect("just pushed").items.push(pdf::BookletItem {
            time: p.time_span(item),
            title: item.title.get(lang).to_string(),
            place: p.place(item, lang),
            note: if item.cancelled { t("programme-cancelled") } else { String::new() },
        });
    }
    let dates = state.i18n.dates(lang, p.event.start_date, p.event.end_date);
    let booklet = pdf::ProgrammeBooklet {
        language: lang.to_string(),
        title: p.event.name.get(lang).to_string(),
        heading: t("programme-title"),
        place_and_dates: format!("{}, {dates}", p.event.city.get(lang)),
        time_note: crate::render::time_note(
            &state.i18n,
            lang,
            p.event.city.get(lang),
            &p.event.time_zone,
            p.event.start_date,
            p.event.end_date,
        ),
        days,
        venues_heading: t("event-venues"),
        venues: p
            .event
            .venues
            .iter()
            .map(|v| pdf::BookletVenue { name: v.name.get(lang).to_string(), address: v.address.clone() })
            .collect(),
    };
    let bytes = crate::pdfs::render(move || pdf::programme_booklet(&booklet)).await?;
    let name = format!("{}-programme-{lang}.pdf", p.event.slug);
    Ok(render::file(bytes, "application/pdf", render::Disposition::Inline, &name))
}

/// Items as an iCalendar feed in the event's time zone; UIDs stay the same across changes.
pub(crate) fn calendar(
    state: &AppState,
    p: &Programme,
    items: &[&Item],
    lang: &str,
    name: &str,
    file: &str,
) -> Response {
    let host = state.config.base_url.trim_start_matches("https://").trim_start_matches("http://").trim_end_matches('/');
    let entries: Vec<::render::ical::Entry> = items
        .iter()
        .map(|i| ::render::ical::Entry {
            uid: format!("{}@{host}", i.id),
            sequence: i.sequence,
            starts: i.starts,
            ends: i.ends,
            summary: i.title.get(lang).to_string(),
            location: p.place(i, lang),
            description: p.kind_shown(state, lang, i),
            cancelled: i.cancelled,
        })
        .collect();
    let body = ::render::ical::calendar(name, &p.tz, &entries, jiff::Timestamp::now());
    render::file(body, "text/calendar; charset=utf-8", render::Disposition::Inline, &format!("{file}.ics"))
}

/// Tells an open programme page that something changed; the page fetches itself again with its own
/// session, so the stream carries no content that the reader might not be allowed to see.
async fn live(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, AppError> {
    authorize(&ctx.actor, Action::ReadPublic)?;
    let p = Programme::current(&state, &slug).await?;
    let (event, audience) = (p.event.id, p.audience(&ctx));
    let own: Arc<[Id]> = p.own_delegations(&ctx).into();
    let changes = state.live.subscribe(&state.store);
    let closing = state.live.closing();
    let stream = futures_util::stream::unfold((changes, closing), move |(mut changes, mut closing)| {
        let own = own.clone();
        async move {
            use tokio::sync::broadcast::error::RecvError;
            loop {
                let next = tokio::select! {
                    change = changes.recv() => Some(change),
                    _ = closing.wait_for(|closed| *closed) => None,
                };
                match next {
                    // A change to what the reader may not see is not told either, nor that it happened.
                    Some(Ok(changed)) if changed.event == event && changed.heard_by(audience, &own) => {
                        let message = SseEvent::default().event("changed").data("programme");
                        return Some((Ok(message), (changes, closing)));
                    }
                    Some(Ok(_) | Err(RecvError::Lagged(_))) => continue,
                    Some(Err(RecvError::Closed)) | None => return None,
                }
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
