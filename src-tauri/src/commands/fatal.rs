//! The page shown when the app could not start at all: besides "Restore from a backup"
//! (`restore_backup`), the data folder opened in the file manager, and the demo started in
//! its place (its own folder, its own keys: nothing of the till that failed is touched).

use tauri::{AppHandle, State};
use till::config::resolve_data_dir;

use super::{blocking_async, ready};
use crate::boot;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::state::AppState;

/// Opens the data folder (or, when it does not exist yet, the nearest folder above it) in the
/// desktop's file manager; returns the data folder's path (shown on the page, also when no
/// file manager could open it).
#[tauri::command(rename_all = "snake_case")]
pub async fn open_data_folder() -> ApiResult<String> {
    let dir = resolve_data_dir(None)?;
    let shown = dir.display().to_string();
    let target = dir
        .ancestors()
        .find(|d| d.is_dir())
        .unwrap_or(&dir)
        .to_owned();
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    // No file manager to open it with: the page still shows where it is.
    if let Err(e) = std::process::Command::new(opener)
        .arg(&target)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        tracing::warn!("{opener} could not open {}: {e}", target.display());
    }
    Ok(shown)
}

/// Starts the demo in place of a till that could not start (every window starts afresh).
#[tauri::command(rename_all = "snake_case")]
pub async fn start_demo(app: AppHandle, state: State<'_, AppState>) -> ApiResult<()> {
    ready(&state).await;
    if state.booted().is_ok() {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "the till is running: the demo starts only when it could not",
        ));
    }
    blocking_async(async move { boot::demo_instead(&app).await }).await
}
