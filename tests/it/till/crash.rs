//! Crash tests: the real `cashier` process is SIGKILLed at each step of a sale and of a payout
//! (before sending; after sending, before the answer; after the answer; while polling). After a
//! restart (`cashier recover`): one payment per `payment_id` at the sandbox, money moved exactly
//! once, and the local record final and equal to the sandbox's.
//!
//! "Before sending", "after the answer" and "while polling" use the documented test hook
//! `CASHIER_TEST_HOLD_AT` (the process stops there and says so on stderr); "after sending,
//! before the answer" uses the sandbox's hang-after-applying fault, so the request is applied
//! at the gateway while the process still waits for the answer.

use std::path::Path;
use std::time::Duration;

use ecommpay_sandbox::{GateFaultMode, GateFaultSpec, RunningSandbox, When};
use serde_json::Value;

use super::cli::{cli_sale, run, setup, spawn};
use super::*;

#[derive(Clone, Copy, Debug)]
enum Point {
    BeforeSend,
    AfterSend,
    AfterAnswer,
    WhilePolling,
}

impl Point {
    fn hook(self) -> Option<&'static str> {
        match self {
            Point::BeforeSend => Some("before_send"),
            Point::AfterSend => None,
            Point::AfterAnswer => Some("after_answer"),
            Point::WhilePolling => Some("while_polling"),
        }
    }
}

/// Kills `args` at `point`; returns the payment id it had written.
async fn kill_at(
    sb: &RunningSandbox,
    d: &Path,
    args: &[&str],
    stdin: Option<&str>,
    point: Point,
    path: &str,
) -> String {
    if let Point::AfterSend = point {
        sb.control().inject_fault(GateFaultSpec {
            mode: GateFaultMode::Hang,
            count: 1,
            hang_ms: 120_000,
            when: When::After,
            path: Some(path.into()),
        });
    }
    let mut live = spawn(d, args, stdin, point.hook());
    let pid = live.line("created").await["payment_id"]
        .as_str()
        .unwrap()
        .to_owned();
    match point.hook() {
        Some(h) => live.stderr_line(&format!("holding at {h}")).await,
        None => {
            // Applied at the gateway, the answer still hanging.
            eventually(30, "the sandbox applied the request", || {
                sb.control().payment(&pid)
            })
            .await;
        }
    }
    let before = sb.control().payment(&pid).is_some();
    match point {
        Point::BeforeSend => assert!(!before, "nothing was sent before the kill"),
        _ => assert!(before, "the request reached the gateway before the kill"),
    }
    live.sigkill().await;
    sb.control().clear_faults();
    pid
}

fn local(d: &Path, pid: &str) -> Value {
    let out = std::process::Command::new(crate::support::bin("cashier"))
        .args(["--data-dir", d.to_str().unwrap(), "--json", "timeline", pid])
        .output()
        .unwrap();
    let first = String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .map(str::to_owned)
        .unwrap_or_default();
    serde_json::from_str(&first).unwrap_or_else(|_| {
        panic!(
            "timeline of {pid}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Runs `cashier recover` until the payment is final locally.
async fn recover_until_final(d: &Path, pid: &str) -> Value {
    for _ in 0..40 {
        let (code, lines, err) = run(d, &["recover"], None).await;
        assert_eq!(code, 0, "{lines:?} {err}");
        let p = local(d, pid);
        if p["state"] == "success" || p["state"] == "failed" {
            return p;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!(
        "{pid} did not become final after recovery: {}",
        local(d, pid)
    );
}

fn assert_same_as_sandbox(sb: &RunningSandbox, p: &Value, pid: &str) {
    let rec = sb
        .control()
        .payment(pid)
        .expect("the sandbox knows the payment");
    assert_eq!(
        sb.control()
            .payments()
            .iter()
            .filter(|r| r.payment_id == pid)
            .count(),
        1,
        "one payment per payment_id"
    );
    assert_eq!(p["state"], "success", "{p}");
    assert_eq!(p["gateway_status"], rec.status.as_str());
    assert_eq!(p["amount"].as_u64(), Some(rec.amount));
    assert_eq!(rec.money_moved, 1, "money moved exactly once");
}

async fn sale_crash(point: Point) {
    let sb = sandbox(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The kill points are those of a Gate sale (the request to the gateway).
    let slow = [("timing.http_read_ms", "120000"), GATE[0]];
    setup(
        d,
        sb.base_url(),
        if matches!(point, Point::AfterSend) {
            &slow
        } else {
            GATE
        },
    )
    .await;
    let pid = kill_at(
        &sb,
        d,
        &["sale", "--amount", "25000"],
        None,
        point,
        "/v2/payment/card-partner/sale",
    )
    .await;
    // Restart: the first recovery pass sends or finds it; it then waits for the customer.
    let (code, _, err) = run(d, &["recover"], None).await;
    assert_eq!(code, 0, "{err}");
    let rec = eventually(30, "the sale exists at the sandbox", || {
        sb.control().payment(&pid)
    })
    .await;
    pay(
        rec.redirect_url.as_deref().expect("a bot link"),
        "uzcard-ok",
    )
    .await;
    let p = recover_until_final(d, &pid).await;
    assert_same_as_sandbox(&sb, &p, &pid);
    assert_eq!(sb.control().payments().len(), 1);
    sb.shutdown().await;
}

async fn payout_crash(point: Point) {
    let sb = sandbox(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let slow = [("timing.http_read_ms", "120000")];
    setup(
        d,
        sb.base_url(),
        if matches!(point, Point::AfterSend) {
            &slow
        } else {
            &[]
        },
    )
    .await;
    let (code, _) = cli_sale(d, "50000", "uzcard-ok").await;
    assert_eq!(code, 0);
    let (_, cards, _) = run(d, &["cards"], None).await;
    let card = cards[0]["id"].as_i64().unwrap().to_string();
    let (code, req, err) = run(
        d,
        &[
            "payout", "request", "--card", &card, "--amount", "20000", "--reason", "return",
            "--user", "anna",
        ],
        Some("1111\n"),
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let id = req[0]["id"].as_i64().unwrap().to_string();
    let pid = kill_at(
        &sb,
        d,
        &["payout", "approve", &id, "--user", "boss"],
        Some("222222\n"),
        point,
        "/v2/payment/card-partner/payout",
    )
    .await;
    let p = recover_until_final(d, &pid).await;
    assert_same_as_sandbox(&sb, &p, &pid);
    // The request cannot be approved again: one payout per request.
    let (code, lines, _) = run(
        d,
        &["payout", "approve", &id, "--user", "boss"],
        Some("222222\n"),
    )
    .await;
    assert_eq!(
        (code, lines[0]["code"].as_str()),
        (2, Some("payout_not_pending"))
    );
    assert_eq!(
        sb.control()
            .payments()
            .iter()
            .filter(|r| r.kind == ecommpay_sandbox::Kind::Payout)
            .count(),
        1
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sale_killed_before_sending() {
    sale_crash(Point::BeforeSend).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sale_killed_after_sending_before_the_answer() {
    sale_crash(Point::AfterSend).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sale_killed_after_the_answer() {
    sale_crash(Point::AfterAnswer).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sale_killed_while_polling() {
    sale_crash(Point::WhilePolling).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payout_killed_before_sending() {
    payout_crash(Point::BeforeSend).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payout_killed_after_sending_before_the_answer() {
    payout_crash(Point::AfterSend).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payout_killed_after_the_answer() {
    payout_crash(Point::AfterAnswer).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payout_killed_while_polling() {
    payout_crash(Point::WhilePolling).await;
}
