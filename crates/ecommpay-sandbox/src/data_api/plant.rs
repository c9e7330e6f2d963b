//! Test aids for reconciliation: differences planted between what a till recorded and what the
//! gateway's Data API reports. Each is a [`crate::Control`] method and a `/_sandbox/data_api/`
//! endpoint:
//!
//! - a payment made at the gateway "by another till" ([`PlantedPayment`]: known to
//!   `/v2/payment/status` and the Data API, with no callbacks and no timers: it stays as
//!   planted);
//! - many such payments at once ([`BulkPlant`], the fastest way to fill an interval);
//! - a payment the gateway "lost": absent from the Data API (status requests still know it);
//! - a status the Data API reports for a payment instead of the one it has.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::clock;
use crate::codes;
use crate::payment::{status, Interface, Kind, Payment};
use crate::state::{lock, Ledger, Shared};

/// The Data API's view, where it differs from the ledger.
#[derive(Debug, Default)]
pub(crate) struct DataApiView {
    /// Payment ids the Data API does not list.
    pub lost: HashSet<String>,
    /// Payment id → the status the Data API reports.
    pub reported_status: HashMap<String, String>,
}

/// The most payments one [`BulkPlant`] creates.
pub const MAX_BULK: u32 = 100_000;

fn sale() -> Kind {
    Kind::Sale
}
fn success() -> String {
    status::SUCCESS.to_owned()
}
fn uzs() -> String {
    "UZS".to_owned()
}
fn one_second() -> u64 {
    1000
}

/// A payment made at the gateway as if another till of the project had made it
/// (`POST /_sandbox/data_api/payments`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlantedPayment {
    pub payment_id: String,
    /// `sale` (default) or `payout`.
    #[serde(rename = "type", default = "sale")]
    pub kind: Kind,
    /// `success` (default), `decline`, `processing` or `awaiting redirect result`.
    #[serde(default = "success")]
    pub status: String,
    /// Tiyin.
    pub amount: u64,
    #[serde(default = "uzs")]
    pub currency: String,
    #[serde(default)]
    pub customer_id: Option<String>,
    /// ISO 8601 with an offset (`2026-12-01T10:00:00+05:00`); default now.
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub masked_card: Option<String>,
}

/// `count` payments `<prefix>-000001` ... created `spacing_ms` apart from `created_at`
/// (`POST /_sandbox/data_api/bulk`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BulkPlant {
    pub prefix: String,
    pub count: u32,
    #[serde(rename = "type", default = "sale")]
    pub kind: Kind,
    #[serde(default = "success")]
    pub status: String,
    pub amount: u64,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default = "one_second")]
    pub spacing_ms: u64,
}

/// Why a plant was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlantError {
    #[error("payment {0} already exists")]
    Exists(String),
    #[error("no payment {0}")]
    Unknown(String),
    #[error("{0}")]
    Invalid(String),
}

fn static_status(s: &str) -> Result<&'static str, PlantError> {
    [
        status::SUCCESS,
        status::DECLINE,
        status::PROCESSING,
        status::AWAITING_REDIRECT,
    ]
    .into_iter()
    .find(|k| *k == s)
    .ok_or_else(|| {
        PlantError::Invalid(format!(
            "status {s:?}: success, decline, processing or awaiting redirect result \
             (any text: POST /_sandbox/data_api/status)"
        ))
    })
}

fn created(at: &Option<String>) -> Result<SystemTime, PlantError> {
    match at {
        None => Ok(SystemTime::now()),
        Some(s) => clock::parse_iso8601(s).ok_or_else(|| {
            PlantError::Invalid(format!("created_at {s:?}: ISO 8601 with an offset"))
        }),
    }
}

fn insert(ledger: &mut Ledger, p: &PlantedPayment, at: SystemTime, state: &'static str) {
    let operation_id = 9_708_000_000_000 + ledger.next_seq();
    let provider_payment_id = (632_000 + ledger.next_seq()).to_string();
    let request_id = ledger.new_request_id(&p.payment_id);
    let moved = state == status::SUCCESS;
    if moved {
        ledger.balance = match p.kind {
            Kind::Sale => ledger.balance.saturating_add(p.amount),
            Kind::Payout => ledger.balance.saturating_sub(p.amount),
        };
    }
    let payment = Payment {
        id: p.payment_id.clone(),
        kind: p.kind,
        interface: Interface::Gate,
        status: state,
        amount: p.amount,
        currency: p.currency.clone(),
        description: "Planted at the gateway".into(),
        customer_id: p.customer_id.clone().unwrap_or_else(|| "other-till".into()),
        account_number: None,
        masked_card: p.masked_card.clone(),
        request_id,
        operation_id,
        provider_payment_id,
        created: at,
        updated: at,
        code: if state == status::DECLINE {
            codes::INSUFFICIENT_FUNDS
        } else {
            codes::SUCCESS
        },
        redirect_token: None,
        merchant_callback_url: None,
        callbacks_disabled: true,
        callback_delay: Duration::ZERO,
        best_before: None,
        money_moved: u32::from(moved),
        callbacks: Vec::new(),
    };
    ledger.payments.insert(p.payment_id.clone(), payment);
}

impl Shared {
    pub(crate) fn plant(&self, p: &PlantedPayment) -> Result<(), PlantError> {
        let state = static_status(&p.status)?;
        let at = created(&p.created_at)?;
        if p.amount == 0 || p.payment_id.is_empty() {
            return Err(PlantError::Invalid(
                "a payment id and a positive amount".into(),
            ));
        }
        let mut ledger = lock(&self.ledger);
        if ledger.payments.contains_key(&p.payment_id) {
            return Err(PlantError::Exists(p.payment_id.clone()));
        }
        insert(&mut ledger, p, at, state);
        Ok(())
    }

    pub(crate) fn plant_bulk(&self, b: &BulkPlant) -> Result<u32, PlantError> {
        let state = static_status(&b.status)?;
        let start = created(&b.created_at)?;
        if b.count > MAX_BULK || b.amount == 0 || b.prefix.is_empty() {
            return Err(PlantError::Invalid(format!(
                "a prefix, a positive amount and at most {MAX_BULK} payments"
            )));
        }
        let ids: Vec<String> = (1..=b.count)
            .map(|i| format!("{}-{i:06}", b.prefix))
            .collect();
        let mut ledger = lock(&self.ledger);
        if let Some(taken) = ids.iter().find(|id| ledger.payments.contains_key(*id)) {
            return Err(PlantError::Exists(taken.clone()));
        }
        for (i, id) in ids.into_iter().enumerate() {
            let planted = PlantedPayment {
                payment_id: id,
                kind: b.kind,
                status: b.status.clone(),
                amount: b.amount,
                currency: uzs(),
                customer_id: None,
                created_at: None,
                masked_card: None,
            };
            let at = start + Duration::from_millis(b.spacing_ms.saturating_mul(i as u64));
            insert(&mut ledger, &planted, at, state);
        }
        Ok(b.count)
    }

    pub(crate) fn lose(&self, payment_id: &str) -> Result<(), PlantError> {
        let mut ledger = lock(&self.ledger);
        if !ledger.payments.contains_key(payment_id) {
            return Err(PlantError::Unknown(payment_id.to_owned()));
        }
        ledger.data_api.lost.insert(payment_id.to_owned());
        Ok(())
    }

    /// `None` reports the payment's own status again.
    pub(crate) fn report_status(
        &self,
        payment_id: &str,
        reported: Option<&str>,
    ) -> Result<(), PlantError> {
        let mut ledger = lock(&self.ledger);
        if !ledger.payments.contains_key(payment_id) {
            return Err(PlantError::Unknown(payment_id.to_owned()));
        }
        match reported {
            Some(s) => ledger
                .data_api
                .reported_status
                .insert(payment_id.to_owned(), s.to_owned()),
            None => ledger.data_api.reported_status.remove(payment_id),
        };
        Ok(())
    }
}
