//! Callbacks refused for their signature (or for not being JSON): counted by the listener, and
//! the first [`MAX_SAMPLES`] kept here, redacted and cut to [`SAMPLE_BYTES`], so that a flood of
//! forged requests costs the disk nothing after the first few.

use rusqlite::{params, Connection};
use serde::Serialize;

use super::now_ms;
use crate::error::Result;

/// Samples kept at most.
pub const MAX_SAMPLES: i64 = 20;
/// How much of each sample is kept.
pub const SAMPLE_BYTES: usize = 1024;

/// One kept sample.
#[derive(Debug, Clone, Serialize)]
pub struct Rejected {
    pub received_at: i64,
    pub bytes: i64,
    pub reason: String,
    pub sample: String,
}

/// Keeps a sample of a refused body while fewer than [`MAX_SAMPLES`] are kept; returns whether
/// it did. The body's card identifiers are redacted; a body that is not JSON keeps no text.
pub fn keep_sample(conn: &Connection, body: &[u8], reason: &str) -> Result<bool> {
    let kept: i64 = conn.query_row("SELECT count(*) FROM rejected_callbacks", [], |r| r.get(0))?;
    if kept >= MAX_SAMPLES {
        return Ok(false);
    }
    let mut sample = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(v) => ecommpay::redact(&v).to_string(),
        Err(_) => "(not JSON)".to_owned(),
    };
    if sample.len() > SAMPLE_BYTES {
        let mut cut = SAMPLE_BYTES;
        while !sample.is_char_boundary(cut) {
            cut -= 1;
        }
        sample.truncate(cut);
    }
    conn.execute(
        "INSERT INTO rejected_callbacks(received_at, bytes, reason, sample) VALUES (?1, ?2, ?3, ?4)",
        params![now_ms(), body.len() as i64, reason, sample],
    )?;
    Ok(true)
}

/// The kept samples, newest first.
pub fn samples(conn: &Connection) -> Result<Vec<Rejected>> {
    let mut stmt = conn.prepare(
        "SELECT received_at, bytes, reason, sample FROM rejected_callbacks ORDER BY id DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Rejected {
            received_at: r.get(0)?,
            bytes: r.get(1)?,
            reason: r.get(2)?,
            sample: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    #[test]
    fn a_few_samples_are_kept_redacted_and_short() {
        let db = Db::open_in_memory().unwrap();
        let body = serde_json::json!({"account": {"number": "SECRET-CARD-TOKEN"}, "pad": "x".repeat(10_000)});
        let bytes = serde_json::to_vec(&body).unwrap();
        for _ in 0..(MAX_SAMPLES + 20) {
            keep_sample(&db.conn, &bytes, "bad_signature").unwrap();
        }
        let kept = samples(&db.conn).unwrap();
        assert_eq!(kept.len() as i64, MAX_SAMPLES);
        assert!(kept.iter().all(|k| k.sample.len() <= SAMPLE_BYTES));
        assert!(!kept[0].sample.contains("SECRET-CARD-TOKEN"));
        keep_sample(&db.conn, b"\xff\xfe not json", "not_json").unwrap_or_default();
    }
}
