//! PDF rendering off the request threads: typst is synchronous and a large document takes a while,
//! so documents render in the blocking pool, a couple at a time, never stalling other requests.

use std::sync::LazyLock;

use tokio::sync::Semaphore;

use crate::error::AppError;

/// At most this many documents render at once.
static RENDERING: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(2));

pub(crate) async fn render<F>(make: F) -> Result<Vec<u8>, AppError>
where
    F: FnOnce() -> Result<Vec<u8>, pdf::PdfError> + Send + 'static,
{
    let _permit = RENDERING.acquire().await.map_err(|e| AppError::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(make).await.map_err(|e| AppError::Internal(e.to_string()))?.map_err(|e| match e {
        // The text is the reader's to correct (a name typed in another script), not a fault here.
        pdf::PdfError::MissingGlyph { character, text } => AppError::refused_with(
            "pdf-missing-glyph",
            vec![("character", format!("{character} (U+{:04X})", u32::from(character))), ("text", text)],
        ),
        other => AppError::Internal(other.to_string()),
    })
}
