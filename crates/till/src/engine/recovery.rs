//! Recovery at start: every payment that is not final is resolved with the status endpoint.
//! A payment written but never sent is sent now (same `payment_id`); one the gateway does not
//! know (3061) is resent with the same body and the same `payment_id`, never a new one.

use std::time::Duration;

use serde::Serialize;

use crate::core::Core;
use crate::db::now_ms;
use crate::db::payments::{self, Kind, State};
use crate::engine::send::Sent;
use crate::error::{gateway_code, Result};

/// What one recovery pass did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RecoveryReport {
    /// Payments that were open when the pass started.
    pub checked: usize,
    /// Those that are final now.
    pub now_final: Vec<String>,
    /// Those still open (waiting for the customer, processing, or the gateway unreachable).
    pub still_open: Vec<String>,
    /// Problems met (payment id, code, message); recovery goes on past them.
    pub problems: Vec<(String, String, String)>,
}

impl Core {
    /// An engine is starting: the sales still open were interrupted (whoever showed them
    /// stopped), so their late results are raised. Returns every open payment.
    pub(crate) fn interrupt_open_sales(&self) -> Result<Vec<payments::Payment>> {
        let db = self.db();
        let tx = db.conn.unchecked_transaction()?;
        for (_, pid) in payments::mark_open_sales_interrupted(&tx)? {
            crate::db::audit::append(
                &tx,
                "till",
                "sale_interrupted",
                &pid,
                &serde_json::json!({}),
            )?;
        }
        let open = payments::open(&tx)?;
        tx.commit()?;
        Ok(open)
    }

    /// One pass over the open payments.
    pub(crate) async fn recover_once(&self) -> Result<RecoveryReport> {
        let open = self.interrupt_open_sales()?;
        let mut report = RecoveryReport {
            checked: open.len(),
            ..Default::default()
        };
        let first = self.config().first_poll();
        // Sales the till ended "link expired": asked once more, in case the payment turned up.
        let watched = payments::watched_expired(&self.db().conn)?;
        for p in watched {
            if let Err(e) = self.poll_once(&p).await {
                report
                    .problems
                    .push((p.payment_id.clone(), e.code().into(), e.to_string()));
            }
            if payments::by_row(&self.db().conn, p.id)?.state == State::Success {
                report.now_final.push(p.payment_id);
            }
        }
        for p in open {
            let result: Result<()> = async {
                if p.state == State::Created {
                    if self.too_old_to_send(&p) {
                        // Never sent, and too old for the customer to still be there.
                        self.fail_unsent(
                            &p,
                            "not_sent",
                            "the app stopped before sending this sale; nothing reached the gateway",
                        )?;
                    } else if let Sent::Unsent(e) = self.send(&p).await? {
                        if p.kind == Kind::Sale {
                            self.fail_unsent(&p, gateway_code(&e), &e.to_string())?;
                        }
                    }
                    return Ok(());
                }
                // The gateway asks for no status earlier than the first-poll delay.
                let base = p.sent_at.unwrap_or(p.created_at);
                let wait = base + first.as_millis() as i64 - now_ms();
                if wait > 0 {
                    tokio::time::sleep(Duration::from_millis(wait as u64)).await;
                }
                self.poll_once(&p).await
            }
            .await;
            if let Err(e) = result {
                report
                    .problems
                    .push((p.payment_id.clone(), e.code().into(), e.to_string()));
            }
            let now = payments::by_row(&self.db().conn, p.id)?;
            if now.state.is_final() {
                report.now_final.push(p.payment_id);
            } else {
                report.still_open.push(p.payment_id);
            }
        }
        Ok(report)
    }
}
