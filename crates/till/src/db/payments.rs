//! Payments (sales and payouts): the row, its insert, and the small updates the engines make.
//! Every update that changes the state is conditional on `stage` so that it can only move a
//! payment forward, whoever calls it and in whatever order (see `engine::state`).

use ecommpay::Tiyin;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::now_ms;
use crate::config::SaleFlow;
use crate::error::{Result, TillError};

/// `gateway_status` of a Payment Page sale that ended locally because its link expired with
/// the gateway never having heard of it. Not the gateway's word: a payment that turns up later
/// still overrides it (a late success).
pub const LINK_EXPIRED: &str = "link_expired";

/// Sale or payout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Sale,
    Payout,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Sale => "sale",
            Kind::Payout => "payout",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "sale" => Some(Kind::Sale),
            "payout" => Some(Kind::Payout),
            _ => None,
        }
    }
    /// `payment.type` the gateway uses for this kind.
    pub fn gateway_type(self) -> &'static str {
        match self {
            Kind::Sale => "purchase",
            Kind::Payout => "payout",
        }
    }
}

/// The local state of a payment. Ordered: a payment only ever moves to a later stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Written, not yet handed to the network.
    Created,
    /// Handed to the network; the answer is not recorded (it may or may not have arrived).
    Sending,
    /// The gateway accepted the request.
    Accepted,
    /// The gateway reported a pending status (waiting for the customer, processing).
    Pending,
    /// Final: money moved.
    Success,
    /// Final: no money moved.
    Failed,
}

impl State {
    pub fn stage(self) -> i64 {
        match self {
            State::Created => 0,
            State::Sending => 1,
            State::Accepted => 2,
            State::Pending => 3,
            State::Success | State::Failed => 4,
        }
    }
    pub fn is_final(self) -> bool {
        self.stage() == 4
    }
    pub fn as_str(self) -> &'static str {
        match self {
            State::Created => "created",
            State::Sending => "sending",
            State::Accepted => "accepted",
            State::Pending => "pending",
            State::Success => "success",
            State::Failed => "failed",
        }
    }
    pub fn parse(s: &str) -> Option<State> {
        Some(match s {
            "created" => State::Created,
            "sending" => State::Sending,
            "accepted" => State::Accepted,
            "pending" => State::Pending,
            "success" => State::Success,
            "failed" => State::Failed,
            _ => return None,
        })
    }
}

/// A payment as stored. Holds no secret: the card appears only masked.
#[derive(Debug, Clone, Serialize)]
pub struct Payment {
    pub id: i64,
    pub payment_id: String,
    pub kind: Kind,
    pub amount: Tiyin,
    pub currency: String,
    pub project_id: u64,
    pub customer_id: String,
    pub customer_ip: String,
    pub description: Option<String>,
    pub card_id: Option<i64>,
    pub masked_card: Option<String>,
    pub state: State,
    pub gateway_status: Option<String>,
    pub code: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
    pub redirect_url: Option<String>,
    pub redirect_method: Option<String>,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub answered_at: Option<i64>,
    pub final_at: Option<i64>,
    pub follow_until: i64,
    pub abandoned_at: Option<i64>,
    pub send_attempts: i64,
    pub poll_count: i64,
    pub last_error: Option<String>,
    pub flagged: bool,
    /// How the sale was made (payouts: always `gate`).
    pub flow: SaleFlow,
    /// Payment Page: when the link stops working (`best_before`).
    pub link_expires_at: Option<i64>,
    /// The gateway that knows this payment: every poll, resend and check uses these, never
    /// the current config (`project_id` above belongs with them).
    pub gateway_url: String,
    pub payment_page_url: String,
    /// Which secret signed it: a key id (see `Core::secret_id`), never the secret.
    pub secret_id: Option<String>,
    /// When an engine started and found this sale open (whoever showed it had stopped).
    pub interrupted_at: Option<i64>,
}

impl Payment {
    /// A Payment Page sale ended by the till because its link expired unopened.
    pub fn link_expired(&self) -> bool {
        self.state == State::Failed && self.gateway_status.as_deref() == Some(LINK_EXPIRED)
    }
}

pub(crate) const COLUMNS: &str = "id, payment_id, kind, amount, currency, project_id, customer_id, customer_ip, description, card_id, masked_card, state, gateway_status, code, message, request_id, redirect_url, redirect_method, created_by, created_at, sent_at, answered_at, final_at, follow_until, abandoned_at, send_attempts, poll_count, last_error, flagged, flow, link_expires_at, coalesce(gateway_url, ''), coalesce(payment_page_url, ''), secret_id, interrupted_at";

pub(crate) fn from_row(r: &Row<'_>) -> rusqlite::Result<Payment> {
    let kind: String = r.get(2)?;
    let state: String = r.get(11)?;
    let bad = |i, what: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            what.to_owned().into(),
        )
    };
    Ok(Payment {
        id: r.get(0)?,
        payment_id: r.get(1)?,
        kind: Kind::parse(&kind).ok_or_else(|| bad(2, "kind"))?,
        amount: Tiyin::new(r.get(3)?),
        currency: r.get(4)?,
        project_id: r.get::<_, i64>(5)? as u64,
        customer_id: r.get(6)?,
        customer_ip: r.get(7)?,
        description: r.get(8)?,
        card_id: r.get(9)?,
        masked_card: r.get(10)?,
        state: State::parse(&state).ok_or_else(|| bad(11, "state"))?,
        gateway_status: r.get(12)?,
        code: r.get(13)?,
        message: r.get(14)?,
        request_id: r.get(15)?,
        redirect_url: r.get(16)?,
        redirect_method: r.get(17)?,
        created_by: r.get(18)?,
        created_at: r.get(19)?,
        sent_at: r.get(20)?,
        answered_at: r.get(21)?,
        final_at: r.get(22)?,
        follow_until: r.get(23)?,
        abandoned_at: r.get(24)?,
        send_attempts: r.get(25)?,
        poll_count: r.get(26)?,
        last_error: r.get(27)?,
        flagged: r.get::<_, i64>(28)? != 0,
        flow: SaleFlow::parse(&r.get::<_, String>(29)?).ok_or_else(|| bad(29, "flow"))?,
        link_expires_at: r.get(30)?,
        gateway_url: r.get(31)?,
        payment_page_url: r.get(32)?,
        secret_id: r.get(33)?,
        interrupted_at: r.get(34)?,
    })
}

/// A payment about to be written.
#[derive(Debug, Clone)]
pub struct NewPayment {
    pub payment_id: String,
    pub kind: Kind,
    pub amount: Tiyin,
    pub project_id: u64,
    pub customer_id: String,
    pub customer_ip: String,
    pub description: Option<String>,
    pub card_id: Option<i64>,
    pub masked_card: Option<String>,
    pub created_by: Option<String>,
    pub follow_until: i64,
    pub flow: SaleFlow,
    pub link_expires_at: Option<i64>,
    /// Where it is sent and followed (the config at the time it is written).
    pub gateway_url: String,
    pub payment_page_url: String,
    pub secret_id: Option<String>,
}

/// The last four digits of a masked card, for the "card ending in" search.
pub fn last4(masked: &str) -> Option<String> {
    let digits: String = masked
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    (digits.len() >= 4).then(|| {
        digits
            .chars()
            .take(4)
            .collect::<String>()
            .chars()
            .rev()
            .collect()
    })
}

pub fn insert(conn: &Connection, p: &NewPayment) -> Result<i64> {
    conn.execute(
        "INSERT INTO payments(payment_id, kind, amount, currency, project_id, customer_id, customer_ip, description, card_id, masked_card, card_last4, state, stage, created_by, created_at, follow_until, flow, link_expires_at, gateway_url, payment_page_url, secret_id)
         VALUES (?1, ?2, ?3, 'UZS', ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'created', 0, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        params![
            p.payment_id,
            p.kind.as_str(),
            p.amount.get(),
            p.project_id as i64,
            p.customer_id,
            p.customer_ip,
            p.description,
            p.card_id,
            p.masked_card,
            p.masked_card.as_deref().and_then(last4),
            p.created_by,
            now_ms(),
            p.follow_until,
            p.flow.as_str(),
            p.link_expires_at,
            p.gateway_url,
            p.payment_page_url,
            p.secret_id,
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn get(conn: &Connection, payment_id: &str) -> Result<Payment> {
    find(conn, payment_id)?.ok_or_else(|| TillError::PaymentNotFound(payment_id.to_owned()))
}

pub fn find(conn: &Connection, payment_id: &str) -> Result<Option<Payment>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM payments WHERE payment_id = ?1"),
            [payment_id],
            from_row,
        )
        .optional()?)
}

pub fn by_row(conn: &Connection, id: i64) -> Result<Payment> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM payments WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()?
    .ok_or_else(|| TillError::PaymentNotFound(format!("#{id}")))
}

/// Payments written before they were bound to a gateway (schema 4) get the config of the
/// till as it is: they were made with it (a till that changed its gateway since could not
/// follow them anyway). Run when the till opens.
pub fn bind_unbound(
    conn: &Connection,
    gateway_url: &str,
    payment_page_url: &str,
    secret_id: Option<&str>,
) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE payments SET gateway_url = ?1, payment_page_url = ?2, secret_id = coalesce(secret_id, ?3) WHERE gateway_url IS NULL",
        params![gateway_url, payment_page_url, secret_id],
    )?)
}

/// How many payments that are not final belong to another gateway or project than
/// `(gateway_url, project_id)`: they are still followed there until final.
pub fn open_elsewhere(conn: &Connection, gateway_url: &str, project_id: u64) -> Result<usize> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM payments WHERE stage < 4 AND (gateway_url != ?1 OR project_id != ?2)",
        params![gateway_url, project_id as i64],
        |r| r.get(0),
    )?;
    Ok(n as usize)
}

/// The secret ids that payments not yet final were signed with.
pub fn open_secret_ids(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT DISTINCT secret_id FROM payments WHERE stage < 4 AND secret_id IS NOT NULL",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Marks every sale that is not final as interrupted (an engine is starting: whoever showed
/// them is gone). Returns the rows marked now.
pub fn mark_open_sales_interrupted(conn: &Connection) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare(
        "UPDATE payments SET interrupted_at = ?1 WHERE kind = 'sale' AND stage < 4 AND interrupted_at IS NULL
         RETURNING id, payment_id",
    )?;
    let rows = stmt.query_map([now_ms()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every payment that is not final, oldest first.
pub fn open(conn: &Connection) -> Result<Vec<Payment>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM payments WHERE stage < 4 ORDER BY id"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The Payment Page sales that ended because their link expired unopened and are still
/// watched for a late payment (until their follow limit).
pub fn watched_expired(conn: &Connection) -> Result<Vec<Payment>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM payments WHERE stage = 4 AND gateway_status = ?1 AND follow_until > ?2 ORDER BY id"
    ))?;
    let rows = stmt.query_map(params![LINK_EXPIRED, now_ms()], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many payments are not final (a count: nothing is read into memory).
pub fn open_count(conn: &Connection) -> Result<usize> {
    let n: i64 = conn.query_row("SELECT count(*) FROM payments WHERE stage < 4", [], |r| {
        r.get(0)
    })?;
    Ok(n as usize)
}

/// About to send: `created` becomes `sending`; counts the attempt either way.
pub fn mark_sending(conn: &Connection, id: i64) -> Result<()> {
    let now = now_ms();
    conn.execute(
        "UPDATE payments SET send_attempts = send_attempts + 1, sent_at = coalesce(sent_at, ?2),
             state = CASE WHEN stage < 1 THEN 'sending' ELSE state END,
             stage = max(stage, 1)
         WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

/// The gateway accepted the request.
pub fn mark_accepted(conn: &Connection, id: i64, request_id: Option<&str>) -> Result<()> {
    conn.execute(
        "UPDATE payments SET request_id = coalesce(request_id, ?2), answered_at = coalesce(answered_at, ?3),
             state = CASE WHEN stage < 2 THEN 'accepted' ELSE state END,
             stage = max(stage, 2), last_error = NULL
         WHERE id = ?1",
        params![id, request_id, now_ms()],
    )?;
    Ok(())
}

/// Records the first usable link (later ones are ignored: the first wins).
pub fn set_link(conn: &Connection, id: i64, url: &str, method: &str) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE payments SET redirect_url = ?2, redirect_method = ?3 WHERE id = ?1 AND redirect_url IS NULL AND stage < 4",
        params![id, url, method],
    )? == 1)
}

pub fn set_last_error(conn: &Connection, id: i64, error: &str) -> Result<()> {
    conn.execute(
        "UPDATE payments SET last_error = ?2 WHERE id = ?1",
        params![id, error],
    )?;
    Ok(())
}

pub fn count_poll(conn: &Connection, id: i64) -> Result<()> {
    conn.execute(
        "UPDATE payments SET poll_count = poll_count + 1 WHERE id = ?1",
        [id],
    )?;
    Ok(())
}

pub fn mark_flagged(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("UPDATE payments SET flagged = 1 WHERE id = ?1", [id])?;
    Ok(())
}

pub fn mark_abandoned(conn: &Connection, id: i64) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE payments SET abandoned_at = ?2 WHERE id = ?1 AND abandoned_at IS NULL",
        params![id, now_ms()],
    )? == 1)
}

/// Moves a payment to `pending` with the gateway's status text, unless it is already final.
pub fn set_pending(conn: &Connection, id: i64, gateway_status: &str) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE payments SET state = 'pending', stage = 3, gateway_status = ?2 WHERE id = ?1 AND stage < 4",
        params![id, gateway_status],
    )? == 1)
}

/// Makes a payment final, once: returns false when it was final already.
pub fn set_final(
    conn: &Connection,
    id: i64,
    state: State,
    gateway_status: Option<&str>,
    code: Option<&str>,
    message: Option<&str>,
) -> Result<bool> {
    debug_assert!(state.is_final());
    Ok(conn.execute(
        "UPDATE payments SET state = ?2, stage = 4, gateway_status = coalesce(?3, gateway_status), code = ?4, message = ?5, final_at = ?6
         WHERE id = ?1 AND stage < 4",
        params![id, state.as_str(), gateway_status, code, message, now_ms()],
    )? == 1)
}

/// The gateway's own final word on a sale the till had ended itself because its link expired
/// (see [`LINK_EXPIRED`]): the only case where a final payment changes again.
pub fn set_final_over_expired(
    conn: &Connection,
    id: i64,
    state: State,
    gateway_status: &str,
    code: Option<&str>,
    message: Option<&str>,
) -> Result<bool> {
    debug_assert!(state.is_final());
    Ok(conn.execute(
        "UPDATE payments SET state = ?2, gateway_status = ?3, code = ?4, message = ?5, final_at = ?6
         WHERE id = ?1 AND stage = 4 AND gateway_status = ?7",
        params![id, state.as_str(), gateway_status, code, message, now_ms(), LINK_EXPIRED],
    )? == 1)
}

/// The card a successful sale was paid with.
pub fn set_card(conn: &Connection, id: i64, card_id: i64, masked: &str) -> Result<()> {
    conn.execute(
        "UPDATE payments SET card_id = ?2, masked_card = ?3, card_last4 = ?4 WHERE id = ?1",
        params![id, card_id, masked, last4(masked)],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    pub(crate) fn sample(pid: &str) -> NewPayment {
        NewPayment {
            payment_id: pid.into(),
            kind: Kind::Sale,
            amount: Tiyin::new(1_500_000),
            project_id: 1,
            customer_id: "c1".into(),
            customer_ip: "127.0.0.1".into(),
            description: None,
            card_id: None,
            masked_card: None,
            created_by: Some("anna".into()),
            follow_until: now_ms() + 60_000,
            flow: SaleFlow::Gate,
            link_expires_at: None,
            gateway_url: "http://127.0.0.1:9".into(),
            payment_page_url: "http://127.0.0.1:9/payment".into(),
            secret_id: None,
        }
    }

    #[test]
    fn state_only_moves_forward() {
        let db = Db::open_in_memory().unwrap();
        let id = insert(&db.conn, &sample("T1-1")).unwrap();
        mark_sending(&db.conn, id).unwrap();
        mark_accepted(&db.conn, id, Some("r1")).unwrap();
        assert!(set_pending(&db.conn, id, "awaiting redirect result").unwrap());
        // A late "sending" mark (a resend) does not move it back.
        mark_sending(&db.conn, id).unwrap();
        let p = get(&db.conn, "T1-1").unwrap();
        assert_eq!(p.state, State::Pending);
        assert_eq!(p.send_attempts, 2);
        assert!(set_final(
            &db.conn,
            id,
            State::Success,
            Some("success"),
            Some("0"),
            None
        )
        .unwrap());
        assert!(!set_final(
            &db.conn,
            id,
            State::Failed,
            Some("decline"),
            Some("20105"),
            None
        )
        .unwrap());
        assert!(!set_pending(&db.conn, id, "processing").unwrap());
        let p = get(&db.conn, "T1-1").unwrap();
        assert_eq!(p.state, State::Success);
        assert_eq!(p.gateway_status.as_deref(), Some("success"));
        assert_eq!(p.request_id.as_deref(), Some("r1"));
        assert!(open(&db.conn).unwrap().is_empty());
    }

    #[test]
    fn duplicate_payment_id_is_refused() {
        let db = Db::open_in_memory().unwrap();
        insert(&db.conn, &sample("T1-1")).unwrap();
        assert!(insert(&db.conn, &sample("T1-1")).is_err());
    }

    #[test]
    fn last_four() {
        assert_eq!(last4("860003******7890").as_deref(), Some("7890"));
        assert_eq!(last4("***"), None);
    }
}
