//! Photos of delegates and the press: checked, decoded and re-encoded so that only pixels survive.
//!
//! Security decisions, written down here:
//! - The type is decided by the file's first bytes, never by its name or its declared MIME type:
//!   JPEG, PNG and WebP only.
//! - Size is bounded twice before pixels are decoded: [`MAX_PHOTO_BYTES`] of input, then
//!   [`MAX_PIXELS`] read from the image header (with `image`'s decoding limits as a backstop), so
//!   a small file claiming huge dimensions (a decompression bomb) is refused without allocating.
//! - The output is a fresh JPEG written from the decoded pixels: EXIF (GPS position, camera serial
//!   number, time), XMP, IPTC and ICC data are all dropped. The EXIF orientation is applied to the
//!   pixels first, so a portrait taken on a phone stays upright.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::{self, FilterType};
use image::metadata::Orientation;
use image::{
    DynamicImage, ExtendedColorType, ImageDecoder, ImageEncoder, ImageError, ImageFormat, ImageReader, Limits, RgbImage,
};

/// The largest upload [`normalise`] accepts (10 MiB).
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
/// The most pixels (width × height) [`normalise`] decodes: 40 megapixels.
pub const MAX_PIXELS: u64 = 40_000_000;
/// The long side of [`Photo::jpeg`] is at most this many pixels.
pub const MAX_SIDE: u32 = 1600;
/// The long side of [`Photo::thumbnail_jpeg`] is at most this many pixels.
pub const THUMBNAIL_SIDE: u32 = 320;
/// JPEG quality of both outputs.
const QUALITY: u8 = 85;
/// The longest side any decoder may even start on, whatever the pixel count.
const MAX_DECODED_SIDE: u32 = 40_000;
/// The most memory a decoder may allocate (a 40-megapixel RGBA image at 16 bits is 320 MB).
const MAX_DECODER_ALLOC: u64 = 512 * 1024 * 1024;

/// A photo ready to store and serve: JPEG only, no metadata, upright.
#[derive(Clone, PartialEq, Eq)]
pub struct Photo {
    /// The photo as a baseline JPEG (quality 85), at most [`MAX_SIDE`] pixels on the long side.
    pub jpeg: Vec<u8>,
    /// The same photo at most [`THUMBNAIL_SIDE`] pixels on the long side (never enlarged).
    pub thumbnail_jpeg: Vec<u8>,
    /// Width of [`Photo::jpeg`] in pixels.
    pub width: u32,
    /// Height of [`Photo::jpeg`] in pixels.
    pub height: u32,
}

/// Sizes, not bytes: a photo in a log line should not be a megabyte of numbers.
impl std::fmt::Debug for Photo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Photo")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("jpeg_bytes", &self.jpeg.len())
            .field("thumbnail_jpeg_bytes", &self.thumbnail_jpeg.len())
            .finish()
    }
}

/// Why an uploaded photo was refused. Every message can be shown to the user as it is.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PhotoError {
    /// More than [`MAX_PHOTO_BYTES`].
    #[error("the photo is larger than 10 MiB")]
    TooLarge,
    /// Not a JPEG, PNG or WebP file (by its first bytes).
    #[error("only JPEG, PNG and WebP photos are accepted")]
    UnsupportedType,
    /// The file is damaged, or has more than [`MAX_PIXELS`]; the text says which.
    #[error("the photo cannot be read: {0}")]
    Undecodable(String),
}

/// Accepts a JPEG, PNG or WebP photo (by its first bytes, not by its name) of at most
/// [`MAX_PHOTO_BYTES`] and [`MAX_PIXELS`]; decodes it; turns it upright by its EXIF orientation;
/// flattens any transparency onto white; downsizes it to at most [`MAX_SIDE`] pixels on the long
/// side; and re-encodes it as JPEG (quality 85), with a thumbnail of at most [`THUMBNAIL_SIDE`].
/// Nothing else from the file survives: see the module documentation.
///
/// This is CPU-bound (a 40-megapixel photo takes a noticeable fraction of a second and a few
/// hundred MB at peak): call it from a blocking task, behind a limit on how many run at once.
pub fn normalise(bytes: &[u8]) -> Result<Photo, PhotoError> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(PhotoError::TooLarge);
    }
    let format = sniff(bytes).ok_or(PhotoError::UnsupportedType)?;
    // The JPEG decoder fills a cut-off scan with grey rather than failing: refuse it here.
    if format == ImageFormat::Jpeg && jpeg_lacks_end(bytes) {
        return Err(PhotoError::Undecodable("the file is incomplete (cut off before its end); upload it again".into()));
    }

    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DECODED_SIDE);
    limits.max_image_height = Some(MAX_DECODED_SIDE);
    limits.max_alloc = Some(MAX_DECODER_ALLOC);
    reader.limits(limits);
    // Only the header has been read at this point.
    let mut decoder = reader.into_decoder().map_err(undecodable)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(too_many_pixels(width, height));
    }
    // A damaged EXIF block is no reason to refuse a photo: it is dropped anyway.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let decoded = DynamicImage::from_decoder(decoder).map_err(undecodable)?;

    let flat = flatten_onto_white(decoded);
    let (w, h) = fit(flat.width(), flat.height(), MAX_SIDE);
    let mut main = DynamicImage::ImageRgb8(downsize(flat, w, h));
    main.apply_orientation(orientation);
    let main = main.into_rgb8();

    let (tw, th) = fit(main.width(), main.height(), THUMBNAIL_SIDE);
    let thumbnail = downsize(main.clone(), tw, th);

    Ok(Photo {
        jpeg: encode_jpeg(&main)?,
        thumbnail_jpeg: encode_jpeg(&thumbnail)?,
        width: main.width(),
        height: main.height(),
    })
}

/// The format by magic bytes: JPEG, PNG or WebP, nothing else.
fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(ImageFormat::WebP)
    } else {
        None
    }
}

/// Whether a JPEG's image data starts but never ends: no end-of-image marker (`FF D9`) after the
/// first start-of-scan (`FF DA`). Inside scan data `FF` is always followed by `00` or a restart
/// marker, so `FF D9` there can only be the real end. Files too damaged to find the scan in are left
/// to the decoder.
fn jpeg_lacks_end(bytes: &[u8]) -> bool {
    let mut at = 2;
    while let [0xFF, marker, ..] = bytes[at.min(bytes.len())..] {
        match marker {
            0xFF => at += 1,
            0x01 | 0xD0..=0xD8 => at += 2,
            0xDA => return !bytes[at..].windows(2).any(|pair| pair == [0xFF, 0xD9]),
            _ => match bytes.get(at + 2..at + 4) {
                Some(&[high, low]) => at += 2 + usize::from(u16::from_be_bytes([high, low])),
                _ => return false,
            },
        }
    }
    false
}

fn too_many_pixels(width: u32, height: u32) -> PhotoError {
    PhotoError::Undecodable(format!(
        "it is {width}×{height} pixels, more than 40 megapixels; scale it down and upload it again"
    ))
}

fn undecodable(error: ImageError) -> PhotoError {
    match error {
        ImageError::Limits(_) => PhotoError::Undecodable(
            "it is too large in pixels (at most 40 megapixels and 40,000 pixels a side); \
             scale it down and upload it again"
                .into(),
        ),
        other => PhotoError::Undecodable(format!(
            "{}; the file may be damaged: export it again as JPEG and upload that",
            other.to_string().trim_end()
        )),
    }
}

/// RGB pixels, with any transparency composited onto white (JPEG has no alpha, and a transparent
/// background would otherwise turn black).
fn flatten_onto_white(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over_white = |c: u8| {
            let (c, a) = (u16::from(c), u16::from(a));
            ((c * a + 255 * (255 - a) + 127) / 255) as u8
        };
        image::Rgb([over_white(r), over_white(g), over_white(b)])
    })
}

/// `(width, height)` scaled down to at most `max` on the long side, keeping the aspect ratio;
/// unchanged if it already fits.
fn fit(width: u32, height: u32, max: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= max {
        return (width, height);
    }
    let scale = |side: u32| {
        let scaled = (u64::from(side) * u64::from(max) + u64::from(long) / 2) / u64::from(long);
        (scaled as u32).max(1)
    };
    (scale(width), scale(height))
}

/// `image` resized down to `width` × `height` (already fitted to its aspect ratio). A large
/// reduction first averages boxes of pixels down to twice the target (fast, and free of aliasing),
/// then filters the rest of the way.
fn downsize(image: RgbImage, width: u32, height: u32) -> RgbImage {
    if (width, height) == image.dimensions() {
        return image;
    }
    let image = if image.width() > 2 * width && image.height() > 2 * height {
        imageops::thumbnail(&image, 2 * width, 2 * height)
    } else {
        image
    };
    imageops::resize(&image, width, height, FilterType::Triangle)
}

fn encode_jpeg(image: &RgbImage) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, QUALITY)
        .write_image(image.as_raw(), image.width(), image.height(), ExtendedColorType::Rgb8)
        .map_err(|error| PhotoError::Undecodable(format!("it could not be re-encoded ({error})")))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::codecs::png::PngEncoder;
    use image::codecs::webp::WebPEncoder;
    use image::{Rgb, Rgba, RgbaImage};
    use proptest::prelude::*;

    fn picture(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |x, y| {
            Rgb([(x * 255 / width.max(1)) as u8, (y * 255 / height.max(1)) as u8, 120])
        })
    }

    fn jpeg(image: &RgbImage) -> Vec<u8> {
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 90)
            .write_image(image.as_raw(), image.width(), image.height(), ExtendedColorType::Rgb8)
            .unwrap();
        out
    }

    fn png_rgba(image: &RgbaImage) -> Vec<u8> {
        let mut out = Vec::new();
        PngEncoder::new(&mut out)
            .write_image(image.as_raw(), image.width(), image.height(), ExtendedColorType::Rgba8)
            .unwrap();
        out
    }

    /// An EXIF APP1 segment (big-endian TIFF) with an orientation tag and a GPS block.
    fn exif_segment(orientation: u16) -> Vec<u8> {
        let mut tiff = b"MM\0\x2A\0\0\0\x08".to_vec();
        tiff.extend_from_slice(&2u16.to_be_bytes()); // two IFD entries
        // Orientation: tag 0x0112, SHORT, count 1, value.
        tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1]);
        tiff.extend_from_slice(&orientation.to_be_bytes());
        tiff.extend_from_slice(&[0, 0]);
        // GPS IFD pointer: tag 0x8825, LONG, count 1, offset 38.
        tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
        tiff.extend_from_slice(&[0, 0, 0, 0]); // no next IFD
        tiff.extend_from_slice(b"GPS 43.2567N 76.9286E Almaty, camera serial 1234567");
        let mut payload = b"Exif\0\0".to_vec();
        payload.extend_from_slice(&tiff);
        let mut segment = vec![0xFF, 0xE1];
        segment.extend_from_slice(&(payload.len() as u16 + 2).to_be_bytes());
        segment.extend_from_slice(&payload);
        segment
    }

    /// `jpeg` with an EXIF segment spliced in right after its start-of-image marker.
    fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&exif_segment(orientation));
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|window| window == needle)
    }

    fn decode(bytes: &[u8]) -> DynamicImage {
        image::load_from_memory_with_format(bytes, ImageFormat::Jpeg).unwrap()
    }

    #[test]
    fn exif_and_gps_metadata_do_not_survive_normalisation() {
        let input = with_exif(&jpeg(&picture(64, 48)), 1);
        assert!(contains(&input, b"Exif") && contains(&input, b"GPS"));
        assert_eq!(decode(&input).width(), 64, "the spliced JPEG is still valid");

        let photo = normalise(&input).unwrap();
        for output in [&photo.jpeg, &photo.thumbnail_jpeg] {
            assert!(!contains(output, b"Exif"));
            assert!(!contains(output, b"GPS"));
            assert!(output.starts_with(&[0xFF, 0xD8, 0xFF]));
        }
        assert_eq!((photo.width, photo.height), (64, 48));
        assert_eq!(decode(&photo.jpeg).width(), 64);
        assert_eq!(decode(&photo.thumbnail_jpeg).width(), 64, "small photos are not enlarged");
    }

    #[test]
    fn the_exif_orientation_is_applied_to_the_pixels() {
        // Orientation 6: the camera was turned; the photo must be rotated 90° clockwise.
        let photo = normalise(&with_exif(&jpeg(&picture(64, 48)), 6)).unwrap();
        assert_eq!((photo.width, photo.height), (48, 64));
        assert_eq!(decode(&photo.jpeg).height(), 64);
    }

    #[test]
    fn a_large_photo_is_downsized_to_1600_and_a_320_thumbnail() {
        let photo = normalise(&jpeg(&picture(2400, 1200))).unwrap();
        assert_eq!((photo.width, photo.height), (1600, 800));
        let main = decode(&photo.jpeg);
        assert_eq!((main.width(), main.height()), (1600, 800));
        let thumb = decode(&photo.thumbnail_jpeg);
        assert_eq!((thumb.width(), thumb.height()), (320, 160));
    }

    #[test]
    fn a_png_is_accepted_and_its_transparency_becomes_white() {
        let image =
            RgbaImage::from_fn(40, 30, |x, _| if x < 20 { Rgba([0, 0, 0, 0]) } else { Rgba([200, 30, 30, 255]) });
        let photo = normalise(&png_rgba(&image)).unwrap();
        assert_eq!((photo.width, photo.height), (40, 30));
        let out = decode(&photo.jpeg).into_rgb8();
        let Rgb([r, g, b]) = *out.get_pixel(5, 15);
        assert!(r > 240 && g > 240 && b > 240, "transparent → white, got {r} {g} {b}");
        let Rgb([r, g, _]) = *out.get_pixel(35, 15);
        assert!(r > 170 && g < 70, "opaque red stays red, got {r} {g}");
    }

    #[test]
    fn a_lossless_webp_is_accepted() {
        let image = RgbaImage::from_fn(50, 70, |x, y| Rgba([x as u8 * 5, y as u8 * 3, 90, 255]));
        let mut webp = Vec::new();
        WebPEncoder::new_lossless(&mut webp).encode(image.as_raw(), 50, 70, ExtendedColorType::Rgba8).unwrap();
        assert!(webp.starts_with(b"RIFF") && &webp[8..12] == b"WEBP");
        let photo = normalise(&webp).unwrap();
        assert_eq!((photo.width, photo.height), (50, 70));
        assert_eq!(decode(&photo.jpeg).height(), 70);
    }

    #[test]
    fn a_gif_and_other_types_are_unsupported_whatever_their_content() {
        let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
        assert_eq!(normalise(gif), Err(PhotoError::UnsupportedType));
        assert_eq!(normalise(b"BM\x00\x00"), Err(PhotoError::UnsupportedType));
        assert_eq!(normalise(b"%PDF-1.7"), Err(PhotoError::UnsupportedType));
        assert_eq!(normalise(b""), Err(PhotoError::UnsupportedType));
        assert_eq!(normalise(b"RIFF\0\0\0\0WAVE"), Err(PhotoError::UnsupportedType));
    }

    #[test]
    fn a_file_over_ten_mebibytes_is_too_large() {
        let mut big = jpeg(&picture(8, 8));
        big.resize(MAX_PHOTO_BYTES + 1, 0);
        assert_eq!(normalise(&big), Err(PhotoError::TooLarge));
    }

    #[test]
    fn a_truncated_jpeg_is_undecodable() {
        let whole = with_exif(&jpeg(&picture(64, 48)), 1);
        assert!(normalise(&whole).is_ok());
        // Cut in the headers (the decoder says so) or in the image data (no end marker).
        for cut in (3..whole.len()).step_by(23) {
            let result = normalise(&whole[..cut]).map(|photo| photo.width);
            assert!(matches!(result, Err(PhotoError::Undecodable(_))), "cut at {cut}: {result:?}");
        }
        let err = normalise(&whole[..whole.len() - 100]).unwrap_err();
        assert!(err.to_string().contains("incomplete"), "{err}");
    }

    #[test]
    fn a_truncated_png_is_undecodable() {
        let whole = png_rgba(&DynamicImage::ImageRgb8(picture(64, 48)).into_rgba8());
        // Up to the final 12-byte IEND chunk, whose loss leaves the pixels whole.
        for cut in (8..whole.len() - 12).step_by(31) {
            let result = normalise(&whole[..cut]).map(|photo| photo.width);
            assert!(matches!(result, Err(PhotoError::Undecodable(_))), "cut at {cut}: {result:?}");
        }
    }

    /// CRC-32 as PNG chunks need it.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        chunk.extend_from_slice(&body);
        chunk.extend_from_slice(&crc32(&body).to_be_bytes());
        chunk
    }

    fn png_claiming(width: u32, height: u32) -> Vec<u8> {
        let mut ihdr = width.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 6, 0, 0, 0]); // 8-bit RGBA
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(png_chunk(b"IHDR", &ihdr));
        // A few bytes of deflate that would inflate to far more, were they ever inflated.
        png.extend(png_chunk(b"IDAT", &[0x78, 0x9C, 0xED, 0xC1, 0x01, 0x0D, 0x00, 0x00]));
        png.extend(png_chunk(b"IEND", &[]));
        png
    }

    #[test]
    fn a_png_claiming_100000_by_100000_pixels_is_refused_without_allocating() {
        // 10^10 RGBA pixels would be 40 GB: reaching the allocation would abort the test.
        let err = normalise(&png_claiming(100_000, 100_000)).unwrap_err();
        assert!(matches!(&err, PhotoError::Undecodable(m) if m.contains("40 megapixels")), "{err:?}");
    }

    #[test]
    fn a_photo_over_40_megapixels_is_refused_from_its_header() {
        // 8000 × 6000 = 48 megapixels, within the per-side limit.
        let err = normalise(&png_claiming(8000, 6000)).unwrap_err();
        assert_eq!(err, too_many_pixels(8000, 6000));
        assert!(err.to_string().contains("scale it down"));
    }

    #[test]
    fn a_photo_in_a_log_line_shows_sizes_not_bytes() {
        let photo = normalise(&jpeg(&picture(64, 48))).unwrap();
        let shown = format!("{photo:?}");
        assert!(shown.starts_with("Photo { width: 64, height: 48, jpeg_bytes: "), "{shown}");
        assert!(shown.len() < 120);
    }

    #[test]
    fn fitting_keeps_the_aspect_ratio_and_never_enlarges() {
        assert_eq!(fit(4000, 3000, 1600), (1600, 1200));
        assert_eq!(fit(3000, 4000, 1600), (1200, 1600));
        assert_eq!(fit(1600, 10, 320), (320, 2));
        assert_eq!(fit(20000, 1, 320), (320, 1));
        assert_eq!(fit(100, 50, 320), (100, 50));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
            let _ = normalise(&bytes);
        }

        #[test]
        fn mutated_photos_never_panic(
            which in 0usize..3,
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
            cut in any::<prop::sample::Index>(),
        ) {
            let small = picture(24, 16);
            let mut bytes = match which {
                0 => with_exif(&jpeg(&small), 6),
                1 => png_rgba(&DynamicImage::ImageRgb8(small).into_rgba8()),
                _ => {
                    let mut webp = Vec::new();
                    WebPEncoder::new_lossless(&mut webp)
                        .encode(small.as_raw(), 24, 16, ExtendedColorType::Rgb8)
                        .unwrap();
                    webp
                }
            };
            // Leave the magic bytes alone so that the decoders, not the sniffer, see the damage.
            for (at, byte) in edits {
                let i = 12 + at.index(bytes.len() - 12);
                bytes[i] = byte;
            }
            let keep = cut.index(2 * bytes.len());
            if keep < bytes.len() {
                bytes.truncate(keep.max(12));
            }
            if let Ok(photo) = normalise(&bytes) {
                prop_assert!(photo.width <= MAX_SIDE && photo.height <= MAX_SIDE);
                prop_assert!(!contains(&photo.jpeg, b"Exif"));
            }
        }
    }
}
