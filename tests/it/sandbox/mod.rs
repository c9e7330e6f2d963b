//! The ECommPay sandbox, over real HTTP on loopback: a sandbox in-process on 127.0.0.1:0, a
//! small callback receiver on another port, requests made with reqwest and signed with the
//! protocol signer (never with the project's Gate client: the sandbox must not be shaped after
//! it). The binary and the official JS SDK check it from outside.

mod binary;
mod callbacks;
mod data_api;
mod faults;
mod js;
mod payment_page;
mod payment_page_checks;
mod payout;
mod rejections;
mod sale;
mod status;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use ecommpay::sign::{sign_request_body, verify};
use ecommpay::Secret;
use ecommpay_sandbox::{PaymentRecord, RunningSandbox, Sandbox, SandboxConfig};
use serde_json::{json, Value};

pub const SECRET: &str = "sandbox-test-secret";
pub const PROJECT: u64 = 4242;

/// The test configuration: fast times, long sale expiry (tests of expiry shorten it).
pub fn config() -> SandboxConfig {
    SandboxConfig {
        project_id: PROJECT,
        secret: Secret::new(SECRET),
        shop_name: "Test do'koni".into(),
        time_factor: 0.001,
        // 10 days of gateway time = 864 s at this factor: never in a test's life.
        sale_expiry: Duration::from_secs(10 * 24 * 3600),
        payout_delay: Duration::ZERO,
        ..SandboxConfig::default()
    }
}

pub fn secret() -> Secret {
    Secret::new(SECRET)
}

/// Captures callbacks; answers each with the next scripted status (200 when the script is
/// empty).
#[derive(Clone, Default)]
pub struct Receiver {
    pub got: Arc<Mutex<Vec<Value>>>,
    pub script: Arc<Mutex<VecDeque<u16>>>,
    pub url: String,
}

async fn receive(State(r): State<Receiver>, body: Bytes) -> StatusCode {
    let v: Value = serde_json::from_slice(&body).expect("callbacks are JSON");
    r.got.lock().unwrap().push(v);
    let code = r.script.lock().unwrap().pop_front().unwrap_or(200);
    StatusCode::from_u16(code).unwrap()
}

impl Receiver {
    async fn start() -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let r = Receiver {
            url: format!("http://{addr}/callback"),
            ..Default::default()
        };
        let app = Router::new()
            .route("/callback", post(receive))
            .with_state(r.clone());
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        r
    }

    /// Every callback so far for `payment_id`.
    pub fn for_payment(&self, payment_id: &str) -> Vec<Value> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .filter(|c| c["payment"]["id"] == payment_id)
            .cloned()
            .collect()
    }

    /// Waits for a callback of `payment_id` with `status`.
    pub async fn wait(&self, payment_id: &str, status: &str) -> Value {
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(c) = self
                .for_payment(payment_id)
                .into_iter()
                .find(|c| c["payment"]["status"] == status)
            {
                return c;
            }
            assert!(
                Instant::now() < until,
                "no `{status}` callback for {payment_id}; got {:?}",
                self.for_payment(payment_id)
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

pub struct Harness {
    pub sb: RunningSandbox,
    pub rx: Receiver,
    pub http: reqwest::Client,
}

/// JSON of a response, or `Value::Null` with the text kept for messages.
pub struct Answer {
    pub status: u16,
    pub json: Value,
    pub text: String,
}

impl Harness {
    pub async fn start() -> Harness {
        Harness::with(config()).await
    }

    pub async fn with(cfg: SandboxConfig) -> Harness {
        let sb = Sandbox::start(cfg, "127.0.0.1:0".parse().unwrap())
            .await
            .expect("sandbox starts");
        let rx = Receiver::start().await;
        let http = reqwest::Client::builder()
            // A fresh connection per request: the `close` fault must not leave a dead pooled one.
            .pool_max_idle_per_host(0)
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        Harness { sb, rx, http }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sb.base_url())
    }

    /// POSTs `body` as it is.
    pub async fn post_raw(&self, path: &str, body: &Value) -> Answer {
        let res = self
            .http
            .post(self.url(path))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("request reaches the sandbox");
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer { status, json, text }
    }

    /// Signs `body` in `general.signature`, then POSTs it.
    pub async fn post(&self, path: &str, mut body: Value) -> Answer {
        sign_request_body(&mut body, &secret());
        self.post_raw(path, &body).await
    }

    /// A valid sale body sending callbacks to the receiver.
    pub fn sale_body(&self, payment_id: &str, customer: &str, amount: u64) -> Value {
        json!({
            "general": {"project_id": PROJECT, "payment_id": payment_id, "merchant_callback_url": self.rx.url},
            "customer": {"id": customer, "ip_address": "198.51.100.47"},
            "payment": {"amount": amount, "currency": "UZS", "extra_param": "uzcard", "description": "Test sale"},
        })
    }

    /// A valid payout body sending callbacks to the receiver.
    pub fn payout_body(&self, payment_id: &str, customer: &str, amount: u64, card: &str) -> Value {
        json!({
            "general": {"project_id": PROJECT, "payment_id": payment_id, "merchant_callback_url": self.rx.url},
            "customer": {"id": customer, "ip_address": "198.51.100.47"},
            "payment": {"amount": amount, "currency": "UZS", "description": "Test payout"},
            "account": {"number": card},
        })
    }

    /// Starts a sale and asserts it was accepted.
    pub async fn sale(&self, payment_id: &str, customer: &str, amount: u64) -> Answer {
        let a = self
            .post(
                "/v2/payment/card-partner/sale",
                self.sale_body(payment_id, customer, amount),
            )
            .await;
        assert_eq!(a.status, 200, "sale {payment_id}: {}", a.text);
        assert_eq!(a.json["status"], "success");
        assert_eq!(a.json["payment_id"], payment_id);
        assert_eq!(a.json["project_id"], PROJECT);
        assert!(a.json["request_id"].as_str().is_some_and(|r| !r.is_empty()));
        a
    }

    /// The bot link from the sale's `awaiting redirect result` callback.
    pub async fn bot_url(&self, payment_id: &str) -> String {
        let cb = self.rx.wait(payment_id, "awaiting redirect result").await;
        cb["redirect_data"]["url"]
            .as_str()
            .expect("redirect_data.url")
            .to_owned()
    }

    /// POSTs the bot form.
    pub async fn bot(&self, url: &str, action: &str, card: Option<&str>) -> u16 {
        let body = card.map(|c| format!("card={c}")).unwrap_or_default();
        self.http
            .post(format!("{url}/{action}"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    /// A sale by `customer` paid with `card`, to success; returns the card identifier.
    pub async fn paid_sale(&self, payment_id: &str, customer: &str, amount: u64) -> String {
        self.sale(payment_id, customer, amount).await;
        let url = self.bot_url(payment_id).await;
        assert_eq!(self.bot(&url, "pay", Some("uzcard-ok")).await, 200);
        let cb = self.rx.wait(payment_id, "success").await;
        cb["account"]["number"].as_str().unwrap().to_owned()
    }

    /// `/v2/payment/status`, with the answer's signature checked when it is 200.
    pub async fn status(&self, payment_id: &str) -> Answer {
        let a = self
            .post(
                "/v2/payment/status",
                json!({"general": {"project_id": PROJECT, "payment_id": payment_id}}),
            )
            .await;
        if a.status == 200 {
            assert!(
                a.json["signature"].is_string(),
                "status answer is signed at the top"
            );
            verify(&a.json, &secret()).expect("status answer verifies");
        }
        a
    }

    /// `GET /_sandbox/payments/<id>` over HTTP.
    pub async fn record(&self, payment_id: &str) -> PaymentRecord {
        let res = self
            .http
            .get(self.url(&format!("/_sandbox/payments/{payment_id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "record of {payment_id}");
        res.json().await.unwrap()
    }

    /// POSTs JSON to the control API.
    pub async fn control(&self, path: &str, body: Value) -> Value {
        let res = self
            .http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "control {path} {body}");
        res.json().await.unwrap()
    }

    /// Waits until the sandbox's record satisfies `pred`.
    pub async fn wait_record(
        &self,
        payment_id: &str,
        what: &str,
        pred: impl Fn(&PaymentRecord) -> bool,
    ) -> PaymentRecord {
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            let r = self.record(payment_id).await;
            if pred(&r) {
                return r;
            }
            assert!(Instant::now() < until, "{payment_id}: {what}; record {r:?}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// Asserts a rejection: HTTP 4xx, `status: error`, the code (a string).
pub fn assert_rejected(a: &Answer, code: u32) {
    assert!(
        (400..500).contains(&a.status),
        "expected a 4xx rejection with {code}, got {}: {}",
        a.status,
        a.text
    );
    assert_eq!(a.json["status"], "error", "{}", a.text);
    assert_eq!(a.json["code"], code.to_string(), "{}", a.text);
    assert!(a.json["message"].as_str().is_some_and(|m| !m.is_empty()));
}

/// Every callback verifies with the project secret.
pub fn assert_all_signed(callbacks: &[Value]) {
    for c in callbacks {
        verify(c, &secret()).unwrap_or_else(|e| panic!("callback does not verify ({e}): {c}"));
    }
}
