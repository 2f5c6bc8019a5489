//! The share panel: the QR code of a join link, as an SVG document.

use qrcode::QrCode;
use qrcode::render::svg;

/// The QR code of `text` as a standalone SVG document; `None` if it is too long to encode.
pub fn qr_svg(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<svg::Color<'_>>()
            .min_dimensions(180, 180)
            .quiet_zone(true)
            .dark_color(svg::Color("#111111"))
            .light_color(svg::Color("#ffffff"))
            .build(),
    )
}
