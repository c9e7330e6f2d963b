//! Backups in the app: the DTOs of Settings > Backup and of "Restore from a backup", and the
//! automatic daily backup (a background task that asks the running till whether one is due).

use std::time::Duration;

use serde::Serialize;
use tauri::{AppHandle, Manager};
use ts_rs::TS;

use crate::state::AppState;

/// Settings > Backup: the folder, daily, how many to keep, and the last backup.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BackupStatusDto {
    pub folder: Option<String>,
    pub daily: bool,
    pub keep: u32,
    /// Whether a passphrase for automatic backups is kept in the keyring.
    pub passphrase_set: bool,
    #[ts(type = "number | null")]
    pub last_at: Option<i64>,
    pub last_ok: Option<bool>,
    /// The file written, or the English detail of what went wrong.
    pub last_detail: Option<String>,
    /// What went wrong, as an error code (translated by the UI).
    pub last_code: Option<String>,
    #[ts(type = "number | null")]
    pub last_success_at: Option<i64>,
    /// No successful backup for 7 days: the UI warns.
    pub overdue: bool,
}

impl From<till::backup::BackupStatus> for BackupStatusDto {
    fn from(s: till::backup::BackupStatus) -> Self {
        BackupStatusDto {
            folder: s.folder,
            daily: s.daily,
            keep: s.keep,
            passphrase_set: s.passphrase_set,
            last_at: s.last_at,
            last_ok: s.last_ok,
            last_detail: s.last_detail,
            last_code: s.last_code,
            last_success_at: s.last_success_at,
            overdue: s.overdue,
        }
    }
}

/// A real till whose keys are not in this computer's keyring: what is missing and where its
/// data folder is (the UI says so in the user's language, with what helps).
#[derive(Debug, Clone, Serialize, TS)]
pub struct KeysMissingDto {
    /// Keyring entry names: `api-secret`, `data-key`, `pin-pepper`.
    pub missing: Vec<String>,
    pub data_dir: String,
}

/// A restored till.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RestoredDto {
    pub till_code: String,
    /// When the backup was made.
    #[ts(type = "number")]
    pub created_at: i64,
    pub with_secret: bool,
    #[ts(type = "number")]
    pub payments: i64,
}

/// A backup written now.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BackupDoneDto {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// How often the daily backup's task asks whether one is due (the first time soon after the
/// start: a till that was off over night backs up in the morning).
const CHECK_EVERY: Duration = Duration::from_secs(300);
const FIRST_CHECK: Duration = Duration::from_secs(30);

/// Starts the automatic daily backup: the running till (whichever it is after a switch) backs
/// up when [`till::Till::backup_due`] says so; the demo never does.
pub fn start_daily(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(FIRST_CHECK).await;
        loop {
            let state = app.state::<AppState>();
            if !state.is_demo() {
                if let Ok(till) = state.till() {
                    let work = tauri::async_runtime::spawn_blocking(move || {
                        if till.backup_due()? {
                            till.backup_now("automatic")?;
                        }
                        Ok::<(), till::TillError>(())
                    });
                    match work.await {
                        Ok(Ok(())) => {}
                        Ok(Err(e)) => tracing::warn!(code = e.code(), "automatic backup: {e}"),
                        Err(e) => tracing::warn!("automatic backup task: {e}"),
                    }
                }
            }
            tokio::time::sleep(CHECK_EVERY).await;
        }
    });
}
