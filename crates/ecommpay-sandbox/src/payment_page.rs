//! ECommPay's Payment Page for the card partner method (protocol doc section 6):
//! `GET /payment?<params>&signature=<sig>`, the link a till builds itself and shows as a QR.
//!
//! The parameters are a flat URL-encoded map (`+` or `%20` for a space, `%XX`), the signature
//! made over their decoded values as strings (doc section 1, every value a string). A repeated
//! parameter counts with its last value, as PHP reads a query. The checks run in this order; the
//! first that fails answers an HTML error page ([`error_code`] reads its code) and creates no
//! payment:
//!
//! | check | code | HTTP |
//! |---|---|---|
//! | `signature` missing or empty | 3262 | 401 |
//! | `signature` wrong (any parameter changed, added or removed) | 3261 | 401 |
//! | `project_id` missing | 2004 | 400 |
//! | `project_id` not the sandbox's project | 2442 | 400 |
//! | `payment_id`, `payment_amount`, `payment_currency`, `customer_id` missing or empty | 2004 | 400 |
//! | `payment_currency` not exactly `UZS`; `payment_amount` not a positive integer (digits only) | 2004 | 400 |
//! | `force_payment_method` present and not [`SandboxConfig::payment_page_method`](crate::SandboxConfig::payment_page_method) | 2541 | 400 |
//! | `payment_extra_param` present and not `uzcard`; `merchant_callback_url` present and not http(s) | 2004 | 400 |
//! | `best_before` not an ISO 8601 date-time with an offset, or already past | 2004 | 400 |
//! | `payment_id` used by a Gate payment, or by a Payment Page payment with another amount or customer | 3041 | 400 |
//!
//! The 2004 page names the parameter (`data-field`). A link that passes creates the sale at
//! that moment (until then `/v2/payment/status` answers 3061 for it) and answers HTTP 302 to
//! the bot page; from there it is a sale like a Gate one (callbacks, bot page, expiry). The
//! same link opened again (same `payment_id`, amount and customer) while the sale waits
//! redirects to the same bot page (nothing new is created or sent); once it ended, HTTP 200
//! with a page giving its status ([`finished_status`] reads it), nothing changed.
//!
//! Gate faults (`/_sandbox/faults`) do not apply here: they stand for the till's network, and
//! the Payment Page is opened by the customer's phone.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::extract::State;
use axum::http::Uri;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{Map, Value};

use crate::clock::parse_iso8601;
use crate::codes;
use crate::config::SandboxConfig;
use crate::lifecycle::{self, NewPayment};
use crate::payment::{status, Interface, Payment};
use crate::state::{lock, FieldError, RequestRecord, Shared};
use crate::validate::GateError;

mod pages;

pub use pages::{error_code, error_field, finished_status};
use pages::{error_page, finished_page, redirect};

/// The path of the Payment Page.
pub const PATH: &str = "/payment";

pub(crate) fn routes(sh: Arc<Shared>) -> Router {
    Router::new().route(PATH, get(open)).with_state(sh)
}

/// A link's checked parameters.
struct Link {
    payment_id: String,
    customer_id: String,
    amount: u64,
    description: String,
    callback_url: Option<String>,
    best_before: Option<String>,
}

/// What opening a good link leads to.
enum Opened {
    /// The bot page of the (new or still waiting) sale.
    Redirect(String),
    /// The sale ended before; the page says how.
    Finished(Box<Payment>),
}

async fn open(State(sh): State<Arc<Shared>>, uri: Uri) -> Response {
    let params = decode(uri.query().unwrap_or(""));
    let cfg = sh.cfg();
    let result = check(&params, &cfg).and_then(|link| open_link(&sh, link));
    match result {
        Ok(Opened::Redirect(url)) => redirect(&url),
        Ok(Opened::Finished(p)) => finished_page(&cfg.shop_name, &p),
        Err(e) => {
            let (http, html) = error_page(&e);
            (http, Html(html)).into_response()
        }
    }
}

/// The query as a flat map of decoded strings; a repeated key keeps its last value.
fn decode(query: &str) -> Map<String, Value> {
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
        .collect()
}

fn param<'a>(params: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    params.get(key).and_then(Value::as_str)
}

/// Present and non-empty.
fn given<'a>(params: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    param(params, key).filter(|v| !v.is_empty())
}

fn field_error(field: &str, message: String) -> FieldError {
    FieldError {
        code: codes::FIELD,
        message,
        field: field.to_owned(),
    }
}

fn missing(field: &str) -> FieldError {
    field_error(field, format!("Required parameter {field} is missing"))
}

fn invalid(field: &str, why: &str) -> FieldError {
    field_error(field, format!("Parameter {field} is invalid: {why}"))
}

fn reject(errors: Vec<FieldError>) -> Result<(), GateError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(GateError::fields(errors))
    }
}

/// The checks, in the Payment Page's order (see the module docs).
fn check(params: &Map<String, Value>, cfg: &SandboxConfig) -> Result<Link, GateError> {
    let Some(signature) = given(params, "signature") else {
        return Err(GateError::new(codes::EMPTY_SIGNATURE));
    };
    // `signature` itself is left out of the string to sign by the algorithm.
    ecommpay::sign::verify_detached(&Value::Object(params.clone()), signature, &cfg.secret)
        .map_err(|_| GateError::new(codes::BAD_SIGNATURE))?;

    let Some(project) = given(params, "project_id") else {
        return Err(GateError::fields(vec![missing("project_id")]));
    };
    if digits(project) != Some(cfg.project_id) {
        return Err(GateError::new(codes::UNKNOWN_PROJECT));
    }

    let mut errors = Vec::new();
    let mut required = |key: &str| {
        let v = given(params, key);
        if v.is_none() {
            errors.push(missing(key));
        }
        v
    };
    let payment_id = required("payment_id");
    let amount = required("payment_amount");
    let currency = required("payment_currency");
    let customer_id = required("customer_id");
    let amount = amount.and_then(|a| match digits(a).filter(|&n| n > 0) {
        Some(n) => Some(n),
        None => {
            errors.push(invalid(
                "payment_amount",
                "must be a positive integer in minor units (tiyin), digits only",
            ));
            None
        }
    });
    if currency.is_some_and(|c| c != "UZS") {
        errors.push(invalid("payment_currency", "the method accepts UZS only"));
    }
    reject(errors)?;

    if let Some(method) = param(params, "force_payment_method") {
        if method != cfg.payment_page_method {
            let mut e = GateError::new(codes::UNKNOWN_METHOD);
            e.message = format!("Unknown payment method {method:?}");
            return Err(e);
        }
    }

    let mut errors = Vec::new();
    if param(params, "payment_extra_param").is_some_and(|v| v != "uzcard") {
        errors.push(invalid("payment_extra_param", "must be \"uzcard\""));
    }
    let callback_url = param(params, "merchant_callback_url").map(str::to_owned);
    if let Some(url) = &callback_url {
        if !reqwest::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) {
            errors.push(invalid(
                "merchant_callback_url",
                "must be an http or https URL",
            ));
        }
    }
    reject(errors)?;

    let best_before = param(params, "best_before").map(str::to_owned);
    if let Some(text) = &best_before {
        match parse_iso8601(text) {
            None => {
                return Err(GateError::fields(vec![invalid(
                    "best_before",
                    "must be an ISO 8601 date-time with an offset (2026-12-01T22:34:17+05:00)",
                )]))
            }
            Some(t) if t <= SystemTime::now() => {
                return Err(GateError::fields(vec![field_error(
                    "best_before",
                    format!("The link expired: best_before {text} has passed"),
                )]))
            }
            Some(_) => {}
        }
    }

    Ok(Link {
        payment_id: payment_id.unwrap_or_default().to_owned(),
        customer_id: customer_id.unwrap_or_default().to_owned(),
        amount: amount.unwrap_or_default(),
        description: param(params, "payment_description")
            .unwrap_or_default()
            .to_owned(),
        callback_url,
        best_before,
    })
}

/// Digits only (no sign, no decimal point, no spaces), as a number.
fn digits(s: &str) -> Option<u64> {
    s.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| s.parse().ok())
        .flatten()
}

/// The payment the link names, if it exists: the same one (redirect or finished page), or
/// another one with that id (3041).
fn existing(sh: &Shared, link: &Link) -> Option<Result<Opened, GateError>> {
    let public = sh.public_base();
    let ledger = lock(&sh.ledger);
    let p = ledger.payments.get(&link.payment_id)?;
    let same = p.interface == Interface::PaymentPage
        && p.amount == link.amount
        && p.customer_id == link.customer_id;
    Some(if !same {
        Err(GateError::new(codes::PAYMENT_ID_EXISTS))
    } else if p.status == status::AWAITING_REDIRECT {
        Ok(Opened::Redirect(p.bot_url(&public).unwrap_or_default()))
    } else {
        Ok(Opened::Finished(Box::new(p.clone())))
    })
}

/// Opens the link: the existing payment, or a new sale through the lifecycle.
fn open_link(sh: &Arc<Shared>, link: Link) -> Result<Opened, GateError> {
    // Twice at most: when the same link is opened twice at once, the loser of the race finds
    // the winner's payment on its second look.
    for _ in 0..2 {
        if let Some(found) = existing(sh, &link) {
            return found;
        }
        let request_id = lock(&sh.ledger).new_request_id(&link.payment_id);
        let np = NewPayment {
            payment_id: link.payment_id.clone(),
            customer_id: link.customer_id.clone(),
            amount: link.amount,
            currency: "UZS".to_owned(),
            description: link.description.clone(),
            merchant_callback_url: link.callback_url.clone(),
            callback_delay: Duration::ZERO,
            callbacks_disabled: false,
            interface: Interface::PaymentPage,
            best_before: link.best_before.clone(),
        };
        match lifecycle::accept_sale(sh, np, &request_id) {
            Ok(()) => {
                lock(&sh.ledger).requests.insert(
                    request_id,
                    RequestRecord {
                        payment_id: Some(link.payment_id.clone()),
                        rejection: None,
                        errors: Vec::new(),
                    },
                );
            }
            Err(e) if e.code == codes::PAYMENT_ID_EXISTS => {}
            Err(e) => return Err(e),
        }
    }
    existing(sh, &link).unwrap_or_else(|| Err(GateError::new(codes::PAYMENT_ID_EXISTS)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_digits_only() {
        assert_eq!(digits("1500000"), Some(1_500_000));
        for bad in ["", "+5", "-5", "5.0", "1e3", " 5", "99999999999999999999"] {
            assert_eq!(digits(bad), None, "{bad:?}");
        }
    }
}
