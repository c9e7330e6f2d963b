//! Saved cards: the identifier sealed by the vault, the masked number for people, the customer
//! id the card belongs to at the gateway (a payout must name it), first and last use.

use ecommpay::CardToken;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::json;

use super::{audit, now_ms};
use crate::error::{Result, TillError};
use crate::vault::CardVault;

/// A saved card as people see it: masked only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Card {
    pub id: i64,
    pub masked: String,
    pub customer_id: String,
    pub first_payment_id: String,
    pub first_used_at: i64,
    pub last_used_at: i64,
    pub use_count: i64,
}

/// Saves the card a successful sale returned, or notes another use of a known one.
pub fn save(
    conn: &Connection,
    vault: &CardVault,
    token: &CardToken,
    masked: &str,
    customer_id: &str,
    payment_id: &str,
) -> Result<i64> {
    let fp = vault.fingerprint(token);
    let now = now_ms();
    let existing: Option<i64> = conn
        .query_row("SELECT id FROM cards WHERE fingerprint = ?1", [&fp], |r| {
            r.get(0)
        })
        .optional()?;
    if let Some(id) = existing {
        conn.execute(
            "UPDATE cards SET last_used_at = ?2, use_count = use_count + 1 WHERE id = ?1",
            params![id, now],
        )?;
        return Ok(id);
    }
    conn.execute(
        "INSERT INTO cards(fingerprint, token_enc, masked, customer_id, first_payment_id, first_used_at, last_used_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![fp, vault.seal(token), masked, customer_id, payment_id, now],
    )?;
    let id = conn.last_insert_rowid();
    audit::append(
        conn,
        "gateway",
        "card_saved",
        &id.to_string(),
        &json!({"masked": masked, "payment_id": payment_id}),
    )?;
    Ok(id)
}

fn map(r: &rusqlite::Row<'_>) -> rusqlite::Result<Card> {
    Ok(Card {
        id: r.get(0)?,
        masked: r.get(1)?,
        customer_id: r.get(2)?,
        first_payment_id: r.get(3)?,
        first_used_at: r.get(4)?,
        last_used_at: r.get(5)?,
        use_count: r.get(6)?,
    })
}

const COLS: &str =
    "id, masked, customer_id, first_payment_id, first_used_at, last_used_at, use_count";

pub fn list(conn: &Connection) -> Result<Vec<Card>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLS} FROM cards ORDER BY last_used_at DESC, id DESC"
    ))?;
    let rows = stmt.query_map([], map)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn get(conn: &Connection, id: i64) -> Result<Card> {
    conn.query_row(
        &format!("SELECT {COLS} FROM cards WHERE id = ?1"),
        [id],
        map,
    )
    .optional()?
    .ok_or(TillError::CardNotFound(id))
}

pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM cards", [], |r| r.get(0))?)
}

/// The card identifier, decrypted, for a payout body only.
pub fn token(conn: &Connection, vault: &CardVault, id: i64) -> Result<CardToken> {
    let sealed: Vec<u8> = conn
        .query_row("SELECT token_enc FROM cards WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?
        .ok_or(TillError::CardNotFound(id))?;
    vault.open(&sealed).map_err(|_| TillError::VaultDecrypt(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    #[test]
    fn saves_once_sealed_and_counts_uses() {
        let db = Db::open_in_memory().unwrap();
        let (vault, _) = CardVault::generate();
        let t = CardToken::new("1743-00112233445566778899AABBCCDDEEFF").unwrap();
        let a = save(&db.conn, &vault, &t, "860003******7890", "cust-1", "T1-1").unwrap();
        let b = save(&db.conn, &vault, &t, "860003******7890", "cust-2", "T1-2").unwrap();
        assert_eq!(a, b);
        let c = get(&db.conn, a).unwrap();
        assert_eq!(c.use_count, 2);
        assert_eq!(c.customer_id, "cust-1", "the first customer owns it");
        assert_eq!(token(&db.conn, &vault, a).unwrap(), t);
        // Nothing in the file holds the identifier in clear.
        let dump: Vec<u8> = db
            .conn
            .query_row("SELECT token_enc FROM cards", [], |r| r.get(0))
            .unwrap();
        assert!(!dump.windows(10).any(|w| w == b"0011223344"));
        let (other, _) = CardVault::generate();
        assert_eq!(
            token(&db.conn, &other, a).unwrap_err().code(),
            "vault_decrypt"
        );
    }
}
