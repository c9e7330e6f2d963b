//! `/v2/payment/status`: the answer's two shapes (`operations`, as ECommPay's plugins parse
//! it, by default; the callback's single `operation` behind `status_shape`) and the two
//! placements of 3061 for an unknown payment (`not_found_style`).

use ecommpay::sign::sign;
use ecommpay_sandbox::{NotFoundStyle, StatusShape};
use serde_json::json;

use super::{assert_rejected, secret, Harness, PROJECT};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_lists_operations_by_default_or_one_operation_when_switched() {
    let h = Harness::start().await;
    assert_eq!(h.sb.control().state().status_shape, StatusShape::Operations);
    let accepted = h.sale("s-ops", "c1", 500_000).await;
    let waiting = h.status("s-ops").await;
    assert_eq!(waiting.json["operations"].as_array().unwrap().len(), 1);
    assert_eq!(
        waiting.json["operations"][0]["status"],
        "awaiting redirect result"
    );
    assert!(waiting.json.get("account").is_none(), "{}", waiting.text);

    let url = h.bot_url("s-ops").await;
    assert_eq!(h.bot(&url, "pay", None).await, 200);
    let callback = h.rx.wait("s-ops", "success").await;
    assert!(
        callback.get("operations").is_none(),
        "callbacks keep one operation"
    );
    let st = h.status("s-ops").await;
    let j = &st.json;
    assert_eq!(j["project_id"], PROJECT);
    assert_eq!(j["payment"]["id"], "s-ops");
    assert_eq!(j["payment"]["status"], "success");
    assert_eq!(j["customer"]["id"], "c1");
    assert_eq!(j["account"]["number"], callback["account"]["number"]);
    assert_eq!(
        j["provider_extra_fields"]["masked_card"],
        callback["provider_extra_fields"]["masked_card"]
    );
    assert_eq!(j["errors"], json!([]), "{}", st.text);
    assert!(j.get("operation").is_none(), "{}", st.text);
    let ops = j["operations"].as_array().expect("operations is an array");
    let last = ops.last().unwrap();
    assert_eq!(last["type"], "sale");
    assert_eq!(last["status"], "success");
    assert_eq!(last["code"], "0");
    assert_eq!(last["message"], "Success");
    assert_eq!(last["request_id"], accepted.json["request_id"]);
    assert_eq!(last["id"], callback["operation"]["id"]);
    assert_eq!(
        last["sum_initial"],
        json!({"amount": 500_000, "currency": "UZS"})
    );
    assert_eq!(last["sum_converted"], last["sum_initial"]);
    for key in ["date", "created_date", "provider"] {
        assert!(last.get(key).is_some(), "operation lacks {key}: {last}");
    }
    assert_eq!(
        last, &callback["operation"],
        "the same operation as the callback's"
    );

    let state = h
        .control("/_sandbox/config", json!({"status_shape": "operation"}))
        .await;
    assert_eq!(state["status_shape"], "operation");
    let st = h.status("s-ops").await;
    assert_eq!(st.json["operation"], callback["operation"], "{}", st.text);
    assert!(st.json.get("operations").is_none());
    assert!(st.json.get("errors").is_none());
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_sale_reads_its_code_from_the_last_operation() {
    let h = Harness::start().await;
    h.sale("s-ops-d", "c1", 500_000).await;
    let url = h.bot_url("s-ops-d").await;
    assert_eq!(h.bot(&url, "decline", None).await, 200);
    h.rx.wait("s-ops-d", "decline").await;
    let st = h.status("s-ops-d").await;
    let last = st.json["operations"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (last["status"].as_str(), last["code"].as_str()),
        (Some("decline"), Some("20301"))
    );
    assert_eq!(last["message"], "Cancelled by customer");
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_payment_as_a_payment_error_when_switched() {
    let h = Harness::start().await;
    assert_eq!(
        h.sb.control().state().not_found_style,
        NotFoundStyle::HttpError
    );
    let state = h
        .control(
            "/_sandbox/config",
            json!({"not_found_style": "payment_error"}),
        )
        .await;
    assert_eq!(state["not_found_style"], "payment_error");
    let a = h
        .post(
            "/v2/payment/status",
            json!({"general": {"project_id": PROJECT, "payment_id": "never-made"}}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(
        a.json,
        json!({"payment": {"status": "error"}, "errors": [{"code": 3061, "message": "Transaction not found"}]}),
        "exactly this, unsigned: {}",
        a.text
    );
    assert!(a.json["errors"][0]["code"].is_u64(), "a JSON integer");
    // Only the placement of a missing payment changes: a known one is answered as before, and
    // authentication and the request's own checks still reject.
    h.sale("nf-known", "c1", 100).await;
    assert_eq!(
        h.status("nf-known").await.json["payment"]["status"],
        "awaiting redirect result"
    );
    let a = h
        .post_raw(
            "/v2/payment/status",
            &json!({"general": {"project_id": PROJECT, "payment_id": "x"}}),
        )
        .await;
    assert_rejected(&a, 3262);
    let mut ask = json!({"project_id": PROJECT, "request_id": "no-such-request"});
    ask["signature"] = json!(sign(&ask, &secret()));
    assert_rejected(&h.post_raw("/v2/payment/status/request", &ask).await, 3061);

    h.control("/_sandbox/config", json!({"not_found_style": "http_error"}))
        .await;
    let a = h.status("never-made").await;
    assert_rejected(&a, 3061);
    assert_eq!(a.status, 404);
    h.sb.shutdown().await;
}
