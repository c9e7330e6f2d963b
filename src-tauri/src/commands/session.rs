//! Start-up information, sign-in and language.

use tauri::{AppHandle, State};
use till::Role;

use super::{blocking, ready};
use crate::convert;
use crate::dto::{AppInfo, FirstScreen, SalePhase, UiEvent, UserDto, UserTileDto};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::events;
use crate::state::AppState;

/// The UI's first command: it waits for the till's start-up (which runs beside the window's).
#[tauri::command(rename_all = "snake_case")]
pub async fn app_info(state: State<'_, AppState>) -> ApiResult<AppInfo> {
    ready(&state).await;
    let till = state.till()?;
    let cfg = till.config();
    let flow = convert::flow(cfg.sale_flow().0);
    let has_users = blocking(move || Ok(!till.users()?.is_empty())).await?;
    crate::state::mark("app_info answered");
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        demo: state.booted()?.demo.as_ref().map(|d| d.info()),
        language: cfg.language,
        till_code: cfg.till_code,
        user: state.current_user().as_ref().map(convert::user),
        has_users,
        gateway_ok: state.gateway_ok(),
        qr_valid_secs: u32::try_from(cfg.timing.sale_payable_ms / 1000).unwrap_or(u32::MAX),
        sale_max: cfg.limits.sale_max_tiyin,
        flow,
        late: state.late.lock().unwrap_or_else(|e| e.into_inner()).clone(),
    })
}

/// The cashier's window's first questions at once (see [`FirstScreen`]).
#[tauri::command(rename_all = "snake_case")]
pub async fn first_screen(state: State<'_, AppState>) -> ApiResult<FirstScreen> {
    Ok(FirstScreen {
        info: app_info(state.clone()).await?,
        keys_missing: super::backup::keys_missing(state.clone()).await?,
        sale: super::sale::current_sale(state).await?,
    })
}

/// Someone read the banner of a late result: it is not shown again.
#[tauri::command(rename_all = "snake_case")]
pub async fn dismiss_late(state: State<'_, AppState>, payment_id: String) -> ApiResult<()> {
    state
        .late
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|e| match e {
            UiEvent::LateSuccess { payment_id: p, .. }
            | UiEvent::LateDecline { payment_id: p, .. } => *p != payment_id,
            _ => true,
        });
    Ok(())
}

/// Argon2 checks the PIN on the blocking pool (never under the engine's database lock).
#[tauri::command(rename_all = "snake_case")]
pub async fn sign_in(state: State<'_, AppState>, name: String, pin: String) -> ApiResult<UserDto> {
    ready(&state).await;
    let till = state.till()?;
    let session = blocking(move || {
        let s = till.sign_in(&name, &pin)?;
        // Signing in opens a cashier's shift (see `Till::shift_at_sign_in`).
        till.shift_at_sign_in(&s)?;
        Ok(s)
    })
    .await?;
    let dto = convert::user(session.user());
    state.set_user(Some(session));
    Ok(dto)
}

/// Signs out. A sale still open on screen (the UI asked first) is given up waiting for, as
/// Esc does (it is still followed, and a late payment is raised), and the screen is cleared,
/// so the customer display shows its neutral page instead of the QR.
#[tauri::command(rename_all = "snake_case")]
pub async fn sign_out(app: AppHandle, state: State<'_, AppState>) -> ApiResult<()> {
    ready(&state).await;
    let user = state.current_user();
    let open = state
        .sale()
        .filter(|v| !matches!(v.phase, SalePhase::Success | SalePhase::Declined));
    if let (Some(view), Some(user)) = (open, user) {
        if !view.payment_id.is_empty() {
            let till = state.till()?;
            blocking(move || Ok(till.abandon_sale(&view.payment_id, &user.name)?)).await?;
        }
    }
    if let Some(u) = state.current_user() {
        *last_out() = Some((u.name, till::db::now_ms()));
    }
    state.set_user(None);
    if state.update_sale(|slot| slot.take().is_some()).is_some() {
        events::emit_sale(&app, None);
    }
    Ok(())
}

/// Who signed out last in this run, and when: also a "last user" for the sign-in screen (the
/// demo's own sign-in at start is not a sign-in with a PIN, so the core has no time for it).
fn last_out() -> std::sync::MutexGuard<'static, Option<(String, i64)>> {
    static LAST: std::sync::Mutex<Option<(String, i64)>> = std::sync::Mutex::new(None);
    LAST.lock().unwrap_or_else(|e| e.into_inner())
}

/// The sign-in screen's tiles: active users, with a lock-out that holds now and the last
/// sign-in or sign-out (the most recent is pre-selected).
#[tauri::command(rename_all = "snake_case")]
pub async fn sign_in_choices(state: State<'_, AppState>) -> ApiResult<Vec<UserTileDto>> {
    ready(&state).await;
    let till = state.till()?;
    let tiles = blocking(move || Ok(till.sign_in_tiles()?)).await?;
    let out = last_out().clone();
    Ok(tiles
        .iter()
        .filter(|u| u.active)
        .map(|u| {
            let mut t = convert::user_tile(u);
            if let Some((name, at)) = &out {
                if *name == t.name {
                    t.last_sign_in = Some(t.last_sign_in.map_or(*at, |l| l.max(*at)));
                }
            }
            t
        })
        .collect())
}

/// Where "this shift" starts for the signed-in user: their open shift's start (the start of
/// today when none is open, as after the demo's own sign-in).
#[tauri::command(rename_all = "snake_case")]
pub async fn shift_start(state: State<'_, AppState>) -> ApiResult<i64> {
    ready(&state).await;
    let user = state.signed_in()?;
    let till = state.till()?;
    let at = blocking(move || Ok(till.current_shift_start(user.id)?)).await?;
    Ok(at.unwrap_or_else(|| till::time::today_bounds(till::db::now_ms()).0))
}

/// The names to pick from at sign-in (deactivated users cannot sign in, so they are not offered).
#[tauri::command(rename_all = "snake_case")]
pub async fn user_names(state: State<'_, AppState>) -> ApiResult<Vec<UserDto>> {
    ready(&state).await;
    let till = state.till()?;
    let users = blocking(move || Ok(till.users()?)).await?;
    Ok(users
        .iter()
        .filter(|u| u.active)
        .map(convert::user)
        .collect())
}

/// The signed-in user changes their own PIN (the old one checked; wrong ones count towards the
/// lock-out).
#[tauri::command(rename_all = "snake_case")]
pub async fn change_own_pin(
    state: State<'_, AppState>,
    old_pin: String,
    new_pin: String,
) -> ApiResult<UserDto> {
    ready(&state).await;
    let user = state.signed_in()?;
    let till = state.till()?;
    let session = blocking(move || Ok(till.change_pin(&user.name, &old_pin, &new_pin)?)).await?;
    // The new session: no PIN change pending any more.
    let dto = convert::user(session.user());
    state.set_user(Some(session));
    Ok(dto)
}

/// On a till without users, the first manager (then signed in).
#[tauri::command(rename_all = "snake_case")]
pub async fn create_first_manager(
    state: State<'_, AppState>,
    name: String,
    pin: String,
) -> ApiResult<UserDto> {
    ready(&state).await;
    let till = state.till()?;
    let user = blocking(move || {
        if !till.users()?.is_empty() {
            return Err(ApiError::new(
                ErrorCode::AlreadySetUp,
                "users already exist",
            ));
        }
        let setup = till.authorize("the first manager", None)?;
        till.add_user(&setup, &name, Role::Manager, &pin)?;
        Ok(till.sign_in(&name, &pin)?)
    })
    .await?;
    let dto = convert::user(user.user());
    state.set_user(Some(user));
    Ok(dto)
}

/// Anyone may switch the language (kept in the till's config); every window follows.
#[tauri::command(rename_all = "snake_case")]
pub async fn set_language(
    app: AppHandle,
    state: State<'_, AppState>,
    language: String,
) -> ApiResult<()> {
    ready(&state).await;
    let session = state.session();
    let till = state.till()?;
    let lang = language.clone();
    blocking(move || Ok(till.set_language(session.as_ref(), &lang)?)).await?;
    events::emit(&app, UiEvent::Language { language });
    Ok(())
}

/// The sale screen is interactive (the amount field has focus): printed once on stdout, for
/// the start-up benchmark.
#[tauri::command(rename_all = "snake_case")]
pub async fn ui_ready() -> ApiResult<()> {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        crate::state::mark("sale screen ready");
        println!("cashier-app: sale screen ready");
    });
    Ok(())
}
