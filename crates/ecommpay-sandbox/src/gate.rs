//! The Gate endpoints: `POST /v2/payment/card-partner/sale`, `.../payout`,
//! `/v2/payment/status` and `/v2/payment/status/request`.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

use crate::codes;
use crate::config::{NotFoundStyle, SignaturePlacement};
use crate::faults;
use crate::lifecycle::{self, NewPayment};
use crate::payment::{Interface, Kind};
use crate::state::{lock, RequestRecord, Shared};
use crate::validate::{
    check_project, check_signature, json_response, parse_body, Fields, GateError, SigAt,
};

/// The gateway allows `callback.delay` up to this many seconds.
const MAX_CALLBACK_DELAY_SECS: u64 = 600;

pub(crate) fn routes(sh: Arc<Shared>) -> Router {
    Router::new()
        .route("/v2/payment/card-partner/sale", post(sale))
        .route("/v2/payment/card-partner/payout", post(payout))
        .route("/v2/payment/status", post(status))
        .route("/v2/payment/status/request", post(status_request))
        .layer(middleware::from_fn_with_state(
            sh.clone(),
            faults::gate_faults,
        ))
        .with_state(sh)
}

fn answer(result: Result<Value, GateError>) -> Response {
    match result {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => e.into_response(),
    }
}

async fn sale(State(sh): State<Arc<Shared>>, bytes: Bytes) -> Response {
    answer(create(&sh, &bytes, Kind::Sale))
}

async fn payout(State(sh): State<Arc<Shared>>, bytes: Bytes) -> Response {
    answer(create(&sh, &bytes, Kind::Payout))
}

/// Sale and payout: authenticate, validate, then hand over to the lifecycle.
fn create(sh: &Arc<Shared>, bytes: &[u8], kind: Kind) -> Result<Value, GateError> {
    let cfg = sh.cfg();
    let body = parse_body(bytes)?;
    check_signature(&body, SigAt::General, &cfg.secret)?;
    check_project(&body, &["general", "project_id"], cfg.project_id)?;

    // From here on the request is the project's: it gets a request id, and its fate can be
    // asked through /v2/payment/status/request.
    let payment_id = body
        .pointer("/general/payment_id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let request_id = lock(&sh.ledger).new_request_id(payment_id.as_deref().unwrap_or(""));
    let result = validate_new(&body, kind).and_then(|(np, account)| match kind {
        Kind::Sale => lifecycle::accept_sale(sh, np, &request_id),
        Kind::Payout => lifecycle::accept_payout(sh, np, account.unwrap_or_default(), &request_id),
    });
    let record = RequestRecord {
        payment_id: payment_id.clone(),
        rejection: result.as_ref().err().map(|e| (e.code, e.message.clone())),
        errors: result
            .as_ref()
            .err()
            .map(|e| e.errors.clone())
            .unwrap_or_default(),
    };
    lock(&sh.ledger).requests.insert(request_id.clone(), record);
    match result {
        Ok(()) => Ok(json!({
            "project_id": cfg.project_id,
            "payment_id": payment_id,
            "request_id": request_id,
            "status": "success",
        })),
        Err(mut e) => {
            e.request_id = Some(request_id);
            Err(e)
        }
    }
}

/// The fields of a sale or payout. `payment.extra_param` is required for a sale and must be
/// `uzcard`: the seed says the Gate sale "must" pass it (only the Payment Page merely
/// "recommends" it).
fn validate_new(body: &Value, kind: Kind) -> Result<(NewPayment, Option<String>), GateError> {
    let mut f = Fields::default();
    let payment_id = f.string(body, &["general", "payment_id"]);
    let merchant_callback_url = f.opt_url(body, &["general", "merchant_callback_url"]);
    let customer_id = f.string(body, &["customer", "id"]);
    let _ip = f.ip(body, &["customer", "ip_address"]);
    let amount = f.amount(body, &["payment", "amount"]);
    let currency = f.currency(body, &["payment", "currency"]);
    let description = f
        .opt_string(body, &["payment", "description"])
        .unwrap_or_default();
    let account = match kind {
        Kind::Sale => {
            f.exact(body, &["payment", "extra_param"], "uzcard");
            None
        }
        Kind::Payout => f.string(body, &["account", "number"]),
    };
    let delay = f.opt_uint(body, &["callback", "delay"], MAX_CALLBACK_DELAY_SECS);
    let force_disable = f.opt_flag(body, &["callback", "force_disable"]);
    f.finish()?;
    let np = NewPayment {
        payment_id: payment_id.unwrap_or_default(),
        customer_id: customer_id.unwrap_or_default(),
        amount: amount.unwrap_or_default(),
        currency: currency.unwrap_or_default(),
        description,
        merchant_callback_url,
        callback_delay: Duration::from_secs(delay.unwrap_or(0)),
        callbacks_disabled: force_disable,
        interface: Interface::Gate,
        best_before: None,
    };
    Ok((np, account))
}

async fn status(State(sh): State<Arc<Shared>>, bytes: Bytes) -> Response {
    status_inner(&sh, &bytes).unwrap_or_else(IntoResponse::into_response)
}

/// The payment now, in the configured [`StatusShape`](crate::StatusShape), signed at the top;
/// an unknown payment is 3061, placed as [`NotFoundStyle`] says.
fn status_inner(sh: &Arc<Shared>, bytes: &[u8]) -> Result<Response, GateError> {
    let cfg = sh.cfg();
    let body = parse_body(bytes)?;
    check_signature(&body, SigAt::General, &cfg.secret)?;
    check_project(&body, &["general", "project_id"], cfg.project_id)?;
    let mut f = Fields::default();
    let payment_id = f.string(&body, &["general", "payment_id"]);
    f.finish()?;
    let public = sh.public_base();
    let answer = {
        let ledger = lock(&sh.ledger);
        payment_id
            .and_then(|id| ledger.payments.get(&id))
            .map(|p| p.status_body(&cfg, &public))
    };
    match (answer, cfg.not_found_style) {
        (Some(a), _) => Ok(json_response(
            StatusCode::OK,
            &sh.sign_at(a, SignaturePlacement::Top),
        )),
        (None, NotFoundStyle::HttpError) => Err(GateError::new(codes::NOT_FOUND)),
        (None, NotFoundStyle::PaymentError) => Ok(json_response(
            StatusCode::OK,
            &crate::body::not_found_payment_error(),
        )),
    }
}

async fn status_request(State(sh): State<Arc<Shared>>, bytes: Bytes) -> Response {
    answer(status_request_inner(&sh, &bytes))
}

/// `{"project_id","request_id","signature"}` (top level, doc section 2). Answers the request's
/// fate: `status` `success` (accepted) or `error` with the rejection's code, message and errors.
fn status_request_inner(sh: &Arc<Shared>, bytes: &[u8]) -> Result<Value, GateError> {
    let cfg = sh.cfg();
    let body = parse_body(bytes)?;
    check_signature(&body, SigAt::Top, &cfg.secret)?;
    check_project(&body, &["project_id"], cfg.project_id)?;
    let mut f = Fields::default();
    let request_id = f.string(&body, &["request_id"]);
    f.finish()?;
    let request_id = request_id.unwrap_or_default();
    let rec = lock(&sh.ledger)
        .requests
        .get(&request_id)
        .cloned()
        .ok_or_else(|| GateError::new(codes::NOT_FOUND))?;
    let mut out = json!({"project_id": cfg.project_id, "request_id": request_id});
    if let Some(p) = rec.payment_id {
        out["payment_id"] = json!(p);
    }
    match rec.rejection {
        None => out["status"] = json!("success"),
        Some((code, message)) => {
            out["status"] = json!("error");
            out["code"] = json!(code.to_string());
            out["message"] = json!(message);
            if !rec.errors.is_empty() {
                out["errors"] = json!(rec.errors);
            }
        }
    }
    Ok(sh.sign_at(out, SignaturePlacement::Top))
}
