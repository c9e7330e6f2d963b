//! What can go wrong with a Gate call, in the terms a payment engine must act on.

use serde_json::Value;

use super::request::RequestError;
use super::transport::TransportError;

/// One entry of a rejection's `errors` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub code: Option<String>,
    pub message: Option<String>,
    pub field: Option<String>,
    pub description: Option<String>,
}

/// A failed Gate call.
#[derive(Debug, Clone, thiserror::Error)]
pub enum GateError {
    /// Refused by our own checks; nothing was sent.
    #[error("invalid request: {0}")]
    Invalid(#[from] RequestError),
    /// Could not reach the gateway; nothing was sent. Safe to send again with the same
    /// `payment_id`.
    #[error("the gateway could not be reached: {0}")]
    Unreachable(String),
    /// No answer in time. The request may have arrived: ask for the status before sending again.
    #[error("the gateway did not answer in time; the request may have arrived ({0})")]
    Timeout(String),
    /// The connection broke after sending. The request may have arrived.
    #[error("the connection to the gateway broke; the request may have arrived ({0})")]
    Interrupted(String),
    /// The gateway refused the request with a code and message.
    #[error("the gateway refused the request: {code} {message}")]
    Rejected {
        http_status: u16,
        code: String,
        message: String,
        errors: Vec<FieldError>,
        /// Boxed: keeps `Result<_, GateError>` small on the happy path.
        raw: Box<Value>,
    },
    /// HTTP 5xx: the gateway failed; the request may or may not have been applied.
    #[error("the gateway failed with HTTP {http_status}")]
    ServerError {
        http_status: u16,
        raw: Option<Box<Value>>,
    },
    /// The answer is not what the protocol describes (not JSON, wrong shape).
    #[error("the gateway's answer is malformed (HTTP {http_status}): {detail}")]
    Malformed { http_status: u16, detail: String },
    /// The answer carried a signature that does not hold: it may be forged; ignore its content.
    #[error("the gateway's answer has a wrong signature (HTTP {http_status})")]
    BadSignature { http_status: u16, raw: Box<Value> },
}

impl GateError {
    /// Whether the request may have reached the gateway and been applied. When true, the only
    /// safe next step is a status request for the same `payment_id`.
    pub fn may_have_arrived(&self) -> bool {
        match self {
            GateError::Invalid(_) | GateError::Unreachable(_) => false,
            GateError::Rejected { .. } => false,
            GateError::Timeout(_)
            | GateError::Interrupted(_)
            | GateError::ServerError { .. }
            | GateError::Malformed { .. }
            | GateError::BadSignature { .. } => true,
        }
    }

    /// The gateway's error code, when it gave one.
    pub fn code(&self) -> Option<&str> {
        match self {
            GateError::Rejected { code, .. } => Some(code),
            _ => None,
        }
    }

    /// 3061: the gateway knows no payment with that id.
    pub fn is_not_found(&self) -> bool {
        self.code() == Some(codes::TRANSACTION_NOT_FOUND)
    }

    /// 3041: the payment id is already used (so an earlier send did arrive).
    pub fn is_duplicate(&self) -> bool {
        self.code() == Some(codes::PAYMENT_ID_EXISTS)
    }
}

impl From<TransportError> for GateError {
    fn from(e: TransportError) -> Self {
        match e {
            TransportError::NotConnected(d) => GateError::Unreachable(d),
            TransportError::Timeout(d) => GateError::Timeout(d),
            TransportError::Broken(d) => GateError::Interrupted(d),
        }
    }
}

/// Codes worth naming (protocol doc section 5).
pub mod codes {
    pub const SUCCESS: &str = "0";
    pub const PAYMENT_ID_EXISTS: &str = "3041";
    pub const TRANSACTION_NOT_FOUND: &str = "3061";
    pub const INVALID_SIGNATURE: &str = "3261";
    pub const EMPTY_SIGNATURE: &str = "3262";
    pub const REQUIRED_FIELD_MISSING: &str = "2004";
    pub const UNKNOWN_PROJECT: &str = "2442";
    pub const UNKNOWN_METHOD: &str = "2541";
    pub const CARD_TOKEN_NOT_FOUND: &str = "3221";
    pub const CUSTOMER_NOT_CARD_OWNER: &str = "3241";
    pub const MERCHANT_BALANCE_SHORT: &str = "504";
    pub const PAYOUT_ABOVE_LIMIT: &str = "904";
    pub const CUSTOMER_FUNDS_SHORT: &str = "20105";
    pub const CUSTOMER_CANCELLED: &str = "20301";
    pub const PROVIDER_TIMEOUT: &str = "20602";
    pub const PROVIDER_PROCESSING: &str = "20802";
    pub const PROVIDER_PROCESSING_2: &str = "20899";
}
