//! Identifiers that cross the wire, as newtypes so they cannot be mixed up.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// The merchant's project id at ECommPay (`general.project_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProjectId(u64);

impl ProjectId {
    pub fn new(id: u64) -> Result<ProjectId, IdError> {
        if id == 0 {
            Err(IdError::ZeroProject)
        } else {
            Ok(ProjectId(id))
        }
    }
    pub fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for ProjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The merchant's payment id: unique within the project, and the only idempotency key the Gate
/// has. [open] The public docs give no maximum length; 255 is the limit we enforce
/// ([`PaymentId::MAX_LEN`]), and we restrict the alphabet to what survives every URL, CSV and
/// log unescaped.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PaymentId(String);

impl PaymentId {
    pub const MAX_LEN: usize = 255;

    pub fn new(id: impl Into<String>) -> Result<PaymentId, IdError> {
        let id = id.into();
        if id.is_empty() {
            return Err(IdError::EmptyPaymentId);
        }
        if id.len() > Self::MAX_LEN {
            return Err(IdError::PaymentIdTooLong(id.len()));
        }
        if !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        {
            return Err(IdError::PaymentIdCharacters);
        }
        Ok(PaymentId(id))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PaymentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The customer id sent with a payment (`customer.id`). A payout must name the customer that
/// the card was saved with.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CustomerId(String);

impl CustomerId {
    pub const MAX_LEN: usize = 255;

    pub fn new(id: impl Into<String>) -> Result<CustomerId, IdError> {
        let id = id.into();
        if id.trim().is_empty() {
            return Err(IdError::EmptyCustomerId);
        }
        if id.len() > Self::MAX_LEN {
            return Err(IdError::CustomerIdTooLong(id.len()));
        }
        Ok(CustomerId(id))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The card identifier a successful sale returns in `account.number`, which a payout sends back.
///
/// It is what moves money to a person's card, so it is treated like a secret: `Debug` shows only
/// a short fingerprint, there is no `Serialize`/`Display`, and the text is wiped on drop. The
/// till stores it encrypted and never shows it; people see the masked card number instead.
#[derive(Clone, PartialEq, Eq)]
pub struct CardToken(Zeroizing<String>);

impl CardToken {
    /// [open] No maximum length is documented; 512 bytes is generous for an opaque token.
    pub const MAX_LEN: usize = 512;

    pub fn new(token: impl Into<String>) -> Result<CardToken, IdError> {
        let token = Zeroizing::new(token.into());
        if token.trim().is_empty() {
            return Err(IdError::EmptyCardToken);
        }
        if token.len() > Self::MAX_LEN {
            return Err(IdError::CardTokenTooLong);
        }
        Ok(CardToken(token))
    }

    /// The token's text, for a payout body or for encryption at rest. Named so that every use
    /// stands out in review.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A short, stable, non-reversible tag for logs and tests (first 8 hex digits of SHA-256).
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.0.as_bytes());
        digest[..4].iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl fmt::Debug for CardToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardToken(#{})", self.fingerprint())
    }
}

/// The gateway's id of one request (`request_id` in the answer, `operation.request_id` later).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RequestId(String);

impl RequestId {
    pub fn new(id: impl Into<String>) -> Result<RequestId, IdError> {
        let id = id.into();
        if id.is_empty() {
            Err(IdError::EmptyRequestId)
        } else {
            Ok(RequestId(id))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A malformed identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("the project id must be a positive number")]
    ZeroProject,
    #[error("the payment id is empty")]
    EmptyPaymentId,
    #[error("the payment id is {0} bytes long; at most 255 are allowed")]
    PaymentIdTooLong(usize),
    #[error("the payment id may contain only letters, digits, '-', '_' and '.'")]
    PaymentIdCharacters,
    #[error("the customer id is empty")]
    EmptyCustomerId,
    #[error("the customer id is {0} bytes long; at most 255 are allowed")]
    CustomerIdTooLong(usize),
    #[error("the card identifier (account.number) is empty")]
    EmptyCardToken,
    #[error("the card identifier (account.number) is too long")]
    CardTokenTooLong,
    #[error("the request id is empty")]
    EmptyRequestId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payment_id_rules() {
        assert!(PaymentId::new("T1-20261127-000001").is_ok());
        assert_eq!(PaymentId::new(""), Err(IdError::EmptyPaymentId));
        assert_eq!(
            PaymentId::new("x".repeat(256)),
            Err(IdError::PaymentIdTooLong(256))
        );
        assert!(PaymentId::new("x".repeat(255)).is_ok());
        assert_eq!(PaymentId::new("a b"), Err(IdError::PaymentIdCharacters));
    }

    #[test]
    fn card_token_never_prints() {
        let t = CardToken::new("1743-3223966A2D514183B2584F543").unwrap();
        let shown = format!("{t:?}");
        assert!(!shown.contains("3223966"), "{shown}");
        assert_eq!(t.fingerprint().len(), 8);
        assert_eq!(CardToken::new("  "), Err(IdError::EmptyCardToken));
    }
}
