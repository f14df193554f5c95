//! The list of participants: every delegation with its members, in the order given.

use serde::{Deserialize, Serialize};

use crate::engine::Document;
use crate::{PdfError, glyphs, to_json};

/// A list of participants, ready to print.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ParticipantsList {
    /// Language of the document (`"ru"`, `"en"`, `"kk"`: any ISO 639 code of 2 or 3 letters);
    /// written into the PDF and used for line breaking.
    pub language: String,
    /// e.g. "Council of Foreign Ministers of the CIS — List of participants"; also the PDF title.
    pub title: String,
    /// e.g. "Almaty, 11 April 2025".
    pub subtitle: String,
    /// The delegations, in the order they are printed (the caller applies precedence).
    pub delegations: Vec<ListDelegation>,
    /// Printed at the foot of every page, beside the page number (e.g. "As of 10 April 2025").
    pub footer: String,
}

/// One delegation in a [`ParticipantsList`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListDelegation {
    /// e.g. "Республика Казахстан"; printed as a heading (and a PDF bookmark).
    pub name: String,
    /// The members, in the order they are printed (head of delegation first).
    pub members: Vec<ListMember>,
}

/// One member of a [`ListDelegation`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListMember {
    /// Full name as printed.
    pub name: String,
    /// Title and office, e.g. "Minister of Foreign Affairs".
    pub position: String,
    /// Role in the delegation, e.g. "Head of delegation".
    pub role: String,
}

/// Renders a list of participants: A4, the title and subtitle on top, each delegation as a
/// heading followed by its members (name, position, role) in the given order, the footer and
/// "page / pages" at the foot of each page.
pub fn participants_list(list: &ParticipantsList) -> Result<Vec<u8>, PdfError> {
    glyphs::check_all([list.title.as_str(), &list.subtitle, &list.footer].into_iter().chain(
        list.delegations.iter().flat_map(|delegation| {
            std::iter::once(delegation.name.as_str()).chain(
                delegation.members.iter().flat_map(|member| [member.name.as_str(), &member.position, &member.role]),
            )
        }),
    ))?;
    Document::new(include_str!("templates/participants_list.typ"), to_json(list)).render()
}
