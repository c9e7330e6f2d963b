//! The payment engines: applying gateway messages (forward-only), sending, following by
//! status, sales, payouts, and recovery after a restart.

pub mod apply;
pub mod bound;
pub mod follow;
pub mod page;
pub mod payout;
pub mod recovery;
pub mod sale;
pub mod send;

use std::sync::Arc;

use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::OsRng;
use serde_json::json;
use tokio::sync::broadcast;
use tokio::task::JoinHandle;

use crate::core::Core;
use crate::db::audit;
use crate::db::payments::{self, Payment, State};
use crate::error::{gateway_code, Result};
use crate::events::TillEvent;
use send::Sent;

/// A new `payment_id`: till code, local date and time, and 24 random bits, e.g.
/// `T1-261127-183005-a3f9c1`. Unique across the shop's tills (the till code), across
/// restarts and reinstalls (time and randomness), and within the gateway's alphabet.
pub fn new_payment_id(till_code: &str, letter: char) -> String {
    let now = chrono::Local::now();
    let mut r = [0u8; 3];
    OsRng.fill_bytes(&mut r);
    format!(
        "{till_code}-{letter}{}-{:02x}{:02x}{:02x}",
        now.format("%y%m%d-%H%M%S"),
        r[0],
        r[1],
        r[2]
    )
}

/// A running sale or payout: its id, the events from the moment it was written, and the task
/// that drives it to the end.
pub struct PaymentHandle {
    pub payment_id: String,
    pub events: broadcast::Receiver<TillEvent>,
    pub task: JoinHandle<Result<Payment>>,
}

impl PaymentHandle {
    /// Waits for the driving task (final, or open when the follow limit passed).
    pub async fn wait(self) -> Result<Payment> {
        match self.task.await {
            Ok(r) => r,
            Err(e) => Err(crate::TillError::Listener(format!(
                "the payment task stopped: {e}"
            ))),
        }
    }
}

impl Core {
    /// Sends a written payment for the first time, then follows it.
    pub(crate) async fn drive(self: Arc<Self>, row: i64) -> Result<Payment> {
        let p = payments::by_row(&self.db().conn, row)?;
        if p.link_expired() {
            // Ended by the till, watched for a late payment (after a restart).
            return self.watch_expired(row).await;
        }
        if p.state == State::Created && self.too_old_to_send(&p) {
            // Written but never sent, and its customer is long gone (the app stopped in
            // between): sending it now would start a sale nobody can pay.
            self.fail_unsent(
                &p,
                "not_sent",
                "the app stopped before sending this sale; nothing reached the gateway",
            )?;
            return payments::by_row(&self.db().conn, row);
        }
        if p.state == State::Created {
            if let Sent::Unsent(e) = self.send(&p).await? {
                if p.kind == payments::Kind::Sale {
                    // Nothing reached the gateway: the sale ends here and the cashier can
                    // try again (a new sale, a new payment_id).
                    self.fail_unsent(&p, gateway_code(&e), &e.to_string())?;
                    return payments::by_row(&self.db().conn, row);
                }
                // A payout stays open: the follower retries with the same payment_id.
            }
        }
        let p = self.follow(row).await?;
        if p.link_expired() {
            let core = self.clone();
            tokio::spawn(async move { core.watch_expired(row).await });
        }
        Ok(p)
    }

    /// A sale written but never sent whose QR countdown is over: nobody is waiting to pay it.
    /// The same rule for `recover` and for the app resuming its payments.
    pub(crate) fn too_old_to_send(&self, p: &Payment) -> bool {
        p.kind == payments::Kind::Sale
            && p.state == State::Created
            && crate::db::now_ms() > p.created_at + self.config().timing.sale_payable_ms as i64
    }

    /// Ends a payment that never reached the gateway.
    pub(crate) fn fail_unsent(&self, p: &Payment, code: &str, message: &str) -> Result<()> {
        self.fail_locally(p, "till", "not_sent", code, message)
    }

    /// Ends a payment as failed on our own knowledge (never sent, or refused by the gateway
    /// before it existed there): one transaction for the state and its audit row, then the
    /// `Final` event, all only if the payment was not final already.
    pub(crate) fn fail_locally(
        &self,
        p: &Payment,
        actor: &str,
        status: &str,
        code: &str,
        message: &str,
    ) -> Result<()> {
        let changed = {
            let db = self.db();
            let tx = db.conn.unchecked_transaction()?;
            let changed = payments::set_final(
                &tx,
                p.id,
                State::Failed,
                Some(status),
                Some(code),
                Some(message),
            )?;
            if changed {
                audit::append(
                    &tx,
                    actor,
                    "payment_final",
                    &p.payment_id,
                    &json!({"kind": p.kind.as_str(), "state": "failed", "status": status, "code": code}),
                )?;
            }
            tx.commit()?;
            changed
        };
        if changed {
            self.emit(TillEvent::Final {
                payment_id: p.payment_id.clone(),
                kind: p.kind,
                state: State::Failed,
                status: status.into(),
                code: Some(code.into()),
                message: Some(message.into()),
            });
            if p.kind == payments::Kind::Sale && p.interrupted_at.is_some() {
                self.emit(TillEvent::LateDecline {
                    payment_id: p.payment_id.clone(),
                    amount: p.amount,
                    code: Some(code.into()),
                });
            }
        }
        Ok(())
    }

    /// Starts the task that drives payment `row`, subscribed before anything happens.
    pub(crate) fn spawn_drive(
        self: &Arc<Self>,
        row: i64,
        payment_id: String,
        events: broadcast::Receiver<TillEvent>,
    ) -> PaymentHandle {
        let core = self.clone();
        let task = tokio::spawn(async move { core.supervise(row).await });
        PaymentHandle {
            payment_id,
            events,
            task,
        }
    }
}

impl Core {
    /// Drives payment `row` and restarts the driver when it ends early on a transient error
    /// (the database busy, the keyring or the network failing for a moment) or a panic, with
    /// a growing pause, until the payment is final or its follow limit passes. An error that
    /// waiting cannot mend (a missing secret, a bad setting) ends it at once, so a command
    /// line does not hang on it.
    async fn supervise(self: Arc<Self>, row: i64) -> Result<Payment> {
        let mut pause = std::time::Duration::from_millis(250);
        loop {
            // Its own task, so that a panic is caught here; aborted with this one (a handle's
            // `task.abort()` must stop the driving, not leave it running unowned).
            let mut driver = AbortOnDrop(tokio::spawn(self.clone().drive(row)));
            let outcome = (&mut driver.0).await;
            let error = match outcome {
                Ok(Ok(p)) => return Ok(p),
                Ok(Err(e)) if !e.is_transient() => return Err(e),
                Ok(Err(e)) => e,
                Err(panic) => {
                    crate::TillError::Listener(format!("the payment's task stopped: {panic}"))
                }
            };
            let now = payments::by_row(&self.db().conn, row);
            match now {
                Ok(p) if p.state.is_final() && !p.link_expired() => return Ok(p),
                Ok(p) if crate::db::now_ms() > p.follow_until => return Err(error),
                _ => {}
            }
            tracing::warn!(
                row,
                code = error.code(),
                "the payment's follower stopped early ({error}); restarting it"
            );
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(std::time::Duration::from_secs(30));
        }
    }
}

/// A task that is aborted when its handle is dropped.
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payment_ids_are_valid_and_distinct() {
        let a = new_payment_id("T1", 'S');
        let b = new_payment_id("T1", 'S');
        assert_ne!(a, b);
        assert!(a.starts_with("T1-S"));
        ecommpay::PaymentId::new(a.clone()).unwrap();
        assert!(a.len() < 40, "{a}");
    }
}
