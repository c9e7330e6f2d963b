//! The JSON bodies that describe a payment: the callback (one `operation`), the
//! `/v2/payment/status` answer in either shape ([`StatusShape`]), the redirect data in its
//! layouts, and the `payment_error` placement of 3061. All unsigned; the caller signs.
//!
//! No member is ever `null`: the official JS SDK's callback class crashes on nulls, and the
//! seed never shows one. Members not known yet (`account`, `provider_extra_fields`) are left
//! out rather than sent empty.

use serde_json::{json, Map, Value};

use crate::clock::gateway_date;
use crate::codes;
use crate::config::{RedirectMethod, SandboxConfig, StatusShape};
use crate::payment::{status, Payment, METHOD, PROVIDER_ID};

impl Payment {
    /// The redirect data of a waiting sale (doc section 3): `{"method":"GET","url",
    /// "body":{}}` as in the seed; `body` `[]` with [`SandboxConfig::redirect_body_array`]; a
    /// `POST` carries the form field the page needs; `"encrypted": []` added with
    /// [`SandboxConfig::redirect_encrypted`].
    pub fn redirect_data(&self, public_base: &str, cfg: &SandboxConfig) -> Option<Value> {
        if self.status != status::AWAITING_REDIRECT {
            return None;
        }
        let url = self.bot_url(public_base)?;
        let mut rd = match cfg.redirect_method {
            RedirectMethod::Get => {
                let body = if cfg.redirect_body_array {
                    json!([])
                } else {
                    json!({})
                };
                json!({"method": "GET", "url": url, "body": body})
            }
            RedirectMethod::Post => {
                json!({"method": "POST", "url": url, "body": {"payment_id": self.id}})
            }
        };
        if cfg.redirect_encrypted {
            rd["encrypted"] = json!([]);
        }
        Some(rd)
    }

    /// The payment's one operation (a sale or a payout), as callbacks carry it in `operation`
    /// and status answers in `operations`.
    fn operation(&self) -> Value {
        let sum = self.sum();
        json!({
            "id": self.operation_id,
            "type": self.kind.operation_type(),
            "status": self.status,
            "date": gateway_date(self.updated),
            "created_date": gateway_date(self.created),
            "request_id": self.request_id,
            "sum_initial": sum,
            "sum_converted": sum,
            "code": self.code.to_string(),
            "message": codes::message(self.code),
            "provider": {
                "id": PROVIDER_ID,
                "payment_id": self.provider_payment_id,
                "auth_code": "",
                "date": gateway_date(self.created),
            },
        })
    }

    /// The payment's operations, oldest first. A card partner sale or payout is one operation
    /// whose status moves forward (its `id` stays), so the list has one entry; the last one
    /// is the one a reader takes the code and message from.
    fn operations(&self) -> Vec<Value> {
        vec![self.operation()]
    }

    fn sum(&self) -> Value {
        json!({"amount": self.amount, "currency": self.currency})
    }

    /// `project_id`, `payment`, `customer`, and `account` / `provider_extra_fields` once
    /// known: what callbacks and status answers share.
    fn common(&self, cfg: &SandboxConfig) -> Map<String, Value> {
        let mut body = Map::new();
        body.insert("project_id".into(), json!(cfg.project_id));
        body.insert(
            "payment".into(),
            json!({
                "id": self.id,
                "type": self.kind.payment_type(),
                "status": self.status,
                "date": gateway_date(self.updated),
                "method": METHOD,
                "sum": self.sum(),
                "description": self.description,
            }),
        );
        body.insert("customer".into(), json!({"id": self.customer_id}));
        if let Some(number) = &self.account_number {
            body.insert("account".into(), json!({"number": number}));
        }
        if let Some(masked) = &self.masked_card {
            body.insert(
                "provider_extra_fields".into(),
                json!({"masked_card": masked}),
            );
        }
        body
    }

    fn add_redirect(&self, body: &mut Map<String, Value>, cfg: &SandboxConfig, public: &str) {
        if let Some(rd) = self.redirect_data(public, cfg) {
            body.insert(cfg.redirect_key.key().into(), rd);
        }
    }

    /// The callback body (seed, doc section 4): the common part, one `operation`, and the
    /// redirect data while the sale waits.
    pub fn callback_body(&self, cfg: &SandboxConfig, public_base: &str) -> Value {
        let mut body = self.common(cfg);
        body.insert("operation".into(), self.operation());
        self.add_redirect(&mut body, cfg, public_base);
        Value::Object(body)
    }

    /// The `/v2/payment/status` answer: with [`StatusShape::Operations`] the common part,
    /// `operations` (array) and `errors` (`[]`); with [`StatusShape::Operation`] the
    /// callback's shape. The redirect data only with [`SandboxConfig::status_redirect_data`].
    pub fn status_body(&self, cfg: &SandboxConfig, public_base: &str) -> Value {
        let mut body = self.common(cfg);
        match cfg.status_shape {
            StatusShape::Operations => {
                body.insert("operations".into(), Value::Array(self.operations()));
                body.insert("errors".into(), json!([]));
            }
            StatusShape::Operation => {
                body.insert("operation".into(), self.operation());
            }
        }
        if cfg.status_redirect_data {
            self.add_redirect(&mut body, cfg, public_base);
        }
        Value::Object(body)
    }
}

/// The `payment_error` placement of 3061 (doc section 2, seen in a gateway stub): HTTP 200,
/// the code a JSON integer, unsigned (it carries no payment or customer details).
pub(crate) fn not_found_payment_error() -> Value {
    json!({
        "payment": {"status": "error"},
        "errors": [{"code": codes::NOT_FOUND, "message": codes::message(codes::NOT_FOUND)}],
    })
}
