//! What a shop manager does besides sales: reject payout requests, change and reset PINs,
//! unlock and deactivate users, through the `cashier` binary (its `--json` lines and codes).

use serde_json::Value;

use super::cli::{cli_sale, run, setup};
use super::*;

/// `cashier ARGS` with `stdin`; asserts the exit code; returns the first JSON line.
async fn ok(d: &Path, args: &[&str], stdin: &str) -> Value {
    let (code, lines, err) = run(d, args, Some(stdin)).await;
    assert_eq!(code, 0, "cashier {args:?}: {lines:?} {err}");
    lines.into_iter().next().expect("a JSON line")
}

/// `cashier ARGS` with `stdin`; asserts exit 2; returns the error code.
async fn fails(d: &Path, args: &[&str], stdin: &str) -> String {
    let (code, lines, err) = run(d, args, Some(stdin)).await;
    assert_eq!(code, 2, "cashier {args:?} should fail: {lines:?} {err}");
    assert_eq!(lines[0]["event"], "error", "{lines:?}");
    lines[0]["code"].as_str().unwrap().to_owned()
}

fn user<'a>(list: &'a [Value], name: &str) -> &'a Value {
    list.iter()
        .find(|u| u["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {list:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_rejects_a_payout_request_and_it_stays_rejected() {
    let sb = sandbox(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d, sb.base_url(), &[]).await;
    ok(
        d,
        &[
            "user", "add", "--name", "dina", "--role", "manager", "--user", "boss",
        ],
        "222222\n333333\n",
    )
    .await;
    let (code, _) = cli_sale(d, "500", "uzcard-ok").await;
    assert_eq!(code, 0);
    let (_, cards, _) = run(d, &["cards"], None).await;
    let card = cards[0]["id"].as_i64().unwrap().to_string();
    let ask = |who: &'static str, pin: &'static str| {
        let card = card.clone();
        async move {
            let l = ok(
                d,
                &[
                    "payout",
                    "request",
                    "--card",
                    &card,
                    "--amount",
                    "100",
                    "--reason",
                    "Qaytarish",
                    "--user",
                    who,
                ],
                pin,
            )
            .await;
            l["id"].as_i64().unwrap().to_string()
        }
    };
    let req = ask("anna", "1111\n").await;

    // Only a manager, with the right PIN.
    let reject = |id: &str, who: &str| {
        vec![
            "payout".to_owned(),
            "reject".into(),
            id.to_owned(),
            "--user".into(),
            who.to_owned(),
        ]
    };
    let args = reject(&req, "anna");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(fails(d, &args, "1111\n").await, "not_manager");
    let args = reject(&req, "boss");
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(fails(d, &args, "0000\n").await, "wrong_pin");
    args.extend(["--reason", "wrong card"]);
    let l = ok(d, &args, "222222\n").await;
    assert_eq!(l["event"], "payout_rejected");
    assert_eq!(
        (
            l["id"].as_i64().map(|i| i.to_string()),
            l["status"].as_str(),
            l["approver"].as_str(),
            l["decision_note"].as_str()
        ),
        (
            Some(req.clone()),
            Some("rejected"),
            Some("boss"),
            Some("wrong card")
        )
    );

    // A rejected request can never be approved (nor rejected again).
    assert_eq!(
        fails(
            d,
            &["payout", "approve", &req, "--user", "dina"],
            "333333\n"
        )
        .await,
        "payout_not_pending"
    );
    assert_eq!(
        fails(d, &["payout", "reject", &req, "--user", "dina"], "333333\n").await,
        "payout_not_pending"
    );
    // A manager may withdraw their own request (no money moves); the reason is optional.
    let own = ask("boss", "222222\n").await;
    let l = ok(d, &["payout", "reject", &own, "--user", "boss"], "222222\n").await;
    assert_eq!(
        (l["status"].as_str(), &l["decision_note"]),
        (Some("rejected"), &Value::Null)
    );

    let (_, list, _) = run(d, &["payout", "list"], None).await;
    assert_eq!(list.len(), 2);
    assert!(list.iter().all(|r| r["event"] == "payout_request"
        && r["status"] == "rejected"
        && r["payment_id"].is_null()
        && r["decided_at"].is_i64()));
    assert_eq!(list[1]["decision_note"], "wrong card");
    // Only the sale reached the gateway: no payout was ever sent.
    assert_eq!(sb.control().payments().len(), 1);

    // The text list says who rejected and why.
    let out = std::process::Command::new(crate::support::bin("cashier"))
        .args(["--data-dir", d.to_str().unwrap(), "payout", "list"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("rejected by boss: wrong card"), "{text}");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn managers_change_reset_unlock_and_deactivate_users() {
    let sb = sandbox(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d, sb.base_url(), &[("timing.pin_max_attempts", "3")]).await;
    let sign_in = |who: &'static str, pin: &'static str| async move {
        // `payout request` for a card that does not exist: the PIN is checked first.
        fails(
            d,
            &[
                "payout", "request", "--card", "999", "--amount", "1", "--reason", "x", "--user",
                who,
            ],
            pin,
        )
        .await
    };
    assert_eq!(
        sign_in("anna", "1111\n").await,
        "card_not_found",
        "signed in"
    );

    // Own PIN: old, then new, on two lines; the rule is checked.
    assert_eq!(
        fails(d, &["user", "pin", "--name", "anna"], "1111\n12\n").await,
        "bad_pin"
    );
    assert_eq!(
        fails(d, &["user", "pin", "--name", "anna"], "9999\n5555\n").await,
        "wrong_pin"
    );
    let l = ok(d, &["user", "pin", "--name", "anna"], "1111\n5555\n").await;
    assert_eq!(
        (l["event"].as_str(), l["name"].as_str()),
        (Some("pin_changed"), Some("anna"))
    );
    assert_eq!(sign_in("anna", "1111\n").await, "wrong_pin");
    assert_eq!(sign_in("anna", "5555\n").await, "card_not_found");

    // Locked out; a manager unlocks.
    for _ in 0..3 {
        sign_in("anna", "0000\n").await;
    }
    assert_eq!(sign_in("anna", "5555\n").await, "locked");
    assert_eq!(
        fails(
            d,
            &["user", "unlock", "--name", "anna", "--user", "anna"],
            "5555\n"
        )
        .await,
        "locked"
    );
    let l = ok(
        d,
        &["user", "unlock", "--name", "anna", "--user", "boss"],
        "222222\n",
    )
    .await;
    assert_eq!(l["event"], "user_unlocked");
    assert_eq!(sign_in("anna", "5555\n").await, "card_not_found");

    // Locked again; a manager resets the PIN (manager's PIN, then the new one).
    for _ in 0..3 {
        sign_in("anna", "0000\n").await;
    }
    assert_eq!(
        fails(
            d,
            &["user", "reset-pin", "--name", "anna", "--user", "boss"],
            "222222\nabcd\n"
        )
        .await,
        "bad_pin"
    );
    assert_eq!(
        fails(
            d,
            &["user", "reset-pin", "--name", "ghost", "--user", "boss"],
            "222222\n4444\n"
        )
        .await,
        "user_not_found"
    );
    let l = ok(
        d,
        &["user", "reset-pin", "--name", "anna", "--user", "boss"],
        "222222\n6666\n",
    )
    .await;
    assert_eq!(
        (l["event"].as_str(), l["by"].as_str()),
        (Some("pin_reset"), Some("boss"))
    );
    assert_eq!(sign_in("anna", "6666\n").await, "card_not_found");

    // Deactivate: no sign-in, still listed (history keeps the name).
    assert_eq!(
        fails(
            d,
            &["user", "deactivate", "--name", "boss", "--user", "anna"],
            "6666\n"
        )
        .await,
        "not_manager"
    );
    let l = ok(
        d,
        &["user", "deactivate", "--name", "anna", "--user", "boss"],
        "222222\n",
    )
    .await;
    assert_eq!(
        (l["event"].as_str(), l["active"].as_bool()),
        (Some("user_deactivated"), Some(false))
    );
    assert_eq!(sign_in("anna", "6666\n").await, "user_inactive");
    let (_, list, _) = run(d, &["user", "list"], None).await;
    assert_eq!(user(&list, "anna")["active"], false);
    assert_eq!(user(&list, "boss")["active"], true);

    // The last active manager stays; with a second one, boss may step down.
    assert_eq!(
        fails(
            d,
            &["user", "deactivate", "--name", "boss", "--user", "boss"],
            "222222\n"
        )
        .await,
        "last_manager"
    );
    ok(
        d,
        &[
            "user", "add", "--name", "dina", "--role", "manager", "--user", "boss",
        ],
        "222222\n333333\n",
    )
    .await;
    ok(
        d,
        &["user", "deactivate", "--name", "boss", "--user", "dina"],
        "333333\n",
    )
    .await;
    assert_eq!(sign_in("boss", "222222\n").await, "user_inactive");
    assert_eq!(
        fails(
            d,
            &["user", "deactivate", "--name", "dina", "--user", "dina"],
            "333333\n"
        )
        .await,
        "last_manager"
    );
    let l = ok(
        d,
        &["user", "activate", "--name", "anna", "--user", "dina"],
        "333333\n",
    )
    .await;
    assert_eq!(
        (l["event"].as_str(), l["active"].as_bool()),
        (Some("user_activated"), Some(true))
    );
    assert_eq!(sign_in("anna", "6666\n").await, "card_not_found");

    // Every change is in the audit log, by the right person, and the chain holds.
    ::till::Till::open(d).unwrap().verify_audit().unwrap();
    let db = ::till::db::Db::open(&d.join("till.sqlite3")).unwrap();
    let audit: Vec<(String, String, String)> = ::till::db::audit::recent(db.connection(), 500)
        .unwrap()
        .into_iter()
        .map(|e| (e.actor, e.action, e.subject))
        .collect();
    for (actor, action, subject) in [
        ("anna", "pin_changed", "anna"),
        ("boss", "user_unlocked", "anna"),
        ("boss", "pin_reset", "anna"),
        ("boss", "user_deactivated", "anna"),
        ("dina", "user_deactivated", "boss"),
        ("dina", "user_activated", "anna"),
    ] {
        assert!(
            audit.contains(&(actor.into(), action.into(), subject.into())),
            "{actor} {action} {subject}: {audit:?}"
        );
    }
    // PINs only as Argon2 hashes: never in the audit details.
    let details: String = ::till::db::audit::recent(db.connection(), 500)
        .unwrap()
        .iter()
        .map(|e| e.detail.to_string())
        .collect();
    for pin in ["5555", "6666"] {
        assert!(!details.contains(pin), "{pin} in {details}");
    }
    sb.shutdown().await;
}
