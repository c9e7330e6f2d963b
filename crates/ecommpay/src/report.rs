//! What the gateway says about a payment, from a callback or a status answer (protocol doc
//! sections 2 and 4). A callback carries one `operation`; a status answer, as ECommPay's own
//! plugins model it, carries `operations` (an array, latest last): the latest one gives the
//! decline code and message, and a single `operation` is accepted there too. Parsed
//! defensively: every field is optional, numbers may come as strings, unknown fields stay in
//! [`PaymentReport::raw`].

use serde_json::Value;

use crate::{CardToken, PaymentStatus, RedirectData};

/// One operation inside a payment (`operation`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Operation {
    pub id: Option<String>,
    pub kind: Option<String>,
    pub status: Option<PaymentStatus>,
    pub request_id: Option<String>,
    /// The result code (`"0"` success, `"20105"` insufficient funds, ...), as text.
    pub code: Option<String>,
    pub message: Option<String>,
}

/// A payment as one gateway message describes it.
#[derive(Debug, Clone)]
pub struct PaymentReport {
    pub project_id: Option<u64>,
    /// `payment.id`: our payment id.
    pub payment_id: Option<String>,
    /// `payment.type`: `purchase` for a sale, `payout`.
    pub payment_type: Option<String>,
    pub status: Option<PaymentStatus>,
    /// `payment.sum.amount` in tiyin, when it is an integer.
    pub amount: Option<i64>,
    pub currency: Option<String>,
    pub customer_id: Option<String>,
    /// The latest operation: `operation` of a callback, or the last of a status answer's
    /// `operations`.
    pub operation: Option<Operation>,
    /// Every operation the message lists (`operations[]`, or the single `operation`), in the
    /// gateway's order.
    pub operations: Vec<Operation>,
    /// `account.number`: the card identifier for later payouts.
    pub card_token: Option<CardToken>,
    /// `provider_extra_fields.masked_card`, e.g. `411111******1111`.
    pub masked_card: Option<String>,
    pub redirect: Option<RedirectData>,
    /// `errors[]` of a status answer (code and message of each).
    pub errors: Vec<(String, String)>,
    /// The whole message as received. It may hold `account.number`: see [`redact`] before
    /// storing or showing it.
    pub raw: Value,
}

/// A JSON scalar as text: strings as they are, numbers in decimal. The gateway writes codes and
/// ids sometimes as numbers, sometimes as strings.
pub(crate) fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_owned()),
        _ => None,
    }
}

/// An integer that may come as a JSON integer or as a string of digits. Floats are refused.
pub(crate) fn integer(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl PaymentReport {
    pub fn from_value(raw: Value) -> PaymentReport {
        let payment = raw.get("payment");
        let parse_op = |o: &Value| Operation {
            id: text(o.get("id")),
            kind: text(o.get("type")),
            status: text(o.get("status")).map(PaymentStatus::from),
            request_id: text(o.get("request_id")),
            code: text(o.get("code")),
            message: text(o.get("message")),
        };
        let mut operations: Vec<Operation> = raw
            .get("operations")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter(|o| o.is_object())
                    .map(parse_op)
                    .collect()
            })
            .unwrap_or_default();
        if operations.is_empty() {
            if let Some(o) = raw.get("operation").filter(|o| o.is_object()) {
                operations.push(parse_op(o));
            }
        }
        let operation = operations.last().cloned();
        let project_id = integer(raw.get("project_id"))
            .or_else(|| integer(raw.pointer("/general/project_id")))
            .and_then(|p| u64::try_from(p).ok());
        let errors = raw
            .get("errors")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .map(|e| {
                        (
                            text(e.get("code")).unwrap_or_default(),
                            text(e.get("message")).unwrap_or_default(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        PaymentReport {
            project_id,
            payment_id: text(payment.and_then(|p| p.get("id")))
                .or_else(|| text(raw.pointer("/general/payment_id"))),
            payment_type: text(payment.and_then(|p| p.get("type"))),
            status: text(payment.and_then(|p| p.get("status"))).map(PaymentStatus::from),
            amount: integer(payment.and_then(|p| p.pointer("/sum/amount"))),
            currency: text(payment.and_then(|p| p.pointer("/sum/currency"))),
            customer_id: text(raw.pointer("/customer/id")),
            operation,
            operations,
            card_token: text(raw.pointer("/account/number")).and_then(|t| CardToken::new(t).ok()),
            masked_card: text(raw.pointer("/provider_extra_fields/masked_card"))
                .filter(|m| !m.is_empty()),
            redirect: RedirectData::find(&raw),
            errors,
            raw,
        }
    }

    /// Whether the message says the gateway knows no such payment: a status answer of HTTP 200
    /// with `payment.status` `error` and 3061 among `errors` (protocol doc section 2: the
    /// other placement of "unknown payment", besides an HTTP 4xx with `code` 3061).
    pub fn is_not_found(&self) -> bool {
        self.errors
            .iter()
            .any(|(code, _)| code == crate::gate::codes::TRANSACTION_NOT_FOUND)
            && !matches!(
                self.status.as_ref().map(PaymentStatus::finality),
                Some(crate::Finality::Success | crate::Finality::Pending)
            )
    }

    /// The decline or error code to show, from `operation.code` (else the first error).
    pub fn code(&self) -> Option<&str> {
        self.operation
            .as_ref()
            .and_then(|o| o.code.as_deref())
            .or_else(|| self.errors.first().map(|e| e.0.as_str()))
    }

    pub fn message(&self) -> Option<&str> {
        self.operation
            .as_ref()
            .and_then(|o| o.message.as_deref())
            .or_else(|| self.errors.first().map(|e| e.1.as_str()))
    }
}

/// A copy of a gateway message safe to store and show: every `account.number` (the full card
/// identifier) is replaced by `***#<fingerprint>`. Everything else is kept as it was.
pub fn redact(raw: &Value) -> Value {
    let mut v = raw.clone();
    redact_in_place(&mut v);
    v
}

fn redact_in_place(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if k == "account" {
                    if let Value::Object(acc) = child {
                        if let Some(n) = acc.get_mut("number") {
                            let fp = text(Some(n))
                                .and_then(|t| CardToken::new(t).ok())
                                .map(|t| t.fingerprint())
                                .unwrap_or_default();
                            *n = Value::String(format!("***#{fp}"));
                        }
                    }
                }
                redact_in_place(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_in_place),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn seed_success() -> Value {
        json!({"project_id":579,"payment":{"id":"307657677656546777","type":"purchase","status":"success","date":"2019-10-08T14:13:50+0000","method":"Card partner","sum":{"amount":100000,"currency":"UZS"},"description":""},"customer":{"id":"65465"},"account":{"number":"1743-3223966A2D...514183B2584F543"},"provider_extra_fields":{"masked_card":"411111******1111"},"operation":{"id":9708000007271_u64,"type":"sale","status":"success","date":"2019-10-08T14:13:50+0000","created_date":"2019-10-08T14:02:18+0000","request_id":"30d9d5d9d7966a8a74b44ba559b1a989f2cad321e2-00009709","sum_initial":{"amount":100000,"currency":"UZS"},"sum_converted":{"amount":100000,"currency":"UZS"},"code":"0","message":"Success","provider":{"id":1521,"payment_id":"632441","auth_code":"","date":"2019-10-08T14:02:19+0000"}},"signature":"x"})
    }

    #[test]
    fn parses_the_seed_callback() {
        let r = PaymentReport::from_value(seed_success());
        assert_eq!(r.project_id, Some(579));
        assert_eq!(r.payment_id.as_deref(), Some("307657677656546777"));
        assert_eq!(r.status, Some(PaymentStatus::Success));
        assert_eq!(r.amount, Some(100000));
        assert_eq!(r.currency.as_deref(), Some("UZS"));
        assert_eq!(r.masked_card.as_deref(), Some("411111******1111"));
        assert_eq!(
            r.card_token.unwrap().expose(),
            "1743-3223966A2D...514183B2584F543"
        );
        let op = r.operation.unwrap();
        assert_eq!(op.id.as_deref(), Some("9708000007271"));
        assert_eq!(op.code.as_deref(), Some("0"));
        assert_eq!(
            op.request_id.as_deref(),
            Some("30d9d5d9d7966a8a74b44ba559b1a989f2cad321e2-00009709")
        );
    }

    #[test]
    fn unknown_fields_and_statuses_are_kept() {
        let mut v = seed_success();
        v["payment"]["status"] = json!("something new");
        v["brand_new"] = json!({"x":1});
        let r = PaymentReport::from_value(v);
        assert_eq!(r.status, Some(PaymentStatus::Other("something new".into())));
        assert_eq!(r.raw["brand_new"]["x"], 1);
    }

    #[test]
    fn status_answers_list_operations_and_the_latest_counts() {
        let mut v = seed_success();
        let op = v["operation"].take();
        v.as_object_mut().unwrap().remove("operation");
        let mut first = op.clone();
        first["status"] = json!("awaiting redirect result");
        first["code"] = json!("");
        let mut last = op;
        last["status"] = json!("decline");
        last["code"] = json!(20105);
        last["message"] = json!("Insufficient funds");
        v["operations"] = json!([first, last]);
        v["errors"] = json!([]);
        let r = PaymentReport::from_value(v);
        assert_eq!(r.operations.len(), 2);
        assert_eq!(r.code(), Some("20105"));
        assert_eq!(r.message(), Some("Insufficient funds"));
        assert!(!r.is_not_found());
    }

    #[test]
    fn an_error_status_with_3061_is_not_found() {
        let v = json!({"payment":{"status":"error"},"errors":[{"code":3061,"message":"Transaction not found"}]});
        let r = PaymentReport::from_value(v);
        assert!(r.is_not_found());
        let other = json!({"payment":{"status":"error"},"errors":[{"code":2004,"message":"x"}]});
        assert!(!PaymentReport::from_value(other).is_not_found());
    }

    #[test]
    fn float_amounts_are_not_taken() {
        let mut v = seed_success();
        v["payment"]["sum"]["amount"] = json!(1000.5);
        assert_eq!(PaymentReport::from_value(v).amount, None);
    }

    #[test]
    fn redact_hides_every_account_number() {
        let v = json!({"account":{"number":"SECRET-TOKEN-1"},"list":[{"account":{"number":"SECRET-TOKEN-2"}}],"other":"kept"});
        let text = redact(&v).to_string();
        assert!(!text.contains("SECRET-TOKEN"), "{text}");
        assert!(text.contains("***#"));
        assert!(text.contains("kept"));
    }
}
