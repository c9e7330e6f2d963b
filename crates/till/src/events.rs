//! Events for UIs: subscribe once (`Till::subscribe`, a `tokio::sync::broadcast` channel) and
//! never poll. Serialised with an `event` tag, which is also the CLI's `--json` line format.
//! No event carries a secret or a full card identifier.

use ecommpay::Tiyin;
use serde::Serialize;

use crate::config::SaleFlow;
use crate::db::payments::{Kind, Payment, State};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum TillEvent {
    /// The payment is written locally with its `payment_id` (nothing sent yet).
    Created {
        payment_id: String,
        kind: Kind,
        amount: Tiyin,
    },
    /// The request is about to go out (attempt counts resends with the same `payment_id`).
    Sending { payment_id: String, attempt: i64 },
    /// The gateway accepted the request.
    Accepted {
        payment_id: String,
        request_id: Option<String>,
    },
    /// The link to show the customer (as a QR code when `scannable`): the Payment Page link
    /// the till signed (`flow` `payment_page`) or the bot link the gateway sent (`gate`).
    Link {
        payment_id: String,
        url: String,
        method: String,
        scannable: bool,
        flow: SaleFlow,
    },
    /// Gate flow: the gateway accepted the sale `waited_ms` ago and no link has come. The link
    /// comes by callback, so the gateway's notifications are most likely not reaching this
    /// till. The sale is still followed to its end.
    LinkMissing { payment_id: String, waited_ms: u64 },
    /// A new pending status.
    Status {
        payment_id: String,
        state: State,
        status: String,
    },
    /// The payment ended. `status` is the gateway's status (`success`, `decline`, ...), or
    /// `rejected` when the gateway refused the request itself.
    Final {
        payment_id: String,
        kind: Kind,
        state: State,
        status: String,
        code: Option<String>,
        message: Option<String>,
    },
    /// An abandoned sale succeeded after all: the customer paid. Raise it loudly.
    LateSuccess { payment_id: String, amount: Tiyin },
    /// A sale that was open when the app (or the command showing it) stopped ended while
    /// nobody watched it: not paid. Raised like a late success, so that nobody assumes either.
    LateDecline {
        payment_id: String,
        amount: Tiyin,
        code: Option<String>,
    },
    /// The cashier stopped waiting; the sale is still followed to its end.
    Abandoned { payment_id: String },
    /// A gateway message was kept but not applied (mismatch, bad signature, conflict).
    Flagged { payment_id: String, reason: String },
    /// A sale succeeded but its card could not be saved (no payout to it will be possible):
    /// most often the till's keys are missing from the keyring (`code` `keys_missing`).
    /// The sale itself is paid and recorded.
    CardNotSaved {
        payment_id: String,
        code: String,
        message: String,
    },
    /// A request or poll failed; the engine retries by itself (same `payment_id`).
    GatewayTrouble {
        payment_id: String,
        code: String,
        message: String,
    },
    /// A payout request was written, waiting for a manager.
    PayoutRequested { request_id: i64, amount: Tiyin },
    /// A manager decided a payout request: approved (its payout is `payment_id`) or rejected
    /// (`approved: false`, no `payment_id`).
    PayoutDecided {
        request_id: i64,
        approved: bool,
        payment_id: Option<String>,
    },
}

impl TillEvent {
    /// The `Link` event of a stored payment that has a link and is still open.
    pub fn link_of(p: &Payment) -> Option<TillEvent> {
        let url = p.redirect_url.as_ref().filter(|_| !p.state.is_final())?;
        let method = p.redirect_method.clone().unwrap_or_else(|| "GET".into());
        Some(TillEvent::Link {
            payment_id: p.payment_id.clone(),
            url: url.clone(),
            scannable: method == "GET",
            method,
            flow: p.flow,
        })
    }

    /// The `Final` event of a stored payment that is final.
    pub fn final_of(p: &Payment) -> Option<TillEvent> {
        p.state.is_final().then(|| TillEvent::Final {
            payment_id: p.payment_id.clone(),
            kind: p.kind,
            state: p.state,
            status: p
                .gateway_status
                .clone()
                .unwrap_or_else(|| p.state.as_str().to_owned()),
            code: p.code.clone(),
            message: p.message.clone(),
        })
    }

    /// The payment the event is about, if any.
    pub fn payment_id(&self) -> Option<&str> {
        use TillEvent::*;
        match self {
            Created { payment_id, .. }
            | Sending { payment_id, .. }
            | Accepted { payment_id, .. }
            | Link { payment_id, .. }
            | LinkMissing { payment_id, .. }
            | Status { payment_id, .. }
            | Final { payment_id, .. }
            | LateSuccess { payment_id, .. }
            | LateDecline { payment_id, .. }
            | Abandoned { payment_id }
            | Flagged { payment_id, .. }
            | CardNotSaved { payment_id, .. }
            | GatewayTrouble { payment_id, .. } => Some(payment_id),
            PayoutDecided { payment_id, .. } => payment_id.as_deref(),
            PayoutRequested { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_with_the_cli_line_shape() {
        let e = TillEvent::Link {
            payment_id: "T1-1".into(),
            url: "https://t.me/b?start=1".into(),
            method: "GET".into(),
            scannable: true,
            flow: SaleFlow::PaymentPage,
        };
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["event"], "link");
        assert_eq!(v["flow"], "payment_page");
        assert_eq!(v["url"], "https://t.me/b?start=1");
        let f = TillEvent::Final {
            payment_id: "T1-1".into(),
            kind: Kind::Sale,
            state: State::Success,
            status: "success".into(),
            code: Some("0".into()),
            message: None,
        };
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(
            (
                v["event"].as_str(),
                v["status"].as_str(),
                v["payment_id"].as_str()
            ),
            (Some("final"), Some("success"), Some("T1-1"))
        );
    }
}
