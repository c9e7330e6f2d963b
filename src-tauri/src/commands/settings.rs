//! Settings, for managers only. The secret is write-only: the UI learns "configured" or not.

use tauri::State;

use crate::convert;
use crate::dto::{RoleDto, SettingDto, SettingsView, UserDto};
use crate::error::ApiResult;
use crate::state::AppState;

#[tauri::command(rename_all = "snake_case")]
pub fn settings(state: State<'_, AppState>) -> ApiResult<SettingsView> {
    state.manager()?;
    let till = state.till()?;
    Ok(SettingsView {
        values: till
            .settings()
            .into_iter()
            .map(|(key, value)| SettingDto { key, value })
            .collect(),
        secret_configured: till.secret_configured()?,
        users: till.users()?.iter().map(convert::user).collect(),
        data_dir: till.data_dir().display().to_string(),
    })
}

#[tauri::command(rename_all = "snake_case")]
pub fn set_setting(state: State<'_, AppState>, key: String, value: String) -> ApiResult<()> {
    let user = state.manager()?;
    Ok(state.till()?.set_setting(&key, &value, &user.name)?)
}

#[tauri::command(rename_all = "snake_case")]
pub fn set_secret(state: State<'_, AppState>, secret: String) -> ApiResult<bool> {
    let user = state.manager()?;
    let till = state.till()?;
    till.set_secret(&secret, &user.name)?;
    Ok(till.secret_configured()?)
}

#[tauri::command(rename_all = "snake_case")]
pub fn add_user(
    state: State<'_, AppState>,
    name: String,
    role: RoleDto,
    pin: String,
) -> ApiResult<UserDto> {
    let user = state.manager()?;
    let added = state
        .till()?
        .add_user(&name, convert::role_in(role), &pin, &user.name)?;
    Ok(convert::user(&added))
}

/// The signed-in manager (their PIN checked again) sets `name`'s PIN and lifts any lock-out.
#[tauri::command(rename_all = "snake_case")]
pub fn reset_pin(
    state: State<'_, AppState>,
    manager_pin: String,
    name: String,
    new_pin: String,
) -> ApiResult<UserDto> {
    let user = state.manager()?;
    let changed = state
        .till()?
        .reset_pin(&user.name, &manager_pin, &name, &new_pin)?;
    Ok(convert::user(&changed))
}

/// The signed-in manager (their PIN checked again) lifts `name`'s lock-out.
#[tauri::command(rename_all = "snake_case")]
pub fn unlock_user(
    state: State<'_, AppState>,
    manager_pin: String,
    name: String,
) -> ApiResult<UserDto> {
    let user = state.manager()?;
    let changed = state.till()?.unlock_user(&user.name, &manager_pin, &name)?;
    Ok(convert::user(&changed))
}

/// The signed-in manager (their PIN checked again) deactivates or reactivates `name`.
#[tauri::command(rename_all = "snake_case")]
pub fn set_user_active(
    state: State<'_, AppState>,
    manager_pin: String,
    name: String,
    active: bool,
) -> ApiResult<UserDto> {
    let user = state.manager()?;
    let changed = state
        .till()?
        .set_user_active(&user.name, &manager_pin, &name, active)?;
    Ok(convert::user(&changed))
}
