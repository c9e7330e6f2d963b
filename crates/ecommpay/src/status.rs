//! Payment statuses (protocol doc section 5). Unknown statuses are kept, never dropped.

use serde::{Deserialize, Serialize};

/// A payment's status as the gateway names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum PaymentStatus {
    Success,
    Decline,
    Processing,
    AwaitingRedirectResult,
    AwaitingCustomer,
    AwaitingCustomerAction,
    AwaitingClarification,
    ExternalProcessing,
    Error,
    InternalError,
    ExternalError,
    Expired,
    /// `canceled` or `cancelled`: the spelling varies.
    Cancelled,
    /// A status this build does not know, kept verbatim.
    Other(String),
}

/// Where a status leaves a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Finality {
    /// Money moved.
    Success,
    /// Final, and no money moved.
    Failed,
    /// Still going: keep following it.
    Pending,
    /// Not a status we know. Treated as pending (we keep asking until the limit) and shown.
    Unknown,
}

impl PaymentStatus {
    pub fn parse(s: &str) -> PaymentStatus {
        use PaymentStatus::*;
        match s.trim().to_ascii_lowercase().as_str() {
            "success" => Success,
            "decline" | "declined" => Decline,
            "processing" => Processing,
            "awaiting redirect result" => AwaitingRedirectResult,
            "awaiting customer" => AwaitingCustomer,
            "awaiting customer action" => AwaitingCustomerAction,
            "awaiting clarification" => AwaitingClarification,
            "external processing" => ExternalProcessing,
            "error" => Error,
            "internal error" => InternalError,
            "external error" => ExternalError,
            "expired" => Expired,
            "canceled" | "cancelled" => Cancelled,
            _ => Other(s.to_owned()),
        }
    }

    /// The gateway's spelling.
    pub fn as_str(&self) -> &str {
        use PaymentStatus::*;
        match self {
            Success => "success",
            Decline => "decline",
            Processing => "processing",
            AwaitingRedirectResult => "awaiting redirect result",
            AwaitingCustomer => "awaiting customer",
            AwaitingCustomerAction => "awaiting customer action",
            AwaitingClarification => "awaiting clarification",
            ExternalProcessing => "external processing",
            Error => "error",
            InternalError => "internal error",
            ExternalError => "external error",
            Expired => "expired",
            Cancelled => "cancelled",
            Other(s) => s,
        }
    }

    pub fn finality(&self) -> Finality {
        use PaymentStatus::*;
        match self {
            Success => Finality::Success,
            Decline | Error | InternalError | ExternalError | Expired | Cancelled => {
                Finality::Failed
            }
            Processing
            | AwaitingRedirectResult
            | AwaitingCustomer
            | AwaitingCustomerAction
            | AwaitingClarification
            | ExternalProcessing => Finality::Pending,
            Other(_) => Finality::Unknown,
        }
    }

    pub fn is_final(&self) -> bool {
        matches!(self.finality(), Finality::Success | Finality::Failed)
    }
}

impl From<String> for PaymentStatus {
    fn from(s: String) -> Self {
        PaymentStatus::parse(&s)
    }
}

impl From<PaymentStatus> for String {
    fn from(s: PaymentStatus) -> Self {
        s.as_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_finality() {
        assert_eq!(
            PaymentStatus::parse("success").finality(),
            Finality::Success
        );
        assert_eq!(PaymentStatus::parse("canceled"), PaymentStatus::Cancelled);
        assert_eq!(PaymentStatus::parse("cancelled"), PaymentStatus::Cancelled);
        assert_eq!(
            PaymentStatus::parse("awaiting redirect result").finality(),
            Finality::Pending
        );
        let odd = PaymentStatus::parse("partially reversed");
        assert_eq!(odd, PaymentStatus::Other("partially reversed".into()));
        assert_eq!(odd.as_str(), "partially reversed");
        assert_eq!(odd.finality(), Finality::Unknown);
        assert!(!odd.is_final());
    }
}
