//! Payout requests and their decisions. A request is what anyone signed in asks for; an
//! approval by a different user, a manager, turns it into a payout payment; a manager's
//! rejection (with an optional note) ends it without moving money. Only a `requested` request
//! is ever decided: `approved`, `rejected` and `expired` are final.

use ecommpay::Tiyin;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::now_ms;
use crate::error::{Result, TillError};

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Requested,
    Approved,
    Rejected,
    Expired,
}

impl RequestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Requested => "requested",
            RequestStatus::Approved => "approved",
            RequestStatus::Rejected => "rejected",
            RequestStatus::Expired => "expired",
        }
    }
    fn parse(s: &str) -> RequestStatus {
        match s {
            "approved" => RequestStatus::Approved,
            "rejected" => RequestStatus::Rejected,
            "expired" => RequestStatus::Expired,
            _ => RequestStatus::Requested,
        }
    }
}

/// A payout request with what became of it.
#[derive(Debug, Clone, Serialize)]
pub struct PayoutRequestRow {
    pub id: i64,
    pub card_id: i64,
    pub masked_card: String,
    /// The sale whose money this returns, if any.
    pub sale_payment_id: Option<String>,
    pub amount: Tiyin,
    pub reason: String,
    pub requested_by: Option<i64>,
    pub requested_name: String,
    pub requested_at: i64,
    pub expires_at: i64,
    pub status: RequestStatus,
    /// The manager who decided (approved or rejected).
    pub approver: Option<String>,
    /// When the request was approved or rejected.
    pub decided_at: Option<i64>,
    /// The manager's note on the decision (the reason of a rejection), if any.
    pub decision_note: Option<String>,
    /// The payout's `payment_id` once approved.
    pub payment_id: Option<String>,
    /// The payout's local state once approved.
    pub payment_state: Option<String>,
}

const SELECT: &str = "SELECT r.id, r.card_id, c.masked, s.payment_id, r.amount, r.reason, r.requested_by, r.requested_name,
        r.requested_at, r.expires_at, r.status, u.name, p.payment_id, p.state, a.decided_at, a.note
    FROM payout_requests r
    JOIN cards c ON c.id = r.card_id
    LEFT JOIN payments s ON s.id = r.sale_id
    LEFT JOIN payout_approvals a ON a.request_id = r.id
    LEFT JOIN users u ON u.id = a.approver_id
    LEFT JOIN payments p ON p.id = r.payment_row";

fn map(r: &rusqlite::Row<'_>) -> rusqlite::Result<PayoutRequestRow> {
    let status: String = r.get(10)?;
    Ok(PayoutRequestRow {
        id: r.get(0)?,
        card_id: r.get(1)?,
        masked_card: r.get(2)?,
        sale_payment_id: r.get(3)?,
        amount: Tiyin::new(r.get(4)?),
        reason: r.get(5)?,
        requested_by: r.get(6)?,
        requested_name: r.get(7)?,
        requested_at: r.get(8)?,
        expires_at: r.get(9)?,
        status: RequestStatus::parse(&status),
        approver: r.get(11)?,
        payment_id: r.get(12)?,
        payment_state: r.get(13)?,
        decided_at: r.get(14)?,
        decision_note: r.get(15)?,
    })
}

/// A request about to be written.
pub struct NewRequest<'a> {
    pub card_id: i64,
    pub sale_row: Option<i64>,
    pub amount: Tiyin,
    pub reason: &'a str,
    pub requested_by: Option<i64>,
    pub requested_name: &'a str,
    pub ttl_ms: i64,
}

pub fn insert(conn: &Connection, r: &NewRequest<'_>) -> Result<i64> {
    let now = now_ms();
    conn.execute(
        "INSERT INTO payout_requests(card_id, sale_id, amount, reason, requested_by, requested_name, requested_at, expires_at, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'requested')",
        params![r.card_id, r.sale_row, r.amount.get(), r.reason, r.requested_by, r.requested_name, now, now + r.ttl_ms],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn get(conn: &Connection, id: i64) -> Result<PayoutRequestRow> {
    conn.query_row(&format!("{SELECT} WHERE r.id = ?1"), [id], map)
        .optional()?
        .ok_or(TillError::PayoutRequestNotFound(id))
}

/// Marks requests past their time as expired; returns how many.
pub fn expire(conn: &Connection) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE payout_requests SET status = 'expired' WHERE status = 'requested' AND expires_at <= ?1",
        [now_ms()],
    )?)
}

pub fn list(conn: &Connection, limit: u32) -> Result<Vec<PayoutRequestRow>> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY r.id DESC LIMIT ?1"))?;
    let rows = stmt.query_map([limit], map)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// What is already returned or on its way back for a sale: pending requests and approved
/// payouts that did not fail.
pub fn committed_for_sale(conn: &Connection, sale_row: i64) -> Result<Tiyin> {
    let sum: i64 = conn.query_row(
        "SELECT coalesce(sum(r.amount), 0) FROM payout_requests r LEFT JOIN payments p ON p.id = r.payment_row
         WHERE r.sale_id = ?1 AND (
             (r.status = 'requested' AND r.expires_at > ?2)
             OR (r.status = 'approved' AND (p.state IS NULL OR p.state != 'failed')))",
        params![sale_row, now_ms()],
        |r| r.get(0),
    )?;
    Ok(Tiyin::new(sum))
}

/// Payouts started in `[from, to)` that did not fail.
pub fn paid_out_between(conn: &Connection, from: i64, to: i64) -> Result<Tiyin> {
    let sum: i64 = conn.query_row(
        "SELECT coalesce(sum(amount), 0) FROM payments
         WHERE kind = 'payout' AND created_at >= ?1 AND created_at < ?2 AND state != 'failed'",
        params![from, to],
        |r| r.get(0),
    )?;
    Ok(Tiyin::new(sum))
}

/// Records the approval and links the payout payment; only a `requested` request changes.
pub fn approve(
    conn: &Connection,
    request_id: i64,
    approver_id: i64,
    payment_row: i64,
) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE payout_requests SET status = 'approved', payment_row = ?2 WHERE id = ?1 AND status = 'requested'",
        params![request_id, payment_row],
    )?;
    if changed == 1 {
        conn.execute(
            "INSERT INTO payout_approvals(request_id, approver_id, decided_at, decision) VALUES (?1, ?2, ?3, 'approved')",
            params![request_id, approver_id, now_ms()],
        )?;
    }
    Ok(changed == 1)
}

/// Records a rejection; only a `requested` request that has not expired changes.
pub fn reject(
    conn: &Connection,
    request_id: i64,
    decider_id: i64,
    note: Option<&str>,
) -> Result<bool> {
    let now = now_ms();
    let changed = conn.execute(
        "UPDATE payout_requests SET status = 'rejected' WHERE id = ?1 AND status = 'requested' AND expires_at > ?2",
        params![request_id, now],
    )?;
    if changed == 1 {
        conn.execute(
            "INSERT INTO payout_approvals(request_id, approver_id, decided_at, decision, note) VALUES (?1, ?2, ?3, 'rejected', ?4)",
            params![request_id, decider_id, now, note],
        )?;
    }
    Ok(changed == 1)
}
