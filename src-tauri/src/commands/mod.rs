//! Tauri commands: each converts a DTO, makes one core call, and converts the answer.
//! Arguments keep their snake_case names on the JS side too.

pub mod history;
pub mod payouts;
pub mod sale;
pub mod session;
pub mod settings;

include!("names.rs");

#[macro_export]
macro_rules! all_commands {
    () => {
        tauri::generate_handler![
            $crate::commands::session::app_info,
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
            $crate::commands::session::change_own_pin,
            $crate::commands::session::ui_ready,
        ]
    };
}
