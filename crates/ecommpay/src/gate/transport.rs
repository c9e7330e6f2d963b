//! Sends a signed body and returns what came back. Separate from the client so tests can put
//! a fake transport under the real client, and so the one place that knows reqwest is small.

use std::future::Future;
use std::time::Duration;

/// An HTTP answer, whatever its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpReply {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Why no HTTP answer came back. The distinction that matters for money is whether the
/// request may have reached the gateway.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// The connection was never made (refused, DNS, connect timeout): nothing was sent.
    #[error("could not connect: {0}")]
    NotConnected(String),
    /// Sent, but no answer in time: the request may have arrived.
    #[error("no answer in time: {0}")]
    Timeout(String),
    /// The connection broke after the request went out: it may have arrived.
    #[error("the connection broke: {0}")]
    Broken(String),
}

/// Something that can POST a JSON body.
pub trait Transport: Send + Sync {
    fn post_json(
        &self,
        url: &str,
        body: Vec<u8>,
    ) -> impl Future<Output = Result<HttpReply, TransportError>> + Send;
}

/// Timeouts for the HTTP transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// How long to wait for the TCP + TLS connection.
    pub connect: Duration,
    /// How long to wait for the answer once the request is sent (no bytes for this long).
    pub read: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(5),
            read: Duration::from_secs(20),
        }
    }
}

/// The real transport: reqwest with rustls.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    pub fn new(timeouts: Timeouts) -> Result<ReqwestTransport, TransportError> {
        let client = reqwest::Client::builder()
            .connect_timeout(timeouts.connect)
            .read_timeout(timeouts.read)
            // A hard ceiling too, so a server trickling bytes cannot hold a till for ever.
            .timeout(timeouts.connect + timeouts.read * 2)
            .user_agent(concat!("cashier-ecommpay/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| TransportError::NotConnected(format!("HTTP client setup: {e}")))?;
        Ok(ReqwestTransport { client })
    }
}

fn classify(e: reqwest::Error) -> TransportError {
    // Never include the URL's query or the body: reqwest errors print the URL only.
    let (connect, timeout) = (e.is_connect(), e.is_timeout());
    let text = e.without_url().to_string();
    if connect {
        TransportError::NotConnected(text)
    } else if timeout {
        TransportError::Timeout(text)
    } else {
        TransportError::Broken(text)
    }
}

impl Transport for ReqwestTransport {
    async fn post_json(&self, url: &str, body: Vec<u8>) -> Result<HttpReply, TransportError> {
        let resp = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body)
            .send()
            .await
            .map_err(classify)?;
        let status = resp.status().as_u16();
        let body = resp.bytes().await.map_err(classify)?.to_vec();
        Ok(HttpReply { status, body })
    }
}
