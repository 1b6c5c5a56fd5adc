//! QR codes of the buyer's page URL (spec §8): SVG for printing and
//! labels, PNG for everything else. Error correction level M (15 %), which
//! survives a scuffed label, and the 4-module quiet zone ISO/IEC 18004
//! requires.
//!
//! The symbols come from the `qrcode` crate and the PNG from the `png` crate
//! (grayscale).

use qrcode::render::svg;
use qrcode::{Color, EcLevel, QrCode};

/// The quiet zone around a code, in modules (ISO/IEC 18004 §9.1).
const QUIET: usize = 4;

/// Pixels per module in the PNG.
pub const PNG_SCALE: usize = 8;

/// A URL too long for a QR code.
#[derive(Debug, thiserror::Error)]
#[error("the URL does not fit in a QR code: {0}")]
pub struct QrError(String);

fn code(url: &str) -> Result<QrCode, QrError> {
    QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .map_err(|e| QrError(e.to_string()))
}

/// The code as an SVG document.
pub fn svg(url: &str) -> Result<String, QrError> {
    Ok(code(url)?
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .min_dimensions(200, 200)
        .build())
}

/// The code as a grayscale PNG, [`PNG_SCALE`] pixels per module.
pub fn png(url: &str) -> Result<Vec<u8>, QrError> {
    let qr = code(url)?;
    let modules = qr.width();
    let colors = qr.to_colors();
    let side = (modules + 2 * QUIET) * PNG_SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, c) in colors.iter().enumerate() {
        if *c != Color::Dark {
            continue;
        }
        let (mx, my) = (i % modules + QUIET, i / modules + QUIET);
        for y in my * PNG_SCALE..(my + 1) * PNG_SCALE {
            pixels[y * side + mx * PNG_SCALE..y * side + (mx + 1) * PNG_SCALE].fill(0);
        }
    }
    let mut out = Vec::new();
    let side32 = u32::try_from(side).map_err(|e| QrError(e.to_string()))?;
    let mut enc = png::Encoder::new(&mut out, side32, side32);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header().map_err(|e| QrError(e.to_string()))?;
    w.write_image_data(&pixels)
        .map_err(|e| QrError(e.to_string()))?;
    w.finish().map_err(|e| QrError(e.to_string()))?;
    Ok(out)
}
