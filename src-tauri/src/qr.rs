//! The customer's link as a QR code: an SVG document rendered here (no JS QR library), sized
//! by the UI to fill most of the screen height so a phone reads it at arm's length.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// The SVG of `url`, or none when the text cannot be encoded (far too long for a QR code).
pub fn svg(url: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).ok()?;
    Some(
        code.render::<svg::Color<'_>>()
            .quiet_zone(true)
            .min_dimensions(256, 256)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn renders_an_svg_document() {
        let s = super::svg("http://192.168.1.10:8080/bot/abc").unwrap();
        assert!(
            s.starts_with("<?xml") || s.starts_with("<svg"),
            "{}",
            &s[..40]
        );
        assert!(s.contains("<svg") && s.contains("</svg>"));
        assert!(!s.contains("<script"));
    }
}
