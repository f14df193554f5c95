//! Plans as SVG, seen from above or through the camera: the family-photo line-up and seating plans
//! for a round table, a U-shaped table and a bilateral table. Who stands or sits where is decided
//! before (in `domain`); this draws it. Every text is escaped; the drawing grows with the number of
//! people.

use std::f64::consts::PI;
use std::fmt::Write;

/// One place: the name card (a participant's name in the working language) and who takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// What the name card says: "Республика Казахстан".
    pub card: String,
    /// The person, if known: "М. Нуртлеу".
    pub person: String,
}

/// The shape of a multilateral table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Places round a circle, place 0 at the top.
    Round,
    /// Place 0 at the base of the U (at the top), the others down the right arm and back up the left.
    U,
}

const CARD_W: f64 = 150.0;
const CARD_H: f64 = 46.0;
const GAP: f64 = 12.0;
const MARGIN: f64 = 24.0;
const TITLE_H: f64 = 36.0;
/// The widest a character of a title (16 px, bold) is drawn, about.
const TITLE_CHAR_W: f64 = 10.0;

/// The family photo: `rows` front row first, each as the camera sees it from left to right. The
/// front row is drawn nearest the camera, at the bottom.
pub fn family_photo(title: &str, rows: &[Vec<Card>], camera: &str) -> String {
    let widest = rows.iter().map(Vec::len).max().unwrap_or(0).max(1) as f64;
    let width = 2.0 * MARGIN + widest * CARD_W + (widest - 1.0) * GAP;
    let height = 2.0 * MARGIN + TITLE_H + rows.len() as f64 * (CARD_H + GAP) + 28.0;
    let mut svg = open(width, height, title);
    for (depth, row) in rows.iter().enumerate() {
        // The front row (depth 0) is the lowest; rows behind rise towards the top.
        let y = MARGIN + TITLE_H + (rows.len() - 1 - depth) as f64 * (CARD_H + GAP);
        let row_width = row.len() as f64 * CARD_W + (row.len().max(1) - 1) as f64 * GAP;
        let x0 = (width - row_width) / 2.0;
        for (i, card) in row.iter().enumerate() {
            let x = x0 + i as f64 * (CARD_W + GAP);
            place(&mut svg, x, y, card, &format!("row {} place {}", depth + 1, i + 1));
        }
    }
    let _ = write!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" class="note">▲ {}</text>"#,
        width / 2.0,
        height - MARGIN / 2.0,
        escape(camera)
    );
    close(svg)
}

/// A multilateral table seen from above: `places` numbered clockwise, place 0 the chair's.
pub fn table(title: &str, shape: Shape, places: &[Card]) -> String {
    match shape {
        Shape::Round => round_table(title, places),
        Shape::U => u_table(title, places),
    }
}

fn round_table(title: &str, places: &[Card]) -> String {
    let n = places.len().max(1) as f64;
    // A circumference long enough for every card side by side.
    let radius = ((n * (CARD_W * 0.8)) / (2.0 * PI)).max(90.0);
    let width = 2.0 * (radius + CARD_W + GAP + MARGIN);
    let height = 2.0 * (radius + CARD_H + GAP + MARGIN) + TITLE_H;
    let (cx, cy) = (width / 2.0, TITLE_H + height / 2.0 - TITLE_H / 2.0);
    let mut svg = open(width, height, title);
    let _ = write!(svg, r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="{radius:.1}" class="table"/>"#);
    for (k, card) in places.iter().enumerate() {
        // Place 0 at the top; with the y axis pointing down, a growing angle turns clockwise. The
        // card's centre sits far enough out that neither its side nor its edge touches the table.
        let angle = -PI / 2.0 + k as f64 * 2.0 * PI / n;
        let (x, y) =
            (cx + (radius + GAP + CARD_W / 2.0) * angle.cos(), cy + (radius + GAP + CARD_H / 2.0) * angle.sin());
        place(&mut svg, x - CARD_W / 2.0, y - CARD_H / 2.0, card, &format!("place {k}"));
    }
    close(svg)
}

fn u_table(title: &str, places: &[Card]) -> String {
    const BAR: f64 = 24.0;
    const INSIDE: f64 = 180.0;
    let others = places.len().saturating_sub(1);
    let right = others.div_ceil(2);
    let left = others - right;
    let arm_len = right.max(1) as f64 * (CARD_H + GAP) + GAP;
    let width = 2.0 * (MARGIN + CARD_W + GAP + BAR) + INSIDE;
    let base_y = MARGIN + TITLE_H + CARD_H + GAP;
    let height = base_y + BAR + arm_len + MARGIN;
    let mut svg = open(width, height, title);
    let (left_arm, right_arm) = (MARGIN + CARD_W + GAP, width - MARGIN - CARD_W - GAP - BAR);
    let _ = write!(
        svg,
        r#"<rect x="{left_arm:.1}" y="{base_y:.1}" width="{w:.1}" height="{BAR}" class="table"/><rect x="{left_arm:.1}" y="{base_y:.1}" width="{BAR}" height="{h:.1}" class="table"/><rect x="{right_arm:.1}" y="{base_y:.1}" width="{BAR}" height="{h:.1}" class="table"/>"#,
        w = right_arm + BAR - left_arm,
        h = BAR + arm_len,
    );
    if let Some(chair) = places.first() {
        place(&mut svg, (width - CARD_W) / 2.0, base_y - CARD_H - GAP / 2.0, chair, "place 0");
    }
    let arm_top = base_y + BAR + GAP;
    for (k, card) in places.iter().enumerate().skip(1) {
        let (x, slot) = if k <= right {
            // Down the right arm, seen from above: the chair's left.
            (right_arm + BAR + GAP, k - 1)
        } else {
            // Back up the left arm: the last place sits at the chair's right, nearest the base.
            (MARGIN, left - (k - right))
        };
        place(&mut svg, x, arm_top + slot as f64 * (CARD_H + GAP), card, &format!("place {k}"));
    }
    close(svg)
}

/// A bilateral table seen from above: the first of `sides` (the host's) at the bottom, the others
/// side by side across the table at the top (a trilateral's two guests), each side as the other
/// sees it from left to right.
pub fn bilateral(title: &str, sides: &[Vec<Card>]) -> String {
    let (near, far): (&[Card], Vec<&Card>) = match sides.split_first() {
        Some((near, rest)) => (near, rest.iter().flatten().collect()),
        None => (&[], Vec::new()),
    };
    let widest = far.len().max(near.len()).max(1) as f64;
    let width = 2.0 * MARGIN + widest * CARD_W + (widest - 1.0) * GAP;
    let height = 2.0 * MARGIN + TITLE_H + 2.0 * CARD_H + 80.0;
    let mut svg = open(width, height, title);
    let table_y = MARGIN + TITLE_H + CARD_H + 10.0;
    let _ = write!(
        svg,
        r#"<rect x="{:.1}" y="{table_y:.1}" width="{:.1}" height="60" rx="8" class="table"/>"#,
        MARGIN,
        width - 2.0 * MARGIN
    );
    let row = |svg: &mut String, cards: &[&Card], y: f64, side: &str| {
        let row_width = cards.len() as f64 * CARD_W + (cards.len().max(1) - 1) as f64 * GAP;
        let x0 = (width - row_width) / 2.0;
        for (i, card) in cards.iter().enumerate() {
            place(svg, x0 + i as f64 * (CARD_W + GAP), y, card, &format!("{side} place {}", i + 1));
        }
    };
    row(&mut svg, &far, MARGIN + TITLE_H, "far");
    // The near side faces the other way: its left-to-right runs right-to-left on the plan.
    row(&mut svg, &near.iter().rev().collect::<Vec<_>>(), table_y + 70.0, "near");
    close(svg)
}

/// A plan `width` wide for what it draws, and as wide as its title: a longer title widens it
/// equally on both sides, so what is drawn stays centred under it.
fn open(width: f64, height: f64, title: &str) -> String {
    let pad = ((2.0 * MARGIN + title.chars().count() as f64 * TITLE_CHAR_W - width) / 2.0).max(0.0);
    // `0.0 - pad`, not `-pad`: a plan its title fits starts at 0, not at -0.
    let (left, shown) = (0.0 - pad, width + 2.0 * pad);
    let title = escape(title);
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="{left:.0} 0 {shown:.0} {height:.0}" width="{shown:.0}" height="{height:.0}" role="img" aria-labelledby="plan-title" font-family="DejaVu Sans, sans-serif"><title id="plan-title">{title}</title><style>.table{{fill:#e8e2d4;stroke:#6b5d3f;stroke-width:2}}.card{{fill:#fff;stroke:#1f3a5f;stroke-width:1.5}}.card-text{{font-size:12px;font-weight:bold;fill:#1f3a5f}}.person{{font-size:11px;fill:#333}}.note{{font-size:12px;fill:#555}}</style><text x="{x:.1}" y="{y:.1}" text-anchor="middle" font-size="16" font-weight="bold">{title}</text>"#,
        x = width / 2.0,
        y = MARGIN + 8.0,
    )
}

fn close(mut svg: String) -> String {
    svg.push_str("</svg>");
    svg
}

fn place(svg: &mut String, x: f64, y: f64, card: &Card, label: &str) {
    let _ = write!(
        svg,
        r#"<g class="place" data-place="{label}"><rect x="{x:.1}" y="{y:.1}" width="{CARD_W}" height="{CARD_H}" rx="4" class="card"/><text x="{cx:.1}" y="{ty:.1}" text-anchor="middle" class="card-text">{card}</text><text x="{cx:.1}" y="{py:.1}" text-anchor="middle" class="person">{person}</text></g>"#,
        cx = x + CARD_W / 2.0,
        ty = y + 19.0,
        py = y + 36.0,
        card = escape(&fit(&card.card)),
        person = escape(&fit(&card.person)),
    );
}

/// Shortens a text to what a card holds, with an ellipsis.
fn fit(s: &str) -> String {
    const MAX: usize = 24;
    if s.chars().count() <= MAX { s.to_string() } else { s.chars().take(MAX - 1).chain(['…']).collect() }
}

/// Text for XML content or an attribute: markup characters escaped, control characters dropped.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cards(names: &[&str]) -> Vec<Card> {
        names.iter().map(|n| Card { card: n.to_string(), person: format!("<{n}> & co") }).collect()
    }

    /// The texts of the places, in document order, read back by an XML parser.
    fn places(svg: &str) -> Vec<(String, String)> {
        let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
        doc.descendants()
            .filter(|n| n.attribute("class") == Some("place"))
            .map(|g| {
                let card = g.descendants().find(|n| n.attribute("class") == Some("card-text")).unwrap();
                (g.attribute("data-place").unwrap().to_string(), card.text().unwrap_or("").to_string())
            })
            .collect()
    }

    #[test]
    fn a_family_photo_draws_every_row_with_escaped_names() {
        let svg = family_photo("Family photo", &[cards(&["BY", "AZ", "KZ", "AM"]), cards(&["RU"])], "camera");
        let found = places(&svg);
        assert_eq!(found.len(), 5);
        assert!(found.contains(&("row 1 place 3".to_string(), "KZ".to_string())));
        assert!(svg.contains("&lt;KZ&gt; &amp; co"));
    }

    #[test]
    fn tables_of_every_shape_are_well_formed_and_hold_every_place() {
        let ten = cards(&["TJ", "AZ", "AM", "BY", "KZ", "KG", "RU", "TM", "UZ", "CIS"]);
        for shape in [Shape::Round, Shape::U] {
            let found = places(&table("Сидения", shape, &ten));
            assert_eq!(found.len(), 10, "{shape:?}");
            assert_eq!(found[0], ("place 0".to_string(), "TJ".to_string()));
        }
        let found = places(&bilateral("KZ–RU", &[cards(&["c", "Nurtleu", "d"]), cards(&["a", "Lavrov", "b"])]));
        assert_eq!(found.len(), 6);
        assert_eq!(found[3].1, "d", "the near side is drawn mirrored");
    }

    #[test]
    fn a_trilateral_seats_both_guests_across_from_the_host_under_a_title_that_fits() {
        let title = "Bilateral meeting: Azerbaijan – Kazakhstan – Uzbekistan";
        let svg = bilateral(title, &[cards(&["KZ"]), cards(&["AZ"]), cards(&["UZ"])]);
        let found = places(&svg);
        let far: Vec<&str> = found.iter().filter(|(p, _)| p.starts_with("far")).map(|(_, c)| c.as_str()).collect();
        assert_eq!(far, ["AZ", "UZ"]);
        assert_eq!(found.iter().filter(|(p, _)| p.starts_with("near")).count(), 1);
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let width: f64 = doc.root_element().attribute("width").unwrap().parse().unwrap();
        assert!(width >= title.chars().count() as f64 * TITLE_CHAR_W, "{width}");
    }

    #[test]
    fn a_long_title_widens_a_plan_on_both_sides() {
        let title = "Заседание министров иностранных дел в формате «Центральная Азия – Россия», 8-е совещание";
        let svg = table(title, Shape::Round, &cards(&["KZ", "KG", "RU"]));
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let view: Vec<f64> =
            doc.root_element().attribute("viewBox").unwrap().split(' ').map(|v| v.parse().unwrap()).collect();
        assert!(view[2] >= title.chars().count() as f64 * TITLE_CHAR_W, "{view:?}");
        let title_x: f64 =
            doc.descendants().find(|n| n.has_tag_name("text")).unwrap().attribute("x").unwrap().parse().unwrap();
        assert!((view[0] + view[2] / 2.0 - title_x).abs() < 1.0, "the title in the middle: {view:?} {title_x}");
        assert!(
            table("Plan", Shape::Round, &cards(&["KZ", "KG", "RU"])).contains("viewBox=\"0 0 "),
            "a short one: as drawn"
        );
    }

    #[test]
    fn a_long_name_is_shortened_and_control_characters_dropped() {
        assert_eq!(fit("Кыргызская Республика и ещё очень длинное"), "Кыргызская Республика и…");
        assert_eq!(escape("a\u{7}b"), "ab");
    }
}
