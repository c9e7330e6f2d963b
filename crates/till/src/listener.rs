//! The callback listener (off by default; polling alone gives the right result without it).
//!
//! An HTTP server on the configured address and path. Each callback: the signature is
//! verified on the original bytes, before anything is written; a verified message is stored
//! redacted and applied once (the forward-only state machine makes replays and reorders
//! harmless); the answer is 200. A body with a bad signature (or not JSON) is answered 400
//! (the gateway retries) and only counted: a few samples are kept (`db::rejected`), never one
//! row per request, and it never touches the payment it names. Bodies above the configured
//! limit are refused with 413 before they are read whole; slow or too many connections are
//! dropped (`serve`).
//!
//! How a shop exposes it to the gateway (the gateway must reach it over the internet):
//! - port forwarding on the shop's router to `callback.listen`, with `callback.public_url`
//!   set to `http://<public address>:<port><path>` (HTTPS is better: see the next options);
//! - a reverse proxy with TLS (nginx, Caddy) on a server or the router, forwarding the path to
//!   the till;
//! - a tunnel (Cloudflare Tunnel, ngrok, an SSH reverse tunnel) whose public HTTPS URL is
//!   `callback.public_url`.
//!
//! `callback.public_url` is sent as `general.merchant_callback_url`; leave it unset when the
//! project's callback URL is configured in the gateway's back office.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use ecommpay::verify_callback;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub mod allow;
mod serve;

pub use serve::{MAX_CONNECTIONS, PER_SOURCE_PER_MINUTE, REQUEST_DEADLINE};

use crate::core::Core;
use crate::db::messages::{SignatureCheck, Source};
use crate::db::{payments, rejected};
use crate::engine::apply::Incoming;
use crate::error::{Result, TillError};

/// A running listener.
pub struct ListenerHandle {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl ListenerHandle {
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let _ = (&mut self.task).await;
    }
}

async fn callback(State(core): State<Arc<Core>>, body: Bytes) -> (StatusCode, &'static str) {
    let secret = match core.secret() {
        Ok(s) => s,
        // Not configured yet: ask the gateway to retry later.
        Err(_) => return (StatusCode::SERVICE_UNAVAILABLE, "not configured"),
    };
    let (report, signature) = match verify_callback(&body, &secret) {
        Ok(cb) => (cb.report, SignatureCheck::Verified),
        Err(e) => {
            let n = core.count_rejected_callback();
            if n.is_power_of_two() {
                tracing::warn!(refused = n, "callback refused: {e}");
            }
            if let Err(e) = rejected::keep_sample(&core.db().conn, &body, "bad_signature") {
                tracing::error!("refused callback not sampled: {e}");
            }
            return (StatusCode::BAD_REQUEST, "bad signature");
        }
    };
    let payment = match report.payment_id.as_deref() {
        Some(id) => match payments::find(&core.db().conn, id) {
            Ok(p) => p,
            Err(_) => return (StatusCode::INTERNAL_SERVER_ERROR, "storage"),
        },
        None => None,
    };
    let stored = core.record_report(
        payment.as_ref(),
        &Incoming {
            source: Source::Callback,
            http_status: None,
            signature,
            report: &report,
            // Callbacks are always signed: an unsigned one is refused before this.
            signature_required: true,
        },
    );
    match (stored, signature) {
        // Storage failed: a non-200 makes the gateway deliver it again later.
        (Err(e), _) => {
            tracing::error!("callback not stored: {e}");
            (StatusCode::INTERNAL_SERVER_ERROR, "storage")
        }
        (Ok(_), _) => (StatusCode::OK, "OK"),
    }
}

pub(crate) async fn start(core: Arc<Core>) -> Result<ListenerHandle> {
    let cfg = core.config().callback;
    if !cfg.enabled {
        return Err(TillError::Listener(
            "the callback listener is off (callback.enabled = false)".into(),
        ));
    }
    let allow = allow::AllowList::parse(&cfg.allow_from).map_err(TillError::Listener)?;
    let app = Router::new()
        .route(&cfg.path, post(callback))
        .layer(DefaultBodyLimit::max(cfg.body_limit_bytes))
        .with_state(core);
    let listener = tokio::net::TcpListener::bind(&cfg.listen)
        .await
        .map_err(|e| TillError::Listener(format!("cannot listen on {}: {e}", cfg.listen)))?;
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        serve::serve(listener, app, allow, rx).await;
    });
    tracing::info!(%addr, path = %cfg.path, "callback listener started");
    Ok(ListenerHandle {
        addr,
        stop: Some(tx),
        task,
    })
}
