//! Backup and restore (`cashier backup create|restore`, `Till::create_backup`,
//! `Till::restore_backup`), keyring entries named by the till id, and a till whose keys are
//! missing. The restore runs in a fresh session: a second `scripts/with-session.sh` (its own
//! D-Bus, gnome-keyring and HOME), another path, with the sandbox reached on loopback.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use ::till::keystore::{names, service_name, KeyStore, OsKeyring};
use ::till::{Role, Till, TillEvent};
use ecommpay::Tiyin;
use serde_json::Value;

use super::cli::{cli_sale, run, setup, spawn};
use super::*;

const PASSPHRASE: &str = "correct horse battery staple";

/// A shell script's steps run in a fresh session; each step's JSON lines, exit code and other
/// output, by name.
#[derive(Debug, Default)]
struct Step {
    lines: Vec<Value>,
    text: Vec<String>,
    rc: Option<i32>,
}

/// Runs `script` (bash) under a new `scripts/with-session.sh`, with `vars` in its environment.
/// Lines `@@ NAME` start a step and `@@rc N` end it; JSON lines go to the step, other lines to
/// its text.
fn fresh_session(script: &str, vars: &[(&str, &str)]) -> BTreeMap<String, Step> {
    let root = crate::support::workspace_root();
    let out = Command::new(root.join("scripts/with-session.sh"))
        .arg("bash")
        .arg("-c")
        .arg(script)
        .envs(vars.iter().copied())
        .env_remove("CASHIER_DATA_DIR")
        .current_dir(&root)
        .output()
        .expect("scripts/with-session.sh runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the fresh session failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut steps: BTreeMap<String, Step> = BTreeMap::new();
    let mut current = String::new();
    for line in stdout.lines() {
        if let Some(rc) = line.strip_prefix("@@rc ") {
            steps.entry(current.clone()).or_default().rc = rc.trim().parse().ok();
        } else if let Some(name) = line.strip_prefix("@@ ") {
            current = name.trim().to_owned();
            steps.entry(current.clone()).or_default();
        } else if let Some(v) = line
            .starts_with('{')
            .then(|| serde_json::from_str::<Value>(line).ok())
            .flatten()
        {
            steps.entry(current.clone()).or_default().lines.push(v);
        } else {
            steps
                .entry(current.clone())
                .or_default()
                .text
                .push(line.to_owned());
        }
    }
    steps
}

/// Every audit row's (id, hash), in order.
fn audit_chain(dir: &Path) -> Vec<(i64, String)> {
    let db = ::till::db::Db::open(&dir.join("till.sqlite3")).unwrap();
    let mut stmt = db
        .connection()
        .prepare("SELECT id, hash FROM audit_log ORDER BY id")
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    rows
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_made_during_a_sale_restores_whole_in_a_fresh_session() {
    let sb = sandbox(|_| {}).await;
    let work = tempfile::tempdir().unwrap();
    let d = work.path().join("shop");
    std::fs::create_dir(&d).unwrap();
    setup(&d, sb.base_url(), &[]).await;
    let (code, _, _) = run(
        &d,
        &[
            "user", "add", "--name", "dina", "--role", "manager", "--user", "boss",
        ],
        Some("222222\n333333\n"),
    )
    .await;
    assert_eq!(code, 0);
    let (code, sale) = cli_sale(&d, "15000", "uzcard-ok").await;
    assert_eq!(code, 0);
    let (_, cards, _) = run(&d, &["cards"], None).await;
    let card = cards[0]["id"].as_i64().unwrap().to_string();

    // A second sale, left open (its link shown, nobody pays) while the backup is made.
    let mut open = spawn(&d, &["sale", "--amount", "7000"], None, None);
    let open_id = open.line("created").await["payment_id"]
        .as_str()
        .unwrap()
        .to_owned();
    open.line("link").await;

    let file = work.path().join("shop.age");
    // Too short a passphrase: refused, no file.
    let (code, lines, _) = run(
        &d,
        &[
            "backup",
            "create",
            "--to",
            file.to_str().unwrap(),
            "--user",
            "dina",
        ],
        Some("333333\nshort\n"),
    )
    .await;
    assert_eq!(
        (code, lines[0]["code"].as_str()),
        (2, Some("passphrase_too_short"))
    );
    assert!(!file.exists());
    let started = std::time::Instant::now();
    let (code, lines, err) = run(
        &d,
        &[
            "backup",
            "create",
            "--to",
            file.to_str().unwrap(),
            "--user",
            "dina",
        ],
        Some(&format!("333333\n{PASSPHRASE}\n")),
    )
    .await;
    let took = started.elapsed();
    assert_eq!(code, 0, "{lines:?} {err}");
    let made = &lines[0];
    assert_eq!(made["event"], "backup_created");
    assert_eq!(made["path"], file.to_str().unwrap());
    let bytes = std::fs::metadata(&file).unwrap().len();
    assert_eq!(made["bytes"].as_u64(), Some(bytes));
    assert_eq!(made["with_secret"], true);
    let audit_rows = made["audit_rows"].as_u64().unwrap() as usize;
    println!("backup: {bytes} bytes in {took:?} (2 payments, scrypt included)");

    // It is an age file, and nothing in it is readable without the passphrase.
    let raw = std::fs::read(&file).unwrap();
    assert!(raw.starts_with(b"age-encryption.org/v1\n"), "an age header");
    let token = account_number(&sb, "uzcard-ok");
    for needle in [SECRET, token.as_str(), "SQLite format 3", "manifest.json"] {
        assert!(
            !raw.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle:?} is readable in the backup"
        );
    }
    let (_, original_history, _) = run(&d, &["history", "--limit", "100"], None).await;
    assert_eq!(original_history.len(), 2);
    assert!(
        original_history
            .iter()
            .any(|r| r["payment_id"] == open_id.as_str() && r["state"] != "success"),
        "the open sale is in the backup's history: {original_history:?}"
    );
    let original_chain = audit_chain(&d);

    // The fresh session: another keyring, another HOME, another path.
    let target_root = work.path().join("elsewhere");
    std::fs::create_dir(&target_root).unwrap();
    let target = target_root.join("restored till");
    let script = r#"
step() { echo "@@ $1"; }
rc() { echo "@@rc $1"; }
C() { "$CASHIER" --json --data-dir "$TARGET" "$@"; }
keyring() { secret-tool search --all service "$SERVICE" 2>/dev/null | grep -c '^label = ' || true; }
step wrong; printf 'not the passphrase\n' | C backup restore --from "$FILE"; rc $?
step wrong_files; ls -A "$ROOT"; rc $?
step wrong_keyring; keyring; rc 0
step empty; printf '\n' | C backup restore --from "$FILE"; rc $?
step restore; printf '%s\n' "$PASSPHRASE" | C backup restore --from "$FILE"; rc $?
step history; C history --limit 100; rc $?
step users; C user list; rc $?
step audit; C audit verify; rc $?
step doctor; C doctor; rc $?
step anna; printf '1111\n' | C payout request --card "$CARD" --amount 1000 --reason check --user anna; rc $?
step reject; printf '222222\n' | C payout reject 1 --user boss; rc $?
step request; printf '222222\n' | C payout request --card "$CARD" --amount 5000 --reason return --user boss; rc $?
step approve; printf '333333\n' | C payout approve 2 --user dina; rc $?
step keyring; keyring; rc 0
step home; echo "$HOME"; rc 0
"#;
    let steps = fresh_session(
        script,
        &[
            ("CASHIER", crate::support::bin("cashier").to_str().unwrap()),
            ("TARGET", target.to_str().unwrap()),
            ("ROOT", target_root.to_str().unwrap()),
            ("FILE", file.to_str().unwrap()),
            ("PASSPHRASE", PASSPHRASE),
            ("CARD", &card),
            ("SERVICE", service_name()),
        ],
    );
    let step = |name: &str| {
        steps
            .get(name)
            .unwrap_or_else(|| panic!("no step {name}: {steps:?}"))
    };

    // A wrong passphrase: exit 2, said plainly, nothing written (no folder, no keyring entry).
    let wrong = step("wrong");
    assert_eq!(wrong.rc, Some(2), "{wrong:?}");
    assert_eq!(wrong.lines[0]["code"], "backup_wrong_passphrase");
    let message = wrong.lines[0]["message"].as_str().unwrap();
    assert!(
        message.contains("wrong passphrase") && message.contains("nothing was restored"),
        "{message}"
    );
    assert_eq!(step("wrong_files").text, Vec::<String>::new(), "no file");
    assert_eq!(step("wrong_keyring").text, ["0"], "no keyring entry");
    assert_eq!(step("empty").lines[0]["code"], "passphrase_empty");

    // Restored.
    let restore = step("restore");
    assert_eq!(restore.rc, Some(0), "{restore:?}");
    let r = &restore.lines[0];
    assert_eq!(r["event"], "restored");
    assert_eq!(r["data_dir"], target.to_str().unwrap());
    assert_eq!(r["payments"], 2);
    assert_ne!(r["till_id"], r["from_till_id"], "a new till id");
    assert_eq!(
        step("keyring").text,
        ["4"],
        "secret, vault key, PIN key, audit key"
    );
    assert_ne!(
        step("home").text[0],
        std::env::var("HOME").unwrap(),
        "another HOME"
    );

    // History as it was, the open sale included; the chain holds and is the same.
    assert_eq!(step("history").lines, original_history);
    assert_eq!(step("audit").rc, Some(0));
    assert_eq!(step("audit").lines[0]["event"], "audit_verified");
    let restored_chain = audit_chain(&target);
    assert_eq!(restored_chain[..audit_rows], original_chain[..audit_rows]);
    assert_eq!(
        restored_chain.len(),
        audit_rows + 6,
        "restored, then the payouts"
    );
    let users: Vec<_> = step("users")
        .lines
        .iter()
        .map(|u| u["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(users, ["anna", "boss", "dina"]);
    let doctor = step("doctor");
    assert_eq!(doctor.rc, Some(0), "{doctor:?}");

    // The old PINs work: a cashier's, and both managers'; the saved card pays out.
    assert_eq!(step("anna").rc, Some(0), "{:?}", step("anna"));
    assert_eq!(step("reject").rc, Some(0), "{:?}", step("reject"));
    assert_eq!(step("request").rc, Some(0), "{:?}", step("request"));
    let approve = step("approve");
    assert_eq!(approve.rc, Some(0), "{approve:?}");
    let fin = approve
        .lines
        .iter()
        .find(|l| l["event"] == "final")
        .expect("a final line");
    assert_eq!(fin["status"], "success");
    let payout = sb
        .control()
        .payment(fin["payment_id"].as_str().unwrap())
        .unwrap();
    assert_eq!((payout.money_moved, payout.amount), (1, 500_000));
    assert_eq!(payout.account_number.as_deref(), Some(token.as_str()));
    // Nothing secret in the restored folder either.
    assert_not_in_files(&target, SECRET);
    assert_not_in_files(&target, &token);
    assert!(sb.control().payment(&sale).is_some());
    drop(open);
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_or_foreign_file_or_a_folder_with_a_till_restores_nothing() {
    let sb = sandbox(|_| {}).await;
    let t = TestTill::new(sb.base_url(), &[]);
    crate::till::add_user(&t.till, "boss", Role::Manager, "222222").unwrap();
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("b.age");
    let report = t
        .till
        .create_backup(&file, PASSPHRASE, false, "test")
        .unwrap();
    assert!(!report.with_secret);
    let good = std::fs::read(&file).unwrap();
    let target = work.path().join("new");
    let try_restore = |bytes: &[u8]| {
        let f = work.path().join("x.age");
        std::fs::write(&f, bytes).unwrap();
        let err = Till::restore_backup(&f, PASSPHRASE, &target, false)
            .err()
            .expect("refused");
        assert!(!target.exists(), "nothing written for {err}");
        let leftovers: Vec<_> = std::fs::read_dir(work.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        err.code()
    };
    // A byte flipped in the body, a cut file, a file that is not age, an empty one.
    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x40;
    assert_eq!(try_restore(&flipped), "backup_damaged");
    assert_eq!(try_restore(&good[..good.len() - 100]), "backup_damaged");
    assert_eq!(
        try_restore(b"PK\x03\x04 a zip, not a backup"),
        "backup_damaged"
    );
    assert_eq!(try_restore(b""), "backup_damaged");
    // The header's MAC: a byte of the header changed.
    let mut header = good.clone();
    let at = good.windows(3).position(|w| w == b"---").unwrap() + 5;
    header[at] ^= 0x01;
    assert_eq!(try_restore(&header), "backup_damaged");
    // Over a folder that holds a till: refused unless replace.
    let err = Till::restore_backup(&file, PASSPHRASE, t.path(), false)
        .err()
        .unwrap();
    assert_eq!(err.code(), "restore_target_has_till");
    // Replacing a till that another program drives (it holds the engine lock): refused.
    let lock = ::till::lock::acquire(t.path(), "cashier sale").unwrap();
    let err = Till::restore_backup(&file, PASSPHRASE, t.path(), true)
        .err()
        .unwrap();
    assert_eq!(err.code(), "engine_busy", "{err}");
    drop(lock);
    // A backup without the secret restores; the secret is then asked for in so many words.
    let (restored, r) = Till::restore_backup(&file, PASSPHRASE, &target, false).unwrap();
    assert!(!r.with_secret);
    restored.verify_pin("boss", "222222").unwrap();
    let err = restored
        .start_sale(Tiyin::new(100_000), Some("boss"))
        .await
        .err()
        .unwrap();
    assert_eq!(err.code(), "keys_missing");
    assert!(err.to_string().contains("cashier secret set"), "{err}");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moved_data_folder_keeps_its_keys_and_old_path_named_entries_move_to_the_till_id() {
    let sb = sandbox(|_| {}).await;
    let work = tempfile::tempdir().unwrap();
    let t = TestTill::new(sb.base_url(), &[]);
    crate::till::add_user(&t.till, "boss", Role::Manager, "222222").unwrap();
    let id = t.till.config().till_id;
    assert_eq!(id.len(), 32);
    let keys = OsKeyring::for_till_id(&id);
    assert!(keys.get(names::PIN_PEPPER).unwrap().is_some());
    drop(t.till);

    // Moved to another path: same till id, same keys.
    let moved = work.path().join("moved");
    std::fs::rename(t.dir.path(), &moved).unwrap();
    let till = Till::open(&moved).unwrap();
    assert_eq!(till.config().till_id, id);
    till.verify_pin("boss", "222222").unwrap();
    assert!(till.secret_configured().unwrap());
    assert!(till.missing_keys().unwrap().is_empty());
    drop(till);

    // A till from before till ids: no till_id in its config, entries named by its path.
    let cfg_path = moved.join("config.toml");
    let text = std::fs::read_to_string(&cfg_path).unwrap();
    let old: String = text
        .lines()
        .filter(|l| !l.starts_with("till_id"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&cfg_path, old).unwrap();
    let by_path = OsKeyring::for_path(&moved);
    // (The entries this till has: not every till has a Data API token.)
    let mut present = Vec::new();
    for name in names::ALL {
        let Some(v) = keys.get(name).unwrap() else {
            continue;
        };
        by_path.set(name, &v).unwrap();
        keys.delete(name).unwrap();
        present.push(name);
    }
    assert!(present.len() >= 4, "{present:?}");
    let till = Till::open(&moved).unwrap();
    let new_id = till.config().till_id;
    assert_eq!(new_id.len(), 32, "an id on first open");
    assert!(std::fs::read_to_string(&cfg_path)
        .unwrap()
        .contains(&new_id));
    till.verify_pin("boss", "222222").unwrap();
    assert!(till.secret_configured().unwrap());
    for name in present {
        assert!(by_path.get(name).unwrap().is_none(), "{name} moved");
        assert!(OsKeyring::for_till_id(&new_id).get(name).unwrap().is_some());
    }
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_vault_key_never_stops_sign_in_and_a_sale_says_its_card_was_not_saved() {
    let sb = sandbox(|_| {}).await;
    let t = TestTill::new(sb.base_url(), &[]);
    crate::till::add_user(&t.till, "boss", Role::Manager, "222222").unwrap();
    let keys = OsKeyring::for_data_dir(t.path());
    keys.delete(names::DATA_KEY).unwrap();
    let till = Till::open(t.path()).unwrap();
    assert_eq!(till.missing_keys().unwrap(), [names::DATA_KEY]);
    till.verify_pin("boss", "222222").unwrap();

    // A paid sale: paid and recorded, and said loudly that its card was not saved.
    let mut rx = till.subscribe();
    let h = till
        .start_sale(Tiyin::new(300_000), Some("boss"))
        .await
        .unwrap();
    let pid = h.payment_id.clone();
    let TillEvent::Link { url, .. } = wait_event(
        &mut rx,
        20,
        |e| matches!(e, TillEvent::Link { payment_id, .. } if *payment_id == pid),
    )
    .await
    else {
        unreachable!()
    };
    pay(&url, "uzcard-ok").await;
    let e = wait_event(&mut rx, 30, |e| matches!(e, TillEvent::CardNotSaved { .. })).await;
    let TillEvent::CardNotSaved { code, message, .. } = e else {
        unreachable!()
    };
    assert_eq!(code, "keys_missing");
    assert!(
        message.contains("not in this computer's keyring")
            && message.contains("the card vault key")
            && message.contains("backup restore")
            && message.contains(&t.path().display().to_string()),
        "{message}"
    );
    assert_eq!(h.wait().await.unwrap().state, ::till::State::Success);
    assert!(till.cards().unwrap().is_empty());
    // The CLI says the same, and doctor names it.
    let (code, lines, _) = super::cli::run(t.path(), &["doctor"], None).await;
    assert_eq!(code, 2);
    let keyring = lines.iter().find(|l| l["name"] == "keyring").unwrap();
    assert!(
        keyring["detail"]
            .as_str()
            .unwrap()
            .contains("not in this computer's keyring"),
        "{keyring}"
    );
    let err = till
        .create_backup(&t.path().join("b.age"), PASSPHRASE, true, "test")
        .err()
        .unwrap();
    assert_eq!(err.code(), "keys_missing");
    sb.shutdown().await;
}
