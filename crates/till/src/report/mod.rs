//! A shift's X and Z reports and a manager's day report: the counts and sums of a shift's
//! (or a day's) payments, read from the payments themselves (never kept as running totals, so
//! a report always equals the rows it names). Rendered as plain text lines in uz, ru or en
//! ([`ShiftReport::text_lines`], [`DayReport::text_lines`]: the screen, the printer, the CLI),
//! as JSON lines, CSV and XLSX (`export`).
//!
//! Which payments: a shift's are those stamped with it when they were written (a sale still
//! open at the close stays in the shift it began in, and is noted when it ends after the
//! close); a day's are those written on that local day, whatever their shift.
//!
//! What is counted:
//! - sales: paid (success), declined (failed, except "link expired"), expired (a Payment Page
//!   link that expired unopened: `link_expired`), abandoned (nobody waits any more, not final,
//!   still followed), open (not final, someone waits);
//! - payouts: returns (a payout that returns money of a sale) and other payouts, each counted
//!   once they reached the card; failed and still-open payouts separately;
//! - net: paid sales minus returns and other payouts that reached the card.

use ecommpay::Tiyin;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection, Row};
use serde::Serialize;

use crate::db::audit::Head;
use crate::db::payments::LINK_EXPIRED;
use crate::db::shifts::{self, Shift};
use crate::error::Result;

pub mod export;
mod text;

pub use text::{Lang, Words, WIDTH};

/// A count and the sum of the amounts it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Sum {
    pub count: u64,
    pub sum: Tiyin,
}

/// The totals of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub paid: Sum,
    pub declined: Sum,
    pub expired: Sum,
    pub abandoned: Sum,
    pub open: Sum,
    pub returns: Sum,
    pub payouts: Sum,
    pub payouts_failed: Sum,
    pub payouts_open: Sum,
    /// Paid minus returns and other payouts (those that reached the card).
    pub net: Tiyin,
}

impl Totals {
    /// Every payment counted (each falls in exactly one bucket).
    pub fn payments(&self) -> u64 {
        [
            self.paid,
            self.declined,
            self.expired,
            self.abandoned,
            self.open,
            self.returns,
            self.payouts,
            self.payouts_failed,
            self.payouts_open,
        ]
        .iter()
        .map(|s| s.count)
        .sum()
    }
}

/// What a payment line in a report is there for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Note {
    /// Not final yet (at the close for a Z report; now for any other): still followed.
    Open,
    /// Ended after its shift closed; counted in its shift as it ended.
    EndedAfterClose,
}

/// One payment as a report names it (the first, the last, those still open).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentLine {
    pub payment_id: String,
    pub kind: String,
    pub amount: Tiyin,
    pub state: String,
    pub gateway_status: Option<String>,
    pub created_at: i64,
    pub final_at: Option<i64>,
    pub shift_id: Option<i64>,
    pub cashier: Option<String>,
    pub note: Option<Note>,
}

/// X (the open shift, any time), Z (at its close), or a closed shift read again later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    X,
    Z,
    Shift,
}

/// A shift's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShiftReport {
    pub kind: ReportKind,
    pub shift: Shift,
    pub totals: Totals,
    pub first: Option<PaymentLine>,
    pub last: Option<PaymentLine>,
    /// Payments of the shift not final (at the close for a Z report).
    pub open: Vec<PaymentLine>,
    /// Payments that ended after the shift closed (counted above as they ended).
    pub ended_after_close: Vec<PaymentLine>,
    pub generated_at: i64,
}

/// One cashier's part of a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CashierTotals {
    /// The shift's cashier; for a payment without a shift, who made it (empty: nobody named).
    pub cashier: String,
    pub totals: Totals,
}

/// A shift that overlapped the day, with its totals of that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShiftSummary {
    pub shift: Shift,
    pub totals: Totals,
}

/// A day across shifts, for managers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayReport {
    /// `YYYY-MM-DD`, the till's local day.
    pub date: String,
    pub till_code: String,
    pub from_ms: i64,
    pub to_ms: i64,
    pub shifts: Vec<ShiftSummary>,
    pub cashiers: Vec<CashierTotals>,
    pub totals: Totals,
    pub first: Option<PaymentLine>,
    pub last: Option<PaymentLine>,
    pub open: Vec<PaymentLine>,
    /// The audit chain's head when the report was made.
    pub audit_head: Option<Head>,
    pub generated_at: i64,
}

/// Which payments (a condition on `payments p`).
#[derive(Debug, Clone, Copy)]
enum Scope {
    Shift(i64),
    Between(i64, i64),
}

impl Scope {
    fn sql(self) -> (&'static str, Vec<SqlValue>) {
        match self {
            Scope::Shift(id) => ("p.shift_id = ?", vec![id.into()]),
            Scope::Between(a, b) => (
                "p.created_at >= ? AND p.created_at < ?",
                vec![a.into(), b.into()],
            ),
        }
    }
}

const TOTALS_SELECT: &str = "
    coalesce(sum(p.kind = 'sale' AND p.state = 'success'), 0),
    coalesce(sum(CASE WHEN p.kind = 'sale' AND p.state = 'success' THEN p.amount END), 0),
    coalesce(sum(p.kind = 'sale' AND p.state = 'failed' AND coalesce(p.gateway_status, '') != ?), 0),
    coalesce(sum(CASE WHEN p.kind = 'sale' AND p.state = 'failed' AND coalesce(p.gateway_status, '') != ? THEN p.amount END), 0),
    coalesce(sum(p.kind = 'sale' AND p.state = 'failed' AND p.gateway_status = ?), 0),
    coalesce(sum(CASE WHEN p.kind = 'sale' AND p.state = 'failed' AND p.gateway_status = ? THEN p.amount END), 0),
    coalesce(sum(p.kind = 'sale' AND p.stage < 4 AND p.abandoned_at IS NOT NULL), 0),
    coalesce(sum(CASE WHEN p.kind = 'sale' AND p.stage < 4 AND p.abandoned_at IS NOT NULL THEN p.amount END), 0),
    coalesce(sum(p.kind = 'sale' AND p.stage < 4 AND p.abandoned_at IS NULL), 0),
    coalesce(sum(CASE WHEN p.kind = 'sale' AND p.stage < 4 AND p.abandoned_at IS NULL THEN p.amount END), 0),
    coalesce(sum(p.kind = 'payout' AND p.state = 'success' AND r.sale_id IS NOT NULL), 0),
    coalesce(sum(CASE WHEN p.kind = 'payout' AND p.state = 'success' AND r.sale_id IS NOT NULL THEN p.amount END), 0),
    coalesce(sum(p.kind = 'payout' AND p.state = 'success' AND r.sale_id IS NULL), 0),
    coalesce(sum(CASE WHEN p.kind = 'payout' AND p.state = 'success' AND r.sale_id IS NULL THEN p.amount END), 0),
    coalesce(sum(p.kind = 'payout' AND p.state = 'failed'), 0),
    coalesce(sum(CASE WHEN p.kind = 'payout' AND p.state = 'failed' THEN p.amount END), 0),
    coalesce(sum(p.kind = 'payout' AND p.stage < 4), 0),
    coalesce(sum(CASE WHEN p.kind = 'payout' AND p.stage < 4 THEN p.amount END), 0)";

const FROM: &str = "FROM payments p LEFT JOIN payout_requests r ON r.payment_row = p.id LEFT JOIN shifts s ON s.id = p.shift_id";

fn totals_from(r: &Row<'_>, at: usize) -> rusqlite::Result<Totals> {
    let sum = |i: usize| -> rusqlite::Result<Sum> {
        Ok(Sum {
            count: r.get::<_, i64>(at + 2 * i)? as u64,
            sum: Tiyin::new(r.get(at + 2 * i + 1)?),
        })
    };
    let t = Totals {
        paid: sum(0)?,
        declined: sum(1)?,
        expired: sum(2)?,
        abandoned: sum(3)?,
        open: sum(4)?,
        returns: sum(5)?,
        payouts: sum(6)?,
        payouts_failed: sum(7)?,
        payouts_open: sum(8)?,
        net: Tiyin::new(0),
    };
    Ok(Totals {
        net: Tiyin::new(t.paid.sum.get() - t.returns.sum.get() - t.payouts.sum.get()),
        ..t
    })
}

fn link_expired_args() -> Vec<SqlValue> {
    (0..4)
        .map(|_| SqlValue::from(LINK_EXPIRED.to_owned()))
        .collect()
}

fn totals(conn: &Connection, scope: Scope) -> Result<Totals> {
    let (cond, args) = scope.sql();
    let sql = format!("SELECT {TOTALS_SELECT} {FROM} WHERE {cond}");
    let mut all = link_expired_args();
    all.extend(args);
    let mut stmt = conn.prepare_cached(&sql)?;
    Ok(stmt.query_row(params_from_iter(all.iter()), |r| totals_from(r, 0))?)
}

const LINE_SELECT: &str = "p.payment_id, p.kind, p.amount, p.state, p.gateway_status, p.created_at, p.final_at, p.shift_id, coalesce(s.user_name, p.created_by)";

fn line_from(r: &Row<'_>) -> rusqlite::Result<PaymentLine> {
    Ok(PaymentLine {
        payment_id: r.get(0)?,
        kind: r.get(1)?,
        amount: Tiyin::new(r.get(2)?),
        state: r.get(3)?,
        gateway_status: r.get(4)?,
        created_at: r.get(5)?,
        final_at: r.get(6)?,
        shift_id: r.get(7)?,
        cashier: r.get(8)?,
        note: None,
    })
}

fn lines(conn: &Connection, scope: Scope, extra: &str, order: &str) -> Result<Vec<PaymentLine>> {
    let (cond, args) = scope.sql();
    let sql = format!("SELECT {LINE_SELECT} {FROM} WHERE {cond} {extra} ORDER BY {order}");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args.iter()), line_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn first_last(
    conn: &Connection,
    scope: Scope,
) -> Result<(Option<PaymentLine>, Option<PaymentLine>)> {
    let first = lines(conn, scope, "", "p.created_at, p.id LIMIT 1")?.pop();
    let last = lines(conn, scope, "", "p.created_at DESC, p.id DESC LIMIT 1")?.pop();
    Ok((first, last))
}

fn open_lines(conn: &Connection, scope: Scope) -> Result<Vec<PaymentLine>> {
    let mut v = lines(conn, scope, "AND p.stage < 4", "p.created_at, p.id")?;
    for l in &mut v {
        l.note = Some(Note::Open);
    }
    Ok(v)
}

/// A shift's report now: X while it is open, the shift's own once closed. `kind` Z is for the
/// report made in the close's transaction ([`shift_report_at_close`]).
pub fn shift_report(conn: &Connection, shift_id: i64) -> Result<ShiftReport> {
    let shift = shifts::get(conn, shift_id)?;
    let kind = if shift.is_open() {
        ReportKind::X
    } else {
        ReportKind::Shift
    };
    build_shift(conn, shift, kind)
}

/// The Z report of a shift closed at `closed_at` (called inside the close's transaction).
pub fn shift_report_at_close(
    conn: &Connection,
    shift: &Shift,
    closed_at: i64,
) -> Result<ShiftReport> {
    let mut s = shift.clone();
    s.closed_at = Some(closed_at);
    build_shift(conn, s, ReportKind::Z)
}

fn build_shift(conn: &Connection, shift: Shift, kind: ReportKind) -> Result<ShiftReport> {
    let scope = Scope::Shift(shift.id);
    let totals = totals(conn, scope)?;
    let (first, last) = first_last(conn, scope)?;
    let open = open_lines(conn, scope)?;
    let ended_after_close = match (kind, shift.closed_at) {
        (ReportKind::Shift, Some(closed)) => {
            let mut v = lines(
                conn,
                scope,
                &format!("AND p.stage = 4 AND p.final_at > {closed}"),
                "p.final_at, p.id",
            )?;
            for l in &mut v {
                l.note = Some(Note::EndedAfterClose);
            }
            v
        }
        _ => Vec::new(),
    };
    Ok(ShiftReport {
        kind,
        shift,
        totals,
        first,
        last,
        open,
        ended_after_close,
        generated_at: crate::db::now_ms(),
    })
}

/// The day report of local day `date` (`[from_ms, to_ms)`): every payment written that day,
/// per shift, per cashier and in all; the audit head as it is now.
pub fn day_report(
    conn: &Connection,
    date: &str,
    till_code: &str,
    from_ms: i64,
    to_ms: i64,
    audit_head: Option<Head>,
) -> Result<DayReport> {
    let scope = Scope::Between(from_ms, to_ms);
    let totals_all = totals(conn, scope)?;
    let mut summaries = Vec::new();
    for shift in shifts::overlapping(conn, from_ms, to_ms)? {
        let sql = format!(
            "SELECT {TOTALS_SELECT} {FROM} WHERE p.shift_id = ? AND p.created_at >= ? AND p.created_at < ?"
        );
        let mut args = link_expired_args();
        args.extend([shift.id.into(), from_ms.into(), to_ms.into()]);
        let t = conn
            .prepare_cached(&sql)?
            .query_row(params_from_iter(args.iter()), |r| totals_from(r, 0))?;
        summaries.push(ShiftSummary { shift, totals: t });
    }
    let sql = format!(
        "SELECT coalesce(s.user_name, p.created_by, ''), {TOTALS_SELECT} {FROM}
         WHERE p.created_at >= ? AND p.created_at < ? GROUP BY 1 ORDER BY 1"
    );
    let mut args = link_expired_args();
    args.extend([from_ms.into(), to_ms.into()]);
    let mut stmt = conn.prepare_cached(&sql)?;
    let cashiers = stmt
        .query_map(params_from_iter(args.iter()), |r| {
            Ok(CashierTotals {
                cashier: r.get(0)?,
                totals: totals_from(r, 1)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let (first, last) = first_last(conn, scope)?;
    Ok(DayReport {
        date: date.to_owned(),
        till_code: till_code.to_owned(),
        from_ms,
        to_ms,
        shifts: summaries,
        cashiers,
        totals: totals_all,
        first,
        last,
        open: open_lines(conn, scope)?,
        audit_head,
        generated_at: crate::db::now_ms(),
    })
}
