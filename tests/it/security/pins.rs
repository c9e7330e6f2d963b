//! Guessing PINs through the `cashier` binary, as an insider with a shell would: every answer
//! that tells a guess wrong counts, and no more are told than the lock-out schedule allows
//! (5 a step: 15 minutes, 1 hour, 24 hours, then only a manager unlocks); across users, the
//! till-wide cap stops spraying; the lock-out settings cannot be loosened without a manager,
//! nor past their bounds with one; an empty PIN is no PIN.

use std::path::Path;
use std::time::Instant;

use super::record;
use crate::till::cli::{run, setup};
use crate::till::*;

/// `cashier user pin --name NAME` with `guess` as the old PIN: the outcome's code ("ok" when
/// the guess was right and the PIN changed).
async fn guess(d: &Path, name: &str, guess: &str) -> String {
    let (code, lines, err) = run(
        d,
        &["user", "pin", "--name", name],
        Some(&format!("{guess}\n98765\n")),
    )
    .await;
    match code {
        0 => "ok".into(),
        2 => lines[0]["code"].as_str().unwrap().to_owned(),
        other => panic!("exit {other}: {lines:?} {err}"),
    }
}

fn db(d: &Path) -> ::till::db::Db {
    ::till::db::Db::open(&d.join("till.sqlite3")).unwrap()
}

/// The lock-out of `name` ends, as if its time had passed (the test's clock; an attacker who
/// could write the database would not need to guess).
fn time_passes(d: &Path, name: &str) -> i64 {
    let db = db(d);
    let until: i64 = db
        .connection()
        .query_row(
            "SELECT locked_until FROM users WHERE name = ?1",
            [name],
            |r| r.get(0),
        )
        .unwrap();
    if until != i64::MAX {
        db.connection()
            .execute("UPDATE users SET locked_until = 1 WHERE name = ?1", [name])
            .unwrap();
        // The till-wide minute passes too.
        db.connection()
            .execute("UPDATE sign_in_attempts SET at = at - 120000", [])
            .unwrap();
    }
    until
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pin_guesses_never_exceed_the_lock_out_schedule() {
    let sb = sandbox(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d, sb.base_url(), &[]).await;
    let started = Instant::now();
    let mut tries = 0u64;
    let mut told = 0u64;
    let mut candidates = (0..10_000)
        .map(|n| format!("{n:04}"))
        .filter(|p| p != "1111");
    let minute = 60_000;
    let expected = [15 * minute, 60 * minute, 24 * 60 * minute];
    for (step, lasts) in expected.iter().enumerate() {
        // Guess until refused without a check; then the right PIN is refused too.
        loop {
            tries += 1;
            match guess(d, "anna", &candidates.next().unwrap()).await.as_str() {
                "wrong_pin" => told += 1,
                "locked" => {
                    told += 1;
                    break;
                }
                other => panic!("step {step}: {other}"),
            }
        }
        for _ in 0..3 {
            tries += 1;
            assert_eq!(
                guess(d, "anna", &candidates.next().unwrap()).await,
                "locked"
            );
        }
        tries += 1;
        assert_eq!(
            guess(d, "anna", "1111").await,
            "locked",
            "the right PIN waits too"
        );
        let until = time_passes(d, "anna");
        let left = until - now_ms();
        assert!(
            left > lasts - 60_000 && left <= *lasts,
            "lock-out {} lasts {left} ms, expected {lasts}",
            step + 1
        );
    }
    // The fourth lock-out is for good: only a manager lifts it.
    loop {
        tries += 1;
        match guess(d, "anna", &candidates.next().unwrap()).await.as_str() {
            "wrong_pin" => told += 1,
            "locked_until_unlocked" => {
                told += 1;
                break;
            }
            other => panic!("{other}"),
        }
    }
    assert_eq!(time_passes(d, "anna"), i64::MAX);
    for pin in ["1111", "0000"] {
        tries += 1;
        assert_eq!(guess(d, "anna", pin).await, "locked_until_unlocked");
    }
    assert_eq!(told, 4 * 5, "5 answered guesses per step, 4 steps");
    let (code, _, err) = run(
        d,
        &["user", "unlock", "--name", "anna", "--user", "boss"],
        Some("222222\n"),
    )
    .await;
    assert_eq!(code, 0, "{err}");
    // The PIN never changed: the right one works once a manager unlocked.
    let (code, lines, _) = run(d, &["user", "pin", "--name", "anna"], Some("1111\n1111\n")).await;
    assert_eq!(code, 0, "{lines:?}");
    record(
        "PIN guesses at a cashier (4 digits), lock-outs passing: 20 answered, then a manager",
        tries,
        0,
        None,
        started.elapsed(),
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spraying_pins_over_many_users_meets_the_till_wide_cap() {
    let sb = sandbox(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d, sb.base_url(), &[]).await;
    let names: Vec<String> = (1..=8).map(|i| format!("kassir{i}")).collect();
    for n in &names {
        let (code, _, err) = run(
            d,
            &[
                "user", "add", "--name", n, "--role", "cashier", "--user", "boss",
            ],
            Some("222222\n4444\n"),
        )
        .await;
        assert_eq!(code, 0, "{err}");
    }
    let started = Instant::now();
    // Three guesses at each (below each one's own lock-out of 5), then more.
    let mut outcomes = Vec::new();
    for round in 0..4 {
        for n in &names {
            outcomes.push(guess(d, n, &format!("{:04}", 9000 + round)).await);
        }
    }
    let answered = outcomes.iter().filter(|c| *c == "wrong_pin").count();
    let capped = outcomes
        .iter()
        .filter(|c| *c == "sign_in_throttled")
        .count();
    assert_eq!(answered, 20, "{outcomes:?}");
    assert_eq!(answered + capped, outcomes.len(), "{outcomes:?}");
    // The right PIN waits for the minute too.
    assert_eq!(guess(d, "kassir1", "4444").await, "sign_in_throttled");
    record(
        "PIN spraying over 8 cashiers: the till-wide cap (20 a minute)",
        outcomes.len() as u64 + 1,
        0,
        None,
        started.elapsed(),
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lock_out_cannot_be_loosened_and_an_empty_pin_is_no_pin() {
    let sb = sandbox(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d, sb.base_url(), &[]).await;
    let started = Instant::now();
    let show = |d: std::path::PathBuf| async move { run(&d, &["config", "show"], None).await.1 };
    let before = show(d.to_owned()).await;
    let mut tries = 0;
    for (k, v) in [
        ("timing.pin_max_attempts", "1000000"),
        ("timing.pin_lockout_ms", "2000"),
        ("timing.pin_failures_per_minute", "100000"),
    ] {
        // Without a manager: refused.
        tries += 1;
        let (code, lines, _) = run(d, &["config", "set", k, v], None).await;
        assert_eq!(
            (code, lines[0]["code"].as_str()),
            (2, Some("manager_required")),
            "{k}"
        );
        // A cashier is not one.
        tries += 1;
        let (code, lines, _) = run(
            d,
            &["config", "set", k, v, "--user", "anna"],
            Some("1111\n"),
        )
        .await;
        assert_eq!(
            (code, lines[0]["code"].as_str()),
            (2, Some("not_manager")),
            "{k}"
        );
        // A manager cannot set it past its bounds either.
        tries += 1;
        let (code, lines, _) = run(
            d,
            &["config", "set", k, v, "--user", "boss"],
            Some("222222\n"),
        )
        .await;
        assert_eq!(
            (code, lines[0]["code"].as_str()),
            (2, Some("config_invalid")),
            "{k}"
        );
    }
    assert_eq!(show(d.to_owned()).await, before, "nothing changed");
    // An empty line for a manager's PIN: "no PIN", nothing counted.
    for _ in 0..10 {
        tries += 1;
        let (code, lines, _) = run(
            d,
            &[
                "config",
                "set",
                "timing.first_poll_ms",
                "300",
                "--user",
                "boss",
            ],
            Some("\n"),
        )
        .await;
        assert_eq!((code, lines[0]["code"].as_str()), (2, Some("pin_missing")));
    }
    let failed: i64 = db(d)
        .connection()
        .query_row(
            "SELECT failed_attempts FROM users WHERE name = 'boss'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(failed, 0);
    assert_eq!(show(d.to_owned()).await, before, "nothing changed");
    record(
        "loosening the lock-out (no PIN, a cashier, past the bounds); empty PINs",
        tries,
        0,
        None,
        started.elapsed(),
    );
    sb.shutdown().await;
}
