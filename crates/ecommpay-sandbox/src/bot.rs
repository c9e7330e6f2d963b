//! The simulated Telegram bot: `GET /bot/<token>` is a page a person can pay from (phone or
//! browser); `POST /bot/<token>/pay` (form field `card`, optional) and
//! `POST /bot/<token>/decline` are the same actions for tests.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::cards::{TestCard, TEST_CARDS};
use crate::lifecycle::{self, BotError};
use crate::payment::{status, Payment};
use crate::state::{lock, Shared};

pub(crate) fn routes(sh: Arc<Shared>) -> Router {
    Router::new()
        .route("/bot/{token}", get(page))
        .route("/bot/{token}/pay", post(pay))
        .route("/bot/{token}/decline", post(decline))
        .with_state(sh)
}

/// `150000 so'm` → `150 000 so'm`: amounts are tiyin; tiyin are shown only when there are any.
pub fn format_som(tiyin: u64) -> String {
    let digits = (tiyin / 100).to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    if tiyin % 100 != 0 {
        out.push_str(&format!(",{:02}", tiyin % 100));
    }
    out.push_str(" so'm");
    out
}

pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#e7ebf0;margin:0;padding:16px}\
.card{max-width:420px;margin:0 auto;background:#fff;border-radius:16px;padding:20px;box-shadow:0 2px 8px #0002}\
h1{font-size:18px;margin:0 0 4px;color:#2481cc}.shop{color:#555;margin:0 0 16px}\
.amount{font-size:32px;font-weight:700;margin:8px 0 16px}\
label{display:block;border:1px solid #ccd;border-radius:10px;padding:12px;margin:8px 0;font-size:16px}\
.pan{font-family:monospace;color:#333}\
button{width:100%;font-size:18px;padding:14px;border:0;border-radius:10px;margin-top:10px}\
.pay{background:#2481cc;color:#fff}.cancel{background:#eee;color:#a00}\
.ok{color:#080}.bad{color:#a00}.small{color:#777;font-size:13px;margin-top:16px}";

fn layout(title: &str, inner: &str) -> String {
    html_page(
        "uz",
        title,
        inner,
        "ECommPay sandbox — test bot, no real money",
    )
}

/// A self-contained page for a phone (no external resources), shared with the Payment Page.
pub(crate) fn html_page(lang: &str, title: &str, inner: &str, footer: &str) -> String {
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>{}</title><style>{STYLE}</style></head><body><div class=\"card\">{inner}\
<p class=\"small\">{}</p></div></body></html>",
        escape(title),
        escape(footer)
    )
}

fn find(sh: &Shared, token: &str) -> Option<Payment> {
    let ledger = lock(&sh.ledger);
    let id = ledger.tokens.get(token)?;
    ledger.payments.get(id).cloned()
}

async fn page(State(sh): State<Arc<Shared>>, Path(token): Path<String>) -> Response {
    let Some(p) = find(&sh, &token) else {
        return not_found();
    };
    let shop = sh.cfg().shop_name;
    if p.status != status::AWAITING_REDIRECT {
        return Html(result_page(&shop, &p)).into_response();
    }
    let mut cards = String::new();
    for (i, c) in TEST_CARDS.iter().enumerate() {
        cards.push_str(&format!(
            "<label><input type=\"radio\" name=\"card\" value=\"{}\"{}> {}<br><span class=\"pan\">{}</span></label>",
            c.key,
            if i == 0 { " checked" } else { "" },
            escape(c.label),
            c.masked()
        ));
    }
    let t = escape(&token);
    let inner = format!(
        "<h1>To'lov / Payment</h1><p class=\"shop\">{}</p>\
<div class=\"amount\">{}</div><p class=\"small\">Buyurtma / Order: {}</p>\
<form method=\"post\" action=\"/bot/{t}/pay\">{cards}\
<button class=\"pay\" type=\"submit\">To'lash / Pay</button></form>\
<form method=\"post\" action=\"/bot/{t}/decline\">\
<button class=\"cancel\" type=\"submit\">Bekor qilish / Cancel</button></form>",
        escape(&shop),
        format_som(p.amount),
        escape(&p.id)
    );
    Html(layout("To'lov", &inner)).into_response()
}

fn result_page(shop: &str, p: &Payment) -> String {
    let (class, text) = match p.status {
        status::SUCCESS => ("ok", "To'landi / Paid".to_owned()),
        status::AWAITING_REDIRECT => ("", "Kutilmoqda / Waiting".to_owned()),
        _ => (
            "bad",
            format!(
                "Rad etildi / Declined — {} ({})",
                crate::codes::message(p.code),
                p.code
            ),
        ),
    };
    let inner = format!(
        "<h1>{}</h1><p class=\"shop\">{}</p><div class=\"amount\">{}</div>\
<p class=\"{class}\" id=\"result\">{}</p><p class=\"small\">Do'konga qayting / Return to the shop.</p>",
        escape(&p.id),
        escape(shop),
        format_som(p.amount),
        escape(&text)
    );
    layout("Natija", &inner)
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(layout("?", "<h1>Unknown payment link</h1>")),
    )
        .into_response()
}

/// The body is read as a form whatever its content type says (or when it has none), so that
/// `curl -X POST .../pay` works as well as the page's form.
async fn pay(State(sh): State<Arc<Shared>>, Path(token): Path<String>, body: Bytes) -> Response {
    let card = form_urlencoded::parse(&body)
        .find(|(k, _)| k == "card")
        .map(|(_, v)| v.into_owned());
    let card = match card.filter(|c| !c.is_empty()) {
        None => Ok(&TEST_CARDS[0]),
        Some(key) => TestCard::by_key(&key).ok_or(BotError::UnknownCard),
    };
    let result = card.and_then(|c| lifecycle::pay(&sh, &token, c));
    after_action(&sh, &token, result)
}

async fn decline(State(sh): State<Arc<Shared>>, Path(token): Path<String>) -> Response {
    let result = lifecycle::cancel(&sh, &token);
    after_action(&sh, &token, result)
}

/// 200 with the result page when the action applied; 409 with the page when the sale was no
/// longer waiting (nothing changed); 404 / 400 for an unknown link or card.
fn after_action(sh: &Shared, token: &str, result: Result<String, BotError>) -> Response {
    let code = match result {
        Ok(_) => StatusCode::OK,
        Err(BotError::UnknownToken) => return not_found(),
        Err(BotError::UnknownCard) => {
            return (
                StatusCode::BAD_REQUEST,
                Html(layout("?", "<h1>Unknown test card</h1>")),
            )
                .into_response()
        }
        Err(BotError::NotWaiting(_)) => StatusCode::CONFLICT,
    };
    let Some(p) = find(sh, token) else {
        return not_found();
    };
    (code, Html(result_page(&sh.cfg().shop_name, &p))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_like_a_price_tag() {
        assert_eq!(format_som(15_000_000), "150 000 so'm");
        assert_eq!(format_som(100), "1 so'm");
        assert_eq!(format_som(123_456_789), "1 234 567,89 so'm");
        assert_eq!(format_som(99_900), "999 so'm");
    }
}
