//! Reconciliation with ECommPay's records (see `till::reconcile`): a manager reconciles a day
//! and sets the Data API's token and secret (write-only: the UI learns only "configured");
//! every signed-in window asks `reconcile_status` each minute, which also runs the automatic
//! reconciliation of the previous day once the app runs past local midnight plus the margin
//! (`Till::auto_reconcile`, once per day: the audit log says whether it ran).

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use serde::Serialize;
use tauri::State;
use till::reconcile::{Item, LastReconciliation, Report};
use ts_rs::TS;

use super::{blocking, blocking_async, ready};
use crate::error::ApiResult;
use crate::state::AppState;

/// One line of a reconciliation: `kind` is `other_till`, `missing_here`,
/// `missing_at_gateway`, `missed_success`, `status_differs` or `amount_differs`.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReconcileItemDto {
    pub kind: String,
    pub payment_id: String,
    pub payment_type: String,
    pub till_state: Option<String>,
    pub gateway_status: Option<String>,
    /// `paid`, `not_paid` or `open`, on each side.
    pub till_outcome: Option<String>,
    pub gateway_outcome: Option<String>,
    #[ts(type = "number | null")]
    pub till_amount: Option<i64>,
    #[ts(type = "number | null")]
    pub gateway_amount: Option<i64>,
    /// What the gateway gave when it was not an integer of tiyin.
    pub gateway_amount_raw: Option<String>,
    pub at: Option<String>,
    pub loud: bool,
    pub is_difference: bool,
}

/// A day's reconciliation.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReconcileReportDto {
    pub date: String,
    pub time_zone: String,
    pub operations_fetched: u32,
    pub pages: u32,
    pub till_payments: u32,
    pub matched: u32,
    pub differences: u32,
    pub other_tills: u32,
    pub missed_successes: Vec<String>,
    pub items: Vec<ReconcileItemDto>,
}

/// What every window may know: whether the Data API is set up, and the newest run's
/// missed successes (the banner).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReconcileStatusDto {
    pub configured: bool,
    pub last_date: Option<String>,
    pub last_differences: u32,
    pub missed_successes: Vec<String>,
}

fn word<T: Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn item(i: Item) -> ReconcileItemDto {
    ReconcileItemDto {
        kind: word(i.kind),
        till_outcome: i.till_outcome.map(word),
        gateway_outcome: i.gateway_outcome.map(word),
        is_difference: i.kind.is_difference(),
        payment_id: i.payment_id,
        payment_type: i.payment_type,
        till_state: i.till_state,
        gateway_status: i.gateway_status,
        till_amount: i.till_amount.map(|a| a.get()),
        gateway_amount: i.gateway_amount.map(|a| a.get()),
        gateway_amount_raw: i.gateway_amount_raw,
        at: i.at,
        loud: i.loud,
    }
}

fn report(r: Report) -> ReconcileReportDto {
    let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
    ReconcileReportDto {
        date: r.date,
        time_zone: r.time_zone,
        operations_fetched: n(r.operations_fetched),
        pages: r.pages,
        till_payments: n(r.till_payments),
        matched: n(r.matched),
        differences: n(r.differences),
        other_tills: n(r.other_tills),
        missed_successes: r.missed_successes,
        items: r.items.into_iter().map(item).collect(),
    }
}

/// A manager reconciles the till's local day `date` (`YYYY-MM-DD`).
#[tauri::command(rename_all = "snake_case")]
pub async fn reconcile_day(
    state: State<'_, AppState>,
    date: String,
) -> ApiResult<ReconcileReportDto> {
    ready(&state).await;
    let till = state.till()?;
    let auth = state.authority(&till)?;
    let day = till::time::parse_date(&date)
        .ok_or_else(|| till::TillError::Config(format!("{date:?} is not a date YYYY-MM-DD")))?;
    blocking_async(async move { Ok(report(till.reconcile_day(day, auth.actor()).await?)) }).await
}

/// A manager stores the Data API's token and its secret (write-only). Returns whether both
/// are stored.
#[tauri::command(rename_all = "snake_case")]
pub async fn set_data_api(
    state: State<'_, AppState>,
    token: String,
    secret: String,
) -> ApiResult<bool> {
    ready(&state).await;
    let till = state.till()?;
    let auth = state.authority(&till)?;
    blocking(move || {
        till.set_data_api(&auth, &token, &secret)?;
        Ok(till.data_api_configured()?)
    })
    .await
}

/// Only one automatic run at a time in this app.
static AUTO_RUNNING: AtomicBool = AtomicBool::new(false);
/// When the last automatic run failed: the next try waits [`RETRY_AFTER_MS`].
static AUTO_FAILED_AT: AtomicI64 = AtomicI64::new(0);
const RETRY_AFTER_MS: i64 = 15 * 60 * 1000;

/// Whether the Data API is set up and what the newest run found (for the banner). Starts the
/// automatic run of the previous day in the background when it is due.
#[tauri::command(rename_all = "snake_case")]
pub async fn reconcile_status(state: State<'_, AppState>) -> ApiResult<ReconcileStatusDto> {
    ready(&state).await;
    state.signed_in()?;
    let till = state.till()?;
    let t = till.clone();
    let (configured, last, due) = blocking(move || {
        Ok((
            t.data_api_configured()?,
            t.last_reconciliation()?,
            t.reconcile_due(till::db::now_ms())?.is_some(),
        ))
    })
    .await?;
    let now = till::db::now_ms();
    let waited = now - AUTO_FAILED_AT.load(Ordering::SeqCst) >= RETRY_AFTER_MS;
    if due && waited && !AUTO_RUNNING.swap(true, Ordering::SeqCst) {
        tauri::async_runtime::spawn(async move {
            let t = till.clone();
            let run = blocking_async(async move { Ok(t.auto_reconcile().await?) }).await;
            if let Err(e) = run {
                tracing::warn!("automatic reconciliation failed: {}", e.message);
                AUTO_FAILED_AT.store(till::db::now_ms(), Ordering::SeqCst);
            }
            AUTO_RUNNING.store(false, Ordering::SeqCst);
        });
    }
    let (last_date, last_differences, missed_successes) = match last {
        Some(LastReconciliation {
            date,
            differences,
            missed_successes,
            ..
        }) => (
            Some(date),
            u32::try_from(differences).unwrap_or(u32::MAX),
            missed_successes,
        ),
        None => (None, 0, Vec::new()),
    };
    Ok(ReconcileStatusDto {
        configured,
        last_date,
        last_differences,
        missed_successes,
    })
}
