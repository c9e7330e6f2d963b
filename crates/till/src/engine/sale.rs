//! The sale: validate, write the payment with a new `payment_id` (before anything is sent),
//! then send and follow it (see `engine::drive`). Abandoning only stops the cashier waiting:
//! the sale is still followed to its end and a late success is raised.

use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::OsRng;
use ecommpay::Tiyin;
use serde_json::json;

use crate::config::SaleFlow;
use crate::core::Core;
use crate::db::payments::{self, Kind, NewPayment};
use crate::db::{audit, now_ms};
use crate::engine::new_payment_id;
use crate::error::{Result, TillError};
use crate::events::TillEvent;

impl Core {
    /// Checks the amount against the limits; nothing is written when it fails.
    pub(crate) fn validate_sale(&self, amount: Tiyin) -> Result<Tiyin> {
        let amount = Tiyin::positive(amount.get())?;
        let limit = Tiyin::new(self.config().limits.sale_max_tiyin);
        if amount > limit {
            return Err(TillError::AboveLimit {
                what: "sale",
                amount,
                limit,
            });
        }
        Ok(amount)
    }

    /// Writes a new sale; returns its row and `payment_id`.
    pub(crate) fn create_sale(&self, amount: Tiyin, actor: Option<&str>) -> Result<(i64, String)> {
        let amount = self.validate_sale(amount)?;
        let cfg = self.config();
        let mut r = [0u8; 4];
        OsRng.fill_bytes(&mut r);
        // One customer id per sale: the till does not know its customers. The card a sale
        // returns is saved with this id, and a payout to that card names it again.
        let customer_id = format!(
            "{}-c{:02x}{:02x}{:02x}{:02x}",
            cfg.till_code, r[0], r[1], r[2], r[3]
        );
        let (flow, _) = cfg.sale_flow();
        let secret_id = self.current_secret_id()?;
        let created = now_ms();
        // Payment Page: the link works until `best_before`, the end of the QR's countdown; the
        // gateway may then still be finishing a payment opened at the last moment.
        let link_expires_at =
            (flow == SaleFlow::PaymentPage).then(|| created + cfg.timing.sale_payable_ms as i64);
        let follow_until = created
            + cfg.timing.sale_follow_ms as i64
            + link_expires_at.map_or(0, |_| cfg.timing.sale_payable_ms as i64);
        for _ in 0..5 {
            let payment_id = new_payment_id(&cfg.till_code, 'S');
            let db = self.db();
            let tx = db.conn.unchecked_transaction()?;
            if payments::find(&tx, &payment_id)?.is_some() {
                continue; // a collision within the same second: draw again
            }
            let row = payments::insert(
                &tx,
                &NewPayment {
                    payment_id: payment_id.clone(),
                    kind: Kind::Sale,
                    amount,
                    project_id: cfg.project_id,
                    customer_id: customer_id.clone(),
                    customer_ip: cfg.customer_ip.clone(),
                    description: None,
                    card_id: None,
                    masked_card: None,
                    created_by: actor.map(str::to_owned),
                    follow_until,
                    flow,
                    link_expires_at,
                    gateway_url: cfg.gateway_url.clone(),
                    payment_page_url: cfg.payment_page_url.clone(),
                    secret_id: Some(secret_id.clone()),
                },
            )?;
            crate::db::shifts::stamp_sale(&tx, row, actor)?;
            audit::append(
                &tx,
                actor.unwrap_or("till"),
                "sale_created",
                &payment_id,
                &json!({"amount": amount.get(), "flow": flow.as_str()}),
            )?;
            tx.commit()?;
            drop(db);
            self.emit(TillEvent::Created {
                payment_id: payment_id.clone(),
                kind: Kind::Sale,
                amount,
            });
            return Ok((row, payment_id));
        }
        Err(TillError::Config(
            "could not draw a unique payment id".into(),
        ))
    }

    pub(crate) fn abandon(&self, payment_id: &str, actor: &str) -> Result<bool> {
        let changed = {
            let db = self.db();
            let p = payments::get(&db.conn, payment_id)?;
            if p.state.is_final() {
                return Ok(false);
            }
            let tx = db.conn.unchecked_transaction()?;
            let changed = payments::mark_abandoned(&tx, p.id)?;
            if changed {
                audit::append(&tx, actor, "sale_abandoned", payment_id, &json!({}))?;
            }
            tx.commit()?;
            changed
        };
        if changed {
            self.emit(TillEvent::Abandoned {
                payment_id: payment_id.to_owned(),
            });
        }
        Ok(changed)
    }
}
