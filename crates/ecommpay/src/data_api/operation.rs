//! One operation as the Data API lists it, typed, with the payment instrument masked before it
//! is kept anywhere (the typed fields and `raw` alike).

use serde_json::Value;

use super::time::LocalDateTime;
use super::wire;
use crate::report::text;
use crate::{CardToken, PaymentStatus, Tiyin};

/// The operation's type (`operation_type`): `sale` and `payout` are this method's; any other
/// is kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OperationType {
    Sale,
    Payout,
    Other(String),
}

impl OperationType {
    pub fn parse(s: &str) -> OperationType {
        match s.trim().to_ascii_lowercase().as_str() {
            "sale" => OperationType::Sale,
            "payout" => OperationType::Payout,
            _ => OperationType::Other(s.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            OperationType::Sale => "sale",
            OperationType::Payout => "payout",
            OperationType::Other(s) => s,
        }
    }
}

/// One operation of the answer. Unknown members stay in [`DataOperation::raw`].
#[derive(Debug, Clone, PartialEq)]
pub struct DataOperation {
    /// `payment_id`: the merchant's payment id (the till's, for this till's payments).
    pub payment_id: String,
    /// `operation_id`: the gateway's id of the operation, as text.
    pub operation_id: String,
    pub operation_type: Option<OperationType>,
    /// Unknown statuses are kept ([`PaymentStatus::Other`]).
    pub status: Option<PaymentStatus>,
    /// In tiyin. `None` when absent or not an integer of minor units (a float, `"150.00"`):
    /// never read that as zero; `raw` has what came.
    pub amount: Option<Tiyin>,
    pub currency: Option<String>,
    pub project_id: Option<u64>,
    /// Wall-clock time in the query's time zone.
    pub created_at: Option<LocalDateTime>,
    pub completed_at: Option<LocalDateTime>,
    /// The payment instrument, masked: `411111******1111` stays as it is, a full card number
    /// keeps its first six and last four digits, anything else becomes `***#<fingerprint>`.
    pub instrument: Option<String>,
    /// The operation object as received, with the instrument masked the same way (and any
    /// `account.number` redacted as [`crate::redact`] does).
    pub raw: Value,
}

/// Why an operation could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OperationError {
    NotAnObject,
    Missing(&'static str),
}

impl std::fmt::Display for OperationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OperationError::NotAnObject => f.write_str("an operation is not a JSON object"),
            OperationError::Missing(k) => write!(f, "an operation has no {k}"),
        }
    }
}

/// Masks a payment instrument so that no full card number or identifier is kept.
pub fn mask_instrument(value: &str) -> String {
    let v = value.trim();
    if v.contains('*') || v.contains('•') {
        // Already masked by the gateway.
        return v.to_owned();
    }
    let digits: String = v.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if (12..=19).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        let n = digits.len();
        return format!("{}{}{}", &digits[..6], "*".repeat(n - 10), &digits[n - 4..]);
    }
    match CardToken::new(v) {
        Ok(t) => format!("***#{}", t.fingerprint()),
        Err(_) => String::new(),
    }
}

/// An integer of minor units, as a JSON integer or a string of digits; floats are refused.
fn minor_units(v: Option<&Value>) -> Option<Tiyin> {
    let n = match v? {
        Value::Number(n) => n.as_i64()?,
        Value::String(s) => {
            let s = s.trim();
            let digits = s.strip_prefix('-').unwrap_or(s);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            s.parse().ok()?
        }
        _ => return None,
    };
    Some(Tiyin::new(n))
}

impl DataOperation {
    pub(crate) fn from_value(v: &Value) -> Result<DataOperation, OperationError> {
        if !v.is_object() {
            return Err(OperationError::NotAnObject);
        }
        let mut raw = crate::redact(v);
        let instrument = text(raw.get(wire::OP_INSTRUMENT))
            .filter(|s| !s.trim().is_empty())
            .map(|s| mask_instrument(&s));
        if let (Some(masked), Some(slot)) = (&instrument, raw.get_mut(wire::OP_INSTRUMENT)) {
            *slot = Value::String(masked.clone());
        }
        let required = |key: &'static str| {
            text(raw.get(key))
                .filter(|s| !s.is_empty())
                .ok_or(OperationError::Missing(key))
        };
        let payment_id = required(wire::OP_PAYMENT_ID)?;
        let operation_id = required(wire::OP_ID)?;
        let sum = raw.get(wire::OP_SUM);
        let date = |key| text(raw.get(key)).and_then(|s| LocalDateTime::parse(&s).ok());
        Ok(DataOperation {
            payment_id,
            operation_id,
            operation_type: text(raw.get(wire::OP_TYPE)).map(|t| OperationType::parse(&t)),
            status: text(raw.get(wire::OP_STATUS)).map(PaymentStatus::from),
            amount: minor_units(sum.and_then(|s| s.get(wire::SUM_AMOUNT))),
            currency: text(sum.and_then(|s| s.get(wire::SUM_CURRENCY))),
            project_id: crate::report::integer(raw.get(wire::OP_PROJECT_ID))
                .and_then(|p| u64::try_from(p).ok()),
            created_at: date(wire::OP_CREATED_AT),
            completed_at: date(wire::OP_COMPLETED_AT),
            instrument,
            raw,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_an_operation_and_keeps_unknown_members() {
        let op = DataOperation::from_value(&json!({
            "project_id": 198, "operation_id": 9708000000017_u64, "payment_id": "T1-S1",
            "operation_type": "sale", "operation_status": "success",
            "operation_created_at": "2026-12-01 10:00:00", "operation_completed_at": "2026-12-01 10:01:30",
            "sum_initial": {"amount": 1500000, "currency": "UZS"},
            "account_number": "411111******1111", "rrn": "123456789012",
        }))
        .unwrap();
        assert_eq!(op.payment_id, "T1-S1");
        assert_eq!(op.operation_id, "9708000000017");
        assert_eq!(op.operation_type, Some(OperationType::Sale));
        assert_eq!(op.status, Some(PaymentStatus::Success));
        assert_eq!(op.amount, Some(Tiyin::new(1_500_000)));
        assert_eq!(op.currency.as_deref(), Some("UZS"));
        assert_eq!(op.project_id, Some(198));
        assert_eq!(op.created_at.unwrap().to_string(), "2026-12-01 10:00:00");
        assert_eq!(op.completed_at.unwrap().to_string(), "2026-12-01 10:01:30");
        assert_eq!(op.instrument.as_deref(), Some("411111******1111"));
        assert_eq!(op.raw["rrn"], "123456789012");
    }

    #[test]
    fn amounts_are_integers_of_minor_units_or_nothing() {
        let with = |amount: Value| {
            DataOperation::from_value(
                &json!({"payment_id":"p","operation_id":1,"sum_initial":{"amount":amount}}),
            )
            .unwrap()
            .amount
        };
        assert_eq!(with(json!(250)), Some(Tiyin::new(250)));
        assert_eq!(with(json!("250")), Some(Tiyin::new(250)));
        assert_eq!(with(json!(2.5)), None);
        assert_eq!(with(json!("2.50")), None);
        assert_eq!(with(json!(null)), None);
        assert_eq!(with(json!("")), None);
    }

    #[test]
    fn a_full_card_number_or_identifier_is_never_kept() {
        let full = "4111 1111 1111 1111";
        let token = "1743-3223966A2D514183B2584F543";
        for (given, shown) in [
            (full, "411111******1111".to_owned()),
            (
                token,
                format!("***#{}", CardToken::new(token).unwrap().fingerprint()),
            ),
        ] {
            let op = DataOperation::from_value(&json!({
                "payment_id": "p", "operation_id": "1", "account_number": given,
                "account": {"number": token},
            }))
            .unwrap();
            assert_eq!(op.instrument.as_deref(), Some(shown.as_str()));
            let printed = format!("{op:?}");
            assert!(
                !printed.contains("1111 1111") && !printed.contains("4111111111111111"),
                "{printed}"
            );
            assert!(!printed.contains("3223966A2D"), "{printed}");
            assert_eq!(op.raw["account_number"], json!(shown));
        }
    }

    #[test]
    fn an_operation_without_its_ids_is_refused() {
        assert_eq!(
            DataOperation::from_value(&json!({"operation_id": 1})).unwrap_err(),
            OperationError::Missing("payment_id")
        );
        assert_eq!(
            DataOperation::from_value(&json!({"payment_id": "p"})).unwrap_err(),
            OperationError::Missing("operation_id")
        );
        assert_eq!(
            DataOperation::from_value(&json!([1])).unwrap_err(),
            OperationError::NotAnObject
        );
        assert_eq!(
            OperationType::parse("refund"),
            OperationType::Other("refund".into())
        );
    }
}
