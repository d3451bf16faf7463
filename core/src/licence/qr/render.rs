//! Rendering licence QR texts as QR codes (feature `qr-make`): the `qrcode` encoder, SVG
//! text, PNG through `png`. Error correction level M by default (15 % of the code can be
//! lost); the encoder picks alphanumeric mode for the Base45 text on its own.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode, Version};

use super::QrError;

/// Largest module size in pixels a PNG is drawn with.
pub const MAX_MODULE_PX: u32 = 32;

/// Quiet zone around a code, in modules (ISO/IEC 18004 asks for 4).
pub const QUIET_ZONE: usize = 4;

/// The QR code of a text at error correction level M.
pub fn encode(text: &str) -> Result<QrCode, QrError> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|e| QrError::Encode(e.to_string()))
}

/// The QR version (1–40) a text needs at level M.
pub fn version(text: &str) -> Result<i16, QrError> {
    match encode(text)?.version() {
        Version::Normal(v) => Ok(v),
        Version::Micro(v) => Ok(-v),
    }
}

/// An SVG image of the code (black on white, 4-module quiet zone), `module_px` per module.
pub fn to_svg(text: &str, module_px: u32) -> Result<String, QrError> {
    let code = encode(text)?;
    Ok(code
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .module_dimensions(module_px.clamp(1, MAX_MODULE_PX), module_px.clamp(1, MAX_MODULE_PX))
        .build())
}

/// Grey pixels (0 black, 255 white) of the code with a 4-module quiet zone, and the side.
pub fn to_luma(text: &str, module_px: u32) -> Result<(Vec<u8>, u32), QrError> {
    let code = encode(text)?;
    let px = module_px.clamp(1, MAX_MODULE_PX) as usize;
    let modules = code.width();
    let dark: Vec<bool> = code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect();
    let side = (modules + 2 * QUIET_ZONE) * px;
    let mut pixels = vec![255u8; side * side];
    for y in 0..side {
        let my = (y / px).checked_sub(QUIET_ZONE).filter(|m| *m < modules);
        for x in 0..side {
            let mx = (x / px).checked_sub(QUIET_ZONE).filter(|m| *m < modules);
            if let (Some(mx), Some(my)) = (mx, my) {
                if dark[my * modules + mx] {
                    pixels[y * side + x] = 0;
                }
            }
        }
    }
    Ok((pixels, side as u32))
}

/// A PNG (8-bit greyscale) of the code, `module_px` per module.
pub fn to_png(text: &str, module_px: u32) -> Result<Vec<u8>, QrError> {
    let (pixels, side) = to_luma(text, module_px)?;
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, side, side);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| QrError::Encode(e.to_string()))?;
        writer
            .write_image_data(&pixels)
            .map_err(|e| QrError::Encode(e.to_string()))?;
    }
    Ok(out)
}
