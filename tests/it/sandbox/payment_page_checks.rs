//! Every refusal of the Payment Page, in its order of checks: an HTML error page with the
//! gateway's code, and no payment (the status stays 3061).

use ecommpay_sandbox::payment_page::{error_code, error_field};
use serde_json::json;

use super::payment_page::{assert_page_error, params};
use super::{assert_rejected, Harness, PROJECT};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampered_or_unsigned_links_are_refused() {
    let h = Harness::start().await;
    let link = h.page_link(&params("pp-t", "c1", 15_000_000));
    let (unsigned, signature) = link.split_once("&signature=").unwrap();

    let cheaper = link.replace("payment_amount=15000000", "payment_amount=150");
    assert_ne!(cheaper, link);
    assert_page_error(&h, &h.open_page(&cheaper).await, 3261, "pp-t").await;
    let other_project = link.replace(
        &format!("project_id={PROJECT}"),
        &format!("project_id={}", PROJECT + 1),
    );
    assert_ne!(other_project, link);
    assert_page_error(&h, &h.open_page(&other_project).await, 3261, "pp-t").await;
    let flipped = if signature.starts_with('A') { "B" } else { "A" };
    let bad_sig = format!("{unsigned}&signature={flipped}{}", &signature[1..]);
    assert_page_error(&h, &h.open_page(&bad_sig).await, 3261, "pp-t").await;
    // A parameter added after signing.
    let added = format!("{link}&payment_description=free");
    assert_page_error(&h, &h.open_page(&added).await, 3261, "pp-t").await;
    // Signed with another secret.
    let foreign = ecommpay::payment_page::payment_page_url(
        &h.url("/payment"),
        &params("pp-t", "c1", 15_000_000),
        &ecommpay::Secret::new("someone-else"),
    )
    .unwrap();
    assert_page_error(&h, &h.open_page(&foreign).await, 3261, "pp-t").await;

    assert_page_error(&h, &h.open_page(unsigned).await, 3262, "pp-t").await;
    let empty = format!("{unsigned}&signature=");
    assert_page_error(&h, &h.open_page(&empty).await, 3262, "pp-t").await;
    assert_page_error(&h, &h.open_page(&h.url("/payment")).await, 3262, "pp-t").await;

    assert!(h.sb.control().payments().is_empty());
    // The untouched link still works.
    h.open_ok(&link).await;
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn project_and_required_parameters() {
    let h = Harness::start().await;
    let mut p = params("pp-proj", "c1", 100);
    p.insert("project_id".into(), json!(PROJECT + 1));
    assert_page_error(&h, &h.open_page(&h.page_link(&p)).await, 2442, "pp-proj").await;
    p.remove("project_id");
    let page = h.open_page(&h.page_link(&p)).await;
    assert_page_error(&h, &page, 2004, "pp-proj").await;
    assert_eq!(error_field(&page.html).as_deref(), Some("project_id"));

    for field in [
        "payment_id",
        "payment_amount",
        "payment_currency",
        "customer_id",
    ] {
        for empty in [false, true] {
            let mut p = params("pp-req", "c1", 100);
            if empty {
                p.insert(field.into(), json!(""));
            } else {
                p.remove(field);
            }
            let page = h.open_page(&h.page_link(&p)).await;
            assert_page_error(&h, &page, 2004, "pp-req").await;
            assert_eq!(error_field(&page.html).as_deref(), Some(field), "{field}");
            assert!(page.html.contains(field), "the message names {field}");
        }
    }
    assert!(h.sb.control().payments().is_empty());
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn currency_amount_and_extra_param_are_strict() {
    let h = Harness::start().await;
    let cases = [
        ("payment_currency", json!("USD")),
        ("payment_currency", json!("uzs")),
        ("payment_amount", json!("100.00")),
        ("payment_amount", json!("-5")),
        ("payment_amount", json!("+5")),
        ("payment_amount", json!(0)),
        ("payment_amount", json!("1e3")),
        ("payment_amount", json!(" 100")),
        ("payment_extra_param", json!("humo")),
        ("merchant_callback_url", json!("ftp://example.test/cb")),
        ("best_before", json!("tomorrow")),
        ("best_before", json!("2099-12-31T23:59:59")),
    ];
    for (field, value) in cases {
        let mut p = params("pp-fmt", "c1", 100);
        p.insert(field.into(), value.clone());
        let page = h.open_page(&h.page_link(&p)).await;
        assert_page_error(&h, &page, 2004, "pp-fmt").await;
        assert_eq!(
            error_field(&page.html).as_deref(),
            Some(field),
            "{field}={value}"
        );
    }
    // Optional ones may be left out: this project has one method, and the seed only
    // recommends the extra parameter.
    let mut p = params("pp-min", "c1", 100);
    for optional in [
        "force_payment_method",
        "payment_extra_param",
        "best_before",
        "payment_description",
        "language_code",
    ] {
        p.remove(optional);
    }
    h.open_ok(&h.page_link(&p)).await;
    assert_eq!(h.sb.control().payments().len(), 1);
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_force_payment_method_is_2541() {
    let h = Harness::start().await;
    let mut p = params("pp-m", "c1", 100);
    for method in ["card", "card-partner ", "", "uzcard-partner"] {
        p.insert("force_payment_method".into(), json!(method));
        let page = h.open_page(&h.page_link(&p)).await;
        assert_page_error(&h, &page, 2541, "pp-m").await;
    }
    // The known code is a switch.
    let state = h
        .control(
            "/_sandbox/config",
            json!({"payment_page_method": "uzcard-partner"}),
        )
        .await;
    assert_eq!(state["payment_page_method"], "uzcard-partner");
    p.insert("force_payment_method".into(), json!("card-partner"));
    assert_page_error(&h, &h.open_page(&h.page_link(&p)).await, 2541, "pp-m").await;
    p.insert("force_payment_method".into(), json!("uzcard-partner"));
    h.open_ok(&h.page_link(&p)).await;
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn best_before_past_is_refused_and_the_link_stops_working() {
    let h = Harness::start().await;
    for past in ["2020-01-01T00:00:00+00:00", "2024-06-30T23:59:59Z"] {
        let mut p = params("pp-old", "c1", 100);
        p.insert("best_before".into(), json!(past));
        let page = h.open_page(&h.page_link(&p)).await;
        assert_page_error(&h, &page, 2004, "pp-old").await;
        assert_eq!(error_field(&page.html).as_deref(), Some("best_before"));
        assert!(page.html.contains("expired"), "{}", page.html);
    }
    let mut p = params("pp-z", "c1", 100);
    p.insert("best_before".into(), json!("2099-01-01T00:00:00Z"));
    h.open_ok(&h.page_link(&p)).await;

    // A link good for a few more seconds (whole seconds: the date has no fraction) opens now
    // and not after.
    let soon = std::time::SystemTime::now() + std::time::Duration::from_secs(3);
    let mut p = params("pp-soon", "c1", 100);
    p.insert(
        "best_before".into(),
        json!(ecommpay_sandbox::clock::gateway_date(soon)),
    );
    let link = h.page_link(&p);
    h.open_ok(&link).await;
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    let page = h.open_page(&link).await;
    assert_eq!(error_code(&page.html), Some(2004), "{}", page.html);
    assert_eq!(
        h.record("pp-soon").await.status,
        "awaiting redirect result",
        "the payment made in time is untouched"
    );
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_id_already_used_is_3041() {
    let h = Harness::start().await;
    h.sale("pp-gate", "c1", 100_000).await;
    let page = h
        .open_page(&h.page_link(&params("pp-gate", "c1", 100_000)))
        .await;
    assert_page_error(&h, &page, 3041, "pp-gate").await;
    assert_eq!(h.sb.control().payments().len(), 1);

    // A Payment Page payment, then another amount or customer under its id.
    h.open_ok(&h.page_link(&params("pp-own", "c1", 100_000)))
        .await;
    for (customer, amount) in [("c1", 100_001), ("c2", 100_000)] {
        let page = h
            .open_page(&h.page_link(&params("pp-own", customer, amount)))
            .await;
        assert_page_error(&h, &page, 3041, "pp-own").await;
    }
    // And a Gate sale cannot take it either.
    let a = h
        .post(
            "/v2/payment/card-partner/sale",
            h.sale_body("pp-own", "c1", 100_000),
        )
        .await;
    assert_rejected(&a, 3041);
    let r = h.record("pp-own").await;
    assert_eq!((r.amount, r.customer_id.as_str()), (100_000, "c1"));
    assert_eq!(h.sb.control().payments().len(), 2);
    h.sb.shutdown().await;
}
