//! Atom (RFC 4287) feeds of press releases, written with `atom_syndication` (which escapes text).

use atom_syndication::{Content, Entry as AtomEntry, Feed as AtomFeed, FixedDateTime, Link, Person, Text};
use jiff::Timestamp;

/// One release in a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// A stable IRI: the release's id as a URN.
    pub id: String,
    /// The headline.
    pub title: String,
    /// The page that shows it.
    pub link: String,
    /// When it was released.
    pub published: Timestamp,
    /// When it last changed (a correction moves it).
    pub updated: Timestamp,
    /// The text, as plain paragraphs.
    pub content: String,
    /// The language of the text.
    pub lang: String,
    /// "Photo: caption (credit)" lines, each credit printed with the photo.
    pub photos: Vec<String>,
}

/// The feed's own description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    /// A stable IRI for the feed.
    pub id: String,
    /// The feed's name in readers.
    pub title: String,
    /// The feed's own address (`rel="self"`) and the page it mirrors (`rel="alternate"`).
    pub self_link: String,
    #[allow(missing_docs)]
    pub page: String,
    /// Who publishes: the host ministry or the site.
    pub author: String,
    /// The latest change of any entry, or the time of writing for an empty feed.
    pub updated: Timestamp,
    /// The language of the feed's own texts.
    pub lang: String,
}

fn time(t: Timestamp) -> FixedDateTime {
    FixedDateTime::parse_from_rfc3339(&t.to_string()).expect("jiff writes RFC 3339")
}

fn link(href: &str, rel: &str, mime: &str) -> Link {
    Link { href: href.to_string(), rel: rel.to_string(), mime_type: Some(mime.to_string()), ..Link::default() }
}

/// The feed as an XML document.
pub fn feed(feed: &Feed, entries: &[Entry]) -> String {
    let entries = entries
        .iter()
        .map(|e| {
            let mut text = e.content.clone();
            for photo in &e.photos {
                text.push_str("\n\n");
                text.push_str(photo);
            }
            AtomEntry {
                id: e.id.clone(),
                title: Text { lang: Some(e.lang.clone()), ..Text::plain(e.title.clone()) },
                updated: time(e.updated),
                published: Some(time(e.published)),
                links: vec![link(&e.link, "alternate", "text/html")],
                content: Some(Content {
                    value: Some(text),
                    content_type: Some("text".to_string()),
                    lang: Some(e.lang.clone()),
                    ..Content::default()
                }),
                ..AtomEntry::default()
            }
        })
        .collect();
    let feed = AtomFeed {
        id: feed.id.clone(),
        title: Text::plain(feed.title.clone()),
        updated: time(feed.updated),
        authors: vec![Person { name: feed.author.clone(), ..Person::default() }],
        links: vec![link(&feed.self_link, "self", "application/atom+xml"), link(&feed.page, "alternate", "text/html")],
        lang: Some(feed.lang.clone()),
        entries,
        ..AtomFeed::default()
    };
    feed.to_string()
}
