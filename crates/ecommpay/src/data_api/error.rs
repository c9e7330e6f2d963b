//! What can go wrong with a Data API call.

use serde_json::Value;

use super::query::QueryError;
use crate::gate::TransportError;

/// A failed Data API call. Every call only reads, so any of them may simply be tried again;
/// the variants say what to tell the person who asked.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DataApiError {
    /// Refused by our own checks (a `limit` above 1000, a reversed interval, ...): nothing was
    /// sent.
    #[error("invalid Data API query: {0}")]
    Invalid(#[from] QueryError),
    /// The Data API could not be reached (refused, DNS, connect timeout).
    #[error("the Data API could not be reached: {0}")]
    Unreachable(String),
    /// No answer within the (long) read timeout.
    #[error("the Data API did not answer in time ({0})")]
    Timeout(String),
    /// The connection broke before the answer was complete.
    #[error("the connection to the Data API broke ({0})")]
    Interrupted(String),
    /// The Data API refused the request: a wrong token or signature, a bad filter, ...
    #[error("the Data API refused the request: {code} {message}")]
    Rejected {
        http_status: u16,
        code: String,
        message: String,
        /// Boxed: keeps `Result<_, DataApiError>` small.
        raw: Box<Value>,
    },
    /// HTTP 5xx.
    #[error("the Data API failed with HTTP {http_status}")]
    ServerError { http_status: u16 },
    /// The answer's signature is missing or does not hold with the token's secret: it may be
    /// forged, so nothing in it is used.
    #[error("the Data API's answer is not signed with the token's secret (HTTP {http_status})")]
    BadSignature { http_status: u16 },
    /// The answer is not what the protocol describes (not JSON, no operations list, an
    /// operation without its ids, more entries than `limit`).
    #[error("the Data API's answer is malformed (HTTP {http_status}): {detail}")]
    Malformed { http_status: u16, detail: String },
    /// Paging did not end: a full page brought nothing new (the server ignores `offset`, or
    /// keeps answering the same entries), or the page ceiling was reached.
    #[error("paging the Data API did not end at offset {offset}: {detail}")]
    Paging { offset: u64, detail: String },
}

impl DataApiError {
    /// The gateway's code, when it refused the request with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            DataApiError::Rejected { code, .. } => Some(code),
            _ => None,
        }
    }

    /// Whether the token or its secret is what is wrong (the gateway's signature codes, or
    /// HTTP 401/403): ask the manager to enter them again.
    pub fn is_auth(&self) -> bool {
        match self {
            DataApiError::Rejected {
                http_status, code, ..
            } => {
                matches!(*http_status, 401 | 403)
                    || code == crate::gate::codes::INVALID_SIGNATURE
                    || code == crate::gate::codes::EMPTY_SIGNATURE
            }
            _ => false,
        }
    }
}

impl From<TransportError> for DataApiError {
    fn from(e: TransportError) -> Self {
        match e {
            TransportError::NotConnected(d) => DataApiError::Unreachable(d),
            TransportError::Timeout(d) => DataApiError::Timeout(d),
            TransportError::Broken(d) => DataApiError::Interrupted(d),
        }
    }
}
