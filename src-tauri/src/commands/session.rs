//! Start-up information, sign-in and language.

use tauri::{AppHandle, State};
use till::Role;

use crate::convert;
use crate::dto::{AppInfo, UiEvent, UserDto};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::events;
use crate::state::AppState;

/// The UI's first command: async so that it waits for the till's start-up (which runs beside
/// the window's) off the main thread.
#[tauri::command(rename_all = "snake_case")]
pub async fn app_info(state: State<'_, AppState>) -> ApiResult<AppInfo> {
    state.started().await;
    let till = state.till()?;
    let cfg = till.config();
    let flow = convert::flow(cfg.sale_flow().0);
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        demo: state.booted()?.demo.as_ref().map(|d| d.info()),
        language: cfg.language,
        till_code: cfg.till_code,
        user: state.current_user().as_ref().map(convert::user),
        has_users: !till.users()?.is_empty(),
        gateway_ok: state.gateway_ok(),
        qr_valid_secs: u32::try_from(cfg.timing.sale_payable_ms / 1000).unwrap_or(u32::MAX),
        sale_max: cfg.limits.sale_max_tiyin,
        flow,
    })
}

#[tauri::command(rename_all = "snake_case")]
pub fn sign_in(state: State<'_, AppState>, name: String, pin: String) -> ApiResult<UserDto> {
    let user = state.till()?.verify_pin(&name, &pin)?;
    state.set_user(Some(user.clone()));
    Ok(convert::user(&user))
}

#[tauri::command(rename_all = "snake_case")]
pub fn sign_out(state: State<'_, AppState>) {
    state.set_user(None);
}

/// The names to pick from at sign-in (deactivated users cannot sign in, so they are not offered).
#[tauri::command(rename_all = "snake_case")]
pub fn user_names(state: State<'_, AppState>) -> ApiResult<Vec<UserDto>> {
    Ok(state
        .till()?
        .users()?
        .iter()
        .filter(|u| u.active)
        .map(convert::user)
        .collect())
}

/// The signed-in user changes their own PIN (the old one checked; wrong ones count towards the
/// lock-out).
#[tauri::command(rename_all = "snake_case")]
pub fn change_own_pin(
    state: State<'_, AppState>,
    old_pin: String,
    new_pin: String,
) -> ApiResult<UserDto> {
    let user = state.signed_in()?;
    let changed = state.till()?.change_pin(&user.name, &old_pin, &new_pin)?;
    Ok(convert::user(&changed))
}

/// On a till without users, the first manager (then signed in).
#[tauri::command(rename_all = "snake_case")]
pub fn create_first_manager(
    state: State<'_, AppState>,
    name: String,
    pin: String,
) -> ApiResult<UserDto> {
    let till = state.till()?;
    if !till.users()?.is_empty() {
        return Err(ApiError::new(
            ErrorCode::AlreadySetUp,
            "users already exist",
        ));
    }
    let user = till.add_user(&name, Role::Manager, &pin, "setup")?;
    state.set_user(Some(user.clone()));
    Ok(convert::user(&user))
}

/// Anyone may switch the language (kept in the till's config); every window follows.
#[tauri::command(rename_all = "snake_case")]
pub fn set_language(app: AppHandle, state: State<'_, AppState>, language: String) -> ApiResult<()> {
    let actor = state.current_user().map(|u| u.name).unwrap_or_default();
    state.till()?.set_setting("language", &language, &actor)?;
    events::emit(&app, UiEvent::Language { language });
    Ok(())
}

/// The sale screen is interactive (the amount field has focus): printed once on stdout, for
/// the start-up benchmark.
#[tauri::command(rename_all = "snake_case")]
pub fn ui_ready() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| println!("cashier-app: sale screen ready"));
}
