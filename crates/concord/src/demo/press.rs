//! The press office of the demonstration: the host's release of 11 April 2025, drafted from the
//! record as Concord drafts it and published after the statements to the press, so that the public
//! press page, the feeds and the sitemap have something to show.

use anyhow::{Result, anyhow};
use domain::new_id;
use domain::policy::Actor;
use domain::press::{PressRelease, Transition};
use jiff::civil::date;
use store::Store;

pub(super) async fn load(store: &Store, system: &Actor) -> Result<()> {
    let event = store::events::by_slug(store, "almaty-2025").await?;
    let input =
        web::drafted_on(store, &event, date(2025, 4, 11)).await.map_err(|e| anyhow!("the demo release: {e}"))?;
    let published = date(2025, 4, 11).at(14, 0, 0, 0).in_tz(&event.time_zone)?.timestamp();
    let release = PressRelease::draft(new_id(), event.id, input, published)
        .moved(Transition::Review, published)?
        .moved(Transition::Publish, published)?;
    let mut tx = store.begin().await?;
    store::press::insert_release(&mut tx, system, &release).await?;
    tx.commit().await?;
    Ok(())
}
