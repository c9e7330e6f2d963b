//! Gate faults: 500, hang, close, malformed JSON, wrong signature; before or after the
//! request is applied.

use std::time::{Duration, Instant};

use ecommpay::sign::{sign_request_body, verify};
use ecommpay_sandbox::{GateFaultMode, GateFaultSpec, When};
use serde_json::{json, Value};

use super::{secret, Harness};

const SALE: &str = "/v2/payment/card-partner/sale";

async fn fault(h: &Harness, spec: Value) {
    let v = h.control("/_sandbox/faults", spec).await;
    assert!(v["queued"].as_u64().unwrap() >= 1);
}

fn exists(h: &Harness, id: &str) -> bool {
    h.sb.control().payment(id).is_some()
}

/// Sends a signed sale and returns the raw outcome (the answer may be no answer at all).
async fn send_sale(
    h: &Harness,
    id: &str,
    timeout: Duration,
) -> Result<(u16, String), reqwest::Error> {
    let mut body = h.sale_body(id, "c1", 100);
    sign_request_body(&mut body, &secret());
    let res = h
        .http
        .post(h.url(SALE))
        .header("Content-Type", "application/json")
        .timeout(timeout)
        .body(body.to_string())
        .send()
        .await?;
    let status = res.status().as_u16();
    Ok((status, res.text().await?))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http500_before_and_after() {
    let h = Harness::start().await;
    fault(&h, json!({"mode": "http500", "count": 2})).await;
    for id in ["f500-a", "f500-b"] {
        let (status, text) = send_sale(&h, id, Duration::from_secs(5)).await.unwrap();
        assert_eq!(status, 500, "{text}");
        assert!(!exists(&h, id), "before: not applied");
    }
    // The third request is served normally.
    let (status, _) = send_sale(&h, "f500-c", Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(status, 200);

    fault(&h, json!({"mode": "http500", "when": "after"})).await;
    let (status, _) = send_sale(&h, "f500-d", Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(status, 500);
    assert!(
        exists(&h, "f500-d"),
        "after: applied although the answer was 500"
    );
    // Resending the same body then says 3041: it did arrive.
    let (status, text) = send_sale(&h, "f500-d", Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(status, 409, "{text}");
    assert!(text.contains("3041"));
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hang_after_the_request_is_applied_looks_like_a_timeout() {
    let h = Harness::start().await;
    h.sb.control().inject_fault(GateFaultSpec {
        mode: GateFaultMode::Hang,
        count: 1,
        hang_ms: 5_000,
        when: When::After,
        path: None,
    });
    let t0 = Instant::now();
    let err = send_sale(&h, "fh-after", Duration::from_millis(300))
        .await
        .expect_err("the client times out");
    assert!(err.is_timeout(), "{err}");
    assert!(t0.elapsed() < Duration::from_secs(2));
    assert!(
        exists(&h, "fh-after"),
        "the payment exists although no answer came"
    );
    assert_eq!(h.status("fh-after").await.status, 200);
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hang_before_delays_the_answer() {
    let h = Harness::start().await;
    fault(
        &h,
        json!({"mode": "hang", "hang_ms": 300, "when": "before"}),
    )
    .await;
    let t0 = Instant::now();
    let (status, _) = send_sale(&h, "fh-before", Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(t0.elapsed() >= Duration::from_millis(300));
    assert!(exists(&h, "fh-before"));
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_drops_the_connection() {
    let h = Harness::start().await;
    fault(&h, json!({"mode": "close"})).await;
    let err = send_sale(&h, "fc-before", Duration::from_secs(5))
        .await
        .expect_err("no answer");
    assert!(!err.is_timeout(), "closed, not timed out: {err}");
    assert!(!exists(&h, "fc-before"));

    fault(&h, json!({"mode": "close", "when": "after"})).await;
    send_sale(&h, "fc-after", Duration::from_secs(5))
        .await
        .expect_err("no answer");
    assert!(exists(&h, "fc-after"));
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_before_and_after() {
    let h = Harness::start().await;
    fault(&h, json!({"mode": "malformed"})).await;
    let (status, text) = send_sale(&h, "fm-before", Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    assert!(!exists(&h, "fm-before"));

    fault(&h, json!({"mode": "malformed", "when": "after"})).await;
    let (_, text) = send_sale(&h, "fm-after", Duration::from_secs(5))
        .await
        .unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err());
    assert!(exists(&h, "fm-after"));
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_signature_on_signed_answers() {
    let h = Harness::start().await;
    h.sale("fs-1", "c1", 100).await;
    fault(
        &h,
        json!({"mode": "bad_signature", "path": "/v2/payment/status"}),
    )
    .await;
    // The sale is not hit (path filter) ...
    let (status, text) = send_sale(&h, "fs-2", Duration::from_secs(5)).await.unwrap();
    assert_eq!(status, 200);
    assert!(!text.contains("signature"));
    // ... the status answer is, and then no more.
    let mut body = json!({"general": {"project_id": super::PROJECT, "payment_id": "fs-1"}});
    sign_request_body(&mut body, &secret());
    let bad = h.post_raw("/v2/payment/status", &body).await;
    assert_eq!(bad.status, 200);
    assert_eq!(bad.json["payment"]["id"], "fs-1");
    assert!(verify(&bad.json, &secret()).is_err(), "{}", bad.text);
    assert_eq!(h.status("fs-1").await.status, 200, "verified again");

    // The unsigned accepted answer gets a wrong signature member.
    fault(&h, json!({"mode": "bad_signature"})).await;
    let (status, text) = send_sale(&h, "fs-3", Duration::from_secs(5)).await.unwrap();
    assert_eq!(status, 200);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert!(verify(&v, &secret()).is_err());
    assert!(exists(&h, "fs-3"));
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_can_be_cleared_and_reset_forgets_everything() {
    let h = Harness::start().await;
    fault(&h, json!({"mode": "http500", "count": 5})).await;
    assert_eq!(h.sb.control().state().pending_gate_faults, 5);
    let res = h
        .http
        .delete(h.url("/_sandbox/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (status, _) = send_sale(&h, "fr-1", Duration::from_secs(5)).await.unwrap();
    assert_eq!(status, 200);
    // Unknown modes are refused by the control API.
    let res = h
        .http
        .post(h.url("/_sandbox/faults"))
        .json(&json!({"mode": "explode"}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error());

    let state = h.control("/_sandbox/reset", json!({})).await;
    assert_eq!(state["payments"], 0);
    assert!(!exists(&h, "fr-1"));
    let res = h
        .http
        .get(h.url("/_sandbox/payments/fr-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hang_before_with_a_client_that_gives_up_is_never_applied() {
    let h = Harness::start().await;
    fault(
        &h,
        json!({"mode": "hang", "hang_ms": 500, "when": "before"}),
    )
    .await;
    let err = send_sale(&h, "fh-gaveup", Duration::from_millis(100))
        .await
        .expect_err("the client times out");
    assert!(err.is_timeout(), "{err}");
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(
        !exists(&h, "fh-gaveup"),
        "the request never reached the gateway proper"
    );
    h.sb.shutdown().await;
}
