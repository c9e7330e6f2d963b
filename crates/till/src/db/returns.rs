//! How much of a sale may still be returned, by the same rule the payout request checks
//! (`payouts::committed_for_sale`: pending requests not expired and approved payouts that did
//! not fail count against the sale), and the sale a return belongs to as people see it.

use ecommpay::Tiyin;
use rusqlite::{params, Connection};
use serde::Serialize;

use super::payments::{self, Kind, State};
use super::payouts;
use crate::error::Result;

/// A sale as a return refers to it: its id, amount and time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SaleRef {
    pub payment_id: String,
    pub amount: Tiyin,
    pub created_at: i64,
}

/// What is left to return of one sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Returnable {
    pub sale: SaleRef,
    /// The card that paid (a return goes back to it), masked only.
    pub card_id: Option<i64>,
    pub masked_card: Option<String>,
    /// Whether money can go back at all: a sale that succeeded with a saved card.
    pub eligible: bool,
    /// Paid back already (payouts that succeeded).
    pub returned: Tiyin,
    /// On its way back: requests waiting for approval and approved payouts not final yet.
    pub pending: Tiyin,
    /// What one more return may ask for (0 when nothing is left or the sale cannot be returned).
    pub returnable: Tiyin,
}

impl Returnable {
    /// Returned or on its way back in full: nothing more is offered.
    pub fn fully_returned(&self) -> bool {
        self.eligible && self.returnable.get() == 0
    }
}

/// The sale `payment_id`, with what is left of it to return.
pub fn returnable(conn: &Connection, payment_id: &str) -> Result<Returnable> {
    let sale = payments::get(conn, payment_id)?;
    let eligible =
        sale.kind == Kind::Sale && sale.state == State::Success && sale.card_id.is_some();
    let committed = payouts::committed_for_sale(conn, sale.id)?;
    let returned: i64 = conn.query_row(
        "SELECT coalesce(sum(r.amount), 0) FROM payout_requests r JOIN payments p ON p.id = r.payment_row
         WHERE r.sale_id = ?1 AND r.status = 'approved' AND p.state = 'success'",
        params![sale.id],
        |r| r.get(0),
    )?;
    let left = if eligible {
        (sale.amount.get() - committed.get()).max(0)
    } else {
        0
    };
    Ok(Returnable {
        sale: SaleRef {
            payment_id: sale.payment_id,
            amount: sale.amount,
            created_at: sale.created_at,
        },
        card_id: sale.card_id,
        masked_card: sale.masked_card,
        eligible,
        returned: Tiyin::new(returned),
        pending: Tiyin::new((committed.get() - returned).max(0)),
        returnable: Tiyin::new(left),
    })
}

/// The sales these returns belong to (unknown ids are left out).
pub fn sale_refs(conn: &Connection, payment_ids: &[String]) -> Result<Vec<SaleRef>> {
    let mut stmt = conn.prepare_cached(
        "SELECT payment_id, amount, created_at FROM payments WHERE payment_id = ?1 AND kind = 'sale'",
    )?;
    let mut out = Vec::new();
    for id in payment_ids {
        let mut rows = stmt.query([id])?;
        if let Some(r) = rows.next()? {
            out.push(SaleRef {
                payment_id: r.get(0)?,
                amount: Tiyin::new(r.get(1)?),
                created_at: r.get(2)?,
            });
        }
    }
    Ok(out)
}

/// The sale a payout (by its own `payment_id`) returns money of, if any.
pub fn sale_of_payout(conn: &Connection, payout_payment_id: &str) -> Result<Option<SaleRef>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.payment_id, s.amount, s.created_at FROM payout_requests r
         JOIN payments p ON p.id = r.payment_row JOIN payments s ON s.id = r.sale_id
         WHERE p.payment_id = ?1",
    )?;
    let mut rows = stmt.query([payout_payment_id])?;
    Ok(match rows.next()? {
        Some(r) => Some(SaleRef {
            payment_id: r.get(0)?,
            amount: Tiyin::new(r.get(1)?),
            created_at: r.get(2)?,
        }),
        None => None,
    })
}
