//! The sandbox's shared state: configuration, the ledger of payments and requests, the fault
//! queues, and the background tasks.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use crate::callbacks::Job;
use crate::config::{SandboxConfig, SignaturePlacement};
use crate::faults::{CallbackFault, GateFault};
use crate::payment::Payment;

/// One field problem, as in the gateway's `errors` list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    #[serde(serialize_with = "crate::codes::as_string")]
    pub code: u32,
    pub message: String,
    pub field: String,
}

/// What the sandbox remembers of a request that passed authentication, for
/// `/v2/payment/status/request`.
#[derive(Debug, Clone)]
pub(crate) struct RequestRecord {
    pub payment_id: Option<String>,
    /// `None` when accepted; the rejection's code and message otherwise.
    pub rejection: Option<(u32, String)>,
    pub errors: Vec<FieldError>,
}

/// Payments, requests, card ownership and the merchant balance.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    pub payments: HashMap<String, Payment>,
    /// Bot token → payment id.
    pub tokens: HashMap<String, String>,
    pub requests: HashMap<String, RequestRecord>,
    /// Card identifier → the customers who paid a sale with it (who may receive payouts to it).
    pub owners: HashMap<String, BTreeSet<String>>,
    /// The merchant balance in tiyin.
    pub balance: u64,
    /// Where the Data API's answer differs from the ledger (planted by tests).
    pub data_api: crate::data_api::plant::DataApiView,
    seq: u64,
}

impl Ledger {
    pub fn new(balance: u64) -> Self {
        Ledger {
            balance,
            ..Default::default()
        }
    }

    /// A fresh sequence number (operation ids, provider ids, request ids, tokens).
    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// A request id shaped like the seed's `30d9d5d9...-00009709`.
    pub fn new_request_id(&mut self, salt: &str) -> String {
        let seq = self.next_seq();
        format!(
            "{}-{seq:08}",
            &hex_digest(&format!("request {salt} {seq}"))[..42]
        )
    }

    /// A bot token shaped like the seed's `start=` value (32 hex). Not a secret: it only has to
    /// be unique and not collide across restarts, hence the clock in it.
    pub fn new_token(&mut self, payment_id: &str) -> String {
        let seq = self.next_seq();
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        hex_digest(&format!("token {payment_id} {seq} {nanos}"))[..32].to_owned()
    }
}

fn hex_digest(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Gate and callback faults waiting to be applied.
#[derive(Debug, Default)]
pub(crate) struct FaultQueues {
    pub gate: VecDeque<GateFault>,
    pub callbacks: VecDeque<CallbackFault>,
}

/// Everything the handlers and tasks share.
pub(crate) struct Shared {
    pub cfg: RwLock<SandboxConfig>,
    /// The balance at start, for `reset`.
    pub initial_balance: u64,
    pub ledger: Mutex<Ledger>,
    pub faults: Mutex<FaultQueues>,
    pub http: reqwest::Client,
    /// Where the sandbox listens (`http://127.0.0.1:PORT`).
    pub base_url: String,
    pub jobs: mpsc::UnboundedSender<Job>,
    /// Requests to the Data API so far (any outcome).
    pub data_api_requests: std::sync::atomic::AtomicU64,
    tasks: Mutex<Vec<AbortHandle>>,
}

/// A poisoned lock only means a handler panicked; the data is still the best there is.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub fn new(
        cfg: SandboxConfig,
        base_url: String,
        jobs: mpsc::UnboundedSender<Job>,
    ) -> Arc<Self> {
        let http = reqwest::Client::builder()
            .timeout(cfg.callback_timeout)
            // Callbacks go to one merchant URL; a fresh connection per attempt makes "the
            // receiver restarted" behave like it does against the real gateway.
            .pool_max_idle_per_host(0)
            .build()
            .expect("a plain reqwest client always builds");
        Arc::new(Shared {
            initial_balance: cfg.merchant_balance,
            ledger: Mutex::new(Ledger::new(cfg.merchant_balance)),
            cfg: RwLock::new(cfg),
            faults: Mutex::new(FaultQueues::default()),
            http,
            base_url,
            jobs,
            data_api_requests: Default::default(),
            tasks: Mutex::new(Vec::new()),
        })
    }

    pub fn cfg(&self) -> SandboxConfig {
        self.cfg.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The base of the bot links.
    pub fn public_base(&self) -> String {
        self.cfg()
            .public_url
            .unwrap_or_else(|| self.base_url.clone())
            .trim_end_matches('/')
            .to_owned()
    }

    /// Spawns a background task that `shutdown` will abort.
    pub fn spawn<F>(&self, fut: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        let handle = tokio::spawn(fut).abort_handle();
        let mut tasks = lock(&self.tasks);
        tasks.retain(|t| !t.is_finished());
        tasks.push(handle);
    }

    pub fn abort_tasks(&self) {
        for t in lock(&self.tasks).drain(..) {
            t.abort();
        }
    }

    /// Signs `body` with the project secret and puts the signature at `placement`.
    pub fn sign_at(&self, mut body: Value, placement: SignaturePlacement) -> Value {
        let signature = ecommpay::sign::sign(&body, &self.cfg().secret);
        if let Value::Object(map) = &mut body {
            match placement {
                SignaturePlacement::Top => {
                    map.insert("signature".into(), Value::String(signature));
                }
                SignaturePlacement::General => {
                    let general = map
                        .entry("general")
                        .or_insert_with(|| Value::Object(Default::default()));
                    if let Value::Object(g) = general {
                        g.insert("signature".into(), Value::String(signature));
                    }
                }
            }
        }
        body
    }
}
