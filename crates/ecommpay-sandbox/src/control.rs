//! The control plane: [`Control`] in-process, and the same under `/_sandbox/` over HTTP.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::cards::{CardOutcome, TEST_CARDS};
use crate::config::{
    ConfigPatch, NotFoundStyle, RedirectKey, RedirectMethod, SignaturePlacement, StatusShape,
};
use crate::data_api::plant::{BulkPlant, PlantError, PlantedPayment};
use crate::faults::{CallbackFaultSpec, GateFaultSpec};
use crate::payment::PaymentRecord;
use crate::state::{lock, FaultQueues, Ledger, Shared};

/// A handle on a running sandbox's control plane (cheap to clone).
#[derive(Clone)]
pub struct Control {
    pub(crate) sh: Arc<Shared>,
}

/// A simulated card, as `GET /_sandbox/cards` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardInfo {
    /// The bot form's `card` value.
    pub key: String,
    pub masked_card: String,
    /// What a successful sale returns as `account.number`.
    pub account_number: String,
    /// `success` or `insufficient_funds`.
    pub outcome: String,
}

/// A summary of the sandbox's state (`GET /_sandbox/state`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateSummary {
    pub project_id: u64,
    /// Merchant balance in tiyin.
    pub merchant_balance: u64,
    pub payments: usize,
    pub pending_gate_faults: usize,
    pub pending_callback_faults: usize,
    pub status_redirect_data: bool,
    pub time_factor: f64,
    pub payout_delay_ms: u64,
    pub status_shape: StatusShape,
    pub not_found_style: NotFoundStyle,
    pub signature_placement: SignaturePlacement,
    pub redirect_key: RedirectKey,
    pub redirect_method: RedirectMethod,
    pub redirect_body_array: bool,
    pub redirect_encrypted: bool,
    pub payment_page_method: String,
    /// Whether a Data API token was given at start.
    #[serde(default)]
    pub data_api_configured: bool,
    /// Requests to `/v1/operations/get` so far, refused ones included.
    #[serde(default)]
    pub data_api_requests: u64,
}

impl Control {
    /// Queues a Gate fault for the next `count` Gate requests.
    pub fn inject_fault(&self, spec: GateFaultSpec) {
        self.sh.push_gate_fault(&spec);
    }

    /// Queues a callback fault for the next `count` callbacks.
    pub fn callback_fault(&self, spec: CallbackFaultSpec) {
        self.sh.push_callback_fault(&spec);
    }

    /// Forgets every queued fault.
    pub fn clear_faults(&self) {
        *lock(&self.sh.faults) = FaultQueues::default();
    }

    /// The sandbox's record of a payment.
    pub fn payment(&self, payment_id: &str) -> Option<PaymentRecord> {
        let public = self.sh.public_base();
        lock(&self.sh.ledger)
            .payments
            .get(payment_id)
            .map(|p| p.record(&public))
    }

    /// Every payment, oldest first.
    pub fn payments(&self) -> Vec<PaymentRecord> {
        let public = self.sh.public_base();
        let ledger = lock(&self.sh.ledger);
        let mut all: Vec<_> = ledger.payments.values().collect();
        all.sort_by_key(|p| p.operation_id);
        all.into_iter().map(|p| p.record(&public)).collect()
    }

    /// Changes switches at runtime.
    pub fn configure(&self, patch: &ConfigPatch) {
        {
            let mut cfg = self.sh.cfg.write().unwrap_or_else(|e| e.into_inner());
            patch.apply(&mut cfg);
        }
        if let Some(b) = patch.merchant_balance {
            lock(&self.sh.ledger).balance = b;
        }
    }

    /// The merchant balance in tiyin.
    pub fn balance(&self) -> u64 {
        lock(&self.sh.ledger).balance
    }

    /// Forgets every payment, request, card owner and fault, stops every timer and pending
    /// callback, and restores the starting balance. The configuration stays as it is.
    pub fn reset(&self) {
        self.sh.abort_tasks();
        *lock(&self.sh.ledger) = Ledger::new(self.sh.initial_balance);
        self.sh
            .data_api_requests
            .store(0, std::sync::atomic::Ordering::Relaxed);
        self.clear_faults();
    }

    /// The simulated cards.
    pub fn cards(&self) -> Vec<CardInfo> {
        TEST_CARDS
            .iter()
            .map(|c| CardInfo {
                key: c.key.to_owned(),
                masked_card: c.masked(),
                account_number: c.account_number(),
                outcome: match c.outcome {
                    CardOutcome::Success => "success",
                    CardOutcome::InsufficientFunds => "insufficient_funds",
                }
                .to_owned(),
            })
            .collect()
    }

    /// A summary of the state.
    pub fn state(&self) -> StateSummary {
        let cfg = self.sh.cfg();
        let faults = lock(&self.sh.faults);
        let ledger = lock(&self.sh.ledger);
        StateSummary {
            project_id: cfg.project_id,
            merchant_balance: ledger.balance,
            payments: ledger.payments.len(),
            pending_gate_faults: faults.gate.len(),
            pending_callback_faults: faults.callbacks.len(),
            status_redirect_data: cfg.status_redirect_data,
            time_factor: cfg.time_factor,
            payout_delay_ms: cfg.payout_delay.as_millis() as u64,
            status_shape: cfg.status_shape,
            not_found_style: cfg.not_found_style,
            signature_placement: cfg.signature_placement,
            redirect_key: cfg.redirect_key,
            redirect_method: cfg.redirect_method,
            redirect_body_array: cfg.redirect_body_array,
            redirect_encrypted: cfg.redirect_encrypted,
            data_api_configured: cfg.data_api.is_some(),
            data_api_requests: self.data_api_requests(),
            payment_page_method: cfg.payment_page_method,
        }
    }

    /// Creates a payment at the gateway as if another till had made it (see
    /// [`PlantedPayment`]).
    pub fn plant_payment(&self, p: &PlantedPayment) -> Result<PaymentRecord, PlantError> {
        self.sh.plant(p)?;
        Ok(self.payment(&p.payment_id).expect("just planted"))
    }

    /// Creates many payments at once (a test aid: the fastest way to fill an interval).
    pub fn plant_bulk(&self, b: &BulkPlant) -> Result<u32, PlantError> {
        self.sh.plant_bulk(b)
    }

    /// The gateway "loses" a payment: the Data API no longer lists it.
    pub fn lose_payment(&self, payment_id: &str) -> Result<(), PlantError> {
        self.sh.lose(payment_id)
    }

    /// The Data API reports `status` for the payment (`None`: its own status again).
    pub fn report_status(&self, payment_id: &str, status: Option<&str>) -> Result<(), PlantError> {
        self.sh.report_status(payment_id, status)
    }

    /// Requests to the Data API so far.
    pub fn data_api_requests(&self) -> u64 {
        self.sh
            .data_api_requests
            .load(std::sync::atomic::Ordering::Relaxed)
    }
}

pub(crate) fn routes(control: Control) -> Router {
    Router::new()
        .route("/_sandbox/faults", post(faults).delete(clear_faults))
        .route("/_sandbox/callbacks", post(callback_faults))
        .route("/_sandbox/payments", get(payments))
        .route("/_sandbox/payments/{payment_id}", get(payment))
        .route("/_sandbox/config", post(configure))
        .route("/_sandbox/state", get(state))
        .route("/_sandbox/cards", get(cards))
        .route("/_sandbox/reset", post(reset))
        .route("/_sandbox/data_api/payments", post(plant))
        .route("/_sandbox/data_api/bulk", post(plant_bulk))
        .route("/_sandbox/data_api/lost", post(lose))
        .route("/_sandbox/data_api/status", post(report_status))
        .layer(axum::middleware::from_fn(loopback_only))
        .with_state(control)
}

/// The control API changes what the gateway does (faults, balances, callbacks): it answers
/// only on this computer. The bot pages stay reachable from the LAN (a phone pays there).
async fn loopback_only(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let local = req
        .extensions()
        .get::<crate::server::Peer>()
        .is_some_and(|p| p.0.ip().is_loopback());
    if !local {
        return (
            axum::http::StatusCode::FORBIDDEN,
            "the sandbox's control API answers only on this computer",
        )
            .into_response();
    }
    next.run(req).await
}

async fn faults(State(c): State<Control>, Json(spec): Json<GateFaultSpec>) -> Response {
    c.inject_fault(spec.clone());
    Json(json!({"queued": spec.count, "fault": spec})).into_response()
}

async fn clear_faults(State(c): State<Control>) -> Response {
    c.clear_faults();
    Json(json!({"cleared": true})).into_response()
}

async fn callback_faults(
    State(c): State<Control>,
    Json(spec): Json<CallbackFaultSpec>,
) -> Response {
    c.callback_fault(spec.clone());
    Json(json!({"queued": spec.count, "fault": spec})).into_response()
}

async fn payments(State(c): State<Control>) -> Response {
    Json(c.payments()).into_response()
}

async fn payment(State(c): State<Control>, Path(id): Path<String>) -> Response {
    match c.payment(&id) {
        Some(r) => Json(r).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such payment", "payment_id": id})),
        )
            .into_response(),
    }
}

async fn configure(State(c): State<Control>, Json(patch): Json<ConfigPatch>) -> Response {
    c.configure(&patch);
    Json(c.state()).into_response()
}

async fn state(State(c): State<Control>) -> Response {
    Json(c.state()).into_response()
}

async fn cards(State(c): State<Control>) -> Response {
    Json(c.cards()).into_response()
}

async fn reset(State(c): State<Control>) -> Response {
    c.reset();
    Json(c.state()).into_response()
}

fn plant_refused(e: PlantError) -> Response {
    let status = match e {
        PlantError::Exists(_) => StatusCode::CONFLICT,
        PlantError::Unknown(_) => StatusCode::NOT_FOUND,
        PlantError::Invalid(_) => StatusCode::BAD_REQUEST,
    };
    (status, Json(json!({"error": e.to_string()}))).into_response()
}

async fn plant(State(c): State<Control>, Json(p): Json<PlantedPayment>) -> Response {
    match c.plant_payment(&p) {
        Ok(r) => Json(r).into_response(),
        Err(e) => plant_refused(e),
    }
}

async fn plant_bulk(State(c): State<Control>, Json(b): Json<BulkPlant>) -> Response {
    match c.plant_bulk(&b) {
        Ok(n) => Json(json!({"created": n})).into_response(),
        Err(e) => plant_refused(e),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PaymentRef {
    payment_id: String,
    #[serde(default)]
    status: Option<String>,
}

async fn lose(State(c): State<Control>, Json(r): Json<PaymentRef>) -> Response {
    match c.lose_payment(&r.payment_id) {
        Ok(()) => Json(json!({"lost": r.payment_id})).into_response(),
        Err(e) => plant_refused(e),
    }
}

async fn report_status(State(c): State<Control>, Json(r): Json<PaymentRef>) -> Response {
    match c.report_status(&r.payment_id, r.status.as_deref()) {
        Ok(()) => {
            Json(json!({"payment_id": r.payment_id, "reported_status": r.status})).into_response()
        }
        Err(e) => plant_refused(e),
    }
}

#[cfg(test)]
mod loopback_tests {
    use super::*;
    use crate::server::Peer;
    use axum::body::Body;
    use tower::ServiceExt as _;

    async fn status_from(peer: &str) -> u16 {
        let sh = crate::state::Shared::new(
            crate::SandboxConfig::default(),
            "http://127.0.0.1:1".into(),
            tokio::sync::mpsc::unbounded_channel().0,
        );
        let app = routes(Control { sh });
        let mut req = axum::http::Request::get("/_sandbox/state")
            .body(Body::empty())
            .unwrap();
        req.extensions_mut().insert(Peer(peer.parse().unwrap()));
        app.oneshot(req).await.unwrap().status().as_u16()
    }

    #[tokio::test]
    async fn the_control_api_answers_only_on_this_computer() {
        assert_eq!(status_from("127.0.0.1:5000").await, 200);
        assert_eq!(status_from("[::1]:5000").await, 200);
        assert_eq!(status_from("192.168.1.20:5000").await, 403);
        assert_eq!(status_from("10.0.0.7:5000").await, 403);
    }
}
