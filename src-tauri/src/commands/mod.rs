//! Tauri commands: each converts a DTO, makes one core call, and converts the answer.
//! Arguments keep their snake_case names on the JS side too.
//!
//! Every command is async, so none runs on the main thread (GTK's: a sync command would run
//! there and freeze the window while it works), and every core call that blocks (SQLite,
//! Argon2, the keyring) runs on the blocking pool through [`blocking`], never on an async
//! worker either. Each first awaits the till's start-up ([`AppState::started`]), so nothing
//! after it ever waits on a lock for the start-up.

use std::future::Future;

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::state::AppState;

pub mod backup;
pub mod fatal;
pub mod history;
pub mod payouts;
pub mod print;
pub mod reconcile;
pub mod sale;
pub mod session;
pub mod settings;
pub mod shifts;

include!("names.rs");

/// Runs blocking work (SQLite, Argon2, the keyring) on the blocking thread pool.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::new(ErrorCode::Io, format!("the work stopped: {e}")))?
}

/// A core call that is async but blocks on its way (it writes the sale before spawning its
/// follower; an approval checks a PIN first): driven to its end on the blocking pool.
pub async fn blocking_async<T: Send + 'static>(
    work: impl Future<Output = ApiResult<T>> + Send + 'static,
) -> ApiResult<T> {
    blocking(move || tauri::async_runtime::block_on(work)).await
}

/// Waits (without blocking a thread) until the till has started; then every `AppState`
/// call is instant.
pub async fn ready(state: &AppState) {
    state.started().await;
}

#[macro_export]
macro_rules! all_commands {
    () => {
        tauri::generate_handler![
            $crate::commands::session::app_info,
            $crate::commands::session::first_screen,
            $crate::commands::session::sign_in,
            $crate::commands::session::sign_out,
            $crate::commands::session::user_names,
            $crate::commands::session::create_first_manager,
            $crate::commands::session::set_language,
            $crate::commands::sale::start_sale,
            $crate::commands::sale::abandon_sale,
            $crate::commands::sale::new_sale,
            $crate::commands::sale::current_sale,
            $crate::commands::sale::open_customer_display,
            $crate::commands::history::history,
            $crate::commands::history::payment_detail,
            $crate::commands::history::export_history,
            $crate::commands::payouts::cards,
            $crate::commands::payouts::request_payout,
            $crate::commands::payouts::payout_requests,
            $crate::commands::payouts::approve_payout,
            $crate::commands::payouts::reject_payout,
            $crate::commands::settings::settings,
            $crate::commands::settings::set_setting,
            $crate::commands::settings::set_secret,
            $crate::commands::settings::add_user,
            $crate::commands::settings::reset_pin,
            $crate::commands::settings::unlock_user,
            $crate::commands::settings::set_user_active,
            $crate::commands::settings::connect_real_till,
            $crate::commands::settings::reconnect_till,
            $crate::commands::session::change_own_pin,
            $crate::commands::session::ui_ready,
            $crate::commands::session::dismiss_late,
            $crate::commands::backup::keys_missing,
            $crate::commands::backup::backup_status,
            $crate::commands::backup::set_backup,
            $crate::commands::backup::set_backup_passphrase,
            $crate::commands::backup::backup_now,
            $crate::commands::backup::restore_backup,
            $crate::commands::history::history_totals,
            $crate::commands::reconcile::reconcile_day,
            $crate::commands::reconcile::set_data_api,
            $crate::commands::reconcile::reconcile_status,
            $crate::commands::print::receipt_preview,
            $crate::commands::print::print_receipt,
            $crate::commands::print::print_pay_slip,
            $crate::commands::print::test_print,
            $crate::commands::payouts::returnable,
            $crate::commands::session::sign_in_choices,
            $crate::commands::session::shift_start,
            $crate::commands::shifts::shift_status,
            $crate::commands::shifts::open_shift,
            $crate::commands::shifts::x_report,
            $crate::commands::shifts::close_shift,
            $crate::commands::shifts::day_report,
            $crate::commands::shifts::export_report,
            $crate::commands::shifts::print_report,
            $crate::commands::sale::display_prefs,
            $crate::commands::fatal::open_data_folder,
            $crate::commands::fatal::start_demo,
        ]
    };
}
