//! One payment as the sandbox keeps it and its public record; the bodies that describe it
//! are built in `body.rs`.

use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

/// The provider id in `operation.provider.id` and in card identifiers (the seed's 1743).
pub const PROVIDER_ID: u64 = 1743;
/// `payment.method` in every body (the seed's value).
pub const METHOD: &str = "Card partner";

/// Gateway status texts the sandbox uses (doc section 5).
pub mod status {
    pub const AWAITING_REDIRECT: &str = "awaiting redirect result";
    pub const PROCESSING: &str = "processing";
    pub const SUCCESS: &str = "success";
    pub const DECLINE: &str = "decline";
}

/// Sale or payout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Sale,
    Payout,
}

impl Kind {
    /// `payment.type` in bodies.
    pub(crate) fn payment_type(self) -> &'static str {
        match self {
            Kind::Sale => "purchase",
            Kind::Payout => "payout",
        }
    }
    /// `operation.type` in bodies.
    pub(crate) fn operation_type(self) -> &'static str {
        match self {
            Kind::Sale => "sale",
            Kind::Payout => "payout",
        }
    }
}

/// How the payment came to the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Interface {
    /// A Gate request (`POST /v2/payment/card-partner/...`).
    #[default]
    Gate,
    /// The customer opened a signed Payment Page link (`GET /payment?...`).
    PaymentPage,
}

/// One callback message the sandbox produced for a payment, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackLog {
    /// The payment status the callback reported.
    pub status: String,
    /// The fault applied to it, if any: `dropped`, `duplicate`, `reordered`, `bad_signature`;
    /// or `no_callback_url` / `disabled` when it had nowhere to go.
    pub fault: Option<String>,
    /// HTTP requests made for it so far.
    pub attempts: u32,
    /// Whether one of them was answered 200.
    pub delivered: bool,
    /// The HTTP status of the last attempt (none if it failed below HTTP).
    pub last_http_status: Option<u16>,
}

/// A payment in the sandbox's ledger.
#[derive(Debug, Clone)]
pub(crate) struct Payment {
    pub id: String,
    pub kind: Kind,
    pub interface: Interface,
    pub status: &'static str,
    pub amount: u64,
    pub currency: String,
    pub description: String,
    pub customer_id: String,
    pub account_number: Option<String>,
    pub masked_card: Option<String>,
    pub request_id: String,
    pub operation_id: u64,
    pub provider_payment_id: String,
    pub created: SystemTime,
    pub updated: SystemTime,
    pub code: u32,
    pub redirect_token: Option<String>,
    pub merchant_callback_url: Option<String>,
    pub callbacks_disabled: bool,
    pub callback_delay: Duration,
    /// The Payment Page link's `best_before`, as the link gave it.
    pub best_before: Option<String>,
    pub money_moved: u32,
    pub callbacks: Vec<CallbackLog>,
}

/// What `GET /_sandbox/payments/<payment_id>` answers: the sandbox's own record of a payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRecord {
    pub payment_id: String,
    #[serde(rename = "type")]
    pub kind: Kind,
    /// `gate` or `payment_page`: how the payment was made.
    #[serde(default)]
    pub interface: Interface,
    pub status: String,
    pub amount: u64,
    pub currency: String,
    pub customer_id: String,
    pub account_number: Option<String>,
    pub masked_card: Option<String>,
    /// The last operation code (0 while pending or on success).
    pub code: u32,
    pub request_id: String,
    /// The bot page of a sale.
    pub redirect_url: Option<String>,
    /// A Payment Page payment's `best_before` parameter, as the link gave it.
    #[serde(default)]
    pub best_before: Option<String>,
    /// How many times money actually moved for this payment: 1 for a successful sale or
    /// payout, 0 otherwise. Anything above 1 is a double charge or a double payout.
    pub money_moved: u32,
    /// HTTP requests made to deliver this payment's callbacks, retries included.
    pub callbacks_sent: u32,
    /// Callback messages answered 200.
    pub callbacks_delivered: u32,
    pub callbacks: Vec<CallbackLog>,
}

impl Payment {
    pub fn bot_url(&self, public_base: &str) -> Option<String> {
        self.redirect_token
            .as_ref()
            .map(|t| format!("{}/bot/{t}", public_base.trim_end_matches('/')))
    }

    pub fn record(&self, public_base: &str) -> PaymentRecord {
        PaymentRecord {
            payment_id: self.id.clone(),
            kind: self.kind,
            interface: self.interface,
            status: self.status.to_owned(),
            amount: self.amount,
            currency: self.currency.clone(),
            customer_id: self.customer_id.clone(),
            account_number: self.account_number.clone(),
            masked_card: self.masked_card.clone(),
            code: self.code,
            request_id: self.request_id.clone(),
            redirect_url: self.bot_url(public_base),
            best_before: self.best_before.clone(),
            money_moved: self.money_moved,
            callbacks_sent: self.callbacks.iter().map(|c| c.attempts).sum(),
            callbacks_delivered: self.callbacks.iter().filter(|c| c.delivered).count() as u32,
            callbacks: self.callbacks.clone(),
        }
    }
}
