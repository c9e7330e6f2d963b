//! The audit log: append-only (triggers refuse UPDATE and DELETE) and chained, so an edit made
//! behind the app's back (triggers dropped, file patched) breaks the chain at that row.
//!
//! Each row's `hash` is an HMAC-SHA256, under the till's audit key (a keyring entry of its
//! own, see [`crate::pepper`]; backups carry it), over the previous row's hash and the row's
//! own fields, each length-prefixed so that no two different rows can hash alike. Whoever can
//! edit the database file but not read the keyring cannot recompute the chain after an edit.
//! (Whoever can read the keyring as the till's OS user can; the chain's head printed on each
//! day's report is the check that does not live on this computer.)
//!
//! Rows written before the key existed are plain SHA-256 (`alg = 'sha256'`); the first keyed
//! row (`audit_keyed`, written when the key is created) chains onto the last of them, so they
//! cannot be edited either without breaking it. After the first keyed row every row must be
//! keyed, and a database that knows its audit key must have keyed rows.
//!
//! The key lives in the writer connection only, as the SQL function `audit_mac` that
//! [`install_key`] registers: every `append` anywhere in the core (inside the transaction of
//! the change it records) uses it without the key passing through each caller.

use std::sync::Arc;

use rusqlite::functions::FunctionFlags;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::now_ms;
use crate::error::{Result, TillError};
use crate::pepper::Key256;
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

/// The newest row: its id and hash (the chain's head, printed on reports), or `None` for an
/// empty log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Head {
    pub id: i64,
    pub hash: String,
}

/// What [`verify`] found: the chain holds over `rows` rows (`unkeyed` of them from before the
/// audit key), ending at `head`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Verified {
    pub rows: u64,
    pub unkeyed: u64,
    pub head: Option<Head>,
}

/// The fields a row's hash covers, in order.
fn parts<'a>(
    prev: &'a str,
    id: &'a str,
    at: &'a str,
    actor: &'a str,
    action: &'a str,
    subject: &'a str,
    detail: &'a str,
) -> [&'a [u8]; 7] {
    [
        prev.as_bytes(),
        id.as_bytes(),
        at.as_bytes(),
        actor.as_bytes(),
        action.as_bytes(),
        subject.as_bytes(),
        detail.as_bytes(),
    ]
}

/// The plain SHA-256 hash of rows written before the audit key existed.
fn sha256_hash(parts: [&[u8]; 7]) -> String {
    let mut h = Sha256::new();
    for part in parts {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    hex(&h.finalize())
}

fn hmac_hash(key: &Key256, parts: [&[u8]; 7]) -> String {
    use hmac::Mac;
    let mut m = key.mac();
    for part in parts {
        m.update(&(part.len() as u64).to_be_bytes());
        m.update(part);
    }
    hex(&m.finalize().into_bytes())
}

/// Registers the audit key on `conn` (the writer connection) as the SQL function
/// `audit_mac(prev, id, at, actor, action, subject, detail)`.
pub fn install_key(conn: &Connection, key: Arc<Key256>) -> Result<()> {
    conn.create_scalar_function(
        "audit_mac",
        7,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        move |ctx| {
            let text: Vec<String> = (0..7)
                .map(|i| ctx.get::<rusqlite::types::Value>(i).map(value_text))
                .collect::<rusqlite::Result<_>>()?;
            let p = parts(
                &text[0], &text[1], &text[2], &text[3], &text[4], &text[5], &text[6],
            );
            Ok(hmac_hash(&key, p))
        },
    )?;
    Ok(())
}

fn value_text(v: rusqlite::types::Value) -> String {
    use rusqlite::types::Value as V;
    match v {
        V::Integer(i) => i.to_string(),
        V::Text(t) => t,
        V::Real(r) => r.to_string(),
        V::Null => String::new(),
        V::Blob(b) => String::from_utf8_lossy(&b).into_owned(),
    }
}

/// The keyed hash of a row, through the connection's `audit_mac`.
fn keyed_hash(conn: &Connection, fields: &[&dyn rusqlite::ToSql; 7]) -> Result<String> {
    conn.query_row(
        "SELECT audit_mac(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        &fields[..],
        |r| r.get(0),
    )
    .map_err(|e| {
        if e.to_string().contains("audit_mac") {
            TillError::AuditKey(
                "not loaded (the keyring could not be read when the till opened); nothing was written"
                    .into(),
            )
        } else {
            e.into()
        }
    })
}

/// After [`install_key`]: a database whose rows are all from before the key records that it
/// is keyed from now on (once).
pub fn mark_keyed(conn: &Connection) -> Result<()> {
    let (unkeyed, keyed): (i64, i64) = conn.query_row(
        "SELECT count(*) FILTER (WHERE alg = 'sha256'), count(*) FILTER (WHERE alg = 'hmac')
         FROM audit_log",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if unkeyed > 0 && keyed == 0 {
        append(
            conn,
            "till",
            "audit_keyed",
            "audit_log",
            &json!({"unkeyed_rows": unkeyed}),
        )?;
    }
    Ok(())
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
    let hash = keyed_hash(
        conn,
        &[&prev, &id, &at, &actor, &action, &subject, &detail_text],
    )?;
    conn.execute(
        "INSERT INTO audit_log(id, at, actor, action, subject, detail, prev_hash, hash, alg)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'hmac')",
        params![id, at, actor, action, subject, detail_text, prev, hash],
    )?;
    Ok(id)
}

/// Walks the whole chain: how many rows hold and the head, or the first row that does not
/// match ([`TillError::AuditBroken`]). Needs the audit key installed on `conn` for keyed rows.
pub fn verify(conn: &Connection) -> Result<Verified> {
    verify_with(conn, known_key(conn)?)
}

/// Whether the database has an audit key (its check value): then it must have keyed rows.
fn known_key(conn: &Connection) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM meta WHERE key = ?1",
            [crate::core::META_AUDIT_CHECK],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

fn verify_with(conn: &Connection, keyed_till: bool) -> Result<Verified> {
    let mut stmt = conn.prepare(
        "SELECT id, at, actor, action, subject, detail, prev_hash, hash, alg
         FROM audit_log ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut prev = GENESIS.to_owned();
    let mut expected_id = 1;
    let (mut n, mut unkeyed) = (0u64, 0u64);
    let mut keyed_seen = false;
    let mut head = None;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let at: i64 = r.get(1)?;
        let (actor, action, subject, detail): (String, String, String, String) =
            (r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?);
        let stored_prev: String = r.get(6)?;
        let stored: String = r.get(7)?;
        let alg: String = r.get(8)?;
        let computed = if alg == "hmac" {
            keyed_seen = true;
            keyed_hash(conn, &[&prev, &id, &at, &actor, &action, &subject, &detail])?
        } else if keyed_seen {
            // A plain row after keyed ones: written by someone without the key.
            return Err(TillError::AuditBroken(id));
        } else {
            unkeyed += 1;
            let (id_text, at_text) = (id.to_string(), at.to_string());
            sha256_hash(parts(
                &prev, &id_text, &at_text, &actor, &action, &subject, &detail,
            ))
        };
        if id != expected_id || stored_prev != prev || stored != computed {
            return Err(TillError::AuditBroken(id));
        }
        head = Some(Head {
            id,
            hash: stored.clone(),
        });
        prev = stored;
        expected_id += 1;
        n += 1;
    }
    if keyed_till && n > 0 && !keyed_seen {
        // The whole log rewritten as plain rows, for a till that has its key.
        return Err(TillError::AuditBroken(1));
    }
    Ok(Verified {
        rows: n,
        unkeyed,
        head,
    })
}

/// The chain's head (the newest row), without walking the chain.
pub fn head(conn: &Connection) -> Result<Option<Head>> {
    Ok(conn
        .query_row(
            "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| {
                Ok(Head {
                    id: r.get(0)?,
                    hash: r.get(1)?,
                })
            },
        )
        .optional()?)
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
    use crate::pepper::Purpose;
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
        let v = verify(&db.conn).unwrap();
        assert_eq!((v.rows, v.unkeyed), (5, 0));
        assert_eq!(v.head, head(&db.conn).unwrap());
        assert_eq!(v.head.unwrap().id, 5);
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

    /// The attack a plain hash chain does not stop: edit a row and recompute every hash after
    /// it. Without the key the recomputed rows cannot be keyed, and plain ones are refused.
    #[test]
    fn an_edit_with_the_chain_recomputed_without_the_key_is_found() {
        let db = Db::open_in_memory().unwrap();
        for i in 0..4 {
            append(&db.conn, "anna", "x", &i.to_string(), &json!({})).unwrap();
        }
        db.conn
            .execute_batch("DROP TRIGGER audit_log_no_update")
            .unwrap();
        // Row 2 edited, its hash and row 3's recomputed with the plain scheme, as a forger
        // who read this source would.
        let rows: Vec<(i64, i64, String, String, String, String)> = {
            let mut st = db
                .conn
                .prepare("SELECT id, at, actor, action, subject, detail FROM audit_log ORDER BY id")
                .unwrap();
            st.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
        };
        let mut prev: String = db
            .conn
            .query_row("SELECT hash FROM audit_log WHERE id = 1", [], |r| r.get(0))
            .unwrap();
        for (id, at, actor, action, subject, detail) in rows.into_iter().skip(1) {
            let actor = if id == 2 { "mallory".to_owned() } else { actor };
            let (i, a) = (id.to_string(), at.to_string());
            let h = sha256_hash(parts(&prev, &i, &a, &actor, &action, &subject, &detail));
            db.conn
                .execute(
                    "UPDATE audit_log SET actor = ?2, prev_hash = ?3, hash = ?4, alg = 'sha256' WHERE id = ?1",
                    params![id, actor, prev, h],
                )
                .unwrap();
            prev = h;
        }
        assert!(matches!(verify(&db.conn), Err(TillError::AuditBroken(2))));
        // Keyed with another key: no better.
        let db2 = Db::open_in_memory().unwrap();
        append(&db2.conn, "anna", "x", "1", &json!({})).unwrap();
        install_key(&db2.conn, Arc::new(Key256::generate(Purpose::AuditLog).0)).unwrap();
        assert!(matches!(verify(&db2.conn), Err(TillError::AuditBroken(1))));
    }

    /// Rows from before the key stay plain and verify; the first keyed row chains onto them;
    /// a plain row after it is refused; a keyed till whose rows are all plain is refused.
    #[test]
    fn unkeyed_rows_from_before_the_key() {
        let db = Db::open_in_memory().unwrap();
        // As an older version wrote them.
        let mut prev = GENESIS.to_owned();
        for id in 1..=3i64 {
            let (i, at) = (id.to_string(), "1000".to_owned());
            let h = sha256_hash(parts(&prev, &i, &at, "operator", "init", "T1", "{}"));
            db.conn
                .execute(
                    "INSERT INTO audit_log(id, at, actor, action, subject, detail, prev_hash, hash, alg)
                     VALUES (?1, 1000, 'operator', 'init', 'T1', '{}', ?2, ?3, 'sha256')",
                    params![id, prev, h],
                )
                .unwrap();
            prev = h;
        }
        let v = verify_with(&db.conn, false).unwrap();
        assert_eq!((v.rows, v.unkeyed), (3, 3));
        assert!(matches!(
            verify_with(&db.conn, true),
            Err(TillError::AuditBroken(1))
        ));
        mark_keyed(&db.conn).unwrap();
        mark_keyed(&db.conn).unwrap(); // once only
        let v = verify_with(&db.conn, true).unwrap();
        assert_eq!((v.rows, v.unkeyed), (4, 3));
        assert_eq!(recent(&db.conn, 1).unwrap()[0].action, "audit_keyed");
        // A plain row appended after the keyed one, by someone without the key.
        let h = sha256_hash(parts(
            &v.head.as_ref().unwrap().hash,
            "5",
            "1",
            "m",
            "x",
            "y",
            "{}",
        ));
        db.conn
            .execute(
                "INSERT INTO audit_log(id, at, actor, action, subject, detail, prev_hash, hash, alg)
                 VALUES (5, 1, 'm', 'x', 'y', '{}', ?1, ?2, 'sha256')",
                params![v.head.unwrap().hash, h],
            )
            .unwrap();
        assert!(matches!(
            verify_with(&db.conn, true),
            Err(TillError::AuditBroken(5))
        ));
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

    #[test]
    fn without_the_key_nothing_is_appended() {
        let conn = Connection::open_in_memory().unwrap();
        super::super::schema::MIGRATIONS
            .iter()
            .for_each(|m| conn.execute_batch(m).unwrap());
        let e = append(&conn, "a", "x", "1", &json!({})).unwrap_err();
        assert_eq!(e.code(), "audit_key");
        let n: i64 = conn
            .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
    }
}
