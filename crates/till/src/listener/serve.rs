//! The listener's accept loop, built to stand the open internet: every connection gets at most
//! [`REQUEST_DEADLINE`] to send its request and be answered (slow clients are dropped), at most
//! [`MAX_CONNECTIONS`] are served at once (more wait for a free slot briefly, then are closed),
//! and one source address may open at most [`PER_SOURCE_PER_MINUTE`] connections a minute.
//! Connections are not kept alive: the gateway sends one callback per request.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, Semaphore};
use tokio::task::JoinSet;
use tower::ServiceExt as _;

use super::allow::AllowList;

/// A request not complete (headers, body, answer) within this is dropped.
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(10);
/// Connections served at the same time.
pub const MAX_CONNECTIONS: usize = 64;
/// Connections one source address may open per minute (the gateway sends far fewer).
pub const PER_SOURCE_PER_MINUTE: u32 = 600;

/// Per-source counts over a sliding minute (fixed windows, reset each minute).
#[derive(Default)]
struct Rates(Mutex<HashMap<IpAddr, (Instant, u32)>>);

impl Rates {
    fn allow(&self, ip: IpAddr) -> bool {
        let mut m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if m.len() > 10_000 {
            m.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(60));
        }
        let e = m.entry(ip).or_insert((now, 0));
        if now.duration_since(e.0) >= Duration::from_secs(60) {
            *e = (now, 0);
        }
        e.1 += 1;
        e.1 <= PER_SOURCE_PER_MINUTE
    }
}

/// Serves `app` to the sources `allow` permits until `stop` fires; then drops every open
/// connection.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    allow: AllowList,
    stop: oneshot::Receiver<()>,
) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let rates = Rates::default();
    let mut conns = JoinSet::new();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => {
                let Ok((stream, peer)) = accepted else { continue };
                if !allow.permits(peer.ip()) {
                    tracing::warn!(%peer, "callback listener: a source not in callback.allow_from; closed");
                    continue;
                }
                if !rates.allow(peer.ip()) {
                    tracing::warn!(%peer, "callback listener: too many connections from one source; closed");
                    continue;
                }
                let slots = slots.clone();
                let app = app.clone();
                conns.spawn(async move {
                    // A free slot soon, or the connection is closed (never queued unbounded).
                    let Ok(Ok(_slot)) =
                        tokio::time::timeout(Duration::from_secs(1), slots.acquire_owned()).await
                    else {
                        return;
                    };
                    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                        app.clone().oneshot(req)
                    });
                    let conn = hyper::server::conn::http1::Builder::new()
                        .keep_alive(false)
                        .serve_connection(TokioIo::new(stream), service);
                    if tokio::time::timeout(REQUEST_DEADLINE, conn).await.is_err() {
                        tracing::info!(%peer, "callback listener: request not complete in time; dropped");
                    }
                });
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    conns.shutdown().await;
}
