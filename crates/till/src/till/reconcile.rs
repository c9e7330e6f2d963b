//! Reconciliation with ECommPay's records (see [`crate::reconcile`]): the Data API's token
//! and secret (OS keyring only, write-only), a day on demand, and the automatic run after the
//! day closes.

use std::collections::HashMap;
use std::time::Duration;

use chrono::NaiveDate;
use ecommpay::data_api::{
    DataApiClient, DataApiConfig, DataApiSecret, DataApiToken, DataOperation, LocalDateTime,
    OperationsQuery,
};
use rusqlite::OptionalExtension;
use serde_json::json;

use super::Till;
use crate::auth::Authority;
use crate::db::payments::{self, Payment};
use crate::db::{audit, now_ms};
use crate::error::{Result, TillError};
use crate::keystore::names;
use crate::reconcile::zone::{shift, Zone};
use crate::reconcile::{
    self, LastReconciliation, Report, AUDIT_ACTION, AUTO_AFTER_MIDNIGHT_MS, FETCH_MARGIN_MS,
};

/// Who the audit log names for the automatic run.
pub const AUTO_ACTOR: &str = "auto";

fn zone_of(name: &str) -> Result<Zone> {
    Zone::new(name).ok_or_else(|| TillError::Config(format!("unknown time_zone {name:?}")))
}

fn wire_time(t: chrono::NaiveDateTime) -> Result<LocalDateTime> {
    LocalDateTime::parse(&t.format("%Y-%m-%d %H:%M:%S").to_string())
        .map_err(|e| TillError::Config(e.to_string()))
}

impl Till {
    /// Stores the Data API's token and its own secret (never the project secret) in the OS
    /// keyring. Write-only: nothing reads them back out; a UI learns only
    /// [`Till::data_api_configured`]. A manager's change, audited without either value.
    pub fn set_data_api(&self, auth: &Authority, token: &str, secret: &str) -> Result<()> {
        self.still_valid(auth, "the Data API token")?;
        let token =
            DataApiToken::new(token).map_err(|e| TillError::Config(format!("token: {e}")))?;
        let secret = DataApiSecret::new(secret).map_err(|_| TillError::SecretEmpty)?;
        self.core.keys.set(names::DATA_API_TOKEN, token.expose())?;
        self.core
            .keys
            .set(names::DATA_API_SECRET, secret.expose_for_keyring())?;
        audit::append(
            &self.core.db().conn,
            auth.actor(),
            "data_api_set",
            names::DATA_API_TOKEN,
            &json!({}),
        )?;
        Ok(())
    }

    /// Whether a Data API token and its secret are stored (all a UI may learn of them).
    pub fn data_api_configured(&self) -> Result<bool> {
        Ok(self.core.keys.get(names::DATA_API_TOKEN)?.is_some()
            && self.core.keys.get(names::DATA_API_SECRET)?.is_some())
    }

    fn data_api_client(&self) -> Result<DataApiClient> {
        let token = self
            .core
            .keys
            .get(names::DATA_API_TOKEN)?
            .ok_or(TillError::DataApiMissing)?;
        let secret = self
            .core
            .keys
            .get(names::DATA_API_SECRET)?
            .ok_or(TillError::DataApiMissing)?;
        let token = DataApiToken::new(token.as_str()).map_err(|_| TillError::DataApiMissing)?;
        let secret = DataApiSecret::new(secret.as_str()).map_err(|_| TillError::DataApiMissing)?;
        let cfg = self.core.config();
        Ok(DataApiClient::new(
            DataApiConfig::new(cfg.data_api_url.trim_end_matches('/')),
            token,
            secret,
        )?)
    }

    /// Every operation of `date` and its margins, each once, and the pages it took.
    async fn day_operations(
        &self,
        date: NaiveDate,
        time_zone: &str,
    ) -> Result<(Vec<DataOperation>, u32)> {
        let client = self.data_api_client()?;
        let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
        let from = wire_time(shift(midnight, -FETCH_MARGIN_MS))?;
        let to = wire_time(shift(midnight, 24 * 3_600_000 + FETCH_MARGIN_MS - 1000))?;
        let cfg = self.core.config();
        let query = OperationsQuery::builder()
            .interval(from, to)
            .time_zone(time_zone)
            .project_ids([cfg.project()])
            .build()
            .map_err(|e| TillError::Config(e.to_string()))?;
        let mut pager = client.pages(&query);
        let mut all: Vec<DataOperation> = Vec::new();
        let mut at: HashMap<String, usize> = HashMap::new();
        while let Some(page) = pager.next_page().await {
            for op in page?.operations {
                match at.get(&op.operation_id) {
                    Some(&i) => all[i] = op,
                    None => {
                        at.insert(op.operation_id.clone(), all.len());
                        all.push(op);
                    }
                }
            }
        }
        Ok((all, pager.pages_fetched()))
    }

    /// The till's payments created on `date` in `zone`.
    fn day_payments(&self, date: NaiveDate, zone: Zone) -> Result<Vec<Payment>> {
        let from = zone.day_start_ms(date);
        let to = zone.day_start_ms(date.succ_opt().unwrap_or(date));
        self.core.read(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {} FROM payments WHERE created_at >= ?1 AND created_at < ?2 ORDER BY created_at, id",
                payments::COLUMNS
            ))?;
            let rows = stmt.query_map([from, to], payments::from_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// Reconciles the till's local day `date` with the gateway's records (see
    /// [`crate::reconcile`]). Reads only, at the gateway and here; the run is audited under
    /// `by` (`auto` for the automatic run).
    pub async fn reconcile_day(&self, date: NaiveDate, by: &str) -> Result<Report> {
        let cfg = self.core.config();
        let zone = zone_of(&cfg.time_zone)?;
        let (ops, pages) = self.day_operations(date, &cfg.time_zone).await?;
        let mine = self.day_payments(date, zone)?;
        let ids: Vec<String> = ops.iter().map(|o| o.payment_id.clone()).collect();
        let known: std::collections::HashSet<String> = self.core.read(|c| {
            let mut found = std::collections::HashSet::new();
            let mut stmt = c.prepare("SELECT 1 FROM payments WHERE payment_id = ?1")?;
            for id in &ids {
                if stmt.query_row([id], |_| Ok(())).optional()?.is_some() {
                    found.insert(id.clone());
                }
            }
            Ok(found)
        })?;
        let (items, matched) = reconcile::compare(date, zone, &cfg.till_code, &mine, &ops, |id| {
            known.contains(id)
        });
        let differences = items.iter().filter(|i| i.kind.is_difference()).count();
        let missed_successes: Vec<String> = items
            .iter()
            .filter(|i| i.loud)
            .map(|i| i.payment_id.clone())
            .collect();
        let report = Report {
            date: date.format("%Y-%m-%d").to_string(),
            time_zone: cfg.time_zone.clone(),
            operations_fetched: ops.len(),
            pages,
            till_payments: mine.len(),
            matched,
            differences,
            other_tills: items.len() - differences,
            missed_successes,
            items,
            ran_at: now_ms(),
            by: by.to_owned(),
        };
        audit::append(
            &self.core.db().conn,
            by,
            AUDIT_ACTION,
            &report.date,
            &json!({
                "time_zone": report.time_zone,
                "operations": report.operations_fetched,
                "pages": report.pages,
                "till_payments": report.till_payments,
                "matched": report.matched,
                "differences": report.differences,
                "other_tills": report.other_tills,
                "missed_successes": report.missed_successes,
            }),
        )?;
        if !report.missed_successes.is_empty() {
            tracing::error!(
                date = %report.date,
                payments = ?report.missed_successes,
                "reconciliation: the gateway says these were paid; the till recorded them as not paid"
            );
        }
        Ok(report)
    }

    /// The day the automatic run should reconcile now, if any: the previous local day, once
    /// the till runs [`AUTO_AFTER_MIDNIGHT_MS`] past midnight, when a Data API token is
    /// stored and no run of that day is in the audit log yet.
    pub fn reconcile_due(&self, now: i64) -> Result<Option<NaiveDate>> {
        if !self.data_api_configured()? {
            return Ok(None);
        }
        let zone = zone_of(&self.core.config().time_zone)?;
        let today = zone.date_of(now);
        if now < zone.day_start_ms(today) + AUTO_AFTER_MIDNIGHT_MS {
            return Ok(None);
        }
        let Some(day) = today.pred_opt() else {
            return Ok(None);
        };
        let subject = day.format("%Y-%m-%d").to_string();
        let done = self.core.read(|c| {
            Ok(c.query_row(
                "SELECT 1 FROM audit_log WHERE action = ?1 AND subject = ?2 LIMIT 1",
                [AUDIT_ACTION, subject.as_str()],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
        })?;
        Ok((!done).then_some(day))
    }

    /// The automatic run: reconciles the previous day when [`Till::reconcile_due`] says so.
    pub async fn auto_reconcile(&self) -> Result<Option<Report>> {
        match self.reconcile_due(now_ms())? {
            Some(day) => self.reconcile_day(day, AUTO_ACTOR).await.map(Some),
            None => Ok(None),
        }
    }

    /// Runs [`Till::auto_reconcile`] every minute in the background (the app and `cashier
    /// listen`), calling `done` with each report; after a failure it waits a quarter of an
    /// hour before trying again. Ends when the returned handle is aborted.
    pub fn spawn_auto_reconcile(
        &self,
        done: impl Fn(&Report) + Send + Sync + 'static,
    ) -> tokio::task::JoinHandle<()> {
        let till = self.clone();
        tokio::spawn(async move {
            loop {
                let wait = match till.auto_reconcile().await {
                    Ok(Some(r)) => {
                        done(&r);
                        Duration::from_secs(60)
                    }
                    Ok(None) => Duration::from_secs(60),
                    Err(e) => {
                        tracing::warn!("automatic reconciliation failed: {e}");
                        Duration::from_secs(15 * 60)
                    }
                };
                tokio::time::sleep(wait).await;
            }
        })
    }

    /// The newest reconciliation in the audit log (the app's banner shows its missed
    /// successes).
    pub fn last_reconciliation(&self) -> Result<Option<LastReconciliation>> {
        let row: Option<(String, i64, String)> = self.core.read(|c| {
            Ok(c.query_row(
                "SELECT subject, at, detail FROM audit_log WHERE action = ?1 ORDER BY id DESC LIMIT 1",
                [AUDIT_ACTION],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
        })?;
        Ok(row.map(|(date, ran_at, detail)| {
            let d: serde_json::Value = serde_json::from_str(&detail).unwrap_or_default();
            LastReconciliation {
                date,
                ran_at,
                differences: d["differences"].as_u64().unwrap_or(0),
                other_tills: d["other_tills"].as_u64().unwrap_or(0),
                missed_successes: d["missed_successes"]
                    .as_array()
                    .map(|l| {
                        l.iter()
                            .filter_map(|v| v.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        }))
    }
}
