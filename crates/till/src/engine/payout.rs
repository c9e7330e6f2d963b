//! Payouts: anyone signed in asks for one to a saved card (amount and reason; for a sale,
//! "return the money", never more in total than the sale); a manager who is not the asker
//! approves it with a PIN, within the per-payout and daily limits, before the request expires
//! (24 h). The approval writes the payout payment with its `payment_id` in the same
//! transaction, before anything is sent; then it is sent and followed for up to 24 h.
//!
//! A manager may instead reject a pending request (PIN required, a note optional). A manager
//! may reject a request they asked for themselves: rejecting moves no money, so the
//! four-eyes rule (which guards money going out) does not apply, and withdrawing one's own
//! mistaken request must not need a second manager. A rejected or expired request can never
//! be approved afterwards.

use ecommpay::Tiyin;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::core::Core;
use crate::db::payments::{self, Kind, NewPayment, State};
use crate::db::payouts::{self, NewRequest, PayoutRequestRow, RequestStatus};
use crate::db::users::{Role, User};
use crate::db::{audit, cards, now_ms};
use crate::engine::new_payment_id;
use crate::error::{Result, TillError};
use crate::events::TillEvent;
use crate::time;

/// The reason travels as the payout's description, so the protocol's limit applies.
const MAX_REASON_CHARS: usize = ecommpay::gate::MAX_DESCRIPTION_CHARS;

/// What a payout request asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutInput {
    pub card_id: i64,
    pub amount: Tiyin,
    pub reason: String,
    /// "Return the money" of this sale.
    pub sale_payment_id: Option<String>,
}

impl Core {
    fn check_payout_limit(&self, amount: Tiyin) -> Result<()> {
        let limit = Tiyin::new(self.config().limits.payout_max_tiyin);
        if amount > limit {
            return Err(TillError::AboveLimit {
                what: "payout",
                amount,
                limit,
            });
        }
        Ok(())
    }

    /// The sale row a return refers to, checked against the card and the amount.
    fn check_return(
        &self,
        conn: &rusqlite::Connection,
        sale_id: &str,
        card_id: i64,
        amount: Tiyin,
        already_counted: bool,
    ) -> Result<i64> {
        let sale = payments::get(conn, sale_id)?;
        if sale.kind != Kind::Sale || sale.state != State::Success {
            return Err(TillError::SaleNotReturnable(sale_id.to_owned()));
        }
        if sale.card_id != Some(card_id) {
            return Err(TillError::CardNotOfSale {
                card: card_id,
                sale: sale_id.to_owned(),
            });
        }
        let committed = payouts::committed_for_sale(conn, sale.id)?;
        let total = if already_counted {
            committed
        } else {
            committed.checked_add(amount).unwrap_or(Tiyin::MAX)
        };
        if total > sale.amount {
            return Err(TillError::ReturnAboveSale {
                sale: sale_id.to_owned(),
                amount,
                total,
                sale_amount: sale.amount,
            });
        }
        Ok(sale.id)
    }

    pub(crate) fn request_payout(
        &self,
        input: &PayoutInput,
        requester: &User,
    ) -> Result<PayoutRequestRow> {
        let requester_name = requester.name.as_str();
        let amount = Tiyin::positive(input.amount.get())?;
        let reason = input.reason.trim();
        if reason.is_empty() {
            return Err(TillError::ReasonMissing);
        }
        if reason.chars().count() > MAX_REASON_CHARS {
            return Err(TillError::Request(
                ecommpay::gate::RequestError::DescriptionTooLong,
            ));
        }
        self.check_payout_limit(amount)?;
        let ttl = self.config().timing.payout_request_ttl_ms as i64;
        let id = {
            let db = self.db();
            let tx = immediate(&db.conn)?;
            cards::get(&tx, input.card_id)?;
            let sale_row = match &input.sale_payment_id {
                Some(s) => Some(self.check_return(&tx, s, input.card_id, amount, false)?),
                None => None,
            };
            let id = payouts::insert(
                &tx,
                &NewRequest {
                    card_id: input.card_id,
                    sale_row,
                    amount,
                    reason,
                    requested_by: Some(requester.id),
                    requested_name: requester_name,
                    ttl_ms: ttl,
                },
            )?;
            audit::append(
                &tx,
                requester_name,
                "payout_requested",
                &id.to_string(),
                &json!({"card_id": input.card_id, "amount": amount.get(), "reason": reason, "sale": input.sale_payment_id}),
            )?;
            tx.commit()?;
            id
        };
        self.emit(TillEvent::PayoutRequested {
            request_id: id,
            amount,
        });
        payouts::get(&self.db().conn, id)
    }

    /// Approves request `id` as `approver` (whose PIN was checked) and writes the payout.
    /// Returns the payout's row and `payment_id`.
    pub(crate) fn approve_payout(&self, id: i64, approver: &User) -> Result<(i64, String)> {
        if approver.role != Role::Manager {
            return Err(TillError::NotManager);
        }
        let cfg = self.config();
        let secret_id = self.current_secret_id()?;
        let (row, payment_id) = {
            let db = self.db();
            payouts::expire(&db.conn)?;
            let tx = immediate(&db.conn)?;
            let req = pending_request(&tx, id)?;
            if req.requested_by == Some(approver.id) || req.requested_name == approver.name {
                return Err(TillError::SelfApproval);
            }
            self.check_payout_limit(req.amount)?;
            let (day_start, day_end) = time::today_bounds(now_ms());
            let today = payouts::paid_out_between(&tx, day_start, day_end)?;
            let total = today.checked_add(req.amount).unwrap_or(Tiyin::MAX);
            let daily = Tiyin::new(cfg.limits.daily_payout_max_tiyin);
            if total > daily {
                return Err(TillError::DailyLimit {
                    total,
                    limit: daily,
                });
            }
            if let Some(sale) = &req.sale_payment_id {
                self.check_return(&tx, sale, req.card_id, req.amount, true)?;
            }
            let card = cards::get(&tx, req.card_id)?;
            let payment_id = new_payment_id(&cfg.till_code, 'P');
            let row = payments::insert(
                &tx,
                &NewPayment {
                    payment_id: payment_id.clone(),
                    kind: Kind::Payout,
                    amount: req.amount,
                    project_id: cfg.project_id,
                    customer_id: card.customer_id.clone(),
                    customer_ip: cfg.customer_ip.clone(),
                    description: Some(req.reason.clone()),
                    card_id: Some(card.id),
                    masked_card: Some(card.masked.clone()),
                    created_by: Some(approver.name.clone()),
                    follow_until: now_ms() + cfg.timing.payout_follow_ms as i64,
                    flow: crate::config::SaleFlow::Gate,
                    link_expires_at: None,
                    gateway_url: cfg.gateway_url.clone(),
                    payment_page_url: cfg.payment_page_url.clone(),
                    secret_id: Some(secret_id.clone()),
                },
            )?;
            crate::db::shifts::stamp_payout(&tx, row, req.requested_by, approver.id)?;
            if !payouts::approve(&tx, id, approver.id, row)? {
                return Err(TillError::PayoutNotPending {
                    id,
                    state: "changed meanwhile".into(),
                });
            }
            audit::append(
                &tx,
                &approver.name,
                "payout_approved",
                &id.to_string(),
                &json!({"payment_id": payment_id, "amount": req.amount.get(), "card_id": card.id}),
            )?;
            tx.commit()?;
            (row, payment_id)
        };
        self.emit(TillEvent::PayoutDecided {
            request_id: id,
            approved: true,
            payment_id: Some(payment_id.clone()),
        });
        self.emit(TillEvent::Created {
            payment_id: payment_id.clone(),
            kind: Kind::Payout,
            amount: payouts::get(&self.db().conn, id)?.amount,
        });
        Ok((row, payment_id))
    }
}

impl Core {
    /// Rejects request `id` as `decider` (whose PIN was checked), with an optional note.
    pub(crate) fn reject_payout(
        &self,
        id: i64,
        decider: &User,
        reason: Option<&str>,
    ) -> Result<PayoutRequestRow> {
        if decider.role != Role::Manager {
            return Err(TillError::NotManager);
        }
        let note = reason.map(str::trim).filter(|r| !r.is_empty());
        if note.is_some_and(|n| n.chars().count() > MAX_REASON_CHARS) {
            return Err(TillError::Request(
                ecommpay::gate::RequestError::DescriptionTooLong,
            ));
        }
        let row = {
            let db = self.db();
            payouts::expire(&db.conn)?;
            let tx = immediate(&db.conn)?;
            let req = pending_request(&tx, id)?;
            if !payouts::reject(&tx, id, decider.id, note)? {
                return Err(TillError::PayoutNotPending {
                    id,
                    state: "changed meanwhile".into(),
                });
            }
            audit::append(
                &tx,
                &decider.name,
                "payout_rejected",
                &id.to_string(),
                &json!({"amount": req.amount.get(), "card_id": req.card_id, "reason": note, "own_request": req.requested_by == Some(decider.id)}),
            )?;
            tx.commit()?;
            payouts::get(&db.conn, id)?
        };
        self.emit(TillEvent::PayoutDecided {
            request_id: id,
            approved: false,
            payment_id: None,
        });
        Ok(row)
    }
}

/// A write transaction that takes the database's write lock at once: what is returned for a
/// sale, today's payouts and a request's state are read and the new row written under one
/// lock, so two processes (the app and `cashier`) can never both pass the same check.
fn immediate(conn: &Connection) -> rusqlite::Result<Transaction<'_>> {
    Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
}

/// Request `id`, when it still waits for a manager's decision.
fn pending_request(conn: &Connection, id: i64) -> Result<PayoutRequestRow> {
    let req = payouts::get(conn, id)?;
    match req.status {
        RequestStatus::Requested => Ok(req),
        RequestStatus::Expired => Err(TillError::PayoutExpired(id)),
        other => Err(TillError::PayoutNotPending {
            id,
            state: other.as_str().into(),
        }),
    }
}
