//! Injected faults: for Gate requests (500, hang, closed connection, malformed JSON, wrong
//! signature) and for callbacks (drop, duplicate, reorder, wrong signature).

use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::server::ConnControl;
use crate::state::{lock, Shared};

/// What a Gate fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateFaultMode {
    /// Answer HTTP 500 with an HTML body, as a proxy in front of the gateway would.
    Http500,
    /// Wait `hang_ms` before (`when: before`) or after (`when: after`) the request is applied.
    Hang,
    /// Close the connection without an answer.
    Close,
    /// Answer HTTP 200 with a truncated JSON body.
    Malformed,
    /// Apply the request and answer with a signature that does not verify.
    BadSignature,
    /// Apply the request and answer without any signature (a forged answer on the path, or a
    /// proxy that rewrote it).
    Unsigned,
}

/// Whether the fault strikes before the request is applied (the gateway never saw it) or after
/// (the payment exists, only the answer is lost or late) — the second is the case that tests a
/// client's recovery after a timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum When {
    #[default]
    Before,
    After,
}

/// A Gate fault as posted to `POST /_sandbox/faults`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateFaultSpec {
    pub mode: GateFaultMode,
    /// How many of the next Gate requests it applies to (default 1).
    #[serde(default = "one")]
    pub count: u32,
    /// For `hang` (default 30 000).
    #[serde(default = "default_hang_ms")]
    pub hang_ms: u64,
    #[serde(default)]
    pub when: When,
    /// Only requests whose path starts with this (e.g. `/v2/payment/status`); default all.
    #[serde(default)]
    pub path: Option<String>,
}

fn one() -> u32 {
    1
}
fn default_hang_ms() -> u64 {
    30_000
}

/// One queued Gate fault (a spec with `count` n is queued as n of these).
#[derive(Debug, Clone)]
pub(crate) struct GateFault {
    pub mode: GateFaultMode,
    pub hang: Duration,
    pub when: When,
    pub path: Option<String>,
}

/// What a callback fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallbackFault {
    /// The callback is never sent.
    Drop,
    /// The callback is sent twice.
    Duplicate,
    /// The callback is held back and sent right after the next one.
    Reorder,
    /// The callback is sent with a signature that does not verify.
    BadSignature,
}

/// A callback fault as posted to `POST /_sandbox/callbacks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbackFaultSpec {
    pub mode: CallbackFault,
    /// How many of the next callbacks it applies to (default 1).
    #[serde(default = "one")]
    pub count: u32,
}

impl Shared {
    pub fn push_gate_fault(&self, spec: &GateFaultSpec) {
        let mut q = lock(&self.faults);
        for _ in 0..spec.count {
            q.gate.push_back(GateFault {
                mode: spec.mode,
                hang: Duration::from_millis(spec.hang_ms),
                when: spec.when,
                path: spec.path.clone(),
            });
        }
    }

    pub fn push_callback_fault(&self, spec: &CallbackFaultSpec) {
        let mut q = lock(&self.faults);
        for _ in 0..spec.count {
            q.callbacks.push_back(spec.mode);
        }
    }

    /// Takes the first queued Gate fault that applies to `path`.
    fn take_gate_fault(&self, path: &str) -> Option<GateFault> {
        let mut q = lock(&self.faults);
        let i = q
            .gate
            .iter()
            .position(|f| f.path.as_deref().map_or(true, |p| path.starts_with(p)))?;
        q.gate.remove(i)
    }

    pub fn take_callback_fault(&self) -> Option<CallbackFault> {
        lock(&self.faults).callbacks.pop_front()
    }
}

/// Middleware on the Gate routes: applies the next queued fault, if any.
pub(crate) async fn gate_faults(
    State(sh): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let Some(fault) = sh.take_gate_fault(req.uri().path()) else {
        return next.run(req).await;
    };
    tracing::info!(path = %req.uri().path(), ?fault, "injecting a Gate fault");
    let conn = req.extensions().get::<ConnControl>().cloned();
    let before = fault.when == When::Before;
    let answer = match (fault.mode, before) {
        (GateFaultMode::BadSignature, _) => {
            let res = next.run(req).await;
            return corrupt_signature(res, false).await;
        }
        (GateFaultMode::Unsigned, _) => {
            let res = next.run(req).await;
            return corrupt_signature(res, true).await;
        }
        (GateFaultMode::Hang, true) => {
            // If the client gives up meanwhile, hyper drops this future and the request is
            // never applied: "the request never arrived".
            tokio::time::sleep(fault.hang).await;
            return next.run(req).await;
        }
        (_, true) => None,
        (_, false) => Some(next.run(req).await),
    };
    match fault.mode {
        GateFaultMode::Http500 => http500(),
        GateFaultMode::Malformed => malformed(),
        GateFaultMode::Close => close(conn).await,
        GateFaultMode::Hang => {
            tokio::time::sleep(fault.hang).await;
            answer.unwrap_or_else(http500)
        }
        GateFaultMode::BadSignature | GateFaultMode::Unsigned => unreachable!("handled above"),
    }
}

fn http500() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/html")],
        "<html><head><title>500 Internal Server Error</title></head><body><h1>500 Internal Server Error</h1></body></html>",
    )
        .into_response()
}

fn malformed() -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"project_id":1,"payment_id":"#,
    )
        .into_response()
}

/// Asks the connection task to drop the connection, and never answers.
async fn close(conn: Option<ConnControl>) -> Response {
    match conn {
        Some(c) => {
            c.close();
            std::future::pending::<Response>().await
        }
        // Only reachable when the router is served by something other than our accept loop.
        None => http500(),
    }
}

/// Replaces the answer's signature with one that does not verify; an answer that carries none
/// (the accepted answer of sale and payout) gets a wrong top-level one, so that a client that
/// checks signatures on answers notices and one that does not is unaffected.
/// The answer with a wrong signature, or (`strip`) with none at all.
async fn corrupt_signature(res: Response, strip: bool) -> Response {
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return http500();
    };
    let Ok(mut v) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    const WRONG: &str =
        "AAAAsandboxWrongSignatureAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";
    if strip {
        if let Value::Object(m) = &mut v {
            m.remove("signature");
            if let Some(Value::Object(g)) = m.get_mut("general") {
                g.remove("signature");
            }
        }
    } else if let Some(s) = v.get_mut("general").and_then(|g| g.get_mut("signature")) {
        *s = Value::String(WRONG.into());
    } else if let Value::Object(m) = &mut v {
        m.insert("signature".into(), Value::String(WRONG.into()));
    }
    let out = serde_json::to_vec(&v).unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(out))
}
