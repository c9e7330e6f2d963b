//! Callback delivery: signed POSTs to the merchant, retried on ECommPay's schedule (scaled),
//! with the drop / duplicate / reorder / wrong-signature faults.
//!
//! One dispatcher task makes every callback's first attempt in the order the callbacks were
//! produced, so that without faults a merchant sees a payment's steps in order (the faults are
//! there to break that on purpose). Retries run in their own tasks and may overtake, as at the
//! gateway.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::mpsc;

use crate::clock::{retry_wait, MAX_SPAN};
use crate::faults::CallbackFault;
use crate::payment::CallbackLog;
use crate::state::{lock, Shared};

/// One callback message on its way.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    payment_id: String,
    /// Index into the payment's callback log.
    log_index: usize,
    url: String,
    body: Value,
    /// `callback.delay` of the request, scaled.
    delay: Duration,
}

/// Produces the callback for the payment's current state and queues it. A payment without a
/// callback URL, or whose request said `callback.force_disable`, gets only a log entry.
pub(crate) fn emit(sh: &Arc<Shared>, payment_id: &str) {
    let cfg = sh.cfg();
    let public = sh.public_base();
    let job = {
        let mut ledger = lock(&sh.ledger);
        let Some(p) = ledger.payments.get_mut(payment_id) else {
            return;
        };
        let url = cfg
            .callback_url
            .clone()
            .or_else(|| p.merchant_callback_url.clone());
        let skipped = if p.callbacks_disabled {
            Some("disabled")
        } else if url.is_none() {
            Some("no_callback_url")
        } else {
            None
        };
        p.callbacks.push(CallbackLog {
            status: p.status.to_owned(),
            fault: skipped.map(str::to_owned),
            attempts: 0,
            delivered: false,
            last_http_status: None,
        });
        let Some(url) = url.filter(|_| skipped.is_none()) else {
            return;
        };
        Job {
            payment_id: payment_id.to_owned(),
            log_index: p.callbacks.len() - 1,
            url,
            body: sh.sign_at(p.callback_body(&cfg, &public), cfg.signature_placement),
            delay: cfg.scaled(p.callback_delay),
        }
    };
    // The receiver lives as long as the sandbox; after shutdown nothing is delivered anyway.
    let _ = sh.jobs.send(job);
}

/// The dispatcher: applies callback faults and makes first attempts in order.
pub(crate) async fn dispatcher(sh: Arc<Shared>, mut rx: mpsc::UnboundedReceiver<Job>) {
    // A callback held back by `reorder`, waiting for the next one to overtake it.
    let mut held: Option<Job> = None;
    loop {
        let job = if held.is_some() {
            let hold_max = sh.cfg().reorder_hold_max;
            match tokio::time::timeout(hold_max, rx.recv()).await {
                Ok(Some(job)) => job,
                Ok(None) => break,
                Err(_elapsed) => {
                    if let Some(h) = held.take() {
                        send(&sh, h).await;
                    }
                    continue;
                }
            }
        } else {
            match rx.recv().await {
                Some(job) => job,
                None => break,
            }
        };
        match sh.take_callback_fault() {
            Some(CallbackFault::Drop) => mark(&sh, &job, "dropped"),
            Some(CallbackFault::Duplicate) => {
                mark(&sh, &job, "duplicate");
                send(&sh, job.clone()).await;
                send(&sh, job).await;
            }
            Some(CallbackFault::Reorder) => {
                mark(&sh, &job, "reordered");
                if let Some(previous) = held.replace(job) {
                    send(&sh, previous).await;
                }
                continue;
            }
            Some(CallbackFault::BadSignature) => {
                mark(&sh, &job, "bad_signature");
                let mut job = job;
                corrupt(&mut job.body);
                send(&sh, job).await;
            }
            None => send(&sh, job).await,
        }
        // The held callback goes right after the one that overtook it.
        if let Some(h) = held.take() {
            send(&sh, h).await;
        }
    }
}

fn mark(sh: &Shared, job: &Job, fault: &str) {
    if let Some(log) = lock(&sh.ledger)
        .payments
        .get_mut(&job.payment_id)
        .and_then(|p| p.callbacks.get_mut(job.log_index))
    {
        log.fault = Some(fault.to_owned());
    }
}

fn corrupt(body: &mut Value) {
    const WRONG: &str =
        "AAAAsandboxWrongSignatureAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";
    if let Some(s) = body.get_mut("signature") {
        *s = Value::String(WRONG.into());
    } else if let Some(s) = body.get_mut("general").and_then(|g| g.get_mut("signature")) {
        *s = Value::String(WRONG.into());
    }
}

/// Makes the first attempt now (or, with `callback.delay`, later in its own task) and hands a
/// failed callback over to a retry task.
async fn send(sh: &Arc<Shared>, job: Job) {
    if job.delay > Duration::ZERO {
        let sh2 = sh.clone();
        sh.spawn(async move {
            tokio::time::sleep(job.delay).await;
            deliver(sh2, job).await;
        });
        return;
    }
    let first = Instant::now();
    if !attempt(sh, &job).await {
        let sh2 = sh.clone();
        sh.spawn(retry(sh2, job, first));
    }
}

async fn deliver(sh: Arc<Shared>, job: Job) {
    let first = Instant::now();
    if !attempt(&sh, &job).await {
        retry(sh, job, first).await;
    }
}

/// Retries 1, 2, ... on the schedule of [`retry_wait`] (scaled), none later than
/// [`MAX_SPAN`] (scaled) after the first attempt.
async fn retry(sh: Arc<Shared>, job: Job, first: Instant) {
    let mut n = 1;
    while let Some(wait) = retry_wait(n) {
        let cfg = sh.cfg();
        let wait = cfg.scaled(wait);
        if first.elapsed() + wait > cfg.scaled(MAX_SPAN) {
            break;
        }
        tokio::time::sleep(wait).await;
        if attempt(&sh, &job).await {
            return;
        }
        n += 1;
    }
    tracing::warn!(payment_id = %job.payment_id, "callback given up after the last retry");
}

/// One HTTP POST. Only HTTP 200 counts as delivered (doc section 4).
async fn attempt(sh: &Shared, job: &Job) -> bool {
    let res = sh
        .http
        .post(&job.url)
        .header("Content-Type", "application/json")
        .body(job.body.to_string())
        .send()
        .await;
    let http_status = match &res {
        Ok(r) => Some(r.status().as_u16()),
        Err(e) => {
            tracing::info!(payment_id = %job.payment_id, error = %e, "callback attempt failed");
            None
        }
    };
    let delivered = http_status == Some(200);
    if let Some(log) = lock(&sh.ledger)
        .payments
        .get_mut(&job.payment_id)
        .and_then(|p| p.callbacks.get_mut(job.log_index))
    {
        log.attempts += 1;
        log.last_http_status = http_status;
        log.delivered |= delivered;
    }
    delivered
}
