//! The Data API (`/v1/operations/get`, protocol doc section 7) over real loopback HTTP: our
//! `ecommpay::data_api` client against the sandbox, which answers from its own payments
//! (planted ones included). Requests that our client would never send are made by hand.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use ecommpay::data_api::{
    DataApiClient, DataApiConfig, DataApiError, DataApiSecret, DataApiToken, OperationType,
    OperationsQuery, OperationsQueryBuilder, QueryError,
};
use ecommpay::sign::{sign, verify};
use ecommpay::{PaymentStatus, Secret, Tiyin};
use ecommpay_sandbox::{DataApiAccess, SandboxConfig};
use serde_json::{json, Value};

use super::{config, Harness, PROJECT, SECRET};
use crate::support::bin;

mod planted;

const TOKEN: &str = "ZOyTL5shY8ddhpxdQyplRPJYmGV7Kv";
const DATA_SECRET: &str = "data-api-token-secret";

fn with_data_api() -> SandboxConfig {
    SandboxConfig {
        data_api: Some(DataApiAccess {
            token: TOKEN.into(),
            secret: Secret::new(DATA_SECRET),
        }),
        ..config()
    }
}

fn client_for(base: &str, token: &str, secret: &str) -> DataApiClient {
    DataApiClient::new(
        DataApiConfig::new(format!("{base}/v1")),
        DataApiToken::new(token).unwrap(),
        DataApiSecret::new(secret).unwrap(),
    )
    .unwrap()
}

fn client(h: &Harness) -> DataApiClient {
    client_for(h.sb.base_url(), TOKEN, DATA_SECRET)
}

fn day() -> OperationsQueryBuilder {
    OperationsQuery::builder()
        .day(2026, 12, 1)
        .unwrap()
        .time_zone("Asia/Tashkent")
}

/// Signs `body` with the token's secret at the top and posts it as it is.
async fn post_signed(h: &Harness, mut body: Value) -> super::Answer {
    body["signature"] = json!(sign(&body, &Secret::new(DATA_SECRET)));
    h.post_raw("/v1/operations/get", &body).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interval_of_2600_operations_pages_each_once() {
    let h = Harness::with(with_data_api()).await;
    let c = h.sb.control();
    // 2,600 sales from 09:00 Tashkent, one a second; 3 payouts that day; 5 sales the day before.
    let bulk = |prefix: &str, count: u32, kind: &str, at: &str| {
        serde_json::from_value(json!({"prefix": prefix, "count": count, "type": kind,
            "amount": 1_500_000, "created_at": at}))
        .unwrap()
    };
    let start = std::time::Instant::now();
    assert_eq!(
        c.plant_bulk(&bulk("other", 2_600, "sale", "2026-12-01T09:00:00+05:00"))
            .unwrap(),
        2_600
    );
    c.plant_bulk(&bulk("po", 3, "payout", "2026-12-01T23:59:00+05:00"))
        .unwrap();
    c.plant_bulk(&bulk("before", 5, "sale", "2026-11-30T23:59:00+05:00"))
        .unwrap();
    let planted_in = start.elapsed();

    let start = std::time::Instant::now();
    let all = client(&h)
        .all_operations(&day().build().unwrap())
        .await
        .unwrap();
    let paged_in = start.elapsed();
    assert_eq!(all.len(), 2_603);
    let ids: BTreeSet<_> = all.iter().map(|o| o.payment_id.clone()).collect();
    assert_eq!(ids.len(), 2_603, "every operation exactly once");
    assert!(ids.contains("other-000001") && ids.contains("other-002600"));
    assert!(
        !ids.iter().any(|i| i.starts_with("before-")),
        "outside the interval"
    );
    let op_ids: BTreeSet<_> = all.iter().map(|o| o.operation_id.clone()).collect();
    assert_eq!(op_ids.len(), 2_603);
    assert_eq!(c.data_api_requests(), 3, "1000 + 1000 + 603");

    let first = &all[0];
    assert_eq!(first.payment_id, "other-000001");
    assert_eq!(first.created_at.unwrap().to_string(), "2026-12-01 09:00:00");
    assert_eq!(first.amount, Some(Tiyin::new(1_500_000)));
    assert_eq!(first.currency.as_deref(), Some("UZS"));
    assert_eq!(first.project_id, Some(PROJECT));
    assert_eq!(first.operation_type, Some(OperationType::Sale));
    assert_eq!(first.status, Some(PaymentStatus::Success));
    assert_eq!(
        all.last().unwrap().operation_type,
        Some(OperationType::Payout)
    );

    // The time zone decides what the interval selects and how dates are written: the same
    // day in UTC starts five hours later, so the payouts at 23:59 Tashkent (18:59 UTC) are in
    // and the sales of 23:59 Tashkent the day before (18:59 UTC on 30 November) are not.
    let utc = OperationsQuery::builder()
        .day(2026, 12, 1)
        .unwrap()
        .time_zone("UTC")
        .operation_type("payout")
        .limit(2)
        .build()
        .unwrap();
    let payouts = client(&h).all_operations(&utc).await.unwrap();
    assert_eq!(payouts.len(), 3);
    assert_eq!(
        payouts[0].created_at.unwrap().to_string(),
        "2026-12-01 18:59:00"
    );
    eprintln!("planted 2,608 in {planted_in:?}; paged 2,603 in {paged_in:?}");
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_or_secret_is_refused() {
    let h = Harness::with(with_data_api()).await;
    let q = day().build().unwrap();
    let base = h.sb.base_url().to_owned();

    let e = client_for(&base, "another-token-entirely", DATA_SECRET)
        .operations(&q)
        .await
        .unwrap_err();
    assert!(e.is_auth(), "{e:?}");
    assert_eq!(e.code(), Some("1401"), "{e}");

    let e = client_for(&base, TOKEN, "not-the-secret")
        .operations(&q)
        .await
        .unwrap_err();
    assert!(e.is_auth(), "{e:?}");
    assert_eq!(e.code(), Some("3261"), "{e}");

    // The project secret is not the token's secret.
    let e = client_for(&base, TOKEN, SECRET)
        .operations(&q)
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("3261"), "{e}");

    // By hand: no signature, and a body the client would never send.
    let a = h
        .post_raw("/v1/operations/get", &json!({"token": TOKEN, "limit": 10}))
        .await;
    assert_eq!(
        (a.status, a.json["code"].clone()),
        (401, json!("3262")),
        "{}",
        a.text
    );
    assert_eq!(a.json["status"], "error");
    let a = h
        .post_raw("/v1/operations/get", &json!({"limit": 10}))
        .await;
    assert_eq!(
        (a.status, a.json["code"].clone()),
        (400, json!("2004")),
        "{}",
        a.text
    );

    // A sandbox started without a token refuses every one.
    let plain = Harness::start().await;
    let e = client_for(plain.sb.base_url(), TOKEN, DATA_SECRET)
        .operations(&q)
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("1401"), "{e}");
    plain.sb.shutdown().await;

    // The right credentials work, and the answer is signed with the token's secret.
    assert!(client(&h)
        .operations(&q)
        .await
        .unwrap()
        .operations
        .is_empty());
    let a = post_signed(&h, json!({"token": TOKEN, "limit": 5})).await;
    assert_eq!(a.status, 200, "{}", a.text);
    verify(&a.json, &Secret::new(DATA_SECRET)).expect("the answer verifies");
    assert!(verify(&a.json, &Secret::new(SECRET)).is_err());

    // A forged answer (the signature fault aimed at the Data API) is not believed.
    h.control(
        "/_sandbox/faults",
        json!({"mode": "bad_signature", "path": "/v1/"}),
    )
    .await;
    let e = client(&h).operations(&q).await.unwrap_err();
    assert!(matches!(e, DataApiError::BadSignature { .. }), "{e:?}");
    h.sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_limit_of_1001_is_refused_before_sending_and_by_the_gateway() {
    let h = Harness::with(with_data_api()).await;
    let refused = day().limit(1001).build().unwrap_err();
    assert_eq!(refused, QueryError::Limit(1001));
    // Set through the public field instead, the client still refuses it before sending.
    let q = OperationsQuery {
        limit: 1001,
        ..day().build().unwrap()
    };
    let e = client(&h).all_operations(&q).await.unwrap_err();
    assert!(
        matches!(e, DataApiError::Invalid(QueryError::Limit(1001))),
        "{e:?}"
    );
    assert_eq!(h.sb.control().data_api_requests(), 0, "nothing was sent");

    // The sandbox refuses it too, as the gateway documents "at most 1000".
    for bad in [json!(1001), json!(0), json!("10"), json!(-1)] {
        let a = post_signed(&h, json!({"token": TOKEN, "limit": bad})).await;
        assert_eq!(a.status, 400, "{bad}: {}", a.text);
        assert_eq!(a.json["code"], "2004");
        assert_eq!(a.json["errors"][0]["field"], "limit", "{}", a.text);
    }
    let a = post_signed(&h, json!({"token": TOKEN, "limit": 1000})).await;
    assert_eq!(a.status, 200, "{}", a.text);
    for (body, field) in [
        (
            json!({"token": TOKEN, "time_zone": "Mars/Olympus"}),
            "time_zone",
        ),
        (
            json!({"token": TOKEN, "interval": {"from": "2026-12-01", "to": "2026-12-02 00:00:00"}}),
            "interval.from",
        ),
        (
            json!({"token": TOKEN, "interval": {"from": "2026-12-02 00:00:00", "to": "2026-12-01 00:00:00"}}),
            "interval",
        ),
        (
            json!({"token": TOKEN, "fields": ["payment_id", "card_holder"]}),
            "fields",
        ),
        (json!({"token": TOKEN, "offset": "5"}), "offset"),
    ] {
        let a = post_signed(&h, body.clone()).await;
        assert_eq!(a.status, 400, "{body}: {}", a.text);
        assert_eq!(a.json["errors"][0]["field"], field, "{}", a.text);
    }
    let a = post_signed(&h, json!({"token": TOKEN, "project_ids": [PROJECT + 1]})).await;
    assert_eq!(
        (a.status, a.json["code"].clone()),
        (401, json!("2442")),
        "{}",
        a.text
    );
    h.sb.shutdown().await;
}

#[test]
fn the_binary_takes_the_token_by_flag_and_its_secret_from_the_environment() {
    let mut child = Command::new(bin("ecommpay-sandbox"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--project-id",
            "777",
            "--data-api-token",
            TOKEN,
        ])
        .env("ECOMMPAY_SECRET", "binary-secret")
        .env("ECOMMPAY_DATA_SECRET", DATA_SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn ecommpay-sandbox");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let base = first.trim_end().to_owned();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let result = rt.block_on(async {
        reqwest::Client::new()
            .post(format!("{base}/_sandbox/data_api/payments"))
            .json(&json!({"payment_id": "bin-op", "amount": 100}))
            .send()
            .await
            .unwrap();
        let q = OperationsQuery::builder()
            .interval(
                "2026-01-01 00:00:00".parse().unwrap(),
                "2099-01-01 00:00:00".parse().unwrap(),
            )
            .time_zone("Asia/Tashkent")
            .build()
            .unwrap();
        let ok = client_for(&base, TOKEN, DATA_SECRET)
            .all_operations(&q)
            .await;
        let project_secret = client_for(&base, TOKEN, "binary-secret")
            .operations(&q)
            .await;
        (ok, project_secret)
    });
    let _ = child.kill();
    let _ = child.wait();
    let (ok, project_secret) = result;
    let ops = ok.unwrap();
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0].payment_id, "bin-op");
    assert_eq!(ops[0].project_id, Some(777));
    assert_eq!(project_secret.unwrap_err().code(), Some("3261"));

    // A token without its secret does not start.
    let out = Command::new(bin("ecommpay-sandbox"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--project-id",
            "777",
            "--data-api-token",
            TOKEN,
        ])
        .env("ECOMMPAY_SECRET", "binary-secret")
        .env_remove("ECOMMPAY_DATA_SECRET")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ECOMMPAY_DATA_SECRET"));
}
