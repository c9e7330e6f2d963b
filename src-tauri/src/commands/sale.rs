//! The sale on screen: start (once), give up waiting, back to a new sale, and the customer
//! display window.

use ecommpay::Tiyin;
use tauri::{AppHandle, Manager, Monitor, State, WebviewUrl, WebviewWindowBuilder};

use super::{blocking, blocking_async, ready};
use crate::dto::{DisplayPrefs, KeypadDto, MonitorDto, SalePhase, SaleView};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::events::{emit_sale, track_sale};
use crate::health;
use crate::state::AppState;
use till::config::KeypadMode;

fn in_progress(v: &SaleView) -> bool {
    !matches!(v.phase, SalePhase::Success | SalePhase::Declined)
}

/// Starts a sale of `amount` tiyin, unless one is already on screen (a second Enter never
/// starts a second sale).
#[tauri::command(rename_all = "snake_case")]
pub async fn start_sale(
    app: AppHandle,
    state: State<'_, AppState>,
    amount: i64,
) -> ApiResult<SaleView> {
    ready(&state).await;
    let user = state.signed_in()?;
    let till = state.till()?;
    let claimed = state.update_sale(|slot| {
        if slot.as_ref().is_some_and(in_progress) {
            return false;
        }
        // The payment id is known once the core has written the sale (below).
        *slot = Some(SaleView::starting(String::new(), amount));
        true
    });
    if claimed.is_none() {
        return Err(ApiError::new(
            ErrorCode::SaleInProgress,
            "a sale is already on screen",
        ));
    }
    // Written (SQLite, full sync) and signed on the blocking pool; followed on the runtime.
    let t = till.clone();
    let started =
        blocking_async(
            async move { Ok(t.start_sale(Tiyin::new(amount), Some(&user.name)).await?) },
        )
        .await;
    match started {
        Ok(handle) => {
            let id = handle.payment_id.clone();
            let view = state.update_sale(|slot| match slot {
                Some(v) if v.payment_id.is_empty() => {
                    v.payment_id = id;
                    true
                }
                _ => false,
            });
            track_sale(app.clone(), till, handle);
            let view = view.flatten().or_else(|| state.sale());
            emit_sale(&app, view.clone());
            view.ok_or_else(|| ApiError::new(ErrorCode::PaymentNotFound, "the sale vanished"))
        }
        Err(e) => {
            state.update_sale(|slot| slot.take().is_some());
            emit_sale(&app, None);
            health::failed_api(&app, e.code);
            Err(e)
        }
    }
}

/// The cashier stops waiting (Esc): the sale is still followed; if the customer pays after
/// all, a loud `late_success` event says so.
#[tauri::command(rename_all = "snake_case")]
pub async fn abandon_sale(app: AppHandle, state: State<'_, AppState>) -> ApiResult<()> {
    ready(&state).await;
    let user = state.signed_in()?;
    let Some(view) = state.sale().filter(in_progress) else {
        return Ok(());
    };
    if !view.payment_id.is_empty() {
        let till = state.till()?;
        blocking(move || Ok(till.abandon_sale(&view.payment_id, &user.name)?)).await?;
    }
    state.update_sale(|slot| slot.take().is_some());
    emit_sale(&app, None);
    Ok(())
}

/// Back to a new sale after a result (Enter or Esc).
#[tauri::command(rename_all = "snake_case")]
pub async fn new_sale(app: AppHandle, state: State<'_, AppState>) -> ApiResult<()> {
    ready(&state).await;
    if state
        .update_sale(|slot| match slot {
            Some(v) if !in_progress(v) => slot.take().is_some(),
            _ => false,
        })
        .is_some()
    {
        emit_sale(&app, None);
    }
    Ok(())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn current_sale(state: State<'_, AppState>) -> ApiResult<Option<SaleView>> {
    ready(&state).await;
    Ok(state.sale())
}

/// Opens the customer-facing window (or shows it again), on the chosen monitor and full
/// screen when set. It never takes the keyboard: it is created unfocused and unfocusable, and
/// opening it again never focuses it, so Enter and F1-F4 stay with the till. Full screen also
/// covers its monitor by size and position without decorations, so it fills the screen on a
/// kiosk session without a window manager too (which ignores a full-screen request).
#[tauri::command(rename_all = "snake_case")]
pub async fn open_customer_display(app: AppHandle, state: State<'_, AppState>) -> ApiResult<()> {
    ready(&state).await;
    let io = |e: tauri::Error| ApiError::new(ErrorCode::Io, e.to_string());
    let place = state
        .till()
        .map(|t| t.config().customer_display)
        .unwrap_or_default();
    let full = place.fullscreen;
    let monitor = customer_monitor(&app, place.monitor.as_deref(), full);
    if let Some(w) = app.get_webview_window("customer") {
        w.set_decorations(!full).map_err(io)?;
        if let Some(m) = &monitor {
            w.set_position(*m.position()).map_err(io)?;
            if full {
                w.set_size(*m.size()).map_err(io)?;
            }
        }
        w.set_fullscreen(full).map_err(io)?;
        w.unminimize().map_err(io)?;
        return w.show().map_err(io);
    }
    let mut builder = WebviewWindowBuilder::new(
        &app,
        "customer",
        WebviewUrl::App("index.html#customer".into()),
    )
    .title("Cashier — customer")
    .inner_size(800.0, 800.0)
    .focused(false)
    .focusable(false)
    .decorations(!full)
    .fullscreen(full);
    if let Some(m) = &monitor {
        let at = m.position().to_logical::<f64>(m.scale_factor());
        builder = builder.position(at.x, at.y);
        if full {
            let size = m.size().to_logical::<f64>(m.scale_factor());
            builder = builder.inner_size(size.width, size.height);
        }
    }
    builder.build().map(|_| ()).map_err(io)
}

/// The monitor the customer display goes on: the one chosen by name; else, full screen, one
/// the till's own window is not on (the till's when there is only one); else none (where the
/// system puts it).
fn customer_monitor(app: &AppHandle, name: Option<&str>, fullscreen: bool) -> Option<Monitor> {
    let all = app.available_monitors().ok()?;
    let named = |n: &str| all.iter().find(|m| m.name().map(String::as_str) == Some(n));
    if let Some(m) = name.and_then(named) {
        return Some(m.clone());
    }
    if !fullscreen {
        return None;
    }
    let till = app
        .get_webview_window("main")
        .and_then(|w| w.current_monitor().ok().flatten());
    let till_name = till.as_ref().and_then(|m| m.name().cloned());
    all.iter()
        .find(|m| m.name().cloned() != till_name)
        .cloned()
        .or(till)
        .or_else(|| all.first().cloned())
}

/// The keypad, sound and customer display settings, and the monitors there are.
#[tauri::command(rename_all = "snake_case")]
pub async fn display_prefs(app: AppHandle, state: State<'_, AppState>) -> ApiResult<DisplayPrefs> {
    ready(&state).await;
    let cfg = state.till()?.config();
    let monitors = app
        .available_monitors()
        .unwrap_or_default()
        .iter()
        .map(|m| MonitorDto {
            name: m.name().cloned().unwrap_or_default(),
            width: m.size().width,
            height: m.size().height,
        })
        .collect();
    Ok(DisplayPrefs {
        keypad: match cfg.ui.keypad {
            KeypadMode::Auto => KeypadDto::Auto,
            KeypadMode::Always => KeypadDto::Always,
            KeypadMode::Never => KeypadDto::Never,
        },
        sound: cfg.ui.sound,
        customer_fullscreen: cfg.customer_display.fullscreen,
        customer_monitor: cfg.customer_display.monitor,
        monitors,
    })
}
