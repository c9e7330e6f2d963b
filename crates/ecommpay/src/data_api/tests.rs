//! The client over an injected transport: a small in-memory Data API that pages, signs and
//! refuses like the real one is described to.

use std::sync::Mutex;

use serde_json::{json, Value};

use super::*;
use crate::gate::{HttpReply, Transport, TransportError};
use crate::{sign, PaymentStatus, Secret, Tiyin};

const TOKEN: &str = "ZOyTL5shY8ddhpxdQyplRPJYmGV7Kv";
const SECRET: &str = "data-api-secret";

/// How the fake server misbehaves.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Honest,
    IgnoresOffset,
    WrongSignature,
    Unsigned,
    Reply(u16, &'static str),
    Fail,
}

struct FakeDataApi {
    ops: Vec<Value>,
    mode: Mode,
    sent: Mutex<Vec<(String, Value)>>,
}

impl FakeDataApi {
    fn new(n: usize, mode: Mode) -> FakeDataApi {
        let ops = (0..n)
            .map(|i| {
                json!({"project_id": 198, "operation_id": 1000 + i, "payment_id": format!("T1-{i}"),
                       "operation_type": if i % 3 == 0 { "payout" } else { "sale" },
                       "operation_status": "success", "operation_created_at": "2026-12-01 10:00:00",
                       "sum_initial": {"amount": 100 * (i as i64 + 1), "currency": "UZS"}})
            })
            .collect();
        FakeDataApi {
            ops,
            mode,
            sent: Mutex::new(vec![]),
        }
    }

    fn requests(&self) -> usize {
        self.sent.lock().unwrap().len()
    }
}

impl Transport for FakeDataApi {
    async fn post_json(&self, url: &str, body: Vec<u8>) -> Result<HttpReply, TransportError> {
        let req: Value = serde_json::from_slice(&body).unwrap();
        self.sent
            .lock()
            .unwrap()
            .push((url.to_owned(), req.clone()));
        let reply = |status: u16, v: Value| {
            Ok(HttpReply {
                status,
                body: v.to_string().into_bytes(),
            })
        };
        match self.mode {
            Mode::Reply(status, text) => {
                return Ok(HttpReply {
                    status,
                    body: text.as_bytes().to_vec(),
                })
            }
            Mode::Fail => return Err(TransportError::Timeout("read".into())),
            _ => {}
        }
        let secret = Secret::new(SECRET);
        if req["token"] != TOKEN || sign::verify(&req, &secret).is_err() {
            return reply(
                401,
                json!({"status":"error","code":"3261","message":"Invalid signature"}),
            );
        }
        let limit = req["limit"].as_u64().unwrap() as usize;
        let offset = if self.mode == Mode::IgnoresOffset {
            0
        } else {
            req["offset"].as_u64().unwrap() as usize
        };
        let page: Vec<Value> = self.ops.iter().skip(offset).take(limit).cloned().collect();
        let mut answer = json!({ "operations": page });
        match self.mode {
            Mode::Unsigned => {}
            Mode::WrongSignature => {
                answer["signature"] = json!(sign::sign(&answer, &Secret::new("project-secret")))
            }
            _ => answer["signature"] = json!(sign::sign(&answer, &secret)),
        }
        reply(200, answer)
    }
}

fn client(api: FakeDataApi) -> DataApiClient<FakeDataApi> {
    DataApiClient::with_transport(
        DataApiConfig::new("http://data.test/v1/"),
        DataApiToken::new(TOKEN).unwrap(),
        DataApiSecret::new(SECRET).unwrap(),
        api,
    )
}

fn query() -> OperationsQueryBuilder {
    OperationsQuery::builder()
        .day(2026, 12, 1)
        .unwrap()
        .time_zone("Asia/Tashkent")
}

fn run<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

#[test]
fn posts_a_body_signed_with_the_tokens_secret_to_operations_get() {
    let c = client(FakeDataApi::new(3, Mode::Honest));
    let page = run(c.operations(&query().build().unwrap())).unwrap();
    assert_eq!(page.operations.len(), 3);
    assert!(page.is_last());
    let op = &page.operations[1];
    assert_eq!(op.payment_id, "T1-1");
    assert_eq!(op.operation_id, "1001");
    assert_eq!(op.operation_type, Some(OperationType::Sale));
    assert_eq!(op.status, Some(PaymentStatus::Success));
    assert_eq!(op.amount, Some(Tiyin::new(200)));
    let sent = c.transport().sent.lock().unwrap();
    let (url, body) = &sent[0];
    assert_eq!(url, "http://data.test/v1/operations/get");
    assert_eq!(body["token"], TOKEN);
    assert_eq!(body["interval"]["from"], "2026-12-01 00:00:00");
    sign::verify(body, &Secret::new(SECRET)).unwrap();
    assert!(
        sign::verify(body, &Secret::new("project-secret")).is_err(),
        "signed with the token's secret only"
    );
}

#[test]
fn pages_through_2500_operations_each_once() {
    let c = client(FakeDataApi::new(2_500, Mode::Honest));
    let all = run(c.all_operations(&query().build().unwrap())).unwrap();
    assert_eq!(all.len(), 2_500);
    let mut ids: Vec<_> = all.iter().map(|o| o.operation_id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 2_500);
    assert_eq!(c.transport().requests(), 3, "1000 + 1000 + 500");
    let offsets: Vec<_> = c
        .transport()
        .sent
        .lock()
        .unwrap()
        .iter()
        .map(|(_, b)| b["offset"].clone())
        .collect();
    assert_eq!(offsets, vec![json!(0), json!(1000), json!(2000)]);

    // Exactly a multiple of the limit: one more, empty, page ends it.
    let c = client(FakeDataApi::new(20, Mode::Honest));
    let all = run(c.all_operations(&query().limit(10).build().unwrap())).unwrap();
    assert_eq!(all.len(), 20);
    assert_eq!(c.transport().requests(), 3);
}

#[test]
fn a_server_that_ignores_offset_does_not_page_for_ever() {
    let c = client(FakeDataApi::new(50, Mode::IgnoresOffset));
    let e = run(c.all_operations(&query().limit(10).build().unwrap())).unwrap_err();
    assert!(
        matches!(e, DataApiError::Paging { offset: 10, .. }),
        "{e:?}"
    );
    assert_eq!(c.transport().requests(), 2);

    let mut cfg = DataApiConfig::new("http://data.test/v1");
    cfg.max_pages = 2;
    let c = DataApiClient::with_transport(
        cfg,
        DataApiToken::new(TOKEN).unwrap(),
        DataApiSecret::new(SECRET).unwrap(),
        FakeDataApi::new(50, Mode::Honest),
    );
    let e = run(c.all_operations(&query().limit(10).build().unwrap())).unwrap_err();
    assert!(
        matches!(e, DataApiError::Paging { offset: 20, .. }),
        "{e:?}"
    );
}

#[test]
fn answers_must_be_signed_with_the_tokens_secret() {
    for mode in [Mode::WrongSignature, Mode::Unsigned] {
        let e = run(client(FakeDataApi::new(2, mode)).operations(&query().build().unwrap()))
            .unwrap_err();
        assert!(
            matches!(e, DataApiError::BadSignature { http_status: 200 }),
            "{e:?}"
        );
    }
}

#[test]
fn a_wrong_secret_or_token_is_a_rejection_that_says_auth() {
    let wrong_secret = DataApiClient::with_transport(
        DataApiConfig::new("http://data.test/v1"),
        DataApiToken::new(TOKEN).unwrap(),
        DataApiSecret::new("not-the-secret").unwrap(),
        FakeDataApi::new(2, Mode::Honest),
    );
    let e = run(wrong_secret.operations(&query().build().unwrap())).unwrap_err();
    assert_eq!(e.code(), Some("3261"));
    assert!(e.is_auth(), "{e:?}");
    let wrong_token = DataApiClient::with_transport(
        DataApiConfig::new("http://data.test/v1"),
        DataApiToken::new("another-token").unwrap(),
        DataApiSecret::new(SECRET).unwrap(),
        FakeDataApi::new(2, Mode::Honest),
    );
    assert!(run(wrong_token.operations(&query().build().unwrap()))
        .unwrap_err()
        .is_auth());
}

#[test]
fn tells_malformed_from_server_error_from_timeout_from_rejection() {
    let one = |mode| {
        run(client(FakeDataApi::new(1, mode)).operations(&query().build().unwrap())).unwrap_err()
    };
    assert!(matches!(
        one(Mode::Reply(200, "<html>")),
        DataApiError::Malformed { .. }
    ));
    assert!(matches!(
        one(Mode::Reply(200, "[]")),
        DataApiError::Malformed { .. }
    ));
    assert!(matches!(
        one(Mode::Reply(502, "")),
        DataApiError::ServerError { http_status: 502 }
    ));
    assert!(matches!(one(Mode::Fail), DataApiError::Timeout(_)));
    let e = one(Mode::Reply(
        400,
        r#"{"errors":[{"code":2004,"message":"limit"}]}"#,
    ));
    assert_eq!(e.code(), Some("2004"));
    assert!(!e.is_auth());
    // A rejection with a signature that does not hold is not believed either.
    let e = one(Mode::Reply(
        400,
        r#"{"status":"error","code":"1","signature":"AAAA"}"#,
    ));
    assert!(
        matches!(e, DataApiError::BadSignature { http_status: 400 }),
        "{e:?}"
    );
    // A signed answer without its operations list, or with an operation without ids.
    let secret = Secret::new(SECRET);
    let signed = |mut v: Value| {
        v["signature"] = json!(sign::sign(&v, &secret));
        Box::leak(v.to_string().into_boxed_str()) as &'static str
    };
    let e = one(Mode::Reply(200, signed(json!({"total": 0}))));
    assert!(matches!(e, DataApiError::Malformed { .. }), "{e:?}");
    let e = one(Mode::Reply(
        200,
        signed(json!({"operations": [{"payment_id": "p"}]})),
    ));
    assert!(
        matches!(e, DataApiError::Malformed { ref detail, .. } if detail.contains("operation_id")),
        "{e:?}"
    );
}

#[test]
fn a_limit_above_1000_never_reaches_the_network() {
    assert_eq!(
        query().limit(1001).build().unwrap_err(),
        QueryError::Limit(1001)
    );
    // A query changed through its public fields is checked again before the send.
    let c = client(FakeDataApi::new(5, Mode::Honest));
    let q = OperationsQuery {
        limit: 1001,
        ..query().build().unwrap()
    };
    let e = run(c.operations(&q)).unwrap_err();
    assert!(
        matches!(e, DataApiError::Invalid(QueryError::Limit(1001))),
        "{e:?}"
    );
    let e = run(c.all_operations(&q)).unwrap_err();
    assert!(
        matches!(e, DataApiError::Invalid(QueryError::Limit(1001))),
        "{e:?}"
    );
    assert_eq!(c.transport().requests(), 0);
}
