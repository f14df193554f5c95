//! A sitemap (sitemaps.org protocol 0.9) of the public pages.

use jiff::Timestamp;

use crate::svg::escape;

/// The pages, each with the time it last changed if known.
pub fn sitemap(pages: &[(String, Option<Timestamp>)]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (loc, modified) in pages {
        out.push_str("<url><loc>");
        out.push_str(&escape(loc));
        out.push_str("</loc>");
        if let Some(t) = modified {
            out.push_str(&format!("<lastmod>{}</lastmod>", t.strftime("%Y-%m-%dT%H:%M:%SZ")));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sitemap_lists_escaped_addresses_with_their_changes() {
        let at: Timestamp = "2025-04-11T10:00:00Z".parse().unwrap();
        let xml = sitemap(&[("https://x.example/a?b=1&c=2".into(), Some(at)), ("https://x.example/".into(), None)]);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let locs: Vec<&str> = doc.descendants().filter(|n| n.has_tag_name("loc")).filter_map(|n| n.text()).collect();
        assert_eq!(locs, ["https://x.example/a?b=1&c=2", "https://x.example/"]);
        assert!(xml.contains("<lastmod>2025-04-11T10:00:00Z</lastmod>"));
    }
}
