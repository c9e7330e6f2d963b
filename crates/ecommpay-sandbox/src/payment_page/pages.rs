//! The HTML the Payment Page answers: the redirect, the error page and the "already
//! finished" page, and the readers tests use on them.
//!
//! Error page: HTTP 401 (3261, 3262) or 400, `<div class="bad" id="error" data-code="NNNN"
//! data-field="param">` (`data-field` for a 2004 only) holding `<b id="error-code">NNNN</b>`
//! and `<p id="error-message">`. Finished page: HTTP 200, `<p id="payment-finished"
//! data-status="success">`.

use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use crate::bot::{escape, format_som, html_page};
use crate::codes;
use crate::payment::Payment;
use crate::validate::GateError;

/// The gateway code on an error page of the Payment Page (`data-code="NNNN"`), if it is one.
pub fn error_code(html: &str) -> Option<u32> {
    attribute(html, "id=\"error\" data-code=\"")?.parse().ok()
}

/// The parameter an error page names (`data-field`), for a 2004.
pub fn error_field(html: &str) -> Option<String> {
    attribute(html, "data-field=\"").map(str::to_owned)
}

/// The payment status on the "already finished" page (`data-status="success"`), if it is one.
pub fn finished_status(html: &str) -> Option<String> {
    attribute(html, "id=\"payment-finished\" data-status=\"").map(str::to_owned)
}

fn attribute<'a>(html: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = &html[html.find(prefix)? + prefix.len()..];
    Some(&rest[..rest.find('"')?])
}

pub(super) fn redirect(url: &str) -> Response {
    let body = format!(
        "<!doctype html><html><body><a href=\"{0}\">{0}</a></body></html>",
        escape(url)
    );
    (
        StatusCode::FOUND,
        [
            (header::LOCATION, url.to_owned()),
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
        ],
        body,
    )
        .into_response()
}

const FOOTER: &str = "ECommPay sandbox — Payment Page, no real money";

/// The error page: 401 for signature problems, 400 for everything else.
pub(super) fn error_page(e: &GateError) -> (StatusCode, String) {
    let http = match e.code {
        codes::BAD_SIGNATURE | codes::EMPTY_SIGNATURE => StatusCode::UNAUTHORIZED,
        _ => StatusCode::BAD_REQUEST,
    };
    let field = e
        .errors
        .first()
        .map(|f| format!(" data-field=\"{}\"", escape(&f.field)))
        .unwrap_or_default();
    let inner = format!(
        "<h1>To'lov sahifasi / Payment Page</h1>\
<div class=\"bad\" id=\"error\" data-code=\"{code}\"{field}>\
<p>Xato / Error <b id=\"error-code\">{code}</b></p>\
<p id=\"error-message\">{}</p></div>\
<p class=\"small\">To'lov yaratilmadi / No payment was created.</p>",
        escape(&e.message),
        code = e.code,
    );
    let title = format!("Xato / Error {}", e.code);
    (http, html_page("uz", &title, &inner, FOOTER))
}

pub(super) fn finished_page(shop: &str, p: &Payment) -> Response {
    let inner = format!(
        "<h1>To'lov yakunlangan / Payment already finished</h1><p class=\"shop\">{}</p>\
<div class=\"amount\">{}</div>\
<p id=\"payment-finished\" data-status=\"{status}\">Holat / Status: <b>{status}</b> (code {})</p>\
<p class=\"small\">Buyurtma / Order: {}</p>",
        escape(shop),
        format_som(p.amount),
        p.code,
        escape(&p.id),
        status = escape(p.status),
    );
    Html(html_page("uz", "To'lov yakunlangan", &inner, FOOTER)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::FieldError;

    #[test]
    fn pages_are_readable_by_tests() {
        let mut e = GateError::fields(vec![FieldError {
            code: codes::FIELD,
            message: "Required parameter customer_id is missing".into(),
            field: "customer_id".into(),
        }]);
        e.message = "a <b> & \"c\"".into();
        let (http, html) = error_page(&e);
        assert_eq!(http, StatusCode::BAD_REQUEST);
        assert_eq!(error_code(&html), Some(2004), "{html}");
        assert_eq!(error_field(&html).as_deref(), Some("customer_id"));
        assert!(html.contains("a &lt;b&gt; &amp; &quot;c&quot;"), "{html}");
        assert_eq!(finished_status(&html), None);

        let (http, html) = error_page(&GateError::new(codes::BAD_SIGNATURE));
        assert_eq!(http, StatusCode::UNAUTHORIZED);
        assert_eq!(error_code(&html), Some(3261));
        assert_eq!(error_field(&html), None);
        assert_eq!(error_code("<p>the bot page</p>"), None);
        assert_eq!(
            finished_status("<p id=\"payment-finished\" data-status=\"decline\">").as_deref(),
            Some("decline")
        );
    }
}
