//! The programme booklet: a cover, the programme day by day, and the venues with their addresses.

use serde::{Deserialize, Serialize};

use crate::engine::Document;
use crate::{PdfError, glyphs, to_json};

/// A programme booklet in one language, ready to print.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProgrammeBooklet {
    /// Language of the booklet (`"ru"`, `"en"`, `"kk"`…); written into the PDF, used for line breaking.
    pub language: String,
    /// The event's name, on the cover and as the PDF title.
    pub title: String,
    /// e.g. "Programme".
    pub heading: String,
    /// e.g. "Almaty, 10–11 April 2025".
    pub place_and_dates: String,
    /// e.g. "Times are local (Asia/Almaty)".
    pub time_note: String,
    pub days: Vec<BookletDay>,
    /// e.g. "Venues".
    pub venues_heading: String,
    pub venues: Vec<BookletVenue>,
}

/// One day of a [`ProgrammeBooklet`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BookletDay {
    /// e.g. "11 April 2025".
    pub date: String,
    pub items: Vec<BookletItem>,
}

/// One item of a [`BookletDay`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BookletItem {
    /// e.g. "10:15–10:30".
    pub time: String,
    /// The item's title, with its kind if the title does not say it.
    pub title: String,
    /// The venue and room.
    pub place: String,
    /// e.g. "cancelled", or empty.
    pub note: String,
}

/// A venue with its address.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BookletVenue {
    pub name: String,
    pub address: String,
}

/// Renders the booklet: A5 pages, the cover, a page per day, the venues last.
pub fn programme_booklet(booklet: &ProgrammeBooklet) -> Result<Vec<u8>, PdfError> {
    glyphs::check_all(
        [
            booklet.title.as_str(),
            &booklet.heading,
            &booklet.place_and_dates,
            &booklet.time_note,
            &booklet.venues_heading,
        ]
        .into_iter()
        .chain(booklet.days.iter().flat_map(|d| {
            std::iter::once(d.date.as_str())
                .chain(d.items.iter().flat_map(|i| [i.time.as_str(), &i.title, &i.place, &i.note]))
        }))
        .chain(booklet.venues.iter().flat_map(|v| [v.name.as_str(), &v.address])),
    )?;
    Document::new(include_str!("templates/programme_booklet.typ"), to_json(booklet)).render()
}
