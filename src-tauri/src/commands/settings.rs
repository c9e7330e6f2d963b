//! Settings, for managers only. The secret is write-only: the UI learns "configured" or not.

use tauri::{AppHandle, State};
use till::config::resolve_data_dir;
use till::{InitOptions, Till, TillError};

use super::{blocking, blocking_async, ready};
use crate::dto::{RoleDto, SaleFlowDto, SettingDto, SettingsView, UserDto};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::state::AppState;
use crate::{boot, convert};

#[tauri::command(rename_all = "snake_case")]
pub async fn settings(state: State<'_, AppState>) -> ApiResult<SettingsView> {
    ready(&state).await;
    state.manager()?;
    let till = state.till()?;
    let flow = convert::flow_view(&till.config(), state.is_demo());
    // The keyring (D-Bus) and the users on the blocking pool.
    blocking(move || {
        Ok(SettingsView {
            values: till
                .settings()
                .into_iter()
                .map(|(key, value)| SettingDto { key, value })
                .collect(),
            secret_configured: till.secret_configured()?,
            users: till.users()?.iter().map(convert::user).collect(),
            data_dir: till.data_dir().display().to_string(),
            flow,
        })
    })
    .await
}

/// Saves one setting; the callback listener's settings take effect at once.
#[tauri::command(rename_all = "snake_case")]
pub async fn set_setting(state: State<'_, AppState>, key: String, value: String) -> ApiResult<()> {
    ready(&state).await;
    let booted = state.booted()?;
    let auth = state.authority(&booted.till)?;
    let (till, k) = (booted.till.clone(), key.clone());
    blocking(move || Ok(till.set_setting(&auth, &k, &value)?)).await?;
    if key.starts_with("callback.") {
        booted.restart_listener().await?;
    }
    Ok(())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_secret(state: State<'_, AppState>, secret: String) -> ApiResult<bool> {
    ready(&state).await;
    let till = state.till()?;
    let auth = state.authority(&till)?;
    let t = till.clone();
    if blocking(move || Ok(t.secret_configured()?)).await? {
        // A new secret for a till that has one: checked with the gateway first.
        let cfg = till.config();
        blocking_async(async move {
            till.reconnect(cfg.project_id, &cfg.gateway_url, None, Some(&secret), &auth)
                .await?;
            Ok(true)
        })
        .await
    } else {
        blocking(move || {
            till.set_secret(&auth, &secret)?;
            Ok(till.secret_configured()?)
        })
        .await
    }
}

/// Moves a real till to another project or gateway (and, optionally, secret): the new
/// credentials are probed with the gateway first; nothing changes when it refuses them.
/// Returns how many open payments stay followed at the previous gateway until final.
#[tauri::command(rename_all = "snake_case")]
pub async fn reconnect_till(
    state: State<'_, AppState>,
    project_id: String,
    gateway_url: String,
    payment_page_url: String,
    secret: String,
) -> ApiResult<u32> {
    ready(&state).await;
    let till = state.till()?;
    let auth = state.authority(&till)?;
    let project_id = project_id.trim().parse::<u64>().map_err(|_| {
        TillError::Config(format!(
            "project_id must be a positive number, not {project_id:?}"
        ))
    })?;
    blocking_async(async move {
        let page = Some(payment_page_url.as_str()).filter(|u| !u.trim().is_empty());
        let secret = Some(secret.as_str()).filter(|s| !s.trim().is_empty());
        let r = till
            .reconnect(project_id, &gateway_url, page, secret, &auth)
            .await?;
        Ok(r.still_followed_elsewhere as u32)
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn add_user(
    state: State<'_, AppState>,
    name: String,
    role: RoleDto,
    pin: String,
) -> ApiResult<UserDto> {
    ready(&state).await;
    let till = state.till()?;
    let auth = state.authority(&till)?;
    blocking(move || {
        let added = till.add_user(&auth, &name, convert::role_in(role), &pin)?;
        Ok(convert::user(&added))
    })
    .await
}

/// The signed-in manager (their PIN checked again) sets `name`'s PIN and lifts any lock-out.
#[tauri::command(rename_all = "snake_case")]
pub async fn reset_pin(
    state: State<'_, AppState>,
    manager_pin: String,
    name: String,
    new_pin: String,
) -> ApiResult<UserDto> {
    ready(&state).await;
    let user = state.manager()?;
    let till = state.till()?;
    blocking(move || {
        let changed = till.reset_pin(&user.name, &manager_pin, &name, &new_pin)?;
        Ok(convert::user(&changed))
    })
    .await
}

/// The signed-in manager (their PIN checked again) lifts `name`'s lock-out.
#[tauri::command(rename_all = "snake_case")]
pub async fn unlock_user(
    state: State<'_, AppState>,
    manager_pin: String,
    name: String,
) -> ApiResult<UserDto> {
    ready(&state).await;
    let user = state.manager()?;
    let till = state.till()?;
    blocking(move || {
        let changed = till.unlock_user(&user.name, &manager_pin, &name)?;
        Ok(convert::user(&changed))
    })
    .await
}

/// The signed-in manager (their PIN checked again) deactivates or reactivates `name`.
#[tauri::command(rename_all = "snake_case")]
pub async fn set_user_active(
    state: State<'_, AppState>,
    manager_pin: String,
    name: String,
    active: bool,
) -> ApiResult<UserDto> {
    ready(&state).await;
    let user = state.manager()?;
    let till = state.till()?;
    blocking(move || {
        let changed = till.set_user_active(&user.name, &manager_pin, &name, active)?;
        Ok(convert::user(&changed))
    })
    .await
}

/// In demo mode, a manager connects the till to the real gateway: the credentials are checked
/// against it before anything is written (`Till::connect`), then the real till (in the data
/// folder, beside `demo/`) replaces the demo one without a restart. Nobody is signed in
/// afterwards: the real till's own users sign in (on a new till, the first manager is created).
/// `flow`: how its sales start; none is automatic (see `till::Config::sale_flow`).
#[tauri::command(rename_all = "snake_case")]
#[allow(clippy::too_many_arguments)] // one per field of the form
pub async fn connect_real_till(
    app: AppHandle,
    state: State<'_, AppState>,
    project_id: String,
    gateway_url: String,
    payment_page_url: String,
    till_code: String,
    secret: String,
    flow: Option<SaleFlowDto>,
) -> ApiResult<()> {
    ready(&state).await;
    state.manager()?;
    if !state.is_demo() {
        return Err(ApiError::new(
            ErrorCode::AlreadyConnected,
            "this till is already connected to the gateway",
        ));
    }
    let project_id = project_id.trim().parse::<u64>().map_err(|_| {
        TillError::Config(format!(
            "project_id must be a positive number, not {project_id:?}"
        ))
    })?;
    let opts = InitOptions {
        project_id,
        gateway_url: gateway_url.trim().to_owned(),
        till_code: till_code.trim().to_owned(),
        payment_page_url: Some(payment_page_url.trim().to_owned()),
        flow: flow.map(convert::flow_in),
    };
    let language = state.till()?.config().language;
    // The probe, then the folder, the database and the keyring: on the blocking pool.
    let till = blocking_async(async move {
        let dir = resolve_data_dir(None)?;
        // A new real till (or one `cashier init` set up, without users): its setup.
        let till = Till::connect(&dir, &opts, &secret, None).await?;
        if flow.is_none() && till.config().sale.flow.is_some() {
            // Automatic, also when `cashier init` had set a flow in this folder.
            let setup = till.authorize("the sale flow", None)?;
            till.set_setting(&setup, "sale.flow", "auto")?;
        }
        if till.config().language != language {
            // The demo's language carries over (a valid one: it is the demo's).
            till.set_language(None, &language)?;
        }
        Ok(till)
    })
    .await?;
    boot::switch_to_real(&app, till).await
}
