//! Shifts: a cashier's working period at this till (this database is one till). Opened at
//! sign-in or by hand, closed by hand; at most one open per user (a unique partial index).
//! A payment is stamped with the shift open when it is written (`payments.shift_id`, in the
//! same transaction as its insert) and never moved, so a sale still open at the close ends in
//! the shift it began in.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use serde_json::json;

use super::{audit, now_ms};
use crate::error::{Result, TillError};

/// How a shift was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OpenedHow {
    /// By signing in to the app.
    SignIn,
    /// By `cashier shift open` or the app's "Open shift".
    Explicit,
}

impl OpenedHow {
    pub fn as_str(self) -> &'static str {
        match self {
            OpenedHow::SignIn => "sign_in",
            OpenedHow::Explicit => "explicit",
        }
    }
}

/// A shift as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shift {
    pub id: i64,
    pub user_id: i64,
    pub user_name: String,
    pub till_code: String,
    pub opened_at: i64,
    pub opened_how: String,
    pub closed_at: Option<i64>,
    pub closed_by: Option<String>,
}

impl Shift {
    pub fn is_open(&self) -> bool {
        self.closed_at.is_none()
    }
}

const COLUMNS: &str =
    "id, user_id, user_name, till_code, opened_at, opened_how, closed_at, closed_by";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Shift> {
    Ok(Shift {
        id: r.get(0)?,
        user_id: r.get(1)?,
        user_name: r.get(2)?,
        till_code: r.get(3)?,
        opened_at: r.get(4)?,
        opened_how: r.get(5)?,
        closed_at: r.get(6)?,
        closed_by: r.get(7)?,
    })
}

/// The user's open shift, if any.
pub fn open_of(conn: &Connection, user_id: i64) -> Result<Option<Shift>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM shifts WHERE user_id = ?1 AND closed_at IS NULL"),
            [user_id],
            from_row,
        )
        .optional()?)
}

pub fn get(conn: &Connection, id: i64) -> Result<Shift> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM shifts WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()?
    .ok_or(TillError::ShiftNotFound(id))
}

/// Opens a shift for the user unless one is open (then that one is returned, unchanged).
/// Returns the shift and whether it was opened now.
pub fn open(
    conn: &Connection,
    user_id: i64,
    user_name: &str,
    till_code: &str,
    how: OpenedHow,
) -> Result<(Shift, bool)> {
    let tx = conn.unchecked_transaction()?;
    if let Some(s) = open_of(&tx, user_id)? {
        return Ok((s, false));
    }
    tx.execute(
        "INSERT INTO shifts(user_id, user_name, till_code, opened_at, opened_how) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![user_id, user_name, till_code, now_ms(), how.as_str()],
    )?;
    let id = tx.last_insert_rowid();
    audit::append(
        &tx,
        user_name,
        "shift_opened",
        &id.to_string(),
        &json!({"till": till_code, "how": how.as_str()}),
    )?;
    tx.commit()?;
    Ok((get(conn, id)?, true))
}

/// Closes the user's open shift as `by`, recording `detail` (the Z report's totals) in the
/// audit log in the same transaction. Returns the closed shift.
pub fn close(
    conn: &Connection,
    user_id: i64,
    user_name: &str,
    by: &str,
    detail: impl FnOnce(&Connection, &Shift, i64) -> Result<serde_json::Value>,
) -> Result<Shift> {
    let tx = conn.unchecked_transaction()?;
    let shift = open_of(&tx, user_id)?.ok_or_else(|| TillError::NoOpenShift(user_name.into()))?;
    let at = now_ms().max(shift.opened_at);
    let n = tx.execute(
        "UPDATE shifts SET closed_at = ?1, closed_by = ?2 WHERE id = ?3 AND closed_at IS NULL",
        params![at, by, shift.id],
    )?;
    if n != 1 {
        return Err(TillError::NoOpenShift(user_name.into()));
    }
    let d = detail(&tx, &shift, at)?;
    audit::append(&tx, by, "shift_closed", &shift.id.to_string(), &d)?;
    tx.commit()?;
    get(conn, shift.id)
}

/// Shifts that overlap `[from, to)` (opened before `to`, not closed before `from`), oldest first.
pub fn overlapping(conn: &Connection, from: i64, to: i64) -> Result<Vec<Shift>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM shifts WHERE opened_at < ?2 AND (closed_at IS NULL OR closed_at >= ?1) ORDER BY opened_at, id"
    ))?;
    let rows = stmt.query_map(params![from, to], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The latest shifts (newest first).
pub fn recent(conn: &Connection, limit: u32) -> Result<Vec<Shift>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM shifts ORDER BY opened_at DESC, id DESC LIMIT ?1"
    ))?;
    let rows = stmt.query_map([i64::from(limit)], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Stamps a new sale with the open shift of the user named `actor` (none for a sale made
/// without a user, such as `cashier sale`). Call in the transaction that inserted it.
pub fn stamp_sale(conn: &Connection, payment_row: i64, actor: Option<&str>) -> Result<()> {
    let Some(name) = actor else { return Ok(()) };
    conn.execute(
        "UPDATE payments SET shift_id = (SELECT s.id FROM shifts s JOIN users u ON u.id = s.user_id WHERE u.name = ?1 AND s.closed_at IS NULL)
         WHERE id = ?2",
        params![name, payment_row],
    )?;
    Ok(())
}

/// Stamps a new payout with the shift of whoever hands the money back: the requester's open
/// shift (the cashier at the counter), else the approver's.
pub fn stamp_payout(
    conn: &Connection,
    payment_row: i64,
    requester: Option<i64>,
    approver: i64,
) -> Result<()> {
    conn.execute(
        "UPDATE payments SET shift_id = coalesce(
            (SELECT id FROM shifts WHERE user_id = ?1 AND closed_at IS NULL),
            (SELECT id FROM shifts WHERE user_id = ?2 AND closed_at IS NULL))
         WHERE id = ?3",
        params![requester, approver, payment_row],
    )?;
    Ok(())
}

/// The shift a payment belongs to, if any.
pub fn of_payment(conn: &Connection, payment_id: &str) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT shift_id FROM payments WHERE payment_id = ?1",
            [payment_id],
            |r| r.get::<_, Option<i64>>(0),
        )
        .optional()?
        .flatten())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::payments::{insert, Kind, NewPayment};
    use crate::db::Db;

    fn sale(db: &Db, id: &str) -> i64 {
        insert(
            &db.conn,
            &NewPayment {
                payment_id: id.into(),
                kind: Kind::Sale,
                amount: ecommpay::Tiyin::new(100),
                project_id: 1,
                customer_id: "c".into(),
                customer_ip: "127.0.0.1".into(),
                description: None,
                card_id: None,
                masked_card: None,
                created_by: Some("anna".into()),
                follow_until: 0,
                flow: crate::config::SaleFlow::Gate,
                gateway_url: String::new(),
                payment_page_url: String::new(),
                secret_id: None,
                link_expires_at: None,
            },
        )
        .unwrap()
    }

    #[test]
    fn one_open_shift_per_user_and_a_sale_belongs_to_the_open_one() {
        let db = Db::open_in_memory().unwrap();
        db.conn
            .execute(
                "INSERT INTO users(name, role, pin_hash, created_at) VALUES ('anna', 'cashier', 'x', 0)",
                [],
            )
            .unwrap();
        let uid = db.conn.last_insert_rowid();
        let (s, new) = open(&db.conn, uid, "anna", "T1", OpenedHow::SignIn).unwrap();
        assert!(new && s.is_open());
        let (again, new) = open(&db.conn, uid, "anna", "T1", OpenedHow::Explicit).unwrap();
        assert!(!new);
        assert_eq!(again, s);
        // The index refuses a second open shift whoever writes it.
        assert!(db
            .conn
            .execute(
                "INSERT INTO shifts(user_id, user_name, till_code, opened_at, opened_how) VALUES (?1, 'anna', 'T1', 1, 'explicit')",
                [uid],
            )
            .is_err());
        let row = sale(&db, "T1-1");
        stamp_sale(&db.conn, row, Some("anna")).unwrap();
        assert_eq!(of_payment(&db.conn, "T1-1").unwrap(), Some(s.id));
        let row = sale(&db, "T1-2");
        stamp_sale(&db.conn, row, None).unwrap();
        assert_eq!(of_payment(&db.conn, "T1-2").unwrap(), None);
        let closed = close(&db.conn, uid, "anna", "anna", |_, _, _| Ok(json!({}))).unwrap();
        assert!(!closed.is_open() && closed.closed_at >= Some(closed.opened_at));
        assert_eq!(
            close(&db.conn, uid, "anna", "anna", |_, _, _| Ok(json!({})))
                .unwrap_err()
                .code(),
            "no_open_shift"
        );
        let row = sale(&db, "T1-3");
        stamp_sale(&db.conn, row, Some("anna")).unwrap();
        assert_eq!(of_payment(&db.conn, "T1-3").unwrap(), None, "no shift open");
        assert_eq!(recent(&db.conn, 10).unwrap(), vec![closed]);
    }
}
