//! Synthetic photos of a rendered QR code: the code on a 1000×1000 grey-white page, then
//! scaled, rotated, blurred, noised and JPEG-compressed. Shared by the photo test and the
//! licence bench (`#[path]`-included there).

use image::{imageops, GrayImage, Luma};
use imageproc::geometric_transformations::{rotate_about_center, Interpolation};

/// Side of the page the code is photographed on (1 megapixel).
pub const PAGE: u32 = 1000;

/// One distortion recipe.
#[derive(Debug, Clone, Copy)]
pub struct Distortion {
    /// Scale of the code (1.0 = 4 pixels per module).
    pub scale: f32,
    /// Rotation in degrees.
    pub rotate: f32,
    /// Gaussian blur sigma (0 = none).
    pub blur: f32,
    /// Gaussian noise standard deviation (0 = none).
    pub noise: f64,
    /// JPEG quality (0 = kept lossless).
    pub jpeg: u8,
}

impl Distortion {
    /// No distortion.
    pub const NONE: Distortion = Distortion {
        scale: 1.0,
        rotate: 0.0,
        blur: 0.0,
        noise: 0.0,
        jpeg: 0,
    };
}

/// The photo, encoded: PNG, or JPEG when `d.jpeg` is set.
pub fn photo(code: &GrayImage, d: Distortion, seed: u64) -> Vec<u8> {
    let (w, h) = code.dimensions();
    let (sw, sh) = ((w as f32 * d.scale) as u32, (h as f32 * d.scale) as u32);
    let scaled = imageops::resize(code, sw, sh, imageops::FilterType::Triangle);
    let mut page = GrayImage::from_pixel(PAGE, PAGE, Luma([235]));
    imageops::overlay(
        &mut page,
        &scaled,
        i64::from((PAGE - sw) / 2),
        i64::from((PAGE - sh) / 2),
    );
    let mut img = if d.rotate != 0.0 {
        rotate_about_center(&page, d.rotate.to_radians(), Interpolation::Bilinear, Luma([235]))
    } else {
        page
    };
    if d.blur > 0.0 {
        img = imageops::blur(&img, d.blur);
    }
    if d.noise > 0.0 {
        img = imageproc::noise::gaussian_noise(&img, 0.0, d.noise, seed);
    }
    let mut out = std::io::Cursor::new(Vec::new());
    if d.jpeg > 0 {
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, d.jpeg)
            .encode_image(&img)
            .unwrap();
    } else {
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    }
    out.into_inner()
}
