//! The `cashier` binary: its commands, flags, `--json` lines and exit codes (issue 4's
//! contract), over the same core, against the sandbox.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

use super::*;

pub fn cashier(dir: &Path) -> Command {
    let mut c = Command::new(crate::support::bin("cashier"));
    c.arg("--data-dir").arg(dir).arg("--json");
    c.env_remove("CASHIER_TEST_HOLD_AT");
    c.kill_on_drop(true);
    c
}

/// Runs to the end; returns the exit code, the JSON lines and stderr.
pub async fn run(dir: &Path, args: &[&str], stdin: Option<&str>) -> (i32, Vec<Value>, String) {
    let mut c = cashier(dir);
    c.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("cashier starts");
    let mut input = child.stdin.take().unwrap();
    if let Some(s) = stdin {
        input.write_all(s.as_bytes()).await.unwrap();
    }
    drop(input);
    let out = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("cashier {args:?} did not finish"))
        .unwrap();
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line: {l:?}: {e}")))
        .collect();
    (
        out.status.code().unwrap_or(-1),
        lines,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A running `cashier` whose JSON lines and stderr are read as they come.
pub struct Live {
    pub child: Child,
    pub lines: tokio::sync::mpsc::UnboundedReceiver<Value>,
    pub stderr: tokio::sync::mpsc::UnboundedReceiver<String>,
}

pub fn spawn(dir: &Path, args: &[&str], stdin: Option<&str>, hold_at: Option<&str>) -> Live {
    let mut c = cashier(dir);
    c.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(h) = hold_at {
        c.env("CASHIER_TEST_HOLD_AT", h);
    }
    let mut child = c.spawn().expect("cashier starts");
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.map(str::to_owned);
    tokio::spawn(async move {
        if let Some(s) = stdin {
            let _ = input.write_all(s.as_bytes()).await;
        }
    });
    let (tx, lines) = tokio::sync::mpsc::unbounded_channel();
    let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
    tokio::spawn(async move {
        while let Ok(Some(l)) = out.next_line().await {
            let v: Value =
                serde_json::from_str(&l).unwrap_or_else(|e| panic!("not a JSON line: {l:?}: {e}"));
            let _ = tx.send(v);
        }
    });
    let (etx, stderr) = tokio::sync::mpsc::unbounded_channel();
    let mut err = BufReader::new(child.stderr.take().unwrap()).lines();
    tokio::spawn(async move {
        while let Ok(Some(l)) = err.next_line().await {
            let _ = etx.send(l);
        }
    });
    Live {
        child,
        lines,
        stderr,
    }
}

impl Live {
    pub async fn line(&mut self, event: &str) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            match tokio::time::timeout_at(deadline, self.lines.recv()).await {
                Ok(Some(v)) if v["event"] == event => return v,
                Ok(Some(_)) => {}
                Ok(None) => panic!("cashier ended before a {event:?} line"),
                Err(_) => panic!("no {event:?} line within 30 s"),
            }
        }
    }

    pub async fn stderr_line(&mut self, needle: &str) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            match tokio::time::timeout_at(deadline, self.stderr.recv()).await {
                Ok(Some(l)) if l.contains(needle) => return,
                Ok(Some(_)) => {}
                Ok(None) => panic!("cashier ended before printing {needle:?}"),
                Err(_) => panic!("{needle:?} not printed within 30 s"),
            }
        }
    }

    /// SIGKILL: no cleanup, no flush, like a power cut for the process.
    pub async fn sigkill(mut self) {
        self.child.start_kill().unwrap();
        let status = self.child.wait().await.unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9), "killed by SIGKILL");
    }

    pub async fn exit_code(mut self) -> i32 {
        tokio::time::timeout(Duration::from_secs(60), self.child.wait())
            .await
            .expect("cashier ends")
            .unwrap()
            .code()
            .unwrap_or(-1)
    }
}

/// `cashier init` + `secret set` + fast settings + two users, through the CLI itself.
pub async fn setup(dir: &Path, gateway: &str, extra: &[(&str, &str)]) {
    require_keyring();
    let (code, lines, err) = run(
        dir,
        &[
            "init",
            "--project-id",
            &PROJECT.to_string(),
            "--gateway-url",
            gateway,
            "--till-code",
            "CLI",
            "--payment-page-url",
            &format!("{gateway}/payment"),
        ],
        None,
    )
    .await;
    assert_eq!(code, 0, "{lines:?} {err}");
    assert_eq!(lines[0]["event"], "initialized");
    let (code, lines, _) = run(dir, &["secret", "set"], Some(&format!("{SECRET}\n"))).await;
    assert_eq!((code, lines[0]["event"].as_str()), (0, Some("secret_set")));
    for (k, v) in FAST.iter().chain(extra) {
        let (code, _, err) = run(dir, &["config", "set", k, v], None).await;
        assert_eq!(code, 0, "{err}");
    }
    let (code, lines, _) = run(
        dir,
        &["user", "add", "--name", "anna", "--role", "cashier"],
        Some("1111\n"),
    )
    .await;
    assert_eq!((code, lines[0]["role"].as_str()), (0, Some("cashier")));
    let (code, _, _) = run(
        dir,
        &["user", "add", "--name", "boss", "--role", "manager"],
        Some("222222\n"),
    )
    .await;
    assert_eq!(code, 0);
}

/// A sale through the CLI, paid with `card`; returns (exit code, payment id).
pub async fn cli_sale(dir: &Path, amount: &str, card: &str) -> (i32, String) {
    let mut live = spawn(dir, &["sale", "--amount", amount], None, None);
    let created = live.line("created").await;
    let pid = created["payment_id"].as_str().unwrap().to_owned();
    let link = live.line("link").await;
    assert_eq!(link["payment_id"], pid.as_str());
    pay(link["url"].as_str().unwrap(), card).await;
    let fin = live.line("final").await;
    assert_eq!(fin["payment_id"], pid.as_str());
    (live.exit_code().await, pid)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_contract() {
    let sb = sandbox(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d, sb.base_url(), &[]).await;

    let (code, lines, _) = run(d, &["doctor"], None).await;
    assert_eq!(code, 0, "{lines:?}");
    assert!(
        lines
            .iter()
            .all(|l| l["event"] == "check" && l["ok"] == true),
        "{lines:?}"
    );
    let names: Vec<_> = lines.iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "config",
            "flow",
            "keyring",
            "secret",
            "gateway",
            "signature"
        ]
    );
    // No listener: the Payment Page flow, and doctor says why.
    let flow = lines[1]["detail"].as_str().unwrap();
    assert!(
        flow.starts_with("payment_page:") && flow.contains("cannot reach"),
        "{flow}"
    );

    // Success: exit 0, a link line and a final line.
    let (code, sale) = cli_sale(d, "15000.50", "uzcard-ok").await;
    assert_eq!(code, 0);
    // Declined: exit 1.
    let (code, declined) = cli_sale(d, "200", "uzcard-nofunds").await;
    assert_eq!(code, 1);
    // Bad input: exit 2, a clear error line, nothing written.
    let (code, lines, _) = run(d, &["sale", "--amount", "12.345"], None).await;
    assert_eq!(
        (code, lines[0]["event"].as_str(), lines[0]["code"].as_str()),
        (2, Some("error"), Some("invalid_amount"))
    );
    let (_, hist, _) = run(d, &["history"], None).await;
    assert_eq!(hist.len(), 2);
    assert_eq!(hist[0]["payment_id"], declined.as_str(), "newest first");
    assert_eq!(hist[1]["amount"], 1_500_050);

    // Filters.
    let (_, rows, _) = run(d, &["history", "--status", "success"], None).await;
    assert_eq!(rows.len(), 1);
    let (_, rows, _) = run(d, &["history", "--type", "payout"], None).await;
    assert!(rows.is_empty());
    let (_, rows, _) = run(d, &["history", "--amount", "15000.50"], None).await;
    assert_eq!(rows[0]["payment_id"], sale.as_str());
    let (_, rows, _) = run(d, &["history", "--text", "7890"], None).await;
    assert_eq!(rows.len(), 1);
    let (_, rows, _) = run(d, &["history", "--text", &sale[..12]], None).await;
    assert_eq!(rows.len(), 2, "a payment id prefix");
    let today = ::till::time::local_date(chrono_now_ms())
        .format("%Y-%m-%d")
        .to_string();
    let (_, rows, _) = run(d, &["history", "--from", &today, "--to", &today], None).await;
    assert_eq!(rows.len(), 2);
    let (code, lines, _) = run(d, &["history", "--from", "yesterday"], None).await;
    assert_eq!(
        (code, lines[0]["code"].as_str()),
        (2, Some("config_invalid"))
    );
    // CSV.
    let out = std::process::Command::new(crate::support::bin("cashier"))
        .args(["--data-dir", d.to_str().unwrap(), "history", "--csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.starts_with("payment_id,type,amount_uzs,"), "{csv}");
    assert_eq!(csv.lines().count(), 3);
    assert!(csv.contains(&format!(
        "{sale},sale,15000.50,UZS,success,success,860003******7890,"
    )));

    // Cards: masked only.
    let (_, cards, _) = run(d, &["cards"], None).await;
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0]["masked"], "860003******7890");
    let token = account_number(&sb, "uzcard-ok");
    assert!(!serde_json::to_string(&cards).unwrap().contains(&token));
    let card = cards[0]["id"].as_i64().unwrap().to_string();

    // Payouts: request (as anna, PIN on stdin), approve (as boss), list.
    let (code, lines, err) = run(
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
            "--sale",
            &sale,
            "--user",
            "anna",
        ],
        Some("1111\n"),
    )
    .await;
    assert_eq!(code, 0, "{lines:?} {err}");
    let req = lines[0]["id"].as_i64().unwrap().to_string();
    assert_eq!(lines[0]["event"], "payout_requested");
    let (code, lines, _) = run(
        d,
        &["payout", "approve", &req, "--user", "anna"],
        Some("1111\n"),
    )
    .await;
    assert_eq!((code, lines[0]["code"].as_str()), (2, Some("not_manager")));
    let (code, lines, _) = run(
        d,
        &["payout", "approve", &req, "--user", "boss"],
        Some("222222\n"),
    )
    .await;
    assert_eq!(code, 0, "{lines:?}");
    let fin = lines
        .iter()
        .find(|l| l["event"] == "final")
        .expect("a final line");
    assert_eq!(fin["status"], "success");
    let pid = fin["payment_id"].as_str().unwrap();
    assert_eq!(sb.control().payment(pid).unwrap().money_moved, 1);
    let (_, list, _) = run(d, &["payout", "list"], None).await;
    assert_eq!(list[0]["status"], "approved");
    assert_eq!(list[0]["payment_state"], "success");
    // The timeline command.
    let (code, tl, _) = run(d, &["timeline", pid], None).await;
    assert_eq!(code, 0);
    assert!(tl.iter().any(|l| l["event"] == "message"));
    // Nothing secret in any file of the data folder.
    assert_not_in_files(d, &token);
    assert_not_in_files(d, SECRET);
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_says_what_is_missing() {
    require_keyring();
    let dir = tempfile::tempdir().unwrap();
    let (code, lines, _) = run(dir.path(), &["history"], None).await;
    assert_eq!(
        (code, lines[0]["code"].as_str()),
        (2, Some("not_initialised"))
    );
    // A gateway in clear over the network is refused before anything is written.
    for url in [
        "http://example.invalid",
        "http://10.0.0.1",
        "http://not a url",
    ] {
        let (code, lines, _) = run(
            dir.path(),
            &[
                "init",
                "--project-id",
                "1",
                "--gateway-url",
                url,
                "--till-code",
                "T1",
            ],
            None,
        )
        .await;
        assert_eq!(
            (code, lines[0]["code"].as_str()),
            (2, Some("config_invalid")),
            "{url}: {lines:?}"
        );
        assert!(
            lines[0]["message"]
                .as_str()
                .unwrap()
                .contains("gateway_url"),
            "{lines:?}"
        );
        assert!(
            !dir.path().join("config.toml").exists(),
            "{url}: nothing written"
        );
    }
    let (code, _, _) = run(
        dir.path(),
        &[
            "init",
            "--project-id",
            "1",
            "--gateway-url",
            "http://127.0.0.1:9",
            "--till-code",
            "T1",
        ],
        None,
    )
    .await;
    assert_eq!(code, 0);
    let (code, lines, _) = run(dir.path(), &["sale", "--amount", "100"], None).await;
    assert_eq!(
        (code, lines[0]["code"].as_str()),
        (2, Some("secret_missing"))
    );
    let (code, lines, _) = run(
        dir.path(),
        &[
            "init",
            "--project-id",
            "1",
            "--gateway-url",
            "http://127.0.0.1:9",
            "--till-code",
            "bad code",
        ],
        None,
    )
    .await;
    assert_eq!(
        (code, lines[0]["code"].as_str()),
        (2, Some("config_invalid"))
    );
    // Without a D-Bus session: a clear keyring error, never a plaintext fallback.
    let other = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(crate::support::bin("cashier"))
        .args([
            "--data-dir",
            other.path().to_str().unwrap(),
            "--json",
            "init",
            "--project-id",
            "1",
            "--gateway-url",
            "http://127.0.0.1:9",
            "--till-code",
            "T1",
        ])
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .output()
        .unwrap();
    let line: Value =
        serde_json::from_slice(out.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(line["code"], "keyring_unavailable", "{line}");
    assert!(
        !other.path().join("config.toml").exists(),
        "nothing half set up"
    );
}

fn chrono_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}
