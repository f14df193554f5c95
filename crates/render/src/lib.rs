//! Concord's light outputs and inputs: bytes in, bytes out, no I/O and no `async`.
//!
//! - [`table`]: delegation lists and other tabular data, written as CSV or XLSX and read back from
//!   whatever Excel (in any locale) or LibreOffice saves.
//! - [`ical`]: iCalendar feeds of programme items.
//! - [`atom`] and [`sitemap`]: the public site's Atom feeds of press releases and its sitemap.
//! - [`svg`]: the family-photo line-up and seating plans.
//! - [`photo`]: uploaded photos of delegates and the press, checked and re-encoded as JPEG so that
//!   no EXIF or GPS metadata survives.
//!
//! Every function here takes untrusted bytes as outside input: sizes are bounded before anything
//! large is allocated, and a malformed file is an error, never a panic.

#![warn(missing_docs)]

pub mod atom;
pub mod ical;
pub mod photo;
pub mod sitemap;
pub mod svg;
pub mod table;

pub use photo::{Photo, PhotoError, normalise};
pub use table::{Sheet, TableError};
