//! Differences planted through the control API (another till's payment, a lost one, a status
//! reported differently) show in the Data API's answer, and nothing else changes.

use std::collections::BTreeSet;

use ecommpay::data_api::OperationsQuery;
use ecommpay::{PaymentStatus, Tiyin};
use serde_json::json;

use super::super::{Harness, PROJECT};
use super::{client, day, with_data_api};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planted_differences_show_in_the_answer() {
    let h = Harness::with(with_data_api()).await;
    let c = h.sb.control();
    // This till's payments, made through the Gate today: one paid, one to be "lost", one whose
    // status the gateway will report differently, one still waiting.
    h.paid_sale("till-paid", "c1", 1_500_000).await;
    h.paid_sale("till-lost", "c1", 250_000).await;
    h.paid_sale("till-differs", "c2", 990_000).await;
    h.sale("till-waiting", "c3", 10_000).await;
    // Another till of the project made a payment the till does not know.
    let other = c
        .plant_payment(
            &serde_json::from_value(json!({"payment_id": "T2-S1", "amount": 700_000,
                "masked_card": "860012******3456"}))
            .unwrap(),
        )
        .unwrap();
    assert_eq!(other.status, "success");
    c.lose_payment("till-lost").unwrap();
    c.report_status("till-differs", Some("decline")).unwrap();
    assert!(c.lose_payment("nobody").is_err());

    // Today, wherever the tests run: UTC, from the epoch's day to far ahead.
    let q = OperationsQuery::builder()
        .interval(
            "2026-01-01 00:00:00".parse().unwrap(),
            "2099-12-31 23:59:59".parse().unwrap(),
        )
        .time_zone("UTC")
        .project_ids([ecommpay::ProjectId::new(PROJECT).unwrap()])
        .build()
        .unwrap();
    let ops = client(&h).all_operations(&q).await.unwrap();
    let by_id = |id: &str| ops.iter().find(|o| o.payment_id == id);
    let names: BTreeSet<_> = ops.iter().map(|o| o.payment_id.as_str()).collect();
    assert_eq!(
        names,
        BTreeSet::from(["till-paid", "till-differs", "till-waiting", "T2-S1"]),
        "the lost payment is absent; the other till's is there"
    );
    let paid = by_id("till-paid").unwrap();
    assert_eq!(paid.status, Some(PaymentStatus::Success));
    assert_eq!(paid.amount, Some(Tiyin::new(1_500_000)));
    assert!(paid.completed_at.is_some());
    let masked = paid.instrument.as_deref().expect("the card, masked");
    assert!(masked.contains('*'), "{masked}");
    assert_eq!(
        by_id("till-differs").unwrap().status,
        Some(PaymentStatus::Decline)
    );
    assert_eq!(
        by_id("till-waiting").unwrap().status,
        Some(PaymentStatus::AwaitingRedirectResult)
    );
    assert!(by_id("till-waiting").unwrap().completed_at.is_none());
    let t2 = by_id("T2-S1").unwrap();
    assert_eq!(
        (t2.amount, t2.instrument.as_deref()),
        (Some(Tiyin::new(700_000)), Some("860012******3456"))
    );
    // The gateway itself still knows the lost payment and its real status.
    assert_eq!(h.record("till-lost").await.status, "success");
    assert_eq!(h.record("till-differs").await.status, "success");
    assert_eq!(h.status("T2-S1").await.json["payment"]["status"], "success");

    // Filters: by status, and by type.
    let declined = client(&h)
        .all_operations(&OperationsQuery {
            status: Some("decline".into()),
            ..q.clone()
        })
        .await
        .unwrap();
    assert_eq!(
        declined
            .iter()
            .map(|o| o.payment_id.as_str())
            .collect::<Vec<_>>(),
        ["till-differs"]
    );
    let payouts = client(&h)
        .all_operations(&OperationsQuery {
            operation_type: Some("payout".into()),
            ..q.clone()
        })
        .await
        .unwrap();
    assert!(payouts.is_empty());

    // Undone, the differences go away.
    h.control(
        "/_sandbox/data_api/status",
        json!({"payment_id": "till-differs", "status": null}),
    )
    .await;
    let ops = client(&h).all_operations(&q).await.unwrap();
    let differs = ops.iter().find(|o| o.payment_id == "till-differs").unwrap();
    assert_eq!(differs.status, Some(PaymentStatus::Success));
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_control_api_plants_over_http() {
    let h = Harness::with(with_data_api()).await;
    let r = h
        .control(
            "/_sandbox/data_api/payments",
            json!({"payment_id": "T3-P1", "type": "payout", "status": "decline", "amount": 5000,
                   "created_at": "2026-12-01T12:00:00+05:00"}),
        )
        .await;
    assert_eq!(
        (r["type"].clone(), r["status"].clone()),
        (json!("payout"), json!("decline"))
    );
    let again = h
        .http
        .post(h.url("/_sandbox/data_api/payments"))
        .json(&json!({"payment_id": "T3-P1", "amount": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409);
    let n = h
        .control(
            "/_sandbox/data_api/bulk",
            json!({"prefix": "B", "count": 3, "amount": 100,
            "created_at": "2026-12-01T13:00:00+05:00"}),
        )
        .await;
    assert_eq!(n["created"], 3);
    h.control("/_sandbox/data_api/lost", json!({"payment_id": "B-000002"}))
        .await;
    h.control(
        "/_sandbox/data_api/status",
        json!({"payment_id": "B-000003", "status": "partially reversed"}),
    )
    .await;
    let ops = client(&h)
        .all_operations(&day().build().unwrap())
        .await
        .unwrap();
    let got: Vec<_> = ops
        .iter()
        .map(|o| {
            (
                o.payment_id.as_str(),
                o.status.clone().unwrap().as_str().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("T3-P1", "decline".to_owned()),
            ("B-000001", "success".to_owned()),
            ("B-000003", "partially reversed".to_owned()),
        ]
    );
    let state = h.sb.control().state();
    assert!(state.data_api_configured);
    assert_eq!(state.data_api_requests, 1);
    h.sb.shutdown().await;
}
