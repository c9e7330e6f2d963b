//! Typed Gate requests. A request only *describes* a call (path and unsigned body); the
//! [`GateClient`](super::GateClient) signs it and a [`Transport`](super::Transport) sends it.
//! Builders refuse bad input before anything touches the network.

use std::net::IpAddr;

use serde_json::{json, Map, Value};

use crate::ids::{CardToken, CustomerId, IdError, PaymentId, ProjectId, RequestId};
use crate::money::{AmountError, Currency, Tiyin};

/// Gate paths (protocol doc section 2).
pub mod paths {
    pub const SALE: &str = "/v2/payment/card-partner/sale";
    pub const PAYOUT: &str = "/v2/payment/card-partner/payout";
    pub const STATUS: &str = "/v2/payment/status";
    pub const STATUS_BY_REQUEST: &str = "/v2/payment/status/request";
}

/// `payment.extra_param` for a sale: the seed says the partner needs `uzcard`.
pub const SALE_EXTRA_PARAM: &str = "uzcard";
/// The gateway's documented upper bound for `callback.delay`.
pub const MAX_CALLBACK_DELAY_SECS: u32 = 600;
/// [open] No documented limit on `payment.description`; we keep it short enough for any
/// bank statement.
pub const MAX_DESCRIPTION_CHARS: usize = 255;

/// Where a request carries its signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignaturePlace {
    /// `general.signature` (sale, payout, status).
    General,
    /// Top-level `signature` (status by request id).
    Top,
}

/// A call the Gate understands.
pub trait GateCall {
    /// The path under the base URL.
    fn path(&self) -> &'static str;
    /// The unsigned JSON body.
    fn body(&self, project: ProjectId) -> Value;
    fn signature_place(&self) -> SignaturePlace {
        SignaturePlace::General
    }
}

/// Why a request was refused before sending.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("{0} is required")]
    Missing(&'static str),
    #[error(transparent)]
    Id(#[from] IdError),
    #[error("amount: {0}")]
    Amount(#[from] AmountError),
    #[error("only UZS is accepted by this method, not {0:?}")]
    Currency(String),
    #[error("customer IP address {0:?} is not an IP address")]
    Ip(String),
    #[error("the description is longer than {MAX_DESCRIPTION_CHARS} characters")]
    DescriptionTooLong,
    #[error("the callback URL must be an http(s) URL")]
    CallbackUrl,
    #[error("callback.delay may be at most {MAX_CALLBACK_DELAY_SECS} seconds")]
    CallbackDelay,
}

/// Options every payment request may carry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Common {
    description: Option<String>,
    callback_url: Option<String>,
    callback_delay_secs: Option<u32>,
    callbacks_disabled: bool,
}

impl Common {
    fn validate(&self) -> Result<(), RequestError> {
        if let Some(d) = &self.description {
            if d.chars().count() > MAX_DESCRIPTION_CHARS {
                return Err(RequestError::DescriptionTooLong);
            }
        }
        if let Some(u) = &self.callback_url {
            if !(u.starts_with("https://") || u.starts_with("http://")) {
                return Err(RequestError::CallbackUrl);
            }
        }
        if self
            .callback_delay_secs
            .is_some_and(|d| d > MAX_CALLBACK_DELAY_SECS)
        {
            return Err(RequestError::CallbackDelay);
        }
        Ok(())
    }

    fn apply(&self, body: &mut Map<String, Value>) {
        if let Some(url) = &self.callback_url {
            body["general"]["merchant_callback_url"] = json!(url);
        }
        if let Some(d) = &self.description {
            body["payment"]["description"] = json!(d);
        }
        let mut callback = Map::new();
        if let Some(delay) = self.callback_delay_secs {
            callback.insert("delay".into(), json!(delay));
        }
        if self.callbacks_disabled {
            callback.insert("force_disable".into(), json!(1));
        }
        if !callback.is_empty() {
            body.insert("callback".into(), Value::Object(callback));
        }
    }
}

/// Raw inputs collected by a builder; validated in `build`.
#[derive(Debug, Clone, Default)]
struct Draft {
    payment_id: Option<String>,
    amount: Option<i64>,
    currency: Option<String>,
    customer_id: Option<String>,
    customer_ip: Option<String>,
    common: Common,
}

struct Validated {
    payment_id: PaymentId,
    amount: Tiyin,
    customer_id: CustomerId,
    customer_ip: IpAddr,
}

impl Draft {
    fn validate(&self) -> Result<Validated, RequestError> {
        let payment_id = PaymentId::new(
            self.payment_id
                .clone()
                .ok_or(RequestError::Missing("payment_id"))?,
        )?;
        let amount = Tiyin::positive(self.amount.ok_or(RequestError::Missing("amount"))?)?;
        let currency = self.currency.as_deref().unwrap_or("UZS");
        if Currency::parse(currency).is_none() {
            return Err(RequestError::Currency(currency.to_owned()));
        }
        let customer_id = CustomerId::new(
            self.customer_id
                .clone()
                .ok_or(RequestError::Missing("customer.id"))?,
        )?;
        let ip_text = self
            .customer_ip
            .as_deref()
            .ok_or(RequestError::Missing("customer.ip_address"))?;
        let customer_ip = ip_text
            .trim()
            .parse()
            .map_err(|_| RequestError::Ip(ip_text.to_owned()))?;
        self.common.validate()?;
        Ok(Validated {
            payment_id,
            amount,
            customer_id,
            customer_ip,
        })
    }
}

macro_rules! draft_setters {
    () => {
        pub fn payment_id(mut self, id: impl Into<String>) -> Self {
            self.draft.payment_id = Some(id.into());
            self
        }
        /// The amount in tiyin (1/100 so'm): must be a positive integer.
        pub fn amount_tiyin(mut self, tiyin: i64) -> Self {
            self.draft.amount = Some(tiyin);
            self
        }
        /// Defaults to `UZS`; anything else is refused.
        pub fn currency(mut self, code: impl Into<String>) -> Self {
            self.draft.currency = Some(code.into());
            self
        }
        pub fn customer(mut self, id: impl Into<String>, ip_address: impl Into<String>) -> Self {
            self.draft.customer_id = Some(id.into());
            self.draft.customer_ip = Some(ip_address.into());
            self
        }
        pub fn description(mut self, text: impl Into<String>) -> Self {
            self.draft.common.description = Some(text.into());
            self
        }
        /// `general.merchant_callback_url`.
        pub fn callback_url(mut self, url: impl Into<String>) -> Self {
            self.draft.common.callback_url = Some(url.into());
            self
        }
        /// `callback.delay` in seconds (at most 600).
        pub fn callback_delay_secs(mut self, secs: u32) -> Self {
            self.draft.common.callback_delay_secs = Some(secs);
            self
        }
        /// `callback.force_disable = 1`.
        pub fn disable_callbacks(mut self) -> Self {
            self.draft.common.callbacks_disabled = true;
            self
        }
    };
}

/// `POST /v2/payment/card-partner/sale`.
#[derive(Debug, Clone)]
pub struct SaleRequest {
    pub payment_id: PaymentId,
    pub amount: Tiyin,
    pub customer_id: CustomerId,
    pub customer_ip: IpAddr,
    common: Common,
}

#[derive(Debug, Clone, Default)]
pub struct SaleBuilder {
    draft: Draft,
}

impl SaleRequest {
    pub fn builder() -> SaleBuilder {
        SaleBuilder::default()
    }
}

impl SaleBuilder {
    draft_setters!();

    pub fn build(self) -> Result<SaleRequest, RequestError> {
        let v = self.draft.validate()?;
        Ok(SaleRequest {
            payment_id: v.payment_id,
            amount: v.amount,
            customer_id: v.customer_id,
            customer_ip: v.customer_ip,
            common: self.draft.common,
        })
    }
}

fn payment_body(
    project: ProjectId,
    payment_id: &PaymentId,
    customer_id: &CustomerId,
    ip: &IpAddr,
    amount: Tiyin,
) -> Map<String, Value> {
    let v = json!({
        "general": {"project_id": project.get(), "payment_id": payment_id.as_str()},
        "customer": {"id": customer_id.as_str(), "ip_address": ip.to_string()},
        "payment": {"amount": amount.get(), "currency": Currency::Uzs.code()},
    });
    match v {
        Value::Object(m) => m,
        _ => unreachable!("json! object literal"),
    }
}

impl GateCall for SaleRequest {
    fn path(&self) -> &'static str {
        paths::SALE
    }
    fn body(&self, project: ProjectId) -> Value {
        let mut b = payment_body(
            project,
            &self.payment_id,
            &self.customer_id,
            &self.customer_ip,
            self.amount,
        );
        b["payment"]["extra_param"] = json!(SALE_EXTRA_PARAM);
        self.common.apply(&mut b);
        Value::Object(b)
    }
}

/// `POST /v2/payment/card-partner/payout`: money back to a card a sale returned.
#[derive(Debug, Clone)]
pub struct PayoutRequest {
    pub payment_id: PaymentId,
    pub amount: Tiyin,
    pub customer_id: CustomerId,
    pub customer_ip: IpAddr,
    pub card: CardToken,
    common: Common,
}

#[derive(Debug, Clone, Default)]
pub struct PayoutBuilder {
    draft: Draft,
    card: Option<String>,
}

impl PayoutRequest {
    pub fn builder() -> PayoutBuilder {
        PayoutBuilder::default()
    }
}

impl PayoutBuilder {
    draft_setters!();

    /// `account.number`: the card identifier from the sale's callback.
    pub fn card(mut self, token: &CardToken) -> Self {
        self.card = Some(token.expose().to_owned());
        self
    }

    /// `account.number` from text (for the CLI and tests); checked in `build`.
    pub fn card_text(mut self, token: impl Into<String>) -> Self {
        self.card = Some(token.into());
        self
    }

    pub fn build(self) -> Result<PayoutRequest, RequestError> {
        let v = self.draft.validate()?;
        let card = CardToken::new(self.card.ok_or(RequestError::Missing("account.number"))?)?;
        Ok(PayoutRequest {
            payment_id: v.payment_id,
            amount: v.amount,
            customer_id: v.customer_id,
            customer_ip: v.customer_ip,
            card,
            common: self.draft.common,
        })
    }
}

impl GateCall for PayoutRequest {
    fn path(&self) -> &'static str {
        paths::PAYOUT
    }
    fn body(&self, project: ProjectId) -> Value {
        let mut b = payment_body(
            project,
            &self.payment_id,
            &self.customer_id,
            &self.customer_ip,
            self.amount,
        );
        b.insert("account".into(), json!({"number": self.card.expose()}));
        self.common.apply(&mut b);
        Value::Object(b)
    }
}

/// `POST /v2/payment/status`: the state of one payment by our payment id.
#[derive(Debug, Clone)]
pub struct StatusRequest {
    pub payment_id: PaymentId,
}

impl StatusRequest {
    pub fn new(payment_id: &str) -> Result<StatusRequest, RequestError> {
        Ok(StatusRequest {
            payment_id: PaymentId::new(payment_id)?,
        })
    }
}

impl GateCall for StatusRequest {
    fn path(&self) -> &'static str {
        paths::STATUS
    }
    fn body(&self, project: ProjectId) -> Value {
        json!({"general": {"project_id": project.get(), "payment_id": self.payment_id.as_str()}})
    }
}

/// `POST /v2/payment/status/request`: what became of one request.
/// [open] The layout (`project_id`, `request_id`, top-level `signature`) is seen only in
/// third-party code.
#[derive(Debug, Clone)]
pub struct RequestStatusRequest {
    pub request_id: RequestId,
}

impl RequestStatusRequest {
    pub fn new(request_id: &str) -> Result<RequestStatusRequest, RequestError> {
        Ok(RequestStatusRequest {
            request_id: RequestId::new(request_id)?,
        })
    }
}

impl GateCall for RequestStatusRequest {
    fn path(&self) -> &'static str {
        paths::STATUS_BY_REQUEST
    }
    fn body(&self, project: ProjectId) -> Value {
        json!({"project_id": project.get(), "request_id": self.request_id.as_str()})
    }
    fn signature_place(&self) -> SignaturePlace {
        SignaturePlace::Top
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> ProjectId {
        ProjectId::new(198).unwrap()
    }

    fn sale() -> SaleBuilder {
        SaleRequest::builder()
            .payment_id("T1-000001")
            .amount_tiyin(1_500_000)
            .customer("cust-1", "1.2.3.4")
    }

    #[test]
    fn sale_body_matches_the_seed_layout() {
        let body = sale()
            .description("Chek 12")
            .build()
            .unwrap()
            .body(project());
        assert_eq!(
            body,
            json!({"general":{"project_id":198,"payment_id":"T1-000001"},"customer":{"id":"cust-1","ip_address":"1.2.3.4"},"payment":{"amount":1500000,"currency":"UZS","extra_param":"uzcard","description":"Chek 12"}})
        );
    }

    #[test]
    fn refuses_bad_input_before_sending() {
        assert_eq!(
            sale().currency("USD").build().unwrap_err(),
            RequestError::Currency("USD".into())
        );
        assert_eq!(
            sale().amount_tiyin(0).build().unwrap_err(),
            RequestError::Amount(AmountError::NotPositive)
        );
        assert_eq!(
            sale().amount_tiyin(-5).build().unwrap_err(),
            RequestError::Amount(AmountError::NotPositive)
        );
        assert_eq!(
            sale().payment_id("").build().unwrap_err(),
            RequestError::Id(IdError::EmptyPaymentId)
        );
        assert_eq!(
            sale().payment_id("x".repeat(256)).build().unwrap_err(),
            RequestError::Id(IdError::PaymentIdTooLong(256))
        );
        assert_eq!(
            SaleRequest::builder().amount_tiyin(1).build().unwrap_err(),
            RequestError::Missing("payment_id")
        );
        assert_eq!(
            sale().customer("c", "not-an-ip").build().unwrap_err(),
            RequestError::Ip("not-an-ip".into())
        );
        assert_eq!(
            sale().callback_url("ftp://x").build().unwrap_err(),
            RequestError::CallbackUrl
        );
        assert_eq!(
            sale().callback_delay_secs(601).build().unwrap_err(),
            RequestError::CallbackDelay
        );
    }

    #[test]
    fn payout_needs_a_card() {
        let base = PayoutRequest::builder()
            .payment_id("P-1")
            .amount_tiyin(250_000)
            .customer("cust-77", "198.51.100.47");
        assert_eq!(
            base.clone().build().unwrap_err(),
            RequestError::Missing("account.number")
        );
        assert_eq!(
            base.clone().card_text("").build().unwrap_err(),
            RequestError::Id(IdError::EmptyCardToken)
        );
        let body = base
            .card_text("5bf0e7c1f0d64f0ba5cb0f9e1c1e2a3b")
            .callback_url("https://shop.example/cb")
            .disable_callbacks()
            .build()
            .unwrap()
            .body(project());
        assert_eq!(
            body["account"]["number"],
            "5bf0e7c1f0d64f0ba5cb0f9e1c1e2a3b"
        );
        assert_eq!(
            body["general"]["merchant_callback_url"],
            "https://shop.example/cb"
        );
        assert_eq!(body["callback"]["force_disable"], 1);
        assert!(body["payment"].get("extra_param").is_none());
    }

    #[test]
    fn status_bodies() {
        let s = StatusRequest::new("T1-1").unwrap();
        assert_eq!(
            s.body(project()),
            json!({"general":{"project_id":198,"payment_id":"T1-1"}})
        );
        let r = RequestStatusRequest::new("req-1").unwrap();
        assert_eq!(r.signature_place(), SignaturePlace::Top);
        assert_eq!(
            r.body(project()),
            json!({"project_id":198,"request_id":"req-1"})
        );
        assert!(RequestStatusRequest::new("").is_err());
    }
}
