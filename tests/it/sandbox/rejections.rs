//! Every rejection the Gate endpoints make, in the gateway's order of checks.

use ecommpay::sign::sign;
use serde_json::{json, Value};

use super::{assert_rejected, secret, Harness, PROJECT};

const SALE: &str = "/v2/payment/card-partner/sale";
const PAYOUT: &str = "/v2/payment/card-partner/payout";

fn remove(body: &mut Value, path: &str) {
    let (parent, key) = path.rsplit_once('.').unwrap();
    let mut v = &mut *body;
    for k in parent.split('.') {
        v = v.get_mut(k).unwrap();
    }
    v.as_object_mut().unwrap().remove(key);
}

fn set(body: &mut Value, path: &str, value: Value) {
    let (parent, key) = path.rsplit_once('.').unwrap();
    let mut v = &mut *body;
    for k in parent.split('.') {
        v = v.get_mut(k).unwrap();
    }
    v[key] = value;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signature_missing_empty_misplaced_or_wrong() {
    let h = Harness::start().await;
    let body = h.sale_body("sig-1", "c1", 100_000);

    // No signature at all.
    assert_rejected(&h.post_raw(SALE, &body).await, 3262);
    // Empty.
    let mut empty = body.clone();
    empty["general"]["signature"] = json!("");
    assert_rejected(&h.post_raw(SALE, &empty).await, 3262);
    // A correct signature in the wrong place (Gate requests carry it in general).
    let mut top = body.clone();
    top["signature"] = json!(sign(&body, &secret()));
    assert_rejected(&h.post_raw(SALE, &top).await, 3262);
    // Signed, then one field changed.
    let mut tampered = body.clone();
    tampered["general"]["signature"] = json!(sign(&body, &secret()));
    tampered["payment"]["amount"] = json!(100_001);
    assert_rejected(&h.post_raw(SALE, &tampered).await, 3261);
    // Signed with another secret.
    let mut other = body.clone();
    other["general"]["signature"] = json!(sign(&body, &ecommpay::Secret::new("other")));
    assert_rejected(&h.post_raw(SALE, &other).await, 3261);
    // Not a string.
    let mut number = body.clone();
    number["general"]["signature"] = json!(12345);
    assert_rejected(&h.post_raw(SALE, &number).await, 3261);
    // The signature is checked before anything else: a wrong signature on a body that is
    // also missing fields still says 3261.
    let mut both = json!({"general": {"project_id": 1}});
    both["general"]["signature"] = json!("AAAA");
    assert_rejected(&h.post_raw(SALE, &both).await, 3261);

    assert!(h.sb.control().payments().is_empty(), "nothing was created");
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_project_and_not_json() {
    let h = Harness::start().await;
    let mut body = h.sale_body("proj-1", "c1", 100_000);
    body["general"]["project_id"] = json!(PROJECT + 1);
    assert_rejected(&h.post(SALE, body.clone()).await, 2442);
    body["general"]["project_id"] = json!(PROJECT.to_string());
    assert_rejected(&h.post(SALE, body).await, 2442);

    let res = h
        .http
        .post(h.url(SALE))
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["code"], "2004");
    assert_eq!(v["errors"][0]["field"], "body");
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_required_field_is_named_when_missing() {
    let h = Harness::start().await;
    let sale_fields = [
        "general.project_id",
        "general.payment_id",
        "customer.id",
        "customer.ip_address",
        "payment.amount",
        "payment.currency",
        "payment.extra_param",
    ];
    for (i, field) in sale_fields.iter().enumerate() {
        let mut body = h.sale_body(&format!("req-s-{i}"), "c1", 100_000);
        remove(&mut body, field);
        let a = h.post(SALE, body).await;
        assert_rejected(&a, 2004);
        assert!(
            a.json["message"].as_str().unwrap().contains(field),
            "{field}: {}",
            a.text
        );
        assert_eq!(a.json["errors"][0]["field"], *field, "{}", a.text);
        assert_eq!(a.json["errors"][0]["code"], "2004");
    }
    let payout_fields = [
        "general.payment_id",
        "customer.id",
        "customer.ip_address",
        "payment.amount",
        "payment.currency",
        "account.number",
    ];
    for (i, field) in payout_fields.iter().enumerate() {
        let mut body = h.payout_body(&format!("req-p-{i}"), "c1", 100_000, "1743-00");
        remove(&mut body, field);
        let a = h.post(PAYOUT, body).await;
        assert_rejected(&a, 2004);
        assert_eq!(a.json["errors"][0]["field"], *field, "{}", a.text);
    }
    // An empty string is as good as missing.
    let mut body = h.sale_body("req-empty", "", 100_000);
    body["general"]["payment_id"] = json!("");
    let a = h.post(SALE, body).await;
    assert_rejected(&a, 2004);
    let fields: Vec<_> = a.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["general.payment_id", "customer.id"]);
    assert!(h.sb.control().payments().is_empty());
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amounts_currencies_and_formats_are_strict() {
    let h = Harness::start().await;
    let bad_amounts = [
        json!(100.5),
        json!(100.0),
        json!("100000"),
        json!(0),
        json!(-500),
        json!(true),
    ];
    for (i, amount) in bad_amounts.iter().enumerate() {
        let mut body = h.sale_body(&format!("amt-{i}"), "c1", 1);
        body["payment"]["amount"] = amount.clone();
        let a = h.post(SALE, body).await;
        assert_rejected(&a, 2004);
        assert_eq!(
            a.json["errors"][0]["field"], "payment.amount",
            "{amount}: {}",
            a.text
        );
    }
    for (i, currency) in ["USD", "uzs", "RUB"].iter().enumerate() {
        for path in [SALE, PAYOUT] {
            let mut body = if path == SALE {
                h.sale_body(&format!("cur-{i}"), "c1", 100)
            } else {
                h.payout_body(&format!("cur-p-{i}"), "c1", 100, "1743-00")
            };
            body["payment"]["currency"] = json!(currency);
            let a = h.post(path, body).await;
            assert_rejected(&a, 2004);
            assert_eq!(
                a.json["errors"][0]["field"], "payment.currency",
                "{}",
                a.text
            );
        }
    }
    let wrong = [
        ("payment.extra_param", json!("humo")),
        ("customer.ip_address", json!("not-an-ip")),
        ("customer.id", json!(77)),
        (
            "general.merchant_callback_url",
            json!("ftp://example.test/cb"),
        ),
        ("callback.delay", json!(601)),
    ];
    for (i, (field, value)) in wrong.iter().enumerate() {
        let mut body = h.sale_body(&format!("fmt-{i}"), "c1", 100);
        if field.starts_with("callback.") {
            body["callback"] = json!({});
        }
        set(&mut body, field, value.clone());
        let a = h.post(SALE, body).await;
        assert_rejected(&a, 2004);
        assert_eq!(a.json["errors"][0]["field"], *field, "{}", a.text);
    }
    assert!(h.sb.control().payments().is_empty());
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payment_id_is_unique_across_sales_and_payouts() {
    let h = Harness::start().await;
    let card = h.paid_sale("dup-1", "c1", 100_000).await;
    let a = h.post(SALE, h.sale_body("dup-1", "c1", 100_000)).await;
    assert_rejected(&a, 3041);
    assert_eq!(a.status, 409);
    let a = h
        .post(PAYOUT, h.payout_body("dup-1", "c1", 100, &card))
        .await;
    assert_rejected(&a, 3041);
    // The first payment is untouched.
    let r = h.record("dup-1").await;
    assert_eq!((r.status.as_str(), r.money_moved), ("success", 1));
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_of_unknown_payment_is_3061() {
    let h = Harness::start().await;
    let a = h.status("never-made").await;
    assert_rejected(&a, 3061);
    assert_eq!(a.status, 404);
    // Status checks the signature and project like the others.
    let a = h
        .post_raw(
            "/v2/payment/status",
            &json!({"general": {"project_id": PROJECT, "payment_id": "x"}}),
        )
        .await;
    assert_rejected(&a, 3262);
    let a = h
        .post(
            "/v2/payment/status",
            json!({"general": {"project_id": 1, "payment_id": "x"}}),
        )
        .await;
    assert_rejected(&a, 2442);
    let a = h
        .post(
            "/v2/payment/status",
            json!({"general": {"project_id": PROJECT}}),
        )
        .await;
    assert_rejected(&a, 2004);
    assert_eq!(a.json["errors"][0]["field"], "general.payment_id");
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payout_card_unknown_3221_and_not_owned_3241() {
    let h = Harness::start().await;
    let card = h.paid_sale("own-sale", "owner", 1_000_000).await;

    let a = h
        .post(
            PAYOUT,
            h.payout_body("own-p1", "owner", 1_000, "1743-DEADBEEF"),
        )
        .await;
    assert_rejected(&a, 3221);
    // A real card identifier, but this customer never paid with it.
    let a = h
        .post(PAYOUT, h.payout_body("own-p2", "stranger", 1_000, &card))
        .await;
    assert_rejected(&a, 3241);
    // A card of the sandbox that nobody has paid with yet: also not owned.
    let humo =
        h.sb.control()
            .cards()
            .into_iter()
            .find(|c| c.key == "humo-ok")
            .unwrap();
    let a = h
        .post(
            PAYOUT,
            h.payout_body("own-p3", "owner", 1_000, &humo.account_number),
        )
        .await;
    assert_rejected(&a, 3241);
    // Rejected payouts left no payment behind, so their ids stay free.
    assert!(h.sb.control().payment("own-p2").is_none());
    let ok = h
        .post(PAYOUT, h.payout_body("own-p2", "owner", 1_000, &card))
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_request_reports_each_requests_fate() {
    let h = Harness::start().await;
    let accepted = h.sale("sr-1", "c1", 100_000).await;
    let rejected = h.post(SALE, h.sale_body("sr-1", "c1", 100_000)).await;
    assert_rejected(&rejected, 3041);
    let rejected_id = rejected.json["request_id"]
        .as_str()
        .expect("authenticated rejections carry a request_id")
        .to_owned();

    let ask = |request_id: String| {
        let mut body = json!({"project_id": PROJECT, "request_id": request_id});
        body["signature"] = json!(sign(&body, &secret()));
        body
    };
    let a = h
        .post_raw(
            "/v2/payment/status/request",
            &ask(accepted.json["request_id"].as_str().unwrap().to_owned()),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    ecommpay::sign::verify(&a.json, &secret()).unwrap();
    assert_eq!(a.json["status"], "success");
    assert_eq!(a.json["payment_id"], "sr-1");

    let a = h
        .post_raw("/v2/payment/status/request", &ask(rejected_id))
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json["status"], "error");
    assert_eq!(a.json["code"], "3041");

    // A field rejection keeps its errors list.
    let mut body = h.sale_body("sr-2", "c1", 100_000);
    body["payment"]["currency"] = json!("EUR");
    let fr = h.post(SALE, body).await;
    let a = h
        .post_raw(
            "/v2/payment/status/request",
            &ask(fr.json["request_id"].as_str().unwrap().to_owned()),
        )
        .await;
    assert_eq!(a.json["code"], "2004");
    assert_eq!(a.json["errors"][0]["field"], "payment.currency");

    let a = h
        .post_raw("/v2/payment/status/request", &ask("no-such-request".into()))
        .await;
    assert_rejected(&a, 3061);
    // The signature of status/request is the top-level one.
    let a = h
        .post_raw(
            "/v2/payment/status/request",
            &json!({"project_id": PROJECT, "request_id": "x"}),
        )
        .await;
    assert_rejected(&a, 3262);
    h.sb.shutdown().await;
}
