//! Following payments without the process that started them: `Till::resume_all` in a new
//! till instance after the `cashier` that started a sale was killed, and `cashier listen`
//! applying the gateway's callbacks for a sale another process started.

use std::time::{Duration, Instant};

use ::till::{State, Till};
use serde_json::Value;

use super::cli::{run, setup, spawn};
use super::*;

/// Starts `cashier sale` held at `point` (test hook), then SIGKILLs it. Returns its payment id.
async fn killed_sale(d: &Path, amount: &str, point: &str) -> String {
    let mut live = spawn(d, &["sale", "--amount", amount], None, Some(point));
    let pid = live.line("created").await["payment_id"]
        .as_str()
        .unwrap()
        .to_owned();
    live.stderr_line(&format!("holding at {point}")).await;
    live.sigkill().await;
    pid
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_all_follows_sales_left_open_by_a_killed_process_to_their_end() {
    let sb = sandbox(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Killed before sending / while polling: points of a Gate sale.
    setup(d, sb.base_url(), GATE).await;
    // One killed while polling (sent, waiting for the customer), one before it was sent.
    let polling = killed_sale(d, "700", "while_polling").await;
    let unsent = killed_sale(d, "800", "before_send").await;
    assert!(sb.control().payment(&polling).is_some());
    assert!(
        sb.control().payment(&unsent).is_none(),
        "killed before sending"
    );

    // A new till instance (the desktop app starting) resumes both.
    let till = Till::open(d).unwrap();
    for pid in [&polling, &unsent] {
        assert!(!till.payment(pid).unwrap().state.is_final());
    }
    let handles = till.resume_all().unwrap();
    let mut ids: Vec<_> = handles.iter().map(|h| h.payment_id.clone()).collect();
    ids.sort();
    let mut want = vec![polling.clone(), unsent.clone()];
    want.sort();
    assert_eq!(ids, want, "one follower per open payment");

    // The customers act only now; the followers see it through.
    for (pid, card) in [(&polling, "uzcard-ok"), (&unsent, "uzcard-nofunds")] {
        let rec = eventually(30, "the sale is at the sandbox", || {
            sb.control().payment(pid)
        })
        .await;
        pay(rec.redirect_url.as_deref().expect("a bot link"), card).await;
    }
    for h in handles {
        let pid = h.payment_id.clone();
        let p = tokio::time::timeout(Duration::from_secs(60), h.wait())
            .await
            .unwrap_or_else(|_| panic!("{pid} followed to its end"))
            .unwrap();
        let (state, moved) = if pid == polling {
            (State::Success, 1)
        } else {
            (State::Failed, 0)
        };
        assert_eq!(p.state, state, "{pid}");
        let rec = sb.control().payment(&pid).unwrap();
        assert_eq!(p.gateway_status.as_deref(), Some(rec.status.as_str()));
        assert_eq!(rec.money_moved, moved);
    }
    assert_eq!(
        sb.control().payments().len(),
        2,
        "one payment per payment_id"
    );
    assert!(
        till.resume_all().unwrap().is_empty(),
        "nothing open any more"
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cashier_listen_applies_callbacks_and_stops_cleanly_on_sigterm() {
    let sb = sandbox(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let addr = free_addr();
    let public = format!("http://{addr}/ecommpay/callback");
    let listen = addr.to_string();
    setup(
        d,
        sb.base_url(),
        &[
            ("callback.enabled", "true"),
            ("callback.listen", &listen),
            ("callback.public_url", &public),
            // Polling effectively off: only a callback can finish the sale in time.
            ("timing.first_poll_ms", "3600000"),
        ],
    )
    .await;
    // The sale starts in another process (here: the library), which then stops (one engine
    // per data folder: `cashier listen` takes over and follows it; its polls are an hour away).
    let till = Till::open(d).unwrap();
    let h = till
        .start_sale(ecommpay::Tiyin::new(1_234_500), Some("anna"))
        .await
        .unwrap();
    let pid = h.payment_id.clone();
    eventually(30, "the sale accepted", || {
        till.payment(&pid).unwrap().answered_at
    })
    .await;
    h.task.abort();
    let _ = h.task.await;
    drop(till);
    let mut listener = spawn(d, &["listen"], None, None);
    let line = listener.line("listening").await;
    assert_eq!(line["addr"], listen.as_str());
    // While it runs, no other engine may start on this folder.
    let (code, lines, _) = run(d, &["sale", "--amount", "1000"], None).await;
    assert_eq!(
        (code, lines[0]["code"].as_str()),
        (2, Some("engine_busy")),
        "{lines:?}"
    );
    assert!(
        lines[0]["message"]
            .as_str()
            .unwrap()
            .contains("cashier listen (process "),
        "{lines:?}"
    );
    let till = Till::open(d).unwrap();
    // The link reaches the till through the listener (the sandbox sends it by callback).
    let url = eventually(30, "the link stored by the listener", || {
        till.payment(&pid).unwrap().redirect_url
    })
    .await;
    pay(&url, "humo-ok").await;
    let started = Instant::now();
    let p = eventually(30, "the sale final through the listener", || {
        let p = till.payment(&pid).unwrap();
        p.state.is_final().then_some(p)
    })
    .await;
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_eq!(p.state, State::Success);
    assert_eq!(p.poll_count, 0, "no status poll was made");
    let tl = till.payment_timeline(&pid).unwrap();
    let source = |m: &::till::db::messages::TimelineEntry| {
        serde_json::to_value(m.source)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(tl.iter().all(|m| source(m) != "status"), "{tl:?}");
    let applied: Vec<_> = tl
        .iter()
        .filter(|m| source(m) == "callback" && m.applied)
        .collect();
    assert!(
        applied
            .iter()
            .any(|m| m.status.as_deref() == Some("success")),
        "{tl:?}"
    );
    assert!(applied
        .iter()
        .all(|m| serde_json::to_value(m.signature).unwrap() == "verified"));
    assert_eq!(sb.control().payment(&pid).unwrap().money_moved, 1);

    // SIGTERM (a service manager stopping it): a clean stop, exit 0, the port released.
    let os_pid = listener.child.id().expect("running").to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &os_pid])
        .status()
        .unwrap();
    assert!(status.success());
    let stopped: Value = listener.line("stopped").await;
    assert_eq!(stopped["event"], "stopped");
    assert_eq!(listener.exit_code().await, 0);
    std::net::TcpListener::bind(addr).expect("the listener's port is free again");
    // The history shows the sale once.
    let (_, hist, _) = run(d, &["history"], None).await;
    assert_eq!(hist.len(), 1);
    assert_eq!(hist[0]["state"], "success");
    sb.shutdown().await;
}
