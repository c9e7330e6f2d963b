//! Every gateway message, stored redacted: the signature is verified on the original first,
//! then only `ecommpay::redact`'s copy (no `account.number`) is written, with the verdict.
//! A payment's messages in order are its timeline.

use rusqlite::{params, Connection};
use serde::Serialize;
use serde_json::Value;

use super::now_ms;
use crate::error::Result;

/// Where a message came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The synchronous answer to a sale or payout request.
    Answer,
    /// An answer to `/v2/payment/status`.
    Status,
    /// A callback.
    Callback,
    /// A failed exchange (timeout, 5xx, malformed): what we know of it.
    Error,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Answer => "answer",
            Source::Status => "status",
            Source::Callback => "callback",
            Source::Error => "error",
        }
    }
}

/// What the signature check said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureCheck {
    Verified,
    /// The message carried none (the gateway's synchronous answers often do not).
    Absent,
    /// It carried one that does not hold: the content was not trusted.
    Bad,
    /// Nothing to check (no message body).
    None,
}

impl SignatureCheck {
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureCheck::Verified => "verified",
            SignatureCheck::Absent => "absent",
            SignatureCheck::Bad => "bad",
            SignatureCheck::None => "none",
        }
    }
    fn parse(s: &str) -> SignatureCheck {
        match s {
            "verified" => SignatureCheck::Verified,
            "absent" => SignatureCheck::Absent,
            "bad" => SignatureCheck::Bad,
            _ => SignatureCheck::None,
        }
    }
}

/// A message about to be stored. `raw` must already be redacted.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub payment_row: Option<i64>,
    pub payment_id: Option<&'a str>,
    pub source: Source,
    pub http_status: Option<u16>,
    pub signature: SignatureCheck,
    pub status: Option<&'a str>,
    pub raw: &'a Value,
}

pub fn insert(conn: &Connection, m: &NewMessage<'_>) -> Result<i64> {
    conn.execute(
        "INSERT INTO gateway_messages(payment_row, payment_id, source, received_at, http_status, signature, status, raw)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            m.payment_row,
            m.payment_id,
            m.source.as_str(),
            now_ms(),
            m.http_status,
            m.signature.as_str(),
            m.status,
            m.raw.to_string(),
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Records what became of a stored message.
pub fn set_outcome(conn: &Connection, id: i64, applied: bool, flag: Option<&str>) -> Result<()> {
    conn.execute(
        "UPDATE gateway_messages SET applied = ?2, flag = ?3 WHERE id = ?1",
        params![id, applied as i64, flag],
    )?;
    Ok(())
}

/// One entry of a payment's timeline.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntry {
    pub id: i64,
    pub source: Source,
    pub received_at: i64,
    pub http_status: Option<u16>,
    pub signature: SignatureCheck,
    pub status: Option<String>,
    pub applied: bool,
    /// Why it was not applied, when it was not (`mismatch: amount ...`, `bad_signature`,
    /// `after_final`, ...).
    pub flag: Option<String>,
    /// The message, redacted.
    pub raw: Value,
}

/// Every message of a payment, in the order received.
pub fn timeline(conn: &Connection, payment_row: i64) -> Result<Vec<TimelineEntry>> {
    let mut stmt = conn.prepare(
        "SELECT id, source, received_at, http_status, signature, status, applied, flag, raw
         FROM gateway_messages WHERE payment_row = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([payment_row], |r| {
        let source: String = r.get(1)?;
        let sig: String = r.get(4)?;
        let raw: String = r.get(8)?;
        Ok(TimelineEntry {
            id: r.get(0)?,
            source: match source.as_str() {
                "answer" => Source::Answer,
                "status" => Source::Status,
                "callback" => Source::Callback,
                _ => Source::Error,
            },
            received_at: r.get(2)?,
            http_status: r.get(3)?,
            signature: SignatureCheck::parse(&sig),
            status: r.get(5)?,
            applied: r.get::<_, i64>(6)? != 0,
            flag: r.get(7)?,
            raw: serde_json::from_str(&raw).unwrap_or(Value::String(raw)),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
