//! Settings > Backup (managers), "Restore from a backup" (the first-start screen, and the page
//! of a till whose keys are missing), and what a till with missing keys lacks.

use std::path::PathBuf;

use tauri::{AppHandle, State};
use till::config::resolve_data_dir;
use till::Till;

use super::{blocking, ready};
use crate::backup::{BackupDoneDto, BackupStatusDto, KeysMissingDto, RestoredDto};
use crate::boot;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::state::AppState;

/// A real till whose keys are not in this computer's keyring: what is missing. None in demo
/// mode and when nothing is missing. Asked before anyone signs in.
#[tauri::command(rename_all = "snake_case")]
pub async fn keys_missing(state: State<'_, AppState>) -> ApiResult<Option<KeysMissingDto>> {
    ready(&state).await;
    if state.is_demo() {
        return Ok(None);
    }
    let till = state.till()?;
    blocking(move || {
        let missing = till.missing_keys()?;
        Ok((!missing.is_empty()).then(|| KeysMissingDto {
            missing: missing.into_iter().map(str::to_owned).collect(),
            data_dir: till.data_dir().display().to_string(),
        }))
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn backup_status(state: State<'_, AppState>) -> ApiResult<BackupStatusDto> {
    ready(&state).await;
    state.manager()?;
    let till = state.till()?;
    blocking(move || Ok(till.backup_status()?.into())).await
}

/// The backup folder (empty: none), daily on or off, how many to keep.
#[tauri::command(rename_all = "snake_case")]
pub async fn set_backup(
    state: State<'_, AppState>,
    folder: String,
    daily: bool,
    keep: u32,
) -> ApiResult<BackupStatusDto> {
    ready(&state).await;
    let till = state.till()?;
    let auth = state.authority(&till)?;
    blocking(move || {
        let folder = folder.trim();
        if !folder.is_empty() && !std::path::Path::new(folder).is_dir() {
            return Err(ApiError::new(
                ErrorCode::DataDir,
                format!("{folder} is not a folder on this computer"),
            ));
        }
        till.set_setting(&auth, "backup.keep", &keep.to_string())?;
        till.set_setting(&auth, "backup.daily", &daily.to_string())?;
        till.set_setting(&auth, "backup.folder", folder)?;
        Ok(till.backup_status()?.into())
    })
    .await
}

/// Keeps the automatic backups' passphrase in the keyring (write-only).
#[tauri::command(rename_all = "snake_case")]
pub async fn set_backup_passphrase(
    state: State<'_, AppState>,
    passphrase: String,
) -> ApiResult<BackupStatusDto> {
    ready(&state).await;
    let till = state.till()?;
    let auth = state.authority(&till)?;
    blocking(move || {
        till.set_backup_passphrase(&auth, &passphrase)?;
        Ok(till.backup_status()?.into())
    })
    .await
}

/// A backup into the folder now (as the daily one does).
#[tauri::command(rename_all = "snake_case")]
pub async fn backup_now(state: State<'_, AppState>) -> ApiResult<BackupDoneDto> {
    ready(&state).await;
    let user = state.manager()?;
    if state.is_demo() {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "the demo till is not backed up",
        ));
    }
    let till = state.till()?;
    blocking(move || {
        let r = till.backup_now(&user.name)?;
        Ok(BackupDoneDto {
            path: r.path.display().to_string(),
            bytes: r.bytes,
        })
    })
    .await
}

/// Restores a backup file and runs the restored till at once (every window starts afresh).
/// Only on the first start (the demo is running) into the data folder, or over a real till
/// whose keys are missing from this computer's keyring or that could not start at all (its
/// data is replaced).
#[tauri::command(rename_all = "snake_case")]
pub async fn restore_backup(
    app: AppHandle,
    state: State<'_, AppState>,
    path: String,
    passphrase: String,
) -> ApiResult<RestoredDto> {
    ready(&state).await;
    // The till could not start at all (the fatal page): the backup replaces what is there.
    let current = state.till().ok();
    let demo = state.is_demo();
    let (till, restored) = blocking(move || {
        let replace = match &current {
            None => true,
            Some(_) if demo => false,
            Some(c) if !c.missing_keys()?.is_empty() => true,
            Some(_) => {
                return Err(ApiError::new(
                    ErrorCode::Forbidden,
                    "this till has its keys: a backup is restored on a new computer, or over a till whose keys are missing",
                ))
            }
        };
        let dir = match &current {
            Some(c) if !demo => c.data_dir().to_owned(),
            _ => resolve_data_dir(None)?,
        };
        Ok(Till::restore_backup(
            &PathBuf::from(path.trim()),
            &passphrase,
            &dir,
            replace,
        )?)
    })
    .await?;
    let dto = RestoredDto {
        till_code: restored.till_code.clone(),
        created_at: restored.created_at,
        with_secret: restored.with_secret,
        payments: restored.payments,
    };
    boot::switch_to_real(&app, till).await?;
    Ok(dto)
}
