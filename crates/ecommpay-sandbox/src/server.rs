//! The accept loop. axum's own `serve` cannot drop one connection on purpose, which the `close`
//! fault needs, so connections are served here with hyper directly, each with a
//! [`ConnControl`] in its requests' extensions.

use std::sync::Arc;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;
use tower::ServiceExt as _;

/// The address a request came from (in its extensions).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Peer(pub std::net::SocketAddr);

/// Lets a handler close the connection its request came on.
#[derive(Clone, Debug)]
pub(crate) struct ConnControl(Arc<Notify>);

impl ConnControl {
    pub fn close(&self) {
        self.0.notify_one();
    }
}

/// Serves `app` on `listener` until `stop` turns true; then drops every open connection
/// (a hanging request must not hold the shutdown up).
pub(crate) async fn serve(listener: TcpListener, app: Router, mut stop: watch::Receiver<bool>) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = stop.wait_for(|s| *s) => break,
            accepted = listener.accept() => {
                let Ok((stream, peer)) = accepted else { continue };
                let app = app.clone();
                conns.spawn(serve_one(stream, app, peer));
            }
            // Reap finished connections so the set does not grow without bound.
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    conns.shutdown().await;
}

async fn serve_one(stream: tokio::net::TcpStream, app: Router, peer: std::net::SocketAddr) {
    let notify = Arc::new(Notify::new());
    let ctl = ConnControl(notify.clone());
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(ctl.clone());
        req.extensions_mut().insert(Peer(peer));
        app.clone().oneshot(req)
    });
    let conn =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        res = conn => {
            if let Err(e) = res {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        }
        // Dropping the connection future closes the socket without an answer.
        _ = notify.notified() => tracing::info!("connection closed on purpose (fault)"),
    }
}
