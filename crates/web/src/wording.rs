//! Formal sentences built around participants' names, with the case forms each language needs:
//! «Министерство иностранных дел Республики Казахстан свидетельствует своё уважение
//! Министерству иностранных дел Российской Федерации…». Shared by notes verbales and e-mails.

use domain::events::Event;
use domain::participants::Participant;
use domain::text::Case;
use fluent_bundle::FluentValue;

use crate::AppState;

/// A participant's formal name in the genitive; where the form is not recorded, the language's
/// own wording around the nominative (`nv-of-state`), never a wrongly inflected guess.
pub(crate) fn genitive(state: &AppState, lang: &str, p: &Participant) -> String {
    p.cases.formal_name.get(Case::Genitive, lang).map_or_else(
        || state.i18n.t(lang, "nv-of-state", &[("state", p.formal_name.get(lang).to_string().into())]),
        str::to_string,
    )
}

/// A participant's foreign ministry (or an organisation's secretariat) in the form `key` gives:
/// `nv-ministry` (who writes), `nv-ministry-dative` (to whom), `nv-recipient` (the address).
pub(crate) fn ministry(state: &AppState, lang: &str, key: &str, p: &Participant) -> String {
    let args = [
        ("state", p.formal_name.get(lang).to_string().into()),
        ("state_genitive", genitive(state, lang, p).into()),
        ("kind", p.kind.as_str().into()),
    ];
    state.i18n.t(lang, key, &args)
}

/// What an invitation says (`nv-opening`, `nv-closing`, the e-mail): who invites whom, to what,
/// where and when.
pub(crate) fn invitation_args(
    state: &AppState,
    lang: &str,
    event: &Event,
    host: &Participant,
    participant: &Participant,
) -> Vec<(&'static str, FluentValue<'static>)> {
    let dates = state.i18n.dates(lang, event.start_date, event.end_date);
    vec![
        ("host", ministry(state, lang, "nv-ministry", host).into()),
        ("participant_dative", ministry(state, lang, "nv-ministry-dative", participant).into()),
        ("participant_genitive", genitive(state, lang, participant).into()),
        ("event", event.name.get(lang).to_string().into()),
        ("city", event.city.get(lang).to_string().into()),
        ("dates", dates.into()),
    ]
}
