//! Badges: one A6 card per participant, with photo, names, role, category, zones and a QR code.

use serde::{Deserialize, Serialize};

use crate::engine::Document;
use crate::{PdfError, glyphs, to_json};

/// The most badges [`badges`] renders in one document.
pub const MAX_BADGES_PER_DOCUMENT: usize = 10_000;

/// One participant's badge.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Badge {
    /// e.g. "Council of Foreign Ministers of the CIS · Almaty 2025"; printed in the top band.
    pub event: String,
    /// The badge's number, printed small at the foot.
    pub badge_number: String,
    /// The name in Latin letters (as in the passport).
    pub name_latin: String,
    /// The name in the local (Cyrillic) form; printed under the Latin one unless equal to it.
    pub name_local: String,
    /// The participant's delegation or organisation, e.g. "Republic of Armenia".
    pub participant: String,
    /// e.g. "Head of delegation".
    pub role: String,
    /// The badge category, e.g. "D" (delegation), "M" (media); printed large.
    pub category: String,
    /// Access zones, e.g. ["1", "2", "VIP"]; printed as large codes.
    pub zones: Vec<String>,
    /// The photo as JPEG bytes (portrait, about 3:4), if there is one.
    pub photo_jpeg: Option<Vec<u8>>,
    /// What the QR code encodes: the URL that checks the badge.
    pub qr_payload: String,
}

/// Renders badges, one A6 portrait page per badge, in the given order (print on A6 card stock,
/// or four to an A4 sheet with the printer's "pages per sheet"). No badges give one blank page.
///
/// The photo travels to typst as a virtual file (`/photos/N.jpg`); the QR code is made here as
/// SVG (error correction level M) and shown as an image. The QR payload is not printed as text,
/// so it is not checked against the fonts.
///
/// At most [`MAX_BADGES_PER_DOCUMENT`] badges per call (typst interns each photo's virtual path
/// for the life of the process; a bounded set of names keeps that bounded): print more in batches.
/// `title` is the document's, as a PDF viewer shows it, in the badges' `language`, which the
/// document declares for screen readers.
pub fn badges(language: &str, title: &str, badges: &[Badge]) -> Result<Vec<u8>, PdfError> {
    if badges.len() > MAX_BADGES_PER_DOCUMENT {
        return Err(PdfError::Typst(format!(
            "{} badges in one document; at most {MAX_BADGES_PER_DOCUMENT} (print in batches)",
            badges.len()
        )));
    }
    glyphs::check_all(badges.iter().flat_map(|badge| {
        [
            badge.event.as_str(),
            &badge.badge_number,
            &badge.name_latin,
            &badge.name_local,
            &badge.participant,
            &badge.role,
            &badge.category,
        ]
        .into_iter()
        .chain(badge.zones.iter().map(String::as_str))
    }))?;

    let mut cards = Vec::with_capacity(badges.len());
    let mut photos = Vec::new();
    for (index, badge) in badges.iter().enumerate() {
        let photo = badge.photo_jpeg.as_ref().map(|jpeg| {
            let path = format!("/photos/{index}.jpg");
            photos.push((path.clone(), jpeg.clone()));
            path
        });
        cards.push(Card {
            event: &badge.event,
            badge_number: &badge.badge_number,
            name_latin: &badge.name_latin,
            name_local: (badge.name_local != badge.name_latin).then_some(&badge.name_local),
            participant: &badge.participant,
            role: &badge.role,
            category: &badge.category,
            zones: &badge.zones,
            photo,
            qr_svg: qr_svg(&badge.qr_payload)?,
        });
    }

    let data = Data { language: language.to_owned(), title: title.to_owned(), cards };
    let mut document = Document::new(include_str!("templates/badges.typ"), to_json(&data));
    for (path, jpeg) in photos {
        document.add_file(&path, jpeg);
    }
    document.render()
}

/// What the template reads.
#[derive(Serialize)]
struct Data<'a> {
    language: String,
    title: String,
    cards: Vec<Card<'a>>,
}

/// One badge as the template reads it: its texts (the local name only where it differs from the
/// Latin one), the virtual path of its photo and its QR code, but not the photo's bytes.
#[derive(Serialize)]
struct Card<'a> {
    event: &'a str,
    badge_number: &'a str,
    name_latin: &'a str,
    name_local: Option<&'a String>,
    participant: &'a str,
    role: &'a str,
    category: &'a str,
    zones: &'a [String],
    photo: Option<String>,
    qr_svg: String,
}

/// The QR code for `payload` as an SVG document (black modules on white, with the quiet zone).
fn qr_svg(payload: &str) -> Result<String, PdfError> {
    let code = qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M)
        .map_err(|error| PdfError::Qr(error.to_string()))?;
    Ok(code.render::<qrcode::render::svg::Color<'_>>().quiet_zone(true).build())
}
