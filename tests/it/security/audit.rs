//! The audit log as an insider who can write the database file (but not read the keyring)
//! edits it: a changed row, or a changed row with the chain after it recomputed as a plain
//! SHA-256 chain, is found by `cashier audit verify`, which names the row.

use std::time::Instant;

use sha2::{Digest, Sha256};

use super::record;
use crate::till::cli::{run, setup};
use crate::till::*;

/// The plain hash of the rows written before the audit key (what a forger without the key
/// can compute).
fn plain(
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
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_audit_row_is_found_by_audit_verify() {
    let sb = sandbox(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d, sb.base_url(), &[]).await;
    let (code, lines, err) = run(d, &["audit", "verify"], None).await;
    assert_eq!(code, 0, "{err}");
    let rows = lines[0]["rows"].as_u64().unwrap();
    assert!(rows > 5);
    assert_eq!(lines[0]["unkeyed"], 0);
    let head = lines[0]["head"]["hash"].as_str().unwrap().to_owned();
    assert_eq!(head.len(), 64);
    let started = Instant::now();

    // Who added boss: rewritten. The triggers refuse it through SQL, so they go first.
    let conn = ::till::db::Db::open(&d.join("till.sqlite3")).unwrap();
    let c = conn.connection();
    c.execute_batch("DROP TRIGGER audit_log_no_update").unwrap();
    let target: i64 = c
        .query_row(
            "SELECT id FROM audit_log WHERE action = 'user_added' AND subject = 'boss'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    c.execute(
        "UPDATE audit_log SET actor = 'mallory' WHERE id = ?1",
        [target],
    )
    .unwrap();
    let (code, lines, _) = run(d, &["audit", "verify"], None).await;
    assert_eq!((code, lines[0]["code"].as_str()), (2, Some("audit_broken")));
    assert!(
        lines[0]["message"]
            .as_str()
            .unwrap()
            .contains(&format!("row {target}")),
        "{lines:?}"
    );

    // The same edit with every hash from there on recomputed, as a forger who read the
    // source would: without the key the rows can only be plain, and plain rows after keyed
    // ones are refused at the first one.
    let rows_after: Vec<(i64, i64, String, String, String, String)> = {
        let mut st = c
            .prepare(
                "SELECT id, at, actor, action, subject, detail FROM audit_log WHERE id >= ?1 ORDER BY id",
            )
            .unwrap();
        st.query_map([target], |r| {
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
        .map(Result::unwrap)
        .collect()
    };
    let mut prev: String = c
        .query_row(
            "SELECT hash FROM audit_log WHERE id = ?1",
            [target - 1],
            |r| r.get(0),
        )
        .unwrap();
    for (id, at, actor, action, subject, detail) in rows_after {
        let h = plain(&prev, id, at, &actor, &action, &subject, &detail);
        c.execute(
            "UPDATE audit_log SET prev_hash = ?2, hash = ?3, alg = 'sha256' WHERE id = ?1",
            (id, &prev, &h),
        )
        .unwrap();
        prev = h;
    }
    let (code, lines, _) = run(d, &["audit", "verify"], None).await;
    assert_eq!((code, lines[0]["code"].as_str()), (2, Some("audit_broken")));
    assert!(
        lines[0]["message"]
            .as_str()
            .unwrap()
            .contains(&format!("row {target}")),
        "{lines:?}"
    );
    record(
        "an audit row edited in the file (as is, and with the chain recomputed without the key)",
        2,
        0,
        None,
        started.elapsed(),
    );
    sb.shutdown().await;
}
