//! Whether the gateway is reachable, for the banner. Learnt from the core's events (a
//! transport failure marks it down; any answer marks it up); while it is down, a light probe
//! (one HTTP request every few seconds, any HTTP answer counts) notices when it is back.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tauri::{AppHandle, Manager};
use till::config::SaleFlow;
use till::TillEvent;

use crate::dto::UiEvent;
use crate::error::ErrorCode;
use crate::events::emit;
use crate::state::AppState;

const PROBE_EVERY: Duration = Duration::from_secs(5);
const PROBE_TIMEOUT: Duration = Duration::from_secs(4);

static PROBING: AtomicBool = AtomicBool::new(false);

/// Transport-level failures: the gateway (or the network) is down.
pub fn is_down_code(code: &str) -> bool {
    matches!(
        code,
        "gateway_unreachable" | "gateway_timeout" | "gateway_interrupted" | "gateway_server_error"
    )
}

fn set(app: &AppHandle, ok: bool, code: Option<String>) {
    if app.state::<AppState>().set_gateway_ok(ok) {
        emit(
            app,
            UiEvent::Health {
                gateway_ok: ok,
                code,
            },
        );
    }
    if !ok {
        start_probe(app.clone());
    }
}

/// Marks the gateway down after a failed call (`code` from the error).
pub fn failed(app: &AppHandle, code: &str) {
    if is_down_code(code) {
        set(app, false, Some(code.to_owned()));
    }
}

/// Marks the gateway down after a command failed with a transport error.
pub fn failed_api(app: &AppHandle, code: ErrorCode) {
    if matches!(
        code,
        ErrorCode::GatewayUnreachable
            | ErrorCode::GatewayTimeout
            | ErrorCode::GatewayInterrupted
            | ErrorCode::GatewayServerError
    ) {
        set(app, false, None);
    }
}

/// Whether a core event says the gateway answered (up), failed to (down), or neither.
pub fn reading(e: &TillEvent) -> Option<Result<(), &str>> {
    match e {
        TillEvent::GatewayTrouble { code, .. } => Some(Err(code)),
        TillEvent::Final {
            code: Some(code),
            status,
            ..
        } if status == "not_sent" => Some(Err(code)),
        // A Payment Page link is signed by the till itself: it proves nothing about the gateway.
        TillEvent::Link { flow, .. } => (*flow == SaleFlow::Gate).then_some(Ok(())),
        TillEvent::Accepted { .. } | TillEvent::Status { .. } => Some(Ok(())),
        TillEvent::Created { .. }
        | TillEvent::Sending { .. }
        | TillEvent::LinkMissing { .. }
        | TillEvent::Final { .. }
        | TillEvent::LateSuccess { .. }
        | TillEvent::LateDecline { .. }
        | TillEvent::Abandoned { .. }
        | TillEvent::Flagged { .. }
        | TillEvent::CardNotSaved { .. }
        | TillEvent::PayoutRequested { .. }
        | TillEvent::PayoutDecided { .. } => None,
    }
}

/// Learns from a core event.
pub fn observe(app: &AppHandle, e: &TillEvent) {
    match reading(e) {
        Some(Err(code)) => failed(app, code),
        Some(Ok(())) => set(app, true, None),
        None => {}
    }
}

/// Any HTTP answer from the gateway's base URL means it is reachable.
pub async fn probe(url: &str) -> bool {
    let client = match reqwest::Client::builder().timeout(PROBE_TIMEOUT).build() {
        Ok(c) => c,
        Err(_) => return false,
    };
    client.get(url).send().await.is_ok()
}

/// One probe now (at start), then every few seconds while down.
pub fn start_probe(app: AppHandle) {
    if PROBING.swap(true, Ordering::SeqCst) {
        return;
    }
    tauri::async_runtime::spawn(async move {
        while let Ok(url) = app
            .state::<AppState>()
            .till()
            .map(|t| t.config().gateway_url)
        {
            if probe(&url).await {
                PROBING.store(false, Ordering::SeqCst);
                set(&app, true, None);
                break;
            }
            if app.state::<AppState>().set_gateway_ok(false) {
                emit(
                    &app,
                    UiEvent::Health {
                        gateway_ok: false,
                        code: Some("gateway_unreachable".into()),
                    },
                );
            }
            tokio::time::sleep(PROBE_EVERY).await;
        }
        PROBING.store(false, Ordering::SeqCst);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(flow: SaleFlow) -> TillEvent {
        TillEvent::Link {
            payment_id: "D-1".into(),
            url: "http://127.0.0.1:1/x".into(),
            method: "GET".into(),
            scannable: true,
            flow,
        }
    }

    #[test]
    fn only_the_gateways_own_words_mark_it_up() {
        assert_eq!(reading(&link(SaleFlow::Gate)), Some(Ok(())));
        assert_eq!(
            reading(&link(SaleFlow::PaymentPage)),
            None,
            "signed locally"
        );
        let missing = TillEvent::LinkMissing {
            payment_id: "D-1".into(),
            waited_ms: 1,
        };
        assert_eq!(reading(&missing), None);
        let trouble = TillEvent::GatewayTrouble {
            payment_id: "D-1".into(),
            code: "gateway_timeout".into(),
            message: "x".into(),
        };
        assert_eq!(reading(&trouble), Some(Err("gateway_timeout")));
    }
}
