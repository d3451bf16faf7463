//! Reading licence QR codes from images (feature `qr-image`): PNG/JPEG through `image`, with
//! limits on dimensions and memory, and the `rxing` decoder (a port of ZXing; it read 36 of
//! 43 distorted test photos where rqrr read 10) over greyscale pixels.

use super::QrError;

/// Widest or tallest image read, in pixels.
pub const MAX_IMAGE_SIDE: u32 = 8192;

/// Most pixels in one image (width × height).
pub const MAX_IMAGE_PIXELS: u64 = 40_000_000;

/// Most bytes the image decoder may allocate.
pub const MAX_IMAGE_ALLOC: u64 = 256 * 1024 * 1024;

/// Largest encoded image file read.
pub const MAX_IMAGE_FILE: usize = 64 * 1024 * 1024;

fn check_dimensions(width: u32, height: u32) -> Result<(), QrError> {
    if width == 0 || height == 0 {
        return Err(QrError::Image("empty image".into()));
    }
    if width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || u64::from(width) * u64::from(height) > MAX_IMAGE_PIXELS {
        return Err(QrError::TooLarge(format!(
            "{width}×{height} pixels (limits {MAX_IMAGE_SIDE} a side, {MAX_IMAGE_PIXELS} in all)"
        )));
    }
    Ok(())
}

fn image_error(e: image::ImageError) -> QrError {
    match e {
        image::ImageError::Limits(l) => QrError::TooLarge(format!("image beyond the limits: {l}")),
        other => QrError::Image(format!("not a readable PNG/JPEG: {other}")),
    }
}

/// Decodes a PNG or JPEG file to greyscale pixels: (pixels, width, height).
pub fn load_luma(bytes: &[u8]) -> Result<(Vec<u8>, u32, u32), QrError> {
    if bytes.len() > MAX_IMAGE_FILE {
        return Err(QrError::TooLarge(format!(
            "{} bytes (limit {MAX_IMAGE_FILE})",
            bytes.len()
        )));
    }
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| QrError::Image(e.to_string()))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_IMAGE_ALLOC);
    reader.limits(limits);
    let (width, height) = reader.into_dimensions().map_err(image_error)?;
    check_dimensions(width, height)?;
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| QrError::Image(e.to_string()))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_IMAGE_ALLOC);
    reader.limits(limits);
    let img = reader
        .decode()
        .map_err(|e| QrError::Image(format!("not a readable PNG/JPEG: {e}")))?;
    let luma = img.into_luma8();
    let (w, h) = luma.dimensions();
    Ok((luma.into_raw(), w, h))
}

/// Greyscale from RGBA pixels (a browser's `ImageData`), ITU-R BT.601 weights; alpha is
/// composed over white.
pub fn rgba_to_luma(rgba: &[u8], width: u32, height: u32) -> Result<Vec<u8>, QrError> {
    check_dimensions(width, height)?;
    let n = width as usize * height as usize;
    if rgba.len() != n * 4 {
        return Err(QrError::Image(format!(
            "{} bytes of RGBA for {width}×{height} pixels (expected {})",
            rgba.len(),
            n * 4
        )));
    }
    Ok(rgba
        .chunks_exact(4)
        .map(|p| {
            let y = (299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2])) / 1000;
            let a = u32::from(p[3]);
            ((y * a + 255 * (255 - a)) / 255) as u8
        })
        .collect())
}

/// The text of the QR code in greyscale pixels.
pub fn decode_luma(luma: &[u8], width: u32, height: u32) -> Result<String, QrError> {
    check_dimensions(width, height)?;
    if luma.len() != width as usize * height as usize {
        return Err(QrError::Image(format!(
            "{} bytes of grey for {width}×{height} pixels",
            luma.len()
        )));
    }
    // rxing is a large port: should it panic on some image, report that instead of
    // unwinding through the caller (where unwinding exists).
    let attempt = std::panic::catch_unwind(|| {
        rxing::helpers::detect_in_luma_slice(luma, width, height, Some(rxing::BarcodeFormat::QR_CODE))
    });
    match attempt {
        Ok(Ok(result)) => Ok(result.getText().to_owned()),
        Ok(Err(e)) => Err(QrError::Image(format!("no readable QR code: {e}"))),
        Err(_) => Err(QrError::Image("the QR decoder failed on this image".into())),
    }
}

/// The text of the QR code in a PNG or JPEG file.
pub fn decode_image(bytes: &[u8]) -> Result<String, QrError> {
    let (luma, w, h) = load_luma(bytes)?;
    decode_luma(&luma, w, h)
}

fn verify_read(
    read: Result<String, super::QrError>,
    issuers: &super::IssuerList,
    opts: &super::QrOptions,
) -> crate::Report {
    let mut report = crate::Report::new(super::REPORT_KIND);
    report.subject.validation_time = Some(opts.at);
    match read {
        Ok(text) => {
            report.push(crate::Check::passed(
                "qr.image",
                format!("QR code read, {} characters", text.len()),
            ));
            super::verify_into(&text, issuers, opts, &mut report);
        }
        Err(e) => {
            report.push(crate::Check::failed("qr.image", e.reason(), e.to_string()));
        }
    }
    report.finish()
}

/// Reads the QR code in a PNG or JPEG file and verifies it: a `qr.image` check (Missing
/// when no code can be read, TooLarge beyond the image limits), then [`super::verify_qr`]'s.
pub fn verify_qr_image(bytes: &[u8], issuers: &super::IssuerList, opts: &super::QrOptions) -> crate::Report {
    verify_read(decode_image(bytes), issuers, opts)
}

/// As [`verify_qr_image`], from RGBA pixels (a browser's `ImageData`).
pub fn verify_qr_rgba(
    rgba: &[u8],
    width: u32,
    height: u32,
    issuers: &super::IssuerList,
    opts: &super::QrOptions,
) -> crate::Report {
    let read = rgba_to_luma(rgba, width, height).and_then(|luma| decode_luma(&luma, width, height));
    verify_read(read, issuers, opts)
}

/// Whether bytes look like a PNG or JPEG file.
pub fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n") || bytes.starts_with(&[0xFF, 0xD8, 0xFF])
}
