//! Nothing silent after a crash, one engine per data folder: a sale open when its process was
//! SIGKILLed raises the late-result banner when it ends; a follower outlives a database that
//! stays locked past its busy timeout; while an engine runs, a second one is refused with the
//! holder's name and the read-only commands keep working.

use std::time::Duration;

use ::till::{State, Till, TillEvent};
use ecommpay::Tiyin;

use super::cli::{run, setup, spawn};
use super::*;

/// `cashier sale` killed once its link is on screen; returns the payment id and the link.
async fn killed_with_the_link(d: &std::path::Path, amount: &str) -> (String, String) {
    let mut live = spawn(d, &["sale", "--amount", amount], None, None);
    let pid = live.line("created").await["payment_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = live.line("link").await["url"].as_str().unwrap().to_owned();
    live.sigkill().await;
    (pid, url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sales_open_when_the_till_was_killed_raise_their_late_result() {
    let sb = sandbox(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d, sb.base_url(), &[]).await;
    let (paid, paid_url) = killed_with_the_link(d, "12000").await;
    let (declined, declined_url) = killed_with_the_link(d, "3000").await;
    // The customers act while no till is running.
    pay(&paid_url, "uzcard-ok").await;
    pay(&declined_url, "uzcard-nofunds").await;

    // The app starts again: both sales were interrupted; their results are raised.
    let till = Till::open(d).unwrap();
    let mut rx = till.subscribe();
    let handles = till.resume_all().unwrap();
    assert_eq!(handles.len(), 2);
    for pid in [&paid, &declined] {
        assert!(
            till.payment(pid).unwrap().interrupted_at.is_some(),
            "{pid} marked interrupted"
        );
    }
    let mut late_success = None;
    let mut late_decline = None;
    while late_success.is_none() || late_decline.is_none() {
        match wait_event(&mut rx, 30, |e| {
            matches!(
                e,
                TillEvent::LateSuccess { .. } | TillEvent::LateDecline { .. }
            )
        })
        .await
        {
            TillEvent::LateSuccess { payment_id, amount } => {
                late_success = Some((payment_id, amount))
            }
            TillEvent::LateDecline {
                payment_id, code, ..
            } => late_decline = Some((payment_id, code)),
            _ => unreachable!(),
        }
    }
    assert_eq!(late_success, Some((paid.clone(), Tiyin::new(1_200_000))));
    assert_eq!(
        late_decline,
        Some((declined.clone(), Some("20105".to_owned())))
    );
    for h in handles {
        h.wait().await.unwrap();
    }
    assert_eq!(till.payment(&paid).unwrap().state, State::Success);
    assert_eq!(till.cards().unwrap().len(), 1, "the card is saved");
    // A sale that ends while its till watches it raises nothing late.
    assert!(till.verify_audit().is_ok());
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follower_outlives_a_database_locked_past_its_busy_timeout() {
    let sb = sandbox(|_| {}).await;
    let t = TestTill::new(sb.base_url(), &[]);
    let mut rx = t.till.subscribe();
    let h = t.till.start_sale(Tiyin::new(990_000), None).await.unwrap();
    let pid = h.payment_id.clone();
    let url = match wait_event(&mut rx, 20, |e| matches!(e, TillEvent::Link { .. })).await {
        TillEvent::Link { url, .. } => url,
        _ => unreachable!(),
    };
    // Another program holds the write lock for longer than the till waits for it (10 s).
    let db = t.path().join("till.sqlite3");
    let blocker = std::thread::spawn(move || {
        let other = ::till::db::Db::open(&db).unwrap();
        other.connection().execute_batch("BEGIN IMMEDIATE").unwrap();
        std::thread::sleep(Duration::from_secs(12));
        other.connection().execute_batch("COMMIT").unwrap();
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    pay(&url, "humo-ok").await;
    blocker.join().unwrap();
    let p = tokio::time::timeout(Duration::from_secs(60), h.wait())
        .await
        .expect("the sale is followed to its end")
        .expect("the follower was restarted, not lost");
    assert_eq!(
        (p.payment_id.as_str(), p.state),
        (pid.as_str(), State::Success)
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_engine_is_refused_by_name_and_reading_still_works() {
    let sb = sandbox(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d, sb.base_url(), &[]).await;
    let (code, _) = super::cli::cli_sale(d, "5000", "uzcard-ok").await;
    assert_eq!(code, 0);
    // A sale waits for its customer: `cashier sale` is the engine now.
    let mut first = spawn(d, &["sale", "--amount", "7000"], None, None);
    let url = first.line("link").await["url"].as_str().unwrap().to_owned();
    for args in [
        vec!["sale", "--amount", "100"],
        vec!["recover"],
        vec!["listen"],
    ] {
        let (code, lines, _) = run(d, &args, None).await;
        assert_eq!(
            (code, lines[0]["code"].as_str()),
            (2, Some("engine_busy")),
            "{args:?}: {lines:?}"
        );
        let msg = lines[0]["message"].as_str().unwrap();
        assert!(msg.contains("cashier sale (process "), "{msg}");
    }
    // The library (the desktop app) is refused the same way.
    let app = Till::open(d).unwrap();
    assert_eq!(app.resume_all().err().unwrap().code(), "engine_busy");
    drop(app);
    for args in [
        vec!["history"],
        vec!["cards"],
        vec!["payout", "list"],
        vec!["doctor"],
    ] {
        let (code, _, err) = run(d, &args, None).await;
        assert_eq!(code, 0, "{args:?} while an engine runs: {err}");
    }
    pay(&url, "uzcard-ok").await;
    assert_eq!(first.line("final").await["status"], "success");
    assert_eq!(first.exit_code().await, 0);
    // Its lock ended with it.
    let (code, _, err) = run(d, &["recover"], None).await;
    assert_eq!(code, 0, "{err}");
    sb.shutdown().await;
}
