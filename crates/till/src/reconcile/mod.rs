//! Reconciliation: a day of the till's payments against ECommPay's own records (the Data API's
//! `/operations/get`, protocol doc section 7).
//!
//! - The day is the till's local day in [`crate::Config::time_zone`] ([`zone`]). The gateway
//!   is asked for the day with a margin of [`FETCH_MARGIN_MS`] on both sides, so a payment the
//!   till wrote at 23:59:59 and the gateway created at 00:00:01 still meets its record; the
//!   two are matched by `payment_id`, and the report is by the till's day: the till's payments
//!   created that day, and the gateway's operations of that day that no payment of this till
//!   (of any day) explains.
//! - Each [`Item`] says what differs and what to do, in words ([`Item::action`]); the app
//!   localises by [`ItemKind`]. [`ItemKind::OtherTill`] is listed but is no difference of this
//!   till's: a payment made by another till of the project (its `payment_id` does not start
//!   with this till's code). [`ItemKind::MissedSuccess`], a sale the gateway says was paid
//!   that the till recorded as not paid, is raised loudly (`loud`, and
//!   [`crate::TillEvent::ReconcileAlarm`]).
//! - An amount the gateway gives that is not an integer of tiyin is a difference, never zero.
//! - Every run is audited (`reconciled`, the day as the subject): the automatic run after the
//!   day closes ([`AUTO_AFTER_MIDNIGHT_MS`]) happens once per day.

pub mod compare;
pub mod zone;

use ecommpay::Tiyin;
use serde::Serialize;

pub use compare::compare;

/// How far before and after the day the gateway is asked for operations (two hours).
pub const FETCH_MARGIN_MS: i64 = 2 * 60 * 60 * 1000;
/// The automatic run: the previous day is reconciled once the till runs past local midnight
/// plus this much (the gateway has the day's last operations by then).
pub const AUTO_AFTER_MIDNIGHT_MS: i64 = 60 * 60 * 1000;
/// The audit log's action for a run.
pub const AUDIT_ACTION: &str = "reconciled";

/// What differs (or is only noted) about one payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// At the gateway, made by another till of the project: not this till's (listed only).
    OtherTill,
    /// At the gateway with this till's code (or no till's), unknown to this till.
    MissingHere,
    /// The till has it (money moved, or the gateway answered it), the gateway does not list it.
    MissingAtGateway,
    /// Paid at the gateway, recorded here as not paid: raised loudly.
    MissedSuccess,
    /// Another status difference (paid here and not at the gateway, still open on one side).
    StatusDiffers,
    /// The amount or currency differs, or the gateway's amount is not an integer of tiyin.
    AmountDiffers,
}

impl ItemKind {
    /// Whether this is a difference of this till's records (exit code 1, the app's count).
    pub fn is_difference(self) -> bool {
        self != ItemKind::OtherTill
    }
}

/// Where a payment stands on one side, in the words people use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Money moved.
    Paid,
    /// Final, no money moved.
    NotPaid,
    /// Still going.
    Open,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub kind: ItemKind,
    pub payment_id: String,
    /// `sale` or `payout` (the till's kind, else the gateway's operation type).
    pub payment_type: String,
    /// The till's state (`success`, `failed`, `pending`, ...), when the till has it.
    pub till_state: Option<String>,
    /// The gateway's status, when it lists the payment.
    pub gateway_status: Option<String>,
    /// The two sides in people's words (`paid`, `not_paid`, `open`).
    pub till_outcome: Option<Outcome>,
    pub gateway_outcome: Option<Outcome>,
    pub till_amount: Option<Tiyin>,
    /// `None` when the gateway does not list it, or gave no integer of tiyin (then
    /// `gateway_amount_raw` has what it gave).
    pub gateway_amount: Option<Tiyin>,
    pub gateway_amount_raw: Option<String>,
    /// When it was made, local time in the till's zone (the till's time when it has one).
    pub at: Option<String>,
    /// Raise it loudly (a payment the customer made that the till thinks failed).
    pub loud: bool,
    /// What to do, in words (English; the app says it in the till's language by `kind`).
    pub action: String,
}

/// The result of reconciling one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// `YYYY-MM-DD`, the till's local day.
    pub date: String,
    pub time_zone: String,
    /// Operations the gateway listed for the day and its margins, each once.
    pub operations_fetched: usize,
    /// Pages asked for.
    pub pages: u32,
    /// The till's payments of the day.
    pub till_payments: usize,
    /// The till's payments whose gateway record agrees.
    pub matched: usize,
    /// Items that are differences of this till's ([`ItemKind::is_difference`]).
    pub differences: usize,
    /// Payments of other tills of the project that day.
    pub other_tills: usize,
    /// Payment ids of [`ItemKind::MissedSuccess`] items.
    pub missed_successes: Vec<String>,
    pub items: Vec<Item>,
    /// When it ran (UTC milliseconds).
    pub ran_at: i64,
    /// `auto` (after the day closed) or who asked.
    pub by: String,
}

impl Report {
    pub fn has_differences(&self) -> bool {
        self.differences > 0
    }
}

/// The last reconciliation, as the app's banner needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LastReconciliation {
    pub date: String,
    pub ran_at: i64,
    pub differences: u64,
    pub other_tills: u64,
    /// Sales the customer paid that the till recorded as not paid: the banner.
    pub missed_successes: Vec<String>,
}

#[cfg(test)]
mod tests {
    use crate::config::{defaults, Config};

    #[test]
    fn the_data_api_url_needs_https_but_on_this_computer_and_the_zone_must_be_known() {
        let mut c = Config {
            project_id: 42,
            gateway_url: "http://127.0.0.1:9".into(),
            till_code: "T1".into(),
            ..Config::default()
        };
        assert_eq!(c.data_api_url, "https://data.ecommpay.com/v1");
        assert_eq!(c.time_zone, defaults::TIME_ZONE);
        c.validate().unwrap();
        for bad in [
            "http://data.example",
            "ftp://data.ecommpay.com",
            "not a url",
        ] {
            let e = c.clone().set("data_api_url", bad).unwrap_err();
            assert!(e.to_string().contains("data_api_url"), "{bad}: {e}");
        }
        c.set("data_api_url", "http://127.0.0.1:7/v1").unwrap();
        c.set("time_zone", "UTC").unwrap();
        let e = c.set("time_zone", "Mars/Olympus").unwrap_err();
        assert!(e.to_string().contains("Asia/Tashkent"), "{e}");
        assert_eq!(c.time_zone, "UTC", "a refused set changes nothing");
    }
}
