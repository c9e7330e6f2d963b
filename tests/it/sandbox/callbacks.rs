//! Callback delivery: retries on non-200, layouts, the configured URL, and the drop /
//! duplicate / reorder / wrong-signature faults.

use std::time::Duration;

use ecommpay::sign::verify;
use ecommpay_sandbox::{RedirectKey, SandboxConfig, SignaturePlacement};
use serde_json::json;

use super::{assert_all_signed, config, secret, Harness};

const PAYOUT: &str = "/v2/payment/card-partner/payout";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_200_is_retried_until_200() {
    let h = Harness::start().await;
    // 500, 404, 204 (not 200 either), then 200.
    h.rx.script.lock().unwrap().extend([500, 404, 204]);
    h.sale("cb-retry", "c1", 100).await;
    let r = h
        .wait_record("cb-retry", "delivered after retries", |r| {
            r.callbacks.first().is_some_and(|c| c.delivered)
        })
        .await;
    assert_eq!(r.callbacks[0].attempts, 4, "{r:?}");
    assert_eq!(r.callbacks[0].last_http_status, Some(200));
    let got = h.rx.for_payment("cb-retry");
    assert_eq!(got.len(), 4);
    assert!(
        got.iter().all(|c| c == &got[0]),
        "a retry resends the same body"
    );
    assert_all_signed(&got);
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_receiver_is_retried_on_the_scaled_schedule() {
    // Nothing listens on the URL: every attempt fails below HTTP. With factor 0.0001 the
    // first 7 attempts take 6 × 1 ms, the growing ones 70 + 10 · 1.12^(n − 4) s scaled:
    // 8.4 ms, 8.6 ms, 8.8 ms, ...
    let h = Harness::with(SandboxConfig {
        time_factor: 0.0001,
        callback_url: Some("http://127.0.0.1:9/cb".into()),
        ..config()
    })
    .await;
    h.sale("cb-down", "c1", 100).await;
    let r = h
        .wait_record("cb-down", "at least 10 attempts", |r| {
            r.callbacks.first().is_some_and(|c| c.attempts >= 10)
        })
        .await;
    assert!(!r.callbacks[0].delivered);
    assert_eq!(r.callbacks[0].last_http_status, None);
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configured_url_and_layout_switches() {
    let h = Harness::start().await;
    h.sb.control().configure(&ecommpay_sandbox::ConfigPatch {
        callback_url: Some(h.rx.url.clone()),
        signature_placement: Some(SignaturePlacement::General),
        redirect_key: Some(RedirectKey::Camel),
        ..Default::default()
    });
    // No merchant_callback_url in the request: the configured URL is used.
    let mut body = h.sale_body("cb-layout", "c1", 100);
    body["general"]
        .as_object_mut()
        .unwrap()
        .remove("merchant_callback_url");
    assert_eq!(
        h.post("/v2/payment/card-partner/sale", body).await.status,
        200
    );
    let c = h.rx.wait("cb-layout", "awaiting redirect result").await;
    assert!(c.get("signature").is_none());
    assert!(c["general"]["signature"].is_string(), "{c}");
    verify(&c, &secret()).unwrap();
    assert!(c["redirectData"]["url"].is_string());
    assert!(c.get("redirect_data").is_none());
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn force_disable_and_no_url_send_nothing() {
    let h = Harness::start().await;
    let mut body = h.sale_body("cb-off", "c1", 100);
    body["callback"] = json!({"force_disable": 1});
    assert_eq!(
        h.post("/v2/payment/card-partner/sale", body).await.status,
        200
    );
    let mut body = h.sale_body("cb-nourl", "c1", 100);
    body["general"]
        .as_object_mut()
        .unwrap()
        .remove("merchant_callback_url");
    assert_eq!(
        h.post("/v2/payment/card-partner/sale", body).await.status,
        200
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(h.rx.for_payment("cb-off").is_empty());
    assert_eq!(
        h.record("cb-off").await.callbacks[0].fault.as_deref(),
        Some("disabled")
    );
    assert_eq!(
        h.record("cb-nourl").await.callbacks[0].fault.as_deref(),
        Some("no_callback_url")
    );
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callback_delay_is_honoured() {
    let h = Harness::start().await;
    let mut body = h.sale_body("cb-delay", "c1", 100);
    // 300 s × 0.001 = 300 ms.
    body["callback"] = json!({"delay": 300});
    let t0 = std::time::Instant::now();
    assert_eq!(
        h.post("/v2/payment/card-partner/sale", body).await.status,
        200
    );
    h.rx.wait("cb-delay", "awaiting redirect result").await;
    assert!(t0.elapsed() >= Duration::from_millis(300));
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drop_loses_the_callback_but_not_the_payment() {
    let h = Harness::start().await;
    h.control("/_sandbox/callbacks", json!({"mode": "drop"}))
        .await;
    h.sale("cb-drop", "c1", 100).await;
    let st = h.status("cb-drop").await;
    assert_eq!(st.json["payment"]["status"], "awaiting redirect result");
    let r = h
        .wait_record("cb-drop", "marked dropped", |r| {
            r.callbacks.first().and_then(|c| c.fault.as_deref()) == Some("dropped")
        })
        .await;
    assert_eq!(r.callbacks_sent, 0);
    // The merchant never got the redirect data; the status switch is how it finds the link.
    h.control("/_sandbox/config", json!({"status_redirect_data": true}))
        .await;
    let url = h.status("cb-drop").await.json["redirect_data"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(h.bot(&url, "pay", None).await, 200);
    h.rx.wait("cb-drop", "success").await;
    assert_eq!(h.rx.for_payment("cb-drop").len(), 1);
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_sends_the_same_callback_twice() {
    let h = Harness::start().await;
    h.control(
        "/_sandbox/callbacks",
        json!({"mode": "duplicate", "count": 1}),
    )
    .await;
    h.sale("cb-dup", "c1", 100).await;
    h.wait_record("cb-dup", "two deliveries", |r| r.callbacks_sent == 2)
        .await;
    let got = h.rx.for_payment("cb-dup");
    assert_eq!(got.len(), 2);
    assert_eq!(got[0], got[1]);
    assert_all_signed(&got);
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reorder_sends_a_callback_after_the_next_one() {
    let h = Harness::start().await;
    let card = h.paid_sale("cb-ro-sale", "c", 1_000_000).await;
    h.control("/_sandbox/callbacks", json!({"mode": "reorder"}))
        .await;
    h.post(PAYOUT, h.payout_body("cb-ro", "c", 1_000, &card))
        .await;
    h.rx.wait("cb-ro", "processing").await;
    let got: Vec<_> =
        h.rx.for_payment("cb-ro")
            .iter()
            .map(|c| c["payment"]["status"].as_str().unwrap().to_owned())
            .collect();
    assert_eq!(got, ["success", "processing"], "the final one overtook");
    assert_all_signed(&h.rx.for_payment("cb-ro"));
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reorder_with_nothing_after_still_delivers() {
    let h = Harness::with(SandboxConfig {
        reorder_hold_max: Duration::from_millis(200),
        ..config()
    })
    .await;
    h.control("/_sandbox/callbacks", json!({"mode": "reorder"}))
        .await;
    h.sale("cb-ro-alone", "c", 100).await;
    h.rx.wait("cb-ro-alone", "awaiting redirect result").await;
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_signature_callback_does_not_verify_and_is_retried_on_403() {
    let h = Harness::start().await;
    h.control("/_sandbox/callbacks", json!({"mode": "bad_signature"}))
        .await;
    h.rx.script.lock().unwrap().push_back(403);
    h.sale("cb-badsig", "c1", 100).await;
    let r = h
        .wait_record("cb-badsig", "retried", |r| {
            r.callbacks.first().is_some_and(|c| c.delivered)
        })
        .await;
    assert_eq!(r.callbacks[0].attempts, 2);
    let got = h.rx.for_payment("cb-badsig");
    assert!(got.iter().all(|c| verify(c, &secret()).is_err()));
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirect_layout_variants_appear_in_callbacks_and_status() {
    let h = Harness::start().await;
    let state = h
        .control(
            "/_sandbox/config",
            json!({"redirect_key": "return_url", "redirect_body_array": true,
                   "redirect_encrypted": true, "status_redirect_data": true}),
        )
        .await;
    assert_eq!(state["redirect_key"], "return_url");
    assert_eq!(state["redirect_body_array"], true);
    assert_eq!(state["redirect_encrypted"], true);
    h.sale("cb-rd-1", "c1", 100).await;
    let c = h.rx.wait("cb-rd-1", "awaiting redirect result").await;
    assert!(c.get("redirect_data").is_none() && c.get("redirectData").is_none());
    let rd = &c["return_url"];
    assert_eq!(rd["method"], "GET", "{c}");
    assert!(rd["url"].as_str().unwrap().contains("/bot/"), "{c}");
    assert_eq!(rd["body"], json!([]), "{c}");
    assert_eq!(rd["encrypted"], json!([]), "{c}");
    verify(&c, &secret()).expect("empty arrays sign as nothing");
    let st = h.status("cb-rd-1").await;
    assert_eq!(st.json["return_url"], *rd, "{}", st.text);

    // camelCase with body [] and encrypted [], as the PHP SDK's test data has.
    h.sb.control().configure(&ecommpay_sandbox::ConfigPatch {
        redirect_key: Some(RedirectKey::Camel),
        ..Default::default()
    });
    h.sale("cb-rd-2", "c1", 100).await;
    let c = h.rx.wait("cb-rd-2", "awaiting redirect result").await;
    assert_eq!(c["redirectData"]["body"], json!([]), "{c}");
    assert_eq!(c["redirectData"]["encrypted"], json!([]), "{c}");

    // Back to the seed's layout: nothing extra.
    h.control(
        "/_sandbox/config",
        json!({"redirect_key": "redirect_data", "redirect_body_array": false,
               "redirect_encrypted": false}),
    )
    .await;
    h.sale("cb-rd-3", "c1", 100).await;
    let c = h.rx.wait("cb-rd-3", "awaiting redirect result").await;
    assert_eq!(c["redirect_data"]["body"], json!({}), "{c}");
    assert!(c["redirect_data"].get("encrypted").is_none(), "{c}");
    assert_all_signed(&h.rx.got.lock().unwrap());
    h.sb.shutdown().await;
}
