//! Whether the gateway is reachable, for the banner. Learnt from the core's events (a
//! transport failure marks it down; any answer marks it up); while it is down, a light probe
//! (one HTTP request every few seconds, any HTTP answer counts) notices when it is back.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tauri::{AppHandle, Manager};
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

/// Learns from a core event.
pub fn observe(app: &AppHandle, e: &TillEvent) {
    match e {
        TillEvent::GatewayTrouble { code, .. } => failed(app, code),
        TillEvent::Final {
            code: Some(code),
            status,
            ..
        } if status == "not_sent" => failed(app, code),
        TillEvent::Accepted { .. } | TillEvent::Link { .. } | TillEvent::Status { .. } => {
            set(app, true, None)
        }
        _ => {}
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
