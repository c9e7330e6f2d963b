//! The payout: accepted → `processing` → after the delay `success`, or `decline` 504 (merchant
//! balance short), 904 (above the maximum), 20602 (past the scaled 24 h limit).

use std::time::{Duration, Instant};

use ecommpay_sandbox::SandboxConfig;
use serde_json::json;

use super::{assert_all_signed, config, Harness};

const PAYOUT: &str = "/v2/payment/card-partner/payout";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payout_to_the_sale_card_succeeds_and_moves_money_once() {
    let h = Harness::start().await;
    let card = h.paid_sale("p-sale", "cust-9", 2_000_000).await;
    let balance = h.sb.control().balance();

    let a = h
        .post(PAYOUT, h.payout_body("p-ok", "cust-9", 750_000, &card))
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json["status"], "success");
    let processing = h.rx.wait("p-ok", "processing").await;
    assert_eq!(processing["payment"]["type"], "payout");
    let done = h.rx.wait("p-ok", "success").await;
    assert_eq!(done["operation"]["type"], "payout");
    assert_eq!(done["operation"]["code"], "0");
    assert_eq!(done["account"]["number"], card);
    assert_eq!(done["operation"]["request_id"], a.json["request_id"]);
    assert_all_signed(&h.rx.for_payment("p-ok"));

    let r = h.record("p-ok").await;
    assert_eq!(r.status, "success");
    assert_eq!(r.money_moved, 1);
    assert_eq!(h.sb.control().balance(), balance - 750_000);
    assert_eq!(h.status("p-ok").await.json["payment"]["status"], "success");
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_merchant_balance_declines_504() {
    let h = Harness::with(SandboxConfig {
        merchant_balance: 0,
        ..config()
    })
    .await;
    let card = h.paid_sale("p504-sale", "c", 100_000).await;
    assert_eq!(
        h.sb.control().balance(),
        100_000,
        "sales add to the balance"
    );
    let a = h
        .post(PAYOUT, h.payout_body("p504", "c", 100_001, &card))
        .await;
    assert_eq!(a.status, 200, "accepted, then declined: {}", a.text);
    let d = h.rx.wait("p504", "decline").await;
    assert_eq!(d["operation"]["code"], "504");
    let r = h.record("p504").await;
    assert_eq!((r.code, r.money_moved), (504, 0));
    assert_eq!(h.sb.control().balance(), 100_000);

    // Exactly the balance goes through; then it is empty.
    h.post(PAYOUT, h.payout_body("p504-b", "c", 100_000, &card))
        .await;
    h.rx.wait("p504-b", "success").await;
    assert_eq!(h.sb.control().balance(), 0);
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn above_the_maximum_declines_904() {
    let h = Harness::with(SandboxConfig {
        payout_max: 50_000,
        ..config()
    })
    .await;
    let card = h.paid_sale("p904-sale", "c", 1_000_000).await;
    h.post(PAYOUT, h.payout_body("p904", "c", 50_001, &card))
        .await;
    let d = h.rx.wait("p904", "decline").await;
    assert_eq!(d["operation"]["code"], "904");
    assert_eq!(h.record("p904").await.money_moved, 0);
    h.post(PAYOUT, h.payout_body("p904-ok", "c", 50_000, &card))
        .await;
    h.rx.wait("p904-ok", "success").await;
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_payout_waits_its_delay() {
    let h = Harness::with(SandboxConfig {
        payout_delay: Duration::from_millis(400),
        ..config()
    })
    .await;
    let card = h.paid_sale("pd-sale", "c", 1_000_000).await;
    let t0 = Instant::now();
    h.post(PAYOUT, h.payout_body("pd", "c", 1_000, &card)).await;
    let st = h.status("pd").await;
    assert_eq!(st.json["payment"]["status"], "processing");
    h.rx.wait("pd", "success").await;
    assert!(
        t0.elapsed() >= Duration::from_millis(400),
        "{:?}",
        t0.elapsed()
    );
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_scaled_24h_limit_the_sandbox_declines() {
    let h = Harness::start().await;
    let card = h.paid_sale("pl-sale", "c", 1_000_000).await;
    // 24 h × 0.00001 = 864 ms; the payout would take 60 s.
    h.control(
        "/_sandbox/config",
        json!({"time_factor": 0.00001, "payout_delay_ms": 60_000}),
    )
    .await;
    let t0 = Instant::now();
    h.post(PAYOUT, h.payout_body("pl", "c", 1_000, &card)).await;
    let d = h.rx.wait("pl", "decline").await;
    assert_eq!(d["operation"]["code"], "20602");
    let took = t0.elapsed();
    assert!(
        took >= Duration::from_millis(800) && took < Duration::from_secs(5),
        "{took:?}"
    );
    assert_eq!(h.record("pl").await.money_moved, 0);
    h.sb.shutdown().await;
}
