//! An insider with a shell and the `cashier` binary, on a till that has a manager: every
//! change to users, settings, the secret or limits without that manager's PIN exits 2 and
//! changes nothing; a payout request names who asks; nobody approves their own request.

use std::path::Path;
use std::time::Instant;

use serde_json::Value;

use super::record;
use crate::till::cli::{cli_sale, run, setup};
use crate::till::*;

/// What a change could touch: the settings, the users, the payout requests, the files.
async fn state(d: &Path) -> (Vec<Value>, Vec<Value>, Vec<Value>, Vec<String>) {
    let settings = run(d, &["config", "show"], None).await.1;
    let users = run(d, &["user", "list"], None).await.1;
    let payouts = run(d, &["payout", "list"], None).await.1;
    let mut files: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| !f.ends_with("-wal") && !f.ends_with("-shm") && f != "engine.lock")
        .collect();
    files.sort();
    (settings, users, payouts, files)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_cli_bypass_exits_2_and_changes_nothing() {
    let sb = sandbox(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d, sb.base_url(), &[]).await;
    let (code, _) = cli_sale(d, "1000", "uzcard-ok").await;
    assert_eq!(code, 0);
    let card = run(d, &["cards"], None).await.1[0]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let backup = d.join("stolen.age");
    let before = state(d).await;
    let started = Instant::now();
    let evil = "https://evil.example";
    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (
            vec!["user", "add", "--name", "mallory", "--role", "manager"],
            "999999\n",
            "manager_required",
        ),
        (
            vec![
                "user", "add", "--name", "mallory", "--role", "manager", "--user", "anna",
            ],
            "1111\n999999\n",
            "not_manager",
        ),
        (
            vec![
                "user", "add", "--name", "mallory", "--role", "manager", "--user", "boss",
            ],
            "000000\n999999\n",
            "wrong_pin",
        ),
        (
            vec!["config", "set", "limits.payout_max_tiyin", "99999999999"],
            "",
            "manager_required",
        ),
        (
            vec![
                "config",
                "set",
                "limits.daily_payout_max_tiyin",
                "99999999999",
            ],
            "",
            "manager_required",
        ),
        (
            vec!["config", "set", "timing.pin_max_attempts", "10"],
            "",
            "manager_required",
        ),
        (
            vec!["secret", "set"],
            "another-secret\n",
            "manager_required",
        ),
        (
            vec!["connect", "--project-id", "1", "--gateway-url", evil],
            "another-secret\n",
            "manager_required",
        ),
        (
            vec![
                "init",
                "--project-id",
                "1",
                "--gateway-url",
                evil,
                "--till-code",
                "EVIL",
            ],
            "",
            "manager_required",
        ),
        (
            vec!["backup", "create", "--to", backup.to_str().unwrap()],
            "a long passphrase\n",
            "manager_required",
        ),
        (
            vec![
                "payout", "request", "--card", &card, "--amount", "20000", "--reason", "x",
            ],
            "",
            "requester_required",
        ),
    ];
    for (args, stdin, expected) in &cases {
        let (code, lines, err) = run(d, args, Some(stdin)).await;
        assert_eq!(
            (code, lines.first().and_then(|l| l["code"].as_str())),
            (2, Some(*expected)),
            "cashier {args:?}: {lines:?} {err}"
        );
    }
    let after = state(d).await;
    assert_eq!(after, before, "nothing changed");
    assert!(!backup.exists());
    // With the manager's PIN the same change goes through (the refusals were about the PIN).
    let (code, _, err) = run(
        d,
        &[
            "config",
            "set",
            "limits.payout_max_tiyin",
            "5000000",
            "--user",
            "boss",
        ],
        Some("222222\n"),
    )
    .await;
    assert_eq!(code, 0, "{err}");
    record(
        "CLI changes without a manager's PIN (users, limits, secret, connect, init, backup, anonymous payout)",
        cases.len() as u64,
        0,
        None,
        started.elapsed(),
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_never_approves_their_own_request() {
    let sb = sandbox(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d, sb.base_url(), &[]).await;
    let (code, _) = cli_sale(d, "1000", "uzcard-ok").await;
    assert_eq!(code, 0);
    let card = run(d, &["cards"], None).await.1[0]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let started = Instant::now();
    // boss asks for 20 000 so'm to a card whose only sale was 1 000 (a free payout) ...
    let (code, lines, err) = run(
        d,
        &[
            "payout", "request", "--card", &card, "--amount", "20000", "--reason", "mine",
            "--user", "boss",
        ],
        Some("222222\n"),
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(lines[0]["requested_name"], "boss");
    let id = lines[0]["id"].as_i64().unwrap().to_string();
    // ... and cannot approve it, nor can a manager he adds for the purpose.
    let (code, lines, _) = run(
        d,
        &["payout", "approve", &id, "--user", "boss"],
        Some("222222\n"),
    )
    .await;
    assert_eq!(
        (code, lines[0]["code"].as_str()),
        (2, Some("self_approval"))
    );
    let (code, _, err) = run(
        d,
        &[
            "user", "add", "--name", "mallory", "--role", "manager", "--user", "boss",
        ],
        Some("222222\n999999\n"),
    )
    .await;
    assert_eq!(code, 0, "{err}");
    // (mallory may approve: another person, on record as such.) The audit log names each.
    let (_, list, _) = run(d, &["payout", "list"], None).await;
    assert_eq!(list[0]["status"], "requested");
    let payouts = run(d, &["history", "--type", "payout"], None).await.1;
    assert!(payouts.is_empty(), "no payout written: {payouts:?}");
    let db = ::till::db::Db::open(&d.join("till.sqlite3")).unwrap();
    let actors: Vec<String> = ::till::db::audit::recent(db.connection(), 500)
        .unwrap()
        .into_iter()
        .map(|e| e.actor)
        .collect();
    assert!(!actors.iter().any(|a| a == "operator"), "{actors:?}");
    assert!(actors.iter().any(|a| a == "boss"));
    record(
        "a manager approving their own payout request",
        1,
        0,
        None,
        started.elapsed(),
    );
    sb.shutdown().await;
}
