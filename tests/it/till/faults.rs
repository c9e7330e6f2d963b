//! Fault tests through the sandbox's control API: each ends in the right state, with one
//! payment per `payment_id` at the sandbox and a clear record of what happened.

use ::till::State;
use ecommpay::Tiyin;
use ecommpay_sandbox::{
    CallbackFault, CallbackFaultSpec, GateFaultMode, GateFaultSpec, RunningSandbox, When,
};
use serde_json::json;

use super::*;

fn fault(mode: GateFaultMode, when: When, path: &str, hang_ms: u64) -> GateFaultSpec {
    GateFaultSpec {
        mode,
        count: 1,
        hang_ms,
        when,
        path: Some(path.into()),
    }
}

/// Runs a Gate sale to success; the customer gets the link from the sandbox's record (the
/// link reaches the till only when a callback listener is on, see `GATE`).
async fn sale_to_success(sb: &RunningSandbox, t: &TestTill) -> ::till::Payment {
    let h = t
        .till
        .start_sale(Tiyin::new(1_000_000), None)
        .await
        .unwrap();
    let pid = h.payment_id.clone();
    let link = eventually(30, "the sale at the sandbox", || {
        sb.control().payment(&pid).and_then(|r| r.redirect_url)
    })
    .await;
    pay(&link, "uzcard-ok").await;
    let p = h.wait().await.unwrap();
    assert_eq!(p.state, State::Success, "{p:?}");
    let rec = sb.control().payment(&pid).expect("the sandbox knows it");
    assert_eq!((rec.status.as_str(), rec.money_moved), ("success", 1));
    assert_eq!(
        sb.control()
            .payments()
            .iter()
            .filter(|r| r.payment_id == pid)
            .count(),
        1
    );
    p
}

fn sources(t: &TestTill, pid: &str) -> Vec<(String, String, Option<String>)> {
    t.till
        .payment_timeline(pid)
        .unwrap()
        .into_iter()
        .map(|m| {
            (
                serde_json::to_value(m.source)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned(),
                serde_json::to_value(m.signature)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned(),
                m.flag,
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_before_applying_is_resent_with_the_same_payment_id() {
    let sb = sandbox(|_| {}).await;
    let t = TestTill::new(sb.base_url(), GATE);
    sb.control().inject_fault(fault(
        GateFaultMode::Http500,
        When::Before,
        "/v2/payment/card-partner/sale",
        0,
    ));
    let p = sale_to_success(&sb, &t).await;
    assert_eq!(p.send_attempts, 2, "resent once after the status said 3061");
    let s = sources(&t, &p.payment_id);
    assert!(
        s.iter()
            .any(|(src, _, flag)| src == "error" && flag.is_none()),
        "{s:?}"
    );
    assert!(
        s.iter()
            .any(|(_, _, flag)| flag.as_deref().is_some_and(|f| f.starts_with("not_found"))),
        "{s:?}"
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hang_past_the_timeout_after_applying_is_found_by_status_not_resent() {
    let sb = sandbox(|_| {}).await;
    let t = TestTill::new(sb.base_url(), GATE);
    sb.control().inject_fault(fault(
        GateFaultMode::Hang,
        When::After,
        "/v2/payment/card-partner/sale",
        5000,
    ));
    let p = sale_to_success(&sb, &t).await;
    assert_eq!(p.send_attempts, 1);
    assert!(p.last_error.is_none() || p.state == State::Success);
    let s = sources(&t, &p.payment_id);
    assert_eq!(s[0].0, "error", "the timeout is recorded: {s:?}");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_closed_answers() {
    let sb = sandbox(|_| {}).await;
    let t = TestTill::new(sb.base_url(), GATE);
    sb.control().inject_fault(fault(
        GateFaultMode::Malformed,
        When::After,
        "/v2/payment/card-partner/sale",
        0,
    ));
    let p = sale_to_success(&sb, &t).await;
    assert_eq!(
        p.send_attempts, 1,
        "applied, so found by status, not resent"
    );
    sb.control().inject_fault(fault(
        GateFaultMode::Close,
        When::Before,
        "/v2/payment/card-partner/sale",
        0,
    ));
    let p = sale_to_success(&sb, &t).await;
    assert_eq!(
        p.send_attempts, 2,
        "never applied: 3061, then the same request again"
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_signature_on_status_answers_is_kept_flagged_and_ignored() {
    let sb = sandbox(|_| {}).await;
    let t = TestTill::new(sb.base_url(), GATE);
    sb.control().inject_fault(GateFaultSpec {
        count: 2,
        ..fault(
            GateFaultMode::BadSignature,
            When::Before,
            "/v2/payment/status",
            0,
        )
    });
    let p = sale_to_success(&sb, &t).await;
    let s = sources(&t, &p.payment_id);
    assert_eq!(
        s.iter()
            .filter(|(_, sig, flag)| sig == "bad" && flag.as_deref() == Some("bad_signature"))
            .count(),
        2,
        "{s:?}"
    );
    assert!(p.flagged);
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unsigned_status_answer_is_kept_flagged_and_not_applied() {
    let started = std::time::Instant::now();
    let sb = sandbox(|_| {}).await;
    let t = TestTill::new(sb.base_url(), GATE);
    // Every status answer unsigned for a while: the sale is paid meanwhile, but nothing the
    // till is told without a signature is believed.
    sb.control().inject_fault(GateFaultSpec {
        count: 3,
        ..fault(
            GateFaultMode::Unsigned,
            When::Before,
            "/v2/payment/status",
            0,
        )
    });
    let p = sale_to_success(&sb, &t).await;
    let s = sources(&t, &p.payment_id);
    let unsigned: Vec<_> = s
        .iter()
        .filter(|(src, sig, _)| src == "status" && sig == "absent")
        .collect();
    assert_eq!(unsigned.len(), 3, "{s:?}");
    assert!(
        unsigned
            .iter()
            .all(|(_, _, flag)| flag.as_deref() == Some("unsigned")),
        "{s:?}"
    );
    assert!(p.flagged);
    // Signed answers after them finished the sale.
    assert!(s
        .iter()
        .any(|(src, sig, flag)| src == "status" && sig == "verified" && flag.is_none()));
    crate::security::record(
        "unsigned status answers saying the sale succeeded: stored, flagged, not applied",
        unsigned.len() as u64,
        0,
        None,
        started.elapsed(),
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callbacks_dropped_or_forged_polling_still_finishes() {
    let sb = sandbox(|_| {}).await;
    let (t, addr) = TestTill::with_listener(sb.base_url(), &[]);
    let listener = t.till.start_listener().await.unwrap();
    sb.control().callback_fault(CallbackFaultSpec {
        mode: CallbackFault::Drop,
        count: 1,
    });
    sb.control().callback_fault(CallbackFaultSpec {
        mode: CallbackFault::BadSignature,
        count: 1,
    });
    let p = sale_to_success(&sb, &t).await;
    let rec = sb.control().payment(&p.payment_id).unwrap();
    assert!(
        rec.callbacks
            .iter()
            .any(|c| c.fault.as_deref() == Some("dropped")),
        "{:?}",
        rec.callbacks
    );
    // The forged one was answered 400, counted and sampled, and never touched the payment
    // it names (not in its timeline, not flagging it).
    let forged = rec
        .callbacks
        .iter()
        .find(|c| c.fault.as_deref() == Some("bad_signature"))
        .expect("a forged callback");
    assert_eq!(forged.last_http_status, Some(400));
    let s = sources(&t, &p.payment_id);
    assert!(
        !s.iter()
            .any(|(src, sig, _)| src == "callback" && sig == "bad"),
        "{s:?}"
    );
    assert!(!p.flagged, "a forged callback flags nothing");
    let (count, samples) = t.till.rejected_callbacks().unwrap();
    assert!(count >= 1 && !samples.is_empty(), "{count} {samples:?}");

    // A correctly signed callback whose amount differs from the record: kept, flagged, 200.
    let mut body = json!({"project_id": PROJECT, "payment": {"id": p.payment_id, "type": "purchase", "status": "decline", "sum": {"amount": 1, "currency": "UZS"}}});
    body["signature"] = json!(ecommpay::sign::sign(&body, &ecommpay::Secret::new(SECRET)));
    let res = reqwest::Client::new()
        .post(format!("http://{addr}/ecommpay/callback"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let after = t.till.payment(&p.payment_id).unwrap();
    assert_eq!(
        after.state,
        State::Success,
        "a mismatching message is never applied"
    );
    let tl = t.till.payment_timeline(&p.payment_id).unwrap();
    assert!(
        tl.iter().any(|m| m
            .flag
            .as_deref()
            .is_some_and(|f| f.starts_with("mismatch: amount 1 != 1000000"))),
        "{tl:?}"
    );
    // Too big a body is refused before it is read.
    let res = reqwest::Client::new()
        .post(format!("http://{addr}/ecommpay/callback"))
        .body(vec![b' '; 200 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 413);
    listener.stop().await;
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_and_refused_sales_end_clearly_with_nothing_at_the_gateway() {
    let sb = sandbox(|_| {}).await;
    // Nothing listens on this port: nothing can be sent.
    let dead = format!("http://{}", free_addr());
    let t = TestTill::new(&dead, GATE);
    let p = t
        .till
        .start_sale(Tiyin::new(100_000), None)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(
        (p.state, p.gateway_status.as_deref(), p.code.as_deref()),
        (State::Failed, Some("not_sent"), Some("gateway_unreachable"))
    );
    // A till configured with another project: the gateway refuses (2442); final, clear.
    let wrong = TestTill::new(sb.base_url(), &[("project_id", "999"), GATE[0]]);
    let p = wrong
        .till
        .start_sale(Tiyin::new(100_000), None)
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    assert_eq!(
        (p.state, p.gateway_status.as_deref(), p.code.as_deref()),
        (State::Failed, Some("rejected"), Some("2442"))
    );
    assert!(sb.control().payments().is_empty());
    // Bad input: nothing written, nothing sent.
    let before = wrong
        .till
        .history(&Default::default(), None, 100)
        .unwrap()
        .rows
        .len();
    assert_eq!(
        wrong
            .till
            .start_sale(Tiyin::new(0), None)
            .await
            .err()
            .unwrap()
            .code(),
        "invalid_amount"
    );
    assert_eq!(
        wrong
            .till
            .start_sale(Tiyin::new(i64::MAX / 2), None)
            .await
            .err()
            .unwrap()
            .code(),
        "invalid_amount"
    );
    assert_eq!(
        wrong
            .till
            .history(&Default::default(), None, 100)
            .unwrap()
            .rows
            .len(),
        before
    );
    sb.shutdown().await;
}
