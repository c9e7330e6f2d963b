//! The audit log: append-only (triggers refuse UPDATE and DELETE) and hash-chained, so an edit
//! made behind the app's back (triggers dropped, file patched) breaks the chain at that row.
//! Each row's hash is SHA-256 over the previous row's hash and the row's own fields, each
//! length-prefixed so that no two different rows can hash alike.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::now_ms;
use crate::error::{Result, TillError};
use crate::vault::hex;

/// The hash before the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit row.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: Value,
}

fn row_hash(
    prev: &str,
    id: i64,
    at: i64,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [
        prev.as_bytes(),
        id.to_string().as_bytes(),
        at.to_string().as_bytes(),
        actor.as_bytes(),
        action.as_bytes(),
        subject.as_bytes(),
        detail.as_bytes(),
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    hex(&h.finalize())
}

/// Appends a row. Call it inside the transaction that makes the change it records.
pub fn append(
    conn: &Connection,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &Value,
) -> Result<i64> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (id, prev) = match last {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS.to_owned()),
    };
    let at = now_ms();
    let detail_text = detail.to_string();
    let hash = row_hash(&prev, id, at, actor, action, subject, &detail_text);
    conn.execute(
        "INSERT INTO audit_log(id, at, actor, action, subject, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, at, actor, action, subject, detail_text, prev, hash],
    )?;
    Ok(id)
}

/// Walks the whole chain; returns the number of rows, or the first row that does not match.
pub fn verify(conn: &Connection) -> Result<u64> {
    let mut stmt = conn.prepare(
        "SELECT id, at, actor, action, subject, detail, prev_hash, hash FROM audit_log ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut prev = GENESIS.to_owned();
    let mut expected_id = 1;
    let mut n = 0;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let stored_prev: String = r.get(6)?;
        let stored: String = r.get(7)?;
        let computed = row_hash(
            &prev,
            id,
            r.get(1)?,
            &r.get::<_, String>(2)?,
            &r.get::<_, String>(3)?,
            &r.get::<_, String>(4)?,
            &r.get::<_, String>(5)?,
        );
        if id != expected_id || stored_prev != prev || stored != computed {
            return Err(TillError::AuditBroken(id));
        }
        prev = stored;
        expected_id += 1;
        n += 1;
    }
    Ok(n)
}

/// Whether any row records `action` (e.g. whether a secret was ever set).
pub fn has_action(conn: &Connection, action: &str) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM audit_log WHERE action = ?1 LIMIT 1",
            [action],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// The newest rows first.
pub fn recent(conn: &Connection, limit: u32) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare(
        "SELECT id, at, actor, action, subject, detail FROM audit_log ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        let detail: String = r.get(5)?;
        Ok(AuditEntry {
            id: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            action: r.get(3)?,
            subject: r.get(4)?,
            detail: serde_json::from_str(&detail).unwrap_or(Value::String(detail)),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;
    use serde_json::json;

    #[test]
    fn chain_holds_and_shows_edits() {
        let db = Db::open_in_memory().unwrap();
        for i in 0..5 {
            append(
                &db.conn,
                "anna",
                "sale_created",
                &format!("T1-{i}"),
                &json!({"amount": i}),
            )
            .unwrap();
        }
        assert_eq!(verify(&db.conn).unwrap(), 5);
        assert_eq!(recent(&db.conn, 2).unwrap()[0].subject, "T1-4");

        // The triggers refuse edits through SQL.
        assert!(db
            .conn
            .execute("UPDATE audit_log SET actor = 'x' WHERE id = 2", [])
            .is_err());
        assert!(db
            .conn
            .execute("DELETE FROM audit_log WHERE id = 2", [])
            .is_err());

        // Behind the app's back: drop the trigger and edit. The chain shows it.
        db.conn
            .execute_batch("DROP TRIGGER audit_log_no_update")
            .unwrap();
        db.conn
            .execute(
                "UPDATE audit_log SET detail = '{\"amount\":999}' WHERE id = 3",
                [],
            )
            .unwrap();
        match verify(&db.conn) {
            Err(TillError::AuditBroken(3)) => {}
            other => panic!("expected a break at row 3, got {other:?}"),
        }
    }

    #[test]
    fn deleting_a_row_breaks_the_chain() {
        let db = Db::open_in_memory().unwrap();
        for i in 0..3 {
            append(&db.conn, "a", "x", &i.to_string(), &json!({})).unwrap();
        }
        db.conn
            .execute_batch("DROP TRIGGER audit_log_no_delete")
            .unwrap();
        db.conn
            .execute("DELETE FROM audit_log WHERE id = 2", [])
            .unwrap();
        assert!(matches!(verify(&db.conn), Err(TillError::AuditBroken(3))));
    }
}
