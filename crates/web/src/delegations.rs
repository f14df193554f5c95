//! Delegations: invitations and the ministry's answer, members and their accreditation, photos,
//! imports of delegation lists, badges and the check at the door.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::accounts::{Role, check_username, new_secret};
use domain::delegations::{
    Accreditation, AccreditationPolicy, BadgePolicy, Delegation, DelegationRole, DelegationStatus, EventFrame, Member,
    MemberFields, Rank, Verdict, check_verdict, is_plausible_email, order_members,
};
use domain::events::Event;
use domain::imports::{self, COLUMNS, CellError, LIST_COLUMNS};
use domain::participants::Participant;
use domain::policy::{Action, authorize};
use domain::validation::Checker;
use domain::{FieldError, Id, Invalid};
use serde::Deserialize;
use serde_json::{Value, json};
use store::delegations::Decision;

use crate::AppState;
use crate::error::{AppError, Detail};
use crate::guard::Ctx;
use crate::input::{Form, JsonBody, New, Path, Upload, Versioned};
use crate::mail;
use crate::participants::summary;
use crate::render;
use crate::routes::{CREATED, CREATED_OR_OK, Made, Registry};

pub(crate) fn routes(r: Registry) -> Registry {
    r.get("/events/{event}/delegations", "The host's view of all delegations: invitations, deadline", index_page)
        .post("/events/{event}/invitations", "Invite a participant (form)", invite_form)
        .post("/events/{event}/deadline", "Set the accreditation deadline (form)", deadline_form)
        .get("/invitations/{token}", "An invitation, for the invited ministry to answer", invitation_page)
        .post(
            "/invitations/{token}",
            "Confirm (naming the accreditation officer) or decline an invitation",
            answer_invitation,
        )
        .get(
            "/events/{event}/delegations/{participant}",
            "A delegation: its members and their accreditation",
            delegation_page,
        )
        .post("/events/{event}/delegations/{participant}/members", "Add a member (form)", add_member_form)
        .get("/events/{event}/delegations/{participant}/members/{member}", "A member's form", member_page)
        .post("/events/{event}/delegations/{participant}/members/{member}", "Change a member (form)", edit_member_form)
        .post(
            "/events/{event}/delegations/{participant}/members/{member}/photo",
            "Upload a member's photo",
            upload_photo,
        )
        .get("/events/{event}/members/{member}/photo.jpg", "A member's photo", photo)
        .post(
            "/events/{event}/delegations/{participant}/import-form",
            "Import a delegation list (form upload)",
            import_form,
        )
        .post("/events/{event}/members/{member}/decision", "Approve, reject, revoke or reprint (form)", decision_form)
        .get(
            "/events/{event}/delegations/{participant}/note-verbale.pdf",
            "The invitation as a note verbale (PDF)",
            note_verbale,
        )
        .get("/events/{event}/delegations/{participant}/badges.pdf", "The delegation's badges (PDF, host)", badges_pdf)
        .get("/badges/{badge}", "The check of a badge at the door", badge_page)
        .get("/delegation-template.xlsx", "The delegation list template", template)
        .get("/api/v1/events/{event}/delegations", "All delegations of an event (host)", api_delegations)
        .post("/api/v1/events/{event}/delegations", "Invite a participant; returns the invitation link", api_invite)
        .answering(CREATED)
        .get("/api/v1/events/{event}/delegations/{participant}/members", "A delegation's members", api_members)
        .post("/api/v1/events/{event}/delegations/{participant}/members", "Add a member", api_add_member)
        .answering(CREATED_OR_OK)
        .put(
            "/api/v1/events/{event}/delegations/{participant}/members/{member}",
            "Replace a member's fields (with its version)",
            api_edit_member,
        )
        .post(
            "/api/v1/events/{event}/delegations/{participant}/import",
            "Import a delegation list (XLSX or CSV body)",
            api_import,
        )
        .answering(CREATED)
        .post("/api/v1/events/{event}/members/{member}/decision", "Approve, reject, revoke or reprint", api_decision)
}

/// The member form's choices, with the prefix of their words.
const MEMBER_CHOICES: &[(&str, &str)] = &[("rank", "rank-"), ("role", "role-in-delegation-"), ("formats", "format-")];

/// An event, a participant and its delegation, as a path names them.
pub(crate) struct Scope {
    pub(crate) event: Event,
    pub(crate) participant: Participant,
    pub(crate) delegation: Delegation,
    /// The slugs of the event's meetings, which members may be marked for.
    meetings: Vec<String>,
    /// Their titles, in the same order, for a form to name them by.
    titles: Vec<domain::text::Text>,
}

impl Scope {
    pub(crate) async fn load(state: &AppState, event: &str, participant: &str) -> Result<Scope, AppError> {
        let event = store::events::by_slug(&state.store, event).await?;
        let participant = store::participants::by_code(&state.store, &participant.to_uppercase()).await?;
        let delegation = store::delegations::of_participant(&state.store, event.id, participant.id).await?;
        let (meetings, titles) = store::events::meetings_of_event(&state.store, event.id)
            .await?
            .into_iter()
            .map(|m| (m.meeting.slug, m.meeting.title))
            .unzip();
        Ok(Scope { event, participant, delegation, meetings, titles })
    }

    /// The meetings a member may be marked for, as a form offers them.
    fn meeting_choices(&self) -> Vec<Value> {
        self.meetings.iter().zip(&self.titles).map(|(slug, title)| json!({ "slug": slug, "title": title })).collect()
    }

    pub(crate) fn read(&self) -> Action {
        Action::ReadDelegation { event: self.event.id, participant: self.participant.id }
    }

    fn edit(&self) -> Action {
        let deadline_passed = self.event.deadline_passed(jiff::Timestamp::now());
        Action::EditDelegation { event: self.event.id, participant: self.participant.id, deadline_passed }
    }

    /// What a member of this delegation is checked against.
    fn frame(&self) -> EventFrame<'_> {
        EventFrame { meetings: &self.meetings, first_day: self.event.start_date, last_day: self.event.end_date }
    }

    fn path(&self) -> String {
        format!("/events/{}/delegations/{}", self.event.slug, self.participant.code.to_lowercase())
    }
}

/// What an accreditation at an event needs: the rule of the event's principal body.
async fn accreditation_policy(state: &AppState, event: &Event) -> Result<AccreditationPolicy, AppError> {
    Ok(crate::lists::principal_body(state, event).await?.map(|b| b.protocol.accreditation).unwrap_or_default())
}

/// A member as pages and the API show it to those who may read the delegation.
fn member_json(m: &Member, lang: &str, badge: Option<&store::delegations::Badge>) -> Value {
    let mut v = json!(m);
    v["display_name"] = json!(m.names.display(lang));
    v["accreditation_status"] = json!(m.accreditation.name());
    v["badge"] = json!(badge.map(|b| &b.id));
    v
}

async fn index_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(event): Path<String>,
) -> Result<Html<String>, AppError> {
    let event = store::events::by_slug(&state.store, &event).await?;
    authorize(&ctx.actor, Action::ManageInvitations { event: event.id })?;
    overview(&state, &ctx, &event, json!({}), json!({})).await
}

async fn overview(
    state: &AppState,
    ctx: &Ctx,
    event: &Event,
    form: Value,
    errors: Value,
) -> Result<Html<String>, AppError> {
    let participants = store::participants::list(&state.store).await?;
    let delegations = store::delegations::of_event(&state.store, event.id).await?;
    let members = store::delegations::members_of_event(&state.store, event.id).await?;
    let rows: Vec<Value> = crate::lists::in_protocol_order(state, event, &participants, &delegations, &members)
        .await?
        .into_iter()
        .map(|(p, d)| {
            let of = |status: &str| {
                members.iter().filter(|m| m.delegation_id == d.id && m.accreditation.name() == status).count()
            };
            json!({
                "participant": summary(&participants, p.id),
                "status": d.status.as_str(),
                "email": d.email,
                "requested": of("requested"),
                "approved": of("approved"),
                "rejected": of("rejected"),
                "revoked": of("revoked"),
                // The host does not invite itself by note.
                "note_verbale": p.id != event.host,
            })
        })
        .collect();
    let invited: Vec<Id> = delegations.iter().map(|d| d.participant_id).collect();
    let mut invitable: Vec<&Participant> = participants.iter().filter(|p| !invited.contains(&p.id)).collect();
    domain::precedence::sort_by_collation(&mut invitable, ctx.lang, |p| p.short_name.get(ctx.lang));
    let tz = jiff::tz::TimeZone::get(&event.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let deadline = event.accreditation_deadline.map(|d| d.to_zoned_datetime(tz).strftime("%Y-%m-%dT%H:%M").to_string());
    let model = json!({
        "event": event,
        "delegations": rows,
        "invitable": invitable.iter().map(|p| json!({ "code": p.code, "short_name": p.short_name })).collect::<Vec<_>>(),
        "deadline": deadline,
        "form": form,
        "errors": errors,
    });
    render::page(state, ctx, "delegations/index.html", model)
}

/// Invites a participant and queues the invitation notice; returns the delegation and the link's token.
async fn invite(
    state: &AppState,
    ctx: &Ctx,
    event: &Event,
    participant: &str,
    email: &str,
) -> Result<(Delegation, String), AppError> {
    authorize(&ctx.actor, Action::ManageInvitations { event: event.id })?;
    let mut c = Checker::new();
    let email = email.trim();
    if !is_plausible_email(email) {
        c.fail("email", "invalid-email");
    }
    c.finish(())?;
    let participant = store::participants::by_code(&state.store, &participant.trim().to_uppercase())
        .await
        .map_err(|_| AppError::field("participant", "unknown"))?;
    let token = new_secret();
    let mut tx = state.store.begin().await?;
    let delegation = store::delegations::invite(
        &mut tx,
        &ctx.actor,
        event.id,
        &participant.code,
        email,
        &token,
        jiff::Timestamp::now(),
    )
    .await?;
    let notice = mail::invitation(state, event, &participant, email, &token).await?;
    store::delegations::notify(&mut tx, &notice).await?;
    tx.commit().await?;
    Ok((delegation, token))
}

async fn invite_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: Form,
) -> Result<Response, AppError> {
    let event = store::events::by_slug(&state.store, &slug).await?;
    authorize(&ctx.actor, Action::ManageInvitations { event: event.id })?;
    let outcome = invite(&state, &ctx, &event, form.get("participant"), form.get("email")).await;
    let outcome = outcome.map(|_| format!("/events/{slug}/delegations"));
    render::form_outcome(&state, &ctx, outcome, |errors| overview(&state, &ctx, &event, form.to_json(), errors)).await
}

async fn deadline_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: Form,
) -> Result<Response, AppError> {
    let event = store::events::by_slug(&state.store, &slug).await?;
    authorize(&ctx.actor, Action::ManageInvitations { event: event.id })?;
    let outcome = async {
        let deadline = crate::input::local_instant(&form, "deadline", &event.time_zone, "invalid-date")?;
        let deadline = deadline.map(|d| event.check_deadline(d, "deadline")).transpose()?;
        let version: i64 = form.number("version")?;
        let mut tx = state.store.begin().await?;
        store::events::set_deadline(&mut tx, &ctx.actor, &event, version, deadline).await?;
        tx.commit().await?;
        Ok(format!("/events/{slug}/delegations"))
    }
    .await;
    render::form_outcome(&state, &ctx, outcome, |errors| overview(&state, &ctx, &event, form.to_json(), errors)).await
}

async fn invitation_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Html<String>, AppError> {
    let delegation = store::delegations::by_invitation(&state.store, &token).await?;
    invitation_view(&state, &ctx, &token, &delegation, json!({}), json!({}), StatusCode::OK).await.map(|(_, html)| html)
}

async fn invitation_view(
    state: &AppState,
    ctx: &Ctx,
    token: &str,
    delegation: &Delegation,
    form: Value,
    errors: Value,
    status: StatusCode,
) -> Result<(StatusCode, Html<String>), AppError> {
    let event = store::events::by_id(&state.store, delegation.event_id).await?;
    let participants = store::participants::list(&state.store).await?;
    let model = json!({
        "event": event,
        "host": summary(&participants, event.host),
        "participant": summary(&participants, delegation.participant_id),
        "status": delegation.status.as_str(),
        "form": form,
        "errors": errors,
        "action": format!("/invitations/{token}"),
    });
    Ok((status, render::page(state, ctx, "delegations/invitation.html", model)?))
}

/// The invited ministry's answer: whoever holds the link speaks for the ministry (it was sent to
/// the ministry's address), so no login is needed; confirming creates the accreditation officer.
async fn answer_invitation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    form: Form,
) -> Result<Response, AppError> {
    let delegation = store::delegations::by_invitation(&state.store, &token).await?;
    if delegation.status != DelegationStatus::Invited {
        return Err(AppError::Conflict { entity: "delegation", current: delegation.version });
    }
    let event = store::events::by_id(&state.store, delegation.event_id).await?;
    if form.get("answer") == "decline" {
        let mut tx = state.store.begin().await?;
        store::delegations::respond(&mut tx, &ctx.actor, &delegation, DelegationStatus::Declined).await?;
        tx.commit().await?;
        return Ok(Redirect::to(&format!("/invitations/{token}")).into_response());
    }
    let (username, display_name, email, password) =
        (form.get("username").trim(), form.get("display_name").trim(), form.get("email").trim(), form.get("password"));
    let mut c = Checker::new();
    check_username(&mut c, username);
    let display_name = c.text("display_name", display_name, 100);
    if !is_plausible_email(email) {
        c.fail("email", "invalid-email");
    }
    domain::accounts::check_password(&mut c, "password", password);
    // The invitation again, with what was typed and what is wrong with it.
    let mistaken = |invalid: Invalid| {
        let (state, ctx, token, delegation, form) = (&state, &ctx, &token, &delegation, &form);
        async move {
            let errors = state.i18n.field_errors(ctx.lang, &invalid);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let (status, html) = invitation_view(state, ctx, token, delegation, form.to_json(), errors, status).await?;
            Ok::<_, AppError>((status, html).into_response())
        }
    };
    if let Err(invalid) = c.finish(()) {
        return mistaken(invalid).await;
    }
    let hash = crate::input::password_hash(password).await?;
    let mut tx = state.store.begin().await?;
    store::delegations::respond(&mut tx, &ctx.actor, &delegation, DelegationStatus::Confirmed).await?;
    let officer = match store::accounts::create_user(&mut tx, &ctx.actor, username, &display_name, &hash, false).await {
        Err(store::StoreError::Duplicate { field }) => {
            drop(tx);
            return mistaken(Invalid(vec![FieldError { field: field.into(), code: "duplicate", args: vec![] }])).await;
        }
        other => other?,
    };
    let role = Role::AccreditationOfficer { event: event.id, participant: delegation.participant_id };
    store::accounts::grant(&mut tx, &ctx.actor, &officer, &role).await?;
    store::accounts::set_email(&mut tx, &ctx.actor, officer.id, email).await?;
    let participant =
        store::participants::list(&state.store).await?.into_iter().find(|p| p.id == delegation.participant_id);
    if let Some(participant) = participant {
        for notice in mail::confirmation(&state, &event, &participant, &officer, email, ctx.lang).await? {
            store::delegations::notify(&mut tx, &notice).await?;
        }
    }
    tx.commit().await?;
    Ok(Redirect::to("/login").into_response())
}

async fn delegation_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, participant)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    let scope = Scope::load(&state, &event, &participant).await?;
    authorize(&ctx.actor, scope.read())?;
    delegation_view(&state, &ctx, &scope, json!({}), json!({}), Vec::new()).await
}

async fn delegation_view(
    state: &AppState,
    ctx: &Ctx,
    scope: &Scope,
    form: Value,
    errors: Value,
    import_errors: Vec<Detail>,
) -> Result<Html<String>, AppError> {
    let members = store::delegations::members_of(&state.store, scope.delegation.id).await?;
    let refs: Vec<&Member> = members.iter().collect();
    let policy = accreditation_policy(state, &scope.event).await?;
    let ordered: Vec<Value> = order_members(&refs, ctx.lang)
        .into_iter()
        .map(|m| {
            let mut v = member_json(m, ctx.lang, None);
            // Said before the host decides, so that the officer sends the photo first.
            v["photo_needed"] = json!(policy.check_approvable(m).is_err());
            v
        })
        .collect();
    let may_edit = authorize(&ctx.actor, scope.edit()).is_ok();
    let deadline_reason = match authorize(&ctx.actor, scope.edit()) {
        Err(domain::policy::Denied::NotAllowed(why)) if authorize(&ctx.actor, scope.read()).is_ok() => Some(why),
        _ => None,
    };
    let may_decide = authorize(&ctx.actor, Action::DecideAccreditation { event: scope.event.id }).is_ok();
    let model = json!({
        "event": scope.event,
        "participant": scope.participant,
        "delegation": scope.delegation,
        "members": ordered,
        "may_edit": may_edit,
        "may_decide": may_decide,
        "edit_refused": deadline_reason,
        "path": scope.path(),
        "ranks": Rank::ALL,
        "roles": DelegationRole::ALL,
        "meetings": scope.meeting_choices(),
        "form": form,
        "errors": errors,
        "import_errors": import_errors,
        "new_id": domain::new_id(),
    });
    render::page(state, ctx, "delegations/show.html", model)
}

/// A member's form fields (named as the delegation list's columns), as a one-row sheet.
fn form_row(form: &Form) -> Vec<String> {
    COLUMNS
        .iter()
        .map(|c| if LIST_COLUMNS.contains(c) { form.all(c).join(" ") } else { form.get(c).to_string() })
        .collect()
}

/// The member a form describes, or every problem by field (the fields are the columns).
fn member_from_form(form: &Form, scope: &Scope) -> Result<MemberFields, Invalid> {
    let headers: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    imports::members(&headers, &[form_row(form)], &[1], scope.frame()).map(|mut m| m.remove(0)).map_err(|cells| {
        Invalid(cells.into_iter().map(|e| FieldError { field: e.column, code: e.code, args: e.args }).collect())
    })
}

async fn add_member_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, participant)): Path<(String, String)>,
    form: Form,
) -> Result<Response, AppError> {
    let scope = Scope::load(&state, &event, &participant).await?;
    authorize(&ctx.actor, scope.edit())?;
    let outcome = async {
        // The form's id makes a member once, however often the form is sent (a double click).
        let id = form.ids("id")?.first().copied().unwrap_or_else(domain::new_id);
        add(&state, &ctx, &scope, id, member_from_form(&form, &scope)?).await?;
        Ok(scope.path())
    }
    .await;
    render::form_outcome(&state, &ctx, outcome, |errors| {
        delegation_view(&state, &ctx, &scope, form.to_json(), errors, Vec::new())
    })
    .await
}

/// Adds a member under `id`; the member added under it before, with the same fields, is the
/// answer, not a second one.
async fn add(
    state: &AppState,
    ctx: &Ctx,
    scope: &Scope,
    id: Id,
    fields: MemberFields,
) -> Result<Made<Member>, AppError> {
    if let Some(made) = made_before(state, scope, id, &fields).await? {
        return Ok(Made::Again(made));
    }
    one_head(state, scope, None, &fields).await?;
    let mut tx = state.store.begin().await?;
    match store::delegations::add_member(&mut tx, &ctx.actor, &scope.delegation, id, fields.clone()).await {
        Ok(member) => {
            tx.commit().await?;
            Ok(Made::New(member))
        }
        // Sent twice at once: the other, which wrote first, made it.
        Err(store::StoreError::Duplicate { .. }) => {
            drop(tx);
            made_before(state, scope, id, &fields).await?.map(Made::Again).ok_or(AppError::field("id", "sent-before"))
        }
        Err(e) => Err(e.into()),
    }
}

/// Refused where the member `this` (none: a new one) would be the delegation's second head.
async fn one_head(state: &AppState, scope: &Scope, this: Option<Id>, fields: &MemberFields) -> Result<(), AppError> {
    let listed = store::delegations::members_of(&state.store, scope.delegation.id).await?;
    Ok(domain::delegations::check_one_head(&listed, this, fields.role, &fields.meetings)?)
}

/// The member made under `id` already with these fields, if any; another member under that id is
/// refused rather than taken for it.
async fn made_before(
    state: &AppState,
    scope: &Scope,
    id: Id,
    fields: &MemberFields,
) -> Result<Option<Member>, AppError> {
    match store::delegations::member(&state.store, id).await {
        Ok(made) if made.added_again(scope.delegation.id, fields) => Ok(Some(made)),
        Ok(_) => Err(AppError::field("id", "sent-before")),
        Err(store::StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// A member of the scope's delegation (a member of another delegation is not found here).
pub(crate) async fn member_of(state: &AppState, scope: &Scope, member: Id) -> Result<Member, AppError> {
    let member = store::delegations::member(&state.store, member).await?;
    if member.delegation_id != scope.delegation.id {
        return Err(AppError::NotFound);
    }
    Ok(member)
}

fn form_of_member(m: &Member) -> Value {
    let name = |n: &domain::delegations::PersonName| (n.family.clone(), n.given.clone(), n.patronymic.clone());
    let (fl, gl, pl) = name(&m.names.latin);
    let (fc, gc, pc) = name(&m.names.cyrillic);
    let movement = |mv: &Option<domain::delegations::Movement>| {
        mv.as_ref().map_or((String::new(), String::new(), String::new()), |mv| {
            (
                mv.date.to_string(),
                mv.time.map(|t| t.strftime("%H:%M").to_string()).unwrap_or_default(),
                mv.carrier.clone(),
            )
        })
    };
    let (ad, at, ac) = movement(&m.private.arrival);
    let (dd, dt, dc) = movement(&m.private.departure);
    json!({
        "family_name_latin": fl, "given_names_latin": gl, "patronymic_latin": pl,
        "family_name_cyrillic": fc, "given_names_cyrillic": gc, "patronymic_cyrillic": pc,
        "position_en": m.position.exact("en"), "position_ru": m.position.exact("ru"), "position_kk": m.position.exact("kk"),
        "position_from": m.tenure.from, "position_until": m.tenure.until,
        "rank": m.rank, "role": m.role, "formats": m.formats, "meetings": m.meetings,
        "email": m.private.email, "phone": m.private.phone,
        "arrival_date": ad, "arrival_time": at, "arrival_carrier": ac,
        "departure_date": dd, "departure_time": dt, "departure_carrier": dc,
        "version": m.version,
    })
}

async fn member_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, participant, member)): Path<(String, String, Id)>,
) -> Result<Html<String>, AppError> {
    let scope = Scope::load(&state, &event, &participant).await?;
    authorize(&ctx.actor, scope.read())?;
    let member = member_of(&state, &scope, member).await?;
    let now = form_of_member(&member);
    member_view(&state, &ctx, &scope, &member, crate::input::edit_values(now), json!({})).await
}

async fn member_view(
    state: &AppState,
    ctx: &Ctx,
    scope: &Scope,
    member: &Member,
    form: Value,
    errors: Value,
) -> Result<Html<String>, AppError> {
    let model = json!({
        "event": scope.event,
        "participant": scope.participant,
        "member": member_json(member, ctx.lang, None),
        "may_edit": authorize(&ctx.actor, scope.edit()).is_ok(),
        "path": scope.path(),
        "ranks": Rank::ALL,
        "roles": DelegationRole::ALL,
        "meetings": scope.meeting_choices(),
        "form": form,
        "errors": errors,
    });
    render::page(state, ctx, "delegations/member.html", model)
}

async fn edit_member_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, participant, member)): Path<(String, String, Id)>,
    form: Form,
) -> Result<Response, AppError> {
    let scope = Scope::load(&state, &event, &participant).await?;
    authorize(&ctx.actor, scope.edit())?;
    let member = member_of(&state, &scope, member).await?;
    let version: i64 = form.number("version")?;
    let outcome = async {
        // The form has no fields for case forms: the stored ones stay.
        let fields = MemberFields { cases: member.cases.clone(), ..member_from_form(&form, &scope)? };
        accreditation_policy(&state, &scope.event).await?.check_change(&member, &fields)?;
        one_head(&state, &scope, Some(member.id), &fields).await?;
        let mut tx = state.store.begin().await?;
        store::delegations::update_member(&mut tx, &ctx.actor, member.id, version, fields).await?;
        tx.commit().await?;
        Ok(scope.path())
    }
    .await;
    render::form_outcome(&state, &ctx, outcome, |errors| async {
        // As stored now: after a conflict, what another user changed meanwhile.
        let now = member_of(&state, &scope, member.id).await?;
        let resent = form.resent(form_of_member(&now));
        let errors = render::changed_meanwhile(&state, &ctx, errors, &resent, MEMBER_CHOICES);
        member_view(&state, &ctx, &scope, &now, resent.values, errors).await
    })
    .await
}

async fn upload_photo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, participant, member)): Path<(String, String, Id)>,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, AppError> {
    let scope = Scope::load(&state, &event, &participant).await?;
    authorize(&ctx.actor, scope.edit())?;
    let member = member_of(&state, &scope, member).await?;
    let outcome = async {
        let bytes = crate::input::multipart_file(&mut multipart, "photo").await?;
        let photo = crate::input::photo(bytes).await?;
        let mut tx = state.store.begin().await?;
        store::delegations::set_photo(&mut tx, &ctx.actor, &member, &photo.jpeg, &photo.thumbnail_jpeg).await?;
        tx.commit().await?;
        Ok(format!("{}/members/{}", scope.path(), member.id))
    }
    .await;
    // On the member's page rather than an error page, so that the reader sees which file was
    // refused and why, with the member's form as it was read.
    render::form_outcome(&state, &ctx, outcome, |errors| {
        member_view(&state, &ctx, &scope, &member, crate::input::edit_values(form_of_member(&member)), errors)
    })
    .await
}

async fn photo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, member)): Path<(String, Id)>,
    crate::input::QueryParams(size): crate::input::QueryParams<crate::input::PhotoSize>,
) -> Result<Response, AppError> {
    let event = store::events::by_slug(&state.store, &event).await?;
    let member = store::delegations::member(&state.store, member).await?;
    let delegation = store::delegations::delegation(&state.store, member.delegation_id).await?;
    if delegation.event_id != event.id {
        return Err(AppError::NotFound);
    }
    let read =
        authorize(&ctx.actor, Action::ReadDelegation { event: event.id, participant: delegation.participant_id });
    read.or_else(|_| authorize(&ctx.actor, Action::CheckBadge { event: event.id }))?;
    let photo_id = member.photo.ok_or(AppError::NotFound)?;
    let bytes = store::delegations::photo(&state.store, photo_id, size.thumbnail()).await?;
    Ok(([(header::CONTENT_TYPE, "image/jpeg"), (header::CACHE_CONTROL, "private, max-age=3600")], bytes)
        .into_response())
}

/// Imports a delegation list: every row, or none.
async fn import(state: &AppState, ctx: &Ctx, scope: &Scope, bytes: &[u8]) -> Result<usize, AppError> {
    authorize(&ctx.actor, scope.edit())?;
    let sheet = ::render::table::read(bytes).map_err(|e| unreadable(state, ctx.lang, e))?;
    let refused = |cells: Vec<CellError>| AppError::Import {
        message: state.i18n.t(ctx.lang, "import-refused", &[("count", cells.len().into())]),
        details: cells.iter().map(|e| cell_detail(state, ctx.lang, e)).collect(),
    };
    let members = imports::members(&sheet.headers, &sheet.rows, &sheet.lines, scope.frame()).map_err(refused)?;
    let listed = store::delegations::members_of(&state.store, scope.delegation.id).await?;
    let mut twice =
        imports::already_listed(&members, &sheet.lines, &listed.iter().map(|m| &m.names).collect::<Vec<_>>());
    twice.extend(imports::second_heads(&members, &sheet.lines, &listed));
    if !twice.is_empty() {
        return Err(refused(twice));
    }
    let mut tx = state.store.begin().await?;
    for fields in &members {
        store::delegations::add_member(&mut tx, &ctx.actor, &scope.delegation, domain::new_id(), fields.clone())
            .await?;
    }
    tx.commit().await?;
    Ok(members.len())
}

/// A file that is no table, in the reader's words; the reader's own (English, naming the line or
/// the part of the workbook) follow as a detail where they say more.
fn unreadable(state: &AppState, lang: &str, e: ::render::table::TableError) -> AppError {
    use ::render::table::TableError;
    let t = |key: &str, args: &[(&str, fluent_bundle::FluentValue)]| state.i18n.t(lang, key, args);
    let words = |message: String| vec![Detail { field: None, row: None, column: None, message }];
    let (message, details) = match e {
        TableError::NotUtf8 { line } => (t("import-not-utf8", &[("line", line.into())]), vec![]),
        TableError::Empty => (t("import-empty", &[]), vec![]),
        // `what` starts with what there is too much of: "rows (at most 5,000)".
        TableError::TooLarge { what } => {
            (t(&format!("import-too-many-{}", what.split(' ').next().unwrap_or_default()), &[]), vec![])
        }
        TableError::Malformed { line, message } => (t("import-malformed", &[("line", line.into())]), words(message)),
        TableError::Xlsx(message) => (t("import-unreadable", &[]), words(message)),
    };
    AppError::Import { message, details }
}

fn cell_detail(state: &AppState, lang: &str, e: &CellError) -> Detail {
    let error = FieldError { field: e.column.clone(), code: e.code, args: e.args.clone() };
    Detail {
        field: Some(e.column.clone()),
        row: Some(e.row),
        column: Some(e.column.clone()),
        message: state.i18n.field_error(lang, &error),
    }
}

async fn import_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, participant)): Path<(String, String)>,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, AppError> {
    let scope = Scope::load(&state, &event, &participant).await?;
    authorize(&ctx.actor, scope.edit())?;
    let bytes = crate::input::multipart_file(&mut multipart, "file").await?;
    match import(&state, &ctx, &scope, &bytes).await {
        Ok(_) => Ok(Redirect::to(&scope.path()).into_response()),
        Err(AppError::Import { message, details }) => {
            // Cells are said by their rows; a file that could not be read, by the message first.
            let mut details = details;
            if details.iter().all(|d| d.row.is_none()) {
                details.insert(0, Detail { field: None, row: None, column: None, message });
            }
            let page = delegation_view(&state, &ctx, &scope, json!({}), json!({}), details).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

/// A host's decision on a member's accreditation.
#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "AccreditationDecisionInput")]
struct DecisionInput {
    /// `approve`, `reject`, `revoke` or `reprint`.
    action: String,
    #[serde(default)]
    reason: String,
    version: i64,
}

async fn decide(
    state: &AppState,
    ctx: &Ctx,
    event: &Event,
    member: Id,
    input: DecisionInput,
) -> Result<Member, AppError> {
    authorize(&ctx.actor, Action::DecideAccreditation { event: event.id })?;
    let member = store::delegations::member(&state.store, member).await?;
    let delegation = store::delegations::delegation(&state.store, member.delegation_id).await?;
    if delegation.event_id != event.id {
        return Err(AppError::NotFound);
    }
    if member.version != input.version {
        return Err(AppError::Conflict { entity: "member", current: member.version });
    }
    let reason = input.reason.trim();
    let badge_id = new_secret()[..24].to_string();
    let decision = match check_verdict(&input.action, reason, &member.accreditation)? {
        Verdict::Approve => {
            accreditation_policy(state, event).await?.check_approvable(&member)?;
            // A head refused before and approved now may meet one added meanwhile.
            let listed = store::delegations::members_of(&state.store, delegation.id).await?;
            domain::delegations::check_one_head(&listed, Some(member.id), member.role, &member.meetings)?;
            Decision::Approve { badge_id: &badge_id }
        }
        Verdict::Reprint => {
            accreditation_policy(state, event).await?.check_reprint(&member)?;
            Decision::Approve { badge_id: &badge_id }
        }
        Verdict::Reject => Decision::Reject { reason },
        Verdict::Revoke => Decision::Revoke { reason },
    };
    let officers = mail::officers(state, event, &delegation).await?;
    let mut tx = state.store.begin().await?;
    let after = store::delegations::decide(&mut tx, &ctx.actor, &member, event.id, decision).await?;
    for notice in mail::decision(state, event, &officers, &after) {
        store::delegations::notify(&mut tx, &notice).await?;
    }
    tx.commit().await?;
    Ok(after)
}

async fn decision_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, member)): Path<(String, Id)>,
    form: Form,
) -> Result<Response, AppError> {
    let event = store::events::by_slug(&state.store, &event).await?;
    authorize(&ctx.actor, Action::DecideAccreditation { event: event.id })?;
    let version = form.number("version")?;
    let input =
        DecisionInput { action: form.get("action").to_string(), reason: form.get("reason").to_string(), version };
    let refused = match decide(&state, &ctx, &event, member, input).await {
        Ok(after) => {
            let code = participant_code(&state, &after).await?;
            return Ok(Redirect::to(&format!("/events/{}/delegations/{code}", event.slug)).into_response());
        }
        Err(refused @ (AppError::Invalid(_) | AppError::Conflict { .. } | AppError::Refused { .. })) => refused,
        Err(other) => return Err(other),
    };
    let member = store::delegations::member(&state.store, member).await?;
    let code = participant_code(&state, &member).await?;
    // Said on the member's row of the page the host decided from, which shows the member as it is now.
    let scope = Scope::load(&state, &event.slug, &code).await?;
    let errors =
        json!({ format!("decision-{}", member.id): crate::error::said_in_one_line(&refused, &state.i18n, ctx.lang) });
    let page = delegation_view(&state, &ctx, &scope, json!({}), errors, Vec::new()).await?;
    Ok((refused.status(), page).into_response())
}

/// The lower-case code of a member's participant, as the delegation's path has it.
async fn participant_code(state: &AppState, member: &Member) -> Result<String, AppError> {
    let delegation = store::delegations::delegation(&state.store, member.delegation_id).await?;
    let participants = store::participants::list(&state.store).await?;
    Ok(summary(&participants, delegation.participant_id)["code"].as_str().unwrap_or("").to_lowercase())
}

async fn badge_page(State(state): State<AppState>, ctx: Ctx, Path(badge): Path<String>) -> Result<Response, AppError> {
    if ctx.user.is_none() {
        return Err(AppError::Unauthorized);
    }
    let Some(badge) = store::delegations::badge(&state.store, &badge).await? else {
        if !ctx.actor.is_admin() && !ctx.actor.roles.iter().any(|r| matches!(r, Role::Host { .. })) {
            return Err(AppError::Forbidden("only host staff check badges"));
        }
        let page = render::page(&state, &ctx, "delegations/badge.html", json!({ "verdict": "unknown" }))?;
        return Ok((StatusCode::NOT_FOUND, page).into_response());
    };
    authorize(&ctx.actor, Action::CheckBadge { event: badge.event_id })?;
    let member = store::delegations::member(&state.store, badge.member_id).await?;
    let delegation = store::delegations::delegation(&state.store, member.delegation_id).await?;
    let event = store::events::by_id(&state.store, badge.event_id).await?;
    let participants = store::participants::list(&state.store).await?;
    let valid = !badge.revoked && matches!(member.accreditation, Accreditation::Approved { .. });
    let policy = BadgePolicy::default();
    let category = policy.category(member.role);
    let model = json!({
        "verdict": if valid { "valid" } else { "revoked" },
        "event": event,
        "member": member_json(&member, ctx.lang, Some(&badge)),
        "names": { "latin": member.names.latin.full(), "cyrillic": member.names.cyrillic.full() },
        "participant": summary(&participants, delegation.participant_id),
        "category": category.map(|c| &c.code),
        "zones": category.map(|c| &c.zones),
        "reason": badge_reason(&state, &ctx, &badge),
    });
    Ok(render::page(&state, &ctx, "delegations/badge.html", model)?.into_response())
}

/// Why a badge does not admit, for the door: the host's reason for a revocation as given; a
/// reprint's, or a change since approval's, in the reader's words.
fn badge_reason(state: &AppState, ctx: &Ctx, badge: &store::delegations::Badge) -> String {
    match badge.revoked_reason.as_str() {
        store::delegations::REPRINTED => state.i18n.t(ctx.lang, "badge-reprinted", &[]),
        store::delegations::CHANGED => state.i18n.t(ctx.lang, "badge-changed", &[]),
        reason => reason.to_string(),
    }
}

async fn template() -> Result<Response, AppError> {
    let sheet = ::render::table::Sheet {
        headers: COLUMNS.iter().map(|c| c.to_string()).collect(),
        rows: vec![imports::EXAMPLE.iter().map(|c| c.to_string()).collect()],
        lines: vec![2],
    };
    let bytes = ::render::table::write_xlsx(&sheet, "delegation").map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(render::file(bytes, render::XLSX, render::Disposition::Attachment, "delegation-template.xlsx"))
}

async fn api_delegations(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(event): Path<String>,
) -> Result<Json<Value>, AppError> {
    let event = store::events::by_slug(&state.store, &event).await?;
    authorize(&ctx.actor, Action::ManageInvitations { event: event.id })?;
    let participants = store::participants::list(&state.store).await?;
    let delegations: Vec<Value> = store::delegations::of_event(&state.store, event.id)
        .await?
        .iter()
        .map(|d| json!({ "participant": summary(&participants, d.participant_id)["code"], "status": d.status, "email": d.email, "version": d.version }))
        .collect();
    Ok(Json(json!({ "event": event.slug, "delegations": delegations })))
}

#[derive(schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
struct InvitationInput {
    participant: String,
    email: String,
}

async fn api_invite(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(event): Path<String>,
    JsonBody(input): JsonBody<InvitationInput>,
) -> Result<Response, AppError> {
    let event = store::events::by_slug(&state.store, &event).await?;
    let (delegation, token) = invite(&state, &ctx, &event, &input.participant, &input.email).await?;
    let body = json!({ "delegation": delegation, "invitation": format!("/invitations/{token}") });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

async fn api_members(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, participant)): Path<(String, String)>,
) -> Result<Json<Value>, AppError> {
    let scope = Scope::load(&state, &event, &participant).await?;
    authorize(&ctx.actor, scope.read())?;
    let members = store::delegations::members_of(&state.store, scope.delegation.id).await?;
    let refs: Vec<&Member> = members.iter().collect();
    let ordered: Vec<Value> =
        order_members(&refs, ctx.lang).into_iter().map(|m| member_json(m, ctx.lang, None)).collect();
    Ok(Json(json!({ "event": scope.event.slug, "participant": scope.participant.code, "members": ordered })))
}

async fn api_add_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, participant)): Path<(String, String)>,
    input: New<MemberFields>,
) -> Result<Response, AppError> {
    let scope = Scope::load(&state, &event, &participant).await?;
    authorize(&ctx.actor, scope.edit())?;
    let id = input.id();
    let (status, member) = add(&state, &ctx, &scope, id, input.fields.validate_for(scope.frame())?).await?.answer();
    Ok((status, Json(member_json(&member, ctx.lang, None))).into_response())
}

async fn api_edit_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, participant, member)): Path<(String, String, Id)>,
    input: Versioned<MemberFields>,
) -> Result<Json<Value>, AppError> {
    let scope = Scope::load(&state, &event, &participant).await?;
    authorize(&ctx.actor, scope.edit())?;
    let member = member_of(&state, &scope, member).await?;
    let fields = input.fields.validate_for(scope.frame())?;
    accreditation_policy(&state, &scope.event).await?.check_change(&member, &fields)?;
    one_head(&state, &scope, Some(member.id), &fields).await?;
    let mut tx = state.store.begin().await?;
    let member = store::delegations::update_member(&mut tx, &ctx.actor, member.id, input.version, fields).await?;
    tx.commit().await?;
    Ok(Json(member_json(&member, ctx.lang, None)))
}

async fn api_import(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, participant)): Path<(String, String)>,
    Upload(body): Upload,
) -> Result<Response, AppError> {
    let scope = Scope::load(&state, &event, &participant).await?;
    let imported = import(&state, &ctx, &scope, &body).await?;
    Ok((StatusCode::CREATED, Json(json!({ "imported": imported }))).into_response())
}

async fn api_decision(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, member)): Path<(String, Id)>,
    JsonBody(input): JsonBody<DecisionInput>,
) -> Result<Json<Value>, AppError> {
    let event = store::events::by_slug(&state.store, &event).await?;
    let member = decide(&state, &ctx, &event, member, input).await?;
    let badge = store::delegations::current_badge(&state.store, member.id).await?;
    Ok(Json(member_json(&member, ctx.lang, badge.as_ref())))
}

fn pdf_response(bytes: Vec<u8>, name: &str) -> Response {
    render::file(bytes, "application/pdf", render::Disposition::Inline, name)
}

async fn note_verbale(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, participant)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let scope = Scope::load(&state, &event, &participant).await?;
    authorize(&ctx.actor, Action::ManageInvitations { event: scope.event.id })
        .or_else(|_| authorize(&ctx.actor, scope.read()))?;
    if scope.participant.id == scope.event.host {
        return Err(AppError::NotFound);
    }
    let lang = crate::lists::event_language(&state, &scope.event).await?;
    let participants = store::participants::list(&state.store).await?;
    let host = participants.iter().find(|p| p.id == scope.event.host).ok_or(AppError::NotFound)?;
    let t = |key: &str, args: &[(&str, fluent_bundle::FluentValue)]| state.i18n.t(&lang, key, args);
    let tz = jiff::tz::TimeZone::get(&scope.event.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let mut args = crate::wording::invitation_args(&state, &lang, &scope.event, host, &scope.participant);
    args.extend([
        (
            "deadline",
            scope
                .event
                .accreditation_deadline
                .map(|d| state.i18n.date(&lang, d.to_zoned_datetime(tz.clone()).date()))
                .unwrap_or_default()
                .into(),
        ),
        ("number", format!("{}/{}", scope.event.slug, scope.participant.code).into()),
    ]);
    let request = if scope.event.accreditation_deadline.is_some() { "nv-request" } else { "nv-no-deadline" };
    let note = pdf::NoteVerbale {
        language: lang.clone(),
        reference: t("nv-reference", &args),
        sender: crate::wording::ministry(&state, &lang, "nv-ministry", host),
        recipient: crate::wording::ministry(&state, &lang, "nv-recipient", &scope.participant),
        paragraphs: vec![t("nv-opening", &args), t(request, &args)],
        place_and_date: format!(
            "{}, {}",
            host_city(&scope.event, &lang),
            state.i18n.date(&lang, scope.delegation.invited_at.to_zoned_datetime(tz).date())
        ),
        complimentary_close: t("nv-closing", &args),
    };
    let bytes = crate::pdfs::render(move || pdf::note_verbale(&note)).await?;
    Ok(pdf_response(bytes, &format!("note-verbale-{}-{}.pdf", scope.event.slug, scope.participant.code.to_lowercase())))
}

fn host_city(event: &Event, lang: &str) -> String {
    event.city.get(lang).to_string()
}

async fn badges_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, participant)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let scope = Scope::load(&state, &event, &participant).await?;
    authorize(&ctx.actor, Action::DecideAccreditation { event: scope.event.id })?;
    let members = store::delegations::members_of(&state.store, scope.delegation.id).await?;
    let refs: Vec<&Member> =
        members.iter().filter(|m| matches!(m.accreditation, Accreditation::Approved { .. })).collect();
    let policy = BadgePolicy::default();
    let lang = ctx.lang;
    let mut badges = Vec::new();
    for m in order_members(&refs, lang) {
        let Some(badge) = store::delegations::current_badge(&state.store, m.id).await? else { continue };
        let Accreditation::Approved { badge_number } = m.accreditation else { continue };
        let photo = match m.photo {
            Some(id) => Some(store::delegations::photo(&state.store, id, false).await?),
            None => None,
        };
        let category = policy.category(m.role);
        badges.push(pdf::Badge {
            event: scope.event.name.get(lang).to_string(),
            badge_number: badge_number.to_string(),
            name_latin: m.names.latin.full(),
            name_local: m.names.cyrillic.full(),
            participant: scope.participant.short_name.get(lang).to_string(),
            role: state.i18n.t(lang, &format!("role-in-delegation-{}", m.role.as_str()), &[]),
            category: category.map(|c| c.code.clone()).unwrap_or_default(),
            zones: category.map(|c| c.zones.clone()).unwrap_or_default(),
            photo_jpeg: photo,
            qr_payload: format!("{}/badges/{}", state.config.base_url.trim_end_matches('/'), badge.id),
        });
    }
    let title = state.i18n.t(lang, "badges-title", &[("event", scope.event.name.get(lang).into())]);
    let bytes = crate::pdfs::render(move || pdf::badges(lang, &title, &badges)).await?;
    Ok(pdf_response(bytes, &format!("badges-{}-{}.pdf", scope.event.slug, scope.participant.code.to_lowercase())))
}
